//! Indexes for lists that read only their page (issue 9):
//! - `managed_relationships (partner_id, id)`: the Clients tab walks a
//!   partner's relationships in id order from the cursor and stops after
//!   `first + 1` rows, instead of sorting all of them;
//! - `memberships (account_id, partner_id, id)` and `assets (client_id,
//!   owner_id, id)`: the first rows of each parent, in id order, for the
//!   nested connections;
//! - PostgreSQL only: trigram indexes (`pg_trgm`) on the lower-cased client
//!   name and CRM name, so that the Clients tab's search stays fast at
//!   100,000 clients. SQLite has no trigram index and scans; nothing of this
//!   part runs there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const BOTH: [(&str, &str); 3] = [
    ("ix_relationships_partner_id", "managed_relationships (partner_id, id)"),
    ("ix_memberships_account_partner_id", "memberships (account_id, partner_id, id)"),
    ("ix_assets_client_owner_id", "assets (client_id, owner_id, id)"),
];

const POSTGRES: [&str; 3] = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_accounts_name_trgm ON accounts USING gin (lower(name) gin_trgm_ops)",
    "CREATE INDEX ix_relationships_crm_name_trgm ON managed_relationships USING gin (lower(crm_name) gin_trgm_ops)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for (name, on) in BOTH {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON {on}")).await?;
        }
        if m.get_database_backend() == DatabaseBackend::Postgres {
            for s in POSTGRES {
                db.execute_unprepared(s).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared("DROP INDEX ix_relationships_crm_name_trgm").await?;
            db.execute_unprepared("DROP INDEX ix_accounts_name_trgm").await?;
        }
        for (name, _) in BOTH {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }
}
