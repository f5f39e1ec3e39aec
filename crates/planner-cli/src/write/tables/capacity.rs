//! The capacity tables: `capacity.csv`, `line_balance.csv`, and under the build plan
//! `build_plan.csv`, `line_plan.csv` and `recommendations.csv`.

use planner_core::capacity::{BuildPlan, CapacityPlan, Recommendation};

use super::{header, Cell, Rows, Table};

/// `capacity.csv`: one row per line and month; with a forecast, the figures at each level's upper
/// bound and the probability of overload.
pub fn capacity(plan: &CapacityPlan) -> Table {
    let mut h = header(&[
        "line",
        "month",
        "working_days",
        "available_hours",
        "demand_units",
        "required_hours",
        "utilization",
        "takt_seconds",
        "bottleneck_seconds",
        "operators_needed",
        "labour_content_seconds",
        "slowest_station",
        "slowest_station_seconds",
        "bottleneck_above_takt",
    ]);
    for l in &plan.levels {
        let l = l.label();
        for c in [
            "demand_units_hi",
            "required_hours_hi",
            "utilization_hi",
            "operators_needed_hi",
        ] {
            h.push(format!("{c}_{l}"));
        }
    }
    if !plan.levels.is_empty() {
        h.push("p_over_capacity".into());
    }
    let rows = plan
        .rows
        .iter()
        .map(|r| {
            let mut c = vec![
                Cell::text(&r.line),
                Cell::month(r.month),
                Cell::int(r.working_days),
                Cell::number(r.available_hours, 2),
                Cell::count(r.demand_units, 2),
                Cell::number(r.required_hours, 2),
                Cell::ratio(r.utilization, 4),
                Cell::number(r.takt_seconds, 2),
                Cell::number(r.bottleneck_seconds, 2),
                Cell::opt_int(r.operators_needed),
                Cell::number(r.labour_content_seconds, 2),
                Cell::opt_text(
                    r.slowest_station
                        .as_ref()
                        .map(|s| format!("{}/{}", s.sku, s.station)),
                ),
                Cell::number(r.slowest_station.as_ref().map(|s| s.cycle_seconds), 2),
                Cell::yes_no(r.bottleneck_above_takt),
            ];
            for l in &plan.levels {
                match r.upper.iter().find(|u| u.level == *l) {
                    Some(u) => c.extend([
                        Cell::count(u.demand_units, 2),
                        Cell::number(u.required_hours, 2),
                        Cell::ratio(u.utilization, 4),
                        Cell::opt_int(u.operators_needed),
                    ]),
                    None => c.extend(std::iter::repeat_n(Cell::Empty, 4)),
                }
            }
            if !plan.levels.is_empty() {
                c.push(Cell::ratio(r.p_over_capacity, 4));
            }
            c
        })
        .collect();
    Table::new(h, rows)
}

/// `line_balance.csv`: per line and sku, the bottleneck and the balance of its stations.
pub fn line_balance(plan: &planner_core::capacity::CapacityPlan) -> Table {
    line_balance_rows(plan).table()
}

/// [`line_balance`] made row by row.
pub fn line_balance_rows(plan: &planner_core::capacity::CapacityPlan) -> Rows<'_> {
    let h = header(&[
        "line",
        "sku",
        "bottleneck_station",
        "bottleneck_seconds",
        "total_work_seconds",
        "stations",
        "balance_efficiency",
        "idle_seconds_per_unit",
    ]);
    let rows = plan.balance.iter().map(|b| {
        vec![
            Cell::text(&b.line),
            Cell::text(&b.sku),
            Cell::text(&b.bottleneck_station),
            Cell::number(b.bottleneck_seconds, 2),
            Cell::number(b.total_work_seconds, 2),
            Cell::size(b.stations),
            Cell::ratio(b.balance_efficiency, 4),
            Cell::number(b.idle_seconds_per_unit, 2),
        ]
    });
    Rows::new(h, rows)
}

/// `build_plan.csv`: the capacity-constrained build plan per line, sku and month.
pub fn build_plan(plan: &planner_core::capacity::BuildPlan) -> Table {
    build_plan_rows(plan).table()
}

/// [`build_plan`] made row by row.
pub fn build_plan_rows(plan: &planner_core::capacity::BuildPlan) -> Rows<'_> {
    let h = header(&[
        "line",
        "sku",
        "month",
        "demand",
        "build",
        "prebuild_inventory",
        "shortfall",
    ]);
    let rows = plan.rows.iter().map(|r| {
        vec![
            Cell::text(&r.line),
            Cell::text(&r.sku),
            Cell::month(r.month),
            Cell::count(r.demand, 2),
            Cell::count(r.build, 2),
            Cell::count(r.prebuild_inventory, 2),
            Cell::count(r.shortfall, 2),
        ]
    });
    Rows::new(h, rows).with_total(&["demand", "build", "shortfall"])
}

/// `line_plan.csv`: hours used per line and month under the build plan, with overtime.
pub fn line_plan(plan: &BuildPlan) -> Table {
    let h = header(&[
        "line",
        "month",
        "available_hours",
        "regular_hours_used",
        "overtime_hours",
        "utilization",
    ]);
    let rows = plan
        .line_months
        .iter()
        .map(|r| {
            vec![
                Cell::text(&r.line),
                Cell::month(r.month),
                Cell::number(r.available_hours, 2),
                Cell::number(r.regular_hours_used, 2),
                Cell::number(r.overtime_hours, 2),
                Cell::ratio(r.utilization, 4),
            ]
        })
        .collect();
    Table::new(h, rows).with_total(&["available_hours", "regular_hours_used", "overtime_hours"])
}

/// `recommendations.csv`: what a planner can act on, per line and month.
pub fn recommendations(recs: &[Recommendation]) -> Table {
    let h = header(&["line", "month", "kind", "message"]);
    let rows = recs
        .iter()
        .map(|r| {
            vec![
                Cell::text(&r.line),
                Cell::month(r.month),
                Cell::text(
                    serde_json::to_value(r.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                ),
                Cell::text(&r.message),
            ]
        })
        .collect();
    Table::new(h, rows)
}
