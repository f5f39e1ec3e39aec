//! Planner events: knowledge the history cannot show (promotions, listings, overrides, launches).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{key, non_negative, FieldError};
use crate::time::Month;

/// What an event does to the statistical forecast of its sku and month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// Multiplies the forecast and its bounds (a promotion: 1.3 = +30 %).
    Multiplier,
    /// Adds units to the forecast and its bounds (a retailer listing).
    Add,
    /// Sets the point forecast; the bounds keep their width relative to the point.
    Override,
    /// Units per month from that month on, for a new sku with no history.
    Launch,
}

impl FromStr for EventKind {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "multiplier" => Ok(Self::Multiplier),
            "add" => Ok(Self::Add),
            "override" => Ok(Self::Override),
            "launch" => Ok(Self::Launch),
            _ => Err(FieldError::new(
                "kind",
                format!("{s:?} is not one of multiplier, add, override, launch"),
            )),
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Multiplier => "multiplier",
            Self::Add => "add",
            Self::Override => "override",
            Self::Launch => "launch",
        })
    }
}

/// One row of `events.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The sku.
    pub sku: String,
    /// The month it applies to (for `launch`, the first month).
    pub month: Month,
    /// What it does.
    pub kind: EventKind,
    /// The multiplier or the units.
    pub value: f64,
    /// Why (free text).
    pub note: Option<String>,
}

impl Event {
    /// An event.
    ///
    /// # Errors
    /// [`FieldError`] for a blank sku or a negative or non-finite value.
    pub fn new(
        sku: &str,
        month: Month,
        kind: EventKind,
        value: f64,
        note: Option<String>,
    ) -> Result<Self, FieldError> {
        Ok(Self {
            sku: key("sku", sku)?,
            month,
            kind,
            value: non_negative("value", value)?,
            note,
        })
    }
}
