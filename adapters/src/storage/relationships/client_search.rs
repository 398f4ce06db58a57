//! The Clients tab's search (R1, R27): a case-insensitive substring of the
//! display name (the CRM name, else the client account's name), as one
//! condition on the relationship `r`, read from what m20261206_000702 keeps.

use sea_orm::DatabaseBackend;

use super::super::like_pattern;
use super::super::sql::Sql;

/// The shortest term the SQLite trigram index can find: shorter ones have no
/// trigram, and FTS5 matches nothing for them.
const TRIGRAM: usize = 3;

/// ` AND …`: `r`'s display name contains `needle`, ignoring case.
///
/// - PostgreSQL: the kept `search_name` (already lower-cased) under its
///   trigram index; one table, no join, no `UNION`.
/// - SQLite, three characters or more: the candidates from the FTS5 trigram
///   table `client_search` (its `rowid` is the relationship's id), each
///   checked by the same `lower(…) LIKE` that shorter terms use, so that the
///   index only narrows (its Unicode case folding is wider than SQLite's
///   ASCII `lower`) and never decides an answer.
/// - SQLite, shorter terms: that `LIKE` alone, over the partner's
///   relationships.
pub(super) fn search_sql(q: &mut Sql, needle: &str) {
    let pattern = q.bind(like_pattern(needle));
    if q.backend() == DatabaseBackend::Postgres {
        q.push(&format!(" AND r.search_name LIKE {pattern} ESCAPE '\\'"));
        return;
    }
    let lower = needle.to_lowercase();
    if lower.chars().count() >= TRIGRAM {
        // One FTS5 phrase: the term's characters in a row, literally (a `"`
        // is written twice; `%`, `_` and `\` mean nothing to FTS5).
        let phrase = q.bind(format!("\"{}\"", lower.replace('"', "\"\"")));
        q.push(&format!(" AND r.id IN (SELECT rowid FROM client_search WHERE client_search MATCH {phrase})"));
    }
    q.push(&format!(
        " AND lower(COALESCE(r.crm_name, (SELECT c.name FROM accounts c WHERE c.id = r.client_id))) \
         LIKE {pattern} ESCAPE '\\'"
    ));
}
