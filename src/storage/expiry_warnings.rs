//! The expiry warnings sent for packs: which packs still await the warning due now, and the record
//! of a warning, whose primary key (pack, days before) lets only one transaction ever insert it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use super::Error;
use super::entities::expiry_warning::{self, Entity as Warnings};
use super::entities::pack::{self, Entity as Packs};
use crate::domain::balance::Pack;
use crate::domain::tokens::reconcile::PackStatus;

/// Available packs with tokens left expiring in `(after, until]` that have no warning recorded for
/// `days_before` yet, soonest expiry first.
///
/// # Errors
/// Database failures; an unreadable pack.
pub async fn awaiting(
    db: &impl ConnectionTrait,
    days_before: i32,
    (after, until): (DateTime<Utc>, DateTime<Utc>),
    limit: u64,
) -> Result<Vec<Pack>, Error> {
    let warned = Query::select()
        .column(expiry_warning::Column::PackId)
        .from(Warnings)
        .and_where(expiry_warning::Column::DaysBefore.eq(days_before))
        .to_owned();
    let rows = Packs::find()
        .filter(pack::Column::Status.eq(PackStatus::Available.as_str()))
        .filter(pack::Column::Remaining.gt(0))
        .filter(pack::Column::ExpiresAt.gt(after))
        .filter(pack::Column::ExpiresAt.lte(until))
        .filter(pack::Column::Id.not_in_subquery(warned))
        .order_by_asc(pack::Column::ExpiresAt)
        .limit(limit)
        .all(db)
        .await?;
    rows.into_iter().map(Pack::try_from).collect()
}

/// Records that the warning `days_before` the pack's expiry went out; `false` when it already had
/// (another sweep, perhaps on another instance, got there first).
///
/// # Errors
/// Database failures.
pub async fn record(
    db: &impl ConnectionTrait,
    pack: Uuid,
    days_before: i32,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let row =
        expiry_warning::ActiveModel { pack_id: Set(pack), days_before: Set(days_before), sent_at: Set(now) };
    let inserted = Warnings::insert(row)
        .on_conflict(
            OnConflict::columns([expiry_warning::Column::PackId, expiry_warning::Column::DaysBefore])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

/// The warnings recorded for a pack, as days before its expiry.
///
/// # Errors
/// Database failures.
pub async fn recorded_for(db: &impl ConnectionTrait, pack: Uuid) -> Result<Vec<i32>, Error> {
    let rows = Warnings::find()
        .filter(expiry_warning::Column::PackId.eq(pack))
        .order_by_desc(expiry_warning::Column::DaysBefore)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| r.days_before).collect())
}
