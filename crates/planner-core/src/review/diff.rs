//! This month's forecast against last month's: per sku and month, and rolled up per family and
//! month and for the total.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::accuracy::Scope;
use super::fences::fence_limit;
use super::TimeFence;
use super::{ratio, Families};
use crate::demand_plan::{DemandPlan, SkuPlan};
use crate::time::Month;

/// Whether a sku is in both plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeStatus {
    /// In last month's plan and this month's.
    Both,
    /// Only in this month's plan (last month's counts as 0).
    New,
    /// Only in last month's plan (this month's counts as 0).
    Dropped,
}

impl fmt::Display for ChangeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChangeStatus::Both => "both",
            ChangeStatus::New => "new",
            ChangeStatus::Dropped => "dropped",
        })
    }
}

/// One sku and month: this month's forecast against last month's, and its time fence.
///
/// # Formula
/// `change = current - previous`; `change_pct = change / previous` (`None` when `previous` is
/// 0). Within a fence of limit `max_change`, `allowed = max_change * previous` units and the
/// change violates the fence when `|change| > allowed + tolerance`; `excess = |change| -
/// allowed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The sku.
    pub sku: String,
    /// Its family.
    pub family: String,
    /// The month.
    pub month: Month,
    /// Month of this month's plan, from 1 (the fences count these).
    pub fence_month: u32,
    /// Last month's point forecast.
    pub previous: f64,
    /// This month's point forecast.
    pub current: f64,
    /// `current - previous`, in units.
    pub change: f64,
    /// `change / previous` (a fraction); `None` when `previous` is 0.
    pub change_pct: Option<f64>,
    /// Whether the sku is in both plans.
    pub status: ChangeStatus,
    /// The tightest fence limit covering the month (a fraction; 0 = frozen); `None` = free.
    pub max_change: Option<f64>,
    /// Units the fence allows either way: `max_change * previous`.
    pub allowed: Option<f64>,
    /// Units beyond the fence (`|change| - allowed`) when it is violated; `None` for an
    /// agreed change.
    pub excess: Option<f64>,
    /// A change the contract manufacturer agreed to (changes.csv): it passes the fences and is
    /// no violation, whatever its size ([`Review::pass_agreed`](super::Review::pass_agreed)).
    #[serde(default)]
    pub agreed: bool,
}

impl Change {
    /// True when the change goes beyond its time fence.
    pub fn violates(&self) -> bool {
        self.excess.is_some()
    }
}

/// A family's (or the total's) forecast for one month: this month's against last month's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollupChange {
    /// Family or total.
    pub scope: Scope,
    /// The family, or `total`.
    pub key: String,
    /// The month.
    pub month: Month,
    /// Month of this month's plan, from 1.
    pub fence_month: u32,
    /// Last month's forecast, summed.
    pub previous: f64,
    /// This month's forecast, summed.
    pub current: f64,
    /// `current - previous`.
    pub change: f64,
    /// `change / previous`; `None` when `previous` is 0.
    pub change_pct: Option<f64>,
    /// Units of sku changes beyond their fences in this month.
    pub excess: f64,
}

/// Every sku (of either plan) and every month the two plans share.
pub(crate) fn changes(
    baseline: &DemandPlan,
    current: &DemandPlan,
    families: &Families<'_>,
    fences: &[TimeFence],
    tolerance: f64,
) -> Vec<Change> {
    let prev: BTreeMap<&str, &SkuPlan> =
        baseline.skus.iter().map(|s| (s.sku.as_str(), s)).collect();
    let cur: BTreeMap<&str, &SkuPlan> = current.skus.iter().map(|s| (s.sku.as_str(), s)).collect();
    let skus: BTreeSet<&str> = prev.keys().chain(cur.keys()).copied().collect();
    let point = |p: Option<&&SkuPlan>, plan: &DemandPlan, m: Month| -> f64 {
        let t = plan.start.months_until(m);
        p.map_or(0.0, |s| s.forecast.point[t as usize])
    };
    let months: Vec<Month> = current
        .months()
        .filter(|&m| {
            let t = baseline.start.months_until(m);
            t >= 0 && (t as usize) < baseline.horizon
        })
        .collect();
    let mut out = Vec::with_capacity(skus.len() * months.len());
    for sku in skus {
        let (p, c) = (prev.get(sku), cur.get(sku));
        let status = match (p.is_some(), c.is_some()) {
            (true, true) => ChangeStatus::Both,
            (false, _) => ChangeStatus::New,
            (true, false) => ChangeStatus::Dropped,
        };
        for &month in &months {
            let previous = point(p, baseline, month);
            let current_v = point(c, current, month);
            let change = current_v - previous;
            let fence_month = current.start.months_until(month) as u32 + 1;
            let max_change = fence_limit(fences, fence_month);
            let allowed = max_change.map(|l| l * previous);
            let excess = allowed.and_then(|a| {
                let x = change.abs() - a;
                (x > tolerance).then_some(x)
            });
            out.push(Change {
                sku: sku.to_string(),
                family: families.of(sku),
                month,
                fence_month,
                previous,
                current: current_v,
                change,
                change_pct: ratio(change, previous),
                status,
                max_change,
                allowed,
                excess,
                agreed: false,
            });
        }
    }
    out
}

/// Per family and month, then the total per month.
pub(crate) fn rollups(changes: &[Change]) -> Vec<RollupChange> {
    let mut fam: BTreeMap<(&str, Month), (u32, f64, f64, f64)> = BTreeMap::new();
    let mut tot: BTreeMap<Month, (u32, f64, f64, f64)> = BTreeMap::new();
    for c in changes {
        for acc in [
            fam.entry((&c.family, c.month)).or_default(),
            tot.entry(c.month).or_default(),
        ] {
            acc.0 = c.fence_month;
            acc.1 += c.previous;
            acc.2 += c.current;
            acc.3 += c.excess.unwrap_or(0.0);
        }
    }
    let make = |scope, key: &str, month, (fm, p, c, x): (u32, f64, f64, f64)| RollupChange {
        scope,
        key: key.to_string(),
        month,
        fence_month: fm,
        previous: p,
        current: c,
        change: c - p,
        change_pct: ratio(c - p, p),
        excess: x,
    };
    fam.into_iter()
        .map(|((f, m), v)| make(Scope::Family, f, m, v))
        .chain(
            tot.into_iter()
                .map(|(m, v)| make(Scope::Total, "total", m, v)),
        )
        .collect()
}
