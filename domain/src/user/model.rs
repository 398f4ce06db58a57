//! Users and their email addresses.

use crate::common::ids::UserId;

/// An email address, kept as typed; compared by its lower-cased form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why a text is not an email address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidEmail {
    #[error("an email address has at most 254 characters")]
    TooLong,
    #[error("'{0}' is not an email address")]
    NotAnAddress(String),
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let e = raw.trim();
        if e.len() > 254 {
            return Err(InvalidEmail::TooLong);
        }
        let Some((local, domain)) = e.rsplit_once('@') else {
            return Err(InvalidEmail::NotAnAddress(e.to_string()));
        };
        let domain_ok = crate::account::model::EmailDomain::parse(domain).is_ok() && domain == domain.trim();
        if local.is_empty()
            || local.len() > 64
            || local.contains('@')
            || local.chars().any(|c| c.is_whitespace() || c.is_control())
            || !domain_ok
        {
            return Err(InvalidEmail::NotAnAddress(e.to_string()));
        }
        Ok(Self(e.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The comparison key: the whole address lower-cased.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
    /// The domain, lower-cased (R4: compared case-insensitively, exact match).
    pub fn domain(&self) -> String {
        self.0.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase()).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: String,
}

/// A name that is empty, too long or not printable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a name has 1 to 200 printable characters")]
pub struct InvalidName;

/// A display name: trimmed, 1 to 200 characters.
pub fn parse_person_name(raw: &str) -> Result<String, InvalidName> {
    let n = raw.trim();
    if n.is_empty() || n.chars().count() > 200 || n.chars().any(char::is_control) {
        return Err(InvalidName);
    }
    Ok(n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_compare_case_insensitively_and_expose_their_domain() {
        let e = Email::parse("Ana@Agency.COM").map_err(|e| e.to_string());
        assert_eq!(e.as_ref().map(|e| e.key()), Ok("ana@agency.com".to_string()));
        assert_eq!(e.as_ref().map(|e| e.domain()), Ok("agency.com".to_string()));
        assert!(Email::parse("no-at-sign").is_err());
        assert!(Email::parse("a b@x.com").is_err());
        assert!(Email::parse("a@localhost").is_err());
    }
}
