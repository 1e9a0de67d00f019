//! Guest-speed benchmark: `cargo bench --bench mpi`.
//!
//! Runs testdata/bench_mpi.S (20 M limbs of an `mpihelp_submul_1`-shaped loop, the code path where a
//! Linux boot spends half of its instructions) on the release `bootemu` five times, reads the
//! executed instruction count from the `--report` JSON, and prints the median wall time and guest
//! MIPS. When `qemu-system-aarch64` is installed, it times QEMU (TCG) on the same image five times
//! and prints the wall-time ratio bootemu / QEMU. Wall times include process start-up on both sides.
//! testdata/bench_submul.S runs the kernel's own `mpihelp_submul_1` block word for word on the same
//! inputs, timed the same way. Then bootemu alone on testdata/bench_mpi_far.S, the first loop with
//! its two buffers 1 MiB apart (the same set of the data TLB).

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{root, tool_present};

const RUNS: usize = 5;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Fallback when the report has no top-level `instructions` (see src/report.rs): the first numeric
/// field named like an instruction count (`instructions`, `insns`, `instret`…), searched depth-first.
fn instruction_count(v: &serde_json::Value) -> Option<u64> {
    match v {
        serde_json::Value::Object(map) => {
            for (k, val) in map {
                let k = k.to_ascii_lowercase();
                if (k.contains("insn") || k.contains("instruction") || k.contains("instret"))
                    && !k.contains("max")
                    && !k.contains("budget")
                {
                    if let Some(n) = val.as_u64() {
                        return Some(n);
                    }
                }
            }
            map.values().find_map(instruction_count)
        }
        serde_json::Value::Array(a) => a.iter().find_map(instruction_count),
        _ => None,
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument that does not name us means skip.
    if let Some(filter) = std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        if !"mpi".contains(filter.as_str()) {
            return;
        }
    }
    if !tool_present("aarch64-linux-gnu-as") {
        eprintln!("bench mpi: aarch64-linux-gnu-as not found (run testdata/setup.sh); skipped");
        return;
    }
    let status = Command::new("bash")
        .arg(root().join("testdata/build.sh"))
        .args(["bench_mpi", "bench_mpi_far", "bench_submul", "hello"])
        .status()
        .expect("cannot run testdata/build.sh");
    assert!(status.success(), "testdata/build.sh failed");
    // The loop shaped like mpihelp_submul_1, the kernel's own block, and the first one with its
    // two buffers in the same TLB set.
    let times: Vec<(&str, Duration)> = ["bench_mpi", "bench_submul"]
        .into_iter()
        .map(|name| (name, time_bootemu(name)))
        .collect();
    time_bootemu("bench_mpi_far");

    if !tool_present("qemu-system-aarch64") {
        println!("bench mpi: qemu-system-aarch64 not found; no QEMU comparison");
        return;
    }
    // QEMU's own start-up and shutdown weigh on runs this short: the hello guest (a few hundred
    // instructions) is the baseline, and the ratio is also printed without it.
    let base = median(time_qemu(&root().join("testdata/build/hello.bin"), "hello"));
    println!("qemu start-up baseline (hello) {:.3} s", base.as_secs_f64());
    for (name, t) in times {
        let kernel = root().join(format!("testdata/build/{name}.bin"));
        let qtimes = time_qemu(&kernel, &format!("PASS {name}"));
        let q = median(qtimes.clone());
        println!("{name}: qemu    wall times {}", fmt_times(&qtimes));
        println!(
            "{name}: qemu    median {:.3} s; ratio bootemu/QEMU {:.2}, without QEMU's start-up {:.2}",
            q.as_secs_f64(),
            t.as_secs_f64() / q.as_secs_f64(),
            t.as_secs_f64() / (q.as_secs_f64() - base.as_secs_f64()).max(1e-3)
        );
    }
}

/// Median wall time of RUNS runs of the release `bootemu` on the guest `name` (built), each of
/// which must pass; prints the times and guest MIPS.
fn time_bootemu(name: &str) -> Duration {
    let kernel = root().join(format!("testdata/build/{name}.bin"));
    let bootemu = PathBuf::from(env!("CARGO_BIN_EXE_bootemu"));
    let tmp = std::env::temp_dir();
    let report = tmp.join(format!("bootemu-bench-{name}-{}.json", std::process::id()));
    let console = tmp.join(format!(
        "bootemu-bench-{name}-{}.console",
        std::process::id()
    ));

    let mut times = Vec::new();
    let mut insns = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = Command::new(&bootemu)
            .arg("run")
            .arg("--kernel")
            .arg(&kernel)
            .arg("--serial")
            .arg(format!("file:{}", console.display()))
            .arg("--report")
            .arg(&report)
            .stdin(Stdio::null())
            .output()
            .expect("cannot run bootemu");
        times.push(start.elapsed());
        let text = std::fs::read_to_string(&console).unwrap_or_default();
        if out.status.code() != Some(0)
            || !text.lines().any(|l| l.trim_end() == format!("PASS {name}"))
        {
            eprintln!(
                "bench mpi: bootemu did not pass {name} (exit {:?}); console:\n{text}\n{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            );
            std::process::exit(1);
        }
        let json = std::fs::read_to_string(&report).unwrap_or_default();
        let json: Option<serde_json::Value> = serde_json::from_str(&json).ok();
        insns = json.as_ref().and_then(|v| {
            v.get("instructions")
                .and_then(serde_json::Value::as_u64)
                .or_else(|| instruction_count(v))
        });
    }
    let _ = std::fs::remove_file(&report);
    let _ = std::fs::remove_file(&console);
    let t = median(times.clone());
    println!("{name}: bootemu wall times {}", fmt_times(&times));
    match insns {
        Some(n) => println!(
            "{name}: bootemu median {:.3} s, {:.1} M guest instructions, {:.1} guest MIPS",
            t.as_secs_f64(),
            n as f64 / 1e6,
            n as f64 / 1e6 / t.as_secs_f64()
        ),
        None => println!(
            "{name}: bootemu median {:.3} s (no instruction count found in the --report JSON)",
            t.as_secs_f64()
        ),
    }

    t
}

/// Wall times of RUNS QEMU runs of `kernel`, each of which must print `marker`.
fn time_qemu(kernel: &Path, marker: &str) -> Vec<Duration> {
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = Command::new("timeout")
            .args([
                "60",
                "qemu-system-aarch64",
                "-M",
                "virt",
                "-cpu",
                "cortex-a57",
            ])
            .args(["-nographic", "-no-reboot", "-nic", "none", "-kernel"])
            .arg(kernel)
            .stdin(Stdio::null())
            .output()
            .expect("cannot run qemu-system-aarch64");
        times.push(start.elapsed());
        if !out.status.success() || !String::from_utf8_lossy(&out.stdout).contains(marker) {
            eprintln!(
                "bench mpi: QEMU run of {} failed: {:?}",
                kernel.display(),
                out.status
            );
            std::process::exit(1);
        }
    }
    times
}

fn fmt_times(v: &[Duration]) -> String {
    v.iter()
        .map(|d| format!("{:.3}s", d.as_secs_f64()))
        .collect::<Vec<_>>()
        .join(" ")
}
