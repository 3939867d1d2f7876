//! What the schema itself promises: money and tokens are never stored as floating point
//! (security.md 18; a sea-orm `Decimal` column would become REAL on SQLite).

use sea_orm::sea_query::ExprTrait;
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

#[rocket::async_test]
async fn document_prefixes_are_required_and_unique_in_the_schema() {
    let (portal, _db) = fresh_portal(&Options::default()).await;
    let first = crate::common::partner("first").create(&portal).await;
    let second = crate::common::partner("second").create(&portal).await;
    let conn = portal.db.conn();
    let set = |id: uuid::Uuid, value: sea_orm::Value| {
        sea_orm::sea_query::Query::update()
            .table(sea_orm::sea_query::Alias::new("partners"))
            .value(sea_orm::sea_query::Alias::new("document_prefix"), value)
            .and_where(sea_orm::sea_query::Expr::col(sea_orm::sea_query::Alias::new("id")).eq(id))
            .to_owned()
    };
    conn.execute(&set(first.id, "SAME".into())).await.unwrap();
    let taken = conn.execute(&set(second.id, "SAME".into())).await.unwrap_err();
    assert!(
        matches!(taken.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))),
        "the database itself refuses a second partner with the prefix: {taken}"
    );
    assert!(
        conn.execute(&set(second.id, sea_orm::Value::String(None))).await.is_err(),
        "a prefix is required"
    );
}
