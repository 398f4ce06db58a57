//! Operator use case: recording assets (the platform owns them; R25 only
//! reassigns them).

use std::sync::Arc;

use crate::policy::Policy;
use crate::store::{body, Store};

use serde_json::json;

use crate::asset::model::{Asset, AssetKind};

use crate::common::error::{Code, Error, Result};
use crate::common::ids::{AccountId, UserId};
use crate::user::model::parse_person_name;
use crate::user::principal::Principal;

/// Assets and their owners (R24, R25).
#[derive(Clone)]
pub struct AssetService {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) policy: Policy,
}

impl AssetService {
    #[tracing::instrument(skip(self, p, name), err(level = "debug"))]
    pub async fn create_asset(
        &self,
        p: &Principal,
        client: AccountId,
        owner: UserId,
        kind: AssetKind,
        name: &str,
    ) -> Result<Asset> {
        self.policy.operator(p)?;
        let name = &parse_person_name(name).map_err(|e| Error::refused_at(Code::InvalidInput, &["name"], e))?;
        self.store
            .transaction(|tx| {
                body(async move {
                    if tx.find_account(client).await?.filter(|a| a.is_client()).is_none() {
                        return Err(Error::not_found(&["clientAccountId"], "client account"));
                    }
                    if tx.find_user(owner).await?.is_none() {
                        return Err(Error::not_found(&["ownerUserId"], "user"));
                    }
                    if tx.membership_of(client, owner).await?.is_none() {
                        return Err(Error::refused_at(
                            Code::NotAMember,
                            &["ownerUserId"],
                            "the owner is not a member of the client account",
                        ));
                    }
                    let asset = tx.insert_asset(client, owner, kind, name, self.policy.now()).await?;
                    let mut ev = self.policy.event(None, "asset.created");
                    ev.account_id = Some(client);
                    ev.subject_id = Some(owner);
                    ev.after = Some(json!({"assetId": asset.id.get(), "kind": kind.as_str(), "name": asset.name}));
                    tx.record(ev).await?;
                    Ok(asset)
                })
            })
            .await
    }
}

impl AssetService {
    /// R33: an asset is visible to the operator and active members of its
    /// client account.
    pub async fn visible_asset(&self, p: &Principal, id: crate::AssetId) -> Result<Option<Asset>> {
        let Some(asset) = self.store.find_assets(&[id]).await?.remove(&id) else { return Ok(None) };
        let Principal::User(u) = p else { return Ok(Some(asset)) };
        Ok(self.policy.active_membership(self.store.as_ref(), asset.client_id, u.id).await?.map(|_| asset))
    }
}
