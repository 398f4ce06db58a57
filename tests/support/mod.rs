//! Shared helpers of the integration tests: a fresh database per test
//! (SQLite file by default, PostgreSQL when `CAM_TEST_DATABASE_URL` is a
//! postgres:// server URL), the app wired as in production but with a test
//! clock, GraphQL execution as a given principal, and fixture builders.

pub mod dns_server;
pub mod oidc_issuer;
pub mod smtp;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use cam_adapters::clock::TestClock;
use cam_adapters::storage::SeaOrmStore;
use cam_api::graphql::loaders::loaders;
use cam_api::graphql::RequestId;
use cam_api::wiring::{build, App, Settings};
use cam_domain::user::model::Email;
use cam_domain::user::ports::UserRepository;
use cam_domain::{Clock, Principal};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};

pub const JWT_SECRET: &str = "integration-test-secret";
pub const OPERATOR_TOKEN: &str = "integration-operator-token";

/// The instant every test clock starts at.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).single().unwrap()
}

/// A database of one test's own.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub async fn new() -> Self {
        match std::env::var("CAM_TEST_DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) {
            Some(server) => {
                let server = server.trim_end_matches('/').to_string();
                let name = format!("cam_test_{}", uuid::Uuid::new_v4().simple());
                let admin = sea_orm::Database::connect(format!("{server}/postgres")).await.expect("reach PostgreSQL");
                use sea_orm::ConnectionTrait;
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
                admin.close().await.ok();
                Self { url: format!("{server}/{name}"), _dir: None, pg: Some((server, name)) }
            }
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}/cam.db?mode=rwc", dir.path().display());
                Self { url, _dir: Some(dir), pg: None }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((server, name)) = self.pg.take() {
            // Drop on a thread of its own: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                rt.block_on(async {
                    use sea_orm::ConnectionTrait;
                    if let Ok(admin) = sea_orm::Database::connect(format!("{server}/postgres")).await {
                        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                    }
                });
                Ok::<_, std::io::Error>(())
            })
            .join();
        }
    }
}

/// Who calls.
#[derive(Clone, Debug)]
pub enum As {
    Anonymous,
    Operator,
    User(String),
}

pub fn user(email: &str) -> As {
    As::User(email.to_string())
}

pub struct TestApp {
    pub app: App,
    pub clock: Arc<TestClock>,
    pub statements: Arc<AtomicUsize>,
    /// The most values any one statement bound since the last
    /// `take_largest_bind`.
    pub largest_bind: Arc<AtomicUsize>,
    /// The texts of the statements sent since the last `take_texts`.
    pub texts: Arc<std::sync::Mutex<Vec<String>>>,
    pub db: TestDb,
}

/// The settings of the tests' app: the test clock, the tests' JWT secret
/// and operator token, the public URL `https://cam.test`.
pub fn test_settings() -> Settings {
    Settings {
        jwt_secret: Some(JWT_SECRET.into()),
        operator_token: Some(OPERATOR_TOKEN.into()),
        public_url: "https://cam.test".into(),
        link_ttl_days: 30,
        test_clock: true,
        app_url: None,
        oidc_issuers: Vec::new(),
        dns_resolver: None,
        introspection: true,
        sign_in: None,
    }
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_settings(|_| {}).await
    }

    pub async fn with_settings(tweak: impl FnOnce(&mut Settings)) -> Self {
        let db = TestDb::new().await;
        let store = SeaOrmStore::connect(&db.url).await.expect("connect");
        Self::on(db, store, tweak).await
    }

    /// The app on a database the test made, for tests that also start
    /// `cam serve` processes on it (fixtures in-process, the act through
    /// the servers).
    pub async fn on_database(db: TestDb) -> Self {
        let store = SeaOrmStore::connect(&db.url).await.expect("connect");
        Self::on(db, store, |_| {}).await
    }

    /// The app on a pool of `max` connections that gives up waiting for one
    /// after `acquire_timeout` (SQLite configured as `connect` does), to
    /// prove that no use case needs two connections at once.
    pub async fn with_pool(max: u32, acquire_timeout: std::time::Duration) -> Self {
        let db = TestDb::new().await;
        let mut opts = sea_orm::ConnectOptions::new(db.url.clone());
        opts.sqlx_logging(false).max_connections(max).acquire_timeout(acquire_timeout);
        if !db.is_postgres() {
            opts.map_sqlx_sqlite_opts(|o| {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .busy_timeout(std::time::Duration::from_secs(30))
                    .foreign_keys(true)
            });
        }
        let conn = sea_orm::Database::connect(opts).await.expect("connect");
        Self::on(db, SeaOrmStore::from_connection(conn), |_| {}).await
    }

    async fn on(db: TestDb, mut store: SeaOrmStore, tweak: impl FnOnce(&mut Settings)) -> Self {
        store.migrate().await.expect("migrate");
        let statements = Arc::new(AtomicUsize::new(0));
        let largest_bind = Arc::new(AtomicUsize::new(0));
        let texts = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (counter, largest, seen) = (statements.clone(), largest_bind.clone(), texts.clone());
        store.observe_statements(move |sql, values| {
            counter.fetch_add(1, Ordering::SeqCst);
            largest.fetch_max(values, Ordering::SeqCst);
            if let Ok(mut seen) = seen.lock() {
                seen.push(sql.to_string());
            }
        });
        let clock = Arc::new(TestClock::new(t0()));
        let mut settings = test_settings();
        tweak(&mut settings);
        let app = build(Arc::new(store), &settings, Some(clock.clone() as Arc<dyn Clock>)).expect("wire the app");
        Self { app, clock, statements, largest_bind, texts, db }
    }

    /// `t0()` as an SQL literal, the way each database stores the API's own
    /// times (for tests that seed rows in SQL).
    pub fn t0_literal(&self) -> String {
        if self.db.is_postgres() {
            format!("'{}'::timestamptz", t0().to_rfc3339())
        } else {
            format!("'{}'", t0().to_rfc3339())
        }
    }

    /// Runs a GraphQL document as `who`; returns the whole response as JSON.
    pub async fn exec(&self, who: &As, query: &str, variables: Value) -> Value {
        let mut req = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables))
            .data(RequestId("test".into()))
            .data(loaders(&self.app.cam));
        match who {
            As::Anonymous => {}
            As::Operator => req = req.data(Principal::Operator),
            As::User(email) => {
                let email = Email::parse(email).expect("email");
                let u = self.app.store.find_user_by_email(&email).await.expect("db").expect("known user");
                req = req.data(Principal::User(u));
            }
        }
        serde_json::to_value(self.app.schema.execute(req).await).expect("json")
    }

    /// Data of a response that must have no errors.
    pub async fn ok(&self, who: &As, query: &str, variables: Value) -> Value {
        let r = self.exec(who, query, variables).await;
        assert!(r.get("errors").is_none(), "unexpected errors: {r}");
        r["data"].clone()
    }

    /// The single payload of a one-field mutation, which must not error at
    /// the top level.
    pub async fn payload(&self, who: &As, query: &str, variables: Value) -> Value {
        let data = self.ok(who, query, variables).await;
        let obj = data.as_object().expect("object");
        assert_eq!(obj.len(), 1, "one field expected: {data}");
        obj.values().next().cloned().unwrap()
    }

    pub fn token(&self, email: &str) -> String {
        self.app.identity.issue(&Email::parse(email).unwrap(), 3600).unwrap()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn advance(&self, d: chrono::Duration) {
        self.clock.set(self.clock.now() + d);
    }

    pub fn statement_count(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }

    /// The most values one statement bound since the last call.
    pub fn take_largest_bind(&self) -> usize {
        self.largest_bind.swap(0, Ordering::SeqCst)
    }

    /// The texts of the statements sent since the last call, in order.
    pub fn take_texts(&self) -> Vec<String> {
        self.texts.lock().map(|mut t| std::mem::take(&mut *t)).unwrap_or_default()
    }

    /// Runs SQL straight on the database (to seed many rows fast, or to
    /// plant a row that cannot be read).
    pub async fn execute(&self, sql: &str) {
        use sea_orm::ConnectionTrait;
        self.app.store.connection().execute_unprepared(sql).await.expect("execute");
    }

    /// Rows of a table, read straight from the database (for checks that
    /// the API cannot see, like the stored token hash).
    pub async fn rows(&self, sql: &str) -> Vec<sea_orm::QueryResult> {
        use sea_orm::{ConnectionTrait, Statement};
        let c = self.app.store.connection();
        c.query_all(Statement::from_string(c.get_database_backend(), sql.to_string())).await.expect("query")
    }

    pub async fn count(&self, table: &str) -> i64 {
        let rows = self.rows(&format!("SELECT COUNT(*) AS n FROM {table}")).await;
        rows[0].try_get::<i64>("", "n").unwrap()
    }
}

/// Codes of the top-level errors of a response.
/// A JWT for `email` signed with the test secret that `cam serve`
/// processes started by the tests and benches use.
pub fn process_token(email: &str, ttl_secs: i64) -> String {
    use jsonwebtoken::{encode, EncodingKey, Header};
    let claims = json!({"sub": email, "exp": Utc::now().timestamp() + ttl_secs});
    encode(&Header::default(), &claims, &EncodingKey::from_secret(JWT_SECRET.as_bytes())).expect("sign a token")
}

/// POSTs a GraphQL request to a running server at `url`; its whole answer.
pub async fn post_graphql(http: &reqwest::Client, url: &str, token: &str, query: &str, variables: &Value) -> Value {
    http.post(format!("{url}/graphql"))
        .bearer_auth(token)
        .json(&json!({"query": query, "variables": variables}))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json")
}

pub fn error_codes(r: &Value) -> Vec<String> {
    r["errors"]
        .as_array()
        .map(|es| es.iter().filter_map(|e| e["extensions"]["code"].as_str().map(String::from)).collect())
        .unwrap_or_default()
}

/// Codes of a payload's userErrors.
pub fn user_error_codes(p: &Value) -> Vec<String> {
    p["userErrors"]
        .as_array()
        .map(|es| es.iter().map(|e| e["code"].as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

pub fn strs(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect()).unwrap_or_default()
}

/// A worker made by [`World::worker`].
#[derive(Clone, Debug)]
pub struct W {
    pub id: String,
    pub user_id: String,
    pub email: String,
    pub who: As,
}

/// The operator sets the partner's CRM name of a client.
pub async fn set_crm_name(t: &TestApp, partner: &str, client: &str, name: &str) {
    let p = t
        .payload(
            &As::Operator,
            "mutation($i: SetCrmCompanyNameInput!){ setCrmCompanyName(input:$i){ userErrors{ code } } }",
            json!({"i": {"partnerAccountId": partner, "clientAccountId": client, "name": name}}),
        )
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
}

/// A partner whose boss holds an access link; `approve_into` makes them
/// partner admin of new clients.
pub struct Agency {
    pub partner: String,
    pub boss: W,
    pub token: String,
}

impl Agency {
    pub async fn new(w: &World<'_>) -> Self {
        let partner = w.partner().await;
        let boss = w.boss(&partner).await;
        let link = w.access_link(&partner, &boss.who, None).await;
        Self { partner, boss, token: link["token"].as_str().unwrap().to_string() }
    }

    /// A new client `name` with its own super admin, who approves the boss's
    /// link; returns (client id, owner, boss's membership id).
    pub async fn approve_into(&self, w: &World<'_>, name: &str) -> (String, W, String) {
        let client = w.client(name).await;
        let (owner, membership) = self.approve_client(w, &client, &format!("owner-{}", name.to_lowercase())).await;
        (client, owner, membership)
    }

    /// `client`'s new super admin `owner_local` approves the boss's link;
    /// returns (owner, boss's membership id).
    pub async fn approve_client(&self, w: &World<'_>, client: &str, owner_local: &str) -> (W, String) {
        let owner = w.client_admin(client, owner_local).await;
        let ap = w.approve(&self.token, client, &owner.who).await;
        assert!(user_error_codes(&ap).is_empty(), "{ap}");
        (owner, ap["membership"]["id"].as_str().unwrap().to_string())
    }
}

/// A partner with a CAM super admin who is partner admin of a client.
#[derive(Clone, Debug)]
pub struct Managed {
    pub partner: String,
    pub client: String,
    pub admin: W,
    pub owner: W,
    pub admin_membership: String,
    pub partner_client: String,
    pub domain: String,
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

/// Fixture builder over the operator API, like the acceptance harness.
pub struct World<'a> {
    pub t: &'a TestApp,
    uid: String,
}

pub const PA_EXCLUDED: [&str; 7] = [
    "SCIM_PROVISIONING",
    "DATA_CENTER_MIGRATION",
    "PAYMENT_TOOLS_ACCESS",
    "BILLING_VIEW",
    "BILLING_EDIT",
    "SUPER_ADMIN_MANAGE",
    "SENSITIVE_DATA_MANAGE",
];

impl<'a> World<'a> {
    pub fn new(t: &'a TestApp) -> Self {
        Self { t, uid: format!("w{}", SEQ.fetch_add(1, Ordering::SeqCst)) }
    }

    pub fn domain(&self, label: &str) -> String {
        format!("{label}-{}.com", self.uid)
    }

    pub async fn partner_with(&self, tier: &str, domains: &[String]) -> String {
        let p = self
            .t
            .payload(
                &As::Operator,
                "mutation($i: CreateAccountInput!){ createAccount(input:$i){ partnerAccount{ id } userErrors{ code } } }",
                json!({"i": {"kind": "PARTNER", "name": format!("Agency {}", self.uid), "tier": tier}}),
            )
            .await;
        assert_eq!(user_error_codes(&p), Vec::<String>::new(), "{p}");
        let id = p["partnerAccount"]["id"].as_str().unwrap().to_string();
        for d in domains {
            let r = self.add_domain(&id, d).await;
            assert!(user_error_codes(&r).is_empty(), "{r}");
        }
        id
    }

    /// A solutions partner with the domain `agency-<uid>.com` verified.
    pub async fn partner(&self) -> String {
        self.partner_with("SOLUTIONS_PARTNER", &[self.domain("agency")]).await
    }

    pub async fn add_domain(&self, partner: &str, domain: &str) -> Value {
        self.t
            .payload(
                &As::Operator,
                "mutation($i: AddVerifiedDomainInput!){ addVerifiedDomain(input:$i){ partnerAccount{ verifiedDomains } userErrors{ code field } } }",
                json!({"i": {"partnerAccountId": partner, "domain": domain}}),
            )
            .await
    }

    pub async fn client(&self, name: &str) -> String {
        let p = self
            .t
            .payload(
                &As::Operator,
                "mutation($i: CreateAccountInput!){ createAccount(input:$i){ clientAccount{ id } userErrors{ code } } }",
                json!({"i": {"kind": "CLIENT", "name": format!("{name} {}", self.uid)}}),
            )
            .await;
        p["clientAccount"]["id"].as_str().unwrap().to_string()
    }

    pub async fn user(&self, local: &str, domain: &str) -> (String, String) {
        let email = format!("{local}@{domain}");
        let p = self
            .t
            .payload(
                &As::Operator,
                "mutation($i: CreateUserInput!){ createUser(input:$i){ user{ id } userErrors{ code } } }",
                json!({"i": {"email": email, "name": local}}),
            )
            .await;
        assert!(user_error_codes(&p).is_empty(), "{p}");
        (p["user"]["id"].as_str().unwrap().to_string(), email)
    }

    /// Adds a member through the operator; returns the payload.
    pub async fn member(&self, account: &str, user_id: &str, input: Value) -> Value {
        let mut i = json!({"accountId": account, "userId": user_id});
        for (k, v) in input.as_object().unwrap() {
            i[k] = v.clone();
        }
        self.t
            .payload(
                &As::Operator,
                "mutation($i: AddMemberInput!){ addMember(input:$i){ membership{ id } worker{ id } userErrors{ code field } } }",
                json!({ "i": i }),
            )
            .await
    }

    /// A worker of `partner` on the partner's verified domain unless
    /// `domain` is given.
    pub async fn worker(
        &self,
        partner: &str,
        local: &str,
        role: &str,
        permissions: &[&str],
        kind: &str,
        domain: Option<&str>,
    ) -> W {
        let d = domain.map(String::from).unwrap_or_else(|| self.domain("agency"));
        let (uid, email) = self.user(local, &d).await;
        let p = self.member(partner, &uid, json!({"role": role, "permissions": permissions, "workerKind": kind})).await;
        assert!(user_error_codes(&p).is_empty(), "{p}");
        W { id: p["worker"]["id"].as_str().unwrap().to_string(), user_id: uid, who: user(&email), email }
    }

    pub async fn boss(&self, partner: &str) -> W {
        self.worker(partner, "boss", "SUPER_ADMIN", &[], "EMPLOYEE", None).await
    }

    /// A super admin of a client on the client's own domain.
    pub async fn client_admin(&self, client: &str, local: &str) -> W {
        let (uid, email) = self.user(local, &self.domain("client")).await;
        let p = self.member(client, &uid, json!({"role": "SUPER_ADMIN", "seat": "CORE"})).await;
        assert!(user_error_codes(&p).is_empty(), "{p}");
        W { id: p["membership"]["id"].as_str().unwrap().to_string(), user_id: uid, who: user(&email), email }
    }

    /// A contact in `client` owned by `owner_user`, made by the operator;
    /// its id.
    pub async fn asset(&self, client: &str, owner_user: &str, name: &str) -> String {
        let p = self
            .t
            .payload(
                &As::Operator,
                "mutation($i: CreateAssetInput!){ createAsset(input:$i){ asset{ id } userErrors{ code field } } }",
                json!({"i": {"clientAccountId": client, "ownerUserId": owner_user, "kind": "CONTACT", "name": name}}),
            )
            .await;
        assert!(user_error_codes(&p).is_empty(), "{p}");
        p["asset"]["id"].as_str().unwrap().to_string()
    }

    pub async fn access_link(&self, partner: &str, who: &As, worker: Option<&str>) -> Value {
        let mut i = json!({"partnerAccountId": partner});
        if let Some(w) = worker {
            i["workerId"] = json!(w);
        }
        self.t
            .payload(
                who,
                "mutation($i: CreateAccessLinkInput!){ createAccessLink(input:$i){ token url accessLink{ id expiresAt revokedAt } userErrors{ code field message } } }",
                json!({ "i": i }),
            )
            .await
    }

    pub async fn approve(&self, token: &str, client: &str, who: &As) -> Value {
        self.t
            .payload(
                who,
                "mutation($i: ApproveAccessLinkInput!){ approveAccessLink(input:$i){
                    membership{ id role seat status permissions managedCredit partner{ id } user{ email } permissionSet{ name builtIn } }
                    partnerClient{ id status displayName accessTypes lastQualifyingActivityAt }
                    userErrors{ code field message } } }",
                json!({"i": {"token": token, "clientAccountId": client}}),
            )
            .await
    }

    pub async fn managed_client(&self) -> Managed {
        let partner = self.partner().await;
        let admin = self.boss(&partner).await;
        let client = self.client("Client").await;
        let owner = self.client_admin(&client, "owner").await;
        let link = self.access_link(&partner, &admin.who, None).await;
        let ap = self.approve(link["token"].as_str().unwrap(), &client, &owner.who).await;
        assert!(user_error_codes(&ap).is_empty(), "{ap}");
        Managed {
            partner,
            client,
            admin,
            owner,
            admin_membership: ap["membership"]["id"].as_str().unwrap().to_string(),
            partner_client: ap["partnerClient"]["id"].as_str().unwrap().to_string(),
            domain: self.domain("agency"),
        }
    }

    pub async fn permission_set(&self, partner: &str, who: &As, name: &str, permissions: &[&str]) -> String {
        let p = self
            .t
            .payload(
                who,
                "mutation($i: CreatePermissionSetInput!){ createPermissionSet(input:$i){ permissionSet{ id } userErrors{ code } } }",
                json!({"i": {"partnerAccountId": partner, "name": name, "permissions": permissions}}),
            )
            .await;
        assert!(user_error_codes(&p).is_empty(), "{p}");
        p["permissionSet"]["id"].as_str().unwrap().to_string()
    }

    pub async fn add_workers(&self, partner: &str, client: &str, workers: &[&str], set: &str, who: &As) -> Value {
        self.t
            .payload(
                who,
                "mutation($i: AddWorkersToClientInput!){ addWorkersToClient(input:$i){
                    memberships{ id role seat status permissions managedCredit user{ email } partner{ id } }
                    withheldPermissions userErrors{ code field message } } }",
                json!({"i": {"partnerAccountId": partner, "clientAccountId": client, "workerIds": workers, "permissionSetId": set}}),
            )
            .await
    }

    pub async fn partner_client(&self, id: &str, who: &As) -> Value {
        self.t
            .ok(
                who,
                "query($id: ID!){ node(id:$id){ ... on PartnerClient { id status endsAt startedAt lastQualifyingActivityAt activePartnerUserCount accessTypes displayName } } }",
                json!({ "id": id }),
            )
            .await["node"]
            .clone()
    }

    /// The id of the client membership of `email`, read by the client's owner.
    pub async fn membership_of(&self, client: &str, email: &str, owner: &As) -> String {
        let d = self
            .t
            .ok(
                owner,
                "query($id: ID!){ clientAccount(id:$id){ members(first:100){ edges{ node{ id user{ email } } } } } }",
                json!({ "id": client }),
            )
            .await;
        d["clientAccount"]["members"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["user"]["email"] == email)
            .map(|e| e["node"]["id"].as_str().unwrap().to_string())
            .expect("member")
    }
}
