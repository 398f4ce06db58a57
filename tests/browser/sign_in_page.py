#!/usr/bin/env python3
"""R51, browser sign-in on the approval page against a real OpenID provider.

npm's `oidc-provider` (OpenID Certified) runs on loopback
(tests/browser/oidc_provider.mjs) with the approval page's client (PKCE
required) and its own development login and consent screens; `cam serve
--demo` trusts it (CAM_OIDC_ISSUERS) and signs people in with that client
(CAM_OIDC_CLIENT_ID, CAM_OIDC_CLIENT_SECRET). Headless Chromium, driven by
Playwright for Python, signs Olivia (super admin of Acme) in through the
provider's own login form, approves, signs out; then George (Globex)
declines for his account with a note and signs out. Screenshots are kept
under target/browser/ as test artefacts (sign-in-*.png).

    python3 tests/browser/sign_in_page.py --binary target/release/cam --provider-modules <dir>/node_modules
"""
import argparse
import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import urllib.request

from playwright.async_api import async_playwright

HERE = os.path.dirname(os.path.abspath(__file__))
SHOTS = os.path.join(HERE, "..", "..", "target", "browser")
CHROMIUM = os.environ.get("CAM_CHROMIUM", "/usr/bin/chromium")
CLIENT_ID = "cam-approval-page"
CLIENT_SECRET = "browser-test-client-secret"
PEOPLE = {
    "olivia@acme-corp.example": "Olivia Acme-Owner",
    "george@globex.example": "George Globex-Owner",
}

passed, failed = 0, 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok    {what}")
    else:
        failed += 1
        print(f"FAIL  {what}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_provider(modules, port, redirect_uri, people_file):
    env = dict(os.environ, NODE_PATH=modules)
    script = os.path.join(HERE, "oidc_provider.mjs")
    # ES modules ignore NODE_PATH: run the script from beside the modules.
    linked = os.path.join(os.path.dirname(modules), "oidc_provider.mjs")
    with open(script) as src, open(linked, "w") as dst:
        dst.write(src.read())
    proc = subprocess.Popen(["node", linked, str(port), redirect_uri, CLIENT_ID, CLIENT_SECRET, people_file],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        if "listening on" in line:
            return proc, line.rsplit(" ", 1)[1].strip()
        print("provider:", line.rstrip())
    raise SystemExit("oidc-provider did not start")


class Demo:
    """`cam serve --demo` trusting the provider; what it printed."""

    def __init__(self, binary, db_dir, port, issuer):
        env = dict(os.environ, CAM_DATABASE_URL=f"sqlite://{db_dir}/demo.db?mode=rwc",
                   CAM_LISTEN=f"127.0.0.1:{port}", RUST_LOG="warn",
                   CAM_OIDC_ISSUERS=f"{issuer} {CLIENT_ID} acme-corp.example globex.example",
                   CAM_OIDC_CLIENT_ID=CLIENT_ID, CAM_OIDC_CLIENT_SECRET=CLIENT_SECRET)
        env.pop("CAM_JWT_SECRET", None)
        env.pop("CAM_PUBLIC_URL", None)
        self.proc = subprocess.Popen([binary, "serve", "--demo"], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        self.link = None
        for line in self.proc.stdout:
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


async def shoot(page, name):
    await page.screenshot(path=f"{SHOTS}/sign-in-{name}.png", full_page=True)


async def sign_in_at_provider(page, email, shot):
    """From the approval page through the provider's own screens and back."""
    await page.click("#sign-in")
    await page.wait_for_selector("input[name=login]")
    check(page.url.startswith(ISSUER), f"the Sign in link leads to the provider ({page.url.split('?')[0]})")
    await page.fill("input[name=login]", email)
    await page.fill("input[name=password]", "any password: a test provider")
    await shoot(page, f"{shot}-provider-login")
    await page.click("button[type=submit]")
    # The provider asks for consent the first time.
    await page.wait_for_load_state()
    if await page.query_selector("input[name=prompt][value=consent]"):
        await shoot(page, f"{shot}-provider-consent")
        await page.click("button[type=submit]")
    await page.wait_for_selector("#who")


async def run(demo):
    check(demo.link and "/access/" in demo.link, "the demo printed a pending access link")
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
        page = await ctx.new_page()
        scripts = []
        page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "fetch" or r.resource_type == "xhr" else None)

        # R51: with an OIDC client, the page offers a Sign in link, no token field.
        await page.goto(demo.link)
        check(await page.query_selector("#sign-in") is not None and await page.query_selector("#bearer") is None,
              "R51 the page offers Sign in, not a token field")
        await shoot(page, "01-before")

        # Olivia signs in through the provider's login form.
        await sign_in_at_provider(page, "olivia@acme-corp.example", "02-olivia")
        check(page.url == demo.link, f"R51 back to the page she came from ({page.url})")
        who = await page.inner_text("#who")
        check("Olivia Acme-Owner" in who, f"R51 the page says who is signed in: {who}")
        accounts = await page.eval_on_selector_all("#accounts label", "ls => ls.map(l => l.textContent)")
        check(accounts == ["Acme Corporation"], f"R10 Olivia decides among her client accounts: {accounts}")
        cookies = {c["name"]: c for c in await ctx.cookies()}
        session = cookies.get("cam_session")
        check(session and session["httpOnly"] and session["sameSite"] == "Lax",
              f"R51 the session cookie is HttpOnly and SameSite=Lax: {session and {k: session[k] for k in ('httpOnly', 'sameSite', 'secure')}}")
        readable = await page.evaluate("document.cookie")
        check("cam_session" not in readable, "R51 the page's script cannot read the session")
        check(session["value"] not in await page.content(), "R51 no token or session id in the page")
        await shoot(page, "03-olivia-signed-in")

        await page.click("#approve-button")
        await page.wait_for_selector("#result.ok, #result.error")
        result = await page.inner_text("#result")
        check("Approved" in result and "Acme Corporation" in result, f"R10 Olivia approves with a form post: {result}")
        await shoot(page, "04-olivia-approved")
        await page.click("#back")
        await page.wait_for_selector("#who")
        check("approved already" in await page.inner_text("#accounts"), "R53 Acme is marked approved")

        await page.click("#sign-out-button")
        await page.wait_for_selector("#sign-in")
        check(await page.query_selector("#who") is None, "R51 signed out, the page offers Sign in again")
        check("cam_session" not in {c["name"] for c in await ctx.cookies()}, "R51 signing out clears the cookie")
        await shoot(page, "05-olivia-signed-out")

        # George, in his own browser, declines for Globex.
        ctx2 = await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        phone = await ctx2.new_page()
        await phone.goto(demo.link)
        await sign_in_at_provider(phone, "george@globex.example", "06-george")
        accounts = await phone.eval_on_selector_all("#accounts label", "ls => ls.map(l => l.textContent)")
        check(accounts == ["Globex"], f"R10 George decides for Globex: {accounts}")
        await phone.fill("#note", "Not this quarter, thanks.")
        await shoot(phone, "07-george-note")
        await phone.click("#decline-button")
        await phone.wait_for_selector("#result.ok, #result.error")
        result = await phone.inner_text("#result")
        check("Declined for Globex" in result, f"R54 George declines: {result}")
        await shoot(phone, "08-george-declined")
        await phone.click("#back")
        await phone.wait_for_selector("#who")
        check("declined" in await phone.inner_text("#accounts"), "R53 Globex is marked declined")
        await phone.click("#sign-out-button")
        await phone.wait_for_selector("#sign-in")
        check(True, "R51 George signs out")
        await shoot(phone, "09-george-signed-out")

        mails = demo.gql(demo.operator, "query($to: String){ outbox(to:$to){ kind body } }",
                         {"to": "ben@northwind-agency.example"})["data"]["outbox"]
        check(any(m["kind"] == "access_link.declined" and "Not this quarter" in m["body"] for m in mails),
              "R54 the worker is emailed the note")
        check(not scripts, f"R51 the page's script fetched nothing (no token handed to it): {scripts}")
        await browser.close()


ISSUER = ""


async def main():
    global ISSUER
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/cam")
    ap.add_argument("--provider-modules", required=True, help="node_modules holding oidc-provider")
    args = ap.parse_args()
    os.makedirs(SHOTS, exist_ok=True)
    cam_port, provider_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as d:
        people = os.path.join(d, "people.json")
        with open(people, "w") as f:
            json.dump(PEOPLE, f)
        provider, ISSUER = start_provider(os.path.abspath(args.provider_modules), provider_port,
                                          f"http://127.0.0.1:{cam_port}/auth/callback", people)
        try:
            demo = Demo(args.binary, d, cam_port, ISSUER)
            try:
                await run(demo)
            finally:
                demo.stop()
        finally:
            provider.terminate()
            provider.wait(timeout=30)
    print(f"sign-in browser: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
