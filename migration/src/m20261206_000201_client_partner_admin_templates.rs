//! R58: every client account keeps its own permission templates in
//! `permission_sets` (whose `partner_id` names the owning account), the
//! built-in, read-only *Partner Admin* template first. New client accounts
//! get it when they are created; this gives it to those that exist.
//!
//! The permissions are the Partner Admin set's (R20) as the catalogue
//! stands today, in its storage form, so that this migration never changes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const PARTNER_ADMIN_SET: &str = "CONTACTS_VIEW,CONTACTS_EDIT,COMPANIES_VIEW,COMPANIES_EDIT,DEALS_VIEW,DEALS_EDIT,\
TICKETS_VIEW,TICKETS_EDIT,MARKETING_ACCESS,CONTENT_PUBLISH,WORKFLOWS_EDIT,REPORTS_ACCESS,USERS_ADD_EDIT,TEAMS_EDIT,\
ACCOUNT_SETTINGS_EDIT,PAYMENT_CONNECTION_CREATE,PARTNER_EMPLOYEE_MANAGEMENT_VIEW,PARTNER_EMPLOYEE_MANAGEMENT_EDIT";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let sql = format!(
            "INSERT INTO permission_sets (partner_id, name, name_key, permissions, built_in, created_at, updated_at) \
             SELECT a.id, 'Partner Admin', 'partner admin', '{PARTNER_ADMIN_SET}', TRUE, a.created_at, a.created_at \
             FROM accounts a WHERE a.kind = 'CLIENT' \
             AND NOT EXISTS (SELECT 1 FROM permission_sets s WHERE s.partner_id = a.id AND s.built_in = TRUE)"
        );
        m.get_connection().execute_unprepared(&sql).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "DELETE FROM permission_sets WHERE partner_id IN (SELECT id FROM accounts WHERE kind = 'CLIENT')",
            )
            .await?;
        Ok(())
    }
}
