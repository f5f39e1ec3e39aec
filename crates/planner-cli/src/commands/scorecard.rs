//! `planner scorecard`: the partnership scorecard from what was shipped and received.

use planner_core::scorecard::{self, Metric, Scorecard, ALL};

use super::Context;
use crate::cli::ScorecardArgs;
use crate::load::{self, deliveries};
use crate::write::scorecard_tables::{self as tables, show, show_gap};
use crate::write::Guard;

/// Runs `planner scorecard`.
pub fn run(args: &ScorecardArgs, ctx: &Context) -> anyhow::Result<()> {
    let folder = load::folder_or_first_error(&args.data)?;
    let path = folder.dir.join(deliveries::DELIVERIES);
    if !path.is_file() {
        anyhow::bail!(
            "{}: {} is missing: `planner scorecard` needs it (see docs/files.md)",
            folder.dir.display(),
            deliveries::DELIVERIES
        );
    }
    let rows = deliveries::deliveries_file(&path)?;
    let toml = folder.dir.join(deliveries::SETTINGS);
    let mut settings = if toml.is_file() {
        deliveries::settings(&toml)?
    } else {
        scorecard::ScorecardSettings::default()
    };
    if let Some(as_of) = args.as_of {
        settings.as_of = Some(as_of);
    }
    let previous = args
        .previous
        .as_deref()
        .map(load::demand_plan)
        .transpose()?;

    let mut guard = Guard::new(&folder.inputs);
    guard.protect(&path);
    guard.protect(&toml);
    if let Some(p) = &args.previous {
        guard.protect(p);
    }

    let card = scorecard::score(
        &rows,
        &folder.input.products,
        &folder.input.tiers,
        &folder.input.history,
        previous.as_ref(),
        &settings,
    )?;

    let out = &args.out;
    guard.table(&out.join("scorecard.csv"), &tables::scorecard(&card))?;
    guard.table(&out.join("scorecard_lines.csv"), &tables::lines(&card))?;
    guard.table(&out.join("scorecard_misses.csv"), &tables::misses(&card))?;
    let charts = tables::charts(&card)?;
    let dir = out.join("charts");
    for c in &charts {
        guard.write(&dir.join(format!("{}.svg", c.stem)), |w| {
            w.write_all(c.svg.as_bytes())?;
            Ok(())
        })?;
        guard.write(&dir.join(format!("{}.png", c.stem)), |w| {
            w.write_all(&c.png)?;
            Ok(())
        })?;
    }
    summarize(&card, args.previous.is_some(), ctx);
    ctx.say(format!(
        "wrote {}: scorecard.csv, scorecard_lines.csv, scorecard_misses.csv and {} charts in charts/",
        out.display(),
        charts.len()
    ));
    Ok(())
}

/// The terminal summary: per metric, the months that missed their target and by how much, then
/// the families that missed a target in the latest month.
pub fn summarize(card: &Scorecard, previous_given: bool, ctx: &Context) {
    let (Some(first), Some(last)) = (card.months.first(), card.months.last()) else {
        return;
    };
    let open: usize = card.totals().map(|r| r.open_lines).sum();
    ctx.say(format!(
        "scorecard as of {}: {first} to {last}, {} families, {} PO lines ({open} open, not yet due; grace {} days)",
        card.as_of,
        card.families().len(),
        card.lines.len(),
        card.grace_days,
    ));
    let t = &card.targets;
    for metric in Metric::ALL {
        let target = match metric {
            Metric::Otd => format!("target {}", show(metric, t.otd)),
            Metric::Ppm => format!("target at most {}", show(metric, t.ppm)),
            Metric::Fpy => format!("target {}", show(metric, t.fpy)),
            Metric::Price => format!("tolerance ±{}", show(metric, t.price_tolerance)),
            Metric::Wape => match t.wape {
                Some(w) => format!("target at most {}", show(metric, w)),
                None => "no target".to_string(),
            },
        };
        let judged = card.totals().filter(|r| r.value(metric).is_some()).count();
        if judged == 0 {
            match metric {
                Metric::Price => ctx.say(
                    "  price vs quote: not scored (no unit_price in deliveries.csv, or no price tiers)",
                ),
                Metric::Wape if !previous_given => {
                    ctx.say("  forecast error (WAPE): not scored (no --previous forecast)")
                }
                Metric::Wape => ctx.say(
                    "  forecast error (WAPE): not scored (the previous forecast has no month with actuals in the window)",
                ),
                _ => {}
            }
            continue;
        }
        let misses: Vec<_> = card
            .misses
            .iter()
            .filter(|m| m.family == ALL && m.metric == metric)
            .collect();
        let latest = card
            .totals()
            .filter_map(|r| r.value(metric).map(|v| (r, v)))
            .last();
        let latest = latest.map_or_else(String::new, |(r, v)| {
            let miss = misses.iter().find(|m| m.month == r.month);
            match miss {
                Some(m) => format!(
                    "; {} at {} ({} {})",
                    r.month,
                    show(metric, v),
                    show_gap(metric, m.gap),
                    if matches!(metric, Metric::Otd | Metric::Fpy) {
                        "short"
                    } else {
                        "over"
                    }
                ),
                None => format!("; {} at {}", r.month, show(metric, v)),
            }
        });
        let verdict = if misses.is_empty() {
            if metric == Metric::Wape && t.wape.is_none() {
                format!("{judged} months scored")
            } else {
                format!("met in all {judged} months scored")
            }
        } else {
            let worst = misses
                .iter()
                .max_by(|a, b| a.gap.total_cmp(&b.gap))
                .expect("not empty");
            format!(
                "MISSED in {} of {judged} months, worst {} at {} (by {})",
                misses.len(),
                worst.month,
                show(metric, worst.value),
                show_gap(metric, worst.gap)
            )
        };
        ctx.say(format!(
            "  {} ({target}): {verdict}{latest}",
            metric.label()
        ));
    }
    let family_misses: Vec<String> = card
        .misses
        .iter()
        .filter(|m| m.month == *last && m.family != ALL)
        .map(|m| {
            format!(
                "{} {} at {} (by {})",
                m.family,
                m.metric.label(),
                show(m.metric, m.value),
                show_gap(m.metric, m.gap)
            )
        })
        .collect();
    if !family_misses.is_empty() {
        ctx.say(format!("  {last} by family: {}", family_misses.join("; ")));
    }
    if !card.skus_without_tiers.is_empty() {
        ctx.say(format!(
            "  note: {} skus have a unit_price but no price tiers; their prices are not compared: {}",
            card.skus_without_tiers.len(),
            card.skus_without_tiers.join(", ")
        ));
    }
    if card.future_lines > 0 {
        ctx.say(format!(
            "  note: {} PO lines are due after {last} and not scored yet",
            card.future_lines
        ));
    }
}
