//! Set-based writes across many clients (R40, R49): each method is one or
//! two statements, and lists travel as one JSON parameter, so that neither
//! the statements nor their parameters grow with the number of rows.

use std::collections::HashMap;

use async_trait::async_trait;
use cam_domain::membership::bulk_ports::BulkRepository;
use cam_domain::membership::model::{MemberStatus, Membership, NewMembership, PartnerUserSelection};
use cam_domain::relationship::model::ENDING_PERIOD_DAYS;
use cam_domain::{AccountId, StorageError, UserId};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{DatabaseBackend, EntityTrait, FromQueryResult, QueryFilter};

use super::assets::of_selected;
use super::entities::{asset, membership};
use super::sql::Sql;
use super::{convert, db, Conn, SeaOrmRepository};

/// Times as the driver writes them, so that SQLite's text comparisons keep
/// working (as `record_many` does).
fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

#[async_trait]
impl<C: Conn> BulkRepository for SeaOrmRepository<C> {
    async fn insert_memberships(&self, new: &[NewMembership]) -> Result<Vec<Membership>, StorageError> {
        if new.is_empty() {
            return Ok(Vec::new());
        }
        let rows = super::sql::json_array(new.iter().enumerate().map(|(i, n)| {
            serde_json::json!({
                "i": i,
                "account_id": n.account_id.get(),
                "user_id": n.user_id.get(),
                "role": n.role.as_str(),
                "seat": n.seat.as_str(),
                "status": MemberStatus::Active.as_str(),
                "permissions": n.permissions.to_storage(),
                "permission_set_id": n.permission_set_id.map(|s| s.get()),
                "partner_id": n.partner_id.map(|p| p.get()),
                "managed_credit": n.managed_credit,
                "worker_kind": n.worker_kind.map(|k| k.as_str()),
                "at": time_text(n.created_at),
            })
        }));
        let backend = self.conn.get_database_backend();
        let mut q = Sql::new(backend);
        q.push(
            "INSERT INTO memberships (account_id, user_id, role, seat, status, permissions, permission_set_id, \
             partner_id, managed_credit, worker_kind, created_at, updated_at) ",
        );
        if backend == DatabaseBackend::Postgres {
            q.push(
                "SELECT x.account_id, x.user_id, x.role, x.seat, x.status, x.permissions, x.permission_set_id, \
                 x.partner_id, x.managed_credit, x.worker_kind, x.at, x.at FROM json_to_recordset(",
            )
            .value(rows)
            .push(
                "::json) AS x(i bigint, account_id bigint, user_id bigint, role text, seat text, status text, \
                 permissions text, permission_set_id bigint, partner_id bigint, managed_credit boolean, \
                 worker_kind text, at timestamptz) ORDER BY x.i",
            );
        } else {
            q.push(
                "SELECT json_extract(value, '$.account_id'), json_extract(value, '$.user_id'), \
                 json_extract(value, '$.role'), json_extract(value, '$.seat'), json_extract(value, '$.status'), \
                 json_extract(value, '$.permissions'), json_extract(value, '$.permission_set_id'), \
                 json_extract(value, '$.partner_id'), json_extract(value, '$.managed_credit'), \
                 json_extract(value, '$.worker_kind'), json_extract(value, '$.at'), json_extract(value, '$.at') \
                 FROM json_each(",
            )
            .value(rows)
            .push(") ORDER BY CAST(key AS INTEGER)");
        }
        q.push(" RETURNING *");
        let stored = membership::Model::find_by_statement(q.statement()).all(&self.conn).await.map_err(db)?;
        let mut by_key: HashMap<(i64, i64), Membership> = convert::all(stored, convert::membership)?
            .into_iter()
            .map(|m| ((m.account_id.get(), m.user_id.get()), m))
            .collect();
        new.iter()
            .map(|n| {
                by_key
                    .remove(&(n.account_id.get(), n.user_id.get()))
                    .ok_or_else(|| StorageError::Other("an inserted membership was not returned".into()))
            })
            .collect()
    }

    async fn record_activity_in(
        &self,
        partner: AccountId,
        clients: &[AccountId],
        at: DateTime<Utc>,
    ) -> Result<(), StorageError> {
        if clients.is_empty() {
            return Ok(());
        }
        let backend = self.conn.get_database_backend();
        let ended_by = at - Duration::days(ENDING_PERIOD_DAYS);
        // Existing relationships: the activity, and a new start for those
        // that had ended (no active partner user, 60 days past, R27).
        let mut u = Sql::new(backend);
        let at_p = u.bind(at);
        let ended_p = u.bind(ended_by);
        let partner_p = u.bind(partner.get());
        u.push(&format!(
            "UPDATE managed_relationships SET started_at = CASE WHEN NOT EXISTS (SELECT 1 FROM memberships m \
             WHERE m.partner_id = managed_relationships.partner_id AND m.account_id = managed_relationships.client_id \
             AND m.status = '{}') AND last_activity_at <= {ended_p} THEN {at_p} ELSE started_at END, \
             last_activity_at = {at_p} WHERE partner_id = {partner_p} AND client_id IN ",
            MemberStatus::Active.as_str(),
        ))
        .ids(clients.iter().map(|c| c.get()));
        self.conn.execute(u.statement()).await.map_err(db)?;
        // The missing ones start now.
        let mut i = Sql::new(backend);
        let at_p = i.bind(at);
        let partner_p = i.bind(partner.get());
        i.push(&format!(
            "INSERT INTO managed_relationships (partner_id, client_id, started_at, last_activity_at) \
             SELECT {partner_p}, a.id, {at_p}, {at_p} FROM accounts a WHERE a.id IN "
        ))
        .ids(clients.iter().map(|c| c.get()))
        .push(&format!(
            " AND NOT EXISTS (SELECT 1 FROM managed_relationships r WHERE r.partner_id = {partner_p} \
             AND r.client_id = a.id) ORDER BY a.id"
        ));
        self.conn.execute(i.statement()).await.map_err(db)?;
        Ok(())
    }

    async fn reassign_assets_of_selected(&self, sel: &PartnerUserSelection, to: UserId) -> Result<u64, StorageError> {
        let res = asset::Entity::update_many()
            .col_expr(asset::Column::OwnerId, Expr::value(Some(to.get())))
            .filter(of_selected(sel))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(res.rows_affected)
    }
}
