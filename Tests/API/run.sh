#!/usr/bin/env bash
# Tests/API/run.sh — schemathesis (PyPI, pinned in requirements.txt, in its own venv) over every
# operation of /api/v1/openapi.json (issue 10 item 7): valid and invalid input generated from the
# document, zero 5xx, and every status, content type and body as the document says. It calls as
# development mode's demo super_admin (admin@example.com), with a token from the code flow of a
# client registered here for gatehouse:manage (token.py, Python's standard library).
#
# `./dev test` calls it with the test instance's environment (see Tests/Interop/run.sh); the
# server listens on GATEHOUSE_API_PORT (default GATEHOUSE_DEV_TEST_PORT + 6, scripts/lib.sh).
# Optional: GATEHOUSE_API_EXAMPLES (test cases per operation, default 40), GATEHOUSE_API_VENV.
# The last line is `api: N test cases, M failures`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/../.." && pwd -P)"

. "$REPO/scripts/lib.sh"
begin_suite api

suite_inputs
suite_server api_port
# Never served: the code is read from the redirect's Location.
REDIRECT_URI="http://127.0.0.1:18090/callback"
EXAMPLES="${GATEHOUSE_API_EXAMPLES:-40}"

VENV="${GATEHOUSE_API_VENV:-$REPO/.data/api-venv}"
ensure_venv "$VENV" "$HERE/requirements.txt" "schemathesis" "schemathesis" python3

say "starting gatehouse serve on $ISSUER"
start_suite_server GATEHOUSE_LOG_LEVEL=warning

create_client "$GATEHOUSE_BIN" --name "API test (schemathesis)" --redirect-uri "$REDIRECT_URI" \
    --grant-type authorization_code --scope openid --scope gatehouse:manage
TOKEN="$(PYTHONDONTWRITEBYTECODE=1 "$PY" "$HERE/token.py" --issuer "$ISSUER" --client-id="$CLIENT_ID" \
    --client-secret="$CLIENT_SECRET" --redirect-uri "$REDIRECT_URI" \
    --email admin@example.com --password correct-horse-battery-staple)" || die "no access token for the demo admin"

# Checks that hold for every answer whatever the input; positive_data_acceptance is left out on
# purpose (input the schema allows, such as any string as an email, is still refused by Core's
# rules with a 4xx the document names).
set +e
(cd "$WORK" && "$VENV/bin/schemathesis" run "$ISSUER/api/v1/openapi.json" --url "$ISSUER" \
    -H "Authorization: Bearer $TOKEN" --mode all --max-examples "$EXAMPLES" --seed 10 --workers 1 --no-color \
    --generation-database none \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection \
    2>&1 | tee "$WORK/schemathesis.log")
rc=${PIPESTATUS[0]}
set -e
GENERATED="$(grep -oE '[0-9]+ generated' "$WORK/schemathesis.log" | tail -1 | cut -d' ' -f1 || true)"
FAILURES="$(grep -oE '[0-9]+ unique failures?' "$WORK/schemathesis.log" | tail -1 | cut -d' ' -f1 || true)"
if [ "$rc" -ne 0 ] && [ -z "$FAILURES" ]; then FAILURES=1; fi
SUMMARY="api: ${GENERATED:-0} test cases, ${FAILURES:-0} failures"
finish_suite $rc
