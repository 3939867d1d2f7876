//! Quote validity: a quote is valid through the end of its last day in the customer's time zone,
//! counted from the day it was sent.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

/// The instant a quote stops being valid: the start of the day after its last day, in the
/// customer's time zone.
pub fn validity_end(sent_at: DateTime<Utc>, valid_days: i32, tz: Tz) -> DateTime<Utc> {
    let sent_day = sent_at.with_timezone(&tz).date_naive();
    let after_last = sent_day + Duration::days(i64::from(valid_days) + 1);
    start_of_day(after_last, tz)
}

/// The last day a quote is valid, in the customer's time zone.
pub fn last_valid_day(valid_until: DateTime<Utc>, tz: Tz) -> NaiveDate {
    (valid_until - Duration::seconds(1)).with_timezone(&tz).date_naive()
}

/// The instant local day `day` begins in `tz`.
pub fn start_of_day(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    // Days that begin inside a daylight-saving gap start at the earliest valid local time.
    midnight
        .and_local_timezone(tz)
        .earliest()
        .or_else(|| (midnight + Duration::hours(1)).and_local_timezone(tz).earliest())
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}
