//! Test helpers: demand plans, materials and a tolerance check.

use super::{Bom, BomLine, Material};
use crate::demand_plan::{DemandPlan, SkuPlan};
use crate::forecast::{Forecast, Interval, Level};
use crate::time::Month;

/// Tolerance of hand-worked figures (given to 1e-9 of a unit).
pub(crate) const TOL: f64 = 1e-9;

#[track_caller]
pub(crate) fn assert_close(got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol * want.abs().max(1.0),
        "got {got}, want {want} (tolerance {tol})"
    );
}

#[track_caller]
pub(crate) fn assert_all_close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "lengths of {got:?} and {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= TOL * w.abs().max(1.0),
            "got {got:?}, want {want:?}"
        );
    }
}

pub(crate) fn month(s: &str) -> Month {
    s.parse().unwrap()
}

pub(crate) fn bom(lines: &[(&str, &str, f64)]) -> Bom {
    Bom::new(
        lines
            .iter()
            .map(|(p, m, q)| BomLine::new(p, m, *q).unwrap())
            .collect(),
    )
    .unwrap()
}

/// A material: lead time, moq, order multiple, unit cost, on hand.
pub(crate) fn material(
    name: &str,
    lt: f64,
    moq: f64,
    mult: f64,
    cost: f64,
    on_hand: f64,
) -> Material {
    Material::new(name, lt, moq, mult, cost, on_hand).unwrap()
}

/// A fixed plan (no ranges) starting 2026-11.
pub(crate) fn fixed(skus: &[(&str, &[f64])]) -> DemandPlan {
    let horizon = skus.first().map_or(0, |s| s.1.len());
    let mut plan = DemandPlan {
        start: month("2026-11"),
        horizon,
        levels: vec![],
        skus: skus
            .iter()
            .map(|(sku, point)| SkuPlan {
                sku: sku.to_string(),
                model: "plan".into(),
                forecast: Forecast {
                    point: point.to_vec(),
                    intervals: vec![],
                },
            })
            .collect(),
        dependence: crate::uncertainty::Dependence::independent(),
    };
    plan.sort();
    plan
}

/// A forecast starting 2026-11 with one 95 % range: `point ± z * sigma` (clamped at 0), z =
/// 1.959964.
pub(crate) fn ranged(skus: &[(&str, &[f64], f64)]) -> DemandPlan {
    let z = crate::demand_plan::z_two_sided(Level::new(95.0).unwrap());
    let widths: Vec<_> = skus
        .iter()
        .map(|(s, p, sigma)| (*s, *p, z * sigma))
        .collect();
    banded(&widths)
}

/// A forecast starting 2026-11 with one 95 % range: `point ± half_width` (clamped at 0).
pub(crate) fn banded(skus: &[(&str, &[f64], f64)]) -> DemandPlan {
    let l95 = Level::new(95.0).unwrap();
    let horizon = skus.first().map_or(0, |s| s.1.len());
    let mut plan = DemandPlan {
        start: month("2026-11"),
        horizon,
        levels: vec![l95],
        skus: skus
            .iter()
            .map(|(sku, point, half)| SkuPlan {
                sku: sku.to_string(),
                model: "test".into(),
                forecast: Forecast {
                    point: point.to_vec(),
                    intervals: vec![Interval {
                        level: l95,
                        lo: point.iter().map(|p| (p - half).max(0.0)).collect(),
                        hi: point.iter().map(|p| p + half).collect(),
                    }],
                },
            })
            .collect(),
        dependence: crate::uncertainty::Dependence::independent(),
    };
    plan.sort();
    plan
}
