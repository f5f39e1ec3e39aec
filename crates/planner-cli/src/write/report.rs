//! `report.html`: the plan on one self-contained page a planner can mail, and the [`Page`] every
//! other page (`review.html`, `scenarios.html`, `scorecard.html`) is rendered with.
//!
//! No network: the style sheet is inline and the charts are inline SVG. The plan's sections, each
//! with an `id`: `headline` (the figures, with the review's WAPE and the fence breaks and holds),
//! `decisions` (the ranked findings, as in the terminal summary and plan.xlsx's first sheet:
//! [`super::findings`]), `charts`, then `fences`, `review` and `scorecard` when given
//! ([`super::sections`]), and last `tables` (each table collapsed behind its summary). The print
//! stylesheet puts each section on a new page, drops the navigation and keeps the tables
//! collapsed, so that the page prints as a few pages. Every piece of text from the inputs is
//! escaped.

use std::fmt::Write as _;
use std::path::Path;

use planner_core::findings::Findings;
use planner_core::review::{FenceHold, Review, Scope};
use planner_core::scenario::Plan;

use super::charts::{Chart, ChartSet};
use super::tables::Table;
use super::{num, Guard};

/// Rows of each table shown in the report.
pub const TABLE_ROWS: usize = 25;

/// Text for HTML: `&`, `<`, `>`, `"` and `'` escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole number with thousands separators: `12,345`.
pub fn thousands(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let s = num(x.round(), 0);
    let (sign, digits) = match s.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", s.as_str()),
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

fn pct(x: f64) -> String {
    format!("{} %", num(x * 100.0, 0))
}

const STYLE: &str = r#"
:root { --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb; --accent:#1f3a5f; --bad:#b91c1c; --warn:#b45309; --ok:#047857; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; color: var(--ink); margin: 0; background: #f8fafc; line-height: 1.45; }
header { background: var(--accent); color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 4px 0; font-size: 26px; }
header p { margin: 0; opacity: .85; }
main { max-width: 1100px; margin: 0 auto; padding: 8px 32px 40px; }
section { margin-top: 28px; }
h2 { font-size: 20px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 22px 0 6px; }
nav a { color: #fff; margin-right: 18px; font-size: 14px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 24px; font-weight: 600; margin-top: 2px; }
.card .detail { color: var(--muted); font-size: 13px; }
.bad { color: var(--bad); } .warn { color: var(--warn); } .ok { color: var(--ok); }
ul.attention { list-style: none; padding: 0; margin: 0; }
ul.attention li { font-size: 14px; background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--warn); border-radius: 4px; padding: 6px 10px; margin: 6px 0; }
ul.attention li.bad { border-left-color: var(--bad); }
ul.attention li.bad, ul.attention li.warn, ul.attention li.note { color: var(--ink); }
ul.attention li.note { border-left-color: var(--muted); }
.tag { display: inline-block; min-width: 92px; font-size: 12px; font-weight: 600; text-transform: uppercase; color: var(--muted); }
figure { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 12px 0; padding: 8px; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 13px; padding: 4px 6px 0; }
.note { color: var(--muted); font-size: 14px; }
.scroll { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; font-size: 13px; width: 100%; }
th { background: #eef2f7; text-align: left; position: sticky; top: 0; white-space: nowrap; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr:nth-child(even) td { background: #fafbfc; }
footer { color: var(--muted); font-size: 12px; margin-top: 40px; }
.stake { float: right; margin-left: 12px; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
h3.severity { font-size: 14px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 16px 0 4px; }
details { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; padding: 6px 10px; }
details > summary { cursor: pointer; font-weight: 600; font-size: 14px; }
details[open] > summary { margin-bottom: 6px; }
details h3 { margin-top: 6px; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { background: #fff; font-size: 11px; }
  header { background: none; color: var(--ink); padding: 0 0 6px; border-bottom: 2px solid var(--accent); }
  header p { opacity: 1; }
  nav { display: none; }
  main { max-width: none; padding: 0; }
  section { margin-top: 0; padding-top: 4px; }
  section + section { break-before: page; }
  section#decisions, section#fences + section#review { break-before: auto; margin-top: 16px; }
  h2, h3 { break-after: avoid; }
  h2 { font-size: 15px; margin: 4px 0 6px; }
  h3 { font-size: 12px; margin: 8px 0 3px; }
  p { margin: 4px 0; }
  figure, .card, ul.attention li, tr { break-inside: avoid; }
  .cards { grid-template-columns: repeat(5, 1fr); gap: 4px; }
  .card { padding: 4px 6px; border-radius: 4px; }
  .card .label { font-size: 8px; }
  .card .value { font-size: 14px; }
  .card .detail { font-size: 9px; line-height: 1.25; }
  .note { font-size: 10px; }
  ul.attention li { font-size: 9.5px; line-height: 1.3; padding: 1px 6px; margin: 1px 0; border-left-width: 3px; }
  .tag { min-width: 70px; font-size: 8px; }
  h3.severity { font-size: 10px; margin: 6px 0 2px; }
  .figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 4px; }
  .figures figure { margin: 0; padding: 2px; }
  figcaption { font-size: 9px; }
  .scroll { overflow: visible; border: none; }
  table { font-size: 9px; }
  th { position: static; }
  details { border: none; padding: 0; margin: 2px 0; }
  details > summary { list-style: none; font-weight: normal; }
  details > summary::-webkit-details-marker { display: none; }
  details:not([open]) > summary::after { content: " (every row in its CSV file and the workbook)"; color: var(--muted); }
}
"#;

/// One entry of the attention list.
#[derive(Debug, Clone, PartialEq)]
pub struct Attention {
    /// `capacity`, `build`, `expedite`, `pre-buy`, `tier`, `note`.
    pub tag: &'static str,
    /// `bad` (act now), `warn` (decide) or `note`.
    pub severity: &'static str,
    /// The sentence.
    pub text: String,
}

/// A headline figure: a label, a large value, a line of detail and a CSS class (`bad`, `warn`,
/// `ok` or empty) for the value's colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// What the figure is.
    pub label: String,
    /// The figure.
    pub value: String,
    /// One line of context.
    pub detail: String,
    /// `bad`, `warn`, `ok` or empty.
    pub class: &'static str,
}

/// One piece of a report section.
#[derive(Debug)]
pub enum Block<'a> {
    /// Headline figures as cards.
    Cards(Vec<Card>),
    /// An attention list, and the sentence shown when it is empty.
    Attention(Vec<Attention>, &'static str),
    /// A sub-heading.
    Heading(String),
    /// A muted paragraph.
    Note(String),
    /// A chart inlined as SVG, with the folder its files are written to (`charts`).
    Figure(&'a Chart, &'static str),
    /// The first [`TABLE_ROWS`] rows of a table, by its file name.
    Table(String, &'a Table),
    /// The ranked findings ([`super::findings::html`]), and the sentence shown when there are
    /// none.
    Findings(&'a Findings, &'static str),
    /// Blocks behind a collapsible `<details>` with its one-line summary; printed collapsed
    /// (the summary says where the full content is).
    Details(String, Vec<Block<'a>>),
}

impl<'a> Block<'a> {
    /// A table behind a collapsible summary: `capacity.csv: 36 rows`.
    pub fn collapsed_table(name: String, t: &'a Table) -> Self {
        let rows = t.row_count();
        let summary = format!(
            "{name}: {} row{}",
            thousands(rows as f64),
            if rows == 1 { "" } else { "s" }
        );
        Block::Details(summary, vec![Block::Table(name, t)])
    }
}

/// A section of the page: a `<section id=...>` with a heading and its blocks.
#[derive(Debug)]
pub struct Section<'a> {
    /// The HTML id, also the anchor of the navigation bar.
    pub id: String,
    /// The heading, also the navigation bar's link text.
    pub title: String,
    /// What it shows, in order.
    pub blocks: Vec<Block<'a>>,
}

/// A whole page.
#[derive(Debug)]
pub struct Page<'a> {
    /// The `<title>` and the header's heading.
    pub title: String,
    /// The line under the heading.
    pub subtitle: String,
    /// The sections, in order.
    pub sections: Vec<Section<'a>>,
    /// The workbook holding every table in full (`plan.xlsx`), named under truncated tables.
    pub workbook: String,
    /// The footer.
    pub footer: String,
}

fn cards(plan: &Plan) -> Vec<Card> {
    let fc = &plan.forecast.plan;
    let mut out = Vec::new();
    out.push(Card {
        label: "skus".into(),
        value: thousands(fc.skus.len() as f64),
        detail: format!("{} with a demand pattern", plan.forecast.patterns.len()),
        class: "",
    });
    let end = fc.start.plus(fc.horizon.max(1) as i32 - 1);
    out.push(Card {
        label: "horizon".into(),
        value: format!("{} months", fc.horizon),
        detail: format!("{} to {}", fc.start, end),
        class: "",
    });
    let total: f64 = fc.skus.iter().flat_map(|s| s.forecast.point.iter()).sum();
    // The plan's volume over the horizon as one total of the dependence model.
    let range = fc.levels.first().map(|l| {
        let (lo, hi) = fc.total_of(0..fc.horizon, |_| Some(1.0)).bounds(*l);
        format!(
            "{} % range {} to {} (a quantile of the total; see the uncertainty model below)",
            l,
            thousands(lo),
            thousands(hi)
        )
    });
    out.push(Card {
        label: "forecast volume".into(),
        value: thousands(total),
        detail: range.unwrap_or_else(|| "a fixed plan, no range".into()),
        class: "",
    });
    if let Some(c) = &plan.capacity {
        let mut peaks: Vec<(String, f64, String)> = c
            .plan
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
        out.push(Card {
            label: "peak utilization".into(),
            value: peaks.first().map_or_else(String::new, |p| pct(p.1)),
            detail: format!(
                "{}; {} of {} lines over capacity",
                detail.join(", "),
                over,
                peaks.len()
            ),
            class: if over > 0 { "bad" } else { "ok" },
        });
    }
    if let Some(m) = &plan.materials {
        let s = m.summary();
        out.push(Card {
            label: "past-due releases".into(),
            value: thousands(s.past_due_count as f64),
            detail: format!("worth {}", thousands(s.past_due_value)),
            class: if s.past_due_count > 0 { "bad" } else { "ok" },
        });
        out.push(Card {
            label: "pre-buy cash".into(),
            value: thousands(s.prebuy_cash),
            detail: format!(
                "{} materials; {} at risk at the lower bound",
                s.prebuy_count,
                thousands(s.prebuy_value_at_risk)
            ),
            class: if s.prebuy_count > 0 { "warn" } else { "" },
        });
    }
    if let Some(p) = &plan.pricing {
        let spend = p.total_spend();
        let currency = p
            .rows
            .iter()
            .find_map(|r| r.currency.clone())
            .unwrap_or_default();
        let reach = p.tiers_within_reach().len();
        out.push(Card {
            label: "spend at tier prices".into(),
            value: format!("{} {}", thousands(spend), currency)
                .trim()
                .to_string(),
            detail: format!("{} tier breaks within reach", reach),
            class: "",
        });
    }
    out
}

fn figure(html: &mut String, c: &Chart, dir: &str) {
    // The SVG's own text is escaped by plotters; its title is set as the accessible name.
    let _ = writeln!(
        html,
        "<figure id=\"{}\" role=\"img\" aria-label=\"{}\">{}<figcaption>{}{} ({dir}/{}.png, {dir}/{}.svg)</figcaption></figure>",
        escape(&c.stem),
        escape(&c.title),
        strip_xml_declaration(&c.svg),
        escape(&c.title),
        if c.why.is_empty() { String::new() } else { format!(": charted for {}", escape(&c.why)) },
        escape(&c.stem),
        escape(&c.stem),
        dir = escape(dir),
    );
}

fn strip_xml_declaration(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

fn table_html(html: &mut String, name: &str, t: &Table, workbook: &str) {
    let _ = writeln!(
        html,
        "<h3 id=\"table-{}\">{}</h3>",
        escape(name),
        escape(name)
    );
    if t.rows.is_empty() {
        html.push_str("<p class=\"note\">No rows.</p>\n");
        return;
    }
    html.push_str("<div class=\"scroll\"><table><thead><tr>");
    for h in &t.header {
        let _ = write!(html, "<th>{}</th>", escape(h));
    }
    html.push_str("</tr></thead><tbody>\n");
    for r in t.rows.iter().take(TABLE_ROWS) {
        html.push_str("<tr>");
        for c in r {
            // The cell's type, never its text, decides: numbers right-aligned, codes as text.
            if c.is_numeric() {
                let _ = write!(html, "<td class=\"n\">{}</td>", escape(&c.html()));
            } else {
                let _ = write!(html, "<td>{}</td>", escape(&c.html()));
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody></table></div>\n");
    if t.row_count() > TABLE_ROWS {
        let _ = writeln!(
            html,
            "<p class=\"note\">The first {} of {} rows; all of them in {} and {}.</p>",
            TABLE_ROWS,
            thousands(t.row_count() as f64),
            escape(name),
            escape(workbook)
        );
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

/// The headline cards of the review and the fences: the lag-1 WAPE (when reviewed), the fence
/// breaks (when reviewed) and the holds (when held).
fn decision_cards(d: &Decisions) -> Vec<Card> {
    let mut out = Vec::new();
    if let Some(r) = d.review {
        let first = r
            .accuracy
            .iter()
            .filter(|a| a.scope == Scope::Total)
            .min_by_key(|a| a.lag);
        if let Some(t) = first {
            out.push(Card {
                label: format!("WAPE, lag {}", t.lag),
                value: super::sections::pct(t.wape),
                detail: format!(
                    "{} sku-months {} to {}; seasonal naive {}",
                    thousands(t.n as f64),
                    t.first,
                    t.last,
                    super::sections::pct(t.snaive_wape)
                ),
                class: match t.fva {
                    Some(f) if f < 0.0 => "bad",
                    Some(_) => "ok",
                    None => "",
                },
            });
        }
        let ft = &r.fence_total;
        out.push(Card {
            label: "fence breaks".into(),
            value: thousands(ft.violations as f64),
            detail: if r.fences.is_empty() {
                "no time fences in planner.toml".into()
            } else {
                format!(
                    "{} skus, {} units beyond the fences",
                    thousands(ft.skus as f64),
                    thousands(ft.excess)
                )
            },
            class: if ft.violations > 0 { "bad" } else { "ok" },
        });
    }
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
    let mut cards = cards(plan);
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
                    plan.forecast.plan.dependence.describe()
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

/// The report page of a plan (`report.html`, written with [`write_html`]): [`plan_sections`],
/// then `extra` sections (the fences held, the review, the scorecard), then the tables.
pub fn render<'a>(
    plan: &Plan,
    charts: &'a ChartSet,
    tables: &[(&str, &'a Table)],
    data: &str,
    decisions: &Decisions<'a>,
    extra: Vec<Section<'a>>,
) -> String {
    let fc = &plan.forecast.plan;
    let end = fc.start.plus(fc.horizon.max(1) as i32 - 1);
    let mut sections = plan_sections(plan, charts, decisions);
    sections.extend(extra);
    sections.push(tables_section(tables));
    render_page(&Page {
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

/// Any page: the header with a navigation bar over the sections, the sections, the footer.
/// Self-contained: the style sheet is inline, the charts are inline SVG, every text is escaped.
fn render_page(page: &Page) -> String {
    let mut html = String::with_capacity(256 * 1024);
    let _ = writeln!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"planner {}\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>",
        env!("CARGO_PKG_VERSION"),
        escape(&page.title),
        STYLE
    );
    let nav: String = page
        .sections
        .iter()
        .map(|s| format!("<a href=\"#{}\">{}</a>", escape(&s.id), escape(&s.title)))
        .collect();
    let _ = writeln!(
        html,
        "<header><h1>{}</h1><p>{}</p>\n<nav>{nav}</nav></header>\n<main>",
        escape(&page.title),
        escape(&page.subtitle),
    );
    for section in &page.sections {
        let _ = writeln!(
            html,
            "<section id=\"{}\"><h2>{}</h2>",
            escape(&section.id),
            escape(&section.title)
        );
        blocks_html(&mut html, &section.blocks, &page.workbook);
        html.push_str("</section>\n");
    }
    let _ = writeln!(
        html,
        "<footer>{}</footer>\n</main>\n</body>\n</html>",
        escape(&page.footer)
    );
    html
}

/// Blocks in order; a run of figures goes in one `<div class="figures">` (a grid in print).
fn blocks_html(html: &mut String, blocks: &[Block], workbook: &str) {
    let mut in_figures = false;
    for block in blocks {
        let figure = matches!(block, Block::Figure(..));
        if figure != in_figures {
            html.push_str(if figure {
                "<div class=\"figures\">\n"
            } else {
                "</div>\n"
            });
            in_figures = figure;
        }
        block_html(html, block, workbook);
    }
    if in_figures {
        html.push_str("</div>\n");
    }
}

fn block_html(html: &mut String, block: &Block, workbook: &str) {
    match block {
        Block::Findings(findings, empty) => super::findings::html(html, findings, empty),
        Block::Details(summary, blocks) => {
            let _ = writeln!(html, "<details><summary>{}</summary>", escape(summary));
            blocks_html(html, blocks, workbook);
            html.push_str("</details>\n");
        }
        Block::Cards(cards) => {
            html.push_str("<div class=\"cards\">\n");
            for c in cards {
                let _ = writeln!(
                    html,
                    "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value {}\">{}</div><div class=\"detail\">{}</div></div>",
                    escape(&c.label),
                    c.class,
                    escape(&c.value),
                    escape(&c.detail)
                );
            }
            html.push_str("</div>\n");
        }
        Block::Attention(items, empty) => {
            if items.is_empty() {
                let _ = writeln!(html, "<p class=\"ok\">{}</p>", escape(empty));
            } else {
                html.push_str("<ul class=\"attention\">\n");
                for a in items {
                    let _ = writeln!(
                        html,
                        "<li class=\"{}\"><span class=\"tag\">{}</span> {}</li>",
                        a.severity,
                        escape(a.tag),
                        escape(&a.text)
                    );
                }
                html.push_str("</ul>\n");
            }
        }
        Block::Heading(h) => {
            let _ = writeln!(html, "<h3>{}</h3>", escape(h));
        }
        Block::Note(n) => {
            let _ = writeln!(html, "<p class=\"note\">{}</p>", escape(n));
        }
        Block::Figure(c, dir) => figure(html, c, dir),
        Block::Table(name, t) => table_html(html, name, t, workbook),
    }
}

/// Writes a page atomically.
///
/// # Errors
/// When the file cannot be written.
pub fn write_page(guard: &Guard, path: &Path, page: &Page) -> anyhow::Result<()> {
    write_html(guard, path, &render_page(page))
}

/// Writes an HTML page atomically.
///
/// # Errors
/// When the file cannot be written.
pub fn write_html(guard: &Guard, path: &Path, html: &str) -> anyhow::Result<()> {
    guard.write(path, |w| {
        w.write_all(html.as_bytes())?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::tables::Cell;

    #[test]
    fn a_code_that_looks_like_a_number_stays_text() {
        let t = Table::new(
            vec!["sku".into(), "utilization".into()],
            vec![vec![Cell::text("10023"), Cell::ratio(0.8512, 4)]],
        );
        let mut html = String::new();
        table_html(&mut html, "x.csv", &t, "plan.xlsx");
        assert!(
            html.contains("<td>10023</td><td class=\"n\">85.1 %</td>"),
            "{html}"
        );
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<b>A&B</b> \"x\" 'y'"),
            "&lt;b&gt;A&amp;B&lt;/b&gt; &quot;x&quot; &#39;y&#39;"
        );
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1234.0), "1,234");
        assert_eq!(thousands(-1_234_567.0), "-1,234,567");
    }

    #[test]
    fn a_table_shows_its_first_rows_and_says_how_many_more() {
        let t = Table::new(
            vec!["sku".into(), "q".into()],
            (0..30)
                .map(|i| vec![Cell::Text(format!("<{i}>")), Cell::int(i * 1000)])
                .collect(),
        );
        let mut html = String::new();
        table_html(&mut html, "x.csv", &t, "plan.xlsx");
        assert!(html.contains("<td>&lt;0&gt;</td><td class=\"n\">0</td>"));
        assert!(html.contains("<td>&lt;2&gt;</td><td class=\"n\">2,000</td>"));
        assert!(!html.contains("&lt;25&gt;"));
        assert!(html.contains("The first 25 of 30 rows"));
    }
}
