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
        let domain_ok = super::email_domain::EmailDomain::parse(domain).is_ok() && domain == domain.trim();
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
    /// R55: the language the user reads (emails, the approval page).
    pub locale: Locale,
}

crate::string_enum! {
    /// R55: the languages of the product's help articles.
    pub enum Locale { En = "EN", Fr = "FR", De = "DE", It = "IT", Ja = "JA" }
}

// `string_enum!` takes no attribute on a variant, so no `#[default]`.
#[allow(clippy::derivable_impls)]
impl Default for Locale {
    fn default() -> Self {
        Locale::En
    }
}

impl Locale {
    /// The BCP 47 language tag (`Content-Language`, `<html lang>`).
    pub fn language_tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
            Locale::De => "de",
            Locale::It => "it",
            Locale::Ja => "ja",
        }
    }

    /// The locale of a BCP 47 tag as identity providers send it (`fr`,
    /// `fr-CA`, `de_DE`, `ja-JP`, any case): its primary language subtag.
    /// `None` for a language this product does not speak.
    pub fn from_language_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Locale::ALL.iter().copied().find(|l| l.language_tag() == primary)
    }
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

    #[test]
    fn language_tags_name_a_locale_by_their_primary_subtag() {
        // R55
        let of = Locale::from_language_tag;
        assert_eq!(
            [of("fr"), of("fr-CA"), of("de-DE"), of("ja-JP"), of("IT"), of("en_US")],
            [
                Some(Locale::Fr),
                Some(Locale::Fr),
                Some(Locale::De),
                Some(Locale::Ja),
                Some(Locale::It),
                Some(Locale::En)
            ]
        );
        assert_eq!([of("es-ES"), of(""), of("french")], [None, None, None]);
        assert_eq!(Locale::default().as_str(), "EN");
    }
}
