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
