//! The scenario comparison as a chart: small multiples, one panel per headline figure (peak
//! utilization, unmet units, overtime hours, past-due releases, pre-buy cash, spend and, when the
//! plans have one, the index-linked projected spend), each with a bar per plan: the base first,
//! in the report's accent colour, then the scenarios in the order written, every bar labelled
//! with its value. Drawn with the plan charts' font and palette ([`super`]).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use planner_core::scenario::Comparison;

use super::{chart, err, mesh_labels, palette, short, title_font, Chart, Draw, FONT};
use crate::write::num;

/// The file stem of the chart (`scenario_comparison.svg`, `.png`).
pub const STEM: &str = "scenario_comparison";

const WIDTH: u32 = 1200;
/// Height of the chart's title.
const TITLE_HEIGHT: u32 = 44;
/// Height of a panel without its bars, and of one bar's row.
const PANEL_BASE: u32 = 72;
const BAR_ROW: u32 = 26;
/// Panels side by side.
const COLUMNS: usize = 3;
/// Characters of a plan name shown on an axis.
const NAME_CHARS: usize = 22;

/// The headline figures, in panel order: (metric of the comparison, panel title, a share shown
/// in percent).
const HEADLINES: [(&str, &str, bool); 7] = [
    ("peak_utilization", "Peak utilization (busiest line)", true),
    ("unmet_units", "Unmet units", false),
    ("overtime_hours", "Overtime hours", false),
    ("past_due_releases", "Past-due releases", false),
    ("prebuy_cash", "Pre-buy cash", false),
    ("spend", "Spend at tier prices", false),
    (
        "projected_spend",
        "Projected spend (index-linked prices)",
        false,
    ),
];

/// One panel: a headline figure of every plan.
struct Panel {
    title: String,
    /// In plan order; `None` where the plan has no such figure.
    values: Vec<Option<f64>>,
    /// A share (utilization), shown in percent.
    percent: bool,
    /// The 100 % line drawn (a utilization's limit).
    limit: bool,
}

/// The whole chart.
struct SmallMultiples {
    title: String,
    /// Plan names, the base first.
    plans: Vec<String>,
    panels: Vec<Panel>,
}

/// A bar's label: `105 %` for a share; otherwise three significant figures or so (`4.29M`,
/// `79.6k`, `1154`, `12.5`).
fn label(v: f64, percent: bool) -> String {
    if percent {
        return format!("{} %", num(100.0 * v, 0));
    }
    let a = v.abs();
    if a >= 1e6 {
        format!("{}M", num(v / 1e6, 2))
    } else if a >= 1e4 {
        format!("{}k", num(v / 1e3, 1))
    } else if a >= 100.0 {
        num(v, 0)
    } else {
        num(v, 1)
    }
}

/// A plan name cut to fit the axis.
fn short_name(name: &str) -> String {
    let mut s: String = name.chars().take(NAME_CHARS).collect();
    if name.chars().count() > NAME_CHARS {
        s.push('…');
    }
    s
}

fn data(c: &Comparison) -> SmallMultiples {
    let panels = HEADLINES
        .iter()
        .map(|&(metric, title, percent)| Panel {
            title: title.to_string(),
            values: (0..c.plans.len()).map(|i| c.headline(metric, i)).collect(),
            percent,
            limit: percent,
        })
        .filter(|p| p.values.iter().any(Option::is_some))
        .collect();
    let scenarios = c.plans.len().saturating_sub(1);
    SmallMultiples {
        title: format!(
            "Scenarios side by side: {} and {scenarios} scenario{}",
            c.plans.first().map_or("base", String::as_str),
            if scenarios == 1 { "" } else { "s" }
        ),
        plans: c.plans.clone(),
        panels,
    }
}

impl SmallMultiples {
    /// Rows and columns of panels.
    fn grid(&self) -> (usize, usize) {
        let cols = self.panels.len().clamp(1, COLUMNS);
        (self.panels.len().div_ceil(cols).max(1), cols)
    }

    fn size(&self) -> (u32, u32) {
        let (rows, _) = self.grid();
        let panel = PANEL_BASE + BAR_ROW * self.plans.len().max(1) as u32;
        (WIDTH, TITLE_HEIGHT + rows as u32 * panel)
    }
}

impl Draw for SmallMultiples {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()> {
        root.fill(&WHITE).map_err(err)?;
        let area = root.titled(&self.title, title_font(18)).map_err(err)?;
        if self.panels.is_empty() {
            area.draw(&Text::new(
                "no headline figure to compare (no lines, materials or price tiers)",
                (20, 20),
                (FONT, 14).into_font().color(&palette::TEXT),
            ))
            .map_err(err)?;
            return Ok(());
        }
        let cells = area.split_evenly(self.grid());
        for (panel, cell) in self.panels.iter().zip(&cells) {
            panel.draw(cell, &self.plans)?;
        }
        Ok(())
    }
}

impl Panel {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        plans: &[String],
    ) -> anyhow::Result<()> {
        let n = plans.len().max(1);
        let finite = || {
            self.values
                .iter()
                .flatten()
                .copied()
                .filter(|v| v.is_finite())
        };
        let mut hi = finite().fold(0.0_f64, f64::max);
        let lo = finite().fold(0.0_f64, f64::min);
        if self.limit {
            // The 100 % line is always on the panel.
            hi = hi.max(1.0);
        }
        if hi <= 0.0 && lo >= 0.0 {
            hi = 1.0;
        }
        // Room on the right of the longest bar for its label.
        let x_range = (lo * 1.4)..(hi * 1.4);
        let names: Vec<String> = plans.iter().map(|p| short_name(p)).collect();
        let name_width = names
            .iter()
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(4)
            .clamp(4, NAME_CHARS + 1) as u32
            * 7
            + 14;
        let mut chart = ChartBuilder::on(area)
            .caption(&self.title, title_font(15))
            .margin(10)
            .x_label_area_size(24)
            .y_label_area_size(name_width)
            .build_cartesian_2d(x_range, -0.5..(n as f64 - 0.5))
            .map_err(err)?;
        // The base at the top: plan i sits at y = n - 1 - i.
        let y = |i: usize| (n - 1 - i) as f64;
        let fmt_y = |v: &f64| {
            let r = v.round();
            if (v - r).abs() > 1e-6 || r < 0.0 {
                return String::new();
            }
            usize::try_from(n as i64 - 1 - r as i64)
                .ok()
                .and_then(|i| names.get(i).cloned())
                .unwrap_or_default()
        };
        let percent = self.percent;
        let fmt_x = |v: &f64| {
            if percent {
                format!("{}%", num(100.0 * v, 0))
            } else {
                short(*v)
            }
        };
        mesh_labels(&mut chart)
            .y_labels(n + 1)
            .y_label_formatter(&fmt_y)
            .x_labels(5)
            .x_label_formatter(&fmt_x)
            .disable_y_mesh()
            .draw()
            .map_err(err)?;

        let colour = |i: usize| {
            if i == 0 {
                palette::ACCENT
            } else {
                palette::WITHIN
            }
        };
        chart
            .draw_series(self.values.iter().enumerate().filter_map(|(i, v)| {
                let v = v.filter(|v| v.is_finite())?;
                Some(Rectangle::new(
                    [(0.0, y(i) - 0.34), (v, y(i) + 0.34)],
                    colour(i).mix(0.9).filled(),
                ))
            }))
            .map_err(err)?;
        if self.limit {
            chart
                .draw_series(DashedLineSeries::new(
                    [(1.0, -0.5), (1.0, n as f64 - 0.5)],
                    4,
                    4,
                    palette::OVER.mix(0.7).stroke_width(1),
                ))
                .map_err(err)?;
        }
        let text = TextStyle::from((FONT, 12).into_font())
            .color(&palette::TEXT)
            .pos(Pos::new(HPos::Left, VPos::Center));
        chart
            .draw_series(self.values.iter().enumerate().map(|(i, v)| {
                let (x, s) = match v.filter(|v| v.is_finite()) {
                    Some(v) => (v.max(0.0), label(v, self.percent)),
                    None => (0.0, "n/a".to_string()),
                };
                EmptyElement::at((x, y(i))) + Text::new(s, (4, 0), text.clone())
            }))
            .map_err(err)?;
        Ok(())
    }
}

/// The comparison as small multiples: one panel per headline figure the plans have, a bar per
/// plan (the base first, in the accent colour), each labelled with its value. Stem
/// [`STEM`]; a comparison with none of the figures gives a chart that says so.
///
/// # Errors
/// When plotters cannot draw (it does not for finite numbers).
pub fn comparison_chart(c: &Comparison) -> anyhow::Result<Chart> {
    let d = data(c);
    chart(STEM, &d.title, &d, d.size())
}

/// Shares side by side: one panel per `(title, values)`, a bar per name (the first in the
/// accent colour), each labelled in percent. The review's value-added chart.
///
/// # Errors
/// When plotters cannot draw (it does not for finite numbers).
pub fn share_panels(
    stem: &str,
    title: &str,
    names: &[&str],
    panels: Vec<(String, Vec<Option<f64>>)>,
) -> anyhow::Result<Chart> {
    let d = SmallMultiples {
        title: title.to_string(),
        plans: names.iter().map(|n| n.to_string()).collect(),
        panels: panels
            .into_iter()
            .map(|(title, values)| Panel {
                title,
                values,
                percent: true,
                limit: false,
            })
            .collect(),
    };
    chart(stem, &d.title, &d, d.size())
}

#[cfg(test)]
mod tests {
    use super::*;
    use planner_core::scenario::Metric;

    fn metric(metric: &str, scope: &str, value: Option<f64>) -> Metric {
        Metric {
            metric: metric.into(),
            scope: scope.into(),
            value,
        }
    }

    fn plan(k: f64, projected: bool) -> Vec<Metric> {
        let mut m = vec![
            metric("demand_units", "all", Some(12_000.0 * k)),
            metric("peak_utilization", "L1", Some(0.9 * k)),
            metric("peak_month", "L1", Some(202611.0)),
            metric("peak_utilization", "L2", Some(0.5 * k)),
            metric("unmet_units", "all", Some(0.0)),
            metric("overtime_hours", "all", Some(19.2 * k)),
            metric("past_due_releases", "all", Some(45.0)),
            metric("prebuy_cash", "all", Some(79_575.0 * k)),
            metric("spend", "all", Some(4_294_589.0 * k)),
        ];
        if projected {
            m.push(metric("projected_spend", "all", Some(4_400_000.0 * k)));
        }
        m
    }

    #[test]
    fn the_comparison_chart_renders_headless_in_both_formats() {
        let c = Comparison::new(&[
            ("base".into(), plan(1.0, true)),
            ("resin-up-12".into(), plan(1.1, true)),
            ("soft-year".into(), plan(0.85, true)),
        ]);
        let chart = comparison_chart(&c).unwrap();
        assert_eq!(chart.stem, "scenario_comparison");
        assert!(chart.svg.starts_with("<svg"), "{}", &chart.svg[..40]);
        for name in ["base", "resin-up-12", "soft-year"] {
            assert!(chart.svg.contains(name), "{name} missing");
        }
        for title in ["Peak utilization", "Unmet units", "Projected spend"] {
            assert!(chart.svg.contains(title), "{title} missing");
        }
        // The values are labelled: the busiest line at 99 % in the resin scenario, spend 4.29M.
        assert!(chart.svg.contains("99 %"));
        assert!(chart.svg.contains("4.29M"));
        assert_eq!(&chart.png[..8], b"\x89PNG\r\n\x1a\n");
        let d = data(&c);
        assert_eq!(d.panels.len(), 7);
        assert_eq!(
            d.panels[0].values,
            [Some(0.9), Some(0.9 * 1.1), Some(0.9 * 0.85)]
        );
    }

    #[test]
    fn absent_figures_have_no_panel() {
        // No capacity and no projection: materials and spend only.
        let only = |k: f64| {
            vec![
                metric("demand_units", "all", Some(100.0 * k)),
                metric("unmet_units", "all", None),
                metric("past_due_releases", "all", Some(3.0)),
                metric("prebuy_cash", "all", Some(500.0 * k)),
                metric("spend", "all", Some(1_000.0 * k)),
            ]
        };
        let c = Comparison::new(&[("base".into(), only(1.0)), ("up".into(), only(2.0))]);
        let d = data(&c);
        let titles: Vec<&str> = d.panels.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Past-due releases", "Pre-buy cash", "Spend at tier prices"]
        );
        let chart = comparison_chart(&c).unwrap();
        assert!(chart.svg.contains("up"));
        assert_eq!(&chart.png[1..4], b"PNG");
        // Nothing to compare still draws.
        let empty = Comparison::new(&[("base".into(), Vec::new())]);
        assert!(comparison_chart(&empty)
            .unwrap()
            .svg
            .contains("no headline figure"));
    }

    #[test]
    fn labels_keep_three_figures() {
        assert_eq!(label(1.054, true), "105 %");
        assert_eq!(label(4_294_589.0, false), "4.29M");
        assert_eq!(label(79_575.0, false), "79.6k");
        assert_eq!(label(1154.4, false), "1154");
        assert_eq!(label(19.25, false), "19.3");
        assert_eq!(
            short_name("a-very-long-scenario-name-indeed"),
            "a-very-long-scenario-n…"
        );
    }
}
