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
                Cell::Text(s) => {
                    ws.write_string(r, c, *s).unwrap();
                }
                Cell::Number(v) => {
                    ws.write_number(r, c, *v).unwrap();
                }
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
    assert_eq!(converted, 14, "every table of the demo");
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

/// A copy of `src`'s two overrides sheets at `dst`, with `edits` (sku, month, new cell) made in
/// its `overrides` sheet, as a planner's Excel saves it (numbers as numbers, text as text).
fn edit_overrides(src: &Path, dst: &Path, edits: &[(&str, &str, Cell<'_>)]) {
    edit_sheet(src, dst, "overrides", edits);
}

/// As [`edit_overrides`], the `edits` made in the sheet `edited` (`overrides_base`, which must
/// stay as written).
fn edit_sheet(src: &Path, dst: &Path, edited: &str, edits: &[(&str, &str, Cell<'_>)]) {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = open_workbook(src).unwrap();
    let mut out = Workbook::new();
    for sheet in ["overrides", "overrides_base"] {
        let range = wb.worksheet_range(sheet).unwrap();
        let ws = out.add_worksheet();
        ws.set_name(sheet).unwrap();
        let header: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        for (r, row) in range.rows().enumerate() {
            let sku = row[0].to_string();
            for (c, cell) in row.iter().enumerate() {
                let (r32, c16) = (r as u32, c as u16);
                let edit = (sheet == edited)
                    .then(|| edits.iter().find(|(s, m, _)| *s == sku && *m == header[c]))
                    .flatten();
                match (edit, cell) {
                    (Some((_, _, Cell::Number(v))), _) => {
                        ws.write_number(r32, c16, *v).unwrap();
                    }
                    (Some((_, _, Cell::Text(t))), _) => {
                        ws.write_string(r32, c16, *t).unwrap();
                    }
                    (Some((_, _, Cell::Blank)), _) => {}
                    (Some(_), _) => unreachable!("edits are numbers, text or blanks"),
                    (None, Data::Float(v)) => {
                        ws.write_number(r32, c16, *v).unwrap();
                    }
                    (None, Data::Int(v)) => {
                        ws.write_number(r32, c16, *v as f64).unwrap();
                    }
                    (None, Data::String(s)) => {
                        ws.write_string(r32, c16, s).unwrap();
                    }
                    (None, Data::Empty) => {}
                    (None, other) => panic!("{sheet}: unexpected cell {other:?}"),
                }
            }
        }
    }
    out.save(dst).unwrap();
}

/// A row of forecast.csv: its (sku, month), and its fields by column name.
type Fields = ((String, String), Vec<(String, String)>);

/// forecast.csv's rows by (sku, month), each as its fields by column name.
fn forecast_rows(path: &Path) -> Vec<Fields> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let fields: Vec<(String, String)> = header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect();
            ((rec[0].to_string(), rec[1].to_string()), fields)
        })
        .collect()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    &fields.iter().find(|(n, _)| n == name).unwrap().1
}

#[test]
fn overrides_edited_in_plan_xlsx_come_back_as_override_events() {
    let dir = small_folder();
    let d = dir.path();
    let o = run(d, &["plan", "--data", ".", "--out", "first", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // BTL-1 2026-02 carries events.csv's promotion (x1.3): the number typed is the final one.
    let edits = [
        ("BTL-1", "2026-02", Cell::Number(250.0)),
        ("HSG-1", "2026-05", Cell::Number(42.0)),
    ];
    edit_overrides(&d.join("first/plan.xlsx"), &d.join("edited.xlsx"), &edits);
    let o = run(
        d,
        &[
            "plan",
            "--data",
            ".",
            "--out",
            "second",
            "--overrides",
            "edited.xlsx",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "overrides: edited.xlsx: 24 cells read, 2 changed from the plan it was made for: 2 override events"
        ),
        "{}",
        stderr(&o)
    );
    let before = forecast_rows(&d.join("first/forecast.csv"));
    let after = forecast_rows(&d.join("second/forecast.csv"));
    assert_eq!(before.len(), 24);
    assert_eq!(
        before.iter().map(|(k, _)| k).collect::<Vec<_>>(),
        after.iter().map(|(k, _)| k).collect::<Vec<_>>()
    );
    for ((key, a), (_, b)) in before.iter().zip(&after) {
        let edited = edits.iter().find(|(s, m, _)| key.0 == *s && key.1 == *m);
        // The model names the override on every row of an overridden sku, as an events.csv
        // override does; every other field of the rows left alone is as it was, to the byte.
        let model = field(b, "model");
        if edits.iter().any(|(s, _, _)| *s == key.0) {
            assert!(model.contains("override"), "{key:?}: {model}");
        } else {
            assert_eq!(model, field(a, "model"));
        }
        let rest = |f: &[(String, String)]| {
            f.iter()
                .filter(|(n, _)| n != "model")
                .cloned()
                .collect::<Vec<_>>()
        };
        match edited {
            None => assert_eq!(rest(a), rest(b), "{key:?} was left alone"),
            Some((_, _, Cell::Number(v))) => {
                let got: f64 = field(b, "forecast").parse().unwrap();
                assert!((got - v).abs() < 0.01, "{key:?}: {got}, typed {v}");
                assert_ne!(field(a, "forecast"), field(b, "forecast"));
                let (lo, hi): (f64, f64) = (
                    field(b, "lo_95").parse().unwrap(),
                    field(b, "hi_95").parse().unwrap(),
                );
                assert!(lo <= got && got <= hi, "{key:?}: {lo} <= {got} <= {hi}");
            }
            Some(_) => unreachable!(),
        }
    }

    // The new workbook shows the overrides and keeps the base: handed back untouched, it gives
    // the same plan; as the folder's overrides.xlsx, too.
    std::fs::copy(d.join("second/plan.xlsx"), d.join("again.xlsx")).unwrap();
    let o = run(
        d,
        &[
            "plan",
            "--data",
            ".",
            "--out",
            "third",
            "--overrides",
            "again.xlsx",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let second = std::fs::read(d.join("second/forecast.csv")).unwrap();
    assert!(second == std::fs::read(d.join("third/forecast.csv")).unwrap());
    std::fs::copy(d.join("edited.xlsx"), d.join("overrides.xlsx")).unwrap();
    let o = run(d, &["plan", "--data", ".", "--out", "fourth"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("overrides: overrides.xlsx: 24 cells read, 2 changed"));
    assert!(second == std::fs::read(d.join("fourth/forecast.csv")).unwrap());

    // Left alone, or blanked: nothing changes.
    std::fs::remove_file(d.join("overrides.xlsx")).unwrap();
    edit_overrides(
        &d.join("first/plan.xlsx"),
        &d.join("blank.xlsx"),
        &[("HSG-1", "2026-03", Cell::Blank)],
    );
    let o = run(
        d,
        &[
            "plan",
            "--data",
            ".",
            "--out",
            "fifth",
            "--overrides",
            "blank.xlsx",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o)
        .contains("23 cells read, 0 changed from the plan it was made for: nothing overridden"));
    assert!(
        std::fs::read(d.join("first/forecast.csv")).unwrap()
            == std::fs::read(d.join("fifth/forecast.csv")).unwrap()
    );
}

/// `planner plan --overrides book.xlsx` on `dir` fails with `message` and writes nothing.
#[track_caller]
fn overrides_fail(dir: &Path, book: &str, message: &str) {
    let o = run(
        dir,
        &[
            "plan",
            "--data",
            ".",
            "--out",
            "refused",
            "--overrides",
            book,
            "--quiet",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("error: {message}")),
        "expected {message:?} in:\n{}",
        stderr(&o)
    );
    assert!(!dir.join("refused").exists(), "nothing written");
}

#[test]
fn an_overrides_workbook_for_another_plan_or_with_bad_cells_is_refused() {
    let dir = small_folder();
    let d = dir.path();
    let o = run(d, &["plan", "--data", ".", "--out", "first", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    edit_overrides(
        &d.join("first/plan.xlsx"),
        &d.join("typo.xlsx"),
        &[("HSG-1", "2026-02", Cell::Text("12x"))],
    );
    // The header is row 1 and HSG-1 the second sku: 2026-02 is column C, row 3.
    overrides_fail(
        d,
        "typo.xlsx",
        r#"typo.xlsx: sheet overrides, cell C3: "12x" is not a number"#,
    );
    edit_overrides(
        &d.join("first/plan.xlsx"),
        &d.join("edited.xlsx"),
        &[("HSG-1", "2026-02", Cell::Number(60.0))],
    );
    // overrides_base holds what the edits are told from: a number changed there is refused
    // (it would make the cell an override of the number it was given), as is its checksum gone.
    edit_sheet(
        &d.join("first/plan.xlsx"),
        &d.join("base.xlsx"),
        "overrides_base",
        &[("HSG-1", "2026-02", Cell::Number(5.0))],
    );
    overrides_fail(
        d,
        "base.xlsx",
        "base.xlsx: sheet overrides_base was changed since planner wrote it (its numbers do not \
         match their checksum: edit the overrides sheet, not this one); it must stay as written",
    );
    edit_sheet(
        &d.join("first/plan.xlsx"),
        &d.join("nosum.xlsx"),
        "overrides_base",
        // The marks below the two skus' rows: the checksum, then the note.
        &[("", "made_for", Cell::Blank)],
    );
    overrides_fail(
        d,
        "nosum.xlsx",
        "nosum.xlsx: sheet overrides_base was changed since planner wrote it (its numbers' \
         checksum is gone)",
    );
    // Left as written (the overrides sheet edited), it is taken.
    let o = run(
        d,
        &[
            "plan",
            "--data",
            ".",
            "--out",
            "taken",
            "--overrides",
            "edited.xlsx",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // A plan.xlsx is not a CSV demand file, nor is any workbook an overrides one.
    overrides_fail(
        d,
        "first/forecast.csv",
        "forecast.csv: is not an Excel workbook (.xlsx)",
    );

    // Next month: the history has one more month, the plan starts later.
    let mut demand = std::fs::read_to_string(d.join("demand.csv")).unwrap();
    demand.push_str("BTL-1,2026-01,130\nHSG-1,2026-01,51\n");
    std::fs::write(d.join("demand.csv"), &demand).unwrap();
    overrides_fail(
        d,
        "edited.xlsx",
        "edited.xlsx: was made for another plan: its first planned month is 2026-01, this plan's is 2026-02; edit this run's plan.xlsx instead",
    );
    // Same month, another set of skus.
    let lines: Vec<&str> = demand.lines().collect();
    let mut other = lines[..lines.len() - 2].join("\n");
    other.push_str("\nNEW-1,2025-12,5\n");
    std::fs::write(d.join("demand.csv"), other).unwrap();
    overrides_fail(
        d,
        "edited.xlsx",
        r#"edited.xlsx: was made for another plan: sku "NEW-1" not in the workbook; edit this run's plan.xlsx instead"#,
    );
}

#[test]
fn a_demand_plan_may_be_a_workbook_and_duplicates_name_their_rows() {
    let dir = small_folder();
    let d = dir.path();
    let o = run(d, &["plan", "--data", ".", "--out", "first", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    convert(
        &d.join("first/forecast.csv"),
        &d.join("forecast.xlsx"),
        "forecast",
    );
    for (demand, out) in [("first/forecast.csv", "a.csv"), ("forecast.xlsx", "b.csv")] {
        let o = run(
            d,
            &["capacity", "--data", ".", "--demand", demand, "--out", out],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let a = std::fs::read(d.join("a.csv")).unwrap();
    assert!(a.len() > 100 && a == std::fs::read(d.join("b.csv")).unwrap());

    std::fs::remove_file(d.join("products.csv")).unwrap();
    book(
        &d.join("products.xlsx"),
        "products",
        &[
            ["sku", "family"].map(Cell::Text).into(),
            ["BTL-1", "bottles"].map(Cell::Text).into(),
            ["BTL-1", "housings"].map(Cell::Text).into(),
        ],
    );
    plan_fails(
        d,
        r#"products.xlsx: sheet products, cell A3: "BTL-1" is already defined on row 2"#,
    );
}

#[test]
fn an_override_cell_of_a_launched_sku_applies() {
    let dir = small_folder();
    let d = dir.path();
    super::put(
        d,
        "events.csv",
        "sku,month,kind,value,note\nNEW-1,2026-03,launch,100,new bottle\n",
    );
    let o = run(d, &["plan", "--data", ".", "--out", "first", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    edit_overrides(
        &d.join("first/plan.xlsx"),
        &d.join("edited.xlsx"),
        &[
            ("NEW-1", "2026-04", Cell::Number(90.0)),
            ("NEW-1", "2026-02", Cell::Number(30.0)),
        ],
    );
    let o = run(
        d,
        &[
            "plan",
            "--data",
            ".",
            "--out",
            "second",
            "--overrides",
            "edited.xlsx",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("36 cells read, 2 changed from the plan it was made for: 2 override events"),
        "{err}"
    );
    assert!(!err.contains("does not apply"), "{err}");
    let rows = forecast_rows(&d.join("second/forecast.csv"));
    let at = |month: &str| -> f64 {
        let (_, f) = rows
            .iter()
            .find(|((s, m), _)| s == "NEW-1" && m == month)
            .unwrap();
        field(f, "forecast").parse().unwrap()
    };
    // The typed numbers, before the launch too; the other months keep the launch's 100.
    assert_eq!(
        (
            at("2026-01"),
            at("2026-02"),
            at("2026-03"),
            at("2026-04"),
            at("2026-05")
        ),
        (0.0, 30.0, 100.0, 90.0, 100.0)
    );
}

/// An override typed into a frozen month is held back by the fences, and the run says so (the
/// overrides line counted it as applied).
#[test]
fn an_override_in_a_frozen_month_is_said_to_be_held_back() {
    let root = tempfile::tempdir().unwrap();
    let f = root.path().join("folder");
    let fs = f.to_str().unwrap();
    super::cycle::demo_until(&f, "2026-08");
    let o = run(
        root.path(),
        &["plan", "--data", fs, "--out", "m1", "--publish", "--quiet"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    super::cycle::demo_until(&f, "2026-09");
    let o = run(
        root.path(),
        &["plan", "--data", fs, "--out", "m2", "--quiet"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Month 1 (2026-10) is frozen in the demo's planner.toml.
    let edited = root.path().join("edited.xlsx");
    edit_overrides(
        &root.path().join("m2/plan.xlsx"),
        &edited,
        &[("BTL-1000-BLK", "2026-10", Cell::Number(5000.0))],
    );
    let o = run(
        root.path(),
        &[
            "plan",
            "--data",
            fs,
            "--out",
            "m3",
            "--overrides",
            edited.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let published = std::fs::read_to_string(f.join("archive/2026-09/forecast.csv")).unwrap();
    let kept: f64 = published
        .lines()
        .find(|l| l.starts_with("BTL-1000-BLK,2026-10,"))
        .and_then(|l| l.split(',').nth(2))
        .and_then(|v| v.parse().ok())
        .unwrap();
    let want = format!(
        "  of them 1 month of the overrides workbook, held back by the fences (first: \
         BTL-1000-BLK 2026-10, typed 5000, kept at {}): a change inside the fences goes to \
         changes.csv once the CM agrees to it",
        kept.round()
    );
    assert!(stderr(&o).contains(&want), "{want}\nin\n{}", stderr(&o));
}
