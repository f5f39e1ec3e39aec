//! Writing outputs: atomically (a temporary file in the same folder, then a rename), never over
//! an input file.

pub mod charts;
pub mod report;
pub mod review_tables;
pub mod scenario_chart;
pub mod scenario_tables;
pub mod scorecard_tables;
pub mod sections;
pub mod tables;
pub mod xlsx;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Where outputs go, and which files must never be written over.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    inputs: Vec<PathBuf>,
}

impl Guard {
    /// A guard over these input files.
    pub fn new<'a>(inputs: impl IntoIterator<Item = &'a PathBuf>) -> Self {
        Self {
            inputs: inputs
                .into_iter()
                .filter_map(|p| std::fs::canonicalize(p).ok())
                .collect(),
        }
    }

    /// Adds an input file.
    pub fn protect(&mut self, path: &Path) {
        if let Ok(p) = std::fs::canonicalize(path) {
            self.inputs.push(p);
        }
    }

    /// Writes `path` atomically with `f`, refusing when `path` is an input.
    pub fn write(
        &self,
        path: &Path,
        f: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        if let Ok(existing) = std::fs::canonicalize(path) {
            if self.inputs.contains(&existing) {
                anyhow::bail!(
                    "{}: is an input file; refusing to write an output over it (choose another --out)",
                    path.display()
                );
            }
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".planner-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .with_context(|| format!("{}: cannot create a temporary file", dir.display()))?;
        {
            let mut w = std::io::BufWriter::new(tmp.as_file_mut());
            f(&mut w)?;
            w.flush()?;
        }
        // tempfile creates 0600 files; outputs are meant to be shared (mailed, opened by others).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .with_context(|| format!("{}: cannot set permissions", path.display()))?;
        }
        tmp.persist(path)
            .with_context(|| format!("{}: cannot write", path.display()))?;
        Ok(())
    }

    /// Writes a table as CSV, atomically.
    pub fn table(&self, path: &Path, table: &tables::Table) -> anyhow::Result<()> {
        self.csv(path, &table.header, &table.rows)
    }

    /// Writes a CSV file atomically from a header and rows of cells.
    pub fn csv(&self, path: &Path, header: &[String], rows: &[Vec<String>]) -> anyhow::Result<()> {
        self.write(path, |w| {
            let mut out = csv::Writer::from_writer(w);
            out.write_record(header)?;
            for r in rows {
                out.write_record(r)?;
            }
            out.flush()?;
            Ok(())
        })
    }
}

/// A number as a planner reads it: at most `decimals` decimals, trailing zeros dropped.
pub fn num(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return String::new();
    }
    // Ties round away from zero, as a spreadsheet does (`format!` alone
    // would round 1.25 to 1.2).
    let scale = 10f64.powi(decimals as i32);
    let rounded = (x * scale).round() / scale;
    let x = if rounded.is_finite() { rounded } else { x };
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

/// An optional number; empty when `None`.
pub fn opt_num(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(String::new, |v| num(v, decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(num(12.0, 2), "12");
        assert_eq!(num(12.5, 2), "12.5");
        assert_eq!(num(12.345, 2), "12.35");
        assert_eq!(num(1.25, 1), "1.3");
        assert_eq!(num(-2.5, 0), "-3");
        assert_eq!(num(-0.0001, 2), "0");
        assert_eq!(opt_num(None, 2), "");
    }

    #[test]
    fn an_input_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("demand.csv");
        std::fs::write(&input, "sku,month,quantity\n").unwrap();
        let guard = Guard::new([&input]);
        let err = guard
            .csv(&input, &["a".to_string()], &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("is an input file"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&input).unwrap(),
            "sku,month,quantity\n"
        );
        let out = dir.path().join("out/forecast.csv");
        guard
            .csv(&out, &["a".to_string()], &[vec!["1".to_string()]])
            .unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "a\n1\n");
    }
}
