//! Nested connections, paged per parent in one statement: the first
//! `first + 1` children of each parent, instead of every child of every
//! parent, and, when asked, each parent's total in the same statement.

use std::collections::HashMap;
use std::hash::Hash;

use cam_domain::{Page, PageRequest};
use sea_orm::sea_query::{Alias, Expr, Order, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, FromQueryResult, QueryResult};

mod postgres;
mod sqlite;

use postgres::{lateral, lateral_counts};
pub(crate) use postgres::{lateral_parts, shift_placeholders, LateralParts};
use sqlite::{branches, grouped_count, window};

/// SQLite has no `LATERAL`: one branch per parent, joined by `UNION ALL`,
/// up to this many parents (SQLite refuses compound selects of more than
/// 500 parts); beyond, a window.
const MAX_BRANCHES: usize = 400;

/// The name of the total column in the statements built here.
const TOTAL: &str = "total__";

/// What to page per parent.
pub(crate) struct PerParent<'a> {
    /// The children's table, as named in `rows` and `count`.
    pub table: &'a str,
    /// A filtered select of `table` with the page's cursor condition, that
    /// includes its `id` and the `partition` columns, without any condition
    /// on them. It may join other tables and select more columns.
    pub rows: SelectStatement,
    /// Each parent's total, when the totals are asked for.
    pub count: Option<Total<'a>>,
    /// The parent's columns in `table`.
    pub partition: &'a [&'a str],
    /// Newest first (`ORDER BY id DESC`; the cursor condition in `rows` is
    /// then `id < after`).
    pub descending: bool,
    /// For PostgreSQL, when `rows` joins other tables: the same page in two
    /// steps (see `ByIds`).
    pub by_ids: Option<ByIds>,
}

/// The page of each parent in two steps, for PostgreSQL: first the ids, from
/// the table alone, then the joined rows of those ids. Under a `LATERAL` the
/// planner cannot see which parent it plans for and assumes the average
/// one (about 4 memberships per user); for a worker in every client it then
/// read all of the worker's memberships with their users and accounts and
/// sorted them to keep 6. The ids alone are read from an index that holds
/// every column their filter needs (memberships: `(user_id, id,
/// account_id)` for a worker's, `(account_id, partner_id, id)` for a
/// client's partner users), in id order, stopping at `first + 1`; reading
/// the index alone is cheaper than any plan that visits the table, whatever
/// the planner assumes about the parent.
pub(crate) struct ByIds {
    /// `rows`' columns and joins, without any condition (no `WHERE`).
    pub joined: SelectStatement,
    /// `rows`' filter and cursor condition over `table` alone.
    pub ids: SelectStatement,
}

/// Where a parent's total comes from: a count of its children, or a count
/// kept by the database.
pub(crate) struct Total<'a> {
    /// The table `select` reads, which has the `partition` columns.
    pub table: &'a str,
    /// A filtered select of `table`, without any condition on the parent;
    /// its selected columns are replaced by `aggregate`.
    pub select: SelectStatement,
    /// `COUNT(*)`, or the kept column (at most one row per parent).
    aggregate: String,
}

impl<'a> Total<'a> {
    /// The children's count: `rows`' filter without the cursor.
    pub(crate) fn rows(table: &'a str, select: SelectStatement) -> Self {
        Self { table, select, aggregate: "COUNT(*)".into() }
    }

    /// A count kept in `column` of `table`'s row of the parent (0 without
    /// a row).
    pub(crate) fn kept(table: &'a str, select: SelectStatement, column: &str) -> Self {
        Self { table, select, aggregate: format!("COALESCE(MAX(\"{table}\".\"{column}\"), 0)") }
    }

    /// The select with the aggregate as its one column, named `TOTAL`.
    fn aggregated(mut self) -> (&'a str, SelectStatement) {
        self.select.clear_selects().expr_as(Expr::cust(self.aggregate), Alias::new(TOTAL));
        (self.table, self.select)
    }
}

impl PerParent<'_> {
    fn order(&self) -> (Order, &'static str) {
        if self.descending {
            (Order::Desc, "DESC")
        } else {
            (Order::Asc, "ASC")
        }
    }
}

/// A row of the children, read from the column where the children's
/// columns start (after the parent's keys and total).
pub(crate) trait FromRowAt: Sized {
    fn from_row_at(row: &QueryResult, at: usize) -> Result<Self, DbErr>;
}

/// A child that is one entity's row, read by its column names.
pub(crate) struct ByName<M>(pub M);

impl<M: FromQueryResult> FromRowAt for ByName<M> {
    fn from_row_at(row: &QueryResult, _at: usize) -> Result<Self, DbErr> {
        M::from_query_result(row, "").map(ByName)
    }
}

/// Children of each parent: at most `first + 1` rows per parent (ordered by
/// parent, then id), and each parent's total when `count` is given. Parents
/// are one value per partition column.
///
/// PostgreSQL: one `LATERAL (… ORDER BY id LIMIT n)` per parent (n is
/// `first + 1`), which an index on (parent…, id) answers by reading only those rows
/// (a window over the parents' children would sort all of them first: 640 ms
/// for a worker in 100,000 clients), and the total as a `LATERAL` count
/// beside it. SQLite: one such branch per parent under `UNION ALL` (a window
/// took 820 ms for a worker in 50,000 clients); beyond `MAX_BRANCHES`
/// parents, `ROW_NUMBER() OVER (PARTITION BY parent ORDER BY id)` and the
/// totals in a second, grouped statement.
///
/// When only the totals are asked for (`page.count_only`), no child row is
/// read: the totals alone in one statement (PostgreSQL: the same `LATERAL`
/// count; SQLite: grouped), or none when the totals are not asked either.
pub(crate) async fn first_per_parent<T: FromRowAt>(
    conn: &impl ConnectionTrait,
    mut spec: PerParent<'_>,
    parents: &[Vec<i64>],
    page: PageRequest,
) -> Result<(Vec<T>, HashMap<Vec<i64>, u64>), DbErr> {
    if parents.is_empty() {
        return Ok((Vec::new(), HashMap::new()));
    }
    let backend = conn.get_database_backend();
    let limit = u64::from(page.first) + 1;
    let with_total = spec.count.is_some();
    let n = spec.partition.len();
    if page.count_only {
        let mut totals = HashMap::new();
        if let Some(count) = spec.count {
            // PostgreSQL: the count per parent as a `LATERAL`, as beside a
            // page. Grouped, the OR of the parents' ids is estimated at a
            // few rows each; the generic plan PostgreSQL keeps after five
            // executions then probes the relationships for each of a
            // worker's 100,000 memberships: 330 ms instead of 270.
            let stmt = match backend {
                DatabaseBackend::Postgres => lateral_counts(backend, count, spec.partition, parents),
                _ => grouped_count(backend, count, spec.partition, parents),
            };
            for r in conn.query_all(stmt).await? {
                let (key, total) = key_and_total(&r, n, true)?;
                totals.insert(key, total);
            }
        }
        return Ok((Vec::new(), totals));
    }
    let stmt = match backend {
        DatabaseBackend::Postgres => lateral(backend, spec, parents, limit),
        DatabaseBackend::Sqlite if parents.len() <= MAX_BRANCHES => branches(backend, spec, parents, limit),
        _ => {
            let count = spec.count.take().map(|c| grouped_count(backend, c, spec.partition, parents));
            let rows = conn.query_all(window(backend, spec, parents, limit)).await?;
            let rows = rows.iter().map(|r| T::from_row_at(r, 0)).collect::<Result<Vec<T>, _>>()?;
            let mut totals = HashMap::new();
            if let Some(count) = count {
                for r in conn.query_all(count).await? {
                    let (key, total) = key_and_total(&r, n, true)?;
                    totals.insert(key, total);
                }
            }
            return Ok((rows, totals));
        }
    };
    let mut rows = Vec::new();
    let mut totals = HashMap::new();
    // Each row: the parent's keys `p0…`, its total when asked, then the
    // child's columns, its `id` first.
    let at = n + usize::from(with_total);
    for r in conn.query_all(stmt).await? {
        let (key, total) = key_and_total(&r, n, with_total)?;
        if with_total {
            totals.insert(key, total);
        }
        // A parent without rows still has its total: a row of NULLs.
        if r.try_get_by_index::<Option<i64>>(at)?.is_some() {
            rows.push(T::from_row_at(&r, at)?);
        }
    }
    Ok((rows, totals))
}

/// The parent's keys (columns `0..n`) and its total (column `n`), read by
/// position: by name, a page of 150 rows spent more on formatting and
/// looking up column names than on its values.
fn key_and_total(r: &QueryResult, n: usize, with_total: bool) -> Result<(Vec<i64>, u64), DbErr> {
    let key = (0..n).map(|i| r.try_get_by_index::<i64>(i)).collect::<Result<Vec<_>, _>>()?;
    let total = if with_total { r.try_get_by_index::<i64>(n)?.max(0) as u64 } else { 0 };
    Ok((key, total))
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
