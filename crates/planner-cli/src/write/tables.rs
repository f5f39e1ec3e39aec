//! Core outputs as tables of text cells: the CSV files of the contract (and, from the same rows,
//! the sheets of the workbook and the tables of the report).

use planner_core::pricing::PricingPlan;
use planner_core::DemandPlan;

use super::{num, opt_num};

/// A table: a header and rows of cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Rows of cells, as many as the header.
    pub rows: Vec<Vec<String>>,
}

fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// `forecast.csv`: `sku, month, forecast, lo_L, hi_L..., model`.
pub fn forecast(plan: &DemandPlan) -> Table {
    forecast_with_quantiles(plan, &plan.levels, &[])
}

/// `forecast.csv` with the ranges of `levels` only and a `q_P` column per quantile
/// (`planner forecast --quantiles`), before `model`. `plan` must have been forecast with
/// every level the quantiles need (`planner_core::forecast::levels_for`).
pub fn forecast_with_quantiles(
    plan: &DemandPlan,
    levels: &[planner_core::forecast::Level],
    quantiles: &[planner_core::forecast::Quantile],
) -> Table {
    let mut h = header(&["sku", "month", "forecast"]);
    for l in levels {
        h.push(format!("lo_{}", l.label()));
        h.push(format!("hi_{}", l.label()));
    }
    for q in quantiles {
        h.push(format!("q_{}", q.label()));
    }
    h.push("model".into());
    let mut rows = Vec::with_capacity(plan.skus.len() * plan.horizon);
    for s in &plan.skus {
        let qs: Vec<Option<Vec<f64>>> = quantiles.iter().map(|&q| s.forecast.quantile(q)).collect();
        for (t, month) in plan.months().enumerate() {
            let mut r = vec![
                s.sku.clone(),
                month.to_string(),
                num(s.forecast.point[t], 2),
            ];
            for l in levels {
                r.push(opt_num(s.lo(*l, t), 2));
                r.push(opt_num(s.hi(*l, t), 2));
            }
            for q in &qs {
                r.push(opt_num(q.as_ref().and_then(|v| v.get(t).copied()), 2));
            }
            r.push(s.model.clone());
            rows.push(r);
        }
    }
    Table { header: h, rows }
}

/// `pricing.csv`: the contract's columns, then the range at each level and the next-tier analysis.
pub fn pricing(plan: &PricingPlan, levels: &[planner_core::forecast::Level]) -> Table {
    let mut h = header(&[
        "sku",
        "period",
        "volume",
        "tier_min_qty",
        "unit_price",
        "spend",
        "next_tier_min_qty",
        "next_tier_unit_price",
        "basis",
        "currency",
        "units_to_next_tier",
        "saving_total",
        "pull_forward_holding_cost",
        "pull_forward_pays",
    ]);
    for l in levels {
        let l = l.label();
        for c in [
            "volume_lo",
            "volume_hi",
            "unit_price_lo",
            "unit_price_hi",
            "spend_lo",
            "spend_hi",
        ] {
            h.push(format!("{c}_{l}"));
        }
    }
    h.push("straddles_break".into());
    h.push("p_next_tier".into());
    h.push("below_first_tier".into());
    let rows = plan
        .rows
        .iter()
        .map(|r| {
            let mut c = vec![
                r.sku.clone(),
                r.period.clone(),
                num(r.volume, 2),
                num(r.tier_min_qty, 2),
                num(r.unit_price, 4),
                num(r.spend, 2),
                opt_num(r.next_tier_min_qty, 2),
                opt_num(r.next_tier_unit_price, 4),
                r.basis.to_string(),
                r.currency.clone().unwrap_or_default(),
                opt_num(r.units_to_next_tier, 2),
                num(r.saving_total, 2),
                opt_num(r.pull_forward_holding_cost, 2),
                r.pull_forward_pays.map(yes_no).unwrap_or_default(),
            ];
            for l in levels {
                match r.range.iter().find(|x| x.level == *l) {
                    Some(x) => c.extend([
                        num(x.volume_lo, 2),
                        num(x.volume_hi, 2),
                        num(x.unit_price_lo, 4),
                        num(x.unit_price_hi, 4),
                        num(x.spend_lo, 2),
                        num(x.spend_hi, 2),
                    ]),
                    None => c.extend(std::iter::repeat_n(String::new(), 6)),
                }
            }
            c.push(yes_no(r.straddles_break));
            c.push(opt_num(r.p_next_tier, 4));
            c.push(yes_no(r.below_first_tier));
            c
        })
        .collect();
    Table { header: h, rows }
}

/// `capacity.csv`: one row per line and month; with a forecast, the figures at each level's upper
/// bound and the probability of overload.
pub fn capacity(plan: &planner_core::capacity::CapacityPlan) -> Table {
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
                r.line.clone(),
                r.month.to_string(),
                r.working_days.to_string(),
                num(r.available_hours, 2),
                num(r.demand_units, 2),
                num(r.required_hours, 2),
                opt_num(r.utilization, 4),
                opt_num(r.takt_seconds, 2),
                opt_num(r.bottleneck_seconds, 2),
                r.operators_needed
                    .map(|o| o.to_string())
                    .unwrap_or_default(),
                opt_num(r.labour_content_seconds, 2),
                r.slowest_station
                    .as_ref()
                    .map(|s| format!("{}/{}", s.sku, s.station))
                    .unwrap_or_default(),
                opt_num(r.slowest_station.as_ref().map(|s| s.cycle_seconds), 2),
                yes_no(r.bottleneck_above_takt),
            ];
            for l in &plan.levels {
                match r.upper.iter().find(|u| u.level == *l) {
                    Some(u) => c.extend([
                        num(u.demand_units, 2),
                        num(u.required_hours, 2),
                        opt_num(u.utilization, 4),
                        u.operators_needed
                            .map(|o| o.to_string())
                            .unwrap_or_default(),
                    ]),
                    None => c.extend(std::iter::repeat_n(String::new(), 4)),
                }
            }
            if !plan.levels.is_empty() {
                c.push(opt_num(r.p_over_capacity, 4));
            }
            c
        })
        .collect();
    Table { header: h, rows }
}

/// `line_balance.csv`: per line and sku, the bottleneck and the balance of its stations.
pub fn line_balance(plan: &planner_core::capacity::CapacityPlan) -> Table {
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
    let rows = plan
        .balance
        .iter()
        .map(|b| {
            vec![
                b.line.clone(),
                b.sku.clone(),
                b.bottleneck_station.clone(),
                num(b.bottleneck_seconds, 2),
                num(b.total_work_seconds, 2),
                b.stations.to_string(),
                num(b.balance_efficiency, 4),
                num(b.idle_seconds_per_unit, 2),
            ]
        })
        .collect();
    Table { header: h, rows }
}

/// `build_plan.csv`: the capacity-constrained build plan per line, sku and month.
pub fn build_plan(plan: &planner_core::capacity::BuildPlan) -> Table {
    let h = header(&[
        "line",
        "sku",
        "month",
        "demand",
        "build",
        "prebuild_inventory",
        "shortfall",
    ]);
    let rows = plan
        .rows
        .iter()
        .map(|r| {
            vec![
                r.line.clone(),
                r.sku.clone(),
                r.month.to_string(),
                num(r.demand, 2),
                num(r.build, 2),
                num(r.prebuild_inventory, 2),
                num(r.shortfall, 2),
            ]
        })
        .collect();
    Table { header: h, rows }
}

/// `line_plan.csv`: hours used per line and month under the build plan, with overtime.
pub fn line_plan(plan: &planner_core::capacity::BuildPlan) -> Table {
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
                r.line.clone(),
                r.month.to_string(),
                num(r.available_hours, 2),
                num(r.regular_hours_used, 2),
                num(r.overtime_hours, 2),
                opt_num(r.utilization, 4),
            ]
        })
        .collect();
    Table { header: h, rows }
}

/// `recommendations.csv`: what a planner can act on, per line and month.
pub fn recommendations(recs: &[planner_core::capacity::Recommendation]) -> Table {
    let h = header(&["line", "month", "kind", "message"]);
    let rows = recs
        .iter()
        .map(|r| {
            vec![
                r.line.clone(),
                r.month.to_string(),
                serde_json::to_value(r.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                r.message.clone(),
            ]
        })
        .collect();
    Table { header: h, rows }
}

/// `material_plan.csv`: the MRP record per material and month.
pub fn material_plan(plan: &planner_core::materials::MaterialPlan) -> Table {
    let h = header(&[
        "material",
        "month",
        "gross_requirement",
        "scheduled_receipts",
        "projected_on_hand",
        "net_requirement",
        "planned_receipt",
        "planned_release",
        "release_date",
        "past_due",
        "safety_stock",
    ]);
    let rows = plan
        .rows
        .iter()
        .map(|r| {
            vec![
                r.material.clone(),
                r.month.to_string(),
                num(r.gross_requirement, 3),
                num(r.scheduled_receipts, 3),
                num(r.projected_on_hand, 3),
                num(r.net_requirement, 3),
                num(r.planned_receipt, 3),
                num(r.planned_release, 3),
                r.release_date.map(|d| d.to_string()).unwrap_or_default(),
                num(r.past_due, 3),
                num(r.safety_stock, 3),
            ]
        })
        .collect();
    Table { header: h, rows }
}

/// `prebuy.csv`: what to hold ahead of urgent orders, by value.
pub fn prebuy(plan: &planner_core::materials::MaterialPlan) -> Table {
    let h = header(&[
        "material",
        "lead_time_days",
        "order_by",
        "quantity",
        "unit_cost",
        "cash_tied_up",
        "value_at_risk",
        "window_months",
        "upper_demand",
        "lower_demand",
        "covered",
        "reason",
    ]);
    let rows = plan
        .prebuy
        .iter()
        .map(|r| {
            vec![
                r.material.clone(),
                r.lead_time_days.to_string(),
                r.order_by.to_string(),
                num(r.quantity, 3),
                num(r.unit_cost, 4),
                num(r.cash_tied_up, 2),
                num(r.value_at_risk, 2),
                r.window_months.to_string(),
                num(r.upper_demand, 3),
                num(r.lower_demand, 3),
                num(r.covered, 3),
                r.reason.clone(),
            ]
        })
        .collect();
    Table { header: h, rows }
}

/// `past_due.csv`: releases that should already have been placed: the shortages to expedite and
/// the safety-stock top-ups.
pub fn past_due(plan: &planner_core::materials::MaterialPlan) -> Table {
    let h = header(&[
        "material",
        "needed_month",
        "release_month",
        "release_date",
        "quantity",
        "kind",
        "short_quantity",
        "days_late",
        "value",
    ]);
    let rows = plan
        .past_due
        .iter()
        .map(|r| {
            vec![
                r.material.clone(),
                r.needed_month.to_string(),
                r.release_month.to_string(),
                r.release_date.to_string(),
                num(r.quantity, 3),
                r.kind.as_str().to_string(),
                num(r.short_quantity, 3),
                r.days_late.to_string(),
                num(r.value, 2),
            ]
        })
        .collect();
    Table { header: h, rows }
}

/// `price_projection.csv`: per sku and month the tier price reached, the index factor in force
/// and the unit price and spend that follow from the planned volume.
pub fn price_projection(spend: &[planner_core::pricing::ProjectedSpend]) -> Table {
    let h = header(&[
        "sku",
        "month",
        "quantity",
        "tier_unit_price",
        "index_factor",
        "unit_price",
        "spend",
        "spend_change_vs_base",
        "index_held_flat",
    ]);
    let rows = spend
        .iter()
        .map(|r| {
            vec![
                r.sku.clone(),
                r.month.to_string(),
                num(r.quantity, 2),
                num(r.tier_unit_price, 4),
                num(r.index_factor, 6),
                num(r.unit_price, 4),
                num(r.spend, 2),
                num(r.change_vs_base, 2),
                yes_no(r.index_held_flat),
            ]
        })
        .collect();
    Table { header: h, rows }
}

/// `order_sizing.csv`: for skus priced per order, the order quantity with the least purchase,
/// ordering and holding cost under the price breaks (EOQ with all-units discounts).
pub fn order_sizing(plan: &PricingPlan) -> Table {
    let h = header(&[
        "sku",
        "annual_demand",
        "quantity",
        "unit_price",
        "orders_per_year",
        "purchase_cost",
        "ordering_cost",
        "holding_cost",
        "total_cost",
    ]);
    let rows = plan
        .sizing
        .iter()
        .map(|s| {
            vec![
                s.sku.clone(),
                num(s.annual_demand, 2),
                num(s.quantity, 2),
                num(s.unit_price, 4),
                num(s.orders_per_year, 3),
                num(s.purchase_cost, 2),
                num(s.ordering_cost, 2),
                num(s.holding_cost, 2),
                num(s.total_cost, 2),
            ]
        })
        .collect();
    Table { header: h, rows }
}

/// `families.csv`: each family's volume over the horizon and the plan's, with ranges that are
/// quantiles of the totals under the plan's uncertainty model.
pub fn families(plan: &planner_core::DemandPlan) -> Table {
    let mut header: Vec<String> = ["family", "skus", "volume"].map(String::from).to_vec();
    for l in &plan.levels {
        header.push(format!("lo_{}", l.label()));
        header.push(format!("hi_{}", l.label()));
    }
    let rows = plan
        .family_totals()
        .into_iter()
        .map(|f| {
            let mut r = vec![f.family, f.skus.to_string(), num(f.volume, 2)];
            for (_, lo, hi) in f.ranges {
                r.push(num(lo, 2));
                r.push(num(hi, 2));
            }
            r
        })
        .collect();
    Table { header, rows }
}

/// `fence_holds.csv`: every sku-month the time fences held, with the units moved.
pub fn fence_holds(holds: &[planner_core::review::FenceHold]) -> Table {
    let header = [
        "sku",
        "month",
        "fence_month",
        "max_change",
        "published",
        "unconstrained",
        "held",
        "moved",
        "kind",
    ]
    .map(String::from)
    .to_vec();
    let rows = holds
        .iter()
        .map(|h| {
            vec![
                h.sku.clone(),
                h.month.to_string(),
                h.fence_month.to_string(),
                opt_num(h.max_change, 4),
                num(h.published, 2),
                num(h.unconstrained, 2),
                num(h.held, 2),
                num(h.moved, 2),
                match h.kind {
                    planner_core::review::HoldKind::Frozen => "frozen",
                    planner_core::review::HoldKind::Clamped => "clamped",
                    planner_core::review::HoldKind::Agreed => "agreed",
                }
                .to_string(),
            ]
        })
        .collect();
    Table { header, rows }
}
