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
/// - PostgreSQL: the partner's rows of `client_search` (the display name,
///   already lower-cased) under its trigram index: no join, no `UNION`.
/// - SQLite, three characters or more: the candidates from the FTS5 trigram
///   table `client_search` (its `rowid` is the relationship's id), each
///   checked by the same `lower(…) LIKE` that shorter terms use, so that the
///   index only narrows (its Unicode case folding is wider than SQLite's
///   ASCII `lower`) and never decides an answer.
/// - SQLite, shorter terms: that `LIKE` alone, over the partner's
///   relationships.
pub(super) fn search_sql(q: &mut Sql, partner: i64, needle: &str) {
    let pattern = q.bind(like_pattern(needle));
    if q.backend() == DatabaseBackend::Postgres {
        let p = q.bind(partner);
        q.push(&format!(
            " AND r.id IN (SELECT s.relationship_id FROM client_search s \
             WHERE s.partner_id = {p} AND s.name LIKE {pattern} ESCAPE '\\')"
        ));
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

/// `SELECT COUNT(*) AS n` of the partner's relationships whose display name
/// contains `needle`, from what the database keeps alone, when it can:
/// PostgreSQL's `client_search` holds each relationship's partner, so a
/// search without other filters is counted there, without a probe of
/// `managed_relationships` per match (at 100,000 clients, 1,276 matches:
/// 0.7 ms instead of 2.2). Writes nothing and answers `false` on SQLite,
/// whose candidates are checked against their relationship.
pub(super) fn search_count_sql(q: &mut Sql, partner: i64, needle: &str) -> bool {
    if q.backend() != DatabaseBackend::Postgres {
        return false;
    }
    let p = q.bind(partner);
    let pattern = q.bind(like_pattern(needle));
    q.push(&format!(
        "SELECT COUNT(*) AS n FROM client_search s WHERE s.partner_id = {p} AND s.name LIKE {pattern} ESCAPE '\\'"
    ));
    true
}
