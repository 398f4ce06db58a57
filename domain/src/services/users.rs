//! Operator use case: creating users.

use std::sync::Arc;

use crate::policy::Policy;
use crate::store::{body, Store};

use serde_json::json;

use crate::user::model::{parse_person_name, Email, Locale, User};

use crate::common::error::{Code, Error, Refusal, Result, StorageError};
use crate::user::principal::Principal;

/// Users: the operator creates them; a user changes their own locale.
#[derive(Clone)]
pub struct UserService {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) policy: Policy,
}

impl UserService {
    /// Operator: creates a user; emails are unique case-insensitively.
    #[tracing::instrument(skip(self, p, email, name), err(level = "debug"))]
    pub async fn create_user(&self, p: &Principal, email: &str, name: &str) -> Result<User> {
        self.policy.operator(p)?;
        let email = Email::parse(email).map_err(|e| Refusal::new(Code::InvalidInput, e).at(&["email"]));
        let name = parse_person_name(name).map_err(|e| Refusal::new(Code::InvalidInput, e).at(&["name"]));
        let (email, name) = match (email, name) {
            (Ok(e), Ok(n)) => (e, n),
            (e, n) => return Err(Error::Refused([e.err(), n.err()].into_iter().flatten().collect())),
        };
        let name = &name;
        let email = &email;
        self.store
            .transaction(|tx| {
                body(async move {
                    if tx.find_user_by_email(email).await?.is_some() {
                        return Err(Error::refused_at(
                            Code::AlreadyExists,
                            &["email"],
                            "a user with this email exists",
                        ));
                    }
                    let user = match tx.insert_user(email, name, self.policy.now()).await {
                        Err(StorageError::Conflict(_)) => {
                            return Err(Error::refused_at(
                                Code::AlreadyExists,
                                &["email"],
                                "a user with this email exists",
                            ))
                        }
                        r => r?,
                    };
                    let mut ev = self.policy.event(None, "user.created");
                    ev.subject_id = Some(user.id);
                    ev.after = Some(json!({"email": user.email.as_str(), "name": user.name}));
                    tx.record(ev).await?;
                    Ok(user)
                })
            })
            .await
    }
}

impl UserService {
    /// R55: the caller changes their own profile: their locale (absent:
    /// kept). A change is audited as `user.profile_updated`; no change
    /// writes nothing. The operator has no profile (`FORBIDDEN`).
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn update_my_profile(&self, p: &Principal, locale: Option<Locale>) -> Result<User> {
        let me = self.policy.user(p)?;
        self.store
            .transaction(|tx| {
                body(async move {
                    let Some(current) = tx.find_user(me.id).await? else {
                        return Err(Error::forbidden("this user no longer exists"));
                    };
                    let Some(locale) = locale.filter(|l| *l != current.locale) else {
                        return Ok(current);
                    };
                    tx.set_user_locale(current.id, locale).await?;
                    let mut ev = self.policy.event(Some(&current), "user.profile_updated");
                    ev.subject_id = Some(current.id);
                    ev.before = Some(json!({"locale": current.locale.as_str()}));
                    ev.after = Some(json!({"locale": locale.as_str()}));
                    tx.record(ev).await?;
                    Ok(User { locale, ..current })
                })
            })
            .await
    }
}

impl UserService {
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

impl UserService {
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
