//! Issue 13, "inputs taken in silence": every odd input of the planning folder ends in an error
//! naming file, line and column, or a warning that says what was done.

use super::*;

/// `planner validate` on the folder: exit code and stderr.
fn validate(dir: &Path) -> (i32, String) {
    let o = run(dir, &["validate", "--data", "."]);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

/// The small folder's demand.csv with `more` appended.
fn demand_plus(dir: &Path, more: &str) {
    let mut text = std::fs::read_to_string(dir.join("demand.csv")).unwrap();
    text.push_str(more);
    put(dir, "demand.csv", &text);
}

#[test]
fn demand_rows_for_a_month_already_seen_are_summed_and_counted() {
    let dir = small_folder();
    // BTL-1 2025-12 is 173 in the file (150 + 23); two more rows of 10 and 5, one written 2025-12.
    demand_plus(dir.path(), "BTL-1,2025-12,10\nBTL-1, 2025-12 ,5\n");
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
    assert_eq!(
        stderr(&o),
        "warning: demand.csv: 2 rows for a sku and month already seen were summed into their month\n"
    );
    // The naive forecast repeats the last month: 173 + 10 + 5.
    assert!(
        stdout(&o).contains("\nBTL-1,2026-01,188,"),
        "{}",
        stdout(&o)
    );
    // Order lines (`date`) are summed into months by design: no warning.
    put(
        dir.path(),
        "demand.csv",
        "sku,date,quantity\nBTL-1,2025-12-01,1\nBTL-1,2025-12-01,2\nHSG-1,2025-12-31,3\n",
    );
    let o = run(dir.path(), &["forecast", "--history", "demand.csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
}

#[test]
fn a_duplicate_key_in_another_file_names_both_lines() {
    let dir = small_folder();
    put(
        dir.path(),
        "calendar.csv",
        "line,date,hours,reason\n*,2025-12-25,0,Christmas\nL1,2025-12-25,4,\n*,2025-12-25T00:00,0,again\n",
    );
    put(
        dir.path(),
        "bom.csv",
        "sku,material,qty_per\nBTL-1,SA-LID,1\nSA-LID,RESIN,0.03\nBTL-1,STEEL,0.2\nHSG-1,RESIN,0.1\nBTL-1,STEEL,0.1\n",
    );
    put(
        dir.path(),
        "events.csv",
        "sku,month,kind,value\nBTL-1,2026-02,multiplier,1.3\nBTL-1,2026-02,add,5\nBTL-1,2026-2,multiplier,1.2\n",
    );
    put(
        dir.path(),
        "cost_breakdown.csv",
        "sku,component,amount,index\nBTL-1,resin,2,resin\nBTL-1,labor,3,\nBTL-1,resin,1,\n",
    );
    put(
        dir.path(),
        "indices.csv",
        "index,month,value\nresin,2025-11,100\nresin,2025-12,101\nresin,2025-11,99\n",
    );
    assert_eq!(
        validate(dir.path()),
        (
            1,
            "error: calendar.csv:4: column date: \"* on 2025-12-25\" is already defined on line 2\n\
             error: bom.csv:6: column material: \"STEEL in BTL-1\" is already defined on line 4\n\
             error: events.csv:4: column kind: \"multiplier 2026-02 for BTL-1\" is already defined on line 2\n\
             error: cost_breakdown.csv:4: column component: \"resin of BTL-1\" is already defined on line 2\n\
             error: indices.csv:4: column month: \"resin in 2025-11\" is already defined on line 2\n\
             .: 5 errors found\n"
                .to_string()
        )
    );
}

#[cfg(unix)]
#[test]
fn a_file_that_exists_but_cannot_be_read_is_an_error_not_absent() {
    use std::os::unix::fs::symlink;
    let dir = small_folder();
    let d = dir.path();
    std::fs::remove_file(d.join("bom.csv")).unwrap();
    std::fs::create_dir(d.join("bom.csv")).unwrap();
    std::fs::remove_file(d.join("events.csv")).unwrap();
    symlink("nowhere.csv", d.join("events.csv")).unwrap();
    std::fs::remove_file(d.join("price_tiers.csv")).unwrap();
    symlink("loop.csv", d.join("price_tiers.csv")).unwrap();
    symlink("price_tiers.csv", d.join("loop.csv")).unwrap();
    std::fs::create_dir(d.join("deliveries.csv")).unwrap();
    let (code, err) = validate(d);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: bom.csv: exists but cannot be read: it is a folder, not a file\n\
         error: price_tiers.csv: exists but cannot be read: Too many levels of symbolic links (os error 40)\n\
         error: events.csv: exists but cannot be read: it is a link to nowhere.csv, which does not exist\n\
         error: deliveries.csv: exists but cannot be read: it is a folder, not a file\n\
         .: 4 errors found\n"
    );
    // demand.csv as a folder is not "missing"; `plan` stops at the first error.
    std::fs::remove_file(d.join("demand.csv")).unwrap();
    std::fs::create_dir(d.join("demand.csv")).unwrap();
    let o = run(d, &["plan", "--data", ".", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: demand.csv: exists but cannot be read: it is a folder, not a file\n"
    );
}

#[test]
fn a_month_far_from_the_rest_of_demand_is_a_typo() {
    let dir = small_folder();
    // The file runs 2024-01 to 2025-12 (lines 2 to 49).
    demand_plus(dir.path(), "BTL-1,2062-10,5\n");
    assert_eq!(
        validate(dir.path()),
        (
            1,
            "error: demand.csv:50: column month: 2062-10 is 36 years and 10 months after the \
             file's other months (latest 2025-12): a typo?\n.: 1 error found\n"
                .to_string()
        )
    );
    let dir = small_folder();
    demand_plus(dir.path(), "HSG-1,1926-10,5\nBTL-1,2028-01,1\n");
    assert_eq!(
        validate(dir.path()),
        (
            1,
            "error: demand.csv:50: column month: 1926-10 is 97 years and 3 months before the \
             file's other months (earliest 2024-01): a typo?\n\
             error: demand.csv:51: column month: 2028-01 is 2 years and 1 month after the \
             file's other months (latest 2025-12): a typo?\n.: 2 errors found\n"
                .to_string()
        )
    );
    // 24 months on is still the file's (a sku back after a two-year pause).
    let dir = small_folder();
    demand_plus(dir.path(), "BTL-1,2027-12,1\n");
    assert_eq!(validate(dir.path()).0, 0);
    // A year no plan has: an error of the month itself (9999-12 took 49 s and planned "10000-01").
    let dir = small_folder();
    demand_plus(dir.path(), "BTL-1,9999-12,1\n");
    let o = run(dir.path(), &["plan", "--data", ".", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: demand.csv:50: column month: \"9999-12\" is not a month or date planner works \
         with (years 1900 to 2199): a typo?\n"
    );
}

#[test]
fn a_date_with_trailing_text_is_not_its_first_day() {
    let dir = small_folder();
    put(
        dir.path(),
        "calendar.csv",
        "line,date,hours,reason\n*,2025-12-25T00:00:00,0,Christmas\nL1,2025-12-29 to 2025-12-31,0,shutdown\n",
    );
    put(
        dir.path(),
        "deliveries.csv",
        "po,sku,due_date,delivered_date,quantity\nP1,BTL-1,2025-12-01,2025-12-02 08:15,5\n\
         P2,BTL-1,2025-12-01,2025-12-02 and 03,5\n",
    );
    assert_eq!(
        validate(dir.path()),
        (
            1,
            "error: calendar.csv:3: column date: \"2025-12-29 to 2025-12-31\" is not a date \
             (expected YYYY-MM-DD)\n\
             error: deliveries.csv:3: column delivered_date: \"2025-12-02 and 03\" is not a date \
             (expected YYYY-MM-DD)\n.: 2 errors found\n"
                .to_string()
        )
    );
}

/// `text` as UTF-16, little-endian with a byte order mark or big-endian without.
fn utf16(text: &str, little_with_bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if little_with_bom {
        out.extend([0xFF, 0xFE]);
    }
    for u in text.encode_utf16() {
        let b = if little_with_bom {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        };
        out.extend(b);
    }
    out
}

#[test]
fn utf16_and_windows_1252_files_say_how_to_save_them() {
    let dir = small_folder();
    let demand = std::fs::read_to_string(dir.path().join("demand.csv")).unwrap();
    std::fs::write(dir.path().join("demand.csv"), utf16(&demand, true)).unwrap();
    std::fs::write(
        dir.path().join("products.csv"),
        utf16("sku,family\nBTL-1,bottles\n", false),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("lines.csv"),
        b"line,shifts_per_day,hours_per_shift,days_per_week,oee\nL1,1,8,5,0.8\nL2,2,8,5,0.75\n\
          \nL\xe4nge,1,8,5,0.8\n",
    )
    .unwrap();
    assert_eq!(
        validate(dir.path()),
        (
            1,
            "error: demand.csv: is UTF-16 text: save it as CSV UTF-8\n\
             error: products.csv: is UTF-16 text: save it as CSV UTF-8\n\
             error: lines.csv:5: is not UTF-8 (looks like Windows-1252 or Latin-1): save it as \
             CSV UTF-8\n.: 3 errors found\n"
                .to_string()
        )
    );
    // The demand file through the command that reads it alone: Windows-1252 on line 5.
    let mut bytes = demand.into_bytes();
    let line5 = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(3)
        .unwrap()
        .0;
    bytes[line5 + 1] = 0xC9; // "É" in Windows-1252
    std::fs::write(dir.path().join("demand.csv"), bytes).unwrap();
    let o = run(dir.path(), &["forecast", "--history", "demand.csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: demand.csv:5: is not UTF-8 (looks like Windows-1252 or Latin-1): save it as CSV UTF-8\n"
    );
}

#[test]
fn blank_rows_and_excel_empty_rows_are_skipped_in_demand_too() {
    let dir = small_folder();
    demand_plus(dir.path(), ",,\n , , \n\n\n");
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains(": 2 skus, 2 lines,"), "{}", stdout(&o));
    // A blank row inside the file keeps the lines after it counted right.
    put(
        dir.path(),
        "demand.csv",
        "sku,month,quantity\nA,2026-01,5\n,,\nA,2026-02,x\n",
    );
    assert_eq!(
        validate(dir.path()).1,
        "error: demand.csv:4: column quantity: \"x\" is not a number\n.: 1 error found\n"
    );
}

#[test]
fn a_code_of_ten_thousand_characters_is_an_error_and_messages_stay_short() {
    let dir = small_folder();
    let long = "X".repeat(10_000);
    put(
        dir.path(),
        "products.csv",
        &format!(
            "sku,family\nBTL-1,bottles\n{long},housings\nHSG-1,{}\n",
            "f".repeat(101)
        ),
    );
    demand_plus(
        dir.path(),
        &format!("{long},2025-12,1\nHSG-1,2025-11,{long}\n"),
    );
    let x60 = "X".repeat(60);
    let f60 = "f".repeat(60);
    assert_eq!(
        validate(dir.path()),
        (
            1,
            format!(
                "error: demand.csv:50: column sku: \"{x60}…\" is 10000 characters long: a code is at most 100\n\
                 error: demand.csv:51: column quantity: \"{x60}…\" is not a number\n\
                 error: products.csv:3: column sku: \"{x60}…\" is 10000 characters long: a code is at most 100\n\
                 error: products.csv:4: column family: \"{f60}…\" is 101 characters long: a code is at most 100\n\
                 .: 4 errors found\n"
            )
        )
    );
    // A value that is no month, quoted short too.
    let dir = small_folder();
    put(
        dir.path(),
        "events.csv",
        &format!("sku,month,kind,value\nBTL-1,{long},add,1\nBTL-1,2026-02,{long},1\n"),
    );
    let (code, err) = validate(dir.path());
    assert_eq!(code, 1);
    assert!(
        err.starts_with(&format!(
            "error: events.csv:2: column month: \"{x60}…\" is not a month (expected YYYY-MM)\n\
             error: events.csv:3: column kind: \"{x60}…\""
        )),
        "{err}"
    );
    assert!(err.len() < 600, "{} bytes", err.len());
}

#[test]
fn a_bom_part_missing_from_materials_is_found_when_materials_has_other_errors() {
    let dir = small_folder();
    put(
        dir.path(),
        "materials.csv",
        "material,lead_time_days,moq,order_multiple,unit_cost,on_hand\nSA-LID,7,1,1,0.8,50\n\
         RESIN,45,lots,25,2.1,300\n",
    );
    assert_eq!(
        validate(dir.path()),
        (
            1,
            "error: materials.csv:3: column moq: \"lots\" is not a number\n\
             error: bom.csv:4: column material: \"STEEL\" is not in materials.csv\n\
             .: 2 errors found\n"
                .to_string()
        )
    );
}

#[test]
fn an_event_for_a_sku_with_no_history_is_an_error_in_validate_and_a_warning_elsewhere() {
    let dir = small_folder();
    put(
        dir.path(),
        "events.csv",
        "sku,month,kind,value\nBTL-1,2026-02,multiplier,1.3\nGHOST,2026-03,add,10\n\
         GHOST,2026-04,add,10\nNEW-1,2026-03,launch,100\nNEW-1,2026-05,multiplier,1.2\n\
         OTHER,2026-03,override,5\n",
    );
    assert_eq!(
        validate(dir.path()),
        (
            1,
            "error: events.csv:3: column sku: \"GHOST\" has no history in demand.csv and no \
             launch event: the add event would be ignored\n\
             error: events.csv:4: column sku: \"GHOST\" has no history in demand.csv and no \
             launch event: the add event would be ignored\n\
             error: events.csv:7: column sku: \"OTHER\" has no history in demand.csv and no \
             launch event: the override event would be ignored\n.: 3 errors found\n"
                .to_string()
        )
    );
    let o = run(dir.path(), &["capacity", "--data", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with(
            "warning: events.csv: 3 events name skus with no history and no launch; ignored: \
             GHOST, OTHER\n"
        ),
        "{}",
        stderr(&o)
    );
}

/// Dated order lines for January to June 2025 (each month to its last weekday) and July up to
/// the 14th: July is partial.
fn dated_history(july_last: &str) -> String {
    let last = ["31", "28", "31", "30", "30", "30"];
    let mut s = String::from("sku,date,quantity\n");
    for (i, d) in last.iter().enumerate() {
        let m = i + 1;
        s.push_str(&format!("A,2025-{m:02}-10,60\nA,2025-{m:02}-{d},40\n"));
    }
    s.push_str(&format!("A,2025-07-03,30\nA,{july_last},15\n"));
    s
}

#[test]
fn a_partial_last_month_of_order_lines_is_left_out_and_said() {
    let dir = tempfile::tempdir().unwrap();
    put(dir.path(), "demand.csv", &dated_history("2025-07-14"));
    let o = run(
        dir.path(),
        &["forecast", "--history", "demand.csv", "--horizon", "2"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "warning: demand.csv: the last month, 2025-07, holds order lines only up to 2025-07-14 \
         (14 of 31 days; its last weekday is 2025-07-31): a partial month, left out of the \
         history (1 sku and 45 units), so the plan starts 2025-07; to keep it as a full month, \
         add a row dated 2025-07-31 with quantity 0\n"
    );
    // Six full months of 100: the forecast starts with July at about 100, not 45.
    let out = stdout(&o);
    let first = out.lines().nth(1).unwrap();
    assert!(first.starts_with("A,2025-07,100,"), "{out}");

    // A line on the month's last weekday makes it a full month: no warning, July is history.
    put(dir.path(), "demand.csv", &dated_history("2025-07-31"));
    let o = run(
        dir.path(),
        &["forecast", "--history", "demand.csv", "--horizon", "2"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    assert!(stdout(&o).lines().nth(1).unwrap().starts_with("A,2025-08,"));
}

#[test]
fn rows_nothing_plans_and_skus_apart_only_by_case_are_warned() {
    let dir = small_folder();
    // A typo in routings.csv (HSG-l for HSG-1) and in bom.csv (BTL-l for BTL-1).
    put(
        dir.path(),
        "routings.csv",
        "sku,line,station,cycle_seconds\nBTL-1,L1,weld,30\nBTL-1,L1,pack,20\nHSG-l,L2,mould,60\nHSG-l,L2,test,45\n",
    );
    put(
        dir.path(),
        "bom.csv",
        "sku,material,qty_per\nBTL-1,SA-LID,1\nSA-LID,RESIN,0.03\nBTL-l,STEEL,0.2\nHSG-1,RESIN,0.1\n",
    );
    // A month of BTL-1 written in lower case: another sku.
    demand_plus(dir.path(), "btl-1,2025-12,5\n");
    let (code, err) = validate(dir.path());
    assert_eq!(code, 0, "warnings, not errors: {err}");
    for w in [
        "warning: routings.csv: 2 rows of 1 sku with no demand history, launch or product, ignored: \"HSG-l\" (line 4)",
        "warning: bom.csv: 1 row of 1 sku with no demand history, launch or product, ignored: \"BTL-l\" (line 4)",
        "warning: routings.csv: 2 skus of the demand history have no routing, so no line hours are planned for them: \"HSG-1\", \"btl-1\"",
        "warning: demand.csv: 1 set of skus differ only in letter case and are planned apart: \"BTL-1\" and \"btl-1\"",
    ] {
        assert!(err.contains(w), "{w}\nin\n{err}");
    }
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert!(
        stdout(&o).starts_with(".: no errors, 4 warnings above, in 9 files"),
        "{}",
        stdout(&o)
    );
    // `planner plan` says the same, even --quiet.
    let o = run(
        dir.path(),
        &["plan", "--data", ".", "--out", "out", "--quiet"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("\"HSG-l\" (line 4)"), "{}", stderr(&o));
}

#[test]
fn a_month_far_outside_its_skus_history_is_warned_and_planned_as_given() {
    let dir = small_folder();
    // HSG-1 runs 50 to 52 a month; 2025-06 (52) typed as 5100.
    let text = std::fs::read_to_string(dir.path().join("demand.csv"))
        .unwrap()
        .replace("HSG-1,2025-06,52\n", "HSG-1,2025-06,5100\n");
    assert!(text.contains("HSG-1,2025-06,5100"), "the fixture's row");
    put(dir.path(), "demand.csv", &text);
    let (code, err) = validate(dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "warning: demand.csv: 1 month of history far above its sku's usual demand (over 5 \
             times the median and 3 times the largest usual month), planned as given: a typo? \
             correct it, or explain it with an event: \"HSG-1\" 2025-06 5100 (median 51)"
        ),
        "{err}"
    );
    // The small folder as written has none.
    let (_, err) = validate(small_folder().path());
    assert!(!err.contains("usual demand"), "{err}");
}

/// A file that would not fit in memory is an error naming it before anything is read, never an
/// abort part way through, and no output is written. `PLANNER_MEMORY_AVAILABLE` stands in for
/// the memory the machine has free, so that a 1 MB file behaves as a 40 GB one would.
#[test]
fn a_file_that_would_not_fit_in_memory_is_an_error_naming_it() {
    let dir = small_folder();
    // One line of a million characters, no line break: what a broken export looks like.
    let one_line = format!("sku,month,quantity,{}", "X".repeat(1_000_000 - 19));
    let plan = |free: Option<&str>| {
        let mut cmd = planner();
        cmd.current_dir(dir.path())
            .args(["plan", "--data", ".", "--out", "out", "--quiet"]);
        if let Some(free) = free {
            cmd.env("PLANNER_MEMORY_AVAILABLE", free);
        }
        cmd.output().expect("the planner binary runs")
    };
    let too_big = |name: &str| {
        format!(
            "error: {name}: is 1.0 MB: reading it takes up to 4 times that in memory and this \
             machine has 3.5 MB free; split the portfolio (docs/scale.md) or plan on a larger \
             machine\n"
        )
    };
    for name in ["demand.csv", "deliveries.csv"] {
        let small = small_folder();
        std::fs::copy(
            small.path().join("demand.csv"),
            dir.path().join("demand.csv"),
        )
        .unwrap();
        let _ = std::fs::remove_file(dir.path().join("deliveries.csv"));
        put(dir.path(), name, &one_line);
        assert_eq!(
            std::fs::metadata(dir.path().join(name)).unwrap().len(),
            1_000_000
        );
        let o = plan(Some("3500000"));
        assert_eq!((o.status.code(), stderr(&o)), (Some(1), too_big(name)));
        assert!(!dir.path().join("out").exists());
        // With the memory to read it, it is read, and the one line is no file of its kind.
        let o = plan(None);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(
            stderr(&o).starts_with(&format!("error: {name}")),
            "{}",
            stderr(&o)
        );
        assert!(stderr(&o).len() < 600, "{} bytes", stderr(&o).len());
        assert!(!dir.path().join("out").exists());
    }
}

#[test]
fn months_without_a_row_in_a_regular_sku_are_warned() {
    let dir = small_folder();
    // HSG-1 stops a month short of the history (an export that missed it); BTL-1 misses three
    // months in a row inside; one single month without a row is a month without orders.
    let text: String = std::fs::read_to_string(dir.path().join("demand.csv"))
        .unwrap()
        .lines()
        .filter(|l| {
            !l.starts_with("HSG-1,2025-12,")
                && !l.starts_with("HSG-1,2024-03,")
                && !["2024-05", "2024-06", "2024-07"]
                    .iter()
                    .any(|m| l.starts_with(&format!("BTL-1,{m},")))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    put(dir.path(), "demand.csv", &text);
    let (code, err) = validate(dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "warning: demand.csv: 4 months without a row in 2 skus that have a row nearly every \
             month, taken as zero demand (their forecast falls): add the rows, or a zero row for \
             a month truly without demand: \"BTL-1\" 2024-05..2024-07, \"HSG-1\" 2025-12"
        ),
        "{err}"
    );
    // Both a month and a date column: the month is used, and the run says so.
    put(
        dir.path(),
        "demand.csv",
        &text
            .replace("sku,month,quantity", "sku,month,quantity,date")
            .replace('\n', ",\n")
            .replace("sku,month,quantity,date,", "sku,month,quantity,date"),
    );
    let (code, err) = validate(dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "warning: demand.csv: both month and date given; month is used and date ignored"
        ),
        "{err}"
    );
}

#[test]
fn a_launch_over_a_history_and_a_part_left_out_are_said() {
    let dir = small_folder();
    put(
        dir.path(),
        "events.csv",
        "sku,month,kind,value,note\nBTL-1,2026-02,multiplier,1.3,promo\nHSG-1,2026-03,launch,80,relaunch\n",
    );
    std::fs::remove_file(dir.path().join("routings.csv")).unwrap();
    let o = run(dir.path(), &["plan", "--data", ".", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "warning: events.csv: 1 launch of a sku with history: the launch's units replace its \
             forecast from that month (for a new sku, give it a new code): \"HSG-1\" from 2026-03 \
             (line 3; 24 months of demand in the history)"
        ),
        "{err}"
    );
    assert!(
        err.contains("capacity: not planned: the folder has no lines.csv and routings.csv"),
        "{err}"
    );
    assert!(!err.contains("materials: not planned"), "{err}");
}

#[test]
fn a_start_pinned_after_the_history_says_the_months_left_unplanned() {
    let dir = small_folder();
    // History to 2025-12; start pinned at 2026-03: January and February are not planned.
    put(dir.path(), "planner.toml", "start = \"2026-03\"\n");
    let (code, err) = validate(dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "warning: planner.toml: start = 2026-03 leaves 2 months after the history's last \
             (2025-12) unplanned: they are forecast to reach 2026-03, and nothing is planned for \
             them"
        ),
        "{err}"
    );
    put(dir.path(), "planner.toml", "start = \"2026-01\"\n");
    let (_, err) = validate(dir.path());
    assert!(!err.contains("unplanned"), "{err}");
}

#[test]
fn planner_toml_says_a_level_given_twice_and_which_table_an_unknown_key_fell_into() {
    let dir = small_folder();
    put(
        dir.path(),
        "planner.toml",
        "horizon = 6\nlevels = [80, 80, 95]\n",
    );
    let (code, err) = validate(dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "warning: planner.toml, line 2: levels: 3 given, 2 distinct: each range is planned once"
        ),
        "{err}"
    );
    // A top-level key written after a table is that table's key.
    put(
        dir.path(),
        "planner.toml",
        "horizon = 6\n[pricing.review]\nevery_months = 12\nhorizn = 12\n",
    );
    let (code, err) = validate(dir.path());
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("unknown field `horizn`")
            && err.contains(
                "(in [pricing.review]; a key of no table goes above the first [table] line)"
            ),
        "{err}"
    );
}

#[test]
fn a_semicolon_separated_file_is_named_as_such() {
    let dir = small_folder();
    let text = std::fs::read_to_string(dir.path().join("lines.csv"))
        .unwrap()
        .replace(',', ";");
    put(dir.path(), "lines.csv", &text);
    let (code, err) = validate(dir.path());
    assert_eq!(code, 1);
    assert!(
        err.contains(
            ": the header is one column holding semicolons: the file is semicolon-separated (as \
             Excel saves CSV where the decimal mark is a comma); save it with commas, or as .xlsx"
        ) && err.contains("lines.csv:1: missing columns"),
        "{err}"
    );
}

#[test]
fn a_row_with_more_fields_than_its_header_is_an_error_at_its_line() {
    let dir = small_folder();
    let d = dir.path();
    // An unquoted thousands comma (on_hand 1,662 read as 1), a stray field, a trailing comma.
    put(d, "inventory.csv", "sku,on_hand\nBTL-1,1,662\nHSG-1,40\n");
    let routings = std::fs::read_to_string(d.join("routings.csv")).unwrap();
    put(
        d,
        "routings.csv",
        &format!("{routings}HSG-1,L2,pack,20,x\n"),
    );
    put(
        d,
        "products.csv",
        "sku,family,name\nBTL-1,bottles,\"Bottle, 500 ml\"\nHSG-1,housings,Sensor, housing\n",
    );
    demand_plus(d, "BTL-1,2025-12,5,\n");
    let extra = ": a comma inside a value? put the value in quotes, or remove the extra comma";
    let (code, err) = validate(d);
    assert_eq!(code, 1, "{err}");
    for want in [
        format!("error: inventory.csv:2: has 3 fields, the header has 2{extra}\n"),
        format!("error: routings.csv:6: has 5 fields, the header has 4{extra}\n"),
        // A value in quotes holds its comma: line 2 is fine.
        format!("error: products.csv:3: has 4 fields, the header has 3{extra}\n"),
        // demand.csv, read by polars, says it in the same words: 48 rows, then line 50.
        format!("error: demand.csv:50: has 4 fields, the header has 3{extra}\n"),
    ] {
        assert!(err.contains(&want), "{want} in:\n{err}");
    }
    let o = run(d, &["plan", "--data", ".", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!d.join("out").exists());
    // A row with fewer fields: its missing required cell is empty, at its line and column.
    let dir = small_folder();
    put(
        dir.path(),
        "inventory.csv",
        "sku,on_hand\nBTL-1,1662\nHSG-1\n",
    );
    let (code, err) = validate(dir.path());
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("error: inventory.csv:3: column on_hand: is empty: expected a number\n"),
        "{err}"
    );
    put(
        dir.path(),
        "inventory.csv",
        "sku,on_hand\nBTL-1,\"1,662\"\nHSG-1,40\n",
    );
    let (code, err) = validate(dir.path());
    assert_eq!(code, 1, "a quoted 1,662 is not a number: {err}");
    // A materials.csv too wide to read is one error, not one more per open order of a material.
    let dir = small_folder();
    let materials = std::fs::read_to_string(dir.path().join("materials.csv")).unwrap();
    put(
        dir.path(),
        "materials.csv",
        &format!("{materials},,,,,,99\n"),
    );
    put(
        dir.path(),
        "open_orders.csv",
        "item,quantity,due_month,po\nRESIN,500,2026-02,PO-1\nSTEEL,100,2026-03,PO-2\n",
    );
    let (code, err) = validate(dir.path());
    assert_eq!(code, 1, "{err}");
    assert!(err.ends_with(".: 1 error found\n"), "{err}");
    assert!(
        err.contains("error: materials.csv:5: has 7 fields, the header has 6"),
        "{err}"
    );
}

#[test]
fn events_on_a_launched_sku_apply_after_its_launch() {
    let dir = small_folder();
    let d = dir.path();
    put(
        d,
        "products.csv",
        "sku,family,name\nBTL-1,bottles,Bottle 500 ml\nHSG-1,housings,Sensor housing\n\
         NEW-1,bottles,Bottle 750 ml\n",
    );
    // The plan is 2026-01..2026-12; NEW-1 has no history. Kinds apply launch, override,
    // multiplier, add, whatever the row order; the family row reaches NEW-1 too.
    put(
        d,
        "events.csv",
        "sku,month,kind,value,note\nNEW-1,2026-06,multiplier,1.2,\nNEW-1,2026-03,launch,100,\n\
         NEW-1,2026-05..2026-06,override,150,\nNEW-1,2026-07,add,7,\n\
         family:bottles,2026-08,multiplier,2,\nNEW-1,2026-10,discontinue,,\n",
    );
    let (code, err) = validate(d);
    assert_eq!(code, 0, "{err}");
    let o = run(d, &["plan", "--data", ".", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let said = format!("{}{}", stderr(&o), stdout(&o));
    assert!(!said.contains("does not apply"), "{said}");
    let mut r = csv::Reader::from_path(d.join("out/forecast.csv")).unwrap();
    let new: Vec<(f64, String)> = r
        .records()
        .map(Result::unwrap)
        .filter(|rec| &rec[0] == "NEW-1")
        .map(|rec| (rec[2].parse().unwrap(), rec[7].to_string()))
        .collect();
    let points: Vec<f64> = new.iter().map(|(p, _)| *p).collect();
    // 0, 0; launched at 100; 150 (override); 150 x 1.2 = 180; 100 + 7; 100 x 2; 100; then 0.
    assert_eq!(
        points,
        [0.0, 0.0, 100.0, 100.0, 150.0, 180.0, 107.0, 200.0, 100.0, 0.0, 0.0, 0.0]
    );
    assert!(
        new.iter().all(|(_, m)| m
            == "Launch + override 2026-05..2026-06; multiplier 2026-06, 2026-08; \
                                add 2026-07; discontinue 2026-10..2026-12"),
        "{new:?}"
    );
}

#[test]
fn the_master_files_read_at_once_list_their_problems_in_the_order_of_the_files() {
    // routings, bom, materials and price_tiers are read at once (calendar after them): each
    // file's problems still come in the order the files are read, each file's in its lines'.
    let dir = small_folder();
    let add = |name: &str, rows: &str| {
        let mut text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        text.push_str(rows);
        put(dir.path(), name, &text);
    };
    add("routings.csv", "BTL-1,L1,paint,-1\nBTL-1,L1,glue,x\n");
    add("calendar.csv", "L1,2026-12-26,-8,inventory\n");
    add("bom.csv", "HSG-1,STEEL,-1\n");
    add("materials.csv", "CAP,-7,1,1,0.8,50\n");
    add("price_tiers.csv", "HSG-1,1000,-12\n");
    let (code, err) = validate(dir.path());
    assert_eq!(code, 1, "{err}");
    let errors: Vec<&str> = err
        .lines()
        .filter_map(|l| l.strip_prefix("error: "))
        .collect();
    let files: Vec<&str> = errors
        .iter()
        .map(|e| e.split(':').next().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "routings.csv",
            "routings.csv",
            "calendar.csv",
            "bom.csv",
            "materials.csv",
            "price_tiers.csv"
        ],
        "{err}"
    );
    assert!(
        errors[0].starts_with("routings.csv:6: column cycle_seconds:"),
        "{err}"
    );
    assert!(
        errors[1].starts_with("routings.csv:7: column cycle_seconds:"),
        "{err}"
    );
}
