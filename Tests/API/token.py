"""Prints an access token for /api/v1: the authorization-code flow with PKCE, through the hosted
login and consent pages, as the given user, for a client registered with the scope
gatehouse:manage. Standard library only.

Arguments: --issuer URL --client-id ID --client-secret S --redirect-uri URI --email E --password P."""

import argparse
import base64
import hashlib
import http.cookiejar
import json
import re
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies kept, redirects not followed (each Location is read here)."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def request(self, url, form=None, headers=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(urllib.request.Request(url, data=data, headers=headers or {}), timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()


def hidden(page, name):
    match = re.search(r'name="%s" value="([^"]*)"' % name, page)
    return match.group(1).replace("&amp;", "&") if match else ""


def main():
    parser = argparse.ArgumentParser()
    for name in ("issuer", "client-id", "client-secret", "redirect-uri", "email", "password"):
        parser.add_argument("--" + name, required=True)
    args = parser.parse_args()

    verifier = secrets.token_urlsafe(32)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": args.client_id, "redirect_uri": args.redirect_uri,
        "scope": "openid gatehouse:manage", "state": secrets.token_urlsafe(12),
        "code_challenge": challenge, "code_challenge_method": "S256"})
    browser = Browser()
    status, headers, body = browser.request(f"{args.issuer}/authorize?{query}")
    for _ in range(6):
        location = headers.get("Location", "")
        if status != 303 or not location:
            sys.exit(f"token.py: expected a redirect, got {status}: {body[:300]}")
        if location.startswith(args.redirect_uri):
            code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query).get("code", [""])[0]
            break
        url = urllib.parse.urljoin(args.issuer + "/", location)
        _, _, page = browser.request(url)
        fields = {"csrf_token": hidden(page, "csrf_token"), "request": hidden(page, "request")}
        if location.startswith("/login"):
            status, headers, body = browser.request(f"{args.issuer}/login", {**fields, "email": args.email, "password": args.password})
        elif location.startswith("/consent"):
            status, headers, body = browser.request(f"{args.issuer}/consent", {**fields, "decision": "approve"})
        else:
            sys.exit(f"token.py: unexpected redirect to {location}")
    else:
        sys.exit("token.py: too many redirects")

    basic = base64.b64encode(
        f"{urllib.parse.quote(args.client_id, safe='')}:{urllib.parse.quote(args.client_secret, safe='')}".encode()).decode()
    status, _, body = browser.request(f"{args.issuer}/token", {
        "grant_type": "authorization_code", "code": code, "redirect_uri": args.redirect_uri, "code_verifier": verifier},
        headers={"Authorization": "Basic " + basic})
    if status != 200:
        sys.exit(f"token.py: the token endpoint answered {status}: {body[:300]}")
    print(json.loads(body)["access_token"])


if __name__ == "__main__":
    main()
