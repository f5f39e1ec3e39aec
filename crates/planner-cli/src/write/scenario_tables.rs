//! Scenario outputs as tables: `scenario_comparison.csv` and the Monte Carlo risk files (the same
//! tables can feed a workbook sheet or a report section).

use planner_core::scenario::{Comparison, RiskReport};

use super::tables::Table;
use super::{num, opt_num};

fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Decimals shown for a metric: shares and probabilities 4, months none, the rest 2.
fn decimals(metric: &str) -> usize {
    if metric == "peak_month" {
        0
    } else if metric.starts_with("p_") || metric.contains("utilization") {
        4
    } else {
        2
    }
}

/// `scenario_comparison.csv`: `metric, scope, base`, then for each scenario its value and
/// `<scenario>_vs_base` (the change against the base).
pub fn comparison(c: &Comparison) -> Table {
    let mut h = header(&["metric", "scope"]);
    for (i, p) in c.plans.iter().enumerate() {
        h.push(p.clone());
        if i > 0 {
            h.push(format!("{p}_vs_base"));
        }
    }
    let rows = c
        .rows
        .iter()
        .map(|r| {
            let d = decimals(&r.metric);
            let mut row = vec![r.metric.clone(), r.scope.clone()];
            for (i, (v, delta)) in r.values.iter().zip(&r.deltas).enumerate() {
                row.push(opt_num(*v, d));
                if i > 0 {
                    row.push(opt_num(*delta, d));
                }
            }
            row
        })
        .collect();
    Table { header: h, rows }
}

/// `risk_capacity.csv`: the chance of overload per line and month.
pub fn risk_capacity(r: &RiskReport) -> Table {
    let h = header(&[
        "line",
        "month",
        "available_hours",
        "required_hours",
        "required_hours_p50",
        "required_hours_p95",
        "p_overload",
        "p_beyond_overtime",
    ]);
    let rows = r
        .overload
        .iter()
        .map(|o| {
            vec![
                o.line.clone(),
                o.month.to_string(),
                num(o.available_hours, 2),
                num(o.required_hours, 2),
                num(o.required_hours_p50, 2),
                num(o.required_hours_p95, 2),
                num(o.p_overload, 4),
                num(o.p_beyond_overtime, 4),
            ]
        })
        .collect();
    Table { header: h, rows }
}

/// `risk_materials.csv`: the chance of a shortage per material and month.
pub fn risk_materials(r: &RiskReport) -> Table {
    let h = header(&[
        "material",
        "month",
        "projected_on_hand",
        "p_shortage",
        "expected_short",
    ]);
    let rows = r
        .shortage
        .iter()
        .map(|s| {
            vec![
                s.material.clone(),
                s.month.to_string(),
                num(s.projected_on_hand, 2),
                num(s.p_shortage, 4),
                num(s.expected_short, 2),
            ]
        })
        .collect();
    Table { header: h, rows }
}

/// `risk_tiers.csv`: the chance of reaching each price tier in the first pricing period.
pub fn risk_tiers(r: &RiskReport) -> Table {
    let h = header(&[
        "sku",
        "period",
        "tier_min_qty",
        "unit_price",
        "p_reach",
        "p_tier",
        "at_point_forecast",
    ]);
    let rows = r
        .tiers
        .iter()
        .map(|t| {
            vec![
                t.sku.clone(),
                t.period.clone(),
                num(t.tier_min_qty, 2),
                num(t.unit_price, 4),
                num(t.p_reach, 4),
                num(t.p_tier, 4),
                if t.at_point { "yes" } else { "no" }.to_string(),
            ]
        })
        .collect();
    Table { header: h, rows }
}

/// `risk_spend.csv`: one row, the spend percentiles and the run's settings.
pub fn risk_spend(r: &RiskReport) -> Table {
    let h = header(&[
        "spend_at_point",
        "spend_mean",
        "spend_p5",
        "spend_p50",
        "spend_p95",
        "paths",
        "seed",
        "month_correlation",
        "family_correlation",
        "sku_correlation",
    ]);
    let s = r.spend;
    let rows = vec![vec![
        opt_num(s.map(|s| s.at_point), 2),
        opt_num(s.map(|s| s.mean), 2),
        opt_num(s.map(|s| s.p5), 2),
        opt_num(s.map(|s| s.p50), 2),
        opt_num(s.map(|s| s.p95), 2),
        r.settings.paths.to_string(),
        r.settings.seed.to_string(),
        num(r.settings.month_correlation, 4),
        num(
            r.settings
                .family_correlation
                .max(r.settings.sku_correlation),
            4,
        ),
        num(r.settings.sku_correlation, 4),
    ]];
    Table { header: h, rows }
}
