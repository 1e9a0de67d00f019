//! Disks: virtio-blk over virtio-pci (`--disk FILE[,ro|,rw]`, the default) and virtio-mmio
//! (`,if=mmio`), with the images that `testdata/make-disks.sh` makes without root and the disk
//! initramfs of `testdata/make-initramfs-disk.sh` (which loads `virtio_pci`, `virtio_mmio` and
//! `virtio_blk` from the same Debian kernel package).
//!
//! Checked:
//! - Linux (direct boot) finds the disk where QEMU's Linux does (00:01.0 behind the PCIe host,
//!   or the top virtio-mmio slot) and reads it whole: the sha256 it prints equals the host's; it
//!   writes 1 MiB of 0x5a at the disk's second MiB: without `,rw` the file is byte-identical
//!   afterwards and the report says the overlay was discarded, with `,rw` the file holds the
//!   pattern and nothing else changed; both transports;
//! - Debian's EDK2 boots a GPT disk whose EFI system partition holds Debian's GRUB (over PCI)
//!   and, on a second image, systemd-boot (over virtio-mmio), with the kernel and initramfs: the
//!   marker is reached, the kernel entered through its EFI stub, every hand-off check passes or
//!   is n/a, and /proc/cmdline is the boot loader's (`--kernel-via none`: the files only arm the
//!   entry watch and the initrd check);
//! - two runs of the Linux and EDK2 boots give identical console bytes and instruction counts;
//! - Debian's U-Boot boots an extlinux disk over PCI through its distro boot: the marker is
//!   reached with exactly `regs.daif-masked` failing (U-Boot's SError finding), and two runs
//!   give identical console bytes and instruction counts.
//!
//! Like the other boot tests: without the tools, firmware or artifacts they print a notice and
//! pass, except under CI (env `CI` set), where they fail.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use common::run::Run as Boot;
use common::{in_ci, linux_artifacts, root, Artifacts};

const EDK2: &str = "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd";
const UBOOT: &str = "/usr/lib/u-boot/qemu_arm64/u-boot.bin";
const BUDGET: &str = "4000000000";
const MARKER: &str = "BOOTEMU-MARKER: userspace reached";
const CMDLINE_LINE: &str = "BOOTEMU-CMDLINE: ";
const SHA_LINE: &str = "BOOTEMU-DISK-SHA256: ";
/// What the disk initramfs prints after writing its pattern.
const WRITTEN: &str = "BOOTEMU-DISK-WRITTEN";
/// The pattern the disk initramfs writes with `bootemu.write=1`: 1 MiB of 0x5a at 1 MiB.
const PATTERN: (usize, usize, u8) = (1 << 20, 2 << 20, 0x5a);

/// The images of `testdata/make-disks.sh` and the disk initramfs.
struct Disks {
    data: PathBuf,
    esp_grub: PathBuf,
    esp_sdboot: PathBuf,
    extlinux: PathBuf,
    initramfs_disk: PathBuf,
}

/// Run `testdata/make-disks.sh` once; `None` (a notice, or a panic under CI) when it fails.
fn disks() -> Option<(&'static Artifacts, &'static Disks)> {
    static D: OnceLock<Result<Disks, String>> = OnceLock::new();
    let a = linux_artifacts()?;
    let d = D.get_or_init(|| {
        let out = Command::new("bash")
            .arg(root().join("testdata/make-disks.sh"))
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run testdata/make-disks.sh: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(format!(
                "testdata/make-disks.sh failed:\n{stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let env = std::fs::read_to_string(root().join("testdata/cache/linux.env"))
            .map_err(|e| format!("testdata/cache/linux.env: {e}"))?;
        let vars: HashMap<&str, &str> = stdout
            .lines()
            .chain(env.lines())
            .filter_map(|l| l.split_once('='))
            .collect();
        let get = |k: &str| {
            vars.get(k)
                .map(PathBuf::from)
                .ok_or_else(|| format!("no {k} from make-disks.sh or linux.env"))
        };
        Ok(Disks {
            data: get("BOOTEMU_DISK_DATA")?,
            esp_grub: get("BOOTEMU_DISK_ESP_GRUB")?,
            esp_sdboot: get("BOOTEMU_DISK_ESP_SDBOOT")?,
            extlinux: get("BOOTEMU_DISK_EXTLINUX")?,
            initramfs_disk: get("BOOTEMU_INITRAMFS_DISK")?,
        })
    });
    match d {
        Ok(d) => Some((a, d)),
        Err(e) if in_ci() => panic!("{e}"),
        Err(e) => {
            eprintln!("NOTICE: disk images unavailable, disk tests skipped: {e}");
            None
        }
    }
}

fn firmware_present(f: &str) -> bool {
    if Path::new(f).is_file() {
        return true;
    }
    assert!(!in_ci(), "{f} not found (run testdata/setup.sh)");
    eprintln!("NOTICE: {f} not found (run testdata/setup.sh): disk test skipped");
    false
}

/// A copy of `image` in the temporary directory, removed when dropped.
struct Copy(PathBuf);

impl Copy {
    fn of(image: &Path) -> Copy {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let to = std::env::temp_dir().join(format!("bootemu-disks-{}-{n}.img", std::process::id()));
        std::fs::copy(image, &to).unwrap_or_else(|e| panic!("{}: {e}", image.display()));
        Copy(to)
    }

    fn arg(&self, opts: &str) -> String {
        format!("{}{opts}", self.0.display())
    }

    fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.0).unwrap()
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `bootemu run args... --expect MARKER` with the disk tests' budget.
fn boot(args: &[&str]) -> Boot {
    let mut args = args.to_vec();
    args.extend(["--expect", MARKER, "--max-insns", BUDGET]);
    common::run::run(&args)
}

fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Where Linux finds the disk (`BOOTEMU-DISK-DEVICE`), for each transport: the sysfs paths
/// Linux prints on QEMU 10.0.2 `virt` for the same disk and initramfs (`-drive if=virtio
/// -nic none`; QEMU's default NIC would take 00:01.0; `-device virtio-blk-device` for mmio).
const DEVICE_LINE: &str = "BOOTEMU-DISK-DEVICE: ";

#[test]
fn linux_reads_and_writes_a_virtio_disk_over_pci_and_mmio() {
    let Some((a, d)) = disks() else { return };
    let want = sha256(&d.data);
    let original = std::fs::read(&d.data).unwrap();
    let cases = [
        (
            "",
            false,
            "pci",
            "/4010000000.pcie/pci0000:00/0000:00:01.0/virtio0/block/vda",
        ),
        (
            ",rw",
            true,
            "pci",
            "/4010000000.pcie/pci0000:00/0000:00:01.0/virtio0/block/vda",
        ),
        (
            ",if=mmio",
            false,
            "mmio",
            "/a003e00.virtio_mmio/virtio0/block/vda",
        ),
        (
            ",if=mmio,rw",
            true,
            "mmio",
            "/a003e00.virtio_mmio/virtio0/block/vda",
        ),
    ];
    let run = |disk: &Copy, opts: &str| {
        boot(&[
            "--kernel",
            a.generic.to_str().unwrap(),
            "--initrd",
            d.initramfs_disk.to_str().unwrap(),
            "--append",
            "console=ttyAMA0 panic=-1 bootemu.write=1",
            "--disk",
            &disk.arg(opts),
        ])
    };
    let mut first = None;
    for (opts, writes_back, interface, device) in cases {
        let disk = Copy::of(&d.data);
        let b = run(&disk, opts);
        assert_eq!(b.code(), Some(0), "{opts:?}: {}", b.why());
        assert!(
            b.line(DEVICE_LINE).is_some_and(|l| l.ends_with(device)),
            "{opts:?}: {}",
            b.why()
        );
        assert_eq!(b.line(SHA_LINE), Some(want.as_str()), "{}", b.why());
        assert!(b.console.contains(WRITTEN), "{}", b.why());
        let after = disk.bytes();
        let r = &b.report["disks"][0];
        assert_eq!(r["interface"], interface, "{}", b.report);
        if writes_back {
            let (lo, hi, byte) = PATTERN;
            assert!(
                after[lo..hi].iter().all(|&x| x == byte),
                "pattern written back"
            );
            assert_eq!(after[..lo], original[..lo]);
            assert_eq!(after[hi..], original[hi..]);
            assert_eq!(r["overlay"], "written back", "{}", b.report);
        } else {
            assert!(after == original, "the file is never touched without ,rw");
            assert_eq!(r["overlay"], "discarded 2048 sectors", "{}", b.report);
        }
        assert_eq!(r["bytes_written"], 1 << 20, "{}", b.report);
        first.get_or_insert(b);
    }
    // Determinism: the first case again gives the same console bytes and instruction count.
    let (first, again) = (first.unwrap(), run(&Copy::of(&d.data), cases[0].0));
    assert!(
        again.console_bytes == first.console_bytes,
        "same console bytes every run"
    );
    assert_eq!(again.report["instructions"], first.report["instructions"]);
}

/// EDK2 boots `image` (with `--disk` options `opts`) through the boot loader on its ESP; the
/// kernel gets `cmdline`.
fn edk2_boots(image: &Path, opts: &str, cmdline: &str) {
    let Some((a, _)) = disks() else { return };
    if !firmware_present(EDK2) {
        return;
    }
    let disk = Copy::of(image);
    let run = || {
        boot(&[
            "--firmware",
            EDK2,
            "--disk",
            &disk.arg(opts),
            "--kernel-via",
            "none",
            "--kernel",
            a.generic.to_str().unwrap(),
            "--initrd",
            a.initramfs.to_str().unwrap(),
            "--expect-cmdline",
            cmdline,
        ])
    };
    let b = run();
    assert_eq!(b.code(), Some(0), "{}", b.why());
    assert_eq!(b.line(CMDLINE_LINE), Some(cmdline), "{}", b.why());
    assert_eq!(
        b.report["kernel_entry"]["entered"],
        "efi-stub",
        "{}",
        b.why()
    );
    assert!(b.checks("fail").is_empty(), "{}", b.why());
    assert!(b.checks("not-reached").is_empty(), "{}", b.why());
    assert!(b.checks("pass").contains(&"fdt.initrd"), "{}", b.why());
    assert!(
        disk.bytes() == std::fs::read(image).unwrap(),
        "disk untouched"
    );
    let again = run();
    assert!(
        again.console_bytes == b.console_bytes,
        "same console bytes every run"
    );
    assert_eq!(again.report["instructions"], b.report["instructions"]);
}

#[test]
fn edk2_boots_grub_from_a_gpt_disk_over_pci() {
    let Some((_, d)) = disks() else { return };
    edk2_boots(
        &d.esp_grub,
        "",
        "BOOT_IMAGE=/vmlinuz console=ttyAMA0 panic=-1 bootemu.disk=grub",
    );
}

#[test]
fn edk2_boots_systemd_boot_from_a_gpt_disk_over_mmio() {
    let Some((_, d)) = disks() else { return };
    edk2_boots(
        &d.esp_sdboot,
        ",if=mmio",
        "initrd=\\initrd.img console=ttyAMA0 panic=-1 bootemu.disk=sdboot",
    );
}

#[test]
fn uboot_boots_extlinux_from_a_pci_disk_deterministically() {
    let Some((a, d)) = disks() else { return };
    if !firmware_present(UBOOT) {
        return;
    }
    let cmdline = "console=ttyAMA0 panic=-1 bootemu.disk=extlinux";
    let run = |extra: &[&str]| {
        let disk = Copy::of(&d.extlinux);
        let arg = disk.arg("");
        let mut args = vec![
            "--firmware",
            UBOOT,
            "--disk",
            &arg,
            "--kernel-via",
            "none",
            "--kernel",
            a.generic.to_str().unwrap(),
            "--initrd",
            a.initramfs.to_str().unwrap(),
            "--expect-cmdline",
            cmdline,
        ];
        args.extend_from_slice(extra);
        boot(&args)
    };
    let b = run(&[]);
    assert_eq!(b.code(), Some(1), "{}", b.why());
    assert_eq!(b.checks("fail"), vec!["regs.daif-masked"], "{}", b.why());
    assert_eq!(b.line(CMDLINE_LINE), Some(cmdline), "{}", b.why());
    assert!(b.console.contains("extlinux.conf"), "{}", b.why());
    let again = run(&["--no-check", "regs.daif-masked"]);
    assert_eq!(again.code(), Some(0), "{}", again.why());
    assert!(
        again.console_bytes == b.console_bytes,
        "same console bytes every run"
    );
    assert_eq!(b.report["instructions"], again.report["instructions"]);
}
