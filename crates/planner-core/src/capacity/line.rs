//! Assembly lines and the routings of skus on them.

use serde::{Deserialize, Serialize};

use crate::field::{checked_serde, key, non_negative, positive, FieldError};

/// Overall equipment effectiveness, a share in (0, 1].
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Oee(f64);

impl Oee {
    /// An OEE.
    ///
    /// # Errors
    /// [`FieldError`] (field `oee`) unless `0 < value <= 1`.
    pub fn new(value: f64) -> Result<Self, FieldError> {
        if value.is_finite() && value > 0.0 && value <= 1.0 {
            Ok(Self(value))
        } else {
            // 78 is most likely 78 %: say so.
            let hint = if (10.0..=100.0).contains(&value) {
                format!(" (a percentage? write {})", value / 100.0)
            } else {
                String::new()
            };
            Err(FieldError::new(
                "oee",
                format!("{value} is not in (0, 1]{hint}"),
            ))
        }
    }

    /// The share, in (0, 1].
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Oee {
    type Error = FieldError;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Oee> for f64 {
    fn from(oee: Oee) -> f64 {
        oee.0
    }
}

/// An assembly line of the contract manufacturer (`lines.csv`), built by [`Line::new`] from a
/// [`LineSpec`]; deserializing one runs the same checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct Line {
    /// The line's name.
    pub line: String,
    /// Shifts per working day.
    pub shifts_per_day: f64,
    /// Hours per shift.
    pub hours_per_shift: f64,
    /// Working days per week counted from Monday: 5 = Monday to Friday, 6 = to Saturday, 7 = all.
    pub days_per_week: u8,
    /// Overall equipment effectiveness.
    pub oee: Oee,
    /// Operators staffed per shift, when known.
    pub operators_per_shift: Option<f64>,
}

checked_serde!(Line => checked);

/// What a line works: the numbers of a `lines.csv` row, by name.
///
/// ```
/// use planner_core::capacity::{Line, LineSpec};
///
/// let spec = LineSpec { shifts_per_day: 2.0, hours_per_shift: 8.0, ..LineSpec::default() };
/// let line = Line::new("L1", spec)?;
/// assert_eq!(line.hours_per_day(), 16.0);
/// assert!(Line::new("L1", LineSpec { oee: 1.3, ..spec }).is_err());
/// # Ok::<(), planner_core::FieldError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineSpec {
    /// Shifts per working day, 0 or more.
    pub shifts_per_day: f64,
    /// Hours per shift, 0 or more; shifts times hours at most 24.
    pub hours_per_shift: f64,
    /// Working days per week counted from Monday, a whole number from 1 to 7.
    pub days_per_week: f64,
    /// Overall equipment effectiveness, in (0, 1].
    pub oee: f64,
    /// Operators staffed per shift, when known; 0 or more.
    pub operators_per_shift: Option<f64>,
}

impl Default for LineSpec {
    /// One shift of 8 hours, Monday to Friday, OEE 0.85, operators not known.
    fn default() -> Self {
        Self {
            shifts_per_day: 1.0,
            hours_per_shift: 8.0,
            days_per_week: 5.0,
            oee: 0.85,
            operators_per_shift: None,
        }
    }
}

impl Line {
    /// A line named `line` working as `spec` says.
    ///
    /// # Errors
    /// [`FieldError`] naming the column: a blank name, shifts or hours that are negative or not
    /// numbers, `hours_per_shift` above 24, `days_per_week` outside 1 to 7, an OEE outside (0, 1].
    pub fn new(line: &str, spec: LineSpec) -> Result<Self, FieldError> {
        let LineSpec {
            shifts_per_day,
            hours_per_shift,
            days_per_week,
            oee,
            operators_per_shift,
        } = spec;
        let line = key("line", line)?;
        let shifts_per_day = non_negative("shifts_per_day", shifts_per_day)?;
        let hours_per_shift = non_negative("hours_per_shift", hours_per_shift)?;
        if shifts_per_day * hours_per_shift > 24.0 {
            return Err(FieldError::new(
                "hours_per_shift",
                format!("{shifts_per_day} shifts of {hours_per_shift} hours exceed 24 hours a day"),
            ));
        }
        if !(days_per_week.fract() == 0.0 && (1.0..=7.0).contains(&days_per_week)) {
            return Err(FieldError::new(
                "days_per_week",
                format!("{days_per_week} is not a whole number from 1 to 7"),
            ));
        }
        let operators_per_shift = operators_per_shift
            .map(|o| non_negative("operators_per_shift", o))
            .transpose()?;
        Ok(Self {
            line,
            shifts_per_day,
            hours_per_shift,
            days_per_week: days_per_week as u8,
            oee: Oee::new(oee)?,
            operators_per_shift,
        })
    }

    /// The line's spec: what [`Line::new`] was given.
    pub fn spec(&self) -> LineSpec {
        LineSpec {
            shifts_per_day: self.shifts_per_day,
            hours_per_shift: self.hours_per_shift,
            days_per_week: f64::from(self.days_per_week),
            oee: self.oee.get(),
            operators_per_shift: self.operators_per_shift,
        }
    }

    /// The line through [`Line::new`]'s checks (for a deserialized one).
    fn checked(self) -> Result<Self, FieldError> {
        Self::new(&self.line, self.spec())
    }

    /// Hours of a normal working day: `shifts_per_day * hours_per_shift`.
    pub fn hours_per_day(&self) -> f64 {
        self.shifts_per_day * self.hours_per_shift
    }
}

/// One station a sku passes on its line (`routings.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoutingStep {
    /// The sku.
    pub sku: String,
    /// The line that builds it.
    pub line: String,
    /// The station.
    pub station: String,
    /// Seconds one unit spends at the station.
    pub cycle_seconds: f64,
    /// Operators at the station, when known.
    pub operators: Option<f64>,
}

impl RoutingStep {
    /// A routing step.
    ///
    /// # Errors
    /// [`FieldError`] for a blank key or a `cycle_seconds` that is not above zero.
    pub fn new(
        sku: &str,
        line: &str,
        station: &str,
        cycle_seconds: f64,
        operators: Option<f64>,
    ) -> Result<Self, FieldError> {
        Ok(Self {
            sku: key("sku", sku)?,
            line: key("line", line)?,
            station: key("station", station)?,
            cycle_seconds: positive("cycle_seconds", cycle_seconds)?,
            operators: operators
                .map(|o| non_negative("operators", o))
                .transpose()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_reject_what_a_spreadsheet_gets_wrong() {
        assert!(Line::new(
            "L1",
            LineSpec {
                shifts_per_day: 2.0,
                hours_per_shift: 8.0,
                days_per_week: 5.0,
                oee: 0.8,
                operators_per_shift: None
            }
        )
        .is_ok());
        let e = Line::new(
            "L1",
            LineSpec {
                shifts_per_day: 2.0,
                hours_per_shift: 8.0,
                days_per_week: 5.0,
                oee: 80.0,
                operators_per_shift: None,
            },
        )
        .unwrap_err();
        assert_eq!(
            (e.field, e.reason.as_str()),
            ("oee", "80 is not in (0, 1] (a percentage? write 0.8)")
        );
        let e = Line::new(
            "L1",
            LineSpec {
                shifts_per_day: 2.0,
                hours_per_shift: 8.0,
                days_per_week: 8.0,
                oee: 0.8,
                operators_per_shift: None,
            },
        )
        .unwrap_err();
        assert_eq!(e.field, "days_per_week");
        let e = Line::new(
            "L1",
            LineSpec {
                shifts_per_day: 3.0,
                hours_per_shift: 9.0,
                days_per_week: 5.0,
                oee: 0.8,
                operators_per_shift: None,
            },
        )
        .unwrap_err();
        assert_eq!(e.field, "hours_per_shift");
        let e = RoutingStep::new("A", "L1", "weld", 0.0, None).unwrap_err();
        assert_eq!(e.field, "cycle_seconds");
    }
}
