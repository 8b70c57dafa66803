"""A real SMTP server for the mail tests, started by `./dev test` on loopback (aiosmtpd).

Three listeners, one per way Gatehouse can connect:
  --port           plain SMTP (no TLS offered)
  --starttls-port  STARTTLS required before MAIL, AUTH PLAIN/LOGIN accepted after it (--auth user:password)
  --tls-port       implicit TLS (smtps)
TLS uses --cert/--key (signed by the test CA that ./dev test makes with openssl).

Every accepted message is written to --maildir as NNNN.eml (the bytes received) and then
NNNN.json (parsed by Python's email package: headers decoded, text and HTML bodies, envelope,
whether TLS and AUTH were used). Tests read the .json files; a .json exists only once its
.eml is complete. Recipients starting with "reject-permanent" get 550, "reject-temporary" 451.
"""
import argparse
import asyncio
import email
import email.policy
import itertools
import json
import os
import signal
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class MaildirHandler:
    def __init__(self, maildir, listener):
        self.maildir = maildir
        self.listener = listener

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject-permanent"):
            return "550 5.1.1 mailbox unavailable (test sink)"
        if local.startswith("reject-temporary"):
            return "451 4.3.0 try again later (test sink)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        message = email.message_from_bytes(raw, policy=email.policy.default)
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        record = {
            "listener": self.listener,
            # session.ssl is set by STARTTLS; an implicit-TLS connection has an SSL transport instead.
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
            "authenticated": bool(session.authenticated),
            "login": (session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None),
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "subject": str(message["subject"]),
            "from": str(message["from"]),
            "to": str(message["to"]),
            "message_id": str(message["message-id"]),
            "date": str(message["date"]),
            "content_type": message.get_content_type(),
            "text": text.get_content().replace("\r\n", "\n") if text is not None else None,
            "html": html.get_content().replace("\r\n", "\n") if html is not None else None,
            "defects": [type(d).__name__ for d in message.defects],
            "received_at": time.time(),
        }
        name = f"{time.time_ns()}-{next(COUNTER):06d}"
        eml = os.path.join(self.maildir, name + ".eml")
        with open(eml, "wb") as f:
            f.write(raw)
        tmp = os.path.join(self.maildir, "." + name + ".json.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False, indent=1)
        os.rename(tmp, os.path.join(self.maildir, name + ".json"))
        return "250 Message accepted for delivery"


COUNTER = itertools.count(1)


def authenticator_for(expected):
    user, _, password = expected.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password:
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    return authenticate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--starttls-port", type=int, required=True)
    parser.add_argument("--tls-port", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--auth", required=True, help="user:password accepted on the STARTTLS listener")
    parser.add_argument("--maildir", required=True)
    args = parser.parse_args()
    os.makedirs(args.maildir, exist_ok=True)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)

    controllers = [
        Controller(MaildirHandler(args.maildir, "plain"), hostname=args.host, port=args.port),
        Controller(MaildirHandler(args.maildir, "starttls"), hostname=args.host, port=args.starttls_port,
                   tls_context=context, require_starttls=True, authenticator=authenticator_for(args.auth),
                   auth_require_tls=True, auth_required=False),
        Controller(MaildirHandler(args.maildir, "tls"), hostname=args.host, port=args.tls_port, ssl_context=context),
    ]
    for controller in controllers:
        controller.start()
    print(f"smtp sink: plain :{args.port}, STARTTLS :{args.starttls_port}, TLS :{args.tls_port}, mail in {args.maildir}",
          flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
    for controller in controllers:
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
