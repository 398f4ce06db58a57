//! Operator use case: creating users.

use serde_json::json;

use super::model::{parse_person_name, Email, Locale, User};
use crate::app::Cam;
use crate::common::error::{Code, Error, Refusal, Result, StorageError};
use crate::common::principal::Principal;

impl Cam {
    /// Operator: creates a user; emails are unique case-insensitively.
    #[tracing::instrument(skip(self, p, email, name), err(level = "debug"))]
    pub async fn create_user(&self, p: &Principal, email: &str, name: &str) -> Result<User> {
        self.retrying(|| self.create_user_once(p, email, name)).await
    }

    async fn create_user_once(&self, p: &Principal, email: &str, name: &str) -> Result<User> {
        self.operator(p)?;
        let email = Email::parse(email).map_err(|e| Refusal::new(Code::InvalidInput, e).at(&["email"]));
        let name = parse_person_name(name).map_err(|e| Refusal::new(Code::InvalidInput, e).at(&["name"]));
        let (email, name) = match (email, name) {
            (Ok(e), Ok(n)) => (e, n),
            (e, n) => return Err(Error::Refused([e.err(), n.err()].into_iter().flatten().collect())),
        };
        let tx = self.store.begin().await?;
        if tx.find_user_by_email(&email).await?.is_some() {
            return Err(Error::refused_at(Code::AlreadyExists, &["email"], "a user with this email exists"));
        }
        let user = match tx.insert_user(&email, &name, self.now()).await {
            Err(StorageError::Conflict(_)) => {
                return Err(Error::refused_at(Code::AlreadyExists, &["email"], "a user with this email exists"))
            }
            r => r?,
        };
        let mut ev = self.event(None, "user.created");
        ev.subject_id = Some(user.id);
        ev.after = Some(json!({"email": user.email.as_str(), "name": user.name}));
        tx.record(ev).await?;
        tx.commit().await?;
        Ok(user)
    }
}

impl Cam {
    /// R55: the caller changes their own profile: their locale (absent:
    /// kept). A change is audited as `user.profile_updated`; no change
    /// writes nothing. The operator has no profile (`FORBIDDEN`).
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn update_my_profile(&self, p: &Principal, locale: Option<Locale>) -> Result<User> {
        self.retrying(|| self.update_my_profile_once(p, locale)).await
    }

    async fn update_my_profile_once(&self, p: &Principal, locale: Option<Locale>) -> Result<User> {
        let me = self.user(p)?;
        let tx = self.store.begin().await?;
        let Some(current) = tx.find_user(me.id).await? else {
            return Err(Error::forbidden("this user no longer exists"));
        };
        let Some(locale) = locale.filter(|l| *l != current.locale) else {
            return Ok(current);
        };
        tx.set_user_locale(current.id, locale).await?;
        let mut ev = self.event(Some(&current), "user.profile_updated");
        ev.subject_id = Some(current.id);
        ev.before = Some(json!({"locale": current.locale.as_str()}));
        ev.after = Some(json!({"locale": locale.as_str()}));
        tx.record(ev).await?;
        tx.commit().await?;
        Ok(User { locale, ..current })
    }
}

impl Cam {
    /// R33: a user is visible to themselves, to the operator, and to active
    /// members of an account where the user is a member.
    pub async fn visible_user(&self, p: &Principal, id: crate::UserId) -> Result<Option<User>> {
        let Some(user) = self.store.find_user(id).await? else { return Ok(None) };
        let Principal::User(me) = p else { return Ok(Some(user)) };
        if me.id == id {
            return Ok(Some(user));
        }
        let mine: Vec<_> = self
            .store
            .memberships_of_user(me.id)
            .await?
            .into_iter()
            .filter(|m| m.is_active())
            .map(|m| m.account_id)
            .collect();
        let shared = self.store.memberships_of_users_in(&mine, &[id]).await?;
        Ok((!shared.is_empty()).then_some(user))
    }
}

impl Cam {
    /// Who a verified token names: the operator, a known user, or `None`
    /// for a user this server does not know. Every transport (HTTP,
    /// WebSocket) signs callers in through this.
    pub async fn principal_of(&self, identity: crate::identity::Identity) -> Result<Option<Principal>> {
        Ok(match identity {
            crate::identity::Identity::Operator => Some(Principal::Operator),
            crate::identity::Identity::User(email) | crate::identity::Identity::Federated(email) => {
                self.store.find_user_by_email(&email).await?.map(Principal::User)
            }
        })
    }
}
