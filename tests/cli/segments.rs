//! ABC/XYZ segments, chart selection, family views and family / range / discontinue events,
//! through the real binary (issue 17).

use std::collections::BTreeMap;

use super::{assert_page, put, run, stderr, stdout};

/// A CSV file as rows of named cells.
fn rows(path: &std::path::Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|x| {
            let x = x.unwrap();
            h.iter()
                .zip(x.iter())
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        })
        .collect()
}

/// 24 months (2025-01 to 2026-12) of each sku repeating its cycle, the naive method (the
/// forecast is the last month), so that every value is known by hand.
fn folder(skus: &[(&str, &[f64])], products: &str, extra_toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut demand = String::from("sku,month,quantity\n");
    for i in 0..24 {
        let month = format!("{}-{:02}", 2025 + i / 12, i % 12 + 1);
        for (sku, cycle) in skus {
            demand.push_str(&format!("{sku},{month},{}\n", cycle[i % cycle.len()]));
        }
    }
    put(dir.path(), "demand.csv", &demand);
    put(dir.path(), "products.csv", products);
    put(
        dir.path(),
        "planner.toml",
        &format!("horizon = 12\n[forecast]\nmethod = \"naive\"\n{extra_toml}"),
    );
    dir
}

/// P 100 a month at 5.00 (CV 0); R 10/90 at 2.00 (CV 0.8); Q 300/100 unpriced (CV 0.5);
/// S 0,0,0,120 at 0.50 (intermittent).
fn four_skus() -> tempfile::TempDir {
    let dir = folder(
        &[
            ("P", &[100.0]),
            ("Q", &[300.0, 100.0]),
            ("R", &[10.0, 90.0]),
            ("S", &[0.0, 0.0, 0.0, 120.0]),
        ],
        "sku,family,name\nP,big,Pump\nQ,big,Quill\nR,small,Rod\nS,small,Spring\n",
        "[segments]\nb_share = 0.9\n",
    );
    put(
        dir.path(),
        "price_tiers.csv",
        "sku,min_qty,unit_price\nP,0,5\nR,0,2\nS,0,0.5\n",
    );
    dir
}

#[test]
fn four_skus_with_known_values_and_cvs_get_their_classes_everywhere() {
    let dir = four_skus();
    let o = run(dir.path(), &["plan", "--data", ".", "--out", "o"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Naive forecasts: P 100, Q 100, R 90, S 120 a month. Values over 12 months: P 6000,
    // R 2160, Q 1200 (1 per unit), S 720; total 10080. Shares before each: 0, 0.5952, 0.8095,
    // 0.9286 against A < 0.80 and B < 0.90.
    let seg = rows(&dir.path().join("o/segments.csv"));
    let got: Vec<(&str, &str, &str, &str, &str, &str, &str)> = seg
        .iter()
        .map(|r| {
            (
                r["sku"].as_str(),
                r["class"].as_str(),
                r["value"].as_str(),
                r["value_share"].as_str(),
                r["cumulative_share"].as_str(),
                r["cv"].as_str(),
                r["valued_at"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("P", "AX", "6000", "0.5952", "0.5952", "0", "tier_price"),
            ("R", "AY", "2160", "0.2143", "0.8095", "0.8", "tier_price"),
            ("Q", "BX", "1200", "0.119", "0.9286", "0.5", "unit"),
            ("S", "CZ", "720", "0.0714", "1", "1.732", "tier_price"),
        ]
    );
    assert_eq!(seg[3]["pattern"], "intermittent");
    assert_eq!(seg[0]["family"], "big");
    assert!(
        stderr(&o).contains(
            "  segments: 2 A, 1 B, 1 C skus (A up to 80 % of the value of the first 12 months, B \
             to 90 %), valued at tier prices; 1 sku without price tiers valued at 1 per unit \
             (segments.csv)\n"
        ),
        "{}",
        stderr(&o)
    );
    // plan.json carries them; the workbook has the sheet; the report the matrix and families.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("o/plan.json")).unwrap())
            .unwrap();
    let s = &json["segments"];
    assert_eq!(s["rows"][1]["sku"], "R");
    assert_eq!(s["rows"][1]["abc"], "A");
    assert_eq!(s["rows"][1]["xyz"], "Y");
    assert_eq!(s["unpriced"], 1);
    assert_eq!(s["settings"]["b_share"], 0.9);
    assert_page(
        &dir.path().join("o/report.html"),
        &["segments", "families"],
        &dir.path().join("o/plan.xlsx"),
        &["segments"],
    );
    let html = std::fs::read_to_string(dir.path().join("o/report.html")).unwrap();
    // The matrix: A has one X and one Y, B one X, C one Z.
    for row in [
        "<tr><td>A</td><td class=\"n\">1</td><td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">0</td><td class=\"n\">2</td><td class=\"n\">81 %</td></tr>",
        "<tr><td>C</td><td class=\"n\">0</td><td class=\"n\">0</td><td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">1</td><td class=\"n\">7.1 %</td></tr>",
        "<tr><td>total</td><td class=\"n\">2</td><td class=\"n\">1</td><td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">4</td><td class=\"n\">100 %</td></tr>",
    ] {
        let at = html.find("<section id=\"segments\">").unwrap();
        assert!(html.contains(row), "{row}\n{}", &html[at..at + 1500]);
    }
    // Family fan charts: one per family, in the report and in charts/.
    for f in ["big", "small"] {
        assert!(dir
            .path()
            .join(format!("o/charts/family_{f}.svg"))
            .is_file());
        assert!(dir
            .path()
            .join(format!("o/charts/family_{f}.png"))
            .is_file());
        assert!(html.contains(&format!("<figure id=\"family_{f}\"")), "{f}");
    }
    assert!(html.contains("Family big: total of 2 skus"));
}

#[test]
fn charts_select_by_class_or_by_sku_and_a_bad_item_is_an_error() {
    let dir = four_skus();
    let fans = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["plan", "--data", ".", "--out", "o", "--quiet"];
        a.extend_from_slice(args);
        let o = run(dir.path(), &a);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let mut v: Vec<String> = std::fs::read_dir(dir.path().join("o/charts"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("fan_") && n.ends_with(".svg"))
            .collect();
        v.sort();
        v
    };
    // Default unchanged: 4 skus, all charted.
    assert_eq!(fans(&[]).len(), 4);
    assert_eq!(fans(&["--charts", "A"]), ["fan_P.svg", "fan_R.svg"]);
    assert_eq!(fans(&["--charts", "AX,cz"]), ["fan_P.svg", "fan_S.svg"]);
    assert_eq!(fans(&["--charts", "X"]), ["fan_P.svg", "fan_Q.svg"]);
    assert_eq!(fans(&["--charts", "Q, sku:S"]), ["fan_Q.svg", "fan_S.svg"]);
    let html = std::fs::read_to_string(dir.path().join("o/report.html")).unwrap();
    assert!(html.contains("2 skus charted as --charts selects, of 4 skus"));

    let o = run(
        dir.path(),
        &["plan", "--data", ".", "--out", "bad", "--charts", "A,NOPE"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: --charts: \"NOPE\" is neither a class (A, B, C, X, Y, Z, AX ... CZ) nor a sku of the plan\n"
    );
    assert!(!dir.path().join("bad").exists());
}

#[test]
fn segment_settings_out_of_range_name_the_line_and_the_key() {
    let dir = four_skus();
    for (toml, says) in [
        (
            "[segments]\na_share = 0.8\nb_share = 0.5\n",
            "error: planner.toml:3: segments.b_share: 0.5 is not a share from a_share (0.8) to 1\n",
        ),
        (
            "horizon = 6\n[segments]\ny_cv = 0.2\n",
            "error: planner.toml:3: segments.y_cv: 0.2 is below x_cv (0.5)\n",
        ),
        (
            "[segments]\ncv_months = 1\n",
            "error: planner.toml:2: segments.cv_months: 1 is not between 2 and 120\n",
        ),
    ] {
        put(dir.path(), "planner.toml", toml);
        let o = run(dir.path(), &["plan", "--data", ".", "--out", "o"]);
        assert_eq!(o.status.code(), Some(1), "{toml}");
        assert_eq!(stderr(&o), says);
        assert!(!dir.path().join("o").exists());
    }
    put(dir.path(), "planner.toml", "[segments]\na_shar = 0.7\n");
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with(
            "error: planner.toml:2: unknown field `a_shar`, expected one of `a_share`"
        ),
        "{}",
        stderr(&o)
    );
}

/// forecast.csv as (sku, month) -> (forecast, lo_80, hi_80, lo_95, hi_95).
fn forecast(dir: &std::path::Path) -> BTreeMap<(String, String), [f64; 5]> {
    rows(&dir.join("o/forecast.csv"))
        .into_iter()
        .map(|r| {
            let f = |c: &str| r[c].parse::<f64>().unwrap();
            (
                (r["sku"].clone(), r["month"].clone()),
                [
                    f("forecast"),
                    f("lo_80"),
                    f("hi_80"),
                    f("lo_95"),
                    f("hi_95"),
                ],
            )
        })
        .collect()
}

fn events_folder() -> tempfile::TempDir {
    // Varying histories so that the ranges are not zero.
    folder(
        &[
            ("B1", &[100.0, 120.0, 90.0]),
            ("B2", &[40.0, 50.0]),
            ("H1", &[10.0, 14.0, 12.0, 8.0]),
        ],
        "sku,family\nB1,bottles\nB2,bottles\nH1,housings\n",
        "",
    )
}

#[test]
fn a_family_multiplier_over_a_range_and_a_discontinue_move_exactly_their_cells() {
    let dir = events_folder();
    let plan = |dir: &std::path::Path| {
        let o = run(dir, &["plan", "--data", ".", "--out", "o", "--quiet"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        forecast(dir)
    };
    let base = plan(dir.path());
    put(
        dir.path(),
        "events.csv",
        "sku,month,kind,value,note\n\
         family:bottles,2027-02..2027-04,multiplier,1.5,summer promotion\n\
         H1,2027-09,discontinue,,end of life\n",
    );
    let after = plan(dir.path());
    assert_eq!(base.len(), 36);
    assert_eq!(after.len(), 36);
    let in_range = ["2027-02", "2027-03", "2027-04"];
    for ((sku, month), b) in &base {
        let a = after[&(sku.clone(), month.clone())];
        let expect: Vec<f64> = if sku.starts_with('B') && in_range.contains(&month.as_str()) {
            b.iter().map(|v| v * 1.5).collect()
        } else if sku == "H1" && month.as_str() >= "2027-09" {
            vec![0.0; 5]
        } else {
            b.to_vec()
        };
        for (x, y) in a.iter().zip(&expect) {
            // forecast.csv has two decimals: 1.5 times a rounded number is within 0.01.
            assert!((x - y).abs() <= 0.011, "{sku} {month}: {a:?} vs {expect:?}");
        }
    }
    // Naive: B1's last month (2026-12) was 90, so 135 in the promotion; B2's 50, so 75.
    assert_eq!(after[&("B1".into(), "2027-03".into())][0], 135.0);
    assert_eq!(after[&("B2".into(), "2027-04".into())][0], 75.0);
    assert_eq!(after[&("B1".into(), "2027-05".into())][0], 90.0);
    assert_eq!(after[&("H1".into(), "2027-08".into())][0], 8.0);
}

#[test]
fn bad_family_and_range_events_name_their_line() {
    let dir = events_folder();
    for (events, says) in [
        (
            "sku,month,kind,value\nB1,2027-01,add,5\nfamily:cups,2027-02,multiplier,1.2\n",
            "error: events.csv:3: column sku: \"cups\" is not a family of the products (their families: bottles, housings)\n",
        ),
        (
            "sku,month,kind,value\nfamily:bottles,2027-01..2027-03,add,5\nB2,2027-03,add,1\n",
            "error: events.csv:3: column kind: \"add 2027-03 for B2\" is already defined on line 2\n",
        ),
        (
            "sku,month,kind,value\nB1,2027-03..2027-01,add,5\n",
            "error: events.csv:2: column month: 2027-03..2027-01 ends before it starts\n",
        ),
        (
            "sku,month,kind,value\nB1,2027-01..2027-1x,add,5\n",
            "error: events.csv:2: column month: \"2027-01..2027-1x\": \"2027-1x\" is not a month (expected YYYY-MM) (a range is written YYYY-MM..YYYY-MM)\n",
        ),
        (
            "sku,month,kind,value\nB1,2027-01,discontinue,3\n",
            "error: events.csv:2: column value: 3: a discontinue takes no value (its forecast is 0 from its month on): leave it empty or 0\n",
        ),
        (
            "sku,month,kind,value\nB1,2027-01..2027-02,discontinue,\n",
            "error: events.csv:2: column month: a discontinue runs from its month to the end of the plan: give one month, not 2027-01..2027-02\n",
        ),
    ] {
        put(dir.path(), "events.csv", events);
        let o = run(dir.path(), &["plan", "--data", ".", "--out", "o"]);
        assert_eq!(o.status.code(), Some(1), "{events}");
        assert_eq!(stderr(&o), says, "{events}");
        assert!(!dir.path().join("o").exists());
    }
}

#[test]
fn forecast_with_the_folder_expands_family_events_too() {
    let dir = events_folder();
    put(
        dir.path(),
        "events.csv",
        "sku,month,kind,value\nfamily:housings,2027-01,override,20\n",
    );
    let o = run(dir.path(), &["forecast", "--data", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let h1 = out
        .lines()
        .find(|l| l.starts_with("H1,2027-01,"))
        .expect("H1's first month");
    assert!(h1.starts_with("H1,2027-01,20,"), "{h1}");
    // Without the folder's products.csv the family is unknown.
    let o = run(
        dir.path(),
        &[
            "forecast",
            "--history",
            "demand.csv",
            "--events",
            "events.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: events.csv:2: column sku: \"housings\" is not a family: there are no products\n"
    );
}
