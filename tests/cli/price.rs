//! `planner price` through the real binary: tiers, and index-linked price reviews.

use super::*;

#[test]
fn index_linked_prices_follow_the_review_policy() {
    let dir = small_folder();
    put(
        dir.path(),
        "plan.csv",
        "sku,month,quantity\nBTL-1,2026-01,100\nBTL-1,2026-02,100\nBTL-1,2026-03,100\n\
         BTL-1,2026-04,100\nBTL-1,2026-05,100\nBTL-1,2026-06,100\n",
    );
    put(
        dir.path(),
        "cost_breakdown.csv",
        "sku,component,amount,index\nBTL-1,material,5.0,resin\nBTL-1,labor,4.0,\n",
    );
    put(
        dir.path(),
        "indices.csv",
        "index,month,value\nresin,2026-01,100\nresin,2026-03,120\n",
    );
    put(
        dir.path(),
        "planner.toml",
        "[pricing.review]\nfixed_months = 0\nevery_months = 3\npass_through = 0.5\n",
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
    // Reviews at months 0 and 3 of the plan. At 2026-04 resin stands at 120 (held flat from
    // 2026-03, its last value, as the summary says): the material part moves 5.0 * (1 + 0.5 *
    // 0.2) = 5.5, the breakdown 9.0 -> 9.5, a factor of 9.5 / 9 = 1.055556 on the tier price
    // reached, 9.40 (600 units at a run rate of 1,200 reach the 1,000 tier): 9.9222.
    // Spend: 3 * 100 * 9.40 + 3 * 100 * 9.9222 = 5796.67 against pricing.csv's 5640.
    let proj = std::fs::read_to_string(dir.path().join("out/price_projection.csv")).unwrap();
    let lines: Vec<&str> = proj.lines().collect();
    assert_eq!(
        lines[0],
        "sku,month,quantity,tier_unit_price,index_factor,unit_price,spend,spend_change_vs_base,\
         index_held_flat"
    );
    assert_eq!(lines[3], "BTL-1,2026-03,100,9.4,1,9.4,940,0,no");
    assert_eq!(
        lines[4],
        "BTL-1,2026-04,100,9.4,1.055556,9.9222,992.22,52.22,yes"
    );
    assert!(
        stderr(&o).contains("index-linked prices: spend 5797 against 5640 at the tier prices"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains(
            "index outlook resin: values given ahead to 2026-03; held flat at 120 from 2026-04 \
             (3 months)"
        ),
        "{}",
        stderr(&o)
    );
    // The tiers: 600 units of BTL-1 over a partial period, priced on the annualised run rate.
    let pricing = std::fs::read_to_string(dir.path().join("out/pricing.csv")).unwrap();
    assert!(pricing.starts_with(
        "sku,period,volume,tier_min_qty,unit_price,spend,next_tier_min_qty,next_tier_unit_price,"
    ));
    assert!(
        pricing.contains("\nBTL-1,2026-01..2026-06 (partial),600,1000,9.4,5640,"),
        "{pricing}"
    );
}

#[test]
fn order_basis_skus_get_an_economic_order_quantity() {
    let dir = small_folder();
    // HSG-1 priced per order: 12.00 below 200 units, 11.00 from 200.
    put(
        dir.path(),
        "price_tiers.csv",
        "sku,min_qty,unit_price,basis\nBTL-1,0,9.8,annual\nHSG-1,0,12,order\nHSG-1,200,11,order\n",
    );
    put(
        dir.path(),
        "plan.csv",
        &(1..=12)
            .map(|m| format!("HSG-1,2026-{m:02},100\n"))
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
    let sizing = std::fs::read_to_string(dir.path().join("out/order_sizing.csv")).unwrap();
    // D = 1200 a year, order cost 150, holding 24 % a year. At 11.00: EOQ = sqrt(2 * 1200 *
    // 150 / (0.24 * 11)) = 369.3, inside the 200+ tier, so feasible: 3.25 orders a year.
    // Total: 1200 * 11 + 150 * 1200 / 369.275 + 0.24 * 11 * 369.275 / 2 = 13,200 + 487.44 + 487.44.
    let row = sizing.lines().nth(1).unwrap();
    assert!(
        row.starts_with("HSG-1,1200,369.27,11,3.25,13200,487.44,487.44,14174.88"),
        "{sizing}"
    );
}

#[test]
fn a_bad_index_value_names_its_line() {
    let dir = small_folder();
    put(
        dir.path(),
        "cost_breakdown.csv",
        "sku,component,amount,index\nBTL-1,material,5.0,resin\n",
    );
    put(
        dir.path(),
        "indices.csv",
        "index,month,value\nresin,2026-01,0\n",
    );
    let o = run(
        dir.path(),
        &["price", "--data", ".", "--out", "out/pricing.csv"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).ends_with("error: indices.csv:2: column value: 0 is not a number above zero\n"),
        "{}",
        stderr(&o)
    );
}
