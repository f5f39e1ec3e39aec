//! Months (`YYYY-MM`) and dates (`YYYY-MM-DD`) with the arithmetic planners use.
//!
//! ```
//! use planner_core::time::{Date, Month};
//!
//! let start: Month = "2026-11".parse()?;
//! assert_eq!(start.plus(3).to_string(), "2027-02");
//! assert_eq!(start.days(), 30);
//! // 2026-11-02 is a Monday: weekday index 0.
//! let day: Date = "2026-11-02".parse()?;
//! assert_eq!(day.weekday(), 0);
//! assert_eq!(day.month(), start);
//! # Ok::<(), planner_core::time::TimeError>(())
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Errors parsing months and dates.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    /// Not a `YYYY-MM` month.
    #[error("{0:?} is not a month (expected YYYY-MM)")]
    BadMonth(String),
    /// Not a `YYYY-MM-DD` date.
    #[error("{0:?} is not a date (expected YYYY-MM-DD)")]
    BadDate(String),
    /// A month or date whose year is outside [`YEARS`]: a typo, not a plan.
    #[error("{0:?} is not a month or date planner works with (years 1900 to 2199): a typo?")]
    YearOutOfRange(String),
}

/// The years months and dates may fall in: a year outside is a typo (`2062` for `2026`,
/// `9999` as "never"), not a planning month.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// How much of a value messages quote: longer values are cut to this many characters and `…`.
pub const QUOTE_CHARS: usize = 60;

/// `s` as messages quote it: at most [`QUOTE_CHARS`] characters, then `…`.
pub fn shorten(s: &str) -> String {
    match s.char_indices().nth(QUOTE_CHARS) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

/// A calendar month, ordered in time. Written and parsed as `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    /// Months since year 0 (`year * 12 + month - 1`): makes arithmetic and ordering trivial.
    index: i32,
}

impl Month {
    /// The month `month` (1 to 12) of `year` (in [`YEARS`], 1900 to 2199).
    ///
    /// # Errors
    /// [`TimeError::BadMonth`] when the month is out of range, [`TimeError::YearOutOfRange`]
    /// when the year is.
    pub fn new(year: i32, month: u32) -> Result<Self, TimeError> {
        if !(1..=12).contains(&month) {
            return Err(TimeError::BadMonth(format!("{year:04}-{month:02}")));
        }
        if !YEARS.contains(&year) {
            return Err(TimeError::YearOutOfRange(format!("{year:04}-{month:02}")));
        }
        Ok(Self {
            index: year * 12 + month as i32 - 1,
        })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.index.div_euclid(12)
    }

    /// The month of the year, 1 to 12.
    pub fn month(self) -> u32 {
        self.index.rem_euclid(12) as u32 + 1
    }

    /// This month moved by `n` months (negative moves back).
    pub fn plus(self, n: i32) -> Self {
        Self {
            index: self.index + n,
        }
    }

    /// The month after this one.
    pub fn next(self) -> Self {
        self.plus(1)
    }

    /// Months from `self` to `later` (negative when `later` is earlier).
    pub fn months_until(self, later: Month) -> i32 {
        later.index - self.index
    }

    /// The number of days in this month (leap years included).
    pub fn days(self) -> u32 {
        days_in_month(self.year(), self.month())
    }

    /// The first day of this month.
    pub fn first_day(self) -> Date {
        Date {
            days: days_from_civil(self.year(), self.month(), 1),
        }
    }

    /// Each day of this month, in order.
    pub fn dates(self) -> impl Iterator<Item = Date> {
        let first = self.first_day().days;
        (0..self.days() as i64).map(move |d| Date { days: first + d })
    }

    /// Days of this month whose weekday index (Monday = 0) is below `days_per_week`: 5 counts
    /// Monday to Friday, 6 adds Saturday, 7 every day.
    pub fn weekdays_within(self, days_per_week: u8) -> u32 {
        self.dates().filter(|d| d.weekday() < days_per_week).count() as u32
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl FromStr for Month {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let bad = || TimeError::BadMonth(shorten(s));
        let (y, m) = t.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.is_empty() || m.len() > 2 {
            return Err(bad());
        }
        let year: i32 = parse_digits(y).ok_or_else(bad)?;
        let month: u32 = parse_digits(m).ok_or_else(bad)?;
        Month::new(year, month).map_err(|e| match e {
            TimeError::YearOutOfRange(_) => TimeError::YearOutOfRange(shorten(t)),
            _ => bad(),
        })
    }
}

impl TryFrom<String> for Month {
    type Error = TimeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Month> for String {
    fn from(m: Month) -> String {
        m.to_string()
    }
}

/// A calendar day. Written and parsed as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    /// Days since 1970-01-01.
    days: i64,
}

impl Date {
    /// The date `year-month-day`.
    ///
    /// # Errors
    /// [`TimeError::BadDate`] when the day does not exist, [`TimeError::YearOutOfRange`] when
    /// the year is outside [`YEARS`].
    pub fn new(year: i32, month: u32, day: u32) -> Result<Self, TimeError> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(TimeError::BadDate(format!("{year:04}-{month:02}-{day:02}")));
        }
        if !YEARS.contains(&year) {
            return Err(TimeError::YearOutOfRange(format!(
                "{year:04}-{month:02}-{day:02}"
            )));
        }
        Ok(Self {
            days: days_from_civil(year, month, day),
        })
    }

    /// Year, month (1 to 12) and day (1 to 31).
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.days)
    }

    /// The month this day falls in.
    pub fn month(self) -> Month {
        let (y, m, _) = self.ymd();
        Month {
            index: y * 12 + m as i32 - 1,
        }
    }

    /// Weekday index with Monday = 0 through Sunday = 6.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (index 3).
        (self.days + 3).rem_euclid(7) as u8
    }

    /// The day `n` days later.
    pub fn plus_days(self, n: i64) -> Self {
        Self {
            days: self.days + n,
        }
    }

    /// Days from `self` to `later`, negative when `later` is earlier: the one day difference of
    /// the crate (`a.plus_days(a.days_until(b)) == b`).
    pub fn days_until(self, later: Date) -> i64 {
        later.days - self.days
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl FromStr for Date {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let bad = || TimeError::BadDate(shorten(s));
        let mut parts = t.splitn(3, '-');
        let (y, m, d) = match (parts.next(), parts.next(), parts.next()) {
            (Some(y), Some(m), Some(d)) => (y, m, d),
            _ => return Err(bad()),
        };
        // A time of day may follow (`2026-11-02T00:00:00`, `2026-11-02 13:05`), as spreadsheets
        // and databases write dates; any other trailing text (`2027-03-09 to 2027-03-13`) is not
        // a date.
        let d = match d.split_once(['T', ' ']) {
            Some((d, time)) if is_time_of_day(time) => d,
            Some(_) => return Err(bad()),
            None => d,
        };
        if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
            return Err(bad());
        }
        let year: i32 = parse_digits(y).ok_or_else(bad)?;
        let month: u32 = parse_digits(m).ok_or_else(bad)?;
        let day: u32 = parse_digits(d).ok_or_else(bad)?;
        Date::new(year, month, day).map_err(|e| match e {
            TimeError::YearOutOfRange(_) => TimeError::YearOutOfRange(shorten(t)),
            _ => bad(),
        })
    }
}

impl TryFrom<String> for Date {
    type Error = TimeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_string()
    }
}

/// A time of day `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fff`, optionally ending in `Z`.
fn is_time_of_day(s: &str) -> bool {
    let s = s.strip_suffix('Z').unwrap_or(s);
    let (hms, fraction) = match s.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (s, None),
    };
    let two = |p: &str, max: u32| p.len() == 2 && parse_digits::<u32>(p).is_some_and(|v| v <= max);
    let parts: Vec<&str> = hms.split(':').collect();
    let fields_ok = match parts.as_slice() {
        [h, m] => fraction.is_none() && two(h, 23) && two(m, 59),
        [h, m, sec] => two(h, 23) && two(m, 59) && two(sec, 59),
        _ => false,
    };
    fields_ok
        && fraction
            .is_none_or(|f| !f.is_empty() && f.len() <= 9 && parse_digits::<u64>(f).is_some())
}

fn parse_digits<T: FromStr>(s: &str) -> Option<T> {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn month_arithmetic_crosses_years() {
        assert_eq!(month("2026-11").plus(2), month("2027-01"));
        assert_eq!(month("2027-01").plus(-1), month("2026-12"));
        assert_eq!(month("2024-03").months_until(month("2026-11")), 32);
        assert_eq!(month("2026-12").next().to_string(), "2027-01");
    }

    #[test]
    fn month_parsing_rejects_what_is_not_a_month() {
        assert_eq!(month(" 2026-1 ").to_string(), "2026-01");
        for bad in [
            "2026-13",
            "2026-00",
            "26-11",
            "2026/11",
            "2026-1a",
            "",
            "2026-11-01",
        ] {
            assert!(bad.parse::<Month>().is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn days_in_months_and_leap_years() {
        assert_eq!(month("2024-02").days(), 29);
        assert_eq!(month("2026-02").days(), 28);
        assert_eq!(month("2000-02").days(), 29);
        assert_eq!(month("1900-02").days(), 28);
        assert_eq!(month("2026-11").days(), 30);
    }

    #[test]
    fn weekdays_checked_against_a_wall_calendar() {
        // 2026-11-01 is a Sunday; 2027-02-01 a Monday; 1970-01-01 a Thursday.
        assert_eq!("2026-11-01".parse::<Date>().unwrap().weekday(), 6);
        assert_eq!("2027-02-01".parse::<Date>().unwrap().weekday(), 0);
        assert_eq!("1970-01-01".parse::<Date>().unwrap().weekday(), 3);
        // November 2026: 30 days starting on a Sunday: 21 weekdays Mon-Fri, 25 Mon-Sat.
        assert_eq!(month("2026-11").weekdays_within(5), 21);
        assert_eq!(month("2026-11").weekdays_within(6), 25);
        assert_eq!(month("2026-11").weekdays_within(7), 30);
        // February 2027 starts on a Monday: exactly 20 weekdays.
        assert_eq!(month("2027-02").weekdays_within(5), 20);
    }

    #[test]
    fn dates_round_trip_and_reject_impossible_days() {
        for s in ["2024-02-29", "1999-12-31", "2026-11-24", "2000-02-29"] {
            assert_eq!(s.parse::<Date>().unwrap().to_string(), s);
        }
        for bad in ["2026-02-29", "2026-04-31", "2026-11", "2026-11-00", "x"] {
            assert!(bad.parse::<Date>().is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn a_date_may_carry_a_time_of_day_and_nothing_else() {
        for s in [
            "2026-11-24T13:00:00",
            "2026-11-24 13:05",
            "2026-11-24T00:00:00Z",
            "2026-11-24 23:59:59.123",
            "2026-11-24T08:30Z",
        ] {
            assert_eq!(s.parse::<Date>().unwrap().to_string(), "2026-11-24", "{s}");
        }
        for bad in [
            "2027-03-09 to 2027-03-13",
            "2027-03-09 2027-03-13",
            "2027-03-09T",
            "2027-03-09 24:00",
            "2027-03-09 12:60",
            "2027-03-09 1:00",
            "2027-03-09 12:00:00.",
            "2027-03-09 12:00.5",
            "2027-03-09 12:00:00+02:00",
            "2027-03-09Tnoon",
        ] {
            assert_eq!(
                bad.parse::<Date>(),
                Err(TimeError::BadDate(bad.to_string())),
                "{bad:?}"
            );
        }
        assert_eq!(
            "2027-03-09 to 2027-03-13"
                .parse::<Date>()
                .unwrap_err()
                .to_string(),
            "\"2027-03-09 to 2027-03-13\" is not a date (expected YYYY-MM-DD)"
        );
    }

    #[test]
    fn years_outside_1900_to_2199_are_typos() {
        assert_eq!(month("1900-01").to_string(), "1900-01");
        assert_eq!(month("2199-12").to_string(), "2199-12");
        assert_eq!(
            "9999-12".parse::<Month>().unwrap_err().to_string(),
            "\"9999-12\" is not a month or date planner works with (years 1900 to 2199): a typo?"
        );
        assert_eq!(
            "1899-12".parse::<Month>(),
            Err(TimeError::YearOutOfRange("1899-12".into()))
        );
        assert_eq!(
            "2200-01-01".parse::<Date>(),
            Err(TimeError::YearOutOfRange("2200-01-01".into()))
        );
        assert_eq!(
            "0001-01-01T00:00".parse::<Date>(),
            Err(TimeError::YearOutOfRange("0001-01-01T00:00".into()))
        );
        assert!(Date::new(2199, 12, 31).is_ok());
        assert!(Month::new(2200, 1).is_err());
    }

    #[test]
    fn long_values_are_quoted_short() {
        let long = "x".repeat(10_000);
        let e = long.parse::<Month>().unwrap_err().to_string();
        assert_eq!(
            e,
            format!("\"{}…\" is not a month (expected YYYY-MM)", "x".repeat(60))
        );
        assert_eq!(shorten("été"), "été");
        assert_eq!(shorten(&"é".repeat(61)), format!("{}…", "é".repeat(60)));
    }

    #[test]
    fn serde_uses_the_written_form() {
        let m = month("2027-03");
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"2027-03\"");
        let back: Month = serde_json::from_str("\"2027-03\"").unwrap();
        assert_eq!(back, m);
        assert!(serde_json::from_str::<Month>("\"2027-13\"").is_err());
    }

    proptest::proptest! {
        #[test]
        fn date_days_round_trip(days in -25_567i64..84_006) {
            let d = Date { days };
            let (y, m, dd) = d.ymd();
            proptest::prop_assume!(YEARS.contains(&y));
            proptest::prop_assert_eq!(Date::new(y, m, dd).unwrap(), d);
            proptest::prop_assert_eq!(d.to_string().parse::<Date>().unwrap(), d);
        }

        #[test]
        fn month_plus_is_invertible(y in 1900i32..2200, m in 1u32..=12, n in -500i32..500) {
            let a = Month::new(y, m).unwrap();
            proptest::prop_assert_eq!(a.plus(n).plus(-n), a);
            proptest::prop_assert_eq!(a.months_until(a.plus(n)), n);
        }
    }
}
