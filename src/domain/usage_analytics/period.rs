//! Which usage a report covers: a period of local days (`from`..=`to`, at most 366 days) and how
//! the usage is grouped. Parsed from the request's text with a field error for each bad parameter;
//! what is left out defaults to the 30 days up to today in the customer's time zone.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::error::{FieldError, FieldErrors, Result};

/// The longest period one report covers, in days (a leap year).
pub const MAX_DAYS: i64 = 366;
/// The period shown when none is asked for, in days up to today.
pub const DEFAULT_DAYS: i64 = 30;
/// Dates outside these years are typos; refusing them keeps day arithmetic far from its limits.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    #[default]
    Day,
    Api,
    Developer,
}

impl GroupBy {
    pub const ALL: [GroupBy; 3] = [GroupBy::Day, GroupBy::Api, GroupBy::Developer];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Day => "day",
            GroupBy::Api => "api",
            GroupBy::Developer => "developer",
        }
    }

    pub fn parse(text: &str) -> Option<GroupBy> {
        Self::ALL.into_iter().find(|g| g.as_str() == text)
    }
}

/// The parameters as the request gave them; blanks count as left out.
#[derive(Debug, Clone, Copy, Default)]
pub struct UsageParams<'a> {
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub group_by: Option<&'a str>,
}

/// A checked period and grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: GroupBy,
}

fn given(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

fn date(field: &'static str, text: &str) -> std::result::Result<NaiveDate, FieldError> {
    let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().filter(|_| text.len() == 10);
    match parsed {
        Some(day) if YEARS.contains(&day.year()) => Ok(day),
        Some(_) => Err(FieldError::new(
            field,
            "out_of_range",
            "Give a date between 2000-01-01 and 2100-12-31.",
            "2000-01-01から2100-12-31までの日付を指定してください。",
        )),
        None => Err(FieldError::new(
            field,
            "invalid",
            "Give the date as YYYY-MM-DD, e.g. 2027-01-31.",
            "日付は 2027-01-31 のように YYYY-MM-DD の形式で指定してください。",
        )),
    }
}

impl UsageQuery {
    /// The query the parameters ask for, `today` being the customer's local date.
    ///
    /// # Errors
    /// `Validation` naming `from`, `to` or `group_by`: a date that is not `YYYY-MM-DD` (or outside
    /// 2000–2100), a grouping other than `day`, `api` or `developer`, `from` after `to`, or a period
    /// longer than 366 days.
    pub fn parse(params: UsageParams<'_>, today: NaiveDate) -> Result<UsageQuery> {
        let mut errors = FieldErrors::new();
        let from = errors.check(given(params.from).map(|t| date("from", t)).transpose());
        let to = errors.check(given(params.to).map(|t| date("to", t)).transpose());
        let group_by = match given(params.group_by) {
            None => Some(GroupBy::Day),
            Some(text) => {
                let parsed = GroupBy::parse(text);
                if parsed.is_none() {
                    errors.push(FieldError::new(
                        "group_by",
                        "invalid",
                        "Group by day, api or developer.",
                        "group_by には day、api、developer のいずれかを指定してください。",
                    ));
                }
                parsed
            }
        };
        let (Some(from), Some(to), Some(group_by)) = (from, to, group_by) else {
            errors.into_result()?;
            return Err(crate::domain::error::Error::Internal("usage parameters half parsed".into()));
        };
        let to = to.unwrap_or(today);
        let from = from.unwrap_or(to - Duration::days(DEFAULT_DAYS - 1));
        if from > to {
            errors.push(FieldError::new(
                "from",
                "after_to",
                "The first day must not be after the last day.",
                "開始日は終了日以前の日付を指定してください。",
            ));
        } else if (to - from).num_days() + 1 > MAX_DAYS {
            errors.push(FieldError::new(
                "from",
                "too_long",
                "Choose a period of at most 366 days.",
                "期間は366日以内で指定してください。",
            ));
        }
        errors.into_result()?;
        Ok(UsageQuery { from, to, group_by })
    }

    /// How many days the period covers, both ends included.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// Every day of the period, earliest first.
    pub fn each_day(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let from = self.from;
        (0..self.days()).map(move |n| from + Duration::days(n))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn fields(params: UsageParams<'_>) -> Vec<(String, &'static str)> {
        match UsageQuery::parse(params, day("2027-03-31")) {
            Err(crate::domain::error::Error::Validation(errors)) => {
                errors.into_iter().map(|e| (e.field.into_owned(), e.code)).collect()
            }
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn the_default_is_the_thirty_days_up_to_today_by_day() {
        let query = UsageQuery::parse(UsageParams::default(), day("2027-03-31")).unwrap();
        assert_eq!(
            (query.from, query.to, query.group_by),
            (day("2027-03-02"), day("2027-03-31"), GroupBy::Day)
        );
        assert_eq!(query.days(), 30);
        assert_eq!(query.each_day().count(), 30);
        let blanks = UsageParams { from: Some(" "), to: Some(""), group_by: Some("") };
        assert_eq!(UsageQuery::parse(blanks, day("2027-03-31")).unwrap(), query);
    }

    #[test]
    fn a_leap_year_of_366_days_is_allowed_and_one_day_more_is_not() {
        let leap = UsageParams { from: Some("2028-01-01"), to: Some("2028-12-31"), group_by: Some("api") };
        assert_eq!(UsageQuery::parse(leap, day("2027-03-31")).unwrap().days(), 366);
        let long = UsageParams { from: Some("2027-01-01"), to: Some("2028-01-02"), ..Default::default() };
        assert_eq!(fields(long), vec![("from".to_owned(), "too_long")]);
    }

    #[test]
    fn each_bad_parameter_is_named() {
        let bad = UsageParams { from: Some("2027-13-01"), to: Some("31/03/2027"), group_by: Some("month") };
        assert_eq!(
            fields(bad),
            vec![
                ("from".to_owned(), "invalid"),
                ("to".to_owned(), "invalid"),
                ("group_by".to_owned(), "invalid")
            ]
        );
        let reversed = UsageParams { from: Some("2027-03-02"), to: Some("2027-03-01"), ..Default::default() };
        assert_eq!(fields(reversed), vec![("from".to_owned(), "after_to")]);
        let unpadded = UsageParams { from: Some("2027-3-1"), ..Default::default() };
        assert_eq!(fields(unpadded), vec![("from".to_owned(), "invalid")]);
        let far = UsageParams { to: Some("9999-12-31"), ..Default::default() };
        assert_eq!(fields(far), vec![("to".to_owned(), "out_of_range")]);
    }
}
