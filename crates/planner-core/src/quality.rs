//! Checks of the inputs that a plan would otherwise take in silence: months of history far
//! outside their sku's usual range (a typo such as 152600 for 1526), which the forecast would
//! follow.
//!
//! A leaf of the domain: it reads a [`DemandHistory`] and says what it found; what to do (a
//! warning, a fix) is the caller's.

use serde::{Deserialize, Serialize};

use crate::demand::DemandHistory;
use crate::forecast::util::median;
use crate::time::Month;

/// A month of history far above its sku's usual demand ([`outliers`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outlier {
    /// The sku.
    pub sku: String,
    /// The month.
    pub month: Month,
    /// Its demand.
    pub quantity: f64,
    /// The median of the sku's months with demand.
    pub median: f64,
}

/// Fewest months with demand a sku needs to be checked.
const MIN_MONTHS: usize = 6;

/// How many times its sku's median a month must exceed to be an outlier.
const TIMES_MEDIAN: f64 = 5.0;

/// How many scaled median absolute deviations above the median it must also be.
const MADS: f64 = 10.0;

/// How many times the sku's largest usual month (within the other limits) it must also be.
const TIMES_NEXT: f64 = 3.0;

/// The months of `history` far above their sku's usual demand: more than 5 times the median of
/// the sku's months with demand and more than 10 scaled median absolute deviations (1.4826 MAD,
/// the standard deviation of a normal series) above it, and more than 3 times the sku's largest
/// month within those limits. Seasonal peaks and promotions of 2 to 4 times the usual stay
/// below, and so does the odd large order of an intermittent spare part; skus with fewer than 6
/// months of demand are not checked. In sku then month order.
///
/// ```
/// use planner_core::demand::DemandHistory;
/// use planner_core::quality::outliers;
///
/// let m = |i: i32| "2025-01".parse::<planner_core::time::Month>().unwrap().plus(i);
/// let mut records: Vec<_> = (0..12).map(|i| ("A", m(i), 1500.0 + 10.0 * i as f64)).collect();
/// records[8].2 = 152_600.0; // 1526 typed with two zeros more
/// let found = outliers(&DemandHistory::from_records(records)?);
/// assert_eq!(found.len(), 1);
/// assert_eq!((found[0].month, found[0].quantity), (m(8), 152_600.0));
/// # Ok::<(), planner_core::Error>(())
/// ```
pub fn outliers(history: &DemandHistory) -> Vec<Outlier> {
    let mut out = Vec::new();
    for s in history.series() {
        let mut positive: Vec<f64> = s.quantities.iter().copied().filter(|q| *q > 0.0).collect();
        if positive.len() < MIN_MONTHS {
            continue;
        }
        let median = median(&mut positive);
        let mut deviations: Vec<f64> = positive.iter().map(|q| (q - median).abs()).collect();
        let mad = 1.4826 * self::median(&mut deviations);
        let limit = (TIMES_MEDIAN * median).max(median + MADS * mad);
        // The largest month within the limit (`positive` is sorted): an outlier is also far
        // above every usual month.
        let usual = positive
            .iter()
            .rev()
            .find(|q| **q <= limit)
            .copied()
            .unwrap_or(median);
        let limit = limit.max(TIMES_NEXT * usual);
        for (t, q) in s.quantities.iter().enumerate() {
            if *q > limit {
                out.push(Outlier {
                    sku: s.sku.clone(),
                    month: s.start.plus(t as i32),
                    quantity: *q,
                    median,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(sku: &str, values: &[f64]) -> DemandHistory {
        let m: Month = "2024-01".parse().unwrap();
        DemandHistory::from_records(
            values
                .iter()
                .enumerate()
                .map(|(i, v)| (sku, m.plus(i as i32), *v)),
        )
        .unwrap()
    }

    #[test]
    fn a_typo_is_found_and_peaks_promotions_and_short_series_are_not() {
        // Seasonal: December triple the rest; a promotion month at 4 times.
        let mut seasonal: Vec<f64> = (0..24)
            .map(|i| {
                if i % 12 == 11 {
                    3000.0
                } else {
                    1000.0 + (i % 5) as f64 * 20.0
                }
            })
            .collect();
        seasonal[5] = 4000.0;
        assert!(outliers(&history("S", &seasonal)).is_empty());
        // Intermittent: zeros and ones and twos, a 5 among them is not (5 x median 1.5 = 7.5).
        let lumpy = [0.0, 1.0, 0.0, 2.0, 0.0, 1.0, 5.0, 0.0, 2.0, 1.0, 0.0, 2.0];
        assert!(outliers(&history("L", &lumpy)).is_empty());
        // A spare part's odd large order: 8 among ones, beside a 3 (not 3 times the next).
        let part = [1.0, 0.0, 1.0, 1.0, 3.0, 0.0, 1.0, 8.0, 1.0, 0.0, 1.0, 1.0];
        assert!(outliers(&history("P", &part)).is_empty());
        // A typo: 152,600 among ~1,500, and 1e15.
        let mut typo: Vec<f64> = (0..24).map(|i| 1500.0 + (i % 7) as f64 * 15.0).collect();
        typo[20] = 152_600.0;
        typo[3] = 1e15;
        let found = outliers(&history("T", &typo));
        let months: Vec<String> = found.iter().map(|o| o.month.to_string()).collect();
        assert_eq!(months, ["2024-04", "2025-09"]);
        assert!(
            (found[0].median - 1545.0).abs() < 30.0,
            "{}",
            found[0].median
        );
        // Five months of demand: not checked.
        assert!(outliers(&history("F", &[10.0, 10.0, 10.0, 10.0, 900.0])).is_empty());
    }
}
