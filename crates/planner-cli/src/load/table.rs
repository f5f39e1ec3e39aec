//! Reading small CSV master files with the contract's conventions: UTF-8 with an optional BOM,
//! column names matched case-insensitively after trimming, unknown columns warned about.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

use planner_core::FieldError;

use super::error::{LoadError, Problems};

/// Normalises a header name: no BOM, trimmed, lower case.
pub fn normalize_header(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .trim()
        .to_ascii_lowercase()
}

/// A CSV file read whole, with its columns located.
pub struct Table {
    /// The file name used in messages.
    pub name: String,
    columns: HashMap<String, usize>,
    rows: Vec<(usize, csv::StringRecord)>,
}

/// One row of a [`Table`], with accessors that report problems with their position.
pub struct Row<'a> {
    table: &'a Table,
    /// The 1-based line number in the file.
    pub line: usize,
    record: &'a csv::StringRecord,
}

impl Table {
    /// Reads `path`, checking that `required` columns exist; columns neither required nor in
    /// `optional` are warned about.
    pub fn read(
        path: &Path,
        name: &str,
        required: &[&str],
        optional: &[&str],
        problems: &mut Problems,
    ) -> Result<Table, LoadError> {
        let bytes = std::fs::read(path)
            .map_err(|e| LoadError::file(name, format!("cannot read {}: {e}", path.display())))?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            LoadError::line(name, line, "is not UTF-8 text (save the file as CSV UTF-8)")
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| LoadError::line(name, 1, format!("cannot read the header row: {e}")))?
            .clone();
        if headers.iter().all(|h| h.trim().is_empty()) {
            return Err(LoadError::line(name, 1, "is empty: expected a header row"));
        }
        let mut columns = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            let h = normalize_header(h);
            if h.is_empty() {
                continue;
            }
            if columns.insert(h.clone(), i).is_some() {
                return Err(LoadError::line(
                    name,
                    1,
                    format!("column {h} appears twice"),
                ));
            }
        }
        let missing: Vec<&str> = required
            .iter()
            .filter(|c| !columns.contains_key(**c))
            .copied()
            .collect();
        if !missing.is_empty() {
            let mut found: Vec<&str> = headers.iter().map(str::trim).collect();
            found.retain(|f| !f.is_empty());
            return Err(LoadError::line(
                name,
                1,
                format!(
                    "missing column{} {} (found: {})",
                    if missing.len() > 1 { "s" } else { "" },
                    missing.join(", "),
                    found.join(", ")
                ),
            ));
        }
        let mut unknown: Vec<&String> = columns
            .keys()
            .filter(|c| !required.contains(&c.as_str()) && !optional.contains(&c.as_str()))
            .collect();
        unknown.sort();
        for u in unknown {
            problems.warn(format!("{name}: unknown column {u} is ignored"));
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as usize);
                LoadError::line(name, line, format!("is not valid CSV: {e}"))
            })?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            if record.iter().all(|f| f.trim().is_empty()) {
                continue; // blank lines at the end of spreadsheet exports
            }
            rows.push((line, record));
        }
        Ok(Table {
            name: name.to_string(),
            columns,
            rows,
        })
    }

    /// The rows, in file order.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|(line, record)| Row {
            table: self,
            line: *line,
            record,
        })
    }

    /// True when the file has the column.
    pub fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }
}

impl Row<'_> {
    fn raw(&self, column: &str) -> Option<&str> {
        let i = *self.table.columns.get(column)?;
        self.record.get(i).map(str::trim)
    }

    /// A cell error on this row.
    pub fn error(&self, column: &str, message: impl Into<String>) -> LoadError {
        LoadError::cell(&self.table.name, self.line, column, message)
    }

    /// Wraps a core constructor's error with this row's position.
    pub fn field_error(&self, e: FieldError) -> LoadError {
        self.error(e.field, e.reason)
    }

    /// A required text cell.
    pub fn text(&self, column: &str) -> Result<String, LoadError> {
        match self.raw(column) {
            Some(v) if !v.is_empty() => Ok(v.to_string()),
            _ => Err(self.error(column, "is empty")),
        }
    }

    /// An optional text cell: `None` when the column is absent or the cell empty.
    pub fn opt_text(&self, column: &str) -> Option<String> {
        self.raw(column)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    /// A required number.
    pub fn number(&self, column: &str) -> Result<f64, LoadError> {
        match self.raw(column) {
            Some(v) if !v.is_empty() => {
                parse_number(v).ok_or_else(|| self.error(column, format!("{v:?} is not a number")))
            }
            _ => Err(self.error(column, "is empty: expected a number")),
        }
    }

    /// An optional number.
    pub fn opt_number(&self, column: &str) -> Result<Option<f64>, LoadError> {
        match self.raw(column) {
            Some(v) if !v.is_empty() => parse_number(v)
                .map(Some)
                .ok_or_else(|| self.error(column, format!("{v:?} is not a number"))),
            _ => Ok(None),
        }
    }

    /// A required value parsed with `FromStr`, whose error says what was expected.
    pub fn parsed<T>(&self, column: &str) -> Result<T, LoadError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        let v = self.text(column)?;
        v.parse()
            .map_err(|e: T::Err| self.error(column, e.to_string()))
    }

    /// An optional value parsed with `FromStr`.
    pub fn opt_parsed<T>(&self, column: &str) -> Result<Option<T>, LoadError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        self.opt_text(column)
            .map(|v| {
                v.parse()
                    .map_err(|e: T::Err| self.error(column, e.to_string()))
            })
            .transpose()
    }
}

/// Parses a number as spreadsheets export it; rejects `NaN` and infinities.
pub fn parse_number(s: &str) -> Option<f64> {
    let v: f64 = s.trim().parse().ok()?;
    v.is_finite().then_some(v)
}
