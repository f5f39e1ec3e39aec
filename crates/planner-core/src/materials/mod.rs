//! Materials: BOM explosion, the MRP record, safety stock and the pre-buy plan.
//!
//! Main types: [`Bom`] (multi-level, cycle-checked, with low-level codes), [`Material`] (the
//! purchasing facts of `materials.csv`), and [`requirements`], which turns a [`DemandPlan`] into a
//! [`MaterialPlan`]: the MRP record of `material_plan.csv` ([`MrpRow`]), the past-due releases
//! ([`PastDue`]) and the pre-buy plan of `prebuy.csv` ([`PrebuyRow`]).
//!
//! ```
//! use planner_core::forecast::Forecast;
//! use planner_core::materials::{self, Bom, BomLine, Material, MaterialsSettings};
//! use planner_core::{DemandPlan, SkuPlan};
//!
//! let bom = Bom::new(vec![BomLine::new("BTL-500", "CAP", 1.0)?])?;
//! // 45 days of lead time: orders are released 2 months ahead; bought in bags of 100.
//! let cap = Material::new("CAP", 45.0, 0.0, 100.0, 0.02, 250.0)?;
//! let demand = DemandPlan {
//!     start: "2026-11".parse()?,
//!     horizon: 3,
//!     levels: vec![],
//!     skus: vec![SkuPlan {
//!         sku: "BTL-500".into(),
//!         model: "plan".into(),
//!         forecast: Forecast { point: vec![200.0, 200.0, 200.0], intervals: vec![] },
//!     }],
//!     dependence: planner_core::uncertainty::Dependence::independent(),
//! };
//! let plan = materials::requirements(&bom, &[cap], &demand, &MaterialsSettings::default())?;
//! let receipts: Vec<f64> = plan.rows.iter().map(|r| r.planned_receipt).collect();
//! // On hand 250 lasts one month (50 left), then 150 and 200 are short: bags of 100.
//! assert_eq!(receipts, [0.0, 200.0, 200.0]);
//! // 45 days is a 2-month offset: the December receipt should have been ordered in October
//! // (past due, an expedite), the January one is released in November.
//! assert_eq!(plan.past_due.len(), 1);
//! assert_eq!(plan.past_due[0].release_month.to_string(), "2026-10");
//! assert_eq!(plan.rows[0].planned_release, 200.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod bom;
mod index;
mod material;
mod mrp;
mod prebuy;
#[cfg(test)]
mod proptests;
mod safety;
#[cfg(test)]
mod testing;

pub use bom::{Bom, BomError, BomLine};
pub use material::{Material, Receipt};
pub use mrp::{requirements, MaterialPlan, MaterialsSummary, MrpRow, PastDue, PastDueKind};
pub use prebuy::PrebuyRow;
pub(crate) use safety::safety_window;

use serde::{Deserialize, Serialize};

#[cfg(doc)]
use crate::demand_plan::DemandPlan;

/// Settings of material planning (the `planner.toml` keys of the same names).
///
/// | Name | Default | Range |
/// |---|---|---|
/// | `service_level` | 0.95 | [0.5, 1): the service of the derived safety stock, as `service_measure` says |
/// | `service_measure` | `cycle` | `cycle` (no stock-out over a lead time plus the review month) or `fill_rate` (the share of demand filled from stock) |
/// | `po_notice_days` | 30 | 0 or more days: the brand's urgent-order notice |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MaterialsSettings {
    /// Service level of the derived safety stock.
    pub service_level: f64,
    /// What the service level measures: cycles without a stock-out, or the share of demand
    /// filled from stock.
    pub service_measure: ServiceMeasure,
    /// Days of notice on an urgent purchase order: materials with longer lead times are
    /// pre-bought.
    pub po_notice_days: u32,
}

impl Default for MaterialsSettings {
    fn default() -> Self {
        Self {
            service_level: 0.95,
            service_measure: ServiceMeasure::Cycle,
            po_notice_days: 30,
        }
    }
}

/// What `service_level` measures for safety stock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceMeasure {
    /// Cycle service level: the probability that a review cycle ends without a stock-out;
    /// safety stock `z(service_level) * sd`.
    #[default]
    Cycle,
    /// Fill rate: the expected share of demand served from stock; safety stock `k * sd` with
    /// `sd * G(k) = (1 - service_level) * mean monthly demand` (`G` the standard normal loss
    /// function), never below zero.
    FillRate,
}

impl From<&crate::Settings> for MaterialsSettings {
    fn from(s: &crate::Settings) -> Self {
        Self {
            service_level: s.service_level,
            service_measure: s.service_measure,
            po_notice_days: s.po_notice_days,
        }
    }
}

impl MaterialsSettings {
    /// Sets the service level.
    pub fn service_level(mut self, service_level: f64) -> Self {
        self.service_level = service_level;
        self
    }

    /// Sets the urgent-order notice in days.
    pub fn po_notice_days(mut self, days: u32) -> Self {
        self.po_notice_days = days;
        self
    }
}

/// The one rule for a service level (`service_level` in planner.toml and in a scenario, the
/// materials plan's [`MaterialsSettings::service_level`]): from 0.5 (a safety factor of 0: no
/// safety stock) up to 1 excluded (a certain service needs an infinite safety stock).
///
/// # Errors
/// A [`FieldError`](crate::FieldError) on `service_level` quoting the value.
pub fn check_service_level(value: f64) -> Result<f64, crate::FieldError> {
    if (0.5..1.0).contains(&value) {
        Ok(value)
    } else {
        Err(crate::FieldError::new(
            "service_level",
            format!("{value} is not from 0.5 to 1 (1 excluded)"),
        ))
    }
}

/// Errors of material planning.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MaterialsError {
    /// A BOM line names a material that is not among the materials.
    #[error(
        "the bill of materials names material {material:?} (in {parent}), which is not one of \
         the materials"
    )]
    UnknownMaterial {
        /// The material.
        material: String,
        /// The item that uses it.
        parent: String,
    },
    /// Two materials have the same key.
    #[error("material {0:?} is listed more than once")]
    DuplicateMaterial(String),
    /// The service level is not in [0.5, 1) ([`check_service_level`]).
    #[error("service_level {0} is not from 0.5 to 1 (1 excluded)")]
    ServiceLevel(f64),
    /// A sku's forecast (point or a bound) has fewer values than the plan's horizon.
    #[error("the demand plan of sku {sku:?} has {got} months, the horizon is {need}")]
    ShortForecast {
        /// The sku.
        sku: String,
        /// Values found.
        got: usize,
        /// The horizon.
        need: usize,
    },
}
