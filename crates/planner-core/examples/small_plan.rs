//! A small plan built entirely in code, as a crate embedding planner-core would: two years of
//! history for two bottles, one line, a two-level BOM, price tiers; then the whole plan.
//!
//! Run with `cargo run -p planner-core --example small_plan`.
#![allow(clippy::print_stdout)] // an example prints its results

use planner_core::capacity::{Calendar, CalendarEntry, Line, LineSpec, RoutingStep};
use planner_core::demand::DemandHistory;
use planner_core::events::{Event, EventKind};
use planner_core::materials::{Bom, BomLine, Material};
use planner_core::pricing::{Basis, PriceTier};
use planner_core::scenario::{run, PlanInput};
use planner_core::time::Month;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let first: Month = "2024-11".parse()?;
    // Two years of monthly demand with a fourth-quarter peak.
    let mut records = Vec::new();
    for i in 0..24 {
        let month = first.plus(i);
        let peak = if month.month() >= 10 { 1.6 } else { 1.0 };
        records.push(("BTL-500", month, (4000.0 + 40.0 * i as f64) * peak));
        records.push(("BTL-750", month, (1500.0 + 10.0 * i as f64) * peak));
    }
    let mut input = PlanInput::new(DemandHistory::from_records(records)?);

    input.lines = vec![Line::new(
        "L1",
        LineSpec {
            shifts_per_day: 2.0,
            hours_per_shift: 8.0,
            days_per_week: 5.0,
            oee: 0.8,
            operators_per_shift: Some(6.0),
        },
    )?];
    input.routings = vec![
        RoutingStep::new("BTL-500", "L1", "weld", 28.0, None)?,
        RoutingStep::new("BTL-500", "L1", "pack", 15.0, None)?,
        RoutingStep::new("BTL-750", "L1", "weld", 32.0, None)?,
        RoutingStep::new("BTL-750", "L1", "pack", 15.0, None)?,
    ];
    input.calendar = Calendar::new(vec![CalendarEntry::new(
        "*",
        "2026-12-25".parse()?,
        0.0,
        Some("Christmas".into()),
    )?]);
    input.bom = Bom::new(vec![
        BomLine::new("BTL-500", "SA-LID", 1.0)?,
        BomLine::new("BTL-750", "SA-LID", 1.0)?,
        BomLine::new("SA-LID", "RESIN-PP", 0.035)?,
        BomLine::new("BTL-500", "STEEL-304", 0.18)?,
        BomLine::new("BTL-750", "STEEL-304", 0.24)?,
    ])?;
    input.materials = vec![
        Material::new("SA-LID", 7.0, 1.0, 1.0, 0.6, 2000.0)?,
        Material::new("RESIN-PP", 40.0, 1000.0, 25.0, 1.9, 800.0)?,
        Material::new("STEEL-304", 90.0, 2000.0, 500.0, 3.2, 1500.0)?,
    ];
    input.tiers = vec![
        PriceTier::new("BTL-500", 0.0, 9.80, Basis::Annual, Some("USD".into()))?,
        PriceTier::new("BTL-500", 60_000.0, 9.40, Basis::Annual, Some("USD".into()))?,
        PriceTier::new("BTL-750", 0.0, 11.20, Basis::Annual, Some("USD".into()))?,
    ];
    input.events = vec![Event::new(
        "BTL-500",
        "2026-11".parse()?,
        EventKind::Multiplier,
        1.3,
        Some("Black Friday".into()),
    )?];

    let plan = run(&input, &|_| {})?;

    let fc = &plan.forecast.demand;
    println!("forecast from {} for {} months:", fc.start, fc.horizon);
    for s in &fc.skus {
        let l95 = fc.levels[fc.levels.len() - 1];
        println!(
            "  {:8} {:>8.0} in {} (95 %: {:.0} to {:.0}), model {}",
            s.sku,
            s.forecast.point[0],
            fc.start,
            s.lo(l95, 0).unwrap_or(0.0),
            s.hi(l95, 0).unwrap_or(0.0),
            s.model
        );
    }
    if let Some(c) = &plan.capacity {
        println!("capacity:");
        for r in c.line_months.rows.iter().take(3) {
            println!("  {}", r.headline());
        }
        let unmet: f64 = c.build.unmet.iter().map(|u| u.quantity).sum::<f64>() + 0.0;
        println!("  build plan: {unmet:.0} units of demand cannot be met");
    }
    if let Some(m) = &plan.materials {
        let s = m.summary();
        println!(
            "materials: {} past-due releases, {} pre-buys tying up {:.0}",
            s.past_due_count, s.prebuy_count, s.prebuy_cash
        );
    }
    if let Some(p) = &plan.pricing {
        for r in &p.rows {
            println!(
                "pricing: {} {}: {:.0} units at {:.2} = {:.0}",
                r.sku, r.period, r.volume, r.unit_price, r.spend
            );
        }
    }
    Ok(())
}
