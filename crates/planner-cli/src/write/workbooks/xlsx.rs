//! `plan.xlsx` (and `review.xlsx`, `scenarios.xlsx`, `scorecard.xlsx`): one sheet per table, from
//! the same [`Table`]s as the CSV files, each cell written as its type says ([`Cell`]).
//!
//! Each sheet has a bold, frozen header row with a filter; counted units whole (`#,##0`), other
//! numbers with their decimals, money with its currency (`#,##0.00 "USD"`), every percentage as
//! an Excel percentage (`0.0%`, whatever its CSV spelling), months and days as real dates shown
//! `yyyy-mm` and `yyyy-mm-dd`, codes as text even when they look like numbers; a bold totals row
//! under the tables that have one; column widths that fit their contents.

use std::path::Path;

use std::collections::HashMap;

use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::write::tables::cell::PercentCsv;
use crate::write::tables::{Cell, Table};
use crate::write::Guard;

/// Rows an Excel sheet holds, header included.
const MAX_ROWS: usize = 1_048_576;

/// Rows sampled to size the columns.
const WIDTH_SAMPLE: usize = 2_000;

/// How a cell is drawn: its number format, and bold for a totals row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Style {
    Count,
    Number(u8),
    Money(u8, Option<String>),
    Percent,
    Month,
    Date,
}

/// The formats of one workbook, made once per style (rust_xlsxwriter registers each format it
/// is given; a forecast sheet has 100,000 cells and a handful of styles).
#[derive(Debug, Default)]
pub(crate) struct Formats {
    made: HashMap<(Style, bool), Format>,
}

fn number_format(decimals: u8) -> String {
    match decimals.min(6) {
        0 => "#,##0".to_string(),
        d => format!("#,##0.{}", "0".repeat(d as usize)),
    }
}

/// A currency code fit for a number format: its letters and digits only.
fn code(currency: &str) -> Option<String> {
    let c: String = currency
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    (!c.is_empty()).then_some(c)
}

impl Formats {
    fn get(&mut self, style: Style, bold: bool) -> &Format {
        self.made.entry((style.clone(), bold)).or_insert_with(|| {
            let f = match &style {
                Style::Count => Format::new().set_num_format("#,##0"),
                Style::Number(d) => Format::new().set_num_format(number_format(*d)),
                Style::Money(d, cur) => Format::new().set_num_format(match cur {
                    Some(c) => format!("{} \"{c}\"", number_format(*d)),
                    None => number_format(*d),
                }),
                Style::Percent => Format::new().set_num_format("0.0%"),
                Style::Month => Format::new()
                    .set_num_format("yyyy-mm")
                    .set_align(FormatAlign::Left),
                Style::Date => Format::new()
                    .set_num_format("yyyy-mm-dd")
                    .set_align(FormatAlign::Left),
            };
            if bold {
                f.set_bold()
            } else {
                f
            }
        })
    }

    /// Writes `cell` at (`row`, `col`) as its type says; bold for a totals row. Empty cells and
    /// numbers that are not finite are left blank.
    pub(crate) fn write(
        &mut self,
        ws: &mut Worksheet,
        row: u32,
        col: u16,
        cell: &Cell,
        bold: bool,
    ) -> Result<(), XlsxError> {
        let number = |ws: &mut Worksheet, v: f64, f: &Format| -> Result<(), XlsxError> {
            if v.is_finite() {
                ws.write_number_with_format(row, col, v, f)?;
            }
            Ok(())
        };
        match cell {
            Cell::Empty => {}
            Cell::Text(s) => {
                if bold {
                    let f = Format::new().set_bold();
                    ws.write_string_with_format(row, col, s, &f)?;
                } else {
                    ws.write_string(row, col, s)?;
                }
            }
            Cell::Count { value, decimals } => {
                number(ws, rounded(*value, *decimals), self.get(Style::Count, bold))?;
            }
            Cell::Number { value, decimals } => {
                let f = self.get(Style::Number(*decimals), bold);
                number(ws, rounded(*value, *decimals), f)?;
            }
            Cell::Money {
                value,
                decimals,
                currency,
            } => {
                let style = Style::Money(*decimals, currency.and_then(code));
                number(ws, rounded(*value, *decimals), self.get(style, bold))?;
            }
            Cell::Percent {
                fraction,
                decimals,
                csv,
            } => {
                let d = match csv {
                    PercentCsv::Fraction => *decimals,
                    PercentCsv::Points => decimals + 2,
                };
                number(ws, rounded(*fraction, d), self.get(Style::Percent, bold))?;
            }
            Cell::Month(m) => {
                let d = ExcelDateTime::from_ymd(m.year() as u16, m.month() as u8, 1)?;
                ws.write_datetime_with_format(row, col, &d, self.get(Style::Month, bold))?;
            }
            Cell::Date(d) => {
                let (y, m, day) = d.ymd();
                let d = ExcelDateTime::from_ymd(y as u16, m as u8, day as u8)?;
                ws.write_datetime_with_format(row, col, &d, self.get(Style::Date, bold))?;
            }
        }
        Ok(())
    }

    /// Writes `cells` as row `row`, from the first column; bold for a totals row.
    pub(crate) fn write_row(
        &mut self,
        ws: &mut Worksheet,
        row: u32,
        cells: &[Cell],
        bold: bool,
    ) -> Result<(), XlsxError> {
        for (c, cell) in cells.iter().enumerate() {
            self.write(ws, row, c as u16, cell, bold)?;
        }
        Ok(())
    }
}

/// `x` rounded to `decimals` as the CSV files spell it (ties away from zero), so that a
/// workbook's value is the file's.
fn rounded(x: f64, decimals: u8) -> f64 {
    let scale = 10f64.powi(i32::from(decimals.min(12)));
    let r = (x * scale).round() / scale;
    if r.is_finite() {
        r
    } else {
        x
    }
}

/// The workbooks' header style: bold white on dark blue, wrapped.
pub(crate) fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_font_color(Color::White)
        .set_background_color(Color::RGB(0x1F_3A_5F))
        .set_border_bottom(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap()
}

/// Characters each column needs: its header and the first [`WIDTH_SAMPLE`] cells as a page
/// shows them (thousands separators, currency, percent sign), and the totals row.
fn widths(table: &Table) -> Vec<usize> {
    let mut widths: Vec<usize> = table.header.iter().map(|h| h.chars().count()).collect();
    for row in table.rows.iter().take(WIDTH_SAMPLE).chain(&table.total) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.html().chars().count());
        }
    }
    widths
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\\`, no apostrophe first or
/// last, not `History`, and unique in the book (Excel compares names without case): a clash
/// gets `~2`, `~3`... within the 31 characters, before the last word when there are several.
pub(crate) fn sheet_name(name: &str, used: &mut Vec<String>) -> String {
    let mapped: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let mut clean: String = mapped.trim_matches('\'').chars().take(31).collect();
    clean = clean.trim_end_matches('\'').to_string();
    if clean.is_empty() || clean.eq_ignore_ascii_case("history") {
        clean = format!("sheet {clean}").trim_end().to_string();
    }
    let taken = |s: &str, used: &[String]| {
        let s = s.to_lowercase();
        used.iter().any(|u| u.to_lowercase() == s)
    };
    // A clash gets its mark before the last word (`owner~2 table`, see [`fit_name`]), so that
    // the table's name stays whole; a one-word name gets it at the end.
    let (head, last) = match clean.rsplit_once(' ') {
        Some((h, l)) if !h.is_empty() => (h.to_string(), format!(" {l}")),
        _ => (clean.clone(), String::new()),
    };
    let mut s = clean.clone();
    let mut i = 2;
    while taken(&s, used) {
        let mark = format!("~{i}");
        let keep = 31usize.saturating_sub(mark.chars().count() + last.chars().count());
        s = format!(
            "{}{mark}{last}",
            head.chars().take(keep).collect::<String>()
        );
        i += 1;
    }
    used.push(s.clone());
    s
}

/// `owner table` in Excel's 31 characters: `table` whole (up to 31), `owner` shortened to fit.
pub fn fit_name(owner: &str, table: &str) -> String {
    let table: String = table.chars().take(31).collect();
    let room = 31usize.saturating_sub(table.chars().count() + 1);
    let owner: String = owner.chars().take(room).collect();
    let owner = owner.trim_end();
    if owner.is_empty() {
        table
    } else {
        format!("{owner} {table}")
    }
}

/// The workbook of `sheets` (name, table) as bytes.
///
/// # Errors
/// When rust_xlsxwriter rejects a value (it does not for tables of this crate).
#[cfg(test)]
pub fn workbook(sheets: &[(&str, &Table)]) -> anyhow::Result<Vec<u8>> {
    Ok(book(sheets)?.save_to_buffer()?)
}

/// The workbook of `sheets`, to be saved.
fn book(sheets: &[(&str, &Table)]) -> anyhow::Result<Workbook> {
    let mut wb = Workbook::new();
    let header = header_format();
    let mut formats = Formats::default();
    let mut used = Vec::new();
    for (name, table) in sheets {
        // Constant-memory sheets stream their rows to a temporary file, so a 120,000-row
        // forecast does not sit in memory twice; rows then go strictly in order, and the
        // widths, the header's height and the panes are set before the first row.
        let ws = wb.add_worksheet_with_constant_memory();
        ws.set_name(sheet_name(name, &mut used))?;
        for (c, w) in widths(table).iter().enumerate() {
            let w = (*w).clamp(8, 60) as f64 + 2.0;
            ws.set_column_width(c as u16, w)?;
        }
        ws.set_freeze_panes(1, 0)?;
        let shown = table.rows.len().min(MAX_ROWS - 2);
        if !table.header.is_empty() {
            ws.autofilter(0, 0, shown as u32, table.header.len() as u16 - 1)?;
        }
        ws.set_row_height(0, 30)?;
        for (c, h) in table.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &header)?;
        }
        for (i, row) in table.rows.iter().take(shown).enumerate() {
            formats.write_row(ws, (i + 1) as u32, row, false)?;
        }
        // The totals row, outside the filter's range so that sorting leaves it last.
        if let Some(total) = &table.total {
            formats.write_row(ws, (shown + 1) as u32, total, true)?;
        }
    }
    Ok(wb)
}

/// Writes `plan.xlsx` (or any workbook of tables) atomically, straight to its file (a 100,000-sku
/// plan's is 50 MB: not held in memory first).
///
/// # Errors
/// When the file cannot be written.
pub fn write(guard: &Guard, path: &Path, sheets: &[(&str, &Table)]) -> anyhow::Result<()> {
    let mut wb = book(sheets)?;
    guard.write(path, |w| Ok(wb.save_to_writer(w)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    fn month(s: &str) -> planner_core::time::Month {
        s.parse().unwrap()
    }

    fn read(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
        Xlsx::new(std::io::Cursor::new(bytes)).unwrap()
    }

    #[test]
    fn cells_are_written_as_their_type_says() {
        let table = Table::new(
            [
                "sku",
                "month",
                "forecast",
                "utilization",
                "wape_pct",
                "spend",
            ]
            .map(String::from)
            .to_vec(),
            vec![
                vec![
                    Cell::text("10023"),
                    Cell::month(month("2026-01")),
                    Cell::count(12.5, 2),
                    Cell::ratio(0.8512, 4),
                    Cell::points(0.125, 2),
                    Cell::money(1234.5, 2, Some("USD")),
                    Cell::number(0.1 + 0.2, 2),
                ],
                vec![
                    Cell::text("10024"),
                    Cell::month(month("2026-02")),
                    Cell::count(7.0, 2),
                    Cell::Empty,
                    Cell::points(0.5, 2),
                    Cell::money(10.0, 2, Some("USD")),
                    Cell::Empty,
                ],
            ],
        )
        .with_total(&["forecast", "spend"]);
        let mut book = read(workbook(&[("forecast", &table)]).unwrap());
        let range = book.worksheet_range("forecast").unwrap();
        // A code stays text; a month is a date; counts, shares and money are numbers, and
        // both percentage spellings are one fraction in the workbook.
        assert_eq!(range.get_value((1, 0)), Some(&Data::String("10023".into())));
        assert!(matches!(range.get_value((1, 1)), Some(Data::DateTime(_))));
        assert_eq!(range.get_value((1, 2)), Some(&Data::Float(12.5)));
        // The value is the CSV's: rounded to the cell's decimals.
        assert_eq!(range.get_value((1, 6)), Some(&Data::Float(0.3)));
        assert_eq!(range.get_value((1, 3)), Some(&Data::Float(0.8512)));
        assert_eq!(range.get_value((1, 4)), Some(&Data::Float(0.125)));
        assert!(matches!(range.get_value((2, 3)), None | Some(Data::Empty)));
        // The totals row under the rows.
        assert_eq!(range.get_value((3, 0)), Some(&Data::String("total".into())));
        assert_eq!(range.get_value((3, 2)), Some(&Data::Float(19.5)));
        assert_eq!(range.get_value((3, 5)), Some(&Data::Float(1244.5)));
    }

    #[test]
    fn number_formats_say_units_currency_and_percent() {
        let mut f = Formats::default();
        let fmt = |f: &mut Formats, s| format!("{:?}", f.get(s, false));
        assert!(fmt(&mut f, Style::Count).contains("#,##0\""));
        assert!(fmt(&mut f, Style::Money(2, Some("EUR".into()))).contains("#,##0.00 \\\"EUR\\\""));
        assert!(fmt(&mut f, Style::Percent).contains("0.0%"));
        assert_eq!(code("US$\""), Some("US".into()));
        assert_eq!(code("\"\""), None);
    }

    #[test]
    fn sheet_names_fit_excel() {
        let mut used = Vec::new();
        assert_eq!(sheet_name("a/b", &mut used), "a_b");
        assert_eq!(sheet_name("A_B", &mut used), "A_B~2");
        assert_eq!(sheet_name("'quoted'", &mut used), "quoted");
        assert_eq!(sheet_name("History", &mut used), "sheet History");
        assert_eq!(sheet_name("", &mut used), "sheet");
        let long = "x".repeat(40);
        assert_eq!(sheet_name(&long, &mut used).chars().count(), 31);
        // Names alike in their first 31 characters, or alike but for case, never clash, and
        // rust_xlsxwriter (which checks Excel's rules) takes every one.
        let mut used = Vec::new();
        let mut wb = Workbook::new();
        let prefix = "bottles-peak-plus-25/risk_capacity";
        let names: Vec<String> = (0..12)
            .map(|i| format!("{prefix}{i}"))
            .chain([
                "Ä-sheet".into(),
                "ä-sheet".into(),
                "é".repeat(40),
                "é".repeat(41),
            ])
            .map(|n| sheet_name(&n, &mut used))
            .collect();
        for n in &names {
            assert!(n.chars().count() <= 31, "{n}");
            wb.add_worksheet().set_name(n).unwrap();
        }
        let lower: std::collections::HashSet<String> =
            names.iter().map(|n| n.to_lowercase()).collect();
        assert_eq!(lower.len(), names.len(), "{names:?}");
        assert!(wb.save_to_buffer().is_ok());
        // A clash keeps the last word (the table's name) whole.
        let mut used = vec!["bottles-peak-plus risk_capacity".to_string()];
        assert_eq!(
            sheet_name("bottles-peak-plus risk_capacity", &mut used),
            "bottles-peak-pl~2 risk_capacity"
        );
    }

    #[test]
    fn a_long_owner_gives_way_to_the_table_name() {
        assert_eq!(fit_name("base", "risk_capacity"), "base risk_capacity");
        let n = fit_name("bottles-peak-plus-25", "risk_materials");
        assert_eq!(n, "bottles-peak-plu risk_materials");
        assert_eq!(n.chars().count(), 31);
        assert_eq!(fit_name("x", &"t".repeat(40)), "t".repeat(31));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Whatever the number and its decimals, the workbook holds the value the CSV file
        /// spells (a percentage as its fraction, whichever way CSV spells it).
        #[test]
        fn the_workbook_value_is_the_files(
            values in proptest::collection::vec((-1e7f64..1e7, 0u8..5), 1..20),
        ) {
            let rows: Vec<Vec<Cell>> = values
                .iter()
                .map(|&(x, d)| {
                    vec![
                        Cell::count(x, d),
                        Cell::number(x, d),
                        Cell::money(x, d, Some("EUR")),
                        Cell::ratio(x / 1e7, d + 2),
                        Cell::points(x / 1e7, d),
                    ]
                })
                .collect();
            let table = Table::new(["c", "n", "m", "r", "p"].map(String::from).to_vec(), rows);
            let mut book = read(workbook(&[("t", &table)]).unwrap());
            let range = book.worksheet_range("t").unwrap();
            for (i, row) in table.rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let csv: f64 = cell.csv().parse().unwrap();
                    let want = if c == 4 { csv / 100.0 } else { csv };
                    let got = match range.get_value((i as u32 + 1, c as u32)) {
                        Some(Data::Float(v)) => *v,
                        other => panic!("row {i} col {c}: {other:?}"),
                    };
                    proptest::prop_assert!(
                        (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                        "row {} col {}: {} vs {}", i, c, got, want
                    );
                }
            }
        }
    }

    #[test]
    fn a_workbook_is_a_zip() {
        let table = Table::new(vec!["sku".into()], vec![vec![Cell::text("A")]]);
        let bytes = workbook(&[("forecast", &table)]).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
