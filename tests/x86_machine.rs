//! The x86 machine (`--machine microvm`) end to end on our own bare-metal guest,
//! `testdata/x86/machine.S` (assembled by `testdata/x86/build.sh`): `bootemu run --machine
//! microvm --kernel machine.elf` enters it through its PVH note, and its console — the 16550,
//! the hvm_start_info magic, the local APIC's version through the xAPIC page, a local APIC
//! timer interrupt taken in HLT through its IDT, an unused port reading all ones, the CMOS RTC's
//! periodic interrupt taken twice through I/O APIC pin 8 — must equal QEMU's
//! (`qemu-system-x86_64 -M microvm,pic=off,pit=off,rtc=on`, TCG, the same ELF through
//! its PVH note), and the run must end by the guest's power-off through the ACPI sleep register,
//! at that OUT exactly (the guest prints the clock it expects there); and `testdata/x86/reset.S`
//! (bootemu only) resets through the power register, which must end the run at that OUT too.
//!
//! Skips with a notice when x86_64-linux-gnu-as or qemu-system-x86_64 is missing (run
//! testdata/setup.sh); under CI (`CI` set) their absence fails.

mod common;
#[path = "../cpu/tests/x86_guest/qemu.rs"]
mod qemu;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::run::text;
use common::tool_present;
use qemu::{build_guest, qemu_console, Console};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn tools_present() -> bool {
    for t in ["x86_64-linux-gnu-as", "qemu-system-x86_64"] {
        if !tool_present(t) {
            assert!(
                std::env::var_os("CI").is_none_or(|v| v.is_empty()),
                "{t} not found (run testdata/setup.sh)"
            );
            eprintln!("NOTICE: {t} not found: x86 machine test skipped (run testdata/setup.sh)");
            return false;
        }
    }
    true
}

/// Build guest `name`; the path of its ELF.
fn build(name: &str) -> PathBuf {
    build_guest(&root(), name)
        .unwrap_or_else(|e| panic!("{e}"))
        .join(format!("{name}.elf"))
}

/// Run `elf` on our microvm with its 16550 console in a scratch file (`tag` names it): the
/// process output and the console text.
fn run_ours(elf: &Path, tag: &str) -> (std::process::Output, String) {
    let console = common::oracle::temp_path(tag);
    let out = Command::new(env!("CARGO_BIN_EXE_bootemu"))
        .args(["run", "--machine", "microvm", "-q", "--kernel"])
        .arg(elf)
        .arg("--serial")
        .arg(format!("file:{}", console.display()))
        .stdin(Stdio::null())
        .output()
        .expect("run bootemu");
    let ours = String::from_utf8_lossy(&std::fs::read(&console).unwrap_or_default()).into_owned();
    let _ = std::fs::remove_file(&console);
    (out, ours)
}

/// The guest's own console lines (`machine: ...`), without a firmware's banner.
fn guest_lines(console: &str) -> Vec<String> {
    console
        .lines()
        .filter_map(|l| l.find("machine: ").map(|i| l[i..].to_string()))
        .collect()
}

#[test]
fn machine_guest_console_equals_qemus_and_it_powers_off() {
    if !tools_present() {
        return;
    }
    let elf = build("machine");
    // The guest writes 0 to isa-debug-exit.
    let qemu = qemu_console(&elf, Console::Serial, 0, 60, "x86-machine-qemu")
        .unwrap_or_else(|e| panic!("{e}"));
    let expected = guest_lines(&String::from_utf8_lossy(&qemu));
    // QEMU's run is the oracle; it must itself have passed the guest's checks.
    assert_eq!(
        expected.last().map(String::as_str),
        Some("machine: PASS"),
        "QEMU's console: {expected:?}"
    );
    let (out, ours) = run_ours(&elf, "x86-machine-ours");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}\nconsole:\n{ours}");
    // Our machine has no firmware: the guest's lines are the whole console, with its clock
    // line (QEMU's TSC differs) last.
    let lines: Vec<String> = ours.lines().map(str::to_string).collect();
    let (clock, guest) = lines.split_last().expect("a console");
    assert_eq!(guest, expected);
    assert!(clock.starts_with("clock at power-off: 0x"), "{clock}");
    assert!(
        err.contains("guest powered off (S5 through the ACPI sleep register)"),
        "{err}"
    );
    assert!(err.contains("through the PVH"), "{err}");
    assert!(err.contains("0 fail"), "{err}");
    // The run ends at the power-off OUT: the virtual clock (instructions + time skipped in
    // HLT) is what the guest computed from its RDTSC and the fixed count of instructions
    // from there through that OUT (a run going on to the isa-debug-exit OUT, CLI and HLT
    // would be 5 more).
    let expected = console_hex(&ours, "clock at power-off: 0x");
    let (insns, skipped) = report_clock(&err);
    assert_eq!(
        (insns + skipped) & 0xffff_ffff,
        expected,
        "{err}\nconsole:\n{ours}"
    );
}

#[test]
fn a_reset_through_the_power_register_ends_the_run_at_its_out() {
    // testdata/x86/reset.S (bootemu only: the reset port is this machine's): the clock the
    // guest expects right after its reset OUT equals the clock at which the reset restarted
    // it, which a run going on after the OUT (its CLI; HLT) would push later.
    if !tools_present() {
        return;
    }
    let elf = build("reset");
    let (out, ours) = run_ours(&elf, "x86-reset-ours");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}\nconsole:\n{ours}");
    let line = ours
        .lines()
        .find_map(|l| l.strip_prefix("reset: OUT at "))
        .unwrap_or_else(|| panic!("no reset line:\n{ours}\n{err}"));
    let (at, restart) = line
        .split_once(", restart at ")
        .unwrap_or_else(|| panic!("{line}"));
    let hex = |s: &str| u64::from_str_radix(s.trim(), 16).unwrap_or_else(|e| panic!("{s}: {e}"));
    assert!(hex(at) > 0, "{line}");
    assert_eq!(hex(at), hex(restart), "{line}");
    assert!(
        err.contains("guest powered off (S5 through the ACPI sleep register)"),
        "{err}"
    );
}

/// The hex number after `prefix` on the console.
fn console_hex(console: &str, prefix: &str) -> u64 {
    let line = console
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} line on the console:\n{console}"));
    u64::from_str_radix(line.trim(), 16).unwrap_or_else(|e| panic!("{line:?}: {e}"))
}

/// (instructions, virtual time skipped in HLT) from bootemu's summary line
/// "bootemu: N instructions (S of virtual time skipped in HLT), ...".
fn report_clock(stderr: &str) -> (u64, u64) {
    let line = stderr
        .lines()
        .find(|l| l.contains(" instructions (") && l.contains("skipped in HLT"))
        .unwrap_or_else(|| panic!("no instruction count in:\n{stderr}"));
    let num = |s: &str| {
        s.trim()
            .parse::<u64>()
            .unwrap_or_else(|e| panic!("{line}: {e}"))
    };
    let (head, rest) = line.split_once(" instructions (").unwrap();
    let insns = num(head.rsplit(' ').next().unwrap());
    let skipped = num(rest.split(" of virtual time").next().unwrap());
    (insns, skipped)
}
