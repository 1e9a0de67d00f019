//! Helpers shared by the end-to-end tests that run our assembly guests: where the repository is,
//! whether a tool is installed, and building the guests once per test process.
#![allow(dead_code)] // each test file uses its own subset

pub mod oracle;
pub mod run;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

/// Assembles all guests (once per process). Returns false, after printing a notice, when the cross
/// assembler is not installed; panics if it is installed but the build fails, or if it is missing
/// under CI.
pub fn guests_built() -> bool {
    static BUILT: OnceLock<Result<bool, String>> = OnceLock::new();
    let result = BUILT.get_or_init(|| {
        if !tool_present("aarch64-linux-gnu-as") {
            return Ok(false);
        }
        let out = Command::new("bash")
            .arg(root().join("testdata/build.sh"))
            .output()
            .map_err(|e| format!("cannot run testdata/build.sh: {e}"))?;
        if out.status.success() {
            Ok(true)
        } else {
            Err(format!(
                "testdata/build.sh failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    });
    match result {
        Ok(true) => true,
        Ok(false) if in_ci() => panic!("aarch64-linux-gnu-as not found (run testdata/setup.sh)"),
        Ok(false) => {
            eprintln!("NOTICE: aarch64-linux-gnu-as not found: guest tests skipped (run testdata/setup.sh)");
            false
        }
        Err(e) => panic!("{e}"),
    }
}

pub fn tool_present(name: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub fn guest_bin(name: &str) -> PathBuf {
    root().join("testdata/build").join(format!("{name}.bin"))
}

/// Paths the fetch script reports.
pub struct Artifacts {
    /// The generic kernel's vmlinuz.
    pub generic: PathBuf,
    /// The cloud kernel's vmlinuz.
    pub cloud: PathBuf,
    /// The test initramfs.
    pub initramfs: PathBuf,
}

/// Runs a fetch script of testdata/ and reads the `NAME=path` lines it prints: `keys`' paths in
/// order.
fn fetch(script: &str, keys: &[&str]) -> Result<Vec<PathBuf>, String> {
    let out = Command::new("bash")
        .arg(root().join("testdata").join(script))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run testdata/{script}: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "testdata/{script} failed:\n{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    eprint!("{stdout}");
    let vars: HashMap<&str, &str> = stdout.lines().filter_map(|l| l.split_once('=')).collect();
    keys.iter()
        .map(|k| {
            vars.get(k)
                .map(PathBuf::from)
                .ok_or_else(|| format!("{script} printed no {k}"))
        })
        .collect()
}

/// The artifacts, or `None` after a notice outside CI (a panic under CI).
fn or_notice<'a, T>(r: &'a Result<T, String>, what: &str) -> Option<&'a T> {
    match r {
        Ok(a) => Some(a),
        Err(e) if in_ci() => panic!("{e}"),
        Err(e) => {
            eprintln!("NOTICE: {what} unavailable, their tests skipped: {e}");
            None
        }
    }
}

/// Runs testdata/fetch-linux.sh once per process; `None` (after a notice) when it cannot fetch
/// outside CI.
pub fn linux_artifacts() -> Option<&'static Artifacts> {
    static A: OnceLock<Result<Artifacts, String>> = OnceLock::new();
    let r = A.get_or_init(|| {
        let p = fetch(
            "fetch-linux.sh",
            &[
                "BOOTEMU_LINUX_GENERIC",
                "BOOTEMU_LINUX_CLOUD",
                "BOOTEMU_INITRAMFS",
            ],
        )?;
        Ok(Artifacts {
            generic: p[0].clone(),
            cloud: p[1].clone(),
            initramfs: p[2].clone(),
        })
    });
    or_notice(r, "Linux artifacts")
}

/// Paths testdata/fetch-linux-amd64.sh reports.
pub struct Amd64Artifacts {
    /// Debian's amd64 bzImage.
    pub bzimage: PathBuf,
    /// The ELF vmlinux extracted from it.
    pub vmlinux: PathBuf,
    /// The amd64 marker initramfs.
    pub initramfs: PathBuf,
}

/// Runs testdata/fetch-linux-amd64.sh once per process; `None` (after a notice) when it cannot
/// fetch outside CI.
pub fn amd64_artifacts() -> Option<&'static Amd64Artifacts> {
    static A: OnceLock<Result<Amd64Artifacts, String>> = OnceLock::new();
    let r = A.get_or_init(|| {
        let p = fetch(
            "fetch-linux-amd64.sh",
            &[
                "BOOTEMU_LINUX_AMD64",
                "BOOTEMU_VMLINUX_AMD64",
                "BOOTEMU_INITRAMFS_AMD64",
            ],
        )?;
        Ok(Amd64Artifacts {
            bzimage: p[0].clone(),
            vmlinux: p[1].clone(),
            initramfs: p[2].clone(),
        })
    });
    or_notice(r, "x86_64 Linux artifacts")
}

/// The guest's console under `qemu-system-aarch64 -M virt -cpu <cpu> -m 512M -nographic -nic none
/// <extra...> -kernel <guest>` (with `-no-reboot` unless `reboot`), or None when QEMU is not
/// installed. With stdin not a terminal QEMU writes exactly the bytes the guest sends (see
/// tests/guests.rs).
pub fn qemu_console(name: &str, cpu: &str, extra: &[&str], reboot: bool) -> Option<Vec<u8>> {
    if !tool_present("qemu-system-aarch64") {
        eprintln!("NOTICE: qemu-system-aarch64 not found: QEMU comparison of {name} skipped");
        return None;
    }
    let mut cmd = Command::new("timeout");
    cmd.args(["60", "qemu-system-aarch64", "-cpu", cpu, "-m", "512M"])
        .args(["-nographic", "-nic", "none"]);
    if !reboot {
        cmd.arg("-no-reboot");
    }
    if !extra.contains(&"-M") {
        cmd.args(["-M", "virt"]);
    }
    let out = cmd
        .args(extra)
        .arg("-kernel")
        .arg(guest_bin(name))
        .stdin(Stdio::null())
        .output()
        .expect("cannot run qemu-system-aarch64");
    assert!(
        out.status.success(),
        "QEMU failed on {name}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    Some(out.stdout)
}
