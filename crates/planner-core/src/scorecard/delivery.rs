//! Delivery rows (`deliveries.csv`) and the PO lines they make up.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::field::{key, non_negative, FieldError};
use crate::time::Date;

/// One row of `deliveries.csv`: a quantity of a sku shipped (or still to ship) against a
/// purchase order's due date.
///
/// Rows with the same `po`, `sku` and `due` are one PO line delivered in parts (partial
/// deliveries); a row with no `delivered` date is the part still open.
///
/// The codes are shared (`Arc<str>`): a reader of 2 million rows gives the rows of one po or
/// one sku the same string ([`Delivery::shared`]), and their PO lines share it too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// The purchase order.
    pub po: Arc<str>,
    /// The sku.
    pub sku: Arc<str>,
    /// The date the contract manufacturer committed to.
    pub due: Date,
    /// The date the units were received; `None` while they are open.
    pub delivered: Option<Date>,
    /// Units in this row (delivered, or still open).
    pub quantity: f64,
    /// Units rejected at incoming inspection (scrapped or returned).
    pub rejected: f64,
    /// Units reworked before they could be used.
    pub reworked: f64,
    /// The unit price paid, when invoiced.
    pub unit_price: Option<f64>,
}

impl Delivery {
    /// A delivery row with no rejects, no rework and no price.
    ///
    /// # Errors
    /// [`FieldError`] for a blank po or sku, or a negative or non-finite quantity.
    pub fn new(
        po: &str,
        sku: &str,
        due: Date,
        delivered: Option<Date>,
        quantity: f64,
    ) -> Result<Self, FieldError> {
        Self::shared(
            key("po", po)?.into(),
            key("sku", sku)?.into(),
            due,
            delivered,
            quantity,
        )
    }

    /// [`Delivery::new`] of codes already shared: the rows of one po (or sku) hold one string.
    ///
    /// # Errors
    /// As [`Delivery::new`].
    pub fn shared(
        po: Arc<str>,
        sku: Arc<str>,
        due: Date,
        delivered: Option<Date>,
        quantity: f64,
    ) -> Result<Self, FieldError> {
        // A code is trimmed and not empty, as `new` makes it.
        let code = |field, c: Arc<str>| -> Result<Arc<str>, FieldError> {
            if !c.is_empty() && c.trim().len() == c.len() {
                Ok(c)
            } else {
                Ok(key(field, &c)?.into())
            }
        };
        Ok(Self {
            po: code("po", po)?,
            sku: code("sku", sku)?,
            due,
            delivered,
            quantity: non_negative("quantity", quantity)?,
            rejected: 0.0,
            reworked: 0.0,
            unit_price: None,
        })
    }

    /// Sets the rejected and reworked units.
    ///
    /// # Errors
    /// [`FieldError`] for a negative or non-finite count, for rejected and reworked units together
    /// more than the row's quantity, or for rejects on an open row (only received units can be
    /// inspected).
    pub fn with_quality(mut self, rejected: f64, reworked: f64) -> Result<Self, FieldError> {
        let rejected = non_negative("rejected", rejected)?;
        let reworked = non_negative("reworked", reworked)?;
        if self.delivered.is_none() && rejected + reworked > 0.0 {
            let field = if rejected > 0.0 {
                "rejected"
            } else {
                "reworked"
            };
            return Err(FieldError::new(
                field,
                format!(
                    "{} on a row with no delivered_date: only delivered units can be rejected or reworked",
                    if rejected > 0.0 { rejected } else { reworked }
                ),
            ));
        }
        if rejected + reworked > self.quantity {
            return Err(FieldError::new(
                if rejected > self.quantity {
                    "rejected"
                } else {
                    "reworked"
                },
                format!(
                    "{rejected} rejected and {reworked} reworked are more than the {} units delivered",
                    self.quantity
                ),
            ));
        }
        self.rejected = rejected;
        self.reworked = reworked;
        Ok(self)
    }

    /// Sets the unit price paid.
    ///
    /// # Errors
    /// [`FieldError`] for a negative or non-finite price.
    pub fn with_unit_price(mut self, unit_price: f64) -> Result<Self, FieldError> {
        self.unit_price = Some(non_negative("unit_price", unit_price)?);
        Ok(self)
    }
}

/// Where a PO line stands on the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    /// Every unit arrived before the due date: counts as on time.
    Early,
    /// Every unit arrived between the due date and the end of the grace window.
    OnTime,
    /// Every unit arrived, the last one after the grace window.
    Late,
    /// Units are still open and the grace window is over: late as of the as-of date.
    OpenLate,
    /// Units are still open but the grace window is not over: not judged yet.
    Open,
}

impl LineStatus {
    /// True for the statuses that count as on time (early and on time).
    pub fn on_time(self) -> bool {
        matches!(self, Self::Early | Self::OnTime)
    }

    /// True for the statuses that count as late (late and open past due).
    pub fn late(self) -> bool {
        matches!(self, Self::Late | Self::OpenLate)
    }

    /// The name written in `scorecard_lines.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Early => "early",
            Self::OnTime => "on_time",
            Self::Late => "late",
            Self::OpenLate => "open_late",
            Self::Open => "open",
        }
    }
}

/// One PO line: every row of `deliveries.csv` with the same `po`, `sku` and `due`, judged on
/// the as-of date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoLine {
    /// The purchase order (its rows' string).
    pub po: Arc<str>,
    /// The sku (its rows' string).
    pub sku: Arc<str>,
    /// The sku's family (one string for every line of the family).
    pub family: Arc<str>,
    /// The due date.
    pub due: Date,
    /// Units ordered: the sum of the rows' quantities.
    pub quantity: f64,
    /// Units received by the as-of date.
    pub delivered: f64,
    /// Units received by the due date plus the grace window.
    pub on_time_units: f64,
    /// The date the last unit arrived; `None` while units are open.
    pub completed: Option<Date>,
    /// Rows of `deliveries.csv` that make up the line.
    pub rows: usize,
    /// Where the line stands.
    pub status: LineStatus,
    /// Days from the due date to the last delivery (negative when early), or to the as-of date
    /// for a line open past due; `None` for an open line not yet due.
    pub days_from_due: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn day_differences_cross_months_and_leap_days() {
        assert_eq!(d("2024-02-28").days_until(d("2024-03-01")), 2);
        assert_eq!(d("2026-03-01").days_until(d("2026-02-27")), -2);
        assert_eq!(d("2025-12-31").days_until(d("2026-01-01")), 1);
        assert_eq!(d("1970-01-01").days_until(d("2000-03-01")), 11_017);
        assert_eq!(
            d("2026-10-05").plus_days(d("2026-10-05").days_until(d("2027-01-09"))),
            d("2027-01-09")
        );
    }

    #[test]
    fn shared_codes_are_kept_and_trimmed_as_new_makes_them() {
        let po: Arc<str> = "PO1".into();
        let a = Delivery::shared(po.clone(), "A".into(), d("2026-10-05"), None, 1.0).unwrap();
        let b = Delivery::shared(po.clone(), "B".into(), d("2026-10-05"), None, 1.0).unwrap();
        assert!(Arc::ptr_eq(&a.po, &b.po) && Arc::ptr_eq(&a.po, &po));
        let t = Delivery::shared(" PO1 ".into(), "A".into(), d("2026-10-05"), None, 1.0).unwrap();
        assert_eq!(
            t,
            Delivery::new("PO1", "A", d("2026-10-05"), None, 1.0).unwrap()
        );
        let e = Delivery::shared("PO1".into(), " ".into(), d("2026-10-05"), None, 1.0);
        assert_eq!(e.unwrap_err().field, "sku");
    }

    #[test]
    fn rows_reject_impossible_quality_counts() {
        let row = Delivery::new("PO1", "A", d("2026-10-05"), Some(d("2026-10-06")), 100.0).unwrap();
        let err = row.clone().with_quality(60.0, 50.0).unwrap_err();
        assert_eq!(err.field, "reworked");
        assert_eq!(
            err.reason,
            "60 rejected and 50 reworked are more than the 100 units delivered"
        );
        let open = Delivery::new("PO1", "A", d("2026-10-05"), None, 100.0).unwrap();
        let err = open.with_quality(1.0, 0.0).unwrap_err();
        assert_eq!(err.field, "rejected");
        assert!(Delivery::new(" ", "A", d("2026-10-05"), None, 1.0).is_err());
        assert_eq!(
            Delivery::new("PO1", "A", d("2026-10-05"), None, -1.0)
                .unwrap_err()
                .field,
            "quantity"
        );
        assert!(row.with_unit_price(-0.5).is_err());
    }
}
