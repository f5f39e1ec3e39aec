//! Family views: each family of the product master as one series, month by month, for the
//! family fan charts.
//!
//! A family's month is the total of its skus' point forecasts; its range at each level is the
//! central range of that total under the plan's dependence model ([`crate::uncertainty`]): a
//! normal total cut at zero, with variance `c_f (Σ σ)² + (1 − c_f) Σ σ²` over the family's skus
//! that month (`c_f` the family correlation), never the sum of the skus' bounds. Its history is
//! the sum of its skus' histories. [`DemandPlan::family_totals`] gives the same totals over
//! the whole horizon (`families.csv`).
//!
//! ```
//! use planner_core::demand::{DemandHistory, Product};
//! use planner_core::family::family_plan;
//! use planner_core::forecast::Forecast;
//! use planner_core::{DemandPlan, SkuPlan};
//!
//! let m = |s: &str| -> planner_core::time::Month { s.parse().unwrap() };
//! let sku = |name: &str, units: f64| SkuPlan {
//!     sku: name.into(),
//!     model: "test".into(),
//!     forecast: Forecast { point: vec![units; 2], intervals: vec![] },
//! };
//! let plan = DemandPlan {
//!     start: m("2027-01"),
//!     horizon: 2,
//!     levels: vec![],
//!     skus: vec![sku("A1", 10.0), sku("A2", 5.0), sku("B1", 1.0)],
//!     dependence: Default::default(),
//! };
//! let products = vec![Product::new("A1", "a", None, None)?, Product::new("A2", "a", None, None)?];
//! let history = DemandHistory::from_records([("A1", m("2026-12"), 7.0), ("A2", m("2026-12"), 2.0)])?;
//! let (families, h) = family_plan(&plan, &history, &products);
//! assert_eq!(families.skus.len(), 1); // B1 is in no family of products.csv
//! assert_eq!(families.skus[0].forecast.point, vec![15.0, 15.0]);
//! assert_eq!(h.get("a").unwrap().quantities, vec![9.0]);
//! # Ok::<(), planner_core::FieldError>(())
//! ```

use std::collections::BTreeMap;

use crate::demand::{DemandHistory, Product, SkuHistory};
use crate::forecast::{Forecast, Interval};
use crate::time::Month;
use crate::uncertainty::{MonthSpread, Total};
use crate::{DemandPlan, SkuPlan};

/// The families of `products` that have skus in `plan`, as a plan of their own: one
/// [`SkuPlan`] per family (its `sku` the family's name, its `model` `total of N skus`),
/// in name order, over the same months and levels, with the family's history (the sum of its
/// skus' history) as a [`DemandHistory`] keyed by family. Skus the product master does not list
/// are left out (each would be a family of one, its own fan chart).
pub fn family_plan(
    plan: &DemandPlan,
    history: &DemandHistory,
    products: &[Product],
) -> (DemandPlan, DemandHistory) {
    let family: BTreeMap<&str, &str> = products
        .iter()
        .map(|p| (p.sku.as_str(), p.family.as_str()))
        .collect();
    let mut members: BTreeMap<&str, Vec<&SkuPlan>> = BTreeMap::new();
    for s in &plan.skus {
        if let Some(f) = family.get(s.sku.as_str()) {
            members.entry(f).or_default().push(s);
        }
    }
    let n = plan.horizon;
    let mut skus = Vec::with_capacity(members.len());
    let mut series = Vec::with_capacity(members.len());
    for (name, list) in &members {
        let sigmas: Vec<Vec<f64>> = list.iter().map(|s| s.sigmas()).collect();
        let mut spread = MonthSpread::new(&plan.dependence, 1);
        let mut point = vec![0.0; n];
        let mut sd = vec![0.0; n];
        for t in 0..n {
            spread.clear();
            for (s, sig) in list.iter().zip(&sigmas) {
                point[t] += s.forecast.point.get(t).copied().unwrap_or(0.0).max(0.0);
                spread.add(0, sig.get(t).copied().unwrap_or(0.0));
            }
            sd[t] = spread.sd();
        }
        let intervals = plan
            .levels
            .iter()
            .map(|&level| {
                let (lo, hi): (Vec<f64>, Vec<f64>) = (0..n)
                    .map(|t| {
                        Total {
                            mean: point[t],
                            sd: sd[t],
                        }
                        .bounds(level)
                    })
                    .unzip();
                Interval { level, lo, hi }
            })
            .collect();
        skus.push(SkuPlan {
            sku: name.to_string(),
            model: format!(
                "total of {} sku{}",
                list.len(),
                if list.len() == 1 { "" } else { "s" }
            ),
            forecast: Forecast { point, intervals },
        });
        // The family's history: every month any of its skus has, summed.
        let mut months: BTreeMap<Month, f64> = BTreeMap::new();
        for s in list {
            if let Some(h) = history.get(&s.sku) {
                for (i, q) in h.quantities.iter().enumerate() {
                    *months.entry(h.start.plus(i as i32)).or_default() += q;
                }
            }
        }
        if let (Some((&first, _)), Some((&last, _))) =
            (months.first_key_value(), months.last_key_value())
        {
            let len = first.months_until(last) as usize + 1;
            let quantities = (0..len)
                .map(|i| months.get(&first.plus(i as i32)).copied().unwrap_or(0.0))
                .collect();
            series.push(SkuHistory {
                sku: name.to_string(),
                start: first,
                quantities,
            });
        }
    }
    (
        DemandPlan {
            start: plan.start,
            horizon: n,
            levels: plan.levels.clone(),
            skus,
            dependence: plan.dependence.clone(),
        },
        DemandHistory::from_series(series),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demand_plan::z_two_sided;
    use crate::forecast::Level;
    use crate::uncertainty::Dependence;

    #[test]
    fn a_familys_month_is_the_total_under_the_family_correlation() {
        let l95 = Level::new(95.0).unwrap();
        let z = z_two_sided(l95);
        // Two skus, each 100 with sd 10 in both months (95 % bounds at ±z·10).
        let sku = |name: &str| SkuPlan {
            sku: name.into(),
            model: "test".into(),
            forecast: Forecast {
                point: vec![100.0, 100.0],
                intervals: vec![Interval {
                    level: l95,
                    lo: vec![100.0 - z * 10.0; 2],
                    hi: vec![100.0 + z * 10.0; 2],
                }],
            },
        };
        let products = vec![
            Product::new("A", "f", None, None).unwrap(),
            Product::new("B", "f", None, None).unwrap(),
        ];
        for (cf, sd) in [(0.0, 200f64.sqrt()), (1.0, 20.0), (0.5, 300f64.sqrt())] {
            let plan = DemandPlan {
                start: "2027-01".parse().unwrap(),
                horizon: 2,
                levels: vec![l95],
                skus: vec![sku("A"), sku("B")],
                dependence: Dependence::fixed(0.3, cf, 0.0)
                    .unwrap()
                    .with_families(&products),
            };
            let (f, _) = family_plan(&plan, &DemandHistory::default(), &products);
            let s = &f.skus[0];
            assert_eq!(s.sku, "f");
            assert_eq!(s.model, "total of 2 skus");
            assert_eq!(s.forecast.point, vec![200.0, 200.0]);
            // var = c_f (10 + 10)² + (1 − c_f)(100 + 100).
            let hi = s.forecast.intervals[0].hi[1];
            assert!((hi - (200.0 + z * sd)).abs() < 1e-9, "{cf}: {hi}");
        }
    }

    #[test]
    fn the_familys_history_is_its_skus_summed_over_their_months() {
        let m = |s: &str| -> Month { s.parse().unwrap() };
        let h = DemandHistory::from_records([
            ("A", m("2026-01"), 1.0),
            ("A", m("2026-03"), 2.0),
            ("B", m("2026-02"), 5.0),
        ])
        .unwrap();
        let plan = DemandPlan {
            start: m("2026-04"),
            horizon: 1,
            levels: vec![],
            skus: ["A", "B"]
                .iter()
                .map(|s| SkuPlan {
                    sku: s.to_string(),
                    model: "t".into(),
                    forecast: Forecast {
                        point: vec![1.0],
                        intervals: vec![],
                    },
                })
                .collect(),
            dependence: Default::default(),
        };
        let products = vec![
            Product::new("A", "f", None, None).unwrap(),
            Product::new("B", "f", None, None).unwrap(),
        ];
        let (_, fh) = family_plan(&plan, &h, &products);
        let f = fh.get("f").unwrap();
        assert_eq!(f.start, m("2026-01"));
        assert_eq!(f.quantities, vec![1.0, 5.0, 2.0]);
    }
}
