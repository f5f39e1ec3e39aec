//! Issue 18: the planning arithmetic a planner checks by hand, through the real binary: the
//! operators and takt flags of `capacity.csv`, recommendations that read the build plan, release
//! dates in days with safety-stock top-ups apart from shortages, the order-basis pull-forward,
//! projected spend at the tier price times the index factor, and the scorecard's quote basis.

use super::*;

/// Cells of a CSV line, splitting on commas outside double quotes.
fn cells(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().expect("one cell").push(c),
        }
    }
    out
}

/// The cell of `column` in each data row of `csv`.
fn column(csv: &str, column: &str) -> Vec<String> {
    let mut lines = csv.lines();
    let header = cells(lines.next().expect("a header"));
    let i = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column} in {header:?}"));
    lines.map(|l| cells(l)[i].clone()).collect()
}

#[test]
fn an_overloaded_month_built_ahead_needs_no_shift_and_operators_follow_the_contract() {
    let dir = small_folder();
    christmas_2025(dir.path());
    // BTL-1 on L1 (1 shift of 8 h, Monday to Friday, OEE 0.8): weld 30 s staffed by 2, pack 20 s
    // by 1 (the default): labour content 2 * 30 + 20 = 80 s a unit.
    put(
        dir.path(),
        "routings.csv",
        "sku,line,station,cycle_seconds,operators\nBTL-1,L1,weld,30,2\nBTL-1,L1,pack,20,\n\
         HSG-1,L2,mould,60,\nHSG-1,L2,test,45,\n",
    );
    put(
        dir.path(),
        "plan.csv",
        "sku,month,quantity\nBTL-1,2025-12,10000\nBTL-1,2026-01,22000\n",
    );
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
    // December 2025: 22 working days (Christmas off), 176 h. 10,000 units: 10000 * 30 / 3600 /
    // 0.8 = 104.17 h (59 %); takt 176 * 3600 / 10000 = 63.36 s; operators ceil(80 / (63.36 *
    // 0.8)) = ceil(1.58) = 2. January 2026: 22 days, 176 h; 22,000 units: 229.17 h (130 %); takt
    // 28.8 s, below weld's 30 s: flagged; operators ceil(80 / (28.8 * 0.8)) = ceil(3.47) = 4. L2
    // has no demand: 0 operators.
    let csv = std::fs::read_to_string(dir.path().join("out/capacity.csv")).unwrap();
    assert_eq!(
        csv,
        "line,month,working_days,available_hours,demand_units,required_hours,utilization,\
         takt_seconds,bottleneck_seconds,operators_needed,labour_content_seconds,\
         slowest_station,slowest_station_seconds,bottleneck_above_takt\n\
         L1,2025-12,22,176,10000,104.17,0.5919,63.36,30,2,80,BTL-1/weld,30,no\n\
         L1,2026-01,22,176,22000,229.17,1.3021,28.8,30,4,80,BTL-1/weld,30,yes\n\
         L2,2025-12,22,352,0,0,0,,,0,,,,no\n\
         L2,2026-01,22,352,0,0,0,,,0,,,,no\n"
    );
    // January is 53.17 h over, beyond 15 % overtime (26.4 h), which alone would call for a second
    // shift. One unit takes 30 / 3600 / 0.8 h = 1/96 h: December's 71.83 spare hours build 6,896
    // more, and the build plan builds January's 53.17 h = 5,104 units there (holding 0.25 a unit
    // against 60 / 96 = 0.625 of overtime a unit).
    let build = std::fs::read_to_string(dir.path().join("out/build_plan.csv")).unwrap();
    assert!(
        build.contains("\nL1,BTL-1,2025-12,10000,15104,5104,0\n"),
        "{build}"
    );
    let recs = std::fs::read_to_string(dir.path().join("out/recommendations.csv")).unwrap();
    let messages = column(&recs, "message");
    let kinds = column(&recs, "kind");
    let jan: Vec<(&str, &str)> = kinds
        .iter()
        .zip(&messages)
        .filter(|(_, m)| m.starts_with("L1, 2026-01"))
        .map(|(k, m)| (k.as_str(), m.as_str()))
        .collect();
    assert_eq!(
        jan,
        [
            (
                "build_ahead",
                "L1, 2026-01: 130 % loaded, 53.2 h over; the build plan covers it with 5104 units \
                 built ahead in earlier months: no overtime or extra shift needed"
            ),
            (
                "station_above_takt",
                "L1, 2026-01: station weld of BTL-1 takes 30.0 s a unit, above the takt of 28.8 \
                 s; split its work or add a parallel station"
            ),
        ]
    );
    assert!(!kinds.iter().any(|k| k == "extra_shift"), "{recs}");
}

#[test]
fn releases_are_dated_in_days_and_top_ups_are_apart_from_shortages() {
    let dir = small_folder();
    put(
        dir.path(),
        "plan.csv",
        "sku,month,quantity\nBTL-1,2025-12,1000\nBTL-1,2026-01,1000\n",
    );
    // STEEL: 0.2 a bottle (200 a month), 31 days of lead time (a 2-month offset), safety stock
    // 100, MOQ 100 in multiples of 100, 250 on hand.
    put(
        dir.path(),
        "materials.csv",
        "material,lead_time_days,moq,order_multiple,unit_cost,on_hand,safety_stock\n\
         SA-LID,7,1,1,0.8,50,0\nRESIN,45,500,25,2.1,300,\nSTEEL,31,100,100,3.5,250,100\n",
    );
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
    // SA-LID (7 days): December's 950 short, due 2025-12-01 - 7 d = 2025-11-24, before the plan:
    // an expedite, 7 days late. January's 1000 is due 2026-01-01 - 7 = 2025-12-25.
    // STEEL: December 250 on hand covers the 200 needed, but leaves 50 of the 100 safety stock:
    // 100 (the MOQ) due 2025-12-01 - 31 = 2025-10-31, past due, a top-up, not a shortage.
    // January: 150 for 200 + 100: 200 due 2026-01-01 - 31 = 2025-12-01, the plan's first day: on
    // time, although its 2-month offset falls in November (a past-due release by months).
    let csv = std::fs::read_to_string(dir.path().join("out/material_plan.csv")).unwrap();
    assert_eq!(
        csv,
        "material,month,gross_requirement,scheduled_receipts,projected_on_hand,net_requirement,\
         planned_receipt,planned_release,release_date,past_due,safety_stock\n\
         SA-LID,2025-12,1000,0,0,950,950,1000,2025-12-25,950,0\n\
         SA-LID,2026-01,1000,0,0,1000,1000,0,,0,0\n\
         STEEL,2025-12,200,0,150,50,100,200,2025-12-01,100,100\n\
         STEEL,2026-01,200,0,150,150,200,0,,0,100\n\
         RESIN,2025-12,58.5,0,241.5,0,0,0,,0,0\n\
         RESIN,2026-01,0,0,241.5,0,0,0,,0,0\n"
    );
    let past_due = std::fs::read_to_string(dir.path().join("out/past_due.csv")).unwrap();
    assert_eq!(
        past_due,
        "material,needed_month,release_month,release_date,quantity,kind,short_quantity,\
         days_late,value\n\
         SA-LID,2025-12,2025-11,2025-11-24,950,shortage,950,7,760\n\
         STEEL,2025-12,2025-10,2025-10-31,100,safety_stock_top_up,0,31,350\n"
    );
    assert!(
        stderr(&o)
            .contains("1 past-due releases worth 760 (1 more top up safety stock only, worth 350)"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains(
            "expedite SA-LID: 950 units needed 2025-12 should have been released 2025-11-24 \
             (7 days late, worth 760)"
        ),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("expedite STEEL"), "{}", stderr(&o));
}

#[test]
fn an_order_basis_pull_forward_pays_for_holding_from_the_order_s_arrival() {
    let dir = small_folder();
    // HSG-1 per order: 4.80 below 2,000 units, 4.78 from 2,000; 500 a month.
    put(
        dir.path(),
        "price_tiers.csv",
        "sku,min_qty,unit_price,basis\nBTL-1,0,9.8,annual\nHSG-1,0,4.80,order\n\
         HSG-1,2000,4.78,order\n",
    );
    put(
        dir.path(),
        "plan.csv",
        &(1..=12)
            .map(|m| format!("HSG-1,2026-{m:02},500\n"))
            .fold("sku,month,quantity\n".to_string(), |a, l| a + &l),
    );
    let o = run(
        dir.path(),
        &[
            "price",
            "--data",
            ".",
            "--demand",
            "plan.csv",
            "--out",
            "out/pricing.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // D = 6,000, S = 150, r = 0.24. At 4.80 the EOQ is sqrt(2 * 6000 * 150 / 1.152) = 1,250:
    // 28,800 + 720 + 720 = 30,240. Orders of 2,000 at 4.78: 28,680 + 450 + 1,147.20 = 30,277.20,
    // dearer. So orders cover ceil(1250 / 500) = 3 months: 1,500 units at 4.80.
    let sizing = std::fs::read_to_string(dir.path().join("out/order_sizing.csv")).unwrap();
    assert!(
        sizing.contains("\nHSG-1,6000,1250,4.8,4.8,28800,720,720,30240\n"),
        "{sizing}"
    );
    // 500 more units reach 2,000 and save 2,000 * 0.02 = 40. They arrive with the order at the
    // start of its 3 months and wait for its 1,500 units to be used: held (1500 + 500 / 2) / 500
    // = 3.5 months, 0.24 * 4.78 * 500 * 3.5 / 12 = 167.30 of holding. It does not pay (counted
    // from the period's end, 0.5 months and 23.90, it would have).
    let pricing = std::fs::read_to_string(dir.path().join("out/pricing.csv")).unwrap();
    let period = column(&pricing, "period");
    let i = period.iter().position(|p| p == "2026-01..2026-03").unwrap();
    assert_eq!(column(&pricing, "volume")[i], "1500");
    assert_eq!(column(&pricing, "units_to_next_tier")[i], "500");
    assert_eq!(column(&pricing, "saving_total")[i], "40");
    assert_eq!(column(&pricing, "pull_forward_holding_cost")[i], "167.3");
    assert_eq!(column(&pricing, "pull_forward_pays")[i], "no");
    assert!(
        !stderr(&o).contains("tier within reach: HSG-1"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_scorecard_quotes_on_the_pricing_year_not_a_trailing_window() {
    let dir = small_folder();
    // BTL-1: 9.80 below 1,500 units a year, 9.40 from 1,500. Plans start in 2026-01 (the
    // month after the history), so pricing years run 2025-01..2025-12 going back. BTL-1 sold
    // 100 + i a month (i = 12..23 in 2025; 150 + i from October): 1,044 + 516 = 1,560 units in
    // 2025, the 9.40 tier. The 12 months trailing March 2025 hold only 1,452 (9.80).
    put(
        dir.path(),
        "price_tiers.csv",
        "sku,min_qty,unit_price\nBTL-1,0,9.8\nBTL-1,1500,9.4\nHSG-1,0,12\n",
    );
    put(
        dir.path(),
        "deliveries.csv",
        "po,sku,due_date,delivered_date,quantity,unit_price\nP1,BTL-1,2025-03-10,2025-03-10,100,9.40\n",
    );
    let o = run(dir.path(), &["scorecard", "--data", ".", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let card = std::fs::read_to_string(dir.path().join("out/scorecard.csv")).unwrap();
    let months = column(&card, "month");
    let families = column(&card, "family");
    let i = months
        .iter()
        .zip(&families)
        .position(|(m, f)| m == "2025-03" && f == "(all)")
        .unwrap();
    // Quoted 9.40, paid 9.40: no variance, no breach (the trailing window said -4.1 %).
    assert_eq!(column(&card, "price_quoted")[i], "9.4");
    assert_eq!(column(&card, "price_variance")[i], "0");
    assert_eq!(column(&card, "missed")[i], "");
}
