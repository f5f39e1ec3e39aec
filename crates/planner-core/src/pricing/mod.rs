//! Volume-price tiers: what the forecast volume buys at the contract manufacturer's price breaks.
//!
//! - [`TierSchedule`]: one sku's validated breaks (`price_tiers.csv`), with the all-units rule of
//!   the contract and the incremental scheme as an option.
//! - [`price`]: the `pricing.csv` rows, one per sku and pricing period (annual basis) or planned
//!   order (order basis), with the forecast range, the next tier and whether pulling orders
//!   forward to reach it pays.
//! - [`order_size`]: the order quantity minimizing purchase, ordering and holding cost under
//!   quantity discounts (EOQ with price breaks).
//! - [`project_prices`]: unit prices per month as cost components follow their indices under an
//!   index-linked review policy (`cost_breakdown.csv`, `indices.csv`), and [`projected_spend`]:
//!   the spend that follows on the demand plan.
//!
//! ```
//! use planner_core::forecast::Forecast;
//! use planner_core::pricing::{price, Basis, PriceTier, PricingSettings};
//! use planner_core::{DemandPlan, SkuPlan};
//!
//! let tiers = vec![
//!     PriceTier::new("A", 0.0, 10.0, Basis::Annual, Some("USD".into()))?,
//!     PriceTier::new("A", 10_000.0, 9.0, Basis::Annual, Some("USD".into()))?,
//! ];
//! let demand = DemandPlan {
//!     start: "2026-11".parse()?,
//!     horizon: 12,
//!     levels: vec![],
//!     skus: vec![SkuPlan {
//!         sku: "A".into(),
//!         model: "plan".into(),
//!         forecast: Forecast { point: vec![800.0; 12], intervals: vec![] },
//!     }],
//!     dependence: planner_core::uncertainty::Dependence::independent(),
//! };
//! let plan = price(&tiers, &demand, &PricingSettings::default())?;
//! let row = &plan.rows[0];
//! assert_eq!(row.period, "2026-11..2027-10");
//! assert_eq!((row.volume, row.unit_price, row.spend), (9_600.0, 10.0, 96_000.0));
//! assert_eq!(row.units_to_next_tier, Some(400.0));
//! // 10,000 units at 9 instead of 10: 10,000 saved.
//! assert_eq!(row.saving_total, 10_000.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod eoq;
mod plan;
mod review;
mod tiers;

pub use eoq::{order_size, OrderSizing};
pub use plan::{price, PricingPlan, PricingRow, RangeFigures};
pub use review::{
    index_outlook, project_prices, projected_spend, CostComponent, IndexLink, IndexOutlook,
    IndexPoint, ProjectedPrice, ProjectedSpend, ReviewPolicy,
};
pub use tiers::{Basis, PriceTier, Scheme, Tier, TierSchedule};

pub(crate) use review::index_value_at;

use serde::{Deserialize, Serialize};

use crate::field::{non_negative, FieldError};
use crate::time::Month;

/// Pricing settings (`[pricing]` in planner.toml).
///
/// | Name | Default | Range |
/// |---|---|---|
/// | `holding_rate` | 0.24 | yearly cost of holding stock as a share of its value, 0 or more |
/// | `order_cost` | 150.0 | cost of placing one order, 0 or more |
/// | `review` | see [`ReviewPolicy`] | index-linked price reviews (`[pricing.review]`) |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", default, deny_unknown_fields)]
pub struct PricingSettings {
    /// Yearly holding cost as a share of the value held.
    pub holding_rate: f64,
    /// Cost of placing one order.
    pub order_cost: f64,
    /// How index-linked prices are reviewed.
    pub review: ReviewPolicy,
}

crate::field::checked_serde!(PricingSettings, check);

impl Default for PricingSettings {
    fn default() -> Self {
        Self {
            holding_rate: 0.24,
            order_cost: 150.0,
            review: ReviewPolicy::default(),
        }
    }
}

impl PricingSettings {
    /// Checks every value is within the ranges of the table above.
    ///
    /// # Errors
    /// [`FieldError`] naming the key.
    pub fn check(&self) -> Result<(), FieldError> {
        non_negative("pricing.holding_rate", self.holding_rate)?;
        non_negative("pricing.order_cost", self.order_cost)?;
        self.review.check()?;
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
    /// No price tier names the sku.
    #[error("sku {sku}: no price tiers")]
    NoTiers {
        /// The sku.
        sku: String,
    },
    /// A higher break is quoted at a higher unit price than a lower one.
    #[error(
        "sku {sku}: the tier at min_qty {min_qty} costs {unit_price}, more than {lower_unit_price} \
         at min_qty {lower_min_qty}; prices must not rise with volume"
    )]
    RisingPrice {
        /// The sku.
        sku: String,
        /// The higher break.
        min_qty: f64,
        /// Its price.
        unit_price: f64,
        /// The break below it.
        lower_min_qty: f64,
        /// That break's (lower) price.
        lower_unit_price: f64,
    },
    /// A cost component names an index `indices.csv` does not have.
    #[error("sku {sku}: component {component} follows index {index}, which has no values")]
    UnknownIndex {
        /// The sku.
        sku: String,
        /// The component.
        component: String,
        /// The index.
        index: String,
    },
    /// An index has no value at or before the base month, so a change cannot be measured.
    #[error("index {index}: no value at or before the base month {base}")]
    NoIndexBase {
        /// The index.
        index: String,
        /// The base month.
        base: Month,
    },
    /// An index value is not a number above zero (changes are measured as ratios).
    #[error("index {index}: value {value} in {month} is not a number above zero")]
    BadIndexValue {
        /// The index.
        index: String,
        /// The month.
        month: Month,
        /// The value.
        value: f64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_default_and_parse_with_a_review_table() {
        let s: PricingSettings = serde_json::from_str(r#"{"review":{"every_months":6}}"#).unwrap();
        assert_eq!(s.holding_rate, 0.24);
        assert_eq!(s.review.every_months, 6);
        assert_eq!(s.review.fixed_months, 12);
        assert_eq!(s.review.pass_through, 1.0);
        assert!(s.check().is_ok());
        assert!(serde_json::from_str::<PricingSettings>(r#"{"review":{"every":6}}"#).is_err());
        let bad = PricingSettings {
            review: ReviewPolicy {
                every_months: 0,
                ..ReviewPolicy::default()
            },
            ..PricingSettings::default()
        };
        assert_eq!(
            bad.check().unwrap_err().field,
            "pricing.review.every_months"
        );
    }

    #[test]
    fn public_types_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<TierSchedule>();
        check::<PricingPlan>();
        check::<OrderSizing>();
        check::<ProjectedPrice>();
        check::<PricingError>();
    }
}
