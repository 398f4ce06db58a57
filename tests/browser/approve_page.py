#!/usr/bin/env python3
"""The approval page (R9, R10, R53, R54) in a real headless browser, live
events (R43) with a real WebSocket client library, and the served GraphiQL
running a subscription, against `cam serve --demo`.

Chromium (Debian's) is driven by Playwright for Python, at desktop and phone
widths; the partner's screen is a `websockets` client speaking
graphql-transport-ws. Screenshots are kept under target/browser/ as test
artefacts.

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
            if line.startswith("Demo operator token: "):
                self.operator = line.split(": ", 1)[1].strip()
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


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


async def sign_in(page, token):
    await page.fill("#bearer", token)
    await page.click("#signin-button")


async def shoot(page, name):
    await page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


async def next_event(events, action, within=1.0):
    """The next partner event with this action, within `within` seconds."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        left = deadline - asyncio.get_running_loop().time()
        event = await asyncio.wait_for(events.get(), max(left, 0.01))
        if event["action"] == action:
            return event


async def run(demo):
    check(demo.link and "/access/" in demo.link, "the demo printed a pending access link")
    check({"olivia", "george", "ben", "dev"} <= set(demo.tokens), "the demo printed its people's tokens")
    ready, events = asyncio.Event(), asyncio.Queue()
    watcher = asyncio.create_task(watch_partner(demo, ready, events))
    await asyncio.wait_for(ready.wait(), 10)

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = await browser.new_page(viewport=DESKTOP)
        outside = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(demo.url) else None)

        # R53: before anyone signs in, who asks and what approving grants.
        await page.goto(demo.link)
        text = await page.inner_text("#preview")
        check("Ben Access-Manager" in text and "Northwind Agency" in text and "ben@northwind-agency.example" in text,
              "R9 the page shows who asks, for which partner")
        check("can be approved until" in await page.inner_text("#state"), "R53 the page says the link can be approved, until when")
        grants = await page.inner_text("#grants")
        permissions = await page.eval_on_selector_all("#permissions li", "ls => ls.map(l => l.textContent)")
        check("partner admin role" in grants.lower() and "partner seat" in grants, "R53 the page names the role and the seat")
        check(len(permissions) == 18 and "Add and edit users" in permissions and "Edit account settings" in permissions,
              f"R53 each permission of the Partner Admin set in words: {permissions}")
        check("no end date" in await page.inner_text("#duration"), "R53 the page says for how long")
        await shoot(page, "01-preview-desktop")

        # R55: a browser that asks for French reads the page in French.
        french = await browser.new_page(viewport=DESKTOP, locale="fr-FR")
        await french.goto(demo.link)
        check(await french.get_attribute("html", "lang") == "fr", "R55 the page says it is in French")
        grants = await french.inner_text("#grants")
        permissions = await french.eval_on_selector_all("#permissions li", "ls => ls.map(l => l.textContent)")
        check("Ce que l'approbation accorde" in grants and "siège partenaire" in grants
              and "Ajouter et modifier des utilisateurs" in permissions and "What approving grants" not in grants,
              f"R55 what approving grants, in French: {grants[:120]}")
        check("peut être approuvé jusqu'au" in await french.inner_text("#state"), "R55 the date in French")
        await shoot(french, "01b-preview-french")
        await french.close()

        # The phone asks for Japanese (and George reads Japanese, below).
        phone = await browser.new_page(viewport=PHONE, is_mobile=True, locale="ja-JP")
        await phone.goto(demo.link)
        wide = await phone.evaluate("document.documentElement.scrollWidth")
        check(wide <= PHONE["width"], f"R53 the page fits a phone's width ({wide}px)")
        check("承認によって付与されるもの" in await phone.inner_text("#grants"), "R55 the page in Japanese on the phone")
        await shoot(phone, "02-preview-phone")

        # Readable without its script: what approving grants needs none.
        bare_ctx = await browser.new_context(java_script_enabled=False, viewport=PHONE)
        bare = await bare_ctx.new_page()
        await bare.goto(demo.link)
        check(len(await bare.query_selector_all("#permissions li")) == 18
              and "JavaScript" in await bare.inner_text("#decide"),
              "R53 without its script the page still says what approving grants")
        await shoot(bare, "03-no-script")
        await bare_ctx.close()

        # A bad token is told so.
        await sign_in(page, "not-a-token")
        await page.locator("#result", has_text="not valid").wait_for()
        check(True, "a bad token is refused with a clear message")

        # A worker with no client account cannot decide anything.
        await sign_in(page, demo.tokens["dev"])
        await page.locator("#no-accounts").wait_for()
        check(True, "R10 someone who may decide for no client account is told so")
        await page.click("#other-token")

        # R53, R10: Olivia sees the accounts she may decide for.
        await sign_in(page, demo.tokens["olivia"])
        await page.wait_for_selector("#decide-form")
        accounts = await page.eval_on_selector_all("#accounts label", "ls => ls.map(l => l.textContent)")
        check(accounts == ["Acme Corporation"], f"R10 Olivia decides among her client accounts: {accounts}")
        check(demo.tokens["olivia"] not in await page.content(), "the pasted token is not shown back")
        await shoot(page, "04-signed-in")

        # R10: Approve is a form post; the answer never holds the token.
        await page.click("#approve-button")
        await page.wait_for_selector("#result.ok, #result.error")
        result = await page.inner_text("#result")
        check("Approved" in result and "Acme Corporation" in result, f"R10 one click approves: {result}")
        check(demo.tokens["olivia"] not in await page.content(), "the answer does not echo the token")
        await shoot(page, "05-approved")

        # R43: Ben's screen learns it within a second, without polling.
        event = await next_event(events, "access_link.approved")
        check(event["action"] == "access_link.approved", f"R43 the partner sees the approval live: {event}")

        # Back on the page: Acme is marked approved, nothing left to decide.
        await page.click("#back")
        await sign_in(page, demo.tokens["olivia"])
        await page.wait_for_selector("#decide-form")
        marks = await page.inner_text("#accounts")
        check("approved already" in marks and await page.query_selector("#approve-button") is None,
              f"R53 an account that approved is marked so: {marks}")
        await shoot(page, "06-marked-approved")

        # R54: George declines for Globex with a note, at phone width, in
        # his own language (R55: his locale, Japanese).
        demo.gql(demo.tokens["george"], "mutation{ updateMyProfile(input:{ locale: JA }){ userErrors{ code } } }")
        await phone.reload()
        await sign_in(phone, demo.tokens["george"])
        await phone.wait_for_selector("#decide-form")
        await phone.fill("#note", "Not this quarter, thanks.")
        await shoot(phone, "07-decline-phone")
        await phone.click("#decline-button")
        await phone.wait_for_selector("#result.ok, #result.error")
        result = await phone.inner_text("#result")
        check("Globex" in result and "拒否しました" in result and "何も付与されていません" in result,
              f"R54 Decline declines, R55 in George's Japanese: {result}")
        await shoot(phone, "08-declined-phone")
        event = await next_event(events, "access_link.declined")
        check(event["accountId"], f"R54 the partner sees the decline live: {event}")
        mails = demo.gql(demo.operator, "query($to: String){ outbox(to:$to){ kind body } }",
                         {"to": "ben@northwind-agency.example"})["data"]["outbox"]
        declined = [m for m in mails if m["kind"] == "access_link.declined"]
        check(len(declined) == 1 and "Not this quarter, thanks." in declined[0]["body"],
              "R54 the worker is emailed the note")
        await phone.click("#back")
        await sign_in(phone, demo.tokens["george"])
        await phone.wait_for_selector("#decide-form")
        check("拒否済み" in await phone.inner_text("#accounts"), "R53 an account that declined is marked so")

        # R53: a revoked link (Ben made a new one) says so in words, with no form.
        pid = demo.gql(demo.tokens["ben"], "{ viewer { partnerAccounts { id } } }")["data"]["viewer"]["partnerAccounts"][0]["id"]
        made = demo.gql(demo.tokens["ben"], "mutation($p: ID!){ createAccessLink(input:{ partnerAccountId: $p }){ token url } }",
                        {"p": pid})["data"]["createAccessLink"]
        check(made["token"], "Ben makes a new link, revoking the old one (R8)")
        await page.goto(demo.link)
        state = await page.inner_text("#state")
        check("was revoked" in state and "LINK_REVOKED" not in state, f"R53 the old link says in words why: {state}")
        check(not await page.query_selector_all("form, button, textarea"), "R53 a dead link offers no form and no button")
        await shoot(page, "09-revoked-desktop")
        await phone.goto(demo.link)
        await shoot(phone, "10-revoked-phone")

        # Item 6: the served GraphiQL runs a subscription over
        # graphql-transport-ws; an approval made elsewhere shows up in it.
        gq = await browser.new_page(viewport=DESKTOP)
        gq.on("request", lambda r: outside.append(r.url) if not r.url.startswith(demo.url.replace("http", "ws")) and not r.url.startswith(demo.url) else None)
        await gq.goto(demo.url + "/graphql")
        await gq.wait_for_selector(".graphiql-query-editor .CodeMirror")
        await gq.wait_for_selector('section.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror')
        await gq.evaluate("""([q, h]) => {
            document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(q);
            document.querySelector('section.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').CodeMirror.setValue(h);
        }""", ['subscription Watch { partnerEvents(partnerAccountId: "%s") { action actor { email } } }' % pid,
               json.dumps({"Authorization": "Bearer " + demo.tokens["ben"]})])
        # GraphiQL parses the editor's text a moment after it changes and
        # picks the transport from that parse: a click that comes first
        # sends the subscription over HTTP (the server says it cannot), so
        # such a click is made again once GraphiQL has caught up.
        registered = False
        for _ in range(5):
            await gq.click(".graphiql-execute-button")
            for _ in range(100):
                with urllib.request.urlopen(demo.url + "/metrics", timeout=5) as r:
                    if "cam_live_subscriptions 2" in r.read().decode():
                        registered = True
                        break
                shown = await gq.evaluate("document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()")
                if "not supported on this transport" in shown:
                    break
                await asyncio.sleep(0.02)
            if registered:
                break
        check(registered, "GraphiQL's subscription registered")
        approved = demo.gql(demo.tokens["ivy"], "mutation($i: ApproveAccessLinkInput!){ approveAccessLink(input:$i){ userErrors{ code } } }",
                            {"i": {"token": made["token"],
                                   "clientAccountId": demo.gql(demo.tokens["ivy"], "{ viewer { clientAccounts { id } } }")
                                   ["data"]["viewer"]["clientAccounts"][0]["id"]}})
        check(not approved["data"]["approveAccessLink"]["userErrors"], f"Ivy approves Ben's new link: {approved}")
        shown = ""
        for _ in range(100):
            shown = await gq.evaluate("document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()")
            if "access_link.approved" in shown:
                break
            await asyncio.sleep(0.05)
        check("access_link.approved" in shown and "ivy@initech.example" in shown,
              f"item 6: GraphiQL's subscription receives the event: {shown[:200]}")
        await shoot(gq, "11-graphiql-subscription")

        check(not outside, f"the pages load nothing from elsewhere (no CDN): {outside}")
        await browser.close()
    watcher.cancel()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
