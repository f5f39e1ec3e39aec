//! Methods for intermittent demand: Croston (1972), the Syntetos–Boylan approximation
//! (Syntetos & Boylan 2005, "The accuracy of intermittent demand estimates", IJF 21) and TSB
//! (Teunter, Syntetos & Babai 2011, "Intermittent demand: linking forecasting to inventory
//! obsolescence", EJOR 214).
//!
//! * Croston: simple exponential smoothing (`alpha`, default 0.1) of the non-zero demand sizes
//!   and, separately, of the intervals between them (the first interval counts from the start
//!   of the history); each is initialised at its first value. Forecast = size / interval.
//! * SBA: Croston times `1 - alpha / 2`, which removes Croston's bias.
//! * TSB: smooths the demand *probability* every month (`beta`) and the size when demand
//!   occurs (`alpha`); the probability starts at the share of months with demand, the size at
//!   the first demand. Forecast = probability x size. Unless given, `alpha` and `beta` are
//!   chosen on a grid by in-sample one-step mean squared error.
//! * IMAPA (Petropoulos & Kourentzes 2015, as in statsforecast): the mean, over temporal
//!   aggregation levels 1 to the rounded average inter-demand interval, of SES on the
//!   aggregated totals divided by the level (used by the automatic method).
//!
//! All of them give a flat forecast of the demand *rate*. Bounds are count quantiles: Negative
//! Binomial with that mean and the history's index of dispersion (variance / mean), or
//! Poisson when the history is not over-dispersed — never symmetric bands — with the upper
//! quantile that keeps coverage closest to nominal.

use std::borrow::Cow;

use super::util::{count_forecast, finalize, mean, validate, variance};
use super::{FittedForecaster, Forecast, ForecastError, Forecaster, Level};

/// Which intermittent-demand method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntermittentKind {
    /// Croston (1972).
    Croston,
    /// Syntetos–Boylan approximation.
    Sba,
    /// Teunter–Syntetos–Babai.
    Tsb,
    /// IMAPA, multiple temporal aggregation (Petropoulos & Kourentzes 2015).
    Imapa,
}

/// Intermittent-demand settings.
///
/// | Name | Default | Range |
/// |---|---|---|
/// | `alpha` | 0.1 (Croston, SBA); grid search (TSB) | (0, 1] |
/// | `beta` | grid search (TSB only) | (0, 1] |
#[derive(Debug, Clone, Copy)]
pub struct Intermittent {
    /// The method.
    pub kind: IntermittentKind,
    /// Size (and, for Croston/SBA, interval) smoothing; `None` = default or grid search.
    pub alpha: Option<f64>,
    /// TSB probability smoothing; `None` = grid search.
    pub beta: Option<f64>,
}

impl Intermittent {
    /// The method with default (or searched) parameters.
    pub fn new(kind: IntermittentKind) -> Self {
        Self {
            kind,
            alpha: None,
            beta: None,
        }
    }
}

/// A fitted intermittent-demand model: a flat rate and a dispersion for the count bounds.
#[derive(Debug, Clone)]
pub struct FittedIntermittent {
    kind: IntermittentKind,
    rate: f64,
    dispersion: f64,
    /// In-sample one-step mean squared error.
    mse: f64,
    /// The rate the count bounds are drawn around (equal to `rate` unless the point forecast
    /// was overridden, for example by a zero forecast for an obsolete part).
    bound_rate: f64,
}

impl FittedIntermittent {
    /// The forecast demand per month.
    pub fn rate(&self) -> f64 {
        self.rate
    }
    /// In-sample one-step mean squared error (NaN for IMAPA).
    pub fn mse(&self) -> f64 {
        self.mse
    }
}

/// Croston's size and interval levels after the history, with the in-sample one-step SSE of
/// `factor * size / interval`.
fn croston_core(y: &[f64], alpha: f64, factor: f64) -> (f64, f64) {
    let mut z: Option<f64> = None;
    let mut p = 0.0;
    let mut since = 0.0;
    let mut sse = 0.0;
    let mut cnt = 0usize;
    for &v in y {
        since += 1.0;
        if let Some(zz) = z {
            let f = factor * zz / p;
            sse += (v - f) * (v - f);
            cnt += 1;
        }
        if v > 0.0 {
            match z {
                None => {
                    z = Some(v);
                    p = since;
                }
                Some(ref mut zz) => {
                    *zz += alpha * (v - *zz);
                    p += alpha * (since - p);
                }
            }
            since = 0.0;
        }
    }
    let rate = z.map_or(0.0, |zz| factor * zz / p);
    (rate, if cnt > 0 { sse / cnt as f64 } else { 0.0 })
}

fn tsb_core(y: &[f64], alpha: f64, beta: f64) -> (f64, f64) {
    let mut p = y.iter().filter(|&&v| v > 0.0).count() as f64 / y.len() as f64;
    let mut z = y.iter().copied().find(|&v| v > 0.0).unwrap_or(0.0);
    let mut sse = 0.0;
    for &v in y {
        let f = p * z;
        sse += (v - f) * (v - f);
        if v > 0.0 {
            p += beta * (1.0 - p);
            z += alpha * (v - z);
        } else {
            p -= beta * p;
        }
    }
    (p * z, sse / y.len() as f64)
}

/// Simple exponential smoothing level after `y` (initialised at the first value) with the
/// smoothing constant from {0.1, 0.2, 0.3} that minimises the in-sample one-step MSE (the
/// range statsforecast's ADIDA and IMAPA optimise over).
fn ses_level(y: &[f64]) -> f64 {
    let mut best = (f64::INFINITY, 0.0);
    for alpha in [0.1, 0.2, 0.3] {
        let mut l = y[0];
        let mut sse = 0.0;
        for &v in &y[1..] {
            sse += (v - l) * (v - l);
            l += alpha * (v - l);
        }
        if sse < best.0 {
            best = (sse, l);
        }
    }
    best.1
}

/// IMAPA (Petropoulos & Kourentzes 2015): the mean over aggregation levels `k = 1..=K`, `K`
/// the rounded mean inter-demand interval, of the SES level of the non-overlapping `k`-month
/// totals (counted back from the last month) divided by `k`.
pub(crate) fn imapa_rate(y: &[f64]) -> f64 {
    let nz = y.iter().filter(|&&v| v > 0.0).count();
    if nz == 0 {
        return 0.0;
    }
    let adi = (y.len() as f64 / nz as f64).round().max(1.0) as usize;
    let mut total = 0.0;
    let mut levels = 0usize;
    for k in 1..=adi {
        let buckets = y.len() / k;
        if buckets == 0 {
            break;
        }
        let start = y.len() - buckets * k;
        let agg: Vec<f64> = y[start..].chunks(k).map(|c| c.iter().sum()).collect();
        total += ses_level(&agg) / k as f64;
        levels += 1;
    }
    total / levels.max(1) as f64
}

impl FittedIntermittent {
    /// A flat `rate` with the count bounds of `history` (see [`Intermittent`]), under `kind`'s
    /// name.
    pub(crate) fn with_rate(kind: IntermittentKind, rate: f64, history: &[f64]) -> Self {
        let mu = mean(history);
        let dispersion = if mu > 0.0 {
            (variance(history) / mu).max(1.0)
        } else {
            1.0
        };
        Self {
            kind,
            rate,
            dispersion,
            mse: f64::NAN,
            bound_rate: rate,
        }
    }

    /// The same bounds around another point forecast.
    pub(crate) fn with_point(self, rate: f64) -> Self {
        Self { rate, ..self }
    }
}

impl Forecaster for Intermittent {
    type Fitted = FittedIntermittent;

    /// # Errors
    /// [`ForecastError::TooShort`] for an empty history; [`ForecastError::InvalidValue`] for a
    /// negative or non-finite value.
    fn fit(&self, history: &[f64]) -> Result<FittedIntermittent, ForecastError> {
        validate(history, "croston")?;
        let (rate, mse) = match self.kind {
            IntermittentKind::Croston => croston_core(history, self.alpha.unwrap_or(0.1), 1.0),
            IntermittentKind::Sba => {
                let a = self.alpha.unwrap_or(0.1);
                croston_core(history, a, 1.0 - a / 2.0)
            }
            IntermittentKind::Imapa => (imapa_rate(history), f64::NAN),
            IntermittentKind::Tsb => {
                const GRID: [f64; 5] = [0.05, 0.1, 0.2, 0.3, 0.5];
                let alphas: &[f64] = match &self.alpha {
                    Some(a) => std::slice::from_ref(a),
                    None => &GRID,
                };
                let betas: &[f64] = match &self.beta {
                    Some(b) => std::slice::from_ref(b),
                    None => &GRID,
                };
                let mut best = (0.0, f64::INFINITY);
                for &a in alphas {
                    for &b in betas {
                        let r = tsb_core(history, a, b);
                        if r.1 < best.1 {
                            best = r;
                        }
                    }
                }
                best
            }
        };
        let mu = mean(history);
        let dispersion = if mu > 0.0 {
            (variance(history) / mu).max(1.0)
        } else {
            1.0
        };
        Ok(FittedIntermittent {
            kind: self.kind,
            rate,
            dispersion,
            mse,
            bound_rate: rate,
        })
    }
}

impl FittedForecaster for FittedIntermittent {
    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self.kind {
            IntermittentKind::Croston => "Croston",
            IntermittentKind::Sba => "SBA",
            IntermittentKind::Tsb => "TSB",
            IntermittentKind::Imapa => "IMAPA",
        })
    }

    fn predict(&self, horizon: usize, levels: &[Level]) -> Forecast {
        let mut fc = count_forecast(vec![self.bound_rate; horizon], self.dispersion, levels);
        if self.rate != self.bound_rate {
            fc.point = vec![self.rate; horizon];
            fc = finalize(fc);
        }
        fc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Y: [f64; 8] = [0.0, 3.0, 0.0, 0.0, 6.0, 0.0, 2.0, 0.0];

    #[track_caller]
    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    #[test]
    fn croston_by_hand() {
        // Sizes 3, 6, 2; intervals 2, 3, 2. alpha = 0.1:
        // z = 3 -> 3.3 -> 3.17; p = 2 -> 2.1 -> 2.09. Rate = 3.17 / 2.09.
        let f = Intermittent::new(IntermittentKind::Croston)
            .fit(&Y)
            .unwrap();
        close(f.rate(), 3.17 / 2.09);
        let s = Intermittent::new(IntermittentKind::Sba).fit(&Y).unwrap();
        close(s.rate(), 0.95 * 3.17 / 2.09);
    }

    #[test]
    fn tsb_by_hand() {
        // p0 = 3/8, z0 = 3, alpha = 0.5, beta = 0.5:
        // 0: p .1875; 3: p .59375 z 3; 0: .296875; 0: .1484375; 6: p .57421875 z 4.5;
        // 0: .287109375; 2: p .6435546875 z 3.25; 0: .32177734375. Rate = 0.32177734375 * 3.25.
        let f = Intermittent {
            kind: IntermittentKind::Tsb,
            alpha: Some(0.5),
            beta: Some(0.5),
        }
        .fit(&Y)
        .unwrap();
        close(f.rate(), 0.321_777_343_75 * 3.25);
    }

    #[test]
    fn count_bounds_are_integers_and_asymmetric() {
        let lv = Level::new(80.0).unwrap();
        let f = Intermittent::new(IntermittentKind::Sba).fit(&Y).unwrap();
        let fc = f.predict(2, &[lv]);
        let iv = &fc.intervals[0];
        assert_eq!(iv.lo[0], 0.0);
        assert_eq!(iv.hi[0].fract(), 0.0);
        assert!(iv.hi[0] > fc.point[0]);
    }

    #[test]
    fn imapa_by_hand() {
        // 8 months, 3 with demand: ADI 8/3 rounds to 3, levels 1..=3.
        // k = 1: SES of Y; k = 2: totals 3, 0, 6, 2; k = 3: the last 6 months 0, 0, 6 | 0, 2,
        // 0 give 6, 2. Each level's SES keeps the alpha with the smallest in-sample MSE.
        let ses = |y: &[f64]| ses_level(y);
        let expect = (ses(&Y) + ses(&[3.0, 0.0, 6.0, 2.0]) / 2.0 + ses(&[6.0, 2.0]) / 3.0) / 3.0;
        close(imapa_rate(&Y), expect);
        // SES of 6, 2: only one error (2 - 6), equal for every alpha; 0.1 is kept: 6 - 0.4.
        close(ses(&[6.0, 2.0]), 5.6);
        assert_eq!(imapa_rate(&[0.0; 5]), 0.0);
    }

    #[test]
    fn zero_point_keeps_the_rate_bounds() {
        let lv = Level::new(95.0).unwrap();
        let f = FittedIntermittent::with_rate(IntermittentKind::Imapa, 2.0, &Y).with_point(0.0);
        let fc = f.predict(3, &[lv]);
        assert_eq!(fc.point, vec![0.0; 3]);
        assert_eq!(fc.intervals[0].lo[0], 0.0);
        assert!(fc.intervals[0].hi[0] >= 3.0);
    }
}
