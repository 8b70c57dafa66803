#!/usr/bin/env bash
# Tests/Interop/run.sh — a third-party OpenID Connect client (Authlib, from PyPI) signs a user in
# at a Gatehouse server started here, on a port of its own.
#
# `./dev test` calls it after the Swift tests with the test instance's environment:
#   GATEHOUSE_DATABASE_URL GATEHOUSE_REDIS_URL GATEHOUSE_MIGRATIONS_DIR GATEHOUSE_TEMPLATES_DIR
#   GATEHOUSE_KEYS_DIR (the database already migrated), GATEHOUSE_BIN (the built binary).
# Optional:
#   GATEHOUSE_INTEROP_VENV   the Python venv (default <repo>/.data/interop-venv; reused when its
#                            pinned packages import at the pinned versions)
#   GATEHOUSE_INTEROP_PORT   the server's port (default GATEHOUSE_DEV_TEST_PORT + 1, so 18081;
#                            scripts/lib.sh)
#   GATEHOUSE_INTEROP_PYTHON the Python that creates the venv (default python3)
#
# By hand, against the `./dev run` instance (its server may keep running on 8080):
#   ./dev start
#   export GATEHOUSE_DATABASE_URL='postgresql://postgres@/gatehouse?host=<repo>/.data/run/sock&port=54320' \
#          GATEHOUSE_REDIS_URL=redis://127.0.0.1:63790/0 GATEHOUSE_KEYS_DIR=$(mktemp -d)
#   bash Tests/Interop/run.sh
#
# The last line is `interop: N passed, M failed` (CI reads it).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/../.." && pwd -P)"

say() { printf '\033[1m[interop] %s\033[0m\n' "$*" >&2; }
# The summary line CI reads is printed last, by the EXIT trap, after any server log; a failure
# before the test ran counts as one failed check.
SUMMARY="interop: 0 passed, 1 failed"
trap 'rc=$?; echo "$SUMMARY"; exit $rc' EXIT
die() {
    printf '\033[1;31m[interop] %s\033[0m\n' "$*" >&2
    exit 1
}
. "$REPO/scripts/lib.sh"

# --- inputs ---------------------------------------------------------------------------------

GATEHOUSE_BIN="${GATEHOUSE_BIN:-$REPO/.build/debug/gatehouse}"
[ -x "$GATEHOUSE_BIN" ] || die "no gatehouse binary at $GATEHOUSE_BIN (set GATEHOUSE_BIN or run swift build)"
for name in GATEHOUSE_DATABASE_URL GATEHOUSE_REDIS_URL GATEHOUSE_KEYS_DIR; do
    [ -n "${!name:-}" ] || die "$name is not set: run this through ./dev test, or export the variables listed at the top of $0"
done
export GATEHOUSE_TEMPLATES_DIR="${GATEHOUSE_TEMPLATES_DIR:-$REPO/templates}"
export GATEHOUSE_MIGRATIONS_DIR="${GATEHOUSE_MIGRATIONS_DIR:-$REPO/migrations}"
mkdir -p -m 0700 "$GATEHOUSE_KEYS_DIR"

PORT="$(interop_port)"
ISSUER="http://127.0.0.1:$PORT"
# Never served: the test reads the Location header that points at it.
REDIRECT_URI="http://127.0.0.1:18090/callback"

port_in_use "$PORT" && die "port $PORT is taken by another program: set GATEHOUSE_INTEROP_PORT (or GATEHOUSE_DEV_TEST_PORT, it moves both suites) to a free port"

# --- Python venv with the pinned client library ----------------------------------------------

VENV="${GATEHOUSE_INTEROP_VENV:-$REPO/.data/interop-venv}"
REQUIREMENTS="$HERE/requirements.txt"
ensure_venv "$VENV" "$REQUIREMENTS" "authlib.integrations.requests_client, authlib.jose, authlib.oidc.core, requests" "Authlib and requests" "${GATEHOUSE_INTEROP_PYTHON:-python3}"

# --- a server of our own --------------------------------------------------------------------

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-interop.XXXXXX")"
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
GATEHOUSE_DEV_MODE=1 GATEHOUSE_HOST=127.0.0.1 GATEHOUSE_PORT="$PORT" GATEHOUSE_ISSUER="$ISSUER" \
    "$GATEHOUSE_BIN" serve >"$LOG" 2>&1 &
SERVER_PID=$!

wait_until_ready

# --- a client and a user, through the CLI --------------------------------------------------

CLIENT_JSON="$("$GATEHOUSE_BIN" client create --name "Interop test (Authlib)" --redirect-uri "$REDIRECT_URI" \
    --grant-type authorization_code --grant-type refresh_token --json)" || die "gatehouse client create failed"
CLIENT_ID="$(printf '%s' "$CLIENT_JSON" | json_field client_id)" || die "client create printed no client_id: $CLIENT_JSON"
CLIENT_SECRET="$(printf '%s' "$CLIENT_JSON" | json_field client_secret)" || die "client create printed no client_secret: $CLIENT_JSON"

USER_EMAIL="interop-$(date +%s)-$$-$RANDOM@example.com"
USER_PASSWORD="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')"
USER_JSON="$(printf '%s\n' "$USER_PASSWORD" | "$GATEHOUSE_BIN" user create --email "$USER_EMAIL" --password-stdin --verified --json)" \
    || die "gatehouse user create failed"
USER_ID="$(printf '%s' "$USER_JSON" | json_field id)" || die "user create printed no id: $USER_JSON"
say "client $CLIENT_ID, user $USER_EMAIL ($USER_ID)"

# --- the test ------------------------------------------------------------------------------

set +e
INTEROP_ISSUER="$ISSUER" INTEROP_CLIENT_ID="$CLIENT_ID" INTEROP_CLIENT_SECRET="$CLIENT_SECRET" \
INTEROP_REDIRECT_URI="$REDIRECT_URI" INTEROP_USER_EMAIL="$USER_EMAIL" INTEROP_USER_PASSWORD="$USER_PASSWORD" \
INTEROP_USER_ID="$USER_ID" INTEROP_SUMMARY_FILE="$WORK/summary" PYTHONDONTWRITEBYTECODE=1 \
    "$PY" "$HERE/oidc_client_test.py"
rc=$?
set -e
if [ -s "$WORK/summary" ]; then
    SUMMARY="$(cat "$WORK/summary")"
elif [ $rc -ne 0 ]; then
    SUMMARY="interop: 0 passed, 1 failed"
fi
if [ $rc -ne 0 ]; then
    say "the interop test failed (exit $rc)"
fi
exit $rc
