//! The `planner` binary.
use polars::prelude::*;
fn main() {
    let _ = LazyCsvReader::new("x.csv").finish();
}
