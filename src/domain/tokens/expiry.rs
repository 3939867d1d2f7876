//! When a token pack expires: at the end of the same calendar date one year after its purchase, in the
//! customer's time zone (29 February → 28 February). "End of a day" is the convention quotes' validity
//! uses: the instant the next local day begins, so a pack is usable while `at < expires_at`.

use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::domain::quotes::start_of_day;

/// The last local day on which a pack bought at `purchased_at` can be drawn on.
pub fn last_day(purchased_at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    let bought_on = purchased_at.with_timezone(&tz).date_naive();
    // Adding twelve months keeps the day of the month, or clamps it to the month's last day: the
    // 29 February of a leap year becomes the 28 February of the next.
    bought_on.checked_add_months(Months::new(12)).unwrap_or(NaiveDate::MAX)
}

/// The instant a pack bought at `purchased_at` by a customer in `tz` expires: the start of the local
/// day after [`last_day`]. Stored in UTC; `quotes::last_valid_day(expires_at, tz)` gives `last_day` back.
pub fn expires_at(purchased_at: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    match last_day(purchased_at, tz).checked_add_days(Days::new(1)) {
        Some(day_after) => start_of_day(day_after, tz),
        None => DateTime::<Utc>::MAX_UTC,
    }
}

/// Whether a pack expiring at `expires_at` can no longer be drawn on at `at`.
pub fn is_expired(expires_at: DateTime<Utc>, at: DateTime<Utc>) -> bool {
    at >= expires_at
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::quotes::last_valid_day;
    use chrono_tz::{America, Asia};
    use proptest::prelude::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_pack_bought_on_28_february_expires_at_the_end_of_28_february_a_year_later() {
        let purchased_at = utc("2027-02-28T10:00:00+09:00");
        assert_eq!(last_day(purchased_at, Asia::Tokyo), date("2028-02-28"));
        assert_eq!(expires_at(purchased_at, Asia::Tokyo), utc("2028-02-29T00:00:00+09:00"));
    }

    #[test]
    fn a_pack_bought_on_29_february_expires_at_the_end_of_28_february_a_year_later() {
        let purchased_at = utc("2028-02-29T10:00:00+09:00");
        assert_eq!(last_day(purchased_at, Asia::Tokyo), date("2029-02-28"));
        assert_eq!(expires_at(purchased_at, Asia::Tokyo), utc("2029-03-01T00:00:00+09:00"));
    }

    #[test]
    fn the_purchase_date_is_the_customers_date_not_the_utc_date() {
        // 23:59:59 in Tokyo on 28 February 2028, then one second later: already 29 February there.
        let before_midnight = utc("2028-02-28T14:59:59Z");
        let at_midnight = utc("2028-02-28T15:00:00Z");
        assert_eq!(last_day(before_midnight, Asia::Tokyo), date("2029-02-28"));
        assert_eq!(last_day(at_midnight, Asia::Tokyo), date("2029-02-28"));
        assert_eq!(expires_at(before_midnight, Asia::Tokyo), utc("2029-02-28T15:00:00Z"));
        assert_eq!(expires_at(at_midnight, Asia::Tokyo), utc("2029-02-28T15:00:00Z"));
        // An ordinary day: the second after midnight in Tokyo buys a pack lasting one day longer.
        assert_eq!(expires_at(utc("2027-06-30T14:59:59Z"), Asia::Tokyo), utc("2028-06-30T15:00:00Z"));
        assert_eq!(expires_at(utc("2027-06-30T15:00:00Z"), Asia::Tokyo), utc("2028-07-01T15:00:00Z"));
    }

    #[test]
    fn expiry_follows_the_wall_clock_across_daylight_saving_time() {
        // Bought at 23:30 EST on 13 March 2027 (already 14 March in UTC). A year later New York is on
        // EDT, so the end of 13 March 2028 is 04:00 UTC, not the purchase's 04:30 or 05:00.
        let purchased_at = utc("2027-03-14T04:30:00Z");
        assert_eq!(last_day(purchased_at, America::New_York), date("2028-03-13"));
        assert_eq!(expires_at(purchased_at, America::New_York), utc("2028-03-14T04:00:00Z"));
        assert_eq!(expires_at(purchased_at, Asia::Tokyo), utc("2028-03-14T15:00:00Z"));
    }

    #[test]
    fn a_day_that_begins_in_a_daylight_saving_gap_begins_when_the_clock_resumes() {
        // Santiago skips from 00:00 to 01:00 on 3 September 2028: that day begins at 01:00 -03.
        let purchased_at = utc("2027-09-02T15:00:00-04:00");
        assert_eq!(last_day(purchased_at, America::Santiago), date("2028-09-02"));
        assert_eq!(expires_at(purchased_at, America::Santiago), utc("2028-09-03T01:00:00-03:00"));
    }

    #[test]
    fn a_pack_is_usable_until_the_instant_it_expires() {
        let expires = expires_at(utc("2027-02-28T10:00:00+09:00"), Asia::Tokyo);
        assert!(!is_expired(expires, utc("2028-02-28T23:59:59.999+09:00")));
        assert!(is_expired(expires, utc("2028-02-29T00:00:00+09:00")));
    }

    proptest! {
        #[test]
        fn the_quote_convention_reads_the_last_day_back(
            seconds in 1_700_000_000_i64..2_500_000_000,
            zone in prop::sample::select(vec![Asia::Tokyo, America::New_York, America::Santiago, chrono_tz::UTC]),
        ) {
            let purchased_at = DateTime::from_timestamp(seconds, 0).unwrap();
            let expires = expires_at(purchased_at, zone);
            prop_assert_eq!(last_valid_day(expires, zone), last_day(purchased_at, zone));
            prop_assert!(expires > purchased_at);
            let days = (last_day(purchased_at, zone) - purchased_at.with_timezone(&zone).date_naive()).num_days();
            prop_assert!(days == 365 || days == 366);
        }
    }
}
