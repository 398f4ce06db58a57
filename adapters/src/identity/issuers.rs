//! The trusted OpenID Connect issuers of `CAM_OIDC_ISSUERS` (R50): each
//! with the audience its tokens must name and the email domains it speaks
//! for.

use std::net::IpAddr;

use cam_domain::account::model::EmailDomain;
use cam_domain::user::model::Email;
use url::{Host, Url};

/// One trusted issuer of `CAM_OIDC_ISSUERS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerSettings {
    /// Compared exactly with the token's `iss`.
    pub issuer: String,
    /// Must be one of the token's `aud`.
    pub audience: String,
    /// The only email domains this issuer speaks for (nOAuth).
    pub domains: Vec<EmailDomain>,
}

/// Parses `CAM_OIDC_ISSUERS`: comma-separated entries
/// `<issuer URL> <audience> <email domain> [<email domain> …]`.
/// Errors: what is wrong with which entry (nothing secret is in it).
pub fn parse_issuers(raw: &str) -> Result<Vec<IssuerSettings>, String> {
    let mut out: Vec<IssuerSettings> = Vec::new();
    for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let mut words = entry.split_whitespace();
        let (Some(issuer), Some(audience)) = (words.next(), words.next()) else {
            return Err(format!("{entry:?}: expected <issuer URL> <audience> <email domain> [<email domain> …]"));
        };
        let url = Url::parse(issuer).map_err(|_| format!("{issuer:?} is not a URL"))?;
        allowed_url(&url).map_err(|why| format!("{issuer:?}: {why}"))?;
        let domains = words
            .map(|d| EmailDomain::parse(d).map_err(|e| format!("{issuer:?}: email domain {d:?}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        if domains.is_empty() {
            return Err(format!("{issuer:?}: name the email domains this issuer speaks for"));
        }
        if out.iter().any(|o| o.issuer == issuer) {
            return Err(format!("{issuer:?} is listed twice"));
        }
        out.push(IssuerSettings { issuer: issuer.to_string(), audience: audience.to_string(), domains });
    }
    Ok(out)
}

/// https, or http on a loopback address (tests).
pub(crate) fn allowed_url(url: &Url) -> Result<(), &'static str> {
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => return Err("the URL has no host"),
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err("an http:// issuer is allowed only on a loopback address; use https://"),
        _ => Err("must be an https:// URL"),
    }
}

impl IssuerSettings {
    /// nOAuth: whether this issuer speaks for the email's domain.
    pub fn speaks_for(&self, email: &Email) -> bool {
        self.domains.iter().any(|d| d.as_str() == email.domain())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_are_read_with_their_audience_and_domains() {
        // R50
        let got = parse_issuers(
            "https://login.example.com/ cam-api agency.com Agency.IO, http://127.0.0.1:9999 aud2 other.com",
        )
        .unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].issuer, "https://login.example.com/");
        assert_eq!(got[0].audience, "cam-api");
        assert_eq!(got[0].domains.iter().map(EmailDomain::as_str).collect::<Vec<_>>(), ["agency.com", "agency.io"]);
        assert!(parse_issuers("").unwrap().is_empty());
    }

    #[test]
    fn an_http_issuer_is_refused_unless_on_loopback_and_every_issuer_names_its_domains() {
        // R50
        assert!(parse_issuers("http://login.example.com aud agency.com").is_err());
        assert!(parse_issuers("http://localhost:8080 aud agency.com").is_ok());
        assert!(parse_issuers("http://[::1]:8080 aud agency.com").is_ok());
        assert!(parse_issuers("https://login.example.com aud").is_err());
        assert!(parse_issuers("https://login.example.com").is_err());
        assert!(parse_issuers("ftp://login.example.com aud agency.com").is_err());
        assert!(parse_issuers("https://a.example aud agency.com, https://a.example aud agency.com").is_err());
        assert!(parse_issuers("https://a.example aud not_a_domain").is_err());
    }
}
