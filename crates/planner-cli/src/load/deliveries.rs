//! The inputs of `planner scorecard`: `deliveries.csv` and `scorecard.toml`.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use planner_core::scorecard::{Delivery, ScorecardSettings};
use planner_core::time::Date;

use super::error::{quote, LoadError, Problems};
use super::table::{Row, Table};

/// The name of the deliveries file in a planning folder.
pub const DELIVERIES: &str = "deliveries.csv";

/// The name of the scorecard settings file in a planning folder.
pub const SETTINGS: &str = "scorecard.toml";

/// One string a code (a po, a sku) for every row that names it: 2 million rows name some
/// 100,000 skus and fewer pos.
#[derive(Default)]
struct Codes(HashSet<Arc<str>>);

impl Codes {
    fn get(&mut self, code: String) -> Arc<str> {
        match self.0.get(code.as_str()) {
            Some(c) => c.clone(),
            None => {
                let c: Arc<str> = code.into();
                self.0.insert(c.clone());
                c
            }
        }
    }
}

fn delivery(r: &Row<'_>, codes: &mut Codes) -> Result<Delivery, LoadError> {
    let due: Date = r.parsed("due_date")?;
    let delivered: Option<Date> = r.opt_parsed("delivered_date")?;
    let row = Delivery::shared(
        codes.get(r.code("po")?),
        codes.get(r.code("sku")?),
        due,
        delivered,
        r.number("quantity")?,
    )
    .map_err(|e| r.field_error(e))?;
    let rejected = r.opt_number("rejected")?.unwrap_or(0.0);
    let reworked = r.opt_number("reworked")?.unwrap_or(0.0);
    let row = row
        .with_quality(rejected, reworked)
        .map_err(|e| r.field_error(e))?;
    match r.opt_number("unit_price")? {
        Some(p) => row.with_unit_price(p).map_err(|e| r.field_error(e)),
        None => Ok(row),
    }
}

/// Reads `deliveries.csv`, collecting every problem; returns the rows with their line numbers.
pub fn deliveries(path: &Path, name: &str, problems: &mut Problems) -> Vec<(usize, Delivery)> {
    let before = problems.errors.len();
    let mut out = Vec::new();
    let mut codes = Codes::default();
    // Record by record: the file (2 million rows at 100,000 skus) is never held whole.
    let read = Table::for_each_row(
        path,
        name,
        &["po", "sku", "due_date", "delivered_date", "quantity"],
        &["rejected", "reworked", "unit_price", "currency", "note"],
        problems,
        |row, problems| match delivery(&row, &mut codes) {
            Ok(d) => out.push((row.line, d)),
            Err(e) => problems.error(e),
        },
    );
    if let Err(e) = read {
        problems.error(e);
        return Vec::new();
    }
    if out.is_empty() && problems.errors.len() == before {
        problems.error(LoadError::file(
            name,
            "has no rows: expected one row per delivery (po, sku, due_date, delivered_date, quantity)",
        ));
    }
    warn_far_receipts(name, &out, problems);
    warn_repeated_rows(name, &out, problems);
    out
}

/// Days between a due date and its delivery beyond which the delivery is more likely a typo in
/// the year (2016 for 2026) than a line delivered so early or so late.
const FAR_DAYS: i64 = 366;

/// Rows delivered more than a year from their due date, scored as given (a delivery ten years
/// early is on time, and its units are counted in a month outside the scorecard): one warning
/// that counts them, names the first and gives the lines of the next five.
fn warn_far_receipts(name: &str, rows: &[(usize, Delivery)], problems: &mut Problems) {
    let far: Vec<&(usize, Delivery)> = rows
        .iter()
        .filter(|(_, d)| {
            d.delivered
                .is_some_and(|at| d.due.days_until(at).abs() > FAR_DAYS)
        })
        .collect();
    let Some((line, d)) = far.first() else {
        return;
    };
    let at = d.delivered.expect("a delivered row");
    problems.warn(
        format!(
            "{name}: {} row{} delivered more than a year from {} due date, scored as given (a \
         typo in the year?): line {line}, PO {} of sku {} due {}, delivered {at}",
            far.len(),
            if far.len() == 1 { "" } else { "s" },
            if far.len() == 1 { "its" } else { "their" },
            quote(&d.po),
            quote(&d.sku),
            d.due,
        ) + &more_lines(&far),
    );
}

/// `; also lines 12, 13`: the lines of `rows` after the first, at most 5, then `...`.
fn more_lines(rows: &[&(usize, Delivery)]) -> String {
    if rows.len() < 2 {
        return String::new();
    }
    let lines: Vec<String> = rows[1..]
        .iter()
        .take(5)
        .map(|(n, _)| n.to_string())
        .collect();
    format!(
        "; also line{} {}{}",
        if rows.len() == 2 { "" } else { "s" },
        lines.join(", "),
        if rows.len() > 6 { ", ..." } else { "" }
    )
}

/// Rows that repeat an earlier row in every column planner reads (a doubled export, or a
/// delivery typed twice): summed with it as another part of its PO line, as any two rows of a
/// line are. One warning that counts them and names the first with the line it repeats.
fn warn_repeated_rows(name: &str, rows: &[(usize, Delivery)], problems: &mut Problems) {
    use std::cmp::Ordering;
    let opt = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => a.total_cmp(&b),
        (a, b) => a.is_some().cmp(&b.is_some()),
    };
    let cmp = |a: &Delivery, b: &Delivery| -> Ordering {
        (a.po.as_ref(), a.sku.as_ref(), a.due, a.delivered)
            .cmp(&(b.po.as_ref(), b.sku.as_ref(), b.due, b.delivered))
            .then(a.quantity.total_cmp(&b.quantity))
            .then(a.rejected.total_cmp(&b.rejected))
            .then(a.reworked.total_cmp(&b.reworked))
            .then(opt(a.unit_price, b.unit_price))
    };
    // Indices in row order within equal rows: each repeat follows the row it repeats.
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_unstable_by(|&a, &b| cmp(&rows[a].1, &rows[b].1).then(a.cmp(&b)));
    let mut repeats: Vec<(usize, usize)> = order
        .windows(2)
        .filter(|w| cmp(&rows[w[0]].1, &rows[w[1]].1) == Ordering::Equal)
        .map(|w| (rows[w[1]].0, rows[w[0]].0))
        .collect();
    if repeats.is_empty() {
        return;
    }
    repeats.sort_unstable();
    let (line, first) = repeats[0];
    let n = repeats.len();
    problems.warn(format!(
        "{name}: {n} row{} repeat{} an earlier row exactly and {} summed into {} PO line{} as \
         another part delivery (line {line} repeats line {first}): delete {} if the export \
         doubled {}",
        if n == 1 { "" } else { "s" },
        if n == 1 { "s" } else { "" },
        if n == 1 { "was" } else { "were" },
        if n == 1 { "its" } else { "their" },
        if n == 1 { "" } else { "s" },
        if n == 1 { "it" } else { "them" },
        if n == 1 { "it" } else { "them" },
    ));
}

/// The scorecard's files of a planning folder as [`check_folder`] read them.
#[derive(Debug, Default)]
pub struct Checked {
    /// The names of the files found.
    pub files: Vec<String>,
    /// The rows of deliveries.csv that read without error.
    pub rows: Vec<Delivery>,
    /// scorecard.toml, when it is there and reads.
    pub settings: Option<ScorecardSettings>,
}

/// Checks the scorecard's files of a planning folder, when present (`planner validate`):
/// every problem of `deliveries.csv` (each with its line and column) and the first of
/// `scorecard.toml`. Returns what was found and read.
pub fn check_folder(dir: &Path, problems: &mut Problems) -> Checked {
    let mut checked = Checked::default();
    match super::table::table_file(dir, DELIVERIES) {
        Ok(Some(path)) => {
            checked.files.push(super::file_name(&path));
            checked.rows = deliveries(&path, DELIVERIES, problems)
                .into_iter()
                .map(|(_, d)| d)
                .collect();
        }
        Ok(None) => {}
        Err(e) => problems.error(e),
    }
    let path = dir.join(SETTINGS);
    if there(&path, SETTINGS, problems) {
        checked.files.push(SETTINGS.to_string());
        match settings(&path) {
            Ok(s) => checked.settings = Some(s),
            Err(e) => problems.error(e),
        }
    }
    checked
}

/// True when the file is there to read; something there that cannot be read is an error.
fn there(path: &Path, name: &str, problems: &mut Problems) -> bool {
    super::table::present(path, name).unwrap_or_else(|e| {
        problems.error(e);
        false
    })
}

/// Reads a deliveries file on its own, printing nothing (it may be read on another thread while
/// the rest of the folder is): the rows and the file's problems, for [`checked`].
pub fn deliveries_unprinted(path: &Path) -> (Vec<Delivery>, Problems) {
    let name = super::file_name(path);
    let mut p = Problems::default();
    let rows = deliveries(path, &name, &mut p);
    (rows.into_iter().map(|(_, d)| d).collect(), p)
}

/// The rows of [`deliveries_unprinted`] once its warnings are printed; its first error fails
/// the run.
pub fn checked((rows, p): (Vec<Delivery>, Problems)) -> anyhow::Result<Vec<Delivery>> {
    super::print_warnings(&p);
    if let Some(e) = p.errors.into_iter().next() {
        return Err(e.into());
    }
    Ok(rows)
}

/// Reads `scorecard.toml`; unknown keys are errors (a misspelt target would silently do nothing).
pub fn settings(path: &Path) -> Result<ScorecardSettings, LoadError> {
    let name = super::file_name(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| LoadError::file(&name, format!("cannot read: {e}")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let settings: ScorecardSettings = toml::from_str(text).map_err(|e| {
        // A value the core's checks rejected: at the line of its key.
        if let Some((line, message)) = super::plan_file::checked_key(text, e.message()) {
            return LoadError::at(&name, Some(line), message);
        }
        let line = e.span().map(|s| super::line_of(text, s.start));
        LoadError::at(&name, line, e.message().trim())
    })?;
    settings.check().map_err(|e| {
        let key = e.field.rsplit('.').next().unwrap_or(e.field);
        let line = text.lines().position(|l| {
            let l = l.trim_start();
            l.starts_with(key) && l[key.len()..].trim_start().starts_with('=')
        });
        LoadError::at(
            &name,
            line.map(|l| l + 1),
            format!("{}: {}", e.field, e.reason),
        )
    })?;
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> (Vec<(usize, Delivery)>, Problems) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DELIVERIES);
        std::fs::write(&path, text).unwrap();
        let mut p = Problems::default();
        let rows = deliveries(&path, DELIVERIES, &mut p);
        (rows, p)
    }

    #[test]
    fn rows_with_open_and_partial_deliveries() {
        let (rows, p) = load(
            "\u{feff}PO, SKU ,due_date,delivered_date,quantity,rejected,reworked,unit_price,extra\n\
             P1,A,2026-10-05,2026-10-06,60,1,,9.5,x\n\
             P1,A,2026-10-05,,40,,,,\n",
        );
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(
            p.warnings,
            vec!["deliveries.csv: unknown column extra is ignored"]
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[0].1.rejected, 1.0);
        assert_eq!(rows[0].1.unit_price, Some(9.5));
        assert_eq!(rows[1].1.delivered, None);
    }

    #[test]
    fn every_bad_cell_names_its_line_and_column() {
        let (_, p) = load(
            "po,sku,due_date,delivered_date,quantity,rejected\n\
             P1,A,2026-10-05,2026-10-06,12x,\n\
             P2,A,2026-13-05,,1,\n\
             P3,A,2026-10-05,,10,2\n\
             P4,A,2026-10-05,2026-10-06,10,11\n",
        );
        let messages: Vec<String> = p.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            vec![
                "deliveries.csv:2: column quantity: \"12x\" is not a number",
                "deliveries.csv:3: column due_date: \"2026-13-05\" is not a date (expected YYYY-MM-DD)",
                "deliveries.csv:4: column rejected: 2 on a row with no delivered_date: only delivered units can be rejected or reworked",
                "deliveries.csv:5: column rejected: 11 rejected and 0 reworked are more than the 10 units delivered",
            ]
        );
        let (_, p) = load("po,sku,due_date,quantity\n");
        assert_eq!(
            p.errors[0].to_string(),
            "deliveries.csv:1: missing column delivered_date (found: po, sku, due_date, quantity)"
        );
    }

    #[test]
    fn settings_name_the_line_of_a_bad_target() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS);
        std::fs::write(&path, "grace_days = 3\n[targets]\nppm = 250\notd = 95\n").unwrap();
        assert_eq!(
            settings(&path).unwrap_err().to_string(),
            "scorecard.toml:4: targets.otd: 95 is not a share between 0 and 1 (write 95 % as 0.95)"
        );
        std::fs::write(&path, "grace = 3\n").unwrap();
        let e = settings(&path).unwrap_err().to_string();
        assert!(
            e.starts_with("scorecard.toml:1: unknown field `grace`"),
            "{e}"
        );
        std::fs::write(&path, "as_of = \"2026-10-31\"\n[targets]\nwape = 0.3\n").unwrap();
        let s = settings(&path).unwrap();
        assert_eq!(s.grace_days, 2);
        assert_eq!(s.targets.wape, Some(0.3));
        assert_eq!(s.as_of.unwrap().to_string(), "2026-10-31");
    }
}
