//! Driver for the anofox-forecast AutoETS peer (copied into a throwaway cargo project by
//! run.sh; not part of the workspace). Reads long CSVs (unique_id,ds,y with integer ds),
//! fits AutoETS (season 12, default configuration) per series on one thread and prints one
//! JSON line with the same metrics as planner-core's `accuracy`.
use std::collections::BTreeMap;
use std::time::Instant;

use anofox_forecast::core::TimeSeries;
use anofox_forecast::models::exponential::AutoETS;
use anofox_forecast::models::Forecaster;
use chrono::{Duration, TimeZone, Utc};

fn read(path: &str) -> BTreeMap<String, Vec<(i64, f64)>> {
    let text = std::fs::read_to_string(path).expect("read");
    let mut out: BTreeMap<String, Vec<(i64, f64)>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() < 3 {
            continue;
        }
        out.entry(f[0].to_string())
            .or_default()
            .push((f[1].parse().unwrap_or(0), f[2].parse().unwrap()));
    }
    for v in out.values_mut() {
        v.sort_by_key(|p| p.0);
    }
    out
}

fn cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let train = read(&a[1]);
    let test = read(&a[2]);
    let (mut smape, mut mase, mut rmse) = (Vec::new(), Vec::new(), Vec::new());
    let (mut c80, mut c95, mut pairs, mut fails) = (0usize, 0usize, 0usize, 0usize);
    let mut elapsed = 0.0;
    let _ = Instant::now();
    for (id, tr) in &train {
        let Some(te) = test.get(id) else { continue };
        let y: Vec<f64> = tr.iter().map(|p| p.1).collect();
        let act: Vec<f64> = te.iter().map(|p| p.1).collect();
        let h = act.len();
        let t0 = Utc.with_ymd_and_hms(1990, 1, 1, 0, 0, 0).unwrap();
        let ts: Vec<_> = (0..y.len()).map(|i| t0 + Duration::days(30 * i as i64)).collect();
        let c0 = cpu();
        let series = TimeSeries::univariate(ts, y.clone()).expect("series");
        let mut m = AutoETS::with_period(12);
        let res = m.fit(&series).and_then(|_| {
            let f80 = m.predict_with_intervals(h, 0.80)?;
            let f95 = m.predict_with_intervals(h, 0.95)?;
            Ok((f80, f95))
        });
        elapsed += cpu() - c0;
        let (p, lo80, hi80, lo95, hi95) = match res {
            Ok((f80, f95)) => {
                let p = f80.primary().to_vec();
                let l8 = f80.lower_series(0).map(|s| s.to_vec()).unwrap_or(p.clone());
                let h8 = f80.upper_series(0).map(|s| s.to_vec()).unwrap_or(p.clone());
                let l9 = f95.lower_series(0).map(|s| s.to_vec()).unwrap_or(p.clone());
                let h9 = f95.upper_series(0).map(|s| s.to_vec()).unwrap_or(p.clone());
                (p, l8, h8, l9, h9)
            }
            Err(_) => {
                fails += 1;
                let last = *y.last().unwrap();
                let v = vec![last; h];
                (v.clone(), v.clone(), v.clone(), v.clone(), v)
            }
        };
        let mut se = 0.0;
        let mut sa = 0.0;
        let mut ss = 0.0;
        for i in 0..h {
            let f = p[i].max(0.0);
            let e = f - act[i];
            se += e * e;
            sa += e.abs();
            let d = act[i].abs() + f.abs();
            if d > 0.0 {
                ss += 200.0 * e.abs() / d;
            }
            if act[i] >= lo80[i].max(0.0) && act[i] <= hi80[i].max(0.0) {
                c80 += 1;
            }
            if act[i] >= lo95[i].max(0.0) && act[i] <= hi95[i].max(0.0) {
                c95 += 1;
            }
        }
        pairs += h;
        smape.push(ss / h as f64);
        rmse.push((se / h as f64).sqrt());
        let mm = if y.len() > 12 { 12 } else { 1 };
        if y.len() > mm {
            let sc: f64 = (mm..y.len()).map(|t| (y[t] - y[t - mm]).abs()).sum::<f64>()
                / (y.len() - mm) as f64;
            if sc > 0.0 {
                mase.push(sa / h as f64 / sc);
            }
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    println!(
        "{{\"tool\": \"anofox-forecast\", \"model\": \"AutoETS\", \"series\": {}, \"smape\": {}, \"mase\": {}, \"rmse\": {}, \"cov80\": {}, \"cov95\": {}, \"series_per_s\": {}, \"seconds\": {}, \"failures\": {}}}",
        rmse.len(),
        mean(&smape),
        mean(&mase),
        mean(&rmse),
        100.0 * c80 as f64 / pairs as f64,
        100.0 * c95 as f64 / pairs as f64,
        rmse.len() as f64 / elapsed,
        elapsed,
        fails
    );
}
