//! `Subscription` (R43): audit events as they commit, for whoever may read
//! that audit log at the moment each event arrives (R32, R33).

use async_graphql::{Context, Result, Subscription as GqlSubscription, ID};
use cam_domain::audit::model::AuditScope;
use cam_domain::{AccountId, Cam, Error, Principal};
use futures::Stream;

use super::audit::AuditEvent;
use super::enums::UserErrorCode;
use super::error::{coded, forbidden, not_found, top_level, SERVICE_UNAVAILABLE};
use super::ids::{decode, Kind};
use crate::live::{Ended, Live};

#[derive(Default)]
pub struct Subscription;

#[GqlSubscription]
impl Subscription {
    /// Audit events of a partner account as they commit: its CAM users (R1).
    async fn partner_events(
        &self,
        ctx: &Context<'_>,
        partner_account_id: ID,
    ) -> Result<impl Stream<Item = Result<AuditEvent>>> {
        let Some(raw) = decode(Kind::PartnerAccount, &partner_account_id) else {
            return Err(not_found("partner account not found"));
        };
        watch(ctx, AuditScope::Partner(AccountId::new(raw))).await
    }

    /// Audit events of a client account as they commit: its active super admins.
    async fn client_events(
        &self,
        ctx: &Context<'_>,
        client_account_id: ID,
    ) -> Result<impl Stream<Item = Result<AuditEvent>>> {
        let Some(raw) = decode(Kind::ClientAccount, &client_account_id) else {
            return Err(not_found("client account not found"));
        };
        watch(ctx, AuditScope::Client(AccountId::new(raw))).await
    }
}

/// Checks the caller may read this log (`NOT_FOUND` when the account is
/// not theirs, R33), registers with the hub, then yields each event after
/// checking again that the caller may still see it. The stream ends with an
/// error when they no longer may, or when they fell too far behind.
async fn watch(ctx: &Context<'_>, scope: AuditScope) -> Result<impl Stream<Item = Result<AuditEvent>>> {
    let principal = super::principal(ctx)?.clone();
    let cam = super::cam(ctx)?.clone();
    let live = ctx.data::<std::sync::Arc<Live>>()?.clone();
    let request_id = ctx.data_opt::<super::RequestId>().map(|r| r.0.clone()).unwrap_or_default();
    // Registered before the check, so that nothing committed in between is missed.
    let registration = live.register(scope);
    cam.audit.may_watch_audit(&principal, scope).await.map_err(|e| top_level(ctx, e))?;
    let state = Some((registration, cam, principal, request_id));
    Ok(futures::stream::unfold(state, move |state| async move {
        let (mut registration, cam, principal, request_id) = state?;
        let Some(event) = registration.next().await else {
            return match registration.ended() {
                Some(Ended::Lagged) => Some((
                    Err(coded(
                        "SUBSCRIPTION_LAGGED",
                        "events came faster than this connection read them; subscribe again",
                    )),
                    None,
                )),
                Some(Ended::Interrupted) => Some((
                    Err(coded(
                        "SUBSCRIPTION_INTERRUPTED",
                        "this server lost its feed of committed events for a moment, so events may be missing; \
                         subscribe again",
                    )),
                    None,
                )),
                None => None,
            };
        };
        match may_still_watch(&cam, &principal, scope, &request_id).await {
            Ok(()) => Some((Ok(AuditEvent(event)), Some((registration, cam, principal, request_id)))),
            Err(e) => Some((Err(e), None)),
        }
    }))
}

async fn may_still_watch(cam: &Cam, p: &Principal, scope: AuditScope, request_id: &str) -> Result<()> {
    match cam.audit.may_watch_audit(p, scope).await {
        Ok(()) => Ok(()),
        Err(Error::Forbidden(why)) => Err(forbidden(why)),
        Err(Error::Refused(rs)) => {
            let (code, message) = rs
                .first()
                .map(|r| (UserErrorCode::from(r.code).as_str().to_string(), r.message.clone()))
                .unwrap_or_else(|| ("NOT_FOUND".into(), "not found".into()));
            Err(coded(&code, message))
        }
        Err(Error::Storage(e)) => {
            tracing::warn!(request_id = %request_id, error = %cam_domain::chain(&e), "could not check a subscriber's access");
            Err(coded(SERVICE_UNAVAILABLE, "the service is busy; subscribe again in a moment"))
        }
    }
}
