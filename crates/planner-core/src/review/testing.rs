//! Builders of small plans and histories for the review tests.

use crate::demand::{DemandHistory, Product};
use crate::demand_plan::{DemandPlan, SkuPlan};
use crate::forecast::{Forecast, Interval, Level};
use crate::time::Month;

/// Tolerance of the hand-worked numbers.
pub(crate) const EPS: f64 = 1e-9;

#[track_caller]
pub(crate) fn close(a: f64, b: f64) {
    assert!((a - b).abs() < EPS, "{a} != {b}");
}

pub(crate) fn m(s: &str) -> Month {
    s.parse().expect("a month")
}

/// A plan without ranges.
pub(crate) fn plan(start: &str, skus: &[(&str, &[f64])]) -> DemandPlan {
    let horizon = skus.first().map_or(0, |s| s.1.len());
    let mut p = DemandPlan {
        start: m(start),
        horizon,
        levels: vec![],
        skus: skus
            .iter()
            .map(|(sku, point)| SkuPlan {
                sku: sku.to_string(),
                model: "test".into(),
                forecast: Forecast {
                    point: point.to_vec(),
                    intervals: vec![],
                },
            })
            .collect(),
        dependence: crate::uncertainty::Dependence::independent(),
    };
    p.sort();
    p
}

/// A plan with 80 % and 95 % ranges of half widths `w80` and `w95` (lower bound cut at 0).
pub(crate) fn banded(start: &str, skus: &[(&str, &[f64], f64, f64)]) -> DemandPlan {
    let l80 = Level::new(80.0).expect("level");
    let l95 = Level::new(95.0).expect("level");
    let band = |level, point: &[f64], w: f64| Interval {
        level,
        lo: point.iter().map(|p| (p - w).max(0.0)).collect(),
        hi: point.iter().map(|p| p + w).collect(),
    };
    let mut p = DemandPlan {
        start: m(start),
        horizon: skus[0].1.len(),
        levels: vec![l80, l95],
        skus: skus
            .iter()
            .map(|(sku, point, w80, w95)| SkuPlan {
                sku: sku.to_string(),
                model: "test".into(),
                forecast: Forecast {
                    point: point.to_vec(),
                    intervals: vec![band(l80, point, *w80), band(l95, point, *w95)],
                },
            })
            .collect(),
        dependence: crate::uncertainty::Dependence::independent(),
    };
    p.sort();
    p
}

/// A history from `(sku, first month, quantities)`.
pub(crate) fn history(series: &[(&str, &str, &[f64])]) -> DemandHistory {
    let mut records = Vec::new();
    for (sku, start, q) in series {
        for (i, &v) in q.iter().enumerate() {
            records.push((sku.to_string(), m(start).plus(i as i32), v));
        }
    }
    DemandHistory::from_records(records).expect("valid history")
}

pub(crate) fn product(sku: &str, family: &str) -> Product {
    Product::new(sku, family, None, None).expect("product")
}
