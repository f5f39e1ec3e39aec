//! `planner.toml` and demand-plan files (`--demand FILE`: a `forecast.csv` or a plain
//! `sku,month,quantity` plan).

use std::collections::BTreeMap;
use std::path::Path;

use planner_core::forecast::{Forecast, Interval, Level};
use planner_core::time::Month;
use planner_core::{DemandPlan, Settings, SkuPlan};

use super::error::{LoadError, Problems};
use super::table::Table;

/// Reads `planner.toml`; unknown keys are errors (a misspelt key would silently do nothing).
pub fn settings(path: &Path, problems: &mut Problems) -> Option<Settings> {
    let name = "planner.toml";
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            problems.error(LoadError::file(name, format!("cannot read: {e}")));
            return None;
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let settings: Settings = match toml::from_str(text) {
        Ok(s) => s,
        Err(e) => {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            let message = e.message().trim().to_string();
            problems.error(match line {
                Some(l) => LoadError::line(name, l, message),
                None => LoadError::file(name, message),
            });
            return None;
        }
    };
    if let Err(e) = settings.check() {
        let key = e.field.rsplit('.').next().unwrap_or(e.field);
        let line = text.lines().position(|l| {
            let l = l.trim_start();
            l.starts_with(key) && l[key.len()..].trim_start().starts_with('=')
        });
        let message = format!("{}: {}", e.field, e.reason);
        problems.error(match line {
            Some(l) => LoadError::line(name, l + 1, message),
            None => LoadError::file(name, message),
        });
        return None;
    }
    Some(settings)
}

/// Reads a demand plan: a `forecast.csv` (with `forecast` and `lo_L`/`hi_L` columns, whose
/// intervals are then used) or a plain `sku,month,quantity` plan. The plan runs from its first
/// to its last month; a sku's missing month is zero.
pub fn demand_plan(path: &Path) -> anyhow::Result<DemandPlan> {
    let name = super::file_name(path);
    let mut problems = Problems::default();
    let probe = Table::read(
        path,
        &name,
        &["sku", "month"],
        &[],
        &mut Problems::default(),
    )?;
    let is_forecast = probe.has("forecast");
    let mut levels: Vec<Level> = Vec::new();
    if is_forecast {
        // Find the lo_L / hi_L pairs.
        let text = std::fs::read_to_string(path)?;
        let header = text.lines().next().unwrap_or("");
        for h in header.split(',') {
            let h = super::table::normalize_header(h);
            if let Some(l) = h.strip_prefix("lo_") {
                let level: f64 = l.parse().map_err(|_| {
                    LoadError::line(
                        &name,
                        1,
                        format!("column {h}: expected lo_ followed by a level such as 80"),
                    )
                })?;
                let level = Level::new(level)
                    .map_err(|e| LoadError::line(&name, 1, format!("column {h}: {e}")))?;
                levels.push(level);
            }
        }
        levels.sort_by(|a, b| a.percent().total_cmp(&b.percent()));
    }
    let value_column = if is_forecast { "forecast" } else { "quantity" };
    let mut required = vec!["sku", "month", value_column];
    let bound_names: Vec<(String, String)> = levels
        .iter()
        .map(|l| (format!("lo_{}", l.label()), format!("hi_{}", l.label())))
        .collect();
    for (lo, hi) in &bound_names {
        required.push(lo);
        required.push(hi);
    }
    let optional = ["model", "family"];
    let table = Table::read(path, &name, &required, &optional, &mut problems)?;
    // sku -> month -> (point, bounds per level, model)
    type Cell = (f64, Vec<(f64, f64)>);
    let mut by_sku: BTreeMap<String, (String, BTreeMap<Month, Cell>)> = BTreeMap::new();
    for row in table.rows() {
        let sku = row.text("sku")?;
        let month: Month = row.parsed("month")?;
        let point = row.number(value_column)?;
        if point < 0.0 {
            return Err(row
                .error(
                    value_column,
                    format!("{point} is not a non-negative number"),
                )
                .into());
        }
        let mut bounds = Vec::new();
        for (lo, hi) in &bound_names {
            let l = row.number(lo)?;
            let h = row.number(hi)?;
            if !(0.0 <= l && l <= point && point <= h) {
                return Err(row
                    .error(
                        lo,
                        format!("bounds {l} to {h} do not hold the point forecast {point}"),
                    )
                    .into());
            }
            bounds.push((l, h));
        }
        let model = row.opt_text("model").unwrap_or_else(|| "plan".to_string());
        let entry = by_sku
            .entry(sku)
            .or_insert_with(|| (model, BTreeMap::new()));
        if entry.1.insert(month, (point, bounds)).is_some() {
            return Err(row
                .error("month", format!("{month} appears twice for this sku"))
                .into());
        }
    }
    let start = by_sku.values().flat_map(|(_, m)| m.keys()).min().copied();
    let end = by_sku.values().flat_map(|(_, m)| m.keys()).max().copied();
    let (Some(start), Some(end)) = (start, end) else {
        anyhow::bail!("{name}: has no rows: expected a demand plan");
    };
    let horizon = start.months_until(end) as usize + 1;
    let skus = by_sku
        .into_iter()
        .map(|(sku, (model, months))| {
            let mut point = vec![0.0; horizon];
            let mut intervals: Vec<Interval> = levels
                .iter()
                .map(|&level| Interval {
                    level,
                    lo: vec![0.0; horizon],
                    hi: vec![0.0; horizon],
                })
                .collect();
            for (m, (p, bounds)) in months {
                let t = start.months_until(m) as usize;
                point[t] = p;
                for (i, (l, h)) in bounds.into_iter().enumerate() {
                    intervals[i].lo[t] = l;
                    intervals[i].hi[t] = h;
                }
            }
            SkuPlan {
                sku,
                model,
                forecast: Forecast { point, intervals },
            }
        })
        .collect();
    Ok(DemandPlan {
        start,
        horizon,
        levels,
        skus,
    })
}
