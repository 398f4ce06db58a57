//! Page cost, not table cost (issue 9): a list reads its page's rows, not
//! every row of the partner. An agency with 300 clients is seeded straight
//! into the tables; then some rows beyond the page are made unreadable
//! ("poisoned"), so that a list that read them would fail with `INTERNAL`.
//! Each test first shows that the poison is real: the page that holds the
//! poisoned row does fail.

use cam_api::graphql::ids::cursor;
use cam_tests::*;
use serde_json::{json, Value};

const SEEDED: i64 = 300;
const PARTNER_USERS: i64 = 30;

/// An agency whose boss (a CAM user) is a partner user of 300 clients
/// "Seeded 1" … "Seeded 300"; "Seeded 1" also has 30 more partner users, and
/// the boss owns 30 assets there.
async fn seeded(t: &TestApp) -> (String, As) {
    let w = World::new(t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let ts = t.t0_literal();
    let n = |max: i64| format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {max}) ");
    let partner_id = "(SELECT MIN(id) FROM accounts WHERE kind = 'PARTNER')";
    let boss_user = format!("(SELECT user_id FROM memberships WHERE account_id = {partner_id})");
    t.execute(&format!(
        "{}INSERT INTO accounts (kind, name, data_center, created_at) \
         SELECT 'CLIENT', 'Seeded ' || i, 'na1', {ts} FROM n ORDER BY i",
        n(SEEDED)
    ))
    .await;
    t.execute(&format!(
        "INSERT INTO managed_relationships (partner_id, client_id, started_at, last_activity_at) \
         SELECT {partner_id}, a.id, {ts}, {ts} FROM accounts a WHERE a.name LIKE 'Seeded %' ORDER BY a.id"
    ))
    .await;
    t.execute(&format!(
        "INSERT INTO memberships (account_id, user_id, role, seat, status, permissions, partner_id, managed_credit, \
         created_at, updated_at) \
         SELECT a.id, {boss_user}, 'STANDARD', 'CORE', 'ACTIVE', 'CONTACTS_VIEW', {partner_id}, TRUE, {ts}, {ts} \
         FROM accounts a WHERE a.name LIKE 'Seeded %' ORDER BY a.id"
    ))
    .await;
    t.execute(&format!(
        "{}INSERT INTO users (email, email_key, name, created_at) \
         SELECT 'pu' || i || '@seed.test', 'pu' || i || '@seed.test', 'PU ' || i, {ts} FROM n ORDER BY i",
        n(PARTNER_USERS)
    ))
    .await;
    t.execute(&format!(
        "INSERT INTO memberships (account_id, user_id, role, seat, status, permissions, partner_id, managed_credit, \
         created_at, updated_at) \
         SELECT (SELECT id FROM accounts WHERE name = 'Seeded 1'), u.id, 'STANDARD', 'CORE', 'ACTIVE', '', \
         {partner_id}, TRUE, {ts}, {ts} FROM users u WHERE u.email LIKE 'pu%@seed.test' ORDER BY u.id"
    ))
    .await;
    t.execute(&format!(
        "{}INSERT INTO assets (client_id, owner_id, kind, name, created_at) \
         SELECT (SELECT id FROM accounts WHERE name = 'Seeded 1'), {boss_user}, 'CONTACT', 'Asset ' || i, {ts} \
         FROM n ORDER BY i",
        n(PARTNER_USERS)
    ))
    .await;
    (partner, boss.who)
}

/// Makes a client account unreadable: a list that reads it fails.
async fn poison_client(t: &TestApp, name: &str) {
    if t.db.is_postgres() {
        t.execute("ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_kind_check").await;
        t.execute("ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_check").await;
        t.execute(&format!("UPDATE accounts SET kind = 'POISON' WHERE name = '{name}'")).await;
    } else {
        t.execute(&format!("UPDATE accounts SET created_at = 'not a time' WHERE name = '{name}'")).await;
    }
}

async fn id_of(t: &TestApp, sql: &str) -> i64 {
    t.rows(sql).await[0].try_get::<i64>("", "id").unwrap()
}

fn names(conn: &Value, pick: impl Fn(&Value) -> &Value) -> Vec<String> {
    conn["edges"].as_array().unwrap().iter().map(|e| pick(&e["node"]).as_str().unwrap().to_string()).collect()
}

fn seeded_names(range: std::ops::RangeInclusive<i64>) -> Vec<String> {
    range.map(|i| format!("Seeded {i}")).collect()
}

/// The id of the partner's first client account ("Seeded 1").
async fn first_client(t: &TestApp, boss: &As, partner: &str) -> String {
    let q = "query($id: ID!){ partnerAccount(id:$id){ clients(first: 1){ edges{ node{ client{ id } } } } } }";
    let d = t.ok(boss, q, json!({"id": partner})).await;
    d["partnerAccount"]["clients"]["edges"][0]["node"]["client"]["id"].as_str().unwrap().to_string()
}

const CLIENTS: &str = "query($id: ID!, $first: Int, $after: String, $f: ClientFilter){ partnerAccount(id:$id){
    clients(first:$first, after:$after, filter:$f){
        totalCount pageInfo{ hasNextPage hasPreviousPage }
        edges{ node{ displayName status accessTypes activePartnerUserCount
            partnerUsers(first: 2){ totalCount edges{ node{ user{ email } } } } } } } } }";

#[tokio::test]
async fn a_page_of_the_clients_tab_reads_only_its_rows_among_300_clients() {
    // R1, R27: first page, deep page, status filter and search each read
    // their page, never the poisoned clients 150 and 300.
    let t = TestApp::new().await;
    let (partner, boss) = seeded(&t).await;
    poison_client(&t, "Seeded 150").await;
    poison_client(&t, "Seeded 300").await;
    let rel = |n: i64| {
        format!("SELECT r.id FROM managed_relationships r JOIN accounts a ON a.id = r.client_id WHERE a.name = 'Seeded {n}'")
    };
    let after = |id: i64| json!(cursor(id));

    // The poison is real: the page that holds client 300 fails.
    let last =
        t.exec(&boss, CLIENTS, json!({"id": partner, "first": 5, "after": after(id_of(&t, &rel(296)).await)})).await;
    assert_eq!(error_codes(&last), vec!["INTERNAL"], "{last}");

    let first = t.ok(&boss, CLIENTS, json!({"id": partner, "first": 5})).await["partnerAccount"]["clients"].clone();
    assert_eq!(names(&first, |n| &n["displayName"]), seeded_names(1..=5));
    assert_eq!(first["totalCount"], json!(SEEDED), "the total counts every client without reading them");
    assert_eq!(first["pageInfo"], json!({"hasNextPage": true, "hasPreviousPage": false}));
    let top = &first["edges"][0]["node"];
    assert_eq!((&top["status"], &top["accessTypes"]), (&json!("ACTIVE"), &json!(["STANDARD"])));
    assert_eq!(top["activePartnerUserCount"], json!(1 + PARTNER_USERS));
    assert_eq!(top["partnerUsers"]["totalCount"], json!(1 + PARTNER_USERS));
    assert_eq!(top["partnerUsers"]["edges"].as_array().unwrap().len(), 2);

    let deep =
        t.ok(&boss, CLIENTS, json!({"id": partner, "first": 5, "after": after(id_of(&t, &rel(200)).await)})).await;
    let deep = &deep["partnerAccount"]["clients"];
    assert_eq!(names(deep, |n| &n["displayName"]), seeded_names(201..=205));
    assert_eq!(deep["pageInfo"], json!({"hasNextPage": true, "hasPreviousPage": true}));

    let active = t
        .ok(
            &boss,
            CLIENTS,
            json!({"id": partner, "first": 5, "f": {"relationshipStatus": ["ACTIVE"], "accessTypes": ["STANDARD"]}}),
        )
        .await;
    assert_eq!(names(&active["partnerAccount"]["clients"], |n| &n["displayName"]), seeded_names(1..=5));

    let search = t.ok(&boss, CLIENTS, json!({"id": partner, "first": 5, "f": {"search": "SEEDED 2"}})).await;
    let search = &search["partnerAccount"]["clients"];
    assert_eq!(names(search, |n| &n["displayName"]), ["Seeded 2", "Seeded 20", "Seeded 21", "Seeded 22", "Seeded 23"]);
    assert_eq!(search["totalCount"], json!(1 + 10 + 100), "Seeded 2, 20–29 and 200–299");
}

#[tokio::test]
async fn nested_lists_read_at_most_one_row_more_than_their_page_per_parent() {
    // R1, R25: a client's partnerUsers, a worker's clientMemberships and a
    // member's ownedAssets read first + 1 rows per parent, not every child.
    let t = TestApp::new().await;
    let (partner, boss) = seeded(&t).await;
    let seed1 = "(SELECT id FROM accounts WHERE name = 'Seeded 1')";
    t.execute(&format!(
        "UPDATE memberships SET worker_kind = 'POISON' WHERE id = (SELECT MAX(id) FROM memberships WHERE account_id = {seed1})"
    ))
    .await;
    t.execute("UPDATE memberships SET worker_kind = 'POISON' WHERE account_id = (SELECT id FROM accounts WHERE name = 'Seeded 100')")
        .await;
    t.execute(&format!(
        "UPDATE assets SET kind = 'POISON' WHERE id = (SELECT MAX(id) FROM assets WHERE client_id = {seed1})"
    ))
    .await;

    let users = "query($id: ID!, $first: Int){ partnerAccount(id:$id){ clients(first: 1){ edges{ node{
        partnerUsers(first: $first){ totalCount pageInfo{ hasNextPage } edges{ node{ user{ email }
            ownedAssets(first: $first){ totalCount pageInfo{ hasNextPage } edges{ node{ name } } } } } } } } } } }";
    // The poison is real: a page of 100 reaches the last partner user.
    assert_eq!(error_codes(&t.exec(&boss, users, json!({"id": partner, "first": 100})).await), vec!["INTERNAL"]);
    let d = t.ok(&boss, users, json!({"id": partner, "first": 5})).await;
    let pu = &d["partnerAccount"]["clients"]["edges"][0]["node"]["partnerUsers"];
    assert_eq!(pu["totalCount"], json!(1 + PARTNER_USERS));
    assert_eq!(pu["pageInfo"]["hasNextPage"], json!(true));
    let emails = names(pu, |n| &n["user"]["email"]);
    assert_eq!(emails[1..], ["pu1@seed.test", "pu2@seed.test", "pu3@seed.test", "pu4@seed.test"]);
    let assets = &pu["edges"][0]["node"]["ownedAssets"];
    assert_eq!(names(assets, |n| &n["name"]), ["Asset 1", "Asset 2", "Asset 3", "Asset 4", "Asset 5"]);
    assert_eq!((&assets["totalCount"], &assets["pageInfo"]["hasNextPage"]), (&json!(PARTNER_USERS), &json!(true)));

    let employees = "query($id: ID!, $first: Int){ partnerAccount(id:$id){ employees{ edges{ node{
        clientMemberships(first: $first){ totalCount pageInfo{ hasNextPage } edges{ node{ account{ name } } } } } } } } }";
    // The poison is real: a page of 100 reaches client 100.
    assert_eq!(error_codes(&t.exec(&boss, employees, json!({"id": partner, "first": 100})).await), vec!["INTERNAL"]);
    let d = t.ok(&boss, employees, json!({"id": partner, "first": 5})).await;
    let cm = &d["partnerAccount"]["employees"]["edges"][0]["node"]["clientMemberships"];
    assert_eq!(names(cm, |n| &n["account"]["name"]), seeded_names(1..=5));
    assert_eq!((&cm["totalCount"], &cm["pageInfo"]["hasNextPage"]), (&json!(SEEDED), &json!(true)));
}

#[tokio::test]
async fn the_client_past_the_clients_tabs_page_has_none_of_its_partner_users_read() {
    // R1, R27: the page reads one client more than it shows, to know that
    // there is a next page; that client's partner users are not read.
    let t = TestApp::new().await;
    let (partner, boss) = seeded(&t).await;
    t.execute("UPDATE memberships SET worker_kind = 'POISON' WHERE account_id = (SELECT id FROM accounts WHERE name = 'Seeded 3')")
        .await;
    let q = "query($id: ID!, $first: Int){ partnerAccount(id:$id){ clients(first: $first){ pageInfo{ hasNextPage }
        edges{ node{ displayName partnerUsers(first: 5){ totalCount edges{ node{ user{ email } } } } } } } } }";
    // The poison is real: a page of 3 shows client 3.
    assert_eq!(error_codes(&t.exec(&boss, q, json!({"id": partner, "first": 3})).await), vec!["INTERNAL"]);
    let d = t.ok(&boss, q, json!({"id": partner, "first": 2})).await;
    let clients = &d["partnerAccount"]["clients"];
    assert_eq!(names(clients, |n| &n["displayName"]), seeded_names(1..=2));
    assert_eq!(clients["pageInfo"]["hasNextPage"], json!(true));
    let second = &clients["edges"][1]["node"]["partnerUsers"];
    assert_eq!((&second["totalCount"], names(second, |n| &n["user"]["email"]).len()), (&json!(1), 1));
}

#[tokio::test]
async fn the_clients_tab_binds_no_list_that_grows_with_the_clients_and_counts_in_the_same_statements() {
    // R1: PostgreSQL refuses more than 65,535 parameters; no statement of
    // the Clients tab may bind one value per client of the agency.
    let t = TestApp::new().await;
    let (partner, boss) = seeded(&t).await;
    t.take_largest_bind();
    let before = t.statement_count();
    t.ok(&boss, CLIENTS, json!({"id": partner, "first": 5})).await;
    let with_total = t.statement_count() - before;
    let largest = t.take_largest_bind();
    // A page binds a few values per row it shows (SQLite: the parents of
    // the nested page and their filters, per branch), never one per client.
    assert!(largest < 64, "a statement bound {largest} values for a page of 5 among {SEEDED} clients");

    let without = CLIENTS.replacen("totalCount pageInfo", "pageInfo", 1);
    let before = t.statement_count();
    t.ok(&boss, &without, json!({"id": partner, "first": 5})).await;
    let without_total = t.statement_count() - before;
    assert_eq!(with_total, without_total, "the totals ride on the pages' own statements");
}

async fn kept_count(t: &TestApp) -> (i64, i64) {
    let row = &t
        .rows(
            "SELECT (SELECT clients FROM partner_client_counts) AS kept, \
             (SELECT COUNT(*) FROM managed_relationships) AS counted",
        )
        .await[0];
    (row.try_get::<i64>("", "kept").unwrap(), row.try_get::<i64>("", "counted").unwrap())
}

#[tokio::test]
async fn the_clients_tabs_unfiltered_total_reads_the_partners_kept_count_which_stays_true() {
    // R1 (issue 9): at 100,000 clients, counting the partner's relationships
    // cost as much as the rest of the first page. The database keeps the
    // count (m20261202_000001) through every way a relationship comes and
    // goes, bulk inserts included.
    let t = TestApp::new().await;
    let (partner, boss) = seeded(&t).await;
    assert_eq!(kept_count(&t).await, (SEEDED, SEEDED), "300 relationships inserted by one statement");
    let partner_id = "(SELECT MIN(id) FROM accounts WHERE kind = 'PARTNER')";
    t.execute(&format!(
        "INSERT INTO accounts (kind, name, data_center, created_at) VALUES ('CLIENT', 'Late', 'na1', {})",
        t.t0_literal()
    ))
    .await;
    t.execute(&format!(
        "INSERT INTO managed_relationships (partner_id, client_id, started_at, last_activity_at) \
         SELECT {partner_id}, id, created_at, created_at FROM accounts WHERE name = 'Late'"
    ))
    .await;
    t.execute(
        "DELETE FROM managed_relationships WHERE client_id IN \
         (SELECT id FROM accounts WHERE name IN ('Seeded 7', 'Seeded 8'))",
    )
    .await;
    assert_eq!(kept_count(&t).await, (SEEDED - 1, SEEDED - 1), "one added, two removed");
    let page = t.ok(&boss, CLIENTS, json!({"id": partner, "first": 5})).await;
    assert_eq!(page["partnerAccount"]["clients"]["totalCount"], json!(SEEDED - 1));

    // The total is that one row, not a count of the relationships: a kept
    // count set wrong on purpose shows through; a filtered total counts.
    t.execute("UPDATE partner_client_counts SET clients = 12345").await;
    let page = t.ok(&boss, CLIENTS, json!({"id": partner, "first": 5})).await;
    assert_eq!(page["partnerAccount"]["clients"]["totalCount"], json!(12345));
    let filtered = t.ok(&boss, CLIENTS, json!({"id": partner, "first": 5, "f": {"search": "seeded"}})).await;
    assert_eq!(filtered["partnerAccount"]["clients"]["totalCount"], json!(SEEDED - 2));
}

#[tokio::test]
async fn every_page_of_the_clients_tab_sends_the_same_statement_texts() {
    // R1 (issue 9): the pages' ids are bound, never written into the text,
    // so each page of a given size is the same statements, prepared once
    // per connection. Before, SQLite's nested partner-user pages wrote each
    // client's id into a 50-branch text that was built, parsed and planned
    // again on every page (18 ms of 19 at 1,000 clients) and filled the
    // statement cache with texts used once.
    let t = TestApp::new().await;
    let (partner, boss) = seeded(&t).await;
    let page = |after: Option<String>| json!({"id": partner, "first": 20, "after": after});
    let first = t.ok(&boss, CLIENTS, page(None)).await;
    assert_eq!(first["partnerAccount"]["clients"]["pageInfo"]["hasNextPage"], json!(true));
    t.take_texts();
    let second = t.ok(&boss, CLIENTS, page(Some(cursor(20)))).await;
    let texts = t.take_texts();
    let third = t.ok(&boss, CLIENTS, page(Some(cursor(40)))).await;
    assert_ne!(second, third, "two different pages");
    assert_eq!(texts, t.take_texts(), "the second and third pages send the same statements");
    assert!(texts.iter().any(|s| s.contains("partner_id")), "the nested pages' statement is among them: {texts:?}");
}

#[tokio::test]
async fn the_employees_tab_members_and_audit_logs_count_their_total_without_another_statement() {
    // R1, R32: totalCount is right when asked, and costs no statement of its own.
    let t = TestApp::new().await;
    let (partner, boss) = seeded(&t).await;
    let client = first_client(&t, &boss, &partner).await;
    let partner_events = t
        .rows("SELECT COUNT(*) AS n FROM audit_events WHERE partner_id = (SELECT MIN(id) FROM accounts WHERE kind = 'PARTNER')")
        .await[0]
        .try_get::<i64>("", "n")
        .unwrap();
    assert!(partner_events > 0);
    let lists = [
        (
            "query($id: ID!){ partnerAccount(id:$id){ employees(first: 5){ TOTAL edges{ node{ id } } } } }",
            &partner,
            &boss,
            json!(1),
        ),
        (
            "query($id: ID!){ partnerAccount(id:$id){ auditLog(first: 5){ TOTAL edges{ node{ id } } } } }",
            &partner,
            &boss,
            json!(partner_events),
        ),
        (
            "query($id: ID!){ clientAccount(id:$id){ members(first: 5){ TOTAL edges{ node{ id } } } } }",
            &client,
            &As::Operator,
            json!(1 + PARTNER_USERS),
        ),
    ];
    for (q, id, who, total) in lists {
        let cost = |with: bool| {
            let q = q.replace("TOTAL", if with { "totalCount" } else { "" });
            let (t, id, who) = (&t, id.clone(), who.clone());
            async move {
                let before = t.statement_count();
                let d = t.ok(&who, &q, json!({"id": id})).await;
                (t.statement_count() - before, d)
            }
        };
        let (with, d) = cost(true).await;
        let (without, _) = cost(false).await;
        let conn =
            d.as_object().unwrap().values().next().unwrap().as_object().unwrap().values().next().unwrap().clone();
        assert_eq!(conn["totalCount"], total, "{q}");
        assert_eq!(with, without, "{q}: totalCount rides on the page's own statement");
    }
}

#[tokio::test]
async fn an_invalid_nested_page_is_refused_at_its_own_field_and_the_page_still_shows() {
    // Contract: first at most 100; the batch load of the Clients tab does
    // not move the refusal up to the tab.
    let t = TestApp::new().await;
    let (partner, boss) = seeded(&t).await;
    let q = "query($id: ID!){ partnerAccount(id:$id){ clients(first: 2){ edges{ node{ displayName
        partnerUsers(first: 101){ totalCount } } } } } }";
    let r = t.exec(&boss, q, json!({"id": partner})).await;
    assert_eq!(error_codes(&r), vec!["INVALID_INPUT", "INVALID_INPUT"], "{r}");
    let path = r["errors"][0]["path"].as_array().unwrap();
    assert_eq!(path.last(), Some(&json!("partnerUsers")), "{r}");
    let clients = &r["data"]["partnerAccount"]["clients"];
    assert_eq!(names(clients, |n| &n["displayName"]), seeded_names(1..=2));
}

#[tokio::test]
async fn members_and_audit_logs_under_a_list_cost_the_same_statements_for_3_or_50_parents() {
    // R32, issue 9: ClientAccount.members and auditLog under the Clients tab
    // are read per parent in one statement each (first + 1 rows per parent,
    // totals in the same statement), not one call per client.
    let t = TestApp::new().await;
    let (partner, _) = seeded(&t).await;
    let ts = t.t0_literal();
    t.execute(&format!(
        "INSERT INTO audit_events (at, action, account_id) SELECT {ts}, 'seed.event' || k.i, a.id \
         FROM accounts a, (SELECT 1 AS i UNION ALL SELECT 2 UNION ALL SELECT 3) k \
         WHERE a.name LIKE 'Seeded %' ORDER BY a.id, k.i"
    ))
    .await;
    let seed1 = "(SELECT id FROM accounts WHERE name = 'Seeded 1')";
    t.execute(&format!(
        "UPDATE memberships SET worker_kind = 'POISON' WHERE id = (SELECT MAX(id) FROM memberships WHERE account_id = {seed1})"
    ))
    .await;
    let q = "query($id: ID!, $n: Int, $m: Int){ partnerAccount(id:$id){ clients(first: $n){ edges{ node{ client{
        members(first: $m){ totalCount pageInfo{ hasNextPage } edges{ node{ user{ email } permissionSet{ name } } } }
        auditLog(first: 2){ totalCount pageInfo{ hasNextPage } edges{ node{ action } } } } } } } } }";
    // The poison is real: a page of 100 members reaches it.
    let r = t.exec(&As::Operator, q, json!({"id": partner, "n": 1, "m": 100})).await;
    assert_eq!(error_codes(&r), vec!["INTERNAL"], "{r}");

    let run = |n: i64| {
        let (t, partner) = (&t, partner.clone());
        async move {
            let before = t.statement_count();
            let d = t.ok(&As::Operator, q, json!({"id": partner, "n": n, "m": 2})).await;
            (t.statement_count() - before, d)
        }
    };
    let (three, _) = run(3).await;
    let (fifty, d) = run(50).await;

    assert_eq!(three, fifty, "3 clients cost {three} statements, 50 cost {fifty}");
    let edges = d["partnerAccount"]["clients"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 50);
    let first = &edges[0]["node"]["client"];
    assert_eq!(first["members"]["totalCount"], json!(1 + PARTNER_USERS));
    assert_eq!(first["members"]["pageInfo"]["hasNextPage"], json!(true));
    assert_eq!(names(&first["members"], |n| &n["user"]["email"])[1], "pu1@seed.test");
    for e in edges {
        let log = &e["node"]["client"]["auditLog"];
        assert_eq!(log["totalCount"], json!(3), "{e}");
        assert_eq!(names(log, |n| &n["action"]), ["seed.event3", "seed.event2"], "newest first: {e}");
        assert_eq!(log["pageInfo"]["hasNextPage"], json!(true));
    }
    let second = &edges[1]["node"]["client"]["members"];
    assert_eq!((&second["totalCount"], &second["pageInfo"]["hasNextPage"]), (&json!(1), &json!(false)));
}

#[tokio::test]
async fn a_workers_memberships_are_indexed_by_user_only_in_id_order() {
    // R25 (issue 9): a worker's first client memberships are read per
    // worker under a LATERAL, where PostgreSQL cannot see which worker and
    // plans for the average one. While a second index on memberships
    // (user_id) alone existed, it read all of each worker's memberships
    // and sorted them (10,000 per worker in 10,000 clients: the Employees
    // tab took 115 ms in the database instead of 32). The one index that
    // starts with user_id keeps a worker's memberships in id order and
    // holds the account the partner filter needs, so the page's ids and
    // the count never read the table.
    let t = TestApp::new().await;
    let sql = if t.db.is_postgres() {
        "SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS def FROM pg_index x \
         JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_attribute a ON a.attrelid = x.indrelid \
         AND a.attnum = x.indkey[0] WHERE x.indrelid = 'memberships'::regclass AND a.attname = 'user_id'"
    } else {
        "SELECT m.name AS name, m.sql AS def FROM sqlite_master m, pragma_index_info(m.name) c \
         WHERE m.type = 'index' AND m.tbl_name = 'memberships' AND c.seqno = 0 AND c.name = 'user_id'"
    };
    let found: Vec<(String, String)> = t
        .rows(sql)
        .await
        .iter()
        .map(|r| (r.try_get::<String>("", "name").unwrap(), r.try_get::<String>("", "def").unwrap()))
        .collect();
    assert_eq!(found.len(), 1, "one index starts with user_id: {found:?}");
    assert_eq!(found[0].0, "ix_memberships_user_account");
    assert!(found[0].1.replace('"', "").contains("(user_id, id, account_id)"), "{found:?}");
}

#[tokio::test]
async fn page_statements_write_their_limit_so_postgresql_keeps_one_plan_but_the_search_binds_it() {
    // R1 (issue 9): with the limit bound, PostgreSQL's generic plan must
    // guess how many rows a page reads, so it planned the Clients tab's
    // statements again on every execution (0.3-0.7 ms each). Written into
    // the text (first + 1, bounded by the API), the plan is made once. The
    // search keeps it bound: its best plan depends on the term.
    let t = TestApp::new().await;
    let (partner, boss) = seeded(&t).await;
    t.take_texts();
    t.ok(&boss, CLIENTS, json!({"id": partner, "first": 5})).await;
    let texts = t.take_texts();
    // The page may be a part of a larger statement (PostgreSQL: with the
    // account and the partner users, issue 29).
    let page = |s: &String| s.ends_with("ORDER BY r.id LIMIT 6") || s.contains("ORDER BY r.id LIMIT 6)");
    assert!(texts.iter().any(page), "the page: {texts:?}");
    assert!(texts.iter().any(|s| s.contains("LIMIT 3")), "the partner users, first: 2: {texts:?}");
    t.ok(&boss, CLIENTS, json!({"id": partner, "first": 5, "f": {"search": "seeded 1"}})).await;
    let texts = t.take_texts();
    // SQLite reads a search's page in the order of its FTS5 table's rows,
    // the relationships' ids (`s.rowid`).
    let ordered = |s: &&String| s.contains("ORDER BY r.id") || s.contains("ORDER BY s.rowid");
    let page = texts.iter().filter(ordered).find(|s| s.contains("ESCAPE")).expect("the search's page");
    assert!(!page.contains("LIMIT 6") && (page.contains("LIMIT $") || page.contains("LIMIT ?")), "{page}");
}

/// How many of these statement texts contain `needle`.
fn containing(texts: &[String], needle: &str) -> usize {
    texts.iter().filter(|s| s.contains(needle)).count()
}

#[tokio::test]
async fn a_filtered_first_page_that_is_not_full_is_its_own_total_so_the_filter_runs_once() {
    // R1 (issue 9): a search's total used to ride on its page's statement,
    // so the trigram scan ran twice, once for the page and once for the
    // count. A first page with room to spare holds every match: that is
    // the total. Only a full page (or one after a cursor) counts.
    let t = TestApp::new().await;
    let (partner, boss) = seeded(&t).await;
    let counts = |texts: &[String]| containing(texts, "SELECT COUNT(*) AS n FROM ");
    let total = |d: &Value| d["partnerAccount"]["clients"]["totalCount"].clone();
    let edges = |d: &Value| d["partnerAccount"]["clients"]["edges"].as_array().map_or(0, Vec::len);

    // "Seeded 29" and "Seeded 290" … "Seeded 299": 11 matches, one page.
    t.take_texts();
    let short = t.ok(&boss, CLIENTS, json!({"id": partner, "first": 50, "f": {"search": "seeded 29"}})).await;
    let texts = t.take_texts();
    assert_eq!((total(&short), edges(&short)), (json!(11), 11));
    assert_eq!(counts(&texts), 0, "the short page is its own total");
    let none = t.ok(&boss, CLIENTS, json!({"id": partner, "first": 50, "f": {"search": "nobody"}})).await;
    assert_eq!((total(&none), edges(&none)), (json!(0), 0));

    // "Seeded 2", "Seeded 20" … "Seeded 29", "Seeded 200" … "Seeded 299":
    // 111 matches, so a page of 5 is full and the total is counted.
    let full = t.ok(&boss, CLIENTS, json!({"id": partner, "first": 5, "f": {"search": "seeded 2"}})).await;
    let texts = t.take_texts();
    assert_eq!((total(&full), edges(&full)), (json!(111), 5));
    assert_eq!(counts(&texts), 1, "a full page is counted by one statement");
    let status = json!({"relationshipStatus": ["ACTIVE"]});
    let active = t.ok(&boss, CLIENTS, json!({"id": partner, "first": 5, "f": status})).await;
    assert_eq!((total(&active), edges(&active)), (json!(SEEDED), 5));

    // After a cursor, a short page is not every match: still the total.
    let cursors = "query($id: ID!, $first: Int, $after: String){ partnerAccount(id:$id){
        clients(first:$first, after:$after, filter:{search: \"seeded 29\"}){ totalCount edges{ cursor } } } }";
    let ten = t.ok(&boss, cursors, json!({"id": partner, "first": 10})).await;
    assert_eq!((total(&ten), edges(&ten)), (json!(11), 10));
    let last = ten["partnerAccount"]["clients"]["edges"][9]["cursor"].clone();
    let tail = t.ok(&boss, cursors, json!({"id": partner, "first": 50, "after": last})).await;
    assert_eq!((total(&tail), edges(&tail)), (json!(11), 1));
}

#[tokio::test]
async fn the_clients_and_employees_tabs_read_the_callers_membership_once() {
    // R1, R33 (issue 9): `partnerAccount` reads the account with the
    // caller's membership; its tabs take that finding instead of reading
    // the same row again.
    let t = TestApp::new().await;
    let (partner, boss) = seeded(&t).await;
    let membership_reads = |texts: &[String]| containing(texts, "LEFT JOIN memberships m ON m.account_id = a.id");
    t.take_texts();
    t.ok(&boss, CLIENTS, json!({"id": partner, "first": 5})).await;
    assert_eq!(membership_reads(&t.take_texts()), 1, "the Clients tab");
    let employees = "query($id: ID!){ partnerAccount(id:$id){ employees(first: 5){ totalCount } } }";
    t.ok(&boss, employees, json!({"id": partner})).await;
    assert_eq!(membership_reads(&t.take_texts()), 1, "the Employees tab");
}

#[tokio::test]
async fn a_nested_list_asked_only_for_its_total_reads_none_of_its_rows() {
    // R1, R25 (issue 9): the Employees tab shows each worker's number of
    // client memberships, the Clients tab may show each client's number of
    // partner users: counts only. The first row of each nested list is
    // poisoned; asking for the rows fails, asking for the total does not.
    let t = TestApp::new().await;
    let (partner, boss) = seeded(&t).await;
    let seed1 = "(SELECT id FROM accounts WHERE name = 'Seeded 1')";
    let client = first_client(&t, &boss, &partner).await;

    // A partner user's owned assets.
    t.execute(&format!(
        "UPDATE assets SET kind = 'POISON' WHERE id = (SELECT MIN(id) FROM assets WHERE client_id = {seed1})"
    ))
    .await;
    let assets = "query($id: ID!){ partnerAccount(id:$id){ clients(first: 1){ edges{ node{
        partnerUsers(first: 1){ edges{ node{ ownedAssets(first: 5){ totalCount ROWS } } } } } } } } }";
    let rows = assets.replace("ROWS", "edges{ node{ name } }");
    assert_eq!(
        error_codes(&t.exec(&boss, &rows, json!({"id": partner})).await),
        vec!["INTERNAL"],
        "the poison is real"
    );
    let d = t.ok(&boss, &assets.replace("ROWS", ""), json!({"id": partner})).await;
    let owned = &d["partnerAccount"]["clients"]["edges"][0]["node"]["partnerUsers"]["edges"][0]["node"]["ownedAssets"];
    assert_eq!(owned["totalCount"], json!(PARTNER_USERS));

    // A client's partner users, a client's members, a worker's client
    // memberships: the boss's membership of "Seeded 1" is the first of each.
    t.execute(&format!(
        "UPDATE memberships SET worker_kind = 'POISON' WHERE id = (SELECT MIN(id) FROM memberships WHERE account_id = {seed1})"
    ))
    .await;
    let lists = [
        (
            "query($id: ID!){ partnerAccount(id:$id){ clients(first: 3){ edges{ node{ partnerUsers(first: 5){ totalCount ROWS } } } } } }",
            &partner,
            &boss,
            json!(1 + PARTNER_USERS),
        ),
        (
            "query($id: ID!){ clientAccount(id:$id){ members(first: 5){ totalCount ROWS } } }",
            &client,
            &As::Operator,
            json!(1 + PARTNER_USERS),
        ),
        (
            "query($id: ID!){ partnerAccount(id:$id){ employees(first: 5){ edges{ node{ clientMemberships(first: 5){ totalCount ROWS } } } } } }",
            &partner,
            &boss,
            json!(SEEDED),
        ),
    ];
    for (q, id, who, total) in lists {
        for rows in ["edges{ node{ id } }", "nodes{ id }", "pageInfo{ hasNextPage }"] {
            let failed = t.exec(who, &q.replace("ROWS", rows), json!({"id": id})).await;
            assert_eq!(error_codes(&failed), vec!["INTERNAL"], "the poison is real: {rows} in {q}");
        }
        let d = t.ok(who, &q.replace("ROWS", ""), json!({"id": id})).await;
        let text = d.to_string();
        assert!(text.contains(&format!("\"totalCount\":{total}")), "{q}: {text}");
    }
}

#[tokio::test]
async fn a_tabs_count_alone_reads_none_of_its_rows() {
    // R1 (issue 9): a tab's label ("300 clients", "1 employee") asks for a
    // list's totalCount alone: the total is counted, no page is read.
    let t = TestApp::new().await;
    let (partner, boss) = seeded(&t).await;
    poison_client(&t, "Seeded 1").await;
    let clients = "query($id: ID!, $f: ClientFilter){ partnerAccount(id:$id){ clients(first: 5, filter: $f){
        totalCount ROWS } } }";
    let rows = clients.replace("ROWS", "edges{ node{ client{ name } } }");
    assert_eq!(
        error_codes(&t.exec(&boss, &rows, json!({"id": partner})).await),
        vec!["INTERNAL"],
        "the poison is real"
    );
    let count = |d: &Value| d["partnerAccount"]["clients"]["totalCount"].clone();
    let all = t.ok(&boss, &clients.replace("ROWS", ""), json!({"id": partner})).await;
    assert_eq!(count(&all), json!(SEEDED));
    let search = json!({"id": partner, "f": {"search": "seeded 1"}});
    let found = t.ok(&boss, &clients.replace("ROWS", ""), search).await;
    assert_eq!(count(&found), json!(111), "Seeded 1, 10 to 19 and 100 to 199");

    let employees = "query($id: ID!){ partnerAccount(id:$id){ employees(first: 5){ totalCount ROWS } } }";
    t.take_texts();
    let d = t.ok(&boss, &employees.replace("ROWS", "edges{ node{ id } }"), json!({"id": partner})).await;
    assert_eq!(d["partnerAccount"]["employees"]["totalCount"], json!(1));
    assert_eq!(containing(&t.take_texts(), "LIMIT 6"), 1, "the page of 5 reads 6 rows");
    let d = t.ok(&boss, &employees.replace("ROWS", ""), json!({"id": partner})).await;
    assert_eq!(d["partnerAccount"]["employees"]["totalCount"], json!(1));
    assert_eq!(containing(&t.take_texts(), "LIMIT 6"), 0, "the count alone reads no page");
}

#[tokio::test]
async fn the_clients_tab_with_partner_users_is_read_with_its_account_and_answers_as_when_read_apart() {
    // R1, R33 (issue 29): `partnerAccount { clients { … partnerUsers } }`
    // is read as one read model: on PostgreSQL one statement after the
    // caller's (the account, the caller's membership, the page and each
    // row's partner users), never more than 2 round trips. The same
    // selection reached through `node(id)` reads the account first and the
    // tab apart: both answer the same, page after page and filtered.
    let t = TestApp::new().await;
    let (partner, boss) = seeded(&t).await;
    let apart = CLIENTS.replacen("partnerAccount(id:$id){", "node(id:$id){ ... on PartnerAccount {", 1) + " }";
    let tab = |d: &Value| d.get("partnerAccount").or_else(|| d.get("node")).cloned().unwrap_or_default();
    for f in [json!(null), json!({"relationshipStatus": ["ACTIVE"]}), json!({"accessTypes": ["STANDARD"]})] {
        for after in [None, Some(cursor(5)), Some(cursor(10))] {
            let vars = json!({"id": partner, "first": 5, "after": after, "f": f});
            let before = t.statement_count();
            let at_once = t.ok(&boss, CLIENTS, vars.clone()).await;
            let statements = t.statement_count() - before;
            let read_apart = t.ok(&boss, &apart, vars).await;
            assert_eq!(tab(&at_once), tab(&read_apart), "{f}");
            assert_eq!(at_once["partnerAccount"]["clients"]["edges"].as_array().map(Vec::len), Some(5));
            if t.db.is_postgres() {
                // The caller's user (the harness reads it), then the tab; a
                // full first page filtered by access type (or search) counts
                // its total by one more (`total_apart`), as before.
                let counted_apart = after.is_none() && f.get("accessTypes").is_some();
                let most = if counted_apart { 3 } else { 2 };
                assert!(statements <= most, "{statements} statements for the tab with {f} after {after:?}");
            }
        }
    }
    // R1: a worker of the partner who is no CAM user sees the account but
    // not its tab.
    let w = World::new(&t);
    let plain = w.worker(&partner, "plain", "STANDARD", &[], "EMPLOYEE", None).await;
    let refused = t.exec(&plain.who, CLIENTS, json!({"id": partner, "first": 5})).await;
    assert_eq!(error_codes(&refused), vec!["FORBIDDEN"], "{refused}");
}

#[tokio::test]
async fn the_clients_tab_read_at_once_answers_every_partner_user_field_as_when_read_apart() {
    // R1, R27, R33 (issue 29): the read model sends each partner user's
    // user and set once however many memberships share them, and its
    // clients once however many partner users they have. Whatever is asked
    // of the partner users (every field, their totals alone, no totals, a
    // status filter, none of them), by the boss or the operator, the answer
    // is the one the same selection gets through `node(id)`, read apart.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let agency = Agency::new(&w).await;
    let partner = agency.partner.clone();
    let boss = agency.boss.who.clone();
    let ann = w.worker(&partner, "ann", "STANDARD", &[], "EMPLOYEE", None).await;
    let bob = w.worker(&partner, "bob", "STANDARD", &[], "CONTRACTOR", None).await;
    let set = w.permission_set(&partner, &boss, "Marketing", &["CONTACTS_VIEW", "REPORTS_ACCESS"]).await;
    for i in 0..4 {
        let (client, _, _) = agency.approve_into(&w, &format!("Client{i}")).await;
        // Ann and Bob share one set in two clients, Ann alone in one, and
        // the boss (the built-in Partner Admin set) is in all four.
        let workers: Vec<&str> = match i {
            0 | 1 => vec![&ann.id, &bob.id],
            2 => vec![&ann.id],
            _ => vec![],
        };
        if !workers.is_empty() {
            let added = w.add_workers(&partner, &client, &workers, &set, &boss).await;
            assert!(user_error_codes(&added).is_empty(), "{added}");
        }
    }
    let every = "totalCount pageInfo{ hasNextPage endCursor } edges{ cursor node{ id role seat status permissions
        managedCredit createdAt expiresAt user{ id email name } account{ id name } permissionSet{ id name permissions }
        partner{ id name } } }";
    let selections = [
        format!("partnerUsers(first: 2){{ {every} }}"),
        format!("partnerUsers(first: 2, after: null, status: [ACTIVE]){{ {every} }}"),
        "partnerUsers{ totalCount }".to_string(),
        "partnerUsers(first: 1){ edges{ node{ role user{ email } permissionSet{ name } } } }".to_string(),
        "displayName".to_string(),
    ];
    for users in &selections {
        let q = format!(
            "query($id: ID!, $after: String){{ partnerAccount(id:$id){{ name clients(first: 3, after: $after){{
                totalCount pageInfo{{ hasNextPage endCursor }} edges{{ node{{ displayName status accessTypes
                activePartnerUserCount client{{ id name }} {users} }} }} }} }} }}"
        );
        let apart = q.replacen("partnerAccount(id:$id){", "node(id:$id){ ... on PartnerAccount {", 1) + " }";
        for who in [&boss, &As::Operator] {
            let mut after = Value::Null;
            for _page in 0..2 {
                let vars = json!({"id": partner, "after": after});
                let before = t.statement_count();
                let at_once = t.ok(who, &q, vars.clone()).await;
                if t.db.is_postgres() {
                    // The token's user (none for the operator), the read
                    // model, and for `partner { … }` the partner's account:
                    // the users, sets and accounts come with the read.
                    let most = usize::from(matches!(who, As::User(_))) + 1 + usize::from(users.contains("partner{"));
                    let statements = t.statement_count() - before;
                    assert!(statements <= most, "{statements} statements for {users} as {who:?}");
                }
                let read_apart = t.ok(who, &apart, vars).await;
                assert_eq!(at_once["partnerAccount"], read_apart["node"], "{users} as {who:?}");
                let clients = &at_once["partnerAccount"]["clients"];
                assert_eq!(clients["totalCount"], json!(4), "{users}");
                after = clients["pageInfo"]["endCursor"].clone();
            }
        }
    }
    // The first client's partner users, in membership order, each with
    // their own user and the set they share.
    let q = format!(
        "query($id: ID!){{ partnerAccount(id:$id){{ clients(first: 1){{ edges{{ node{{ partnerUsers(first: 3){{ {every} }} }} }} }} }} }}"
    );
    let d = t.ok(&boss, &q, json!({"id": partner})).await;
    let users = &d["partnerAccount"]["clients"]["edges"][0]["node"]["partnerUsers"];
    let emails: Vec<&str> =
        users["edges"].as_array().unwrap().iter().filter_map(|e| e["node"]["user"]["email"].as_str()).collect();
    assert_eq!(emails, vec![agency.boss.email.as_str(), ann.email.as_str(), bob.email.as_str()], "{users}");
    let sets: Vec<&Value> =
        users["edges"].as_array().unwrap().iter().map(|e| &e["node"]["permissionSet"]["name"]).collect();
    assert_eq!(sets, vec![&json!("Partner Admin"), &json!("Marketing"), &json!("Marketing")], "{users}");
}

/// SQLite's plan of each statement in `texts` (`EXPLAIN QUERY PLAN`, its
/// placeholders bound to NULL: SQLite plans before it reads the values), one
/// line per step with its table and how it reads it.
async fn sqlite_plans(t: &TestApp, texts: &[String]) -> Vec<String> {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let mut lines = Vec::new();
    for text in texts {
        let placeholders = text
            .split('?')
            .skip(1)
            .filter_map(|rest| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse::<usize>().ok())
            .max()
            .unwrap_or(0);
        let explain = Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            format!("EXPLAIN QUERY PLAN {text}"),
            vec![sea_orm::Value::BigInt(None); placeholders],
        );
        for row in t.app.store.connection().query_all(explain).await.expect("explain") {
            lines.push(row.try_get::<String>("", "detail").unwrap());
        }
    }
    lines
}

#[tokio::test]
async fn on_sqlite_the_clients_tabs_status_filters_and_search_read_only_the_rows_that_can_match() {
    // R1, R27 (issue 29): at 100,000 clients, SQLite counted the ENDING or
    // ENDED clients through `managed_relationships (partner_id, id)`, every
    // relationship of the partner (20 ms), though a partial index holds the
    // idle ones alone; and a search probed the relationship and the client
    // of every candidate of its term, for the page and again for its count.
    // The plans show what each statement reads. PostgreSQL plans by its
    // statistics; the bench measures it at 100,000 clients.
    let t = TestApp::new().await;
    if t.db.is_postgres() {
        return;
    }
    let (partner, boss) = seeded(&t).await;
    let read = |f: Value| {
        let (t, boss, partner) = (&t, boss.clone(), partner.clone());
        async move {
            t.take_texts();
            t.ok(&boss, CLIENTS, json!({"id": partner, "first": 5, "f": f})).await;
            let plans = sqlite_plans(t, &t.take_texts()).await;
            // `r` is managed_relationships in every statement of the tab.
            let of_relationships: Vec<String> =
                plans.into_iter().filter(|l| l.contains(" r ") || l.starts_with("SCAN r")).collect();
            assert!(
                !of_relationships.iter().any(|l| l.starts_with("SCAN r") || l.contains("ix_relationships_partner_id")),
                "{f}: no statement walks every relationship of the partner: {of_relationships:#?}"
            );
            of_relationships
        }
    };
    for f in [
        json!({"relationshipStatus": ["ENDING"]}),
        json!({"relationshipStatus": ["ENDED"]}),
        json!({"relationshipStatus": ["ENDING", "ENDED"]}),
        json!({"accessTypes": ["NONE"]}),
    ] {
        let plans = read(f.clone()).await;
        assert!(
            plans.iter().all(|l| l.contains("ix_relationships_idle")),
            "{f}: the page and its count read the idle relationships' index: {plans:#?}"
        );
    }
    let active = read(json!({"relationshipStatus": ["ACTIVE"]})).await;
    assert!(active.iter().all(|l| l.contains("ix_relationships_active_id")), "{active:#?}");
    // The search: the FTS5 table's candidates in id order, each one's
    // relationship read by its id; the count reads the FTS5 table alone.
    let search = read(json!({"search": "seeded 2"})).await;
    assert!(search.iter().all(|l| l.contains("INTEGER PRIMARY KEY")), "{search:#?}");
}
