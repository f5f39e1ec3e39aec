//! `planner plan` through the real binary, on the demo folder.

use super::*;

#[test]
fn plan_with_no_arguments_runs_on_the_demo_folder() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &["plan", "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fc = std::fs::read_to_string(dir.path().join("out/forecast.csv")).unwrap();
    assert!(fc.starts_with("sku,month,forecast,lo_80,hi_80,lo_95,hi_95,model\n"));
}

#[test]
fn the_demo_folder_validates_cleanly() {
    let o = run(&demo(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    // Every file of the folder is checked, the index-linked prices' two included.
    assert_eq!(
        stdout(&o),
        ".: no problems found in 16 files (bom.csv, calendar.csv, cost_breakdown.csv, \
         deliveries.csv, demand.csv, events.csv, indices.csv, inventory.csv, lines.csv, \
         materials.csv, open_orders.csv, planner.toml, price_tiers.csv, products.csv, \
         routings.csv, scorecard.toml): 32 skus, 3 lines, 47 materials, 8 events\n"
    );
}

#[test]
fn plan_timings_name_every_stage_with_its_cpu_time_and_no_bar_off_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let o = planner()
        .env("PLANNER_TIMINGS", "1")
        .args(["plan", "--data"])
        .arg(demo())
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    // Quiet and stderr a pipe: nothing but the timings (no progress bar, no summary).
    let stages: Vec<&str> = err
        .lines()
        .map(|l| {
            let rest = l
                .strip_prefix("timing: ")
                .unwrap_or_else(|| panic!("{l:?}"));
            let stage = rest.split_whitespace().next().unwrap();
            // plan.json is written on its own thread while the workbooks are made: its line
            // says so, and gives no running total.
            let during = if stage == "json" {
                " s  (overlapped, during xlsx+charts)  cpu "
            } else {
                " s  (total "
            };
            assert!(l.contains(during) && l.contains("  cpu "), "{l:?}");
            stage
        })
        .collect();
    assert_eq!(
        stages,
        [
            "load",
            // The core's stages, as its observer tells them (planner_core::Stage).
            "forecast",
            "fences",
            "production",
            "capacity",
            "materials",
            "pricing",
            "segments",
            // The scorecard before the tables: the delivery rows are let go first.
            "review",
            "tables",
            "csv",
            "json",
            "xlsx+charts",
            "report"
        ]
    );
    // The CPU seconds are the process's: never negative, and their sum at most the wall time
    // times the cores (with a clock tick of slack per stage).
    let field = |l: &str, after: &str| -> f64 {
        let at = l.find(after).unwrap() + after.len();
        l[at..].split_whitespace().next().unwrap().parse().unwrap()
    };
    let cpu: Vec<f64> = err.lines().map(|l| field(l, "  cpu ")).collect();
    let total = field(err.lines().last().unwrap(), "(total ");
    assert!(cpu.iter().all(|&c| c >= 0.0), "{err}");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    assert!(
        cpu.iter().sum::<f64>() <= total * cores + 0.02 * cpu.len() as f64,
        "{err}"
    );
}
