//! Reads every repository makes the same way: one keyset page over an
//! id-ordered select (one statement for the page, one row more than asked
//! to know whether there is a next page, and when asked the total as an
//! uncorrelated scalar subquery of it), and rows by their ids.

use std::collections::HashMap;
use std::hash::Hash;

use cam_domain::{Page, PageRequest, StorageError};
use sea_orm::sea_query::{Alias, Expr, SimpleExpr};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, Order, QueryFilter, QueryOrder, QueryTrait, Select};

use super::{db, Conn};

/// The page of `select` after `page.after` along `id`: ascending ids
/// (`Order::Asc`, the lists) or descending (`Order::Desc`, the audit logs,
/// newest first), as models.
pub(crate) async fn keyset_page<E, C>(
    conn: &C,
    select: Select<E>,
    id: E::Column,
    order: Order,
    page: PageRequest,
    with_total: bool,
) -> Result<Page<E::Model>, StorageError>
where
    E: EntityTrait,
    E::Model: FromQueryResult,
    C: Conn,
{
    let count = with_total.then(|| {
        let mut c = select.clone().into_query();
        c.clear_selects().expr(Expr::cust("COUNT(*)"));
        c
    });
    let backend = conn.get_database_backend();
    if page.count_only {
        // Only the total is asked for: no row is read.
        let total = match count {
            Some(c) => count_of(conn, backend.build(&c)).await?,
            None => 0,
        };
        return Ok(Page { items: Vec::new(), has_next: false, has_previous: page.after.is_some(), total });
    }
    let mut q = select.order_by(id, order.clone());
    if let Some(after) = page.after {
        q = match order {
            Order::Desc => q.filter(id.lt(after)),
            _ => q.filter(id.gt(after)),
        };
    }
    let mut q = q.into_query();
    if let Some(c) = count.clone() {
        q.expr_as(SimpleExpr::SubQuery(None, Box::new(c.into_sub_query_statement())), Alias::new("total__"));
    }
    let mut stmt = backend.build(&q);
    stmt.sql.push_str(&super::sql::limit(u64::from(page.first) + 1));
    let found = conn.query_all(stmt).await.map_err(db)?;
    let mut total = match found.first() {
        Some(r) if with_total => r.try_get::<i64>("", "total__").map_err(db)?.max(0) as u64,
        _ => 0,
    };
    if let (Some(c), true, Some(_)) = (count, found.is_empty(), page.after) {
        // Past the end of the list: no row carries the total.
        total = count_of(conn, backend.build(&c)).await?;
    }
    let mut rows =
        found.iter().map(|r| E::Model::from_query_result(r, "")).collect::<Result<Vec<_>, _>>().map_err(db)?;
    let has_next = rows.len() > page.first as usize;
    rows.truncate(page.first as usize);
    Ok(Page { items: rows, has_next, has_previous: page.after.is_some(), total })
}

/// The number a count statement answers (its first column; 0 without a row).
pub(crate) async fn count_of<C: Conn>(conn: &C, count: sea_orm::Statement) -> Result<u64, StorageError> {
    let row = conn.query_one(count).await.map_err(db)?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose().map_err(db)?.unwrap_or(0).max(0) as u64)
}

/// The rows of `entity` with these ids, in one statement, as the pairs
/// `convert` makes of them (the by-id batch reads of the loaders).
pub(crate) async fn by_ids<E, C, K, V>(
    _entity: E,
    conn: &C,
    ids: impl IntoIterator<Item = i64>,
    id: E::Column,
    convert: impl Fn(E::Model) -> Result<(K, V), StorageError>,
) -> Result<HashMap<K, V>, StorageError>
where
    E: EntityTrait,
    C: Conn,
    K: Eq + Hash,
{
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = E::find().filter(id.is_in(ids)).all(conn).await.map_err(db)?;
    rows.into_iter().map(convert).collect()
}
