//! `pricing.csv`: what each sku's planned volume costs at its price breaks.

use std::collections::HashMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::eoq::{order_size, OrderSizing};
use super::review::ProjectedSpend;
use super::tiers::{Basis, PriceTier, Scheme, TierSchedule};
use super::{PricingError, PricingSettings};
use crate::demand_plan::{DemandPlan, SkuPlan};
use crate::forecast::Level;
use crate::time::Month;

/// Months in a pricing year.
const YEAR: usize = 12;

/// Volume, unit price and spend at the lower and upper bound of one confidence level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RangeFigures {
    /// The confidence level.
    pub level: Level,
    /// Volume at the lower bound: the lower quantile of the period's total volume.
    pub volume_lo: f64,
    /// Unit price of that volume.
    pub unit_price_lo: f64,
    /// Spend of that volume.
    pub spend_lo: f64,
    /// Volume at the upper bound: the upper quantile of the period's total volume.
    pub volume_hi: f64,
    /// Unit price of that volume.
    pub unit_price_hi: f64,
    /// Spend of that volume.
    pub spend_hi: f64,
}

/// One row of `pricing.csv`: one sku and pricing period (annual basis) or planned order (order
/// basis).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PricingRow {
    /// The sku.
    pub sku: String,
    /// The period: `2026-11..2027-10` for a year, `2026-11` for a one-month order, `(partial)`
    /// appended to an annual period shorter than 12 months.
    pub period: String,
    /// The first month of the period.
    pub first_month: Month,
    /// The months the period spans.
    pub months: u32,
    /// The basis the sku's tiers are quoted on.
    pub basis: Basis,
    /// The scheme of the sku's tiers.
    pub scheme: Scheme,
    /// The planned volume of the period (the sum of its point forecasts) or order quantity.
    pub volume: f64,
    /// The volume the tier is chosen on: `volume × 12 / months` for a partial annual period
    /// (the run rate), else `volume`.
    pub priced_volume: f64,
    /// `min_qty` of the tier reached (under the incremental scheme, the tier of the last unit).
    pub tier_min_qty: f64,
    /// The unit price (the average price under the incremental scheme).
    pub unit_price: f64,
    /// `volume × unit_price`.
    pub spend: f64,
    /// True when the priced volume is below the first tier's `min_qty` (priced at its price).
    pub below_first_tier: bool,
    /// `min_qty` of the next tier with a lower price, if any.
    pub next_tier_min_qty: Option<f64>,
    /// Its unit price.
    pub next_tier_unit_price: Option<f64>,
    /// Units more in this period that reach the next tier (at the same run rate for a partial
    /// period).
    pub units_to_next_tier: Option<f64>,
    /// `saving_total / (next_tier_min_qty scaled to the period)`: the fall in the unit price.
    pub saving_per_unit: f64,
    /// What reaching the next tier saves: buying the volume plus the extra units at the next
    /// tier's price instead of the current one (0 under the incremental scheme).
    pub saving_total: f64,
    /// Holding cost of the extra units pulled forward to reach the next tier (`None` without a
    /// next tier, or when the period has no demand to consume them).
    pub pull_forward_holding_cost: Option<f64>,
    /// Whether `saving_total` exceeds `pull_forward_holding_cost` (`false` when the period has no
    /// demand; `None` without a next tier).
    pub pull_forward_pays: Option<bool>,
    /// The currency of the sku's tiers.
    pub currency: Option<String>,
    /// Figures at each level's bounds (empty for a fixed plan).
    pub range: Vec<RangeFigures>,
    /// True when some level's lower and upper volumes fall in different tiers.
    pub straddles_break: bool,
    /// The probability that the period's volume reaches the next tier's `min_qty` (scaled to
    /// the period), under the plan's dependence model; `None` without a next tier or ranges.
    #[serde(default)]
    pub p_next_tier: Option<f64>,
}

/// The priced plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PricingPlan {
    /// The rows, sorted by sku then period.
    pub rows: Vec<PricingRow>,
    /// Order sizing of each `order`-basis sku with demand, sorted by sku.
    pub sizing: Vec<OrderSizing>,
    /// Skus of the demand plan with no price tiers (not priced).
    pub skus_without_tiers: Vec<String>,
    /// Skus with price tiers that are not in the demand plan (not priced).
    pub tiers_without_demand: Vec<String>,
    /// The spend at the tier prices moved by the index factors, per sku and month
    /// ([`super::projected_spend`] of [`super::project_prices`]), when the plan was made with
    /// cost breakdowns
    /// ([`crate::scenario::PlanInput::cost_breakdown`]); `None` without them. [`price`] leaves it
    /// `None`; [`crate::scenario::pricing_part`] fills it.
    #[serde(default)]
    pub projection: Option<Vec<ProjectedSpend>>,
    /// How each index of the cost breakdown is carried over the planned months (empty without a
    /// projection): values given ahead, or held flat at the last value.
    #[serde(default)]
    pub index_outlook: Vec<super::IndexOutlook>,
    /// The range of the total index-linked spend at each level of the plan: quantiles of
    /// `sum unit_price(sku, month) x demand(sku, month)` under the plan's dependence model
    /// ([`PricingPlan::projected_spend_range`]); empty without a projection or ranges.
    #[serde(default)]
    pub projected_spend_range: Vec<(Level, f64, f64)>,
}

impl PricingPlan {
    /// Spend at the tier prices: the sum of the rows' `spend`.
    pub fn total_spend(&self) -> f64 {
        self.rows.iter().map(|r| r.spend).sum()
    }

    /// The currency of the tiers, when every priced row that names one names the same.
    pub fn currency(&self) -> Option<&str> {
        let mut named = self.rows.iter().filter_map(|r| r.currency.as_deref());
        let first = named.next()?;
        named.all(|c| c == first).then_some(first)
    }

    /// The rows whose next tier is within reach and pays for its holding cost
    /// (`pull_forward_pays`), the largest saving first (then sku and period, as the rows).
    pub fn tiers_within_reach(&self) -> Vec<&PricingRow> {
        let mut reach: Vec<&PricingRow> = self
            .rows
            .iter()
            .filter(|r| r.pull_forward_pays == Some(true))
            .collect();
        reach.sort_by(|a, b| b.saving_total.total_cmp(&a.saving_total));
        reach
    }

    /// The unit price of `sku` in `month`: that of the sku's row whose period holds the month,
    /// else of its latest row starting before it, else of its first row; `None` for a sku
    /// without tiers.
    pub fn unit_price(&self, sku: &str, month: Month) -> Option<f64> {
        let rows: Vec<&PricingRow> = self.rows.iter().filter(|r| r.sku == sku).collect();
        Self::unit_price_among(&rows, month)
    }

    /// Each sku's rows, in the plan's order: for many look-ups of
    /// [`PricingPlan::unit_price_among`] (one scan of the plan, not one a look-up).
    pub fn rows_by_sku(&self) -> HashMap<&str, Vec<&PricingRow>> {
        let mut by: HashMap<&str, Vec<&PricingRow>> = HashMap::new();
        for r in &self.rows {
            by.entry(r.sku.as_str()).or_default().push(r);
        }
        by
    }

    /// [`PricingPlan::unit_price`] among one sku's rows (of [`PricingPlan::rows_by_sku`]).
    pub fn unit_price_among(rows: &[&PricingRow], month: Month) -> Option<f64> {
        let holds = |r: &PricingRow| {
            let t = r.first_month.months_until(month);
            t >= 0 && t < r.months.max(1) as i32
        };
        rows.iter()
            .find(|r| holds(r))
            .or_else(|| rows.iter().rfind(|r| r.first_month <= month))
            .or_else(|| rows.first())
            .map(|r| r.unit_price)
    }

    /// The ranges of [`PricingPlan::projected_spend`] under `demand`'s dependence model: each
    /// month's demand of a sku weighted by its projected unit price, months and skus correlated
    /// as the model says (see [`crate::uncertainty`]). Empty without a projection.
    pub fn projected_spend_range(&self, demand: &DemandPlan) -> Vec<(Level, f64, f64)> {
        let Some(projection) = &self.projection else {
            return Vec::new();
        };
        let mut price: std::collections::HashMap<&str, Vec<f64>> = std::collections::HashMap::new();
        for p in projection {
            let t = demand.start.months_until(p.month);
            if (0..demand.horizon as i32).contains(&t) {
                price
                    .entry(p.sku.as_str())
                    .or_insert_with(|| vec![0.0; demand.horizon])[t as usize] = p.unit_price;
            }
        }
        let mut total = demand.dependence.total(demand.horizon);
        for s in &demand.skus {
            let Some(w) = price.get(s.sku.as_str()) else {
                continue;
            };
            let sigmas = s.sigmas();
            let a: Vec<f64> = (0..demand.horizon)
                .map(|t| w[t] * sigmas.get(t).copied().unwrap_or(0.0))
                .collect();
            let mean: f64 = (0..demand.horizon).map(|t| w[t] * point(s, t)).sum();
            total.add(&s.sku, &a, mean);
        }
        let total = total.finish();
        demand
            .levels
            .iter()
            .map(|&l| {
                let (lo, hi) = total.bounds(l);
                (l, lo, hi)
            })
            .collect()
    }

    /// The total of [`PricingPlan::projection`]: every priced sku's spend at its tier prices
    /// moved by its index factor (`None` without a projection); with no index move it is the
    /// spend of the rows.
    pub fn projected_spend(&self) -> Option<f64> {
        self.projection
            .as_ref()
            .map(|p| p.iter().map(|s| s.spend).sum())
    }
}

/// Prices the demand plan at each sku's tiers.
///
/// # Periods
/// - **Annual basis**: one row per sku and 12-month period from the start month (a horizon of 12
///   gives one period, 18 gives a year and a partial period of 6 months). A partial period is
///   labelled `(partial)` and its tier is chosen on its run rate (`volume × 12 / months`, the
///   annualised volume); its spend is still `volume × unit_price`.
/// - **Order basis**: each sku's order quantity comes from [`order_size`] on its annualised
///   point demand. Planned orders cover whole months: `k = ⌈quantity / mean monthly demand⌉`
///   months each (1 = one order a month with the month's demand, the default when the EOQ is
///   below a month's demand), from the start month; each is priced at its own quantity (the
///   point demand of its months, so it can differ from the EOQ when demand varies).
///
/// # Range
/// For each level of the plan, the period's volume range is the central range of the period's
/// total under the plan's [`crate::uncertainty::Dependence`] (the months of a sku correlated as
/// the model says; see [`crate::uncertainty::Total`]), not the sum of the months' bounds. Unit
/// price and spend follow at those volumes, [`PricingRow::straddles_break`] flags a range
/// spanning different tiers, and [`PricingRow::p_next_tier`] is the chance of reaching the next
/// break.
///
/// # Next tier and pulling forward
/// With `v` the priced volume, `p` its marginal price, `n` the next tier's `min_qty` and `p'` its
/// price, `f = months / 12` for a partial annual period (else 1):
/// - `units_to_next_tier = (n − v) f`;
/// - `saving_total = (spend(v) + (n − v) p − spend(n)) f`: `n (p − p') f` under all-units (every
///   unit, the extra ones too, at the lower price), 0 under the incremental scheme (reaching a
///   break lowers only the price of units beyond it); `saving_per_unit = saving_total / (n f)`;
/// - the pulled units `u` are consumed after the period at its mean monthly rate
///   `m = volume / months`. On the annual basis they are bought at the period's end, so they are
///   held `u / (2 m)` months on average. On the order basis they come with the order, which
///   arrives at the start of the period: they wait while the order's own `volume` is used
///   (`volume / m` months) and then go at the same rate, held `(volume + u / 2) / m` months on
///   average. `pull_forward_holding_cost = holding_rate × p' × u × held / 12`; when `m = 0` the
///   pull never pays. It pays when `saving_total > pull_forward_holding_cost`. The effect of the
///   pull on the next period's own tier is not counted.
///
///   Worked by hand (order basis): an order of 1,250 units covering 2.5 months of 500 at 4.80;
///   750 more reach 2,000 at 4.75 and save `2,000 × 0.05 = 100`. The 750 are held
///   `(1,250 + 375) / 500 = 3.25` months: `0.24 × 4.75 × 750 × 3.25 / 12 = 231.56`. It does not
///   pay.
///
/// # Errors
/// [`PricingError`] for a sku whose tiers do not validate (see [`TierSchedule::new`]).
pub fn price(
    tiers: &[PriceTier],
    demand: &DemandPlan,
    settings: &PricingSettings,
) -> Result<PricingPlan, PricingError> {
    let schedules = TierSchedule::all(tiers)?;
    let mut rows = Vec::new();
    let mut sizing = Vec::new();
    let mut tiers_without_demand = Vec::new();
    let horizon = demand.horizon;
    let plans: HashMap<&str, &SkuPlan> = demand.skus.iter().map(|s| (s.sku.as_str(), s)).collect();
    for schedule in &schedules {
        let Some(&plan) = plans.get(schedule.sku()) else {
            tiers_without_demand.push(schedule.sku().to_string());
            continue;
        };
        let priced = Priced {
            schedule,
            plan,
            levels: &demand.levels,
            start: demand.start,
            settings,
            dependence: &demand.dependence,
            horizon: demand.horizon,
        };
        match schedule.basis() {
            Basis::Annual => {
                for first in (0..horizon).step_by(YEAR) {
                    let span = first..(first + YEAR).min(horizon);
                    rows.push(priced.row(span, true));
                }
            }
            Basis::Order => {
                let total: f64 = (0..horizon).map(|t| point(plan, t)).sum();
                let annual = if horizon > 0 {
                    total * YEAR as f64 / horizon as f64
                } else {
                    0.0
                };
                let monthly = annual / YEAR as f64;
                let size = order_size(schedule, annual, settings);
                let k = if size.quantity > 0.0 && monthly > 0.0 {
                    ((size.quantity / monthly - 1e-9).ceil() as usize).clamp(1, horizon.max(1))
                } else {
                    1
                };
                if size.annual_demand > 0.0 {
                    sizing.push(size);
                }
                for first in (0..horizon).step_by(k) {
                    let span = first..(first + k).min(horizon);
                    rows.push(priced.row(span, false));
                }
            }
        }
    }
    let mut skus_without_tiers: Vec<String> = demand
        .skus
        .iter()
        .filter(|s| {
            schedules
                .binary_search_by(|t| t.sku().cmp(s.sku.as_str()))
                .is_err()
        })
        .map(|s| s.sku.clone())
        .collect();
    skus_without_tiers.sort();
    rows.sort_by(|a, b| {
        a.sku
            .cmp(&b.sku)
            .then_with(|| a.first_month.cmp(&b.first_month))
    });
    Ok(PricingPlan {
        rows,
        sizing,
        skus_without_tiers,
        tiers_without_demand,
        projection: None,
        index_outlook: Vec::new(),
        projected_spend_range: Vec::new(),
    })
}

/// The point demand of month `t`, never negative.
fn point(plan: &SkuPlan, t: usize) -> f64 {
    plan.forecast.point.get(t).copied().unwrap_or(0.0).max(0.0)
}

/// One sku's pricing context.
struct Priced<'a> {
    schedule: &'a TierSchedule,
    plan: &'a SkuPlan,
    levels: &'a [Level],
    start: Month,
    settings: &'a PricingSettings,
    /// The plan's dependence model: a period's volume is a total over its months.
    dependence: &'a crate::uncertainty::Dependence,
    horizon: usize,
}

impl Priced<'_> {
    /// The row of the months `span` (0-based offsets from the start); `annual` annualises a
    /// partial year.
    fn row(&self, span: Range<usize>, annual: bool) -> PricingRow {
        let s = self.schedule;
        let months = span.len();
        let first_month = self.start.plus(span.start as i32);
        let last_month = self.start.plus(span.end as i32 - 1);
        let partial = annual && months < YEAR;
        let f = if partial {
            months as f64 / YEAR as f64
        } else {
            1.0
        };
        let mut period = if months == 1 {
            first_month.to_string()
        } else {
            format!("{first_month}..{last_month}")
        };
        if partial {
            period.push_str(" (partial)");
        }

        let volume: f64 = span.clone().map(|t| point(self.plan, t)).sum();
        let v = volume / f;
        let unit_price = s.unit_price(v);
        let next = s.next_tier(v);
        let (units_to_next, saving_total, holding, pays) = match next {
            Some((n, next_price)) => {
                let units = (n - v).max(0.0) * f;
                let saving =
                    ((s.spend(v) + (n - v) * s.marginal_price(v) - s.spend(n)) * f).max(0.0);
                let monthly = volume / months as f64;
                if monthly > 0.0 {
                    let held_months = if annual {
                        units / (2.0 * monthly)
                    } else {
                        (volume + units / 2.0) / monthly
                    };
                    let holding =
                        self.settings.holding_rate * next_price * units * held_months / YEAR as f64;
                    (Some(units), saving, Some(holding), Some(saving > holding))
                } else {
                    // Nothing consumes the pulled units: they would be held for ever.
                    (Some(units), saving, None, Some(false))
                }
            }
            None => (None, 0.0, None, None),
        };
        let saving_per_unit = match next {
            Some((n, _)) if n > 0.0 => saving_total / (n * f),
            _ => 0.0,
        };

        let mut range = Vec::new();
        let mut straddles_break = false;
        // The period's volume as a total over its months (the months' errors correlated as the
        // plan's model says), not the sum of the months' bounds.
        let total = {
            let mut t = self.dependence.total(self.horizon);
            t.add_sku(self.plan, 1.0, span.clone());
            t.finish()
        };
        let p_next_tier = match next {
            Some((n, _)) if !self.levels.is_empty() => Some(total.prob_above(n * f)),
            _ => None,
        };
        for &level in self.levels {
            let (Some(_), Some(_)) = (self.plan.lo(level, 0), self.plan.hi(level, 0)) else {
                continue;
            };
            let (lo, hi) = total.bounds(level);
            let (unit_price_lo, unit_price_hi) = (s.unit_price(lo / f), s.unit_price(hi / f));
            straddles_break |= s.tier_index(lo / f) != s.tier_index(hi / f);
            range.push(RangeFigures {
                level,
                volume_lo: lo,
                unit_price_lo,
                spend_lo: lo * unit_price_lo,
                volume_hi: hi,
                unit_price_hi,
                spend_hi: hi * unit_price_hi,
            });
        }

        PricingRow {
            sku: s.sku().to_string(),
            period,
            first_month,
            months: months as u32,
            basis: s.basis(),
            scheme: s.scheme(),
            volume,
            priced_volume: v,
            tier_min_qty: s.tier(v).min_qty,
            unit_price,
            spend: volume * unit_price,
            below_first_tier: s.below_first_tier(v),
            next_tier_min_qty: next.map(|(n, _)| n),
            next_tier_unit_price: next.map(|(_, p)| p),
            units_to_next_tier: units_to_next,
            saving_per_unit,
            saving_total,
            pull_forward_holding_cost: holding,
            pull_forward_pays: pays,
            currency: s.currency().map(String::from),
            range,
            straddles_break,
            p_next_tier,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::{Forecast, Interval};
    use proptest::prelude::*;

    fn tiers(sku: &str, basis: Basis, breaks: &[(f64, f64)]) -> Vec<PriceTier> {
        breaks
            .iter()
            .map(|&(q, p)| PriceTier::new(sku, q, p, basis, Some("USD".into())).unwrap())
            .collect()
    }

    fn plan(skus: Vec<(&str, Vec<f64>)>) -> DemandPlan {
        let horizon = skus[0].1.len();
        DemandPlan {
            start: "2026-11".parse().unwrap(),
            horizon,
            levels: vec![],
            skus: skus
                .into_iter()
                .map(|(sku, point)| SkuPlan {
                    sku: sku.into(),
                    model: "plan".into(),
                    forecast: Forecast {
                        point,
                        intervals: vec![],
                    },
                })
                .collect(),
            dependence: crate::uncertainty::Dependence::independent(),
        }
    }

    #[track_caller]
    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} != {b}");
    }

    #[test]
    fn annual_year_below_a_break_and_the_pull_forward_that_pays() {
        // 800 a month: 9,600 a year at 10.00. 400 more reach 10,000 at 9.00: 10,000 × 1.00 saved.
        // The 400 are consumed at 800 a month, held 400 / (2 × 800) = 0.25 months on average:
        // 0.24 × 9.00 × 400 × 0.25 / 12 = 18.00 of holding. It pays.
        let t = tiers("A", Basis::Annual, &[(0.0, 10.0), (10_000.0, 9.0)]);
        let p = price(
            &t,
            &plan(vec![("A", vec![800.0; 12])]),
            &PricingSettings::default(),
        )
        .unwrap();
        assert_eq!(p.rows.len(), 1);
        let r = &p.rows[0];
        assert_eq!(r.period, "2026-11..2027-10");
        assert_eq!(
            (r.volume, r.tier_min_qty, r.unit_price, r.spend),
            (9_600.0, 0.0, 10.0, 96_000.0)
        );
        assert_eq!(r.next_tier_min_qty, Some(10_000.0));
        assert_eq!(r.next_tier_unit_price, Some(9.0));
        assert_eq!(r.units_to_next_tier, Some(400.0));
        close(r.saving_per_unit, 1.0);
        close(r.saving_total, 10_000.0);
        close(r.pull_forward_holding_cost.unwrap(), 18.0);
        assert_eq!(r.pull_forward_pays, Some(true));
        assert_eq!(r.currency.as_deref(), Some("USD"));
        assert!(!r.straddles_break && r.range.is_empty());
        assert!(p.sizing.is_empty());
    }

    #[test]
    fn a_far_break_does_not_pay_for_its_holding() {
        // 9,600 a year; 20,000 at 9.90: u = 10,400, saving 20,000 × 0.10 = 2,000.
        // Held 10,400 / 1,600 = 6.5 months: 0.24 × 9.9 × 10,400 × 6.5 / 12 = 13,384.80.
        let t = tiers("A", Basis::Annual, &[(0.0, 10.0), (20_000.0, 9.9)]);
        let p = price(
            &t,
            &plan(vec![("A", vec![800.0; 12])]),
            &PricingSettings::default(),
        )
        .unwrap();
        let r = &p.rows[0];
        close(r.saving_total, 2_000.0);
        close(r.pull_forward_holding_cost.unwrap(), 13_384.8);
        assert_eq!(r.pull_forward_pays, Some(false));
    }

    #[test]
    fn exactly_at_the_break_and_zero_volume() {
        let t = tiers("A", Basis::Annual, &[(0.0, 10.0), (12_000.0, 9.0)]);
        let d = plan(vec![("A", vec![1_000.0; 12]), ("Z", vec![0.0; 12])]);
        let mut t2 = t.clone();
        t2.extend(tiers("Z", Basis::Annual, &[(0.0, 10.0), (12_000.0, 9.0)]));
        let p = price(&t2, &d, &PricingSettings::default()).unwrap();
        let a = &p.rows[0];
        assert_eq!(
            (a.tier_min_qty, a.unit_price, a.spend),
            (12_000.0, 9.0, 108_000.0)
        );
        assert_eq!(
            (
                a.next_tier_min_qty,
                a.units_to_next_tier,
                a.pull_forward_pays
            ),
            (None, None, None)
        );
        let z = &p.rows[1];
        assert_eq!(
            (z.sku.as_str(), z.volume, z.unit_price, z.spend),
            ("Z", 0.0, 10.0, 0.0)
        );
        assert_eq!(z.units_to_next_tier, Some(12_000.0));
        // Nothing consumes pulled units in a period without demand.
        assert_eq!(
            (z.pull_forward_holding_cost, z.pull_forward_pays),
            (None, Some(false))
        );
    }

    #[test]
    fn eighteen_months_give_a_year_and_an_annualised_partial_period() {
        // Months 13-18: 6 × 900 = 5,400, run rate 10,800: tier 10,000 at 9.00, spend 48,600.
        // The next tier, 20,000, needs (20,000 − 10,800) × 6/12 = 4,600 more units in the 6 months.
        let t = tiers(
            "A",
            Basis::Annual,
            &[(0.0, 10.0), (10_000.0, 9.0), (20_000.0, 8.0)],
        );
        let mut point = vec![800.0; 12];
        point.extend([900.0; 6]);
        let p = price(&t, &plan(vec![("A", point)]), &PricingSettings::default()).unwrap();
        assert_eq!(p.rows.len(), 2);
        let r = &p.rows[1];
        assert_eq!(r.period, "2027-11..2028-04 (partial)");
        assert_eq!(r.months, 6);
        assert_eq!((r.volume, r.priced_volume), (5_400.0, 10_800.0));
        assert_eq!(
            (r.tier_min_qty, r.unit_price, r.spend),
            (10_000.0, 9.0, 48_600.0)
        );
        close(r.units_to_next_tier.unwrap(), 4_600.0);
        // 20,000 × 1.00 × 0.5 = 10,000 saved on the half year.
        close(r.saving_total, 10_000.0);
        close(r.saving_per_unit, 1.0);
    }

    /// 100 +- 10 (sd) in each of two months, at index-linked prices 10 and 11: the spend is
    /// 2,100 with sd sqrt(100^2 + 110^2) = 148.66 for independent months, 210 when they move
    /// together.
    #[test]
    fn the_index_linked_spend_range_is_a_quantile_of_the_total() {
        let l95 = Level::new(95.0).unwrap();
        let z = 1.959_964;
        let mut d = plan(vec![("A", vec![100.0, 100.0])]);
        d.levels = vec![l95];
        d.skus[0].forecast.intervals = vec![Interval {
            level: l95,
            lo: vec![100.0 - 10.0 * z; 2],
            hi: vec![100.0 + 10.0 * z; 2],
        }];
        let row = |m: &str, price: f64| super::super::ProjectedSpend {
            sku: "A".into(),
            month: m.parse().unwrap(),
            quantity: 100.0,
            tier_unit_price: 10.0,
            index_factor: price / 10.0,
            unit_price: price,
            spend: 100.0 * price,
            change_vs_base: 100.0 * (price - 10.0),
            index_held_flat: false,
        };
        let t = tiers("A", Basis::Annual, &[(0.0, 10.0)]);
        let mut p = price(&t, &d, &PricingSettings::default()).unwrap();
        p.projection = Some(vec![row("2026-11", 10.0), row("2026-12", 11.0)]);
        let (_, lo, hi) = p.projected_spend_range(&d)[0];
        let sd = (100f64.powi(2) + 110f64.powi(2)).sqrt();
        assert!((hi - (2_100.0 + z * sd)).abs() < 0.01 && (lo - (2_100.0 - z * sd)).abs() < 0.01);
        d.dependence = crate::uncertainty::Dependence::fixed(1.0, 0.0, 0.0).unwrap();
        let (_, _, hi) = p.projected_spend_range(&d)[0];
        assert!((hi - (2_100.0 + z * 210.0)).abs() < 0.01, "{hi}");
    }

    #[test]
    fn the_range_is_a_quantile_of_the_years_total() {
        // 800 a month, 95 %: 700..900, so sigma = 100 / 1.96 = 51.02 a month; 12 months.
        let l80 = Level::new(80.0).unwrap();
        let l95 = Level::new(95.0).unwrap();
        let mut d = plan(vec![("A", vec![800.0; 12])]);
        d.levels = vec![l80, l95];
        d.skus[0].forecast.intervals = vec![
            Interval {
                level: l80,
                lo: vec![750.0; 12],
                hi: vec![850.0; 12],
            },
            Interval {
                level: l95,
                lo: vec![700.0; 12],
                hi: vec![900.0; 12],
            },
        ];
        let t = tiers("A", Basis::Annual, &[(0.0, 10.0), (10_000.0, 9.0)]);
        let sigma = 100.0 / 1.959_964;
        // Months fully correlated: the year's sd is 12 sigma = 612.2 and the 95 % range is
        // the sum of the months' bounds, 8,400..10,800; the 80 % range 9,600 ± 1.2816 x 612.2
        // straddles the 10,000 break, reached with probability 1 - Phi(400 / 612.2) = 25.7 %.
        d.dependence = crate::uncertainty::Dependence::fixed(1.0, 0.0, 0.0).unwrap();
        let p = price(&t, &d, &PricingSettings::default()).unwrap();
        let r = &p.rows[0];
        assert!(r.straddles_break);
        let (r80, r95) = (&r.range[0], &r.range[1]);
        assert_eq!(r80.level, l80);
        close(r95.volume_lo, 8_400.0);
        close(r95.volume_hi, 10_800.0);
        let half80 = 1.281_552 * 12.0 * sigma;
        assert!((r80.volume_hi - (9_600.0 + half80)).abs() < 0.01);
        assert_eq!((r80.unit_price_lo, r80.unit_price_hi), (10.0, 9.0));
        assert!(
            (r.p_next_tier.unwrap() - 0.2568).abs() < 1e-3,
            "{:?}",
            r.p_next_tier
        );
        // Months independent: sd sqrt(12) sigma = 176.7; the 80 % range 9,373..9,827 stays in
        // one tier, and the break is reached with probability 1 - Phi(400 / 176.7) = 1.2 %.
        d.dependence = crate::uncertainty::Dependence::independent();
        let p = price(&t, &d, &PricingSettings::default()).unwrap();
        let r = &p.rows[0];
        assert!(!r.straddles_break);
        let sd = 12f64.sqrt() * sigma;
        assert!((r.range[1].volume_hi - (9_600.0 + 1.959_964 * sd)).abs() < 0.01);
        assert!(
            (r.p_next_tier.unwrap() - 0.0118).abs() < 1e-3,
            "{:?}",
            r.p_next_tier
        );
    }

    #[test]
    fn order_basis_uses_the_eoq_with_breaks() {
        // D = 7,200 a year, S = 150, r = 0.24; tiers 0 at 10.00, 1,000 at 9.50.
        // At 10.00: Q = √(2·7200·150 / 2.4) = 948.7, feasible: TC = 72,000 + 2 × 1,138.4 = 74,276.8.
        // At 9.50: Q = 973.3 → 1,000: TC = 68,400 + 1,080 + 1,140 = 70,620. Q = 1,000.
        // Orders cover ⌈1,000 / 600⌉ = 2 months: six orders of 1,200 at 9.50.
        let t = tiers("B", Basis::Order, &[(0.0, 10.0), (1_000.0, 9.5)]);
        let p = price(
            &t,
            &plan(vec![("B", vec![600.0; 12])]),
            &PricingSettings::default(),
        )
        .unwrap();
        assert_eq!(p.sizing.len(), 1);
        let s = &p.sizing[0];
        close(s.quantity, 1_000.0);
        close(s.total_cost, 70_620.0);
        assert_eq!(p.rows.len(), 6);
        let r = &p.rows[0];
        assert_eq!(r.period, "2026-11..2026-12");
        assert_eq!((r.volume, r.unit_price, r.spend), (1_200.0, 9.5, 11_400.0));
        assert_eq!(r.basis, Basis::Order);
        assert_eq!(p.rows[5].period, "2027-09..2027-10");
    }

    #[test]
    fn an_order_basis_pull_forward_is_held_from_the_order_s_arrival() {
        // D = 6,000 (500 a month): the EOQ at 4.80 is 1,250 (30,240 a year), cheaper than
        // orders of 2,000 at 4.78 (30,277.20): orders of 3 months, 1,500 units. 500 more save
        // 2,000 × 0.02 = 40 but arrive with the order and wait for its 1,500: held
        // (1,500 + 250) / 500 = 3.5 months, 0.24 × 4.78 × 500 × 3.5 / 12 = 167.30. No pull.
        let t = tiers("B", Basis::Order, &[(0.0, 4.80), (2_000.0, 4.78)]);
        let p = price(
            &t,
            &plan(vec![("B", vec![500.0; 12])]),
            &PricingSettings::default(),
        )
        .unwrap();
        close(p.sizing[0].quantity, 1_250.0);
        let r = &p.rows[0];
        assert_eq!((r.period.as_str(), r.volume), ("2026-11..2027-01", 1_500.0));
        close(r.saving_total, 40.0);
        close(r.pull_forward_holding_cost.unwrap(), 167.3);
        assert_eq!(r.pull_forward_pays, Some(false));
    }

    #[test]
    fn order_basis_with_large_months_orders_monthly() {
        // D = 60,000: Q = √(2·60000·150/2.4) = 2,738.6 < 5,000 a month: one order a month.
        let t = tiers("B", Basis::Order, &[(0.0, 10.0)]);
        let p = price(
            &t,
            &plan(vec![("B", vec![5_000.0; 12])]),
            &PricingSettings::default(),
        )
        .unwrap();
        assert_eq!(p.rows.len(), 12);
        assert_eq!(p.rows[0].period, "2026-11");
        assert_eq!(p.rows[11].period, "2027-10");
        assert_eq!(p.rows[0].volume, 5_000.0);
    }

    #[test]
    fn unmatched_skus_are_listed_and_bad_tiers_fail() {
        let t = tiers("X", Basis::Annual, &[(0.0, 10.0)]);
        let p = price(
            &t,
            &plan(vec![("A", vec![1.0; 12])]),
            &PricingSettings::default(),
        )
        .unwrap();
        assert!(p.rows.is_empty());
        assert_eq!(p.skus_without_tiers, ["A"]);
        assert_eq!(p.tiers_without_demand, ["X"]);
        let bad = tiers("A", Basis::Annual, &[(0.0, 10.0), (0.0, 9.0)]);
        assert!(matches!(
            price(
                &bad,
                &plan(vec![("A", vec![1.0; 12])]),
                &PricingSettings::default()
            ),
            Err(PricingError::DuplicateTier { .. })
        ));
    }

    proptest! {
        #[test]
        fn rows_spend_is_volume_times_the_price_of_their_tier(
            months in prop::collection::vec(0.0f64..3_000.0, 1..36),
            order in any::<bool>(),
        ) {
            let basis = if order { Basis::Order } else { Basis::Annual };
            let t = tiers("A", basis, &[(0.0, 10.0), (1_000.0, 9.0), (10_000.0, 8.5), (25_000.0, 8.0)]);
            let p = price(&t, &plan(vec![("A", months.clone())]), &PricingSettings::default()).unwrap();
            let total: f64 = p.rows.iter().map(|r| r.volume).sum();
            let expected: f64 = months.iter().sum();
            prop_assert!((total - expected).abs() <= 1e-6 * expected.max(1.0));
            for r in &p.rows {
                let tier = t.iter().rev().find(|x| x.min_qty <= r.priced_volume + 1e-6).unwrap();
                prop_assert_eq!(r.unit_price, tier.unit_price);
                prop_assert_eq!(r.tier_min_qty, tier.min_qty);
                prop_assert!((r.spend - r.volume * tier.unit_price).abs() <= 1e-9 * r.spend.max(1.0));
                prop_assert!(r.saving_total >= 0.0);
            }
        }
    }
}
