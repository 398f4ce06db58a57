//! R44: SCIM tokens, kept by a client's active super admins; a token's
//! secret is shown once and only its hash is stored.

use serde_json::json;

use super::ScimService;
use crate::account::model::AccountKind;
use crate::common::error::{Error, Result};
use crate::common::ids::AccountId;
use crate::policy::hidden;
use crate::scim::model::{NewScimToken, ScimCaller, ScimToken, ScimTokenId};
use crate::store::{body, Repository};
use crate::user::principal::Principal;

/// The secrets of SCIM tokens start with this, so that a leaked one is
/// recognisable (secret scanners) and never taken for a user token.
pub const TOKEN_PREFIX: &str = "cam_scim_";

/// A created token and its secret, which is shown once.
pub struct CreatedScimToken {
    pub token: ScimToken,
    pub secret: String,
}

impl ScimService {
    /// R44: the caller must be an active super admin of the client account.
    /// Not a member: `NOT_FOUND` at `path` (R33); a member: `FORBIDDEN`.
    async fn scim_admin_of(
        &self,
        repo: &dyn Repository,
        p: &Principal,
        client: AccountId,
        path: &[&str],
    ) -> Result<crate::user::model::User> {
        let user = self.policy.user(p)?.clone();
        let (_, me) = self.policy.acting_in(repo, &user, client, AccountKind::Client, path).await?;
        if !me.is_active_super_admin() {
            return Err(Error::forbidden("only an active super admin of the client account manages SCIM tokens (R44)"));
        }
        Ok(user)
    }

    /// R44: a new SCIM token for a client account; its secret is returned
    /// once and only its hash is stored.
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn create_scim_token(&self, p: &Principal, client: AccountId) -> Result<CreatedScimToken> {
        self.store
            .transaction(|tx| {
                body(async move {
                    let user = self.scim_admin_of(tx.repo(), p, client, &["clientAccountId"]).await?;
                    let secret = format!("{TOKEN_PREFIX}{}", self.tokens.generate());
                    let token = tx
                        .insert_scim_token(NewScimToken {
                            account_id: client,
                            token_hash: self.tokens.hash(&secret),
                            created_by: Some(user.id),
                            created_at: self.policy.now(),
                        })
                        .await?;
                    let mut ev = self.policy.event(Some(&user), "scim.token_created");
                    ev.account_id = Some(client);
                    ev.after = Some(json!({"scimTokenId": token.id.get()}));
                    tx.record(ev).await?;
                    Ok(CreatedScimToken { token, secret })
                })
            })
            .await
    }

    /// R44: revokes a SCIM token; at once, its secret is refused (401).
    /// Whoever is not an active super admin of its account gets the refusal
    /// of an unknown id (R33). Revoking a revoked token changes nothing.
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn revoke_scim_token(&self, p: &Principal, id: ScimTokenId) -> Result<ScimToken> {
        let path = ["scimTokenId"];
        self.store
            .transaction(|tx| {
                body(async move {
                    let token = tx.find_scim_token(id).await?.ok_or_else(|| Error::not_found(&path, "SCIM token"))?;
                    let user = match self.scim_admin_of(tx.repo(), p, token.account_id, &path).await {
                        Ok(u) => u,
                        Err(Error::Forbidden(_)) => return Err(Error::not_found(&path, "SCIM token")),
                        Err(e) => return Err(hidden(e, &path, "SCIM token")),
                    };
                    if token.revoked_at.is_some() {
                        return Ok(token);
                    }
                    let now = self.policy.now();
                    tx.revoke_scim_token(id, now).await?;
                    let mut ev = self.policy.event(Some(&user), "scim.token_revoked");
                    ev.account_id = Some(token.account_id);
                    ev.before = Some(json!({"scimTokenId": id.get()}));
                    tx.record(ev).await?;
                    Ok(ScimToken { revoked_at: Some(now), ..token })
                })
            })
            .await
    }

    /// R44: a client account's tokens, without secrets: for its active super
    /// admins (and the operator); other members get `FORBIDDEN`.
    pub async fn scim_tokens(&self, p: &Principal, client: AccountId) -> Result<Vec<ScimToken>> {
        if let Some(m) = self.policy.require_client_member(p, client).await? {
            if !m.is_active_super_admin() {
                return Err(Error::forbidden("only super admins see the SCIM tokens (R44)"));
            }
        }
        Ok(self.store.scim_tokens_of(client).await?)
    }

    /// The account a SCIM bearer secret acts for; `None` for an unknown or
    /// revoked token (401). Only the hash is looked up, so the answer takes
    /// the same time whatever the secret.
    pub async fn scim_authenticate(&self, secret: &str) -> Result<Option<ScimCaller>> {
        if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 256 {
            return Ok(None);
        }
        let found = self.store.find_scim_token_by_hash(&self.tokens.hash(secret)).await?;
        Ok(found.filter(|t| t.revoked_at.is_none()).map(|t| ScimCaller { account: t.account_id, token: t.id }))
    }
}
