//! Monte Carlo risk through the whole plan: demand paths pushed through capacity, materials and
//! pricing.
//!
//! # Demand paths
//! Each sku's demand in month `t` has the point forecast as its mean and the standard deviation
//! `sigma_t` of [`SkuPlan::sigma`] (the widest interval), and is never negative:
//! - where the point is at least [`NORMAL_FROM`] standard deviations above zero, it is normal,
//!   `max(0, point_t + sigma_t * z_t)` (the censoring at zero moves the mean by less than
//!   `0.0004 * sigma`), so a single normal sku's chance of overload is the analytic one;
//! - below that (slow movers, intermittent spare parts, whose ranges reach zero), it is
//!   lognormal with the same mean and standard deviation, `exp(m + s * z_t)` with
//!   `s^2 = ln(1 + sigma^2 / point^2)` and `m = ln(point) - s^2 / 2`: skewed like their count
//!   ranges, and without the censored normal's upward bias, which over ten thousand skus would
//!   add several percent to the total demand;
//! - a point of zero stays zero.
//!
//! Months are correlated within a sku by an AR(1) on the standardised errors: `z_0 = e_0`, `z_t =
//! rho * z_{t-1} + sqrt(1 - rho^2) * e_t` with `e_t` independent standard normals, so each month
//! keeps its own normal distribution and two months `k` apart correlate `rho^k` (a good month tends
//! to follow a good month, as a forecast's level error persists). `rho` is
//! [`MonteCarloSettings::month_correlation`] (default 0.5; 0 = independent months, 1 = one shock
//! per sku for the whole horizon).
//!
//! Skus move together through shocks of the same AR(1) form (same `rho`): each path first
//! draws a market-wide series `g_t` and one series `f_t` per family, and a sku's standardised
//! error becomes `sqrt(c_p) * g_t + sqrt(c_f - c_p) * f_t + sqrt(1 - c_f) * z_t`, with `c_p`
//! [`MonteCarloSettings::sku_correlation`] and `c_f` [`MonteCarloSettings::family_correlation`]
//! (at least `c_p`). It is still standard normal month by month, so two skus of one family
//! correlate `c_f` in the same month, two of different families `c_p`, and each sku keeps its
//! own distribution; only the spread of totals (line hours, material use, spend) widens.
//! [`MonteCarloSettings::of_plan`] (what `planner scenario` uses) takes `rho`, `c_p` and `c_f`
//! from the plan's [`crate::uncertainty::Dependence`], the model of the capacity plan's
//! `p_over_capacity` and every other total; [`MonteCarloSettings::default`] has `c_p = c_f = 0`
//! (independent skus). A fixed demand plan has no ranges: every path is the plan.
//!
//! # Reproducibility
//! Path `i` draws from its own random stream ([`PathRng`]: stream `i` of ChaCha8 keyed by
//! `seed`), skus in demand-plan order, months in order; paths are processed in fixed chunks of
//! 32 and merged in path order. The same seed gives the same report bit for bit,
//! whatever the number of threads.
//!
//! # Through the plan (fast paths, no linear program and no full MRP per path)
//! - **Capacity**: a line's required hours in a month are `sum d * bottleneck / 3600 / oee` over
//!   its skus (the contract's formula); the line is overloaded when they exceed its available
//!   hours ([`crate::capacity::working_time`]), and beyond overtime when they exceed
//!   `available * (1 + max_overtime_share)`.
//! - **Materials**: the base MRP record is the plan as released: its receipts (on hand, open
//!   orders, planned receipts) stay as planned, and so do the requirements that come from
//!   parent materials' planned orders (sub-assemblies). Only the demand of the skus moves: a sku
//!   built in its demand month moves every material below it, through all BOM levels (`qty(s,
//!   m)` the exploded units of `m` in one unit of `s`), a sku that is itself a material draws
//!   on its own stock. A path's projected on hand is then
//!   `POH_base(t) - sum_{k <= t} sum_s qty(s, m) * (d_s(k) - point_s(k))`, and the material is
//!   short in month `t` when that is below zero (safety stock used up and more). Shortages are
//!   counted only within the material's lead time plus the review month (at most the
//!   horizon): beyond it, a later month's plan can still order more.
//! - **Pricing**: annual-basis skus are priced on each 12-month period's volume (a partial
//!   period on its run rate, as [`crate::pricing::price`] does); the tier reached is counted on
//!   the first period. Order-basis skus keep the base plan's order sizes, so their tiers do not
//!   move with demand: their spend is each month's demand at the unit price of the base plan's
//!   order covering that month. Spend is summed over every priced sku and month.
//!
//! [`SkuPlan::sigma`]: crate::SkuPlan::sigma

use std::collections::HashMap;

use ndarray::{s, Array2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Plan, PlanInput};
use crate::capacity::working_time;
use crate::pricing::{Basis, TierSchedule};
pub use crate::rng::PathRng;
use crate::time::Month;
use crate::{DemandPlan, Error, FieldError};

/// Paths per chunk: the unit of parallel work and of the fixed-order merge.
pub(crate) const CHUNK: usize = 32;

/// Standard deviations between zero and the point from which a month's demand is drawn normal
/// rather than lognormal (see the module documentation).
pub const NORMAL_FROM: f64 = 3.0;

/// Settings of a Monte Carlo run.
///
/// | Name | Default | Range |
/// |---|---|---|
/// | `paths` | 1000 | 1 or more |
/// | `seed` | 42 | any 64-bit number |
/// | `month_correlation` | 0.5 | `rho` in [0, 1] of the AR(1) across months |
/// | `sku_correlation` | 0 | `c_p` in [0, 1]: the share of each sku's error variance that is common to all skus |
/// | `family_correlation` | 0 | `c_f` in [0, 1]: the share common to the skus of one family (at least `c_p`) |
///
/// [`MonteCarloSettings::of_plan`] takes the three correlations from the plan's
/// [`crate::uncertainty::Dependence`], so that the paths and the analytic totals rest on one
/// model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", default, deny_unknown_fields)]
pub struct MonteCarloSettings {
    /// Demand paths sampled.
    pub paths: usize,
    /// Seed of the random streams.
    pub seed: u64,
    /// Correlation of a sku's standardised errors in consecutive months.
    pub month_correlation: f64,
    /// Correlation of two skus' standardised errors in the same month: a market-wide shock that
    /// moves every sku together (0 = skus independent).
    pub sku_correlation: f64,
    /// Correlation of two skus of one family (the plan's families) in the same month: the
    /// market-wide shock plus a shock of the family; taken as `sku_correlation` when below it.
    #[serde(default)]
    pub family_correlation: f64,
}

crate::field::checked_serde!(MonteCarloSettings, check);

impl Default for MonteCarloSettings {
    fn default() -> Self {
        Self {
            paths: 1000,
            seed: 42,
            month_correlation: 0.5,
            sku_correlation: 0.0,
            family_correlation: 0.0,
        }
    }
}

impl MonteCarloSettings {
    /// Checks the ranges of the table above.
    ///
    /// # Errors
    /// [`FieldError`] naming the setting.
    pub fn check(&self) -> Result<(), FieldError> {
        if self.paths == 0 {
            return Err(FieldError::new("paths", "0 is not a number of paths"));
        }
        for (field, r) in [
            ("month_correlation", self.month_correlation),
            ("sku_correlation", self.sku_correlation),
            ("family_correlation", self.family_correlation),
        ] {
            if !(r.is_finite() && (0.0..=1.0).contains(&r)) {
                return Err(FieldError::new(
                    field,
                    format!("{r} is not between 0 and 1"),
                ));
            }
        }
        Ok(())
    }

    /// `paths` paths from `seed`, with the month, family and portfolio correlations of the
    /// plan's dependence model (months at least 0).
    pub fn of_plan(demand: &DemandPlan, paths: usize, seed: u64) -> Self {
        let d = &demand.dependence;
        Self {
            paths,
            seed,
            month_correlation: d.month.value.clamp(0.0, 1.0),
            sku_correlation: d.portfolio.value,
            family_correlation: d.family.value,
        }
    }
}

/// The risk of overload of one line in one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverloadRisk {
    /// The line.
    pub line: String,
    /// The month.
    pub month: Month,
    /// Available (regular) hours.
    pub available_hours: f64,
    /// Required hours at the point forecast.
    pub required_hours: f64,
    /// Median required hours over the paths.
    pub required_hours_p50: f64,
    /// 95th percentile of the required hours over the paths.
    pub required_hours_p95: f64,
    /// Share of paths whose required hours exceed the available hours.
    pub p_overload: f64,
    /// Share of paths whose required hours exceed the available hours plus the overtime allowed.
    pub p_beyond_overtime: f64,
}

/// The risk of a material running short in one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShortageRisk {
    /// The material.
    pub material: String,
    /// The month.
    pub month: Month,
    /// Projected on hand of the base MRP record at the end of the month.
    pub projected_on_hand: f64,
    /// Share of paths whose projected on hand falls below zero.
    pub p_shortage: f64,
    /// Mean units short over all paths (0 on paths with no shortage).
    pub expected_short: f64,
}

/// The chance of a sku's first pricing period reaching one price tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierRisk {
    /// The sku.
    pub sku: String,
    /// The pricing period (`first..last`, as in `pricing.csv`).
    pub period: String,
    /// The tier's `min_qty`.
    pub tier_min_qty: f64,
    /// The tier's unit price.
    pub unit_price: f64,
    /// Share of paths whose (annualised) volume reaches `min_qty`.
    pub p_reach: f64,
    /// Share of paths priced at exactly this tier.
    pub p_tier: f64,
    /// True for the tier the point forecast reaches.
    pub at_point: bool,
}

/// The distribution of total spend over the paths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SpendRisk {
    /// Spend at the point forecast with the same rules.
    pub at_point: f64,
    /// Mean over the paths.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// What the Monte Carlo run found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskReport {
    /// The settings of the run.
    pub settings: MonteCarloSettings,
    /// One row per line and month (lines in `lines.csv` order); empty without lines.
    pub overload: Vec<OverloadRisk>,
    /// One row per material and month (in the MRP record's order); empty without materials.
    pub shortage: Vec<ShortageRisk>,
    /// One row per annual-basis sku and tier; empty without tiers.
    pub tiers: Vec<TierRisk>,
    /// Total spend; `None` without tiers.
    pub spend: Option<SpendRisk>,
}

/// How a sku is priced on a path.
enum SkuPricing {
    /// Annual basis: the schedule and the index of the first tier slot.
    Annual { schedule: usize, slot: usize },
    /// Order basis: the unit price of each month (from the base plan's orders).
    Order { price: Vec<f64> },
}

/// One sku as the paths use it.
struct SkuModel {
    /// Line index and hours per unit (OEE included).
    line: Option<(usize, f64)>,
    /// Materials through every BOM level (index into the MRP record) and units per unit.
    materials: Vec<(usize, f64)>,
    pricing: Option<SkuPricing>,
}

/// Everything the paths share, built once.
struct Model<'a> {
    horizon: usize,
    rho: f64,
    /// Share of the error variance common to every sku.
    common: f64,
    /// Share of the error variance common to a family (at least `common`).
    family: f64,
    /// The family number of each sku, and how many there are.
    family_of: Vec<usize>,
    families: usize,
    /// Months within which a material's shortage still counts: its lead time plus the review
    /// month (later, a monthly re-plan can still react).
    reactable: Vec<usize>,
    /// Point forecast, sku x month.
    point: Array2<f64>,
    /// Location of the draw, sku x month: the point (normal) or `m` (lognormal).
    loc: Array2<f64>,
    /// Scale of the draw, sku x month: `sigma` (normal) or `s` (lognormal).
    scale: Array2<f64>,
    /// Whether the draw is lognormal, sku x month.
    lognormal: Array2<bool>,
    skus: Vec<SkuModel>,
    /// Available hours, line x month.
    available: Array2<f64>,
    /// Available hours plus overtime, line x month.
    with_overtime: Array2<f64>,
    /// Base projected on hand, material x month.
    poh: Array2<f64>,
    schedules: Vec<&'a TierSchedule>,
    /// Slots of tier counts: one per tier of each annual sku plus one "below the first tier".
    slots: usize,
}

/// What a chunk of paths adds up.
struct Acc {
    paths: usize,
    overload: Array2<u32>,
    beyond: Array2<u32>,
    /// Required hours of each path: path x (line * horizon + month).
    required: Array2<f64>,
    short: Array2<u32>,
    short_units: Array2<f64>,
    tiers: Vec<u32>,
    spend: Vec<f64>,
}

/// Runs the Monte Carlo over `plan` (a run of [`super::run`] on `input`): overload per line and
/// month, shortage per material and month, tiers reached, spend percentiles. Parallel over
/// chunks of paths on the current rayon pool; the result does not depend on the thread count.
///
/// # Errors
/// [`Error::Field`] for settings out of range; [`Error::Pricing`] for inconsistent tiers.
pub fn monte_carlo(
    input: &PlanInput,
    plan: &Plan,
    settings: &MonteCarloSettings,
) -> Result<RiskReport, Error> {
    settings.check()?;
    // What is built moves the lines, materials and spend: the demand net of finished goods.
    let demand = plan
        .production
        .as_ref()
        .map_or(&plan.forecast.demand, |p| &p.plan);
    let schedules_owned = if input.tiers.is_empty() {
        Vec::new()
    } else {
        TierSchedule::all(&input.tiers).map_err(Error::Pricing)?
    };
    let model = Model::new(input, plan, demand, &schedules_owned, settings);
    let n_chunks = settings.paths.div_ceil(CHUNK);
    let parts: Vec<Acc> = (0..n_chunks)
        .into_par_iter()
        .map(|c| {
            let first = c * CHUNK;
            let last = ((c + 1) * CHUNK).min(settings.paths);
            model.chunk(first..last, settings.seed)
        })
        .collect();
    Ok(model.report(input, plan, demand, parts, settings))
}

impl<'a> Model<'a> {
    fn new(
        input: &PlanInput,
        plan: &Plan,
        demand: &DemandPlan,
        schedules: &'a [TierSchedule],
        settings: &MonteCarloSettings,
    ) -> Self {
        let h = demand.horizon;
        let n = demand.skus.len();
        let mut point = Array2::zeros((n, h));
        let mut sigma = Array2::zeros((n, h));
        for (i, s) in demand.skus.iter().enumerate() {
            let sigmas = s.sigmas();
            for t in 0..h {
                point[[i, t]] = s
                    .forecast
                    .point
                    .get(t)
                    .copied()
                    .filter(|q| q.is_finite() && *q > 0.0)
                    .unwrap_or(0.0);
                if !s.forecast.intervals.is_empty() && t < s.forecast.point.len() {
                    let sd = sigmas.get(t).copied().unwrap_or(0.0);
                    sigma[[i, t]] = if sd.is_finite() { sd } else { 0.0 };
                }
            }
        }
        let mut loc = point.clone();
        let mut scale = sigma.clone();
        let mut lognormal = Array2::from_elem((n, h), false);
        for ((i, t), &mu) in point.indexed_iter() {
            let sd = sigma[[i, t]];
            if mu > 0.0 && sd > 0.0 && mu < NORMAL_FROM * sd {
                let s2 = (1.0 + (sd / mu).powi(2)).ln();
                loc[[i, t]] = mu.ln() - s2 / 2.0;
                scale[[i, t]] = s2.sqrt();
                lognormal[[i, t]] = true;
            } else if mu <= 0.0 {
                scale[[i, t]] = 0.0;
            }
        }

        // Capacity: the bottleneck of each routed sku and the hours of each line-month.
        let line_ix: HashMap<&str, usize> = input
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| (l.line.as_str(), i))
            .collect();
        let mut bottleneck: HashMap<&str, (usize, f64)> = HashMap::new();
        // As in `capacity_part`: capacity needs lines and routings.
        let routed = !input.lines.is_empty() && !input.routings.is_empty();
        if routed {
            for r in &input.routings {
                if let Some(&l) = line_ix.get(r.line.as_str()) {
                    let e = bottleneck.entry(r.sku.as_str()).or_insert((l, 0.0));
                    e.1 = e.1.max(r.cycle_seconds);
                }
            }
        }
        let n_lines = if routed { input.lines.len() } else { 0 };
        let mut available = Array2::zeros((n_lines, h));
        let mut with_overtime = Array2::zeros((n_lines, h));
        let ot = 1.0 + input.settings.capacity.max_overtime_share;
        for (l, line) in input.lines.iter().take(n_lines).enumerate() {
            for (t, month) in demand.months().enumerate() {
                let a = working_time(line, &input.calendar, month).available_hours;
                available[[l, t]] = a;
                with_overtime[[l, t]] = a * ot;
            }
        }

        // Materials: the base record's projected on hand and each sku's direct usage.
        let mut mat_ix: HashMap<&str, usize> = HashMap::new();
        let mut poh = Array2::zeros((0, h));
        if let Some(m) = &plan.materials {
            let n_mat = m.rows.len().checked_div(m.horizon).unwrap_or(0);
            poh = Array2::zeros((n_mat, h));
            for (k, rows) in m.rows.chunks(m.horizon.max(1)).enumerate() {
                mat_ix.insert(rows[0].material.as_str(), k);
                for (t, r) in rows.iter().enumerate().take(h) {
                    poh[[k, t]] = r.projected_on_hand;
                }
            }
        }

        // Pricing: annual schedules get tier slots, order schedules the base plan's prices.
        let sched_ix: HashMap<&str, usize> = schedules
            .iter()
            .enumerate()
            .map(|(i, s)| (s.sku(), i))
            .collect();
        let mut slots = 0;
        let skus = demand
            .skus
            .iter()
            .map(|s| {
                let sku = s.sku.as_str();
                let line = bottleneck.get(sku).map(|&(l, b)| {
                    let oee = input.lines[l].oee.get();
                    (l, b / 3600.0 / oee)
                });
                // A sku that is itself a material draws on its own stock; otherwise its demand
                // moves every material below it, through every BOM level.
                let materials = match mat_ix.get(sku) {
                    Some(&k) => vec![(k, 1.0)],
                    None => input
                        .bom
                        .explode(sku)
                        .iter()
                        .filter_map(|(m, q)| mat_ix.get(m.as_str()).map(|&k| (k, *q)))
                        .collect(),
                };
                let pricing = sched_ix.get(sku).map(|&i| match schedules[i].basis() {
                    Basis::Annual => {
                        let slot = slots;
                        slots += schedules[i].tiers().len() + 1;
                        SkuPricing::Annual { schedule: i, slot }
                    }
                    Basis::Order => {
                        let mut price = vec![0.0; h];
                        if let Some(p) = &plan.pricing {
                            for r in p.rows.iter().filter(|r| r.sku == sku) {
                                let t0 = demand.start.months_until(r.first_month).max(0) as usize;
                                for p in price.iter_mut().skip(t0).take(r.months as usize) {
                                    *p = r.unit_price;
                                }
                            }
                        }
                        SkuPricing::Order { price }
                    }
                });
                SkuModel {
                    line,
                    materials,
                    pricing,
                }
            })
            .collect();
        let (family_of, families) = demand
            .dependence
            .family_numbers(demand.skus.iter().map(|s| s.sku.as_str()));
        let mut reactable = vec![h; poh.nrows()];
        for m in &input.materials {
            if let Some(&k) = mat_ix.get(m.material.as_str()) {
                reactable[k] = crate::materials::safety_window(m, h);
            }
        }
        Self {
            horizon: h,
            rho: settings.month_correlation,
            common: settings.sku_correlation,
            family: settings.family_correlation.max(settings.sku_correlation),
            family_of,
            families,
            reactable,
            point,
            loc,
            scale,
            lognormal,
            skus,
            available,
            with_overtime,
            poh,
            schedules: schedules.iter().collect(),
            slots,
        }
    }

    /// Spend of an annual-basis sku's months, and the tier index of the first period (the last
    /// slot = below the first tier).
    fn annual(&self, schedule: &TierSchedule, d: &[f64]) -> (f64, usize) {
        let mut spend = 0.0;
        let mut first_tier = 0;
        for (k, period) in d.chunks(12).enumerate() {
            let volume: f64 = period.iter().sum();
            let f = period.len() as f64 / 12.0;
            let v = volume / f;
            spend += volume * schedule.unit_price(v);
            if k == 0 {
                first_tier = if schedule.below_first_tier(v) {
                    schedule.tiers().len()
                } else {
                    schedule.tier_index(v)
                };
            }
        }
        (spend, first_tier)
    }

    fn chunk(&self, paths: std::ops::Range<usize>, seed: u64) -> Acc {
        let h = self.horizon;
        let (n_lines, n_mat) = (self.available.nrows(), self.poh.nrows());
        let np = paths.len();
        let mut acc = Acc {
            paths: np,
            overload: Array2::zeros((n_lines, h)),
            beyond: Array2::zeros((n_lines, h)),
            required: Array2::zeros((np, n_lines * h)),
            short: Array2::zeros((n_mat, h)),
            short_units: Array2::zeros((n_mat, h)),
            tiers: vec![0; self.slots],
            spend: Vec::with_capacity(np),
        };
        let mut req = Array2::<f64>::zeros((n_lines, h));
        let mut dev = Array2::<f64>::zeros((n_mat, h));
        let mut d = vec![0.0; h];
        let a = self.rho;
        let b = (1.0 - a * a).max(0.0).sqrt();
        let (wc, ws) = (self.common.sqrt(), (1.0 - self.family).max(0.0).sqrt());
        let wf = (self.family - self.common).max(0.0).sqrt();
        let mut shock = vec![0.0; h];
        let mut family_shock = vec![0.0; self.families * h];
        for (row, p) in paths.enumerate() {
            let mut rng = PathRng::new(seed, p as u64);
            req.fill(0.0);
            dev.fill(0.0);
            let mut spend = 0.0;
            // The market-wide shock of the path, an AR(1) like each sku's own errors; drawn only
            // when used, so that without it every path draws what it always drew.
            if self.common > 0.0 {
                let mut f = 0.0;
                for (t, x) in shock.iter_mut().enumerate() {
                    let e = rng.normal();
                    f = if t == 0 { e } else { a * f + b * e };
                    *x = f;
                }
            }
            // A shock per family, drawn after the market's and only when used.
            if wf > 0.0 {
                for row in family_shock.chunks_mut(h.max(1)) {
                    let mut f = 0.0;
                    for (t, x) in row.iter_mut().enumerate() {
                        let e = rng.normal();
                        f = if t == 0 { e } else { a * f + b * e };
                        *x = f;
                    }
                }
            }
            for (i, sku) in self.skus.iter().enumerate() {
                let fam = self.family_of[i] * h;
                let pt = self.point.row(i);
                let loc = self.loc.row(i);
                let scale = self.scale.row(i);
                let ln = self.lognormal.row(i);
                let mut z = 0.0;
                for t in 0..h {
                    let e = rng.normal();
                    z = if t == 0 { e } else { a * z + b * e };
                    // Without shocks (`c = 0`) this is `z` itself: `0 * 0 + 0 * 0 + 1 * z`.
                    let z = wc * shock[t] + wf * family_shock[fam + t] + ws * z;
                    d[t] = if ln[t] {
                        (loc[t] + scale[t] * z).exp()
                    } else {
                        (loc[t] + scale[t] * z).max(0.0)
                    };
                }
                if let Some((l, hours)) = sku.line {
                    let mut r = req.row_mut(l);
                    for t in 0..h {
                        r[t] += d[t] * hours;
                    }
                }
                for &(m, q) in &sku.materials {
                    let mut r = dev.row_mut(m);
                    for t in 0..h {
                        r[t] += q * (d[t] - pt[t]);
                    }
                }
                match &sku.pricing {
                    Some(SkuPricing::Annual { schedule, slot }) => {
                        let (s, tier) = self.annual(self.schedules[*schedule], &d);
                        spend += s;
                        acc.tiers[slot + tier] += 1;
                    }
                    Some(SkuPricing::Order { price }) => {
                        spend += d.iter().zip(price).map(|(q, p)| q * p).sum::<f64>();
                    }
                    None => {}
                }
            }
            for l in 0..n_lines {
                for t in 0..h {
                    let r = req[[l, t]];
                    acc.required[[row, l * h + t]] = r;
                    if r > self.available[[l, t]] * (1.0 + 1e-12) {
                        acc.overload[[l, t]] += 1;
                    }
                    if r > self.with_overtime[[l, t]] * (1.0 + 1e-12) {
                        acc.beyond[[l, t]] += 1;
                    }
                }
            }
            for m in 0..n_mat {
                let mut cum = 0.0;
                for t in 0..self.reactable[m] {
                    cum += dev[[m, t]];
                    let poh = self.poh[[m, t]] - cum;
                    if poh < -1e-9 * self.poh[[m, t]].abs().max(1.0) {
                        acc.short[[m, t]] += 1;
                        acc.short_units[[m, t]] -= poh;
                    }
                }
            }
            acc.spend.push(spend);
        }
        acc
    }

    fn report(
        &self,
        input: &PlanInput,
        plan: &Plan,
        demand: &DemandPlan,
        parts: Vec<Acc>,
        settings: &MonteCarloSettings,
    ) -> RiskReport {
        let h = self.horizon;
        let (n_lines, n_mat) = (self.available.nrows(), self.poh.nrows());
        let n = settings.paths as f64;
        let mut overload = Array2::<u32>::zeros((n_lines, h));
        let mut beyond = Array2::<u32>::zeros((n_lines, h));
        let mut short = Array2::<u32>::zeros((n_mat, h));
        let mut short_units = Array2::<f64>::zeros((n_mat, h));
        let mut tiers = vec![0u32; self.slots];
        let mut spend = Vec::with_capacity(settings.paths);
        let mut required = Array2::<f64>::zeros((settings.paths, n_lines * h));
        let mut row = 0;
        for part in parts {
            overload += &part.overload;
            beyond += &part.beyond;
            short += &part.short;
            short_units += &part.short_units;
            for (a, b) in tiers.iter_mut().zip(&part.tiers) {
                *a += b;
            }
            spend.extend(part.spend);
            required
                .slice_mut(s![row..row + part.paths, ..])
                .assign(&part.required);
            row += part.paths;
        }

        let months: Vec<Month> = demand.months().collect();
        let mut rows = Vec::with_capacity(n_lines * h);
        let mut column = Vec::with_capacity(settings.paths);
        for (l, line) in input.lines.iter().take(n_lines).enumerate() {
            for (t, &month) in months.iter().enumerate() {
                column.clear();
                column.extend(required.column(l * h + t).iter().copied());
                column.sort_by(f64::total_cmp);
                let at_point: f64 = self
                    .skus
                    .iter()
                    .enumerate()
                    .filter_map(|(i, s)| match s.line {
                        Some((sl, hours)) if sl == l => Some(self.point[[i, t]] * hours),
                        _ => None,
                    })
                    .sum();
                rows.push(OverloadRisk {
                    line: line.line.clone(),
                    month,
                    available_hours: self.available[[l, t]],
                    required_hours: at_point,
                    required_hours_p50: percentile(&column, 0.50),
                    required_hours_p95: percentile(&column, 0.95),
                    p_overload: f64::from(overload[[l, t]]) / n,
                    p_beyond_overtime: f64::from(beyond[[l, t]]) / n,
                });
            }
        }

        let mut shortage = Vec::with_capacity(n_mat * h);
        if let Some(m) = &plan.materials {
            for (k, recs) in m.rows.chunks(m.horizon.max(1)).enumerate().take(n_mat) {
                for (t, r) in recs.iter().enumerate().take(h) {
                    shortage.push(ShortageRisk {
                        material: r.material.clone(),
                        month: r.month,
                        projected_on_hand: r.projected_on_hand,
                        p_shortage: f64::from(short[[k, t]]) / n,
                        expected_short: short_units[[k, t]] / n,
                    });
                }
            }
        }

        let mut tier_rows = Vec::new();
        let mut spend_at_point = 0.0;
        for (i, sku) in self.skus.iter().enumerate() {
            let pt: Vec<f64> = self.point.row(i).to_vec();
            match &sku.pricing {
                Some(SkuPricing::Annual { schedule, slot }) => {
                    let sch = self.schedules[*schedule];
                    let (s, at) = self.annual(sch, &pt);
                    spend_at_point += s;
                    let nt = sch.tiers().len();
                    let last = demand.start.plus(h.min(12) as i32 - 1);
                    let period = if h.min(12) == 1 {
                        demand.start.to_string()
                    } else {
                        format!("{}..{}", demand.start, last)
                    };
                    let mut reach = 0u32;
                    let mut out = Vec::with_capacity(nt);
                    for j in (0..nt).rev() {
                        reach += tiers[slot + j];
                        out.push(TierRisk {
                            sku: demand.skus[i].sku.clone(),
                            period: period.clone(),
                            tier_min_qty: sch.tiers()[j].min_qty,
                            unit_price: sch.tiers()[j].unit_price,
                            p_reach: f64::from(reach) / n,
                            p_tier: f64::from(tiers[slot + j]) / n,
                            at_point: at == j,
                        });
                    }
                    out.reverse();
                    tier_rows.extend(out);
                }
                Some(SkuPricing::Order { price }) => {
                    spend_at_point += pt.iter().zip(price).map(|(q, p)| q * p).sum::<f64>();
                }
                None => {}
            }
        }
        let priced = self.skus.iter().any(|s| s.pricing.is_some());
        let spend_risk = priced.then(|| {
            let mean = spend.iter().sum::<f64>() / n;
            let mut sorted = spend.clone();
            sorted.sort_by(f64::total_cmp);
            SpendRisk {
                at_point: spend_at_point,
                mean,
                p5: percentile(&sorted, 0.05),
                p50: percentile(&sorted, 0.50),
                p95: percentile(&sorted, 0.95),
            }
        });
        RiskReport {
            settings: *settings,
            overload: rows,
            shortage,
            tiers: tier_rows,
            spend: spend_risk,
        }
    }
}

/// The `q` quantile of sorted values, interpolating linearly between order statistics (the
/// default of R and numpy); 0 for no values.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let x = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let i = x.floor() as usize;
            let f = x - i as f64;
            if i + 1 < n {
                sorted[i] + f * (sorted[i + 1] - sorted[i])
            } else {
                sorted[n - 1]
            }
        }
    }
}
