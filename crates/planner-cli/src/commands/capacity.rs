//! `planner capacity`.

use super::Context;
use crate::cli::CapacityArgs;
use crate::load;

/// Runs `planner capacity`.
pub fn run(args: &CapacityArgs, _ctx: &Context) -> anyhow::Result<()> {
    let _folder = load::folder_or_first_error(&args.input.data)?;
    super::not_yet("`planner capacity`", 4)
}
