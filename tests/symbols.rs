//! End-to-end: the kernel's own symbols, read from the Image (`bootemu_boot::kallsyms`), against
//! an independent oracle — the running kernel's `/proc/kallsyms` — and the symbols in
//! `--trace insn` lines and the report.
//!
//! The oracle (tests/common/oracle.rs): the kernel boots an initramfs that prints a few symbols
//! from `/proc/kallsyms` and powers off. bootemu's device tree has no `kaslr-seed`, so the
//! kernel runs at its link addresses and the values must equal the parser's.
//!
//! Both Debian kernels (generic and cloud: different configurations, different tables) are
//! checked. `--symbols` (a System.map) is checked on the built-in demo guest.
//!
//! The trace check needs no oracle boot: the Image header's branch to `primary_entry` gives that
//! symbol's physical PC, where the trace must say `<primary_entry+0x0>` — a direct boot (the
//! Image at 0x4020_0000) and U-Boot's (at 0x4040_0000, named from the entry seen on).
//!
//! Artifacts as in tests/linux.rs: missing ones skip the tests with a notice, except under CI.

mod common;

use std::path::Path;

use bootemu_boot::arm64_image::Header;
use bootemu_boot::handoff::EntryWatch;
use common::oracle::{boot_oracle, bootemu, kallsyms_of, temp_path, ORACLE_SYMBOLS};

/// Where bootemu loads the kernel Image on `virt` (RAM base + 2 MiB, text_offset 0).
const IMAGE_BASE: u64 = 0x4020_0000;
/// The image offset of `primary_entry`, from the header's branch (independent of kallsyms).
fn primary_entry_offset(kernel: &Path) -> u64 {
    let image = std::fs::read(kernel).unwrap();
    let h = Header::parse(&image).unwrap().unwrap();
    EntryWatch::from_header(&h).unwrap().entry_offset
}

#[test]
fn kallsyms_of_the_image_match_the_running_kernels_proc_kallsyms() {
    let Some(a) = common::linux_artifacts() else {
        return;
    };
    for kernel in [&a.generic, &a.cloud] {
        oracle_check(a, kernel);
    }
}

/// Boot `kernel_path` with the oracle initrd and compare.
fn oracle_check(a: &common::Artifacts, kernel_path: &Path) {
    let kernel = kernel_path.display();
    let oracle = boot_oracle(a, kernel_path, &[]).symbols;
    let why = || format!("{oracle:?}");
    for name in ORACLE_SYMBOLS {
        let (addr, _) = oracle
            .get(name)
            .unwrap_or_else(|| panic!("{name}: {}", why()));
        assert_ne!(*addr, 0, "{name}: /proc/kallsyms hid the value\n{}", why());
    }
    let k = kallsyms_of(kernel_path);
    for (name, (addr, kind)) in &oracle {
        eprintln!("{kernel}: oracle {addr:#x} {kind} {name}");
        assert_eq!(k.table.by_name(name), Some(*addr), "{name}");
        assert_eq!(k.table.lookup(*addr), Some((name.as_str(), 0)), "{name}");
        assert_eq!(
            k.table.lookup(*addr + 4).map(|(n, o)| (n.to_string(), o)),
            Some((name.clone(), 4))
        );
    }
    // _text, the Image's first byte, as the parser derived it from the relocation of
    // kallsyms_relative_base: where primary_entry lies minus its offset in the Image.
    assert_eq!(
        k.text,
        oracle["primary_entry"].0 - primary_entry_offset(kernel_path)
    );
}

#[test]
fn insn_trace_names_the_kernels_first_instructions() {
    let Some(a) = common::linux_artifacts() else {
        return;
    };
    let trace = temp_path("trace");
    let report_path = temp_path("report.json");
    let kernel = a.generic.to_str().unwrap();
    let out = bootemu(&[
        "--kernel",
        kernel,
        "--serial",
        "none",
        "--max-insns",
        "200000",
        "--trace",
        "insn",
        "--trace-file",
        trace.to_str().unwrap(),
        "--report",
        report_path.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&trace).unwrap_or_default();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap_or_default())
            .unwrap_or_default();
    let _ = std::fs::remove_file(&trace);
    let _ = std::fs::remove_file(&report_path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "budget exhausted\n{stderr}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 200_000);
    // The Image's first word, code0 ("MZ"), has no symbol: _text is not in kallsyms.
    assert!(!lines[0].contains('<'), "{}", lines[0]);
    // Its branch lands on primary_entry at its physical address.
    let pe = IMAGE_BASE + primary_entry_offset(&a.generic);
    let at_pe = format!("{pe:#018x}:");
    assert!(
        lines[2].contains(&at_pe) && lines[2].ends_with("<primary_entry+0x0>"),
        "{}",
        lines[2]
    );
    for name in ["preserve_boot_args", "__cpu_setup", "__primary_switch"] {
        let want = format!("<{name}+0x0>");
        assert!(
            lines.iter().any(|l| l.ends_with(&want)),
            "no line at {name}'s first instruction"
        );
    }
    // The human flight recorder and the report name where the run stopped.
    assert!(
        stderr.contains("stopped at 0x") && stderr.contains(" <"),
        "{stderr}"
    );
    let f = &report["flight_recorder"][0];
    assert!(f["stopped_at_symbol"].as_str().is_some(), "{f}");
    let last = f["last"].as_array().unwrap().last().unwrap();
    assert_eq!(last["symbol"], f["stopped_at_symbol"], "{f}");
    assert_eq!(report["kernel_entry"]["pc_symbol"], "primary_entry+0x0");

    // --trace-range with a symbol keeps only that function's lines.
    let out = bootemu(&[
        "--kernel",
        kernel,
        "--serial",
        "none",
        "--max-insns",
        "200000",
        "--trace",
        "insn",
        "--trace-file",
        trace.to_str().unwrap(),
        "--trace-range",
        "__primary_switch",
    ]);
    assert_eq!(out.status.code(), Some(4));
    let text = std::fs::read_to_string(&trace).unwrap_or_default();
    let _ = std::fs::remove_file(&trace);
    assert!(!text.is_empty());
    assert!(
        text.lines().all(|l| l.contains("<__primary_switch+0x")),
        "{text}"
    );
    let out = bootemu(&[
        "--kernel",
        kernel,
        "--max-insns",
        "10",
        "--trace",
        "insn",
        "--trace-range",
        "no_such_symbol",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn symbols_file_names_the_demo_guests_pcs() {
    let map = temp_path("System.map");
    // The demo guest is linked at 0x4008_0000; its routine at 0x4008_009c is called third.
    std::fs::write(&map, "0000000040080000 T demo_start\n000000004008009c t demo_puts\n00000000400800f8 d demo_text\n").unwrap();
    let out = bootemu(&[
        "--max-insns",
        "5",
        "--trace",
        "insn",
        "--symbols",
        map.to_str().unwrap(),
    ]);
    let _ = std::fs::remove_file(&map);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains(" EL1 ")).collect();
    assert!(lines[0].ends_with("<demo_start+0x0>"), "{stderr}");
    assert!(lines[2].ends_with("<demo_start+0x8>"), "{stderr}");
    assert!(lines[3].ends_with("<demo_puts+0x0>"), "{stderr}");
    assert!(lines[4].ends_with("<demo_puts+0x4>"), "{stderr}");
    // The flight recorder names where the run stopped.
    assert!(
        stderr.contains("stopped at 0x400800a0 <demo_puts+0x4>"),
        "{stderr}"
    );
    // An unreadable or malformed symbol file is an input error.
    let out = bootemu(&["--max-insns", "5", "--symbols", "/nonexistent/System.map"]);
    assert_eq!(out.status.code(), Some(2));
    let bad = temp_path("bad.map");
    std::fs::write(&bad, "not a symbol line\n").unwrap();
    let out = bootemu(&["--max-insns", "5", "--symbols", bad.to_str().unwrap()]);
    let _ = std::fs::remove_file(&bad);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
}

/// Debian's U-Boot for QEMU's virt (package u-boot-qemu), as tests/real_firmware.rs uses it.
const UBOOT: &str = "/usr/lib/u-boot/qemu_arm64/u-boot.bin";

#[test]
fn firmware_boot_trace_names_the_kernel_from_where_it_was_entered() {
    let Some(a) = common::linux_artifacts() else {
        return;
    };
    if !Path::new(UBOOT).exists() {
        assert!(!common::in_ci(), "{UBOOT} missing");
        eprintln!("NOTICE: {UBOOT} missing (package u-boot-qemu), test skipped");
        return;
    }
    // U-Boot's distro boot puts the kernel at 0x4040_0000 (not where a direct boot would) and
    // enters it with SError unmasked: --stop-on-check-failure ends the run just after the entry.
    let trace = temp_path("uboot-trace");
    let out = bootemu(&[
        "--firmware",
        UBOOT,
        "--kernel",
        a.generic.to_str().unwrap(),
        "--initrd",
        a.initramfs.to_str().unwrap(),
        "--append",
        "console=ttyAMA0",
        "--serial",
        "none",
        "--stop-on-check-failure",
        "--trace",
        "insn",
        "--trace-range",
        "primary_entry",
        "--trace-file",
        trace.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&trace).unwrap_or_default();
    let _ = std::fs::remove_file(&trace);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("firmware put the kernel at 0x40400000"),
        "{stderr}"
    );
    let lines: Vec<&str> = text.lines().collect();
    let pe = 0x4040_0000 + primary_entry_offset(&a.generic);
    assert!(
        lines.first().is_some_and(
            |l| l.contains(&format!("{pe:#018x}:")) && l.ends_with("<primary_entry+0x0>")
        ),
        "{text}\n{stderr}"
    );
    assert!(
        lines.iter().all(|l| l.contains("<primary_entry+0x")),
        "{text}"
    );
}
