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
    let mut h = header(&["sku", "month", "forecast"]);
    for l in &plan.levels {
        h.push(format!("lo_{}", l.label()));
        h.push(format!("hi_{}", l.label()));
    }
    h.push("model".into());
    let mut rows = Vec::with_capacity(plan.skus.len() * plan.horizon);
    for s in &plan.skus {
        for (t, month) in plan.months().enumerate() {
            let mut r = vec![
                s.sku.clone(),
                month.to_string(),
                num(s.forecast.point[t], 2),
            ];
            for l in &plan.levels {
                r.push(opt_num(s.lo(*l, t), 2));
                r.push(opt_num(s.hi(*l, t), 2));
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
            c.push(yes_no(r.below_first_tier));
            c
        })
        .collect();
    Table { header: h, rows }
}
