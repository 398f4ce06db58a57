//! Response fields in the order they were asked for (GraphQL, "Serialized
//! Map Ordering"). async-graphql 7.1 and later insert the fields of an
//! object in the order their resolvers finish; this puts each object's keys
//! back in the order of its selection set, fragments expanded.

use std::cell::OnceCell;
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
        Plan::new(doc, &[&op.node.selection_set.node]).apply(doc, data);
    }
}

/// The order of one position of the response: the response keys of its
/// selection sets, and the plans of their sub-fields, each made once for
/// every object at that position (50 clients share their `partnerUsers`
/// plan; making it again for each object cost 6 % of the Clients tab).
struct Plan<'a> {
    keys: Vec<(&'a str, Vec<&'a SelectionSet>)>,
    /// The position of each key, for selection sets of more than `SCAN`
    /// keys; smaller ones are scanned (a response's objects are most of
    /// its values, and hashing each key cost more than comparing it with a
    /// few short names).
    rank: Option<HashMap<&'a str, usize>>,
    children: Vec<OnceCell<Plan<'a>>>,
}

/// The most keys of a selection set whose positions are found by a scan.
const SCAN: usize = 12;

impl<'a> Plan<'a> {
    fn new(doc: &'a ExecutableDocument, sets: &[&'a SelectionSet]) -> Self {
        let mut keys = Vec::new();
        collect(doc, sets, &mut keys);
        let rank = (keys.len() > SCAN).then(|| keys.iter().enumerate().map(|(i, (k, _))| (*k, i)).collect());
        let children = keys.iter().map(|_| OnceCell::new()).collect();
        Self { keys, rank, children }
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.rank {
            Some(rank) => rank.get(key).copied(),
            None => self.keys.iter().position(|(k, _)| *k == key),
        }
    }

    fn apply(&self, doc: &'a ExecutableDocument, value: &mut Value) {
        match value {
            Value::List(items) => items.iter_mut().for_each(|v| self.apply(doc, v)),
            Value::Object(map) => {
                let rank = |k: &str| self.position(k).unwrap_or(usize::MAX);
                if !map.keys().map(|k| rank(k.as_str())).is_sorted() {
                    map.sort_by_cached_key(|k, _| rank(k.as_str()));
                }
                for (k, v) in map.iter_mut() {
                    if !matches!(v, Value::Object(_) | Value::List(_)) {
                        continue;
                    }
                    if let Some(i) = self.position(k.as_str()) {
                        self.children[i].get_or_init(|| Plan::new(doc, &self.keys[i].1)).apply(doc, v);
                    }
                }
            }
            _ => {}
        }
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
