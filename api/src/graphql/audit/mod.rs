//! `AuditEvent`.

use async_graphql::{Context, Json, Object, Result, ID};

use super::ids::{encode, Kind};
use super::loaders::load;
use super::user::User;

pub struct AuditEvent(pub cam_domain::audit::model::AuditEvent);

#[Object]
impl AuditEvent {
    pub async fn id(&self) -> ID {
        encode(Kind::AuditEvent, self.0.id.get())
    }
    async fn at(&self) -> crate::graphql::scalars::DateTime {
        self.0.at.into()
    }
    /// Null when the operator acted.
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        match self.0.actor_id {
            Some(id) => Ok(load(ctx, id).await?.map(User)),
            None => Ok(None),
        }
    }
    /// Dotted verb, e.g. access_link.approved, membership.permissions_changed.
    async fn action(&self) -> &str {
        &self.0.action
    }
    async fn account_id(&self, ctx: &Context<'_>) -> Result<Option<ID>> {
        let Some(id) = self.0.account_id else { return Ok(None) };
        let account: Option<cam_domain::account::model::Account> = load(ctx, id).await?;
        Ok(account.map(|a| encode(if a.is_partner() { Kind::PartnerAccount } else { Kind::ClientAccount }, id.get())))
    }
    async fn subject(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        match self.0.subject_id {
            Some(id) => Ok(load(ctx, id).await?.map(User)),
            None => Ok(None),
        }
    }
    /// The state before, with ids as the API's global ids.
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        self.0.before.as_ref().map(|v| Json(for_clients(&self.0.action, v)))
    }
    /// The state after, with ids as the API's global ids.
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        self.0.after.as_ref().map(|v| Json(for_clients(&self.0.action, v)))
    }
}

/// The kind of the id stored under `key` in an audit snapshot.
fn id_kind(action: &str, key: &str) -> Option<Kind> {
    Some(match key {
        "accessLinkId" => Kind::AccessLink,
        "assetId" => Kind::Asset,
        "partnerId" | "partnerAccountId" => Kind::PartnerAccount,
        "clientAccountId" => Kind::ClientAccount,
        "permissionSetId" => Kind::PermissionSet,
        "permissionTemplateId" => Kind::PermissionTemplate,
        "membershipId" => Kind::Membership,
        "workerId" => Kind::Worker,
        "userId" | "ownerUserId" | "assetsTo" => Kind::User,
        "id" if action.starts_with("permission_set.") => Kind::PermissionSet,
        "id" if action.starts_with("permission_template.") => Kind::PermissionTemplate,
        _ => return None,
    })
}

/// An audit snapshot as clients read the rest of the API: integer ids as
/// global ids, times (`…At`) as RFC 3339 in UTC with milliseconds.
fn for_clients(action: &str, v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = match (id_kind(action, k), v) {
                        (Some(kind), Value::Number(n)) => match n.as_i64() {
                            Some(id) => Value::String(encode(kind, id).to_string()),
                            None => v.clone(),
                        },
                        (_, Value::String(t)) if k.ends_with("At") => match chrono::DateTime::parse_from_rfc3339(t) {
                            Ok(at) => Value::String(
                                at.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                            ),
                            Err(_) => v.clone(),
                        },
                        _ => for_clients(action, v),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| for_clients(action, v)).collect()),
        _ => v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn snapshots_show_global_ids_and_millisecond_times() {
        let raw = json!({"partnerId": 7, "permissionSetId": null, "role": "STANDARD",
                         "expiresAt": "2026-12-25T14:27:57.832531139+00:00", "nested": [{"assetsTo": 3}]});
        let shown = for_clients("membership.added", &raw);
        assert_eq!(shown["partnerId"], json!(encode(Kind::PartnerAccount, 7).to_string()));
        assert_eq!(shown["permissionSetId"], json!(null));
        assert_eq!(shown["role"], json!("STANDARD"));
        assert_eq!(shown["expiresAt"], json!("2026-12-25T14:27:57.832Z"));
        assert_eq!(shown["nested"][0]["assetsTo"], json!(encode(Kind::User, 3).to_string()));
        assert_eq!(
            for_clients("permission_set.created", &json!({"id": 4}))["id"],
            json!(encode(Kind::PermissionSet, 4).to_string())
        );
        assert_eq!(for_clients("user.created", &json!({"id": 4}))["id"], json!(4));
    }
}
