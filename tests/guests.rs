//! End-to-end tests of the `bootemu` binary on the test guests of `testdata/` (see
//! testdata/README.md): each self-checking guest must print `PASS <class>` and power off, the hello
//! guest must honour `--expect` and `--max-insns`, and — when `qemu-system-aarch64` is installed —
//! bootemu's console bytes must equal QEMU's for every guest (QEMU is the oracle).
//!
//! The guests are assembled once per test run by `testdata/build.sh`. Without the cross assembler
//! (`testdata/setup.sh` installs it) the tests print a notice and pass, except under CI (env `CI`
//! set), where they fail.

mod common;
use common::{guest_bin, guests_built, qemu_console, root, tool_present};
use std::process::{Command, Output, Stdio};

/// Instruction budget for one guest run: far above what any guest needs (bench_submul, the largest,
/// executes about 505 M instructions), so that only a runaway guest hits it.
const BUDGET: &str = "2000000000";

/// Runs `bootemu run --kernel <guest> <extra...>` with the console captured in a file; returns the
/// process output and the console bytes.
fn bootemu(name: &str, extra: &[&str]) -> (Output, Vec<u8>) {
    let console = std::env::temp_dir().join(format!(
        "bootemu-guest-{}-{name}-{}.console",
        std::process::id(),
        extra
            .join("_")
            .replace(|c: char| !c.is_ascii_alphanumeric(), "")
    ));
    let _ = std::fs::remove_file(&console);
    let out = Command::new(env!("CARGO_BIN_EXE_bootemu"))
        .arg("run")
        .arg("--kernel")
        .arg(guest_bin(name))
        .arg("--serial")
        .arg(format!("file:{}", console.display()))
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .expect("cannot run bootemu");
    let bytes = std::fs::read(&console).unwrap_or_default();
    let _ = std::fs::remove_file(&console);
    (out, bytes)
}

fn describe(out: &Output, console: &[u8]) -> String {
    format!(
        "exit {:?}\n--- console ---\n{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(console),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A self-checking guest: runs to power-off with exit 0, prints `PASS <name>` and no `FAIL`, prints
/// the same bytes as on QEMU, and `--expect PASS` succeeds too.
fn self_checking(name: &str) {
    if !guests_built() {
        return;
    }
    let (out, console) = bootemu(name, &["--max-insns", BUDGET]);
    let text = String::from_utf8_lossy(&console);
    assert!(
        !text.lines().any(|l| l.starts_with("FAIL")),
        "{name} failed on bootemu: {}",
        describe(&out, &console)
    );
    assert!(
        text.lines().any(|l| l == format!("PASS {name}")),
        "{name} did not pass on bootemu: {}",
        describe(&out, &console)
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{name}: {}",
        describe(&out, &console)
    );
    if let Some(qemu) = qemu_console(name, "cortex-a57", &[], false) {
        assert_eq!(
            String::from_utf8_lossy(&console),
            String::from_utf8_lossy(&qemu),
            "{name}: bootemu's console differs from QEMU's"
        );
        assert_eq!(console, qemu, "{name}: console bytes differ from QEMU's");
    }
    let (out, console) = bootemu(name, &["--expect", "PASS", "--max-insns", BUDGET]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{name} --expect PASS: {}",
        describe(&out, &console)
    );
    assert!(
        !String::from_utf8_lossy(&console).contains("FAIL"),
        "{name} --expect PASS: {}",
        describe(&out, &console)
    );
}

#[test]
fn guest_dp_imm() {
    self_checking("dp_imm");
}

#[test]
fn guest_dp_reg() {
    self_checking("dp_reg");
}

#[test]
fn guest_ldst() {
    self_checking("ldst");
}

#[test]
fn guest_branch() {
    self_checking("branch");
}

#[test]
fn guest_exceptions() {
    self_checking("exceptions");
}

#[test]
fn guest_bench_mpi() {
    self_checking("bench_mpi");
}

#[test]
fn guest_bench_submul() {
    self_checking("bench_submul");
}

#[test]
fn guest_bench_mpi_far() {
    self_checking("bench_mpi_far");
}

#[test]
fn hello_expect() {
    if !guests_built() {
        return;
    }
    let (out, console) = bootemu("hello", &["--expect", "hello"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out, &console));
    assert!(
        console.starts_with(b"hello"),
        "{}",
        describe(&out, &console)
    );
    let (out, console) = bootemu("hello", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out, &console));
    assert_eq!(console, b"hello from bootemu\n");
    if let Some(qemu) = qemu_console("hello", "cortex-a57", &[], false) {
        assert_eq!(console, qemu, "hello: console bytes differ from QEMU's");
    }
}

/// `--expect` ends the run at the end of the line that completed the marker: the slowline guest
/// writes its first line in three pieces ten quanta apart, so the run (which looks at the
/// console between rounds) sees the marker long before the newline. Oracle: QEMU's console up
/// to its first newline.
#[test]
fn expect_ends_at_the_end_of_the_line() {
    if !guests_built() {
        return;
    }
    let (out, console) = bootemu("slowline", &["--expect", "start", "--max-insns", BUDGET]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out, &console));
    assert_eq!(console, b"slowline: start middle end\n");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("all --expect markers seen"),
        "{}",
        describe(&out, &console)
    );
    if let Some(qemu) = qemu_console("slowline", "cortex-a57", &[], false) {
        let first = qemu.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
        assert_eq!(console, qemu[..first], "the first line as on QEMU");
    }
}

/// The status line (instructions, virtual time, MIPS) is drawn when stderr is a terminal (a
/// pseudo-terminal from util-linux `script`), and not with `--quiet` or when stderr is a pipe.
#[test]
fn status_line_only_on_a_terminal() {
    if !guests_built() || !tool_present("script") {
        return;
    }
    let on_tty = |extra: &str| {
        let cmd = format!(
            "{} run --kernel {} --serial none --max-insns 20000000 {extra}",
            env!("CARGO_BIN_EXE_bootemu"),
            guest_bin("bench_mpi").display()
        );
        let out = Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .stdin(Stdio::null())
            .output()
            .expect("cannot run script");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = on_tty("");
    assert!(
        shown.contains(" instructions · ") && shown.contains(" MIPS"),
        "{shown}"
    );
    assert!(
        shown.contains("budget exhausted"),
        "the run went on: {shown}"
    );
    let quiet = on_tty("--quiet");
    assert!(quiet.contains("budget exhausted"), "{quiet}");
    assert!(!quiet.contains(" MIPS"), "{quiet}");
    let (out, console) = bootemu("bench_mpi", &["--max-insns", "20000000"]);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains(" MIPS"),
        "{}",
        describe(&out, &console)
    );
}

#[test]
fn hello_budget_exhausted() {
    if !guests_built() {
        return;
    }
    let (out, console) = bootemu("hello", &["--max-insns", "10"]);
    assert_eq!(out.status.code(), Some(4), "{}", describe(&out, &console));
}

#[test]
fn hello_expect_unmet_fails() {
    if !guests_built() {
        return;
    }
    // Power-off before every marker appeared is a guest failure (src/outcome.rs).
    let (out, console) = bootemu(
        "hello",
        &["--expect", "no such marker", "--max-insns", BUDGET],
    );
    assert_eq!(out.status.code(), Some(3), "{}", describe(&out, &console));
}

/// The README's "run all tests" command (the line after the `<!-- test-command -->` marker) must
/// appear verbatim in `.ci/run`, so that CI runs exactly what the README tells people to run.
#[test]
fn ci_runs_the_readme_test_command() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let ci = std::fs::read_to_string(root().join(".ci/run")).expect(".ci/run");
    let command = readme
        .lines()
        .skip_while(|l| !l.contains("<!-- test-command -->"))
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("<!--") && !l.starts_with("```"))
        .expect("README.md: no command after <!-- test-command -->");
    assert!(
        ci.lines().any(|l| l.trim() == command),
        ".ci/run does not run the README's test command `{command}`"
    );
}
