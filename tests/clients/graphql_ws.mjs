// Live events (R43) with the `graphql-ws` client library, what Apollo Client
// and urql use for subscriptions, against `cam serve --demo` on a fresh
// SQLite database. It needs `graphql-ws`, `ws` and `graphql` from npm
// (.ci/run installs them into a scratch directory named by NODE_PATH):
//
//   node tests/clients/graphql_ws.mjs target/release/cam
//
// It checks what a frontend sees: a signed-in subscription gets the event of
// a mutation made over HTTP within a second; a query runs over the socket;
// an account the caller cannot see ends the subscription with NOT_FOUND; a
// bad token closes the socket with 4403 and the client says so.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const require = createRequire(join(process.env.NODE_PATH || ".", "noop.js"));
const { createClient } = require("graphql-ws");
const WebSocket = require("ws");

const binary = process.argv[2] || "target/release/cam";
let passed = 0;
let failed = 0;
function check(cond, what) {
  if (cond) { passed++; console.log(`ok    ${what}`); } else { failed++; console.log(`FAIL  ${what}`); }
}

function startDemo() {
  const dir = mkdtempSync(join(tmpdir(), "cam-graphql-ws-"));
  const env = { ...process.env, CAM_DATABASE_URL: `sqlite://${dir}/demo.db?mode=rwc`, CAM_LISTEN: "127.0.0.1:0", RUST_LOG: "warn" };
  delete env.CAM_JWT_SECRET;
  const proc = spawn(binary, ["serve", "--demo"], { env, stdio: ["ignore", "pipe", "ignore"] });
  const tokens = {};
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout });
    lines.on("line", (line) => {
      const m = line.match(/^\s+(.+?)\s+(\S+@\S+)\s+(\S+)$/);
      if (m) tokens[m[2].split("@")[0]] = m[3];
      const l = line.match(/listening on (\S+)/);
      if (l) resolve({ proc, dir, tokens, url: l[1] });
    });
    proc.on("exit", (code) => reject(new Error(`the demo server exited (${code})`)));
  });
}

async function gql(demo, token, query, variables = {}) {
  const r = await fetch(`${demo.url}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return r.json();
}

function client(demo, token, closed) {
  return createClient({
    url: demo.url.replace("http://", "ws://") + "/graphql",
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    // A refused connection is checked through `closed`, not printed.
    onNonLazyError: () => {},
    on: { closed: (e) => closed && closed(e) },
  });
}

/** The first thing a subscription says: { next } or { error } or { complete }. */
function first(c, payload, ms = 5000) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ timeout: true }), ms);
    let stop = () => {};
    const done = (v) => { clearTimeout(timer); stop(); resolve(v); };
    stop = c.subscribe(payload, {
      next: (value) => done({ next: value }),
      error: (error) => done({ error }),
      complete: () => done({ complete: true }),
    });
  });
}

async function waitForSubscriptions(demo, n) {
  for (let i = 0; i < 250; i++) {
    const text = await (await fetch(`${demo.url}/metrics`)).text();
    if (text.includes(`cam_live_subscriptions ${n}`)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

async function run(demo) {
  const ben = demo.tokens.ben;
  const viewer = await gql(demo, ben, "{ viewer { partnerAccounts { id } } }");
  const partner = viewer.data.viewer.partnerAccounts[0].id;

  // A signed-in partner admin hears the partner's events as they commit.
  const c = client(demo, ben);
  const query = await first(c, { query: "{ viewer { user { email } } }" });
  check(query.next && query.next.data.viewer.user.email.startsWith("ben@"), `a query runs over the socket: ${JSON.stringify(query)}`);
  const event = new Promise((resolve) => {
    c.subscribe(
      { query: "subscription($p: ID!) { partnerEvents(partnerAccountId: $p) { action accountId } }", variables: { p: partner } },
      { next: (v) => resolve(v), error: (e) => resolve({ error: e }), complete: () => {} },
    );
  });
  check(await waitForSubscriptions(demo, 1), "R43 the subscription is registered");
  const sent = Date.now();
  const made = await gql(demo, ben, "mutation($p: ID!){ createAccessLink(input:{ partnerAccountId: $p }){ userErrors { code } } }", { p: partner });
  check(made.data.createAccessLink.userErrors.length === 0, "Ben makes a new access link over HTTP");
  const got = await Promise.race([event, new Promise((r) => setTimeout(() => r({ timeout: true }), 1000))]);
  check(got.data && got.data.partnerEvents.action === "access_link.created" && got.data.partnerEvents.accountId === partner,
    `R43 the event arrives within a second (${Date.now() - sent} ms): ${JSON.stringify(got)}`);

  // An account the caller cannot see: the subscription ends with NOT_FOUND.
  const clients = await gql(demo, demo.tokens.olivia, "{ viewer { clientAccounts { id } } }");
  const hidden = await first(c, {
    query: "subscription($c: ID!) { clientEvents(clientAccountId: $c) { id } }",
    variables: { c: clients.data.viewer.clientAccounts[0].id },
  });
  const codes = Array.isArray(hidden.error) ? hidden.error.map((e) => e.extensions && e.extensions.code) : [];
  check(codes.includes("NOT_FOUND"), `R33 a client account Ben cannot see ends with NOT_FOUND: ${JSON.stringify(hidden)}`);
  await c.dispose();

  // A bad token: the server closes with 4403 and the client reports it.
  let closedWith = null;
  const bad = client(demo, "not-a-token", (e) => { closedWith = e.code; });
  const refused = await first(bad, { query: "{ viewer { user { email } } }" });
  check(closedWith === 4403, `a bad token closes the socket with 4403 (closed with ${closedWith}, ${JSON.stringify(refused.error && refused.error.code)})`);
  await bad.dispose();
}

const demo = await startDemo();
try {
  await run(demo);
} catch (e) {
  failed++;
  console.log(`FAIL  ${e.stack || e}`);
} finally {
  demo.proc.kill("SIGTERM");
  rmSync(demo.dir, { recursive: true, force: true });
}
console.log(`graphql-ws: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
