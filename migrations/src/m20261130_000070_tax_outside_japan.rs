//! Customers outside Japan: their supply is not subject to Japanese consumption tax (不課税). Each
//! country a customer can be in, other than Japan, gets a 0% rule saying so, so that a quote is
//! sent only under a rule in force; a country without any rule is refused at send. Countries that
//! already have a rule (added by the operator) are left as they are.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, TryGetable};

/// The countries a customer can be in (the portal's country list), without Japan, each with the
/// fixed id of its seeded rule.
const COUNTRIES: [(&str, &str); 21] = [
    ("US", "00000000-0000-4000-8000-000000000701"),
    ("GB", "00000000-0000-4000-8000-000000000702"),
    ("DE", "00000000-0000-4000-8000-000000000703"),
    ("FR", "00000000-0000-4000-8000-000000000704"),
    ("KR", "00000000-0000-4000-8000-000000000705"),
    ("CN", "00000000-0000-4000-8000-000000000706"),
    ("TW", "00000000-0000-4000-8000-000000000707"),
    ("SG", "00000000-0000-4000-8000-000000000708"),
    ("AU", "00000000-0000-4000-8000-000000000709"),
    ("IN", "00000000-0000-4000-8000-000000000710"),
    ("CA", "00000000-0000-4000-8000-000000000711"),
    ("TH", "00000000-0000-4000-8000-000000000712"),
    ("VN", "00000000-0000-4000-8000-000000000713"),
    ("ID", "00000000-0000-4000-8000-000000000714"),
    ("MY", "00000000-0000-4000-8000-000000000715"),
    ("PH", "00000000-0000-4000-8000-000000000716"),
    ("HK", "00000000-0000-4000-8000-000000000717"),
    ("NZ", "00000000-0000-4000-8000-000000000718"),
    ("IT", "00000000-0000-4000-8000-000000000719"),
    ("ES", "00000000-0000-4000-8000-000000000720"),
    ("NL", "00000000-0000-4000-8000-000000000721"),
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let existing = Query::select().distinct().column(TaxRules::Country).from(TaxRules::Table).to_owned();
        let rows = db.query_all(&existing).await?;
        let mut have = Vec::with_capacity(rows.len());
        for row in rows {
            have.push(String::try_get(&row, "", "country").map_err(|e| DbErr::Custom(format!("{e:?}")))?);
        }
        let mut insert = Query::insert()
            .into_table(TaxRules::Table)
            .columns([
                TaxRules::Id,
                TaxRules::Country,
                TaxRules::Name,
                TaxRules::RateHundredths,
                TaxRules::Rounding,
                TaxRules::EffectiveFrom,
                TaxRules::CreatedAt,
            ])
            .to_owned();
        let mut any = false;
        for (country, id) in COUNTRIES {
            if have.iter().any(|c| c == country) {
                continue;
            }
            let id = sea_orm::prelude::Uuid::parse_str(id).map_err(|e| DbErr::Custom(e.to_string()))?;
            let from = sea_orm::prelude::Date::from_ymd_opt(2019, 10, 1)
                .ok_or_else(|| DbErr::Custom("bad seed date".into()))?;
            let created = sea_orm::prelude::DateTimeUtc::from_timestamp(1_764_460_800, 0)
                .ok_or_else(|| DbErr::Custom("bad seed time".into()))?;
            insert
                .values([
                    id.into(),
                    country.into(),
                    "不課税 / not subject to Japanese consumption tax".into(),
                    0.into(),
                    "down".into(),
                    from.into(),
                    created.into(),
                ])
                .map_err(|e| DbErr::Custom(e.to_string()))?;
            any = true;
        }
        if any {
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let ids: Vec<SimpleExpr> = COUNTRIES
            .iter()
            .filter_map(|(_, id)| sea_orm::prelude::Uuid::parse_str(id).ok())
            .map(Into::into)
            .collect();
        let delete = Query::delete()
            .from_table(TaxRules::Table)
            .and_where(Expr::col(TaxRules::Id).is_in(ids))
            .to_owned();
        manager.exec_stmt(delete).await
    }
}

#[derive(DeriveIden)]
enum TaxRules {
    Table,
    Id,
    Country,
    Name,
    RateHundredths,
    Rounding,
    EffectiveFrom,
    CreatedAt,
}
