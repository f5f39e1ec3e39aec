//! The one dependence model through the binary: stated in every output, set in planner.toml,
//! and moving the totals read from it.

use super::{put, run, small_folder, stderr};

/// pricing.csv's 95 % volume range of BTL-1's year, with `[uncertainty]` as given.
fn year_range(extra: &str) -> (f64, f64, f64) {
    let dir = small_folder();
    put(
        dir.path(),
        "planner.toml",
        &format!("[uncertainty]\n{extra}"),
    );
    let o = run(
        dir.path(),
        &["plan", "--data", ".", "--out", "o", "--quiet"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.path().join("o/pricing.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let row = r
        .records()
        .map(|x| x.unwrap())
        .find(|x| &x[0] == "BTL-1")
        .unwrap();
    let f = |name: &str| row[col(name)].parse::<f64>().unwrap();
    let json = std::fs::read_to_string(dir.path().join("o/plan.json")).unwrap();
    assert!(
        json.contains("\"dependence\""),
        "plan.json states the model"
    );
    let html = std::fs::read_to_string(dir.path().join("o/report.html")).unwrap();
    assert!(html
        .contains("Uncertainty model: forecast errors correlated: consecutive months of a sku at"));
    (f("volume"), f("volume_lo_95"), f("volume_hi_95"))
}

#[test]
fn the_months_correlation_widens_a_years_range_and_is_stated() {
    let (v0, lo0, hi0) = year_range("month_correlation = 0\n");
    let (v1, lo1, hi1) = year_range("month_correlation = 1\n");
    assert_eq!(v0, v1, "the point volume does not move");
    assert!(lo0 < v0 && v0 < hi0);
    // Twelve months moving together: the range is about sqrt(12) = 3.5 times wider than with
    // independent months (less when the months' spreads differ).
    let ratio = (hi1 - lo1) / (hi0 - lo0);
    assert!(
        (2.5..=3.47).contains(&ratio),
        "{ratio}: {lo0}..{hi0} vs {lo1}..{hi1}"
    );
}

#[test]
fn a_correlation_out_of_range_names_planner_toml_and_its_line() {
    let dir = small_folder();
    for (toml, says) in [
        (
            "horizon = 6\n[uncertainty]\nmonth_correlation = 1.5\n",
            "error: planner.toml:3: uncertainty.month_correlation: 1.5 is not a correlation: expected -1 to 1\n",
        ),
        (
            "[uncertainty]\nfamily_correlation = 0.2\nportfolio_correlation = 0.4\n",
            "error: planner.toml:3: uncertainty.portfolio_correlation: 0.4 is above family_correlation 0.2: two skus of one family move together at least as much as any two skus\n",
        ),
    ] {
        put(dir.path(), "planner.toml", toml);
        let o = run(dir.path(), &["plan", "--data", ".", "--out", "o"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).starts_with(says), "{}", stderr(&o));
        assert!(!dir.path().join("o").exists());
    }
}

#[test]
fn lead_time_spread_and_fill_rate_reach_the_safety_stock() {
    let dir = small_folder();
    let materials = "material,lead_time_days,moq,order_multiple,unit_cost,on_hand,lead_time_sd_days\n\
                     SA-LID,7,1,1,0.8,50,\nRESIN,45,500,25,2.1,300,0\nSTEEL,60,1000,100,3.5,800,15\n";
    put(dir.path(), "materials.csv", materials);
    let ss = |dir: &std::path::Path, material: &str| -> f64 {
        let text = std::fs::read_to_string(dir.join("o/material_plan.csv")).unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let h = r.headers().unwrap().clone();
        let c = h.iter().position(|x| x == "safety_stock").unwrap();
        let row = r
            .records()
            .map(|x| x.unwrap())
            .find(|x| &x[0] == material)
            .unwrap();
        row[c].parse().unwrap()
    };
    let o = run(
        dir.path(),
        &["plan", "--data", ".", "--out", "o", "--quiet"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let with_spread = ss(dir.path(), "STEEL");
    put(
        dir.path(),
        "materials.csv",
        &materials.replace(",15\n", ",0\n"),
    );
    std::fs::remove_dir_all(dir.path().join("o")).unwrap();
    let o = run(
        dir.path(),
        &["plan", "--data", ".", "--out", "o", "--quiet"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let certain = ss(dir.path(), "STEEL");
    assert!(
        with_spread > certain && certain > 0.0,
        "{with_spread} vs {certain}"
    );
    // SA-LID is a sub-assembly (it has a BOM): its demand is buffered in RESIN, below it.
    assert_eq!(ss(dir.path(), "SA-LID"), 0.0);

    put(
        dir.path(),
        "planner.toml",
        "service_measure = \"fill_rate\"\n",
    );
    std::fs::remove_dir_all(dir.path().join("o")).unwrap();
    let o = run(
        dir.path(),
        &["plan", "--data", ".", "--out", "o", "--quiet"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        ss(dir.path(), "STEEL") != certain,
        "the measure moves the buffer"
    );

    put(
        dir.path(),
        "materials.csv",
        &materials.replace(",15\n", ",-3\n"),
    );
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o)
            .contains("materials.csv:4: column lead_time_sd_days: -3 is not a non-negative number"),
        "{}",
        stderr(&o)
    );
}
