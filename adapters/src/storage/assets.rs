//! Assets. Nothing here deletes one (R25).

use std::collections::HashMap;

use async_trait::async_trait;
use cam_domain::asset::model::{Asset, AssetKind};
use cam_domain::asset::ports::AssetRepository;
use cam_domain::membership::model::{PartnerUserSelection, Role};
use cam_domain::{AccountId, AssetId, Page, PageRequest, StorageError, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Set,
};

use super::entities::{asset, membership};
use super::keyset::by_ids;
use super::memberships::selected;
use super::window::{first_per_parent, pages, ByName, PerParent, Total};
use super::{convert, db, Conn, SeaOrmRepository};

#[derive(FromQueryResult)]
struct OwnerCount {
    client_id: i64,
    owner_id: Option<i64>,
    n: i64,
}

/// Assets whose owner holds a selected membership in the asset's client.
/// Super admins are never removed (R26), so their assets are never
/// selected with them.
pub(crate) fn of_selected(sel: &PartnerUserSelection) -> SimpleExpr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(membership::Entity)
            .cond_where(selected(sel))
            .and_where(Expr::col((membership::Entity, membership::Column::Role)).ne(Role::SuperAdmin.as_str()))
            .and_where(
                Expr::col((membership::Entity, membership::Column::AccountId))
                    .equals((asset::Entity, asset::Column::ClientId)),
            )
            .and_where(
                Expr::col((membership::Entity, membership::Column::UserId))
                    .equals((asset::Entity, asset::Column::OwnerId)),
            )
            .to_owned(),
    )
}

/// Assets of these (client, owner) pairs.
fn owned_by(pairs: &[(AccountId, UserId)]) -> Condition {
    let mut any = Condition::any();
    for (client, owner) in pairs {
        any = any.add(
            Condition::all().add(asset::Column::ClientId.eq(client.get())).add(asset::Column::OwnerId.eq(owner.get())),
        );
    }
    any
}

#[async_trait]
impl<C: Conn> AssetRepository for SeaOrmRepository<C> {
    async fn insert_asset(
        &self,
        client: AccountId,
        owner: UserId,
        kind: AssetKind,
        name: &str,
        at: DateTime<Utc>,
    ) -> Result<Asset, StorageError> {
        let row = asset::ActiveModel {
            client_id: Set(client.get()),
            owner_id: Set(Some(owner.get())),
            kind: Set(kind.as_str().to_string()),
            name: Set(name.to_string()),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(&self.conn)
        .await
        .map_err(db)?;
        convert::asset(row)
    }

    async fn find_assets(&self, ids: &[AssetId]) -> Result<HashMap<AssetId, Asset>, StorageError> {
        by_ids(asset::Entity, &self.conn, ids.iter().map(|i| i.get()), asset::Column::Id, |r| {
            convert::asset(r).map(|a| (a.id, a))
        })
        .await
    }

    async fn assets_owned(
        &self,
        client: AccountId,
        owner: UserId,
        page: PageRequest,
    ) -> Result<Page<Asset>, StorageError> {
        let select = asset::Entity::find()
            .filter(asset::Column::ClientId.eq(client.get()))
            .filter(asset::Column::OwnerId.eq(owner.get()));
        let total = select.clone().count(&self.conn).await.map_err(db)?;
        if page.count_only {
            return Ok(Page { items: Vec::new(), has_next: false, has_previous: page.after.is_some(), total });
        }
        let mut q = select.order_by_asc(asset::Column::Id);
        if let Some(after) = page.after {
            q = q.filter(asset::Column::Id.gt(after));
        }
        let mut rows = q.limit(page.first as u64 + 1).all(&self.conn).await.map_err(db)?;
        let has_next = rows.len() > page.first as usize;
        rows.truncate(page.first as usize);
        Ok(Page { items: convert::all(rows, convert::asset)?, has_next, has_previous: page.after.is_some(), total })
    }

    async fn assets_owned_by(&self, pairs: &[(AccountId, UserId)]) -> Result<Vec<Asset>, StorageError> {
        if pairs.is_empty() {
            return Ok(Vec::new());
        }
        let rows = asset::Entity::find()
            .filter(owned_by(pairs))
            .order_by_asc(asset::Column::Id)
            .all(&self.conn)
            .await
            .map_err(db)?;
        convert::all(rows, convert::asset)
    }

    async fn assets_page_per_owner(
        &self,
        pairs: &[(AccountId, UserId)],
        page: PageRequest,
        with_total: bool,
    ) -> Result<HashMap<(AccountId, UserId), Page<Asset>>, StorageError> {
        if pairs.is_empty() {
            return Ok(HashMap::new());
        }
        let select = asset::Entity::find();
        let count = with_total.then(|| Total::rows("assets", select.clone().into_query()));
        let mut windowed = select;
        if let Some(after) = page.after {
            windowed = windowed.filter(asset::Column::Id.gt(after));
        }
        let parents: Vec<Vec<i64>> = pairs.iter().map(|(c, o)| vec![c.get(), o.get()]).collect();
        let spec = PerParent {
            table: "assets",
            rows: windowed.into_query(),
            count,
            partition: &["client_id", "owner_id"],
            descending: false,
            by_ids: None,
        };
        let (rows, totals) =
            first_per_parent::<ByName<asset::Model>>(&self.conn, spec, &parents, page).await.map_err(db)?;
        let totals: HashMap<(AccountId, UserId), u64> =
            pairs.iter().map(|(c, o)| ((*c, *o), totals.get(&vec![c.get(), o.get()]).copied().unwrap_or(0))).collect();
        let rows = convert::all(rows.into_iter().map(|r| r.0).collect(), convert::asset)?;
        Ok(pages(pairs, rows, |a| (a.client_id, a.owner_id.unwrap_or(UserId::new(0))), page, &totals))
    }

    async fn asset_counts_of_selected(
        &self,
        sel: &PartnerUserSelection,
    ) -> Result<HashMap<(AccountId, UserId), u64>, StorageError> {
        let rows = asset::Entity::find()
            .select_only()
            .column(asset::Column::ClientId)
            .column(asset::Column::OwnerId)
            .column_as(asset::Column::Id.count(), "n")
            .filter(of_selected(sel))
            .group_by(asset::Column::ClientId)
            .group_by(asset::Column::OwnerId)
            .into_model::<OwnerCount>()
            .all(&self.conn)
            .await
            .map_err(db)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| Some(((AccountId::new(r.client_id), UserId::new(r.owner_id?)), r.n.max(0) as u64)))
            .collect())
    }

    async fn unassign_assets_of_selected(&self, sel: &PartnerUserSelection) -> Result<u64, StorageError> {
        let res = asset::Entity::update_many()
            .col_expr(asset::Column::OwnerId, Expr::value(Option::<i64>::None))
            .filter(of_selected(sel))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(res.rows_affected)
    }

    async fn reassign_assets(&self, client: AccountId, from: UserId, to: Option<UserId>) -> Result<u64, StorageError> {
        let res = asset::Entity::update_many()
            .col_expr(asset::Column::OwnerId, Expr::value(to.map(|u| u.get())))
            .filter(asset::Column::ClientId.eq(client.get()))
            .filter(asset::Column::OwnerId.eq(from.get()))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(res.rows_affected)
    }
}
