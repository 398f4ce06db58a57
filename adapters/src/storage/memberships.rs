//! Memberships: workers of partner accounts and members of client accounts.

use std::collections::HashMap;

use async_trait::async_trait;
use cam_domain::membership::model::{
    MemberFilter, MemberStatus, Membership, NewMembership, PartnerUserSelection, Role, WorkerFilter, WorkerKind,
};
use cam_domain::membership::ports::{MemberPages, MembershipRepository};
use cam_domain::{AccountId, MembershipId, Page, PageRequest, StorageError, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, Func, LockType, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, Select, Set,
};

use super::entities::{account, membership, relationship, user};
use super::keyset::by_ids;
use super::keyset::keyset_page;
use super::sql::Sql;
use super::window::Total;
use super::{convert, db, like_pattern, one_row, Conn, SeaOrmRepository};

mod with_people;

pub(crate) use with_people::{
    account_in, members_spec, membership_in, next_column, permission_set_in, user_in, Joined, People,
};

/// Each worker's memberships in the clients of its partner, kept by the
/// database (m20261206_000701).
const WORKER_COUNTS: &str = "worker_client_counts";

pub(crate) fn filter_condition(f: &MemberFilter) -> Condition {
    let mut c = Condition::all();
    if let Some(roles) = &f.roles {
        c = c.add(membership::Column::Role.is_in(roles.iter().map(|r| r.as_str())));
    }
    if let Some(statuses) = &f.statuses {
        c = c.add(membership::Column::Status.is_in(statuses.iter().map(|s| s.as_str())));
    }
    if f.partner_users_only {
        c = c.add(membership::Column::PartnerId.is_not_null());
    }
    if let Some(p) = f.partner_id {
        c = c.add(membership::Column::PartnerId.eq(p.get()));
    }
    c
}

impl<C: Conn> SeaOrmRepository<C> {
    /// Runs a keyset page over an id-ordered select: one statement for the
    /// page (one row more than asked, to know if there is a next page) and,
    /// when asked, the total as an uncorrelated scalar subquery of it.
    async fn page_of(
        &self,
        select: Select<membership::Entity>,
        page: PageRequest,
        with_total: bool,
    ) -> Result<Page<Membership>, StorageError> {
        let found = keyset_page(&self.conn, select, membership::Column::Id, Order::Asc, page, with_total).await?;
        Ok(Page {
            items: convert::all(found.items, convert::membership)?,
            has_next: found.has_next,
            has_previous: found.has_previous,
            total: found.total,
        })
    }
}

#[derive(FromQueryResult)]
struct AccountCount {
    account_id: i64,
    n: i64,
}

/// A worker's memberships in the accounts its partner manages: a correlated
/// probe of `managed_relationships (partner_id, client_id)` per membership.
fn in_clients_of(partner: AccountId) -> sea_orm::sea_query::SimpleExpr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(relationship::Entity)
            .and_where(Expr::col((relationship::Entity, relationship::Column::PartnerId)).eq(partner.get()))
            .and_where(
                Expr::col((relationship::Entity, relationship::Column::ClientId))
                    .equals((membership::Entity, membership::Column::AccountId)),
            )
            .to_owned(),
    )
}

/// The selected partner users, with columns qualified by the table so that
/// the condition also works inside a subquery of another table.
pub(crate) fn selected(sel: &PartnerUserSelection) -> Condition {
    let col = |c: membership::Column| Expr::col((membership::Entity, c));
    let mut c = Condition::all()
        .add(col(membership::Column::PartnerId).eq(sel.partner.get()))
        .add(col(membership::Column::WorkerKind).is_null());
    if let Some(u) = sel.user {
        c = c.add(col(membership::Column::UserId).eq(u.get()));
    }
    if let Some(clients) = &sel.clients {
        c = c.add(col(membership::Column::AccountId).is_in(clients.iter().map(|a| a.get())));
    }
    c
}

#[async_trait]
impl<C: Conn> MembershipRepository for SeaOrmRepository<C> {
    async fn insert_membership(&self, new: NewMembership) -> Result<Membership, StorageError> {
        let now = new.created_at;
        let row = membership::ActiveModel {
            account_id: Set(new.account_id.get()),
            user_id: Set(new.user_id.get()),
            role: Set(new.role.as_str().to_string()),
            seat: Set(new.seat.as_str().to_string()),
            status: Set(MemberStatus::Active.as_str().to_string()),
            permissions: Set(new.permissions.to_storage()),
            permission_set_id: Set(new.permission_set_id.map(|p| p.get())),
            partner_id: Set(new.partner_id.map(|p| p.get())),
            managed_credit: Set(new.managed_credit),
            worker_kind: Set(new.worker_kind.map(|k| k.as_str().to_string())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.conn)
        .await
        .map_err(db)?;
        convert::membership(row)
    }

    /// The columns a use case may change, nothing read back.
    async fn update_membership(&self, m: &Membership, at: DateTime<Utc>) -> Result<(), StorageError> {
        let changed = membership::ActiveModel {
            role: Set(m.role.as_str().to_string()),
            seat: Set(m.seat.as_str().to_string()),
            status: Set(m.status.as_str().to_string()),
            permissions: Set(m.permissions.to_storage()),
            permission_set_id: Set(m.permission_set_id.map(|p| p.get())),
            partner_id: Set(m.partner_id.map(|p| p.get())),
            managed_credit: Set(m.managed_credit),
            updated_at: Set(at),
            ..Default::default()
        };
        let r = membership::Entity::update_many()
            .set(changed)
            .filter(membership::Column::Id.eq(m.id.get()))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        one_row(r)
    }

    async fn delete_membership(&self, id: MembershipId) -> Result<(), StorageError> {
        membership::Entity::delete_by_id(id.get()).exec(&self.conn).await.map_err(db)?;
        Ok(())
    }

    async fn find_membership(&self, id: MembershipId) -> Result<Option<Membership>, StorageError> {
        membership::Entity::find_by_id(id.get()).one(&self.conn).await.map_err(db)?.map(convert::membership).transpose()
    }

    async fn find_memberships(&self, ids: &[MembershipId]) -> Result<HashMap<MembershipId, Membership>, StorageError> {
        by_ids(membership::Entity, &self.conn, ids.iter().map(|i| i.get()), membership::Column::Id, |r| {
            convert::membership(r).map(|m| (m.id, m))
        })
        .await
    }

    async fn membership_of(&self, account: AccountId, user: UserId) -> Result<Option<Membership>, StorageError> {
        membership::Entity::find()
            .filter(membership::Column::AccountId.eq(account.get()))
            .filter(membership::Column::UserId.eq(user.get()))
            .one(&self.conn)
            .await
            .map_err(db)?
            .map(convert::membership)
            .transpose()
    }

    /// Streamed: each row becomes a membership as it arrives, so that a
    /// worker in 100,000 clients never has their rows and their
    /// memberships in memory at once (the rows were 56 of 66 MB, issue 9).
    async fn memberships_of_user(&self, user: UserId) -> Result<Vec<Membership>, StorageError> {
        use futures::TryStreamExt;
        let mut rows = membership::Entity::find()
            .filter(membership::Column::UserId.eq(user.get()))
            .order_by_asc(membership::Column::Id)
            .stream(&self.conn)
            .await
            .map_err(db)?;
        let mut out = Vec::new();
        while let Some(row) = rows.try_next().await.map_err(db)? {
            out.push(convert::membership(row)?);
        }
        Ok(out)
    }

    async fn memberships_of_users_in(
        &self,
        accounts: &[AccountId],
        users: &[UserId],
    ) -> Result<Vec<Membership>, StorageError> {
        if accounts.is_empty() || users.is_empty() {
            return Ok(Vec::new());
        }
        let rows = membership::Entity::find()
            .filter(membership::Column::AccountId.is_in(accounts.iter().map(|a| a.get())))
            .filter(membership::Column::UserId.is_in(users.iter().map(|u| u.get())))
            .order_by_asc(membership::Column::Id)
            .all(&self.conn)
            .await
            .map_err(db)?;
        convert::all(rows, convert::membership)
    }

    async fn list_members(
        &self,
        account: AccountId,
        filter: &MemberFilter,
        page: PageRequest,
        with_total: bool,
    ) -> Result<Page<Membership>, StorageError> {
        let select = membership::Entity::find()
            .filter(membership::Column::AccountId.eq(account.get()))
            .filter(filter_condition(filter));
        self.page_of(select, page, with_total).await
    }

    async fn members_of_accounts(
        &self,
        accounts: &[AccountId],
        filter: &MemberFilter,
    ) -> Result<Vec<Membership>, StorageError> {
        if accounts.is_empty() {
            return Ok(Vec::new());
        }
        let rows = membership::Entity::find()
            .filter(membership::Column::AccountId.is_in(accounts.iter().map(|a| a.get())))
            .filter(filter_condition(filter))
            .order_by_asc(membership::Column::Id)
            .all(&self.conn)
            .await
            .map_err(db)?;
        convert::all(rows, convert::membership)
    }

    async fn count_active_super_admins(&self, account: AccountId) -> Result<u64, StorageError> {
        Ok(self.count_active_super_admins_in(&[account]).await?.get(&account).copied().unwrap_or(0))
    }

    async fn count_active_super_admins_in(
        &self,
        accounts: &[AccountId],
    ) -> Result<HashMap<AccountId, u64>, StorageError> {
        if accounts.is_empty() {
            return Ok(HashMap::new());
        }
        // The accounts travel as one JSON array: the offboarding use cases
        // ask for every client a worker leaves (issue 9).
        let mut q = Sql::new(self.conn.get_database_backend());
        q.push(&format!(
            "SELECT m.account_id, COUNT(*) AS n FROM memberships m WHERE m.role = '{}' AND m.status = '{}' \
             AND m.account_id IN ",
            Role::SuperAdmin.as_str(),
            MemberStatus::Active.as_str()
        ))
        .ids(accounts.iter().map(|a| a.get()))
        .push(" GROUP BY m.account_id");
        let rows = AccountCount::find_by_statement(q.statement()).all(&self.conn).await.map_err(db)?;
        Ok(rows.into_iter().map(|r| (AccountId::new(r.account_id), r.n.max(0) as u64)).collect())
    }

    async fn list_workers(
        &self,
        partner: AccountId,
        kind: WorkerKind,
        filter: &WorkerFilter,
        page: PageRequest,
        with_total: bool,
    ) -> Result<Page<Membership>, StorageError> {
        let mut select = membership::Entity::find()
            .filter(membership::Column::AccountId.eq(partner.get()))
            .filter(membership::Column::WorkerKind.eq(kind.as_str()));
        if let Some(statuses) = &filter.statuses {
            select = select.filter(membership::Column::Status.is_in(statuses.iter().map(|s| s.as_str())));
        }
        if let Some(search) = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let pattern = like_pattern(search);
            let mut users = Query::select();
            users.column(user::Column::Id).from(user::Entity).cond_where(
                Condition::any()
                    .add(
                        Expr::expr(Func::lower(Expr::col(user::Column::Name)))
                            .like(sea_orm::sea_query::LikeExpr::new(&pattern).escape('\\')),
                    )
                    .add(
                        Expr::col(user::Column::EmailKey)
                            .like(sea_orm::sea_query::LikeExpr::new(&pattern).escape('\\')),
                    ),
            );
            select = select.filter(membership::Column::UserId.in_subquery(users));
        }
        self.page_of(select, page, with_total).await
    }

    async fn members_page_per_account(
        &self,
        accounts: &[AccountId],
        filter: &MemberFilter,
        page: PageRequest,
        with_total: bool,
    ) -> Result<MemberPages<AccountId>, StorageError> {
        let select = membership::Entity::find().filter(filter_condition(filter));
        self.windowed_memberships(
            select,
            &["account_id"],
            accounts,
            |a| a.get(),
            |m| m.account_id,
            page,
            with_total,
            None,
        )
        .await
    }

    async fn client_memberships_page_per_user(
        &self,
        partner: AccountId,
        users: &[UserId],
        page: PageRequest,
        with_total: bool,
    ) -> Result<MemberPages<UserId>, StorageError> {
        let select = membership::Entity::find().filter(in_clients_of(partner));
        // The total is the worker's row of `worker_client_counts`, kept by
        // the database (m20261206_000701): one row read, where counting
        // read every one of the worker's memberships (100,000 for a worker
        // in every client).
        let mut kept = Query::select();
        kept.from(Alias::new(WORKER_COUNTS))
            .and_where(Expr::col((Alias::new(WORKER_COUNTS), Alias::new("partner_id"))).eq(partner.get()));
        let kept = Total::kept(WORKER_COUNTS, kept, "memberships");
        self.windowed_memberships(select, &["user_id"], users, |u| u.get(), |m| m.user_id, page, with_total, Some(kept))
            .await
    }

    async fn lock_accounts_of(&self, sel: &PartnerUserSelection, also: Option<AccountId>) -> Result<(), StorageError> {
        let backend = self.conn.get_database_backend();
        if backend != sea_orm::DatabaseBackend::Postgres {
            // SQLite: the transaction holds the write lock since `begin`.
            return Ok(());
        }
        let mut accounts = Query::select();
        accounts
            .column((membership::Entity, membership::Column::AccountId))
            .from(membership::Entity)
            .cond_where(selected(sel));
        let id = || Expr::col((account::Entity, account::Column::Id));
        let mut which = Condition::any().add(id().in_subquery(accounts));
        if let Some(a) = also {
            which = which.add(id().eq(a.get()));
        }
        // Rows are locked as they leave the sort: in ascending id order, the
        // order every other locker uses, so two requests cannot deadlock.
        let mut q = Query::select();
        q.column(account::Column::Id)
            .from(account::Entity)
            .cond_where(which)
            .order_by(account::Column::Id, Order::Asc)
            .lock(LockType::NoKeyUpdate);
        self.conn.execute(backend.build(&q)).await.map_err(db)?;
        Ok(())
    }

    async fn deactivate_selected(&self, sel: &PartnerUserSelection, at: DateTime<Utc>) -> Result<u64, StorageError> {
        let res = membership::Entity::update_many()
            .col_expr(membership::Column::Status, Expr::value(MemberStatus::Deactivated.as_str()))
            .col_expr(membership::Column::UpdatedAt, Expr::value(at))
            .filter(selected(sel))
            .filter(membership::Column::Status.eq(MemberStatus::Active.as_str()))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(res.rows_affected)
    }

    async fn delete_selected(&self, sel: &PartnerUserSelection) -> Result<u64, StorageError> {
        // A super admin is never removed (R26), whatever the selection.
        let res = membership::Entity::delete_many()
            .filter(selected(sel))
            .filter(membership::Column::Role.ne(Role::SuperAdmin.as_str()))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(res.rows_affected)
    }
}
