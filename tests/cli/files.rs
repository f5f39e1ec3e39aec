//! Loading and validation through the real binary: every kind of broken file.

use super::*;

/// The first error of a folder, as `planner capacity` (which stops at the first) reports it.
fn first_error(dir: &Path) -> (i32, String) {
    let o = run(dir, &["validate", "--data", "."]);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

#[test]
fn the_small_folder_is_valid() {
    let dir = small_folder();
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        ".: no problems found in 9 files (bom.csv, calendar.csv, demand.csv, events.csv, \
         lines.csv, materials.csv, price_tiers.csv, products.csv, routings.csv): 2 skus, 2 lines, \
         3 materials, 1 events\n"
    );
}

#[test]
fn a_non_numeric_quantity_names_file_line_and_column() {
    let dir = small_folder();
    put(
        dir.path(),
        "demand.csv",
        "sku,month,quantity\nA,2026-01,5\nA,2026-02,12x\n",
    );
    let (code, err) = first_error(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: demand.csv:3: column quantity: \"12x\" is not a number\n.: 1 error found\n"
    );
}

#[test]
fn negative_empty_and_bad_months_are_all_listed() {
    let dir = small_folder();
    put(
        dir.path(),
        "demand.csv",
        "sku,month,quantity\nA,2026-01,-5\n,2026-02,1\nA,2026-13,4\nA,2026-03,\n",
    );
    let (code, err) = first_error(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: demand.csv:2: column quantity: \"-5\" is not a non-negative number\n\
         error: demand.csv:3: column sku: is empty\n\
         error: demand.csv:5: column quantity: is empty: expected a number\n\
         error: demand.csv:4: column month: \"2026-13\" is not a month (expected YYYY-MM)\n\
         .: 4 errors found\n"
    );
}

#[test]
fn a_missing_column_lists_what_was_found() {
    let dir = small_folder();
    put(
        dir.path(),
        "lines.csv",
        "line,shifts_per_day,hours_per_shift,days_per_week\nL1,1,8,5\nL2,2,8,5\n",
    );
    let (code, err) = first_error(dir.path());
    assert_eq!(code, 1);
    assert!(
        err.starts_with(
            "error: lines.csv:1: missing column oee (found: line, shifts_per_day, hours_per_shift, days_per_week)\n"
        ),
        "{err}"
    );
}

#[test]
fn a_bom_cycle_is_reported_with_its_path() {
    let dir = small_folder();
    put(
        dir.path(),
        "bom.csv",
        "sku,material,qty_per\nBTL-1,SA-LID,1\nSA-LID,RESIN,0.03\nRESIN,SA-LID,2\n",
    );
    put(
        dir.path(),
        "materials.csv",
        "material,lead_time_days,moq,order_multiple,unit_cost,on_hand\nSA-LID,7,1,1,0.8,50\nRESIN,45,500,25,2.1,300\n",
    );
    let (code, err) = first_error(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: bom.csv:4: column material: the bill of materials has a cycle: SA-LID -> RESIN -> SA-LID\n\
         .: 1 error found\n"
    );
}

#[test]
fn values_out_of_range_name_their_column() {
    let dir = small_folder();
    put(
        dir.path(),
        "lines.csv",
        "line,shifts_per_day,hours_per_shift,days_per_week,oee\nL1,1,8,5,80\nL2,2,8,8,0.75\n",
    );
    put(
        dir.path(),
        "materials.csv",
        "material,lead_time_days,moq,order_multiple,unit_cost,on_hand\nSA-LID,7,1,1,0.8,50\nRESIN,45,500,0,2.1,300\nSTEEL,sixty,1000,100,3.5,800\n",
    );
    let (code, err) = first_error(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: lines.csv:2: column oee: 80 is not in (0, 1] (a percentage? write 0.8)\n\
         error: lines.csv:3: column days_per_week: 8 is not a whole number from 1 to 7\n\
         error: materials.csv:3: column order_multiple: 0 is not a number above zero\n\
         error: materials.csv:4: column lead_time_days: \"sixty\" is not a number\n\
         .: 4 errors found\n"
    );
}

#[test]
fn unknown_columns_warn_and_headers_match_loosely() {
    let dir = small_folder();
    // A UTF-8 byte order mark, upper-case and padded headers, an extra column.
    put(
        dir.path(),
        "products.csv",
        "\u{feff} SKU ,Family,Colour\nBTL-1,bottles,black\nHSG-1,housings,grey\n",
    );
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "warning: products.csv: unknown column colour is ignored\n"
    );
}

#[test]
fn transactional_demand_is_summed_into_months() {
    let dir = small_folder();
    put(
        dir.path(),
        "demand.csv",
        "sku,date,quantity,order\nA,2026-01-05,5,PO1\nA,2026-01-20,7,PO2\nA,2026-03-02,4,PO3\nA,2026-02-30,1,PO4\n",
    );
    let (code, err) = first_error(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "warning: demand.csv: unknown column order is ignored\n\
         error: demand.csv:5: column date: \"2026-02-30\" is not a date (expected YYYY-MM-DD)\n\
         .: 1 error found\n"
    );
    put(
        dir.path(),
        "demand.csv",
        "sku,date,quantity\nA,2026-01-05,5\nA,2026-01-20,7\nA,2026-03-31,4\n",
    );
    let o = run(
        dir.path(),
        &[
            "forecast",
            "--history",
            "demand.csv",
            "--method",
            "naive",
            "--horizon",
            "1",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // January 12, February 0, March 4: the naive forecast for April is 4.
    let out = stdout(&o);
    assert!(
        out.starts_with("sku,month,forecast,lo_80,hi_80,lo_95,hi_95,model\nA,2026-04,4,"),
        "{out}"
    );
}

#[test]
fn a_bad_setting_names_its_line() {
    let dir = small_folder();
    put(
        dir.path(),
        "planner.toml",
        "start = \"2026-01\"\nhorizon = 40\n",
    );
    let (code, err) = first_error(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: planner.toml:2: horizon: 40 is not between 1 and 36\n.: 1 error found\n"
    );
    put(dir.path(), "planner.toml", "horizn = 12\n");
    let (code, err) = first_error(dir.path());
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: planner.toml:1: unknown field `horizn`"),
        "{err}"
    );
}

#[test]
fn a_missing_demand_file_and_a_missing_folder_are_clear() {
    let dir = small_folder();
    std::fs::remove_file(dir.path().join("demand.csv")).unwrap();
    let (code, err) = first_error(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: demand.csv: is missing from .: this command needs the demand history (or --demand FILE where the command takes one)\n.: 1 error found\n"
    );
    let o = run(dir.path(), &["validate", "--data", "no-such-folder"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: no-such-folder: is not a folder: expected a planning folder with demand.csv\n\
         no-such-folder: 1 error found\n"
    );
}

#[test]
fn other_commands_stop_at_the_first_error() {
    let dir = small_folder();
    put(
        dir.path(),
        "demand.csv",
        "sku,month,quantity\nA,2026-01,x\nA,2026-02,y\n",
    );
    let o = run(dir.path(), &["plan", "--data", ".", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: demand.csv:2: column quantity: \"x\" is not a number\n"
    );
    assert!(!dir.path().join("out").exists(), "no partial output");
}

#[test]
fn usage_errors_exit_with_2() {
    let dir = small_folder();
    let o = run(
        dir.path(),
        &["forecast", "--horizon", "x", "--history", "demand.csv"],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = run(dir.path(), &["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}
