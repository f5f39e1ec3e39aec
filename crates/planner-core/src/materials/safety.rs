//! Safety stock from the forecast's uncertainty, and the exploded demand bounds the pre-buy
//! plan needs: one pass over the skus' BOM explosions.

use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, Normal};

use super::index::Index;
use super::Material;

/// Per-material sums over each material's own window, in `materials.csv` order.
#[derive(Debug)]
pub(crate) struct Exposure {
    /// Safety stock derived from the forecast ranges (used where `materials.csv` gives none).
    pub(crate) safety_stock: Vec<f64>,
    /// Exploded upper-bound demand over the pre-buy window.
    pub(crate) upper: Vec<f64>,
    /// Exploded lower-bound demand over the pre-buy window.
    pub(crate) lower: Vec<f64>,
}

/// Months of the safety-stock window: the lead-time offset, at least 1, at most the horizon.
pub(crate) fn safety_window(m: &Material, horizon: usize) -> usize {
    (m.lead_time_months().max(1) as usize).min(horizon)
}

/// Months of the pre-buy window: `ceil((lead_time_days - po_notice_days) / 30)`, 0 when the
/// lead time is within the notice.
pub(crate) fn prebuy_window(m: &Material, po_notice_days: u32) -> u32 {
    m.lead_time_days.saturating_sub(po_notice_days).div_ceil(30)
}

/// The one-sided standard normal quantile of the service level: 1.645 for 0.95.
pub(crate) fn z_one_sided(service_level: f64) -> f64 {
    Normal::new(0.0, 1.0)
        .expect("standard normal")
        .inverse_cdf(service_level)
}

/// Explodes every sku once (in parallel) and sums, in sku order so the result does not depend
/// on the number of threads:
///
/// - `var[m] = sum over skus s of e(s, m)^2 * sum_{t < L(m)} sigma_s(t)^2`, safety stock
///   `z * sqrt(var[m])`;
/// - `upper[m] = sum_s e(s, m) * sum_{t < W(m)} hi_s(t)`, and `lower[m]` the same with `lo`,
///
/// where `e(s, m)` is the units of `m` in one unit of `s` through all BOM levels.
pub(crate) fn exposure(
    index: &Index<'_>,
    materials: &[Material],
    horizon: usize,
    service_level: f64,
    po_notice_days: u32,
) -> Exposure {
    let prefix = |v: &mut dyn Iterator<Item = f64>| {
        let mut acc = 0.0;
        let mut out = Vec::with_capacity(horizon + 1);
        out.push(0.0);
        for x in v {
            acc += x;
            out.push(acc);
        }
        out
    };
    let per_sku: Vec<_> = index
        .skus
        .par_iter()
        .map_init(Vec::new, |stack, s| {
            let parts = index.explode(s.item, stack);
            let var = prefix(&mut s.sigma.iter().map(|x| x * x));
            let hi = prefix(&mut s.hi.iter().copied());
            let lo = prefix(&mut s.lo.iter().copied());
            (parts, var, hi, lo)
        })
        .collect();
    let n = materials.len();
    let ss_window: Vec<usize> = materials
        .iter()
        .map(|m| safety_window(m, horizon))
        .collect();
    let pb_window: Vec<usize> = materials
        .iter()
        .map(|m| (prebuy_window(m, po_notice_days) as usize).min(horizon))
        .collect();
    let mut var = vec![0.0; n];
    let mut upper = vec![0.0; n];
    let mut lower = vec![0.0; n];
    for (parts, v, hi, lo) in &per_sku {
        for &(m, e) in parts {
            let m = m as usize;
            var[m] += e * e * v[ss_window[m]];
            upper[m] += e * hi[pb_window[m]];
            lower[m] += e * lo[pb_window[m]];
        }
    }
    let z = z_one_sided(service_level).max(0.0);
    Exposure {
        safety_stock: var.iter().map(|v| z * v.sqrt()).collect(),
        upper,
        lower,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::materials::testing::*;
    use crate::materials::{plan, Bom, MaterialsSettings};
    use crate::plan::DemandPlan;

    fn ss(bom: &Bom, m: &Material, demand: &DemandPlan) -> f64 {
        let p = plan(
            bom,
            std::slice::from_ref(m),
            demand,
            &MaterialsSettings::default(),
        )
        .unwrap();
        p.rows[0].safety_stock
    }

    /// Q: lead time 60 d (2 months), 2 per unit of X. X's 95 % range is point ± 1.96 x 10, so
    /// sigma = 10 a month: the lead-time variance is 2 months x (2 x 10)^2 = 800, and safety
    /// stock 1.6449 x sqrt(800) = 46.5235 at a 95 % service level.
    #[test]
    fn safety_stock_is_the_deviation_of_lead_time_demand() {
        let bom = bom(&[("X", "Q", 2.0)]);
        let q = material("Q", 60.0, 0.0, 1.0, 1.0, 0.0);
        let demand = ranged(&[("X", &[100.0, 100.0, 100.0], 10.0)]);
        let want = z_one_sided(0.95) * 800f64.sqrt();
        assert_close(want, 46.5235, 1e-5);
        assert_close(ss(&bom, &q, &demand), want, 1e-9);
        // Twice the range, twice the buffer; a fixed plan, none; a given one is kept.
        let wide = ranged(&[("X", &[100.0, 100.0, 100.0], 20.0)]);
        assert_close(ss(&bom, &q, &wide), 2.0 * want, 1e-9);
        assert_eq!(ss(&bom, &q, &fixed(&[("X", &[100.0, 100.0, 100.0])])), 0.0);
        let given = q.clone().with_safety_stock(5.0).unwrap();
        assert_eq!(ss(&bom, &given, &demand), 5.0);
    }

    /// Two skus share Q (independent): variances add. A 0-day lead time still buffers 1 month.
    /// Through a sub-assembly, the exploded quantity counts: X -> 2 SA -> 3 Q is 6 Q per X.
    #[test]
    fn variances_add_across_skus_and_levels() {
        let bom = bom(&[
            ("X", "Q", 1.0),
            ("Y", "Q", 1.0),
            ("Z", "SA", 2.0),
            ("SA", "Q", 3.0),
        ]);
        let q = material("Q", 0.0, 0.0, 1.0, 1.0, 0.0);
        let sa = material("SA", 0.0, 0.0, 1.0, 1.0, 0.0);
        let demand = ranged(&[
            ("X", &[100.0, 100.0], 3.0),
            ("Y", &[100.0, 100.0], 4.0),
            ("Z", &[100.0, 100.0], 1.0),
        ]);
        let p = plan(&bom, &[q, sa], &demand, &MaterialsSettings::default()).unwrap();
        let q_ss = p.material("Q")[0].safety_stock;
        // 1 month: 3^2 + 4^2 + (6 x 1)^2 = 61.
        assert_close(q_ss, z_one_sided(0.95) * 61f64.sqrt(), 1e-9);
        assert_close(
            p.material("SA")[0].safety_stock,
            z_one_sided(0.95) * 2.0,
            1e-9,
        );
    }

    #[test]
    fn windows() {
        let m = |d| material("M", d, 0.0, 1.0, 1.0, 0.0);
        assert_eq!(safety_window(&m(0.0), 12), 1);
        assert_eq!(safety_window(&m(75.0), 12), 3);
        assert_eq!(safety_window(&m(900.0), 12), 12);
        assert_eq!(prebuy_window(&m(120.0), 30), 3);
        assert_eq!(prebuy_window(&m(100.0), 30), 3);
        assert_eq!(prebuy_window(&m(30.0), 30), 0);
        assert_eq!(prebuy_window(&m(31.0), 30), 1);
    }
}
