//! The build ([`build_guest`]) and the QEMU runner of our bare-metal x86 guests (testdata/x86),
//! QEMU being the oracle their consoles are compared with; shared by cpu/tests/x86_bare_metal.rs, tests/x86_machine.rs and benches/x86.rs
//! (each includes this file with `#[path]`). `qemu-system-x86_64 -M
//! microvm,pic=off,pit=off,rtc=on` (the CMOS RTC on ISA IRQ 8, as on bootemu's machine), TCG,
//! 64 MiB, the ELF booted through its PVH note, the
//! console captured into a file, isa-debug-exit at port 0xf4 to stop.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Build guest `name` with `testdata/x86/build.sh` under the repository root `root`: the
/// directory of its outputs (`<name>.elf`, `<name>.bin`), or build.sh's error output.
#[allow(dead_code)] // not every includer builds guests
pub fn build_guest(root: &Path, name: &str) -> Result<PathBuf, String> {
    let out = Command::new("bash")
        .arg(root.join("testdata/x86/build.sh"))
        .arg(name)
        .output()
        .map_err(|e| format!("run testdata/x86/build.sh: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "testdata/x86/build.sh {name} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(root.join("testdata/build/x86"))
}

/// Where the guest writes its console.
#[derive(Clone, Copy)]
#[allow(dead_code)] // each includer uses one of them
pub enum Console {
    /// The ISA debug console at port 0xe9.
    DebugCon,
    /// The first 16550 (COM1).
    Serial,
}

/// QEMU's console for `elf`, which must stop by writing `exit_value` to isa-debug-exit (QEMU then
/// exits with `(exit_value << 1) | 1`) within `timeout_s` seconds; `tag` names the temporary
/// console file. An error says how QEMU ended otherwise.
pub fn qemu_console(
    elf: &Path,
    console: Console,
    exit_value: i32,
    timeout_s: u32,
    tag: &str,
) -> Result<Vec<u8>, String> {
    let log = std::env::temp_dir().join(format!("bootemu-{tag}-{}.txt", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let console_args = match console {
        Console::DebugCon => ["-device", "isa-debugcon,iobase=0xe9,chardev=con"],
        Console::Serial => ["-serial", "chardev:con"],
    };
    let out = Command::new("timeout")
        .arg(timeout_s.to_string())
        .arg("qemu-system-x86_64")
        .args([
            "-M",
            "microvm,pic=off,pit=off,rtc=on",
            "-accel",
            "tcg",
            "-m",
            "64",
            "-nodefaults",
            "-nographic",
            "-no-reboot",
            "-kernel",
        ])
        .arg(elf)
        .arg("-chardev")
        .arg(format!("file,id=con,path={}", log.display()))
        .args(console_args)
        .args(["-device", "isa-debug-exit,iobase=0xf4,iosize=1"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run qemu-system-x86_64: {e}"))?;
    if out.status.code() != Some((exit_value << 1) | 1) {
        let _ = std::fs::remove_file(&log);
        return Err(format!(
            "QEMU did not stop through isa-debug-exit: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let console = std::fs::read(&log).map_err(|e| format!("read QEMU's console: {e}"));
    let _ = std::fs::remove_file(&log);
    console
}
