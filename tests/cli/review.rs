//! `planner review` end to end: forecast the demo folder, move time forward a month with
//! generated actuals, review last month's forecast against them and this month's plan.

use std::collections::BTreeMap;
use std::path::Path;

use super::{assert_page, demo, run, stderr, Csv};

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// The generated actual of the `i`-th sku (in sku order): last month's forecast for the month
/// times a factor that cycles through misses in both directions, rounded to whole units.
fn generated_actual(i: usize, forecast: f64) -> f64 {
    const FACTORS: [f64; 5] = [0.8, 1.1, 1.25, 0.95, 1.0];
    (forecast * FACTORS[i % FACTORS.len()]).round()
}

/// Last month (history to 2026-10, plan from 2026-11) and this month (actuals for 2026-11
/// appended, plan from 2026-12). Returns (last month's forecast.csv, this month's folder, the
/// generated actuals by sku).
fn move_forward_a_month(
    root: &Path,
) -> (
    std::path::PathBuf,
    std::path::PathBuf,
    BTreeMap<String, f64>,
) {
    let old = root.join("2026-10");
    copy_folder(&demo(), &old);
    let previous = root.join("forecast_2026-11.csv");
    let o = run(
        root,
        &[
            "forecast",
            "--quiet",
            "--data",
            old.to_str().unwrap(),
            "--out",
            previous.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));

    // The actuals of November: generated from last month's forecast of November.
    let f = Csv::read(&previous);
    let mut actuals = BTreeMap::new();
    for row in f.rows.iter().filter(|r| f.get(r, "month") == "2026-11") {
        actuals.insert(f.get(row, "sku").to_string(), f.num(row, "forecast"));
    }
    let actuals: BTreeMap<String, f64> = actuals
        .into_iter()
        .enumerate()
        .map(|(i, (sku, fc))| (sku, generated_actual(i, fc)))
        .collect();

    let new = root.join("2026-11");
    copy_folder(&old, &new);
    let mut demand = std::fs::read_to_string(new.join("demand.csv")).unwrap();
    if !demand.ends_with('\n') {
        demand.push('\n');
    }
    for (sku, a) in &actuals {
        demand.push_str(&format!("{sku},2026-11,{a}\n"));
    }
    std::fs::write(new.join("demand.csv"), demand).unwrap();
    // planner.toml pins no start: the plan starts the month after the new actuals, 2026-12.
    (previous, new, actuals)
}

#[test]
fn review_after_a_month_of_actuals() {
    let root = tempfile::tempdir().unwrap();
    let (previous, new, actuals) = move_forward_a_month(root.path());
    let out = root.path().join("review");
    let o = run(
        root.path(),
        &[
            "review",
            "--data",
            new.to_str().unwrap(),
            "--previous",
            previous.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    for f in [
        "review_accuracy.csv",
        "review_changes.csv",
        "review_fences.csv",
        "review_fence_summary.csv",
        "review_family_changes.csv",
        "review_errors.csv",
        "review.json",
        "review.xlsx",
        "review.html",
        "forecast.csv",
    ] {
        assert!(out.join(f).is_file(), "{f} missing; stderr:\n{err}");
    }
    assert_page(
        &out.join("review.html"),
        &["review"],
        &out.join("review.xlsx"),
        &["review_accuracy", "review_changes", "review_fence_summary"],
    );
    let page = std::fs::read_to_string(out.join("review.html")).unwrap();
    assert!(
        page.contains("<div class=\"label\">WAPE, lag 1</div>"),
        "the accuracy card"
    );
    assert!(page.contains("<div class=\"label\">fence breaks</div>"));
    // One inline fan chart per file in review_charts/.
    let charted = std::fs::read_dir(out.join("review_charts"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().unwrap() == "svg")
        .count();
    assert!(charted > 0);
    assert_eq!(page.matches("<svg").count(), charted);
    // The terminal summary.
    assert!(
        err.contains("review: this month's plan from 2026-12 against the forecast of 2026-11"),
        "{err}"
    );
    assert!(err.contains("accuracy lag 1"), "{err}");
    assert!(
        err.contains("largest changes from last month's forecast:"),
        "{err}"
    );
    assert!(err.contains("time fence"), "{err}");
    assert!(err.contains("tracking signal"), "{err}");

    // Accuracy, checked by hand from the files: WAPE = sum |forecast - actual| / sum actual over
    // November, bias = sum (forecast - actual).
    let f = Csv::read(&previous);
    let (mut abs, mut bias, mut sum_a) = (0.0, 0.0, 0.0);
    let mut fc_nov = BTreeMap::new();
    for row in f.rows.iter().filter(|r| f.get(r, "month") == "2026-11") {
        let sku = f.get(row, "sku");
        let fc = f.num(row, "forecast");
        let a = actuals[sku];
        abs += (fc - a).abs();
        bias += fc - a;
        sum_a += a;
        fc_nov.insert(sku.to_string(), fc);
    }
    let acc = Csv::read(&out.join("review_accuracy.csv"));
    let total = acc
        .rows
        .iter()
        .find(|r| acc.get(r, "scope") == "total")
        .expect("a total row");
    assert_eq!(acc.get(total, "lag"), "1");
    assert_eq!(acc.get(total, "first_month"), "2026-11");
    assert!((acc.num(total, "wape_pct") - 100.0 * abs / sum_a).abs() < 0.01);
    assert!((acc.num(total, "bias") - bias).abs() < 0.01);
    assert!((acc.num(total, "actual") - sum_a).abs() < 0.01);
    // One sku by hand: the first sku's actual is 0.8 of its forecast (rounded), so its error is
    // forecast - actual and its WAPE that over the actual.
    let (sku0, fc0) = fc_nov.iter().next().unwrap();
    let a0 = actuals[sku0];
    let row = acc
        .rows
        .iter()
        .find(|r| acc.get(r, "scope") == "sku" && acc.get(r, "key") == sku0)
        .unwrap();
    assert!((acc.num(row, "bias") - (fc0 - a0)).abs() < 0.01);
    if a0 > 0.0 {
        assert!((acc.num(row, "wape_pct") - 100.0 * (fc0 - a0).abs() / a0).abs() < 0.01);
    }
    // Family rows use products.csv: the demo has a `bottles` family.
    assert!(acc
        .rows
        .iter()
        .any(|r| acc.get(r, "scope") == "family" && acc.get(r, "key") == "bottles"));

    // The changes: 11 shared months (2026-12 .. 2027-10) per sku, change = current - previous,
    // current = this month's forecast.csv.
    let ch = Csv::read(&out.join("review_changes.csv"));
    let now = Csv::read(&out.join("forecast.csv"));
    assert_eq!(ch.rows.len(), fc_nov.len() * 11);
    let now_fc: BTreeMap<(String, String), f64> = now
        .rows
        .iter()
        .map(|r| {
            (
                (
                    now.get(r, "sku").to_string(),
                    now.get(r, "month").to_string(),
                ),
                now.num(r, "forecast"),
            )
        })
        .collect();
    let mut violations = 0;
    for r in &ch.rows {
        let (p, c) = (ch.num(r, "previous"), ch.num(r, "current"));
        assert!((ch.num(r, "change") - (c - p)).abs() < 0.011);
        let key = (ch.get(r, "sku").to_string(), ch.get(r, "month").to_string());
        assert!((now_fc[&key] - c).abs() < 0.011, "{key:?}");
        let fm: u32 = ch.get(r, "fence_month").parse().unwrap();
        // The demo's fences: month 1 frozen, 2-3 within 10 %, 4-6 within 25 %, later free.
        let limit = match fm {
            1 => Some(0.0),
            2 | 3 => Some(0.10),
            4..=6 => Some(0.25),
            _ => None,
        };
        let violates = limit.is_some_and(|l| (c - p).abs() > l * p + 0.02);
        let within = limit.is_none_or(|l| (c - p).abs() <= l * p);
        assert!(
            !(violates && ch.get(r, "violation") == "no"),
            "{key:?} {p} -> {c} month {fm}"
        );
        assert!(
            !(within && ch.get(r, "violation") == "yes"),
            "{key:?} {p} -> {c} month {fm}"
        );
        if ch.get(r, "violation") == "yes" {
            violations += 1;
        }
    }
    let fences = Csv::read(&out.join("review_fences.csv"));
    assert_eq!(fences.rows.len(), violations);
    let summary = Csv::read(&out.join("review_fence_summary.csv"));
    let total = summary.rows.last().unwrap();
    assert_eq!(summary.get(total, "fence"), "total");
    assert_eq!(summary.num(total, "violations") as usize, violations);
    let excess: f64 = fences.rows.iter().map(|r| fences.num(r, "excess")).sum();
    assert!((summary.num(total, "excess") - excess).abs() < 0.05);
}

#[test]
fn review_scores_older_forecasts_at_their_lags() {
    let root = tempfile::tempdir().unwrap();
    let (previous, new, _) = move_forward_a_month(root.path());
    // A forecast made a month earlier still (as of 2026-10, from the same history).
    let older = root.path().join("forecast_2026-10.csv");
    let o = run(
        root.path(),
        &[
            "forecast",
            "--quiet",
            "--data",
            root.path().join("2026-10").to_str().unwrap(),
            "--start",
            "2026-10",
            "--out",
            older.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = root.path().join("review");
    let o = run(
        root.path(),
        &[
            "review",
            "--quiet",
            "--data",
            new.to_str().unwrap(),
            "--previous",
            previous.to_str().unwrap(),
            "--previous",
            older.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let acc = Csv::read(&out.join("review_accuracy.csv"));
    let totals: Vec<(String, String, String)> = acc
        .rows
        .iter()
        .filter(|r| acc.get(r, "scope") == "total")
        .map(|r| {
            (
                acc.get(r, "lag").to_string(),
                acc.get(r, "first_month").to_string(),
                acc.get(r, "months").to_string(),
            )
        })
        .collect();
    // Lag 1: October (from the plan of 2026-10) and November (2026-11). Lag 2: November from the
    // plan of 2026-10.
    assert_eq!(
        totals,
        vec![
            ("1".to_string(), "2026-10".to_string(), "2".to_string()),
            ("2".to_string(), "2026-11".to_string(), "1".to_string()),
        ]
    );
    // The changes are measured against the latest (2026-11): its 11 months shared.
    let ch = Csv::read(&out.join("review_changes.csv"));
    assert!(ch.rows.iter().all(|r| ch.get(r, "month") >= "2026-12"));
}

#[test]
fn review_names_a_bad_previous_file() {
    let root = tempfile::tempdir().unwrap();
    let bad = root.path().join("forecast.csv");
    std::fs::write(&bad, "sku,month,forecast\nA,2026-11,12x\n").unwrap();
    let out = root.path().join("out");
    let o = run(
        root.path(),
        &[
            "review",
            "--data",
            demo().to_str().unwrap(),
            "--previous",
            bad.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("forecast.csv:2"), "{err}");
    assert!(err.contains("12x"), "{err}");
    assert!(!out.exists(), "no output after a bad input");

    // No --previous and nothing published in the folder's archive: nothing to review against.
    let o = run(root.path(), &["review", "--data", demo().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o)
            .contains("no --previous given and archive/ holds no month published before 2026-11"),
        "{}",
        stderr(&o)
    );
}

/// The actual of `sku` in the month after a plan: its point forecast times a fixed factor in
/// [0.6, 1.4) from a seeded FNV-1a hash of the sku's name, rounded to whole units, never negative.
fn seeded_actual(sku: &str, forecast: f64) -> f64 {
    const SEED: u64 = 0xcbf2_9ce4_8422_2325 ^ 20_261_101;
    let hash = sku.bytes().fold(SEED, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let factor = 0.6 + 0.8 * ((hash >> 11) as f64 / (1u64 << 53) as f64);
    (forecast * factor).round().max(0.0)
}

/// `YYYY-MM` plus one month.
fn next_month(month: &str) -> String {
    let (y, m) = month.split_once('-').unwrap();
    let (y, m): (i32, u32) = (y.parse().unwrap(), m.parse().unwrap());
    if m == 12 {
        format!("{}-01", y + 1)
    } else {
        format!("{y}-{:02}", m + 1)
    }
}

/// (sku, month) -> point forecast of a `forecast.csv`.
fn points(f: &Csv) -> BTreeMap<(String, String), f64> {
    f.rows
        .iter()
        .map(|r| {
            (
                (f.get(r, "sku").to_string(), f.get(r, "month").to_string()),
                f.num(r, "forecast"),
            )
        })
        .collect()
}

#[test]
fn plan_then_review_a_month_later_with_seeded_actuals() {
    let root = tempfile::tempdir().unwrap();
    let path = |p: &str| root.path().join(p);
    let arg = |p: &std::path::PathBuf| p.to_str().unwrap().to_string();

    // Last month: the whole plan of a copy of the demo folder.
    let (last, plan_out) = (path("last"), path("plan"));
    copy_folder(&demo(), &last);
    let o = run(
        root.path(),
        &[
            "plan",
            "--quiet",
            "--data",
            &arg(&last),
            "--out",
            &arg(&plan_out),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let previous = plan_out.join("forecast.csv");
    let before = points(&Csv::read(&previous));
    let first = before.keys().map(|(_, m)| m.clone()).min().unwrap();

    // Time moves forward a month: the plan's first month now has actuals, and the plan starts
    // a month later. This month's folder also lowers the tracking-signal alarm below 1, the
    // largest |TS| one month of errors can give, so that every sku that missed alarms.
    let now = path("now");
    copy_folder(&last, &now);
    let actuals: BTreeMap<String, f64> = before
        .iter()
        .filter(|((_, m), _)| *m == first)
        .map(|((sku, _), &f)| (sku.clone(), seeded_actual(sku, f)))
        .collect();
    assert!(actuals.len() > 10);
    assert!(
        actuals
            .iter()
            .any(|(s, &a)| a < before[&(s.clone(), first.clone())]),
        "some skus sold less than forecast"
    );
    assert!(
        actuals
            .iter()
            .any(|(s, &a)| a > before[&(s.clone(), first.clone())]),
        "some skus sold more than forecast"
    );
    let mut demand = std::fs::read_to_string(now.join("demand.csv")).unwrap();
    assert!(!demand.contains(&format!(",{first},")), "{first} is new");
    if !demand.ends_with('\n') {
        demand.push('\n');
    }
    for (sku, a) in &actuals {
        demand.push_str(&format!("{sku},{first},{a}\n"));
    }
    std::fs::write(now.join("demand.csv"), demand).unwrap();
    let toml = std::fs::read_to_string(now.join("planner.toml")).unwrap();
    let mut moved: Vec<String> = toml
        .lines()
        .map(|l| match l.trim().strip_prefix("start = \"") {
            Some(rest) => format!("start = \"{}\"", next_month(&rest[..7])),
            None => l.to_string(),
        })
        .collect();
    moved.push("\n[review]\ntracking_signal_alarm = 0.5".to_string());
    std::fs::write(now.join("planner.toml"), moved.join("\n")).unwrap();

    let review = path("review");
    let o = run(
        root.path(),
        &[
            "review",
            "--data",
            &arg(&now),
            "--previous",
            &arg(&previous),
            "--out",
            &arg(&review),
        ],
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let this_month = next_month(&first);
    assert!(
        err.contains(&format!(
            "review: this month's plan from {this_month} against the forecast of {first}"
        )),
        "{err}"
    );

    // Accuracy at lag 1: one row per sku for the appended month, and the total's WAPE as
    // worked out here from the two files.
    let acc = Csv::read(&review.join("review_accuracy.csv"));
    let lag1: Vec<&Vec<String>> = acc
        .rows
        .iter()
        .filter(|r| acc.get(r, "lag") == "1")
        .collect();
    assert!(
        acc.rows.iter().all(|r| acc.get(r, "lag") == "1"),
        "only lag 1 has actuals"
    );
    let sku_rows: BTreeMap<&str, &Vec<String>> = lag1
        .iter()
        .filter(|r| acc.get(r, "scope") == "sku")
        .map(|r| (acc.get(r, "key"), *r))
        .collect();
    assert_eq!(
        sku_rows.keys().copied().collect::<Vec<_>>(),
        actuals.keys().map(String::as_str).collect::<Vec<_>>()
    );
    for r in &lag1 {
        assert_eq!(acc.get(r, "first_month"), first);
        assert_eq!(acc.get(r, "last_month"), first);
        assert_eq!(acc.get(r, "months"), "1");
    }
    let (mut abs, mut sum_a, mut misses) = (0.0, 0.0, 0);
    for (sku, &a) in &actuals {
        let f = before[&(sku.clone(), first.clone())];
        abs += (f - a).abs();
        sum_a += a;
        let row = sku_rows[sku.as_str()];
        assert!((acc.num(row, "actual") - a).abs() < 1e-9, "{sku}");
        assert!((acc.num(row, "bias") - (f - a)).abs() < 0.006, "{sku}");
        // One month of errors: |TS| is 1 for every miss, above the 0.5 of planner.toml.
        let missed = (f - a).abs() >= 0.005;
        assert_eq!(
            acc.get(row, "ts_alarm") == "yes",
            missed,
            "{sku}: {f} vs {a}"
        );
        misses += usize::from(missed);
    }
    let total = lag1
        .iter()
        .find(|r| acc.get(r, "scope") == "total")
        .expect("a total row at lag 1");
    assert_eq!(acc.num(total, "sku_months") as usize, actuals.len());
    assert!((acc.num(total, "actual") - sum_a).abs() < 0.006);
    let wape_pct = 100.0 * abs / sum_a;
    assert!(
        (acc.num(total, "wape_pct") - wape_pct).abs() < 0.006,
        "{} vs {wape_pct}",
        acc.get(total, "wape_pct")
    );
    assert!(misses > 0);
    assert!(
        err.contains("tracking signal alarms (|TS| > 0.5; + = over-forecast)"),
        "{err}"
    );

    // The changes: every sku of either plan in every month the two plans share, previous from
    // last month's forecast.csv and current from this month's.
    let after = points(&Csv::read(&review.join("forecast.csv")));
    let months = |p: &BTreeMap<(String, String), f64>| -> std::collections::BTreeSet<String> {
        p.keys().map(|(_, m)| m.clone()).collect()
    };
    let shared: Vec<String> = months(&before)
        .intersection(&months(&after))
        .cloned()
        .collect();
    assert_eq!(shared.first(), Some(&this_month));
    assert_eq!(shared.len(), months(&before).len() - 1);
    let skus: std::collections::BTreeSet<&String> =
        before.keys().chain(after.keys()).map(|(s, _)| s).collect();
    let ch = Csv::read(&review.join("review_changes.csv"));
    let mut covered: Vec<(String, String)> = ch
        .rows
        .iter()
        .map(|r| (ch.get(r, "sku").to_string(), ch.get(r, "month").to_string()))
        .collect();
    covered.sort();
    let mut expected: Vec<(String, String)> = skus
        .iter()
        .flat_map(|s| shared.iter().map(move |m| ((*s).clone(), m.clone())))
        .collect();
    expected.sort();
    assert_eq!(covered, expected);
    for r in &ch.rows {
        let key = (ch.get(r, "sku").to_string(), ch.get(r, "month").to_string());
        let p = before.get(&key).copied().unwrap_or(0.0);
        let c = after.get(&key).copied().unwrap_or(0.0);
        assert!((ch.num(r, "previous") - p).abs() < 0.006, "{key:?}");
        assert!((ch.num(r, "current") - c).abs() < 0.006, "{key:?}");
        let fm: usize = ch.get(r, "fence_month").parse().unwrap();
        assert_eq!(shared[fm - 1], key.1, "fence month 1 is {this_month}");
    }
}
