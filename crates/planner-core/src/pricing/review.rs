//! Cost transparency and index-linked price reviews (`cost_breakdown.csv`, `indices.csv`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::PricingError;
use crate::demand_plan::DemandPlan;
use crate::field::{key, non_negative, positive, FieldError};
use crate::time::Month;

/// One line of a sku's cost breakdown (`cost_breakdown.csv`): what the contract manufacturer's
/// unit price is made of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostComponent {
    /// The sku.
    pub sku: String,
    /// The component, for example `material`, `labor`, `overhead`, `packaging`, `value-add`.
    pub component: String,
    /// Its amount per unit at the base month.
    pub amount: f64,
    /// The index it follows (for example `resin`), if any; unindexed components stay fixed.
    pub index: Option<String>,
}

impl CostComponent {
    /// A cost component; a blank `index` means unindexed.
    ///
    /// # Errors
    /// [`FieldError`] for a blank sku or component, or a negative or non-finite amount.
    pub fn new(
        sku: &str,
        component: &str,
        amount: f64,
        index: Option<&str>,
    ) -> Result<Self, FieldError> {
        Ok(Self {
            sku: key("sku", sku)?,
            component: key("component", component)?,
            amount: non_negative("amount", amount)?,
            index: index
                .map(str::trim)
                .filter(|i| !i.is_empty())
                .map(String::from),
        })
    }
}

/// One value of a price index (`indices.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexPoint {
    /// The index, for example `resin` or `stainless`.
    pub index: String,
    /// The month of the value.
    pub month: Month,
    /// The value (any unit: only ratios between months are used).
    pub value: f64,
}

impl IndexPoint {
    /// An index value.
    ///
    /// # Errors
    /// [`FieldError`] for a blank index or a value that is not a number above zero.
    pub fn new(index: &str, month: Month, value: f64) -> Result<Self, FieldError> {
        Ok(Self {
            index: key("index", index)?,
            month,
            value: positive("value", value)?,
        })
    }
}

/// How index-linked prices are reviewed (`[pricing.review]` in planner.toml).
///
/// | Name | Default | Range |
/// |---|---|---|
/// | `every_months` | 3 | months between reviews once the fixed period is over, 1 or more |
/// | `fixed_months` | 12 | months from the start month during which prices stay fixed, 0 or more |
/// | `pass_through` | 1.0 | share of an index's change passed into the component, 0 to 1 |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", default, deny_unknown_fields)]
pub struct ReviewPolicy {
    /// Months between reviews after the fixed period.
    pub every_months: u32,
    /// Months of fixed prices from the start month; the first review falls on month
    /// `fixed_months` (0-based from the start).
    pub fixed_months: u32,
    /// Share of the index's change passed through (1.0 = all of it).
    pub pass_through: f64,
}

crate::field::checked_serde!(ReviewPolicy, check);

impl Default for ReviewPolicy {
    fn default() -> Self {
        Self {
            every_months: 3,
            fixed_months: 12,
            pass_through: 1.0,
        }
    }
}

impl ReviewPolicy {
    /// Checks the ranges of the table above.
    ///
    /// # Errors
    /// [`FieldError`] naming the key.
    pub fn check(&self) -> Result<(), FieldError> {
        if self.every_months == 0 {
            return Err(FieldError::new(
                "pricing.review.every_months",
                "0 is not a number of months of at least 1",
            ));
        }
        let p = non_negative("pricing.review.pass_through", self.pass_through)?;
        if p > 1.0 {
            return Err(FieldError::new(
                "pricing.review.pass_through",
                format!("{p} is not a share between 0 and 1"),
            ));
        }
        Ok(())
    }

    /// True when month `offset` (0 = the start month) is a review month: `fixed_months`, then
    /// every `every_months` after it.
    pub fn is_review(&self, offset: u32) -> bool {
        offset >= self.fixed_months
            && (offset - self.fixed_months).is_multiple_of(self.every_months.max(1))
    }

    /// The review month in force at month `offset`: the latest review at or before it, `None`
    /// during the fixed period.
    pub fn review_in_force(&self, offset: u32) -> Option<u32> {
        let every = self.every_months.max(1);
        offset
            .checked_sub(self.fixed_months)
            .map(|since| self.fixed_months + since / every * every)
    }

    /// The review in force at month `offset` from the anchor, for months before it too: the
    /// calendar of reviews (`fixed_months`, then every `every_months`) runs back before the
    /// anchor at the same step (`fixed_months - every_months`, ...), so a month gone by carries
    /// the quote of the latest review at or before it. `None` during the fixed period.
    pub fn review_in_force_at(&self, offset: i32) -> Option<i32> {
        let fixed = i32::try_from(self.fixed_months).unwrap_or(i32::MAX);
        let every = i32::try_from(self.every_months.max(1)).unwrap_or(i32::MAX);
        if (0..fixed).contains(&offset) {
            return None;
        }
        Some(fixed + (offset - fixed).div_euclid(every) * every)
    }
}

/// The projected unit price of one sku in one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectedPrice {
    /// The sku.
    pub sku: String,
    /// The month.
    pub month: Month,
    /// The unit price in force: the sum of the sku's components as last reviewed.
    pub unit_price: f64,
    /// The unit price at the base (the sum of the components' amounts).
    pub base_unit_price: f64,
    /// `unit_price − base_unit_price`.
    pub change_vs_base: f64,
}

/// An indexed component's series and base value (`None` for an unindexed component).
type Link<'a> = Option<(&'a [(Month, f64)], f64)>;

impl ProjectedPrice {
    /// `unit_price / base_unit_price`: the factor by which the reviews moved the price, to apply
    /// to quoted tier prices (`None` when the base price is 0).
    pub fn factor(&self) -> Option<f64> {
        (self.base_unit_price > 0.0).then(|| self.unit_price / self.base_unit_price)
    }
}

/// The spend that follows a projected price: one sku and month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectedSpend {
    /// The sku.
    pub sku: String,
    /// The month.
    pub month: Month,
    /// The month's point demand.
    pub quantity: f64,
    /// The unit price of the tier the sku's volume reaches in `pricing.csv` for this month's
    /// period (or order).
    pub tier_unit_price: f64,
    /// The index factor in force ([`ProjectedPrice::factor`]): 1 for a sku without a cost
    /// breakdown, during the fixed period, or when its indices do not move.
    pub index_factor: f64,
    /// `tier_unit_price × index_factor`.
    pub unit_price: f64,
    /// `quantity × unit_price`.
    pub spend: f64,
    /// `quantity × tier_unit_price × (index_factor − 1)`: what the reviews add to (or save on)
    /// the spend at the tier price.
    pub change_vs_base: f64,
    /// True when an index the sku's price follows has no value for this month and is held flat
    /// at its last value (see [`IndexOutlook`]).
    pub index_held_flat: bool,
}

/// How each index used by the cost breakdown is carried over the planned months: from values
/// given ahead in `indices.csv`, or held flat at its last value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexOutlook {
    /// The index.
    pub index: String,
    /// The last month `indices.csv` gives a value for.
    pub last_month: Month,
    /// That value.
    pub last_value: f64,
    /// The planned months with a value given ahead (from the first planned month on).
    pub months_given: u32,
    /// The first planned month held flat at `last_value`, `None` when values are given for the
    /// whole horizon.
    pub flat_from: Option<Month>,
    /// The planned months held flat.
    pub months_flat: u32,
}

impl IndexOutlook {
    /// The outlook in words: `SS304: held flat at 13,510 (its 2026-10 value) for all 12 planned
    /// months` or `PP: values given ahead to 2027-04; held flat at 1,210 from 2027-05 (6 months)`.
    pub fn sentence(&self) -> String {
        let value = if self.last_value.fract() == 0.0 {
            format!("{}", self.last_value)
        } else {
            format!("{:.2}", self.last_value)
        };
        match self.flat_from {
            None => format!(
                "{}: values given ahead for all {} planned months (to {})",
                self.index, self.months_given, self.last_month
            ),
            Some(_) if self.months_given == 0 => format!(
                "{}: held flat at {value} (its {} value) for all {} planned months",
                self.index, self.last_month, self.months_flat
            ),
            Some(from) => format!(
                "{}: values given ahead to {}; held flat at {value} from {from} ({} months)",
                self.index, self.last_month, self.months_flat
            ),
        }
    }
}

/// The outlook of every index that `components` follow over `months` months from `start`,
/// sorted by index. Indices with no values are left out ([`project_prices`] reports them).
pub fn index_outlook(
    components: &[CostComponent],
    indices: &[IndexPoint],
    start: Month,
    months: usize,
) -> Vec<IndexOutlook> {
    let used: std::collections::BTreeSet<&str> = components
        .iter()
        .filter_map(|c| c.index.as_deref())
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .collect();
    let mut out = Vec::new();
    for index in used {
        let Some(last) = indices
            .iter()
            .filter(|p| p.index == index)
            .max_by_key(|p| p.month)
        else {
            continue;
        };
        let ahead = start.months_until(last.month) + 1;
        let months = months as i32;
        let given = ahead.clamp(0, months);
        out.push(IndexOutlook {
            index: index.to_string(),
            last_month: last.month,
            last_value: last.value,
            months_given: given as u32,
            flat_from: (given < months).then(|| start.plus(given)),
            months_flat: (months - given) as u32,
        });
    }
    out
}

/// The spend of each priced sku and month of `demand`: `point demand × tier unit price × index
/// factor`.
///
/// # Formula
/// The tier unit price is that of the `pricing.csv` row (annual period or order) whose months
/// hold the month; the factor is [`ProjectedPrice::factor`] of the sku's projected price in
/// that month under the review calendar (1 for a sku without a cost breakdown). With no index
/// move the projected spend is the spend of `pricing.csv`; a change of tier prices moves both
/// alike. Months of a sku without a pricing row are left out.
///
/// Worked by hand: 100 units a month at a tier price of 9.00, a cost breakdown of steel 6.00
/// (on `steel`) and labour 4.00; steel 200 at the start and 220 from the first review: the
/// factor is `(6 × 1.1 + 4) / 10 = 1.06`, so the month costs `100 × 9.00 × 1.06 = 954`, 54 more
/// than at the tier price.
pub fn projected_spend(
    prices: &[ProjectedPrice],
    rows: &[super::PricingRow],
    outlook: &[IndexOutlook],
    components: &[CostComponent],
    demand: &DemandPlan,
) -> Vec<ProjectedSpend> {
    let plans: std::collections::HashMap<&str, &crate::demand_plan::SkuPlan> =
        demand.skus.iter().map(|s| (s.sku.as_str(), s)).collect();
    let factors: std::collections::HashMap<(&str, Month), f64> = prices
        .iter()
        .map(|p| ((p.sku.as_str(), p.month), p.factor().unwrap_or(1.0)))
        .collect();
    let mut indices_of: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in components {
        if let Some(i) = c.index.as_deref().map(str::trim).filter(|i| !i.is_empty()) {
            indices_of.entry(c.sku.as_str()).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for row in rows {
        let Some(plan) = plans.get(row.sku.as_str()) else {
            continue;
        };
        for k in 0..row.months as i32 {
            let month = row.first_month.plus(k);
            let Ok(t) = usize::try_from(demand.start.months_until(month)) else {
                continue;
            };
            let quantity = plan.forecast.point.get(t).copied().unwrap_or(0.0).max(0.0);
            let factor = factors
                .get(&(row.sku.as_str(), month))
                .copied()
                .unwrap_or(1.0);
            let unit_price = row.unit_price * factor;
            let index_held_flat = indices_of.get(row.sku.as_str()).is_some_and(|used| {
                outlook.iter().any(|o| {
                    used.contains(&o.index.as_str()) && o.flat_from.is_some_and(|f| month >= f)
                })
            });
            out.push(ProjectedSpend {
                sku: row.sku.clone(),
                month,
                quantity,
                tier_unit_price: row.unit_price,
                index_factor: factor,
                unit_price,
                spend: quantity * unit_price,
                change_vs_base: quantity * row.unit_price * (factor - 1.0),
                index_held_flat,
            });
        }
    }
    out
}

/// An index's values, sorted by month.
type Series = Vec<(Month, f64)>;

/// Each index's values sorted by month (a month given twice keeps its last value).
///
/// # Errors
/// [`PricingError::BadIndexValue`] for a value that is not above zero.
fn index_series(indices: &[IndexPoint]) -> Result<BTreeMap<&str, Series>, PricingError> {
    let mut series: BTreeMap<&str, Series> = BTreeMap::new();
    for p in indices {
        if !(p.value.is_finite() && p.value > 0.0) {
            return Err(PricingError::BadIndexValue {
                index: p.index.clone(),
                month: p.month,
                value: p.value,
            });
        }
        series
            .entry(p.index.as_str())
            .or_default()
            .push((p.month, p.value));
    }
    for s in series.values_mut() {
        sort_series(s);
    }
    Ok(series)
}

/// Sorts an index's values by month, a month given twice keeping its last value.
fn sort_series(s: &mut Series) {
    s.sort_by_key(|(m, _)| *m); // stable: values of one month stay in the order given
    let mut dedup: Vec<(Month, f64)> = Vec::with_capacity(s.len());
    for &(m, v) in s.iter() {
        match dedup.last_mut() {
            Some(last) if last.0 == m => last.1 = v,
            _ => dedup.push((m, v)),
        }
    }
    *s = dedup;
}

/// The value of `index` in force at `month` among `points`, by the one rule of the crate
/// ([`index_series`] then [`value_at`]): the value of its latest month at or before `month`, a
/// month given twice counting its last value; `None` before its first value.
pub(crate) fn index_value_at(points: &[IndexPoint], index: &str, month: Month) -> Option<f64> {
    let mut s: Series = points
        .iter()
        .filter(|p| p.index == index)
        .map(|p| (p.month, p.value))
        .collect();
    sort_series(&mut s);
    value_at(&s, month)
}

/// The index `c` follows, its series and its value at `base` (the last value at or before it);
/// `None` for an unindexed component.
///
/// # Errors
/// [`PricingError::UnknownIndex`] when `series` has no such index, [`PricingError::NoIndexBase`]
/// when it has no value at or before `base`.
fn resolve<'c, 's>(
    c: &'c CostComponent,
    series: &'s BTreeMap<&str, Series>,
    base: Month,
) -> Result<Option<Resolved<'c, 's>>, PricingError> {
    let Some(index) = c.index.as_deref().map(str::trim).filter(|i| !i.is_empty()) else {
        return Ok(None);
    };
    let s = series
        .get(index)
        .ok_or_else(|| PricingError::UnknownIndex {
            sku: c.sku.clone(),
            component: c.component.clone(),
            index: index.to_string(),
        })?;
    let at = value_at(s, base).ok_or_else(|| PricingError::NoIndexBase {
        index: index.to_string(),
        base,
    })?;
    Ok(Some(Resolved {
        index,
        series: s,
        base: at,
    }))
}

/// What [`resolve`] finds of an indexed component.
struct Resolved<'c, 's> {
    /// The index's name.
    index: &'c str,
    /// Its values, sorted by month.
    series: &'s [(Month, f64)],
    /// Its value at the base month.
    base: f64,
}

/// The quote basis that pricing and the partnership scorecard share: the pricing calendar and
/// how far a sku's quoted price moves with its indexed cost components.
///
/// # Formula
/// The `anchor` is the first planned month. Annual-basis volumes are those of 12-month pricing
/// years counted from it, forward and back ([`IndexLink::pricing_year`]: the years of
/// `pricing.csv` and, for months gone by, `anchor − 12 .. anchor − 1` and so on). The cost
/// breakdown is the quote as of the anchor. In month `m` the quote is the tier price times
/// `factor(m) = 1 + pass_through × Σ_c share_c × (I_c(r) / I_c(anchor) − 1)`, where `share_c` is
/// the component's amount over the sku's unit price, `r` the review in force in `m` under the
/// review calendar ([`ReviewPolicy::review_in_force_at`]; the factor is 1 during the fixed
/// period) and `I_c(r)` the value of its index in `r` or the last value before it (the first
/// value before the series starts). This is the factor of [`project_prices`]. A sku without
/// indexed components has factor 1.
///
/// Worked by hand: material 6.00 on `resin` of a 10.00 price, pass-through 1, reviews every 3
/// months from the anchor 2026-11 (so 2026-08, 2026-05, ... going back); resin 110 at the anchor
/// and 99 in 2026-05: `factor = 1 + 0.6 × (99 / 110 − 1) = 0.94` from 2026-05 to 2026-07, so a
/// tier price of 10.00 was a 9.40 quote in those months.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IndexLink {
    /// Per sku: each indexed component's share of the unit price and its index.
    shares: BTreeMap<String, Vec<(f64, String)>>,
    /// Each index used: its sorted values and its value at the anchor.
    series: BTreeMap<String, (Series, f64)>,
    /// The review calendar and the share of an index move passed on.
    policy: ReviewPolicy,
    /// The first planned month; `None` for [`IndexLink::default`].
    anchor: Option<Month>,
}

impl IndexLink {
    /// A basis with no indexed component: the pricing calendar from `anchor`, every factor 1.
    pub fn unlinked(anchor: Month) -> Self {
        Self {
            anchor: Some(anchor),
            ..Self::default()
        }
    }

    /// The link of `components` to `indices` as of `anchor`, reviewed under `policy`.
    ///
    /// # Errors
    /// As [`project_prices`]: an unknown index, an index with no value at or before `anchor`, a
    /// value not above zero.
    pub fn new(
        components: &[CostComponent],
        indices: &[IndexPoint],
        policy: &ReviewPolicy,
        anchor: Month,
    ) -> Result<Self, PricingError> {
        let all = index_series(indices)?;
        let mut totals: BTreeMap<&str, f64> = BTreeMap::new();
        for c in components {
            *totals.entry(c.sku.as_str()).or_default() += c.amount;
        }
        let mut link = Self {
            policy: policy.clone(),
            anchor: Some(anchor),
            ..Self::default()
        };
        for c in components {
            let Some(Resolved {
                index,
                series,
                base,
            }) = resolve(c, &all, anchor)?
            else {
                continue;
            };
            if !link.series.contains_key(index) {
                link.series
                    .insert(index.to_string(), (series.to_vec(), base));
            }
            let total = totals[c.sku.as_str()];
            if total > 0.0 {
                link.shares
                    .entry(c.sku.clone())
                    .or_default()
                    .push((c.amount / total, index.to_string()));
            }
        }
        Ok(link)
    }

    /// True when no sku has an indexed component.
    pub fn is_empty(&self) -> bool {
        self.shares.is_empty()
    }

    /// The first planned month the basis counts from (`None` for [`IndexLink::default`]).
    pub fn anchor(&self) -> Option<Month> {
        self.anchor
    }

    /// The first month of the 12-month pricing year that holds `month`, years counted from
    /// `anchor` forward and back: with the anchor 2026-11, 2026-07 is in the year from 2025-11.
    pub fn pricing_year(anchor: Month, month: Month) -> Month {
        anchor.plus(anchor.months_until(month).div_euclid(12) * 12)
    }

    /// The factor of `sku`'s quote in `month` (1 for a sku without indexed components, and
    /// during the fixed period).
    pub fn factor(&self, sku: &str, month: Month) -> f64 {
        let (Some(shares), Some(anchor)) = (self.shares.get(sku), self.anchor) else {
            return 1.0;
        };
        let Some(review) = self.policy.review_in_force_at(anchor.months_until(month)) else {
            return 1.0;
        };
        let at_month = anchor.plus(review);
        let moved: f64 = shares
            .iter()
            .map(|(share, index)| {
                let (s, base) = &self.series[index];
                let at = value_at(s, at_month)
                    .or_else(|| s.first().map(|p| p.1))
                    .unwrap_or(*base);
                share * (at / base - 1.0)
            })
            .sum();
        1.0 + self.policy.pass_through * moved
    }
}

/// The value of a sorted index series in force at `month`: the value of that month or the last
/// one before it (months after the last value hold it). `None` before the first value. The one
/// rule of "an index value in force at a month"; [`index_value_at`] reads raw points by it.
fn value_at(series: &[(Month, f64)], month: Month) -> Option<f64> {
    let n = series.partition_point(|(m, _)| *m <= month);
    n.checked_sub(1).map(|i| series[i].1)
}

/// Projects each sku's unit price over `months` months from `start` as its components follow
/// their indices under a review policy.
///
/// # Formula
/// The base of an index is its value at `start` (or the last value before it). At a review month
/// `k` (0-based: `fixed_months`, then every `every_months`), an indexed component becomes
/// `amount × (1 + pass_through × (I(k) / I_base − 1))`, where `I(k)` is the index's value in that
/// month (or the last value before it: months beyond the last value hold it). Between reviews the
/// last reviewed price holds; during the fixed period the base price holds. Unindexed components
/// stay at their amount. The unit price is the sum of the sku's components. Rows are sorted by
/// sku, then month.
///
/// # Example, worked by hand
/// Sku A: material 6.00 on `resin`, labor 3.00, overhead 1.00 (base price 10.00). Resin: 100 in
/// 2026-11, 110 in 2027-11, 120 in 2028-02. Policy: fixed 12 months, reviews every 3, 50 %
/// pass-through. From 2026-11:
/// - 2026-11 to 2027-10: 10.00 (fixed).
/// - 2027-11 (review): resin +10 %, material 6 × (1 + 0.5 × 0.10) = 6.30, price 10.30; also
///   2027-12 and 2028-01.
/// - 2028-02 (review): resin +20 %, material 6 × 1.10 = 6.60, price 10.60; 2028-05 (review)
///   keeps 120, so 10.60 onwards.
///
/// ```
/// use planner_core::pricing::{project_prices, CostComponent, IndexPoint, ReviewPolicy};
///
/// let c = |component: &str, amount, index: Option<&str>| CostComponent {
///     sku: "A".into(),
///     component: component.into(),
///     amount,
///     index: index.map(String::from),
/// };
/// let components = [c("material", 6.0, Some("resin")), c("labor", 3.0, None), c("overhead", 1.0, None)];
/// let p = |month: &str, value| IndexPoint { index: "resin".into(), month: month.parse().unwrap(), value };
/// let indices = [p("2026-11", 100.0), p("2027-11", 110.0), p("2028-02", 120.0)];
/// let policy = ReviewPolicy { every_months: 3, fixed_months: 12, pass_through: 0.5 };
/// let prices = project_prices(&components, &indices, &policy, "2026-11".parse()?, 18)?;
/// assert!((prices[11].unit_price - 10.00).abs() < 1e-12); // 2027-10
/// assert!((prices[12].unit_price - 10.30).abs() < 1e-12); // 2027-11
/// assert!((prices[15].unit_price - 10.60).abs() < 1e-12); // 2028-02
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`PricingError::UnknownIndex`] when a component follows an index with no values,
/// [`PricingError::NoIndexBase`] when an index used has no value at or before `start`,
/// [`PricingError::BadIndexValue`] for a value that is not above zero.
pub fn project_prices(
    components: &[CostComponent],
    indices: &[IndexPoint],
    policy: &ReviewPolicy,
    start: Month,
    months: usize,
) -> Result<Vec<ProjectedPrice>, PricingError> {
    let series = index_series(indices)?;

    // Per component: the factor at each review month, relative to the base.
    let mut by_sku: BTreeMap<&str, Vec<&CostComponent>> = BTreeMap::new();
    for c in components {
        by_sku.entry(c.sku.as_str()).or_default().push(c);
    }
    let mut out = Vec::with_capacity(by_sku.len() * months);
    for (sku, comps) in by_sku {
        // Resolve each component's series and base once.
        let mut resolved: Vec<(f64, Link<'_>)> = Vec::new();
        for c in comps {
            let link = resolve(c, &series, start)?.map(|r| (r.series, r.base));
            resolved.push((c.amount, link));
        }
        let base_unit_price: f64 = resolved.iter().map(|(a, _)| a).sum();
        for k in 0..months {
            let month = start.plus(k as i32);
            let review = u32::try_from(k)
                .ok()
                .and_then(|k| policy.review_in_force(k));
            let unit_price: f64 = resolved
                .iter()
                .map(|&(amount, link)| match (link, review) {
                    (Some((s, base)), Some(r)) => {
                        let at = value_at(s, start.plus(r as i32)).unwrap_or(base);
                        amount * (1.0 + policy.pass_through * (at / base - 1.0))
                    }
                    _ => amount,
                })
                .sum();
            out.push(ProjectedPrice {
                sku: sku.to_string(),
                month,
                unit_price,
                base_unit_price,
                change_vs_base: unit_price - base_unit_price,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn the_value_in_force_is_the_latest_at_or_before_the_month_and_a_repeat_counts_last() {
        let points = [
            point("resin", "2026-03", 110.0),
            point("steel", "2026-02", 7.0),
            point("resin", "2026-01", 100.0),
            point("resin", "2026-03", 120.0), // given again: this one counts
        ];
        let at = |month: &str| index_value_at(&points, "resin", m(month));
        assert_eq!(at("2025-12"), None);
        assert_eq!(at("2026-01"), Some(100.0));
        assert_eq!(at("2026-02"), Some(100.0));
        assert_eq!(at("2026-03"), Some(120.0));
        assert_eq!(at("2027-06"), Some(120.0));
        assert_eq!(index_value_at(&points, "steel", m("2026-05")), Some(7.0));
        assert_eq!(index_value_at(&points, "copper", m("2026-05")), None);
        // The projection reads the same series the same way.
        let series = index_series(&points).unwrap();
        for month in ["2025-12", "2026-01", "2026-02", "2026-03", "2027-06"] {
            assert_eq!(value_at(&series["resin"], m(month)), at(month), "{month}");
        }
    }

    fn comp(sku: &str, component: &str, amount: f64, index: Option<&str>) -> CostComponent {
        CostComponent {
            sku: sku.into(),
            component: component.into(),
            amount,
            index: index.map(String::from),
        }
    }

    fn point(index: &str, month: &str, value: f64) -> IndexPoint {
        IndexPoint {
            index: index.into(),
            month: m(month),
            value,
        }
    }

    #[track_caller]
    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    #[test]
    fn review_months_follow_the_policy() {
        let p = ReviewPolicy::default();
        let reviews: Vec<u32> = (0..24).filter(|&k| p.is_review(k)).collect();
        assert_eq!(reviews, vec![12, 15, 18, 21]);
        assert_eq!(p.review_in_force(11), None);
        assert_eq!(p.review_in_force(14), Some(12));
        assert_eq!(p.review_in_force(15), Some(15));
    }

    #[test]
    fn hand_worked_pass_through() {
        // The example of project_prices' docs, with the month before the start as the base.
        let components = [
            comp("A", "material", 6.0, Some("resin")),
            comp("A", "labor", 3.0, None),
            comp("A", "overhead", 1.0, None),
        ];
        let indices = [
            point("resin", "2026-10", 100.0),
            point("resin", "2027-11", 110.0),
            point("resin", "2028-02", 120.0),
        ];
        let policy = ReviewPolicy {
            every_months: 3,
            fixed_months: 12,
            pass_through: 0.5,
        };
        let prices = project_prices(&components, &indices, &policy, m("2026-11"), 24).unwrap();
        assert_eq!(prices.len(), 24);
        let expected = |k: usize| match k {
            0..=11 => 10.0,
            12..=14 => 10.3,
            _ => 10.6,
        };
        for (k, p) in prices.iter().enumerate() {
            assert_eq!(p.month, m("2026-11").plus(k as i32));
            close(p.unit_price, expected(k));
            close(p.change_vs_base, expected(k) - 10.0);
            close(p.base_unit_price, 10.0);
        }
    }

    #[test]
    fn the_scorecard_s_quote_factor_is_the_projection_s() {
        // One basis: IndexLink's factor in a planned month is project_prices' price over its
        // base, review calendar included.
        let components = [
            comp("A", "material", 6.0, Some("resin")),
            comp("A", "labor", 4.0, None),
        ];
        let indices = [
            point("resin", "2026-10", 100.0),
            point("resin", "2027-01", 110.0),
            point("resin", "2027-03", 125.0),
        ];
        let policy = ReviewPolicy {
            every_months: 3,
            fixed_months: 3,
            pass_through: 0.5,
        };
        let prices = project_prices(&components, &indices, &policy, m("2026-11"), 9).unwrap();
        let link = IndexLink::new(&components, &indices, &policy, m("2026-11")).unwrap();
        for p in &prices {
            close(link.factor("A", p.month), p.factor().unwrap());
        }
        // 2027-02 (review at month 3): resin 110, 1 + 0.5 × 0.6 × 0.1 = 1.03.
        close(link.factor("A", m("2027-02")), 1.03);
        // Months gone by: reviews every 3 months back from the anchor (2026-08, 2026-05...).
        assert_eq!(policy.review_in_force_at(-1), Some(-3));
        assert_eq!(policy.review_in_force_at(-3), Some(-3));
        assert_eq!(policy.review_in_force_at(-4), Some(-6));
        assert_eq!(policy.review_in_force_at(2), None);
        assert_eq!(policy.review_in_force_at(7), Some(6));
        assert_eq!(
            IndexLink::pricing_year(m("2026-11"), m("2026-07")),
            m("2025-11")
        );
        assert_eq!(
            IndexLink::pricing_year(m("2026-11"), m("2027-10")),
            m("2026-11")
        );
    }

    #[test]
    fn an_index_move_between_reviews_waits_for_the_next_review() {
        // No fixed period, quarterly reviews, full pass-through: steel +5 % in month 1 shows in
        // month 3, not before.
        let components = [comp("B", "steel", 20.0, Some("steel"))];
        let indices = [
            point("steel", "2026-01", 200.0),
            point("steel", "2026-02", 210.0),
        ];
        let policy = ReviewPolicy {
            every_months: 3,
            fixed_months: 0,
            pass_through: 1.0,
        };
        let prices = project_prices(&components, &indices, &policy, m("2026-01"), 4).unwrap();
        let got: Vec<f64> = prices.iter().map(|p| p.unit_price).collect();
        close(got[0], 20.0);
        close(got[1], 20.0);
        close(got[2], 20.0);
        close(got[3], 21.0);
    }

    #[test]
    fn errors_name_the_index() {
        let components = [comp("A", "material", 6.0, Some("resin"))];
        let err = project_prices(&components, &[], &ReviewPolicy::default(), m("2026-11"), 3);
        assert!(
            matches!(err, Err(PricingError::UnknownIndex { ref index, .. }) if index == "resin")
        );
        let late = [point("resin", "2027-01", 100.0)];
        let err = project_prices(
            &components,
            &late,
            &ReviewPolicy::default(),
            m("2026-11"),
            3,
        );
        assert!(matches!(err, Err(PricingError::NoIndexBase { .. })));
        let zero = [point("resin", "2026-11", 0.0)];
        let err = project_prices(
            &components,
            &zero,
            &ReviewPolicy::default(),
            m("2026-11"),
            3,
        );
        assert!(matches!(err, Err(PricingError::BadIndexValue { .. })));
    }

    #[test]
    fn spend_follows_the_projected_price() {
        use crate::demand_plan::SkuPlan;
        use crate::forecast::Forecast;
        let components = [comp("B", "steel", 20.0, Some("steel"))];
        let indices = [
            point("steel", "2026-01", 200.0),
            point("steel", "2026-04", 220.0),
        ];
        let policy = ReviewPolicy {
            every_months: 3,
            fixed_months: 3,
            pass_through: 1.0,
        };
        let prices = project_prices(&components, &indices, &policy, m("2026-01"), 4).unwrap();
        close(prices[3].factor().unwrap(), 1.1);
        let demand = DemandPlan {
            start: m("2026-01"),
            horizon: 4,
            levels: vec![],
            skus: vec![SkuPlan {
                sku: "B".into(),
                model: "plan".into(),
                forecast: Forecast {
                    point: vec![100.0; 4],
                    intervals: vec![],
                },
            }],
            dependence: crate::uncertainty::Dependence::independent(),
        };
        // The tier price is 18.00, not the breakdown's 20.00: spend follows the tier price.
        let tiers =
            [
                super::super::PriceTier::new("B", 0.0, 18.0, super::super::Basis::Annual, None)
                    .unwrap(),
            ];
        let plan = super::super::price(&tiers, &demand, &Default::default()).unwrap();
        let outlook = index_outlook(&components, &indices, m("2026-01"), 4);
        // Steel's last value is 2026-04, the fourth planned month: nothing held flat.
        assert_eq!(outlook[0].flat_from, None);
        assert_eq!(outlook[0].months_given, 4);
        let spend = projected_spend(&prices, &plan.rows, &outlook, &components, &demand);
        assert_eq!(spend.len(), 4);
        close(spend[0].spend, 1_800.0);
        close(spend[0].index_factor, 1.0);
        // Month 4: 100 × 18.00 × 1.1 = 1,980, 180 above the tier price.
        close(spend[3].spend, 1_980.0);
        close(spend[3].change_vs_base, 180.0);
        assert!(!spend[3].index_held_flat);
        // Two months of values ahead of a four-month plan: held flat from the third.
        let outlook = index_outlook(&components, &indices[..1], m("2025-12"), 4);
        assert_eq!(
            outlook[0].sentence(),
            "steel: values given ahead to 2026-01; held flat at 200 from 2026-02 (2 months)"
        );
        let outlook = index_outlook(&components, &indices, m("2026-06"), 3);
        assert_eq!(
            outlook[0].sentence(),
            "steel: held flat at 220 (its 2026-04 value) for all 3 planned months"
        );
    }

    #[test]
    fn constructors_validate() {
        let c = CostComponent::new(" A ", "labor", 3.0, Some("  ")).unwrap();
        assert_eq!((c.sku.as_str(), c.index), ("A", None));
        assert_eq!(
            CostComponent::new("A", "", 3.0, None).unwrap_err().field,
            "component"
        );
        assert_eq!(
            CostComponent::new("A", "x", -1.0, None).unwrap_err().field,
            "amount"
        );
        assert_eq!(
            IndexPoint::new("resin", m("2026-01"), 0.0)
                .unwrap_err()
                .field,
            "value"
        );
    }

    #[test]
    fn policy_check_rejects_out_of_range_values() {
        let bad = ReviewPolicy {
            pass_through: 1.5,
            ..ReviewPolicy::default()
        };
        assert_eq!(
            bad.check().unwrap_err().field,
            "pricing.review.pass_through"
        );
    }
}
