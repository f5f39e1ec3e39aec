//! Load errors: every problem names the file, the line and the column.

use std::fmt;
use std::sync::Arc;

use super::workbook::SheetMap;

pub use planner_core::time::shorten;

/// The longest code (sku, material, line, family...) planner takes, in characters: longer is a
/// paste gone wrong, and would not fit a file name.
pub const MAX_CODE_CHARS: usize = 100;

/// The longest message: anything longer is cut (a message quotes values, never kilobytes).
const MAX_MESSAGE_CHARS: usize = 400;

/// A value as messages quote it: in double quotes, cut to its first 60 characters and `…`.
pub fn quote(value: &str) -> String {
    format!("{:?}", shorten(value))
}

/// A message cut to [`MAX_MESSAGE_CHARS`].
fn capped(message: impl Into<String>) -> String {
    let m = message.into();
    match m.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((at, _)) => format!("{}…", &m[..at]),
        None => m,
    }
}

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file's name as the planner knows it (`demand.csv`).
    pub file: String,
    /// The 1-based line, when the problem is on one line.
    pub line: Option<usize>,
    /// The column (or planner.toml key), when the problem is in one.
    pub column: Option<String>,
    /// What was expected.
    pub message: String,
    /// For a table read from a workbook: the sheet, and the cell (`C17`) when the column is
    /// known; `line` is then the sheet's row.
    pub sheet: Option<Box<(String, Option<String>)>>,
}

impl LoadError {
    /// A problem with the file as a whole.
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line: None,
            column: None,
            message: capped(message),
            sheet: None,
        }
    }

    /// A problem on a line of a file when the line is known, else of the whole file.
    pub fn at(file: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line,
            column: None,
            message: capped(message),
            sheet: None,
        }
    }

    /// A problem on one line of a file.
    pub fn line(file: &str, line: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line: Some(line),
            column: None,
            message: capped(message),
            sheet: None,
        }
    }

    /// A problem in one cell.
    pub fn cell(file: &str, line: usize, column: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line: Some(line),
            column: Some(column.to_string()),
            message: capped(message),
            sheet: None,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(spot) = &self.sheet {
            let (sheet, cell) = &**spot;
            write!(f, ": sheet {sheet}")?;
            match (cell, self.line) {
                (Some(cell), _) => write!(f, ", cell {cell}")?,
                (None, Some(row)) => write!(f, ", row {row}")?,
                (None, None) => {}
            }
            write!(f, ": ")?;
            if let (None, Some(column)) = (cell, &self.column) {
                write!(f, "column {column}: ")?;
            }
            return write!(f, "{}", self.message);
        }
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if let Some(column) = &self.column {
            write!(f, "column {column}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for LoadError {}

/// Every problem found in a folder, in file order.
#[derive(Debug, Default)]
pub struct Problems {
    /// Errors: the run cannot go on.
    pub errors: Vec<LoadError>,
    /// Warnings: unknown columns and the like.
    pub warnings: Vec<String>,
    /// Doubts: what `planner validate` reports as errors and other commands take with one
    /// warning that counts them (an event naming a sku with no history). Each with its
    /// summary line.
    pub doubts: Vec<LoadError>,
    /// The warning the other commands print for the doubts, when there are any.
    pub doubts_warning: Option<String>,
    /// The tables read from workbooks: the problems found in them (named by the CSV name the
    /// loaders know, `routings.csv`) are put at their sheet and cell.
    pub sheets: Vec<Arc<SheetMap>>,
    /// How many of `sheets` were there when this list was forked ([`Problems::fork`]).
    forked_at: usize,
}

impl Problems {
    /// Records an error.
    pub fn error(&mut self, e: LoadError) {
        let e = self.locate(e);
        self.errors.push(e);
    }

    /// Records a doubt (see [`Problems::doubts`]).
    pub fn doubt(&mut self, e: LoadError) {
        let e = self.locate(e);
        self.doubts.push(e);
    }

    /// Records a warning.
    pub fn warn(&mut self, w: String) {
        let w = self.rename(w);
        self.warnings.push(capped(w));
    }

    /// Remembers that a table of the folder was read from a workbook.
    pub fn register(&mut self, map: Arc<SheetMap>) {
        self.sheets.push(map);
    }

    /// An error at its sheet and cell when its file was read from a workbook, with the names of
    /// the folder's workbooks for their CSV names in its message.
    fn locate(&self, e: LoadError) -> LoadError {
        let mut e = match self.sheets.iter().find(|m| m.names(&e.file)) {
            Some(m) => m.locate(e),
            None => e,
        };
        e.message = self.rename(std::mem::take(&mut e.message));
        e
    }

    /// `routings.csv` said as `routings.xlsx` when the folder's routings are a workbook.
    fn rename(&self, mut text: String) -> String {
        for m in &self.sheets {
            if let Some(csv) = &m.csv_name {
                if text.contains(csv.as_str()) {
                    text = text.replace(csv.as_str(), &m.workbook);
                }
            }
        }
        text
    }

    /// An empty list for a loader run alongside others ([`Problems::join`]): it knows the
    /// workbooks registered so far, as the loader run alone would.
    pub fn fork(&self) -> Self {
        Self {
            sheets: self.sheets.clone(),
            forked_at: self.sheets.len(),
            ..Self::default()
        }
    }

    /// Appends the problems of a list made by [`Problems::fork`], as if its loader had run
    /// here, now: forks joined in the order their loaders would have run give the problems in
    /// that order, each message naming the workbooks registered before it.
    pub fn join(&mut self, other: Self) {
        let Self {
            errors,
            warnings,
            doubts,
            doubts_warning,
            sheets,
            forked_at,
        } = other;
        for mut e in errors {
            e.message = self.rename(e.message);
            self.errors.push(e);
        }
        for mut e in doubts {
            e.message = self.rename(e.message);
            self.doubts.push(e);
        }
        for w in warnings {
            let w = self.rename(w);
            self.warnings.push(w);
        }
        if doubts_warning.is_some() {
            self.doubts_warning = doubts_warning;
        }
        self.sheets.extend(sheets.into_iter().skip(forked_at));
    }

    /// Doubts become errors (`planner validate`).
    pub fn doubts_as_errors(&mut self) {
        self.errors.append(&mut self.doubts);
        self.doubts_warning = None;
    }

    /// Doubts become their one warning (every other command).
    pub fn doubts_as_warning(&mut self) {
        self.doubts.clear();
        if let Some(w) = self.doubts_warning.take() {
            self.warn(w);
        }
    }
}
