//! Scores a forecasting method on a long-format data set (`unique_id,ds,y`, train and test
//! files): mean sMAPE, mean MASE, mean RMSE (per series), pooled RMSE (over every
//! series-month), pooled 80/95 % coverage and series per second.
//!
//! ```text
//! cargo run --release -p planner-core --example eval_forecast -- TRAIN.csv TEST.csv [METHOD] [SEASON]
//! ```
//! `METHOD` is any `--method` name (default `auto`) or `zero` (a constant-zero benchmark).
//! WQL is the weighted quantile loss over the median and the 80 / 95 % bounds, pooled over the
//! data set (`sum of 2 * pinball losses / sum |actual|`, averaged over the 5 quantiles); MSIS95
//! the M4 competition's scaled interval score at 95 %, averaged over series. A second line
//! gives the coverage by forecast step, a third by the history's length. With `EVAL_DUMP=FILE`
//! every series-month (actual, point, bounds, model) is also written to `FILE` as CSV.
//! Fitting runs on one thread and is timed in CPU seconds, so series per second is per core. M3 monthly can be exported
//! with `benches/peers/export_m3.py`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Instant;

use planner_core::forecast::{accuracy, forecast_series, Forecast, Interval, Level, Method};

/// Forecast steps (1-based, inclusive) of the per-step coverage line.
const BUCKETS: [(usize, usize); 5] = [(1, 3), (4, 6), (7, 12), (13, 18), (19, 36)];
/// History lengths (months, inclusive) of the per-length coverage line.
const LENGTHS: [(usize, usize); 5] = [(0, 47), (48, 71), (72, 107), (108, 143), (144, 100_000)];

type Series = BTreeMap<String, Vec<(String, f64)>>;

fn read(path: &str) -> Result<Series, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .ok_or(format!("{path}: empty"))?
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or(format!("{path}: no column {name}"))
    };
    let (ci, cd, cy) = (col("unique_id")?, col("ds")?, col("y")?);
    let mut out: Series = BTreeMap::new();
    for (i, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        let get = |c: usize| f.get(c).copied().unwrap_or("").trim();
        let y: f64 = get(cy)
            .parse()
            .map_err(|_| format!("{path}:{}: column y: {:?} is not a number", i + 2, get(cy)))?;
        out.entry(get(ci).to_string())
            .or_default()
            .push((get(cd).to_string(), y));
    }
    for v in out.values_mut() {
        // Integer positions sort numerically, dates lexicographically.
        v.sort_by(|a, b| match (a.0.parse::<i64>(), b.0.parse::<i64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => a.0.cmp(&b.0),
        });
    }
    Ok(out)
}

/// The 80 / 95 % coverage of each range of `ranges` with pairs (`counts`: hits at 80 %, at 95 %,
/// pairs), as `{prefix}{lo}-{hi}=80/95`, with its share of all `pairs` when given.
fn coverage(
    ranges: &[(usize, usize)],
    counts: &[[f64; 3]],
    prefix: &str,
    pairs: Option<usize>,
) -> String {
    let parts: Vec<String> = ranges
        .iter()
        .zip(counts)
        .filter(|(_, c)| c[2] > 0.0)
        .map(|(&(lo, hi), c)| {
            let share = pairs.map_or_else(String::new, |p| {
                format!(" ({:.0}%)", 100.0 * c[2] / p.max(1) as f64)
            });
            format!(
                "{prefix}{lo}-{hi}={:.1}/{:.1}{share}",
                100.0 * c[0] / c[2],
                100.0 * c[1] / c[2]
            )
        })
        .collect();
    parts.join(" ")
}

/// CPU time of this thread in seconds (Linux), so that series per second does not depend on
/// other processes sharing the machine; wall time elsewhere.
fn cpu_seconds(start: Instant) -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or_else(|| start.elapsed().as_secs_f64(), |ns| ns / 1e9)
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        return Err("usage: eval_forecast TRAIN.csv TEST.csv [METHOD] [SEASON]".into());
    }
    let train = read(&args[1])?;
    let test = read(&args[2])?;
    let method_name = args.get(3).map_or("auto", String::as_str);
    let zero = method_name == "zero";
    let method: Method = if zero {
        Method::Naive
    } else {
        method_name.parse().map_err(|e| format!("{e}"))?
    };
    let season: usize = args
        .get(4)
        .map_or(Ok(12), |s| s.parse())
        .map_err(|_| "bad season")?;
    let levels = [Level::new(80.0).unwrap(), Level::new(95.0).unwrap()];

    let (mut smape, mut mase, mut rmse, mut bias) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut cov80, mut cov95, mut pairs) = (0.0, 0.0, 0usize);
    // Pooled weighted quantile loss (numerator and sum of |actual|) and per-series MSIS 95.
    let (mut wql_num, mut wql_den, mut msis) = (0.0, 0.0, Vec::new());
    // Squared errors over every series-month, for the pooled RMSE.
    let mut sq_err = 0.0;
    // Coverage by forecast step, pooled over series: [hits80, hits95, pairs] per bucket.
    let mut by_step = [[0.0f64; 3]; BUCKETS.len()];
    // The same by the history's length.
    let mut by_length = [[0.0f64; 3]; LENGTHS.len()];
    let mut models: BTreeMap<String, usize> = BTreeMap::new();
    let mut elapsed = 0.0;
    let mut count = 0usize;
    // EVAL_DUMP=FILE writes every series-month: id, step, actual, point, bounds, model.
    let mut dump = match std::env::var("EVAL_DUMP") {
        Ok(path) => {
            let mut f = std::io::BufWriter::new(
                std::fs::File::create(&path).map_err(|e| format!("{path}: {e}"))?,
            );
            writeln!(f, "unique_id,step,actual,point,lo80,hi80,lo95,hi95,model")
                .map_err(|e| e.to_string())?;
            Some(f)
        }
        Err(_) => None,
    };
    for (id, tr) in &train {
        let Some(te) = test.get(id) else { continue };
        let y: Vec<f64> = tr.iter().map(|p| p.1).collect();
        let actual: Vec<f64> = te.iter().map(|p| p.1).collect();
        let h = actual.len();
        let wall = Instant::now();
        let t0 = cpu_seconds(wall);
        let (fc, model) = if zero {
            let fc = Forecast {
                point: vec![0.0; h],
                intervals: levels
                    .iter()
                    .map(|&level| Interval {
                        level,
                        lo: vec![0.0; h],
                        hi: vec![0.0; h],
                    })
                    .collect(),
            };
            (fc, String::from("zero"))
        } else {
            let sf = forecast_series(&y, h, &levels, method, season)
                .map_err(|e| format!("series {id}: {e}"))?;
            (sf.forecast, sf.model)
        };
        elapsed += cpu_seconds(wall) - t0;
        if !zero {
            let family = model.split('(').next().unwrap_or("").to_string();
            let key = if family == "ETS" {
                model.clone()
            } else {
                family
            };
            *models.entry(key).or_default() += 1;
        }
        if let Some(f) = dump.as_mut() {
            let (i80, i95) = (&fc.intervals[0], &fc.intervals[1]);
            for (i, a) in actual.iter().enumerate() {
                writeln!(
                    f,
                    "\"{id}\",{},{a},{},{},{},{},{},\"{model}\"",
                    i + 1,
                    fc.point[i],
                    i80.lo[i],
                    i80.hi[i],
                    i95.lo[i],
                    i95.hi[i],
                )
                .map_err(|e| e.to_string())?;
            }
        }
        count += 1;
        let acc = accuracy(&actual, &fc, &y, season);
        smape.push(acc.smape);
        if let Some(m) = acc.mase {
            mase.push(m);
        }
        rmse.push(acc.rmse);
        bias.push(acc.bias);
        sq_err += actual
            .iter()
            .zip(&fc.point)
            .map(|(a, p)| (a - p) * (a - p))
            .sum::<f64>();
        for (i, &a) in actual.iter().enumerate() {
            let b = BUCKETS
                .iter()
                .position(|&(lo, hi)| i + 1 >= lo && i < hi)
                .unwrap_or(0);
            let inside = |j: usize| {
                let iv = &fc.intervals[j];
                f64::from(u8::from(a >= iv.lo[i] && a <= iv.hi[i]))
            };
            by_step[b][0] += inside(0);
            by_step[b][1] += inside(1);
            by_step[b][2] += 1.0;
            let l = LENGTHS
                .iter()
                .position(|&(lo, hi)| y.len() >= lo && y.len() <= hi)
                .unwrap_or(0);
            by_length[l][0] += inside(0);
            by_length[l][1] += inside(1);
            by_length[l][2] += 1.0;
        }
        let sa: f64 = actual.iter().map(|a| a.abs()).sum();
        if let Some(w) = acc.wql {
            wql_num += w * sa;
            wql_den += sa;
        }
        if let Some(m) = acc.msis[1].1 {
            msis.push(m);
        }
        cov80 += acc.coverage[0].1 * h as f64;
        cov95 += acc.coverage[1].1 * h as f64;
        pairs += h;
    }
    if let Some(f) = dump.as_mut() {
        f.flush().map_err(|e| e.to_string())?;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    println!(
        "method={method_name} series={count} sMAPE={:.3} MASE={:.4} (n={}) RMSE={:.4} pooledRMSE={:.4} bias={:.4} cov80={:.1}% cov95={:.1}% WQL={:.4} MSIS95={:.3} series/s={:.0}",
        mean(&smape),
        mean(&mase),
        mase.len(),
        mean(&rmse),
        (sq_err / pairs.max(1) as f64).sqrt(),
        mean(&bias),
        100.0 * cov80 / pairs.max(1) as f64,
        100.0 * cov95 / pairs.max(1) as f64,
        wql_num / wql_den.max(1e-300),
        mean(&msis),
        count as f64 / elapsed.max(1e-9)
    );
    println!(
        "coverage by step (80/95 %): {}",
        coverage(&BUCKETS, &by_step, "h", None)
    );
    println!(
        "coverage by history length (80/95 %, share of months): {}",
        coverage(&LENGTHS, &by_length, "n", Some(pairs))
    );
    let mut top: Vec<_> = models.into_iter().collect();
    top.sort_by_key(|b| std::cmp::Reverse(b.1));
    let list: Vec<String> = top
        .iter()
        .take(8)
        .map(|(k, v)| format!("{k}:{v}"))
        .collect();
    println!("models: {}", list.join(" "));
    Ok(())
}
