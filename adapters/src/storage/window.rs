//! Nested connections, paged per parent in one statement: the first
//! `first + 1` children of each parent through `ROW_NUMBER() OVER
//! (PARTITION BY parent ORDER BY id)`, which PostgreSQL and SQLite both
//! have, instead of every child of every parent.

use std::collections::HashMap;
use std::hash::Hash;

use cam_domain::{Page, PageRequest};
use sea_orm::sea_query::{Alias, Asterisk, Expr, Order, Query, SelectStatement};

/// Wraps `inner` (a filtered select of one table that includes its `id` and
/// the `partition` columns) so that it yields at most `first + 1` rows per
/// partition, ordered by partition then id.
pub(crate) fn first_per_parent(mut inner: SelectStatement, partition: &[&str], first: u32) -> SelectStatement {
    let by = partition.join(", ");
    inner.expr_as(Expr::cust(format!("ROW_NUMBER() OVER (PARTITION BY {by} ORDER BY id)")), Alias::new("rn"));
    let mut outer = Query::select();
    outer
        .column(Asterisk)
        .from_subquery(inner, Alias::new("t"))
        .and_where(Expr::col(Alias::new("rn")).lte(i64::from(first) + 1));
    for p in partition {
        outer.order_by(Alias::new(*p), Order::Asc);
    }
    outer.order_by(Alias::new("id"), Order::Asc);
    outer
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
