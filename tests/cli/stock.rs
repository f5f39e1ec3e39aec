//! Finished goods (inventory.csv) and open orders (open_orders.csv) netted before capacity and
//! materials, through the real binary, checked by hand.

use super::*;

/// The small folder with a fixed plan (1000 units of BTL-1 in 2025-12 and 2026-01), 300 of BTL-1
/// on hand, a production order of 200 due 2026-01, two purchase orders of STEEL and a late one
/// of RESIN.
fn stocked_folder() -> tempfile::TempDir {
    let dir = small_folder();
    christmas_2025(dir.path());
    put(
        dir.path(),
        "plan.csv",
        "sku,month,quantity\nBTL-1,2025-12,1000\nBTL-1,2026-01,1000\n",
    );
    put(dir.path(), "inventory.csv", "sku,on_hand\nBTL-1,300\n");
    put(
        dir.path(),
        "open_orders.csv",
        "item,quantity,due_month,due_date,po\n\
         BTL-1,200,2026-01,,MO-1\n\
         STEEL,1000,,2025-12-15,PO-1\n\
         STEEL,500,2026-01,,PO-2\n\
         RESIN,100,2025-11,,PO-3\n\
         RESIN,100,2026-03,,PO-4\n",
    );
    dir
}

#[test]
fn capacity_builds_the_demand_net_of_stock_and_open_orders() {
    let dir = stocked_folder();
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
    // December: 300 on hand, 700 to build. January: nothing left, the order of 200 is built
    // with 800 more: 1000. Required hours 700 * 30 / 3600 / 0.8 = 7.29 and 10.42 (176 h each);
    // takt 176 * 3600 / 700 = 905.14 s.
    let csv = std::fs::read_to_string(dir.path().join("out/capacity.csv")).unwrap();
    assert!(
        csv.contains("\nL1,2025-12,22,176,700,7.29,0.0414,905.14,30,1,"),
        "{csv}"
    );
    assert!(
        csv.contains("\nL1,2026-01,22,176,1000,10.42,0.0592,633.6,30,1,"),
        "{csv}"
    );
    // The late purchase order is counted in the first month, and said.
    assert!(
        stderr(&o)
            .contains("open_orders.csv: 1 order due before 2025-12 counted as arriving in 2025-12"),
        "{}",
        stderr(&o)
    );
    // One beyond the plan's last month (2026-01) is outside the horizon, and said.
    assert!(
        stderr(&o).contains(
            "open_orders.csv: 1 order due after 2026-01, the plan's last month, not counted"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn materials_see_several_open_orders_per_item_and_the_netted_builds() {
    let dir = stocked_folder();
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
    let mp = Csv::read(&dir.path().join("out/material_plan.csv"));
    let row = |material: &str, month: &str| {
        mp.rows
            .iter()
            .find(|r| mp.get(r, "material") == material && mp.get(r, "month") == month)
            .unwrap_or_else(|| panic!("{material} {month}"))
    };
    // STEEL: 0.2 a unit built: 700 * 0.2 = 140 and 1000 * 0.2 = 200; both orders arrive in
    // their months (the one by date in December).
    let dec = row("STEEL", "2025-12");
    assert_eq!(mp.get(dec, "gross_requirement"), "140");
    assert_eq!(mp.get(dec, "scheduled_receipts"), "1000");
    // 800 on hand + 1000 - 140 = 1660.
    assert_eq!(mp.get(dec, "projected_on_hand"), "1660");
    let jan = row("STEEL", "2026-01");
    assert_eq!(mp.get(jan, "gross_requirement"), "200");
    assert_eq!(mp.get(jan, "scheduled_receipts"), "500");
    assert_eq!(mp.get(jan, "projected_on_hand"), "1960");
    // RESIN's late order arrives in the first month.
    assert_eq!(mp.get(row("RESIN", "2025-12"), "scheduled_receipts"), "100");
}

#[test]
fn the_plan_writes_the_production_record() {
    let dir = stocked_folder();
    std::fs::remove_file(dir.path().join("plan.csv")).unwrap();
    let o = run(dir.path(), &["plan", "--data", ".", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fc = Csv::read(&dir.path().join("out/forecast.csv"));
    let pp = Csv::read(&dir.path().join("out/production_plan.csv"));
    assert_eq!(
        pp.header,
        [
            "sku",
            "month",
            "demand",
            "on_hand_start",
            "open_orders",
            "planned",
            "production",
            "on_hand_end"
        ]
    );
    // BTL-1's record, month by month, from its forecast: stock first, then builds.
    let f: Vec<f64> = fc
        .rows
        .iter()
        .filter(|r| fc.get(r, "sku") == "BTL-1")
        .map(|r| fc.get(r, "forecast").parse().unwrap())
        .collect();
    let rows: Vec<_> = pp
        .rows
        .iter()
        .filter(|r| pp.get(r, "sku") == "BTL-1")
        .collect();
    assert_eq!(rows.len(), f.len());
    let mut stock = 300.0;
    for (t, r) in rows.iter().enumerate() {
        let due = if pp.get(r, "month") == "2026-01" {
            200.0
        } else {
            0.0
        };
        let planned = (f[t] - stock - due).max(0.0);
        let v = |c: &str| pp.get(r, c).parse::<f64>().unwrap();
        assert!((v("on_hand_start") - stock).abs() < 0.05, "month {t}");
        assert!(
            (v("planned") - planned).abs() < 0.05,
            "month {t}: {r:?} vs {planned} from {f:?}"
        );
        assert!((v("production") - planned - due).abs() < 0.05, "month {t}");
        stock += due + planned - f[t];
    }
    // HSG-1 has neither stock nor orders: production is its demand.
    let hsg = pp
        .rows
        .iter()
        .find(|r| pp.get(r, "sku") == "HSG-1")
        .unwrap();
    assert_eq!(pp.get(hsg, "production"), pp.get(hsg, "demand"));
}

#[test]
fn bad_stock_files_are_errors_naming_their_line() {
    let cases = [
        (
            "open_orders.csv",
            "item,quantity,due_month\nNOPE,5,2026-01\n",
            "open_orders.csv:2: column item: \"NOPE\" is not in materials.csv or a sku of the plan",
        ),
        (
            "open_orders.csv",
            "item,quantity\nSTEEL,5\n",
            "open_orders.csv:1: missing column due_month or due_date",
        ),
        (
            "open_orders.csv",
            "item,quantity,due_month\nSTEEL,-5,2026-01\n",
            "open_orders.csv:2: column quantity: -5 is not a non-negative number",
        ),
        (
            "open_orders.csv",
            "item,quantity,due_month\nSTEEL,5,\n",
            "open_orders.csv:2: column due_month: is empty",
        ),
        (
            "open_orders.csv",
            "item,quantity,due_month,po\nSTEEL,5,2026-01,PO-1\nSTEEL,6,2026-02,PO-1\n",
            "open_orders.csv:3: column po: \"STEEL / PO-1\" is already defined on line 2",
        ),
        (
            "open_orders.csv",
            "item,quantity,due_month,due_date\nSTEEL,5,2026-01,2026-02-03\n",
            "open_orders.csv:2: column due_date: 2026-02-03 is not in due_month 2026-01",
        ),
        (
            "inventory.csv",
            "sku,on_hand\nBTL-1,5\nBTL-1,6\n",
            "inventory.csv:3: column sku: \"BTL-1\" is already defined on line 2",
        ),
        (
            "inventory.csv",
            "sku,on_hand\nGHOST,5\n",
            "inventory.csv:2: column sku: \"GHOST\" is not in the demand history",
        ),
    ];
    for (file, text, expected) in cases {
        let dir = small_folder();
        put(dir.path(), file, text);
        let o = run(dir.path(), &["validate", "--data", "."]);
        assert_eq!(o.status.code(), Some(1), "{file}: {text}");
        assert!(stderr(&o).contains(expected), "{expected}\n{}", stderr(&o));
        let o = run(dir.path(), &["plan", "--data", ".", "--out", "out"]);
        assert_eq!(o.status.code(), Some(1), "{file}: {text}");
        assert!(!dir.path().join("out").exists(), "nothing written");
    }
}

#[test]
fn a_materials_on_order_month_before_the_plan_is_said() {
    let dir = small_folder();
    // The small folder plans from 2026-01; RESIN's 500 on order were due in 2025-03.
    put(
        dir.path(),
        "materials.csv",
        "material,lead_time_days,moq,order_multiple,unit_cost,on_hand,on_order,on_order_month\n\
         SA-LID,7,1,1,0.8,50,,\nRESIN,45,500,25,2.1,300,500,2025-03\nSTEEL,60,1000,100,3.5,800,,\n",
    );
    let o = run(dir.path(), &["materials", "--data", ".", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "warning: materials.csv: 1 material on order for a month before 2026-01 counted as \
             arriving in 2026-01: late, not lost (\"RESIN\")"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn validate_lists_orders_and_events_outside_the_plan() {
    let dir = small_folder();
    // The small folder plans 2026-01..2026-12: one order due before it, one after it; an event
    // of 2019 and one of 2031.
    put(
        dir.path(),
        "open_orders.csv",
        "item,quantity,due_month,po\nBTL-1,100,2025-06,PO-1\nBTL-1,100,2027-03,PO-2\nRESIN,500,2026-02,PO-3\n",
    );
    put(
        dir.path(),
        "events.csv",
        "sku,month,kind,value,note\nBTL-1,2019-03,multiplier,2,old\nBTL-1,2031-01,add,5,far\nBTL-1,2026-02,multiplier,1.3,promo\n",
    );
    let o = run(dir.path(), &["validate", "--data", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    for w in [
        "warning: open_orders.csv: 1 order due before 2026-01 counted as arriving in 2026-01",
        "warning: open_orders.csv: 1 order due after 2026-12, the plan's last month, not counted",
        "warning: events.csv: 2 events outside the plan's months 2026-01..2026-12: they change nothing",
    ] {
        assert!(err.contains(w), "{w}\nin\n{err}");
    }
    assert!(
        stdout(&o).starts_with(".: no errors, 3 warnings above"),
        "{}",
        stdout(&o)
    );
}
