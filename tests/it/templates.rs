//! A client account's own permission templates (R58): the built-in Partner
//! Admin template first, then those its super admins keep; adding users
//! with a template (R22) and switching a seat and a template in one step,
//! under the rules that hold for a permission list (R5, R6, R20, R22), and
//! every refusal with its code, changing nothing (R33, R34).

use cam_tests::*;
use serde_json::{json, Value};

const CREATE: &str = "mutation($i: CreatePermissionTemplateInput!){ createPermissionTemplate(input:$i){
    permissionTemplate{ id name permissions builtIn } userErrors{ code field message } } }";
const UPDATE: &str = "mutation($i: UpdatePermissionTemplateInput!){ updatePermissionTemplate(input:$i){
    permissionTemplate{ id name permissions builtIn } userErrors{ code field message } } }";
const DELETE: &str = "mutation($i: DeletePermissionTemplateInput!){ deletePermissionTemplate(input:$i){
    deletedTemplateId userErrors{ code field message } } }";
const TEMPLATES: &str =
    "query($id: ID!){ clientAccount(id:$id){ permissionTemplates{ id name permissions builtIn } } }";
const ADD: &str = "mutation($i: AddClientUsersInput!){ addClientUsers(input:$i){
    memberships{ id role seat permissions partner{ id } user{ email } } userErrors{ code field message } } }";
const SEAT: &str = "mutation($i: ChangeSeatInput!){ changeSeat(input:$i){
    membership{ id role seat permissions partner{ id } } withheldPermissions userErrors{ code field message } } }";
const MEMBERSHIP: &str = "query($id: ID!){ node(id:$id){ ... on Membership { role seat permissions } } }";
const AUDIT: &str = "query($id: ID!){ clientAccount(id:$id){ auditLog(first:100){ nodes{ action before after } } } }";

async fn create(t: &TestApp, who: &As, client: &str, name: &str, permissions: &[&str]) -> Value {
    t.payload(who, CREATE, json!({"i": {"clientAccountId": client, "name": name, "permissions": permissions}})).await
}

/// A template made by `who`, which must succeed; its id.
async fn template(t: &TestApp, who: &As, client: &str, name: &str, permissions: &[&str]) -> String {
    let p = create(t, who, client, name, permissions).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    p["permissionTemplate"]["id"].as_str().unwrap().to_string()
}

async fn templates(t: &TestApp, who: &As, client: &str) -> Vec<Value> {
    t.ok(who, TEMPLATES, json!({ "id": client })).await["clientAccount"]["permissionTemplates"]
        .as_array()
        .unwrap()
        .clone()
}

async fn built_in(t: &TestApp, who: &As, client: &str) -> String {
    let all = templates(t, who, client).await;
    assert_eq!(all[0]["builtIn"], json!(true), "{all:?}");
    all[0]["id"].as_str().unwrap().to_string()
}

fn add_input(client: &str, emails: &[&str], seat: &str, permissions: &[&str], template: Option<&str>) -> Value {
    json!({"i": {"clientAccountId": client, "emails": emails, "seat": seat, "permissions": permissions,
                 "templateId": template}})
}

async fn switch(t: &TestApp, who: &As, membership: &str, seat: &str, template: &str) -> Value {
    t.exec(who, SEAT, json!({"i": {"membershipId": membership, "seat": seat, "templateId": template}})).await
}

async fn stored(t: &TestApp, membership: &str) -> Value {
    t.ok(&As::Operator, MEMBERSHIP, json!({ "id": membership })).await["node"].clone()
}

async fn actions(t: &TestApp, owner: &As, client: &str) -> Vec<Value> {
    t.ok(owner, AUDIT, json!({ "id": client })).await["clientAccount"]["auditLog"]["nodes"].as_array().unwrap().clone()
}

/// A member of the client on its own domain, made by the operator; (email, membership id).
async fn client_member(w: &World<'_>, client: &str, local: &str, permissions: &[&str]) -> (String, String) {
    let (uid, email) = w.user(local, &w.domain("client")).await;
    let p = w.member(client, &uid, json!({"role": "STANDARD", "seat": "CORE", "permissions": permissions})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    (email, p["membership"]["id"].as_str().unwrap().to_string())
}

/// What a refusal must leave: the rows of the tables it could have touched.
async fn footprint(t: &TestApp) -> [i64; 4] {
    [
        t.count("permission_sets").await,
        t.count("memberships").await,
        t.count("users").await,
        t.count("audit_events").await,
    ]
}

#[tokio::test]
async fn a_client_starts_with_the_read_only_partner_admin_template() {
    // R58, R20, R46
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;

    let all = templates(&t, &owner.who, &client).await;

    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!((all[0]["name"].as_str(), all[0]["builtIn"].as_bool()), (Some("Partner Admin"), Some(true)));
    let perms = strs(&all[0]["permissions"]);
    for p in PA_EXCLUDED {
        assert!(!perms.contains(&p.to_string()), "R20: {p} is not in the Partner Admin template");
    }
    assert!(perms.contains(&"USERS_ADD_EDIT".to_string()) && perms.contains(&"CONTACTS_EDIT".to_string()));
}

#[tokio::test]
async fn a_super_admin_creates_renames_changes_and_deletes_a_template() {
    // R58
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;

    let created = create(&t, &owner.who, &client, " Sales rep ", &["DEALS_VIEW", "CONTACTS_VIEW"]).await;
    assert!(user_error_codes(&created).is_empty(), "{created}");
    let tpl = created["permissionTemplate"].clone();
    assert_eq!((tpl["name"].clone(), tpl["builtIn"].clone()), (json!("Sales rep"), json!(false)));
    assert_eq!(tpl["permissions"], json!(["CONTACTS_VIEW", "DEALS_VIEW"]));
    let id = tpl["id"].as_str().unwrap().to_string();
    template(&t, &owner.who, &client, "Analyst", &["REPORTS_ACCESS"]).await;
    let names: Vec<_> = templates(&t, &owner.who, &client).await.iter().map(|t| t["name"].clone()).collect();
    assert_eq!(names, vec![json!("Partner Admin"), json!("Analyst"), json!("Sales rep")], "built-in first");

    let renamed = t.payload(&owner.who, UPDATE, json!({"i": {"templateId": id, "name": "Sales"}})).await;
    assert_eq!(renamed["permissionTemplate"]["name"], json!("Sales"), "{renamed}");
    assert_eq!(renamed["permissionTemplate"]["permissions"], json!(["CONTACTS_VIEW", "DEALS_VIEW"]), "kept");
    let changed =
        t.payload(&owner.who, UPDATE, json!({"i": {"templateId": id, "permissions": ["TICKETS_VIEW"]}})).await;
    assert_eq!(changed["permissionTemplate"]["name"], json!("Sales"), "{changed}");
    assert_eq!(changed["permissionTemplate"]["permissions"], json!(["TICKETS_VIEW"]));
    let node = t
        .ok(&owner.who, "query($id: ID!){ node(id:$id){ ... on PermissionTemplate { name } } }", json!({"id": id}))
        .await;
    assert_eq!(node["node"]["name"], json!("Sales"), "a template is a node");

    let deleted = t.payload(&owner.who, DELETE, json!({"i": {"templateId": id}})).await;
    assert_eq!(deleted["deletedTemplateId"], json!(id), "{deleted}");
    assert_eq!(templates(&t, &owner.who, &client).await.len(), 2);

    // R32: each change is in the client's audit log.
    let log: Vec<_> = actions(&t, &owner.who, &client).await;
    let of_templates: Vec<_> =
        log.iter().filter_map(|e| e["action"].as_str().filter(|a| a.starts_with("permission_template."))).collect();
    assert_eq!(of_templates.iter().filter(|a| **a == "permission_template.created").count(), 2, "{log:?}");
    assert_eq!(of_templates.iter().filter(|a| **a == "permission_template.updated").count(), 2, "{log:?}");
    assert_eq!(of_templates.iter().filter(|a| **a == "permission_template.deleted").count(), 1, "{log:?}");
    let gone = log.iter().find(|e| e["action"] == "permission_template.deleted").unwrap();
    assert_eq!(gone["before"]["id"], json!(id), "the audit names the template by its global id");
}

#[tokio::test]
async fn template_names_are_unique_in_a_client_case_insensitively_and_well_formed() {
    // R58, R17, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let other = w.client("Globex").await;
    let owner = w.client_admin(&client, "owner").await;
    let other_owner = w.client_admin(&other, "other").await;
    let sales = template(&t, &owner.who, &client, "Sales", &["CONTACTS_VIEW"]).await;
    let support = template(&t, &owner.who, &client, "Support", &["TICKETS_VIEW"]).await;
    let before = footprint(&t).await;

    for name in ["SALES", " sales ", "partner admin"] {
        let p = create(&t, &owner.who, &client, name, &[]).await;
        assert_eq!(user_error_codes(&p), vec!["ALREADY_EXISTS"], "{name}: {p}");
        assert_eq!(p["userErrors"][0]["field"], json!(["input", "name"]));
    }
    let p = t.payload(&owner.who, UPDATE, json!({"i": {"templateId": support, "name": "sAlEs"}})).await;
    assert_eq!(user_error_codes(&p), vec!["ALREADY_EXISTS"], "{p}");
    for name in ["  ", &"x".repeat(101)] {
        let p = create(&t, &owner.who, &client, name, &[]).await;
        assert_eq!(user_error_codes(&p), vec!["INVALID_INPUT"], "{p}");
        assert_eq!(p["userErrors"][0]["field"], json!(["input", "name"]));
    }
    assert_eq!(footprint(&t).await, before, "nothing changed");
    let names: Vec<_> = templates(&t, &owner.who, &client).await.iter().map(|t| t["name"].clone()).collect();
    assert_eq!(names, vec![json!("Partner Admin"), json!("Sales"), json!("Support")]);

    // Unique in the account only: another client has its own "Sales", and
    // a template keeps its own name under another case.
    template(&t, &other_owner.who, &other, "Sales", &[]).await;
    let p = t.payload(&owner.who, UPDATE, json!({"i": {"templateId": sales, "name": "SALES"}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
}

#[tokio::test]
async fn the_built_in_template_can_be_neither_changed_nor_deleted() {
    // R58
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let pa = built_in(&t, &owner.who, &client).await;
    let (before, listed) = (footprint(&t).await, templates(&t, &owner.who, &client).await);

    for input in [json!({"templateId": pa, "name": "Mine"}), json!({"templateId": pa, "permissions": ["BILLING_EDIT"]})]
    {
        let p = t.payload(&owner.who, UPDATE, json!({ "i": input })).await;
        assert_eq!(user_error_codes(&p), vec!["BUILT_IN"], "{p}");
        assert_eq!(p["userErrors"][0]["field"], json!(["input", "templateId"]));
    }
    let p = t.payload(&owner.who, DELETE, json!({"i": {"templateId": pa}})).await;
    assert_eq!(user_error_codes(&p), vec!["BUILT_IN"], "{p}");
    assert_eq!(p["deletedTemplateId"], json!(null));

    assert_eq!(footprint(&t).await, before, "nothing changed");
    assert_eq!(templates(&t, &owner.who, &client).await, listed);
}

#[tokio::test]
async fn only_a_super_admin_keeps_templates_and_outsiders_learn_nothing() {
    // R58, R33
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let (mgr, _) = client_member(&w, &client, "mgr", &["USERS_ADD_EDIT", "BILLING_EDIT"]).await;
    let stranger_client = w.client("Globex").await;
    let stranger = w.client_admin(&stranger_client, "stranger").await;
    let sales = template(&t, &owner.who, &client, "Sales", &["CONTACTS_VIEW"]).await;
    let before = footprint(&t).await;

    // A member with USERS_ADD_EDIT (and BILLING_EDIT) is not a super admin.
    let r =
        t.exec(&user(&mgr), CREATE, json!({"i": {"clientAccountId": client, "name": "Mine", "permissions": []}})).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    let r = t.exec(&user(&mgr), UPDATE, json!({"i": {"templateId": sales, "name": "Mine"}})).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    let r = t.exec(&user(&mgr), DELETE, json!({"i": {"templateId": sales}})).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    // Members see the templates they may use.
    assert_eq!(templates(&t, &user(&mgr), &client).await.len(), 2);

    // Another account's super admin: not found, never forbidden (R33).
    let p = create(&t, &stranger.who, &client, "Mine", &[]).await;
    assert_eq!(user_error_codes(&p), vec!["NOT_FOUND"], "{p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "clientAccountId"]));
    for (q, i) in [(UPDATE, json!({"templateId": sales, "name": "Mine"})), (DELETE, json!({"templateId": sales}))] {
        let p = t.payload(&stranger.who, q, json!({ "i": i })).await;
        assert_eq!(user_error_codes(&p), vec!["NOT_FOUND"], "{p}");
        assert_eq!(p["userErrors"][0]["field"], json!(["input", "templateId"]));
    }
    let node = t.ok(&stranger.who, "query($id: ID!){ node(id:$id){ id } }", json!({ "id": sales })).await;
    assert_eq!(node["node"], json!(null));
    let seen = t.ok(&stranger.who, TEMPLATES, json!({ "id": client })).await;
    assert_eq!(seen["clientAccount"], json!(null), "{seen}");

    assert_eq!(footprint(&t).await, before, "nothing changed");
}

#[tokio::test]
async fn a_partners_permission_set_is_not_a_clients_template_nor_the_other_way_round() {
    // R58, R33
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let set = w.permission_set(&c.partner, &c.admin.who, "Sales", &["CONTACTS_VIEW"]).await;
    let tpl = template(&t, &c.owner.who, &c.client, "Sales", &["CONTACTS_VIEW"]).await;
    let before = footprint(&t).await;

    // The same stored kind of row, never reachable through the other type.
    let as_template = cam_api::graphql::ids::encode(
        cam_api::graphql::ids::Kind::PermissionTemplate,
        cam_api::graphql::ids::decode(cam_api::graphql::ids::Kind::PermissionSet, &set).unwrap(),
    );
    let p = t.payload(&c.owner.who, DELETE, json!({"i": {"templateId": as_template}})).await;
    assert_eq!(user_error_codes(&p), vec!["NOT_FOUND"], "{p}");
    let p = t.payload(&c.owner.who, DELETE, json!({"i": {"templateId": set}})).await;
    assert_eq!(user_error_codes(&p), vec!["NOT_FOUND"], "an id of another type: {p}");
    let node = t.ok(&c.admin.who, "query($id: ID!){ node(id:$id){ id } }", json!({ "id": as_template })).await;
    assert_eq!(node["node"], json!(null));
    let as_set = cam_api::graphql::ids::encode(
        cam_api::graphql::ids::Kind::PermissionSet,
        cam_api::graphql::ids::decode(cam_api::graphql::ids::Kind::PermissionTemplate, &tpl).unwrap(),
    );
    let node = t.ok(&c.owner.who, "query($id: ID!){ node(id:$id){ id } }", json!({ "id": as_set })).await;
    assert_eq!(node["node"], json!(null), "a template is not a permission set");
    let sets = t
        .ok(
            &c.admin.who,
            "query($id: ID!){ partnerAccount(id:$id){ permissionSets{ name } } }",
            json!({"id": c.partner}),
        )
        .await;
    assert_eq!(sets["partnerAccount"]["permissionSets"].as_array().unwrap().len(), 2, "{sets}");
    assert_eq!(footprint(&t).await, before);
}

#[tokio::test]
async fn adding_users_with_a_template_gives_its_permissions() {
    // R58, R22
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let sales = template(&t, &owner.who, &client, "Sales rep", &["CONTACTS_VIEW", "DEALS_VIEW"]).await;
    let rep = format!("rep@{}", w.domain("client"));

    let p = t.payload(&owner.who, ADD, add_input(&client, &[&rep], "SALES", &[], Some(&sales))).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    let m = &p["memberships"][0];
    assert_eq!((m["role"].as_str(), m["seat"].as_str()), (Some("STANDARD"), Some("SALES")));
    assert_eq!(m["permissions"], json!(["CONTACTS_VIEW", "DEALS_VIEW"]));
    let log = actions(&t, &owner.who, &client).await;
    let added: Vec<_> =
        log.iter().filter(|e| e["action"] == "membership.added" && e["after"]["seat"] == "SALES").collect();
    assert_eq!(added.len(), 1, "one audit event per member: {log:?}");
    assert_eq!(added[0]["after"]["permissionTemplateId"], json!(sales), "the audit names the template");
}

#[tokio::test]
async fn a_template_and_a_permission_list_together_are_refused() {
    // R58, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let partner = w.partner().await;
    let ann = w.worker(&partner, "ann", "STANDARD", &[], "EMPLOYEE", None).await;
    let sales = template(&t, &owner.who, &client, "Sales", &["CONTACTS_VIEW"]).await;
    let rep = format!("rep@{}", w.domain("client"));
    let before = footprint(&t).await;

    let p = t.payload(&owner.who, ADD, add_input(&client, &[&rep], "SALES", &["DEALS_VIEW"], Some(&sales))).await;
    assert_eq!(user_error_codes(&p), vec!["INVALID_INPUT"], "{p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "templateId"]));
    let mut both = add_input(&client, &[&ann.email], "PARTNER", &[], Some(&sales));
    both["i"]["partnerAdmin"] = json!(true);
    let p = t.payload(&owner.who, ADD, both).await;
    assert_eq!(user_error_codes(&p), vec!["INVALID_INPUT"], "a template and partnerAdmin: {p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "templateId"]));

    assert_eq!(footprint(&t).await, before, "nothing changed");
}

#[tokio::test]
async fn another_accounts_template_is_not_found_when_adding_or_switching() {
    // R58, R33
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let other = w.client("Globex").await;
    let other_owner = w.client_admin(&other, "other").await;
    let theirs = template(&t, &other_owner.who, &other, "Sales", &["CONTACTS_VIEW"]).await;
    let theirs_built_in = built_in(&t, &other_owner.who, &other).await;
    let (_, sam) = client_member(&w, &client, "sam", &[]).await;
    let rep = format!("rep@{}", w.domain("client"));
    let before = footprint(&t).await;

    for tpl in [&theirs, &theirs_built_in] {
        let p = t.payload(&owner.who, ADD, add_input(&client, &[&rep], "SALES", &[], Some(tpl))).await;
        assert_eq!(user_error_codes(&p), vec!["NOT_FOUND"], "{p}");
        assert_eq!(p["userErrors"][0]["field"], json!(["input", "templateId"]));
        let r = switch(&t, &owner.who, &sam, "SALES", tpl).await;
        let p = &r["data"]["changeSeat"];
        assert_eq!(user_error_codes(p), vec!["NOT_FOUND"], "{r}");
        assert_eq!(p["userErrors"][0]["field"], json!(["input", "templateId"]));
    }
    let r = switch(&t, &owner.who, &sam, "SALES", "not-an-id").await;
    assert_eq!(user_error_codes(&r["data"]["changeSeat"]), vec!["INVALID_INPUT"], "{r}");

    assert_eq!(footprint(&t).await, before, "nothing changed");
    let s = stored(&t, &sam).await;
    assert_eq!((s["seat"].clone(), s["permissions"].clone()), (json!("CORE"), json!([])));
}

#[tokio::test]
async fn a_client_adds_a_user_with_a_template_and_switches_seat_and_template_at_once() {
    // R58, R22: one step, one audit event, the withheld reported.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let sales = template(&t, &owner.who, &client, "Sales rep", &["CONTACTS_VIEW", "DEALS_VIEW"]).await;
    let viewer = template(&t, &owner.who, &client, "Viewer", &["CONTACTS_VIEW"]).await;
    let rep = format!("rep@{}", w.domain("client"));
    let added = t.payload(&owner.who, ADD, add_input(&client, &[&rep], "SALES", &[], Some(&sales))).await;
    let m = added["memberships"][0]["id"].as_str().unwrap().to_string();
    let events = actions(&t, &owner.who, &client).await.len();

    let r = switch(&t, &owner.who, &m, "VIEW_ONLY", &viewer).await;

    let p = &r["data"]["changeSeat"];
    assert_eq!(p["userErrors"], json!([]), "{r}");
    assert_eq!(p["membership"]["seat"], json!("VIEW_ONLY"));
    assert_eq!(p["membership"]["permissions"], json!(["CONTACTS_VIEW"]));
    assert_eq!(p["withheldPermissions"], json!([]));
    let s = stored(&t, &m).await;
    assert_eq!((s["seat"].clone(), s["permissions"].clone()), (json!("VIEW_ONLY"), json!(["CONTACTS_VIEW"])));
    let log = actions(&t, &owner.who, &client).await;
    assert_eq!(log.len(), events + 1, "one audit event for the member: {log:?}");
    let ev = log.iter().find(|e| e["action"] == "membership.seat_changed").unwrap();
    assert_eq!((ev["before"]["seat"].clone(), ev["after"]["seat"].clone()), (json!("SALES"), json!("VIEW_ONLY")));
    assert_eq!(ev["before"]["permissions"], json!(["CONTACTS_VIEW", "DEALS_VIEW"]));
    assert_eq!(ev["after"]["permissions"], json!(["CONTACTS_VIEW"]));
    assert_eq!(ev["after"]["permissionTemplateId"], json!(viewer));
}

#[tokio::test]
async fn a_seat_switch_with_a_template_is_all_or_nothing() {
    // R58, R5, R6
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let sales = template(&t, &c.owner.who, &c.client, "Sales", &["CONTACTS_VIEW", "DEALS_VIEW"]).await;
    let (_, plain) = client_member(&w, &c.client, "plain", &["TICKETS_VIEW"]).await;
    let before = footprint(&t).await;
    let (plain_was, admin_was) = (stored(&t, &plain).await, stored(&t, &c.admin_membership).await);

    // R5: not eligible for the partner seat, so neither seat nor permissions change.
    let r = switch(&t, &c.owner.who, &plain, "PARTNER", &sales).await;
    assert_eq!(user_error_codes(&r["data"]["changeSeat"]), vec!["NOT_ELIGIBLE_FOR_PARTNER_SEAT"], "{r}");
    // R6: a partner admin keeps the partner seat, whatever the template.
    let r = switch(&t, &c.owner.who, &c.admin_membership, "CORE", &sales).await;
    assert_eq!(user_error_codes(&r["data"]["changeSeat"]), vec!["INVALID_INPUT"], "{r}");
    assert_eq!(r["data"]["changeSeat"]["userErrors"][0]["field"], json!(["input", "seat"]));

    assert_eq!(footprint(&t).await, before, "nothing changed, no audit event");
    assert_eq!(stored(&t, &plain).await, plain_was);
    assert_eq!(stored(&t, &c.admin_membership).await, admin_was);
}

#[tokio::test]
async fn the_excluded_seven_come_through_a_template_only_from_a_super_admin() {
    // R58, R20, R22
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let (biller, _) = client_member(&w, &client, "biller", &["USERS_ADD_EDIT", "BILLING_EDIT", "CONTACTS_VIEW"]).await;
    let billing =
        template(&t, &owner.who, &client, "Billing", &["CONTACTS_VIEW", "BILLING_EDIT", "SCIM_PROVISIONING"]).await;
    let (_, sam) = client_member(&w, &client, "sam", &[]).await;
    let newcomer = format!("newcomer@{}", w.domain("client"));

    // Not a super admin: the seven are withheld, what the actor holds given.
    let r = switch(&t, &user(&biller), &sam, "SALES", &billing).await;
    let p = &r["data"]["changeSeat"];
    assert_eq!(p["userErrors"], json!([]), "{r}");
    assert_eq!(p["membership"]["permissions"], json!(["CONTACTS_VIEW"]));
    assert_eq!(p["withheldPermissions"], json!(["BILLING_EDIT", "SCIM_PROVISIONING"]));
    let p = t.payload(&user(&biller), ADD, add_input(&client, &[&newcomer], "CORE", &[], Some(&billing))).await;
    assert_eq!(p["memberships"][0]["permissions"], json!(["CONTACTS_VIEW"]), "{p}");

    // A super admin gives the whole template.
    let r = switch(&t, &owner.who, &sam, "SERVICE", &billing).await;
    let p = &r["data"]["changeSeat"];
    assert_eq!(p["userErrors"], json!([]), "{r}");
    let mut got = strs(&p["membership"]["permissions"]);
    got.sort();
    assert_eq!(got, vec!["BILLING_EDIT", "CONTACTS_VIEW", "SCIM_PROVISIONING"]);
    assert_eq!(p["withheldPermissions"], json!([]));
}

#[tokio::test]
async fn switching_with_a_template_needs_the_rights_of_r22() {
    // R58, R22
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let (mgr, _) = client_member(&w, &client, "mgr", &["USERS_ADD_EDIT", "CONTACTS_VIEW"]).await;
    let (plain, _) = client_member(&w, &client, "plain", &["CONTACTS_VIEW"]).await;
    let viewer = template(&t, &owner.who, &client, "Viewer", &["CONTACTS_VIEW"]).await;
    let (_, sam) = client_member(&w, &client, "sam", &[]).await;
    let partner = w.partner().await;
    let ann = w.worker(&partner, "ann", "STANDARD", &[], "EMPLOYEE", None).await;
    let newcomer = format!("newcomer@{}", w.domain("client"));
    let before = footprint(&t).await;

    let r = switch(&t, &user(&mgr), &sam, "SALES", &viewer).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "USERS_ADD_EDIT alone changes no seat: {r}");
    let r = t.exec(&user(&plain), ADD, add_input(&client, &[&newcomer], "CORE", &[], Some(&viewer))).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "adding needs USERS_ADD_EDIT: {r}");
    let r = t.exec(&user(&mgr), ADD, add_input(&client, &[&ann.email], "PARTNER", &[], Some(&viewer))).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "a partner-seat user's permissions need BILLING_EDIT too: {r}");
    assert_eq!(footprint(&t).await, before, "nothing changed");

    // USERS_ADD_EDIT is enough to add a paid seat with a template.
    let p = t.payload(&user(&mgr), ADD, add_input(&client, &[&newcomer], "CORE", &[], Some(&viewer))).await;
    assert_eq!(p["memberships"][0]["permissions"], json!(["CONTACTS_VIEW"]), "{p}");
}

#[tokio::test]
async fn the_built_in_template_makes_an_eligible_partner_seat_user_a_partner_admin() {
    // R58, R48, R46, R6
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let (biller, _) = client_member(&w, &client, "biller", &["USERS_ADD_EDIT", "BILLING_EDIT"]).await;
    let pa = built_in(&t, &owner.who, &client).await;
    let partner = w.partner().await;
    let ann = w.worker(&partner, "ann", "STANDARD", &[], "EMPLOYEE", None).await;
    let ben = w.worker(&partner, "ben", "STANDARD", &[], "EMPLOYEE", None).await;
    let before = footprint(&t).await;

    let p = t.payload(&owner.who, ADD, add_input(&client, &[&ann.email], "CORE", &[], Some(&pa))).await;
    assert_eq!(user_error_codes(&p), vec!["INVALID_INPUT"], "R6: only on the partner seat: {p}");
    let r = t.exec(&user(&biller), ADD, add_input(&client, &[&ann.email], "PARTNER", &[], Some(&pa))).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "R48: a super admin's choice: {r}");
    assert_eq!(footprint(&t).await, before, "nothing changed");

    let p = t.payload(&owner.who, ADD, add_input(&client, &[&ann.email], "PARTNER", &[], Some(&pa))).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let m = &p["memberships"][0];
    assert_eq!((m["role"].as_str(), m["seat"].as_str()), (Some("PARTNER_ADMIN"), Some("PARTNER")));
    assert_eq!(m["partner"]["id"], json!(partner));
    assert!(!strs(&m["permissions"]).iter().any(|p| PA_EXCLUDED.contains(&p.as_str())), "R20: {m}");

    // Through changeSeat: a partner-seat member becomes partner admin in one step.
    let ben_m = t.payload(&owner.who, ADD, add_input(&client, &[&ben.email], "PARTNER", &[], None)).await
        ["memberships"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = switch(&t, &user(&biller), &ben_m, "PARTNER", &pa).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "R48: {r}");
    let r = switch(&t, &owner.who, &ben_m, "PARTNER", &pa).await;
    let p = &r["data"]["changeSeat"];
    assert_eq!(p["userErrors"], json!([]), "{r}");
    assert_eq!(
        (p["membership"]["role"].as_str(), p["membership"]["seat"].as_str()),
        (Some("PARTNER_ADMIN"), Some("PARTNER"))
    );
    assert_eq!(p["membership"]["permissions"], m["permissions"]);
}

#[tokio::test]
async fn a_template_applies_permissions_never_the_role_and_never_to_a_super_admin() {
    // R58, R15, R6, R47
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let viewer = template(&t, &c.owner.who, &c.client, "Viewer", &["CONTACTS_VIEW"]).await;
    let second = w.client_admin(&c.client, "second").await;

    let r = switch(&t, &c.owner.who, &c.admin_membership, "PARTNER", &viewer).await;
    let p = &r["data"]["changeSeat"];
    assert_eq!(p["userErrors"], json!([]), "{r}");
    assert_eq!(p["membership"]["role"], json!("PARTNER_ADMIN"), "a template never changes the role");
    assert_eq!(p["membership"]["permissions"], json!(["CONTACTS_VIEW"]));

    let before = footprint(&t).await;
    let r = switch(&t, &c.owner.who, &second.id, "CORE", &viewer).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "a super admin holds every permission: {r}");
    assert_eq!(footprint(&t).await, before);
}

#[tokio::test]
async fn changing_or_deleting_a_template_in_use_leaves_its_members_as_they_are() {
    // R58, R18, R19
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let sales = template(&t, &owner.who, &client, "Sales", &["CONTACTS_VIEW", "DEALS_VIEW"]).await;
    let rep = format!("rep@{}", w.domain("client"));
    let added = t.payload(&owner.who, ADD, add_input(&client, &[&rep], "SALES", &[], Some(&sales))).await;
    let m = added["memberships"][0]["id"].as_str().unwrap().to_string();

    let p = t.payload(&owner.who, UPDATE, json!({"i": {"templateId": sales, "permissions": ["TICKETS_VIEW"]}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(stored(&t, &m).await["permissions"], json!(["CONTACTS_VIEW", "DEALS_VIEW"]), "changed: kept");
    let p = t.payload(&owner.who, DELETE, json!({"i": {"templateId": sales}})).await;
    assert_eq!(p["deletedTemplateId"], json!(sales), "{p}");
    let s = stored(&t, &m).await;
    assert_eq!((s["seat"].clone(), s["permissions"].clone()), (json!("SALES"), json!(["CONTACTS_VIEW", "DEALS_VIEW"])));
}

#[tokio::test]
async fn client_accounts_made_before_templates_get_the_built_in_one() {
    // R58: the migration gives existing client accounts their built-in template.
    use cam_migration::{Migrator, MigratorTrait};
    let db = TestDb::new().await;
    let conn = sea_orm::Database::connect(&db.url).await.unwrap();
    let upto = Migrator::migrations()
        .iter()
        .position(|m| m.name() == "m20261206_000201_client_partner_admin_templates")
        .unwrap();
    Migrator::up(&conn, Some(u32::try_from(upto).unwrap())).await.unwrap();
    let at = if db.is_postgres() {
        format!("'{}'::timestamptz", t0().to_rfc3339())
    } else {
        format!("'{}'", t0().to_rfc3339())
    };
    use sea_orm::ConnectionTrait;
    conn.execute_unprepared(&format!(
        "INSERT INTO accounts (kind, name, tier, data_center, created_at) VALUES ('CLIENT', 'Old client', NULL, 'na1', {at})"
    ))
    .await
    .unwrap();
    conn.close().await.unwrap();

    let t = TestApp::on_database(db).await;

    let rows = t.rows("SELECT a.id AS id FROM accounts a WHERE a.name = 'Old client'").await;
    let id: i64 = rows[0].try_get("", "id").unwrap();
    let client = cam_api::graphql::ids::encode(cam_api::graphql::ids::Kind::ClientAccount, id).to_string();
    let all = templates(&t, &As::Operator, &client).await;
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!((all[0]["name"].as_str(), all[0]["builtIn"].as_bool()), (Some("Partner Admin"), Some(true)));
    let fresh = World::new(&t).client("New").await;
    assert_eq!(templates(&t, &As::Operator, &fresh).await[0]["permissions"], all[0]["permissions"], "the same set");
}
