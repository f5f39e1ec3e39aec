//! Core outputs as tables of typed cells ([`Cell`]): the CSV files of the contract and, from the
//! same rows, the sheets of the workbooks and the tables of the pages, each rendering the cells
//! its own way.
//!
//! [`Table`] and its cells are here; the builders, one file per domain:
//! - the plan's: [`forecast`](mod@forecast) (`forecast.csv`, `families.csv`, `segments.csv`),
//!   [`capacity`](mod@capacity) (`capacity.csv`, `line_balance.csv`, `build_plan.csv`,
//!   `line_plan.csv`, `recommendations.csv`), [`materials`] (`production_plan.csv`,
//!   `material_plan.csv`, `prebuy.csv`, `past_due.csv`), [`pricing`](mod@pricing)
//!   (`pricing.csv`, `price_projection.csv`, `order_sizing.csv`), each builder re-exported here
//!   (`tables::capacity(&plan)`);
//! - the other commands': [`review`] (the review pack and `fence_holds.csv`), [`scorecard`],
//!   [`scenario`] (the comparison and the Monte Carlo risk files);
//! - [`overrides`]: the `overrides` sheets of `plan.xlsx`, handed back by the planner.

pub mod capacity;
pub mod cell;
pub mod forecast;
pub mod materials;
pub mod overrides;
pub mod pricing;
pub mod review;
pub mod scenario;
pub mod scorecard;

pub use capacity::{
    build_plan, build_plan_rows, capacity, line_balance, line_balance_rows, line_plan,
    recommendations,
};
pub use cell::Cell;
pub use forecast::{
    families, forecast, forecast_rows, forecast_rows_of, forecast_with_quantiles, segment_matrix,
    segments_rows,
};
pub use materials::{material_plan, material_plan_rows, past_due, prebuy, production_rows};
pub use pricing::{currency, money_note, order_sizing, price_projection, pricing, pricing_rows};
pub use review::fence_holds;

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

/// Column names from their spelling.
pub(crate) fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_total_adds_one_kind_and_one_currency_only() {
        let t = Table::new(
            vec!["k".into(), "eur".into(), "mixed".into()],
            vec![
                vec![
                    Cell::text("a"),
                    Cell::money(1.0, 2, Some("EUR")),
                    Cell::money(1.0, 2, Some("EUR")),
                ],
                vec![
                    Cell::text("b"),
                    Cell::money(2.5, 2, Some("EUR")),
                    Cell::money(1.0, 2, Some("USD")),
                ],
                vec![
                    Cell::text("c"),
                    Cell::Empty,
                    Cell::money(1.0, 2, Some("EUR")),
                ],
            ],
        )
        .with_total(&["eur", "mixed", "no such column"]);
        let total = t.total.unwrap();
        assert_eq!(total[0], "total");
        assert_eq!(total[1], Cell::money(3.5, 2, Some("EUR")));
        assert_eq!(total[2], Cell::Empty);
    }
}
