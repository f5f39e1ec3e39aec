//! How forecast errors move together, and every total read from that one model.
//!
//! Each sku's forecast says how uncertain each month is on its own (its ranges; the standard
//! deviation `σ(i, t)` is read from the widest one,
//! [`SkuPlan::sigma`](crate::demand_plan::SkuPlan::sigma)). A total of many skus and months (a
//! line's load, a family's volume, a material's demand over its lead time, a year's spend) also
//! depends on how those errors move together. The model used everywhere:
//!
//! - across months of one sku, standardised errors follow an AR(1):
//!   `corr(t, s) = ρ^|t − s|` with `ρ` the [`Dependence::month`] correlation;
//! - across skus in the same month, a common factor for the whole portfolio and one for each
//!   family: `corr = c_f` for two skus of one family, `c_p` for skus of different families
//!   (`0 ≤ c_p ≤ c_f ≤ 1`; a sku missing from the product master is its own family);
//! - the two combine: `corr(i t, j s) = C(i, j) ρ^|t − s|`.
//!
//! A weighted total `T = Σ w(i, t) D(i, t)` then has mean `Σ w f` (the point forecasts) and
//! variance `c_p Q(all) + (c_f − c_p) Σ_f Q(f) + (1 − c_f) Σ_i Q(i)`, where `Q(set)` is
//! `Σ_t Σ_s a_t a_s ρ^|t − s|` of `a_t = Σ_{i ∈ set} w(i, t) σ(i, t)`; its quantiles are
//! read from a normal distribution of that mean and variance, cut at zero ([`Total`]).
//!
//! The correlations are estimated from the history ([`estimate`]) unless `[uncertainty]` in
//! the settings fixes them ([`UncertaintySettings`]); [`Dependence::describe`] states the
//! model used in words, for the outputs.
//!
//! ```
//! use planner_core::uncertainty::{Dependence, Total};
//!
//! // Two months of one sku, each 100 ± 10 (one standard deviation), fully correlated:
//! let dep = Dependence::fixed(1.0, 0.0, 0.0).unwrap();
//! let mut t = dep.total(2);
//! t.add("A", &[10.0, 10.0], 200.0);
//! let total: Total = t.finish();
//! assert!((total.sd - 20.0).abs() < 1e-9);
//! // Independent months: sqrt(2) * 10.
//! let dep = Dependence::fixed(0.0, 0.0, 0.0).unwrap();
//! let mut t = dep.total(2);
//! t.add("A", &[10.0, 10.0], 200.0);
//! assert!((t.finish().sd - 200f64.sqrt()).abs() < 1e-9);
//! ```

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::demand::{DemandHistory, Product};
use crate::field::FieldError;
use crate::forecast::Level;

/// Where a correlation of the model comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// Set by the settings (`[uncertainty]` in planner.toml).
    Configured,
    /// Estimated from one-step forecast errors of the history.
    Estimated {
        /// Sku-months of errors it rests on.
        observations: usize,
        /// Months of errors per sku it used, at most [`ESTIMATE_MONTHS`]: for the month
        /// correlation the most any sku gave, for the family and portfolio ones the months
        /// every sku has (the fewest any gave).
        months: usize,
    },
    /// Neither set nor estimable (too little history, or a family of one): the stated default.
    Assumed,
}

/// One correlation of the model and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correlation {
    /// The correlation.
    pub value: f64,
    /// Where it comes from.
    pub source: Source,
}

impl Correlation {
    fn assumed(value: f64) -> Self {
        Self {
            value,
            source: Source::Assumed,
        }
    }
}

/// The dependence model of a demand plan's forecast errors (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dependence {
    /// `ρ`: correlation of one sku's errors in consecutive months (AR(1) over months).
    pub month: Correlation,
    /// `c_f`: correlation of two skus of the same family in the same month.
    pub family: Correlation,
    /// `c_p`: correlation of two skus of different families in the same month.
    pub portfolio: Correlation,
    /// The family of each sku that has one (from the product master); any other sku is its own
    /// family.
    #[serde(default)]
    pub families: BTreeMap<String, String>,
}

/// What is assumed when neither the settings nor the history say: consecutive months of a sku
/// correlated at 0.5, two skus of a family at 0.25, any two skus at 0.1.
pub const ASSUMED: [f64; 3] = [0.5, 0.25, 0.1];

impl Default for Dependence {
    /// The assumed model ([`ASSUMED`]), with no families.
    fn default() -> Self {
        Self {
            month: Correlation::assumed(ASSUMED[0]),
            family: Correlation::assumed(ASSUMED[1]),
            portfolio: Correlation::assumed(ASSUMED[2]),
            families: BTreeMap::new(),
        }
    }
}

/// `[uncertainty]` of the settings: each correlation given here replaces its estimate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct UncertaintySettings {
    /// Correlation of a sku's errors in consecutive months, -1 to 1.
    #[serde(default)]
    pub month_correlation: Option<f64>,
    /// Correlation of two skus of one family in the same month, 0 to 1.
    #[serde(default)]
    pub family_correlation: Option<f64>,
    /// Correlation of any two skus in the same month, 0 to 1, at most the family's.
    #[serde(default)]
    pub portfolio_correlation: Option<f64>,
}

crate::field::checked_serde!(UncertaintySettings, check);

impl UncertaintySettings {
    /// Checks the ranges.
    ///
    /// # Errors
    /// A [`FieldError`] naming the key: a correlation outside its range, or a portfolio
    /// correlation above the family one.
    pub fn check(&self) -> Result<(), FieldError> {
        if let Some(r) = self.month_correlation {
            if !(r.is_finite() && (-1.0..=1.0).contains(&r)) {
                return Err(FieldError::new(
                    "uncertainty.month_correlation",
                    format!("{r} is not a correlation: expected -1 to 1"),
                ));
            }
        }
        for (field, v) in [
            ("uncertainty.family_correlation", self.family_correlation),
            (
                "uncertainty.portfolio_correlation",
                self.portfolio_correlation,
            ),
        ] {
            if let Some(c) = v {
                if !(c.is_finite() && (0.0..=1.0).contains(&c)) {
                    return Err(FieldError::new(
                        field,
                        format!(
                            "{c} is not a correlation the model can hold: expected 0 to 1 (skus \
                             share common factors, which cannot pull every pair apart)"
                        ),
                    ));
                }
            }
        }
        if let (Some(f), Some(p)) = (self.family_correlation, self.portfolio_correlation) {
            if p > f {
                return Err(FieldError::new(
                    "uncertainty.portfolio_correlation",
                    format!(
                        "{p} is above family_correlation {f}: two skus of one family move \
                         together at least as much as any two skus"
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Dependence {
    /// A model with these correlations, all [`Source::Configured`], and no families.
    ///
    /// # Errors
    /// As [`UncertaintySettings::check`].
    pub fn fixed(month: f64, family: f64, portfolio: f64) -> Result<Self, FieldError> {
        let s = UncertaintySettings {
            month_correlation: Some(month),
            family_correlation: Some(family),
            portfolio_correlation: Some(portfolio),
        };
        s.check()?;
        let c = |value| Correlation {
            value,
            source: Source::Configured,
        };
        Ok(Self {
            month: c(month),
            family: c(family),
            portfolio: c(portfolio),
            families: BTreeMap::new(),
        })
    }

    /// Independent errors everywhere (every correlation 0, configured).
    pub fn independent() -> Self {
        Self::fixed(0.0, 0.0, 0.0).expect("zero correlations are valid")
    }

    /// The same model with these skus' families.
    pub fn with_families(mut self, products: &[Product]) -> Self {
        self.families = products
            .iter()
            .map(|p| (p.sku.clone(), p.family.clone()))
            .collect();
        self
    }

    /// The family a sku's errors share a factor with (its own name when it has none).
    pub fn family_of<'a>(&'a self, sku: &'a str) -> &'a str {
        self.families.get(sku).map_or(sku, String::as_str)
    }

    /// The model in words, as the outputs state it: "consecutive months of a sku correlated at
    /// 0.52, skus within a family at 0.31 and across families at 0.12 (estimated from 720
    /// sku-months of one-step errors over the last 24 months)".
    pub fn describe(&self) -> String {
        fn src(c: &Correlation) -> String {
            match &c.source {
                Source::Configured => "set in [uncertainty]".into(),
                Source::Estimated {
                    observations,
                    months,
                } => format!(
                    "estimated from {observations} sku-months of one-step errors over the last \
                     {months} months"
                ),
                Source::Assumed => "assumed: too little history to estimate".into(),
            }
        }
        let parts = [
            ("consecutive months of a sku", &self.month),
            ("skus within a family", &self.family),
            ("skus across families", &self.portfolio),
        ];
        let mut out = Vec::new();
        let mut i = 0;
        while i < parts.len() {
            let s = src(parts[i].1);
            let mut group = vec![format!("{} at {:.2}", parts[i].0, parts[i].1.value)];
            let mut j = i + 1;
            while j < parts.len() && src(parts[j].1) == s {
                group.push(format!("{} at {:.2}", parts[j].0, parts[j].1.value));
                j += 1;
            }
            out.push(format!("{} ({s})", group.join(", ")));
            i = j;
        }
        format!("forecast errors correlated: {}", out.join("; "))
    }

    /// Numbers the families of `skus` in order of first appearance: each sku's number, and how
    /// many families there are (for [`MonthSpread`]).
    pub fn family_numbers<'a>(
        &'a self,
        skus: impl IntoIterator<Item = &'a str>,
    ) -> (Vec<usize>, usize) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let numbers = skus
            .into_iter()
            .map(|s| {
                let f = self.families.get(s).map_or(s, String::as_str);
                let n = seen.len();
                *seen.entry(f).or_insert(n)
            })
            .collect();
        (numbers, seen.len())
    }

    /// A builder of one weighted total over `horizon` months (see [`TotalBuilder`]).
    pub fn total(&self, horizon: usize) -> TotalBuilder<'_> {
        TotalBuilder {
            dep: self,
            horizon,
            mean: 0.0,
            all: vec![0.0; horizon],
            by_family: HashMap::new(),
            own: 0.0,
        }
    }

    /// `Q(a) = Σ_t Σ_s a_t a_s ρ^|t − s|`, in O(len) by the recursion
    /// `b_t = a_t + ρ b_{t−1}`, `Q = Σ a_t² + 2 ρ Σ a_t b_{t−1}`.
    pub(crate) fn q(&self, a: &[f64]) -> f64 {
        self.q_prefixes(a).last().copied().unwrap_or(0.0)
    }

    /// `Q(a[..w])` for every `w` from 0 to `a.len()`: the same recursion, each prefix kept.
    pub(crate) fn q_prefixes(&self, a: &[f64]) -> Vec<f64> {
        let rho = self.month.value;
        let (mut b, mut q) = (0.0, 0.0);
        let mut out = Vec::with_capacity(a.len() + 1);
        out.push(0.0);
        for &x in a {
            q += x * x + 2.0 * rho * x * b;
            b = x + rho * b;
            out.push(q.max(0.0));
        }
        out
    }

    /// The variance of a total from its parts: `c_p Q(all) + (c_f − c_p) Σ_f Q(f) + (1 − c_f)
    /// Σ_i Q(i)`, given `Q(all)`, the sum of the families' `Q` and the sum of the skus' own.
    pub(crate) fn variance(&self, q_all: f64, q_families: f64, q_own: f64) -> f64 {
        let (cf, cp) = (self.family.value, self.portfolio.value);
        (cp * q_all + (cf - cp) * q_families + (1.0 - cf) * q_own).max(0.0)
    }
}

/// Accumulates one weighted total of demand, sku by sku ([`Dependence::total`]).
#[derive(Debug)]
pub struct TotalBuilder<'a> {
    dep: &'a Dependence,
    horizon: usize,
    mean: f64,
    all: Vec<f64>,
    by_family: HashMap<&'a str, Vec<f64>>,
    own: f64,
}

impl<'a> TotalBuilder<'a> {
    /// Months of the total.
    pub(crate) fn horizon(&self) -> usize {
        self.horizon
    }

    /// Adds one sku's part of the total: `weighted_sd[t] = w(t) σ(t)` for each month of the
    /// window (months outside it 0; at most `horizon` values) and its `mean` (`Σ w(t) f(t)`).
    /// Each sku is added once.
    pub fn add(&mut self, sku: &'a str, weighted_sd: &[f64], mean: f64) {
        self.mean += mean;
        let n = weighted_sd.len().min(self.horizon);
        let a = &weighted_sd[..n];
        self.own += self.dep.q(a);
        let fam = self
            .by_family
            .entry(self.dep.family_of(sku))
            .or_insert_with(|| vec![0.0; self.horizon]);
        for (t, x) in a.iter().enumerate() {
            fam[t] += x;
            self.all[t] += x;
        }
    }

    /// The total's distribution.
    pub fn finish(self) -> Total {
        let fam: f64 = self.by_family.values().map(|a| self.dep.q(a)).sum();
        Total {
            mean: self.mean,
            sd: self
                .dep
                .variance(self.dep.q(&self.all), fam, self.own)
                .sqrt(),
        }
    }
}

/// One month's weighted total over many skus, accumulated in place: the one-month case of
/// [`TotalBuilder`] for loops over lines or materials and months, where `ρ` plays no part.
/// Families are numbered by [`Dependence::family_numbers`].
#[derive(Debug, Clone)]
pub struct MonthSpread {
    family: f64,
    portfolio: f64,
    all: f64,
    by_family: Vec<f64>,
    own: f64,
}

impl MonthSpread {
    /// An empty total over `families` numbered families.
    pub fn new(dep: &Dependence, families: usize) -> Self {
        Self {
            family: dep.family.value,
            portfolio: dep.portfolio.value,
            all: 0.0,
            by_family: vec![0.0; families],
            own: 0.0,
        }
    }

    /// Adds one sku's `w σ` (its weight times its standard deviation that month).
    pub fn add(&mut self, family: usize, weighted_sd: f64) {
        self.all += weighted_sd;
        self.by_family[family] += weighted_sd;
        self.own += weighted_sd * weighted_sd;
    }

    /// The total's standard deviation.
    pub fn sd(&self) -> f64 {
        let fam: f64 = self.by_family.iter().map(|x| x * x).sum();
        let var = self.portfolio * self.all * self.all
            + (self.family - self.portfolio) * fam
            + (1.0 - self.family) * self.own;
        var.max(0.0).sqrt()
    }

    /// Empties the total for the next month.
    pub fn clear(&mut self) {
        self.all = 0.0;
        self.own = 0.0;
        self.by_family.iter_mut().for_each(|x| *x = 0.0);
    }
}

/// A total of demand (or of anything linear in it): its mean and standard deviation under the
/// plan's [`Dependence`], read as a normal distribution cut at zero.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Total {
    /// The mean: the total at the point forecasts.
    pub mean: f64,
    /// The standard deviation.
    pub sd: f64,
}

impl Total {
    /// The quantile at probability `p` (0 < p < 1), never below zero.
    pub fn quantile(&self, p: f64) -> f64 {
        if self.sd <= 0.0 {
            return self.mean.max(0.0);
        }
        (self.mean + self.sd * z(p)).max(0.0)
    }

    /// The central range at `level`: the `(1 − L)/2` and `(1 + L)/2` quantiles.
    pub fn bounds(&self, level: Level) -> (f64, f64) {
        let a = level.fraction();
        (
            self.quantile((1.0 - a) / 2.0),
            self.quantile((1.0 + a) / 2.0),
        )
    }

    /// The probability that the total exceeds `x`.
    pub fn prob_above(&self, x: f64) -> f64 {
        if self.sd <= 0.0 {
            return if self.mean > x { 1.0 } else { 0.0 };
        }
        1.0 - normal().cdf((x - self.mean) / self.sd)
    }

    /// The same total scaled by `k` (a price, hours per unit).
    pub fn scaled(&self, k: f64) -> Total {
        Total {
            mean: self.mean * k,
            sd: self.sd * k.abs(),
        }
    }
}

fn normal() -> Normal {
    Normal::new(0.0, 1.0).expect("standard normal")
}

/// The standard normal quantile.
pub fn z(p: f64) -> f64 {
    normal().inverse_cdf(p.clamp(1e-12, 1.0 - 1e-12))
}

/// Months of one-step errors per sku the estimate uses (the most recent).
pub const ESTIMATE_MONTHS: usize = 24;

/// Estimates the model from the history, then applies the settings' fixed values.
///
/// Errors are one-step forecast errors of a fixed seasonal exponential smoothing (level
/// smoothing 0.3, seasonal smoothing 0.1, season `season`) over the last [`ESTIMATE_MONTHS`]
/// months of each sku with at least two seasons and a year of history and some demand, each
/// sku's errors scaled to unit variance. Then:
///
/// - `ρ`: the pooled correlation of a forecast's errors one and two months ahead from the same
///   origin (the seasonal smoothing's two-step forecast is its one-step level);
/// - `c_f`: the mean product of two skus' errors of the same month within a family, over the
///   mean square; `c_p` the same across families (pairs are summed through the family and
///   portfolio totals, so the estimate is linear in the skus).
///
/// A correlation with fewer than 50 pairs behind it stays [`ASSUMED`]. Estimates are clamped
/// to the model's ranges (`0 ≤ c_p ≤ c_f ≤ 1`, `ρ` to [0, 0.95]).
pub fn estimate(
    history: &DemandHistory,
    products: &[Product],
    season: usize,
    settings: &UncertaintySettings,
) -> Dependence {
    let mut dep = Dependence::default().with_families(products);
    let season = season.max(1);
    let end = history.last_month();
    // Standardised one-step errors per sku, aligned on the months before `end`.
    let m = ESTIMATE_MONTHS;
    let mut rows: Vec<(&str, Vec<f64>)> = Vec::new();
    let (mut lag_xy, mut lag_xx, mut lag_yy, mut lag_n) = (0.0, 0.0, 0.0, 0usize);
    // The most months of errors any sku gave the month correlation (at most `m`).
    let mut lag_months = 0;
    for s in history.series() {
        if end != Some(s.end().plus(-1)) || s.quantities.len() < 2 * season + 12 {
            continue;
        }
        let Some((e1, e2)) = one_and_two_step_errors(&s.quantities, season) else {
            continue;
        };
        let k = e1.len().min(m);
        let e1 = &e1[e1.len() - k..];
        let sd = (e1.iter().map(|x| x * x).sum::<f64>() / k as f64).sqrt();
        if !(sd > 0.0 && sd.is_finite()) {
            continue;
        }
        // One- and two-step errors from the same origins, standardised the same way.
        let k2 = e2.len().min(m);
        lag_months = lag_months.max(k);
        for (a, b) in e1[..e1.len()].iter().zip(&e2[e2.len() - k2..]) {
            lag_xy += a / sd * b / sd;
            lag_xx += (a / sd).powi(2);
            lag_yy += (b / sd).powi(2);
            lag_n += 1;
        }
        rows.push((&s.sku, e1.iter().map(|x| x / sd).collect()));
    }
    let min_pairs = 50.0;
    if lag_n >= 50 && lag_xx > 0.0 && lag_yy > 0.0 {
        dep.month = Correlation {
            value: (lag_xy / (lag_xx * lag_yy).sqrt()).clamp(0.0, 0.95),
            source: Source::Estimated {
                observations: lag_n,
                months: lag_months,
            },
        };
    }
    // Cross-sku: sums of errors by month, per family and over all.
    let k = rows.iter().map(|(_, e)| e.len()).min().unwrap_or(0);
    if k >= 6 && rows.len() >= 2 {
        let mut all = vec![0.0; k];
        let mut fam: HashMap<&str, (Vec<f64>, usize)> = HashMap::new();
        let mut sq = 0.0;
        for (sku, e) in &rows {
            let e = &e[e.len() - k..];
            let f = fam
                .entry(dep.family_of(sku))
                .or_insert_with(|| (vec![0.0; k], 0));
            f.1 += 1;
            for t in 0..k {
                all[t] += e[t];
                f.0[t] += e[t];
                sq += e[t] * e[t];
            }
        }
        let n = rows.len() as f64;
        let mean_sq = sq / (n * k as f64);
        let total_pairs: f64 = all.iter().map(|x| x * x).sum::<f64>() - sq;
        let within: f64 = fam
            .values()
            .map(|(s, _)| s.iter().map(|x| x * x).sum::<f64>())
            .sum::<f64>()
            - sq;
        let within_pairs: f64 = fam
            .values()
            .map(|(_, c)| (*c as f64) * (*c as f64 - 1.0))
            .sum();
        let across_pairs = n * (n - 1.0) - within_pairs;
        let observations = rows.len() * k;
        let est = |v: f64| Correlation {
            value: v,
            source: Source::Estimated {
                observations,
                months: k,
            },
        };
        let mut cp = None;
        if across_pairs * k as f64 >= min_pairs && mean_sq > 0.0 {
            let v = ((total_pairs - within) / (across_pairs * k as f64) / mean_sq).clamp(0.0, 1.0);
            cp = Some(v);
            dep.portfolio = est(v);
        }
        if within_pairs * k as f64 >= min_pairs && mean_sq > 0.0 {
            let v = (within / (within_pairs * k as f64) / mean_sq).clamp(cp.unwrap_or(0.0), 1.0);
            dep.family = est(v);
        }
        if dep.portfolio.value > dep.family.value {
            dep.family.value = dep.portfolio.value;
        }
    }
    apply(&mut dep, settings);
    dep
}

/// The settings' fixed correlations over `dep`.
pub fn apply(dep: &mut Dependence, settings: &UncertaintySettings) {
    let fixed = |v: f64| Correlation {
        value: v,
        source: Source::Configured,
    };
    if let Some(v) = settings.month_correlation {
        dep.month = fixed(v);
    }
    if let Some(v) = settings.family_correlation {
        dep.family = fixed(v);
    }
    if let Some(v) = settings.portfolio_correlation {
        dep.portfolio = fixed(v);
    }
    if dep.portfolio.value > dep.family.value {
        // Keep the model valid: a configured portfolio value lifts an estimated family one.
        if settings.family_correlation.is_none() {
            dep.family.value = dep.portfolio.value;
        } else {
            dep.portfolio.value = dep.family.value;
        }
    }
}

/// One- and two-step errors of additive seasonal exponential smoothing with fixed smoothing
/// (level 0.3, season 0.1), started from the first season's mean and shape. `e1[j]` is the
/// error of the forecast made at origin `j` for the next month, `e2[j]` for the month after,
/// for the origins from the end of the first two seasons on.
fn one_and_two_step_errors(y: &[f64], season: usize) -> Option<(Vec<f64>, Vec<f64>)> {
    let (alpha, gamma) = (0.3, 0.1);
    let n = y.len();
    if n < 2 * season + 2 {
        return None;
    }
    let first: f64 = y[..season].iter().sum::<f64>() / season as f64;
    let mut level = first;
    let mut seas: Vec<f64> = y[..season].iter().map(|v| v - first).collect();
    let mut e1 = Vec::new();
    let mut e2 = Vec::new();
    for t in season..n {
        let s_t = seas[t % season];
        let f1 = level + s_t;
        if t >= 2 * season && t + 1 < n {
            e1.push(y[t] - f1);
            // Forecast of t + 1 made at t − 1 (the origin of f1): level then, season of t + 1.
            e2.push(y[t + 1] - (level + seas[(t + 1) % season]));
        }
        let new_level = alpha * (y[t] - s_t) + (1.0 - alpha) * level;
        seas[t % season] = gamma * (y[t] - new_level) + (1.0 - gamma) * s_t;
        level = new_level;
    }
    (!e1.is_empty()).then_some((e1, e2))
}

#[cfg(test)]
mod tests;
