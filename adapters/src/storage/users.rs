//! Users.

use std::collections::HashMap;

use async_trait::async_trait;
use cam_domain::user::model::{Email, Locale, User};
use cam_domain::user::ports::UserRepository;
use cam_domain::{StorageError, UserId};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::entities::user;
use super::keyset::by_ids;
use super::{convert, db, Conn, SeaOrmRepository};

#[async_trait]
impl<C: Conn> UserRepository for SeaOrmRepository<C> {
    async fn insert_user(&self, email: &Email, name: &str, at: DateTime<Utc>) -> Result<User, StorageError> {
        let row = user::ActiveModel {
            email: Set(email.as_str().to_string()),
            email_key: Set(email.key()),
            name: Set(name.to_string()),
            created_at: Set(at),
            locale: Set(Locale::default().as_str().to_string()),
            ..Default::default()
        }
        .insert(&self.conn)
        .await
        .map_err(db)?;
        convert::user(row)
    }

    async fn find_user(&self, id: UserId) -> Result<Option<User>, StorageError> {
        user::Entity::find_by_id(id.get()).one(&self.conn).await.map_err(db)?.map(convert::user).transpose()
    }

    async fn find_users(&self, ids: &[UserId]) -> Result<HashMap<UserId, User>, StorageError> {
        by_ids(user::Entity, &self.conn, ids.iter().map(|i| i.get()), user::Column::Id, |r| {
            convert::user(r).map(|u| (u.id, u))
        })
        .await
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StorageError> {
        user::Entity::find()
            .filter(user::Column::EmailKey.eq(email.key()))
            .one(&self.conn)
            .await
            .map_err(db)?
            .map(convert::user)
            .transpose()
    }

    async fn find_users_by_emails(&self, emails: &[Email]) -> Result<HashMap<String, User>, StorageError> {
        if emails.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = user::Entity::find()
            .filter(user::Column::EmailKey.is_in(emails.iter().map(Email::key)))
            .all(&self.conn)
            .await
            .map_err(db)?;
        rows.into_iter().map(|r| convert::user(r).map(|u| (u.email.key(), u))).collect()
    }

    async fn set_user_locale(&self, id: UserId, locale: Locale) -> Result<(), StorageError> {
        user::Entity::update_many()
            .col_expr(user::Column::Locale, sea_orm::sea_query::Expr::value(locale.as_str()))
            .filter(user::Column::Id.eq(id.get()))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(())
    }
}
