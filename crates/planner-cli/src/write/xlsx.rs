//! `plan.xlsx`: one sheet per table of the plan, from the same [`Table`]s as the CSV files.
//!
//! Each sheet has a bold, frozen header row with a filter, numbers written as numbers (thousands
//! separators, the decimals the column needs; utilizations and probabilities as percentages),
//! months as real dates shown `yyyy-mm`, and column widths that fit their contents.
//! Identifier columns (`sku`, `material`, `line`, ...) stay text even when they look like numbers.

use std::path::Path;

use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

use super::tables::Table;
use super::Guard;

/// Rows an Excel sheet holds, header included.
const MAX_ROWS: usize = 1_048_576;

/// Rows sampled to size the columns.
const WIDTH_SAMPLE: usize = 2_000;

/// Columns that name things: always text.
const IDENTIFIERS: &[&str] = &[
    "sku", "material", "line", "station", "family", "model", "name", "unit", "currency", "basis",
    "kind", "reason", "message", "period", "scheme",
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Month,
    /// A number with this many decimals shown.
    Number(usize),
    Percent,
}

fn is_month(s: &str) -> Option<(u16, u8)> {
    let b = s.as_bytes();
    if b.len() != 7 || b[4] != b'-' {
        return None;
    }
    let y: u16 = s[..4].parse().ok()?;
    let m: u8 = s[5..].parse().ok()?;
    ((1..=12).contains(&m) && (1900..=9999).contains(&y)).then_some((y, m))
}

fn decimals(s: &str) -> usize {
    s.split_once('.').map_or(0, |(_, d)| d.len())
}

/// What a column holds, from its name and every one of its cells.
fn kind(table: &Table, col: usize) -> Kind {
    let name = table.header[col].trim().to_ascii_lowercase();
    if IDENTIFIERS.contains(&name.as_str()) {
        return Kind::Text;
    }
    let cells = || {
        table
            .rows
            .iter()
            .filter_map(|r| r.get(col))
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    };
    if cells().next().is_none() {
        return Kind::Text;
    }
    if cells().all(|c| is_month(c).is_some()) {
        return Kind::Month;
    }
    if !cells().all(|c| c.parse::<f64>().is_ok_and(f64::is_finite)) {
        return Kind::Text;
    }
    if name.starts_with("utilization") || name.starts_with("p_over") || name.ends_with("_share") {
        return Kind::Percent;
    }
    Kind::Number(cells().map(decimals).max().unwrap_or(0).min(4))
}

/// Characters each column needs: its header and the first [`WIDTH_SAMPLE`] cells, with room
/// for thousands separators and a percent sign.
fn widths(table: &Table) -> Vec<usize> {
    let mut widths: Vec<usize> = table.header.iter().map(|h| h.chars().count()).collect();
    for row in table.rows.iter().take(WIDTH_SAMPLE) {
        for (w, cell) in widths.iter_mut().zip(row) {
            let cell = cell.trim();
            *w = (*w).max(cell.chars().count() + cell.len() / 4);
        }
    }
    widths
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique in the book.
fn sheet_name(name: &str, used: &mut Vec<String>) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    let mut s = clean.clone();
    let mut i = 2;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&s)) {
        let tail = format!("~{i}");
        s = format!(
            "{}{tail}",
            clean.chars().take(31 - tail.len()).collect::<String>()
        );
        i += 1;
    }
    used.push(s.clone());
    s
}

/// The workbook of `sheets` (name, table) as bytes.
///
/// # Errors
/// When rust_xlsxwriter rejects a value (it does not for tables of this crate).
pub fn workbook(sheets: &[(&str, &Table)]) -> anyhow::Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_font_color(Color::White)
        .set_background_color(Color::RGB(0x1F_3A_5F))
        .set_border_bottom(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let month = Format::new()
        .set_num_format("yyyy-mm")
        .set_align(FormatAlign::Left);
    let percent = Format::new().set_num_format("0.0%");
    let numbers: Vec<Format> = (0..=4)
        .map(|d| {
            let f = if d == 0 {
                "#,##0".to_string()
            } else {
                format!("#,##0.{}", "0".repeat(d))
            };
            Format::new().set_num_format(f)
        })
        .collect();
    let mut used = Vec::new();
    for (name, table) in sheets {
        // Constant-memory sheets stream their rows to a temporary file, so a 120,000-row
        // forecast does not sit in memory twice; rows then go strictly in order, and the
        // widths, the header's height and the panes are set before the first row.
        let ws = wb.add_worksheet_with_constant_memory();
        ws.set_name(sheet_name(name, &mut used))?;
        let kinds: Vec<Kind> = (0..table.header.len()).map(|c| kind(table, c)).collect();
        for (c, w) in widths(table).iter().enumerate() {
            let w = (*w).clamp(8, 60) as f64 + 2.0;
            ws.set_column_width(c as u16, w)?;
        }
        ws.set_freeze_panes(1, 0)?;
        if !table.header.is_empty() {
            let last = table.rows.len().min(MAX_ROWS - 1) as u32;
            ws.autofilter(0, 0, last, table.header.len() as u16 - 1)?;
        }
        ws.set_row_height(0, 30)?;
        for (c, h) in table.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &header)?;
        }
        for (i, row) in table.rows.iter().take(MAX_ROWS - 1).enumerate() {
            let r = (i + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let col = c as u16;
                let cell = cell.trim();
                if cell.is_empty() {
                    continue;
                }
                match kinds.get(c).copied().unwrap_or(Kind::Text) {
                    Kind::Text => {
                        ws.write_string(r, col, cell)?;
                    }
                    Kind::Month => match is_month(cell) {
                        Some((y, m)) => {
                            let d = ExcelDateTime::from_ymd(y, m, 1)?;
                            ws.write_datetime_with_format(r, col, &d, &month)?;
                        }
                        None => {
                            ws.write_string(r, col, cell)?;
                        }
                    },
                    Kind::Percent => {
                        let v: f64 = cell.parse().unwrap_or(f64::NAN);
                        ws.write_number_with_format(r, col, v, &percent)?;
                    }
                    Kind::Number(d) => {
                        let v: f64 = cell.parse().unwrap_or(f64::NAN);
                        ws.write_number_with_format(r, col, v, &numbers[d])?;
                    }
                }
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// Writes `plan.xlsx` (or any workbook of tables) atomically.
///
/// # Errors
/// When the file cannot be written.
pub fn write(guard: &Guard, path: &Path, sheets: &[(&str, &Table)]) -> anyhow::Result<()> {
    let bytes = workbook(sheets)?;
    guard.write(path, |w| {
        w.write_all(&bytes)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(header: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
        }
    }

    #[test]
    fn columns_get_their_kind() {
        let table = t(
            &["sku", "month", "forecast", "utilization", "model"],
            &[
                &["10023", "2026-01", "12.5", "0.8512", "ets"],
                &["10024", "2026-02", "7", "", "theta"],
            ],
        );
        assert_eq!(kind(&table, 0), Kind::Text);
        assert_eq!(kind(&table, 1), Kind::Month);
        assert_eq!(kind(&table, 2), Kind::Number(1));
        assert_eq!(kind(&table, 3), Kind::Percent);
        assert_eq!(kind(&table, 4), Kind::Text);
    }

    #[test]
    fn sheet_names_fit_excel() {
        let mut used = Vec::new();
        assert_eq!(sheet_name("a/b", &mut used), "a_b");
        assert_eq!(sheet_name("A_B", &mut used), "A_B~2");
        let long = "x".repeat(40);
        assert_eq!(sheet_name(&long, &mut used).len(), 31);
    }

    #[test]
    fn a_workbook_is_a_zip() {
        let table = t(&["sku", "month", "forecast"], &[&["A", "2026-01", "1"]]);
        let bytes = workbook(&[("forecast", &table)]).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
