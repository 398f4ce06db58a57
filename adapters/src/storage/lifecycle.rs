//! Storage of scheduled work (R36–R39): what is due, and the conditional
//! writes that claim it. A claim is one `UPDATE … WHERE <still due>`: on
//! PostgreSQL a second sweep's `UPDATE` waits for the first one's row lock
//! and then finds the row no longer due; SQLite has one writer at a time.

use std::collections::HashMap;

use async_trait::async_trait;
use cam_domain::membership::model::{MemberStatus, Membership, Role};
use cam_domain::relationship::model::ENDING_PERIOD_DAYS;
use cam_domain::schedule::ports::{DueRelationship, EndingStage, LifecycleRepository};
use cam_domain::user::model::User;
use cam_domain::{AccountId, MembershipId, RelationshipId, StorageError, UserId};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, UpdateMany};

use super::entities::{membership, relationship, user};
use super::sql::Sql;
use super::{convert, db, Conn, SeaOrmRepository};

/// The latest time of the last qualifying activity at which `stage` is due
/// at `now` (R27: the end comes 60 days after it).
fn due_before(stage: EndingStage, now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(ENDING_PERIOD_DAYS - stage.days_before_end())
}

/// No active partner user of the relationship `rel` (a table name or alias).
fn no_active_partner_user(rel: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM memberships m WHERE m.partner_id = {rel}.partner_id \
         AND m.account_id = {rel}.client_id AND m.status = '{}')",
        MemberStatus::Active.as_str()
    )
}

/// Active partner users (never super admins) with an expiry.
fn expiring() -> Condition {
    Condition::all()
        .add(membership::Column::Status.eq(MemberStatus::Active.as_str()))
        .add(membership::Column::PartnerId.is_not_null())
        .add(membership::Column::Role.ne(Role::SuperAdmin.as_str()))
        .add(membership::Column::ExpiresAt.is_not_null())
}

fn not_warned_for_this_expiry() -> Condition {
    Condition::any()
        .add(membership::Column::ExpiryWarnedFor.is_null())
        .add(Expr::col(membership::Column::ExpiryWarnedFor).ne(Expr::col(membership::Column::ExpiresAt)))
}

#[derive(FromQueryResult)]
struct DueRow {
    id: i64,
    partner_id: i64,
    client_id: i64,
    crm_name: Option<String>,
    started_at: DateTime<Utc>,
    last_activity_at: DateTime<Utc>,
    due: i64,
}

#[derive(FromQueryResult)]
struct SuperAdminRow {
    account_id: i64,
    account_name: String,
    id: i64,
    email: String,
    email_key: String,
    name: String,
    created_at: DateTime<Utc>,
    locale: String,
}

impl<C: Conn> SeaOrmRepository<C> {
    /// Claims the membership `id` by `update` while it is still expiring
    /// (and whatever else `update` asks): whether this claim took it.
    async fn claim_expiring(
        &self,
        id: MembershipId,
        update: UpdateMany<membership::Entity>,
    ) -> Result<bool, StorageError> {
        let r =
            update.filter(membership::Column::Id.eq(id.get())).filter(expiring()).exec(&self.conn).await.map_err(db)?;
        Ok(r.rows_affected == 1)
    }

    /// At most `limit` expiring memberships that also meet `due`, the
    /// soonest to expire first (ties by id).
    async fn expiring_first(&self, due: Condition, limit: u32) -> Result<Vec<Membership>, StorageError> {
        let rows = membership::Entity::find()
            .filter(expiring())
            .filter(due)
            .order_by_asc(membership::Column::ExpiresAt)
            .order_by_asc(membership::Column::Id)
            .limit(u64::from(limit))
            .all(&self.conn)
            .await
            .map_err(db)?;
        convert::all(rows, convert::membership)
    }
}

#[async_trait]
impl<C: Conn> LifecycleRepository for SeaOrmRepository<C> {
    async fn set_membership_expiry(
        &self,
        ids: &[MembershipId],
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<(), StorageError> {
        if ids.is_empty() {
            return Ok(());
        }
        membership::Entity::update_many()
            .col_expr(membership::Column::ExpiresAt, Expr::value(expires_at))
            .col_expr(membership::Column::ExpiryWarnedFor, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(membership::Column::Id.is_in(ids.iter().map(|id| id.get())))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn memberships_to_warn(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Membership>, StorageError> {
        let due = Condition::all()
            .add(membership::Column::ExpiresAt.gt(now))
            .add(membership::Column::ExpiresAt.lte(until))
            .add(not_warned_for_this_expiry());
        self.expiring_first(due, limit).await
    }

    async fn claim_expiry_warning(&self, id: MembershipId) -> Result<bool, StorageError> {
        let warned = membership::Entity::update_many()
            .col_expr(membership::Column::ExpiryWarnedFor, Expr::col(membership::Column::ExpiresAt).into())
            .filter(not_warned_for_this_expiry());
        self.claim_expiring(id, warned).await
    }

    async fn memberships_expired(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Membership>, StorageError> {
        self.expiring_first(Condition::all().add(membership::Column::ExpiresAt.lte(now)), limit).await
    }

    async fn claim_expiry(&self, id: MembershipId, now: DateTime<Utc>) -> Result<bool, StorageError> {
        let expired = membership::Entity::update_many()
            .col_expr(membership::Column::Status, Expr::value(MemberStatus::Deactivated.as_str()))
            .col_expr(membership::Column::ExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(membership::Column::ExpiryWarnedFor, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(membership::Column::UpdatedAt, Expr::value(now))
            .filter(membership::Column::ExpiresAt.lte(now));
        self.claim_expiring(id, expired).await
    }

    async fn relationships_due(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<DueRelationship>, StorageError> {
        let backend = self.conn.get_database_backend();
        let mut q = Sql::new(backend);
        let t: Vec<String> = EndingStage::ALL.iter().map(|s| q.bind(due_before(*s, now))).collect();
        let due = format!(
            "CAST(CASE WHEN r.last_activity_at <= {} THEN 4 WHEN r.last_activity_at <= {} THEN 3 \
             WHEN r.last_activity_at <= {} THEN 2 ELSE 1 END AS BIGINT)",
            t[3], t[2], t[1]
        );
        q.push(&format!(
            "SELECT r.id, r.partner_id, r.client_id, r.crm_name, r.started_at, r.last_activity_at, {due} AS due \
             FROM managed_relationships r WHERE r.last_activity_at <= {} AND {} \
             AND (r.notice_for IS NULL OR r.notice_stage IS NULL OR r.notice_for <> r.last_activity_at \
             OR r.notice_stage < {due}) ORDER BY r.id LIMIT ",
            t[0],
            no_active_partner_user("r")
        ));
        q.value(i64::from(limit));
        let rows = DueRow::find_by_statement(q.statement()).all(&self.conn).await.map_err(db)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let stage = EndingStage::from_number(r.due)?;
                let relationship = convert::relationship(relationship::Model {
                    id: r.id,
                    partner_id: r.partner_id,
                    client_id: r.client_id,
                    crm_name: r.crm_name,
                    started_at: r.started_at,
                    last_activity_at: r.last_activity_at,
                    notice_for: None,
                    notice_stage: None,
                });
                Some(DueRelationship { relationship, stage })
            })
            .collect())
    }

    async fn claim_ending_stage(
        &self,
        id: RelationshipId,
        stage: EndingStage,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        let mut q = Sql::new(self.conn.get_database_backend());
        let n = q.bind(stage.number());
        q.push(&format!(
            "UPDATE managed_relationships SET notice_for = last_activity_at, notice_stage = {n} WHERE id = "
        ));
        q.value(id.get()).push(" AND last_activity_at <= ").value(due_before(stage, now));
        q.push(&format!(
            " AND {} AND (notice_for IS NULL OR notice_stage IS NULL OR notice_for <> last_activity_at \
             OR notice_stage < {n})",
            no_active_partner_user("managed_relationships")
        ));
        let r = self.conn.execute(q.statement()).await.map_err(db)?;
        Ok(r.rows_affected() == 1)
    }

    async fn active_super_admins_of(
        &self,
        clients: &[AccountId],
    ) -> Result<HashMap<AccountId, (String, Vec<User>)>, StorageError> {
        if clients.is_empty() {
            return Ok(HashMap::new());
        }
        let backend = self.conn.get_database_backend();
        let mut q = Sql::new(backend);
        q.push(&format!(
            "SELECT m.account_id, a.name AS account_name, u.id, u.email, u.email_key, u.name, u.created_at, u.locale \
             FROM memberships m JOIN users u ON u.id = m.user_id JOIN accounts a ON a.id = m.account_id \
             WHERE m.role = '{}' AND m.status = '{}' AND m.account_id IN ",
            Role::SuperAdmin.as_str(),
            MemberStatus::Active.as_str()
        ));
        q.ids(clients.iter().map(|c| c.get()));
        q.push(" ORDER BY m.account_id, u.id");
        let rows = SuperAdminRow::find_by_statement(q.statement()).all(&self.conn).await.map_err(db)?;
        let mut out: HashMap<AccountId, (String, Vec<User>)> = HashMap::new();
        for r in rows {
            let u = convert::user(user::Model {
                id: r.id,
                email: r.email,
                email_key: r.email_key,
                name: r.name,
                created_at: r.created_at,
                locale: r.locale,
            })?;
            out.entry(AccountId::new(r.account_id)).or_insert_with(|| (r.account_name, Vec::new())).1.push(u);
        }
        Ok(out)
    }

    async fn active_members_with_users(&self, account: AccountId) -> Result<Vec<(Membership, User)>, StorageError> {
        let rows = membership::Entity::find()
            .filter(membership::Column::AccountId.eq(account.get()))
            .filter(membership::Column::Status.eq(MemberStatus::Active.as_str()))
            .order_by_asc(membership::Column::Id)
            .all(&self.conn)
            .await
            .map_err(db)?;
        let members = convert::all(rows, convert::membership)?;
        let users = self.users_by_ids(&members.iter().map(|m| m.user_id).collect::<Vec<_>>()).await?;
        Ok(members.into_iter().filter_map(|m| users.get(&m.user_id).cloned().map(|u| (m, u))).collect())
    }

    async fn users_by_ids(&self, ids: &[UserId]) -> Result<HashMap<UserId, User>, StorageError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let backend = self.conn.get_database_backend();
        let mut q = Sql::new(backend);
        q.push("SELECT id, email, email_key, name, created_at, locale FROM users WHERE id IN ");
        q.ids(ids.iter().map(|u| u.get()));
        let rows = user::Model::find_by_statement(q.statement()).all(&self.conn).await.map_err(db)?;
        rows.into_iter().map(|r| convert::user(r).map(|u| (u.id, u))).collect()
    }
}
