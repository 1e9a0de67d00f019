//! x86 firmware boots end to end (`bootemu run --firmware FW --kernel K` on the x86 machine):
//! our own test loader (`testdata/x86/loader.S`, assembled by `testdata/x86/build.sh` in its
//! variants) gets Debian's amd64 kernel as a PVH module, loads it and hands over, and bootemu
//! judges that handoff at the kernel's first instruction. A correct loader passes every
//! kernel-entry check (entering `startup_64`, or `startup_32` by the 32-bit protocol); each
//! broken variant fails exactly the check it breaks (`e820.covers`,
//! `bootparams.cmdline`, `bootparams.ramdisk`, `pvh.magic`) and `bootemu run` exits 1; a loader that never enters the
//! kernel leaves the kernel-entry checks failed (it ended normally) or NOT REACHED.
//!
//! Oracles: where the kernel must be found comes from the files, read here without bootemu's
//! parsers: the bzImage's `pref_address` (boot.rst: u64 at 0x258; the loader puts a relocatable
//! kernel there, startup_64 at + 0x200) and the vmlinux's PVH entry from binutils' `x86_64-linux-gnu-readelf -n`
//! (the Xen note of type 0x12); and the kernel's own reaction: with the wrong PVH magic it stops
//! on its BUG() right after the entry, with the right one it runs on. The good loader's full
//! boot to userspace (the kernel's own console) takes about 100 s of emulation and is not run
//! here: its run is cut 50 M
//! instructions in, inside the kernel's decompressor, well past the entry.
//!
//! Skips with a notice when the Debian amd64 artifacts or x86_64-linux-gnu-as are missing (run
//! testdata/fetch-linux-amd64.sh, testdata/setup.sh); under CI (`CI` set) their absence fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::run::{text, Run};
use common::{amd64_artifacts, tool_present, Amd64Artifacts};

const APPEND: &str = "console=ttyS0 panic=-1";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The artifacts and the assembler, or `None` after a notice (a failure under CI).
fn setup() -> Option<&'static Amd64Artifacts> {
    if !tool_present("x86_64-linux-gnu-as") {
        assert!(
            std::env::var_os("CI").is_none_or(|v| v.is_empty()),
            "x86_64-linux-gnu-as not found (run testdata/setup.sh)"
        );
        eprintln!("NOTICE: x86_64-linux-gnu-as not found: x86 firmware test skipped");
        return None;
    }
    amd64_artifacts()
}

/// Build the loader's variants once; the ELF of `variant`.
fn loader(variant: &str) -> PathBuf {
    static BUILT: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    let r = BUILT.get_or_init(|| {
        let out = Command::new("bash")
            .arg(root().join("testdata/x86/build.sh"))
            .arg("loader")
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(())
        } else {
            Err(text(&out.stderr))
        }
    });
    if let Err(e) = r {
        panic!("testdata/x86/build.sh loader failed:\n{e}");
    }
    root().join(format!("testdata/build/x86/loader-{variant}.elf"))
}

/// `bootemu run --firmware loader-<variant>.elf --kernel <kernel> --initrd <initramfs>
/// --append APPEND <extra>`, console and report captured.
fn run(variant: &str, kernel: &Path, a: &Amd64Artifacts, extra: &[&str]) -> Run {
    let fw = loader(variant);
    let (fw, kernel, initrd) = (
        fw.to_str().unwrap(),
        kernel.to_str().unwrap(),
        a.initramfs.to_str().unwrap(),
    );
    let args = [
        &["--firmware", fw, "--kernel", kernel, "--initrd", initrd][..],
        &["--append", APPEND, "-q"],
        extra,
    ]
    .concat();
    common::run::run(&args)
}

/// Every check of the report passes but `boot.cmdline`, not reached (the run was cut short
/// before the kernel printed its command line).
fn assert_all_pass_but_cmdline(r: &Run) {
    let checks = r.report["checks"].as_array().expect("checks");
    for c in checks {
        let want = if c["id"] == "boot.cmdline" {
            "not-reached"
        } else {
            "pass"
        };
        assert_eq!(c["status"], want, "{c}\n{}", r.why());
    }
}

/// The ids of the checks in a report, in order.
fn check_ids(r: &Run) -> Vec<String> {
    r.report["checks"]
        .as_array()
        .unwrap_or_else(|| panic!("no checks in the report: {}", r.why()))
        .iter()
        .filter_map(|c| c["id"].as_str().map(str::to_string))
        .collect()
}

/// The bzImage's `pref_address` (boot.rst: the setup header's u64 at 0x258).
fn pref_address(bz: &Path) -> u64 {
    let b = std::fs::read(bz).unwrap();
    u64::from_le_bytes(b[0x258..0x260].try_into().unwrap())
}

#[test]
fn the_good_loader_hands_a_bzimage_over_and_every_entry_check_passes() {
    let Some(a) = setup() else { return };
    let r = run("good", &a.bzimage, a, &["--max-insns", "50000000"]);
    let why = &r.why();
    // Cut short inside the decompressor: the budget's exit code, nothing failed.
    assert_eq!(r.code(), Some(4), "{why}");
    assert!(r.checks("fail").is_empty(), "{why}");
    let e = &r.report["kernel_entry"];
    assert_eq!(e["reached"], true, "{why}");
    let entry = pref_address(&a.bzimage) + 0x200;
    assert_eq!(e["found_at"], format!("{entry:#x}"), "{why}");
    assert_eq!(e["rip"], format!("{entry:#x}"), "{why}");
    assert!(e["entry"].as_str().unwrap().contains("startup_64"), "{why}");
    assert_eq!(e["protocol"], "64-bit boot protocol", "{why}");
    assert!(r.report["kernel_module"]["start"].is_string(), "{why}");
    assert_all_pass_but_cmdline(&r);
    // The rules judged are those of a direct boot of the same kernel (bootemu the loader,
    // entering startup_64 by the same protocol): its report, stopped right after the entry.
    let (bz, initrd) = (a.bzimage.to_str().unwrap(), a.initramfs.to_str().unwrap());
    let direct = common::run::run(&[
        "--kernel",
        bz,
        "--initrd",
        initrd,
        "--append",
        APPEND,
        "-q",
        "--max-insns",
        "1000",
    ]);
    assert_eq!(check_ids(&r), check_ids(&direct), "{}", direct.why());
}

#[test]
fn a_loader_entering_startup_32_is_reported_and_judged_on_its_zero_page() {
    let Some(a) = setup() else { return };
    let r = run("entry32", &a.bzimage, a, &["--max-insns", "50000000"]);
    let why = &r.why();
    assert_eq!(r.code(), Some(4), "{why}");
    let e = &r.report["kernel_entry"];
    let load = pref_address(&a.bzimage);
    assert_eq!(e["found_at"], format!("{load:#x}"), "{why}");
    assert_eq!(e["load"], format!("{load:#x}"), "{why}");
    assert!(e["entry"].as_str().unwrap().contains("startup_32"), "{why}");
    assert_eq!(e["protocol"], "32-bit boot protocol", "{why}");
    // The zero page's rules, no entry64.* ones (the 32-bit protocol's registers are not
    // judged), and boot.cmdline not reached.
    let checks = r.report["checks"].as_array().expect("checks");
    let ids: Vec<&str> = checks.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"bootparams.ramdisk"), "{why}");
    assert!(!ids.iter().any(|i| i.starts_with("entry64.")), "{why}");
    assert_all_pass_but_cmdline(&r);
}

/// Loader `variant` booting `kernel` with `--stop-on-check-failure`: exit 1, check `id` the only
/// one failed, its line on stderr containing `says`.
fn fails_alone(variant: &str, kernel: &Path, a: &Amd64Artifacts, id: &str, says: &str) -> Run {
    let r = run(variant, kernel, a, &["--stop-on-check-failure"]);
    assert_eq!(r.code(), Some(1), "{}", r.why());
    assert_eq!(r.checks("fail"), [id], "{}", r.why());
    assert!(r.stderr().contains(says), "{}", r.why());
    r
}

#[test]
fn a_zero_page_without_the_initrds_e820_entry_fails_e820_covers_alone() {
    let Some(a) = setup() else { return };
    let r = fails_alone(
        "no-initrd-e820",
        &a.bzimage,
        a,
        "e820.covers",
        "not e820 RAM: initrd ",
    );
    assert!(
        r.stderr()
            .contains("stopped at the kernel entry: a hand-off check failed there"),
        "{}",
        r.why()
    );
    // The report is written at that early end too, and names the failed check.
    assert_eq!(r.report["exit_code"], 1, "{}", r.why());
    assert_eq!(r.report["exit_reason"], "guest-failure", "{}", r.report);
    assert_eq!(r.report["kernel_entry"]["reached"], true, "{}", r.report);
    let failed: Vec<&str> = r.report["checks"]
        .as_array()
        .expect("checks in the report")
        .iter()
        .filter(|c| c["status"] == "fail")
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(failed, ["e820.covers"], "{}", r.report);
}

#[test]
fn a_command_line_past_cmdline_size_fails_bootparams_cmdline_alone() {
    let Some(a) = setup() else { return };
    fails_alone(
        "cmdline-past-size",
        &a.bzimage,
        a,
        "bootparams.cmdline",
        "no NUL within cmdline_size",
    );
}

#[test]
fn a_ramdisk_image_one_page_off_fails_bootparams_ramdisk_alone() {
    // The right size, in RAM, in the e820 map, but not the initrd's bytes: only the digest of
    // the range the loader names, against the --initrd file's, can tell.
    let Some(a) = setup() else { return };
    fails_alone(
        "initrd-off-by-page",
        &a.bzimage,
        a,
        "bootparams.ramdisk",
        "does not hold the --initrd file's bytes",
    );
}

#[test]
fn a_pvh_start_info_with_a_bad_magic_fails_pvh_magic_alone() {
    let Some(a) = setup() else { return };
    let r = fails_alone(
        "pvh-bad-magic",
        &a.vmlinux,
        a,
        "pvh.magic",
        "magic 0x336ec579",
    );
    // Found at the note's entry, as binutils reads it.
    const READELF: &str = "x86_64-linux-gnu-readelf";
    if !tool_present(READELF) {
        assert!(
            !common::in_ci(),
            "{READELF} not found (binutils-x86-64-linux-gnu: run testdata/setup.sh)"
        );
        eprintln!("NOTICE: {READELF} not found: the PVH entry address is not compared");
    } else {
        let out = Command::new(READELF)
            .arg("-n")
            .arg(&a.vmlinux)
            .output()
            .unwrap();
        let notes = text(&out.stdout);
        // "Xen  0x00000008  Unknown note type: (0x00000012)" then "description data: <8 bytes>".
        let at = notes.find("(0x00000012)").expect("a PVH note");
        let data = notes[at..]
            .lines()
            .find_map(|l| l.trim().strip_prefix("description data:"))
            .expect("its data");
        let bytes: Vec<u8> = data
            .split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).unwrap())
            .collect();
        let mut le = [0u8; 8];
        le[..bytes.len().min(8)].copy_from_slice(&bytes[..bytes.len().min(8)]);
        let entry = u64::from_le_bytes(le);
        assert!(
            r.stderr().contains(&format!(
                "kernel entered at {entry:#x} through its ELF PVH entry"
            )),
            "{}",
            r.why()
        );
    }
}

#[test]
fn the_kernel_itself_rejects_the_start_info_pvh_magic_fails_on() {
    // The kernel's own verdict on the handoff, as a differential: the same loader with the
    // right magic (pvh-good) passes every PVH check and the kernel runs on, 5 M instructions
    // past its entry, without a #UD; with the wrong magic, the kernel's PVH entry code stops
    // on its BUG() (UD2; no IDT yet, so a triple fault) shortly after the entry.
    let Some(a) = setup() else { return };
    let good = run("pvh-good", &a.vmlinux, a, &["--max-insns", "20000000"]);
    let why = &good.why();
    assert_eq!(good.code(), Some(4), "{why}");
    assert_eq!(good.report["kernel_entry"]["protocol"], "PVH", "{why}");
    assert_eq!(good.report["exit_reason"], "budget-exhausted", "{why}");
    assert_eq!(
        good.report["undefined_forms"],
        serde_json::json!({}),
        "{why}"
    );
    assert_all_pass_but_cmdline(&good);
    let bad = run("pvh-bad-magic", &a.vmlinux, a, &["--max-insns", "20000000"]);
    let why = &bad.why();
    assert_eq!(bad.code(), Some(1), "{why}");
    assert_eq!(bad.checks("fail"), ["pvh.magic"], "{why}");
    assert!(why.contains("guest failure: triple fault"), "{why}");
    assert_eq!(bad.report["undefined_forms"]["Ud2"], 1, "{why}");
    let entered = bad.report["kernel_entry"]["at_instruction"]
        .as_u64()
        .unwrap();
    let ended = bad.report["instructions"].as_u64().unwrap();
    assert!(ended - entered < 100_000, "{entered} {ended}\n{why}");
}

#[test]
fn a_loader_that_never_enters_the_kernel_fails_the_entry_checks_or_leaves_them_not_reached() {
    let Some(a) = setup() else { return };
    // --kernel-via none: no kernel module; the loader finds module 0 is the initrd, says so
    // and halts with interrupts off (a normal end: the firmware's failure).
    let r = run("good", &a.bzimage, a, &["--kernel-via", "none"]);
    assert_eq!(r.code(), Some(1), "{}", r.why());
    assert!(
        r.stderr().contains("the firmware never entered the kernel"),
        "{}",
        r.why()
    );
    assert_eq!(r.report["kernel_entry"]["reached"], false, "{}", r.why());
    assert!(r.report["kernel_module"].is_null(), "{}", r.why());
    let checks = r.report["checks"].as_array().expect("checks");
    for c in checks {
        let want = if c["id"] == "boot.cmdline" {
            "n/a"
        } else {
            "fail"
        };
        assert_eq!(c["status"], want, "{c}\n{}", r.why());
    }
    // Cut short before the entry (the budget): NOT REACHED, and the budget's exit code.
    let r = run("good", &a.bzimage, a, &["--max-insns", "1000"]);
    assert_eq!(r.code(), Some(4), "{}", r.why());
    let checks = r.report["checks"].as_array().expect("checks");
    assert!(checks.len() > 10, "{}", r.why());
    for c in checks {
        assert_eq!(c["status"], "not-reached", "{c}\n{}", r.why());
    }
}

#[test]
fn a_firmware_that_is_not_a_pvh_elf_is_refused_in_one_line_naming_it() {
    if !tool_present("x86_64-linux-gnu-as") {
        assert!(
            std::env::var_os("CI").is_none_or(|v| v.is_empty()),
            "x86_64-linux-gnu-as not found (run testdata/setup.sh)"
        );
        eprintln!("NOTICE: x86_64-linux-gnu-as not found: x86 firmware test skipped");
        return;
    }
    // The loader's flat binary (no ELF, no PVH note) as the firmware; the loader's ELF serves
    // as an x86 kernel to watch for (an ELF with a PVH note).
    let elf = loader("good");
    let bin = elf.with_extension("bin");
    let out = Command::new(env!("CARGO_BIN_EXE_bootemu"))
        .arg("run")
        .arg("--firmware")
        .arg(&bin)
        .arg("--kernel")
        .arg(&elf)
        .arg("-q")
        .output()
        .expect("cannot run bootemu");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!(
            "{}: not an x86-64 ELF with a PVH note",
            bin.display()
        )),
        "{err}"
    );
}
