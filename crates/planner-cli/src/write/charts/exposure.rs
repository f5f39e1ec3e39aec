//! The material exposure chart: the cash tied up in pre-buys of the top materials and the
//! part of it at risk if demand comes in at the lower bound.

use super::*;

pub(super) struct Exposure {
    pub(super) title: String,
    /// (material, cash tied up, value at risk), largest first.
    pub(super) bars: Vec<(String, f64, f64)>,
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

pub(super) fn exposure_data(m: &MaterialPlan) -> Option<Exposure> {
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
