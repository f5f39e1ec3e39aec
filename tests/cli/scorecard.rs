//! `planner scorecard` through the real binary: a hand-worked folder with exact figures, the
//! demo folder, and broken inputs.

use std::collections::HashMap;

use super::*;

/// The hand-worked deliveries of [`scored_folder`]; every figure below is checked by hand.
///
/// November: bottles P1 (1 day after due: on time) and P2 (early); housings P3 in two parts, 20
/// units 7 days after due (late), 1 rejected of 50 and 5 % over its 12.00 tier price.
/// December: bottles P4 150 on time and 50 still open on 2025-12-31 (late by 26 days); housings
/// P6 early with 2 of 50 reworked, P5 open but within its grace window (not judged).
const DELIVERIES: &str = "\
po,sku,due_date,delivered_date,quantity,rejected,reworked,unit_price
P1,BTL-1,2025-11-10,2025-11-11,100,0,1,9.40
P2,BTL-1,2025-11-24,2025-11-20,80,,,9.40
P3,HSG-1,2025-11-14,2025-11-14,30,1,,12.60
P3,HSG-1,2025-11-14,2025-11-21,20,,,12.60
P4,BTL-1,2025-12-05,2025-12-05,150,,,9.40
P4,BTL-1,2025-12-05,,50,,,
P5,HSG-1,2025-12-30,,40,,,
P6,HSG-1,2025-12-10,2025-12-09,50,0,2,12.00
";

fn scored_folder() -> tempfile::TempDir {
    let dir = small_folder();
    put(dir.path(), "deliveries.csv", DELIVERIES);
    dir
}

/// A CSV file as rows of column -> cell.
fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("a CSV output");
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn cell<'a>(rows: &'a [HashMap<String, String>], month: &str, family: &str, col: &str) -> &'a str {
    rows.iter()
        .find(|r| r["month"] == month && r["family"] == family)
        .unwrap_or_else(|| panic!("no row {month} {family}"))[col]
        .as_str()
}

#[test]
fn hand_worked_scorecard_with_exact_figures() {
    let dir = scored_folder();
    let o = run(dir.path(), &["scorecard", "--data", ".", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = read_csv(&dir.path().join("out/scorecard.csv"));
    let keys: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["month"].as_str(), r["family"].as_str()))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("2025-11", "bottles"),
            ("2025-11", "housings"),
            ("2025-11", "(all)"),
            ("2025-12", "bottles"),
            ("2025-12", "housings"),
            ("2025-12", "(all)"),
        ]
    );
    let c = |m: &str, f: &str, col: &str| cell(&rows, m, f, col).to_string();
    let cols = |m: &str, f: &str, names: &[&str]| -> Vec<String> {
        names.iter().map(|n| c(m, f, n)).collect()
    };
    // November.
    let delivery = [
        "lines",
        "on_time_lines",
        "early_lines",
        "late_lines",
        "open_lines",
        "otd_lines",
        "units_due",
        "on_time_units",
        "otd_units",
        "avg_days_late",
        "max_days_late",
    ];
    assert_eq!(
        cols("2025-11", "bottles", &delivery),
        ["2", "2", "1", "0", "0", "1", "180", "180", "1", "", ""]
    );
    assert_eq!(
        cols("2025-11", "housings", &delivery),
        ["1", "0", "0", "1", "0", "0", "50", "30", "0.6", "7", "7"]
    );
    assert_eq!(
        cols("2025-11", "(all)", &delivery),
        ["3", "2", "1", "1", "0", "0.6667", "230", "210", "0.913", "7", "7"]
    );
    let quality = ["received", "rejected", "reworked", "fpy", "ppm"];
    assert_eq!(
        cols("2025-11", "housings", &quality),
        ["50", "1", "0", "0.98", "20000"]
    );
    assert_eq!(
        cols("2025-11", "(all)", &quality),
        ["230", "1", "1", "0.9913", "4348"]
    );
    // Prices: BTL-1 sold 1 548 units over the 12 months to November: the 1 000 tier, 9.40.
    let price = [
        "priced_units",
        "price_paid",
        "price_quoted",
        "price_variance",
    ];
    assert_eq!(
        cols("2025-11", "bottles", &price),
        ["180", "9.4", "9.4", "0"]
    );
    assert_eq!(
        cols("2025-11", "housings", &price),
        ["50", "12.6", "12", "0.05"]
    );
    // 2 322 paid against 2 292 quoted over 230 units.
    assert_eq!(
        cols("2025-11", "(all)", &price),
        ["230", "10.0957", "9.9652", "0.0131"]
    );
    // December: P4 late (open 50 units, 26 days on 2025-12-31), P5 open and not judged.
    assert_eq!(
        cols("2025-12", "bottles", &delivery),
        ["1", "0", "0", "1", "0", "0", "200", "150", "0.75", "26", "26"]
    );
    assert_eq!(
        cols("2025-12", "housings", &delivery),
        ["1", "1", "1", "0", "1", "1", "50", "50", "1", "", ""]
    );
    assert_eq!(
        cols("2025-12", "(all)", &delivery),
        ["2", "1", "1", "1", "1", "0.5", "250", "200", "0.8", "26", "26"]
    );
    assert_eq!(
        cols("2025-12", "housings", &quality),
        ["50", "0", "2", "0.96", "0"]
    );
    assert_eq!(
        cols("2025-12", "(all)", &quality),
        ["200", "0", "2", "0.99", "0"]
    );
    // Targets missed (FPY of exactly 98 % meets its target).
    let missed: Vec<String> = rows.iter().map(|r| r["missed"].clone()).collect();
    assert_eq!(
        missed,
        ["", "otd;ppm;price", "otd;ppm", "otd", "fpy", "otd"]
    );
    assert_eq!(
        cols(
            "2025-12",
            "(all)",
            &["otd_target", "ppm_target", "fpy_target", "price_tolerance"]
        ),
        ["0.95", "500", "0.98", "0.02"]
    );
    // No --previous: no forecast columns.
    assert_eq!(
        cols("2025-12", "(all)", &["forecast", "wape", "bias"]),
        ["", "", ""]
    );

    let lines = read_csv(&dir.path().join("out/scorecard_lines.csv"));
    let status: Vec<(&str, &str, &str)> = lines
        .iter()
        .map(|r| {
            (
                r["po"].as_str(),
                r["status"].as_str(),
                r["days_from_due"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        status,
        [
            ("P1", "on_time", "1"),
            ("P3", "late", "7"),
            ("P2", "early", "-4"),
            ("P4", "open_late", "26"),
            ("P6", "early", "-1"),
            ("P5", "open", ""),
        ]
    );
    let misses = std::fs::read_to_string(dir.path().join("out/scorecard_misses.csv")).unwrap();
    assert!(
        misses.starts_with(
            "month,family,metric,value,target,gap\n\
             2025-11,housings,otd,0,0.95,0.95\n\
             2025-11,housings,ppm,20000,500,19500\n\
             2025-11,housings,price,0.05,0.02,0.03\n"
        ),
        "{misses}"
    );
    for metric in ["otd", "ppm", "fpy", "price"] {
        for ext in ["svg", "png"] {
            let p = dir
                .path()
                .join(format!("out/charts/scorecard_{metric}.{ext}"));
            assert!(p.is_file(), "{} missing", p.display());
        }
    }
    assert!(!dir.path().join("out/charts/scorecard_wape.svg").exists());

    let err = stderr(&o);
    assert!(
        err.contains(
            "scorecard as of 2025-12-31: 2025-11 to 2025-12, 2 families, 6 PO lines (1 open, not yet due; grace 2 days)"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "  on-time delivery (target 95 %): MISSED in 2 of 2 months, worst 2025-12 at 50 % (by 45 points); 2025-12 at 50 % (45 points short)"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "  defects (PPM) (target at most 500): MISSED in 1 of 2 months, worst 2025-11 at 4348 (by 3848); 2025-12 at 0"
        ),
        "{err}"
    );
    assert!(
        err.contains("  2025-12 by family: bottles on-time delivery at 0 % (by 95 points); housings first-pass yield at 96 % (by 2 points)"),
        "{err}"
    );
    assert!(
        err.contains("forecast error (WAPE): not scored (no --previous forecast)"),
        "{err}"
    );
}

#[test]
fn targets_and_grace_from_scorecard_toml_and_a_previous_forecast() {
    let dir = scored_folder();
    put(
        dir.path(),
        "scorecard.toml",
        "grace_days = 7\n[targets]\nppm = 25000\nwape = 0.1\n",
    );
    // The forecast of last November for BTL-1 and HSG-1, against their actuals 172 and 51.
    put(
        dir.path(),
        "previous.csv",
        "sku,month,quantity\nBTL-1,2025-11,160\nHSG-1,2025-11,60\n",
    );
    let o = run(
        dir.path(),
        &[
            "scorecard",
            "--data",
            ".",
            "--previous",
            "previous.csv",
            "--out",
            "out",
            "--quiet",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    let rows = read_csv(&dir.path().join("out/scorecard.csv"));
    // With 7 days of grace P3 is on time.
    assert_eq!(cell(&rows, "2025-11", "housings", "otd_lines"), "1");
    assert_eq!(cell(&rows, "2025-11", "housings", "missed"), "price;wape");
    // |160 - 172| + |60 - 51| = 21 over 223; bias (220 - 223) / 223.
    assert_eq!(cell(&rows, "2025-11", "(all)", "forecast"), "220");
    assert_eq!(cell(&rows, "2025-11", "(all)", "actual"), "223");
    assert_eq!(cell(&rows, "2025-11", "(all)", "wape"), "0.0942");
    assert_eq!(cell(&rows, "2025-11", "(all)", "bias"), "-0.0135");
    // Housings alone: 9 over 51 misses the 10 % WAPE target.
    assert_eq!(cell(&rows, "2025-11", "housings", "wape"), "0.1765");
    // The previous forecast does not cover December.
    assert_eq!(cell(&rows, "2025-12", "(all)", "wape"), "");
    assert!(dir.path().join("out/charts/scorecard_wape.png").is_file());
}

#[test]
fn as_of_an_earlier_date_treats_later_deliveries_as_open() {
    let dir = scored_folder();
    let o = run(
        dir.path(),
        &[
            "scorecard",
            "--data",
            ".",
            "--as-of",
            "2025-11-30",
            "--out",
            "out",
            "--quiet",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = read_csv(&dir.path().join("out/scorecard.csv"));
    assert_eq!(rows.len(), 3);
    assert_eq!(cell(&rows, "2025-11", "(all)", "otd_lines"), "0.6667");
}

#[test]
fn bad_deliveries_name_the_file_line_and_column_and_write_nothing() {
    let cases = [
        (
            DELIVERIES.replace("P2,BTL-1,2025-11-24,2025-11-20,80", "P2,BTL-1,2025-11-24,2025-11-20,8O"),
            "error: deliveries.csv:3: column quantity: \"8O\" is not a number\n",
        ),
        (
            DELIVERIES.replace("2025-11-21", "2025-11-31"),
            "error: deliveries.csv:5: column delivered_date: \"2025-11-31\" is not a date (expected YYYY-MM-DD)\n",
        ),
        (
            DELIVERIES.replace("P6,HSG-1,2025-12-10,2025-12-09,50,0,2", "P6,HSG-1,2025-12-10,2025-12-09,50,49,2"),
            "error: deliveries.csv:9: column reworked: 49 rejected and 2 reworked are more than the 50 units delivered\n",
        ),
        (
            DELIVERIES.replace("P5,HSG-1,2025-12-30,,40,,,", "P5,HSG-1,2025-12-30,,40,3,,"),
            "error: deliveries.csv:8: column rejected: 3 on a row with no delivered_date: only delivered units can be rejected or reworked\n",
        ),
        (
            "po,sku,due_date,quantity\nP1,BTL-1,2025-11-10,5\n".to_string(),
            "error: deliveries.csv:1: missing column delivered_date (found: po, sku, due_date, quantity)\n",
        ),
    ];
    for (text, expected) in cases {
        let dir = scored_folder();
        put(dir.path(), "deliveries.csv", &text);
        let o = run(dir.path(), &["scorecard", "--data", ".", "--out", "out"]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert_eq!(stderr(&o), expected);
        assert!(!dir.path().join("out").exists(), "output left behind");
    }
}

#[test]
fn a_missing_deliveries_file_or_a_bad_target_is_one_clear_error() {
    let dir = small_folder();
    let o = run(dir.path(), &["scorecard", "--data", ".", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: .: deliveries.csv is missing: `planner scorecard` needs it (see docs/files.md)\n"
    );
    let dir = scored_folder();
    put(
        dir.path(),
        "scorecard.toml",
        "grace_days = 2\n\n[targets]\notd = 95\n",
    );
    let o = run(dir.path(), &["scorecard", "--data", ".", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: scorecard.toml:4: targets.otd: 95 is not a share between 0 and 1 (write 95 % as 0.95)\n"
    );
    let o = run(
        dir.path(),
        &["scorecard", "--data", ".", "--as-of", "2025-13-01"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.path().join("out").exists());
}

#[test]
fn the_demo_folder_scores_twelve_months_of_three_families() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run(
        &demo(),
        &["scorecard", "--data", ".", "--out", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = read_csv(&out.join("scorecard.csv"));
    assert_eq!(rows.len(), 12 * 4);
    assert_eq!(rows[0]["month"], "2025-11");
    assert_eq!(rows[47]["month"], "2026-10");
    assert_eq!(rows[47]["family"], "(all)");
    for r in &rows {
        for col in ["otd_lines", "otd_units", "fpy"] {
            let v: f64 = r[col].parse().unwrap();
            assert!((0.0..=1.0).contains(&v), "{col} {v}");
        }
    }
    // The story of the demo (data/README.md): the bad batch of speaker grilles in 2026-03, the
    // housings' 3 % surcharge from 2026-04, late bottles in the October peak and the last PO of
    // October still in transit.
    let missed = |m: &str, f: &str| cell(&rows, m, f, "missed").to_string();
    assert!(missed("2026-03", "housings").contains("ppm"));
    assert!(missed("2026-03", "housings").contains("fpy"));
    for m in ["2026-04", "2026-07", "2026-10"] {
        let v: f64 = cell(&rows, m, "housings", "price_variance")
            .parse()
            .unwrap();
        assert!((v - 0.03).abs() < 0.005, "{m}: {v}");
        assert!(missed(m, "housings").contains("price"));
    }
    // Otherwise the CM invoices the index-linked quote (cost_breakdown.csv, indices.csv),
    // rounded to the cent: stainless stood 9 % below today's level in 2025-11, and the
    // bottles' quotes with it; the scorecard's index-linked quotes follow.
    for (m, f) in [
        ("2025-11", "bottles"),
        ("2026-03", "housings"),
        ("2026-10", "bottles"),
    ] {
        let v: f64 = cell(&rows, m, f, "price_variance").parse().unwrap();
        assert!(v.abs() < 0.001, "{m} {f}: {v}");
    }
    assert!(!missed("2025-11", "bottles").contains("price"));
    assert!(missed("2026-10", "bottles").contains("otd"));
    let open: usize = cell(&rows, "2026-10", "(all)", "open_lines")
        .parse()
        .unwrap();
    assert!(open > 10, "{open}");
    let err = stderr(&o);
    assert!(
        err.contains("scorecard as of 2026-10-31: 2025-11 to 2026-10, 3 families"),
        "{err}"
    );
    assert!(
        err.contains(
            "price vs quote (tolerance ±2 %; quotes index-linked): met in all 12 months scored"
        ),
        "{err}"
    );
    assert_page(
        &out.join("scorecard.html"),
        &["scorecard"],
        &out.join("scorecard.xlsx"),
        &["scorecard", "scorecard_misses", "scorecard_lines"],
    );
    let page = std::fs::read_to_string(out.join("scorecard.html")).unwrap();
    // The on-time miss of the October peak is on the page, with its chart.
    assert!(page.contains("MISSED in"), "the verdicts");
    assert!(page.contains("id=\"scorecard_otd\""), "the OTD chart");
    let price = std::fs::read_to_string(out.join("charts/scorecard_price.svg")).unwrap();
    assert!(
        price.contains("Price paid vs quoted tier price, index-linked (tolerance ±2 %)"),
        "the price chart says its quotes follow the indices"
    );
}

#[test]
fn validate_lists_every_problem_of_deliveries_and_scorecard_toml() {
    // A good folder: both files are checked and named.
    let dir = scored_folder();
    put(
        dir.path(),
        "scorecard.toml",
        "grace_days = 2\n[targets]\notd = 0.9\n",
    );
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with(
            ".: no problems found in 11 files (bom.csv, calendar.csv, deliveries.csv, demand.csv, \
             events.csv, lines.csv, materials.csv, price_tiers.csv, products.csv, routings.csv, \
             scorecard.toml): "
        ),
        "{}",
        stdout(&o)
    );

    // Two bad deliveries and a bad target: every one listed, with file, line and column.
    let deliveries = DELIVERIES
        .replace(
            "P2,BTL-1,2025-11-24,2025-11-20,80",
            "P2,BTL-1,2025-11-24,2025-11-20,8O",
        )
        .replace(
            "P6,HSG-1,2025-12-10,2025-12-09,50,0,2",
            "P6,HSG-1,2025-12-10,2025-12-09,50,49,2",
        )
        .replace("unit_price", "unit_price,comment");
    put(dir.path(), "deliveries.csv", &deliveries);
    put(
        dir.path(),
        "scorecard.toml",
        "grace_days = 2\n\n[targets]\notd = 95\n",
    );
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "warning: deliveries.csv: unknown column comment is ignored\n\
         error: deliveries.csv:3: column quantity: \"8O\" is not a number\n\
         error: deliveries.csv:9: column reworked: 49 rejected and 2 reworked are more than the 50 units delivered\n\
         error: scorecard.toml:4: targets.otd: 95 is not a share between 0 and 1 (write 95 % as 0.95)\n\
         .: 3 errors found\n"
    );
    assert_eq!(stdout(&o), "");

    // Listed with the other files' problems; a deliveries.csv without rows is one too.
    put(
        dir.path(),
        "demand.csv",
        "sku,month,quantity\nBTL-1,2025-01,12x\n",
    );
    put(
        dir.path(),
        "deliveries.csv",
        "po,sku,due_date,delivered_date,quantity\n",
    );
    put(dir.path(), "scorecard.toml", "grace = 2\n");
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert_eq!(
        lines[0],
        "error: demand.csv:2: column quantity: \"12x\" is not a number"
    );
    assert_eq!(
        lines[1],
        "error: deliveries.csv: has no rows: expected one row per delivery (po, sku, due_date, \
         delivered_date, quantity)"
    );
    assert!(
        lines[2].starts_with("error: scorecard.toml:1: unknown field `grace`"),
        "{err}"
    );
    assert_eq!(lines[3], ".: 3 errors found");
}

#[test]
fn a_receipt_dated_after_the_plan_is_an_error_not_a_scorecard_in_the_future() {
    let dir = scored_folder();
    // The small folder plans 2026-01..2026-12; P6 typed as received in 2062.
    put(
        dir.path(),
        "deliveries.csv",
        &DELIVERIES.replace(
            "P6,HSG-1,2025-12-10,2025-12-09",
            "P6,HSG-1,2025-12-10,2062-12-09",
        ),
    );
    let want = "deliveries.csv: PO P6 of sku HSG-1 was received on 2062-12-09, after the plan's \
                last month 2026-12: the scorecard would be as of 2062-12; correct the date, or \
                set as_of in scorecard.toml";
    let o = run(dir.path(), &["scorecard", "--data", ".", "--out", "sc"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(want), "{}", stderr(&o));
    assert!(!dir.path().join("sc").exists());
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(want), "{}", stderr(&o));
    // With as_of set, the scorecard is as of then and the late receipt is after it.
    put(dir.path(), "scorecard.toml", "as_of = \"2025-12-31\"\n");
    let o = run(
        dir.path(),
        &["scorecard", "--data", ".", "--out", "sc", "--quiet"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn doubtful_deliveries_are_counted_warnings_and_lines_outside_the_months_are_said() {
    let dir = scored_folder();
    // Line 10 repeats P2 (line 3) exactly; P7 was typed 2015 for 2025; P8 is due in 2035 and
    // P9 in 2024, both delivered inside the scorecard's months (2025-11..2025-12).
    let text = format!(
        "{DELIVERIES}P2,BTL-1,2025-11-24,2025-11-20,80,,,9.40\n\
         P7,BTL-1,2025-12-12,2015-12-12,10,,,\n\
         P8,BTL-1,2035-12-12,2025-12-12,10,,,\n\
         P9,HSG-1,2024-01-10,2025-12-01,10,,,\n"
    );
    put(dir.path(), "deliveries.csv", &text);
    let far = "warning: deliveries.csv: 3 rows delivered more than a year from their due date, \
               scored as given (a typo in the year?): line 11, PO \"P7\" of sku \"BTL-1\" due \
               2025-12-12, delivered 2015-12-12; also lines 12, 13";
    let repeated = "warning: deliveries.csv: 1 row repeats an earlier row exactly and was summed \
                    into its PO line as another part delivery (line 10 repeats line 3): delete \
                    it if the export doubled it";
    let o = run(dir.path(), &["scorecard", "--data", ".", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (err, out) = (stderr(&o), stdout(&o));
    let said = format!("{err}{out}");
    assert!(said.contains(far), "{said}");
    assert!(said.contains(repeated), "{said}");
    assert!(
        said.contains(
            "note: 1 PO line is due before 2025-11, outside the scorecard's months, not scored"
        ),
        "{said}"
    );
    assert!(
        said.contains("note: 1 PO line is due after 2025-12 and not scored yet"),
        "{said}"
    );
    // Summed as said: P2 is one line of 160 units; P7 is on time (ten years early).
    let lines = read_csv(&dir.path().join("out/scorecard_lines.csv"));
    let line = |po: &str| lines.iter().find(|l| l["po"] == po).unwrap();
    assert_eq!(line("P2")["quantity"], "160");
    assert_eq!(line("P7")["status"], "early");
    assert!(lines.iter().all(|l| l["po"] != "P8" && l["po"] != "P9"));
    // validate says the same warnings, and no error.
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let said = format!("{}{}", stderr(&o), stdout(&o));
    assert!(said.contains(far) && said.contains(repeated), "{said}");
}
