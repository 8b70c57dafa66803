-- bench/refresh.lua: the refresh_token grant, each answer's new refresh token chained into a
-- later request (rotation makes every token single use).
-- Environment: BENCH_DIR, BENCH_TOKENS (a file of pre-minted refresh tokens, one a line),
-- BENCH_THREADS (wrk's -t), BENCH_AUTHORIZATION (the client's Basic credentials).
--
-- Each wrk thread has its own Lua state and takes every BENCH_THREADS-th token of the file into
-- a FIFO queue. request() takes a token from the queue; response() puts the answer's new token
-- back. A connection sends its next request only after its answer was handled, so with at least
-- as many tokens per thread as connections the queue never runs dry; spare tokens cover failed
-- answers (which return no successor). Should it run dry anyway, the request carries a dead
-- token, is answered 400 and counted ("exhausted" and non200).
dofile(os.getenv("BENCH_DIR") .. "/report.lua")

queue = {}
head, tail = 1, 0
exhausted = 0
missing = 0

function init(args)
    local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
    local index = 0
    for line in io.lines(os.getenv("BENCH_TOKENS")) do
        if line ~= "" then
            if index % threads == thread_id then
                tail = tail + 1
                queue[tail] = line
            end
            index = index + 1
        end
    end
    headers = {
        ["Authorization"] = os.getenv("BENCH_AUTHORIZATION"),
        ["Content-Type"] = "application/x-www-form-urlencoded",
    }
end

function request()
    local token
    if head <= tail then
        token = queue[head]
        queue[head] = nil
        head = head + 1
    else
        token = "exhausted"
        exhausted = exhausted + 1
    end
    return wrk.format("POST", "/token", headers, "grant_type=refresh_token&refresh_token=" .. token)
end

function response(status, headers, body)
    if status == 200 then
        local token = string.match(body, '"refresh_token"%s*:%s*"([^"]+)"')
        if token then
            tail = tail + 1
            queue[tail] = token
        else
            count_failure(status, "200 without a refresh_token: " .. body)
        end
    else
        count_failure(status, body)
    end
end
