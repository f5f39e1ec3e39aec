//! `planner`: supply planning with a contract manufacturer, from a folder of CSV files.
//!
//! A thin binary: parse arguments, load and validate files, call planner-core, write outputs.

mod archive;
mod cli;
mod commands;
mod demo;
mod load;
mod overrides_sheet;
mod write;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

#[allow(clippy::print_stderr)]
fn main() -> ExitCode {
    let cli = Cli::parse(); // usage errors: clap prints them and exits with 2
    if let Err(e) = cli.check() {
        e.exit(); // as clap's own: exit code 2
    }
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Some(n) = cli.threads {
        rayon_threads(n)?;
    }
    let ctx = commands::Context { quiet: cli.quiet };
    match &cli.command {
        Command::Forecast(a) => commands::forecast::run(a, &ctx)?,
        Command::Capacity(a) => commands::capacity::run(a, &ctx)?,
        Command::Materials(a) => commands::materials::run(a, &ctx)?,
        Command::Price(a) => commands::price::run(a, &ctx)?,
        Command::Plan(a) => commands::plan::run(a, &ctx)?,
        Command::Review(a) => commands::review::run(a, &ctx)?,
        Command::Scenario(a) => commands::scenario::run(a, &ctx)?,
        Command::Scorecard(a) => commands::scorecard::run(a, &ctx)?,
        Command::Validate(a) => return commands::validate::run(a),
        Command::Demo(a) => {
            demo::write(&a.out)?;
            ctx.say(format!(
                "demo: wrote the demo planning folder to {} (then: planner plan --data {})",
                a.out.display(),
                a.out.display()
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn rayon_threads(n: usize) -> anyhow::Result<()> {
    if n == 0 {
        anyhow::bail!("--threads: 0 is not a number of threads");
    }
    // The core uses rayon's global pool.
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| anyhow::anyhow!("--threads: {e}"))
}
