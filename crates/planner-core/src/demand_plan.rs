//! The demand plan the capacity, materials and pricing modules work from.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::forecast::{Forecast, Level};
use crate::time::Month;
use crate::uncertainty::{Dependence, Total, TotalBuilder};

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

    /// The last planned month.
    pub fn last(&self) -> Month {
        self.start.plus(self.horizon as i32 - 1)
    }

    /// One sku's plan.
    pub fn get(&self, sku: &str) -> Option<&SkuPlan> {
        self.skus
            .binary_search_by(|s| s.sku.as_str().cmp(sku))
            .ok()
            .map(|i| &self.skus[i])
    }

    /// The plan of one sku, to change it (the skus sorted, as [`DemandPlan::get`]).
    pub fn get_mut(&mut self, sku: &str) -> Option<&mut SkuPlan> {
        self.skus
            .binary_search_by(|s| s.sku.as_str().cmp(sku))
            .ok()
            .map(|i| &mut self.skus[i])
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

impl<'a> TotalBuilder<'a> {
    /// Adds a sku of a plan with weight `w` on each month of `months` (`w(t) = w` there).
    pub fn add_sku(&mut self, sku: &'a SkuPlan, w: f64, months: std::ops::Range<usize>) {
        self.add_sku_with(sku, &sku.sigmas(), w, months);
    }

    /// [`TotalBuilder::add_sku`] with the sku's [`SkuPlan::sigmas`] computed once by the caller.
    pub fn add_sku_with(
        &mut self,
        sku: &'a SkuPlan,
        sigmas: &[f64],
        w: f64,
        months: std::ops::Range<usize>,
    ) {
        let mut a = vec![0.0; months.end.min(self.horizon())];
        let mut mean = 0.0;
        let start = months.start.min(a.len());
        for (t, x) in a.iter_mut().enumerate().skip(start) {
            *x = w * sigmas.get(t).copied().unwrap_or(0.0);
            mean += w * sku.forecast.point.get(t).copied().unwrap_or(0.0).max(0.0);
        }
        self.add(&sku.sku, &a, mean);
    }
}

impl DemandPlan {
    /// The distribution of the plan's total volume over `months` for the skus that `weight`
    /// gives a weight (units of a family, hours of a line, a material's units through the BOM),
    /// under the plan's [`DemandPlan::dependence`].
    pub fn total_of(
        &self,
        months: std::ops::Range<usize>,
        weight: impl Fn(&SkuPlan) -> Option<f64>,
    ) -> Total {
        let mut t = self.dependence.total(self.horizon);
        for s in &self.skus {
            if let Some(w) = weight(s) {
                t.add_sku(s, w, months.clone());
            }
        }
        t.finish()
    }
}

/// A family's (or the whole plan's) volume over the horizon with its ranges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyTotal {
    /// The family (`(all)` for the whole plan).
    pub family: String,
    /// Skus in it.
    pub skus: usize,
    /// The total at the point forecasts.
    pub volume: f64,
    /// The central range at each level of the plan: `(level, lo, hi)`, quantiles of the total.
    pub ranges: Vec<(Level, f64, f64)>,
}

impl DemandPlan {
    /// Each family's volume over the whole horizon, then the plan's (`(all)`), each range a
    /// quantile of the total under [`DemandPlan::dependence`]. Families in name order; a sku
    /// with no family is its own.
    pub fn family_totals(&self) -> Vec<FamilyTotal> {
        // One pass: each sku's sigmas once, into its family's total and the plan's.
        let mut families: std::collections::BTreeMap<&str, (TotalBuilder<'_>, usize)> =
            std::collections::BTreeMap::new();
        let mut all = self.dependence.total(self.horizon);
        for s in &self.skus {
            let sigmas = s.sigmas();
            let f = families
                .entry(self.dependence.family_of(&s.sku))
                .or_insert_with(|| (self.dependence.total(self.horizon), 0));
            f.0.add_sku_with(s, &sigmas, 1.0, 0..self.horizon);
            f.1 += 1;
            all.add_sku_with(s, &sigmas, 1.0, 0..self.horizon);
        }
        let one = |name: &str, total: Total, skus: usize| FamilyTotal {
            family: name.to_string(),
            skus,
            volume: total.mean,
            ranges: self
                .levels
                .iter()
                .map(|&l| {
                    let (lo, hi) = total.bounds(l);
                    (l, lo, hi)
                })
                .collect(),
        };
        let mut out: Vec<FamilyTotal> = families
            .into_iter()
            .map(|(name, (t, n))| one(name, t.finish(), n))
            .collect();
        out.push(one("(all)", all.finish(), self.skus.len()));
        out
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
