//! Excel workbooks as the folder's tables (issue 17): the demo folder converted to .xlsx files
//! plans to byte-identical CSV outputs, and each way a workbook goes wrong ends in a message
//! naming workbook, sheet and cell, with nothing written.

use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

use super::{demo, run, small_folder, stderr};

/// One cell of a hand-made sheet.
enum Cell<'a> {
    Text(&'a str),
    Number(f64),
    /// A real Excel date.
    Date(u16, u8, u8),
    /// A formula with the value saved with it ("" = saved without its value).
    Formula(&'a str, &'a str),
    Blank,
}

/// Writes a workbook of one sheet `sheet` holding `rows` (the first is the header).
fn book(path: &Path, sheet: &str, rows: &[Vec<Cell<'_>>]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                Cell::Text(s) => drop(ws.write_string(r, c, *s).unwrap()),
                Cell::Number(v) => drop(ws.write_number(r, c, *v).unwrap()),
                Cell::Date(y, m, d) => {
                    let d = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                    ws.write_datetime_with_format(r, c, &d, &date).unwrap();
                }
                Cell::Formula(f, "") => {
                    // What a script's workbook holds: no value saved with the formula.
                    ws.set_formula_result_default("");
                    ws.write_formula(r, c, Formula::new(*f)).unwrap();
                }
                Cell::Formula(f, saved) => {
                    ws.write_formula(r, c, Formula::new(*f).set_result(*saved))
                        .unwrap();
                }
                Cell::Blank => {}
            }
        }
    }
    wb.save(path).unwrap();
}

/// Columns that name things: written as text even where they look like numbers.
const CODES: &[&str] = &[
    "sku",
    "material",
    "line",
    "station",
    "family",
    "name",
    "unit",
    "po",
    "index",
    "component",
    "kind",
    "note",
    "reason",
    "basis",
    "currency",
];

/// A CSV file of the folder as a planner's workbook holds it: months and dates as real Excel
/// dates, codes as text, every other number as a number.
fn convert(csv_path: &Path, xlsx_path: &Path, sheet: &str) {
    let mut reader = csv::Reader::from_path(csv_path).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let mut rows = vec![header.iter().map(|h| Cell::Text(h)).collect::<Vec<_>>()];
    for rec in &records {
        let row = rec
            .iter()
            .zip(&header)
            .map(|(v, h)| {
                let ymd: Vec<&str> = v.split('-').collect();
                if v.is_empty() {
                    Cell::Blank
                } else if CODES.contains(&h.as_str()) {
                    Cell::Text(v)
                } else if (h == "month" || h.ends_with("_month")) && ymd.len() == 2 {
                    Cell::Date(ymd[0].parse().unwrap(), ymd[1].parse().unwrap(), 1)
                } else if (h == "date" || h.ends_with("_date")) && ymd.len() == 3 {
                    Cell::Date(
                        ymd[0].parse().unwrap(),
                        ymd[1].parse().unwrap(),
                        ymd[2].parse().unwrap(),
                    )
                } else if let Ok(n) = v.parse::<f64>() {
                    Cell::Number(n)
                } else {
                    Cell::Text(v)
                }
            })
            .collect();
        rows.push(row);
    }
    book(xlsx_path, sheet, &rows);
}

/// Every CSV file directly in `dir`, by name.
fn csv_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_demo_folder_as_workbooks_plans_to_the_same_csv_files() {
    let tmp = tempfile::tempdir().unwrap();
    let books = tmp.path().join("books");
    std::fs::create_dir(&books).unwrap();
    let mut converted = 0;
    for entry in std::fs::read_dir(demo()).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        match name.strip_suffix(".csv") {
            Some(stem) => {
                convert(&p, &books.join(format!("{stem}.xlsx")), stem);
                converted += 1;
            }
            None => drop(std::fs::copy(&p, books.join(&name)).unwrap()),
        }
    }
    assert_eq!(converted, 12, "every table of the demo");
    let o = run(tmp.path(), &["validate", "--data", "books"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = super::stdout(&o);
    assert!(
        said.contains("demand.xlsx") && !said.contains("demand.csv"),
        "{said}"
    );

    let a = run(
        tmp.path(),
        &[
            "plan",
            "--data",
            demo().to_str().unwrap(),
            "--out",
            "from-csv",
            "--quiet",
        ],
    );
    assert!(a.status.success(), "{}", stderr(&a));
    let b = run(
        tmp.path(),
        &["plan", "--data", "books", "--out", "from-xlsx", "--quiet"],
    );
    assert!(b.status.success(), "{}", stderr(&b));
    assert_eq!(stderr(&a), stderr(&b), "the same warnings");
    let from_csv = csv_files(&tmp.path().join("from-csv"));
    let from_xlsx = csv_files(&tmp.path().join("from-xlsx"));
    assert!(from_csv.len() >= 14, "{} csv files", from_csv.len());
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&from_csv), names(&from_xlsx));
    for ((name, x), (_, y)) in from_csv.iter().zip(&from_xlsx) {
        assert!(
            x == y,
            "{name} differs between the CSV and the workbook folder"
        );
    }
}

/// The small folder with its demand as `rows` in demand.xlsx instead of demand.csv.
fn with_demand_book(rows: &[Vec<Cell<'_>>]) -> tempfile::TempDir {
    let dir = small_folder();
    std::fs::remove_file(dir.path().join("demand.csv")).unwrap();
    book(&dir.path().join("demand.xlsx"), "demand", rows);
    dir
}

/// A demand sheet: the header and two good rows, then `extra`.
fn demand_rows(extra: Vec<Vec<Cell<'static>>>) -> Vec<Vec<Cell<'static>>> {
    let mut rows = vec![
        vec![
            Cell::Text("sku"),
            Cell::Text("month"),
            Cell::Text("quantity"),
        ],
        vec![
            Cell::Text("BTL-1"),
            Cell::Date(2025, 1, 1),
            Cell::Number(100.0),
        ],
        vec![
            Cell::Text("BTL-1"),
            Cell::Date(2025, 2, 1),
            Cell::Number(110.0),
        ],
    ];
    rows.extend(extra);
    rows
}

/// `planner plan` on `dir` fails with `message` (after `error: `) and writes nothing.
#[track_caller]
fn plan_fails(dir: &Path, message: &str) {
    let o = run(dir, &["plan", "--data", ".", "--out", "out", "--quiet"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("error: {message}")),
        "expected {message:?} in:\n{}",
        stderr(&o)
    );
    assert!(!dir.join("out").exists(), "nothing written");
}

#[test]
fn a_bad_number_in_a_demand_workbook_is_named_by_sheet_and_cell() {
    let mut extra: Vec<Vec<Cell<'static>>> = (3..16)
        .map(|_| {
            vec![
                Cell::Text("HSG-1"),
                Cell::Date(2025, 1, 1),
                Cell::Number(5.0),
            ]
        })
        .collect();
    extra.push(vec![
        Cell::Text("HSG-1"),
        Cell::Date(2025, 2, 1),
        Cell::Text("12x"),
    ]);
    let dir = with_demand_book(&demand_rows(extra));
    plan_fails(
        dir.path(),
        r#"demand.xlsx: sheet demand, cell C17: "12x" is not a number"#,
    );
    // validate says the same, at the same cell.
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(r#"error: demand.xlsx: sheet demand, cell C17: "12x" is not a number"#),
        "{}",
        stderr(&o)
    );
}

#[test]
fn rows_of_a_demand_workbook_are_summed_as_in_csv() {
    let extra = vec![vec![
        Cell::Text("BTL-1"),
        Cell::Text("2025-02"),
        Cell::Number(5.0),
    ]];
    let dir = with_demand_book(&demand_rows(extra));
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "warning: demand.xlsx: 1 row for a sku and month already seen was summed into their month"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_file_that_is_not_a_workbook_is_refused() {
    let dir = small_folder();
    std::fs::remove_file(dir.path().join("demand.csv")).unwrap();
    std::fs::write(
        dir.path().join("demand.xlsx"),
        "sku,month,quantity\nA,2025-01,1\n",
    )
    .unwrap();
    plan_fails(
        dir.path(),
        "demand.xlsx: is not an Excel workbook (.xlsx): ",
    );
}

#[test]
fn an_empty_workbook_is_refused() {
    let dir = with_demand_book(&[]);
    plan_fails(
        dir.path(),
        "demand.xlsx: sheet demand is empty: expected a header row in row 1",
    );
}

#[test]
fn a_sheet_without_the_required_columns_is_refused() {
    let dir = with_demand_book(&[
        vec![Cell::Text("sku"), Cell::Text("month"), Cell::Text("qty")],
        vec![
            Cell::Text("BTL-1"),
            Cell::Date(2025, 1, 1),
            Cell::Number(100.0),
        ],
    ]);
    plan_fails(
        dir.path(),
        "demand.xlsx: sheet demand, row 1: missing column quantity (found: sku, month, qty)",
    );
    // A master table too.
    let dir = small_folder();
    std::fs::remove_file(dir.path().join("lines.csv")).unwrap();
    book(
        &dir.path().join("lines.xlsx"),
        "lines",
        &[vec![Cell::Text("line"), Cell::Text("oee")]],
    );
    plan_fails(
        dir.path(),
        "lines.xlsx: sheet lines, row 1: missing columns shifts_per_day, hours_per_shift, days_per_week (found: line, oee)",
    );
}

#[test]
fn a_formula_saved_without_its_value_is_refused() {
    let extra = vec![vec![
        Cell::Text("BTL-1"),
        Cell::Date(2025, 3, 1),
        Cell::Formula("=C3*2", ""),
    ]];
    let dir = with_demand_book(&demand_rows(extra));
    plan_fails(
        dir.path(),
        "demand.xlsx: sheet demand, cell C4: holds the formula =C3*2 without its value: open the \
         workbook in Excel and save it, or type the value",
    );
}

#[test]
fn an_error_cell_is_refused() {
    let extra = vec![vec![
        Cell::Text("BTL-1"),
        Cell::Date(2025, 3, 1),
        Cell::Formula("=1/0", "#DIV/0!"),
    ]];
    let dir = with_demand_book(&demand_rows(extra));
    plan_fails(
        dir.path(),
        "demand.xlsx: sheet demand, cell C4: holds the error #DIV/0!: expected a value",
    );
}

#[test]
fn a_table_as_both_csv_and_workbook_is_refused() {
    let dir = small_folder();
    book(
        &dir.path().join("demand.xlsx"),
        "demand",
        &demand_rows(Vec::new()),
    );
    plan_fails(
        dir.path(),
        ".: holds both demand.csv and demand.xlsx: keep one of them",
    );
}

#[test]
fn problems_across_workbooks_name_their_cells() {
    // A routing on a line lines.xlsx does not have: at its cell, naming lines.xlsx.
    let dir = small_folder();
    std::fs::remove_file(dir.path().join("routings.csv")).unwrap();
    std::fs::remove_file(dir.path().join("lines.csv")).unwrap();
    book(
        &dir.path().join("lines.xlsx"),
        "lines",
        &[
            [
                "line",
                "shifts_per_day",
                "hours_per_shift",
                "days_per_week",
                "oee",
            ]
            .map(Cell::Text)
            .into(),
            vec![
                Cell::Text("L1"),
                Cell::Number(1.0),
                Cell::Number(8.0),
                Cell::Number(5.0),
                Cell::Number(0.8),
            ],
        ],
    );
    book(
        &dir.path().join("routings.xlsx"),
        "steps",
        &[
            ["sku", "line", "station", "cycle_seconds"]
                .map(Cell::Text)
                .into(),
            vec![
                Cell::Text("BTL-1"),
                Cell::Text("L1"),
                Cell::Text("weld"),
                Cell::Number(30.0),
            ],
            vec![
                Cell::Text("HSG-1"),
                Cell::Text("L9"),
                Cell::Text("mould"),
                Cell::Number(60.0),
            ],
        ],
    );
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error: routings.xlsx: sheet steps, cell B3: ") && err.contains("lines.xlsx"),
        "{err}"
    );
    assert!(!err.contains("lines.csv"), "{err}");
}
