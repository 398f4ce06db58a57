//! R51: sessions (`sessions`, only the hash of each secret) and sign-ins
//! under way (`pending_sign_ins`), on SQLite and PostgreSQL alike.

use async_trait::async_trait;
use cam_domain::session::model::{NewPendingSignIn, NewSession, PendingSignIn, ReturnPath, Session, SessionId};
use cam_domain::session::ports::SessionRepository;
use cam_domain::{StorageError, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, Set};

use super::{db, Conn, SeaOrmRepository};

pub(crate) mod session {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub secret_hash: String,
        pub user_id: i64,
        pub created_at: ChronoDateTimeUtc,
        pub expires_at: ChronoDateTimeUtc,
        pub revoked_at: Option<ChronoDateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod pending_sign_in {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "pending_sign_ins")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key_hash: String,
        pub state_hash: String,
        pub nonce: String,
        pub pkce_verifier: String,
        pub return_to: String,
        pub expires_at: ChronoDateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

fn to_session(m: session::Model) -> Session {
    Session {
        id: SessionId::new(m.id),
        user_id: UserId::new(m.user_id),
        created_at: m.created_at,
        expires_at: m.expires_at,
        revoked_at: m.revoked_at,
    }
}

#[async_trait]
impl<C: Conn> SessionRepository for SeaOrmRepository<C> {
    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn insert_session(&self, new: NewSession) -> Result<Session, StorageError> {
        let row = session::ActiveModel {
            secret_hash: Set(new.secret_hash),
            user_id: Set(new.user_id.get()),
            created_at: Set(new.created_at),
            expires_at: Set(new.expires_at),
            revoked_at: Set(None),
            ..Default::default()
        };
        Ok(to_session(row.insert(&self.conn).await.map_err(db)?))
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn find_session_by_hash(&self, secret_hash: &str) -> Result<Option<Session>, StorageError> {
        Ok(session::Entity::find()
            .filter(session::Column::SecretHash.eq(secret_hash))
            .one(&self.conn)
            .await
            .map_err(db)?
            .map(to_session))
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn revoke_session(&self, id: SessionId, at: DateTime<Utc>) -> Result<bool, StorageError> {
        let done = session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(Some(at)))
            .filter(session::Column::Id.eq(id.get()))
            .filter(session::Column::RevokedAt.is_null())
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(done.rows_affected == 1)
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn prune_sessions(&self, before: DateTime<Utc>) -> Result<u64, StorageError> {
        let sessions = session::Entity::delete_many()
            .filter(
                Condition::any()
                    .add(session::Column::ExpiresAt.lte(before))
                    .add(session::Column::RevokedAt.lte(before)),
            )
            .exec(&self.conn)
            .await
            .map_err(db)?;
        let pending = pending_sign_in::Entity::delete_many()
            .filter(pending_sign_in::Column::ExpiresAt.lte(before))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(sessions.rows_affected + pending.rows_affected)
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn insert_pending_sign_in(&self, new: NewPendingSignIn) -> Result<(), StorageError> {
        pending_sign_in::ActiveModel {
            key_hash: Set(new.key_hash),
            state_hash: Set(new.state_hash),
            nonce: Set(new.nonce),
            pkce_verifier: Set(new.pkce_verifier),
            return_to: Set(new.return_to.as_str().to_string()),
            expires_at: Set(new.expires_at),
        }
        .insert(&self.conn)
        .await
        .map_err(db)?;
        Ok(())
    }

    /// Read, then deleted: only the caller whose `DELETE` removed the row
    /// gets it, so two callbacks racing with the same key finish one
    /// sign-in at most.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn take_pending_sign_in(&self, key_hash: &str) -> Result<Option<PendingSignIn>, StorageError> {
        let Some(row) = pending_sign_in::Entity::find_by_id(key_hash.to_string()).one(&self.conn).await.map_err(db)?
        else {
            return Ok(None);
        };
        let gone = pending_sign_in::Entity::delete_by_id(key_hash.to_string()).exec(&self.conn).await.map_err(db)?;
        if gone.rows_affected != 1 {
            return Ok(None);
        }
        let Some(return_to) = ReturnPath::parse(&row.return_to) else {
            return Err(StorageError::Other("pending_sign_ins row: bad return_to".into()));
        };
        Ok(Some(PendingSignIn {
            state_hash: row.state_hash,
            nonce: row.nonce,
            pkce_verifier: row.pkce_verifier,
            return_to,
            expires_at: row.expires_at,
        }))
    }
}
