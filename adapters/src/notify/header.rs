//! Headers that carry people's own text (`Subject:` holds names of
//! accounts and users), encoded so that a mail reader shows exactly that
//! text. lettre encodes (RFC 2047) only words that are not ASCII; an ASCII
//! word shaped like an encoded word (`=?utf-8?q?…?=`) it passes through as
//! it is, and a reader would decode it (into a line break, another header's
//! look, another charset). Here such words are encoded too, never passed.

use std::fmt::Write;

use email_encoding::headers::writer::EmailWriter;
use lettre::message::header::{HeaderName, HeaderValue};

/// The `Subject:` header of `text`.
pub fn subject(text: &str) -> HeaderValue {
    const NAME: &str = "Subject";
    HeaderValue::dangerous_new_pre_encoded(HeaderName::new_from_ascii_str(NAME), text.to_string(), encoded(NAME, text))
}

/// A word a reader shows as it is: printable ASCII, and no `=?` that
/// could start an encoded word.
fn plain(word: &str) -> bool {
    word.bytes().all(|b| (0x20..0x7f).contains(&b)) && !word.contains("=?")
}

/// `value` as a folded header value: plain words as they are, runs of
/// other words as RFC 2047 encoded words (lettre's own layout).
fn encoded(name: &str, value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    {
        let mut w = EmailWriter::new(&mut out, name.len() + ": ".len(), 0, false);
        let mut run = String::new();
        for word in value.split_inclusive(' ') {
            if plain(word) {
                flush(&mut run, &mut w);
                // Writing to a String cannot fail.
                let _ = w.folding().write_str(word);
            } else {
                run.push_str(word);
            }
        }
        flush(&mut run, &mut w);
    }
    out
}

/// Writes a run of words as encoded words; its trailing spaces stay spaces.
fn flush(run: &mut String, w: &mut EmailWriter<'_>) {
    if run.is_empty() {
        return;
    }
    let text = run.trim_end_matches(' ');
    let _ = email_encoding::headers::rfc2047::encode(text, w);
    for _ in 0..run.len() - text.len() {
        w.space();
    }
    run.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_stay_and_encoded_looking_words_are_encoded() {
        assert_eq!(encoded("Subject", "Acme approved your access"), "Acme approved your access");
        let e = encoded("Subject", "Hi =?utf-8?q?a=0Ab?= there");
        assert!(e.starts_with("Hi =?utf-8?b?") && e.ends_with("?= there"), "{e}");
        assert!(!e.contains("=?utf-8?q?"), "{e}");
    }
}
