//! Benchmark methods: naive, seasonal naive, moving average and the mean of a short history
//! (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §5.2 and §5.5).

use std::borrow::Cow;

use super::util::{mean, normal_forecast, validate};
use super::{FittedForecaster, Forecast, ForecastError, Forecaster, Level};

/// Naive forecast: every future month equals the last observed month.
///
/// Bounds: `sd_h = sigma * sqrt(h)` with `sigma` the root mean square of the month-to-month
/// changes (FPP3 table 5.2).
#[derive(Debug, Clone, Copy, Default)]
pub struct Naive;

/// Seasonal naive: each future month equals the same month one season earlier.
///
/// Bounds: `sd_h = sigma * sqrt(floor((h - 1) / m) + 1)` with `sigma` the root mean square of
/// the seasonal differences (FPP3 table 5.2). Needs one full season.
#[derive(Debug, Clone, Copy)]
pub struct SeasonalNaive {
    /// Season length in months (12 for monthly data).
    pub season: usize,
}

/// Moving average of the last `window` months (default 6), flat over the horizon.
///
/// Bounds: `sd_h = sigma * sqrt(1 + h / window)`, with `sigma` the root mean square of the
/// in-sample one-step errors: the error of the mean of `window` values plus a level that
/// drifts like a random walk between re-estimations.
#[derive(Debug, Clone, Copy)]
pub struct MovingAverage {
    /// Number of most recent months averaged (a shorter history averages all of it).
    pub window: usize,
}

impl Default for MovingAverage {
    fn default() -> Self {
        Self { window: 6 }
    }
}

/// A fitted benchmark method: a repeating pattern of point values and a per-step standard
/// deviation rule.
#[derive(Debug, Clone)]
pub struct FittedSimple {
    name: &'static str,
    /// Point values repeated cyclically over the horizon (one value for flat methods).
    pattern: Vec<f64>,
    sigma: f64,
    kind: SdKind,
}

#[derive(Debug, Clone, Copy)]
enum SdKind {
    RandomWalk,
    Seasonal(usize),
    Average(f64),
    Wide(f64),
}

impl FittedSimple {
    /// Standard deviation of the `h`-step forecast error (h = 1, 2, ...).
    fn sd(&self, h: usize) -> f64 {
        let h = h as f64;
        match self.kind {
            SdKind::RandomWalk => self.sigma * h.sqrt(),
            SdKind::Seasonal(m) => self.sigma * (((h as usize - 1) / m) as f64 + 1.0).sqrt(),
            SdKind::Average(k) => self.sigma * (1.0 + h / k).sqrt(),
            SdKind::Wide(n) => self.sigma * (1.0 + 1.0 / n + (h - 1.0) / n).sqrt(),
        }
    }
}

impl FittedForecaster for FittedSimple {
    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed(self.name)
    }

    fn predict(&self, horizon: usize, levels: &[Level]) -> Forecast {
        let point: Vec<f64> = (0..horizon)
            .map(|i| self.pattern[i % self.pattern.len()])
            .collect();
        let sd: Vec<f64> = (1..=horizon).map(|h| self.sd(h)).collect();
        normal_forecast(point, &sd, levels)
    }
}

fn rms(x: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = x.fold((0.0, 0usize), |(s, n), v| (s + v * v, n + 1));
    if n == 0 {
        0.0
    } else {
        (s / n as f64).sqrt()
    }
}

impl Forecaster for Naive {
    type Fitted = FittedSimple;
    fn fit(&self, history: &[f64]) -> Result<FittedSimple, ForecastError> {
        validate(history, "naive")?;
        let n = history.len();
        let mut sigma = rms(history.windows(2).map(|w| w[1] - w[0]));
        if n < 3 {
            sigma = sigma.max(0.5 * mean(history));
        }
        Ok(FittedSimple {
            name: "Naive",
            pattern: vec![history[n - 1]],
            sigma,
            kind: SdKind::RandomWalk,
        })
    }
}

impl Forecaster for SeasonalNaive {
    type Fitted = FittedSimple;
    fn fit(&self, history: &[f64]) -> Result<FittedSimple, ForecastError> {
        validate(history, "snaive")?;
        let m = self.season.max(1);
        let n = history.len();
        if n < m {
            return Err(ForecastError::TooShort {
                method: "snaive",
                got: n,
                need: m,
            });
        }
        let mut sigma = rms((m..n).map(|t| history[t] - history[t - m]));
        if n < m + 2 {
            sigma = sigma.max(0.5 * mean(history));
        }
        Ok(FittedSimple {
            name: "Seasonal naive",
            pattern: history[n - m..].to_vec(),
            sigma,
            kind: SdKind::Seasonal(m),
        })
    }
}

impl Forecaster for MovingAverage {
    type Fitted = FittedSimple;
    fn fit(&self, history: &[f64]) -> Result<FittedSimple, ForecastError> {
        validate(history, "ma")?;
        let n = history.len();
        let k = self.window.clamp(1, n);
        let level = mean(&history[n - k..]);
        let mut sigma = rms((k..n).map(|t| history[t] - mean(&history[t - k..t])));
        if n < k + 3 {
            sigma = sigma.max(0.5 * mean(history));
        }
        Ok(FittedSimple {
            name: "Moving average",
            pattern: vec![level],
            sigma,
            kind: SdKind::Average(k as f64),
        })
    }
}

/// The mean of a very short history with deliberately wide bounds: `sigma` is the larger of
/// the sample standard deviation and half the mean.
pub(crate) fn short_mean(history: &[f64]) -> FittedSimple {
    let n = history.len();
    let mu = mean(history);
    let sd = super::util::variance(history).sqrt();
    FittedSimple {
        name: "Mean (short history)",
        pattern: vec![mu],
        sigma: sd.max(0.5 * mu),
        kind: SdKind::Wide(n as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lv(p: f64) -> Level {
        Level::new(p).unwrap()
    }

    #[test]
    fn naive_is_last_value_and_sd_grows_with_sqrt_h() {
        let f = Naive.fit(&[1.0, 3.0, 2.0, 4.0]).unwrap();
        let fc = f.predict(3, &[lv(80.0)]);
        assert_eq!(fc.point, vec![4.0, 4.0, 4.0]);
        // changes 2, -1, 2 -> rms = sqrt(9/3) = sqrt(3)
        let z = 1.281_551_565_5;
        let sd2 = 3f64.sqrt() * 2f64.sqrt();
        assert!((fc.intervals[0].hi[1] - (4.0 + z * sd2)).abs() < 1e-6);
    }

    #[test]
    fn snaive_repeats_last_season() {
        let h = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let fc = SeasonalNaive { season: 3 }.fit(&h).unwrap().predict(5, &[]);
        assert_eq!(fc.point, vec![4.0, 5.0, 6.0, 4.0, 5.0]);
    }

    #[test]
    fn moving_average_exact() {
        let fc = MovingAverage { window: 3 }
            .fit(&[10.0, 1.0, 2.0, 3.0])
            .unwrap()
            .predict(2, &[]);
        assert_eq!(fc.point, vec![2.0, 2.0]);
    }
}
