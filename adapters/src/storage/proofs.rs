//! R52: DNS proofs of partner domains (`domain_proofs`), and the removal
//! of a lapsed domain from `verified_domains`.

use async_trait::async_trait;
use cam_domain::account::model::EmailDomain;
use cam_domain::account::proof::{DomainProof, DomainProofRepository, DomainStatus};
use cam_domain::{AccountId, StorageError};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set,
};

use super::entities::{domain_proof, verified_domain};
use super::{db, Conn, SeaOrmRepository};

/// Proofs the daily check looks at.
const CHECKED: [&str; 2] = ["VERIFIED", "FAILING"];

/// Proofs the daily check looks at, not checked since `checked_before`.
fn due(checked_before: DateTime<Utc>) -> Condition {
    Condition::all().add(domain_proof::Column::Status.is_in(CHECKED)).add(
        Condition::any()
            .add(domain_proof::Column::LastCheckedAt.is_null())
            .add(domain_proof::Column::LastCheckedAt.lte(checked_before)),
    )
}

fn to_proof(r: domain_proof::Model) -> Result<DomainProof, StorageError> {
    let bad = |what: &str| StorageError::Other(format!("domain_proofs row {}: bad {what}", r.id).into());
    Ok(DomainProof {
        id: r.id,
        partner: AccountId::new(r.partner_id),
        domain: EmailDomain::parse(&r.domain).map_err(|_| bad("domain"))?,
        status: DomainStatus::parse(&r.status).ok_or_else(|| bad("status"))?,
        record_value: r.record_value,
        verified_at: r.verified_at,
        last_checked_at: r.last_checked_at,
        failing_since: r.failing_since,
    })
}

impl<C: Conn> SeaOrmRepository<C> {
    /// The proofs `q` selects, in its order.
    async fn proofs(&self, q: Select<domain_proof::Entity>) -> Result<Vec<DomainProof>, StorageError> {
        q.all(&self.conn).await.map_err(db)?.into_iter().map(to_proof).collect()
    }
}

#[async_trait]
impl<C: Conn> DomainProofRepository for SeaOrmRepository<C> {
    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn proof(&self, partner: AccountId, domain: &EmailDomain) -> Result<Option<DomainProof>, StorageError> {
        domain_proof::Entity::find()
            .filter(domain_proof::Column::PartnerId.eq(partner.get()))
            .filter(domain_proof::Column::Domain.eq(domain.as_str()))
            .one(&self.conn)
            .await
            .map_err(db)?
            .map(to_proof)
            .transpose()
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn insert_proof(
        &self,
        partner: AccountId,
        domain: &EmailDomain,
        record_value: &str,
        at: DateTime<Utc>,
    ) -> Result<DomainProof, StorageError> {
        let row = domain_proof::ActiveModel {
            partner_id: Set(partner.get()),
            domain: Set(domain.as_str().to_string()),
            record_value: Set(record_value.to_string()),
            status: Set(DomainStatus::Pending.as_str().to_string()),
            created_at: Set(at),
            verified_at: Set(None),
            last_checked_at: Set(None),
            failing_since: Set(None),
            ..Default::default()
        }
        .insert(&self.conn)
        .await
        .map_err(db)?;
        to_proof(row)
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn save_proof(&self, proof: &DomainProof) -> Result<(), StorageError> {
        domain_proof::Entity::update_many()
            .col_expr(domain_proof::Column::Status, Expr::value(proof.status.as_str()))
            .col_expr(domain_proof::Column::VerifiedAt, Expr::value(proof.verified_at))
            .col_expr(domain_proof::Column::LastCheckedAt, Expr::value(proof.last_checked_at))
            .col_expr(domain_proof::Column::FailingSince, Expr::value(proof.failing_since))
            .filter(domain_proof::Column::Id.eq(proof.id))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn proofs_of(&self, partner: AccountId) -> Result<Vec<DomainProof>, StorageError> {
        let q = domain_proof::Entity::find()
            .filter(domain_proof::Column::PartnerId.eq(partner.get()))
            .order_by_asc(domain_proof::Column::Domain);
        self.proofs(q).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn proofs_due(&self, checked_before: DateTime<Utc>, limit: u32) -> Result<Vec<DomainProof>, StorageError> {
        let q = domain_proof::Entity::find()
            .filter(due(checked_before))
            .order_by_asc(domain_proof::Column::LastCheckedAt)
            .order_by_asc(domain_proof::Column::Id)
            .limit(u64::from(limit));
        self.proofs(q).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn claim_proof_check(
        &self,
        id: i64,
        now: DateTime<Utc>,
        checked_before: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        let done = domain_proof::Entity::update_many()
            .col_expr(domain_proof::Column::LastCheckedAt, Expr::value(Some(now)))
            .filter(domain_proof::Column::Id.eq(id))
            .filter(due(checked_before))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(done.rows_affected == 1)
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn remove_domain(&self, partner: AccountId, domain: &EmailDomain) -> Result<(), StorageError> {
        verified_domain::Entity::delete_many()
            .filter(verified_domain::Column::PartnerId.eq(partner.get()))
            .filter(verified_domain::Column::Domain.eq(domain.as_str()))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(())
    }
}
