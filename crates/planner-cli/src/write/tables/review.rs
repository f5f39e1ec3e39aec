//! The tables of the monthly forecast review (`planner review`): the CSV files of the review pack
//! and, from the same rows, the sheets of `review.xlsx`.
//!
//! Shares and percentages are written in percent in CSV (`_pct` columns, `12.5` = 12.5 %) and as
//! the workbooks' one percentage convention in the sheets (the fraction, shown `12.5%`); errors
//! are forecast minus actual (positive = over-forecast).

use planner_core::forecast::Level;
use planner_core::review::{AccuracyRow, FenceHold, FenceTotal, HoldKind, Pair, Review};
use planner_core::time::Month;

use super::{header, Cell, Table};

/// A share in percent points with 2 decimals in CSV (`12.5`), a percentage in the workbook.
fn pct(x: impl Into<Option<f64>>) -> Cell {
    Cell::points(x, 2)
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
fn by_level<T, C: IntoIterator<Item = T>>(
    head: Vec<T>,
    levels: &[Level],
    each: impl Fn(&Level) -> C,
    tail: impl IntoIterator<Item = T>,
) -> Vec<T> {
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
                    Cell::int(r.lag),
                    Cell::text(r.scope.to_string()),
                    Cell::text(&r.key),
                    Cell::text(&r.family),
                    Cell::month(r.first),
                    Cell::month(r.last),
                    Cell::size(r.months),
                    Cell::size(r.n),
                    Cell::count(r.actual, 2),
                    Cell::count(r.forecast, 2),
                    Cell::count(r.abs_error, 2),
                    pct(r.wape),
                    pct(r.wape_aggregate),
                    Cell::count(r.bias, 2),
                    pct(r.bias_pct),
                    Cell::count(r.mad, 2),
                    Cell::number(r.tracking_signal, 2),
                    Cell::yes_no(r.alarm),
                ],
                &lv,
                |l| {
                    [pct(r
                        .coverage
                        .iter()
                        .find(|(x, _)| x == l)
                        .map(|(_, c)| *c))]
                },
                [
                    Cell::count(r.snaive_abs_error, 2),
                    pct(r.snaive_wape),
                    pct(r.fva),
                    pct(r.statistical_wape),
                    pct(r.fva_statistical),
                    pct(r.fva_final),
                ],
            )
        })
        .collect();
    Table::new(h, rows)
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
                    Cell::month(p.vintage),
                    Cell::text(&p.sku),
                    Cell::text(&p.family),
                    Cell::month(p.month),
                    Cell::int(p.lag),
                    Cell::count(p.forecast, 2),
                    Cell::count(p.actual, 2),
                    Cell::count(p.error, 2),
                    Cell::count(p.error.abs(), 2),
                    pct((p.actual != 0.0).then(|| p.error / p.actual)),
                ],
                &lv,
                |l| match p.bounds.iter().find(|b| b.level == *l) {
                    Some(b) => [
                        Cell::count(b.lo, 2),
                        Cell::count(b.hi, 2),
                        Cell::yes_no(b.inside),
                    ],
                    None => [Cell::Empty, Cell::Empty, Cell::Empty],
                },
                [
                    Cell::count(p.snaive, 2),
                    Cell::count(p.snaive - p.actual, 2),
                    Cell::count(p.statistical, 2),
                    Cell::yes_no(p.planned),
                ],
            )
        })
        .collect();
    Table::new(h, rows)
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
        "agreed",
    ]);
    let rows = review
        .changes
        .iter()
        .map(|c| {
            vec![
                Cell::text(&c.sku),
                Cell::text(&c.family),
                Cell::month(c.month),
                Cell::int(c.fence_month),
                Cell::count(c.previous, 2),
                Cell::count(c.current, 2),
                Cell::count(c.change, 2),
                pct(c.change_pct),
                Cell::text(c.status.to_string()),
                pct(c.max_change),
                Cell::count(c.allowed, 2),
                Cell::count(c.excess, 2),
                Cell::yes_no(c.violates()),
                Cell::yes_no(c.agreed),
            ]
        })
        .collect();
    Table::new(h, rows)
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
                Cell::text(r.scope.to_string()),
                Cell::text(&r.key),
                Cell::month(r.month),
                Cell::int(r.fence_month),
                Cell::count(r.previous, 2),
                Cell::count(r.current, 2),
                Cell::count(r.change, 2),
                pct(r.change_pct),
                Cell::count(r.excess, 2),
            ]
        })
        .collect();
    Table::new(h, rows)
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
                Cell::text(&x.sku),
                Cell::text(&x.family),
                Cell::month(x.month),
                Cell::int(x.fence_month),
                pct(x.max_change),
                Cell::count(x.previous, 2),
                Cell::count(x.current, 2),
                Cell::count(x.change, 2),
                pct(x.change_pct),
                Cell::text(if x.change >= 0.0 { "up" } else { "down" }),
                Cell::count(x.allowed, 2),
                Cell::count(x.excess, 2),
            ]
        })
        .collect();
    Table::new(h, rows)
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
    let total = |t: &FenceTotal| {
        [
            Cell::size(t.violations),
            Cell::size(t.skus),
            Cell::count(t.changed, 2),
            Cell::count(t.up, 2),
            Cell::count(t.down, 2),
            Cell::count(t.excess, 2),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = review
        .fences
        .iter()
        .map(|f| {
            let [a, b] = f.months;
            let mut r = vec![
                Cell::text(if a == b {
                    format!("month {a}")
                } else {
                    format!("months {a}-{b}")
                }),
                Cell::int(a),
                Cell::int(b),
                pct(f.max_change),
                Cell::size(f.checked),
                Cell::count(f.previous, 2),
                Cell::count(f.current, 2),
            ];
            r.extend(total(&f.total));
            r
        })
        .collect();
    let mut r = vec![
        Cell::text("total"),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::size(review.fences.iter().map(|f| f.checked).sum::<usize>()),
        Cell::count(review.fences.iter().map(|f| f.previous).sum::<f64>(), 2),
        Cell::count(review.fences.iter().map(|f| f.current).sum::<f64>(), 2),
    ];
    r.extend(total(&review.fence_total));
    rows.push(r);
    Table::new(h, rows)
}

/// `review_waterfall.csv`: the lag-k waterfall of the families and the total: for each month
/// with an actual, what every vintage forecast for it (`lag` months ahead), the statistical
/// forecast of that vintage when archived, and the actual. A sku's own rows are in
/// `review_errors.csv`.
pub fn waterfall(review: &Review) -> Table {
    use std::collections::BTreeMap;
    type Key = (u8, String, Month, Month);
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
                Cell::text(if scope == 0 { "total" } else { "family" }),
                Cell::Text(key),
                Cell::month(month),
                Cell::month(vintage),
                Cell::int(lag),
                Cell::count(f, 2),
                Cell::count(st, 2),
                Cell::count(a, 2),
                Cell::count(f - a, 2),
            ]
        })
        .collect();
    Table::new(
        header(&[
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
    )
}

/// `fence_holds.csv`: every sku-month the time fences held, with the units moved.
pub fn fence_holds(holds: &[FenceHold]) -> Table {
    let header = [
        "sku",
        "month",
        "fence_month",
        "max_change",
        "published",
        "unconstrained",
        "held",
        "moved",
        "kind",
    ]
    .map(String::from)
    .to_vec();
    let rows = holds
        .iter()
        .map(|h| {
            vec![
                Cell::text(&h.sku),
                Cell::month(h.month),
                Cell::int(h.fence_month),
                Cell::ratio(h.max_change, 4),
                Cell::count(h.published, 2),
                Cell::count(h.unconstrained, 2),
                Cell::count(h.held, 2),
                Cell::count(h.moved, 2),
                Cell::text(match h.kind {
                    HoldKind::Frozen => "frozen",
                    HoldKind::Clamped => "clamped",
                    HoldKind::Agreed => "agreed",
                }),
            ]
        })
        .collect();
    Table::new(header, rows)
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
