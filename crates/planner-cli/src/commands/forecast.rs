//! `planner forecast`: forecast.csv, and with `--backtest` the accuracy of a rolling-origin
//! backtest.

use std::io::Write;
use std::path::{Path, PathBuf};

use planner_core::forecast::{backtest, levels_for, Level, Method};
use planner_core::{forecast_all, Settings};
use rayon::prelude::*;

use super::Context;
use crate::cli::ForecastArgs;
use crate::load;
use crate::write::outdir::OutputFiles;
use crate::write::{num, opt_num, tables, Guard};

/// Runs `planner forecast`.
pub fn run(args: &ForecastArgs, ctx: &Context) -> anyhow::Result<()> {
    let mut guard = Guard::default();
    let history_path = match (&args.history, &args.data) {
        (Some(h), _) => h.clone(),
        (None, Some(d)) => {
            load::table_file(d, "demand.csv")?.unwrap_or_else(|| d.join("demand.csv"))
        }
        (None, None) => anyhow::bail!("--history FILE or --data DIR is needed"),
    };
    guard.protect(&history_path);
    let history = load::history_file(&history_path)?;
    let mut settings = match &args.data {
        Some(d) if d.join("planner.toml").symlink_metadata().is_ok() => {
            guard.protect(&d.join("planner.toml"));
            load::settings_file(&d.join("planner.toml"))?
        }
        _ => Settings::default(),
    };
    let events_path: Option<PathBuf> = match (&args.events, &args.data) {
        (Some(e), _) => Some(e.clone()),
        (None, Some(d)) => load::table_file(d, "events.csv")?,
        (None, None) => None,
    };
    // The folder's products.csv gives the families `family:NAME` events name.
    let products = match &args.data {
        Some(d) => match load::table_file(d, "products.csv")? {
            Some(p) => {
                guard.protect(&p);
                load::products_file(&p)?
            }
            None => Vec::new(),
        },
        None => Vec::new(),
    };
    let events = match &events_path {
        Some(p) => {
            guard.protect(p);
            load::events_file(p, &products, &history)?
        }
        None => Vec::new(),
    };
    apply_flags(&mut settings, args)?;
    // The ranges shown; the quantiles may need more levels, forecast but not written.
    let shown_levels = settings.levels.clone();
    let quantiles = args
        .quantiles
        .as_ref()
        .map(|q| q.0.clone())
        .unwrap_or_default();
    for l in levels_for(&quantiles) {
        if !settings.levels.contains(&l) {
            settings.levels.push(l);
        }
    }
    // `--start` forecasts as of an earlier month on purpose (later history is left out, and the
    // run says how much); a start pinned in planner.toml must come after the history.
    if let Err(e) = settings.check_start(&history) {
        if args.start.is_some() {
            let last = history
                .last_month()
                .map(|m| m.to_string())
                .unwrap_or_default();
            ctx.say(format!(
                "note: --start {}: forecasting as of then; the history from then to {last} is \
                 left out of the fit",
                settings.start.map(|m| m.to_string()).unwrap_or_default()
            ));
        } else {
            anyhow::bail!("planner.toml: start: {}", e.reason);
        }
    }
    // Held to the end of the run: the folder's lock, when it is planner's.
    let _files = match &args.out {
        Some(out) => Some(OutputFiles::begin(out, &mut guard)?),
        None => None,
    };

    let bar = ctx.progress(history.len(), "forecasting");
    let run = forecast_all(&history, &events, &settings, &|n| bar.inc(n as u64))?;
    bar.finish_and_clear();
    let table = tables::forecast_with_quantiles(&run.demand, &shown_levels, &quantiles);
    // The backtest scores the ranges shown (its WQL reads their bounds and the median); made
    // before anything is written, so that its file beside --out is checked first.
    let backtest = if args.backtest {
        settings.levels = shown_levels;
        Some(backtest_table(&history, &settings, args.origins)?)
    } else {
        None
    };
    let backtest_file = args.out.as_ref().map(|out| sibling(out, "backtest.csv"));
    if let (Some(out), Some(path), Some((header, _))) = (&args.out, &backtest_file, &backtest) {
        guard.vet_beside(out, &[(path.as_path(), header.as_slice())])?;
    }
    super::emit(&guard, args.out.as_deref(), &table)?;
    if let Some(out) = &args.out {
        ctx.say(format!(
            "forecast: {} skus x {} months from {} -> {}",
            run.demand.skus.len(),
            run.demand.horizon,
            run.demand.start,
            out.display()
        ));
    }
    if let Some((header, rows)) = backtest {
        match &backtest_file {
            Some(path) => {
                guard.csv(path, &header, &rows)?;
                ctx.say(format!("backtest: {} -> {}", rows.len(), path.display()));
            }
            None => {
                let stderr = std::io::stderr();
                let mut w = csv::Writer::from_writer(stderr.lock());
                w.write_record(&header)?;
                for r in &rows {
                    w.write_record(r)?;
                }
                w.flush()?;
            }
        }
    }
    Ok(())
}

/// Flags override planner.toml.
fn apply_flags(settings: &mut Settings, args: &ForecastArgs) -> anyhow::Result<()> {
    if let Some(h) = args.horizon {
        settings.horizon = h;
    }
    if !args.levels.is_empty() {
        settings.levels = args
            .levels
            .iter()
            .map(|&l| Level::new(l).map_err(|e| anyhow::anyhow!("--level: {e}")))
            .collect::<anyhow::Result<_>>()?;
    }
    if let Some(m) = &args.method {
        settings.forecast.method = m.parse::<Method>().map_err(|e| {
            anyhow::anyhow!(
                "--method: {e}: expected one of {}",
                Method::ALL.map(|m| m.as_str()).join(", ")
            )
        })?;
    }
    if let Some(s) = args.start {
        settings.start = Some(s);
    }
    settings
        .check()
        .map_err(|e| anyhow::anyhow!("{}: {}", e.field, e.reason))
}

/// `backtest.csv` beside `forecast.csv`.
fn sibling(out: &Path, name: &str) -> PathBuf {
    out.parent()
        .map_or_else(|| PathBuf::from(name), |d| d.join(name))
}

/// Rolling-origin accuracy per sku and overall (`backtest.csv`).
fn backtest_table(
    history: &planner_core::demand::DemandHistory,
    settings: &Settings,
    origins: usize,
) -> anyhow::Result<(Vec<String>, Vec<Vec<String>>)> {
    let levels = settings.sorted_levels();
    let h = settings.horizon as usize;
    let season = settings.forecast.season;
    let method = settings.forecast.method;
    let mut header: Vec<String> = [
        "sku", "model", "n", "mae", "rmse", "mape", "smape", "mase", "wape", "bias",
    ]
    .map(String::from)
    .to_vec();
    for l in &levels {
        header.push(format!("coverage_{}", l.label()));
        header.push(format!("winkler_{}", l.label()));
        header.push(format!("msis_{}", l.label()));
    }
    header.push("wql".into());
    header.push("benchmark_mae".into());
    header.push("value_added".into());
    let results: Vec<_> = history
        .series()
        .par_iter()
        .map(|s| {
            (
                s,
                backtest(&s.quantities, method, h, origins, &levels, season),
            )
        })
        .collect();
    let mut rows = Vec::new();
    // Pooled totals: absolute errors, squared errors, actuals, forecast minus actual.
    let (mut sae, mut sse, mut sa, mut sbias, mut n, mut bench_ae) =
        (0.0, 0.0, 0.0, 0.0, 0usize, 0.0);
    for (s, r) in results {
        let Ok(b) = r else {
            // A full-width row, so the file stays a rectangle a spreadsheet or script reads.
            let mut row = vec![s.sku.clone(), "too short to backtest".into(), "0".into()];
            row.resize(header.len(), String::new());
            rows.push(row);
            continue;
        };
        let a = &b.accuracy;
        let model = b
            .origins
            .last()
            .map(|o| o.model.clone())
            .unwrap_or_default();
        let mut row = vec![
            s.sku.clone(),
            model,
            a.n.to_string(),
            num(a.mae, 3),
            num(a.rmse, 3),
            opt_num(a.mape, 2),
            num(a.smape, 2),
            opt_num(a.mase, 3),
            opt_num(a.wape, 4),
            num(a.bias, 3),
        ];
        for l in &levels {
            let c = a.coverage.iter().find(|(x, _)| x == l).map(|(_, v)| *v);
            let w = a.winkler.iter().find(|(x, _)| x == l).map(|(_, v)| *v);
            let m = a.msis.iter().find(|(x, _)| x == l).and_then(|(_, v)| *v);
            row.push(opt_num(c, 3));
            row.push(opt_num(w, 2));
            row.push(opt_num(m, 3));
        }
        row.push(opt_num(a.wql, 4));
        row.push(num(b.benchmark.mae, 3));
        row.push(opt_num(b.value_added, 3));
        rows.push(row);
        let nn = a.n as f64;
        sae += a.mae * nn;
        sse += a.rmse * a.rmse * nn;
        sbias += a.bias * nn;
        bench_ae += b.benchmark.mae * nn;
        n += a.n;
        sa += b.origins.iter().flat_map(|o| o.actual.iter()).sum::<f64>();
    }
    if n > 0 {
        let nf = n as f64;
        let mut total = vec![
            "(all)".to_string(),
            method.to_string(),
            n.to_string(),
            num(sae / nf, 3),
            num((sse / nf).sqrt(), 3),
            String::new(),
            String::new(),
            String::new(),
            if sa > 0.0 {
                num(sae / sa, 4)
            } else {
                String::new()
            },
            num(sbias / nf, 3),
        ];
        total.resize(header.len() - 2, String::new());
        total.push(num(bench_ae / nf, 3));
        total.push(if bench_ae > 0.0 {
            num(1.0 - sae / bench_ae, 3)
        } else {
            String::new()
        });
        rows.push(total);
    }
    let _ = std::io::stderr().flush();
    Ok((header, rows))
}
