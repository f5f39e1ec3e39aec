//! The MRP records' tables: finished goods netted of stock (`production_plan.csv`) and the
//! materials (`material_plan.csv`, `prebuy.csv`, `past_due.csv`).

use planner_core::materials::MaterialPlan;
use planner_core::stock::Production;

use super::{header, Cell, Rows, Table};

/// `production_plan.csv`: per sku and month the demand netted of finished goods on hand and open
/// production orders (the record of [`planner_core::stock`]).
pub fn production_rows(p: &Production) -> Rows<'_> {
    let header = [
        "sku",
        "month",
        "demand",
        "on_hand_start",
        "open_orders",
        "planned",
        "production",
        "on_hand_end",
    ]
    .map(String::from)
    .to_vec();
    let rows = p.rows.iter().map(|r| {
        vec![
            Cell::text(&r.sku),
            Cell::month(r.month),
            Cell::count(r.demand, 2),
            Cell::count(r.on_hand_start, 2),
            Cell::count(r.receipts, 2),
            Cell::count(r.planned, 2),
            Cell::count(r.production, 2),
            Cell::count(r.on_hand_end, 2),
        ]
    });
    Rows::new(header, rows)
}

/// `material_plan.csv`: the MRP record per material and month.
pub fn material_plan(plan: &planner_core::materials::MaterialPlan) -> Table {
    material_plan_rows(plan).table()
}

/// [`material_plan`] made row by row.
pub fn material_plan_rows(plan: &planner_core::materials::MaterialPlan) -> Rows<'_> {
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
    let rows = plan.rows.iter().map(|r| {
        vec![
            Cell::text(&r.material),
            Cell::month(r.month),
            Cell::number(r.gross_requirement, 3),
            Cell::number(r.scheduled_receipts, 3),
            Cell::number(r.projected_on_hand, 3),
            Cell::number(r.net_requirement, 3),
            Cell::number(r.planned_receipt, 3),
            Cell::number(r.planned_release, 3),
            Cell::date(r.release_date),
            Cell::number(r.past_due, 3),
            Cell::number(r.safety_stock, 3),
        ]
    });
    Rows::new(h, rows)
}

/// `prebuy.csv`: what to hold ahead of urgent orders, by value.
///
/// Money is in `currency` (the plan's, [`super::currency`]): materials.csv's unit costs are
/// taken in the currency of the price tiers.
pub fn prebuy(plan: &MaterialPlan, currency: Option<&str>) -> Table {
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
                Cell::text(&r.material),
                Cell::int(r.lead_time_days),
                Cell::from(r.order_by),
                Cell::number(r.quantity, 3),
                Cell::money(r.unit_cost, 4, currency),
                Cell::money(r.cash_tied_up, 2, currency),
                Cell::money(r.value_at_risk, 2, currency),
                Cell::int(r.window_months),
                Cell::number(r.upper_demand, 3),
                Cell::number(r.lower_demand, 3),
                Cell::number(r.covered, 3),
                Cell::text(&r.reason),
            ]
        })
        .collect();
    Table::new(h, rows).with_total(&["cash_tied_up", "value_at_risk"])
}

/// `past_due.csv`: releases that should already have been placed: the shortages to expedite and
/// the safety-stock top-ups.
pub fn past_due(plan: &MaterialPlan, currency: Option<&str>) -> Table {
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
                Cell::text(&r.material),
                Cell::month(r.needed_month),
                Cell::month(r.release_month),
                Cell::date(r.release_date),
                Cell::number(r.quantity, 3),
                Cell::text(r.kind.as_str()),
                Cell::number(r.short_quantity, 3),
                Cell::int(r.days_late),
                Cell::money(r.value, 2, currency),
            ]
        })
        .collect();
    Table::new(h, rows).with_total(&["value"])
}
