//! The guard: what a document and its variables may cost, checked before
//! the schema sees them, so that every refusal costs milliseconds.
//!
//! The parser bounds selection nesting but not values, and the schema's own
//! checks (depth, complexity, directives) walk fragments without memory, so
//! a 3 KB list nested 1,600 deep overflows a stack and a 1 KB fragment bomb
//! costs seconds of CPU. Here, in this order and each in linear time:
//! the document's size, its bracket nesting (scanned as text, before it is
//! parsed), the variables' nesting, then, once parsed, the fields, aliases
//! and root fields of every operation with fragments expanded (counted with
//! memoisation, fragment cycles refused), and NUL characters in any string.

mod documents;

pub use documents::Documents;

use std::collections::HashMap;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::parser::Positioned;
use async_graphql::Request;
use async_graphql_value::{ConstValue, Name, Value};

/// Longest document accepted, in bytes (a frontend's documents are a few KB).
pub const MAX_QUERY_BYTES: usize = 100_000;
/// Deepest nesting of `{`, `[` and `(` in a document, and of lists and
/// objects in its variables.
pub const MAX_NESTING: usize = 40;
/// Most fields in all operations of a document, fragments expanded.
pub const MAX_FIELDS: usize = 2_000;
/// Most aliased fields in a document, fragments expanded.
pub const MAX_ALIASES: usize = 50;
/// Most fields at the root of one operation, fragments expanded.
pub const MAX_ROOT_FIELDS: usize = 30;
/// Most fragment definitions in a document.
pub const MAX_FRAGMENTS: usize = 100;

/// Stable codes of requests refused before execution.
pub const PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
pub const VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
pub const BAD_REQUEST: &str = "BAD_REQUEST";
pub const LIMIT_EXCEEDED: &str = "QUERY_LIMIT_EXCEEDED";
pub const INVALID_INPUT: &str = "INVALID_INPUT";

/// Why a request was refused before execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub code: &'static str,
    pub message: String,
}

impl Rejection {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    fn limit(message: impl Into<String>) -> Self {
        Self::new(LIMIT_EXCEEDED, message)
    }
}

/// What the guard learnt of the operation that will run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspected {
    pub ty: OperationType,
    /// The first root field of the operation (a schema name once validated).
    pub root_field: Option<String>,
}

/// Checks a request and leaves it parsed (the schema does not parse again).
/// Errors: a `Rejection` whose code says which kind.
pub fn inspect(request: &mut Request) -> Result<Inspected, Rejection> {
    if request.query.len() > MAX_QUERY_BYTES {
        return Err(Rejection::limit(format!("the document is longer than {MAX_QUERY_BYTES} bytes")));
    }
    check_nesting(&request.query)?;
    for value in request.variables.values() {
        check_const(value, 1)?;
    }
    let name = request.operation_name.clone();
    let doc = request.parsed_query().map_err(|e| Rejection::new(PARSE_FAILED, e.message))?;
    let inspected = selected_operation(doc, name.as_deref())?;
    check_costs(doc)?;
    check_document_values(doc)?;
    Ok(inspected)
}

/// The deepest bracket nesting of a document, read as text: strings, block
/// strings and comments do not count. Errors: deeper than `MAX_NESTING`.
fn check_nesting(query: &str) -> Result<(), Rejection> {
    let bytes = query.as_bytes();
    let (mut i, mut depth) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(Rejection::limit(format!("the document nests deeper than {MAX_NESTING} levels")));
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn nul_refused() -> Rejection {
    Rejection::new(INVALID_INPUT, "strings may not contain NUL characters")
}

fn too_deep_variables() -> Rejection {
    Rejection::limit(format!("the variables nest deeper than {MAX_NESTING} levels"))
}

/// A variables value: nesting and NUL characters.
fn check_const(value: &ConstValue, depth: usize) -> Result<(), Rejection> {
    if depth > MAX_NESTING {
        return Err(too_deep_variables());
    }
    match value {
        ConstValue::String(s) if s.contains('\0') => Err(nul_refused()),
        ConstValue::List(items) => items.iter().try_for_each(|v| check_const(v, depth + 1)),
        ConstValue::Object(fields) => fields.values().try_for_each(|v| check_const(v, depth + 1)),
        _ => Ok(()),
    }
}

/// A value written in the document (its nesting is already bounded).
fn check_value(value: &Value) -> Result<(), Rejection> {
    match value {
        Value::String(s) if s.contains('\0') => Err(nul_refused()),
        Value::List(items) => items.iter().try_for_each(check_value),
        Value::Object(fields) => fields.values().try_for_each(check_value),
        _ => Ok(()),
    }
}

/// The operation that will run, chosen as the schema will choose it.
/// Errors: `BAD_REQUEST` when the name is missing or unknown.
fn selected_operation(doc: &ExecutableDocument, name: Option<&str>) -> Result<Inspected, Rejection> {
    let op = match (&doc.operations, name) {
        (DocumentOperations::Single(op), None) => op,
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().ok_or_else(|| Rejection::new(BAD_REQUEST, "the document has no operation"))?
        }
        (DocumentOperations::Multiple(_), None) => {
            return Err(Rejection::new(BAD_REQUEST, "the document has several operations: send operationName"))
        }
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .get(name)
            .ok_or_else(|| Rejection::new(BAD_REQUEST, format!("the document has no operation named {name:?}")))?,
        (DocumentOperations::Single(_), Some(name)) => {
            return Err(Rejection::new(BAD_REQUEST, format!("the document has no operation named {name:?}")))
        }
    };
    let root_field = op.node.selection_set.node.items.iter().find_map(|s| match &s.node {
        Selection::Field(f) => Some(f.node.name.node.to_string()),
        _ => None,
    });
    Ok(Inspected { ty: op.node.ty, root_field })
}

/// Fields, aliases and root fields of a selection set, fragments expanded.
#[derive(Clone, Copy, Default)]
struct Cost {
    fields: usize,
    aliases: usize,
    root: usize,
}

impl Cost {
    fn add(&mut self, o: Cost) {
        self.fields = self.fields.saturating_add(o.fields);
        self.aliases = self.aliases.saturating_add(o.aliases);
        self.root = self.root.saturating_add(o.root);
    }
}

struct Costs<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    done: HashMap<&'a str, Cost>,
    visiting: Vec<&'a str>,
}

impl<'a> Costs<'a> {
    fn of_set(&mut self, set: &'a SelectionSet) -> Result<Cost, Rejection> {
        let mut total = Cost::default();
        for item in &set.items {
            match &item.node {
                Selection::Field(f) => {
                    let inner = self.of_set(&f.node.selection_set.node)?;
                    total.add(Cost {
                        fields: inner.fields.saturating_add(1),
                        aliases: inner.aliases.saturating_add(usize::from(f.node.alias.is_some())),
                        root: 1,
                    });
                }
                Selection::InlineFragment(i) => total.add(self.of_set(&i.node.selection_set.node)?),
                Selection::FragmentSpread(s) => total.add(self.of_fragment(&s.node.fragment_name.node)?),
            }
            if total.fields > MAX_FIELDS {
                return Err(too_many_fields());
            }
        }
        Ok(total)
    }

    fn of_fragment(&mut self, name: &'a str) -> Result<Cost, Rejection> {
        if let Some(c) = self.done.get(name) {
            return Ok(*c);
        }
        // An unknown fragment costs nothing here; validation refuses it.
        let Some(def) = self.fragments.get(name) else { return Ok(Cost::default()) };
        if self.visiting.contains(&name) {
            return Err(Rejection::new(VALIDATION_FAILED, format!("fragment {name:?} spreads itself")));
        }
        self.visiting.push(name);
        let cost = self.of_set(&def.node.selection_set.node)?;
        self.visiting.pop();
        self.done.insert(name, cost);
        Ok(cost)
    }
}

fn too_many_fields() -> Rejection {
    Rejection::limit(format!("the document selects more than {MAX_FIELDS} fields (fragments expanded)"))
}

/// Errors: a limit exceeded, or a fragment cycle.
fn check_costs(doc: &ExecutableDocument) -> Result<(), Rejection> {
    if doc.fragments.len() > MAX_FRAGMENTS {
        return Err(Rejection::limit(format!("the document defines more than {MAX_FRAGMENTS} fragments")));
    }
    let mut costs = Costs { fragments: &doc.fragments, done: HashMap::new(), visiting: Vec::new() };
    let mut total = Cost::default();
    for (_, op) in doc.operations.iter() {
        let cost = costs.of_set(&op.node.selection_set.node)?;
        if cost.root > MAX_ROOT_FIELDS {
            return Err(Rejection::limit(format!("an operation selects more than {MAX_ROOT_FIELDS} root fields")));
        }
        total.add(cost);
    }
    // Fragments no operation uses are still validated: bound them too.
    let names: Vec<&str> = doc.fragments.keys().map(|n| n.as_str()).collect();
    for name in names {
        costs.of_fragment(name)?;
    }
    if total.fields > MAX_FIELDS {
        return Err(too_many_fields());
    }
    if total.aliases > MAX_ALIASES {
        return Err(Rejection::limit(format!("the document uses more than {MAX_ALIASES} aliases")));
    }
    Ok(())
}

fn check_directives(directives: &[Positioned<async_graphql::parser::types::Directive>]) -> Result<(), Rejection> {
    directives.iter().flat_map(|d| d.node.arguments.iter()).try_for_each(|(_, v)| check_value(&v.node))
}

fn check_set_values(set: &SelectionSet) -> Result<(), Rejection> {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                f.node.arguments.iter().try_for_each(|(_, v)| check_value(&v.node))?;
                check_directives(&f.node.directives)?;
                check_set_values(&f.node.selection_set.node)?;
            }
            Selection::InlineFragment(i) => {
                check_directives(&i.node.directives)?;
                check_set_values(&i.node.selection_set.node)?;
            }
            Selection::FragmentSpread(s) => check_directives(&s.node.directives)?,
        }
    }
    Ok(())
}

/// NUL characters in any string written in the document.
fn check_document_values(doc: &ExecutableDocument) -> Result<(), Rejection> {
    for (_, op) in doc.operations.iter() {
        check_directives(&op.node.directives)?;
        for var in &op.node.variable_definitions {
            if let Some(default) = &var.node.default_value {
                check_const(&default.node, 1)?;
            }
            check_directives(&var.node.directives)?;
        }
        check_set_values(&op.node.selection_set.node)?;
    }
    for def in doc.fragments.values() {
        check_directives(&def.node.directives)?;
        check_set_values(&def.node.selection_set.node)?;
    }
    Ok(())
}

/// The code of an error the schema raised before execution (it sets none):
/// a limit, a missing or unknown operation, or a validation failure.
pub fn pre_execution_code(message: &str) -> &'static str {
    if message.starts_with("Query is too complex")
        || message.starts_with("Query is nested too deep")
        || message.starts_with("The recursion depth")
        || message.contains("directives")
    {
        LIMIT_EXCEEDED
    } else if message.starts_with("Operation name required") || message.starts_with("Unknown operation named") {
        BAD_REQUEST
    } else {
        VALIDATION_FAILED
    }
}

/// Gives the errors the schema raised before execution (no path, no code)
/// their code (`pre_execution_code`).
pub fn code_pre_execution_errors(errors: &mut [async_graphql::ServerError]) {
    for e in errors.iter_mut().filter(|e| e.path.is_empty()) {
        let ext = e.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            ext.set("code", pre_execution_code(&e.message));
        }
    }
}

#[cfg(test)]
mod tests;
