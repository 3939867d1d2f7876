//! The coarser roll-ups analytics read: from the finest roll-up (one row per day, API and
//! developer) the day's total, each API's and each developer's use per day and per calendar month;
//! and how a period splits into the days and whole months those rows cover, so that a year by API
//! reads about twelve month rows per API instead of 365 days × every developer.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, Months, NaiveDate};

use crate::domain::error::{Error, Result};
use crate::domain::tokens::TokenAmount;

/// What a roll-up row sums over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    /// Everything the customer used.
    Total,
    /// One API.
    Api,
    /// One developer's Autodesk ID.
    Developer,
}

impl Dimension {
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Total => "total",
            Dimension::Api => "api",
            Dimension::Developer => "developer",
        }
    }
}

/// How long a period one roll-up row covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grain {
    Day,
    /// A calendar month, keyed by its first day.
    Month,
}

impl Grain {
    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Month => "month",
        }
    }
}

/// What one applied batch adds to one roll-up row (or the row itself, for fixtures).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollup {
    pub dimension: Dimension,
    pub grain: Grain,
    /// The day, or the first day of the month.
    pub period: NaiveDate,
    /// The API or the Autodesk ID; empty for [`Dimension::Total`].
    pub key: String,
    pub tokens: TokenAmount,
    pub events: i64,
}

/// One finest-grained sum: a developer's use of an API on a day.
#[derive(Debug, Clone, Copy)]
pub struct Fine<'a> {
    pub day: NaiveDate,
    pub api: &'a str,
    pub autodesk_id: &'a str,
    pub tokens: TokenAmount,
    pub events: i64,
}

/// The first and last day of the month `day` is in.
pub fn month_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = day.with_day(1).unwrap_or(day);
    let last = first.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(day);
    (first, last)
}

fn overflow() -> Error {
    Error::Internal("usage sums left the ledger's range".into())
}

/// The roll-up rows `fine` adds to, each once: the day's total, and per API and per developer the
/// day and the month.
///
/// # Errors
/// `Internal` when a sum leaves the ledger's range.
pub fn rollups<'a>(fine: impl IntoIterator<Item = Fine<'a>>) -> Result<Vec<Rollup>> {
    let mut sums: BTreeMap<(Dimension, Grain, NaiveDate, &'a str), (TokenAmount, i64)> = BTreeMap::new();
    for f in fine {
        let (month, _) = month_of(f.day);
        for key in [
            (Dimension::Total, Grain::Day, f.day, ""),
            (Dimension::Api, Grain::Day, f.day, f.api),
            (Dimension::Api, Grain::Month, month, f.api),
            (Dimension::Developer, Grain::Day, f.day, f.autodesk_id),
            (Dimension::Developer, Grain::Month, month, f.autodesk_id),
        ] {
            let sum = sums.entry(key).or_insert((TokenAmount::ZERO, 0));
            sum.0 = sum.0.checked_add(f.tokens).ok_or_else(overflow)?;
            sum.1 = sum.1.checked_add(f.events).ok_or_else(overflow)?;
        }
    }
    Ok(sums
        .into_iter()
        .map(|((dimension, grain, period, key), (tokens, events))| Rollup {
            dimension,
            grain,
            period,
            key: key.to_owned(),
            tokens,
            events,
        })
        .collect())
}

/// A stretch of a period read at one grain: the days `from..=to`, or the months whose first days
/// are `from..=to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub grain: Grain,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// `from..=to` as the whole months inside it and the days before and after them, in order; one
/// stretch of days when no whole month fits. Together they cover every day once.
pub fn segments(from: NaiveDate, to: NaiveDate) -> Vec<Segment> {
    let first_whole = if from.day() == 1 { from } else { month_of(from).1 + Duration::days(1) };
    // The first day after the last whole month.
    let (to_month, to_month_end) = month_of(to);
    let after_whole = if to == to_month_end { to + Duration::days(1) } else { to_month };
    if first_whole >= after_whole {
        return vec![Segment { grain: Grain::Day, from, to }];
    }
    let mut parts = Vec::with_capacity(3);
    if from < first_whole {
        parts.push(Segment { grain: Grain::Day, from, to: first_whole - Duration::days(1) });
    }
    let (last_month, _) = month_of(after_whole - Duration::days(1));
    parts.push(Segment { grain: Grain::Month, from: first_whole, to: last_month });
    if after_whole <= to {
        parts.push(Segment { grain: Grain::Day, from: after_whole, to });
    }
    parts
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn seg(grain: Grain, from: &str, to: &str) -> Segment {
        Segment { grain, from: day(from), to: day(to) }
    }

    #[test]
    fn a_month_runs_from_its_first_to_its_last_day() {
        assert_eq!(month_of(day("2027-02-14")), (day("2027-02-01"), day("2027-02-28")));
        assert_eq!(month_of(day("2028-02-29")), (day("2028-02-01"), day("2028-02-29")));
        assert_eq!(month_of(day("2027-12-31")), (day("2027-12-01"), day("2027-12-31")));
    }

    #[test]
    fn a_period_reads_its_whole_months_as_months_and_the_rest_as_days() {
        assert_eq!(
            segments(day("2027-01-15"), day("2027-04-10")),
            vec![
                seg(Grain::Day, "2027-01-15", "2027-01-31"),
                seg(Grain::Month, "2027-02-01", "2027-03-01"),
                seg(Grain::Day, "2027-04-01", "2027-04-10"),
            ]
        );
        // A year up to today: the days of the first and last partial months, eleven whole months.
        assert_eq!(
            segments(day("2025-12-03"), day("2026-12-02")),
            vec![
                seg(Grain::Day, "2025-12-03", "2025-12-31"),
                seg(Grain::Month, "2026-01-01", "2026-11-01"),
                seg(Grain::Day, "2026-12-01", "2026-12-02"),
            ]
        );
    }

    #[test]
    fn whole_months_at_either_end_need_no_days() {
        assert_eq!(
            segments(day("2028-02-01"), day("2028-02-29")),
            vec![seg(Grain::Month, "2028-02-01", "2028-02-01")]
        );
        assert_eq!(
            segments(day("2027-01-01"), day("2027-12-31")),
            vec![seg(Grain::Month, "2027-01-01", "2027-12-01")]
        );
        assert_eq!(
            segments(day("2027-02-01"), day("2027-03-05")),
            vec![seg(Grain::Month, "2027-02-01", "2027-02-01"), seg(Grain::Day, "2027-03-01", "2027-03-05")]
        );
        assert_eq!(
            segments(day("2027-01-20"), day("2027-02-28")),
            vec![seg(Grain::Day, "2027-01-20", "2027-01-31"), seg(Grain::Month, "2027-02-01", "2027-02-01")]
        );
    }

    #[test]
    fn a_period_without_a_whole_month_is_read_by_day() {
        assert_eq!(
            segments(day("2027-01-15"), day("2027-02-13")),
            vec![seg(Grain::Day, "2027-01-15", "2027-02-13")]
        );
        assert_eq!(
            segments(day("2027-03-01"), day("2027-03-30")),
            vec![seg(Grain::Day, "2027-03-01", "2027-03-30")]
        );
        assert_eq!(
            segments(day("2027-03-31"), day("2027-03-31")),
            vec![seg(Grain::Day, "2027-03-31", "2027-03-31")]
        );
    }

    #[test]
    fn segments_cover_every_day_of_any_period_exactly_once() {
        let start = day("2027-12-01");
        for offset in 0..70 {
            for length in 0..400 {
                let from = start + Duration::days(offset);
                let to = from + Duration::days(length);
                let mut covered = Vec::new();
                for s in segments(from, to) {
                    let mut d = s.from;
                    while d <= s.to {
                        match s.grain {
                            Grain::Day => {
                                covered.push(d);
                                d += Duration::days(1);
                            }
                            Grain::Month => {
                                assert_eq!(d.day(), 1);
                                let (_, end) = month_of(d);
                                while d <= end {
                                    covered.push(d);
                                    d += Duration::days(1);
                                }
                            }
                        }
                    }
                }
                let expected: Vec<NaiveDate> = (0..=length).map(|n| from + Duration::days(n)).collect();
                assert_eq!(covered, expected, "{from}..={to}");
            }
        }
    }

    #[test]
    fn each_finest_sum_adds_to_the_days_total_and_to_its_api_and_developer_by_day_and_month() {
        let t = TokenAmount::from_thousandths;
        let fine = [
            Fine { day: day("2027-01-31"), api: "md", autodesk_id: "a@x", tokens: t(1500), events: 2 },
            Fine { day: day("2027-01-31"), api: "da", autodesk_id: "a@x", tokens: t(500), events: 1 },
            Fine { day: day("2027-02-01"), api: "md", autodesk_id: "b@x", tokens: t(250), events: 1 },
        ];
        let rows: Vec<_> = rollups(fine)
            .unwrap()
            .into_iter()
            .map(|r| (r.dimension, r.grain, r.period.to_string(), r.key, r.tokens.to_string(), r.events))
            .collect();
        let row = |d, g, p: &str, k: &str, tokens: &str, e| {
            (d, g, p.to_owned(), k.to_owned(), tokens.to_owned(), e)
        };
        use Dimension::*;
        use Grain::*;
        assert_eq!(
            rows,
            vec![
                row(Total, Day, "2027-01-31", "", "2", 3),
                row(Total, Day, "2027-02-01", "", "0.25", 1),
                row(Api, Day, "2027-01-31", "da", "0.5", 1),
                row(Api, Day, "2027-01-31", "md", "1.5", 2),
                row(Api, Day, "2027-02-01", "md", "0.25", 1),
                row(Api, Month, "2027-01-01", "da", "0.5", 1),
                row(Api, Month, "2027-01-01", "md", "1.5", 2),
                row(Api, Month, "2027-02-01", "md", "0.25", 1),
                row(Developer, Day, "2027-01-31", "a@x", "2", 3),
                row(Developer, Day, "2027-02-01", "b@x", "0.25", 1),
                row(Developer, Month, "2027-01-01", "a@x", "2", 3),
                row(Developer, Month, "2027-02-01", "b@x", "0.25", 1),
            ]
        );
        let huge = [
            Fine { day: day("2027-01-31"), api: "md", autodesk_id: "a@x", tokens: t(i64::MAX), events: 1 },
            Fine { day: day("2027-01-31"), api: "md", autodesk_id: "b@x", tokens: t(1), events: 1 },
        ];
        assert!(rollups(huge).is_err());
    }
}
