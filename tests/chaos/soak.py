#!/usr/bin/env python3
"""Chaos soak: three `cam serve` processes on one PostgreSQL database, a mixed
workload from several tenants over HTTP and WebSocket, faults injected while
it runs (kill -9 of a server every 20 s and its restart, the SMTP server
stopped and started, PostgreSQL restarted once), then the history checked
against the database and the SMTP server (see README, "Chaos soak").

    python3 tests/chaos/soak.py --binary target/release/cam [--minutes 2] [--seed N]
        [--tenants 4] [--database postgres://… --pg-restart-cmd '…'] [--keep]

Needs `websockets` and `aiosmtpd` (pip). By default it starts its own
PostgreSQL cluster (initdb into a temporary directory, on a free port) and
never touches another server. Exits 0 when every invariant held, 1 on any
break, 2 when the soak could not run.
"""
import argparse, asyncio, base64, collections, email, glob, hashlib, hmac, http.client, json, os
import random, re, secrets, shlex, shutil, signal, socket, subprocess, sys, tempfile, threading, time
import traceback
from datetime import datetime, timedelta, timezone

try:
    import websockets
    from aiosmtpd.controller import Controller
except ImportError as e:  # pragma: no cover
    print(f"soak: needs the Python packages websockets and aiosmtpd ({e}); pip install websockets aiosmtpd")
    sys.exit(2)

JWT_SECRET = "soak-secret-" + secrets.token_hex(8)
OPERATOR_TOKEN = "op-" + secrets.token_hex(16)
SLOW = 5.0  # seconds: no request may take longer, except while PostgreSQL restarts
PG_GRACE = 10.0  # seconds after PostgreSQL is back that still count as its restart window
PA_SET = {"CONTACTS_VIEW", "CONTACTS_EDIT", "COMPANIES_VIEW", "COMPANIES_EDIT", "DEALS_VIEW", "DEALS_EDIT",
          "TICKETS_VIEW", "TICKETS_EDIT", "MARKETING_ACCESS", "CONTENT_PUBLISH", "WORKFLOWS_EDIT",
          "REPORTS_ACCESS", "USERS_ADD_EDIT", "TEAMS_EDIT", "ACCOUNT_SETTINGS_EDIT",
          "PAYMENT_CONNECTION_CREATE", "PARTNER_EMPLOYEE_MANAGEMENT_VIEW", "PARTNER_EMPLOYEE_MANAGEMENT_EDIT"}
# Audit actions that only the operations below write for their (account, subject): their count in the
# database must lie between the acknowledged operations and those plus the indeterminate ones.
EXCLUSIVE = {"access_link.created", "access_link.approved", "access_link.declined", "membership.added",
             "membership.deactivated", "membership.reactivated", "membership.removed", "scim.user_created",
             "scim.user_deactivated", "scim.user_reactivated", "scim.user_deleted"}
# Audit actions written by the sweep (R36, R37, R39): each acts once per subject and day.
SWEEP_ACTIONS = ("membership.expired", "relationship.ended", "relationship.ending_warning",
                 "membership.expiring")
# Emails of the sweep that name one relationship: one per recipient and sweep moment. (An expiry warning
# names a membership's end date, and a worker removed and added again may have two memberships warned at
# one moment of the test clock: those are checked through their audit events instead.)
SWEEP_MAIL = ("relationship.ending_warning", "relationship.ended")


def now():
    return time.monotonic()


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def user_token(email_addr, ttl):
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b64url(
        json.dumps({"sub": email_addr, "exp": int(time.time()) + ttl}).encode())
    return head + "." + b64url(hmac.new(JWT_SECRET.encode(), head.encode(), hashlib.sha256).digest())


def raw_id(gid):
    """The database id inside a GraphQL global id (`Kind:123`, base64url)."""
    pad = "=" * (-len(gid) % 4)
    return int(base64.urlsafe_b64decode(gid + pad).decode().split(":", 1)[1])


def fmt_time(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Record:
    """Everything that happened, for the checks afterwards."""

    def __init__(self):
        self.lock = threading.Lock()
        self.t0 = now()
        self.ops = []  # one dict per operation
        self.requests = []  # (start, end, server, what, outcome)
        self.faults = collections.Counter()
        self.fault_log = []  # (t, kind, detail)
        self.kills = []  # (t, server index)
        self.smtp_down = []  # [start, end]
        self.pg_windows = []  # [start, end]
        self.breaks = []
        self.samples = collections.Counter()
        self.load = []  # the machine's 1-minute load average, sampled during the run
        self.started = time.time()
        self.subscribers = []
        self.stop = threading.Event()

    def t(self):
        return now() - self.t0

    def fault(self, kind, detail=""):
        with self.lock:
            self.faults[kind] += 1
            self.fault_log.append((self.t(), kind, detail))
        print(f"[{self.t():7.1f}s] fault: {kind} {detail}", flush=True)

    def broke(self, what):
        with self.lock:
            self.breaks.append(what)
        print(f"[{self.t():7.1f}s] BREAK: {what}", flush=True)

    def in_pg_window(self, a, b):
        return any(a <= w1 + PG_GRACE and b >= w0 - 1 for w0, w1 in self.pg_windows_closed())

    def pg_windows_closed(self):
        return [(w[0], w[1] if w[1] is not None else now()) for w in self.pg_windows]


# ---------------------------------------------------------------- PostgreSQL
class PrivatePg:
    """A PostgreSQL cluster of the soak's own, in a temporary directory, on a free port."""

    def __init__(self, workdir):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(re.findall(r"\d+", p)[0]))
        if not bins:
            raise RuntimeError("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
        self.bin = bins[-1]
        self.dir = os.path.join(workdir, "pg")
        self.data = os.path.join(self.dir, "data")
        os.makedirs(self.dir)
        self.as_user = []
        if os.geteuid() == 0:  # initdb refuses root: run the cluster as the postgres OS user
            shutil.chown(self.dir, "postgres", "postgres")
            os.chmod(workdir, 0o755)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()
        self.run([f"{self.bin}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
        self.pg_ctl("start")
        self.server_url = f"postgres://postgres@127.0.0.1:{self.port}"
        subprocess.run(["psql", "-X", "-q", f"{self.server_url}/postgres", "-c", "CREATE DATABASE cam_soak"],
                       check=True, capture_output=True, timeout=60)
        self.url = f"{self.server_url}/cam_soak"

    def run(self, cmd, timeout=120):
        r = subprocess.run(self.as_user + cmd, capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)}: {r.stdout[-500:]} {r.stderr[-1500:]}")

    def pg_ctl(self, *action):
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off"
        self.run([f"{self.bin}/pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w", "-t", "120",
                  "-o", opts, *action])

    def restart_cmd(self):
        return lambda: self.pg_ctl("restart", "-m", "fast")

    def close(self):
        try:
            self.pg_ctl("stop", "-m", "immediate")
        except Exception as e:  # noqa: BLE001
            print(f"soak: could not stop the private PostgreSQL: {e}")


class Db:
    def __init__(self, url):
        self.url = url

    def rows(self, sql, timeout=20):
        r = subprocess.run(["psql", "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", self.url, "-c", sql],
                           capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError(r.stderr.strip()[-300:])
        return [line.split("\t") for line in r.stdout.splitlines() if line]


# ---------------------------------------------------------------- SMTP
class Smtp:
    """aiosmtpd on a fixed port, stopped and started by the faults; keeps every message it received."""

    def __init__(self):
        self.port = free_port()
        self.lock = threading.Lock()
        self.received = []  # (t, message_id, recipients, subject)
        self.controller = None
        smtp = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                msg = email.message_from_bytes(envelope.original_content or envelope.content)
                with smtp.lock:
                    smtp.received.append((now(), (msg.get("Message-ID") or "").strip(), list(envelope.rcpt_tos),
                                          str(msg.get("Subject") or "")))
                return "250 OK queued"

        self.handler = Handler()

    def start(self):
        for _ in range(50):
            try:
                self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
                self.controller.start()
                return
            except Exception:  # noqa: BLE001 - the port may still be in TIME_WAIT for a moment
                self.controller = None
                time.sleep(0.2)
        raise RuntimeError("the SMTP server could not start again")

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


# ---------------------------------------------------------------- cam servers
class Cam:
    def __init__(self, idx, binary, database, smtp_port, workdir):
        self.idx, self.binary = idx, binary
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ)
        self.env.update({
            "CAM_DATABASE_URL": database, "CAM_LISTEN": f"127.0.0.1:{self.port}", "CAM_JWT_SECRET": JWT_SECRET,
            "CAM_OPERATOR_TOKEN": OPERATOR_TOKEN, "CAM_TEST_CLOCK": "1",
            "CAM_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}", "CAM_SMTP_FROM": "CAM soak <soak@cam.test>",
            "RUST_LOG": os.environ.get("RUST_LOG", "warn"), "CAM_LOG_FORMAT": "text",
        })
        self.log_path = os.path.join(workdir, f"cam-{idx}.log")
        self.proc = None
        self.up = False
        self.starts = 0

    def start(self):
        for attempt in range(20):
            log = open(self.log_path, "a")
            log.write(f"---- start {self.starts} (attempt {attempt})\n")
            log.flush()
            self.proc = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=subprocess.PIPE,
                                         stderr=log, text=True)
            deadline = time.time() + 90
            while time.time() < deadline:
                line = self.proc.stdout.readline()
                if not line:
                    break
                if "listening on" in line:
                    threading.Thread(target=lambda p=self.proc: [None for _ in p.stdout], daemon=True).start()
                    self.starts += 1
                    return
            self.proc.kill()
            self.proc.wait()
            time.sleep(0.5)  # the port may not be free yet, or the database is restarting
        raise RuntimeError(f"server {self.idx} did not start; see {self.log_path}")

    def kill9(self):
        self.up = False
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        self.up = False
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Lost(Exception):
    """The request was sent, its answer never came (the server died): the outcome is unknown."""


class NotSent(Exception):
    pass


class Answer:
    def __init__(self, status, body, server, t0, t1):
        self.status, self.server, self.t0, self.t1 = status, server, t0, t1
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None


class Fleet:
    def __init__(self, rec, servers):
        self.rec, self.servers = rec, servers
        self.clock_lock = threading.Lock()
        self.clock = None  # the test clock every live server was set to
        self.sweeps = 0  # rounds of setTestClock begun

    def live(self):
        return [s for s in self.servers if s.up]

    def request(self, rng, method, path, body=None, token=None, what="", server=None, headers=None,
                content_type="application/json", timeout=30):
        """One request to a live server (another one when a server refuses the connection)."""
        data = None if body is None else json.dumps(body).encode()
        for attempt in range(60):
            live = self.live()
            s = server if server is not None else (rng.choice(live) if live else None)
            if s is None or (server is None and not s.up):  # a server asked by name may be rejoining
                if server is not None:
                    raise NotSent()
                time.sleep(0.1)
                continue
            conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=timeout)
            t0 = now()
            try:
                conn.connect()
            except OSError:
                conn.close()
                if server is not None:
                    raise NotSent()
                time.sleep(0.05)
                continue
            h = {"Content-Type": content_type, "Accept": "application/json"}
            if token:
                h["Authorization"] = "Bearer " + token
            h.update(headers or {})
            try:
                conn.request(method, path, body=data, headers=h)
                r = conn.getresponse()
                payload = r.read()
                t1 = now()
                with self.rec.lock:
                    self.rec.requests.append((t0, t1, s.idx, what, r.status))
                return Answer(r.status, payload, s.idx, t0, t1)
            except (OSError, http.client.HTTPException) as e:
                t1 = now()
                with self.rec.lock:
                    self.rec.requests.append((t0, t1, s.idx, what, "lost"))
                raise Lost(f"server {s.idx}: {type(e).__name__}") from None
            finally:
                conn.close()
        raise NotSent()

    def gql(self, rng, query, variables=None, token=None, what="query", server=None):
        return self.request(rng, "POST", "/graphql", {"query": query, "variables": variables or {}}, token,
                            what, server)

    def read(self, rng, query, variables=None, token=None, what="read"):
        """A query that must answer: asked again (another server) until it does."""
        for _ in range(100):
            try:
                a = self.gql(rng, query, variables, token, what)
            except (Lost, NotSent):
                time.sleep(0.2)
                continue
            if a.status == 200 and a.json and not a.json.get("errors"):
                return a.json["data"]
            codes = error_codes(a.json)
            if a.status >= 500 or set(codes) & {"SERVICE_UNAVAILABLE", "INTERNAL"}:
                time.sleep(0.3)
                continue
            raise RuntimeError(f"{what}: HTTP {a.status} {json.dumps(a.json)[:500]}")
        raise RuntimeError(f"{what}: no server answered")

    def op(self, query, variables=None, server=None):
        data = self.read(random, query, variables, OPERATOR_TOKEN, "operator") if server is None else None
        if server is not None:
            a = self.gql(random, query, variables, OPERATOR_TOKEN, "operator", server)
            if a.status != 200 or not a.json or a.json.get("errors"):
                raise RuntimeError(f"operator: HTTP {a.status} {json.dumps(a.json)[:300]}")
            data = a.json["data"]
        p = next(iter(data.values()))
        if isinstance(p, dict) and p.get("userErrors"):
            raise RuntimeError(f"operator: {p['userErrors']}")
        return p

    def set_clock_on(self, s, when):
        self.op("mutation($i: SetTestClockInput!){ setTestClock(input:$i){ now userErrors{ code } } }",
                {"i": {"now": fmt_time(when)}}, server=s)


def error_codes(j):
    return [((e.get("extensions") or {}).get("code")) for e in ((j or {}).get("errors") or [])]


# ---------------------------------------------------------------- the workload
class Op:
    """Runs one mutation and records its outcome: ok, refused, failed or indeterminate."""

    def __init__(self, tenant, kind, keys, lower=True):
        self.d = {"tenant": tenant.idx, "kind": kind, "keys": keys, "lower": lower, "outcome": None,
                  "codes": [], "server": None, "t0": None, "t1": None}
        self.tenant = tenant

    def gql(self, query, variables, token, field):
        t = self.tenant
        rec = t.rec
        try:
            a = t.fleet.gql(t.rng, query, variables, token, self.d["kind"])
        except Lost as e:
            return self.done("indeterminate", [str(e)])
        except NotSent:
            return self.done("failed", ["NOT_SENT"])
        self.d.update(server=a.server, t0=a.t0, t1=a.t1)
        j = a.json or {}
        codes = error_codes(j)
        if a.status >= 500 or (set(codes) & {"SERVICE_UNAVAILABLE", "INTERNAL"}) or not (j.get("data") or codes):
            if rec.in_pg_window(a.t0, a.t1):
                return self.done("indeterminate", codes or [f"HTTP {a.status}"])
            return self.done("failed", codes or [f"HTTP {a.status}"])
        if codes or not j.get("data"):
            return self.done("refused", codes)
        p = j["data"][field]
        errs = [e["code"] for e in p.get("userErrors") or []]
        if errs:
            return self.done("refused", errs)
        self.done("ok", [])
        self.d["ids"] = sorted(set(re.findall(r'"id": "([^"]+)"', json.dumps(p))))
        return p

    def scim(self, method, path, body, token):
        t = self.tenant
        try:
            a = t.fleet.request(t.rng, method, "/scim/v2" + path, body, token, self.d["kind"],
                                content_type="application/scim+json")
        except Lost as e:
            return self.done("indeterminate", [str(e)])
        except NotSent:
            return self.done("failed", ["NOT_SENT"])
        self.d.update(server=a.server, t0=a.t0, t1=a.t1)
        if a.status >= 500:
            if t.rec.in_pg_window(a.t0, a.t1):
                return self.done("indeterminate", [f"HTTP {a.status}"])
            return self.done("failed", [f"HTTP {a.status}"])
        if a.status >= 400:
            return self.done("refused", [f"HTTP {a.status} {(a.json or {}).get('scimType', '')}".strip()])
        self.done("ok", [])
        self.d["ids"] = [(a.json or {}).get("id")] if (a.json or {}).get("id") else []
        return a.json if a.json is not None else {}

    def done(self, outcome, codes):
        self.d["outcome"] = outcome
        self.d["codes"] = codes
        if self.tenant.fleet.sweeps != self.tenant.sweep_mark:
            # A sweep ran between reading the state this operation was chosen from and its answer (it may
            # have expired that membership): its effect is not asserted, only bounded.
            self.d["lower"] = False
        with self.tenant.rec.lock:
            self.tenant.rec.ops.append(self.d)
        return None


Q_MEMBERS = """query($c: ID!){ clientAccount(id:$c){ members(first:100){ nodes{ id status role permissions
    expiresAt user{ email } partner{ id } } } } }"""
M_LINK = """mutation($i: CreateAccessLinkInput!){ createAccessLink(input:$i){ token accessLink{ id }
    userErrors{ code } } }"""
M_APPROVE = """mutation($i: ApproveAccessLinkInput!){ approveAccessLink(input:$i){ membership{ id }
    userErrors{ code } } }"""
M_DECLINE = """mutation($i: DeclineAccessLinkInput!){ declineAccessLink(input:$i){ userErrors{ code } } }"""
M_ADD = """mutation($i: AddWorkersToClientInput!){ addWorkersToClient(input:$i){ memberships{ id }
    userErrors{ code } } }"""
M_DEACT = """mutation($i: SetMemberStatusInput!){ deactivateMemberships(input:$i){ memberships{ id status }
    userErrors{ code } } }"""
M_REACT = """mutation($i: SetMemberStatusInput!){ reactivateMemberships(input:$i){ memberships{ id status }
    userErrors{ code } } }"""
M_REMOVE = """mutation($i: RemoveWorkerFromClientsInput!){ removeWorkerFromClients(input:$i){ removedMemberships
    userErrors{ code } } }"""
M_PERMS = """mutation($i: ChangeMemberPermissionsInput!){ changeMemberPermissions(input:$i){
    membership{ permissions } userErrors{ code } } }"""
M_EXPIRY = """mutation($i: SetMembershipExpiryInput!){ setMembershipExpiry(input:$i){ membership{ expiresAt }
    userErrors{ code } } }"""


class Tenant:
    """A partner with its workers and three clients, driven by one thread, one operation at a time
    (the R31 race sends two at once)."""

    def __init__(self, idx, fleet, rec, rng, uid, ttl):
        self.idx, self.fleet, self.rec, self.rng, self.uid, self.ttl = idx, fleet, rec, rng, uid, ttl
        self.scim_users = []  # [scim id, email, active]
        self.sweep_mark = 0
        self.seq = 0

    # -- seeding through the operator API, as the acceptance suite does
    def seed(self):
        f, u = self.fleet, f"{self.idx}-{self.uid}"
        self.domain = f"t{u}.example"

        def user(local, dom):
            e = f"{local}@{dom}"
            p = f.op("mutation($i: CreateUserInput!){ createUser(input:$i){ user{ id } userErrors{ code } } }",
                     {"i": {"email": e, "name": local.title() + f" T{self.idx}"}})
            return p["user"]["id"], e

        def member(acct, uid_, role="STANDARD", seat=None, kind=None):
            i = {"accountId": acct, "userId": uid_, "role": role}
            if seat:
                i["seat"] = seat
            if kind:
                i["workerKind"] = kind
            return f.op("""mutation($i: AddMemberInput!){ addMember(input:$i){ membership{ id } worker{ id }
                userErrors{ code } } }""", {"i": i})

        def account(kind, name, **kw):
            p = f.op("""mutation($i: CreateAccountInput!){ createAccount(input:$i){ partnerAccount{ id }
                clientAccount{ id } userErrors{ code } } }""", {"i": {"kind": kind, "name": name, **kw}})
            return (p["partnerAccount"] or p["clientAccount"])["id"]

        self.partner = account("PARTNER", f"Agency {u}", tier="SOLUTIONS_PARTNER")
        f.op("mutation($i: AddVerifiedDomainInput!){ addVerifiedDomain(input:$i){ userErrors{ code } } }",
             {"i": {"partnerAccountId": self.partner, "domain": self.domain}})
        bu, self.boss_email = user("boss", self.domain)
        self.boss_worker = member(self.partner, bu, "SUPER_ADMIN", kind="EMPLOYEE")["worker"]["id"]
        self.boss = user_token(self.boss_email, self.ttl)
        self.workers = []  # (worker id, email)
        for n in range(5):
            wu, we = user(f"w{n}", self.domain)
            self.workers.append((member(self.partner, wu, kind=rng_kind(self.rng))["worker"]["id"], we))
        cdom = f"c{u}.example"
        self.c1 = account("CLIENT", f"Stable {u}")
        ou, self.owner_email = user("owner", cdom)
        member(self.c1, ou, "SUPER_ADMIN", "CORE")
        self.owner = user_token(self.owner_email, self.ttl)
        self.c2 = account("CLIENT", f"Contested {u}")
        self.supers = []  # (email, token)
        for n in range(2):
            au, ae = user(f"admin{n}", cdom)
            member(self.c2, au, "SUPER_ADMIN", "CORE")
            self.supers.append([ae, user_token(ae, self.ttl), None])
        self.c3 = account("CLIENT", f"Ending {u}")
        o3u, self.owner3_email = user("owner3", cdom)
        member(self.c3, o3u, "SUPER_ADMIN", "CORE")
        self.owner3 = user_token(self.owner3_email, self.ttl)
        # The boss becomes partner admin of the three clients through a link each client approves (R10).
        for client, tok in ((self.c1, self.owner), (self.c2, self.supers[0][1]), (self.c3, self.owner3)):
            link = self.must(M_LINK, {"i": {"partnerAccountId": self.partner}}, self.boss, "createAccessLink")
            self.must(M_APPROVE, {"i": {"token": link["token"], "clientAccountId": client}}, tok,
                      "approveAccessLink")
        sets = self.fleet.read(self.rng, """query($p: ID!){ partnerAccount(id:$p){ permissionSets{ id builtIn } } }""",
                               {"p": self.partner}, self.boss)["partnerAccount"]["permissionSets"]
        self.pa_set = next(s["id"] for s in sets if s["builtIn"])
        self.custom_set = self.must("""mutation($i: CreatePermissionSetInput!){ createPermissionSet(input:$i){
            permissionSet{ id } userErrors{ code } } }""", {"i": {"partnerAccountId": self.partner,
                                                                   "name": "Soak reps",
                                                                   "permissions": ["CONTACTS_VIEW", "DEALS_VIEW",
                                                                                   "REPORTS_ACCESS"]}},
            self.boss, "createPermissionSet")["permissionSet"]["id"]
        self.scim1 = self.must("""mutation($i: CreateScimTokenInput!){ createScimToken(input:$i){ token
            userErrors{ code } } }""", {"i": {"clientAccountId": self.c1}}, self.owner, "createScimToken")["token"]
        self.scim2 = self.must("""mutation($i: CreateScimTokenInput!){ createScimToken(input:$i){ token
            userErrors{ code } } }""", {"i": {"clientAccountId": self.c2}}, self.supers[0][1],
            "createScimToken")["token"]
        for s in self.supers:
            s[2] = self.scim_find(self.scim2, s[0])
        self.ids = {self.partner: raw_id(self.partner), self.c1: raw_id(self.c1), self.c2: raw_id(self.c2),
                    self.c3: raw_id(self.c3)}

    def must(self, query, variables, token, field):
        data = self.fleet.read(self.rng, query, variables, token, "seed")
        p = data[field]
        if p.get("userErrors"):
            raise RuntimeError(f"seed {field}: {p['userErrors']}")
        return p

    def scim_find(self, token, email_addr):
        for _ in range(50):
            try:
                a = self.fleet.request(self.rng, "GET", "/scim/v2/Users?filter=" + urlq(f'userName eq "{email_addr}"'),
                                       None, token, "scim.read")
            except (Lost, NotSent):
                time.sleep(0.2)
                continue
            if a.status == 200:
                res = a.json.get("Resources") or []
                return res[0]["id"] if res else None
            time.sleep(0.3)
        raise RuntimeError("SCIM lookup failed")

    def key(self, action, acct, email_addr):
        return [action, raw_id(acct), email_addr.lower()]

    def members(self, client, token):
        self.sweep_mark = self.fleet.sweeps
        nodes = self.fleet.read(self.rng, Q_MEMBERS, {"c": client}, token, "members")["clientAccount"]["members"]["nodes"]
        return {n["user"]["email"].lower(): n for n in nodes}

    # -- one step of the workload
    def step(self):
        kinds = [("link_approve", 14), ("link_decline", 5), ("add_workers", 14), ("deactivate", 10),
                 ("reactivate", 8), ("remove", 8), ("permissions", 10), ("scim", 14), ("r31_race", 9),
                 ("ending", 3), ("read", 8)]
        kind = self.rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
        getattr(self, "do_" + kind)()

    def worker_states(self):
        m = self.members(self.c1, self.owner)
        return [(w, e, m.get(e.lower())) for w, e in self.workers]

    def do_read(self):
        self.fleet.read(self.rng, """query($p: ID!){ partnerAccount(id:$p){ clients(first:20){ nodes{ id status
            displayName activePartnerUserCount } } employees(first:20){ nodes{ id status } } } }""",
                        {"p": self.partner}, self.boss, "clients tab")

    def do_link_approve(self, decline=False):
        w, e = self.rng.choice(self.workers)
        link = Op(self, "createAccessLink", [self.key("access_link.created", self.partner, e)]).gql(
            M_LINK, {"i": {"partnerAccountId": self.partner, "workerId": w}}, self.boss, "createAccessLink")
        if not link:
            return
        if decline:
            Op(self, "declineAccessLink", [self.key("access_link.declined", self.c1, e)]).gql(
                M_DECLINE, {"i": {"token": link["token"], "clientAccountId": self.c1, "note": "not now"}},
                self.owner, "declineAccessLink")
        else:
            Op(self, "approveAccessLink", [self.key("access_link.approved", self.c1, e)]).gql(
                M_APPROVE, {"i": {"token": link["token"], "clientAccountId": self.c1}}, self.owner,
                "approveAccessLink")

    def do_link_decline(self):
        self.do_link_approve(decline=True)

    def do_add_workers(self):
        out = [(w, e) for w, e, m in self.worker_states() if m is None]
        if not out:
            return
        pick = self.rng.sample(out, self.rng.randint(1, min(3, len(out))))
        i = {"partnerAccountId": self.partner, "clientAccountId": self.c1, "workerIds": [w for w, _ in pick],
             "permissionSetId": self.rng.choice([self.custom_set, self.custom_set, self.pa_set])}
        if self.rng.random() < 0.4 and self.fleet.clock:
            i["expiresAt"] = fmt_time(self.fleet.clock + timedelta(days=self.rng.randint(3, 40)))
        Op(self, "addWorkersToClient", [self.key("membership.added", self.c1, e) for _, e in pick]).gql(
            M_ADD, {"i": i}, self.boss, "addWorkersToClient")

    def do_deactivate(self):
        act = [(e, m) for _, e, m in self.worker_states() if m and m["status"] == "ACTIVE"]
        if act:
            e, m = self.rng.choice(act)
            Op(self, "deactivateMemberships", [self.key("membership.deactivated", self.c1, e)]).gql(
                M_DEACT, {"i": {"membershipIds": [m["id"]]}}, self.boss, "deactivateMemberships")

    def do_reactivate(self):
        off = [(e, m) for _, e, m in self.worker_states() if m and m["status"] != "ACTIVE"]
        if off:
            e, m = self.rng.choice(off)
            Op(self, "reactivateMemberships", [self.key("membership.reactivated", self.c1, e)]).gql(
                M_REACT, {"i": {"membershipIds": [m["id"]]}}, self.boss, "reactivateMemberships")

    def do_remove(self):
        there = [(w, e) for w, e, m in self.worker_states() if m]
        if there:
            w, e = self.rng.choice(there)
            Op(self, "removeWorkerFromClients", [self.key("membership.removed", self.c1, e)]).gql(
                M_REMOVE, {"i": {"workerId": w, "clientAccountIds": [self.c1]}}, self.boss,
                "removeWorkerFromClients")

    def do_permissions(self):
        act = [(e, m) for _, e, m in self.worker_states() if m and m["status"] == "ACTIVE"]
        if not act:
            return
        e, m = self.rng.choice(act)
        held = set(m["permissions"])
        grant = sorted(PA_SET - held)
        revoke = sorted(held & PA_SET)
        i = {"membershipId": m["id"], "grant": [], "revoke": []}
        if grant and (not revoke or self.rng.random() < 0.5):
            i["grant"] = [self.rng.choice(grant)]
        elif revoke:
            i["revoke"] = [self.rng.choice(revoke)]
        else:
            return
        op = Op(self, "changeMemberPermissions", [self.key("membership.permissions_changed", self.c1, e)])
        p = op.gql(M_PERMS, {"i": i}, self.boss, "changeMemberPermissions")
        if p and set((p.get("membership") or {}).get("permissions") or []) == held:
            op.d["lower"] = False  # nothing changed (withheld, R15): no event is owed

    def do_scim(self):
        r = self.rng.random()
        if not self.scim_users or (r < 0.35 and len(self.scim_users) < 12):
            self.seq += 1
            e = f"sc{self.seq}-{self.idx}-{self.uid}@c{self.idx}-{self.uid}.example"
            doc = Op(self, "scim.create", [self.key("scim.user_created", self.c1, e)]).scim(
                "POST", "/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": e,
                                   "name": {"givenName": "Sc", "familyName": f"U{self.seq}"},
                                   "emails": [{"value": e, "type": "work", "primary": True}], "active": True},
                self.scim1)
            if doc and doc.get("id"):
                self.scim_users.append([doc["id"], e, True])
            return
        u = self.rng.choice(self.scim_users)
        sid, e, active = u
        if r < 0.55:
            Op(self, "scim.patch_name", [self.key("scim.user_updated", self.c1, e)]).scim(
                "PATCH", f"/Users/{sid}", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                           "Operations": [{"op": "replace", "path": "name.givenName",
                                                           "value": f"N{self.rng.randint(1, 10**9)}"}]},
                self.scim1)
        elif r < 0.85:
            action = "scim.user_reactivated" if not active else "scim.user_deactivated"
            doc = Op(self, "scim.patch_active", [self.key(action, self.c1, e)]).scim(
                "PATCH", f"/Users/{sid}", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                           "Operations": [{"op": "replace", "path": "active",
                                                           "value": not active}]}, self.scim1)
            if doc is not None:
                u[2] = not active
            else:
                u[2] = self.scim_active(self.scim1, sid, active)
        else:
            res = Op(self, "scim.delete", [self.key("scim.user_deleted", self.c1, e)]).scim(
                "DELETE", f"/Users/{sid}", None, self.scim1)
            if res is not None or self.scim_active(self.scim1, sid, None) is None:
                self.scim_users.remove(u)

    def scim_active(self, token, sid, default):
        """A SCIM user's `active` as stored now (None when gone)."""
        for _ in range(50):
            try:
                a = self.fleet.request(self.rng, "GET", f"/scim/v2/Users/{sid}", None, token, "scim.read")
            except (Lost, NotSent):
                time.sleep(0.2)
                continue
            if a.status == 200:
                return bool(a.json.get("active"))
            if a.status == 404:
                return None
            time.sleep(0.3)
        return default

    def do_r31_race(self):
        """R31: the two super admins of the contested client deactivated at once, through two servers."""
        for ae, _, sid in self.supers:
            if self.scim_active(self.scim2, sid, True) is False:
                Op(self, "scim.reactivate_super_admin", [self.key("scim.user_reactivated", self.c2, ae)]).scim(
                    "PATCH", f"/Users/{sid}", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                               "Operations": [{"op": "replace", "value": {"active": True}}]},
                    self.scim2)
        if any(self.scim_active(self.scim2, sid, True) is not True for _, _, sid in self.supers):
            return
        results = [None, None]

        def deactivate(n):
            ae, _, sid = self.supers[n]
            op = Op(self, "scim.race_deactivate_super_admin", [self.key("scim.user_deactivated", self.c2, ae)])
            results[n] = (op, op.scim("PATCH", f"/Users/{sid}", {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "replace", "path": "active", "value": False}]}, self.scim2))

        ts = [threading.Thread(target=deactivate, args=(n,)) for n in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        oks = [op for op, _ in results if op.d["outcome"] == "ok"]
        if len(oks) == 2:
            self.rec.broke(f"R31: both super admins of client {self.ids[self.c2]} were deactivated "
                           f"(servers {oks[0].d['server']} and {oks[1].d['server']})")

    def do_ending(self):
        """The boss's own access to the third client is time-boxed (R39): when it expires the relationship
        ends 60 days later (R27, R37); a new approval revives it."""
        m = self.members(self.c3, self.owner3).get(self.boss_email.lower())
        if m and m["status"] == "ACTIVE" and not m["expiresAt"] and self.fleet.clock:
            Op(self, "setMembershipExpiry", [self.key("membership.expiry_changed", self.c3, self.boss_email)]).gql(
                M_EXPIRY, {"i": {"membershipId": m["id"], "expiresAt": fmt_time(
                    self.fleet.clock + timedelta(days=self.rng.randint(2, 12)))}}, self.boss, "setMembershipExpiry")
        elif m is None or m["status"] != "ACTIVE":
            link = Op(self, "createAccessLink", [self.key("access_link.created", self.partner, self.boss_email)]).gql(
                M_LINK, {"i": {"partnerAccountId": self.partner}}, self.boss, "createAccessLink")
            if link:
                Op(self, "approveAccessLink", [self.key("access_link.approved", self.c3, self.boss_email)]).gql(
                    M_APPROVE, {"i": {"token": link["token"], "clientAccountId": self.c3}}, self.owner3,
                    "approveAccessLink")

    def run(self):
        while not self.rec.stop.is_set():
            try:
                self.step()
            except Exception as e:  # noqa: BLE001 - a read that no server answered: note it and go on
                print(f"[{self.rec.t():7.1f}s] tenant {self.idx}: {type(e).__name__}: {str(e)[:300]}", flush=True)
                with self.rec.lock:
                    self.rec.samples["workload errors"] += 1
                time.sleep(0.5)
            time.sleep(self.rng.uniform(0.02, 0.25))


def rng_kind(rng):
    return rng.choice(["EMPLOYEE", "EMPLOYEE", "CONTRACTOR"])


def urlq(s):
    import urllib.parse
    return urllib.parse.quote(s)


# ---------------------------------------------------------------- subscriptions
SUB_PARTNER = "subscription($a: ID!){ partnerEvents(partnerAccountId:$a){ id action at } }"
SUB_CLIENT = "subscription($a: ID!){ clientEvents(clientAccountId:$a){ id action at } }"


class Subscriber:
    def __init__(self, n, tenant, scope, account, token, server):
        self.n, self.tenant, self.scope, self.account, self.token, self.server = n, tenant, scope, account, token, server
        self.received = []  # audit ids, in order
        self.first = None  # snapshot of the account's ids taken after the first event arrived
        self.last = None  # snapshot taken before the harness closed it
        self.closed_by = None  # "harness", "kill", "code NNNN", "error CODE", "complete"
        self.t_open = self.t_close = None

    def col(self):
        return "partner_id" if self.scope == "partner" else "account_id"


class Subscriptions:
    """Keeps two subscriptions per tenant open over graphql-transport-ws, each for a random while."""

    def __init__(self, rec, fleet, db, tenants, seed):
        self.rec, self.fleet, self.db, self.tenants = rec, fleet, db, tenants
        self.rng = random.Random(seed * 7 + 1)
        self.count = 0
        self.done = threading.Event()
        self.loop = None

    def snapshot(self, sub):
        try:
            return {int(r[0]) for r in self.db.rows(
                f"SELECT id FROM audit_events WHERE {sub.col()} = {raw_id(sub.account)}", timeout=10)}
        except Exception:  # noqa: BLE001 - PostgreSQL restarting: this subscriber is not checked for gaps
            return None

    async def one(self, tenant, scope):
        while not self.rec.stop.is_set():
            live = self.fleet.live()
            if not live:
                await asyncio.sleep(0.2)
                continue
            s = self.rng.choice(live)
            self.count += 1
            acct, token = (tenant.partner, tenant.boss) if scope == "partner" else (tenant.c1, tenant.owner)
            sub = Subscriber(self.count, tenant.idx, scope, acct, token, s.idx)
            with self.rec.lock:
                self.rec.subscribers.append(sub)
            await self.watch(sub, s)
            await asyncio.sleep(0.2)

    async def watch(self, sub, s):
        life = self.rng.uniform(8, 40)
        loop = asyncio.get_running_loop()
        try:
            async with websockets.connect(f"ws://127.0.0.1:{s.port}/graphql", subprotocols=["graphql-transport-ws"],
                                          open_timeout=5, close_timeout=2, max_queue=None) as ws:
                await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": "Bearer " + sub.token}}))
                ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if ack.get("type") != "connection_ack":
                    sub.closed_by = f"no ack: {ack}"
                    return
                q = SUB_PARTNER if sub.scope == "partner" else SUB_CLIENT
                await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": q, "variables": {"a": sub.account}}}))
                sub.t_open = self.rec.t()
                end = now() + life
                while True:
                    if self.rec.stop.is_set() or now() > end:
                        # Whatever committed before this snapshot must arrive within a second or two (R43).
                        sub.last = await loop.run_in_executor(None, self.snapshot, sub)
                        t_wait = now() + 2.5
                        while now() < t_wait:
                            try:
                                msg = json.loads(await asyncio.wait_for(ws.recv(), max(0.05, t_wait - now())))
                            except asyncio.TimeoutError:
                                break
                            if not self.take(sub, msg):
                                return
                        sub.closed_by = "harness"
                        return
                    try:
                        msg = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
                    except asyncio.TimeoutError:
                        continue
                    if not self.take(sub, msg):
                        return
                    if sub.first is None and sub.received:
                        sub.first = await loop.run_in_executor(None, self.snapshot, sub)
                        if sub.first is None:
                            sub.first = "unknown"
        except websockets.ConnectionClosed as e:
            code = e.rcvd.code if e.rcvd else None
            sub.closed_by = f"code {code}" if code else "dropped"
        except (OSError, asyncio.TimeoutError, websockets.InvalidHandshake, websockets.InvalidStatus) as e:
            sub.closed_by = f"dropped ({type(e).__name__})"
        finally:
            sub.t_close = self.rec.t()

    def take(self, sub, msg):
        t = msg.get("type")
        if t == "next":
            p = msg.get("payload") or {}
            if p.get("errors"):
                sub.closed_by = "error " + ",".join(str(c) for c in error_codes(p))
                return False
            ev = ((p.get("data") or {}).get("partnerEvents") or (p.get("data") or {}).get("clientEvents"))
            sub.received.append(raw_id(ev["id"]))
            return True
        if t == "error":
            sub.closed_by = "error " + ",".join(str((e.get("extensions") or {}).get("code")) for e in msg.get("payload") or [])
            return False
        if t == "complete":
            sub.closed_by = "complete"
            return False
        if t == "ping":
            return True
        return True

    def run(self):
        async def main():
            await asyncio.gather(*[self.one(t, sc) for t in self.tenants for sc in ("partner", "client")])
        self.loop = asyncio.new_event_loop()
        try:
            self.loop.run_until_complete(main())
        finally:
            self.done.set()


# ---------------------------------------------------------------- faults, clock, sampling
def clock_thread(rec, fleet, rng, period):
    while not rec.stop.wait(rng.uniform(period * 0.7, period * 1.3)):
        with fleet.clock_lock:
            fleet.sweeps += 1
            fleet.clock = fleet.clock + timedelta(days=rng.randint(2, 9), hours=rng.randint(0, 23))
            for s in fleet.live():
                t0 = now()
                try:
                    fleet.set_clock_on(s, fleet.clock)
                    outcome = "ok"
                except (Lost, NotSent):
                    outcome = "indeterminate"
                except Exception as e:  # noqa: BLE001
                    outcome = "failed"
                    print(f"[{rec.t():7.1f}s] setTestClock on server {s.idx}: {str(e)[:200]}", flush=True)
                with rec.lock:
                    rec.ops.append({"tenant": None, "kind": "setTestClock", "keys": [], "lower": False,
                                    "outcome": outcome, "codes": [], "server": s.idx, "t0": t0, "t1": now()})


def restart_server(rec, fleet, s):
    s.start()
    with fleet.clock_lock:  # the test clock is each process's own: the restarted one is set before it serves
        for attempt in range(100):
            try:
                fleet.set_clock_on(s, fleet.clock)
                break
            except Exception as e:  # noqa: BLE001 - the database may be restarting
                if attempt == 99:
                    rec.broke(f"the test clock of server {s.idx} could not be set after its restart: {e}")
                time.sleep(0.3)
        s.up = True


def kill_thread(rec, fleet, rng, every):
    due = now() + every
    while not rec.stop.wait(max(0.0, due - now())):
        due += every
        live = fleet.live()
        if len(live) < 2:
            continue
        s = rng.choice(live)
        s.kill9()
        with rec.lock:
            rec.kills.append((now(), s.idx))
        rec.fault("kill -9", f"server {s.idx}")
        time.sleep(rng.uniform(0.5, 3))
        try:
            restart_server(rec, fleet, s)
            rec.fault("restart", f"server {s.idx}")
        except Exception as e:  # noqa: BLE001
            rec.broke(f"server {s.idx} did not start again: {e}")


def smtp_thread(rec, smtp, rng, span):
    while not rec.stop.wait(rng.uniform(span * 0.6, span * 1.2)):
        t0 = now()
        smtp.stop()
        rec.fault("smtp stop")
        rec.stop.wait(rng.uniform(4, 15))
        smtp.start()
        with rec.lock:
            rec.smtp_down.append((t0, now()))
        rec.fault("smtp start")


def pg_thread(rec, at, restart):
    if rec.stop.wait(at):
        return
    w = [now(), None]
    with rec.lock:
        rec.pg_windows.append(w)
    print(f"[{rec.t():7.1f}s] fault: postgres restart begins", flush=True)
    try:
        restart()
    except Exception as e:  # noqa: BLE001
        rec.broke(f"PostgreSQL restart failed: {e}")
    w[1] = now()
    rec.fault("postgres restart", f"done in {w[1] - w[0]:.1f}s")


def sampler_thread(rec, db):
    """R31 at every moment: no client account without an active super admin, sampled twice a second."""
    while not rec.stop.wait(0.5):
        with rec.lock:
            rec.load.append(os.getloadavg()[0])
        try:
            bad = db.rows("""SELECT a.id FROM accounts a WHERE a.kind = 'CLIENT' AND NOT EXISTS (
                SELECT 1 FROM memberships m WHERE m.account_id = a.id AND m.role = 'SUPER_ADMIN'
                AND m.status = 'ACTIVE')""", timeout=10)
            with rec.lock:
                rec.samples["R31 samples"] += 1
            if bad:
                rec.broke(f"R31: client accounts without an active super admin: {[b[0] for b in bad]}")
        except Exception:  # noqa: BLE001
            with rec.lock:
                rec.samples["R31 samples skipped (database down)"] += 1


# ---------------------------------------------------------------- the checks
class Checks:
    def __init__(self, rec, db, smtp, seed_max):
        self.rec, self.db, self.smtp, self.seed_max = rec, db, smtp, seed_max
        self.results = []  # (name, checked, passed, note)

    def add(self, name, checked, failures, note=""):
        self.results.append((name, checked, not failures, note))
        for f in failures[:20]:
            self.rec.broke(f"{name}: {f}")
        if len(failures) > 20:
            self.rec.broke(f"{name}: … and {len(failures) - 20} more")

    def r31_history(self):
        """Replays each client's audit log: the active super admins never drop to none."""
        rows = self.db.rows("""SELECT e.account_id, e.id, e.action, e.subject_id, m.role FROM audit_events e
            JOIN accounts a ON a.id = e.account_id AND a.kind = 'CLIENT'
            LEFT JOIN memberships m ON m.account_id = e.account_id AND m.user_id = e.subject_id
            WHERE e.action IN ('scim.user_deactivated', 'scim.user_reactivated', 'membership.deactivated',
                               'membership.reactivated') ORDER BY e.account_id, e.id""")
        supers = collections.defaultdict(set)
        for acct, uid in self.db.rows("""SELECT account_id, user_id FROM memberships WHERE role = 'SUPER_ADMIN'"""):
            supers[acct].add(uid)
        active = {a: set(s) for a, s in supers.items()}  # every super admin is active when seeded
        fails = []
        for acct, eid, action, subj, role in rows:
            if subj not in supers.get(acct, ()):
                continue
            if action.endswith("deactivated"):
                active[acct].discard(subj)
                if not active[acct]:
                    fails.append(f"client {acct}: no active super admin after audit event {eid}")
            else:
                active[acct].add(subj)
        self.add("R31: a super admin at every moment (audit replay)", len(rows), fails)
        with self.rec.lock:
            s = self.rec.samples["R31 samples"]
        self.add("R31: a super admin at every moment (sampled)", s,
                 [b for b in self.rec.breaks if b.startswith("R31: client accounts")])

    def mutations(self):
        rows = self.db.rows(f"""SELECT e.action, e.account_id, lower(coalesce(u.email, '')), count(*)
            FROM audit_events e LEFT JOIN users u ON u.id = e.subject_id WHERE e.id > {self.seed_max}
            GROUP BY 1, 2, 3""")
        db = {(a, int(acct or 0), em): int(n) for a, acct, em, n in rows}
        acked, ok, maybe = collections.Counter(), collections.Counter(), collections.Counter()
        keyed = set()
        for op in self.rec.ops:
            for k in op["keys"]:
                k = tuple(k)
                keyed.add(k)
                if op["outcome"] == "ok":
                    ok[k] += 1
                    if op["lower"]:
                        acked[k] += 1
                elif op["outcome"] == "indeterminate":
                    maybe[k] += 1
        lower, upper = [], []
        for k in keyed:
            if db.get(k, 0) < acked[k]:
                lower.append(f"{acked[k]} acknowledged {k[0]} for user {k[2]} in account {k[1]}, "
                             f"{db.get(k, 0)} audited")
            if k[0] in EXCLUSIVE and db.get(k, 0) > ok[k] + maybe[k]:
                upper.append(f"{db.get(k, 0)} {k[0]} audited for user {k[2]} in account {k[1]}, "
                             f"but {ok[k]} acknowledged and {maybe[k]} indeterminate")
        self.add("acknowledged mutations are in the database with their audit event", sum(acked.values()), lower)
        self.add("refused and failed mutations changed nothing", len([k for k in keyed if k[0] in EXCLUSIVE]), upper)

    def sweeps(self):
        acts = ",".join(f"'{a}'" for a in SWEEP_ACTIONS)
        dup = self.db.rows(f"""SELECT action, account_id, coalesce(partner_id, 0), coalesce(subject_id, 0),
            date_trunc('day', at), count(*) FROM audit_events WHERE action IN ({acts})
            GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1""")
        total = self.db.rows(f"SELECT count(*) FROM audit_events WHERE action IN ({acts})")[0][0]
        kinds = ",".join(f"'{k}'" for k in SWEEP_MAIL)
        dup_mail = self.db.rows(f"""SELECT kind, to_key, subject, created_at, count(*)
            FROM email_outbox WHERE kind IN ({kinds}) GROUP BY 1, 2, 3, 4 HAVING count(*) > 1""")
        self.add("every sweep acted once (no duplicate sweep event or email for one day)", int(total),
                 [f"{r[0]} ×{r[-1]} in account {r[1]} for user {r[3]} on {r[4]}" for r in dup] +
                 [f"{r[0]} email ×{r[-1]} to {r[1]} on {r[3]}" for r in dup_mail],
                 f"{total} sweep events")

    def mail(self, deadline):
        while True:
            try:
                left = int(self.db.rows("SELECT count(*) FROM email_outbox WHERE status = 'QUEUED'")[0][0])
            except Exception:  # noqa: BLE001
                left = -1
            if left == 0 or now() > deadline:
                break
            time.sleep(1)
        time.sleep(1)
        rows = self.db.rows("SELECT id, status, lower(to_email) FROM email_outbox")
        with self.smtp.lock:
            got = list(self.smtp.received)
        by_mid = collections.defaultdict(list)
        for t, mid, rcpts, subj in got:
            by_mid[mid].append(t)
        fails, redelivered, explained = [], 0, 0
        ids = set()
        for oid, status, to in rows:
            mid = None
            ids.add(oid)
            matches = [m for m in by_mid if m.startswith(f"<cam-outbox-{oid}@")]
            if status != "SENT":
                fails.append(f"outbox email {oid} is {status} after the drain")
            if not matches:
                fails.append(f"outbox email {oid} ({status}) never reached the SMTP server")
                continue
            mid = matches[0]
            times = sorted(by_mid[mid])
            if len(times) > 1:
                redelivered += len(times) - 1
                for later in times[1:]:
                    # At-least-once (R42): a repeat carries the same Message-ID, and only follows a fault that
                    # can lose the acknowledgement: a killed server (its claim runs out, 45 s) or the SMTP
                    # server stopping mid-transaction.
                    killed = any(later - 60 <= k <= later for k, _ in self.rec.kills)
                    smtp = any(a - 1 <= later <= b + 60 for a, b in self.rec.smtp_down) or any(
                        a - 1 <= t <= a + 1 for a, _ in self.rec.smtp_down for t in times)
                    if killed or smtp:
                        explained += 1
                    else:
                        fails.append(f"{mid} delivered {len(times)} times with no fault to explain it")
        strays = [m for m in by_mid if not re.match(r"<cam-outbox-(\d+)@", m)
                  or re.match(r"<cam-outbox-(\d+)@", m).group(1) not in ids]
        fails += [f"the SMTP server received {m!r}, which is no outbox email" for m in strays]
        self.add("every queued email delivered at least once, repeats only with its Message-ID after a fault",
                 len(rows), fails, f"{len(got)} received, {redelivered} repeats after a kill or SMTP stop")
        return len(rows), len(got), redelivered

    def subscriptions(self):
        subs = list(self.rec.subscribers)
        fails, complete, orders = [], 0, 0
        kills = list(self.rec.kills)
        seqs = collections.defaultdict(list)
        for sub in subs:
            if len(sub.received) != len(set(sub.received)):
                fails.append(f"subscriber {sub.n} received an event twice")
            seqs[(sub.scope, sub.account)].append(sub)
            why = sub.closed_by or "unknown"
            if why in ("dropped",) or why.startswith("dropped") or why == "unknown":
                t_abs = self.rec.t0 + (sub.t_close or 0)
                if not any(k - 1 <= t_abs <= k + 10 and idx == sub.server for k, idx in kills) and not self.rec.in_pg_window(
                        t_abs - 1, t_abs):
                    fails.append(f"subscriber {sub.n} (server {sub.server}) was dropped without a close code "
                                 f"at {sub.t_close:.1f}s, and its server was not killed then")
            if why == "harness" and isinstance(sub.first, set) and isinstance(sub.last, set):
                want = sub.last - sub.first
                missing = sorted(want - set(sub.received))
                complete += 1
                if missing:
                    fails.append(f"subscriber {sub.n} ({sub.scope} {raw_id(sub.account)}, server {sub.server}, "
                                 f"{sub.t_open:.1f}s–{sub.t_close:.1f}s) missed committed events {missing[:10]}")
        # Commit order: two subscribers of one account never see two events in opposite orders.
        for key, group in seqs.items():
            for i, a in enumerate(group):
                pos_a = {e: n for n, e in enumerate(a.received)}
                for b in group[i + 1:]:
                    common = [e for e in b.received if e in pos_a]
                    orders += 1
                    if any(pos_a[x] > pos_a[y] for x, y in zip(common, common[1:])):
                        fails.append(f"subscribers {a.n} and {b.n} of {key[0]} {raw_id(key[1])} saw events in "
                                     f"different orders")
        closed = collections.Counter((s.closed_by or "unknown").split(" (")[0] for s in subs)
        self.add("subscribers received every event of their accounts in commit order, or were closed with a reason",
                 len(subs), fails, f"{complete} checked for completeness, {orders} pairs for order; closed: "
                                   + ", ".join(f"{k} {v}" for k, v in sorted(closed.items())))

    def latency(self):
        slow = [(t0, t1, s, w) for t0, t1, s, w, o in self.rec.requests
                if t1 - t0 > SLOW and not self.rec.in_pg_window(t0, t1)]
        n = len(self.rec.requests)
        self.add(f"no request over {SLOW:.0f} s outside the PostgreSQL restart", n,
                 [f"{w} on server {s} took {t1 - t0:.1f}s at {t0 - self.rec.t0:.1f}s" for t0, t1, s, w in slow])


# ---------------------------------------------------------------- main
def table(rows, head):
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--minutes", type=float, default=2)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--tenants", type=int, default=4)
    ap.add_argument("--database", help="postgres://… of an empty database (default: a private cluster)")
    ap.add_argument("--pg-restart-cmd", help="shell command that restarts that database's server")
    ap.add_argument("--kill-every", type=float, default=20)
    ap.add_argument("--keep", action="store_true", help="keep the work directory (logs, the cluster)")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.SystemRandom().randrange(1, 2**31)
    print(f"soak: seed {seed} (replay: --seed {seed}), {a.minutes} minutes, {a.tenants} tenants", flush=True)
    if a.database and not a.pg_restart_cmd:
        print("soak: --database needs --pg-restart-cmd (the soak restarts PostgreSQL once)")
        return 2
    rng = random.Random(seed)
    uid = f"{seed:x}"
    workdir = tempfile.mkdtemp(prefix="cam-soak-")
    rec = Record()
    pg = servers = smtp = None
    try:
        if a.database:
            url = a.database
            restart = lambda: subprocess.run(a.pg_restart_cmd, shell=True, check=True, timeout=180)
        else:
            pg = PrivatePg(workdir)
            url, restart = pg.url, pg.restart_cmd()
            print(f"soak: private PostgreSQL on port {pg.port} in {pg.data}", flush=True)
        db = Db(url)
        smtp = Smtp()
        smtp.start()
        binary = os.path.abspath(a.binary)
        servers = [Cam(i, binary, url, smtp.port, workdir) for i in range(3)]
        for s in servers:  # one at a time: the first one migrates
            s.start()
            s.up = True
        fleet = Fleet(rec, servers)
        ttl = int(a.minutes * 60) + 3600
        fleet.clock = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1)
        for s in servers:
            fleet.set_clock_on(s, fleet.clock)
        tenants = [Tenant(i, fleet, rec, random.Random(seed * 1000 + i), uid, ttl) for i in range(a.tenants)]
        for t in tenants:
            t.seed()
        seed_max = int(db.rows("SELECT coalesce(max(id), 0) FROM audit_events")[0][0])
        print(f"soak: seeded {a.tenants} tenants through the API (audit events up to {seed_max}); "
              f"servers on ports {[s.port for s in servers]}, SMTP on {smtp.port}", flush=True)
        rec.t0 = now()
        duration = a.minutes * 60
        subs = Subscriptions(rec, fleet, db, tenants, seed)
        threads = [threading.Thread(target=t.run, name=f"tenant-{t.idx}", daemon=True) for t in tenants]
        threads += [threading.Thread(target=subs.run, name="subscriptions"),
                    threading.Thread(target=clock_thread, args=(rec, fleet, random.Random(seed + 1), 12)),
                    threading.Thread(target=kill_thread, args=(rec, fleet, random.Random(seed + 2), a.kill_every)),
                    threading.Thread(target=smtp_thread, args=(rec, smtp, random.Random(seed + 3), 35)),
                    threading.Thread(target=pg_thread, args=(rec, duration * random.Random(seed + 4).uniform(0.35, 0.6),
                                                             restart)),
                    threading.Thread(target=sampler_thread, args=(rec, db))]
        for t in threads:
            t.daemon = True  # an interrupted soak exits at once (its servers and cluster are stopped below)
            t.start()
        next_note = 30
        while rec.t() < duration:
            time.sleep(1)
            if rec.t() >= next_note:
                with rec.lock:
                    c = collections.Counter(o["outcome"] for o in rec.ops)
                print(f"[{rec.t():7.1f}s] ops so far: {dict(c)}; breaks: {len(rec.breaks)}", flush=True)
                next_note += 30
        rec.stop.set()
        for t in threads:
            t.join(timeout=120)
        # Quiet now: every server up, the SMTP server up, the outbox drains (claims run out after 45 s).
        if smtp.controller is None:
            smtp.start()
        for s in servers:
            if not s.up:
                restart_server(rec, fleet, s)
        with open(os.path.join(workdir, "history.json"), "w") as h:
            json.dump({"seed": seed, "ops": rec.ops, "faults": rec.fault_log,
                       "subscribers": [{k: (sorted(v) if isinstance(v, set) else v) for k, v in vars(x).items()}
                                       for x in rec.subscribers]}, h, default=str)
        checks = Checks(rec, db, smtp, seed_max)
        checks.r31_history()
        checks.mutations()
        checks.sweeps()
        mail_rows, mail_got, mail_rep = checks.mail(now() + 150)
        checks.subscriptions()
        checks.latency()
        for s in servers:
            s.stop()
            if s.proc and s.proc.returncode not in (0, None):
                rec.broke(f"server {s.idx} exited with {s.proc.returncode} on SIGTERM")
        # ---- the summary
        print()
        load = rec.load or [os.getloadavg()[0]]
        print(f"Chaos soak: seed {seed}, {a.minutes} minutes, 3 servers, {a.tenants} tenants, "
              f"{len(rec.requests)} requests, {time.time() - rec.started:.0f} s in all; load average "
              f"(1 min) during the run {min(load):.1f}–{max(load):.1f}, mean {sum(load) / len(load):.1f}, "
              f"on {os.cpu_count()} CPUs")
        print()
        counts = collections.defaultdict(collections.Counter)
        for o in rec.ops:
            counts[o["kind"]][o["outcome"]] += 1
        outcomes = ["ok", "refused", "failed", "indeterminate"]
        table([[k] + [counts[k][x] for x in outcomes] + [sum(counts[k].values())] for k in sorted(counts)]
              + [["total"] + [sum(c[x] for c in counts.values()) for x in outcomes] + [len(rec.ops)]],
              ["operation", *outcomes, "total"])
        print()
        table([[k, v] for k, v in sorted(rec.faults.items())] + [["subscriptions opened", len(rec.subscribers)],
                                                                   ["emails queued / received", f"{mail_rows} / {mail_got}"]],
              ["fault injected", "count"])
        print()
        table([[n, c, "pass" if ok else "FAIL", note] for n, c, ok, note in checks.results],
              ["invariant", "checked", "result", "note"])
        refused = collections.Counter(c for o in rec.ops if o["outcome"] in ("refused", "failed") for c in o["codes"])
        if refused:
            print("\nrefusals and failures by code: " + ", ".join(f"{k} {v}" for k, v in refused.most_common(15)))
        print()
        if rec.breaks:
            print(f"FAILED: {len(rec.breaks)} break(s); replay with --seed {seed}")
            for b in rec.breaks[:40]:
                print("  - " + b)
            print(f"logs: {workdir}")
            a.keep = True
            return 1
        print(f"PASSED: every invariant held (seed {seed})")
        return 0
    except Exception as e:  # noqa: BLE001
        traceback.print_exc()
        print(f"soak: could not run: {e} (seed {seed}; logs in {workdir})")
        a.keep = True
        return 2
    finally:
        rec.stop.set()
        for s in servers or []:
            s.kill9()
        if smtp:
            smtp.stop()
        if pg:
            pg.close()
        if not a.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
