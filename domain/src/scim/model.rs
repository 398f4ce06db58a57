//! SCIM tokens, the SCIM view of a client member, and what a SCIM request
//! may ask for.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::common::ids::{AccountId, UserId};
use crate::membership::model::{Membership, Role};
use crate::user::model::{Email, Locale, User};

/// The id of a SCIM token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScimTokenId(i64);

impl ScimTokenId {
    pub const fn new(raw: i64) -> Self {
        Self(raw)
    }
    pub const fn get(self) -> i64 {
        self.0
    }
}

/// A bearer token of one client account (R44). Its secret is shown once and
/// only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimToken {
    pub id: ScimTokenId,
    pub account_id: AccountId,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub struct NewScimToken {
    pub account_id: AccountId,
    pub token_hash: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

/// Who calls the SCIM endpoints: the account of a live token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScimCaller {
    pub account: AccountId,
    pub token: ScimTokenId,
}

/// R21, R44: whether a member is a SCIM user: a member of a client account
/// who does not represent a partner (partner admins always do).
pub fn is_scim_user(m: &Membership) -> bool {
    m.worker_kind.is_none() && m.partner_id.is_none() && m.role != Role::PartnerAdmin
}

/// A person's name parts, as the identity provider sent them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimName {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
}

impl ScimName {
    pub fn is_empty(&self) -> bool {
        self.formatted.is_none() && self.family_name.is_none() && self.given_name.is_none()
    }
}

/// One email address of a SCIM user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScimEmail {
    pub value: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub primary: bool,
}

/// What the identity provider keeps about a member in this account. A
/// member it never wrote has the record their user implies (`userName` and
/// the email are the user's email, the display name is the user's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimProfile {
    pub user_name: String,
    pub external_id: Option<String>,
    pub display_name: Option<String>,
    pub name: Option<ScimName>,
    pub emails: Vec<ScimEmail>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl ScimProfile {
    /// The record of a member the identity provider never wrote.
    pub fn implied(user: &User) -> Self {
        Self {
            user_name: user.email.as_str().to_string(),
            external_id: None,
            display_name: Some(user.name.clone()),
            name: None,
            emails: vec![ScimEmail { value: user.email.as_str().to_string(), kind: None, primary: true }],
            updated_at: None,
        }
    }

    /// The comparison key of `userName` (case-insensitive, RFC 7643).
    pub fn user_name_key(&self) -> String {
        self.user_name.to_lowercase()
    }

    /// The primary email's key (the first when none is primary).
    pub fn email_key(&self) -> String {
        primary_email(&self.emails).map(|e| e.value.to_lowercase()).unwrap_or_default()
    }
}

fn primary_email(emails: &[ScimEmail]) -> Option<&ScimEmail> {
    emails.iter().find(|e| e.primary).or_else(|| emails.first())
}

/// A SCIM user: the membership, its user and the SCIM record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimUser {
    pub membership: Membership,
    pub user: User,
    pub profile: ScimProfile,
    /// Whether the record is stored (else it is implied by the user).
    pub stored: bool,
}

/// A SCIM user as a request gives it (create, replace, or the result of a
/// patch), before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScimUserInput {
    pub user_name: Option<String>,
    pub external_id: Option<String>,
    pub display_name: Option<String>,
    pub name: Option<ScimName>,
    pub emails: Vec<ScimEmail>,
    /// Absent: active.
    pub active: Option<bool>,
    /// R55: `preferredLanguage` (else `locale`), a BCP 47 tag.
    pub language: Option<String>,
}

/// A validated SCIM user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidUser {
    pub profile: ScimProfile,
    /// The address that names the person (R44: unknown emails become users).
    pub email: Email,
    pub active: bool,
    /// R55: the user's locale, when the request names a language this
    /// product speaks (`fr-CA` is `FR`). Absent or another language: the
    /// user keeps theirs (EN for a new user); never a refusal, since
    /// identity providers send it for everyone.
    pub locale: Option<Locale>,
}

const MAX_TEXT: usize = 256;
/// The most email addresses a SCIM user has.
pub const MAX_EMAILS: usize = 10;

/// Why a list of more than [`MAX_EMAILS`] addresses is refused (the
/// `emails` field's message).
pub fn too_many_emails() -> String {
    format!("at most {MAX_EMAILS} email addresses")
}

fn text(field: &str, raw: Option<&str>) -> Result<Option<String>, (String, String)> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.chars().count() > MAX_TEXT || s.chars().any(char::is_control) => {
            Err((field.to_string(), format!("{field} has 1 to {MAX_TEXT} printable characters")))
        }
        Some(s) => Ok(Some(s.to_string())),
    }
}

impl ScimUserInput {
    /// Checks the input: a `userName`, valid email addresses (at most one
    /// primary), and an address for the person: the primary email, else the
    /// first, else `userName` when it is an address.
    /// Errors: the attribute at fault and why.
    pub fn validate(self) -> Result<ValidUser, (String, String)> {
        let user_name = text("userName", self.user_name.as_deref())?
            .ok_or_else(|| ("userName".to_string(), "userName is required".to_string()))?;
        let external_id = text("externalId", self.external_id.as_deref())?;
        let display_name = text("displayName", self.display_name.as_deref())?;
        let name = match self.name {
            None => None,
            Some(n) => {
                let n = ScimName {
                    formatted: text("name.formatted", n.formatted.as_deref())?,
                    family_name: text("name.familyName", n.family_name.as_deref())?,
                    given_name: text("name.givenName", n.given_name.as_deref())?,
                };
                (!n.is_empty()).then_some(n)
            }
        };
        if self.emails.len() > MAX_EMAILS {
            return Err(("emails".into(), too_many_emails()));
        }
        if self.emails.iter().filter(|e| e.primary).count() > 1 {
            return Err(("emails".into(), "at most one email is primary".into()));
        }
        let mut emails = Vec::new();
        for e in self.emails {
            let value = Email::parse(&e.value).map_err(|why| ("emails".to_string(), why.to_string()))?;
            let kind = text("emails.type", e.kind.as_deref())?;
            emails.push(ScimEmail { value: value.as_str().to_string(), kind, primary: e.primary });
        }
        let email = match primary_email(&emails) {
            Some(e) => Email::parse(&e.value).map_err(|why| ("emails".to_string(), why.to_string()))?,
            None => Email::parse(&user_name).map_err(|_| {
                ("emails".to_string(), "give an email address in emails, or a userName that is one".to_string())
            })?,
        };
        if emails.is_empty() {
            emails.push(ScimEmail { value: email.as_str().to_string(), kind: None, primary: true });
        }
        Ok(ValidUser {
            profile: ScimProfile { user_name, external_id, display_name, name, emails, updated_at: None },
            email,
            active: self.active.unwrap_or(true),
            locale: self.language.as_deref().and_then(Locale::from_language_tag),
        })
    }
}

impl ValidUser {
    /// The name of a new user: the display name, else the formatted name,
    /// else given and family names, else the email's local part.
    pub fn person_name(&self) -> String {
        let p = &self.profile;
        let joined = p.name.as_ref().map(|n| {
            [n.given_name.as_deref(), n.family_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ")
        });
        p.display_name
            .clone()
            .or_else(|| p.name.as_ref().and_then(|n| n.formatted.clone()))
            .or(joined.filter(|j| !j.is_empty()))
            .unwrap_or_else(|| self.email.as_str().split('@').next().unwrap_or("user").to_string())
            .chars()
            .take(200)
            .collect()
    }
}

/// A string attribute a list can be filtered on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScimAttr {
    UserName,
    Email,
    ExternalId,
    DisplayName,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScimMatch {
    Equals,
    Contains,
    StartsWith,
    EndsWith,
}

/// One comparison of a filter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ScimCondition {
    Text {
        attr: ScimAttr,
        op: ScimMatch,
        value: String,
    },
    /// `attr pr`: the attribute has a value.
    Present(ScimAttr),
    Active(bool),
}

/// A list filter: every condition holds (`and`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ScimFilter {
    pub all: Vec<ScimCondition>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(v: &str, primary: bool) -> ScimEmail {
        ScimEmail { value: v.into(), kind: Some("work".into()), primary }
    }

    #[test]
    fn the_person_is_named_by_the_primary_email_or_an_email_like_user_name() {
        // R44
        let v = ScimUserInput {
            user_name: Some("u-1".into()),
            emails: vec![email("a@x.com", false), email("B@x.com", true)],
            ..Default::default()
        }
        .validate();
        assert_eq!(v.map(|v| v.email.key()), Ok("b@x.com".to_string()));
        let v = ScimUserInput { user_name: Some("c@x.com".into()), ..Default::default() }.validate();
        assert_eq!(v.map(|v| (v.email.key(), v.active)), Ok(("c@x.com".to_string(), true)));
        let v = ScimUserInput { user_name: Some("no-address".into()), ..Default::default() }.validate();
        assert_eq!(v.map_err(|e| e.0), Err("emails".to_string()));
    }

    #[test]
    fn partner_users_and_partner_admins_are_never_scim_users() {
        // R21, R44
        use crate::common::ids::MembershipId;
        use crate::membership::model::{MemberStatus, Seat};
        use crate::permission::Permissions;
        let member = |role: Role, partner: Option<i64>| Membership {
            id: MembershipId::new(1),
            account_id: AccountId::new(1),
            user_id: UserId::new(1),
            role,
            seat: Seat::Core,
            status: MemberStatus::Active,
            permissions: Permissions::empty(),
            permission_set_id: None,
            partner_id: partner.map(AccountId::new),
            managed_credit: false,
            worker_kind: None,
            expires_at: None,
            created_at: DateTime::<Utc>::default(),
        };
        assert!(!is_scim_user(&member(Role::PartnerAdmin, Some(2))));
        assert!(!is_scim_user(&member(Role::PartnerAdmin, None)));
        assert!(!is_scim_user(&member(Role::Standard, Some(2))));
        assert!(is_scim_user(&member(Role::Standard, None)));
        assert!(is_scim_user(&member(Role::SuperAdmin, None)));
    }

    #[test]
    fn a_user_name_is_required_and_one_email_at_most_is_primary() {
        assert!(ScimUserInput::default().validate().is_err());
        let two = ScimUserInput {
            user_name: Some("x".into()),
            emails: vec![email("a@x.com", true), email("b@x.com", true)],
            ..Default::default()
        };
        assert!(two.validate().is_err());
    }
}
