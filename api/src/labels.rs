//! What a response tells the access log and the metrics about itself: the
//! operation it answered and who called. The transports (`http`, `scim`)
//! put them on their responses; `http`'s request observer reads them.

/// The GraphQL operation a response answered, for the access log and the
/// metrics: a root field of the schema (`query.viewer`), `other` for a
/// request refused before execution.
#[derive(Clone)]
pub(crate) struct Operation(pub(crate) String);

/// Who called: `anonymous`, `user`, `operator`, `no_user` (R50: a person
/// an issuer vouches for who is no user) or `unauthenticated` (a refused
/// token). Never the token or the email.
#[derive(Clone, Copy)]
pub(crate) struct Caller(pub(crate) &'static str);
