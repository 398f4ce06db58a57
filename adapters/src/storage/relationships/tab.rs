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
use sea_orm::{DatabaseBackend, EntityTrait, Iterable, QueryFilter};

use super::super::entities::{account, membership};
use super::super::memberships::{filter_condition, member_pages, members_spec, MemberRow};
use super::super::sql::Sql;
use super::super::window::{lateral_sql, shift_placeholders, FromRowAt, Parents};
use super::super::{convert, db, joined, Conn, SeaOrmRepository};
use super::clients_tab::{ClientRowQ, ClientsTab, COLUMNS};

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

    /// One statement: the account with the viewer's membership (`v__`, its
    /// columns named apart from the partner users' joined accounts), the
    /// page read only when the rule holds on them (`page__`), and each
    /// row's partner users beside it (a `LATERAL` per row, as
    /// `members_page_per_account` reads them).
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
        let account_columns = <account::Entity as EntityTrait>::Column::iter().count();
        let membership_columns = <membership::Entity as EntityTrait>::Column::iter().count();
        // v__'s columns, then the page's (and `p0`), then the partner users'.
        let page_at = account_columns + membership_columns + 1;
        let users_at = page_at + COLUMNS + 1;
        let parents =
            Parents::Within { from: "v__ LEFT JOIN page__ AS p ON TRUE", select: "v__.*, p.*", order: "p.id" };
        let nested = q.partner_users.as_ref().map(|pu| {
            let select = membership::Entity::find().filter(filter_condition(&partner_users_filter(q.partner, pu)));
            let spec = members_spec(select, &["account_id"], pu.page, pu.with_total, None);
            // Only their totals asked: `LIMIT 0` reads none of their rows.
            let limit = if pu.page.count_only { 0 } else { u64::from(pu.page.first) + 1 };
            (lateral_sql(backend, spec, parents, limit), pu)
        });
        let (at_total, rows_at) = match &nested {
            Some(((sql, values), pu)) => {
                let shifted = shift_placeholders(sql, s.len());
                s.push(" ").push(&shifted);
                s.extend(values.clone());
                (pu.with_total.then_some(users_at), users_at + usize::from(pu.with_total))
            }
            None => {
                s.push(" SELECT v__.*, p.* FROM v__ LEFT JOIN page__ AS p ON TRUE ORDER BY p.id");
                (None, users_at)
            }
        };
        let result = self.conn.query_all(s.statement()).await.map_err(db)?;
        let Some(first) = result.first() else { return Ok(None) };
        let Some(a) = joined::read::<account::Model>(first, "va__").map_err(db)? else { return Ok(None) };
        let account = convert::account(a)?;
        let membership = joined::read::<membership::Model>(first, "vm__").map_err(db)?;
        let membership: Option<Membership> = membership.map(convert::membership).transpose()?;
        let read_rows = first.try_get_by_index::<Option<bool>>(page_at - 1).map_err(db)?.unwrap_or(false);
        if !read_rows {
            return Ok(Some(ClientsTabRead { account, membership, rows: None, partner_users: None }));
        }
        let mut page_rows = Vec::new();
        let mut users = Vec::new();
        let mut totals: HashMap<AccountId, u64> = HashMap::new();
        for r in &result {
            let Some(id) = r.try_get_by_index::<Option<i64>>(page_at).map_err(db)? else { continue };
            if page_rows.last().map(|p: &ClientRowQ| p.id) != Some(id) {
                page_rows.push(ClientRowQ::at(r, page_at).map_err(db)?);
                if let Some(at) = at_total {
                    let client = AccountId::new(r.try_get_by_index::<i64>(page_at + COLUMNS).map_err(db)?);
                    totals.insert(client, r.try_get_by_index::<i64>(at).map_err(db)?.max(0) as u64);
                }
            }
            if nested.is_some() && r.try_get_by_index::<Option<i64>>(rows_at).map_err(db)?.is_some() {
                users.push(MemberRow::from_row_at(r, rows_at).map_err(db)?);
            }
        }
        let rows = tab.finish(&self.conn, page_rows, q.page, q.with_total, total_apart).await?;
        let partner_users = match &nested {
            Some((_, pu)) => {
                let clients: Vec<AccountId> = rows.items.iter().map(|r| r.client.id).collect();
                Some(member_pages(users, &clients, |m| m.account_id, pu.page, &totals)?)
            }
            None => None,
        };
        Ok(Some(ClientsTabRead { account, membership, rows: Some(rows), partner_users }))
    }
}
