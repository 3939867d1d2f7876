//! Queries over partners and the directory version counter.

use sea_orm::sea_query::{Expr, ExprTrait, Func, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::Error;
use super::entities::directory_version::{self, Entity as DirectoryVersion};
use super::entities::partner::{self, Entity as Partners};
use crate::domain::partners::{Partner, Tier, codes};
use crate::domain::pricing::DiscountPercent;

impl TryFrom<partner::Model> for Partner {
    type Error = Error;

    fn try_from(row: partner::Model) -> Result<Self, Error> {
        let tier: Tier =
            row.tier.parse().map_err(|_| Error::unreadable("partners", row.id, "tier", &row.tier))?;
        let max_discount = u32::try_from(row.max_discount_hundredths)
            .ok()
            .and_then(DiscountPercent::from_hundredths)
            .ok_or_else(|| {
                Error::unreadable(
                    "partners",
                    row.id,
                    "max_discount_hundredths",
                    &row.max_discount_hundredths.to_string(),
                )
            })?;
        let payment_due_days = u16::try_from(row.payment_due_days)
            .ok()
            .filter(|days| *days <= crate::domain::partners::MAX_PAYMENT_DUE_DAYS)
            .ok_or_else(|| {
                Error::unreadable("partners", row.id, "payment_due_days", &row.payment_due_days.to_string())
            })?;
        if crate::domain::numbering::parse_prefix("document_prefix", &row.document_prefix).as_deref()
            != Ok(row.document_prefix.as_str())
        {
            return Err(Error::unreadable("partners", row.id, "document_prefix", &row.document_prefix));
        }
        Ok(Partner {
            id: row.id,
            slug: row.slug,
            csn: row.csn,
            document_prefix: row.document_prefix,
            name_ja: row.name_ja,
            name_en: row.name_en,
            description_ja: row.description_ja,
            description_en: row.description_en,
            tier,
            country: row.country,
            regions: codes(&row.regions),
            languages: codes(&row.languages),
            services: codes(&row.services),
            website: row.website,
            email: row.email,
            phone: row.phone,
            postal_code: row.postal_code,
            address: row.address,
            payment_terms: row.payment_terms,
            bank_details: row.bank_details,
            payment_due_days,
            invoice_registration_number: row.invoice_registration_number,
            max_discount,
            flex_signed_on: row.flex_signed_on,
            flex_expires_on: row.flex_expires_on,
            published: row.published,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

impl From<Partner> for partner::Model {
    fn from(p: Partner) -> Self {
        Self {
            id: p.id,
            slug: p.slug,
            csn: p.csn,
            document_prefix: p.document_prefix,
            name_ja: p.name_ja,
            name_en: p.name_en,
            description_ja: p.description_ja,
            description_en: p.description_en,
            tier: p.tier.as_str().to_owned(),
            country: p.country,
            regions: p.regions.join(","),
            languages: p.languages.join(","),
            services: p.services.join(","),
            website: p.website,
            email: p.email,
            phone: p.phone,
            postal_code: p.postal_code,
            address: p.address,
            payment_terms: p.payment_terms,
            bank_details: p.bank_details,
            payment_due_days: i32::from(p.payment_due_days),
            invoice_registration_number: p.invoice_registration_number,
            max_discount_hundredths: i32::try_from(p.max_discount.to_hundredths()).unwrap_or(i32::MAX),
            flex_signed_on: p.flex_signed_on,
            flex_expires_on: p.flex_expires_on,
            published: p.published,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

fn partners(rows: Vec<partner::Model>) -> Result<Vec<Partner>, Error> {
    rows.into_iter().map(Partner::try_from).collect()
}

/// # Errors
/// The database refused the row (e.g. a taken slug or CSN: see `UniqueViolation`).
pub async fn insert(db: &impl ConnectionTrait, partner: Partner) -> Result<Partner, Error> {
    partner::ActiveModel::from(partner::Model::from(partner)).insert(db).await?.try_into()
}

/// Inserts many partners in one statement, skipping any whose id, slug or CSN is already taken;
/// returns how many landed. Keep batches under 1,000 rows: SQLite binds at most 32,766 values.
pub async fn insert_many_new(db: &impl ConnectionTrait, partners: Vec<Partner>) -> Result<u64, Error> {
    let models = partners.into_iter().map(|p| partner::ActiveModel::from(partner::Model::from(p)));
    // No conflict target: both SQLite and PostgreSQL then skip a row that breaks any unique constraint.
    Ok(Partners::insert_many(models)
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .exec_without_returning(db)
        .await?)
}

/// Replaces every column of an existing partner.
pub async fn update(db: &impl ConnectionTrait, partner: Partner) -> Result<Partner, Error> {
    let mut active: partner::ActiveModel = partner::Model::from(partner).into();
    // `From<Model>` marks every column unchanged; mark them all for writing except the key and creation time.
    for column in [
        partner::Column::Slug,
        partner::Column::Csn,
        partner::Column::DocumentPrefix,
        partner::Column::NameJa,
        partner::Column::NameEn,
        partner::Column::DescriptionJa,
        partner::Column::DescriptionEn,
        partner::Column::Tier,
        partner::Column::Country,
        partner::Column::Regions,
        partner::Column::Languages,
        partner::Column::Services,
        partner::Column::Website,
        partner::Column::Email,
        partner::Column::Phone,
        partner::Column::PostalCode,
        partner::Column::Address,
        partner::Column::PaymentTerms,
        partner::Column::BankDetails,
        partner::Column::PaymentDueDays,
        partner::Column::InvoiceRegistrationNumber,
        partner::Column::MaxDiscountHundredths,
        partner::Column::FlexSignedOn,
        partner::Column::FlexExpiresOn,
        partner::Column::Published,
        partner::Column::UpdatedAt,
    ] {
        active.reset(column);
    }
    active.update(db).await?.try_into()
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Partner>, Error> {
    Partners::find_by_id(id).one(db).await?.map(Partner::try_from).transpose()
}

pub async fn find_by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<Option<Partner>, Error> {
    Partners::find().filter(partner::Column::Slug.eq(slug)).one(db).await?.map(Partner::try_from).transpose()
}

pub async fn find_by_csn(db: &impl ConnectionTrait, csn: &str) -> Result<Option<Partner>, Error> {
    Partners::find().filter(partner::Column::Csn.eq(csn)).one(db).await?.map(Partner::try_from).transpose()
}

/// The partners holding any of `csns` or any of `slugs`.
pub async fn find_by_csns_or_slugs(
    db: &impl ConnectionTrait,
    csns: &[String],
    slugs: &[String],
) -> Result<Vec<Partner>, Error> {
    let held = Condition::any()
        .add(partner::Column::Csn.is_in(csns.iter().map(String::as_str)))
        .add(partner::Column::Slug.is_in(slugs.iter().map(String::as_str)));
    partners(Partners::find().filter(held).all(db).await?)
}

/// Every document prefix in use, for handing out new ones.
pub async fn document_prefixes(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    Partners::find().select_only().column(partner::Column::DocumentPrefix).into_tuple().all(db).await
}

/// Every published partner: the source of the search read model.
/// What the directory was built from, in one line: the number of partners and the latest change to
/// any of them. With the directory version it tells whether a saved index is still this database's.
pub async fn stamp(db: &impl ConnectionTrait) -> Result<String, DbErr> {
    let count = Partners::find().count(db).await?;
    let latest = Partners::find().order_by_desc(partner::Column::UpdatedAt).one(db).await?;
    Ok(format!("{count}:{}", latest.map(|p| p.updated_at.timestamp_micros()).unwrap_or_default()))
}

/// Up to `limit` published partners with ids after `after`, in id order: the directory loads in
/// such batches so that neither the driver nor the loader ever holds the whole table at once.
pub async fn published_after(
    db: &impl ConnectionTrait,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Partner>, Error> {
    let mut query = Partners::find().filter(partner::Column::Published.eq(true));
    if let Some(after) = after {
        query = query.filter(partner::Column::Id.gt(after));
    }
    partners(query.order_by_asc(partner::Column::Id).limit(limit).all(db).await?)
}

/// Escapes LIKE wildcards so user text matches literally.
fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{}%", escaped.to_lowercase())
}

/// A page of partners for the operator (published or not), filtered by a name, slug or CSN fragment.
pub async fn list(
    db: &impl ConnectionTrait,
    text: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Partner>, u64), Error> {
    let mut query = Partners::find();
    if let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = like_pattern(text);
        let like = |column: partner::Column| {
            Expr::expr(Func::lower(Expr::col(column)))
                .like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\'))
        };
        query = query.filter(
            Condition::any()
                .add(like(partner::Column::NameJa))
                .add(like(partner::Column::NameEn))
                .add(like(partner::Column::Slug))
                .add(like(partner::Column::Csn)),
        );
    }
    let total = query.clone().count(db).await?;
    let rows = query.order_by_asc(partner::Column::NameEn).offset(offset).limit(limit).all(db).await?;
    Ok((partners(rows)?, total))
}

/// Moves the directory version on, in the caller's transaction.
pub async fn bump_version(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    DirectoryVersion::update_many()
        .col_expr(directory_version::Column::Version, Expr::col(directory_version::Column::Version).add(1))
        .filter(directory_version::Column::Id.eq(1))
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn version(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    Ok(DirectoryVersion::find_by_id(1).one(db).await?.map_or(0, |row| row.version))
}
