//! Exponential smoothing state space models ETS(error, trend, season) and their automatic
//! selection by AICc.
//!
//! Sources: Hyndman, Koehler, Ord & Snyder, *Forecasting with Exponential Smoothing: the state
//! space approach* (Springer, 2008), chapters 2, 5 and 6; R `forecast::ets`; statsforecast
//! `AutoETS`.
//!
//! * Recursions in the error-correction form of R's `etscalc` (the point recursion is the same
//!   for additive and multiplicative errors; the error type changes the likelihood).
//! * Parameters fitted by maximum likelihood with Nelder–Mead (one restart) over the *usual*
//!   bounds `1e-4 <= alpha <= 0.9999`, `1e-4 <= beta <= alpha`, `1e-4 <= gamma <= 1 - alpha`,
//!   `0.8 <= phi <= 0.98`, enforced by a logistic reparametrisation; the initial level (and
//!   slope) are optimised too, the initial seasonal states come from a classical decomposition
//!   (R's `initstate` heuristic) and are counted as parameters in the AICc.
//! * Automatic selection over error {A, M} x trend {N, A, Ad} x season {N, A, M}, excluding the
//!   unstable (A, ·, M) models and multiplicative trends (R's defaults); multiplicative models
//!   only on strictly positive data; seasonal models only with two full seasons.
//! * Intervals: normal, with the analytic variances of Hyndman et al. (2008, chapter 6):
//!   exact for classes 1 and 2, the class 2 formula as an approximation for multiplicative
//!   seasonality (class 3); see `FittedEts::forecast_sd`.

use std::borrow::Cow;
use std::fmt;

use super::util::{
    decompose, linear_fit, logit, mean, nelder_mead, normal_forecast, sigmoid, validate,
};
use super::{FittedForecaster, Forecast, ForecastError, Forecaster, Level};

/// Error component of an ETS model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    /// Additive errors: `y = yhat + e`.
    Additive,
    /// Multiplicative errors: `y = yhat (1 + e)`.
    Multiplicative,
}

/// Trend component of an ETS model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrendType {
    /// No trend.
    None,
    /// Additive (linear) trend.
    Additive,
    /// Additive damped trend.
    Damped,
}

/// Seasonal component of an ETS model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeasonType {
    /// No seasonality.
    None,
    /// Additive seasonality.
    Additive,
    /// Multiplicative seasonality.
    Multiplicative,
}

/// One ETS model form, for example ETS(M,Ad,M).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EtsSpec {
    /// Error component.
    pub error: ErrorType,
    /// Trend component.
    pub trend: TrendType,
    /// Seasonal component.
    pub season: SeasonType,
}

impl EtsSpec {
    /// Simple exponential smoothing, ETS(A,N,N).
    pub const ANN: EtsSpec = EtsSpec {
        error: ErrorType::Additive,
        trend: TrendType::None,
        season: SeasonType::None,
    };

    fn has_trend(self) -> bool {
        self.trend != TrendType::None
    }

    fn has_season(self) -> bool {
        self.season != SeasonType::None
    }
}

impl fmt::Display for EtsSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = match self.error {
            ErrorType::Additive => "A",
            ErrorType::Multiplicative => "M",
        };
        let t = match self.trend {
            TrendType::None => "N",
            TrendType::Additive => "A",
            TrendType::Damped => "Ad",
        };
        let s = match self.season {
            SeasonType::None => "N",
            SeasonType::Additive => "A",
            SeasonType::Multiplicative => "M",
        };
        write!(f, "ETS({e},{t},{s})")
    }
}

/// ETS settings: a fixed model form, or automatic selection by AICc when `spec` is `None`.
///
/// | Name | Default | Range |
/// |---|---|---|
/// | `spec` | `None` (automatic) | any [`EtsSpec`] |
/// | `season` | 12 | 1 = no seasonality, otherwise at least 2 |
#[derive(Debug, Clone, Copy)]
pub struct Ets {
    /// The model form; `None` selects by AICc.
    pub spec: Option<EtsSpec>,
    /// Season length in months.
    pub season: usize,
}

impl Default for Ets {
    fn default() -> Self {
        Self {
            spec: None,
            season: 12,
        }
    }
}

/// Smoothing parameters of a fitted ETS model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EtsParams {
    /// Level smoothing.
    pub alpha: f64,
    /// Trend smoothing (0 without trend).
    pub beta: f64,
    /// Seasonal smoothing (0 without season).
    pub gamma: f64,
    /// Damping (1 without damping).
    pub phi: f64,
}

/// A fitted ETS model.
#[derive(Debug, Clone)]
pub struct FittedEts {
    spec: EtsSpec,
    m: usize,
    params: EtsParams,
    /// Level, slope and seasonal ring (indexed by time modulo `m`) after the last observation.
    level: f64,
    slope: f64,
    seasonal: Vec<f64>,
    n: usize,
    sigma2: f64,
    aicc: f64,
    /// Initial level and slope (for inspection and tests).
    init: (f64, f64),
    /// Initial seasonal states (one zero or one without season).
    seas0: Vec<f64>,
    /// The optimum in optimiser coordinates (warm start of refits).
    x: Vec<f64>,
}

impl FittedEts {
    /// The model form.
    pub fn spec(&self) -> EtsSpec {
        self.spec
    }
    /// The fitted smoothing parameters.
    pub fn params(&self) -> EtsParams {
        self.params
    }
    /// The innovation variance (relative for multiplicative errors).
    pub fn sigma2(&self) -> f64 {
        self.sigma2
    }
    /// The corrected Akaike information criterion (`+inf` when undefined).
    pub fn aicc(&self) -> f64 {
        self.aicc
    }
    /// The estimated initial level and slope.
    pub fn initial_state(&self) -> (f64, f64) {
        self.init
    }

    fn point(&self, horizon: usize) -> Vec<f64> {
        let phi = self.params.phi;
        let mut phistar = 0.0;
        let mut pw = 1.0;
        (0..horizon)
            .map(|i| {
                pw *= phi;
                phistar += match self.spec.trend {
                    TrendType::None => 0.0,
                    TrendType::Additive => 1.0,
                    TrendType::Damped => pw,
                };
                let q = self.level + phistar * self.slope;
                match self.spec.season {
                    SeasonType::None => q,
                    SeasonType::Additive => q + self.seasonal[(self.n + i) % self.m],
                    SeasonType::Multiplicative => q * self.seasonal[(self.n + i) % self.m],
                }
            })
            .collect()
    }

    /// The coefficients `c_j = alpha + beta phi*_j + gamma [j mod m = 0]`, `j = 1..horizon`
    /// (Hyndman et al. 2008, table 6.1), with `phi*_j = phi + ... + phi^j`.
    fn c_coefficients(&self, horizon: usize) -> Vec<f64> {
        let p = self.params;
        let mut phistar = 0.0;
        let mut pw = 1.0;
        (1..=horizon)
            .map(|j| {
                pw *= p.phi;
                phistar += match self.spec.trend {
                    TrendType::None => 0.0,
                    TrendType::Additive => 1.0,
                    TrendType::Damped => pw,
                };
                let seas = if self.spec.has_season() && j % self.m == 0 {
                    p.gamma
                } else {
                    0.0
                };
                p.alpha + p.beta * phistar + seas
            })
            .collect()
    }

    /// Forecast standard deviations.
    ///
    /// * Class 1 (additive error, no multiplicative season), exact:
    ///   `v_h = sigma^2 (1 + sum_{j<h} c_j^2)`.
    /// * Class 2 (multiplicative error, no multiplicative season), exact:
    ///   `v_h = (1 + sigma^2) theta_h - mu_h^2` with `theta_1 = mu_1^2` and
    ///   `theta_h = mu_h^2 + sigma^2 sum_{j<h} c_j^2 theta_{h-j}` (Hyndman et al. 2008, §6.3).
    /// * Class 3 (multiplicative season): the class 2 formula applied to the seasonal point
    ///   forecasts, a small-`sigma` approximation of §6.4 used instead of simulation (the
    ///   automatic method calibrates the widths on a backtest anyway).
    fn forecast_sd(&self, point: &[f64]) -> Vec<f64> {
        let horizon = point.len();
        let c = self.c_coefficients(horizon);
        let s2 = self.sigma2;
        if self.spec.error == ErrorType::Additive {
            let mut acc = 0.0;
            return (0..horizon)
                .map(|h| {
                    let v = (s2 * (1.0 + acc)).sqrt();
                    acc += c[h] * c[h];
                    v
                })
                .collect();
        }
        let mut theta = Vec::with_capacity(horizon);
        (0..horizon)
            .map(|h| {
                let mu = point[h];
                let mut t = mu * mu;
                for j in 0..h {
                    t += s2 * c[j] * c[j] * theta[h - 1 - j];
                }
                theta.push(t);
                ((1.0 + s2) * t - mu * mu).max(0.0).sqrt()
            })
            .collect()
    }

    /// The same model form re-estimated on another history (typically a prefix of the fitted
    /// one) by a quick optimisation started from this fit's optimum; falls back to
    /// [`Self::refilter`] when that fails.
    pub(crate) fn refit_quick(&self, y: &[f64], season: usize) -> Option<FittedEts> {
        let opts = FitOpts {
            x0: Some(&self.x),
            ..SCREEN
        };
        fit_spec_with(y, self.spec, season, opts)
            .map(|r| r.0)
            .or_else(|| self.refilter(y))
    }

    /// The same model form, parameters and initial states run over another history (typically
    /// a prefix of the one it was fitted to): end states and innovation variance are
    /// recomputed, nothing is re-estimated. `None` when the recursion breaks down.
    pub(crate) fn refilter(&self, y: &[f64]) -> Option<FittedEts> {
        let n = y.len();
        let prob = Problem {
            y,
            spec: self.spec,
            m: self.m,
            seas0: self.seas0.clone(),
            l_init: self.init.0,
            b_init: self.init.1,
            scale: 1.0,
            sse_floor: 0.0,
        };
        let k = prob.n_params();
        let mut s = vec![0.0; self.m];
        let mut end = (0.0, 0.0);
        let (_, sse) = prob.run(
            self.params,
            self.init.0,
            self.init.1,
            &mut s,
            Some(&mut end),
        )?;
        let dof = if n > k { (n - k) as f64 } else { n as f64 };
        Some(FittedEts {
            level: end.0,
            slope: end.1,
            seasonal: s,
            n,
            sigma2: sse / dof,
            aicc: f64::INFINITY,
            ..self.clone()
        })
    }
}

impl FittedForecaster for FittedEts {
    fn name(&self) -> Cow<'static, str> {
        Cow::Owned(self.spec.to_string())
    }

    fn predict(&self, horizon: usize, levels: &[Level]) -> Forecast {
        let point = self.point(horizon);
        let sd = self.forecast_sd(&point);
        normal_forecast(point, &sd, levels)
    }
}

/// One step of the recursion: the one-step forecast and the pieces the update needs.
struct Step {
    phib: f64,
    q: f64,
    yhat: f64,
}

const TOL: f64 = 1e-10;

impl Step {
    #[inline(always)]
    fn new(spec: EtsSpec, l: f64, b: f64, s: f64, phi: f64) -> Self {
        let phib = match spec.trend {
            TrendType::None => 0.0,
            TrendType::Additive => b,
            TrendType::Damped => phi * b,
        };
        let q = l + phib;
        let yhat = match spec.season {
            SeasonType::None => q,
            SeasonType::Additive => q + s,
            SeasonType::Multiplicative => q * s,
        };
        Self { phib, q, yhat }
    }

    /// Updates level, slope and the seasonal state in place (R `etscalc` form).
    #[inline(always)]
    fn update(&self, spec: EtsSpec, y: f64, p: EtsParams, l: &mut f64, b: &mut f64, s: &mut f64) {
        let pv = match spec.season {
            SeasonType::None => y,
            SeasonType::Additive => y - *s,
            SeasonType::Multiplicative => {
                if s.abs() < TOL {
                    1e10
                } else {
                    y / *s
                }
            }
        };
        let lnew = self.q + p.alpha * (pv - self.q);
        if spec.has_trend() {
            let r = lnew - *l;
            *b = self.phib + (p.beta / p.alpha) * (r - self.phib);
        }
        match spec.season {
            SeasonType::None => {}
            SeasonType::Additive => *s += p.gamma * (y - self.q - *s),
            SeasonType::Multiplicative => {
                let t = if self.q.abs() < TOL { 1e10 } else { y / self.q };
                *s += p.gamma * (t - *s);
            }
        }
        *l = lnew;
    }
}

/// Everything fixed while optimising one model form on one series.
struct Problem<'a> {
    y: &'a [f64],
    spec: EtsSpec,
    m: usize,
    seas0: Vec<f64>,
    l_init: f64,
    b_init: f64,
    scale: f64,
    sse_floor: f64,
}

const LO: f64 = 1e-4;
const HI: f64 = 0.9999;

impl Problem<'_> {
    fn n_coords(&self) -> usize {
        let s = self.spec;
        1 + usize::from(s.has_trend()) * 2
            + usize::from(s.has_season())
            + usize::from(s.trend == TrendType::Damped)
            + 1
    }

    /// Number of estimated quantities (smoothing parameters and initial states), without sigma.
    fn n_params(&self) -> usize {
        let s = self.spec;
        self.n_coords() + if s.has_season() { self.m - 1 } else { 0 }
    }

    fn decode(&self, x: &[f64]) -> (EtsParams, f64, f64) {
        let mut i = 0;
        let alpha = LO + (HI - LO) * sigmoid(x[i]);
        i += 1;
        let mut beta = 0.0;
        if self.spec.has_trend() {
            beta = LO + (alpha - LO) * sigmoid(x[i]);
            i += 1;
        }
        let mut gamma = 0.0;
        if self.spec.has_season() {
            gamma = LO + ((1.0 - alpha) - LO).max(0.0) * sigmoid(x[i]);
            i += 1;
        }
        let mut phi = 1.0;
        if self.spec.trend == TrendType::Damped {
            phi = 0.8 + 0.18 * sigmoid(x[i]);
            i += 1;
        }
        let l0 = self.l_init + x[i] * self.scale;
        i += 1;
        let b0 = if self.spec.has_trend() {
            self.b_init + x[i] * self.scale * 0.1
        } else {
            0.0
        };
        (
            EtsParams {
                alpha,
                beta,
                gamma,
                phi,
            },
            l0,
            b0,
        )
    }

    fn start(&self) -> (Vec<f64>, Vec<f64>) {
        let mut x = vec![logit((0.1 - LO) / (HI - LO))];
        let mut step = vec![1.5];
        if self.spec.has_trend() {
            x.push(logit(0.1));
            step.push(1.5);
        }
        if self.spec.has_season() {
            x.push(logit(0.05));
            step.push(1.5);
        }
        if self.spec.trend == TrendType::Damped {
            x.push(logit((0.97 - 0.8) / 0.18));
            step.push(1.5);
        }
        x.push(0.0);
        step.push(0.1);
        if self.spec.has_trend() {
            x.push(0.0);
            step.push(0.2);
        }
        (x, step)
    }

    /// Runs the recursion; returns `-2 log L` up to a constant (R's `lik`) and the sum of
    /// squared errors, or `None` when the model breaks down (non-positive forecasts of a
    /// multiplicative-error model).
    fn run(
        &self,
        p: EtsParams,
        l0: f64,
        b0: f64,
        s: &mut [f64],
        end: Option<&mut (f64, f64)>,
    ) -> Option<(f64, f64)> {
        let spec = self.spec;
        let (mut l, mut b) = (l0, b0);
        let m = self.m;
        s.copy_from_slice(&self.seas0);
        let mut sse = 0.0;
        // Sum of log forecasts, taken as the log of products of 8 to spare `ln` calls.
        let mut slog = 0.0;
        let mut prod = 1.0;
        let mut chunk = 0;
        let mult = spec.error == ErrorType::Multiplicative;
        let seasonal = spec.has_season();
        let mut dummy = 0.0;
        let mut j = 0;
        for &y in self.y {
            let si = if seasonal { &mut s[j] } else { &mut dummy };
            j += 1;
            if j == m {
                j = 0;
            }
            let step = Step::new(spec, l, b, *si, p.phi);
            let e = if mult {
                if step.yhat <= TOL || !step.yhat.is_finite() {
                    return None;
                }
                prod *= step.yhat;
                chunk += 1;
                if chunk == 8 {
                    slog += prod.ln();
                    prod = 1.0;
                    chunk = 0;
                }
                (y - step.yhat) / step.yhat
            } else {
                y - step.yhat
            };
            sse += e * e;
            step.update(spec, y, p, &mut l, &mut b, si);
        }
        slog += prod.ln();
        if !sse.is_finite() {
            return None;
        }
        if let Some(end) = end {
            *end = (l, b);
        }
        let n = self.y.len() as f64;
        let floor = if mult { 1e-20 * n } else { self.sse_floor };
        let sse = sse.max(floor);
        Some((n * sse.ln() + 2.0 * slog, sse))
    }
}

/// Optimiser settings of one fit.
#[derive(Debug, Clone, Copy)]
struct FitOpts<'a> {
    /// Evaluation budget.
    max_evals: usize,
    /// Relative tolerance on `-2 log L` between the best and worst simplex vertices.
    tol: f64,
    /// Nelder–Mead rounds (restarts from the best point + 1).
    rounds: usize,
    /// Warm start in optimiser coordinates (from a previous, looser fit of the same form).
    x0: Option<&'a [f64]>,
}

impl FitOpts<'_> {
    /// A full fit: budget `150 + 80 dim`, tolerance 1e-6, one restart.
    const FULL: FitOpts<'static> = FitOpts {
        max_evals: 0,
        tol: 1e-6,
        rounds: 2,
        x0: None,
    };
}

/// Fits one model form; `None` when the form does not apply to these data.
pub(crate) fn fit_spec(y: &[f64], spec: EtsSpec, m: usize) -> Option<FittedEts> {
    fit_spec_with(y, spec, m, FitOpts::FULL).map(|r| r.0)
}

/// [`fit_spec`] with optimiser settings; also returns the optimiser coordinates.
fn fit_spec_with(
    y: &[f64],
    spec: EtsSpec,
    m: usize,
    opts: FitOpts<'_>,
) -> Option<(FittedEts, Vec<f64>)> {
    let n = y.len();
    if n < 3 {
        return None;
    }
    let positive = y.iter().all(|&v| v > 0.0);
    if (spec.error == ErrorType::Multiplicative || spec.season == SeasonType::Multiplicative)
        && !positive
    {
        return None;
    }
    if spec.error == ErrorType::Additive && spec.season == SeasonType::Multiplicative {
        return None;
    }
    let m_eff = if spec.has_season() { m } else { 1 };
    let mut seas0 = vec![
        if spec.season == SeasonType::Multiplicative {
            1.0
        } else {
            0.0
        };
        m_eff
    ];
    let mut adjusted: Vec<f64> = y.to_vec();
    if spec.has_season() {
        if m < 2 || n < 2 * m {
            return None;
        }
        let mult = spec.season == SeasonType::Multiplicative;
        let idx = decompose(y, m, mult)?;
        let idx: Vec<f64> = if mult {
            idx.iter().map(|v| v.max(1e-2)).collect()
        } else {
            idx
        };
        for (t, v) in adjusted.iter_mut().enumerate() {
            if mult {
                *v /= idx[t % m];
            } else {
                *v -= idx[t % m];
            }
        }
        seas0 = idx;
    }
    let maxn = (2 * m).max(10).min(n);
    let (mut l_init, mut b_init) = if spec.has_trend() {
        linear_fit(&adjusted[..maxn])
    } else {
        (mean(&adjusted[..maxn]), 0.0)
    };
    if spec.has_trend() && (l_init + b_init).abs() < 1e-8 {
        l_init *= 1.001;
        b_init *= 1.001;
    }
    let scale = {
        let s = mean(&y.iter().map(|v| v.abs()).collect::<Vec<_>>());
        if s > 0.0 {
            s
        } else {
            1.0
        }
    };
    let prob = Problem {
        y,
        spec,
        m: m_eff,
        seas0,
        l_init,
        b_init,
        scale,
        sse_floor: 1e-12 * scale * scale * n as f64,
    };
    let k = prob.n_params();
    let mut s = vec![0.0; m_eff];
    let (x0, step) = prob.start();
    let x0 = opts.x0.map_or(x0, <[f64]>::to_vec);
    let dim = x0.len();
    let budget = if opts.max_evals == 0 {
        150 + 80 * dim
    } else {
        opts.max_evals
    };
    let (x, _) = nelder_mead(
        |x| {
            let (p, l0, b0) = prob.decode(x);
            prob.run(p, l0, b0, &mut s, None).map_or(1e300, |r| r.0)
        },
        &x0,
        &step,
        budget,
        opts.tol,
        opts.rounds,
    );
    let (params, l0, b0) = prob.decode(&x);
    let mut end = (0.0, 0.0);
    let (lik, sse) = prob.run(params, l0, b0, &mut s, Some(&mut end))?;
    let np = (k + 1) as f64;
    let nf = n as f64;
    let aic = lik + 2.0 * np;
    let aicc = if nf - np - 1.0 > 0.0 {
        aic + 2.0 * np * (np + 1.0) / (nf - np - 1.0)
    } else {
        f64::INFINITY
    };
    let dof = if n > k { (n - k) as f64 } else { nf };
    Some((
        FittedEts {
            spec,
            m: m_eff,
            params,
            level: end.0,
            slope: end.1,
            seasonal: s,
            n,
            sigma2: sse / dof,
            aicc,
            init: (l0, b0),
            seas0: prob.seas0,
            x: x.clone(),
        },
        x,
    ))
}

/// The candidate forms of automatic selection for `y` with season `m`.
pub(crate) fn candidates(y: &[f64], m: usize) -> Vec<EtsSpec> {
    let positive = y.iter().all(|&v| v > 0.0);
    let seasonal = m >= 2 && y.len() >= 2 * m;
    let mut out = Vec::new();
    for error in [ErrorType::Additive, ErrorType::Multiplicative] {
        if error == ErrorType::Multiplicative && !positive {
            continue;
        }
        for trend in [TrendType::None, TrendType::Additive, TrendType::Damped] {
            for season in [
                SeasonType::None,
                SeasonType::Additive,
                SeasonType::Multiplicative,
            ] {
                if season != SeasonType::None && !seasonal {
                    continue;
                }
                if season == SeasonType::Multiplicative
                    && (!positive || error == ErrorType::Additive)
                {
                    continue;
                }
                out.push(EtsSpec {
                    error,
                    trend,
                    season,
                });
            }
        }
    }
    out
}

/// Screening fits of automatic selection: a small budget, a loose tolerance, no restart.
const SCREEN: FitOpts<'static> = FitOpts {
    max_evals: 0,
    tol: 1e-3,
    rounds: 1,
    x0: None,
};

/// How many screened forms are refitted in full.
const POLISH: usize = 2;

/// Automatic selection by AICc in two stages: every candidate form is fitted with a loose
/// optimiser ([`SCREEN`]), then the [`POLISH`] best by AICc are refined by a full fit started
/// from their screening optimum, and the smallest AICc wins.
pub(crate) fn auto_ets(y: &[f64], m: usize) -> Option<FittedEts> {
    let mut screened: Vec<(FittedEts, Vec<f64>)> = candidates(y, m)
        .into_iter()
        .filter_map(|spec| fit_spec_with(y, spec, m, SCREEN))
        .filter(|(f, _)| f.aicc.is_finite())
        .collect();
    screened.sort_by(|a, b| a.0.aicc.total_cmp(&b.0.aicc));
    let mut best: Option<FittedEts> = None;
    for (f, x) in screened.into_iter().take(POLISH) {
        let polished = fit_spec_with(
            y,
            f.spec,
            m,
            FitOpts {
                x0: Some(&x),
                ..FitOpts::FULL
            },
        )
        .map(|r| r.0)
        .filter(|p| p.aicc <= f.aicc)
        .unwrap_or(f);
        if best.as_ref().is_none_or(|b| polished.aicc < b.aicc) {
            best = Some(polished);
        }
    }
    best.or_else(|| fit_spec(y, EtsSpec::ANN, 1))
}

impl Forecaster for Ets {
    type Fitted = FittedEts;

    /// # Errors
    /// [`ForecastError::TooShort`] with fewer than 3 months (or too few for the requested
    /// form: two seasons for seasonal forms); [`ForecastError::InvalidValue`] for a negative or
    /// non-finite value.
    fn fit(&self, history: &[f64]) -> Result<FittedEts, ForecastError> {
        validate(history, "ets")?;
        let too_short = |need| ForecastError::TooShort {
            method: "ets",
            got: history.len(),
            need,
        };
        if history.len() < 3 {
            return Err(too_short(3));
        }
        match self.spec {
            None => auto_ets(history, self.season).ok_or(too_short(3)),
            Some(spec) => {
                let need = if spec.has_season() {
                    2 * self.season
                } else {
                    3
                };
                fit_spec(history, spec, self.season).ok_or(too_short(need))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::PathRng;

    const EPS: f64 = 1e-9;

    #[track_caller]
    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} != {b} (tol {tol})");
    }

    fn problem(y: &[f64], spec: EtsSpec) -> Problem<'_> {
        Problem {
            y,
            spec,
            m: 1,
            seas0: vec![0.0],
            l_init: 0.0,
            b_init: 0.0,
            scale: 1.0,
            sse_floor: 0.0,
        }
    }

    #[test]
    fn ses_recursion_by_hand() {
        // alpha = 0.5, l0 = 10, y = 12, 11, 13:
        // yhat 10 -> e 2 -> l 11; yhat 11 -> e 0 -> l 11; yhat 11 -> e 2 -> l 12. SSE = 8.
        let y = [12.0, 11.0, 13.0];
        let pr = problem(&y, EtsSpec::ANN);
        let p = EtsParams {
            alpha: 0.5,
            beta: 0.0,
            gamma: 0.0,
            phi: 1.0,
        };
        let mut s = vec![0.0];
        let mut end = (0.0, 0.0);
        let (lik, sse) = pr.run(p, 10.0, 0.0, &mut s, Some(&mut end)).unwrap();
        close(sse, 8.0, EPS);
        close(end.0, 12.0, EPS);
        close(lik, 3.0 * 8f64.ln(), EPS);
    }

    #[test]
    fn holt_recursion_by_hand() {
        // Holt, alpha = 0.5, beta = 0.25 (error-correction form), l0 = 10, b0 = 1, y = 12, 13.
        // t1: yhat 11, e 1, l = 11 + 0.5 = 11.5, b = 1 + 0.25 = 1.25.
        // t2: yhat 12.75, e 0.25, l = 12.75 + 0.125 = 12.875, b = 1.25 + 0.0625 = 1.3125.
        let y = [12.0, 13.0];
        let spec = EtsSpec {
            error: ErrorType::Additive,
            trend: TrendType::Additive,
            season: SeasonType::None,
        };
        let pr = problem(&y, spec);
        let p = EtsParams {
            alpha: 0.5,
            beta: 0.25,
            gamma: 0.0,
            phi: 1.0,
        };
        let mut s = vec![0.0];
        let mut end = (0.0, 0.0);
        let (_, sse) = pr.run(p, 10.0, 1.0, &mut s, Some(&mut end)).unwrap();
        close(end.0, 12.875, EPS);
        close(end.1, 1.3125, EPS);
        close(sse, 1.0 + 0.0625, EPS);
    }

    #[test]
    fn analytic_variance_of_ses() {
        let f = fitted_ses();
        // v_h = sigma^2 (1 + (h - 1) alpha^2)
        let sd = f.forecast_sd(&[10.0; 3]);
        close(sd[0], 2.0, EPS);
        close(sd[2], (4.0f64 * 1.5).sqrt(), EPS);
    }

    #[test]
    fn class2_variance_by_hand() {
        // ETS(M,N,N), alpha 0.5, sigma^2 0.01, mu = 10: theta_1 = 100, v_1 = 1.01 * 100 - 100
        // = 1; theta_2 = 100 + 0.01 * 0.25 * 100 = 100.25, v_2 = 1.01 * 100.25 - 100 = 1.2525.
        let mut f = fitted_ses();
        f.spec.error = ErrorType::Multiplicative;
        f.sigma2 = 0.01;
        let sd = f.forecast_sd(&[10.0, 10.0]);
        close(sd[0], 1.0, 1e-12);
        close(sd[1], 1.2525f64.sqrt(), 1e-12);
    }

    #[test]
    fn refilter_on_the_full_history_reproduces_the_fit() {
        let y = simulate_ann(0.3, 2.0, 60, 11);
        let f = fit_spec(&y, EtsSpec::ANN, 12).unwrap();
        let g = f.refilter(&y).unwrap();
        close(g.level, f.level, 1e-9);
        close(g.sigma2, f.sigma2, 1e-9);
        let short = f.refilter(&y[..40]).unwrap();
        assert_eq!(short.n, 40);
    }

    /// ETS(A,N,N) with alpha 0.5, level 10 and sigma^2 4: the fit of the variance tests.
    fn fitted_ses() -> FittedEts {
        FittedEts {
            spec: EtsSpec::ANN,
            m: 1,
            params: EtsParams {
                alpha: 0.5,
                beta: 0.0,
                gamma: 0.0,
                phi: 1.0,
            },
            level: 10.0,
            slope: 0.0,
            seasonal: vec![0.0],
            n: 5,
            sigma2: 4.0,
            aicc: 0.0,
            init: (0.0, 0.0),
            seas0: vec![0.0],
            x: Vec::new(),
        }
    }

    fn simulate_ann(alpha: f64, sigma: f64, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = PathRng::new(seed, 0);
        let mut l = 100.0;
        (0..n)
            .map(|_| {
                let e = sigma * rng.normal();
                let y = l + e;
                l += alpha * e;
                y
            })
            .collect()
    }

    #[test]
    fn recovers_ses_parameters() {
        let y = simulate_ann(0.3, 2.0, 400, 7);
        let f = Ets {
            spec: Some(EtsSpec::ANN),
            season: 12,
        }
        .fit(&y)
        .unwrap();
        close(f.params().alpha, 0.3, 0.1);
        close(f.sigma2().sqrt(), 2.0, 0.2);
    }

    #[test]
    fn recovers_seasonal_model() {
        // Trend + multiplicative season with small noise: auto selection finds a seasonal model.
        let mut rng = PathRng::new(3, 0);
        let y: Vec<f64> = (0..96)
            .map(|t| {
                let s = 1.0 + 0.3 * (std::f64::consts::TAU * t as f64 / 12.0).sin();
                (100.0 + t as f64) * s * (1.0 + 0.02 * rng.normal())
            })
            .collect();
        let f = Ets::default().fit(&y).unwrap();
        assert_ne!(f.spec().season, SeasonType::None, "{}", f.spec());
        let fc = f.predict(12, &[]);
        for (i, p) in fc.point.iter().enumerate() {
            let t = 96 + i;
            let truth =
                (100.0 + t as f64) * (1.0 + 0.3 * (std::f64::consts::TAU * t as f64 / 12.0).sin());
            assert!((p - truth).abs() / truth < 0.06, "{p} vs {truth}");
        }
    }

    #[test]
    fn ses_coverage_on_simulated_series() {
        // 300 series from ETS(A,N,N); the 80 % one-to-six-step intervals cover about 80 %.
        let lv = Level::new(80.0).unwrap();
        let (mut hit, mut tot) = (0usize, 0usize);
        for k in 0..300u64 {
            let y = simulate_ann(0.3, 5.0, 66, 1000 + k);
            let (train, test) = y.split_at(60);
            let f = Ets {
                spec: Some(EtsSpec::ANN),
                season: 12,
            }
            .fit(train)
            .unwrap();
            let fc = f.predict(6, &[lv]);
            for (i, a) in test.iter().enumerate() {
                tot += 1;
                if *a >= fc.intervals[0].lo[i] && *a <= fc.intervals[0].hi[i] {
                    hit += 1;
                }
            }
        }
        let cov = hit as f64 / tot as f64;
        assert!((cov - 0.8).abs() < 0.04, "coverage {cov}");
    }
}
