//! Every sentence the approval page shows, in English, in one place (R53),
//! so that the page's words can move to Fluent message files as the
//! emails' did (R55). Functions take the message's variables as plain text;
//! the page escapes what they return. Codes stay in the markup only where
//! they help support (`(ALREADY_APPROVED)`).

use cam_domain::access_link::model::LinkProblem;
use cam_domain::permission::Permission;
use cam_domain::Code;
use chrono::{DateTime, Utc};

pub const TITLE: &str = "Access request";
pub const UNKNOWN_LINK_TITLE: &str = "Unknown access link";
pub const UNKNOWN_LINK: &str = "Check the link you were sent: this one is not known here.";
pub const TRY_AGAIN_TITLE: &str = "Please try again later";
pub const TRY_AGAIN: &str = "The server could not read this access request just now.";

pub const PARTNER: &str = "Partner";
pub const WORKER: &str = "Worker";
pub const EMAIL: &str = "Email";

/// What the worker asks for.
pub fn asks(worker: &str, partner: &str) -> String {
    format!("{worker} of {partner} asks to become a partner admin of your client account.")
}

/// R53: a link that can be approved, and until when.
pub fn can_be_approved(until: DateTime<Utc>) -> String {
    format!("This link can be approved until {}.", moment(until))
}

/// R53: why a link can no longer be approved, in words, in the past tense.
pub fn dead(problem: LinkProblem, expired_at: DateTime<Utc>, worker: &str, partner: &str) -> String {
    match problem {
        LinkProblem::Expired => format!(
            "This link expired on {} and can no longer be approved. Ask {worker} for a new one.",
            moment(expired_at)
        ),
        LinkProblem::Revoked => format!(
            "This link was revoked: {partner} withdrew it or replaced it with a newer one. It can no longer be \
             approved. Ask {worker} for a new one."
        ),
    }
}

pub const GRANTS_TITLE: &str = "What approving grants";
pub fn grants_intro(worker: &str) -> String {
    format!("If you approve, {worker} becomes a member of the client account you choose, with:")
}
pub const ROLE: &str = "the partner admin role;";
pub const SEAT: &str = "the partner seat, which is free and uses none of your paid seats;";
pub fn permissions_heading(count: usize) -> String {
    format!("these {count} permissions (the Partner Admin set):")
}
/// R21: what a partner admin never holds.
pub const NEVER: &str = "A partner admin never becomes a super admin: they cannot manage super admins, see billing or \
                         payment tools, provision users through SCIM, migrate the data centre or manage sensitive \
                         data, unless a super admin of your account grants it later.";
pub const DURATION_TITLE: &str = "For how long";
/// R27: no end date.
pub fn duration(worker: &str, partner: &str) -> String {
    format!(
        "There is no end date. The access lasts until someone in your account removes {worker}, or until the \
         managed relationship between {partner} and your account ends."
    )
}

pub const DECIDE_TITLE: &str = "Approve or decline";
pub const WHO_MAY_DECIDE: &str =
    "A super admin of a client account, or a user who may add and edit its users, decides for it.";
pub const NEEDS_SCRIPT: &str = "Signing in needs JavaScript. Everything above is all that approving grants.";
pub const TOKEN_LABEL: &str = "Your bearer token (development sign-in)";
pub const SIGN_IN: &str = "Sign in";
pub const SIGNING_IN: &str = "Signing in…";
pub const TOKEN_EMPTY: &str = "Paste your token first.";
pub const OFFLINE: &str = "The server could not be reached. Try again.";
pub const TOKEN_INVALID: &str = "That token is not valid or has expired. Paste a current one.";
pub const OPERATOR: &str = "The operator token cannot decide for a client account. Sign in as a person.";

pub fn signed_in_as(name: &str, email: &str) -> String {
    format!("Signed in as {name} ({email}).")
}
pub const OTHER_TOKEN: &str = "Use another token";
pub const ACCOUNTS_LEGEND: &str = "Your client accounts";
pub const MARK_APPROVED: &str = "approved already";
pub const MARK_DECLINED: &str = "declined";
pub const NO_ACCOUNTS: &str = "You may decide for none of your client accounts: it takes a super admin of the \
                               account, or the permission to add and edit its users.";
pub const ALL_DECIDED: &str = "Each of your client accounts has decided about this link already.";
pub fn note_label(worker: &str) -> String {
    format!("Note to {worker} if you decline (optional, at most 500 characters)")
}
pub const APPROVE: &str = "Approve";
pub const DECLINE: &str = "Decline";
pub const BACK: &str = "Back to the access request";

pub fn approved(worker: &str, client: &str) -> String {
    format!("Approved: {worker} is now a partner admin of {client}, with the partner seat.")
}
pub fn declined(worker: &str, client: &str) -> String {
    format!("Declined for {client}: nothing was granted. {worker} is told by email.")
}

pub const FOREIGN_SITE: &str =
    "This request came from another site, so it was refused. Open the access link again and decide there.";
pub const SIGN_IN_FIRST: &str = "Sign in first: paste your token on the access request page.";
pub const CHOOSE_ACCOUNT: &str = "Choose one of your client accounts first.";
pub const FORBIDDEN: &str = "You may not decide for that client account: it takes a super admin or the permission to \
                             add and edit its users.";
pub const BUSY: &str = "The server is busy. Please try again in a moment.";

/// Why a decision was refused, in words.
pub fn refusal(code: Code, worker: &str, partner: &str) -> String {
    match code {
        Code::LinkExpired => format!("This link has expired. Ask {worker} for a new one."),
        Code::LinkRevoked => format!("This link was revoked. Ask {worker} for a new one."),
        Code::LinkDeclined => "Your account declined this link, so it cannot be approved there.".into(),
        Code::AlreadyDeclined => "Your account declined this link already.".into(),
        Code::AlreadyApproved => "Your account approved this link already.".into(),
        Code::AlreadySuperAdmin => format!(
            "{worker} is a super admin of that account already. A super admin changes to partner admin from the \
             partner account instead."
        ),
        Code::NotEligibleForPartnerSeat => {
            format!("{worker} can no longer hold the partner seat: their partner or email domain does not qualify.")
        }
        Code::PartnerTierNotAllowed => format!("{partner} cannot have partner admins."),
        Code::AlreadyMember => format!("{worker} joined that account meanwhile. Try again."),
        Code::NotFound => "This link or client account is unknown to you.".into(),
        Code::InvalidInput => "The note is longer than 500 characters, or the request is malformed.".into(),
        _ => "The request was refused.".into(),
    }
}

/// A permission of the catalogue in words.
pub fn permission(p: Permission) -> &'static str {
    match p {
        Permission::ContactsView => "View contacts",
        Permission::ContactsEdit => "Create and edit contacts",
        Permission::CompaniesView => "View companies",
        Permission::CompaniesEdit => "Create and edit companies",
        Permission::DealsView => "View deals",
        Permission::DealsEdit => "Create and edit deals",
        Permission::TicketsView => "View tickets",
        Permission::TicketsEdit => "Create and edit tickets",
        Permission::MarketingAccess => "Use the marketing tools",
        Permission::ContentPublish => "Publish content",
        Permission::WorkflowsEdit => "Create and edit workflows",
        Permission::ReportsAccess => "View and build reports",
        Permission::UsersAddEdit => "Add and edit users",
        Permission::TeamsEdit => "Create and edit teams",
        Permission::AccountSettingsEdit => "Change the account's settings",
        Permission::PaymentConnectionCreate => "Connect payment processors",
        Permission::PaymentToolsAccess => "Use the payment tools",
        Permission::BillingView => "View billing",
        Permission::BillingEdit => "Change billing",
        Permission::ScimProvisioning => "Provision users through SCIM",
        Permission::DataCenterMigration => "Migrate the account to another data centre",
        Permission::SuperAdminManage => "Add and remove super admins",
        Permission::SensitiveDataManage => "Manage sensitive data",
        Permission::PartnerEmployeeManagementView => "View the partner's employee management",
        Permission::PartnerEmployeeManagementEdit => "Change the partner's employee management",
    }
}

/// A moment as the page writes it: `7 December 2026, 09:00 UTC`.
pub fn moment(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y, %H:%M UTC").to_string()
}
