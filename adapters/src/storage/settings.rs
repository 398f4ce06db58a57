//! Values a server keeps with its database (`server_settings`).

use sea_orm::{ConnectionTrait, DbErr, Statement};

use super::SeaOrmStore;

impl SeaOrmStore {
    /// The value stored under `name`, storing `make()` first if there is
    /// none. Two servers starting at once agree on the first one stored.
    /// Errors: the database cannot be read or written.
    pub async fn setting_or_insert(&self, name: &str, make: impl FnOnce() -> String) -> Result<String, DbErr> {
        let backend = self.conn.get_database_backend();
        let insert = Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DatabaseBackend::Postgres => {
                    "INSERT INTO server_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING"
                }
                _ => "INSERT INTO server_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            },
            [name.into(), make().into()],
        );
        self.conn.execute(insert).await?;
        self.setting(name).await?.ok_or_else(|| DbErr::RecordNotFound(name.to_string()))
    }

    /// The value stored under `name`, if any. Errors: the database cannot
    /// be read.
    pub async fn setting(&self, name: &str) -> Result<Option<String>, DbErr> {
        let backend = self.conn.get_database_backend();
        let select = Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DatabaseBackend::Postgres => "SELECT value FROM server_settings WHERE name = $1",
                _ => "SELECT value FROM server_settings WHERE name = ?",
            },
            [name.into()],
        );
        match self.conn.query_one(select).await? {
            Some(row) => Ok(Some(row.try_get_by_index::<String>(0)?)),
            None => Ok(None),
        }
    }

    /// Stores `value` under `name`, replacing what was there. Errors: the
    /// database cannot be written.
    pub async fn put_setting(&self, name: &str, value: &str) -> Result<(), DbErr> {
        let backend = self.conn.get_database_backend();
        let upsert = Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DatabaseBackend::Postgres => {
                    "INSERT INTO server_settings (name, value) VALUES ($1, $2) \
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value"
                }
                _ => {
                    "INSERT INTO server_settings (name, value) VALUES (?, ?) \
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value"
                }
            },
            [name.into(), value.into()],
        );
        self.conn.execute(upsert).await?;
        Ok(())
    }
}
