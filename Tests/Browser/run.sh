#!/usr/bin/env bash
# Tests/Browser/run.sh — the end-to-end journey in a real headless Chromium (Debian's chromium
# and chromium-driver, driven through WebDriver by Selenium from PyPI) against a Gatehouse server
# started here on a port of its own, whose mail really leaves through SMTP (the test SMTP server
# of ./dev test) and is read back from that server's maildir. Before the journey it invites, as
# the operator at the shell would, an organization's first client_admin (`gatehouse invite create
# --new-organization`) and an operator; the journey accepts both mails.
#
# `./dev test` calls it after the interop suite with the test instance's environment:
#   GATEHOUSE_DATABASE_URL GATEHOUSE_REDIS_URL GATEHOUSE_MIGRATIONS_DIR GATEHOUSE_TEMPLATES_DIR
#   GATEHOUSE_KEYS_DIR (the database already migrated), GATEHOUSE_BIN (the built binary),
#   GATEHOUSE_TEST_SMTP_URL GATEHOUSE_TEST_MAILDIR (the aiosmtpd sink, Tests/Support/smtp_sink.py),
#   and when present GATEHOUSE_TEST_SMTP_STARTTLS_URL GATEHOUSE_TEST_SMTP_AUTH
#   GATEHOUSE_TEST_SMTP_CA_FILE (then mail goes through STARTTLS with AUTH, the CA verified).
# Optional:
#   GATEHOUSE_BROWSER_VENV    the Python venv (default <repo>/.data/browser-venv; reused when its
#                             pinned packages import at the pinned versions)
#   GATEHOUSE_BROWSER_PORT    the server's port (default GATEHOUSE_DEV_TEST_PORT + 2, so 18082;
#                             scripts/lib.sh)
#   GATEHOUSE_BROWSER_OUTPUT  where screenshots go (default <repo>/.data/test-output/browser;
#                             emptied first): NN-page.png at 1280×900 and NN-page.phone.png at
#                             390×844 (pixel ratio 3), each the whole page
#   GATEHOUSE_BROWSER_PYTHON  the Python that creates the venv (default python3)
#
# The last line is `browser: N passed, M failed` (CI reads it).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/../.." && pwd -P)"

. "$REPO/scripts/lib.sh"
begin_suite browser

# --- inputs ---------------------------------------------------------------------------------

suite_inputs GATEHOUSE_TEST_SMTP_URL GATEHOUSE_TEST_MAILDIR
[ -d "$GATEHOUSE_TEST_MAILDIR" ] || die "the test SMTP server's maildir $GATEHOUSE_TEST_MAILDIR does not exist"

CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver
[ -x "$CHROMIUM" ] || die "no $CHROMIUM: install the Debian package chromium (./dev test installs it)"
[ -x "$CHROMEDRIVER" ] || die "no $CHROMEDRIVER: install the Debian package chromium-driver (./dev test installs it)"

suite_server browser_port
# Never served: the journey reads the browser's URL when it gets there (an error page).
REDIRECT_URI="http://127.0.0.1:18092/callback"
OUTPUT="${GATEHOUSE_BROWSER_OUTPUT:-$REPO/.data/test-output/browser}"

# Mail: STARTTLS with AUTH against the private test CA when the sink offers it, else plain SMTP.
SMTP_URL="$GATEHOUSE_TEST_SMTP_URL"
SMTP_CA_FILE=""
if [ -n "${GATEHOUSE_TEST_SMTP_STARTTLS_URL:-}" ] && [ -n "${GATEHOUSE_TEST_SMTP_AUTH:-}" ] && [ -s "${GATEHOUSE_TEST_SMTP_CA_FILE:-}" ]; then
    SMTP_URL="smtp://${GATEHOUSE_TEST_SMTP_AUTH}@${GATEHOUSE_TEST_SMTP_STARTTLS_URL#smtp://}?starttls=required"
    SMTP_CA_FILE="$GATEHOUSE_TEST_SMTP_CA_FILE"
fi
MAIL_FROM="Gatehouse browser journey <no-reply@gatehouse.test>"

# --- Python venv with the pinned WebDriver client ------------------------------------------

VENV="${GATEHOUSE_BROWSER_VENV:-$REPO/.data/browser-venv}"
ensure_venv "$VENV" "$HERE/requirements.txt" "selenium.webdriver, selenium.webdriver.chrome.service, selenium.webdriver.support.ui, requests" \
    "Selenium and requests" "${GATEHOUSE_BROWSER_PYTHON:-python3}"

# --- a server of our own and the app --------------------------------------------------------

JOURNEY_PID=""
# The journey runs in a process group of its own (setsid) holding chromedriver and Chromium,
# which Selenium starts as its children: the whole group goes, even after a crash or a kill.
stop_journey() {
    if [ -n "$JOURNEY_PID" ]; then
        kill -TERM -- "-$JOURNEY_PID" 2>/dev/null || true
        wait_for 5 process_gone "-$JOURNEY_PID" || true
        kill -KILL -- "-$JOURNEY_PID" 2>/dev/null || true
    fi
    JOURNEY_PID=""
}
SUITE_STOP=stop_journey

say "starting gatehouse serve on $ISSUER (mail through ${SMTP_URL%%\?*} → ${SMTP_URL#*@})"
start_suite_server GATEHOUSE_SMTP_URL="$SMTP_URL" GATEHOUSE_SMTP_CA_FILE="$SMTP_CA_FILE" GATEHOUSE_MAIL_FROM="$MAIL_FROM"

create_client "$GATEHOUSE_BIN" --name "Journey App" --redirect-uri "$REDIRECT_URI"
say "client $CLIENT_ID (Journey App)"

# A customer's administrator, invited from the server's shell as the issue's staff would: the
# CLI puts the mail in the outbox (the server sends it to the sink), the journey accepts it.
find "$GATEHOUSE_TEST_MAILDIR" -maxdepth 1 -name '*.json' -printf '%f\n' >"$WORK/seen-mail"
STAMP="$(date +%s)-$$"
ADMIN_EMAIL="org-admin-$STAMP@example.com"
ORGANIZATION_NAME="Journey Org $STAMP"
invite_json="$(env GATEHOUSE_DEV_MODE=1 GATEHOUSE_ISSUER="$ISSUER" GATEHOUSE_SMTP_URL="$SMTP_URL" GATEHOUSE_SMTP_CA_FILE="$SMTP_CA_FILE" \
    GATEHOUSE_MAIL_FROM="$MAIL_FROM" "$GATEHOUSE_BIN" invite create --email "$ADMIN_EMAIL" --role client_admin \
    --new-organization "$ORGANIZATION_NAME" --json)" || die "gatehouse invite create failed"
[ "$(printf '%s' "$invite_json" | json_field mailed)" = "True" ] || die "gatehouse invite create did not mail the link: $invite_json"
ORGANIZATION_ID="$(printf '%s' "$invite_json" | json_field organization_id)" || die "invite create printed no organization_id: $invite_json"
ORGANIZATION_SLUG="$("$GATEHOUSE_BIN" org show "$ORGANIZATION_ID" --json | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["organization"]["slug"])')" \
    || die "gatehouse org show $ORGANIZATION_ID failed"
say "invited $ADMIN_EMAIL as client_admin of $ORGANIZATION_NAME ($ORGANIZATION_SLUG)"
# Staff: an operator, who opens the people page.
STAFF_EMAIL="operator-$STAMP@example.com"
env GATEHOUSE_DEV_MODE=1 GATEHOUSE_ISSUER="$ISSUER" GATEHOUSE_SMTP_URL="$SMTP_URL" GATEHOUSE_SMTP_CA_FILE="$SMTP_CA_FILE" \
    GATEHOUSE_MAIL_FROM="$MAIL_FROM" "$GATEHOUSE_BIN" invite create --email "$STAFF_EMAIL" --role operator --json >/dev/null \
    || die "gatehouse invite create --role operator failed"
say "invited $STAFF_EMAIL as operator"
# Support sign-in (issue 11 item 8): a site admin made at the shell, who acts as the journey's user.
SUPPORT_EMAIL="site-admin-$STAMP@example.com"
SUPPORT_PASSWORD="Quartz lantern $STAMP"
printf '%s\n' "$SUPPORT_PASSWORD" | "$GATEHOUSE_BIN" user create --email "$SUPPORT_EMAIL" --name "Sam Support" --verified \
    --password-stdin >/dev/null || die "gatehouse user create (the site admin) failed"
"$GATEHOUSE_BIN" role grant site_admin --user "$SUPPORT_EMAIL" >/dev/null || die "gatehouse role grant site_admin failed"
say "made $SUPPORT_EMAIL a site admin"

# --- the journey ------------------------------------------------------------------------------

rm -rf "$OUTPUT"; mkdir -p "$OUTPUT"
set +e
BROWSER_ISSUER="$ISSUER" BROWSER_CLIENT_ID="$CLIENT_ID" BROWSER_CLIENT_SECRET="$CLIENT_SECRET" \
BROWSER_REDIRECT_URI="$REDIRECT_URI" BROWSER_MAILDIR="$GATEHOUSE_TEST_MAILDIR" BROWSER_OUTPUT="$OUTPUT" \
BROWSER_CHROMIUM="$CHROMIUM" BROWSER_CHROMEDRIVER="$CHROMEDRIVER" BROWSER_CHROMEDRIVER_LOG="$WORK/chromedriver.log" \
BROWSER_SEEN_MAIL_FILE="$WORK/seen-mail" BROWSER_ADMIN_EMAIL="$ADMIN_EMAIL" BROWSER_STAFF_EMAIL="$STAFF_EMAIL" BROWSER_SUPPORT_EMAIL="$SUPPORT_EMAIL" BROWSER_SUPPORT_PASSWORD="$SUPPORT_PASSWORD" BROWSER_ORGANIZATION_NAME="$ORGANIZATION_NAME" BROWSER_ORGANIZATION_SLUG="$ORGANIZATION_SLUG" \
BROWSER_SUMMARY_FILE="$WORK/summary" BROWSER_STARTTLS="$([ -n "$SMTP_CA_FILE" ] && echo 1 || echo 0)" \
SE_OFFLINE=true PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    setsid "$PY" "$HERE/journey.py" 8>&- 9>&- &
JOURNEY_PID=$!
wait "$JOURNEY_PID"
rc=$?
set -e
stop_journey
say "screenshots: $OUTPUT"
if [ $rc -ne 0 ] && [ -s "$WORK/chromedriver.log" ]; then
    echo "----- chromedriver log (last 20 lines) -----" >&2
    tail -n 20 "$WORK/chromedriver.log" >&2 || true
fi
finish_suite $rc
