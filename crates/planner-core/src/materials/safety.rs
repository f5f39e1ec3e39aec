//! Safety stock from the forecast's uncertainty, and the exploded demand bounds the pre-buy
//! plan needs: one pass over the skus' BOM explosions.

use rayon::prelude::*;
use statrs::distribution::{Continuous, ContinuousCDF, Normal};

use std::collections::HashMap;

use super::index::Index;
use super::{Material, MaterialsSettings, ServiceMeasure};
use crate::demand_plan::DemandPlan;
use crate::forecast::Level;
use crate::uncertainty::Total;

/// Per-material sums over each material's own window, in `materials.csv` order.
#[derive(Debug)]
pub(crate) struct Exposure {
    /// Safety stock derived from the forecast ranges (used where `materials.csv` gives none).
    pub(crate) safety_stock: Vec<f64>,
    /// Upper quantile (widest level) of the exploded demand over the pre-buy window.
    pub(crate) upper: Vec<f64>,
    /// Its lower quantile.
    pub(crate) lower: Vec<f64>,
}

/// Months of the safety-stock window: the lead-time offset plus the review period (one month:
/// a plan is remade every month), at most the horizon.
pub(crate) fn safety_window(m: &Material, horizon: usize) -> usize {
    (m.lead_time_months() as usize + REVIEW_MONTHS).min(horizon)
}

/// The review period of the planning cycle, in months.
pub(crate) const REVIEW_MONTHS: usize = 1;

/// Months of the pre-buy window: `ceil((lead_time_days - po_notice_days) / 30)`, 0 when the
/// lead time is within the notice.
pub(crate) fn prebuy_window(m: &Material, po_notice_days: u32) -> u32 {
    m.lead_time_days.saturating_sub(po_notice_days).div_ceil(30)
}

/// Safety stock for a protection-interval demand of standard deviation `sd`, with `mu` the mean
/// demand of one review period (a month), as [`ServiceMeasure`] says.
pub(crate) fn buffer(settings: &MaterialsSettings, sd: f64, mu: f64) -> f64 {
    if sd <= 0.0 {
        return 0.0;
    }
    if settings.service_measure == ServiceMeasure::FillRate && mu <= 0.0 {
        // No demand to fill: no buffer (the fill rate of no demand is met by any stock).
        return 0.0;
    }
    match settings.service_measure {
        ServiceMeasure::Cycle => z_one_sided(settings.service_level).max(0.0) * sd,
        ServiceMeasure::FillRate => {
            // Expected units short per cycle `sd * G(k)` = the share not filled of a month's
            // demand; `G` falls from +inf to 0, so bisect.
            let target = (1.0 - settings.service_level) * mu / sd;
            let normal = Normal::new(0.0, 1.0).expect("standard normal");
            let loss = |k: f64| normal.pdf(k) - k * (1.0 - normal.cdf(k));
            let (mut lo, mut hi) = (-5.0, 8.0);
            for _ in 0..80 {
                let mid = 0.5 * (lo + hi);
                if loss(mid) > target {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            (0.5 * (lo + hi) * sd).max(0.0)
        }
    }
}

/// The one-sided standard normal quantile of the service level: 1.645 for 0.95.
pub(crate) fn z_one_sided(service_level: f64) -> f64 {
    crate::uncertainty::z(service_level)
}

/// Explodes every sku once (in parallel) and reads, in sku order so the result does not depend
/// on the number of threads, each material's exploded demand over two windows as a total under
/// the plan's dependence model ([`crate::uncertainty`]):
///
/// - safety stock [`buffer`] of `sd = sqrt(Var(T_S) + mu^2 Var(L))` (`z * sd` for cycle
///   service), `T_S` the demand of the first `S(m)` months ([`safety_window`]: lead time plus
///   the review month), months and skus correlated as the model says, `mu` its mean monthly
///   demand and `L` the lead time in months (`lead_time_sd_days / 30` its deviation); a
///   sub-assembly (a material with a BOM of its own) holds none, so that each unit of end demand
///   is buffered once, at the purchased parts below it;
/// - `upper[m]` and `lower[m]`: the upper and lower quantiles of the widest level of `T_W`, the
///   demand of the pre-buy window ([`prebuy_window`]); the point total for a fixed plan,
///
/// where a sku's part is `e(s, m)` (units of `m` in one unit of `s` through all BOM levels) times
/// its demand.
pub(crate) fn exposure(
    index: &Index<'_>,
    materials: &[Material],
    demand: &DemandPlan,
    settings: &MaterialsSettings,
    widest: Option<Level>,
) -> Exposure {
    let po_notice_days = settings.po_notice_days;
    let horizon = demand.horizon;
    let dep = &demand.dependence;
    // Per sku: its exploded parts, the prefix sums of its point forecast, and the prefix values
    // of `Q(sigma[..w])` for every window length `w`.
    let per_sku: Vec<_> = index
        .skus
        .par_iter()
        .map_init(Vec::new, |stack, s| {
            let parts = index.explode(s.item, stack);
            let mut point = Vec::with_capacity(horizon + 1);
            let mut acc = 0.0;
            point.push(0.0);
            for t in 0..horizon {
                acc += s
                    .plan
                    .forecast
                    .point
                    .get(t)
                    .copied()
                    .unwrap_or(0.0)
                    .max(0.0);
                point.push(acc);
            }
            let mut sigma = s.sigma.clone();
            sigma.resize(horizon, 0.0);
            let q = dep.q_prefixes(&sigma);
            let uncertain = s.sigma.iter().any(|x| *x > 0.0);
            (parts, point, q, uncertain)
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
    let (family, _) = dep.family_numbers(index.skus.iter().map(|s| s.plan.sku.as_str()));
    // Per material: the weighted sigma by family and month, and the skus' own parts.
    let mut by_family: Vec<HashMap<usize, Vec<f64>>> = vec![HashMap::new(); n];
    let mut own = vec![[0.0; 2]; n];
    let mut mean = vec![[0.0; 2]; n];
    for (k, (parts, point, q, uncertain)) in per_sku.iter().enumerate() {
        let s = &index.skus[k];
        for &(m, e) in parts {
            let m = m as usize;
            let (ws, wp) = (ss_window[m], pb_window[m]);
            own[m][0] += e * e * q[ws];
            own[m][1] += e * e * q[wp];
            mean[m][0] += e * point[ws];
            mean[m][1] += e * point[wp];
            if *uncertain {
                let v = by_family[m]
                    .entry(family[k])
                    .or_insert_with(|| vec![0.0; horizon]);
                for (t, x) in s.sigma.iter().enumerate().take(horizon) {
                    v[t] += e * x;
                }
            }
        }
    }
    let mut all = vec![0.0; horizon];
    let mut sd = |m: usize, w: usize, own: f64| -> f64 {
        all[..w].iter_mut().for_each(|x| *x = 0.0);
        let mut fam = 0.0;
        for v in by_family[m].values() {
            fam += dep.q(&v[..w]);
            for t in 0..w {
                all[t] += v[t];
            }
        }
        dep.variance(dep.q(&all[..w]), fam, own).sqrt()
    };
    let is_assembly = |m: usize| !index.children.of(m).is_empty();
    let mut safety_stock = vec![0.0; n];
    let mut upper = vec![0.0; n];
    let mut lower = vec![0.0; n];
    for m in 0..n {
        if !is_assembly(m) {
            // Demand over the window, and the lead time's own spread: a month more or less of
            // the mean monthly demand, `Var = Var(D) + mu^2 Var(L)` (L in months).
            let w = ss_window[m].max(1) as f64;
            let mu = mean[m][0] / w;
            let lt_sd = materials[m].lead_time_sd_days / 30.0;
            let sd_d = sd(m, ss_window[m], own[m][0]);
            let sd_all = (sd_d * sd_d + mu * mu * lt_sd * lt_sd).sqrt();
            safety_stock[m] = buffer(settings, sd_all, mu);
        }
        let total = Total {
            mean: mean[m][1],
            sd: sd(m, pb_window[m], own[m][1]),
        };
        (lower[m], upper[m]) = match widest {
            Some(level) => total.bounds(level),
            None => (total.mean, total.mean),
        };
    }
    Exposure {
        safety_stock,
        upper,
        lower,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demand_plan::DemandPlan;
    use crate::materials::testing::*;
    use crate::materials::{requirements, Bom, MaterialsSettings};

    fn ss(bom: &Bom, m: &Material, demand: &DemandPlan) -> f64 {
        let p = requirements(
            bom,
            std::slice::from_ref(m),
            demand,
            &MaterialsSettings::default(),
        )
        .unwrap();
        p.rows[0].safety_stock
    }

    /// Q: lead time 60 d (2 months) plus the review month: 3 months, 2 per unit of X. X's 95 %
    /// range is point ± 1.96 x 10, so sigma = 10 a month: with independent months the
    /// variance is 3 x (2 x 10)^2 = 1200, and safety stock 1.6449 x sqrt(1200) = 56.9805 at a
    /// 95 % service level. Months correlated at 0.5: 400 x (3 + 2 x 2 x 0.5 + 2 x 0.25) = 2200.
    #[test]
    fn safety_stock_is_the_deviation_of_lead_time_demand() {
        let bom = bom(&[("X", "Q", 2.0)]);
        let q = material("Q", 60.0, 0.0, 1.0, 1.0, 0.0);
        let demand = ranged(&[("X", &[100.0, 100.0, 100.0], 10.0)]);
        let want = z_one_sided(0.95) * 1200f64.sqrt();
        assert_close(want, 56.9805, 1e-4);
        assert_close(ss(&bom, &q, &demand), want, 1e-9);
        let mut correlated = demand.clone();
        correlated.dependence = crate::uncertainty::Dependence::fixed(0.5, 0.0, 0.0).unwrap();
        assert_close(
            ss(&bom, &q, &correlated),
            z_one_sided(0.95) * 2200f64.sqrt(),
            1e-9,
        );
        // Twice the range, twice the buffer; a fixed plan, none; a given one is kept.
        let wide = ranged(&[("X", &[100.0, 100.0, 100.0], 20.0)]);
        assert_close(ss(&bom, &q, &wide), 2.0 * want, 1e-9);
        assert_eq!(ss(&bom, &q, &fixed(&[("X", &[100.0, 100.0, 100.0])])), 0.0);
        let given = q.clone().with_safety_stock(5.0).unwrap();
        assert_eq!(ss(&bom, &given, &demand), 5.0);
    }

    /// The lead time's spread: Q's lead time varies by 15 days (half a month) around 60, and
    /// Q's monthly demand is 2 x 100 = 200: the variance gains 200^2 x 0.5^2 = 10000, so
    /// 1.6449 x sqrt(1200 + 10000) = 174.08. A fill rate of 99 % instead: `k` with
    /// `sd G(k) = 0.01 x 200`, sd = sqrt(1200) = 34.64, G(k) = 0.0577: k = 1.186, 41.08 units.
    #[test]
    fn lead_time_spread_and_fill_rate() {
        let bom = bom(&[("X", "Q", 2.0)]);
        let demand = ranged(&[("X", &[100.0, 100.0, 100.0], 10.0)]);
        let q = material("Q", 60.0, 0.0, 1.0, 1.0, 0.0)
            .with_lead_time_sd(15.0)
            .unwrap();
        assert_close(
            ss(&bom, &q, &demand),
            z_one_sided(0.95) * 11_200f64.sqrt(),
            1e-9,
        );
        assert_close(ss(&bom, &q, &demand), 174.08, 0.01);
        assert!(material("Q", 60.0, 0.0, 1.0, 1.0, 0.0)
            .with_lead_time_sd(-1.0)
            .is_err());

        let q = material("Q", 60.0, 0.0, 1.0, 1.0, 0.0);
        let fill = MaterialsSettings {
            service_level: 0.99,
            service_measure: ServiceMeasure::FillRate,
            ..MaterialsSettings::default()
        };
        let p = requirements(&bom, std::slice::from_ref(&q), &demand, &fill).unwrap();
        let got = p.rows[0].safety_stock;
        let sd = 1200f64.sqrt();
        let k = got / sd;
        let n = Normal::new(0.0, 1.0).unwrap();
        let loss = n.pdf(k) - k * (1.0 - n.cdf(k));
        assert_close(sd * loss, 0.01 * 200.0, 1e-6);
        assert!((k - 1.186).abs() < 0.001, "k = {k}");
        // No demand to fill: no buffer (not 8 standard deviations from the search's end).
        assert_eq!(buffer(&fill, 10.0, 0.0), 0.0);
    }

    /// Two skus share Q (independent): variances add. A 0-day lead time still buffers the
    /// review month. Through a sub-assembly, the exploded quantity counts: X -> 2 SA -> 3 Q is 6
    /// Q per X; the sub-assembly itself holds no safety stock (Z's demand is buffered once, in
    /// Q).
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
        let p = requirements(&bom, &[q, sa], &demand, &MaterialsSettings::default()).unwrap();
        let q_ss = p.material("Q")[0].safety_stock;
        // 1 month: 3^2 + 4^2 + (6 x 1)^2 = 61.
        assert_close(q_ss, z_one_sided(0.95) * 61f64.sqrt(), 1e-9);
        assert_eq!(p.material("SA")[0].safety_stock, 0.0);
    }

    /// A known demand process through a periodic-review, order-up-to policy: every month the
    /// inventory position is raised to the expected demand of the protection interval (lead
    /// time 60 d = 2 months, plus the review month) plus the product's safety stock; an order
    /// placed at the start of month t is the last to arrive before the end of month t + 2, so
    /// that cycle runs short when demand over months t..=t+2 exceeds the level. At a 95 %
    /// service level it must not run short 5 +- 1 % of the cycles, with independent months
    /// and with months correlated at 0.6 (AR(1) errors, stated in the plan's model).
    #[test]
    fn the_safety_stock_delivers_its_cycle_service_on_a_simulated_process() {
        use crate::rng::PathRng;
        let bom = bom(&[("X", "Q", 1.0)]);
        let q = material("Q", 60.0, 0.0, 1.0, 1.0, 0.0);
        for rho in [0.0, 0.6] {
            let mut demand = ranged(&[("X", &[100.0; 12], 10.0)]);
            demand.dependence = crate::uncertainty::Dependence::fixed(rho, 0.0, 0.0).unwrap();
            let level = 300.0 + ss(&bom, &q, &demand);
            let mut rng = PathRng::new(9, 2);
            let mut x = rng.normal();
            let d: Vec<f64> = (0..60_000)
                .map(|_| {
                    x = rho * x + (1.0f64 - rho * rho).sqrt() * rng.normal();
                    100.0 + 10.0 * x
                })
                .collect();
            let cycles = d.len() - 2;
            let short = (0..cycles)
                .filter(|&t| d[t] + d[t + 1] + d[t + 2] > level)
                .count();
            let service = 1.0 - short as f64 / cycles as f64;
            assert!(
                (service - 0.95).abs() < 0.01,
                "rho {rho}: cycle service {service}"
            );
        }
        // The former buffer (lead time only, 2 months, months independent) ran short 9 % of the
        // cycles.
        let level = 200.0 + z_one_sided(0.95) * (2.0f64 * 100.0).sqrt();
        let mut rng = PathRng::new(9, 2);
        let d: Vec<f64> = (0..60_000).map(|_| 100.0 + 10.0 * rng.normal()).collect();
        let short = (0..d.len() - 2)
            .filter(|&t| d[t] + d[t + 1] + d[t + 2] > level + 100.0)
            .count() as f64;
        let former = short / (d.len() - 2) as f64;
        assert!(
            (0.08..0.10).contains(&former),
            "{former}: 1 - Phi(23.26 / 17.32) = 9 %"
        );
    }

    #[test]
    fn windows() {
        let m = |d| material("M", d, 0.0, 1.0, 1.0, 0.0);
        assert_eq!(safety_window(&m(0.0), 12), 1);
        assert_eq!(safety_window(&m(75.0), 12), 4);
        assert_eq!(safety_window(&m(900.0), 12), 12);
        assert_eq!(prebuy_window(&m(120.0), 30), 3);
        assert_eq!(prebuy_window(&m(100.0), 30), 3);
        assert_eq!(prebuy_window(&m(30.0), 30), 0);
        assert_eq!(prebuy_window(&m(31.0), 30), 1);
    }
}
