//! Adding and dropping columns one statement at a time: SQLite's ALTER TABLE takes a single
//! change per statement, so migrations that extend existing tables go through these.

use sea_orm_migration::prelude::*;

pub async fn add(m: &SchemaManager<'_>, table: impl IntoIden, col: ColumnDef) -> Result<(), DbErr> {
    m.alter_table(Table::alter().table(table).add_column(col).to_owned())
        .await
}

pub async fn drop(
    m: &SchemaManager<'_>,
    table: impl IntoIden + Clone,
    cols: &[&str],
) -> Result<(), DbErr> {
    for c in cols {
        m.alter_table(
            Table::alter()
                .table(table.clone())
                .drop_column(Alias::new(*c))
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}
