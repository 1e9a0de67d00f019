//! `bootemu`: boot-testing emulator of an aarch64 `virt` machine — the command line.
//!
//! This binary parses arguments, reads files, prints and chooses the exit code; the emulation
//! lives in the `bootemu-boot`, `bootemu-machine` and `bootemu-cpu` crates. Exit codes
//! (see `outcome.rs`): 0 success, 1 a handoff rule failed, 2 bad invocation or input, 3 guest failure, 4 budget exhausted.

/// `eprintln!` that never panics: a closed stderr (a pipe whose reader went away) must not turn
/// a run's verdict into a crash.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

/// `println!` that never panics (see [`say!`]).
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

mod boot;
mod demo;
mod disks;
mod firmware;
mod gdb;
mod handoff;
mod inspect;
mod inspect_x86;
mod logging;
mod outcome;
mod progress;
mod report;
mod run;
mod size;
mod symbols;
#[cfg(test)]
mod test_support;
mod timeline;
mod trace;
mod trace_event;

use std::io::Read;
use std::path::Path;
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
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            say!("bootemu: {e:#}");
            EXIT_BAD_INPUT
        }
    };
    // Under gdb with snapshots, the process that ends the run hands its code to the one the
    // user started.
    gdb::hand_exit_code(code);
    ExitCode::from(code)
}

/// Read an input file of at most `limit.0` bytes, the size of `limit.1`, what holds it (guest
/// RAM for a kernel or an initrd, a flash bank, a device tree's 4 MiB), without reading more
/// than that from an endless or huge file; errors name the file and that limit.
fn read_input(path: &Path, (limit, within): (u64, &str)) -> anyhow::Result<Vec<u8>> {
    let name = || path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| anyhow::anyhow!("{}: {e}", name()))?;
    let meta = file
        .metadata()
        .map_err(|e| anyhow::anyhow!("{}: {e}", name()))?;
    if meta.is_dir() {
        anyhow::bail!("{}: is a directory", name());
    }
    if meta.is_file() && meta.len() > limit {
        anyhow::bail!(
            "{}: {} bytes, larger than {within} ({limit} bytes)",
            name(),
            meta.len()
        );
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", name()))?;
    if bytes.len() as u64 > limit {
        anyhow::bail!("{}: larger than {within} ({limit} bytes)", name());
    }
    Ok(bytes)
}
