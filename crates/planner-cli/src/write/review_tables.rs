//! The tables of the monthly forecast review (`planner review`): the CSV files of the review pack
//! and, from the same rows, the sheets of `review.xlsx`.
//!
//! Shares and percentages are written in percent (`_pct` columns, `12.5` = 12.5 %); errors are
//! forecast minus actual (positive = over-forecast).

use planner_core::forecast::Level;
use planner_core::review::{AccuracyRow, Pair, Review};

use super::tables::Table;
use super::{num, opt_num};

fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

fn pct(x: f64) -> String {
    num(100.0 * x, 2)
}

fn opt_pct(x: Option<f64>) -> String {
    x.map_or_else(String::new, pct)
}

/// The levels found in the rows, narrowest first.
fn levels<'a>(each: impl Iterator<Item = &'a Level>) -> Vec<Level> {
    let mut v: Vec<Level> = Vec::new();
    for &l in each {
        if !v.contains(&l) {
            v.push(l);
        }
    }
    v.sort_by(|a, b| a.percent().total_cmp(&b.percent()));
    v
}

/// `head`, then the cells `each` gives for every level, then `tail`: the layout of the tables
/// whose columns repeat per level, for their header and each of their rows.
fn by_level<C: IntoIterator<Item = String>>(
    head: Vec<String>,
    levels: &[Level],
    each: impl Fn(&Level) -> C,
    tail: impl IntoIterator<Item = String>,
) -> Vec<String> {
    let mut cells = head;
    cells.extend(levels.iter().flat_map(each));
    cells.extend(tail);
    cells
}

/// `review_accuracy.csv`: one row per lag and sku, family and total.
pub fn accuracy(review: &Review) -> Table {
    let lv = levels(
        review
            .accuracy
            .iter()
            .flat_map(|r| r.coverage.iter().map(|(l, _)| l)),
    );
    let h = by_level(
        header(&[
            "lag",
            "scope",
            "key",
            "family",
            "first_month",
            "last_month",
            "months",
            "sku_months",
            "actual",
            "forecast",
            "abs_error",
            "wape_pct",
            "wape_aggregate_pct",
            "bias",
            "bias_pct",
            "mad",
            "tracking_signal",
            "ts_alarm",
        ]),
        &lv,
        |l| [format!("inside_{}_pct", l.label())],
        header(&[
            "snaive_abs_error",
            "snaive_wape_pct",
            "fva_pct",
            "statistical_wape_pct",
            "fva_statistical_pct",
            "fva_final_pct",
        ]),
    );
    let rows = review
        .accuracy
        .iter()
        .map(|r: &AccuracyRow| {
            by_level(
                vec![
                    r.lag.to_string(),
                    r.scope.to_string(),
                    r.key.clone(),
                    r.family.clone(),
                    r.first.to_string(),
                    r.last.to_string(),
                    r.months.to_string(),
                    r.n.to_string(),
                    num(r.actual, 2),
                    num(r.forecast, 2),
                    num(r.abs_error, 2),
                    opt_pct(r.wape),
                    opt_pct(r.wape_aggregate),
                    num(r.bias, 2),
                    opt_pct(r.bias_pct),
                    num(r.mad, 2),
                    opt_num(r.tracking_signal, 2),
                    yes_no(r.alarm),
                ],
                &lv,
                |l| {
                    [opt_pct(
                        r.coverage.iter().find(|(x, _)| x == l).map(|(_, c)| *c),
                    )]
                },
                [
                    num(r.snaive_abs_error, 2),
                    opt_pct(r.snaive_wape),
                    opt_pct(r.fva),
                    opt_pct(r.statistical_wape),
                    opt_pct(r.fva_statistical),
                    opt_pct(r.fva_final),
                ],
            )
        })
        .collect();
    Table { header: h, rows }
}

/// `review_errors.csv`: every earlier forecast of a month that now has an actual.
pub fn errors(review: &Review) -> Table {
    let lv = levels(
        review
            .pairs
            .iter()
            .flat_map(|p| p.bounds.iter().map(|b| &b.level)),
    );
    let h = by_level(
        header(&[
            "vintage",
            "sku",
            "family",
            "month",
            "lag",
            "forecast",
            "actual",
            "error",
            "abs_error",
            "error_pct",
        ]),
        &lv,
        |l| {
            let l = l.label();
            [format!("lo_{l}"), format!("hi_{l}"), format!("inside_{l}")]
        },
        header(&["snaive", "snaive_error", "statistical", "planned"]),
    );
    let rows = review
        .pairs
        .iter()
        .map(|p: &Pair| {
            by_level(
                vec![
                    p.vintage.to_string(),
                    p.sku.clone(),
                    p.family.clone(),
                    p.month.to_string(),
                    p.lag.to_string(),
                    num(p.forecast, 2),
                    num(p.actual, 2),
                    num(p.error, 2),
                    num(p.error.abs(), 2),
                    opt_pct((p.actual != 0.0).then(|| p.error / p.actual)),
                ],
                &lv,
                |l| match p.bounds.iter().find(|b| b.level == *l) {
                    Some(b) => [num(b.lo, 2), num(b.hi, 2), yes_no(b.inside)],
                    None => [String::new(), String::new(), String::new()],
                },
                [
                    num(p.snaive, 2),
                    num(p.snaive - p.actual, 2),
                    opt_num(p.statistical, 2),
                    yes_no(p.planned),
                ],
            )
        })
        .collect();
    Table { header: h, rows }
}

/// `review_changes.csv`: this month's forecast against last month's, per sku and month.
pub fn changes(review: &Review) -> Table {
    let h = header(&[
        "sku",
        "family",
        "month",
        "fence_month",
        "previous",
        "current",
        "change",
        "change_pct",
        "status",
        "max_change_pct",
        "allowed",
        "excess",
        "violation",
    ]);
    let rows = review
        .changes
        .iter()
        .map(|c| {
            vec![
                c.sku.clone(),
                c.family.clone(),
                c.month.to_string(),
                c.fence_month.to_string(),
                num(c.previous, 2),
                num(c.current, 2),
                num(c.change, 2),
                opt_pct(c.change_pct),
                c.status.to_string(),
                opt_pct(c.max_change),
                opt_num(c.allowed, 2),
                opt_num(c.excess, 2),
                yes_no(c.violates()),
            ]
        })
        .collect();
    Table { header: h, rows }
}

/// `review_family_changes.csv`: the changes per family and month, then the total per month.
pub fn family_changes(review: &Review) -> Table {
    let h = header(&[
        "scope",
        "key",
        "month",
        "fence_month",
        "previous",
        "current",
        "change",
        "change_pct",
        "excess",
    ]);
    let rows = review
        .rollups
        .iter()
        .map(|r| {
            vec![
                r.scope.to_string(),
                r.key.clone(),
                r.month.to_string(),
                r.fence_month.to_string(),
                num(r.previous, 2),
                num(r.current, 2),
                num(r.change, 2),
                opt_pct(r.change_pct),
                num(r.excess, 2),
            ]
        })
        .collect();
    Table { header: h, rows }
}

/// `review_fences.csv`: every change beyond its time fence, largest excess first.
pub fn fences(review: &Review) -> Table {
    let h = header(&[
        "sku",
        "family",
        "month",
        "fence_month",
        "max_change_pct",
        "previous",
        "current",
        "change",
        "change_pct",
        "direction",
        "allowed",
        "excess",
    ]);
    let mut v: Vec<_> = review.violations.iter().collect();
    v.sort_by(|a, b| {
        b.excess
            .total_cmp(&a.excess)
            .then_with(|| a.sku.cmp(&b.sku))
            .then_with(|| a.month.cmp(&b.month))
    });
    let rows = v
        .into_iter()
        .map(|x| {
            vec![
                x.sku.clone(),
                x.family.clone(),
                x.month.to_string(),
                x.fence_month.to_string(),
                pct(x.max_change),
                num(x.previous, 2),
                num(x.current, 2),
                num(x.change, 2),
                opt_pct(x.change_pct),
                if x.change >= 0.0 { "up" } else { "down" }.to_string(),
                num(x.allowed, 2),
                num(x.excess, 2),
            ]
        })
        .collect();
    Table { header: h, rows }
}

/// `review_fence_summary.csv`: per time fence, then `total`: sku-months checked, violations and
/// the volume involved.
pub fn fence_summary(review: &Review) -> Table {
    let h = header(&[
        "fence",
        "from_month",
        "to_month",
        "max_change_pct",
        "sku_months",
        "previous",
        "current",
        "violations",
        "skus",
        "changed",
        "up",
        "down",
        "excess",
    ]);
    let total = |t: &planner_core::review::FenceTotal| {
        [
            t.violations.to_string(),
            t.skus.to_string(),
            num(t.changed, 2),
            num(t.up, 2),
            num(t.down, 2),
            num(t.excess, 2),
        ]
    };
    let mut rows: Vec<Vec<String>> = review
        .fences
        .iter()
        .map(|f| {
            let [a, b] = f.months;
            let mut r = vec![
                if a == b {
                    format!("month {a}")
                } else {
                    format!("months {a}-{b}")
                },
                a.to_string(),
                b.to_string(),
                pct(f.max_change),
                f.checked.to_string(),
                num(f.previous, 2),
                num(f.current, 2),
            ];
            r.extend(total(&f.total));
            r
        })
        .collect();
    let mut r = vec![
        "total".to_string(),
        String::new(),
        String::new(),
        String::new(),
        review
            .fences
            .iter()
            .map(|f| f.checked)
            .sum::<usize>()
            .to_string(),
        num(review.fences.iter().map(|f| f.previous).sum(), 2),
        num(review.fences.iter().map(|f| f.current).sum(), 2),
    ];
    r.extend(total(&review.fence_total));
    rows.push(r);
    Table { header: h, rows }
}

/// `review_waterfall.csv`: the lag-k waterfall of the families and the total: for each month
/// with an actual, what every vintage forecast for it (`lag` months ahead), the statistical
/// forecast of that vintage when archived, and the actual. A sku's own rows are in
/// `review_errors.csv`.
pub fn waterfall(review: &Review) -> Table {
    use std::collections::BTreeMap;
    type Key = (
        u8,
        String,
        planner_core::time::Month,
        planner_core::time::Month,
    );
    // (forecast, statistical (None when a pair lacks one), actual, lag)
    let mut cells: BTreeMap<Key, (f64, Option<f64>, f64, u32)> = BTreeMap::new();
    for p in &review.pairs {
        for key in [(0u8, "total".to_string()), (1u8, p.family.clone())] {
            let c = cells.entry((key.0, key.1, p.month, p.vintage)).or_insert((
                0.0,
                Some(0.0),
                0.0,
                p.lag,
            ));
            c.0 += p.forecast;
            c.1 = c.1.zip(p.statistical).map(|(a, b)| a + b);
            c.2 += p.actual;
        }
    }
    let rows = cells
        .into_iter()
        .map(|((scope, key, month, vintage), (f, st, a, lag))| {
            vec![
                if scope == 0 { "total" } else { "family" }.to_string(),
                key,
                month.to_string(),
                vintage.to_string(),
                lag.to_string(),
                num(f, 2),
                opt_num(st, 2),
                num(a, 2),
                num(f - a, 2),
            ]
        })
        .collect();
    Table {
        header: header(&[
            "scope",
            "key",
            "month",
            "vintage",
            "lag",
            "forecast",
            "statistical",
            "actual",
            "error",
        ]),
        rows,
    }
}

/// Every table of the review pack, with its file stem (`review_accuracy` ...), in the order of the
/// workbook's sheets.
pub fn all(review: &Review) -> Vec<(&'static str, Table)> {
    vec![
        ("review_accuracy", accuracy(review)),
        ("review_changes", changes(review)),
        ("review_fences", fences(review)),
        ("review_fence_summary", fence_summary(review)),
        ("review_family_changes", family_changes(review)),
        ("review_errors", errors(review)),
        ("review_waterfall", waterfall(review)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use planner_core::demand::DemandHistory;
    use planner_core::forecast::Forecast;
    use planner_core::review::{compare, ReviewSettings};
    use planner_core::settings::TimeFence;
    use planner_core::{DemandPlan, SkuPlan};

    fn plan(start: &str, point: Vec<f64>) -> DemandPlan {
        DemandPlan {
            start: start.parse().unwrap(),
            horizon: point.len(),
            levels: vec![],
            skus: vec![SkuPlan {
                sku: "A".into(),
                model: "test".into(),
                forecast: Forecast {
                    point,
                    intervals: vec![],
                },
            }],
            dependence: planner_core::uncertainty::Dependence::independent(),
        }
    }

    #[test]
    fn the_tables_show_percentages_and_the_fence_total() {
        let h = DemandHistory::from_records([("A", "2026-11".parse().unwrap(), 80.0)]).unwrap();
        let agreed = [TimeFence {
            months: [1, 2],
            max_change: 0.1,
        }];
        let r = compare(
            &[plan("2026-11", vec![100.0, 100.0, 100.0])],
            &plan("2026-12", vec![120.0, 105.0]),
            &h,
            &[],
            &agreed,
            &ReviewSettings::default(),
        )
        .unwrap();
        let a = accuracy(&r);
        let col = |t: &Table, name: &str| t.header.iter().position(|c| c == name).unwrap();
        let total = a.rows.iter().find(|row| row[1] == "total").unwrap();
        // 100 planned, 80 sold: WAPE 25 %, bias +20 (+25 %).
        assert_eq!(total[col(&a, "wape_pct")], "25");
        assert_eq!(total[col(&a, "bias")], "20");
        let f = fences(&r);
        assert_eq!(f.rows.len(), 1);
        // December 100 -> 120: 10 allowed, 10 beyond.
        assert_eq!(f.rows[0][col(&f, "excess")], "10");
        assert_eq!(f.rows[0][col(&f, "direction")], "up");
        let s = fence_summary(&r);
        assert_eq!(s.rows.last().unwrap()[0], "total");
        assert_eq!(s.rows.last().unwrap()[col(&s, "excess")], "10");
        for (_, t) in all(&r) {
            assert!(t.rows.iter().all(|row| row.len() == t.header.len()));
        }
    }
}
