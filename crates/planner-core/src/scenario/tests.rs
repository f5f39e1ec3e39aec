//! Tests of scenarios, the comparison and the Monte Carlo run.

use statrs::distribution::{ContinuousCDF, Normal};

use super::*;
use crate::capacity::{Line, LineSpec, RoutingStep};
use crate::demand::{DemandHistory, Product};
use crate::demand_plan::z_two_sided;
use crate::forecast::{Forecast, Interval, Level};
use crate::materials::{Bom, BomLine, Material};
use crate::pricing::{Basis, PriceTier};
use crate::{DemandPlan, SkuPlan};

/// Sampling tolerance: this many binomial standard deviations.
const SIGMAS: f64 = 4.0;

#[track_caller]
fn close_to_probability(got: f64, want: f64, paths: usize) {
    let sd = (want * (1.0 - want) / paths as f64).sqrt().max(1e-9);
    assert!(
        (got - want).abs() <= SIGMAS * sd + 1e-12,
        "got {got}, want {want} within {SIGMAS} x {sd}"
    );
}

fn phi_above(x: f64) -> f64 {
    1.0 - Normal::new(0.0, 1.0).unwrap().cdf(x)
}

/// A sku with a normal forecast: constant `mean` and `sd` over `horizon` months (95 % range).
fn normal_sku(sku: &str, mean: f64, sd: f64, horizon: usize) -> SkuPlan {
    let l95 = Level::new(95.0).unwrap();
    let z = z_two_sided(l95);
    SkuPlan {
        sku: sku.into(),
        model: "test".into(),
        forecast: Forecast {
            point: vec![mean; horizon],
            intervals: vec![Interval {
                level: l95,
                lo: vec![mean - z * sd; horizon],
                hi: vec![mean + z * sd; horizon],
            }],
        },
    }
}

/// One sku on one line of 1 shift of 8 h, Monday to Friday, OEE 1; the demand plan is fixed
/// in the input.
fn one_line_input(sku: SkuPlan, cycle_seconds: f64, horizon: usize) -> PlanInput {
    let m = |s: &str| s.parse().unwrap();
    let history = DemandHistory::from_records([(sku.sku.clone(), m("2026-12"), 1.0)]).unwrap();
    let mut input = PlanInput::new(history);
    input.lines = vec![Line::new(
        "L1",
        LineSpec {
            shifts_per_day: 1.0,
            hours_per_shift: 8.0,
            days_per_week: 5.0,
            oee: 1.0,
            operators_per_shift: None,
        },
    )
    .unwrap()];
    input.routings =
        vec![RoutingStep::new(&sku.sku, "L1", "assemble", cycle_seconds, None).unwrap()];
    input.demand = Some(DemandPlan {
        start: m("2027-01"),
        horizon,
        levels: vec![Level::new(95.0).unwrap()],
        skus: vec![sku],
        dependence: crate::uncertainty::Dependence::independent(),
    });
    input
}

fn mc(paths: usize, seed: u64, rho: f64) -> MonteCarloSettings {
    MonteCarloSettings {
        paths,
        seed,
        month_correlation: rho,
        sku_correlation: 0.0,
        family_correlation: 0.0,
    }
}

/// The analytic chance of overload (capacity.csv's `p_over_capacity`) and the Monte Carlo's
/// agree under the plan's one dependence model: four skus of 1000 +- 100 in two families on
/// one line, at zero, partial and full correlation.
#[test]
fn the_monte_carlo_and_the_analytic_total_rest_on_one_model() {
    use crate::demand::Product;
    use crate::uncertainty::Dependence;
    // The line holds 4200 units a month: 200 above the mean of the four.
    let cycle = 168.0 * 3600.0 / 4200.0;
    let mut input = one_line_input(normal_sku("A1", 1000.0, 100.0, 1), cycle, 1);
    for s in ["A2", "B1", "B2"] {
        input
            .routings
            .push(RoutingStep::new(s, "L1", "assemble", cycle, None).unwrap());
        if let Some(d) = input.demand.as_mut() {
            d.skus.push(normal_sku(s, 1000.0, 100.0, 1));
        }
    }
    input.products = ["A1", "A2", "B1", "B2"]
        .iter()
        .map(|s| Product::new(s, &s[..1], None, None).unwrap())
        .collect();
    let paths = 20_000;
    for (cf, cp) in [(0.0, 0.0), (0.6, 0.2), (1.0, 1.0)] {
        if let Some(d) = input.demand.as_mut() {
            d.dependence = Dependence::fixed(0.5, cf, cp).unwrap();
        }
        let plan = run(&input, &|_| {}).unwrap();
        let analytic = plan.capacity.as_ref().unwrap().line_months.rows[0]
            .p_over_capacity
            .unwrap();
        // sd of the sum: 100 sqrt(4 + 2 (2 c_f + 4 c_p)) (2 pairs within, 4 across families).
        let sd = 100.0 * (4.0 + 2.0 * (2.0 * cf + 4.0 * cp)).sqrt();
        assert!(
            (analytic - phi_above(200.0 / sd)).abs() < 1e-9,
            "c_f {cf}: {analytic}"
        );
        let settings = MonteCarloSettings::of_plan(&plan.forecast.demand, paths, 21);
        let risk = monte_carlo(&input, &plan, &settings).unwrap();
        close_to_probability(risk.overload[0].p_overload, analytic, paths);
    }
}

#[test]
fn a_scenario_that_doubles_demand_doubles_required_hours() {
    let input = one_line_input(normal_sku("A", 1000.0, 100.0, 3), 36.0, 3);
    let base = run(&input, &|_| {}).unwrap();
    let scenario = Scenario {
        demand: vec![DemandChange {
            sku: None,
            family: None,
            from: None,
            to: None,
            multiplier: 2.0,
        }],
        ..Scenario::named("double")
    };
    let changed = scenario.apply(&input, &base.forecast.demand).unwrap();
    let doubled = run(&changed, &|_| {}).unwrap();
    let (a, b) = (
        base.capacity.as_ref().unwrap(),
        doubled.capacity.as_ref().unwrap(),
    );
    for (x, y) in a.line_months.rows.iter().zip(&b.line_months.rows) {
        assert!((y.required_hours - 2.0 * x.required_hours).abs() < 1e-9);
        assert_eq!(x.available_hours, y.available_hours);
    }
    // The range doubles too.
    let s = &changed.demand.as_ref().unwrap().skus[0];
    assert!((s.sigma(0).unwrap() - 200.0).abs() < 1e-9);
}

#[test]
fn month_ranges_families_and_lines_change_only_what_they_name() {
    let mut input = one_line_input(normal_sku("A", 1000.0, 100.0, 3), 36.0, 3);
    let plan = input.demand.clone().unwrap();
    let mut plan2 = plan.clone();
    plan2.skus.push(normal_sku("B", 10.0, 1.0, 3));
    plan2.sort();
    input.demand = Some(plan2.clone());
    input.products = vec![Product::new("A", "bottles", None, None).unwrap()];
    let s = Scenario {
        demand: vec![DemandChange {
            sku: None,
            family: Some("bottles".into()),
            from: Some("2027-02".parse().unwrap()),
            to: Some("2027-02".parse().unwrap()),
            multiplier: 1.5,
        }],
        line: vec![LineChange {
            line: "L1".into(),
            shifts_per_day: Some(2.0),
            hours_per_shift: None,
            days_per_week: None,
            oee: Some(0.5),
            operators_per_shift: None,
            downtime: vec!["2027-01-04..2027-01-05".to_string().try_into().unwrap()],
        }],
        ..Scenario::named("mix")
    };
    let out = s.apply(&input, &plan2).unwrap();
    let d = out.demand.unwrap();
    assert_eq!(
        d.get("A").unwrap().forecast.point,
        vec![1000.0, 1500.0, 1000.0]
    );
    assert_eq!(d.get("B").unwrap().forecast.point, vec![10.0; 3]);
    assert_eq!(out.lines[0].shifts_per_day, 2.0);
    assert_eq!(out.lines[0].oee.get(), 0.5);
    let wt =
        crate::capacity::working_time(&out.lines[0], &out.calendar, "2027-01".parse().unwrap());
    // January 2027: 21 weekdays, 2 of them down.
    assert_eq!(wt.working_days, 19);
    assert_eq!(wt.available_hours, 19.0 * 16.0);
}

#[test]
fn unknown_names_and_bad_values_name_the_scenario_and_the_key() {
    let input = one_line_input(normal_sku("A", 1000.0, 100.0, 3), 36.0, 3);
    let plan = input.demand.clone().unwrap();
    let err = |s: Scenario| s.apply(&input, &plan).unwrap_err().to_string();
    let mut s = Scenario::named("s1");
    s.line.push(LineChange {
        line: "L9".into(),
        shifts_per_day: None,
        hours_per_shift: None,
        days_per_week: None,
        oee: None,
        operators_per_shift: None,
        downtime: vec![],
    });
    assert_eq!(err(s), r#"scenario "s1": line "L9": not one of the lines"#);
    // A downtime wholly outside the plan's months would change nothing: an error.
    let mut s = Scenario::named("s1b");
    let first = plan.start;
    let day = |m: crate::time::Month| m.first_day();
    s.line.push(LineChange {
        line: input.lines[0].line.clone(),
        shifts_per_day: None,
        hours_per_shift: None,
        days_per_week: None,
        oee: None,
        operators_per_shift: None,
        downtime: vec![DayRange {
            from: day(first.plus(40)),
            to: day(first.plus(40)).plus_days(13),
        }],
    });
    let e = err(s);
    assert!(
        e.starts_with(r#"scenario "s1b": line.downtime"#)
            && e.contains("is outside the plan's months"),
        "{e}"
    );
    let mut s = Scenario::named("s2");
    s.demand.push(DemandChange {
        sku: Some("ZZZ".into()),
        family: None,
        from: None,
        to: None,
        multiplier: 1.1,
    });
    assert_eq!(
        err(s),
        r#"scenario "s2": demand.sku "ZZZ": not a sku of the input (its demand history, products or price tiers)"#
    );
    let mut s = Scenario::named("s3");
    s.demand.push(DemandChange {
        sku: None,
        family: Some("cups".into()),
        from: None,
        to: None,
        multiplier: 1.1,
    });
    assert_eq!(
        err(s),
        r#"scenario "s3": demand.family "cups": not a family of the products"#
    );
    let mut s = Scenario::named("s4");
    s.line.push(LineChange {
        line: "L1".into(),
        shifts_per_day: None,
        hours_per_shift: None,
        days_per_week: None,
        oee: Some(80.0),
        operators_per_shift: None,
        downtime: vec![],
    });
    assert_eq!(
        err(s),
        r#"scenario "s4": line.oee: 80 is not in (0, 1] (a percentage? write 0.8)"#
    );
    let mut s = Scenario::named("s5");
    s.material.push(MaterialChange {
        material: "STEEL".into(),
        lead_time_days: Some(10.0),
        moq: None,
        order_multiple: None,
        unit_cost: None,
        cost_multiplier: None,
        on_hand: None,
        safety_stock: None,
    });
    assert_eq!(
        err(s),
        r#"scenario "s5": material "STEEL": not one of the materials"#
    );
    let mut s = Scenario::named("s6");
    s.service_level = Some(1.2);
    assert_eq!(
        err(s),
        r#"scenario "s6": service_level: 1.2 is not from 0.5 to 1 (1 excluded)"#
    );
    let file = ScenarioFile {
        scenarios: vec![Scenario::named("base")],
    };
    assert!(file
        .check_names()
        .unwrap_err()
        .to_string()
        .starts_with(r#"scenario "base": name:"#));
    let r: Result<DayRange, _> = "2027-02-10..2027-02-01".to_string().try_into();
    assert!(r.is_err());
}

#[test]
fn overload_probability_agrees_with_the_normal_answer() {
    // 1000 +- 100 units a month; February 2027 has 160 hours = 1050 units at 548.57 s a unit.
    let cycle = 160.0 * 3600.0 / 1050.0;
    let input = one_line_input(normal_sku("A", 1000.0, 100.0, 3), cycle, 3);
    let plan = run(&input, &|_| {}).unwrap();
    let paths = 4000;
    let risk = monte_carlo(&input, &plan, &mc(paths, 7, 0.5)).unwrap();
    assert_eq!(risk.overload.len(), 3);
    let cap = &plan.capacity.as_ref().unwrap().line_months.rows;
    for (o, row) in risk.overload.iter().zip(cap) {
        let units = o.available_hours * 3600.0 / cycle;
        let want = phi_above((units - 1000.0) / 100.0);
        close_to_probability(o.p_overload, want, paths);
        // The capacity plan's analytic figure is the same normal answer.
        assert!((row.p_over_capacity.unwrap() - want).abs() < 1e-9);
        assert!((o.required_hours - row.required_hours).abs() < 1e-9);
    }
    // February: 1050 units of capacity, 0.5 sigma above the mean.
    close_to_probability(risk.overload[1].p_overload, phi_above(0.5), paths);
}

/// A chip two levels down (X -> SA -> 2 CHIP) moves with X's demand, and its shortage counts
/// only within its lead time plus the review month (100 d: 4 + 1 = 5 months).
#[test]
fn shortage_risk_reaches_every_bom_level_within_the_reaction_window() {
    let h = 12;
    let mut input = one_line_input(normal_sku("X", 1000.0, 100.0, h), 10.0, h);
    input.bom = Bom::new(vec![
        BomLine::new("X", "SA", 1.0).unwrap(),
        BomLine::new("SA", "CHIP", 2.0).unwrap(),
    ])
    .unwrap();
    // CHIP: 2200 on hand, no safety stock: January's 2000 leave 200, so January is short when
    // X's demand exceeds 1100, one sigma above its mean; SA is made in the month it is needed.
    input.materials = vec![
        Material::new("SA", 0.0, 0.0, 1.0, 1.0, 0.0)
            .unwrap()
            .with_safety_stock(0.0)
            .unwrap(),
        Material::new("CHIP", 100.0, 0.0, 1.0, 3.0, 2200.0)
            .unwrap()
            .with_safety_stock(0.0)
            .unwrap(),
    ];
    let plan = run(&input, &|_| {}).unwrap();
    let paths = 4000;
    let risk = monte_carlo(&input, &plan, &mc(paths, 13, 0.5)).unwrap();
    let chip: Vec<&ShortageRisk> = risk
        .shortage
        .iter()
        .filter(|r| r.material == "CHIP")
        .collect();
    assert_eq!(chip.len(), h);
    close_to_probability(chip[0].p_shortage, phi_above(1.0), paths);
    assert!(
        chip[..5].iter().all(|r| r.p_shortage > 0.0),
        "within the window"
    );
    assert!(
        chip[5..].iter().all(|r| r.p_shortage == 0.0),
        "beyond lead time + review a re-plan reacts: not counted"
    );
}

#[test]
fn shortage_and_tier_probabilities_agree_with_the_normal_answer() {
    let h = 12;
    let mut input = one_line_input(normal_sku("A", 1000.0, 100.0, h), 10.0, h);
    input.bom = Bom::new(vec![BomLine::new("A", "STEEL", 1.0).unwrap()]).unwrap();
    // 1100 on hand, no lead time, a fixed safety stock of 0: January needs no order and ends
    // with 100; the month is short when demand exceeds 1100.
    input.materials = vec![Material::new("STEEL", 0.0, 0.0, 1.0, 2.0, 1100.0)
        .unwrap()
        .with_safety_stock(0.0)
        .unwrap()];
    input.tiers = vec![
        PriceTier::new("A", 0.0, 10.0, Basis::Annual, None).unwrap(),
        PriceTier::new("A", 12_300.0, 9.0, Basis::Annual, None).unwrap(),
    ];
    let plan = run(&input, &|_| {}).unwrap();
    assert_eq!(
        plan.materials.as_ref().unwrap().rows[0].projected_on_hand,
        100.0
    );
    let paths = 4000;
    let rho = 0.5;
    let risk = monte_carlo(&input, &plan, &mc(paths, 11, rho)).unwrap();
    let jan = &risk.shortage[0];
    assert_eq!(jan.material, "STEEL");
    close_to_probability(jan.p_shortage, phi_above(1.0), paths);

    // The 12-month volume: sum of an AR(1) with rho = 0.5; its variance is
    // sd^2 * sum_ij rho^|i - j|.
    let var: f64 = (0..h)
        .flat_map(|i| (0..h).map(move |j| rho.powi((i as i32 - j as i32).abs())))
        .sum::<f64>()
        * 100.0
        * 100.0;
    let want = phi_above((12_300.0 - 12_000.0) / var.sqrt());
    assert_eq!(risk.tiers.len(), 2);
    assert_eq!(risk.tiers[0].p_reach, 1.0);
    assert!(risk.tiers[0].at_point);
    close_to_probability(risk.tiers[1].p_reach, want, paths);
    let spend = risk.spend.unwrap();
    assert_eq!(spend.at_point, 120_000.0);
    assert!(spend.p5 < spend.p50 && spend.p50 < spend.p95);
}

#[test]
fn a_market_wide_shock_widens_the_total_as_the_normal_answer_says() {
    // Two skus of 1000 +- 100 on one line; January 2027 has 168 hours. With a cycle of
    // 168 * 3600 / 2150 s a unit the line holds 2150 units, 150 above the mean of the sum. The
    // sum's standard deviation is 100 * sqrt(2 (1 + c)): 141.4 with independent skus, 173.2
    // with c = 0.5.
    let cycle = 168.0 * 3600.0 / 2150.0;
    let mut input = one_line_input(normal_sku("A", 1000.0, 100.0, 1), cycle, 1);
    input
        .routings
        .push(RoutingStep::new("B", "L1", "assemble", cycle, None).unwrap());
    if let Some(d) = input.demand.as_mut() {
        d.skus.push(normal_sku("B", 1000.0, 100.0, 1));
    }
    let plan = run(&input, &|_| {}).unwrap();
    let paths = 20_000;
    let units = |o: &OverloadRisk| o.available_hours * 3600.0 / cycle;
    for c in [0.0, 0.5, 1.0] {
        let settings = MonteCarloSettings {
            sku_correlation: c,
            ..mc(paths, 3, 0.5)
        };
        let risk = monte_carlo(&input, &plan, &settings).unwrap();
        let jan = &risk.overload[0];
        let sd = 100.0 * (2.0 * (1.0 + c)).sqrt();
        close_to_probability(jan.p_overload, phi_above((units(jan) - 2000.0) / sd), paths);
    }
    // Each sku keeps its own distribution: one sku alone on the line is overloaded as the
    // normal answer for that sku says, whatever the shock's share.
    // The line now holds 1050 units: half a sigma above the mean.
    let slower = cycle * 2150.0 / 1050.0;
    let alone = one_line_input(normal_sku("A", 1000.0, 100.0, 1), slower, 1);
    let alone_plan = run(&alone, &|_| {}).unwrap();
    let settings = MonteCarloSettings {
        sku_correlation: 0.8,
        ..mc(paths, 4, 0.5)
    };
    let risk = monte_carlo(&alone, &alone_plan, &settings).unwrap();
    let jan = &risk.overload[0];
    let held = jan.available_hours * 3600.0 / slower;
    assert!((held - 1050.0).abs() < 1e-6, "{held}");
    close_to_probability(jan.p_overload, phi_above(0.5), paths);
    let bad = MonteCarloSettings {
        sku_correlation: 1.5,
        ..mc(10, 1, 0.5)
    };
    assert_eq!(bad.check().unwrap_err().field, "sku_correlation");
}

#[test]
fn a_slow_movers_paths_keep_its_point_forecast_as_their_mean() {
    // 2 +- 4 units a month: a normal censored at zero would average 2 * Phi(0.5) + 4 * phi(0.5)
    // = 2.79 a month (33.5 a year); the lognormal of the same mean and spread averages 2 (24).
    let h = 12;
    let mut input = one_line_input(normal_sku("A", 2.0, 4.0, h), 10.0, h);
    input.tiers = vec![PriceTier::new("A", 0.0, 1.0, Basis::Annual, None).unwrap()];
    let plan = run(&input, &|_| {}).unwrap();
    let paths = 20_000;
    let risk = monte_carlo(&input, &plan, &mc(paths, 5, 0.0)).unwrap();
    let spend = risk.spend.unwrap();
    assert_eq!(spend.at_point, 24.0);
    // The year's demand has standard deviation sqrt(12) * 4 = 13.9 with independent months.
    let se = (12.0f64).sqrt() * 4.0 / (paths as f64).sqrt();
    assert!(
        (spend.mean - 24.0).abs() < 4.0 * se,
        "mean {} vs 24 within {}",
        spend.mean,
        4.0 * se
    );
    assert!(spend.p5 >= 0.0);
    // Skewed like demand: the median below the mean.
    assert!(spend.p50 < spend.mean, "{} {}", spend.p50, spend.mean);
}

#[test]
fn the_same_seed_gives_the_same_report_whatever_the_thread_count() {
    let mut input = one_line_input(normal_sku("A", 1000.0, 300.0, 6), 100.0, 6);
    let mut plan = input.demand.clone().unwrap();
    for i in 0..40 {
        plan.skus
            .push(normal_sku(&format!("S{i:02}"), 50.0 + i as f64, 20.0, 6));
        input
            .routings
            .push(RoutingStep::new(&format!("S{i:02}"), "L1", "a", 60.0, None).unwrap());
    }
    plan.sort();
    input.demand = Some(plan);
    input.tiers = vec![
        PriceTier::new("A", 0.0, 10.0, Basis::Annual, None).unwrap(),
        PriceTier::new("A", 6_000.0, 9.0, Basis::Annual, None).unwrap(),
    ];
    let plan = run(&input, &|_| {}).unwrap();
    let settings = mc(200, 42, 0.5);
    let with = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| monte_carlo(&input, &plan, &settings).unwrap())
    };
    let one = with(1);
    let two = with(2);
    assert_eq!(one, two);
    assert_eq!(one, with(3));
    let other = monte_carlo(&input, &plan, &mc(200, 43, 0.5)).unwrap();
    assert_ne!(one.spend, other.spend);
}

#[test]
fn paths_start_from_distinct_streams() {
    let a: Vec<u64> = (0..4).map(|p| PathRng::new(42, p).next_u64()).collect();
    let mut b = a.clone();
    b.dedup();
    assert_eq!(a.len(), b.len());
    let mut r = PathRng::new(1, 0);
    let n = 20_000;
    let xs: Vec<f64> = (0..n).map(|_| r.normal()).collect();
    let mean = xs.iter().sum::<f64>() / n as f64;
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
    assert!(mean.abs() < 0.03, "{mean}");
    assert!((var - 1.0).abs() < 0.04, "{var}");
}

#[test]
fn the_comparison_lines_up_metrics_and_deltas() {
    let input = one_line_input(normal_sku("A", 1000.0, 100.0, 3), 36.0, 3);
    let base = run(&input, &|_| {}).unwrap();
    let s = Scenario {
        demand: vec![DemandChange {
            sku: Some("A".into()),
            family: None,
            from: None,
            to: None,
            multiplier: 2.0,
        }],
        ..Scenario::named("double")
    };
    let doubled = run(&s.apply(&input, &base.forecast.demand).unwrap(), &|_| {}).unwrap();
    let c = Comparison::new(&[
        ("base".into(), summarize(&base, None)),
        ("double".into(), summarize(&doubled, None)),
    ]);
    assert_eq!(c.plans, ["base", "double"]);
    let row = c.rows.iter().find(|r| r.metric == "demand_units").unwrap();
    assert_eq!(row.values, [Some(3000.0), Some(6000.0)]);
    assert_eq!(row.deltas, [None, Some(3000.0)]);
    let peak = c
        .rows
        .iter()
        .find(|r| r.metric == "peak_utilization" && r.scope == "L1")
        .unwrap();
    assert!((peak.values[1].unwrap() - 2.0 * peak.values[0].unwrap()).abs() < 1e-9);
    let spend = c.rows.iter().find(|r| r.metric == "spend").unwrap();
    assert_eq!(spend.values, [None, None]);
    // Headlines: a per-line figure is the busiest line's, another the row's; none when absent.
    let mut two_lines = c.clone();
    let mut l2 = peak.clone();
    l2.scope = "L2".into();
    l2.values = vec![Some(5.0), None];
    two_lines.rows.push(l2);
    assert_eq!(two_lines.headline("peak_utilization", 0), Some(5.0));
    assert_eq!(two_lines.headline("peak_utilization", 1), peak.values[1]);
    assert_eq!(c.headline("demand_units", 1), Some(6000.0));
    assert_eq!(c.headline("spend", 0), None);
    assert_eq!(c.headline("demand_units", 7), None);
}

/// One sku, 1000 units a month for 6 months from 2027-01, a flat tier price of 10 and a cost
/// breakdown of 5 material on `resin` and 5 labor; resin at 100 in 2027-01 (and 90 in 2026-12,
/// before the plan); prices reviewed every 3 months from the start, full pass-through.
fn indexed_input() -> PlanInput {
    use crate::pricing::{CostComponent, IndexPoint, ReviewPolicy};
    let mut input = one_line_input(normal_sku("A", 1000.0, 100.0, 6), 36.0, 6);
    input.tiers = vec![PriceTier::new("A", 0.0, 10.0, Basis::Annual, None).unwrap()];
    input.cost_breakdown = vec![
        CostComponent::new("A", "material", 5.0, Some("resin")).unwrap(),
        CostComponent::new("A", "labor", 5.0, None).unwrap(),
    ];
    input.indices = vec![
        IndexPoint::new("resin", "2026-12".parse().unwrap(), 90.0).unwrap(),
        IndexPoint::new("resin", "2027-01".parse().unwrap(), 100.0).unwrap(),
        IndexPoint::new("steel", "2027-01".parse().unwrap(), 50.0).unwrap(),
    ];
    input.settings.pricing.review = ReviewPolicy {
        every_months: 3,
        fixed_months: 0,
        pass_through: 1.0,
    };
    input
}

fn index_move(index: &str, change_pct: Option<f64>, multiplier: Option<f64>) -> IndexChange {
    IndexChange {
        index: index.into(),
        from: None,
        to: None,
        change_pct,
        multiplier,
    }
}

#[test]
fn an_index_move_raises_the_projected_spend_by_the_hand_computed_amount() {
    let input = indexed_input();
    let base = run(&input, &|_| {}).unwrap();
    // Base: 10.00 every month (resin stays at 100): 6 x 1000 x 10 = 60,000.
    let pricing = base.pricing.as_ref().unwrap();
    assert_eq!(pricing.projection.as_ref().unwrap().len(), 6);
    assert!((pricing.projected_spend().unwrap() - 60_000.0).abs() < 1e-6);

    // Resin +10 % from February (the default `from`: the month after the base month). The
    // reviews fall on 2027-01 (resin 100: 10.00) and 2027-04 (resin 110): the material half of
    // the price becomes 5 x 1.10 = 5.50, the unit price 10.50 for April to June.
    // Projected spend: 3 x 1000 x 10 + 3 x 1000 x 10.5 = 61,500, i.e. +1,500 =
    // 3 months x 1000 units x 10 % x 5.00.
    let s = Scenario {
        index: vec![index_move("resin", Some(10.0), None)],
        ..Scenario::named("resin-up")
    };
    let changed = s.apply(&input, &base.forecast.demand).unwrap();
    let moved = run(&changed, &|_| {}).unwrap();
    let p = moved.pricing.as_ref().unwrap();
    let prices: Vec<f64> = p
        .projection
        .as_ref()
        .unwrap()
        .iter()
        .map(|r| r.unit_price)
        .collect();
    for (got, want) in prices.iter().zip([10.0, 10.0, 10.0, 10.5, 10.5, 10.5]) {
        assert!((got - want).abs() < 1e-9, "{prices:?}");
    }
    assert!((p.projected_spend().unwrap() - 61_500.0).abs() < 1e-6);
    // The tier prices do not move: the index reaches only the projected prices.
    assert_eq!(p.rows[0].spend, pricing.rows[0].spend);

    // The comparison shows it.
    let c = Comparison::new(&[
        ("base".into(), summarize(&base, None)),
        ("resin-up".into(), summarize(&moved, None)),
    ]);
    let row = c
        .rows
        .iter()
        .find(|r| r.metric == "projected_spend")
        .unwrap();
    assert_eq!(row.scope, "all");
    assert!((row.deltas[1].unwrap() - 1_500.0).abs() < 1e-6);
    // The same move written as a multiplier gives the same plan.
    let s = Scenario {
        index: vec![index_move("resin", None, Some(1.1))],
        ..Scenario::named("resin-up")
    };
    assert_eq!(
        s.apply(&input, &base.forecast.demand).unwrap().indices,
        changed.indices
    );
    // Without cost breakdowns there is no projection and no metric.
    let mut plain = input.clone();
    plain.cost_breakdown.clear();
    let plan = run(&plain, &|_| {}).unwrap();
    assert_eq!(plan.pricing.as_ref().unwrap().projection, None);
    assert!(!summarize(&plan, None)
        .iter()
        .any(|m| m.metric == "projected_spend"));
}

#[test]
fn a_tier_price_change_moves_the_projected_spend_like_the_spend() {
    // Issue 18: the projection priced demand at the cost breakdown's sum, so a change of tier
    // prices moved the spend and not the projected spend. Tier 9.00 against a breakdown of
    // 10.00: 6 x 1000 x 9.00 = 54,000 both ways (resin does not move). Tier prices +4 %: 56,160.
    let mut input = indexed_input();
    input.tiers = vec![PriceTier::new("A", 0.0, 9.0, Basis::Annual, None).unwrap()];
    let base = run(&input, &|_| {}).unwrap();
    let p = base.pricing.as_ref().unwrap();
    let spend: f64 = p.rows.iter().map(|r| r.spend).sum();
    assert!((spend - 54_000.0).abs() < 1e-6);
    assert!((p.projected_spend().unwrap() - 54_000.0).abs() < 1e-6);
    let s = Scenario {
        price: vec![crate::scenario::PriceChange {
            sku: Some("A".into()),
            family: None,
            multiplier: 1.04,
        }],
        ..Scenario::named("cm-up")
    };
    let moved = run(&s.apply(&input, &base.forecast.demand).unwrap(), &|_| {}).unwrap();
    let p = moved.pricing.as_ref().unwrap();
    let spend: f64 = p.rows.iter().map(|r| r.spend).sum();
    assert!((spend - 56_160.0).abs() < 1e-6);
    assert!((p.projected_spend().unwrap() - 56_160.0).abs() < 1e-6);
    // The index outlook is stated: resin has values to 2027-01, the first planned month, and is
    // held flat after it.
    assert_eq!(
        p.index_outlook[0].sentence(),
        "resin: values given ahead to 2027-01; held flat at 100 from 2027-02 (5 months)"
    );
}

#[test]
fn an_index_move_covers_exactly_its_months() {
    let input = indexed_input();
    let demand = input.demand.clone().unwrap();
    let m = |s: &str| -> crate::time::Month { s.parse().unwrap() };
    // Every index x 1.2 in April only: April gets a value of its own, May goes back to the
    // value in force before the move.
    let s = Scenario {
        index: vec![IndexChange {
            from: Some(m("2027-04")),
            to: Some(m("2027-04")),
            ..index_move("*", None, Some(1.2))
        }],
        ..Scenario::named("april")
    };
    let out = s.apply(&input, &demand).unwrap();
    let series = |name: &str| -> Vec<(String, f64)> {
        out.indices
            .iter()
            .filter(|p| p.index == name)
            .map(|p| (p.month.to_string(), (p.value * 1e9).round() / 1e9))
            .collect()
    };
    let want = |v: [(&str, f64); 4]| -> Vec<(String, f64)> {
        v.iter().map(|(m, x)| (m.to_string(), *x)).collect()
    };
    assert_eq!(
        series("resin"),
        want([
            ("2026-12", 90.0),
            ("2027-01", 100.0),
            ("2027-04", 120.0),
            ("2027-05", 100.0)
        ])
    );
    assert_eq!(series("steel")[1], ("2027-04".to_string(), 60.0));
    // Two moves on the same months multiply.
    let s = Scenario {
        index: vec![
            index_move("resin", Some(10.0), None),
            index_move("resin", Some(10.0), None),
        ],
        ..Scenario::named("twice")
    };
    let out = s.apply(&input, &demand).unwrap();
    let feb = out
        .indices
        .iter()
        .find(|p| p.index == "resin" && p.month == m("2027-02"))
        .unwrap();
    assert!((feb.value - 121.0).abs() < 1e-9);
}

#[test]
fn a_bad_index_move_names_the_scenario_and_the_key() {
    let input = indexed_input();
    let plan = input.demand.clone().unwrap();
    let err = |c: IndexChange| {
        Scenario {
            index: vec![c],
            ..Scenario::named("s")
        }
        .apply(&input, &plan)
        .unwrap_err()
        .to_string()
    };
    assert_eq!(
        err(index_move("resn", Some(12.0), None)),
        r#"scenario "s": index "resn": not one of the indices (its indices: resin, steel)"#
    );
    assert_eq!(
        err(index_move("resin", Some(12.0), Some(1.12))),
        r#"scenario "s": index "resin": give change_pct or multiplier, not both"#
    );
    assert_eq!(
        err(index_move("resin", None, None)),
        r#"scenario "s": index "resin": give change_pct (12 = +12 %) or multiplier (1.12 = +12 %)"#
    );
    assert_eq!(
        err(index_move("resin", Some(-100.0), None)),
        r#"scenario "s": index.change_pct: -100 is not a percentage above -100"#
    );
    assert_eq!(
        err(index_move("resin", None, Some(0.0))),
        r#"scenario "s": index.multiplier: 0 is not a number above zero"#
    );
    let at = |from: &str| IndexChange {
        from: Some(from.parse().unwrap()),
        ..index_move("resin", Some(5.0), None)
    };
    assert!(err(at("2027-01")).starts_with(
        r#"scenario "s": index.from: 2027-01 is not after the first planned month 2027-01"#
    ));
    assert_eq!(
        err(at("2027-07")),
        r#"scenario "s": index.from: 2027-07 is outside the plan's months 2027-01..2027-06"#
    );
    let mut none = input.clone();
    none.indices.clear();
    let e = Scenario {
        index: vec![index_move("resin", Some(5.0), None)],
        ..Scenario::named("s")
    }
    .apply(&none, &plan)
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        r#"scenario "s": index "resin": not one of the indices (the input has no index)"#
    );
    // `name` is accepted for the key, as the issue wrote it.
    let f: ScenarioFile = serde_json::from_str(
        r#"{"scenario": [{"name": "r", "index": [{"name": "resin", "change_pct": 12}]}]}"#,
    )
    .unwrap();
    assert_eq!(f.scenarios[0].index[0].index, "resin");
}

#[test]
fn a_plan_input_without_index_inputs_still_reads() {
    let input = indexed_input();
    let mut json = serde_json::to_value(&input).unwrap();
    let obj = json.as_object_mut().unwrap();
    obj.remove("cost_breakdown");
    obj.remove("indices");
    let back: PlanInput = serde_json::from_value(json).unwrap();
    assert!(back.cost_breakdown.is_empty() && back.indices.is_empty());
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Scenario>();
    check::<ScenarioFile>();
    check::<ChangeError>();
    check::<RiskReport>();
    check::<Comparison>();
}

/// Two years (2025-01..2026-12) of sku A at 100 a month and sku B at 50.
fn two_flat_skus() -> PlanInput {
    let m = |s: &str| -> crate::time::Month { s.parse().unwrap() };
    let records: Vec<_> = (0..24)
        .flat_map(|i| {
            [
                ("A", m("2025-01").plus(i), 100.0),
                ("B", m("2025-01").plus(i), 50.0),
            ]
        })
        .collect();
    PlanInput::new(DemandHistory::from_records(records).unwrap())
}

#[test]
fn plan_with_tells_the_observer_each_sku_and_each_stage_in_order_and_checks_the_settings() {
    use std::sync::Mutex;
    #[derive(Default)]
    struct Log {
        skus: Mutex<usize>,
        stages: Mutex<Vec<Stage>>,
    }
    impl Observer for Log {
        fn skus_done(&self, n: usize) {
            *self.skus.lock().unwrap() += n;
        }
        fn stage_done(&self, stage: Stage, _: std::time::Duration) {
            self.stages.lock().unwrap().push(stage);
        }
    }
    let input = two_flat_skus();
    let log = Log::default();
    let observed = plan_with(&input, &log).unwrap();
    assert_eq!(*log.skus.lock().unwrap(), 2);
    use Stage::*;
    assert_eq!(
        *log.stages.lock().unwrap(),
        [Forecast, Fences, Production, Capacity, Materials, Pricing, Segments]
    );
    assert_eq!(*log.stages.lock().unwrap(), Stage::ALL);
    // The same plan as without an observer, through the crate's entry point.
    let plain = crate::plan(&input).unwrap();
    assert_eq!(
        serde_json::to_string(&plain).unwrap(),
        serde_json::to_string(&observed).unwrap()
    );
    // A plan.json written before the fields were renamed (`forecast.plan`) is still read.
    let mut old = serde_json::to_value(&plain).unwrap();
    let forecast = old["forecast"].as_object_mut().unwrap();
    let demand = forecast.remove("demand").unwrap();
    forecast.insert("plan".into(), demand);
    let read: Plan = serde_json::from_value(old).unwrap();
    assert_eq!(read, plain);
    // Settings out of range: an error before any forecast.
    let mut bad = input.clone();
    bad.settings.horizon = 0;
    let log = Log::default();
    let e = plan_with(&bad, &log).unwrap_err();
    assert_eq!(e.to_string(), "0 is not between 1 and 36");
    assert!(matches!(e, Error::Field(ref f) if f.field == "horizon"));
    assert_eq!(*log.skus.lock().unwrap(), 0);
}

#[test]
fn overrides_and_the_published_forecast_are_held_inside_the_plan() {
    use crate::events::{EventKind, Override};
    use crate::review::{AgreedChange, HoldKind, TimeFence};
    let m = |s: &str| -> crate::time::Month { s.parse().unwrap() };
    let mut input = two_flat_skus();
    input.settings.horizon = 4;
    input.settings.forecast.method = crate::forecast::Method::Naive;
    input.settings.fences = vec![
        TimeFence {
            months: [1, 1],
            max_change: 0.0,
        },
        TimeFence {
            months: [2, 2],
            max_change: 0.1,
        },
    ];
    let ev = |sku: &str, month: &str, kind, value| {
        crate::events::Event::new(sku, m(month), kind, value, None).unwrap()
    };
    input.events = vec![
        ev("A", "2027-03", EventKind::Multiplier, 1.2),
        ev("NEW", "2027-02", EventKind::Launch, 40.0),
        // Launched after the horizon: not planned.
        ev("LATE", "2030-01", EventKind::Launch, 5.0),
    ];
    // The grid is known before any forecast, and is what the plan holds.
    let grid = input.grid().unwrap();
    assert_eq!((grid.start, grid.horizon), (m("2027-01"), 4));
    assert_eq!(
        grid.skus.iter().map(String::as_str).collect::<Vec<_>>(),
        ["A", "B", "NEW"]
    );
    input.overrides = vec![
        Override::new("A", m("2027-03"), 150.0, None).unwrap(),
        Override::new("B", m("2027-04"), 60.0, None).unwrap(),
    ];
    // Published last month (from 2026-12): A 90 and B 55 a month.
    let published = |sku: &str, q: f64| crate::demand_plan::SkuPlan {
        sku: sku.into(),
        model: "Naive".into(),
        forecast: crate::forecast::Forecast {
            point: vec![q; 5],
            intervals: vec![],
        },
    };
    input.published = Some(Published {
        plan: DemandPlan {
            start: m("2026-12"),
            horizon: 5,
            levels: vec![],
            skus: vec![published("A", 90.0), published("B", 55.0)],
            dependence: Default::default(),
        },
        agreed: vec![AgreedChange {
            sku: "A".into(),
            month: m("2027-02"),
            quantity: 120.0,
            note: None,
        }],
    });
    let plan = crate::plan(&input).unwrap();
    let fc = &plan.forecast.demand;
    let skus: Vec<&str> = fc.skus.iter().map(|s| s.sku.as_str()).collect();
    assert_eq!(skus, ["A", "B", "NEW"]);
    let point = |p: &DemandPlan, sku: &str| p.get(sku).unwrap().forecast.point.clone();
    // A: frozen to 90, the agreed 120, the override's 150 after the x1.2, the model's 100.
    assert_eq!(point(fc, "A"), [90.0, 120.0, 150.0, 100.0]);
    // B: frozen to 55; month 2's 50 is within 10 % of 55; the override's 60.
    assert_eq!(point(fc, "B"), [55.0, 50.0, 50.0, 60.0]);
    assert_eq!(point(fc, "NEW"), [0.0, 40.0, 40.0, 40.0]);
    // Without the overrides: the events' 120, fences held the same way.
    let o = plan.forecast.overrides.as_ref().unwrap();
    assert_eq!((o.cells, o.replaced), (2, 0));
    assert_eq!(point(&o.without, "A"), [90.0, 120.0, 120.0, 100.0]);
    assert_eq!(point(&o.without, "B"), [55.0, 50.0, 50.0, 50.0]);
    assert_eq!(o.without.dependence, fc.dependence);
    // The statistical forecast is the models' alone: before events, overrides and fences (B
    // has no event, only fences held it).
    let statistical = plan.forecast.statistical();
    assert_eq!(point(&statistical, "A"), [100.0; 4]);
    assert_eq!(point(&statistical, "B"), [50.0; 4]);
    assert_eq!(point(&statistical, "NEW"), [0.0; 4]);
    let mut held_only = input.clone();
    held_only.overrides.clear();
    let plan = crate::plan(&held_only).unwrap();
    assert_eq!(point(&plan.forecast.demand, "B"), [55.0, 50.0, 50.0, 50.0]);
    assert_eq!(point(&plan.forecast.statistical(), "B"), [50.0; 4]);
    let holds = plan.fence_holds.as_ref().unwrap();
    let kinds: Vec<(&str, crate::time::Month, HoldKind, f64)> = holds
        .iter()
        .map(|h| (h.sku.as_str(), h.month, h.kind, h.moved))
        .collect();
    assert_eq!(
        kinds,
        [
            ("A", m("2027-01"), HoldKind::Frozen, -10.0),
            ("A", m("2027-02"), HoldKind::Agreed, 20.0),
            ("B", m("2027-01"), HoldKind::Frozen, 5.0),
        ]
    );
    // Nothing published: nothing held.
    let mut free = input.clone();
    free.published = None;
    let plan = crate::plan(&free).unwrap();
    assert!(plan.fence_holds.is_none());
    assert_eq!(
        point(&plan.forecast.demand, "A"),
        [100.0, 100.0, 150.0, 100.0]
    );
    // An override of a sku or month the plan does not hold is an error naming it.
    let mut bad = free.clone();
    bad.overrides = vec![Override::new("LATE", m("2027-02"), 1.0, None).unwrap()];
    assert_eq!(
        crate::plan(&bad).unwrap_err().to_string(),
        "the override of \"LATE\" in 2027-02: the sku is not planned"
    );
    bad.overrides = vec![Override::new("A", m("2027-05"), 1.0, None).unwrap()];
    assert_eq!(
        crate::plan(&bad).unwrap_err().to_string(),
        "the override of \"A\" in 2027-05: the month is outside the plan (4 months from 2027-01)"
    );
    // A fixed demand plan is used as given: overrides are refused.
    let mut fixed = free.clone();
    fixed.demand = Some(plan.forecast.demand.clone());
    fixed.overrides = vec![Override::new("A", m("2027-02"), 1.0, None).unwrap()];
    assert!(crate::plan(&fixed).is_err());
    // Read from JSON, an override is held to its constructor's checks.
    let e = serde_json::from_str::<Override>(r#"{"sku":"A","month":"2027-01","quantity":-1}"#)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("quantity: -1 is not"), "{e}");
}
