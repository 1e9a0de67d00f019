//! `--timeline FILE` end to end: one boot of Debian's generic kernel (artifacts as in
//! tests/linux.rs) on two vCPUs, whose trace-event file must hold each vCPU's phases in order,
//! the kernel entry, kernel functions named from the Image's own kallsyms (no symbol file) where
//! QEMU's profile of the same boot puts the instructions, and every console line; and an own
//! guest (testdata/smp.S on two vCPUs, named from its ELF) whose timeline must be the same bytes
//! on two runs, with function names that binutils' `nm` finds in the ELF; and a firmware boot
//! (our test firmware) whose firmware phase ends exactly at the captured kernel entry.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{guest_bin, guests_built, linux_artifacts, root, tool_present};
use serde_json::Value;

/// The marker the test initramfs prints once userspace runs (a prefix of its line, which the
/// run must still give whole: `--expect` ends at the end of the line).
const MARKER: &str = "BOOTEMU-MARKER: userspace";

/// A fresh path in the temporary directory.
fn temp_path(what: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!(
        "bootemu-timeline-{}-{n}.{what}",
        std::process::id()
    ))
}

/// One run: its output, console, report and timeline bytes.
struct Run {
    out: Output,
    console: String,
    report: Value,
    timeline: Vec<u8>,
}

impl Run {
    fn why(&self) -> String {
        format!(
            "exit {:?}\nstderr:\n{}",
            self.out.status.code(),
            String::from_utf8_lossy(&self.out.stderr)
        )
    }

    fn events(&self) -> Vec<Value> {
        let j: Value = serde_json::from_slice(&self.timeline)
            .unwrap_or_else(|e| panic!("timeline is not JSON: {e}\n{}", self.why()));
        j["traceEvents"].as_array().expect("traceEvents").clone()
    }
}

fn run(args: &[&str]) -> Run {
    let (console, report, timeline) = (temp_path("console"), temp_path("json"), temp_path("tl"));
    let out = Command::new(env!("CARGO_BIN_EXE_bootemu"))
        .arg("run")
        .args(args)
        .arg("--serial")
        .arg(format!("file:{}", console.display()))
        .arg("--report")
        .arg(&report)
        .arg("--timeline")
        .arg(&timeline)
        .stdin(Stdio::null())
        .output()
        .expect("cannot run bootemu");
    let read = |p: &Path| std::fs::read(p).unwrap_or_default();
    let r = Run {
        console: String::from_utf8_lossy(&read(&console)).into_owned(),
        report: serde_json::from_slice(&read(&report)).unwrap_or(Value::Null),
        timeline: read(&timeline),
        out,
    };
    for p in [console, report, timeline] {
        let _ = std::fs::remove_file(p);
    }
    r
}

/// Events of one kind (`ph`) and category.
fn of<'a>(events: &'a [Value], ph: &str, cat: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter(|e| e["ph"] == ph && e["cat"] == cat)
        .collect()
}

/// The thread id named `name`.
fn tid(events: &[Value], name: &str) -> Value {
    events
        .iter()
        .find(|e| e["name"] == "thread_name" && e["args"]["name"] == name)
        .unwrap_or_else(|| panic!("no thread {name:?}"))["tid"]
        .clone()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The phases of one track: name, ts, dur, instructions.
fn phases(events: &[Value], tid: &Value) -> Vec<(String, f64, f64, u64)> {
    of(events, "X", "phase")
        .into_iter()
        .filter(|e| e["tid"] == *tid)
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                f(&e["ts"]),
                f(&e["dur"]),
                e["args"]["instructions"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn debian_boot_timeline() {
    let Some(a) = linux_artifacts() else {
        return;
    };
    let (kernel, initrd) = (a.generic.to_str().unwrap(), a.initramfs.to_str().unwrap());
    let r = run(&[
        "--kernel",
        kernel,
        "--initrd",
        initrd,
        "--append",
        "console=ttyAMA0 panic=-1",
        "--smp",
        "2",
        "--expect",
        MARKER,
        "--max-insns",
        "4000000000",
    ]);
    assert_eq!(r.out.status.code(), Some(0), "{}", r.why());
    let events = r.events();

    // --expect ended at the end of the marker's line, not right after the marker text.
    assert!(
        r.console.ends_with("BOOTEMU-MARKER: userspace reached\r\n"),
        "console ends {:?}",
        &r.console[r.console.len().saturating_sub(80)..]
    );

    // Phases: vCPU 0 from the kernel entry (a direct boot: no firmware) with the MMU off, then
    // on, then userspace; vCPU 1, started by the kernel, MMU off then on (then userspace if the
    // scheduler put a process there). Each track's phases
    // follow one another without gaps.
    let cpu0 = phases(&events, &tid(&events, "vCPU 0: phases"));
    let cpu1 = phases(&events, &tid(&events, "vCPU 1: phases"));
    let names = |p: &[(String, f64, f64, u64)]| p.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&cpu0), ["kernel (MMU off)", "kernel", "userspace"]);
    let n1 = names(&cpu1);
    assert!(
        n1 == ["kernel (MMU off)", "kernel"] || n1 == ["kernel (MMU off)", "kernel", "userspace"],
        "{n1:?}"
    );
    assert_eq!(cpu0[0].1, 0.0);
    for p in [&cpu0, &cpu1] {
        for w in p.windows(2) {
            assert!((w[0].1 + w[0].2 - w[1].1).abs() < 1e-3, "{w:?}");
        }
    }
    assert!(cpu1[0].1 > cpu0[1].1, "vCPU 1 starts once the kernel runs");
    // Every instruction is in one phase, as the report counts them.
    let total: u64 = cpu0.iter().chain(&cpu1).map(|p| p.3).sum();
    assert_eq!(
        total,
        r.report["instructions"].as_u64().unwrap(),
        "{}",
        r.why()
    );
    let report_phases: Vec<(String, u64)> = r.report["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["phase"].as_str().unwrap().into(),
                p["instructions"].as_u64().unwrap(),
            )
        })
        .collect();
    let sum = |name: &str| -> u64 {
        cpu0.iter()
            .chain(&cpu1)
            .filter(|p| p.0 == name)
            .map(|p| p.3)
            .sum()
    };
    assert_eq!(
        report_phases,
        [
            ("firmware".to_string(), 0),
            ("kernel-mmu-off".to_string(), sum("kernel (MMU off)")),
            ("kernel".to_string(), sum("kernel")),
            ("userspace".to_string(), sum("userspace")),
        ]
    );

    // The kernel entry: where the report's hand-off capture saw it.
    let entry = of(&events, "i", "entry");
    assert_eq!(entry.len(), 1);
    assert_eq!(
        entry[0]["args"]["pc"],
        r.report["kernel_entry"]["pc"],
        "{}",
        r.why()
    );
    assert_eq!(f(&entry[0]["ts"]), 0.0);

    // Kernel functions, named from the Image's own kallsyms (no --symbols given). Oracle: QEMU's
    // profile of the same boot (TCG plugin, summed over translation blocks) puts 33.5 % of the
    // instructions in mpihelp_submul_1 and 17.2 % in mpihelp_addmul_1 (the RSA self-tests),
    // with inflate_fast (unpacking the gzip'd initramfs) among the next.
    let top = r.report["top_functions"]["functions"].as_array().unwrap();
    let share = |name: &str| {
        top.iter()
            .find(|t| t["function"] == name)
            .map_or(0.0, |t| f(&t["share"]))
    };
    assert_eq!(top[0]["function"], "mpihelp_submul_1", "{top:?}");
    assert_eq!(top[1]["function"], "mpihelp_addmul_1", "{top:?}");
    assert!((share("mpihelp_submul_1") - 0.335).abs() < 0.03, "{top:?}");
    assert!((share("mpihelp_addmul_1") - 0.172).abs() < 0.03, "{top:?}");
    assert!(share("inflate_fast") > 0.01, "{top:?}");
    let functions = of(&events, "X", "function");
    let fn_tids = [
        tid(&events, "vCPU 0: functions"),
        tid(&events, "vCPU 1: functions"),
    ];
    assert!(functions.iter().all(|e| fn_tids.contains(&e["tid"])));
    // Timer interrupts arrive while the kernel computes: some spans count exceptions.
    let exceptions: u64 = functions
        .iter()
        .map(|e| e["args"]["exceptions"].as_u64().unwrap())
        .sum();
    assert!(exceptions > 0);
    // The kernel's console writes and interrupt handling reach devices: some spans count
    // device accesses.
    let device_accesses: u64 = functions
        .iter()
        .map(|e| e["args"]["device_accesses"].as_u64().unwrap())
        .sum();
    assert!(device_accesses > 0);
    // The same activity as a counter track over the whole boot, in time order.
    let counters: Vec<&Value> = events
        .iter()
        .filter(|e| e["ph"] == "C" && e["name"] == "vCPU 0: activity")
        .collect();
    assert!(counters
        .iter()
        .any(|e| e["args"]["exceptions"].as_u64() > Some(0)));
    assert!(counters
        .iter()
        .any(|e| e["args"]["device accesses"].as_u64() > Some(0)));
    assert!(counters.windows(2).all(|w| f(&w[0]["ts"]) < f(&w[1]["ts"])));
    let spans_of = |name: &str| functions.iter().filter(|e| e["name"] == name).count();
    assert!(spans_of("mpihelp_submul_1") > 0 && spans_of("inflate_fast") > 0);
    // The initramfs is unpacked before /init runs.
    let lines = of(&events, "i", "console");
    let run_init = lines
        .iter()
        .find(|l| {
            l["name"]
                .as_str()
                .unwrap()
                .contains("Run /init as init process")
        })
        .expect("the kernel's Run /init line");
    let first_inflate = functions
        .iter()
        .filter(|e| e["name"] == "inflate_fast")
        .map(|e| f(&e["ts"]))
        .fold(f64::INFINITY, f64::min);
    assert!(first_inflate < f(&run_init["ts"]));

    // Console lines: every non-empty line of the console, in order, at non-decreasing times
    // and instruction counts; the marker's line in the userspace phase.
    let console: Vec<&str> = r
        .console
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.is_empty())
        .collect();
    let logged: Vec<&str> = lines.iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(logged, console);
    for w in lines.windows(2) {
        assert!(f(&w[0]["ts"]) <= f(&w[1]["ts"]));
        assert!(w[0]["args"]["insn"].as_u64() <= w[1]["args"]["insn"].as_u64());
    }
    let marker = lines.last().unwrap();
    assert!(marker["name"].as_str().unwrap().starts_with(MARKER));
    assert!(
        f(&marker["ts"]) >= cpu0[2].1,
        "marker after userspace began"
    );
}

/// The symbols `nm` lists in an ELF (binutils: a parser we did not write).
fn nm_names(elf: &Path) -> Option<Vec<String>> {
    let nm = ["aarch64-linux-gnu-nm", "nm"]
        .into_iter()
        .find(|t| tool_present(t))?;
    let out = Command::new(nm).arg(elf).output().ok()?;
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
            .collect(),
    )
}

#[test]
fn own_guest_timeline_is_deterministic() {
    if !guests_built() {
        return;
    }
    let elf = root().join("testdata/build/smp.elf");
    let bin = guest_bin("smp");
    let args = [
        "--kernel",
        bin.to_str().unwrap(),
        "--smp",
        "2",
        "--symbols",
        elf.to_str().unwrap(),
        "--timeline-sample",
        "100",
        "--timeline-min-insns",
        "0",
    ];
    let a = run(&args);
    let b = run(&args);
    assert_eq!(a.out.status.code(), Some(0), "{}", a.why());
    assert!(!a.timeline.is_empty());
    assert!(
        a.timeline == b.timeline,
        "two runs, two different timelines"
    );
    let events = a.events();
    for name in [
        "vCPU 0: phases",
        "vCPU 0: functions",
        "vCPU 1: phases",
        "vCPU 1: functions",
        "console",
    ] {
        tid(&events, name);
    }
    // A bare guest: the MMU stays off, nothing runs at EL0.
    let phases: Vec<&str> = of(&events, "X", "phase")
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(phases, ["kernel (MMU off)", "kernel (MMU off)"]);
    let functions = of(&events, "X", "function");
    assert!(functions
        .iter()
        .any(|e| e["tid"] == tid(&events, "vCPU 1: functions")));
    if let Some(nm) = nm_names(&elf) {
        for e in &functions {
            let name = e["name"].as_str().unwrap();
            assert!(nm.iter().any(|n| n == name), "{name} is not in nm's list");
        }
    }
    let lines: Vec<&str> = of(&events, "i", "console")
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(lines, ["smp: 2 cpus", "PASS smp"]);
    assert_eq!(a.console, "smp: 2 cpus\nPASS smp\n");
}

/// A firmware boot (our test firmware, `testdata/fw/fw.S`, copying the Debian kernel and
/// jumping to it): the firmware phase ends exactly at the kernel entry the hand-off capture saw,
/// where the kernel's MMU-off phase and the entry event begin. Cut short by the budget: only
/// the start of the kernel matters here.
#[test]
fn firmware_phase_ends_at_the_kernel_entry() {
    let Some(a) = linux_artifacts() else {
        return;
    };
    if !guests_built() {
        return;
    }
    let fw = root().join("testdata/build/fw/fw-virt.bin");
    let r = run(&[
        "--firmware",
        fw.to_str().unwrap(),
        "--kernel",
        a.generic.to_str().unwrap(),
        "--initrd",
        a.initramfs.to_str().unwrap(),
        "--append",
        "console=ttyAMA0",
        "--kernel-via",
        "chosen",
        "--max-insns",
        "30000000",
    ]);
    assert_eq!(r.out.status.code(), Some(4), "{}", r.why());
    let events = r.events();
    let cpu0 = phases(&events, &tid(&events, "vCPU 0: phases"));
    let names: Vec<&str> = cpu0.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(names, ["firmware", "kernel (MMU off)", "kernel"]);
    let at = r.report["kernel_entry"]["at_instruction"]
        .as_u64()
        .unwrap_or_else(|| panic!("no kernel entry: {}", r.why()));
    assert!(at > 0);
    assert_eq!(
        cpu0[0].3, at,
        "firmware instructions = those before the entry"
    );
    let entry = of(&events, "i", "entry");
    assert_eq!(entry[0]["args"]["insn"], at);
    assert_eq!(
        f(&entry[0]["ts"]),
        cpu0[1].1,
        "the MMU-off phase starts at the entry"
    );
    assert_eq!(r.report["phases"][0]["instructions"], at);
}
