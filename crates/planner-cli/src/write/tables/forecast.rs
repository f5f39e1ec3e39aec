//! The demand plan's tables: `forecast.csv` (with `--quantiles`, its `q_P` columns),
//! `families.csv`, `segments.csv` and the report's ABC×XYZ matrix.

use planner_core::forecast::{Level, Quantile};
use planner_core::segments::{Segmentation, ValueClass};
use planner_core::DemandPlan;

use super::{header, Cell, Rows, Table};

/// `forecast.csv`: `sku, month, forecast, lo_L, hi_L..., model`.
pub fn forecast(plan: &DemandPlan) -> Table {
    forecast_rows(plan, &plan.levels, &[]).table()
}

/// `forecast.csv` with the ranges of `levels` only and a `q_P` column per quantile
/// (`planner forecast --quantiles`), before `model`. `plan` must have been forecast with
/// every level the quantiles need (`planner_core::forecast::levels_for`).
pub fn forecast_with_quantiles(
    plan: &DemandPlan,
    levels: &[Level],
    quantiles: &[Quantile],
) -> Table {
    forecast_rows(plan, levels, quantiles).table()
}

/// [`forecast_with_quantiles`] made row by row.
pub fn forecast_rows<'a>(
    plan: &'a DemandPlan,
    levels: &'a [Level],
    quantiles: &'a [Quantile],
) -> Rows<'a> {
    forecast_rows_of(plan, plan.skus.iter(), levels, quantiles)
}

/// [`forecast_rows`] of the skus `skus` over `plan`'s months (`statistical.csv`: the plan's
/// skus, some of them as forecast before events, without a copy of the plan).
pub fn forecast_rows_of<'a>(
    plan: &'a DemandPlan,
    skus: impl Iterator<Item = &'a planner_core::SkuPlan> + 'a,
    levels: &'a [Level],
    quantiles: &'a [Quantile],
) -> Rows<'a> {
    let mut h = header(&["sku", "month", "forecast"]);
    for l in levels {
        h.push(format!("lo_{}", l.label()));
        h.push(format!("hi_{}", l.label()));
    }
    for q in quantiles {
        h.push(format!("q_{}", q.label()));
    }
    h.push("model".into());
    let rows = skus.flat_map(move |s| {
        let qs: Vec<Option<Vec<f64>>> = quantiles.iter().map(|&q| s.forecast.quantile(q)).collect();
        plan.months().enumerate().map(move |(t, month)| {
            let mut r = Vec::with_capacity(4 + 2 * levels.len() + qs.len());
            r.extend([
                Cell::text(&s.sku),
                Cell::month(month),
                Cell::count(s.forecast.point[t], 2),
            ]);
            for l in levels {
                r.push(Cell::count(s.lo(*l, t), 2));
                r.push(Cell::count(s.hi(*l, t), 2));
            }
            for q in &qs {
                r.push(Cell::count(q.as_ref().and_then(|v| v.get(t).copied()), 2));
            }
            r.push(Cell::text(&s.model));
            r
        })
    });
    Rows::new(h, rows)
}

/// `families.csv`: each family's volume over the horizon and the plan's, with ranges that are
/// quantiles of the totals under the plan's uncertainty model.
pub fn families(plan: &DemandPlan) -> Table {
    let mut header: Vec<String> = ["family", "skus", "volume"].map(String::from).to_vec();
    for l in &plan.levels {
        header.push(format!("lo_{}", l.label()));
        header.push(format!("hi_{}", l.label()));
    }
    let rows = plan
        .family_totals()
        .into_iter()
        .map(|f| {
            let mut r = vec![
                Cell::Text(f.family),
                Cell::size(f.skus),
                Cell::count(f.volume, 2),
            ];
            for (_, lo, hi) in f.ranges {
                r.push(Cell::count(lo, 2));
                r.push(Cell::count(hi, 2));
            }
            r
        })
        .collect();
    Table::new(header, rows)
}

/// `segments.csv`: each sku's ABC/XYZ classes with the figures behind them, by value.
pub fn segments_rows(s: &planner_core::segments::Segmentation) -> Rows<'_> {
    let header = [
        "sku",
        "family",
        "abc",
        "xyz",
        "class",
        "volume",
        "value",
        "valued_at",
        "value_share",
        "cumulative_share",
        "cv",
        "history_months",
        "pattern",
    ]
    .map(String::from)
    .to_vec();
    let rows = s.rows.iter().map(|r| {
        vec![
            Cell::text(&r.sku),
            Cell::text(&r.family),
            Cell::text(r.abc.to_string()),
            Cell::opt_text(r.xyz.map(|x| x.to_string())),
            Cell::text(r.class()),
            Cell::count(r.volume, 2),
            Cell::number(r.value, 2),
            Cell::text(if r.priced { "tier_price" } else { "unit" }),
            Cell::ratio(r.value_share, 4),
            Cell::ratio(r.cumulative_share, 4),
            Cell::number(r.cv, 3),
            Cell::size(r.history_months),
            Cell::opt_text(r.pattern.map(|p| p.to_string())),
        ]
    });
    Rows::new(header, rows)
}

/// The ABC×XYZ count matrix of the report: a row per value class (and the total), the skus in
/// each variability class, those without one, and the class's share of value.
pub fn segment_matrix(s: &Segmentation) -> Table {
    let header = [
        "abc",
        "X",
        "Y",
        "Z",
        "no XYZ (short history)",
        "skus",
        "value_share",
    ]
    .map(String::from)
    .to_vec();
    let m = s.matrix();
    let shares = s.class_shares();
    let mut rows: Vec<Vec<Cell>> = ValueClass::ALL
        .iter()
        .map(|c| {
            let counts = m[*c as usize];
            let mut r = vec![Cell::text(c.to_string())];
            r.extend(counts.iter().map(|&n| Cell::size(n)));
            r.push(Cell::size(counts.iter().sum::<usize>()));
            r.push(Cell::ratio(shares[*c as usize], 4));
            r
        })
        .collect();
    let mut total = vec![Cell::text("total")];
    for x in 0..4 {
        total.push(Cell::size(m.iter().map(|r| r[x]).sum::<usize>()));
    }
    total.push(Cell::size(s.rows.len()));
    total.push(Cell::ratio(shares.iter().sum::<f64>(), 4));
    rows.push(total);
    Table::new(header, rows)
}
