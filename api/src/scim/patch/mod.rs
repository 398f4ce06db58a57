//! PATCH (RFC 7644 §3.5.2): `add`, `replace` and `remove` operations applied
//! to the writable attributes of a user (see `doc::writable`), with or
//! without a `path`; paths may name a sub-attribute (`name.givenName`) or
//! select emails (`emails[type eq "work"].value`, as Entra ID sends).
//! The edited document is then validated like a PUT body.

use std::collections::{HashMap, HashSet};

use cam_domain::scim::model::{too_many_emails, MAX_EMAILS};
use serde_json::{json, Map, Value};

use super::doc::{canonical, canonical_email_part, canonical_name_part};

pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// A PATCH refusal: its `scimType` and why.
#[derive(Debug, PartialEq, Eq)]
pub struct PatchError {
    pub scim_type: &'static str,
    pub detail: String,
}

fn err(scim_type: &'static str, detail: impl Into<String>) -> PatchError {
    PatchError { scim_type, detail: detail.into() }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Replace,
    Remove,
}

/// A selection of emails: `attr eq value`.
#[derive(Debug, Clone, PartialEq)]
struct Selector {
    part: &'static str,
    value: Value,
}

#[derive(Debug, Clone, PartialEq)]
enum Target {
    /// An attribute of another schema (an extension this server does not
    /// keep): the operation is ignored.
    Ignored,
    Attr(&'static str),
    NamePart(&'static str),
    /// Emails (all, or those the selector picks), optionally one sub-attribute.
    Emails(Option<Selector>, Option<&'static str>),
}

fn parse_selector(raw: &str) -> Result<Selector, PatchError> {
    let mut parts = raw.trim().splitn(3, char::is_whitespace);
    let (Some(attr), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(err("invalidPath", format!("cannot read the filter [{raw}]")));
    };
    let part = canonical_email_part(attr).ok_or_else(|| err("invalidPath", format!("emails have no '{attr}'")))?;
    if !op.eq_ignore_ascii_case("eq") {
        return Err(err("invalidPath", "only 'eq' selects emails"));
    }
    let value: Value =
        serde_json::from_str(value.trim()).map_err(|_| err("invalidPath", format!("cannot read the value {value}")))?;
    Ok(Selector { part, value })
}

fn parse_path(raw: &str) -> Result<Target, PatchError> {
    let raw = raw.trim();
    let lower = raw.to_ascii_lowercase();
    let core = format!("{}:", super::doc::USER_SCHEMA.to_ascii_lowercase());
    let rest = if lower.starts_with(&core) {
        &raw[core.len()..]
    } else if lower.starts_with("urn:") {
        return Ok(Target::Ignored);
    } else {
        raw
    };
    let (head, selector, tail) = match rest.find('[') {
        Some(open) => {
            let close = rest.rfind(']').filter(|c| *c > open).ok_or_else(|| err("invalidPath", "unclosed '['"))?;
            let tail = rest[close + 1..].strip_prefix('.').map(str::to_string);
            (&rest[..open], Some(parse_selector(&rest[open + 1..close])?), tail)
        }
        None => match rest.split_once('.') {
            Some((h, t)) => (h, None, Some(t.to_string())),
            None => (rest, None, None),
        },
    };
    let attr = canonical(head).ok_or_else(|| err("invalidPath", format!("no attribute '{head}'")))?;
    match (attr, selector, tail) {
        ("emails", None, None) => Ok(Target::Attr("emails")),
        ("emails", sel, sub) => {
            let sub = match sub {
                Some(s) => {
                    Some(canonical_email_part(&s).ok_or_else(|| err("invalidPath", format!("emails have no '{s}'")))?)
                }
                None => None,
            };
            Ok(Target::Emails(sel, sub))
        }
        ("name", None, Some(sub)) => Ok(Target::NamePart(
            canonical_name_part(&sub).ok_or_else(|| err("invalidPath", format!("name has no '{sub}'")))?,
        )),
        ("id" | "meta" | "schemas", _, _) => Err(err("mutability", format!("{attr} cannot be changed"))),
        (a, None, None) => Ok(Target::Attr(a)),
        _ => Err(err("invalidPath", format!("cannot read the path '{raw}'"))),
    }
}

fn matches(item: &Value, sel: &Option<Selector>) -> bool {
    let Some(sel) = sel else { return true };
    let Some(o) = item.as_object() else { return false };
    let found = o.iter().find(|(k, _)| k.eq_ignore_ascii_case(sel.part)).map(|(_, v)| v);
    match (found, &sel.value) {
        (Some(Value::String(a)), Value::String(b)) => a.eq_ignore_ascii_case(b),
        (Some(a), Value::Bool(b)) => super::doc::boolean("", a).ok().flatten() == Some(*b),
        (Some(a), b) => a == b,
        (None, Value::Bool(false)) => true,
        (None, _) => false,
    }
}

/// When one email is made primary, the others are not (RFC 7643 §2.4).
fn one_primary(emails: &mut [Value], keep: usize) {
    for (i, e) in emails.iter_mut().enumerate() {
        if i != keep {
            if let Some(o) = e.as_object_mut() {
                o.insert("primary".into(), json!(false));
            }
        }
    }
}

/// The refusal of a list of more than [`MAX_EMAILS`] addresses: the same
/// answer as a create's or a replace's.
fn too_many() -> PatchError {
    err("invalidValue", format!("emails: {}", too_many_emails()))
}

/// Refuses a list of emails longer than a user may have, as sent: before
/// any work on its items (merging them is linear, but the limit is read
/// on the raw length).
fn within_limit(v: &Value) -> Result<(), PatchError> {
    match v {
        Value::Array(items) if items.len() > MAX_EMAILS => Err(too_many()),
        _ => Ok(()),
    }
}

/// An email's key for merging: its value, lower-cased.
fn email_key(v: &Value) -> Option<String> {
    v.get("value").and_then(Value::as_str).map(str::to_lowercase)
}

fn is_primary(v: &Value) -> bool {
    v.get("primary").and_then(|p| super::doc::boolean("", p).ok().flatten()).unwrap_or(false)
}

fn need(value: Option<Value>) -> Result<Value, PatchError> {
    value.ok_or_else(|| err("invalidValue", "this operation needs a value"))
}

/// The user's `name`, made an object if it is not one.
fn name_of(doc: &mut Map<String, Value>) -> Option<&mut Map<String, Value>> {
    let name = doc.entry("name").or_insert_with(|| json!({}));
    if !name.is_object() {
        *name = json!({});
    }
    name.as_object_mut()
}

/// The user's list of emails (empty if absent). Errors: it is no list.
fn emails_of(doc: &mut Map<String, Value>) -> Result<&mut Vec<Value>, PatchError> {
    let list = doc.entry("emails").or_insert_with(|| json!([]));
    list.as_array_mut().ok_or_else(|| err("invalidValue", "emails must be a list"))
}

fn apply_one(doc: &mut Map<String, Value>, op: Op, target: Target, value: Option<Value>) -> Result<(), PatchError> {
    match (target, op) {
        (Target::Ignored, _) => {}
        (Target::Attr(attr), Op::Remove) => {
            doc.remove(attr);
        }
        (Target::Attr("name"), _) => set_name(doc, op, need(value)?)?,
        (Target::Attr("emails"), Op::Replace) => {
            let v = need(value)?;
            within_limit(&v)?;
            doc.insert("emails".into(), v);
        }
        (Target::Attr("emails"), _) => add_emails(doc, need(value)?)?,
        (Target::Attr(attr), _) => {
            doc.insert(attr.into(), need(value)?);
        }
        (Target::NamePart(part), Op::Remove) => {
            if let Some(n) = name_of(doc) {
                n.remove(part);
            }
        }
        (Target::NamePart(part), _) => {
            if let Some(n) = name_of(doc) {
                n.insert(part.into(), need(value)?);
            }
        }
        (Target::Emails(sel, sub), Op::Remove) => remove_selected_emails(emails_of(doc)?, &sel, sub),
        (Target::Emails(sel, sub), _) => set_selected_emails(emails_of(doc)?, &sel, sub, need(value)?)?,
    }
    Ok(())
}

/// `add` or `replace` of the whole `name`: its parts, merged or instead.
fn set_name(doc: &mut Map<String, Value>, op: Op, v: Value) -> Result<(), PatchError> {
    let Value::Object(parts) = v else { return Err(err("invalidValue", "name must be an object")) };
    if let Some(n) = name_of(doc) {
        if op == Op::Replace {
            n.clear();
        }
        for (k, v) in parts {
            let k = canonical_name_part(&k).ok_or_else(|| err("invalidValue", format!("name has no '{k}'")))?;
            n.insert(k.into(), v);
        }
    }
    Ok(())
}

/// `add` to `emails`: each new address merged with the one of the same
/// value, else appended; a primary one makes the others not.
fn add_emails(doc: &mut Map<String, Value>, v: Value) -> Result<(), PatchError> {
    within_limit(&v)?;
    let new = match v {
        Value::Array(items) => items,
        one => vec![one],
    };
    let items = emails_of(doc)?;
    let mut at_key: HashMap<String, usize> =
        items.iter().enumerate().filter_map(|(i, e)| Some((email_key(e)?, i))).collect();
    for e in new {
        let key = email_key(&e);
        let at = match key.as_ref().and_then(|k| at_key.get(k)) {
            Some(&at) => {
                items[at] = e;
                at
            }
            None => {
                items.push(e);
                if items.len() > MAX_EMAILS {
                    return Err(too_many());
                }
                if let Some(k) = key {
                    at_key.insert(k, items.len() - 1);
                }
                items.len() - 1
            }
        };
        if is_primary(&items[at]) {
            one_primary(items, at);
        }
    }
    Ok(())
}

/// `remove` of the selected emails, or of one sub-attribute of each.
fn remove_selected_emails(items: &mut Vec<Value>, sel: &Option<Selector>, sub: Option<&'static str>) {
    let hits: Vec<usize> = (0..items.len()).filter(|i| matches(&items[*i], sel)).collect();
    match sub {
        None => {
            let gone: HashSet<usize> = hits.into_iter().collect();
            let mut i = 0;
            items.retain(|_| {
                let keep = !gone.contains(&i);
                i += 1;
                keep
            });
        }
        Some(part) => {
            for i in hits {
                if let Some(o) = items[i].as_object_mut() {
                    o.remove(part);
                }
            }
        }
    }
}

/// `add` or `replace` on the selected emails (the selected one is added
/// when none is), or on one sub-attribute of each.
fn set_selected_emails(
    items: &mut Vec<Value>,
    sel: &Option<Selector>,
    sub: Option<&'static str>,
    v: Value,
) -> Result<(), PatchError> {
    let mut hits: Vec<usize> = (0..items.len()).filter(|i| matches(&items[*i], sel)).collect();
    if hits.is_empty() {
        // Nothing selected: the selected email is added.
        let mut e = Map::new();
        if let Some(s) = sel {
            e.insert(s.part.into(), s.value.clone());
        }
        if items.is_empty() {
            e.insert("primary".into(), json!(true));
        }
        items.push(Value::Object(e));
        hits = vec![items.len() - 1];
    }
    for &i in &hits {
        match (sub, &v) {
            (Some(part), v) => {
                if let Some(o) = items[i].as_object_mut() {
                    o.insert(part.into(), v.clone());
                }
            }
            (None, Value::Object(fields)) => {
                if let Some(o) = items[i].as_object_mut() {
                    for (k, v) in fields {
                        if let Some(k) = canonical_email_part(k) {
                            o.insert(k.into(), v.clone());
                        }
                    }
                }
            }
            (None, _) => return Err(err("invalidValue", "an email is an object")),
        }
    }
    if let Some(&last) = hits.last() {
        if is_primary(&items[last]) {
            one_primary(items, last);
        }
    }
    Ok(())
}

/// Applies a PatchOp message to `doc`. Errors: a malformed message or an
/// operation this server cannot apply (400 with its `scimType`).
pub fn apply(doc: &mut Map<String, Value>, message: &Value) -> Result<(), PatchError> {
    let schemas = message.get("schemas").and_then(Value::as_array);
    if !schemas.is_some_and(|s| s.iter().any(|x| x.as_str() == Some(PATCH_SCHEMA))) {
        return Err(err("invalidSyntax", format!("a PATCH body has schemas [\"{PATCH_SCHEMA}\"]")));
    }
    let ops = message
        .as_object()
        .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("Operations")))
        .and_then(|(_, v)| v.as_array())
        .filter(|ops| !ops.is_empty())
        .ok_or_else(|| err("invalidSyntax", "a PATCH body has a non-empty Operations list"))?;
    if ops.len() > 100 {
        return Err(err("tooMany", "at most 100 operations"));
    }
    for o in ops {
        let field = |name: &str| {
            o.as_object().and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))).map(|(_, v)| v.clone())
        };
        let op = match field("op").as_ref().and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
            Some("add") => Op::Add,
            Some("replace") => Op::Replace,
            Some("remove") => Op::Remove,
            _ => return Err(err("invalidSyntax", "op is add, replace or remove")),
        };
        let value = field("value");
        match field("path") {
            Some(Value::String(path)) => apply_one(doc, op, parse_path(&path)?, value)?,
            Some(_) => return Err(err("invalidPath", "path must be a string")),
            None if op == Op::Remove => return Err(err("noTarget", "remove needs a path")),
            None => {
                let Some(Value::Object(fields)) = value else {
                    return Err(err("invalidValue", "without a path, the value is an object of attributes"));
                };
                for (k, v) in fields {
                    apply_one(doc, op, parse_path(&k)?, Some(v))?;
                }
            }
        }
        // Each operation adds at most a list within the limit: a longer
        // one is refused before the next operation adds to it.
        if doc.get("emails").and_then(Value::as_array).is_some_and(|e| e.len() > MAX_EMAILS) {
            return Err(too_many());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
