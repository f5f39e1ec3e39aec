//! Volume-price tiers: what the forecast volume buys at the contract manufacturer's price breaks.

mod tiers;

pub use tiers::{Basis, PriceTier, Scheme};

use serde::{Deserialize, Serialize};

use crate::error::{non_negative, FieldError};

/// Pricing settings (`[pricing]` in planner.toml).
///
/// | Name | Default | Range |
/// |---|---|---|
/// | `holding_rate` | 0.24 | yearly cost of holding stock as a share of its value, 0 or more |
/// | `order_cost` | 150.0 | cost of placing one order, 0 or more |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PricingSettings {
    /// Yearly holding cost as a share of the value held.
    pub holding_rate: f64,
    /// Cost of placing one order.
    pub order_cost: f64,
}

impl Default for PricingSettings {
    fn default() -> Self {
        Self {
            holding_rate: 0.24,
            order_cost: 150.0,
        }
    }
}

impl PricingSettings {
    /// Checks every value is a non-negative number.
    ///
    /// # Errors
    /// [`FieldError`] naming the key.
    pub fn check(&self) -> Result<(), FieldError> {
        non_negative("pricing.holding_rate", self.holding_rate)?;
        non_negative("pricing.order_cost", self.order_cost)?;
        Ok(())
    }
}

/// Errors of pricing.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PricingError {
    /// A sku's tiers mix bases or schemes.
    #[error("sku {sku}: its price tiers mix {what}; one sku has one basis and one scheme")]
    Mixed {
        /// The sku.
        sku: String,
        /// What is mixed.
        what: &'static str,
    },
    /// Two tiers of a sku start at the same quantity.
    #[error("sku {sku}: two price tiers start at min_qty {min_qty}")]
    DuplicateTier {
        /// The sku.
        sku: String,
        /// The quantity.
        min_qty: f64,
    },
}
