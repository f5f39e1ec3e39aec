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
            // A value the core's checks rejected reads `key: reason`: at the key's line.
            if let Some((line, message)) = checked_key(text, e.message()) {
                problems.error(LoadError::at(name, Some(line), message));
                return None;
            }
            let line = e.span().map(|s| super::line_of(text, s.start));
            let message = parse_message(text, line, e.message());
            problems.error(LoadError::at(name, line, message));
            return None;
        }
    };
    if let Err(e) = settings.check() {
        let message = format!("{}: {}", e.field, e.reason);
        problems.error(LoadError::at(name, key_line(text, e.field), message));
        return None;
    }
    // A level given twice is one range: said, not dropped in silence.
    let distinct = settings.sorted_levels().len();
    if distinct < settings.levels.len() {
        let line = key_line(text, "levels")
            .map(|l| format!(", line {l}"))
            .unwrap_or_default();
        problems.warn(format!(
            "{name}{line}: levels: {} given, {distinct} distinct: each range is planned once",
            settings.levels.len()
        ));
    }
    Some(settings)
}

/// A message of the core's checks run as a settings file is read (`horizon: 40 is not between
/// 1 and 36`, see `planner_core::FieldError`): the line that sets its key, and the message.
pub(super) fn checked_key(text: &str, message: &str) -> Option<(usize, String)> {
    let message = message.trim();
    let (key, _) = message.split_once(": ")?;
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        return None;
    }
    Some((key_line(text, key)?, message.to_string()))
}

/// The line of planner.toml at `path` that sets `field`, when it can be read and found.
pub fn field_line(path: &Path, field: &str) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    key_line(&text, field)
}

/// The keys a TOML text sets, each with its 1-based line and its full path: `horizon`,
/// `forecast.season` (the key under its `[table]` or `[[array]]`), `review.fence_tolerance`.
fn keys(text: &str) -> Vec<(usize, String)> {
    fn path(s: &str) -> String {
        s.split('.')
            .map(|p| p.trim().trim_matches('"').trim_matches('\''))
            .collect::<Vec<_>>()
            .join(".")
    }
    let mut table = String::new();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if let Some(h) = l.strip_prefix('[') {
            let h = h.trim_start_matches('[');
            if let Some(end) = h.find(']') {
                table = path(&h[..end]);
            }
            continue;
        }
        let Some((k, _)) = l.split_once('=') else {
            continue;
        };
        if k.trim().is_empty() || k.trim_start().starts_with('#') {
            continue;
        }
        let k = path(k);
        out.push((
            i + 1,
            if table.is_empty() {
                k
            } else {
                format!("{table}.{k}")
            },
        ));
    }
    out
}

/// The line that sets `field` (`review.tracking_signal_alarm`): the key under its own table (so
/// that `season` of `[forecast]` is not taken for another table's), else the first line setting a
/// key of the same last name.
fn key_line(text: &str, field: &str) -> Option<usize> {
    let last = |p: &str| p.rsplit('.').next().map(str::to_string);
    let keys = keys(text);
    keys.iter()
        .find(|(_, k)| k == field)
        .or_else(|| keys.iter().find(|(_, k)| last(k) == last(field)))
        .map(|(l, _)| *l)
}

/// A TOML parse error of planner.toml as a planner reads it: with the key set on that line when
/// the message does not name it (`review.tracking_signal_alarm: invalid type: string "four",
/// expected a number`), and Rust's type names in words.
fn parse_message(text: &str, line: Option<usize>, message: &str) -> String {
    let mut m = message.trim().to_string();
    for (rust, words) in [
        ("expected f64", "expected a number"),
        ("expected u32", "expected a whole number of 0 or more"),
        ("expected usize", "expected a whole number of 0 or more"),
        ("expected u64", "expected a whole number of 0 or more"),
    ] {
        m = m.replace(rust, words);
    }
    let key = line.and_then(|l| keys(text).into_iter().find(|(n, _)| *n == l));
    let m = match key {
        Some((_, k)) if !m.contains(k.rsplit('.').next().unwrap_or(&k)) => format!("{k}: {m}"),
        _ => m,
    };
    // An unknown key under a [table]: say which table (a top-level key written after it lands
    // there).
    match (
        m.starts_with("unknown field"),
        line.and_then(|l| table_at(text, l)),
    ) {
        (true, Some(table)) => {
            format!("{m} (in [{table}]; a key of no table goes above the first [table] line)")
        }
        _ => m,
    }
}

/// The `[table]` (or `[[table]]`) whose keys line `line` (from 1) of `text` is among.
fn table_at(text: &str, line: usize) -> Option<String> {
    text.lines()
        .take(line)
        .filter_map(|l| {
            let l = l.trim();
            let name = l.strip_prefix('[')?.split(']').next()?;
            Some(name.trim_start_matches('[').trim().to_string())
        })
        .last()
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
        let mut names: Vec<&str> = probe.column_names().collect();
        names.sort_unstable();
        for h in names {
            if let Some(l) = h.strip_prefix("lo_") {
                let at = |m: String| probe.locate(LoadError::line(&probe.name, 1, m));
                let level: f64 = l.parse().map_err(|_| {
                    at(format!(
                        "column {h}: expected lo_ followed by a level such as 80"
                    ))
                })?;
                let level = Level::new(level).map_err(|e| at(format!("column {h}: {e}")))?;
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
        dependence: Default::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loads `text` as planner.toml: the settings, or every error as its message.
    fn load(text: &str) -> Result<Settings, Vec<String>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("planner.toml");
        std::fs::write(&path, text).unwrap();
        let mut p = Problems::default();
        settings(&path, &mut p).ok_or_else(|| p.errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn review_thresholds_default_and_load() {
        let s = load("horizon = 6\n").unwrap();
        assert_eq!(s.review.tracking_signal_alarm, 4.0);
        assert_eq!(s.review.fence_tolerance, 0.01);
        let s = load("[review]\ntracking_signal_alarm = 3.5\nfence_tolerance = 0\n").unwrap();
        assert_eq!(s.review.tracking_signal_alarm, 3.5);
        assert_eq!(s.review.fence_tolerance, 0.0);
        // An integer is a number too.
        let s = load("[review]\ntracking_signal_alarm = 6\n").unwrap();
        assert_eq!(s.review.tracking_signal_alarm, 6.0);
    }

    #[test]
    fn a_bad_review_threshold_names_its_line_and_key() {
        // `season` of [forecast] and `pass_through` of [pricing.review] come first: the line
        // found is the key's own, in [review].
        let head =
            "start = \"2026-11\"\n[forecast]\nseason = 12\n[pricing.review]\npass_through = 1\n";
        assert_eq!(
            load(&format!(
                "{head}[review]\nfence_tolerance = 0.5\ntracking_signal_alarm = 0\n"
            )),
            Err(vec![
                "planner.toml:8: review.tracking_signal_alarm: 0 is not a number above zero"
                    .to_string()
            ])
        );
        assert_eq!(
            load(&format!("{head}[review]\nfence_tolerance = -1\n")),
            Err(vec![
                "planner.toml:7: review.fence_tolerance: -1 is not a non-negative number"
                    .to_string()
            ])
        );
        // A value of the wrong type: the parser's message, with the key and in words.
        assert_eq!(
            load("[review]\n\ntracking_signal_alarm = \"four\"\n"),
            Err(vec![
                "planner.toml:3: review.tracking_signal_alarm: invalid type: string \"four\", \
                 expected a number"
                    .to_string()
            ])
        );
        assert_eq!(
            load("horizon = 12\npo_notice_days = -3\n"),
            Err(vec![
                "planner.toml:2: po_notice_days: invalid value: integer `-3`, expected a whole \
                 number of 0 or more"
                    .to_string()
            ])
        );
        let e = load("[review]\nalarm = 3\n").unwrap_err();
        assert!(
            e[0].starts_with("planner.toml:2: unknown field `alarm`"),
            "{e:?}"
        );
        assert!(e[0].contains("tracking_signal_alarm"), "{e:?}");
    }

    #[test]
    fn key_line_follows_tables() {
        let text = "season = 1\n[forecast]\nseason = 2\n[[fences]]\nmonths = [1, 1]\n\
                    [ review ]\n\"tracking_signal_alarm\" = 1\n";
        assert_eq!(key_line(text, "forecast.season"), Some(3));
        assert_eq!(key_line(text, "fences.months"), Some(5));
        assert_eq!(key_line(text, "review.tracking_signal_alarm"), Some(7));
        // Not under its table (a dotted key elsewhere): the first line setting that key.
        assert_eq!(
            key_line(
                "x = 1\nreview.fence_tolerance = -1\n",
                "review.fence_tolerance"
            ),
            Some(2)
        );
        assert_eq!(key_line("x = 1\n", "review.fence_tolerance"), None);
    }
}
