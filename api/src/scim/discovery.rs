//! Discovery (RFC 7644 §4): what this service provider supports, honestly:
//! PATCH yes; filters yes (up to `MAX_RESULTS` a page); bulk, sort, ETags
//! and password changes no. One resource type, `User`, whose schema lists
//! exactly the attributes kept.

use cam_domain::services::scim::MAX_RESULTS;
use serde_json::{json, Value};

use super::doc::USER_SCHEMA;

pub fn service_provider_config(base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": "https://github.com/client-access-manager#scim",
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": false},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "A SCIM token of one client account, created by one of its super admins (createScimToken).",
            "primary": true
        }],
        "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig")}
    })
}

pub fn user_resource_type(base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "A member of the client account who does not represent a partner",
        "schema": USER_SCHEMA,
        "schemaExtensions": [],
        "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/User")}
    })
}

/// R55: an attribute that is written and never returned (RFC 7643 7).
fn write_only(mut a: Value) -> Value {
    a["mutability"] = json!("writeOnly");
    a["returned"] = json!("never");
    a
}

fn attr(name: &str, ty: &str, required: bool, unique: &str, description: &str) -> Value {
    json!({
        "name": name,
        "type": ty,
        "multiValued": false,
        "description": description,
        "required": required,
        "caseExact": false,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": unique,
    })
}

pub fn user_schema(base: &str) -> Value {
    let mut external_id = attr("externalId", "string", false, "none", "The identity provider's id of the user.");
    external_id["caseExact"] = json!(true);
    let mut name = attr("name", "complex", false, "none", "The user's name.");
    name["subAttributes"] = json!([
        attr("formatted", "string", false, "none", "The full name."),
        attr("familyName", "string", false, "none", "The family name."),
        attr("givenName", "string", false, "none", "The given name."),
    ]);
    let mut emails = attr(
        "emails",
        "complex",
        true,
        "none",
        "Email addresses; the primary one names the person (unknown addresses become new users).",
    );
    emails["multiValued"] = json!(true);
    emails["subAttributes"] = json!([
        attr("value", "string", true, "none", "The address."),
        attr("type", "string", false, "none", "A label, e.g. work."),
        attr("primary", "boolean", false, "none", "Whether this is the primary address."),
    ]);
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": USER_SCHEMA,
        "name": "User",
        "description": "A member of the client account",
        "attributes": [
            attr("userName", "string", true, "server", "Unique in the account, case-insensitively."),
            external_id,
            name,
            attr("displayName", "string", false, "none", "The name to display."),
            emails,
            attr("active", "boolean", true, "none", "false: the membership is deactivated; its data are kept."),
            write_only(attr(
                "preferredLanguage",
                "string",
                false,
                "none",
                "R55: sets the language of the user's emails (BCP 47: en, fr, de, it, ja, any region); others leave it as is. Never returned.",
            )),
            write_only(attr("locale", "string", false, "none", "R55: read as preferredLanguage when that is not sent. Never returned.")),
        ],
        "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{USER_SCHEMA}")}
    })
}
