//! SCIM provisioning of client accounts (R44): a client's identity provider
//! creates, changes, deactivates and removes the client's own people through
//! SCIM 2.0, with a bearer token of that one account. Partner users are never
//! visible to it (R21). The protocol lives in the API's SCIM adapter; here
//! are the tokens, the SCIM view of a member and the use cases, which keep
//! the membership rules (R26, R31) by calling the same checks as GraphQL.
pub mod model;
pub mod ports;
