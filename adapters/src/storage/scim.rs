//! SCIM tokens and SCIM records (R44). A SCIM user is read with its
//! membership and user in one statement (`memberships` joined to `users`,
//! left-joined to `scim_users`); lists are paged in SQL (`LIMIT`/`OFFSET`,
//! SCIM's `startIndex`) with one more statement for `totalResults`.

use async_trait::async_trait;
use cam_domain::scim::model::{
    NewScimToken, ScimAttr, ScimCondition, ScimEmail, ScimFilter, ScimMatch, ScimName, ScimProfile, ScimToken,
    ScimTokenId, ScimUser,
};
use cam_domain::scim::ports::ScimRepository;
use cam_domain::user::model::{Email, Locale, User};
use cam_domain::{AccountId, MembershipId, StorageError, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, Set};

use super::entities::membership;
use super::sql::Sql;
use super::{convert, db, Conn, SeaOrmRepository};

pub(crate) mod scim_token {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "scim_tokens")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub token_hash: String,
        pub created_by: Option<i64>,
        pub created_at: ChronoDateTimeUtc,
        pub revoked_at: Option<ChronoDateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod scim_user {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "scim_users")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub membership_id: i64,
        pub account_id: i64,
        pub user_name: String,
        pub user_name_key: String,
        pub external_id: Option<String>,
        pub display_name: Option<String>,
        pub name: Option<String>,
        pub emails: String,
        pub email_key: String,
        pub updated_at: ChronoDateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

fn token(m: scim_token::Model) -> ScimToken {
    ScimToken {
        id: ScimTokenId::new(m.id),
        account_id: AccountId::new(m.account_id),
        created_by: m.created_by.map(UserId::new),
        created_at: m.created_at,
        revoked_at: m.revoked_at,
    }
}

/// One SCIM user as the joined statement reads it.
#[derive(FromQueryResult)]
struct Row {
    id: i64,
    account_id: i64,
    user_id: i64,
    role: String,
    seat: String,
    status: String,
    permissions: String,
    permission_set_id: Option<i64>,
    partner_id: Option<i64>,
    managed_credit: bool,
    worker_kind: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    u_email: String,
    u_name: String,
    u_locale: String,
    s_user_name: Option<String>,
    s_external_id: Option<String>,
    s_display_name: Option<String>,
    s_name: Option<String>,
    s_emails: Option<String>,
    s_updated_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "m.id, m.account_id, m.user_id, m.role, m.seat, m.status, m.permissions, \
    m.permission_set_id, m.partner_id, m.managed_credit, m.worker_kind, m.created_at, m.updated_at, \
    u.email AS u_email, u.name AS u_name, u.locale AS u_locale, s.user_name AS s_user_name, s.external_id AS s_external_id, \
    s.display_name AS s_display_name, s.name AS s_name, s.emails AS s_emails, s.updated_at AS s_updated_at";

const FROM: &str = " FROM memberships m JOIN users u ON u.id = m.user_id \
    LEFT JOIN scim_users s ON s.membership_id = m.id";

fn bad(what: &str) -> StorageError {
    StorageError::Other(format!("unreadable SCIM record in storage: {what}").into())
}

impl Row {
    fn into_user(self) -> Result<ScimUser, StorageError> {
        let user = User {
            id: UserId::new(self.user_id),
            email: Email::parse(&self.u_email).map_err(|_| bad("email"))?,
            name: self.u_name,
            locale: Locale::parse(&self.u_locale).ok_or_else(|| bad("locale"))?,
        };
        let (profile, stored) = match (self.s_user_name, self.s_emails) {
            (Some(user_name), Some(emails)) => {
                let emails: Vec<ScimEmail> = serde_json::from_str(&emails).map_err(|_| bad("emails"))?;
                let name: Option<ScimName> =
                    self.s_name.as_deref().map(serde_json::from_str).transpose().map_err(|_| bad("name"))?;
                let p = ScimProfile {
                    user_name,
                    external_id: self.s_external_id,
                    display_name: self.s_display_name,
                    name,
                    emails,
                    updated_at: self.s_updated_at,
                };
                (p, true)
            }
            _ => (ScimProfile::implied(&user), false),
        };
        let membership = convert::membership(membership::Model {
            id: self.id,
            account_id: self.account_id,
            user_id: self.user_id,
            role: self.role,
            seat: self.seat,
            status: self.status,
            permissions: self.permissions,
            permission_set_id: self.permission_set_id,
            partner_id: self.partner_id,
            managed_credit: self.managed_credit,
            worker_kind: self.worker_kind,
            created_at: self.created_at,
            updated_at: self.updated_at,
            // R39: only partner users have an expiry; SCIM users never do.
            expires_at: None,
            expiry_warned_for: None,
        })?;
        Ok(ScimUser { membership, user, profile, stored })
    }
}

/// The SCIM users of an account: members who do not represent a partner
/// (`cam_domain::scim::model::is_scim_user`, R21, R44).
fn scim_users_of(q: &mut Sql, account: AccountId) {
    q.push(" WHERE m.account_id = ").value(account.get());
    q.push(" AND m.partner_id IS NULL AND m.worker_kind IS NULL AND m.role <> 'PARTNER_ADMIN'");
}

/// The expression an attribute is compared with; `lower` for the
/// case-insensitive ones (every one but `externalId`).
fn attr_expr(attr: ScimAttr) -> (&'static str, bool) {
    match attr {
        ScimAttr::UserName => ("COALESCE(s.user_name_key, u.email_key)", false),
        ScimAttr::Email => ("COALESCE(s.email_key, u.email_key)", false),
        ScimAttr::ExternalId => ("s.external_id", true),
        ScimAttr::DisplayName => {
            ("LOWER(CASE WHEN s.membership_id IS NULL THEN u.name ELSE s.display_name END)", false)
        }
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `\` as escape.
fn escape_like(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn filter_sql(q: &mut Sql, f: &ScimFilter) {
    for c in &f.all {
        q.push(" AND ");
        match c {
            ScimCondition::Active(a) => {
                q.push("m.status = ").value(if *a { "ACTIVE" } else { "DEACTIVATED" });
            }
            ScimCondition::Present(attr) => {
                q.push(attr_expr(*attr).0).push(" IS NOT NULL");
            }
            ScimCondition::Text { attr, op, value } => {
                let (expr, exact) = attr_expr(*attr);
                let v = if exact { value.clone() } else { value.to_lowercase() };
                q.push(expr);
                match op {
                    ScimMatch::Equals => {
                        q.push(" = ").value(v);
                    }
                    ScimMatch::Contains => {
                        q.push(" LIKE ").value(format!("%{}%", escape_like(&v))).push(" ESCAPE '\\'");
                    }
                    ScimMatch::StartsWith => {
                        q.push(" LIKE ").value(format!("{}%", escape_like(&v))).push(" ESCAPE '\\'");
                    }
                    ScimMatch::EndsWith => {
                        q.push(" LIKE ").value(format!("%{}", escape_like(&v))).push(" ESCAPE '\\'");
                    }
                }
            }
        }
    }
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

#[async_trait]
impl<C: Conn> ScimRepository for SeaOrmRepository<C> {
    async fn insert_scim_token(&self, new: NewScimToken) -> Result<ScimToken, StorageError> {
        let row = scim_token::ActiveModel {
            account_id: Set(new.account_id.get()),
            token_hash: Set(new.token_hash),
            created_by: Set(new.created_by.map(|u| u.get())),
            created_at: Set(new.created_at),
            revoked_at: Set(None),
            ..Default::default()
        }
        .insert(&self.conn)
        .await
        .map_err(db)?;
        Ok(token(row))
    }

    async fn find_scim_token(&self, id: ScimTokenId) -> Result<Option<ScimToken>, StorageError> {
        Ok(scim_token::Entity::find_by_id(id.get()).one(&self.conn).await.map_err(db)?.map(token))
    }

    async fn find_scim_token_by_hash(&self, hash: &str) -> Result<Option<ScimToken>, StorageError> {
        Ok(scim_token::Entity::find()
            .filter(scim_token::Column::TokenHash.eq(hash))
            .one(&self.conn)
            .await
            .map_err(db)?
            .map(token))
    }

    async fn scim_tokens_of(&self, account: AccountId) -> Result<Vec<ScimToken>, StorageError> {
        let rows = scim_token::Entity::find()
            .filter(scim_token::Column::AccountId.eq(account.get()))
            .order_by_asc(scim_token::Column::Id)
            .all(&self.conn)
            .await
            .map_err(db)?;
        Ok(rows.into_iter().map(token).collect())
    }

    async fn revoke_scim_token(&self, id: ScimTokenId, at: DateTime<Utc>) -> Result<(), StorageError> {
        scim_token::Entity::update_many()
            .col_expr(scim_token::Column::RevokedAt, Expr::value(Some(at)))
            .filter(scim_token::Column::Id.eq(id.get()))
            .filter(scim_token::Column::RevokedAt.is_null())
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn scim_users(
        &self,
        account: AccountId,
        filter: &ScimFilter,
        offset: u64,
        count: u32,
    ) -> Result<(Vec<ScimUser>, u64), StorageError> {
        let backend = self.conn.get_database_backend();
        let mut total = Sql::new(backend);
        total.push("SELECT COUNT(*) AS n").push(FROM);
        scim_users_of(&mut total, account);
        filter_sql(&mut total, filter);
        let n = Count::find_by_statement(total.statement()).one(&self.conn).await.map_err(db)?.map_or(0, |c| c.n);
        if count == 0 || offset >= n.max(0) as u64 {
            return Ok((Vec::new(), n.max(0) as u64));
        }
        let mut page = Sql::new(backend);
        page.push("SELECT ").push(COLUMNS).push(FROM);
        scim_users_of(&mut page, account);
        filter_sql(&mut page, filter);
        page.push(" ORDER BY m.id LIMIT ").value(i64::from(count));
        page.push(" OFFSET ").value(i64::try_from(offset).unwrap_or(i64::MAX));
        let rows = Row::find_by_statement(page.statement()).all(&self.conn).await.map_err(db)?;
        let users = rows.into_iter().map(Row::into_user).collect::<Result<Vec<_>, _>>()?;
        Ok((users, n.max(0) as u64))
    }

    async fn scim_user(&self, account: AccountId, id: MembershipId) -> Result<Option<ScimUser>, StorageError> {
        let mut q = Sql::new(self.conn.get_database_backend());
        q.push("SELECT ").push(COLUMNS).push(FROM);
        scim_users_of(&mut q, account);
        q.push(" AND m.id = ").value(id.get());
        Row::find_by_statement(q.statement()).one(&self.conn).await.map_err(db)?.map(Row::into_user).transpose()
    }

    async fn scim_user_name_taken(
        &self,
        account: AccountId,
        user_name_key: &str,
        except: Option<MembershipId>,
    ) -> Result<bool, StorageError> {
        let mut q = Sql::new(self.conn.get_database_backend());
        q.push("SELECT COUNT(*) AS n").push(FROM);
        scim_users_of(&mut q, account);
        q.push(" AND COALESCE(s.user_name_key, u.email_key) = ").value(user_name_key.to_string());
        if let Some(m) = except {
            q.push(" AND m.id <> ").value(m.get());
        }
        let n = Count::find_by_statement(q.statement()).one(&self.conn).await.map_err(db)?.map_or(0, |c| c.n);
        Ok(n > 0)
    }

    async fn save_scim_profile(
        &self,
        account: AccountId,
        membership: MembershipId,
        p: &ScimProfile,
    ) -> Result<(), StorageError> {
        let json = |v: serde_json::Result<String>| v.map_err(|e| StorageError::Other(Box::new(e)));
        // The time of the change comes from the use case's clock (R35),
        // never the machine's.
        let updated_at =
            p.updated_at.ok_or_else(|| StorageError::Other("a SCIM profile is saved without its time".into()))?;
        let row = scim_user::ActiveModel {
            membership_id: Set(membership.get()),
            account_id: Set(account.get()),
            user_name: Set(p.user_name.clone()),
            user_name_key: Set(p.user_name_key()),
            external_id: Set(p.external_id.clone()),
            display_name: Set(p.display_name.clone()),
            name: Set(p
                .name
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| StorageError::Other(Box::new(e)))?),
            emails: Set(json(serde_json::to_string(&p.emails))?),
            email_key: Set(p.email_key()),
            updated_at: Set(updated_at),
        };
        scim_user::Entity::insert(row)
            .on_conflict(
                OnConflict::column(scim_user::Column::MembershipId)
                    .update_columns([
                        scim_user::Column::UserName,
                        scim_user::Column::UserNameKey,
                        scim_user::Column::ExternalId,
                        scim_user::Column::DisplayName,
                        scim_user::Column::Name,
                        scim_user::Column::Emails,
                        scim_user::Column::EmailKey,
                        scim_user::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(())
    }
}
