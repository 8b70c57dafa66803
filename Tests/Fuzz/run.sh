#!/usr/bin/env bash
# Tests/Fuzz/run.sh — random and malformed requests (Tests/Fuzz/fuzz.py) at a Gatehouse server
# started here, on a port of its own; fails on any 5xx other than 503, on a well-formed request
# left unanswered, or when the server stops answering.
#
# `./dev test` calls it after the browser journey with the test instance's environment
# (GATEHOUSE_DATABASE_URL GATEHOUSE_REDIS_URL GATEHOUSE_KEYS_DIR, migrated; GATEHOUSE_BIN) for a
# short run; `./dev fuzz [N]` runs N requests (100,000 by default) the same way.
# Optional:
#   GATEHOUSE_FUZZ_REQUESTS     how many requests (default 5000)
#   GATEHOUSE_FUZZ_SEED         the seed (default 8): request i depends on the seed and i alone
#   GATEHOUSE_FUZZ_CONCURRENCY  requests in flight (default 8)
#   GATEHOUSE_FUZZ_PORT         the server's port (default GATEHOUSE_DEV_TEST_PORT + 3, so 18083;
#                               scripts/lib.sh)
#
# The last line is `fuzz: N requests, M server errors, K unanswered` (CI reads it).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/../.." && pwd -P)"

. "$REPO/scripts/lib.sh"
begin_suite fuzz
SUMMARY="fuzz: 0 requests, 1 server errors, 0 unanswered"

suite_inputs
suite_server fuzz_port
command -v python3 >/dev/null || die "python3 is not installed"
PY=python3   # the fuzzer needs the standard library only
# Never served: requests name it as their redirect URI.
REDIRECT_URI="http://127.0.0.1:18090/callback"
REQUESTS="${GATEHOUSE_FUZZ_REQUESTS:-5000}"
SEED="${GATEHOUSE_FUZZ_SEED:-8}"
CONCURRENCY="${GATEHOUSE_FUZZ_CONCURRENCY:-8}"

say "starting gatehouse serve on $ISSUER"
# 127.0.0.1 is a trusted proxy: fuzz.py spreads its requests over many X-Forwarded-For addresses.
start_suite_server GATEHOUSE_LOG_LEVEL=warning GATEHOUSE_TRUSTED_PROXIES=127.0.0.1

create_client "$GATEHOUSE_BIN" --name "Fuzz target" --redirect-uri "$REDIRECT_URI" --post-logout-redirect-uri "$REDIRECT_URI" \
    --grant-type authorization_code --grant-type refresh_token --grant-type client_credentials
USER_EMAIL="fuzz-$(date +%s)-$$-$RANDOM@example.com"
create_user "$GATEHOUSE_BIN" "$USER_EMAIL"

say "$REQUESTS requests, seed $SEED, $CONCURRENCY at a time"
set +e
PYTHONDONTWRITEBYTECODE=1 "$PY" "$HERE/fuzz.py" --url "$ISSUER" --requests "$REQUESTS" --seed "$SEED" \
    --concurrency "$CONCURRENCY" --client-id="$CLIENT_ID" --client-secret="$CLIENT_SECRET" --redirect-uri "$REDIRECT_URI" \
    --user-email "$USER_EMAIL" --user-password="$USER_PASSWORD" --summary-file "$WORK/summary"
rc=$?
set -e
finish_suite $rc
