//! `planner price`.

use super::Context;
use crate::cli::PriceArgs;
use crate::load;

/// Runs `planner price`.
pub fn run(args: &PriceArgs, _ctx: &Context) -> anyhow::Result<()> {
    let _folder = load::folder_or_first_error(&args.input.data)?;
    super::not_yet("`planner price`", 6)
}
