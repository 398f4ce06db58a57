//! Response fields in the order they were asked for (GraphQL, "Serialized
//! Map Ordering"). async-graphql 7.1 and later insert the fields of an
//! object in the order their resolvers finish; this puts each object's keys
//! back in the order of its selection set, fragments expanded.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::Value;

/// Reorders `data` after the selection set of the operation that produced it.
pub fn order_like_selection(doc: &ExecutableDocument, operation: Option<&str>, data: &mut Value) {
    let op = match operation {
        Some(name) => doc.operations.iter().find(|(n, _)| n.is_some_and(|n| n.as_str() == name)),
        None => doc.operations.iter().next(),
    };
    if let Some((_, op)) = op {
        reorder(doc, &[&op.node.selection_set.node], data);
    }
}

/// The response keys of these selection sets in order, each with the
/// selection sets of its sub-fields.
fn collect<'a>(
    doc: &'a ExecutableDocument,
    sets: &[&'a SelectionSet],
    out: &mut Vec<(&'a str, Vec<&'a SelectionSet>)>,
) {
    for set in sets {
        for item in &set.items {
            match &item.node {
                Selection::Field(f) => {
                    let key = f.node.alias.as_ref().unwrap_or(&f.node.name).node.as_str();
                    let sub = &f.node.selection_set.node;
                    match out.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, subs)) => subs.push(sub),
                        None => out.push((key, vec![sub])),
                    }
                }
                Selection::InlineFragment(i) => collect(doc, &[&i.node.selection_set.node], out),
                Selection::FragmentSpread(s) => {
                    // Cycles were refused by the guard before execution.
                    if let Some(def) = doc.fragments.get(&s.node.fragment_name.node) {
                        collect(doc, &[&def.node.selection_set.node], out);
                    }
                }
            }
        }
    }
}

fn reorder(doc: &ExecutableDocument, sets: &[&SelectionSet], value: &mut Value) {
    match value {
        Value::List(items) => items.iter_mut().for_each(|v| reorder(doc, sets, v)),
        Value::Object(map) => {
            let mut keys = Vec::new();
            collect(doc, sets, &mut keys);
            let rank: HashMap<&str, usize> = keys.iter().enumerate().map(|(i, (k, _))| (*k, i)).collect();
            map.sort_by_cached_key(|k, _| rank.get(k.as_str()).copied().unwrap_or(usize::MAX));
            for (k, v) in map.iter_mut() {
                if let Some(i) = rank.get(k.as_str()) {
                    reorder(doc, &keys[*i].1, v);
                }
            }
        }
        _ => {}
    }
}
