//! Integration tests: one binary, a fresh database per test (SQLite by
//! default; PostgreSQL with `CAM_TEST_DATABASE_URL=postgres://…`). Each test
//! cites the rule it proves.

mod access_link;
mod audit;
mod auth;
mod bulk;
mod client_users;
mod concurrency;
mod domains;
mod existence;
mod hostile;
mod http;
mod live;
mod migration;
mod offboarding;
mod operate;
mod page_cost;
mod partner_users;
mod permission_sets;
mod pool;
mod process;
mod race;
mod relationship;
mod schema;
mod tabs;
mod web;
