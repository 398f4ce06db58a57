//! The Clients tab as one read (issue 29): a read model that the domain owns
//! and a storage adapter answers in as few round trips as it can (one
//! statement on PostgreSQL). The domain states who may see the rows (R1,
//! R33) in [`ClientsTabQuery`]; the adapter compiles that rule into its
//! statement, and the domain checks the membership it read back against
//! the same rule before it shows anything.

use chrono::{DateTime, Utc};

use super::model::{ClientFilter, ClientRow};
use crate::account::model::Account;
use crate::common::ids::{AccountId, UserId};
use crate::common::page::{Page, PageRequest};
use crate::membership::model::{MemberStatus, Membership};
use crate::membership::ports::MemberPages;

/// The partner users' page of each row of the tab (`partnerUsers`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerUsersQuery {
    pub statuses: Option<Vec<MemberStatus>>,
    pub page: PageRequest,
    pub with_total: bool,
}

/// One page of a partner's Clients tab, read for a viewer.
///
/// The rule the adapter compiles (R1 over R33): the rows are read only when
/// the account is a partner account and the viewer is the operator (`viewer`
/// none) or has an active membership there that is a super admin's or holds
/// both `PARTNER_EMPLOYEE_MANAGEMENT_VIEW` and `_EDIT` (`policy::is_cam_user`).
#[derive(Debug, Clone)]
pub struct ClientsTabQuery<'a> {
    pub partner: AccountId,
    pub viewer: Option<UserId>,
    pub filter: &'a ClientFilter,
    pub page: PageRequest,
    /// For the statuses (R27).
    pub now: DateTime<Utc>,
    pub with_total: bool,
    pub partner_users: Option<PartnerUsersQuery>,
}

/// What the read found. `None` from the port: no such account.
#[derive(Debug, Clone)]
pub struct ClientsTabRead {
    pub account: Account,
    /// The viewer's membership in the account, whatever its status.
    pub membership: Option<Membership>,
    /// The page, when the compiled rule let the viewer see it.
    pub rows: Option<Page<ClientRow>>,
    /// Each row's partner users, when asked and the rows were read.
    pub partner_users: Option<MemberPages<AccountId>>,
}
