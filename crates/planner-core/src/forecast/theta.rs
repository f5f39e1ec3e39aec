//! The Theta method (Assimakopoulos & Nikolopoulos 2000) in the state space form of Fiorucci,
//! Pellegrini, Louzada, Petropoulos & Koehler (2016), "Models for optimising the theta method
//! and their relationship to state space models", IJF 32(4).
//!
//! With `A`, `B` the intercept and slope of a least squares line through the (seasonally
//! adjusted) history, one-step fits are
//! `mu_t = l_{t-1} + (1 - 1/theta) [ (1-alpha)^(t-1) A + (1 - (1-alpha)^t) / alpha * B ]`,
//! `l_t = alpha y_t + (1 - alpha) l_{t-1}`, and forecasts
//! `y_{n+h} = l_n + (1 - 1/theta) [ (1-alpha)^n A + ((h-1) + (1 - (1-alpha)^(n+1)) / alpha) B ]`.
//! `theta = 2` is the standard Theta method (SES with drift, Hyndman & Billah 2003); the
//! optimised Theta method (OTM) also estimates `theta >= 1`. `alpha` and `l_0` (and `theta`)
//! minimise the in-sample mean squared error.
//!
//! Seasonality: when the lag-`m` autocorrelation is significant at 90 %, the series is
//! adjusted by classical multiplicative decomposition (additive when it has zeros) and the
//! forecasts re-seasonalised. Bounds: `sd_h = sigma sqrt(1 + alpha^2 (h - 1))` (the SES
//! variance), scaled by the seasonal index.

use std::borrow::Cow;

use super::util::{
    decompose, is_seasonal, linear_fit, logit, mean, nelder_mead, normal_forecast, sigmoid,
    validate,
};
use super::{FittedForecaster, Forecast, ForecastError, Forecaster, Level};

/// Theta settings.
///
/// | Name | Default | Range |
/// |---|---|---|
/// | `optimize_theta` | `false` (standard Theta, `theta = 2`) | `true` = optimised Theta |
/// | `season` | 12 | 1 = never seasonal |
#[derive(Debug, Clone, Copy)]
pub struct Theta {
    /// Estimate `theta` (Fiorucci et al. 2016) instead of fixing it at 2.
    pub optimize_theta: bool,
    /// Season length in months.
    pub season: usize,
}

impl Default for Theta {
    fn default() -> Self {
        Self {
            optimize_theta: false,
            season: 12,
        }
    }
}

/// A fitted Theta model.
#[derive(Debug, Clone)]
pub struct FittedTheta {
    optimized: bool,
    alpha: f64,
    theta: f64,
    level: f64,
    a: f64,
    b: f64,
    n: usize,
    sigma: f64,
    /// Seasonal indices by time modulo m, and whether they multiply.
    seasonal: Option<(Vec<f64>, bool)>,
}

impl FittedTheta {
    /// The smoothing parameter `alpha`.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
    /// The theta coefficient (2 for the standard method).
    pub fn theta(&self) -> f64 {
        self.theta
    }
}

/// The seasonal indices of the Theta methods (by time modulo `m`, and whether they multiply):
/// `Some` when the lag-`m` autocorrelation is significant at 90 % ([`is_seasonal`]);
/// multiplicative for a history without zeros (dropped when an index is near zero), additive
/// otherwise.
pub(crate) fn seasonal_indices(history: &[f64], m: usize) -> Option<(Vec<f64>, bool)> {
    if !is_seasonal(history, m) {
        return None;
    }
    decomposed_indices(history, m)
}

/// The indices of [`seasonal_indices`] without its test (`None` below two seasons).
fn decomposed_indices(history: &[f64], m: usize) -> Option<(Vec<f64>, bool)> {
    let mult = history.iter().all(|&v| v > 0.0);
    let idx = decompose(history, m, mult)?;
    (!mult || idx.iter().all(|&v| v > 1e-3)).then_some((idx, mult))
}

/// The history with the seasonal indices (by time modulo m) removed.
pub(crate) fn adjust(history: &[f64], seasonal: Option<&(Vec<f64>, bool)>) -> Vec<f64> {
    let mut y = history.to_vec();
    if let Some((idx, mult)) = seasonal {
        let m = idx.len();
        for (t, v) in y.iter_mut().enumerate() {
            if *mult {
                *v /= idx[t % m];
            } else {
                *v -= idx[t % m];
            }
        }
    }
    y
}

fn sse(y: &[f64], alpha: f64, theta: f64, l0: f64, a: f64, b: f64) -> (f64, f64) {
    let w = 1.0 - 1.0 / theta;
    let mut l = l0;
    let mut pw = 1.0; // (1 - alpha)^(t-1)
    let mut s = 0.0;
    for &v in y {
        let mu = l + w * (pw * a + (1.0 - pw * (1.0 - alpha)) / alpha * b);
        let e = v - mu;
        s += e * e;
        l = alpha * v + (1.0 - alpha) * l;
        pw *= 1.0 - alpha;
    }
    (s, l)
}

impl Forecaster for Theta {
    type Fitted = FittedTheta;

    /// # Errors
    /// [`ForecastError::TooShort`] with fewer than 3 months; [`ForecastError::InvalidValue`]
    /// for a negative or non-finite value.
    fn fit(&self, history: &[f64]) -> Result<FittedTheta, ForecastError> {
        self.fit_seasonal(history, false)
    }
}

impl Theta {
    /// [`Forecaster::fit`], with seasonal indices whenever the history has two seasons when
    /// `assume_seasonal` (another model's choice said the series is seasonal), instead of only
    /// when the lag-`m` autocorrelation test finds a season. As with the test, multiplicative
    /// indices are dropped when one is near zero, and a season below 2 has none.
    pub(crate) fn fit_seasonal(
        &self,
        history: &[f64],
        assume_seasonal: bool,
    ) -> Result<FittedTheta, ForecastError> {
        validate(history, "theta")?;
        let n = history.len();
        if n < 3 {
            return Err(ForecastError::TooShort {
                method: "theta",
                got: n,
                need: 3,
            });
        }
        let seasonal = if assume_seasonal {
            decomposed_indices(history, self.season)
        } else {
            seasonal_indices(history, self.season)
        };
        let y = adjust(history, seasonal.as_ref());
        let (a, b) = linear_fit(&y);
        let scale = mean(&y).abs().max(1e-9);
        let l_init = mean(&y[..n.min(3)]);
        let opt = self.optimize_theta;
        let decode = |x: &[f64]| {
            let alpha = 0.01 + 0.98 * sigmoid(x[0]);
            let theta = if opt { 1.0 + x[2].exp() } else { 2.0 };
            (alpha, theta, l_init + x[1] * scale)
        };
        let (x0, step) = if opt {
            (vec![logit(0.5), 0.0, 0.0], vec![1.5, 0.1, 1.0])
        } else {
            (vec![logit(0.5), 0.0], vec![1.5, 0.1])
        };
        let (x, best) = nelder_mead(
            |x| {
                let (al, th, l0) = decode(x);
                let v = sse(&y, al, th, l0, a, b).0;
                if v.is_finite() {
                    v
                } else {
                    1e300
                }
            },
            &x0,
            &step,
            400,
            1e-10,
            2,
        );
        let (alpha, theta, l0) = decode(&x);
        let (_, level) = sse(&y, alpha, theta, l0, a, b);
        let k = if opt { 3 } else { 2 };
        let dof = if n > k + 1 { (n - k) as f64 } else { n as f64 };
        Ok(FittedTheta {
            optimized: opt,
            alpha,
            theta,
            level,
            a,
            b,
            n,
            sigma: (best / dof).sqrt(),
            seasonal,
        })
    }
}

impl FittedForecaster for FittedTheta {
    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed(if self.optimized {
            "Optimized Theta"
        } else {
            "Theta"
        })
    }

    fn predict(&self, horizon: usize, levels: &[Level]) -> Forecast {
        let w = 1.0 - 1.0 / self.theta;
        let q = 1.0 - self.alpha;
        let pn = q.powi(self.n as i32);
        let mut point = Vec::with_capacity(horizon);
        let mut sd = Vec::with_capacity(horizon);
        for h in 1..=horizon {
            let mut p = self.level
                + w * (pn * self.a + ((h - 1) as f64 + (1.0 - pn * q) / self.alpha) * self.b);
            let mut s = self.sigma * (1.0 + self.alpha * self.alpha * (h - 1) as f64).sqrt();
            if let Some((idx, mult)) = &self.seasonal {
                let si = idx[(self.n + h - 1) % idx.len()];
                if *mult {
                    p *= si;
                    s *= si;
                } else {
                    p += si;
                }
            }
            point.push(p);
            sd.push(s);
        }
        normal_forecast(point, &sd, levels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theta_two_on_a_line_extrapolates_half_slope_plus_ses() {
        // On an exact line the standard Theta forecast continues with slope b/2 plus the SES
        // level that lags behind; it stays between the last value and the line.
        let y: Vec<f64> = (1..=30).map(|t| 10.0 + 2.0 * t as f64).collect();
        let f = Theta {
            optimize_theta: false,
            season: 12,
        }
        .fit(&y)
        .unwrap();
        let fc = f.predict(3, &[]);
        // The theta = 2 line drifts by b / 2 = 1 per month.
        assert!((fc.point[1] - fc.point[0] - 1.0).abs() < 1e-6);
        assert!(
            fc.point[0] > 65.0 && fc.point[0] <= 72.0 + 1e-6,
            "{:?}",
            fc.point
        );
    }

    #[test]
    fn optimized_theta_fits_at_least_as_well() {
        let y = [
            5.0, 7.0, 6.0, 9.0, 8.0, 11.0, 10.0, 13.0, 12.0, 15.0, 14.0, 18.0,
        ];
        let f2 = Theta::default().fit(&y).unwrap();
        let fo = Theta {
            optimize_theta: true,
            season: 12,
        }
        .fit(&y)
        .unwrap();
        assert!(fo.sigma <= f2.sigma * (1.0 + 1e-3) * ((12.0 - 2.0) / (12.0 - 3.0f64)).sqrt());
        assert!(fo.theta() >= 1.0);
    }
}
