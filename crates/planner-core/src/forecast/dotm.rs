//! The dynamic optimised Theta model (DOTM) of Fiorucci, Pellegrini, Louzada, Petropoulos &
//! Koehler (2016), "Models for optimising the theta method and their relationship to state
//! space models", IJF 32(4), section 3.2; statsforecast's `DynamicOptimizedTheta` is the
//! reference implementation this one was checked against (written for this project).
//!
//! Unlike the (optimised) Theta method of [`Theta`](super::Theta), whose theta line is the
//! least squares line through the whole history, the dynamic model updates the line's
//! intercept `A_t` and slope `B_t` with every month (recursive least squares over months
//! `1..=t`), so a trend that changes late in the history moves the forecast. With `l_t` the
//! simple exponential smoothing level, `Ybar_t` the running mean and `w = 1 - 1/theta`:
//!
//! ```text
//! mu_{t+1} = l_t + w [ (1-alpha)^t A_t + (1 - (1-alpha)^(t+1)) / alpha * B_t ]
//! l_{t+1}  = alpha y_{t+1} + (1 - alpha) l_t
//! Ybar_{t+1} = (t Ybar_t + y_{t+1}) / (t + 1)
//! B_{t+1}  = [ (t - 1) B_t + 6 (y_{t+1} - Ybar_t) / (t + 1) ] / (t + 2)
//! A_{t+1}  = Ybar_{t+1} - B_{t+1} (t + 2) / 2
//! ```
//!
//! starting from `l_1 = alpha y_1 + (1 - alpha) l_0`, `Ybar_1 = A_1 = y_1`, `B_1 = 0`
//! (`t` counts months from 1). Forecasts run the same recursion with each forecast standing in
//! for the month it forecasts. `l_0`, `alpha` in [0.1, 0.99] and `theta >= 1` (`w` in [0, 1];
//! `w = 1` is the limit `theta -> infinity`) minimise the squared one-step errors from the
//! fourth month on (the first three are the line's warm-up), by Nelder–Mead.
//!
//! Seasonality as in [`Theta`](super::Theta): when the lag-`m` autocorrelation is significant at
//! 90 %, the history is adjusted by classical multiplicative decomposition (additive when it has
//! zeros) and the forecasts re-seasonalised.
//!
//! Bounds: the recursion is linear in the months it reads, so the forecast at step `h` is the
//! point plus a weighted sum of the future one-step errors; with those errors independent
//! normal with the residuals' standard deviation `sigma` (from the fourth month on),
//! `sd_h = sigma sqrt(sum_j psi_{h,j}^2)`, the weights `psi` from the recursion run on a unit
//! error at each step (statsforecast simulates 200 paths of the same recursion instead).
//! Multiplicative seasonality scales `sd_h` by the month's index.

use std::borrow::Cow;

use super::theta::{adjust, seasonal_indices};
use super::util::{logit, mean, nelder_mead, normal_forecast, sigmoid, validate};
use super::{FittedForecaster, Forecast, ForecastError, Forecaster, Level};

/// Dynamic optimised Theta settings.
///
/// | Name | Default | Range |
/// |---|---|---|
/// | `season` | 12 | 1 = never seasonal |
#[derive(Debug, Clone, Copy)]
pub struct DynamicTheta {
    /// Season length in months.
    pub season: usize,
}

impl Default for DynamicTheta {
    fn default() -> Self {
        Self { season: 12 }
    }
}

/// Smallest `alpha` (as statsforecast's bounds for the dynamic models).
const ALPHA_MIN: f64 = 0.1;
/// Largest `alpha`.
const ALPHA_MAX: f64 = 0.99;
/// Months of history needed: three of warm-up plus two residuals for `sigma`.
const MIN_MONTHS: usize = 5;
/// Objective evaluations of a full fit and of a warm-started refit.
const FIT_EVALS: usize = 400;
const REFIT_EVALS: usize = 25;
/// Evaluations of the automatic choice's fit (one round): on M3 and tourism monthly its
/// figures moved by at most 0.0003 MASE against the full fit's 400 in two rounds.
const QUICK_EVALS: usize = 150;
/// Initial simplex steps (alpha's logit, w, l_0 in units of the mean) of a full fit and of a
/// warm-started refit.
const FIT_STEP: [f64; 3] = [1.5, 0.25, 0.1];
const REFIT_STEP: [f64; 3] = [0.3, 0.05, 0.02];

/// The recursion's state after `t` months: level, running mean, intercept, slope.
#[derive(Debug, Clone, Copy, PartialEq)]
struct State {
    level: f64,
    mean: f64,
    a: f64,
    b: f64,
}

/// The model's parameters: `alpha`, `w = 1 - 1/theta` and the initial level `l_0`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Params {
    alpha: f64,
    w: f64,
    l0: f64,
}

impl Params {
    /// The one-step forecast of month `t + 1` (1-based) from the state after `t` months.
    fn mu(self, s: &State, t: usize) -> f64 {
        self.mu_with(s, (1.0 - self.alpha).powi(t as i32))
    }

    /// [`Params::mu`] given `qt = (1 - alpha)^t`.
    fn mu_with(self, s: &State, qt: f64) -> f64 {
        self.mu_of(s.level, s.line(), qt)
    }

    /// [`Params::mu_with`] from the level and the line apart.
    fn mu_of(self, level: f64, line: Line, qt: f64) -> f64 {
        let q = 1.0 - self.alpha;
        level + self.w * (qt * line.a + (1.0 - qt * q) / self.alpha * line.b)
    }

    /// The level after `y` has been read.
    fn level_after(self, level: f64, y: f64) -> f64 {
        self.alpha * y + (1.0 - self.alpha) * level
    }

    /// The state after month `t + 1` (1-based) has been read as `y`.
    fn update(self, s: &State, t: usize, y: f64) -> State {
        State::of(self.level_after(s.level, y), s.line().after(t, y))
    }

    /// Runs the recursion over `y`: the sum of squared one-step errors from the fourth month
    /// on, the end state, and (when `resid` is given) those errors.
    #[cfg(test)]
    fn run(self, y: &[f64], resid: Option<&mut Vec<f64>>) -> (f64, State) {
        self.run_on(y, &line(y), resid)
    }

    /// [`Params::run`] with the running mean and line of `y` already taken ([`line`]): they
    /// do not depend on the parameters, so an optimiser takes them once per series and each
    /// evaluation runs only the level. It steps the level and the line with the pieces
    /// [`Params::update`] and [`Params::mu_with`] use, so the same numbers to the last bit.
    fn run_on(self, y: &[f64], line: &[Line], mut resid: Option<&mut Vec<f64>>) -> (f64, State) {
        let mut level = self.level_after(self.l0, y[0]);
        let mut sse = 0.0;
        let q = 1.0 - self.alpha;
        let mut qt = 1.0;
        for (t, &v) in y.iter().enumerate().skip(1) {
            qt *= q;
            let e = v - self.mu_of(level, line[t - 1], qt);
            if t >= 3 {
                sse += e * e;
                if let Some(r) = resid.as_deref_mut() {
                    r.push(e);
                }
            }
            level = self.level_after(level, v);
        }
        (sse, State::of(level, line[y.len() - 1]))
    }
}

impl State {
    /// The state of a level and a line.
    fn of(level: f64, line: Line) -> Self {
        let Line { mean, a, b } = line;
        Self { level, mean, a, b }
    }

    /// Its parameter-free part.
    fn line(&self) -> Line {
        Line {
            mean: self.mean,
            a: self.a,
            b: self.b,
        }
    }
}

/// The part of the state that does not depend on the parameters, after each month of `y`:
/// the running mean and the least-squares line of the months read.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Line {
    mean: f64,
    a: f64,
    b: f64,
}

impl Line {
    /// The line of the first month alone: its value, flat.
    fn first(y0: f64) -> Self {
        Self {
            mean: y0,
            a: y0,
            b: 0.0,
        }
    }

    /// The line after month `t + 1` (1-based) has been read as `y`.
    fn after(self, t: usize, y: f64) -> Self {
        let tf = t as f64;
        let mean = (tf * self.mean + y) / (tf + 1.0);
        let b = ((tf - 1.0) * self.b + 6.0 * (y - self.mean) / (tf + 1.0)) / (tf + 2.0);
        let a = mean - b * (tf + 2.0) / 2.0;
        Self { mean, a, b }
    }
}

/// [`Line`] after each month of `y` (`y[0]` read first).
fn line(y: &[f64]) -> Vec<Line> {
    let mut out = Vec::with_capacity(y.len());
    let Some(&y0) = y.first() else {
        return out;
    };
    let mut s = Line::first(y0);
    out.push(s);
    for (t, &v) in y.iter().enumerate().skip(1) {
        s = s.after(t, v);
        out.push(s);
    }
    out
}

/// A fitted dynamic optimised Theta model.
#[derive(Debug, Clone)]
pub struct FittedDynamicTheta {
    params: Params,
    /// Optimiser coordinates of `params`, the start of a warm refit.
    x: [f64; 3],
    state: State,
    n: usize,
    sigma: f64,
    /// Seasonal indices by time modulo m, and whether they multiply.
    seasonal: Option<(Vec<f64>, bool)>,
}

impl FittedDynamicTheta {
    /// The smoothing parameter `alpha`.
    pub fn alpha(&self) -> f64 {
        self.params.alpha
    }
    /// The theta coefficient, `>= 1` (infinite when the fit put the full slope on the level).
    pub fn theta(&self) -> f64 {
        1.0 / (1.0 - self.params.w)
    }

    /// The model refitted to another history (typically a prefix of its own): seasonal test
    /// and indices afresh, parameters by a short optimisation started at this fit's. `None`
    /// when the history is too short.
    pub(crate) fn refit_quick(&self, history: &[f64], season: usize) -> Option<Self> {
        fit(history, season, Some(self.x), REFIT_EVALS, 1, &REFIT_STEP).ok()
    }
}

fn decode(x: &[f64], y0: f64, scale: f64) -> Params {
    Params {
        alpha: ALPHA_MIN + (ALPHA_MAX - ALPHA_MIN) * sigmoid(x[0]),
        w: x[1].clamp(0.0, 1.0),
        l0: y0 + x[2] * scale,
    }
}

fn fit(
    history: &[f64],
    season: usize,
    start: Option<[f64; 3]>,
    evals: usize,
    rounds: usize,
    step: &[f64; 3],
) -> Result<FittedDynamicTheta, ForecastError> {
    validate(history, "dotm")?;
    let n = history.len();
    if n < MIN_MONTHS {
        return Err(ForecastError::TooShort {
            method: "dotm",
            got: n,
            need: MIN_MONTHS,
        });
    }
    let seasonal = seasonal_indices(history, season);
    let y = adjust(history, seasonal.as_ref());
    let scale = mean(&y).abs().max(1e-9);
    let x0 = start.unwrap_or([logit((0.5 - ALPHA_MIN) / (ALPHA_MAX - ALPHA_MIN)), 0.5, 0.0]);
    let path = line(&y);
    let (x, _) = nelder_mead(
        |x| {
            let v = decode(x, y[0], scale).run_on(&y, &path, None).0;
            if v.is_finite() {
                v
            } else {
                1e300
            }
        },
        &x0,
        step,
        evals,
        1e-10,
        rounds,
    );
    let params = decode(&x, y[0], scale);
    let mut resid = Vec::with_capacity(n);
    let (_, state) = params.run_on(&y, &path, Some(&mut resid));
    let mu = mean(&resid);
    let ss: f64 = resid.iter().map(|e| (e - mu) * (e - mu)).sum();
    Ok(FittedDynamicTheta {
        params,
        x: [x[0], params.w, x[2]],
        state,
        n,
        sigma: (ss / (resid.len() - 1) as f64).sqrt(),
        seasonal,
    })
}

impl DynamicTheta {
    /// The fit of the automatic choice: one round of at most [`QUICK_EVALS`] evaluations.
    pub(crate) fn fit_quick(&self, history: &[f64]) -> Result<FittedDynamicTheta, ForecastError> {
        fit(history, self.season, None, QUICK_EVALS, 1, &FIT_STEP)
    }
}

impl Forecaster for DynamicTheta {
    type Fitted = FittedDynamicTheta;

    /// # Errors
    /// [`ForecastError::TooShort`] with fewer than 5 months; [`ForecastError::InvalidValue`]
    /// for a negative or non-finite value.
    fn fit(&self, history: &[f64]) -> Result<FittedDynamicTheta, ForecastError> {
        fit(history, self.season, None, FIT_EVALS, 2, &FIT_STEP)
    }
}

impl FittedDynamicTheta {
    /// Point forecasts and their standard deviations, seasonally adjusted.
    fn adjusted(&self, horizon: usize) -> (Vec<f64>, Vec<f64>) {
        let p = self.params;
        let mut point = Vec::with_capacity(horizon);
        let mut s = self.state;
        for k in 0..horizon {
            let t = self.n + k;
            let f = p.mu(&s, t);
            point.push(f);
            s = p.update(&s, t, f);
        }
        // Impulse responses: a unit one-step error at step j, carried through the recursion
        // (the same linear map on state differences, without the constant terms).
        let zero = State {
            level: 0.0,
            mean: 0.0,
            a: 0.0,
            b: 0.0,
        };
        let mut var = vec![0.0; horizon];
        for j in 0..horizon {
            let mut d = zero;
            for (k, v) in var.iter_mut().enumerate().skip(j) {
                let t = self.n + k;
                let dy = p.mu(&d, t) - p.mu(&zero, t) + if k == j { 1.0 } else { 0.0 };
                *v += dy * dy;
                d = p.update(&d, t, dy);
            }
        }
        let sd = var.iter().map(|v| self.sigma * v.sqrt()).collect();
        (point, sd)
    }
}

impl FittedForecaster for FittedDynamicTheta {
    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("Dynamic Optimized Theta")
    }

    fn predict(&self, horizon: usize, levels: &[Level]) -> Forecast {
        let (mut point, mut sd) = self.adjusted(horizon);
        if let Some((idx, mult)) = &self.seasonal {
            for (k, (p, s)) in point.iter_mut().zip(&mut sd).enumerate() {
                let si = idx[(self.n + k) % idx.len()];
                if *mult {
                    *p *= si;
                    *s *= si;
                } else {
                    *p += si;
                }
            }
        }
        normal_forecast(point, &sd, levels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::PathRng;

    #[track_caller]
    fn close(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol, "got {got}, want {want}");
    }

    proptest::proptest! {
        /// The optimiser's recursion with the line taken once gives what the whole state's
        /// recursion ([`Params::mu_with`], [`Params::update`]) gives, bit for bit.
        #[test]
        fn the_level_alone_recursion_equals_the_full_one(
            alpha in 0.1f64..0.99,
            w in 0.0f64..1.0,
            l0 in -50.0f64..150.0,
            y in proptest::collection::vec(0.0f64..200.0, 1..60),
        ) {
            let p = Params { alpha, w, l0 };
            let mut s = State {
                level: alpha * y[0] + (1.0 - alpha) * l0,
                mean: y[0],
                a: y[0],
                b: 0.0,
            };
            let (mut sse, mut resid, mut qt) = (0.0, Vec::new(), 1.0);
            for (t, &v) in y.iter().enumerate().skip(1) {
                qt *= 1.0 - alpha;
                let e = v - p.mu_with(&s, qt);
                if t >= 3 {
                    sse += e * e;
                    resid.push(e);
                }
                s = p.update(&s, t, v);
            }
            let mut got = Vec::new();
            let (g_sse, g_s) = p.run(&y, Some(&mut got));
            proptest::prop_assert_eq!(g_sse.to_bits(), sse.to_bits());
            proptest::prop_assert_eq!(g_s, s);
            let bits = |e: &[f64]| e.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            proptest::prop_assert_eq!(bits(&got), bits(&resid));
        }
    }

    #[test]
    fn recursive_line_is_the_least_squares_line_of_the_months_read() {
        // After y = 3, 5, 4, 8 (t = 1..4) the intercept and slope are those of OLS on t:
        // tbar 2.5, ybar 5, Sxy = (-1.5)(-2) + (-0.5)(0) + (0.5)(-1) + (1.5)(3) = 7, Sxx = 5,
        // slope 1.4, intercept 5 - 1.4 * 2.5 = 1.5.
        let p = Params {
            alpha: 0.5,
            w: 0.5,
            l0: 3.0,
        };
        let y = [3.0, 5.0, 4.0, 8.0];
        let (_, s) = p.run(&y, None);
        close(s.b, 1.4, 1e-12);
        close(s.a, 1.5, 1e-12);
        close(s.mean, 5.0, 1e-12);
        // SES level: 3 -> 4 -> 4 -> 6 (alpha 0.5 from l_1 = 0.5 * 3 + 0.5 * 3).
        close(s.level, 6.0, 1e-12);
        // The one-step forecast of month 5: l + w [(1/2)^4 A + (1 - (1/2)^5) / (1/2) B]
        // = 6 + 0.5 (1.5 / 16 + 1.9375 * 1.4) = 7.40313.
        close(p.mu(&s, 4), 6.0 + 0.5 * (1.5 / 16.0 + 1.9375 * 1.4), 1e-12);
    }

    #[test]
    fn a_linear_trend_is_forecast_exactly() {
        // On an exact line the model can make every one-step error from month 4 on zero
        // (theta -> infinity, w = 1, with l_0 lagging the line by the SES offset), and its
        // forecasts continue the line: unlike the standard Theta method, which halves the
        // slope.
        let y: Vec<f64> = (1..=40).map(|t| 10.0 + 2.0 * f64::from(t)).collect();
        let f = DynamicTheta { season: 12 }.fit(&y).unwrap();
        let fc = f.predict(6, &[]);
        for (k, p) in fc.point.iter().enumerate() {
            close(*p, 10.0 + 2.0 * (41 + k) as f64, 1e-3);
        }
        assert!(f.theta() > 100.0, "theta {}", f.theta());
        assert!(f.sigma < 1e-3, "sigma {}", f.sigma);
    }

    #[test]
    fn a_seasonal_series_is_deseasonalised_multiplicatively() {
        // A flat level of 100 times a fixed monthly pattern: the decomposition recovers the
        // pattern, the adjusted series is flat, and the forecast is the pattern times 100.
        let pattern = [0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7];
        let y: Vec<f64> = (0..60).map(|t| 100.0 * pattern[t % 12]).collect();
        let f = DynamicTheta { season: 12 }.fit(&y).unwrap();
        let (idx, mult) = f.seasonal.clone().expect("seasonal");
        assert!(mult);
        for (i, v) in idx.iter().enumerate() {
            close(*v, pattern[i], 1e-9);
        }
        let fc = f.predict(12, &[Level::new(80.0).unwrap()]);
        for (k, p) in fc.point.iter().enumerate() {
            close(*p, 100.0 * pattern[(60 + k) % 12], 1e-6);
        }
    }

    #[test]
    fn bounds_of_a_pure_ses_fit_are_the_ses_variance() {
        // With w = 0 (theta = 1) the model is simple exponential smoothing, whose h-step
        // variance is sigma^2 (1 + (h - 1) alpha^2).
        let f = FittedDynamicTheta {
            params: Params {
                alpha: 0.3,
                w: 0.0,
                l0: 10.0,
            },
            x: [0.0; 3],
            state: State {
                level: 10.0,
                mean: 9.0,
                a: 8.0,
                b: 0.1,
            },
            n: 50,
            sigma: 2.0,
            seasonal: None,
        };
        let (point, sd) = f.adjusted(5);
        for (h, (p, s)) in point.iter().zip(&sd).enumerate() {
            close(*p, 10.0, 1e-12);
            close(*s, 2.0 * (1.0 + h as f64 * 0.09).sqrt(), 1e-12);
        }
        // With w > 0 later errors also move the line, so the variance grows faster.
        let g = FittedDynamicTheta {
            params: Params { w: 0.5, ..f.params },
            ..f.clone()
        };
        let (_, sd_w) = g.adjusted(5);
        close(sd_w[0], 2.0, 1e-12);
        assert!(sd_w[4] > sd[4], "{sd_w:?} {sd:?}");
    }

    /// A series drawn from the model itself: `y_t = mu_t + e_t`, `e_t ~ N(0, sigma^2)`.
    fn simulate(p: Params, sigma: f64, n: usize, rng: &mut PathRng) -> Vec<f64> {
        let y0 = p.l0 + sigma * rng.normal();
        let mut y = vec![y0];
        let mut s = State {
            level: p.alpha * y0 + (1.0 - p.alpha) * p.l0,
            mean: y0,
            a: y0,
            b: 0.0,
        };
        for t in 1..n {
            let v = p.mu(&s, t) + sigma * rng.normal();
            y.push(v);
            s = p.update(&s, t, v);
        }
        y
    }

    #[test]
    fn fits_the_process_it_describes() {
        // 200 series of 96 + 12 months from alpha 0.4, theta 3, sigma 5 around 500: the fitted
        // parameters land near the true ones, and the bounds (from the recursion's impulse
        // responses) cover the 12 held-out months at close to their levels.
        let truth = Params {
            alpha: 0.4,
            w: 1.0 - 1.0 / 3.0,
            l0: 500.0,
        };
        let lv = [Level::new(80.0).unwrap(), Level::new(95.0).unwrap()];
        let (mut alphas, mut thetas) = (Vec::new(), Vec::new());
        let (mut c80, mut c95, mut pairs) = (0.0, 0.0, 0.0);
        for seed in 0..200 {
            let mut rng = PathRng::new(11, seed);
            let y = simulate(truth, 5.0, 108, &mut rng);
            let (train, test) = y.split_at(96);
            let f = DynamicTheta { season: 1 }.fit(train).unwrap();
            alphas.push(f.alpha());
            thetas.push(f.theta().min(50.0));
            let fc = f.predict(12, &lv);
            for (i, a) in test.iter().enumerate() {
                let inside = |j: usize| {
                    let iv = &fc.intervals[j];
                    f64::from(u8::from(*a >= iv.lo[i] && *a <= iv.hi[i]))
                };
                c80 += inside(0);
                c95 += inside(1);
                pairs += 1.0;
            }
        }
        alphas.sort_by(f64::total_cmp);
        thetas.sort_by(f64::total_cmp);
        let (alpha_med, theta_med) = (alphas[100], thetas[100]);
        assert!((alpha_med - 0.4).abs() < 0.08, "median alpha {alpha_med}");
        assert!((theta_med - 3.0).abs() < 1.0, "median theta {theta_med}");
        let (c80, c95) = (100.0 * c80 / pairs, 100.0 * c95 / pairs);
        // Estimated parameters make the ranges a little narrow; 200 x 12 correlated months
        // leave about 1.5 points of sampling error at 80 %.
        assert!((c80 - 80.0).abs() < 4.0, "80 %: {c80:.1}, 95 %: {c95:.1}");
        assert!((c95 - 95.0).abs() < 3.0, "95 %: {c95:.1}");
    }

    #[test]
    fn short_and_bad_histories_are_errors() {
        assert!(matches!(
            DynamicTheta::default().fit(&[1.0, 2.0, 3.0, 4.0]),
            Err(ForecastError::TooShort {
                need: 5,
                got: 4,
                ..
            })
        ));
        assert!(matches!(
            DynamicTheta::default().fit(&[1.0, 2.0, f64::NAN, 4.0, 5.0]),
            Err(ForecastError::InvalidValue { index: 2, .. })
        ));
    }

    #[test]
    fn a_warm_refit_on_a_prefix_fits_about_as_well_as_a_cold_fit() {
        let mut rng = PathRng::new(3, 1);
        let y: Vec<f64> = (0..80)
            .map(|t| 100.0 + 0.5 * t as f64 + 5.0 * rng.normal())
            .collect();
        let full = DynamicTheta { season: 12 }.fit(&y).unwrap();
        let warm = full.refit_quick(&y[..70], 12).unwrap();
        let cold = DynamicTheta { season: 12 }.fit(&y[..70]).unwrap();
        let sse = |f: &FittedDynamicTheta| f.params.run(&y[..70], None).0;
        assert_eq!(warm.n, 70);
        assert!(
            sse(&warm) <= 1.01 * sse(&cold),
            "{} {}",
            sse(&warm),
            sse(&cold)
        );
    }
}
