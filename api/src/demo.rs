//! `serve --demo`: a small data set for exploring in the playground, made
//! through the use cases themselves (so it has its audit trail and its
//! emails): a partner managing several clients (one of them `ENDING`), a
//! pending access link, a deactivated worker, queued emails.

use cam_domain::account::model::{AccountKind, PartnerTier};
use cam_domain::identity::{Identity, IdentityProvider};
use cam_domain::membership::model::{Role, Seat, WorkerKind};
use cam_domain::permission::{Permission, Permissions};
use cam_domain::services::accounts::CreateAccount;
use cam_domain::services::memberships::AddMember;
use cam_domain::{Cam, Principal};

/// The demo's people: (email, name).
pub const PEOPLE: &[(&str, &str)] = &[
    ("ana@northwind-agency.example", "Ana Agency-Owner"),
    ("ben@northwind-agency.example", "Ben Access-Manager"),
    ("carla@northwind-agency.example", "Carla Consultant"),
    ("dev@freelance-studio.example", "Dev Contractor"),
    ("olivia@acme-corp.example", "Olivia Acme-Owner"),
    ("george@globex.example", "George Globex-Owner"),
    ("ivy@initech.example", "Ivy Initech-Owner"),
    ("eve@northwind-agency.example", "Eve Former-Employee"),
];

/// Loads the demo data; returns the token of its pending access link.
/// Errors: anything a use case refuses (the database was not empty after all).
pub async fn load(cam: &Cam) -> anyhow::Result<String> {
    let op = Principal::Operator;
    let partner = cam
        .accounts
        .create_account(
            &op,
            CreateAccount {
                kind: AccountKind::Partner,
                name: "Northwind Agency".into(),
                tier: Some(PartnerTier::SolutionsPartner),
                data_center: None,
            },
        )
        .await?;
    cam.accounts.add_verified_domain(&op, partner.id, "northwind-agency.example").await?;
    let acme = cam
        .accounts
        .create_account(
            &op,
            CreateAccount { kind: AccountKind::Client, name: "Acme Corporation".into(), tier: None, data_center: None },
        )
        .await?;
    let globex = cam
        .accounts
        .create_account(
            &op,
            CreateAccount {
                kind: AccountKind::Client,
                name: "Globex".into(),
                tier: None,
                data_center: Some("eu1".into()),
            },
        )
        .await?;
    let initech = cam
        .accounts
        .create_account(
            &op,
            CreateAccount { kind: AccountKind::Client, name: "Initech".into(), tier: None, data_center: None },
        )
        .await?;
    let mut users = Vec::new();
    for (email, name) in PEOPLE {
        users.push(cam.users.create_user(&op, email, name).await?);
    }
    let member = |account, user: usize, role, kind, permissions| AddMember {
        account_id: account,
        user_id: users[user].id,
        role,
        seat: Some(Seat::Core),
        permissions,
        worker_kind: kind,
    };
    let cam_perms: Permissions =
        [Permission::PartnerEmployeeManagementView, Permission::PartnerEmployeeManagementEdit].into_iter().collect();
    let (_, ana) = cam
        .memberships
        .add_member(&op, member(partner.id, 0, Role::SuperAdmin, Some(WorkerKind::Employee), None))
        .await?;
    cam.memberships
        .add_member(&op, member(partner.id, 1, Role::Standard, Some(WorkerKind::Employee), Some(cam_perms)))
        .await?;
    let (_, carla) = cam
        .memberships
        .add_member(&op, member(partner.id, 2, Role::Standard, Some(WorkerKind::Employee), None))
        .await?;
    cam.memberships.add_member(&op, member(partner.id, 3, Role::Standard, Some(WorkerKind::Contractor), None)).await?;
    cam.memberships.add_member(&op, member(acme.id, 4, Role::SuperAdmin, None, None)).await?;
    cam.memberships.add_member(&op, member(globex.id, 5, Role::SuperAdmin, None, None)).await?;
    cam.memberships.add_member(&op, member(initech.id, 6, Role::SuperAdmin, None, None)).await?;
    let (_, eve) = cam
        .memberships
        .add_member(&op, member(partner.id, 7, Role::Standard, Some(WorkerKind::Employee), None))
        .await?;
    let as_user = |i: usize| Principal::User(users[i].clone());
    let (ben, olivia, george, ivy) = (as_user(1), as_user(4), as_user(5), as_user(6));
    // Carla manages Acme; Ana manages Globex and managed Initech, which
    // she has left, so that relationship is ENDING (R27). Each approval
    // queues an email to the worker (R10).
    let link = cam.access_links.create_access_link(&ben, partner.id, Some(carla.id)).await?;
    cam.access_links.approve_access_link(&olivia, &link.token, acme.id).await?;
    let link = cam.access_links.create_access_link(&ben, partner.id, Some(ana.id)).await?;
    cam.access_links.approve_access_link(&george, &link.token, globex.id).await?;
    cam.access_links.approve_access_link(&ivy, &link.token, initech.id).await?;
    cam.memberships.remove_worker_from_clients(&ben, ana.id, Some(&[initech.id]), &[]).await?;
    // Eve left the agency (R24).
    cam.memberships.deactivate_worker(&ben, eve.id).await?;
    // Ben's own link waits for a client admin.
    let pending = cam.access_links.create_access_link(&ben, partner.id, None).await?;
    Ok(pending.token)
}

/// Whose link the demo prints.
const LINK_OWNER: &str = "ben@northwind-agency.example";

/// The URL of a link's token on this server.
pub fn link_url(cam: &Cam, token: &str) -> String {
    format!("{}/access/{token}", cam.public_url())
}

/// The token of the demo's pending link, for a start on a database that
/// holds the demo already: `kept` (the one printed last time) while it can
/// still be approved, else a fresh link of the demo's worker (R8: the
/// previous one is revoked). `None` when the database holds no demo data.
/// Errors: anything the use cases refuse.
pub async fn pending_link(cam: &Cam, kept: Option<String>) -> anyhow::Result<Option<String>> {
    if let Some(token) = kept {
        if cam.access_links.preview_access_link(&token).await?.is_some_and(|p| p.problem.is_none()) {
            return Ok(Some(token));
        }
    }
    let email = cam_domain::user::model::Email::parse(LINK_OWNER).map_err(anyhow::Error::msg)?;
    let Some(ben) = cam.users.principal_of(Identity::User(email)).await? else { return Ok(None) };
    let partner = cam.policy.viewer_accounts(&ben).await?.into_iter().find(|(a, _)| a.kind == AccountKind::Partner);
    let Some((partner, _)) = partner else { return Ok(None) };
    Ok(Some(cam.access_links.create_access_link(&ben, partner.id, None).await?.token))
}

/// Prints a token per demo person, with what they can do.
pub fn print_tokens(identity: &dyn IdentityProvider) {
    println!("Demo tokens (valid 30 days; paste as `Authorization: Bearer <token>`):");
    for (email, name) in PEOPLE {
        if let Ok(e) = cam_domain::user::model::Email::parse(email) {
            if let Ok(t) = identity.issue(&e, 30 * 24 * 3600) {
                println!("  {name:<22} {email:<34} {t}");
            }
        }
    }
}
