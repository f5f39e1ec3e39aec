//! Named what-if scenarios: changes to the base planning folder, applied to a [`PlanInput`].
//!
//! # The scenario file (TOML)
//!
//! A file of `[[scenario]]` tables, each with a unique `name` (letters, digits, `-`, `_`, `.`;
//! not `base`, which is the folder as it is) and any of the changes below. Every change names
//! what it changes; an unknown sku, family, line or material is an error naming the scenario and
//! the key, and so is an unknown key (a misspelt key would silently change nothing).
//!
//! ```toml
//! [[scenario]]
//! name = "peak-plus-20"
//! description = "Bottles 20 % above forecast over the Q4 peak"
//! service_level = 0.98            # safety stock at 98 % instead of planner.toml's level
//! po_notice_days = 45             # the brand's urgent-order notice
//!
//! [[scenario.demand]]             # multiply demand (point and ranges)
//! family = "bottles"              # or sku = "BTL-500-BLK"; neither = every sku
//! from = "2026-11"                # optional first month (default: the first planned month)
//! to = "2027-01"                  # optional last month, inclusive (default: the last)
//! multiplier = 1.2
//!
//! [[scenario.line]]               # change a line (`line = "*"`: every line)
//! line = "L1-BOTTLE"
//! shifts_per_day = 3              # any of shifts_per_day, hours_per_shift, days_per_week,
//! oee = 0.82                      # oee, operators_per_shift
//! downtime = ["2027-02-01..2027-02-14", "2027-03-02"]   # days at 0 hours
//!
//! [[scenario.material]]           # change a material's purchasing facts (`"*"`: every one)
//! material = "SS304-SHEET"
//! lead_time_days = 90             # any of lead_time_days, moq, order_multiple, unit_cost,
//! cost_multiplier = 1.1           # cost_multiplier (times unit_cost), on_hand, safety_stock
//!
//! [[scenario.price]]              # move the contract manufacturer's tier prices
//! family = "bottles"              # or sku = ...; neither = every sku with tiers
//! multiplier = 1.04
//!
//! [[scenario.index]]              # move a price index of indices.csv (`"*"`: every one)
//! index = "resin"                 # (`name = "resin"` also works)
//! change_pct = 12                 # +12 %; or multiplier = 1.12
//! from = "2027-02"                # optional first month moved (default: the month after the
//! to = "2027-06"                  #   first planned month); optional last month (default: all)
//! ```
//!
//! Changes apply in the order written, each on top of the previous ones (two demand multipliers
//! on the same month multiply). Demand changes act on the base run's demand plan (the forecast,
//! or the folder's fixed plan), which is computed once and shared by every scenario: a scenario
//! does not re-forecast.
//!
//! Index moves act on [`PlanInput::indices`]: the index's values from `from` to `to` are
//! multiplied (a month without a value of its own takes the value in force, so the move covers
//! every month of the range). The index-linked prices measure each index against its value at
//! the first planned month (their base), so a move starts after it; it reaches the unit prices
//! at the next price review (`[pricing.review]`) and shows in the plan's projected spend
//! ([`crate::pricing::PricingPlan::projection`]). A `[[scenario.price]]` multiplier is the flat
//! alternative: it moves the tier prices at once, whatever the cost breakdown.

use std::collections::{BTreeSet, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::PlanInput;
use crate::capacity::{Calendar, CalendarEntry, Line, LineSpec};
use crate::materials::Material;
use crate::pricing::index_value_at;
use crate::pricing::IndexPoint;
use crate::time::{Date, Month};
use crate::DemandPlan;

/// A file of named scenarios (`[[scenario]]` tables).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// The scenarios, in the order written.
    #[serde(default, rename = "scenario")]
    pub scenarios: Vec<Scenario>,
}

/// One named scenario: a set of changes to the base folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The name: the output folder and the column of the comparison.
    pub name: String,
    /// What the scenario stands for (free text).
    #[serde(default)]
    pub description: Option<String>,
    /// Service level of the derived safety stock, 0.5 to 1 (1 excluded).
    #[serde(default)]
    pub service_level: Option<f64>,
    /// The brand's urgent-order notice in days.
    #[serde(default)]
    pub po_notice_days: Option<u32>,
    /// Demand multipliers.
    #[serde(default)]
    pub demand: Vec<DemandChange>,
    /// Line changes.
    #[serde(default)]
    pub line: Vec<LineChange>,
    /// Material changes.
    #[serde(default)]
    pub material: Vec<MaterialChange>,
    /// Tier price moves.
    #[serde(default)]
    pub price: Vec<PriceChange>,
    /// Price index moves.
    #[serde(default)]
    pub index: Vec<IndexChange>,
}

/// Multiplies the demand (point and ranges) of a sku, a family or every sku over a month range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandChange {
    /// One sku.
    #[serde(default)]
    pub sku: Option<String>,
    /// Every sku of a family (`products.csv`; a sku missing there is its own family).
    #[serde(default)]
    pub family: Option<String>,
    /// First month changed (default: the first planned month).
    #[serde(default)]
    pub from: Option<Month>,
    /// Last month changed, inclusive (default: the last planned month).
    #[serde(default)]
    pub to: Option<Month>,
    /// The multiplier (1.2 = +20 %), 0 or more.
    pub multiplier: f64,
}

/// Changes a line (`line = "*"`: every line): its shifts, OEE or downtime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineChange {
    /// The line, or `*`.
    pub line: String,
    /// Shifts per working day.
    #[serde(default)]
    pub shifts_per_day: Option<f64>,
    /// Hours per shift.
    #[serde(default)]
    pub hours_per_shift: Option<f64>,
    /// Working days per week from Monday (1 to 7).
    #[serde(default)]
    pub days_per_week: Option<f64>,
    /// Overall equipment effectiveness in (0, 1].
    #[serde(default)]
    pub oee: Option<f64>,
    /// Operators per shift.
    #[serde(default)]
    pub operators_per_shift: Option<f64>,
    /// Days the line does not work (calendar days at 0 hours): `YYYY-MM-DD` or
    /// `YYYY-MM-DD..YYYY-MM-DD` (inclusive).
    #[serde(default)]
    pub downtime: Vec<DayRange>,
}

/// Changes a material's purchasing facts (`material = "*"`: every material).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialChange {
    /// The material, or `*`.
    pub material: String,
    /// Days from order to receipt (a whole number).
    #[serde(default)]
    pub lead_time_days: Option<f64>,
    /// Minimum order quantity.
    #[serde(default)]
    pub moq: Option<f64>,
    /// Order multiple.
    #[serde(default)]
    pub order_multiple: Option<f64>,
    /// Unit cost.
    #[serde(default)]
    pub unit_cost: Option<f64>,
    /// Multiplies the unit cost (after `unit_cost`, when both are given).
    #[serde(default)]
    pub cost_multiplier: Option<f64>,
    /// Stock on hand at the start.
    #[serde(default)]
    pub on_hand: Option<f64>,
    /// A fixed safety stock.
    #[serde(default)]
    pub safety_stock: Option<f64>,
}

/// Multiplies the tier prices of a sku, a family or every sku with tiers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceChange {
    /// One sku.
    #[serde(default)]
    pub sku: Option<String>,
    /// Every sku of a family.
    #[serde(default)]
    pub family: Option<String>,
    /// The multiplier of every unit price (1.04 = +4 %), above zero.
    pub multiplier: f64,
}

/// Moves a price index (`indices.csv`) over a range of months: its values there are multiplied,
/// so the cost components that follow it move at the next price review. Give `change_pct` or
/// `multiplier`, not both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexChange {
    /// The index as `indices.csv` names it, or `*` for every index (`name` is accepted for the
    /// key too).
    #[serde(alias = "name")]
    pub index: String,
    /// First month moved, after the first planned month (the base the index-linked prices are
    /// measured against); default: the month after the first planned month.
    #[serde(default)]
    pub from: Option<Month>,
    /// Last month moved, inclusive; default: every month from `from` on.
    #[serde(default)]
    pub to: Option<Month>,
    /// The move in percent (12 = +12 %, -5 = -5 %), above -100.
    #[serde(default)]
    pub change_pct: Option<f64>,
    /// The move as a multiplier (1.12 = +12 %), above zero.
    #[serde(default)]
    pub multiplier: Option<f64>,
}

/// Multiplies the values of `index` from `from` to `to` (inclusive; `None` = every later month)
/// by `k`, first giving the two ends a value of their own where they only carried an earlier
/// one, so that the move covers exactly the range.
fn move_index(points: &mut Vec<IndexPoint>, index: &str, from: Month, to: Option<Month>, k: f64) {
    let has =
        |points: &[IndexPoint], m: Month| points.iter().any(|p| p.index == index && p.month == m);
    let mut added = Vec::new();
    for m in std::iter::once(from).chain(to.map(|t| t.plus(1))) {
        if !has(points, m) {
            if let Some(value) = index_value_at(points, index, m) {
                added.push(IndexPoint {
                    index: index.to_string(),
                    month: m,
                    value,
                });
            }
        }
    }
    points.extend(added);
    for p in points
        .iter_mut()
        .filter(|p| p.index == index && p.month >= from && to.is_none_or(|t| p.month <= t))
    {
        p.value *= k;
    }
    // In month order per index; the sort is stable, so a month given twice keeps its last value.
    points.sort_by(|a, b| a.index.cmp(&b.index).then(a.month.cmp(&b.month)));
}

/// A day or an inclusive range of days, written `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DayRange {
    /// The first day.
    pub from: Date,
    /// The last day (inclusive).
    pub to: Date,
}

impl DayRange {
    /// The days of the range, in order.
    pub fn days(self) -> impl Iterator<Item = Date> {
        let n = self.from.days_until(self.to);
        (0..=n).map(move |k| self.from.plus_days(k))
    }
}

impl TryFrom<String> for DayRange {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let bad = || format!("{s:?} is not a day or a range of days (YYYY-MM-DD..YYYY-MM-DD)");
        let (a, b) = match s.split_once("..") {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (s.trim(), s.trim()),
        };
        let from: Date = a.parse().map_err(|_| bad())?;
        let to: Date = b.parse().map_err(|_| bad())?;
        if to < from {
            return Err(format!("{s:?}: the range ends before it starts"));
        }
        Ok(Self { from, to })
    }
}

impl From<DayRange> for String {
    fn from(r: DayRange) -> String {
        r.to_string()
    }
}

impl fmt::Display for DayRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}..{}", self.from, self.to)
        }
    }
}

/// A scenario change that does not fit the base folder, with the scenario and the key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("scenario {scenario:?}: {key}: {reason}")]
pub struct ChangeError {
    /// The scenario's name.
    pub scenario: String,
    /// The key, as written in the file (`line "L9"`, `material.moq`).
    pub key: String,
    /// What is wrong, quoting the value.
    pub reason: String,
}

/// The names a scenario may refer to, taken from the base folder.
struct Known<'a> {
    input: &'a PlanInput,
    skus: BTreeSet<&'a str>,
    families: BTreeSet<&'a str>,
}

impl<'a> Known<'a> {
    fn new(input: &'a PlanInput, demand: &'a DemandPlan) -> Self {
        let mut skus: BTreeSet<&str> = demand.skus.iter().map(|s| s.sku.as_str()).collect();
        skus.extend(input.products.iter().map(|p| p.sku.as_str()));
        skus.extend(input.tiers.iter().map(|t| t.sku.as_str()));
        let mut families: BTreeSet<&str> =
            input.products.iter().map(|p| p.family.as_str()).collect();
        let with_product: HashSet<&str> = input.products.iter().map(|p| p.sku.as_str()).collect();
        // A sku missing from products.csv is its own family.
        families.extend(skus.iter().copied().filter(|s| !with_product.contains(s)));
        Self {
            input,
            skus,
            families,
        }
    }

    /// The family of a sku.
    fn family_of<'s>(&'s self, sku: &'s str) -> &'s str {
        self.input
            .products
            .iter()
            .find(|p| p.sku == sku)
            .map_or(sku, |p| p.family.as_str())
    }

    /// The skus a `sku`/`family` pair selects: `None` = every sku.
    fn select(
        &self,
        sku: Option<&str>,
        family: Option<&str>,
        what: &str,
        err: &dyn Fn(String, String) -> ChangeError,
    ) -> Result<Option<HashSet<String>>, ChangeError> {
        match (sku, family) {
            (Some(_), Some(_)) => Err(err(
                format!("{what}.sku"),
                "give sku or family, not both".into(),
            )),
            (Some(s), None) => {
                if self.skus.contains(s) {
                    Ok(Some(HashSet::from([s.to_string()])))
                } else {
                    Err(err(
                        format!("{what}.sku {s:?}"),
                        "not a sku of the input (its demand history, products or price tiers)"
                            .into(),
                    ))
                }
            }
            (None, Some(f)) => {
                if !self.families.contains(f) {
                    return Err(err(
                        format!("{what}.family {f:?}"),
                        "not a family of the products".into(),
                    ));
                }
                Ok(Some(
                    self.skus
                        .iter()
                        .filter(|s| self.family_of(s) == f)
                        .map(|s| s.to_string())
                        .collect(),
                ))
            }
            (None, None) => Ok(None),
        }
    }
}

/// True when a name is usable as a folder name.
fn good_name(name: &str) -> bool {
    !name.is_empty()
        && name != "base"
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl ScenarioFile {
    /// Checks the names: each valid as a folder name, not `base`, and unique.
    ///
    /// # Errors
    /// [`ChangeError`] with key `name` for the first bad or repeated name.
    pub fn check_names(&self) -> Result<(), ChangeError> {
        let mut seen = HashSet::new();
        for s in &self.scenarios {
            let err = |reason: &str| ChangeError {
                scenario: s.name.clone(),
                key: "name".into(),
                reason: reason.into(),
            };
            if !good_name(&s.name) {
                return Err(err(
                    "a name is letters, digits, '-', '_' or '.', and not \"base\" (the folder as it is)",
                ));
            }
            if !seen.insert(s.name.as_str()) {
                return Err(err("two scenarios have this name"));
            }
        }
        Ok(())
    }
}

impl Scenario {
    /// The changes whose months run past the plan's `demand.start` and horizon and apply only
    /// to the part inside (what [`Scenario::apply`] does with them), one note each, in the shape
    /// of a [`ChangeError`] so that a reader can locate the key: a demand change's `from..to`
    /// and a line's downtime range. Changes wholly outside the plan are errors of
    /// [`Scenario::apply`], not notes.
    ///
    /// # Examples
    /// ```
    /// use planner_core::demand::DemandHistory;
    /// use planner_core::scenario::{run, PlanInput, Scenario, DemandChange};
    ///
    /// let m = |s: &str| -> planner_core::time::Month { s.parse().unwrap() };
    /// let records: Vec<_> = (0..24).map(|i| ("A", m("2025-01").plus(i), 100.0)).collect();
    /// let input = PlanInput::new(DemandHistory::from_records(records)?);
    /// let base = run(&input, &|_| {})?;
    /// // The plan runs 2027-01..2027-12; a promotion from 2026-11 to 2027-02.
    /// let promo = Scenario {
    ///     demand: vec![DemandChange {
    ///         sku: None, family: None, from: Some(m("2026-11")), to: Some(m("2027-02")),
    ///         multiplier: 1.5,
    ///     }],
    ///     ..Scenario::named("promo")
    /// };
    /// let notes = promo.clipped(&base.forecast.demand);
    /// assert_eq!(
    ///     notes[0].reason,
    ///     "2026-11..2027-02 runs past the plan's months 2027-01..2027-12: applied to \
    ///      2027-01..2027-02, 2 of its 4 months"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clipped(&self, demand: &DemandPlan) -> Vec<ChangeError> {
        let (first, last) = (demand.start, demand.last());
        let note = |key: &str, reason: String| ChangeError {
            scenario: self.name.clone(),
            key: key.into(),
            reason,
        };
        let mut out = Vec::new();
        for c in &self.demand {
            let from = c.from.unwrap_or(first);
            let to = c.to.unwrap_or(last);
            if to < from || to < first || from > last || (from >= first && to <= last) {
                continue;
            }
            let (a, b) = (from.max(first), to.min(last));
            let months = from.months_until(to) + 1;
            let inside = a.months_until(b) + 1;
            let key = if from < first {
                "demand.from"
            } else {
                "demand.to"
            };
            let written = match (c.from, c.to) {
                (Some(f), Some(t)) => format!("{f}..{t}"),
                (Some(f), None) => format!("{f} on"),
                (None, _) => format!("up to {to}"),
            };
            out.push(note(
                key,
                format!(
                    "{written} runs past the plan's months {first}..{last}: applied to {a}..{b}, \
                     {inside} of its {months} months"
                ),
            ));
        }
        for c in &self.line {
            for range in &c.downtime {
                let (f, t) = (range.from.month(), range.to.month());
                if t < first || f > last || (f >= first && t <= last) {
                    continue;
                }
                let days = range.days().count();
                let inside = range
                    .days()
                    .filter(|d| (first..=last).contains(&d.month()))
                    .count();
                out.push(note(
                    "line.downtime",
                    format!(
                        "{}..{} (line {:?}) runs past the plan's months {first}..{last}: {inside} \
                         of its {days} days are planned at 0 hours, the rest is outside the plan",
                        range.from, range.to, c.line
                    ),
                ));
            }
        }
        out
    }

    /// The base folder with this scenario's changes: a [`PlanInput`] whose `demand` is `demand`
    /// (the base run's demand plan) with the demand multipliers applied. The base plan carries
    /// its overrides and time fences already, so the input has none of its own
    /// ([`PlanInput::overrides`] empty, [`PlanInput::published`] `None`).
    ///
    /// # Errors
    /// [`ChangeError`] for a name not in the folder (sku, family, line, material, index), a month
    /// range outside the plan, or a value out of range (the message quotes it).
    ///
    /// # Examples
    /// ```
    /// use planner_core::demand::DemandHistory;
    /// use planner_core::scenario::{run, PlanInput, Scenario, DemandChange};
    ///
    /// let m = |s: &str| -> planner_core::time::Month { s.parse().unwrap() };
    /// let records: Vec<_> = (0..24).map(|i| ("A", m("2025-01").plus(i), 100.0)).collect();
    /// let input = PlanInput::new(DemandHistory::from_records(records)?);
    /// let base = run(&input, &|_| {})?;
    /// let double = Scenario {
    ///     demand: vec![DemandChange { sku: None, family: None, from: None, to: None, multiplier: 2.0 }],
    ///     ..Scenario::named("double")
    /// };
    /// let changed = double.apply(&input, &base.forecast.demand)?;
    /// let d = changed.demand.as_ref().unwrap();
    /// assert_eq!(d.skus[0].forecast.point[0], 2.0 * base.forecast.demand.skus[0].forecast.point[0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply(&self, base: &PlanInput, demand: &DemandPlan) -> Result<PlanInput, ChangeError> {
        let err = |key: String, reason: String| ChangeError {
            scenario: self.name.clone(),
            key,
            reason,
        };
        let known = Known::new(base, demand);
        let mut input = base.clone();
        let mut plan = demand.clone();

        if let Some(sl) = self.service_level {
            input.settings.service_level = sl;
        }
        if let Some(n) = self.po_notice_days {
            input.settings.po_notice_days = n;
        }
        if let Err(e) = input.settings.check() {
            return Err(err(e.field.to_string(), e.reason));
        }

        let (first, last) = (plan.start, plan.last());
        for c in &self.demand {
            if !(c.multiplier.is_finite() && c.multiplier >= 0.0) {
                return Err(err(
                    "demand.multiplier".into(),
                    format!("{} is not a non-negative number", c.multiplier),
                ));
            }
            let from = c.from.unwrap_or(first);
            let to = c.to.unwrap_or(last);
            if let (Some(from), Some(to)) = (c.from, c.to) {
                if to < from {
                    return Err(err(
                        "demand.to".into(),
                        format!("{to} is before from = {from}"),
                    ));
                }
            }
            if to < first || from > last {
                // Said with the keys the file gives (an absent one runs to the plan's end).
                let (key, months) = match (c.from, c.to) {
                    (Some(from), Some(to)) => ("demand.from", format!("{from}..{to}")),
                    (Some(from), None) => ("demand.from", from.to_string()),
                    (None, _) => ("demand.to", to.to_string()),
                };
                return Err(err(
                    key.into(),
                    format!("{months} is outside the plan's months {first}..{last}"),
                ));
            }
            let selected = known.select(c.sku.as_deref(), c.family.as_deref(), "demand", &err)?;
            let t0 = first.months_until(from).max(0) as usize;
            let t1 = (first.months_until(to) as usize).min(plan.horizon - 1);
            for s in &mut plan.skus {
                if selected.as_ref().is_some_and(|set| !set.contains(&s.sku)) {
                    continue;
                }
                let f = &mut s.forecast;
                for t in t0..=t1 {
                    if let Some(p) = f.point.get_mut(t) {
                        *p *= c.multiplier;
                    }
                    for i in &mut f.intervals {
                        if let Some(v) = i.lo.get_mut(t) {
                            *v *= c.multiplier;
                        }
                        if let Some(v) = i.hi.get_mut(t) {
                            *v *= c.multiplier;
                        }
                    }
                }
            }
        }
        // The base plan already carries its overrides and its time fences: the scenario's
        // demand is used as changed.
        input.overrides.clear();
        input.published = None;
        input.demand = Some(plan);

        let mut calendar: Vec<CalendarEntry> = input.calendar.entries().to_vec();
        let mut calendar_changed = false;
        for c in &self.line {
            let idx: Vec<usize> = if c.line == "*" {
                (0..input.lines.len()).collect()
            } else {
                match input.lines.iter().position(|l| l.line == c.line) {
                    Some(i) => vec![i],
                    None => {
                        return Err(err(
                            format!("line {:?}", c.line),
                            "not one of the lines".into(),
                        ))
                    }
                }
            };
            for i in idx {
                let l = &input.lines[i];
                let new = Line::new(
                    &l.line,
                    LineSpec {
                        shifts_per_day: c.shifts_per_day.unwrap_or(l.shifts_per_day),
                        hours_per_shift: c.hours_per_shift.unwrap_or(l.hours_per_shift),
                        days_per_week: c.days_per_week.unwrap_or(f64::from(l.days_per_week)),
                        oee: c.oee.unwrap_or(l.oee.get()),
                        operators_per_shift: c.operators_per_shift.or(l.operators_per_shift),
                    },
                )
                .map_err(|e| err(format!("line.{}", e.field), e.reason))?;
                for range in &c.downtime {
                    // A downtime wholly outside the plan would change nothing.
                    if range.to.month() < first || range.from.month() > last {
                        return Err(err(
                            "line.downtime".into(),
                            format!(
                                "{}..{} is outside the plan's months {first}..{last}",
                                range.from, range.to
                            ),
                        ));
                    }
                    for day in range.days() {
                        let entry = CalendarEntry::new(
                            &new.line,
                            day,
                            0.0,
                            Some(format!("scenario {}: downtime", self.name)),
                        )
                        .map_err(|e| err(format!("line.{}", e.field), e.reason))?;
                        calendar.push(entry);
                        calendar_changed = true;
                    }
                }
                input.lines[i] = new;
            }
        }
        if calendar_changed {
            input.calendar = Calendar::new(calendar);
        }

        for c in &self.material {
            let idx: Vec<usize> = if c.material == "*" {
                (0..input.materials.len()).collect()
            } else {
                match input
                    .materials
                    .iter()
                    .position(|m| m.material == c.material)
                {
                    Some(i) => vec![i],
                    None => {
                        return Err(err(
                            format!("material {:?}", c.material),
                            "not one of the materials".into(),
                        ))
                    }
                }
            };
            let field = |e: crate::FieldError| err(format!("material.{}", e.field), e.reason);
            if let Some(k) = c.cost_multiplier {
                if !(k.is_finite() && k >= 0.0) {
                    return Err(err(
                        "material.cost_multiplier".into(),
                        format!("{k} is not a non-negative number"),
                    ));
                }
            }
            for i in idx {
                let m = &input.materials[i];
                let mut new = Material::new(
                    &m.material,
                    c.lead_time_days.unwrap_or(f64::from(m.lead_time_days)),
                    c.moq.unwrap_or(m.moq),
                    c.order_multiple.unwrap_or(m.order_multiple),
                    c.unit_cost.unwrap_or(m.unit_cost) * c.cost_multiplier.unwrap_or(1.0),
                    c.on_hand.unwrap_or(m.on_hand),
                )
                .map_err(field)?
                .with_on_order(m.on_order, m.on_order_month)
                .map_err(field)?;
                new.safety_stock = m.safety_stock;
                new.receipts = m.receipts.clone();
                new.lead_time_sd_days = m.lead_time_sd_days;
                if let Some(ss) = c.safety_stock {
                    new = new.with_safety_stock(ss).map_err(field)?;
                }
                input.materials[i] = new;
            }
        }

        for c in &self.price {
            if !(c.multiplier.is_finite() && c.multiplier > 0.0) {
                return Err(err(
                    "price.multiplier".into(),
                    format!("{} is not a number above zero", c.multiplier),
                ));
            }
            let selected = known.select(c.sku.as_deref(), c.family.as_deref(), "price", &err)?;
            if let (Some(sku), Some(set)) = (&c.sku, &selected) {
                if !input.tiers.iter().any(|t| set.contains(&t.sku)) {
                    return Err(err(
                        format!("price.sku {sku:?}"),
                        "has no price tiers".into(),
                    ));
                }
            }
            for t in &mut input.tiers {
                if selected.as_ref().is_none_or(|set| set.contains(&t.sku)) {
                    t.unit_price *= c.multiplier;
                }
            }
        }

        let known_indices: BTreeSet<String> =
            input.indices.iter().map(|p| p.index.clone()).collect();
        for c in &self.index {
            let name = format!("index {:?}", c.index);
            let k = match (c.change_pct, c.multiplier) {
                (Some(_), Some(_)) => {
                    return Err(err(name, "give change_pct or multiplier, not both".into()))
                }
                (None, None) => {
                    return Err(err(
                        name,
                        "give change_pct (12 = +12 %) or multiplier (1.12 = +12 %)".into(),
                    ))
                }
                (Some(pct), None) => {
                    if !(pct.is_finite() && pct > -100.0) {
                        return Err(err(
                            "index.change_pct".into(),
                            format!("{pct} is not a percentage above -100"),
                        ));
                    }
                    1.0 + pct / 100.0
                }
                (None, Some(k)) => {
                    if !(k.is_finite() && k > 0.0) {
                        return Err(err(
                            "index.multiplier".into(),
                            format!("{k} is not a number above zero"),
                        ));
                    }
                    k
                }
            };
            let from = match c.from {
                Some(from) if from <= first => {
                    return Err(err(
                        "index.from".into(),
                        format!(
                            "{from} is not after the first planned month {first}: index-linked \
                             prices measure an index against its value there, so a move starts \
                             after it"
                        ),
                    ))
                }
                Some(from) if from > last => {
                    return Err(err(
                        "index.from".into(),
                        format!("{from} is outside the plan's months {first}..{last}"),
                    ))
                }
                Some(from) => from,
                None => first.plus(1),
            };
            if let Some(to) = c.to.filter(|&to| to < from) {
                return Err(err(
                    "index.to".into(),
                    format!("{to} is before from = {from}"),
                ));
            }
            let names: Vec<String> = if c.index == "*" {
                known_indices.iter().cloned().collect()
            } else if known_indices.contains(&c.index) {
                vec![c.index.clone()]
            } else if known_indices.is_empty() {
                return Err(err(
                    name,
                    "not one of the indices (the input has no index)".into(),
                ));
            } else {
                let list: Vec<&str> = known_indices.iter().map(String::as_str).collect();
                return Err(err(
                    name,
                    format!("not one of the indices (its indices: {})", list.join(", ")),
                ));
            };
            for n in &names {
                move_index(&mut input.indices, n, from, c.to, k);
            }
        }
        Ok(input)
    }

    /// A scenario with this name and no change (the base again).
    pub fn named(name: &str) -> Self {
        Self {
            name: name.to_string(),
            description: None,
            service_level: None,
            po_notice_days: None,
            demand: Vec::new(),
            line: Vec::new(),
            material: Vec::new(),
            price: Vec::new(),
            index: Vec::new(),
        }
    }
}
