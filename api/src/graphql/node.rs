//! `node(id)`: any object by its global id, if the caller may see it (R33).

use async_graphql::{Context, Interface, Object, Result, ID};
use cam_domain::account::model::AccountKind;
use cam_domain::*;

use super::access_link::AccessLink;
use super::account::{ClientAccount, PartnerAccount};
use super::asset::Asset;
use super::audit::AuditEvent;
use super::error::query;
use super::ids::{decode_any, Kind};
use super::membership::{Membership, Worker};
use super::permission::{PermissionSet, PermissionTemplate};
use super::relationship::PartnerClient;
use super::scim::ScimToken;
use super::user::User;
use super::{cam, principal};

#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    User(User),
    PartnerAccount(PartnerAccount),
    ClientAccount(ClientAccount),
    Worker(Worker),
    Membership(Membership),
    PartnerClient(PartnerClient),
    Asset(Asset),
    PermissionSet(PermissionSet),
    PermissionTemplate(PermissionTemplate),
    AccessLink(AccessLink),
    // Audit events and SCIM tokens are nodes of the schema (they have global
    // ids) but are read through their accounts, never by `node(id)`.
    #[allow(dead_code)]
    AuditEvent(AuditEvent),
    #[allow(dead_code)]
    ScimToken(ScimToken),
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        let p = principal(ctx)?;
        let cam = cam(ctx)?;
        let Some((kind, raw)) = decode_any(&id) else { return Ok(None) };
        let found = match kind {
            Kind::User => query(ctx, cam.users.visible_user(p, UserId::new(raw)).await)?.map(|u| Node::User(User(u))),
            Kind::PartnerAccount => query(ctx, cam.accounts.visible_partner(p, AccountId::new(raw)).await)?
                .map(|(a, reader)| Node::PartnerAccount(PartnerAccount::found(a, reader))),
            Kind::ClientAccount => {
                query(ctx, cam.accounts.visible_account(p, AccountId::new(raw), AccountKind::Client).await)?
                    .map(|a| Node::ClientAccount(ClientAccount(a)))
            }
            Kind::Worker => query(ctx, cam.memberships.visible_member(p, MembershipId::new(raw), true).await)?
                .map(|m| Node::Worker(Worker(m))),
            Kind::Membership => query(ctx, cam.memberships.visible_member(p, MembershipId::new(raw), false).await)?
                .map(|m| Node::Membership(Membership(m))),
            Kind::PartnerClient => {
                query(ctx, cam.relationships.visible_relationship(p, RelationshipId::new(raw)).await)?
                    .map(|r| Node::PartnerClient(PartnerClient::new(r)))
            }
            Kind::Asset => {
                query(ctx, cam.assets.visible_asset(p, AssetId::new(raw)).await)?.map(|a| Node::Asset(Asset(a)))
            }
            Kind::PermissionSet => query(ctx, cam.permissions.sets().visible(p, PermissionSetId::new(raw)).await)?
                .map(|s| Node::PermissionSet(PermissionSet(s))),
            Kind::PermissionTemplate => {
                query(ctx, cam.permissions.templates().visible(p, PermissionSetId::new(raw)).await)?
                    .map(|t| Node::PermissionTemplate(PermissionTemplate(t)))
            }
            Kind::AccessLink => query(ctx, cam.access_links.visible_link(p, AccessLinkId::new(raw)).await)?
                .map(|l| Node::AccessLink(AccessLink(l))),
            // Audit events are read through the audit logs of their accounts,
            // SCIM tokens through `ClientAccount.scimTokens`.
            Kind::AuditEvent | Kind::ScimToken => None,
        };
        Ok(found)
    }
}
