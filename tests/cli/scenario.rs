//! `planner scenario` through the real binary: the demo scenarios, reproducibility, and a bad
//! scenario file per error kind.

use super::*;
use std::collections::BTreeMap;

fn scenarios_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo-scenarios.toml")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn the_demo_scenarios_run_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let data = demo();
    let o = run(
        dir.path(),
        &[
            "--quiet",
            "scenario",
            "--data",
            data.to_str().unwrap(),
            "--scenarios",
            scenarios_file().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--paths",
            "200",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let cmp = read(&out.join("scenario_comparison.csv"));
    let header = cmp.lines().next().unwrap();
    assert!(
        header.starts_with("metric,scope,base,bottles-peak-plus-25,bottles-peak-plus-25_vs_base,"),
        "{header}"
    );
    for metric in [
        "peak_utilization,L1-BOTTLE,",
        "unmet_units,all,",
        "overtime_hours,all,",
        "past_due_releases,all,",
        "prebuy_cash,all,",
        "spend,all,",
        "projected_spend,all,",
        "p_overload_max,L1-BOTTLE,",
        "spend_p95,all,",
    ] {
        assert!(
            cmp.contains(&format!("\n{metric}")),
            "{metric} missing:\n{cmp}"
        );
    }
    // The soft year needs less of everything than the base.
    let demand: Vec<&str> = cmp
        .lines()
        .find(|l| l.starts_with("demand_units,"))
        .unwrap()
        .split(',')
        .collect();
    let base: f64 = demand[2].parse().unwrap();
    let soft: f64 = demand[demand.len() - 2].parse().unwrap();
    assert!((soft - 0.85 * base).abs() < 0.02 * base, "{soft} vs {base}");
    // The demo's cost breakdowns add up to its quoted tier prices, so at today's index values the
    // projected spend is close to the tier spend. Resins +12 % reach the prices at the quarterly
    // reviews from 2027-02 (planner.toml's [pricing.review]): the projected spend rises a little
    // (resin is a few % of each price), the spend at the quoted tiers does not move.
    let value = |metric: &str, column: &str| -> f64 {
        let i = header
            .split(',')
            .position(|h| h == column)
            .unwrap_or_else(|| panic!("no column {column}: {header}"));
        let row = cmp
            .lines()
            .find(|l| l.starts_with(&format!("{metric},all,")))
            .unwrap_or_else(|| panic!("no {metric} row:\n{cmp}"));
        row.split(',').nth(i).unwrap().parse().unwrap()
    };
    let (spend, projected) = (value("spend", "base"), value("projected_spend", "base"));
    assert!(
        (projected - spend).abs() < 0.02 * spend,
        "{projected} vs {spend}"
    );
    assert_eq!(value("spend", "resin-up-12_vs_base"), 0.0);
    let up = value("projected_spend", "resin-up-12_vs_base");
    assert!(
        up > 0.001 * projected && up < 0.01 * projected,
        "{up} of {projected}"
    );
    for plan in ["base", "third-shift-l1", "soft-year"] {
        for f in [
            "forecast.csv",
            "capacity.csv",
            "material_plan.csv",
            "pricing.csv",
            "risk_capacity.csv",
            "risk_materials.csv",
            "risk_tiers.csv",
            "risk_spend.csv",
        ] {
            assert!(out.join(plan).join(f).is_file(), "{plan}/{f}");
        }
    }
    assert_page(
        &out.join("scenarios.html"),
        &["scenarios"],
        &out.join("scenarios.xlsx"),
        &[
            "scenario_comparison",
            "base risk_capacity",
            "soft-year risk_spend",
        ],
    );
    let page = read(&out.join("scenarios.html"));
    assert!(page.contains("third-shift-l1"), "a card per scenario");
    assert!(
        page.contains("The Q4 promotion lands better than forecast"),
        "with its description"
    );
    let png = std::fs::read(out.join("scenario_comparison.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(read(&out.join("scenario_comparison.svg")).contains("soft-year"));
    assert!(read(&out.join("base/risk_capacity.csv")).starts_with(
        "line,month,available_hours,required_hours,required_hours_p50,required_hours_p95,p_overload,p_beyond_overtime\n"
    ));
}

#[test]
fn the_same_seed_gives_the_same_risk_files_whatever_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    let scen = dir.path().join("s.toml");
    put(
        dir.path(),
        "s.toml",
        "[[scenario]]\nname = \"up\"\n[[scenario.demand]]\nmultiplier = 1.1\n",
    );
    let data = demo();
    let go = |threads: &str, seed: &str, out: &str| {
        let o = run(
            dir.path(),
            &[
                "--quiet",
                "--threads",
                threads,
                "scenario",
                "--data",
                data.to_str().unwrap(),
                "--scenarios",
                scen.to_str().unwrap(),
                "--out",
                out,
                "--paths",
                "100",
                "--seed",
                seed,
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let p = dir.path().join(out);
        (
            read(&p.join("up/risk_capacity.csv")),
            read(&p.join("up/risk_materials.csv")),
            read(&p.join("up/risk_spend.csv")),
        )
    };
    let a = go("1", "7", "a");
    let b = go("2", "7", "b");
    assert_eq!(a, b);
    let c = go("2", "8", "c");
    assert_ne!(a.2, c.2);
}

#[test]
fn a_market_wide_shock_widens_the_spend_range_and_a_bad_share_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    put(
        dir.path(),
        "s.toml",
        "[[scenario]]\nname = \"up\"\n[[scenario.demand]]\nmultiplier = 1.1\n",
    );
    let data = demo();
    let go = |share: &str, out: &str| {
        run(
            dir.path(),
            &[
                "--quiet",
                "scenario",
                "--data",
                data.to_str().unwrap(),
                "--scenarios",
                "s.toml",
                "--out",
                out,
                "--paths",
                "400",
                "--sku-correlation",
                share,
            ],
        )
    };
    // risk_spend.csv: spend_at_point,spend_mean,spend_p5,spend_p50,spend_p95,...,sku_correlation
    let width = |out: &str| -> (f64, String) {
        let text = read(&dir.path().join(out).join("base/risk_spend.csv"));
        let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
        let p = |i: usize| row[i].parse::<f64>().unwrap();
        (p(4) - p(2), row.last().unwrap().to_string())
    };
    let o = go("0", "independent");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = go("0.6", "shocked");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (independent, c0) = width("independent");
    let (shocked, c6) = width("shocked");
    assert_eq!((c0.as_str(), c6.as_str()), ("0", "0.6"));
    // Skus moving together: the p5..p95 range of the total spend is wider.
    assert!(shocked > 1.5 * independent, "{shocked} vs {independent}");

    let o = go("2", "bad");
    assert_eq!(
        o.status.code(),
        Some(2),
        "a value out of range is a usage error"
    );
    assert!(
        stderr(&o).starts_with(
            "error: invalid value '2' for '--sku-correlation <C>': 2 is out of range: expected 0 to 1\n"
        ),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("bad").exists());

    // A family correlation below the sku correlation is a usage error naming both (it was
    // raised to the sku correlation in silence).
    let o = run(
        dir.path(),
        &[
            "--quiet",
            "scenario",
            "--data",
            data.to_str().unwrap(),
            "--scenarios",
            "s.toml",
            "--out",
            "conflict",
            "--family-correlation",
            "0.2",
            "--sku-correlation",
            "0.5",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with(
            "error: --family-correlation 0.2 is below --sku-correlation 0.5: two skus of one \
             family are correlated at least as any two skus are; give a family correlation of \
             0.5 or more\n"
        ),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("conflict").exists());
}

#[test]
fn a_bad_scenario_file_names_the_line_the_scenario_and_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = demo();
    let cases = [
        (
            "[[scenario]]\nname = \"night\"\n[[scenario.line]]\nline = \"L1-BOTTLE\"\nshfts = 3\n",
            "error: s.toml:5: scenario \"night\": unknown field `shfts`, expected one of `line`, `shifts_per_day`, `hours_per_shift`, `days_per_week`, `oee`, `operators_per_shift`, `downtime`\n",
        ),
        (
            "[[scenario]]\nname = \"night\"\n[[scenario.line]]\nline = \"L9\"\n",
            "error: s.toml:4: scenario \"night\": line \"L9\": not one of the lines\n",
        ),
        (
            "[[scenario]]\nname = \"promo\"\n[[scenario.demand]]\nfamily = \"cups\"\nmultiplier = 2\n",
            "error: s.toml:4: scenario \"promo\": demand.family \"cups\": not a family of the products\n",
        ),
        (
            "[[scenario]]\nname = \"chips\"\n[[scenario.material]]\nmaterial = \"MCU-STM32G0\"\nlead_time_days = 10.5\n",
            "error: s.toml:5: scenario \"chips\": material.lead_time_days: 10.5 is not a whole number of days up to 3650\n",
        ),
        // A month outside the plan (2026-11..2027-10) is said with the key the file gives,
        // at its line; a range ending before it starts, at its `to`.
        (
            "[[scenario]]\nname = \"late\"\n[[scenario.demand]]\nmultiplier = 1.2\nfrom = \"2030-01\"\n",
            "error: s.toml:5: scenario \"late\": demand.from: 2030-01 is outside the plan's months 2026-11..2027-10\n",
        ),
        (
            "[[scenario]]\nname = \"early\"\n[[scenario.demand]]\nmultiplier = 1.2\nto = \"2026-01\"\n",
            "error: s.toml:5: scenario \"early\": demand.to: 2026-01 is outside the plan's months 2026-11..2027-10\n",
        ),
        (
            "[[scenario]]\nname = \"both\"\n[[scenario.demand]]\nmultiplier = 1.2\nfrom = \"2030-01\"\nto = \"2030-03\"\n",
            "error: s.toml:5: scenario \"both\": demand.from: 2030-01..2030-03 is outside the plan's months 2026-11..2027-10\n",
        ),
        (
            "[[scenario]]\nname = \"back\"\n[[scenario.demand]]\nmultiplier = 1.2\nfrom = \"2027-05\"\nto = \"2027-03\"\n",
            "error: s.toml:6: scenario \"back\": demand.to: 2027-03 is before from = 2027-05\n",
        ),
        (
            "[[scenario]]\nname = \"base\"\n",
            "error: s.toml:2: scenario \"base\": name: a name is letters, digits, '-', '_' or '.', and not \"base\" (the folder as it is)\n",
        ),
    ];
    for (text, want) in cases {
        put(dir.path(), "s.toml", text);
        let o = run(
            dir.path(),
            &[
                "--quiet",
                "scenario",
                "--data",
                data.to_str().unwrap(),
                "--scenarios",
                "s.toml",
                "--out",
                "out",
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{text}");
        assert_eq!(stderr(&o), want, "{text}");
        assert!(!dir.path().join("out").exists(), "no output for {text}");
    }
}

/// `planner scenario --data DATA --scenarios s.toml --out out --paths 0` in `dir`.
fn scenario_without_paths(dir: &Path, data: &Path) -> std::process::Output {
    run(
        dir,
        &[
            "--quiet",
            "scenario",
            "--data",
            data.to_str().unwrap(),
            "--scenarios",
            "s.toml",
            "--out",
            "out",
            "--paths",
            "0",
        ],
    )
}

/// The small folder with a cost breakdown on the `resin` index and quarterly price reviews from
/// the first planned month (2026-01).
fn indexed_folder() -> tempfile::TempDir {
    let dir = small_folder();
    put(
        dir.path(),
        "cost_breakdown.csv",
        "sku,component,amount,index\nBTL-1,material,5.0,resin\nBTL-1,labor,4.0,\n",
    );
    put(
        dir.path(),
        "indices.csv",
        "index,month,value\nresin,2025-12,95\nresin,2026-01,100\n",
    );
    put(
        dir.path(),
        "planner.toml",
        "[pricing.review]\nfixed_months = 0\nevery_months = 3\n",
    );
    dir
}

#[test]
fn an_index_move_changes_the_projected_spend() {
    let dir = indexed_folder();
    put(
        dir.path(),
        "s.toml",
        "[[scenario]]\nname = \"resin-up\"\n[[scenario.index]]\nindex = \"resin\"\nchange_pct = 10\n",
    );
    let o = scenario_without_paths(dir.path(), Path::new("."));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let cmp = read(&dir.path().join("out/scenario_comparison.csv"));
    assert!(
        cmp.starts_with("metric,scope,base,resin-up,resin-up_vs_base\n"),
        "{cmp}"
    );
    let row: Vec<f64> = cmp
        .lines()
        .find_map(|l| l.strip_prefix("projected_spend,all,"))
        .unwrap_or_else(|| panic!("no projected_spend row:\n{cmp}"))
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    // Resin +10 % from 2026-02 reaches the price at the reviews of 2026-04, -07 and -10: the
    // material part (5.00 of 9.00) moves 10 %, an index factor of 9.50 / 9.00 on the tier price
    // BTL-1 reaches (9.40), so from April every unit costs 9.40 x 0.50 / 9.00 = 0.5222 more.
    let forecast = read(&dir.path().join("out/base/forecast.csv"));
    let units: f64 = forecast
        .lines()
        .filter(|l| l.starts_with("BTL-1,") && &l[6..13] >= "2026-04")
        .map(|l| l.split(',').nth(2).unwrap().parse::<f64>().unwrap())
        .sum();
    assert!(units > 0.0);
    assert!(
        (row[2] - 9.4 * 0.5 / 9.0 * units).abs() < 0.05,
        "{row:?} vs 0.5222 x {units}"
    );
    assert!((row[1] - row[0] - row[2]).abs() < 0.02, "{row:?}");
    // The tier spend does not move.
    let spend = cmp.lines().find(|l| l.starts_with("spend,all,")).unwrap();
    assert!(spend.ends_with(",0"), "{spend}");
}

#[test]
fn a_misspelt_index_is_a_clear_error() {
    let dir = indexed_folder();
    put(
        dir.path(),
        "s.toml",
        "[[scenario]]\nname = \"resin-up\"\n[[scenario.index]]\nindex = \"resn\"\nchange_pct = 10\n",
    );
    let o = scenario_without_paths(dir.path(), Path::new("."));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: s.toml:4: scenario \"resin-up\": index \"resn\": not one of the indices (its indices: resin)\n"
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_family_correlation_alone_below_the_plans_sku_correlation_is_refused() {
    let dir = small_folder();
    let d = dir.path();
    put(
        d,
        "planner.toml",
        "[uncertainty]\nfamily_correlation = 0.4\nportfolio_correlation = 0.3\n",
    );
    put(
        d,
        "s.toml",
        "[[scenario]]\nname = \"up\"\n[[scenario.demand]]\nmultiplier = 1.1\n",
    );
    let go = |family: &str, out: &str| {
        run(
            d,
            &[
                "--quiet",
                "scenario",
                "--data",
                ".",
                "--scenarios",
                "s.toml",
                "--out",
                out,
                "--paths",
                "50",
                "--family-correlation",
                family,
            ],
        )
    };
    let o = go("0.1", "low");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "error: --family-correlation 0.1 is below the plan's correlation of any two skus, 0.3 \
         (its uncertainty model): give --sku-correlation 0.1 or less with it, or a family \
         correlation of 0.3 or more\n"
    );
    assert!(!d.join("low").exists());
    // At or above it, the paths run at the family correlation given.
    let o = go("0.6", "high");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(d.join("high/base/risk_spend.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |c: &str| row[header.iter().position(|h| *h == c).unwrap()];
    assert_eq!(
        (at("family_correlation"), at("sku_correlation")),
        ("0.6", "0.3")
    );
}

/// A demand change and a downtime that start before the plan (2026-11..2027-10) apply to the
/// months inside it, and each says so at its line: the promotion's 2026-11 and 2026-12 at 1.5
/// times the base (2027-01 as the base), the downtime's 2 working days of November (the 1st is a
/// Sunday) off L1-BOTTLE's 25.
#[test]
fn a_change_running_past_the_plan_applies_inside_it_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    put(
        dir.path(),
        "s.toml",
        "[[scenario]]\nname = \"promo\"\n[[scenario.demand]]\nmultiplier = 1.5\n\
         from = \"2026-09\"\nto = \"2026-12\"\n\
         [[scenario]]\nname = \"stop\"\n[[scenario.line]]\nline = \"L1-BOTTLE\"\n\
         downtime = [\"2026-10-25..2026-11-03\"]\n",
    );
    let o = scenario_without_paths(dir.path(), &demo());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "warning: s.toml:5: scenario \"promo\": demand.from: 2026-09..2026-12 runs past the \
         plan's months 2026-11..2027-10: applied to 2026-11..2026-12, 2 of its 4 months\n\
         warning: s.toml:11: scenario \"stop\": line.downtime: 2026-10-25..2026-11-03 (line \
         \"L1-BOTTLE\") runs past the plan's months 2026-11..2027-10: 3 of its 10 days are \
         planned at 0 hours, the rest is outside the plan\n"
    );
    let out = dir.path().join("out");
    let forecast = |name: &str| -> BTreeMap<(String, String), f64> {
        read(&out.join(name).join("forecast.csv"))
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                ((f[0].to_string(), f[1].to_string()), f[2].parse().unwrap())
            })
            .collect()
    };
    let (base, promo) = (forecast("base"), forecast("promo"));
    assert_eq!(base.len(), promo.len());
    for ((sku, month), b) in &base {
        let p = promo[&(sku.clone(), month.clone())];
        let factor = if month.as_str() <= "2026-12" {
            1.5
        } else {
            1.0
        };
        assert!(
            (p - b * factor).abs() <= 0.02,
            "{sku} {month}: {p} against {b}"
        );
    }
    let days = |name: &str| -> String {
        read(&out.join(name).join("capacity.csv"))
            .lines()
            .find(|l| l.starts_with("L1-BOTTLE,2026-11,"))
            .unwrap()
            .split(',')
            .nth(2)
            .unwrap()
            .to_string()
    };
    assert_eq!((days("base").as_str(), days("stop").as_str()), ("25", "23"));
}
