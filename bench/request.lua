-- bench/request.lua: one fixed request, repeated (discovery, JWKS, client_credentials, userinfo).
-- Environment: BENCH_DIR (this folder), BENCH_METHOD, BENCH_PATH, BENCH_BODY (optional),
-- BENCH_AUTHORIZATION (optional Authorization header value), BENCH_EXPECT_STATUS (200 unless set:
-- the /token floor run expects its 400).
dofile(os.getenv("BENCH_DIR") .. "/report.lua")

wrk.method = os.getenv("BENCH_METHOD") or "GET"
wrk.path = os.getenv("BENCH_PATH") or "/"
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
    wrk.body = body
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
local authorization = os.getenv("BENCH_AUTHORIZATION")
if authorization and authorization ~= "" then
    wrk.headers["Authorization"] = authorization
end

local expected = tonumber(os.getenv("BENCH_EXPECT_STATUS") or "200")

function response(status, headers, body)
    if status ~= expected then count_failure(status, body) end
end
