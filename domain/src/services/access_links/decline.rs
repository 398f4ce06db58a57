//! Declining an access link (R54), and what the approval page lists for a
//! signed-in person (R53): the client accounts they may decide for (R10),
//! each with what it decided already.

use crate::store::body;

use super::AccessLinkService;

use serde_json::json;

use super::{checked_token, may_approve_links};
use crate::access_link::model::{Decision, Decline, LinkChoice, Note};
use crate::account::model::{Account, AccountKind};

use crate::common::error::{Code, Error, Result, StorageError};
use crate::common::ids::AccountId;
use crate::notify::model::Message;
use crate::user::principal::Principal;

/// A decline, and the client account it was made for.
pub struct DeclinedLink {
    pub decline: Decline,
    pub client: Account,
}

impl AccessLinkService {
    /// R54: whoever may approve a link for a client account (R10) declines
    /// it there instead: nothing is granted, the worker is emailed, and
    /// `access_link.declined` is written for both sides (R32).
    #[tracing::instrument(skip(self, p, token, note), err(level = "debug"))]
    pub async fn decline_access_link(
        &self,
        p: &Principal,
        token: &str,
        client: AccountId,
        note: Option<&str>,
    ) -> Result<DeclinedLink> {
        // R34: the input first; nothing is read for a bad one.
        let note = Note::parse(note).map_err(|e| Error::refused_at(Code::InvalidInput, &["note"], e))?;
        let token = checked_token(token)?;
        let decider = self.policy.user(p)?;
        let note = &note;
        self.store
            .transaction(|tx| {
                body(async move {
                    let (account, link, now) =
                        self.open_decision(tx.repo(), decider, token, client, "declining").await?;
                    let not_found = || Error::not_found(&["token"], "access link");
                    let already_declined = || {
                        Error::refused_at(Code::AlreadyDeclined, &["token"], "this client declined the link already")
                    };
                    if tx.find_decline(link.id, client).await?.is_some() {
                        return Err(already_declined());
                    }
                    let partner = tx.find_account(link.partner_id).await?.ok_or_else(not_found)?;
                    let worker = tx.find_membership(link.worker_id).await?.ok_or_else(not_found)?;
                    let worker_user = tx.find_user(worker.user_id).await?.ok_or_else(not_found)?;
                    let decline = Decline {
                        link_id: link.id,
                        client_id: client,
                        declined_by: Some(decider.id),
                        note: note.clone(),
                        declined_at: now,
                    };
                    match tx.insert_decline(&decline).await {
                        Err(StorageError::Conflict(_)) => return Err(already_declined()),
                        r => r?,
                    }
                    let message = Message::AccessLinkDeclined {
                        partner: partner.name.clone(),
                        partner_id: partner.id,
                        client: account.name.clone(),
                        worker: worker_user.name.clone(),
                        note: decline.note.as_ref().map(|n| n.as_str().to_string()),
                    };
                    tx.enqueue(self.policy.email(&worker_user, message), now).await?;
                    // One event in the client's log and the partner's (R32).
                    let mut ev = self.policy.event(Some(decider), "access_link.declined");
                    ev.account_id = Some(client);
                    ev.partner_id = Some(partner.id);
                    ev.subject_id = Some(worker.user_id);
                    ev.after = Some(json!({
                        "accessLinkId": link.id.get(),
                        "declined": true,
                        "note": decline.note.as_ref().map(Note::as_str),
                    }));
                    tx.record(ev).await?;
                    Ok(DeclinedLink { decline, client: account })
                })
            })
            .await
    }

    /// R53, R10: the client accounts the signed-in person may approve or
    /// decline this link for, each with what it decided already, in the
    /// order of their memberships. `None` for an unknown token.
    pub async fn access_link_choices(&self, p: &Principal, token: &str) -> Result<Option<Vec<LinkChoice>>> {
        self.policy.user(p)?;
        let token = checked_token(token)?;
        let Some(link) = self.store.find_link_by_token_hash(&self.tokens.hash(token)).await? else {
            return Ok(None);
        };
        let approved = self.store.approvals_of(link.id).await?;
        let declined = self.store.declines_of(link.id).await?;
        let choices = self
            .policy
            .viewer_accounts(p)
            .await?
            .into_iter()
            .filter(|(a, m)| a.kind == AccountKind::Client && may_approve_links(m))
            .map(|(account, _)| {
                let decision = if approved.iter().any(|x| x.client_id == account.id) {
                    Some(Decision::Approved)
                } else if declined.iter().any(|x| x.client_id == account.id) {
                    Some(Decision::Declined)
                } else {
                    None
                };
                LinkChoice { account, decision }
            })
            .collect();
        Ok(Some(choices))
    }
}
