//! Document-number prefixes of their own: `partners.document_prefix` (2–8 characters `A–Z0–9`),
//! unique across partners, so `tokyo-cad` and `tokyo-cae` no longer both issue `TOKY-Q-…`.
//! Existing partners get the prefix their slug gave before, in `(created_at, id)` order; a later
//! partner whose slug gives a prefix already taken gets a numeric suffix (`TOKY`, `TOKY2`, …).
//! Documents already issued keep their numbers.

use std::collections::{HashMap, HashSet};

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, TryGetable};

use super::m20261126_000001_partners::Partners;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Columns {
    DocumentPrefix,
}

const INDEX: &str = "partners_document_prefix_key";

/// The longest prefix.
const MAX_CHARS: usize = 8;

/// The prefix a slug gives: its first four letters and digits, upper-cased. (The portal's
/// `numbering::PrefixAllocator` makes the same choice for partners created later.)
fn stem(slug: &str) -> String {
    slug.chars().filter(char::is_ascii_alphanumeric).take(4).collect::<String>().to_ascii_uppercase()
}

/// The `n`th candidate for `stem`: the stem itself, then the stem followed by 2, 3, …, shortened
/// so that the whole stays within eight characters.
fn candidate(stem: &str, n: u64) -> String {
    if n <= 1 {
        return stem.to_owned();
    }
    let digits = n.to_string();
    let keep = stem.len().min(MAX_CHARS.saturating_sub(digits.len()));
    format!("{}{digits}", &stem[..keep])
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        // SQLite cannot make a column NOT NULL after adding it: it starts NOT NULL with an empty
        // default that the backfill below replaces on every row. PostgreSQL adds it nullable and
        // tightens it once every row has its prefix.
        let mut column = ColumnDef::new(Columns::DocumentPrefix);
        column.string_len(MAX_CHARS as u32);
        if backend == DbBackend::Sqlite {
            column.not_null().default("");
        } else {
            column.null();
        }
        manager.alter_table(Table::alter().table(Partners::Table).add_column(&mut column).to_owned()).await?;

        let select = Query::select()
            .columns([Partners::Id, Partners::Slug])
            .from(Partners::Table)
            .order_by(Partners::CreatedAt, Order::Asc)
            .order_by(Partners::Id, Order::Asc)
            .to_owned();
        let rows = db.query_all(&select).await?;
        let mut taken: HashSet<String> = HashSet::with_capacity(rows.len());
        let mut next: HashMap<String, u64> = HashMap::new();
        for row in rows {
            let id = sea_orm::prelude::Uuid::try_get(&row, "", "id")
                .map_err(|e| DbErr::Custom(format!("{e:?}")))?;
            let slug = String::try_get(&row, "", "slug").map_err(|e| DbErr::Custom(format!("{e:?}")))?;
            let stem = stem(&slug);
            let mut n = next.get(&stem).copied().unwrap_or(1);
            let prefix = loop {
                let candidate = candidate(&stem, n);
                n += 1;
                if taken.insert(candidate.clone()) {
                    break candidate;
                }
            };
            next.insert(stem, n);
            let update = Query::update()
                .table(Partners::Table)
                .value(Columns::DocumentPrefix, prefix)
                .and_where(Expr::col(Partners::Id).eq(id))
                .to_owned();
            manager.exec_stmt(update).await?;
        }

        if backend != DbBackend::Sqlite {
            manager
                .alter_table(
                    Table::alter()
                        .table(Partners::Table)
                        .modify_column(
                            ColumnDef::new(Columns::DocumentPrefix).string_len(MAX_CHARS as u32).not_null(),
                        )
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Partners::Table)
                    .col(Columns::DocumentPrefix)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(INDEX).table(Partners::Table).to_owned()).await?;
        manager
            .alter_table(
                Table::alter().table(Partners::Table).drop_column(Columns::DocumentPrefix).to_owned(),
            )
            .await
    }
}
