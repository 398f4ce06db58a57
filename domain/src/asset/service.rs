//! Operator use case: recording assets (the platform owns them; R25 only
//! reassigns them).

use serde_json::json;

use super::model::{Asset, AssetKind};
use crate::app::Cam;
use crate::common::error::{Code, Error, Result};
use crate::common::ids::{AccountId, UserId};
use crate::common::principal::Principal;
use crate::user::model::parse_person_name;

impl Cam {
    #[tracing::instrument(skip(self, p, name), err(level = "debug"))]
    pub async fn create_asset(
        &self,
        p: &Principal,
        client: AccountId,
        owner: UserId,
        kind: AssetKind,
        name: &str,
    ) -> Result<Asset> {
        self.retrying(|| self.create_asset_once(p, client, owner, kind, name)).await
    }

    async fn create_asset_once(
        &self,
        p: &Principal,
        client: AccountId,
        owner: UserId,
        kind: AssetKind,
        name: &str,
    ) -> Result<Asset> {
        self.operator(p)?;
        let name = parse_person_name(name).map_err(|e| Error::refused_at(Code::InvalidInput, &["name"], e))?;
        let tx = self.store.begin().await?;
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
        let asset = tx.insert_asset(client, owner, kind, &name, self.now()).await?;
        let mut ev = self.event(None, "asset.created");
        ev.account_id = Some(client);
        ev.subject_id = Some(owner);
        ev.after = Some(json!({"assetId": asset.id.get(), "kind": kind.as_str(), "name": asset.name}));
        tx.record(ev).await?;
        tx.commit().await?;
        Ok(asset)
    }
}

impl Cam {
    /// R33: an asset is visible to the operator and active members of its
    /// client account.
    pub async fn visible_asset(&self, p: &Principal, id: crate::AssetId) -> Result<Option<Asset>> {
        let Some(asset) = self.store.find_assets(&[id]).await?.remove(&id) else { return Ok(None) };
        let Principal::User(u) = p else { return Ok(Some(asset)) };
        Ok(self.active_membership(self.store.as_ref(), asset.client_id, u.id).await?.map(|_| asset))
    }
}
