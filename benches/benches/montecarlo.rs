//! Monte Carlo risk: demand paths through capacity, materials and pricing.
#![allow(missing_docs)] // criterion_group! generates undocumented functions

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use planner_core::demand::DemandHistory;
use planner_core::pricing::{Basis, PriceTier};
use planner_core::scenario::{
    materials_part, monte_carlo, pricing_part, MonteCarloSettings, Plan, PlanInput,
};
use planner_core::ForecastRun;

/// A folder-like input of `skus` skus on `skus / 200` lines with `skus / 2` materials and three
/// annual price tiers per sku, and its plan (no build plan: the Monte Carlo does not use it).
fn setup(skus: usize) -> (PlanInput, Plan) {
    let demand = planner_benches::demand_plan(skus, 12, 1);
    let (lines, routings) = planner_benches::lines_and_routings((skus / 200).max(1), skus, 2);
    let (bom, materials) = planner_benches::bom_and_materials(skus, (skus / 2).max(8), 3);
    let tiers = demand
        .skus
        .iter()
        .flat_map(|s| {
            let annual: f64 = s.forecast.point.iter().sum();
            [(0.0, 10.0), (annual * 0.9, 9.5), (annual * 1.1, 9.0)]
                .into_iter()
                .map(|(q, p)| PriceTier::new(&s.sku, q.round(), p, Basis::Annual, None).unwrap())
        })
        .collect();
    let mut input = PlanInput::new(DemandHistory::default());
    input.lines = lines;
    input.routings = routings;
    input.bom = bom;
    input.materials = materials;
    input.tiers = tiers;
    input.demand = Some(demand.clone());
    let plan = Plan {
        materials: materials_part(&input, &demand).unwrap(),
        pricing: pricing_part(&input, &demand).unwrap(),
        capacity: None,
        production: None,
        forecast: ForecastRun {
            demand,
            patterns: Default::default(),
            ignored_events: Vec::new(),
            before_events: Vec::new(),
            overrides: None,
        },
        segments: Default::default(),
        fence_holds: None,
    };
    (input, plan)
}

fn montecarlo(c: &mut Criterion) {
    let mut g = c.benchmark_group("montecarlo");
    g.sample_size(10);
    for skus in [100usize, 1000, 10_000] {
        let (input, plan) = setup(skus);
        let settings = MonteCarloSettings {
            paths: 1000,
            ..MonteCarloSettings::default()
        };
        g.bench_with_input(
            BenchmarkId::new("1000_paths", skus),
            &(input, plan),
            |b, (input, plan)| {
                b.iter(|| std::hint::black_box(monte_carlo(input, plan, &settings).unwrap()))
            },
        );
    }
    g.finish();
}

criterion_group!(benches, montecarlo);
criterion_main!(benches);
