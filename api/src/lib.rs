//! The `cam` server: GraphQL schema, HTTP, configuration and wiring.
pub mod cli;
pub mod config;
pub mod cors;
pub mod demo;
pub mod graphql;
pub mod http;
pub mod live;
pub mod metrics;
pub mod pages;
pub mod scheduler;
pub mod scim;
pub mod server;
pub mod wiring;
