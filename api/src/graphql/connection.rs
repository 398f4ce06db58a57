//! Relay connections from domain pages: keyset cursors, `totalCount`,
//! `first` at most 100.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Lookahead, OutputType, SelectionField, SimpleObject};
use cam_domain::{Page, PageRequest};

use super::error::invalid_input;
use super::ids::{cursor, parse_cursor};

#[derive(SimpleObject)]
pub struct Total {
    pub total_count: i32,
}

pub type Conn<T> = Connection<String, T, Total>;

/// What a selection asks of a connection: its `totalCount`, its rows
/// (`edges`, `nodes` or `pageInfo`), or both. A count alone (a tab's label,
/// the Employees tab's client memberships of each worker) reads no row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asked {
    pub total: bool,
    pub rows: bool,
}

const ROW_FIELDS: [&str; 3] = ["edges", "nodes", "pageInfo"];

impl Asked {
    /// From the resolver's look-ahead.
    pub fn of(ahead: &Lookahead<'_>) -> Self {
        Self { total: ahead.field("totalCount").exists(), rows: ROW_FIELDS.iter().any(|f| ahead.field(f).exists()) }
    }

    /// From the connection field as its parent sees it (to prefetch).
    pub fn of_field(field: &SelectionField<'_>) -> Self {
        let mut asked = Self { total: false, rows: false };
        for f in field.selection_set() {
            asked.total |= f.name() == "totalCount";
            asked.rows |= ROW_FIELDS.contains(&f.name());
        }
        asked
    }

    /// The page to read: without its rows when only the total is asked.
    pub fn page(self, page: PageRequest) -> PageRequest {
        if self.rows {
            page
        } else {
            page.count_only()
        }
    }
}

/// Reads `first` and `after`. Errors: `INVALID_INPUT` for more than 100, a
/// negative `first` or a foreign cursor.
pub fn page_request(first: Option<i32>, after: Option<String>) -> async_graphql::Result<PageRequest> {
    let after = parse_cursor(after.as_deref())?;
    PageRequest::new(first, after).map_err(|e| invalid_input(e.to_string()))
}

/// What the resolver's own selection asks of its connection, and the page
/// to read (without rows when only the total is asked). Errors: as
/// `page_request`.
pub fn asked_page(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<(Asked, PageRequest)> {
    let asked = Asked::of(&ctx.look_ahead());
    Ok((asked, asked.page(page_request(first, after)?)))
}

/// Query complexity of a connection field: what it costs to read is its
/// rows, so a row costs 1 and each field selected on it a tenth; nested
/// lists still multiply (50 clients with 10 partner users each cost about
/// 200, a 100 × 100 × 100 nest is refused).
pub fn page_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let n = first
        .unwrap_or(cam_domain::common::page::DEFAULT_PAGE as i32)
        .clamp(1, cam_domain::common::page::MAX_PAGE as i32);
    (n as usize).saturating_mul(child_complexity.saturating_add(10)).div_ceil(10)
}

/// A page without rows (a loader answers one for every key; this is only
/// the fallback).
pub fn empty_page<T>(page: PageRequest) -> Page<T> {
    Page { items: Vec::new(), has_next: false, has_previous: page.after.is_some(), total: 0 }
}

pub fn connection<D, T: OutputType>(page: Page<D>, key: impl Fn(&D) -> i64, wrap: impl Fn(D) -> T) -> Conn<T> {
    let mut c = Connection::with_additional_fields(
        page.has_previous,
        page.has_next,
        Total { total_count: i32::try_from(page.total).unwrap_or(i32::MAX) },
    );
    c.edges.extend(page.items.into_iter().map(|d| Edge::new(cursor(key(&d)), wrap(d))));
    c
}
