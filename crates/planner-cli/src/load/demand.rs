//! `demand.csv`: monthly or transactional demand history, read with polars (lazy CSV, grouped
//! into months), so files of millions of order lines load in seconds.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use planner_core::demand::DemandHistory;
use planner_core::time::{Date, Month};
use polars::prelude::*;

use super::error::{quote, shorten, LoadError, Problems, MAX_CODE_CHARS};
use super::table::{check_code, check_text, normalize_header};

/// How many bad rows `validate` lists before it summarises the rest.
const MAX_ROW_ERRORS: usize = 50;

/// The longest gap between two months of the file: a month further from the others is a typo
/// (`2062-10` for `2026-10`) that would move the whole plan.
const MAX_GAP_MONTHS: i32 = 24;

/// Reads a demand history: columns `sku`, `month` (YYYY-MM) or `date` (YYYY-MM-DD), `quantity`.
/// Rows of the same sku and month are summed (with a warning that counts them, for `month`
/// files); blank rows are skipped.
pub fn history(path: &Path, name: &str, problems: &mut Problems) -> Option<DemandHistory> {
    match read(path, name, problems) {
        Ok(h) => h,
        Err(e) => {
            problems.error(e);
            None
        }
    }
}

fn polars_error(name: &str, e: PolarsError) -> LoadError {
    LoadError::file(name, format!("cannot read the file: {e}"))
}

/// A demand workbook: its first sheet, written out as CSV and read as a CSV file is (the same
/// sums, checks and warnings), every problem at its sheet and cell.
fn read_workbook(
    path: &Path,
    name: &str,
    problems: &mut Problems,
) -> Result<Option<DemandHistory>, LoadError> {
    let shown = super::file_name(path);
    let csv_name = (name != shown).then_some(name);
    let wanted = |h: &str| matches!(h, "sku" | "month" | "date" | "quantity");
    let sheet =
        super::workbook::read(path, &shown, csv_name, None, &wanted).map_err(|mut errors| {
            let first = errors.remove(0);
            for e in errors {
                problems.error(e);
            }
            first
        })?;
    problems.register(sheet.map.clone());
    // Columns without a header hold nothing a loader reads: left out (polars wants names).
    let keep: Vec<usize> = (0..sheet.header.len())
        .filter(|i| !sheet.header[*i].trim().is_empty())
        .collect();
    let tmp = tempfile::NamedTempFile::new()
        .map_err(|e| LoadError::file(&shown, format!("cannot be converted: {e}")))?;
    let write = |tmp: &tempfile::NamedTempFile| -> Result<(), csv::Error> {
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(tmp.as_file()));
        w.write_record(keep.iter().map(|i| sheet.header[*i].as_str()))?;
        // Every row, blank ones too, so that a row's index gives back its number in the sheet.
        for (_, cells) in &sheet.rows {
            w.write_record(keep.iter().map(|i| cells[*i].as_str()))?;
        }
        w.flush()?;
        Ok(())
    };
    write(&tmp).map_err(|e| LoadError::file(&shown, format!("cannot be converted: {e}")))?;
    read_text(tmp.path(), &shown, problems, sheet.header_row)
}

fn read(
    path: &Path,
    name: &str,
    problems: &mut Problems,
) -> Result<Option<DemandHistory>, LoadError> {
    super::table::check_fits(path, name)?;
    if super::workbook::is_workbook(path) {
        return read_workbook(path, name, problems);
    }
    read_text(path, name, problems, 1).map_err(|e| ragged_row(path, name).unwrap_or(e))
}

/// The first row of a demand CSV file with more fields than its header, as every table says it
/// (polars' own message, `found more fields than defined in 'Schema'`, names no line). Looked
/// for only when the file could not be read.
fn ragged_row(path: &Path, name: &str) -> Option<LoadError> {
    let file = std::fs::File::open(path).ok()?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(std::io::BufReader::new(file));
    let width = reader.headers().ok()?.len();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).ok()? {
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        if let Err(e) = super::table::check_width(name, line, record.len(), width) {
            return Some(e);
        }
    }
    None
}

/// Reads a demand CSV file whose header is on line `header_line` (the first data row is the
/// next line: lines are counted from it, a workbook's rows keep their numbers).
fn read_text(
    path: &Path,
    name: &str,
    problems: &mut Problems,
    header_line: usize,
) -> Result<Option<DemandHistory>, LoadError> {
    let file = std::fs::File::open(path)
        .map_err(|e| LoadError::file(name, format!("cannot read {}: {e}", path.display())))?;
    check_text(file, name)?;
    let header = first_line(path, name)?;
    let found: Vec<String> = header.iter().map(|h| normalize_header(h)).collect();
    let has = |c: &str| found.iter().any(|f| f == c);
    let mut missing = Vec::new();
    if !has("sku") {
        missing.push("sku");
    }
    if !has("month") && !has("date") {
        missing.push("month or date");
    }
    if !has("quantity") {
        missing.push("quantity");
    }
    if !missing.is_empty() {
        return Err(LoadError::line(
            name,
            header_line,
            format!(
                "missing column{} {} (found: {}){}",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", "),
                header
                    .iter()
                    .map(|h| shorten(h.trim()))
                    .filter(|h| !h.is_empty())
                    .collect::<Vec<_>>()
                    .join(", "),
                super::table::delimiter_hint(
                    &header.iter().map(String::as_str).collect::<Vec<_>>()
                )
            ),
        ));
    }
    let by_date = !has("month");
    let key_column = if by_date { "date" } else { "month" };
    let mut unknown: Vec<&String> = found
        .iter()
        .filter(|f| !["sku", "month", "date", "quantity"].contains(&f.as_str()) && !f.is_empty())
        .collect();
    unknown.sort();
    for u in unknown {
        problems.warn(format!("{name}: unknown column {} is ignored", shorten(u)));
    }
    if !by_date && has("date") {
        problems.warn(format!(
            "{name}: both month and date given; month is used and date ignored"
        ));
    }

    // Every column as text, so that a bad cell is reported rather than guessed at.
    let lf = LazyCsvReader::new(path)
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .finish()
        .map_err(|e| polars_error(name, e))?;
    let schema = lf
        .clone()
        .collect_schema()
        .map_err(|e| polars_error(name, e))?;
    let actual = |wanted: &str| -> PlSmallStr {
        schema
            .iter_names()
            .find(|n| normalize_header(n) == wanted)
            .cloned()
            .unwrap_or_else(|| wanted.into())
    };
    let base = lf
        .select([
            col(actual("sku")).str().strip_chars(lit(NULL)).alias("sku"),
            col(actual(key_column)).alias("key"),
            col(actual("quantity")).alias("raw"),
        ])
        .with_row_index("row", None)
        // Blank rows (trailing empty lines, Excel's `,,,` rows) are skipped, as in every file.
        .filter(blank("sku").and(blank("key")).and(blank("raw")).not())
        .with_column(col("raw").cast(DataType::Float64).alias("q"))
        .collect()
        .map_err(|e| polars_error(name, e))?;

    // Rows whose sku is empty or whose quantity is not a non-negative number.
    let bad = base
        .clone()
        .lazy()
        .filter(
            blank("sku")
                .or(col("sku")
                    .str()
                    .len_chars()
                    .cast(DataType::Float64)
                    .gt(lit(MAX_CODE_CHARS as f64)))
                .or(col("q").is_null())
                .or(col("q").lt(lit(0.0)))
                .or(col("q").gt(lit(1e300))),
        )
        .limit(MAX_ROW_ERRORS as IdxSize + 1)
        .collect()
        .map_err(|e| polars_error(name, e))?;
    let mut errors = 0;
    if bad.height() > 0 {
        let rows = idx_column(&bad, "row", name)?;
        let skus = str_column(&bad, "sku", name)?;
        let raws = str_column(&bad, "raw", name)?;
        let qs = f64_column(&bad, "q", name)?;
        for i in 0..bad.height().min(MAX_ROW_ERRORS) {
            let line = rows[i] + header_line + 1;
            let e = if let Some(Err(m)) = skus[i].as_deref().map(check_code) {
                LoadError::cell(name, line, "sku", m)
            } else if skus[i].as_deref().is_none_or(str::is_empty) {
                LoadError::cell(name, line, "sku", "is empty")
            } else {
                match (&raws[i], qs[i]) {
                    (None, _) => {
                        LoadError::cell(name, line, "quantity", "is empty: expected a number")
                    }
                    (Some(raw), None) => LoadError::cell(
                        name,
                        line,
                        "quantity",
                        format!("{} is not a number", quote(raw)),
                    ),
                    (Some(raw), Some(_)) => LoadError::cell(
                        name,
                        line,
                        "quantity",
                        format!("{} is not a non-negative number", quote(raw)),
                    ),
                }
            };
            problems.error(e);
            errors += 1;
        }
        if bad.height() > MAX_ROW_ERRORS {
            problems.error(LoadError::file(
                name,
                format!("more rows with a bad sku or quantity after the first {MAX_ROW_ERRORS}"),
            ));
        }
    }

    // Each distinct month or date once, with its first line, parsed here.
    let keys = base
        .clone()
        .lazy()
        .group_by([col("key")])
        .agg([col("row").min(), len().alias("n")])
        .sort(["row"], Default::default())
        .collect()
        .map_err(|e| polars_error(name, e))?;
    let key_values = str_column(&keys, "key", name)?;
    let key_rows = idx_column(&keys, "row", name)?;
    let key_counts = idx_column(&keys, "n", name)?;
    let mut month_of: HashMap<String, Month> = HashMap::new();
    // The latest order date, for the partial-month check.
    let mut latest: Option<Date> = None;
    // Each month's first line and number of rows.
    let mut months: BTreeMap<Month, (usize, usize)> = BTreeMap::new();
    for ((key, row), n) in key_values.into_iter().zip(key_rows).zip(key_counts) {
        let line = row + header_line + 1;
        let Some(key) = key else {
            problems.error(LoadError::cell(
                name,
                line,
                key_column,
                format!(
                    "is empty: expected a {}",
                    if by_date {
                        "date YYYY-MM-DD"
                    } else {
                        "month YYYY-MM"
                    }
                ),
            ));
            errors += 1;
            continue;
        };
        let parsed = if by_date {
            key.parse::<Date>()
                .inspect(|&d| latest = latest.max(Some(d)))
                .map(Date::month)
                .map_err(|e| e.to_string())
        } else {
            key.parse::<Month>().map_err(|e| e.to_string())
        };
        match parsed {
            Ok(m) => {
                month_of.insert(key, m);
                let e = months.entry(m).or_insert((line, 0));
                e.0 = e.0.min(line);
                e.1 += n;
            }
            Err(e) => {
                problems.error(LoadError::cell(name, line, key_column, e));
                errors += 1;
            }
        }
    }
    for e in far_months(name, key_column, &months) {
        problems.error(e);
        errors += 1;
    }
    if errors > 0 {
        return Ok(None);
    }
    if base.height() == 0 {
        return Err(LoadError::file(
            name,
            "has no rows: expected demand history",
        ));
    }

    let rows = base.height();
    // Each row's sku, month and quantity, read in place from polars' columns (no string
    // copied, no grouping in polars: 3.5 million rows at 100,000 skus); the history sums them
    // by sku and month in the file's order.
    let base = base
        .select(["sku", "key", "q"])
        .map_err(|e| polars_error(name, e))?;
    let column = |c: &str| {
        base.column(c)
            .map(Column::as_materialized_series)
            .map_err(|e| polars_error(name, e))
    };
    let (sku_col, key_col, q_col) = (column("sku")?, column("key")?, column("q")?);
    let sku_ca = sku_col.str().map_err(|e| polars_error(name, e))?;
    let key_ca = key_col.str().map_err(|e| polars_error(name, e))?;
    let q_ca = q_col.f64().map_err(|e| polars_error(name, e))?;
    // The few distinct months or dates, sorted, looked up by binary search.
    let mut by_key: Vec<(&str, Month)> = month_of.iter().map(|(k, m)| (k.as_str(), *m)).collect();
    by_key.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let month = |k: &str| {
        by_key
            .binary_search_by(|e| e.0.cmp(k))
            .ok()
            .map(|i| by_key[i].1)
    };
    let mut records: Vec<(&str, Month, f64)> = Vec::with_capacity(rows);
    for ((s, k), q) in sku_ca.into_iter().zip(key_ca).zip(q_ca) {
        if let (Some(s), Some(m)) = (s, k.and_then(month)) {
            records.push((s, m, q.unwrap_or(0.0)));
        }
    }
    if let Some(latest) = latest {
        leave_out_partial_month(name, latest, &months, &mut records, problems);
    }
    let by_sku = months_by_sku(&records);
    if !by_date {
        // Rows for a sku and month already seen (`2026-1` is `2026-01`) are summed: say so.
        let distinct: usize = by_sku.iter().map(|(_, m)| m.len()).sum();
        let summed = rows - distinct;
        if summed > 0 {
            problems.warn(format!(
                "{name}: {summed} row{} for a sku and month already seen {} summed into their month",
                if summed == 1 { "" } else { "s" },
                if summed == 1 { "was" } else { "were" },
            ));
        }
    }
    if let Some(last) = records.iter().map(|r| r.1).max() {
        warn_missing_months(name, by_sku, last, problems);
    }
    let history =
        DemandHistory::from_records(records).map_err(|e| LoadError::file(name, e.to_string()))?;
    Ok(Some(history))
}

/// The share of its months from its first row to the history's last month a sku must have a
/// row in for a month without one to be said ([`warn_missing_months`]).
const REGULAR: f64 = 0.8;

/// Months without a row in skus that have a row nearly every month (at least [`REGULAR`] of
/// them, from their first row to the history's last month): the months up to the last, and
/// runs of [`GAP_MONTHS`] or more inside. A month with no row is zero demand, which for such a
/// sku is more likely an export that missed it (or a last month not yet complete) than a month
/// without orders. Said in one warning that counts them and names the first skus with their
/// months; skus with rows only in some months (intermittent demand written sparsely), and a
/// single month here and there, are not.
fn warn_missing_months(
    name: &str,
    by_sku: Vec<(&str, Vec<Month>)>,
    last: Month,
    problems: &mut Problems,
) {
    let mut flagged: Vec<(&str, Vec<Month>)> = Vec::new();
    for (sku, months) in by_sku {
        let span = months[0].months_until(last) + 1;
        if months.len() == span as usize || (months.len() as f64) < REGULAR * f64::from(span) {
            continue;
        }
        // Each run of months without a row: those of three months or more inside, and the one
        // up to the last month (an export that stopped short).
        let mut gaps = Vec::new();
        let ends = months.iter().copied().chain(std::iter::once(last.next()));
        for (before, after) in months.iter().copied().zip(ends.skip(1)) {
            let run = before.months_until(after) - 1;
            if run > 0 && (run as usize >= GAP_MONTHS || after == last.next()) {
                gaps.extend((1..=run).map(|k| before.plus(k)));
            }
        }
        if !gaps.is_empty() {
            flagged.push((sku, gaps));
        }
    }
    if flagged.is_empty() {
        return;
    }
    flagged.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let total: usize = flagged.iter().map(|(_, g)| g.len()).sum();
    const SHOWN: usize = 5;
    let mut named: Vec<String> = flagged
        .iter()
        .take(SHOWN)
        .map(|(sku, gaps)| format!("{} {}", quote(sku), runs(gaps)))
        .collect();
    if flagged.len() > SHOWN {
        named.push(format!("and {} more", flagged.len() - SHOWN));
    }
    problems.warn(format!(
        "{name}: {total} month{} without a row in {} sku{} that {} a row nearly every month, \
         taken as zero demand (their forecast falls): add the rows, or a zero row for a month \
         truly without demand: {}",
        if total == 1 { "" } else { "s" },
        flagged.len(),
        if flagged.len() == 1 { "" } else { "s" },
        if flagged.len() == 1 { "has" } else { "have" },
        named.join(", ")
    ));
}

/// Each sku's months with a row, sorted and each once, the skus in no order. Records of one sku
/// mostly follow each other (files are written sku by sku): each run of them is hashed once,
/// not each record.
fn months_by_sku<'a>(records: &[(&'a str, Month, f64)]) -> Vec<(&'a str, Vec<Month>)> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut by_sku: Vec<(&str, Vec<Month>)> = Vec::new();
    for run in records.chunk_by(|a, b| a.0 == b.0) {
        let sku = run[0].0;
        let at = *index.entry(sku).or_insert_with(|| {
            by_sku.push((sku, Vec::new()));
            by_sku.len() - 1
        });
        by_sku[at].1.extend(run.iter().map(|r| r.1));
    }
    for (_, months) in &mut by_sku {
        months.sort_unstable();
        months.dedup();
    }
    by_sku
}

/// The shortest run of missing months inside a history that [`warn_missing_months`] says.
const GAP_MONTHS: usize = 3;

/// Months in order, cut into runs of consecutive months.
fn month_runs(months: &[Month]) -> Vec<&[Month]> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < months.len() {
        let mut j = i;
        while j + 1 < months.len() && months[j].months_until(months[j + 1]) == 1 {
            j += 1;
        }
        out.push(&months[i..=j]);
        i = j + 1;
    }
    out
}

/// Months in order as runs: `2026-06..2026-10, 2026-12`.
fn runs(months: &[Month]) -> String {
    month_runs(months)
        .iter()
        .map(|r| match r {
            [one] => one.to_string(),
            _ => format!("{}..{}", r[0], r[r.len() - 1]),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The last weekday (Monday to Friday) of a month.
pub fn last_weekday(m: Month) -> Date {
    let mut d = m.first_day().plus_days(i64::from(m.days()) - 1);
    while d.weekday() >= 5 {
        d = d.plus_days(-1);
    }
    d
}

/// Dated order lines whose last month stops early: when the latest order date of the file falls
/// before its month's last weekday (Monday to Friday), that month is partial, and read as a full
/// month it would pull the forecast down. It is left out of the history (the plan then starts
/// with it) and the run says so; a file of that one month only is kept, with a warning.
fn leave_out_partial_month(
    name: &str,
    latest: Date,
    months: &BTreeMap<Month, (usize, usize)>,
    records: &mut Vec<(&str, Month, f64)>,
    problems: &mut Problems,
) {
    let month = latest.month();
    let full = last_weekday(month);
    if latest >= full {
        return;
    }
    let (day, days) = (latest.ymd().2, month.days());
    if months.len() < 2 {
        problems.warn(format!(
            "{name}: its only month, {month}, holds order lines up to {latest} ({day} of {days} \
             days): kept, but read as a full month"
        ));
        return;
    }
    let skus: std::collections::HashSet<&str> = records
        .iter()
        .filter(|r| r.1 == month)
        .map(|r| r.0)
        .collect();
    let skus = skus.len();
    let units: f64 = records.iter().filter(|r| r.1 == month).map(|r| r.2).sum();
    records.retain(|r| r.1 != month);
    problems.warn(format!(
        "{name}: the last month, {month}, holds order lines only up to {latest} ({day} of {days} \
         days; its last weekday is {full}): a partial month, left out of the history ({skus} \
         sku{} and {units:.0} units), so the plan starts {month}; to keep it as a full month, \
         add a row dated {full} with quantity 0",
        if skus == 1 { "" } else { "s" },
    ));
}

/// True where a text column is missing or holds only spaces.
fn blank(column: &str) -> Expr {
    col(column)
        .is_null()
        .or(col(column).str().strip_chars(lit(NULL)).eq(lit("")))
}

/// Months far from the file's others: the months split where two follow each other more than
/// [`MAX_GAP_MONTHS`] apart, the run holding the most rows is the file's, and each month of the
/// other runs is an error at its first line.
fn far_months(
    name: &str,
    column: &str,
    months: &BTreeMap<Month, (usize, usize)>,
) -> Vec<LoadError> {
    let mut runs: Vec<Vec<(Month, usize, usize)>> = Vec::new();
    for (&m, &(line, n)) in months {
        match runs.last_mut() {
            Some(run)
                if run
                    .last()
                    .is_some_and(|l| l.0.months_until(m) <= MAX_GAP_MONTHS) =>
            {
                run.push((m, line, n));
            }
            _ => runs.push(vec![(m, line, n)]),
        }
    }
    // The run with the most rows; of equal ones, the latest (`max_by_key` keeps the last).
    let Some(main) = (0..runs.len()).max_by_key(|&i| runs[i].iter().map(|r| r.2).sum::<usize>())
    else {
        return Vec::new();
    };
    let (first, last) = (runs[main][0].0, runs[main][runs[main].len() - 1].0);
    let mut errors: Vec<LoadError> = runs
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != main)
        .flat_map(|(i, run)| run.iter().map(move |r| (i, *r)))
        .map(|(i, (m, line, _))| {
            let message = if i > main {
                format!(
                    "{m} is {} after the file's other months (latest {last}): a typo?",
                    span(last.months_until(m))
                )
            } else {
                format!(
                    "{m} is {} before the file's other months (earliest {first}): a typo?",
                    span(m.months_until(first))
                )
            };
            LoadError::cell(name, line, column, message)
        })
        .collect();
    errors.sort_by_key(|e| e.line);
    errors
}

/// `n` months in words: `36 years`, `2 years and 1 month`.
fn span(n: i32) -> String {
    let (y, m) = (n / 12, n % 12);
    let unit = |v: i32, one: &str| format!("{v} {one}{}", if v == 1 { "" } else { "s" });
    match (y, m) {
        (0, m) => unit(m, "month"),
        (y, 0) => unit(y, "year"),
        (y, m) => format!("{} and {}", unit(y, "year"), unit(m, "month")),
    }
}

/// The header row, split as CSV.
fn first_line(path: &Path, name: &str) -> Result<Vec<String>, LoadError> {
    let file = std::fs::File::open(path)
        .map_err(|e| LoadError::file(name, format!("cannot read {}: {e}", path.display())))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(file);
    let mut records = reader.records();
    match records.next() {
        Some(Ok(r)) => {
            // A file with a header and no row that says anything has no history (and polars
            // 0.47 panics on an empty frame further on): stop here, clearly.
            let has_row = records
                .map_while(Result::ok)
                .any(|rec| rec.iter().any(|f| !f.trim().is_empty()));
            // (Only a file without such a row is read to its end, to leave bad CSV to the
            // messages below.)
            let bad_row = !has_row
                && csv::ReaderBuilder::new()
                    .has_headers(true)
                    .flexible(true)
                    .from_path(path)
                    .map(|mut r| r.records().any(|x| x.is_err()))
                    .unwrap_or(false);
            if !has_row && !bad_row {
                return Err(LoadError::file(
                    name,
                    "has no rows: expected demand history under its header",
                ));
            }
            Ok(r.iter().map(str::to_string).collect())
        }
        Some(Err(e)) => Err(LoadError::line(
            name,
            1,
            format!("cannot read the header row: {e}"),
        )),
        None => Err(LoadError::line(name, 1, "is empty: expected a header row")),
    }
}

fn str_column(df: &DataFrame, column: &str, name: &str) -> Result<Vec<Option<String>>, LoadError> {
    let c = df.column(column).map_err(|e| polars_error(name, e))?;
    let s = c.as_materialized_series();
    let ca = s.str().map_err(|e| polars_error(name, e))?;
    Ok(ca.into_iter().map(|v| v.map(str::to_string)).collect())
}

fn f64_column(df: &DataFrame, column: &str, name: &str) -> Result<Vec<Option<f64>>, LoadError> {
    let c = df.column(column).map_err(|e| polars_error(name, e))?;
    let s = c.as_materialized_series();
    let ca = s.f64().map_err(|e| polars_error(name, e))?;
    Ok(ca.into_iter().collect())
}

fn idx_column(df: &DataFrame, column: &str, name: &str) -> Result<Vec<usize>, LoadError> {
    let c = df.column(column).map_err(|e| polars_error(name, e))?;
    let s = c
        .as_materialized_series()
        .cast(&DataType::UInt64)
        .map_err(|e| polars_error(name, e))?;
    let ca = s.u64().map_err(|e| polars_error(name, e))?;
    Ok(ca.into_iter().map(|v| v.unwrap_or(0) as usize).collect())
}
