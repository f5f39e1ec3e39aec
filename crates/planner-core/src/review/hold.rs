//! Holding the contract manufacturer's time fences: this month's plan kept within what the
//! fences allow against the last published forecast.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::fences::fence_limit;
use super::{FenceTotal, TimeFence, Violation};
use crate::demand_plan::{DemandPlan, SkuPlan};
use crate::time::Month;

/// A change to a published forecast that the contract manufacturer agreed to: it passes the
/// fences (`changes.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreedChange {
    /// The sku.
    pub sku: String,
    /// The month.
    pub month: Month,
    /// The agreed quantity: this month's point forecast of that sku and month.
    pub quantity: f64,
    /// Why, as the planner wrote it.
    #[serde(default)]
    pub note: Option<String>,
}

/// How a month of a sku was held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldKind {
    /// A frozen month: the published quantity kept.
    Frozen,
    /// A limited month: the forecast clamped to the fence's allowed change.
    Clamped,
    /// An agreed change (changes.csv): its quantity, whatever the fence.
    Agreed,
}

/// One sku-month the fences moved (`fence_holds.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FenceHold {
    /// The sku.
    pub sku: String,
    /// The month.
    pub month: Month,
    /// Month of this plan, from 1.
    pub fence_month: u32,
    /// The fence's limit (0 = frozen); `None` for an agreed change outside any fence.
    pub max_change: Option<f64>,
    /// The published forecast of that month.
    pub published: f64,
    /// This month's plan before the fences: the forecast with its events and overrides.
    pub unconstrained: f64,
    /// The forecast as held.
    pub held: f64,
    /// `held - unconstrained`: the units the hold moved.
    pub moved: f64,
    /// How.
    pub kind: HoldKind,
}

/// Holds `plan` within `fences` against `published`, the last forecast shared with the CM:
/// a frozen month (limit 0) keeps the published quantity, a limited month is clamped to
/// `published * (1 ± max_change)`, an agreed change sets its quantity. The ranges follow the
/// point as an override's do: both bounds scaled by `held / unconstrained` (shifted by the units
/// moved when the unconstrained forecast was 0, cut at zero). Skus or months the published
/// forecast lacks are free. Returns every sku-month moved, in sku then month order.
pub fn hold_fences(
    plan: &mut DemandPlan,
    published: &DemandPlan,
    fences: &[TimeFence],
    agreed: &[AgreedChange],
) -> Vec<FenceHold> {
    hold_fences_keeping(plan, published, fences, agreed, &mut |_| {})
}

/// The sku-months of `plan` beyond the time fences against `published`, as [`hold_fences`]
/// would find them with no agreed change: each sku-month both forecasts cover, in a fence of
/// limit `x`, whose change from the published quantity `p` exceeds `x * p` by more than
/// `tolerance` units. What publishing `plan` unheld would send the contract manufacturer.
pub fn fence_breaks(
    plan: &DemandPlan,
    published: &DemandPlan,
    fences: &[TimeFence],
    tolerance: f64,
) -> FenceTotal {
    // A new sku is free of the fences: the skus both forecasts have.
    FenceTotal::of(&review_breaks(
        plan,
        published,
        fences,
        tolerance,
        super::ChangeStatus::Both,
    ))
}

/// The sku-months of the skus `plan` has and `published` lacks that the review counts as fence
/// breaks (up from 0: each sku-month both forecasts cover, in a fence, with more than
/// `tolerance` units), in sku then month order. [`hold_fences`] leaves them free: a fence
/// holds a published quantity.
pub fn new_sku_breaks(
    plan: &DemandPlan,
    published: &DemandPlan,
    fences: &[TimeFence],
    tolerance: f64,
) -> Vec<Violation> {
    // Only the new skus, against a publication of none: each sku's changes are its own, so
    // they are the same as in the whole review, without diffing every sku of both plans.
    let of = |p: &DemandPlan, skus: Vec<SkuPlan>| DemandPlan {
        start: p.start,
        horizon: p.horizon,
        levels: p.levels.clone(),
        skus,
        dependence: Default::default(),
    };
    let new: Vec<SkuPlan> = plan
        .skus
        .iter()
        .filter(|s| published.get(&s.sku).is_none())
        .cloned()
        .collect();
    if new.is_empty() {
        return Vec::new();
    }
    review_breaks(
        &of(plan, new),
        &of(published, Vec::new()),
        fences,
        tolerance,
        super::ChangeStatus::New,
    )
}

/// The review's fence breaks of `plan` against `published` (no agreed change) of the skus of
/// `status`.
fn review_breaks(
    plan: &DemandPlan,
    published: &DemandPlan,
    fences: &[TimeFence],
    tolerance: f64,
    status: super::ChangeStatus,
) -> Vec<Violation> {
    super::diff::changes(
        published,
        plan,
        &super::Families::default(),
        fences,
        tolerance,
    )
    .iter()
    .filter(|c| c.status == status)
    .filter_map(Violation::from_change)
    .collect()
}

/// [`hold_fences`], handing `before` each sku the fences move as it was before they moved it
/// (once per sku, before its first hold).
pub(crate) fn hold_fences_keeping(
    plan: &mut DemandPlan,
    published: &DemandPlan,
    fences: &[TimeFence],
    agreed: &[AgreedChange],
    before: &mut dyn FnMut(&SkuPlan),
) -> Vec<FenceHold> {
    let agreed: HashMap<(&str, Month), f64> = agreed
        .iter()
        .map(|c| ((c.sku.as_str(), c.month), c.quantity))
        .collect();
    let mut holds = Vec::new();
    let start = plan.start;
    for sku in &mut plan.skus {
        let prev = published.get(&sku.sku);
        let mut moved = false;
        for t in 0..sku.forecast.point.len() {
            let month = start.plus(t as i32);
            let fence_month = t as u32 + 1;
            let current = sku.forecast.point[t];
            let limit = fence_limit(fences, fence_month);
            let published_q = prev.and_then(|p| {
                let k = published.start.months_until(month);
                (k >= 0)
                    .then(|| p.forecast.point.get(k as usize).copied())
                    .flatten()
            });
            let (held, kind) = if let Some(&q) = agreed.get(&(sku.sku.as_str(), month)) {
                (q, HoldKind::Agreed)
            } else {
                match (limit, published_q) {
                    // A published value that is not a quantity holds nothing (loaders refuse
                    // them; an embedding caller may not).
                    (Some(x), Some(p)) if p.is_finite() && p >= 0.0 => {
                        let (lo, hi) = (p * (1.0 - x), p * (1.0 + x));
                        let h = current.clamp(lo.max(0.0), hi);
                        let kind = if x == 0.0 {
                            HoldKind::Frozen
                        } else {
                            HoldKind::Clamped
                        };
                        (h, kind)
                    }
                    _ => continue,
                }
            };
            if (held - current).abs() <= 1e-9 * current.abs().max(1.0) {
                continue;
            }
            if !moved {
                before(sku);
                moved = true;
            }
            // The range follows the held figure as an override's does.
            sku.forecast.set_point(t, held);
            holds.push(FenceHold {
                sku: sku.sku.clone(),
                month,
                fence_month,
                max_change: limit,
                published: published_q.unwrap_or(0.0),
                unconstrained: current,
                held,
                moved: held - current,
                kind,
            });
        }
    }
    holds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::testing::{banded, close, plan};

    fn rounded(v: &[f64]) -> Vec<f64> {
        v.iter().map(|x| (x * 1e6).round() / 1e6).collect()
    }

    fn fences() -> Vec<TimeFence> {
        vec![
            TimeFence {
                months: [1, 1],
                max_change: 0.0,
            },
            TimeFence {
                months: [2, 3],
                max_change: 0.10,
            },
        ]
    }

    #[test]
    fn frozen_months_keep_limited_months_clamp_agreed_changes_pass() {
        // Published in October for 2026-11..2027-02; this month's plan starts 2026-11 too (the
        // re-plan of the same window): month 1 frozen, 2-3 within 10 %, 4 free.
        let published = plan("2026-11", &[("A", &[100.0, 100.0, 100.0, 100.0])]);
        let mut current = plan(
            "2026-11",
            &[
                ("A", &[130.0, 125.0, 95.0, 300.0]),
                ("NEW", &[5.0, 5.0, 5.0, 5.0]),
            ],
        );
        let agreed = [AgreedChange {
            sku: "A".into(),
            month: "2027-01".parse().unwrap(),
            quantity: 140.0,
            note: None,
        }];
        let holds = hold_fences(&mut current, &published, &fences(), &agreed);
        let a = current.get("A").unwrap();
        // Month 1 frozen at 100; month 2 clamped to 110; month 3 agreed at 140; month 4 free.
        assert_eq!(rounded(&a.forecast.point), vec![100.0, 110.0, 140.0, 300.0]);
        assert_eq!(
            current.get("NEW").unwrap().forecast.point,
            vec![5.0; 4],
            "new skus are free"
        );
        let kinds: Vec<(HoldKind, f64)> = holds
            .iter()
            .map(|h| (h.kind, rounded(&[h.moved])[0]))
            .collect();
        assert_eq!(
            kinds,
            [
                (HoldKind::Frozen, -30.0),
                (HoldKind::Clamped, -15.0),
                (HoldKind::Agreed, 45.0)
            ]
        );
        assert_eq!(holds[1].max_change, Some(0.10));
        assert_eq!(
            (
                holds[1].published,
                holds[1].unconstrained,
                rounded(&[holds[1].held])[0]
            ),
            (100.0, 125.0, 110.0)
        );
    }

    #[test]
    fn a_plan_a_month_later_is_held_against_the_overlapping_months() {
        // Published for 2026-10..2027-01; this plan starts 2026-11: its month 1 (2026-11) is the
        // published forecast's second month.
        let published = plan("2026-10", &[("A", &[50.0, 100.0, 100.0, 100.0])]);
        let mut current = plan("2026-11", &[("A", &[80.0, 200.0, 200.0])]);
        let holds = hold_fences(&mut current, &published, &fences(), &[]);
        assert_eq!(
            rounded(&current.get("A").unwrap().forecast.point),
            vec![100.0, 110.0, 110.0]
        );
        assert_eq!(holds.len(), 3);
    }

    #[test]
    fn fence_breaks_count_what_the_hold_would_hold() {
        // Published 100 a month: month 1 at 130 is 30 beyond the frozen month, month 2 at 125
        // 15 beyond its 10 % (110), month 3 at 95 and month 4 (free) at 300 are within; NEW was
        // not published.
        let published = plan("2026-11", &[("A", &[100.0, 100.0, 100.0, 100.0])]);
        let current = plan(
            "2026-11",
            &[
                ("A", &[130.0, 125.0, 95.0, 300.0]),
                ("NEW", &[5.0, 5.0, 5.0, 5.0]),
            ],
        );
        let t = fence_breaks(&current, &published, &fences(), 0.01);
        assert_eq!((t.violations, t.skus), (2, 1));
        close(t.excess, 45.0);
        close(t.changed, 55.0);
        close(t.up, 55.0);
        // NEW's own breaks, up from 0: its three fenced months (month 4 is free), 15 units.
        let new = new_sku_breaks(&current, &published, &fences(), 0.01);
        let months: Vec<String> = new
            .iter()
            .map(|b| format!("{} {}", b.sku, b.month))
            .collect();
        assert_eq!(months, ["NEW 2026-11", "NEW 2026-12", "NEW 2027-01"]);
        close(new.iter().map(|b| b.current).sum(), 15.0);
        // Within the tolerance: 110.005 in month 2 is no break.
        let current = plan("2026-11", &[("A", &[100.0, 110.005, 100.0, 100.0])]);
        assert_eq!(
            fence_breaks(&current, &published, &fences(), 0.01).violations,
            0
        );
    }

    #[test]
    fn a_held_month_s_range_is_scaled_to_the_held_figure() {
        // Published 100 a month; this month's forecast 400 with an 80 % range of +-200 and a
        // 95 % one of +-300 (lower bounds 200 and 100), and 0 (80 % range 0..200) in the last
        // month.
        let published = plan("2026-11", &[("A", &[100.0, 100.0, 100.0, 100.0])]);
        let mut current = banded(
            "2026-11",
            &[("A", &[400.0, 400.0, 400.0, 0.0], 200.0, 300.0)],
        );
        let agreed = [
            AgreedChange {
                sku: "A".into(),
                month: "2027-01".parse().unwrap(),
                quantity: 800.0,
                note: None,
            },
            AgreedChange {
                sku: "A".into(),
                month: "2027-02".parse().unwrap(),
                quantity: 30.0,
                note: None,
            },
        ];
        hold_fences(&mut current, &published, &fences(), &agreed);
        let a = current.get("A").unwrap();
        let [i80, i95] = &a.forecast.intervals[..] else {
            panic!("two levels")
        };
        // Month 1, frozen at 100: x 100/400 = 0.25; 80 % 200..600 -> 50..150, 95 % 100..700 ->
        // 25..175 (not 0..400, the width of the 400 the hold rejected).
        close(a.forecast.point[0], 100.0);
        close(i80.lo[0], 50.0);
        close(i80.hi[0], 150.0);
        close(i95.lo[0], 25.0);
        close(i95.hi[0], 175.0);
        // Month 2, clamped to 110: x 0.275; 80 % 55..165.
        close(a.forecast.point[1], 110.0);
        close(i80.lo[1], 55.0);
        close(i80.hi[1], 165.0);
        // Month 3, agreed 800: x 2; 80 % 400..1200, 95 % 200..1400.
        close(i80.lo[2], 400.0);
        close(i80.hi[2], 1200.0);
        close(i95.hi[2], 1400.0);
        // Month 4, agreed 30 where the forecast was 0 (80 % range 0..200): nothing to scale,
        // shifted by 30: 30..230.
        close(a.forecast.point[3], 30.0);
        close(i80.lo[3], 30.0);
        close(i80.hi[3], 230.0);
    }
}
