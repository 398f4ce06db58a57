//! Relay connections from domain pages: keyset cursors, `totalCount`,
//! `first` at most 100.

use std::borrow::Cow;

use async_graphql::connection::PageInfo;
use async_graphql::{Context, Lookahead, Object, OutputType, SelectionField, TypeName};
use cam_domain::{Page, PageRequest};

use super::error::invalid_input;
use super::ids::{cursor, parse_cursor};

/// An edge's cursor, kept as the row's key and encoded (`ids::cursor`)
/// only when a selection asks for it: most pages' edges are read without
/// their cursors (the Clients tab's 200 edges ask for none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cursor(i64);

impl Cursor {
    fn encode(self) -> String {
        cursor(self.0)
    }
}

/// A page of `T` as a Relay connection (`MembershipConnection`, …), with
/// its `totalCount`: async-graphql's `Connection` and `Edge` in what they
/// serve (names, fields, descriptions), but resolved in order. Their
/// fields are in memory, and a page has an edge object per row (the
/// Clients tab 200): async-graphql's own resolve each object's fields
/// concurrently, through a `FuturesUnordered` of their own.
pub struct Conn<T> {
    edges: Vec<Edge<T>>,
    has_previous: bool,
    has_next: bool,
    total: i32,
}

/// An edge in a connection.
pub struct Edge<T> {
    cursor: Cursor,
    node: T,
}

impl<T: OutputType> TypeName for Conn<T> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Connection", T::type_name()).into()
    }
}

impl<T: OutputType> TypeName for Edge<T> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Edge", T::type_name()).into()
    }
}

#[Object(serial, name_type)]
impl<T: OutputType> Conn<T> {
    /// Information to aid in pagination.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_previous_page: self.has_previous,
            has_next_page: self.has_next,
            start_cursor: self.edges.first().map(|e| e.cursor.encode()),
            end_cursor: self.edges.last().map(|e| e.cursor.encode()),
        }
    }

    /// A list of edges.
    async fn edges(&self) -> &[Edge<T>] {
        &self.edges
    }

    /// A list of nodes.
    async fn nodes(&self) -> Vec<&T> {
        self.edges.iter().map(|e| &e.node).collect()
    }

    async fn total_count(&self) -> i32 {
        self.total
    }
}

/// An edge in a connection.
#[Object(serial, name_type)]
impl<T: OutputType> Edge<T> {
    /// The item at the end of the edge
    async fn node(&self) -> &T {
        &self.node
    }

    /// A cursor for use in pagination
    async fn cursor(&self) -> String {
        self.cursor.encode()
    }
}

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
    Conn {
        has_previous: page.has_previous,
        has_next: page.has_next,
        total: i32::try_from(page.total).unwrap_or(i32::MAX),
        edges: page.items.into_iter().map(|d| Edge { cursor: Cursor(key(&d)), node: wrap(d) }).collect(),
    }
}
