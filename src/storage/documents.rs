//! Issued documents (stored PDFs) and the counters that number them.

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::Error;
use super::entities::document::{self, Entity as Documents};
use super::entities::document_counter::{self, Entity as Counters};

use crate::domain::documents::{DocumentKind, IssuedDocument};

impl TryFrom<document::Model> for IssuedDocument {
    type Error = Error;

    fn try_from(row: document::Model) -> Result<Self, Error> {
        let kind = DocumentKind::parse(&row.kind)
            .ok_or_else(|| Error::unreadable("documents", row.id, "kind", &row.kind))?;
        Ok(IssuedDocument {
            id: row.id,
            partner_id: row.partner_id,
            kind,
            subject_id: row.subject_id,
            number: row.number,
            verify_code: row.verify_code,
            sha256: row.sha256,
            content: row.content,
            issued_at: row.issued_at,
        })
    }
}

impl From<IssuedDocument> for document::Model {
    fn from(d: IssuedDocument) -> Self {
        Self {
            id: d.id,
            partner_id: d.partner_id,
            kind: d.kind.as_str().to_owned(),
            subject_id: d.subject_id,
            number: d.number,
            verify_code: d.verify_code,
            sha256: d.sha256,
            content: d.content,
            issued_at: d.issued_at,
        }
    }
}

/// The next number of `kind` for `partner` in `year`, inside the caller's transaction: the counter
/// row is created or incremented in one statement, which locks it until commit, so concurrent
/// issuers queue and every number is used exactly once.
pub async fn next_number(
    db: &impl ConnectionTrait,
    partner: Uuid,
    kind: &str,
    year: i32,
) -> Result<i64, Error> {
    let numbers = next_numbers(db, partner, &[kind], year).await?;
    numbers.first().copied().ok_or_else(|| DbErr::RecordNotFound("document counter".into()).into())
}

/// The next number of each of `kinds` (distinct) for `partner` in `year`, in the order given, in one
/// round trip: an upsert that creates a missing counter at 1 or adds 1 to it, returning the new
/// value. Every caller lists kinds in the same order (orders before documents), so two
/// transactions never wait on each other's counters crosswise.
pub async fn next_numbers(
    db: &impl ConnectionTrait,
    partner: Uuid,
    kinds: &[&str],
    year: i32,
) -> Result<Vec<i64>, Error> {
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let seeds = kinds.iter().map(|kind| document_counter::ActiveModel {
        partner_id: Set(partner),
        kind: Set((*kind).to_owned()),
        year: Set(year),
        last_number: Set(1),
    });
    let bump = OnConflict::columns([
        document_counter::Column::PartnerId,
        document_counter::Column::Kind,
        document_counter::Column::Year,
    ])
    .value(
        document_counter::Column::LastNumber,
        Expr::col((Counters, document_counter::Column::LastNumber)).add(1),
    )
    .to_owned();
    let rows = Counters::insert_many(seeds).on_conflict(bump).exec_with_returning(db).await?;
    kinds
        .iter()
        .map(|kind| {
            rows.iter()
                .find(|row| row.kind == *kind)
                .map(|row| row.last_number)
                .ok_or_else(|| DbErr::RecordNotFound(format!("document counter {kind}")).into())
        })
        .collect()
}

/// # Errors
/// The database refused the row.
pub async fn insert(db: &impl ConnectionTrait, document: IssuedDocument) -> Result<(), Error> {
    document::ActiveModel::from(document::Model::from(document)).insert(db).await?;
    Ok(())
}

/// # Errors
/// Database failures; `Unreadable` for a row no record accepts.
pub async fn find_by_code(db: &impl ConnectionTrait, code: &str) -> Result<Option<IssuedDocument>, Error> {
    let row = Documents::find().filter(document::Column::VerifyCode.eq(code)).one(db).await?;
    row.map(IssuedDocument::try_from).transpose()
}

/// The latest document of `kind` issued for `subject`.
pub async fn latest_for(
    db: &impl ConnectionTrait,
    subject: Uuid,
    kind: DocumentKind,
) -> Result<Option<IssuedDocument>, Error> {
    let row = Documents::find()
        .filter(document::Column::SubjectId.eq(subject))
        .filter(document::Column::Kind.eq(kind.as_str()))
        .order_by_desc(document::Column::IssuedAt)
        .one(db)
        .await?;
    row.map(IssuedDocument::try_from).transpose()
}

/// Every document issued for `subject`, oldest first.
///
/// # Errors
/// Database failures; `Unreadable` for a row no record accepts.
pub async fn all_for(db: &impl ConnectionTrait, subject: Uuid) -> Result<Vec<IssuedDocument>, Error> {
    Documents::find()
        .filter(document::Column::SubjectId.eq(subject))
        .order_by_asc(document::Column::IssuedAt)
        .all(db)
        .await?
        .into_iter()
        .map(IssuedDocument::try_from)
        .collect()
}

/// The documents with the given ids, in the order asked; ids not found are left out.
///
/// # Errors
/// Database failures; `Unreadable` for a row no record accepts.
pub async fn find_many(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<IssuedDocument>, Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut found: Vec<IssuedDocument> = Documents::find()
        .filter(document::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(IssuedDocument::try_from)
        .collect::<Result<_, _>>()?;
    found.sort_by_key(|d| ids.iter().position(|id| *id == d.id));
    Ok(found)
}
