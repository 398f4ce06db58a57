//! Documents that passed the guard, kept by their text: a frontend sends
//! the same few documents with new variables, and parsing and checking
//! one again cost about a twentieth of the Clients tab's server CPU
//! (issue 29). What depends on the request (its variables, the operation
//! it names) is checked every time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::Request;

use super::{check_const, inspect, selected_operation, Inspected, Rejection};

/// Most documents kept, and most bytes of their text. Past either the
/// oldest half is forgotten: a caller who sends new documents without end
/// costs a parse each, as without a cache, and holds at most this much.
/// A parsed document is a few times its text (2,000 fields at most, the
/// guard's limit), so the cache stays within a few tens of MB however it
/// is filled.
pub const MAX_DOCUMENTS: usize = 256;
pub const MAX_KEPT_BYTES: usize = 256 * 1024;
/// Longer documents are checked every time and not kept (a frontend's
/// documents are a few KB; the Clients tab's is 0.6 KB).
pub const MAX_DOCUMENT_BYTES: usize = 8 * 1024;

/// Checked documents by text, each with the order it was first kept in.
#[derive(Default)]
pub struct Documents {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    by_text: HashMap<Arc<str>, (u64, Arc<ExecutableDocument>)>,
    next: u64,
    /// The bytes of the kept texts.
    bytes: usize,
}

impl Kept {
    /// Forgets the older half (at least one document).
    fn forget_oldest_half(&mut self) {
        let mut ages: Vec<u64> = self.by_text.values().map(|(age, _)| *age).collect();
        if ages.is_empty() {
            return;
        }
        let half = (ages.len() - 1) / 2;
        let (_, median, _) = ages.select_nth_unstable(half);
        let median = *median;
        self.by_text.retain(|_, (age, _)| *age > median);
        self.bytes = self.by_text.keys().map(|t| t.len()).sum();
    }
}

impl Documents {
    /// `inspect`, with the document parsed and checked once for every
    /// request that sends the same text. Leaves the request parsed, and
    /// returns the checked document too (the response's order is read
    /// from it). Errors: as `inspect`.
    pub fn inspect(&self, request: &mut Request) -> Result<(Inspected, Arc<ExecutableDocument>), Rejection> {
        if let Some(doc) = self.get(&request.query) {
            for value in request.variables.values() {
                check_const(value, 1)?;
            }
            let inspected = selected_operation(&doc, request.operation_name.as_deref())?;
            request.set_parsed_query(ExecutableDocument::clone(&doc));
            return Ok((inspected, doc));
        }
        let inspected = inspect(request)?;
        let doc = match request.parsed_query() {
            Ok(doc) => Arc::new(doc.clone()),
            Err(e) => return Err(Rejection::new(super::PARSE_FAILED, e.message)),
        };
        self.keep(&request.query, doc.clone());
        Ok((inspected, doc))
    }

    fn get(&self, text: &str) -> Option<Arc<ExecutableDocument>> {
        let kept = self.kept.lock().ok()?;
        kept.by_text.get(text).map(|(_, doc)| doc.clone())
    }

    fn keep(&self, text: &str, doc: Arc<ExecutableDocument>) {
        if text.len() > MAX_DOCUMENT_BYTES {
            return;
        }
        let Ok(mut kept) = self.kept.lock() else { return };
        while !kept.by_text.is_empty()
            && (kept.by_text.len() >= MAX_DOCUMENTS || kept.bytes + text.len() > MAX_KEPT_BYTES)
        {
            kept.forget_oldest_half();
        }
        let age = kept.next;
        kept.next += 1;
        kept.bytes += text.len();
        // Two requests may both have missed it: the second replaces it.
        if kept.by_text.insert(Arc::from(text), (age, doc)).is_some() {
            kept.bytes -= text.len();
        }
    }

    /// How many documents are kept.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.kept.lock().map(|k| k.by_text.len()).unwrap_or(0)
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::Variables;
    use serde_json::json;

    use super::*;
    use crate::graphql::guard::{BAD_REQUEST, LIMIT_EXCEEDED};

    fn request(q: &str) -> Request {
        Request::new(q)
    }

    #[test]
    fn a_kept_document_answers_as_a_fresh_parse_and_still_checks_each_requests_variables_and_operation() {
        let docs = Documents::default();
        let q = "query A($x: Int){ viewer { id } } query B { viewer { id } }";
        let mut first = request(q).operation_name("A");
        let (fresh, doc) = docs.inspect(&mut first).expect("a valid document");
        assert_eq!(docs.len(), 1);

        let mut again = request(q).operation_name("A");
        let (kept, same) = docs.inspect(&mut again).expect("the same document");
        assert_eq!(kept, fresh);
        assert!(Arc::ptr_eq(&doc, &same), "the second request is answered from the kept document");
        assert_eq!(again.parsed_query().map(|d| d.operations.iter().count()).ok(), Some(2), "left parsed");

        // The operation is chosen per request.
        let mut unnamed = request(q);
        assert_eq!(docs.inspect(&mut unnamed).map(|_| ()).map_err(|e| e.code), Err(BAD_REQUEST));
        // Variables are checked per request: nested deeper than the guard allows.
        let mut deep = json!(1);
        for _ in 0..super::super::MAX_NESTING + 1 {
            deep = json!([deep]);
        }
        let mut hostile = request(q).operation_name("A").variables(Variables::from_json(json!({ "x": deep })));
        assert_eq!(docs.inspect(&mut hostile).map(|_| ()).map_err(|e| e.code), Err(LIMIT_EXCEEDED));
    }

    #[test]
    fn a_refused_document_is_not_kept() {
        let docs = Documents::default();
        let mut r = request("{ viewer { id }");
        assert!(docs.inspect(&mut r).is_err());
        assert!(docs.is_empty());
    }

    #[test]
    fn a_long_document_is_checked_but_not_kept_and_the_kept_texts_stay_within_their_bytes() {
        let docs = Documents::default();
        let long = format!("{{ viewer(note: \"{}\") {{ id }} }}", "a".repeat(MAX_DOCUMENT_BYTES));
        assert!(long.len() > MAX_DOCUMENT_BYTES);
        assert!(docs.inspect(&mut request(&long)).is_ok(), "checked as ever");
        assert!(docs.is_empty(), "not kept");
        // Documents just under the per-document limit fill the bytes first.
        let near = |i: usize| {
            let head = format!("{{ viewer {{ id }} a{i}: viewer {{ id }} }}");
            format!("{head}{}", " ".repeat(MAX_DOCUMENT_BYTES - head.len()))
        };
        for i in 0..(MAX_KEPT_BYTES / MAX_DOCUMENT_BYTES) * 2 {
            docs.inspect(&mut request(&near(i))).expect("a valid document");
            let kept = docs.kept.lock().expect("the lock");
            assert!(kept.bytes <= MAX_KEPT_BYTES, "{} bytes kept", kept.bytes);
            assert_eq!(kept.bytes, kept.by_text.keys().map(|t| t.len()).sum::<usize>());
        }
        assert!(docs.len() < MAX_DOCUMENTS);
        assert!(docs.get(&near((MAX_KEPT_BYTES / MAX_DOCUMENT_BYTES) * 2 - 1)).is_some(), "the newest is kept");
        assert!(docs.get(&near(0)).is_none(), "the oldest is forgotten");
    }

    #[test]
    fn past_its_limit_the_cache_forgets_its_oldest_half_and_keeps_the_newest() {
        let docs = Documents::default();
        let text = |i: usize| format!("{{ viewer {{ id }} a{i}: viewer {{ id }} }}");
        for i in 0..=MAX_DOCUMENTS {
            docs.inspect(&mut request(&text(i))).expect("a valid document");
        }
        assert!(docs.len() <= MAX_DOCUMENTS / 2 + 1, "{} kept", docs.len());
        assert!(docs.get(&text(MAX_DOCUMENTS)).is_some(), "the newest is kept");
        assert!(docs.get(&text(0)).is_none(), "the oldest is forgotten");
    }
}
