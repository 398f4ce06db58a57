//! Partner email-domain verification (R3, R4).

use std::collections::HashSet;

use async_trait::async_trait;
use cam_domain::account::model::EmailDomain;
use cam_domain::account::ports::DomainRepository;
use cam_domain::identity::DomainVerifier;
use cam_domain::user::model::Email;
use cam_domain::{AccountId, StorageError};

/// Shared public mail domains that can never be a partner's (R3).
const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "ymail.com",
    "rocketmail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "aim.com",
    "protonmail.com",
    "proton.me",
    "pm.me",
    "gmx.com",
    "gmx.net",
    "gmx.de",
    "web.de",
    "mail.com",
    "email.com",
    "zoho.com",
    "zohomail.com",
    "yandex.com",
    "yandex.ru",
    "mail.ru",
    "inbox.ru",
    "list.ru",
    "bk.ru",
    "qq.com",
    "163.com",
    "126.com",
    "sina.com",
    "hey.com",
    "fastmail.com",
    "fastmail.fm",
    "tutanota.com",
    "tuta.io",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "laposte.net",
    "sfr.fr",
    "t-online.de",
    "freenet.de",
    "libero.it",
    "virgilio.it",
    "naver.com",
    "daum.net",
    "hanmail.net",
    "rediffmail.com",
    "comcast.net",
    "verizon.net",
    "att.net",
    "sbcglobal.net",
    "bellsouth.net",
    "cox.net",
    "btinternet.com",
    "sky.com",
    "seznam.cz",
    "wp.pl",
    "o2.pl",
    "interia.pl",
    "uol.com.br",
    "bol.com.br",
];

/// Providers with a public domain in many countries (`yahoo.co.uk`,
/// `hotmail.fr`, `outlook.com.br`, …).
const PUBLIC_MAIL_BRANDS: &[&str] = &[
    "gmail",
    "googlemail",
    "yahoo",
    "ymail",
    "hotmail",
    "outlook",
    "live",
    "msn",
    "icloud",
    "aol",
    "gmx",
    "yandex",
    "protonmail",
];

/// R3: is this a shared public mail domain?
pub fn is_public_mail_domain(domain: &EmailDomain) -> bool {
    let d = domain.as_str();
    if PUBLIC_MAIL_DOMAINS.contains(&d) {
        return true;
    }
    let Some((brand, rest)) = d.split_once('.') else { return false };
    // A brand followed by a country or generic suffix only (`co.uk`, `fr`).
    PUBLIC_MAIL_BRANDS.contains(&brand) && rest.split('.').count() <= 2 && rest.split('.').all(|l| l.len() <= 3)
}

fn verified_among(domains: &[String], emails: &[Email]) -> HashSet<String> {
    emails.iter().filter(|e| domains.iter().any(|d| *d == e.domain())).map(Email::key).collect()
}

/// Reads the partner's verified domains from the database, through the
/// repository the caller passes (inside a use case, its transaction: the
/// verifier never takes a pool connection of its own).
#[derive(Debug, Default, Clone, Copy)]
pub struct DbDomainVerifier;

#[async_trait]
impl DomainVerifier for DbDomainVerifier {
    fn is_public_mail_domain(&self, domain: &EmailDomain) -> bool {
        is_public_mail_domain(domain)
    }

    async fn verified_emails(
        &self,
        repo: &dyn DomainRepository,
        partner: AccountId,
        emails: &[Email],
    ) -> Result<HashSet<String>, StorageError> {
        let domains = repo.domains_of(&[partner]).await?.remove(&partner).unwrap_or_default();
        Ok(verified_among(&domains, emails))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn d(s: &str) -> EmailDomain {
        EmailDomain::parse(s).unwrap()
    }

    /// Verified domains kept in memory, as a transaction would answer them.
    struct Domains(HashMap<AccountId, Vec<String>>);

    #[async_trait]
    impl DomainRepository for Domains {
        async fn insert_domain(
            &self,
            _: AccountId,
            _: &EmailDomain,
            _: chrono::DateTime<chrono::Utc>,
        ) -> Result<(), StorageError> {
            Ok(())
        }
        async fn domain_owner(&self, _: &EmailDomain) -> Result<Option<AccountId>, StorageError> {
            Ok(None)
        }
        async fn domains_of(&self, partners: &[AccountId]) -> Result<HashMap<AccountId, Vec<String>>, StorageError> {
            Ok(self.0.iter().filter(|(p, _)| partners.contains(p)).map(|(p, d)| (*p, d.clone())).collect())
        }
    }

    #[test]
    fn public_mail_domains_are_recognised_in_any_case_and_country() {
        // R3
        for p in ["gmail.com", "Outlook.com", "yahoo.co.uk", "hotmail.fr", "icloud.com"] {
            assert!(is_public_mail_domain(&d(p)), "{p}");
        }
        for p in ["agency.com", "gmail.agency.io", "livestream-agency.com", "outlook-partners.com"] {
            assert!(!is_public_mail_domain(&d(p)), "{p}");
        }
    }

    #[tokio::test]
    async fn verification_is_an_exact_case_insensitive_domain_match() {
        // R4: no sub-domain tricks.
        let p = AccountId::new(1);
        let repo = Domains(HashMap::from([(p, vec!["agency.com".to_string()])]));
        let emails: Vec<Email> = ["a@AGENCY.com", "b@mail.agency.com", "c@agency.com.evil.io", "d@notagency.com"]
            .iter()
            .map(|e| Email::parse(e).unwrap())
            .collect();
        let ok = DbDomainVerifier.verified_emails(&repo, p, &emails).await.unwrap();
        assert_eq!(ok, HashSet::from(["a@agency.com".to_string()]));
        assert!(DbDomainVerifier.verified_emails(&repo, AccountId::new(2), &emails).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn the_database_verifier_reads_the_domains_through_the_repository_it_is_given() {
        // R4: the caller's transaction answers, not a connection of the verifier's own.
        let p = AccountId::new(1);
        let tx = Domains(HashMap::from([(p, vec!["agency.com".to_string()])]));
        let emails = vec![Email::parse("a@agency.com").unwrap(), Email::parse("b@other.com").unwrap()];
        let ok = DbDomainVerifier.verified_emails(&tx, p, &emails).await.unwrap();
        assert_eq!(ok, HashSet::from(["a@agency.com".to_string()]));
    }
}
