//! Asset kinds and assets.

use crate::common::ids::{AccountId, AssetId, UserId};

crate::string_enum! {
    pub enum AssetKind { Contact = "CONTACT", Company = "COMPANY", Deal = "DEAL", Ticket = "TICKET",
        Workflow = "WORKFLOW", Report = "REPORT", Dashboard = "DASHBOARD", List = "LIST", Email = "EMAIL",
        Form = "FORM" }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub id: AssetId,
    pub client_id: AccountId,
    pub owner_id: Option<UserId>,
    pub kind: AssetKind,
    pub name: String,
}
