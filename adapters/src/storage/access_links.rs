//! Access links and approvals. Only token hashes are stored (R8).

use std::collections::HashMap;

use async_trait::async_trait;
use cam_domain::access_link::model::{AccessLink, Approval, Decline, NewAccessLink};
use cam_domain::access_link::ports::AccessLinkRepository;
use cam_domain::{AccessLinkId, AccountId, MembershipId, StorageError};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::entities::{access_link, approval, decline};
use super::{convert, db, Conn, SeaOrmRepository};

#[async_trait]
impl<C: Conn> AccessLinkRepository for SeaOrmRepository<C> {
    async fn insert_link(&self, new: NewAccessLink) -> Result<AccessLink, StorageError> {
        let row = access_link::ActiveModel {
            partner_id: Set(new.partner_id.get()),
            worker_id: Set(new.worker_id.get()),
            token_hash: Set(new.token_hash),
            created_by: Set(new.created_by.map(|u| u.get())),
            created_at: Set(new.created_at),
            expires_at: Set(new.expires_at),
            revoked_at: Set(None),
            ..Default::default()
        }
        .insert(&self.conn)
        .await
        .map_err(db)?;
        Ok(convert::access_link(row))
    }

    async fn find_link(&self, id: AccessLinkId) -> Result<Option<AccessLink>, StorageError> {
        Ok(access_link::Entity::find_by_id(id.get()).one(&self.conn).await.map_err(db)?.map(convert::access_link))
    }

    async fn find_link_by_token_hash(&self, hash: &str) -> Result<Option<AccessLink>, StorageError> {
        Ok(access_link::Entity::find()
            .filter(access_link::Column::TokenHash.eq(hash))
            .one(&self.conn)
            .await
            .map_err(db)?
            .map(convert::access_link))
    }

    async fn current_links(&self, workers: &[MembershipId]) -> Result<HashMap<MembershipId, AccessLink>, StorageError> {
        if workers.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = access_link::Entity::find()
            .filter(access_link::Column::WorkerId.is_in(workers.iter().map(|w| w.get())))
            .order_by_asc(access_link::Column::Id)
            .all(&self.conn)
            .await
            .map_err(db)?;
        // Later rows overwrite earlier ones: the newest link wins.
        Ok(rows.into_iter().map(|r| (MembershipId::new(r.worker_id), convert::access_link(r))).collect())
    }

    async fn revoke_links_of(&self, worker: MembershipId, at: DateTime<Utc>) -> Result<u64, StorageError> {
        let res = access_link::Entity::update_many()
            .col_expr(access_link::Column::RevokedAt, Expr::value(Some(at)))
            .filter(access_link::Column::WorkerId.eq(worker.get()))
            .filter(access_link::Column::RevokedAt.is_null())
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(res.rows_affected)
    }

    async fn insert_approval(&self, a: &Approval) -> Result<(), StorageError> {
        approval::ActiveModel {
            access_link_id: Set(a.link_id.get()),
            client_id: Set(a.client_id.get()),
            approved_by: Set(a.approved_by.map(|u| u.get())),
            membership_id: Set(Some(a.membership_id.get())),
            approved_at: Set(a.approved_at),
            ..Default::default()
        }
        .insert(&self.conn)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn approvals_of(&self, link: AccessLinkId) -> Result<Vec<Approval>, StorageError> {
        let rows = approval::Entity::find()
            .filter(approval::Column::AccessLinkId.eq(link.get()))
            .order_by_asc(approval::Column::Id)
            .all(&self.conn)
            .await
            .map_err(db)?;
        Ok(rows.into_iter().map(convert::approval).collect())
    }

    async fn find_approval(&self, link: AccessLinkId, client: AccountId) -> Result<Option<Approval>, StorageError> {
        Ok(approval::Entity::find()
            .filter(approval::Column::AccessLinkId.eq(link.get()))
            .filter(approval::Column::ClientId.eq(client.get()))
            .one(&self.conn)
            .await
            .map_err(db)?
            .map(convert::approval))
    }

    async fn insert_decline(&self, d: &Decline) -> Result<(), StorageError> {
        decline::ActiveModel {
            access_link_id: Set(d.link_id.get()),
            client_id: Set(d.client_id.get()),
            declined_by: Set(d.declined_by.map(|u| u.get())),
            note: Set(d.note.as_ref().map(|n| n.as_str().to_string())),
            declined_at: Set(d.declined_at),
            ..Default::default()
        }
        .insert(&self.conn)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn find_decline(&self, link: AccessLinkId, client: AccountId) -> Result<Option<Decline>, StorageError> {
        Ok(decline::Entity::find()
            .filter(decline::Column::AccessLinkId.eq(link.get()))
            .filter(decline::Column::ClientId.eq(client.get()))
            .one(&self.conn)
            .await
            .map_err(db)?
            .map(convert::decline))
    }

    async fn declines_of(&self, link: AccessLinkId) -> Result<Vec<Decline>, StorageError> {
        let rows = decline::Entity::find()
            .filter(decline::Column::AccessLinkId.eq(link.get()))
            .order_by_asc(decline::Column::Id)
            .all(&self.conn)
            .await
            .map_err(db)?;
        Ok(rows.into_iter().map(convert::decline).collect())
    }
}
