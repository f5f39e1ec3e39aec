//! Accuracy of earlier forecasts against the actuals that arrived since: the forecast-actual
//! pairs and their roll-up per lag, sku, family and total.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{ratio, Families};
use crate::demand::{DemandHistory, SkuHistory};
use crate::demand_plan::DemandPlan;
use crate::forecast::Level;
use crate::time::Month;

/// One level's bounds of a forecast month, and whether the actual fell inside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairBound {
    /// The confidence level.
    pub level: Level,
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
    /// `lo <= actual <= hi`.
    pub inside: bool,
}

/// An earlier forecast of one sku and month, with the actual that arrived since.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    /// The vintage (first month) of the plan that made the forecast.
    pub vintage: Month,
    /// The sku.
    pub sku: String,
    /// Its family.
    pub family: String,
    /// The forecast month.
    pub month: Month,
    /// Months ahead, from 1 (the plan's first month).
    pub lag: u32,
    /// The point forecast (0 when the sku was not in the plan).
    pub forecast: f64,
    /// The actual demand.
    pub actual: f64,
    /// Forecast minus actual (positive = over-forecast).
    pub error: f64,
    /// The seasonal-naive forecast made at the same vintage.
    pub snaive: f64,
    /// The statistical forecast of the same vintage (before the planner's events, overrides
    /// and fences), when it was given: 0 for a sku the models had no forecast for.
    #[serde(default)]
    pub statistical: Option<f64>,
    /// The plan's bounds per level (none for a fixed plan).
    pub bounds: Vec<PairBound>,
    /// False when the plan had no forecast for the sku (it sold without being planned).
    pub planned: bool,
}

/// What an accuracy row covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// One sku.
    Sku,
    /// One family (products.csv; a sku missing there is its own family).
    Family,
    /// Every sku.
    Total,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scope::Sku => "sku",
            Scope::Family => "family",
            Scope::Total => "total",
        })
    }
}

/// Accuracy of the forecasts at one lag for one sku, one family or the total.
///
/// # Formula
/// Over the row's sku-month pairs, with `e = forecast - actual`:
/// - `wape = sum |e| / sum actual` (sku-level errors weighted by volume);
/// - `wape_aggregate = sum_months |sum e| / sum actual` (the error of the row's monthly totals;
///   equal to `wape` for a sku);
/// - `bias = sum e` (units; positive = over-forecast), `bias_pct = bias / sum actual`;
/// - tracking signal `TS = sum_months E_m / MAD` with `E_m` the row's total error of month `m`
///   and `MAD = mean_months |E_m|`; it alarms when `|TS| > alarm` (4 by default). With `n` months
///   `|TS| <= n`, so an alarm needs at least 5 months of errors of mostly one sign;
/// - coverage per level: the share of sku-months whose actual fell inside the bounds;
/// - `fva = snaive_wape - wape`, forecast value added over seasonal naive (positive = the
///   forecast beat the benchmark by that many WAPE points);
/// - with the vintages' statistical forecasts (every pair of the row has one), the value added
///   step by step: `fva_statistical = snaive_wape - statistical_wape` (what the models gained
///   over seasonal naive) and `fva_final = statistical_wape - wape` (what the planner's events,
///   overrides and the fences gained or, negative, cost); the two add up to `fva`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccuracyRow {
    /// Months ahead the forecasts were made (1 = the plan's first month).
    pub lag: u32,
    /// Sku, family or total.
    pub scope: Scope,
    /// The sku, the family, or `total`.
    pub key: String,
    /// The sku's family (empty for a family or the total).
    pub family: String,
    /// Sku-month pairs scored.
    pub n: usize,
    /// Distinct months scored.
    pub months: usize,
    /// First month scored.
    pub first: Month,
    /// Last month scored.
    pub last: Month,
    /// Sum of the actuals.
    pub actual: f64,
    /// Sum of the forecasts.
    pub forecast: f64,
    /// Sum of the absolute sku-month errors.
    pub abs_error: f64,
    /// Weighted absolute percentage error (a fraction); `None` when nothing sold.
    pub wape: Option<f64>,
    /// WAPE of the row's monthly totals (a fraction); `None` when nothing sold.
    pub wape_aggregate: Option<f64>,
    /// Sum of forecast minus actual, in units (positive = over-forecast).
    pub bias: f64,
    /// Bias over the actuals (a fraction); `None` when nothing sold.
    pub bias_pct: Option<f64>,
    /// Mean absolute deviation of the monthly total errors.
    pub mad: f64,
    /// Cumulative error over MAD; `None` when every error is zero.
    pub tracking_signal: Option<f64>,
    /// `|tracking_signal| > alarm`.
    pub alarm: bool,
    /// Share of sku-months inside each level's bounds (levels of the plans scored).
    pub coverage: Vec<(Level, f64)>,
    /// Sum of the absolute errors of the seasonal-naive benchmark.
    pub snaive_abs_error: f64,
    /// WAPE of the benchmark (a fraction); `None` when nothing sold.
    pub snaive_wape: Option<f64>,
    /// Forecast value added: `snaive_wape - wape`; `None` when nothing sold.
    pub fva: Option<f64>,
    /// WAPE of the statistical forecasts (a fraction); `None` when nothing sold or a pair of the
    /// row has no statistical forecast.
    #[serde(default)]
    pub statistical_wape: Option<f64>,
    /// Value the models added over seasonal naive: `snaive_wape - statistical_wape`.
    #[serde(default)]
    pub fva_statistical: Option<f64>,
    /// Value the planner's events, overrides and fences added over the statistical forecast:
    /// `statistical_wape - wape` (negative: they cost accuracy).
    #[serde(default)]
    pub fva_final: Option<f64>,
}

/// Actual demand of a sku in a month: the history's value, zero outside its span.
fn actual(s: Option<&SkuHistory>, month: Month) -> f64 {
    s.and_then(|s| {
        let i = s.start.months_until(month);
        (i >= 0).then(|| s.quantities.get(i as usize).copied())?
    })
    .unwrap_or(0.0)
}

/// The seasonal-naive forecast `t` months (from 0) after `vintage`, from the history before it:
/// the same month one season earlier; the last month when less than a season of history; zero
/// without history. A gap between the end of the history and the vintage is bridged.
pub(crate) fn snaive(s: Option<&SkuHistory>, vintage: Month, t: usize, season: usize) -> f64 {
    let Some(s) = s else { return 0.0 };
    let n = s
        .start
        .months_until(vintage)
        .clamp(0, s.quantities.len() as i32) as usize;
    if n == 0 {
        return 0.0;
    }
    let past = &s.quantities[..n];
    // Steps from the end of `past` to month t: the gap, then t.
    let h = s.start.plus(n as i32).months_until(vintage).max(0) as usize + t;
    if season > 1 && n >= season {
        past[n - season + h % season]
    } else {
        past[n - 1]
    }
}

/// Every forecast of the earlier plans for a month the history covers, with its actual.
///
/// Skus the history shows selling in a plan's months but the plan did not forecast are scored
/// with a zero forecast (`planned = false`), so totals count demand nobody planned.
pub(crate) fn pairs(
    plans: &[(&DemandPlan, Option<&DemandPlan>)],
    history: &DemandHistory,
    families: &Families<'_>,
    season: usize,
) -> (Vec<Pair>, Vec<String>) {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let Some(last) = history.last_month() else {
        return (out, notes);
    };
    for &(plan, statistical) in plans {
        let months: Vec<Month> = plan.months().take_while(|&m| m <= last).collect();
        if months.is_empty() {
            continue;
        }
        let by_sku: BTreeMap<&str, &crate::demand_plan::SkuPlan> =
            plan.skus.iter().map(|s| (s.sku.as_str(), s)).collect();
        // The statistical forecast of a sku and month of this vintage (0 for a sku it lacks).
        let stat = |sku: &str, month: Month| {
            statistical.map(|p| {
                let t = p.start.months_until(month);
                p.get(sku)
                    .and_then(|s| {
                        usize::try_from(t)
                            .ok()
                            .and_then(|t| s.forecast.point.get(t))
                    })
                    .copied()
                    .unwrap_or(0.0)
            })
        };
        let mut skus: BTreeSet<&str> = by_sku.keys().copied().collect();
        let mut unplanned = Vec::new();
        let mut unseen = Vec::new();
        for s in history.series() {
            if !by_sku.contains_key(s.sku.as_str())
                && months.iter().any(|&m| actual(Some(s), m) > 0.0)
            {
                skus.insert(&s.sku);
                unplanned.push(s.sku.as_str());
            }
        }
        for sku in skus {
            let h = history.get(sku);
            let sp = by_sku.get(sku);
            if h.is_none() {
                unseen.push(sku);
            }
            for (t, &month) in months.iter().enumerate() {
                let a = actual(h, month);
                let (f, bounds) = match sp {
                    Some(sp) => (
                        sp.forecast.point[t],
                        sp.forecast
                            .intervals
                            .iter()
                            .map(|i| PairBound {
                                level: i.level,
                                lo: i.lo[t],
                                hi: i.hi[t],
                                inside: i.lo[t] <= a && a <= i.hi[t],
                            })
                            .collect(),
                    ),
                    None => (
                        0.0,
                        plan.levels
                            .iter()
                            .map(|&level| PairBound {
                                level,
                                lo: 0.0,
                                hi: 0.0,
                                inside: a == 0.0,
                            })
                            .collect(),
                    ),
                };
                out.push(Pair {
                    vintage: plan.start,
                    sku: sku.to_string(),
                    family: families.of(sku),
                    month,
                    lag: t as u32 + 1,
                    forecast: f,
                    actual: a,
                    error: f - a,
                    snaive: snaive(h, plan.start, t, season),
                    statistical: stat(sku, month),
                    bounds,
                    planned: sp.is_some(),
                });
            }
        }
        if !unplanned.is_empty() {
            notes.push(format!(
                "{} sold in {}..{} without a forecast in the plan of {} (scored as forecast 0): {}",
                count_skus(unplanned.len()),
                months[0],
                months[months.len() - 1],
                plan.start,
                list(&unplanned)
            ));
        }
        if !unseen.is_empty() {
            notes.push(format!(
                "{} of the plan of {} {} not in the demand history (actual taken as 0): {}",
                count_skus(unseen.len()),
                plan.start,
                if unseen.len() == 1 { "is" } else { "are" },
                list(&unseen)
            ));
        }
    }
    (out, notes)
}

/// `1 sku`, `3 skus`.
fn count_skus(n: usize) -> String {
    if n == 1 {
        "1 sku".to_string()
    } else {
        format!("{n} skus")
    }
}

fn list(skus: &[&str]) -> String {
    const SHOWN: usize = 10;
    let mut s = skus[..skus.len().min(SHOWN)].join(", ");
    if skus.len() > SHOWN {
        s.push_str(&format!(" and {} more", skus.len() - SHOWN));
    }
    s
}

/// Rolls the pairs up per lag: every sku, every family, the total.
pub(crate) fn aggregate(pairs: &[Pair], alarm: f64) -> Vec<AccuracyRow> {
    let mut by_lag: BTreeMap<u32, Vec<&Pair>> = BTreeMap::new();
    for p in pairs {
        by_lag.entry(p.lag).or_default().push(p);
    }
    let mut rows = Vec::new();
    for (lag, ps) in by_lag {
        let mut skus: BTreeMap<&str, Vec<&Pair>> = BTreeMap::new();
        let mut fams: BTreeMap<&str, Vec<&Pair>> = BTreeMap::new();
        for &p in &ps {
            skus.entry(&p.sku).or_default().push(p);
            fams.entry(&p.family).or_default().push(p);
        }
        for (sku, g) in skus {
            let family = g[0].family.clone();
            rows.push(row(lag, Scope::Sku, sku, family, &g, alarm));
        }
        for (fam, g) in fams {
            rows.push(row(lag, Scope::Family, fam, String::new(), &g, alarm));
        }
        rows.push(row(lag, Scope::Total, "total", String::new(), &ps, alarm));
    }
    rows
}

fn row(lag: u32, scope: Scope, key: &str, family: String, g: &[&Pair], alarm: f64) -> AccuracyRow {
    let sum = |f: &dyn Fn(&Pair) -> f64| g.iter().map(|p| f(p)).sum::<f64>();
    let actual = sum(&|p| p.actual);
    let forecast = sum(&|p| p.forecast);
    let abs_error = sum(&|p| p.error.abs());
    let bias = sum(&|p| p.error);
    let snaive_abs_error = sum(&|p| (p.snaive - p.actual).abs());
    // The row's total error per month, in month order.
    let mut monthly: BTreeMap<Month, f64> = BTreeMap::new();
    for p in g {
        *monthly.entry(p.month).or_insert(0.0) += p.error;
    }
    let months = monthly.len();
    let mad = monthly.values().map(|e| e.abs()).sum::<f64>() / months.max(1) as f64;
    let cumulative: f64 = monthly.values().sum();
    let tracking_signal = (mad > 0.0).then(|| cumulative / mad);
    let mut levels: Vec<Level> = Vec::new();
    for p in g {
        for b in &p.bounds {
            if !levels.contains(&b.level) {
                levels.push(b.level);
            }
        }
    }
    levels.sort_by(|a, b| a.percent().total_cmp(&b.percent()));
    let coverage = levels
        .into_iter()
        .map(|level| {
            let (inside, count) = g
                .iter()
                .flat_map(|p| p.bounds.iter().filter(|b| b.level == level))
                .fold((0usize, 0usize), |(i, c), b| {
                    (i + usize::from(b.inside), c + 1)
                });
            (level, inside as f64 / count.max(1) as f64)
        })
        .collect();
    let wape = ratio(abs_error, actual);
    let snaive_wape = ratio(snaive_abs_error, actual);
    let statistical_wape = g
        .iter()
        .map(|p| p.statistical.map(|f| (f - p.actual).abs()))
        .sum::<Option<f64>>()
        .and_then(|e| ratio(e, actual));
    AccuracyRow {
        lag,
        scope,
        key: key.to_string(),
        family,
        n: g.len(),
        months,
        first: *monthly.keys().next().expect("a row has pairs"),
        last: *monthly.keys().next_back().expect("a row has pairs"),
        actual,
        forecast,
        abs_error,
        wape,
        wape_aggregate: ratio(monthly.values().map(|e| e.abs()).sum(), actual),
        bias,
        bias_pct: ratio(bias, actual),
        mad,
        tracking_signal,
        alarm: tracking_signal.is_some_and(|ts| ts.abs() > alarm),
        coverage,
        snaive_abs_error,
        snaive_wape,
        fva: wape.zip(snaive_wape).map(|(w, s)| s - w),
        statistical_wape,
        fva_statistical: statistical_wape.zip(snaive_wape).map(|(st, s)| s - st),
        fva_final: wape.zip(statistical_wape).map(|(w, st)| st - w),
    }
}
