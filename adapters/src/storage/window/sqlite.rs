//! The SQLite statements: one branch per parent under `UNION ALL`, or a
//! window beyond `MAX_BRANCHES` parents.

use sea_orm::sea_query::{Alias, Asterisk, Condition, Expr, Order, Query, SelectStatement};
use sea_orm::{DatabaseBackend, Statement, Value};

use super::{PerParent, Total, TOTAL};

pub(super) fn branches(backend: DatabaseBackend, spec: PerParent<'_>, parents: &[Vec<i64>], limit: u64) -> Statement {
    let (order_by, dir) = spec.order();
    let PerParent { table, rows, count, partition, .. } = spec;
    // One `ORDER BY id LIMIT n` branch per parent, joined by UNION ALL: each
    // branch reads its n rows from an index on (parent…, id). The parents'
    // ids are bound, not written into the text: every branch then has the
    // same text, built once (building 50 branches cost more than running
    // them), and so has the whole statement for every page of the same
    // size, which SQLite prepares once per connection instead of filling
    // the statement cache with one-off texts. The values bound grow with
    // the page (at most `MAX_BRANCHES` parents), never with the data.
    //
    // The branch is built for a stand-in parent whose ids no row has; each
    // parent's branch binds the same values with its own ids in their place.
    let stand_in: Vec<i64> = (0..partition.len()).map(|i| i64::MIN + i as i64).collect();
    let pin = |q: &mut SelectStatement, table: &str| {
        for (c, v) in partition.iter().zip(&stand_in) {
            q.and_where(Expr::col((Alias::new(table), Alias::new(*c))).eq(*v));
        }
    };
    let keys: Vec<String> = (0..partition.len()).map(|i| format!("? AS \"p{i}\"")).collect();
    let mut template: Vec<Value> = stand_in.iter().map(|v| Value::BigInt(Some(*v))).collect();
    let mut branch = rows;
    pin(&mut branch, table);
    branch.order_by((Alias::new(table), Alias::new("id")), order_by);
    let mut b = backend.build(&branch);
    b.sql.push_str(&super::super::sql::limit(limit));
    let sql = match count {
        Some(c) => {
            let (counted, mut c) = c.aggregated();
            pin(&mut c, counted);
            let c = backend.build(&c);
            template.extend(c.values.map(|v| v.0).unwrap_or_default());
            template.extend(b.values.map(|v| v.0).unwrap_or_default());
            format!(
                "SELECT {}, c.\"{TOTAL}\", t.* FROM ({}) AS c LEFT JOIN ({}) AS t ON 1 = 1",
                keys.join(", "),
                c.sql,
                b.sql
            )
        }
        None => {
            template.extend(b.values.map(|v| v.0).unwrap_or_default());
            format!("SELECT {}, t.* FROM ({}) AS t", keys.join(", "), b.sql)
        }
    };
    let mut values = Vec::with_capacity(template.len() * parents.len());
    for parent in parents {
        values.extend(template.iter().map(|v| match v {
            Value::BigInt(Some(x)) => match stand_in.iter().position(|s| s == x) {
                Some(i) => Value::BigInt(parent.get(i).copied()),
                None => v.clone(),
            },
            _ => v.clone(),
        }));
    }
    let order: Vec<String> = (0..partition.len()).map(|i| format!("\"p{i}\"")).collect();
    let sql = format!(
        "SELECT * FROM ({}) ORDER BY {}, \"id\" {dir}",
        vec![sql; parents.len()].join(" UNION ALL "),
        order.join(", ")
    );
    Statement::from_sql_and_values(backend, sql, values)
}

fn any_parent(table: &str, partition: &[&str], parents: &[Vec<i64>]) -> Condition {
    let mut any = Condition::any();
    for parent in parents {
        let mut this = Condition::all();
        for (col, v) in partition.iter().zip(parent) {
            this = this.add(Expr::col((Alias::new(table), Alias::new(*col))).eq(*v));
        }
        any = any.add(this);
    }
    any
}

/// More parents than SQLite takes branches in one compound select: a
/// window, which numbers all of the parents' children.
pub(super) fn window(backend: DatabaseBackend, spec: PerParent<'_>, parents: &[Vec<i64>], limit: u64) -> Statement {
    let (order_by, dir) = spec.order();
    let PerParent { table, mut rows, partition, .. } = spec;
    rows.cond_where(any_parent(table, partition, parents));
    let by: Vec<String> = partition.iter().map(|p| format!("\"{table}\".\"{p}\"")).collect();
    rows.expr_as(
        Expr::cust(format!("ROW_NUMBER() OVER (PARTITION BY {} ORDER BY \"{table}\".\"id\" {dir})", by.join(", "))),
        Alias::new("rn__"),
    );
    let mut outer = Query::select();
    outer.column(Asterisk).from_subquery(rows, Alias::new("t")).and_where(Expr::col(Alias::new("rn__")).lte(limit));
    for p in partition {
        outer.order_by(Alias::new(*p), Order::Asc);
    }
    outer.order_by(Alias::new("id"), order_by);
    backend.build(&outer)
}

/// Each parent's total, grouped (the window path's second statement).
pub(super) fn grouped_count(
    backend: DatabaseBackend,
    total: Total<'_>,
    partition: &[&str],
    parents: &[Vec<i64>],
) -> Statement {
    let Total { table, select: mut count, aggregate } = total;
    count.clear_selects();
    for (i, p) in partition.iter().enumerate() {
        count.expr_as(Expr::col((Alias::new(table), Alias::new(*p))), Alias::new(format!("p{i}")));
        count.group_by_col((Alias::new(table), Alias::new(*p)));
    }
    count.expr_as(Expr::cust(aggregate), Alias::new(TOTAL));
    count.cond_where(any_parent(table, partition, parents));
    backend.build(&count)
}
