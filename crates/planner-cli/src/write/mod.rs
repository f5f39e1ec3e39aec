//! Writing outputs: atomically (a temporary file in the same folder, then a rename), never over
//! an input file ([`Guard`]); a folder of outputs as one set ([`outdir`]).
//!
//! By kind: [`tables`] (typed tables, one builder per file, rendered as CSV here and by the
//! pages and workbooks), [`pages`] (the HTML pages), [`workbooks`] (the Excel workbooks),
//! [`charts`] (SVG and PNG); [`findings`] draws the core's ranked findings for the terminal, a
//! page and a sheet. The number spellings they share ([`num`], [`grouped`], [`thousands`]) are
//! here.

pub mod charts;
pub mod findings;
pub mod outdir;
pub mod pages;
pub mod tables;
pub mod workbooks;

use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context;

/// Where outputs go, and which files must never be written over.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    inputs: Vec<PathBuf>,
    /// While an [`outdir::OutputSet`] is written: `--out` as given, and the staging folder every
    /// path under it is written to instead.
    staged: Option<(PathBuf, PathBuf)>,
    /// While [`outdir::OutputFiles`] are written: the folder (canonical) whose manifest lists
    /// each file written into it, and a lock so that two threads do not update it at once.
    recorded: Option<(PathBuf, Arc<Mutex<()>>)>,
    /// While [`outdir::OutputFiles`] are written: what may be written beside `--out FILE`.
    siblings: Option<Arc<outdir::Siblings>>,
}

impl Guard {
    /// A guard over these input files.
    pub fn new<'a>(inputs: impl IntoIterator<Item = &'a PathBuf>) -> Self {
        Self {
            inputs: inputs
                .into_iter()
                .filter_map(|p| std::fs::canonicalize(p).ok())
                .collect(),
            ..Self::default()
        }
    }

    /// Adds an input file.
    pub fn protect(&mut self, path: &Path) {
        if let Ok(p) = std::fs::canonicalize(path) {
            self.inputs.push(p);
        }
    }

    /// The input files, canonical.
    pub fn inputs(&self) -> &[PathBuf] {
        &self.inputs
    }

    /// From now on, writes every path under `out` into `staging` instead (messages still name
    /// the path under `out`), and refuses any path outside `out`.
    pub fn stage(&mut self, out: &Path, staging: &Path) {
        self.staged = Some((out.to_path_buf(), staging.to_path_buf()));
    }

    /// From now on, checks each write beside `--out FILE` ([`outdir::Siblings::check`]).
    pub fn siblings(&mut self, siblings: outdir::Siblings) {
        self.siblings = Some(Arc::new(siblings));
    }

    /// From now on, adds each file written into `dir` (canonical) to its manifest.
    pub fn record_in(&mut self, dir: &Path) {
        self.recorded = Some((dir.to_path_buf(), Arc::default()));
    }

    /// Where a write of `path` goes: `path` itself, or its place in the staging folder.
    fn destination(&self, path: &Path) -> anyhow::Result<PathBuf> {
        let Some((out, staging)) = &self.staged else {
            return Ok(path.to_path_buf());
        };
        match path.strip_prefix(out) {
            Ok(rel)
                if !rel.as_os_str().is_empty()
                    && rel.components().all(|c| matches!(c, Component::Normal(_))) =>
            {
                Ok(staging.join(rel))
            }
            _ => anyhow::bail!(
                "{}: is outside --out {}; a run writes only there",
                path.display(),
                out.display()
            ),
        }
    }

    /// Writes `path` atomically with `f`, refusing when `path` is an input.
    pub fn write(
        &self,
        path: &Path,
        f: impl FnOnce(&mut (dyn Write + Send)) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        self.write_file(path, None, f)
    }

    /// [`Guard::write`], of a CSV file with `header` when it is a table.
    fn write_file(
        &self,
        path: &Path,
        header: Option<&[String]>,
        f: impl FnOnce(&mut (dyn Write + Send)) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        if let Some(s) = &self.siblings {
            s.check(path, header)?;
        }
        if let Ok(existing) = std::fs::canonicalize(path) {
            if self.inputs.contains(&existing) {
                anyhow::bail!(
                    "{}: is an input file; refusing to write an output over it (choose another --out)",
                    path.display()
                );
            }
        }
        let destination = self.destination(path)?;
        // Messages name `path`'s folder, never the staging folder.
        let parent = |p: &Path| match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let (dir, shown) = (parent(&destination), parent(path));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("{}: cannot create the folder", shown.display()))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".planner-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .with_context(|| format!("{}: cannot create a temporary file", shown.display()))?;
        {
            // A full disk or a failed write names the file being written.
            let mut w = std::io::BufWriter::new(tmp.as_file_mut());
            f(&mut w).with_context(|| format!("{}: cannot write", path.display()))?;
            w.flush()
                .with_context(|| format!("{}: cannot write", path.display()))?;
        }
        // tempfile creates 0600 files; outputs are meant to be shared (mailed, opened by others).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .with_context(|| format!("{}: cannot set permissions", path.display()))?;
        }
        tmp.persist(&destination)
            .with_context(|| format!("{}: cannot write", path.display()))?;
        if let Some((recorded, lock)) = &self.recorded {
            if std::fs::canonicalize(&dir).is_ok_and(|d| &d == recorded) {
                let _one_at_a_time = lock.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(name) = destination.file_name() {
                    outdir::record(recorded, &name.to_string_lossy())?;
                }
            }
        }
        Ok(())
    }

    /// Checks, before any is written, that the tables a command writes beside its `--out FILE`
    /// replace no file planner did not write, and that `--out` names none of them
    /// ([`outdir::Siblings`]); nothing outside an [`outdir::OutputFiles`] run.
    ///
    /// # Errors
    /// Naming the first such file.
    pub fn vet_beside(&self, out: &Path, tables: &[(&Path, &[String])]) -> anyhow::Result<()> {
        let Some(s) = &self.siblings else {
            return Ok(());
        };
        for (path, header) in tables {
            if path.file_name() == out.file_name() {
                anyhow::bail!(
                    "{}: this command writes a file of that name beside its --out as well; name \
                     --out otherwise",
                    out.display()
                );
            }
            s.vet(path, Some(header))?;
        }
        Ok(())
    }

    /// Writes `bytes` (a workbook, a page, a chart) to `path` atomically.
    pub fn bytes(&self, path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
        self.write(path, |w| Ok(w.write_all(bytes)?))
    }

    /// Writes a table as CSV, atomically.
    pub fn table(&self, path: &Path, table: &tables::Table) -> anyhow::Result<()> {
        self.write_file(path, Some(&table.header), |w| {
            let mut out = csv::Writer::from_writer(w);
            out.write_record(&table.header)?;
            let mut cell = String::new();
            for r in &table.rows {
                write_cells(&mut out, r, &mut cell)?;
            }
            out.flush()?;
            Ok(())
        })
    }

    /// Writes a table as CSV, atomically, each row as `rows` makes it, and returns what a sheet
    /// and a page show of it: every row when it has at most `keep`; else its first `shown`
    /// (the others counted in [`tables::Table::omitted`]) and no totals row, since a table
    /// that long is in its CSV file only. A large table is never held whole.
    pub fn table_rows(
        &self,
        path: &Path,
        mut rows: tables::Rows<'_>,
        keep: usize,
        shown: usize,
    ) -> anyhow::Result<tables::Table> {
        let shown = shown.min(keep);
        let mut held: Vec<Vec<tables::Cell>> = Vec::new();
        let mut omitted = 0usize;
        self.write(path, |w| {
            let mut out = csv::Writer::from_writer(w);
            out.write_record(&rows.header)?;
            let mut cell = String::new();
            while let Some(r) = rows.next_row() {
                write_cells(&mut out, &r, &mut cell)?;
                if omitted > 0 {
                    omitted += 1;
                } else if held.len() < keep {
                    held.push(r);
                } else {
                    held.truncate(shown);
                    held.shrink_to_fit();
                    omitted = keep + 1 - shown;
                }
            }
            out.flush()?;
            Ok(())
        })?;
        if omitted == 0 {
            return Ok(rows.finish(held));
        }
        let mut table = tables::Table::new(std::mem::take(&mut rows.header), held);
        table.omitted = omitted;
        Ok(table)
    }

    /// Writes a CSV file atomically from a header and rows of cells.
    pub fn csv(&self, path: &Path, header: &[String], rows: &[Vec<String>]) -> anyhow::Result<()> {
        self.write_file(path, Some(header), |w| {
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

/// Writes `cells` as one CSV record, each cell spelt into the one buffer `cell`.
fn write_cells<W: Write>(
    out: &mut csv::Writer<W>,
    cells: &[tables::Cell],
    cell: &mut String,
) -> csv::Result<()> {
    for c in cells {
        cell.clear();
        c.csv_into(cell);
        out.write_field(cell.as_bytes())?;
    }
    out.write_record(None::<&[u8]>)
}

/// A number as a planner reads it: at most `decimals` decimals, trailing zeros dropped.
pub fn num(x: f64, decimals: usize) -> String {
    let mut s = String::new();
    num_into(&mut s, x, decimals);
    s
}

/// Appends [`num`]`(x, decimals)` to `out` (one buffer for a table's millions of numbers).
pub fn num_into(out: &mut String, x: f64, decimals: usize) {
    use std::fmt::Write as _;
    if !x.is_finite() {
        return;
    }
    // Ties round away from zero, as a spreadsheet does (`format!` alone
    // would round 1.25 to 1.2).
    let scale = 10f64.powi(decimals as i32);
    let rounded = (x * scale).round() / scale;
    let x = if rounded.is_finite() { rounded } else { x };
    let start = out.len();
    // Writing to a String cannot fail.
    let _ = write!(out, "{x:.decimals$}");
    if out[start..].contains('.') {
        let kept = out[start..]
            .trim_end_matches('0')
            .trim_end_matches('.')
            .len();
        out.truncate(start + kept);
    }
    if &out[start..] == "-0" {
        out.truncate(start);
        out.push('0');
    }
}

/// `x` with at most `decimals` decimals (trailing zeros dropped) and its whole part grouped by
/// thousands: `12,345.6`.
pub fn grouped(x: f64, decimals: usize) -> String {
    let s = num(x, decimals);
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s.as_str()),
    };
    let (whole, frac) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    let mut out = String::from(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A whole number with thousands separators: `12,345` (the figures of the pages and the
/// terminal).
pub fn thousands(x: f64) -> String {
    grouped(x, 0)
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
    fn numbers_appended_to_a_buffer_are_spelt_as_alone() {
        let mut buf = String::from("x");
        for (x, d) in [
            (12.0, 2),
            (-0.0001, 2),
            (1.25, 1),
            (-2.5, 0),
            (f64::NAN, 2),
            (100.0, 0),
        ] {
            buf.truncate(1);
            num_into(&mut buf, x, d);
            assert_eq!(buf, format!("x{}", num(x, d)), "{x} with {d} decimals");
        }
        buf.truncate(1);
        num_into(&mut buf, -0.0001, 2);
        assert_eq!(buf, "x0");
    }

    #[test]
    fn a_table_is_written_cell_by_cell_as_the_cells_spell_themselves() {
        use tables::{Cell, Table};
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("t.csv");
        let t = Table::new(
            vec!["sku".into(), "q".into(), "m".into(), "price".into()],
            vec![
                vec![
                    Cell::text("A,1"),
                    Cell::count(1.5, 0),
                    Cell::month("2026-01".parse().unwrap()),
                    Cell::money(2.50, 2, Some("EUR")),
                ],
                vec![
                    Cell::text("B"),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::ratio(0.1234, 2),
                ],
            ],
        );
        Guard::new(&Vec::<PathBuf>::new()).table(&out, &t).unwrap();
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "sku,q,m,price\n\"A,1\",2,2026-01,2.5\nB,,,0.12\n"
        );
    }

    #[test]
    fn thousands_group_the_whole_part_only() {
        assert_eq!(grouped(0.0, 2), "0");
        assert_eq!(grouped(999.0, 0), "999");
        assert_eq!(grouped(1000.0, 0), "1,000");
        assert_eq!(grouped(-12_345.678, 2), "-12,345.68");
    }

    #[test]
    fn thousands_are_whole_and_separated() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1234.0), "1,234");
        assert_eq!(thousands(-1_234_567.0), "-1,234,567");
        assert_eq!(thousands(-0.4), "0");
        assert_eq!(thousands(f64::NAN), "");
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
