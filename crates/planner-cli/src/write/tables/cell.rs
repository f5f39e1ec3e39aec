//! Typed table cells: a cell knows what it holds before it is written, and CSV, the workbooks and
//! the HTML pages each render it their own way ([`Cell::csv`], [`Cell::html`], and
//! [`crate::write::workbooks::xlsx`]). A header name never decides a type.
//!
//! | cell | CSV | workbook | HTML |
//! |---|---|---|---|
//! | [`Cell::Text`] | as is | text (codes that look like numbers stay text) | as is |
//! | [`Cell::Count`] | up to its decimals | whole units, `#,##0` | whole units, `12,345` |
//! | [`Cell::Number`] | up to its decimals | `#,##0.00` with its decimals | `1,234.5` |
//! | [`Cell::Money`] | up to its decimals | `#,##0.00 "USD"` | `1,234.50 USD` |
//! | [`Cell::Percent`] | a fraction or percent points, as the file has always had it | `0.0%` | `12.5 %` |
//! | [`Cell::Month`] | `YYYY-MM` | a real date shown `yyyy-mm` | `YYYY-MM` |
//! | [`Cell::Date`] | `YYYY-MM-DD` | a real date shown `yyyy-mm-dd` | `YYYY-MM-DD` |
//! | [`Cell::Empty`] | empty | blank | empty |
//!
//! Numbers that are not finite are written empty everywhere.

use planner_core::time::{Date, Month};

use crate::write::{grouped, num, num_into};

/// How a percentage is spelled in CSV: the files keep the convention they were published with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PercentCsv {
    /// `0.125` for 12.5 % (`utilization`, `p_over_capacity`, the scorecard's shares).
    Fraction,
    /// `12.5` for 12.5 % (the review's `_pct` columns).
    Points,
}

/// One cell of a [`super::Table`].
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing: a value that does not apply or is unknown.
    Empty,
    /// A name, a code, a word (`yes`, `frozen`), a sentence.
    Text(String),
    /// Units counted (pieces, days, lines, skus): shown whole in the workbook and on the page;
    /// CSV keeps up to `decimals` decimals.
    Count {
        /// The value.
        value: f64,
        /// Decimals in CSV.
        decimals: u8,
    },
    /// A measure (hours, seconds, a factor) with the decimals it is shown with.
    Number {
        /// The value.
        value: f64,
        /// Decimals shown (trailing zeros dropped in CSV).
        decimals: u8,
    },
    /// An amount of money, in `currency` when the inputs name one.
    Money {
        /// The amount.
        value: f64,
        /// Decimals shown.
        decimals: u8,
        /// The currency code (`USD`), when the price tiers name one: interned ([`currency`]),
        /// so that a money cell allocates nothing and a cell is 32 bytes.
        currency: Option<&'static str>,
    },
    /// A percentage, held as a fraction (`0.125` = 12.5 %).
    Percent {
        /// The fraction.
        fraction: f64,
        /// Decimals of the CSV spelling (of the fraction or of the points, as `csv` says).
        decimals: u8,
        /// How CSV spells it.
        csv: PercentCsv,
    },
    /// A calendar month.
    Month(Month),
    /// A calendar day.
    Date(Date),
}

/// The one `&'static str` of a currency code: each distinct code is leaked once (a run names a
/// handful), so that the 4 million money cells of a large plan hold a pointer, not a `String`.
pub fn currency(code: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static CODES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut codes = CODES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    match codes.get(code) {
        Some(c) => c,
        None => {
            let c: &'static str = Box::leak(code.to_string().into_boxed_str());
            codes.insert(c);
            c
        }
    }
}

fn finite(x: impl Into<Option<f64>>) -> Option<f64> {
    x.into().filter(|v| v.is_finite())
}

impl Cell {
    /// Text.
    pub fn text(s: impl Into<String>) -> Self {
        Cell::Text(s.into())
    }

    /// Text, or empty.
    pub fn opt_text(s: Option<impl Into<String>>) -> Self {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }

    /// `yes` or `no`.
    pub fn yes_no(b: bool) -> Self {
        Cell::text(if b { "yes" } else { "no" })
    }

    /// Units counted, CSV with up to `decimals` decimals; empty when `None` or not finite.
    pub fn count(x: impl Into<Option<f64>>, decimals: u8) -> Self {
        finite(x).map_or(Cell::Empty, |value| Cell::Count { value, decimals })
    }

    /// A whole count (days, lags, operators).
    pub fn int(n: impl Into<i64>) -> Self {
        Cell::Count {
            value: n.into() as f64,
            decimals: 0,
        }
    }

    /// A whole count, or empty.
    pub fn opt_int<T: Into<i64>>(n: Option<T>) -> Self {
        n.map_or(Cell::Empty, Cell::int)
    }

    /// A whole count from a `usize`.
    pub fn size(n: usize) -> Self {
        Cell::Count {
            value: n as f64,
            decimals: 0,
        }
    }

    /// A measure with `decimals` decimals; empty when `None` or not finite.
    pub fn number(x: impl Into<Option<f64>>, decimals: u8) -> Self {
        finite(x).map_or(Cell::Empty, |value| Cell::Number { value, decimals })
    }

    /// Money with `decimals` decimals in `currency`; empty when `None` or not finite.
    pub fn money(x: impl Into<Option<f64>>, decimals: u8, currency: Option<&str>) -> Self {
        finite(x).map_or(Cell::Empty, |value| Cell::Money {
            value,
            decimals,
            currency: currency.map(self::currency),
        })
    }

    /// A percentage written in CSV as the fraction with `decimals` decimals (`0.8512`).
    pub fn ratio(fraction: impl Into<Option<f64>>, decimals: u8) -> Self {
        finite(fraction).map_or(Cell::Empty, |fraction| Cell::Percent {
            fraction,
            decimals,
            csv: PercentCsv::Fraction,
        })
    }

    /// A percentage written in CSV in points with `decimals` decimals (`12.5`).
    pub fn points(fraction: impl Into<Option<f64>>, decimals: u8) -> Self {
        finite(fraction).map_or(Cell::Empty, |fraction| Cell::Percent {
            fraction,
            decimals,
            csv: PercentCsv::Points,
        })
    }

    /// A month.
    pub fn month(m: Month) -> Self {
        Cell::Month(m)
    }

    /// A day, or empty.
    pub fn date(d: impl Into<Option<Date>>) -> Self {
        d.into().map_or(Cell::Empty, Cell::Date)
    }

    /// The numeric value of a number-like cell (count, number, money; a percentage's fraction).
    pub fn value(&self) -> Option<f64> {
        match self {
            Cell::Count { value, .. } | Cell::Number { value, .. } | Cell::Money { value, .. } => {
                Some(*value)
            }
            Cell::Percent { fraction, .. } => Some(*fraction),
            _ => None,
        }
    }

    /// Whether the cell is a number of any kind (right-aligned on a page).
    pub fn is_numeric(&self) -> bool {
        self.value().is_some()
    }

    /// The cell as the CSV files have it.
    pub fn csv(&self) -> String {
        let mut s = String::new();
        self.csv_into(&mut s);
        s
    }

    /// Appends the cell as the CSV files have it ([`Cell::csv`]) to `out`: a writer of millions
    /// of cells reuses one buffer instead of a new `String` a cell.
    pub fn csv_into(&self, out: &mut String) {
        use std::fmt::Write as _;
        match self {
            Cell::Empty => {}
            Cell::Text(s) => out.push_str(s),
            Cell::Count { value, decimals }
            | Cell::Number { value, decimals }
            | Cell::Money {
                value, decimals, ..
            } => num_into(out, *value, *decimals as usize),
            Cell::Percent {
                fraction,
                decimals,
                csv,
            } => match csv {
                PercentCsv::Fraction => num_into(out, *fraction, *decimals as usize),
                PercentCsv::Points => num_into(out, 100.0 * fraction, *decimals as usize),
            },
            // Writing to a String cannot fail.
            Cell::Month(m) => {
                let _ = write!(out, "{m}");
            }
            Cell::Date(d) => {
                let _ = write!(out, "{d}");
            }
        }
    }

    /// The cell as a page shows it: whole units and thousands separators, money with its
    /// currency, percentages with one decimal and a `%` sign.
    pub fn html(&self) -> String {
        match self {
            Cell::Count { value, .. } => grouped(*value, 0),
            Cell::Number { value, decimals } => grouped(*value, *decimals as usize),
            Cell::Money {
                value,
                decimals,
                currency,
            } => match currency {
                Some(c) => format!("{} {c}", grouped(*value, *decimals as usize)),
                None => grouped(*value, *decimals as usize),
            },
            Cell::Percent { fraction, .. } => format!("{} %", num(100.0 * fraction, 1)),
            other => other.csv(),
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<Month> for Cell {
    fn from(m: Month) -> Self {
        Cell::Month(m)
    }
}

impl From<Date> for Cell {
    fn from(d: Date) -> Self {
        Cell::Date(d)
    }
}

/// A cell equals the text its CSV spelling has (tests compare cells with the files' text).
impl PartialEq<&str> for Cell {
    fn eq(&self, other: &&str) -> bool {
        self.csv() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn a_cell_is_32_bytes_and_a_currency_is_interned() {
        assert_eq!(std::mem::size_of::<Cell>(), 32);
        let (a, b) = (
            Cell::money(1.0, 2, Some("EUR")),
            Cell::money(2.0, 2, Some("EUR")),
        );
        match (a, b) {
            (
                Cell::Money {
                    currency: Some(x), ..
                },
                Cell::Money {
                    currency: Some(y), ..
                },
            ) => {
                assert_eq!(x, "EUR");
                assert!(std::ptr::eq(x, y), "one EUR for every cell");
            }
            other => panic!("{other:?}"),
        }
        assert!(!std::ptr::eq(currency("EUR"), currency("USD")));
    }

    #[test]
    fn csv_spelling_is_the_files_own() {
        assert_eq!(Cell::count(12.345, 2).csv(), "12.35");
        assert_eq!(Cell::int(21u32).csv(), "21");
        assert_eq!(Cell::number(3.0, 4).csv(), "3");
        assert_eq!(Cell::money(8.6, 4, Some("USD")).csv(), "8.6");
        assert_eq!(Cell::ratio(0.851_24, 4).csv(), "0.8512");
        assert_eq!(Cell::points(0.125, 2).csv(), "12.5");
        assert_eq!(Cell::month(m("2026-11")).csv(), "2026-11");
        assert_eq!(Cell::count(None, 2).csv(), "");
        assert_eq!(Cell::number(f64::NAN, 2), Cell::Empty);
        assert_eq!(Cell::yes_no(true).csv(), "yes");
    }

    #[test]
    fn pages_show_whole_units_currency_and_one_percent_convention() {
        assert_eq!(Cell::count(12_345.6, 2).html(), "12,346");
        assert_eq!(Cell::number(1234.5, 2).html(), "1,234.5");
        assert_eq!(
            Cell::money(-1_234_567.891, 2, Some("EUR")).html(),
            "-1,234,567.89 EUR"
        );
        assert_eq!(Cell::ratio(0.8512, 4).html(), "85.1 %");
        assert_eq!(Cell::points(0.8512, 2).html(), "85.1 %");
        assert!(Cell::ratio(0.5, 4).is_numeric());
        assert!(!Cell::text("10023").is_numeric());
    }
}
