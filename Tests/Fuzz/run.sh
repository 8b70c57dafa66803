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
#   GATEHOUSE_FUZZ_PORT         the server's port (default 18093)
#
# The last line is `fuzz: N requests, M server errors, K unanswered` (CI reads it).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/../.." && pwd -P)"

say() { printf '\033[1m[fuzz] %s\033[0m\n' "$*" >&2; }
SUMMARY="fuzz: 0 requests, 1 server errors, 0 unanswered"
fail() {
    printf '\033[1;31m[fuzz] %s\033[0m\n' "$*" >&2
    exit 1
}

GATEHOUSE_BIN="${GATEHOUSE_BIN:-$REPO/.build/debug/gatehouse}"
[ -x "$GATEHOUSE_BIN" ] || fail "no gatehouse binary at $GATEHOUSE_BIN (set GATEHOUSE_BIN or run swift build)"
for name in GATEHOUSE_DATABASE_URL GATEHOUSE_REDIS_URL GATEHOUSE_KEYS_DIR; do
    [ -n "${!name:-}" ] || fail "$name is not set: run this through ./dev test or ./dev fuzz"
done
export GATEHOUSE_TEMPLATES_DIR="${GATEHOUSE_TEMPLATES_DIR:-$REPO/templates}"
export GATEHOUSE_MIGRATIONS_DIR="${GATEHOUSE_MIGRATIONS_DIR:-$REPO/migrations}"
mkdir -p -m 0700 "$GATEHOUSE_KEYS_DIR"
command -v python3 >/dev/null || fail "python3 is not installed"
PY=python3

PORT="${GATEHOUSE_FUZZ_PORT:-18093}"
ISSUER="http://127.0.0.1:$PORT"
REDIRECT_URI="http://127.0.0.1:18090/callback"
REQUESTS="${GATEHOUSE_FUZZ_REQUESTS:-5000}"
SEED="${GATEHOUSE_FUZZ_SEED:-8}"
CONCURRENCY="${GATEHOUSE_FUZZ_CONCURRENCY:-8}"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_in_use "$PORT" && fail "port $PORT is taken by another program: set GATEHOUSE_FUZZ_PORT to a free port"

. "$REPO/Tests/Support/suite.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-fuzz.XXXXXX")"
LOG="$WORK/server.log"
SERVER_PID=""

on_exit() {
    local rc=$?
    stop_server
    if [ "$rc" -ne 0 ] && [ -s "$LOG" ]; then show_log; fi
    rm -rf "$WORK"
    echo "$SUMMARY"
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "starting gatehouse serve on $ISSUER"
# 127.0.0.1 is a trusted proxy: fuzz.py spreads its requests over many X-Forwarded-For addresses.
GATEHOUSE_DEV_MODE=1 GATEHOUSE_HOST=127.0.0.1 GATEHOUSE_PORT="$PORT" GATEHOUSE_ISSUER="$ISSUER" GATEHOUSE_LOG_LEVEL=warning \
    GATEHOUSE_TRUSTED_PROXIES=127.0.0.1 \
    "$GATEHOUSE_BIN" serve >"$LOG" 2>&1 &
SERVER_PID=$!
wait_until_ready

CLIENT_JSON="$("$GATEHOUSE_BIN" client create --name "Fuzz target" --redirect-uri "$REDIRECT_URI" \
    --post-logout-redirect-uri "$REDIRECT_URI" --grant-type authorization_code --grant-type refresh_token \
    --grant-type client_credentials --json)" || fail "gatehouse client create failed"
CLIENT_ID="$(printf '%s' "$CLIENT_JSON" | json_field client_id)"
CLIENT_SECRET="$(printf '%s' "$CLIENT_JSON" | json_field client_secret)"
USER_EMAIL="fuzz-$(date +%s)-$$-$RANDOM@example.com"
USER_PASSWORD="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')"
printf '%s\n' "$USER_PASSWORD" | "$GATEHOUSE_BIN" user create --email "$USER_EMAIL" --password-stdin --verified --json >/dev/null \
    || fail "gatehouse user create failed"

say "$REQUESTS requests, seed $SEED, $CONCURRENCY at a time"
set +e
PYTHONDONTWRITEBYTECODE=1 "$PY" "$HERE/fuzz.py" --url "$ISSUER" --requests "$REQUESTS" --seed "$SEED" \
    --concurrency "$CONCURRENCY" --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET" --redirect-uri "$REDIRECT_URI" \
    --user-email "$USER_EMAIL" --user-password "$USER_PASSWORD" --summary-file "$WORK/summary"
rc=$?
set -e
[ -s "$WORK/summary" ] && SUMMARY="$(cat "$WORK/summary")"
[ $rc -eq 0 ] || say "the fuzz run failed (exit $rc)"
exit $rc
