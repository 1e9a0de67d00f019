//! End-to-end: `--trace` events and filters.
//!
//! Own guests: the exceptions and interrupts bootemu traces (EC, ESR, FAR, ELR, ELs, vector,
//! exception returns, PSCI calls) equal what `qemu-system-aarch64 -d int` logs for the same guest
//! ("Taking exception …", "Exception return …", "handled as PSCI call"); the acknowledged INTIDs
//! are the timer PPIs the guest source enables (27 virtual, 30 physical); device and memory
//! accesses carry the values the guest source and its console output say (its `puts` loads each
//! byte of the message and stores it to the PL011's UARTDR at 0x0900_0000); every kind appears;
//! the JSON form has the same items; two runs give the same bytes.
//!
//! The Debian kernel: `--trace insn --trace-range start_kernel` names `start_kernel+0x14` at the
//! address the running kernel's `/proc/kallsyms` gives; `--trace exc,irq --trace-window
//! 0..200000000` (started at EL2) lists the kernel's first exception return (from `init_el2`,
//! SPSR INIT_PSTATE_EL1), its `hvc #0` to the EL2 stub (ESR 0x5a000000 at
//! `__hyp_stub_vectors+0x400`) and its timer interrupts at `vectors+0x280` acknowledged with the
//! INTID `/proc/interrupts` gives the arch_timer, and two runs give byte-identical files.
//!
//! Guests need the cross assembler, the QEMU comparison qemu-system-aarch64, the Debian checks
//! the artifacts of tests/linux.rs: each skips with a notice when absent (not under CI).

mod common;

use std::process::{Command, Stdio};

use common::oracle::{boot_oracle, bootemu, kallsyms_of, temp_path};
use serde_json::Value;

/// Where bootemu loads the kernel Image on `virt` (RAM base + 2 MiB, text_offset 0).
const IMAGE_BASE: u64 = 0x4020_0000;

/// Run bootemu with `args` plus `--trace-file`, expecting exit `code`; the trace's text.
fn traced(args: &[&str], code: i32) -> String {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = temp_path(&format!("trace-{n}"));
    let mut all = args.to_vec();
    all.extend(["--trace-file", path.to_str().unwrap()]);
    let out = bootemu(&all);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn hex(v: &Value) -> u64 {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("not a hex string: {v}"));
    u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap()
}

/// An exception-level event as both bootemu and QEMU's `-d int` describe it.
#[derive(Debug, PartialEq, Eq)]
enum Seen {
    /// Synchronous exception: from, to, ESR, FAR, ELR, vector.
    Exception(u8, u8, u64, Option<u64>, u64, u64),
    /// Interrupt (IRQ or FIQ): name, from, to, ELR, vector.
    Interrupt(String, u8, u8, u64, u64),
    /// Exception return: from, to, PC.
    Eret(u8, u8, u64),
    /// A PSCI call.
    Psci,
}

/// bootemu's exc, irq and psci items (JSON form) as [`Seen`].
fn seen_by_bootemu(lines: &[Value]) -> Vec<Seen> {
    let el = |v: &Value| v.as_u64().unwrap() as u8;
    lines
        .iter()
        .filter_map(|v| match v["event"].as_str().unwrap() {
            "exception" => Some(Seen::Exception(
                el(&v["el"]),
                el(&v["to_el"]),
                hex(&v["esr"]),
                (!v["far"].is_null()).then(|| hex(&v["far"])),
                hex(&v["elr"]),
                hex(&v["vector"]),
            )),
            "interrupt" => Some(Seen::Interrupt(
                v["line"].as_str().unwrap().to_string(),
                el(&v["el"]),
                el(&v["to_el"]),
                hex(&v["elr"]),
                hex(&v["vector"]),
            )),
            "eret" => Some(Seen::Eret(el(&v["el"]), el(&v["to_el"]), hex(&v["target"]))),
            "psci" => Some(Seen::Psci),
            _ => None,
        })
        .collect()
}

/// QEMU's `-d int` log as [`Seen`]: "Taking exception N [NAME] on CPU 0", then "...from ELa to
/// ELb", "...with ESR 0xEC/0xESR", "...with FAR 0x…" (aborts), "...with ELR 0x…", "...to ELb PC
/// 0xVECTOR …" or "...handled as PSCI call"; "Exception return from AArch64 ELa to AArch64 ELb
/// PC 0x…".
fn seen_by_qemu(log: &str) -> Vec<Seen> {
    let num = |s: &str| u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap();
    let el = |s: &str| s.trim_start_matches("EL").parse::<u8>().unwrap();
    let mut out = Vec::new();
    let mut cur: Option<(String, u8, u8, u64, Option<u64>, u64)> = None;
    for l in log.lines() {
        let w: Vec<&str> = l.split_whitespace().collect();
        if l.starts_with("Taking exception") {
            let name = l[l.find('[').unwrap() + 1..l.find(']').unwrap()].to_string();
            cur = Some((name, 0, 0, 0, None, 0));
        } else if let Some(c) = cur.as_mut() {
            match w[..] {
                ["...from", a, "to", b] => (c.1, c.2) = (el(a), el(b)),
                ["...with", "ESR", e] => c.3 = num(e.split_once('/').unwrap().1),
                ["...with", "FAR", f] => c.4 = Some(num(f)),
                ["...with", "ELR", e] => c.5 = num(e),
                ["...handled", "as", "PSCI", "call"] => {
                    out.push(Seen::Psci);
                    cur = None;
                }
                ["...to", _, "PC", vector, ..] => {
                    let (name, from, to, esr, far, elr) = cur.take().unwrap();
                    let vector = num(vector);
                    out.push(if name == "IRQ" || name == "FIQ" {
                        Seen::Interrupt(name, from, to, elr, vector)
                    } else {
                        Seen::Exception(from, to, esr, far, elr, vector)
                    });
                }
                _ => {}
            }
        }
        if let ["Exception", "return", "from", "AArch64", a, "to", "AArch64", b, "PC", pc] = w[..] {
            out.push(Seen::Eret(el(a), el(b), num(pc)));
        }
    }
    out
}

/// `qemu-system-aarch64 -M virt -cpu cortex-a57 -d int` on guest `name`: its log, or None
/// (after a notice) without QEMU.
fn qemu_int_log(name: &str) -> Option<String> {
    if !common::tool_present("qemu-system-aarch64") {
        assert!(!common::in_ci(), "qemu-system-aarch64 missing");
        eprintln!("NOTICE: qemu-system-aarch64 not found: QEMU comparison of {name} skipped");
        return None;
    }
    let log = temp_path(&format!("{name}-qemu-int.log"));
    let out = Command::new("timeout")
        .args([
            "60",
            "qemu-system-aarch64",
            "-M",
            "virt",
            "-cpu",
            "cortex-a57",
        ])
        .args(["-m", "512M", "-nographic", "-nic", "none", "-no-reboot"])
        .args(["-d", "int", "-D", log.to_str().unwrap(), "-kernel"])
        .arg(common::guest_bin(name))
        .stdin(Stdio::null())
        .output()
        .expect("cannot run qemu-system-aarch64");
    assert!(out.status.success(), "QEMU on {name}: {:?}", out.status);
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    Some(text)
}

#[test]
fn guest_exceptions_interrupts_and_returns_match_qemus_int_log() {
    if !common::guests_built() {
        return;
    }
    for name in ["exceptions", "timer_gicv2"] {
        let bin = common::guest_bin(name);
        let args = [
            "--kernel",
            bin.to_str().unwrap(),
            "--gic",
            "v2",
            "--trace",
            "exc,irq,psci",
            "--trace-format",
            "json",
        ];
        let lines = json_lines(&traced(&args, 0));
        let ours = seen_by_bootemu(&lines);
        assert!(ours.len() > 5, "{name}: {ours:?}");
        if let Some(log) = qemu_int_log(name) {
            let qemu = seen_by_qemu(&log);
            assert_eq!(ours, qemu, "{name}: bootemu, then QEMU");
        }
    }
}

#[test]
fn every_event_kind_with_the_guests_values() {
    if !common::guests_built() {
        return;
    }
    let bin = common::guest_bin("timer_gicv2");
    let bin = bin.to_str().unwrap();
    let all = "insn,exc,irq,mmio,mem,sysreg,psci";
    let args = ["--kernel", bin, "--gic", "v2", "--trace", all];
    let text = traced(&args, 0);
    // Same inputs, same bytes.
    assert_eq!(text, traced(&args, 0), "two runs differ");
    let mut json_args = args.to_vec();
    json_args.extend(["--trace-format", "json"]);
    let json = traced(&json_args, 0);
    assert_eq!(json, traced(&json_args, 0), "two JSON runs differ");
    let lines = json_lines(&json);
    assert_eq!(
        lines.len(),
        text.lines().count(),
        "one JSON object per text line"
    );
    for (v, t) in lines.iter().zip(text.lines()) {
        for k in ["cpu", "insn", "el", "pc", "kind", "event", "symbol"] {
            assert!(v.get(k).is_some(), "{k} missing in {v}");
        }
        assert!(
            t.contains(&format!(" {:#018x}: ", hex(&v["pc"]))),
            "{t} / {v}"
        );
    }
    let kinds: std::collections::BTreeSet<&str> =
        lines.iter().map(|v| v["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["exc", "insn", "irq", "mem", "mmio", "psci", "sysreg"]
    );
    fn of<'a>(lines: &'a [Value], e: &'a str) -> impl Iterator<Item = &'a Value> {
        lines.iter().filter(move |v| v["event"] == e)
    }
    let events = |e: &'static str| of(&lines, e);

    // gicv2_init_cpu enables PPIs 27 and 30 (w0 = 0x48000000) in GICD_ISENABLER0.
    assert!(
        events("mmio").any(|v| v["reg"] == "GICD_ISENABLER"
            && v["device"] == "gicd"
            && v["write"] == true
            && hex(&v["value"]) == 0x4800_0000
            && hex(&v["pa"]) == 0x0800_0100),
        "no GICD_ISENABLER0 write of 0x48000000"
    );
    // The handler acknowledges the virtual (27) and the physical (30) timer's PPI, each after
    // an IRQ taken at VBAR_EL1 + 0x280 (current EL with SP_ELx, IRQ).
    let acks: Vec<u64> = events("irq_ack")
        .map(|v| v["intid"].as_u64().unwrap())
        .collect();
    assert!(acks.contains(&27) && acks.contains(&30), "{acks:?}");
    assert!(acks.iter().all(|i| [27, 30].contains(i)), "{acks:?}");
    assert_eq!(acks.len(), events("interrupt").count());
    let vbar = events("sysreg")
        .filter(|v| v["reg"] == "VBAR_EL1")
        .map(|v| hex(&v["value"]))
        .last()
        .expect("VBAR_EL1 written");
    assert!(events("interrupt").all(|v| hex(&v["vector"]) == vbar + 0x280));
    // The timer.inc checks program both EL1 timers' control registers.
    for reg in ["CNTV_CTL_EL0", "CNTP_CTL_EL0"] {
        assert!(events("sysreg").any(|v| v["reg"] == reg), "no {reg} write");
    }
    // puts: each byte of "PASS timer_gicv2\n" is loaded (1 byte, RAM: PA = VA with the MMU
    // off) and stored to UARTDR.
    let mut printed = Vec::new();
    let mut last_load = None;
    for v in &lines {
        match v["event"].as_str().unwrap() {
            "mem" if v["write"] == false && v["size"] == 1 => {
                assert_eq!(v["va"], v["pa"]);
                last_load = Some(hex(&v["value"]));
            }
            "mmio" if v["reg"] == "UARTDR" => {
                assert_eq!(
                    (v["device"].as_str(), hex(&v["pa"])),
                    (Some("pl011"), 0x0900_0000)
                );
                assert_eq!(Some(hex(&v["value"])), last_load, "{v}");
                printed.push(hex(&v["value"]) as u8);
            }
            _ => {}
        }
    }
    assert_eq!(String::from_utf8_lossy(&printed), "PASS timer_gicv2\n");
    // poweroff: PSCI SYSTEM_OFF (0x84000008), which does not return.
    let psci: Vec<&Value> = events("psci").collect();
    assert_eq!(psci.len(), 1);
    assert_eq!(
        (psci[0]["name"].as_str(), hex(&psci[0]["function"])),
        (Some("SYSTEM_OFF"), 0x8400_0008)
    );
    assert!(psci[0]["result"].is_null());
    // Every event comes after its instruction's line, at the same count and PC; an interrupt
    // between two instructions, at the count of the next one and its PC (ELR).
    let mut last = None;
    for v in &lines {
        match v["event"].as_str().unwrap() {
            "insn" => last = Some((v["insn"].as_u64().unwrap(), hex(&v["pc"]))),
            "interrupt" => {
                let (n, _) = last.unwrap();
                assert_eq!(v["insn"].as_u64(), Some(n + 1), "{v}");
                assert_eq!(hex(&v["pc"]), hex(&v["elr"]), "{v}");
            }
            _ => assert_eq!(
                Some((v["insn"].as_u64().unwrap(), hex(&v["pc"]))),
                last,
                "{v}"
            ),
        }
    }
}

#[test]
fn filters_by_el_window_and_cpu() {
    if !common::guests_built() {
        return;
    }
    let bin = common::guest_bin("exceptions");
    let bin = bin.to_str().unwrap();
    let run = |extra: &[&str], code| {
        let mut args = vec!["--kernel", bin, "--trace", "insn,exc,sysreg"];
        args.extend_from_slice(extra);
        traced(&args, code)
    };
    let all = run(&[], 0);
    // The guest drops to EL0 for a few instructions: an UNDEFINED MRS and an SVC from there.
    let el0 = run(&["--trace-el", "0"], 0);
    assert!(!el0.is_empty());
    assert!(el0.lines().all(|l| l.contains(" EL0 ")), "{el0}");
    let from_el0: Vec<&str> = el0.lines().filter(|l| l.contains("exc ")).collect();
    assert_eq!(from_el0.len(), 2, "{el0}");
    assert!(from_el0[0].contains("EC 0x00") && from_el0[1].contains("EC 0x15"));
    let el0_in_all: Vec<&str> = all.lines().filter(|l| l.contains(" EL0 ")).collect();
    assert_eq!(el0.lines().collect::<Vec<_>>(), el0_in_all);
    // Instruction counts 100..200 (the count is the vCPU's own, the first field).
    let window = run(&["--trace-window", "100..200"], 0);
    let counts: Vec<u64> = window
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(counts.first(), Some(&100));
    assert_eq!(counts.last(), Some(&199));
    assert!(window.lines().any(|l| l.contains("exc ")));
    // Only vCPU 0 exists.
    assert_eq!(run(&["--trace-cpu", "0"], 0), all);
    run(&["--trace-cpu", "1"], 2);
    run(&["--trace-window", "5..1"], 2);
    run(&["--trace-el", "4"], 2);
}

/// The timer's INTID as the running kernel's /proc/interrupts gives it: the hardware IRQ
/// number on the `arch_timer` line (`  11:  N  GIC-0  27 Level  arch_timer`).
fn arch_timer_intid(interrupts: &[String]) -> u64 {
    let line = interrupts
        .iter()
        .find(|l| l.trim_end().ends_with("arch_timer"))
        .unwrap_or_else(|| panic!("no arch_timer in /proc/interrupts: {interrupts:?}"));
    eprintln!("oracle /proc/interrupts: {line}");
    let f: Vec<&str> = line.split_whitespace().collect();
    f[f.len() - 3].parse().unwrap()
}

#[test]
fn debian_kernel_traces_match_the_running_kernel() {
    let Some(a) = common::linux_artifacts() else {
        return;
    };
    let oracle = boot_oracle(a, &a.generic, &["--el2"]);
    let kernel = a.generic.to_str().unwrap();

    // start_kernel+0x14 at the address /proc/kallsyms gives (start_kernel runs after ~2.3 M
    // instructions).
    let start_kernel = oracle.symbols["start_kernel"].0;
    let text = traced(
        &[
            "--kernel",
            kernel,
            "--serial",
            "none",
            "--max-insns",
            "10000000",
            "--trace",
            "insn",
            "--trace-range",
            "start_kernel",
        ],
        4,
    );
    let want = format!("{:#018x}:", start_kernel + 0x14);
    let line = text
        .lines()
        .find(|l| l.contains(&want))
        .unwrap_or_else(|| panic!("no line at {want}:\n{text}"));
    assert!(line.ends_with("<start_kernel+0x14>"), "{line}");
    assert!(text.lines().all(|l| l.contains("<start_kernel+0x")));

    // The first exceptions and interrupts, started at EL2 (as with QEMU's virtualization=on) so
    // that the kernel's own hypervisor calls show.
    let initrd = a.initramfs.to_str().unwrap();
    let args = [
        "--kernel",
        kernel,
        "--initrd",
        initrd,
        "--append",
        "console=ttyAMA0 panic=-1",
        "--serial",
        "none",
        "--el2",
        "--max-insns",
        "200000000",
        "--trace",
        "exc,irq",
        "--trace-window",
        "0..200000000",
    ];
    let text = traced(&args, 4);
    assert_eq!(text, traced(&args, 4), "two runs differ");
    let lines: Vec<&str> = text.lines().collect();
    // init_el2 (arch/arm64/kernel/head.S) drops to EL1 with SPSR = INIT_PSTATE_EL1 (D, A, I, F
    // masked, EL1h: 0x3c5), MMU off.
    assert!(
        lines[0].contains("eret   EL2->EL1") && lines[0].contains("SPSR 0x3c5"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("<init_el2+0x"), "{}", lines[0]);
    // finalise_el2 (arch/arm64/kernel/hyp-stub.S) calls the EL2 stub with `hvc #0`: EC 0x16,
    // IL, imm16 0 = ESR 0x5a000000, taken at VBAR_EL2 = __hyp_stub_vectors (set by init_el2,
    // a physical address: EL2's MMU is off) + 0x400 (lower EL, AArch64, synchronous); the stub
    // returns to the instruction after the HVC.
    let k = kallsyms_of(&a.generic);
    let phys = |name: &str| IMAGE_BASE + k.table.by_name(name).expect(name) - k.text;
    let hvc = lines
        .iter()
        .position(|l| l.contains("exc    "))
        .expect("no exception");
    let want = format!(
        "exc    EC 0x16 (HVC) ESR 0x5a000000 ELR {:#x} EL1->EL2 vector {:#x}",
        hvc_pc(lines[hvc]) + 4,
        phys("__hyp_stub_vectors") + 0x400
    );
    assert!(lines[hvc].contains(&want), "{}\nwant {want}", lines[hvc]);
    eprintln!("first lines:\n{}", lines[..hvc + 2].join("\n"));
    assert!(lines[hvc].contains("<finalise_el2+0x"), "{}", lines[hvc]);
    assert!(
        lines[hvc + 1].contains(&format!("eret   EL2->EL1 to {:#x}", hvc_pc(lines[hvc]) + 4)),
        "{}",
        lines[hvc + 1]
    );
    // Timer interrupts: at EL1, through `vectors` + 0x280 (current EL with SP_ELx, IRQ).
    let vectors = k.table.by_name("vectors").expect("vectors");
    let irqs: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.contains("irq    IRQ"))
        .collect();
    assert!(irqs.len() > 50, "{text}");
    let vector = format!("vector {:#x}  <", vectors + 0x280);
    assert!(
        irqs.iter()
            .all(|l| l.contains("IRQ EL1->EL1 ELR 0x") && l.contains(&vector)),
        "{}",
        irqs[0]
    );
    // gic_handle_irq acknowledges the timer's INTID, as /proc/interrupts gives it for
    // arch_timer (with EL2 present the kernel uses the EL1 physical timer, PPI 30), then reads
    // the IAR again until it is spurious.
    let intid = arch_timer_intid(&oracle.interrupts);
    let acks: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.contains(" ack INTID "))
        .collect();
    let timer_ack = format!("ack INTID {intid} (GICC_IAR)  <gic_handle_irq+0x");
    assert!(acks.iter().any(|l| l.contains(&timer_ack)), "{text}");
    assert!(acks
        .iter()
        .all(|l| l.contains(&format!("INTID {intid} ")) || l.contains("INTID 1023 (spurious)")));
}

/// The PC of a trace line (`count ELn PC: …`).
fn hvc_pc(line: &str) -> u64 {
    let pc = line
        .split_whitespace()
        .nth(2)
        .unwrap()
        .trim_end_matches(':');
    u64::from_str_radix(pc.trim_start_matches("0x"), 16).unwrap()
}
