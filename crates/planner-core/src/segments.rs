//! ABC/XYZ segmentation: which skus carry the plan's value, and how steady their demand is.
//!
//! - **ABC** (value share): each sku's value over the first [`SegmentSettings::value_months`]
//!   planned months is `Σ point forecast × unit price`, the unit price being the tier price its
//!   `pricing.csv` row reaches for that month, or 1 (the units themselves) for a sku without
//!   price tiers ([`Segment::priced`] says which). Skus are ranked by value, largest first, ties
//!   by sku; a sku is `A` when its slice of the cumulative value starts below
//!   [`SegmentSettings::a_share`] (80 %), `B` below [`SegmentSettings::b_share`] (95 %), `C`
//!   otherwise. So the sku that crosses 80 % is still `A`, and a plan of one sku is all `A`.
//! - **XYZ** (variability): the coefficient of variation (population standard deviation over
//!   mean, zero months included) of the last [`SegmentSettings::cv_months`] months of history
//!   before the plan: `X` up to [`SegmentSettings::x_cv`] (0.5), `Y` up to
//!   [`SegmentSettings::y_cv`] (1.0), `Z` above. Intermittent demand is `Z` whatever its CV: the
//!   forecast engine's demand pattern ([`DemandPattern`]) `intermittent` or `lumpy` (a month
//!   with demand less than three months in four), as is a history of zeros. A sku with fewer than
//!   [`SegmentSettings::cv_min_months`] months of history (a launch) has no XYZ class.
//!
//! ```
//! use planner_core::demand::DemandHistory;
//! use planner_core::forecast::Forecast;
//! use planner_core::segments::{segment, SegmentSettings, ValueClass};
//! use planner_core::{DemandPlan, SkuPlan};
//!
//! let m = |s: &str| -> planner_core::time::Month { s.parse().unwrap() };
//! let sku = |name: &str, units: f64| SkuPlan {
//!     sku: name.into(),
//!     model: "test".into(),
//!     forecast: Forecast { point: vec![units; 12], intervals: vec![] },
//! };
//! let plan = DemandPlan {
//!     start: m("2027-01"),
//!     horizon: 12,
//!     levels: vec![],
//!     skus: vec![sku("BIG", 90.0), sku("SMALL", 10.0)],
//!     dependence: Default::default(),
//! };
//! let history = DemandHistory::from_records([("BIG", m("2026-12"), 1.0)])?;
//! let s = segment(&plan, None, &history, &[], &Default::default(), &SegmentSettings::default());
//! assert_eq!(s.rows[0].sku, "BIG");
//! assert_eq!(s.rows[0].abc, ValueClass::A);
//! assert_eq!(s.rows[1].abc, ValueClass::B); // its slice starts at 90 %
//! assert_eq!(s.unpriced, 2); // no price tiers: valued in units
//! # Ok::<(), planner_core::FieldError>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::demand::{DemandHistory, Product};
use crate::field::FieldError;
use crate::forecast::DemandPattern;
use crate::pricing::PricingPlan;
use crate::DemandPlan;

/// Segmentation settings (`[segments]` in planner.toml).
///
/// | Name | Default | Range |
/// |---|---|---|
/// | `a_share` | 0.80 | (0, 1): the share of value the `A` skus make up |
/// | `b_share` | 0.95 | [`a_share`, 1]: the share the `A` and `B` skus make up |
/// | `x_cv` | 0.5 | above 0: the largest CV of an `X` sku |
/// | `y_cv` | 1.0 | at least `x_cv`: the largest CV of a `Y` sku |
/// | `value_months` | 12 | 1 to 36: planned months valued (at most the horizon is used) |
/// | `cv_months` | 24 | 2 to 120: months of history the CV is read from |
/// | `cv_min_months` | 12 | 2 to `cv_months`: fewer months of history: no XYZ class |
///
/// [`a_share`]: SegmentSettings::a_share
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", default, deny_unknown_fields)]
pub struct SegmentSettings {
    /// The cumulative value share the `A` skus make up.
    pub a_share: f64,
    /// The cumulative value share the `A` and `B` skus make up.
    pub b_share: f64,
    /// The largest coefficient of variation of an `X` sku.
    pub x_cv: f64,
    /// The largest coefficient of variation of a `Y` sku.
    pub y_cv: f64,
    /// Planned months valued.
    pub value_months: usize,
    /// Months of history before the plan the CV is read from (the last ones).
    pub cv_months: usize,
    /// A sku with fewer months of history gets no XYZ class.
    pub cv_min_months: usize,
}

crate::field::checked_serde!(SegmentSettings, check);

impl Default for SegmentSettings {
    fn default() -> Self {
        Self {
            a_share: 0.80,
            b_share: 0.95,
            x_cv: 0.5,
            y_cv: 1.0,
            value_months: 12,
            cv_months: 24,
            cv_min_months: 12,
        }
    }
}

impl SegmentSettings {
    /// Checks the ranges of the table above.
    ///
    /// # Errors
    /// [`FieldError`] naming the key (`segments.b_share`) and the value.
    pub fn check(&self) -> Result<(), FieldError> {
        if !(self.a_share > 0.0 && self.a_share < 1.0) {
            return Err(FieldError::new(
                "segments.a_share",
                format!("{} is not a share strictly between 0 and 1", self.a_share),
            ));
        }
        if !(self.b_share >= self.a_share && self.b_share <= 1.0) {
            return Err(FieldError::new(
                "segments.b_share",
                format!(
                    "{} is not a share from a_share ({}) to 1",
                    self.b_share, self.a_share
                ),
            ));
        }
        crate::field::positive("segments.x_cv", self.x_cv)?;
        if !(self.y_cv.is_finite() && self.y_cv >= self.x_cv) {
            return Err(FieldError::new(
                "segments.y_cv",
                format!("{} is below x_cv ({})", self.y_cv, self.x_cv),
            ));
        }
        if !(1..=36).contains(&self.value_months) {
            return Err(FieldError::new(
                "segments.value_months",
                format!("{} is not between 1 and 36", self.value_months),
            ));
        }
        if !(2..=120).contains(&self.cv_months) {
            return Err(FieldError::new(
                "segments.cv_months",
                format!("{} is not between 2 and 120", self.cv_months),
            ));
        }
        if !(2..=self.cv_months).contains(&self.cv_min_months) {
            return Err(FieldError::new(
                "segments.cv_min_months",
                format!(
                    "{} is not between 2 and cv_months ({})",
                    self.cv_min_months, self.cv_months
                ),
            ));
        }
        Ok(())
    }
}

/// A value class: `A` (the skus making up the first [`SegmentSettings::a_share`] of value), `B`
/// (to [`SegmentSettings::b_share`]), `C` (the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ValueClass {
    /// The top of the value.
    A,
    /// The middle.
    B,
    /// The tail.
    C,
}

/// A variability class: `X` (steady), `Y` (variable), `Z` (erratic or intermittent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum VariabilityClass {
    /// CV up to [`SegmentSettings::x_cv`].
    X,
    /// CV up to [`SegmentSettings::y_cv`].
    Y,
    /// CV above, or intermittent demand.
    Z,
}

impl ValueClass {
    /// All classes, in order.
    pub const ALL: [ValueClass; 3] = [ValueClass::A, ValueClass::B, ValueClass::C];
}

impl VariabilityClass {
    /// All classes, in order.
    pub const ALL: [VariabilityClass; 3] = [
        VariabilityClass::X,
        VariabilityClass::Y,
        VariabilityClass::Z,
    ];
}

impl fmt::Display for ValueClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
        })
    }
}

impl fmt::Display for VariabilityClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::X => "X",
            Self::Y => "Y",
            Self::Z => "Z",
        })
    }
}

/// One sku's segment (a row of `segments.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// The sku.
    pub sku: String,
    /// Its family (the sku itself when the product master does not list it).
    pub family: String,
    /// Its value class.
    pub abc: ValueClass,
    /// Its variability class; `None` with too little history.
    pub xyz: Option<VariabilityClass>,
    /// Units over the valued months (the point forecasts).
    pub volume: f64,
    /// Value over the valued months: units × tier price, or units when not priced.
    pub value: f64,
    /// True when the value is at tier prices; false when valued at 1 per unit (no price tiers).
    pub priced: bool,
    /// Its share of the plan's value (0 when the plan has no value).
    pub value_share: f64,
    /// The share of the plan's value of this sku and every sku ranked above it.
    pub cumulative_share: f64,
    /// The coefficient of variation of its history; `None` with too little history or a zero
    /// mean.
    pub cv: Option<f64>,
    /// Months of history the CV was read from.
    pub history_months: usize,
    /// The forecast engine's demand pattern (none without history).
    pub pattern: Option<DemandPattern>,
}

impl Segment {
    /// The two classes together (`AX`), or the value class alone (`A`) without an XYZ class.
    pub fn class(&self) -> String {
        match self.xyz {
            Some(x) => format!("{}{x}", self.abc),
            None => self.abc.to_string(),
        }
    }
}

/// The segmentation of a plan: one [`Segment`] per sku, ranked by value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Segmentation {
    /// Planned months valued.
    pub value_months: usize,
    /// The rows, by value (largest first), ties by sku.
    pub rows: Vec<Segment>,
    /// Skus valued at 1 per unit (no price tiers).
    pub unpriced: usize,
    /// The thresholds used.
    pub settings: SegmentSettings,
}

impl Segmentation {
    /// The number of skus in each cell: `counts[abc][xyz]`, the last column for skus without an
    /// XYZ class.
    pub fn matrix(&self) -> [[usize; 4]; 3] {
        let mut m = [[0; 4]; 3];
        for s in &self.rows {
            let x = s.xyz.map_or(3, |x| x as usize);
            m[s.abc as usize][x] += 1;
        }
        m
    }

    /// The value share of each value class.
    pub fn class_shares(&self) -> [f64; 3] {
        let mut out = [0.0; 3];
        for s in &self.rows {
            out[s.abc as usize] += s.value_share;
        }
        out
    }

    /// One sku's segment.
    pub fn get(&self, sku: &str) -> Option<&Segment> {
        self.rows.iter().find(|s| s.sku == sku)
    }

    /// The skus of `filter`, by value.
    pub fn select<'a>(&'a self, filter: &'a ClassFilter) -> impl Iterator<Item = &'a Segment> {
        self.rows.iter().filter(|s| filter.matches(s))
    }
}

/// A selection of skus by class: `A`, `X`, `AX` (value class, variability class, or both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClassFilter {
    /// The value class, when given.
    pub abc: Option<ValueClass>,
    /// The variability class, when given.
    pub xyz: Option<VariabilityClass>,
}

impl ClassFilter {
    /// True when `s` is in the class.
    pub fn matches(&self, s: &Segment) -> bool {
        self.abc.is_none_or(|a| a == s.abc) && self.xyz.is_none_or(|x| Some(x) == s.xyz)
    }
}

impl FromStr for ClassFilter {
    type Err = FieldError;
    /// `A`, `B`, `C`, `X`, `Y`, `Z` or a pair `AX` ... `CZ` (case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let abc = |c: char| match c {
            'A' => Some(ValueClass::A),
            'B' => Some(ValueClass::B),
            'C' => Some(ValueClass::C),
            _ => None,
        };
        let xyz = |c: char| match c {
            'X' => Some(VariabilityClass::X),
            'Y' => Some(VariabilityClass::Y),
            'Z' => Some(VariabilityClass::Z),
            _ => None,
        };
        let t: Vec<char> = s.trim().to_ascii_uppercase().chars().collect();
        let bad = || {
            FieldError::new(
                "class",
                format!("{s:?} is not a class (A, B, C, X, Y, Z or AX ... CZ)"),
            )
        };
        match t.as_slice() {
            [c] => match (abc(*c), xyz(*c)) {
                (Some(a), _) => Ok(Self {
                    abc: Some(a),
                    xyz: None,
                }),
                (_, Some(x)) => Ok(Self {
                    abc: None,
                    xyz: Some(x),
                }),
                _ => Err(bad()),
            },
            [a, x] => match (abc(*a), xyz(*x)) {
                (Some(a), Some(x)) => Ok(Self {
                    abc: Some(a),
                    xyz: Some(x),
                }),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for ClassFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(a) = self.abc {
            write!(f, "{a}")?;
        }
        if let Some(x) = self.xyz {
            write!(f, "{x}")?;
        }
        Ok(())
    }
}

/// The coefficient of variation of `history` (population standard deviation over the mean);
/// `None` for an empty history or a zero mean.
pub fn cv(history: &[f64]) -> Option<f64> {
    if history.is_empty() {
        return None;
    }
    let n = history.len() as f64;
    let mean = history.iter().sum::<f64>() / n;
    if mean <= 0.0 {
        return None;
    }
    let var = history.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    Some(var.sqrt() / mean)
}

/// Segments every sku of `plan` (see the module's documentation): values from `plan`'s point
/// forecasts at `pricing`'s tier prices (1 per unit for a sku it does not price), variability
/// from `history` before `plan.start` and the engine's `patterns`, families from `products`.
pub fn segment(
    plan: &DemandPlan,
    pricing: Option<&PricingPlan>,
    history: &DemandHistory,
    products: &[Product],
    patterns: &BTreeMap<String, DemandPattern>,
    settings: &SegmentSettings,
) -> Segmentation {
    let months = settings.value_months.min(plan.horizon);
    // Each sku's pricing rows: (first month index, months, unit price).
    let mut prices: HashMap<&str, Vec<(i32, i32, f64)>> = HashMap::new();
    for r in pricing.map(|p| p.rows.as_slice()).unwrap_or_default() {
        prices.entry(r.sku.as_str()).or_default().push((
            plan.start.months_until(r.first_month),
            r.months as i32,
            r.unit_price,
        ));
    }
    let family: HashMap<&str, &str> = products
        .iter()
        .map(|p| (p.sku.as_str(), p.family.as_str()))
        .collect();
    let mut rows: Vec<Segment> = plan
        .skus
        .iter()
        .map(|s| {
            let rows = prices.get(s.sku.as_str());
            let mut volume = 0.0;
            let mut value = 0.0;
            for (t, &q) in s.forecast.point.iter().take(months).enumerate() {
                let q = if q.is_finite() { q.max(0.0) } else { 0.0 };
                let t = t as i32;
                let price = rows
                    .and_then(|r| r.iter().find(|(a, n, _)| (*a..a + n).contains(&t)))
                    .map_or(1.0, |r| r.2);
                volume += q;
                value += q * price;
            }
            let past: &[f64] = history.get(&s.sku).map_or(&[], |h| {
                let before = h
                    .start
                    .months_until(plan.start)
                    .clamp(0, h.quantities.len() as i32) as usize;
                &h.quantities[before.saturating_sub(settings.cv_months)..before]
            });
            let pattern = patterns.get(&s.sku).copied();
            let enough = past.len() >= settings.cv_min_months;
            let cv = if enough { cv(past) } else { None };
            let intermittent = matches!(
                pattern,
                Some(DemandPattern::Intermittent | DemandPattern::Lumpy)
            );
            let xyz = enough.then_some(match cv {
                _ if intermittent => VariabilityClass::Z,
                None => VariabilityClass::Z,
                Some(c) if c <= settings.x_cv => VariabilityClass::X,
                Some(c) if c <= settings.y_cv => VariabilityClass::Y,
                Some(_) => VariabilityClass::Z,
            });
            Segment {
                sku: s.sku.clone(),
                family: family
                    .get(s.sku.as_str())
                    .unwrap_or(&s.sku.as_str())
                    .to_string(),
                abc: ValueClass::C,
                xyz,
                volume,
                value,
                priced: rows.is_some(),
                value_share: 0.0,
                cumulative_share: 0.0,
                cv,
                history_months: past.len(),
                pattern,
            }
        })
        .collect();
    rows.sort_by(|a, b| b.value.total_cmp(&a.value).then_with(|| a.sku.cmp(&b.sku)));
    let total: f64 = rows.iter().map(|s| s.value).sum();
    let mut before = 0.0;
    for s in &mut rows {
        if total > 0.0 {
            s.value_share = s.value / total;
        }
        s.abc = if total <= 0.0 {
            ValueClass::C
        } else if before < settings.a_share {
            ValueClass::A
        } else if before < settings.b_share {
            ValueClass::B
        } else {
            ValueClass::C
        };
        before += s.value_share;
        s.cumulative_share = if total > 0.0 { before.min(1.0) } else { 0.0 };
    }
    let unpriced = rows.iter().filter(|s| !s.priced).count();
    Segmentation {
        value_months: months,
        rows,
        unpriced,
        settings: settings.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::Forecast;
    use crate::pricing::{Basis, PriceTier, PricingSettings};
    use crate::time::Month;
    use crate::SkuPlan;
    use proptest::prelude::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    fn plan(skus: &[(&str, f64)]) -> DemandPlan {
        DemandPlan {
            start: m("2027-01"),
            horizon: 12,
            levels: vec![],
            skus: skus
                .iter()
                .map(|(s, u)| SkuPlan {
                    sku: s.to_string(),
                    model: "test".into(),
                    forecast: Forecast {
                        point: vec![*u; 12],
                        intervals: vec![],
                    },
                })
                .collect(),
            dependence: Default::default(),
        }
    }

    /// 24 months before 2027-01 repeating `cycle`.
    fn records(sku: &'static str, cycle: &[f64]) -> Vec<(&'static str, Month, f64)> {
        (0..24)
            .map(|i| (sku, m("2025-01").plus(i), cycle[i as usize % cycle.len()]))
            .collect()
    }

    #[test]
    fn four_skus_hand_checked() {
        // Monthly units: P 100 at 5.0 (value 6000), Q 200 unpriced (2400), R 50 at 2.0 (1200),
        // S 30 at 1.0 (360); total 9960.
        let tiers = vec![
            PriceTier::new("P", 0.0, 5.0, Basis::Annual, None).unwrap(),
            PriceTier::new("R", 0.0, 2.0, Basis::Annual, None).unwrap(),
            PriceTier::new("S", 0.0, 1.0, Basis::Annual, None).unwrap(),
        ];
        let p = plan(&[("P", 100.0), ("Q", 200.0), ("R", 50.0), ("S", 30.0)]);
        let pricing = crate::pricing::price(&tiers, &p, &PricingSettings::default()).unwrap();
        let mut rec = records("P", &[100.0]); // CV 0: X
        rec.extend(records("Q", &[100.0, 300.0])); // mean 200, sd 100: CV 0.5: X (at the bound)
        rec.extend(records("R", &[10.0, 90.0])); // mean 50, sd 40: CV 0.8: Y
        rec.extend(records("S", &[0.0, 0.0, 0.0, 120.0])); // intermittent: Z
        let h = DemandHistory::from_records(rec).unwrap();
        let mut patterns = BTreeMap::new();
        for (sku, y) in [("P", vec![100.0]), ("Q", vec![100.0, 300.0])] {
            patterns.insert(sku.to_string(), crate::forecast::classify(&y));
        }
        patterns.insert("R".into(), DemandPattern::Erratic);
        patterns.insert("S".into(), DemandPattern::Lumpy);
        let products = vec![Product::new("P", "fam", None, None).unwrap()];
        let s = segment(
            &p,
            Some(&pricing),
            &h,
            &products,
            &patterns,
            &SegmentSettings::default(),
        );
        let order: Vec<&str> = s.rows.iter().map(|r| r.sku.as_str()).collect();
        assert_eq!(order, ["P", "Q", "R", "S"]);
        let values: Vec<f64> = s.rows.iter().map(|r| r.value).collect();
        assert_eq!(values, [6000.0, 2400.0, 1200.0, 360.0]);
        // Shares 0.6024, 0.2410, 0.1205, 0.0361; cumulative before: 0, 0.6024, 0.8434, 0.9639.
        let classes: Vec<String> = s.rows.iter().map(Segment::class).collect();
        assert_eq!(classes, ["AX", "AX", "BY", "CZ"]);
        assert!((s.rows[1].cumulative_share - 8400.0 / 9960.0).abs() < 1e-12);
        assert_eq!(s.rows[3].cumulative_share, 1.0);
        assert!((s.rows[2].cv.unwrap() - 0.8).abs() < 1e-12);
        assert!((s.rows[1].cv.unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(s.rows[0].family, "fam");
        assert_eq!(s.rows[1].family, "Q");
        assert!(!s.rows[1].priced && s.rows[0].priced);
        assert_eq!(s.unpriced, 1);
        assert_eq!(s.matrix(), [[2, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]);
        // A selection by class.
        let ax: ClassFilter = "ax".parse().unwrap();
        let picked: Vec<&str> = s.select(&ax).map(|r| r.sku.as_str()).collect();
        assert_eq!(picked, ["P", "Q"]);
        let z: ClassFilter = "Z".parse().unwrap();
        assert_eq!(s.select(&z).count(), 1);
        assert!("AQ".parse::<ClassFilter>().is_err());
        assert!("SKU1".parse::<ClassFilter>().is_err());
        // Settings move the bounds: with A at 60 % only P is A.
        let tight = SegmentSettings {
            a_share: 0.6,
            x_cv: 0.4,
            ..Default::default()
        };
        let s = segment(&p, Some(&pricing), &h, &products, &patterns, &tight);
        let classes: Vec<String> = s.rows.iter().map(Segment::class).collect();
        assert_eq!(classes, ["AX", "BY", "BY", "CZ"]);
    }

    #[test]
    fn little_history_has_no_xyz_and_ties_go_by_sku() {
        let p = plan(&[("B", 10.0), ("A", 10.0), ("NEW", 0.0)]);
        let mut rec: Vec<_> = (0..6).map(|i| ("A", m("2026-07").plus(i), 5.0)).collect();
        rec.extend(records("B", &[5.0]));
        let h = DemandHistory::from_records(rec).unwrap();
        let s = segment(
            &p,
            None,
            &h,
            &[],
            &BTreeMap::new(),
            &SegmentSettings::default(),
        );
        let order: Vec<&str> = s.rows.iter().map(|r| r.sku.as_str()).collect();
        assert_eq!(order, ["A", "B", "NEW"]);
        assert_eq!(s.rows[0].xyz, None, "6 months of history");
        assert_eq!(s.rows[0].history_months, 6);
        assert_eq!(s.rows[1].xyz, Some(VariabilityClass::X));
        assert_eq!(s.rows[1].history_months, 24);
        assert_eq!(s.rows[2].value_share, 0.0);
        assert_eq!(s.rows[2].abc, ValueClass::C);
        assert_eq!(s.matrix()[0][3], 1);
    }

    #[test]
    fn settings_are_checked_with_their_key() {
        let bad = SegmentSettings {
            b_share: 0.7,
            ..Default::default()
        };
        assert_eq!(bad.check().unwrap_err().field, "segments.b_share");
        let bad = SegmentSettings {
            y_cv: 0.2,
            ..Default::default()
        };
        assert_eq!(
            bad.check().unwrap_err().to_string(),
            "0.2 is below x_cv (0.5)"
        );
        assert!(SegmentSettings::default().check().is_ok());
    }

    proptest! {
        #[test]
        fn shares_sum_to_one_and_classes_are_monotone_in_value(
            units in prop::collection::vec(0.0f64..1000.0, 1..30),
        ) {
            let names: Vec<String> = (0..units.len()).map(|i| format!("S{i:02}")).collect();
            let skus: Vec<(&str, f64)> =
                names.iter().map(String::as_str).zip(units.iter().copied()).collect();
            let p = plan(&skus);
            let s = segment(&p, None, &DemandHistory::default(), &[], &BTreeMap::new(),
                &SegmentSettings::default());
            let total: f64 = s.rows.iter().map(|r| r.value).sum();
            let shares: f64 = s.rows.iter().map(|r| r.value_share).sum();
            if total > 0.0 {
                prop_assert!((shares - 1.0).abs() < 1e-9, "{shares}");
                prop_assert!((s.rows.last().unwrap().cumulative_share - 1.0).abs() < 1e-9);
                prop_assert_eq!(s.rows[0].abc, ValueClass::A);
            }
            for a in &s.rows {
                for b in &s.rows {
                    if a.value > b.value {
                        prop_assert!(a.abc <= b.abc, "{a:?} {b:?}");
                    }
                }
            }
            for w in s.rows.windows(2) {
                prop_assert!(w[0].cumulative_share <= w[1].cumulative_share);
            }
        }
    }
}
