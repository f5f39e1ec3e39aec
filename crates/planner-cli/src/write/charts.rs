//! Charts of the plan, drawn with plotters as SVG (for the report) and PNG (for mails and slides):
//!
//! - a fan chart per sku: history, the point forecast, a band per confidence level and, when
//!   given, last month's forecast as a dashed line;
//! - a capacity chart per line: required against available hours over the horizon, with the
//!   required hours at the upper bound of each level;
//! - a material exposure chart: the cash tied up in pre-buys of the top materials and the part of
//!   it at risk if demand comes in at the lower bound.
//!
//! - a family fan chart per family of products.csv: the family's history and total forecast,
//!   its ranges quantiles of the family's total under the plan's uncertainty model.
//!
//! With many skus or lines only the ones that matter are charted ([`select_skus`],
//! [`select_lines`]), unless `--charts` names classes or skus ([`pick_skus`]); the choice and its
//! reasons go into the report and the terminal summary.
//!
//! The text is set in DejaVu Sans, bundled into the binary, so no system font library is needed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Display;
use std::ops::Range;
use std::path::Path;
use std::sync::Once;

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use rayon::prelude::*;

use planner_core::capacity::{CapacityPlan, RoutingStep};
use planner_core::demand::{DemandHistory, Product};
use planner_core::family::family_plan;
use planner_core::materials::MaterialPlan;
use planner_core::scenario::Plan;
use planner_core::segments::ClassFilter;
use planner_core::{DemandPlan, SkuPlan};

use super::Guard;

/// How many skus (and lines, and families) are charted by default.
pub const DEFAULT_TOP: usize = 20;

/// The most fan charts a `--charts` selection draws (the largest by value first).
pub const MAX_PICKED: usize = 100;

/// Months of history shown before the forecast on a fan chart.
const HISTORY_MONTHS: usize = 36;

/// Materials on the exposure chart.
const EXPOSURE_TOP: usize = 15;

const WIDTH: u32 = 960;
const HEIGHT: u32 = 400;

/// The font family of every chart (the bundled DejaVu Sans).
pub(super) const FONT: &str = "sans-serif";

/// The palette: the same meaning has the same colour on every chart.
pub(super) mod palette {
    use plotters::style::RGBColor;
    /// The report's accent colour (`--accent`): the base plan on the scenario charts.
    pub(crate) const ACCENT: RGBColor = RGBColor(31, 58, 95);
    /// Actual history.
    pub(crate) const HISTORY: RGBColor = RGBColor(55, 65, 81);
    /// The point forecast and its bands.
    pub(crate) const FORECAST: RGBColor = RGBColor(37, 99, 235);
    /// Last month's forecast.
    pub(crate) const PREVIOUS: RGBColor = RGBColor(217, 119, 6);
    /// Hours or units within capacity.
    pub(crate) const WITHIN: RGBColor = RGBColor(56, 138, 221);
    /// Over capacity, at risk.
    pub(crate) const OVER: RGBColor = RGBColor(220, 38, 38);
    /// Capacity: available hours.
    pub(crate) const CAPACITY: RGBColor = RGBColor(17, 24, 39);
    /// Upper bounds.
    pub(crate) const UPPER: RGBColor = RGBColor(124, 58, 237);
    /// Grid lines.
    pub(crate) const GRID: RGBColor = RGBColor(229, 231, 235);
    /// Axis and label text.
    pub(crate) const TEXT: RGBColor = RGBColor(55, 65, 81);
}

/// One chart, in both formats.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem under `charts/`, unique in the set (`fan_SKU-001`).
    pub stem: String,
    /// What the chart shows, for captions and alt text.
    pub title: String,
    /// The SVG document.
    pub svg: String,
    /// The PNG file.
    pub png: Vec<u8>,
    /// Why it was chosen (`top volume, widest range`); empty when everything is charted.
    pub why: String,
}

/// A charted sku and why it was chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected {
    /// The sku (or line).
    pub key: String,
    /// Why: `top volume`, `widest range`, `on an overloaded line`, `all`.
    pub reasons: Vec<&'static str>,
}

/// Every chart of a plan.
#[derive(Debug, Clone, Default)]
pub struct ChartSet {
    /// Fan charts, one per selected sku, in the order of [`ChartSet::skus`].
    pub fans: Vec<Chart>,
    /// The skus charted and why.
    pub skus: Vec<Selected>,
    /// Skus in the plan.
    pub skus_total: usize,
    /// Capacity charts, one per selected line.
    pub lines: Vec<Chart>,
    /// The lines charted and why.
    pub line_choice: Vec<Selected>,
    /// Lines in the plan.
    pub lines_total: usize,
    /// The material exposure chart, when there is a pre-buy.
    pub exposure: Option<Chart>,
    /// Family fan charts, one per selected family of products.csv, by name.
    pub families: Vec<Chart>,
    /// Families in products.csv with skus in the plan.
    pub families_total: usize,
    /// With `--charts`: how many skus it selected (more than are charted past [`MAX_PICKED`]).
    pub picked: Option<usize>,
}

impl ChartSet {
    /// Every chart.
    pub fn all(&self) -> impl Iterator<Item = &Chart> {
        self.fans
            .iter()
            .chain(self.families.iter())
            .chain(self.lines.iter())
            .chain(self.exposure.iter())
    }

    /// One sentence on which families were charted.
    pub fn family_note(&self) -> String {
        if self.families.len() == self.families_total {
            format!(
                "all {} families of products.csv charted",
                self.families_total
            )
        } else {
            format!(
                "{} of {} families of products.csv charted (largest volume)",
                self.families.len(),
                self.families_total
            )
        }
    }

    /// One sentence on which skus were charted.
    pub fn sku_note(&self) -> String {
        if let Some(n) = self.picked {
            let charted = self.skus.len();
            return if n > charted {
                format!(
                    "{charted} of the {n} skus --charts selects charted (the largest by value), of {} skus",
                    self.skus_total
                )
            } else {
                format!(
                    "{charted} sku{} charted as --charts selects, of {} skus",
                    if charted == 1 { "" } else { "s" },
                    self.skus_total
                )
            };
        }
        if self.skus.len() == self.skus_total {
            return format!("all {} skus charted", self.skus_total);
        }
        let mut by: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &self.skus {
            for r in &s.reasons {
                *by.entry(r).or_default() += 1;
            }
        }
        let parts: Vec<String> = by.iter().map(|(r, n)| format!("{n} {r}")).collect();
        format!(
            "{} of {} skus charted ({})",
            self.skus.len(),
            self.skus_total,
            parts.join(", ")
        )
    }

    /// One sentence on which lines were charted.
    pub fn line_note(&self) -> String {
        if self.line_choice.len() == self.lines_total {
            format!("all {} lines charted", self.lines_total)
        } else {
            format!(
                "{} of {} lines charted (highest peak utilization)",
                self.line_choice.len(),
                self.lines_total
            )
        }
    }

    /// Writes every chart as `DIR/STEM.svg` and `DIR/STEM.png`; returns the number of files.
    pub fn write(&self, guard: &Guard, dir: &Path) -> anyhow::Result<usize> {
        let charts: Vec<&Chart> = self.all().collect();
        charts.par_iter().try_for_each(|c| c.write(guard, dir))?;
        Ok(charts.len() * 2)
    }
}

impl Chart {
    /// Writes the chart as `DIR/STEM.svg` and `DIR/STEM.png`.
    ///
    /// # Errors
    /// When a file cannot be written.
    pub fn write(&self, guard: &Guard, dir: &Path) -> anyhow::Result<()> {
        guard.write(&dir.join(format!("{}.svg", self.stem)), |w| {
            w.write_all(self.svg.as_bytes())?;
            Ok(())
        })?;
        guard.write(&dir.join(format!("{}.png", self.stem)), |w| {
            w.write_all(&self.png)?;
            Ok(())
        })
    }
}

/// Registers the bundled font once; plotters looks fonts up by family name.
fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font, so registration cannot fail in practice; if it
        // did, text would be missing from the charts rather than the run failing.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// A plotters error as the run's error.
pub(super) fn err(e: impl Display) -> anyhow::Error {
    anyhow::anyhow!("drawing a chart: {e}")
}

/// Something that draws itself on any plotters backend.
pub(super) trait Draw: Sync {
    /// Draws on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>;
}

/// Draws `d` as SVG and as PNG.
pub(super) fn render(d: &impl Draw, size: (u32, u32)) -> anyhow::Result<(String, Vec<u8>)> {
    register_fonts();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        d.draw(&root)?;
        root.present().map_err(err)?;
    }
    let mut buf = vec![255u8; size.0 as usize * size.1 as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, size).into_drawing_area();
        d.draw(&root)?;
        root.present().map_err(err)?;
    }
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, size.0, size.1);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(err)?;
        w.write_image_data(&buf).map_err(err)?;
        w.finish().map_err(err)?;
    }
    Ok((svg, png_bytes))
}

/// A quantity on an axis: `950`, `12.5k`, `3.2M`.
pub fn short(y: f64) -> String {
    let a = y.abs();
    if a >= 1e6 {
        format!("{}M", super::num(y / 1e6, 1))
    } else if a >= 1e4 {
        format!("{}k", super::num(y / 1e3, 0))
    } else if a >= 1e3 {
        format!("{}k", super::num(y / 1e3, 1))
    } else {
        super::num(y, 1)
    }
}

/// A file stem from a name: letters, digits, `-`, `_` and `.` kept, anything else `_`.
fn stem(prefix: &str, name: &str, used: &mut BTreeSet<String>) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let base = format!("{prefix}_{clean}");
    let mut s = base.clone();
    let mut i = 2;
    while !used.insert(s.clone()) {
        s = format!("{base}_{i}");
        i += 1;
    }
    s
}

/// The mesh of every chart: its fonts, grid and axis colours.
pub(super) fn mesh_labels<'a, 'b, DB: DrawingBackend>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
) -> plotters::chart::MeshStyle<'a, 'b, RangedCoordf64, RangedCoordf64, DB> {
    let mut m = chart.configure_mesh();
    m.label_style((FONT, 13).into_font().color(&palette::TEXT))
        .axis_desc_style((FONT, 14).into_font().color(&palette::TEXT))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(palette::GRID)
        .axis_style(palette::TEXT.mix(0.6));
    m
}

fn month_label(months: &[String], x: f64) -> String {
    let r = x.round();
    if (x - r).abs() > 1e-6 || r < 0.0 {
        return String::new();
    }
    months.get(r as usize).cloned().unwrap_or_default()
}

/// The labels every `step` months so that at most about 12 show.
fn month_step(n: usize) -> usize {
    match n {
        0..=13 => 1,
        14..=26 => 2,
        27..=40 => 3,
        41..=72 => 6,
        _ => 12,
    }
}

/// The largest finite value, or 1 when none is above 0: the top of a chart's value axis before
/// its headroom.
fn axis_top(values: impl Iterator<Item = f64>) -> f64 {
    let max = values.filter(|v| v.is_finite()).fold(0.0_f64, f64::max);
    if max <= 0.0 {
        1.0
    } else {
        max
    }
}

/// A chart of the plan over `x` by `y`: the title as its caption, with the margin and label
/// areas every chart of the plan has (`y_label_area` pixels for the labels of the y axis).
pub(super) fn titled<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    title: &str,
    y_label_area: u32,
    x: Range<f64>,
    y: Range<f64>,
) -> anyhow::Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    ChartBuilder::on(root)
        .caption(
            title,
            (FONT, 18)
                .into_font()
                .style(FontStyle::Bold)
                .color(&palette::TEXT),
        )
        .margin(14)
        .x_label_area_size(36)
        .y_label_area_size(y_label_area)
        .build_cartesian_2d(x, y)
        .map_err(err)
}

/// A chart of the plan over `months` (month `t` at x = `t`, labelled every few months) and from 0
/// to `ymax` in `y_desc`, with its mesh drawn: the frame of the fan and capacity charts.
fn monthly<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    title: &str,
    months: &[String],
    ymax: f64,
    y_desc: &str,
) -> anyhow::Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    let n = months.len().max(1);
    let mut chart = titled(root, title, 60, -0.5..(n as f64 - 0.5), 0.0..ymax)?;
    let step = month_step(n);
    let fmt_x = |x: &f64| {
        let r = x.round();
        if r >= 0.0 && (r as usize).is_multiple_of(step) {
            month_label(months, *x)
        } else {
            String::new()
        }
    };
    let fmt_y = |y: &f64| short(*y);
    mesh_labels(&mut chart)
        .x_labels(n + 1)
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .y_desc(y_desc)
        .disable_x_mesh()
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// Draws the legend of the labelled series at `position`, on white of `opacity`.
fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    position: SeriesLabelPosition,
    opacity: f64,
) -> anyhow::Result<()> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(opacity))
        .border_style(palette::GRID)
        .label_font((FONT, 13).into_font().color(&palette::TEXT))
        .draw()
        .map_err(err)
}

/// The legend key of a line series: a short line in its style, at the key's place in pixels.
fn line_key(style: ShapeStyle) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style)
}

/// The legend key of bars and areas: a small box in their style, at the key's place in pixels.
fn box_key(style: ShapeStyle) -> impl Fn((i32, i32)) -> Rectangle<(i32, i32)> {
    move |(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], style)
}

// ---------------------------------------------------------------------------------------------
// Fan chart

/// The data of one fan chart.
struct Fan {
    title: String,
    /// Month labels of the x axis: history then forecast.
    months: Vec<String>,
    /// History values, at x = 0..history.len().
    history: Vec<f64>,
    /// Point forecast, at x = history.len()...
    point: Vec<f64>,
    /// Bands, widest first: (label, lo, hi).
    bands: Vec<(String, Vec<f64>, Vec<f64>)>,
    /// Last month's forecast: (x offset of its first month, values).
    previous: Option<(i64, Vec<f64>)>,
}

impl Draw for Fan {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()> {
        root.fill(&WHITE).map_err(err)?;
        let h = self.history.len() as f64;
        let ymax = axis_top(
            self.history
                .iter()
                .chain(self.point.iter())
                .chain(self.bands.iter().flat_map(|b| b.2.iter()))
                .chain(self.previous.iter().flat_map(|p| p.1.iter()))
                .copied(),
        );
        let mut chart = monthly(
            root,
            &self.title,
            &self.months,
            ymax * 1.3,
            "units per month",
        )?;

        // Bands, widest first, so the narrower one sits on top.
        let nb = self.bands.len().max(1) as f64;
        for (i, (label, lo, hi)) in self.bands.iter().enumerate() {
            let alpha = 0.12 + 0.16 * (i as f64 + 1.0) / nb;
            let colour = palette::FORECAST.mix(alpha);
            let mut pts: Vec<(f64, f64)> = hi
                .iter()
                .enumerate()
                .map(|(t, v)| (h + t as f64, *v))
                .collect();
            pts.extend(lo.iter().enumerate().rev().map(|(t, v)| (h + t as f64, *v)));
            chart
                .draw_series(std::iter::once(Polygon::new(pts, colour.filled())))
                .map_err(err)?
                .label(format!("{label} % range"))
                .legend(box_key(colour.filled()));
        }

        if !self.history.is_empty() {
            let style = palette::HISTORY.stroke_width(2);
            chart
                .draw_series(LineSeries::new(
                    self.history.iter().enumerate().map(|(t, v)| (t as f64, *v)),
                    style,
                ))
                .map_err(err)?
                .label("history")
                .legend(line_key(style));
            chart
                .draw_series(
                    self.history
                        .iter()
                        .enumerate()
                        .map(|(t, v)| Circle::new((t as f64, *v), 2, palette::HISTORY.filled())),
                )
                .map_err(err)?;
        }

        if let Some((offset, prev)) = &self.previous {
            let style = palette::PREVIOUS.stroke_width(2);
            chart
                .draw_series(DashedLineSeries::new(
                    prev.iter()
                        .enumerate()
                        .map(|(t, v)| (*offset as f64 + t as f64, *v)),
                    6,
                    4,
                    style,
                ))
                .map_err(err)?
                .label("last month's forecast")
                .legend(line_key(style));
        }

        let style = palette::FORECAST.stroke_width(3);
        let start = self.history.last().map(|v| (h - 1.0, *v));
        chart
            .draw_series(LineSeries::new(
                start.into_iter().chain(
                    self.point
                        .iter()
                        .enumerate()
                        .map(|(t, v)| (h + t as f64, *v)),
                ),
                style,
            ))
            .map_err(err)?
            .label("forecast")
            .legend(line_key(style));

        if !self.history.is_empty() && !self.point.is_empty() {
            // The forecast starts here.
            chart
                .draw_series(DashedLineSeries::new(
                    [(h - 0.5, 0.0), (h - 0.5, ymax * 1.3)],
                    4,
                    4,
                    palette::TEXT.mix(0.4).stroke_width(1),
                ))
                .map_err(err)?;
        }

        legend(&mut chart, SeriesLabelPosition::UpperLeft, 0.85)
    }
}

fn fan_data(
    sku: &SkuPlan,
    plan: &DemandPlan,
    history: &DemandHistory,
    previous: Option<&DemandPlan>,
) -> Fan {
    let mut months = Vec::new();
    let mut hist = Vec::new();
    if let Some(h) = history.get(&sku.sku) {
        // Only the history before the plan, its last HISTORY_MONTHS months.
        let before = usize::try_from(h.start.months_until(plan.start))
            .unwrap_or(0)
            .min(h.quantities.len());
        let from = before.saturating_sub(HISTORY_MONTHS);
        for (i, q) in h.quantities[from..before].iter().enumerate() {
            months.push(h.start.plus((from + i) as i32).to_string());
            hist.push(*q);
        }
        // A gap between the end of history and the plan start shows as zero months.
        let gap = h.start.plus(before as i32).months_until(plan.start).max(0);
        for g in 0..gap {
            months.push(h.start.plus(before as i32 + g).to_string());
            hist.push(0.0);
        }
    }
    let first_forecast = months.len() as i64;
    months.extend(plan.months().map(|m| m.to_string()));
    let mut bands: Vec<(String, Vec<f64>, Vec<f64>)> = sku
        .forecast
        .intervals
        .iter()
        .map(|i| (i.level.to_string(), i.lo.clone(), i.hi.clone()))
        .collect();
    bands.sort_by(|a, b| {
        let wa: f64 = a.2.iter().zip(&a.1).map(|(h, l)| h - l).sum();
        let wb: f64 = b.2.iter().zip(&b.1).map(|(h, l)| h - l).sum();
        wb.total_cmp(&wa)
    });
    let previous = previous.and_then(|p| {
        let s = p.get(&sku.sku)?;
        let offset = first_forecast + i64::from(plan.start.months_until(p.start));
        // Keep the months that fall on the chart.
        let mut vals = Vec::new();
        let mut off = None;
        for (t, v) in s.forecast.point.iter().enumerate() {
            let x = offset + t as i64;
            if x >= 0 && (x as usize) < months.len() {
                off.get_or_insert(x);
                vals.push(*v);
            }
        }
        off.map(|o| (o, vals))
    });
    let mut model: String = sku.model.chars().take(48).collect();
    if sku.model.chars().count() > 48 {
        model.push('…');
    }
    Fan {
        title: format!("{}: forecast by {}", sku.sku, model),
        months,
        history: hist,
        point: sku.forecast.point.clone(),
        bands,
        previous,
    }
}

/// One sku's fan chart on its own (for the review pack or a single look).
///
/// # Errors
/// When plotters cannot draw (it does not for finite numbers).
#[allow(dead_code)] // for the review pack, which has last month's forecast
pub fn fan_chart(
    sku: &str,
    plan: &DemandPlan,
    history: &DemandHistory,
    previous: Option<&DemandPlan>,
) -> anyhow::Result<Option<Chart>> {
    let Some(s) = plan.get(sku) else {
        return Ok(None);
    };
    let d = fan_data(s, plan, history, previous);
    chart(
        &stem("fan", sku, &mut BTreeSet::new()),
        &d.title,
        &d,
        (WIDTH, HEIGHT),
    )
    .map(Some)
}

// ---------------------------------------------------------------------------------------------
// Capacity chart

struct LineChart {
    title: String,
    months: Vec<String>,
    available: Vec<f64>,
    required: Vec<f64>,
    /// (level label, required hours at the upper bound).
    upper: Vec<(String, Vec<f64>)>,
}

impl Draw for LineChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()> {
        root.fill(&WHITE).map_err(err)?;
        let ymax = axis_top(
            self.available
                .iter()
                .chain(self.required.iter())
                .chain(self.upper.iter().flat_map(|u| u.1.iter()))
                .copied(),
        );
        let mut chart = monthly(
            root,
            &self.title,
            &self.months,
            ymax * 1.55,
            "hours per month",
        )?;

        let over = |t: usize| self.required[t] > self.available[t] + 1e-9;
        chart
            .draw_series(
                (0..self.required.len())
                    .filter(|t| !over(*t))
                    .map(|t| bar(t, self.required[t], palette::WITHIN)),
            )
            .map_err(err)?
            .label("required hours at the forecast")
            .legend(box_key(palette::WITHIN.filled()));
        if (0..self.required.len()).any(over) {
            chart
                .draw_series(
                    (0..self.required.len())
                        .filter(|t| over(*t))
                        .map(|t| bar(t, self.required[t], palette::OVER)),
                )
                .map_err(err)?
                .label("over capacity")
                .legend(box_key(palette::OVER.filled()));
        }
        let nu = self.upper.len().max(1);
        for (i, (label, hours)) in self.upper.iter().enumerate() {
            let colour = palette::UPPER.mix(0.45 + 0.55 * (i as f64 + 1.0) / nu as f64);
            let style = colour.stroke_width(2);
            chart
                .draw_series(hours.iter().enumerate().map(move |(t, v)| {
                    PathElement::new(vec![(t as f64 - 0.38, *v), (t as f64 + 0.38, *v)], style)
                }))
                .map_err(err)?
                .label(format!("required at the {label} % upper bound"))
                .legend(line_key(style));
        }
        let style = palette::CAPACITY.stroke_width(2);
        // A step line: each month's available hours across its own bar.
        let mut pts = Vec::new();
        for (t, a) in self.available.iter().enumerate() {
            pts.push((t as f64 - 0.5, *a));
            pts.push((t as f64 + 0.5, *a));
        }
        chart
            .draw_series(LineSeries::new(pts, style))
            .map_err(err)?
            .label("available hours")
            .legend(line_key(style));
        legend(&mut chart, SeriesLabelPosition::UpperRight, 0.9)
    }
}

fn bar(t: usize, v: f64, c: RGBColor) -> Rectangle<(f64, f64)> {
    Rectangle::new(
        [(t as f64 - 0.32, 0.0), (t as f64 + 0.32, v)],
        c.mix(0.85).filled(),
    )
}

fn line_data(plan: &CapacityPlan, line: &str) -> LineChart {
    let rows: Vec<_> = plan.rows.iter().filter(|r| r.line == line).collect();
    let mut upper: Vec<(String, Vec<f64>)> = plan
        .levels
        .iter()
        .map(|l| (l.to_string(), Vec::new()))
        .collect();
    for r in &rows {
        for (i, u) in r.upper.iter().enumerate() {
            if let Some(slot) = upper.get_mut(i) {
                slot.1.push(u.required_hours);
            }
        }
    }
    upper.retain(|u| u.1.len() == rows.len() && !rows.is_empty());
    let peak = rows
        .iter()
        .filter_map(|r| r.utilization)
        .fold(0.0_f64, f64::max);
    LineChart {
        title: format!(
            "Line {line}: required vs available hours (peak {} % at the forecast)",
            super::num(peak * 100.0, 0)
        ),
        months: rows.iter().map(|r| r.month.to_string()).collect(),
        available: rows.iter().map(|r| r.available_hours).collect(),
        required: rows.iter().map(|r| r.required_hours).collect(),
        upper,
    }
}

// ---------------------------------------------------------------------------------------------
// Material exposure

struct Exposure {
    title: String,
    /// (material, cash tied up, value at risk), largest first.
    bars: Vec<(String, f64, f64)>,
}

impl Draw for Exposure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()> {
        root.fill(&WHITE).map_err(err)?;
        let n = self.bars.len().max(1);
        let xmax = self
            .bars
            .iter()
            .map(|b| b.1)
            .fold(0.0_f64, f64::max)
            .max(1.0);
        let label_width = self
            .bars
            .iter()
            .map(|b| b.0.chars().count())
            .max()
            .unwrap_or(4)
            .clamp(6, 28) as u32
            * 8
            + 16;
        let mut chart = titled(
            root,
            &self.title,
            label_width,
            0.0..xmax * 1.08,
            -0.5..(n as f64 - 0.5),
        )?;
        let names: Vec<String> = self
            .bars
            .iter()
            .map(|b| {
                let mut s: String = b.0.chars().take(28).collect();
                if b.0.chars().count() > 28 {
                    s.push('…');
                }
                s
            })
            .collect();
        // Largest at the top: bar i sits at y = n - 1 - i.
        let fmt_y = |y: &f64| {
            let r = y.round();
            if (y - r).abs() > 1e-6 || r < 0.0 {
                return String::new();
            }
            let i = n as i64 - 1 - r as i64;
            usize::try_from(i)
                .ok()
                .and_then(|i| names.get(i).cloned())
                .unwrap_or_default()
        };
        let fmt_x = |x: &f64| short(*x);
        mesh_labels(&mut chart)
            .y_labels(n + 1)
            .y_label_formatter(&fmt_y)
            .x_label_formatter(&fmt_x)
            .x_desc("cash tied up in the pre-buy")
            .disable_y_mesh()
            .draw()
            .map_err(err)?;
        let y = |i: usize| (n - 1 - i) as f64;
        chart
            .draw_series(self.bars.iter().enumerate().map(|(i, b)| {
                Rectangle::new(
                    [(0.0, y(i) - 0.34), (b.1, y(i) + 0.34)],
                    palette::WITHIN.mix(0.85).filled(),
                )
            }))
            .map_err(err)?
            .label("cash tied up")
            .legend(box_key(palette::WITHIN.filled()));
        chart
            .draw_series(self.bars.iter().enumerate().map(|(i, b)| {
                Rectangle::new(
                    [(0.0, y(i) - 0.34), (b.2.min(b.1), y(i) + 0.34)],
                    palette::OVER.mix(0.8).filled(),
                )
            }))
            .map_err(err)?
            .label("at risk if demand comes in at the lower bound")
            .legend(box_key(palette::OVER.filled()));
        legend(&mut chart, SeriesLabelPosition::LowerRight, 0.9)
    }
}

fn exposure_data(m: &MaterialPlan) -> Option<Exposure> {
    let mut rows: Vec<_> = m
        .prebuy
        .iter()
        .filter(|p| p.quantity > 0.0 && p.cash_tied_up > 0.0)
        .collect();
    if rows.is_empty() {
        return None;
    }
    rows.sort_by(|a, b| b.cash_tied_up.total_cmp(&a.cash_tied_up));
    let total: f64 = rows.iter().map(|p| p.cash_tied_up).sum();
    let shown = rows.len().min(EXPOSURE_TOP);
    let title = if shown < rows.len() {
        format!(
            "Pre-buy exposure: top {shown} of {} materials, {} tied up in all",
            rows.len(),
            short(total)
        )
    } else {
        format!(
            "Pre-buy exposure: {} materials, {} tied up",
            rows.len(),
            short(total)
        )
    };
    Some(Exposure {
        title,
        bars: rows
            .iter()
            .take(EXPOSURE_TOP)
            .map(|p| (p.material.clone(), p.cash_tied_up, p.value_at_risk))
            .collect(),
    })
}

// ---------------------------------------------------------------------------------------------
// Selection

/// Lines overloaded at the forecast or at risk (as in the terminal summary).
fn overloaded_lines(plan: &CapacityPlan) -> BTreeSet<&str> {
    plan.at_risk().map(|r| r.line.as_str()).collect()
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
    let mut by_volume: Vec<(usize, f64)> = plan
        .skus
        .iter()
        .enumerate()
        .map(|(i, s)| (i, volume(s)))
        .collect();
    by_volume.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut by_width: Vec<(usize, f64)> = plan
        .skus
        .iter()
        .enumerate()
        .map(|(i, s)| (i, width(s)))
        .collect();
    by_width.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
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
                if plan.forecast.plan.get(sku).is_none() {
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

/// Every chart of a plan: fan charts of the selected skus, capacity charts of the selected lines
/// and the material exposure chart, drawn in parallel.
///
/// # Errors
/// When plotters cannot draw.
///
/// `picked`: the skus `--charts` selected ([`pick_skus`]) and how many, instead of the default
/// choice ([`select_skus`]). Families: a fan chart per family of `products` with skus in the
/// plan, the `top` largest by volume when there are more.
pub fn charts(
    plan: &Plan,
    history: &DemandHistory,
    routings: &[RoutingStep],
    products: &[Product],
    previous: Option<&DemandPlan>,
    top: usize,
    picked: Option<(Vec<Selected>, usize)>,
) -> anyhow::Result<ChartSet> {
    let fc = &plan.forecast.plan;
    let capacity = plan.capacity.as_ref().map(|c| &c.plan);
    let (skus, picked) = match picked {
        Some((skus, n)) => (skus, Some(n)),
        None => (select_skus(fc, capacity, routings, top), None),
    };
    let mut used = BTreeSet::new();
    // Families: the same fan chart of each family's total.
    let (fplan, fhistory) = family_plan(fc, history, products);
    let fprevious = previous.map(|p| family_plan(p, &DemandHistory::default(), products).0);
    let mut by_volume: Vec<(&SkuPlan, f64)> = fplan
        .skus
        .iter()
        .map(|f| (f, f.forecast.point.iter().sum::<f64>()))
        .collect();
    by_volume.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.sku.cmp(&b.0.sku)));
    let mut chosen: Vec<&SkuPlan> = by_volume.into_iter().take(top).map(|x| x.0).collect();
    chosen.sort_by(|a, b| a.sku.cmp(&b.sku));
    let family_jobs: Vec<(String, Fan)> = chosen
        .iter()
        .map(|f| {
            let mut d = fan_data(f, &fplan, &fhistory, fprevious.as_ref());
            d.title = format!("Family {}: {}", f.sku, f.model);
            (stem("family", &f.sku, &mut used), d)
        })
        .collect();
    let fan_jobs: Vec<(String, Fan, String)> = skus
        .iter()
        .filter_map(|s| {
            let p = fc.get(&s.key)?;
            Some((
                stem("fan", &s.key, &mut used),
                fan_data(p, fc, history, previous),
                s.reasons.join(", "),
            ))
        })
        .collect();
    let (line_choice, line_jobs, lines_total) = match capacity {
        Some(c) => {
            let sel = select_lines(c, top);
            let jobs: Vec<(String, LineChart)> = sel
                .iter()
                .map(|s| (stem("capacity", &s.key, &mut used), line_data(c, &s.key)))
                .collect();
            let total = c
                .rows
                .iter()
                .map(|r| r.line.as_str())
                .collect::<BTreeSet<_>>()
                .len();
            (sel, jobs, total)
        }
        None => (Vec::new(), Vec::new(), 0),
    };
    let fans = fan_jobs
        .par_iter()
        .map(|(stem, d, why)| {
            let mut c = chart(stem, &d.title, d, (WIDTH, HEIGHT))?;
            if why != "all" {
                c.why = why.clone();
            }
            Ok(c)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let lines = line_jobs
        .par_iter()
        .map(|(stem, d)| chart(stem, &d.title, d, (WIDTH, HEIGHT)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let families = family_jobs
        .par_iter()
        .map(|(stem, d)| chart(stem, &d.title, d, (WIDTH, HEIGHT)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let exposure = match plan.materials.as_ref().and_then(exposure_data) {
        Some(d) => Some(chart("material_exposure", &d.title, &d, (WIDTH, HEIGHT))?),
        None => None,
    };
    Ok(ChartSet {
        fans,
        skus_total: fc.skus.len(),
        skus,
        lines,
        line_choice,
        lines_total,
        exposure,
        families,
        families_total: fplan.skus.len(),
        picked,
    })
}

/// `d` drawn at `size` in both formats as the chart `stem` (with no reason for its choice).
pub(super) fn chart(
    stem: &str,
    title: &str,
    d: &impl Draw,
    size: (u32, u32),
) -> anyhow::Result<Chart> {
    let (svg, png) = render(d, size)?;
    Ok(Chart {
        stem: stem.to_string(),
        title: title.to_string(),
        svg,
        png,
        why: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_numbers_are_short() {
        assert_eq!(short(950.0), "950");
        assert_eq!(short(1250.0), "1.3k");
        assert_eq!(short(12_500.0), "13k");
        assert_eq!(short(3_210_000.0), "3.2M");
    }

    #[test]
    fn stems_are_file_safe_and_unique() {
        let mut used = BTreeSet::new();
        assert_eq!(stem("fan", "A/B 1", &mut used), "fan_A_B_1");
        assert_eq!(stem("fan", "A:B 1", &mut used), "fan_A_B_1_2");
    }

    #[test]
    fn a_chart_renders_headless_in_both_formats() {
        let d = LineChart {
            title: "Line L1".into(),
            months: vec!["2026-01".into(), "2026-02".into()],
            available: vec![100.0, 100.0],
            required: vec![80.0, 120.0],
            upper: vec![("80".into(), vec![90.0, 130.0])],
        };
        let (svg, png) = render(&d, (WIDTH, HEIGHT)).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("2026-02"));
        assert_eq!(&png[1..4], b"PNG");
    }
}
