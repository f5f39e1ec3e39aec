//! `planner review`.

use super::Context;
use crate::cli::ReviewArgs;

/// Runs `planner review`.
pub fn run(_args: &ReviewArgs, _ctx: &Context) -> anyhow::Result<()> {
    super::not_yet("`planner review`", 8)
}
