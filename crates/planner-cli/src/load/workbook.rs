//! Excel workbooks as tables: any table of the folder may be `name.xlsx` instead of `name.csv`
//! (its first sheet, the header in its first row), read with calamine into the same rows of text
//! a CSV file gives, so that every loader reads both alike.
//!
//! Cells become the text a CSV export would hold: text as it is, numbers that are whole without
//! a decimal point (a sku `1001` typed as a number stays `1001`), other numbers in their shortest
//! exact form, real Excel dates as `YYYY-MM-DD` (as `YYYY-MM` in a month column when the date is
//! the first of its month), dates with a time of day with it (which the date columns refuse).
//! Error cells (`#DIV/0!`) and formulas saved without their value are errors at their cell, in
//! the columns the loader reads. Problems are reported at their sheet and cell:
//! `demand.xlsx: sheet demand, cell C17: "12x" is not a number`.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use calamine::{Data, Reader, Xlsx};

use super::error::LoadError;
use super::table::normalize_header;

/// The most cell errors one sheet reports before it stops.
const MAX_CELL_ERRORS: usize = 50;

/// True when `path` names a workbook (`.xlsx` or `.xlsm`) rather than a CSV file.
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
}

/// Where a workbook table's cells are: what turns a problem found in its rows (file, row,
/// column) into one at its sheet and cell.
#[derive(Debug)]
pub struct SheetMap {
    /// The workbook's file name (`demand.xlsx`).
    pub workbook: String,
    /// The name the loaders know the table by (`demand.csv`), when it is one of the folder's.
    pub csv_name: Option<String>,
    /// The sheet read.
    pub sheet: String,
    /// Each column's 0-based index in the sheet, by its normalised header.
    columns: HashMap<String, u32>,
}

impl SheetMap {
    /// True when problems named `file` are this sheet's.
    pub fn names(&self, file: &str) -> bool {
        file == self.workbook || self.csv_name.as_deref() == Some(file)
    }

    /// The cell of `column` (a normalised header) in `row` (1-based), when the sheet has it.
    pub fn cell(&self, column: &str, row: usize) -> Option<String> {
        self.columns
            .get(column)
            .map(|c| format!("{}{row}", column_letters(*c)))
    }

    /// `e` at its sheet and cell (once: an error already placed is left alone).
    pub fn locate(&self, mut e: LoadError) -> LoadError {
        if e.sheet.is_some() || !self.names(&e.file) {
            return e;
        }
        e.file = self.workbook.clone();
        e.message = rows_for_lines(&e.message);
        if let Some(row) = e.line {
            let cell = e.column.as_deref().and_then(|c| self.cell(c, row));
            e.sheet = Some(Box::new((self.sheet.clone(), cell)));
        }
        e
    }
}

/// A loader's message with the lines it names as rows (`already defined on line 4` is on row 4
/// of a sheet); `on line "L2"` (an assembly line) stays.
fn rows_for_lines(message: &str) -> String {
    const LINE: &str = " on line ";
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(LINE) {
        let after = &rest[at + LINE.len()..];
        out.push_str(&rest[..at]);
        out.push_str(if after.starts_with(|c: char| c.is_ascii_digit()) {
            " on row "
        } else {
            LINE
        });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// A sheet read as a table: the header (row 1) and every row below it as text.
#[derive(Debug)]
pub struct Sheet {
    /// The header's row (1-based: 1 unless the sheet's first rows are blank).
    pub header_row: usize,
    /// The header's cells, as written.
    pub header: Vec<String>,
    /// Every row under the header down to the sheet's last used row (blank ones too), each with
    /// its 1-based row number and one cell per header column.
    pub rows: Vec<(usize, Vec<String>)>,
    /// Where its cells are, for messages.
    pub map: Arc<SheetMap>,
}

/// Excel's column letters of a 0-based column: `A`, `Z`, `AA`.
pub fn column_letters(mut c: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

/// Opens a workbook, or says why the file is not one.
fn open(path: &Path, name: &str) -> Result<Xlsx<Cursor<Vec<u8>>>, LoadError> {
    let bytes = std::fs::read(path)
        .map_err(|e| LoadError::file(name, format!("cannot read {}: {e}", path.display())))?;
    // calamine reads what it is given; a broken file must end in a message, never a panic.
    let opened = std::panic::catch_unwind(|| Xlsx::new(Cursor::new(bytes)));
    match opened {
        Ok(Ok(wb)) => Ok(wb),
        Ok(Err(e)) => Err(LoadError::file(
            name,
            format!(
                "is not an Excel workbook (.xlsx): {e}; save it from Excel as an .xlsx \
                 workbook, or as CSV UTF-8"
            ),
        )),
        Err(_) => Err(LoadError::file(
            name,
            "is not an Excel workbook that can be read: save it again from Excel as .xlsx, or as CSV UTF-8",
        )),
    }
}

/// The sheets of the workbook at `path`, by name, in the workbook's order.
pub fn sheet_names(path: &Path, name: &str) -> Result<Vec<String>, LoadError> {
    Ok(open(path, name)?.sheet_names())
}

/// Reads a sheet of the workbook at `path` (shown as `name`; `csv_name` is the name the loaders
/// know it by): the named one, or the first. `wanted` tells the columns (normalised headers) the
/// loader reads: an error cell or a formula without its saved value there is an error; elsewhere
/// it is left empty.
///
/// # Errors
/// Every problem found (at most [`MAX_CELL_ERRORS`] cells), the first first: a file that is not
/// a workbook, a workbook without sheets, an empty sheet, bad cells.
pub fn read(
    path: &Path,
    name: &str,
    csv_name: Option<&str>,
    sheet: Option<&str>,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Sheet, Vec<LoadError>> {
    let mut wb = open(path, name).map_err(|e| vec![e])?;
    let names = wb.sheet_names();
    let sheet_name = match sheet {
        Some(s) => match names.iter().find(|n| n.eq_ignore_ascii_case(s)) {
            Some(n) => n.clone(),
            None => {
                return Err(vec![LoadError::file(
                    name,
                    format!(
                        "has no sheet {s} (its sheets: {})",
                        if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        }
                    ),
                )])
            }
        },
        None => match names.first() {
            Some(n) => n.clone(),
            None => {
                return Err(vec![LoadError::file(
                    name,
                    "is a workbook without sheets: expected the table in its first sheet",
                )])
            }
        },
    };
    let bad_sheet = |e: String| {
        vec![LoadError::file(
            name,
            format!("sheet {sheet_name} cannot be read: {e}"),
        )]
    };
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let range = wb.worksheet_range(&sheet_name);
        let formulas = wb.worksheet_formula(&sheet_name);
        (range, formulas)
    }));
    let (range, formulas) = match read {
        Ok((Ok(r), Ok(f))) => (r, f),
        Ok((Err(e), _)) | Ok((_, Err(e))) => return Err(bad_sheet(e.to_string())),
        Err(_) => return Err(bad_sheet("the workbook is damaged".into())),
    };
    let (Some((top, left)), Some((bottom, right))) = (range.start(), range.end()) else {
        return Err(vec![LoadError::file(
            name,
            format!("sheet {sheet_name} is empty: expected a header row in row 1"),
        )]);
    };
    // Columns by their normalised header, and which of them are months.
    let header: Vec<String> = (left..=right)
        .map(|c| cell_text(range.get_value((top, c)).unwrap_or(&Data::Empty), true))
        .collect();
    let mut columns = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        let h = normalize_header(h);
        if !h.is_empty() {
            columns.entry(h).or_insert(left + i as u32);
        }
    }
    let map = Arc::new(SheetMap {
        workbook: name.to_string(),
        csv_name: csv_name.map(str::to_string),
        sheet: sheet_name.clone(),
        columns,
    });
    let normal: Vec<String> = header.iter().map(|h| normalize_header(h)).collect();
    let is_month = |c: u32| {
        let h = &normal[(c - left) as usize];
        h == "month" || h.ends_with("_month")
    };
    let read_here = |c: u32| wanted(&normal[(c - left) as usize]);
    let mut errors = Vec::new();
    let cell_error = |r: u32, c: u32, message: String| {
        let e = LoadError::cell(name, r as usize + 1, &normal[(c - left) as usize], message);
        let mut e = map.locate(e);
        // A column without a header still has a cell.
        if let Some(spot) = &mut e.sheet {
            let cell = &mut spot.1;
            cell.get_or_insert_with(|| format!("{}{}", column_letters(c), r + 1));
        }
        e
    };
    // Formulas saved without their value (a workbook written by a script, never opened in Excel).
    let (f_top, f_left) = formulas.start().unwrap_or((0, 0));
    for (r, c, f) in formulas.used_cells() {
        let (r, c) = (r as u32 + f_top, c as u32 + f_left);
        if f.trim().is_empty() || c < left || c > right || r <= top || !read_here(c) {
            continue;
        }
        let saved = range.get_value((r, c));
        if matches!(saved, None | Some(Data::Empty))
            || matches!(saved, Some(Data::String(s)) if s.is_empty())
        {
            errors.push(cell_error(
                r,
                c,
                format!(
                    "holds the formula ={} without its value: open the workbook in Excel and \
                     save it, or type the value",
                    f.trim_start_matches('=')
                ),
            ));
        }
    }
    let mut rows = Vec::with_capacity((bottom - top) as usize);
    for r in top + 1..=bottom {
        let mut cells = Vec::with_capacity(header.len());
        for c in left..=right {
            let v = range.get_value((r, c)).unwrap_or(&Data::Empty);
            match v {
                Data::Error(kind) if read_here(c) => {
                    errors.push(cell_error(
                        r,
                        c,
                        format!("holds the error {kind}: expected a value (fix the formula or type the value)"),
                    ));
                    cells.push(String::new());
                }
                Data::Error(_) => cells.push(String::new()),
                Data::DateTime(d) if d.is_duration() && read_here(c) => {
                    errors.push(cell_error(
                        r,
                        c,
                        "holds a duration: expected a number (format the cell as a number)".into(),
                    ));
                    cells.push(String::new());
                }
                other => cells.push(cell_text(other, is_month(c))),
            }
        }
        rows.push((r as usize + 1, cells));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        if errors.len() > MAX_CELL_ERRORS {
            errors.truncate(MAX_CELL_ERRORS);
            errors.push(LoadError::file(
                name,
                format!("sheet {sheet_name}: more bad cells after the first {MAX_CELL_ERRORS}"),
            ));
        }
        return Err(errors);
    }
    // The header is in the sheet's first row: a sheet whose first rows are blank is read from
    // its first used row, and the rows keep their numbers.
    Ok(Sheet {
        header_row: top as usize + 1,
        header,
        rows,
        map,
    })
}

/// A cell as the text a CSV export of it would hold.
fn cell_text(v: &Data, month: bool) -> String {
    match v {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) if d.is_duration() => number_text(d.as_f64()),
        Data::DateTime(d) => {
            let (y, m, day, h, mi, s, ms) = d.to_ymd_hms_milli();
            if (h, mi, s, ms) != (0, 0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02} {h:02}:{mi:02}:{s:02}")
            } else if month && day == 1 {
                format!("{y:04}-{m:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02}")
            }
        }
        Data::DateTimeIso(s) => {
            let s = s.strip_suffix("T00:00:00").unwrap_or(s);
            match s.strip_suffix("-01") {
                Some(ym) if month && s.len() == 10 => ym.to_string(),
                _ => s.to_string(),
            }
        }
        Data::DurationIso(s) => s.clone(),
    }
}

/// A number as a CSV would hold it: whole numbers without a decimal point, others in their
/// shortest exact form.
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn lines_named_in_a_message_are_rows_of_a_sheet() {
        assert_eq!(
            rows_for_lines(r#""A" is already defined on line 4"#),
            r#""A" is already defined on row 4"#
        );
        assert_eq!(
            rows_for_lines(r#"sku X is routed on line "L2" on line 7; a sku is built on one line"#),
            r#"sku X is routed on line "L2" on row 7; a sku is built on one line"#
        );
    }

    #[test]
    fn column_letters_run_as_excel_names_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(2), "C");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn cells_read_as_a_csv_export_would_hold_them() {
        assert_eq!(cell_text(&Data::Float(1001.0), false), "1001");
        assert_eq!(cell_text(&Data::Float(-0.0), false), "0");
        assert_eq!(cell_text(&Data::Float(0.85), false), "0.85");
        assert_eq!(cell_text(&Data::Float(12.5), false), "12.5");
        assert_eq!(cell_text(&Data::Int(7), false), "7");
        assert_eq!(cell_text(&Data::String("007".into()), false), "007");
        // 2026-03-01 is serial 46082 in the 1900 date system.
        let date =
            |v: f64| Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(cell_text(&date(46082.0), false), "2026-03-01");
        assert_eq!(cell_text(&date(46082.0), true), "2026-03");
        assert_eq!(cell_text(&date(46083.0), true), "2026-03-02");
        assert_eq!(cell_text(&date(46082.5), false), "2026-03-01 12:00:00");
    }
}
