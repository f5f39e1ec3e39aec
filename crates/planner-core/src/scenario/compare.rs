//! Scenarios side by side: the figures a planner weighs, for the base and each scenario, with
//! the change against the base.
//!
//! | metric | scope | what |
//! |---|---|---|
//! | `demand_units` | `all` | units planned over the horizon (point forecast) |
//! | `required_hours` | `all` | line hours the demand takes, every line and month |
//! | `peak_utilization` | a line | the line's highest monthly utilization (1 = 100 %) |
//! | `peak_month` | a line | the month of that peak, as `YYYYMM` (no delta) |
//! | `unmet_units` | `all` | demand the build plan cannot meet |
//! | `overtime_hours` | `all` | overtime in the build plan |
//! | `build_cost` | `all` | holding, overtime and shortfall cost of the build plan |
//! | `past_due_releases` | `all` | MRP releases that fall before the first month (expedites) |
//! | `past_due_value` | `all` | their value at unit cost |
//! | `prebuy_cash` | `all` | cash tied up in pre-buys |
//! | `spend` | `all` | spend at the tier prices |
//! | `projected_spend` | `all` | spend at the index-linked projected prices ([`crate::pricing::PricingPlan::projection`]); only when the plans have cost breakdowns |
//! | `p_overload_max` | a line | Monte Carlo: the highest monthly chance of overload |
//! | `material_months_at_risk` | `all` | Monte Carlo: material-months with a chance of shortage of [`AT_RISK`] or more |
//! | `spend_p5`, `spend_p50`, `spend_p95` | `all` | Monte Carlo: spend percentiles |
//!
//! A metric is empty where the part is absent (no lines, no materials, no tiers, no Monte Carlo);
//! `projected_spend` is left out altogether without a projection.

use serde::{Deserialize, Serialize};

use super::{Plan, RiskReport};
use crate::pricing::PricingPlan;

/// Chance of shortage from which a material-month counts as at risk.
pub const AT_RISK: f64 = 0.10;

/// One figure of one plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    /// The metric's name (see the module table).
    pub metric: String,
    /// `all`, or the line the figure is about.
    pub scope: String,
    /// The figure; `None` where the plan has no such part.
    pub value: Option<f64>,
}

fn metric(metric: &str, scope: &str, value: Option<f64>) -> Metric {
    Metric {
        metric: metric.to_string(),
        scope: scope.to_string(),
        value,
    }
}

/// The figures of one plan (and its Monte Carlo report, when run), in the module table's order.
pub fn summarize(plan: &Plan, risk: Option<&RiskReport>) -> Vec<Metric> {
    let demand = &plan.forecast.demand;
    let units: f64 = demand
        .skus
        .iter()
        .flat_map(|s| s.forecast.point.iter().take(demand.horizon))
        .filter(|q| q.is_finite() && **q > 0.0)
        .sum();
    let mut out = vec![metric("demand_units", "all", Some(units))];
    let cap = plan.capacity.as_ref();
    out.push(metric(
        "required_hours",
        "all",
        cap.map(|c| c.line_months.rows.iter().map(|r| r.required_hours).sum()),
    ));
    if let Some(c) = cap {
        let peaks = c.line_months.peaks();
        let mut lines: Vec<&str> = Vec::new();
        for r in &c.line_months.rows {
            if !lines.contains(&r.line.as_str()) {
                lines.push(&r.line);
            }
        }
        for line in lines {
            let peak = peaks.iter().find(|p| p.line == line);
            out.push(metric(
                "peak_utilization",
                line,
                peak.map(|p| p.utilization),
            ));
            out.push(metric(
                "peak_month",
                line,
                peak.map(|p| f64::from(p.month.year() * 100) + f64::from(p.month.month())),
            ));
        }
    }
    out.push(metric(
        "unmet_units",
        "all",
        cap.map(|c| c.build.unmet_units()),
    ));
    out.push(metric(
        "overtime_hours",
        "all",
        cap.map(|c| c.build.overtime_hours()),
    ));
    out.push(metric(
        "build_cost",
        "all",
        cap.map(|c| c.build.costs.total),
    ));
    let mat = plan.materials.as_ref();
    out.push(metric(
        "past_due_releases",
        "all",
        mat.map(|m| m.past_due.len() as f64),
    ));
    out.push(metric(
        "past_due_value",
        "all",
        mat.map(|m| m.past_due.iter().map(|p| p.value).sum()),
    ));
    out.push(metric(
        "prebuy_cash",
        "all",
        mat.map(|m| m.total_cash_tied_up()),
    ));
    out.push(metric(
        "spend",
        "all",
        plan.pricing.as_ref().map(PricingPlan::total_spend),
    ));
    if let Some(total) = plan.pricing.as_ref().and_then(|p| p.projected_spend()) {
        out.push(metric("projected_spend", "all", Some(total)));
    }
    if let Some(r) = risk {
        let mut lines: Vec<&str> = Vec::new();
        for o in &r.overload {
            if !lines.contains(&o.line.as_str()) {
                lines.push(&o.line);
            }
        }
        for line in lines {
            let max = r
                .overload
                .iter()
                .filter(|o| o.line == line)
                .map(|o| o.p_overload)
                .fold(0.0, f64::max);
            out.push(metric("p_overload_max", line, Some(max)));
        }
        let at_risk = (plan.materials.is_some()).then(|| {
            r.shortage
                .iter()
                .filter(|s| s.p_shortage >= AT_RISK)
                .count() as f64
        });
        out.push(metric("material_months_at_risk", "all", at_risk));
        out.push(metric("spend_p5", "all", r.spend.map(|s| s.p5)));
        out.push(metric("spend_p50", "all", r.spend.map(|s| s.p50)));
        out.push(metric("spend_p95", "all", r.spend.map(|s| s.p95)));
    }
    out
}

/// One metric across the plans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    /// The metric.
    pub metric: String,
    /// `all` or a line.
    pub scope: String,
    /// The value in each plan, in [`Comparison::plans`] order (the base first).
    pub values: Vec<Option<f64>>,
    /// Each value minus the base's (`None` for the base itself, for a missing value and for
    /// `peak_month`).
    pub deltas: Vec<Option<f64>>,
}

/// The base and the scenarios side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Plan names: `base`, then the scenarios in the order written.
    pub plans: Vec<String>,
    /// One row per metric and scope, in the order the base (then later plans) first gives them.
    pub rows: Vec<ComparisonRow>,
}

impl Comparison {
    /// Lines up the figures of each plan (the first is the base) by metric and scope.
    pub fn new(plans: &[(String, Vec<Metric>)]) -> Self {
        let mut keys: Vec<(String, String)> = Vec::new();
        for (_, ms) in plans {
            for m in ms {
                let k = (m.metric.clone(), m.scope.clone());
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        let rows = keys
            .into_iter()
            .map(|(metric, scope)| {
                let values: Vec<Option<f64>> = plans
                    .iter()
                    .map(|(_, ms)| {
                        ms.iter()
                            .find(|m| m.metric == metric && m.scope == scope)
                            .and_then(|m| m.value)
                    })
                    .collect();
                let base = values.first().copied().flatten();
                let deltas = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| match (i, *v, base) {
                        (0, _, _) => None,
                        _ if metric == "peak_month" => None,
                        (_, Some(v), Some(b)) => Some(v - b),
                        _ => None,
                    })
                    .collect();
                ComparisonRow {
                    metric,
                    scope,
                    values,
                    deltas,
                }
            })
            .collect();
        Self {
            plans: plans.iter().map(|(n, _)| n.clone()).collect(),
            rows,
        }
    }

    /// Plan `plan`'s headline figure of `metric` over its scopes: for a per-line figure
    /// (`peak_utilization`, `p_overload_max`) the highest over the lines, else the first row's.
    pub fn headline(&self, metric: &str, plan: usize) -> Option<f64> {
        let mut values = self
            .rows
            .iter()
            .filter(|r| r.metric == metric)
            .filter_map(|r| r.values.get(plan).copied().flatten())
            .filter(|v| v.is_finite());
        match metric {
            "peak_utilization" | "p_overload_max" => values.reduce(f64::max),
            _ => values.next(),
        }
    }
}
