//! Users and their email addresses.

use crate::common::ids::UserId;

/// An email address, kept as typed; compared by its lower-cased form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let e = raw.trim();
        if e.len() > 254 {
            return Err("an email address has at most 254 characters".into());
        }
        let Some((local, domain)) = e.rsplit_once('@') else {
            return Err(format!("'{e}' is not an email address"));
        };
        let domain_ok = crate::account::model::EmailDomain::parse(domain).is_ok() && domain == domain.trim();
        if local.is_empty()
            || local.len() > 64
            || local.contains('@')
            || local.chars().any(|c| c.is_whitespace() || c.is_control())
            || !domain_ok
        {
            return Err(format!("'{e}' is not an email address"));
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

/// A display name: trimmed, 1 to 200 characters.
pub fn parse_person_name(raw: &str) -> Result<String, String> {
    let n = raw.trim();
    if n.is_empty() || n.chars().count() > 200 || n.chars().any(char::is_control) {
        return Err("a name has 1 to 200 printable characters".into());
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
