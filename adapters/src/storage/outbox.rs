//! The email outbox, written in the transaction of the change that sends,
//! and the dispatcher's claims on it (R42).

use async_trait::async_trait;
use cam_domain::notify::model::{EmailStatus, NewEmail, OutboxEmail};
use cam_domain::notify::ports::{DeliveryQueue, OutboxRepository};
use cam_domain::StorageError;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseBackend, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, UpdateMany,
};

use super::entities::outbox;
use super::sql::Sql;
use super::{convert, db, Conn, SeaOrmRepository};

/// How the driver writes a time, so that SQLite's text comparisons hold
/// for rows written from JSON.
fn stored_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

#[async_trait]
impl<C: Conn> OutboxRepository for SeaOrmRepository<C> {
    async fn enqueue(&self, email: NewEmail, at: DateTime<Utc>) -> Result<(), StorageError> {
        outbox::ActiveModel {
            kind: Set(email.kind.to_string()),
            to_key: Set(email.to.to_lowercase()),
            to_email: Set(email.to),
            locale: Set(email.locale.as_str().to_string()),
            subject: Set(email.subject),
            body: Set(email.body),
            created_at: Set(at),
            sent_at: Set(None),
            status: Set(EmailStatus::Queued.as_str().to_string()),
            attempts: Set(0),
            ..Default::default()
        }
        .insert(&self.conn)
        .await
        .map_err(db)?;
        self.outbox_written(1);
        Ok(())
    }

    async fn enqueue_many(&self, emails: Vec<NewEmail>, at: DateTime<Utc>) -> Result<(), StorageError> {
        if emails.is_empty() {
            return Ok(());
        }
        // One parameter however many emails (as `record_many`).
        let n = emails.len() as u64;
        let rows = super::sql::json_array(emails.into_iter().enumerate().map(|(i, e)| {
            serde_json::json!({
                "i": i,
                "kind": e.kind,
                "to_key": e.to.to_lowercase(),
                "to_email": e.to,
                "locale": e.locale.as_str(),
                "subject": e.subject,
                "body": e.body,
            })
        }));
        let backend = self.conn.get_database_backend();
        let mut q = Sql::new(backend);
        q.push(
            "INSERT INTO email_outbox (kind, to_email, to_key, locale, subject, body, created_at, status, attempts) ",
        );
        if backend == DatabaseBackend::Postgres {
            q.push("SELECT x.kind, x.to_email, x.to_key, x.locale, x.subject, x.body, ")
                .value(at)
                .push(", 'QUEUED', 0 FROM json_to_recordset(")
                .value(rows)
                .push(
                    "::json) AS x(i bigint, kind text, to_email text, to_key text, locale text, subject text, body text) \
                     ORDER BY x.i",
                );
        } else {
            q.push(
                "SELECT json_extract(value, '$.kind'), json_extract(value, '$.to_email'), \
                 json_extract(value, '$.to_key'), json_extract(value, '$.locale'), json_extract(value, '$.subject'), \
                 json_extract(value, '$.body'), ",
            )
            .value(stored_time(at))
            .push(", 'QUEUED', 0 FROM json_each(")
            .value(rows)
            .push(") ORDER BY CAST(key AS INTEGER)");
        }
        self.conn.execute(q.statement()).await.map_err(db)?;
        self.outbox_written(n);
        Ok(())
    }

    async fn list_outbox(&self, to: Option<&str>, first: u32) -> Result<Vec<OutboxEmail>, StorageError> {
        let mut q = outbox::Entity::find();
        if let Some(to) = to {
            q = q.filter(outbox::Column::ToKey.eq(to.trim().to_lowercase()));
        }
        let rows = q.order_by_desc(outbox::Column::Id).limit(first as u64).all(&self.conn).await.map_err(db)?;
        rows.into_iter().map(convert::outbox).collect()
    }
}

impl<C: Conn> SeaOrmRepository<C> {
    /// Ends an attempt at the email `id` with `update` (its status and what
    /// goes with it): one attempt more, the claim let go; only while
    /// `token`'s claim holds. Whether it held.
    async fn end_attempt(
        &self,
        id: i64,
        token: &str,
        update: UpdateMany<outbox::Entity>,
    ) -> Result<bool, StorageError> {
        let r = update
            .col_expr(outbox::Column::Attempts, Expr::col(outbox::Column::Attempts).add(1))
            .col_expr(outbox::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(outbox::Column::ClaimToken, Expr::value(Option::<String>::None))
            .filter(outbox::Column::Id.eq(id))
            .filter(outbox::Column::ClaimToken.eq(token))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(r.rows_affected == 1)
    }
}

#[async_trait]
impl<C: Conn> DeliveryQueue for SeaOrmRepository<C> {
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        token: &str,
        limit: u32,
    ) -> Result<Vec<OutboxEmail>, StorageError> {
        let backend = self.conn.get_database_backend();
        let pg = backend == DatabaseBackend::Postgres;
        let mut q = Sql::new(backend);
        q.push("UPDATE email_outbox SET claimed_until = ");
        if pg {
            q.value(until);
        } else {
            q.value(stored_time(until));
        }
        q.push(", claim_token = ").value(token.to_string());
        let t = if pg { q.bind(now) } else { q.bind(stored_time(now)) };
        q.push(&format!(
            " WHERE id IN (SELECT id FROM email_outbox WHERE status = 'QUEUED' \
             AND (next_attempt_at IS NULL OR next_attempt_at <= {t}) \
             AND (claimed_until IS NULL OR claimed_until <= {t}) ORDER BY id LIMIT "
        ));
        q.value(i64::from(limit));
        // Rows another dispatcher is claiming right now are skipped, not
        // waited for: each claims different emails.
        q.push(if pg { " FOR UPDATE SKIP LOCKED)" } else { ")" });
        // The columns by name, not `*`: a server that started before a
        // migration added a column would read a row shorter than its cached
        // statement (sqlx-sqlite panics on that).
        q.push(
            " RETURNING id, to_email, to_key, subject, body, created_at, sent_at, kind, status, attempts, \
             last_error, next_attempt_at, failing_since, claimed_until, claim_token, locale",
        );
        let rows = outbox::Model::find_by_statement(q.statement()).all(&self.conn).await.map_err(db)?;
        let mut out: Vec<OutboxEmail> = rows.into_iter().map(convert::outbox).collect::<Result<_, _>>()?;
        out.sort_by_key(|e| e.id);
        Ok(out)
    }

    async fn mark_sent(&self, id: i64, token: &str, at: DateTime<Utc>) -> Result<bool, StorageError> {
        let sent = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(EmailStatus::Sent.as_str()))
            .col_expr(outbox::Column::SentAt, Expr::value(Some(at)));
        self.end_attempt(id, token, sent).await
    }

    async fn mark_failed_attempt(
        &self,
        id: i64,
        token: &str,
        error: &str,
        failing_since: DateTime<Utc>,
        next: Option<DateTime<Utc>>,
    ) -> Result<bool, StorageError> {
        let status = if next.is_some() { EmailStatus::Queued } else { EmailStatus::Failed };
        let error: String = error.chars().take(1000).collect();
        let failed = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(status.as_str()))
            .col_expr(outbox::Column::LastError, Expr::value(Some(error)))
            .col_expr(outbox::Column::FailingSince, Expr::value(Some(failing_since)))
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(next));
        self.end_attempt(id, token, failed).await
    }

    async fn release(&self, ids: &[i64], token: &str) -> Result<(), StorageError> {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(outbox::Column::ClaimToken, Expr::value(Option::<String>::None))
            .filter(outbox::Column::Id.is_in(ids.iter().copied()))
            .filter(outbox::Column::ClaimToken.eq(token))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn oldest_queued(&self) -> Result<Option<DateTime<Utc>>, StorageError> {
        // The first queued id is the oldest queued email (ids grow with
        // time), found through the (status, id) index.
        let first = outbox::Entity::find()
            .filter(outbox::Column::Status.eq(EmailStatus::Queued.as_str()))
            .order_by_asc(outbox::Column::Id)
            .one(&self.conn)
            .await
            .map_err(db)?;
        first.map(|row| convert::outbox(row).map(|e| e.created_at)).transpose()
    }

    async fn count_status(&self, status: EmailStatus) -> Result<u64, StorageError> {
        outbox::Entity::find().filter(outbox::Column::Status.eq(status.as_str())).count(&self.conn).await.map_err(db)
    }
}
