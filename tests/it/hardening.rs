//! Findings of the hardening round (issue 28) that belong to no other
//! file: headers that user-chosen names reach, and pages that other sites
//! could frame.

use axum::body::Body;
use axum::http::{header, Request};
use cam_adapters::notify::smtp::{SmtpMailer, SmtpSettings};
use cam_domain::notify::model::{EmailStatus, OutboxEmail};
use cam_tests::*;
use tower::ServiceExt;

fn email_with_subject(subject: &str) -> OutboxEmail {
    OutboxEmail {
        id: 7,
        kind: "notice".into(),
        to: "ana@agency.example".into(),
        subject: subject.into(),
        body: "Hello".into(),
        created_at: t0(),
        sent_at: None,
        status: EmailStatus::Queued,
        attempts: 0,
        last_error: None,
        failing_since: None,
        locale: cam_domain::user::model::Locale::En,
    }
}

/// The `Subject:` header of a formatted message, unfolded.
fn subject_header(message: &str) -> String {
    let start = message.find("\r\nSubject: ").expect("a Subject header") + 2;
    let mut header = String::new();
    for (i, line) in message[start..].split("\r\n").enumerate() {
        match (i, line.strip_prefix(' ')) {
            (0, _) => header.push_str(line.trim_start_matches("Subject: ")),
            (_, Some(rest)) => {
                header.push(' ');
                header.push_str(rest);
            }
            _ => break,
        }
    }
    header
}

fn base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
    for c in text.bytes().filter(|c| *c != b'=') {
        acc = (acc << 6) | ALPHABET.iter().position(|a| *a == c).expect("base64") as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn quoted_printable(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'_' => out.push(b' '),
            b'=' => {
                let hex: String = [bytes.next().unwrap(), bytes.next().unwrap()].iter().map(|b| *b as char).collect();
                out.push(u8::from_str_radix(&hex, 16).unwrap());
            }
            b => out.push(b),
        }
    }
    out
}

/// What a mail reader shows for a header (RFC 2047 §6: encoded words are
/// decoded, and white space between two of them is dropped).
fn as_a_mail_reader_shows_it(header: &str) -> String {
    let mut shown = String::new();
    let mut last_was_encoded = false;
    for (i, word) in header.split(' ').enumerate() {
        let parts: Vec<&str> = word.split('?').collect();
        let decoded = match parts.as_slice() {
            ["=", _charset, enc, text, "="] if enc.eq_ignore_ascii_case("b") => Some(base64(text)),
            ["=", _charset, enc, text, "="] if enc.eq_ignore_ascii_case("q") => Some(quoted_printable(text)),
            _ => None,
        };
        match decoded {
            Some(bytes) => {
                if i > 0 && !last_was_encoded {
                    shown.push(' ');
                }
                shown.push_str(&String::from_utf8(bytes).unwrap());
                last_was_encoded = true;
            }
            None => {
                if i > 0 {
                    shown.push(' ');
                }
                shown.push_str(word);
                last_was_encoded = false;
            }
        }
    }
    shown
}

// The transport's connection pool lives on a tokio runtime.
#[tokio::test]
async fn a_name_holding_an_encoded_word_reaches_the_subject_as_the_text_it_is() {
    // R42: names are the users' own text; a mail reader must show them as
    // typed, never decode them into a line break or another header.
    let settings = SmtpSettings::parse("smtp://127.0.0.1:2525").unwrap();
    let mailer = SmtpMailer::new(&settings, "Client Access Manager <no-reply@cam.example>").unwrap();
    for subject in [
        "=?utf-8?q?Acme=0D=0ABcc:_evil@example.com?= approved your access",
        "Acme approved =?UTF-8?B?QWNtZQ0KQmNjOiBldmlsQGV4YW1wbGUuY29t?=",
        "Acme (=?iso-8859-1?q?caf=E9?=) and Zoë",
        "Plain Acme approved your access",
    ] {
        let message = mailer.message(&email_with_subject(subject)).unwrap();
        let text = String::from_utf8(message.formatted()).unwrap();
        let header = subject_header(&text);
        assert_eq!(as_a_mail_reader_shows_it(&header), subject, "{header}");
    }
}

#[tokio::test]
async fn the_playground_cannot_be_framed_by_another_site() {
    // Clickjacking: as the approval page, the playground says no site may frame it.
    let t = TestApp::new().await;
    let resp = cam_api::http::router(t.app.clone())
        .oneshot(Request::get("/graphql").header(header::ACCEPT, "text/html").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert!(resp.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    let policy = resp.headers().get(header::CONTENT_SECURITY_POLICY).map(|v| v.to_str().unwrap().to_string());
    assert!(policy.as_deref().is_some_and(|p| p.contains("frame-ancestors 'none'")), "{policy:?}");
    assert_eq!(resp.headers().get(header::X_FRAME_OPTIONS).map(|v| v.to_str().unwrap()), Some("DENY"));
}
