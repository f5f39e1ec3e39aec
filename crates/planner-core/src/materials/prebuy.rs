//! The pre-buy plan (`prebuy.csv`): long-lead materials to hold ahead of urgent orders.

use serde::{Deserialize, Serialize};

use super::mrp::{lot_size, EPS};
use super::safety::{prebuy_window, Exposure};
use super::{Material, MaterialsSettings};
use crate::forecast::Level;
use crate::time::Month;

/// One row of `prebuy.csv`: a material whose lead time is longer than the brand's urgent-order
/// notice, and the quantity to hold ahead.
///
/// # Formula
/// With `LT = lead_time_days`, `N = po_notice_days` and the first planned month as today:
///
/// - window `W = ceil((LT - N) / 30)` months (capped at the horizon): a shortfall found when an
///   urgent order arrives with `N` days notice cannot be bought in the `LT` days the supplier
///   needs, so the first `W` planned months must be covered by stock already there or bought
///   ahead;
/// - `upper_demand` and `lower_demand` = the upper and lower quantiles, at the widest level, of
///   the material's demand over those months, `T_W = sum over skus and months of e * d`: `d`
///   the sku's demand in its month, `e` the units of the material per unit of the sku through
///   all BOM levels, each sku built in its demand month. `T_W` is a total under the plan's
///   dependence model ([`crate::uncertainty`]), never the sum of the skus' bounds; for a fixed
///   plan both are its point total;
/// - `covered` = `on_hand` + every open order (`on_order` and
///   [`Material::receipts`](super::Material::receipts)) arriving within the window;
/// - `quantity` = `max(0, upper_demand - covered)` raised to `moq` and rounded up to a multiple
///   of `order_multiple` (0 stays 0);
/// - `cash_tied_up = quantity * unit_cost`;
/// - `value_at_risk` = the cost of the part of the pre-buy left over if demand comes in at the
///   lower bound: `min(quantity, max(0, covered + quantity - lower_demand)) * unit_cost`;
/// - `order_by` = the first planned month: the pre-buy is authorised now and re-sized every
///   month as the window rolls forward.
///
/// The pre-buy includes, rather than adds to, the MRP's past-due releases of the same
/// material over the window: both cover the same months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrebuyRow {
    /// The material.
    pub material: String,
    /// Days from order to receipt.
    pub lead_time_days: u32,
    /// The month the pre-buy must be ordered by.
    pub order_by: Month,
    /// Units to buy ahead (0 when stock and open orders already cover the window).
    pub quantity: f64,
    /// Cost of one unit.
    pub unit_cost: f64,
    /// `quantity * unit_cost`.
    pub cash_tied_up: f64,
    /// Cost of the pre-buy left over if demand comes in at the lower bound.
    pub value_at_risk: f64,
    /// Months covered: `ceil((lead_time_days - po_notice_days) / 30)`, at most the horizon.
    pub window_months: u32,
    /// The upper quantile, at the widest level, of the window's total exploded demand under the
    /// plan's dependence model (its point total for a fixed plan).
    pub upper_demand: f64,
    /// The lower quantile of the same total.
    pub lower_demand: f64,
    /// On hand plus open orders arriving within the window.
    pub covered: f64,
    /// Why, in one line.
    pub reason: String,
}

/// The pre-buy rows, largest cash first (then material name).
pub(crate) fn prebuy(
    materials: &[Material],
    exposure: &Exposure,
    start: Month,
    horizon: usize,
    settings: &MaterialsSettings,
    widest: Option<Level>,
) -> Vec<PrebuyRow> {
    let notice = settings.po_notice_days;
    let bound = match widest {
        Some(l) => format!("the {l} % upper bound"),
        None => "the fixed plan".to_string(),
    };
    let mut rows: Vec<PrebuyRow> = materials
        .iter()
        .enumerate()
        .filter(|(_, m)| m.lead_time_days > notice)
        .map(|(i, m)| {
            let full = prebuy_window(m, notice);
            let w = (full as usize).min(horizon);
            let mut covered = m.on_hand;
            covered += m
                .scheduled(start)
                .filter(|&(ri, _)| ri < w)
                .map(|(_, q)| q)
                .sum::<f64>();
            let upper = exposure.upper[i];
            let lower = exposure.lower[i];
            let gap = upper - covered;
            let net = if gap > EPS * upper.abs().max(1.0) {
                gap
            } else {
                0.0
            };
            let quantity = lot_size(net, m.moq, m.order_multiple);
            let left = (covered + quantity - lower).clamp(0.0, quantity);
            let months = if w < full as usize {
                format!("{w} of {full} months (the horizon)")
            } else if full == 1 {
                "1 month".to_string()
            } else {
                format!("{full} months")
            };
            let reason = if quantity > 0.0 {
                format!(
                    "lead time {} d vs {notice} d notice: covers {months} at {bound}",
                    m.lead_time_days
                )
            } else {
                format!(
                    "lead time {} d vs {notice} d notice: stock and open orders already cover \
                     {months} at {bound}",
                    m.lead_time_days
                )
            };
            PrebuyRow {
                material: m.material.clone(),
                lead_time_days: m.lead_time_days,
                order_by: start,
                quantity,
                unit_cost: m.unit_cost,
                cash_tied_up: quantity * m.unit_cost,
                value_at_risk: left * m.unit_cost,
                window_months: w as u32,
                upper_demand: upper,
                lower_demand: lower,
                covered,
                reason,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.cash_tied_up
            .total_cmp(&a.cash_tied_up)
            .then_with(|| a.material.cmp(&b.material))
    });
    rows
}

#[cfg(test)]
mod tests {
    use crate::materials::testing::*;
    use crate::materials::{requirements, MaterialsSettings};

    /// Sku K takes 1 LONG (120 d lead time: window ceil((120 - 30) / 30) = 3 months), 0.5 MID
    /// (60 d: 1 month) and 1 SHORT (20 d: within the notice, no row). K's 95 % range is point
    /// ± 19.6 around 100, 110, 120, 130.
    ///
    /// LONG: the window's total is 100 + 110 + 120 = 330 with sd sqrt(3) x 10 = 17.32 (months
    /// independent in this fixture); its 95 % range is 330 ± 1.96 x 17.32 = 296.05 to 363.95 (the
    /// sum of the monthly bounds, 271.2 to 388.8, would be wider). covered = 100 on hand + 50 on
    /// order in 2026-12 = 150; 363.95 - 150 = 213.95 -> 300 (bags of 100); cash 300 x 2.5 = 750;
    /// left at the lower quantile 150 + 300 - 296.05 = 153.95, at risk 153.95 x 2.5 = 384.87.
    ///
    /// MID: upper = 0.5 x 119.6 = 59.8 is within its 500 on hand: quantity 0.
    #[test]
    fn prebuy_covers_the_upper_bound_over_the_uncovered_window() {
        let bom = bom(&[("K", "LONG", 1.0), ("K", "MID", 0.5), ("K", "SHORT", 1.0)]);
        let long = material("LONG", 120.0, 0.0, 100.0, 2.5, 100.0)
            .with_on_order(50.0, Some(month("2026-12")))
            .unwrap();
        let mid = material("MID", 60.0, 0.0, 1.0, 1.0, 500.0);
        let short = material("SHORT", 20.0, 0.0, 1.0, 1.0, 0.0);
        let demand = banded(&[("K", &[100.0, 110.0, 120.0, 130.0], 19.6)]);
        let p = requirements(
            &bom,
            &[short, mid, long],
            &demand,
            &MaterialsSettings::default(),
        )
        .unwrap();
        let names: Vec<&str> = p.prebuy.iter().map(|r| r.material.as_str()).collect();
        assert_eq!(names, ["LONG", "MID"]);
        let r = &p.prebuy[0];
        assert_eq!(r.window_months, 3);
        assert_eq!(r.order_by, month("2026-11"));
        let half = 1.959_964 * 300f64.sqrt();
        assert_close(r.upper_demand, 330.0 + half, 1e-4);
        assert_close(r.lower_demand, 330.0 - half, 1e-4);
        assert_close(r.covered, 150.0, TOL);
        assert_close(r.quantity, 300.0, TOL);
        assert_close(r.cash_tied_up, 750.0, TOL);
        assert_close(r.value_at_risk, (450.0 - 330.0 + half) * 2.5, 1e-3);
        assert_eq!(
            r.reason,
            "lead time 120 d vs 30 d notice: covers 3 months at the 95 % upper bound"
        );
        let mid = &p.prebuy[1];
        assert_eq!(mid.quantity, 0.0);
        assert_eq!(mid.value_at_risk, 0.0);
        assert_close(mid.upper_demand, 59.8, 1e-6);
        assert!(
            mid.reason.contains("already cover 1 month"),
            "{}",
            mid.reason
        );
        assert_close(p.total_cash_tied_up(), 750.0, TOL);
        assert_eq!(p.summary().prebuy_count, 1);
        // A longer notice: LONG's window shrinks to ceil((120 - 60) / 30) = 2 months, MID drops;
        // 210 + 1.96 x sqrt(2) x 10 = 237.72 is rounded up to 238 units.
        let s = MaterialsSettings::default().po_notice_days(60);
        let bom = crate::materials::testing::bom(&[("K", "LONG", 1.0)]);
        let p = requirements(
            &bom,
            &[material("LONG", 120.0, 0.0, 1.0, 1.0, 0.0)],
            &demand,
            &s,
        );
        let p = p.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.prebuy.len(), 1);
        assert_eq!(p.prebuy[0].window_months, 2);
        assert_close(p.prebuy[0].quantity, 238.0, TOL);
    }
}
