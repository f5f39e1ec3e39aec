//! Forecast accuracy measures and rolling-origin backtests (Hyndman & Athanasopoulos, FPP3
//! §5.8–5.10; Hyndman & Koehler 2006 for MASE; Gneiting & Raftery 2007 for interval scores).

use serde::{Deserialize, Serialize};

use super::select::{fit_method, Method};
use super::{Forecast, ForecastError, Interval, Level};

/// Accuracy of one forecast (or a pool of forecasts) against actuals. Undefined measures are
/// `None`, never NaN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accuracy {
    /// Number of forecast-actual pairs.
    pub n: usize,
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// Mean absolute percentage error in percent; `None` when an actual is zero.
    pub mape: Option<f64>,
    /// Symmetric MAPE on the 0–200 scale: mean of `200 |f - a| / (|a| + |f|)` (a pair of
    /// zeros counts as 0).
    pub smape: f64,
    /// Mean absolute scaled error: MAE over the in-sample MAE of the seasonal naive method
    /// (naive when the in-sample is shorter than a season + 1); `None` when that scale is 0.
    pub mase: Option<f64>,
    /// Weighted absolute percentage error `sum |e| / sum a` (a fraction); `None` when the
    /// actuals sum to 0.
    pub wape: Option<f64>,
    /// Mean of forecast minus actual (positive = over-forecast).
    pub bias: f64,
    /// Share of actuals inside each level's bounds.
    pub coverage: Vec<(Level, f64)>,
    /// Mean Winkler interval score per level: width plus `2/alpha` times the miss.
    pub winkler: Vec<(Level, f64)>,
    /// Mean pinball loss per level, averaged over its two quantiles.
    pub pinball: Vec<(Level, f64)>,
    /// Mean scaled interval score per level (MSIS, the M4 competition's interval measure):
    /// the mean Winkler score over the in-sample MAE of the seasonal naive method (the MASE
    /// scale); `None` when that scale is 0.
    pub msis: Vec<(Level, Option<f64>)>,
    /// Weighted quantile loss over the quantiles the forecast states (the median = the point
    /// forecast, and each level's `(1 - L) / 2` and `(1 + L) / 2` quantiles = its bounds):
    /// `mean over quantiles q of 2 sum_t pinball_q(a_t, f_t) / sum_t |a_t|`; `None` when the
    /// actuals sum to 0.
    pub wql: Option<f64>,
}

/// The in-sample scale of MASE.
fn mase_scale(insample: &[f64], season: usize) -> Option<f64> {
    let m = if season >= 1 && insample.len() > season {
        season
    } else {
        1
    };
    if insample.len() <= m {
        return None;
    }
    let s: f64 = (m..insample.len())
        .map(|t| (insample[t] - insample[t - m]).abs())
        .sum::<f64>()
        / (insample.len() - m) as f64;
    (s > 0.0).then_some(s)
}

fn score(actual: &[f64], fc: &Forecast, scale: Option<f64>) -> Accuracy {
    let n = actual.len().min(fc.point.len());
    let nf = n.max(1) as f64;
    let (mut sae, mut sse, mut sbias, mut ssmape, mut sa) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let mut sape = 0.0;
    let mut mape_ok = true;
    for (&a, &f) in actual.iter().zip(&fc.point) {
        let e = f - a;
        sae += e.abs();
        sse += e * e;
        sbias += e;
        sa += a.abs();
        let d = a.abs() + f.abs();
        if d > 0.0 {
            ssmape += 200.0 * e.abs() / d;
        }
        if a == 0.0 {
            mape_ok = false;
        } else {
            sape += 100.0 * (e / a).abs();
        }
    }
    let mae = sae / nf;
    let per_level = |f: &dyn Fn(&Interval, f64, f64, f64, f64) -> f64| -> Vec<(Level, f64)> {
        fc.intervals
            .iter()
            .map(|iv| {
                let alpha = 1.0 - iv.level.fraction();
                let s: f64 = (0..n)
                    .map(|i| f(iv, actual[i], iv.lo[i], iv.hi[i], alpha))
                    .sum();
                (iv.level, s / nf)
            })
            .collect()
    };
    let pin = |q: f64, tau: f64, a: f64| {
        if a >= q {
            tau * (a - q)
        } else {
            (1.0 - tau) * (q - a)
        }
    };
    let pinball_sum =
        |tau: f64, qs: &[f64]| -> f64 { (0..n).map(|i| pin(qs[i], tau, actual[i])).sum::<f64>() };
    let mut wql_terms = vec![pinball_sum(0.5, &fc.point)];
    for iv in &fc.intervals {
        let a = (1.0 - iv.level.fraction()) / 2.0;
        wql_terms.push(pinball_sum(a, &iv.lo));
        wql_terms.push(pinball_sum(1.0 - a, &iv.hi));
    }
    let wql = (sa > 0.0)
        .then(|| wql_terms.iter().map(|l| 2.0 * l / sa).sum::<f64>() / wql_terms.len() as f64);
    let winkler = per_level(&|_, a, lo, hi, al| {
        let mut w = hi - lo;
        if a < lo {
            w += 2.0 / al * (lo - a);
        } else if a > hi {
            w += 2.0 / al * (a - hi);
        }
        w
    });
    let msis = winkler
        .iter()
        .map(|&(l, w)| (l, scale.map(|s| w / s)))
        .collect();
    Accuracy {
        n,
        mae,
        rmse: (sse / nf).sqrt(),
        mape: (mape_ok && n > 0).then_some(sape / nf),
        smape: ssmape / nf,
        mase: scale.map(|s| mae / s),
        wape: (sa > 0.0).then_some(sae / sa),
        bias: sbias / nf,
        coverage: per_level(&|_, a, lo, hi, _| f64::from(u8::from(a >= lo && a <= hi))),
        winkler,
        pinball: per_level(&|_, a, lo, hi, al| {
            (pin(lo, al / 2.0, a) + pin(hi, 1.0 - al / 2.0, a)) / 2.0
        }),
        msis,
        wql,
    }
}

/// Scores a forecast against the actuals that followed. Pairs beyond the shorter of `actual`
/// and `fc.point` are ignored. `insample_for_mase` is the history the forecast was made from
/// (for the MASE scale) and `season` its season length.
pub fn accuracy(
    actual: &[f64],
    fc: &Forecast,
    insample_for_mase: &[f64],
    season: usize,
) -> Accuracy {
    score(actual, fc, mase_scale(insample_for_mase, season))
}

/// One origin of a rolling-origin backtest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OriginResult {
    /// Months of history used for fitting (the origin).
    pub train_len: usize,
    /// The model fitted at this origin.
    pub model: String,
    /// The held-out actuals.
    pub actual: Vec<f64>,
    /// The forecast made at this origin.
    pub forecast: Forecast,
    /// Its accuracy.
    pub accuracy: Accuracy,
}

/// A rolling-origin backtest of one method, with seasonal naive as the benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    /// The method tested.
    pub method: Method,
    /// Each origin, oldest first.
    pub origins: Vec<OriginResult>,
    /// Accuracy pooled over every origin and step (MASE scaled by the first origin's history).
    pub accuracy: Accuracy,
    /// The same for the benchmark (seasonal naive, or naive when a season does not fit).
    pub benchmark: Accuracy,
    /// Forecast value added: `1 - MAE / benchmark MAE` (0.2 = 20 % smaller errors than the
    /// benchmark); `None` when the benchmark is perfect.
    pub value_added: Option<f64>,
}

/// Rolling-origin evaluation (FPP3 §5.10): the last origin holds out the final `horizon`
/// months, each earlier origin one month less of history; `origins` is reduced when the
/// history is too short to give each origin at least 3 months.
///
/// # Errors
/// [`ForecastError::TooShort`] when not even one origin with 3 months of history fits;
/// [`ForecastError::InvalidValue`] for a negative or non-finite value.
pub fn backtest(
    history: &[f64],
    method: Method,
    horizon: usize,
    origins: usize,
    levels: &[Level],
    season: usize,
) -> Result<Backtest, ForecastError> {
    super::util::validate(history, method.as_str())?;
    let n = history.len();
    let horizon = horizon.max(1);
    let need = horizon + 3;
    if n < need || origins == 0 {
        return Err(ForecastError::TooShort {
            method: "backtest",
            got: n,
            need,
        });
    }
    let k = origins.min(n - need + 1);
    let first = n - horizon - (k - 1);
    let scale = mase_scale(&history[..first], season);
    let mut res = Vec::with_capacity(k);
    let mut pooled = (Vec::new(), empty(levels));
    let mut bench = (Vec::new(), empty(levels));
    for o in 0..k {
        let end = first + o;
        let train = &history[..end];
        let actual = history[end..(end + horizon).min(n)].to_vec();
        let sf = super::forecast_series(train, actual.len(), levels, method, season)?;
        let bm = if season > 1 && end >= season {
            Method::SeasonalNaive
        } else {
            Method::Naive
        };
        let bf = fit_method(train, bm, season)?.predict(actual.len(), levels);
        append(&mut pooled, &actual, &sf.forecast);
        append(&mut bench, &actual, &bf);
        res.push(OriginResult {
            train_len: end,
            model: sf.model,
            accuracy: accuracy(&actual, &sf.forecast, train, season),
            actual,
            forecast: sf.forecast,
        });
    }
    let accuracy = score(&pooled.0, &pooled.1, scale);
    let benchmark = score(&bench.0, &bench.1, scale);
    let value_added = (benchmark.mae > 0.0).then(|| 1.0 - accuracy.mae / benchmark.mae);
    Ok(Backtest {
        method,
        origins: res,
        accuracy,
        benchmark,
        value_added,
    })
}

fn empty(levels: &[Level]) -> Forecast {
    Forecast {
        point: Vec::new(),
        intervals: levels
            .iter()
            .map(|&level| Interval {
                level,
                lo: Vec::new(),
                hi: Vec::new(),
            })
            .collect(),
    }
}

fn append(acc: &mut (Vec<f64>, Forecast), actual: &[f64], fc: &Forecast) {
    acc.0.extend_from_slice(actual);
    acc.1.point.extend_from_slice(&fc.point);
    for (a, b) in acc.1.intervals.iter_mut().zip(&fc.intervals) {
        a.lo.extend_from_slice(&b.lo);
        a.hi.extend_from_slice(&b.hi);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    #[test]
    fn measures_by_hand() {
        let lv = Level::new(80.0).unwrap();
        let fc = Forecast {
            point: vec![10.0, 12.0],
            intervals: vec![Interval {
                level: lv,
                lo: vec![8.0, 11.0],
                hi: vec![12.0, 13.0],
            }],
        };
        let a = accuracy(&[11.0, 15.0], &fc, &[1.0, 2.0, 4.0], 12);
        close(a.mae, 2.0);
        close(a.rmse, 5f64.sqrt());
        close(a.bias, -2.0);
        close(a.mape.unwrap(), (100.0 / 11.0 + 20.0) / 2.0);
        close(a.smape, (200.0 / 21.0 + 600.0 / 27.0) / 2.0);
        // naive in-sample scale: (1 + 2) / 2 = 1.5
        close(a.mase.unwrap(), 2.0 / 1.5);
        close(a.wape.unwrap(), 4.0 / 26.0);
        close(a.coverage[0].1, 0.5);
        // Winkler: 4, and 2 + 2/0.2 * 2 = 22 -> 13.
        close(a.winkler[0].1, 13.0);
        // MSIS: Winkler over the naive scale 1.5.
        close(a.msis[0].1.unwrap(), 13.0 / 1.5);
        // WQL over the median (the point) and the 10 % / 90 % quantiles (the 80 % bounds);
        // actuals sum to 26. Median: pinball 0.5 * 1 + 0.5 * 3 = 2. q10 = (8, 11): both
        // below the actuals, 0.1 * 3 + 0.1 * 4 = 0.7. q90 = (12, 13): 12 > 11 costs
        // 0.1 * 1, 13 < 15 costs 0.9 * 2 -> 1.9. WQL = (2 * 2 + 2 * 0.7 + 2 * 1.9) / 26 / 3.
        close(a.wql.unwrap(), (4.0 + 1.4 + 3.8) / 26.0 / 3.0);
        let z = accuracy(&[0.0], &fc, &[3.0, 3.0], 12);
        assert_eq!(z.mape, None);
        assert_eq!(z.mase, None);
        assert_eq!(z.wape, None);
        assert_eq!(z.wql, None);
        assert_eq!(z.msis[0].1, None);
    }

    #[test]
    fn backtest_of_a_line_beats_snaive() {
        let y: Vec<f64> = (0..48).map(|t| 100.0 + 2.0 * t as f64).collect();
        let lv = [Level::new(80.0).unwrap()];
        let b = backtest(&y, Method::Naive, 6, 4, &lv, 12).unwrap();
        assert_eq!(b.origins.len(), 4);
        assert_eq!(b.origins[3].train_len, 42);
        assert!(b.value_added.unwrap() > 0.0);
        assert!(backtest(&y[..5], Method::Naive, 6, 4, &lv, 12).is_err());
    }
}
