//! The monthly forecast review: how good earlier forecasts were, what changed since last month's,
//! and whether the change stays within the time fences agreed with the contract manufacturer.
//!
//! One entry point, [`compare`], takes the earlier plans (each a `forecast.csv` of an earlier
//! month), this month's plan, the demand history that now holds the actuals, the product master
//! (for families) and the time fences, and returns a [`Review`]:
//!
//! - [`Review::pairs`]: every forecast of an earlier plan for a month that now has an actual
//!   ([`Pair`]), with its lag, error, interval hits and the seasonal-naive benchmark;
//! - [`Review::accuracy`]: per lag, per sku, family and total: WAPE, bias, tracking signal,
//!   interval coverage and forecast value added ([`AccuracyRow`]);
//! - [`Review::changes`] and [`Review::rollups`]: this month's forecast against last month's, per
//!   sku and month and per family and month ([`Change`], [`RollupChange`]);
//! - [`Review::violations`] and [`Review::fences`]: every change beyond its time fence, and the
//!   volume involved per fence and in total ([`Violation`], [`FenceSummary`]).
//!
//! # Vintages and lags
//!
//! A plan's *vintage* is its first planned month ([`DemandPlan::start`]): the forecast made at the
//! end of October for November onwards has vintage November. The *lag* of a forecast month is
//! counted from 1: month `m` of a plan of vintage `v` has lag `v.months_until(m) + 1`, so the
//! first month of a plan is lag 1 (the forecast made one month ahead), the second lag 2, and so on.
//! Given several earlier plans, lag-k accuracy scores every plan's k-th month.
//!
//! # Sign conventions
//!
//! Errors are *forecast minus actual*: a positive bias or tracking signal means over-forecasting
//! (more was planned than sold), a negative one under-forecasting.
//!
//! ```
//! use planner_core::demand::DemandHistory;
//! use planner_core::forecast::Forecast;
//! use planner_core::review::{compare, ReviewSettings};
//! use planner_core::review::TimeFence;
//! use planner_core::{DemandPlan, SkuPlan};
//!
//! let m = |s: &str| s.parse().unwrap();
//! let plan = |start: &str, point: Vec<f64>| DemandPlan {
//!     start: m(start),
//!     horizon: point.len(),
//!     levels: vec![],
//!     skus: vec![SkuPlan {
//!         sku: "A".into(),
//!         model: "test".into(),
//!         forecast: Forecast { point, intervals: vec![] },
//!     }],
//!     dependence: planner_core::uncertainty::Dependence::independent(),
//! };
//! // Last month's plan (vintage 2026-11) and this month's (2026-12).
//! let previous = plan("2026-11", vec![100.0, 100.0, 100.0]);
//! let current = plan("2026-12", vec![130.0, 105.0]);
//! // November's actual arrived: 90.
//! let history = DemandHistory::from_records([("A", m("2026-10"), 95.0), ("A", m("2026-11"), 90.0)])?;
//! let fences = [TimeFence { months: [1, 1], max_change: 0.0 }];
//! let review = compare(&[previous], &current, &history, &[], &fences, &ReviewSettings::default())?;
//! // November was forecast at 100 and sold 90: bias +10 (over-forecast), WAPE 10/90.
//! let total = review.accuracy.iter().find(|r| r.key == "total").unwrap();
//! assert_eq!(total.bias, 10.0);
//! assert!((total.wape.unwrap() - 10.0 / 90.0).abs() < 1e-12);
//! // December moved from 100 to 130 in the frozen month 1: one violation of 30 units.
//! assert_eq!(review.violations.len(), 1);
//! assert_eq!(review.fence_total.excess, 30.0);
//! # Ok::<(), planner_core::Error>(())
//! ```

mod accuracy;
mod diff;
mod fences;
mod hold;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use accuracy::{AccuracyRow, Pair, PairBound, Scope};
pub use diff::{Change, ChangeStatus, RollupChange};
pub use fences::{fence_limit, FenceSummary, FenceTotal, TimeFence, Violation};
pub(crate) use hold::hold_fences_keeping;
pub use hold::{fence_breaks, hold_fences, new_sku_breaks, AgreedChange, FenceHold, HoldKind};

use crate::demand::{DemandHistory, Product};
use crate::demand_plan::DemandPlan;
use crate::time::Month;

/// The default tracking-signal alarm threshold: `|TS| > 4` (four mean absolute deviations of
/// cumulative error). Brown's classic rule; textbooks quote 4 to 6, 4 is the usual default
/// (APICS). planner.toml's `[review] tracking_signal_alarm` sets another; the threshold a review
/// used is [`ReviewSettings::alarm`] in [`Review::settings`].
pub const TS_ALARM: f64 = 4.0;

/// Settings of a review.
///
/// | Name | Default | Range |
/// |---|---|---|
/// | `season` | 12 | months in a seasonal cycle for the seasonal-naive benchmark, 1 or more |
/// | `alarm` | 4 ([`TS_ALARM`]) | tracking-signal alarm threshold, above 0 |
/// | `tolerance` | 0.01 | units a fenced change may exceed its limit by (the rounding of `forecast.csv` to 2 decimals) |
///
/// From planner.toml: `ReviewSettings::from(&settings)` takes `season` from `[forecast]`, `alarm`
/// and `tolerance` from `[review]` ([`ReviewThresholds`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewSettings {
    /// Months in a seasonal cycle (the seasonal-naive benchmark repeats the last one).
    pub season: usize,
    /// A tracking signal alarms when its absolute value is above this.
    pub alarm: f64,
    /// Units a change may exceed its fence by before it counts as a violation.
    pub tolerance: f64,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        Self {
            season: 12,
            alarm: TS_ALARM,
            tolerance: 0.01,
        }
    }
}

impl ReviewSettings {
    fn check(&self) -> Result<(), ReviewError> {
        if self.season == 0 {
            return Err(ReviewError::InvalidSetting {
                field: "season",
                value: 0.0,
            });
        }
        if !(self.alarm.is_finite() && self.alarm > 0.0) {
            return Err(ReviewError::InvalidSetting {
                field: "alarm",
                value: self.alarm,
            });
        }
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            return Err(ReviewError::InvalidSetting {
                field: "tolerance",
                value: self.tolerance,
            });
        }
        Ok(())
    }
}

/// Thresholds of the monthly forecast review (`[review]` in planner.toml).
///
/// | Name | Default | Range |
/// |---|---|---|
/// | `tracking_signal_alarm` | 4 ([`TS_ALARM`]) | above 0: a tracking signal (cumulative error over MAD) alarms when its absolute value is above this |
/// | `fence_tolerance` | 0.01 | 0 or more units a change may exceed its time fence by before it counts as a violation (the rounding of `forecast.csv` to 2 decimals) |
///
/// The review's seasonal-naive benchmark uses `[forecast] season`
/// ([`ForecastSettings::season`](crate::settings::ForecastSettings::season)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", default, deny_unknown_fields)]
pub struct ReviewThresholds {
    /// A tracking signal alarms when its absolute value is above this (4 to 6 in the
    /// textbooks; lower alarms sooner, on smaller runs of one-sided errors).
    pub tracking_signal_alarm: f64,
    /// Units a change may exceed its time fence by before it counts as a violation.
    pub fence_tolerance: f64,
}

crate::field::checked_serde!(ReviewThresholds, check);

impl Default for ReviewThresholds {
    fn default() -> Self {
        Self {
            tracking_signal_alarm: TS_ALARM,
            fence_tolerance: 0.01,
        }
    }
}

impl ReviewThresholds {
    pub(crate) fn check(&self) -> Result<(), crate::field::FieldError> {
        crate::field::positive("review.tracking_signal_alarm", self.tracking_signal_alarm)?;
        crate::field::non_negative("review.fence_tolerance", self.fence_tolerance)?;
        Ok(())
    }
}

/// Errors of the review.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReviewError {
    /// No earlier plan was given.
    #[error("no earlier forecast to review: give last month's forecast")]
    NoPrevious,
    /// Two earlier plans have the same vintage (first month).
    #[error("two earlier forecasts both start in {0}: give each month's forecast once")]
    DuplicateVintage(Month),
    /// An earlier plan starts after this month's plan.
    #[error(
        "the earlier forecast starts in {vintage}, after this month's plan ({start}): \
         were the previous and current plans swapped?"
    )]
    PreviousAfterCurrent {
        /// The earlier plan's first month.
        vintage: Month,
        /// This month's first planned month.
        start: Month,
    },
    /// A plan whose series do not have one value per planned month.
    #[error("the plan starting {vintage} has {got} values for sku {sku}, expected {horizon}")]
    Malformed {
        /// The plan's first month.
        vintage: Month,
        /// The sku.
        sku: String,
        /// Values found.
        got: usize,
        /// Planned months.
        horizon: usize,
    },
    /// A review setting out of range.
    #[error("review setting {field}: {value} is out of range")]
    InvalidSetting {
        /// The setting.
        field: &'static str,
        /// Its value.
        value: f64,
    },
}

/// The monthly forecast review. See the [module documentation](self).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    /// This month's first planned month (fence month 1).
    pub start: Month,
    /// The vintages (first months) of the earlier plans, oldest first.
    pub vintages: Vec<Month>,
    /// The vintage of the plan the changes are measured against ("last month's"): the latest.
    pub baseline: Month,
    /// The last month of the demand history (the latest actual), if any.
    pub actuals_through: Option<Month>,
    /// Every earlier forecast of a month that has an actual, by vintage, sku and month.
    pub pairs: Vec<Pair>,
    /// Accuracy by lag, then sku, family and total.
    pub accuracy: Vec<AccuracyRow>,
    /// This month's forecast against last month's, per sku and month.
    pub changes: Vec<Change>,
    /// The same per family and month, then for the total.
    pub rollups: Vec<RollupChange>,
    /// Every change beyond its time fence.
    pub violations: Vec<Violation>,
    /// Per time fence: months checked, violations and volume involved.
    pub fences: Vec<FenceSummary>,
    /// All fences together.
    pub fence_total: FenceTotal,
    /// What the planner should know about how the review was made.
    pub notes: Vec<String>,
    /// The settings the review was made with: [`ReviewSettings::alarm`] is the tracking-signal
    /// threshold behind [`AccuracyRow::alarm`].
    #[serde(default)]
    pub settings: ReviewSettings,
}

impl Review {
    /// The `n` largest changes in units (either direction), largest first; months that did
    /// not change are not changes.
    pub fn largest_changes(&self, n: usize) -> Vec<&Change> {
        let mut c: Vec<&Change> = self.changes.iter().filter(|c| c.change != 0.0).collect();
        c.sort_by(|a, b| {
            b.change
                .abs()
                .total_cmp(&a.change.abs())
                .then_with(|| a.sku.cmp(&b.sku))
                .then_with(|| a.month.cmp(&b.month))
        });
        c.truncate(n);
        c
    }

    /// The review of a plan held with `agreed` changes (changes.csv): each sku-month agreed with
    /// the contract manufacturer is marked [`Change::agreed`] and is no violation, whatever its
    /// change from last month's forecast; the violations, the fence summaries and totals and the
    /// rollups' excess are counted again without them.
    pub fn pass_agreed(&mut self, agreed: &[AgreedChange]) {
        if agreed.is_empty() {
            return;
        }
        let agreed: std::collections::HashSet<(&str, Month)> =
            agreed.iter().map(|c| (c.sku.as_str(), c.month)).collect();
        for c in &mut self.changes {
            if agreed.contains(&(c.sku.as_str(), c.month)) {
                c.agreed = true;
                c.excess = None;
            }
        }
        // The summaries are one per fence, in the fences' order: the fences again.
        let fences: Vec<TimeFence> = self
            .fences
            .iter()
            .map(|f| TimeFence {
                months: f.months,
                max_change: f.max_change,
            })
            .collect();
        self.rollups = diff::rollups(&self.changes);
        self.violations = self
            .changes
            .iter()
            .filter_map(Violation::from_change)
            .collect();
        self.fences = fences::summarize(&fences, &self.changes);
        self.fence_total = FenceTotal::of(&self.violations);
    }

    /// The sku rows whose tracking signal alarms, at every lag.
    pub fn alarms(&self) -> impl Iterator<Item = &AccuracyRow> {
        self.accuracy
            .iter()
            .filter(|r| r.scope == Scope::Sku && r.alarm)
    }
}

/// The family of each sku: from the product master, else the sku itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct Families<'a>(BTreeMap<&'a str, &'a str>);

impl<'a> Families<'a> {
    pub(crate) fn new(products: &'a [Product]) -> Self {
        Self(
            products
                .iter()
                .map(|p| (p.sku.as_str(), p.family.as_str()))
                .collect(),
        )
    }

    pub(crate) fn of(&self, sku: &str) -> String {
        self.0.get(sku).copied().unwrap_or(sku).to_string()
    }
}

/// Reviews earlier forecasts against the actuals and this month's plan.
///
/// - `previous`: the earlier plans, in any order; the latest is "last month's" and the changes
///   and fences are measured against it; every one is scored against the actuals at its lags.
/// - `current`: this month's plan; fence month 1 is its first month.
/// - `history`: the demand history, which now holds the actuals. A month the history covers is
///   an actual (zero where a sku had no demand); a sku missing from the history had zero demand.
/// - `products`: the product master for family totals; a sku missing there is its own family.
/// - `fences`: the time fences; where several cover a month the tightest applies; months no
///   fence covers are free.
///
/// The seasonal-naive benchmark of each earlier plan is made from the history before its vintage
/// (FPP3 §5.2: each month repeats the same month one season earlier; naive, the last month, when
/// less than a season of history; zero without history).
///
/// # Errors
/// [`ReviewError::NoPrevious`], [`ReviewError::DuplicateVintage`],
/// [`ReviewError::PreviousAfterCurrent`], [`ReviewError::Malformed`],
/// [`ReviewError::InvalidSetting`].
pub fn compare(
    previous: &[DemandPlan],
    current: &DemandPlan,
    history: &DemandHistory,
    products: &[Product],
    fences: &[TimeFence],
    settings: &ReviewSettings,
) -> Result<Review, ReviewError> {
    compare_with_statistical(previous, &[], current, history, products, fences, settings)
}

/// [`compare`], with the statistical forecasts of the earlier vintages (each the forecast of
/// its month before the planner's events, overrides and fences, matched to `previous` by its
/// first month): the accuracy rows then split the value added over seasonal naive into what
/// the models gained and what the planner's changes gained ([`AccuracyRow::fva_statistical`],
/// [`AccuracyRow::fva_final`]). A vintage without one scores as in [`compare`].
///
/// # Errors
/// As [`compare`]; [`ReviewError::DuplicateVintage`] for two statistical forecasts of a month,
/// and [`ReviewError::Malformed`] for one of the wrong length.
pub fn compare_with_statistical(
    previous: &[DemandPlan],
    statistical: &[DemandPlan],
    current: &DemandPlan,
    history: &DemandHistory,
    products: &[Product],
    fences: &[TimeFence],
    settings: &ReviewSettings,
) -> Result<Review, ReviewError> {
    settings.check()?;
    let mut stats: BTreeMap<Month, &DemandPlan> = BTreeMap::new();
    for s in statistical {
        check_plan(s)?;
        if stats.insert(s.start, s).is_some() {
            return Err(ReviewError::DuplicateVintage(s.start));
        }
    }
    if previous.is_empty() {
        return Err(ReviewError::NoPrevious);
    }
    let mut plans: Vec<&DemandPlan> = previous.iter().collect();
    plans.sort_by_key(|p| p.start);
    for w in plans.windows(2) {
        if w[0].start == w[1].start {
            return Err(ReviewError::DuplicateVintage(w[0].start));
        }
    }
    for p in plans.iter().copied().chain(std::iter::once(current)) {
        check_plan(p)?;
    }
    let baseline = *plans.last().expect("not empty");
    if baseline.start > current.start {
        return Err(ReviewError::PreviousAfterCurrent {
            vintage: baseline.start,
            start: current.start,
        });
    }
    let families = Families::new(products);
    let mut notes = Vec::new();
    let gap = baseline.start.months_until(current.start);
    if gap == 0 {
        notes.push(format!(
            "last month's forecast and this month's plan both start in {}: the changes compare two \
             plans of the same month",
            current.start
        ));
    } else if gap > 1 {
        notes.push(format!(
            "the latest earlier forecast starts in {}, {gap} months before this plan ({}): the \
             changes span {gap} monthly cycles, fence months count from {}",
            baseline.start, current.start, current.start
        ));
    }
    let actuals_through = history.last_month();
    let scored: Vec<(&DemandPlan, Option<&DemandPlan>)> = plans
        .iter()
        .map(|&p| (p, stats.get(&p.start).copied()))
        .collect();
    let (pairs, mut pair_notes) = accuracy::pairs(&scored, history, &families, settings.season);
    notes.append(&mut pair_notes);
    match actuals_through {
        None => notes.push("the demand history is empty: no actual to score".to_string()),
        Some(last) if last < plans[0].start => notes.push(format!(
            "the demand history ends {last}, before the earliest forecast month {}: no actual to \
             score yet",
            plans[0].start
        )),
        _ => {}
    }
    let accuracy = accuracy::aggregate(&pairs, settings.alarm);
    let changes = diff::changes(baseline, current, &families, fences, settings.tolerance);
    let rollups = diff::rollups(&changes);
    let violations: Vec<Violation> = changes.iter().filter_map(Violation::from_change).collect();
    let fence_summaries = fences::summarize(fences, &changes);
    let fence_total = FenceTotal::of(&violations);
    Ok(Review {
        start: current.start,
        vintages: plans.iter().map(|p| p.start).collect(),
        baseline: baseline.start,
        actuals_through,
        pairs,
        accuracy,
        changes,
        rollups,
        violations,
        fences: fence_summaries,
        fence_total,
        notes,
        settings: settings.clone(),
    })
}

fn check_plan(p: &DemandPlan) -> Result<(), ReviewError> {
    for s in &p.skus {
        let bad = std::iter::once(s.forecast.point.len())
            .chain(
                s.forecast
                    .intervals
                    .iter()
                    .flat_map(|i| [i.lo.len(), i.hi.len()]),
            )
            .find(|&n| n != p.horizon);
        if let Some(got) = bad {
            return Err(ReviewError::Malformed {
                vintage: p.start,
                sku: s.sku.clone(),
                got,
                horizon: p.horizon,
            });
        }
    }
    Ok(())
}

/// A ratio that is `None` when the denominator is zero.
pub(crate) fn ratio(num: f64, den: f64) -> Option<f64> {
    (den != 0.0).then(|| num / den)
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests;
