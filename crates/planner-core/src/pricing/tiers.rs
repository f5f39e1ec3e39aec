//! Volume-price tiers quoted by the contract manufacturer (`price_tiers.csv`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::field::{checked_serde, key, non_negative, FieldError};

use super::PricingError;

/// What volume a tier is priced on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// Each sku's 12-month volume from the start month.
    #[default]
    Annual,
    /// Each planned order's quantity.
    Order,
}

impl FromStr for Basis {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "annual" => Ok(Self::Annual),
            "order" => Ok(Self::Order),
            _ => Err(FieldError::new(
                "basis",
                format!("{s:?} is not annual or order"),
            )),
        }
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Annual => "annual",
            Self::Order => "order",
        })
    }
}

/// How the tiers apply to a volume.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Every unit is priced at the tier the whole volume reaches (the contract's default).
    #[default]
    AllUnits,
    /// Each unit is priced at the tier its own position reaches (units 0..10,000 at the first
    /// price, the next ones at the second...).
    Incremental,
}

impl FromStr for Scheme {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_', ' '], "")
            .as_str()
        {
            "" | "allunits" => Ok(Self::AllUnits),
            "incremental" => Ok(Self::Incremental),
            _ => Err(FieldError::new(
                "scheme",
                format!("{s:?} is not all-units or incremental"),
            )),
        }
    }
}

/// One price break; deserializing one runs [`PriceTier::new`]'s checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct PriceTier {
    /// The sku.
    pub sku: String,
    /// The smallest volume this tier applies to.
    pub min_qty: f64,
    /// The price of one unit in this tier.
    pub unit_price: f64,
    /// What volume the tier is priced on.
    pub basis: Basis,
    /// How tiers apply to a volume.
    pub scheme: Scheme,
    /// The currency (for example `USD`).
    pub currency: Option<String>,
}

checked_serde!(PriceTier => checked);

impl PriceTier {
    /// The tier through [`PriceTier::new`]'s checks, its scheme kept (for a deserialized one).
    fn checked(self) -> Result<Self, FieldError> {
        let scheme = self.scheme;
        let mut t = Self::new(
            &self.sku,
            self.min_qty,
            self.unit_price,
            self.basis,
            self.currency,
        )?;
        t.scheme = scheme;
        Ok(t)
    }

    /// A price break.
    ///
    /// # Errors
    /// [`FieldError`] for a blank sku or a negative or non-finite quantity or price.
    pub fn new(
        sku: &str,
        min_qty: f64,
        unit_price: f64,
        basis: Basis,
        currency: Option<String>,
    ) -> Result<Self, FieldError> {
        Ok(Self {
            sku: key("sku", sku)?,
            min_qty: non_negative("min_qty", min_qty)?,
            unit_price: non_negative("unit_price", unit_price)?,
            basis,
            scheme: Scheme::AllUnits,
            currency,
        })
    }
}

/// One price break of a [`TierSchedule`]: from `min_qty` units on, `unit_price` a unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tier {
    /// The smallest volume this tier applies to.
    pub min_qty: f64,
    /// The price of one unit in this tier.
    pub unit_price: f64,
}

/// Relative tolerance with which a volume reaches a break: volumes are sums of forecast months,
/// so `9_999.999_999_999_8` reaches a break at `10_000`.
const REACH_TOLERANCE: f64 = 1e-9;

/// True when `volume` reaches `min_qty` (within [`REACH_TOLERANCE`]).
fn reaches(volume: f64, min_qty: f64) -> bool {
    volume >= min_qty - REACH_TOLERANCE * min_qty.max(1.0)
}

/// One sku's validated price breaks, sorted by `min_qty`.
///
/// # Pricing rules
/// - **All units** (the contract's rule): the unit price of a volume is that of the highest tier
///   whose `min_qty` it reaches; spend = volume × that price.
/// - **Incremental**: units `[min_qty_i, min_qty_{i+1})` are priced at tier `i`'s price; the
///   unit price reported is the average (spend / volume), the marginal price is that of the tier
///   the last unit falls in.
/// - **Below the first tier**: a volume below the lowest `min_qty` is priced at the lowest tier's
///   price (the dearest price quoted: the schedule never invents a price the quote does not
///   contain) and [`TierSchedule::below_first_tier`] says so, so callers can warn.
/// - A volume *reaches* a break when it is at least `min_qty` less a relative tolerance of
///   1e-9 (sums of forecast months are not exact).
///
/// # Validation
/// One sku has one basis, one scheme and one currency ([`PricingError::Mixed`]); no two tiers
/// start at the same quantity ([`PricingError::DuplicateTier`]); prices never rise with the
/// break ([`PricingError::RisingPrice`]: a higher price at a higher break is almost surely a typo
/// in the quote and would make buying more cost more).
///
/// ```
/// use planner_core::pricing::{Basis, PriceTier, TierSchedule};
///
/// let tiers = vec![
///     PriceTier::new("A", 0.0, 10.0, Basis::Annual, None)?,
///     PriceTier::new("A", 1_000.0, 9.0, Basis::Annual, None)?,
/// ];
/// let schedule = TierSchedule::new("A", &tiers)?;
/// assert_eq!(schedule.unit_price(999.0), 10.0);
/// assert_eq!(schedule.unit_price(1_000.0), 9.0);
/// assert_eq!(schedule.spend(1_000.0), 9_000.0);
/// assert_eq!(schedule.next_tier(999.0), Some((1_000.0, 9.0)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierSchedule {
    sku: String,
    basis: Basis,
    scheme: Scheme,
    currency: Option<String>,
    tiers: Vec<Tier>,
}

impl TierSchedule {
    /// The schedule of `sku` from the tiers of that sku in `tiers` (other skus' tiers are skipped).
    ///
    /// # Errors
    /// [`PricingError::NoTiers`] when no tier names the sku; [`PricingError::Mixed`],
    /// [`PricingError::DuplicateTier`] and [`PricingError::RisingPrice`] as described on the type.
    pub fn new(sku: &str, tiers: &[PriceTier]) -> Result<Self, PricingError> {
        let sku = sku.trim();
        let mine: Vec<&PriceTier> = tiers.iter().filter(|t| t.sku == sku).collect();
        let first = mine.first().ok_or_else(|| PricingError::NoTiers {
            sku: sku.to_string(),
        })?;
        let mixed = |what: &'static str| PricingError::Mixed {
            sku: sku.to_string(),
            what,
        };
        if mine.iter().any(|t| t.basis != first.basis) {
            return Err(mixed("bases (annual and order)"));
        }
        if mine.iter().any(|t| t.scheme != first.scheme) {
            return Err(mixed("schemes (all-units and incremental)"));
        }
        if mine.iter().any(|t| t.currency != first.currency) {
            return Err(mixed("currencies"));
        }
        let mut breaks: Vec<Tier> = mine
            .iter()
            .map(|t| Tier {
                min_qty: t.min_qty,
                unit_price: t.unit_price,
            })
            .collect();
        breaks.sort_by(|a, b| a.min_qty.total_cmp(&b.min_qty));
        for pair in breaks.windows(2) {
            if pair[0].min_qty == pair[1].min_qty {
                return Err(PricingError::DuplicateTier {
                    sku: sku.to_string(),
                    min_qty: pair[1].min_qty,
                });
            }
            if pair[1].unit_price > pair[0].unit_price {
                return Err(PricingError::RisingPrice {
                    sku: sku.to_string(),
                    min_qty: pair[1].min_qty,
                    unit_price: pair[1].unit_price,
                    lower_min_qty: pair[0].min_qty,
                    lower_unit_price: pair[0].unit_price,
                });
            }
        }
        Ok(Self {
            sku: sku.to_string(),
            basis: first.basis,
            scheme: first.scheme,
            currency: first.currency.clone(),
            tiers: breaks,
        })
    }

    /// One schedule per sku named in `tiers`, sorted by sku.
    ///
    /// # Errors
    /// The first sku's error of [`TierSchedule::new`].
    pub fn all(tiers: &[PriceTier]) -> Result<Vec<Self>, PricingError> {
        Self::group(tiers)
            .into_iter()
            .map(|(sku, mine)| Self::new(sku, &mine))
            .collect()
    }

    /// `tiers` by sku, in one pass (not one scan of every tier per sku), for
    /// [`TierSchedule::new`].
    pub fn group(tiers: &[PriceTier]) -> std::collections::BTreeMap<&str, Vec<PriceTier>> {
        let mut by_sku: std::collections::BTreeMap<&str, Vec<PriceTier>> = Default::default();
        for t in tiers {
            by_sku.entry(t.sku.as_str()).or_default().push(t.clone());
        }
        by_sku
    }

    /// The sku.
    pub fn sku(&self) -> &str {
        &self.sku
    }

    /// What volume the tiers are priced on.
    pub fn basis(&self) -> Basis {
        self.basis
    }

    /// How the tiers apply to a volume.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The currency, when the quote names one.
    pub fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }

    /// The breaks, sorted by `min_qty`; never empty.
    pub fn tiers(&self) -> &[Tier] {
        &self.tiers
    }

    /// The index in [`TierSchedule::tiers`] of the highest tier `volume` reaches (0 when it
    /// reaches none). Under the incremental scheme, the tier of the last unit.
    pub fn tier_index(&self, volume: f64) -> usize {
        self.tiers
            .iter()
            .rposition(|t| reaches(volume, t.min_qty))
            .unwrap_or(0)
    }

    /// The highest tier `volume` reaches (the first one when it reaches none).
    pub fn tier(&self, volume: f64) -> Tier {
        self.tiers[self.tier_index(volume)]
    }

    /// True when `volume` is below the lowest `min_qty` (then priced at the first tier's price).
    pub fn below_first_tier(&self, volume: f64) -> bool {
        !reaches(volume, self.tiers[0].min_qty)
    }

    /// The price of one more unit: under all-units the unit price of the tier reached, under the
    /// incremental scheme the price of the tier the next unit falls in.
    pub fn marginal_price(&self, volume: f64) -> f64 {
        self.tier(volume).unit_price
    }

    /// The unit price of `volume`: the reached tier's price under all-units, the average price
    /// (spend / volume) under the incremental scheme (the first tier's price at zero volume).
    pub fn unit_price(&self, volume: f64) -> f64 {
        match self.scheme {
            Scheme::AllUnits => self.tier(volume).unit_price,
            Scheme::Incremental if volume > 0.0 => self.spend(volume) / volume,
            Scheme::Incremental => self.tiers[0].unit_price,
        }
    }

    /// What `volume` units cost.
    ///
    /// # Formula
    /// All-units: `volume × unit_price(volume)`. Incremental: `Σ_i p_i × |[s_i, e_i) ∩ [0,
    /// volume)|` with `s_0 = 0`, `s_i = min_qty_i`, `e_i = min_qty_{i+1}` (`∞` for the last).
    pub fn spend(&self, volume: f64) -> f64 {
        let volume = volume.max(0.0);
        match self.scheme {
            Scheme::AllUnits => volume * self.tier(volume).unit_price,
            Scheme::Incremental => {
                let last = self.tier_index(volume);
                (0..=last)
                    .map(|i| {
                        let start = if i == 0 { 0.0 } else { self.tiers[i].min_qty };
                        let end = if i == last {
                            volume
                        } else {
                            self.tiers[i + 1].min_qty
                        };
                        self.tiers[i].unit_price * (end - start).max(0.0)
                    })
                    .sum()
            }
        }
    }

    /// The next break worth reaching: the lowest tier above `volume` whose price is below
    /// [`TierSchedule::marginal_price`] (tiers quoted at the same price are skipped), as
    /// `(min_qty, unit_price)`. `None` when `volume` is in the cheapest tier.
    pub fn next_tier(&self, volume: f64) -> Option<(f64, f64)> {
        let now = self.marginal_price(volume);
        self.tiers
            .iter()
            .find(|t| !reaches(volume, t.min_qty) && t.unit_price < now)
            .map(|t| (t.min_qty, t.unit_price))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tier(sku: &str, q: f64, p: f64) -> PriceTier {
        PriceTier::new(sku, q, p, Basis::Annual, None).unwrap()
    }

    fn schedule(breaks: &[(f64, f64)], scheme: Scheme) -> TierSchedule {
        let tiers: Vec<PriceTier> = breaks
            .iter()
            .map(|&(q, p)| PriceTier {
                scheme,
                ..tier("A", q, p)
            })
            .collect();
        TierSchedule::new("A", &tiers).unwrap()
    }

    #[track_caller]
    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} != {b}");
    }

    #[test]
    fn all_units_at_just_below_and_above_a_break() {
        // Quoted out of order on purpose: the schedule sorts.
        let s = schedule(
            &[(5_000.0, 8.0), (0.0, 10.0), (1_000.0, 9.0)],
            Scheme::AllUnits,
        );
        assert_eq!(s.tiers()[0].min_qty, 0.0);
        assert_eq!(s.unit_price(0.0), 10.0);
        assert_eq!(s.spend(0.0), 0.0);
        assert_eq!(s.unit_price(999.99), 10.0);
        close(s.spend(999.99), 9_999.9);
        // Exactly at the break: the whole volume at the lower price, so 1,000 cost less than 999.99.
        assert_eq!(s.unit_price(1_000.0), 9.0);
        assert_eq!(s.spend(1_000.0), 9_000.0);
        assert_eq!(s.tier(4_999.0).min_qty, 1_000.0);
        assert_eq!(s.unit_price(5_000.0), 8.0);
        assert_eq!(s.next_tier(0.0), Some((1_000.0, 9.0)));
        assert_eq!(s.next_tier(999.99), Some((1_000.0, 9.0)));
        assert_eq!(s.next_tier(1_000.0), Some((5_000.0, 8.0)));
        assert_eq!(s.next_tier(5_000.0), None);
        assert!(!s.below_first_tier(0.0));
    }

    #[test]
    fn a_sum_of_months_a_hair_below_a_break_reaches_it() {
        let s = schedule(&[(0.0, 10.0), (10_000.0, 9.0)], Scheme::AllUnits);
        let v: f64 = (0..12).map(|_| 10_000.0 / 12.0).sum();
        assert_eq!(s.unit_price(v), 9.0);
        assert_eq!(s.unit_price(9_999.99), 10.0);
    }

    #[test]
    fn below_the_first_tier_is_priced_at_it_and_flagged() {
        let s = schedule(
            &[(500.0, 10.0), (800.0, 10.0), (1_000.0, 9.0)],
            Scheme::AllUnits,
        );
        assert!(s.below_first_tier(100.0));
        assert_eq!(s.unit_price(100.0), 10.0);
        assert_eq!(s.tier(100.0).min_qty, 500.0);
        assert!(!s.below_first_tier(500.0));
        // 500 and 800 save nothing: the next tier worth reaching is 1,000.
        assert_eq!(s.next_tier(100.0), Some((1_000.0, 9.0)));
    }

    #[test]
    fn incremental_prices_each_unit_at_its_own_tier() {
        // 0-99 at 10, 100-199 at 8, 200+ at 6. 250 units: 1,000 + 800 + 300 = 2,100, average 8.40.
        let s = schedule(
            &[(0.0, 10.0), (100.0, 8.0), (200.0, 6.0)],
            Scheme::Incremental,
        );
        close(s.spend(250.0), 2_100.0);
        close(s.unit_price(250.0), 8.4);
        assert_eq!(s.marginal_price(250.0), 6.0);
        close(s.spend(100.0), 1_000.0);
        close(s.spend(200.0), 1_800.0);
        assert_eq!(s.unit_price(0.0), 10.0);
        assert_eq!(s.next_tier(150.0), Some((200.0, 6.0)));
        // A first tier above 0: the units below it are at its price too.
        let s = schedule(&[(50.0, 10.0), (100.0, 8.0)], Scheme::Incremental);
        close(s.spend(120.0), 1_160.0);
    }

    #[test]
    fn validation_names_the_sku_and_the_problem() {
        let mut order = tier("A", 100.0, 9.0);
        order.basis = Basis::Order;
        let err = TierSchedule::new("A", &[tier("A", 0.0, 10.0), order]).unwrap_err();
        assert!(matches!(err, PricingError::Mixed { what, .. } if what.starts_with("bases")));

        let mut inc = tier("A", 100.0, 9.0);
        inc.scheme = Scheme::Incremental;
        let err = TierSchedule::new("A", &[tier("A", 0.0, 10.0), inc]).unwrap_err();
        assert!(matches!(err, PricingError::Mixed { what, .. } if what.starts_with("schemes")));

        let mut eur = tier("A", 100.0, 9.0);
        eur.currency = Some("EUR".into());
        let err = TierSchedule::new("A", &[tier("A", 0.0, 10.0), eur]).unwrap_err();
        assert!(matches!(
            err,
            PricingError::Mixed {
                what: "currencies",
                ..
            }
        ));

        let err =
            TierSchedule::new("A", &[tier("A", 100.0, 10.0), tier("A", 100.0, 9.0)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "sku A: two price tiers start at min_qty 100"
        );

        let err =
            TierSchedule::new("A", &[tier("A", 0.0, 9.0), tier("A", 100.0, 9.5)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "sku A: the tier at min_qty 100 costs 9.5, more than 9 at min_qty 0; \
             prices must not rise with volume"
        );

        let err = TierSchedule::new("B", &[tier("A", 0.0, 9.0)]).unwrap_err();
        assert_eq!(err, PricingError::NoTiers { sku: "B".into() });
    }

    #[test]
    fn all_groups_by_sku() {
        let tiers = [
            tier("B", 0.0, 5.0),
            tier("A", 0.0, 9.0),
            tier("B", 10.0, 4.0),
        ];
        let all = TierSchedule::all(&tiers).unwrap();
        let skus: Vec<&str> = all.iter().map(TierSchedule::sku).collect();
        assert_eq!(skus, ["A", "B"]);
        assert_eq!(all[1].tiers().len(), 2);
    }

    /// Non-increasing price breaks starting anywhere from 0 to 500.
    fn breaks() -> impl Strategy<Value = Vec<(f64, f64)>> {
        (
            0.0f64..500.0,
            prop::collection::vec((1.0f64..5_000.0, 0.0f64..0.3), 0..6),
        )
            .prop_map(|(first, steps)| {
                let mut q = first.round();
                let mut p = 50.0;
                let mut out = vec![(q, p)];
                for (dq, cut) in steps {
                    q += dq.round().max(1.0);
                    p *= 1.0 - cut;
                    out.push((q, p));
                }
                out
            })
    }

    proptest! {
        #[test]
        fn all_units_price_never_rises_and_spend_is_volume_times_tier_price(
            b in breaks(),
            mut vols in prop::collection::vec(0.0f64..30_000.0, 2..20),
        ) {
            let s = schedule(&b, Scheme::AllUnits);
            vols.sort_by(f64::total_cmp);
            for pair in vols.windows(2) {
                prop_assert!(s.unit_price(pair[1]) <= s.unit_price(pair[0]));
            }
            for &v in &vols {
                // The tier by brute force: the highest min_qty reached, else the first.
                let expected = b
                    .iter()
                    .rev()
                    .find(|(q, _)| *q <= v)
                    .unwrap_or(&b[0])
                    .1;
                prop_assert_eq!(s.unit_price(v), expected);
                prop_assert_eq!(s.spend(v), v * expected);
                prop_assert!(s.unit_price(v) == s.tier(v).unit_price);
                if let Some((n, p)) = s.next_tier(v) {
                    prop_assert!(n > v && p < s.unit_price(v));
                }
            }
        }

        #[test]
        fn incremental_spend_rises_and_its_average_never_does(
            b in breaks(),
            mut vols in prop::collection::vec(0.0f64..30_000.0, 2..20),
        ) {
            let s = schedule(&b, Scheme::Incremental);
            vols.sort_by(f64::total_cmp);
            for pair in vols.windows(2) {
                prop_assert!(s.spend(pair[1]) >= s.spend(pair[0]) - 1e-9);
                prop_assert!(s.unit_price(pair[1]) <= s.unit_price(pair[0]) + 1e-9);
            }
            for &v in &vols {
                // Never dearer than all-units at the first price, never cheaper than the last.
                prop_assert!(s.spend(v) <= v * b[0].1 + 1e-6);
                prop_assert!(s.spend(v) >= v * b[b.len() - 1].1 - 1e-6);
            }
        }
    }
}
