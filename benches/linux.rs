//! Linux boot benchmark against QEMU: `cargo bench --bench linux`.
//!
//! Boots Debian's generic arm64 kernel with the test initramfs of `testdata/fetch-linux.sh` to its
//! marker, in bootemu and in `qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512M -nographic`
//! (direct boot, same command line, same marker: QEMU is stopped when the marker appears),
//! alternating the two, `RUNS` times each. Prints both median wall times, their ratio and
//! bootemu's guest MIPS (instructions from the `--report` JSON). Wall times include start-up.

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{linux_artifacts, tool_present};

const RUNS: usize = 5;
const APPEND: &str = "console=ttyAMA0 panic=-1";
const MARKER: &str = "BOOTEMU-MARKER";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// One bootemu boot to the marker: wall time and instructions executed.
fn bootemu_boot(kernel: &Path, initrd: &Path, report: &Path) -> (Duration, u64) {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_bootemu"))
        .args([
            "run", "--serial", "none", "--expect", MARKER, "--append", APPEND,
        ])
        .arg("--kernel")
        .arg(kernel)
        .arg("--initrd")
        .arg(initrd)
        .arg("--report")
        .arg(report)
        .output()
        .expect("cannot run bootemu");
    let wall = start.elapsed();
    assert!(
        out.status.success(),
        "bootemu did not reach the marker: {out:?}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(report).expect("report written")).expect("JSON");
    let insns = json["instructions"]
        .as_u64()
        .expect("`instructions` in the report");
    (wall, insns)
}

/// One QEMU boot, stopped as soon as the marker appears on its console.
fn qemu_boot(kernel: &Path, initrd: &Path) -> Duration {
    let start = Instant::now();
    let mut child = Command::new("qemu-system-aarch64")
        .args([
            "-M",
            "virt",
            "-cpu",
            "cortex-a57",
            "-m",
            "512M",
            "-nographic",
            "-no-reboot",
        ])
        .args(["-nic", "none", "-append", APPEND])
        .arg("-kernel")
        .arg(kernel)
        .arg("-initrd")
        .arg(initrd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot run qemu-system-aarch64");
    let stdout = child.stdout.take().expect("piped stdout");
    let seen = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|l| l.contains(MARKER));
    let wall = start.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    assert!(seen, "QEMU did not reach the marker");
    wall
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument that does not name us means skip.
    if let Some(filter) = std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        if !"linux".contains(filter.as_str()) {
            return;
        }
    }
    let Some(a) = linux_artifacts() else {
        eprintln!("bench linux: Debian artifacts unavailable; skipped");
        return;
    };
    let qemu = tool_present("qemu-system-aarch64");
    let report: PathBuf =
        std::env::temp_dir().join(format!("bootemu-bench-linux-{}.json", std::process::id()));
    let (mut ours, mut theirs, mut insns) = (Vec::new(), Vec::new(), 0);
    for _ in 0..RUNS {
        let (t, n) = bootemu_boot(&a.generic, &a.initramfs, &report);
        ours.push(t);
        insns = n;
        if qemu {
            theirs.push(qemu_boot(&a.generic, &a.initramfs));
        }
    }
    let _ = std::fs::remove_file(&report);
    let ours_med = median(ours.clone());
    println!("bench linux: kernel {}", a.generic.display());
    println!("bench linux: bootemu wall times {ours:.3?}");
    println!(
        "bench linux: bootemu median {:.3} s, {:.1} M guest instructions, {:.0} guest MIPS",
        ours_med.as_secs_f64(),
        insns as f64 / 1e6,
        insns as f64 / 1e6 / ours_med.as_secs_f64()
    );
    if theirs.is_empty() {
        println!("bench linux: qemu-system-aarch64 not installed: no ratio");
        return;
    }
    let theirs_med = median(theirs.clone());
    println!("bench linux: qemu    wall times {theirs:.3?}");
    println!(
        "bench linux: qemu    median {:.3} s",
        theirs_med.as_secs_f64()
    );
    println!(
        "bench linux: ratio bootemu/QEMU wall time = {:.2}",
        ours_med.as_secs_f64() / theirs_med.as_secs_f64()
    );
}
