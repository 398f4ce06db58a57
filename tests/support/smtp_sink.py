"""A real SMTP server for the tests (R42): aiosmtpd on 127.0.0.1:PORT that
stores every message it accepts as DIR/<pid>-<n>.json (written whole, then
renamed): its headers, its decoded text and HTML parts, and the raw
message; or refuses every message with a 451 when started with --refuse.

    python3 smtp_sink.py PORT DIR [--refuse]

Prints "ready" on stdout once it accepts connections.
"""
import asyncio
import email
import email.policy
import itertools
import json
import os
import sys

from aiosmtpd.smtp import SMTP


class Store:
    def __init__(self, directory, refuse):
        self.directory = directory
        self.refuse = refuse
        self.seq = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 4.3.0 Try again later"
        n = next(self.seq)
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        text = msg.get_body(("plain",))
        html = msg.get_body(("html",))
        stored = {
            "mail_from": envelope.mail_from,
            "rcpt_to": envelope.rcpt_tos,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "date": str(msg["Date"]),
            "message_id": str(msg["Message-ID"]),
            "content_type": msg.get_content_type(),
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
            "raw": raw.decode("utf-8", "replace"),
        }
        name = f"{os.getpid()}-{n:06d}.json"
        tmp = os.path.join(self.directory, "." + name)
        with open(tmp, "w") as f:
            json.dump(stored, f)
        os.rename(tmp, os.path.join(self.directory, name))
        return "250 OK stored"


async def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    refuse = "--refuse" in sys.argv[3:]
    os.makedirs(directory, exist_ok=True)
    handler = Store(directory, refuse)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, hostname="sink.test"), "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
