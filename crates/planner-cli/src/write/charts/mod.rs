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
//! The other commands' charts draw with the same machinery, font and palette: the scenario
//! comparison ([`scenario`]) and the scorecard's trends ([`scorecard`]).
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
        guard.bytes(&dir.join(format!("{}.svg", self.stem)), self.svg.as_bytes())?;
        guard.bytes(&dir.join(format!("{}.png", self.stem)), &self.png)
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

/// The bold text of a chart's title at `size` (a panel's, smaller).
pub(super) fn title_font(size: u32) -> TextStyle<'static> {
    (FONT, size)
        .into_font()
        .style(FontStyle::Bold)
        .color(&palette::TEXT)
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
        .caption(title, title_font(18))
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

mod capacity;
mod exposure;
mod fan;
pub mod scenario;
pub mod scorecard;
mod select;

use capacity::{line_data, LineChart};
use exposure::exposure_data;
pub use fan::fan_chart;
use fan::{fan_data, Fan};
pub use select::{pick_skus, select_lines, select_skus};

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
    let fc = &plan.forecast.demand;
    let capacity = plan.capacity.as_ref().map(|c| &c.line_months);
    let (skus, picked) = match picked {
        Some((skus, n)) => (skus, Some(n)),
        None => (select_skus(fc, capacity, routings, top), None),
    };
    // One set of stems for every chart: families, then skus, then lines.
    let mut used = BTreeSet::new();
    let (family_jobs, families_total) =
        family_jobs(fc, history, products, previous, top, &mut used);
    let (fan_jobs, whys): (Vec<(String, Fan)>, Vec<String>) = skus
        .iter()
        .filter_map(|s| {
            let p = fc.get(&s.key)?;
            let job = (
                stem("fan", &s.key, &mut used),
                fan_data(p, fc, history, previous),
            );
            Some((job, s.reasons.join(", ")))
        })
        .unzip();
    let (line_choice, line_jobs, lines_total) = match capacity {
        Some(c) => line_jobs(c, top, &mut used),
        None => (Vec::new(), Vec::new(), 0),
    };
    let mut fans = draw_each(&fan_jobs, |d| &d.title)?;
    for (c, why) in fans.iter_mut().zip(whys) {
        if why != "all" {
            c.why = why;
        }
    }
    let exposure = match plan.materials.as_ref().and_then(exposure_data) {
        Some(d) => Some(chart("material_exposure", &d.title, &d, (WIDTH, HEIGHT))?),
        None => None,
    };
    Ok(ChartSet {
        fans,
        skus_total: fc.skus.len(),
        skus,
        lines: draw_each(&line_jobs, |d| &d.title)?,
        line_choice,
        lines_total,
        exposure,
        families: draw_each(&family_jobs, |d| &d.title)?,
        families_total,
        picked,
    })
}

/// The family fan charts' data, with their stems: a fan of each family's total (history,
/// forecast and ranges from [`family_plan`]), the `top` largest by volume, in name order; and
/// how many families the plan has.
fn family_jobs(
    fc: &DemandPlan,
    history: &DemandHistory,
    products: &[Product],
    previous: Option<&DemandPlan>,
    top: usize,
    used: &mut BTreeSet<String>,
) -> (Vec<(String, Fan)>, usize) {
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
    let jobs = chosen
        .iter()
        .map(|f| {
            let mut d = fan_data(f, &fplan, &fhistory, fprevious.as_ref());
            d.title = format!("Family {}: {}", f.sku, f.model);
            (stem("family", &f.sku, used), d)
        })
        .collect();
    (jobs, fplan.skus.len())
}

/// The capacity charts' data of the lines [`select_lines`] chooses, with their stems; the
/// choice; and how many lines the plan has.
fn line_jobs(
    c: &CapacityPlan,
    top: usize,
    used: &mut BTreeSet<String>,
) -> (Vec<Selected>, Vec<(String, LineChart)>, usize) {
    let choice = select_lines(c, top);
    let jobs = choice
        .iter()
        .map(|s| (stem("capacity", &s.key, used), line_data(c, &s.key)))
        .collect();
    let total = c
        .rows
        .iter()
        .map(|r| r.line.as_str())
        .collect::<BTreeSet<_>>()
        .len();
    (choice, jobs, total)
}

/// Each `(stem, data)` drawn at the plan charts' size, in parallel, titled by `title`.
fn draw_each<D: Draw>(
    jobs: &[(String, D)],
    title: impl Fn(&D) -> &str + Sync,
) -> anyhow::Result<Vec<Chart>> {
    jobs.par_iter()
        .map(|(stem, d)| chart(stem, title(d), d, (WIDTH, HEIGHT)))
        .collect()
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
