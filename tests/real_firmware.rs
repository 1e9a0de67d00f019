//! Real firmware on `virt`: Debian bookworm's EDK2 (`qemu-efi-aarch64`: QEMU_EFI.fd, and the
//! AAVMF_VARS.fd variable store) and U-Boot (`u-boot-qemu`: qemu_arm64/u-boot.bin) boot Debian's
//! generic kernel + the test initramfs of `testdata/fetch-linux.sh` handed over through fw_cfg
//! (`--firmware FW --kernel K --initrd I --append ...`), as `qemu-system-aarch64 -bios FW -kernel
//! K ...` does.
//!
//! Checked:
//! - EDK2 reaches the initramfs marker with exit 0, the kernel is entered through its EFI stub,
//!   every hand-off check passes or is n/a, the report names the entry PC `primary_entry+0x0`
//!   (the kernel's kallsyms mapped through where the entry was seen; also for U-Boot's `booti`
//!   at 0x4040_0000), and the guest's /proc/cmdline is the command line
//!   plus EDK2's `initrd=initrd`; with ACPI on (the default) the kernel's own log shows the
//!   tables EDK2 installed from fw_cfg (RSDP, the tables, the SPCR console, MCFG and the PCI
//!   root bridge) and an empty device tree from its stub; with `--acpi off` the device tree;
//! - a copy of AAVMF_VARS.fd on `--pflash1 COPY` boots and is byte-identical afterwards (EDK2's
//!   writes stay in memory), while `--pflash1 COPY,rw` boots and writes the bank back: same size,
//!   different bytes (Debian's AAVMF_VARS.fd is all zeros; EDK2 formats it on its first boot);
//! - U-Boot's distro boot (`qfw` target) reaches the marker but fails exactly one hand-off check,
//!   `regs.daif-masked` (U-Boot enters the kernel with SError unmasked, as on QEMU), named in the
//!   stderr summary; with `--no-check regs.daif-masked` the run exits 0 (in the determinism test);
//! - U-Boot with an environment made by `mkenvimage` on `--pflash1` (bank 1 holds
//!   qemu_arm64's 256 KiB environment at its start) runs that environment's `bootcmd`
//!   (`qfw load` + `booti`, `bootdelay=0`) instead of its distro boot, and the kernel gets there
//!   with the same single failing check;
//! - U-Boot's virtio drivers find a `--disk` in the last virtio-mmio slot (as QEMU's
//!   `-device virtio-blk-device`), read the file's bytes, and write sectors: into the overlay by
//!   default (the file unchanged, the report says 2 sectors discarded), into the file with `,rw`,
//!   refused with `,ro`;
//! - two EDK2 runs, and two U-Boot runs, give identical console bytes and instruction counts;
//! - dying firmware ends the run fast with exit 3, its last words on the console and the flight
//!   recorder on stderr and in the report: our dead loops (testdata/fw/dead.S), U-Boot's
//!   `"Synchronous Abort"` on a read where no device answers, EDK2's `Synchronous Exception at`
//!   with a blank read-only variable bank and with a variable store whose header is damaged;
//! - bad inputs exit 2 with one stderr line naming the file: an oversized pflash file, an empty
//!   firmware, a missing or misplaced `--load` file, a truncated kernel (direct and via EDK2).
//!
//! Like tests/firmware.rs and tests/linux.rs: without the firmware packages
//! (`testdata/setup.sh`), `mkenvimage`, the cross assembler or the Linux artifacts the tests print
//! a notice and pass, except under CI (env `CI` set), where they fail.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use common::run::Run as Boot;
use common::{guests_built, in_ci, linux_artifacts, root, tool_present, Artifacts};

/// Debian's EDK2 build for QEMU's virt machine (qemu-efi-aarch64).
const EDK2: &str = "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd";
/// Debian's empty EDK2 variable store (64 MiB, all zeros).
const EDK2_VARS: &str = "/usr/share/AAVMF/AAVMF_VARS.fd";
/// Debian's U-Boot for QEMU's virt machine (u-boot-qemu).
const UBOOT: &str = "/usr/lib/u-boot/qemu_arm64/u-boot.bin";
/// Size of a virt flash bank.
const BANK: u64 = 64 << 20;
/// qemu_arm64's environment: CONFIG_ENV_SIZE, at the start of flash bank 1.
const ENV_SIZE: &str = "0x40000";

/// Instruction budget of one boot (about 1.3 G to the marker through EDK2).
const BUDGET: &str = "4000000000";
/// Budget of a run that must die early; the tests want far fewer instructions than this.
const DYING_BUDGET: &str = "2000000000";
/// A dying run must have ended within this many instructions.
const DYING_MAX: u64 = 1_000_000_000;
/// The marker the test initramfs prints once userspace runs.
const MARKER: &str = "BOOTEMU-MARKER: userspace reached";
/// The line prefix before the guest's /proc/cmdline.
const CMDLINE_LINE: &str = "BOOTEMU-CMDLINE: ";
const APPEND: &str = "console=ttyAMA0";
/// What the kernel sees through EDK2: it adds the initrd it loaded from fw_cfg.
const EDK2_CMDLINE: &str = "console=ttyAMA0 initrd=initrd";
/// The one hand-off rule U-Boot breaks.
const UBOOT_FINDING: &str = "regs.daif-masked";
/// What the U-Boot environments of these tests print first, proving their bootcmd ran.
const ENV_BOOTCMD_ECHO: &str = "BOOTEMU-ENV-BOOTCMD";
/// U-Boot's default countdown (bootdelay=2), the start of its distro boot.
const UBOOT_COUNTDOWN: &str = "Hit any key to stop autoboot:  2";

/// The environment of the `booti` boot: qemu_arm64's addresses (a saved environment replaces
/// the default one, so `kernel_addr_r`/`ramdisk_addr_r` must be in it; `fdtcontroladdr` is
/// set at run time), and the distro boot's own `qfw` commands: `qfw load` leaves the initrd's
/// size in `filesize`.
const BOOTI_ENV: &str = "bootdelay=0
kernel_addr_r=0x40400000
ramdisk_addr_r=0x44000000
bootcmd=echo BOOTEMU-ENV-BOOTCMD; qfw load ${kernel_addr_r} ${ramdisk_addr_r}; \
booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}
";

/// An environment whose bootcmd reads and writes the first virtio disk, then powers off.
const VIRTIO_ENV: &str = "bootdelay=0
bootcmd=virtio scan; virtio info; virtio read 0x40400000 0 8; md.b 0x40400000 0x20; mw.b 0x40500000 0xa5 0x400; virtio write 0x40500000 4 2; virtio read 0x40600000 4 2; md.b 0x40600000 0x10; poweroff
";

/// An environment whose bootcmd reads the PL061 GPIO address, where no device answers here.
const ABORT_ENV: &str = "bootdelay=0
bootcmd=echo BOOTEMU-ENV-BOOTCMD; md.l 0x09030000 1
";

/// A fresh path in the temporary directory (removed by the [`Temp`] guard).
fn temp_path(what: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("bootemu-realfw-{}-{n}.{what}", std::process::id()))
}

/// A temporary file, removed when dropped (also when an assertion fails).
struct Temp(PathBuf);

impl Temp {
    fn new(what: &str) -> Temp {
        Temp(temp_path(what))
    }

    fn with(what: &str, bytes: &[u8]) -> Temp {
        let t = Temp::new(what);
        std::fs::write(&t.0, bytes).unwrap_or_else(|e| panic!("{}: {e}", t.0.display()));
        t
    }

    fn s(&self) -> &str {
        self.0.to_str().expect("UTF-8 temporary path")
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Whether the files exist; a notice (or, under CI, a panic) when one does not.
fn files_present(files: &[&str]) -> bool {
    for f in files {
        if !Path::new(f).is_file() {
            let msg = format!("{f} not found (run testdata/setup.sh)");
            if in_ci() {
                panic!("{msg}");
            }
            eprintln!("NOTICE: {msg}: real firmware test skipped");
            return false;
        }
    }
    true
}

/// Whether a tool is installed; a notice (or, under CI, a panic) when it is not.
fn tool(name: &str) -> bool {
    if tool_present(name) {
        return true;
    }
    let msg = format!("{name} not found (run testdata/setup.sh)");
    if in_ci() {
        panic!("{msg}");
    }
    eprintln!("NOTICE: {msg}: real firmware test skipped");
    false
}

/// The firmware files and the Linux artifacts, or a notice and `None`.
fn inputs(firmware: &[&str]) -> Option<&'static Artifacts> {
    if !files_present(firmware) {
        return None;
    }
    linux_artifacts()
}

/// `mkenvimage -s ENV_SIZE` of `text`, or a notice and `None` without mkenvimage.
fn env_image(text: &str) -> Option<Temp> {
    if !tool("mkenvimage") {
        return None;
    }
    let txt = Temp::with("env.txt", text.as_bytes());
    let bin = Temp::new("env.bin");
    let out = Command::new("mkenvimage")
        .args(["-s", ENV_SIZE, "-o", bin.s(), txt.s()])
        .output()
        .expect("run mkenvimage");
    assert!(out.status.success(), "mkenvimage: {out:?}");
    Some(bin)
}

/// Exit 3 within [`DYING_MAX`] instructions, with the flight recorder on stderr and in the
/// report.
fn assert_died_fast(b: &Boot, what: &str) {
    assert_eq!(b.code(), Some(3), "{what}: {}", b.why());
    assert!(
        b.instructions() < DYING_MAX,
        "{what}: ended after {} instructions: {}",
        b.instructions(),
        b.why()
    );
    assert!(
        b.stderr().contains("flight recorder"),
        "{what}: {}",
        b.why()
    );
    let flight = b.report["flight_recorder"][0]["last"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(flight > 0, "{what}: no flight recorder in the report");
}

/// `bootemu run --serial file:.. --report .. args...` (with [`BUDGET`] unless `--max-insns` is
/// among `args`).
fn run(args: &[&str]) -> Boot {
    let mut args = args.to_vec();
    if !args.contains(&"--max-insns") {
        args.extend(["--max-insns", BUDGET]);
    }
    common::run::run(&args)
}

/// `--firmware FW --kernel K --initrd I --append APPEND --expect MARKER` + `extra`.
fn boot(fw: &str, a: &Artifacts, extra: &[&str]) -> Boot {
    let mut args = vec![
        "--firmware",
        fw,
        "--kernel",
        a.generic.to_str().unwrap(),
        "--initrd",
        a.initramfs.to_str().unwrap(),
        "--append",
        APPEND,
        "--expect",
        MARKER,
    ];
    if fw == EDK2 {
        args.extend(["--expect-cmdline", EDK2_CMDLINE]);
    }
    args.extend(extra);
    run(&args)
}

/// EDK2 booted the kernel to the marker: exit 0, EFI stub, every check pass or n/a, the
/// command line with `initrd=initrd`.
fn assert_edk2_boot(b: &Boot, what: &str) {
    assert_eq!(b.code(), Some(0), "{what}: {}", b.why());
    assert!(b.console.contains(MARKER), "{what}: {}", b.why());
    let checks = b.report["checks"].as_array().expect("checks in the report");
    assert!(!checks.is_empty(), "{what}: {}", b.why());
    for c in checks {
        assert!(
            c["status"] == "pass" || c["status"] == "n/a",
            "{what}: {c}\n{}",
            b.why()
        );
    }
    assert_eq!(
        b.report["kernel_entry"]["entered"],
        "efi-stub",
        "{what}: {}",
        b.why()
    );
    // Where the stub left the kernel, seen at its entry, maps the physical PC to its symbol.
    assert_eq!(
        b.report["kernel_entry"]["pc_symbol"],
        "primary_entry+0x0",
        "{what}: {}",
        b.why()
    );
    assert_eq!(
        b.line(CMDLINE_LINE),
        Some(EDK2_CMDLINE),
        "{what}: {}",
        b.why()
    );
    assert_eq!(b.report["kernel_cmdline"], EDK2_CMDLINE, "{what}");
}

/// U-Boot booted the kernel to the marker with exactly [`UBOOT_FINDING`] failing (exit 1).
fn assert_uboot_finding(b: &Boot, what: &str) {
    assert_eq!(b.code(), Some(1), "{what}: {}", b.why());
    assert!(b.console.contains(MARKER), "{what}: {}", b.why());
    assert_eq!(b.checks("fail"), [UBOOT_FINDING], "{what}: {}", b.why());
    assert!(b.checks("not-reached").is_empty(), "{what}: {}", b.why());
    let summary = b.stderr();
    let summary = summary
        .lines()
        .find(|l| l.contains("handoff checks:"))
        .unwrap_or_else(|| panic!("{what}: no summary line: {}", b.why()));
    assert!(
        summary.contains(&format!("1 fail ({UBOOT_FINDING})")),
        "{what}: {summary}"
    );
    assert_eq!(b.line(CMDLINE_LINE), Some(APPEND), "{what}: {}", b.why());
}

#[test]
fn edk2_boots_the_kernel_through_its_efi_stub() {
    let Some(a) = inputs(&[EDK2]) else { return };
    // ACPI on (the default, as QEMU's with EDK2): EDK2 installs the tables it linked from
    // fw_cfg's etc/table-loader and no device tree; the kernel's own log says it found them,
    // its console through SPCR and the PCIe host through MCFG and the DSDT.
    let b = boot(EDK2, a, &[]);
    assert_edk2_boot(&b, "EDK2 --acpi on");
    for line in [
        "EFI stub: Generating empty DTB",
        "ACPI: RSDP 0x",
        "ACPI: SPCR: console: pl011,mmio32,0x9000000",
        "ACPI: MCFG table detected, 1 entries",
        "ACPI: PCI Root Bridge [PCI0] (domain 0000 [bus 00-ff])",
        "ARMH0011:00: ttyAMA0 at MMIO 0x9000000",
    ] {
        assert!(b.console.contains(line), "--acpi on: {line:?}: {}", b.why());
    }
    let tables: Vec<&str> = b.report["acpi"]["tables"]
        .as_array()
        .expect("acpi tables in the report")
        .iter()
        .filter_map(|t| t["signature"].as_str())
        .collect();
    for sig in ["DSDT", "FACP", "APIC", "GTDT", "MCFG", "SPCR", "XSDT"] {
        assert!(
            tables.contains(&sig) && b.console.contains(&format!("ACPI: {sig} 0x")),
            "{sig}: {tables:?} {}",
            b.why()
        );
    }
    // ACPI off: the device tree, as before.
    let b = boot(EDK2, a, &["--acpi", "off"]);
    assert_edk2_boot(&b, "EDK2 --acpi off");
    assert!(
        b.console
            .contains("EFI stub: Using DTB from configuration table")
            && !b.console.contains("ACPI: RSDP"),
        "--acpi off: {}",
        b.why()
    );
    assert!(b.report["acpi"].is_null());
}

/// The `--pflash1 COPY,rw` boot of AAVMF_VARS.fd, once per process: the bank it wrote back (a
/// store EDK2 formatted) serves [`edk2_variable_store_in_flash`] and
/// [`edk2_dies_on_a_damaged_variable_store`].
struct RwBoot {
    boot: Boot,
    written: Vec<u8>,
}

fn rw_boot(a: &Artifacts) -> &'static RwBoot {
    static B: OnceLock<RwBoot> = OnceLock::new();
    B.get_or_init(|| {
        let vars = Temp::with("vars-rw.fd", &std::fs::read(EDK2_VARS).unwrap());
        let arg = format!("{},rw", vars.s());
        let boot = boot(EDK2, a, &["--pflash1", &arg]);
        let written = std::fs::read(&vars.0).unwrap();
        RwBoot { boot, written }
    })
}

#[test]
fn edk2_variable_store_in_flash() {
    let Some(a) = inputs(&[EDK2, EDK2_VARS]) else {
        return;
    };
    let original = std::fs::read(EDK2_VARS).unwrap();
    assert_eq!(original.len() as u64, BANK);

    // Without ,rw: EDK2 writes the bank (see below), the file stays as it was.
    let copy = Temp::with("vars.fd", &original);
    let b = boot(EDK2, a, &["--pflash1", copy.s()]);
    assert_edk2_boot(&b, "--pflash1 COPY");
    let after = std::fs::read(&copy.0).unwrap();
    assert!(after == original, "--pflash1 COPY: the file changed");

    // With ,rw: the bank is written back, same size, different bytes: a formatted store (a
    // firmware volume header, `_FVH` at 0x28).
    let rw = rw_boot(a);
    assert_edk2_boot(&rw.boot, "--pflash1 COPY,rw");
    assert!(
        rw.boot.stderr().contains("flash bank written back"),
        "{}",
        rw.boot.why()
    );
    assert_eq!(rw.written.len(), original.len(), "size of the written bank");
    assert!(
        rw.written != original,
        "--pflash1 COPY,rw: the file did not change"
    );
    assert_eq!(
        &rw.written[0x28..0x2c],
        b"_FVH",
        "no firmware volume written"
    );
}

#[test]
fn uboot_distro_boot_fails_only_daif_masked() {
    let Some(a) = inputs(&[UBOOT]) else { return };
    let b = boot(UBOOT, a, &[]);
    assert_uboot_finding(&b, "U-Boot distro boot");
    assert!(b.console.contains(UBOOT_COUNTDOWN), "{}", b.why());
    assert_eq!(b.report["kernel_entry"]["entered"], "image-start");
}

#[test]
fn uboot_booti_from_an_environment_in_flash() {
    let Some(a) = inputs(&[UBOOT]) else { return };
    let Some(env) = env_image(BOOTI_ENV) else {
        return;
    };
    let b = boot(UBOOT, a, &["--pflash1", env.s()]);
    assert_uboot_finding(&b, "U-Boot booti");
    // U-Boot read the environment (no "bad CRC, using default environment"), ran its bootcmd
    // at once and not its distro boot.
    assert!(
        b.console.contains("Loading Environment from Flash... OK"),
        "{}",
        b.why()
    );
    assert!(b.console.contains(ENV_BOOTCMD_ECHO), "{}", b.why());
    assert!(!b.console.contains(UBOOT_COUNTDOWN), "{}", b.why());
    assert!(
        b.console
            .contains("loading kernel to address 0000000040400000"),
        "{}",
        b.why()
    );
    assert_eq!(b.report["kernel_entry"]["entered"], "image-start");
    assert_eq!(b.report["kernel_entry"]["image_start"], "0x40400000");
    assert_eq!(b.report["kernel_entry"]["pc_symbol"], "primary_entry+0x0");
}

#[test]
fn uboot_reads_and_writes_a_virtio_disk() {
    if !files_present(&[UBOOT]) {
        return;
    }
    let Some(env) = env_image(VIRTIO_ENV) else {
        return;
    };
    // 64 sectors, each starting with its number.
    let disk: Vec<u8> = (0..64 * 512u32)
        .map(|i| {
            if i % 512 == 0 {
                (i / 512) as u8
            } else {
                (i % 251) as u8
            }
        })
        .collect();
    // U-Boot's `md.b` line for the disk's first 16 bytes.
    let first: Vec<String> = disk[..16].iter().map(|b| format!("{b:02x}")).collect();
    let first = format!("40400000: {}", first.join(" "));
    for (mode, write_ok, overlay, changed) in [
        ("", true, "discarded 2 sectors", false),
        (",rw", true, "written back", true),
        (",ro", false, "none", false),
    ] {
        let img = Temp::with("disk.img", &disk);
        let arg = format!("{},if=mmio{mode}", img.s());
        let b = run(&["--firmware", UBOOT, "--pflash1", env.s(), "--disk", &arg]);
        let what = format!("--disk {arg}");
        assert_eq!(b.code(), Some(0), "{what}: {}", b.why());
        assert!(b.console.contains("(64 x 512)"), "{what}: {}", b.why());
        assert!(
            b.console.contains("8 blocks read: OK"),
            "{what}: {}",
            b.why()
        );
        assert!(b.console.contains(&first), "{what}: {first}: {}", b.why());
        let written = if write_ok {
            "2 blocks written: OK"
        } else {
            "blocks written: ERROR"
        };
        assert!(b.console.contains(written), "{what}: {}", b.why());
        let reread = if write_ok {
            "40600000: a5 a5 a5 a5".to_string()
        } else {
            format!("40600000: {:02x} {:02x}", disk[4 * 512], disk[4 * 512 + 1])
        };
        assert!(b.console.contains(&reread), "{what}: {reread}: {}", b.why());
        let d = &b.report["disks"][0];
        assert_eq!(d["overlay"], overlay, "{what}: {d}");
        assert_eq!(d["interface"], "mmio", "{what}: {d}");
        assert_eq!(d["size"], 64 * 512, "{what}: {d}");
        assert_eq!(
            d["bytes_written"],
            if write_ok { 1024 } else { 0 },
            "{what}: {d}"
        );
        let now = std::fs::read(&img.0).unwrap();
        assert_eq!(now != disk, changed, "{what}: file changed?");
        if changed {
            assert!(now[2048..3072].iter().all(|&x| x == 0xa5), "{what}");
            assert_eq!(now[3072..], disk[3072..], "{what}");
        }
    }
}

/// Two runs of `fw` (with `extra`) exit 0 with the same console bytes and instruction count.
fn assert_deterministic(fw: &str, a: &Artifacts, extra: &[&str]) -> Boot {
    let first = boot(fw, a, extra);
    let second = boot(fw, a, extra);
    for b in [&first, &second] {
        assert_eq!(b.code(), Some(0), "{fw}: {}", b.why());
        assert!(b.console.contains(MARKER), "{fw}: {}", b.why());
    }
    assert!(
        first.console_bytes == second.console_bytes,
        "{fw}: the consoles differ"
    );
    assert_eq!(first.instructions(), second.instructions(), "{fw}");
    assert_eq!(
        first.report["console_bytes"].as_u64(),
        Some(first.console_bytes.len() as u64)
    );
    first
}

#[test]
fn edk2_boots_are_deterministic() {
    let Some(a) = inputs(&[EDK2]) else { return };
    assert_deterministic(EDK2, a, &[]);
}

/// Also U-Boot's distro boot with its finding waived: exit 0.
#[test]
fn uboot_boots_are_deterministic() {
    let Some(a) = inputs(&[UBOOT]) else { return };
    let b = assert_deterministic(UBOOT, a, &["--no-check", UBOOT_FINDING]);
    assert_eq!(b.checks("waived"), [UBOOT_FINDING], "{}", b.why());
    assert!(b.checks("fail").is_empty(), "{}", b.why());
}

#[test]
fn dead_test_firmware_ends_at_once() {
    if !guests_built() {
        return;
    }
    for name in ["dead-branch", "dead-mem"] {
        let fw = root().join("testdata/build/fw").join(format!("{name}.bin"));
        let b = run(&["--firmware", fw.to_str().unwrap()]);
        assert_died_fast(&b, name);
        assert_eq!(b.report["exit_reason"], "guest-failure", "{}", b.why());
        assert!(
            b.report["description"]
                .as_str()
                .is_some_and(|d| d.contains("dead loop")),
            "{name}: {}",
            b.why()
        );
        assert_eq!(
            b.last_line(),
            "bootemu test firmware: dying quietly with interrupts masked",
            "{name}"
        );
    }
}

/// A run that never ends by itself (the dead loop with the hang rules off) and is stopped by
/// SIGTERM, and one that runs out of budget, both leave a report with where the vCPU stopped
/// and its flight recorder.
#[test]
fn interrupted_and_budget_exhausted_runs_keep_their_evidence() {
    if !guests_built() {
        return;
    }
    let fw = root().join("testdata/build/fw/dead-branch.bin");
    let fw = fw.to_str().unwrap();
    let report = Temp::new("json");
    let child = Command::new(env!("CARGO_BIN_EXE_bootemu"))
        .args([
            "run",
            "--firmware",
            fw,
            "--hang-insns",
            "0",
            "--serial",
            "none",
        ])
        .args(["--report", report.s()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run bootemu");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let out = child.wait_with_output().expect("bootemu ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("stopped at 0x24"), "{stderr}");
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report.0).unwrap()).unwrap();
    assert_eq!(r["exit_reason"], "interrupted");
    assert_eq!(r["flight_recorder"][0]["stopped_at"], "0x24");
    assert_eq!(
        r["flight_recorder"][0]["last"].as_array().map(Vec::len),
        Some(64)
    );

    let b = run(&[
        "--firmware",
        fw,
        "--hang-insns",
        "0",
        "--max-insns",
        "100000",
    ]);
    assert_eq!(b.code(), Some(4), "{}", b.why());
    assert_eq!(b.report["exit_reason"], "budget-exhausted");
    assert_eq!(b.report["flight_recorder"][0]["stopped_at"], "0x24");
    assert!(b.stderr().contains("flight recorder"), "{}", b.why());
}

/// `--stop-on-check-failure`: U-Boot's SError finding ends the run at the kernel entry, long
/// before userspace, with exit 1; the command-line check was never reached.
#[test]
fn stop_on_check_failure_ends_at_the_kernel_entry() {
    let Some(a) = inputs(&[UBOOT]) else { return };
    let b = boot(UBOOT, a, &["--stop-on-check-failure"]);
    assert_eq!(b.code(), Some(1), "{}", b.why());
    assert_eq!(b.report["exit_reason"], "entry-check-failed", "{}", b.why());
    assert_eq!(b.checks("fail"), vec![UBOOT_FINDING], "{}", b.why());
    assert_eq!(b.checks("not-reached"), vec!["boot.cmdline"], "{}", b.why());
    assert!(!b.console.contains(MARKER), "{}", b.why());
    assert!(b.instructions() < 500_000_000, "{}", b.why());
}

#[test]
fn uboot_synchronous_abort_ends_the_run() {
    if !files_present(&[UBOOT]) {
        return;
    }
    let Some(env) = env_image(ABORT_ENV) else {
        return;
    };
    let b = run(&[
        "--firmware",
        UBOOT,
        "--pflash1",
        env.s(),
        "--max-insns",
        DYING_BUDGET,
    ]);
    assert_died_fast(&b, "U-Boot abort");
    assert_eq!(b.report["exit_reason"], "firmware-failure", "{}", b.why());
    let failure = b.report["console_failure"].as_str().unwrap_or("");
    assert!(
        failure.starts_with("\"Synchronous Abort\" handler"),
        "{failure:?}: {}",
        b.why()
    );
    assert!(b.console.contains(ENV_BOOTCMD_ECHO), "{}", b.why());
    assert!(
        b.console.contains("\"Synchronous Abort\" handler, esr "),
        "{}",
        b.why()
    );
    assert!(
        b.report["unclaimed_accesses"]["count"]
            .as_u64()
            .is_some_and(|n| n >= 1),
        "{}",
        b.why()
    );
    assert_eq!(
        b.report["unclaimed_accesses"]["first"][0]["address"],
        "0x9030000",
        "{}",
        b.why()
    );
}

/// EDK2 with a variable bank it can neither use nor format (blank and read-only) takes an
/// exception early (as on QEMU, same bank).
#[test]
fn edk2_dies_on_a_blank_read_only_variable_bank() {
    let Some(a) = inputs(&[EDK2]) else { return };
    let blank = Temp::with("blank.fd", &vec![0; BANK as usize]);
    let arg = format!("{},ro", blank.s());
    let b = boot(EDK2, a, &["--pflash1", &arg, "--max-insns", DYING_BUDGET]);
    assert_edk2_exception(&b, "blank read-only bank");
}

/// EDK2 with its own formatted store (from the `,rw` boot) whose variable store header says
/// "not formatted" (the Format byte 0x5a cleared) takes an exception early (as on QEMU).
#[test]
fn edk2_dies_on_a_damaged_variable_store() {
    let Some(a) = inputs(&[EDK2, EDK2_VARS]) else {
        return;
    };
    let mut store = rw_boot(a).written.clone();
    assert_eq!(&store[0x28..0x2c], b"_FVH", "no formatted store to damage");
    // The variable store header follows the firmware volume header (HeaderLength at 0x30):
    // Signature (16 bytes), Size (4), Format (1: 0x5a when formatted), State (1: 0xfe).
    let vs = u16::from_le_bytes([store[0x30], store[0x31]]) as usize;
    assert_eq!(store[vs + 0x14], 0x5a, "variable store Format byte");
    store[vs + 0x14] = 0;
    let damaged = Temp::with("damaged.fd", &store);
    let b = boot(
        EDK2,
        a,
        &["--pflash1", damaged.s(), "--max-insns", DYING_BUDGET],
    );
    assert_edk2_exception(&b, "damaged variable store");
}

fn assert_edk2_exception(b: &Boot, what: &str) {
    assert_died_fast(b, what);
    assert_eq!(b.report["exit_reason"], "firmware-failure", "{}", b.why());
    assert!(
        b.last_line().starts_with("Synchronous Exception at 0x"),
        "{what}: {}",
        b.why()
    );
    assert!(
        b.report["console_failure"]
            .as_str()
            .is_some_and(|l| l.starts_with("Synchronous Exception at")),
        "{what}: {}",
        b.why()
    );
    assert!(!b.console.contains("Booting Linux"), "{what}: {}", b.why());
}

/// `bootemu run args...` must exit 2 with exactly one stderr line, naming `file` and saying
/// `says`.
fn assert_bad_input(args: &[&str], file: &str, says: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_bootemu"))
        .arg("run")
        .args(args)
        .args(["--serial", "none", "--max-insns", "1000"])
        .stdin(Stdio::null())
        .output()
        .expect("cannot run bootemu");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{args:?}: {stderr}");
    assert!(lines[0].contains(file), "{args:?}: {stderr}");
    assert!(lines[0].contains(says), "{args:?}: {stderr}");
}

#[test]
fn bad_inputs_exit_2_naming_the_file() {
    let big = Temp::new("big.fd");
    std::fs::File::create(&big.0)
        .and_then(|f| f.set_len(BANK + 4096))
        .unwrap();
    let empty = Temp::with("empty.fd", b"");
    let blob = Temp::with("blob.bin", &[0x5a; 4096]);
    assert_bad_input(&["--firmware", empty.s()], empty.s(), "empty file");
    assert_bad_input(
        &["--load", "/nonexistent@0x40000000"],
        "/nonexistent",
        "No such file",
    );
    let outside = format!("{}@0x20000000", blob.s());
    assert_bad_input(&["--load", &outside], blob.s(), "not inside RAM");
    assert_bad_input(&["--pflash1", big.s()], big.s(), "larger than flash bank 1");
    let Some(a) = linux_artifacts() else { return };
    let kernel = std::fs::read(&a.generic).unwrap();
    let truncated = Temp::with("truncated.img", &kernel[..4096]);
    assert_bad_input(&["--kernel", truncated.s()], truncated.s(), "truncated");
    if files_present(&[EDK2]) {
        assert_bad_input(
            &["--firmware", EDK2, "--kernel", truncated.s()],
            truncated.s(),
            "truncated",
        );
    }
}
