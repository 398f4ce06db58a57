//! SCIM use cases (R44): the provisioning a token allows in its one
//! account (tokens: `tokens`). Every change runs in one
//! transaction with the account locked, keeps R26 and R31 through the same
//! checks as GraphQL, and writes its `scim.*` audit event in it.

pub mod tokens;

use std::sync::Arc;

use crate::access_link::ports::LinkTokens;
use crate::policy::Policy;
use crate::services::memberships::MembershipService;
use crate::store::{body, Store};

use serde_json::{json, Value};

use crate::common::error::{Code, Error, Result, StorageError};
use crate::common::ids::{AccountId, MembershipId, UserId};
use crate::membership::model::{MemberStatus, Membership, NewMembership, Role, Seat};
use crate::permission::Permissions;
use crate::policy::snapshot;
use crate::scim::model::{is_scim_user, ScimCaller, ScimFilter, ScimProfile, ScimUser, ScimUserInput, ValidUser};
use crate::store::Repository;
use crate::user::model::Email;

/// Most SCIM users one list answers.
pub const MAX_RESULTS: u32 = 100;

/// The SCIM user `id` of `client`, read with the account locked (every
/// change of a SCIM user holds its account's lock, R31). Unknown: `NOT_FOUND`.
async fn locked_scim_user(repo: &dyn Repository, client: AccountId, id: MembershipId) -> Result<ScimUser> {
    repo.lock_account(client).await?;
    repo.scim_user(client, id).await?.ok_or_else(not_found)
}

fn not_found() -> Error {
    Error::refused(Code::NotFound, "no such user")
}

fn invalid((field, why): (String, String)) -> Error {
    Error::refused_at(Code::InvalidInput, &[&field], why)
}

/// The audit snapshot `v` with the user's locale (R55).
fn with_locale(mut v: Value, locale: crate::user::model::Locale) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.insert("locale".into(), json!(locale.as_str()));
    }
    v
}

/// What the audit log keeps of a SCIM record.
fn profile_json(p: &ScimProfile) -> Value {
    json!({
        "userName": p.user_name,
        "externalId": p.external_id,
        "displayName": p.display_name,
        "emails": p.emails.iter().map(|e| e.value.as_str()).collect::<Vec<_>>(),
    })
}

/// The addresses a SCIM user takes: its primary email and its `userName`
/// when that is an address, lower-cased, each once.
fn addresses(valid: &ValidUser) -> Vec<Email> {
    let mut all = vec![valid.email.clone()];
    if let Ok(e) = Email::parse(&valid.profile.user_name) {
        if e.key() != valid.email.key() {
            all.push(e);
        }
    }
    all
}

/// SCIM provisioning of a client's own people (R44).
#[derive(Clone)]
pub struct ScimService {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) policy: Policy,
    /// SCIM tokens and their hashes.
    pub(crate) tokens: Arc<dyn LinkTokens>,
    /// R26, R31: the same membership rules as GraphQL.
    pub(crate) memberships: MembershipService,
}

impl ScimService {
    /// R44: none of `addresses` is the email of a member of `client` other
    /// than `except` (partner users included, whom SCIM never shows):
    /// `ALREADY_MEMBER` (409 uniqueness), the same answer on create,
    /// replace and patch.
    async fn scim_addresses_free(
        &self,
        repo: &dyn Repository,
        client: AccountId,
        addresses: &[Email],
        except: Option<UserId>,
    ) -> Result<()> {
        for email in addresses {
            let Some(u) = repo.find_user_by_email(email).await? else { continue };
            if Some(u.id) != except && repo.membership_of(client, u.id).await?.is_some() {
                return Err(Error::refused_at(
                    Code::AlreadyMember,
                    &["emails"],
                    "a user with this email is a member of this account already",
                ));
            }
        }
        Ok(())
    }

    /// R44: a page of the account's SCIM users: `count` (at most
    /// [`MAX_RESULTS`]) from the 1-based `start_index`, and the total.
    pub async fn scim_list_users(
        &self,
        caller: ScimCaller,
        filter: &ScimFilter,
        start_index: u64,
        count: u32,
    ) -> Result<(Vec<ScimUser>, u64)> {
        let offset = start_index.max(1) - 1;
        Ok(self.store.scim_users(caller.account, filter, offset, count.min(MAX_RESULTS)).await?)
    }

    /// R44: one SCIM user of the caller's account. Partner users, members of
    /// other accounts and unknown ids alike: `NOT_FOUND`.
    pub async fn scim_get_user(&self, caller: ScimCaller, id: MembershipId) -> Result<ScimUser> {
        self.store.scim_user(caller.account, id).await?.ok_or_else(not_found)
    }

    /// R44: creates a SCIM user: a `STANDARD` member with a `CORE` seat and
    /// no permissions; an unknown email becomes a new user. An email of
    /// anyone who is a member already (a partner user included) or a taken
    /// `userName`: `ALREADY_EXISTS` (409 uniqueness).
    #[tracing::instrument(skip(self, input), err(level = "debug"))]
    pub async fn scim_create_user(&self, caller: ScimCaller, input: ScimUserInput) -> Result<ScimUser> {
        let valid = input.validate().map_err(invalid)?;
        let client = caller.account;
        let valid = &valid;
        self.store
            .transaction(|tx| {
                body(async move {
                    tx.lock_account(client).await?;
                    self.scim_addresses_free(tx.repo(), client, &addresses(valid), None).await?;
                    let known = tx.find_user_by_email(&valid.email).await?;
                    let key = valid.profile.user_name_key();
                    if tx.scim_user_name_taken(client, &key, None).await? {
                        return Err(Error::refused_at(Code::AlreadyExists, &["userName"], "this userName is taken"));
                    }
                    let mut user = match known {
                        Some(u) => u,
                        None => {
                            let u = match tx.insert_user(&valid.email, &valid.person_name(), self.policy.now()).await {
                                Err(StorageError::Conflict(_)) => {
                                    return Err(StorageError::Transient("user created meanwhile".into()).into())
                                }
                                r => r?,
                            };
                            let mut ev = self.policy.event(None, "user.created");
                            ev.subject_id = Some(u.id);
                            ev.account_id = Some(client);
                            ev.after = Some(
                                json!({"email": u.email.as_str(), "name": u.name, "scimTokenId": caller.token.get()}),
                            );
                            tx.record(ev).await?;
                            u
                        }
                    };
                    let mut m = tx
                        .insert_membership(NewMembership {
                            account_id: client,
                            user_id: user.id,
                            role: Role::Standard,
                            seat: Seat::Core,
                            permissions: Permissions::empty(),
                            permission_set_id: None,
                            partner_id: None,
                            managed_credit: false,
                            worker_kind: None,
                            created_at: self.policy.now(),
                        })
                        .await?;
                    if !valid.active {
                        m.status = MemberStatus::Deactivated;
                        tx.update_membership(&m, self.policy.now()).await?;
                    }
                    let profile = ScimProfile { updated_at: Some(self.policy.now()), ..valid.profile.clone() };
                    match tx.save_scim_profile(client, m.id, &profile).await {
                        Err(StorageError::Conflict(_)) => {
                            return Err(Error::refused_at(Code::AlreadyExists, &["userName"], "this userName is taken"))
                        }
                        r => r?,
                    }
                    if let Some(locale) = valid.locale.filter(|l| *l != user.locale) {
                        // R55: the identity provider sets the user's language.
                        tx.set_user_locale(user.id, locale).await?;
                        user.locale = locale;
                    }
                    let mut ev = self.policy.membership_event(None, "scim.user_created", None, &m);
                    ev.after = Some(with_locale(self.scim_after(caller, &m, &profile), user.locale));
                    tx.record(ev).await?;
                    Ok(ScimUser { membership: m, user, profile, stored: true })
                })
            })
            .await
    }

    fn scim_after(&self, caller: ScimCaller, m: &Membership, p: &ScimProfile) -> Value {
        let mut v = snapshot(m);
        if let Some(o) = v.as_object_mut() {
            o.insert("scim".into(), profile_json(p));
            o.insert("scimTokenId".into(), json!(caller.token.get()));
        }
        v
    }

    /// R44: replaces a SCIM user (PUT).
    pub async fn scim_replace_user(
        &self,
        caller: ScimCaller,
        id: MembershipId,
        input: ScimUserInput,
    ) -> Result<ScimUser> {
        self.scim_update_user(caller, id, &|_: &ScimUser| Ok(input.clone())).await
    }

    /// R44: changes a SCIM user: `change` turns the user as stored (read
    /// under the account's lock) into the wanted one (a PATCH applies its
    /// operations there). Deactivating keeps R31 (`LAST_SUPER_ADMIN`, 409);
    /// `userName` stays unique (409). Each kind of change is audited:
    /// `scim.user_updated`, `scim.user_deactivated`, `scim.user_reactivated`.
    #[tracing::instrument(skip(self, change), err(level = "debug"))]
    pub async fn scim_update_user(
        &self,
        caller: ScimCaller,
        id: MembershipId,
        change: &(dyn Fn(&ScimUser) -> Result<ScimUserInput> + Send + Sync),
    ) -> Result<ScimUser> {
        let client = caller.account;
        self.store
            .transaction(|tx| {
                body(async move {
                    let current = locked_scim_user(tx.repo(), client, id).await?;
                    let valid = change(&current)?.validate().map_err(invalid)?;
                    let taken_now = [current.profile.user_name_key(), current.profile.email_key()];
                    let new: Vec<Email> =
                        addresses(&valid).into_iter().filter(|e| !taken_now.contains(&e.key())).collect();
                    self.scim_addresses_free(tx.repo(), client, &new, Some(current.user.id)).await?;
                    let before = current.membership.clone();
                    let mut after = before.clone();
                    if valid.active != before.is_active() {
                        after.status = if valid.active { MemberStatus::Active } else { MemberStatus::Deactivated };
                        if !valid.active {
                            // R26, R31: the same check as every other deactivation.
                            self.memberships.keep_a_super_admin(tx.repo(), &[&before], &["active"]).await?;
                        }
                        tx.update_membership(&after, self.policy.now()).await?;
                        let action = if valid.active { "scim.user_reactivated" } else { "scim.user_deactivated" };
                        let mut ev = self.policy.membership_event(None, action, Some(&before), &after);
                        ev.after = Some(self.scim_after(caller, &after, &current.profile));
                        tx.record(ev).await?;
                    }
                    let mut user = current.user.clone();
                    let locale = valid.locale.filter(|l| *l != user.locale);
                    if let Some(locale) = locale {
                        // R55: the identity provider sets the user's language.
                        tx.set_user_locale(user.id, locale).await?;
                        user.locale = locale;
                    }
                    let mut profile = valid.profile;
                    let changed = locale.is_some()
                        || !current.stored
                        || profile.user_name != current.profile.user_name
                        || profile.external_id != current.profile.external_id
                        || profile.display_name != current.profile.display_name
                        || profile.name != current.profile.name
                        || profile.emails != current.profile.emails;
                    if changed {
                        let key = profile.user_name_key();
                        if key != current.profile.user_name_key()
                            && tx.scim_user_name_taken(client, &key, Some(id)).await?
                        {
                            return Err(Error::refused_at(
                                Code::AlreadyExists,
                                &["userName"],
                                "this userName is taken",
                            ));
                        }
                        profile.updated_at = Some(self.policy.now());
                        match tx.save_scim_profile(client, id, &profile).await {
                            Err(StorageError::Conflict(_)) => {
                                return Err(Error::refused_at(
                                    Code::AlreadyExists,
                                    &["userName"],
                                    "this userName is taken",
                                ))
                            }
                            r => r?,
                        }
                        let mut ev = self.policy.membership_event(None, "scim.user_updated", None, &after);
                        ev.before = Some(with_locale(profile_json(&current.profile), current.user.locale));
                        ev.after = Some(with_locale(self.scim_after(caller, &after, &profile), user.locale));
                        tx.record(ev).await?;
                    } else {
                        profile.updated_at = current.profile.updated_at;
                    }
                    Ok(ScimUser { membership: after, user, profile, stored: true })
                })
            })
            .await
    }

    /// R44, R26, R25: removes a SCIM user from the account. A super admin is
    /// never removed (`CANNOT_REMOVE_SUPER_ADMIN`, 409). Their assets are
    /// left without an owner, never deleted.
    #[tracing::instrument(skip(self), err(level = "debug"))]
    pub async fn scim_delete_user(&self, caller: ScimCaller, id: MembershipId) -> Result<()> {
        let client = caller.account;
        self.store
            .transaction(|tx| {
                body(async move {
                    let current = locked_scim_user(tx.repo(), client, id).await?;
                    let m = &current.membership;
                    if !is_scim_user(m) {
                        return Err(not_found());
                    }
                    if m.role == Role::SuperAdmin {
                        return Err(Error::refused(
                            Code::CannotRemoveSuperAdmin,
                            "a super admin is never removed from a client account (R26)",
                        ));
                    }
                    let unassigned = tx.reassign_assets(client, m.user_id, None).await?;
                    tx.delete_membership(m.id).await?;
                    let mut ev = self.policy.membership_event(None, "scim.user_deleted", Some(m), m);
                    ev.after = Some(json!({
                        "removed": true,
                        "unassignedAssets": unassigned,
                        "scim": profile_json(&current.profile),
                        "scimTokenId": caller.token.get(),
                    }));
                    tx.record(ev).await?;
                    Ok(())
                })
            })
            .await
    }
}
