//! End-to-end tests of the `bootemu` binary: exit codes, messages, the built-in demo guest.
//!
//! Expected console text comes from the demo's source (`testdata/demo.S`): the Fibonacci numbers
//! and their sum (F(21) - 1 = 10945) are arithmetic facts, and the same binary prints the same
//! lines under `qemu-system-aarch64 -M virt -kernel demo.bin`.

use std::path::PathBuf;
use std::process::{Command, Output};

const FIB: &str =
    "First 20 Fibonacci numbers: 0 1 1 2 3 5 8 13 21 34 55 89 144 233 377 610 987 1597 2584 4181";
const SUM: &str = "Their sum: 10945";

fn bootemu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bootemu"))
        .args(args)
        .output()
        .expect("bootemu runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A scratch file unique to this test process.
fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bootemu-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A 64-byte arm64 Image header (booting.rst) with the given text_offset and image_size.
fn image(text_offset: u64, image_size: u64) -> Vec<u8> {
    let mut b = vec![0u8; 4096];
    b[8..16].copy_from_slice(&text_offset.to_le_bytes());
    b[16..24].copy_from_slice(&image_size.to_le_bytes());
    b[24..32].copy_from_slice(&0b1010u64.to_le_bytes()); // LE, 4K pages, anywhere
    b[56..60].copy_from_slice(b"ARM\x64");
    b
}

#[test]
fn demo_runs_and_powers_off() {
    let o = bootemu(&["run"]);
    let out = text(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout:\n{out}\nstderr:\n{}",
        text(&o.stderr)
    );
    assert!(out.starts_with("bootemu demo guest:"), "{out}");
    assert!(out.contains(FIB), "{out}");
    assert!(out.contains(SUM), "{out}");
    assert!(text(&o.stderr).contains("powered off"));
}

#[test]
fn demo_with_tiny_budget_exits_4() {
    let o = bootemu(&["run", "--max-insns", "10"]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("budget exhausted after 10 instructions"));
}

#[test]
fn expect_markers() {
    let o = bootemu(&["run", "--expect", SUM, "--expect", "demo guest"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = bootemu(&["run", "--expect", "never printed"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        text(&o.stderr).contains("\"never printed\""),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn missing_file_exits_2_naming_it() {
    let o = bootemu(&["run", "--kernel", "/nonexistent/bootemu-kernel"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("/nonexistent/bootemu-kernel"), "{err}");
}

#[test]
fn garbage_is_a_raw_binary_that_fails_as_a_guest() {
    // Zero words are UDF #0: UNDEFINED at the entry, and again at the (empty) vectors.
    let f = scratch("garbage.bin", &[0u8; 256]);
    let o = bootemu(&["inspect", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    assert!(out.contains("format: raw binary"), "{out}");
    assert!(out.contains("entry: 0x40080000"), "{out}");

    let report = f.with_extension("json");
    let o = bootemu(&[
        "run",
        "--kernel",
        f.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("exception loop"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["exit_code"], 3);
    assert_eq!(json["exit_reason"], "guest-failure");
    assert_eq!(json["load_plan"]["entry"], "0x40080000");
    assert!(json["undefined"]["00000000"]["count"].as_u64().unwrap() > 0);
}

#[test]
fn image_too_big_for_ram_exits_2_naming_the_rule() {
    let f = scratch("big.img", &image(0, 1 << 30));
    let o = bootemu(&["run", "--kernel", f.to_str().unwrap(), "--memory", "512M"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("big.img"), "{err}");
    assert!(err.contains("booting.rst"), "{err}");
}

#[test]
fn inspect_a_synthetic_image_header() {
    let f = scratch("Image", &image(0, 0x20_0000));
    let o = bootemu(&["inspect", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("arm64 Image"), "{out}");
    assert!(out.contains("text_offset 0x0"), "{out}");
    assert!(out.contains("image_size 0x200000"), "{out}");
    assert!(out.contains("page size 4K"), "{out}");
    // RAM base 0x4000_0000 + 2 MiB + text_offset 0.
    assert!(out.contains("entry: 0x40200000"), "{out}");
}

#[test]
fn options_not_supported_yet_exit_2() {
    for (args, msg) in [
        (
            &["--append", "quiet"][..],
            "--initrd, --append and --dtb need an arm64 Linux Image",
        ),
        (&["--smp", "9"][..], "9 is not in 1..=8"),
        (&["--gic", "v4"][..], "expected v2 or v3"),
        (
            &["--firmware", "/nonexistent/fw.fd"][..],
            "/nonexistent/fw.fd: No such file",
        ),
        (&["--machine", "sbsa"][..], "--machine sbsa: unknown"),
        (
            &["--machine", "cloud-hypervisor", "--gic", "v2"][..],
            "GICv3 only",
        ),
        (
            &["--machine", "cloud-hypervisor", "--el2"][..],
            "starts the vCPUs at EL1",
        ),
    ] {
        let o = bootemu(&[&["run"][..], args].concat());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(text(&o.stderr).contains(msg), "{}", text(&o.stderr));
    }
}

#[test]
fn bad_disks_exit_2_naming_the_file() {
    let empty = scratch("empty.img", &[]);
    let odd = scratch("odd.img", &[0; 1000]);
    let dir = std::env::temp_dir();
    let good = scratch("good.img", &[0; 1024]);
    let mmio = format!("{},if=mmio", good.display());
    let good_s = good.to_str().unwrap();
    let thirty_two_disks: Vec<&str> = (0..32).flat_map(|_| ["--disk", good_s]).collect();
    let cases: [(&[&str], String); 6] = [
        (
            &["--disk", "/nonexistent/disk.img"],
            "bootemu: /nonexistent/disk.img: No such file or directory".into(),
        ),
        (
            &["--disk", dir.to_str().unwrap()],
            format!("bootemu: {}: is a directory", dir.display()),
        ),
        (
            &["--disk", empty.to_str().unwrap()],
            format!("bootemu: {}: empty file", empty.display()),
        ),
        (
            &["--disk", odd.to_str().unwrap()],
            format!(
                "bootemu: {}: 1000 bytes, not a multiple of 512",
                odd.display()
            ),
        ),
        (
            &["--machine", "cloud-hypervisor", "--disk", &mmio],
            format!(
                "bootemu: {}: --disk if=mmio: --machine cloud-hypervisor has no virtio-mmio slots",
                good.display()
            ),
        ),
        (
            &thirty_two_disks,
            "bootemu: 32 disks given for PCI slots; --machine virt has 31".into(),
        ),
    ];
    for (args, msg) in cases {
        let o = bootemu(&[&["run"][..], args].concat());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = text(&o.stderr);
        assert!(err.starts_with(&msg), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn a_disk_the_guest_never_touches_is_reported() {
    let img = scratch("untouched.img", &[7; 4096]);
    let report = std::env::temp_dir().join(format!("bootemu-cli-{}-disk.json", std::process::id()));
    let o = bootemu(&[
        "run",
        "--disk",
        &format!("{},ro", img.display()),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let _ = std::fs::remove_file(&report);
    let d = &r["disks"][0];
    assert_eq!(d["file"], img.to_str().unwrap());
    assert_eq!(d["size"], 4096);
    assert_eq!(d["mode"], "ro");
    assert_eq!(d["read_only"], true);
    assert_eq!(d["bytes_read"], 0);
    assert_eq!(d["overlay"], "none");
}

#[test]
fn trace_file_has_one_line_per_instruction() {
    let f = scratch("trace.txt", b"");
    let o = bootemu(&[
        "run",
        "--max-insns",
        "5",
        "--trace",
        "insn",
        "--trace-file",
        f.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(4));
    let t = std::fs::read_to_string(&f).unwrap();
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines.len(), 5, "{t}");
    // First instruction of demo.S, as aarch64-linux-gnu-objdump shows it.
    assert_eq!(
        lines[0],
        "           0 EL1 0x0000000040080000: d2a12013  mov x19, #0x9000000"
    );
    assert!(lines[4].starts_with("           4 EL1 "), "{}", lines[4]);
}

/// `bootemu args...` under an address-space limit of `kib` KiB (the shell's `ulimit -v`: a run
/// that tried to read an endless file or recurse without bound would die instead of exiting 2).
fn bootemu_limited(kib: u64, args: &[&str]) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_bootemu"))
        .args(args)
        .output()
        .expect("bash runs")
}

/// A device tree blob of `depth` nested nodes, written by hand (FDT header v17, empty
/// reservation map and strings block).
fn nested_dtb(depth: usize) -> Vec<u8> {
    let mut st = Vec::new();
    for i in 0..depth {
        st.extend(1u32.to_be_bytes());
        st.extend(if i == 0 { *b"\0\0\0\0" } else { *b"a\0\0\0" });
    }
    for _ in 0..depth {
        st.extend(2u32.to_be_bytes());
    }
    st.extend(9u32.to_be_bytes());
    let (rsv, off_st) = (40usize, 56usize);
    let total = off_st + st.len();
    let mut b = vec![0u8; total];
    let header = [
        0xd00d_feed,
        total as u32,
        off_st as u32,
        total as u32,
        rsv as u32,
        17,
        16,
        0,
        0,
        st.len() as u32,
    ];
    for (i, v) in header.into_iter().enumerate() {
        b[4 * i..4 * i + 4].copy_from_slice(&v.to_be_bytes());
    }
    b[off_st..].copy_from_slice(&st);
    b
}

#[test]
fn hostile_device_trees_exit_2_within_a_memory_limit() {
    let img = scratch("hostile-dtb-image", &image(0, 0x1000));
    let img = img.to_str().unwrap();
    let deep = scratch("deep.dtb", &nested_dtb(200_000));
    let mut corrupt = nested_dtb(3);
    corrupt[8..12].copy_from_slice(&0xffff_fff0u32.to_be_bytes());
    let corrupt = scratch("corrupt.dtb", &corrupt);
    for (dtb, says) in [
        ("/dev/zero", "larger than a device tree"),
        (deep.to_str().unwrap(), "nested deeper than 64"),
        (corrupt.to_str().unwrap(), "outside totalsize"),
    ] {
        for cmd in [
            &["inspect", img][..],
            &["run", "--max-insns", "1", "--kernel", img][..],
        ] {
            let args = [cmd, &["--dtb", dtb]].concat();
            let o = bootemu_limited(2 << 20, &args);
            let err = text(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{cmd:?} {dtb}: {err}");
            assert_eq!(err.lines().count(), 1, "{cmd:?} {dtb}: {err}");
            assert!(
                err.contains(dtb) && err.contains(says),
                "{cmd:?} {dtb}: {err}"
            );
        }
    }
}

#[test]
fn bad_timeline_options_exit_2() {
    let o = bootemu(&["run", "--timeline", "/nonexistent-dir/t.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("--timeline /nonexistent-dir/t.json"),
        "{}",
        text(&o.stderr)
    );
    assert!(o.stdout.is_empty(), "refused before the run");
    let t = scratch("t.json", b"");
    let t = t.to_str().unwrap();
    let o = bootemu(&["run", "--timeline", t, "--timeline-sample", "0"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let o = bootemu(&["run", "--timeline-sample", "100"]);
    assert_eq!(o.status.code(), Some(2), "needs --timeline");
}

#[test]
fn an_x86_firmware_boot_refuses_kernel_offset_in_one_line() {
    // Refused before any file is read: the firmware, not bootemu, places the kernel.
    let o = bootemu(&[
        "run",
        "--machine",
        "microvm",
        "--firmware",
        "/nonexistent/loader.elf",
        "--kernel",
        "/nonexistent/vmlinuz",
        "--kernel-offset",
        "0x200000",
    ]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("--machine microvm does not take --kernel-offset with --firmware"),
        "{err}"
    );
}
