//! R39: `setMembershipExpiry`, a partner user's time-boxed access.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use cam_domain::MembershipId;

use super::Membership;
use crate::graphql::error::{payload, payloads, UserError};
use crate::graphql::ids::{input_id, Kind};
use crate::graphql::scalars::DateTime;
use crate::graphql::{cam, principal};

/// v1.1, R39: null clears the expiry.
#[derive(InputObject)]
pub struct SetMembershipExpiryInput {
    pub membership_id: ID,
    pub expires_at: Option<DateTime>,
}

#[derive(SimpleObject, Default)]
pub struct SetMembershipExpiryPayload {
    pub membership: Option<Membership>,
    pub user_errors: Vec<UserError>,
}

payloads!(SetMembershipExpiryPayload);

#[derive(Default)]
pub struct ExpiryMutation;

#[Object]
impl ExpiryMutation {
    /// R39: a partner admin of the client sets or clears when one of their
    /// partner's users loses access there.
    async fn set_membership_expiry(
        &self,
        ctx: &Context<'_>,
        input: SetMembershipExpiryInput,
    ) -> Result<SetMembershipExpiryPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let id = MembershipId::new(input_id(Kind::Membership, &input.membership_id, &["membershipId"])?);
            cam.memberships.set_membership_expiry(p, id, input.expires_at.map(|t| t.0)).await
        }
        .await;
        payload(ctx, r, |m| SetMembershipExpiryPayload { membership: Some(Membership(m)), ..Default::default() })
    }
}
