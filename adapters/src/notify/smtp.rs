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
use lettre::transport::smtp::AsyncSmtpTransportBuilder;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use url::Url;

/// The longest one delivery may take, from connecting to the server's
/// answer to the message: every SMTP step (the greeting included) is under
/// this deadline, which fires whatever the server does.
pub const SEND_TIMEOUT_SECONDS: u64 = 20;

/// How to reach the SMTP server: `CAM_SMTP_URL`, checked, in the form
/// lettre's `from_url` reads (which then sets host, port, TLS and
/// credentials).
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// `smtp://` with lettre's `tls=required` or `tls=opportunistic`, or
    /// none; or `smtps://`. No path (lettre would send it as the EHLO name).
    url: Url,
}

impl std::fmt::Debug for SmtpSettings {
    // Never the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut url = self.url.clone();
        if url.password().is_some() {
            let _ = url.set_password(Some("***"));
        }
        f.debug_struct("SmtpSettings").field("url", &url.as_str()).finish()
    }
}

impl SmtpSettings {
    /// Parses `smtp://[user:password@]host[:port][?tls=starttls|required|opportunistic|none]`
    /// or `smtps://…`: port 25 plain, 587 with STARTTLS, 465 for `smtps`
    /// unless given; `user` and `password` percent-encoded. Errors: what is
    /// wrong, without the password.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut url = Url::parse(s).map_err(|e| format!("not a URL: {e}"))?;
        let smtps = match url.scheme() {
            "smtp" => false,
            "smtps" => true,
            _ => return Err("must be an smtp:// or smtps:// URL".into()),
        };
        match url.host() {
            None => return Err("has no host".into()),
            Some(url::Host::Domain("")) => return Err("has no host".into()),
            // lettre's `from_url` resolves the bracketed text by name.
            Some(url::Host::Ipv6(_)) => return Err("names an IPv6 address; name the host instead".into()),
            Some(_) => {}
        }
        // Our `starttls` is lettre's `required`, our `none` no `tls` at all;
        // `smtps` is TLS from the first byte whatever `tls` says.
        let mut tls = None;
        for (k, v) in url.query_pairs() {
            match (k.as_ref(), v.as_ref(), smtps) {
                ("tls", "starttls" | "required", false) => tls = Some("required"),
                ("tls", "opportunistic", false) => tls = Some("opportunistic"),
                ("tls", "none", false) => tls = None,
                ("tls", _, true) => {}
                _ => return Err(format!("unknown setting {k}={v} (tls=starttls|required|opportunistic|none)")),
            }
        }
        url.set_query(None);
        if let Some(tls) = tls {
            url.query_pairs_mut().append_pair("tls", tls);
        }
        url.set_path("");
        Ok(Self { url })
    }

    /// lettre's transport for these settings, each delivery step within
    /// `timeout`. Errors: TLS that cannot be set up for the host.
    fn transport(&self, timeout: Duration) -> Result<AsyncSmtpTransportBuilder, String> {
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(self.url.as_str())
            .map_err(|e| format!("TLS: {e}"))?
            .timeout(Some(timeout));
        // lettre takes credentials only with a password; a user alone
        // signs in with an empty one, as it always has here.
        if self.url.password().is_none() && !self.url.username().is_empty() {
            let user = percent_encoding::percent_decode_str(self.url.username()).decode_utf8_lossy();
            builder = builder.credentials(Credentials::new(user.into_owned(), String::new()));
        }
        Ok(builder)
    }
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
        let transport = settings.transport(timeout)?.build();
        let id_domain = from.email.domain().to_string();
        Ok(Self { transport, from, id_domain, timeout })
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

    /// What lettre makes of a URL: its transport's settings, as it
    /// prints them (never the credentials themselves).
    fn transport_of(url: &str) -> String {
        let s = SmtpSettings::parse(url).unwrap();
        format!("{:?}", s.transport(Duration::from_secs(1)).unwrap())
    }

    #[test]
    fn smtp_urls_name_host_port_security_and_credentials() {
        // R42
        let t = transport_of("smtp://127.0.0.1:2525");
        assert!(t.contains(r#"server: "127.0.0.1", port: 2525, tls: None"#), "{t}");
        assert!(t.contains("credentials: None"), "{t}");
        let t = transport_of("smtp://mail.example.com?tls=starttls");
        assert!(t.contains(r#"server: "mail.example.com", port: 587, tls: Required"#), "{t}");
        let t = transport_of("smtp://mail.example.com:2587?tls=required");
        assert!(t.contains("port: 2587, tls: Required"), "{t}");
        let t = transport_of("smtp://mail.example.com?tls=opportunistic");
        assert!(t.contains("port: 587, tls: Opportunistic"), "{t}");
        let t = transport_of("smtp://mail.example.com?tls=none");
        assert!(t.contains("port: 25, tls: None"), "{t}");
        let t = transport_of("smtps://ann%40x.com:p%2Fw@mail.example.com");
        assert!(t.contains(r#"server: "mail.example.com", port: 465, tls: Wrapper"#), "{t}");
        assert!(t.contains("credentials: Some(Credentials)"), "{t}");
        let t = transport_of("smtp://ann@mail.example.com:2525");
        assert!(t.contains("credentials: Some(Credentials)"), "{t}");
        // A path is no EHLO name here.
        let t = transport_of("smtp://mail.example.com/relay.example");
        assert!(!t.contains("relay.example"), "{t}");
        let s = SmtpSettings::parse("smtps://ann%40x.com:p%2Fw@mail.example.com").unwrap();
        assert!(!format!("{s:?}").contains("p%2Fw"), "the password is never printed: {s:?}");
        for bad in ["http://x", "smtp://x?tls=maybe", "smtp://x?port=1", "smtp://", "not a url"] {
            assert!(SmtpSettings::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(SmtpSettings::parse("http://x").unwrap_err(), "must be an smtp:// or smtps:// URL");
        assert_eq!(
            SmtpSettings::parse("smtp://x?tls=maybe").unwrap_err(),
            "unknown setting tls=maybe (tls=starttls|required|opportunistic|none)"
        );
        // lettre would look the bracketed address up by name and fail at
        // every delivery: refused at startup instead, with the reason.
        assert_eq!(
            SmtpSettings::parse("smtp://[::1]:2525").unwrap_err(),
            "names an IPv6 address; name the host instead"
        );
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
