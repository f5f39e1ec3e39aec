//! `planner materials`.

use super::Context;
use crate::cli::MaterialsArgs;
use crate::load;

/// Runs `planner materials`.
pub fn run(args: &MaterialsArgs, _ctx: &Context) -> anyhow::Result<()> {
    let _folder = load::folder_or_first_error(&args.input.data)?;
    super::not_yet("`planner materials`", 5)
}
