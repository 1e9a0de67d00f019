//! Linux boot benchmark against QEMU: `cargo bench --bench linux`.
//!
//! Boots Debian's generic arm64 kernel with the test initramfs of `testdata/fetch-linux.sh` to its
//! marker, in bootemu and in `qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512M -nographic`
//! (same files, same command line, same marker: QEMU is stopped when the marker appears),
//! alternating the two, `RUNS` times each, in three ways:
//!
//! - `direct`: the kernel booted directly (`--kernel` / `-kernel`);
//! - `direct-notests`: the same with `cryptomgr.notests` added to the command line. The kernel's
//!   crypto self-tests (RSA through the multi-precision loops, about 600 M of the direct boot's
//!   955 M instructions) are then skipped: the ratio of the rest of the boot, for reference;
//! - `edk2`: Debian's EDK2 (`--firmware QEMU_EFI.fd` / `-bios QEMU_EFI.fd`) loading the kernel
//!   from fw_cfg and starting it through its EFI stub. QEMU is timed twice: plain `-M virt`, what
//!   users run (EDK2 then installs QEMU's ACPI tables and the kernel boots with ACPI, which
//!   bootemu does not offer), which gives the ratio, and `-M virt,acpi=off` (the device-tree boot
//!   bootemu does) for reference;
//! - `u-boot`: Debian's U-Boot (`--firmware u-boot.bin` / `-bios u-boot.bin`) with an environment
//!   in flash bank 1 (`mkenvimage`, padded to the 64 MiB QEMU wants, on `--pflash1` / `-drive
//!   if=pflash,unit=1`): `bootdelay=0` and `qfw load` + `booti`, so that U-Boot's countdown is
//!   not part of the time.
//!
//! - `x86-pvh`: Debian's amd64 vmlinux (`testdata/fetch-linux-amd64.sh`) through PVH on
//!   bootemu's microvm and on `qemu-system-x86_64 -M microvm,pic=off -cpu qemu64 -m 512M`,
//!   QEMU timed with `-icount shift=0,sleep=off` (deterministic, as bootemu is; it gives the
//!   ratio) and without it (its fast, non-deterministic mode).
//!
//! `cargo bench --bench linux -- <way>` runs one way alone.
//!
//! Prints, for each way, both median wall times, their ratio and bootemu's guest MIPS
//! (instructions from the `--report` JSON). Wall times include start-up. A QEMU run still short
//! of the marker after two minutes is stopped and left out of its median (with a line saying
//! so). A way whose firmware (testdata/setup.sh), `mkenvimage` or amd64 artifacts are missing
//! is skipped with a note.

#[path = "../tests/common/mod.rs"]
mod common;

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{amd64_artifacts, linux_artifacts, tool_present};

const RUNS: usize = 5;
const APPEND: &str = "console=ttyAMA0 panic=-1";
/// [`APPEND`] without the crypto self-tests (the `direct-notests` way).
const APPEND_NOTESTS: &str = "console=ttyAMA0 panic=-1 cryptomgr.notests";
const APPEND_X86: &str = "console=ttyS0 panic=-1";
const MARKER: &str = "BOOTEMU-MARKER";

const EDK2: &str = "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd";
const UBOOT: &str = "/usr/lib/u-boot/qemu_arm64/u-boot.bin";
/// The environment of tests/real_firmware.rs's `booti` boot.
const UBOOT_ENV: &str = "bootdelay=0
kernel_addr_r=0x40400000
ramdisk_addr_r=0x44000000
bootcmd=qfw load ${kernel_addr_r} ${ramdisk_addr_r}; \
booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}
";
/// A virt flash bank.
const BANK: u64 = 64 << 20;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

/// One way of booting, on both emulators.
struct Case {
    name: &'static str,
    /// The QEMU that runs the other side.
    qemu: &'static Qemu,
    /// `bootemu run` arguments besides `--serial`, `--expect`, `--report`.
    ours: Vec<OsString>,
    /// QEMU variants: a label and the arguments after the common ones; the first gives the
    /// ratio.
    theirs: Vec<(&'static str, Vec<OsString>)>,
}

/// One bootemu boot to the marker: wall time and instructions executed.
fn bootemu_boot(args: &[OsString], report: &Path) -> (Duration, u64) {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_bootemu"))
        .args(["run", "--serial", "none", "--expect", MARKER])
        .args(args)
        .arg("--report")
        .arg(report)
        .stdin(Stdio::null())
        .output()
        .expect("cannot run bootemu");
    let wall = start.elapsed();
    assert!(
        out.status.success(),
        "bootemu did not reach the marker: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(report).expect("report written")).expect("JSON");
    let insns = json["instructions"]
        .as_u64()
        .expect("`instructions` in the report");
    (wall, insns)
}

/// A QEMU system emulator and the arguments every boot on it gets.
struct Qemu {
    bin: &'static str,
    common: &'static [&'static str],
}

const QEMU_ARM64: Qemu = Qemu {
    bin: "qemu-system-aarch64",
    common: &[
        "-cpu",
        "cortex-a57",
        "-m",
        "512M",
        "-nographic",
        "-no-reboot",
        "-nic",
        "none",
    ],
};

const QEMU_X86: Qemu = Qemu {
    bin: "qemu-system-x86_64",
    common: &[
        "-cpu",
        "qemu64",
        "-m",
        "512M",
        "-nographic",
        "-no-reboot",
        "-nodefaults",
        "-serial",
        "stdio",
    ],
};

/// How long a QEMU boot may run before it is stopped: these boots take seconds, but QEMU's x86
/// microvm boot under `-icount` was seen once spinning with no end (half an hour at full CPU,
/// the marker never printed).
const QEMU_LIMIT: Duration = Duration::from_secs(120);

/// One QEMU boot, stopped as soon as the marker appears on its console; `None` (with a line
/// saying so) when [`QEMU_LIMIT`] passed first.
fn qemu_boot(qemu: &Qemu, args: &[OsString]) -> Option<Duration> {
    let start = Instant::now();
    let mut child = Command::new(qemu.bin)
        .args(qemu.common)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", qemu.bin));
    let stdout = child.stdout.take().expect("piped stdout");
    let (seen_tx, seen_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // Bytes, not UTF-8 lines: firmware output need not be UTF-8.
        let seen = BufReader::new(stdout)
            .split(b'\n')
            .map_while(Result::ok)
            .any(|l| l.windows(MARKER.len()).any(|w| w == MARKER.as_bytes()));
        let _ = seen_tx.send(seen);
    });
    let seen = seen_rx.recv_timeout(QEMU_LIMIT);
    let wall = start.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    match seen {
        Ok(seen) => {
            assert!(seen, "QEMU ({args:?}) did not reach the marker");
            Some(wall)
        }
        Err(_) => {
            println!(
                "bench linux: QEMU ({args:?}) not at the marker after {QEMU_LIMIT:?}: stopped"
            );
            None
        }
    }
}

fn bench(case: &Case, report: &Path) {
    let n = case.name;
    let qemu = tool_present(case.qemu.bin);
    let mut ours = Vec::new();
    let mut theirs: Vec<Vec<Duration>> = vec![Vec::new(); case.theirs.len()];
    let mut insns = 0;
    for _ in 0..RUNS {
        let (t, i) = bootemu_boot(&case.ours, report);
        ours.push(t);
        insns = i;
        if qemu {
            for (k, (_, args)) in case.theirs.iter().enumerate() {
                theirs[k].extend(qemu_boot(case.qemu, args));
            }
        }
    }
    let ours_med = median(ours.clone());
    println!("bench linux {n}: bootemu wall times {ours:.3?}");
    println!(
        "bench linux {n}: bootemu median {:.3} s, {:.1} M guest instructions, {:.0} guest MIPS",
        ours_med.as_secs_f64(),
        insns as f64 / 1e6,
        insns as f64 / 1e6 / ours_med.as_secs_f64()
    );
    if !qemu {
        println!("bench linux {n}: {} not installed: no ratio", case.qemu.bin);
        return;
    }
    for (k, (label, _)) in case.theirs.iter().enumerate() {
        if theirs[k].is_empty() {
            println!("bench linux {n}: qemu {label} reached the marker in no run: no ratio");
            continue;
        }
        let med = median(theirs[k].clone());
        println!("bench linux {n}: qemu {label} wall times {:.3?}", theirs[k]);
        println!(
            "bench linux {n}: qemu {label} median {:.3} s; ratio bootemu/QEMU wall time = {:.2}",
            med.as_secs_f64(),
            ours_med.as_secs_f64() / med.as_secs_f64()
        );
    }
}

/// `mkenvimage -s 0x40000` of [`UBOOT_ENV`], padded with zeros to a whole flash bank.
fn uboot_env(path: &Path) -> bool {
    let txt = path.with_extension("txt");
    std::fs::write(&txt, UBOOT_ENV).expect("write the environment text");
    let ok = Command::new("mkenvimage")
        .args(["-s", "0x40000", "-o"])
        .arg(path)
        .arg(&txt)
        .status()
        .is_ok_and(|s| s.success());
    let _ = std::fs::remove_file(&txt);
    ok && std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|f| f.set_len(BANK))
        .is_ok()
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument that does not name us means skip.
    // A filter naming a way (`cargo bench --bench linux -- x86-pvh`) runs that way alone.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let ways = ["direct", "direct-notests", "edk2", "u-boot", "x86-pvh"];
    let only = filter.as_deref().filter(|f| ways.contains(f));
    if let (Some(f), None) = (filter.as_deref(), only) {
        if !"linux".contains(f) {
            return;
        }
    }
    let Some(a) = linux_artifacts() else {
        eprintln!("bench linux: Debian artifacts unavailable; skipped");
        return;
    };
    let tmp = |what: &str| -> PathBuf {
        std::env::temp_dir().join(format!("bootemu-bench-linux-{}.{what}", std::process::id()))
    };
    let report = tmp("json");
    let env = tmp("env.bin");
    println!("bench linux: kernel {}", a.generic.display());
    // The kernel, initrd and command line: QEMU's -kernel..., bootemu's --kernel....
    let linux_with = |dash: &str, append: &str| -> Vec<OsString> {
        vec![
            format!("{dash}kernel").into(),
            a.generic.clone().into(),
            format!("{dash}initrd").into(),
            a.initramfs.clone().into(),
            format!("{dash}append").into(),
            append.into(),
        ]
    };
    let linux = |dash: &str| linux_with(dash, APPEND);
    let files = linux("-");
    let ours_files = linux("--");
    let plus = |a: &[OsString], b: &[&str]| -> Vec<OsString> {
        let mut v = a.to_vec();
        v.extend(os(b));
        v
    };

    let mut cases = vec![
        Case {
            name: "direct",
            qemu: &QEMU_ARM64,
            ours: ours_files.clone(),
            theirs: vec![("-M virt", plus(&files, &["-M", "virt"]))],
        },
        Case {
            name: "direct-notests",
            qemu: &QEMU_ARM64,
            ours: linux_with("--", APPEND_NOTESTS),
            theirs: vec![(
                "-M virt",
                plus(&linux_with("-", APPEND_NOTESTS), &["-M", "virt"]),
            )],
        },
    ];

    if Path::new(EDK2).is_file() {
        let cmdline = format!("{APPEND} initrd=initrd");
        cases.push(Case {
            name: "edk2",
            qemu: &QEMU_ARM64,
            ours: plus(
                &ours_files,
                &["--firmware", EDK2, "--expect-cmdline", &cmdline],
            ),
            theirs: vec![
                ("-M virt", plus(&files, &["-M", "virt", "-bios", EDK2])),
                (
                    "-M virt,acpi=off",
                    plus(&files, &["-M", "virt,acpi=off", "-bios", EDK2]),
                ),
            ],
        });
    } else {
        println!("bench linux edk2: {EDK2} not found (testdata/setup.sh): skipped");
    }

    if !Path::new(UBOOT).is_file() {
        println!("bench linux u-boot: {UBOOT} not found (testdata/setup.sh): skipped");
    } else if !uboot_env(&env) {
        println!("bench linux u-boot: mkenvimage failed or missing (testdata/setup.sh): skipped");
    } else {
        let e = env.to_str().expect("UTF-8 temporary path");
        let drive = format!("if=pflash,format=raw,unit=1,file={e}");
        cases.push(Case {
            name: "u-boot",
            qemu: &QEMU_ARM64,
            ours: plus(
                &ours_files,
                &[
                    "--firmware",
                    UBOOT,
                    "--pflash1",
                    e,
                    // U-Boot enters the kernel with SError unmasked (tests/real_firmware.rs).
                    "--no-check",
                    "regs.daif-masked",
                ],
            ),
            theirs: vec![(
                "-M virt",
                plus(&files, &["-M", "virt", "-bios", UBOOT, "-drive", &drive]),
            )],
        });
    }

    match amd64_artifacts() {
        Some(x) => {
            let files = |dash: &str| -> Vec<OsString> {
                vec![
                    format!("{dash}kernel").into(),
                    x.vmlinux.clone().into(),
                    format!("{dash}initrd").into(),
                    x.initramfs.clone().into(),
                    format!("{dash}append").into(),
                    APPEND_X86.into(),
                ]
            };
            let microvm = plus(&files("-"), &["-M", "microvm,pic=off"]);
            cases.push(Case {
                name: "x86-pvh",
                qemu: &QEMU_X86,
                ours: files("--"),
                theirs: vec![
                    (
                        "-M microvm,pic=off -icount shift=0,sleep=off",
                        plus(&microvm, &["-icount", "shift=0,sleep=off"]),
                    ),
                    ("-M microvm,pic=off", microvm.clone()),
                ],
            });
        }
        None => println!("bench linux x86-pvh: amd64 artifacts unavailable: skipped"),
    }

    for case in cases.iter().filter(|c| only.is_none_or(|w| w == c.name)) {
        bench(case, &report);
    }
    let _ = std::fs::remove_file(&report);
    let _ = std::fs::remove_file(&env);
}
