//! Shared inputs for planner's benchmarks: seeded synthetic monthly series.

use planner_core::scenario::PathRng;

/// `n` seasonal monthly series of `len` months with trend and noise; every fifth is intermittent.
pub fn series(n: usize, len: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = PathRng::new(seed, 0);
    (0..n)
        .map(|i| {
            let level = 50.0 + 950.0 * rng.uniform();
            let trend = (rng.uniform() - 0.3) * 0.01;
            let amp = 0.4 * rng.uniform();
            (0..len)
                .map(|t| {
                    if i % 5 == 4 {
                        if rng.uniform() < 0.3 {
                            (1.0 + 10.0 * rng.uniform()).round()
                        } else {
                            0.0
                        }
                    } else {
                        let season =
                            1.0 + amp * ((t % 12) as f64 / 12.0 * std::f64::consts::TAU).cos();
                        let noise = 1.0 + 0.15 * (rng.uniform() - 0.5) * 2.0;
                        (level * (1.0 + trend * t as f64) * season * noise)
                            .max(0.0)
                            .round()
                    }
                })
                .collect()
        })
        .collect()
}

use planner_core::capacity::{Line, LineSpec, RoutingStep};
use planner_core::forecast::{Forecast, Interval, Level};
use planner_core::materials::{Bom, BomLine, Material};
use planner_core::time::Month;
use planner_core::{DemandPlan, SkuPlan};

/// A demand plan of `skus` skus over `months` months with 80/95 % ranges.
pub fn demand_plan(skus: usize, months: usize, seed: u64) -> DemandPlan {
    let mut rng = PathRng::new(seed, 0);
    let levels = vec![Level::new(80.0).unwrap(), Level::new(95.0).unwrap()];
    let skus = (0..skus)
        .map(|i| {
            let base = 100.0 + 900.0 * rng.uniform();
            let point: Vec<f64> = (0..months)
                .map(|t| {
                    base * (1.0 + 0.3 * ((t % 12) as f64 / 12.0 * std::f64::consts::TAU).cos())
                })
                .collect();
            let intervals = levels
                .iter()
                .map(|&level| {
                    let w = if level.percent() > 90.0 { 0.4 } else { 0.25 };
                    Interval {
                        level,
                        lo: point.iter().map(|p| p * (1.0 - w)).collect(),
                        hi: point.iter().map(|p| p * (1.0 + w)).collect(),
                    }
                })
                .collect();
            SkuPlan {
                sku: format!("SKU{i:06}"),
                model: "synthetic".into(),
                forecast: Forecast { point, intervals },
            }
        })
        .collect();
    DemandPlan {
        start: Month::new(2026, 11).unwrap(),
        horizon: months,
        levels,
        skus,
        dependence: planner_core::uncertainty::Dependence::independent(),
    }
}

/// `lines` lines and a routing of 4 stations for each of `skus` skus, spread over the lines.
pub fn lines_and_routings(lines: usize, skus: usize, seed: u64) -> (Vec<Line>, Vec<RoutingStep>) {
    let mut rng = PathRng::new(seed, 0);
    let ls: Vec<Line> = (0..lines)
        .map(|i| {
            Line::new(
                &format!("L{i:03}"),
                LineSpec {
                    shifts_per_day: 3.0,
                    hours_per_shift: 8.0,
                    days_per_week: 6.0,
                    oee: 0.8,
                    operators_per_shift: Some(10.0),
                },
            )
            .unwrap()
        })
        .collect();
    let mut routings = Vec::with_capacity(skus * 4);
    for s in 0..skus {
        let line = &ls[s % lines].line;
        for st in 0..4 {
            let cycle = 5.0 + 25.0 * rng.uniform();
            routings.push(
                RoutingStep::new(&format!("SKU{s:06}"), line, &format!("S{st}"), cycle, None)
                    .unwrap(),
            );
        }
    }
    (ls, routings)
}

/// A three-level BOM: each sku uses 2 sub-assemblies (shared by 20 skus each), each
/// sub-assembly 2 components, each component 2 raw materials; `materials` materials in all.
pub fn bom_and_materials(skus: usize, materials: usize, seed: u64) -> (Bom, Vec<Material>) {
    let mut rng = PathRng::new(seed, 0);
    let subs = (skus / 10).max(1).min(materials / 4);
    let comps = (materials - subs) / 2;
    let raws = materials - subs - comps;
    let mut lines = Vec::new();
    for s in 0..skus {
        for k in 0..2 {
            let sub = (s / 20 * 2 + k) % subs;
            lines.push(BomLine::new(&format!("SKU{s:06}"), &format!("SA{sub:06}"), 1.0).unwrap());
        }
    }
    for a in 0..subs {
        for k in 0..2 {
            let c = (a * 2 + k) % comps;
            lines.push(BomLine::new(&format!("SA{a:06}"), &format!("C{c:06}"), 2.0).unwrap());
        }
    }
    for c in 0..comps {
        for k in 0..2 {
            let r = (c * 2 + k) % raws;
            lines.push(BomLine::new(&format!("C{c:06}"), &format!("R{r:06}"), 0.5).unwrap());
        }
    }
    let mut mats = Vec::with_capacity(materials);
    let names = (0..subs)
        .map(|i| format!("SA{i:06}"))
        .chain((0..comps).map(|i| format!("C{i:06}")))
        .chain((0..raws).map(|i| format!("R{i:06}")));
    for name in names {
        let lt = (7.0 + 113.0 * rng.uniform()).round();
        let moq = (100.0 * rng.uniform()).round();
        mats.push(Material::new(&name, lt, moq, 10.0, 1.0 + 10.0 * rng.uniform(), 500.0).unwrap());
    }
    (Bom::new(lines).unwrap(), mats)
}
