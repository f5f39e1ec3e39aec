//! Load errors: every problem names the file, the line and the column.

use std::fmt;

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
}

impl LoadError {
    /// A problem with the file as a whole.
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line: None,
            column: None,
            message: capped(message),
        }
    }

    /// A problem on a line of a file when the line is known, else of the whole file.
    pub fn at(file: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line,
            column: None,
            message: capped(message),
        }
    }

    /// A problem on one line of a file.
    pub fn line(file: &str, line: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line: Some(line),
            column: None,
            message: capped(message),
        }
    }

    /// A problem in one cell.
    pub fn cell(file: &str, line: usize, column: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line: Some(line),
            column: Some(column.to_string()),
            message: capped(message),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
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
}

impl Problems {
    /// Records an error.
    pub fn error(&mut self, e: LoadError) {
        self.errors.push(e);
    }

    /// Records a warning.
    pub fn warn(&mut self, w: String) {
        self.warnings.push(capped(w));
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
