//! Counts the tabs show, kept by the database itself (issue 29), so that a
//! page reads them instead of counting rows that grow with the data:
//!
//! - `managed_relationships.active_partner_admins`, `active_super_admins`,
//!   `active_standard`: the relationship's active partner users by role
//!   (memberships of the relationship's client with its `partner_id`,
//!   status `ACTIVE`). They give each row's access types and counts, and
//!   whether the relationship is `ACTIVE` (their sum is above 0, R27).
//! - `partner_client_counts.active_clients`: how many of the partner's
//!   relationships have an active partner user (the `ACTIVE` status's
//!   total).
//! - `worker_client_counts (partner_id, user_id, memberships)`: how many
//!   memberships the user has in clients of the partner (a worker's
//!   `clientMemberships` total).
//!
//! Triggers on `memberships` and `managed_relationships` keep them inside
//! the writing transaction, whatever the path (a use case, a bulk `INSERT …
//! SELECT`, a cascade from a deleted user). PostgreSQL keeps them per
//! statement from transition tables, so a bulk write updates each kept row
//! once and takes the worker rows' locks in ascending order; SQLite per row.
//! A relationship's partner and client never change (nothing changes them):
//! a trigger refuses it, so that no kept count can follow a moved row.
//! `tests/it/kept_counts.rs` compares every kept value with a fresh count
//! after random sequences of writes, sweeps and clock moves.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The relationship's active partner users, all roles.
const ACTIVE_SUM: &str = "active_partner_admins + active_super_admins + active_standard";

const COMMON: [&str; 6] = [
    "ALTER TABLE managed_relationships ADD COLUMN active_partner_admins BIGINT NOT NULL DEFAULT 0",
    "ALTER TABLE managed_relationships ADD COLUMN active_super_admins BIGINT NOT NULL DEFAULT 0",
    "ALTER TABLE managed_relationships ADD COLUMN active_standard BIGINT NOT NULL DEFAULT 0",
    "ALTER TABLE partner_client_counts ADD COLUMN active_clients BIGINT NOT NULL DEFAULT 0",
    // No foreign keys: a deleted user's or account's rows are counted down
    // by the cascade's own triggers, in whatever order the cascade runs.
    "CREATE TABLE worker_client_counts (partner_id BIGINT NOT NULL, user_id BIGINT NOT NULL, \
     memberships BIGINT NOT NULL, PRIMARY KEY (partner_id, user_id))",
    "INSERT INTO worker_client_counts (partner_id, user_id, memberships) \
     SELECT r.partner_id, m.user_id, COUNT(*) FROM managed_relationships r \
     JOIN memberships m ON m.account_id = r.client_id GROUP BY r.partner_id, m.user_id",
];

fn backfill() -> Vec<String> {
    let count = |role: &str| {
        format!(
            "(SELECT COUNT(*) FROM memberships m WHERE m.partner_id = managed_relationships.partner_id \
             AND m.account_id = managed_relationships.client_id AND m.status = 'ACTIVE' AND m.role = '{role}')"
        )
    };
    vec![
        format!(
            "UPDATE managed_relationships SET active_partner_admins = {}, active_super_admins = {}, \
             active_standard = {}",
            count("PARTNER_ADMIN"),
            count("SUPER_ADMIN"),
            count("STANDARD")
        ),
        format!(
            "UPDATE partner_client_counts SET active_clients = (SELECT COUNT(*) FROM managed_relationships r \
             WHERE r.partner_id = partner_client_counts.partner_id AND r.{}> 0)",
            ACTIVE_SUM.replace(" + ", " + r.")
        ),
    ]
}

/// The Clients tab's filters by status: the relationships without an
/// active partner user (`ENDING`, `ENDED`) in id order with their last
/// activity (a page reads them in order and a count reads the index alone),
/// and those with one (`ACTIVE`) in id order.
fn indexes(pg: bool) -> Vec<String> {
    let mut out = vec![
        format!(
            "CREATE INDEX ix_relationships_idle ON managed_relationships (partner_id, id, last_activity_at) \
             WHERE {ACTIVE_SUM} = 0"
        ),
        format!(
            "CREATE INDEX ix_relationships_active_id ON managed_relationships (partner_id, id) WHERE {ACTIVE_SUM} > 0"
        ),
    ];
    if pg {
        // Without statistics on the sum, PostgreSQL guessed that 24 of
        // 100,000 relationships had none active (there were 10,000) and
        // sorted every idle one to page them.
        out.push(format!("CREATE STATISTICS st_relationships_active ON ({ACTIVE_SUM}) FROM managed_relationships"));
        out.push("ANALYZE managed_relationships".into());
    }
    out
}

/// PostgreSQL: the role counts of the relationships that the memberships of
/// `src` (columns `partner_id, account_id, role, status, s`; `s` is +1 or
/// -1) change, and the partners' active clients with them, in one statement.
fn pg_role_delta(src: &str) -> String {
    format!(
        "WITH d AS (SELECT partner_id, account_id, \
           SUM(CASE WHEN role = 'PARTNER_ADMIN' THEN s ELSE 0 END) AS pa, \
           SUM(CASE WHEN role = 'SUPER_ADMIN' THEN s ELSE 0 END) AS sa, \
           SUM(CASE WHEN role = 'STANDARD' THEN s ELSE 0 END) AS st \
           FROM ({src}) x WHERE partner_id IS NOT NULL AND status = 'ACTIVE' GROUP BY partner_id, account_id), \
         u AS (UPDATE managed_relationships r SET active_partner_admins = r.active_partner_admins + d.pa, \
           active_super_admins = r.active_super_admins + d.sa, active_standard = r.active_standard + d.st \
           FROM d WHERE r.partner_id = d.partner_id AND r.client_id = d.account_id \
           AND (d.pa <> 0 OR d.sa <> 0 OR d.st <> 0) \
           RETURNING r.partner_id, r.active_partner_admins + r.active_super_admins + r.active_standard AS now_n, \
           d.pa + d.sa + d.st AS delta) \
         UPDATE partner_client_counts c SET active_clients = c.active_clients + x.n \
         FROM (SELECT partner_id, SUM(CASE WHEN now_n > 0 AND now_n = delta THEN 1 \
           WHEN now_n = 0 AND delta < 0 THEN -1 ELSE 0 END) AS n FROM u GROUP BY partner_id) x \
         WHERE c.partner_id = x.partner_id AND x.n <> 0;"
    )
}

/// PostgreSQL: the worker counts that the memberships of `src` (columns
/// `account_id, user_id, s`) change, in ascending key order.
fn pg_worker_delta(src: &str) -> String {
    format!(
        "INSERT INTO worker_client_counts AS w (partner_id, user_id, memberships) \
         SELECT r.partner_id, x.user_id, SUM(x.s) FROM ({src}) x JOIN managed_relationships r ON r.client_id = x.account_id \
         GROUP BY r.partner_id, x.user_id HAVING SUM(x.s) <> 0 ORDER BY 1, 2 \
         ON CONFLICT (partner_id, user_id) DO UPDATE SET memberships = w.memberships + EXCLUDED.memberships;"
    )
}

fn pg_function(name: &str, body: &str) -> String {
    format!(
        "CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"
    )
}

const MEMBER_COLUMNS: &str = "partner_id, account_id, user_id, role, status";

fn postgres() -> Vec<String> {
    let new = format!("SELECT {MEMBER_COLUMNS}, 1 AS s FROM new_rows");
    let old = format!("SELECT {MEMBER_COLUMNS}, -1 AS s FROM old_rows");
    let moved = "SELECT n.account_id, n.user_id, 1 AS s FROM new_rows n JOIN old_rows o ON o.id = n.id \
                 WHERE o.account_id <> n.account_id OR o.user_id <> n.user_id \
                 UNION ALL SELECT o.account_id, o.user_id, -1 FROM new_rows n JOIN old_rows o ON o.id = n.id \
                 WHERE o.account_id <> n.account_id OR o.user_id <> n.user_id";
    let by_relationship = |rows: &str, s: i32| {
        format!(
            "INSERT INTO worker_client_counts AS w (partner_id, user_id, memberships) \
             SELECT x.partner_id, m.user_id, {s} * COUNT(*) FROM {rows} x JOIN memberships m ON m.account_id = x.client_id \
             GROUP BY x.partner_id, m.user_id ORDER BY 1, 2 \
             ON CONFLICT (partner_id, user_id) DO UPDATE SET memberships = w.memberships + EXCLUDED.memberships;"
        )
    };
    let sum = |t: &str| ACTIVE_SUM.replace("active_", &format!("{t}.active_"));
    vec![
        pg_function(
            "memberships_kept_insert",
            &(pg_role_delta(&new) + &pg_worker_delta(&format!("SELECT account_id, user_id, s FROM ({new}) y"))),
        ),
        pg_function(
            "memberships_kept_delete",
            &(pg_role_delta(&old) + &pg_worker_delta(&format!("SELECT account_id, user_id, s FROM ({old}) y"))),
        ),
        pg_function(
            "memberships_kept_update",
            &(pg_role_delta(&format!("{new} UNION ALL {old}")) + &pg_worker_delta(moved)),
        ),
        "CREATE TRIGGER tr_memberships_kept_insert AFTER INSERT ON memberships \
         REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION memberships_kept_insert()"
            .into(),
        "CREATE TRIGGER tr_memberships_kept_delete AFTER DELETE ON memberships \
         REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION memberships_kept_delete()"
            .into(),
        "CREATE TRIGGER tr_memberships_kept_update AFTER UPDATE ON memberships \
         REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT \
         EXECUTE FUNCTION memberships_kept_update()"
            .into(),
        // A new relationship starts with the counts of the partner users
        // its client already has.
        "CREATE FUNCTION relationships_kept_start() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
           SELECT COUNT(*) FILTER (WHERE role = 'PARTNER_ADMIN'), COUNT(*) FILTER (WHERE role = 'SUPER_ADMIN'), \
             COUNT(*) FILTER (WHERE role = 'STANDARD') \
             INTO NEW.active_partner_admins, NEW.active_super_admins, NEW.active_standard \
             FROM memberships WHERE partner_id = NEW.partner_id AND account_id = NEW.client_id AND status = 'ACTIVE'; \
           RETURN NEW; END $$"
            .into(),
        "CREATE TRIGGER tr_relationships_kept_start BEFORE INSERT ON managed_relationships \
         FOR EACH ROW EXECUTE FUNCTION relationships_kept_start()"
            .into(),
        "CREATE FUNCTION relationships_fixed_pair() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
           RAISE EXCEPTION 'a managed relationship''s partner and client never change'; END $$"
            .into(),
        "CREATE TRIGGER tr_relationships_fixed_pair BEFORE UPDATE OF partner_id, client_id ON managed_relationships \
         FOR EACH ROW WHEN (NEW.partner_id <> OLD.partner_id OR NEW.client_id <> OLD.client_id) \
         EXECUTE FUNCTION relationships_fixed_pair()"
            .into(),
        // The partner's counts (m20261202_000001) now count active clients too.
        pg_function(
            "partner_client_counts_add",
            &format!(
                "INSERT INTO partner_client_counts AS c (partner_id, clients, active_clients) \
                 SELECT partner_id, COUNT(*), COUNT(*) FILTER (WHERE {} > 0) FROM new_rows GROUP BY partner_id \
                 ON CONFLICT (partner_id) DO UPDATE SET clients = c.clients + EXCLUDED.clients, \
                 active_clients = c.active_clients + EXCLUDED.active_clients; {}",
                sum("new_rows"),
                by_relationship("new_rows", 1)
            ),
        ),
        pg_function(
            "partner_client_counts_remove",
            &format!(
                "UPDATE partner_client_counts c SET clients = c.clients - gone.n, active_clients = c.active_clients - gone.a \
                 FROM (SELECT partner_id, COUNT(*) AS n, COUNT(*) FILTER (WHERE {} > 0) AS a FROM old_rows \
                 GROUP BY partner_id) gone WHERE c.partner_id = gone.partner_id; {}",
                sum("old_rows"),
                by_relationship("old_rows", -1)
            ),
        ),
    ]
}

fn sqlite() -> Vec<String> {
    let role_change = |row: &str, sign: &str| {
        format!(
            "UPDATE managed_relationships SET active_partner_admins = active_partner_admins {sign} ({row}.role = 'PARTNER_ADMIN'), \
             active_super_admins = active_super_admins {sign} ({row}.role = 'SUPER_ADMIN'), \
             active_standard = active_standard {sign} ({row}.role = 'STANDARD') \
             WHERE {row}.status = 'ACTIVE' AND partner_id = {row}.partner_id AND client_id = {row}.account_id;"
        )
    };
    let worker_change = |row: &str, sign: &str| {
        format!(
            "INSERT INTO worker_client_counts (partner_id, user_id, memberships) \
             SELECT r.partner_id, {row}.user_id, {sign}1 FROM managed_relationships r WHERE r.client_id = {row}.account_id \
             ON CONFLICT (partner_id, user_id) DO UPDATE SET memberships = memberships {sign} 1;"
        )
    };
    let by_relationship = |row: &str, sign: &str| {
        format!(
            "INSERT INTO worker_client_counts (partner_id, user_id, memberships) \
             SELECT {row}.partner_id, m.user_id, {sign}COUNT(*) FROM memberships m WHERE m.account_id = {row}.client_id \
             GROUP BY m.user_id ON CONFLICT (partner_id, user_id) DO UPDATE SET memberships = memberships + excluded.memberships;"
        )
    };
    let count = |role: &str| {
        format!(
            "(SELECT COUNT(*) FROM memberships m WHERE m.partner_id = NEW.partner_id AND m.account_id = NEW.client_id \
             AND m.status = 'ACTIVE' AND m.role = '{role}')"
        )
    };
    let sum = |row: &str| ACTIVE_SUM.replace("active_", &format!("{row}.active_"));
    vec![
        format!(
            "CREATE TRIGGER tr_memberships_kept_insert AFTER INSERT ON memberships BEGIN {} {} END",
            role_change("NEW", "+"),
            worker_change("NEW", "+")
        ),
        format!(
            "CREATE TRIGGER tr_memberships_kept_delete AFTER DELETE ON memberships BEGIN {} {} END",
            role_change("OLD", "-"),
            worker_change("OLD", "-")
        ),
        format!(
            "CREATE TRIGGER tr_memberships_kept_roles AFTER UPDATE OF partner_id, account_id, role, status ON memberships \
             BEGIN {} {} END",
            role_change("OLD", "-"),
            role_change("NEW", "+")
        ),
        format!(
            "CREATE TRIGGER tr_memberships_kept_workers AFTER UPDATE OF account_id, user_id ON memberships \
             WHEN NEW.account_id <> OLD.account_id OR NEW.user_id <> OLD.user_id BEGIN {} {} END",
            worker_change("OLD", "-"),
            worker_change("NEW", "+")
        ),
        // The partner's active clients follow each relationship's counts.
        format!(
            "CREATE TRIGGER tr_relationships_kept_active AFTER UPDATE OF active_partner_admins, active_super_admins, \
             active_standard ON managed_relationships WHEN ({} > 0) <> ({} > 0) BEGIN \
             UPDATE partner_client_counts SET active_clients = active_clients + (CASE WHEN {} > 0 THEN 1 ELSE -1 END) \
             WHERE partner_id = NEW.partner_id; END",
            sum("NEW"),
            sum("OLD"),
            sum("NEW")
        ),
        // A new relationship starts with the counts of the partner users its
        // client already has; the partner's row may not exist yet (the
        // trigger of m20261202_000001 that counts the client may run after).
        format!(
            "CREATE TRIGGER tr_relationships_kept_start AFTER INSERT ON managed_relationships BEGIN \
             INSERT INTO partner_client_counts (partner_id, clients, active_clients) VALUES (NEW.partner_id, 0, 0) \
             ON CONFLICT (partner_id) DO NOTHING; \
             UPDATE managed_relationships SET active_partner_admins = {}, active_super_admins = {}, active_standard = {} \
             WHERE id = NEW.id; {} END",
            count("PARTNER_ADMIN"),
            count("SUPER_ADMIN"),
            count("STANDARD"),
            by_relationship("NEW", "")
        ),
        format!(
            "CREATE TRIGGER tr_relationships_kept_end AFTER DELETE ON managed_relationships BEGIN \
             UPDATE partner_client_counts SET active_clients = active_clients - 1 \
             WHERE partner_id = OLD.partner_id AND {} > 0; {} END",
            sum("OLD"),
            by_relationship("OLD", "-")
        ),
        "CREATE TRIGGER tr_relationships_fixed_pair BEFORE UPDATE OF partner_id, client_id ON managed_relationships \
         WHEN NEW.partner_id <> OLD.partner_id OR NEW.client_id <> OLD.client_id BEGIN \
         SELECT RAISE(ABORT, 'a managed relationship''s partner and client never change'); END"
            .into(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let pg = m.get_database_backend() == DatabaseBackend::Postgres;
        let statements = COMMON.iter().map(|s| String::from(*s)).chain(backfill()).chain(indexes(pg)).chain(if pg {
            postgres()
        } else {
            sqlite()
        });
        for s in statements {
            db.execute_unprepared(&s).await?;
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // The triggers of m20261202_000001 now call the functions this
        // migration replaced; going back would need both rewritten.
        Err(DbErr::Migration("m20261206_000701 cannot be rolled back".into()))
    }
}
