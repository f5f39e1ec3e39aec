//! `cm_pack.xlsx`, read back with calamine: what the brand sends its contract manufacturer.
//! The grid is forecast.csv rounded to whole units, each month's zone follows planner.toml's
//! fences, the changes are against the last published month, the pre-buys are prebuy.csv's, and
//! nothing internal (prices paid, spend, the scorecard, expediting) is in it.

use std::collections::HashMap;
use std::path::Path;

use calamine::{open_workbook, Data, Range, Reader, Xlsx};

use super::{demo, run, stderr};

/// The rows of a CSV output as maps from column to text.
fn csv_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn sheets(path: &Path) -> (Vec<String>, HashMap<String, Range<Data>>) {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let names = wb.sheet_names();
    let ranges = names
        .iter()
        .map(|n| (n.clone(), wb.worksheet_range(n).expect("the sheet reads")))
        .collect();
    (names, ranges)
}

fn text(d: Option<&Data>) -> String {
    match d {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn number(d: Option<&Data>) -> Option<f64> {
    match d {
        Some(Data::Float(x)) => Some(*x),
        Some(Data::Int(x)) => Some(*x as f64),
        _ => None,
    }
}

/// Excel's serial number of the first day of `YYYY-MM` (days since 1899-12-30).
fn serial(month: &str) -> f64 {
    let (y, m): (i64, i64) = (month[..4].parse().unwrap(), month[5..].parse().unwrap());
    // Days from civil (Howard Hinnant), relative to 1970-01-01, then to 1899-12-30.
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468 + 25_569) as f64
}

/// The month of a header cell written as an Excel date.
fn month_of(d: Option<&Data>, months: &[String]) -> String {
    let Some(Data::DateTime(x)) = d else {
        panic!("a month header is a date: {d:?}")
    };
    months
        .iter()
        .find(|m| serial(m) == x.as_f64())
        .cloned()
        .unwrap_or_else(|| panic!("no planned month at serial {}", x.as_f64()))
}

/// Rounded as the pack rounds: forecast.csv's text, to a whole unit.
fn whole(s: &str) -> f64 {
    s.parse::<f64>().unwrap().round()
}

/// Every text of every sheet, lower case.
fn all_text(ranges: &HashMap<String, Range<Data>>) -> String {
    let mut out = String::new();
    for r in ranges.values() {
        for row in r.rows() {
            for c in row {
                if let Data::String(s) = c {
                    out.push_str(&s.to_lowercase());
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// What the pack must never show the contract manufacturer.
const INTERNAL: [&str; 8] = [
    "tier",
    "spend",
    "scorecard",
    "expedite",
    "past due",
    "past-due",
    "unit_price",
    "saving",
];

#[test]
fn the_pack_is_the_forecast_as_shared_and_nothing_internal() {
    let root = tempfile::tempdir().unwrap();
    let d = demo();
    let o = run(
        root.path(),
        &["plan", "--data", d.to_str().unwrap(), "--out", "out"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("cm_pack.xlsx"), "the summary lists it");
    let out = root.path().join("out");
    let (names, ranges) = sheets(&out.join("cm_pack.xlsx"));
    assert_eq!(
        names,
        ["cover", "forecast", "changes", "pre-buy", "capacity"]
    );

    // The forecast grid: skus down, months across, whole units, the 95 % range under each sku.
    let forecast = csv_rows(&out.join("forecast.csv"));
    let mut months: Vec<String> = forecast.iter().map(|r| r["month"].clone()).collect();
    months.sort();
    months.dedup();
    assert_eq!(months.len(), 12);
    let grid = &ranges["forecast"];
    let header: Vec<String> = (0..12)
        .map(|t| month_of(grid.get((0, 4 + t)), &months))
        .collect();
    assert_eq!(header, months, "months across, in order");
    // Zones from planner.toml: month 1 frozen, 2-3 within 10 %, 4-6 within 25 %, then open.
    let zones: Vec<String> = (0..12).map(|t| text(grid.get((1, 4 + t)))).collect();
    let mut want = vec!["frozen".to_string()];
    want.extend(["limited ±10 %"; 2].map(String::from));
    want.extend(["limited ±25 %"; 3].map(String::from));
    want.extend(["open"; 6].map(String::from));
    assert_eq!(zones, want);
    let products = csv_rows(&d.join("products.csv"));
    let name_of: HashMap<&str, &str> = products
        .iter()
        .map(|p| (p["sku"].as_str(), p["name"].as_str()))
        .collect();
    let mut cells = 0;
    for r in 2..grid.height() {
        let sku = text(grid.get((r, 0)));
        if sku == "total" {
            continue;
        }
        assert_eq!(
            text(grid.get((r, 1))),
            name_of[sku.as_str()],
            "{sku}'s name"
        );
        let column = match text(grid.get((r, 3))).as_str() {
            "forecast" => "forecast",
            "low 95 %" => "lo_95",
            "high 95 %" => "hi_95",
            other => panic!("row {r}: {other}"),
        };
        for (t, m) in months.iter().enumerate() {
            let row = forecast
                .iter()
                .find(|f| f["sku"] == sku && &f["month"] == m)
                .unwrap();
            let got = number(grid.get((r, 4 + t)));
            assert_eq!(got, Some(whole(&row[column])), "{sku} {m} {column}");
            cells += 1;
        }
    }
    assert_eq!(
        cells,
        forecast.len() * 3,
        "every sku-month, point and range"
    );
    // The total of a month is the sum of the whole units shown; its range holds it.
    let total_row = (0..grid.height())
        .find(|r| text(grid.get((*r, 0))) == "total")
        .unwrap();
    for (t, m) in months.iter().enumerate() {
        let sum: f64 = forecast
            .iter()
            .filter(|f| &f["month"] == m)
            .map(|f| whole(&f["forecast"]))
            .sum();
        let total = number(grid.get((total_row, 4 + t))).unwrap();
        assert_eq!(total, sum, "{m}");
        let lo = number(grid.get((total_row + 1, 4 + t))).unwrap();
        let hi = number(grid.get((total_row + 2, 4 + t))).unwrap();
        assert!(lo < total && total < hi, "{lo} {total} {hi}");
    }

    // No month published in the demo's folder: the changes sheet says so.
    assert!(
        text(ranges["changes"].get((1, 0))).starts_with("No published month"),
        "{:?}",
        ranges["changes"].get((1, 0))
    );

    // Pre-buys: prebuy.csv's materials, quantities, order-by months and cash.
    let prebuy = csv_rows(&out.join("prebuy.csv"));
    assert!(!prebuy.is_empty());
    let pb = &ranges["pre-buy"];
    assert_eq!(text(pb.get((0, 0))), "material");
    for (i, p) in prebuy.iter().enumerate() {
        let r = i + 1;
        assert_eq!(text(pb.get((r, 0))), p["material"]);
        assert_eq!(number(pb.get((r, 1))), Some(p["quantity"].parse().unwrap()));
        assert_eq!(month_of(pb.get((r, 2)), &months), p["order_by"]);
        assert_eq!(
            number(pb.get((r, 5))),
            Some(p["cash_tied_up"].parse().unwrap())
        );
    }
    let cash: f64 = prebuy
        .iter()
        .map(|p| p["cash_tied_up"].parse::<f64>().unwrap())
        .sum();
    assert_eq!(text(pb.get((prebuy.len() + 1, 0))), "total");
    let total = number(pb.get((prebuy.len() + 1, 5))).unwrap();
    assert!((total - cash).abs() < 1e-6, "{total} {cash}");

    // Capacity asked: capacity.csv's units (whole) and hours per line and month.
    let capacity = csv_rows(&out.join("capacity.csv"));
    let cap = &ranges["capacity"];
    for (i, c) in capacity.iter().enumerate() {
        let r = i + 1;
        assert_eq!(text(cap.get((r, 0))), c["line"]);
        assert_eq!(month_of(cap.get((r, 1)), &months), c["month"]);
        assert_eq!(number(cap.get((r, 3))), Some(whole(&c["demand_units"])));
        let hours = number(cap.get((r, 4)));
        assert_eq!(
            hours,
            Some(c["required_hours"].parse().unwrap()),
            "{} {}",
            c["line"],
            c["month"]
        );
    }

    // The cover states units, currency, the first month, the dependence model and the ranges.
    let cover = all_text(&HashMap::from([(
        "cover".to_string(),
        ranges["cover"].clone(),
    )]));
    let said = stderr(&o);
    let model = said
        .lines()
        .find_map(|l| l.trim().strip_prefix("uncertainty: "))
        .unwrap();
    for want in [
        "first planned month\n2026-11",
        "whole units",
        "usd",
        "95 % range",
        "quantile of the total",
        &model.to_lowercase(),
        "no published month",
    ] {
        assert!(cover.contains(want), "the cover says {want:?}:\n{cover}");
    }
    // Nothing internal in any sheet.
    let everything = all_text(&ranges);
    for bad in INTERNAL {
        assert!(!everything.contains(bad), "the pack mentions {bad:?}");
    }
}

#[test]
fn the_changes_are_against_the_last_published_month_and_the_fences_hold() {
    let root = tempfile::tempdir().unwrap();
    let f = root.path().join("folder");
    let fs = f.to_str().unwrap();
    super::cycle::demo_until(&f, "2026-08");
    let o = run(
        root.path(),
        &["plan", "--data", fs, "--out", "m1", "--publish"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    super::cycle::demo_until(&f, "2026-09");
    // One change the CM agreed to, in the frozen month 1: marked agreed, not read as a break.
    std::fs::write(
        f.join("changes.csv"),
        "sku,month,quantity\nBTL-500-BLK,2026-10,9000\n",
    )
    .unwrap();
    let o = run(root.path(), &["plan", "--data", fs, "--out", "m2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, ranges) = sheets(&root.path().join("m2/cm_pack.xlsx"));
    let published = csv_rows(&f.join("archive/2026-09/forecast.csv"));
    let now = csv_rows(&root.path().join("m2/forecast.csv"));
    let ch = &ranges["changes"];
    let head: Vec<String> = (0..8).map(|c| text(ch.get((0, c)))).collect();
    assert_eq!(
        head,
        [
            "sku",
            "name",
            "month",
            "zone",
            "published",
            "new",
            "change",
            "change_pct"
        ]
    );
    let mut months: Vec<String> = now.iter().map(|r| r["month"].clone()).collect();
    months.sort();
    months.dedup();
    let (mut rows, mut frozen, mut limited, mut agreed) = (0, 0, 0, 0);
    for r in 1..ch.height() {
        let sku = text(ch.get((r, 0)));
        if sku.is_empty() || sku.starts_with("Published") {
            continue;
        }
        let month = month_of(ch.get((r, 2)), &months);
        let find = |rows: &[HashMap<String, String>]| {
            rows.iter()
                .find(|x| x["sku"] == sku && x["month"] == month)
                .map(|x| whole(&x["forecast"]))
        };
        let (old, new) = (find(&published), find(&now));
        assert_eq!(number(ch.get((r, 4))), old, "{sku} {month} published");
        assert_eq!(number(ch.get((r, 5))), new, "{sku} {month} new");
        let change = number(ch.get((r, 6))).unwrap();
        assert_eq!(change, new.unwrap_or(0.0) - old.unwrap_or(0.0));
        match text(ch.get((r, 3))).as_str() {
            // Month 1 is frozen: the published quantity stands.
            "frozen" => {
                assert_eq!(change, 0.0, "{sku} {month}");
                frozen += 1;
            }
            "frozen, agreed" => {
                assert_eq!((sku.as_str(), month.as_str()), ("BTL-500-BLK", "2026-10"));
                assert_eq!(new, Some(9000.0));
                agreed += 1;
            }
            // Months 2-3 move by at most 10 % of the published quantity (and a unit of rounding).
            "limited ±10 %" => {
                let old = old.unwrap();
                assert!(
                    change.abs() <= 0.10 * old + 1.0,
                    "{sku} {month}: {change} of {old}"
                );
                limited += 1;
            }
            _ => {}
        }
        rows += 1;
    }
    assert_eq!(
        frozen, 32,
        "one frozen month of 33 skus, one of them agreed"
    );
    assert_eq!(agreed, 1);
    assert_eq!(limited, 66);
    // 33 skus x 12 months of the new plan.
    assert_eq!(rows, now.len());
    let cover = all_text(&HashMap::from([(
        "cover".to_string(),
        ranges["cover"].clone(),
    )]));
    assert!(
        cover.contains("against the forecast published for 2026-09"),
        "{cover}"
    );
    assert!(!cover.contains("not held"), "{cover}");
    // Planned without holding the fences: the cover says the zones were not held.
    let o = run(
        root.path(),
        &["plan", "--data", fs, "--out", "m2-free", "--no-fences"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, ranges) = sheets(&root.path().join("m2-free/cm_pack.xlsx"));
    let cover = all_text(&HashMap::from([(
        "cover".to_string(),
        ranges["cover"].clone(),
    )]));
    assert!(
        cover.contains("not held this month (planned with --no-fences)"),
        "{cover}"
    );
}
