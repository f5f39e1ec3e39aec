//! The whole plan in one run: forecast, capacity, materials and pricing from one
//! [`PlanInput`], as `planner plan` does and as scenarios re-run it with changes.
//!
//! ```
//! use planner_core::demand::DemandHistory;
//! use planner_core::scenario::{run, PlanInput};
//!
//! let m = |s: &str| -> planner_core::time::Month { s.parse().unwrap() };
//! let records: Vec<_> = (0..24).map(|i| ("BTL-500", m("2025-01").plus(i), 100.0 + i as f64)).collect();
//! let input = PlanInput::new(DemandHistory::from_records(records)?);
//! let plan = run(&input, &|_| {})?;
//! assert_eq!(plan.forecast.demand.start.to_string(), "2027-01");
//! assert!(plan.capacity.is_none()); // no lines given: no capacity figures
//! # Ok::<(), planner_core::Error>(())
//! ```

mod changes;
mod compare;
mod montecarlo;
#[cfg(test)]
mod tests;

pub use changes::{
    ChangeError, DayRange, DemandChange, IndexChange, LineChange, MaterialChange, PriceChange,
    Scenario, ScenarioFile,
};
pub use compare::{summarize, Comparison, ComparisonRow, Metric, AT_RISK};
pub use montecarlo::{
    monte_carlo, percentile, MonteCarloSettings, OverloadRisk, PathRng, RiskReport, ShortageRisk,
    SpendRisk, TierRisk, NORMAL_FROM,
};

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::capacity::{self, BuildPlan, Calendar, CapacityPlan, Line, Recommendation, RoutingStep};
use crate::demand::{DemandHistory, Product};
use crate::events::{Event, Override};
use crate::forecast_all::{ForecastRun, Overridden};
use crate::materials::{self, Bom, Material, MaterialPlan, MaterialsSettings, Receipt};
use crate::pricing::{self, CostComponent, IndexPoint, PriceTier, PricingPlan};
use crate::review::{AgreedChange, FenceHold};
use crate::segments::Segmentation;
use crate::settings::Settings;
use crate::stock::{self, OnHand, OpenOrder, Production};
use crate::time::Month;
use crate::uncertainty;
use crate::{DemandPlan, Error};

/// Everything a plan is made from: the planning folder, in memory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanInput {
    /// Demand history.
    pub history: DemandHistory,
    /// The product master.
    pub products: Vec<Product>,
    /// Assembly lines.
    pub lines: Vec<Line>,
    /// Routings of skus on lines.
    pub routings: Vec<RoutingStep>,
    /// Calendar exceptions.
    pub calendar: Calendar,
    /// Bill of materials.
    pub bom: Bom,
    /// Purchasing facts per material.
    pub materials: Vec<Material>,
    /// Volume-price tiers.
    pub tiers: Vec<PriceTier>,
    /// What each sku's unit price is made of, and which index each part follows
    /// (`cost_breakdown.csv`). With [`PlanInput::indices`] and the review policy
    /// (`settings.pricing.review`, `[pricing.review]` in planner.toml) it gives the index-linked
    /// price projection of [`pricing_part`]. Empty (the default): no projection.
    #[serde(default)]
    pub cost_breakdown: Vec<CostComponent>,
    /// Monthly values of the price indices the cost components follow (`indices.csv`); only
    /// ratios between months are used. Scenarios move them with `[[scenario.index]]`.
    #[serde(default)]
    pub indices: Vec<IndexPoint>,
    /// Planner events.
    pub events: Vec<Event>,
    /// Finished goods on hand per sku (`inventory.csv`), netted from the demand before
    /// capacity, materials and pricing ([`production_part`]).
    #[serde(default)]
    pub inventory: Vec<OnHand>,
    /// Open orders (`open_orders.csv`): those of a sku are production orders netted with the
    /// inventory; those of a material are its scheduled receipts ([`Material::receipts`]).
    #[serde(default)]
    pub open_orders: Vec<OpenOrder>,
    /// Numbers a planner typed over the forecast (a plan workbook's overrides sheet): each is
    /// its sku and month's final forecast, applied as an `override` event after the others
    /// ([`crate::events::with_overrides`]); the plan without them is kept beside
    /// ([`ForecastRun::overrides`]). Each must be a sku and month of the plan
    /// ([`PlanInput::grid`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<Override>,
    /// The forecast last published to the contract manufacturer: the time fences of
    /// `settings.fences` hold the plan to it ([`fences_part`]). `None`: nothing is held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Published>,
    /// Settings.
    pub settings: Settings,
    /// A fixed demand plan to use instead of forecasting the history.
    pub demand: Option<DemandPlan>,
}

/// The forecast last shared with the contract manufacturer, which the time fences hold the new
/// plan to ([`PlanInput::published`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Published {
    /// The forecast as published (its first month may be before the new plan's).
    pub plan: DemandPlan,
    /// The changes inside the fences the contract manufacturer agreed to (`changes.csv`): they
    /// pass the fences.
    #[serde(default)]
    pub agreed: Vec<AgreedChange>,
}

/// The months and skus a plan of an input holds, known before anything is forecast: what an
/// overrides workbook or agreed changes are checked against ([`PlanInput::grid`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grid {
    /// The first planned month.
    pub start: Month,
    /// The planned months.
    pub horizon: usize,
    /// The planned skus, in order: every sku of the history and every sku a `launch` event
    /// starts within the horizon (or the skus of a fixed demand plan).
    pub skus: std::collections::BTreeSet<String>,
}

impl Grid {
    /// The last planned month.
    pub fn last(&self) -> Month {
        self.start.plus(self.horizon as i32 - 1)
    }

    /// The planned months, in order.
    pub fn months(&self) -> impl Iterator<Item = Month> + '_ {
        (0..self.horizon as i32).map(|t| self.start.plus(t))
    }
}

impl PlanInput {
    /// An input with only a demand history and default settings.
    pub fn new(history: DemandHistory) -> Self {
        Self {
            history,
            products: Vec::new(),
            lines: Vec::new(),
            routings: Vec::new(),
            calendar: Calendar::default(),
            bom: Bom::new(Vec::new()).expect("an empty BOM has no cycle"),
            materials: Vec::new(),
            tiers: Vec::new(),
            cost_breakdown: Vec::new(),
            indices: Vec::new(),
            events: Vec::new(),
            inventory: Vec::new(),
            open_orders: Vec::new(),
            overrides: Vec::new(),
            published: None,
            settings: Settings::default(),
            demand: None,
        }
    }

    /// The months and skus the plan of this input holds ([`plan_with`] plans exactly these).
    ///
    /// # Errors
    /// [`Error::Field`] on `start` when there is neither history nor a start month.
    pub fn grid(&self) -> Result<Grid, Error> {
        if let Some(d) = &self.demand {
            return Ok(Grid {
                start: d.start,
                horizon: d.horizon,
                skus: d.skus.iter().map(|s| s.sku.clone()).collect(),
            });
        }
        let start = self.settings.first_month(&self.history).ok_or_else(|| {
            crate::FieldError::new(
                "start",
                "no demand history and no start month: nothing to plan from",
            )
        })?;
        let horizon = self.settings.horizon as usize;
        let mut skus: std::collections::BTreeSet<String> = self
            .history
            .series()
            .iter()
            .map(|s| s.sku.clone())
            .collect();
        skus.extend(
            self.events
                .iter()
                .filter(|e| {
                    e.kind == crate::events::EventKind::Launch
                        && e.family().is_none()
                        && crate::forecast_all::in_horizon(e, start, horizon)
                })
                .map(|e| e.sku.clone()),
        );
        Ok(Grid {
            start,
            horizon,
            skus,
        })
    }

    /// Checks that every override is a sku and month of `grid`.
    fn check_overrides(&self, grid: &Grid) -> Result<(), Error> {
        for o in &self.overrides {
            let month = grid.start.months_until(o.month);
            if !grid.skus.contains(&o.sku) {
                return Err(crate::FieldError::new(
                    "sku",
                    format!(
                        "the override of {:?} in {}: the sku is not planned",
                        o.sku, o.month
                    ),
                )
                .into());
            }
            if !(0..grid.horizon as i32).contains(&month) {
                return Err(crate::FieldError::new(
                    "month",
                    format!(
                        "the override of {:?} in {}: the month is outside the plan ({} months from {})",
                        o.sku, o.month, grid.horizon, grid.start
                    ),
                )
                .into());
            }
        }
        Ok(())
    }
}

/// Capacity figures, the build plan and recommendations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityResult {
    /// Figures per line and month ([`capacity::line_months`]; `plan` in JSON written before
    /// 2026-12 is read too).
    #[serde(alias = "plan")]
    pub line_months: CapacityPlan,
    /// The capacity-constrained build plan.
    pub build: BuildPlan,
    /// What a planner can act on.
    pub recommendations: Vec<Recommendation>,
}

/// A whole plan. Parts whose inputs are absent (no lines, no BOM, no tiers) are `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The forecast (or the fixed demand plan) with how it was made.
    pub forecast: ForecastRun,
    /// The demand netted of finished goods and open production orders, when the input has
    /// either ([`production_part`]); capacity, materials and pricing read its plan.
    #[serde(default)]
    pub production: Option<Production>,
    /// Capacity, when lines and routings are given.
    pub capacity: Option<CapacityResult>,
    /// Materials, when a BOM and materials are given.
    pub materials: Option<MaterialPlan>,
    /// Pricing, when price tiers are given; with cost breakdowns it carries the index-linked
    /// projection ([`PricingPlan::projection`]).
    pub pricing: Option<PricingPlan>,
    /// The ABC/XYZ segmentation of the skus ([`segments_part`]).
    #[serde(default)]
    pub segments: Segmentation,
    /// The sku-months the time fences moved toward [`PlanInput::published`] ([`fences_part`]);
    /// `None` when nothing was published to hold to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fence_holds: Option<Vec<FenceHold>>,
}

/// Runs the whole plan. `progress` is called once per sku forecast with the skus just done
/// (`&|_| {}` for none); [`plan_with`] takes an [`Observer`] that also hears each stage's time.
///
/// # Errors
/// [`Error::Field`] when the input's settings are out of range ([`Settings::check`]); else the
/// first error of any part, naming what failed.
pub fn run(input: &PlanInput, progress: &(dyn Fn(usize) + Sync)) -> Result<Plan, Error> {
    struct Skus<'a>(&'a (dyn Fn(usize) + Sync));
    impl Observer for Skus<'_> {
        fn skus_done(&self, n: usize) {
            (self.0)(n)
        }
    }
    plan_with(input, &Skus(progress))
}

/// A stage of the whole plan, in the order [`plan_with`] runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Stage {
    /// Every sku's forecast ([`forecast_part`]).
    Forecast,
    /// The time fences held to the published forecast ([`fences_part`]).
    Fences,
    /// The production plan from stock and open orders ([`production_part`]).
    Production,
    /// Capacity, takt and the build plan ([`capacity_part`]).
    Capacity,
    /// MRP, safety stock and pre-buys ([`materials_part`]).
    Materials,
    /// Price tiers and the index-linked projection ([`pricing_part`]).
    Pricing,
    /// ABC/XYZ segments ([`segments_part`]).
    Segments,
}

impl Stage {
    /// Every stage, in the order [`plan_with`] runs them.
    pub const ALL: [Stage; 7] = [
        Stage::Forecast,
        Stage::Fences,
        Stage::Production,
        Stage::Capacity,
        Stage::Materials,
        Stage::Pricing,
        Stage::Segments,
    ];
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::Forecast => "forecast",
            Stage::Fences => "fences",
            Stage::Production => "production",
            Stage::Capacity => "capacity",
            Stage::Materials => "materials",
            Stage::Pricing => "pricing",
            Stage::Segments => "segments",
        })
    }
}

/// Hears how a plan progresses; every method has an empty default, so an observer implements
/// only what it shows. Calls may come from several threads (forecasts run in parallel).
pub trait Observer: Sync {
    /// `n` more skus are forecast.
    fn skus_done(&self, n: usize) {
        let _ = n;
    }
    /// `stage` is done; it took `elapsed` (skipped stages, such as capacity without lines, are
    /// reported too, with their near-zero time).
    fn stage_done(&self, stage: Stage, elapsed: std::time::Duration) {
        let _ = (stage, elapsed);
    }
}

/// The observer that hears nothing: [`crate::plan()`] runs with it.
impl Observer for () {}

/// The whole plan from one input (re-exported as [`crate::plan()`] without an observer):
/// forecast, production, capacity, materials, pricing and segments, telling `observer` of each
/// sku forecast and each stage's time.
///
/// # Errors
/// As [`run`].
pub fn plan_with(input: &PlanInput, observer: &dyn Observer) -> Result<Plan, Error> {
    input.settings.check()?;
    let timed = |stage: Stage, t: std::time::Instant| observer.stage_done(stage, t.elapsed());
    let t = std::time::Instant::now();
    let mut forecast = forecast_part(input, &|n| observer.skus_done(n))?;
    timed(Stage::Forecast, t);
    let t = std::time::Instant::now();
    let fence_holds = fences_part(input, &mut forecast);
    timed(Stage::Fences, t);
    let t = std::time::Instant::now();
    let production = production_part(input, &forecast.demand);
    timed(Stage::Production, t);
    let build = production.as_ref().map_or(&forecast.demand, |p| &p.plan);
    let t = std::time::Instant::now();
    let capacity = capacity_part(input, build)?;
    timed(Stage::Capacity, t);
    let t = std::time::Instant::now();
    let materials = materials_part(input, build)?;
    timed(Stage::Materials, t);
    let t = std::time::Instant::now();
    let pricing = pricing_part(input, build)?;
    timed(Stage::Pricing, t);
    let t = std::time::Instant::now();
    let segments = segments_part(input, &forecast, pricing.as_ref());
    timed(Stage::Segments, t);
    Ok(Plan {
        forecast,
        production,
        capacity,
        materials,
        pricing,
        segments,
        fence_holds,
    })
}

/// Holds `forecast` (and the plan without its overrides) to [`PlanInput::published`] under the
/// time fences of `settings.fences` ([`crate::review::hold_fences`]): the sku-months moved, or
/// `None` without a publication.
pub fn fences_part(input: &PlanInput, forecast: &mut ForecastRun) -> Option<Vec<FenceHold>> {
    let published = input.published.as_ref()?;
    let fences = &input.settings.fences;
    if let Some(o) = forecast.overrides.as_mut() {
        crate::review::hold_fences(&mut o.without, &published.plan, fences, &published.agreed);
    }
    // The skus the fences move that no event did: kept as they were, so that the statistical
    // forecast stays the models' own ([`ForecastRun::statistical`]).
    let changed: std::collections::HashSet<String> = forecast
        .before_events
        .iter()
        .map(|b| b.sku.clone())
        .collect();
    let mut kept: Vec<crate::SkuPlan> = Vec::new();
    let holds = crate::review::hold_fences_keeping(
        &mut forecast.demand,
        &published.plan,
        fences,
        &published.agreed,
        &mut |s| {
            if !changed.contains(&s.sku) {
                kept.push(s.clone());
            }
        },
    );
    forecast.before_events.append(&mut kept);
    forecast.before_events.sort_by(|a, b| a.sku.cmp(&b.sku));
    Some(holds)
}

/// The ABC/XYZ segmentation of `forecast`'s skus ([`crate::segments::segment`]): valued at
/// `pricing`'s tier prices (1 per unit without them), variability from the input's history and
/// the forecast's demand patterns, thresholds from `settings.segments`.
pub fn segments_part(
    input: &PlanInput,
    forecast: &ForecastRun,
    pricing: Option<&PricingPlan>,
) -> Segmentation {
    crate::segments::segment(
        &forecast.demand,
        pricing,
        &input.history,
        &input.products,
        &forecast.patterns,
        &input.settings.segments,
    )
}

/// The demand of a plan: the fixed [`PlanInput::demand`] when given, else the forecast of the
/// history with its events. `progress` is called once per sku forecast.
///
/// # Errors
/// [`Error::Forecast`] when a series cannot be forecast.
pub fn forecast_part(
    input: &PlanInput,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<ForecastRun, Error> {
    let mut run = match &input.demand {
        Some(d) => {
            if !input.overrides.is_empty() {
                return Err(crate::FieldError::new(
                    "overrides",
                    "override a forecast: a fixed demand plan is used as given",
                )
                .into());
            }
            let mut plan = d.clone();
            // A given plan keeps the dependence it carries (the assumed model when it was read
            // from a file), with the input's families when it names none, and the settings'
            // fixed correlations.
            if plan.dependence.families.is_empty() {
                plan.dependence = plan.dependence.with_families(&input.products);
            }
            uncertainty::apply(&mut plan.dependence, &input.settings.uncertainty);
            ForecastRun {
                demand: plan,
                patterns: Default::default(),
                ignored_events: Vec::new(),
                before_events: Vec::new(),
                overrides: None,
            }
        }
        None => {
            if !input.overrides.is_empty() {
                input.check_overrides(&input.grid()?)?;
            }
            let events = family_events(input)?;
            let statistical =
                crate::forecast_all::statistical(&input.history, &input.settings, progress)?;
            let launch_cv = input.settings.forecast.launch_cv;
            if input.overrides.is_empty() {
                statistical.with_events(&events, launch_cv)
            } else {
                // Both plans from one forecast: with the overrides, and without them.
                let (with, replaced) = crate::events::with_overrides(&events, &input.overrides);
                let without = statistical.clone().with_events(&events, launch_cv).demand;
                let mut run = statistical.with_events(&with, launch_cv);
                run.overrides = Some(Overridden {
                    cells: input.overrides.len(),
                    replaced,
                    without,
                });
                run
            }
        }
    };
    if input.demand.is_none() {
        run.demand.dependence = uncertainty::estimate(
            &input.history,
            &input.products,
            input.settings.forecast.season,
            &input.settings.uncertainty,
        );
        if let Some(o) = run.overrides.as_mut() {
            o.without.dependence = run.demand.dependence.clone();
        }
    }
    Ok(run)
}

/// The input's events with each `family:NAME` event made one per planned sku of the family
/// (the loader has usually done this already, naming the line of a bad one).
fn family_events(input: &PlanInput) -> Result<std::borrow::Cow<'_, [Event]>, Error> {
    if !input.events.iter().any(|e| e.family().is_some()) {
        return Ok(std::borrow::Cow::Borrowed(&input.events));
    }
    let launched: std::collections::HashSet<&str> = input
        .events
        .iter()
        .filter(|e| e.kind == crate::events::EventKind::Launch)
        .map(|e| e.sku.as_str())
        .collect();
    let planned = |s: &str| input.history.get(s).is_some() || launched.contains(s);
    let mut out = Vec::new();
    for e in &input.events {
        out.extend(crate::events::expand_family(e, &input.products, &planned)?);
    }
    Ok(std::borrow::Cow::Owned(out))
}

/// The production plan: `demand` netted of [`PlanInput::inventory`] and the open production
/// orders of [`PlanInput::open_orders`] ([`stock::net`]); `None` when the input has neither
/// (the demand is then what is built).
pub fn production_part(input: &PlanInput, demand: &DemandPlan) -> Option<Production> {
    let sku_orders = input
        .open_orders
        .iter()
        .any(|o| demand.get(&o.item).is_some());
    (!input.inventory.is_empty() || sku_orders)
        .then(|| stock::net(demand, &input.inventory, &input.open_orders))
}

/// Capacity figures, build plan and recommendations for `demand`; `None` without lines or
/// routings.
///
/// # Errors
/// [`Error::Capacity`] when a routing names an unknown line or the build plan cannot be solved.
pub fn capacity_part(
    input: &PlanInput,
    demand: &DemandPlan,
) -> Result<Option<CapacityResult>, Error> {
    if input.lines.is_empty() || input.routings.is_empty() {
        return Ok(None);
    }
    let plan = capacity::line_months(&input.lines, &input.routings, &input.calendar, demand)?;
    let build = capacity::build_plan(
        &input.lines,
        &input.routings,
        &input.calendar,
        demand,
        &input.settings.capacity,
    )?;
    let recommendations =
        capacity::recommend(&plan, &build, &input.lines, &input.settings.capacity);
    Ok(Some(CapacityResult {
        line_months: plan,
        build,
        recommendations,
    }))
}

/// The MRP record and pre-buy plan for `demand`; `None` without materials.
///
/// # Errors
/// [`Error::Materials`] when the BOM and materials disagree.
pub fn materials_part(
    input: &PlanInput,
    demand: &DemandPlan,
) -> Result<Option<MaterialPlan>, Error> {
    if input.materials.is_empty() {
        return Ok(None);
    }
    let settings = MaterialsSettings::from(&input.settings);
    let with_receipts;
    let list = if input.open_orders.is_empty() {
        &input.materials
    } else {
        with_receipts = materials_with_orders(&input.materials, &input.open_orders);
        &with_receipts
    };
    Ok(Some(materials::requirements(
        &input.bom, list, demand, &settings,
    )?))
}

/// The materials with the open orders naming them added to their [`Material::receipts`].
pub fn materials_with_orders(list: &[Material], orders: &[OpenOrder]) -> Vec<Material> {
    let mut out = list.to_vec();
    let at: HashMap<&str, usize> = list
        .iter()
        .enumerate()
        .map(|(i, m)| (m.material.as_str(), i))
        .collect();
    for o in orders {
        if let Some(&i) = at.get(o.item.as_str()) {
            out[i].receipts.push(Receipt {
                month: o.due,
                quantity: o.quantity,
            });
        }
    }
    out
}

/// What `demand` buys at the price tiers; `None` without tiers.
///
/// With cost breakdowns ([`PlanInput::cost_breakdown`]) the plan also gets
/// [`PricingPlan::projection`]: each priced sku's tier price moved month by month by the factor
/// its components follow [`PlanInput::indices`] with under the review policy
/// ([`pricing::project_prices`]), times the point demand ([`pricing::projected_spend`]), and
/// [`PricingPlan::index_outlook`], how each index is carried over the horizon. Its total,
/// [`PricingPlan::projected_spend`], is the `projected_spend` of the scenario comparison.
///
/// # Errors
/// [`Error::Pricing`] for inconsistent tiers, and for a cost component whose index has no values
/// (or none at or before the first planned month).
pub fn pricing_part(input: &PlanInput, demand: &DemandPlan) -> Result<Option<PricingPlan>, Error> {
    if input.tiers.is_empty() {
        return Ok(None);
    }
    let mut plan = pricing::price(&input.tiers, demand, &input.settings.pricing)?;
    if !input.cost_breakdown.is_empty() {
        let prices = pricing::project_prices(
            &input.cost_breakdown,
            &input.indices,
            &input.settings.pricing.review,
            demand.start,
            demand.horizon,
        )?;
        let outlook = pricing::index_outlook(
            &input.cost_breakdown,
            &input.indices,
            demand.start,
            demand.horizon,
        );
        plan.projection = Some(pricing::projected_spend(
            &prices,
            &plan.rows,
            &outlook,
            &input.cost_breakdown,
            demand,
        ));
        plan.index_outlook = outlook;
        plan.projected_spend_range = plan.projected_spend_range(demand);
    }
    Ok(Some(plan))
}
