use super::*;

fn doc() -> Map<String, Value> {
    let v = json!({"userName": "ana", "active": true, "emails": [{"value": "ana@acme.com", "type": "work", "primary": true}]});
    v.as_object().cloned().unwrap_or_default()
}

fn patch(ops: Value) -> Value {
    json!({"schemas": [PATCH_SCHEMA], "Operations": ops})
}

#[test]
fn okta_and_entra_deactivations_are_understood() {
    // R44
    let mut d = doc();
    apply(&mut d, &patch(json!([{"op": "replace", "value": {"active": false}}]))).unwrap();
    assert_eq!(d["active"], json!(false));
    let mut d = doc();
    apply(&mut d, &patch(json!([{"op": "Replace", "path": "active", "value": "False"}]))).unwrap();
    assert_eq!(d["active"], json!("False"));
}

#[test]
fn names_and_selected_emails_are_patched() {
    let mut d = doc();
    let ops = json!([
        {"op": "add", "path": "name.givenName", "value": "Ana"},
        {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "ana.b@acme.com"},
        {"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "x"}
    ]);
    apply(&mut d, &patch(ops)).unwrap();
    assert_eq!(d["name"]["givenName"], json!("Ana"));
    assert_eq!(d["emails"][0]["value"], json!("ana.b@acme.com"));
}

#[test]
fn a_replaced_email_list_replaces_them_all() {
    let mut d = doc();
    let new = json!([{"value": "b@acme.com", "type": "home", "primary": true}]);
    apply(&mut d, &patch(json!([{"op": "replace", "path": "emails", "value": new.clone()}]))).unwrap();
    assert_eq!(d["emails"], new);
}

#[test]
fn a_list_of_emails_is_limited_as_sent_before_it_is_merged() {
    // R44: eleven copies of one address are refused as a create refuses
    // them, not merged into one first
    let copies: Vec<Value> = (0..11).map(|_| json!({"value": "ana@acme.com"})).collect();
    for op in ["add", "replace"] {
        let mut d = doc();
        let refused = apply(&mut d, &patch(json!([{"op": op, "path": "emails", "value": copies}])));
        assert_eq!(refused, Err(too_many()), "{op}");
    }
    let mut d = doc();
    let mut ten: Vec<Value> = (1..10).map(|i| json!({"value": format!("a{i}@acme.com")})).collect();
    ten.push(json!({"value": "ANA@acme.com"}));
    apply(&mut d, &patch(json!([{"op": "add", "path": "emails", "value": ten.clone()}]))).unwrap();
    assert_eq!(d["emails"].as_array().map(Vec::len), Some(10), "merged by address");
    ten[0] = json!({"value": "new@acme.com"});
    let one_too_many = apply(&mut d, &patch(json!([{"op": "add", "path": "emails", "value": ten}])));
    assert_eq!(one_too_many, Err(too_many()), "one more than a user may have");
    let mut d = doc();
    let again = json!([{"value": "ANA@acme.com", "type": "home"}]);
    apply(&mut d, &patch(json!([{"op": "add", "path": "emails", "value": again}]))).unwrap();
    assert_eq!(d["emails"], json!([{"value": "ANA@acme.com", "type": "home"}]), "the same address is replaced");
}

#[test]
fn read_only_attributes_and_bad_messages_are_refused() {
    let mut d = doc();
    assert_eq!(
        apply(&mut d, &patch(json!([{"op": "replace", "path": "id", "value": "9"}]))).map_err(|e| e.scim_type),
        Err("mutability")
    );
    assert!(apply(&mut d, &json!({"Operations": []})).is_err());
    assert!(apply(&mut d, &patch(json!([{"op": "move", "path": "active"}]))).is_err());
}
