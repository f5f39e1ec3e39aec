//! Planner events: knowledge the history cannot show (promotions, listings, overrides, launches).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::demand::Product;
use crate::field::{key, non_negative, FieldError};
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
    /// The sku ends: from that month on its forecast and its range are 0 (value 0 or empty).
    Discontinue,
}

impl FromStr for EventKind {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "multiplier" => Ok(Self::Multiplier),
            "add" => Ok(Self::Add),
            "override" => Ok(Self::Override),
            "launch" => Ok(Self::Launch),
            "discontinue" => Ok(Self::Discontinue),
            _ => Err(FieldError::new(
                "kind",
                format!("{s:?} is not one of multiplier, add, override, launch, discontinue"),
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
            Self::Discontinue => "discontinue",
        })
    }
}

/// How `events.csv` names a whole family in its `sku` column: `family:NAME`.
pub const FAMILY_PREFIX: &str = "family:";

/// One row of `events.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The sku, or `family:NAME` for every sku of a family ([`Event::family`],
    /// [`expand_family`]).
    pub sku: String,
    /// The month it applies to (for `launch` and `discontinue`, the first month).
    pub month: Month,
    /// The last month it applies to, inclusive, for an event over a range of months
    /// (`2027-01..2027-03` in events.csv); `None` for one month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Month>,
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
            to: None,
            kind,
            value: non_negative("value", value)?,
            note,
        })
    }

    /// The event over the months `self.month..=to`.
    ///
    /// # Errors
    /// [`FieldError`] on `month` when `to` is before the first month, or when the kind runs to
    /// the end of the horizon on its own (`launch`, `discontinue`).
    pub fn through(mut self, to: Month) -> Result<Self, FieldError> {
        if to < self.month {
            return Err(FieldError::new(
                "month",
                format!("{}..{to} ends before it starts", self.month),
            ));
        }
        if matches!(self.kind, EventKind::Launch | EventKind::Discontinue) && to != self.month {
            return Err(FieldError::new(
                "month",
                format!(
                    "a {} runs from its month to the end of the plan: give one month, not {}..{to}",
                    self.kind, self.month
                ),
            ));
        }
        self.to = (to != self.month).then_some(to);
        Ok(self)
    }

    /// The last month the event applies to (its month for a one-month event).
    pub fn last(&self) -> Month {
        self.to.unwrap_or(self.month)
    }

    /// The months the event names: its month, or its range (not the horizon a `launch` or a
    /// `discontinue` then runs over).
    pub fn months(&self) -> impl Iterator<Item = Month> + '_ {
        (0..=self.month.months_until(self.last())).map(|i| self.month.plus(i))
    }

    /// The family a `family:NAME` event names.
    pub fn family(&self) -> Option<&str> {
        self.sku.strip_prefix(FAMILY_PREFIX).map(str::trim)
    }
}

/// A `family:NAME` event as one event per sku of that family in `products` for which `planned`
/// holds (a sku with history or a launch: the others have no forecast to change), in the order
/// of `products`; any other event as itself.
///
/// # Errors
/// [`FieldError`] on `sku` when `products` lists no such family (naming the families it has), or
/// when none of the family's skus is planned.
pub fn expand_family(
    event: &Event,
    products: &[Product],
    planned: &dyn Fn(&str) -> bool,
) -> Result<Vec<Event>, FieldError> {
    let Some(family) = event.family() else {
        return Ok(vec![event.clone()]);
    };
    let members: Vec<&Product> = products.iter().filter(|p| p.family == family).collect();
    if members.is_empty() {
        let mut known: Vec<&str> = products.iter().map(|p| p.family.as_str()).collect();
        known.sort_unstable();
        known.dedup();
        let shown: Vec<&str> = known.iter().take(10).copied().collect();
        return Err(FieldError::new(
            "sku",
            if products.is_empty() {
                format!("{family:?} is not a family: there are no products")
            } else {
                format!(
                    "{family:?} is not a family of the products (their families: {}{})",
                    shown.join(", "),
                    if known.len() > shown.len() {
                        ", ..."
                    } else {
                        ""
                    }
                )
            },
        ));
    }
    let out: Vec<Event> = members
        .iter()
        .filter(|p| planned(&p.sku))
        .map(|p| Event {
            sku: p.sku.clone(),
            ..event.clone()
        })
        .collect();
    if out.is_empty() {
        return Err(FieldError::new(
            "sku",
            format!(
                "family {family:?} has {} sku{}, none with history or a launch: the event would \
                 change nothing",
                members.len(),
                if members.len() == 1 { "" } else { "s" }
            ),
        ));
    }
    Ok(out)
}

/// A number a planner typed for a sku and month (an edited cell of a plan workbook's overrides
/// sheet): that month's final forecast, after its other events
/// ([`crate::scenario::PlanInput::overrides`], [`with_overrides`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct Override {
    /// The sku.
    pub sku: String,
    /// The month.
    pub month: Month,
    /// The final forecast of the month, in units.
    pub quantity: f64,
    /// Where it comes from (free text: the workbook and the number typed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

crate::field::checked_serde!(Override => checked);

impl Override {
    /// An override.
    ///
    /// # Errors
    /// [`FieldError`] for a blank sku or a negative or non-finite quantity.
    pub fn new(
        sku: &str,
        month: Month,
        quantity: f64,
        note: Option<String>,
    ) -> Result<Self, FieldError> {
        Ok(Self {
            sku: key("sku", sku)?,
            month,
            quantity: non_negative("quantity", quantity)?,
            note,
        })
    }

    /// The override through [`Override::new`]'s checks (for a deserialized one).
    fn checked(self) -> Result<Self, FieldError> {
        Self::new(&self.sku, self.month, self.quantity, self.note)
    }
}

/// `existing` with `overrides` as `override` events, set so that each overridden month's final
/// forecast is the number typed: a `multiplier` or `add` event of `existing` in the same sku and
/// month applies after an override, so the event's value is the number before them. An
/// `override` of `existing` in an overridden cell gives way (an override over a range of months
/// is split into one event per month, so that only the overridden month gives way); their count
/// is returned with the events.
pub fn with_overrides(existing: &[Event], overrides: &[Override]) -> (Vec<Event>, usize) {
    let edited: std::collections::HashSet<(&str, Month)> = overrides
        .iter()
        .map(|o| (o.sku.as_str(), o.month))
        .collect();
    let overridden = |e: &Event, m: Month| edited.contains(&(e.sku.as_str(), m));
    let mut replaced = 0;
    let mut out = Vec::with_capacity(existing.len() + overrides.len());
    for e in existing {
        let split =
            e.kind == EventKind::Override && e.to.is_some() && e.months().any(|m| overridden(e, m));
        if split {
            for m in e.months() {
                if overridden(e, m) {
                    replaced += 1;
                } else {
                    out.push(Event {
                        month: m,
                        to: None,
                        ..e.clone()
                    });
                }
            }
        } else if e.kind == EventKind::Override && overridden(e, e.month) {
            replaced += 1;
        } else {
            out.push(e.clone());
        }
    }
    for o in overrides {
        let same = |k: EventKind| {
            existing.iter().filter(move |e| {
                e.kind == k && e.sku == o.sku && e.month <= o.month && o.month <= e.last()
            })
        };
        let factor: f64 = same(EventKind::Multiplier).map(|e| e.value).product();
        let added: f64 = same(EventKind::Add).map(|e| e.value).sum();
        let value = if factor > 0.0 {
            ((o.quantity - added) / factor).max(0.0)
        } else {
            o.quantity
        };
        out.push(Event {
            sku: o.sku.clone(),
            month: o.month,
            kind: EventKind::Override,
            value,
            note: o.note.clone(),
            to: None,
        });
    }
    (out, replaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn a_family_event_becomes_one_per_planned_sku() {
        let products = vec![
            Product::new("A1", "bottles", None, None).unwrap(),
            Product::new("B1", "lids", None, None).unwrap(),
            Product::new("A2", "bottles", None, None).unwrap(),
            Product::new("A3", "bottles", None, None).unwrap(),
        ];
        let e = Event::new(
            "family:bottles",
            m("2027-01"),
            EventKind::Multiplier,
            1.5,
            None,
        )
        .unwrap()
        .through(m("2027-03"))
        .unwrap();
        assert_eq!(e.family(), Some("bottles"));
        let out = expand_family(&e, &products, &|s| s != "A3").unwrap();
        let skus: Vec<&str> = out.iter().map(|e| e.sku.as_str()).collect();
        assert_eq!(skus, ["A1", "A2"]);
        assert_eq!(out[0].to, Some(m("2027-03")));
        assert_eq!(out[1].months().count(), 3);
        let bad = Event::new("family:cups", m("2027-01"), EventKind::Add, 1.0, None).unwrap();
        assert_eq!(
            expand_family(&bad, &products, &|_| true)
                .unwrap_err()
                .to_string(),
            "\"cups\" is not a family of the products (their families: bottles, lids)"
        );
        let one = Event::new("A1", m("2027-01"), EventKind::Add, 1.0, None).unwrap();
        assert_eq!(expand_family(&one, &[], &|_| true).unwrap(), vec![one]);
    }

    #[test]
    fn ranges_are_checked() {
        let e = |kind| Event::new("A", m("2027-02"), kind, 1.0, None).unwrap();
        assert!(e(EventKind::Add).through(m("2027-01")).is_err());
        assert!(e(EventKind::Discontinue).through(m("2027-03")).is_err());
        assert_eq!(
            e(EventKind::Add).through(m("2027-02")).unwrap().to,
            None,
            "a range of one month is that month"
        );
        assert_eq!(
            "Discontinue".parse::<EventKind>().unwrap(),
            EventKind::Discontinue
        );
    }

    #[test]
    fn an_override_is_the_final_number_after_its_months_events() {
        let ev = |sku: &str, month: &str, kind, value| {
            Event::new(sku, m(month), kind, value, None).unwrap()
        };
        let overrides = vec![
            Override::new("A", m("2026-02"), 140.0, Some("edited.xlsx: 140".into())).unwrap(),
            Override::new("B", m("2026-03"), 7.0, None).unwrap(),
            Override::new("C", m("2026-02"), 5.0, None).unwrap(),
        ];
        let existing = vec![
            ev("A", "2026-02", EventKind::Multiplier, 1.3),
            ev("A", "2026-02", EventKind::Add, 10.0),
            ev("A", "2026-02", EventKind::Override, 99.0),
            ev("A", "2026-03", EventKind::Override, 50.0),
            ev("C", "2026-01", EventKind::Override, 3.0)
                .through(m("2026-03"))
                .unwrap(),
        ];
        let (events, replaced) = with_overrides(&existing, &overrides);
        // A's override of the overridden cell gives way, and C's range loses its middle month.
        assert_eq!(replaced, 2);
        let overrides_of = |sku: &str| -> Vec<(Month, f64)> {
            events
                .iter()
                .filter(|e| e.sku == sku && e.kind == EventKind::Override)
                .map(|e| (e.month, e.value))
                .collect()
        };
        // (140 - 10) / 1.3 = 100: then x1.3 = 130, + 10 = 140, the number typed.
        let a = overrides_of("A");
        assert_eq!(a.len(), 2);
        assert_eq!(a[0], (m("2026-03"), 50.0));
        assert_eq!(a[1].0, m("2026-02"));
        assert!((a[1].1 - 100.0).abs() < 1e-9, "{}", a[1].1);
        assert_eq!(overrides_of("B"), vec![(m("2026-03"), 7.0)]);
        assert_eq!(
            overrides_of("C"),
            vec![
                (m("2026-01"), 3.0),
                (m("2026-03"), 3.0),
                (m("2026-02"), 5.0)
            ]
        );
        assert_eq!(events.len(), 2 + 2 + 1 + 3);
        assert!(Override::new("A", m("2026-02"), -1.0, None).is_err());
        assert!(Override::new(" ", m("2026-02"), 1.0, None).is_err());
    }
}
