//! What the schema itself promises: money and tokens are never stored as floating point
//! (security.md 18; a sea-orm `Decimal` column would become REAL on SQLite).

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::common::{Options, fresh_portal};

/// Every (table, column, declared type) of the migrated schema.
async fn columns(portal: &flexportal::domain::Portal) -> Vec<(String, String, String)> {
    let conn = portal.db.conn();
    let sql = match portal.db.backend() {
        DbBackend::Sqlite => {
            "SELECT m.name AS t, p.name AS c, p.type AS ty FROM sqlite_master m \
             JOIN pragma_table_info(m.name) p WHERE m.type = 'table'"
        }
        _ => {
            "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS ty \
             FROM information_schema.columns WHERE table_schema = current_schema()"
        }
    };
    let rows = conn.query_all_raw(Statement::from_string(portal.db.backend(), sql)).await.unwrap();
    rows.iter()
        .map(|row| {
            (
                row.try_get::<String>("", "t").unwrap(),
                row.try_get::<String>("", "c").unwrap(),
                row.try_get::<String>("", "ty").unwrap().to_ascii_lowercase(),
            )
        })
        .collect()
}

#[rocket::async_test]
async fn no_column_of_the_schema_stores_floating_point_or_decimal_numbers() {
    let (portal, _db) = fresh_portal(&Options::default()).await;
    let columns = columns(&portal).await;
    assert!(columns.iter().any(|(t, c, _)| t == "quotes" && c == "total_minor"), "the schema was read");
    let inexact: Vec<_> = columns
        .iter()
        .filter(|(_, _, ty)| {
            ["real", "double", "float", "money", "numeric", "decimal"].iter().any(|word| ty.contains(word))
        })
        .collect();
    assert!(inexact.is_empty(), "columns that could round money or tokens: {inexact:?}");
}

#[rocket::async_test]
async fn money_columns_are_whole_numbers_of_minor_units() {
    let (portal, _db) = fresh_portal(&Options::default()).await;
    let money: Vec<_> =
        columns(&portal).await.into_iter().filter(|(_, c, _)| c.ends_with("_minor")).collect();
    assert!(!money.is_empty());
    for (table, column, ty) in money {
        assert!(ty.contains("int"), "{table}.{column} is {ty}, not an integer");
    }
}
