//! Shared numerics of the forecast engine: validation, statistics, decomposition, a
//! Nelder–Mead minimiser and the interval post-processing that makes
//! every [`Forecast`] keep the contract's invariants.

use statrs::distribution::{ContinuousCDF, DiscreteCDF, NegativeBinomial, Normal, Poisson};

use super::{Forecast, ForecastError, Interval, Level};

/// Checks that a history is non-empty and holds only finite non-negative numbers.
pub(crate) fn validate(history: &[f64], method: &'static str) -> Result<(), ForecastError> {
    if history.is_empty() {
        return Err(ForecastError::TooShort {
            method,
            got: 0,
            need: 1,
        });
    }
    for (index, &value) in history.iter().enumerate() {
        if !value.is_finite() || value < 0.0 {
            return Err(ForecastError::InvalidValue { index, value });
        }
    }
    Ok(())
}

/// Arithmetic mean (0 for an empty slice).
pub(crate) fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        0.0
    } else {
        x.iter().sum::<f64>() / x.len() as f64
    }
}

/// The median of `v` (not empty), which it sorts.
pub(crate) fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Sample variance with denominator `n - 1` (0 when fewer than two values).
pub(crate) fn variance(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let m = mean(x);
    x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64
}

/// The standard normal quantile.
pub(crate) fn z_quantile(p: f64) -> f64 {
    // Normal::new(0, 1) cannot fail.
    Normal::new(0.0, 1.0).map_or(0.0, |n| n.inverse_cdf(p))
}

/// The two-sided normal multiplier of a level, for example 1.2816 for 80 %.
pub(crate) fn z_of(level: Level) -> f64 {
    z_quantile(0.5 + level.fraction() / 2.0)
}

/// Sample autocorrelations at lags `1..=max_lag`.
pub(crate) fn acf(x: &[f64], max_lag: usize) -> Vec<f64> {
    let n = x.len();
    let m = mean(x);
    let denom: f64 = x.iter().map(|v| (v - m) * (v - m)).sum();
    (1..=max_lag)
        .map(|k| {
            if k >= n || denom <= 0.0 {
                0.0
            } else {
                (k..n).map(|t| (x[t] - m) * (x[t - k] - m)).sum::<f64>() / denom
            }
        })
        .collect()
}

/// The seasonality test used by the Theta method (Assimakopoulos & Nikolopoulos 2000, as in
/// R `forecast::thetaf` and statsforecast): the autocorrelation at lag `m` is significant at
/// 90 % under Bartlett's formula.
pub(crate) fn is_seasonal(x: &[f64], m: usize) -> bool {
    if m < 2 || x.len() < 3 * m {
        return false;
    }
    let r = acf(x, m);
    let s: f64 = r[..m - 1].iter().map(|v| v * v).sum();
    let limit = 1.645 * ((1.0 + 2.0 * s) / x.len() as f64).sqrt();
    r[m - 1].abs() > limit
}

/// Seasonal indices of a classical decomposition (centred moving average of order `m`, or
/// `2 x m` for even `m`), one per position of the cycle counted from the first observation.
/// Multiplicative indices average 1, additive ones 0. `None` when `x` has fewer than `2 m`
/// values (or a non-positive trend value in the multiplicative case).
pub(crate) fn decompose(x: &[f64], m: usize, multiplicative: bool) -> Option<Vec<f64>> {
    let n = x.len();
    if m < 2 || n < 2 * m {
        return None;
    }
    let half = m / 2;
    let mut sums = vec![0.0; m];
    let mut counts = vec![0usize; m];
    for t in half..n - half {
        if m & 1 == 0 && t + half >= n {
            break;
        }
        let trend = if m & 1 == 0 {
            let inner: f64 = x[t + 1 - half..t + half].iter().sum();
            (inner + 0.5 * (x[t - half] + x[t + half])) / m as f64
        } else {
            x[t - half..=t + half].iter().sum::<f64>() / m as f64
        };
        let ratio = if multiplicative {
            if trend <= 0.0 {
                return None;
            }
            x[t] / trend
        } else {
            x[t] - trend
        };
        sums[t % m] += ratio;
        counts[t % m] += 1;
    }
    if counts.contains(&0) {
        return None;
    }
    let mut idx: Vec<f64> = sums
        .iter()
        .zip(&counts)
        .map(|(s, &c)| s / c as f64)
        .collect();
    let avg = mean(&idx);
    for v in &mut idx {
        if multiplicative {
            *v /= avg;
        } else {
            *v -= avg;
        }
    }
    Some(idx)
}

/// Ordinary least squares of `y` on `1..=n`: `(intercept, slope)`.
pub(crate) fn linear_fit(y: &[f64]) -> (f64, f64) {
    let n = y.len() as f64;
    if y.len() < 2 {
        return (mean(y), 0.0);
    }
    let tbar = (n + 1.0) / 2.0;
    let ybar = mean(y);
    let mut sxy = 0.0;
    let mut sxx = 0.0;
    for (i, v) in y.iter().enumerate() {
        let dt = (i + 1) as f64 - tbar;
        sxy += dt * (v - ybar);
        sxx += dt * dt;
    }
    let slope = sxy / sxx;
    (ybar - slope * tbar, slope)
}

/// Nelder–Mead simplex minimiser (Nelder & Mead 1965) with the standard coefficients, run
/// `rounds` times, each restarting from the best point so far (one restart is recommended to
/// avoid premature collapse).
pub(crate) fn nelder_mead<F: FnMut(&[f64]) -> f64>(
    mut f: F,
    x0: &[f64],
    step: &[f64],
    max_evals: usize,
    tol: f64,
    rounds: usize,
) -> (Vec<f64>, f64) {
    let mut best = x0.to_vec();
    let mut fbest = f(&best);
    let mut evals = 1;
    for _round in 0..rounds.max(1) {
        let (x, fx, used) = nm_once(&mut f, &best, step, max_evals.saturating_sub(evals), tol);
        evals += used;
        if fx <= fbest {
            best = x;
            fbest = fx;
        }
        if evals >= max_evals {
            break;
        }
    }
    (best, fbest)
}

fn nm_once<F: FnMut(&[f64]) -> f64>(
    f: &mut F,
    x0: &[f64],
    step: &[f64],
    max_evals: usize,
    tol: f64,
) -> (Vec<f64>, f64, usize) {
    let k = x0.len();
    let mut pts: Vec<Vec<f64>> = Vec::with_capacity(k + 1);
    let mut vals: Vec<f64> = Vec::with_capacity(k + 1);
    pts.push(x0.to_vec());
    vals.push(f(x0));
    for i in 0..k {
        let mut p = x0.to_vec();
        p[i] += step[i];
        vals.push(f(&p));
        pts.push(p);
    }
    let mut evals = k + 1;
    let mut centroid = vec![0.0; k];
    let mut xr = vec![0.0; k];
    let mut xe = vec![0.0; k];
    let mut order: Vec<usize> = (0..=k).collect();
    while evals < max_evals {
        order.sort_by(|&a, &b| vals[a].total_cmp(&vals[b]));
        let (ib, iw, isw) = (order[0], order[k], order[k - 1]);
        let fb = vals[ib];
        let fw = vals[iw];
        if (fw - fb).abs() <= tol * (fb.abs() + tol) {
            break;
        }
        centroid.iter_mut().for_each(|c| *c = 0.0);
        for &i in &order[..k] {
            for (c, v) in centroid.iter_mut().zip(&pts[i]) {
                *c += v / k as f64;
            }
        }
        for j in 0..k {
            xr[j] = centroid[j] + (centroid[j] - pts[iw][j]);
        }
        let fr = f(&xr);
        evals += 1;
        if fr < fb {
            for j in 0..k {
                xe[j] = centroid[j] + 2.0 * (centroid[j] - pts[iw][j]);
            }
            let fe = f(&xe);
            evals += 1;
            if fe < fr {
                pts[iw].copy_from_slice(&xe);
                vals[iw] = fe;
            } else {
                pts[iw].copy_from_slice(&xr);
                vals[iw] = fr;
            }
        } else if fr < vals[isw] {
            pts[iw].copy_from_slice(&xr);
            vals[iw] = fr;
        } else {
            let outside = fr < fw;
            for j in 0..k {
                xe[j] = if outside {
                    centroid[j] + 0.5 * (xr[j] - centroid[j])
                } else {
                    centroid[j] + 0.5 * (pts[iw][j] - centroid[j])
                };
            }
            let fc = f(&xe);
            evals += 1;
            if fc < fw.min(fr) {
                pts[iw].copy_from_slice(&xe);
                vals[iw] = fc;
            } else {
                let best = pts[ib].clone();
                for i in 0..=k {
                    if i == ib {
                        continue;
                    }
                    for j in 0..k {
                        pts[i][j] = best[j] + 0.5 * (pts[i][j] - best[j]);
                    }
                    vals[i] = f(&pts[i]);
                    evals += 1;
                }
            }
        }
    }
    let ib = (0..=k)
        .min_by(|&a, &b| vals[a].total_cmp(&vals[b]))
        .unwrap_or(0);
    (pts[ib].clone(), vals[ib], evals)
}

/// Logistic function, used to map unconstrained optimiser coordinates into bounded parameters.
pub(crate) fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Inverse of [`sigmoid`] on (0, 1).
pub(crate) fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-9, 1.0 - 1e-9);
    (p / (1.0 - p)).ln()
}

/// A forecast with normal bounds `point ± z * sd[h]`, made safe by [`finalize`].
pub(crate) fn normal_forecast(point: Vec<f64>, sd: &[f64], levels: &[Level]) -> Forecast {
    let intervals = levels
        .iter()
        .map(|&level| {
            let z = z_of(level);
            Interval {
                level,
                lo: point.iter().zip(sd).map(|(p, s)| p - z * s).collect(),
                hi: point.iter().zip(sd).map(|(p, s)| p + z * s).collect(),
            }
        })
        .collect();
    finalize(Forecast { point, intervals })
}

/// Count bounds for intermittent demand: Negative Binomial quantiles with mean `point[h]` and
/// variance `dispersion * point[h]` (Poisson when `dispersion <= 1`), scaled by `size` (the
/// typical unit of demand, 1 for counts).
pub(crate) fn count_forecast(point: Vec<f64>, dispersion: f64, levels: &[Level]) -> Forecast {
    let intervals = levels
        .iter()
        .map(|&level| {
            let a = (1.0 - level.fraction()) / 2.0;
            let mut lo = Vec::with_capacity(point.len());
            let mut hi = Vec::with_capacity(point.len());
            for &mu in &point {
                let (l, h) = count_bounds(mu, dispersion, a);
                lo.push(l);
                hi.push(h);
            }
            Interval { level, lo, hi }
        })
        .collect();
    finalize(Forecast { point, intervals })
}

/// Bounds of a count distribution at two-sided level `1 - 2a`: `lo` is the `a` quantile and
/// `hi` the `1 - a` quantile or one less, whichever makes `P(lo <= Y <= hi)` closer to the
/// nominal level (ties go to the wider). With small means the textbook quantile pair covers
/// far more than promised (a mean of 0.3 gives `hi = 1` and 96 % for an 80 % level); the
/// closest pair keeps the promise honest without randomisation.
fn count_bounds(mu: f64, dispersion: f64, a: f64) -> (f64, f64) {
    if mu.is_nan() || mu <= 0.0 || !mu.is_finite() {
        return (0.0, 0.0);
    }
    fn closest<D: DiscreteCDF<u64, f64>>(d: &D, a: f64) -> (f64, f64) {
        let lo = d.inverse_cdf(a);
        let hi = d.inverse_cdf(1.0 - a);
        let below = if lo == 0 { 0.0 } else { d.cdf(lo - 1) };
        let target = 1.0 - 2.0 * a;
        let cov = |h: u64| d.cdf(h) - below;
        let hi = if hi > lo && (cov(hi - 1) - target).abs() < (cov(hi) - target).abs() {
            hi - 1
        } else {
            hi
        };
        (lo as f64, hi as f64)
    }
    if dispersion > 1.0 + 1e-9 {
        let p = 1.0 / dispersion;
        let r = mu / (dispersion - 1.0);
        if let Ok(nb) = NegativeBinomial::new(r, p) {
            return closest(&nb, a);
        }
    }
    match Poisson::new(mu) {
        Ok(po) => closest(&po, a),
        Err(_) => (0.0, 0.0),
    }
}

/// Makes a forecast safe: non-finite values replaced, everything clipped at 0,
/// `lo <= point <= hi`, and wider levels containing narrower ones.
pub(crate) fn finalize(mut fc: Forecast) -> Forecast {
    for p in &mut fc.point {
        if !p.is_finite() || *p < 0.0 {
            *p = 0.0;
        }
    }
    for iv in &mut fc.intervals {
        for (i, &p) in fc.point.iter().enumerate() {
            let lo = &mut iv.lo[i];
            if !lo.is_finite() {
                *lo = 0.0;
            }
            *lo = lo.max(0.0).min(p);
            let hi = &mut iv.hi[i];
            if !hi.is_finite() {
                *hi = if *hi > 0.0 { f64::MAX } else { p };
            }
            *hi = hi.max(p);
        }
    }
    // Nest: process levels from narrow to wide.
    let mut order: Vec<usize> = (0..fc.intervals.len()).collect();
    order.sort_by(|&a, &b| {
        fc.intervals[a]
            .level
            .percent()
            .total_cmp(&fc.intervals[b].level.percent())
    });
    for w in 1..order.len() {
        let (narrow, wide) = (order[w - 1], order[w]);
        for i in 0..fc.point.len() {
            let (nlo, nhi) = (fc.intervals[narrow].lo[i], fc.intervals[narrow].hi[i]);
            let iv = &mut fc.intervals[wide];
            iv.lo[i] = iv.lo[i].min(nlo);
            iv.hi[i] = iv.hi[i].max(nhi);
        }
    }
    fc
}

/// A forecast whose bounds all equal the point.
pub(crate) fn flat_forecast(point: Vec<f64>, levels: &[Level]) -> Forecast {
    let intervals = levels
        .iter()
        .map(|&level| Interval {
            level,
            lo: point.clone(),
            hi: point.clone(),
        })
        .collect();
    finalize(Forecast { point, intervals })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_bounds_stay_closest_to_nominal() {
        // Poisson(0.3): P(0) = 0.741, P(<= 1) = 0.963. For 80 % the textbook upper quantile is
        // 1 (96 %); 0 (74 %) is closer to 80 %.
        assert_eq!(count_bounds(0.3, 1.0, 0.1), (0.0, 0.0));
        // For 95 %: 96.3 % (hi = 1) is closer than 74 %.
        assert_eq!(count_bounds(0.3, 1.0, 0.025), (0.0, 1.0));
        assert_eq!(count_bounds(0.0, 2.0, 0.1), (0.0, 0.0));
    }
}
