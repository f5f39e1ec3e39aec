//! Forecast engine: fitting, automatic selection and prediction.
#![allow(missing_docs)] // criterion_group! generates undocumented functions

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use planner_core::forecast::{forecast_series, Ets, FittedForecaster, Forecaster, Level, Method};

fn levels() -> Vec<Level> {
    vec![Level::new(80.0).unwrap(), Level::new(95.0).unwrap()]
}

fn fit(c: &mut Criterion) {
    let data = planner_benches::series(50, 48, 1);
    let mut g = c.benchmark_group("fit");
    g.bench_function("ets_auto_50_series_48_months", |b| {
        b.iter(|| {
            for s in &data {
                std::hint::black_box(Ets::default().fit(s).ok());
            }
        })
    });
    g.finish();
}

fn auto_select(c: &mut Criterion) {
    let mut g = c.benchmark_group("auto_select");
    g.sample_size(10);
    for n in [10usize, 100, 1000] {
        let data = planner_benches::series(n, 48, 2);
        let levels = levels();
        g.bench_with_input(BenchmarkId::from_parameter(n), &data, |b, data| {
            b.iter(|| {
                for s in data {
                    std::hint::black_box(forecast_series(s, 12, &levels, Method::Auto, 12).ok());
                }
            })
        });
    }
    g.finish();
}

fn predict(c: &mut Criterion) {
    let data = planner_benches::series(1, 48, 3);
    let fitted = Ets::default().fit(&data[0]).expect("fits");
    let levels = levels();
    let mut g = c.benchmark_group("predict");
    g.bench_function("ets_12_months_2_levels", |b| {
        b.iter_batched(
            || (),
            |_| fitted.predict(12, &levels),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, fit, auto_select, predict);
criterion_main!(benches);
