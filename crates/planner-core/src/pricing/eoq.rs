//! Order sizing under quantity discounts: EOQ with price breaks.

use serde::{Deserialize, Serialize};

use super::tiers::{Scheme, TierSchedule};
use super::PricingSettings;

/// The order quantity of one sku that minimizes its yearly purchase, ordering and holding cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderSizing {
    /// The sku.
    pub sku: String,
    /// The yearly demand the quantity is sized for.
    pub annual_demand: f64,
    /// The order quantity (0 when there is no demand).
    pub quantity: f64,
    /// The unit price of one order of `quantity` (the average price under the incremental scheme).
    pub unit_price: f64,
    /// Orders a year: `annual_demand / quantity`.
    pub orders_per_year: f64,
    /// Yearly purchase cost: `annual_demand × unit_price`.
    pub purchase_cost: f64,
    /// Yearly ordering cost: `order_cost × orders_per_year`.
    pub ordering_cost: f64,
    /// Yearly holding cost: `holding_rate × unit_price × quantity / 2`.
    pub holding_cost: f64,
    /// The sum of the three costs.
    pub total_cost: f64,
}

/// Yearly total cost of ordering `quantity` at a time: purchase + ordering + holding.
///
/// Returns `(unit_price, purchase, ordering, holding)`.
pub(crate) fn annual_cost(
    schedule: &TierSchedule,
    annual_demand: f64,
    quantity: f64,
    settings: &PricingSettings,
) -> (f64, f64, f64, f64) {
    let unit_price = schedule.unit_price(quantity);
    let purchase = annual_demand * unit_price;
    let ordering = settings.order_cost * annual_demand / quantity;
    let holding = settings.holding_rate * unit_price * quantity / 2.0;
    (unit_price, purchase, ordering, holding)
}

/// The cost-minimizing order quantity of one sku under its price breaks.
///
/// # Method
/// The classic all-units algorithm (Silver, Pyke & Peterson, *Inventory Management and Production
/// Planning and Scheduling*, 3rd ed., §5.5; Heizer & Render, *Operations Management*, ch. 12):
/// for each tier `i` with price `p_i`, the EOQ at that price `Q_i = √(2 D S / (r p_i))` (`D`
/// yearly demand, `S = order_cost`, `r = holding_rate`) is kept when it falls within the tier,
/// raised to the tier's `min_qty` when below it, and dropped when above it (the next, cheaper
/// tier then does better). Each candidate's yearly cost `p(Q) D + S D / Q + r p(Q) Q / 2` is
/// evaluated and the least wins; ties go to the smaller quantity.
///
/// Under the incremental scheme the same search uses the exact per-tier optimum
/// `Q_i = √(2 D (S + C_i) / (r p_i))` with `C_i = spend(min_qty_i) − p_i min_qty_i` (Hadley and
/// Whitin), clamped to the tier, and the average unit price `spend(Q) / Q`.
///
/// The first tier starts at 0 (volumes below its `min_qty` are priced at its price, see
/// [`TierSchedule`]). A quantity is at least one unit (or the yearly demand when below one).
/// With no holding cost (`r p_i = 0`) the unconstrained optimum is infinite; the candidate is
/// then one order a year (`D`), raised to the tier's `min_qty`.
///
/// ```
/// use planner_core::pricing::{order_size, Basis, PriceTier, PricingSettings, TierSchedule};
///
/// // Heizer & Render's toy-car example: D = 5,000, S = 49, r = 20 %.
/// let tiers = vec![
///     PriceTier::new("CAR", 0.0, 5.00, Basis::Order, None)?,
///     PriceTier::new("CAR", 1_000.0, 4.80, Basis::Order, None)?,
///     PriceTier::new("CAR", 2_000.0, 4.75, Basis::Order, None)?,
/// ];
/// let schedule = TierSchedule::new("CAR", &tiers)?;
/// let settings = PricingSettings { holding_rate: 0.2, order_cost: 49.0, ..Default::default() };
/// let best = order_size(&schedule, 5_000.0, &settings);
/// assert_eq!(best.quantity, 1_000.0);
/// assert!((best.total_cost - 24_725.0).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn order_size(
    schedule: &TierSchedule,
    annual_demand: f64,
    settings: &PricingSettings,
) -> OrderSizing {
    let d = annual_demand.max(0.0);
    let sku = schedule.sku().to_string();
    if d <= 0.0 {
        return OrderSizing {
            sku,
            annual_demand: d,
            quantity: 0.0,
            unit_price: schedule.unit_price(0.0),
            orders_per_year: 0.0,
            purchase_cost: 0.0,
            ordering_cost: 0.0,
            holding_cost: 0.0,
            total_cost: 0.0,
        };
    }
    let floor = d.min(1.0);
    let tiers = schedule.tiers();
    let mut best: Option<(f64, f64)> = None; // (total, quantity)
    for (i, tier) in tiers.iter().enumerate() {
        let lower = if i == 0 {
            floor
        } else {
            tier.min_qty.max(floor)
        };
        let upper = tiers.get(i + 1).map(|t| t.min_qty);
        let offset = match schedule.scheme() {
            Scheme::AllUnits => 0.0,
            Scheme::Incremental if i == 0 => 0.0,
            Scheme::Incremental => schedule.spend(tier.min_qty) - tier.unit_price * tier.min_qty,
        };
        let h = settings.holding_rate * tier.unit_price;
        let eoq = if h > 0.0 {
            (2.0 * d * (settings.order_cost + offset) / h).sqrt()
        } else {
            d
        };
        let q = match (schedule.scheme(), upper) {
            // All-units: above the tier, the next tier is reached at its break and is cheaper.
            (Scheme::AllUnits, Some(up)) if eoq >= up => continue,
            (Scheme::Incremental, Some(up)) => eoq.max(lower).min(up),
            _ => eoq.max(lower),
        };
        let (_, purchase, ordering, holding) = annual_cost(schedule, d, q, settings);
        let total = purchase + ordering + holding;
        if best.is_none_or(|(t, bq)| total < t || (total == t && q < bq)) {
            best = Some((total, q));
        }
    }
    // The last tier is never skipped, so there is always a candidate.
    let (_, quantity) = best.unwrap_or((0.0, d));
    let (unit_price, purchase_cost, ordering_cost, holding_cost) =
        annual_cost(schedule, d, quantity, settings);
    OrderSizing {
        sku,
        annual_demand: d,
        quantity,
        unit_price,
        orders_per_year: d / quantity,
        purchase_cost,
        ordering_cost,
        holding_cost,
        total_cost: purchase_cost + ordering_cost + holding_cost,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::{Basis, PriceTier};
    use proptest::prelude::*;

    fn schedule(breaks: &[(f64, f64)], scheme: Scheme) -> TierSchedule {
        let tiers: Vec<PriceTier> = breaks
            .iter()
            .map(|&(q, p)| PriceTier {
                scheme,
                ..PriceTier::new("S", q, p, Basis::Order, None).unwrap()
            })
            .collect();
        TierSchedule::new("S", &tiers).unwrap()
    }

    #[track_caller]
    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-6 * b.abs().max(1.0), "{a} != {b}");
    }

    #[test]
    fn heizer_render_toy_cars() {
        // D = 5,000 a year, S = 49 an order, r = 20 % of price a year.
        // Tier 1 (0-999 at 5.00): Q = √(2·5000·49 / 1.00) = 700, feasible.
        //   TC = 25,000 + 5000/700·49 (350) + 700/2·1.00 (350) = 25,700.
        // Tier 2 (1,000-1,999 at 4.80): Q = √(490,000 / 0.96) = 714 < 1,000 → 1,000.
        //   TC = 24,000 + 245 + 480 = 24,725.
        // Tier 3 (2,000+ at 4.75): Q = 718 → 2,000. TC = 23,750 + 122.5 + 950 = 24,822.5.
        // Best: 1,000 at 24,725.
        let s = schedule(
            &[(0.0, 5.0), (1_000.0, 4.8), (2_000.0, 4.75)],
            Scheme::AllUnits,
        );
        let settings = PricingSettings {
            holding_rate: 0.2,
            order_cost: 49.0,
            ..PricingSettings::default()
        };
        let best = order_size(&s, 5_000.0, &settings);
        close(best.quantity, 1_000.0);
        close(best.unit_price, 4.8);
        close(best.purchase_cost, 24_000.0);
        close(best.ordering_cost, 245.0);
        close(best.holding_cost, 480.0);
        close(best.total_cost, 24_725.0);
        close(best.orders_per_year, 5.0);
    }

    #[test]
    fn feasible_eoq_in_the_cheapest_tier_wins() {
        // D = 12,000, S = 150, r = 0.24, tiers 0 at 10, 500 at 9.5.
        // Tier 2: Q = √(2·12000·150 / (0.24·9.5)) = √(1,578,947.4) = 1,256.6, feasible.
        let s = schedule(&[(0.0, 10.0), (500.0, 9.5)], Scheme::AllUnits);
        let best = order_size(&s, 12_000.0, &PricingSettings::default());
        close(
            best.quantity,
            (2.0 * 12_000.0 * 150.0 / (0.24 * 9.5_f64)).sqrt(),
        );
        close(best.ordering_cost, best.holding_cost);
    }

    #[test]
    fn no_demand_orders_nothing() {
        let s = schedule(&[(0.0, 10.0)], Scheme::AllUnits);
        let best = order_size(&s, 0.0, &PricingSettings::default());
        assert_eq!((best.quantity, best.total_cost), (0.0, 0.0));
    }

    #[test]
    fn incremental_optimum_within_a_tier() {
        // Tiers 0 at 10, 100 at 8. D = 1,000, S = 50, r = 0.2.
        // Tier 2: C = 100·10 − 8·100 = 200; Q = √(2·1000·250 / 1.6) = 559.0.
        let s = schedule(&[(0.0, 10.0), (100.0, 8.0)], Scheme::Incremental);
        let settings = PricingSettings {
            holding_rate: 0.2,
            order_cost: 50.0,
            ..PricingSettings::default()
        };
        let best = order_size(&s, 1_000.0, &settings);
        close(best.quantity, (2.0 * 1_000.0 * 250.0 / 1.6_f64).sqrt());
    }

    fn breaks() -> impl Strategy<Value = Vec<(f64, f64)>> {
        prop::collection::vec((1.0f64..5_000.0, 0.0f64..0.3), 0..5).prop_map(|steps| {
            let mut q = 0.0;
            let mut p = 20.0;
            let mut out = vec![(0.0, p)];
            for (dq, cut) in steps {
                q += dq;
                p *= 1.0 - cut;
                out.push((q.round(), p));
            }
            out.dedup_by(|a, b| a.0 == b.0);
            out
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn eoq_is_never_worse_than_any_tiers_own_best(
            b in breaks(),
            d in 1.0f64..100_000.0,
            s_cost in 1.0f64..500.0,
            r in 0.01f64..0.5,
            incremental in any::<bool>(),
        ) {
            let scheme = if incremental { Scheme::Incremental } else { Scheme::AllUnits };
            let sched = schedule(&b, scheme);
            let settings = PricingSettings {
                holding_rate: r,
                order_cost: s_cost,
                ..PricingSettings::default()
            };
            let best = order_size(&sched, d, &settings);
            let tol = 1e-9 * best.total_cost.max(1.0);
            // Each tier's own best: a fine grid over the tier (and beyond the last break).
            let tiers = sched.tiers();
            for (i, t) in tiers.iter().enumerate() {
                let lo = t.min_qty.max(1.0);
                let hi = tiers.get(i + 1).map_or(lo.max(d) * 4.0, |n| n.min_qty);
                for k in 0..=200 {
                    let q = lo + (hi - lo) * f64::from(k) / 200.0;
                    if q <= 0.0 { continue; }
                    let (_, p, o, h) = annual_cost(&sched, d, q, &settings);
                    prop_assert!(best.total_cost <= p + o + h + tol,
                        "Q {} costs {} < best {} at {}", q, p + o + h, best.total_cost, best.quantity);
                }
            }
        }
    }
}
