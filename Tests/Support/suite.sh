# Shared by Tests/Interop/run.sh and Tests/Browser/run.sh (sourced after they define `say` and
# `fail`): a cached Python venv with pinned packages, and stopping the server they started.

# ensure_venv VENV REQUIREMENTS "module.a, module.b" "what is installed" [base python]
# Reuses VENV when it holds exactly the pinned versions and imports the modules (a bumped pin
# reinstalls), else builds it from PyPI. Sets PY to its interpreter.
ensure_venv() {
    local venv="$1" requirements="$2" modules="$3" what="$4" base="${5:-python3}"
    PY="$venv/bin/python"
    if venv_ready "$requirements" "$modules"; then
        say "reusing the Python venv in $venv"
        return 0
    fi
    say "creating the Python venv in $venv ($what from PyPI)"
    command -v "$base" >/dev/null || fail "$base is not installed (Debian: apt-get install python3 python3-venv)"
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    "$base" -m venv "$venv" || fail "python3 -m venv failed: install the Debian package python3-venv"
    "$PY" -m pip install --quiet --disable-pip-version-check -r "$requirements" \
        || fail "pip install -r $requirements failed (is PyPI reachable?)"
    venv_ready "$requirements" "$modules" || fail "the venv in $venv does not import the pinned packages after installing them"
}

venv_ready() {
    [ -x "$PY" ] || return 1
    "$PY" - "$1" "$2" <<'EOF' >/dev/null 2>&1
import importlib, sys
from importlib.metadata import version
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        name, pinned = line.split("==")
        assert version(name) == pinned, (name, version(name), pinned)
for module in sys.argv[2].split(","):
    importlib.import_module(module.strip())
EOF
}

# Stops the server in SERVER_PID: SIGTERM (graceful shutdown), SIGKILL after 10 s.
stop_server() {
    if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        local tries=0
        while kill -0 "$SERVER_PID" 2>/dev/null && [ $tries -lt 100 ]; do sleep 0.1; tries=$((tries + 1)); done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            say "the server did not stop within 10 s of SIGTERM; killing it"
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

# Waits until $ISSUER/health/ready answers 200 (PostgreSQL and Redis reachable) while the server
# in SERVER_PID lives, at most 60 s; fails (the caller's trap shows the log) otherwise.
wait_until_ready() {
    "$PY" - "$ISSUER/health/ready" "$SERVER_PID" <<'EOF' || fail "the server did not become ready on $ISSUER/health/ready (log below)"
import os, sys, time, urllib.request, urllib.error
url, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 60
last = "no answer"
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit(f"the server exited during start-up (last: {last})")
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                sys.exit(0)
    except urllib.error.HTTPError as error:
        last = f"HTTP {error.code}: {error.read()[:200]!r}"
    except OSError as error:
        last = str(error)
    time.sleep(0.2)
sys.exit(f"timed out after 60 s (last: {last})")
EOF
    say "server ready (pid $SERVER_PID)"
}

# json_field NAME: the field NAME of the JSON object on standard input.
json_field() { "$PY" -c 'import json, sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$1"; }

# The end of the server's log ($LOG), for a failed run.
show_log() {
    echo "----- server log ($LOG, last 80 lines) -----" >&2
    tail -n 80 "$LOG" >&2 || true
    echo "----- end of server log -----" >&2
}
