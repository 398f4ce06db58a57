//! `partnerAccount(id) { clients(…) { … partnerUsers(…) } }` read at once
//! (issue 29): when the account's selection has exactly one `clients`, the
//! resolver of `partnerAccount` asks the domain for the account and that
//! page (with each row's partner users, when exactly one `partnerUsers` is
//! selected under its nodes) in one read, and `clients` takes the page when
//! it is asked with the same arguments. Arguments that do not parse are
//! left to the fields' own resolvers, which report them at their paths.

use std::sync::Mutex;

use async_graphql::{Context, SelectionField};
use cam_domain::relationship::model::ClientFilter as DomainClientFilter;
use cam_domain::relationship::tab::PartnerUsersQuery;
use cam_domain::services::relationships::ClientsTabPage;
use cam_domain::PageRequest;

use super::plan::{argument, page_arguments};
use super::types::{domain_client_filter, ClientFilter};
use crate::graphql::connection::{page_request, Asked};
use crate::graphql::enums::MemberStatus;

/// What `clients` asks: its page, whether its total, its filter, and its
/// rows' partner users.
pub(crate) struct ClientsAsk {
    pub page: PageRequest,
    pub with_total: bool,
    pub filter: DomainClientFilter,
    pub partner_users: Option<PartnerUsersQuery>,
}

/// The Clients tab read along with its account, for `clients` to take.
#[derive(Default)]
pub struct Prefetched(Mutex<Option<Box<Read>>>);

type Read = (ClientsAsk, cam_domain::Result<ClientsTabPage>);

impl Prefetched {
    pub(crate) fn new(ask: ClientsAsk, tab: cam_domain::Result<ClientsTabPage>) -> Self {
        Self(Mutex::new(Some(Box::new((ask, tab)))))
    }

    /// The tab, when it was read for this page, total and filter.
    pub(crate) fn take(
        &self,
        page: PageRequest,
        with_total: bool,
        filter: &DomainClientFilter,
    ) -> Option<cam_domain::Result<ClientsTabPage>> {
        let mut slot = self.0.lock().ok()?;
        let (ask, tab) = *slot.take()?;
        (ask.page == page && ask.with_total == with_total && &ask.filter == filter).then_some(tab)
    }
}

/// The one field of this name among `fields`' children, if only one.
fn only<'a>(fields: impl Iterator<Item = SelectionField<'a>>, name: &str) -> Option<SelectionField<'a>> {
    let mut found = fields.filter(|f| f.name() == name);
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// What the `clients` selected under this `partnerAccount` asks, when it is
/// selected once and its arguments parse.
pub(crate) fn clients_ask(ctx: &Context<'_>) -> Option<ClientsAsk> {
    let ahead = ctx.look_ahead();
    let field = only(ahead.field("clients").selection_fields().into_iter(), "clients")?;
    let (first, after) = page_arguments(&field).ok()?;
    let asked = Asked::of_field(&field);
    let page = asked.page(page_request(first, after).ok()?);
    let filter = domain_client_filter(argument::<ClientFilter>(&field, "filter").ok()?).ok()?;
    let partner_users = only(field.selection_set(), "edges")
        .and_then(|e| only(e.selection_set(), "node"))
        .and_then(|n| only(n.selection_set(), "partnerUsers"))
        .and_then(|f| {
            let (first, after) = page_arguments(&f).ok()?;
            let statuses = argument::<Vec<MemberStatus>>(&f, "status").ok()?;
            let asked = Asked::of_field(&f);
            Some(PartnerUsersQuery {
                statuses: statuses.map(|s| s.into_iter().map(Into::into).collect()),
                page: asked.page(page_request(first, after).ok()?),
                with_total: asked.total,
            })
        });
    Some(ClientsAsk { page, with_total: asked.total, filter, partner_users })
}
