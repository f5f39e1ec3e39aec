//! Purchasing facts per material (`materials.csv`).

use serde::{Deserialize, Serialize};

use crate::field::{checked_serde, key, non_negative, positive, FieldError};
use crate::time::Month;

/// A material (bought, or a sub-assembly made by the contract manufacturer); deserializing
/// one runs [`Material::new`]'s checks and those of the fields set after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct Material {
    /// The material's code.
    pub material: String,
    /// Days from order to receipt.
    pub lead_time_days: u32,
    /// Minimum order quantity.
    pub moq: f64,
    /// Orders are a multiple of this (a reel, a bag, a pallet).
    pub order_multiple: f64,
    /// Cost of one unit.
    pub unit_cost: f64,
    /// Stock on hand at the start of the first planned month.
    pub on_hand: f64,
    /// Quantity on open orders.
    pub on_order: f64,
    /// The month the open orders arrive (the first planned month when not given).
    pub on_order_month: Option<Month>,
    /// Safety stock; derived from the forecast's uncertainty when not given.
    pub safety_stock: Option<f64>,
    /// Standard deviation of the lead time in days (0: the lead time is certain); widens the
    /// derived safety stock.
    #[serde(default)]
    pub lead_time_sd_days: f64,
    /// Further open orders, each due in its month (`open_orders.csv`): scheduled receipts beside
    /// `on_order`. One due before the first planned month is counted in the first month.
    #[serde(default)]
    pub receipts: Vec<Receipt>,
}

/// An open order of a material due in a month: a scheduled receipt of the MRP record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    /// The month the order is due.
    pub month: Month,
    /// Units still to arrive, not negative.
    pub quantity: f64,
}

checked_serde!(Material => checked);

impl Material {
    /// The material through [`Material::new`]'s checks, the fields set after it non-negative
    /// (for a deserialized one).
    fn checked(self) -> Result<Self, FieldError> {
        let mut m = Self::new(
            &self.material,
            f64::from(self.lead_time_days),
            self.moq,
            self.order_multiple,
            self.unit_cost,
            self.on_hand,
        )?;
        m.on_order = non_negative("on_order", self.on_order)?;
        m.on_order_month = self.on_order_month;
        m.safety_stock = self
            .safety_stock
            .map(|s| non_negative("safety_stock", s))
            .transpose()?;
        m.lead_time_sd_days = non_negative("lead_time_sd_days", self.lead_time_sd_days)?;
        for r in &self.receipts {
            non_negative("quantity", r.quantity)?;
        }
        m.receipts = self.receipts;
        Ok(m)
    }

    /// A material with no open order and no fixed safety stock; set those fields after.
    ///
    /// # Errors
    /// [`FieldError`] naming the column: a blank code, a negative or fractional lead time, a
    /// negative MOQ, cost or stock, an order multiple that is not above zero.
    pub fn new(
        material: &str,
        lead_time_days: f64,
        moq: f64,
        order_multiple: f64,
        unit_cost: f64,
        on_hand: f64,
    ) -> Result<Self, FieldError> {
        let material = key("material", material)?;
        let lt = non_negative("lead_time_days", lead_time_days)?;
        if lt.fract() != 0.0 || lt > 3650.0 {
            return Err(FieldError::new(
                "lead_time_days",
                format!("{lead_time_days} is not a whole number of days up to 3650"),
            ));
        }
        Ok(Self {
            material,
            lead_time_days: lt as u32,
            moq: non_negative("moq", moq)?,
            order_multiple: positive("order_multiple", order_multiple)?,
            unit_cost: non_negative("unit_cost", unit_cost)?,
            on_hand: non_negative("on_hand", on_hand)?,
            on_order: 0.0,
            on_order_month: None,
            safety_stock: None,
            lead_time_sd_days: 0.0,
            receipts: Vec::new(),
        })
    }

    /// Sets the open orders.
    ///
    /// # Errors
    /// [`FieldError`] for a negative quantity.
    pub fn with_on_order(mut self, qty: f64, month: Option<Month>) -> Result<Self, FieldError> {
        self.on_order = non_negative("on_order", qty)?;
        self.on_order_month = month;
        Ok(self)
    }

    /// Adds an open order due in `month`.
    ///
    /// # Errors
    /// [`FieldError`] on `quantity` for a negative or non-finite quantity.
    pub fn with_receipt(mut self, month: Month, quantity: f64) -> Result<Self, FieldError> {
        let quantity = non_negative("quantity", quantity)?;
        self.receipts.push(Receipt { month, quantity });
        Ok(self)
    }

    /// Every scheduled receipt as `(month index from start, quantity)`: `on_order` at
    /// `on_order_month` and each of [`Material::receipts`]; months before `start` count as month
    /// 0.
    pub fn scheduled(&self, start: Month) -> impl Iterator<Item = (usize, f64)> + '_ {
        let at = move |mo: Option<Month>| mo.map_or(0, |mo| start.months_until(mo).max(0) as usize);
        std::iter::once((at(self.on_order_month), self.on_order))
            .chain(
                self.receipts
                    .iter()
                    .map(move |r| (at(Some(r.month)), r.quantity)),
            )
            .filter(|&(_, q)| q > 0.0)
    }

    /// Fixes the safety stock.
    ///
    /// # Errors
    /// [`FieldError`] for a negative quantity.
    pub fn with_safety_stock(mut self, qty: f64) -> Result<Self, FieldError> {
        self.safety_stock = Some(non_negative("safety_stock", qty)?);
        Ok(self)
    }

    /// Sets the standard deviation of the lead time in days.
    ///
    /// # Errors
    /// [`FieldError`] on `lead_time_sd_days` for a negative or non-finite spread.
    pub fn with_lead_time_sd(mut self, days: f64) -> Result<Self, FieldError> {
        self.lead_time_sd_days = non_negative("lead_time_sd_days", days)?;
        Ok(self)
    }

    /// The MRP lead-time offset in months.
    ///
    /// # Formula
    /// `ceil(lead_time_days / 30)`: 75 days is 3 months, 30 days 1 month, 0 days none.
    pub fn lead_time_months(&self) -> u32 {
        self.lead_time_days.div_ceil(30)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_time_offset_rounds_up_to_whole_months() {
        let m = |d| Material::new("M", d, 0.0, 1.0, 1.0, 0.0).unwrap();
        assert_eq!(m(0.0).lead_time_months(), 0);
        assert_eq!(m(30.0).lead_time_months(), 1);
        assert_eq!(m(31.0).lead_time_months(), 2);
        assert_eq!(m(75.0).lead_time_months(), 3);
        assert_eq!(m(120.0).lead_time_months(), 4);
        let e = Material::new("M", 10.5, 0.0, 1.0, 1.0, 0.0).unwrap_err();
        assert_eq!(e.field, "lead_time_days");
        let e = Material::new("M", 10.0, 0.0, 0.0, 1.0, 0.0).unwrap_err();
        assert_eq!(e.field, "order_multiple");
    }
}
