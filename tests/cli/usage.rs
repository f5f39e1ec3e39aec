//! What a new user hits first: option values out of range, `--help`, a folder with only the
//! brand's plan, a pinned start behind the history, the history given as last month's forecast.

use super::{put, run, small_folder, stderr};

#[test]
fn option_values_out_of_range_are_usage_errors() {
    let dir = small_folder();
    for (args, says) in [
        (
            vec!["--threads", "100000", "validate", "--data", "."],
            "error: invalid value '100000' for '--threads <N>': 100000 is not in 1..=1024",
        ),
        (
            vec!["--threads", "0", "validate", "--data", "."],
            "error: invalid value '0' for '--threads <N>': 0 is not in 1..=1024",
        ),
        (
            vec!["forecast", "--history", "demand.csv", "--horizon", "0"],
            "error: invalid value '0' for '--horizon <N>': 0 is not in 1..=36",
        ),
        (
            vec!["forecast", "--history", "demand.csv", "--origins", "0"],
            "error: invalid value '0' for '--origins <N>': 0 is not in 1..=60",
        ),
        (
            vec!["forecast", "--history", "demand.csv", "--start", "2026-13"],
            "error: invalid value '2026-13' for '--start <YYYY-MM>': \"2026-13\" is not a month (expected YYYY-MM)",
        ),
        (
            vec!["scenario", "--data", ".", "--scenarios", "s.toml", "--month-correlation", "1.5"],
            "error: invalid value '1.5' for '--month-correlation <RHO>': 1.5 is out of range: expected 0 to 1",
        ),
    ] {
        let o = run(dir.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).starts_with(says), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn every_command_shows_its_defaults_and_examples() {
    let dir = small_folder();
    for command in [
        "forecast",
        "capacity",
        "materials",
        "price",
        "plan",
        "review",
        "scenario",
        "scorecard",
        "validate",
        "demo",
    ] {
        let o = run(dir.path(), &[command, "--help"]);
        assert_eq!(o.status.code(), Some(0));
        let help = super::stdout(&o);
        assert!(help.contains("Examples:\n  planner "), "{command}: {help}");
        let examples = help.split("Examples:").nth(1).unwrap();
        assert!(
            examples.matches("planner ").count() >= 1,
            "{command}: {examples}"
        );
    }
    let o = run(dir.path(), &["scenario", "--help"]);
    let help = super::stdout(&o);
    for default in [
        "[default: 1000]",
        "[default: 42]",
        "[default: out]",
        "Default: the plan's uncertainty model",
    ] {
        assert!(help.contains(default), "{default}: {help}");
    }
}

#[test]
fn a_cm_planner_with_only_the_brands_plan_needs_no_demand_history() {
    let dir = small_folder();
    std::fs::remove_file(dir.path().join("demand.csv")).unwrap();
    put(
        dir.path(),
        "brand.csv",
        "sku,month,quantity\nBTL-1,2026-01,1000\nHSG-1,2026-01,200\n",
    );
    let o = run(
        dir.path(),
        &[
            "capacity",
            "--data",
            ".",
            "--demand",
            "brand.csv",
            "--out",
            "out/capacity.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let capacity = std::fs::read_to_string(dir.path().join("out/capacity.csv")).unwrap();
    // L1: BTL-1's bottleneck 30 s, 1000 units, OEE 0.8: 1000 * 30 / 3600 / 0.8 = 10.42 h.
    let l1 = capacity
        .lines()
        .find(|l| l.starts_with("L1,2026-01,"))
        .unwrap();
    assert!(l1.contains(",1000,10.42,"), "{l1}");
    for args in [
        vec![
            "materials",
            "--data",
            ".",
            "--demand",
            "brand.csv",
            "--out",
            "mat",
        ],
        vec![
            "price",
            "--data",
            ".",
            "--demand",
            "brand.csv",
            "--out",
            "out/pricing.csv",
        ],
    ] {
        let o = run(dir.path(), &args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
    // Without --demand the history is needed, and the message says both ways out.
    let o = run(dir.path(), &["capacity", "--data", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("demand.csv: is missing from .: this command needs the demand history (or --demand FILE"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_pinned_start_behind_the_history_is_an_error_that_says_what_to_change() {
    let dir = small_folder();
    // The small folder's history runs 2024-01 to 2025-12: 2 skus, 24 months.
    put(
        dir.path(),
        "planner.toml",
        "horizon = 6\nstart = \"2025-11\"\n",
    );
    for args in [
        vec!["plan", "--data", ".", "--out", "o"],
        vec!["validate", "--data", "."],
    ] {
        let o = run(dir.path(), &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&o).starts_with(
                "error: planner.toml:2: start: 2025-11 is not after the history: 4 sku-months of \
                 history at or after it (the history runs to 2025-12); remove start to plan from \
                 2026-01, or set it later\n"
            ),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    assert!(!dir.path().join("o").exists(), "nothing written");
    // A start before all the history is the same error, not an all-zero plan.
    put(dir.path(), "planner.toml", "start = \"2020-01\"\n");
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert!(
        stderr(&o).contains("48 sku-months of history at or after it"),
        "{}",
        stderr(&o)
    );
    // `forecast --start` forecasts as of an earlier month on purpose, and says so.
    std::fs::remove_file(dir.path().join("planner.toml")).unwrap();
    let o = run(
        dir.path(),
        &[
            "forecast",
            "--history",
            "demand.csv",
            "--start",
            "2025-07",
            "--out",
            "f.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "note: --start 2025-07: forecasting as of then; the history from then to 2025-12 is left out of the fit"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_history_given_as_last_months_forecast_is_refused() {
    let dir = small_folder();
    let o = run(
        dir.path(),
        &[
            "review",
            "--data",
            ".",
            "--previous",
            "demand.csv",
            "--out",
            "r",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: --previous demand.csv: starts 2024-01, at or before the first month of the demand \
         history (2024-01): a forecast starts after the history it was made from; is this the \
         history itself? Give last month's forecast.csv\n"
    );
    assert!(!dir.path().join("r").exists());
}

/// Found by the loaders' property test: a header alone, and a one-row history, once panicked
/// inside polars.
#[test]
fn a_header_alone_or_a_single_row_of_demand_is_handled() {
    let dir = tempfile::tempdir().unwrap();
    put(dir.path(), "demand.csv", "sku,month,quantity");
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: demand.csv: has no rows: expected demand history under its header\n.: 1 error found\n"
    );
    put(
        dir.path(),
        "demand.csv",
        "sku,month,quantity\nBTL-350-BLK,2023-11,2121",
    );
    let o = run(
        dir.path(),
        &["forecast", "--history", "demand.csv", "--horizon", "2"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        super::stdout(&o).contains("BTL-350-BLK,2023-12,2121,"),
        "{}",
        super::stdout(&o)
    );
}

#[test]
fn rising_tier_prices_and_bad_changes_are_listed_by_validate_with_their_lines() {
    let dir = super::small_folder();
    put(
        dir.path(),
        "price_tiers.csv",
        "sku,min_qty,unit_price\nBTL-1,0,9.8\nBTL-1,1000,9.9\nHSG-1,0,12\n",
    );
    put(
        dir.path(),
        "planner.toml",
        "[[fences]]\nmonths = [1, 2]\nmax_change = 0.1\n",
    );
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: price_tiers.csv:3: column unit_price: 9.9 at min_qty 1000 is more than 9.8 at \
         min_qty 0 for sku BTL-1: prices must not rise with volume\n.: 1 error found\n"
    );
    // `planner price` stops at the same first error, naming file and line.
    let o = run(dir.path(), &["price", "--data", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: price_tiers.csv:3: column unit_price:"),
        "{}",
        stderr(&o)
    );
    // changes.csv is checked against the plan once the folder itself loads. The small folder's
    // plan starts 2026-01: 2026-01 and 2026-02 are fenced.
    put(
        dir.path(),
        "price_tiers.csv",
        "sku,min_qty,unit_price\nBTL-1,0,9.8\nHSG-1,0,12\n",
    );
    put(
        dir.path(),
        "changes.csv",
        "sku,month,quantity\nBTL-1,2026-02,150\nGHOST,2026-01,5\nHSG-1,2026-09,40\n",
    );
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: changes.csv:3: column sku: \"GHOST\" is not a sku of this plan\n\
         error: changes.csv:4: column month: 2026-09 is outside the time fences of this plan \
         (fenced months: 2026-01 to 2026-02): a change there needs no agreement; edit the \
         forecast or events instead\n.: 2 errors found\n"
    );
}

/// `validate` checks changes.csv against the skus `planner plan` plans: a sku launched after
/// the horizon is not one of them (validate took every event's sku before).
#[test]
fn validate_and_plan_check_changes_against_the_same_skus() {
    let dir = super::small_folder();
    put(
        dir.path(),
        "planner.toml",
        "[[fences]]\nmonths = [1, 2]\nmax_change = 0.1\n",
    );
    put(
        dir.path(),
        "events.csv",
        "sku,month,kind,value,note\nBTL-1,2026-02,multiplier,1.3,promo\n\
         NEW-1,2027-06,launch,100,after the horizon\n",
    );
    put(
        dir.path(),
        "changes.csv",
        "sku,month,quantity\nBTL-1,2026-02,150\nNEW-1,2026-01,5\n",
    );
    let want = "changes.csv:3: column sku: \"NEW-1\" is not a sku of this plan";
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("error: {want}\n")),
        "{}",
        stderr(&o)
    );
    let o = run(dir.path(), &["plan", "--data", ".", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains(want), "{}", stderr(&o));
    // Nothing was published: the good rows are checked, and said to be unused.
    put(
        dir.path(),
        "changes.csv",
        "sku,month,quantity\nBTL-1,2026-02,150\n",
    );
    let o = run(dir.path(), &["plan", "--data", ".", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "warning: changes.csv: not used: nothing was published before 2026-01 to hold the \
             time fences against; agreed changes apply only to a plan held to the time fences \
             of a published month"
        ),
        "{}",
        stderr(&o)
    );
}

/// A full device names what could not be written (it said only "No space left on device").
#[test]
fn a_full_disk_names_what_could_not_be_written() {
    let dir = super::small_folder();
    let full = std::fs::File::create("/dev/full").expect("/dev/full on Linux");
    let o = super::planner()
        .current_dir(dir.path())
        .args(["forecast", "--history", "demand.csv", "--horizon", "2"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o)
            .starts_with("error: standard output: cannot write the table: No space left on device"),
        "{}",
        stderr(&o)
    );
}

/// `planner forecast --data DIR` with events.csv a broken link: an error, not "no events".
#[cfg(unix)]
#[test]
fn forecast_with_a_broken_events_link_is_an_error() {
    let dir = super::small_folder();
    std::fs::remove_file(dir.path().join("events.csv")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/events.csv", dir.path().join("events.csv")).unwrap();
    let o = run(dir.path(), &["forecast", "--data", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with(
            "error: events.csv: exists but cannot be read: it is a link to /nonexistent/events.csv"
        ),
        "{}",
        stderr(&o)
    );
}
