//! A page of memberships per parent, each with its user, account and
//! permission set, read by one statement and decoded by column position.

use std::collections::HashMap;

use cam_domain::membership::model::Membership;
use cam_domain::membership::ports::MemberPages;
use cam_domain::{PageRequest, StorageError};
use sea_orm::sea_query::{Expr, SelectStatement};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryResult, QueryTrait, Select};

use super::super::entities::{account, membership, permission_set, user};
use super::super::window::{first_per_parent, pages, ByIds, FromRowAt, PerParent, Total};
use super::super::{convert, db, joined, Conn, SeaOrmRepository};

/// A membership with the rows it refers to, read by one statement.
pub(crate) struct MemberRow {
    m: membership::Model,
    u: user::Model,
    a: account::Model,
    ps: Option<permission_set::Model>,
}

/// `fn $read(row, at) -> (Model, next)`: the entity's columns from `at` on,
/// in the entity's column order; `fn $read_in(row, at)`: the same columns
/// at the positions `at` yields, in that order (a statement whose rows of
/// different kinds share their columns, `relationships/tab.rs`); and
/// `$names` the fields in that order (a test holds them to the entity's
/// columns).
macro_rules! by_position {
    ($read:ident, $read_in:ident, $names:ident, $module:ident::Model { $($field:ident),* $(,)? }) => {
        #[cfg(test)]
        const $names: &[&str] = &[$(stringify!($field)),*];
        pub(crate) fn $read(row: &QueryResult, at: usize) -> Result<($module::Model, usize), DbErr> {
            let mut i = at..;
            let m = $read_in(row, &mut i)?;
            Ok((m, i.start))
        }
        pub(crate) fn $read_in(
            row: &QueryResult,
            at: &mut impl Iterator<Item = usize>,
        ) -> Result<$module::Model, DbErr> {
            // A struct's fields are evaluated in the order they are written.
            Ok($module::Model { $($field: row.try_get_by_index(next_column(at)?)?),* })
        }
    };
}

/// The next position of a row read by position.
pub(crate) fn next_column(at: &mut impl Iterator<Item = usize>) -> Result<usize, DbErr> {
    at.next().ok_or_else(|| DbErr::Custom("a row read by position has fewer columns than its model".into()))
}

by_position!(
    membership_at,
    membership_in,
    MEMBERSHIP_FIELDS,
    membership::Model {
        id,
        account_id,
        user_id,
        role,
        seat,
        status,
        permissions,
        permission_set_id,
        partner_id,
        managed_credit,
        worker_kind,
        created_at,
        updated_at,
        expires_at,
        expiry_warned_for,
    }
);
by_position!(user_at, user_in, USER_FIELDS, user::Model { id, email, email_key, name, created_at, locale });
by_position!(account_at, account_in, ACCOUNT_FIELDS, account::Model { id, kind, name, tier, data_center, created_at });
by_position!(
    permission_set_at,
    permission_set_in,
    PERMISSION_SET_FIELDS,
    permission_set::Model { id, partner_id, name, name_key, permissions, built_in, created_at, updated_at }
);

/// The columns of `with_people`, by position: a page of memberships is 150
/// rows of 34 columns, which cost more to find by name (a prefixed name
/// formatted, then hashed, per value) than to decode.
impl FromRowAt for MemberRow {
    fn from_row_at(row: &QueryResult, at: usize) -> Result<Self, DbErr> {
        let (m, at) = membership_at(row, at)?;
        let (u, at) = user_at(row, at)?;
        let (a, at) = account_at(row, at)?;
        let ps = match row.try_get_by_index::<Option<i64>>(at)? {
            Some(_) => Some(permission_set_at(row, at)?.0),
            None => None,
        };
        Ok(Self { m, u, a, ps })
    }
}

/// What a page of memberships is read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Joined {
    /// Each membership's user, account and set on its row (`MemberRow`).
    People,
    /// The memberships' columns alone (`membership_at`): the caller reads
    /// their users, sets and accounts once each, not once per membership.
    Alone,
}

/// A select of memberships joined with their users, accounts and sets
/// (`Joined::People`), or the memberships alone (`Joined::Alone`).
fn with_people(select: Select<membership::Entity>, joined: Joined) -> SelectStatement {
    if joined == Joined::Alone {
        return select.into_query();
    }
    let mut q = select.into_query();
    let m = |c: membership::Column| Expr::col((membership::Entity, c));
    q.inner_join(user::Entity, Expr::col((user::Entity, user::Column::Id)).eq(m(membership::Column::UserId)))
        .inner_join(
            account::Entity,
            Expr::col((account::Entity, account::Column::Id)).eq(m(membership::Column::AccountId)),
        )
        .left_join(
            permission_set::Entity,
            Expr::col((permission_set::Entity, permission_set::Column::Id)).eq(m(membership::Column::PermissionSetId)),
        );
    joined::add_columns::<user::Entity>(&mut q, "users", "u__");
    joined::add_columns::<account::Entity>(&mut q, "accounts", "a__");
    joined::add_columns::<permission_set::Entity>(&mut q, "permission_sets", "ps__");
    q
}

/// What to read per parent of a page of memberships (`partition`, one of
/// their columns), `joined` with their users, accounts and sets or not:
/// `select`'s filter after the page's cursor, and the totals (counted, or
/// `kept`) when asked.
pub(crate) fn members_spec(
    select: Select<membership::Entity>,
    partition: &'static [&'static str],
    page: PageRequest,
    with_total: bool,
    kept: Option<Total<'static>>,
    joined: Joined,
) -> PerParent<'static> {
    let count = with_total.then(|| kept.unwrap_or_else(|| Total::rows("memberships", select.clone().into_query())));
    let mut rows = select;
    if let Some(after) = page.after {
        rows = rows.filter(membership::Column::Id.gt(after));
    }
    // Joined, the ids come first from the index that holds the filter (see
    // `ByIds`); alone, the rows come from that index in order, each fetched
    // once (ids first cost each parent a sort and a second probe per row:
    // a sixth of PostgreSQL's CPU for the Clients tab's read).
    let by_ids = (joined == Joined::People)
        .then(|| ByIds { joined: with_people(membership::Entity::find(), joined), ids: rows.clone().into_query() });
    PerParent { table: "memberships", rows: with_people(rows, joined), count, partition, descending: false, by_ids }
}

/// The pages of the parents from the rows read for them (at most `first +
/// 1` each, in order), with the users, accounts and sets read along.
fn member_pages<K: std::hash::Hash + Eq + Copy>(
    rows: Vec<MemberRow>,
    parents: &[K],
    of: impl Fn(&Membership) -> K,
    page: PageRequest,
    totals: &HashMap<K, u64>,
) -> Result<MemberPages<K>, StorageError> {
    let mut read = People::default();
    for r in rows {
        read.memberships.push(r.m);
        read.users.push(r.u);
        read.accounts.push(r.a);
        read.sets.extend(r.ps);
    }
    read.pages(parents, of, page, totals)
}

/// Memberships and the rows they refer to, as read (a user, account or set
/// may come more than once).
#[derive(Default)]
pub(crate) struct People {
    pub memberships: Vec<membership::Model>,
    pub users: Vec<user::Model>,
    pub accounts: Vec<account::Model>,
    pub sets: Vec<permission_set::Model>,
}

impl People {
    /// The pages of the parents from the memberships read for them (at most
    /// `first + 1` each, in order), each user, account and set once.
    pub(crate) fn pages<K: std::hash::Hash + Eq + Copy>(
        self,
        parents: &[K],
        of: impl Fn(&Membership) -> K,
        page: PageRequest,
        totals: &HashMap<K, u64>,
    ) -> Result<MemberPages<K>, StorageError> {
        let mut users = HashMap::new();
        let mut sets = HashMap::new();
        let mut accounts = HashMap::new();
        for ps in self.sets {
            sets.entry(ps.id).or_insert_with(|| convert::permission_set(ps));
        }
        for u in self.users {
            if let std::collections::hash_map::Entry::Vacant(e) = users.entry(u.id) {
                e.insert(convert::user(u)?);
            }
        }
        for a in self.accounts {
            if let std::collections::hash_map::Entry::Vacant(e) = accounts.entry(a.id) {
                e.insert(convert::account(a)?);
            }
        }
        let items = self.memberships.into_iter().map(convert::membership).collect::<Result<Vec<_>, _>>()?;
        Ok(MemberPages {
            pages: pages(parents, items, of, page, totals),
            users: users.into_values().collect(),
            sets: sets.into_values().collect(),
            accounts: accounts.into_values().collect(),
        })
    }
}

impl<C: Conn> SeaOrmRepository<C> {
    /// The first page of memberships per parent (`partition`, one of its
    /// columns), with their users, accounts and sets, and the totals when
    /// asked: one statement (see `window::first_per_parent`).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn windowed_memberships<K: std::hash::Hash + Eq + Copy>(
        &self,
        select: Select<membership::Entity>,
        partition: &'static [&'static str],
        parents: &[K],
        id: impl Fn(K) -> i64,
        of: impl Fn(&Membership) -> K,
        page: PageRequest,
        with_total: bool,
        kept: Option<Total<'static>>,
    ) -> Result<MemberPages<K>, StorageError> {
        let spec = members_spec(select, partition, page, with_total, kept, Joined::People);
        let keys: Vec<Vec<i64>> = parents.iter().map(|p| vec![id(*p)]).collect();
        let (rows, totals) = first_per_parent::<MemberRow>(&self.conn, spec, &keys, page).await.map_err(db)?;
        let totals: HashMap<K, u64> =
            parents.iter().map(|p| (*p, totals.get(&vec![id(*p)]).copied().unwrap_or(0))).collect();
        member_pages(rows, parents, of, page, &totals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{EntityTrait, IdenStatic, Iterable};

    fn columns<E: EntityTrait>() -> Vec<String> {
        E::Column::iter().map(|c| c.as_str().to_string()).collect()
    }

    #[test]
    fn members_are_read_by_position_in_the_order_with_people_selects_their_columns() {
        // issue 9: a page of members is read by position; a field out of
        // the entity's column order would read another column's value.
        assert_eq!(MEMBERSHIP_FIELDS, columns::<membership::Entity>());
        assert_eq!(USER_FIELDS, columns::<user::Entity>());
        assert_eq!(ACCOUNT_FIELDS, columns::<account::Entity>());
        assert_eq!(PERMISSION_SET_FIELDS, columns::<permission_set::Entity>());
    }
}
