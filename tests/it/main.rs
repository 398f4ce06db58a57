//! Integration tests: one binary, a fresh database per test (SQLite by
//! default; PostgreSQL with `CAM_TEST_DATABASE_URL=postgres://…`). Each test
//! cites the rule it proves.

mod access_link;
mod approval_page;
mod audit;
mod auth;
mod bulk;
mod client_partner_admin;
mod client_users;
mod clock;
mod concurrency;
mod cross_client;
mod decline;
mod domain_proof;
mod domains;
mod existence;
mod hardening;
mod hostile;
mod http;
mod lifecycle;
mod live;
mod locales;
mod mail;
mod migration;
mod offboarding;
mod oidc;
mod operate;
mod origins;
mod page_cost;
mod partner_users;
mod permission_changes;
mod permission_sets;
mod pool;
mod preview;
mod process;
mod race;
mod relationship;
mod remove_all;
mod schema;
mod scim;
mod sign_in;
mod startup;
mod tabs;
mod templates;
mod transaction;
mod web;
