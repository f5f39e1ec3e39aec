#![doc = include_str!("../README.md")]

pub mod capacity;
pub mod demand;
mod error;
pub mod events;
pub mod family;
mod field;
pub mod forecast;
mod forecast_all;
pub mod materials;
pub mod plan;
pub mod pricing;
pub mod review;
pub mod scenario;
pub mod scorecard;
pub mod segments;
pub mod settings;
pub mod stock;
pub mod time;
pub mod uncertainty;

pub use error::Error;
pub use field::FieldError;
pub use forecast_all::{forecast_all, ForecastRun};
pub use plan::{DemandPlan, SkuPlan};
pub use settings::Settings;
