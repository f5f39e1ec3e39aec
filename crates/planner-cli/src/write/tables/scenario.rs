//! Scenario outputs as tables: `scenario_comparison.csv` and the Monte Carlo risk files (the same
//! tables can feed a workbook sheet or a report section).

use planner_core::scenario::{Comparison, RiskReport};

use super::{header, Cell, Table};

/// A value of one of the comparison's metrics (the core's names, [`planner_core::scenario`]):
/// utilizations and probabilities as percentages (a fraction with 4 decimals in CSV), units and
/// counts as counts, hours as numbers, money in `currency`; `peak_month` is the month as the
/// number `YYYYMM` and stays a code.
fn metric_cell(metric: &str, v: Option<f64>, currency: Option<&str>) -> Cell {
    match metric {
        "peak_month" => {
            Cell::opt_text(v.filter(|v| v.is_finite()).map(|v| crate::write::num(v, 0)))
        }
        "peak_utilization" | "p_overload_max" => Cell::ratio(v, 4),
        "demand_units" | "unmet_units" => Cell::count(v, 2),
        "past_due_releases" | "material_months_at_risk" => Cell::count(v, 2),
        "required_hours" | "overtime_hours" => Cell::number(v, 2),
        "build_cost" | "past_due_value" | "prebuy_cash" | "spend" | "projected_spend"
        | "spend_p5" | "spend_p50" | "spend_p95" => Cell::money(v, 2, currency),
        _ => Cell::number(v, 2),
    }
}

/// `scenario_comparison.csv`: `metric, scope, base`, then for each scenario its value and
/// `<scenario>_vs_base` (the change against the base).
///
/// Money is in `currency`, the price tiers' ([`super::currency`]).
pub fn comparison(c: &Comparison, currency: Option<&str>) -> Table {
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
            let mut row = vec![Cell::text(&r.metric), Cell::text(&r.scope)];
            for (i, (v, delta)) in r.values.iter().zip(&r.deltas).enumerate() {
                row.push(metric_cell(&r.metric, *v, currency));
                if i > 0 {
                    row.push(metric_cell(&r.metric, *delta, currency));
                }
            }
            row
        })
        .collect();
    Table::new(h, rows)
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
                Cell::text(&o.line),
                Cell::month(o.month),
                Cell::number(o.available_hours, 2),
                Cell::number(o.required_hours, 2),
                Cell::number(o.required_hours_p50, 2),
                Cell::number(o.required_hours_p95, 2),
                Cell::ratio(o.p_overload, 4),
                Cell::ratio(o.p_beyond_overtime, 4),
            ]
        })
        .collect();
    Table::new(h, rows)
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
                Cell::text(&s.material),
                Cell::month(s.month),
                Cell::number(s.projected_on_hand, 2),
                Cell::ratio(s.p_shortage, 4),
                Cell::number(s.expected_short, 2),
            ]
        })
        .collect();
    Table::new(h, rows)
}

/// `risk_tiers.csv`: the chance of reaching each price tier in the first pricing period.
pub fn risk_tiers(r: &RiskReport, currency: Option<&str>) -> Table {
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
                Cell::text(&t.sku),
                Cell::text(&t.period),
                Cell::count(t.tier_min_qty, 2),
                Cell::money(t.unit_price, 4, currency),
                Cell::ratio(t.p_reach, 4),
                Cell::ratio(t.p_tier, 4),
                Cell::yes_no(t.at_point),
            ]
        })
        .collect();
    Table::new(h, rows)
}

/// `risk_spend.csv`: one row, the spend percentiles and the run's settings.
pub fn risk_spend(r: &RiskReport, currency: Option<&str>) -> Table {
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
    let money = |x: Option<f64>| Cell::money(x, 2, currency);
    let rows = vec![vec![
        money(s.map(|s| s.at_point)),
        money(s.map(|s| s.mean)),
        money(s.map(|s| s.p5)),
        money(s.map(|s| s.p50)),
        money(s.map(|s| s.p95)),
        Cell::size(r.settings.paths),
        Cell::text(r.settings.seed.to_string()),
        Cell::number(r.settings.month_correlation, 4),
        Cell::number(
            r.settings
                .family_correlation
                .max(r.settings.sku_correlation),
            4,
        ),
        Cell::number(r.settings.sku_correlation, 4),
    ]];
    Table::new(h, rows)
}
