//! The bare-metal x86 acceptance guest: `testdata/x86/boot64.S`, assembled with
//! Debian's x86_64 binutils (`testdata/x86/build.sh`), runs on QEMU (`qemu-system-x86_64 -M
//! microvm`, TCG, booted through the guest's PVH note, console on the ISA debug console at port
//! 0xe9, stopped through isa-debug-exit at 0xf4) and on our core, entered the PVH way (32-bit
//! flat protected mode, paging off, EBX = an `hvm_start_info`), on a test machine with RAM, the
//! same two ports and nothing else. The guest checks itself (protected mode → page tables →
//! long mode → #PF ×3 and #GP handled through its IDT → PASS); the console our core prints must
//! equal QEMU's, byte for byte, and end with PASS.
//!
//! Skips with a notice when x86_64-linux-gnu-as or qemu-system-x86_64 is missing (run
//! testdata/setup.sh); under CI (`CI` set) their absence fails.

#[path = "x86_guest/pvh.rs"]
mod pvh;
#[path = "x86_guest/qemu.rs"]
mod qemu;

use std::path::{Path, PathBuf};
use std::process::Command;

use pvh::{Guest, EXIT_PORT};
use qemu::{build_guest, qemu_console, Console};

/// Instruction limit for our run (boot64 needs a few thousand, bench_sse about 3.5 million).
const LIMIT: u64 = 10_000_000;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

fn tool(name: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether the tools are there; a notice (or, under CI, a failure) when not.
fn tools_present() -> bool {
    for t in ["x86_64-linux-gnu-as", "qemu-system-x86_64"] {
        if !tool(t) {
            assert!(!ci(), "{t} not found (run testdata/setup.sh)");
            eprintln!("NOTICE: {t} not found: x86 bare-metal test skipped (run testdata/setup.sh)");
            return false;
        }
    }
    true
}

/// Build the guest; paths of its ELF and flat image.
fn build(name: &str) -> (PathBuf, PathBuf) {
    let dir = build_guest(&root(), name).unwrap_or_else(|e| panic!("{e}"));
    (
        dir.join(format!("{name}.elf")),
        dir.join(format!("{name}.bin")),
    )
}

/// Our console for the guest image `bin`, entered the PVH way.
fn our_console(bin: &[u8]) -> Result<Vec<u8>, String> {
    let mut g = Guest::boot(bin);
    g.run(LIMIT, 10_000)?;
    eprintln!("guest instructions: {}", g.cpu.insns);
    if g.m.exit != Some(1) {
        return Err(format!(
            "no exit through port {EXIT_PORT:#x} in {LIMIT} instructions; console:\n{}",
            String::from_utf8_lossy(&g.m.console)
        ));
    }
    Ok(g.m.console)
}

/// Build guest `name`, run it on QEMU and on our core: the consoles must be equal and end with
/// PASS.
fn console_equals_qemus(name: &str) {
    if !tools_present() {
        return;
    }
    let (elf, bin) = build(name);
    // The guest writes 1 to isa-debug-exit.
    let expected = qemu_console(
        &elf,
        Console::DebugCon,
        1,
        60,
        &format!("x86-bare-metal-{name}"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&expected).into_owned();
    // QEMU's run is the oracle; it must itself have passed the guest's checks.
    assert!(text.ends_with("PASS\n"), "QEMU's console:\n{text}");
    let bin = std::fs::read(&bin).unwrap_or_else(|e| panic!("read {}: {e}", bin.display()));
    let ours = our_console(&bin).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        String::from_utf8_lossy(&ours),
        text,
        "{name}: our console differs from QEMU's"
    );
}

#[test]
fn boot64_console_equals_qemus() {
    console_equals_qemus("boot64");
}

/// testdata/x86/bench_sse.S: a packed-integer loop (also the callgrind workload for the SSE
/// handlers).
#[test]
fn bench_sse_console_equals_qemus() {
    console_equals_qemus("bench_sse");
}
