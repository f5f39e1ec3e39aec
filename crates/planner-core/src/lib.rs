#![doc = include_str!("../README.md")]

pub mod capacity;
pub mod demand;
pub mod demand_plan;
mod error;
pub mod events;
pub mod family;
mod field;
pub mod findings;
pub mod forecast;
mod forecast_all;
pub mod materials;
pub mod pricing;
pub mod quality;
pub mod review;
mod rng;
pub mod scenario;
pub mod scorecard;
pub mod segments;
pub mod settings;
pub mod stock;
pub mod time;
pub mod uncertainty;

pub use demand_plan::{DemandPlan, SkuPlan};
pub use error::Error;
pub use field::FieldError;
pub use forecast_all::{forecast_all, ForecastRun, Overridden};
pub use scenario::{plan_with, Observer, Plan, PlanInput, Stage};
pub use settings::Settings;

/// The whole plan from one input: every sku's forecast, then production, capacity, materials,
/// pricing and segments, as `planner plan` makes it ([`plan_with`] to hear its progress and
/// each stage's time; [`scenario`] re-runs it with changes).
///
/// # Errors
/// [`Error::Field`] when the settings are out of range, else the first error of any part.
pub fn plan(input: &PlanInput) -> Result<Plan, Error> {
    plan_with(input, &())
}
