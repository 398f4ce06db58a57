//! The audit log (R32), newest first.

use std::collections::HashMap;

use async_trait::async_trait;
use cam_domain::audit::model::{AuditEvent, AuditScope, NewAuditEvent};
use cam_domain::audit::ports::AuditRepository;
use cam_domain::{AccountId, AuditEventId, Page, PageRequest, StorageError};
use sea_orm::sea_query::Order;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryTrait, Set};

use super::entities::audit_event;
use super::keyset::keyset_page;
use super::sql::Sql;
use super::window::{first_per_parent, pages, ByName, PerParent, Total};
use super::{convert, db, Conn, SeaOrmRepository};

#[async_trait]
impl<C: Conn> AuditRepository for SeaOrmRepository<C> {
    async fn record(&self, e: NewAuditEvent) -> Result<(), StorageError> {
        if self.conn.get_database_backend() == DatabaseBackend::Postgres {
            // One statement that also announces the event (R43).
            return self.record_many(vec![e]).await;
        }
        let inserted = audit_event::ActiveModel {
            at: Set(e.at),
            actor_id: Set(e.actor_id.map(|u| u.get())),
            action: Set(e.action.to_string()),
            account_id: Set(e.account_id.map(|a| a.get())),
            partner_id: Set(e.partner_id.map(|a| a.get())),
            subject_id: Set(e.subject_id.map(|u| u.get())),
            before: Set(e.before.map(|v| v.to_string())),
            after: Set(e.after.map(|v| v.to_string())),
            ..Default::default()
        }
        .insert(&self.conn)
        .await
        .map_err(db)?;
        self.live.note(&[inserted.id]);
        Ok(())
    }

    async fn record_many(&self, events: Vec<NewAuditEvent>) -> Result<(), StorageError> {
        if events.is_empty() {
            return Ok(());
        }
        // One parameter however many events: the rows travel as one JSON
        // array that the database unpacks (PostgreSQL refuses more than
        // 65,535 parameters, and a multi-row VALUES binds 8 per event).
        // Times are written as the driver writes them, so that SQLite's
        // text comparisons keep working.
        let rows = super::sql::json_array(events.into_iter().enumerate().map(|(i, e)| {
            serde_json::json!({
                "i": i,
                "at": e.at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
                "actor_id": e.actor_id.map(|u| u.get()),
                "action": e.action,
                "account_id": e.account_id.map(|a| a.get()),
                "partner_id": e.partner_id.map(|a| a.get()),
                "subject_id": e.subject_id.map(|u| u.get()),
                "before": e.before.map(|v| v.to_string()),
                "after": e.after.map(|v| v.to_string()),
            })
        }));
        let backend = self.conn.get_database_backend();
        let mut q = Sql::new(backend);
        if backend == DatabaseBackend::Postgres {
            // Announced to every listening server at commit, in commit order
            // (R43, `live`); nothing is announced if the transaction rolls back.
            q.push("WITH inserted AS (");
        }
        q.push("INSERT INTO audit_events (at, actor_id, action, account_id, partner_id, subject_id, before, after) ");
        if backend == DatabaseBackend::Postgres {
            q.push(
                "SELECT x.at, x.actor_id, x.action, x.account_id, x.partner_id, x.subject_id, x.before, x.after \
                 FROM json_to_recordset(",
            )
            .value(rows)
            .push(
                "::json) AS x(i bigint, at timestamptz, actor_id bigint, action text, account_id bigint, \
                 partner_id bigint, subject_id bigint, before text, after text) ORDER BY x.i \
                 RETURNING id) SELECT pg_notify('cam_audit', id::text) FROM inserted ORDER BY id",
            );
            self.conn.execute(q.statement()).await.map_err(db)?;
            return Ok(());
        } else {
            q.push(
                "SELECT json_extract(value, '$.at'), json_extract(value, '$.actor_id'), \
                 json_extract(value, '$.action'), json_extract(value, '$.account_id'), \
                 json_extract(value, '$.partner_id'), json_extract(value, '$.subject_id'), \
                 json_extract(value, '$.before'), json_extract(value, '$.after') FROM json_each(",
            )
            .value(rows)
            .push(") ORDER BY CAST(key AS INTEGER) RETURNING id");
        }
        let mut ids = Vec::new();
        for row in self.conn.query_all(q.statement()).await.map_err(db)? {
            ids.push(row.try_get_by_index::<i64>(0).map_err(db)?);
        }
        ids.sort_unstable();
        self.live.note(&ids);
        Ok(())
    }

    async fn find_audit_event(&self, id: AuditEventId) -> Result<Option<AuditEvent>, StorageError> {
        let found = audit_event::Entity::find_by_id(id.get()).one(&self.conn).await.map_err(db)?;
        Ok(found.map(convert::audit_event))
    }

    async fn list_audit(
        &self,
        scope: AuditScope,
        page: PageRequest,
        with_total: bool,
    ) -> Result<Page<AuditEvent>, StorageError> {
        let select = match scope {
            AuditScope::Client(c) => audit_event::Entity::find().filter(audit_event::Column::AccountId.eq(c.get())),
            AuditScope::Partner(p) => audit_event::Entity::find().filter(audit_event::Column::PartnerId.eq(p.get())),
        };
        // The total rides on the page's statement as a scalar subquery.
        let found = keyset_page(&self.conn, select, audit_event::Column::Id, Order::Desc, page, with_total).await?;
        Ok(found.map(convert::audit_event))
    }

    async fn audit_page_per_scope(
        &self,
        scopes: &[AuditScope],
        page: PageRequest,
        with_total: bool,
    ) -> Result<HashMap<AuditScope, Page<AuditEvent>>, StorageError> {
        let mut out = HashMap::new();
        // One statement per kind of scope: a client's log is its
        // `account_id`'s events, a partner's its `partner_id`'s.
        for (column, client) in [("account_id", true), ("partner_id", false)] {
            let these: Vec<AuditScope> =
                scopes.iter().copied().filter(|s| matches!(s, AuditScope::Client(_)) == client).collect();
            if these.is_empty() {
                continue;
            }
            let id = |s: &AuditScope| match s {
                AuditScope::Client(a) | AuditScope::Partner(a) => a.get(),
            };
            let select = audit_event::Entity::find();
            let count = with_total.then(|| Total::rows("audit_events", select.clone().into_query()));
            let mut rows = select;
            if let Some(after) = page.after {
                rows = rows.filter(audit_event::Column::Id.lt(after));
            }
            let spec = PerParent {
                table: "audit_events",
                rows: rows.into_query(),
                count,
                partition: &[column],
                descending: true,
                by_ids: None,
            };
            let parents: Vec<Vec<i64>> = these.iter().map(|s| vec![id(s)]).collect();
            let (rows, totals) =
                first_per_parent::<ByName<audit_event::Model>>(&self.conn, spec, &parents, page).await.map_err(db)?;
            let totals: HashMap<AuditScope, u64> =
                these.iter().map(|s| (*s, totals.get(&vec![id(s)]).copied().unwrap_or(0))).collect();
            let events: Vec<AuditEvent> = rows.into_iter().map(|r| convert::audit_event(r.0)).collect();
            let of = |e: &AuditEvent| {
                if client {
                    AuditScope::Client(e.account_id.unwrap_or(AccountId::new(0)))
                } else {
                    AuditScope::Partner(e.partner_id.unwrap_or(AccountId::new(0)))
                }
            };
            out.extend(pages(&these, events, of, page, &totals));
        }
        Ok(out)
    }
}
