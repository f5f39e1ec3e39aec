//! Test helpers of the capacity tests: routing steps, fixed demand plans and a tolerance check.

use super::{Line, LineSpec, RoutingStep};
use crate::demand_plan::{DemandPlan, SkuPlan};
use crate::forecast::Forecast;

/// `got` is `want` within `tol`, relative to `want` when that is larger than 1.
#[track_caller]
pub(crate) fn assert_close(got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol * want.abs().max(1.0),
        "got {got}, want {want}"
    );
}

/// A line of `shifts` shifts of 8 hours, Monday to Friday, at `oee`, operators not known.
pub(crate) fn line(code: &str, shifts: f64, oee: f64) -> Line {
    Line::new(
        code,
        LineSpec {
            shifts_per_day: shifts,
            hours_per_shift: 8.0,
            days_per_week: 5.0,
            oee,
            operators_per_shift: None,
        },
    )
    .unwrap()
}

/// A routing step of `c` seconds.
pub(crate) fn step(sku: &str, line: &str, station: &str, c: f64) -> RoutingStep {
    RoutingStep::new(sku, line, station, c, None).unwrap()
}

/// A fixed plan (no ranges) from `start`, as long as the first sku's quantities.
pub(crate) fn fixed(start: &str, skus: &[(&str, &[f64])]) -> DemandPlan {
    let mut plan = DemandPlan {
        start: start.parse().unwrap(),
        horizon: skus[0].1.len(),
        levels: vec![],
        skus: skus
            .iter()
            .map(|(sku, q)| SkuPlan {
                sku: (*sku).into(),
                model: "plan".into(),
                forecast: Forecast {
                    point: q.to_vec(),
                    intervals: vec![],
                },
            })
            .collect(),
        dependence: crate::uncertainty::Dependence::independent(),
    };
    plan.sort();
    plan
}
