//! Deactivating and removing partner users: R23–R26, R28 (and R31 where a
//! super admin would be lost).

use cam_tests::*;
use serde_json::{json, Value};

const DEACTIVATE: &str = "mutation($i: SetMemberStatusInput!){ deactivateMemberships(input:$i){
    memberships{ id status role } userErrors{ code field message } } }";
const REACTIVATE: &str = "mutation($i: SetMemberStatusInput!){ reactivateMemberships(input:$i){
    memberships{ id status role } userErrors{ code field message } } }";
const DEACTIVATE_WORKER: &str = "mutation($i: DeactivateWorkerInput!){ deactivateWorker(input:$i){
    worker{ id status } deactivatedMemberships{ id status account{ id } } userErrors{ code field message } } }";
const REMOVE: &str = "mutation($i: RemoveWorkerFromClientsInput!){ removeWorkerFromClients(input:$i){
    removedMemberships reassignedAssets unassignedAssets userErrors{ code field message } } }";
const REMOVE_ALL: &str = "mutation($i: RemoveAllPartnerUsersInput!){ removeAllPartnerUsers(input:$i){
    removedMemberships unassignedAssets partnerClient{ id status endsAt activePartnerUserCount accessTypes }
    userErrors{ code field message } } }";
const PREVIEW: &str = "query($w: ID!, $c: [ID!]){ removalPreview(workerId:$w, clientAccountIds:$c){ items{
    client{ client{ id } } membership{ id role user{ email } } assets{ id name kind owner{ email } } } } }";
const LINK: &str = "mutation($i: LinkWorkerToClientsInput!){ linkWorkerToClients(input:$i){
    memberships{ id role partner{ id } } userErrors{ code field message } } }";

/// A worker who may use the Client Access Manager (R1) without being a
/// super admin of the partner, and who is no member of any client.
async fn hr(w: &World<'_>, partner: &str) -> W {
    w.worker(
        partner,
        "hr",
        "STANDARD",
        &["PARTNER_EMPLOYEE_MANAGEMENT_VIEW", "PARTNER_EMPLOYEE_MANAGEMENT_EDIT"],
        "EMPLOYEE",
        None,
    )
    .await
}

async fn standard_set(w: &World<'_>, c: &Managed) -> String {
    w.permission_set(&c.partner, &c.admin.who, "Standard", &["CONTACTS_VIEW", "CONTACTS_EDIT"]).await
}

/// Adds `worker` to `client`, where `c.admin` is partner admin; returns the
/// new membership's id.
async fn add(w: &World<'_>, c: &Managed, client: &str, worker: &W, set: &str) -> String {
    let p = w.add_workers(&c.partner, client, &[&worker.id], set, &c.admin.who).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    p["memberships"][0]["id"].as_str().unwrap().to_string()
}

/// A second client of the partner in which `c.admin` is partner admin too
/// (a new access link approved by that client's owner).
/// R14: client "X", where worker Carl of `c.partner` was a plain member,
/// deactivated by X's owner and then linked to the partner (so he is a
/// partner user there while deactivated). Returns (X, Carl, his membership
/// in X, a contact he owns there).
async fn linked_while_deactivated(w: &World<'_>, c: &Managed) -> (String, W, String, String) {
    let t = w.t;
    let x = w.client("X").await;
    let x_owner = w.client_admin(&x, "owner-x").await;
    let carl = w.worker(&c.partner, "carl", "STANDARD", &[], "EMPLOYEE", None).await;
    let m = w.member(&x, &carl.user_id, json!({"role": "STANDARD"})).await;
    let carl_x = m["membership"]["id"].as_str().unwrap().to_string();
    let contact = w.asset(&x, &carl.user_id, "X contact").await;
    let p = t.payload(&x_owner.who, DEACTIVATE, json!({"i": {"membershipIds": [carl_x]}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let p = t.payload(&c.admin.who, LINK, json!({"i": {"workerId": carl.id, "clientAccountIds": [x]}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(membership(t, &carl_x).await["partner"]["id"], json!(c.partner));
    (x, carl, carl_x, contact)
}

async fn second_client(w: &World<'_>, c: &Managed, name: &str) -> (String, W) {
    let client = w.client(name).await;
    let owner = w.client_admin(&client, &format!("owner-{}", name.to_lowercase())).await;
    let link = w.access_link(&c.partner, &c.admin.who, None).await;
    let ap = w.approve(link["token"].as_str().unwrap(), &client, &owner.who).await;
    assert!(user_error_codes(&ap).is_empty(), "{ap}");
    (client, owner)
}

/// A membership as the operator reads it (null once removed).
async fn membership(t: &TestApp, id: &str) -> Value {
    t.ok(
        &As::Operator,
        "query($id: ID!){ node(id:$id){ ... on Membership { id role status partner{ id } } } }",
        json!({ "id": id }),
    )
    .await["node"]
        .clone()
}

async fn status_of(t: &TestApp, id: &str) -> String {
    membership(t, id).await["status"].as_str().unwrap_or("GONE").to_string()
}

/// The email of an asset's owner, or None when it has none.
async fn asset_owner(t: &TestApp, id: &str) -> Option<String> {
    let d = t
        .ok(&As::Operator, "query($id: ID!){ node(id:$id){ ... on Asset { id owner{ email } } } }", json!({ "id": id }))
        .await;
    assert_eq!(d["node"]["id"], json!(id), "the asset still exists");
    d["node"]["owner"]["email"].as_str().map(String::from)
}

async fn super_admin_count(t: &TestApp, client: &str) -> i64 {
    t.ok(&As::Operator, "query($id: ID!){ clientAccount(id:$id){ superAdminCount } }", json!({ "id": client })).await
        ["clientAccount"]["superAdminCount"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_cam_user_who_is_not_partner_admin_there_deactivates_partner_users() {
    // R24, R23
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let set = standard_set(&w, &c).await;
    let carl = w.worker(&c.partner, "carl", "STANDARD", &[], "EMPLOYEE", None).await;
    let carl_m = add(&w, &c, &c.client, &carl, &set).await;
    let contact = w.asset(&c.client, &carl.user_id, "Carl's contact").await;
    let hr = hr(&w, &c.partner).await;
    let members = t.count("memberships").await;

    let p = t.payload(&hr.who, DEACTIVATE, json!({"i": {"membershipIds": [carl_m, c.admin_membership]}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let statuses: Vec<&str> =
        p["memberships"].as_array().unwrap().iter().map(|m| m["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, vec!["DEACTIVATED", "DEACTIVATED"]);
    // The memberships, their roles and the assets stay (R23).
    assert_eq!(t.count("memberships").await, members);
    assert_eq!(membership(&t, &c.admin_membership).await["role"], json!("PARTNER_ADMIN"));
    assert_eq!(asset_owner(&t, &contact).await.as_deref(), Some(carl.email.as_str()));
    let d = t
        .ok(
            &c.owner.who,
            "query($id: ID!){ clientAccount(id:$id){ members(filter:{status:[DEACTIVATED]}){ edges{ node{ user{ email } } } } } }",
            json!({"id": c.client}),
        )
        .await;
    let mut emails: Vec<String> = d["clientAccount"]["members"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["user"]["email"].as_str().unwrap().to_string())
        .collect();
    emails.sort();
    let mut expected = vec![c.admin.email.clone(), carl.email.clone()];
    expected.sort();
    assert_eq!(emails, expected);
}

#[tokio::test]
async fn a_worker_without_cam_access_cannot_deactivate_partner_users() {
    // R24, R1
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let plain =
        w.worker(&c.partner, "plain", "STANDARD", &["PARTNER_EMPLOYEE_MANAGEMENT_VIEW"], "EMPLOYEE", None).await;
    let r = t.exec(&plain.who, DEACTIVATE, json!({"i": {"membershipIds": [c.admin_membership]}})).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    assert_eq!(status_of(&t, &c.admin_membership).await, "ACTIVE");
}

#[tokio::test]
async fn a_deactivated_partner_admin_can_no_longer_act_in_that_client() {
    // R23
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let set = standard_set(&w, &c).await;
    let carl = w.worker(&c.partner, "carl", "STANDARD", &[], "EMPLOYEE", None).await;
    let dora = w.worker(&c.partner, "dora", "STANDARD", &[], "EMPLOYEE", None).await;
    // While active, the partner admin adds workers.
    let carl_m = add(&w, &c, &c.client, &carl, &set).await;
    let hr = hr(&w, &c.partner).await;
    let p = t.payload(&hr.who, DEACTIVATE, json!({"i": {"membershipIds": [c.admin_membership]}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let members = t.count("memberships").await;

    let added = t
        .exec(
            &c.admin.who,
            "mutation($i: AddWorkersToClientInput!){ addWorkersToClient(input:$i){ userErrors{ code } } }",
            json!({"i": {"partnerAccountId": c.partner, "clientAccountId": c.client, "workerIds": [dora.id], "permissionSetId": set}}),
        )
        .await;
    assert_eq!(t.count("memberships").await, members, "dora was not added: {added}");
    let deals = w.permission_set(&c.partner, &hr.who, "Deals", &["DEALS_VIEW"]).await;
    let changed = t
        .exec(
            &c.admin.who,
            "mutation($i: ChangePermissionSetInput!){ changePermissionSet(input:$i){ userErrors{ code } } }",
            json!({"i": {"membershipId": carl_m, "permissionSetId": deals}}),
        )
        .await;
    let p = t.payload(&hr.who, DEACTIVATE, json!({"i": {"membershipIds": [carl_m]}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let reactivated = t.exec(&c.admin.who, REACTIVATE, json!({"i": {"membershipIds": [carl_m]}})).await;
    let carl_now = t
        .ok(
            &As::Operator,
            "query($id: ID!){ node(id:$id){ ... on Membership { status permissions } } }",
            json!({"id": carl_m}),
        )
        .await;
    assert_eq!(carl_now["node"]["status"], json!("DEACTIVATED"), "{reactivated}");
    assert!(!strs(&carl_now["node"]["permissions"]).contains(&"DEALS_VIEW".to_string()), "{changed}");
    // Told so: they are a member whose membership is deactivated (R12, R23).
    for r in [&added, &changed, &reactivated] {
        assert_eq!(error_codes(r), vec!["FORBIDDEN"], "{r}");
    }
}

#[tokio::test]
async fn a_cam_user_who_is_not_partner_admin_there_cannot_reactivate() {
    // R23, R12
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let set = standard_set(&w, &c).await;
    let carl = w.worker(&c.partner, "carl", "STANDARD", &[], "EMPLOYEE", None).await;
    let carl_m = add(&w, &c, &c.client, &carl, &set).await;
    // A CAM user who is a standard partner user of the client.
    let hr = hr(&w, &c.partner).await;
    add(&w, &c, &c.client, &hr, &set).await;
    let p = t.payload(&hr.who, DEACTIVATE, json!({"i": {"membershipIds": [carl_m]}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");

    let r = t.exec(&hr.who, REACTIVATE, json!({"i": {"membershipIds": [carl_m]}})).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    assert_eq!(status_of(&t, &carl_m).await, "DEACTIVATED");
    // The partner's super admin, CAM user but no member of the client there.
    let boss2 = w.worker(&c.partner, "boss2", "SUPER_ADMIN", &[], "EMPLOYEE", None).await;
    let r = t.exec(&boss2.who, REACTIVATE, json!({"i": {"membershipIds": [carl_m]}})).await;
    let refused = error_codes(&r) == vec!["FORBIDDEN"]
        || user_error_codes(&r["data"]["reactivateMemberships"]) == vec!["NOT_FOUND"];
    assert!(refused, "{r}");
    assert_eq!(status_of(&t, &carl_m).await, "DEACTIVATED");
    // The client's own super admin is no partner admin either.
    let r = t.exec(&c.owner.who, REACTIVATE, json!({"i": {"membershipIds": [carl_m]}})).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    assert_eq!(status_of(&t, &carl_m).await, "DEACTIVATED");
}

#[tokio::test]
async fn the_active_partner_admin_reactivates_and_an_active_member_is_not_deactivated() {
    // R23, R12
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let set = standard_set(&w, &c).await;
    let carl = w.worker(&c.partner, "carl", "STANDARD", &[], "EMPLOYEE", None).await;
    let dora = w.worker(&c.partner, "dora", "STANDARD", &[], "EMPLOYEE", None).await;
    let carl_m = add(&w, &c, &c.client, &carl, &set).await;
    let dora_m = add(&w, &c, &c.client, &dora, &set).await;
    let p = t.payload(&c.admin.who, DEACTIVATE, json!({"i": {"membershipIds": [carl_m]}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");

    // Dora is active: the whole request is refused, carl stays deactivated.
    let p = t.payload(&c.admin.who, REACTIVATE, json!({"i": {"membershipIds": [carl_m, dora_m]}})).await;
    assert_eq!(user_error_codes(&p), vec!["NOT_DEACTIVATED"], "{p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "membershipIds", "1"]));
    assert_eq!(status_of(&t, &carl_m).await, "DEACTIVATED");

    let p = t.payload(&c.admin.who, REACTIVATE, json!({"i": {"membershipIds": [carl_m]}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["memberships"][0]["status"], json!("ACTIVE"));
    assert_eq!(status_of(&t, &carl_m).await, "ACTIVE");
}

#[tokio::test]
async fn deactivating_a_worker_deactivates_them_in_every_client_of_the_partner_and_in_the_partner() {
    // R24
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (b, _) = second_client(&w, &c, "B").await;
    let set = standard_set(&w, &c).await;
    let carl = w.worker(&c.partner, "carl", "STANDARD", &[], "EMPLOYEE", None).await;
    let in_a = add(&w, &c, &c.client, &carl, &set).await;
    let in_b = add(&w, &c, &b, &carl, &set).await;
    // A client carl belongs to on his own, not for the partner.
    let own = w.client("Own").await;
    let own_m = w.member(&own, &carl.user_id, json!({"role": "STANDARD"})).await["membership"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let hr = hr(&w, &c.partner).await;

    let p = t.payload(&hr.who, DEACTIVATE_WORKER, json!({"i": {"workerId": carl.id}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["worker"]["status"], json!("DEACTIVATED"));
    let mut gone: Vec<String> = p["deactivatedMemberships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            assert_eq!(m["status"], json!("DEACTIVATED"));
            m["id"].as_str().unwrap().to_string()
        })
        .collect();
    gone.sort();
    let mut expected = vec![in_a.clone(), in_b.clone()];
    expected.sort();
    assert_eq!(gone, expected);
    assert_eq!(status_of(&t, &in_a).await, "DEACTIVATED");
    assert_eq!(status_of(&t, &in_b).await, "DEACTIVATED");
    assert_eq!(status_of(&t, &own_m).await, "ACTIVE", "not a membership for the partner");

    // The Employees tab shows carl deactivated, the others active.
    let d = t
        .ok(
            &hr.who,
            "query($id: ID!){ partnerAccount(id:$id){
                off: employees(filter:{status:[DEACTIVATED]}){ edges{ node{ user{ email } status } } }
                on: employees(filter:{status:[ACTIVE]}){ edges{ node{ user{ email } } } } } }",
            json!({"id": c.partner}),
        )
        .await;
    let off = d["partnerAccount"]["off"]["edges"].as_array().unwrap();
    assert_eq!(off.len(), 1, "{d}");
    assert_eq!(off[0]["node"]["user"]["email"], json!(carl.email));
    assert_eq!(off[0]["node"]["status"], json!("DEACTIVATED"));
    let on: Vec<&str> = d["partnerAccount"]["on"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["user"]["email"].as_str().unwrap())
        .collect();
    assert!(!on.contains(&carl.email.as_str()) && on.contains(&c.admin.email.as_str()), "{d}");
}

#[tokio::test]
async fn the_removal_preview_lists_per_client_the_membership_and_owned_assets() {
    // R25
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (b, _) = second_client(&w, &c, "B").await;
    let set = standard_set(&w, &c).await;
    let carl = w.worker(&c.partner, "carl", "STANDARD", &[], "EMPLOYEE", None).await;
    let in_a = add(&w, &c, &c.client, &carl, &set).await;
    let in_b = add(&w, &c, &b, &carl, &set).await;
    w.asset(&c.client, &carl.user_id, "A contact").await;
    w.asset(&c.client, &carl.user_id, "A deal").await;
    w.asset(&b, &carl.user_id, "B report").await;
    w.asset(&c.client, &c.owner.user_id, "Owner's own").await;
    let hr = hr(&w, &c.partner).await;

    let d = t.ok(&hr.who, PREVIEW, json!({"w": carl.id})).await;
    let items = d["removalPreview"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{d}");
    let item = |client: &str| items.iter().find(|i| i["client"]["client"]["id"] == json!(client)).expect("item");
    let names = |i: &Value| {
        let mut n: Vec<String> =
            i["assets"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap().to_string()).collect();
        n.sort();
        n
    };
    let a = item(&c.client);
    assert_eq!(a["membership"]["id"], json!(in_a));
    assert_eq!(a["membership"]["user"]["email"], json!(carl.email));
    assert_eq!(names(a), vec!["A contact", "A deal"]);
    for asset in a["assets"].as_array().unwrap() {
        assert_eq!(asset["owner"]["email"], json!(carl.email));
    }
    let bi = item(&b);
    assert_eq!(bi["membership"]["id"], json!(in_b));
    assert_eq!(names(bi), vec!["B report"]);

    // Limited to some clients.
    let d = t.ok(&hr.who, PREVIEW, json!({"w": carl.id, "c": [b]})).await;
    let items = d["removalPreview"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{d}");
    assert_eq!(items[0]["client"]["client"]["id"], json!(b));
    // The preview changed nothing.
    assert_eq!(status_of(&t, &in_a).await, "ACTIVE");
    assert_eq!(t.count("assets").await, 4);
}

#[tokio::test]
async fn removing_from_one_client_reassigns_the_assets_there_to_a_chosen_active_member() {
    // R25, R24
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (b, _) = second_client(&w, &c, "B").await;
    let set = standard_set(&w, &c).await;
    let carl = w.worker(&c.partner, "carl", "STANDARD", &[], "EMPLOYEE", None).await;
    let in_a = add(&w, &c, &c.client, &carl, &set).await;
    let in_b = add(&w, &c, &b, &carl, &set).await;
    let a1 = w.asset(&c.client, &carl.user_id, "A contact").await;
    let a2 = w.asset(&c.client, &carl.user_id, "A deal").await;
    let b1 = w.asset(&b, &carl.user_id, "B report").await;
    let hr = hr(&w, &c.partner).await;
    let assets = t.count("assets").await;

    let p = t
        .payload(
            &hr.who,
            REMOVE,
            json!({"i": {"workerId": carl.id, "clientAccountIds": [c.client],
                         "reassignTo": [{"clientAccountId": c.client, "userId": c.owner.user_id}]}}),
        )
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(
        (p["removedMemberships"].as_i64(), p["reassignedAssets"].as_i64(), p["unassignedAssets"].as_i64()),
        (Some(1), Some(2), Some(0))
    );
    assert_eq!(t.count("assets").await, assets, "removal never deletes an asset");
    assert_eq!(status_of(&t, &in_a).await, "GONE");
    assert_eq!(status_of(&t, &in_b).await, "ACTIVE", "only the named client");
    assert_eq!(asset_owner(&t, &a1).await, Some(c.owner.email.clone()));
    assert_eq!(asset_owner(&t, &a2).await, Some(c.owner.email.clone()));
    assert_eq!(asset_owner(&t, &b1).await, Some(carl.email.clone()));
    // The receiver sees them as theirs.
    let d = t
        .ok(
            &c.owner.who,
            "query($id: ID!){ node(id:$id){ ... on Membership { ownedAssets{ totalCount } } } }",
            json!({"id": c.owner.id}),
        )
        .await;
    assert_eq!(d["node"]["ownedAssets"]["totalCount"], json!(2));
}

#[tokio::test]
async fn removing_from_all_clients_leaves_assets_of_unlisted_clients_without_owner() {
    // R25
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (b, _) = second_client(&w, &c, "B").await;
    let set = standard_set(&w, &c).await;
    let carl = w.worker(&c.partner, "carl", "STANDARD", &[], "EMPLOYEE", None).await;
    let in_a = add(&w, &c, &c.client, &carl, &set).await;
    let in_b = add(&w, &c, &b, &carl, &set).await;
    let a1 = w.asset(&c.client, &carl.user_id, "A contact").await;
    let b1 = w.asset(&b, &carl.user_id, "B report").await;
    let b2 = w.asset(&b, &carl.user_id, "B list").await;
    let assets = t.count("assets").await;

    // No clientAccountIds: every client of the partner.
    let p = t
        .payload(
            &c.admin.who,
            REMOVE,
            json!({"i": {"workerId": carl.id, "reassignTo": [{"clientAccountId": c.client, "userId": c.admin.user_id}]}}),
        )
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(
        (p["removedMemberships"].as_i64(), p["reassignedAssets"].as_i64(), p["unassignedAssets"].as_i64()),
        (Some(2), Some(1), Some(2))
    );
    assert_eq!(t.count("assets").await, assets);
    assert_eq!(status_of(&t, &in_a).await, "GONE");
    assert_eq!(status_of(&t, &in_b).await, "GONE");
    assert_eq!(asset_owner(&t, &a1).await, Some(c.admin.email.clone()));
    assert_eq!(asset_owner(&t, &b1).await, None);
    assert_eq!(asset_owner(&t, &b2).await, None);
    let d = t
        .ok(
            &c.admin.who,
            "query($id: ID!){ node(id:$id){ ... on Worker { status clientMemberships{ totalCount } } } }",
            json!({"id": carl.id}),
        )
        .await;
    assert_eq!(d["node"]["clientMemberships"]["totalCount"], json!(0), "{d}");
    assert_eq!(d["node"]["status"], json!("ACTIVE"), "removal from clients keeps the worker");
}

#[tokio::test]
async fn removing_from_several_clients_is_all_or_nothing() {
    // R25, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (b, owner_b) = second_client(&w, &c, "B").await;
    let (d_client, _) = second_client(&w, &c, "D").await;
    let set = standard_set(&w, &c).await;
    let carl = w.worker(&c.partner, "carl", "STANDARD", &[], "EMPLOYEE", None).await;
    let in_a = add(&w, &c, &c.client, &carl, &set).await;
    let in_b = add(&w, &c, &b, &carl, &set).await;
    let in_d = add(&w, &c, &d_client, &carl, &set).await;
    let a1 = w.asset(&c.client, &carl.user_id, "A contact").await;
    let b1 = w.asset(&b, &carl.user_id, "B report").await;
    let hr = hr(&w, &c.partner).await;
    let (members, assets) = (t.count("memberships").await, t.count("assets").await);

    // The owner of A is no member of B: nothing is removed anywhere.
    let p = t
        .payload(
            &hr.who,
            REMOVE,
            json!({"i": {"workerId": carl.id, "clientAccountIds": [c.client, b],
                         "reassignTo": [{"clientAccountId": c.client, "userId": c.owner.user_id},
                                        {"clientAccountId": b, "userId": c.owner.user_id}]}}),
        )
        .await;
    assert_eq!(user_error_codes(&p), vec!["NOT_A_MEMBER"], "{p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "reassignTo", "1", "userId"]));
    assert_eq!(p["removedMemberships"], json!(0));
    assert_eq!(t.count("memberships").await, members);
    assert_eq!(status_of(&t, &in_a).await, "ACTIVE");
    assert_eq!(asset_owner(&t, &a1).await, Some(carl.email.clone()));

    // A deactivated member cannot receive assets either.
    let p = t.payload(&hr.who, DEACTIVATE, json!({"i": {"membershipIds": [c.admin_membership]}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let p = t
        .payload(
            &hr.who,
            REMOVE,
            json!({"i": {"workerId": carl.id, "clientAccountIds": [c.client, b],
                         "reassignTo": [{"clientAccountId": c.client, "userId": c.admin.user_id}]}}),
        )
        .await;
    assert_eq!(user_error_codes(&p), vec!["NOT_A_MEMBER"], "{p}");
    assert_eq!(t.count("memberships").await, members);

    // Valid: two of the three clients.
    let p = t
        .payload(
            &hr.who,
            REMOVE,
            json!({"i": {"workerId": carl.id, "clientAccountIds": [c.client, b],
                         "reassignTo": [{"clientAccountId": c.client, "userId": c.owner.user_id},
                                        {"clientAccountId": b, "userId": owner_b.user_id}]}}),
        )
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(
        (p["removedMemberships"].as_i64(), p["reassignedAssets"].as_i64(), p["unassignedAssets"].as_i64()),
        (Some(2), Some(2), Some(0))
    );
    assert_eq!(t.count("memberships").await, members - 2);
    assert_eq!(t.count("assets").await, assets);
    assert_eq!((status_of(&t, &in_a).await, status_of(&t, &in_b).await), ("GONE".into(), "GONE".into()));
    assert_eq!(status_of(&t, &in_d).await, "ACTIVE");
    assert_eq!(asset_owner(&t, &b1).await, Some(owner_b.email.clone()));
}

/// A worker of the partner who is the super admin of a client of their own
/// and is then linked to the partner there (R14): a partner user who is a
/// super admin.
async fn linked_super_admin(w: &World<'_>, c: &Managed) -> (String, W, String) {
    let client = w.client("Own").await;
    let sam = w.worker(&c.partner, "sam", "STANDARD", &[], "EMPLOYEE", None).await;
    let m = w.member(&client, &sam.user_id, json!({"role": "SUPER_ADMIN"})).await;
    assert!(user_error_codes(&m).is_empty(), "{m}");
    let p = w.t.payload(&c.admin.who, LINK, json!({"i": {"workerId": sam.id, "clientAccountIds": [client]}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["memberships"][0]["role"], json!("SUPER_ADMIN"));
    assert_eq!(p["memberships"][0]["partner"]["id"], json!(c.partner));
    (client, sam, m["membership"]["id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_super_admin_is_never_removed_from_a_client() {
    // R26, R49
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (client, sam, sam_m) = linked_super_admin(&w, &c).await;
    w.client_admin(&client, "second").await;
    let asset_id = w.asset(&client, &sam.user_id, "Sam's workflow").await;
    let members = t.count("memberships").await;

    let p = t.payload(&c.admin.who, REMOVE, json!({"i": {"workerId": sam.id}})).await;
    assert_eq!(user_error_codes(&p), vec!["CANNOT_REMOVE_SUPER_ADMIN"], "{p}");
    // R49: removing all partner users skips the super admin instead.
    let p = t
        .payload(&c.admin.who, REMOVE_ALL, json!({"i": {"partnerAccountId": c.partner, "clientAccountId": client}}))
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["removedMemberships"], json!(0), "{p}");
    assert_eq!(t.count("memberships").await, members);
    assert_eq!(membership(&t, &sam_m).await["role"], json!("SUPER_ADMIN"));
    assert_eq!(asset_owner(&t, &asset_id).await, Some(sam.email.clone()));
}

#[tokio::test]
async fn naming_a_client_where_the_worker_is_super_admin_is_refused_whole() {
    // R26, R25: removing carl from A and from a client where he is a super
    // admin (not for the partner) removes nothing.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let set = standard_set(&w, &c).await;
    let carl = w.worker(&c.partner, "carl", "STANDARD", &[], "EMPLOYEE", None).await;
    let in_a = add(&w, &c, &c.client, &carl, &set).await;
    let own = w.client("Own").await;
    let m = w.member(&own, &carl.user_id, json!({"role": "SUPER_ADMIN"})).await;
    assert!(user_error_codes(&m).is_empty(), "{m}");
    let members = t.count("memberships").await;

    let p =
        t.payload(&c.admin.who, REMOVE, json!({"i": {"workerId": carl.id, "clientAccountIds": [c.client, own]}})).await;
    assert_eq!(user_error_codes(&p), vec!["CANNOT_REMOVE_SUPER_ADMIN"], "{p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "clientAccountIds", "1"]));
    assert_eq!(t.count("memberships").await, members);
    assert_eq!(status_of(&t, &in_a).await, "ACTIVE");
}

#[tokio::test]
async fn a_super_admin_is_deactivated_only_while_another_active_super_admin_remains() {
    // R26, R31
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (client, sam, sam_m) = linked_super_admin(&w, &c).await;
    assert_eq!(super_admin_count(&t, &client).await, 1);

    let p = t.payload(&c.admin.who, DEACTIVATE, json!({"i": {"membershipIds": [sam_m]}})).await;
    assert_eq!(user_error_codes(&p), vec!["LAST_SUPER_ADMIN"], "{p}");
    assert_eq!(status_of(&t, &sam_m).await, "ACTIVE");
    // Deactivating the worker everywhere is refused whole, too.
    let p = t.payload(&c.admin.who, DEACTIVATE_WORKER, json!({"i": {"workerId": sam.id}})).await;
    assert_eq!(user_error_codes(&p), vec!["LAST_SUPER_ADMIN"], "{p}");
    assert_eq!(status_of(&t, &sam_m).await, "ACTIVE");
    let d =
        t.ok(&c.admin.who, "query($id: ID!){ node(id:$id){ ... on Worker { status } } }", json!({"id": sam.id})).await;
    assert_eq!(d["node"]["status"], json!("ACTIVE"), "nothing changed");
    assert_eq!(super_admin_count(&t, &client).await, 1);

    // With a second active super admin, it is allowed.
    w.client_admin(&client, "second").await;
    let p = t.payload(&c.admin.who, DEACTIVATE, json!({"i": {"membershipIds": [sam_m]}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(status_of(&t, &sam_m).await, "DEACTIVATED");
    assert_eq!(super_admin_count(&t, &client).await, 1);
}

#[tokio::test]
async fn client_super_admins_cannot_deactivate_the_last_active_super_admin() {
    // R26, R31
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let ann = w.client_admin(&client, "ann").await;
    let bob = w.client_admin(&client, "bob").await;

    // Both at once would leave none.
    let p = t.payload(&ann.who, DEACTIVATE, json!({"i": {"membershipIds": [ann.id, bob.id]}})).await;
    assert_eq!(user_error_codes(&p), vec!["LAST_SUPER_ADMIN"], "{p}");
    assert_eq!(super_admin_count(&t, &client).await, 2);
    let p = t.payload(&ann.who, DEACTIVATE, json!({"i": {"membershipIds": [bob.id]}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(super_admin_count(&t, &client).await, 1);
    let p = t.payload(&ann.who, DEACTIVATE, json!({"i": {"membershipIds": [ann.id]}})).await;
    assert_eq!(user_error_codes(&p), vec!["LAST_SUPER_ADMIN"], "{p}");
    assert_eq!(status_of(&t, &ann.id).await, "ACTIVE");
    assert_eq!(super_admin_count(&t, &client).await, 1);
}

#[tokio::test]
async fn when_every_partner_user_is_deactivated_a_cam_user_still_removes_them_all() {
    // R28, R25
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let set = standard_set(&w, &c).await;
    let carl = w.worker(&c.partner, "carl", "STANDARD", &[], "EMPLOYEE", None).await;
    let carl_m = add(&w, &c, &c.client, &carl, &set).await;
    let a1 = w.asset(&c.client, &carl.user_id, "Carl's deal").await;
    let a2 = w.asset(&c.client, &c.admin.user_id, "Admin's report").await;
    let hr = hr(&w, &c.partner).await;
    let p = t.payload(&hr.who, DEACTIVATE, json!({"i": {"membershipIds": [c.admin_membership, carl_m]}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let assets = t.count("assets").await;

    // The deactivated partner admin, still a CAM user of the partner.
    let p = t
        .payload(&c.admin.who, REMOVE_ALL, json!({"i": {"partnerAccountId": c.partner, "clientAccountId": c.client}}))
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["removedMemberships"], json!(2));
    assert_eq!(p["unassignedAssets"], json!(2));
    assert_eq!(p["partnerClient"]["activePartnerUserCount"], json!(0));
    assert_eq!(p["partnerClient"]["accessTypes"], json!(["NONE"]));
    assert_eq!(status_of(&t, &carl_m).await, "GONE");
    assert_eq!(status_of(&t, &c.admin_membership).await, "GONE");
    assert_eq!(t.count("assets").await, assets);
    assert_eq!(asset_owner(&t, &a1).await, None);
    assert_eq!(asset_owner(&t, &a2).await, None);
    let d = t
        .ok(
            &c.owner.who,
            "query($id: ID!){ clientAccount(id:$id){ superAdminCount members{ totalCount } } }",
            json!({"id": c.client}),
        )
        .await;
    assert_eq!(d["clientAccount"], json!({"superAdminCount": 1, "members": {"totalCount": 1}}), "the owner stays");
}

#[tokio::test]
async fn a_cam_user_who_is_no_member_of_the_client_removes_all_partner_users() {
    // R28, R24
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let hr = hr(&w, &c.partner).await;
    let plain = w.worker(&c.partner, "plain", "STANDARD", &[], "EMPLOYEE", None).await;
    let p = t.payload(&hr.who, DEACTIVATE, json!({"i": {"membershipIds": [c.admin_membership]}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    // A worker without CAM access may not (R1).
    let r = t
        .exec(&plain.who, REMOVE_ALL, json!({"i": {"partnerAccountId": c.partner, "clientAccountId": c.client}}))
        .await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    assert_eq!(status_of(&t, &c.admin_membership).await, "DEACTIVATED");
    let p = t
        .payload(&hr.who, REMOVE_ALL, json!({"i": {"partnerAccountId": c.partner, "clientAccountId": c.client}}))
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["removedMemberships"], json!(1));
    assert_eq!(p["partnerClient"]["status"], json!("ENDING"));
    assert_eq!(status_of(&t, &c.admin_membership).await, "GONE");
}

#[tokio::test]
async fn the_removal_preview_shows_every_client_the_removal_would_touch() {
    // R25, R14: a worker whose deactivated membership in a client was linked
    // to the partner is a partner user there; the preview must show it
    // before a removal takes it away.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (_, carl, carl_x, contact) = linked_while_deactivated(&w, &c).await;

    let d = t.ok(&c.admin.who, PREVIEW, json!({"w": carl.id})).await;
    let items = d["removalPreview"]["items"].as_array().unwrap().clone();
    let p = t.payload(&c.admin.who, REMOVE, json!({"i": {"workerId": carl.id}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["removedMemberships"], json!(1), "{p}");
    assert_eq!(asset_owner(&t, &contact).await, None);
    assert_eq!(items.len(), 1, "the preview must list the membership the removal took away: {d}");
    assert_eq!(items[0]["membership"]["id"], json!(carl_x));
    assert_eq!(items[0]["assets"][0]["name"], json!("X contact"));
}

#[tokio::test]
async fn a_cam_user_removes_all_partner_users_of_a_client_whose_only_partner_user_was_linked_while_deactivated() {
    // R28, R14: every partner user of X is deactivated; a CAM user can still
    // remove them all.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (x, _, carl_x, _) = linked_while_deactivated(&w, &c).await;

    let p =
        t.payload(&c.admin.who, REMOVE_ALL, json!({"i": {"partnerAccountId": c.partner, "clientAccountId": x}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["removedMemberships"], json!(1));
    assert_eq!(status_of(&t, &carl_x).await, "GONE");
}

#[tokio::test]
async fn a_cam_user_who_sees_a_partner_user_but_is_not_partner_admin_of_the_client_is_forbidden() {
    // R12, R23, R22; R33: they can see the member, so the answer is a
    // top-level FORBIDDEN, never NOT_FOUND.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let set = standard_set(&w, &c).await;
    let carl = w.worker(&c.partner, "carl", "STANDARD", &[], "EMPLOYEE", None).await;
    let carl_m = add(&w, &c, &c.client, &carl, &set).await;
    let p = t.payload(&c.admin.who, DEACTIVATE, json!({"i": {"membershipIds": [carl_m]}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    // The partner's super admin: a CAM user, no member of the client.
    let boss2 = w.worker(&c.partner, "boss2", "SUPER_ADMIN", &[], "EMPLOYEE", None).await;
    let before = membership(&t, &carl_m).await;

    let reactivated = t.exec(&boss2.who, REACTIVATE, json!({"i": {"membershipIds": [carl_m]}})).await;
    let changed = t
        .exec(
            &boss2.who,
            "mutation($i: ChangePermissionSetInput!){ changePermissionSet(input:$i){ membership{ id } userErrors{ code } } }",
            json!({"i": {"membershipId": carl_m, "permissionSetId": set}}),
        )
        .await;
    let seat = t
        .exec(
            &boss2.who,
            "mutation($i: ChangeSeatInput!){ changeSeat(input:$i){ membership{ id } userErrors{ code } } }",
            json!({"i": {"membershipId": carl_m, "seat": "VIEW_ONLY"}}),
        )
        .await;

    for r in [&reactivated, &changed, &seat] {
        assert_eq!(error_codes(r), vec!["FORBIDDEN"], "{r}");
    }
    assert_eq!(membership(&t, &carl_m).await, before);
    assert_eq!(status_of(&t, &carl_m).await, "DEACTIVATED");
}
