//! Nested connections, paged per parent in one statement: the first
//! `first + 1` children of each parent, instead of every child of every
//! parent.

use std::collections::HashMap;
use std::hash::Hash;

use cam_domain::{Page, PageRequest};
use sea_orm::sea_query::{Alias, Asterisk, Condition, Expr, Order, Query, SelectStatement};
use sea_orm::{DatabaseBackend, Statement, Value};

/// At most `first + 1` rows of `inner` per parent, ordered by parent then
/// id. `inner` is a filtered select of `table` that includes its `id` and
/// the `partition` columns, without any condition on them: `parents` holds
/// one value per partition column for each parent asked for.
///
/// PostgreSQL: one `LATERAL` subquery per parent with `ORDER BY id LIMIT n`
/// (n = first + 1), which an index on (parent…, id) answers by reading only
/// those rows; a window over the parents' children would sort all of them
/// first (640 ms for a worker in 100,000 clients). SQLite has no `LATERAL`:
/// one such branch per parent, joined by `UNION ALL` (a window took 820 ms
/// for a worker in 50,000 clients); beyond `MAX_BRANCHES` parents,
/// `ROW_NUMBER() OVER (PARTITION BY parent ORDER BY id)`.
/// SQLite refuses compound selects of more than 500 parts.
const MAX_BRANCHES: usize = 400;

pub(crate) fn first_per_parent(
    backend: DatabaseBackend,
    table: &str,
    mut inner: SelectStatement,
    partition: &[&str],
    parents: &[Vec<i64>],
    first: u32,
) -> Statement {
    let limit = i64::from(first) + 1;
    if backend == DatabaseBackend::Postgres && !parents.is_empty() {
        for p in partition {
            inner.and_where(Expr::cust(format!("\"{table}\".\"{p}\" = p.\"{p}\"")));
        }
        inner.order_by(Alias::new("id"), Order::Asc).limit(limit as u64);
        let built = backend.build(&inner);
        let mut values = built.values.map(|v| v.0).unwrap_or_default();
        let mut rows = Vec::new();
        for parent in parents {
            let mut cells = Vec::new();
            for v in parent {
                values.push(Value::BigInt(Some(*v)));
                cells.push(format!("${}", values.len()));
            }
            rows.push(format!("({})", cells.join(", ")));
        }
        let cols: Vec<String> = partition.iter().map(|p| format!("\"{p}\"")).collect();
        let order: Vec<String> = partition.iter().map(|p| format!("t.\"{p}\"")).collect();
        let sql = format!(
            "SELECT t.* FROM (VALUES {}) AS p({}) CROSS JOIN LATERAL ({}) AS t ORDER BY {}, t.\"id\"",
            rows.join(", "),
            cols.join(", "),
            built.sql,
            order.join(", ")
        );
        return Statement::from_sql_and_values(backend, sql, values);
    }
    if backend == DatabaseBackend::Sqlite && !parents.is_empty() && parents.len() <= MAX_BRANCHES {
        // One `ORDER BY id LIMIT n` branch per parent, joined by UNION ALL:
        // each branch reads its n rows from an index on (parent…, id).
        let mut branches = Vec::new();
        let mut values = Vec::new();
        for parent in parents {
            let mut branch = inner.clone();
            for (col, v) in partition.iter().zip(parent) {
                branch.and_where(Expr::col((Alias::new(table), Alias::new(*col))).eq(*v));
            }
            branch.order_by(Alias::new("id"), Order::Asc).limit(limit as u64);
            let built = backend.build(&branch);
            values.extend(built.values.map(|v| v.0).unwrap_or_default());
            branches.push(format!("SELECT * FROM ({})", built.sql));
        }
        let order: Vec<String> = partition.iter().map(|p| format!("\"{p}\"")).collect();
        let sql = format!("SELECT * FROM ({}) ORDER BY {}, \"id\"", branches.join(" UNION ALL "), order.join(", "));
        return Statement::from_sql_and_values(backend, sql, values);
    }
    // More parents than SQLite takes branches in one compound select: a
    // window, which numbers all of the parents' children.
    let mut any = Condition::any();
    for parent in parents {
        let mut this = Condition::all();
        for (col, v) in partition.iter().zip(parent) {
            this = this.add(Expr::col((Alias::new(table), Alias::new(*col))).eq(*v));
        }
        any = any.add(this);
    }
    inner.cond_where(any);
    let by = partition.join(", ");
    inner.expr_as(Expr::cust(format!("ROW_NUMBER() OVER (PARTITION BY {by} ORDER BY id)")), Alias::new("rn"));
    let mut outer = Query::select();
    outer.column(Asterisk).from_subquery(inner, Alias::new("t")).and_where(Expr::col(Alias::new("rn")).lte(limit));
    for p in partition {
        outer.order_by(Alias::new(*p), Order::Asc);
    }
    outer.order_by(Alias::new("id"), Order::Asc);
    backend.build(&outer)
}

/// Cuts rows (at most `first + 1` per parent, in order) into one page per
/// parent asked for; a parent without rows gets an empty page.
pub(crate) fn pages<K: Hash + Eq + Copy, T>(
    parents: &[K],
    rows: Vec<T>,
    parent: impl Fn(&T) -> K,
    page: PageRequest,
    totals: &HashMap<K, u64>,
) -> HashMap<K, Page<T>> {
    let mut out: HashMap<K, Page<T>> = parents
        .iter()
        .map(|k| {
            let p = Page {
                items: Vec::new(),
                has_next: false,
                has_previous: page.after.is_some(),
                total: totals.get(k).copied().unwrap_or(0),
            };
            (*k, p)
        })
        .collect();
    for row in rows {
        if let Some(p) = out.get_mut(&parent(&row)) {
            if p.items.len() < page.first as usize {
                p.items.push(row);
            } else {
                p.has_next = true;
            }
        }
    }
    out
}
