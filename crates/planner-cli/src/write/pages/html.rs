//! A [`Page`] as HTML: the header with a navigation bar over the sections, the sections, the
//! footer, and the inline style sheet (its print rules put each section on a new page, drop the
//! navigation and keep the tables collapsed, so that a page prints as a few pages).

use std::fmt::Write as _;

use super::{Attention, Block, Card, Page, TABLE_ROWS};
use crate::write::charts::Chart;
use crate::write::tables::Table;
use crate::write::thousands;

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

/// Any page: the header with a navigation bar over the sections, the sections, the footer.
/// Self-contained: the style sheet is inline, the charts are inline SVG, every text is escaped.
pub fn page(page: &Page) -> String {
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
        Block::Findings(findings, empty) => crate::write::findings::html(html, findings, empty),
        Block::Details(summary, blocks) => {
            let _ = writeln!(html, "<details><summary>{}</summary>", escape(summary));
            blocks_html(html, blocks, workbook);
            html.push_str("</details>\n");
        }
        Block::Cards(cards) => cards_html(html, cards),
        Block::Attention(items, empty) => attention_html(html, items, empty),
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

/// Headline figures as a grid of cards.
fn cards_html(html: &mut String, cards: &[Card]) {
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

/// An attention list, or the sentence `empty` when there is nothing on it.
fn attention_html(html: &mut String, items: &[Attention], empty: &str) {
    if items.is_empty() {
        let _ = writeln!(html, "<p class=\"ok\">{}</p>", escape(empty));
        return;
    }
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

/// A chart inlined as SVG, captioned with its title, why it was chosen and its files under `dir`.
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

/// The first [`TABLE_ROWS`] rows of the table `name`, and where the others are.
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
