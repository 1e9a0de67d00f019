//! Firmware + kernel boots (`--firmware FW --kernel K`, the protocol of rust-hypervisor-firmware's
//! aarch64 direct kernel boot) with our own test firmware, `testdata/fw/fw.S`, on both machine
//! profiles (`virt`: raw firmware in flash at 0x0; `cloud-hypervisor`: Image-headed firmware at
//! 0x4040_0000), and the Debian generic kernel + the test initramfs of `testdata/fetch-linux.sh`.
//!
//! Checked: the device tree the firmware gets describes the kernel file (`linux,kernel-start`,
//! `linux,kernel-size`), the initrd and the command line, and the file lies there untouched
//! (cloud-hypervisor: at the top of RAM; virt: from RAM + 64 MiB); the good firmware copies the kernel to a 2 MiB-aligned base and the kernel
//! reaches the marker with exit 0 and the command line intact on both profiles; a
//! cloud-hypervisor firmware without an Image header exits 2; the good firmware passes every
//! hand-off check (none fails) and each broken variant (violating one hand-off rule) fails
//! exactly that rule with exit 1.
//!
//! Our cloud-hypervisor firmware `testdata/fw/acpi_pci.S` (no kernel: `--firmware` and `--disk`
//! only) walks RSDP → XSDT, checks every table's signature and checksum, takes the ECAM base from
//! the MCFG, enumerates bus 0 and reads sector 0 of the disk through the virtio-blk-pci function's
//! pre-assigned BAR. Checked from its console: the tables in Cloud Hypervisor's order and layout,
//! every checksum ok, the same tables as the report's `acpi.tables`, ECAM at 0x3000_0000, the
//! sector's first 32 bytes equal to the file's, the file unchanged, two runs identical; with
//! `--acpi off` it refuses (`FAIL rsdp`), without a disk it finds no virtio-blk.
//!
//! Like tests/linux.rs: without the cross assembler or the Linux artifacts the tests print a
//! notice and pass, except under CI (the ch-acpi-pci tests need the cross assembler only).

mod common;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::run::{run, Run};
use common::{guests_built, linux_artifacts, root, Artifacts};

/// Instruction budget of one boot (about 1 G to the marker).
const BUDGET: &str = "4000000000";
/// The marker the test initramfs prints once userspace runs.
const MARKER: &str = "BOOTEMU-MARKER: userspace reached";
/// The command line; its last token is harmless to change (the `bootargs` variant does).
const APPEND: &str = "console=ttyAMA0 panic=-1 bootemu.fw=ok";
/// What the test firmware prints before the jump, followed by the image address.
const JUMP: &str = "bootemu test firmware: jumping to the kernel at ";

/// The two machine profiles and their firmware name prefix.
const MACHINES: [(&str, &str); 2] = [("virt", "fw-virt"), ("cloud-hypervisor", "fw-ch")];

/// The broken variants: build.sh name suffix and the check id that must fail.
const BROKEN: [(&str, &str); 6] = [
    ("base-aligned", "image.base-aligned"),
    ("x0", "regs.x0-fdt"),
    ("x1", "regs.x1-x3-zero"),
    ("daif", "regs.daif-masked"),
    ("dcache", "regs.dcache-off"),
    ("bootargs", "fdt.bootargs"),
];

fn firmware(name: &str) -> PathBuf {
    root().join("testdata/build/fw").join(format!("{name}.bin"))
}

fn temp_path(what: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("bootemu-fw-{}-{n}.{what}", std::process::id()))
}

/// Firmwares built and Linux artifacts at hand (or a notice and `None`).
fn inputs() -> Option<&'static Artifacts> {
    if !guests_built() {
        return None;
    }
    linux_artifacts()
}

struct Boot {
    out: Output,
    console: String,
    report: serde_json::Value,
}

impl Boot {
    fn code(&self) -> Option<i32> {
        self.out.status.code()
    }

    fn why(&self) -> String {
        let lines: Vec<&str> = self.console.lines().collect();
        format!(
            "exit {:?}\nstderr:\n{}\nconsole (last 30 lines):\n{}",
            self.code(),
            String::from_utf8_lossy(&self.out.stderr),
            lines[lines.len().saturating_sub(30)..].join("\n")
        )
    }

    /// Where the test firmware said it put the kernel.
    fn jumped_to(&self) -> Option<u64> {
        let line = self.console.lines().find_map(|l| l.strip_prefix(JUMP))?;
        u64::from_str_radix(line.trim().trim_start_matches("0x"), 16).ok()
    }

    fn guest_cmdline(&self) -> Option<&str> {
        self.console
            .lines()
            .find_map(|l| l.strip_prefix("BOOTEMU-CMDLINE: "))
    }
}

/// `bootemu run --machine M --firmware FW --kernel K --initrd I --append APPEND
/// --kernel-via chosen extra...`.
fn boot(machine: &str, fw: &str, a: &Artifacts, extra: &[&str]) -> Boot {
    let console = temp_path("console");
    let report = temp_path("json");
    let out = Command::new(env!("CARGO_BIN_EXE_bootemu"))
        .args(["run", "--machine", machine, "--firmware"])
        .arg(firmware(fw))
        .arg("--kernel")
        .arg(&a.generic)
        .arg("--initrd")
        .arg(&a.initramfs)
        .args(["--append", APPEND, "--expect", MARKER])
        // The test firmware implements rust-hypervisor-firmware's protocol only.
        .args(["--kernel-via", "chosen"])
        .arg("--serial")
        .arg(format!("file:{}", console.display()))
        .arg("--report")
        .arg(&report)
        .args(extra)
        .args(if extra.contains(&"--max-insns") {
            &[][..]
        } else {
            &["--max-insns", BUDGET][..]
        })
        .stdin(Stdio::null())
        .output()
        .expect("run bootemu");
    let b = Boot {
        out,
        console: std::fs::read_to_string(&console).unwrap_or_default(),
        report: std::fs::read(&report)
            .ok()
            .and_then(|r| serde_json::from_slice(&r).ok())
            .unwrap_or(serde_json::Value::Null),
    };
    let _ = std::fs::remove_file(&console);
    let _ = std::fs::remove_file(&report);
    b
}

#[test]
fn device_tree_describes_the_kernel_file_where_it_lies() {
    let Some(a) = inputs() else { return };
    let kernel = std::fs::read(&a.generic).unwrap();
    let initrd_len = std::fs::metadata(&a.initramfs).unwrap().len();
    for (machine, fw) in MACHINES {
        let dtb = temp_path("dtb");
        let b = boot(
            machine,
            fw,
            a,
            &["--max-insns", "1", "--dump-dtb", dtb.to_str().unwrap()],
        );
        assert_eq!(b.code(), Some(4), "{}", b.why());
        let blob = std::fs::read(&dtb).unwrap();
        let _ = std::fs::remove_file(&dtb);
        let c = bootemu_boot::fdt::read_chosen(&blob).unwrap();
        // 512 MiB of RAM from 0x4000_0000. cloud-hypervisor: the initrd ends at the top, page
        // aligned, and the kernel file ends at or below it, page aligned. virt: the kernel file
        // at RAM + 64 MiB, the initrd after it, page aligned (firmwares move to the top).
        let ram_end = 0x6000_0000u64;
        let (i0, i1) = c.initrd.expect("initrd");
        let (k0, ks) = c.kernel.expect("linux,kernel-start/size");
        assert_eq!(ks, kernel.len() as u64, "{machine}");
        assert_eq!(i1 - i0, initrd_len);
        if machine == "virt" {
            assert_eq!(k0, 0x4400_0000);
            assert_eq!(i0, (k0 + ks).next_multiple_of(0x1000));
        } else {
            assert_eq!(i0, (ram_end - initrd_len) & !0xfff, "{machine}");
            assert_eq!(k0, (i0 - ks) & !0xfff, "{machine}");
        }
        assert_eq!(c.bootargs.as_deref(), Some(APPEND));
    }
}

#[test]
fn good_firmware_boots_the_kernel_on_both_machines() {
    let Some(a) = inputs() else { return };
    for (machine, fw) in MACHINES {
        let b = boot(machine, fw, a, &[]);
        assert_eq!(b.code(), Some(0), "{machine}: {}", b.why());
        assert!(b.console.contains(MARKER), "{machine}: {}", b.why());
        assert_eq!(b.guest_cmdline(), Some(APPEND), "{machine}: {}", b.why());
        // The firmware put the Image 2 MiB aligned above the FDT (virt) or above itself
        // (cloud-hypervisor: 0x4040_0000 + its size, rounded up to 2 MiB).
        let expected = if machine == "virt" {
            0x4020_0000
        } else {
            0x4060_0000
        };
        assert_eq!(b.jumped_to(), Some(expected), "{machine}: {}", b.why());
        assert_eq!(b.report["kernel_cmdline"], APPEND, "{}", b.why());
    }
}

#[test]
fn good_firmware_passes_every_handoff_check() {
    let Some(a) = inputs() else { return };
    for (machine, fw) in MACHINES {
        let b = boot(machine, fw, a, &[]);
        assert_eq!(b.code(), Some(0), "{machine}: {}", b.why());
        let checks = b.report["checks"].as_array().expect("checks in the report");
        assert!(!checks.is_empty(), "{machine}");
        for c in checks {
            assert_ne!(c["status"], "fail", "{machine}: {c}");
        }
    }
}

#[test]
fn each_broken_firmware_fails_exactly_its_rule() {
    broken_fail_exactly(&BROKEN[1..]);
}

/// The entry watch for firmware boots looks at `primary_entry`'s offset from 2 MiB-aligned
/// bases only, so an image at a misaligned base is reported as "entry never reached".
#[test]
fn misaligned_base_fails_exactly_its_rule() {
    broken_fail_exactly(&BROKEN[..1]);
}

fn broken_fail_exactly(variants: &[(&str, &str)]) {
    let Some(a) = inputs() else { return };
    for (machine, fw) in MACHINES {
        for &(variant, rule) in variants {
            let b = boot(machine, &format!("{fw}-{variant}"), a, &[]);
            assert_eq!(b.code(), Some(1), "{machine} {variant}: {}", b.why());
            let checks = b.report["checks"].as_array().expect("checks in the report");
            let failed: Vec<&str> = checks
                .iter()
                .filter(|c| c["status"] == "fail")
                .filter_map(|c| c["id"].as_str())
                .collect();
            // The one consequence allowed: with other bootargs, the kernel prints that other
            // command line, so `boot.cmdline` (the same rule seen on the console) fails too.
            let consequence = |id: &&str| variant == "bootargs" && *id == "boot.cmdline";
            assert_eq!(
                failed.first(),
                Some(&rule),
                "{machine} {variant}: {}",
                b.why()
            );
            let other: Vec<&str> = failed[1..]
                .iter()
                .copied()
                .filter(|id| !consequence(id))
                .collect();
            assert!(
                other.is_empty(),
                "{machine} {variant}: {failed:?}\n{}",
                b.why()
            );
        }
    }
}

/// Independent of bootemu's checks, the kernel itself notices three of the breaks (its own
/// boot-protocol warnings, `arch/arm64/kernel/setup.c`), the `bootargs` break reaches
/// `/proc/cmdline`, and without x0 = FDT the kernel never gets anywhere.
#[test]
fn broken_firmwares_break_their_rule_as_the_kernel_sees_it() {
    let Some(a) = inputs() else { return };
    let seen = [
        (
            "base-aligned",
            "[Firmware Bug]: Kernel image misaligned at boot, please fix your bootloader!",
        ),
        ("x1", "WARNING: x1-x3 nonzero in violation of boot protocol"),
    ];
    for (variant, line) in seen {
        let b = boot("virt", &format!("fw-virt-{variant}"), a, &[]);
        assert!(b.console.contains(line), "{variant}: {}", b.why());
        assert!(b.console.contains(MARKER), "{variant}: {}", b.why());
    }
    let b = boot(
        "virt",
        "fw-virt-base-aligned",
        a,
        &["--max-insns", "100000000"],
    );
    assert_eq!(b.jumped_to(), Some(0x4021_0000), "{}", b.why());
    let b = boot("virt", "fw-virt-bootargs", a, &[]);
    let changed = format!("{}X", &APPEND[..APPEND.len() - 1]);
    assert_eq!(b.guest_cmdline(), Some(changed.as_str()), "{}", b.why());
    let b = boot("virt", "fw-virt-x0", a, &["--max-insns", "300000000"]);
    assert_eq!(b.code(), Some(1), "handoff check failed: {}", b.why());
    assert!(!b.console.contains("Booting Linux"), "{}", b.why());
}

#[test]
fn cloud_hypervisor_firmware_needs_an_image_header() {
    let Some(a) = inputs() else { return };
    let b = boot("cloud-hypervisor", "fw-virt", a, &[]);
    assert_eq!(b.code(), Some(2), "{}", b.why());
    assert!(
        String::from_utf8_lossy(&b.out.stderr).contains("must carry an arm64 Image header"),
        "{}",
        b.why()
    );
}

// ---- Our cloud-hypervisor firmware that finds the machine through ACPI (testdata/fw/acpi_pci.S)

/// Its build.sh name; also the class in its `PASS` line.
const ACPI_PCI: &str = "ch-acpi-pci";
/// Far above what it needs (about 25,000 instructions).
const ACPI_PCI_BUDGET: &str = "10000000";
/// The tables Cloud Hypervisor's `create_acpi_tables` (`vmm/src/acpi.rs`) writes for aarch64, in
/// its order, back to back after the 36-byte RSDP at RAM + 2 MiB; the XSDT comes last and lists
/// them all but the DSDT, which the FADT points at.
const CH_TABLES: [&str; 8] = [
    "DSDT", "FACP", "APIC", "PPTT", "GTDT", "MCFG", "SPCR", "DBG2",
];
/// Where Cloud Hypervisor puts the RSDP (`layout::RSDP_POINTER`, RAM + 2 MiB).
const CH_RSDP: u64 = 0x4020_0000;
/// Cloud Hypervisor's ECAM (`PCI_MMCONFIG_START`) and 32-bit PCI window (`MEM_32BIT_DEVICES_*`).
const CH_ECAM: u64 = 0x3000_0000;
const CH_PCI_MMIO32: std::ops::Range<u64> = 0x1000_0000..0x3000_0000;

/// A 64 KiB scratch disk with known first 32 bytes, removed on drop.
struct ScratchDisk {
    path: PathBuf,
    bytes: Vec<u8>,
}

impl ScratchDisk {
    fn new() -> ScratchDisk {
        let mut bytes: Vec<u8> = (0..64 * 1024)
            .map(|i: usize| (i as u8).wrapping_mul(13) ^ (i / 512) as u8)
            .collect();
        bytes[..32].copy_from_slice(b"bootemu ch-acpi-pci sector 0\x00\xff\x7f\x80");
        let path = temp_path("img");
        std::fs::write(&path, &bytes).expect("cannot write the scratch disk");
        ScratchDisk { path, bytes }
    }
}

impl Drop for ScratchDisk {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// `bootemu run --machine cloud-hypervisor --firmware ch-acpi-pci.bin extra... --report ..`.
fn acpi_pci_run(extra: &[&str]) -> Run {
    let fw = firmware(ACPI_PCI);
    let mut args = vec!["--machine", "cloud-hypervisor", "--firmware"];
    args.push(fw.to_str().expect("UTF-8 path"));
    args.extend(["--max-insns", ACPI_PCI_BUDGET]);
    args.extend(extra);
    run(&args)
}

/// One table as a console line or the report gives it: signature, address, length.
type TableEntry = (String, u64, u64);

fn hex_u64(s: &str) -> Option<u64> {
    u64::from_str_radix(s.strip_prefix("0x")?, 16).ok()
}

/// The firmware's "acpi SIG at ADDR length LEN checksum ok|bad [...]" lines, in console order,
/// each with its checksum verdict.
fn console_tables(r: &Run) -> Vec<(TableEntry, String)> {
    r.console
        .lines()
        .filter_map(|l| l.trim_end_matches('\r').strip_prefix("acpi "))
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            assert!(
                w.len() >= 7 && w[1] == "at" && w[3] == "length" && w[5] == "checksum",
                "table line {l:?}"
            );
            let addr = hex_u64(w[2]).unwrap_or_else(|| panic!("address in {l:?}"));
            let len = w[4].parse().unwrap_or_else(|_| panic!("length in {l:?}"));
            ((w[0].to_string(), addr, len), w[6].to_string())
        })
        .collect()
}

/// The report's `acpi.tables` (bootemu's own account of what it wrote).
fn report_tables(r: &Run) -> Vec<TableEntry> {
    r.report["acpi"]["tables"]
        .as_array()
        .unwrap_or_else(|| panic!("no acpi.tables in the report: {}", r.why()))
        .iter()
        .map(|t| {
            (
                t["signature"].as_str().expect("signature").to_string(),
                hex_u64(t["address"].as_str().expect("address")).expect("hex address"),
                t["length"].as_u64().expect("length"),
            )
        })
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The acceptance run: every table found through RSDP → XSDT (and the DSDT through the FADT)
/// with a good checksum and in Cloud Hypervisor's order and layout, the ECAM base from the MCFG,
/// the virtio-blk function with its BAR, and sector 0 as the file has it.
#[test]
fn ch_firmware_checks_acpi_and_reads_the_disk_through_pci() {
    if !guests_built() {
        return;
    }
    let disk = ScratchDisk::new();
    let disk_arg = disk.path.to_str().expect("UTF-8 path").to_string();
    let r = acpi_pci_run(&["--disk", &disk_arg]);
    assert_eq!(r.code(), Some(0), "{}", r.why());
    assert!(
        !r.console.lines().any(|l| l.starts_with("FAIL")),
        "{}",
        r.why()
    );
    assert_eq!(r.last_line(), "PASS ch-acpi-pci", "{}", r.why());

    // What the guest saw, from the console alone, against Cloud Hypervisor's layout.
    let tables = console_tables(&r);
    for ((sig, addr, _), checksum) in &tables {
        assert_eq!(checksum, "ok", "{sig} at {addr:#x}: {}", r.why());
    }
    let order: Vec<&str> = tables.iter().map(|((s, _, _), _)| s.as_str()).collect();
    let mut want = vec!["XSDT"];
    for t in CH_TABLES.iter().filter(|t| **t != "DSDT") {
        want.push(t);
        if *t == "FACP" {
            want.push("DSDT"); // found through the FADT right after it
        }
    }
    assert_eq!(order, want, "the XSDT's entries: {}", r.why());
    let mut by_addr: Vec<TableEntry> = tables.into_iter().map(|(t, _)| t).collect();
    by_addr.sort_by_key(|t| t.1);
    let sigs: Vec<&str> = by_addr.iter().map(|t| t.0.as_str()).collect();
    let mut want: Vec<&str> = CH_TABLES.to_vec();
    want.push("XSDT");
    assert_eq!(sigs, want, "tables by address: {}", r.why());
    let mut at = CH_RSDP + 36;
    for (sig, addr, len) in &by_addr {
        assert_eq!(*addr, at, "{sig} is not right after the previous table");
        at += len;
    }
    let xsdt = by_addr.last().expect("XSDT").1;
    let rsdp = r.line("RSDP at ").expect("RSDP line");
    assert_eq!(
        rsdp,
        format!(
            "{CH_RSDP:#x}: revision 2, OEM CLOUDH, length 36, checksum ok, extended checksum ok, \
             XSDT at {xsdt:#x}"
        ),
        "{}",
        r.why()
    );
    // bootemu's own account agrees.
    assert_eq!(report_tables(&r), by_addr, "report acpi.tables");
    assert_eq!(r.report["acpi"]["rsdp"], format!("{CH_RSDP:#x}"));

    let mcfg = r.line("MCFG: ECAM at ").expect("MCFG line");
    assert_eq!(mcfg, format!("{CH_ECAM:#x}, segment 0, buses 0-0"));
    let pci: Vec<&str> = r
        .console
        .lines()
        .filter_map(|l| l.trim_end_matches('\r').strip_prefix("pci 00:"))
        .collect();
    assert_eq!(pci.len(), 2, "the host bridge and the disk: {}", r.why());
    assert!(pci[0].starts_with("00.0 "), "host bridge: {pci:?}");
    assert_eq!(pci[1], "01.0 1af4:1042 class 010000", "{}", r.why());
    let blk = r
        .line("virtio-blk 00:01.0: BAR 4 at ")
        .expect("virtio-blk line");
    let bar = hex_u64(blk.split_whitespace().next().unwrap_or_default()).expect("BAR");
    assert!(
        CH_PCI_MMIO32.contains(&bar) && bar.is_multiple_of(0x4000),
        "BAR 4 at {bar:#x}: {}",
        r.why()
    );
    assert!(blk.ends_with(", capacity 128 sectors"), "{blk}");

    // The independent oracle for the read: the file's own bytes.
    let sector = r.line("sector 0: ").expect("sector 0 line");
    assert_eq!(
        sector,
        hex(&disk.bytes[..32]),
        "sector 0 as the firmware read it"
    );
    assert_eq!(
        std::fs::read(&disk.path).expect("the disk is still there"),
        disk.bytes,
        "the disk changed"
    );

    // Deterministic: the same console bytes after the same number of instructions.
    let again = acpi_pci_run(&["--disk", &disk_arg]);
    assert_eq!(again.code(), Some(0), "second run: {}", again.why());
    assert_eq!(again.console_bytes, r.console_bytes, "console bytes differ");
    assert_eq!(
        again.instructions(),
        r.instructions(),
        "instruction counts differ"
    );
}

/// Without ACPI (`--acpi off`) there is no RSDP and the firmware refuses to go on. It then
/// powers off cleanly, which bootemu takes as success (exit 0): the FAIL line is the verdict,
/// and `--fail-on` turns it into a guest failure (exit 3).
#[test]
fn ch_firmware_refuses_a_machine_without_acpi() {
    if !guests_built() {
        return;
    }
    let disk = ScratchDisk::new();
    let disk_arg = disk.path.to_str().expect("UTF-8 path").to_string();
    let fail = format!("FAIL rsdp: no RSD PTR signature at {CH_RSDP:#x} (found 0x0)");
    let r = acpi_pci_run(&["--disk", &disk_arg, "--acpi", "off"]);
    assert_eq!(r.last_line(), fail, "{}", r.why());
    assert!(!r.console.contains("PASS"), "{}", r.why());
    assert_eq!(r.code(), Some(0), "a plain power-off: {}", r.why());
    assert_eq!(r.report["exit_reason"], "power-off", "{}", r.why());
    let r = acpi_pci_run(&["--disk", &disk_arg, "--acpi", "off", "--fail-on", "FAIL "]);
    assert_eq!(r.code(), Some(3), "{}", r.why());
    assert_eq!(r.last_line(), fail, "{}", r.why());
}

/// Without a disk the tables are fine but bus 0 has the host bridge only.
#[test]
fn ch_firmware_without_a_disk_finds_no_virtio_blk() {
    if !guests_built() {
        return;
    }
    let r = acpi_pci_run(&[]);
    assert!(
        r.console.contains("\nMCFG: ECAM at 0x30000000"),
        "{}",
        r.why()
    );
    assert_eq!(
        r.last_line(),
        "FAIL virtio-blk: no 1af4:1042 function on bus 0",
        "{}",
        r.why()
    );
}
