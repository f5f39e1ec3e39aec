//! The crate-wide [`Error`]: it wraps each domain's error, and no domain imports it back.

use crate::capacity::CapacityError;
use crate::field::FieldError;
use crate::forecast::ForecastError;
use crate::materials::{BomError, MaterialsError};
use crate::pricing::PricingError;
use crate::review::ReviewError;
use crate::scorecard::ScorecardError;

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
