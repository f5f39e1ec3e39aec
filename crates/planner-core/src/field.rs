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
