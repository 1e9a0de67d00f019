//! x86_64 guest-speed benchmark: `cargo bench --bench x86`.
//!
//! Assembles testdata/x86/bench_loops.S (testdata/x86/build.sh: a load/ALU/CMOV loop, a
//! memcpy-like REP MOVSQ + copy loop, recursive fib for CALL/RET) and runs it on our x86_64 core
//! in-process (the `bootemu` binary runs aarch64 machines only), entered the PVH way on a machine
//! with RAM, the debug console (port 0xe9) and an exit port (0xf4), RUNS times: median wall time,
//! guest instructions and MIPS. When `qemu-system-x86_64` is installed it runs the same ELF on
//! QEMU (`-M microvm`, TCG) RUNS times, checks that both consoles (the three checksums and PASS)
//! are equal, and prints the wall-time ratio ours / QEMU (QEMU's time includes its process
//! start-up, ours does not include building the image).
//!
//! `X86_BENCH_RUNS=n` changes RUNS; `X86_BENCH_NO_QEMU=1` skips QEMU (for profiling under
//! callgrind: `X86_BENCH_RUNS=1 X86_BENCH_NO_QEMU=1 valgrind --tool=callgrind <bench binary>`).

#[path = "../tests/common/mod.rs"]
mod common;

#[path = "../cpu/tests/x86_guest/pvh.rs"]
mod pvh;
#[path = "../cpu/tests/x86_guest/qemu.rs"]
mod qemu;

use std::time::{Duration, Instant};

use common::{root, tool_present};
use pvh::Guest;
use qemu::{build_guest, qemu_console, Console};

const LIMIT: u64 = 1_000_000_000;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// One run of the guest image on our core: (console, guest instructions, wall time).
fn run_ours(bin: &[u8]) -> (Vec<u8>, u64, Duration) {
    let mut g = Guest::boot(bin);
    let start = Instant::now();
    if let Err(e) = g.run(LIMIT, 100_000) {
        eprintln!("bench x86: {e}");
        std::process::exit(1);
    }
    (g.m.console, g.cpu.insns, start.elapsed())
}

/// One QEMU run of `elf`: (console, wall time including QEMU's start-up).
fn run_qemu(elf: &std::path::Path) -> (Vec<u8>, Duration) {
    let start = Instant::now();
    // The guest writes 1 to isa-debug-exit.
    let console = qemu_console(elf, Console::DebugCon, 1, 120, "bench-x86").unwrap_or_else(|e| {
        eprintln!("bench x86: {e}");
        std::process::exit(1);
    });
    (console, start.elapsed())
}

fn fmt_times(v: &[Duration]) -> String {
    v.iter()
        .map(|d| format!("{:.3}s", d.as_secs_f64()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument that does not name us means skip.
    if let Some(filter) = std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        if !"x86".contains(filter.as_str()) {
            return;
        }
    }
    if !tool_present("x86_64-linux-gnu-as") {
        eprintln!("bench x86: x86_64-linux-gnu-as not found (run testdata/setup.sh); skipped");
        return;
    }
    let runs: usize = std::env::var("X86_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1);
    let build = build_guest(root(), "bench_loops").unwrap_or_else(|e| panic!("{e}"));
    let bin = std::fs::read(build.join("bench_loops.bin")).expect("read bench_loops.bin");

    let mut times = Vec::new();
    let mut ours = (Vec::new(), 0);
    for _ in 0..runs {
        let (console, insns, t) = run_ours(&bin);
        times.push(t);
        ours = (console, insns);
    }
    let (console, insns) = ours;
    if !console.ends_with(b"PASS\n") {
        eprintln!(
            "bench x86: the guest did not pass on our core; console:\n{}",
            String::from_utf8_lossy(&console)
        );
        std::process::exit(1);
    }
    print!(
        "bench_loops: checksums\n{}",
        String::from_utf8_lossy(&console)
    );
    let t = median(times.clone());
    println!("bench_loops: bootemu wall times {}", fmt_times(&times));
    println!(
        "bench_loops: bootemu median {:.3} s, {insns} guest instructions, {:.1} guest MIPS",
        t.as_secs_f64(),
        insns as f64 / 1e6 / t.as_secs_f64()
    );

    if std::env::var_os("X86_BENCH_NO_QEMU").is_some() {
        return;
    }
    if !tool_present("qemu-system-x86_64") {
        println!("bench x86: qemu-system-x86_64 not found; no QEMU comparison");
        return;
    }
    let mut qtimes = Vec::new();
    for _ in 0..runs {
        let (qconsole, qt) = run_qemu(&build.join("bench_loops.elf"));
        if qconsole != console {
            eprintln!(
                "bench x86: QEMU's console differs from ours:\n{}",
                String::from_utf8_lossy(&qconsole)
            );
            std::process::exit(1);
        }
        qtimes.push(qt);
    }
    let q = median(qtimes.clone());
    println!("bench_loops: qemu    wall times {}", fmt_times(&qtimes));
    println!(
        "bench_loops: qemu    median {:.3} s (same checksums); ratio bootemu/QEMU {:.2}",
        q.as_secs_f64(),
        t.as_secs_f64() / q.as_secs_f64()
    );
}
