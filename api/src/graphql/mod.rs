//! The GraphQL schema: one folder per area (types, queries, mutations), the
//! shared plumbing (ids, errors, loaders, connections) beside them.

pub mod access_link;
pub mod account;
pub mod asset;
pub mod audit;
pub mod connection;
pub mod enums;
pub mod error;
pub mod guard;
pub mod ids;
pub mod loaders;
pub mod membership;
pub mod node;
pub mod notify;
pub mod operator;
pub mod order;
pub mod permission;
pub mod relationship;
pub mod user;

use async_graphql::{Context, EmptySubscription, MergedObject, Schema};
use cam_domain::{Cam, Principal};

/// Limits against expensive or abusive documents.
pub const MAX_DEPTH: usize = 16;
/// Connections cost their page size times their nodes (see `page_cost`).
pub const MAX_COMPLEXITY: usize = 5_000;
pub const MAX_RECURSIVE_DEPTH: usize = 32;
pub const MAX_DIRECTIVES: usize = 20;

#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    account::AccountQuery,
    access_link::AccessLinkQuery,
    membership::MembershipQuery,
    notify::NotifyQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    access_link::AccessLinkMutation,
    membership::MembershipMutation,
    permission::PermissionMutation,
    operator::OperatorMutation,
);

pub type CamSchema = Schema<Query, Mutation, EmptySubscription>;

/// The request id, for logs and `INTERNAL` errors.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

pub fn build_schema(cam: Cam) -> CamSchema {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .data(cam)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(MAX_RECURSIVE_DEPTH)
        .limit_directives(MAX_DIRECTIVES)
        .finish()
}

/// The application.
pub fn cam<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Cam> {
    ctx.data::<Cam>()
}

/// The signed-in principal. Errors: `UNAUTHENTICATED`.
pub fn principal<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Principal> {
    ctx.data_opt::<Principal>().ok_or_else(error::unauthenticated)
}

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription).finish().sdl()
}
