//! R41: the preview of a permission change changes nothing and always
//! equals what `changePermissionSet` then does, proven over random
//! holdings of the acting partner admin and the member, random sets, seats
//! and eligibility, the built-in Partner Admin set included (R15, R45, R46).

use cam_domain::permission::{Permission, Permissions};
use cam_tests::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

const PREVIEW: &str =
    "query($ids: [ID!]!, $set: ID!){ previewPermissionChange(membershipIds:$ids, permissionSetId:$set){
    membership{ id permissions } added removed withheld result } }";
const CHANGE: &str = "mutation($i: ChangePermissionSetInput!){ changePermissionSet(input:$i){
    membership{ id role seat permissions } withheldPermissions userErrors{ code field } } }";
const MEMBER: &str =
    "query($id: ID!){ node(id:$id){ ... on Membership { role seat status permissions permissionSet{ id } } } }";

fn perms() -> impl Strategy<Value = Permissions> {
    proptest::collection::vec(proptest::sample::select(Permission::ALL.to_vec()), 0..16)
        .prop_map(|v| v.into_iter().collect())
}

fn names(p: Permissions) -> Vec<String> {
    p.iter().map(|x| x.as_str().to_string()).collect()
}

fn set_of(v: &Value) -> Permissions {
    strs(v).iter().filter_map(|s| Permission::parse(s)).collect()
}

struct Fixture {
    c: Managed,
    client_name: String,
    members: Vec<(String, String)>,
    custom: String,
    built_in: String,
}

async fn fixture(t: &TestApp) -> Fixture {
    let w = World::new(t);
    let c = w.managed_client().await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let dev = w.worker(&c.partner, "dev", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    let custom = w.permission_set(&c.partner, &c.admin.who, "Random", &[]).await;
    let p = w.add_workers(&c.partner, &c.client, &[&emp.id, &dev.id], &custom, &c.admin.who).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let ms = p["memberships"].as_array().unwrap();
    let members = vec![
        (ms[0]["id"].as_str().unwrap().to_string(), emp.email.to_lowercase()),
        (ms[1]["id"].as_str().unwrap().to_string(), dev.email.to_lowercase()),
    ];
    let sets = t
        .ok(
            &c.admin.who,
            "query($id: ID!){ partnerAccount(id:$id){ permissionSets{ id builtIn } } }",
            json!({"id": c.partner}),
        )
        .await;
    let built_in = sets["partnerAccount"]["permissionSets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["builtIn"] == json!(true))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let client_name = t
        .ok(&c.owner.who, "query($id: ID!){ clientAccount(id:$id){ name } }", json!({"id": c.client}))
        .await["clientAccount"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    Fixture { c, client_name, members, custom, built_in }
}

/// Plants a client membership's role, seat and permissions straight in the
/// table (the random holdings of a case).
async fn plant(t: &TestApp, client_name: &str, email: &str, role: &str, seat: &str, p: Permissions) {
    t.execute(&format!(
        "UPDATE memberships SET role = '{role}', seat = '{seat}', permissions = '{}', permission_set_id = NULL \
         WHERE account_id = (SELECT id FROM accounts WHERE name = '{client_name}') \
         AND user_id = (SELECT id FROM users WHERE email_key = '{email}')",
        p.to_storage()
    ))
    .await;
}

#[test]
fn a_preview_always_equals_what_change_permission_set_then_does() {
    // R41, R15, R16, R45, R46
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let t = rt.block_on(TestApp::new());
    let f = rt.block_on(fixture(&t));
    let admin_email = f.c.admin.email.to_lowercase();
    let seats = proptest::sample::select(vec!["PARTNER", "CORE", "VIEW_ONLY", "SALES"]);
    let cases = (perms(), perms(), perms(), 0..2usize, any::<bool>(), seats);
    let mut runner = TestRunner::new(Config { cases: 40, failure_persistence: None, ..Config::default() });
    let outcome = runner.run(&cases, |(held, old, set, which, built_in, seat)| {
        rt.block_on(async {
            let (target, target_email) = &f.members[which];
            plant(&t, &f.client_name, &admin_email, "PARTNER_ADMIN", "PARTNER", held).await;
            plant(&t, &f.client_name, target_email, "STANDARD", seat, old).await;
            let set_id = if built_in {
                f.built_in.clone()
            } else {
                let u = t
                    .payload(
                        &f.c.admin.who,
                        "mutation($i: UpdatePermissionSetInput!){ updatePermissionSet(input:$i){ userErrors{ code } } }",
                        json!({"i": {"permissionSetId": f.custom, "permissions": names(set)}}),
                    )
                    .await;
                assert!(user_error_codes(&u).is_empty(), "{u}");
                f.custom.clone()
            };
            let before = t.ok(&As::Operator, MEMBER, json!({"id": target})).await["node"].clone();

            let preview = t.exec(&f.c.admin.who, PREVIEW, json!({"ids": [target], "set": set_id})).await;
            let unchanged = t.ok(&As::Operator, MEMBER, json!({"id": target})).await["node"].clone();
            let change = t.payload(&f.c.admin.who, CHANGE, json!({"i": {"membershipId": target, "permissionSetId": set_id}})).await;
            let after = t.ok(&As::Operator, MEMBER, json!({"id": target})).await["node"].clone();

            prop_assert_eq!(&unchanged, &before, "the preview changed the member");
            if preview.get("errors").is_some() {
                // Refused alike: the preview at the top level, the change in userErrors.
                prop_assert_eq!(error_codes(&preview), user_error_codes(&change), "{} / {}", preview, change);
                prop_assert_eq!(&after, &before);
                return Ok(());
            }
            prop_assert!(user_error_codes(&change).is_empty(), "the preview passed, the change was refused: {}", change);
            let pv = &preview["data"]["previewPermissionChange"][0];
            let (old_p, new_p) = (set_of(&before["permissions"]), set_of(&after["permissions"]));
            prop_assert_eq!(set_of(&pv["membership"]["permissions"]), old_p);
            prop_assert_eq!(set_of(&pv["result"]), new_p);
            prop_assert_eq!(set_of(&change["membership"]["permissions"]), new_p);
            prop_assert_eq!(set_of(&pv["withheld"]), set_of(&change["withheldPermissions"]));
            prop_assert_eq!(set_of(&pv["added"]), new_p.minus(old_p));
            prop_assert_eq!(set_of(&pv["removed"]), old_p.minus(new_p));
            Ok(())
        })
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

#[tokio::test]
async fn a_preview_lists_each_member_and_changes_nothing() {
    // R41, R15, R20
    let t = TestApp::new().await;
    let f = fixture(&t).await;
    let w = World::new(&t);
    let set = w
        .permission_set(
            &f.c.partner,
            &f.c.admin.who,
            "Billing too",
            &["CONTACTS_VIEW", "BILLING_VIEW", "REPORTS_ACCESS"],
        )
        .await;
    let events = t.count("audit_events").await;
    let ids: Vec<&str> = f.members.iter().map(|(id, _)| id.as_str()).collect();

    let d = t.ok(&f.c.admin.who, PREVIEW, json!({"ids": ids, "set": set})).await;

    let items = d["previewPermissionChange"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    for (item, id) in items.iter().zip(&ids) {
        assert_eq!(item["membership"]["id"], json!(id));
        assert_eq!(strs(&item["added"]), vec!["CONTACTS_VIEW", "REPORTS_ACCESS"]);
        assert_eq!(strs(&item["withheld"]), vec!["BILLING_VIEW"], "only a super admin grants billing (R20)");
        assert_eq!(strs(&item["result"]), vec!["CONTACTS_VIEW", "REPORTS_ACCESS"]);
        assert_eq!(item["removed"], json!([]));
        assert_eq!(item["membership"]["permissions"], json!([]), "not applied");
    }
    assert_eq!(t.count("audit_events").await, events, "nothing was recorded");
}

#[tokio::test]
async fn a_preview_is_refused_at_the_top_level_like_a_read() {
    // R41, R33, R12
    let t = TestApp::new().await;
    let f = fixture(&t).await;
    let w = World::new(&t);
    let outsider = w.partner_with("SOLUTIONS_PARTNER", &[w.domain("other")]).await;
    let spy = w.worker(&outsider, "spy", "SUPER_ADMIN", &[], "EMPLOYEE", Some(&w.domain("other"))).await;
    // A CAM user of the partner who is no partner admin in the client.
    let boss2 = w.worker(&f.c.partner, "boss2", "SUPER_ADMIN", &[], "EMPLOYEE", None).await;
    let target = f.members[0].0.clone();

    let hidden = t.exec(&spy.who, PREVIEW, json!({"ids": [target], "set": f.custom})).await;
    assert_eq!(error_codes(&hidden), vec!["NOT_FOUND"], "{hidden}");
    let cam_user = t.exec(&boss2.who, PREVIEW, json!({"ids": [target], "set": f.custom})).await;
    assert_eq!(error_codes(&cam_user), vec!["FORBIDDEN"], "{cam_user}");
    let empty = t.exec(&f.c.admin.who, PREVIEW, json!({"ids": [], "set": f.custom})).await;
    assert_eq!(error_codes(&empty), vec!["INVALID_INPUT"], "{empty}");
}
