//! The three tabs of the Client Access Manager (Clients, Employees,
//! Contractors) with their filters, the lists under them, and Relay paging:
//! R1, R4, R27 and the contract's connection rules.

use cam_tests::*;
use chrono::Duration;
use serde_json::{json, Value};

const CLIENTS: &str = "query($id: ID!, $first: Int, $after: String, $f: ClientFilter){ partnerAccount(id:$id){
    clients(first:$first, after:$after, filter:$f){
        totalCount pageInfo{ hasNextPage hasPreviousPage endCursor }
        edges{ cursor node{ id displayName status accessTypes activePartnerUserCount client{ id name } } } } } }";

const WORKERS: &str = "query($id: ID!, $first: Int, $after: String, $f: WorkerFilter){ partnerAccount(id:$id){
    employees(first:$first, after:$after, filter:$f){
        totalCount pageInfo{ hasNextPage endCursor } edges{ cursor node{ id kind status emailDomainVerified user{ name email } } } }
    contractors(filter:$f){
        totalCount edges{ node{ id kind status emailDomainVerified user{ name email } } } } } }";

async fn clients(t: &TestApp, who: &As, partner: &str, vars: Value) -> Value {
    let mut v = json!({ "id": partner });
    for (k, x) in vars.as_object().unwrap() {
        v[k] = x.clone();
    }
    t.ok(who, CLIENTS, v).await["partnerAccount"]["clients"].clone()
}

async fn workers(t: &TestApp, who: &As, partner: &str, vars: Value) -> Value {
    let mut v = json!({ "id": partner });
    for (k, x) in vars.as_object().unwrap() {
        v[k] = x.clone();
    }
    t.ok(who, WORKERS, v).await["partnerAccount"].clone()
}

/// The first word of each display name (client names are "<Name> <uid>").
fn display_names(conn: &Value) -> Vec<String> {
    conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["displayName"].as_str().unwrap().split(' ').next().unwrap().to_string())
        .collect()
}

fn worker_names(conn: &Value) -> Vec<String> {
    conn["edges"].as_array().unwrap().iter().map(|e| e["node"]["user"]["name"].as_str().unwrap().to_string()).collect()
}

async fn deactivate(t: &TestApp, who: &As, memberships: &[&str]) {
    let p = t
        .payload(
            who,
            "mutation($i: SetMemberStatusInput!){ deactivateMemberships(input:$i){ userErrors{ code } } }",
            json!({"i": {"membershipIds": memberships}}),
        )
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
}

async fn create_asset(t: &TestApp, client: &str, owner: &str, kind: &str, name: &str) {
    let p = t
        .payload(
            &As::Operator,
            "mutation($i: CreateAssetInput!){ createAsset(input:$i){ asset{ id } userErrors{ code } } }",
            json!({"i": {"clientAccountId": client, "ownerUserId": owner, "kind": kind, "name": name}}),
        )
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
}

async fn built_in_set(t: &TestApp, partner: &str, who: &As) -> String {
    let d = t
        .ok(who, "query($id: ID!){ partnerAccount(id:$id){ permissionSets{ id builtIn } } }", json!({"id": partner}))
        .await;
    let sets = d["partnerAccount"]["permissionSets"].as_array().unwrap().clone();
    sets.iter().find(|s| s["builtIn"] == json!(true)).unwrap()["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_clients_tab_shows_the_crm_name_and_searches_it_ignoring_case() {
    // R1, R27
    let t = TestApp::new().await;
    let w = World::new(&t);
    let a = Agency::new(&w).await;
    let (acme, _, _) = a.approve_into(&w, "Acme").await;
    a.approve_into(&w, "Bolt").await;
    a.approve_into(&w, "Crane").await;
    set_crm_name(&t, &a.partner, &acme, "Zenith Retail").await;

    let all = clients(&t, &a.boss.who, &a.partner, json!({})).await;
    assert_eq!(all["totalCount"], json!(3));
    assert_eq!(display_names(&all), vec!["Zenith", "Bolt", "Crane"], "oldest relationship first");
    let first = &all["edges"][0]["node"];
    assert_eq!(first["displayName"], json!("Zenith Retail"));
    assert!(first["client"]["name"].as_str().unwrap().starts_with("Acme "), "the official name stays: {first}");
    assert_eq!(first["accessTypes"], json!(["PARTNER_ADMIN"]));
    assert_eq!(first["status"], json!("ACTIVE"));
    assert_eq!(first["activePartnerUserCount"], json!(1));

    let zenith = clients(&t, &a.boss.who, &a.partner, json!({"f": {"search": "zENITH r"}})).await;
    assert_eq!(display_names(&zenith), vec!["Zenith"]);
    assert_eq!(zenith["totalCount"], json!(1));
    let acme_search = clients(&t, &a.boss.who, &a.partner, json!({"f": {"search": "acme"}})).await;
    assert_eq!(acme_search["totalCount"], json!(0), "the search is on the display name: {acme_search}");
    let bolt = clients(&t, &a.boss.who, &a.partner, json!({"f": {"search": "BOL"}})).await;
    assert_eq!(display_names(&bolt), vec!["Bolt"]);
}

#[tokio::test]
async fn the_clients_tab_filters_by_access_type_and_relationship_status() {
    // R27, R1
    let t = TestApp::new().await;
    let w = World::new(&t);
    let a = Agency::new(&w).await;
    let emp = w.worker(&a.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let set = w.permission_set(&a.partner, &a.boss.who, "Everyday", &["CONTACTS_VIEW"]).await;
    // Alpha: the boss as partner admin.
    a.approve_into(&w, "Alpha").await;
    // Bravo: the boss and a standard employee.
    let (bravo, _, _) = a.approve_into(&w, "Bravo").await;
    assert!(user_error_codes(&w.add_workers(&a.partner, &bravo, &[&emp.id], &set, &a.boss.who).await).is_empty());
    // Charlie: only the standard employee is still active.
    let (charlie, _, boss_in_charlie) = a.approve_into(&w, "Charlie").await;
    assert!(user_error_codes(&w.add_workers(&a.partner, &charlie, &[&emp.id], &set, &a.boss.who).await).is_empty());
    deactivate(&t, &a.boss.who, &[&boss_in_charlie]).await;
    // Delta: nobody active any more.
    let (_, _, boss_in_delta) = a.approve_into(&w, "Delta").await;
    deactivate(&t, &a.boss.who, &[&boss_in_delta]).await;
    // Echo: a worker who is super admin there, linked to the partner.
    let echo = w.client("Echo").await;
    let sal = w.worker(&a.partner, "sal", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    w.member(&echo, &sal.user_id, json!({"role": "SUPER_ADMIN"})).await;
    let linked = t
        .payload(
            &a.boss.who,
            "mutation($i: LinkWorkerToClientsInput!){ linkWorkerToClients(input:$i){ userErrors{ code } } }",
            json!({"i": {"workerId": sal.id, "clientAccountIds": [echo]}}),
        )
        .await;
    assert!(user_error_codes(&linked).is_empty(), "{linked}");

    let filtered = |f: Value| {
        let (t, who, partner) = (&t, a.boss.who.clone(), a.partner.clone());
        async move {
            let c = clients(t, &who, &partner, json!({ "f": f })).await;
            assert_eq!(c["totalCount"], json!(c["edges"].as_array().unwrap().len()), "{c}");
            display_names(&c)
        }
    };
    let all = clients(&t, &a.boss.who, &a.partner, json!({})).await;
    let types: Vec<Value> = all["edges"].as_array().unwrap().iter().map(|e| e["node"]["accessTypes"].clone()).collect();
    assert_eq!(
        types,
        vec![
            json!(["PARTNER_ADMIN"]),
            json!(["PARTNER_ADMIN", "STANDARD"]),
            json!(["STANDARD"]),
            json!(["NONE"]),
            json!(["SUPER_ADMIN"])
        ]
    );
    assert_eq!(filtered(json!({"accessTypes": ["PARTNER_ADMIN"]})).await, vec!["Alpha", "Bravo"]);
    assert_eq!(filtered(json!({"accessTypes": ["STANDARD"]})).await, vec!["Bravo", "Charlie"]);
    assert_eq!(filtered(json!({"accessTypes": ["SUPER_ADMIN"]})).await, vec!["Echo"]);
    assert_eq!(filtered(json!({"accessTypes": ["NONE", "SUPER_ADMIN"]})).await, vec!["Delta", "Echo"]);
    assert_eq!(filtered(json!({"relationshipStatus": ["ENDING"]})).await, vec!["Delta"]);
    assert_eq!(filtered(json!({"relationshipStatus": ["ACTIVE"]})).await, vec!["Alpha", "Bravo", "Charlie", "Echo"]);
    assert_eq!(filtered(json!({"accessTypes": ["STANDARD"], "search": "charl"})).await, vec!["Charlie"]);
    assert_eq!(filtered(json!({"relationshipStatus": ["ENDED"]})).await, Vec::<String>::new());
    // Several statuses keep the clients of any of them; none keeps none.
    assert_eq!(filtered(json!({"relationshipStatus": ["ENDING", "ENDED"]})).await, vec!["Delta"]);
    let active_or_ended = json!({"relationshipStatus": ["ACTIVE", "ENDED"]});
    assert_eq!(filtered(active_or_ended.clone()).await, vec!["Alpha", "Bravo", "Charlie", "Echo"]);
    assert_eq!(filtered(json!({"relationshipStatus": []})).await, Vec::<String>::new());

    t.advance(Duration::days(61));
    assert_eq!(filtered(json!({"relationshipStatus": ["ENDED"]})).await, vec!["Delta"]);
    assert_eq!(filtered(json!({"relationshipStatus": ["ENDING"]})).await, Vec::<String>::new());
    assert_eq!(filtered(json!({"relationshipStatus": ["ENDING", "ENDED"]})).await, vec!["Delta"]);
    assert_eq!(filtered(active_or_ended).await, vec!["Alpha", "Bravo", "Charlie", "Delta", "Echo"]);
    assert_eq!(filtered(json!({"relationshipStatus": ["ENDED"], "accessTypes": ["NONE"]})).await, vec!["Delta"]);
}

#[tokio::test]
async fn the_employees_and_contractors_tabs_search_and_filter_by_status() {
    // R1, R4
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    w.worker(&partner, "alice", "STANDARD", &[], "EMPLOYEE", None).await;
    let bob = w.worker(&partner, "bob", "STANDARD", &[], "EMPLOYEE", None).await;
    w.worker(&partner, "carol", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    w.worker(&partner, "dora", "STANDARD", &[], "CONTRACTOR", None).await;
    let d = t
        .payload(
            &boss.who,
            "mutation($i: DeactivateWorkerInput!){ deactivateWorker(input:$i){ userErrors{ code } } }",
            json!({"i": {"workerId": bob.id}}),
        )
        .await;
    assert!(user_error_codes(&d).is_empty(), "{d}");

    let all = workers(&t, &boss.who, &partner, json!({})).await;
    assert_eq!(worker_names(&all["employees"]), vec!["boss", "alice", "bob"]);
    assert_eq!(all["employees"]["totalCount"], json!(3));
    assert_eq!(worker_names(&all["contractors"]), vec!["carol", "dora"]);
    let verified: Vec<Value> = all["contractors"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["emailDomainVerified"].clone())
        .collect();
    assert_eq!(verified, vec![json!(false), json!(true)], "the check mark (R4)");
    assert!(all["contractors"]["edges"].as_array().unwrap().iter().all(|e| e["node"]["kind"] == "CONTRACTOR"));

    let ali = workers(&t, &boss.who, &partner, json!({"f": {"search": "ALI"}})).await;
    assert_eq!(worker_names(&ali["employees"]), vec!["alice"]);
    assert_eq!(ali["employees"]["totalCount"], json!(1));
    assert_eq!(ali["contractors"]["totalCount"], json!(0));
    let by_email = workers(&t, &boss.who, &partner, json!({"f": {"search": "FreeLance.io"}})).await;
    assert_eq!(worker_names(&by_email["contractors"]), vec!["carol"], "the email is searched too");
    assert_eq!(by_email["employees"]["totalCount"], json!(0));

    let gone = workers(&t, &boss.who, &partner, json!({"f": {"status": ["DEACTIVATED"]}})).await;
    assert_eq!(worker_names(&gone["employees"]), vec!["bob"]);
    assert_eq!(gone["employees"]["edges"][0]["node"]["status"], json!("DEACTIVATED"));
    let b = workers(&t, &boss.who, &partner, json!({"f": {"search": "b"}})).await;
    assert_eq!(worker_names(&b["employees"]), vec!["boss", "bob"]);
    let active = workers(&t, &boss.who, &partner, json!({"f": {"status": ["ACTIVE"], "search": "b"}})).await;
    assert_eq!(worker_names(&active["employees"]), vec!["boss"], "bob is deactivated");
    assert_eq!(active["employees"]["totalCount"], json!(1));
    let contractors = workers(&t, &boss.who, &partner, json!({"f": {"status": ["ACTIVE"]}})).await;
    assert_eq!(worker_names(&contractors["contractors"]), vec!["carol", "dora"]);
}

#[tokio::test]
async fn a_worker_lists_their_clients_and_a_client_lists_its_partner_users() {
    // R1, R23
    let t = TestApp::new().await;
    let w = World::new(&t);
    let a = Agency::new(&w).await;
    let emp = w.worker(&a.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let set = w.permission_set(&a.partner, &a.boss.who, "Everyday", &["CONTACTS_VIEW"]).await;
    let (alpha, _, _) = a.approve_into(&w, "Alpha").await;
    let (bravo, bravo_owner, _) = a.approve_into(&w, "Bravo").await;
    assert!(user_error_codes(&w.add_workers(&a.partner, &alpha, &[&emp.id], &set, &a.boss.who).await).is_empty());
    assert!(user_error_codes(&w.add_workers(&a.partner, &bravo, &[&emp.id], &set, &a.boss.who).await).is_empty());
    let emp_in_bravo = w.membership_of(&bravo, &emp.email, &bravo_owner.who).await;
    deactivate(&t, &a.boss.who, &[&emp_in_bravo]).await;
    // A client the partner does not manage, where emp happens to be a member.
    let unrelated = w.client("Unrelated").await;
    w.member(&unrelated, &emp.user_id, json!({"role": "STANDARD"})).await;

    let d = t
        .ok(
            &a.boss.who,
            "query($id: ID!){ node(id:$id){ ... on Worker { clientMemberships(first:10){
                totalCount edges{ node{ role status partner{ id } account{ name } } } } } } }",
            json!({"id": emp.id}),
        )
        .await;
    let cm = &d["node"]["clientMemberships"];
    assert_eq!(cm["totalCount"], json!(2), "only clients of this partner: {cm}");
    let accounts: Vec<String> = cm["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["account"]["name"].as_str().unwrap().split(' ').next().unwrap().to_string())
        .collect();
    assert_eq!(accounts, vec!["Alpha", "Bravo"]);
    assert_eq!(cm["edges"][1]["node"]["status"], json!("DEACTIVATED"));

    let c = clients(&t, &a.boss.who, &a.partner, json!({})).await;
    let alpha_pc = c["edges"][0]["node"]["id"].as_str().unwrap().to_string();
    let bravo_pc = c["edges"][1]["node"]["id"].as_str().unwrap().to_string();
    let users = |pc: String, status: Value| {
        let (t, who) = (&t, a.boss.who.clone());
        async move {
            t.ok(
                &who,
                "query($id: ID!, $s: [MemberStatus!]){ node(id:$id){ ... on PartnerClient { partnerUsers(first:10, status:$s){
                    totalCount edges{ node{ role status user{ email } } } } } } }",
                json!({"id": pc, "s": status}),
            )
            .await["node"]["partnerUsers"]
                .clone()
        }
    };
    let in_alpha = users(alpha_pc, json!(null)).await;
    let rows: Vec<(Value, Value)> = in_alpha["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["node"]["user"]["email"].clone(), e["node"]["role"].clone()))
        .collect();
    assert_eq!(
        rows,
        vec![(json!(a.boss.email), json!("PARTNER_ADMIN")), (json!(emp.email), json!("STANDARD"))],
        "the client's own super admin is not a partner user"
    );
    let active = users(bravo_pc.clone(), json!(["ACTIVE"])).await;
    assert_eq!(active["totalCount"], json!(1));
    assert_eq!(active["edges"][0]["node"]["user"]["email"], json!(a.boss.email));
    let deactivated = users(bravo_pc, json!(["DEACTIVATED"])).await;
    assert_eq!(deactivated["totalCount"], json!(1));
    assert_eq!(deactivated["edges"][0]["node"]["user"]["email"], json!(emp.email));
}

#[tokio::test]
async fn a_membership_lists_the_assets_its_user_owns_in_that_client() {
    // R25 (what removal would review)
    let t = TestApp::new().await;
    let w = World::new(&t);
    let a = Agency::new(&w).await;
    let emp = w.worker(&a.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let set = built_in_set(&t, &a.partner, &a.boss.who).await;
    let (alpha, alpha_owner, _) = a.approve_into(&w, "Alpha").await;
    let (bravo, _, _) = a.approve_into(&w, "Bravo").await;
    assert!(user_error_codes(&w.add_workers(&a.partner, &alpha, &[&emp.id], &set, &a.boss.who).await).is_empty());
    assert!(user_error_codes(&w.add_workers(&a.partner, &bravo, &[&emp.id], &set, &a.boss.who).await).is_empty());
    create_asset(&t, &alpha, &emp.user_id, "DEAL", "Q1 deals").await;
    create_asset(&t, &alpha, &emp.user_id, "LIST", "Leads").await;
    create_asset(&t, &bravo, &emp.user_id, "EMAIL", "Welcome").await;
    create_asset(&t, &alpha, &alpha_owner.user_id, "CONTACT", "Owner's contact").await;

    let d = t
        .ok(
            &a.boss.who,
            "query($id: ID!){ node(id:$id){ ... on Worker { clientMemberships{ edges{ node{
                account{ name } ownedAssets(first:10){ totalCount edges{ node{ kind name owner{ email } } } } } } } } } }",
            json!({"id": emp.id}),
        )
        .await;
    let edges = d["node"]["clientMemberships"]["edges"].as_array().unwrap().clone();
    assert_eq!(edges.len(), 2);
    let in_alpha = &edges[0]["node"]["ownedAssets"];
    assert_eq!(in_alpha["totalCount"], json!(2));
    let assets: Vec<(Value, Value)> = in_alpha["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["node"]["kind"].clone(), e["node"]["name"].clone()))
        .collect();
    assert_eq!(assets, vec![(json!("DEAL"), json!("Q1 deals")), (json!("LIST"), json!("Leads"))]);
    assert!(in_alpha["edges"].as_array().unwrap().iter().all(|e| e["node"]["owner"]["email"] == json!(emp.email)));
    let in_bravo = &edges[1]["node"]["ownedAssets"];
    assert_eq!(in_bravo["totalCount"], json!(1));
    assert_eq!(in_bravo["edges"][0]["node"]["name"], json!("Welcome"));

    // Paged like every connection.
    let m = w.membership_of(&alpha, &emp.email, &alpha_owner.who).await;
    let page = t
        .ok(
            &alpha_owner.who,
            "query($id: ID!){ node(id:$id){ ... on Membership { ownedAssets(first:1){ totalCount pageInfo{ hasNextPage } edges{ node{ name } } } } } }",
            json!({ "id": m }),
        )
        .await;
    let owned = &page["node"]["ownedAssets"];
    assert_eq!((owned["totalCount"].clone(), owned["pageInfo"]["hasNextPage"].clone()), (json!(2), json!(true)));
    assert_eq!(owned["edges"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_page_holds_at_most_100_rows() {
    // Contract: first at most 100
    let t = TestApp::new().await;
    let w = World::new(&t);
    let a = Agency::new(&w).await;
    a.approve_into(&w, "Alpha").await;
    let queries = [
        "query($id: ID!, $n: Int){ partnerAccount(id:$id){ clients(first:$n){ totalCount } } }",
        "query($id: ID!, $n: Int){ partnerAccount(id:$id){ employees(first:$n){ totalCount } } }",
        "query($id: ID!, $n: Int){ partnerAccount(id:$id){ contractors(first:$n){ totalCount } } }",
        "query($id: ID!, $n: Int){ partnerAccount(id:$id){ clients{ edges{ node{ partnerUsers(first:$n){ totalCount } } } } } }",
    ];
    for q in queries {
        let r = t.exec(&a.boss.who, q, json!({"id": a.partner, "n": 101})).await;
        assert_eq!(error_codes(&r), vec!["INVALID_INPUT"], "{q}: {r}");
        let r = t.exec(&a.boss.who, q, json!({"id": a.partner, "n": -1})).await;
        assert_eq!(error_codes(&r), vec!["INVALID_INPUT"], "{q}: {r}");
        let r = t.exec(&a.boss.who, q, json!({"id": a.partner, "n": 100})).await;
        assert!(r.get("errors").is_none(), "{q}: {r}");
    }
}

#[tokio::test]
async fn worker_pages_have_no_duplicates_nor_gaps_when_workers_are_added_between_pages() {
    // Contract: Relay cursors; R1
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    for name in ["e1", "e2", "e3", "e4"] {
        w.worker(&partner, name, "STANDARD", &[], "EMPLOYEE", None).await;
    }
    let page1 = workers(&t, &boss.who, &partner, json!({"first": 3})).await["employees"].clone();
    assert_eq!(worker_names(&page1), vec!["boss", "e1", "e2"]);
    assert_eq!((page1["totalCount"].clone(), page1["pageInfo"]["hasNextPage"].clone()), (json!(5), json!(true)));
    let cursor = page1["pageInfo"]["endCursor"].clone();

    for name in ["e5", "e6"] {
        w.worker(&partner, name, "STANDARD", &[], "EMPLOYEE", None).await;
    }
    let page2 = workers(&t, &boss.who, &partner, json!({"first": 10, "after": cursor})).await["employees"].clone();

    assert_eq!(worker_names(&page2), vec!["e3", "e4", "e5", "e6"]);
    assert_eq!((page2["totalCount"].clone(), page2["pageInfo"]["hasNextPage"].clone()), (json!(7), json!(false)));
    let again = workers(&t, &boss.who, &partner, json!({"first": 3})).await["employees"].clone();
    assert_eq!(again["edges"], page1["edges"], "the same page twice is the same, in the same order");
}

#[tokio::test]
async fn client_pages_have_no_duplicates_nor_gaps_when_clients_are_added_between_pages() {
    // Contract: Relay cursors; R1
    let t = TestApp::new().await;
    let w = World::new(&t);
    let a = Agency::new(&w).await;
    for name in ["Alpha", "Bravo", "Charlie"] {
        a.approve_into(&w, name).await;
    }
    let page1 = clients(&t, &a.boss.who, &a.partner, json!({"first": 2})).await;
    assert_eq!(display_names(&page1), vec!["Alpha", "Bravo"]);
    assert_eq!(page1["pageInfo"]["hasNextPage"], json!(true));
    assert_eq!(page1["totalCount"], json!(3));

    for name in ["Delta", "Echo"] {
        a.approve_into(&w, name).await;
    }
    let page2 =
        clients(&t, &a.boss.who, &a.partner, json!({"first": 2, "after": page1["pageInfo"]["endCursor"]})).await;
    let page3 =
        clients(&t, &a.boss.who, &a.partner, json!({"first": 2, "after": page2["pageInfo"]["endCursor"]})).await;

    assert_eq!(display_names(&page2), vec!["Charlie", "Delta"]);
    assert_eq!(page2["pageInfo"]["hasPreviousPage"], json!(true));
    assert_eq!(display_names(&page3), vec!["Echo"]);
    assert_eq!(page3["pageInfo"]["hasNextPage"], json!(false));
    assert_eq!(page3["totalCount"], json!(5));
    let ids: std::collections::BTreeSet<String> = [&page1, &page2, &page3]
        .iter()
        .flat_map(|p| p["edges"].as_array().unwrap().iter().map(|e| e["node"]["id"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(ids.len(), 5, "each client once");
}

#[tokio::test]
async fn the_tabs_are_forbidden_to_workers_without_cam_rights() {
    // R1
    let t = TestApp::new().await;
    let w = World::new(&t);
    let a = Agency::new(&w).await;
    a.approve_into(&w, "Alpha").await;
    w.worker(&a.partner, "dev", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    let half = w.worker(&a.partner, "half", "STANDARD", &["PARTNER_EMPLOYEE_MANAGEMENT_EDIT"], "EMPLOYEE", None).await;
    for tab in ["clients", "employees", "contractors"] {
        let q =
            format!("query($id: ID!){{ partnerAccount(id:$id){{ {tab}{{ totalCount edges{{ node{{ id }} }} }} }} }}");
        let r = t.exec(&half.who, &q, json!({"id": a.partner})).await;
        assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{tab}: {r}");
        let ok = t.ok(&a.boss.who, &q, json!({"id": a.partner})).await;
        assert!(ok["partnerAccount"][tab]["totalCount"].as_i64().unwrap() >= 1, "{tab}: {ok}");
    }
}

#[tokio::test]
async fn the_clients_tab_costs_the_same_statements_for_five_or_fifty_clients() {
    // No N+1: the page size must not change the number of SQL statements.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let a = Agency::new(&w).await;
    let ann = w.worker(&a.partner, "ann", "STANDARD", &[], "EMPLOYEE", None).await;
    let ben = w.worker(&a.partner, "ben", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    let set = w.permission_set(&a.partner, &a.boss.who, "Team", &["CONTACTS_VIEW", "DEALS_VIEW"]).await;
    let (owner_id, owner) = w.user("owner", &w.domain("client")).await;
    for i in 0..50 {
        let client = w.client(&format!("Client{i:02}")).await;
        let m = w.member(&client, &owner_id, json!({"role": "SUPER_ADMIN"})).await;
        assert!(user_error_codes(&m).is_empty(), "{m}");
        let ap = w.approve(&a.token, &client, &user(&owner)).await;
        assert!(user_error_codes(&ap).is_empty(), "{ap}");
        let added = w.add_workers(&a.partner, &client, &[&ann.id, &ben.id], &set, &a.boss.who).await;
        assert!(user_error_codes(&added).is_empty(), "{added}");
    }
    let q = "query($id: ID!, $n: Int){ partnerAccount(id:$id){ clients(first:$n){ edges{ node{
        displayName status accessTypes activePartnerUserCount client{ name }
        partnerUsers(first: 10){ totalCount edges{ node{ role seat user{ email name } permissionSet{ name } } } } } } } } }";
    let run = |n: i64| {
        let (t, who, partner) = (&t, a.boss.who.clone(), a.partner.clone());
        async move {
            let before = t.statement_count();
            let d = t.ok(&who, q, json!({"id": partner, "n": n})).await;
            let cost = t.statement_count() - before;
            let edges = d["partnerAccount"]["clients"]["edges"].as_array().unwrap().clone();
            assert_eq!(edges.len() as i64, n);
            for e in &edges {
                let users = &e["node"]["partnerUsers"];
                assert_eq!(users["totalCount"], json!(3), "{e}");
                assert_eq!(e["node"]["activePartnerUserCount"], json!(3));
                let sets: Vec<&Value> =
                    users["edges"].as_array().unwrap().iter().map(|u| &u["node"]["permissionSet"]["name"]).collect();
                assert!(sets.contains(&&json!("Team")), "{e}");
            }
            cost
        }
    };

    let five = run(5).await;
    let fifty = run(50).await;

    assert!(five > 0, "statements are counted");
    assert_eq!(fifty, five, "50 clients cost {fifty} statements, 5 cost {five}");
    // Issue 9: the viewer, the partner and the check, the page with its
    // total, and the partner users with their users and sets.
    assert!(fifty <= 6, "the Clients tab with partner users costs {fifty} statements, at most 6 expected");
}
