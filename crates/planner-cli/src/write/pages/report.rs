//! `report.html`: the plan on one self-contained page a planner can mail ([`render`]).
//!
//! The plan's sections, each
//! with an `id`: `headline` (the figures, with the review's WAPE and the fence breaks and holds),
//! `decisions` (the ranked findings, as in the terminal summary and plan.xlsx's first sheet:
//! [`crate::write::findings`]), `charts`, then `fences`, `review` and `scorecard` when given
//! ([`super::sections`]), and last `tables` (each table collapsed behind its summary).

use planner_core::capacity::CapacityPlan;
use planner_core::findings::Findings;
use planner_core::materials::MaterialPlan;
use planner_core::pricing::PricingPlan;
use planner_core::review::{FenceHold, Review};
use planner_core::scenario::Plan;

use super::{html, sections, Block, Card, Page, Section, TABLE_ROWS};
use crate::write::charts::ChartSet;
use crate::write::tables::Table;
use crate::write::{num, thousands};

/// A share in whole percent: `105 %`.
fn pct(x: f64) -> String {
    format!("{} %", num(x * 100.0, 0))
}

/// The plan's headline cards: its skus, horizon and volume ([`demand_cards`]), then those of
/// each part planned: the peak utilization, the past-due releases and the pre-buy cash, the
/// spend at tier prices.
fn plan_cards(plan: &Plan) -> Vec<Card> {
    let mut out = demand_cards(plan);
    out.extend(plan.capacity.as_ref().map(|c| peak_card(&c.line_months)));
    if let Some(m) = &plan.materials {
        out.extend(material_cards(m));
    }
    out.extend(plan.pricing.as_ref().map(spend_card));
    out
}

/// The skus (and how many have a demand pattern), the horizon, and the forecast volume with
/// its range, a quantile of the plan's total under the dependence model.
fn demand_cards(plan: &Plan) -> Vec<Card> {
    let fc = &plan.forecast.demand;
    let end = fc.start.plus(fc.horizon.max(1) as i32 - 1);
    let total: f64 = fc.skus.iter().flat_map(|s| s.forecast.point.iter()).sum();
    let range = fc.levels.first().map(|l| {
        let (lo, hi) = fc.total_of(0..fc.horizon, |_| Some(1.0)).bounds(*l);
        format!(
            "{} % range {} to {} (a quantile of the total; see the uncertainty model below)",
            l,
            thousands(lo),
            thousands(hi)
        )
    });
    vec![
        Card {
            label: "skus".into(),
            value: thousands(fc.skus.len() as f64),
            detail: format!("{} with a demand pattern", plan.forecast.patterns.len()),
            class: "",
        },
        Card {
            label: "horizon".into(),
            value: format!("{} months", fc.horizon),
            detail: format!("{} to {}", fc.start, end),
            class: "",
        },
        Card {
            label: "forecast volume".into(),
            value: thousands(total),
            detail: range.unwrap_or_else(|| "a fixed plan, no range".into()),
            class: "",
        },
    ]
}

/// The busiest line's peak utilization, the next three lines' and how many are over capacity.
fn peak_card(capacity: &CapacityPlan) -> Card {
    let mut peaks: Vec<(String, f64, String)> = capacity
        .peaks()
        .into_iter()
        .map(|p| (p.line, p.utilization, p.month.to_string()))
        .collect();
    peaks.sort_by(|a, b| b.1.total_cmp(&a.1));
    let over = peaks.iter().filter(|p| p.1 > 1.0).count();
    let mut detail: Vec<String> = peaks
        .iter()
        .take(4)
        .map(|p| format!("{} {} in {}", p.0, pct(p.1), p.2))
        .collect();
    if peaks.len() > 4 {
        detail.push(format!("{} more lines", peaks.len() - 4));
    }
    Card {
        label: "peak utilization".into(),
        value: peaks.first().map_or_else(String::new, |p| pct(p.1)),
        detail: format!(
            "{}; {} of {} lines over capacity",
            detail.join(", "),
            over,
            peaks.len()
        ),
        class: if over > 0 { "bad" } else { "ok" },
    }
}

/// The past-due releases and what they are worth; the pre-buy cash and its part at risk.
fn material_cards(materials: &MaterialPlan) -> [Card; 2] {
    let s = materials.summary();
    [
        Card {
            label: "past-due releases".into(),
            value: thousands(s.past_due_count as f64),
            detail: format!("worth {}", thousands(s.past_due_value)),
            class: if s.past_due_count > 0 { "bad" } else { "ok" },
        },
        Card {
            label: "pre-buy cash".into(),
            value: thousands(s.prebuy_cash),
            detail: format!(
                "{} materials; {} at risk at the lower bound",
                s.prebuy_count,
                thousands(s.prebuy_value_at_risk)
            ),
            class: if s.prebuy_count > 0 { "warn" } else { "" },
        },
    ]
}

/// The spend at tier prices, in the first currency the tiers name, and the tier breaks within
/// reach.
fn spend_card(pricing: &PricingPlan) -> Card {
    let currency = pricing
        .rows
        .iter()
        .find_map(|r| r.currency.clone())
        .unwrap_or_default();
    Card {
        label: "spend at tier prices".into(),
        value: format!("{} {}", thousands(pricing.total_spend()), currency)
            .trim()
            .to_string(),
        detail: format!(
            "{} tier breaks within reach",
            pricing.tiers_within_reach().len()
        ),
        class: "",
    }
}

/// What the monthly report leads with besides the plan: the ranked findings, and the review
/// and the fences held when there are.
#[derive(Debug, Clone, Copy)]
pub struct Decisions<'a> {
    /// The ranked findings of the plan, the review and the holds.
    pub findings: &'a Findings,
    /// The review against last month's forecast.
    pub review: Option<&'a Review>,
    /// The sku-months the time fences held, when they were held against a published month.
    pub holds: Option<&'a [FenceHold]>,
}

/// The headline cards of the review and the fences: the review's own
/// ([`sections::review_headline`]: the WAPE and the fence breaks) when reviewed, and the holds
/// when held.
fn decision_cards(d: &Decisions) -> Vec<Card> {
    let mut out = d.review.map(sections::review_headline).unwrap_or_default();
    if let Some(h) = d.holds {
        let moved: f64 = h.iter().map(|x| x.moved.abs()).sum();
        out.push(Card {
            label: "fence holds".into(),
            value: thousands(h.len() as f64),
            detail: format!("sku-months held, {} units moved", thousands(moved)),
            class: if h.is_empty() { "ok" } else { "warn" },
        });
    }
    out
}

/// The sections of the plan: `headline` and `decisions`, then `charts`; the tables come last
/// ([`tables_section`]).
fn plan_sections<'a>(plan: &Plan, charts: &'a ChartSet, d: &Decisions<'a>) -> Vec<Section<'a>> {
    let mut figures = vec![
        Block::Heading("Demand".into()),
        Block::Note(format!(
            "{}. Shaded: the forecast's confidence ranges; dashed orange: last month's forecast, when given.",
            charts.sku_note()
        )),
    ];
    figures.extend(charts.fans.iter().map(|c| Block::Figure(c, "charts")));
    if !charts.lines.is_empty() {
        figures.push(Block::Heading("Capacity".into()));
        figures.push(Block::Note(format!(
            "{}. Bars: hours the forecast needs (red above the available hours); purple ticks: hours at the upper bounds.",
            charts.line_note()
        )));
        figures.extend(charts.lines.iter().map(|c| Block::Figure(c, "charts")));
    }
    if let Some(c) = &charts.exposure {
        figures.push(Block::Heading("Material exposure".into()));
        figures.push(Block::Figure(c, "charts"));
    }
    let mut cards = plan_cards(plan);
    cards.extend(decision_cards(d));
    vec![
        Section {
            id: "headline".into(),
            title: "Headline figures".into(),
            blocks: vec![
                Block::Cards(cards),
                Block::Note(format!(
                    "Uncertainty model: {}. Every range of a total (a line's load, a material's \
                     demand over its window, a year's volume and spend, the plan's volume) is a \
                     quantile of that total under this model, never a sum of bounds.",
                    plan.forecast.demand.dependence.describe()
                )),
            ],
        },
        Section {
            id: "decisions".into(),
            title: "Needs a decision".into(),
            blocks: vec![Block::Findings(
                d.findings,
                "Nothing: no fence broken, no line over capacity, no past-due release, no pre-buy, no tier break within reach.",
            )],
        },
        Section {
            id: "charts".into(),
            title: "Charts".into(),
            blocks: figures,
        },
    ]
}

/// Every table of the plan, each behind a collapsible summary with its row count.
fn tables_section<'a>(tables: &[(&str, &'a Table)]) -> Section<'a> {
    let mut blocks = vec![Block::Note(format!(
        "The first {TABLE_ROWS} rows of each table; open one to see them. Every row is in its CSV file and in plan.xlsx."
    ))];
    blocks.extend(
        tables
            .iter()
            .map(|(n, t)| Block::collapsed_table((*n).to_string(), t)),
    );
    Section {
        id: "tables".into(),
        title: "Tables".into(),
        blocks,
    }
}

/// The report page of a plan (`report.html`, written with [`super::write_html`]):
/// [`plan_sections`], then `extra` sections (the fences held, the review, the scorecard), then
/// the tables.
pub fn render<'a>(
    plan: &Plan,
    charts: &'a ChartSet,
    tables: &[(&str, &'a Table)],
    data: &str,
    decisions: &Decisions<'a>,
    extra: Vec<Section<'a>>,
) -> String {
    let fc = &plan.forecast.demand;
    let end = fc.start.plus(fc.horizon.max(1) as i32 - 1);
    let mut sections = plan_sections(plan, charts, decisions);
    sections.extend(extra);
    sections.push(tables_section(tables));
    html::page(&Page {
        title: format!("Supply plan {} to {}", fc.start, end),
        subtitle: format!(
            "{} skus, {} months, from the planning folder {}",
            thousands(fc.skus.len() as f64),
            fc.horizon,
            data
        ),
        sections,
        workbook: "plan.xlsx".into(),
        footer: format!(
            "planner {}: every table in full in the CSV files and plan.xlsx next to this page; the whole plan in plan.json.",
            env!("CARGO_PKG_VERSION")
        ),
    })
}
