//! Line capacity, takt time and the capacity-constrained build plan.
//!
//! Inputs: [`Line`] (`lines.csv`), [`RoutingStep`] (`routings.csv`), [`Calendar`]
//! (`calendar.csv`) and a [`DemandPlan`](crate::DemandPlan). Entry points:
//!
//! - [`line_months`]: `capacity.csv` as [`CapacityPlan`]: one [`CapacityRow`] per line and month with
//!   working days, available and required hours, utilization, takt, operators needed, the same
//!   at each level's upper bound ([`UpperFigures`]) and the chance of overload; plus each sku's
//!   [`LineBalance`];
//! - [`build_plan`]: `build_plan.csv` as [`BuildPlan`], the least-cost pre-build, overtime and
//!   shortfall per line as a linear program;
//! - [`recommend`]: [`Recommendation`]s (extra shift, overtime, more operators, second line, idle
//!   capacity) read off a [`CapacityPlan`].
//!
//! ```
//! use planner_core::capacity::{build_plan, line_months, recommend, Calendar, CalendarEntry};
//! use planner_core::capacity::CapacitySettings;
//! use planner_core::capacity::{Line, LineSpec, RecommendationKind, RoutingStep};
//! use planner_core::forecast::Forecast;
//! use planner_core::{DemandPlan, SkuPlan};
//!
//! // 2 shifts of 8 h, Monday to Friday; a holiday on Monday 2027-02-08.
//! let lines = [Line::new("L1", LineSpec {
//!     shifts_per_day: 2.0,
//!     oee: 0.8,
//!     operators_per_shift: Some(4.0),
//!     ..LineSpec::default()
//! })?];
//! let calendar = Calendar::new(vec![CalendarEntry::new("*", "2027-02-08".parse()?, 0.0, None)?]);
//! let routings = [
//!     RoutingStep::new("A", "L1", "frame", 40.0, None)?,
//!     RoutingStep::new("A", "L1", "wire", 60.0, None)?,
//! ];
//! let demand = DemandPlan {
//!     start: "2027-02".parse()?,
//!     horizon: 1,
//!     levels: vec![],
//!     skus: vec![SkuPlan {
//!         sku: "A".into(),
//!         model: "plan".into(),
//!         forecast: Forecast { point: vec![16_000.0], intervals: vec![] },
//!     }],
//!     dependence: planner_core::uncertainty::Dependence::independent(),
//! };
//! let capacity = line_months(&lines, &routings, &calendar, &demand)?;
//! let row = &capacity.rows[0];
//! // 19 working days * 16 h = 304 h; 16000 * 60 s / 3600 / 0.8 = 333.3 h: 110 % loaded.
//! assert_eq!((row.working_days, row.available_hours), (19, 304.0));
//! assert!((row.utilization.unwrap() - 1.096).abs() < 1e-3);
//! // 29.3 h over is within 15 % overtime (45.6 h).
//! let build = build_plan(&lines, &routings, &calendar, &demand, &CapacitySettings::default())?;
//! let advice = recommend(&capacity, &build, &lines, &CapacitySettings::default());
//! assert_eq!(advice[0].kind, RecommendationKind::Overtime);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod balance;
mod build;
mod calendar;
mod line;
mod recommend;
mod takt;
#[cfg(test)]
mod testing;

pub use balance::{balance, LineBalance};
pub use build::{build_plan, BuildCosts, BuildPlan, BuildRow, LineMonth, Unmet};
pub use calendar::{Calendar, CalendarEntry};
pub use line::{Line, LineSpec, Oee, RoutingStep};
pub use recommend::{
    recommend, Peak, Recommendation, RecommendationKind, UnitsAtRisk, IDLE_BELOW, RISK_FROM,
};
pub use takt::{
    line_months, working_time, CapacityPlan, CapacityRow, SlowStation, UpperFigures, WorkingTime,
};

use serde::{Deserialize, Serialize};

use crate::field::{non_negative, FieldError};

/// Settings of the capacity plan and the build-plan linear program (`[capacity]` in planner.toml).
///
/// | Name | Default | Range |
/// |---|---|---|
/// | `max_overtime_share` | 0.15 | overtime hours as a share of a month's available hours, 0 or more |
/// | `overtime_cost_per_hour` | 60.0 | cost of one overtime line hour, 0 or more |
/// | `holding_cost_per_unit_month` | 0.25 | cost of holding one pre-built unit for a month, 0 or more |
/// | `shortfall_cost_per_unit` | 50.0 | cost of one unit of demand not met, 0 or more |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", default, deny_unknown_fields)]
pub struct CapacitySettings {
    /// Overtime hours allowed per month, as a share of that month's available hours.
    pub max_overtime_share: f64,
    /// Cost of one overtime line hour.
    pub overtime_cost_per_hour: f64,
    /// Cost of holding one pre-built unit for one month.
    pub holding_cost_per_unit_month: f64,
    /// Cost of one unit of demand not met.
    pub shortfall_cost_per_unit: f64,
}

crate::field::checked_serde!(CapacitySettings, check);

impl Default for CapacitySettings {
    fn default() -> Self {
        Self {
            max_overtime_share: 0.15,
            overtime_cost_per_hour: 60.0,
            holding_cost_per_unit_month: 0.25,
            shortfall_cost_per_unit: 50.0,
        }
    }
}

impl CapacitySettings {
    /// Checks every value is a non-negative number.
    ///
    /// # Errors
    /// [`FieldError`] naming the key.
    pub fn check(&self) -> Result<(), FieldError> {
        non_negative("capacity.max_overtime_share", self.max_overtime_share)?;
        non_negative(
            "capacity.overtime_cost_per_hour",
            self.overtime_cost_per_hour,
        )?;
        non_negative(
            "capacity.holding_cost_per_unit_month",
            self.holding_cost_per_unit_month,
        )?;
        non_negative(
            "capacity.shortfall_cost_per_unit",
            self.shortfall_cost_per_unit,
        )?;
        Ok(())
    }
}

/// Errors of capacity planning.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CapacityError {
    /// A routing names a line that `lines.csv` does not have.
    #[error("sku {sku}: routing names line {line:?}, which is not one of the lines")]
    UnknownLine {
        /// The sku.
        sku: String,
        /// The line named.
        line: String,
    },
    /// A sku is routed on more than one line.
    #[error("sku {sku} is routed on lines {first:?} and {second:?}; a sku is built on one line")]
    TwoLines {
        /// The sku.
        sku: String,
        /// One line.
        first: String,
        /// Another line.
        second: String,
    },
    /// A capacity setting is out of range.
    #[error("{}: {}", .0.field, .0.reason)]
    InvalidSettings(FieldError),
    /// The build-plan solver failed.
    #[error("build plan: {0}")]
    Solver(String),
}
