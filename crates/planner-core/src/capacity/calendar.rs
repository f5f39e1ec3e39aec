//! Working calendars: the days a line works other hours than its shifts say.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::field::{key, non_negative, FieldError};
use crate::time::Date;

/// One row of `calendar.csv`: that day's total hours on a line, or on every line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarEntry {
    /// The line, or `None` for `*` (every line).
    pub line: Option<String>,
    /// The day.
    pub date: Date,
    /// Total hours worked that day (0 = holiday or shutdown).
    pub hours: f64,
    /// Why (free text).
    pub reason: Option<String>,
}

impl CalendarEntry {
    /// A calendar exception; `line` `*` means every line.
    ///
    /// # Errors
    /// [`FieldError`] for a blank line or hours outside 0 to 24.
    pub fn new(
        line: &str,
        date: Date,
        hours: f64,
        reason: Option<String>,
    ) -> Result<Self, FieldError> {
        let line = key("line", line)?;
        let hours = non_negative("hours", hours)?;
        if hours > 24.0 {
            return Err(FieldError::new(
                "hours",
                format!("{hours} is more than 24 hours in a day"),
            ));
        }
        Ok(Self {
            line: (line != "*").then_some(line),
            date,
            hours,
            reason,
        })
    }
}

/// The calendar exceptions of every line, looked up by line and day: a row for the line wins
/// over a `*` row for the same day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "Vec<CalendarEntry>", into = "Vec<CalendarEntry>")]
pub struct Calendar {
    entries: Vec<CalendarEntry>,
    #[serde(skip)]
    by_line: HashMap<(String, Date), f64>,
    #[serde(skip)]
    every_line: HashMap<Date, f64>,
}

impl Calendar {
    /// A calendar from its entries; a later entry for the same line and day replaces an earlier.
    pub fn new(entries: Vec<CalendarEntry>) -> Self {
        let mut by_line = HashMap::new();
        let mut every_line = HashMap::new();
        for e in &entries {
            match &e.line {
                Some(line) => {
                    by_line.insert((line.clone(), e.date), e.hours);
                }
                None => {
                    every_line.insert(e.date, e.hours);
                }
            }
        }
        Self {
            entries,
            by_line,
            every_line,
        }
    }

    /// The hours the calendar sets for `line` on `date`, if it names that day.
    pub fn hours(&self, line: &str, date: Date) -> Option<f64> {
        // Avoid allocating a key for the common miss: look up only when the line has entries.
        if !self.by_line.is_empty() {
            if let Some(h) = self.by_line.get(&(line.to_string(), date)) {
                return Some(*h);
            }
        }
        self.every_line.get(&date).copied()
    }

    /// The entries as given.
    pub fn entries(&self) -> &[CalendarEntry] {
        &self.entries
    }
}

impl From<Vec<CalendarEntry>> for Calendar {
    fn from(entries: Vec<CalendarEntry>) -> Self {
        Self::new(entries)
    }
}

impl From<Calendar> for Vec<CalendarEntry> {
    fn from(calendar: Calendar) -> Self {
        calendar.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_row_wins_over_a_star_row() {
        let d: Date = "2027-02-08".parse().unwrap();
        let cal = Calendar::new(vec![
            CalendarEntry::new("*", d, 0.0, Some("Lunar New Year".into())).unwrap(),
            CalendarEntry::new("L2", d, 8.0, None).unwrap(),
        ]);
        assert_eq!(cal.hours("L2", d), Some(8.0));
        assert_eq!(cal.hours("L1", d), Some(0.0));
        assert_eq!(cal.hours("L1", d.plus_days(1)), None);
        let e = CalendarEntry::new("L1", d, 25.0, None).unwrap_err();
        assert_eq!(e.field, "hours");
    }
}
