use super::*;

fn inspect_query(q: &str) -> Result<Inspected, Rejection> {
    inspect(&mut Request::new(q))
}

fn code(q: &str) -> &'static str {
    match inspect_query(q) {
        Ok(_) => "OK",
        Err(r) => r.code,
    }
}

#[test]
fn deeply_nested_values_are_refused_before_parsing() {
    let deep = format!("{{ now(x: {}1{}) }}", "[".repeat(1_600), "]".repeat(1_600));
    assert_eq!(code(&deep), LIMIT_EXCEEDED);
    let objects = format!("{{ now(x: {}1{}) }}", "{a:".repeat(5_000), "}".repeat(5_000));
    assert_eq!(code(&objects), LIMIT_EXCEEDED);
    let default = format!("query($v: Int = {}1{}) {{ now }}", "[".repeat(2_000), "]".repeat(2_000));
    assert_eq!(code(&default), LIMIT_EXCEEDED);
    assert_eq!(code("{ now(x: [[[1]]]) }"), "OK");
}

#[test]
fn brackets_in_strings_and_comments_do_not_count() {
    let s =
        format!("{{ a(x: \"{}\") # {}\n b(y: \"\"\"{}\"\"\") }}", "[".repeat(100), "{".repeat(100), "(".repeat(100));
    assert_eq!(code(&s), "OK");
}

#[test]
fn deeply_nested_variables_are_refused() {
    let mut v = serde_json::json!(1);
    for _ in 0..(MAX_NESTING + 1) {
        v = serde_json::json!([v]);
    }
    let mut r = Request::new("query($v: Int) { now }")
        .variables(async_graphql::Variables::from_json(serde_json::json!({ "v": v })));
    assert_eq!(inspect(&mut r).map_err(|e| e.code), Err(LIMIT_EXCEEDED));
}

#[test]
fn a_fragment_bomb_is_refused_in_milliseconds() {
    let mut q = String::from("query { ...F0 }\n");
    for i in 0..25 {
        q.push_str(&format!("fragment F{i} on Query {{ ...F{} ...F{} }}\n", i + 1, i + 1));
    }
    q.push_str("fragment F25 on Query { now }\n");
    assert_eq!(code(&q), LIMIT_EXCEEDED);
}

#[test]
fn fragment_cycles_are_refused() {
    assert_eq!(code("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"), VALIDATION_FAILED);
}

#[test]
fn alias_floods_and_root_field_floods_are_refused() {
    let aliases: String = (0..MAX_ALIASES + 1).map(|i| format!("a{i}: now ")).collect();
    assert_eq!(code(&format!("{{ viewer {{ {aliases} }} }}")), LIMIT_EXCEEDED);
    let roots: String = (0..MAX_ROOT_FIELDS + 1).map(|_| "now ").collect();
    assert_eq!(code(&format!("{{ {roots} }}")), LIMIT_EXCEEDED);
}

#[test]
fn nul_characters_are_refused_as_input() {
    assert_eq!(code("{ accessLinkPreview(token: \"a\\u0000b\") { problem } }"), INVALID_INPUT);
    let mut r = Request::new("query($t: String!) { accessLinkPreview(token: $t) { problem } }")
        .variables(async_graphql::Variables::from_json(serde_json::json!({ "t": "a\u{0}b" })));
    assert_eq!(inspect(&mut r).map_err(|e| e.code), Err(INVALID_INPUT));
}

#[test]
fn the_operation_is_chosen_as_the_schema_chooses_it() {
    assert_eq!(code("query A { now } query B { now }"), BAD_REQUEST);
    assert_eq!(code("{ now"), PARSE_FAILED);
    let mut r = Request::new("query A { now } mutation B { x }").operation_name("B");
    assert_eq!(inspect(&mut r).map(|i| i.ty), Ok(OperationType::Mutation));
    let mut r = Request::new("{ now }").operation_name("C");
    assert_eq!(inspect(&mut r).map_err(|e| e.code), Err(BAD_REQUEST));
}
