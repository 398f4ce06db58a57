//! The Clients tab's read model (issue 29): the partner account, the
//! viewer's membership there, the page and each row's partner users. On
//! PostgreSQL one statement; on SQLite, which runs in the process and has no
//! round trip to save, the same reads one after the other.

use std::collections::HashMap;

use cam_domain::account::model::AccountKind;
use cam_domain::account::ports::AccountRepository;
use cam_domain::membership::model::{MemberFilter, Membership, Role};
use cam_domain::membership::ports::{MemberAccountRepository, MembershipRepository};
use cam_domain::permission::model::Permission;
use cam_domain::policy::is_cam_user;
use cam_domain::relationship::ports::RelationshipRepository;
use cam_domain::relationship::tab::{ClientsTabQuery, ClientsTabRead, PartnerUsersQuery};
use cam_domain::{AccountId, StorageError};
use sea_orm::{DatabaseBackend, DbErr, EntityTrait, IdenStatic, Iterable, QueryFilter};

use super::super::entities::{account, membership, permission_set, user};
use super::super::memberships::{
    filter_condition, members_spec, membership_at, permission_set_at, user_at, Joined, People,
};
use super::super::sql::Sql;
use super::super::window::{lateral_parts, shift_placeholders, LateralParts};
use super::super::{convert, db, joined, Conn, SeaOrmRepository};
use super::clients_tab::{ClientRowQ, ClientsTab, COLUMNS};

/// The partner users of each row, as the `partnerUsers` loader reads them.
fn partner_users_filter(partner: AccountId, q: &PartnerUsersQuery) -> MemberFilter {
    MemberFilter { roles: None, statuses: q.statuses.clone(), partner_users_only: true, partner_id: Some(partner) }
}

/// The columns of `E` under `alias`, in the entity's order (`membership_at`
/// and the others read them by position), and how many they are.
fn columns<E: EntityTrait>(alias: &str) -> (String, usize) {
    let names: Vec<String> = E::Column::iter().map(|c| format!("{alias}.\"{}\"", c.as_str())).collect();
    (names.join(", "), names.len())
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
    /// rule holds on them (`page__`, kind 1, with each row's partner-user
    /// total), the partner users of each row (`t__`, kind 2: their
    /// memberships alone) and, once each, their users (kind 3) and sets
    /// (kind 4). Every branch has every column, the others' NULL (typed
    /// by kind 0, see `kinds` below), and the rows
    /// come by kind, then the page row (`r__`), then the membership.
    /// Sending the account and a page row on every partner-user row, and a
    /// user and a set on each of their memberships, was five times the
    /// values and most of the statement's cost in both processes.
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
        let mut parts = Vec::new();
        let mut count = None;
        if let Some((LateralParts { rows, count: c, values, .. }, _)) = &members {
            let at = s.len();
            s.push(", t__ AS (SELECT p.id AS r__, t.* FROM page__ AS p CROSS JOIN LATERAL (")
                .push(&shift_placeholders(rows, at))
                .push(") AS t)");
            count = c.as_ref().map(|c| shift_placeholders(c, at));
            s.extend(values.clone());
            parts = vec![
                ("t", "memberships", columns::<membership::Entity>("t")),
                ("u", "users", columns::<user::Entity>("u")),
                ("s", "permission_sets", columns::<permission_set::Entity>("s")),
            ];
        }
        // Every kind's columns, in order: (alias, table, select list,
        // number of columns). Kind 0 (one row) reads the others' as typed
        // NULLs, from their tables joined on FALSE; the later kinds name
        // them `NULL`, which a `UNION` types from the branches before it.
        // (Joined on FALSE in every branch, each of the 200 rows passed
        // through four joins that copied all its 70 columns: a sixth of
        // PostgreSQL's CPU for the statement.)
        let account_columns = <account::Entity as EntityTrait>::Column::iter().count();
        let membership_count = <membership::Entity as EntityTrait>::Column::iter().count();
        let mut kinds = vec![
            ("v__", "v__", ("v__.*".to_string(), account_columns + membership_count + 1)),
            ("p", "page__", ("p.*".to_string(), COLUMNS + 1)),
        ];
        kinds.extend(parts.iter().cloned());
        let nulls = |except: &str| -> String {
            kinds
                .iter()
                .filter(|(alias, ..)| *alias != except)
                .map(|(a, t, ..)| format!(" LEFT JOIN {t} AS {a} ON FALSE"))
                .collect()
        };
        let select = |kind: u8, own: &str, r: &str, o: &str, total: &str| {
            let list = |from: &[(&str, &str, (String, usize))]| -> Vec<String> {
                from.iter()
                    .map(|(alias, _, (columns, n))| match kind == 0 || *alias == own {
                        true => columns.clone(),
                        false => vec!["NULL"; *n].join(", "),
                    })
                    .collect()
            };
            let (head, members) = kinds.split_at(2);
            let members: String = list(members).iter().map(|c| format!(", {c}")).collect();
            format!("SELECT {kind} AS k__, {r} AS r__, {o} AS o__, {}, {total} AS n__{members}", list(head).join(", "))
        };
        let null = "CAST(NULL AS BIGINT)";
        s.push(&format!(
            " {} FROM (SELECT 1) AS one__ CROSS JOIN v__{}",
            select(0, "v__", null, null, null),
            nulls("v__")
        ));
        let total = match &count {
            Some(_) => "c.\"total__\"",
            None => null,
        };
        s.push(&format!(" UNION ALL {} FROM page__ AS p", select(1, "p", "p.id", null, total)));
        if let Some(count) = &count {
            s.push(&format!(" CROSS JOIN LATERAL ({count}) AS c"));
        }
        if !parts.is_empty() {
            // The memberships of t__ under the name `t`, so that every kind
            // names their columns alike.
            s.push(&format!(" UNION ALL {} FROM t__ AS t", select(2, "t", "t.r__", "t.id", null)));
            s.push(&format!(
                " UNION ALL {} FROM users AS u WHERE u.id = ANY (ARRAY(SELECT DISTINCT t__.user_id FROM t__))",
                select(3, "u", "u.id", null, null),
            ));
            s.push(&format!(
                " UNION ALL {} FROM permission_sets AS s \
                 WHERE s.id = ANY (ARRAY(SELECT DISTINCT t__.permission_set_id FROM t__))",
                select(4, "s", "s.id", null, null),
            ));
        }
        s.push(" ORDER BY 1, 2, 3");
        let result = self.conn.query_all(s.statement()).await.map_err(db)?;
        // Positions: k__, r__, o__, then v__ (the account's, the
        // membership's columns and ok__), the page's (and p0), n__, then
        // the membership's, the user's and the set's.
        let v_at = 3;
        let ok_at = v_at + account_columns + membership_count;
        let page_at = ok_at + 1;
        let n_at = page_at + COLUMNS + 1;
        let members_at = n_at + 1;
        let users_at = members_at + membership_count;
        let sets_at = users_at + <user::Entity as EntityTrait>::Column::iter().count();
        let Some(first) = result.first() else { return Ok(None) };
        if first.try_get_by_index::<i32>(0).map_err(db)? != 0 {
            return Ok(None);
        }
        let Some(a) = joined::read::<account::Model>(first, "va__").map_err(db)? else { return Ok(None) };
        let account = convert::account(a)?;
        let membership = joined::read::<membership::Model>(first, "vm__").map_err(db)?;
        let membership: Option<Membership> = membership.map(convert::membership).transpose()?;
        let read_rows = first.try_get_by_index::<Option<bool>>(ok_at).map_err(db)?.unwrap_or(false);
        if !read_rows {
            return Ok(Some(ClientsTabRead { account, membership, rows: None, partner_users: None }));
        }
        let mut page_rows = Vec::new();
        let mut people = People::default();
        let mut totals: HashMap<AccountId, u64> = HashMap::new();
        for r in &result[1..] {
            match r.try_get_by_index::<i32>(0).map_err(db)? {
                1 => {
                    let row = ClientRowQ::at(r, page_at).map_err(db)?;
                    if count.is_some() {
                        let client = AccountId::new(r.try_get_by_index::<i64>(page_at + COLUMNS).map_err(db)?);
                        totals.insert(client, r.try_get_by_index::<i64>(n_at).map_err(db)?.max(0) as u64);
                    }
                    page_rows.push(row);
                }
                2 => people.memberships.push(membership_at(r, members_at).map_err(db)?.0),
                3 => people.users.push(user_at(r, users_at).map_err(db)?.0),
                4 => people.sets.push(permission_set_at(r, sets_at).map_err(db)?.0),
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
