//! Time fences: how far this month's forecast may move from last month's, by month of the plan.
//!
//! A fence `{ months = [a, b], max_change = x }` lets the forecast of months `a..=b` of this
//! month's plan (month 1 = its first month) move by at most `x` (0.10 = 10 %) of last month's
//! forecast, either way; `x = 0` freezes the months. Where fences overlap the tightest applies;
//! months no fence covers are free.

use serde::{Deserialize, Serialize};

use super::diff::Change;
use crate::field::{checked_serde, FieldError};
use crate::time::Month;

/// A time fence: within months `months[0]..=months[1]` of the horizon (1 = the first planned
/// month), the forecast may change by at most `max_change` (0.10 = 10 %) from one month's plan to
/// the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct TimeFence {
    /// First and last month of the fence, counted from 1.
    pub months: [u32; 2],
    /// Largest allowed relative change (0 = frozen).
    pub max_change: f64,
}

checked_serde!(TimeFence, check);

impl TimeFence {
    pub(crate) fn check(&self) -> Result<(), FieldError> {
        let [a, b] = self.months;
        if a == 0 || b < a {
            return Err(FieldError::new(
                "fences.months",
                format!("[{a}, {b}] is not a range of months counted from 1"),
            ));
        }
        if !(self.max_change.is_finite() && self.max_change >= 0.0) {
            return Err(FieldError::new(
                "fences.max_change",
                format!("{} is not a non-negative share", self.max_change),
            ));
        }
        Ok(())
    }
}

/// The tightest limit of the fences covering `fence_month` (counted from 1); `None` = free.
///
/// ```
/// use planner_core::review::fence_limit;
/// use planner_core::review::TimeFence;
/// let fences = [
///     TimeFence { months: [1, 1], max_change: 0.0 },
///     TimeFence { months: [2, 3], max_change: 0.10 },
///     TimeFence { months: [3, 6], max_change: 0.25 },
/// ];
/// assert_eq!(fence_limit(&fences, 1), Some(0.0));
/// assert_eq!(fence_limit(&fences, 3), Some(0.10)); // the tighter of 10 % and 25 %
/// assert_eq!(fence_limit(&fences, 6), Some(0.25));
/// assert_eq!(fence_limit(&fences, 7), None);
/// ```
pub fn fence_limit(fences: &[TimeFence], fence_month: u32) -> Option<f64> {
    fences
        .iter()
        .filter(|f| (f.months[0]..=f.months[1]).contains(&fence_month))
        .map(|f| f.max_change)
        .min_by(f64::total_cmp)
}

/// A change beyond its time fence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    /// The sku.
    pub sku: String,
    /// Its family.
    pub family: String,
    /// The month.
    pub month: Month,
    /// Month of this month's plan, from 1.
    pub fence_month: u32,
    /// The fence's limit (a fraction; 0 = frozen).
    pub max_change: f64,
    /// Last month's forecast.
    pub previous: f64,
    /// This month's forecast.
    pub current: f64,
    /// `current - previous` (units; positive = more asked of the contract manufacturer).
    pub change: f64,
    /// `change / previous`; `None` when `previous` was 0.
    pub change_pct: Option<f64>,
    /// Units the fence allows either way: `max_change * previous`.
    pub allowed: f64,
    /// Units beyond the fence: `|change| - allowed`.
    pub excess: f64,
}

impl Violation {
    /// The violation of a change, if it violates its fence.
    pub fn from_change(c: &Change) -> Option<Self> {
        Some(Self {
            sku: c.sku.clone(),
            family: c.family.clone(),
            month: c.month,
            fence_month: c.fence_month,
            max_change: c.max_change?,
            previous: c.previous,
            current: c.current,
            change: c.change,
            change_pct: c.change_pct,
            allowed: c.allowed?,
            excess: c.excess?,
        })
    }
}

/// The violations together: how many, and the volume involved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FenceTotal {
    /// Sku-months in violation.
    pub violations: usize,
    /// Distinct skus with a violation.
    pub skus: usize,
    /// Sum of `|change|` of the violations: the volume involved.
    pub changed: f64,
    /// Sum of the increases among them.
    pub up: f64,
    /// Sum of the decreases among them (a positive number of units).
    pub down: f64,
    /// Sum of the units beyond the fences.
    pub excess: f64,
}

impl FenceTotal {
    /// Totals of these violations.
    pub fn of(violations: &[Violation]) -> Self {
        let mut skus: Vec<&str> = violations.iter().map(|v| v.sku.as_str()).collect();
        skus.sort_unstable();
        skus.dedup();
        Self {
            violations: violations.len(),
            skus: skus.len(),
            changed: violations.iter().map(|v| v.change.abs()).sum(),
            up: violations.iter().map(|v| v.change.max(0.0)).sum(),
            down: violations.iter().map(|v| (-v.change).max(0.0)).sum(),
            excess: violations.iter().map(|v| v.excess).sum(),
        }
    }
}

/// One time fence over the review: its months, what was checked and what broke it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FenceSummary {
    /// First and last month of the fence, from 1.
    pub months: [u32; 2],
    /// Its limit (a fraction; 0 = frozen).
    pub max_change: f64,
    /// Sku-months it governs (where it is the tightest fence).
    pub checked: usize,
    /// Last month's forecast over those sku-months.
    pub previous: f64,
    /// This month's forecast over them.
    pub current: f64,
    /// The violations it governs, with their volume.
    pub total: FenceTotal,
}

/// One summary per fence, in the order of the fences; each sku-month counts under the fence whose
/// limit applied to it (the tightest).
pub(crate) fn summarize(fences: &[TimeFence], changes: &[Change]) -> Vec<FenceSummary> {
    let governing = |c: &Change| {
        fences.iter().position(|f| {
            (f.months[0]..=f.months[1]).contains(&c.fence_month)
                && Some(f.max_change) == c.max_change
        })
    };
    let mut groups: Vec<Vec<&Change>> = vec![Vec::new(); fences.len()];
    for c in changes {
        if let Some(i) = governing(c) {
            groups[i].push(c);
        }
    }
    fences
        .iter()
        .zip(groups)
        .map(|(f, g)| {
            let v: Vec<Violation> = g.iter().filter_map(|c| Violation::from_change(c)).collect();
            FenceSummary {
                months: f.months,
                max_change: f.max_change,
                checked: g.len(),
                previous: g.iter().map(|c| c.previous).sum(),
                current: g.iter().map(|c| c.current).sum(),
                total: FenceTotal::of(&v),
            }
        })
        .collect()
}
