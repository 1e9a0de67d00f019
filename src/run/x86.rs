//! `bootemu run` of an x86 kernel on the x86 machine (`--machine microvm`, picked for an x86
//! kernel given without `--machine`): plan the boot ([`bootemu_boot::x86::complete`]: the
//! protocol, the zero page or `hvm_start_info`, the ACPI tables), build the machine, judge the
//! x86 handoff checks at the kernel's entry (the vCPU's state and guest memory before its first
//! instruction), run, report — with the aarch64 run's console, `--serial`, `--expect`, verdict,
//! exit codes and report file.
//!
//! With `--firmware FW` (an x86-64 ELF with a PVH note: our test loaders, rust-hypervisor-
//! firmware) bootemu is not the loader: FW is laid out and entered through PVH like a PVH
//! kernel, the kernel file and the initrd handed to it as PVH modules 0 and 1 and `--append` as
//! the command line ([`bootemu_boot::x86::firmware`]; `--kernel-via none`: no kernel module, the
//! firmware finds the kernel itself). The kernel's entry is recognised by the kernel file's
//! bytes wherever the firmware put it ([`bootemu_boot::x86::found`],
//! [`bootemu_machine::x86::entry_watch`]) and judged there by the same code as a direct boot's
//! entry ([`judge_entry`]). A kernel never entered leaves the kernel-entry checks failed when
//! the run ended normally (the firmware's failure) and NOT REACHED when it was cut short, as on
//! aarch64.

use std::fs::File;
use std::io::Write;

use anyhow::{bail, Context};
use bootemu_boot::acpi::x86::X86MachineDesc;
use bootemu_boot::handoff::{self, Check, Status};
use bootemu_boot::x86::{self, X86Linux};
use bootemu_machine::x86::machine::{X86Config, X86Machine, X86Outcome, X86Stop};
use bootemu_machine::{RunOutcome, StopReason};

use super::{console_sink, RunArgs};
use bootemu_boot::firmware::KernelVia;
use bootemu_boot::handoff::MemRead;
use bootemu_boot::x86::found::{EntryKind, KernelSigs};
use bootemu_boot::x86::X86EntryState;
use bootemu_boot::Format;
use bootemu_machine::machine::DEFAULT_HANG_INSNS;
use bootemu_machine::x86::entry_watch::X86Handoff;
use std::cell::RefCell;
use std::rc::Rc;

/// The default `--hang-insns` of a bzImage boot: room for a silent decompressor (Debian's
/// amd64 XZ decompressor: 4.5 G instructions).
const BZIMAGE_HANG_INSNS: u64 = 8 * DEFAULT_HANG_INSNS;
use crate::outcome::verdict;
use crate::read_input;

/// Options the x86 machine does not take, with why.
fn refuse_aarch64_options(a: &RunArgs) -> anyhow::Result<()> {
    let bad = [
        (a.smp != 1, "--smp (one vCPU: TODO(SMP))"),
        (a.gic.is_some(), "--gic (the x86 machine has APICs)"),
        (a.el2, "--el2 (an aarch64 exception level)"),
        (
            a.pflash0.is_some() || a.pflash1.is_some(),
            "--pflash0/--pflash1 (an x86 firmware is a PVH ELF: --firmware)",
        ),
        (
            matches!(a.kernel_via, Some(KernelVia::FwCfg | KernelVia::Chosen)),
            "--kernel-via fw-cfg or chosen (an x86 firmware gets the kernel as PVH module 0, \
             or with --kernel-via none not at all)",
        ),
        (
            a.firmware.is_some() && a.kernel_offset.is_some(),
            "--kernel-offset with --firmware (the firmware places the kernel)",
        ),
        (!a.load.is_empty(), "--load"),
        (!a.disk.is_empty(), "--disk (no virtio devices yet)"),
        (
            a.linux.dtb.is_some(),
            "--dtb (an x86 kernel gets no device tree)",
        ),
        (
            a.dump_dtb.is_some(),
            "--dump-dtb (an x86 kernel gets no device tree)",
        ),
        (!a.trace.is_empty(), "--trace (no x86 trace yet)"),
        (a.gdb.is_some(), "--gdb (no x86 gdb stub yet)"),
        (a.timeline.is_some(), "--timeline (no x86 sampling yet)"),
        (a.stdin, "--stdin (no host input to the 16550 yet)"),
    ];
    if let Some((_, what)) = bad.iter().find(|(b, _)| *b) {
        bail!("--machine microvm does not take {what}");
    }
    Ok(())
}

/// The run's verdict through the aarch64 run's rules ([`verdict`]), with x86 words for the
/// x86 ends.
fn x86_verdict(o: &X86Outcome) -> (u8, String, RunOutcome) {
    let reason = match &o.reason {
        X86Stop::PowerOff | X86Stop::HaltedInterruptsOff { .. } => StopReason::PowerOff,
        X86Stop::ExpectSeen => StopReason::ExpectSeen,
        X86Stop::BudgetExhausted => StopReason::BudgetExhausted,
        X86Stop::GuestFailure(m) => StopReason::GuestFailure(m.clone()),
        X86Stop::ConsoleFailure(l) => StopReason::ConsoleFailure(l.clone()),
        X86Stop::Interrupted => StopReason::Interrupted,
        X86Stop::StoppedAtEntry => {
            StopReason::GuestFailure("stopped at the kernel entry after a failed check".into())
        }
    };
    let ro = RunOutcome {
        reason,
        insns: o.insns,
        clock: o.clock,
        resets: o.resets,
        console_bytes: o.console_bytes,
        expect_missing: o.expect_missing.clone(),
        undefined: Default::default(),
        per_cpu: vec![o.insns],
        kernel_cmdline: o.kernel_cmdline.clone(),
        console_failure: o.console_failure.clone(),
        console_failure_kind: o.console_failure_kind,
        flight: vec![Vec::new()],
        handoff: None,
        smp: Default::default(),
        unclaimed: o.unclaimed.clone(),
        longest_quiet: 0,
    };
    let (code, mut description) = verdict(&ro);
    let x86_end = match &o.reason {
        X86Stop::PowerOff => Some("guest powered off (S5 through the ACPI sleep register)".into()),
        X86Stop::HaltedInterruptsOff { rip } => Some(format!(
            "guest halted with interrupts off (HLT at {:#x}, nothing can wake it)",
            rip.wrapping_sub(1)
        )),
        _ => None,
    };
    if let Some(end) = x86_end {
        description = description.replacen("guest powered off (PSCI SYSTEM_OFF)", &end, 1);
    }
    (code, description, ro)
}

/// Judge the handoff at the kernel's first instruction, entered through `kind`: the zero page
/// at RSI (the 64- and 32-bit boot protocols) or `hvm_start_info` at EBX (PVH), then the entry
/// state by the protocol's rules (not by the mode the vCPU happens to be in: a 64-bit entry in
/// 32-bit mode fails `entry64.long-mode`); the 32-bit boot protocol's register rules are not
/// judged. `--no-check` waivers applied. One path for a direct boot and a firmware's handoff.
fn judge_entry(
    kind: EntryKind,
    state: &X86EntryState,
    mem: MemRead,
    exp: &handoff::X86Expected,
    no_check: &[String],
) -> Vec<Check> {
    use bootemu_boot::x86::entry::Mode;
    let mut checks = match kind {
        EntryKind::Pvh => handoff::check_pvh(state.rbx(), mem, exp),
        _ => handoff::check_boot_params(state.rsi(), mem, exp),
    };
    let mode = match kind {
        EntryKind::Pvh => Some(Mode::Protected32),
        EntryKind::Bz64 | EntryKind::ElfEntry => Some(Mode::Long),
        // TODO(X86_ENTRY32_REGS): the 32-bit boot protocol's entry state (flat __BOOT_CS /
        // __BOOT_DS, paging off, ESI the zero page, EBP = EDI = EBX = 0) is not judged.
        EntryKind::Bz32 => None,
    };
    if let Some(mode) = mode {
        let s = X86EntryState {
            mode,
            ..state.clone()
        };
        checks.extend(handoff::check_x86_entry(&s, mem, exp));
    }
    handoff::waive(&mut checks, no_check);
    checks
}

/// A firmware boot's kernel: what it is, where it went, and the checks judged at its entry.
struct FirmwareRun {
    /// The firmware's file name.
    name: String,
    /// The kernel's entries.
    sigs: KernelSigs,
    /// Where the kernel file went (`None`: `--kernel-via none`).
    kernel_module: Option<(u64, u64)>,
    /// The checks, once the kernel is entered.
    checks: Rc<RefCell<Option<Vec<Check>>>>,
}

impl FirmwareRun {
    /// The judge the machine calls at the kernel's entry: the expectations from where the
    /// kernel was found and the initrd file given (`initrd_file`: length and digest; the range
    /// the loader names must hold its bytes), then [`judge_entry`]. Stops
    /// the run on a failure with `--stop-on-check-failure`.
    fn judge(
        &self,
        a: &RunArgs,
        boot: &x86::X86Boot,
        cmdline: &str,
        initrd_file: Option<(u64, u64)>,
    ) -> bootemu_machine::x86::entry_watch::EntryJudge {
        let sigs = self.sigs.clone();
        let out = self.checks.clone();
        let ram = boot.ram.clone();
        let cmdline = cmdline.to_string();
        let no_check = a.no_check.clone();
        let stop = a.stop_on_check_failure;
        Box::new(move |h: &X86Handoff, mem: MemRead| {
            let kind = sigs.sigs[h.found.sig].kind;
            let info = match kind {
                EntryKind::Pvh => h.state.rbx(),
                _ => h.state.rsi(),
            };
            let exp = sigs.expected(&h.found, ram.clone(), Some(&cmdline), initrd_file, info);
            let checks = judge_entry(kind, &h.state, mem, &exp, &no_check);
            let failed = handoff::any_failed(&checks);
            *out.borrow_mut() = Some(checks);
            failed && stop
        })
    }

    /// The kernel-entry checks: judged at the entry; or, never entered, as aarch64's
    /// firmware boots judge it: a run that ended normally (`ended_normally`: its verdict
    /// alone would be success) without starting the kernel is the firmware's failure (FAIL),
    /// one cut short never got to be judged (NOT REACHED). The rules listed are those of the
    /// kernel's first entry (a bzImage's or an ELF's 64-bit protocol, or PVH).
    fn checks(&self, ended_normally: bool) -> Vec<Check> {
        self.checks.borrow().clone().unwrap_or_else(|| {
            let pvh = self.sigs.sigs.first().map(|s| s.kind) == Some(EntryKind::Pvh);
            handoff::not_reached_x86(
                pvh,
                "the firmware never entered the kernel",
                if ended_normally {
                    Status::Fail
                } else {
                    Status::NotReached
                },
            )
        })
    }
}

/// Lay out a firmware boot (`--firmware`) of the kernel `kernel` (planned as `plan`).
fn firmware_boot(
    a: &RunArgs,
    fw_path: &std::path::Path,
    kernel: &[u8],
    plan: &bootemu_boot::Plan,
    linux: &X86Linux,
) -> anyhow::Result<(x86::X86Boot, FirmwareRun)> {
    let name = fw_path.display().to_string();
    let fw_bytes = read_input(fw_path, (a.memory, "guest RAM"))?;
    let fw_plan = bootemu_boot::plan_at(&fw_bytes, x86::kernel_ram(a.memory), None)
        .with_context(|| name.clone())?;
    let sigs = KernelSigs::of(plan, x86::kernel_ram(a.memory))
        .with_context(|| format!("{name}: no x86 kernel entry to watch for"))?;
    let hand_over = a.kernel_via != Some(KernelVia::None);
    let f = x86::firmware::complete_firmware(fw_plan, a.memory, linux, hand_over.then_some(kernel))
        .with_context(|| name.clone())?;
    Ok((
        f.boot,
        FirmwareRun {
            name,
            sigs,
            kernel_module: f.kernel_module,
            checks: Rc::new(RefCell::new(None)),
        },
    ))
}

/// The summary line of accesses no device answered (`verbs`: a read's and a write's word), if
/// there were any.
fn say_unclaimed(u: &bootemu_machine::board::Unclaimed, what: &str, verbs: [&str; 2]) {
    if u.count == 0 {
        return;
    }
    let first: Vec<String> = u
        .first
        .iter()
        .map(|&(addr, write)| format!("{} {addr:#x}", verbs[write as usize]))
        .collect();
    say!(
        "bootemu: {} {what} where no device answers, first: {}",
        u.count,
        first.join(", ")
    );
}

/// Run an x86 kernel; returns the exit code.
pub fn run(a: &RunArgs) -> anyhow::Result<u8> {
    refuse_aarch64_options(a)?;
    let Some(path) = &a.kernel else {
        bail!("--machine microvm needs --kernel (an x86 bzImage or ELF vmlinux)");
    };
    let name = path.display().to_string();
    let report_file = a
        .report
        .as_ref()
        .map(|p| File::create(p).with_context(|| format!("--report {}", p.display())))
        .transpose()?;
    let bytes = read_input(path, (a.memory, "guest RAM"))?;
    if bootemu_boot::arch_of(&bytes) != Some(bootemu_boot::Arch::X86_64) {
        bail!(
            "{name}: not an x86 kernel (a bzImage or an x86-64 ELF vmlinux) for --machine microvm"
        );
    }
    let plan = bootemu_boot::plan_at(&bytes, x86::kernel_ram(a.memory), a.kernel_offset)
        .with_context(|| name.clone())?;
    let linux = X86Linux {
        initrd: a
            .linux
            .initrd
            .as_ref()
            .map(|p| read_input(p, (a.memory, "guest RAM")))
            .transpose()?,
        cmdline: a.linux.append.clone(),
        // `--acpi off` (firmware boots only): no tables.
        acpi: (a.acpi != Some(false)).then(|| X86MachineDesc::microvm(1)),
    };
    let kernel_is_bz = matches!(plan.format.image(), Some(Format::BzImage(_)));
    let (boot, fw) = match &a.firmware {
        Some(p) => {
            let (b, f) = firmware_boot(a, p, &bytes, &plan, &linux)?;
            say!(
                "bootemu: {}: firmware, PVH entry {:#x}; {name}: {}, {}, watched at its {} \
                 entr{}",
                f.name,
                b.state.rip,
                plan.format,
                match f.kernel_module {
                    Some((s, e)) => format!("PVH module 0 at {s:#x}..{e:#x}"),
                    None => "not handed over (--kernel-via none)".into(),
                },
                f.sigs.sigs.len(),
                if f.sigs.sigs.len() == 1 { "y" } else { "ies" },
            );
            (b, Some(f))
        }
        None => (
            x86::complete(plan, a.memory, &linux).with_context(|| name.clone())?,
            None,
        ),
    };
    let expected_cmdline = a.expect_cmdline.as_deref().or(a.linux.append.as_deref());
    let status = crate::progress::Status::start(a.quiet, false);
    let console = console_sink(&a.serial, status.as_ref())?;
    let mut config = X86Config::new(console, a.rtc_epoch);
    config.expect = a.expect.clone();
    config.fail_on = a.fail_on.clone();
    config.hang_insns = a.hang_insns;
    if a.hang_insns == DEFAULT_HANG_INSNS && kernel_is_bz {
        // A bzImage's decompressor runs silently (Debian's XZ one: 4.5 G instructions with no
        // console output and no device access): the default hang rule would end it.
        config.hang_insns = BZIMAGE_HANG_INSNS;
        say!(
            "bootemu: bzImage: --hang-insns {BZIMAGE_HANG_INSNS} by default (its decompressor \
             runs silently)"
        );
    }
    config.interrupt = Some(super::interrupt_flag()?);
    let mut machine = X86Machine::new(config, &boot).with_context(|| name.clone())?;
    if fw.is_none() {
        say!(
            "bootemu: {name}: {}, {} ({}), entry {:#x}",
            boot.plan.format,
            boot.entry.protocol(),
            boot.why,
            boot.state.rip
        );
    }
    // The kernel's entry is the vCPU's state before its first instruction: judged there, on
    // the state the vCPU really holds and the memory it really sees.
    let exp = handoff::X86Expected::of(&boot, Some(expected_cmdline.unwrap_or("")));
    let state = machine.entry_state();
    let mut checks: Vec<Check> = match &fw {
        None => {
            let mem = |addr, len| machine.read_mem(addr, len);
            let kind = EntryKind::of_direct(&boot.entry, kernel_is_bz);
            judge_entry(kind, &state, &mem, &exp, &a.no_check)
        }
        Some(f) => {
            let initrd_file = linux
                .initrd
                .as_deref()
                .map(|b| (b.len() as u64, handoff::digest(b)));
            let judge = f.judge(a, &boot, expected_cmdline.unwrap_or(""), initrd_file);
            machine.watch_kernel_entry(f.sigs.clone(), judge);
            Vec::new()
        }
    };
    let entry_failed = handoff::any_failed(&checks);
    if entry_failed && a.stop_on_check_failure {
        let r = Report {
            name: &name,
            boot: &boot,
            state: &state,
            fw: None,
            seen: None,
            checks: &checks,
            code: 0,
            description: "",
            outcome: None,
        };
        return r.stopped_at_entry(a, report_file);
    }
    let outcome = machine.run(a.max_insns);
    if let Some(s) = status {
        s.finish();
    }
    let handoff_seen = machine.handoff().cloned();
    if let Some(f) = &fw {
        checks = f.checks(x86_verdict(&outcome).0 == crate::outcome::EXIT_OK);
        match &handoff_seen {
            Some(h) => say!(
                "bootemu: kernel entered at {:#x} through its {} after {} instructions of \
                 the firmware (loaded at {:#x})",
                h.found.pa,
                f.sigs.sigs[h.found.sig].kind.name(),
                h.at_insn,
                h.found.load
            ),
            None => say!("bootemu: the firmware never entered the kernel"),
        }
        if outcome.reason == X86Stop::StoppedAtEntry {
            let r = Report {
                name: &name,
                boot: &boot,
                state: &state,
                fw: Some(f),
                seen: handoff_seen.as_ref(),
                checks: &checks,
                code: 0,
                description: "",
                outcome: Some(&outcome),
            };
            return r.stopped_at_entry(a, report_file);
        }
    }
    // Never entered by the firmware: that explains a missing command line too.
    let entry_failed = handoff::any_failed(&checks) || (fw.is_some() && handoff_seen.is_none());
    let (code, description, ro) = x86_verdict(&outcome);
    let mut cmdline = handoff::check_cmdline(
        expected_cmdline,
        outcome.kernel_cmdline.as_deref(),
        entry_failed,
    );
    if cmdline.status != Status::Pass
        && expected_cmdline.is_some()
        && outcome.kernel_cmdline.is_none()
        && !matches!(
            outcome.reason,
            X86Stop::PowerOff | X86Stop::HaltedInterruptsOff { .. }
        )
    {
        cmdline.status = Status::NotReached;
        cmdline.detail =
            "the run ended before the kernel printed \"Kernel command line:\"".to_string();
    }
    let mut last = [cmdline];
    handoff::waive(&mut last, &a.no_check);
    checks.extend(last);
    let code = crate::handoff::exit_code(code, &checks, true);
    let undefined: u64 = outcome.undefined.values().sum();
    let gp_msrs: u64 = outcome.bad_msrs.values().sum();
    say!("bootemu: {description}");
    say!(
        "bootemu: {} instructions ({} of virtual time skipped in HLT), {} console bytes, {} \
         #UD of unimplemented forms ({} distinct), {} #GP of unimplemented MSRs ({} distinct)",
        outcome.insns,
        outcome.clock - outcome.insns,
        outcome.console_bytes,
        undefined,
        outcome.undefined.len(),
        gp_msrs,
        outcome.bad_msrs.len()
    );
    for (form, n) in &outcome.undefined {
        say!("bootemu:   #UD {form:<40} x{n}");
    }
    for (msr, n) in &outcome.bad_msrs {
        say!(
            "bootemu:   #GP MSR {msr:#010x} {:<24} x{n}",
            bootemu_cpu::x86_64::msr::name(*msr).unwrap_or("")
        );
    }
    say_unclaimed(&outcome.unclaimed, "access(es)", ["read", "write"]);
    say_unclaimed(&outcome.unclaimed_ports, "port access(es)", ["in", "out"]);
    if matches!(ro.reason, StopReason::GuestFailure(_)) || code == crate::outcome::EXIT_BUDGET {
        say!("bootemu: vCPU 0 stopped at RIP {:#x}", outcome.rip);
    }
    if fw.is_none() {
        say!(
            "bootemu: kernel entered through the {} ({})",
            boot.entry.protocol(),
            boot.why
        );
    }
    crate::handoff::print_summary(&checks);
    if let Some(file) = report_file {
        let r = Report {
            name: &name,
            boot: &boot,
            state: &state,
            fw: fw.as_ref(),
            seen: handoff_seen.as_ref(),
            checks: &checks,
            code,
            description: &description,
            outcome: Some(&outcome),
        };
        r.write(a, file)?;
    }
    Ok(code)
}

/// What a run's JSON report (`--report`) says, at whichever end the run came to.
struct Report<'a> {
    name: &'a str,
    boot: &'a x86::X86Boot,
    /// The vCPU's state at the start (a direct boot's kernel entry).
    state: &'a X86EntryState,
    fw: Option<&'a FirmwareRun>,
    /// A firmware boot's kernel entry, when reached.
    seen: Option<&'a X86Handoff>,
    checks: &'a [Check],
    code: u8,
    description: &'a str,
    /// The run's end (`None`: stopped before running).
    outcome: Option<&'a X86Outcome>,
}

impl Report<'_> {
    /// The end of a run stopped at the kernel entry by `--stop-on-check-failure`: the
    /// summary, the report, the checks' exit code.
    fn stopped_at_entry(mut self, a: &RunArgs, file: Option<File>) -> anyhow::Result<u8> {
        let why = "stopped at the kernel entry: a hand-off check failed there \
                   (--stop-on-check-failure)";
        say!("bootemu: {why}");
        crate::handoff::print_summary(self.checks);
        self.code = crate::handoff::exit_code(0, self.checks, true);
        self.description = why;
        if let Some(file) = file {
            self.write(a, file)?;
        }
        Ok(self.code)
    }

    /// Write the report to `file` (`--report`'s, created at the start).
    fn write(&self, a: &RunArgs, mut file: File) -> anyhow::Result<()> {
        let Some(path) = &a.report else {
            return Ok(());
        };
        let (boot, state) = (self.boot, self.state);
        let mut json = serde_json::json!({
            "machine": "microvm",
            "kernel": self.name,
            "format": boot.plan.format.to_string(),
            "protocol": boot.entry.protocol(),
            "protocol_why": boot.why,
            "exit_code": self.code,
            "description": self.description,
            "kernel_entry": {
                "rip": format!("{:#x}", state.rip),
                "state": state.describe(),
            },
            "checks": crate::handoff::json(self.checks),
        });
        if let Some(outcome) = self.outcome {
            let ro = x86_verdict(outcome).2;
            let run = serde_json::json!({
                "exit_reason": match outcome.reason {
                    X86Stop::HaltedInterruptsOff { .. } => "halted-interrupts-off",
                    _ => crate::outcome::reason_name(&ro),
                },
                "instructions": outcome.insns,
                "virtual_time": outcome.clock,
                "resets": outcome.resets,
                "console_bytes": outcome.console_bytes,
                "expect_missing": outcome.expect_missing,
                "kernel_cmdline": outcome.kernel_cmdline,
                "console_failure": outcome.console_failure,
                "undefined_forms": outcome.undefined,
                "gp_msrs": outcome.bad_msrs.iter()
                    .map(|(m, n)| (format!("{m:#x}"), *n))
                    .collect::<std::collections::BTreeMap<_, _>>(),
                "unclaimed": outcome.unclaimed.count,
                "unclaimed_ports": outcome.unclaimed_ports.count,
                "rip": format!("{:#x}", outcome.rip),
            });
            if let (Some(o), Some(r)) = (json.as_object_mut(), run.as_object()) {
                o.extend(r.clone());
            }
        }
        if let Some(f) = self.fw {
            json["firmware"] = f.name.clone().into();
            json["kernel_module"] = match f.kernel_module {
                Some((s, e)) => {
                    serde_json::json!({ "start": format!("{s:#x}"), "end": format!("{e:#x}") })
                }
                None => serde_json::Value::Null,
            };
            json["kernel_entry"] = match self.seen {
                Some(h) => {
                    let kind = f.sigs.sigs[h.found.sig].kind;
                    serde_json::json!({
                        "reached": true,
                        "rip": format!("{:#x}", h.state.rip),
                        "found_at": format!("{:#x}", h.found.pa),
                        "entry": kind.name(),
                        "protocol": kind.protocol(),
                        "load": format!("{:#x}", h.found.load),
                        "at_instruction": h.at_insn,
                        "state": h.state.describe(),
                    })
                }
                None => serde_json::json!({ "reached": false }),
            };
        }
        file.write_all((serde_json::to_string_pretty(&json)? + "\n").as_bytes())
            .with_context(|| format!("{}", path.display()))
    }
}
