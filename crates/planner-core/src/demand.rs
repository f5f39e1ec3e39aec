//! Demand history per sku and the product master.

use serde::{Deserialize, Serialize};

use crate::field::{key, non_negative, FieldError};
use crate::time::Month;

/// One sku's monthly demand, consecutive months from `start`, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkuHistory {
    /// The sku.
    pub sku: String,
    /// The month of `quantities[0]`.
    pub start: Month,
    /// Demand per month; a month with no record is zero.
    pub quantities: Vec<f64>,
}

impl SkuHistory {
    /// The month after the last month of history.
    pub fn end(&self) -> Month {
        self.start.plus(self.quantities.len() as i32)
    }
}

/// Monthly demand history for every sku, sorted by sku.
///
/// Built from records (`sku`, `month`, `quantity`): records of the same sku and month are summed
/// (transactional order lines), a month missing inside a sku's span is zero, and every sku runs
/// to the last month seen in the whole file (a sku with no orders in the latest months had zero
/// demand then).
///
/// ```
/// use planner_core::demand::DemandHistory;
/// let m = |s: &str| s.parse().unwrap();
/// let history = DemandHistory::from_records([
///     ("A", m("2026-01"), 5.0),
///     ("A", m("2026-01"), 2.0),
///     ("A", m("2026-03"), 4.0),
///     ("B", m("2026-02"), 1.0),
/// ])?;
/// let a = history.get("A").unwrap();
/// assert_eq!(a.quantities, vec![7.0, 0.0, 4.0]);
/// assert_eq!(history.get("B").unwrap().quantities, vec![1.0, 0.0]);
/// assert_eq!(history.last_month().unwrap().to_string(), "2026-03");
/// # Ok::<(), planner_core::FieldError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DemandHistory {
    series: Vec<SkuHistory>,
}

impl DemandHistory {
    /// Builds the history from `(sku, month, quantity)` records in any order.
    ///
    /// # Errors
    /// [`FieldError`] for an empty sku or a negative or non-finite quantity.
    pub fn from_records<S: AsRef<str>>(
        records: impl IntoIterator<Item = (S, Month, f64)>,
    ) -> Result<Self, FieldError> {
        // The records grouped by sku through one hash map of record indices: no map of maps,
        // no key allocated per record and no sort of the records (demand.csv has millions at
        // 100,000 skus).
        // Each record with its sku's trimmed part (offset and length), trimmed once.
        let mut all: Vec<(S, usize, usize, Month, f64)> = Vec::new();
        let mut last: Option<Month> = None;
        for (sku, month, quantity) in records {
            let text = sku.as_ref();
            let trimmed = text.trim();
            if trimmed.is_empty() {
                key("sku", text)?;
            }
            let offset = trimmed.as_ptr() as usize - text.as_ptr() as usize;
            let quantity = non_negative("quantity", quantity)?;
            last = Some(last.map_or(month, |l| l.max(month)));
            let len = trimmed.len();
            all.push((sku, offset, len, month, quantity));
        }
        // The records of each sku in their order, as runs of consecutive records of one sku
        // (a file written sku by sku is one run a sku): each run hashed once, not each record
        // (millions at 100,000 skus), and nothing sorted but the skus.
        type Run<'a, S> = &'a [(S, usize, usize, Month, f64)];
        let mut of_sku: std::collections::HashMap<&str, Vec<Run<'_, S>>> =
            std::collections::HashMap::new();
        for run in all.chunk_by(|a, b| trimmed_sku(a) == trimmed_sku(b)) {
            of_sku.entry(trimmed_sku(&run[0])).or_default().push(run);
        }
        let mut skus: Vec<(&str, Vec<Run<'_, S>>)> = of_sku.into_iter().collect();
        skus.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let end = last.expect("records exist");
        let series = skus
            .into_iter()
            .map(|(sku, rows)| {
                let start = rows
                    .iter()
                    .copied()
                    .flatten()
                    .map(|r| r.3)
                    .min()
                    .expect("a sku has records");
                let mut quantities = vec![0.0; start.months_until(end) as usize + 1];
                // In the records' order: a month's quantities are summed as given.
                for (_, _, _, month, q) in rows.into_iter().flatten() {
                    quantities[start.months_until(*month) as usize] += q;
                }
                SkuHistory {
                    sku: sku.to_string(),
                    start,
                    quantities,
                }
            })
            .collect();
        Ok(Self { series })
    }

    /// Builds the history from complete series, sorting them by sku.
    pub fn from_series(mut series: Vec<SkuHistory>) -> Self {
        series.sort_by(|a, b| a.sku.cmp(&b.sku));
        Self { series }
    }

    /// Every sku's history, sorted by sku.
    pub fn series(&self) -> &[SkuHistory] {
        &self.series
    }

    /// One sku's history.
    pub fn get(&self, sku: &str) -> Option<&SkuHistory> {
        self.series
            .binary_search_by(|s| s.sku.as_str().cmp(sku))
            .ok()
            .map(|i| &self.series[i])
    }

    /// The last month with history, over all skus.
    pub fn last_month(&self) -> Option<Month> {
        self.series.iter().map(|s| s.end().plus(-1)).max()
    }

    /// Number of skus.
    pub fn len(&self) -> usize {
        self.series.len()
    }

    /// True when there is no sku.
    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }
}

/// A row of the product master (`products.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// The sku.
    pub sku: String,
    /// Its family (for family totals, scenarios and reviews).
    pub family: String,
    /// A readable name.
    pub name: Option<String>,
    /// The unit of measure (for example `pcs`).
    pub unit: Option<String>,
}

impl Product {
    /// A product.
    ///
    /// # Errors
    /// [`FieldError`] when `sku` or `family` is blank.
    pub fn new(
        sku: &str,
        family: &str,
        name: Option<String>,
        unit: Option<String>,
    ) -> Result<Self, FieldError> {
        Ok(Self {
            sku: key("sku", sku)?,
            family: key("family", family)?,
            name,
            unit,
        })
    }
}

/// The trimmed sku of a record of [`DemandHistory::from_records`] (its offset and length).
fn trimmed_sku<S: AsRef<str>>(r: &(S, usize, usize, Month, f64)) -> &str {
    &r.0.as_ref()[r.1..r.1 + r.2]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn records_are_summed_gaps_are_zero_and_skus_run_to_the_last_month() {
        let h = DemandHistory::from_records([
            ("B", m("2025-12"), 3.0),
            ("A", m("2026-02"), 1.0),
            ("A", m("2025-11"), 2.0),
            ("A", m("2025-11"), 0.5),
        ])
        .unwrap();
        assert_eq!(h.len(), 2);
        let a = h.get("A").unwrap();
        assert_eq!(a.start, m("2025-11"));
        assert_eq!(a.quantities, vec![2.5, 0.0, 0.0, 1.0]);
        let b = h.get("B").unwrap();
        assert_eq!(b.quantities, vec![3.0, 0.0, 0.0]);
        assert_eq!(b.end(), m("2026-03"));
        assert!(h.get("C").is_none());
    }

    #[test]
    fn negative_quantities_and_blank_skus_are_rejected() {
        let err = DemandHistory::from_records([("A", m("2026-01"), -1.0)]).unwrap_err();
        assert_eq!(err.field, "quantity");
        assert_eq!(err.to_string(), "-1 is not a non-negative number");
        let err = DemandHistory::from_records([("  ", m("2026-01"), 1.0)]).unwrap_err();
        assert_eq!(err.field, "sku");
    }

    #[test]
    fn a_sku_split_into_several_runs_of_records_is_one_series() {
        // A's records in three runs (B's between), one of them written with spaces around.
        let h = DemandHistory::from_records([
            ("A", m("2026-01"), 1.0),
            ("A", m("2026-02"), 2.0),
            ("B", m("2026-01"), 10.0),
            (" A ", m("2026-01"), 4.0),
            ("B", m("2026-03"), 20.0),
            ("A", m("2026-03"), 8.0),
        ])
        .unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(h.get("A").unwrap().quantities, vec![5.0, 2.0, 8.0]);
        assert_eq!(h.get("B").unwrap().quantities, vec![10.0, 0.0, 20.0]);
    }

    proptest::proptest! {
        /// Any order of the records, skus in runs or scattered, gives the sums a map of
        /// (sku, month) gives (whole quantities: every order sums them exactly).
        #[test]
        fn the_history_is_the_sum_of_the_records_by_sku_and_month(
            records in proptest::collection::vec((0usize..4, 0i32..6, 0u32..50), 1..60)
        ) {
            let skus = ["A", "B", " B", "CC"];
            let first = m("2025-01");
            let rows: Vec<(&str, Month, f64)> = records
                .iter()
                .map(|&(s, k, q)| (skus[s], first.plus(k), f64::from(q)))
                .collect();
            let h = DemandHistory::from_records(rows.clone()).unwrap();
            let mut want: std::collections::BTreeMap<&str, std::collections::BTreeMap<Month, f64>> =
                Default::default();
            for (s, k, q) in &rows {
                *want.entry(s.trim()).or_default().entry(*k).or_default() += q;
            }
            let last = rows.iter().map(|r| r.1).max().unwrap();
            proptest::prop_assert_eq!(h.len(), want.len());
            for (sku, months) in &want {
                let got = h.get(sku).unwrap();
                let start = *months.keys().next().unwrap();
                proptest::prop_assert_eq!(got.start, start);
                proptest::prop_assert_eq!(got.end(), last.next());
                for (i, q) in got.quantities.iter().enumerate() {
                    let month = start.plus(i as i32);
                    proptest::prop_assert_eq!(*q, months.get(&month).copied().unwrap_or(0.0));
                }
            }
        }
    }
}
