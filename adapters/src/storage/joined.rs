//! Rows of another table read by the same statement as the rows that refer
//! to them (a membership with its user, set and account): the joined
//! table's columns are selected under a prefix and read back with the
//! entity's own `FromQueryResult`, so that no second statement is needed.

use sea_orm::sea_query::{Alias, Expr, SelectStatement};
use sea_orm::{EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryResult};

/// `t."col" AS "<prefix>col", …` for every column of `E`, `t` its alias.
pub(crate) fn select_list<E: EntityTrait>(alias: &str, prefix: &str) -> String {
    E::Column::iter().map(|c| format!("{alias}.\"{0}\" AS \"{prefix}{0}\"", c.as_str())).collect::<Vec<_>>().join(", ")
}

/// Adds every column of `E` (joined as `alias`) to `q`, under `prefix`.
pub(crate) fn add_columns<E: EntityTrait>(q: &mut SelectStatement, alias: &str, prefix: &str) {
    for c in E::Column::iter() {
        q.expr_as(
            Expr::col((Alias::new(alias), Alias::new(c.as_str()))),
            Alias::new(format!("{prefix}{}", c.as_str())),
        );
    }
}

/// The joined row under `prefix`, or `None` when it was not there (an
/// outer join without a match: its id is NULL).
pub(crate) fn read<M: FromQueryResult>(row: &QueryResult, prefix: &str) -> Result<Option<M>, sea_orm::DbErr> {
    if row.try_get::<Option<i64>>(prefix, "id")?.is_none() {
        return Ok(None);
    }
    M::from_query_result(row, prefix).map(Some)
}
