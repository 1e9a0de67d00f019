//! Handoff checks for `bootemu run`: arm the kernel-entry watch, judge the captured state with
//! [`bootemu_boot::handoff`], print the summary and give the JSON.
//!
//! Exit code: a failed check at the kernel entry gives 1 whatever the run did afterwards (it is
//! the likely cause of what followed); `boot.cmdline`, or an entry that was never reached,
//! turns a success (0) into 1 and leaves a guest failure (3) or budget exit (4) as it is.

use bootemu_boot::handoff::{self, Check, EntryWatch, Expected, Rule, Status};
use bootemu_boot::{Format, Plan};
use bootemu_machine::entry::{EntrySpec, WatchAt};
use bootemu_machine::{EntryJudge, Machine, Profile, RunOutcome, StopReason};
use serde_json::{json, Value};

use crate::outcome::EXIT_OK;

/// Exit code for a failed handoff rule.
pub const EXIT_HANDOFF: u8 = 1;

/// Arm the watch for an arm64 Image's `primary_entry` where the plan put it; `None` (no
/// checks) for other formats.
pub fn arm(machine: &mut Machine, plan: &Plan) -> Option<EntrySpec> {
    if !matches!(plan.format.image(), Some(Format::Arm64Image { .. })) {
        return None;
    }
    let image = plan.blobs.first()?;
    let watch = EntryWatch::from_image(&image.bytes)?;
    let spec = EntrySpec {
        watch,
        at: WatchAt::Exact(image.addr + watch.entry_offset),
    };
    machine.watch_kernel_entry(spec);
    Some(spec)
}

/// What the checks compare against: the machine's RAM, the command line asked for, where
/// bootemu put the initrd (unless a firmware was free to move it: then the kernel must be told
/// of a range holding the file's bytes, `initrd_file`, wherever it is) and the vCPU count.
pub fn expected(
    plan: &Plan,
    profile: &Profile,
    smp: usize,
    cmdline: Option<&str>,
    initrd_file: Option<(u64, u64)>,
) -> Expected {
    let initrd = plan
        .map
        .iter()
        .find(|m| m.what == bootemu_boot::MAP_INITRD)
        .map(|m| (m.start, m.start + m.size))
        .filter(|_| initrd_file.is_none());
    Expected {
        ram: vec![profile.ram()],
        cmdline: cmdline.map(String::from),
        initrd,
        initrd_file,
        smp,
    }
}

/// `--stop-on-check-failure`: judge the entry as soon as it is captured (the same entry rules
/// as [`judge`], with `waived` applied) and end the run when one fails.
pub fn entry_judge(exp: Expected, waived: Vec<String>) -> EntryJudge {
    Box::new(move |h| {
        let mut c = handoff::check_entry(&h.entry, &h.fdt, &h.image, &exp);
        handoff::waive(&mut c, &waived);
        handoff::any_failed(&c)
    })
}

/// The kernel-entry checks of a captured entry, with `waived` applied, one line each (gdb's
/// `monitor checks`).
pub fn entry_checks(
    h: &bootemu_machine::entry::Handoff,
    exp: &Expected,
    waived: &[String],
) -> Vec<String> {
    let mut c = handoff::check_entry(&h.entry, &h.fdt, &h.image, exp);
    handoff::waive(&mut c, waived);
    c.iter()
        .map(|c| format!("{}: {} {}", c.id(), c.status.name(), c.detail))
        .collect()
}

/// Judge the run: the checks, with `waived` applied.
pub fn judge(o: &RunOutcome, exp: &Expected, waived: &[String]) -> Vec<Check> {
    let cmdline = exp.cmdline.as_deref();
    let mut checks = match &o.handoff {
        Some(h) => {
            let mut c = handoff::check_entry(&h.entry, &h.fdt, &h.image, exp);
            c.extend(handoff::check_smp(&h.entry, &h.fdt, &h.image, exp, &o.smp));
            c
        }
        None => {
            // A run that ended normally without ever starting the kernel is the firmware's
            // failure; one cut short (budget, guest failure) never got to be judged.
            let (code, _) = crate::outcome::verdict(o);
            let status = if code == EXIT_OK {
                Status::Fail
            } else {
                Status::NotReached
            };
            handoff::not_reached(
                "kernel entry (primary_entry with the MMU off) never reached",
                status,
            )
        }
    };
    // Waived entry failures do not explain a missing command line: waive before judging it.
    handoff::waive(&mut checks, waived);
    let entry_failed = handoff::any_failed(&checks) || o.handoff.is_none();
    let mut cmdline_check =
        handoff::check_cmdline(cmdline, o.kernel_cmdline.as_deref(), entry_failed);
    if cmdline_check.status != Status::Pass
        && cmdline.is_some()
        && o.kernel_cmdline.is_none()
        && o.reason != StopReason::PowerOff
    {
        cmdline_check.status = Status::NotReached;
        cmdline_check.detail = format!(
            "the run ended ({}) before the kernel printed \"Kernel command line:\"",
            ended_how(&o.reason)
        );
    }
    let mut last = [cmdline_check];
    handoff::waive(&mut last, waived);
    checks.extend(last);
    checks
}

/// Why a run ended, in words.
fn ended_how(r: &StopReason) -> &'static str {
    match r {
        StopReason::PowerOff => "the guest powered off",
        StopReason::ExpectSeen => "every --expect marker appeared",
        StopReason::BudgetExhausted => "the instruction budget ran out",
        StopReason::GuestFailure(_) => "the guest failed",
        StopReason::ConsoleFailure(_) => "a failure appeared on the console",
        StopReason::Interrupted => "it was interrupted",
        StopReason::EntryCheckFailed => "a hand-off check failed at the kernel entry",
    }
}

/// The exit code after the checks (see the module documentation).
pub fn exit_code(code: u8, checks: &[Check], reached: bool) -> u8 {
    let entry_failed = reached
        && checks
            .iter()
            .any(|c| c.status == Status::Fail && c.rule != Rule::BootCmdline);
    if entry_failed || (code == EXIT_OK && handoff::any_failed(checks)) {
        EXIT_HANDOFF
    } else {
        code
    }
}

/// Print the summary on stderr: a header line with the counts, then one line per check.
pub fn print_summary(checks: &[Check]) {
    let n = |s| checks.iter().filter(|c| c.status == s).count();
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.id())
        .collect();
    say!(
        "bootemu: handoff checks: {} pass, {} fail{}, {} waived, {} n/a{}",
        n(Status::Pass),
        failed.len(),
        if failed.is_empty() {
            String::new()
        } else {
            format!(" ({})", failed.join(", "))
        },
        n(Status::Waived),
        n(Status::NotApplicable),
        match n(Status::NotReached) {
            0 => String::new(),
            k => format!(", {k} not reached (the run ended first)"),
        }
    );
    for line in handoff::summary(checks).lines() {
        say!("  {line}");
    }
}

/// The `checks` array of the report.
pub fn json(checks: &[Check]) -> Value {
    checks
        .iter()
        .map(|c| json!({ "id": c.id(), "rule": c.rule_text(), "status": c.status.name(), "detail": c.detail }))
        .collect()
}

/// The `kernel_entry` object of the report.
pub fn entry_json(o: &RunOutcome) -> Value {
    match &o.handoff {
        Some(h) => json!({
            "cpu": h.entry.cpu,
            "pc": format!("{:#x}", h.entry.pc),
            "el": h.entry.el,
            "x0": format!("{:#x}", h.entry.x[0]),
            "image_start": format!("{:#x}", h.image.start),
            "image_base": h
                .image
                .start
                .checked_sub(h.image.watch.text_offset)
                .map_or(Value::Null, |b| format!("{b:#x}").into()),
            "text_offset": format!("{:#x}", h.image.watch.text_offset),
            "entry_offset": format!("{:#x}", h.image.watch.entry_offset),
            "entered": h.image.path.name(),
            "entered_how": h.image.path.describe(),
            "at_instruction": h.at_insn,
        }),
        None => Value::Null,
    }
}
