//! `bootemu`: boot-testing emulator of an aarch64 `virt` machine — the command line.
//!
//! This binary parses arguments, reads files, prints and chooses the exit code; the emulation
//! lives in the `bootemu-boot`, `bootemu-machine` and `bootemu-cpu` crates. Exit codes
//! (see `outcome.rs`): 0 success, 1 a handoff rule failed, 2 bad invocation or input, 3 guest failure, 4 budget exhausted.

mod boot;
mod demo;
mod firmware;
mod handoff;
mod inspect;
mod logging;
mod outcome;
mod report;
mod run;
mod size;
mod trace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code for a bad invocation or unusable input.
pub const EXIT_BAD_INPUT: u8 = 2;

#[derive(Parser)]
#[command(
    name = "bootemu",
    version,
    about = "Boot-testing emulator of an aarch64 virt machine"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Boot a kernel or firmware (or, with neither, the built-in demo guest).
    Run(Box<run::RunArgs>),
    /// Show what a file is recognised as and where it would be loaded.
    Inspect(inspect::InspectArgs),
}

fn main() -> ExitCode {
    logging::init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(*args),
        Command::Inspect(args) => inspect::inspect(args).map(|()| 0),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("bootemu: {e:#}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

/// Read an input file; errors name the file.
fn read_input(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}
