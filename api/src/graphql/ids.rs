//! Opaque global ids (`base64url("Type:123")`) and connection cursors.

use async_graphql::ID;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::error::invalid_input;

/// The object types that have global ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    User,
    PartnerAccount,
    ClientAccount,
    Worker,
    Membership,
    PartnerClient,
    Asset,
    PermissionSet,
    PermissionTemplate,
    AccessLink,
    AuditEvent,
    ScimToken,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::User => "User",
            Kind::PartnerAccount => "PartnerAccount",
            Kind::ClientAccount => "ClientAccount",
            Kind::Worker => "Worker",
            Kind::Membership => "Membership",
            Kind::PartnerClient => "PartnerClient",
            Kind::Asset => "Asset",
            Kind::PermissionSet => "PermissionSet",
            Kind::PermissionTemplate => "PermissionTemplate",
            Kind::AccessLink => "AccessLink",
            Kind::AuditEvent => "AuditEvent",
            Kind::ScimToken => "ScimToken",
        }
    }
    const ALL: [Kind; 12] = [
        Kind::User,
        Kind::PartnerAccount,
        Kind::ClientAccount,
        Kind::Worker,
        Kind::Membership,
        Kind::PartnerClient,
        Kind::Asset,
        Kind::PermissionSet,
        Kind::PermissionTemplate,
        Kind::AccessLink,
        Kind::AuditEvent,
        Kind::ScimToken,
    ];
}

pub fn encode(kind: Kind, raw: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{raw}", kind.name())))
}

/// Any global id: its kind and raw key, or `None` if it is not ours.
pub fn decode_any(id: &str) -> Option<(Kind, i64)> {
    let bytes = URL_SAFE_NO_PAD.decode(id.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (name, raw) = text.split_once(':')?;
    let kind = Kind::ALL.into_iter().find(|k| k.name() == name)?;
    let raw: i64 = raw.parse().ok().filter(|r| *r > 0)?;
    Some((kind, raw))
}

/// The raw key of an id of one kind; `None` for a malformed id or another
/// kind (which the caller then reports as not found, R33).
pub fn decode(kind: Kind, id: &str) -> Option<i64> {
    decode_any(id).filter(|(k, _)| *k == kind).map(|(_, raw)| raw)
}

/// An id in a mutation's input, at `path` under `input`, checked at the
/// edge before any use case runs (R34): one that is not an id of this API
/// is `INVALID_INPUT`; an id of another type names nothing of this one, so
/// it is `NOT_FOUND` (R33).
pub fn input_id(kind: Kind, id: &ID, path: &[&str]) -> cam_domain::Result<i64> {
    input_id_of(&[kind], id, path).map(|(_, raw)| raw)
}

/// As `input_id`, for a field that takes an id of one of several types.
pub fn input_id_of(kinds: &[Kind], id: &ID, path: &[&str]) -> cam_domain::Result<(Kind, i64)> {
    use cam_domain::{Code, Error};
    match decode_any(id) {
        Some((k, raw)) if kinds.contains(&k) => Ok((k, raw)),
        Some(_) => Err(Error::not_found(path, "object")),
        None => Err(Error::refused_at(Code::InvalidInput, path, "not an id of this API")),
    }
}

/// A list of ids in a mutation's input, each made a typed id by `typed`
/// (`MembershipId::new`); every bad one is reported at its index
/// (`[input, <field>, <index>]`).
pub fn input_ids<T>(kind: Kind, ids: &[ID], field: &str, typed: impl Fn(i64) -> T) -> cam_domain::Result<Vec<T>> {
    let mut raw = Vec::with_capacity(ids.len());
    let mut refused = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        match input_id(kind, id, &[field, &i.to_string()]) {
            Ok(r) => raw.push(typed(r)),
            Err(cam_domain::Error::Refused(rs)) => refused.extend(rs),
            Err(other) => return Err(other),
        }
    }
    if refused.is_empty() {
        Ok(raw)
    } else {
        Err(cam_domain::Error::Refused(refused))
    }
}

/// A connection cursor: `base64url("c:123")`.
pub fn cursor(raw: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("c:{raw}"))
}

/// Parses `after`. Errors: a malformed cursor (`INVALID_INPUT`).
pub fn parse_cursor(after: Option<&str>) -> async_graphql::Result<Option<i64>> {
    let Some(after) = after else { return Ok(None) };
    URL_SAFE_NO_PAD
        .decode(after)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("c:").and_then(|n| n.parse().ok()))
        .map(Some)
        .ok_or_else(|| invalid_input("the cursor `after` is not one this server gave"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_keep_their_kind() {
        let id = encode(Kind::Membership, 42);
        assert_eq!(decode(Kind::Membership, &id), Some(42));
        assert_eq!(decode(Kind::Worker, &id), None);
        assert_eq!(decode_any("not-an-id"), None);
        assert_eq!(parse_cursor(Some(&cursor(7))).ok(), Some(Some(7)));
        assert!(parse_cursor(Some("zzz")).is_err());
    }

    #[test]
    fn input_ids_are_refused_at_their_field() {
        // R33, R34: garbage is INVALID_INPUT, another type's id NOT_FOUND,
        // each at the field (and index) it came in.
        use cam_domain::{Code, Error};
        fn code_at(r: cam_domain::Result<Vec<i64>>) -> Vec<(Code, Vec<String>)> {
            match r {
                Err(Error::Refused(rs)) => rs.into_iter().map(|r| (r.code, r.field.unwrap_or_default())).collect(),
                other => panic!("{other:?}"),
            }
        }
        let ids = [encode(Kind::Worker, 1), ID::from("%%%"), encode(Kind::User, 2)];
        assert_eq!(
            code_at(input_ids(Kind::Worker, &ids, "workerIds", |r| r)),
            vec![
                (Code::InvalidInput, vec!["input".to_string(), "workerIds".into(), "1".into()]),
                (Code::NotFound, vec!["input".to_string(), "workerIds".into(), "2".into()]),
            ]
        );
        assert_eq!(input_ids(Kind::Worker, &ids[..1], "workerIds", |r| r).ok(), Some(vec![1]));
    }
}
