//! Scorecard settings and targets (`scorecard.toml`).

use serde::{Deserialize, Serialize};

use crate::field::{non_negative, FieldError};
use crate::time::Date;

/// What good looks like, as agreed between the brand and the contract manufacturer
/// (`[targets]` in scorecard.toml). Shares are fractions (0.95 = 95 %).
///
/// | Name | Default | Range | Met when |
/// |---|---|---|---|
/// | `otd` | 0.95 | 0 to 1 | on-time delivery (share of PO lines) is at least `otd` |
/// | `ppm` | 500 | 0 or more | rejected parts per million received are at most `ppm` |
/// | `fpy` | 0.98 | 0 to 1 | first-pass yield is at least `fpy` |
/// | `price_tolerance` | 0.02 | 0 or more | the price paid is within ± this share of the quoted tier price |
/// | `wape` | none | 0 or more | forecast WAPE (a share) is at most `wape`; not judged when absent |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Targets {
    /// Least share of PO lines on time.
    pub otd: f64,
    /// Most rejected parts per million received.
    pub ppm: f64,
    /// Least first-pass yield.
    pub fpy: f64,
    /// Largest relative gap between the price paid and the quoted tier price.
    pub price_tolerance: f64,
    /// Largest forecast WAPE (a share), when the forecast is judged too.
    pub wape: Option<f64>,
}

impl Default for Targets {
    fn default() -> Self {
        Self {
            otd: 0.95,
            ppm: 500.0,
            fpy: 0.98,
            price_tolerance: 0.02,
            wape: None,
        }
    }
}

/// Scorecard settings (scorecard.toml).
///
/// | Name | Default | Range |
/// |---|---|---|
/// | `grace_days` | 2 | days after the due date a delivery still counts as on time, 0 to 60 |
/// | `months` | 12 | months of trend, ending with the as-of month, 1 to 60 |
/// | `as_of` | the last day of the month of the latest delivered date | `"YYYY-MM-DD"`: deliveries after it are treated as open |
/// | `targets` | see [`Targets`] | |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", default, deny_unknown_fields)]
pub struct ScorecardSettings {
    /// Grace window in days after the due date.
    pub grace_days: u32,
    /// Months of trend shown.
    pub months: u32,
    /// The date the scorecard is drawn up on.
    pub as_of: Option<Date>,
    /// The targets.
    pub targets: Targets,
}

crate::field::checked_serde!(ScorecardSettings, check);

impl Default for ScorecardSettings {
    fn default() -> Self {
        Self {
            grace_days: 2,
            months: 12,
            as_of: None,
            targets: Targets::default(),
        }
    }
}

fn share(field: &'static str, value: f64) -> Result<f64, FieldError> {
    let v = non_negative(field, value)?;
    if v > 1.0 {
        return Err(FieldError::new(
            field,
            format!("{v} is not a share between 0 and 1 (write 95 % as 0.95)"),
        ));
    }
    Ok(v)
}

impl ScorecardSettings {
    /// Checks every value is within the ranges of the tables above.
    ///
    /// # Errors
    /// [`FieldError`] naming the key (`targets.otd`, `grace_days`...).
    pub fn check(&self) -> Result<(), FieldError> {
        if self.grace_days > 60 {
            return Err(FieldError::new(
                "grace_days",
                format!("{} is not a number of days from 0 to 60", self.grace_days),
            ));
        }
        if !(1..=60).contains(&self.months) {
            return Err(FieldError::new(
                "months",
                format!("{} is not a number of months from 1 to 60", self.months),
            ));
        }
        let t = &self.targets;
        share("targets.otd", t.otd)?;
        share("targets.fpy", t.fpy)?;
        non_negative("targets.ppm", t.ppm)?;
        non_negative("targets.price_tolerance", t.price_tolerance)?;
        if let Some(w) = t.wape {
            non_negative("targets.wape", w)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_ranges() {
        let s = ScorecardSettings::default();
        assert_eq!((s.grace_days, s.months), (2, 12));
        assert_eq!(s.targets.otd, 0.95);
        assert_eq!(s.targets.ppm, 500.0);
        assert!(s.check().is_ok());
        let s: ScorecardSettings =
            serde_json::from_str(r#"{"grace_days":0,"as_of":"2026-10-31","targets":{"ppm":250}}"#)
                .unwrap();
        assert_eq!(s.targets.ppm, 250.0);
        assert_eq!(s.targets.fpy, 0.98);
        assert_eq!(s.as_of.unwrap().to_string(), "2026-10-31");
        assert!(serde_json::from_str::<ScorecardSettings>(r#"{"grace":1}"#).is_err());
        let bad = ScorecardSettings {
            targets: Targets {
                otd: 95.0,
                ..Targets::default()
            },
            ..ScorecardSettings::default()
        };
        let e = bad.check().unwrap_err();
        assert_eq!(e.field, "targets.otd");
        assert_eq!(
            e.reason,
            "95 is not a share between 0 and 1 (write 95 % as 0.95)"
        );
    }
}
