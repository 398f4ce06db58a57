#!/usr/bin/env python3
"""SCIM conformance (R44), checked from outside with scim2-tester.

Starts `cam serve` (the release binary) on a fresh SQLite database, makes a
client account with a super admin through the operator API, creates a SCIM
token with `createScimToken`, and runs scim2-tester's checks of the `User`
resource against `/scim/v2`. Every check must pass or be skipped (a feature
the ServiceProviderConfig says is not offered); an ERROR or CRITICAL fails.

    python3 .ci/scim_conformance.py --binary target/release/cam [--database postgres://…]
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

OPERATOR = "scim-conformance-operator-token"
SECRET = "scim-conformance-jwt-secret-0123456789abcdef"


def gql(url, token, query, variables=None):
    req = urllib.request.Request(
        url + "/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        body = json.load(r)
    if body.get("errors"):
        raise SystemExit(f"GraphQL errors: {body['errors']}")
    return body["data"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/cam")
    ap.add_argument("--database", help="default: a fresh SQLite file")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="cam-scim-")
    env = dict(os.environ)
    env.update({
        "CAM_DATABASE_URL": args.database or f"sqlite://{tmp}/cam.db?mode=rwc",
        "CAM_LISTEN": "127.0.0.1:0",
        "CAM_JWT_SECRET": SECRET,
        "CAM_OPERATOR_TOKEN": OPERATOR,
        "RUST_LOG": env.get("RUST_LOG", "warn"),
    })
    log = open(os.path.join(tmp, "server.log"), "w+")
    proc = subprocess.Popen([args.binary, "serve"], env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    url = None
    deadline = time.time() + 120
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(r"listening on (http://\S+)", line)
        if m:
            url = m.group(1).rstrip("/")
            break
    if not url:
        proc.kill()
        log.seek(0)
        raise SystemExit("the server did not start:\n" + log.read()[-3000:])
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    try:
        return run(url, args.binary, env)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def run(url, binary, env):
    from httpx2 import Client
    from scim2_client.engines.httpx2 import SyncSCIMClient
    from scim2_tester import Status, check_server

    client = gql(url, OPERATOR, 'mutation { createAccount(input: {kind: CLIENT, name: "Conformance"}) '
                                '{ clientAccount { id } userErrors { code message } } }')
    client_id = client["createAccount"]["clientAccount"]["id"]
    email = "owner@conformance.example"
    user = gql(url, OPERATOR, 'mutation($e: String!) { createUser(input: {email: $e, name: "Owner"}) '
                              '{ user { id } userErrors { code } } }', {"e": email})
    user_id = user["createUser"]["user"]["id"]
    gql(url, OPERATOR, "mutation($a: ID!, $u: ID!) { addMember(input: {accountId: $a, userId: $u, "
                       "role: SUPER_ADMIN, seat: CORE}) { userErrors { code message } } }",
        {"a": client_id, "u": user_id})
    jwt = subprocess.run([binary, "token", email], env=env, capture_output=True, text=True, check=True).stdout.strip()
    created = gql(url, jwt, "mutation($c: ID!) { createScimToken(input: {clientAccountId: $c}) "
                            "{ token userErrors { code message } } }", {"c": client_id})
    token = created["createScimToken"]["token"]
    if not token:
        raise SystemExit(f"no SCIM token: {created}")

    http = Client(base_url=f"{url}/scim/v2/", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    scim = SyncSCIMClient(http)
    results = check_server(scim, resource_types=["User"])
    failed = [r for r in results if r.status in (Status.ERROR, Status.CRITICAL)]
    counts = {}
    for r in results:
        counts[r.status.name] = counts.get(r.status.name, 0) + 1
        if r.status in (Status.ERROR, Status.CRITICAL):
            print(f"{r.status.name}: {r.title} [{r.resource_type or ''}] {r.reason}")
            if r.data is not None:
                print(f"    {str(r.data)[:600]}")
    print("scim2-tester: " + ", ".join(f"{n} {k.lower()}" for k, n in sorted(counts.items())))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
