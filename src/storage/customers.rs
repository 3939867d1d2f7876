//! Queries over customers. Every query is scoped by the partner that owns the customer.

use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::Error;
use super::entities::customer::{self, Entity as Customers};

use crate::domain::customers::Customer;

impl TryFrom<customer::Model> for Customer {
    type Error = Error;

    fn try_from(row: customer::Model) -> Result<Self, Error> {
        let time_zone = row
            .time_zone
            .parse()
            .map_err(|_| Error::unreadable("customers", row.id, "time_zone", &row.time_zone))?;
        Ok(Customer {
            id: row.id,
            partner_id: row.partner_id,
            company_name: row.company_name,
            department: row.department,
            contact_name: row.contact_name,
            email: row.email,
            phone: row.phone,
            postal_code: row.postal_code,
            address: row.address,
            country: row.country,
            language: row.language,
            time_zone,
            purchaser_autodesk_id: row.purchaser_autodesk_id,
            trial_started_on: row.trial_started_on,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

impl From<Customer> for customer::Model {
    fn from(c: Customer) -> Self {
        Self {
            id: c.id,
            partner_id: c.partner_id,
            company_name: c.company_name,
            department: c.department,
            contact_name: c.contact_name,
            email: c.email,
            phone: c.phone,
            postal_code: c.postal_code,
            address: c.address,
            country: c.country,
            language: c.language,
            time_zone: c.time_zone.name().to_owned(),
            purchaser_autodesk_id: c.purchaser_autodesk_id,
            trial_started_on: c.trial_started_on,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// # Errors
/// The database refused the row; `Unreadable` if it reads back wrong.
pub async fn insert(db: &impl ConnectionTrait, customer: Customer) -> Result<Customer, Error> {
    customer::ActiveModel::from(customer::Model::from(customer)).insert(db).await?.try_into()
}

/// Replaces every column but the key, the owner and the creation time.
///
/// # Errors
/// The database refused the change.
pub async fn update(db: &impl ConnectionTrait, customer: Customer) -> Result<Customer, Error> {
    let mut active: customer::ActiveModel = customer::Model::from(customer).into();
    for column in [
        customer::Column::CompanyName,
        customer::Column::Department,
        customer::Column::ContactName,
        customer::Column::Email,
        customer::Column::Phone,
        customer::Column::PostalCode,
        customer::Column::Address,
        customer::Column::Country,
        customer::Column::Language,
        customer::Column::TimeZone,
        customer::Column::PurchaserAutodeskId,
        customer::Column::TrialStartedOn,
        customer::Column::UpdatedAt,
    ] {
        active.reset(column);
    }
    active.update(db).await?.try_into()
}

/// The customer `id` if it belongs to `partner`.
///
/// # Errors
/// Database failures; `Unreadable` for a row holding a value no record accepts.
pub async fn find(db: &impl ConnectionTrait, partner: Uuid, id: Uuid) -> Result<Option<Customer>, Error> {
    let row = Customers::find_by_id(id).filter(customer::Column::PartnerId.eq(partner)).one(db).await?;
    row.map(Customer::try_from).transpose()
}

/// The customer `id` of any partner: for the operator, the sweep and the purchaser's balance link.
///
/// # Errors
/// As [`find`].
pub async fn find_any(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Customer>, Error> {
    Customers::find_by_id(id).one(db).await?.map(Customer::try_from).transpose()
}

pub async fn list(
    db: &impl ConnectionTrait,
    partner: Uuid,
    text: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Customer>, u64), Error> {
    let mut query = Customers::find().filter(customer::Column::PartnerId.eq(partner));
    if let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) {
        let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        let like = |column: customer::Column| {
            Expr::expr(Func::lower(Expr::col(column))).like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        query = query.filter(
            Condition::any()
                .add(like(customer::Column::CompanyName))
                .add(like(customer::Column::ContactName))
                .add(like(customer::Column::Email)),
        );
    }
    let total = query.clone().count(db).await?;
    let rows = query.order_by_asc(customer::Column::CompanyName).offset(offset).limit(limit).all(db).await?;
    Ok((rows.into_iter().map(Customer::try_from).collect::<Result<_, _>>()?, total))
}
