//! Overrides handed back in a `plan.xlsx` (`planner plan --overrides FILE.xlsx`, or the
//! folder's `overrides.xlsx`): its `overrides` sheet, edited by the planner, against its
//! `overrides_base` sheet, as planner wrote them (see `write::tables::overrides`).
//!
//! A cell whose number differs from the one written becomes an `override` event of that sku and
//! month (as an `override` row of events.csv); a cell left alone or blank changes nothing. A
//! workbook made for another plan (another first month, horizon or set of skus) is refused,
//! saying which; a cell that is not a non-negative number is an error at its sheet and cell.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use planner_core::events::Override;
use planner_core::scenario::Grid;
use planner_core::time::Month;

use super::error::{quote, LoadError};
use super::table::{normalize_header, parse_number};
use super::workbook::{self, Sheet};
use crate::overrides_sheet::{
    fingerprint, numbers_checksum, BASE_SHEET, FINGERPRINT, FROM, MADE_FOR, NUMBERS, SHEET,
};

/// The overrides of a workbook, and the plan it was made for.
#[derive(Debug)]
pub struct Overrides {
    /// The workbook's file name.
    pub file: String,
    /// The first planned month of the plan it was made for.
    pub start: Month,
    /// Its months.
    pub months: Vec<Month>,
    /// Its skus, in the order written.
    pub skus: Vec<String>,
    /// The cells whose number differs from the one written: sku, month, the number typed.
    pub edited: Vec<(String, Month, f64)>,
    /// The number cells read from the sheet (edited or not).
    pub cells: usize,
}

fn sheet(path: &Path, name: &str, sheet: &str) -> Result<Sheet, LoadError> {
    workbook::read(path, name, None, Some(sheet), &|_| true).map_err(|mut e| e.remove(0))
}

/// The months of a grid header (`sku`, then one column per month), each with its column index.
fn months_of(s: &Sheet, name: &str, skip: &[&str]) -> Result<Vec<(usize, Month)>, LoadError> {
    let mut out = Vec::new();
    for (i, h) in s.header.iter().enumerate() {
        let h = normalize_header(h);
        if h.is_empty() || h == "sku" || skip.contains(&h.as_str()) {
            continue;
        }
        let m: Month = h.parse().map_err(|_| {
            let at = s.map.cell(&h, s.header_row).unwrap_or_default();
            LoadError::file(
                name,
                format!(
                    "sheet {}, cell {at}: the column {} is not a month YYYY-MM: the header \
                     holds sku, then the plan's months",
                    s.map.sheet,
                    quote(&h)
                ),
            )
        })?;
        out.push((i, m));
    }
    Ok(out)
}

fn sku_column(s: &Sheet, name: &str) -> Result<usize, LoadError> {
    s.header
        .iter()
        .position(|h| normalize_header(h) == "sku")
        .ok_or_else(|| {
            LoadError::file(
                name,
                format!(
                    "sheet {}, row {}: has no sku column: is it a plan.xlsx planner wrote?",
                    s.map.sheet, s.header_row
                ),
            )
        })
}

/// Reads the overrides of the workbook at `path`.
///
/// # Errors
/// A file that is not such a workbook, a changed `overrides_base` sheet, a sku or month of the
/// `overrides` sheet the workbook was not made for, a cell that is not a non-negative number.
pub fn read(path: &Path) -> Result<Overrides, LoadError> {
    let name = super::file_name(path);
    let not_planners = |why: String| {
        LoadError::file(
            &name,
            format!(
                "{why}: expected a plan.xlsx written by `planner plan`, with its {SHEET} sheet \
                 edited"
            ),
        )
    };
    let sheets = workbook::sheet_names(path, &name)?;
    for s in [SHEET, BASE_SHEET] {
        if !sheets.iter().any(|n| n.eq_ignore_ascii_case(s)) {
            return Err(not_planners(format!("has no sheet {s}")));
        }
    }
    // What was written, and for which plan.
    let base = sheet(path, &name, BASE_SHEET)?;
    let base_sku = sku_column(&base, &name)?;
    let base_months = months_of(&base, &name, &[MADE_FOR])?;
    let made_for = base
        .header
        .iter()
        .position(|h| normalize_header(h) == MADE_FOR)
        .ok_or_else(|| not_planners(format!("sheet {BASE_SHEET} has no {MADE_FOR} column")))?;
    let marks: Vec<&str> = base
        .rows
        .iter()
        .map(|(_, cells)| cells[made_for].trim())
        .collect();
    let mark = |prefix: &str| {
        marks
            .iter()
            .find_map(|m| m.strip_prefix(prefix))
            .map(str::trim)
    };
    let changed = |why: &str| {
        not_planners(format!(
            "sheet {BASE_SHEET} was changed since planner wrote it ({why}); it must stay as \
             written"
        ))
    };
    let start: Month = mark(FROM)
        .and_then(|m| m.parse().ok())
        .ok_or_else(|| changed("its first planned month is gone"))?;
    let stored = mark(FINGERPRINT).ok_or_else(|| changed("its fingerprint is gone"))?;
    let sums = mark(NUMBERS).ok_or_else(|| changed("its numbers' checksum is gone"))?;
    let mut written: HashMap<(String, Month), f64> = HashMap::new();
    let mut skus = Vec::new();
    let mut numbers: Vec<Vec<f64>> = Vec::new();
    for (_, cells) in &base.rows {
        let sku = cells[base_sku].trim();
        if sku.is_empty() {
            continue;
        }
        skus.push(sku.to_string());
        let mut values = Vec::with_capacity(base_months.len());
        for (i, m) in &base_months {
            let v = parse_number(&cells[*i]).ok_or_else(|| changed("a number is gone"))?;
            written.insert((sku.to_string(), *m), v);
            values.push(v);
        }
        numbers.push(values);
    }
    let months: Vec<Month> = base_months.iter().map(|(_, m)| *m).collect();
    let contiguous = months
        .iter()
        .enumerate()
        .all(|(t, m)| *m == start.plus(t as i32));
    if !contiguous || fingerprint(start, months.len(), skus.iter().map(String::as_str)) != stored {
        return Err(changed("its skus or months do not match its fingerprint"));
    }
    if numbers_checksum(skus.iter().map(String::as_str).zip(numbers)) != sums {
        return Err(changed(
            "its numbers do not match their checksum: edit the overrides sheet, not this one",
        ));
    }

    // What the planner handed back.
    let shown = sheet(path, &name, SHEET)?;
    let sku_col = sku_column(&shown, &name)?;
    let shown_months = months_of(&shown, &name, &[])?;
    let in_plan: BTreeSet<&str> = skus.iter().map(String::as_str).collect();
    for (i, m) in &shown_months {
        if !months.contains(m) {
            let h = normalize_header(&shown.header[*i]);
            return Err(shown.map.locate(LoadError::cell(
                &name,
                shown.header_row,
                &h,
                format!(
                    "{m} is not a month of the plan this workbook was made for ({} to {})",
                    start,
                    start.plus(months.len() as i32 - 1)
                ),
            )));
        }
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut edited = Vec::new();
    let mut cells = 0;
    for (row, values) in &shown.rows {
        let sku = values[sku_col].trim();
        if sku.is_empty() {
            if values.iter().any(|v| !v.trim().is_empty()) {
                return Err(shown.map.locate(LoadError::cell(
                    &name,
                    *row,
                    "sku",
                    "is empty: expected the sku of the row",
                )));
            }
            continue;
        }
        let here = |column: &str, message: String| {
            shown
                .map
                .locate(LoadError::cell(&name, *row, column, message))
        };
        if !in_plan.contains(sku) {
            return Err(here(
                "sku",
                format!(
                    "{} is not a sku of the plan this workbook was made for",
                    quote(sku)
                ),
            ));
        }
        if let Some(first) = seen.insert(sku.to_string(), *row) {
            return Err(here(
                "sku",
                format!("{} is already on row {first}", quote(sku)),
            ));
        }
        for (i, m) in &shown_months {
            let text = values[*i].trim();
            if text.is_empty() {
                continue; // blank: no override
            }
            let column = normalize_header(&shown.header[*i]);
            let v = parse_number(text)
                .ok_or_else(|| here(&column, format!("{} is not a number", quote(text))))?;
            if v < 0.0 {
                return Err(here(
                    &column,
                    format!("{} is not a non-negative number", quote(text)),
                ));
            }
            cells += 1;
            let before = written.get(&(sku.to_string(), *m)).copied();
            if before.is_none_or(|b| (b - v).abs() > 1e-9) {
                edited.push((sku.to_string(), *m, v));
            }
        }
    }
    Ok(Overrides {
        file: name,
        start,
        months,
        skus,
        edited,
        cells,
    })
}

/// The name of the folder's overrides workbook.
pub const FOLDER_FILE: &str = "overrides.xlsx";

/// The overrides workbook of a run: `given` (`--overrides FILE`), else the folder's
/// `overrides.xlsx` when there is one (an input: the caller protects it from being written
/// over).
///
/// # Errors
/// When the folder's overrides.xlsx is there but cannot be read as a file.
pub fn file(given: Option<&Path>, dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    Ok(match given {
        Some(p) => Some(p.to_path_buf()),
        None => {
            let p = dir.join(FOLDER_FILE);
            super::table::present(&p, FOLDER_FILE)?.then_some(p)
        }
    })
}

/// Reads the overrides workbook at `path` (when there is one) and checks it was made for a plan
/// of `grid`'s months and skus: its edited cells, for
/// [`planner_core::scenario::PlanInput::overrides`].
///
/// # Errors
/// Those of [`read`] and [`Overrides::check`].
pub fn read_for(path: Option<&PathBuf>, grid: &Grid) -> anyhow::Result<Option<Overrides>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let o = read(path)?;
    o.check(grid)?;
    Ok(Some(o))
}

/// The first few of `items`, and how many more./// The first few of `items`, and how many more.
fn some(items: &[&str]) -> String {
    const SHOWN: usize = 5;
    let mut s = items
        .iter()
        .take(SHOWN)
        .map(|i| quote(i))
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        s.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    s
}

impl Overrides {
    /// Checks that the workbook was made for `plan`'s grid: its first month, its months, its
    /// skus.
    ///
    /// # Errors
    /// Saying what differs.
    pub fn check(&self, plan: &Grid) -> Result<(), LoadError> {
        let refuse = |why: String| {
            LoadError::file(
                &self.file,
                format!("was made for another plan: {why}; edit this run's plan.xlsx instead"),
            )
        };
        if self.start != plan.start {
            return Err(refuse(format!(
                "its first planned month is {}, this plan's is {}",
                self.start, plan.start
            )));
        }
        if self.months.len() != plan.horizon {
            return Err(refuse(format!(
                "it has {} months from {}, this plan has {}",
                self.months.len(),
                self.start,
                plan.horizon
            )));
        }
        let ours: BTreeSet<&str> = plan.skus.iter().map(String::as_str).collect();
        let theirs: BTreeSet<&str> = self.skus.iter().map(String::as_str).collect();
        if ours != theirs {
            let gone: Vec<&str> = theirs.difference(&ours).copied().collect();
            let new: Vec<&str> = ours.difference(&theirs).copied().collect();
            let mut why = Vec::new();
            if !gone.is_empty() {
                why.push(format!("sku {} not in this plan", some(&gone)));
            }
            if !new.is_empty() {
                why.push(format!("sku {} not in the workbook", some(&new)));
            }
            return Err(refuse(why.join("; ")));
        }
        Ok(())
    }

    /// The edited cells as the core takes them: each the final forecast of its sku and month.
    pub fn to_core(&self) -> Vec<Override> {
        self.edited
            .iter()
            .map(|(sku, month, typed)| Override {
                sku: sku.clone(),
                month: *month,
                quantity: *typed,
                note: Some(format!("{}: {typed}", self.file)),
            })
            .collect()
    }

    /// The run summary's line: the cells read and what they did (`applied`: the plan's
    /// [`planner_core::ForecastRun::overrides`], `None` when nothing was edited).
    pub fn summary(&self, applied: Option<&planner_core::Overridden>) -> String {
        let n = self.edited.len();
        let mut summary = format!(
            "overrides: {}: {} cells read, {n} changed from the plan it was made for{}",
            self.file,
            self.cells,
            match n {
                0 => ": nothing overridden".to_string(),
                1 => ": 1 override event".to_string(),
                n => format!(": {n} override events"),
            }
        );
        let replaced = applied.map_or(0, |a| a.replaced);
        if replaced > 0 {
            summary.push_str(&format!(
                " ({replaced} override{} of events.csv in those cells gave way)",
                if replaced == 1 { "" } else { "s" }
            ));
        }
        summary
    }
}
