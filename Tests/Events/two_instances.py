"""Live events across two server processes (issue 10 item 5): an invitation accepted on instance A
reaches a watcher connected to instance B through Redis within a second, and a watcher that
reconnects with Last-Event-ID gets what it missed. Standard library only.

Arguments: --a URL --b URL --watcher-email E --watcher-password P --invitations TOKEN,TOKEN
--summary-file F. The watcher is a super_admin (the invitations come from the shell, so they
reach the super admins)."""

import argparse
import http.client
import http.cookiejar
import json
import re
import sys
import threading
import time
import urllib.parse
import urllib.request

PASSED, FAILED = [], []


def check(name, condition, detail=""):
    (PASSED if condition else FAILED).append(name)
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else f": {detail}"), flush=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies kept, redirects not followed (the test reads each Location)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def request(self, url, form=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(urllib.request.Request(url, data=data), timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def csrf(self, url):
        status, _, page = self.request(url)
        match = re.search(r'name="csrf_token" value="([^"]+)"', page)
        if not match:
            raise SystemExit(f"no csrf_token on {url} (HTTP {status}): {page[:300]}")
        return match.group(1)

    def cookie_header(self):
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)


class EventStream:
    """GET /events read line by line on a thread, each line with the time it arrived."""

    def __init__(self, base, cookie, last_event_id=None):
        parsed = urllib.parse.urlsplit(base)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        headers = {"Accept": "text/event-stream", "Cookie": cookie}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        self.connection.request("GET", "/events", headers=headers)
        self.response = self.connection.getresponse()
        self.lines = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    def read(self):
        try:
            while True:
                line = self.response.fp.readline()
                if not line:
                    return
                with self.lock:
                    self.lines.append((time.monotonic(), line.decode().rstrip("\n")))
        except Exception:
            return

    def wait_for(self, text, timeout):
        """The time the first line containing `text` arrived, or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for arrived, line in self.lines:
                    if text in line:
                        return arrived
            time.sleep(0.01)
        return None

    def events(self):
        """The complete events read so far, as dicts of their fields."""
        with self.lock:
            lines = [line for _, line in self.lines]
        events, current = [], {}
        for line in lines:
            if line == "":
                if current:
                    events.append(current)
                current = {}
            elif not line.startswith(":") and ": " in line:
                field, value = line.split(": ", 1)
                current[field] = value
        return events

    def close(self):
        self.connection.close()


def accept(base, token):
    """Opens the invitation on `base` and creates the account; returns the status and Location."""
    browser = Browser()
    link = f"{base}/invitations/{token}"
    csrf = browser.csrf(link)
    status, headers, _ = browser.request(link, {"csrf_token": csrf, "name": "Grace Events", "password": "plum tractor wisdom 42"})
    return status, headers.get("Location")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--a", required=True)
    parser.add_argument("--b", required=True)
    parser.add_argument("--watcher-email", required=True)
    parser.add_argument("--watcher-password", required=True)
    # One comma-separated value: a base64url token begins with "-" one time in 64, and argparse
    # would take a separate "-…" argument for an option.
    parser.add_argument("--invitations", type=lambda text: text.split(","), required=True)
    parser.add_argument("--invitation-ids", nargs=2, required=True)
    parser.add_argument("--summary-file", required=True)
    args = parser.parse_args()

    watcher = Browser()
    status, headers, _ = watcher.request(f"{args.b}/login", {"csrf_token": watcher.csrf(f"{args.b}/login"),
                                                              "email": args.watcher_email, "password": args.watcher_password})
    check("the watcher signs in on instance B", status == 303 and headers.get("Location") == "/account", f"{status} {headers}")
    cookie = watcher.cookie_header()

    stream = EventStream(args.b, cookie)
    check("B answers /events with 200 text/event-stream",
          stream.response.status == 200 and stream.response.getheader("Content-Type") == "text/event-stream; charset=utf-8",
          f"{stream.response.status} {stream.response.getheader('Content-Type')}")
    check("the stream opens with its retry line", stream.wait_for("retry: 3000", 5) is not None, stream.lines)

    status, location = accept(args.a, args.invitations[0])
    accepted_at = time.monotonic()
    check("the invitation is accepted on instance A", status == 303 and location == "/account", f"{status} {location}")
    heard = stream.wait_for("event: invitation.accepted", 5)
    check("B's watcher hears of it", heard is not None, stream.lines)
    if heard is not None:
        check("within a second", heard - accepted_at < 1.0, f"{heard - accepted_at:.3f} s")
    first = [event for event in stream.events() if event.get("event") == "invitation.accepted"]
    data = json.loads(first[0]["data"]) if first else {}
    check("the event names the invitation", data.get("invitation_id") == args.invitation_ids[0], first)
    check("the event has an id to resume after", bool(first and re.fullmatch(r"\d+-\d+", first[0].get("id", ""))), first)
    stream.close()

    # Accepted while nobody watched: the reconnecting watcher resumes after the event it saw.
    status, location = accept(args.a, args.invitations[1])
    check("the second invitation is accepted on A while B's watcher is away", status == 303, f"{status} {location}")
    resumed = EventStream(args.b, cookie, last_event_id=first[0]["id"] if first else None)
    check("the reconnected watcher gets the missed event", resumed.wait_for(args.invitation_ids[1], 5) is not None, resumed.lines)
    time.sleep(0.5)
    check("and not the one before its Last-Event-ID", all(args.invitation_ids[0] not in line for _, line in resumed.lines), resumed.lines)
    resumed.close()

    summary = f"events: {len(PASSED)} passed, {len(FAILED)} failed"
    with open(args.summary_file, "w") as handle:
        handle.write(summary + "\n")
    print(summary)
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
