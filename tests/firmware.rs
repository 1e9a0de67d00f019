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
//! Like tests/linux.rs: without the cross assembler or the Linux artifacts the tests print a
//! notice and pass, except under CI.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

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
