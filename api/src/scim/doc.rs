//! The SCIM `User` document (RFC 7643 §4.1) of a SCIM user, and the
//! `ScimUserInput` a request's document gives. Attribute names are
//! case-insensitive; read-only attributes (`id`, `meta`) and attributes this
//! server does not keep are ignored on input.

use cam_domain::scim::model::{ScimEmail, ScimName, ScimUser, ScimUserInput};
use serde_json::{json, Map, Value};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

/// The attributes a request can write, in the document's spelling.
/// `preferredLanguage` and `locale` (R55) are write-only: they set the
/// user's locale (one of five languages, so an identity provider's value
/// cannot be returned as it sent it) and are never returned.
pub const WRITABLE: [&str; 8] =
    ["userName", "externalId", "displayName", "name", "emails", "active", "preferredLanguage", "locale"];

/// An attribute name as this server spells it, from any spelling, with or
/// without the User schema's URN. `None`: not an attribute of ours.
pub fn canonical(raw: &str) -> Option<&'static str> {
    let lower = raw.to_ascii_lowercase();
    let prefix = format!("{}:", USER_SCHEMA.to_ascii_lowercase());
    let name = lower.strip_prefix(&prefix).unwrap_or(&lower);
    WRITABLE.into_iter().chain(["id", "meta", "schemas"]).find(|a| a.eq_ignore_ascii_case(name))
}

/// A name sub-attribute as this server spells it.
pub fn canonical_name_part(raw: &str) -> Option<&'static str> {
    ["formatted", "familyName", "givenName"].into_iter().find(|a| a.eq_ignore_ascii_case(raw))
}

/// An email sub-attribute as this server spells it.
pub fn canonical_email_part(raw: &str) -> Option<&'static str> {
    ["value", "type", "primary"].into_iter().find(|a| a.eq_ignore_ascii_case(raw))
}

/// The writable attributes of a SCIM user, as a document a PATCH edits.
pub fn writable(u: &ScimUser) -> Map<String, Value> {
    let p = &u.profile;
    let mut o = Map::new();
    o.insert("userName".into(), json!(p.user_name));
    if let Some(x) = &p.external_id {
        o.insert("externalId".into(), json!(x));
    }
    if let Some(n) = &p.name {
        o.insert("name".into(), serde_json::to_value(n).unwrap_or(Value::Null));
    }
    if let Some(d) = &p.display_name {
        o.insert("displayName".into(), json!(d));
    }
    o.insert("emails".into(), serde_json::to_value(&p.emails).unwrap_or(Value::Null));
    o.insert("active".into(), json!(u.membership.is_active()));
    o
}

/// The whole `User` document; `base` is the SCIM endpoint's URL.
pub fn render(u: &ScimUser, base: &str) -> Value {
    let id = u.membership.id.get().to_string();
    let mut o = Map::new();
    o.insert("schemas".into(), json!([USER_SCHEMA]));
    o.insert("id".into(), json!(id));
    o.extend(writable(u));
    let modified = u.profile.updated_at.unwrap_or(u.membership.created_at);
    o.insert(
        "meta".into(),
        json!({
            "resourceType": "User",
            "created": u.membership.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "lastModified": modified.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "location": format!("{base}/Users/{id}"),
        }),
    );
    Value::Object(o)
}

fn string(field: &str, v: &Value) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        _ => Err(format!("{field} must be a string")),
    }
}

/// A boolean, also from the strings `"true"`/`"false"` that some identity
/// providers (Entra ID) send.
pub fn boolean(field: &str, v: &Value) -> Result<Option<bool>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        _ => Err(format!("{field} must be true or false")),
    }
}

fn name(v: &Value) -> Result<Option<ScimName>, String> {
    let o = match v {
        Value::Null => return Ok(None),
        Value::Object(o) => o,
        _ => return Err("name must be an object".into()),
    };
    let mut n = ScimName::default();
    for (k, v) in o {
        match canonical_name_part(k) {
            Some("formatted") => n.formatted = string("name.formatted", v)?,
            Some("familyName") => n.family_name = string("name.familyName", v)?,
            Some("givenName") => n.given_name = string("name.givenName", v)?,
            _ => {}
        }
    }
    Ok(Some(n))
}

fn email(v: &Value) -> Result<ScimEmail, String> {
    let Value::Object(o) = v else { return Err("each of emails must be an object".into()) };
    let mut e = ScimEmail { value: String::new(), kind: None, primary: false };
    for (k, v) in o {
        match canonical_email_part(k) {
            Some("value") => e.value = string("emails.value", v)?.unwrap_or_default(),
            Some("type") => e.kind = string("emails.type", v)?,
            Some("primary") => e.primary = boolean("emails.primary", v)?.unwrap_or(false),
            _ => {}
        }
    }
    Ok(e)
}

/// The input a `User` document gives. Errors: an attribute of the wrong type.
pub fn input(doc: &Value) -> Result<ScimUserInput, String> {
    let Value::Object(o) = doc else { return Err("the body must be a User object".into()) };
    let mut input = ScimUserInput::default();
    let (mut preferred, mut locale) = (None, None);
    for (k, v) in o {
        match canonical(k) {
            Some("userName") => input.user_name = string("userName", v)?,
            Some("externalId") => input.external_id = string("externalId", v)?,
            Some("displayName") => input.display_name = string("displayName", v)?,
            Some("name") => input.name = name(v)?,
            Some("emails") => {
                input.emails = match v {
                    Value::Null => Vec::new(),
                    Value::Array(items) => items.iter().map(email).collect::<Result<_, _>>()?,
                    _ => return Err("emails must be a list".into()),
                }
            }
            Some("active") => input.active = boolean("active", v)?,
            Some("preferredLanguage") => preferred = string("preferredLanguage", v)?,
            Some("locale") => locale = string("locale", v)?,
            _ => {}
        }
    }
    // R55: the preferred language wins over the locale when both are sent.
    input.language = preferred.or(locale);
    Ok(input)
}
