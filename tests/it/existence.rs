//! R33: another tenant's object answers exactly as an id that does not
//! exist (same code, field and message), so that ids cannot be enumerated,
//! and it stays as it was.

use cam_api::graphql::ids::{encode, Kind};
use cam_tests::*;
use serde_json::{json, Value};

struct Case {
    name: &'static str,
    query: &'static str,
    kind: Kind,
    input: fn(&str) -> Value,
}

const CASES: &[Case] = &[
    Case {
        name: "revokeAccessLink",
        query: "mutation($i: RevokeAccessLinkInput!){ revokeAccessLink(input:$i){ accessLink{ id revokedAt } userErrors{ code field message } } }",
        kind: Kind::AccessLink,
        input: |id| json!({"i": {"accessLinkId": id}}),
    },
    Case {
        name: "updatePermissionSet",
        query: "mutation($i: UpdatePermissionSetInput!){ updatePermissionSet(input:$i){ permissionSet{ id name } userErrors{ code field message } } }",
        kind: Kind::PermissionSet,
        input: |id| json!({"i": {"permissionSetId": id, "name": "Stolen", "permissions": ["CONTACTS_VIEW"]}}),
    },
    Case {
        name: "deletePermissionSet",
        query: "mutation($i: DeletePermissionSetInput!){ deletePermissionSet(input:$i){ deletedId userErrors{ code field message } } }",
        kind: Kind::PermissionSet,
        input: |id| json!({"i": {"permissionSetId": id}}),
    },
    Case {
        name: "deactivateWorker",
        query: "mutation($i: DeactivateWorkerInput!){ deactivateWorker(input:$i){ worker{ id status } userErrors{ code field message } } }",
        kind: Kind::Worker,
        input: |id| json!({"i": {"workerId": id}}),
    },
    Case {
        name: "removeWorkerFromClients",
        query: "mutation($i: RemoveWorkerFromClientsInput!){ removeWorkerFromClients(input:$i){ removedMemberships userErrors{ code field message } } }",
        kind: Kind::Worker,
        input: |id| json!({"i": {"workerId": id}}),
    },
    Case {
        name: "removalPreview",
        query: "query($w: ID!){ removalPreview(workerId:$w){ items{ membership{ id } } } }",
        kind: Kind::Worker,
        input: |id| json!({"w": id}),
    },
    Case {
        name: "linkWorkerToClients",
        query: "mutation($i: LinkWorkerToClientsInput!){ linkWorkerToClients(input:$i){ memberships{ id } userErrors{ code field message } } }",
        kind: Kind::Worker,
        input: |id| json!({"i": {"workerId": id, "clientAccountIds": [encode(Kind::ClientAccount, 1).0]}}),
    },
    Case {
        name: "reactivateMemberships",
        query: "mutation($i: SetMemberStatusInput!){ reactivateMemberships(input:$i){ memberships{ id } userErrors{ code field message } } }",
        kind: Kind::Membership,
        input: |id| json!({"i": {"membershipIds": [id]}}),
    },
    Case {
        name: "changePermissionSet",
        query: "mutation($i: ChangePermissionSetInput!){ changePermissionSet(input:$i){ membership{ id } userErrors{ code field message } } }",
        kind: Kind::Membership,
        input: |id| json!({"i": {"membershipId": id, "permissionSetId": encode(Kind::PermissionSet, 1).0}}),
    },
    Case {
        name: "changeSeat",
        query: "mutation($i: ChangeSeatInput!){ changeSeat(input:$i){ membership{ id } userErrors{ code field message } } }",
        kind: Kind::Membership,
        input: |id| json!({"i": {"membershipId": id, "seat": "CORE"}}),
    },
];

/// What the tenant's objects look like to their own super admin.
async fn state(t: &TestApp, c: &Managed, link: &str, set: &str) -> Value {
    let q = "query($l: ID!, $s: ID!, $w: ID!, $m: ID!){
        l: node(id:$l){ ... on AccessLink { revokedAt } }
        s: node(id:$s){ ... on PermissionSet { name permissions } }
        w: node(id:$w){ ... on Worker { status } }
        m: node(id:$m){ ... on Membership { status seat role permissions permissionSet{ id } partner{ id } } } }";
    t.ok(&As::Operator, q, json!({"l": link, "s": set, "w": c.admin.id, "m": c.admin_membership})).await
}

fn is_not_found(r: &Value) -> bool {
    let payload_codes = r["data"].as_object().and_then(|d| d.values().next()).map(user_error_codes).unwrap_or_default();
    error_codes(r) == vec!["NOT_FOUND"] || payload_codes.first().is_some_and(|c| c == "NOT_FOUND")
}

#[tokio::test]
async fn another_tenants_objects_answer_exactly_as_ids_that_do_not_exist() {
    // R33
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let link = w.access_link(&c.partner, &c.admin.who, None).await["accessLink"]["id"].as_str().unwrap().to_string();
    let set = w.permission_set(&c.partner, &c.admin.who, "Sales", &["CONTACTS_VIEW"]).await;
    let other = w.partner_with("PROVIDER", &[w.domain("other")]).await;
    let spy = w.worker(&other, "spy", "SUPER_ADMIN", &[], "EMPLOYEE", Some(&w.domain("other"))).await;
    let before = state(&t, &c, &link, &set).await;

    let mut leaks = Vec::new();
    for case in CASES {
        let foreign = match case.kind {
            Kind::AccessLink => link.clone(),
            Kind::PermissionSet => set.clone(),
            Kind::Worker => c.admin.id.clone(),
            _ => c.admin_membership.clone(),
        };
        let missing = encode(case.kind, 987_654).0;

        let theirs = t.exec(&spy.who, case.query, (case.input)(&foreign)).await;
        let unknown = t.exec(&spy.who, case.query, (case.input)(&missing)).await;

        if theirs != unknown || !is_not_found(&theirs) {
            leaks.push(format!("{}: {theirs} / {unknown}", case.name));
        }
    }
    assert!(leaks.is_empty(), "another tenant's object answers unlike an unknown id:\n{}", leaks.join("\n"));
    assert_eq!(state(&t, &c, &link, &set).await, before, "nothing of the other tenant changed");
}
