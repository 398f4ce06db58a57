//! The `cam` server: GraphQL schema, HTTP, configuration and wiring.
pub mod cli;
pub mod config;
pub mod cors;
pub mod demo;
pub mod graphql;
pub mod http;
mod labels;
pub mod live;
pub mod metrics;
pub mod pages;
pub mod scheduler;
pub mod scim;
pub mod server;
pub mod wiring;

/// mimalloc instead of the system allocator, for every binary that links
/// the server (`cam`, and the tests' `cam-under-test`): a request builds
/// and drops thousands of small values (rows, GraphQL values, JSON), and
/// glibc's malloc and free were 28% of the instructions of a Clients tab
/// page (callgrind, issue 9).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
