//! Permission sets and client templates (R17, R58): one table, `permission_sets`,
//! whose `partner_id` column names the owning account, partner or client.

use std::collections::HashMap;

use async_trait::async_trait;
use cam_domain::permission::model::{PermissionSet, Permissions};
use cam_domain::permission::ports::PermissionSetRepository;
use cam_domain::{AccountId, PermissionSetId, StorageError};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::entities::{membership, permission_set};
use super::keyset::by_ids;
use super::{convert, db, one_row, Conn, SeaOrmRepository};

#[async_trait]
impl<C: Conn> PermissionSetRepository for SeaOrmRepository<C> {
    async fn insert_set(
        &self,
        account: AccountId,
        name: &str,
        permissions: Permissions,
        built_in: bool,
        now: DateTime<Utc>,
    ) -> Result<PermissionSet, StorageError> {
        let row = permission_set::ActiveModel {
            partner_id: Set(account.get()),
            name: Set(name.to_string()),
            name_key: Set(name.to_lowercase()),
            permissions: Set(permissions.to_storage()),
            built_in: Set(built_in),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.conn)
        .await
        .map_err(db)?;
        Ok(convert::permission_set(row))
    }

    /// Its name and permissions, nothing read back.
    async fn update_set(&self, set: &PermissionSet, at: DateTime<Utc>) -> Result<(), StorageError> {
        let changed = permission_set::ActiveModel {
            name: Set(set.name.clone()),
            name_key: Set(set.name.to_lowercase()),
            permissions: Set(set.permissions.to_storage()),
            updated_at: Set(at),
            ..Default::default()
        };
        let r = permission_set::Entity::update_many()
            .set(changed)
            .filter(permission_set::Column::Id.eq(set.id.get()))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        one_row(r)
    }

    async fn delete_set(&self, id: PermissionSetId) -> Result<(), StorageError> {
        // R19: clear the reference explicitly (not only by the foreign key),
        // so that SQLite databases without foreign keys behave the same.
        membership::Entity::update_many()
            .col_expr(membership::Column::PermissionSetId, Expr::value(Option::<i64>::None))
            .filter(membership::Column::PermissionSetId.eq(id.get()))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        permission_set::Entity::delete_by_id(id.get()).exec(&self.conn).await.map_err(db)?;
        Ok(())
    }

    async fn find_set(&self, id: PermissionSetId) -> Result<Option<PermissionSet>, StorageError> {
        Ok(permission_set::Entity::find_by_id(id.get()).one(&self.conn).await.map_err(db)?.map(convert::permission_set))
    }

    async fn find_sets(
        &self,
        ids: &[PermissionSetId],
    ) -> Result<HashMap<PermissionSetId, PermissionSet>, StorageError> {
        by_ids(permission_set::Entity, &self.conn, ids.iter().map(|i| i.get()), permission_set::Column::Id, |r| {
            Ok((PermissionSetId::new(r.id), convert::permission_set(r)))
        })
        .await
    }

    async fn sets_of(&self, account: AccountId) -> Result<Vec<PermissionSet>, StorageError> {
        let rows = permission_set::Entity::find()
            .filter(permission_set::Column::PartnerId.eq(account.get()))
            .order_by_desc(permission_set::Column::BuiltIn)
            .order_by_asc(permission_set::Column::NameKey)
            .all(&self.conn)
            .await
            .map_err(db)?;
        Ok(rows.into_iter().map(convert::permission_set).collect())
    }
}
