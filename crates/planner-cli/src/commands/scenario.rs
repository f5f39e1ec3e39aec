//! `planner scenario`.

use super::Context;
use crate::cli::ScenarioArgs;

/// Runs `planner scenario`.
pub fn run(_args: &ScenarioArgs, _ctx: &Context) -> anyhow::Result<()> {
    super::not_yet("`planner scenario`", 9)
}
