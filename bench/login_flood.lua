-- bench/login_flood.lua: a credential-stuffing flood at POST /login: wrong passwords for
-- random accounts (flood-N@example.com, N up to 100000, almost none of them real), each request
-- with a valid CSRF pair fetched beforehand.
-- Environment: BENCH_CSRF_COOKIE, BENCH_CSRF_TOKEN (a gh_csrf cookie and its form token),
-- BENCH_FLOOD_SPREAD (1: each request claims a random client address in X-Forwarded-For, which
-- the server believes because the bench trusts 127.0.0.1 as a proxy: a botnet of ~4 million
-- addresses; 0: every request comes from 127.0.0.1, one attacker address).
-- Prints one line at the end: FLOOD requests=N rps=N s400=N s429=N s503=N other=N socket_errors=N

local threads = {}
local thread_count = 0

function setup(thread)
    thread:set("thread_id", thread_count)
    thread_count = thread_count + 1
    table.insert(threads, thread)
end

s400, s429, s503, other = 0, 0, 0, 0

function init(args)
    math.randomseed(os.time() * 1000 + (thread_id or 0))
    cookie = "gh_csrf=" .. os.getenv("BENCH_CSRF_COOKIE")
    token = os.getenv("BENCH_CSRF_TOKEN"):gsub("[^%w%-_.~]", function(c) return string.format("%%%02X", string.byte(c)) end)
    spread = os.getenv("BENCH_FLOOD_SPREAD") == "1"
end

function request()
    local headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie }
    if spread then
        headers["X-Forwarded-For"] = string.format("100.%d.%d.%d", math.random(64, 127), math.random(0, 255), math.random(1, 254))
    end
    local body = string.format("csrf_token=%s&email=flood-%d%%40example.com&password=wrong-%d",
        token, math.random(1, 100000), math.random(1, 1000000000))
    return wrk.format("POST", "/login", headers, body)
end

function response(status, headers, body)
    if status == 400 then s400 = s400 + 1
    elseif status == 429 then s429 = s429 + 1
    elseif status == 503 then s503 = s503 + 1
    else
        other = other + 1
        if other <= 3 then io.stderr:write(string.format("[flood] HTTP %d: %s\n", status, string.sub(body or "", 1, 200))) end
    end
end

function done(summary, latency, requests)
    local t = { s400 = 0, s429 = 0, s503 = 0, other = 0 }
    for _, thread in ipairs(threads) do
        for key, _ in pairs(t) do t[key] = t[key] + (thread:get(key) or 0) end
    end
    local errors = summary.errors
    io.write(string.format("FLOOD requests=%d rps=%.1f s400=%d s429=%d s503=%d other=%d socket_errors=%d\n",
        summary.requests, summary.requests / (summary.duration / 1e6), t.s400, t.s429, t.s503, t.other,
        errors.connect + errors.read + errors.write + errors.timeout))
end
