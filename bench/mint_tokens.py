"""Pre-mints refresh tokens (and one access token) for the benchmark through the real
authorization-code flow: one browser session logs in and consents once; every later
/authorize is answered at once with a code (session and consent remembered), which Authlib
redeems with PKCE.

usage: mint_tokens.py ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI EMAIL OUT_DIR POOL=COUNT[=SCOPE+SCOPE]...
Reads the password from standard input. Writes OUT_DIR/refresh-POOL.txt (one token a line) per
pool and OUT_DIR/access-token.txt. A pool's extra scopes (`org=32=organization+roles`) are asked
for beside "openid email offline_access" (the consent page shows once more for them).
"""

import sys
import time
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

TIMEOUT = 30


class Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name") and attributes.get("type") != "submit":
            self.fields[attributes["name"]] = attributes.get("value") or ""


def form_fields(html):
    parser = Forms()
    parser.feed(html)
    return parser.fields


def main():
    issuer, client_id, client_secret, redirect_uri, email, out_dir = sys.argv[1:7]
    pools = []
    for arg in sys.argv[7:]:
        name, count, *extra = arg.split("=")
        pools.append((name, int(count), " ".join(["openid email offline_access"] + [s for e in extra for s in e.split("+")])))
    password = sys.stdin.readline().rstrip("\n")
    metadata = requests.get(issuer + "/.well-known/openid-configuration", timeout=TIMEOUT).json()
    browser = requests.Session()

    def authorize(scope="openid email offline_access"):
        client = OAuth2Session(client_id, client_secret, scope=scope, redirect_uri=redirect_uri,
                               code_challenge_method="S256", default_timeout=TIMEOUT)
        verifier = generate_token(64)
        url, state = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier,
                                                     nonce=generate_token(20))
        method, data = "GET", None
        for _ in range(10):
            response = browser.request(method, url, data=data, allow_redirects=False, timeout=TIMEOUT)
            if response.status_code in (302, 303):
                location = urljoin(url, response.headers["Location"])
                if location.split("?")[0] == redirect_uri:
                    token = client.fetch_token(metadata["token_endpoint"], authorization_response=location, state=state,
                                               code_verifier=verifier)
                    return token
                method, data, url = "GET", None, location
                continue
            if response.status_code != 200:
                sys.exit(f"mint: {url} answered {response.status_code}: {response.text[:500]}")
            path = urlsplit(response.url).path
            fields = form_fields(response.text)
            if path == "/login":
                fields.update(email=email, password=password)
                method, data, url = "POST", fields, urljoin(response.url, "/login")
            elif path == "/consent":
                fields["decision"] = "approve"
                method, data, url = "POST", fields, urljoin(response.url, "/consent")
            else:
                sys.exit(f"mint: unexpected page {response.url}: {response.text[:500]}")
        sys.exit("mint: too many steps")

    started = time.monotonic()
    total = 0
    last = None
    for name, count, scope in pools:
        tokens = []
        for _ in range(count):
            last = authorize(scope)
            if not last.get("refresh_token"):
                sys.exit(f"mint: the token response has no refresh_token: {sorted(last)}")
            tokens.append(last["refresh_token"])
        with open(f"{out_dir}/refresh-{name}.txt", "w") as file:
            file.write("\n".join(tokens) + "\n")
        total += count
    # A fresh one for userinfo (the refresh tokens above stay unused).
    last = authorize()
    with open(f"{out_dir}/access-token.txt", "w") as file:
        file.write(last["access_token"] + "\n")
    print(f"minted {total} refresh tokens and 1 access token in {time.monotonic() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
