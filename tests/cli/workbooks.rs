//! The workbooks read back with calamine: each value is the CSV file's, every percentage is a
//! fraction (one convention, whatever the CSV spelling), codes stay text, totals rows add up,
//! and sheet names fit Excel's 31 characters without clashing.

use std::collections::HashSet;
use std::path::Path;

use calamine::{open_workbook, Data, Range, Reader, Xlsx};

use super::{demo, run, stderr};

fn sheet(path: &Path, name: &str) -> Range<Data> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    wb.worksheet_range(name)
        .unwrap_or_else(|e| panic!("{}: sheet {name}: {e}", path.display()))
}

fn csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (h, rows)
}

fn float(d: Option<&Data>) -> Option<f64> {
    match d {
        Some(Data::Float(x)) => Some(*x),
        Some(Data::Int(x)) => Some(*x as f64),
        _ => None,
    }
}

/// Column `name` of a sheet against the CSV file's: `scale` times the file's number, row by row.
fn same_numbers(sheet: &Range<Data>, file: &Path, name: &str, scale: f64) -> usize {
    let (h, rows) = csv(file);
    let c = h.iter().position(|x| x == name).unwrap();
    let mut n = 0;
    for (i, row) in rows.iter().enumerate() {
        if row[c].is_empty() {
            continue;
        }
        let want: f64 = row[c].parse::<f64>().unwrap() * scale;
        let got = float(sheet.get((i + 1, c))).unwrap_or_else(|| {
            panic!(
                "{} row {} {name}: {:?}",
                file.display(),
                i + 2,
                sheet.get((i + 1, c))
            )
        });
        assert!(
            (got - want).abs() <= 1e-9 * want.abs().max(1.0),
            "{} row {} {name}: {got} vs {want}",
            file.display(),
            i + 2
        );
        n += 1;
    }
    n
}

#[test]
fn plan_xlsx_holds_the_files_values_with_one_percentage_convention() {
    let root = tempfile::tempdir().unwrap();
    let d = demo();
    let d = d.to_str().unwrap();
    let o = run(root.path(), &["plan", "--data", d, "--out", "a"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(
        root.path(),
        &[
            "plan",
            "--data",
            d,
            "--previous",
            "a/forecast.csv",
            "--out",
            "b",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = root.path().join("b");
    let book = out.join("plan.xlsx");

    let fc = sheet(&book, "forecast");
    assert!(same_numbers(&fc, &out.join("forecast.csv"), "forecast", 1.0) > 300);
    assert!(same_numbers(&fc, &out.join("forecast.csv"), "hi_95", 1.0) > 300);
    // A utilization is a fraction in capacity.csv and in the workbook.
    let cap = sheet(&book, "capacity");
    assert!(same_numbers(&cap, &out.join("capacity.csv"), "utilization", 1.0) > 30);
    assert!(same_numbers(&cap, &out.join("capacity.csv"), "p_over_capacity", 1.0) > 30);
    // The review's shares are percent points in CSV (`12.5`) and the same fraction (0.125) in
    // the workbook as every other percentage.
    let changes = sheet(&book, "review_changes");
    let n = same_numbers(
        &changes,
        &out.join("review_changes.csv"),
        "change_pct",
        0.01,
    );
    assert!(n > 100, "{n} changes");
    same_numbers(
        &changes,
        &out.join("review_changes.csv"),
        "max_change_pct",
        0.01,
    );

    // Codes stay text: the sku of the first row is a string.
    assert!(matches!(fc.get((1, 0)), Some(Data::String(_))));

    // Totals: the pre-buy sheet's last row adds up the cash.
    let pb = sheet(&book, "prebuy");
    let (h, rows) = csv(&out.join("prebuy.csv"));
    let c = h.iter().position(|x| x == "cash_tied_up").unwrap();
    let cash: f64 = rows.iter().map(|r| r[c].parse::<f64>().unwrap()).sum();
    let last = rows.len() + 1;
    assert_eq!(pb.get((last, 0)), Some(&Data::String("total".into())));
    let total = float(pb.get((last, c))).unwrap();
    assert!((total - cash).abs() < 1e-6, "{total} vs {cash}");
    same_numbers(&pb, &out.join("prebuy.csv"), "cash_tied_up", 1.0);
    // The currency is said once, on the first sheet.
    let att = sheet(&book, "attention");
    let money = (0..att.height())
        .find(|r| att.get((*r, 2)) == Some(&Data::String("money".into())))
        .expect("a money row");
    assert_eq!(
        att.get((money, 3)),
        Some(&Data::String(
            "amounts in USD, the price tiers' currency (materials.csv's unit costs taken in it)"
                .into()
        ))
    );
    // No total where a total means nothing: capacity's rows are as many as the file's.
    assert_eq!(cap.height(), csv(&out.join("capacity.csv")).1.len() + 1);
}

#[test]
fn sheet_names_fit_excel_and_never_clash() {
    let root = tempfile::tempdir().unwrap();
    let scen = root.path().join("s.toml");
    std::fs::write(
        &scen,
        "[[scenario]]\nname = \"bottles-peak-plus-25-percent-one\"\n[[scenario.demand]]\nmultiplier = 1.1\n\
         [[scenario]]\nname = \"bottles-peak-plus-25-percent-two\"\n[[scenario.demand]]\nmultiplier = 1.2\n",
    )
    .unwrap();
    let d = demo();
    let o = run(
        root.path(),
        &[
            "--quiet",
            "scenario",
            "--data",
            d.to_str().unwrap(),
            "--scenarios",
            scen.to_str().unwrap(),
            "--out",
            "out",
            "--paths",
            "50",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let path = root.path().join("out/scenarios.xlsx");
    let wb: Xlsx<_> = open_workbook(&path).unwrap();
    let names = wb.sheet_names();
    // The comparison, then four risk tables for the base and each scenario.
    assert_eq!(names.len(), 1 + 3 * 4, "{names:?}");
    for n in &names {
        assert!(n.chars().count() <= 31, "{n}");
        assert!(!n.contains(['/', '\\', '?', '*', '[', ']', ':']), "{n}");
    }
    let lower: HashSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
    assert_eq!(lower.len(), names.len(), "no two alike: {names:?}");
    // The table's name is kept whole: the scenario's name gives way.
    for table in [
        "risk_capacity",
        "risk_materials",
        "risk_tiers",
        "risk_spend",
    ] {
        assert_eq!(
            names.iter().filter(|n| n.contains(table)).count(),
            3,
            "{table} in {names:?}"
        );
    }
    assert!(
        names.iter().any(|n| n == "base risk_materials"),
        "{names:?}"
    );
}

#[test]
fn without_a_currency_the_workbooks_say_so_and_no_fence_means_open_months() {
    let dir = super::small_folder();
    let o = run(dir.path(), &["plan", "--data", ".", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let att = sheet(&dir.path().join("out/plan.xlsx"), "attention");
    let money = (0..att.height())
        .find(|r| att.get((*r, 2)) == Some(&Data::String("money".into())))
        .expect("a money row");
    assert_eq!(
        att.get((money, 3)),
        Some(&Data::String(
            "price_tiers.csv names no currency: amounts carry none (those of the quotes and of \
             materials.csv's unit costs)"
                .into()
        ))
    );
    let pack = dir.path().join("out/cm_pack.xlsx");
    let cover = sheet(&pack, "cover");
    let currency = (0..cover.height())
        .find(|r| cover.get((*r, 0)) == Some(&Data::String("Currency".into())))
        .expect("a currency line");
    assert!(
        matches!(cover.get((currency, 1)), Some(Data::String(s)) if s.starts_with("Not stated")),
        "{:?}",
        cover.get((currency, 1))
    );
    // No [[fences]] in planner.toml: every month is open.
    let grid = sheet(&pack, "forecast");
    let zones: Vec<Data> = (4..grid.width())
        .filter_map(|c| grid.get((1, c)).cloned())
        .collect();
    assert_eq!(zones.len(), 12);
    assert!(
        zones.iter().all(|z| z == &Data::String("open".into())),
        "{zones:?}"
    );
}
