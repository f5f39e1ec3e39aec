//! Errors of planner-core.

use crate::capacity::CapacityError;
use crate::forecast::ForecastError;
use crate::materials::{BomError, MaterialsError};
use crate::pricing::PricingError;
use crate::review::ReviewError;
use crate::scorecard::ScorecardError;

/// A value that a validating constructor rejected, with the contract's name of its field.
///
/// Loaders add the file and line: `lines.csv:3: column oee: 1.3 is not in (0, 1]`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{reason}")]
pub struct FieldError {
    /// The field (CSV column or planner.toml key) as the contract names it.
    pub field: &'static str,
    /// What is wrong, quoting the bad value.
    pub reason: String,
}

impl FieldError {
    /// A field error.
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

/// Checks that `value` is a finite number of at least zero.
pub(crate) fn non_negative(field: &'static str, value: f64) -> Result<f64, FieldError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(FieldError::new(
            field,
            format!("{value} is not a non-negative number"),
        ))
    }
}

/// Checks that `value` is a finite number above zero.
pub(crate) fn positive(field: &'static str, value: f64) -> Result<f64, FieldError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(FieldError::new(
            field,
            format!("{value} is not a number above zero"),
        ))
    }
}

/// Checks that a key (sku, line, material...) is not blank and returns it trimmed.
pub(crate) fn key(field: &'static str, value: &str) -> Result<String, FieldError> {
    let t = value.trim();
    if t.is_empty() {
        Err(FieldError::new(field, "is empty"))
    } else {
        Ok(t.to_string())
    }
}

/// Any error of planner-core, with the key a planner recognises.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A rejected input value.
    #[error("{0}")]
    Field(#[from] FieldError),
    /// The forecast of one sku failed.
    #[error("forecast for sku {sku}")]
    Forecast {
        /// The sku.
        sku: String,
        /// What went wrong.
        #[source]
        source: ForecastError,
    },
    /// A bill of materials problem.
    #[error(transparent)]
    Bom(#[from] BomError),
    /// Capacity planning failed.
    #[error(transparent)]
    Capacity(#[from] CapacityError),
    /// Material planning failed.
    #[error(transparent)]
    Materials(#[from] MaterialsError),
    /// Pricing failed.
    #[error(transparent)]
    Pricing(#[from] PricingError),
    /// The forecast review failed.
    #[error(transparent)]
    Review(#[from] ReviewError),
    /// The scorecard failed.
    #[error(transparent)]
    Scorecard(#[from] ScorecardError),
}
