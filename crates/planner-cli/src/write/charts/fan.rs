//! The fan chart of a sku or a family: history, the point forecast, a band per confidence
//! level and, when given, last month's forecast as a dashed line.

use super::*;

/// The data of one fan chart.
pub(super) struct Fan {
    pub(super) title: String,
    /// Month labels of the x axis: history then forecast.
    pub(super) months: Vec<String>,
    /// History values, at x = 0..history.len().
    pub(super) history: Vec<f64>,
    /// Point forecast, at x = history.len()...
    pub(super) point: Vec<f64>,
    /// Bands, widest first: (label, lo, hi).
    pub(super) bands: Vec<(String, Vec<f64>, Vec<f64>)>,
    /// Last month's forecast: (x offset of its first month, values).
    pub(super) previous: Option<(i64, Vec<f64>)>,
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

pub(super) fn fan_data(
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
