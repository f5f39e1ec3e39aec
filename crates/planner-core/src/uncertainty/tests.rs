use super::*;
use crate::demand::SkuHistory;
use crate::demand_plan::{DemandPlan, SkuPlan};
use crate::rng::PathRng;
use crate::time::Month;

fn products(pairs: &[(&str, &str)]) -> Vec<Product> {
    pairs
        .iter()
        .map(|(s, f)| Product::new(s, f, None, None).unwrap())
        .collect()
}

/// Draws the model's errors directly: `x(i, t) = sqrt(c_p) G_t + sqrt(c_f − c_p) F_{f,t} +
/// sqrt(1 − c_f) E_{i,t}`, each factor an AR(1) over months with correlation `ρ` and unit
/// variance.
fn simulate_sd(dep: &Dependence, skus: &[(&str, Vec<f64>)], paths: usize) -> f64 {
    let (rho, cf, cp) = (dep.month.value, dep.family.value, dep.portfolio.value);
    let horizon = skus[0].1.len();
    let mut rng = PathRng::new(7, 0);
    let ar = |prev: Option<f64>, rng: &mut PathRng| match prev {
        None => rng.normal(),
        Some(p) => rho * p + (1.0 - rho * rho).sqrt() * rng.normal(),
    };
    let fams: Vec<&str> = {
        let mut f: Vec<&str> = skus.iter().map(|(s, _)| dep.family_of(s)).collect();
        f.sort();
        f.dedup();
        f
    };
    let (mut sum, mut sq) = (0.0, 0.0);
    for _ in 0..paths {
        let mut g = None;
        let mut fam: Vec<Option<f64>> = vec![None; fams.len()];
        let mut own: Vec<Option<f64>> = vec![None; skus.len()];
        let mut total = 0.0;
        for t in 0..horizon {
            let gt = ar(g, &mut rng);
            g = Some(gt);
            for f in fam.iter_mut() {
                *f = Some(ar(*f, &mut rng));
            }
            for (i, (sku, a)) in skus.iter().enumerate() {
                let e = ar(own[i], &mut rng);
                own[i] = Some(e);
                let fi = fams.iter().position(|f| *f == dep.family_of(sku)).unwrap();
                let x =
                    cp.sqrt() * gt + (cf - cp).sqrt() * fam[fi].unwrap() + (1.0 - cf).sqrt() * e;
                total += a[t] * x;
            }
        }
        sum += total;
        sq += total * total;
    }
    let n = paths as f64;
    (sq / n - (sum / n).powi(2)).sqrt()
}

fn analytic_sd(dep: &Dependence, skus: &[(&str, Vec<f64>)]) -> f64 {
    let mut t = dep.total(skus[0].1.len());
    for (s, a) in skus {
        t.add(s, a, 0.0);
    }
    t.finish().sd
}

#[test]
fn the_recursion_is_the_double_sum() {
    let dep = Dependence::fixed(0.6, 0.0, 0.0).unwrap();
    let a = [3.0, -1.0, 2.5, 0.0, 4.0];
    let mut brute = 0.0;
    for (t, x) in a.iter().enumerate() {
        for (s, y) in a.iter().enumerate() {
            brute += x * y * 0.6f64.powi((t as i32 - s as i32).abs());
        }
    }
    assert!((dep.q(&a) - brute).abs() < 1e-9, "{} vs {brute}", dep.q(&a));
}

#[test]
fn hand_worked_totals_at_zero_partial_and_full_correlation() {
    // Two skus of one family, one month, sd 30 and 40.
    let two = |c: f64| {
        let dep = Dependence::fixed(0.0, c, 0.0)
            .unwrap()
            .with_families(&products(&[("A", "F"), ("B", "F")]));
        analytic_sd(&dep, &[("A", vec![30.0]), ("B", vec![40.0])])
    };
    assert!(
        (two(0.0) - 50.0).abs() < 1e-9,
        "independent: sqrt(900 + 1600)"
    );
    assert!((two(1.0) - 70.0).abs() < 1e-9, "fully correlated: 30 + 40");
    // c = 0.5: 900 + 1600 + 2 * 0.5 * 1200 = 3700.
    assert!((two(0.5) - 3700f64.sqrt()).abs() < 1e-9);
    // Different families only share the portfolio factor.
    let dep = Dependence::fixed(0.0, 0.9, 0.2)
        .unwrap()
        .with_families(&products(&[("A", "F"), ("B", "G")]));
    let sd = analytic_sd(&dep, &[("A", vec![30.0]), ("B", vec![40.0])]);
    assert!((sd - (2500.0 + 2.0 * 0.2 * 1200.0f64).sqrt()).abs() < 1e-9);
}

#[test]
fn the_analytic_total_agrees_with_a_simulation_of_the_model() {
    let skus: Vec<(&str, Vec<f64>)> = vec![
        ("A1", vec![10.0, 12.0, 8.0, 9.0]),
        ("A2", vec![5.0, 5.0, 6.0, 7.0]),
        ("A3", vec![20.0, 0.0, 15.0, 10.0]),
        ("B1", vec![7.0, 9.0, 11.0, 13.0]),
        ("B2", vec![3.0, 4.0, 5.0, 6.0]),
        ("C1", vec![12.0, 12.0, 12.0, 12.0]),
    ];
    let fams = products(&[
        ("A1", "A"),
        ("A2", "A"),
        ("A3", "A"),
        ("B1", "B"),
        ("B2", "B"),
    ]);
    for (rho, cf, cp) in [
        (0.0, 0.0, 0.0),
        (0.5, 0.4, 0.15),
        (0.9, 1.0, 1.0),
        (0.3, 0.6, 0.0),
    ] {
        let dep = Dependence::fixed(rho, cf, cp).unwrap().with_families(&fams);
        let a = analytic_sd(&dep, &skus);
        let s = simulate_sd(&dep, &skus, 40_000);
        assert!(
            (s / a - 1.0).abs() < 0.02,
            "rho {rho}, c_f {cf}, c_p {cp}: analytic {a:.2}, simulated {s:.2}"
        );
    }
}

#[test]
fn quantiles_bounds_and_exceedance() {
    let t = Total {
        mean: 1000.0,
        sd: 100.0,
    };
    let (lo, hi) = t.bounds(Level::new(95.0).unwrap());
    assert!((hi - 1195.996).abs() < 0.01 && (lo - 804.004).abs() < 0.01);
    assert!((t.prob_above(1164.485) - 0.05).abs() < 1e-4);
    assert_eq!(
        Total {
            mean: 5.0,
            sd: 100.0
        }
        .quantile(0.05),
        0.0,
        "cut at zero"
    );
    assert_eq!(Total { mean: 5.0, sd: 0.0 }.prob_above(4.0), 1.0);
}

#[test]
fn settings_are_checked_with_their_key() {
    let bad = |m, f, p| {
        UncertaintySettings {
            month_correlation: m,
            family_correlation: f,
            portfolio_correlation: p,
        }
        .check()
        .unwrap_err()
    };
    let e = bad(Some(1.5), None, None);
    assert_eq!(e.field, "uncertainty.month_correlation");
    assert_eq!(e.reason, "1.5 is not a correlation: expected -1 to 1");
    let e = bad(None, Some(-0.2), None);
    assert_eq!(e.field, "uncertainty.family_correlation");
    assert!(e
        .reason
        .starts_with("-0.2 is not a correlation the model can hold: expected 0 to 1"));
    let e = bad(None, Some(0.2), Some(0.3));
    assert_eq!(e.field, "uncertainty.portfolio_correlation");
    assert!(UncertaintySettings::default().check().is_ok());
}

/// Histories whose noise follows the model: a common factor for all skus, one per family.
fn factor_history(
    skus_per_family: usize,
    families: usize,
    cf: f64,
    cp: f64,
    months: usize,
) -> (DemandHistory, Vec<Product>) {
    let mut rng = PathRng::new(11, 3);
    let g: Vec<f64> = (0..months).map(|_| rng.normal()).collect();
    let mut series = Vec::new();
    let mut prods = Vec::new();
    for f in 0..families {
        let fam: Vec<f64> = (0..months).map(|_| rng.normal()).collect();
        for k in 0..skus_per_family {
            let sku = format!("F{f}-{k}");
            let q: Vec<f64> = (0..months)
                .map(|t| {
                    let x = cp.sqrt() * g[t]
                        + (cf - cp).sqrt() * fam[t]
                        + (1.0 - cf).sqrt() * rng.normal();
                    let season = 1.0 + 0.2 * ((t % 12) as f64 * std::f64::consts::PI / 6.0).sin();
                    (500.0 * season + 40.0 * x).max(0.0)
                })
                .collect();
            series.push(SkuHistory {
                sku: sku.clone(),
                start: Month::new(2022, 1).unwrap(),
                quantities: q,
            });
            prods.push(Product::new(&sku, &format!("fam{f}"), None, None).unwrap());
        }
    }
    (DemandHistory::from_series(series), prods)
}

#[test]
fn estimates_recover_a_known_factor_structure() {
    let (h, p) = factor_history(8, 5, 0.5, 0.2, 60);
    let dep = estimate(&h, &p, 12, &UncertaintySettings::default());
    assert!(
        matches!(dep.family.source, Source::Estimated { months: 24, .. }),
        "{dep:?}"
    );
    assert!(
        (dep.family.value - 0.5).abs() < 0.1,
        "family {}",
        dep.family.value
    );
    assert!(
        (dep.portfolio.value - 0.2).abs() < 0.1,
        "portfolio {}",
        dep.portfolio.value
    );
    // Independent skus: both near zero.
    let (h, p) = factor_history(8, 5, 0.0, 0.0, 60);
    let dep = estimate(&h, &p, 12, &UncertaintySettings::default());
    assert!(
        dep.family.value < 0.08 && dep.portfolio.value < 0.05,
        "{dep:?}"
    );
    // The settings win over the estimate, and say so.
    let fixed = UncertaintySettings {
        family_correlation: Some(0.4),
        ..Default::default()
    };
    let dep = estimate(&h, &p, 12, &fixed);
    assert_eq!(dep.family.value, 0.4);
    assert_eq!(dep.family.source, Source::Configured);
    assert!(
        dep.describe()
            .contains("skus within a family at 0.40 (set in [uncertainty])"),
        "{}",
        dep.describe()
    );
}

#[test]
fn estimates_say_how_many_months_of_errors_they_used() {
    // 36 months, season 12: one-step errors from month 24 (two seasons to start) to month 34
    // (each needs the month after it for its two-step partner): 11 months per sku, under the
    // 24 the estimate would take.
    let (h, p) = factor_history(8, 5, 0.5, 0.2, 36);
    let dep = estimate(&h, &p, 12, &UncertaintySettings::default());
    for c in [&dep.month, &dep.family, &dep.portfolio] {
        assert_eq!(
            c.source,
            Source::Estimated {
                observations: 40 * 11,
                months: 11
            },
            "{dep:?}"
        );
    }
    assert!(
        dep.describe().contains("over the last 11 months"),
        "{}",
        dep.describe()
    );
}

#[test]
fn too_little_history_keeps_the_assumed_model_and_says_so() {
    let (h, p) = factor_history(1, 1, 0.0, 0.0, 20);
    let dep = estimate(&h, &p, 12, &UncertaintySettings::default());
    assert_eq!(dep.month, Correlation::assumed(ASSUMED[0]));
    assert_eq!(
        dep.describe(),
        "forecast errors correlated: consecutive months of a sku at 0.50, skus within a family \
         at 0.25, skus across families at 0.10 (assumed: too little history to estimate)"
    );
}

#[test]
fn family_totals_are_quantiles_of_each_familys_total() {
    use crate::forecast::{Forecast, Interval};
    let l95 = Level::new(95.0).unwrap();
    let z = crate::demand_plan::z_two_sided(l95);
    let sku = |s: &str| SkuPlan {
        sku: s.into(),
        model: "test".into(),
        forecast: Forecast {
            point: vec![100.0],
            intervals: vec![Interval {
                level: l95,
                lo: vec![100.0 - 10.0 * z],
                hi: vec![100.0 + 10.0 * z],
            }],
        },
    };
    let plan = DemandPlan {
        start: Month::new(2027, 1).unwrap(),
        horizon: 1,
        levels: vec![l95],
        skus: vec![sku("A1"), sku("A2"), sku("B1")],
        dependence: Dependence::fixed(0.0, 1.0, 0.0)
            .unwrap()
            .with_families(&products(&[("A1", "A"), ("A2", "A"), ("B1", "B")])),
    };
    let f = plan.family_totals();
    let names: Vec<&str> = f.iter().map(|t| t.family.as_str()).collect();
    assert_eq!(names, ["A", "B", "(all)"]);
    // A: two skus moving as one, sd 20; B: sd 10; all: families independent, sqrt(500).
    for (t, sd, skus) in [
        (&f[0], 20.0, 2),
        (&f[1], 10.0, 1),
        (&f[2], 500f64.sqrt(), 3),
    ] {
        assert_eq!(t.skus, skus);
        let (_, lo, hi) = t.ranges[0];
        assert!((hi - t.volume - z * sd).abs() < 1e-9 && (t.volume - lo - z * sd).abs() < 1e-9);
    }
    assert_eq!(f[2].volume, 300.0);
}
