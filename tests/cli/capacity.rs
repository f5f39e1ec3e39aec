//! `planner capacity` and `planner materials` through the real binary, checked by hand.

use super::*;

/// A fixed plan: 1000 units of BTL-1 in December 2025 and January 2026.
fn fixed_plan(dir: &Path) {
    christmas_2025(dir);
    put(
        dir,
        "plan.csv",
        "sku,month,quantity\nBTL-1,2025-12,1000\nBTL-1,2026-01,1000\n",
    );
}

#[test]
fn capacity_csv_matches_the_contract_arithmetic() {
    let dir = small_folder();
    fixed_plan(dir.path());
    let o = run(
        dir.path(),
        &[
            "capacity",
            "--data",
            ".",
            "--demand",
            "plan.csv",
            "--out",
            "out/capacity.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(dir.path().join("out/capacity.csv")).unwrap();
    // L1: 1 shift of 8 h, Monday to Friday, OEE 0.8. December 2025 has 23 weekdays less
    // Christmas (Thursday 25th, `*` in calendar.csv): 22 days, 176 h. January 2026 starts on a
    // Thursday: 22 weekdays, 176 h. BTL-1's bottleneck is weld at 30 s; its work content is
    // 30 + 20 = 50 s (one operator a station). Required: 1000 * 30 / 3600 / 0.8 = 10.4167 h;
    // utilization 10.4167 / 176 = 0.0592; takt 176 * 3600 / 1000 = 633.6 s; operators
    // ceil(50 / (633.6 * 0.8)) = 1; weld's 30 s is well below takt.
    // L2 (2 shifts) has no demand: 352 h available, nothing required, 0 operators.
    assert_eq!(
        csv,
        "line,month,working_days,available_hours,demand_units,required_hours,utilization,\
         takt_seconds,bottleneck_seconds,operators_needed,labour_content_seconds,\
         slowest_station,slowest_station_seconds,bottleneck_above_takt\n\
         L1,2025-12,22,176,1000,10.42,0.0592,633.6,30,1,50,BTL-1/weld,30,no\n\
         L1,2026-01,22,176,1000,10.42,0.0592,633.6,30,1,50,BTL-1/weld,30,no\n\
         L2,2025-12,22,352,0,0,0,,,0,,,,no\n\
         L2,2026-01,22,352,0,0,0,,,0,,,,no\n"
    );
    for f in [
        "line_balance.csv",
        "build_plan.csv",
        "line_plan.csv",
        "recommendations.csv",
    ] {
        assert!(dir.path().join("out").join(f).is_file(), "{f}");
    }
    let balance = std::fs::read_to_string(dir.path().join("out/line_balance.csv")).unwrap();
    // Two stations, bottleneck 30 s: efficiency 50 / (2 * 30) = 0.8333, idle 10 s a unit.
    assert!(
        balance.contains("\nL1,BTL-1,weld,30,50,2,0.8333,10\n"),
        "{balance}"
    );
}

#[test]
fn the_mrp_record_matches_a_hand_worked_one() {
    let dir = small_folder();
    fixed_plan(dir.path());
    let o = run(
        dir.path(),
        &[
            "materials",
            "--data",
            ".",
            "--demand",
            "plan.csv",
            "--out",
            "out",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(dir.path().join("out/material_plan.csv")).unwrap();
    // SA-LID (7 days: 1 month offset, 50 on hand): December needs 1000, nets 950, received
    // lot-for-lot and released in November: before the first month, so past due. January's
    // 1000 is released in December. STEEL: 0.2 a bottle from 800 on hand. RESIN, below SA-LID:
    // 0.03 of SA-LID's December release (30) plus of its past-due release (28.5) in month 1.
    assert_eq!(
        csv,
        "material,month,gross_requirement,scheduled_receipts,projected_on_hand,net_requirement,\
         planned_receipt,planned_release,release_date,past_due,safety_stock\n\
         SA-LID,2025-12,1000,0,0,950,950,1000,2025-12-25,950,0\n\
         SA-LID,2026-01,1000,0,0,1000,1000,0,,0,0\n\
         STEEL,2025-12,200,0,600,0,0,0,,0,0\n\
         STEEL,2026-01,200,0,400,0,0,0,,0,0\n\
         RESIN,2025-12,58.5,0,241.5,0,0,0,,0,0\n\
         RESIN,2026-01,0,0,241.5,0,0,0,,0,0\n"
    );
    let past_due = std::fs::read_to_string(dir.path().join("out/past_due.csv")).unwrap();
    assert!(
        past_due.contains("\nSA-LID,2025-12,2025-11,2025-11-24,950,shortage,950,7,"),
        "{past_due}"
    );
    assert!(stderr(&o).contains("1 past-due releases"), "{}", stderr(&o));
}

#[test]
fn calendar_days_outside_the_plan_and_a_line_of_no_hours_are_warned() {
    let dir = small_folder();
    // The plan from the history is 2026-01..2026-12: two of the four days fall outside it
    // (a year typo and last year's holiday); L2 has no shifts.
    put(
        dir.path(),
        "calendar.csv",
        "line,date,hours,reason\n*,2025-12-25,0,Christmas\n*,2026-12-25,0,Christmas\n\
         L1,2062-03-02,0,typo\nL2,2026-03-02,16,overtime\n",
    );
    put(
        dir.path(),
        "lines.csv",
        "line,shifts_per_day,hours_per_shift,days_per_week,oee\nL1,1,8,5,0.8\nL2,0,8,5,0.75\n",
    );
    let calendar = "warning: calendar.csv: 2 of its 4 rows dated outside the plan's months \
                    2026-01..2026-12 (2025-12-25..2062-03-02): not used, they change no month's \
                    hours";
    let line = "warning: lines.csv:3: line L2 has shifts_per_day = 0: it has no hours but the \
                days calendar.csv gives it, so what is routed on it is over capacity in every \
                month without such a day";
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for w in [calendar, line] {
        assert!(stderr(&o).contains(w), "{w}\nin\n{}", stderr(&o));
    }
    assert!(
        stdout(&o).starts_with(".: no errors, 2 warnings above"),
        "{}",
        stdout(&o)
    );
    let o = run(
        dir.path(),
        &["capacity", "--data", ".", "--out", "out/capacity.csv"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for w in [calendar, line] {
        assert_eq!(stderr(&o).matches(w).count(), 1, "{w}\nin\n{}", stderr(&o));
    }
    // L2's only hours are the overtime day: 16 h in March, none in any other month.
    let csv = std::fs::read_to_string(dir.path().join("out/capacity.csv")).unwrap();
    let hours: Vec<&str> = csv
        .lines()
        .filter(|l| l.starts_with("L2,"))
        .map(|l| l.split(',').nth(3).unwrap())
        .collect();
    assert_eq!(hours.len(), 12);
    assert_eq!(hours[2], "16");
    assert!(
        hours.iter().enumerate().all(|(i, h)| i == 2 || *h == "0"),
        "{hours:?}"
    );
}
