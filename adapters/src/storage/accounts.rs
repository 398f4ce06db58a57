//! Accounts and verified domains.

use std::collections::HashMap;

use async_trait::async_trait;
use cam_domain::account::model::{Account, EmailDomain, NewAccount};
use cam_domain::account::ports::{AccountRepository, DomainRepository};
use cam_domain::membership::model::Membership;
use cam_domain::membership::ports::MemberAccountRepository;
use cam_domain::{AccountId, StorageError, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{LockType, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, Set};

use super::entities::{account, membership, verified_domain};
use super::keyset::by_ids;
use super::sql::Sql;
use super::{convert, db, joined, Conn, SeaOrmRepository};

#[async_trait]
impl<C: Conn> AccountRepository for SeaOrmRepository<C> {
    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn insert_account(&self, new: NewAccount, at: DateTime<Utc>) -> Result<Account, StorageError> {
        let row = account::ActiveModel {
            kind: Set(new.kind.as_str().to_string()),
            name: Set(new.name),
            tier: Set(new.tier.map(|t| t.as_str().to_string())),
            data_center: Set(new.data_center),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(&self.conn)
        .await
        .map_err(db)?;
        convert::account(row)
    }

    async fn find_account(&self, id: AccountId) -> Result<Option<Account>, StorageError> {
        account::Entity::find_by_id(id.get()).one(&self.conn).await.map_err(db)?.map(convert::account).transpose()
    }

    async fn find_accounts(&self, ids: &[AccountId]) -> Result<HashMap<AccountId, Account>, StorageError> {
        by_ids(account::Entity, &self.conn, ids.iter().map(|i| i.get()), account::Column::Id, |r| {
            convert::account(r).map(|a| (a.id, a))
        })
        .await
    }

    async fn lock_account(&self, id: AccountId) -> Result<(), StorageError> {
        // SQLite serialises writers from the start of the transaction (see
        // `begin`); PostgreSQL locks the account row until commit. NO KEY
        // UPDATE excludes other lockers but not the key-share locks that
        // foreign-key checks take, so inserts elsewhere are not held up.
        if self.conn.get_database_backend() == DatabaseBackend::Postgres {
            let mut q = Query::select();
            q.column(account::Column::Id)
                .from(account::Entity)
                .and_where(account::Column::Id.eq(id.get()))
                .lock(LockType::NoKeyUpdate);
            self.conn.execute(self.conn.get_database_backend().build(&q)).await.map_err(db)?;
        }
        Ok(())
    }

    async fn lock_accounts(&self, ids: &[AccountId]) -> Result<(), StorageError> {
        if ids.is_empty() || self.conn.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        // Rows are locked as they leave the sort: in ascending id order.
        let mut q = Query::select();
        q.column(account::Column::Id)
            .from(account::Entity)
            .and_where(account::Column::Id.is_in(ids.iter().map(|a| a.get())))
            .order_by(account::Column::Id, sea_orm::sea_query::Order::Asc)
            .lock(LockType::NoKeyUpdate);
        self.conn.execute(self.conn.get_database_backend().build(&q)).await.map_err(db)?;
        Ok(())
    }
}

#[async_trait]
impl<C: Conn> MemberAccountRepository for SeaOrmRepository<C> {
    async fn account_with_membership(
        &self,
        id: AccountId,
        user: UserId,
    ) -> Result<Option<(Account, Option<Membership>)>, StorageError> {
        let mut q = Sql::new(self.conn.get_database_backend());
        q.push(&format!(
            "SELECT {}, {} FROM accounts a LEFT JOIN memberships m ON m.account_id = a.id AND m.user_id = ",
            joined::select_list::<account::Entity>("a", "a__"),
            joined::select_list::<membership::Entity>("m", "m__"),
        ))
        .value(user.get())
        .push(" WHERE a.id = ")
        .value(id.get());
        let Some(row) = self.conn.query_one(q.statement()).await.map_err(db)? else { return Ok(None) };
        let Some(a) = joined::read::<account::Model>(&row, "a__").map_err(db)? else { return Ok(None) };
        let m = joined::read::<membership::Model>(&row, "m__").map_err(db)?;
        Ok(Some((convert::account(a)?, m.map(convert::membership).transpose()?)))
    }
}

#[async_trait]
impl<C: Conn> DomainRepository for SeaOrmRepository<C> {
    async fn insert_domain(
        &self,
        partner: AccountId,
        domain: &EmailDomain,
        at: DateTime<Utc>,
    ) -> Result<(), StorageError> {
        verified_domain::ActiveModel {
            partner_id: Set(partner.get()),
            domain: Set(domain.as_str().to_string()),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(&self.conn)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn domain_owner(&self, domain: &EmailDomain) -> Result<Option<AccountId>, StorageError> {
        Ok(verified_domain::Entity::find()
            .filter(verified_domain::Column::Domain.eq(domain.as_str()))
            .one(&self.conn)
            .await
            .map_err(db)?
            .map(|r| AccountId::new(r.partner_id)))
    }

    async fn domains_of(&self, partners: &[AccountId]) -> Result<HashMap<AccountId, Vec<String>>, StorageError> {
        if partners.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = verified_domain::Entity::find()
            .filter(verified_domain::Column::PartnerId.is_in(partners.iter().map(|p| p.get())))
            .order_by_asc(verified_domain::Column::Domain)
            .all(&self.conn)
            .await
            .map_err(db)?;
        let mut out: HashMap<AccountId, Vec<String>> = HashMap::new();
        for r in rows {
            out.entry(AccountId::new(r.partner_id)).or_default().push(r.domain);
        }
        Ok(out)
    }
}
