//! The Clients tab (R27): a partner's clients with their relationship,
//! the counts of their active partner users, filtered, searched and paged.

use cam_domain::membership::model::Role;
use cam_domain::relationship::model::{
    AccessType, ClientFilter, ClientRow, PartnerUserStats, RelationshipStatus, ENDING_PERIOD_DAYS,
};
use cam_domain::{AccountId, Page, PageRequest, StorageError};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{DatabaseBackend, DbErr, QueryResult};

use super::super::entities::{account, relationship};
use super::super::memberships::next_column;
use super::super::sql::Sql;
use super::super::{convert, db, Conn};
use super::client_search::{fts, search_count_sql, search_sql, Fts, DRIVEN_FROM};
use super::tab::SqlType;

/// The relationship's active partner users by role, kept by the database
/// (m20261206_000701): `r.active_partner_admins`, `r.active_super_admins`,
/// `r.active_standard`.
fn active_of(role: Role) -> &'static str {
    match role {
        Role::PartnerAdmin => "r.active_partner_admins",
        Role::SuperAdmin => "r.active_super_admins",
        Role::Standard => "r.active_standard",
    }
}

/// The relationship's active partner users, all roles. The same expression
/// as the partial indexes' predicates (m20261206_000701), so that the
/// status filters can use them.
const ACTIVE_SUM: &str = "r.active_partner_admins + r.active_super_admins + r.active_standard";

/// The partial indexes of the relationships without an active partner user
/// (with their last activity) and with one (m20261206_000701), which SQLite
/// is told to use (`ClientsTab::sqlite_index`).
const IDLE_INDEX: &str = "ix_relationships_idle";
const ACTIVE_INDEX: &str = "ix_relationships_active_id";

/// The search term, when the filter has one.
fn search_term(filter: &ClientFilter) -> Option<&str> {
    filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Whether the filter keeps every client of the partner (a blank search is
/// no search; an empty list of access types or statuses keeps none).
fn unfiltered(filter: &ClientFilter) -> bool {
    filter.access_types.is_none() && filter.statuses.is_none() && search_term(filter).is_none()
}

/// Whether the filter's total reads kept counts (no filter, or statuses
/// alone) rather than the rows it keeps.
fn kept_total(filter: &ClientFilter) -> bool {
    filter.access_types.is_none() && search_term(filter).is_none()
}

fn or_else_false(any: Vec<String>) -> String {
    if any.is_empty() {
        "1 = 0".to_string()
    } else {
        any.join(" OR ")
    }
}

/// A row of the page, read by position (`ClientRowQ::at`).
pub(super) struct ClientRowQ {
    pub(super) id: i64,
    partner_id: i64,
    client_id: i64,
    crm_name: Option<String>,
    started_at: DateTime<Utc>,
    last_activity_at: DateTime<Utc>,
    a_kind: String,
    a_name: String,
    a_tier: Option<String>,
    a_data_center: String,
    a_created_at: DateTime<Utc>,
    n_partner_admins: i64,
    n_super_admins: i64,
    n_standard: i64,
    total__: Option<i64>,
}

/// The number of columns of a page row (`page_sql`'s select list, without
/// `p0`).
pub(super) const COLUMNS: usize = 15;

/// The page's columns with their types: `page_sql`'s select list in
/// `ClientRowQ::read`'s order, then `p0` (within a larger statement).
pub(super) const PAGE_COLUMNS: [(&str, SqlType); COLUMNS + 1] = [
    ("id", SqlType::Int),
    ("partner_id", SqlType::Int),
    ("client_id", SqlType::Int),
    ("crm_name", SqlType::Text),
    ("started_at", SqlType::Time),
    ("last_activity_at", SqlType::Time),
    ("a_kind", SqlType::Text),
    ("a_name", SqlType::Text),
    ("a_tier", SqlType::Text),
    ("a_data_center", SqlType::Text),
    ("a_created_at", SqlType::Time),
    ("n_partner_admins", SqlType::Int),
    ("n_super_admins", SqlType::Int),
    ("n_standard", SqlType::Int),
    ("total__", SqlType::Int),
    ("p0", SqlType::Int),
];

impl ClientRowQ {
    /// The page's columns from `i` on, in `page_sql`'s order: by position,
    /// since a name is looked up by hashing it for every value of every row
    /// (and a statement that joins more tables repeats names).
    pub(super) fn at(row: &QueryResult, i: usize) -> Result<Self, DbErr> {
        Self::read(row, &mut (i..))
    }

    /// The page's columns at the positions `at` yields, in `page_sql`'s
    /// order (a struct's fields are evaluated in the order they are
    /// written).
    pub(super) fn read(row: &QueryResult, at: &mut impl Iterator<Item = usize>) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.try_get_by_index(next_column(at)?)?,
            partner_id: row.try_get_by_index(next_column(at)?)?,
            client_id: row.try_get_by_index(next_column(at)?)?,
            crm_name: row.try_get_by_index(next_column(at)?)?,
            started_at: row.try_get_by_index(next_column(at)?)?,
            last_activity_at: row.try_get_by_index(next_column(at)?)?,
            a_kind: row.try_get_by_index(next_column(at)?)?,
            a_name: row.try_get_by_index(next_column(at)?)?,
            a_tier: row.try_get_by_index(next_column(at)?)?,
            a_data_center: row.try_get_by_index(next_column(at)?)?,
            a_created_at: row.try_get_by_index(next_column(at)?)?,
            n_partner_admins: row.try_get_by_index(next_column(at)?)?,
            n_super_admins: row.try_get_by_index(next_column(at)?)?,
            n_standard: row.try_get_by_index(next_column(at)?)?,
            total__: row.try_get_by_index(next_column(at)?)?,
        })
    }

    fn into_row(self) -> Result<ClientRow, StorageError> {
        let client = convert::account(account::Model {
            id: self.client_id,
            kind: self.a_kind,
            name: self.a_name,
            tier: self.a_tier,
            data_center: self.a_data_center,
            created_at: self.a_created_at,
        })?;
        let relationship = convert::relationship(relationship::Model {
            id: self.id,
            partner_id: self.partner_id,
            client_id: self.client_id,
            crm_name: self.crm_name,
            started_at: self.started_at,
            last_activity_at: self.last_activity_at,
            notice_for: None,
            notice_stage: None,
        });
        let n = |x: i64| u32::try_from(x.max(0)).unwrap_or(u32::MAX);
        let stats = PartnerUserStats {
            active_partner_admins: n(self.n_partner_admins),
            active_super_admins: n(self.n_super_admins),
            active_standard: n(self.n_standard),
        };
        Ok(ClientRow { relationship, stats, client })
    }
}

/// A partner's Clients tab under a filter. `ending_after`: relationships
/// whose last qualifying activity is later than this are still `ENDING`
/// (R27).
#[derive(Clone, Copy)]
pub(super) struct ClientsTab<'a> {
    partner: AccountId,
    filter: &'a ClientFilter,
    ending_after: DateTime<Utc>,
}

impl<'a> ClientsTab<'a> {
    pub(super) fn new(partner: AccountId, filter: &'a ClientFilter, now: DateTime<Utc>) -> Self {
        Self { partner, filter, ending_after: now - Duration::days(ENDING_PERIOD_DAYS) }
    }

    /// The filter as SQL over `r` (the relationship) and `a` (its
    /// client), appended to `q`; `how`: how SQLite reads a search (see
    /// `search_sql`).
    ///
    /// A filter by statuses without `ACTIVE` is written `sum = 0 AND (…)`
    /// (the idle relationships, then their last activity), a conjunct of the
    /// whole filter, which is what lets a partial index of the idle
    /// relationships serve it (`sqlite_index`); with `ACTIVE`, the idle part
    /// is one side of an `OR`.
    fn filter_sql(&self, q: &mut Sql, how: Fts) {
        let ClientsTab { partner, filter, ending_after } = *self;
        q.push(" WHERE r.partner_id = ").value(partner.get());
        if let Some(types) = &filter.access_types {
            let any: Vec<String> = types
                .iter()
                .map(|t| match t {
                    AccessType::PartnerAdmin => format!("{} > 0", active_of(Role::PartnerAdmin)),
                    AccessType::SuperAdmin => format!("{} > 0", active_of(Role::SuperAdmin)),
                    AccessType::Standard => format!("{} > 0", active_of(Role::Standard)),
                    AccessType::None => format!("{ACTIVE_SUM} = 0"),
                })
                .collect();
            q.push(" AND (").push(&or_else_false(any)).push(")");
        }
        if let Some(statuses) = &filter.statuses {
            let mut since = Vec::new();
            for s in statuses {
                let cmp = match s {
                    RelationshipStatus::Active => continue,
                    RelationshipStatus::Ending => ">",
                    RelationshipStatus::Ended => "<=",
                };
                let t = q.bind(ending_after);
                since.push(format!("r.last_activity_at {cmp} {t}"));
            }
            let idle = (!since.is_empty()).then(|| format!("{ACTIVE_SUM} = 0 AND ({})", since.join(" OR ")));
            match (statuses.contains(&RelationshipStatus::Active), idle) {
                (false, Some(idle)) => q.push(" AND ").push(&idle),
                (false, None) => q.push(" AND 1 = 0"),
                (true, Some(idle)) => q.push(&format!(" AND ({ACTIVE_SUM} > 0 OR ({idle}))")),
                (true, None) => q.push(&format!(" AND {ACTIVE_SUM} > 0")),
            };
        }
        if let Some(needle) = search_term(filter) {
            // The display name is the CRM name, else the client's name, kept
            // for the search by the database (m20261206_000702): one index
            // finds the matches, on the partner's relationships only.
            search_sql(q, partner.get(), needle, how);
        }
    }

    /// SQLite's index for `r` under this filter, when a partial index serves
    /// it: the idle relationships' (`ix_relationships_idle`, which holds
    /// their last activity) for statuses without `ACTIVE` or the access type
    /// `NONE` alone, the active ones' for `ACTIVE` alone. Named (`INDEXED
    /// BY`) because SQLite's planner prefers `(partner_id, id)`, which holds
    /// every relationship of the partner, even with statistics: a count of
    /// the `ENDING` ones at 100,000 clients read all 100,000 (20 ms) instead
    /// of the 10,000 idle ones (1.2 ms), and a page of a rare status would
    /// read as many. Each filter it is named for writes the index's
    /// condition as a conjunct (`filter_sql`), so SQLite can always use it.
    /// PostgreSQL chooses by its statistics (m20261206_000701).
    fn sqlite_index(&self, backend: DatabaseBackend) -> Option<&'static str> {
        if backend != DatabaseBackend::Sqlite {
            return None;
        }
        let only =
            |s: &[RelationshipStatus], keep: fn(&RelationshipStatus) -> bool| !s.is_empty() && s.iter().all(keep);
        let statuses = self.filter.statuses.as_deref().unwrap_or_default();
        let none_only = self
            .filter
            .access_types
            .as_deref()
            .is_some_and(|t| !t.is_empty() && t.iter().all(|t| *t == AccessType::None));
        if only(statuses, |s| *s != RelationshipStatus::Active) || none_only {
            Some(IDLE_INDEX)
        } else if only(statuses, |s| *s == RelationshipStatus::Active) {
            Some(ACTIVE_INDEX)
        } else {
            None
        }
    }

    /// ` FROM managed_relationships r` with SQLite's index for the filter.
    fn relationships_sql(&self, q: &mut Sql) {
        q.push(" FROM managed_relationships r");
        if let Some(index) = self.sqlite_index(q.backend()) {
            q.push(" INDEXED BY ").push(index);
        }
    }

    /// `SELECT COUNT(*) AS n` of the Clients tab's filter. The filter reads only
    /// the relationship (the search: the display name kept for it, and on
    /// SQLite each candidate's client name for the final check), so the count
    /// walks `managed_relationships (partner_id, …)` or the search's index.
    ///
    /// Without a filter, the count is the partner's row of
    /// `partner_client_counts`, kept by triggers (m20261202_000001): one row
    /// read, whatever the number of clients.
    fn count_sql(&self, q: &mut Sql) {
        let ClientsTab { partner, filter, .. } = *self;
        if unfiltered(filter) {
            q.push("SELECT COALESCE((SELECT c.clients FROM partner_client_counts c WHERE c.partner_id = ")
                .value(partner.get())
                .push("), 0) AS n");
            return;
        }
        if let (true, Some(statuses)) = (kept_total(filter), &filter.statuses) {
            self.status_count_sql(q, statuses);
            return;
        }
        if let (None, None, Some(needle)) = (&filter.access_types, &filter.statuses, search_term(filter)) {
            if search_count_sql(q, partner.get(), needle) {
                return;
            }
        }
        q.push("SELECT COUNT(*) AS n");
        self.relationships_sql(q);
        self.filter_sql(q, Fts::Probed);
    }

    /// The count of a filter by status alone: the sum of each asked
    /// status's count (they are disjoint). `ACTIVE`'s is the partner's kept
    /// `active_clients` (one row read); `ENDING`'s and `ENDED`'s read the
    /// partial index of the relationships without an active partner user
    /// (`ix_relationships_idle`, which holds their last activity) alone, so
    /// they cost the idle relationships, not the active ones.
    fn status_count_sql(&self, q: &mut Sql, statuses: &[RelationshipStatus]) {
        let partner = self.partner.get();
        let mut parts = Vec::new();
        for status in [RelationshipStatus::Active, RelationshipStatus::Ending, RelationshipStatus::Ended] {
            if !statuses.contains(&status) {
                continue;
            }
            let p = q.bind(partner);
            parts.push(match status {
                RelationshipStatus::Active => format!(
                    "COALESCE((SELECT c.active_clients FROM partner_client_counts c WHERE c.partner_id = {p}), 0)"
                ),
                RelationshipStatus::Ending | RelationshipStatus::Ended => {
                    let t = q.bind(self.ending_after);
                    let cmp = if status == RelationshipStatus::Ending { ">" } else { "<=" };
                    let index = match q.backend() {
                        DatabaseBackend::Sqlite => format!(" INDEXED BY {IDLE_INDEX}"),
                        _ => String::new(),
                    };
                    format!(
                        "(SELECT COUNT(*) FROM managed_relationships r{index} WHERE r.partner_id = {p} \
                         AND {ACTIVE_SUM} = 0 AND r.last_activity_at {cmp} {t})"
                    )
                }
            });
        }
        if parts.is_empty() {
            parts.push("0".to_string());
        }
        q.push("SELECT CAST(").push(&parts.join(" + ")).push(" AS BIGINT) AS n");
    }

    /// How many of the partner's clients the filter keeps, by one statement.
    async fn count<C: Conn>(&self, conn: &C) -> Result<u64, StorageError> {
        let mut c = Sql::new(conn.get_database_backend());
        self.count_sql(&mut c);
        super::super::keyset::count_of(conn, c.statement()).await
    }

    /// One statement for the page (two for a first page filtered by access
    /// type or search that is full and asks for its total). Why this is flat
    /// from 1,000 to 100,000 clients: rows come from the index
    /// `managed_relationships (partner_id, id)` (or its partial twins for the
    /// statuses) in id order, starting after the cursor, and stop at
    /// `first + 1` (LIMIT); each row's partner-user counts, its access types and
    /// whether it is `ACTIVE` are the relationship's own kept columns
    /// (m20261206_000701), so a row costs no probe of `memberships`, and the
    /// totals of no filter and of a status filter are kept counts. Nothing is
    /// grouped or sorted over the partner's whole client list. A filter
    /// that matches few rows still reads past the rows it skips (as any
    /// keyset scan does); the search is the exception that an index serves.
    pub(super) async fn page<C: Conn>(
        &self,
        conn: &C,
        page: PageRequest,
        with_total: bool,
    ) -> Result<Page<ClientRow>, StorageError> {
        if page.count_only {
            // Only the total is asked for (a count on a tab's label): no
            // row is read, and unfiltered it is the partner's kept count.
            let total = if with_total { self.count(conn).await? } else { 0 };
            return Ok(Page { items: Vec::new(), has_next: false, has_previous: page.after.is_some(), total });
        }
        let mut q = Sql::new(conn.get_database_backend());
        let total_apart = self.page_sql(&mut q, page, with_total, None);
        let rows = conn.query_all(q.statement()).await.map_err(db)?;
        let rows = rows.iter().map(|r| ClientRowQ::at(r, 0)).collect::<Result<Vec<_>, _>>().map_err(db)?;
        self.finish(conn, rows, page, with_total, total_apart).await
    }

    /// The page's statement, appended to `q`; whether its total needs a
    /// statement of its own (`total_apart`). `within`: the page is one
    /// part of a larger statement (`tab.rs`): its rows are kept only when
    /// this condition holds, and each carries its client's id as `p0`.
    pub(super) fn page_sql(&self, q: &mut Sql, page: PageRequest, with_total: bool, within: Option<&str>) -> bool {
        let filter = self.filter;
        q.push(&format!(
            "SELECT r.id, r.partner_id, r.client_id, r.crm_name, r.started_at, r.last_activity_at, \
         a.kind AS a_kind, a.name AS a_name, a.tier AS a_tier, a.data_center AS a_data_center, \
         a.created_at AS a_created_at, {} AS n_partner_admins, {} AS n_super_admins, {} AS n_standard, ",
            active_of(Role::PartnerAdmin),
            active_of(Role::SuperAdmin),
            active_of(Role::Standard),
        ));
        // The total rides on the page's statement as an uncorrelated scalar
        // subquery, computed once (PostgreSQL: an InitPlan). A filtered
        // first page is read alone first: when it is not full it is every
        // match, so it is the total, and the filter (a search's trigram
        // scan, a status's probes) runs once instead of twice; only a full
        // one needs the count, by one more statement (`total_apart`).
        let total_apart = with_total && page.after.is_none() && !kept_total(filter);
        if with_total && !total_apart {
            q.push("(");
            self.count_sql(q);
            q.push(") AS total__");
        } else {
            q.push("CAST(NULL AS BIGINT) AS total__");
        }
        if within.is_some() {
            q.push(", r.client_id AS \"p0\"");
        }
        // A search that SQLite's FTS5 table finds reads the page from it:
        // its candidates come in id order, so the page stops at its limit
        // instead of checking every candidate and sorting them.
        let driven = search_term(filter).is_some_and(|n| fts(q.backend(), n)) && within.is_none();
        let key = if driven {
            q.push(DRIVEN_FROM);
            "s.rowid"
        } else {
            self.relationships_sql(q);
            q.push(" JOIN accounts a ON a.id = r.client_id");
            "r.id"
        };
        self.filter_sql(q, if driven { Fts::Driven } else { Fts::Probed });
        if let Some(condition) = within {
            q.push(" AND ").push(condition);
        }
        if let Some(after) = page.after {
            q.push(&format!(" AND {key} > ")).value(after);
        }
        q.push(&format!(" ORDER BY {key}"));
        let limit = u64::from(page.first) + 1;
        if search_term(filter).is_some() {
            // The search's best plan depends on how many rows its term
            // matches (see `client_filter`): a bound limit keeps PostgreSQL
            // planning each execution with the term, never one generic plan
            // for every term.
            q.push(" LIMIT ").value(limit as i64);
        } else {
            q.push(&super::super::sql::limit(limit));
        }
        total_apart
    }

    /// The page of the rows its statement read (at most `first + 1`), with
    /// its total: carried by the rows, or counted by one more statement
    /// when they cannot carry it.
    pub(super) async fn finish<C: Conn>(
        &self,
        conn: &C,
        rows: Vec<ClientRowQ>,
        page: PageRequest,
        with_total: bool,
        total_apart: bool,
    ) -> Result<Page<ClientRow>, StorageError> {
        let counted = rows.first().and_then(|r| r.total__);
        let mut items = rows.into_iter().map(ClientRowQ::into_row).collect::<Result<Vec<_>, _>>()?;
        let has_next = items.len() > page.first as usize;
        items.truncate(page.first as usize);
        let total = match (with_total, counted) {
            (false, _) => 0,
            (true, _) if total_apart && !has_next => items.len() as u64,
            (true, Some(n)) => n.max(0) as u64,
            // No row to carry it: nothing matches, or the cursor is past the
            // end, or a full filtered first page (then one more statement
            // counts).
            (true, None) if page.after.is_none() && !total_apart => 0,
            (true, None) => self.count(conn).await?,
        };
        Ok(Page { items, has_next, has_previous: page.after.is_some(), total })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names of a select list's columns, in order: each item's alias,
    /// else its column (items split at commas outside parentheses).
    fn column_names(list: &str) -> Vec<String> {
        let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
        for (i, c) in list.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&list[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        items.push(&list[start..]);
        items
            .iter()
            .map(|item| {
                let name = item.rsplit(" AS ").next().unwrap_or(item).trim();
                name.rsplit('.').next().unwrap_or(name).trim_matches('"').to_string()
            })
            .collect()
    }

    #[test]
    fn the_page_selects_the_columns_the_shared_read_names_in_their_order() {
        // Issue 29: the Clients tab's read at once (`tab.rs`) names the
        // page's columns from `PAGE_COLUMNS` and reads them by position, so
        // the page's select list must be that list.
        let filter = ClientFilter::default();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let tab = ClientsTab::new(AccountId::new(1), &filter, now);
        let mut q = Sql::new(DatabaseBackend::Postgres);
        tab.page_sql(&mut q, PageRequest { first: 50, after: None, count_only: false }, true, Some("TRUE"));
        let sql = q.statement().sql;
        let list = &sql["SELECT ".len()..sql.find(" FROM managed_relationships").unwrap()];
        let expected: Vec<&str> = PAGE_COLUMNS.iter().map(|(name, _)| *name).collect();
        assert_eq!(column_names(list), expected);
    }
}
