//! Which skus and lines get a chart: the default choice by volume, range and overloaded
//! lines, or the classes and skus `--charts` names.

use super::*;

/// Lines overloaded at the forecast or at risk (as in the terminal summary).
fn overloaded_lines(plan: &CapacityPlan) -> BTreeSet<&str> {
    plan.at_risk().map(|r| r.line.as_str()).collect()
}

/// The skus' places in the plan with their `key`, largest first (ties in plan order).
fn ranked(plan: &DemandPlan, key: impl Fn(&SkuPlan) -> f64) -> Vec<(usize, f64)> {
    let mut v: Vec<(usize, f64)> = plan
        .skus
        .iter()
        .enumerate()
        .map(|(i, s)| (i, key(s)))
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

/// The skus worth a chart: all of them when there are at most `n`; otherwise half of `n` by
/// planned volume, a quarter by the widest range (the summed width of the widest level) and a
/// quarter of the largest skus made on an overloaded or at-risk line, topped up by volume.
pub fn select_skus(
    plan: &DemandPlan,
    capacity: Option<&CapacityPlan>,
    routings: &[RoutingStep],
    n: usize,
) -> Vec<Selected> {
    if plan.skus.len() <= n {
        return plan
            .skus
            .iter()
            .map(|s| Selected {
                key: s.sku.clone(),
                reasons: vec!["all"],
            })
            .collect();
    }
    let volume = |s: &SkuPlan| -> f64 { s.forecast.point.iter().filter(|v| v.is_finite()).sum() };
    let width = |s: &SkuPlan| -> f64 {
        s.forecast
            .intervals
            .iter()
            .map(|i| i.hi.iter().zip(&i.lo).map(|(h, l)| h - l).sum::<f64>())
            .filter(|w| w.is_finite())
            .fold(0.0, f64::max)
    };
    let by_volume = ranked(plan, volume);
    let by_width = ranked(plan, width);
    let hot: Vec<usize> = match capacity {
        Some(c) => {
            let lines = overloaded_lines(c);
            let skus: BTreeSet<&str> = routings
                .iter()
                .filter(|r| lines.contains(r.line.as_str()))
                .map(|r| r.sku.as_str())
                .collect();
            by_volume
                .iter()
                .filter(|(i, _)| skus.contains(plan.skus[*i].sku.as_str()))
                .map(|(i, _)| *i)
                .collect()
        }
        None => Vec::new(),
    };

    let mut chosen: Vec<(usize, Vec<&'static str>)> = Vec::new();
    let mut at: HashMap<usize, usize> = HashMap::new();
    let mut take = |list: &mut dyn Iterator<Item = usize>, quota: usize, why: &'static str| {
        let mut added = 0;
        for i in list {
            if added >= quota || chosen.len() >= n {
                break;
            }
            match at.get(&i) {
                Some(&k) => {
                    if !chosen[k].1.contains(&why) {
                        chosen[k].1.push(why);
                    }
                }
                None => {
                    at.insert(i, chosen.len());
                    chosen.push((i, vec![why]));
                    added += 1;
                }
            }
        }
    };
    let q_volume = n.div_ceil(2);
    let q_range = n / 4;
    let q_hot = n - q_volume - q_range;
    take(
        &mut by_volume.iter().map(|x| x.0).take(q_volume),
        q_volume,
        "top volume",
    );
    take(&mut hot.iter().copied(), q_hot, "on an overloaded line");
    take(&mut by_width.iter().map(|x| x.0), q_range, "widest range");
    take(&mut by_volume.iter().map(|x| x.0), n, "top volume");
    chosen
        .into_iter()
        .map(|(i, reasons)| Selected {
            key: plan.skus[i].sku.clone(),
            reasons,
        })
        .collect()
}

/// The skus `--charts` names: a comma-separated list of classes (`A`, `X`, `AX`, see
/// [`ClassFilter`]) and skus of the plan (`sku:NAME` for a sku named like a class). A class
/// brings its skus by value (largest first); the skus come in the order given, each once.
/// Returns the skus selected and how many (at most [`MAX_PICKED`] are kept).
///
/// # Errors
/// An item that is neither a class nor a sku of the plan.
pub fn pick_skus(spec: &str, plan: &Plan) -> anyhow::Result<(Vec<Selected>, usize)> {
    let mut out: Vec<Selected> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut push = |sku: &str, why: &'static str, out: &mut Vec<Selected>| {
        if seen.insert(sku.to_string()) {
            out.push(Selected {
                key: sku.to_string(),
                reasons: vec![why],
            });
        }
    };
    let items: Vec<&str> = spec
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if items.is_empty() {
        anyhow::bail!(
            "--charts: expected classes (A, B, C, X, Y, Z, AX ... CZ) or skus, separated by commas"
        );
    }
    for item in items {
        let as_sku = item.strip_prefix("sku:").map(str::trim);
        match (as_sku, item.parse::<ClassFilter>()) {
            (None, Ok(class)) => {
                for s in plan.segments.select(&class) {
                    push(&s.sku, "a --charts class", &mut out);
                }
            }
            _ => {
                let sku = as_sku.unwrap_or(item);
                if plan.forecast.demand.get(sku).is_none() {
                    anyhow::bail!(
                        "--charts: {sku:?} is neither a class (A, B, C, X, Y, Z, AX ... CZ) nor a sku of the plan"
                    );
                }
                push(sku, "named in --charts", &mut out);
            }
        }
    }
    let n = out.len();
    out.truncate(MAX_PICKED);
    Ok((out, n))
}

/// The lines worth a chart: all of them when there are at most `n`, else the `n` with the highest
/// peak utilization (at the forecast or at an upper bound).
pub fn select_lines(plan: &CapacityPlan, n: usize) -> Vec<Selected> {
    let mut peak: Vec<(&str, f64)> = Vec::new();
    for r in &plan.rows {
        let u = r
            .upper
            .iter()
            .filter_map(|u| u.utilization)
            .chain(r.utilization)
            .fold(0.0_f64, f64::max);
        match peak.iter_mut().find(|p| p.0 == r.line) {
            Some(p) => p.1 = p.1.max(u),
            None => peak.push((&r.line, u)),
        }
    }
    if peak.len() <= n {
        return peak
            .iter()
            .map(|p| Selected {
                key: p.0.to_string(),
                reasons: vec!["all"],
            })
            .collect();
    }
    let mut ranked = peak.clone();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let keep: BTreeSet<&str> = ranked.iter().take(n).map(|p| p.0).collect();
    // Keep the lines in their own order.
    peak.iter()
        .filter(|p| keep.contains(p.0))
        .map(|p| Selected {
            key: p.0.to_string(),
            reasons: vec!["highest peak utilization"],
        })
        .collect()
}
