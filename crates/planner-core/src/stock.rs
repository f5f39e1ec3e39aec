//! Finished goods on hand and open orders: what the plan nets from the demand before it reaches
//! the lines, the materials and the price tiers.
//!
//! The demand plan says what customers will take; the *production plan* says what the contract
//! manufacturer has to build. Per sku and month, the classic master-schedule record:
//!
//! - `receipts(t)`: open production orders (`open_orders.csv` rows whose item is a sku) due in
//!   month `t`; orders due before the first planned month count in the first month;
//! - `available(t) = on_hand(t-1) + receipts(t)`, with `on_hand(-1)` the finished goods on hand
//!   (`inventory.csv`);
//! - `planned(t) = max(0, demand(t) - available(t))`: new builds, lot for lot;
//! - `production(t) = receipts(t) + planned(t)`: what the line builds that month (an open order
//!   is built in its due month);
//! - `on_hand(t) = available(t) + planned(t) - demand(t)`.
//!
//! Every bound of the demand's ranges is netted the same way (the upper path needs more builds
//! once the stock is used up), then the bounds are kept around the point. Capacity, materials and
//! pricing read the production plan; the forecast stays the demand.
//!
//! ```
//! use planner_core::forecast::Forecast;
//! use planner_core::stock::{net, OnHand, OpenOrder};
//! use planner_core::{DemandPlan, SkuPlan};
//!
//! let m = |s: &str| s.parse().unwrap();
//! let demand = DemandPlan {
//!     start: m("2027-01"),
//!     horizon: 3,
//!     levels: vec![],
//!     skus: vec![SkuPlan {
//!         sku: "A".into(),
//!         model: "test".into(),
//!         forecast: Forecast { point: vec![100.0, 100.0, 100.0], intervals: vec![] },
//!     }],
//!     dependence: planner_core::uncertainty::Dependence::independent(),
//! };
//! // 150 on hand, an open order of 40 due in February.
//! let stock = [OnHand { sku: "A".into(), on_hand: 150.0 }];
//! let orders = [OpenOrder { item: "A".into(), quantity: 40.0, due: m("2027-02"), po: None }];
//! let p = net(&demand, &stock, &orders);
//! // January uses 100 of the 150; February 50 left + 40 arriving, 10 to build; March 100.
//! assert_eq!(p.plan.skus[0].forecast.point, vec![0.0, 50.0, 100.0]);
//! assert_eq!(p.rows[1].planned, 10.0);
//! assert_eq!(p.rows[1].production, 50.0);
//! ```

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::demand_plan::DemandPlan;
use crate::time::Month;

/// Finished goods of one sku on hand at the start of the first planned month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OnHand {
    /// The sku.
    pub sku: String,
    /// Units on hand, not negative.
    pub on_hand: f64,
}

/// An open order: a purchase order for a material or a production order for a sku, due in a
/// month. An item may have several.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenOrder {
    /// The material or sku ordered.
    pub item: String,
    /// Units ordered and not yet received, not negative.
    pub quantity: f64,
    /// The month the order is due.
    pub due: Month,
    /// The order's number, when known.
    #[serde(default)]
    pub po: Option<String>,
}

/// One sku and month of the production plan. See the [module documentation](self).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductionRow {
    /// The sku.
    pub sku: String,
    /// The month.
    pub month: Month,
    /// The point demand.
    pub demand: f64,
    /// Finished goods on hand at the start of the month.
    pub on_hand_start: f64,
    /// Open production orders due this month (earlier ones in the first month).
    pub receipts: f64,
    /// New builds needed: `max(0, demand - on_hand_start - receipts)`.
    pub planned: f64,
    /// What the line builds: `receipts + planned`.
    pub production: f64,
    /// Finished goods on hand at the end of the month.
    pub on_hand_end: f64,
}

/// The production plan: the demand netted of finished goods and open production orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Production {
    /// What the lines build per sku and month, with the demand's ranges netted the same way and
    /// its dependence model; capacity, materials and pricing read this plan.
    pub plan: DemandPlan,
    /// The record per sku and month, in plan order.
    pub rows: Vec<ProductionRow>,
    /// Finished goods on hand used over the horizon (each sku's stock, at most its demand), in
    /// units over every sku.
    pub on_hand_used: f64,
    /// Open production orders in the horizon, in units.
    pub receipts: f64,
}

/// The quantities of one path: `(planned, production, on_hand_start, on_hand_end)` per month.
fn net_path(demand: &[f64], on_hand: f64, receipts: &[f64]) -> Vec<[f64; 4]> {
    let mut stock = on_hand;
    demand
        .iter()
        .zip(receipts)
        .map(|(&d, &r)| {
            let start = stock;
            let available = stock + r;
            let planned = (d - available).max(0.0);
            stock = available + planned - d;
            [planned, r + planned, start, stock]
        })
        .collect()
}

/// Nets `demand` of the finished goods `on_hand` and the open production orders among `orders`
/// (those whose item is a sku of the plan; the others are left to the materials). Skus without
/// stock or orders are passed through unchanged.
pub fn net(demand: &DemandPlan, on_hand: &[OnHand], orders: &[OpenOrder]) -> Production {
    let stock: HashMap<&str, f64> = on_hand
        .iter()
        .map(|s| (s.sku.as_str(), s.on_hand))
        .collect();
    let mut due: HashMap<&str, BTreeMap<usize, f64>> = HashMap::new();
    for o in orders {
        if demand.get(&o.item).is_some() {
            let t = demand.start.months_until(o.due).max(0) as usize;
            if t < demand.horizon {
                *due.entry(&o.item).or_default().entry(t).or_default() += o.quantity;
            }
        }
    }
    let mut plan = demand.clone();
    let mut rows = Vec::with_capacity(demand.skus.len() * demand.horizon);
    let (mut used, mut received) = (0.0, 0.0);
    for s in &mut plan.skus {
        let oh = stock.get(s.sku.as_str()).copied().unwrap_or(0.0);
        let mut receipts = vec![0.0; demand.horizon];
        if let Some(d) = due.get(s.sku.as_str()) {
            for (&t, &q) in d {
                receipts[t] += q;
            }
        }
        let point = net_path(&s.forecast.point, oh, &receipts);
        for (t, month) in demand.months().enumerate() {
            let [planned, production, start, end] = point[t];
            rows.push(ProductionRow {
                sku: s.sku.clone(),
                month,
                demand: s.forecast.point[t],
                on_hand_start: start,
                receipts: receipts[t],
                planned,
                production,
                on_hand_end: end,
            });
        }
        received += receipts.iter().sum::<f64>();
        used += oh.min(s.forecast.point.iter().sum());
        if oh == 0.0 && receipts.iter().all(|&r| r == 0.0) {
            continue;
        }
        let new_point: Vec<f64> = point.iter().map(|p| p[1]).collect();
        for i in &mut s.forecast.intervals {
            let lo = net_path(&i.lo, oh, &receipts);
            let hi = net_path(&i.hi, oh, &receipts);
            for t in 0..demand.horizon {
                i.lo[t] = lo[t][1].min(new_point[t]);
                i.hi[t] = hi[t][1].max(new_point[t]);
            }
        }
        s.forecast.point = new_point;
    }
    Production {
        plan,
        rows,
        on_hand_used: used,
        receipts: received,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demand_plan::SkuPlan;
    use crate::forecast::{Forecast, Interval, Level};
    use crate::uncertainty::Dependence;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    fn plan(point: Vec<f64>, lo: Vec<f64>, hi: Vec<f64>) -> DemandPlan {
        let level = Level::new(80.0).unwrap();
        DemandPlan {
            start: m("2027-01"),
            horizon: point.len(),
            levels: vec![level],
            skus: vec![SkuPlan {
                sku: "A".into(),
                model: "test".into(),
                forecast: Forecast {
                    point,
                    intervals: vec![Interval { level, lo, hi }],
                },
            }],
            dependence: Dependence::independent(),
        }
    }

    fn order(item: &str, q: f64, due: &str) -> OpenOrder {
        OpenOrder {
            item: item.into(),
            quantity: q,
            due: m(due),
            po: None,
        }
    }

    #[test]
    fn stock_is_used_first_then_builds_follow_demand() {
        let d = plan(
            vec![100.0, 100.0, 100.0],
            vec![80.0, 80.0, 80.0],
            vec![130.0, 130.0, 130.0],
        );
        let stock = [OnHand {
            sku: "A".into(),
            on_hand: 150.0,
        }];
        let p = net(&d, &stock, &[]);
        let s = &p.plan.skus[0].forecast;
        assert_eq!(s.point, vec![0.0, 50.0, 100.0]);
        // The upper path uses the stock up sooner: 130 - 150 -> 0, then 130 - 20 = 110, 130.
        assert_eq!(s.intervals[0].hi, vec![0.0, 110.0, 130.0]);
        // The lower path: 80, 80 -> 0 and 10, then 80.
        assert_eq!(s.intervals[0].lo, vec![0.0, 10.0, 80.0]);
        assert_eq!(p.on_hand_used, 150.0);
        let r = &p.rows[1];
        assert_eq!(
            (r.on_hand_start, r.planned, r.production, r.on_hand_end),
            (50.0, 50.0, 50.0, 0.0)
        );
    }

    #[test]
    fn open_orders_are_built_in_their_month_and_late_ones_count_first() {
        let d = plan(vec![100.0, 100.0], vec![90.0, 90.0], vec![110.0, 110.0]);
        // 30 due before the plan starts (late) and 120 in February: January builds 30 + 70,
        // February's order covers its 100 and leaves 20.
        let orders = [
            order("A", 30.0, "2026-11"),
            order("A", 120.0, "2027-02"),
            order("M", 999.0, "2027-01"),
        ];
        let p = net(&d, &[], &orders);
        let s = &p.plan.skus[0].forecast;
        assert_eq!(s.point, vec![100.0, 120.0]);
        assert_eq!(p.rows[0].receipts, 30.0);
        assert_eq!(p.rows[0].planned, 70.0);
        assert_eq!(p.rows[1].on_hand_end, 20.0);
        assert_eq!(p.receipts, 150.0);
        // Bounds stay around the point.
        assert!(s.intervals[0].lo[1] <= 120.0 && s.intervals[0].hi[1] >= 120.0);
    }

    #[test]
    fn a_sku_without_stock_or_orders_is_unchanged() {
        let d = plan(vec![5.0, 6.0], vec![4.0, 5.0], vec![6.0, 7.0]);
        let p = net(&d, &[], &[]);
        assert_eq!(p.plan, d);
        assert_eq!(p.on_hand_used, 0.0);
    }

    proptest::proptest! {
        /// Builds plus stock used always cover the demand: nothing is short, and the stock at
        /// the end is what was there plus what arrived plus what was built minus what was sold.
        #[test]
        fn production_covers_demand(
            demand in proptest::collection::vec(0.0f64..500.0, 1..12),
            on_hand in 0.0f64..1000.0,
            due in proptest::collection::vec((0usize..14, 0.0f64..300.0), 0..4),
        ) {
            let n = demand.len();
            let d = plan(demand.clone(), demand.clone(), demand.clone());
            let orders: Vec<OpenOrder> = due
                .iter()
                .map(|&(t, q)| order("A", q, &m("2026-12").plus(t as i32).to_string()))
                .collect();
            let stock = [OnHand { sku: "A".into(), on_hand }];
            let p = net(&d, &stock, &orders);
            let rows = &p.rows;
            for r in rows {
                proptest::prop_assert!(r.on_hand_end >= -1e-9);
                proptest::prop_assert!(
                    (r.on_hand_start + r.production - r.demand - r.on_hand_end).abs() < 1e-6
                );
            }
            let built: f64 = rows.iter().map(|r| r.production).sum();
            let sold: f64 = demand.iter().sum();
            proptest::prop_assert!((on_hand + built - sold - rows[n - 1].on_hand_end).abs() < 1e-6);
        }
    }
}
