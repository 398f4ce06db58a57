//! The pieces the migrations build tables from: columns of the kinds the
//! schema uses, indexes and foreign keys. Each helper builds exactly the
//! statement its callers wrote out before (a migration that has landed
//! never changes what it does).

use sea_orm_migration::prelude::*;

/// `BIGINT NOT NULL` auto-increment primary key.
pub fn pk<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).big_integer().not_null().auto_increment().primary_key().to_owned()
}

/// `BIGINT NOT NULL`: a required reference.
pub fn fk_col<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).big_integer().not_null().to_owned()
}

/// `BIGINT NULL`: an optional reference.
pub fn fk_opt<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).big_integer().null().to_owned()
}

/// A required string.
pub fn text<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).string().not_null().to_owned()
}

/// A required time, with its time zone.
pub fn time<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).timestamp_with_time_zone().not_null().to_owned()
}

/// An optional time, with its time zone.
pub fn time_opt<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).timestamp_with_time_zone().null().to_owned()
}

/// The index `name` on `cols` of `table`.
pub fn index(name: &str, table: impl IntoIden + 'static, cols: Vec<DynIden>) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(c);
    }
    i.to_owned()
}

/// The unique index `name` on `cols` of `table`.
pub fn unique_index(name: &str, table: impl IntoIden + 'static, cols: Vec<DynIden>) -> IndexCreateStatement {
    index(name, table, cols).unique().to_owned()
}

/// The foreign key `table.col` → `to.to_col`, with `on_delete` when given.
pub fn references<T, C, R, RC>(
    (table, col): (T, C),
    (to, to_col): (R, RC),
    on_delete: Option<ForeignKeyAction>,
) -> ForeignKeyCreateStatement
where
    T: IntoIden + 'static,
    C: IntoIden,
    R: IntoIden + 'static,
    RC: IntoIden,
{
    let mut fk = ForeignKey::create();
    fk.from(table, col).to(to, to_col);
    if let Some(action) = on_delete {
        fk.on_delete(action);
    }
    fk
}

/// The columns of an index, as `index` takes them.
macro_rules! cols {
    ($($c:expr),*) => { vec![$($c.into_iden()),*] };
}
pub(crate) use cols;
