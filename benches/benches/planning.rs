//! Capacity figures, the build-plan LP and the MRP record at the sizes the issues name.
#![allow(missing_docs)] // criterion_group! generates undocumented functions

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use planner_core::capacity::{self, Calendar, CapacitySettings};
use planner_core::materials::{self, MaterialsSettings};

fn capacity_figures(c: &mut Criterion) {
    let mut g = c.benchmark_group("capacity");
    g.sample_size(10);
    for (lines, skus) in [(20usize, 2_000usize), (200, 20_000)] {
        let demand = planner_benches::demand_plan(skus, 12, 7);
        let (ls, routings) = planner_benches::lines_and_routings(lines, skus, 8);
        let cal = Calendar::default();
        g.bench_with_input(
            BenchmarkId::new("plan", format!("{lines}_lines_{skus}_skus")),
            &(),
            |b, _| b.iter(|| capacity::line_months(&ls, &routings, &cal, &demand).unwrap()),
        );
    }
    let demand = planner_benches::demand_plan(2_000, 12, 9);
    let (ls, routings) = planner_benches::lines_and_routings(50, 2_000, 10);
    let cal = Calendar::default();
    let settings = CapacitySettings::default();
    g.bench_function("build_plan_50_lines_2000_skus", |b| {
        b.iter(|| capacity::build_plan(&ls, &routings, &cal, &demand, &settings).unwrap())
    });
    g.finish();
}

fn mrp(c: &mut Criterion) {
    let mut g = c.benchmark_group("mrp");
    g.sample_size(10);
    for (skus, mats) in [(2_000usize, 5_000usize), (20_000, 50_000)] {
        let demand = planner_benches::demand_plan(skus, 12, 11);
        let (bom, materials) = planner_benches::bom_and_materials(skus, mats, 12);
        let settings = MaterialsSettings::default();
        g.bench_with_input(
            BenchmarkId::new("plan", format!("{skus}_skus_{mats}_materials")),
            &(),
            |b, _| {
                b.iter(|| materials::requirements(&bom, &materials, &demand, &settings).unwrap())
            },
        );
    }
    g.finish();
}

criterion_group!(benches, capacity_figures, mrp);
criterion_main!(benches);
