//! Managed relationships and the partner-user counts their status follows
//! from (R27).

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use cam_domain::membership::model::{MemberStatus, Role};
use cam_domain::relationship::model::{ClientFilter, ClientRow, PartnerUserStats, Relationship};
use cam_domain::relationship::ports::RelationshipRepository;
use cam_domain::relationship::tab::{ClientsTabQuery, ClientsTabRead};
use cam_domain::{AccountId, Page, PageRequest, RelationshipId, StorageError};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Set};

use super::entities::{membership, relationship};
use super::keyset::by_ids;
use super::{convert, db, Conn, SeaOrmRepository};

mod client_search;
mod clients_tab;
mod tab;

use clients_tab::ClientsTab;

#[derive(FromQueryResult)]
struct RoleCount {
    partner_id: i64,
    account_id: i64,
    role: String,
    n: i64,
}

#[async_trait]
impl<C: Conn> RelationshipRepository for SeaOrmRepository<C> {
    async fn upsert_relationship(
        &self,
        partner: AccountId,
        client: AccountId,
        at: DateTime<Utc>,
        restart: bool,
    ) -> Result<Relationship, StorageError> {
        let existing = relationship::Entity::find()
            .filter(relationship::Column::PartnerId.eq(partner.get()))
            .filter(relationship::Column::ClientId.eq(client.get()))
            .one(&self.conn)
            .await
            .map_err(db)?;
        let row = match existing {
            Some(r) => {
                let mut am: relationship::ActiveModel = r.into();
                am.last_activity_at = Set(at);
                if restart {
                    am.started_at = Set(at);
                }
                am.update(&self.conn).await.map_err(db)?
            }
            None => relationship::ActiveModel {
                partner_id: Set(partner.get()),
                client_id: Set(client.get()),
                crm_name: Set(None),
                started_at: Set(at),
                last_activity_at: Set(at),
                ..Default::default()
            }
            .insert(&self.conn)
            .await
            .map_err(db)?,
        };
        Ok(convert::relationship(row))
    }

    async fn set_crm_name(&self, partner: AccountId, client: AccountId, name: &str) -> Result<(), StorageError> {
        relationship::Entity::update_many()
            .col_expr(relationship::Column::CrmName, sea_orm::sea_query::Expr::value(Some(name.to_string())))
            .filter(relationship::Column::PartnerId.eq(partner.get()))
            .filter(relationship::Column::ClientId.eq(client.get()))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn find_relationship(
        &self,
        partner: AccountId,
        client: AccountId,
    ) -> Result<Option<Relationship>, StorageError> {
        Ok(relationship::Entity::find()
            .filter(relationship::Column::PartnerId.eq(partner.get()))
            .filter(relationship::Column::ClientId.eq(client.get()))
            .one(&self.conn)
            .await
            .map_err(db)?
            .map(convert::relationship))
    }

    async fn find_relationships(
        &self,
        ids: &[RelationshipId],
    ) -> Result<HashMap<RelationshipId, Relationship>, StorageError> {
        by_ids(relationship::Entity, &self.conn, ids.iter().map(|i| i.get()), relationship::Column::Id, |r| {
            Ok((RelationshipId::new(r.id), convert::relationship(r)))
        })
        .await
    }

    async fn find_relationships_by_pair(
        &self,
        pairs: &[(AccountId, AccountId)],
    ) -> Result<HashMap<(AccountId, AccountId), Relationship>, StorageError> {
        if pairs.is_empty() {
            return Ok(HashMap::new());
        }
        let wanted: HashSet<_> = pairs.iter().copied().collect();
        let rows = relationship::Entity::find()
            .filter(relationship::Column::PartnerId.is_in(pairs.iter().map(|p| p.0.get())))
            .filter(relationship::Column::ClientId.is_in(pairs.iter().map(|p| p.1.get())))
            .all(&self.conn)
            .await
            .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(convert::relationship)
            .map(|r| ((r.partner_id, r.client_id), r))
            .filter(|(k, _)| wanted.contains(k))
            .collect())
    }

    async fn partner_user_stats(
        &self,
        pairs: &[(AccountId, AccountId)],
    ) -> Result<HashMap<(AccountId, AccountId), PartnerUserStats>, StorageError> {
        if pairs.is_empty() {
            return Ok(HashMap::new());
        }
        let wanted: HashSet<_> = pairs.iter().copied().collect();
        let rows = membership::Entity::find()
            .select_only()
            .column(membership::Column::PartnerId)
            .column(membership::Column::AccountId)
            .column(membership::Column::Role)
            .column_as(membership::Column::Id.count(), "n")
            .filter(membership::Column::PartnerId.is_in(pairs.iter().map(|p| p.0.get())))
            .filter(membership::Column::AccountId.is_in(pairs.iter().map(|p| p.1.get())))
            .filter(membership::Column::Status.eq(MemberStatus::Active.as_str()))
            .group_by(membership::Column::PartnerId)
            .group_by(membership::Column::AccountId)
            .group_by(membership::Column::Role)
            .into_model::<RoleCount>()
            .all(&self.conn)
            .await
            .map_err(db)?;
        let mut out: HashMap<(AccountId, AccountId), PartnerUserStats> =
            pairs.iter().map(|p| (*p, PartnerUserStats::default())).collect();
        for r in rows {
            let key = (AccountId::new(r.partner_id), AccountId::new(r.account_id));
            if !wanted.contains(&key) {
                continue;
            }
            let s = out.entry(key).or_default();
            let n = r.n.max(0) as u32;
            match Role::parse(&r.role) {
                Some(Role::PartnerAdmin) => s.active_partner_admins += n,
                Some(Role::SuperAdmin) => s.active_super_admins += n,
                Some(Role::Standard) => s.active_standard += n,
                None => return Err(StorageError::Other(format!("unreadable role in storage: {:?}", r.role).into())),
            }
        }
        Ok(out)
    }

    async fn clients_of_partner(
        &self,
        partner: AccountId,
        filter: &ClientFilter,
        page: PageRequest,
        now: DateTime<Utc>,
        with_total: bool,
    ) -> Result<Page<ClientRow>, StorageError> {
        ClientsTab::new(partner, filter, now).page(&self.conn, page, with_total).await
    }

    async fn clients_tab(&self, q: &ClientsTabQuery<'_>) -> Result<Option<ClientsTabRead>, StorageError> {
        self.read_clients_tab(q).await
    }
}
