//! Field checks every domain uses: [`FieldError`] and the checks of keys and numbers.
//!
//! A leaf module: it imports no other module of the crate.

/// A value that a validating constructor rejected, with the contract's name of its field.
///
/// Loaders add the file and line: `lines.csv:3: column oee: 1.3 is not in (0, 1]`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{reason}")]
pub struct FieldError {
    /// The field (CSV column or planner.toml key) as the contract names it.
    pub field: &'static str,
    /// What is wrong, quoting the bad value.
    pub reason: String,
}

impl FieldError {
    /// A field error.
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

/// Checks that `value` is a finite number of at least zero.
pub(crate) fn non_negative(field: &'static str, value: f64) -> Result<f64, FieldError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(FieldError::new(
            field,
            format!("{value} is not a non-negative number"),
        ))
    }
}

/// Checks that `value` is a finite number above zero.
pub(crate) fn positive(field: &'static str, value: f64) -> Result<f64, FieldError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(FieldError::new(
            field,
            format!("{value} is not a number above zero"),
        ))
    }
}

/// Checks that a key (sku, line, material...) is not blank and returns it trimmed.
pub(crate) fn key(field: &'static str, value: &str) -> Result<String, FieldError> {
    let t = value.trim();
    if t.is_empty() {
        Err(FieldError::new(field, "is empty"))
    } else {
        Ok(t.to_string())
    }
}

/// Serde through the checks: `checked_serde!(Type, check)` makes `Type`'s `Deserialize` run
/// `Type::check` (a `fn(&self) -> Result<(), FieldError>`) on what it read, and
/// `checked_serde!(Type => checked)` run `Type::checked` (a `fn(self) -> Result<Self,
/// FieldError>`, for the types whose constructor also normalises, such as trimming a key).
///
/// The type derives `Serialize, Deserialize` with `#[serde(remote = "Self")]`: the derived
/// reader becomes an inherent function that this macro wraps, so a record read from JSON or
/// TOML is held to the same rules as one built with the constructor. The error names the field:
/// `oee: 1.3 is not in (0, 1]`.
macro_rules! checked_serde {
    ($t:ty, $check:ident) => {
        $crate::field::checked_serde!(@impl $t, |v: $t| v.$check().map(|()| v));
    };
    ($t:ty => $checked:ident) => {
        $crate::field::checked_serde!(@impl $t, |v: $t| v.$checked());
    };
    (@impl $t:ty, $f:expr) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                <$t>::serialize(self, s)
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = <$t>::deserialize(d)?;
                ($f)(v).map_err(|e: $crate::field::FieldError| {
                    serde::de::Error::custom(format_args!("{}: {}", e.field, e.reason))
                })
            }
        }
    };
}
pub(crate) use checked_serde;

#[cfg(test)]
mod tests {
    use crate::capacity::{CapacitySettings, Line, LineSpec};
    use crate::materials::Material;
    use crate::pricing::{Basis, PriceTier};
    use crate::review::TimeFence;
    use crate::Settings;

    fn err<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        serde_json::from_str::<T>(json).unwrap_err().to_string()
    }

    #[test]
    fn a_line_read_from_json_is_held_to_its_constructor() {
        let line = Line::new(
            " L1 ",
            LineSpec {
                shifts_per_day: 2.0,
                operators_per_shift: Some(6.0),
                ..LineSpec::default()
            },
        )
        .unwrap();
        let json = serde_json::to_string(&line).unwrap();
        assert_eq!(serde_json::from_str::<Line>(&json).unwrap(), line);
        assert_eq!(line.line, "L1");
        let bad = json.replace("\"oee\":0.85", "\"oee\":1.3");
        assert_ne!(bad, json);
        // The Oee newtype rejects it as the field is read.
        assert!(err::<Line>(&bad).starts_with("1.3 is not in (0, 1]"));
        let bad = json.replace("\"hours_per_shift\":8.0", "\"hours_per_shift\":13.0");
        assert!(
            err::<Line>(&bad).starts_with("hours_per_shift: 2 shifts of 13 hours exceed 24"),
            "{}",
            err::<Line>(&bad)
        );
        let bad = json.replace("\"days_per_week\":5", "\"days_per_week\":8");
        assert!(err::<Line>(&bad).starts_with("days_per_week: 8 is not a whole number"));
        let bad = json.replace("\"line\":\"L1\"", "\"line\":\"  \"");
        assert!(err::<Line>(&bad).starts_with("line: is empty"));
    }

    #[test]
    fn materials_tiers_and_fences_read_from_json_run_their_checks() {
        let mut m = Material::new("RESIN", 30.0, 100.0, 25.0, 1.5, 40.0).unwrap();
        m.safety_stock = Some(10.0);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Material>(&json).unwrap(), m);
        let bad = json.replace("\"order_multiple\":25.0", "\"order_multiple\":0.0");
        assert!(err::<Material>(&bad).starts_with("order_multiple: 0 is not a number above zero"));
        let bad = json.replace("\"safety_stock\":10.0", "\"safety_stock\":-1.0");
        assert!(err::<Material>(&bad).starts_with("safety_stock: -1 is not a non-negative"));

        let t = PriceTier::new("A", 100.0, 2.5, Basis::Annual, Some("USD".into())).unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<PriceTier>(&json).unwrap(), t);
        let bad = json.replace("\"unit_price\":2.5", "\"unit_price\":-2.5");
        assert!(err::<PriceTier>(&bad).starts_with("unit_price: -2.5 is not a non-negative"));

        let f: TimeFence = serde_json::from_str(r#"{"months":[1,3],"max_change":0.1}"#).unwrap();
        assert_eq!(f.months, [1, 3]);
        assert!(err::<TimeFence>(r#"{"months":[3,1],"max_change":0.1}"#)
            .starts_with("fences.months: [3, 1] is not a range of months"));
    }

    #[test]
    fn settings_sections_read_from_json_run_their_checks() {
        let s = Settings::default();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<Settings>(&json).unwrap(), s);
        assert!(
            err::<Settings>(r#"{"horizon":40}"#).starts_with("horizon: 40 is not between 1 and 36")
        );
        assert!(err::<Settings>(r#"{"service_level":1.0}"#)
            .starts_with("service_level: 1 is not from 0.5 to 1 (1 excluded)"));
        // 0.5 (no safety stock) is in range: the one rule, [0.5, 1).
        assert!(serde_json::from_str::<Settings>(r#"{"service_level":0.5}"#).is_ok());
        assert!(
            err::<Settings>(r#"{"segments":{"a_share":0.8,"b_share":0.5}}"#)
                .starts_with("segments.b_share: 0.5 is not a share from a_share")
        );
        let cap = serde_json::to_string(&CapacitySettings::default()).unwrap();
        assert_eq!(
            serde_json::from_str::<CapacitySettings>(&cap).unwrap(),
            CapacitySettings::default()
        );
    }
}
