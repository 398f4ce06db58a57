//! The Clients tab's read model (issue 29): the partner account, the
//! viewer's membership there, the page and each row's partner users. On
//! PostgreSQL one statement; on SQLite, which runs in the process and has no
//! round trip to save, the same reads one after the other.

use std::collections::HashMap;

use cam_domain::account::model::AccountKind;
use cam_domain::account::ports::AccountRepository;
use cam_domain::membership::model::{MemberFilter, Role};
use cam_domain::membership::ports::{MemberAccountRepository, MembershipRepository};
use cam_domain::permission::model::Permission;
use cam_domain::policy::is_cam_user;
use cam_domain::relationship::ports::RelationshipRepository;
use cam_domain::relationship::tab::{ClientsTabQuery, ClientsTabRead, PartnerUsersQuery};
use cam_domain::{AccountId, StorageError};
use sea_orm::{ColumnTrait, ColumnType, DatabaseBackend, DbErr, EntityTrait, IdenStatic, Iterable, QueryFilter};

use super::super::entities::{account, membership, permission_set, user};
use super::super::memberships::{
    account_in, filter_condition, members_spec, membership_in, permission_set_in, user_in, Joined, People,
};
use super::super::sql::Sql;
use super::super::window::{lateral_parts, shift_placeholders, LateralParts};
use super::super::{convert, db, joined, Conn, SeaOrmRepository};
use super::clients_tab::{ClientRowQ, ClientsTab, COLUMNS, PAGE_COLUMNS};

/// The partner users of each row, as the `partnerUsers` loader reads them.
fn partner_users_filter(partner: AccountId, q: &PartnerUsersQuery) -> MemberFilter {
    MemberFilter { roles: None, statuses: q.statuses.clone(), partner_users_only: true, partner_id: Some(partner) }
}

/// The rule of `ClientsTabQuery` (R1 over R33) over the account `a` and the
/// viewer's membership `m`, as SQL: the domain's `is_cam_user`.
fn may_read(viewer_is_operator: bool) -> String {
    let partner = format!("a.kind = '{}'", AccountKind::Partner.as_str());
    if viewer_is_operator {
        return partner;
    }
    let holds = |p: Permission| format!("strpos(',' || m.permissions || ',', ',{},') > 0", p.as_str());
    format!(
        "{partner} AND m.status = 'ACTIVE' AND (m.role = '{}' OR ({} AND {}))",
        Role::SuperAdmin.as_str(),
        holds(Permission::PartnerEmployeeManagementView),
        holds(Permission::PartnerEmployeeManagementEdit)
    )
}

impl<C: Conn> SeaOrmRepository<C> {
    pub(super) async fn read_clients_tab(
        &self,
        q: &ClientsTabQuery<'_>,
    ) -> Result<Option<ClientsTabRead>, StorageError> {
        if self.conn.get_database_backend() == DatabaseBackend::Postgres && !q.page.count_only {
            self.clients_tab_at_once(q).await
        } else {
            self.clients_tab_in_steps(q).await
        }
    }

    /// The account and the viewer's membership, then (when the rule holds)
    /// the page, then its partner users.
    async fn clients_tab_in_steps(&self, q: &ClientsTabQuery<'_>) -> Result<Option<ClientsTabRead>, StorageError> {
        let found = match q.viewer {
            None => self.find_account(q.partner).await?.map(|a| (a, None)),
            Some(u) => self.account_with_membership(q.partner, u).await?,
        };
        let Some((account, membership)) = found else { return Ok(None) };
        let may = account.kind == AccountKind::Partner
            && match (q.viewer, &membership) {
                (None, _) => true,
                (Some(_), Some(m)) => m.is_active() && is_cam_user(m),
                (Some(_), None) => false,
            };
        if !may {
            return Ok(Some(ClientsTabRead { account, membership, rows: None, partner_users: None }));
        }
        let rows = self.clients_of_partner(q.partner, q.filter, q.page, q.now, q.with_total).await?;
        let partner_users = match &q.partner_users {
            Some(pu) => {
                let clients: Vec<AccountId> = rows.items.iter().map(|r| r.client.id).collect();
                let filter = partner_users_filter(q.partner, pu);
                Some(self.members_page_per_account(&clients, &filter, pu.page, pu.with_total).await?)
            }
            None => None,
        };
        Ok(Some(ClientsTabRead { account, membership, rows: Some(rows), partner_users }))
    }

    /// One statement, each row read once: `UNION ALL` of the account with
    /// the viewer's membership (`v__`, kind 0), the page's rows when the
    /// rule holds on them (`page__`, kind 1, with each shown row's
    /// partner-user total), the partner users of each shown row (`t__`,
    /// kind 2: their memberships alone) and, once each, their users (kind
    /// 3) and sets (kind 4); the rows come by kind, then the page row
    /// (`r__`), then the membership. Sending the account and a page row on
    /// every partner-user row, and a user and a set on each of their
    /// memberships, was five times the values and most of the statement's
    /// cost in both processes.
    ///
    /// The kinds share the row's columns (`Layout`): a row is as wide as
    /// the widest kind of each type (25 columns, not the 71 of every kind
    /// side by side, whose NULLs each cost PostgreSQL's executor and its
    /// sending and cam's decoding: a quarter of PostgreSQL's CPU for the
    /// statement). The page's row past its last (read to know that there is
    /// a next page) is not shown: its partner users are not read.
    async fn clients_tab_at_once(&self, q: &ClientsTabQuery<'_>) -> Result<Option<ClientsTabRead>, StorageError> {
        let backend = self.conn.get_database_backend();
        let tab = ClientsTab::new(q.partner, q.filter, q.now);
        let mut s = Sql::new(backend);
        s.push(&format!(
            "WITH v__ AS (SELECT {}, {}, {} AS ok__ FROM accounts a LEFT JOIN memberships m ON m.account_id = a.id AND ",
            joined::select_list::<account::Entity>("a", "va__"),
            joined::select_list::<membership::Entity>("m", "vm__"),
            may_read(q.viewer.is_none()),
        ));
        match q.viewer {
            Some(u) => s.push("m.user_id = ").value(u.get()),
            None => s.push("FALSE"),
        };
        s.push(" WHERE a.id = ").value(q.partner.get()).push("), page__ AS (");
        let total_apart = tab.page_sql(&mut s, q.page, q.with_total, Some("EXISTS (SELECT 1 FROM v__ WHERE v__.ok__)"));
        s.push(")");
        let members = q.partner_users.as_ref().map(|pu| {
            let select = membership::Entity::find().filter(filter_condition(&partner_users_filter(q.partner, pu)));
            let spec = members_spec(select, &["account_id"], pu.page, pu.with_total, None, Joined::Alone);
            // Only their totals asked: `LIMIT 0` reads none of their rows.
            let limit = if pu.page.count_only { 0 } else { u64::from(pu.page.first) + 1 };
            (lateral_parts(backend, spec, limit), pu)
        });
        let mut count = None;
        if let Some((LateralParts { rows, count: c, values, .. }, _)) = &members {
            // The rows the page shows: its key is `r.id` (`page_sql`, within).
            s.push(&format!(
                ", shown__ AS (SELECT * FROM page__ ORDER BY id{})",
                super::super::sql::limit(u64::from(q.page.first))
            ));
            let at = s.len();
            s.push(", t__ AS (SELECT p.id AS r__, t.* FROM shown__ AS p CROSS JOIN LATERAL (")
                .push(&shift_placeholders(rows, at))
                .push(") AS t)");
            count = c.as_ref().map(|c| shift_placeholders(c, at));
            s.extend(values.clone());
        }
        let mut kinds = vec![
            Kind {
                columns: [
                    entity_columns::<account::Entity>("v__", "va__")?,
                    entity_columns::<membership::Entity>("v__", "vm__")?,
                    vec![("v__.ok__".to_string(), SqlType::Bool)],
                ]
                .concat(),
                key: ("CAST(NULL AS BIGINT)", "CAST(NULL AS BIGINT)"),
                from: " FROM v__".to_string(),
            },
            Kind {
                columns: PAGE_COLUMNS
                    .iter()
                    .map(|(c, t)| (format!("p.\"{c}\""), *t))
                    .chain(count.is_some().then(|| ("c.\"total__\"".to_string(), SqlType::Int)))
                    .collect(),
                key: ("p.id", "NULL"),
                from: match &count {
                    // The partner-user totals of the shown rows.
                    Some(count) => format!(
                        " FROM page__ AS p LEFT JOIN (SELECT p.id AS c__, c.\"total__\" FROM shown__ AS p \
                         CROSS JOIN LATERAL ({count}) AS c) AS c ON c.c__ = p.id"
                    ),
                    None => " FROM page__ AS p".to_string(),
                },
            },
        ];
        if members.is_some() {
            kinds.push(Kind {
                columns: entity_columns::<membership::Entity>("t", "")?,
                key: ("t.r__", "t.id"),
                from: " FROM t__ AS t".to_string(),
            });
            kinds.push(Kind {
                columns: entity_columns::<user::Entity>("u", "")?,
                key: ("u.id", "NULL"),
                from: " FROM users AS u WHERE u.id = ANY (ARRAY(SELECT DISTINCT t__.user_id FROM t__))".to_string(),
            });
            kinds.push(Kind {
                columns: entity_columns::<permission_set::Entity>("s", "")?,
                key: ("s.id", "NULL"),
                from: " FROM permission_sets AS s \
                       WHERE s.id = ANY (ARRAY(SELECT DISTINCT t__.permission_set_id FROM t__))"
                    .to_string(),
            });
        }
        // Positions: k__, r__, o__, then the shared columns.
        let layout = Layout::of(&kinds, 3);
        for (k, kind) in kinds.iter().enumerate() {
            s.push(if k == 0 { " " } else { " UNION ALL " });
            s.push(&layout.select(k, kind)).push(&kind.from);
        }
        s.push(" ORDER BY 1, 2, 3");
        let result = self.conn.query_all(s.statement()).await.map_err(db)?;
        let Some(first) = result.first() else { return Ok(None) };
        if first.try_get_by_index::<i32>(0).map_err(db)? != 0 {
            return Ok(None);
        }
        let account_columns = <account::Entity as EntityTrait>::Column::iter().count();
        let membership_count = <membership::Entity as EntityTrait>::Column::iter().count();
        let (account_at, viewer) = layout.positions[0].split_at(account_columns);
        let (membership_at, ok_at) = viewer.split_at(membership_count);
        let account = convert::account(account_in(first, &mut account_at.iter().copied()).map_err(db)?)?;
        let membership = match first.try_get_by_index::<Option<i64>>(membership_at[0]).map_err(db)? {
            Some(_) => {
                Some(convert::membership(membership_in(first, &mut membership_at.iter().copied()).map_err(db)?)?)
            }
            None => None,
        };
        let read_rows = first.try_get_by_index::<Option<bool>>(ok_at[0]).map_err(db)?.unwrap_or(false);
        if !read_rows {
            return Ok(Some(ClientsTabRead { account, membership, rows: None, partner_users: None }));
        }
        let page_at = &layout.positions[1];
        let (client_at, n_at) = (page_at[COLUMNS], page_at.get(COLUMNS + 1).copied());
        let mut page_rows = Vec::new();
        let mut people = People::default();
        let mut totals: HashMap<AccountId, u64> = HashMap::new();
        for r in &result[1..] {
            let kind = r.try_get_by_index::<i32>(0).map_err(db)?;
            let mut at = layout.positions.get(kind as usize).into_iter().flatten().copied();
            match kind {
                1 => {
                    page_rows.push(ClientRowQ::read(r, &mut at).map_err(db)?);
                    // The row past the page's last has none.
                    if let Some(n) =
                        n_at.map(|n| r.try_get_by_index::<Option<i64>>(n)).transpose().map_err(db)?.flatten()
                    {
                        let client = AccountId::new(r.try_get_by_index::<i64>(client_at).map_err(db)?);
                        totals.insert(client, n.max(0) as u64);
                    }
                }
                2 => people.memberships.push(membership_in(r, &mut at).map_err(db)?),
                3 => people.users.push(user_in(r, &mut at).map_err(db)?),
                4 => people.sets.push(permission_set_in(r, &mut at).map_err(db)?),
                kind => return Err(db(DbErr::Custom(format!("the Clients tab read a row of kind {kind}")))),
            }
        }
        let rows = tab.finish(&self.conn, page_rows, q.page, q.with_total, total_apart).await?;
        let partner_users = match &members {
            Some((_, pu)) => {
                let clients: Vec<AccountId> = rows.items.iter().map(|r| r.client.id).collect();
                // Their accounts are the page's clients, read with the page.
                let mut read = people.pages(&clients, |m| m.account_id, pu.page, &totals)?;
                read.accounts = rows.items.iter().map(|r| r.client.clone()).collect();
                Some(read)
            }
            None => None,
        };
        Ok(Some(ClientsTabRead { account, membership, rows: Some(rows), partner_users }))
    }
}

/// The SQL type of a column of the Clients tab's read, by which its kinds
/// of rows share columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SqlType {
    Int,
    Text,
    Time,
    Bool,
}

impl SqlType {
    /// In the order of their columns in the row (`Layout`), each at its
    /// discriminant.
    const ALL: [SqlType; 4] = [SqlType::Int, SqlType::Text, SqlType::Time, SqlType::Bool];

    fn sql(self) -> &'static str {
        match self {
            SqlType::Int => "BIGINT",
            SqlType::Text => "TEXT",
            SqlType::Time => "TIMESTAMPTZ",
            SqlType::Bool => "BOOLEAN",
        }
    }

    /// The type of an entity's column, as its model reads it (`i64`,
    /// `String`, `DateTime<Utc>`, `bool`).
    fn of(column: &ColumnType) -> Option<SqlType> {
        match column {
            ColumnType::BigInteger => Some(SqlType::Int),
            ColumnType::String(_) | ColumnType::Text => Some(SqlType::Text),
            ColumnType::TimestampWithTimeZone => Some(SqlType::Time),
            ColumnType::Boolean => Some(SqlType::Bool),
            _ => None,
        }
    }
}

/// The columns of `E` under `alias`, their names after `prefix`, in the
/// entity's order (`membership_in` and the others read them in that
/// order), with their types.
fn entity_columns<E: EntityTrait>(alias: &str, prefix: &str) -> Result<Vec<(String, SqlType)>, StorageError> {
    E::Column::iter()
        .map(|c| {
            let ty = SqlType::of(c.def().get_column_type()).ok_or_else(|| {
                db(DbErr::Custom(format!("the Clients tab reads no column of the type of {}", c.as_str())))
            })?;
            Ok((format!("{alias}.\"{prefix}{}\"", c.as_str()), ty))
        })
        .collect()
}

/// A kind of row of the read: its columns (an expression and its type),
/// its sort key (`r__`, `o__`) and where its rows come from.
struct Kind {
    columns: Vec<(String, SqlType)>,
    key: (&'static str, &'static str),
    from: String,
}

/// Where each kind's columns are in the row: the kinds share the columns of
/// each type (kind 0's `i`-th `TEXT` column is the same column of the row as
/// kind 2's `i`-th), so the row has as many of each type as the kind with
/// the most.
struct Layout {
    /// The type of each shared column, from `start` on.
    types: Vec<SqlType>,
    start: usize,
    /// For each kind, the position of each of its columns in the row.
    positions: Vec<Vec<usize>>,
}

impl Layout {
    fn of(kinds: &[Kind], start: usize) -> Self {
        let mut types = Vec::new();
        let mut first = [0; SqlType::ALL.len()];
        for (i, ty) in SqlType::ALL.into_iter().enumerate() {
            let widest = kinds.iter().map(|k| k.columns.iter().filter(|(_, t)| *t == ty).count()).max();
            first[i] = start + types.len();
            types.extend(std::iter::repeat_n(ty, widest.unwrap_or(0)));
        }
        let positions = kinds
            .iter()
            .map(|k| {
                let mut next = first;
                k.columns
                    .iter()
                    .map(|(_, ty)| {
                        let at = next[*ty as usize];
                        next[*ty as usize] += 1;
                        at
                    })
                    .collect()
            })
            .collect();
        Self { types, start, positions }
    }

    /// `SELECT k AS k__, r__, o__, …` of kind `k`: its columns where the
    /// layout puts them, NULL elsewhere (typed in the first branch, from
    /// which a `UNION` takes the types).
    fn select(&self, k: usize, kind: &Kind) -> String {
        let mut cells: Vec<Option<&str>> = vec![None; self.types.len()];
        for ((expression, _), at) in kind.columns.iter().zip(&self.positions[k]) {
            cells[at - self.start] = Some(expression);
        }
        let typed = |ty: SqlType| format!("CAST(NULL AS {})", ty.sql());
        let cells: Vec<String> = cells
            .iter()
            .zip(&self.types)
            .map(|(cell, ty)| match (cell, k) {
                (Some(e), _) => (*e).to_string(),
                (None, 0) => typed(*ty),
                (None, _) => "NULL".to_string(),
            })
            .collect();
        let (r, o) = kind.key;
        format!("SELECT {k} AS k__, {r} AS r__, {o} AS o__, {}", cells.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(columns: &[(&str, SqlType)]) -> Kind {
        Kind {
            columns: columns.iter().map(|(c, t)| (c.to_string(), *t)).collect(),
            key: ("r", "o"),
            from: String::new(),
        }
    }

    #[test]
    fn kinds_share_the_columns_of_each_type_and_the_first_types_the_nulls() {
        // Issue 29: a row is as wide as the widest kind of each type, and
        // each kind's columns keep their order within their type.
        let kinds = [
            kind(&[("a", SqlType::Int), ("b", SqlType::Text), ("c", SqlType::Int)]),
            kind(&[("x", SqlType::Text), ("y", SqlType::Text), ("z", SqlType::Bool)]),
        ];
        let layout = Layout::of(&kinds, 3);
        assert_eq!(layout.types, [SqlType::Int, SqlType::Int, SqlType::Text, SqlType::Text, SqlType::Bool]);
        assert_eq!(layout.positions, [vec![3, 5, 4], vec![5, 6, 7]]);
        assert_eq!(
            layout.select(0, &kinds[0]),
            "SELECT 0 AS k__, r AS r__, o AS o__, a, c, b, CAST(NULL AS TEXT), CAST(NULL AS BOOLEAN)"
        );
        assert_eq!(layout.select(1, &kinds[1]), "SELECT 1 AS k__, r AS r__, o AS o__, NULL, NULL, x, y, z");
    }
}
