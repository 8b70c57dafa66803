# scripts/lib.sh — the shell that ./dev, bench/run, Tests/Interop/run.sh and Tests/Browser/run.sh
# share (sourced, never run): the Debian packages, the private PostgreSQL and Redis instances
# under .data/, the ports, the Python venvs, and starting, waiting for and stopping processes.
#
# The script that sources it sets REPO (the clone's root, no trailing slash) and defines
# `say MESSAGE` and `die MESSAGE` (its own prefix and exit status), or, for a test suite, calls
# begin_suite NAME, which defines them.

# --- packages -------------------------------------------------------------------------------

# What building Gatehouse and running its PostgreSQL and Redis need on Debian 12. `./dev test`
# adds python3-venv (the test SMTP server, the suites' venvs) and chromium + chromium-driver (the
# browser journey); bench/run adds python3-venv, wrk and argon2. README "Two commands" lists them.
BUILD_PACKAGES=(pkg-config libpq-dev libssl-dev libargon2-dev libcrypt-dev libhiredis-dev libcurl4-openssl-dev libqrencode-dev
    openssl postgresql redis-server)

# ensure_packages PACKAGE...: installs the missing ones with apt-get (through sudo unless root);
# dies when the Swift toolchain is not on PATH (it does not come from Debian).
ensure_packages() {
    local missing=() package
    for package in "$@"; do
        if [ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null)" != installed ]; then
            missing+=("$package")
        fi
    done
    command -v swift >/dev/null || die "swift is not on PATH: install the Swift 6 toolchain from swift.org first"
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "missing packages (${missing[*]}) and no sudo: install them as root"
        sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# --- ports ----------------------------------------------------------------------------------

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# port_setting VARIABLE DEFAULT: the port in $VARIABLE, or DEFAULT when it is unset or empty.
port_setting() {
    local value="${!1:-$2}"
    if [[ ! "$value" =~ ^[0-9]{1,5}$ ]] || [ "$value" -lt 1 ] || [ "$value" -gt 65535 ]; then
        if [ -n "${!1:-}" ]; then die "$1=$value is not a port number (1-65535)"; fi
        die "$1 is not set and its default, $value, is not a port number (1-65535)"
    fi
    printf '%s' "$value"
}

# The test instance's server port (GATEHOUSE_PORT of `./dev test`), and the servers the interop
# suite and the browser journey start beside it: +1 and +2 unless set. One variable moves all
# three, so two clones run `./dev test` side by side with GATEHOUSE_DEV_TEST_PORT alone (and the
# PostgreSQL, Redis and SMTP ports, see ./dev help).
TEST_PORT_DEFAULT=18080
test_server_port() { port_setting GATEHOUSE_DEV_TEST_PORT "$TEST_PORT_DEFAULT"; }
interop_port() { local base; base="$(test_server_port)" || return 1; port_setting GATEHOUSE_INTEROP_PORT $((base + 1)); }
browser_port() { local base; base="$(test_server_port)" || return 1; port_setting GATEHOUSE_BROWSER_PORT $((base + 2)); }
fuzz_port() { local base; base="$(test_server_port)" || return 1; port_setting GATEHOUSE_FUZZ_PORT $((base + 3)); }
# Two ports: the events suite's two instances (this one and the next).
events_port() { local base; base="$(test_server_port)" || return 1; port_setting GATEHOUSE_EVENTS_PORT $((base + 4)); }
# The API suite's server (schemathesis, Tests/API); +5 is the events suite's second instance.
api_port() { local base; base="$(test_server_port)" || return 1; port_setting GATEHOUSE_API_PORT $((base + 6)); }

# --- waiting and stopping -------------------------------------------------------------------

# wait_for SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds; false after SECONDS.
wait_for() {
    local tries=$(($1 * 10)); shift
    until "$@"; do
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] || return 1
        sleep 0.1
    done
}

# process_gone PID: true when PID (or, as -PGID, every process of the group) has ended.
process_gone() { ! kill -0 -- "$1" 2>/dev/null; }

# stop_process PID [SECONDS]: SIGTERM (a graceful stop), SIGKILL when it still runs SECONDS
# (default 10) later.
stop_process() {
    local pid="$1" seconds="${2:-10}"
    kill -TERM "$pid" 2>/dev/null || return 0
    if ! wait_for "$seconds" process_gone "$pid"; then
        say "process $pid did not stop within $seconds s of SIGTERM; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
}

# --- where the data lives -------------------------------------------------------------------

# as_pg CMD: runs a shell command as the postgres user (initdb and pg_ctl refuse root).
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        su postgres -s /bin/sh -c "cd / && $1"
    else
        sh -c "$1"
    fi
}

# Sets DATA: .data/ when the postgres user can reach the clone, else a folder under the temp
# directory named after the clone's path. Home directories are never opened up for it.
data_root() {
    local hash; hash="$(printf '%s' "$REPO" | sha1sum | cut -c1-12)"
    if [ "$(id -u)" -ne 0 ] || as_pg "test -x $(printf %q "$REPO")" 2>/dev/null; then
        DATA="$REPO/.data"
    else
        DATA="${TMPDIR:-/tmp}/gatehouse-$hash"
        if ! as_pg "test -x $(printf %q "${TMPDIR:-/tmp}")" 2>/dev/null; then DATA="/tmp/gatehouse-$hash"; fi
    fi
    mkdir -p "$DATA"
    [ -O "$DATA" ] || die "$DATA exists but belongs to someone else"
    chmod 0755 "$DATA"
    SOCKET_PREFIX="/tmp/gh-$hash"
}

# instance NAME PG_PORT_VARIABLE PG_PORT_DEFAULT REDIS_PORT_VARIABLE REDIS_PORT_DEFAULT: the paths,
# ports and URLs of one PostgreSQL + Redis pair under $DATA/NAME ("run" and "test" of ./dev,
# "bench" of bench/run). Call data_root first.
instance() {
    INSTANCE="$1"
    PG_PORT_VARIABLE="$2"; PG_PORT="$(port_setting "$2" "$3")"
    REDIS_PORT_VARIABLE="$4"; REDIS_PORT="$(port_setting "$4" "$5")"
    INSTANCE_DIR="$DATA/$1"
    PGDATA_DIR="$INSTANCE_DIR/pg"; PG_LOG="$INSTANCE_DIR/postgres.log"
    REDIS_DIR="$INSTANCE_DIR/redis"; REDIS_PID="$INSTANCE_DIR/redis.pid"; REDIS_LOG="$INSTANCE_DIR/redis.log"
    SOCKET_DIR="$INSTANCE_DIR/sock"
    # Unix socket paths are limited to 107 bytes and must stay unquoted in URLs: fall back to a
    # short directory when the clone's path is long or has unusual characters.
    if [ ${#SOCKET_DIR} -gt 80 ] || [[ ! "$SOCKET_DIR" =~ ^[A-Za-z0-9/._-]+$ ]]; then
        SOCKET_DIR="$SOCKET_PREFIX-$1"
    fi
    DATABASE_URL="postgresql://postgres@/gatehouse?host=$SOCKET_DIR&port=$PG_PORT"
    REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$PG_BIN" ] || die "no PostgreSQL under /usr/lib/postgresql: install the Debian package postgresql"
}

# --- PostgreSQL and Redis -------------------------------------------------------------------
# Daemons get `8>&- 9>&-` so they never inherit (and hold forever) the callers' lock files.

# The server settings of a new PostgreSQL start: fast and not crash-safe, which is all a
# development or test database needs. bench/run sets its own (durable by default).
PG_SETTINGS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"

pg_running() { [ -f "$PGDATA_DIR/postmaster.pid" ] && as_pg "$(printf %q "$PG_BIN/pg_ctl") -D $(printf %q "$PGDATA_DIR") status" >/dev/null 2>&1; }

psql_admin() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$PG_PORT" -U postgres "$@"; }

# Starts the instance's PostgreSQL (creating the cluster and the gatehouse database the first
# time), or keeps the one already running for it.
start_postgres() {
    if pg_running; then
        if "$PG_BIN/pg_isready" -q -h "$SOCKET_DIR" -p "$PG_PORT"; then return 0; fi
        say "PostgreSQL ($INSTANCE) runs with other settings; restarting it"
        stop_postgres
    fi
    port_in_use "$PG_PORT" && die "port $PG_PORT is taken by another program (not this clone's $INSTANCE PostgreSQL). Stop it or set $PG_PORT_VARIABLE."
    mkdir -p "$INSTANCE_DIR"
    if [ ! -d "$SOCKET_DIR" ]; then mkdir -m 0755 "$SOCKET_DIR"; fi
    [ -O "$SOCKET_DIR" ] || [ "$(stat -c %U "$SOCKET_DIR")" = postgres ] || die "$SOCKET_DIR belongs to someone else"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$SOCKET_DIR"; fi
    if [ ! -s "$PGDATA_DIR/PG_VERSION" ]; then
        say "creating the PostgreSQL cluster ($INSTANCE) in $PGDATA_DIR"
        mkdir -p "$PGDATA_DIR"; chmod 0700 "$PGDATA_DIR"
        if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PGDATA_DIR"; fi
        local locale="--no-locale"
        if locale -a 2>/dev/null | grep -qix 'c.utf-\?8'; then locale="--locale=C.UTF-8"; fi
        as_pg "$(printf %q "$PG_BIN/initdb") -D $(printf %q "$PGDATA_DIR") -A trust -U postgres -E UTF8 $locale --no-sync" >/dev/null
    fi
    touch "$PG_LOG"; if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_LOG"; fi
    local options="-p $PG_PORT -k $SOCKET_DIR -c listen_addresses=127.0.0.1 $PG_SETTINGS"
    as_pg "$(printf %q "$PG_BIN/pg_ctl") -D $(printf %q "$PGDATA_DIR") -l $(printf %q "$PG_LOG") -w -t 60 -o $(printf %q "$options") start" >/dev/null 8>&- 9>&- \
        || die "PostgreSQL ($INSTANCE) did not start; see $PG_LOG"
    if [ -z "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'gatehouse'")" ]; then
        psql_admin -d postgres -c "CREATE DATABASE gatehouse"
    fi
    "$PG_BIN/psql" -X -q "$DATABASE_URL" -c 'SELECT 1' >/dev/null || die "cannot connect to $DATABASE_URL"
}

stop_postgres() {
    if pg_running; then
        as_pg "$(printf %q "$PG_BIN/pg_ctl") -D $(printf %q "$PGDATA_DIR") -m fast -w stop" >/dev/null
    fi
}

# The pid in our pidfile, if that process is a live redis-server.
redis_pid() {
    local pid
    pid="$(cat "$REDIS_PID" 2>/dev/null)" || return 1
    [ -n "$pid" ] && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null && printf '%s' "$pid"
}

redis_answers() { redis-cli -p "$REDIS_PORT" PING >/dev/null 2>&1; }

start_redis() {
    local pid
    if pid="$(redis_pid)"; then
        if [ "$(redis-cli -p "$REDIS_PORT" INFO server 2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p')" = "$pid" ]; then return 0; fi
        say "Redis ($INSTANCE) runs with other settings; restarting it"
        stop_redis
    fi
    port_in_use "$REDIS_PORT" && die "port $REDIS_PORT is taken by another program (not this clone's $INSTANCE Redis). Stop it or set $REDIS_PORT_VARIABLE."
    mkdir -p "$REDIS_DIR"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --dir "$REDIS_DIR" --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" \
        --unixsocket "$SOCKET_DIR/redis.sock" --unixsocketperm 700 >/dev/null 8>&- 9>&-
    wait_for 5 redis_answers || die "Redis ($INSTANCE) did not start; see $REDIS_LOG"
}

stop_redis() {
    local pid
    if pid="$(redis_pid)"; then stop_process "$pid" 5; fi
    rm -f "$REDIS_PID"
}

start_services() { start_postgres; start_redis; }
stop_services() { stop_redis; stop_postgres; }

# An empty gatehouse database and an empty Redis.
empty_services() {
    psql_admin -d postgres -c "DROP DATABASE IF EXISTS gatehouse WITH (FORCE)" -c "CREATE DATABASE gatehouse"
    redis-cli -p "$REDIS_PORT" FLUSHALL >/dev/null
}

# --- Python venvs ---------------------------------------------------------------------------

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
    command -v "$base" >/dev/null || die "$base is not installed (Debian: apt-get install python3 python3-venv)"
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    "$base" -m venv "$venv" || die "$base -m venv failed: install the Debian package python3-venv"
    "$PY" -m pip install --quiet --disable-pip-version-check -r "$requirements" \
        || die "pip install -r $requirements failed (is PyPI reachable?)"
    venv_ready "$requirements" "$modules" || die "the venv in $venv does not import the pinned packages after installing them"
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

# json_field NAME: the field NAME of the JSON object on standard input (needs PY).
json_field() { "$PY" -c 'import json, sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$1"; }

# --- clients and users, through the CLI -----------------------------------------------------

# create_client BINARY ARGS...: `BINARY client create ARGS --json`; sets CLIENT_ID and CLIENT_SECRET.
create_client() {
    local binary="$1" json; shift
    json="$("$binary" client create "$@" --json)" || die "gatehouse client create failed"
    CLIENT_ID="$(printf '%s' "$json" | json_field client_id)" || die "client create printed no client_id: $json"
    CLIENT_SECRET="$(printf '%s' "$json" | json_field client_secret)" || die "client create printed no client_secret: $json"
}

# create_user BINARY EMAIL: a verified user with a random password; sets USER_PASSWORD and USER_ID.
create_user() {
    local binary="$1" json
    USER_PASSWORD="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')"
    json="$(printf '%s\n' "$USER_PASSWORD" | "$binary" user create --email "$2" --password-stdin --verified --json)" \
        || die "gatehouse user create failed"
    USER_ID="$(printf '%s' "$json" | json_field id)" || die "user create printed no id: $json"
}

# --- a gatehouse server started in the background (SERVER_PID, ISSUER, LOG) -----------------

# Waits until $ISSUER/health/ready answers 200 (PostgreSQL and Redis reachable) while the server
# in SERVER_PID lives, at most 60 s; dies (the caller's EXIT trap shows the log) otherwise.
wait_until_ready() {
    "$PY" - "$ISSUER/health/ready" "$SERVER_PID" <<'EOF' || die "the server did not become ready on $ISSUER/health/ready (log below)"
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

# Stops the server in SERVER_PID: SIGTERM (graceful shutdown), SIGKILL after 10 s.
stop_server() {
    if [ -n "${SERVER_PID:-}" ]; then
        stop_process "$SERVER_PID" 10
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

# show_log [LINES]: the end of the server's log ($LOG), for a failed run.
show_log() {
    echo "----- server log ($LOG, last ${1:-80} lines) -----" >&2
    tail -n "${1:-80}" "$LOG" >&2 || true
    echo "----- end of server log -----" >&2
}

# --- a test suite that ./dev test runs after the Swift tests (Tests/Interop, Browser, Fuzz) --

# begin_suite NAME: say and die with a [NAME] prefix; the EXIT trap (end_suite) prints SUMMARY
# last, the line CI reads, which counts a failure before the suite ran as one failed check.
begin_suite() {
    SUITE="$1"
    SUMMARY="$1: 0 passed, 1 failed"
    say() { printf '\033[1m[%s] %s\033[0m\n' "$SUITE" "$*" >&2; }
    die() { printf '\033[1;31m[%s] %s\033[0m\n' "$SUITE" "$*" >&2; exit 1; }
    trap end_suite EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# Stops what the suite started (the command in SUITE_STOP first, then the server), shows the
# server's log after a failure, removes WORK, and prints SUMMARY.
end_suite() {
    local rc=$?
    if [ -n "${SUITE_STOP:-}" ]; then "$SUITE_STOP"; fi
    stop_server
    if [ "$rc" -ne 0 ] && [ -s "${LOG:-}" ]; then show_log; fi
    if [ -n "${WORK:-}" ]; then rm -rf "$WORK"; fi
    echo "$SUMMARY"
    exit "$rc"
}

# suite_inputs VARIABLE...: checks what ./dev test passes (GATEHOUSE_BIN, the database, Redis and
# keys, and each VARIABLE); templates and migrations default to the clone's.
suite_inputs() {
    GATEHOUSE_BIN="${GATEHOUSE_BIN:-$REPO/.build/debug/gatehouse}"
    [ -x "$GATEHOUSE_BIN" ] || die "no gatehouse binary at $GATEHOUSE_BIN (set GATEHOUSE_BIN or run swift build)"
    local name
    for name in GATEHOUSE_DATABASE_URL GATEHOUSE_REDIS_URL GATEHOUSE_KEYS_DIR "$@"; do
        [ -n "${!name:-}" ] || die "$name is not set: run this through ./dev test, or export the variables listed at the top of $0"
    done
    export GATEHOUSE_TEMPLATES_DIR="${GATEHOUSE_TEMPLATES_DIR:-$REPO/templates}"
    export GATEHOUSE_MIGRATIONS_DIR="${GATEHOUSE_MIGRATIONS_DIR:-$REPO/migrations}"
    mkdir -p -m 0700 "$GATEHOUSE_KEYS_DIR"
}

# suite_server PORT_FUNCTION: sets PORT (interop_port, browser_port or fuzz_port) and ISSUER
# (http://127.0.0.1:PORT); dies when the port is taken.
suite_server() {
    PORT="$("$1")"
    ISSUER="http://127.0.0.1:$PORT"
    port_in_use "$PORT" && die "port $PORT is taken by another program: set GATEHOUSE_${SUITE^^}_PORT (or GATEHOUSE_DEV_TEST_PORT, it moves every suite) to a free port"
    return 0
}

# start_suite_server [VARIABLE=VALUE...]: gatehouse serve in development mode on $ISSUER with the
# extra settings, logging into a fresh WORK folder; waits until it is ready.
start_suite_server() {
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-$SUITE.XXXXXX")"
    LOG="$WORK/server.log"
    env GATEHOUSE_DEV_MODE=1 GATEHOUSE_HOST=127.0.0.1 GATEHOUSE_PORT="$PORT" GATEHOUSE_ISSUER="$ISSUER" "$@" \
        "$GATEHOUSE_BIN" serve >"$LOG" 2>&1 8>&- 9>&- &
    SERVER_PID=$!
    wait_until_ready
}

# finish_suite RC: the summary the suite's program wrote to $WORK/summary becomes the last line;
# exits with RC.
finish_suite() {
    if [ -s "$WORK/summary" ]; then SUMMARY="$(cat "$WORK/summary")"; fi
    if [ "$1" -ne 0 ]; then say "the $SUITE suite failed (exit $1)"; fi
    exit "$1"
}
