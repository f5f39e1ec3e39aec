//! What needs attention in a plan, as one ranked list of [`Finding`]s: the kind, the severity,
//! the value at stake, the records involved (skus, lines, materials, months) and one sentence
//! that names them. The terminal summary, the report and the workbook only choose and draw it.
//!
//! [`find`] reads whatever parts of a plan it is given ([`Sources`]): the forecast (events that
//! did not apply), capacity (overloads, line-months at risk, unmet demand, the recommendations),
//! materials (expedites, safety-stock top-ups, pre-buys), pricing (tier breaks within reach,
//! ranges that straddle one, skus without tiers), the review against last month's forecast
//! (fence breaks, accuracy misses, bias alarms, the largest changes) and the time fences held
//! ([`FenceHold`]s).
//!
//! # Value at stake
//!
//! Where a finding can be valued it says so in money ([`Finding::value`]); units where it
//! cannot ([`Finding::units`]):
//!
//! | kind | value | units |
//! |---|---|---|
//! | overload, at risk | units at risk × the line-month's demand-weighted unit price | [`CapacityRow::units_at_risk`] |
//! | unmet demand | units short × unit price | units short |
//! | capacity recommendation | as the line-month's overload | as the line-month's overload |
//! | expedite, safety-stock top-up | the release's value at unit cost | the release's units |
//! | pre-buy | the cash tied up | units to buy |
//! | tier within reach | what the next tier saves | units to the next tier |
//! | fence break | units beyond the fence × unit price | units beyond the fence |
//! | fence hold, agreed change | units moved × unit price | units moved |
//! | accuracy miss | the absolute error × unit price | the absolute error |
//! | bias alarm | the absolute bias × unit price | the absolute bias |
//! | change | the absolute change × unit price | the absolute change |
//!
//! The unit price is the sku's tier price in the month ([`PricingPlan::unit_price`]); without
//! pricing (or tiers for the sku) a finding is valued in units only. Overload hours are not
//! valued (the cost of an hour is not known): a capacity finding is worth the units the hours
//! cannot make.
//!
//! # Ranking
//!
//! By [`Severity`] (act, then decide, then note); within one, the findings valued in money by
//! value, largest first, then those counted in units only by units, then the rest, each in the
//! order of the sources above (ties keep that order).
//!
//! ```
//! use planner_core::demand::DemandHistory;
//! use planner_core::findings::{self, Severity, Sources};
//! use planner_core::scenario::{run, PlanInput};
//!
//! let m = |s: &str| -> planner_core::time::Month { s.parse().unwrap() };
//! let records: Vec<_> = (0..24).map(|i| ("BTL-500", m("2025-01").plus(i), 100.0)).collect();
//! let plan = run(&PlanInput::new(DemandHistory::from_records(records)?), &|_| {})?;
//! let found = findings::find(&Sources::of_plan(&plan));
//! // No line, bill of materials or tier given: nothing to act on.
//! assert!(found.items.iter().all(|f| f.severity != Severity::Act));
//! # Ok::<(), planner_core::Error>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::capacity::{BuildRow, CapacityRow, RecommendationKind};
use crate::forecast_all::ForecastRun;
use crate::materials::MaterialPlan;
use crate::pricing::{PricingPlan, PricingRow};
use crate::review::{FenceHold, HoldKind, Review, Scope};
use crate::scenario::{CapacityResult, Plan};
use crate::time::Month;

/// Changes since last month kept as findings: the largest by value.
pub const CHANGES: usize = 10;

/// How urgent a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Act now: an overload, demand that cannot be met, a late release, a fence broken.
    Act,
    /// A decision to make: a pre-buy to authorize, a line-month at risk, a tier within reach.
    Decide,
    /// To know: idle capacity, a change, data that could not be used.
    Note,
}

impl Severity {
    /// `act`, `decide` or `note`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Act => "act",
            Severity::Decide => "decide",
            Severity::Note => "note",
        }
    }

    /// A heading for the findings of this severity: `act now`, `to decide`, `to note`.
    pub fn heading(self) -> &'static str {
        match self {
            Severity::Act => "act now",
            Severity::Decide => "to decide",
            Severity::Note => "to note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FindingKind {
    /// A change since last month's published forecast beyond its time fence.
    FenceBreak,
    /// A sku-month the time fences held at (or clamped towards) the published forecast.
    FenceHold,
    /// A change the CM agreed to, passed through the fences.
    AgreedChange,
    /// The forecast did no better than the seasonal-naive benchmark.
    NoValueAdded,
    /// An actual outside the range forecast for it, or sold without a forecast.
    AccuracyMiss,
    /// A sku whose tracking signal alarms: its errors run one way.
    BiasAlarm,
    /// One of the largest changes since last month's forecast.
    Change,
    /// A line-month needing more hours than it has at the forecast.
    Overload,
    /// A line-month that fits at the forecast but has a chance of overload.
    AtRisk,
    /// Demand of a sku and month the build plan cannot meet.
    Unmet,
    /// What to do about a line-month: overtime, a shift, operators, a second line.
    CapacityAction,
    /// A lightly loaded line-month.
    IdleCapacity,
    /// A release that should have gone out before the plan's first month.
    Expedite,
    /// Past-due releases that only restore safety stock.
    SafetyStockTopUp,
    /// A material to buy ahead of the CM's notice period.
    PreBuy,
    /// A volume close enough to a lower price that pulling it forward pays.
    TierWithinReach,
    /// A volume whose range spans a price break.
    TierStraddle,
    /// Skus with demand but no routing, bill of materials or price tiers.
    MissingData,
    /// A planner event that does not apply.
    IgnoredEvent,
    /// How the review was made.
    ReviewNote,
}

impl FindingKind {
    /// A short tag: `fence break`, `overload`, `pre-buy`...
    pub fn label(self) -> &'static str {
        match self {
            FindingKind::FenceBreak => "fence break",
            FindingKind::FenceHold => "fence hold",
            FindingKind::AgreedChange => "agreed change",
            FindingKind::NoValueAdded => "accuracy",
            FindingKind::AccuracyMiss => "missed range",
            FindingKind::BiasAlarm => "bias",
            FindingKind::Change => "change",
            FindingKind::Overload => "overload",
            FindingKind::AtRisk => "at risk",
            FindingKind::Unmet => "unmet",
            FindingKind::CapacityAction => "capacity",
            FindingKind::IdleCapacity => "idle",
            FindingKind::Expedite => "expedite",
            FindingKind::SafetyStockTopUp => "top-up",
            FindingKind::PreBuy => "pre-buy",
            FindingKind::TierWithinReach => "tier",
            FindingKind::TierStraddle => "tier break",
            FindingKind::MissingData => "data",
            FindingKind::IgnoredEvent => "event",
            FindingKind::ReviewNote => "review",
        }
    }

    /// What findings of this kind are, in the plural: `fence breaks`, `overloaded line-months`.
    pub fn plural(self) -> &'static str {
        match self {
            FindingKind::FenceBreak => "fence breaks",
            FindingKind::FenceHold => "sku-months held by the fences",
            FindingKind::AgreedChange => "agreed changes",
            FindingKind::NoValueAdded => "accuracy findings",
            FindingKind::AccuracyMiss => "actuals outside their range",
            FindingKind::BiasAlarm => "tracking signal alarms",
            FindingKind::Change => "changes",
            FindingKind::Overload => "overloaded line-months",
            FindingKind::AtRisk => "line-months at risk",
            FindingKind::Unmet => "sku-months of unmet demand",
            FindingKind::CapacityAction => "capacity recommendations",
            FindingKind::IdleCapacity => "idle line-months",
            FindingKind::Expedite => "past-due releases",
            FindingKind::SafetyStockTopUp => "safety-stock top-ups",
            FindingKind::PreBuy => "pre-buys",
            FindingKind::TierWithinReach => "tier breaks within reach",
            FindingKind::TierStraddle => "ranges straddling a tier break",
            FindingKind::MissingData => "data notes",
            FindingKind::IgnoredEvent => "events that do not apply",
            FindingKind::ReviewNote => "review notes",
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The records a finding is about, each list sorted and without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Records {
    /// Skus.
    pub skus: Vec<String>,
    /// Assembly lines.
    pub lines: Vec<String>,
    /// Materials.
    pub materials: Vec<String>,
    /// Months.
    pub months: Vec<Month>,
}

impl Records {
    fn sku(mut self, s: &str) -> Self {
        self.skus.push(s.to_string());
        self
    }
    fn line(mut self, s: &str) -> Self {
        self.lines.push(s.to_string());
        self
    }
    fn material(mut self, s: &str) -> Self {
        self.materials.push(s.to_string());
        self
    }
    fn month(mut self, m: Month) -> Self {
        self.months.push(m);
        self
    }
    fn tidy(mut self) -> Self {
        for v in [&mut self.skus, &mut self.lines, &mut self.materials] {
            v.sort();
            v.dedup();
        }
        self.months.sort();
        self.months.dedup();
        self
    }
}

/// One thing that needs attention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// What it is about.
    pub kind: FindingKind,
    /// How urgent.
    pub severity: Severity,
    /// The value at stake in money (see the module's table); `None` when it cannot be valued.
    pub value: Option<f64>,
    /// The currency of `value`, when the price tiers name one.
    pub currency: Option<String>,
    /// The units at stake; `None` when none are counted.
    pub units: Option<f64>,
    /// The records involved.
    pub records: Records,
    /// One sentence, naming the records.
    pub message: String,
}

impl Finding {
    fn new(kind: FindingKind, severity: Severity, records: Records, message: String) -> Self {
        Self {
            kind,
            severity,
            value: None,
            currency: None,
            units: None,
            records: records.tidy(),
            message,
        }
    }

    fn with_units(mut self, units: f64) -> Self {
        self.units = Some(units);
        self
    }

    fn with_value(mut self, value: Option<f64>, currency: Option<&str>) -> Self {
        self.value = value;
        self.currency = value.and(currency.map(str::to_string));
        self
    }

    /// The ranking key within a severity: money first, then units, then neither.
    fn stake(&self) -> (u8, f64) {
        match (self.value, self.units) {
            (Some(v), _) => (0, -v),
            (None, Some(u)) => (1, -u),
            (None, None) => (2, 0.0),
        }
    }
}

/// Findings left out of a condensed list ([`Findings::condensed`]): how many of a kind, with
/// their units and value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Omitted {
    /// The kind.
    pub kind: FindingKind,
    /// The severity of the first one left out.
    pub severity: Severity,
    /// How many.
    pub count: usize,
    /// Their value at stake together, when every one is valued.
    pub value: Option<f64>,
    /// The currency, when every one names the same.
    pub currency: Option<String>,
    /// Their units together, when every one counts units.
    pub units: Option<f64>,
}

impl Omitted {
    /// `and 30 more past-due releases, worth 138914`.
    pub fn message(&self) -> String {
        let stake = match (self.value, self.units) {
            (Some(v), _) => format!(
                ", worth {}{}",
                whole(v),
                self.currency
                    .as_deref()
                    .map_or_else(String::new, |c| format!(" {c}"))
            ),
            (None, Some(u)) => format!(", {} units", whole(u)),
            (None, None) => String::new(),
        };
        format!("and {} more {}{stake}", self.count, self.kind.plural())
    }
}

/// The ranked findings of a plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Findings {
    /// Every finding, ranked (see the module's documentation).
    pub items: Vec<Finding>,
}

/// A condensed list: the first findings of each kind, ranked, and what was left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Condensed<'a> {
    /// The findings shown, ranked.
    pub shown: Vec<&'a Finding>,
    /// Per kind with findings left out, in the order of their first one left out.
    pub omitted: Vec<Omitted>,
}

impl Findings {
    /// How many findings of each severity: act, decide, note.
    pub fn counts(&self) -> [usize; 3] {
        let n = |s| self.items.iter().filter(|f| f.severity == s).count();
        [n(Severity::Act), n(Severity::Decide), n(Severity::Note)]
    }

    /// The first `per_kind` findings of each kind, in rank order, and the rest counted per kind.
    pub fn condensed(&self, per_kind: usize) -> Condensed<'_> {
        let mut seen: Vec<(FindingKind, usize)> = Vec::new();
        let mut shown = Vec::new();
        let mut omitted: Vec<Omitted> = Vec::new();
        for f in &self.items {
            let n = match seen.iter_mut().find(|(k, _)| *k == f.kind) {
                Some((_, n)) => n,
                None => {
                    seen.push((f.kind, 0));
                    &mut seen.last_mut().expect("just pushed").1
                }
            };
            *n += 1;
            if *n <= per_kind {
                shown.push(f);
                continue;
            }
            match omitted.iter_mut().find(|o| o.kind == f.kind) {
                Some(o) => {
                    o.count += 1;
                    o.value = o.value.zip(f.value).map(|(a, b)| a + b);
                    o.units = o.units.zip(f.units).map(|(a, b)| a + b);
                    if o.currency != f.currency {
                        o.currency = None;
                    }
                }
                None => omitted.push(Omitted {
                    kind: f.kind,
                    severity: f.severity,
                    count: 1,
                    value: f.value,
                    currency: f.currency.clone(),
                    units: f.units,
                }),
            }
        }
        Condensed { shown, omitted }
    }
}

/// The parts of a plan to read findings from; any may be missing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sources<'a> {
    /// The forecast run (events that did not apply).
    pub forecast: Option<&'a ForecastRun>,
    /// Capacity, the build plan and the recommendations.
    pub capacity: Option<&'a CapacityResult>,
    /// The material plan.
    pub materials: Option<&'a MaterialPlan>,
    /// The pricing plan; it also values the other findings.
    pub pricing: Option<&'a PricingPlan>,
    /// The review against last month's forecast.
    pub review: Option<&'a Review>,
    /// The sku-months the time fences held.
    pub holds: &'a [FenceHold],
}

impl<'a> Sources<'a> {
    /// Every part of a whole plan (no review, no holds).
    pub fn of_plan(plan: &'a Plan) -> Self {
        Self {
            forecast: Some(&plan.forecast),
            capacity: plan.capacity.as_ref(),
            materials: plan.materials.as_ref(),
            pricing: plan.pricing.as_ref(),
            review: None,
            holds: &[],
        }
    }
}

impl Plan {
    /// The plan's findings ([`find`] on every part; no review, no holds).
    pub fn findings(&self) -> Findings {
        find(&Sources::of_plan(self))
    }
}

/// A whole number for a message: `1262`, `-3`.
fn whole(x: f64) -> String {
    let r = x.round();
    if r == 0.0 {
        "0".into()
    } else {
        format!("{r:.0}")
    }
}

/// A fraction as a percentage with one decimal, without a trailing `.0`: `12.5 %`, `10 %`.
fn pct1(x: f64) -> String {
    let s = format!("{:.1}", 100.0 * x);
    format!("{} %", s.strip_suffix(".0").unwrap_or(&s))
}

/// A signed whole number: `+12`, `-3`, `0`.
fn signed(x: f64) -> String {
    let s = whole(x);
    if x.round() > 0.0 {
        format!("+{s}")
    } else {
        s
    }
}

/// Prices skus: the unit price in a month, and the currency.
struct Pricer<'a>(
    Option<&'a PricingPlan>,
    std::collections::HashMap<&'a str, Vec<&'a PricingRow>>,
);

impl<'a> Pricer<'a> {
    /// Indexes the plan's rows by sku once (a finding is priced per build row).
    fn new(plan: Option<&'a PricingPlan>) -> Self {
        Self(plan, plan.map(PricingPlan::rows_by_sku).unwrap_or_default())
    }
    fn price(&self, sku: &str, month: Month) -> Option<f64> {
        PricingPlan::unit_price_among(self.1.get(sku)?, month)
    }
    fn worth(&self, sku: &str, month: Month, units: f64) -> Option<f64> {
        self.price(sku, month).map(|p| p * units)
    }
    fn currency(&self) -> Option<&str> {
        self.0.and_then(PricingPlan::currency)
    }
}

/// Every finding of `sources`, ranked (see the module's documentation).
pub fn find(sources: &Sources) -> Findings {
    let pricer = Pricer::new(sources.pricing);
    let mut out = Vec::new();
    if let Some(r) = sources.review {
        review_findings(r, &pricer, &mut out);
    }
    holds(sources.holds, &pricer, &mut out);
    if let Some(c) = sources.capacity {
        capacity(c, &pricer, &mut out);
    }
    if let Some(m) = sources.materials {
        materials(m, &mut out);
    }
    if let Some(p) = sources.pricing {
        pricing(p, &mut out);
    }
    if let Some(f) = sources.forecast {
        for e in &f.ignored_events {
            out.push(Finding::new(
                FindingKind::IgnoredEvent,
                Severity::Note,
                Records::default().sku(&e.sku).month(e.month),
                format!(
                    "{} {} in {} for sku {} does not apply (outside the horizon or no such sku)",
                    e.kind, e.value, e.month, e.sku
                ),
            ));
        }
    }
    // A stable sort: ties keep the order of the sources.
    out.sort_by(|a, b| {
        a.severity.cmp(&b.severity).then_with(|| {
            let (ca, va) = a.stake();
            let (cb, vb) = b.stake();
            ca.cmp(&cb).then_with(|| va.total_cmp(&vb))
        })
    });
    Findings { items: out }
}

fn review_findings(review: &Review, pricer: &Pricer, out: &mut Vec<Finding>) {
    let cur = pricer.currency();
    for x in &review.violations {
        out.push(
            Finding::new(
                FindingKind::FenceBreak,
                Severity::Act,
                Records::default().sku(&x.sku).month(x.month),
                format!(
                    "{} {} (month {}, {}): {} -> {}, {} units beyond the fence",
                    x.sku,
                    x.month,
                    x.fence_month,
                    if x.max_change == 0.0 {
                        "frozen".to_string()
                    } else {
                        format!("within {}", pct1(x.max_change))
                    },
                    whole(x.previous),
                    whole(x.current),
                    whole(x.excess)
                ),
            )
            .with_units(x.excess)
            .with_value(pricer.worth(&x.sku, x.month, x.excess), cur),
        );
    }
    let first_lag = review
        .accuracy
        .iter()
        .filter(|r| r.scope == Scope::Total)
        .min_by_key(|r| r.lag);
    if let Some(t) = first_lag {
        if let (Some(fva), Some(w), Some(n)) = (t.fva, t.wape, t.snaive_wape) {
            if fva < 0.0 {
                out.push(Finding::new(
                    FindingKind::NoValueAdded,
                    Severity::Decide,
                    Records::default().month(t.first).month(t.last),
                    format!(
                        "lag {} WAPE {} over {} to {} is worse than the seasonal naive's {}: the forecast adds nothing over last year's month",
                        t.lag,
                        pct1(w),
                        t.first,
                        t.last,
                        pct1(n)
                    ),
                ));
            }
        }
    }
    for p in &review.pairs {
        let miss = if !p.planned {
            Some(format!(
                "{} {}: {} sold without a forecast in the plan of {}",
                p.sku,
                p.month,
                whole(p.actual),
                p.vintage
            ))
        } else {
            // The widest range: the last level of the plan.
            p.bounds.last().filter(|b| !b.inside).map(|b| {
                format!(
                    "{} {} (forecast of {}, lag {}): forecast {}, actual {}, outside the {} % range {} to {}",
                    p.sku,
                    p.month,
                    p.vintage,
                    p.lag,
                    whole(p.forecast),
                    whole(p.actual),
                    b.level,
                    whole(b.lo),
                    whole(b.hi)
                )
            })
        };
        if let Some(message) = miss {
            let e = p.error.abs();
            out.push(
                Finding::new(
                    FindingKind::AccuracyMiss,
                    Severity::Decide,
                    Records::default().sku(&p.sku).month(p.month),
                    message,
                )
                .with_units(e)
                .with_value(pricer.worth(&p.sku, p.month, e), cur),
            );
        }
    }
    for r in review.alarms() {
        let ts = r.tracking_signal.unwrap_or(0.0);
        let b = r.bias.abs();
        out.push(
            Finding::new(
                FindingKind::BiasAlarm,
                Severity::Decide,
                Records::default().sku(&r.key).month(r.first).month(r.last),
                format!(
                    "{} (lag {}): tracking signal {:+.1}, the forecast runs {} (bias {} units over {} to {})",
                    r.key,
                    r.lag,
                    ts,
                    if ts > 0.0 { "high" } else { "low" },
                    signed(r.bias),
                    r.first,
                    r.last
                ),
            )
            .with_units(b)
            .with_value(pricer.worth(&r.key, r.last, b), cur),
        );
    }
    let mut changes: Vec<(Option<f64>, &crate::review::Change)> = review
        .changes
        .iter()
        .filter(|c| c.change != 0.0 && !c.violates())
        .map(|c| (pricer.worth(&c.sku, c.month, c.change.abs()), c))
        .collect();
    // The largest by value (by units without prices), then sku and month.
    changes.sort_by(|(va, a), (vb, b)| {
        vb.unwrap_or(0.0)
            .total_cmp(&va.unwrap_or(0.0))
            .then_with(|| b.change.abs().total_cmp(&a.change.abs()))
            .then_with(|| a.sku.cmp(&b.sku))
            .then_with(|| a.month.cmp(&b.month))
    });
    for (v, c) in changes.into_iter().take(CHANGES) {
        out.push(
            Finding::new(
                FindingKind::Change,
                Severity::Note,
                Records::default().sku(&c.sku).month(c.month),
                format!(
                    "{} {} (month {}): {} -> {} ({}{})",
                    c.sku,
                    c.month,
                    c.fence_month,
                    whole(c.previous),
                    whole(c.current),
                    signed(c.change),
                    c.change_pct.map_or_else(String::new, |p| format!(
                        ", {}{}",
                        if p > 0.0 { "+" } else { "" },
                        pct1(p)
                    )),
                ),
            )
            .with_units(c.change.abs())
            .with_value(v, cur),
        );
    }
    for n in &review.notes {
        out.push(Finding::new(
            FindingKind::ReviewNote,
            Severity::Note,
            Records::default(),
            n.clone(),
        ));
    }
}

/// How far the plan before the fences is from what a hold kept (`moved = held - forecast`):
/// `1514 units above`.
fn apart(moved: f64) -> String {
    let side = if moved < 0.0 { "above" } else { "below" };
    format!("{} units {side}", whole(moved.abs()))
}

fn holds(holds: &[FenceHold], pricer: &Pricer, out: &mut Vec<Finding>) {
    let cur = pricer.currency();
    for h in holds {
        let moved = h.moved.abs();
        let (kind, severity, message) = match h.kind {
            HoldKind::Frozen => (
                FindingKind::FenceHold,
                Severity::Decide,
                format!(
                    "{} {} (month {}, frozen): held at the published {}; the plan before the fences, {}, is {}",
                    h.sku,
                    h.month,
                    h.fence_month,
                    whole(h.published),
                    whole(h.unconstrained),
                    apart(h.moved)
                ),
            ),
            HoldKind::Clamped => (
                FindingKind::FenceHold,
                Severity::Decide,
                format!(
                    "{} {} (month {}, within {}): clamped to {} against the published {}; the plan before the fences, {}, is {}",
                    h.sku,
                    h.month,
                    h.fence_month,
                    pct1(h.max_change.unwrap_or(0.0)),
                    whole(h.held),
                    whole(h.published),
                    whole(h.unconstrained),
                    apart(h.moved)
                ),
            ),
            HoldKind::Agreed => (
                FindingKind::AgreedChange,
                Severity::Note,
                format!(
                    "{} {} (month {}): the agreed {} passes the fences (published {}, the plan before them {})",
                    h.sku,
                    h.month,
                    h.fence_month,
                    whole(h.held),
                    whole(h.published),
                    whole(h.unconstrained)
                ),
            ),
        };
        out.push(
            Finding::new(
                kind,
                severity,
                Records::default().sku(&h.sku).month(h.month),
                message,
            )
            .with_units(moved)
            .with_value(pricer.worth(&h.sku, h.month, moved), cur),
        );
    }
}

/// The demand-weighted unit price of a line's skus in a month (the build plan's demand); `None`
/// when none of them is priced.
/// `by_line_month` holds the build plan's rows with demand by (line, month), in its order.
fn line_price(
    by_line_month: &std::collections::HashMap<(&str, Month), Vec<&BuildRow>>,
    row: &CapacityRow,
    pricer: &Pricer,
) -> Option<f64> {
    let mut units = 0.0;
    let mut value = 0.0;
    let rows = by_line_month.get(&(row.line.as_str(), row.month));
    for b in rows.into_iter().flatten() {
        if let Some(p) = pricer.price(&b.sku, b.month) {
            units += b.demand;
            value += b.demand * p;
        }
    }
    (units > 0.0).then(|| value / units)
}

fn capacity(c: &CapacityResult, pricer: &Pricer, out: &mut Vec<Finding>) {
    let cur = pricer.currency();
    // One pass over the build plan (a million rows at 100,000 skus), not one per line-month.
    let mut by_line_month: std::collections::HashMap<(&str, Month), Vec<&BuildRow>> =
        std::collections::HashMap::new();
    for b in c.build.rows.iter().filter(|b| b.demand > 0.0) {
        by_line_month
            .entry((b.line.as_str(), b.month))
            .or_default()
            .push(b);
    }
    let mut stakes: Vec<(&str, Month, f64, Option<f64>)> = Vec::new();
    for r in c.line_months.at_risk() {
        let risk = r.units_at_risk();
        let value = risk
            .zip(line_price(&by_line_month, r, pricer))
            .map(|(u, p)| u.units * p);
        let at = risk.map_or_else(String::new, |u| {
            format!(
                "; {} units beyond the hours at {}",
                whole(u.units),
                u.level.map_or_else(
                    || "the forecast".to_string(),
                    |l| format!("the {l} % upper bound")
                )
            )
        });
        let (kind, severity) = if r.is_overloaded() {
            (FindingKind::Overload, Severity::Act)
        } else {
            (FindingKind::AtRisk, Severity::Decide)
        };
        let mut f = Finding::new(
            kind,
            severity,
            Records::default().line(&r.line).month(r.month),
            format!("{}{at}", r.headline()),
        )
        .with_value(value, cur);
        if let Some(u) = risk {
            f = f.with_units(u.units);
            stakes.push((&r.line, r.month, u.units, value));
        }
        out.push(f);
    }
    for u in &c.build.unmet {
        out.push(
            Finding::new(
                FindingKind::Unmet,
                Severity::Act,
                Records::default().line(&u.line).sku(&u.sku).month(u.month),
                format!(
                    "{} {} {}: {} units short: the build plan cannot make them",
                    u.line,
                    u.sku,
                    u.month,
                    whole(u.quantity)
                ),
            )
            .with_units(u.quantity)
            .with_value(pricer.worth(&u.sku, u.month, u.quantity), cur),
        );
    }
    for r in &c.recommendations {
        let idle = r.kind == RecommendationKind::IdleCapacity;
        let mut f = Finding::new(
            if idle {
                FindingKind::IdleCapacity
            } else {
                FindingKind::CapacityAction
            },
            if idle {
                Severity::Note
            } else {
                Severity::Decide
            },
            Records::default().line(&r.line).month(r.month),
            r.message.clone(),
        );
        if let Some((_, _, units, value)) = stakes
            .iter()
            .find(|(l, m, _, _)| *l == r.line && *m == r.month)
        {
            f = f.with_units(*units).with_value(*value, cur);
        }
        out.push(f);
    }
    if !c.line_months.unrouted.is_empty() {
        out.push(missing(&c.line_months.unrouted, "no routing"));
    }
}

fn missing(skus: &[String], what: &str) -> Finding {
    let records = Records {
        skus: skus.to_vec(),
        ..Records::default()
    };
    Finding::new(
        FindingKind::MissingData,
        Severity::Note,
        records,
        format!(
            "{} sku{} demand but {what}: {}",
            skus.len(),
            if skus.len() == 1 { " has" } else { "s have" },
            if skus.len() <= 10 {
                skus.join(", ")
            } else {
                format!("{}, and {} more", skus[..10].join(", "), skus.len() - 10)
            }
        ),
    )
}

fn materials(m: &MaterialPlan, out: &mut Vec<Finding>) {
    for p in m.shortages() {
        out.push(
            Finding::new(
                FindingKind::Expedite,
                Severity::Act,
                Records::default()
                    .material(&p.material)
                    .month(p.needed_month),
                format!(
                    "{}: {} units needed {} should have been released {} ({} days late, worth {})",
                    p.material,
                    whole(p.quantity),
                    p.needed_month,
                    p.release_date,
                    p.days_late,
                    whole(p.value)
                ),
            )
            .with_units(p.quantity)
            .with_value(Some(p.value), None),
        );
    }
    let top_ups: Vec<_> = m.top_ups().collect();
    if !top_ups.is_empty() {
        let mut records = Records::default();
        for p in &top_ups {
            records = records.material(&p.material).month(p.needed_month);
        }
        let value: f64 = top_ups.iter().map(|p| p.value).sum();
        out.push(
            Finding::new(
                FindingKind::SafetyStockTopUp,
                Severity::Note,
                records,
                format!(
                    "{} past-due safety-stock top-ups worth {}: stock covers those months, only the safety stock is short",
                    top_ups.len(),
                    whole(value)
                ),
            )
            .with_units(top_ups.iter().map(|p| p.quantity).sum())
            .with_value(Some(value), None),
        );
    }
    for p in m.prebuy.iter().filter(|p| p.quantity > 0.0) {
        out.push(
            Finding::new(
                FindingKind::PreBuy,
                Severity::Decide,
                Records::default().material(&p.material).month(p.order_by),
                format!(
                    "{}: {} units by {}, {} tied up: {}",
                    p.material,
                    whole(p.quantity),
                    p.order_by,
                    whole(p.cash_tied_up),
                    p.reason
                ),
            )
            .with_units(p.quantity)
            .with_value(Some(p.cash_tied_up), None),
        );
    }
    if !m.skus_without_bom.is_empty() {
        out.push(missing(&m.skus_without_bom, "no bill of materials"));
    }
}

fn pricing(p: &PricingPlan, out: &mut Vec<Finding>) {
    for r in p.tiers_within_reach() {
        let units = r.units_to_next_tier.unwrap_or(0.0);
        let price = r.next_tier_unit_price.unwrap_or(0.0);
        out.push(
            Finding::new(
                FindingKind::TierWithinReach,
                Severity::Decide,
                Records::default().sku(&r.sku).month(r.first_month),
                format!(
                    "{} {}: {} more units reach {} at {} (saves {}, pays for its holding cost)",
                    r.sku,
                    r.period,
                    whole(units),
                    whole(r.next_tier_min_qty.unwrap_or(0.0)),
                    // Prices keep their decimals: 9.15, not 9.
                    format!("{price:.4}")
                        .trim_end_matches('0')
                        .trim_end_matches('.'),
                    whole(r.saving_total)
                ),
            )
            .with_units(units)
            .with_value(Some(r.saving_total), r.currency.as_deref()),
        );
    }
    for r in p.rows.iter().filter(|r| r.straddles_break) {
        out.push(Finding::new(
            FindingKind::TierStraddle,
            Severity::Note,
            Records::default().sku(&r.sku).month(r.first_month),
            format!(
                "{} {}: the range of the volume {} straddles a tier break",
                r.sku,
                r.period,
                whole(r.volume)
            ),
        ));
    }
    if !p.skus_without_tiers.is_empty() {
        out.push(missing(&p.skus_without_tiers, "no price tiers"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::{Line, RoutingStep};
    use crate::demand::DemandHistory;
    use crate::forecast::Forecast;
    use crate::pricing::{Basis, PriceTier};
    use crate::scenario::{run, PlanInput};
    use crate::{DemandPlan, SkuPlan};

    #[track_caller]
    fn close(got: Option<f64>, want: f64) {
        let got = got.expect("a figure");
        assert!((got - want).abs() < 1e-6, "got {got}, want {want}");
    }

    /// January 2027 on two lines of 1 shift of 8 h, Monday to Friday, OEE 1: 21 weekdays, 168
    /// hours each. A (36 s a unit, 2.00 a unit) wants 21,000 units on L1, B (72 s, no price)
    /// 10,500 on L2: 210 hours each, 125 % loaded. C has demand but no routing and no price.
    fn input() -> PlanInput {
        let m = |s: &str| s.parse().unwrap();
        let sku = |s: &str, q: f64| SkuPlan {
            sku: s.into(),
            model: "plan".into(),
            forecast: Forecast {
                point: vec![q],
                intervals: vec![],
            },
        };
        let history = DemandHistory::from_records([("A", m("2026-12"), 1.0)]).unwrap();
        let mut input = PlanInput::new(history);
        input.lines = vec![
            Line::new(
                "L1",
                crate::capacity::LineSpec {
                    oee: 1.0,
                    ..Default::default()
                },
            )
            .unwrap(),
            Line::new(
                "L2",
                crate::capacity::LineSpec {
                    oee: 1.0,
                    ..Default::default()
                },
            )
            .unwrap(),
        ];
        input.routings = vec![
            RoutingStep::new("A", "L1", "assemble", 36.0, None).unwrap(),
            RoutingStep::new("B", "L2", "assemble", 72.0, None).unwrap(),
        ];
        input.tiers =
            vec![PriceTier::new("A", 0.0, 2.0, Basis::Annual, Some("EUR".into())).unwrap()];
        input.demand = Some(DemandPlan {
            start: m("2027-01"),
            horizon: 1,
            levels: vec![],
            skus: vec![sku("A", 21_000.0), sku("B", 10_500.0), sku("C", 10.0)],
            dependence: crate::uncertainty::Dependence::independent(),
        });
        input
    }

    #[test]
    fn findings_rank_by_severity_then_money_then_units() {
        let plan = run(&input(), &|_| {}).unwrap();
        let found = plan.findings();
        let act: Vec<&Finding> = found
            .items
            .iter()
            .filter(|f| f.severity == Severity::Act)
            .collect();
        let kinds: Vec<(FindingKind, &str)> = act
            .iter()
            .map(|f| {
                let key = f.records.skus.first().or(f.records.lines.first());
                (f.kind, key.map_or("", String::as_str))
            })
            .collect();
        // Hours cover 1 / 1.25 of the demand: 21,000 * 0.25 / 1.25 = 4,200 units of A beyond
        // them, at 2.00 worth 8,400 EUR; 10,500 * 0.25 / 1.25 = 2,100 of B, not priced. The
        // build plan adds at most 15 % overtime (25.2 h): 193.2 h make 19,320 of A and 9,660 of
        // B, leaving 1,680 of A (3,360 EUR) and 840 of B short. Money first, then units.
        assert_eq!(
            kinds,
            [
                (FindingKind::Overload, "L1"),
                (FindingKind::Unmet, "A"),
                (FindingKind::Overload, "L2"),
                (FindingKind::Unmet, "B"),
            ]
        );
        close(act[0].units, 4_200.0);
        close(act[0].value, 8_400.0);
        assert_eq!(act[0].currency.as_deref(), Some("EUR"));
        close(act[1].units, 1_680.0);
        close(act[1].value, 3_360.0);
        close(act[2].units, 2_100.0);
        assert_eq!(act[2].value, None);
        close(act[3].units, 840.0);
        assert_eq!(act[3].value, None);
        assert!(
            act[0]
                .message
                .ends_with("; 4200 units beyond the hours at the forecast"),
            "{}",
            act[0].message
        );
        assert_eq!(act[0].records.months, vec!["2027-01".parse().unwrap()]);
        // The recommendations for a line-month carry its stake: L1's before L2's.
        let decide: Vec<&Finding> = found
            .items
            .iter()
            .filter(|f| f.severity == Severity::Decide)
            .collect();
        assert!(decide.iter().all(|f| f.kind == FindingKind::CapacityAction));
        assert_eq!(decide[0].records.lines, ["L1"]);
        close(decide[0].value, 8_400.0);
        assert_eq!(decide.last().unwrap().records.lines, ["L2"]);
        // Notes last, unvalued: C has no routing; B and C have no price tiers.
        let notes: Vec<&str> = found
            .items
            .iter()
            .filter(|f| f.severity == Severity::Note)
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(
            notes,
            [
                "1 sku has demand but no routing: C",
                "2 skus have demand but no price tiers: B, C"
            ]
        );
        assert_eq!(found.counts()[0], 4);
    }

    #[test]
    fn a_condensed_list_counts_what_it_leaves_out() {
        let plan = run(&input(), &|_| {}).unwrap();
        let found = plan.findings();
        let c = found.condensed(1);
        let shown: Vec<FindingKind> = c.shown.iter().map(|f| f.kind).collect();
        assert_eq!(shown[..2], [FindingKind::Overload, FindingKind::Unmet]);
        // The second overload is left out: counted in units (it has no price), not in money.
        let o = c
            .omitted
            .iter()
            .find(|o| o.kind == FindingKind::Overload)
            .unwrap();
        assert_eq!((o.count, o.value), (1, None));
        assert_eq!(o.message(), "and 1 more overloaded line-months, 2100 units");
        // Every finding is shown or counted.
        let counted: usize = c.omitted.iter().map(|o| o.count).sum();
        assert_eq!(c.shown.len() + counted, found.items.len());
    }

    #[test]
    fn the_at_risk_rule_and_the_peaks_are_the_capacity_plan_s() {
        let plan = run(&input(), &|_| {}).unwrap();
        let c = &plan.capacity.as_ref().unwrap().line_months;
        assert_eq!(c.at_risk().count(), 2);
        let peaks = c.peaks();
        assert_eq!(peaks.len(), 2);
        assert_eq!(peaks[0].line, "L1");
        close(Some(peaks[0].utilization), 1.25);
        let p = plan.pricing.as_ref().unwrap();
        close(Some(p.total_spend()), 42_000.0);
        assert_eq!(p.currency(), Some("EUR"));
        close(p.unit_price("A", "2027-01".parse().unwrap()), 2.0);
        assert_eq!(p.unit_price("B", "2027-01".parse().unwrap()), None);
    }
}
