//! The demand plan the capacity, materials and pricing modules work from.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::forecast::{Forecast, Level};
use crate::time::Month;
use crate::uncertainty::Dependence;

/// One sku's planned demand over the horizon: a forecast with ranges, or a fixed plan (no
/// intervals).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkuPlan {
    /// The sku.
    pub sku: String,
    /// The model that made it (`plan` for a fixed demand plan).
    pub model: String,
    /// Point forecast and ranges, one value per planned month.
    pub forecast: Forecast,
}

impl SkuPlan {
    /// The standard deviation of month `t`'s demand implied by the widest interval, taking the
    /// forecast as normal around the point: `(hi - lo) / (2 z)` with `z` the two-sided normal
    /// quantile of the level. `None` for a fixed plan.
    pub fn sigma(&self, t: usize) -> Option<f64> {
        if self.forecast.intervals.is_empty() {
            return None;
        }
        self.sigmas().get(t).copied()
    }

    /// [`SkuPlan::sigma`] of every month (all 0 for a fixed plan): [`Forecast::sigmas`].
    ///
    /// [`Forecast::sigmas`]: crate::forecast::Forecast::sigmas
    pub fn sigmas(&self) -> Vec<f64> {
        self.forecast.sigmas()
    }

    /// The upper bound at `level` of month `t`, when the plan has that level.
    pub fn hi(&self, level: Level, t: usize) -> Option<f64> {
        self.forecast
            .intervals
            .iter()
            .find(|i| i.level == level)
            .map(|i| i.hi[t])
    }

    /// The lower bound at `level` of month `t`, when the plan has that level.
    pub fn lo(&self, level: Level, t: usize) -> Option<f64> {
        self.forecast
            .intervals
            .iter()
            .find(|i| i.level == level)
            .map(|i| i.lo[t])
    }
}

/// The two-sided standard normal quantile of a level: 1.2816 for 80 %, 1.96 for 95 %.
pub fn z_two_sided(level: Level) -> f64 {
    let normal = Normal::new(0.0, 1.0).expect("standard normal");
    normal.inverse_cdf(0.5 + level.fraction() / 2.0)
}

/// Planned demand of every sku over the same months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemandPlan {
    /// The first planned month.
    pub start: Month,
    /// Number of planned months.
    pub horizon: usize,
    /// The levels of the ranges (empty for a fixed plan).
    pub levels: Vec<Level>,
    /// One entry per sku, sorted by sku.
    pub skus: Vec<SkuPlan>,
    /// How the skus' forecast errors move together: every range of a total is read from it
    /// (see [`crate::uncertainty`]). A plan made without history to estimate it from carries
    /// the assumed model.
    #[serde(default)]
    pub dependence: Dependence,
}

impl DemandPlan {
    /// The planned months in order.
    pub fn months(&self) -> impl Iterator<Item = Month> + '_ {
        (0..self.horizon).map(|t| self.start.plus(t as i32))
    }

    /// One sku's plan.
    pub fn get(&self, sku: &str) -> Option<&SkuPlan> {
        self.skus
            .binary_search_by(|s| s.sku.as_str().cmp(sku))
            .ok()
            .map(|i| &self.skus[i])
    }

    /// Sorts the skus so that [`DemandPlan::get`] finds them.
    pub fn sort(&mut self) {
        self.skus.sort_by(|a, b| a.sku.cmp(&b.sku));
    }

    /// True when the plan carries ranges (it came from a forecast).
    pub fn has_intervals(&self) -> bool {
        !self.levels.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::Interval;

    #[test]
    fn sigma_comes_from_the_widest_interval() {
        let l80 = Level::new(80.0).unwrap();
        let l95 = Level::new(95.0).unwrap();
        let plan = SkuPlan {
            sku: "A".into(),
            model: "test".into(),
            forecast: Forecast {
                point: vec![100.0],
                intervals: vec![
                    Interval {
                        level: l80,
                        lo: vec![87.184],
                        hi: vec![112.816],
                    },
                    Interval {
                        level: l95,
                        lo: vec![80.4],
                        hi: vec![119.6],
                    },
                ],
            },
        };
        // 95 %: half width 19.6 = 1.96 sigma, so sigma = 10.
        assert!((plan.sigma(0).unwrap() - 10.0).abs() < 1e-3);
        assert!((z_two_sided(l80) - 1.281_55).abs() < 1e-4);
        assert_eq!(plan.hi(l80, 0), Some(112.816));
    }
}
