//! From a run's outcome to the verdict: exit code and a one-line description.
//!
//! 0: all `--expect` markers seen, or PSCI power-off with no marker outstanding (a PSCI reset
//! restarts the guest and the run goes on);
//! 3: guest failure (hang, exception loop, a kernel failure on the console — `Kernel panic`,
//! `Oops`, `Unable to handle kernel` — or power-off before every marker appeared);
//! 4: the instruction budget ran out first, or the host interrupted the run (SIGINT/SIGTERM:
//! the time budget of whoever ran it).

use bootemu_machine::console::FailureKind;
use bootemu_machine::{RunOutcome, StopReason};

/// Success.
pub const EXIT_OK: u8 = 0;
/// The guest failed.
pub const EXIT_GUEST_FAILURE: u8 = 3;
/// The budget ran out.
pub const EXIT_BUDGET: u8 = 4;

/// Short name of a stop reason, for reports.
pub fn reason_name(o: &RunOutcome) -> &'static str {
    match &o.reason {
        StopReason::PowerOff => "power-off",
        StopReason::ExpectSeen => "expect-seen",
        StopReason::BudgetExhausted => "budget-exhausted",
        StopReason::Interrupted => "interrupted",
        StopReason::EntryCheckFailed => "entry-check-failed",
        StopReason::GuestFailure(_) => "guest-failure",
        StopReason::ConsoleFailure(_) => match o.console_failure_kind {
            Some(FailureKind::Firmware) => "firmware-failure",
            Some(FailureKind::User) => "fail-on",
            Some(FailureKind::Kernel) | None => "kernel-failure",
        },
    }
}

/// Exit code and description.
pub fn verdict(o: &RunOutcome) -> (u8, String) {
    let missing = || {
        format!(
            "but --expect marker(s) never appeared: {}",
            o.expect_missing
                .iter()
                .map(|m| format!("{m:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    // A kernel failure came first, whatever ended the run afterwards (markers, power-off, the
    // budget running out while the kernel printed its report).
    if let (Some(line), false) = (
        &o.console_failure,
        matches!(o.reason, StopReason::GuestFailure(_)),
    ) {
        return (
            EXIT_GUEST_FAILURE,
            format!("{} on the console: {line:?}", failure_kind(o)),
        );
    }
    match &o.reason {
        StopReason::ExpectSeen => (EXIT_OK, "all --expect markers seen".into()),
        StopReason::PowerOff => {
            let what = "guest powered off (PSCI SYSTEM_OFF)";
            if o.expect_missing.is_empty() {
                (EXIT_OK, what.into())
            } else {
                (EXIT_GUEST_FAILURE, format!("{what} {}", missing()))
            }
        }
        StopReason::BudgetExhausted => (
            EXIT_BUDGET,
            format!(
                "instruction budget exhausted after {} instructions",
                o.insns
            ),
        ),
        StopReason::GuestFailure(msg) => (EXIT_GUEST_FAILURE, format!("guest failure: {msg}")),
        StopReason::EntryCheckFailed => (
            EXIT_OK,
            "stopped at the kernel entry: a hand-off check failed there \
             (--stop-on-check-failure)"
                .into(),
        ),
        StopReason::Interrupted => (
            EXIT_BUDGET,
            format!(
                "interrupted (SIGINT or SIGTERM) after {} instructions",
                o.insns
            ),
        ),
        StopReason::ConsoleFailure(line) => (
            EXIT_GUEST_FAILURE,
            format!("{} on the console: {line:?}", failure_kind(o)),
        ),
    }
}

/// What a console failure line reports, in words.
fn failure_kind(o: &RunOutcome) -> &'static str {
    match o.console_failure_kind {
        Some(FailureKind::Firmware) => "firmware failure",
        Some(FailureKind::User) => "--fail-on line",
        Some(FailureKind::Kernel) | None => "kernel failure",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(reason: StopReason, missing: &[&str]) -> RunOutcome {
        RunOutcome {
            reason,
            insns: 7,
            clock: 7,
            resets: 0,
            console_bytes: 0,
            expect_missing: missing.iter().map(|s| s.to_string()).collect(),
            undefined: Default::default(),
            per_cpu: vec![7],
            kernel_cmdline: None,
            console_failure: None,
            flight: vec![vec![]],
            handoff: None,
            smp: Default::default(),
            unclaimed: Default::default(),
            console_failure_kind: None,
            longest_quiet: 0,
        }
    }

    #[test]
    fn exit_codes() {
        assert_eq!(verdict(&outcome(StopReason::ExpectSeen, &[])).0, 0);
        assert_eq!(verdict(&outcome(StopReason::PowerOff, &[])).0, 0);
        let (code, msg) = verdict(&outcome(StopReason::PowerOff, &["login:"]));
        assert_eq!(code, 3);
        assert!(msg.contains("\"login:\""), "{msg}");
        assert_eq!(verdict(&outcome(StopReason::BudgetExhausted, &[])).0, 4);
        assert_eq!(verdict(&outcome(StopReason::BudgetExhausted, &["x"])).0, 4);
        let f = StopReason::GuestFailure("WFI".into());
        assert_eq!(verdict(&outcome(f, &[])).0, 3);
        let f = StopReason::ConsoleFailure("Kernel panic - not syncing".into());
        let (code, msg) = verdict(&outcome(f, &[]));
        assert_eq!(code, 3);
        assert!(msg.contains("Kernel panic"), "{msg}");
        let mut o = outcome(StopReason::ExpectSeen, &[]);
        o.console_failure = Some("Oops".into());
        assert_eq!(verdict(&o).0, 3, "a failure before the markers still fails");
        o.reason = StopReason::BudgetExhausted;
        assert_eq!(
            verdict(&o).0,
            3,
            "the failure came before the budget ran out"
        );
    }

    #[test]
    fn firmware_and_fail_on_lines_are_named_as_such() {
        let line = "Synchronous Exception at 0x0000000047843270";
        let mut o = outcome(StopReason::ConsoleFailure(line.into()), &[]);
        o.console_failure = Some(line.into());
        o.console_failure_kind = Some(FailureKind::Firmware);
        let (code, msg) = verdict(&o);
        assert_eq!(code, 3);
        assert!(msg.starts_with("firmware failure on the console"), "{msg}");
        assert_eq!(reason_name(&o), "firmware-failure");
        o.console_failure_kind = Some(FailureKind::User);
        assert_eq!(reason_name(&o), "fail-on");
        assert!(verdict(&o).1.starts_with("--fail-on line"));
    }
}
