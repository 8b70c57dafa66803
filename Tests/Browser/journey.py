"""The end-to-end journey of a person in a real browser (headless Chromium through WebDriver).

An app sends the person to Gatehouse's authorize URL (PKCE S256, random state and nonce); they
create an account from the login page, read the 6-digit code from the email that reached the
test SMTP server (the message file in its maildir, parsed with Python's email package), verify,
approve the consent and land back at the app's redirect URI with code, state and iss; the code
is redeemed at /token to prove it is good. Then the account page: change the password, make an
API key on /account/keys (shown once; it calls /api/v1) and revoke it, sign out everywhere, and
the account page asks for a sign-in again. Then two-step verification
(issue 4): sign in, set up an authenticator app on the account page (codes computed here with
RFC 6238), sign out, and sign in to the app again with the password and a code. Then
organizations (issue 10): a customer administrator invited from the shell (run.sh, `gatehouse
invite create --new-organization`) accepts the mailed link, makes two-step verification required
on the organization page and invites a member; in a second browser the member accepts their
mailed link, while the administrator's open page shows the live notice without a reload; the
member's next sign-in to the app for that organization (`organization` parameter) enrols an
authenticator app.

Every page visited is saved twice in BROWSER_OUTPUT: NN-name.png (desktop, 1280×900 window,
whole page) and NN-name.phone.png (390×844 CSS pixels at pixel ratio 3, mobile emulation, whole
page), the phone one taken by switching Chrome's device metrics on the same page state.

Configuration comes from the environment (Tests/Browser/run.sh sets it):
  BROWSER_ISSUER, BROWSER_CLIENT_ID, BROWSER_CLIENT_SECRET, BROWSER_REDIRECT_URI,
  BROWSER_MAILDIR, BROWSER_OUTPUT, BROWSER_CHROMIUM, BROWSER_CHROMEDRIVER
  BROWSER_ADMIN_EMAIL, BROWSER_ORGANIZATION_NAME, BROWSER_ORGANIZATION_SLUG (the invited administrator),
  BROWSER_STAFF_EMAIL (an invited operator, who opens the people page)
  BROWSER_SUPPORT_EMAIL, BROWSER_SUPPORT_PASSWORD (a site admin made at the shell, who signs in
  as the journey's user for support)
optional: BROWSER_SEEN_MAIL_FILE (the maildir's .json names before the suite mailed anything),
BROWSER_CHROMEDRIVER_LOG, BROWSER_STARTTLS (1: the mail must have come over STARTTLS
with AUTH), BROWSER_SUMMARY_FILE, BROWSER_STEP_TIMEOUT (seconds per wait, default 30).

The last line printed is `browser: N passed, M failed` (with BROWSER_SUMMARY_FILE set it is
written there instead, for run.sh to print last); the exit status is 0 only when every check
passed.
"""

import base64
import email
import email.policy
import hashlib
import hmac
import json
import os
import re
import secrets
import struct
import sys
import time
import traceback
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait


def env(name, default=None):
    value = os.environ.get(name, default)
    if not value:
        print(f"browser: the environment variable {name} is not set (run Tests/Browser/run.sh)", file=sys.stderr)
        sys.exit(2)
    return value


ISSUER = env("BROWSER_ISSUER").rstrip("/")
CLIENT_ID = env("BROWSER_CLIENT_ID")
CLIENT_SECRET = env("BROWSER_CLIENT_SECRET")
REDIRECT_URI = env("BROWSER_REDIRECT_URI")
MAILDIR = Path(env("BROWSER_MAILDIR"))
OUTPUT = Path(env("BROWSER_OUTPUT"))
CHROMIUM = env("BROWSER_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = env("BROWSER_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMEDRIVER_LOG = os.environ.get("BROWSER_CHROMEDRIVER_LOG")
EXPECT_STARTTLS = os.environ.get("BROWSER_STARTTLS") == "1"
SUMMARY_FILE = os.environ.get("BROWSER_SUMMARY_FILE")
TIMEOUT = float(os.environ.get("BROWSER_STEP_TIMEOUT", "30"))
# The organization journey: its administrator, invited by run.sh with `gatehouse invite create`.
ADMIN_EMAIL = env("BROWSER_ADMIN_EMAIL")
ORGANIZATION_NAME = env("BROWSER_ORGANIZATION_NAME")
ORGANIZATION_SLUG = env("BROWSER_ORGANIZATION_SLUG")
STAFF_EMAIL = env("BROWSER_STAFF_EMAIL")
# Support sign-in (issue 11 item 8): a site admin, made by run.sh with `user create` and `role grant`.
SUPPORT_EMAIL = env("BROWSER_SUPPORT_EMAIL")
SUPPORT_PASSWORD = env("BROWSER_SUPPORT_PASSWORD")
SEEN_MAIL_FILE = os.environ.get("BROWSER_SEEN_MAIL_FILE")

DESKTOP = (1280, 900)
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True}


# --- checks ----------------------------------------------------------------------------------

class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


class Journey:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.shots = 0
        self.driver = None
        self.windows = []
        self.started = time.monotonic()

    # Each step is one check: it runs, its expectations hold, or the journey stops there (later
    # steps depend on earlier ones).
    def step(self, name, func):
        try:
            detail = func()
        except Exception as error:  # noqa: BLE001 - any exception fails the step
            self.failed += 1
            kind = "" if isinstance(error, CheckFailed) else f"{type(error).__name__}: "
            print(f"FAIL  {name}: {kind}{error}".rstrip(), flush=True)
            if not isinstance(error, CheckFailed):
                traceback.print_exc()
            self.where_am_i(name)
            raise
        self.passed += 1
        elapsed = time.monotonic() - self.started
        print(f"ok    {name}" + (f" ({detail})" if detail else "") + f"  [{elapsed:.1f}s]", flush=True)
        return detail

    def where_am_i(self, name):
        """The browser's page at a failure: URL, title, alerts and the start of its text, and a screenshot."""
        driver = self.driver
        if driver is None:
            return
        try:
            print(f"      page URL:   {driver.current_url}", file=sys.stderr)
            print(f"      page title: {driver.title}", file=sys.stderr)
            for alert in driver.find_elements(By.CSS_SELECTOR, ".alert, .notice"):
                print(f"      on the page: {alert.text!r}", file=sys.stderr)
            body = driver.find_element(By.TAG_NAME, "body").text
            print("      page text: " + body[:800].replace("\n", " | "), file=sys.stderr)
            self.shot("FAILED-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40])
        except Exception as error:  # noqa: BLE001 - diagnostics must not hide the failure
            print(f"      (could not read the page: {error})", file=sys.stderr)

    # --- the browser -------------------------------------------------------------------------

    def start_browser(self):
        self.driver = self.new_window()
        version = self.driver.capabilities.get("browserVersion", "?")
        inner = self.driver.execute_script("return [window.innerWidth, window.innerHeight]")
        return f"Chromium {version}, headless, viewport {inner[0]}×{inner[1]}"

    def new_window(self):
        """A browser of its own (its own profile and cookies): a second person at the same time."""
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={DESKTOP[0]},{DESKTOP[1]}", "--no-first-run", "--no-default-browser-check",
                     "--password-store=basic", "--lang=en-US", "--hide-scrollbars", "--disable-extensions",
                     "--disable-background-networking", "--disable-sync", "--disable-component-update"):
            options.add_argument(flag)
        options.add_experimental_option("prefs", {
            "credentials_enable_service": False,
            "profile.password_manager_enabled": False,
            "profile.password_manager_leak_detection": False,
            "intl.accept_languages": "en-US,en",
        })
        # The given chromedriver path means Selenium Manager is never asked (it would download).
        service = Service(executable_path=CHROMEDRIVER, log_output=CHROMEDRIVER_LOG or os.devnull,
                          service_args=["--log-level=WARNING"])
        driver = webdriver.Chrome(service=service, options=options)
        self.windows.append(driver)
        driver.set_page_load_timeout(TIMEOUT)
        # --window-size includes the (emulated) browser frame: make the viewport itself 1280×900.
        inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
        driver.set_window_size(2 * DESKTOP[0] - inner[0], 2 * DESKTOP[1] - inner[1])
        return driver

    def use(self, driver):
        """Later steps (and their screenshots) act in this browser."""
        self.driver = driver

    def quit(self):
        for driver in self.windows:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001 - run.sh kills what is left
                pass
        self.windows = []
        self.driver = None

    def wait(self, condition, what, timeout=TIMEOUT):
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(condition)
        except TimeoutException:
            raise CheckFailed(f"waited {timeout:.0f} s for {what}") from None

    def wait_for_id(self, element_id, timeout=TIMEOUT):
        return self.wait(EC.visibility_of_element_located((By.ID, element_id)), f"#{element_id} on the page", timeout)

    def loaded(self):
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete", "the page to finish loading")

    def type_into(self, element_id, text):
        # chromedriver can hand back a node of a document that is being replaced (a redirect
        # landing a moment after readyState said "complete"); find it again on the new one.
        for attempt in range(3):
            field = self.wait_for_id(element_id)
            try:
                field.clear()
                field.send_keys(text)
                return
            except WebDriverException as error:
                if attempt == 2 or ("does not belong to the document" not in str(error) and "stale element" not in str(error)):
                    raise
                time.sleep(0.2)

    def click_and_leave(self, element_id):
        """Clicks a button or link that navigates, and waits until the old page is gone."""
        element = self.wait(EC.element_to_be_clickable((By.ID, element_id)), f"#{element_id} to be clickable")
        try:
            element.click()
        except WebDriverException as error:
            # A form submit can unload the page while chromedriver is still finishing the click
            # ("Node ... does not belong to the document"): the click happened, go on waiting.
            if "does not belong to the document" not in str(error) and "stale element" not in str(error):
                raise
        self.wait(lambda _: is_gone(element), f"the page to change after clicking #{element_id}")
        self.loaded()

    def path(self):
        return urlsplit(self.driver.current_url).path

    def heading(self):
        headings = self.driver.find_elements(By.TAG_NAME, "h1")
        return headings[0].text.strip() if headings else ""

    def page_text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def no_alert(self):
        alerts = [a.text for a in self.driver.find_elements(By.CSS_SELECTOR, ".alert") if a.is_displayed()]
        expect(not alerts, f"the page shows an error: {alerts}")

    # --- screenshots -------------------------------------------------------------------------

    def capture(self, path):
        """The whole page (not just the viewport) as PNG, through the DevTools protocol."""
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        viewport = metrics.get("cssLayoutViewport") or metrics["layoutViewport"]
        width = max(size["width"], viewport["clientWidth"])
        height = max(size["height"], viewport["clientHeight"])
        data = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True, "fromSurface": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        })["data"]
        path.write_bytes(base64.b64decode(data))

    def shot(self, name):
        """NN-name.png at the desktop size and NN-name.phone.png at the phone size, same page state."""
        self.shots += 1
        stem = f"{self.shots:02d}-{name}"
        self.capture(OUTPUT / f"{stem}.png")
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
        try:
            self.wait(lambda d: d.execute_script("return document.documentElement.clientWidth") <= PHONE["width"],
                      "the phone-size layout", timeout=10)
            self.capture(OUTPUT / f"{stem}.phone.png")
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        return stem


def is_gone(element):
    """Whether the element's page has been replaced. Selenium's staleness_of only knows "stale element
    reference"; chromedriver also says "Node with given id does not belong to the document" for a
    node of a page being torn down, which means the same."""
    try:
        element.is_enabled()
        return False
    except WebDriverException as error:
        if "stale element" in str(error) or "does not belong to the document" in str(error):
            return True
        raise


# --- OAuth helpers ---------------------------------------------------------------------------

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_claims(token):
    """The claims of a JWT, not verified here (the interop suite verifies signatures with Authlib)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class AuthorizationRequest:
    def __init__(self, organization=None):
        # With an organization: the `organization` parameter (its slug) and the scope that puts it in the tokens.
        self.organization = organization
        self.verifier = b64url(secrets.token_bytes(32))
        self.challenge = b64url(hashlib.sha256(self.verifier.encode()).digest())
        self.state = b64url(secrets.token_bytes(16))
        self.nonce = b64url(secrets.token_bytes(16))

    def url(self):
        parameters = {
            "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI,
            "scope": "openid profile email offline_access", "state": self.state, "nonce": self.nonce,
            "code_challenge": self.challenge, "code_challenge_method": "S256",
        }
        if self.organization:
            parameters["scope"] += " organization"
            parameters["organization"] = self.organization
        return ISSUER + "/authorize?" + urlencode(parameters)

    def check_callback(self, url):
        """The app's redirect URI with code, the same state, and iss (RFC 9207)."""
        expect(url.startswith(REDIRECT_URI + "?"), f"not back at {REDIRECT_URI}: {url}")
        query = parse_qs(urlsplit(url).query)
        expect("error" not in query, f"the app got an error: {query}")
        expect(query.get("state") == [self.state], f"state {query.get('state')} is not the one sent")
        expect(query.get("iss") == [ISSUER], f"iss {query.get('iss')} is not {ISSUER}")
        expect(len(query.get("code", [""])[0]) >= 16, f"no code: {query}")
        return query["code"][0]

    def redeem(self, code):
        response = requests.post(ISSUER + "/token", auth=(CLIENT_ID, CLIENT_SECRET), timeout=15, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
            "code_verifier": self.verifier,
        })
        expect(response.status_code == 200, f"/token answered {response.status_code}: {response.text[:300]}")
        tokens = response.json()
        expect(tokens.get("token_type", "").lower() == "bearer", f"token_type {tokens.get('token_type')}")
        expect(tokens.get("access_token") and tokens.get("id_token"), f"no access or ID token: {sorted(tokens)}")
        claims = jwt_claims(tokens["id_token"])
        expect(claims.get("iss") == ISSUER, f"ID token iss {claims.get('iss')}")
        expect(claims.get("aud") in (CLIENT_ID, [CLIENT_ID]), f"ID token aud {claims.get('aud')}")
        expect(claims.get("nonce") == self.nonce, "the ID token's nonce is not the one sent")
        return tokens, claims


# --- mail from the test SMTP server -----------------------------------------------------------

def wait_for_mail(to, seen, timeout=TIMEOUT):
    """The first message to `to` in the maildir not in `seen`: (parsed message, sink record).

    The sink writes NNNN.eml, then NNNN.json once the .eml is complete; the message itself is
    parsed here from the .eml bytes, the .json only says how it arrived (TLS, AUTH)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for record_path in sorted(MAILDIR.glob("*.json")):
            if record_path.name in seen:
                continue
            raw = record_path.with_suffix(".eml").read_bytes()
            message = email.message_from_bytes(raw, policy=email.policy.default)
            recipients = [address.addr_spec.lower() for address in message["to"].addresses] if message["to"] else []
            seen.add(record_path.name)  # someone else's mail (the suite's) is read once
            if to.lower() in recipients:
                return message, json.loads(record_path.read_text(encoding="utf-8"))
        time.sleep(0.1)
    raise CheckFailed(f"no email to {to} reached {MAILDIR} within {timeout:.0f} s")


# --- RFC 6238 --------------------------------------------------------------------------------

def totp(secret_base32, counter):
    """RFC 6238 with SHA-1, 6 digits (RFC 4226 dynamic truncation) for a 30-second counter."""
    key = base64.b32decode(secret_base32.upper() + "=" * (-len(secret_base32) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def totp_self_test():
    # RFC 6238 appendix B, SHA-1, the 8-digit values cut to their last 6 digits.
    secret = base64.b32encode(b"12345678901234567890").decode()
    for seconds, expected in ((59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (20000000000, "353130")):
        expect(totp(secret, seconds // 30) == expected, f"RFC 6238 vector at T={seconds}")


# --- the journey -----------------------------------------------------------------------------

def main():
    OUTPUT.mkdir(parents=True, exist_ok=True)
    j = Journey()
    # The mail there before the suite began (run.sh lists it before the CLI mails an invitation).
    before = set(Path(SEEN_MAIL_FILE).read_text().split()) if SEEN_MAIL_FILE else {p.name for p in MAILDIR.glob("*.json")}
    # Each part reads the mail from there on (reading marks someone else's mail as read).
    seen_mail = set(before)
    person = {
        "name": "Journey Tester",
        "email": f"journey-{int(time.time())}-{secrets.token_hex(4)}@example.com",
        "password": "Lantern orbit " + secrets.token_urlsafe(9),
        "new_password": "Harbour quilt " + secrets.token_urlsafe(9),
    }
    state = {}
    try:
        j.step("Chromium starts through /usr/bin/chromedriver", j.start_browser)
        signup_journey(j, person, state, seen_mail)
        mfa_journey(j, person, state)
        organization_journey(j, set(before))
        people_journey(j, set(before))
        console_journey(j)
        support_journey(j, person)
    except Exception:  # noqa: BLE001 - counted and reported by step()
        pass
    finally:
        j.quit()
    summary = f"browser: {j.passed} passed, {j.failed} failed"
    print(f"screenshots ({j.shots} pages, desktop and phone): {OUTPUT}", flush=True)
    if SUMMARY_FILE:
        Path(SUMMARY_FILE).write_text(summary + "\n")
    else:
        print(summary, flush=True)
    return 0 if j.failed == 0 else 1


def signup_journey(j, person, state, seen_mail):
    """Issue 3: authorize URL → register → code from the email → verify → consent → back at the
    app → account page → change password → sign out everywhere."""
    d = lambda: j.driver  # noqa: E731
    auth = AuthorizationRequest()

    def open_authorize():
        d().get(auth.url())
        j.loaded()
        j.wait_for_id("email")
        j.wait_for_id("password")
        expect(j.path() == "/login", f"the authorize URL led to {d().current_url}, not the login page")
        expect("Journey App" in j.page_text(), "the login page does not name the app")
        return j.shot("login") + f", {j.heading()!r}"
    j.step("the app's authorize URL (PKCE S256) shows the login page", open_authorize)

    def open_registration():
        j.click_and_leave("create-account")
        j.wait_for_id("register")
        expect(j.path() == "/register", f"'Create an account' led to {d().current_url}")
        rules = d().find_elements(By.CSS_SELECTOR, "#password-rules li")
        expect(rules, "the registration page does not state the password rules")
        return j.shot("register") + f", {len(rules)} password rules shown"
    j.step("'Create an account' opens the registration page", open_registration)

    def register():
        j.type_into("name", person["name"])
        j.type_into("email", person["email"])
        j.type_into("new-password", person["password"])
        terms = d().find_elements(By.ID, "accept-terms")
        if terms:
            terms[0].click()
        j.shot("register-filled")
        j.click_and_leave("register")
        j.no_alert()
        j.wait_for_id("code")
        j.wait_for_id("verify")
        expect(person["email"] in j.page_text(), "the verification page does not name the address")
        return j.shot("verify-email") + f", {j.heading()!r}"
    j.step(f"registering {person['email']} leads to the verification page", register)

    def read_code():
        message, record = wait_for_mail(person["email"], seen_mail)
        expect(message.get_content_type() == "multipart/alternative", f"the email is {message.get_content_type()}")
        expect(message["message-id"], "the email has no Message-ID")
        expect(message["from"].addresses[0].addr_spec == "no-reply@gatehouse.test", f"From: {message['from']}")
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        match = re.search(r"code is:\s*(\d{6})\b", text) or re.search(r"(?<![\w-])(\d{6})(?![\w-])", text)
        expect(match, f"no 6-digit code in the text body: {text[:300]!r}")
        state["code"] = match.group(1)
        expect(state["code"] in html, "the HTML body does not carry the same code")
        if EXPECT_STARTTLS:
            expect(record.get("tls") and record.get("authenticated"),
                   f"the mail did not come over STARTTLS with AUTH: tls={record.get('tls')} auth={record.get('authenticated')}")
        how = f"{record.get('listener')}, tls={record.get('tls')}, auth={record.get('authenticated')}"
        return f"{message['subject']!r} over SMTP ({how}), code {state['code']}"
    j.step("the verification email reached the SMTP server with a 6-digit code", read_code)

    def verify():
        j.type_into("code", state["code"])
        j.shot("verify-email-filled")
        j.click_and_leave("verify")
        j.no_alert()
        j.wait_for_id("approve")
        expect(j.path() == "/consent", f"verifying led to {d().current_url}, not the consent page")
        expect("Journey App" in j.heading(), f"the consent page's heading {j.heading()!r} does not name the app")
        # OIDC Core 11: offline_access is asked in words before a refresh token is issued.
        stays = d().find_element(By.ID, "stays-connected").text
        expect(stays.startswith("Journey App stays connected"), f"the consent page does not say the app stays connected: {stays!r}")
        return j.shot("consent") + f", {j.heading()!r}"
    j.step("typing the code verifies the address and shows the consent page", verify)

    def approve():
        button = j.wait(EC.element_to_be_clickable((By.ID, "approve")), "#approve to be clickable")
        button.click()
        # The app is not served: Chromium shows its error page at the redirect URI.
        j.wait(lambda drv: drv.current_url.startswith(REDIRECT_URI), f"the browser to reach {REDIRECT_URI}")
        url = d().current_url
        state["code_from_app"] = auth.check_callback(url)
        j.shot("app-callback")
        return f"{REDIRECT_URI}?code=…&state=(same)&iss={ISSUER}"
    j.step("approving sends the browser back to the app with code, state and iss", approve)

    def redeem():
        tokens, claims = auth.redeem(state["code_from_app"])
        # With an access token issued, OIDC Core 5.4 lets the email claims come from userinfo only.
        if "email_verified" in claims:
            expect(claims.get("email_verified") is True, f"ID token email_verified {claims.get('email_verified')}")
        info = requests.get(ISSUER + "/userinfo", headers={"Authorization": "Bearer " + tokens["access_token"]}, timeout=15)
        expect(info.status_code == 200, f"/userinfo answered {info.status_code}")
        expect(info.json().get("email") == person["email"], f"userinfo email {info.json().get('email')}")
        expect(info.json().get("email_verified") is True, f"userinfo: {info.json()}")
        expect(info.json().get("name") == person["name"], f"userinfo name {info.json().get('name')}")
        state["refresh_token"] = tokens.get("refresh_token")
        expect(state["refresh_token"], f"no refresh token for the consented offline_access: {sorted(tokens)}")
        return f"sub {claims['sub']}, email_verified true, with a refresh token"
    j.step("the code redeems at /token (PKCE) for tokens with the verified email", redeem)

    def account():
        d().get(ISSUER + "/account")
        j.loaded()
        j.wait_for_id("sign-out-everywhere")
        expect(j.path() == "/account", f"/account led to {d().current_url}")
        text = j.page_text()
        expect(person["email"] in text, "the account page does not show the email")
        badges = [b.text for b in d().find_elements(By.CSS_SELECTOR, "#email .badge")]
        expect("verified" in badges, f"the email is not shown verified: {badges}")
        apps = d().find_element(By.ID, "apps").text
        expect("Journey App" in apps, "Connected apps does not list Journey App")
        sessions = d().find_elements(By.CSS_SELECTOR, "#sessions .items li")
        expect(sessions, "no session listed under 'Where you are signed in'")
        return j.shot("account") + f", {len(sessions)} session(s), Journey App connected"
    j.step("the account page shows the verified email, the session and the connected app", account)

    def change_password():
        # The form is folded away behind "Change password" (<details>): open it as a person does.
        d().find_element(By.CSS_SELECTOR, "#password-fold > summary").click()
        j.wait(EC.visibility_of_element_located((By.ID, "current-password")), "the password form to unfold")
        j.type_into("current-password", person["password"])
        j.type_into("new-password", person["new_password"])
        j.type_into("confirm-password", person["new_password"])
        j.click_and_leave("change-password")
        j.no_alert()
        notice = j.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, ".notice")), "a notice after the change")
        person["password"] = person["new_password"]
        return j.shot("account-password-changed") + f", notice {notice.text!r}"
    j.step("changing the password (current, new, again) shows a notice", change_password)

    def api_key_created():
        # Issue 11 item 6: a personal access token from the account page, shown once.
        d().get(ISSUER + "/account")
        j.loaded()
        j.click_and_leave("api-keys-link")
        expect(j.path() == "/account/keys", f"the API keys link led to {d().current_url}")
        j.type_into("key-name", "Journey script")
        j.click_and_leave("create-key")
        j.no_alert()
        token = j.wait_for_id("new-key-value").text.strip()
        expect(re.fullmatch(r"ghpat_[0-9A-Za-z]{49}", token), f"the new key does not look like a key: {token[:10]}…")
        listed = requests.get(ISSUER + "/api/v1/api-keys", headers={"Authorization": "Bearer " + token}, timeout=15)
        expect(listed.status_code == 200, f"the new key at /api/v1/api-keys: {listed.status_code} {listed.text[:200]}")
        items = listed.json()["items"]
        expect([item["name"] for item in items] == ["Journey script"], f"the key lists {items}")
        state["api_key"] = token
        state["api_key_id"] = items[0]["id"]
        return j.shot("api-key-created") + ", the key works at /api/v1 as its owner"
    j.step("/account/keys makes a key, shown once, that calls the API", api_key_created)

    def api_key_revoked():
        d().get(ISSUER + "/account/keys")
        j.loaded()
        expect(state["api_key"] not in j.page_text(), "the key's text is shown again")
        d().find_element(By.ID, "revoke-fold-" + state["api_key_id"]).click()
        j.wait(EC.visibility_of_element_located((By.ID, "revoke-" + state["api_key_id"])), "the revoke confirmation to unfold")
        j.shot("api-key-revoke-confirm")
        j.click_and_leave("revoke-" + state["api_key_id"])
        notice = j.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, ".notice")), "a notice after revoking").text
        refused = requests.get(ISSUER + "/api/v1/api-keys", headers={"Authorization": "Bearer " + state["api_key"]}, timeout=15)
        expect(refused.status_code == 401, f"the revoked key at /api/v1: {refused.status_code}")
        stem = j.shot("api-key-revoked")
        # Back where the journey goes on.
        d().get(ISSUER + "/account")
        j.loaded()
        return stem + f", notice {notice!r}, the key is refused (401)"
    j.step("revoking the key (after a confirmation) stops it at once", api_key_revoked)

    def sign_out_everywhere():
        j.wait_for_id("sign-out-everywhere")
        j.click_and_leave("sign-out-everywhere")
        text = j.page_text()
        expect("signed out" in text.lower(), f"no 'signed out' on the page after signing out everywhere: {j.heading()!r}")
        return j.shot("signed-out-everywhere") + f", {j.heading()!r}"
    j.step("'Sign out everywhere' shows the signed-out page", sign_out_everywhere)

    def refresh_refused():
        response = requests.post(ISSUER + "/token", auth=(CLIENT_ID, CLIENT_SECRET), timeout=15, data={
            "grant_type": "refresh_token", "refresh_token": state["refresh_token"]})
        expect(response.status_code == 400 and response.json().get("error") == "invalid_grant",
               f"the app's refresh token still works after signing out everywhere: {response.status_code} {response.text[:200]}")
        return "invalid_grant"
    j.step("the app's refresh token is refused after 'Sign out everywhere'", refresh_refused)

    def account_needs_login():
        d().get(ISSUER + "/account")
        j.loaded()
        j.wait_for_id("password")
        expect(j.path() == "/login", f"/account after signing out is {d().current_url}, not the login page")
        return j.shot("account-asks-login")
    j.step("/account now sends the browser to the login page", account_needs_login)


def mfa_journey(j, person, state):
    """Issue 4: sign in, set up an authenticator app on the account page, sign out, and sign in
    to the app with the password and a TOTP code (the MFA page after the password)."""
    d = lambda: j.driver  # noqa: E731
    j.step("RFC 6238 appendix B vectors (this test's TOTP function)", totp_self_test)

    def sign_in():
        # The login page /account sent us to (the previous step).
        j.type_into("email", person["email"])
        j.type_into("password", person["password"])
        j.click_and_leave("submit")
        j.no_alert()
        if j.path() != "/account":
            d().get(ISSUER + "/account")
            j.loaded()
        j.wait_for_id("sessions")
        expect(j.path() == "/account", f"signing in led to {d().current_url}")
        return "with the changed password"
    j.step("signing in again with the new password opens the account page", sign_in)

    def start_totp():
        j.click_and_leave("start-totp")
        secret_element = j.wait_for_id("totp-secret")
        j.wait_for_id("totp-code")
        expect(d().find_elements(By.CSS_SELECTOR, ".qr svg"), "no QR code (inline SVG) on the enrolment page")
        state["secret"] = re.sub(r"\s+", "", secret_element.text)
        expect(re.fullmatch(r"[A-Z2-7]{16,}", state["secret"]), f"the key shown is not base32: {secret_element.text!r}")
        return j.shot("totp-enrol") + f", a {len(state['secret'])}-character key"
    j.step("'Set up' an authenticator app shows a QR code and the key as text", start_totp)

    def enable_totp():
        counter = int(time.time()) // 30
        state["last_counter"] = counter
        j.type_into("totp-code", totp(state["secret"], counter))
        if d().find_elements(By.ID, "totp-password"):
            j.type_into("totp-password", person["password"])
        j.shot("totp-enrol-filled")
        j.click_and_leave("enable-totp")
        j.no_alert()
        codes = j.wait(EC.presence_of_all_elements_located((By.CSS_SELECTOR, "#recovery-codes li")), "the recovery codes")
        expect(len(codes) == 10, f"{len(codes)} recovery codes shown, not 10")
        download = d().find_element(By.ID, "download-codes")
        expect(download.get_attribute("download") == "recovery-codes.txt", "no 'Download as a text file' link")
        stem = j.shot("recovery-codes")
        j.click_and_leave("continue")
        j.wait_for_id("sessions")
        badges = d().find_element(By.ID, "two-step").text
        expect(re.search(r"Authenticator app\s+on", badges), f"the account page does not show the app on: {badges[:200]!r}")
        return stem + ", 10 recovery codes, " + j.shot("account-totp-on")
    j.step("a first code turns two-step verification on (10 recovery codes shown)", enable_totp)

    def sign_out():
        d().get(ISSUER + "/logout")
        j.loaded()
        j.wait_for_id("sign-out")
        j.shot("logout-confirm")
        j.click_and_leave("sign-out")
        expect("signed out" in j.page_text().lower(), f"no 'signed out' after /logout: {j.heading()!r}")
        return j.shot("signed-out")
    j.step("/logout asks to confirm, then signs out", sign_out)

    auth = AuthorizationRequest()

    def password_then_mfa():
        d().get(auth.url())
        j.loaded()
        j.type_into("email", person["email"])
        j.type_into("password", person["password"])
        j.click_and_leave("submit")
        j.no_alert()
        j.wait_for_id("mfa-code")
        expect(j.path() == "/mfa", f"the password step led to {d().current_url}, not the MFA page")
        return j.shot("mfa") + f", {j.heading()!r}"
    j.step("the app's authorize URL: the password leads to the MFA page", password_then_mfa)

    def code_then_app():
        # A code of a later step than the one used at enrolment (a used code is refused as a
        # replay); the server accepts one step ahead.
        counter = max(int(time.time()) // 30, state["last_counter"] + 1)
        j.type_into("mfa-code", totp(state["secret"], counter))
        j.shot("mfa-filled")
        button = j.wait(EC.element_to_be_clickable((By.ID, "verify-mfa")), "#verify-mfa to be clickable")
        button.click()
        j.wait(lambda drv: drv.current_url.startswith(REDIRECT_URI) or drv.find_elements(By.ID, "approve")
               or drv.find_elements(By.CSS_SELECTOR, ".alert"), "the app, the consent page or an error")
        if not d().current_url.startswith(REDIRECT_URI):
            j.no_alert()
            j.shot("consent-again")
            d().find_element(By.ID, "approve").click()
            j.wait(lambda drv: drv.current_url.startswith(REDIRECT_URI), f"the browser to reach {REDIRECT_URI}")
        code = auth.check_callback(d().current_url)
        tokens, claims = auth.redeem(code)
        amr = claims.get("amr") or []
        expect("otp" in amr and "pwd" in amr, f"the ID token's amr {amr} does not say password and one-time code")
        expect(claims.get("acr") == "mfa", f"the ID token's acr {claims.get('acr')!r} is not mfa")
        return f"amr {amr}, acr {claims.get('acr')}"
    j.step("a TOTP code on the MFA page returns to the app; the ID token says mfa", code_then_app)


def invitation_link(message):
    """The link of an invitation mail (its text body), after checking the HTML body carries it too."""
    text = message.get_body(("plain",)).get_content()
    match = re.search(r"(https?://\S+/invitations/[A-Za-z0-9_-]+)", text)
    expect(match, f"no invitation link in the text body: {text[:300]!r}")
    link = match.group(1)
    expect(link.startswith(ISSUER + "/invitations/"), f"the link {link} is not on {ISSUER}")
    expect(link in message.get_body(("html",)).get_content(), "the HTML body does not carry the same link")
    return link, " ".join(text.split())


def accept_invitation(j, link, name, password, heading, summary):
    """Opens an invitation's link, checks what it says, and creates the account from it."""
    d = lambda: j.driver  # noqa: E731

    def opened():
        d().get(link)
        j.loaded()
        j.wait_for_id("accept-invitation")
        expect(j.heading() == heading, f"the invitation page's heading is {j.heading()!r}, not {heading!r}")
        lead = d().find_element(By.CSS_SELECTOR, "p.lead").text
        expect(lead == summary, f"the invitation page says {lead!r}, not {summary!r}")
        return j.shot("invitation")
    first = opened()
    j.type_into("name", name)
    j.type_into("new-password", password)
    terms = d().find_elements(By.ID, "accept-terms")
    if terms:
        terms[0].click()
    j.click_and_leave("accept-invitation")
    j.no_alert()
    j.wait_for_id("sessions")
    expect(j.path() == "/account", f"accepting led to {d().current_url}, not the account page")
    return first


def organization_journey(j, seen_mail):
    """Issue 10: a customer's administrator, invited from the server's shell, accepts the mailed
    link, makes two-step verification required in the organization's settings and invites a
    member from the organization page. In a second browser the member accepts their mailed link;
    the administrator's page shows the live notice without a reload; the member's next sign-in to
    an app of the organization (the `organization` parameter) enrols an authenticator app."""
    d = lambda: j.driver  # noqa: E731
    admin = {"name": "Olga Admin", "email": ADMIN_EMAIL, "password": "Copper meadow " + secrets.token_urlsafe(9)}
    member = {"name": "Milo Member", "email": f"member-{int(time.time())}-{secrets.token_hex(4)}@example.com",
              "password": "Velvet harbour " + secrets.token_urlsafe(9)}
    state = {}
    organization_url = ISSUER + "/organizations/" + ORGANIZATION_SLUG

    def admin_window():
        j.use(j.new_window())
        state["admin_window"] = j.driver
        return "a second Chromium, no cookies"
    j.step("a fresh browser for the organization's administrator", admin_window)

    def admin_mail():
        message, _ = wait_for_mail(ADMIN_EMAIL, seen_mail)
        expect(message["subject"] == f"You are invited to join {ORGANIZATION_NAME} on Gatehouse", f"Subject: {message['subject']}")
        state["admin_link"], text = invitation_link(message)
        expected = f"You are invited to join {ORGANIZATION_NAME} as an administrator."
        expect(expected in text, f"the mail does not say {expected!r}: {text[:300]!r}")
        return f"{message['subject']!r}, sent by `gatehouse invite create --new-organization`"
    j.step("the invitation `gatehouse invite create` mailed reached the SMTP server with its link", admin_mail)

    def admin_accepts():
        stem = accept_invitation(j, state["admin_link"], admin["name"], admin["password"], heading=f"Join {ORGANIZATION_NAME}",
                                 summary=f"You are invited to join {ORGANIZATION_NAME} as an administrator.")
        return stem + ", then " + j.shot("account-organization-admin")
    j.step("the administrator opens the link, creates the account and is signed in", admin_accepts)

    def organization_page():
        d().get(organization_url)
        j.loaded()
        j.wait_for_id("members")
        expect(j.heading() == ORGANIZATION_NAME, f"the organization page's heading is {j.heading()!r}")
        members = d().find_element(By.ID, "members").text
        expect(ADMIN_EMAIL in members and "Administrator" in members, f"the administrator is not listed: {members!r}")
        expect(not d().find_element(By.ID, "live-notice").is_displayed(), "the live notice shows before anything happened")
        return j.shot("organization")
    j.step("the organization page lists its administrator", organization_page)

    def require_app():
        d().find_element(By.CSS_SELECTOR, "input[name=second_factor][value=required]").click()
        app = d().find_element(By.CSS_SELECTOR, "input[name=method][value=totp]")
        if not app.is_selected():
            app.click()
        j.click_and_leave("save-settings")
        j.no_alert()
        notice = d().find_element(By.CSS_SELECTOR, "p.notice:not(#live-notice)").text
        expect(notice == "The settings are saved.", f"the notice after saving is {notice!r}")
        expect(d().find_element(By.CSS_SELECTOR, "input[name=second_factor][value=required]").is_selected(), "required is not kept")
        return j.shot("organization-settings-saved")
    j.step("the settings form makes two-step verification required (authenticator app)", require_app)

    def invite_member():
        j.type_into("invite-email", member["email"])
        Select(d().find_element(By.ID, "invite-role")).select_by_value("client_user")
        j.click_and_leave("send-invitation")
        j.no_alert()
        notice = d().find_element(By.CSS_SELECTOR, "p.notice:not(#live-notice)").text
        expect(notice == "The invitation is on its way.", f"the notice after inviting is {notice!r}")
        line = d().find_element(By.XPATH, f"//section[@id='invitations']//li[contains(., '{member['email']}')]").text
        expect("Pending" in line and "Member" in line, f"the invitation is not listed as a pending Member: {line!r}")
        return j.shot("organization-invited")
    j.step("the invite form sends an invitation to a member; the list shows it pending", invite_member)

    def member_window():
        j.use(j.new_window())
        state["member_window"] = j.driver
        return "a third Chromium, the member's, while the administrator's page stays open"
    j.step("a second browser window for the invited member", member_window)

    def member_mail():
        message, _ = wait_for_mail(member["email"], seen_mail)
        state["member_link"], text = invitation_link(message)
        expected = f"{admin['name']} invited you to join {ORGANIZATION_NAME} as a member."
        expect(expected in text, f"the mail does not say {expected!r}: {text[:300]!r}")
        return f"{message['subject']!r}, naming the inviter"
    j.step("the member's invitation mail names the administrator and the organization", member_mail)

    def member_accepts():
        return accept_invitation(j, state["member_link"], member["name"], member["password"], heading=f"Join {ORGANIZATION_NAME}",
                                 summary=f"{admin['name']} invited you to join {ORGANIZATION_NAME} as a member.")
    j.step("the member opens the link and creates the account (accept)", member_accepts)

    def live_notice():
        j.use(state["admin_window"])
        notice = j.wait_for_id("live-notice")
        expected = f"{member['email']} accepted the invitation. Reload to see the list."
        expect(notice.text == expected, f"the live notice says {notice.text!r}, not {expected!r}")
        expect(d().execute_script("return performance.getEntriesByType('navigation').length") == 1, "the page was reloaded")
        return j.shot("organization-live-notice")
    j.step("the administrator's open page shows the live notice without a reload", live_notice)

    auth = AuthorizationRequest(organization=ORGANIZATION_SLUG)

    def member_signs_in_again():
        j.use(state["member_window"])
        d().get(auth.url())
        j.loaded()
        # The session of the invitation has no second factor, which the organization requires:
        # the password again, then setting up an authenticator app.
        j.wait_for_id("password")
        expect(j.path() == "/login", f"the app's authorize URL led to {d().current_url}, not the login page")
        j.type_into("email", member["email"])
        j.type_into("password", member["password"])
        j.click_and_leave("submit")
        j.no_alert()
        secret = j.wait_for_id("totp-secret")
        expect(j.path() == "/mfa/enrol", f"the password led to {d().current_url}, not the enrolment page")
        state["secret"] = re.sub(r"\s+", "", secret.text)
        return j.shot("organization-enrol") + f", {j.heading()!r}"
    j.step("the member's next sign-in to the organization's app asks to set up an authenticator app", member_signs_in_again)

    def member_enrols():
        j.type_into("totp-code", totp(state["secret"], int(time.time()) // 30))
        j.click_and_leave("enable-totp")
        j.no_alert()
        codes = j.wait(EC.presence_of_all_elements_located((By.CSS_SELECTOR, "#recovery-codes li")), "the recovery codes")
        expect(len(codes) == 10, f"{len(codes)} recovery codes shown, not 10")
        stem = j.shot("organization-recovery-codes")
        j.click_and_leave("continue")
        if not d().current_url.startswith(REDIRECT_URI):
            j.wait_for_id("approve")
            stem += ", " + j.shot("organization-consent")
            d().find_element(By.ID, "approve").click()
            j.wait(lambda drv: drv.current_url.startswith(REDIRECT_URI), f"the browser to reach {REDIRECT_URI}")
        tokens, claims = auth.redeem(auth.check_callback(d().current_url))
        expect(claims.get("acr") == "mfa", f"the ID token's acr {claims.get('acr')!r} is not mfa")
        expect(claims.get("org_slug") == ORGANIZATION_SLUG and claims.get("org_name") == ORGANIZATION_NAME,
               f"the ID token's organization is {claims.get('org_slug')!r} {claims.get('org_name')!r}")
        return stem + f", acr mfa, org_slug {claims['org_slug']}"
    j.step("a first code enrols the app; the app gets a code whose ID token says mfa and the organization", member_enrols)

    def list_after_reload():
        j.use(state["admin_window"])
        d().get(organization_url)
        j.loaded()
        members = d().find_element(By.ID, "members").text
        expect(member["email"] in members and "two-step: authenticator app" in members,
               f"the member is not listed with the authenticator app: {members!r}")
        line = d().find_element(By.XPATH, f"//section[@id='invitations']//li[contains(., '{member['email']}')]").text
        expect("Accepted" in line, f"the invitation is not shown accepted: {line!r}")
        return j.shot("organization-member-joined")
    j.step("on reload the organization page lists the member with the app and the invitation accepted", list_after_reload)


def people_journey(j, seen_mail):
    """Issue 10: an operator, invited from the shell, accepts in the member's browser (after
    signing the member out), follows the account page's link to the people page, finds the
    journey's organization with its administrator and invites a customer's administrator."""
    d = lambda: j.driver  # noqa: E731
    staff = {"name": "Otto Operator", "password": "Granite lantern " + secrets.token_urlsafe(9)}
    customer = f"customer-{int(time.time())}-{secrets.token_hex(4)}@example.com"

    def sign_out_member():
        d().get(ISSUER + "/logout")
        j.loaded()
        j.click_and_leave("sign-out")
        expect("signed out" in j.page_text().lower(), f"no 'signed out' after /logout: {j.heading()!r}")
        return "the member's browser, signed out"
    j.step("the member signs out in their browser", sign_out_member)

    def operator_accepts():
        message, _ = wait_for_mail(STAFF_EMAIL, seen_mail)
        link, text = invitation_link(message)
        expect("You are invited to Gatehouse as an operator." in text, f"the operator's mail says {text[:200]!r}")
        stem = accept_invitation(j, link, staff["name"], staff["password"], heading="Join Gatehouse",
                                 summary="You are invited to Gatehouse as an operator.")
        people = j.wait_for_id("people-link")
        expect(people.get_attribute("href") == ISSUER + "/people", f"the account page's people link is {people.get_attribute('href')}")
        return stem + ", " + j.shot("account-operator")
    j.step("an operator accepts their invitation; the account page links to the people page", operator_accepts)

    def people_page():
        j.click_and_leave("people-link")
        j.wait_for_id("organizations")
        expect(j.path() == "/people" and j.heading() == "People", f"the people link led to {d().current_url}")
        stem = j.shot("people")
        j.type_into("search", ORGANIZATION_NAME)
        j.click_and_leave("search-organizations")
        line = d().find_element(By.CSS_SELECTOR, "#organizations .items li").text
        expect(ORGANIZATION_NAME in line and "Olga Admin" in line and ADMIN_EMAIL in line,
               f"the search does not list the organization with its administrator: {line!r}")
        link = d().find_element(By.LINK_TEXT, ORGANIZATION_NAME).get_attribute("href")
        expect(link == ISSUER + "/organizations/" + ORGANIZATION_SLUG, f"the organization's link is {link}")
        return stem + ", " + j.shot("people-search")
    j.step("the people page finds the organization by name, with its administrator and a link to its page", people_page)

    def invite_customer():
        j.type_into("invite-email", customer)
        Select(d().find_element(By.ID, "invite-role")).select_by_value("client_admin")
        j.type_into("organization-name", "Journey Customer " + secrets.token_hex(3))
        j.click_and_leave("send-invitation")
        j.no_alert()
        notice = d().find_element(By.CSS_SELECTOR, "p.notice").text
        expect(notice == "The invitation is on its way.", f"the notice after inviting is {notice!r}")
        message, _ = wait_for_mail(customer, seen_mail)
        _, text = invitation_link(message)
        expect(f"{staff['name']} invited you to join Journey Customer" in text, f"the customer's mail says {text[:200]!r}")
        return j.shot("people-invited")
    j.step("the operator invites a customer's administrator with a new organization; the mail names the operator", invite_customer)


def console_journey(j):
    """Issue 11: the operator opens the console. GATEHOUSE_ADMIN_MFA is on by default, so an
    administrator without a second factor sets one up first and comes back; then the dashboard,
    a search for the organization's administrator, their page, one support action, the audit
    trail filtered to it, and a bulk suspend of that administrator (a dry run, then confirmed)."""
    d = lambda: j.driver  # noqa: E731

    def console_asks_for_a_factor():
        d().get(ISSUER + "/admin")
        j.loaded()
        secret = j.wait_for_id("totp-secret")
        expect(j.path() == "/mfa/enrol", f"/admin led to {d().current_url}, not the enrolment page")
        stem = j.shot("console-enrol")
        j.type_into("totp-code", totp(re.sub(r"\s+", "", secret.text), int(time.time()) // 30))
        j.click_and_leave("enable-totp")
        j.no_alert()
        j.wait(EC.presence_of_all_elements_located((By.CSS_SELECTOR, "#recovery-codes li")), "the recovery codes")
        j.click_and_leave("continue")
        j.wait(lambda drv: drv.current_url == ISSUER + "/admin", "the console after the enrolment")
        expect(j.heading() == "Console", f"the console's heading is {j.heading()!r}")
        counts = d().find_element(By.CSS_SELECTOR, "ul.counts").text
        expect("Users" in counts and "Active sessions" in counts, f"the dashboard's counts: {counts!r}")
        return stem + ", " + j.shot("console-dashboard")
    j.step("the console sends an operator without a second factor to set one up, then shows the dashboard", console_asks_for_a_factor)

    def search():
        j.type_into("q", ADMIN_EMAIL.split("@")[0])
        j.click_and_leave("find-user")
        j.wait_for_id("users")
        expect(j.path() == "/admin/users", f"the search led to {d().current_url}")
        listed = d().find_element(By.ID, "users").text
        expect(ADMIN_EMAIL in listed, f"the search does not list {ADMIN_EMAIL}: {listed!r}")
        return j.shot("console-users")
    j.step("the directory finds the organization's administrator by a part of the email", search)

    def user_page():
        d().get(d().find_element(By.LINK_TEXT, ADMIN_EMAIL).get_attribute("href"))
        j.loaded()
        j.wait_for_id("events")
        expect(j.heading() == ADMIN_EMAIL, f"the user page's heading is {j.heading()!r}")
        roles = d().find_element(By.ID, "roles").text
        expect(ORGANIZATION_NAME in roles and "Administrator" in roles, f"the roles section says {roles!r}")
        facts = d().find_element(By.CSS_SELECTOR, "dl.facts").text
        expect(re.search(r"Last sign-in\s+\d", facts), f"the last sign-in is not shown: {facts!r}")
        return j.shot("console-user")
    j.step("the user's page shows the organization, the role and when they last signed in", user_page)

    def unlock():
        d().find_element(By.XPATH, "//section[@id='actions']//button[normalize-space()='Unlock']").click()
        j.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "p.notice")), "the notice after the action")
        notice = d().find_element(By.CSS_SELECTOR, "p.notice").text
        expect(notice == "Their account is unlocked.", f"the notice after unlocking is {notice!r}")
        events = d().find_element(By.ID, "events").text
        expect("account unlocked" in events, f"the audit list does not show the unlock: {events[:300]!r}")
        return j.shot("console-user-unlocked")
    j.step("an action (unlock) is done, said, and shows in the user's audit trail", unlock)

    def register_client():
        d().get(ISSUER + "/admin/clients")
        j.loaded()
        expect(j.heading() == "Clients", f"the clients page's heading is {j.heading()!r}")
        j.type_into("name", "Journey reports")
        Select(d().find_element(By.ID, "kind")).select_by_value("service")
        d().find_element(By.XPATH, "//section[@id='register']//button[normalize-space()='Register']").click()
        j.wait_for_id("client-secret")
        secret = d().find_element(By.ID, "client-secret").text
        expect(len(secret) >= 40, f"the new client's secret is {secret!r}")
        expect(j.heading() == "Journey reports", f"the new client's heading is {j.heading()!r}")
        return j.shot("console-client-new")
    j.step("the console registers a service client and shows its secret once", register_client)

    def change_client():
        field = d().find_element(By.ID, "access_token_lifetime")
        field.clear()
        field.send_keys("300")
        save = d().find_element(By.XPATH, "//section[@id='settings']//button[normalize-space()='Save']")
        save.click()
        # The page before (the new secret's) has a notice too: wait for it to go first.
        j.wait(lambda _: is_gone(save), "the page to change after saving")
        j.loaded()
        j.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "p.notice")), "the notice after saving")
        notice = d().find_element(By.CSS_SELECTOR, "p.notice").text
        expect(notice == "Saved.", f"the notice after saving is {notice!r}")
        expect(not d().find_elements(By.ID, "client-secret"), "the secret is shown once, not again")
        value = d().find_element(By.ID, "access_token_lifetime").get_attribute("value")
        expect(value == "300", f"the saved access token lifetime reads {value!r}")
        return j.shot("console-client-saved")
    j.step("a client's shorter access-token lifetime is saved; the secret is not shown again", change_client)
    def audit_trail():
        d().find_element(By.CSS_SELECTOR, "#console-nav a[href='/admin/audit']").click()
        j.wait_for_id("audit-events")
        expect(j.heading() == "Audit trail", f"the audit page's heading is {j.heading()!r}")
        Select(d().find_element(By.ID, "type")).select_by_value("account_unlocked")
        j.click_and_leave("search-audit")
        j.wait_for_id("audit-events")
        expect("type=account_unlocked" in d().current_url, f"the filter led to {d().current_url}")
        events = d().find_element(By.ID, "audit-events").text
        expect(events.startswith("Account unlocked"), f"the newest unlock is not listed first: {events[:300]!r}")
        expect("Sign-in failed" not in events, f"the type filter let other events through: {events[:300]!r}")
        return j.shot("console-audit")
    j.step("the audit trail, filtered to unlocks, lists the operator's unlock first", audit_trail)

    def job_page_until(condition, what):
        """The job page, reloaded until `condition` holds: the worker may finish before the page's
        script listens, and the page without script shows the counts of its load."""
        deadline = time.time() + TIMEOUT
        while True:
            j.loaded()
            j.wait_for_id("job-counts")
            if condition():
                return
            if time.time() > deadline:
                raise CheckFailed(f"waited {TIMEOUT:.0f} s for {what}: {d().find_element(By.ID, 'job-counts').text!r}")
            time.sleep(0.5)
            d().refresh()

    def bulk_dry_run():
        d().get(ISSUER + "/admin/users?" + urlencode({"q": ADMIN_EMAIL}))
        j.wait_for_id("users")
        box = d().find_element(By.CSS_SELECTOR, "#users input.pick")
        expect(box.get_attribute("aria-label") == "Select " + ADMIN_EMAIL, f"the tick box is {box.get_attribute('aria-label')!r}")
        box.click()
        Select(d().find_element(By.ID, "bulk-kind")).select_by_value("suspend_user")
        stem = j.shot("console-bulk-select")
        j.click_and_leave("bulk-dry-run")
        j.wait(lambda drv: re.fullmatch(r"/admin/jobs/[0-9a-f-]{36}", j.path()), "the dry run's page")
        job_page_until(lambda: d().find_elements(By.ID, "job-confirm"), "the dry run to finish")
        expect(j.heading() == "Dry run: Suspend", f"the dry run's heading is {j.heading()!r}")
        counts = d().find_element(By.ID, "job-counts").text
        expect(counts == "1 done, 0 skipped, 0 failed of 1", f"the dry run's counts are {counts!r}")
        items = d().find_element(By.ID, "job-items").text
        expect("would suspend" in items and ADMIN_EMAIL in items, f"the dry run's result list says {items!r}")
        return stem + ", " + j.shot("console-bulk-dry-run")
    j.step("a bulk suspend of the ticked administrator starts with a dry run that says what would happen", bulk_dry_run)

    def bulk_confirm():
        dry_run = j.path()
        j.click_and_leave("job-confirm")
        j.wait(lambda drv: j.path() != dry_run and j.path().startswith("/admin/jobs/"), "the job's page")
        # The counts move live (script) while the result list is the page's load: wait for both, reloading.
        job_page_until(lambda: d().find_element(By.ID, "job-counts").text.startswith("1 done")
                       and "suspended" in d().find_element(By.ID, "job-items").text, "the job to finish and list its result")
        expect(j.heading() == "Suspend", f"the job's heading is {j.heading()!r}")
        value = d().find_element(By.ID, "job-progress").get_attribute("value")
        expect(value == "1", f"the progress bar reads {value!r}")
        items = d().find_element(By.ID, "job-items").text
        expect("suspended" in items and "would" not in items, f"the job's result list says {items!r}")
        stem = j.shot("console-bulk-done")
        d().find_element(By.CSS_SELECTOR, "#console-nav a[href='/admin/jobs']").click()
        j.wait_for_id("jobs")
        listed = d().find_element(By.ID, "jobs").text
        expect(listed.startswith("Suspend") and "Dry run: Suspend" in listed, f"the jobs list says {listed[:200]!r}")
        return stem + ", " + j.shot("console-jobs")
    j.step("confirmed, the job suspends them; its page shows the bar full and the result, the list both jobs", bulk_confirm)

    def finished(status_text):
        """Reloads an import's page until its status line says `status_text` (the workers run it)."""
        def done(drv):
            drv.refresh()
            elements = drv.find_elements(By.ID, "import-status")
            return bool(elements) and status_text in elements[0].text
        j.wait(done, f"the import's page to say {status_text!r}")

    def import_invitations():
        d().get(ISSUER + "/admin/imports")
        j.loaded()
        expect(j.heading() == "Imports", f"the imports page's heading is {j.heading()!r}")
        Select(d().find_element(By.ID, "kind")).select_by_value("invitations")
        invited = f"imported-{int(time.time())}@example.com"
        # An operator invites administrators of an organization (RoleRules); the second row is no address.
        j.type_into("data", f"email,name,role,organization\n{invited},Ada,client_admin,{ORGANIZATION_SLUG}\n"
                            "not-an-address,Bob,client_admin,\n")
        j.click_and_leave("import-dry-run")
        finished("Dry run finished")
        rows = d().find_element(By.ID, "import-rows").text
        expect(f"line 2 · {invited}: would create" in rows, f"the dry run does not list the good row: {rows!r}")
        expect("line 3: would skip. email is not a valid address." in rows, f"the dry run does not give the bad row's reason: {rows!r}")
        stem = j.shot("console-import-dry-run")
        j.click_and_leave("import-confirm-button")
        finished("Import finished")
        rows = d().find_element(By.ID, "import-rows").text
        expect(f"line 2 · {invited}: created" in rows, f"the import does not list the invitation: {rows!r}")
        expect("line 3: skipped. email is not a valid address." in rows, f"the import does not give the bad row's reason: {rows!r}")
        return stem + ", " + j.shot("console-import-done")
    j.step("an invitation CSV with one bad row: the dry run lists the reason, the import sends the rest", import_invitations)


def support_journey(j, person):
    """Issue 11 item 8: a site admin, made at the shell, signs in to the console in a browser of
    their own (enrolling the second factor the console asks of every administrator), finds the
    journey's user and signs in as them for support with a reason: the user's account page shows
    the banner (who, why, the time left), the console refuses the support session, and the
    banner's button ends it, back on the user's console page as themselves."""
    d = lambda: j.driver  # noqa: E731

    def admin_signs_in():
        j.use(j.new_window())
        d().get(ISSUER + "/admin")
        j.loaded()
        j.type_into("email", SUPPORT_EMAIL)
        j.type_into("password", SUPPORT_PASSWORD)
        j.click_and_leave("submit")
        j.no_alert()
        secret = j.wait_for_id("totp-secret")
        j.type_into("totp-code", totp(re.sub(r"\s+", "", secret.text), int(time.time()) // 30))
        j.click_and_leave("enable-totp")
        j.no_alert()
        j.wait(EC.presence_of_all_elements_located((By.CSS_SELECTOR, "#recovery-codes li")), "the recovery codes")
        j.click_and_leave("continue")
        j.wait(lambda drv: drv.current_url == ISSUER + "/admin", "the console after the enrolment")
        return "a site admin with a new authenticator, on the dashboard"
    j.step("a site admin made at the shell signs in to the console in a browser of their own", admin_signs_in)

    def start_support():
        d().get(ISSUER + "/admin/users?" + urlencode({"q": person["email"]}))
        j.loaded()
        link = j.wait(EC.presence_of_element_located((By.LINK_TEXT, person["email"])), "the user in the directory")
        d().get(link.get_attribute("href"))
        j.loaded()
        d().find_element(By.XPATH, "//summary[normalize-space()='Sign in as this user (support)']").click()
        j.type_into("support_reason", "Journey check: how the account page looks to them")
        d().find_element(By.XPATH, "//details[contains(@class, 'support-sign-in')]//button[@type='submit']").click()
        j.wait(lambda drv: drv.current_url == ISSUER + "/account", "the user's account page in the support session")
        j.wait_for_id("support-sign-ins")
        banner = d().find_element(By.CSS_SELECTOR, "aside.support-banner").text
        expect(SUPPORT_EMAIL in banner and person["email"] in banner, f"the banner does not name both: {banner!r}")
        expect("Journey check: how the account page looks to them" in banner and "min left" in banner,
               f"the banner lacks the reason or the time left: {banner!r}")
        listed = d().find_element(By.ID, "support-sign-ins").text
        expect(SUPPORT_EMAIL in listed and "still going" in listed, f"the account page's list says {listed!r}")
        return j.shot("support-session-account")
    j.step("'Sign in as this user (support)' with a reason opens their account page under the banner", start_support)

    def console_refused():
        d().get(ISSUER + "/admin")
        j.loaded()
        expect("The console is not available while you act as a user" in j.page_text(),
               f"/admin in the support session says {j.page_text()[:300]!r}")
        expect(d().find_elements(By.CSS_SELECTOR, "aside.support-banner"), "no banner on the refusal")
        return j.shot("support-session-console-refused")
    j.step("the console refuses the support session (the banner stays, to end it)", console_refused)

    def end_support():
        d().find_element(By.XPATH, "//aside[contains(@class, 'support-banner')]//button[normalize-space()='End support session']").click()
        j.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "p.notice")), "the notice after ending the support session")
        expect(j.path().startswith("/admin/users/"), f"ending led to {d().current_url}")
        notice = d().find_element(By.CSS_SELECTOR, "p.notice").text
        expect(notice == "The support session ended; you are signed in as yourself again.", f"the notice is {notice!r}")
        expect(not d().find_elements(By.CSS_SELECTOR, "aside.support-banner"), "the banner outlived the session")
        events = d().find_element(By.ID, "events").text
        expect("support session ended" in events and "support session started" in events,
               f"the user's audit list does not show the support session: {events[:300]!r}")
        return j.shot("support-session-ended")
    j.step("'End support session' brings the site admin back to the user's page, audited", end_support)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except WebDriverException as error:
        print(f"browser: WebDriver failed: {error}", file=sys.stderr)
        sys.exit(1)
