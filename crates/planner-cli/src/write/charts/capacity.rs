//! The capacity chart of a line: required against available hours over the horizon, with
//! the required hours at the upper bound of each level.

use super::*;

pub(super) struct LineChart {
    pub(super) title: String,
    pub(super) months: Vec<String>,
    pub(super) available: Vec<f64>,
    pub(super) required: Vec<f64>,
    /// (level label, required hours at the upper bound).
    pub(super) upper: Vec<(String, Vec<f64>)>,
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

pub(super) fn line_data(plan: &CapacityPlan, line: &str) -> LineChart {
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
            crate::write::num(peak * 100.0, 0)
        ),
        months: rows.iter().map(|r| r.month.to_string()).collect(),
        available: rows.iter().map(|r| r.available_hours).collect(),
        required: rows.iter().map(|r| r.required_hours).collect(),
        upper,
    }
}
