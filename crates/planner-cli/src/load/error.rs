//! Load errors: every problem names the file, the line and the column.

use std::fmt;

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
            message: message.into(),
        }
    }

    /// A problem on a line of a file when the line is known, else of the whole file.
    pub fn at(file: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line,
            column: None,
            message: message.into(),
        }
    }

    /// A problem on one line of a file.
    pub fn line(file: &str, line: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line: Some(line),
            column: None,
            message: message.into(),
        }
    }

    /// A problem in one cell.
    pub fn cell(file: &str, line: usize, column: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line: Some(line),
            column: Some(column.to_string()),
            message: message.into(),
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
}

impl Problems {
    /// Records an error.
    pub fn error(&mut self, e: LoadError) {
        self.errors.push(e);
    }

    /// Records a warning.
    pub fn warn(&mut self, w: String) {
        self.warnings.push(w);
    }
}
