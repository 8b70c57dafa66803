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

. "$REPO/scripts/lib.sh"
begin_suite interop

# --- inputs ---------------------------------------------------------------------------------

suite_inputs
suite_server interop_port
# Never served: the test reads the Location header that points at it.
REDIRECT_URI="http://127.0.0.1:18090/callback"

# --- Python venv with the pinned client library ----------------------------------------------

VENV="${GATEHOUSE_INTEROP_VENV:-$REPO/.data/interop-venv}"
ensure_venv "$VENV" "$HERE/requirements.txt" "authlib.integrations.requests_client, authlib.jose, authlib.oidc.core, requests" \
    "Authlib and requests" "${GATEHOUSE_INTEROP_PYTHON:-python3}"

# --- a server of our own, a client and a user -----------------------------------------------

say "starting gatehouse serve on $ISSUER"
start_suite_server

create_client "$GATEHOUSE_BIN" --name "Interop test (Authlib)" --redirect-uri "$REDIRECT_URI" \
    --grant-type authorization_code --grant-type refresh_token
USER_EMAIL="interop-$(date +%s)-$$-$RANDOM@example.com"
create_user "$GATEHOUSE_BIN" "$USER_EMAIL"
say "client $CLIENT_ID, user $USER_EMAIL ($USER_ID)"

# --- the test ------------------------------------------------------------------------------

set +e
INTEROP_ISSUER="$ISSUER" INTEROP_CLIENT_ID="$CLIENT_ID" INTEROP_CLIENT_SECRET="$CLIENT_SECRET" \
INTEROP_REDIRECT_URI="$REDIRECT_URI" INTEROP_USER_EMAIL="$USER_EMAIL" INTEROP_USER_PASSWORD="$USER_PASSWORD" \
INTEROP_USER_ID="$USER_ID" INTEROP_SERVER_PID="$SERVER_PID" INTEROP_SUMMARY_FILE="$WORK/summary" PYTHONDONTWRITEBYTECODE=1 \
    "$PY" "$HERE/oidc_client_test.py"
rc=$?
set -e
finish_suite $rc
