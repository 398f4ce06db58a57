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
pub mod scalars;
pub mod scim;
pub mod subscription;
pub mod user;

use async_graphql::{Context, MergedObject, Schema};
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
    membership::PermissionChangeQuery,
    notify::NotifyQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    access_link::AccessLinkMutation,
    membership::MembershipMutation,
    membership::CrossClientMutation,
    membership::PermissionChangeMutation,
    membership::ExpiryMutation,
    permission::PermissionMutation,
    permission::TemplateMutation,
    operator::OperatorMutation,
    scim::ScimMutation,
    user::UserMutation,
    account::DomainMutation,
);

pub type CamSchema = Schema<Query, Mutation, subscription::Subscription>;

/// Documents kept for automatic persisted queries (Apollo's APQ): the
/// least recently used beyond this are forgotten (the client then sends the
/// document again).
pub const PERSISTED_QUERIES: usize = 256;

/// The request id, for logs and `INTERNAL` errors.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The tracing span of one GraphQL operation (`graphql`, with its operation
/// name), inside the request's span: what an OpenTelemetry layer exports.
/// The transports enter it around execution. It is not a schema extension:
/// with any extension, async-graphql sends every field through the
/// extension chain and looks its type up in the registry, which cost the
/// Clients tab (about 1,800 fields) a third of its time (issue 9).
pub fn operation_span(operation_name: Option<&str>) -> tracing::Span {
    let name: String = operation_name.unwrap_or_default().chars().take(64).collect();
    tracing::info_span!("graphql", operation = %name)
}

/// The schema, with the hub live subscriptions register with (R43). It has
/// no extension (see `operation_span`); automatic persisted queries are
/// the HTTP layer's (`http::apq`), so that the guard sees the whole
/// document of a request sent by hash.
/// Introspection and "did you mean" suggestions are on unless
/// `introspection` is false (`CAM_GRAPHQL_INTROSPECTION=0`, for a
/// production deployment that does not publish its schema).
pub fn build_schema(cam: Cam, live: std::sync::Arc<crate::live::Live>, introspection: bool) -> CamSchema {
    let builder = limited().data(cam).data(live);
    if introspection {
        builder.finish()
    } else {
        builder.disable_introspection().disable_suggestions().finish()
    }
}

/// The schema's builder with its limits, and nothing else.
fn limited() -> async_graphql::SchemaBuilder<Query, Mutation, subscription::Subscription> {
    Schema::build(Query::default(), Mutation::default(), subscription::Subscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(MAX_RECURSIVE_DEPTH)
        .limit_directives(MAX_DIRECTIVES)
}

/// The application.
pub fn cam<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Cam> {
    ctx.data::<Cam>()
}

/// The signed-in principal. Errors: `UNAUTHENTICATED`.
pub fn principal<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Principal> {
    ctx.data_opt::<Principal>().ok_or_else(|| match ctx.data_opt::<NoAccess>() {
        Some(_) => error::forbidden("no user has the email of this token"),
        None => error::unauthenticated(),
    })
}

/// R50: the caller is a person a trusted issuer vouches for, but no user
/// has their email: signed in, with no access (`FORBIDDEN`).
#[derive(Debug, Clone, Copy)]
pub struct NoAccess;

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), subscription::Subscription)
        .finish()
        .sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by())
}

#[cfg(test)]
mod tests {
    //! async-graphql reports its limits and a missing or unknown operation
    //! with messages only; `guard::pre_execution_code` reads them to give
    //! the public code. One test per message, through the real schema, so
    //! that an engine upgrade that rewords one fails here rather than
    //! turning a code into `GRAPHQL_VALIDATION_FAILED` silently.

    use super::guard::{pre_execution_code, BAD_REQUEST, LIMIT_EXCEEDED, VALIDATION_FAILED};
    use super::*;

    /// The code a request's first error gets, and its message.
    async fn code_of(request: async_graphql::Request) -> (&'static str, String) {
        let response = limited().finish().execute(request).await;
        let message = response.errors.first().map(|e| e.message.clone()).unwrap_or_default();
        (pre_execution_code(&message), message)
    }

    fn nested(levels: usize) -> String {
        format!("{{ __schema {{ types {{ {}name{} }} }} }}", "ofType { ".repeat(levels), " }".repeat(levels))
    }

    #[tokio::test]
    async fn too_deep_a_query_is_a_limit() {
        let (code, message) = code_of(nested(MAX_DEPTH).into()).await;
        assert_eq!(code, LIMIT_EXCEEDED, "{message}");
    }

    #[tokio::test]
    async fn too_deep_a_recursion_is_a_limit() {
        let (code, message) = code_of(nested(MAX_RECURSIVE_DEPTH + 1).into()).await;
        assert_eq!(code, LIMIT_EXCEEDED, "{message}");
    }

    #[tokio::test]
    async fn too_complex_a_query_is_a_limit() {
        let fields: String = (0..=MAX_COMPLEXITY).map(|i| format!("a{i}: now ")).collect();
        let (code, message) = code_of(format!("{{ {fields} }}").into()).await;
        assert_eq!(code, LIMIT_EXCEEDED, "{message}");
    }

    #[tokio::test]
    async fn too_many_directives_are_a_limit() {
        let directives = "@skip(if: false) ".repeat(MAX_DIRECTIVES + 1);
        let (code, message) = code_of(format!("{{ now {directives} }}").into()).await;
        assert_eq!(code, LIMIT_EXCEEDED, "{message}");
    }

    #[tokio::test]
    async fn a_missing_or_unknown_operation_is_a_bad_request() {
        let (code, message) = code_of("query A { now } query B { now }".into()).await;
        assert_eq!(code, BAD_REQUEST, "{message}");
        let (code, message) = code_of(async_graphql::Request::new("query A { now }").operation_name("C")).await;
        assert_eq!(code, BAD_REQUEST, "{message}");
    }

    #[tokio::test]
    async fn any_other_error_before_execution_is_a_validation_failure() {
        let (code, message) = code_of("{ nosuchfield }".into()).await;
        assert_eq!(code, VALIDATION_FAILED, "{message}");
    }
}
