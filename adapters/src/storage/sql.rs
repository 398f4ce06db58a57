//! Hand-written statements for the lists: one text for both databases, with
//! placeholders numbered for the connection's backend (`$1` on PostgreSQL,
//! `?1` on SQLite). Every value is bound; no list whose length grows with the
//! data is ever bound (PostgreSQL refuses more than 65,535 parameters).

use sea_orm::{DatabaseBackend, Statement, Value};

/// ` LIMIT n`, written into the text rather than bound. PostgreSQL plans a
/// prepared statement afresh on every execution (a custom plan) while a
/// generic plan, made once, is estimated to cost more; with the limit a
/// placeholder, the generic plan must assume a tenth of the table, so the
/// page statements were planned again every time (0.3–0.7 ms of each
/// execution's bind). With the number in the text the generic plan knows it
/// stops at the page, costs no more than the custom ones, and PostgreSQL
/// keeps it after the fifth execution (measured for the Clients tab: bind
/// 0.65 ms before, 0.09 ms after). The limit is `first + 1`, a number the
/// API bounds, so the texts stay few.
pub(crate) fn limit(n: u64) -> String {
    format!(" LIMIT {n}")
}

/// A JSON array of rows, one bound parameter for a set-based write. Each row
/// is written out and dropped before the next is made, so that a write of
/// 10,000 rows never holds 10,000 JSON trees at once (collecting them first
/// cost about 1 KB per audit event on top of the text itself).
pub(crate) fn json_array(rows: impl IntoIterator<Item = serde_json::Value>) -> String {
    use std::fmt::Write;
    let mut out = String::from("[");
    for (i, row) in rows.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Writing into a String cannot fail.
        let _ = write!(out, "{row}");
    }
    out.push(']');
    out
}

pub(crate) struct Sql {
    backend: DatabaseBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub(crate) fn new(backend: DatabaseBackend) -> Self {
        Self { backend, text: String::new(), values: Vec::new() }
    }

    /// The database the statement is written for.
    pub(crate) fn backend(&self) -> DatabaseBackend {
        self.backend
    }

    /// Appends SQL text.
    pub(crate) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Binds a value and returns its placeholder, to be put in the text.
    pub(crate) fn bind(&mut self, v: impl Into<Value>) -> String {
        self.values.push(v.into());
        match self.backend {
            DatabaseBackend::Postgres => format!("${}", self.values.len()),
            _ => format!("?{}", self.values.len()),
        }
    }

    /// How many values are bound so far.
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// Binds values whose placeholders a text appended before or after
    /// already holds (numbered after the ones bound before them).
    pub(crate) fn extend(&mut self, values: impl IntoIterator<Item = Value>) {
        self.values.extend(values);
    }

    /// Appends a bound value's placeholder.
    pub(crate) fn value(&mut self, v: impl Into<Value>) -> &mut Self {
        let p = self.bind(v);
        self.text.push_str(&p);
        self
    }

    /// Appends `(SELECT … )`: these ids as a one-column set, bound as one
    /// JSON array whatever their number.
    pub(crate) fn ids(&mut self, ids: impl IntoIterator<Item = i64>) -> &mut Self {
        let p = self.bind(json_array(ids.into_iter().map(serde_json::Value::from)));
        let set = if self.backend == DatabaseBackend::Postgres {
            format!("(SELECT value::bigint FROM json_array_elements_text({p}::json))")
        } else {
            format!("(SELECT value FROM json_each({p}))")
        };
        self.push(&set)
    }

    pub(crate) fn statement(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }
}
