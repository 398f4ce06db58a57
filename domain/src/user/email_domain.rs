//! The domain part of an email address (R4, R52).

/// A DNS email domain, lower-cased: `agency.com`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailDomain(String);

/// Why a text is not an email domain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidDomain {
    #[error("a domain has 1 to 253 characters")]
    Length,
    #[error("a domain has at least two labels, like agency.com")]
    OneLabel,
    #[error("'{0}' is not a valid domain")]
    BadLabel(String),
}

impl EmailDomain {
    pub fn parse(raw: &str) -> Result<Self, InvalidDomain> {
        let d = raw.trim().trim_end_matches('.').to_ascii_lowercase();
        if d.is_empty() || d.len() > 253 {
            return Err(InvalidDomain::Length);
        }
        let labels: Vec<&str> = d.split('.').collect();
        if labels.len() < 2 {
            return Err(InvalidDomain::OneLabel);
        }
        for l in &labels {
            let ok = !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-');
            if !ok {
                return Err(InvalidDomain::BadLabel(raw.to_string()));
            }
        }
        Ok(Self(d))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_lower_cased_and_validated() {
        assert_eq!(EmailDomain::parse(" Agency.COM ").map(|d| d.0), Ok("agency.com".into()));
        assert!(EmailDomain::parse("localhost").is_err());
        assert!(EmailDomain::parse("bad_domain.com").is_err());
        assert!(EmailDomain::parse("a..com").is_err());
        assert!(EmailDomain::parse("@agency.com").is_err());
    }
}
