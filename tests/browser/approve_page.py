#!/usr/bin/env python3
"""The one-click approval page (R9, R10) in a real headless browser, and live
events (R43) with a real WebSocket client library, against `cam serve --demo`.

Chromium (Debian's) is driven by Playwright for Python; the partner's screen
is a `websockets` client speaking graphql-transport-ws. Screenshots are kept
under target/browser/ as test artefacts.

    python3 tests/browser/approve_page.py --binary target/release/cam
"""
import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

import websockets
from playwright.async_api import async_playwright

HERE = os.path.dirname(os.path.abspath(__file__))
SHOTS = os.path.join(HERE, "..", "..", "target", "browser")
CHROMIUM = os.environ.get("CAM_CHROMIUM", "/usr/bin/chromium")


class Demo:
    """`cam serve --demo` on a fresh SQLite database; what it printed."""

    def __init__(self, binary, db_dir):
        env = dict(os.environ, CAM_DATABASE_URL=f"sqlite://{db_dir}/demo.db?mode=rwc",
                   CAM_LISTEN="127.0.0.1:0", RUST_LOG="warn")
        env.pop("CAM_JWT_SECRET", None)
        self.proc = subprocess.Popen([binary, "serve", "--demo"], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        self.tokens, self.link = {}, None
        for line in self.proc.stdout:
            m = re.match(r"\s+(.+?)\s+(\S+@\S+)\s+(\S+)$", line)
            if m:
                self.tokens[m.group(2).split("@")[0]] = m.group(3)
            if "pending access link" in line:
                self.link = line.rsplit(" ", 1)[1].strip()
            if "listening on " in line:
                self.url = line.split("listening on ")[1].strip()
                break
        else:
            raise SystemExit("the demo server did not start")

    def gql(self, token, query, variables=None):
        req = urllib.request.Request(self.url + "/graphql", method="POST",
                                     data=json.dumps({"query": query, "variables": variables or {}}).encode(),
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


passed, failed = 0, 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok    {what}")
    else:
        failed += 1
        print(f"FAIL  {what}")


async def watch_partner(demo, ready, events):
    """Ben's screen: partnerEvents over graphql-transport-ws (R43)."""
    partner = demo.gql(demo.tokens["ben"], "{ viewer { partnerAccounts { id } } }")
    pid = partner["data"]["viewer"]["partnerAccounts"][0]["id"]
    ws_url = demo.url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init",
                                  "payload": {"Authorization": f"Bearer {demo.tokens['ben']}"}}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 5))
        check(ack["type"] == "connection_ack", "R43 the WebSocket accepts the demo token")
        await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": {
            "query": "subscription($p: ID!) { partnerEvents(partnerAccountId: $p) { action accountId } }",
            "variables": {"p": pid}}}))
        # Registered once the server counts it.
        for _ in range(250):
            with urllib.request.urlopen(demo.url + "/metrics", timeout=5) as r:
                if "cam_live_subscriptions 1" in r.read().decode():
                    break
            await asyncio.sleep(0.02)
        ready.set()
        while True:
            msg = json.loads(await ws.recv())
            if msg["type"] == "next":
                await events.put(msg["payload"]["data"]["partnerEvents"])


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/cam")
    args = ap.parse_args()
    os.makedirs(SHOTS, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        demo = Demo(args.binary, d)
        try:
            await run(demo)
        finally:
            demo.stop()
    print(f"browser: {passed} passed, {failed} failed")
    return 1 if failed else 0


async def run(demo):
    check(demo.link and "/access/" in demo.link, "the demo printed a pending access link")
    check({"olivia", "george", "ben", "dev"} <= set(demo.tokens), "the demo printed its people's tokens")
    ready, events = asyncio.Event(), asyncio.Queue()
    watcher = asyncio.create_task(watch_partner(demo, ready, events))
    await asyncio.wait_for(ready.wait(), 10)

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = await browser.new_page()
        outside = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(demo.url) else None)

        # R9: the preview, nothing else.
        await page.goto(demo.link)
        text = await page.inner_text("#preview")
        check("Ben Access-Manager" in text and "Northwind Agency" in text, "R9 the page shows who asks, for which partner")
        check("can be approved" in await page.inner_text("#state"), "R9 the page says the link can be approved")
        await page.screenshot(path=f"{SHOTS}/01-preview.png", full_page=True)

        # A bad token is told so.
        await page.fill("#bearer", "not-a-token")
        await page.click("#signin-button")
        await page.locator("#result", has_text="not valid").wait_for()
        check(True, "a bad token is refused with a clear message")
        await page.screenshot(path=f"{SHOTS}/02-bad-token.png", full_page=True)

        # A worker with no client account cannot approve anything.
        await page.fill("#bearer", demo.tokens["dev"])
        await page.click("#signin-button")
        await page.locator("#result", has_text="not a member").wait_for()
        check(True, "R10 someone with no client account is told they cannot approve")

        # R10: Olivia approves for Acme with one click.
        await page.fill("#bearer", demo.tokens["olivia"])
        await page.click("#signin-button")
        await page.wait_for_selector("#approve-form:not([hidden])")
        options = await page.eval_on_selector_all("#client option", "os => os.map(o => o.textContent)")
        check(options == ["Acme Corporation"], f"R10 Olivia picks among her client accounts: {options}")
        await page.screenshot(path=f"{SHOTS}/03-signed-in.png", full_page=True)
        await page.click("#approve-button")
        await page.wait_for_selector("#result.ok, #result.error")
        result = await page.inner_text("#result")
        check("Approved" in result and "Acme Corporation" in result, f"R10 one click approves: {result}")
        await page.screenshot(path=f"{SHOTS}/04-approved.png", full_page=True)

        # R43: Ben's screen learns it within a second, without polling.
        event = await asyncio.wait_for(events.get(), 1.0)
        check(event["action"] == "access_link.approved", f"R43 the partner sees the approval live: {event}")

        # Approving again for the same account: ALREADY_APPROVED, said plainly.
        await page.reload()
        await page.fill("#bearer", demo.tokens["olivia"])
        await page.click("#signin-button")
        await page.wait_for_selector("#approve-form:not([hidden])")
        await page.click("#approve-button")
        await page.wait_for_selector("#result.error")
        result = await page.inner_text("#result")
        check("already approved" in result and "ALREADY_APPROVED" in result, f"R10 a second approval is refused: {result}")
        await page.screenshot(path=f"{SHOTS}/05-already-approved.png", full_page=True)

        # A revoked link (Ben made a new one) is refused with its reason.
        made = demo.gql(demo.tokens["ben"], "mutation($p: ID!){ createAccessLink(input:{ partnerAccountId: $p }){ token } }",
                        {"p": demo.gql(demo.tokens["ben"], "{ viewer { partnerAccounts { id } } }")
                         ["data"]["viewer"]["partnerAccounts"][0]["id"]})
        check(made["data"]["createAccessLink"]["token"], "Ben makes a new link, revoking the old one (R8)")
        await page.reload()
        check("LINK_REVOKED" in await page.inner_text("#state"), "R9 the old link's page says it is revoked")
        await page.fill("#bearer", demo.tokens["george"])
        await page.click("#signin-button")
        await page.wait_for_selector("#approve-form:not([hidden])")
        await page.click("#approve-button")
        await page.wait_for_selector("#result.error")
        result = await page.inner_text("#result")
        check("revoked" in result and "LINK_REVOKED" in result, f"R10 a revoked link is refused: {result}")
        await page.screenshot(path=f"{SHOTS}/06-revoked.png", full_page=True)

        check(not outside, f"the page loads nothing from elsewhere (no CDN): {outside}")
        await browser.close()
    watcher.cancel()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
