//! The running kernel as an oracle: Debian's generic kernel boots the initramfs of
//! `testdata/fetch-linux.sh` with a small uncompressed cpio in front (as early-microcode archives
//! are prepended) that adds `/oracle-init`, run through `rdinit=`. It prints
//! `BOOTEMU-KALLSYMS: <addr> <type> <name>` for a few symbols from `/proc/kallsyms` (as root, so
//! real values: `kallsyms_show_value` lets CAP_SYSLOG see them under `kptr_restrict` 0 or 1),
//! `BOOTEMU-IRQ: <line>` for each line of `/proc/interrupts`, and powers off.
//!
//! Also the plain `bootemu run` and temporary paths the symbol and trace tests share.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::Artifacts;

/// The symbols asked of /proc/kallsyms.
pub const ORACLE_SYMBOLS: [&str; 5] = [
    "start_kernel",
    "panic",
    "do_idle",
    "primary_entry",
    "__primary_switch",
];
/// The oracle's kallsyms line prefix.
const PREFIX: &str = "BOOTEMU-KALLSYMS: ";
/// The oracle's /proc/interrupts line prefix.
const IRQ_PREFIX: &str = "BOOTEMU-IRQ: ";
/// Printed once the oracle lines are out.
const DONE: &str = "BOOTEMU-ORACLE-DONE";

/// A path in the temporary directory, unique to this process and `what`.
pub fn temp_path(what: &str) -> PathBuf {
    std::env::temp_dir().join(format!("bootemu-oracle-{}-{what}", std::process::id()))
}

/// `bootemu run args...`, stdin closed.
pub fn bootemu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bootemu"))
        .arg("run")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("cannot run bootemu")
}

/// A newc cpio archive (`cpio -H newc`) of regular files: (path, mode, bytes), then the trailer.
pub fn newc(files: &[(&str, u32, &[u8])]) -> Vec<u8> {
    let mut v = Vec::new();
    let mut entry = |name: &str, mode: u32, data: &[u8], ino: u32| {
        let fields = [
            ino,
            mode,
            0,
            0,
            1,
            0,
            data.len() as u32,
            0,
            0,
            0,
            0,
            name.len() as u32 + 1,
            0,
        ];
        v.extend_from_slice(b"070701");
        for f in fields {
            v.extend_from_slice(format!("{f:08x}").as_bytes());
        }
        v.extend_from_slice(name.as_bytes());
        v.push(0);
        while v.len() % 4 != 0 {
            v.push(0);
        }
        v.extend_from_slice(data);
        while v.len() % 4 != 0 {
            v.push(0);
        }
    };
    for (i, (name, mode, data)) in files.iter().enumerate() {
        entry(name, *mode, data, i as u32 + 1);
    }
    entry("TRAILER!!!", 0, &[], 0);
    v
}

/// The initrd: the oracle's cpio, then the test initramfs.
fn oracle_initrd(a: &Artifacts) -> PathBuf {
    let pattern = ORACLE_SYMBOLS.join("|");
    let script = format!(
        "#!/bin/busybox sh\n\
         /bin/busybox mount -t proc proc /proc\n\
         /bin/busybox grep -E ' ({pattern})$' /proc/kallsyms | \
         /bin/busybox sed 's/^/{PREFIX}/'\n\
         /bin/busybox sed 's/^/{IRQ_PREFIX}/' /proc/interrupts\n\
         echo {DONE}\n\
         /bin/busybox poweroff -f\n"
    );
    let mut initrd = newc(&[("oracle-init", 0o100_755, script.as_bytes())]);
    initrd.extend(std::fs::read(&a.initramfs).expect("test initramfs"));
    let path = temp_path("initrd");
    std::fs::write(&path, initrd).unwrap();
    path
}

/// What the running kernel told.
pub struct Oracle {
    /// name -> (address, type) from /proc/kallsyms.
    pub symbols: BTreeMap<String, (u64, String)>,
    /// The lines of /proc/interrupts.
    pub interrupts: Vec<String>,
}

/// Boot `kernel` with the oracle initrd (and `extra` bootemu arguments) to the end of its
/// output; panics with the exit status, stderr and console tail when the boot fails.
pub fn boot_oracle(a: &Artifacts, kernel: &Path, extra: &[&str]) -> Oracle {
    let initrd = oracle_initrd(a);
    let console = temp_path("console");
    let kernel = kernel.to_str().unwrap();
    let serial = format!("file:{}", console.display());
    let mut args = vec![
        "--kernel",
        kernel,
        "--initrd",
        initrd.to_str().unwrap(),
        "--append",
        "console=ttyAMA0 panic=-1 rdinit=/oracle-init",
        "--serial",
        &serial,
        "--expect",
        DONE,
        "--max-insns",
        "4000000000",
    ];
    args.extend_from_slice(extra);
    let out = bootemu(&args);
    let text = String::from_utf8_lossy(&std::fs::read(&console).unwrap_or_default()).into_owned();
    let _ = std::fs::remove_file(&console);
    let _ = std::fs::remove_file(&initrd);
    assert_eq!(
        out.status.code(),
        Some(0),
        "exit {:?}\nstderr:\n{}\nconsole tail:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr),
        text.lines().rev().take(30).collect::<Vec<_>>().join("\n")
    );
    let lines = || text.lines().map(|l| l.trim_end_matches('\r'));
    let symbols = lines()
        .filter_map(|l| l.strip_prefix(PREFIX))
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let [addr, kind, name] = f[..] else {
                return None;
            };
            Some((
                name.to_string(),
                (u64::from_str_radix(addr, 16).ok()?, kind.to_string()),
            ))
        })
        .collect();
    let interrupts = lines()
        .filter_map(|l| l.strip_prefix(IRQ_PREFIX))
        .map(str::to_string)
        .collect();
    Oracle {
        symbols,
        interrupts,
    }
}

/// The kallsyms table bootemu reads from `kernel` (checked against the oracle by
/// tests/symbols.rs).
pub fn kallsyms_of(kernel: &Path) -> bootemu_boot::kallsyms::Kallsyms {
    let image = std::fs::read(kernel).unwrap();
    bootemu_boot::kallsyms::parse(&image).expect("kallsyms of the Debian kernel")
}
