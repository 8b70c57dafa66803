"""A third-party OpenID Connect client (Authlib) signs a user in at Gatehouse.

Everything protocol-side is done by Authlib: discovery metadata validation, PKCE (S256), the
authorization URL, code redemption, ID token signature and claims validation (iss, aud, exp,
iat, nonce, at_hash), the userinfo call with the bearer token and refresh token rotation. The
user's side (login and consent pages) is plain form posting with a cookie-keeping
requests.Session, like a browser with JavaScript switched off.

Configuration comes from the environment (Tests/Interop/run.sh sets it):
  INTEROP_ISSUER, INTEROP_CLIENT_ID, INTEROP_CLIENT_SECRET, INTEROP_REDIRECT_URI,
  INTEROP_USER_EMAIL, INTEROP_USER_PASSWORD, INTEROP_USER_ID, INTEROP_SERVER_PID

The last line printed is `interop: N passed, M failed` (CI reads it; with INTEROP_SUMMARY_FILE set
it is written there instead, for run.sh to print last); the exit status is 0 only when every
check passed.
"""

import os
import sys
import time
import traceback
import warnings
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

# authlib.jose is deprecated in favour of joserfc (Authlib 1.6+) but still the documented
# Authlib way to decode an ID token into CodeIDToken claims; keep the warning out of the log.
# (authlib.deprecate installs an "always" filter when imported, so ours goes in after it.)
import authlib.deprecate  # noqa: E402,F401

warnings.filterwarnings("ignore", message="authlib.jose module is deprecated")

from authlib.common.security import generate_token  # noqa: E402
from authlib.integrations.requests_client import OAuth2Session, OAuthError  # noqa: E402
from authlib.jose import JsonWebKey, jwt  # noqa: E402
from authlib.oidc.core import CodeIDToken  # noqa: E402
from authlib.oidc.discovery import OpenIDProviderMetadata, get_well_known_url  # noqa: E402

TIMEOUT = 15


class CheckFailed(Exception):
    pass


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, func):
        """Runs one check; a failure is reported and counted, and stops the flow (later checks
        depend on earlier results)."""
        try:
            detail = func()
        except CheckFailed as error:
            self.failed += 1
            print(f"FAIL  {name}: {error}", flush=True)
            raise
        except Exception as error:  # noqa: BLE001 - any exception is a failed check
            self.failed += 1
            print(f"FAIL  {name}: {type(error).__name__}: {error}", flush=True)
            traceback.print_exc()
            raise CheckFailed(str(error)) from error
        self.passed += 1
        print(f"ok    {name}" + (f" ({detail})" if detail else ""), flush=True)


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def env(name):
    value = os.environ.get(name)
    if not value:
        print(f"interop: the environment variable {name} is not set (run Tests/Interop/run.sh)", file=sys.stderr)
        sys.exit(2)
    return value


class FormParser(HTMLParser):
    """Collects each <form>: its action, method and the name/value of inputs and buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._current = {
                "action": attributes.get("action") or "",
                "method": (attributes.get("method") or "get").lower(),
                "fields": {},
                "buttons": [],
            }
            self.forms.append(self._current)
        elif self._current is not None and tag == "input" and attributes.get("name"):
            if (attributes.get("type") or "text").lower() not in ("submit", "button", "image"):
                self._current["fields"][attributes["name"]] = attributes.get("value") or ""
        elif self._current is not None and tag == "button" and attributes.get("name"):
            self._current["buttons"].append((attributes["name"], attributes.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def the_form(response, action):
    parser = FormParser()
    parser.feed(response.text)
    for form in parser.forms:
        if urlsplit(urljoin(response.url, form["action"])).path == action:
            return form
    raise CheckFailed(f"no form posting to {action} on {response.url} (HTTP {response.status_code}):\n{response.text[:2000]}")


class Browser:
    """The user's browser: keeps cookies, follows redirects within the issuer, and stops at the
    first redirect to the client's redirect URI (which is never served)."""

    def __init__(self, issuer, redirect_uri):
        self.session = requests.Session()
        self.issuer_origin = urlsplit(issuer)[:2]
        self.redirect_uri = redirect_uri
        self.pages = []

    def go(self, method, url, data=None, limit=10):
        for _ in range(limit):
            response = self.session.request(method, url, data=data, allow_redirects=False, timeout=TIMEOUT)
            self.pages.append(f"{method} {urlsplit(url).path} -> {response.status_code}")
            if response.status_code not in (301, 302, 303, 307, 308):
                return response
            location = urljoin(url, response.headers.get("Location", ""))
            if location.split("?")[0] == self.redirect_uri:
                return location
            if urlsplit(location)[:2] != self.issuer_origin:
                raise CheckFailed(f"redirected off the issuer to {location}")
            if response.status_code in (301, 302, 303):
                method, data = "GET", None
            url = location
        raise CheckFailed("too many redirects: " + ", ".join(self.pages))


def main():
    issuer = env("INTEROP_ISSUER")
    client_id = env("INTEROP_CLIENT_ID")
    client_secret = env("INTEROP_CLIENT_SECRET")
    redirect_uri = env("INTEROP_REDIRECT_URI")
    email = env("INTEROP_USER_EMAIL")
    password = env("INTEROP_USER_PASSWORD")
    user_id = env("INTEROP_USER_ID")

    checks = Checks()
    ctx = {}

    def discovery():
        url = get_well_known_url(issuer, external=True)
        response = requests.get(url, timeout=TIMEOUT)
        expect(response.status_code == 200, f"GET {url} answered {response.status_code}")
        metadata = OpenIDProviderMetadata(response.json())
        metadata.validate()  # Authlib's RFC 8414 + OIDC Discovery checks
        expect(metadata["issuer"] == issuer, f"issuer is {metadata['issuer']!r}, expected {issuer!r}")
        expect("S256" in metadata.get("code_challenge_methods_supported", []), "S256 is not in code_challenge_methods_supported")
        expect(metadata.get("authorization_response_iss_parameter_supported") is True,
               "authorization_response_iss_parameter_supported is not true (RFC 9207)")
        ctx["metadata"] = metadata
        jwks = requests.get(metadata["jwks_uri"], timeout=TIMEOUT)
        expect(jwks.status_code == 200, f"GET {metadata['jwks_uri']} answered {jwks.status_code}")
        ctx["keys"] = JsonWebKey.import_key_set(jwks.json())
        return f"{len(ctx['keys'].keys)} key(s) in the JWKS"

    def authorize():
        metadata = ctx["metadata"]
        client = OAuth2Session(
            client_id, client_secret, scope="openid email profile offline_access", redirect_uri=redirect_uri,
            code_challenge_method="S256", token_endpoint_auth_method="client_secret_basic", default_timeout=TIMEOUT)
        ctx["client"] = client
        ctx["code_verifier"] = generate_token(64)
        ctx["nonce"] = generate_token(24)
        url, state = client.create_authorization_url(
            metadata["authorization_endpoint"], code_verifier=ctx["code_verifier"], nonce=ctx["nonce"])
        ctx["state"] = state

        browser = Browser(issuer, redirect_uri)
        page = browser.go("GET", url)
        expect(isinstance(page, requests.Response), f"/authorize went straight to the client: {page}")
        expect(urlsplit(page.url).path == "/login", f"expected the login page, got {page.url} (HTTP {page.status_code})")
        login = the_form(page, "/login")
        expect("csrf_token" in login["fields"] and "request" in login["fields"],
               f"the login form lacks csrf_token or request: {sorted(login['fields'])}")
        login["fields"].update(email=email, password=password)
        page = browser.go("POST", urljoin(page.url, login["action"]), data=login["fields"])
        if not isinstance(page, str):
            expect(urlsplit(page.url).path == "/consent",
                   f"after login expected the consent page, got {page.url} (HTTP {page.status_code}): {page.text[:1500]}")
            consent = the_form(page, "/consent")
            expect(("decision", "approve") in consent["buttons"], f"no approve button: {consent['buttons']}")
            fields = dict(consent["fields"], decision="approve")
            page = browser.go("POST", urljoin(page.url, consent["action"]), data=fields)
        expect(isinstance(page, str), f"expected a redirect to {redirect_uri}, got HTTP {getattr(page, 'status_code', '?')}")
        ctx["authorization_response"] = page
        params = parse_qs(urlsplit(page).query)
        expect("error" not in params, f"the authorization failed: {params}")
        expect(params.get("code"), f"no code in {page}")
        expect(params.get("state") == [state], f"state not echoed: sent {state!r}, got {params.get('state')}")
        expect(params.get("iss") == [issuer], f"iss is {params.get('iss')}, expected [{issuer!r}] (RFC 9207)")
        return "login + consent, code, state and iss back"

    def redeem():
        client = ctx["client"]
        token = client.fetch_token(
            ctx["metadata"]["token_endpoint"], authorization_response=ctx["authorization_response"],
            state=ctx["state"], code_verifier=ctx["code_verifier"])
        for name in ("access_token", "id_token", "refresh_token"):
            expect(token.get(name), f"the token response has no {name}: {sorted(token)}")
        expect(str(token.get("token_type", "")).lower() == "bearer", f"token_type is {token.get('token_type')!r}")
        ctx["token"] = dict(token)
        return f"expires_in={token.get('expires_in')}, scope={token.get('scope')!r}"

    def validate_id_token(id_token, access_token, nonce):
        claims = jwt.decode(
            id_token, ctx["keys"], claims_cls=CodeIDToken,
            claims_options={
                "iss": {"essential": True, "value": issuer},
                "aud": {"essential": True, "value": client_id},
                "sub": {"essential": True},
                "exp": {"essential": True},
                "iat": {"essential": True},
            },
            claims_params={"nonce": nonce, "access_token": access_token, "client_id": client_id})
        claims.validate(leeway=5)
        expect(claims.header.get("alg") == "RS256", f"alg is {claims.header.get('alg')!r}")
        expect(claims.header.get("kid") in {key.kid for key in ctx["keys"].keys}, "kid is not in the JWKS")
        expect("at_hash" in claims, "the ID token has no at_hash")
        return claims

    def id_token():
        token = ctx["token"]
        claims = validate_id_token(token["id_token"], token["access_token"], ctx["nonce"])
        expect(claims.get("nonce") == ctx["nonce"], "the ID token has no nonce")
        expect(claims["sub"] == user_id, f"sub is {claims['sub']!r}, expected the user id {user_id!r}")
        ctx["sub"] = claims["sub"]
        return f"sub={claims['sub']}, kid={claims.header.get('kid')}, amr={claims.get('amr')}"

    def userinfo():
        client = ctx["client"]
        response = client.get(ctx["metadata"]["userinfo_endpoint"], timeout=TIMEOUT)
        expect(response.status_code == 200, f"userinfo answered {response.status_code}: {response.text[:500]}")
        info = response.json()
        expect(info.get("sub") == ctx["sub"], f"userinfo sub {info.get('sub')!r} differs from the ID token's {ctx['sub']!r}")
        expect(info.get("email") == email, f"userinfo email is {info.get('email')!r}, expected {email!r}")
        return f"email={info['email']}, email_verified={info.get('email_verified')}"

    def refresh():
        client = ctx["client"]
        old = ctx["token"]
        token = client.refresh_token(ctx["metadata"]["token_endpoint"])
        expect(token.get("access_token") and token["access_token"] != old["access_token"], "no new access token")
        expect(token.get("refresh_token") and token["refresh_token"] != old["refresh_token"],
               "the refresh token was not rotated")
        if token.get("id_token"):
            # OIDC Core §12.2: a refreshed ID token carries no nonce (none is expected here).
            claims = validate_id_token(token["id_token"], token["access_token"], None)
            expect(claims["sub"] == ctx["sub"], "the refreshed ID token has another sub")
        response = client.get(ctx["metadata"]["userinfo_endpoint"], timeout=TIMEOUT)
        expect(response.status_code == 200, f"userinfo with the refreshed access token answered {response.status_code}")
        ctx["refreshed"] = dict(token)
        return "new access and refresh token; the new access token works"

    def expect_invalid_grant(refresh_token, what):
        try:
            ctx["client"].refresh_token(ctx["metadata"]["token_endpoint"], refresh_token=refresh_token)
        except OAuthError as error:
            expect(error.error == "invalid_grant", f"{what}: expected invalid_grant, got {error.error}: {error.description}")
            return error.description
        raise CheckFailed(f"{what} was accepted")

    def reuse():
        return expect_invalid_grant(ctx["token"]["refresh_token"], "the rotated (old) refresh token")

    def family_revoked():
        # RFC 9700 §4.14.2: reuse of a rotated token revokes the whole family.
        return expect_invalid_grant(ctx["refreshed"]["refresh_token"], "the newest refresh token after a reuse")

    def family_access_refused():
        # RFC 7009 §2.1: the revoked family's grant takes its access tokens with it.
        client = OAuth2Session(client_id, client_secret, token=ctx["refreshed"], default_timeout=TIMEOUT)
        response = client.get(ctx["metadata"]["userinfo_endpoint"])
        expect(response.status_code == 401,
               f"userinfo with the refreshed access token answered {response.status_code} after the family was revoked")
        return response.headers.get("WWW-Authenticate", "")

    def code_reuse():
        client = OAuth2Session(client_id, client_secret, redirect_uri=redirect_uri, code_challenge_method="S256",
                               default_timeout=TIMEOUT)
        try:
            client.fetch_token(ctx["metadata"]["token_endpoint"], authorization_response=ctx["authorization_response"],
                               state=ctx["state"], code_verifier=ctx["code_verifier"])
        except OAuthError as error:
            expect(error.error == "invalid_grant", f"expected invalid_grant, got {error.error}: {error.description}")
            return error.description
        raise CheckFailed("the code was redeemed twice")

    def code_reuse_revokes():
        # RFC 6749 §4.1.2 / DESIGN.md: the second use revokes what the first use issued.
        client = OAuth2Session(client_id, client_secret, token=ctx["token"], default_timeout=TIMEOUT)
        response = client.get(ctx["metadata"]["userinfo_endpoint"])
        expect(response.status_code == 401,
               f"userinfo with the first access token answered {response.status_code}, expected 401: {response.text[:300]}")
        challenge = response.headers.get("WWW-Authenticate", "")
        expect(challenge.startswith("Bearer") and "invalid_token" in challenge,
               f"WWW-Authenticate is {challenge!r}, expected a Bearer challenge with error=\"invalid_token\" (RFC 6750 §3)")
        return challenge

    def crowd():
        # Issue 8 #16 / DESIGN.md "Limits that a shared network survives": per-IP limits count
        # failures, so people signing in correctly behind one address (a school's NAT) are never
        # refused. 60 full sign-ins from 127.0.0.1 with the default limits, well within 5 minutes.
        metadata = ctx["metadata"]
        started = time.monotonic()
        statuses = []
        for index in range(60):
            client = OAuth2Session(client_id, client_secret, scope="openid", redirect_uri=redirect_uri,
                                   code_challenge_method="S256", default_timeout=TIMEOUT)
            url, state = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=generate_token(64))
            browser = Browser(issuer, redirect_uri)
            page = browser.go("GET", url)
            if not isinstance(page, str) and urlsplit(page.url).path == "/login":
                login = the_form(page, "/login")
                login["fields"].update(email=email, password=password)
                page = browser.go("POST", urljoin(page.url, login["action"]), data=login["fields"])
            if not isinstance(page, str) and urlsplit(page.url).path == "/consent":
                consent = the_form(page, "/consent")
                page = browser.go("POST", urljoin(page.url, consent["action"]), data=dict(consent["fields"], decision="approve"))
            statuses.extend(line.rsplit(" ", 1)[-1] for line in browser.pages)
            expect(isinstance(page, str), f"sign-in {index + 1} of 60 ended on HTTP {getattr(page, 'status_code', '?')}: "
                   + ", ".join(browser.pages))
            expect(parse_qs(urlsplit(page).query).get("code"), f"sign-in {index + 1} of 60 got no code: {page}")
        elapsed = time.monotonic() - started
        expect("429" not in statuses, "a correct sign-in was refused with 429")
        expect(elapsed < 300, f"the 60 sign-ins took {elapsed:.0f} s, more than the 5 minutes the check is about")
        return f"60 codes, no 429, in {elapsed:.1f} s"

    def scheduling():
        # `gatehouse serve` runs every thread under SCHED_BATCH (BatchScheduling.swift, measured by
        # bench/run): the event loops, pools and argon2 threads it started, after all the above.
        tasks = f"/proc/{env('INTEROP_SERVER_PID')}/task"
        policies = {}
        for thread in os.listdir(tasks):
            try:
                with open(f"{tasks}/{thread}/stat") as file:
                    fields = file.read().rsplit(")", 1)[1].split()
                with open(f"{tasks}/{thread}/comm") as file:
                    name = file.read().strip()
            except OSError:  # the thread ended since the listing (ENOENT, or ESRCH mid-read)
                continue
            policies[f"{thread} {name}"] = int(fields[38])  # field 41, policy; fields[0] is field 3
        others = {thread: policy for thread, policy in policies.items() if policy != 3}
        expect(len(policies) >= 4, f"only {len(policies)} thread(s): {sorted(policies)}")
        expect(not others, f"not SCHED_BATCH (3): {others}")
        return f"{len(policies)} threads, all SCHED_BATCH"

    steps = [
        ("discovery metadata (Authlib OpenIDProviderMetadata.validate) and JWKS", discovery),
        ("authorization response: redirect with code, state echoed, iss = issuer (RFC 9207)", authorize),
        ("code redeemed by Authlib with PKCE S256 and client_secret_basic", redeem),
        ("ID token validated by Authlib (signature, iss, aud, exp, iat, nonce, at_hash)", id_token),
        ("userinfo with the access token: same sub, email present", userinfo),
        ("refresh_token grant rotates the refresh token", refresh),
        ("the rotated refresh token is refused (invalid_grant)", reuse),
        ("the reuse revoked the family: the newest refresh token is refused too", family_revoked),
        ("the revoked family's access token is refused too (userinfo 401)", family_access_refused),
        ("a second redemption of the code is refused (invalid_grant)", code_reuse),
        ("the code's reuse revoked the access token it issued (userinfo 401 invalid_token)", code_reuse_revokes),
        ("60 correct sign-ins from one address within 5 minutes, default limits: none refused (429)", crowd),
        ("every thread of the server runs under SCHED_BATCH", scheduling),
    ]
    try:
        for name, func in steps:
            checks.run(name, func)
    except CheckFailed:
        skipped = len(steps) - checks.passed - checks.failed
        if skipped:
            print(f"(skipped {skipped} later check(s) that depend on the failed one)")
        checks.failed += skipped
    summary = f"interop: {checks.passed} passed, {checks.failed} failed"
    if os.environ.get("INTEROP_SUMMARY_FILE"):
        # run.sh prints it as the very last line, after the server log on a failure.
        with open(os.environ["INTEROP_SUMMARY_FILE"], "w") as file:
            file.write(summary + "\n")
    else:
        print(summary, flush=True)
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
