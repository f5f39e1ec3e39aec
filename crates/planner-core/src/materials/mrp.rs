//! The MRP record (`material_plan.csv`), level by level through the BOM.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::index::Index;
use super::prebuy::{prebuy, PrebuyRow};
use super::safety::exposure;
use super::{Bom, Material, MaterialsError, MaterialsSettings};
use crate::demand_plan::DemandPlan;
use crate::time::{Date, Month};

/// Relative tolerance for floating-point noise: `0.035 * 1000` is 35, not `35.000000000000004`.
pub(crate) const EPS: f64 = 1e-9;

/// One row of `material_plan.csv`: one material in one planned month.
///
/// The first eight fields are the contract's columns; `past_due` and `safety_stock` are extra.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MrpRow {
    /// The material.
    pub material: String,
    /// The planned month.
    pub month: Month,
    /// Units needed this month: skus built this month and parents' orders released this month.
    pub gross_requirement: f64,
    /// Open orders (`on_order`) arriving this month.
    pub scheduled_receipts: f64,
    /// Stock at the end of the month.
    pub projected_on_hand: f64,
    /// What gross requirement and safety stock leave uncovered.
    pub net_requirement: f64,
    /// The order planned to arrive this month.
    pub planned_receipt: f64,
    /// Orders to place this month (the planned receipts one lead time later).
    pub planned_release: f64,
    /// The day this month's release is due: the need date of its receipt (the first day of the
    /// receipt's month) less `lead_time_days`; `None` without a release. The earliest when two
    /// receipts are released in the same month.
    pub release_date: Option<Date>,
    /// First month only: orders that should have been placed before the first planned month
    /// (the sum of [`MaterialPlan::past_due`] for this material), to place today. Not included
    /// in `planned_release`. Zero in later months.
    pub past_due: f64,
    /// The safety stock planned against: from `materials.csv`, or derived from the forecast.
    pub safety_stock: f64,
}

/// Why a past-due receipt is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PastDueKind {
    /// Without it the month's gross requirement is not covered: a shortage, to expedite.
    Shortage,
    /// Stock covers the month's gross requirement; the receipt only restores safety stock.
    SafetyStockTopUp,
}

impl PastDueKind {
    /// The name used in files: `shortage`, `safety_stock_top_up`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shortage => "shortage",
            Self::SafetyStockTopUp => "safety_stock_top_up",
        }
    }
}

/// A planned order whose release date falls before the first day of the plan: a shortage to
/// expedite today, or a safety-stock top-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastDue {
    /// The material.
    pub material: String,
    /// The month the receipt is needed.
    pub needed_month: Month,
    /// The month of `release_date`.
    pub release_month: Month,
    /// The day the order should have been placed: the first day of `needed_month` less
    /// `lead_time_days`.
    pub release_date: Date,
    /// The planned receipt.
    pub quantity: f64,
    /// Shortage or safety-stock top-up.
    pub kind: PastDueKind,
    /// Units of the month's gross requirement that stock and scheduled receipts leave uncovered
    /// (0 for a top-up).
    pub short_quantity: f64,
    /// Days the supplier would have to gain if the order is placed on the first day of the first
    /// planned month: `lead_time_days` minus the days from then to the first day of
    /// `needed_month`, at least 0 (0: ordered today it just makes it, by the calendar).
    pub days_late: u32,
    /// `quantity * unit_cost`.
    pub value: f64,
}

/// The result of [`requirements`]: the MRP record, the expedites and the pre-buy plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaterialPlan {
    /// The first planned month.
    pub start: Month,
    /// Months planned.
    pub horizon: usize,
    /// One row per material and month, materials in planning order (low-level code, then
    /// name; materials the BOM does not use are level 0), months in order.
    pub rows: Vec<MrpRow>,
    /// Releases due before the first day of the plan, in the order of `rows`: shortages and
    /// safety-stock top-ups.
    pub past_due: Vec<PastDue>,
    /// The pre-buy plan (`prebuy.csv`), largest cash first.
    pub prebuy: Vec<PrebuyRow>,
    /// Demand skus skipped: no BOM and not in `materials.csv`.
    pub skus_without_bom: Vec<String>,
}

/// Headline figures of a [`MaterialPlan`] for the terminal summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaterialsSummary {
    /// Materials planned.
    pub materials: usize,
    /// Past-due releases for shortages (expedites).
    pub past_due_count: usize,
    /// Value of those releases at unit cost.
    pub past_due_value: f64,
    /// Past-due releases that only restore safety stock.
    pub top_up_count: usize,
    /// Value of those releases at unit cost.
    pub top_up_value: f64,
    /// Materials with a pre-buy quantity above zero.
    pub prebuy_count: usize,
    /// Total cash tied up in pre-buys.
    pub prebuy_cash: f64,
    /// Total value at risk of the pre-buys (demand at the lower bound).
    pub prebuy_value_at_risk: f64,
    /// Demand skus skipped for lack of a BOM.
    pub skus_without_bom: usize,
}

impl MaterialPlan {
    /// The headline figures; the top pre-buys are the first rows of [`MaterialPlan::prebuy`].
    pub fn summary(&self) -> MaterialsSummary {
        MaterialsSummary {
            materials: self.rows.len().checked_div(self.horizon).unwrap_or(0),
            past_due_count: self.shortages().count(),
            past_due_value: self.shortages().map(|p| p.value).sum(),
            top_up_count: self.top_ups().count(),
            top_up_value: self.top_ups().map(|p| p.value).sum(),
            prebuy_count: self.prebuy.iter().filter(|p| p.quantity > 0.0).count(),
            prebuy_cash: self.total_cash_tied_up(),
            prebuy_value_at_risk: self.prebuy.iter().map(|p| p.value_at_risk).sum(),
            skus_without_bom: self.skus_without_bom.len(),
        }
    }

    /// The past-due releases for shortages: the expedites.
    pub fn shortages(&self) -> impl Iterator<Item = &PastDue> {
        self.past_due
            .iter()
            .filter(|p| p.kind == PastDueKind::Shortage)
    }

    /// The past-due releases that only restore safety stock.
    pub fn top_ups(&self) -> impl Iterator<Item = &PastDue> {
        self.past_due
            .iter()
            .filter(|p| p.kind == PastDueKind::SafetyStockTopUp)
    }

    /// Total cash tied up in the pre-buy plan.
    pub fn total_cash_tied_up(&self) -> f64 {
        self.prebuy.iter().map(|p| p.cash_tied_up).sum()
    }

    /// The MRP rows of one material (empty when it was not planned); a linear search, for
    /// look-ups rather than loops (iterate `rows.chunks(horizon)` instead).
    pub fn material(&self, material: &str) -> &[MrpRow] {
        let start = self.rows.iter().position(|r| r.material == material);
        match start {
            Some(i) => &self.rows[i..(i + self.horizon).min(self.rows.len())],
            None => &[],
        }
    }
}

/// `x` rounded up to a whole number, ignoring floating-point noise: 2.000000000001 is 2.
pub(crate) fn ceil_tol(x: f64) -> f64 {
    let r = x.round();
    if (x - r).abs() <= EPS * r.abs().max(1.0) {
        r
    } else {
        x.ceil()
    }
}

/// The lot for a net requirement.
///
/// # Formula
/// `0` when `net = 0`, else `ceil(max(net, moq) / order_multiple) * order_multiple` (no
/// rounding when `order_multiple <= 0`).
pub(crate) fn lot_size(net: f64, moq: f64, order_multiple: f64) -> f64 {
    if net <= 0.0 {
        return 0.0;
    }
    let q = net.max(moq);
    if order_multiple > 0.0 {
        ceil_tol(q / order_multiple) * order_multiple
    } else {
        q
    }
}

/// Rounds away noise below 1e-9 of a unit.
fn snap(x: f64) -> f64 {
    if x.abs() < 1e6 {
        (x * 1e9).round() / 1e9
    } else {
        x
    }
}

/// The MRP record of one material.
struct Record {
    rows: Vec<MrpRow>,
    past_due: Vec<PastDue>,
    release: Vec<f64>,
    past_due_total: f64,
}

/// Days from the first day of `start` to the first day of `start + t`.
fn days_to(start: Month, t: usize) -> u32 {
    (0..t).map(|k| start.plus(k as i32).days()).sum()
}

fn record(m: &Material, gross: Vec<f64>, safety_stock: f64, start: Month) -> Record {
    let horizon = gross.len();
    let mut sched = vec![0.0; horizon];
    for (ri, q) in m.scheduled(start) {
        if ri < horizon {
            sched[ri] += q;
        }
    }
    let mut rows = Vec::with_capacity(horizon);
    let mut release = vec![0.0; horizon];
    let mut release_date: Vec<Option<Date>> = vec![None; horizon];
    let first_day = start.first_day();
    let mut past_due = Vec::new();
    let mut past_due_total = 0.0;
    let mut poh_prev = m.on_hand;
    for (t, &g) in gross.iter().enumerate() {
        let month = start.plus(t as i32);
        let avail = poh_prev + sched[t];
        let raw = g + safety_stock - avail;
        let net = if raw > EPS * (g + safety_stock + avail.abs()).max(1.0) {
            raw
        } else {
            0.0
        };
        let receipt = lot_size(net, m.moq, m.order_multiple);
        let poh = snap(avail + receipt - g);
        if receipt > 0.0 {
            let due = month.first_day().plus_days(-i64::from(m.lead_time_days));
            if due < first_day {
                let short = snap(g - avail);
                let short = if short > EPS * g.max(1.0) { short } else { 0.0 };
                past_due_total += receipt;
                past_due.push(PastDue {
                    material: m.material.clone(),
                    needed_month: month,
                    release_month: due.month(),
                    release_date: due,
                    quantity: receipt,
                    kind: if short > 0.0 {
                        PastDueKind::Shortage
                    } else {
                        PastDueKind::SafetyStockTopUp
                    },
                    short_quantity: short,
                    days_late: m.lead_time_days.saturating_sub(days_to(start, t)),
                    value: receipt * m.unit_cost,
                });
            } else {
                // Released in the month of its date, `lead_time_days` before the receipt's
                // month: the row a planner orders from holds every release due in it.
                let k = start.months_until(due.month()).max(0) as usize;
                release[k] += receipt;
                release_date[k] = Some(release_date[k].map_or(due, |d: Date| d.min(due)));
            }
        }
        rows.push(MrpRow {
            material: m.material.clone(),
            month,
            gross_requirement: snap(g),
            scheduled_receipts: sched[t],
            projected_on_hand: poh,
            net_requirement: snap(net),
            planned_receipt: receipt,
            planned_release: 0.0,
            release_date: None,
            past_due: 0.0,
            safety_stock,
        });
        poh_prev = poh;
    }
    for ((row, r), d) in rows.iter_mut().zip(&release).zip(&release_date) {
        row.planned_release = *r;
        row.release_date = *d;
    }
    if let Some(first) = rows.first_mut() {
        first.past_due = past_due_total;
    }
    Record {
        rows,
        past_due,
        release,
        past_due_total,
    }
}

/// Plans every material: the MRP record, past-due releases, safety stock and the pre-buy plan.
///
/// Inputs: the BOM, the materials (`materials.csv`) and the demand plan (a forecast with ranges
/// or a fixed plan). Every demand sku is assumed built by the contract manufacturer in its
/// demand month, so its components are needed that month.
///
/// # Which items are planned
/// - Every material of `materials.csv` gets one row per planned month, used by the BOM or not.
/// - A demand sku with a BOM that is not in `materials.csv` is a finished sku: its point forecast
///   times `qty_per` is the gross requirement of its components in the same month.
/// - A demand sku listed in `materials.csv` (a sub-assembly sold as a spare, an item bought
///   finished) is planned as a material: its point forecast adds to its own gross requirement
///   and its planned releases drive its components, if it has a BOM.
/// - A demand sku with neither is skipped and listed in [`MaterialPlan::skus_without_bom`].
/// - A BOM parent that is neither a material nor a demand sku has no demand (a sku not in the
///   plan) and is ignored.
///
/// Materials are planned once each, by low-level code: the planned releases of a parent
/// material (a sub-assembly) are the gross requirements of its components in the release
/// month (`release * qty_per`); its past-due releases are needed by the first planned month.
///
/// # Formula
/// For each material, with `L = ceil(lead_time_days / 30)`, `SS` its safety stock, months
/// `t = 0..horizon` and `POH(-1) = on_hand`:
///
/// - `scheduled(t)` = `on_order` in the month of `on_order_month`, plus every open order of
///   [`Material::receipts`] due that month (`on_order` without a month and orders due before the
///   first planned month count in the first month; orders due after the horizon are not shown);
/// - `net(t) = max(0, gross(t) + SS - (POH(t-1) + scheduled(t)))`;
/// - `receipt(t) = 0` if `net(t) = 0`, else `ceil(max(net(t), moq) / order_multiple) *
///   order_multiple`;
/// - `POH(t) = POH(t-1) + scheduled(t) + receipt(t) - gross(t)`;
/// - the release of `receipt(t)` is due on `release_date = first day of month t -
///   lead_time_days` (in days, not rounded to months) and planned in the month of that date:
///   `L` months before `t`, or `L + 1` when the months between are short (30 days before
///   1 March is 30 January), so that a month's `planned_release` holds every order due in it;
/// - a receipt whose release date is before the first day of the plan is past due: it is listed
///   in [`MaterialPlan::past_due`] and summed in the first row's `past_due` column, not in
///   `planned_release`. It is a [`PastDueKind::Shortage`] when `gross(t)` exceeds
///   `POH(t-1) + scheduled(t)` (the month's demand is not covered: `short_quantity` is the
///   difference), else a [`PastDueKind::SafetyStockTopUp`]: only the safety stock is short. A
///   receipt whose offset month `t - L` is before the plan but whose release date is not (31
///   days of lead time for the second month of a plan starting in a 31-day month) is released
///   in the month of its date too: on time.
///
/// Because every net requirement gets a receipt (past-due ones included), `POH(t) >= SS` in
/// every month. Releases for receipts after the horizon are not planned, so the last `L`
/// months show no releases. Values are cleaned of floating-point noise below 1e-9.
///
/// Safety stock, where `materials.csv` gives none, buffers the material's exploded demand over its
/// lead time plus the review month (`ceil(lead_time_days / 30) + 1` months, at most the horizon):
/// `z * sd` for cycle service, `z` the one-sided normal quantile of `service_level` (1.645 for
/// 0.95), or the `k * sd` whose expected shortage meets the fill rate
/// ([`ServiceMeasure`](super::ServiceMeasure)). `sd` is that of the window's total `sum over skus s
/// and months t of e(s) * d_s(t)` under the plan's dependence model ([`crate::uncertainty`]: months
/// and skus correlated, from the standard deviations `sigma_s(t)` of each sku's widest interval,
/// [`SkuPlan::sigma`](crate::SkuPlan::sigma)), widened by the lead time's spread: `sd^2 + mu^2
/// (lead_time_sd_days / 30)^2`, `mu` the window's mean monthly demand. `e(s)` is the units of the
/// material in one unit of `s` through all BOM levels; a sub-assembly holds none (each unit of end
/// demand is buffered once, at the purchased parts below it), and the offsets of intermediate
/// levels are ignored. A fixed plan has no ranges, hence no derived safety stock. The pre-buy
/// method is described at [`PrebuyRow`].
///
/// The result does not depend on the number of threads: parallel work is split by item or by
/// sku and summed in a fixed order.
///
/// # Errors
/// - [`MaterialsError::ServiceLevel`] outside [0.5, 1);
/// - [`MaterialsError::DuplicateMaterial`] when `materials` names a material twice;
/// - [`MaterialsError::UnknownMaterial`] when a BOM component is not in `materials`;
/// - [`MaterialsError::ShortForecast`] when a sku has fewer values than `demand.horizon`.
pub fn requirements(
    bom: &Bom,
    materials: &[Material],
    demand: &DemandPlan,
    settings: &MaterialsSettings,
) -> Result<MaterialPlan, MaterialsError> {
    let sl = settings.service_level;
    if super::check_service_level(sl).is_err() {
        return Err(MaterialsError::ServiceLevel(sl));
    }
    let index = Index::new(bom, materials, demand)?;
    let horizon = demand.horizon;
    let start = demand.start;
    let widest = demand
        .levels
        .iter()
        .copied()
        .max_by(|a, b| a.percent().total_cmp(&b.percent()));
    let exposure = exposure(&index, materials, demand, settings, widest);

    let n_mat = index.n_materials;
    // Releases per item and month: planned releases of materials, the point forecast of
    // finished skus (built in their demand month).
    let mut release = vec![0.0; index.n_items * horizon];
    let mut overdue = vec![0.0; index.n_items];
    let mut independent: Vec<Option<&[f64]>> = vec![None; n_mat];
    for s in &index.skus {
        let item = s.item as usize;
        let point = &s.plan.forecast.point[..horizon];
        if item < n_mat {
            independent[item] = Some(point);
        } else {
            for (r, p) in release[item * horizon..(item + 1) * horizon]
                .iter_mut()
                .zip(point)
            {
                *r += p;
            }
        }
    }
    let mut levels: Vec<Vec<u32>> = Vec::new();
    for (m, &l) in index.llc.iter().enumerate() {
        let l = l as usize;
        if levels.len() <= l {
            levels.resize_with(l + 1, Vec::new);
        }
        levels[l].push(m as u32);
    }
    for level in &mut levels {
        level.sort_by(|a, b| {
            materials[*a as usize]
                .material
                .cmp(&materials[*b as usize].material)
        });
    }

    let mut rows = Vec::with_capacity(n_mat * horizon);
    let mut past_due = Vec::new();
    for level in &levels {
        let records: Vec<Record> = level
            .par_iter()
            .map(|&m| {
                let m = m as usize;
                let mut gross = match independent[m] {
                    Some(p) => p.to_vec(),
                    None => vec![0.0; horizon],
                };
                for &(p, q) in index.parents.of(m) {
                    let p = p as usize;
                    let r = &release[p * horizon..(p + 1) * horizon];
                    for (g, r) in gross.iter_mut().zip(r) {
                        *g += q * r;
                    }
                    if let Some(g0) = gross.first_mut() {
                        *g0 += q * overdue[p];
                    }
                }
                let mat = &materials[m];
                let ss = mat.safety_stock.unwrap_or(exposure.safety_stock[m]);
                record(mat, gross, ss, start)
            })
            .collect();
        for (&m, rec) in level.iter().zip(records) {
            let m = m as usize;
            release[m * horizon..(m + 1) * horizon].copy_from_slice(&rec.release);
            overdue[m] = rec.past_due_total;
            rows.extend(rec.rows);
            past_due.extend(rec.past_due);
        }
    }

    let prebuy = prebuy(materials, &exposure, start, horizon, settings, widest);
    Ok(MaterialPlan {
        start,
        horizon,
        rows,
        past_due,
        prebuy,
        skus_without_bom: index.skus_without_bom,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::materials::testing::*;

    fn column(plan: &MaterialPlan, material: &str, f: fn(&MrpRow) -> f64) -> Vec<f64> {
        plan.material(material).iter().map(f).collect()
    }

    fn run(bom: &Bom, materials: &[Material], demand: &DemandPlan) -> MaterialPlan {
        requirements(bom, materials, demand, &MaterialsSettings::default()).unwrap()
    }

    /// M: lead time 30 d (offset 1), MOQ 120, multiple 50, on hand 100, 80 on order for
    /// 2026-12, safety stock 20 (given). Sku A takes 2 M.
    ///
    /// | month     | 11 | 12  | 01 | 02  | 03  | 04  |
    /// |-----------|----|-----|----|-----|-----|-----|
    /// | demand A  | 40 | 50  | 30 | 60  | 0   | 130 |
    /// | gross     | 80 | 100 | 60 | 120 | 0   | 260 |
    /// | scheduled | 0  | 80  | 0  | 0   | 0   | 0   |
    /// | net       | 0  | 20  | 0  | 50  | 0   | 160 |
    /// | receipt   | 0  | 150 | 0  | 150 | 0   | 200 |
    /// | POH       | 20 | 150 | 90 | 120 | 120 | 60  |
    /// | release   | 150| 0   | 150| 0   | 200 | 0   |
    ///
    /// Month 12: 20 + 80 = 100 on hand for 100 + 20 SS: net 20, raised to the MOQ 120, then to
    /// 150 (3 x 50). Month 04: 120 for 260 + 20: net 160 is above the MOQ, 4 x 50 = 200.
    #[test]
    fn moq_multiples_scheduled_receipts_and_safety_stock() {
        let bom = bom(&[("A", "M", 2.0)]);
        let m = material("M", 30.0, 120.0, 50.0, 1.0, 100.0)
            .with_on_order(80.0, Some(month("2026-12")))
            .unwrap()
            .with_safety_stock(20.0)
            .unwrap();
        let demand = fixed(&[("A", &[40.0, 50.0, 30.0, 60.0, 0.0, 130.0])]);
        let p = run(&bom, &[m], &demand);
        assert_eq!(p.rows.len(), 6);
        assert_eq!(p.rows[1].month, month("2026-12"));
        let g = |f| column(&p, "M", f);
        assert_all_close(
            &g(|r| r.gross_requirement),
            &[80.0, 100.0, 60.0, 120.0, 0.0, 260.0],
        );
        assert_all_close(
            &g(|r| r.scheduled_receipts),
            &[0.0, 80.0, 0.0, 0.0, 0.0, 0.0],
        );
        assert_all_close(
            &g(|r| r.net_requirement),
            &[0.0, 20.0, 0.0, 50.0, 0.0, 160.0],
        );
        assert_all_close(
            &g(|r| r.planned_receipt),
            &[0.0, 150.0, 0.0, 150.0, 0.0, 200.0],
        );
        assert_all_close(
            &g(|r| r.projected_on_hand),
            &[20.0, 150.0, 90.0, 120.0, 120.0, 60.0],
        );
        assert_all_close(
            &g(|r| r.planned_release),
            &[150.0, 0.0, 150.0, 0.0, 200.0, 0.0],
        );
        assert_all_close(&g(|r| r.safety_stock), &[20.0; 6]);
        assert!(p.past_due.is_empty());
        assert_eq!(p.summary().past_due_count, 0);
    }

    /// Q: lead time 30 d, lot for lot, 10 on hand; 10 a month from 2027-01. February's
    /// receipt is due 2 January (31 days in January): released in January. March's is due
    /// 30 January (28 days in February): released in January too, the month of its date, not
    /// in February (`ceil(30 / 30)` = 1 month before March), which would come after its date.
    #[test]
    fn a_release_is_planned_in_the_month_of_its_date() {
        let bom = bom(&[("A", "Q", 1.0)]);
        let m = material("Q", 30.0, 0.0, 1.0, 1.0, 10.0);
        let mut demand = fixed(&[("A", &[10.0, 10.0, 10.0, 10.0])]);
        demand.start = month("2027-01");
        let p = run(&bom, &[m], &demand);
        let g = |f| column(&p, "Q", f);
        assert_all_close(&g(|r| r.planned_receipt), &[0.0, 10.0, 10.0, 10.0]);
        assert_all_close(&g(|r| r.planned_release), &[20.0, 0.0, 10.0, 0.0]);
        let dates: Vec<Option<String>> = p
            .material("Q")
            .iter()
            .map(|r| r.release_date.map(|d| d.to_string()))
            .collect();
        // January holds two releases: the earliest date is shown. April's (due 2 March).
        assert_eq!(
            dates,
            [
                Some("2027-01-02".to_string()),
                None,
                Some("2027-03-02".to_string()),
                None
            ]
        );
    }

    /// P: lead time 75 d (offset 3), multiple 10, on hand 30, no safety stock (fixed plan).
    ///
    /// | month    | 11 | 12 | 01 | 02 |
    /// |----------|----|----|----|----|
    /// | gross    | 20 | 25 | 10 | 40 |
    /// | net      | 0  | 15 | 5  | 35 |
    /// | receipt  | 0  | 20 | 10 | 40 |
    /// | POH      | 10 | 5  | 5  | 5  |
    /// | release  | 40 | 0  | 0  | 0  |
    /// | past due | 30 |    |    |    |
    ///
    /// The December receipt should have been released 75 days before 1 December, on 2026-09-17:
    /// ordered on 1 November it needs 75 days but December starts in 30, so 45 days late.
    /// January: due 2026-10-18, 75 - 61 = 14 days late. Both cover real shortages (15 and 5
    /// units of the month's gross requirement). February's receipt is due 2026-11-18: on time.
    #[test]
    fn releases_before_the_first_month_are_past_due() {
        let bom = bom(&[("B", "P", 1.0)]);
        let m = material("P", 75.0, 0.0, 10.0, 2.0, 30.0);
        let demand = fixed(&[("B", &[20.0, 25.0, 10.0, 40.0])]);
        let p = run(&bom, &[m], &demand);
        let g = |f| column(&p, "P", f);
        assert_all_close(&g(|r| r.net_requirement), &[0.0, 15.0, 5.0, 35.0]);
        assert_all_close(&g(|r| r.planned_receipt), &[0.0, 20.0, 10.0, 40.0]);
        assert_all_close(&g(|r| r.projected_on_hand), &[10.0, 5.0, 5.0, 5.0]);
        assert_all_close(&g(|r| r.planned_release), &[40.0, 0.0, 0.0, 0.0]);
        assert_eq!(p.rows[0].release_date, Some("2026-11-18".parse().unwrap()));
        assert_eq!(p.rows[1].release_date, None);
        assert_all_close(&g(|r| r.past_due), &[30.0, 0.0, 0.0, 0.0]);
        assert_eq!(
            p.past_due,
            vec![
                PastDue {
                    material: "P".into(),
                    needed_month: month("2026-12"),
                    release_month: month("2026-09"),
                    release_date: "2026-09-17".parse().unwrap(),
                    quantity: 20.0,
                    kind: PastDueKind::Shortage,
                    short_quantity: 15.0,
                    days_late: 45,
                    value: 40.0,
                },
                PastDue {
                    material: "P".into(),
                    needed_month: month("2027-01"),
                    release_month: month("2026-10"),
                    release_date: "2026-10-18".parse().unwrap(),
                    quantity: 10.0,
                    kind: PastDueKind::Shortage,
                    short_quantity: 5.0,
                    days_late: 14,
                    value: 20.0,
                },
            ]
        );
        let s = p.summary();
        assert_eq!(s.past_due_count, 2);
        assert_close(s.past_due_value, 60.0, TOL);
    }

    /// T: 31 days of lead time (a 2-month offset), on hand 120, safety stock 50 (given), lot for
    /// lot. Plan from 2026-12 (31 days).
    ///
    /// | month    | 12  | 01 |
    /// |----------|-----|----|
    /// | gross    | 100 | 80 |
    /// | net      | 30  | 80 |
    /// | receipt  | 30  | 80 |
    /// | POH      | 50  | 50 |
    ///
    /// December: 120 covers the 100 needed but leaves 20 of the 50 safety stock: the 30 are due
    /// 2026-10-31, past due, a safety-stock top-up. January's 80 are due 2027-01-01 - 31 days =
    /// 2026-12-01, the plan's first day: on time (by months the offset would put it in November),
    /// released in December.
    #[test]
    fn past_due_is_judged_in_days_and_top_ups_are_not_shortages() {
        let bom = bom(&[("A", "T", 1.0)]);
        let m = material("T", 31.0, 0.0, 1.0, 2.0, 120.0)
            .with_safety_stock(50.0)
            .unwrap();
        let mut demand = fixed(&[("A", &[100.0, 80.0])]);
        demand.start = month("2026-12");
        let p = run(&bom, &[m], &demand);
        let g = |f| column(&p, "T", f);
        assert_all_close(&g(|r| r.planned_receipt), &[30.0, 80.0]);
        assert_all_close(&g(|r| r.planned_release), &[80.0, 0.0]);
        assert_eq!(p.rows[0].release_date, Some("2026-12-01".parse().unwrap()));
        assert_eq!(p.past_due.len(), 1);
        let d = &p.past_due[0];
        assert_eq!(d.release_date.to_string(), "2026-10-31");
        assert_eq!(d.kind, PastDueKind::SafetyStockTopUp);
        assert_eq!((d.short_quantity, d.days_late), (0.0, 31));
        let s = p.summary();
        assert_eq!((s.past_due_count, s.top_up_count), (0, 1));
        assert_close(s.top_up_value, 60.0, TOL);
    }

    /// Sku S takes 2 sub-assemblies SA and 1 SCREW; each SA takes 4 SCREW, so SCREW is planned
    /// at level 2, after SA.
    ///
    /// SA: lead time 30 d (offset 1), lot for lot, on hand 10.
    ///
    /// | month     | 11 | 12 | 01 |
    /// |-----------|----|----|----|
    /// | demand S  | 10 | 20 | 15 |
    /// | SA gross  | 20 | 40 | 30 |
    /// | SA receipt| 10 | 40 | 30 |
    /// | SA release| 40 | 30 | 0  |  + 10 past due (released 2026-10)
    ///
    /// SCREW: lead time 20 d (offset 1), MOQ 100, multiple 100, on hand 50. Gross = S's demand
    /// + 4 x SA releases, + 4 x SA's past due in the first month:
    ///
    /// | month        | 11                | 12           | 01 |
    /// |--------------|-------------------|--------------|----|
    /// | SCREW gross  | 10 + 160 + 40=210 | 20 + 120=140 | 15 |
    /// | net          | 160               | 100          | 15 |
    /// | receipt      | 200               | 100          | 100|
    /// | POH          | 40                | 0            | 85 |
    /// | release      | 100               | 100          | 0  |  + 200 past due
    #[test]
    fn parent_releases_drive_component_requirements() {
        let bom = bom(&[("S", "SA", 2.0), ("S", "SCREW", 1.0), ("SA", "SCREW", 4.0)]);
        let sa = material("SA", 30.0, 0.0, 1.0, 5.0, 10.0)
            .with_safety_stock(0.0)
            .unwrap();
        let screw = material("SCREW", 20.0, 100.0, 100.0, 0.01, 50.0);
        let demand = fixed(&[("S", &[10.0, 20.0, 15.0])]);
        // Materials listed components first: the plan still goes parents first.
        let p = run(&bom, &[screw, sa], &demand);
        assert_eq!(p.rows[0].material, "SA");
        assert_eq!(p.rows[3].material, "SCREW");
        let sa = |f| column(&p, "SA", f);
        assert_all_close(&sa(|r| r.gross_requirement), &[20.0, 40.0, 30.0]);
        assert_all_close(&sa(|r| r.planned_receipt), &[10.0, 40.0, 30.0]);
        assert_all_close(&sa(|r| r.planned_release), &[40.0, 30.0, 0.0]);
        assert_all_close(&sa(|r| r.past_due), &[10.0, 0.0, 0.0]);
        let sc = |f| column(&p, "SCREW", f);
        assert_all_close(&sc(|r| r.gross_requirement), &[210.0, 140.0, 15.0]);
        assert_all_close(&sc(|r| r.net_requirement), &[160.0, 100.0, 15.0]);
        assert_all_close(&sc(|r| r.planned_receipt), &[200.0, 100.0, 100.0]);
        assert_all_close(&sc(|r| r.projected_on_hand), &[40.0, 0.0, 85.0]);
        assert_all_close(&sc(|r| r.planned_release), &[100.0, 100.0, 0.0]);
        assert_all_close(&sc(|r| r.past_due), &[200.0, 0.0, 0.0]);
        let days: Vec<(&str, u32)> = p
            .past_due
            .iter()
            .map(|d| (d.material.as_str(), d.days_late))
            .collect();
        assert_eq!(days, [("SA", 30), ("SCREW", 20)]);
    }

    #[test]
    fn open_orders_before_the_start_arrive_in_the_first_month_and_after_the_horizon_not_at_all() {
        let bom = bom(&[("A", "EARLY", 1.0), ("A", "LATE", 1.0)]);
        let early = material("EARLY", 10.0, 0.0, 1.0, 1.0, 0.0)
            .with_on_order(50.0, Some(month("2026-08")))
            .unwrap();
        let late = material("LATE", 10.0, 0.0, 1.0, 1.0, 0.0)
            .with_on_order(50.0, Some(month("2027-05")))
            .unwrap();
        let demand = fixed(&[("A", &[10.0, 10.0])]);
        let p = run(&bom, &[early, late], &demand);
        assert_all_close(&column(&p, "EARLY", |r| r.scheduled_receipts), &[50.0, 0.0]);
        assert_all_close(&column(&p, "EARLY", |r| r.projected_on_hand), &[40.0, 30.0]);
        assert_all_close(&column(&p, "LATE", |r| r.scheduled_receipts), &[0.0, 0.0]);
        assert_all_close(&column(&p, "LATE", |r| r.planned_receipt), &[10.0, 10.0]);
    }

    #[test]
    fn floating_point_noise_does_not_buy_an_extra_multiple() {
        // 0.035 kg per unit * 1000 units is 35 kg (35.00000000000001 in floating point): with
        // bags of 0.005 kg that is 7000 bags, not 7001.
        let bom = bom(&[("A", "RESIN", 0.035)]);
        let m = material("RESIN", 10.0, 0.0, 0.005, 1.0, 0.0);
        let demand = fixed(&[("A", &[1000.0])]);
        let p = run(&bom, &[m], &demand);
        assert_close(p.rows[0].planned_receipt, 35.0, 1e-12);
        assert_close(p.rows[0].projected_on_hand, 0.0, 1e-12);
    }

    #[test]
    fn unused_materials_get_a_record_and_skus_without_bom_are_listed() {
        let bom = bom(&[("A", "M", 1.0)]);
        let m = material("M", 10.0, 0.0, 1.0, 1.0, 0.0);
        let idle = material("IDLE", 10.0, 0.0, 1.0, 1.0, 7.0);
        let demand = fixed(&[("A", &[1.0, 1.0]), ("NOBOM", &[5.0, 5.0])]);
        let p = run(&bom, &[m, idle], &demand);
        assert_eq!(p.skus_without_bom, ["NOBOM"]);
        assert_all_close(&column(&p, "IDLE", |r| r.gross_requirement), &[0.0, 0.0]);
        assert_all_close(&column(&p, "IDLE", |r| r.projected_on_hand), &[7.0, 7.0]);
        assert_eq!(p.summary().materials, 2);
        assert_eq!(p.summary().skus_without_bom, 1);
    }

    #[test]
    fn a_demand_sku_listed_as_a_material_is_planned_with_its_own_demand() {
        // SPARE is sold on its own and also used in A.
        let bom = bom(&[("A", "SPARE", 1.0)]);
        let spare = material("SPARE", 10.0, 0.0, 1.0, 1.0, 0.0);
        let demand = fixed(&[("A", &[10.0]), ("SPARE", &[3.0])]);
        let p = run(&bom, &[spare], &demand);
        assert_all_close(&column(&p, "SPARE", |r| r.gross_requirement), &[13.0]);
        assert!(p.skus_without_bom.is_empty());
    }

    #[test]
    fn errors_name_the_bad_input() {
        let demand = fixed(&[("A", &[1.0])]);
        let m = material("M", 10.0, 0.0, 1.0, 1.0, 0.0);
        let s = MaterialsSettings::default();
        let e = requirements(
            &bom(&[("A", "M", 1.0), ("M", "X", 1.0)]),
            std::slice::from_ref(&m),
            &demand,
            &s,
        )
        .unwrap_err();
        assert_eq!(
            e,
            MaterialsError::UnknownMaterial {
                material: "X".into(),
                parent: "M".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "the bill of materials names material \"X\" (in M), which is not one of the materials"
        );
        let e = requirements(
            &bom(&[("A", "M", 1.0)]),
            &[m.clone(), m.clone()],
            &demand,
            &s,
        )
        .unwrap_err();
        assert_eq!(e, MaterialsError::DuplicateMaterial("M".into()));
        let e = requirements(
            &bom(&[("A", "M", 1.0)]),
            std::slice::from_ref(&m),
            &demand,
            &s.clone().service_level(1.0),
        )
        .unwrap_err();
        assert_eq!(e, MaterialsError::ServiceLevel(1.0));
        let mut short = demand.clone();
        short.horizon = 2;
        let e = requirements(&bom(&[("A", "M", 1.0)]), &[m], &short, &s).unwrap_err();
        assert_eq!(
            e,
            MaterialsError::ShortForecast {
                sku: "A".into(),
                got: 1,
                need: 2
            }
        );
    }

    #[test]
    fn public_types_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<MaterialPlan>();
        check::<MrpRow>();
        check::<PastDue>();
        check::<PrebuyRow>();
        check::<MaterialsSettings>();
        check::<MaterialsError>();
    }

    #[test]
    fn serde_round_trip() {
        let bom = bom(&[("B", "P", 1.0)]);
        let m = material("P", 75.0, 0.0, 10.0, 2.0, 30.0);
        let p = run(&bom, &[m], &fixed(&[("B", &[20.0, 25.0, 10.0, 40.0])]));
        let json = serde_json::to_string(&p).unwrap();
        let back: MaterialPlan = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
        let s: MaterialsSettings = serde_json::from_str(r#"{"po_notice_days": 14}"#).unwrap();
        assert_eq!(s, MaterialsSettings::default().po_notice_days(14));
    }
}
