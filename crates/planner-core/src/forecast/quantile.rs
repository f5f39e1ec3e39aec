//! Quantiles of a forecast: single months ([`Quantile`], [`Forecast::quantile`]) and the
//! cumulative demand of the first `k` months ([`cumulative_quantiles`]).
//!
//! The engine's ranges are central intervals, so the `q` quantile of a month is a bound of the
//! level `|2q - 1|`: `q < 0.5` its lower bound, `q > 0.5` its upper bound, and `q = 0.5` the
//! point forecast. [`levels_for`] lists the levels a set of quantiles needs, so that a caller
//! asks the engine for them and reads the quantiles back from the forecast.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::util::{z_of, z_quantile};
use super::{Forecast, ForecastError, Level};

/// A probability strictly between 0 and 1, for example 0.9 (the 90 % quantile).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Quantile(f64);

impl Quantile {
    /// A quantile probability.
    ///
    /// # Errors
    /// [`ForecastError::InvalidQuantile`] unless `0 < p < 1`.
    pub fn new(p: f64) -> Result<Self, ForecastError> {
        if p.is_finite() && p > 0.0 && p < 1.0 {
            Ok(Self(p))
        } else {
            Err(ForecastError::InvalidQuantile(p))
        }
    }

    /// The probability, for example `0.9`.
    pub fn probability(self) -> f64 {
        self.0
    }

    /// The column suffix: `10` for 0.1, `2.5` for 0.025 (the percent, as [`Level::label`]).
    pub fn label(self) -> String {
        // Rounded to 10 decimals so that 0.1 * 100 prints as 10, not 10.000000000000002.
        let pct = (self.0 * 100.0 * 1e10).round() / 1e10;
        format!("{pct}")
    }

    /// The central level whose bound this quantile is (`None` for the median).
    pub fn level(self) -> Option<Level> {
        let pct = ((2.0 * self.0 - 1.0).abs() * 100.0 * 1e10).round() / 1e10;
        Level::new(pct).ok()
    }
}

impl TryFrom<f64> for Quantile {
    type Error = ForecastError;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Quantile> for f64 {
    fn from(q: Quantile) -> f64 {
        q.0
    }
}

impl fmt::Display for Quantile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The levels a forecast needs so that [`Forecast::quantile`] answers each of `quantiles`,
/// without repeats (0.1 and 0.9 both need 80 %), in the order first needed.
pub fn levels_for(quantiles: &[Quantile]) -> Vec<Level> {
    let mut out: Vec<Level> = Vec::new();
    for l in quantiles.iter().filter_map(|q| q.level()) {
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

impl Forecast {
    /// The `q` quantile of each month: the point forecast for the median, otherwise the lower
    /// (`q < 0.5`) or upper bound of the level `|2q - 1|`; `None` when the forecast was made
    /// without that level (see [`levels_for`]). Quantiles read this way never cross: the
    /// engine's wider levels hold the narrower ones.
    pub fn quantile(&self, q: Quantile) -> Option<Vec<f64>> {
        let Some(level) = q.level() else {
            return Some(self.point.clone());
        };
        let iv = self.intervals.iter().find(|iv| iv.level == level)?;
        Some(if q.probability() < 0.5 {
            iv.lo.clone()
        } else {
            iv.hi.clone()
        })
    }

    /// The standard deviation of each month implied by the widest level, taking the month as
    /// normal around the point: `(hi - lo) / (2 z)` (as `SkuPlan::sigmas` reads a plan); all
    /// zero without levels.
    pub fn sigmas(&self) -> Vec<f64> {
        let n = self.point.len();
        let Some(widest) = self
            .intervals
            .iter()
            .max_by(|a, b| a.level.percent().total_cmp(&b.level.percent()))
        else {
            return vec![0.0; n];
        };
        let z = z_of(widest.level);
        (0..n)
            .map(|t| ((widest.hi[t] - widest.lo[t]) / (2.0 * z)).max(0.0))
            .collect()
    }
}

/// Quantiles of a sku's cumulative demand over its first `months` forecast months (capped at
/// the forecast's length), for material and capacity reservations.
///
/// # Formula
/// The same model as `planner_core::uncertainty` for one sku: month `t` is normal with mean
/// the point forecast `f_t` and standard deviation `σ_t` ([`Forecast::sigmas`]), and
/// standardised errors follow an AR(1) across months, `corr(t, s) = ρ^|t − s|`. The total
/// `Σ_{t<k} D_t` is then normal with mean `Σ f_t` and variance
/// `Σ_t Σ_s σ_t σ_s ρ^|t − s|`; each quantile is `mean + sd z(q)`, cut at zero. `month_corr`
/// is clamped to `[-1, 1]`; pass a plan's `dependence.month.value` to read the total under the
/// plan's own model (the same figure `uncertainty::TotalBuilder` gives for one sku).
///
/// ```
/// use planner_core::forecast::{cumulative_quantiles, Forecast, Interval, Level, Quantile};
/// let l95 = Level::new(95.0)?;
/// // Two months of 100 with sd 10 (95 % bounds 100 ± 19.6), fully correlated: sd 20.
/// let fc = Forecast {
///     point: vec![100.0, 100.0],
///     intervals: vec![Interval { level: l95, lo: vec![80.4; 2], hi: vec![119.6; 2] }],
/// };
/// let q = cumulative_quantiles(&fc, 2, 1.0, &[Quantile::new(0.5)?, Quantile::new(0.975)?]);
/// assert!((q[0] - 200.0).abs() < 1e-9);
/// assert!((q[1] - (200.0 + 20.0 * 1.959964)).abs() < 1e-3);
/// # Ok::<(), planner_core::forecast::ForecastError>(())
/// ```
pub fn cumulative_quantiles(
    fc: &Forecast,
    months: usize,
    month_corr: f64,
    quantiles: &[Quantile],
) -> Vec<f64> {
    let k = months.min(fc.point.len());
    let rho = if month_corr.is_finite() {
        month_corr.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let sd = fc.sigmas();
    let mean: f64 = fc.point[..k].iter().sum();
    // Σ_t Σ_s a_t a_s ρ^|t-s| by the recursion b_t = a_{t-1} + ρ b_{t-1}.
    let (mut var, mut b) = (0.0, 0.0);
    for &a in &sd[..k] {
        var += a * a + 2.0 * rho * a * b;
        b = a + rho * b;
    }
    let s = var.max(0.0).sqrt();
    quantiles
        .iter()
        .map(|q| (mean + s * z_quantile(q.probability())).max(0.0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::{forecast_series, Interval, Method};
    use proptest::prelude::*;

    fn q(p: f64) -> Quantile {
        Quantile::new(p).unwrap()
    }

    #[test]
    fn quantiles_are_checked_and_labelled() {
        assert_eq!(Quantile::new(0.0), Err(ForecastError::InvalidQuantile(0.0)));
        assert_eq!(Quantile::new(1.0), Err(ForecastError::InvalidQuantile(1.0)));
        assert!(Quantile::new(f64::NAN).is_err());
        assert_eq!(q(0.1).label(), "10");
        assert_eq!(q(0.025).label(), "2.5");
        assert_eq!(q(0.9).level(), Some(Level::new(80.0).unwrap()));
        assert_eq!(q(0.5).level(), None);
        assert_eq!(
            levels_for(&[q(0.1), q(0.5), q(0.9), q(0.975)]),
            vec![Level::new(80.0).unwrap(), Level::new(95.0).unwrap()]
        );
    }

    #[test]
    fn quantiles_read_the_bounds() {
        let l80 = Level::new(80.0).unwrap();
        let fc = Forecast {
            point: vec![10.0],
            intervals: vec![Interval {
                level: l80,
                lo: vec![7.0],
                hi: vec![14.0],
            }],
        };
        assert_eq!(fc.quantile(q(0.1)), Some(vec![7.0]));
        assert_eq!(fc.quantile(q(0.5)), Some(vec![10.0]));
        assert_eq!(fc.quantile(q(0.9)), Some(vec![14.0]));
        assert_eq!(fc.quantile(q(0.05)), None);
    }

    #[test]
    fn cumulative_matches_the_uncertainty_model() {
        // Three months, sd 10, 20, 30 (from 95 % bounds), rho 0.5. By hand: variance
        // 100 + 400 + 900 + 2 (0.5 * 200 + 0.25 * 300 + 0.5 * 600) = 2350.
        let l95 = Level::new(95.0).unwrap();
        let z = z_of(l95);
        let sd = [10.0, 20.0, 30.0];
        let fc = Forecast {
            point: vec![100.0; 3],
            intervals: vec![Interval {
                level: l95,
                lo: sd.iter().map(|s| 100.0 - z * s).collect(),
                hi: sd.iter().map(|s| 100.0 + z * s).collect(),
            }],
        };
        let got = cumulative_quantiles(&fc, 3, 0.5, &[q(0.5), q(0.9)]);
        assert!((got[0] - 300.0).abs() < 1e-9);
        let want = 300.0 + 2350f64.sqrt() * z_quantile(0.9);
        assert!((got[1] - want).abs() < 1e-9, "{} {want}", got[1]);
        // The same total through planner_core::uncertainty.
        let dep = crate::uncertainty::Dependence::fixed(0.5, 0.0, 0.0).unwrap();
        let mut t = dep.total(3);
        t.add("A", &sd, 300.0);
        let total = t.finish();
        assert!((total.quantile(0.9) - want).abs() < 1e-9);
        // k beyond the forecast is capped; k = 1 is the month itself.
        assert_eq!(cumulative_quantiles(&fc, 9, 0.5, &[q(0.5)]), vec![300.0]);
        let one = cumulative_quantiles(&fc, 1, 0.5, &[q(0.9)]);
        assert!((one[0] - (100.0 + 10.0 * z_quantile(0.9))).abs() < 1e-9);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        #[test]
        fn quantiles_never_cross(
            y in prop::collection::vec(0.0f64..500.0, 3..60),
            k in 1usize..12,
            rho in -0.5f64..1.0,
        ) {
            let qs: Vec<Quantile> = [0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975].map(q).to_vec();
            let levels = levels_for(&qs);
            let fc = forecast_series(&y, 12, &levels, Method::Auto, 12).unwrap().forecast;
            let cols: Vec<Vec<f64>> = qs.iter().map(|&p| fc.quantile(p).unwrap()).collect();
            for t in 0..12 {
                for w in cols.windows(2) {
                    prop_assert!(w[0][t] <= w[1][t], "month {t}: {} > {}", w[0][t], w[1][t]);
                }
                prop_assert!(cols[0][t] >= 0.0);
            }
            let cum = cumulative_quantiles(&fc, k, rho, &qs);
            for w in cum.windows(2) {
                prop_assert!(w[0] <= w[1]);
            }
            prop_assert!(cum[0] >= 0.0);
        }
    }
}
