#!/usr/bin/env python3
"""Tests/Fuzz/fuzz.py — random and malformed HTTP requests at a running `gatehouse serve`.

Every endpoint and page, GET and POST, with random and known parameter names; values that are
plain, long (up to 20 KiB), NUL (raw and %00), other control bytes, %FF and other bytes that are
not UTF-8, broken escapes, combining marks after quotes; bad Content-Types and bodies; garbage,
huge and NUL-bearing headers (User-Agent, Cookie, Authorization, X-Forwarded-For); broken request
lines. About a third of the requests carry what a real client has (a registered client id and
redirect URI, a valid CSRF pair, a session cookie, Basic credentials) so they get past the first
checks and reach the stores.

Request i is built from random.Random(f"{seed}:{i}") alone, so a run is the same whatever the
concurrency, and a failing request can be rebuilt: `fuzz.py --only I` prints it.

Passes when no answer is a 5xx other than 503 (load shedding, with Retry-After), no well-formed
request goes unanswered, and the server still answers /health/live at the end. 429s (per-IP
limits) are expected and counted. Standard library only. The last line is
`fuzz: N requests, M server errors` (read by run.sh).
"""
import argparse
import base64
import collections
import concurrent.futures
import json
import random
import socket
import sys
import threading
import time
import urllib.parse

ENDPOINTS = [
    ("GET", "/authorize"), ("POST", "/authorize"), ("POST", "/token"), ("GET", "/userinfo"), ("POST", "/userinfo"),
    ("POST", "/revoke"), ("POST", "/introspect"), ("GET", "/logout"), ("POST", "/logout"),
    ("GET", "/login"), ("POST", "/login"), ("GET", "/consent"), ("POST", "/consent"),
    ("GET", "/register"), ("POST", "/register"), ("GET", "/verify-email"), ("POST", "/verify-email"),
    ("POST", "/verify-email/resend"), ("GET", "/verify-email/link"),
    ("GET", "/forgot-password"), ("POST", "/forgot-password"), ("GET", "/reset-password"), ("POST", "/reset-password"),
    ("GET", "/account"), ("POST", "/account/profile"), ("POST", "/account/email"), ("POST", "/account/password"),
    ("POST", "/account/sessions/revoke"), ("POST", "/account/apps/revoke"),
    ("POST", "/account/mfa/totp/start"), ("GET", "/account/mfa/totp"), ("POST", "/account/mfa/totp/confirm"),
    ("POST", "/account/mfa/totp/disable"), ("POST", "/account/mfa/email/enable"), ("POST", "/account/mfa/email/disable"),
    ("POST", "/account/mfa/recovery-codes"),
    ("GET", "/mfa"), ("POST", "/mfa"), ("POST", "/mfa/email"), ("GET", "/mfa/enrol"), ("POST", "/mfa/enrol"),
    ("POST", "/mfa/continue"), ("GET", "/mfa/enrol/email"), ("POST", "/mfa/enrol/email"), ("POST", "/mfa/enrol/email/confirm"),
    ("GET", "/.well-known/openid-configuration"), ("GET", "/.well-known/oauth-authorization-server"), ("GET", "/jwks.json"),
    ("GET", "/health/live"), ("GET", "/health/ready"), ("GET", "/metrics"), ("GET", "/"), ("GET", "/static/gatehouse.css"),
    ("GET", "/dev/mailbox"), ("GET", "/dev/demo/start"), ("GET", "/dev/demo/callback"),
    ("OPTIONS", "/token"), ("OPTIONS", "/userinfo"), ("OPTIONS", "/revoke"),
]
# Sign-out-everywhere would end the shared session for every later request: left out of the mix,
# it is sent once at the end instead.
FINAL = [("POST", "/account/sessions/revoke-all")]

NAMES = ["response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge",
         "code_challenge_method", "prompt", "max_age", "login_hint", "id_token_hint", "acr_values", "response_mode",
         "ui_locales", "request", "request_uri", "resource", "grant_type", "code", "code_verifier", "refresh_token",
         "client_secret", "token", "token_type_hint", "access_token", "post_logout_redirect_uri", "csrf_token", "email",
         "password", "confirm", "name", "given_name", "family_name", "picture", "ticket", "decision", "method",
         "current_password", "session", "client", "done", "expired", "accept_terms", "confirm",
         # paging cursors (time-id text, base64 positions) and their neighbours
         "sessions_after", "members_after", "after", "before", "cursor", "limit", "status"]

WEIRD = ["", "\x00", "a\x00b", "\x01", "\x1b[31m", "\x7f", "\r\n", "\t", "\"\u0301", ">\u0301", "'\u0301", "<\u0301",
         "\u0600\"", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "{{title}}", "{{{x}}}", "%",
         "é", "\u202e", "\ufeff", "\ufffd", "😀", "\U0010ffff", "../../etc/passwd", "' OR 1=1 --", "${jndi:x}",
         "null", "-1", "0", "99999999999999999999", "1e309", "NaN", "[]", "{}", "https://evil.example/", "javascript:alert(1)",
         "http://127.0.0.1:1/", "mfa", "none", "login consent", "openid profile email offline_access", "S256", "plain",
         "code", "token id_token", "form_post", "query", "authorization_code", "refresh_token", "client_credentials",
         "approve", "deny", "totp", "recovery", "yes",
         # cursors whose time is out of any range (one of these once stopped the whole server)
         "9223372036854775807-00000000-0000-4000-8000-000000000000", "-9223372036854775808-00000000-0000-4000-8000-000000000000",
         "253402300800000000-00000000-0000-4000-8000-000000000000", "1700000000000000-00000000-0000-4000-8000-000000000000"]

RAW_ESCAPES = ["%00", "%FF", "%C3", "%C3%28", "%ED%A0%80", "%F4%90%80%80", "%C0%80", "%zz", "%", "%4", "%0D%0A", "%01", "%7F",
               "%C2%80", "+", "%2B", "%26", "%3D", "%E2%80%AE"]

CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8",
                 "APPLICATION/X-WWW-FORM-URLENCODED", "application/json", "multipart/form-data; boundary=x", "text/plain",
                 "application/x-www-form-urlencoded\x00", "", "application/x-www-form-urlencodedx", ";;;", "\xff\xfe"]


class Context:
    """What a real client would have, gathered once before the run."""

    def __init__(self, args):
        self.host, self.port = args.host, args.port
        self.client_id, self.client_secret = args.client_id, args.client_secret
        self.redirect_uri = args.redirect_uri
        self.user_email, self.user_password = args.user_email, args.user_password
        self.csrf_cookie = self.csrf_token = self.session_cookie = None


def encode(text):
    return urllib.parse.quote(text, safe="") if isinstance(text, str) else text


def rand_text(rng, low=0, high=24):
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~ !\"#$&'()*+,/:;<=>?@[\\]^`{|}%"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))


def rand_unicode(rng, count):
    out = []
    for _ in range(count):
        pick = rng.random()
        if pick < 0.5:
            out.append(chr(rng.randint(0x20, 0x7e)))
        elif pick < 0.7:
            out.append(chr(rng.randint(0x300, 0x36f)))      # combining marks
        elif pick < 0.8:
            out.append(chr(rng.randint(0, 0x1f)))           # C0 controls
        else:
            code = rng.randint(0xa0, 0x10ffff)
            out.append(chr(code) if not 0xd800 <= code <= 0xdfff else "?")
    return "".join(out)


CLEAN_WEIRD = [w for w in WEIRD if not any(ord(c) < 0x20 and c not in "\t\r\n" for c in w)]


def value(rng, ctx, name, clean):
    """An encoded value for parameter `name`: realistic, weird, raw escapes, long or random bytes.
    A clean value decodes (no control character, valid escapes and UTF-8), so the request gets
    past decoding to the endpoint's own checks and its stores."""
    pick = rng.random()
    if clean:
        if pick < 0.45:
            pick = 0        # realistic
        elif pick < 0.75:
            return encode(rng.choice(CLEAN_WEIRD))
        elif pick < 0.9:
            return encode(rand_text(rng, 0, 8) + rng.choice(CLEAN_WEIRD) + rand_text(rng, 0, 8))
        else:
            return "A" * rng.choice([513, 2049, 4097, 8193])
    if pick < 0.25:
        known = {
            "client_id": ctx.client_id, "redirect_uri": ctx.redirect_uri, "response_type": "code",
            "scope": "openid profile email", "code_challenge_method": "S256",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "csrf_token": ctx.csrf_token or "",
            "email": ctx.user_email, "grant_type": rng.choice(["authorization_code", "refresh_token", "client_credentials"]),
            "client_secret": ctx.client_secret, "decision": "approve", "method": rng.choice(["totp", "email", "recovery"]),
            "post_logout_redirect_uri": ctx.redirect_uri, "prompt": rng.choice(["none", "login", "consent"]),
        }
        return encode(known.get(name, rand_text(rng, 1, 16)))
    if pick < 0.45:
        return encode(rng.choice(WEIRD))
    if pick < 0.6:
        return "".join(rng.choice(RAW_ESCAPES + ["a", "b", "="]) for _ in range(rng.randint(1, 6)))
    if pick < 0.7:
        return encode(rand_text(rng, 0, 8) + rng.choice(WEIRD) + rand_text(rng, 0, 8))
    if pick < 0.8:
        return encode(rand_unicode(rng, rng.randint(1, 40)))
    if pick < 0.88:
        return "A" * rng.choice([513, 2049, 4097, 8193, 16385, 20000])
    if pick < 0.95:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 30)))   # raw bytes, not encoded at all
    return encode(rand_text(rng, 0, 200))


def parameters(rng, ctx, count, clean):
    parts = []
    for _ in range(count):
        name = rng.choice(NAMES) if rng.random() < 0.85 else rand_text(rng, 0, 12)
        name = encode(name) if clean or rng.random() < 0.95 else rng.choice(RAW_ESCAPES)
        val = value(rng, ctx, name, clean)
        parts.append(as_bytes(name) + (b"=" + as_bytes(val) if rng.random() < 0.95 else b""))
    if rng.random() < 0.4:       # the realistic core of an authorization or token request
        core = [("response_type", "code"), ("client_id", ctx.client_id), ("redirect_uri", ctx.redirect_uri),
                ("scope", "openid"), ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
                ("code_challenge_method", "S256"), ("csrf_token", ctx.csrf_token or "")]
        parts = [f"{k}={encode(v)}".encode() for k, v in core if rng.random() < 0.8] + parts
    rng.shuffle(parts)
    return b"&".join(parts)


def template(rng, ctx, path):
    """A valid request's parameters for `path`, as a real client or browser would send them."""
    verifier_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    token = base64.urlsafe_b64encode(rng.randbytes(32)).rstrip(b"=").decode()
    request_id = base64.urlsafe_b64encode(rng.randbytes(32)).rstrip(b"=").decode()
    csrf = ("csrf_token", ctx.csrf_token or "")
    grant = rng.choice(["client_credentials", "authorization_code", "refresh_token"])
    templates = {
        "/authorize": [("response_type", "code"), ("client_id", ctx.client_id), ("redirect_uri", ctx.redirect_uri),
                       ("scope", "openid profile"), ("state", token[:12]), ("nonce", token[12:24]),
                       ("code_challenge", verifier_challenge), ("code_challenge_method", "S256"),
                       ("login_hint", ctx.user_email), ("prompt", rng.choice(["none", "login", "consent"])),
                       ("max_age", "60"), ("acr_values", "mfa"), ("response_mode", rng.choice(["query", "form_post"]))],
        "/token": [("grant_type", grant), ("code", token), ("redirect_uri", ctx.redirect_uri), ("code_verifier", token + "x"),
                   ("refresh_token", token), ("scope", "openid"), ("client_id", ctx.client_id)],
        "/revoke": [("token", token), ("token_type_hint", rng.choice(["access_token", "refresh_token"]))],
        "/introspect": [("token", token), ("token_type_hint", "access_token")],
        "/userinfo": [("access_token", "eyJ" + token)],
        "/logout": [("id_token_hint", "eyJ" + token), ("post_logout_redirect_uri", ctx.redirect_uri), ("state", token[:8]),
                    ("client_id", ctx.client_id), csrf, ("confirm", "yes")],
        "/login": [csrf, ("email", ctx.user_email), ("password", token), ("request", request_id)],
        "/consent": [csrf, ("request", request_id), ("decision", "approve")],
        "/register": [csrf, ("name", "Fuzz Person"), ("email", f"fuzz-{token[:10]}@example.com"), ("password", token),
                      ("request", request_id), ("accept_terms", "yes")],
        "/verify-email": [csrf, ("ticket", token), ("code", "123456")],
        "/verify-email/resend": [csrf, ("ticket", token)],
        "/verify-email/link": [("ticket", token), ("token", token)],
        "/forgot-password": [csrf, ("email", ctx.user_email), ("request", request_id)],
        "/reset-password": [csrf, ("token", token), ("password", token), ("confirm", token)],
        "/mfa": [csrf, ("method", rng.choice(["totp", "email", "recovery"])), ("code", "123456")],
        "/mfa/enrol": [csrf, ("code", "123456")],
        "/mfa/enrol/email/confirm": [csrf, ("code", "123456")],
    }
    account = [csrf, ("current_password", token), ("email", f"new-{token[:8]}@example.com"), ("password", token),
               ("confirm", token), ("name", "Fuzz"), ("picture", "https://images.example/a.png"), ("session", token),
               ("client", ctx.client_id), ("code", "123456")]
    return templates.get(path, account if path.startswith("/account") else [csrf])


BAD = ["%00", "a%00b", "%01", "%08", "%1B", "%1F", "%FF", "%C3", "%ED%A0%80", "%zz", "%", "%0D%0A", "%7F", "%C2%85"]


def mutated(rng, ctx, path):
    """The valid request with one or two values replaced by bad or odd ones, and maybe one more parameter."""
    pairs = [(name, encode(value)) for name, value in template(rng, ctx, path) if rng.random() < 0.9]
    for _ in range(rng.randint(1, 2)):
        if not pairs:
            break
        index = rng.randrange(len(pairs))
        bad = rng.choice(BAD) if rng.random() < 0.5 else value(rng, ctx, pairs[index][0], clean=rng.random() < 0.5)
        pairs[index] = (pairs[index][0], bad)
    if rng.random() < 0.2:
        pairs.append((rng.choice(NAMES), value(rng, ctx, "", clean=True)))
    return b"&".join(as_bytes(name) + b"=" + as_bytes(val) for name, val in pairs)


def as_bytes(text):
    return text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")


def headers_for(rng, ctx, method, path, has_body):
    headers = [(b"Host", f"{ctx.host}:{ctx.port}".encode())]
    cookies = []
    if ctx.csrf_cookie and rng.random() < 0.6:
        cookies.append(b"gh_csrf=" + ctx.csrf_cookie.encode())
    if ctx.session_cookie and rng.random() < 0.4:
        cookies.append(b"gh_session=" + ctx.session_cookie.encode())
    if rng.random() < 0.3:
        cookies.append(rng.choice([b"gh_session", b"gh_mfa", b"gh_csrf", b"gh_verify", b"gh_demo", b"x"]) + b"=" +
                       rng.choice([b"", b"\x00", b"a" * 5000, bytes(rng.getrandbits(8) for _ in range(20)), b"\"\xcc\x81",
                                   b"%00", b"a.b.c", b";;;=="]))
    if cookies:
        headers.append((b"Cookie", b"; ".join(cookies)))
    pick = rng.random()
    if path in ("/token", "/revoke", "/introspect") and pick < 0.5:
        pick = 0
    if pick < 0.15:
        credentials = f"{ctx.client_id}:{ctx.client_secret}".encode()
        headers.append((b"Authorization", b"Basic " + base64.b64encode(credentials)))
    elif pick < 0.3:
        junk = rng.choice([b"a\x00b:c", b"\x00:\x00", b"%00:x", b"id:%FF", b"no-colon", b"\xff\xfe:\xc3", ctx.client_id.encode() + b"\x00:x"])
        headers.append((b"Authorization", rng.choice([b"Basic ", b"basic  ", b"Bearer ", b"bearer"]) +
                        rng.choice([base64.b64encode(junk), junk, b"!!!", b"a" * 9000, b"eyJhbGciOiJub25lIn0.e30."])))
    if rng.random() < 0.3:
        headers.append((b"User-Agent", rng.choice([b"", b"\x00", b"Mozilla/5.0 \x01\x02", b"\xff\xfe\xfd", b"U" * 6000,
                                                   "\"\u0301>\u0301".encode()])))
    # run.sh trusts 127.0.0.1 as a proxy: most requests come from an address of their own (so the
    # per-IP limits do not turn everything into 429 and the deep paths are reached), some from odd ones.
    pick = rng.random()
    if pick < 0.85:
        headers.append((b"X-Forwarded-For", f"198.18.{rng.randrange(256)}.{rng.randrange(256)}".encode()))
    elif pick < 0.95:
        headers.append((b"X-Forwarded-For", rng.choice([b"1.2.3.4", b"::1", b"not-an-ip", b"999.1.1.1, \x00",
                                                        b"1.1.1.1, " * 200, b"[::1]:80", b"\xff", b"2001:db8::1"])))
    if rng.random() < 0.05:
        headers.append((b"X-Huge", b"h" * rng.choice([8000, 40000, 90000])))
    if rng.random() < 0.05:
        for n in range(rng.randint(10, 120)):
            headers.append((f"X-Many-{n}".encode(), b"v"))
    if has_body or (method == "POST" and rng.random() < 0.8):
        content_type = rng.choice(CONTENT_TYPES) if rng.random() < 0.3 else CONTENT_TYPES[0]
        headers.append((b"Content-Type", content_type.encode("latin-1")))
    return headers


def build(index, seed, ctx, endpoints=None):
    """The bytes of request `index`, and whether it is well-formed HTTP (then it must be answered)."""
    rng = random.Random(f"{seed}:{index}")
    method, path = rng.choice(endpoints or ENDPOINTS)
    if rng.random() < 0.05:
        path = rng.choice(["/", "/authorize/", "/TOKEN", "/token%00", "/%FF", "/..%2F..%2Fetc", "/a" * 500, "/mfa/../account",
                           "/login;jsessionid=1", "//login"])
    if rng.random() < 0.05:
        method = rng.choice(["PUT", "DELETE", "PATCH", "HEAD", "TRACE", "OPTIONS", "GET", "POST"])
    query = b""
    body = b""
    clean = rng.random() < 0.5
    mutate = rng.random() < 0.5      # a valid request with one or two values made bad, else random parameters
    if method == "GET" or rng.random() < 0.2:
        query = mutated(rng, ctx, path) if mutate else parameters(rng, ctx, rng.randint(0, 8), clean)
    if method in ("POST", "PUT", "PATCH"):
        pick = rng.random()
        if pick < 0.75:
            body = mutated(rng, ctx, path) if mutate else parameters(rng, ctx, rng.randint(0, 10), clean)
        elif pick < 0.85:
            body = json.dumps({"client_id": ctx.client_id, "grant_type": "client_credentials"}).encode()
        elif pick < 0.95:
            body = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300)))
        else:
            body = b"a=" + b"x" * rng.choice([16 * 1024, 17000, 70000])
    target = path.encode() + (b"?" + query if query else b"")
    headers = headers_for(rng, ctx, method, path, bool(body))
    well_formed = True
    request_line = method.encode() + b" " + target + b" HTTP/1.1"
    if rng.random() < 0.04:      # broken at the HTTP level: the server may close without answering
        well_formed = False
        request_line = rng.choice([
            method.encode() + b" " + target + b" HTTP/1.1\x00",
            method.encode() + b"  " + target,
            b"GET /\x00 HTTP/1.1",
            b"GET /login?a=\xff\xfe HTTP/1.1",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
            method.encode() + b" " + target + b" HTTP/9.9",
            b"GET " + b"/" * 70000 + b" HTTP/1.1",
        ])
        if rng.random() < 0.5:
            headers.append((b"Bad Header", b"x"))
    if any(b"\x00" in v or b"\r" in v or b"\n" in v or len(v) > 60000 for _, v in headers) or b"\x00" in target \
            or any(b < 0x21 or b == 0x7f for b in target) or sum(len(k) + len(v) for k, v in headers) > 60000 \
            or len(target) > 60000 or b"\n" in target:
        well_formed = False          # NUL, raw control or non-ASCII bytes in the request line or headers, or huge headers
    if any(b >= 0x80 for b in target):
        well_formed = False
    lines = [request_line] + [k + b": " + v for k, v in headers]
    lines.append(b"Content-Length: " + str(len(body)).encode())
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body, well_formed, method, path


def send(ctx, data, timeout):
    """Sends raw bytes; returns (status or None, first bytes of the answer)."""
    with socket.create_connection((ctx.host, ctx.port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass                  # the server refused part way (a huge header): read what it said
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except ConnectionResetError:
            pass
    answer = b"".join(chunks)
    if not answer.startswith(b"HTTP/1."):
        return None, answer[:200]
    try:
        return int(answer.split(b" ", 2)[1]), answer[:600]
    except (IndexError, ValueError):
        return None, answer[:200]


def http(ctx, method, path, body=None, headers=None, timeout=30):
    """A well-formed request of our own (set-up), returning status, headers and body."""
    lines = [f"{method} {path} HTTP/1.1".encode(), f"Host: {ctx.host}:{ctx.port}".encode(), b"Connection: close"]
    for name, val in (headers or {}).items():
        lines.append(f"{name}: {val}".encode())
    data = body.encode() if body else b""
    if body is not None:
        lines.append(b"Content-Type: application/x-www-form-urlencoded")
        lines.append(f"Content-Length: {len(data)}".encode())
    with socket.create_connection((ctx.host, ctx.port), timeout=timeout) as sock:
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, payload = answer.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    status = int(head_lines[0].split(" ")[1])
    cookies = {}
    for line in head_lines[1:]:
        name, _, val = line.partition(":")
        if name.lower() == "set-cookie":
            pair = val.strip().split(";")[0]
            cookie_name, _, cookie_value = pair.partition("=")
            cookies[cookie_name] = cookie_value
    return status, cookies, payload.decode("utf-8", "replace")


def prepare(ctx):
    """A CSRF pair and, when a user was given, a signed-in session."""
    status, cookies, page = http(ctx, "GET", "/login")
    if status != 200 or "gh_csrf" not in cookies:
        sys.exit(f"fuzz: GET /login answered {status} without a CSRF cookie")
    ctx.csrf_cookie = cookies["gh_csrf"]
    marker = 'name="csrf_token" value="'
    start = page.index(marker) + len(marker)
    ctx.csrf_token = page[start:page.index('"', start)]
    if ctx.user_email:
        form = urllib.parse.urlencode({"csrf_token": ctx.csrf_token, "email": ctx.user_email, "password": ctx.user_password})
        status, cookies, _ = http(ctx, "POST", "/login", form, {"Cookie": f"gh_csrf={ctx.csrf_cookie}"})
        ctx.session_cookie = cookies.get("gh_session")
        if status != 303 or not ctx.session_cookie:
            sys.exit(f"fuzz: signing in the fuzz user answered {status} without a session")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True, help="the server, http://127.0.0.1:PORT")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--client-id", default="gatehouse-demo")
    parser.add_argument("--client-secret", default="")
    parser.add_argument("--redirect-uri", default="http://127.0.0.1:18090/callback")
    parser.add_argument("--user-email", default="")
    parser.add_argument("--user-password", default="")
    parser.add_argument("--only", type=int, help="print request ONLY (as bytes) and exit")
    parser.add_argument("--summary-file")
    args = parser.parse_args()
    url = urllib.parse.urlsplit(args.url)
    args.host, args.port = url.hostname, url.port
    ctx = Context(args)
    if args.only is not None:
        ctx.csrf_cookie = ctx.csrf_token = ctx.session_cookie = "CSRF-OR-SESSION"
        print(repr(build(args.only, args.seed, ctx)[0]))
        return 0
    prepare(ctx)

    statuses = collections.Counter()
    failures = []          # (index, reason, request, answer)
    unanswered_well_formed = []
    lock = threading.Lock()
    covered = collections.defaultdict(collections.Counter)

    def run(index):
        data, well_formed, method, path = build(index, args.seed, ctx)
        try:
            status, answer = send(ctx, data, args.timeout)
        except socket.timeout:
            status, answer = None, b"timeout"
        except ConnectionRefusedError:
            status, answer = None, b"connection refused"
        except OSError as error:
            status, answer = None, str(error).encode()
        with lock:
            statuses[status if status is not None else ("no answer" if not well_formed else "no answer (well-formed)")] += 1
            covered[f"{method} {path}"][status] += 1
            if status is not None and status >= 500 and status != 503:
                failures.append((index, f"HTTP {status}", data[:800], answer))
            elif status == 503 and b"retry-after" not in answer.lower():
                failures.append((index, "503 without Retry-After", data[:800], answer))
            elif status is None and well_formed:
                unanswered_well_formed.append((index, answer.decode("latin-1")[:80], data[:300]))

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        for future in concurrent.futures.as_completed([pool.submit(run, i) for i in range(args.requests)]):
            future.result()
    for method, path in FINAL:
        data = b"\r\n".join([f"{method} {path} HTTP/1.1".encode(), f"Host: {ctx.host}:{ctx.port}".encode(),
                             f"Cookie: gh_csrf={ctx.csrf_cookie}; gh_session={ctx.session_cookie or ''}".encode(),
                             b"Content-Type: application/x-www-form-urlencoded", b"Connection: close"])
        body = f"csrf_token={ctx.csrf_token}".encode()
        status, answer = send(ctx, data + f"\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body, args.timeout)
        statuses[status] += 1
        if status is None or (status >= 500 and status != 503):
            failures.append((-1, f"final {path}: {status}", data, answer))
    elapsed = time.monotonic() - started

    alive, _, _ = http(ctx, "GET", "/health/live")
    total = args.requests + len(FINAL)
    print(f"fuzz: seed {args.seed}, {total} requests in {elapsed:.0f} s ({total / elapsed:.0f}/s), concurrency {args.concurrency}")
    print("fuzz: answers by status: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))))
    print(f"fuzz: {len(covered)} method/path pairs hit")
    for index, reason, request, answer in failures[:20]:
        print(f"fuzz: FAILED request {index}: {reason}\n  request: {request!r}\n  answer:  {answer!r}")
    for index, reason, request in unanswered_well_formed[:20]:
        print(f"fuzz: UNANSWERED well-formed request {index} ({reason}): {request!r}")
    ok = not failures and not unanswered_well_formed and alive == 200
    if alive != 200:
        print(f"fuzz: the server no longer answers /health/live ({alive})")
    summary = f"fuzz: {total} requests, {len(failures)} server errors, {len(unanswered_well_formed)} unanswered"
    if args.summary_file:        # run.sh prints it last
        with open(args.summary_file, "w") as handle:
            handle.write(summary + "\n")
    else:
        print(summary)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
