//! `bootemu run` of an x86 kernel on the x86 machine (`--machine microvm`, picked for an x86
//! kernel given without `--machine`): plan the boot ([`bootemu_boot::x86::complete`]: the
//! protocol, the zero page or `hvm_start_info`, the ACPI tables), build the machine, judge the
//! x86 handoff checks at the kernel's entry (the vCPU's state and guest memory before its first
//! instruction), run, report — with the aarch64 run's console, `--serial`, `--expect`, verdict,
//! exit codes and report file.

use std::fs::File;
use std::io::Write;

use anyhow::{bail, Context};
use bootemu_boot::acpi::x86::X86MachineDesc;
use bootemu_boot::handoff::{self, Check, Status};
use bootemu_boot::x86::{self, X86Entry, X86Linux};
use bootemu_machine::x86::machine::{X86Config, X86Machine, X86Outcome, X86Stop};
use bootemu_machine::{RunOutcome, StopReason};

use super::{console_sink, RunArgs};
use bootemu_boot::Format;
use bootemu_machine::machine::DEFAULT_HANG_INSNS;

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
            a.firmware.is_some() || a.pflash0.is_some() || a.pflash1.is_some(),
            "a firmware (direct kernel boot only)",
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
        acpi: Some(X86MachineDesc::microvm(1)),
    };
    let boot = x86::complete(plan, a.memory, &linux).with_context(|| name.clone())?;
    let expected_cmdline = a.expect_cmdline.as_deref().or(a.linux.append.as_deref());
    let status = crate::progress::Status::start(a.quiet, false);
    let console = console_sink(&a.serial, status.as_ref())?;
    let mut config = X86Config::new(console, a.rtc_epoch);
    config.expect = a.expect.clone();
    config.fail_on = a.fail_on.clone();
    config.hang_insns = a.hang_insns;
    if a.hang_insns == DEFAULT_HANG_INSNS
        && matches!(boot.plan.format.image(), Some(Format::BzImage(_)))
    {
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
    say!(
        "bootemu: {name}: {}, {} ({}), entry {:#x}",
        boot.plan.format,
        boot.entry.protocol(),
        boot.why,
        boot.state.rip
    );
    // The kernel's entry is the vCPU's state before its first instruction: judged there, on
    // the state the vCPU really holds and the memory it really sees.
    let exp = handoff::X86Expected::of(&boot, Some(expected_cmdline.unwrap_or("")));
    let state = machine.entry_state();
    let mem = |addr, len| machine.read_mem(addr, len);
    let mut checks: Vec<Check> = match boot.entry {
        X86Entry::Linux64 { .. } => handoff::check_boot_params(state.rsi(), &mem, &exp),
        X86Entry::Pvh { .. } => handoff::check_pvh(state.rbx(), &mem, &exp),
    };
    checks.extend(handoff::check_x86_entry(&state, &mem, &exp));
    handoff::waive(&mut checks, &a.no_check);
    let entry_failed = handoff::any_failed(&checks);
    if entry_failed && a.stop_on_check_failure {
        say!("bootemu: stopped at the kernel entry: a hand-off check failed there (--stop-on-check-failure)");
        crate::handoff::print_summary(&checks);
        return Ok(crate::handoff::exit_code(0, &checks, true));
    }
    let outcome = machine.run(a.max_insns);
    if let Some(s) = status {
        s.finish();
    }
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
    if outcome.unclaimed.count > 0 {
        let first: Vec<String> = outcome
            .unclaimed
            .first
            .iter()
            .map(|&(pa, write)| format!("{} {pa:#x}", if write { "write" } else { "read" }))
            .collect();
        say!(
            "bootemu: {} access(es) where no device answers, first: {}",
            outcome.unclaimed.count,
            first.join(", ")
        );
    }
    if matches!(ro.reason, StopReason::GuestFailure(_)) || code == crate::outcome::EXIT_BUDGET {
        say!("bootemu: vCPU 0 stopped at RIP {:#x}", outcome.rip);
    }
    say!(
        "bootemu: kernel entered through the {} ({})",
        boot.entry.protocol(),
        boot.why
    );
    crate::handoff::print_summary(&checks);
    if let (Some(path), Some(mut file)) = (&a.report, report_file) {
        let json = serde_json::json!({
            "machine": "microvm",
            "kernel": name,
            "format": boot.plan.format.to_string(),
            "protocol": boot.entry.protocol(),
            "protocol_why": boot.why,
            "exit_code": code,
            "description": description,
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
            "rip": format!("{:#x}", outcome.rip),
            "kernel_entry": {
                "rip": format!("{:#x}", state.rip),
                "state": state.describe(),
            },
            "checks": crate::handoff::json(&checks),
        });
        file.write_all((serde_json::to_string_pretty(&json)? + "\n").as_bytes())
            .with_context(|| format!("{}", path.display()))?;
    }
    Ok(code)
}
