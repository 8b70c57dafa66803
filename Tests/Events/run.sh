#!/usr/bin/env bash
# Tests/Events/run.sh — live events across two server processes (issue 10 item 5): two
# `gatehouse serve` on ports of their own over the same PostgreSQL and Redis; an invitation is
# accepted on the first, and a watcher of `GET /events` on the second hears of it within a second
# and resumes with Last-Event-ID (two_instances.py, Python's standard library only).
#
# `./dev test` calls it with the test instance's environment (see Tests/Interop/run.sh); the
# servers listen on GATEHOUSE_EVENTS_PORT and the port after it (default GATEHOUSE_DEV_TEST_PORT + 4).
# The last line is `events: N passed, M failed`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/../.." && pwd -P)"

. "$REPO/scripts/lib.sh"
begin_suite events

suite_inputs
suite_server events_port
command -v python3 >/dev/null || die "python3 is not installed"
PY=python3
ISSUER_B="http://127.0.0.1:$((PORT + 1))"
port_in_use $((PORT + 1)) && die "port $((PORT + 1)) is taken: set GATEHOUSE_EVENTS_PORT to a free pair of ports"

# The second instance: same database, same Redis, its own port; stopped by end_suite.
SERVER_B_PID=""
stop_server_b() {
    if [ -n "$SERVER_B_PID" ]; then stop_process "$SERVER_B_PID" 10; wait "$SERVER_B_PID" 2>/dev/null || true; fi
}
SUITE_STOP=stop_server_b

say "starting gatehouse serve on $ISSUER (A) and $ISSUER_B (B)"
start_suite_server GATEHOUSE_LOG_LEVEL=warning
env GATEHOUSE_DEV_MODE=1 GATEHOUSE_HOST=127.0.0.1 GATEHOUSE_PORT=$((PORT + 1)) GATEHOUSE_ISSUER="$ISSUER" GATEHOUSE_LOG_LEVEL=warning \
    "$GATEHOUSE_BIN" serve >"$WORK/server-b.log" 2>&1 8>&- 9>&- &
SERVER_B_PID=$!
( ISSUER="$ISSUER_B" SERVER_PID="$SERVER_B_PID"; wait_until_ready ) || { tail -40 "$WORK/server-b.log" >&2; die "instance B did not start"; }

# Two invitations from the shell (they reach the super admins: development mode's demo admin).
invite() {
    local json
    json="$(GATEHOUSE_ISSUER="$ISSUER" "$GATEHOUSE_BIN" invite create --email "events-$RANDOM-$$-$1@example.com" --role client_admin \
        --new-organization "Events $RANDOM $$ $1" --json)" || die "gatehouse invite create failed"
    printf '%s' "$json" | "$PY" -c 'import json, sys; record = json.load(sys.stdin); print(record["link"].rsplit("/", 1)[1], record["id"])'
}
read -r TOKEN_1 ID_1 < <(invite 1)
read -r TOKEN_2 ID_2 < <(invite 2)

set +e
PYTHONDONTWRITEBYTECODE=1 "$PY" "$HERE/two_instances.py" --a "$ISSUER" --b "$ISSUER_B" \
    --watcher-email admin@example.com --watcher-password correct-horse-battery-staple \
    --invitations="$TOKEN_1,$TOKEN_2" --invitation-ids "$ID_1" "$ID_2" --summary-file "$WORK/summary"
rc=$?
set -e
[ "$rc" -eq 0 ] || tail -40 "$WORK/server-b.log" >&2
finish_suite $rc
