//! Seasonal ARIMA `(p,d,q)(P,D,Q)_m` chosen automatically as in Hyndman & Khandakar (2008),
//! "Automatic time series forecasting: the forecast package for R", JSS 27(3).
//!
//! Model, with `B` the backshift operator and `w_t = (1 - B)^d (1 - B^m)^D y_t`:
//! `phi(B) Phi(B^m) (w_t - mu) = theta(B) Theta(B^m) e_t`, `phi(B) = 1 - phi_1 B - ...`,
//! `theta(B) = 1 + theta_1 B + ...` (R's sign convention). `mu` (the mean of `w`, a drift when
//! `d + D = 1`) is only allowed when `d + D <= 1`.
//!
//! Orders: `D = 1` when the seasonal strength of a classical additive decomposition,
//! `max(0, 1 - var(remainder) / var(seasonal + remainder))`, is at least 0.64 (R
//! `forecast::nsdiffs`' default test) and the history has three seasons; then `d` is the
//! number of differences (at most 2, and `d + D <= 2`) after which the KPSS level
//! stationarity test no longer rejects at 5 % (critical value 0.463, `trunc(4 (n/100)^0.25)`
//! lags, as `forecast::ndiffs`). `p, q <= 3`, `P, Q <= 1`, `p + q + P + Q <= 5`, chosen by a
//! stepwise search on AICc started from `(2,d,2)(1,D,1)`, `(0,d,0)(0,D,0)`, `(1,d,0)(1,D,0)`
//! and `(0,d,1)(0,D,1)`, moving one of `p, q, P, Q` (or `p` and `q`, or `P` and `Q`
//! together) by one and toggling the constant, until no neighbour improves (at most 16
//! models; 8 in the quick search of [`Arima::quick`]).
//!
//! Estimation: conditional sum of squares (residuals of the first `p + m P` differenced values
//! set to zero, `mu` fixed at the mean of `w`), minimised by Nelder–Mead over the partial
//! autocorrelations of each polynomial (`tanh` of free coordinates, Durbin–Levinson to
//! coefficients), so every fit is stationary and invertible (Jones 1980). AICc from the
//! conditional Gaussian likelihood with `n'` = residuals used.
//!
//! Forecasts: the ARMA recursion on `w` with future errors zero, integrated back through the
//! differencing polynomial. Bounds: normal, `sd_h = sigma sqrt(psi_0^2 + ... + psi_{h-1}^2)`
//! with `psi` the MA(infinity) weights of the full model (differencing included), `sigma^2 =
//! SSE / (n' - parameters)`.

use std::borrow::Cow;

use super::util::{mean, nelder_mead, normal_forecast, validate};
use super::{FittedForecaster, Forecast, ForecastError, Forecaster, Level};

/// Most models the stepwise search fits per series, and Nelder–Mead evaluations per
/// estimated coefficient (plus one): `(models, evaluations)`, full and quick.
const SEARCH_FULL: (usize, usize) = (16, 40);
/// The quick search of [`Arima::quick`], used inside the automatic choice: on M3 monthly it
/// moved the automatic choice's MASE from 0.8312 (12 models, 25 evaluations) to 0.8279 at
/// twice the speed (the three-model blend forgives a rougher ARIMA).
const SEARCH_QUICK: (usize, usize) = (8, 15);
/// Nelder–Mead evaluations per coefficient (plus one) of [`FittedArima::refit_quick`].
const REFIT_EVALS: usize = 8;
/// Seasonal strength from which the series is differenced seasonally.
const SEASONAL_STRENGTH: f64 = 0.64;
/// KPSS 5 % critical value (level stationarity; Kwiatkowski et al. 1992, table 1).
const KPSS_CRITICAL: f64 = 0.463;

/// The orders of a seasonal ARIMA model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ArimaOrder {
    /// Non-seasonal autoregressive order.
    pub p: usize,
    /// Non-seasonal differences.
    pub d: usize,
    /// Non-seasonal moving average order.
    pub q: usize,
    /// Seasonal autoregressive order.
    pub sp: usize,
    /// Seasonal differences.
    pub sd: usize,
    /// Seasonal moving average order.
    pub sq: usize,
}

/// Automatic (or fixed-order) seasonal ARIMA settings.
///
/// | Name | Default | Meaning |
/// |---|---|---|
/// | `season` | 12 | season length `m`; 1 = non-seasonal |
/// | `order` | `None` (stepwise search) | a fixed order |
/// | `constant` | `None` (searched) | force the mean / drift in or out (only when `d + D <= 1`) |
/// | `quick` | `false` | a shorter search (8 models, 15 evaluations per coefficient) |
#[derive(Debug, Clone, Copy)]
pub struct Arima {
    /// Season length in months.
    pub season: usize,
    /// A fixed order instead of the automatic choice.
    pub order: Option<ArimaOrder>,
    /// Force the constant in (`Some(true)`) or out; `None` lets the search decide.
    pub constant: Option<bool>,
    /// The quick search (at most 8 models, 15 Nelder–Mead evaluations per coefficient, instead
    /// of 16 and 40), about three times faster; the automatic choice uses it.
    pub quick: bool,
}

impl Default for Arima {
    fn default() -> Self {
        Self {
            season: 12,
            order: None,
            constant: None,
            quick: false,
        }
    }
}

/// A fitted seasonal ARIMA model.
#[derive(Debug, Clone)]
pub struct FittedArima {
    order: ArimaOrder,
    m: usize,
    /// Mean of the differenced series, when the model has a constant.
    mu: Option<f64>,
    ar: Vec<f64>,
    ma: Vec<f64>,
    sar: Vec<f64>,
    sma: Vec<f64>,
    sigma2: f64,
    aicc: f64,
    /// The optimiser's free coordinates of the coefficients (to warm-start a refit).
    u: Vec<f64>,
    /// The last `d + m D` values of the history (enough to integrate the forecasts).
    y_tail: Vec<f64>,
    /// The last values of the centred differenced series (as many as the expanded AR
    /// polynomial needs) and the matching residuals (as many as the MA polynomial needs).
    x_tail: Vec<f64>,
    e_tail: Vec<f64>,
}

impl FittedArima {
    /// The model's orders.
    pub fn order(&self) -> ArimaOrder {
        self.order
    }
    /// Non-seasonal AR coefficients `phi_1..phi_p`.
    pub fn ar(&self) -> &[f64] {
        &self.ar
    }
    /// Non-seasonal MA coefficients `theta_1..theta_q`.
    pub fn ma(&self) -> &[f64] {
        &self.ma
    }
    /// Seasonal AR coefficients `Phi_1..Phi_P`.
    pub fn sar(&self) -> &[f64] {
        &self.sar
    }
    /// Seasonal MA coefficients `Theta_1..Theta_Q`.
    pub fn sma(&self) -> &[f64] {
        &self.sma
    }
    /// The mean (or drift) of the differenced series, when the model has one.
    pub fn constant(&self) -> Option<f64> {
        self.mu
    }
    /// Innovation variance.
    pub fn sigma2(&self) -> f64 {
        self.sigma2
    }
    /// AICc of the conditional likelihood.
    pub fn aicc(&self) -> f64 {
        self.aicc
    }

    /// The MA(infinity) weights `psi_0 = 1, psi_1, ...` of the full model (differencing
    /// included), `count` of them.
    pub fn psi(&self, count: usize) -> Vec<f64> {
        let arf = expand_ar(&self.ar, &self.sar, self.m);
        let delta = diff_poly(self.order.d, self.order.sd, self.m);
        // Full AR polynomial a(B) delta(B) in "1 - sum" form.
        let mut c = vec![1.0];
        c.extend(arf.iter().map(|v| -v));
        let full = poly_mul(&c, &delta);
        let phi: Vec<f64> = full[1..].iter().map(|v| -v).collect();
        let maf = expand_ma(&self.ma, &self.sma, self.m);
        psi_weights(&phi, &maf, count)
    }

    /// The same orders and coefficients run over another history (typically a prefix of the
    /// fitted one): residuals, `sigma` and the forecast state are recomputed, nothing is
    /// re-estimated. `None` when the history is too short for the model.
    pub(crate) fn refilter(&self, history: &[f64]) -> Option<FittedArima> {
        let w = difference(history, self.order.d, self.order.sd, self.m);
        let arf = expand_ar(&self.ar, &self.sar, self.m);
        let maf = expand_ma(&self.ma, &self.sma, self.m);
        let np = arf.len();
        let k = self.ar.len() + self.ma.len() + self.sar.len() + self.sma.len();
        if w.len() < np + k + 3 {
            return None;
        }
        let mu = self.mu.map(|_| mean(&w));
        let x: Vec<f64> = w.iter().map(|v| v - mu.unwrap_or(0.0)).collect();
        let mut e = vec![0.0; x.len()];
        let sse = css(&x, &arf, &maf, &mut e);
        let used = (x.len() - np) as f64;
        let npar = k + usize::from(mu.is_some());
        let dof = (used - npar as f64).max(1.0);
        let mut out = self.clone();
        out.mu = mu;
        out.sigma2 = sse / dof;
        out.set_tails(history, &x, &e, np, maf.len());
        Some(out)
    }

    /// The same orders re-estimated on another history (typically a prefix of the fitted one)
    /// by a quick optimisation started from this fit's coefficients; falls back to
    /// [`Self::refilter`] when that fails.
    pub(crate) fn refit_quick(&self, history: &[f64]) -> Option<FittedArima> {
        let w = difference(history, self.order.d, self.order.sd, self.m);
        match fit_order(
            &w,
            self.order,
            self.m,
            self.mu.is_some(),
            REFIT_EVALS,
            Some(&self.u),
        ) {
            Some(cand) => Some(FittedArima::from_candidate(
                self.order, self.m, cand, history,
            )),
            None => self.refilter(history),
        }
    }

    fn from_candidate(order: ArimaOrder, m: usize, cand: Candidate, history: &[f64]) -> Self {
        let [ar, ma, sar, sma] = cand.coefs;
        let mut fitted = FittedArima {
            order,
            m,
            mu: cand.mu,
            ar,
            ma,
            sar,
            sma,
            sigma2: cand.sse_dof,
            aicc: cand.aicc,
            u: cand.u,
            y_tail: Vec::new(),
            x_tail: Vec::new(),
            e_tail: Vec::new(),
        };
        fitted.set_tails(history, &cand.x, &cand.e, cand.np, cand.nq);
        fitted
    }

    fn set_tails(&mut self, y: &[f64], x: &[f64], e: &[f64], np: usize, nq: usize) {
        let ny = self.order.d + self.m * self.order.sd;
        self.y_tail = y[y.len().saturating_sub(ny)..].to_vec();
        self.x_tail = x[x.len().saturating_sub(np)..].to_vec();
        self.e_tail = e[e.len().saturating_sub(nq)..].to_vec();
    }

    /// Point forecasts `horizon` steps ahead.
    fn point(&self, horizon: usize) -> Vec<f64> {
        let arf = expand_ar(&self.ar, &self.sar, self.m);
        let maf = expand_ma(&self.ma, &self.sma, self.m);
        let np = self.x_tail.len();
        let nq = self.e_tail.len();
        let mut x = self.x_tail.clone();
        for k in 0..horizon {
            let t = np + k;
            let mut v = 0.0;
            for (i, a) in arf.iter().enumerate() {
                if i < t {
                    v += a * x[t - 1 - i];
                }
            }
            // Future errors are zero: only past residuals e_{n+k-j}, j > k, contribute.
            for (j, b) in maf.iter().enumerate().skip(k) {
                let idx = nq + k - 1 - j; // position of e_{n+k-(j+1)} in e_tail
                if let Some(ev) = self.e_tail.get(idx) {
                    v += b * ev;
                }
            }
            x.push(v);
        }
        let mu = self.mu.unwrap_or(0.0);
        let w: Vec<f64> = x[np..].iter().map(|v| v + mu).collect();
        integrate(&w, &self.y_tail, self.order.d, self.order.sd, self.m)
    }
}

impl FittedForecaster for FittedArima {
    fn name(&self) -> Cow<'static, str> {
        let o = self.order;
        let mut s = format!("ARIMA({},{},{})", o.p, o.d, o.q);
        if o.sp + o.sd + o.sq > 0 {
            s.push_str(&format!("({},{},{})[{}]", o.sp, o.sd, o.sq, self.m));
        }
        if self.mu.is_some() {
            s.push_str(if o.d + o.sd == 0 {
                " with mean"
            } else {
                " with drift"
            });
        }
        Cow::Owned(s)
    }

    fn predict(&self, horizon: usize, levels: &[Level]) -> Forecast {
        let point = self.point(horizon);
        let psi = self.psi(horizon);
        let sigma = self.sigma2.max(0.0).sqrt();
        let mut acc = 0.0;
        let sd: Vec<f64> = psi
            .iter()
            .map(|p| {
                acc += p * p;
                sigma * acc.sqrt()
            })
            .collect();
        normal_forecast(point, &sd, levels)
    }
}

/// Polynomial product (coefficients from degree 0).
fn poly_mul(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; a.len() + b.len() - 1];
    for (i, x) in a.iter().enumerate() {
        if *x == 0.0 {
            continue;
        }
        for (j, y) in b.iter().enumerate() {
            out[i + j] += x * y;
        }
    }
    out
}

/// `(1 - B)^d (1 - B^m)^D` from degree 0.
fn diff_poly(d: usize, sd: usize, m: usize) -> Vec<f64> {
    let mut p = vec![1.0];
    for _ in 0..d {
        p = poly_mul(&p, &[1.0, -1.0]);
    }
    for _ in 0..sd {
        let mut s = vec![0.0; m + 1];
        s[0] = 1.0;
        s[m] = -1.0;
        p = poly_mul(&p, &s);
    }
    p
}

/// The coefficients, from degree 0, of `(1 + s sum first_i B^i) (1 + s sum seasonal_k B^(k m))`
/// into `dense`, `s` being -1 when `negate` (an AR polynomial) and 1 otherwise (an MA one):
/// each product term added in the order of [`poly_mul`]'s, the zero terms of the seasonal
/// factor skipped (adding them changes no sum).
fn seasonal_product_into(
    first: &[f64],
    seasonal: &[f64],
    m: usize,
    negate: bool,
    dense: &mut Vec<f64>,
) {
    let sign = if negate { -1.0 } else { 1.0 };
    dense.clear();
    dense.resize(first.len() + seasonal.len() * m + 1, 0.0);
    for i in 0..=first.len() {
        let x = if i == 0 { 1.0 } else { sign * first[i - 1] };
        if x == 0.0 {
            continue;
        }
        dense[i] += x;
        for (k, v) in seasonal.iter().enumerate() {
            dense[i + (k + 1) * m] += x * (sign * v);
        }
    }
}

/// The expanded AR coefficients `a_i` of `phi(B) Phi(B^m) = 1 - sum a_i B^i`.
fn expand_ar(ar: &[f64], sar: &[f64], m: usize) -> Vec<f64> {
    let mut full = Vec::new();
    seasonal_product_into(ar, sar, m, true, &mut full);
    trim(full[1..].iter().map(|v| -v).collect())
}

/// The expanded MA coefficients `b_j` of `theta(B) Theta(B^m) = 1 + sum b_j B^j`.
fn expand_ma(ma: &[f64], sma: &[f64], m: usize) -> Vec<f64> {
    let mut full = Vec::new();
    seasonal_product_into(ma, sma, m, false, &mut full);
    trim(full[1..].to_vec())
}

/// Drops trailing zero coefficients.
fn trim(mut v: Vec<f64>) -> Vec<f64> {
    while v.last() == Some(&0.0) {
        v.pop();
    }
    v
}

/// The MA(infinity) weights of `x_t = sum phi_i x_{t-i} + e_t + sum theta_j e_{t-j}`.
fn psi_weights(phi: &[f64], theta: &[f64], count: usize) -> Vec<f64> {
    let mut psi = Vec::with_capacity(count);
    for j in 0..count {
        if j == 0 {
            psi.push(1.0);
            continue;
        }
        let mut v = theta.get(j - 1).copied().unwrap_or(0.0);
        for (i, a) in phi.iter().enumerate().take(j) {
            v += a * psi[j - 1 - i];
        }
        psi.push(v);
    }
    psi
}

/// `w = (1 - B)^d (1 - B^m)^D y` (shorter by `d + m D`).
fn difference(y: &[f64], d: usize, sd: usize, m: usize) -> Vec<f64> {
    let mut w = y.to_vec();
    for _ in 0..sd {
        w = (m..w.len()).map(|t| w[t] - w[t - m]).collect();
    }
    for _ in 0..d {
        w = (1..w.len()).map(|t| w[t] - w[t - 1]).collect();
    }
    w
}

/// Future values of `y` from future values of `w` and the last `d + m D` values of `y`.
fn integrate(w: &[f64], y_tail: &[f64], d: usize, sd: usize, m: usize) -> Vec<f64> {
    let delta = diff_poly(d, sd, m);
    let mut y = y_tail.to_vec();
    let base = y.len();
    for (k, wv) in w.iter().enumerate() {
        let t = base + k;
        let mut v = *wv;
        for (i, c) in delta.iter().enumerate().skip(1) {
            if i <= t {
                v -= c * y[t - i];
            }
        }
        y.push(v);
    }
    y[base..].to_vec()
}

/// The non-zero coefficients of an expanded polynomial as `(lag, coefficient)`, lags from 1.
fn sparse(c: &[f64]) -> Vec<(usize, f64)> {
    c.iter()
        .enumerate()
        .filter(|(_, v)| **v != 0.0)
        .map(|(i, v)| (i + 1, *v))
        .collect()
}

/// Conditional sum of squares of `x` (centred) under the expanded polynomials; fills `e`.
fn css(x: &[f64], arf: &[f64], maf: &[f64], e: &mut [f64]) -> f64 {
    css_sparse(x, arf.len(), &sparse(arf), &sparse(maf), e)
}

/// [`css`] with the polynomials as [`sparse`] lists and `np` conditioning values (every AR lag
/// at most `np`).
///
/// The AR part does not depend on the residuals, so it is taken lag by lag over the whole
/// series (a loop the compiler vectorises); the MA recursion then runs month by month, its
/// guard against lags before the start only where a lag can reach it, and the lag-1 term
/// subtracted last, so that only it waits on the previous residual. The plain month-by-month
/// loop, lags in ascending order, gives the same residuals up to rounding (the order of the
/// MA terms' subtractions is the only difference).
fn css_sparse(
    x: &[f64],
    np: usize,
    ar: &[(usize, f64)],
    ma: &[(usize, f64)],
    e: &mut [f64],
) -> f64 {
    let n = x.len();
    let e = &mut e[..n];
    if np >= n {
        e.fill(0.0);
        return 0.0;
    }
    e[..np].fill(0.0);
    e[np..].copy_from_slice(&x[np..]);
    for &(lag, a) in ar {
        debug_assert!(
            lag <= np,
            "AR lag {lag} beyond the {np} conditioning values"
        );
        for (v, &xl) in e[np..].iter_mut().zip(&x[np - lag..n - lag]) {
            *v -= a * xl;
        }
    }
    // From `from` on, every MA lag falls inside the series.
    let reach = ma.iter().map(|&(lag, _)| lag).max().unwrap_or(0);
    let from = reach.clamp(np, n);
    let mut sse = 0.0;
    for t in np..from {
        let mut v = e[t];
        for &(lag, b) in ma {
            if lag <= t {
                v -= b * e[t - lag];
            }
        }
        e[t] = v;
        sse += v * v;
    }
    // The lag-1 term last: the other lags' terms are known before the previous month's
    // residual is, so only one multiply and one subtraction wait on it.
    match ma.split_first() {
        Some((&(1, b1), rest)) => {
            // The previous residual kept in a register rather than read back from `e`.
            let mut prev = if from > 0 { e[from - 1] } else { 0.0 };
            for t in from..n {
                let mut v = e[t];
                for &(lag, b) in rest {
                    v -= b * e[t - lag];
                }
                v -= b1 * prev;
                e[t] = v;
                prev = v;
                sse += v * v;
            }
        }
        _ => {
            for t in from..n {
                let mut v = e[t];
                for &(lag, b) in ma {
                    v -= b * e[t - lag];
                }
                e[t] = v;
                sse += v * v;
            }
        }
    }
    sse
}

/// The non-zero coefficients of `expand_ar(first, seasonal, m)` (`negate`) or
/// `expand_ma(first, seasonal, m)` as [`sparse`] gives them, into `out`, with `dense` as
/// scratch: no new vector per call (the CSS objective runs this thousands of times per fit).
fn expand_sparse_into(
    first: &[f64],
    seasonal: &[f64],
    m: usize,
    negate: bool,
    dense: &mut Vec<f64>,
    out: &mut Vec<(usize, f64)>,
) {
    seasonal_product_into(first, seasonal, m, negate, dense);
    let sign = if negate { -1.0 } else { 1.0 };
    out.clear();
    out.extend(
        dense
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, v)| (i, sign * v))
            .filter(|(_, v)| *v != 0.0),
    );
}

/// [`pacf_to_coef`] into `out` (negated when `negate`), without allocating: each
/// Durbin–Levinson step updates the pair `(j, k - 1 - j)` from their old values.
fn pacf_to_coef_into(u: &[f64], negate: bool, out: &mut Vec<f64>) {
    out.clear();
    for (k, x) in u.iter().enumerate() {
        let r = x.tanh() * 0.98;
        for j in 0..k / 2 {
            let (a, b) = (out[j], out[k - 1 - j]);
            out[j] = a - r * b;
            out[k - 1 - j] = b - r * a;
        }
        if k % 2 == 1 {
            let c = out[k / 2];
            out[k / 2] = c - r * c;
        }
        out.push(r);
    }
    if negate {
        for v in out.iter_mut() {
            *v = -*v;
        }
    }
}

/// Coefficients `phi_1..phi_k` of a stationary `1 - sum phi_i B^i` from free coordinates
/// (partial autocorrelations `tanh(u)`, Durbin–Levinson).
fn pacf_to_coef(u: &[f64]) -> Vec<f64> {
    let mut phi = Vec::with_capacity(u.len());
    pacf_to_coef_into(u, false, &mut phi);
    phi
}

/// Kwiatkowski–Phillips–Schmidt–Shin level stationarity statistic.
fn kpss(x: &[f64]) -> f64 {
    let n = x.len();
    let mu = mean(x);
    let e: Vec<f64> = x.iter().map(|v| v - mu).collect();
    let lags = (4.0 * (n as f64 / 100.0).powf(0.25)) as usize;
    let gamma = |k: usize| (k..n).map(|t| e[t] * e[t - k]).sum::<f64>() / n as f64;
    let mut s2 = gamma(0);
    for k in 1..=lags.min(n.saturating_sub(1)) {
        s2 += 2.0 * (1.0 - k as f64 / (lags + 1) as f64) * gamma(k);
    }
    if s2 <= 0.0 {
        return 0.0;
    }
    let mut cum = 0.0;
    let mut eta = 0.0;
    for v in &e {
        cum += v;
        eta += cum * cum;
    }
    eta / (n as f64 * n as f64 * s2)
}

/// Seasonal strength of a classical additive decomposition (0 when it cannot be computed).
fn seasonal_strength(x: &[f64], m: usize) -> f64 {
    let n = x.len();
    let Some(idx) = super::util::decompose(x, m, false) else {
        return 0.0;
    };
    let half = m / 2;
    let mut rem = Vec::new();
    let mut sr = Vec::new();
    for t in half..n.saturating_sub(half) {
        let trend = if m & 1 == 0 {
            let inner: f64 = x[t + 1 - half..t + half].iter().sum();
            (inner + 0.5 * (x[t - half] + x[t + half])) / m as f64
        } else {
            x[t - half..=t + half].iter().sum::<f64>() / m as f64
        };
        let detr = x[t] - trend;
        rem.push(detr - idx[t % m]);
        sr.push(detr);
    }
    let vs = super::util::variance(&sr);
    if vs <= 0.0 {
        return 0.0;
    }
    (1.0 - super::util::variance(&rem) / vs).max(0.0)
}

/// The differencing orders `(d, D)` (see the module documentation).
fn choose_differences(y: &[f64], m: usize) -> (usize, usize) {
    let sd = usize::from(m > 1 && y.len() >= 3 * m && seasonal_strength(y, m) >= SEASONAL_STRENGTH);
    let mut w = difference(y, 0, sd, m);
    let mut d = 0;
    while d + sd < 2 && w.len() > 10 {
        if super::util::variance(&w) <= 0.0 || kpss(&w) <= KPSS_CRITICAL {
            break;
        }
        d += 1;
        w = difference(&w, 1, 0, 1);
    }
    (d, sd)
}

/// One CSS fit of fixed orders on the differenced series `w`.
struct Candidate {
    aicc: f64,
    sse_dof: f64,
    coefs: [Vec<f64>; 4],
    u: Vec<f64>,
    mu: Option<f64>,
    x: Vec<f64>,
    e: Vec<f64>,
    np: usize,
    nq: usize,
}

fn fit_order(
    w: &[f64],
    o: ArimaOrder,
    m: usize,
    constant: bool,
    evals: usize,
    start: Option<&[f64]>,
) -> Option<Candidate> {
    let k = o.p + o.q + o.sp + o.sq;
    let np = o.p + m * o.sp;
    let used = w.len().checked_sub(np)?;
    let npar = k + usize::from(constant) + 1;
    if used < npar + 4 {
        return None;
    }
    let mu = constant.then(|| mean(w));
    let x: Vec<f64> = w.iter().map(|v| v - mu.unwrap_or(0.0)).collect();
    let mut e = vec![0.0; x.len()];
    let split = |u: &[f64]| -> [Vec<f64>; 4] {
        let (a, rest) = u.split_at(o.p);
        let (b, rest) = rest.split_at(o.q);
        let (c, dd) = rest.split_at(o.sp);
        [
            pacf_to_coef(a),
            pacf_to_coef(b).iter().map(|v| -v).collect(),
            pacf_to_coef(c),
            pacf_to_coef(dd).iter().map(|v| -v).collect(),
        ]
    };
    // Buffers the objective reuses at every evaluation: the four coefficient vectors, a dense
    // product and the sparse expanded polynomials (the same numbers `split`, `expand_ar`,
    // `expand_ma` and `sparse` give).
    let mut c: [Vec<f64>; 4] = Default::default();
    let (mut dense, mut ar, mut ma) = (Vec::new(), Vec::new(), Vec::new());
    let mut objective = |u: &[f64]| {
        let (a, rest) = u.split_at(o.p);
        let (b, rest) = rest.split_at(o.q);
        let (sa, sm) = rest.split_at(o.sp);
        for (out, (part, negate)) in
            c.iter_mut()
                .zip([(a, false), (b, true), (sa, false), (sm, true)])
        {
            pacf_to_coef_into(part, negate, out);
        }
        expand_sparse_into(&c[0], &c[2], m, true, &mut dense, &mut ar);
        expand_sparse_into(&c[1], &c[3], m, false, &mut dense, &mut ma);
        css_sparse(&x, np, &ar, &ma, &mut e)
    };
    let u = if k == 0 {
        Vec::new()
    } else {
        let x0 = match start {
            Some(u) if u.len() == k => u.to_vec(),
            _ => vec![0.0; k],
        };
        let step = vec![if start.is_some() { 0.2 } else { 0.5 }; k];
        nelder_mead(&mut objective, &x0, &step, evals * (k + 1), 1e-6, 1).0
    };
    let coefs = split(&u);
    let arf = expand_ar(&coefs[0], &coefs[2], m);
    let maf = expand_ma(&coefs[1], &coefs[3], m);
    let sse = css_sparse(&x, np, &sparse(&arf), &sparse(&maf), &mut e);
    if !sse.is_finite() {
        return None;
    }
    let nu = used as f64;
    let s2_ml = (sse / nu).max(1e-300);
    let loglik = -0.5 * nu * ((2.0 * std::f64::consts::PI * s2_ml).ln() + 1.0);
    let kp = npar as f64;
    let aicc = -2.0 * loglik + 2.0 * kp + 2.0 * kp * (kp + 1.0) / (nu - kp - 1.0);
    Some(Candidate {
        aicc,
        sse_dof: sse / (nu - (npar - 1) as f64).max(1.0),
        coefs,
        u,
        mu,
        x,
        e,
        np: arf.len(),
        nq: maf.len(),
    })
}

impl Forecaster for Arima {
    type Fitted = FittedArima;

    /// # Errors
    /// [`ForecastError::TooShort`] with fewer than 8 months (or too few for a fixed order);
    /// [`ForecastError::InvalidValue`] for a negative or non-finite value.
    fn fit(&self, history: &[f64]) -> Result<FittedArima, ForecastError> {
        validate(history, "arima")?;
        let n = history.len();
        let too_short = |need| ForecastError::TooShort {
            method: "arima",
            got: n,
            need,
        };
        if n < 8 {
            return Err(too_short(8));
        }
        let m = self.season.max(1);
        let (d, sd) = match self.order {
            Some(o) => (o.d, o.sd),
            None => choose_differences(history, m),
        };
        let w = difference(history, d, sd, m);
        let allow_const = d + sd <= 1;
        let (max_models, evals) = if self.quick {
            SEARCH_QUICK
        } else {
            SEARCH_FULL
        };
        let seasonal = m > 1 && n >= 2 * m + 6;
        let mut tried: Vec<(ArimaOrder, bool)> = Vec::new();
        let mut best: Option<(ArimaOrder, bool, Candidate)> = None;
        let consider = |o: ArimaOrder,
                        c: bool,
                        best: &mut Option<(ArimaOrder, bool, Candidate)>,
                        tried: &mut Vec<(ArimaOrder, bool)>|
         -> bool {
            if tried.contains(&(o, c)) || tried.len() >= max_models {
                return false;
            }
            tried.push((o, c));
            match fit_order(&w, o, m, c, evals, None) {
                Some(cand) if best.as_ref().is_none_or(|b| cand.aicc < b.2.aicc - 1e-9) => {
                    *best = Some((o, c, cand));
                    true
                }
                _ => false,
            }
        };
        if let Some(o) = self.order {
            let c = self.constant.unwrap_or(allow_const) && allow_const;
            consider(o, c, &mut best, &mut tried);
        } else {
            let c0 = self.constant.unwrap_or(allow_const) && allow_const;
            let s = usize::from(seasonal);
            let o = |p, q, sp, sq| ArimaOrder {
                p,
                d,
                q,
                sp,
                sd,
                sq,
            };
            for start in [o(2, 2, s, s), o(0, 0, 0, 0), o(1, 0, s, 0), o(0, 1, 0, s)] {
                consider(start, c0, &mut best, &mut tried);
            }
            while let Some((cur, cc)) = best.as_ref().map(|b| (b.0, b.1)) {
                let mut moves: Vec<(ArimaOrder, bool)> = Vec::new();
                let deltas: [(i32, i32, i32, i32); 12] = [
                    (0, 0, -1, 0),
                    (0, 0, 1, 0),
                    (0, 0, 0, -1),
                    (0, 0, 0, 1),
                    (0, 0, 1, 1),
                    (0, 0, -1, -1),
                    (-1, 0, 0, 0),
                    (1, 0, 0, 0),
                    (0, -1, 0, 0),
                    (0, 1, 0, 0),
                    (-1, -1, 0, 0),
                    (1, 1, 0, 0),
                ];
                for (dp, dq, dsp, dsq) in deltas {
                    let add = |v: usize, dv: i32| usize::try_from(v as i32 + dv).ok();
                    let (Some(p), Some(q), Some(sp), Some(sq)) = (
                        add(cur.p, dp),
                        add(cur.q, dq),
                        add(cur.sp, dsp),
                        add(cur.sq, dsq),
                    ) else {
                        continue;
                    };
                    if p > 3 || q > 3 || sp > s || sq > s || p + q + sp + sq > 5 {
                        continue;
                    }
                    moves.push((o(p, q, sp, sq), cc));
                }
                if allow_const && self.constant.is_none() {
                    moves.push((cur, !cc));
                }
                let mut improved = false;
                for (mo, mc) in moves {
                    if consider(mo, mc, &mut best, &mut tried) {
                        improved = true;
                        break;
                    }
                }
                if !improved || tried.len() >= max_models {
                    break;
                }
            }
        }
        let Some((order, _, cand)) = best else {
            return Err(too_short(n + 1));
        };
        Ok(FittedArima::from_candidate(order, m, cand, history))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The objective's allocation-free expansion gives exactly (bit for bit) what multiplying
    /// the two factors out with [`poly_mul`] gives, for orders with and without seasonal terms
    /// and zero coefficients; the in-place Durbin-Levinson what the step with a copy gives.
    #[test]
    fn the_objectives_buffers_give_the_same_numbers() {
        // The factors written out: `1 + s first_i B^i` and `1 + s seasonal_k B^(k m)`.
        let by_poly_mul = |first: &[f64], seasonal: &[f64], m: usize, s: f64| {
            let mut a = vec![1.0];
            a.extend(first.iter().map(|v| s * v));
            let mut b = vec![0.0; seasonal.len() * m + 1];
            b[0] = 1.0;
            for (k, v) in seasonal.iter().enumerate() {
                b[(k + 1) * m] = s * v;
            }
            let full = poly_mul(&a, &b);
            sparse(&full[1..].iter().map(|v| s * v).collect::<Vec<_>>())
        };
        let (mut dense, mut out, mut coef) = (Vec::new(), Vec::new(), Vec::new());
        let cases: [(&[f64], &[f64], usize); 5] = [
            (&[0.5, -0.3], &[0.7], 12),
            (&[], &[0.4, 0.2], 12),
            (&[0.1, 0.0, 0.25], &[], 1),
            (&[0.9], &[0.3], 1),
            (&[0.3, -0.2, 0.1, 0.05, -0.4], &[-0.6, 0.2], 4),
        ];
        for (first, seasonal, m) in cases {
            expand_sparse_into(first, seasonal, m, true, &mut dense, &mut out);
            assert_eq!(out, by_poly_mul(first, seasonal, m, -1.0));
            assert_eq!(sparse(&expand_ar(first, seasonal, m)), out);
            expand_sparse_into(first, seasonal, m, false, &mut dense, &mut out);
            assert_eq!(out, by_poly_mul(first, seasonal, m, 1.0));
            assert_eq!(sparse(&expand_ma(first, seasonal, m)), out);
        }
        // Durbin-Levinson written out with a copy of the previous step.
        let by_copy = |u: &[f64]| {
            let mut phi: Vec<f64> = Vec::new();
            for (k, x) in u.iter().enumerate() {
                let r = x.tanh() * 0.98;
                let prev = phi.clone();
                for j in 0..k {
                    phi[j] = prev[j] - r * prev[k - 1 - j];
                }
                phi.push(r);
            }
            phi
        };
        for u in [
            &[][..],
            &[0.3],
            &[0.3, -1.2],
            &[2.0, -0.5, 0.7],
            &[0.1, 0.2, -0.3, 0.4, 1.5],
        ] {
            assert_eq!(pacf_to_coef(u), by_copy(u));
            pacf_to_coef_into(u, true, &mut coef);
            let negated: Vec<f64> = by_copy(u).iter().map(|v| -v).collect();
            assert_eq!(coef, negated);
        }
    }
    use crate::rng::PathRng;

    /// The conditional sum of squares month by month, every lag guarded, lags in ascending
    /// order: what [`css_sparse`] must equal up to rounding.
    fn css_plain(
        x: &[f64],
        np: usize,
        ar: &[(usize, f64)],
        ma: &[(usize, f64)],
        e: &mut [f64],
    ) -> f64 {
        let mut sse = 0.0;
        for t in 0..x.len() {
            if t < np {
                e[t] = 0.0;
                continue;
            }
            let mut v = x[t];
            for &(lag, a) in ar {
                v -= a * x[t - lag];
            }
            for &(lag, b) in ma {
                if lag <= t {
                    v -= b * e[t - lag];
                }
            }
            e[t] = v;
            sse += v * v;
        }
        sse
    }

    proptest::proptest! {
        /// Seasonal and plain orders, series shorter than the MA's reach included: the same
        /// residuals and sum up to rounding, and bit for bit without a lag-1 MA term (the
        /// only term whose place in the sum moves).
        #[test]
        fn css_by_lags_equals_the_plain_loop(
            first_ar in proptest::collection::vec(-0.9f64..0.9, 0..4),
            seasonal_ar in proptest::collection::vec(-0.9f64..0.9, 0..2),
            first_ma in proptest::collection::vec(-0.9f64..0.9, 0..4),
            seasonal_ma in proptest::collection::vec(-0.9f64..0.9, 0..2),
            m in proptest::sample::select(vec![1usize, 4, 12]),
            x in proptest::collection::vec(-100.0f64..100.0, 0..80),
        ) {
            let arf = expand_ar(&first_ar, &seasonal_ar, m);
            let maf = expand_ma(&first_ma, &seasonal_ma, m);
            let (ar, ma) = (sparse(&arf), sparse(&maf));
            let np = arf.len();
            let (mut e1, mut e2) = (vec![7.0; x.len()], vec![-7.0; x.len()]);
            let fast = css_sparse(&x, np, &ar, &ma, &mut e1);
            let plain = css_plain(&x, np, &ar, &ma, &mut e2);
            // Rounding grows with the largest residual (a non-invertible MA amplifies it).
            let size = e2.iter().fold(1.0f64, |m, v| m.max(v.abs()));
            let near = |a: f64, b: f64| (a - b).abs() <= 1e-9 * size.max(a.abs());
            proptest::prop_assert!(near(fast, plain), "{} vs {}", fast, plain);
            for (a, b) in e1.iter().zip(&e2) {
                proptest::prop_assert!(near(*a, *b), "{} vs {}", a, b);
            }
            if ma.first().is_none_or(|&(lag, _)| lag != 1) {
                proptest::prop_assert_eq!(fast.to_bits(), plain.to_bits());
                let bits = |e: &[f64]| e.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                proptest::prop_assert_eq!(bits(&e1), bits(&e2));
            }
        }
    }

    fn fitted(ar: &[f64], ma: &[f64], d: usize, m: usize, sd: usize, sma: &[f64]) -> FittedArima {
        FittedArima {
            order: ArimaOrder {
                p: ar.len(),
                d,
                q: ma.len(),
                sp: 0,
                sd,
                sq: sma.len(),
            },
            m,
            mu: None,
            ar: ar.to_vec(),
            ma: ma.to_vec(),
            sar: Vec::new(),
            sma: sma.to_vec(),
            sigma2: 1.0,
            aicc: 0.0,
            u: Vec::new(),
            y_tail: Vec::new(),
            x_tail: Vec::new(),
            e_tail: Vec::new(),
        }
    }

    #[test]
    fn psi_weights_by_hand() {
        // ARMA(1,1), phi 0.5, theta 0.4: psi_1 = phi + theta = 0.9, psi_j = 0.5 psi_{j-1}.
        let psi = fitted(&[0.5], &[0.4], 0, 12, 0, &[]).psi(4);
        for (a, b) in psi.iter().zip([1.0, 0.9, 0.45, 0.225]) {
            assert!((a - b).abs() < 1e-12, "{psi:?}");
        }
        // ARIMA(0,1,1), theta 0.5: psi_j = 1 + theta = 1.5 for j >= 1.
        let psi = fitted(&[], &[0.5], 1, 12, 0, &[]).psi(4);
        assert_eq!(psi, vec![1.0, 1.5, 1.5, 1.5]);
        // ARIMA(1,0,0)(0,1,1)_4, phi 0.5, Theta -0.6 (season 4 to keep it short):
        // (1 - 0.5B)(1 - B^4) x = (1 - 0.6 B^4) e, so phi* = [0.5, 0, 0, 1, -0.5] and
        // psi = 1, .5, .25, .125, .0625 + 1 - .6 = .4625, .5*.4625 + (1*.5 - .5*1) = .23125.
        let psi = fitted(&[0.5], &[], 0, 4, 1, &[-0.6]).psi(6);
        for (a, b) in psi.iter().zip([1.0, 0.5, 0.25, 0.125, 0.4625, 0.23125]) {
            assert!((a - b).abs() < 1e-12, "{psi:?}");
        }
    }

    #[test]
    fn difference_and_integrate_round_trip() {
        let y: Vec<f64> = (0..40).map(|t| ((t * t) % 17) as f64 + t as f64).collect();
        for (d, sd) in [(0, 0), (1, 0), (0, 1), (1, 1), (2, 0)] {
            let w = difference(&y, d, sd, 12);
            let cut = 30;
            let wcut = difference(&y[..cut], d, sd, 12);
            let ny = d + 12 * sd;
            let back = integrate(&w[wcut.len()..], &y[cut - ny..cut], d, sd, 12);
            for (a, b) in back.iter().zip(&y[cut..]) {
                assert!((a - b).abs() < 1e-9, "d {d} D {sd}");
            }
        }
    }

    /// y_t with (1 - phi B)(1 - B^12) y_t = (1 + Theta B^12) e_t around a level.
    fn simulate(n: usize, phi: f64, theta: f64, sigma: f64, rng: &mut PathRng) -> Vec<f64> {
        let burn = 60;
        let total = n + burn;
        let mut e = vec![0.0; total];
        let mut w = vec![0.0; total];
        let mut y = vec![0.0; total];
        for t in 0..total {
            e[t] = sigma * rng.normal();
            let ar = if t >= 1 { phi * w[t - 1] } else { 0.0 };
            let ma = if t >= 12 { theta * e[t - 12] } else { 0.0 };
            w[t] = ar + e[t] + ma;
            y[t] = w[t] + if t >= 12 { y[t - 12] } else { 0.0 };
        }
        let base = 500.0;
        let pattern: Vec<f64> = (0..12)
            .map(|k| 60.0 * (k as f64 * std::f64::consts::PI / 6.0).sin())
            .collect();
        y[burn..]
            .iter()
            .enumerate()
            .map(|(t, v)| base + pattern[t % 12] + v)
            .collect()
    }

    #[test]
    fn recovers_simulated_seasonal_coefficients() {
        let mut rng = PathRng::new(7, 0);
        let y = simulate(1200, 0.6, -0.5, 5.0, &mut rng);
        let order = ArimaOrder {
            p: 1,
            d: 0,
            q: 0,
            sp: 0,
            sd: 1,
            sq: 1,
        };
        let f = Arima {
            season: 12,
            order: Some(order),
            constant: Some(false),
            quick: false,
        }
        .fit(&y)
        .unwrap();
        assert!((f.ar()[0] - 0.6).abs() < 0.05, "phi {:?}", f.ar());
        assert!((f.sma()[0] + 0.5).abs() < 0.06, "Theta {:?}", f.sma());
        assert!(
            (f.sigma2().sqrt() - 5.0).abs() < 0.3,
            "sigma {}",
            f.sigma2()
        );
        // The automatic choice differences seasonally and finds an AR term.
        let auto = Arima::default().fit(&y).unwrap();
        assert_eq!(auto.order().sd, 1, "{}", auto.name());
        assert_eq!(auto.order().d, 0, "{}", auto.name());
        assert!(auto.order().p >= 1, "{}", auto.name());
    }

    #[test]
    fn intervals_cover_near_nominal_on_simulated_series() {
        let mut rng = PathRng::new(11, 0);
        let levels = [Level::new(80.0).unwrap(), Level::new(95.0).unwrap()];
        let (h, n) = (12, 144);
        let mut inside = [0usize; 2];
        let mut total = 0usize;
        for _ in 0..200 {
            let y = simulate(n + h, 0.6, -0.5, 5.0, &mut rng);
            let fit = Arima {
                quick: true,
                ..Arima::default()
            };
            let fc = fit.fit(&y[..n]).unwrap().predict(h, &levels);
            for i in 0..h {
                let a = y[n + i];
                for (j, iv) in fc.intervals.iter().enumerate() {
                    if iv.lo[i] <= a && a <= iv.hi[i] {
                        inside[j] += 1;
                    }
                }
                total += 1;
            }
        }
        let cov: Vec<f64> = inside.iter().map(|&c| c as f64 / total as f64).collect();
        assert!((cov[0] - 0.80).abs() < 0.04, "80 %: {cov:?}");
        assert!((cov[1] - 0.95).abs() < 0.025, "95 %: {cov:?}");
    }

    #[test]
    fn point_forecast_follows_the_recursion() {
        // AR(1) around a mean, fixed by hand: the forecast decays toward the mean.
        let mut f = fitted(&[0.5], &[], 0, 12, 0, &[]);
        f.mu = Some(10.0);
        f.x_tail = vec![4.0]; // last value 14
        let p = f.point(3);
        for (a, b) in p.iter().zip([12.0, 11.0, 10.5]) {
            assert!((a - b).abs() < 1e-12, "{p:?}");
        }
        // ARIMA(0,1,1), theta 0.5, last value 20, last residual 2: y_{n+h} = 20 + 0.5 * 2.
        let mut f = fitted(&[], &[0.5], 1, 12, 0, &[]);
        f.y_tail = vec![20.0];
        f.x_tail = Vec::new();
        f.e_tail = vec![2.0];
        assert_eq!(f.point(3), vec![21.0, 21.0, 21.0]);
    }

    #[test]
    fn short_and_constant_histories() {
        assert!(matches!(
            Arima::default().fit(&[1.0; 5]),
            Err(ForecastError::TooShort { .. })
        ));
        let f = Arima::default().fit(&[7.0; 30]).unwrap();
        let fc = f.predict(3, &[Level::new(80.0).unwrap()]);
        assert!(fc.point.iter().all(|v| (v - 7.0).abs() < 1e-9), "{fc:?}");
    }
}
