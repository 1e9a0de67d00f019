//! One `bootemu run` with its console and JSON report captured: what the boot tests assert on.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The marker the test initramfs' /init prints once userspace runs (arm64's and amd64's).
pub const MARKER: &str = "BOOTEMU-MARKER: userspace reached";
/// The line prefix before which that /init prints the guest's /proc/cmdline.
pub const CMDLINE_LINE: &str = "BOOTEMU-CMDLINE: ";

/// A finished run.
pub struct Run {
    pub out: Output,
    pub console_bytes: Vec<u8>,
    pub console: String,
    pub report: serde_json::Value,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.out.status.code()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    /// Everything worth seeing when a check fails.
    pub fn why(&self) -> String {
        let lines: Vec<&str> = self.console.lines().collect();
        let stderr = self.stderr();
        let err: Vec<&str> = stderr.lines().collect();
        format!(
            "exit {:?}\nstderr (first 80 lines):\n{}\nconsole (last 30 lines):\n{}",
            self.code(),
            err[..err.len().min(80)].join("\n"),
            lines[lines.len().saturating_sub(30)..].join("\n")
        )
    }

    /// What follows `prefix` on the first console line that starts with it.
    pub fn line(&self, prefix: &str) -> Option<&str> {
        self.console
            .lines()
            .find_map(|l| l.trim_end_matches('\r').strip_prefix(prefix))
    }

    /// What the guest printed after [`CMDLINE_LINE`]: its /proc/cmdline.
    pub fn guest_cmdline(&self) -> Option<&str> {
        self.line(CMDLINE_LINE)
    }

    /// The last console line with anything on it.
    pub fn last_line(&self) -> &str {
        self.console
            .lines()
            .map(|l| l.trim_end_matches('\r'))
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or("")
    }

    pub fn instructions(&self) -> u64 {
        self.report["instructions"]
            .as_u64()
            .unwrap_or_else(|| panic!("no instructions in the report: {}", self.why()))
    }

    /// Ids of the checks with this status.
    pub fn checks(&self, status: &str) -> Vec<&str> {
        self.report["checks"]
            .as_array()
            .unwrap_or_else(|| panic!("no checks in the report: {}", self.why()))
            .iter()
            .filter(|c| c["status"] == status)
            .filter_map(|c| c["id"].as_str())
            .collect()
    }
}

/// A fresh path in the temporary directory, unique to this process.
fn temp_path(what: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("bootemu-run-{}-{n}.{what}", std::process::id()))
}

/// `bootemu args...` as given (any subcommand), stdin closed: its output.
pub fn bootemu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bootemu"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("cannot run bootemu")
}

/// Output bytes as text (invalid UTF-8 replaced).
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A Linux boot: `bootemu run --kernel <kernel> --initrd <initrd> --append <append>
/// <extra...>` (console and report captured as by [`run`]); the boots of tests/linux.rs
/// (arm64) and tests/x86_boot.rs (amd64).
pub fn linux(kernel: &Path, initrd: &Path, append: &str, extra: &[&str]) -> Run {
    let utf8 = |p: &Path| -> String {
        p.to_str()
            .unwrap_or_else(|| panic!("{} is not UTF-8", p.display()))
            .to_string()
    };
    let (kernel, initrd) = (utf8(kernel), utf8(initrd));
    let mut args = vec!["--kernel", &kernel, "--initrd", &initrd, "--append", append];
    args.extend_from_slice(extra);
    run(&args)
}

/// `bootemu run args... --serial file:.. --report ..`, stdin closed.
pub fn run(args: &[&str]) -> Run {
    run_env(args, &[])
}

/// [`run`] with these environment variables set (e.g. `BOOTEMU_LOG`).
pub fn run_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let (console, report) = (temp_path("console"), temp_path("json"));
    let out = Command::new(env!("CARGO_BIN_EXE_bootemu"))
        .envs(env.iter().copied())
        .arg("run")
        .args(args)
        .arg("--serial")
        .arg(format!("file:{}", console.display()))
        .arg("--report")
        .arg(&report)
        .stdin(Stdio::null())
        .output()
        .expect("cannot run bootemu");
    let console_bytes = std::fs::read(&console).unwrap_or_default();
    let r = Run {
        out,
        console: String::from_utf8_lossy(&console_bytes).into_owned(),
        console_bytes,
        report: std::fs::read(&report)
            .ok()
            .and_then(|r| serde_json::from_slice(&r).ok())
            .unwrap_or(serde_json::Value::Null),
    };
    let _ = std::fs::remove_file(&console);
    let _ = std::fs::remove_file(&report);
    r
}
