//! Database migrations of the Client Access Manager. A migration is never
//! edited once it has landed; changes come as new files.

pub use sea_orm_migration::prelude::*;
pub use sea_orm_migration::seaql_migrations;

mod ddl;
mod m20261122_000001_create_schema;
mod m20261125_000001_one_live_access_link_per_worker;
mod m20261125_000002_page_indexes;
mod m20261125_000003_memberships_user_id;
mod m20261201_live_001_server_settings;
mod m20261201_mail_001_email_delivery;
mod m20261201_scim_001_scim_tables;
mod m20261202_000001_partner_client_counts;
mod m20261204_000001_memberships_by_user_index;
mod m20261206_000101_domain_proofs;
mod m20261206_000201_client_partner_admin_templates;
mod m20261206_000301_locales;
mod m20261206_000401_access_link_declines;
mod m20261206_000501_sessions;
mod m20261206_000701_kept_partner_user_counts;
mod m20261206_000702_search;
mod m20261206_000703_search_by_partner;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_schema::Migration),
            Box::new(m20261125_000001_one_live_access_link_per_worker::Migration),
            Box::new(m20261125_000002_page_indexes::Migration),
            Box::new(m20261125_000003_memberships_user_id::Migration),
            Box::new(m20261201_scim_001_scim_tables::Migration),
            Box::new(m20261201_mail_001_email_delivery::Migration),
            Box::new(m20261201_live_001_server_settings::Migration),
            Box::new(m20261202_000001_partner_client_counts::Migration),
            Box::new(m20261204_000001_memberships_by_user_index::Migration),
            Box::new(m20261206_000101_domain_proofs::Migration),
            Box::new(m20261206_000201_client_partner_admin_templates::Migration),
            Box::new(m20261206_000301_locales::Migration),
            Box::new(m20261206_000401_access_link_declines::Migration),
            Box::new(m20261206_000501_sessions::Migration),
            Box::new(m20261206_000701_kept_partner_user_counts::Migration),
            Box::new(m20261206_000702_search::Migration),
            Box::new(m20261206_000703_search_by_partner::Migration),
        ]
    }
}
