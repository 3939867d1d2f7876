//! Issued documents (stored PDFs) and the counters that number them.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::Error;
use super::entities::document::{self, Entity as Documents};
use super::entities::document_counter::{self, Entity as Counters};

pub use document::Model as DocumentRow;

/// The next number of `kind` for `partner` in `year`, inside the caller's transaction: the counter
/// row is created if missing (ignoring a concurrent creator) and then incremented, which locks it
/// until commit, so concurrent senders queue and every number is used exactly once.
pub async fn next_number(
    db: &impl ConnectionTrait,
    partner: Uuid,
    kind: &str,
    year: i32,
) -> Result<i64, Error> {
    let seed = document_counter::ActiveModel {
        partner_id: Set(partner),
        kind: Set(kind.to_owned()),
        year: Set(year),
        last_number: Set(0),
    };
    Counters::insert(seed)
        .on_conflict_do_nothing_on([
            document_counter::Column::PartnerId,
            document_counter::Column::Kind,
            document_counter::Column::Year,
        ])
        .exec(db)
        .await?;
    Counters::update_many()
        .col_expr(
            document_counter::Column::LastNumber,
            Expr::col(document_counter::Column::LastNumber).add(1),
        )
        .filter(document_counter::Column::PartnerId.eq(partner))
        .filter(document_counter::Column::Kind.eq(kind))
        .filter(document_counter::Column::Year.eq(year))
        .exec(db)
        .await?;
    let row = Counters::find_by_id((partner, kind.to_owned(), year)).one(db).await?;
    row.map(|r| r.last_number).ok_or_else(|| DbErr::RecordNotFound("document counter".into()).into())
}

pub async fn insert(db: &impl ConnectionTrait, row: DocumentRow) -> Result<DocumentRow, Error> {
    Ok(document::ActiveModel::from(row).insert(db).await?)
}

pub async fn find_by_code(db: &impl ConnectionTrait, code: &str) -> Result<Option<DocumentRow>, Error> {
    Ok(Documents::find().filter(document::Column::VerifyCode.eq(code)).one(db).await?)
}

/// The latest document of `kind` issued for `subject`.
pub async fn latest_for(
    db: &impl ConnectionTrait,
    subject: Uuid,
    kind: &str,
) -> Result<Option<DocumentRow>, Error> {
    Ok(Documents::find()
        .filter(document::Column::SubjectId.eq(subject))
        .filter(document::Column::Kind.eq(kind))
        .order_by_desc(document::Column::IssuedAt)
        .one(db)
        .await?)
}
