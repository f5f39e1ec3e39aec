//! Volume-price tiers quoted by the contract manufacturer (`price_tiers.csv`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{key, non_negative, FieldError};

/// What volume a tier is priced on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// Each sku's 12-month volume from the start month.
    #[default]
    Annual,
    /// Each planned order's quantity.
    Order,
}

impl FromStr for Basis {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "annual" => Ok(Self::Annual),
            "order" => Ok(Self::Order),
            _ => Err(FieldError::new(
                "basis",
                format!("{s:?} is not annual or order"),
            )),
        }
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Annual => "annual",
            Self::Order => "order",
        })
    }
}

/// How the tiers apply to a volume.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Every unit is priced at the tier the whole volume reaches (the contract's default).
    #[default]
    AllUnits,
    /// Each unit is priced at the tier its own position reaches (units 0..10,000 at the first
    /// price, the next ones at the second...).
    Incremental,
}

impl FromStr for Scheme {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace(['-', '_', ' '], "").as_str() {
            "" | "allunits" => Ok(Self::AllUnits),
            "incremental" => Ok(Self::Incremental),
            _ => Err(FieldError::new(
                "scheme",
                format!("{s:?} is not all-units or incremental"),
            )),
        }
    }
}

/// One price break.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceTier {
    /// The sku.
    pub sku: String,
    /// The smallest volume this tier applies to.
    pub min_qty: f64,
    /// The price of one unit in this tier.
    pub unit_price: f64,
    /// What volume the tier is priced on.
    pub basis: Basis,
    /// How tiers apply to a volume.
    pub scheme: Scheme,
    /// The currency (for example `USD`).
    pub currency: Option<String>,
}

impl PriceTier {
    /// A price break.
    ///
    /// # Errors
    /// [`FieldError`] for a blank sku or a negative or non-finite quantity or price.
    pub fn new(
        sku: &str,
        min_qty: f64,
        unit_price: f64,
        basis: Basis,
        currency: Option<String>,
    ) -> Result<Self, FieldError> {
        Ok(Self {
            sku: key("sku", sku)?,
            min_qty: non_negative("min_qty", min_qty)?,
            unit_price: non_negative("unit_price", unit_price)?,
            basis,
            scheme: Scheme::AllUnits,
            currency,
        })
    }
}
