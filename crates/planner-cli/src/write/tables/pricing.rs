//! The pricing tables: `pricing.csv`, `price_projection.csv` and `order_sizing.csv`, and the
//! plan's currency ([`currency`]) the other tables' money is stated in.

use planner_core::forecast::Level;
use planner_core::pricing::{PricingPlan, ProjectedSpend};

use super::{header, Cell, Rows, Table};

/// The plan's currency: the one the price tiers name, when they all name the same.
pub fn currency(plan: &PricingPlan) -> Option<&str> {
    let mut named = plan.rows.iter().filter_map(|r| r.currency.as_deref());
    let first = named.next()?;
    named.all(|c| c == first).then_some(first)
}

/// The currency the workbook's money is in, said once.
pub fn money_note(pricing: Option<&PricingPlan>) -> String {
    match pricing {
        Some(p) => match currency(p) {
            Some(c) => format!(
                "amounts in {c}, the price tiers' currency (materials.csv's unit costs taken in it)"
            ),
            None if p.rows.iter().any(|r| r.currency.is_some()) => {
                "the price tiers name several currencies: each pricing row is in its own; \
                 materials' amounts carry none"
                    .into()
            }
            None => "price_tiers.csv names no currency: amounts carry none (those of the quotes \
                     and of materials.csv's unit costs)"
                .into(),
        },
        None => "no price tiers: amounts (materials.csv's unit costs) carry no currency".into(),
    }
}

/// `pricing.csv`: the contract's columns, then the range at each level and the next-tier analysis.
pub fn pricing(plan: &PricingPlan, levels: &[Level]) -> Table {
    pricing_rows(plan, levels).table()
}

/// [`pricing`] made row by row.
pub fn pricing_rows<'a>(plan: &'a PricingPlan, levels: &'a [Level]) -> Rows<'a> {
    let mut h = header(&[
        "sku",
        "period",
        "volume",
        "tier_min_qty",
        "unit_price",
        "spend",
        "next_tier_min_qty",
        "next_tier_unit_price",
        "basis",
        "currency",
        "units_to_next_tier",
        "saving_total",
        "pull_forward_holding_cost",
        "pull_forward_pays",
    ]);
    for l in levels {
        let l = l.label();
        for c in [
            "volume_lo",
            "volume_hi",
            "unit_price_lo",
            "unit_price_hi",
            "spend_lo",
            "spend_hi",
        ] {
            h.push(format!("{c}_{l}"));
        }
    }
    h.push("straddles_break".into());
    h.push("p_next_tier".into());
    h.push("below_first_tier".into());
    let rows = plan.rows.iter().map(move |r| {
        let cur = r.currency.as_deref();
        let mut c = vec![
            Cell::text(&r.sku),
            Cell::text(&r.period),
            Cell::count(r.volume, 2),
            Cell::count(r.tier_min_qty, 2),
            Cell::money(r.unit_price, 4, cur),
            Cell::money(r.spend, 2, cur),
            Cell::count(r.next_tier_min_qty, 2),
            Cell::money(r.next_tier_unit_price, 4, cur),
            Cell::text(r.basis.to_string()),
            Cell::opt_text(r.currency.as_deref()),
            Cell::count(r.units_to_next_tier, 2),
            Cell::money(r.saving_total, 2, cur),
            Cell::money(r.pull_forward_holding_cost, 2, cur),
            r.pull_forward_pays.map_or(Cell::Empty, Cell::yes_no),
        ];
        for l in levels {
            match r.range.iter().find(|x| x.level == *l) {
                Some(x) => c.extend([
                    Cell::count(x.volume_lo, 2),
                    Cell::count(x.volume_hi, 2),
                    Cell::money(x.unit_price_lo, 4, cur),
                    Cell::money(x.unit_price_hi, 4, cur),
                    Cell::money(x.spend_lo, 2, cur),
                    Cell::money(x.spend_hi, 2, cur),
                ]),
                None => c.extend(std::iter::repeat_n(Cell::Empty, 6)),
            }
        }
        c.push(Cell::yes_no(r.straddles_break));
        c.push(Cell::ratio(r.p_next_tier, 4));
        c.push(Cell::yes_no(r.below_first_tier));
        c
    });
    Rows::new(h, rows).with_total(&["volume", "spend", "saving_total"])
}

/// `price_projection.csv`: per sku and month the tier price reached, the index factor in force
/// and the unit price and spend that follow from the planned volume.
pub fn price_projection(spend: &[ProjectedSpend], currency: Option<&str>) -> Table {
    let h = header(&[
        "sku",
        "month",
        "quantity",
        "tier_unit_price",
        "index_factor",
        "unit_price",
        "spend",
        "spend_change_vs_base",
        "index_held_flat",
    ]);
    let rows = spend
        .iter()
        .map(|r| {
            vec![
                Cell::text(&r.sku),
                Cell::month(r.month),
                Cell::count(r.quantity, 2),
                Cell::money(r.tier_unit_price, 4, currency),
                Cell::number(r.index_factor, 6),
                Cell::money(r.unit_price, 4, currency),
                Cell::money(r.spend, 2, currency),
                Cell::money(r.change_vs_base, 2, currency),
                Cell::yes_no(r.index_held_flat),
            ]
        })
        .collect();
    Table::new(h, rows).with_total(&["quantity", "spend", "spend_change_vs_base"])
}

/// `order_sizing.csv`: for skus priced per order, the order quantity with the least purchase,
/// ordering and holding cost under the price breaks (EOQ with all-units discounts).
pub fn order_sizing(plan: &PricingPlan) -> Table {
    let h = header(&[
        "sku",
        "annual_demand",
        "quantity",
        "unit_price",
        "orders_per_year",
        "purchase_cost",
        "ordering_cost",
        "holding_cost",
        "total_cost",
    ]);
    let rows = plan
        .sizing
        .iter()
        .map(|s| {
            let cur = plan
                .rows
                .iter()
                .find(|r| r.sku == s.sku)
                .and_then(|r| r.currency.as_deref());
            vec![
                Cell::text(&s.sku),
                Cell::count(s.annual_demand, 2),
                Cell::count(s.quantity, 2),
                Cell::money(s.unit_price, 4, cur),
                Cell::number(s.orders_per_year, 3),
                Cell::money(s.purchase_cost, 2, cur),
                Cell::money(s.ordering_cost, 2, cur),
                Cell::money(s.holding_cost, 2, cur),
                Cell::money(s.total_cost, 2, cur),
            ]
        })
        .collect();
    Table::new(h, rows).with_total(&[
        "purchase_cost",
        "ordering_cost",
        "holding_cost",
        "total_cost",
    ])
}
