//! Reading small CSV master files with the contract's conventions: UTF-8 with an optional BOM,
//! column names matched case-insensitively after trimming, unknown columns warned about.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use planner_core::FieldError;

use super::error::{quote, shorten, LoadError, Problems, MAX_CODE_CHARS};
use super::workbook::{is_workbook, SheetMap};

/// Whether a file of the folder is there: `Ok(true)` a file to read, `Ok(false)` absent, and an
/// error when something is there that cannot be read as a file (a folder, a broken link, a
/// link loop): taking it for absent would run the plan without it in silence.
pub fn present(path: &Path, name: &str) -> Result<bool, LoadError> {
    let unreadable =
        |why: String| LoadError::file(name, format!("exists but cannot be read: {why}"));
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(true),
        Ok(m) if m.is_dir() => Err(unreadable("it is a folder, not a file".into())),
        Ok(_) => Err(unreadable("it is not a regular file".into())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            match std::fs::symlink_metadata(path) {
                Ok(_) => Err(unreadable(format!(
                    "it is a link to {}, which does not exist",
                    std::fs::read_link(path)
                        .map_or_else(|_| "nothing".into(), |t| t.display().to_string())
                ))),
                Err(_) => Ok(false),
            }
        }
        Err(e) => Err(unreadable(e.to_string())),
    }
}

/// How many times its size reading a CSV file may take in memory at most (measured: 2.3 times
/// for a 200 MB single-line demand.csv, 3.4 times for products.csv; see docs/scale.md).
pub const MEMORY_PER_BYTE: u64 = 4;

/// The environment variable that sets the memory [`check_fits`] counts on, in bytes, instead of
/// what the system says it has free (to see the check at work on a small file).
pub const MEMORY_VAR: &str = "PLANNER_MEMORY_AVAILABLE";

/// The memory the system can still give, in bytes (`MemAvailable` of `/proc/meminfo`, or
/// [`MEMORY_VAR`] when set to a number); `None` where that is not known.
fn memory_available() -> Option<u64> {
    if let Some(set) = std::env::var_os(MEMORY_VAR) {
        if let Some(bytes) = set.to_str().and_then(|s| s.trim().parse().ok()) {
            return Some(bytes);
        }
    }
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// An error naming the file when reading it would take more memory than the system has free
/// ([`MEMORY_PER_BYTE`] times its size), instead of an abort part way through.
pub fn check_fits(path: &Path, name: &str) -> Result<(), LoadError> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    check_fits_in(meta.len(), memory_available(), name)
}

fn check_fits_in(size: u64, available: Option<u64>, name: &str) -> Result<(), LoadError> {
    let gb = |b: u64| match b {
        b if b >= 100_000_000 => format!("{:.1} GB", b as f64 / 1e9),
        b if b >= 100_000 => format!("{:.1} MB", b as f64 / 1e6),
        b => format!("{b} bytes"),
    };
    match available {
        Some(free) if size.saturating_mul(MEMORY_PER_BYTE) > free => Err(LoadError::file(
            name,
            format!(
                "is {}: reading it takes up to {MEMORY_PER_BYTE} times that in memory and this \
                 machine has {} free; split the portfolio (docs/scale.md) or plan on a larger \
                 machine",
                gb(size),
                gb(free)
            ),
        )),
        _ => Ok(()),
    }
}

/// How much of a file is read at a time when checking its encoding.
const CHUNK: usize = 1 << 20;

/// Checks that `reader` holds UTF-8 text, reading it in chunks (a demand file can be hundreds of
/// megabytes): UTF-16 (a byte order mark, or the NUL bytes of its ASCII letters) and
/// Windows-1252 or Latin-1 files, as Excel saves them, get a message saying how to save them.
pub fn check_text(mut reader: impl Read, name: &str) -> Result<(), LoadError> {
    let save = "save it as CSV UTF-8";
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK);
    let mut lines_before = 0usize;
    let mut first = true;
    loop {
        let carried = buf.len();
        buf.resize(carried + CHUNK, 0);
        let mut filled = carried;
        while filled < buf.len() {
            match reader.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(LoadError::file(name, format!("cannot be read: {e}"))),
            }
        }
        let at_end = filled < buf.len();
        buf.truncate(filled);
        if first {
            first = false;
            if buf.starts_with(&[0xFF, 0xFE]) || buf.starts_with(&[0xFE, 0xFF]) || looks_utf16(&buf)
            {
                return Err(LoadError::file(name, format!("is UTF-16 text: {save}")));
            }
        }
        let line_at = |upto: usize, before: usize| {
            before + buf[..upto].iter().filter(|b| **b == b'\n').count() + 1
        };
        if let Some(nul) = buf.iter().position(|b| *b == 0) {
            return Err(LoadError::line(
                name,
                line_at(nul, lines_before),
                format!("holds a NUL byte, which no text file has: {save}"),
            ));
        }
        let keep = match std::str::from_utf8(&buf) {
            Ok(_) => 0,
            Err(e) if e.error_len().is_none() && !at_end => buf.len() - e.valid_up_to(),
            Err(e) => {
                let why = if e.error_len().is_none() {
                    "it ends inside a character"
                } else {
                    "looks like Windows-1252 or Latin-1"
                };
                return Err(LoadError::line(
                    name,
                    line_at(e.valid_up_to(), lines_before),
                    format!("is not UTF-8 ({why}): {save}"),
                ));
            }
        };
        if at_end {
            return Ok(());
        }
        let done = buf.len() - keep;
        lines_before = line_at(done, lines_before) - 1;
        buf.drain(..done);
    }
}

/// UTF-16 without a byte order mark: a quarter or more of the bytes at even (or odd) offsets of
/// the file's start are NUL, as the high bytes of ASCII letters are.
fn looks_utf16(start: &[u8]) -> bool {
    let head = &start[..start.len().min(4096)];
    let half = head.len() / 2;
    if half == 0 {
        return false;
    }
    let nul_at = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    4 * nul_at(0).max(nul_at(1)) >= half
}

/// Normalises a header name: no BOM, trimmed, lower case.
pub fn normalize_header(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .trim()
        .to_ascii_lowercase()
}

/// A table file read whole (CSV, or the first sheet of a workbook), with its columns located.
pub struct Table {
    /// The file name used in messages.
    pub name: String,
    columns: HashMap<String, usize>,
    rows: Vec<(usize, csv::StringRecord)>,
    /// For a workbook: where its cells are.
    map: Option<Arc<SheetMap>>,
}

/// One row of a [`Table`], with accessors that report problems with their position.
pub struct Row<'a> {
    table: &'a Table,
    /// The 1-based line number in the file (the row, in a workbook).
    pub line: usize,
    record: &'a csv::StringRecord,
}

/// Whether the folder `dir` holds the table `name` (`routings.csv`) as CSV or as a workbook
/// (`routings.xlsx`): the file's path, `None` when neither is there.
///
/// # Errors
/// When both are there (which one holds the table?), or one cannot be read (see [`present`]).
pub fn table_file(dir: &Path, name: &str) -> Result<Option<PathBuf>, LoadError> {
    let csv = dir.join(name);
    let Some(stem) = name.strip_suffix(".csv") else {
        return Ok(present(&csv, name)?.then_some(csv));
    };
    let xname = format!("{stem}.xlsx");
    let xlsx = dir.join(&xname);
    match (present(&csv, name)?, present(&xlsx, &xname)?) {
        (true, true) => Err(LoadError::file(
            &dir.display().to_string(),
            format!(
                "holds both {name} and {xname}: keep one of them (either can hold the table, \
                 not both)"
            ),
        )),
        (true, false) => Ok(Some(csv)),
        (false, true) => Ok(Some(xlsx)),
        (false, false) => Ok(None),
    }
}

/// A row of a CSV file may not have more fields than its header: one more is an unquoted comma
/// inside a value (`BTL-1,1,662` for on_hand 1662), which would otherwise cut the value short.
/// (A row with fewer fields has its last columns empty: a required one is then reported empty.)
pub(super) fn check_width(
    name: &str,
    line: usize,
    fields: usize,
    header: usize,
) -> Result<(), LoadError> {
    if fields <= header {
        return Ok(());
    }
    Err(LoadError::line(
        name,
        line,
        format!(
            "has {fields} fields, the header has {header}: a comma inside a value? put the \
             value in quotes, or remove the extra comma"
        ),
    ))
}

/// The columns of a header, by normalised name, checked: no name twice, every `required` one
/// there; those neither required nor `optional` are warned about.
fn locate_columns(
    name: &str,
    headers: &[String],
    required: &[&str],
    optional: &[&str],
    problems: &mut Problems,
) -> Result<HashMap<String, usize>, LoadError> {
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
                format!("column {} appears twice", shorten(&h)),
            ));
        }
    }
    let missing: Vec<&str> = required
        .iter()
        .filter(|c| !columns.contains_key(**c))
        .copied()
        .collect();
    if !missing.is_empty() {
        let raw: Vec<&str> = headers.iter().map(String::as_str).collect();
        let mut found: Vec<String> = headers.iter().map(|h| shorten(h.trim())).collect();
        found.retain(|f| !f.is_empty());
        return Err(LoadError::line(
            name,
            1,
            format!(
                "missing column{} {} (found: {}){}",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", "),
                found.join(", "),
                delimiter_hint(&raw)
            ),
        ));
    }
    let mut unknown: Vec<&String> = columns
        .keys()
        .filter(|c| !required.contains(&c.as_str()) && !optional.contains(&c.as_str()))
        .collect();
    unknown.sort();
    for u in unknown {
        problems.warn(format!("{name}: unknown column {} is ignored", shorten(u)));
    }
    Ok(columns)
}

impl Table {
    /// Reads `path`, checking that `required` columns exist; columns neither required nor in
    /// `optional` are warned about. A workbook (`.xlsx`) is read from its first sheet, and its
    /// problems are named by the workbook's name, sheet and cell.
    pub fn read(
        path: &Path,
        name: &str,
        required: &[&str],
        optional: &[&str],
        problems: &mut Problems,
    ) -> Result<Table, LoadError> {
        check_fits(path, name)?;
        if is_workbook(path) {
            return Self::read_sheet(path, name, None, required, optional, problems);
        }
        let bytes = std::fs::read(path)
            .map_err(|e| LoadError::file(name, format!("cannot read {}: {e}", path.display())))?;
        check_text(bytes.as_slice(), name)?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| LoadError::file(name, "is not UTF-8: save it as CSV UTF-8"))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| LoadError::line(name, 1, format!("cannot read the header row: {e}")))?
            .clone();
        let headers: Vec<String> = headers.iter().map(str::to_string).collect();
        let columns = locate_columns(name, &headers, required, optional, problems)?;
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
            check_width(name, line, record.len(), headers.len())?;
            rows.push((line, record));
        }
        Ok(Table {
            name: name.to_string(),
            columns,
            rows,
            map: None,
        })
    }

    /// Reads `path` as [`Table::read`] does, but one record at a time: `each` gets every row as
    /// it is read, and no record is held after it (a deliveries file of millions of rows is
    /// never in memory whole). A workbook is read whole, then handed over row by row.
    ///
    /// # Errors
    /// As [`Table::read`]: a file that cannot be read, is not UTF-8 text, is not valid CSV or
    /// lacks a required column (the rows before a record that is not valid CSV have been
    /// handed to `each`).
    pub fn for_each_row(
        path: &Path,
        name: &str,
        required: &[&str],
        optional: &[&str],
        problems: &mut Problems,
        mut each: impl FnMut(Row<'_>, &mut Problems),
    ) -> Result<(), LoadError> {
        use std::io::BufRead;
        check_fits(path, name)?;
        if is_workbook(path) {
            let table = Self::read_sheet(path, name, None, required, optional, problems)?;
            for row in table.rows() {
                each(row, problems);
            }
            return Ok(());
        }
        let open = || {
            std::fs::File::open(path)
                .map_err(|e| LoadError::file(name, format!("cannot read {}: {e}", path.display())))
        };
        check_text(open()?, name)?;
        let mut input = std::io::BufReader::with_capacity(CHUNK, open()?);
        let start = input
            .fill_buf()
            .map_err(|e| LoadError::file(name, format!("cannot read {}: {e}", path.display())))?;
        if start.starts_with("\u{feff}".as_bytes()) {
            input.consume(3);
        }
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let headers = reader
            .headers()
            .map_err(|e| LoadError::line(name, 1, format!("cannot read the header row: {e}")))?;
        let headers: Vec<String> = headers.iter().map(str::to_string).collect();
        let columns = locate_columns(name, &headers, required, optional, problems)?;
        let table = Table {
            name: name.to_string(),
            columns,
            rows: Vec::new(),
            map: None,
        };
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    return Err(LoadError::line(
                        name,
                        line,
                        format!("is not valid CSV: {e}"),
                    ));
                }
            }
            if record.iter().all(|f| f.trim().is_empty()) {
                continue; // blank lines at the end of spreadsheet exports
            }
            let line = record.position().map_or(0, |p| p.line() as usize);
            check_width(name, line, record.len(), headers.len())?;
            each(
                Row {
                    table: &table,
                    line,
                    record: &record,
                },
                problems,
            );
        }
    }

    /// Reads a sheet of the workbook at `path` (the first when `sheet` is `None`) as
    /// [`Table::read`] reads a CSV file; `name` is the name the loaders know the table by.
    pub fn read_sheet(
        path: &Path,
        name: &str,
        sheet: Option<&str>,
        required: &[&str],
        optional: &[&str],
        problems: &mut Problems,
    ) -> Result<Table, LoadError> {
        let shown = super::file_name(path);
        let wanted = |h: &str| required.contains(&h) || optional.contains(&h);
        let csv_name = (name != shown).then_some(name);
        let read = super::workbook::read(path, &shown, csv_name, sheet, &wanted).map_err(
            |mut errors| {
                let first = errors.remove(0);
                for e in errors {
                    problems.error(e);
                }
                first
            },
        )?;
        problems.register(read.map.clone());
        let map = read.map;
        let columns = locate_columns(&shown, &read.header, required, optional, problems)
            .map_err(|e| map.locate(e))?;
        let rows = read
            .rows
            .into_iter()
            .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
            .map(|(line, cells)| (line, csv::StringRecord::from(cells)))
            .collect();
        Ok(Table {
            name: shown,
            columns,
            rows,
            map: Some(map),
        })
    }

    /// A problem of this table at its place (its sheet and cell, for a workbook).
    pub fn locate(&self, e: LoadError) -> LoadError {
        match &self.map {
            Some(m) => m.locate(e),
            None => e,
        }
    }

    /// The columns' normalised names.
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.columns.keys().map(String::as_str)
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
        self.table.locate(LoadError::cell(
            &self.table.name,
            self.line,
            column,
            message,
        ))
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

    /// A required code (sku, material, line, family...): text of at most 100 characters.
    pub fn code(&self, column: &str) -> Result<String, LoadError> {
        let v = self.text(column)?;
        check_code(&v).map_err(|m| self.error(column, m))?;
        Ok(v)
    }

    /// An optional code: `None` when the column is absent or the cell empty.
    pub fn opt_code(&self, column: &str) -> Result<Option<String>, LoadError> {
        let v = self.opt_text(column);
        if let Some(v) = &v {
            check_code(v).map_err(|m| self.error(column, m))?;
        }
        Ok(v)
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
            Some(v) if !v.is_empty() => parse_number(v)
                .ok_or_else(|| self.error(column, format!("{} is not a number", quote(v)))),
            _ => Err(self.error(column, "is empty: expected a number")),
        }
    }

    /// An optional number.
    pub fn opt_number(&self, column: &str) -> Result<Option<f64>, LoadError> {
        match self.raw(column) {
            Some(v) if !v.is_empty() => parse_number(v)
                .map(Some)
                .ok_or_else(|| self.error(column, format!("{} is not a number", quote(v)))),
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
            .map_err(|e: T::Err| self.error(column, quoted_short(&e.to_string(), &v)))
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
                    .map_err(|e: T::Err| self.error(column, quoted_short(&e.to_string(), &v)))
            })
            .transpose()
    }
}

/// A parser's message with the value it quotes whole (`"..." is not an event kind`) cut short.
fn quoted_short(message: &str, value: &str) -> String {
    if value.chars().count() <= planner_core::time::QUOTE_CHARS {
        return message.to_string();
    }
    message.replace(&format!("{value:?}"), &quote(value))
}

/// Checks a code's length: at most [`MAX_CODE_CHARS`] characters.
pub fn check_code(v: &str) -> Result<(), String> {
    let n = v.chars().count();
    if n > MAX_CODE_CHARS {
        Err(format!(
            "{} is {n} characters long: a code is at most {MAX_CODE_CHARS}",
            quote(v)
        ))
    } else {
        Ok(())
    }
}

/// Parses a number as spreadsheets export it; rejects `NaN` and infinities.
pub fn parse_number(s: &str) -> Option<f64> {
    let v: f64 = s.trim().parse().ok()?;
    v.is_finite().then_some(v)
}

/// A hint for a header read as one column that holds semicolons or tabs: the file is separated
/// by them (Excel saves CSV with `;` where the decimal mark is a comma); empty otherwise.
pub(super) fn delimiter_hint(header: &[&str]) -> String {
    let fields: Vec<&str> = header
        .iter()
        .copied()
        .filter(|h| !h.trim().is_empty())
        .collect();
    let [one] = fields.as_slice() else {
        return String::new();
    };
    match [';', '\t'].into_iter().find(|c| one.contains(*c)) {
        Some(c) => format!(
            ": the header is one column holding {}: the file is {}-separated (as Excel saves \
             CSV where the decimal mark is a comma); save it with commas, or as .xlsx",
            if c == ';' { "semicolons" } else { "tabs" },
            if c == ';' { "semicolon" } else { "tab" }
        ),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_would_not_fit_is_an_error_naming_it() {
        // 3 GB at 4 bytes of memory a byte is 12 GB: more than 8 GB free, within 16 GB.
        let e = check_fits_in(3_000_000_000, Some(8_000_000_000), "demand.csv").unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with("demand.csv: is 3.0 GB"), "{text}");
        assert!(text.contains("8.0 GB free"), "{text}");
        assert!(check_fits_in(3_000_000_000, Some(16_000_000_000), "demand.csv").is_ok());
        assert!(check_fits_in(u64::MAX, None, "demand.csv").is_ok());
        let e = check_fits_in(260_000, Some(900_000), "bom.csv").unwrap_err();
        assert!(e.to_string().starts_with("bom.csv: is 0.3 MB"), "{e}");
        let e = check_fits_in(300, Some(1000), "bom.csv").unwrap_err();
        assert!(e.to_string().contains("has 1000 bytes free"), "{e}");
    }
}
