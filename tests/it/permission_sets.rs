//! Permission sets: R17 (CAM users keep the partner's templates; names; the
//! built-in set), R18 (templates, applied at the moment of use), R19
//! (deleting clears only the reference).

use cam_tests::*;
use serde_json::{json, Value};

const CREATE: &str = "mutation($i: CreatePermissionSetInput!){ createPermissionSet(input:$i){
    permissionSet{ id name permissions builtIn } userErrors{ code field message } } }";
const UPDATE: &str = "mutation($i: UpdatePermissionSetInput!){ updatePermissionSet(input:$i){
    permissionSet{ id name permissions builtIn } userErrors{ code field message } } }";
const DELETE: &str = "mutation($i: DeletePermissionSetInput!){ deletePermissionSet(input:$i){
    deletedId userErrors{ code field message } } }";
const SETS: &str = "query($id: ID!){ partnerAccount(id:$id){ permissionSets{ id name permissions builtIn } } }";
const MEMBERSHIP: &str =
    "query($id: ID!){ node(id:$id){ ... on Membership { role permissions permissionSet{ id name } } } }";

async fn create(t: &TestApp, who: &As, partner: &str, name: &str, permissions: &[&str]) -> Value {
    t.payload(who, CREATE, json!({"i": {"partnerAccountId": partner, "name": name, "permissions": permissions}})).await
}

async fn update(t: &TestApp, who: &As, input: Value) -> Value {
    t.payload(who, UPDATE, json!({ "i": input })).await
}

async fn delete(t: &TestApp, who: &As, set: &str) -> Value {
    t.payload(who, DELETE, json!({"i": {"permissionSetId": set}})).await
}

async fn sets(t: &TestApp, who: &As, partner: &str) -> Vec<Value> {
    t.ok(who, SETS, json!({ "id": partner })).await["partnerAccount"]["permissionSets"].as_array().unwrap().clone()
}

fn names(sets: &[Value]) -> Vec<String> {
    let mut n: Vec<String> = sets.iter().map(|s| s["name"].as_str().unwrap().to_string()).collect();
    n.sort();
    n
}

#[tokio::test]
async fn a_cam_user_creates_changes_and_deletes_a_set() {
    // R17
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;

    let created = create(&t, &boss.who, &partner, "Sales", &["CONTACTS_VIEW"]).await;
    assert!(user_error_codes(&created).is_empty(), "{created}");
    let set = created["permissionSet"].clone();
    assert_eq!((set["name"].clone(), set["permissions"].clone()), (json!("Sales"), json!(["CONTACTS_VIEW"])));
    assert_eq!(set["builtIn"], json!(false));
    let id = set["id"].as_str().unwrap().to_string();

    let updated = update(
        &t,
        &boss.who,
        json!({"permissionSetId": id, "name": "Sales team", "permissions": ["CONTACTS_VIEW", "DEALS_VIEW"]}),
    )
    .await;
    assert!(user_error_codes(&updated).is_empty(), "{updated}");
    assert_eq!(updated["permissionSet"]["id"], json!(id));
    assert_eq!(updated["permissionSet"]["name"], json!("Sales team"));
    assert_eq!(updated["permissionSet"]["permissions"], json!(["CONTACTS_VIEW", "DEALS_VIEW"]));
    // Renaming alone keeps the permissions.
    let renamed = update(&t, &boss.who, json!({"permissionSetId": id, "name": "Sellers"})).await;
    assert_eq!(renamed["permissionSet"]["permissions"], json!(["CONTACTS_VIEW", "DEALS_VIEW"]), "{renamed}");
    assert_eq!(names(&sets(&t, &boss.who, &partner).await), vec!["Partner Admin", "Sellers"]);

    let deleted = delete(&t, &boss.who, &id).await;
    assert!(user_error_codes(&deleted).is_empty(), "{deleted}");
    assert_eq!(deleted["deletedId"], json!(id));
    assert_eq!(names(&sets(&t, &boss.who, &partner).await), vec!["Partner Admin"]);
    let node = t.ok(&boss.who, "query($id: ID!){ node(id:$id){ id } }", json!({ "id": id })).await;
    assert_eq!(node["node"], json!(null));
}

#[tokio::test]
async fn set_names_are_unique_per_partner_ignoring_case() {
    // R17
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let sales = create(&t, &boss.who, &partner, "Sales", &["CONTACTS_VIEW"]).await;
    assert!(user_error_codes(&sales).is_empty(), "{sales}");
    let support = create(&t, &boss.who, &partner, "Support", &["TICKETS_VIEW"]).await;
    let support_id = support["permissionSet"]["id"].as_str().unwrap().to_string();

    let again = create(&t, &boss.who, &partner, "  SALES ", &["DEALS_VIEW"]).await;
    let like_built_in = create(&t, &boss.who, &partner, "partner admin", &["DEALS_VIEW"]).await;
    let rename = update(&t, &boss.who, json!({"permissionSetId": support_id, "name": "sales"})).await;

    for p in [&again, &like_built_in, &rename] {
        assert_eq!(user_error_codes(p), vec!["ALREADY_EXISTS"], "{p}");
        assert_eq!(p["userErrors"][0]["field"], json!(["input", "name"]));
        assert_eq!(p["permissionSet"], json!(null));
    }
    assert_eq!(names(&sets(&t, &boss.who, &partner).await), vec!["Partner Admin", "Sales", "Support"]);
    // Another partner may use the same name.
    let other = w.partner_with("PROVIDER", &[w.domain("other")]).await;
    let other_boss = w.worker(&other, "ob", "SUPER_ADMIN", &[], "EMPLOYEE", Some(&w.domain("other"))).await;
    let theirs = create(&t, &other_boss.who, &other, "Sales", &["DEALS_VIEW"]).await;
    assert!(user_error_codes(&theirs).is_empty(), "{theirs}");
}

#[tokio::test]
async fn set_names_must_not_be_empty_nor_longer_than_100_characters() {
    // R17, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let long = "x".repeat(101);

    for bad in ["", "   ", long.as_str()] {
        let p = create(&t, &boss.who, &partner, bad, &["CONTACTS_VIEW"]).await;
        assert_eq!(user_error_codes(&p), vec!["INVALID_INPUT"], "{bad:?}: {p}");
        assert_eq!(p["userErrors"][0]["field"], json!(["input", "name"]));
    }
    assert_eq!(names(&sets(&t, &boss.who, &partner).await), vec!["Partner Admin"], "nothing was created");

    let hundred = "é".repeat(100);
    let ok = create(&t, &boss.who, &partner, &hundred, &["CONTACTS_VIEW"]).await;
    assert!(user_error_codes(&ok).is_empty(), "100 characters are fine: {ok}");
    let id = ok["permissionSet"]["id"].as_str().unwrap();
    let p = update(&t, &boss.who, json!({"permissionSetId": id, "name": " "})).await;
    assert_eq!(user_error_codes(&p), vec!["INVALID_INPUT"], "{p}");
    let p = update(&t, &boss.who, json!({"permissionSetId": id, "name": long})).await;
    assert_eq!(user_error_codes(&p), vec!["INVALID_INPUT"], "{p}");
    assert_eq!(names(&sets(&t, &boss.who, &partner).await), vec!["Partner Admin".to_string(), hundred]);
}

#[tokio::test]
async fn the_built_in_partner_admin_set_cannot_be_changed_or_deleted() {
    // R17, R20
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let all = sets(&t, &boss.who, &partner).await;
    assert_eq!(all.len(), 1, "every partner has the built-in set: {all:?}");
    let built_in = all[0].clone();
    assert_eq!((built_in["name"].clone(), built_in["builtIn"].clone()), (json!("Partner Admin"), json!(true)));
    let perms = strs(&built_in["permissions"]);
    assert_eq!(perms.len(), 25 - 7);
    for excluded in PA_EXCLUDED {
        assert!(!perms.contains(&excluded.to_string()), "{excluded}");
    }
    let id = built_in["id"].as_str().unwrap();

    let renamed = update(&t, &boss.who, json!({"permissionSetId": id, "name": "Admins"})).await;
    let narrowed = update(&t, &boss.who, json!({"permissionSetId": id, "permissions": ["CONTACTS_VIEW"]})).await;
    let deleted = delete(&t, &boss.who, id).await;

    for p in [&renamed, &narrowed, &deleted] {
        assert_eq!(user_error_codes(p), vec!["BUILT_IN"], "{p}");
        assert_eq!(p["userErrors"][0]["field"], json!(["input", "permissionSetId"]));
    }
    assert_eq!(deleted["deletedId"], json!(null));
    assert_eq!(sets(&t, &boss.who, &partner).await, vec![built_in], "unchanged");
}

#[tokio::test]
async fn changing_a_set_does_not_change_members_it_was_applied_to() {
    // R18
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let set = w.permission_set(&c.partner, &c.admin.who, "Sales", &["CONTACTS_VIEW", "DEALS_VIEW"]).await;
    let added = w.add_workers(&c.partner, &c.client, &[&emp.id], &set, &c.admin.who).await;
    let m = added["memberships"][0]["id"].as_str().unwrap().to_string();

    let p = update(&t, &c.admin.who, json!({"permissionSetId": set, "permissions": ["TICKETS_VIEW"]})).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    let stored = t.ok(&c.owner.who, MEMBERSHIP, json!({ "id": m })).await["node"].clone();
    assert_eq!(stored["permissions"], json!(["CONTACTS_VIEW", "DEALS_VIEW"]), "the member keeps what they were given");
    assert_eq!(stored["permissionSet"]["id"], json!(set), "still the set last applied");
    // Added from now on, a worker gets the set as it is now.
    let dev = w.worker(&c.partner, "dev", "STANDARD", &[], "EMPLOYEE", None).await;
    let later = w.add_workers(&c.partner, &c.client, &[&dev.id], &set, &c.admin.who).await;
    assert_eq!(later["memberships"][0]["permissions"], json!(["TICKETS_VIEW"]), "{later}");
}

#[tokio::test]
async fn deleting_a_set_clears_the_reference_and_keeps_the_permissions() {
    // R19
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let set = w.permission_set(&c.partner, &c.admin.who, "Sales", &["CONTACTS_VIEW", "DEALS_VIEW"]).await;
    let added = w.add_workers(&c.partner, &c.client, &[&emp.id], &set, &c.admin.who).await;
    let m = added["memberships"][0]["id"].as_str().unwrap().to_string();
    let before = t.ok(&c.owner.who, MEMBERSHIP, json!({ "id": m })).await["node"].clone();
    assert_eq!(before["permissionSet"]["name"], json!("Sales"));

    let p = delete(&t, &c.admin.who, &set).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    let after = t.ok(&c.owner.who, MEMBERSHIP, json!({ "id": m })).await["node"].clone();
    assert_eq!(after["permissionSet"], json!(null));
    assert_eq!(after["permissions"], json!(["CONTACTS_VIEW", "DEALS_VIEW"]));
    assert_eq!(after["role"], json!("STANDARD"));
}

#[tokio::test]
async fn a_worker_without_cam_rights_cannot_manage_sets() {
    // R1, R17, R33
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let view_only =
        w.worker(&partner, "viewer", "STANDARD", &["PARTNER_EMPLOYEE_MANAGEMENT_VIEW"], "EMPLOYEE", None).await;
    let id = w.permission_set(&partner, &boss.who, "Sales", &["CONTACTS_VIEW"]).await;
    let q = |m: &str| format!("mutation($i: {m}Input!){{ {}(input:$i){{ userErrors{{ code }} }} }}", lower(m));

    let created = t
        .exec(
            &view_only.who,
            &q("CreatePermissionSet"),
            json!({"i": {"partnerAccountId": partner, "name": "Mine", "permissions": []}}),
        )
        .await;
    let updated = t
        .exec(
            &view_only.who,
            &q("UpdatePermissionSet"),
            json!({"i": {"permissionSetId": id, "permissions": ["BILLING_EDIT"]}}),
        )
        .await;
    let deleted = t.exec(&view_only.who, &q("DeletePermissionSet"), json!({"i": {"permissionSetId": id}})).await;

    for r in [&created, &updated, &deleted] {
        assert_eq!(error_codes(r), vec!["FORBIDDEN"], "{r}");
    }
    let after = sets(&t, &boss.who, &partner).await;
    assert_eq!(names(&after), vec!["Partner Admin", "Sales"]);
    let sales = after.iter().find(|s| s["name"] == "Sales").unwrap();
    assert_eq!(sales["permissions"], json!(["CONTACTS_VIEW"]));
    // A worker of another partner does not even see the set.
    let other = w.partner_with("PROVIDER", &[w.domain("other")]).await;
    let spy = w.worker(&other, "spy", "SUPER_ADMIN", &[], "EMPLOYEE", Some(&w.domain("other"))).await;
    assert_eq!(user_error_codes(&delete(&t, &spy.who, &id).await), vec!["NOT_FOUND"]);
}

fn lower(name: &str) -> String {
    let mut c = name.chars();
    c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
}
