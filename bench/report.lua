-- bench/report.lua: shared by the wrk scripts (loaded with dofile in every Lua state).
-- Counts non-200 answers per thread and prints one machine-readable line at the end:
--   BENCH requests=N duration_us=N rps=N p50_us=N p99_us=N non200=N socket_errors=N timeouts=N
-- wrk gives each thread its own Lua state; setup() runs in the main state and keeps the thread
-- handles so done() can read each thread's counters.

local threads = {}
local thread_count = 0

function setup(thread)
    thread:set("thread_id", thread_count)
    thread_count = thread_count + 1
    table.insert(threads, thread)
end

non200 = 0
shown = 0

-- Counts a non-200 answer and shows the first few, so a failing run says why.
function count_failure(status, body)
    non200 = non200 + 1
    if shown < 3 then
        shown = shown + 1
        io.stderr:write(string.format("[wrk] HTTP %d: %s\n", status, string.sub(body or "", 1, 300)))
    end
end

function done(summary, latency, requests)
    local failures = 0
    local extra = 0
    for _, thread in ipairs(threads) do
        failures = failures + (thread:get("non200") or 0)
        extra = extra + (thread:get("exhausted") or 0)
    end
    local errors = summary.errors
    local seconds = summary.duration / 1e6
    io.write(string.format(
        "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d non200=%d socket_errors=%d timeouts=%d exhausted=%d\n",
        summary.requests, summary.duration, summary.requests / seconds, latency:percentile(50), latency:percentile(99),
        failures, errors.connect + errors.read + errors.write, errors.timeout, extra))
end
