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
