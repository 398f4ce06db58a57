//! `SmtpMailer`: delivers an outbox email through an SMTP server with
//! `lettre` (async, tokio, rustls), as a MIME message with a text and an
//! HTML alternative, `Subject`, `From`, `To`, `Date` and a `Message-ID`
//! derived from the outbox id, so that a repeated delivery (R42 is
//! at-least-once) carries the same id and receivers can tell. It says the
//! language it is written in (R55): `Content-Language` and `<html lang>`.

use std::time::Duration;

use async_trait::async_trait;
use cam_domain::notify::model::OutboxEmail;
use cam_domain::notify::ports::{MailError, MailFailure, Mailer};
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// The longest one delivery may take, from connecting to the server's
/// answer to the message: every SMTP step (the greeting included) is under
/// this deadline, which fires whatever the server does.
pub const SEND_TIMEOUT_SECONDS: u64 = 20;

/// How to reach the SMTP server, parsed from `CAM_SMTP_URL`.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub credentials: Option<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtp://`: plain (a local relay).
    Plain,
    /// `smtp://…?tls=starttls` (or `required`): STARTTLS, refused without it.
    StartTls,
    /// `smtp://…?tls=opportunistic`: STARTTLS when offered.
    Opportunistic,
    /// `smtps://`: TLS from the first byte.
    Wrapper,
}

impl std::fmt::Debug for SmtpSettings {
    // Never the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|c| &c.0))
            .finish()
    }
}

impl SmtpSettings {
    /// Parses `smtp://[user:password@]host[:port][?tls=starttls|required|opportunistic]`
    /// or `smtps://…`. Errors: what is wrong, without the password.
    pub fn parse(s: &str) -> Result<Self, String> {
        let url = url::Url::parse(s).map_err(|e| format!("not a URL: {e}"))?;
        let wrapper = match url.scheme() {
            "smtp" => false,
            "smtps" => true,
            _ => return Err("must be an smtp:// or smtps:// URL".into()),
        };
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or("has no host")?.to_string();
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        let mut security = if wrapper { Security::Wrapper } else { Security::Plain };
        for (k, v) in url.query_pairs() {
            match (k.as_ref(), v.as_ref(), wrapper) {
                ("tls", "starttls" | "required", false) => security = Security::StartTls,
                ("tls", "opportunistic", false) => security = Security::Opportunistic,
                ("tls", "none", false) => security = Security::Plain,
                ("tls", _, true) => {}
                _ => return Err(format!("unknown setting {k}={v} (tls=starttls|required|opportunistic|none)")),
            }
        }
        let port = url.port().unwrap_or(match security {
            Security::Wrapper => 465,
            Security::StartTls | Security::Opportunistic => 587,
            Security::Plain => 25,
        });
        let credentials = if url.username().is_empty() {
            None
        } else {
            let decode = |x: &str| percent_decode(x);
            Some((decode(url.username()), decode(url.password().unwrap_or(""))))
        };
        Ok(Self { host, port, security, credentials })
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Delivers through one SMTP server, as one sender.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The domain of `Message-ID`s: the sender's.
    id_domain: String,
    /// The deadline of one delivery.
    timeout: Duration,
}

impl SmtpMailer {
    /// `from` is `Name <address>` or an address. Errors: a setting that
    /// cannot be used (a bad sender, TLS that cannot be set up).
    pub fn new(settings: &SmtpSettings, from: &str) -> Result<Self, String> {
        Self::with_timeout(settings, from, Duration::from_secs(SEND_TIMEOUT_SECONDS))
    }

    /// As `new`, with another deadline for one delivery.
    pub fn with_timeout(settings: &SmtpSettings, from: &str, timeout: Duration) -> Result<Self, String> {
        let from: Mailbox = from.parse().map_err(|e| format!("CAM_SMTP_FROM {from:?} is not an address: {e}"))?;
        let tls = |host: &str| TlsParameters::new(host.to_string()).map_err(|e| format!("TLS: {e}"));
        let tls = match settings.security {
            Security::Plain => Tls::None,
            Security::StartTls => Tls::Required(tls(&settings.host)?),
            Security::Opportunistic => Tls::Opportunistic(tls(&settings.host)?),
            Security::Wrapper => Tls::Wrapper(tls(&settings.host)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.as_str())
            .port(settings.port)
            .tls(tls)
            .timeout(Some(timeout));
        if let Some((user, password)) = &settings.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let id_domain = from.email.domain().to_string();
        Ok(Self { transport: builder.build(), from, id_domain, timeout })
    }

    /// The MIME message of an outbox email. Errors: an address that cannot
    /// be used.
    pub fn message(&self, email: &OutboxEmail) -> Result<Message, String> {
        let to: Mailbox = email.to.parse().map_err(|e| format!("recipient is not an address: {e}"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .raw_header(super::header::subject(&email.subject))
            .message_id(Some(format!("<cam-outbox-{}@{}>", email.id, self.id_domain)))
            .date_now()
            .header(ContentLanguage(email.locale.language_tag()))
            .multipart(MultiPart::alternative_plain_html(
                email.body.clone(),
                html(email.locale.language_tag(), &email.subject, &email.body),
            ))
            .map_err(|e| format!("cannot build the message: {e}"))
    }
}

/// R55: the `Content-Language` header (RFC 3282).
#[derive(Debug, Clone)]
struct ContentLanguage(&'static str);

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        cam_domain::user::model::Locale::ALL
            .iter()
            .map(|l| l.language_tag())
            .find(|t| t.eq_ignore_ascii_case(s.trim()))
            .map(ContentLanguage)
            .ok_or_else(|| format!("not a language of ours: {s}").into())
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.to_string())
    }
}

/// The HTML alternative of a plain-text body in the language `lang`:
/// paragraphs, line breaks, links (R56: a line that is an http(s) URL),
/// everything escaped.
pub fn html(lang: &str, subject: &str, body: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
    };
    let line = |l: &str| {
        let url = l.trim();
        if (url.starts_with("https://") || url.starts_with("http://")) && !url.contains(char::is_whitespace) {
            format!("<a href=\"{0}\">{0}</a>", escape(url))
        } else {
            escape(l)
        }
    };
    let paragraphs: Vec<String> = body
        .split("\n\n")
        .map(str::trim_end)
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", p.lines().map(line).collect::<Vec<_>>().join("<br>\n")))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n{}\n</body></html>\n",
        escape(lang),
        escape(subject),
        paragraphs.join("\n")
    )
}

/// The server's answer (`550 5.1.1 User unknown`) decides: 5xx is for
/// good (R57), 4xx is for later; anything else (refused, reset, timed out,
/// TLS) means the server was not reached.
fn failure(e: &lettre::transport::smtp::Error) -> MailFailure {
    if e.is_permanent() {
        MailFailure::Permanent
    } else if e.is_transient() {
        MailFailure::Deferred
    } else {
        MailFailure::Unreachable
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the SMTP server did not finish within {0:?}")]
struct TimedOut(Duration);

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, email: &OutboxEmail) -> Result<(), MailError> {
        let message = self.message(email).map_err(|why| MailError::new(MailFailure::Permanent, why))?;
        match tokio::time::timeout(self.timeout, self.transport.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(MailError::new(failure(&e), e)),
            Err(_) => Err(MailError::new(MailFailure::Unreachable, TimedOut(self.timeout))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_name_host_port_security_and_credentials() {
        // R42
        let s = SmtpSettings::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((s.host.as_str(), s.port, s.security, s.credentials), ("127.0.0.1", 2525, Security::Plain, None));
        let s = SmtpSettings::parse("smtp://mail.example.com?tls=starttls").unwrap();
        assert_eq!((s.port, s.security), (587, Security::StartTls));
        let s = SmtpSettings::parse("smtps://ann%40x.com:p%2Fw@mail.example.com").unwrap();
        assert_eq!((s.port, s.security), (465, Security::Wrapper));
        assert_eq!(s.credentials, Some(("ann@x.com".to_string(), "p/w".to_string())));
        assert!(!format!("{s:?}").contains("p/w"), "the password is never printed");
        assert!(SmtpSettings::parse("http://x").is_err());
        assert!(SmtpSettings::parse("smtp://x?tls=maybe").is_err());
    }

    // The transport's connection pool lives on a tokio runtime.
    #[tokio::test]
    async fn a_message_has_both_alternatives_and_every_header() {
        // R42
        let s = SmtpSettings::parse("smtp://127.0.0.1:2525").unwrap();
        let m = SmtpMailer::new(&s, "Client Access Manager <no-reply@cam.example>").unwrap();
        let email = OutboxEmail {
            id: 42,
            kind: "notice".into(),
            to: "ana@agency.example".into(),
            locale: cam_domain::user::model::Locale::Fr,
            subject: "Acme <approved> your access".into(),
            body: "Hello Ana,\n\nOlivia approved & more.\nSecond line.\n".into(),
            created_at: chrono::Utc::now(),
            sent_at: None,
            status: cam_domain::notify::model::EmailStatus::Queued,
            attempts: 0,
            last_error: None,
            failing_since: None,
        };
        let text = String::from_utf8(m.message(&email).unwrap().formatted()).unwrap();
        for header in ["From: ", "To: ", "Subject: ", "Date: ", "Message-ID: <cam-outbox-42@cam.example>"] {
            assert!(text.contains(header), "{header} in {text}");
        }
        assert!(text.contains("multipart/alternative"));
        assert!(text.contains("text/plain") && text.contains("text/html"));
        assert!(html("en", "S", &email.body).contains("<p>Olivia approved &amp; more.<br>\nSecond line.</p>"));
        // R55: the language it is written in.
        assert!(text.contains("Content-Language: fr\r\n"), "{text}");
        assert!(text.contains("<html lang=3D\"fr\">") || text.contains("<html lang=\"fr\">"), "{text}");
        // R56: a link is a link.
        let linked = html("en", "S", "See it:\nhttps://app.example/clients/Q2xp?a=1&b=2\n");
        assert!(linked.contains("<a href=\"https://app.example/clients/Q2xp?a=1&amp;b=2\">"), "{linked}");
    }
}
