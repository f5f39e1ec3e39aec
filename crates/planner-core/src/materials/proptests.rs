//! Property tests of the MRP record, thread-count independence, and an ad-hoc timing of the
//! benchmark size (`cargo test --release -p planner-core materials -- --ignored --nocapture`).

use proptest::prelude::*;

use super::testing::*;
use super::{requirements, Bom, BomLine, Material, MaterialPlan, MaterialsSettings};
use crate::demand_plan::{DemandPlan, SkuPlan};
use crate::forecast::{Forecast, Interval, Level};

/// Slack for floating-point sums in the invariants.
const SLACK: f64 = 1e-6;

#[derive(Debug, Clone)]
struct Params {
    lead_time_days: u32,
    moq: f64,
    order_multiple: f64,
    on_hand: f64,
    on_order: Option<(f64, i32)>,
    safety_stock: Option<f64>,
}

fn params() -> impl Strategy<Value = Params> {
    (
        0u32..200,
        prop_oneof![Just(0.0), 0.0..500.0],
        prop_oneof![Just(1.0), Just(25.0), Just(0.005), 0.1..100.0],
        0.0..400.0,
        proptest::option::of((0.0..300.0, -3i32..15)),
        proptest::option::of(0.0..80.0),
    )
        .prop_map(|(lt, moq, mult, oh, oo, ss)| Params {
            lead_time_days: lt,
            moq,
            order_multiple: mult,
            on_hand: oh,
            on_order: oo,
            safety_stock: ss,
        })
}

fn make(name: &str, p: &Params, start: crate::time::Month) -> Material {
    let mut m = material(
        name,
        f64::from(p.lead_time_days),
        p.moq,
        p.order_multiple,
        1.0,
        p.on_hand,
    );
    if let Some((q, k)) = p.on_order {
        m = m.with_on_order(q, Some(start.plus(k))).unwrap();
    }
    if let Some(ss) = p.safety_stock {
        m = m.with_safety_stock(ss).unwrap();
    }
    m
}

/// Three skus, a sub-assembly SA and three components: S -> SA -> C, and S -> C directly.
fn case() -> impl Strategy<Value = (Bom, Vec<Material>, DemandPlan)> {
    (1usize..13)
        .prop_flat_map(|h| {
            (
                proptest::collection::vec(params(), 4),
                proptest::collection::vec(
                    (proptest::collection::vec(0.0..300.0f64, h), 0.0..60.0f64),
                    3,
                ),
                proptest::collection::vec(prop_oneof![Just(0.0), 0.01..5.0f64], 12),
            )
        })
        .prop_map(|(ps, skus, qty)| {
            let mut lines = Vec::new();
            for s in 0..3 {
                if qty[s] > 0.0 {
                    lines.push(BomLine::new(&format!("S{s}"), "SA", qty[s]).unwrap());
                }
                for c in 0..3 {
                    if qty[3 + s * 3 + c] > 0.0 {
                        let q = qty[3 + s * 3 + c];
                        lines.push(BomLine::new(&format!("S{s}"), &format!("C{c}"), q).unwrap());
                    }
                }
            }
            for c in 0..3 {
                lines.push(BomLine::new("SA", &format!("C{c}"), 1.0 + c as f64).unwrap());
            }
            let sku_names = ["S0", "S1", "S2"];
            let rows: Vec<(&str, &[f64], f64)> = skus
                .iter()
                .zip(sku_names)
                .map(|((point, half), name)| (name, point.as_slice(), *half))
                .collect();
            let demand = banded(&rows);
            let names = ["SA", "C0", "C1", "C2"];
            let materials = names
                .iter()
                .zip(&ps)
                .map(|(n, p)| make(n, p, demand.start))
                .collect();
            (Bom::new(lines).unwrap(), materials, demand)
        })
}

fn check_invariants(p: &MaterialPlan, materials: &[Material]) -> Result<(), TestCaseError> {
    for m in materials {
        let rows = p.material(&m.material);
        prop_assert_eq!(rows.len(), p.horizon);
        let mut prev = m.on_hand;
        for r in rows {
            let ss = r.safety_stock;
            if r.planned_receipt > 0.0 {
                prop_assert!(
                    r.planned_receipt >= m.moq * (1.0 - SLACK),
                    "{r:?} below MOQ"
                );
                let k = r.planned_receipt / m.order_multiple;
                prop_assert!(
                    (k - k.round()).abs() <= SLACK * k.max(1.0),
                    "{r:?} not a multiple of {}",
                    m.order_multiple
                );
                prop_assert!(r.planned_receipt >= r.net_requirement * (1.0 - SLACK) - SLACK);
            } else {
                prop_assert_eq!(r.net_requirement, 0.0);
            }
            // Every net requirement is covered (past-due receipts included): never below SS.
            prop_assert!(
                r.projected_on_hand >= ss - SLACK * ss.max(r.gross_requirement).max(1.0),
                "{r:?} below safety stock"
            );
            let poh = prev + r.scheduled_receipts + r.planned_receipt - r.gross_requirement;
            prop_assert!((r.projected_on_hand - poh).abs() <= SLACK * poh.abs().max(1.0));
            prev = r.projected_on_hand;
        }
        let received: f64 = rows.iter().map(|r| r.planned_receipt).sum();
        let released: f64 = rows.iter().map(|r| r.planned_release + r.past_due).sum();
        // A receipt in month t is released in t - L: inside the horizon or past due.
        prop_assert!((received - released).abs() <= SLACK * received.max(1.0));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn receipts_respect_lot_rules_and_stock_stays_above_safety_stock(
        (bom, materials, demand) in case()
    ) {
        let p = requirements(&bom, &materials, &demand, &MaterialsSettings::default()).unwrap();
        check_invariants(&p, &materials)?;
    }

    #[test]
    fn a_wider_range_never_lowers_safety_stock(
        (bom, materials, demand) in case(), widen in 1.0..3.0f64
    ) {
        let free: Vec<Material> = materials
            .into_iter()
            .map(|mut m| { m.safety_stock = None; m })
            .collect();
        let mut wide = demand.clone();
        for s in &mut wide.skus {
            for i in &mut s.forecast.intervals {
                for t in 0..demand.horizon {
                    let p = s.forecast.point[t];
                    i.hi[t] = p + (i.hi[t] - p) * widen;
                    i.lo[t] = p - (p - i.lo[t]) * widen;
                }
            }
        }
        let s = MaterialsSettings::default();
        let a = requirements(&bom, &free, &demand, &s).unwrap();
        let b = requirements(&bom, &free, &wide, &s).unwrap();
        for m in &free {
            let (x, y) = (a.material(&m.material)[0].safety_stock, b.material(&m.material)[0].safety_stock);
            prop_assert!(y >= x * (1.0 - SLACK), "{}: {x} -> {y}", m.material);
        }
    }
}

/// A deterministic random stream ([`PathRng`](crate::rng::PathRng)), so the synthetic case is
/// reproducible.
struct Rng(crate::rng::PathRng);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        (self.0.next_u64() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        self.0.uniform()
    }
}

/// `skus` finished skus, `n` materials and a 3-level BOM: each sku takes 2 level-1
/// sub-assemblies and 4 parts, each level-1 sub-assembly 2 level-2 ones and 3 parts, each
/// level-2 sub-assembly 3 parts. A tenth of the materials are level-1 sub-assemblies, a tenth
/// level-2, the rest parts.
pub(crate) fn synthetic(skus: usize, n: usize, horizon: usize) -> (Bom, Vec<Material>, DemandPlan) {
    let mut rng = Rng(crate::rng::PathRng::new(0x9E37_79B9_7F4A_7C15, 0));
    let (n1, n2) = (n / 10, n / 10);
    let n_parts = n - n1 - n2;
    let sa1 = |i: usize| format!("SA1-{i:06}");
    let sa2 = |i: usize| format!("SA2-{i:06}");
    let part = |i: usize| format!("P-{i:06}");
    let mut lines = Vec::with_capacity(skus * 6 + n1 * 5 + n2 * 3);
    for s in 0..skus {
        let sku = format!("SKU-{s:06}");
        for _ in 0..2 {
            lines.push(BomLine::new(&sku, &sa1(rng.below(n1)), 1.0).unwrap());
        }
        for _ in 0..4 {
            let q = 0.5 + 3.0 * rng.unit();
            lines.push(BomLine::new(&sku, &part(rng.below(n_parts)), q).unwrap());
        }
    }
    for i in 0..n1 {
        for _ in 0..2 {
            lines.push(BomLine::new(&sa1(i), &sa2(rng.below(n2)), 2.0).unwrap());
        }
        for _ in 0..3 {
            lines.push(BomLine::new(&sa1(i), &part(rng.below(n_parts)), 1.5).unwrap());
        }
    }
    for i in 0..n2 {
        for _ in 0..3 {
            lines.push(BomLine::new(&sa2(i), &part(rng.below(n_parts)), 4.0).unwrap());
        }
    }
    let bom = Bom::new(lines).unwrap();
    let names = (0..n1)
        .map(sa1)
        .chain((0..n2).map(sa2))
        .chain((0..n_parts).map(part));
    let materials = names
        .map(|name| {
            let lt = [10.0, 30.0, 45.0, 60.0, 90.0, 120.0][rng.below(6)];
            let moq = [0.0, 100.0, 500.0][rng.below(3)];
            let mult = [1.0, 10.0, 50.0][rng.below(3)];
            let mut m = Material::new(
                &name,
                lt,
                moq,
                mult,
                0.1 + 10.0 * rng.unit(),
                500.0 * rng.unit(),
            )
            .unwrap();
            if rng.below(3) == 0 {
                m = m.with_on_order(200.0, Some(month("2027-01"))).unwrap();
            }
            if rng.below(4) == 0 {
                m = m.with_safety_stock(50.0).unwrap();
            }
            m
        })
        .collect();
    let l80 = Level::new(80.0).unwrap();
    let l95 = Level::new(95.0).unwrap();
    let mut demand = DemandPlan {
        start: month("2026-11"),
        horizon,
        levels: vec![l80, l95],
        skus: (0..skus)
            .map(|s| {
                let base = 10.0 + 200.0 * rng.unit();
                let point: Vec<f64> = (0..horizon)
                    .map(|_| base * (0.8 + 0.4 * rng.unit()))
                    .collect();
                let band = |w: f64| Interval {
                    level: if w < 0.3 { l80 } else { l95 },
                    lo: point
                        .iter()
                        .enumerate()
                        .map(|(t, p)| p * (1.0 - w * (1.0 + t as f64 / 24.0)).max(0.0))
                        .collect(),
                    hi: point
                        .iter()
                        .enumerate()
                        .map(|(t, p)| p * (1.0 + w * (1.0 + t as f64 / 24.0)))
                        .collect(),
                };
                SkuPlan {
                    sku: format!("SKU-{s:06}"),
                    model: "test".into(),
                    forecast: Forecast {
                        intervals: vec![band(0.2), band(0.35)],
                        point,
                    },
                }
            })
            .collect(),
        dependence: crate::uncertainty::Dependence::independent(),
    };
    demand.sort();
    (bom, materials, demand)
}

#[test]
fn the_result_does_not_depend_on_the_number_of_threads() {
    let (bom, materials, demand) = synthetic(2_000, 5_000, 12);
    let s = MaterialsSettings::default();
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| requirements(&bom, &materials, &demand, &s).unwrap())
    };
    let one = run(1);
    let four = run(4);
    assert!(one == four, "1 and 4 threads differ");
    check_invariants(&one, &materials).unwrap();
    assert_eq!(one.rows.len(), 5_000 * 12);
    assert!(!one.past_due.is_empty() && !one.prebuy.is_empty());
}

/// The benchmark size: 20,000 skus, 50,000 materials, 3 levels, 12 months.
#[test]
#[ignore = "timing; run in release with --ignored --nocapture"]
#[allow(clippy::print_stderr)]
fn timing_at_benchmark_size() {
    let t0 = std::time::Instant::now();
    let (bom, materials, demand) = synthetic(20_000, 50_000, 12);
    let built = t0.elapsed();
    let s = MaterialsSettings::default();
    let mut best = std::time::Duration::MAX;
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let p = requirements(&bom, &materials, &demand, &s).unwrap();
        best = best.min(t.elapsed());
        assert_eq!(p.rows.len(), 50_000 * 12);
    }
    eprintln!(
        "inputs built in {built:?}; plan (20k skus, 50k materials, 3 levels, 12 months): best of 3 {best:?} on {} threads",
        rayon::current_num_threads()
    );
}
