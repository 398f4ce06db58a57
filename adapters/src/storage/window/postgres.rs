//! The PostgreSQL statements: one `LATERAL` per parent, in one statement.

use sea_orm::sea_query::{Alias, Expr, SelectStatement};
use sea_orm::{DatabaseBackend, Statement, Value};

use super::{ByIds, PerParent, Total, TOTAL};

/// The first `limit` children of each parent (bound ids, one tuple per
/// parent), with each parent's total when asked: one statement.
pub(super) fn lateral(backend: DatabaseBackend, spec: PerParent<'_>, parents: &[Vec<i64>], limit: u64) -> Statement {
    let partition = spec.partition;
    let LateralParts { rows, count, mut values, dir } = lateral_parts(backend, spec, limit);
    let from = parents_values(parents, partition.len(), &mut values);
    let order: Vec<String> = (0..partition.len()).map(|i| format!("p.\"p{i}\"")).collect();
    let order = order.join(", ");
    let sql = match count {
        Some(count) => format!(
            "SELECT p.*, c.\"{TOTAL}\", t.* FROM {from} CROSS JOIN LATERAL ({count}) AS c \
             LEFT JOIN LATERAL ({rows}) AS t ON TRUE ORDER BY {order}, t.\"id\" {dir}"
        ),
        None => {
            format!("SELECT p.*, t.* FROM {from} CROSS JOIN LATERAL ({rows}) AS t ORDER BY {order}, t.\"id\" {dir}")
        }
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// The pieces of a `LATERAL` per parent `p` (keys `p."p0"`…), their
/// placeholders numbered from `$1` in `values`' order: the children's page
/// and, when asked, their count (a statement of its own puts them together).
pub(crate) struct LateralParts {
    /// At most `limit` children of `p`, in the spec's order (`ORDER BY`
    /// `"id"` and `dir`).
    pub rows: String,
    /// `SELECT COUNT(*) AS "total__" …` (or the kept count) of `p`.
    pub count: Option<String>,
    pub values: Vec<Value>,
    /// `ASC` or `DESC`: the children's order by `"id"`.
    pub dir: &'static str,
}

pub(crate) fn lateral_parts(backend: DatabaseBackend, spec: PerParent<'_>, limit: u64) -> LateralParts {
    let (order_by, dir) = spec.order();
    let PerParent { table, mut rows, count, partition, by_ids, .. } = spec;
    let (rows_sql, mut values) = match by_ids {
        None => {
            correlate(&mut rows, table, partition);
            rows.order_by((Alias::new(table), Alias::new("id")), order_by);
            let built = backend.build(&rows);
            (built.sql + &super::super::sql::limit(limit), built.values.map(|v| v.0).unwrap_or_default())
        }
        Some(ByIds { joined, mut ids }) => {
            ids.clear_selects().column((Alias::new(table), Alias::new("id")));
            correlate(&mut ids, table, partition);
            ids.order_by((Alias::new(table), Alias::new("id")), order_by);
            let joined = backend.build(&joined);
            let mut values = joined.values.map(|v| v.0).unwrap_or_default();
            let ids = backend.build(&ids);
            let ids_sql = shift_placeholders(&ids.sql, values.len()) + &super::super::sql::limit(limit);
            values.extend(ids.values.map(|v| v.0).unwrap_or_default());
            (format!("{} WHERE \"{table}\".\"id\" IN ({ids_sql})", joined.sql), values)
        }
    };
    let count = count.map(|c| correlated_count(backend, c, partition, &mut values));
    LateralParts { rows: rows_sql, count, values, dir }
}

/// Ties a select of `table` to the parent `p` of a `LATERAL`.
fn correlate(q: &mut SelectStatement, table: &str, partition: &[&str]) {
    for (i, c) in partition.iter().enumerate() {
        q.and_where(Expr::cust(format!("\"{table}\".\"{c}\" = p.\"p{i}\"")));
    }
}

/// The count of one parent's children, correlated with the parent `p`, its
/// placeholders numbered after `values`' (to which its values are added).
fn correlated_count(backend: DatabaseBackend, count: Total<'_>, partition: &[&str], values: &mut Vec<Value>) -> String {
    let (table, mut c) = count.aggregated();
    correlate(&mut c, table, partition);
    let built = backend.build(&c);
    let sql = shift_placeholders(&built.sql, values.len());
    values.extend(built.values.map(|v| v.0).unwrap_or_default());
    sql
}

/// `(VALUES ($n), …) AS p("p0", …)`: the parents, bound after `values`.
fn parents_values(parents: &[Vec<i64>], n: usize, values: &mut Vec<Value>) -> String {
    let mut tuples = Vec::new();
    for parent in parents {
        let mut cells = Vec::new();
        for v in parent {
            values.push(Value::BigInt(Some(*v)));
            cells.push(format!("${}", values.len()));
        }
        tuples.push(format!("({})", cells.join(", ")));
    }
    let cols: Vec<String> = (0..n).map(|i| format!("\"p{i}\"")).collect();
    format!("(VALUES {}) AS p({})", tuples.join(", "), cols.join(", "))
}

/// Each parent's total alone, for PostgreSQL: the `LATERAL` count that
/// `lateral` puts beside the rows.
pub(super) fn lateral_counts(
    backend: DatabaseBackend,
    count: Total<'_>,
    partition: &[&str],
    parents: &[Vec<i64>],
) -> Statement {
    let mut values = Vec::new();
    let count_sql = correlated_count(backend, count, partition, &mut values);
    let parents = parents_values(parents, partition.len(), &mut values);
    let sql = format!("SELECT p.*, c.\"{TOTAL}\" FROM {parents} CROSS JOIN LATERAL ({count_sql}) AS c");
    Statement::from_sql_and_values(backend, sql, values)
}

/// `$1`, `$2`, … become `$1+offset`, … (PostgreSQL placeholders of a
/// statement appended after `offset` bound values; the texts built here hold
/// no string literal with a `$`).
pub(crate) fn shift_placeholders(sql: &str, offset: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
            digits.push(d);
            chars.next();
        }
        match digits.parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&digits),
        }
    }
    out
}
