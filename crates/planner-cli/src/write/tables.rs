//! Core outputs as tables of typed cells ([`Cell`]): the CSV files of the contract and, from the
//! same rows, the sheets of the workbooks and the tables of the pages, each rendering the cells
//! its own way.

use planner_core::pricing::PricingPlan;
use planner_core::DemandPlan;

pub use super::cell::Cell;

/// A table: a header and rows of typed cells, and the totals row the workbooks show under them.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Rows of cells, as many as the header.
    pub rows: Vec<Vec<Cell>>,
    /// A totals row (`total` in the first column, sums where a total means something), shown
    /// by the workbooks under the rows; never in the CSV files, which keep one row per record.
    pub total: Option<Vec<Cell>>,
    /// Rows after `rows` that are in the table's CSV file only: a table written as it was made
    /// ([`super::Guard::table_rows`]) keeps its first rows for a page when it is too long for
    /// a sheet.
    pub omitted: usize,
}

impl Table {
    /// A table without a totals row.
    pub fn new(header: Vec<String>, rows: Vec<Vec<Cell>>) -> Self {
        Self {
            header,
            rows,
            total: None,
            omitted: 0,
        }
    }

    /// How many rows the table has: those held and those in its CSV file only.
    pub fn row_count(&self) -> usize {
        self.rows.len() + self.omitted
    }

    /// The index of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The rows as the CSV files spell them.
    pub fn csv_rows(&self) -> impl Iterator<Item = Vec<String>> + '_ {
        self.rows.iter().map(|r| r.iter().map(Cell::csv).collect())
    }

    /// Adds a totals row summing the columns named: counts, numbers and money (of one currency;
    /// amounts in several currencies are not added and their total stays empty). The first
    /// column says `total`.
    pub fn with_total(mut self, columns: &[&str]) -> Self {
        let mut total = vec![Cell::Empty; self.header.len()];
        if let Some(first) = total.first_mut() {
            *first = Cell::text("total");
        }
        for name in columns {
            let Some(c) = self.column(name) else { continue };
            total[c] = sum(self.rows.iter().filter_map(|r| r.get(c)));
        }
        self.total = Some(total);
        self
    }
}

/// A table made row by row: its header, its rows as they are made, and its totals row.
/// [`Rows::table`] holds every row; [`super::Guard::table_rows`] writes each row as it is made
/// and holds only what a sheet and a page show.
pub struct Rows<'a> {
    /// Column names.
    pub header: Vec<String>,
    rows: Box<dyn Iterator<Item = Vec<Cell>> + 'a>,
    total: Total,
}

/// The totals row of [`Rows`]: none, the columns it sums once every row is made, or made.
enum Total {
    None,
    Sums(&'static [&'static str]),
    Made(Vec<Cell>),
}

impl<'a> Rows<'a> {
    /// A table of `header` whose rows `rows` makes.
    pub fn new(header: Vec<String>, rows: impl Iterator<Item = Vec<Cell>> + 'a) -> Self {
        Self {
            header,
            rows: Box::new(rows),
            total: Total::None,
        }
    }

    /// With a totals row summing the columns named (see [`Table::with_total`]).
    pub fn with_total(mut self, columns: &'static [&'static str]) -> Self {
        self.total = Total::Sums(columns);
        self
    }

    /// The next row.
    pub fn next_row(&mut self) -> Option<Vec<Cell>> {
        self.rows.next()
    }

    /// `rows` (the rows made so far, all of them) as a table with its totals row.
    pub fn finish(self, rows: Vec<Vec<Cell>>) -> Table {
        let t = Table::new(self.header, rows);
        match self.total {
            Total::None => t,
            Total::Sums(columns) => t.with_total(columns),
            Total::Made(row) => Table {
                total: Some(row),
                ..t
            },
        }
    }

    /// Every row, held.
    pub fn table(mut self) -> Table {
        let rows = self.rows.by_ref().collect();
        self.finish(rows)
    }
}

/// A table already held, row by row.
impl From<Table> for Rows<'static> {
    fn from(t: Table) -> Self {
        Self {
            header: t.header,
            rows: Box::new(t.rows.into_iter()),
            total: t.total.map_or(Total::None, Total::Made),
        }
    }
}

/// The sum of cells of one kind: `Empty` when they mix kinds or currencies, or none is a number.
fn sum<'a>(cells: impl Iterator<Item = &'a Cell>) -> Cell {
    let mut acc: Option<Cell> = None;
    for c in cells {
        if *c == Cell::Empty {
            continue;
        }
        acc = Some(match (acc.take(), c) {
            (None, c @ (Cell::Count { .. } | Cell::Number { .. } | Cell::Money { .. })) => {
                c.clone()
            }
            (
                Some(Cell::Count { value, decimals }),
                Cell::Count {
                    value: v,
                    decimals: d,
                },
            ) => Cell::Count {
                value: value + v,
                decimals: decimals.max(*d),
            },
            (
                Some(Cell::Number { value, decimals }),
                Cell::Number {
                    value: v,
                    decimals: d,
                },
            ) => Cell::Number {
                value: value + v,
                decimals: decimals.max(*d),
            },
            (
                Some(Cell::Money {
                    value,
                    decimals,
                    currency,
                }),
                Cell::Money {
                    value: v,
                    decimals: d,
                    currency: cur,
                },
            ) if currency == *cur => Cell::Money {
                value: value + v,
                decimals: decimals.max(*d),
                currency,
            },
            // Mixed kinds or currencies: no total.
            _ => Cell::Empty,
        });
    }
    acc.unwrap_or(Cell::Empty)
}

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

fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// `forecast.csv`: `sku, month, forecast, lo_L, hi_L..., model`.
pub fn forecast(plan: &DemandPlan) -> Table {
    forecast_rows(plan, &plan.levels, &[]).table()
}

/// `forecast.csv` with the ranges of `levels` only and a `q_P` column per quantile
/// (`planner forecast --quantiles`), before `model`. `plan` must have been forecast with
/// every level the quantiles need (`planner_core::forecast::levels_for`).
pub fn forecast_with_quantiles(
    plan: &DemandPlan,
    levels: &[planner_core::forecast::Level],
    quantiles: &[planner_core::forecast::Quantile],
) -> Table {
    forecast_rows(plan, levels, quantiles).table()
}

/// [`forecast_with_quantiles`] made row by row.
pub fn forecast_rows<'a>(
    plan: &'a DemandPlan,
    levels: &'a [planner_core::forecast::Level],
    quantiles: &'a [planner_core::forecast::Quantile],
) -> Rows<'a> {
    forecast_rows_of(plan, plan.skus.iter(), levels, quantiles)
}

/// [`forecast_rows`] of the skus `skus` over `plan`'s months (`statistical.csv`: the plan's
/// skus, some of them as forecast before events, without a copy of the plan).
pub fn forecast_rows_of<'a>(
    plan: &'a DemandPlan,
    skus: impl Iterator<Item = &'a planner_core::SkuPlan> + 'a,
    levels: &'a [planner_core::forecast::Level],
    quantiles: &'a [planner_core::forecast::Quantile],
) -> Rows<'a> {
    let mut h = header(&["sku", "month", "forecast"]);
    for l in levels {
        h.push(format!("lo_{}", l.label()));
        h.push(format!("hi_{}", l.label()));
    }
    for q in quantiles {
        h.push(format!("q_{}", q.label()));
    }
    h.push("model".into());
    let rows = skus.flat_map(move |s| {
        let qs: Vec<Option<Vec<f64>>> = quantiles.iter().map(|&q| s.forecast.quantile(q)).collect();
        plan.months().enumerate().map(move |(t, month)| {
            let mut r = Vec::with_capacity(4 + 2 * levels.len() + qs.len());
            r.extend([
                Cell::text(&s.sku),
                Cell::month(month),
                Cell::count(s.forecast.point[t], 2),
            ]);
            for l in levels {
                r.push(Cell::count(s.lo(*l, t), 2));
                r.push(Cell::count(s.hi(*l, t), 2));
            }
            for q in &qs {
                r.push(Cell::count(q.as_ref().and_then(|v| v.get(t).copied()), 2));
            }
            r.push(Cell::text(&s.model));
            r
        })
    });
    Rows::new(h, rows)
}

/// `pricing.csv`: the contract's columns, then the range at each level and the next-tier analysis.
pub fn pricing(plan: &PricingPlan, levels: &[planner_core::forecast::Level]) -> Table {
    pricing_rows(plan, levels).table()
}

/// [`pricing`] made row by row.
pub fn pricing_rows<'a>(
    plan: &'a PricingPlan,
    levels: &'a [planner_core::forecast::Level],
) -> Rows<'a> {
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

/// `capacity.csv`: one row per line and month; with a forecast, the figures at each level's upper
/// bound and the probability of overload.
pub fn capacity(plan: &planner_core::capacity::CapacityPlan) -> Table {
    let mut h = header(&[
        "line",
        "month",
        "working_days",
        "available_hours",
        "demand_units",
        "required_hours",
        "utilization",
        "takt_seconds",
        "bottleneck_seconds",
        "operators_needed",
        "labour_content_seconds",
        "slowest_station",
        "slowest_station_seconds",
        "bottleneck_above_takt",
    ]);
    for l in &plan.levels {
        let l = l.label();
        for c in [
            "demand_units_hi",
            "required_hours_hi",
            "utilization_hi",
            "operators_needed_hi",
        ] {
            h.push(format!("{c}_{l}"));
        }
    }
    if !plan.levels.is_empty() {
        h.push("p_over_capacity".into());
    }
    let rows = plan
        .rows
        .iter()
        .map(|r| {
            let mut c = vec![
                Cell::text(&r.line),
                Cell::month(r.month),
                Cell::int(r.working_days),
                Cell::number(r.available_hours, 2),
                Cell::count(r.demand_units, 2),
                Cell::number(r.required_hours, 2),
                Cell::ratio(r.utilization, 4),
                Cell::number(r.takt_seconds, 2),
                Cell::number(r.bottleneck_seconds, 2),
                Cell::opt_int(r.operators_needed),
                Cell::number(r.labour_content_seconds, 2),
                Cell::opt_text(
                    r.slowest_station
                        .as_ref()
                        .map(|s| format!("{}/{}", s.sku, s.station)),
                ),
                Cell::number(r.slowest_station.as_ref().map(|s| s.cycle_seconds), 2),
                Cell::yes_no(r.bottleneck_above_takt),
            ];
            for l in &plan.levels {
                match r.upper.iter().find(|u| u.level == *l) {
                    Some(u) => c.extend([
                        Cell::count(u.demand_units, 2),
                        Cell::number(u.required_hours, 2),
                        Cell::ratio(u.utilization, 4),
                        Cell::opt_int(u.operators_needed),
                    ]),
                    None => c.extend(std::iter::repeat_n(Cell::Empty, 4)),
                }
            }
            if !plan.levels.is_empty() {
                c.push(Cell::ratio(r.p_over_capacity, 4));
            }
            c
        })
        .collect();
    Table::new(h, rows)
}

/// `line_balance.csv`: per line and sku, the bottleneck and the balance of its stations.
pub fn line_balance(plan: &planner_core::capacity::CapacityPlan) -> Table {
    line_balance_rows(plan).table()
}

/// [`line_balance`] made row by row.
pub fn line_balance_rows(plan: &planner_core::capacity::CapacityPlan) -> Rows<'_> {
    let h = header(&[
        "line",
        "sku",
        "bottleneck_station",
        "bottleneck_seconds",
        "total_work_seconds",
        "stations",
        "balance_efficiency",
        "idle_seconds_per_unit",
    ]);
    let rows = plan.balance.iter().map(|b| {
        vec![
            Cell::text(&b.line),
            Cell::text(&b.sku),
            Cell::text(&b.bottleneck_station),
            Cell::number(b.bottleneck_seconds, 2),
            Cell::number(b.total_work_seconds, 2),
            Cell::size(b.stations),
            Cell::ratio(b.balance_efficiency, 4),
            Cell::number(b.idle_seconds_per_unit, 2),
        ]
    });
    Rows::new(h, rows)
}

/// `build_plan.csv`: the capacity-constrained build plan per line, sku and month.
pub fn build_plan(plan: &planner_core::capacity::BuildPlan) -> Table {
    build_plan_rows(plan).table()
}

/// [`build_plan`] made row by row.
pub fn build_plan_rows(plan: &planner_core::capacity::BuildPlan) -> Rows<'_> {
    let h = header(&[
        "line",
        "sku",
        "month",
        "demand",
        "build",
        "prebuild_inventory",
        "shortfall",
    ]);
    let rows = plan.rows.iter().map(|r| {
        vec![
            Cell::text(&r.line),
            Cell::text(&r.sku),
            Cell::month(r.month),
            Cell::count(r.demand, 2),
            Cell::count(r.build, 2),
            Cell::count(r.prebuild_inventory, 2),
            Cell::count(r.shortfall, 2),
        ]
    });
    Rows::new(h, rows).with_total(&["demand", "build", "shortfall"])
}

/// `line_plan.csv`: hours used per line and month under the build plan, with overtime.
pub fn line_plan(plan: &planner_core::capacity::BuildPlan) -> Table {
    let h = header(&[
        "line",
        "month",
        "available_hours",
        "regular_hours_used",
        "overtime_hours",
        "utilization",
    ]);
    let rows = plan
        .line_months
        .iter()
        .map(|r| {
            vec![
                Cell::text(&r.line),
                Cell::month(r.month),
                Cell::number(r.available_hours, 2),
                Cell::number(r.regular_hours_used, 2),
                Cell::number(r.overtime_hours, 2),
                Cell::ratio(r.utilization, 4),
            ]
        })
        .collect();
    Table::new(h, rows).with_total(&["available_hours", "regular_hours_used", "overtime_hours"])
}

/// `recommendations.csv`: what a planner can act on, per line and month.
pub fn recommendations(recs: &[planner_core::capacity::Recommendation]) -> Table {
    let h = header(&["line", "month", "kind", "message"]);
    let rows = recs
        .iter()
        .map(|r| {
            vec![
                Cell::text(&r.line),
                Cell::month(r.month),
                Cell::text(
                    serde_json::to_value(r.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                ),
                Cell::text(&r.message),
            ]
        })
        .collect();
    Table::new(h, rows)
}

/// `material_plan.csv`: the MRP record per material and month.
pub fn material_plan(plan: &planner_core::materials::MaterialPlan) -> Table {
    material_plan_rows(plan).table()
}

/// [`material_plan`] made row by row.
pub fn material_plan_rows(plan: &planner_core::materials::MaterialPlan) -> Rows<'_> {
    let h = header(&[
        "material",
        "month",
        "gross_requirement",
        "scheduled_receipts",
        "projected_on_hand",
        "net_requirement",
        "planned_receipt",
        "planned_release",
        "release_date",
        "past_due",
        "safety_stock",
    ]);
    let rows = plan.rows.iter().map(|r| {
        vec![
            Cell::text(&r.material),
            Cell::month(r.month),
            Cell::number(r.gross_requirement, 3),
            Cell::number(r.scheduled_receipts, 3),
            Cell::number(r.projected_on_hand, 3),
            Cell::number(r.net_requirement, 3),
            Cell::number(r.planned_receipt, 3),
            Cell::number(r.planned_release, 3),
            Cell::date(r.release_date),
            Cell::number(r.past_due, 3),
            Cell::number(r.safety_stock, 3),
        ]
    });
    Rows::new(h, rows)
}

/// `prebuy.csv`: what to hold ahead of urgent orders, by value.
///
/// Money is in `currency` (the plan's, [`currency`]): materials.csv's unit costs are taken in the
/// currency of the price tiers.
pub fn prebuy(plan: &planner_core::materials::MaterialPlan, currency: Option<&str>) -> Table {
    let h = header(&[
        "material",
        "lead_time_days",
        "order_by",
        "quantity",
        "unit_cost",
        "cash_tied_up",
        "value_at_risk",
        "window_months",
        "upper_demand",
        "lower_demand",
        "covered",
        "reason",
    ]);
    let rows = plan
        .prebuy
        .iter()
        .map(|r| {
            vec![
                Cell::text(&r.material),
                Cell::int(r.lead_time_days),
                Cell::from(r.order_by),
                Cell::number(r.quantity, 3),
                Cell::money(r.unit_cost, 4, currency),
                Cell::money(r.cash_tied_up, 2, currency),
                Cell::money(r.value_at_risk, 2, currency),
                Cell::int(r.window_months),
                Cell::number(r.upper_demand, 3),
                Cell::number(r.lower_demand, 3),
                Cell::number(r.covered, 3),
                Cell::text(&r.reason),
            ]
        })
        .collect();
    Table::new(h, rows).with_total(&["cash_tied_up", "value_at_risk"])
}

/// `past_due.csv`: releases that should already have been placed: the shortages to expedite and
/// the safety-stock top-ups.
pub fn past_due(plan: &planner_core::materials::MaterialPlan, currency: Option<&str>) -> Table {
    let h = header(&[
        "material",
        "needed_month",
        "release_month",
        "release_date",
        "quantity",
        "kind",
        "short_quantity",
        "days_late",
        "value",
    ]);
    let rows = plan
        .past_due
        .iter()
        .map(|r| {
            vec![
                Cell::text(&r.material),
                Cell::month(r.needed_month),
                Cell::month(r.release_month),
                Cell::date(r.release_date),
                Cell::number(r.quantity, 3),
                Cell::text(r.kind.as_str()),
                Cell::number(r.short_quantity, 3),
                Cell::int(r.days_late),
                Cell::money(r.value, 2, currency),
            ]
        })
        .collect();
    Table::new(h, rows).with_total(&["value"])
}

/// `price_projection.csv`: per sku and month the tier price reached, the index factor in force
/// and the unit price and spend that follow from the planned volume.
pub fn price_projection(
    spend: &[planner_core::pricing::ProjectedSpend],
    currency: Option<&str>,
) -> Table {
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

/// `families.csv`: each family's volume over the horizon and the plan's, with ranges that are
/// quantiles of the totals under the plan's uncertainty model.
pub fn families(plan: &planner_core::DemandPlan) -> Table {
    let mut header: Vec<String> = ["family", "skus", "volume"].map(String::from).to_vec();
    for l in &plan.levels {
        header.push(format!("lo_{}", l.label()));
        header.push(format!("hi_{}", l.label()));
    }
    let rows = plan
        .family_totals()
        .into_iter()
        .map(|f| {
            let mut r = vec![
                Cell::Text(f.family),
                Cell::size(f.skus),
                Cell::count(f.volume, 2),
            ];
            for (_, lo, hi) in f.ranges {
                r.push(Cell::count(lo, 2));
                r.push(Cell::count(hi, 2));
            }
            r
        })
        .collect();
    Table::new(header, rows)
}

/// `fence_holds.csv`: every sku-month the time fences held, with the units moved.
pub fn fence_holds(holds: &[planner_core::review::FenceHold]) -> Table {
    let header = [
        "sku",
        "month",
        "fence_month",
        "max_change",
        "published",
        "unconstrained",
        "held",
        "moved",
        "kind",
    ]
    .map(String::from)
    .to_vec();
    let rows = holds
        .iter()
        .map(|h| {
            vec![
                Cell::text(&h.sku),
                Cell::month(h.month),
                Cell::int(h.fence_month),
                Cell::ratio(h.max_change, 4),
                Cell::count(h.published, 2),
                Cell::count(h.unconstrained, 2),
                Cell::count(h.held, 2),
                Cell::count(h.moved, 2),
                Cell::text(match h.kind {
                    planner_core::review::HoldKind::Frozen => "frozen",
                    planner_core::review::HoldKind::Clamped => "clamped",
                    planner_core::review::HoldKind::Agreed => "agreed",
                }),
            ]
        })
        .collect();
    Table::new(header, rows)
}

/// `segments.csv`: each sku's ABC/XYZ classes with the figures behind them, by value.
pub fn segments_rows(s: &planner_core::segments::Segmentation) -> Rows<'_> {
    let header = [
        "sku",
        "family",
        "abc",
        "xyz",
        "class",
        "volume",
        "value",
        "valued_at",
        "value_share",
        "cumulative_share",
        "cv",
        "history_months",
        "pattern",
    ]
    .map(String::from)
    .to_vec();
    let rows = s.rows.iter().map(|r| {
        vec![
            Cell::text(&r.sku),
            Cell::text(&r.family),
            Cell::text(r.abc.to_string()),
            Cell::opt_text(r.xyz.map(|x| x.to_string())),
            Cell::text(r.class()),
            Cell::count(r.volume, 2),
            Cell::number(r.value, 2),
            Cell::text(if r.priced { "tier_price" } else { "unit" }),
            Cell::ratio(r.value_share, 4),
            Cell::ratio(r.cumulative_share, 4),
            Cell::number(r.cv, 3),
            Cell::size(r.history_months),
            Cell::opt_text(r.pattern.map(|p| p.to_string())),
        ]
    });
    Rows::new(header, rows)
}

/// The ABC×XYZ count matrix of the report: a row per value class (and the total), the skus in
/// each variability class, those without one, and the class's share of value.
pub fn segment_matrix(s: &planner_core::segments::Segmentation) -> Table {
    use planner_core::segments::ValueClass;
    let header = [
        "abc",
        "X",
        "Y",
        "Z",
        "no XYZ (short history)",
        "skus",
        "value_share",
    ]
    .map(String::from)
    .to_vec();
    let m = s.matrix();
    let shares = s.class_shares();
    let mut rows: Vec<Vec<Cell>> = ValueClass::ALL
        .iter()
        .map(|c| {
            let counts = m[*c as usize];
            let mut r = vec![Cell::text(c.to_string())];
            r.extend(counts.iter().map(|&n| Cell::size(n)));
            r.push(Cell::size(counts.iter().sum::<usize>()));
            r.push(Cell::ratio(shares[*c as usize], 4));
            r
        })
        .collect();
    let mut total = vec![Cell::text("total")];
    for x in 0..4 {
        total.push(Cell::size(m.iter().map(|r| r[x]).sum::<usize>()));
    }
    total.push(Cell::size(s.rows.len()));
    total.push(Cell::ratio(shares.iter().sum::<f64>(), 4));
    rows.push(total);
    Table::new(header, rows)
}

/// `production_plan.csv`: per sku and month the demand netted of finished goods on hand and open
/// production orders (the record of [`planner_core::stock`]).
pub fn production_rows(p: &planner_core::stock::Production) -> Rows<'_> {
    let header = [
        "sku",
        "month",
        "demand",
        "on_hand_start",
        "open_orders",
        "planned",
        "production",
        "on_hand_end",
    ]
    .map(String::from)
    .to_vec();
    let rows = p.rows.iter().map(|r| {
        vec![
            Cell::text(&r.sku),
            Cell::month(r.month),
            Cell::count(r.demand, 2),
            Cell::count(r.on_hand_start, 2),
            Cell::count(r.receipts, 2),
            Cell::count(r.planned, 2),
            Cell::count(r.production, 2),
            Cell::count(r.on_hand_end, 2),
        ]
    });
    Rows::new(header, rows)
}
