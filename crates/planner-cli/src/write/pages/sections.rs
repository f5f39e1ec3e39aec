//! The review, scorecard and scenario sections of a report page: `planner plan` appends the first
//! two to `report.html` (with `--previous`, and when the folder has `deliveries.csv`), and
//! `planner review`, `planner scorecard` and `planner scenario` each write a page of their own.

use planner_core::review::{AccuracyRow, Review, Scope};
use planner_core::scenario::Comparison;
use planner_core::scorecard::{Metric, Miss, Scorecard, ALL};

use super::{Attention, Block, Card, Section};
use crate::write::charts::Chart;
use crate::write::tables::Table;
use crate::write::{num, thousands};

/// Items of each kind in a section's attention list.
const ITEMS: usize = 10;

/// A share as a percentage with one decimal (`12.5 %`), `n/a` when there is none.
pub fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_string(), |v| format!("{} %", num(100.0 * v, 1)))
}

/// A number with its sign, `+` included (`+12`, `-3`, `0`).
pub fn signed(x: f64, decimals: usize) -> String {
    let s = num(x, decimals);
    if x > 0.0 && s != "0" {
        format!("+{s}")
    } else {
        s
    }
}

fn attention(tag: &'static str, severity: &'static str, text: String) -> Attention {
    Attention {
        tag,
        severity,
        text,
    }
}

/// Table blocks of tables named by their file stem, each behind a collapsible summary.
fn csv_tables<'a>(tables: &'a [(&'static str, Table)]) -> impl Iterator<Item = Block<'a>> {
    tables
        .iter()
        .map(|(stem, t)| Block::collapsed_table(format!("{stem}.csv"), t))
}

/// The accuracy row the review leads with: the total over every sku at the shortest lag.
fn headline_accuracy(review: &Review) -> Option<&AccuracyRow> {
    review
        .accuracy
        .iter()
        .filter(|r| r.scope == Scope::Total)
        .min_by_key(|r| r.lag)
}

/// The review's headline cards, on its own page and on the report's headline alike: the WAPE
/// of the shortest lag (when there are actuals to judge it by) and the fence breaks.
pub fn review_headline(review: &Review) -> Vec<Card> {
    let mut cards: Vec<Card> = headline_accuracy(review)
        .map(wape_card)
        .into_iter()
        .collect();
    cards.push(fence_breaks_card(review));
    cards
}

/// `WAPE, lag 1`: red when the forecast adds no value over the seasonal naive.
fn wape_card(t: &AccuracyRow) -> Card {
    Card {
        label: format!("WAPE, lag {}", t.lag),
        value: pct(t.wape),
        detail: format!(
            "{} sku-months {} to {}; seasonal naive {}",
            thousands(t.n as f64),
            t.first,
            t.last,
            pct(t.snaive_wape)
        ),
        class: fva_class(t.fva),
    }
}

/// The changes beyond their time fence, and how many units beyond.
fn fence_breaks_card(review: &Review) -> Card {
    let ft = &review.fence_total;
    Card {
        label: "fence breaks".into(),
        value: thousands(ft.violations as f64),
        detail: if review.fences.is_empty() {
            "no time fences in planner.toml".into()
        } else {
            format!(
                "{} skus, {} units beyond the fences",
                thousands(ft.skus as f64),
                thousands(ft.excess)
            )
        },
        class: if ft.violations > 0 { "bad" } else { "ok" },
    }
}

/// Red when the forecast is worse than the seasonal naive, green when better, plain when
/// there is no value added to judge.
fn fva_class(fva: Option<f64>) -> &'static str {
    match fva {
        Some(f) if f < 0.0 => "bad",
        Some(_) => "ok",
        None => "",
    }
}

/// The review page's cards: the headline's ([`review_headline`]) with, between the WAPE and
/// the fence breaks, the bias, the share of actuals inside the narrowest range and the value
/// added over the seasonal naive; last the tracking-signal alarms.
fn review_cards(review: &Review) -> Vec<Card> {
    let mut cards = Vec::new();
    if let Some(t) = headline_accuracy(review) {
        cards.push(wape_card(t));
        cards.push(Card {
            label: "bias (forecast - actual)".into(),
            value: signed(t.bias, 0),
            detail: format!("{} of the actuals; + = over-forecast", pct(t.bias_pct)),
            class: "",
        });
        if let Some((level, held)) = t.coverage.first() {
            cards.push(Card {
                label: format!("{} % range held", level.label()),
                value: pct(Some(*held)),
                detail: format!("of the sku-months, promised {} %", level.label()),
                class: if *held + 0.1 < level.fraction() {
                    "warn"
                } else {
                    "ok"
                },
            });
        }
        cards.push(Card {
            label: "value added vs seasonal naive".into(),
            value: t
                .fva
                .map_or_else(|| "n/a".into(), |f| format!("{} pts", signed(100.0 * f, 1))),
            detail: "WAPE points the forecast saves over last year's month".into(),
            class: match t.fva {
                Some(f) if f < 0.0 => "bad",
                _ => "",
            },
        });
    }
    cards.push(fence_breaks_card(review));
    let alarms = review.alarms().count();
    cards.push(Card {
        label: "tracking signal alarms".into(),
        value: thousands(alarms as f64),
        detail: "skus whose cumulative error is beyond the threshold times MAD".into(),
        class: if alarms == 0 { "ok" } else { "warn" },
    });
    cards
}

/// How a time fence's limit is worded: `frozen` (0), or `within 10 %`.
pub fn fence_words(max_change: f64) -> String {
    if max_change == 0.0 {
        "frozen".to_string()
    } else {
        format!("within {} %", num(100.0 * max_change, 1))
    }
}

/// The review's attention list: the largest fence breaks (then how many more), the tracking
/// signal alarms, the largest changes and the review's notes.
fn review_items(review: &Review) -> Vec<Attention> {
    let mut items = Vec::new();
    let mut v: Vec<_> = review.violations.iter().collect();
    v.sort_by(|a, b| b.excess.total_cmp(&a.excess));
    for x in v.iter().take(ITEMS) {
        items.push(attention(
            "fence",
            "bad",
            format!(
                "{} {} (month {}, {}): {} -> {}, {} units beyond",
                x.sku,
                x.month,
                x.fence_month,
                fence_words(x.max_change),
                thousands(x.previous),
                thousands(x.current),
                thousands(x.excess)
            ),
        ));
    }
    if v.len() > ITEMS {
        items.push(attention(
            "fence",
            "note",
            format!("and {} more in review_fences.csv", v.len() - ITEMS),
        ));
    }
    for r in review.alarms().take(ITEMS) {
        items.push(attention(
            "alarm",
            "warn",
            format!(
                "{} (lag {}): tracking signal {} ({})",
                r.key,
                r.lag,
                signed(r.tracking_signal.unwrap_or(0.0), 1),
                if r.tracking_signal.unwrap_or(0.0) > 0.0 {
                    "forecast runs high"
                } else {
                    "forecast runs low"
                }
            ),
        ));
    }
    for c in review.largest_changes(5) {
        items.push(attention(
            "change",
            "note",
            format!(
                "{} {} (month {}): {} -> {} ({}{})",
                c.sku,
                c.month,
                c.fence_month,
                thousands(c.previous),
                thousands(c.current),
                signed(c.change, 0),
                c.change_pct
                    .map_or_else(String::new, |p| format!(", {} %", signed(100.0 * p, 1))),
            ),
        ));
    }
    for n in &review.notes {
        items.push(attention("note", "note", n.clone()));
    }
    items
}

/// The monthly review: accuracy of last month's forecast, the change, the time fences and the
/// tracking-signal alarms; `figures` are fan charts with last month's forecast overlaid, written
/// under `dir`. Without `with_list` the section leaves its list out (report.html ranks the same
/// items among the plan's findings).
pub fn review<'a>(
    review: &Review,
    tables: &'a [(&'static str, Table)],
    figures: &'a [Chart],
    dir: &'static str,
    with_list: bool,
) -> Section<'a> {
    let mut blocks = vec![
        Block::Note(format!(
            "This month's plan from {} against the forecast made for {}; actuals through {}.",
            review.start,
            review.baseline,
            review
                .actuals_through
                .map_or_else(|| "none".to_string(), |m| m.to_string())
        )),
        Block::Cards(review_cards(review)),
    ];
    if with_list {
        blocks.push(Block::Attention(
            review_items(review),
            "Nothing: every change within its fence and no tracking signal alarm.",
        ));
    } else {
        blocks.push(Block::Note(
            "The fence breaks, the actuals outside their range, the bias alarms and the largest \
             changes are ranked with the plan's findings under Needs a decision."
                .into(),
        ));
    }
    if !figures.is_empty() {
        blocks.push(Block::Heading(
            "This month's forecast against last month's".into(),
        ));
        blocks.push(Block::Note(
            "Dashed orange: last month's forecast; shaded: this month's ranges.".into(),
        ));
        blocks.extend(figures.iter().map(|c| Block::Figure(c, dir)));
    }
    blocks.extend(csv_tables(tables));
    Section {
        id: "review".into(),
        title: "Monthly review".into(),
        blocks,
    }
}

/// One line per metric: met or missed, by how much, and the latest month. Shared by the
/// terminal summary and the report.
pub fn scorecard_verdicts(card: &Scorecard, previous_given: bool) -> Vec<Attention> {
    Metric::ALL
        .into_iter()
        .filter_map(|metric| {
            let judged = card.totals().filter(|r| r.value(metric).is_some()).count();
            if judged == 0 {
                not_scored(metric, previous_given)
            } else {
                Some(verdict(card, metric, judged))
            }
        })
        .collect()
}

/// What a metric is judged against: `target 95 %`, `target at most 500`, `tolerance ±2 %`.
fn target_text(card: &Scorecard, metric: Metric) -> String {
    let t = &card.targets;
    match metric {
        Metric::Otd => format!("target {}", show(metric, t.otd)),
        Metric::Ppm => format!("target at most {}", show(metric, t.ppm)),
        Metric::Fpy => format!("target {}", show(metric, t.fpy)),
        Metric::Price => format!(
            "tolerance ±{}{}",
            show(metric, t.price_tolerance),
            if card.index_linked {
                "; quotes index-linked"
            } else {
                ""
            }
        ),
        Metric::Wape => match t.wape {
            Some(w) => format!("target at most {}", show(metric, w)),
            None => "no target".to_string(),
        },
    }
}

/// Why a metric with no month scored is not: the price without prices paid or tiers, the WAPE
/// without a `--previous` forecast; nothing for the others.
fn not_scored(metric: Metric, previous_given: bool) -> Option<Attention> {
    let text = match metric {
        Metric::Price => {
            "price vs quote: not scored (no unit_price in deliveries.csv, or no price tiers)"
        }
        Metric::Wape if !previous_given => {
            "forecast error (WAPE): not scored (no --previous forecast)"
        }
        _ => return None,
    };
    Some(attention(metric.as_str(), "note", text.into()))
}

/// A metric scored in `judged` months: met in all of them, or missed in some (the worst
/// month and by how much), and its latest month.
fn verdict(card: &Scorecard, metric: Metric, judged: usize) -> Attention {
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
        match misses.iter().find(|m| m.month == r.month) {
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
    let worst = misses.iter().max_by(|a, b| a.gap.total_cmp(&b.gap));
    let (severity, verdict) = match worst {
        None if metric == Metric::Wape && card.targets.wape.is_none() => {
            ("note", format!("{judged} months scored"))
        }
        None => ("ok", format!("met in all {judged} months scored")),
        Some(worst) => (
            "bad",
            format!(
                "MISSED in {} of {judged} months, worst {} at {} (by {})",
                misses.len(),
                worst.month,
                show(metric, worst.value),
                show_gap(metric, worst.gap)
            ),
        ),
    };
    attention(
        metric.as_str(),
        severity,
        format!(
            "{} ({}): {verdict}{latest}",
            metric.label(),
            target_text(card, metric)
        ),
    )
}

/// A value as the terminal summary shows it: shares in percent, PPM as a whole number.
pub fn show(metric: Metric, v: f64) -> String {
    if metric.is_share() {
        format!("{} %", num(v * 100.0, 1))
    } else {
        num(v, 0)
    }
}

/// A gap as the terminal summary shows it: percentage points for shares.
pub fn show_gap(metric: Metric, gap: f64) -> String {
    if metric.is_share() {
        let points = num(gap * 100.0, 1);
        let unit = if points == "1" { "point" } else { "points" };
        format!("{points} {unit}")
    } else {
        num(gap, 0)
    }
}

/// The families' misses in the scorecard's latest month.
pub fn latest_family_misses(card: &Scorecard) -> impl Iterator<Item = &Miss> {
    let last = card.months.last().copied();
    card.misses
        .iter()
        .filter(move |m| Some(m.month) == last && m.family != ALL)
}

/// A miss as `on-time delivery at 75 % (by 20 points)`.
pub fn miss_text(m: &Miss) -> String {
    format!(
        "{} at {} (by {})",
        m.metric.label(),
        show(m.metric, m.value),
        show_gap(m.metric, m.gap)
    )
}

/// The partnership scorecard: each metric's verdict, the latest month's family misses, the
/// trend charts with their target lines (written under `dir`) and the tables.
pub fn scorecard<'a>(
    card: &Scorecard,
    previous_given: bool,
    tables: &'a [(&'static str, Table)],
    figures: &'a [Chart],
    dir: &'static str,
) -> Section<'a> {
    let mut cards = Vec::new();
    if let Some(last) = card.totals().last() {
        for metric in Metric::ALL {
            if let Some(v) = last.value(metric) {
                let missed = card
                    .misses
                    .iter()
                    .any(|m| m.family == ALL && m.metric == metric && m.month == last.month);
                cards.push(Card {
                    label: metric.label().to_string(),
                    value: show(metric, v),
                    detail: format!("{}", last.month),
                    class: if missed { "bad" } else { "ok" },
                });
            }
        }
    }
    let mut items: Vec<Attention> = scorecard_verdicts(card, previous_given)
        .into_iter()
        .map(|mut a| {
            if a.severity == "ok" {
                a.severity = "note";
            }
            a
        })
        .collect();
    for m in latest_family_misses(card) {
        items.push(attention(
            "family",
            "warn",
            format!("{} {}: {}", m.month, m.family, miss_text(m)),
        ));
    }
    let mut blocks = vec![
        Block::Note(format!(
            "As of {}: {} months, {} families, {} PO lines; on time means within {} days of the due date.",
            card.as_of,
            card.months.len(),
            card.families().len(),
            thousands(card.line_count() as f64),
            card.grace_days
        )),
        Block::Cards(cards),
        Block::Attention(items, "Every target met."),
    ];
    blocks.extend(figures.iter().map(|c| Block::Figure(c, dir)));
    blocks.extend(csv_tables(tables));
    Section {
        id: "scorecard".into(),
        title: "Partnership scorecard".into(),
        blocks,
    }
}

/// The scenarios side by side: a card per plan with its description and headline figures, the
/// comparison chart and the tables. `descriptions` run in the order of the comparison's plans.
pub fn scenarios<'a>(
    comparison: &Comparison,
    descriptions: &[String],
    chart: Option<&'a Chart>,
    tables: &'a [(String, Table)],
) -> Section<'a> {
    let value = |metric: &str, i: usize| comparison.headline(metric, i);
    let mut cards = Vec::new();
    for (i, name) in comparison.plans.iter().enumerate() {
        let mut parts = Vec::new();
        if let Some(v) = value("unmet_units", i) {
            parts.push(format!("unmet {}", thousands(v)));
        }
        if let Some(v) = value("past_due_releases", i) {
            parts.push(format!("{} past-due releases", thousands(v)));
        }
        if let Some(v) = value("prebuy_cash", i) {
            parts.push(format!("pre-buy {}", thousands(v)));
        }
        if let Some(v) = value("spend", i) {
            parts.push(format!("spend {}", thousands(v)));
        }
        if let Some(v) = value("projected_spend", i) {
            parts.push(format!("index-linked {}", thousands(v)));
        }
        let peak = value("peak_utilization", i);
        let figures = parts.join(", ");
        let detail = match descriptions.get(i).filter(|d| !d.is_empty()) {
            Some(d) => format!("{}. {figures}", d.trim_end_matches('.')),
            None => figures,
        };
        cards.push(Card {
            label: name.clone(),
            value: peak.map_or_else(|| "n/a".into(), |p| format!("{} % peak", num(100.0 * p, 0))),
            detail,
            class: match peak {
                Some(p) if p > 1.0 => "bad",
                Some(_) => "ok",
                None => "",
            },
        });
    }
    let mut blocks = vec![
        Block::Note(
            "Each scenario is the whole plan re-run with its changes; the _vs_base columns are the change against the base."
                .into(),
        ),
        Block::Cards(cards),
    ];
    if let Some(c) = chart {
        blocks.push(Block::Figure(c, "."));
    }
    blocks.extend(tables.iter().map(|(name, t)| Block::Table(name.clone(), t)));
    Section {
        id: "scenarios".into(),
        title: "Scenarios side by side".into(),
        blocks,
    }
}
