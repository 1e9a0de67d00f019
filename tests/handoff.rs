//! End-to-end handoff checks (issue "Handoff validator"): a Debian kernel booted directly
//! passes every check (exit 0, summary printed); `--expect-cmdline` that differs fails
//! `fdt.bootargs` and `boot.cmdline` (exit 1) and `--no-check` waives them (exit 0);
//! `--kernel-offset` with a 2 MiB-aligned base places the Image there and boots, an unaligned
//! one exits 2 naming the rule; ELF files of our own show the PVH entry note as present, not
//! present, or ignored because an offset was given.

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::run::{bootemu, text};
use common::{linux_artifacts as artifacts, Artifacts};

const BUDGET: &str = "4000000000";
const MARKER: &str = "BOOTEMU-MARKER: userspace reached";
const APPEND: &str = "console=ttyAMA0 panic=-1";

fn temp_path(what: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("bootemu-handoff-{}-{n}.{what}", std::process::id()))
}

/// Boot the generic kernel with `extra`; exit code, stderr, report.
fn boot(a: &Artifacts, extra: &[&str]) -> (Option<i32>, String, serde_json::Value) {
    let report = temp_path("json");
    let out = Command::new(env!("CARGO_BIN_EXE_bootemu"))
        .arg("run")
        .arg("--kernel")
        .arg(&a.generic)
        .arg("--initrd")
        .arg(&a.initramfs)
        .args(["--append", APPEND, "--serial", "none", "--expect", MARKER])
        .args(["--max-insns", BUDGET, "--report"])
        .arg(&report)
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .expect("cannot run bootemu");
    let json = std::fs::read_to_string(&report).unwrap_or_default();
    let _ = std::fs::remove_file(&report);
    (
        out.status.code(),
        text(&out.stderr),
        serde_json::from_str(&json).unwrap_or(serde_json::Value::Null),
    )
}

fn status_of<'a>(report: &'a serde_json::Value, id: &str) -> &'a str {
    report["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == id))
        .and_then(|c| c["status"].as_str())
        .unwrap_or("missing")
}

#[test]
fn debian_direct_boot_passes_every_check() {
    let Some(a) = artifacts() else { return };
    let (code, stderr, report) = boot(a, &["--smp", "2"]);
    eprintln!("{stderr}");
    assert_eq!(code, Some(0), "{stderr}");
    let checks = report["checks"].as_array().expect("checks in the report");
    assert_eq!(checks.len(), bootemu_boot_rules(), "{stderr}");
    for c in checks {
        assert!(
            c["status"] == "pass" || c["status"] == "n/a",
            "{c}\n{stderr}"
        );
        assert!(!c["rule"].as_str().unwrap_or("").is_empty());
    }
    for id in [
        "regs.x0-fdt",
        "fdt.initrd",
        "boot.cmdline",
        "smp.enable-method",
        "smp.secondary-regs",
    ] {
        assert_eq!(status_of(&report, id), "pass", "{id}\n{stderr}");
    }
    assert!(stderr.contains("bootemu: handoff checks: "), "{stderr}");
    assert!(stderr.contains("PASS    regs.mmu-off"), "{stderr}");
    assert_eq!(report["kernel_entry"]["image_start"], "0x40200000");
}

/// The number of rules an arm64 boot reports (the arm64 and shared ones of
/// bootemu_boot::handoff::Rule::ALL; kept in step by this test).
fn bootemu_boot_rules() -> usize {
    26
}

#[test]
fn wrong_expected_cmdline_fails_and_can_be_waived() {
    let Some(a) = artifacts() else { return };
    let (code, stderr, report) = boot(a, &["--expect-cmdline", "console=ttyAMA0 quiet"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(status_of(&report, "fdt.bootargs"), "fail", "{stderr}");
    assert_eq!(status_of(&report, "boot.cmdline"), "fail", "{stderr}");
    assert!(stderr.contains("FAIL    fdt.bootargs"), "{stderr}");
    let (code, stderr, report) = boot(
        a,
        &[
            "--expect-cmdline",
            "console=ttyAMA0 quiet",
            "--no-check",
            "fdt.bootargs",
            "--no-check",
            "boot.cmdline",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(status_of(&report, "fdt.bootargs"), "waived");
    // An unknown id is a bad invocation.
    let out = bootemu(&["run", "--no-check", "regs.nope"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn aligned_kernel_offset_places_and_boots() {
    let Some(a) = artifacts() else { return };
    let k = a.generic.to_str().unwrap();
    let out = bootemu(&["inspect", k, "--kernel-offset", "0x40200000"]);
    let s = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        s.contains("base 0x40200000 + text_offset 0x0 = image at 0x40200000 (--kernel-offset)"),
        "{s}"
    );
    let (code, stderr, report) = boot(a, &["--kernel-offset", "0x40200000"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(report["kernel_entry"]["image_base"], "0x40200000");
}

#[test]
fn unaligned_kernel_offset_exits_2_naming_the_rule() {
    let Some(a) = artifacts() else { return };
    let k = a.generic.to_str().unwrap();
    for cmd in ["inspect", "run"] {
        let args: Vec<&str> = if cmd == "inspect" {
            vec!["inspect", k, "--kernel-offset", "0x40100000"]
        } else {
            vec!["run", "--kernel", k, "--kernel-offset", "0x40100000"]
        };
        let out = bootemu(&args);
        let e = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {e}");
        assert!(e.contains("0x40100000 is not 2 MiB aligned"), "{e}");
        assert!(e.contains("2 MiB aligned base address"), "{e}");
    }
}

/// A minimal ELF64 AArch64 executable: one PT_LOAD at `paddr` (a `b .`), and a PT_NOTE with
/// the given notes.
fn elf(paddr: u64, notes: &[u8]) -> Vec<u8> {
    const EH: usize = 64;
    const PH: usize = 56;
    let code_off = EH + 2 * PH;
    let note_off = code_off + 8;
    let mut b = vec![0u8; note_off + notes.len()];
    b[0..4].copy_from_slice(b"\x7fELF");
    b[4] = 2; // ELFCLASS64
    b[5] = 1; // ELFDATA2LSB
    b[6] = 1; // EV_CURRENT
    b[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    b[18..20].copy_from_slice(&183u16.to_le_bytes()); // EM_AARCH64
    b[20..24].copy_from_slice(&1u32.to_le_bytes());
    b[24..32].copy_from_slice(&paddr.to_le_bytes()); // e_entry
    b[32..40].copy_from_slice(&(EH as u64).to_le_bytes()); // e_phoff
    b[52..54].copy_from_slice(&(EH as u16).to_le_bytes());
    b[54..56].copy_from_slice(&(PH as u16).to_le_bytes());
    b[56..58].copy_from_slice(&2u16.to_le_bytes()); // e_phnum
    let mut ph = |i: usize, ty: u32, off: usize, addr: u64, size: usize, align: u64| {
        let p = EH + i * PH;
        b[p..p + 4].copy_from_slice(&ty.to_le_bytes());
        b[p + 4..p + 8].copy_from_slice(&5u32.to_le_bytes()); // R X
        b[p + 8..p + 16].copy_from_slice(&(off as u64).to_le_bytes());
        b[p + 16..p + 24].copy_from_slice(&addr.to_le_bytes());
        b[p + 24..p + 32].copy_from_slice(&addr.to_le_bytes());
        b[p + 32..p + 40].copy_from_slice(&(size as u64).to_le_bytes());
        b[p + 40..p + 48].copy_from_slice(&(size as u64).to_le_bytes());
        b[p + 48..p + 56].copy_from_slice(&align.to_le_bytes());
    };
    ph(0, 1, code_off, paddr, 8, 4); // PT_LOAD
    ph(1, 4, note_off, 0, notes.len(), 4); // PT_NOTE
    b[code_off..code_off + 4].copy_from_slice(&0x1400_0000u32.to_le_bytes()); // b .
    b[note_off..].copy_from_slice(notes);
    b
}

/// One ELF note: namesz, descsz, type, name (padded to 4), desc (padded to 4).
fn note(name: &[u8], ty: u32, desc: &[u8]) -> Vec<u8> {
    let mut n = Vec::new();
    n.extend((name.len() as u32).to_le_bytes());
    n.extend((desc.len() as u32).to_le_bytes());
    n.extend(ty.to_le_bytes());
    n.extend(name);
    n.resize(n.len().next_multiple_of(4), 0);
    n.extend(desc);
    n.resize(n.len().next_multiple_of(4), 0);
    n
}

fn inspect_elf(bytes: &[u8], extra: &[&str]) -> String {
    let path = temp_path("elf");
    std::fs::write(&path, bytes).unwrap();
    let mut args = vec!["inspect", path.to_str().unwrap()];
    args.extend(extra);
    let out = bootemu(&args);
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn elf_pvh_note_states() {
    // XEN_ELFNOTE_PHYS32_ENTRY = 18, name "Xen", after an unrelated GNU note.
    let notes: Vec<u8> = [
        note(b"GNU\0", 3, &[1, 2, 3, 4, 5, 6, 7, 8]),
        note(b"Xen\0", 18, &0x0100_0040u32.to_le_bytes()),
    ]
    .concat();
    let with = elf(0x4008_0000, &notes);
    let s = inspect_elf(&with, &[]);
    assert!(
        s.contains("PVH entry note: present (entry 0x1000040)"),
        "{s}"
    );
    assert!(s.contains("0x0040080000..0x0040080008"), "{s}");
    let s = inspect_elf(&with, &["--kernel-offset", "0x100000"]);
    assert!(
        s.contains("PVH entry note: ignored because an offset was given"),
        "{s}"
    );
    assert!(s.contains("0x0040180000..0x0040180008"), "{s}");
    assert!(s.contains("entry: 0x40180000"), "{s}");
    // A note of type 18 with another name, and one named Xen of another type, are not PVH.
    let without = elf(
        0x4008_0000,
        &[note(b"GNU\0", 18, &[0; 4]), note(b"Xen\0", 17, &[0; 4])].concat(),
    );
    let s = inspect_elf(&without, &[]);
    assert!(s.contains("PVH entry note: not present"), "{s}");
}
