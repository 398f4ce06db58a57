//! The Clients tab's search (R1, R27; the glossary's "Managed relationship":
//! its display name is the CRM name, else the client account's name): a
//! case-insensitive substring of the display name, kept right by the
//! database after every write that changes a name (m20261206_000702).
//!
//! No use case renames or deletes a client account or a relationship
//! today; those writes are made in SQL here, as an operator or a later use
//! case would make them, to prove that whatever the search reads follows.

use cam_api::graphql::ids::{decode, Kind};
use cam_tests::*;
use serde_json::{json, Value};

const CLIENTS: &str = "query($id: ID!, $first: Int, $after: String, $s: String){ partnerAccount(id:$id){
    clients(first:$first, after:$after, filter:{search: $s}){
        totalCount pageInfo{ hasNextPage endCursor } edges{ cursor node{ displayName } } } } }";

/// A partner whose boss approves into new clients, and searches them.
struct Agency(cam_tests::Agency);

impl Agency {
    async fn new(w: &World<'_>) -> Self {
        Self(cam_tests::Agency::new(w).await)
    }

    /// A client named exactly `name` (the helper's suffix taken off), which
    /// the partner then manages; returns its id.
    async fn manage(&self, t: &TestApp, w: &World<'_>, name: &str) -> String {
        let client = w.client("Client").await;
        rename(t, &client, name).await;
        self.0.approve_client(w, &client, &format!("owner-{}", raw(&client))).await;
        client
    }

    /// The display names the search finds, in the tab's order, and its total.
    async fn search(&self, t: &TestApp, term: &str) -> (Vec<String>, i64) {
        let c = self.page(t, term, 50, None).await;
        (names(&c), c["totalCount"].as_i64().unwrap())
    }

    async fn page(&self, t: &TestApp, term: &str, first: i64, after: Option<&str>) -> Value {
        let vars = json!({"id": self.0.partner, "first": first, "after": after, "s": term});
        t.ok(&self.0.boss.who, CLIENTS, vars).await["partnerAccount"]["clients"].clone()
    }
}

fn names(conn: &Value) -> Vec<String> {
    let edges = conn["edges"].as_array().unwrap();
    edges.iter().map(|e| e["node"]["displayName"].as_str().unwrap().to_string()).collect()
}

fn raw(client: &str) -> i64 {
    decode(Kind::ClientAccount, client).expect("a client account id")
}

/// Renames the client account in SQL (no use case renames accounts).
async fn rename(t: &TestApp, client: &str, name: &str) {
    t.execute(&format!("UPDATE accounts SET name = '{}' WHERE id = {}", name.replace('\'', "''"), raw(client))).await;
}

/// What the database keeps for the search is the display name of every
/// relationship, lower-cased, with its partner, and nothing else
/// (m20261206_000702; SQLite's partner: m20261206_000703).
async fn assert_kept_right(t: &TestApp) {
    let kept = if t.db.is_postgres() {
        "SELECT relationship_id AS id, partner_id, name FROM client_search ORDER BY relationship_id"
    } else {
        "SELECT rowid AS id, partner_id, lower(name) AS name FROM client_search ORDER BY rowid"
    };
    let shown = "SELECT r.id, r.partner_id, lower(COALESCE(r.crm_name, a.name)) AS name \
        FROM managed_relationships r JOIN accounts a ON a.id = r.client_id ORDER BY r.id";
    let rows = |rows: Vec<sea_orm::QueryResult>| -> Vec<(i64, i64, String)> {
        let at = |r: &sea_orm::QueryResult| {
            (r.try_get("", "id").unwrap(), r.try_get("", "partner_id").unwrap(), r.try_get("", "name").unwrap())
        };
        rows.iter().map(at).collect()
    };
    let kept = rows(t.rows(kept).await);
    assert!(!kept.is_empty(), "the test has relationships to keep");
    assert_eq!(kept, rows(t.rows(shown).await));
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn the_search_takes_percent_and_underscore_literally() {
    // R1, R27: `%` and `_` are characters of the term, never wildcards,
    // whether the term is long enough for the trigram index or not; so are
    // `\` and `"` (which the SQLite index's query syntax would read).
    let t = TestApp::new().await;
    let w = World::new(&t);
    let a = Agency::new(&w).await;
    for name in ["100% Organic", "100X Organic", "Snake_Case Ltd", "SnakeXCase Ltd", "Back\\Slash Co", "Say \"Hi\" Ltd"]
    {
        a.manage(&t, &w, name).await;
    }

    assert_eq!(a.search(&t, "100%").await, (strings(&["100% Organic"]), 1));
    assert_eq!(a.search(&t, "0% o").await, (strings(&["100% Organic"]), 1));
    assert_eq!(a.search(&t, "e_c").await, (strings(&["Snake_Case Ltd"]), 1));
    assert_eq!(a.search(&t, "%").await, (strings(&["100% Organic"]), 1));
    assert_eq!(a.search(&t, "_").await, (strings(&["Snake_Case Ltd"]), 1));
    assert_eq!(a.search(&t, "k\\s").await, (strings(&["Back\\Slash Co"]), 1));
    assert_eq!(a.search(&t, "%%").await, (vec![], 0));
    assert_eq!(a.search(&t, "\"hi\"").await, (strings(&["Say \"Hi\" Ltd"]), 1), "a quote is a character too");
}

#[tokio::test]
async fn a_term_shorter_than_three_characters_still_searches_ignoring_case() {
    // R1, R27: the trigram index finds terms of three characters or more;
    // shorter ones are searched all the same.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let a = Agency::new(&w).await;
    for name in ["Acme Corp", "Bolt Ltd", "Crane Inc", "Q"] {
        a.manage(&t, &w, name).await;
    }

    assert_eq!(a.search(&t, "OL").await, (strings(&["Bolt Ltd"]), 1));
    assert_eq!(a.search(&t, "c").await, (strings(&["Acme Corp", "Crane Inc"]), 2));
    assert_eq!(a.search(&t, "q").await, (strings(&["Q"]), 1));
    assert_eq!(a.search(&t, "E I").await, (strings(&["Crane Inc"]), 1), "a blank inside the term counts");
    assert_eq!(a.search(&t, "CME CO").await, (strings(&["Acme Corp"]), 1));
    assert_eq!(a.search(&t, "zz").await, (vec![], 0));
}

#[tokio::test]
async fn a_crm_name_hides_the_client_name_from_the_search_and_a_new_one_replaces_it() {
    // R1, R27: the search is on the display name, which the CRM name
    // replaces; changing the CRM name again changes what is found.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let a = Agency::new(&w).await;
    let acme = a.manage(&t, &w, "Acme Logistics").await;
    a.manage(&t, &w, "Bolt Logistics").await;

    set_crm_name(&t, &a.0.partner, &acme, "Zenith Retail").await;
    assert_eq!(a.search(&t, "acme").await, (vec![], 0), "the client's name is hidden");
    assert_eq!(a.search(&t, "logistics").await, (strings(&["Bolt Logistics"]), 1));
    assert_eq!(a.search(&t, "ZENITH").await, (strings(&["Zenith Retail"]), 1));

    set_crm_name(&t, &a.0.partner, &acme, "Orion Freight").await;
    assert_kept_right(&t).await;
    assert_eq!(a.search(&t, "zenith").await, (vec![], 0), "the old CRM name is gone");
    assert_eq!(a.search(&t, "freight").await, (strings(&["Orion Freight"]), 1));

    // Another partner's CRM name for the same client is its own.
    let w2 = World::new(&t);
    let other = Agency::new(&w2).await;
    let owner = w2.client_admin(&acme, "owner-again").await;
    let ap = w2.approve(&other.0.token, &acme, &owner.who).await;
    assert!(user_error_codes(&ap).is_empty(), "{ap}");
    assert_eq!(other.search(&t, "acme").await, (strings(&["Acme Logistics"]), 1));
    assert_eq!(other.search(&t, "orion").await, (vec![], 0));
    assert_kept_right(&t).await;
}

#[tokio::test]
async fn a_client_renamed_after_the_relationship_exists_is_found_by_its_new_name() {
    // R1, R27: the display name follows the client account's name, unless
    // a CRM name hides it.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let a = Agency::new(&w).await;
    let acme = a.manage(&t, &w, "Acme Corp").await;
    let bolt = a.manage(&t, &w, "Bolt Corp").await;
    set_crm_name(&t, &a.0.partner, &bolt, "Bolt From The CRM").await;

    rename(&t, &acme, "Northwind Traders").await;
    rename(&t, &bolt, "Renamed Bolt").await;
    assert_kept_right(&t).await;

    assert_eq!(a.search(&t, "acme").await, (vec![], 0), "the old name is gone");
    assert_eq!(a.search(&t, "northwind").await, (strings(&["Northwind Traders"]), 1));
    assert_eq!(a.search(&t, "wi").await, (strings(&["Northwind Traders"]), 1));
    assert_eq!(a.search(&t, "renamed").await, (vec![], 0), "the CRM name still hides the client's");
    assert_eq!(a.search(&t, "from the crm").await, (strings(&["Bolt From The CRM"]), 1));
}

#[tokio::test]
async fn new_relationships_are_found_and_deleted_ones_are_not() {
    // R1, R27: a relationship is searchable from the moment it exists and
    // no longer once it is gone, also when its client account is deleted.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let a = Agency::new(&w).await;
    let one = a.manage(&t, &w, "Harbor Logistics One").await;
    assert_eq!(a.search(&t, "logistics").await, (strings(&["Harbor Logistics One"]), 1));
    let two = a.manage(&t, &w, "Harbor Logistics Two").await;
    a.manage(&t, &w, "Harbor Logistics Three").await;
    let all = strings(&["Harbor Logistics One", "Harbor Logistics Two", "Harbor Logistics Three"]);
    assert_eq!(a.search(&t, "logistics").await, (all, 3));

    t.execute(&format!("DELETE FROM managed_relationships WHERE client_id = {}", raw(&one))).await;
    // The account's audit trail holds it (no cascade); its relationship
    // goes by the cascade.
    let two = raw(&two);
    t.execute(&format!("DELETE FROM audit_events WHERE account_id = {two} OR partner_id = {two}")).await;
    t.execute(&format!("DELETE FROM accounts WHERE id = {two}")).await;
    assert_kept_right(&t).await;
    assert_eq!(a.search(&t, "logistics").await, (strings(&["Harbor Logistics Three"]), 1));
    assert_eq!(a.search(&t, "lo").await, (strings(&["Harbor Logistics Three"]), 1));
}

#[tokio::test]
async fn a_searched_page_counts_every_match_and_pages_on_by_cursor() {
    // R1, R27: a full first page counts the matches that follow it (the
    // partner's only); the next page starts after the cursor, in the order
    // of the relationships.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let a = Agency::new(&w).await;
    for name in ["Alpha Freight", "Bravo Foods", "Charlie Freight", "Delta Freight", "Echo Freight"] {
        a.manage(&t, &w, name).await;
    }
    // Another partner's matches are not counted.
    let w2 = World::new(&t);
    Agency::new(&w2).await.manage(&t, &w2, "Foxtrot Freight").await;

    let first = a.page(&t, "FREIGHT", 2, None).await;
    assert_eq!(names(&first), strings(&["Alpha Freight", "Charlie Freight"]));
    assert_eq!((first["totalCount"].clone(), first["pageInfo"]["hasNextPage"].clone()), (json!(4), json!(true)));
    let after = first["pageInfo"]["endCursor"].as_str().unwrap().to_string();
    let next = a.page(&t, "FREIGHT", 2, Some(&after)).await;
    assert_eq!(names(&next), strings(&["Delta Freight", "Echo Freight"]));
    assert_eq!((next["totalCount"].clone(), next["pageInfo"]["hasNextPage"].clone()), (json!(4), json!(false)));
    let end = next["pageInfo"]["endCursor"].as_str().unwrap().to_string();
    let past = a.page(&t, "FREIGHT", 2, Some(&end)).await;
    assert_eq!((names(&past), past["totalCount"].clone()), (vec![], json!(4)));

    // With a status as well, the total counts the matches of both, from a
    // full first page and from the next one.
    let both = |status: &str, after: Option<&str>| {
        let vars = json!({"id": a.0.partner, "first": 2, "after": after, "s": "FREIGHT", "st": [status]});
        let (t, who) = (&t, a.0.boss.who.clone());
        async move { t.ok(&who, WITH_STATUS, vars).await["partnerAccount"]["clients"].clone() }
    };
    let first = both("ACTIVE", None).await;
    assert_eq!(
        (names(&first), first["totalCount"].clone()),
        (strings(&["Alpha Freight", "Charlie Freight"]), json!(4))
    );
    let next = both("ACTIVE", Some(&after)).await;
    assert_eq!((names(&next), next["totalCount"].clone()), (strings(&["Delta Freight", "Echo Freight"]), json!(4)));
    let ending = both("ENDING", None).await;
    assert_eq!((names(&ending), ending["totalCount"].clone()), (vec![], json!(0)));
}

const WITH_STATUS: &str = "query($id: ID!, $first: Int, $after: String, $s: String, $st: [RelationshipStatus!]){
    partnerAccount(id:$id){ clients(first:$first, after:$after, filter:{search: $s, relationshipStatus: $st}){
        totalCount edges{ node{ displayName } } } } }";

#[tokio::test]
async fn relationships_made_before_the_search_kept_their_partner_are_found_and_the_migration_goes_back() {
    // R1, R27: m20261206_000703 rebuilds what the search keeps (on SQLite
    // the partner joins the name) from the relationships already there, and
    // its way down leaves the names kept as before.
    use cam_migration::{Migrator, MigratorTrait};
    use sea_orm::ConnectionTrait;
    let db = TestDb::new().await;
    let conn = sea_orm::Database::connect(&db.url).await.unwrap();
    let before = Migrator::migrations().iter().position(|m| m.name() == "m20261206_000703_search_by_partner").unwrap();
    Migrator::up(&conn, Some(u32::try_from(before).unwrap())).await.unwrap();
    let at = if db.is_postgres() {
        format!("'{}'::timestamptz", t0().to_rfc3339())
    } else {
        format!("'{}'", t0().to_rfc3339())
    };
    for (kind, name) in [("PARTNER", "Old Agency"), ("CLIENT", "Old Logistics"), ("CLIENT", "Older Logistics")] {
        conn.execute_unprepared(&format!(
            "INSERT INTO accounts (kind, name, data_center, created_at) VALUES ('{kind}', '{name}', 'na1', {at})"
        ))
        .await
        .unwrap();
    }
    conn.execute_unprepared(&format!(
        "INSERT INTO managed_relationships (partner_id, client_id, started_at, last_activity_at) \
         SELECT p.id, c.id, {at}, {at} FROM accounts p, accounts c \
         WHERE p.name = 'Old Agency' AND c.kind = 'CLIENT' ORDER BY c.id"
    ))
    .await
    .unwrap();
    conn.close().await.unwrap();

    let t = TestApp::on_database(db).await;
    assert_kept_right(&t).await;
    let partner =
        t.rows("SELECT id FROM accounts WHERE name = 'Old Agency'").await[0].try_get::<i64>("", "id").unwrap();
    let partner = cam_api::graphql::ids::encode(Kind::PartnerAccount, partner).to_string();
    let found = t.ok(&As::Operator, CLIENTS, json!({"id": partner, "first": 1, "s": "logistics"})).await;
    let found = &found["partnerAccount"]["clients"];
    assert_eq!((names(found), found["totalCount"].clone()), (strings(&["Old Logistics"]), json!(2)));

    let conn = t.app.store.connection();
    Migrator::down(conn, Some(1)).await.unwrap();
    let kept = if t.db.is_postgres() {
        "SELECT name FROM client_search ORDER BY relationship_id"
    } else {
        "SELECT lower(name) AS name FROM client_search ORDER BY rowid"
    };
    let kept: Vec<String> = t.rows(kept).await.iter().map(|r| r.try_get("", "name").unwrap()).collect();
    assert_eq!(kept, strings(&["old logistics", "older logistics"]));
    Migrator::up(conn, None).await.unwrap();
    assert_kept_right(&t).await;
}
