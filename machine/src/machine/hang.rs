//! The stop rules judged between rounds: a failure on the console (kernel, firmware or
//! `--fail-on` line, with its grace), a hang (no progress for `--hang-insns`, or a dead loop
//! with interrupts masked) and an exception loop (an exception taken inside the vector table).

use bootemu_cpu::aarch64::sysreg::Reg;

use super::{Machine, StopReason, FAILURE_GRACE, FIRMWARE_GRACE, QUANTUM};
use crate::console::FailureKind;
use crate::psci::Power;

/// PSTATE.I in the DAIF register layout.
const DAIF_I: u32 = 1 << 7;
/// Size of the vector table (VBAR_ELx is 2 KiB aligned).
const VECTOR_TABLE_SIZE: u64 = 0x800;

/// A vCPU's registers at the start of the block it loops in (dead-loop detection).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct LoopState {
    pc: u64,
    nzcv: u32,
    x: [u64; bootemu_cpu::aarch64::state::REG_SLOTS],
}

/// The console-failure rule, shared by every machine: the failure line once its grace
/// ([`FAILURE_GRACE`] for a kernel's, [`FIRMWARE_GRACE`] for a firmware's or a `--fail-on`
/// line) is over or the kernel's panic report ended. `failure_at`/`panic_at` keep when the
/// failure and the panic line were first seen (`executed`: instructions so far).
pub fn failure_stop(
    watch: &crate::console::LineWatch,
    failure_at: &mut Option<u64>,
    panic_at: &mut Option<u64>,
    executed: u64,
) -> Option<String> {
    let line = watch.failure.clone()?;
    let at = *failure_at.get_or_insert(executed);
    let grace = match watch.failure_kind {
        Some(FailureKind::Kernel) | None => FAILURE_GRACE,
        Some(FailureKind::Firmware | FailureKind::User) => FIRMWARE_GRACE,
    };
    // After `Kernel panic` the kernel prints its call trace and `---[ end Kernel panic`:
    // the run keeps them, with a short bound for a kernel that never prints that end.
    let panic_over = match (watch.panicked, *panic_at) {
        (false, _) => false,
        (true, None) => {
            *panic_at = Some(executed);
            watch.panic_ended
        }
        (true, Some(p)) => watch.panic_ended || executed - p >= FIRMWARE_GRACE,
    };
    (panic_over || executed - at >= grace).then_some(line)
}

impl Machine {
    /// Whether a failure on the console ends the run now.
    pub(super) fn console_failure_stop(&mut self) -> Option<StopReason> {
        failure_stop(
            &self.console.watch,
            &mut self.failure_at,
            &mut self.panic_at,
            self.executed,
        )
        .map(StopReason::ConsoleFailure)
    }

    /// Whether the guest has shown no progress for [`MachineConfig::hang_insns`] instructions,
    /// or sits in a dead loop: its only running vCPU, with IRQs masked, ran nothing but one
    /// block over and over for a whole round without touching a device (nothing can ever
    /// change what that loop reads).
    pub(super) fn hang_stop(&mut self) -> Option<StopReason> {
        let progress = (self.console.bytes, self.board.accesses);
        if progress != self.progress_seen {
            self.progress_seen = progress;
            self.quiet_since = self.executed;
            return None;
        }
        let quiet = self.executed - self.quiet_since;
        let mut on = self.vcpus.iter().filter(|v| v.power != Power::Off);
        let only = match (on.next(), on.next()) {
            (Some(v), None) => Some(v),
            _ => None,
        };
        let stuck = match only {
            Some(v) if self.hang_insns != 0 && v.cpu.daif & DAIF_I != 0 && quiet >= QUANTUM => v
                .cpu
                .flight
                .stuck_at(&self.flight_words())
                .map(|pc| LoopState {
                    pc,
                    nzcv: v.cpu.nzcv(),
                    x: v.cpu.x,
                }),
            _ => None,
        };
        // The same block, entered with the same registers twice in a row a round apart, and
        // nothing outside the vCPU touched: it will loop forever.
        if let (Some(now), Some(before)) = (&stuck, &self.loop_seen) {
            if now == before {
                return Some(StopReason::GuestFailure(format!(
                    "hang: dead loop at {:#x} with interrupts masked (one block over and over \
                     with the same registers, no device access)",
                    now.pc
                )));
            }
        }
        self.loop_seen = stuck;
        self.longest_quiet = self.longest_quiet.max(quiet);
        (self.hang_insns != 0 && quiet >= self.hang_insns).then(|| {
            StopReason::GuestFailure(format!(
                "hang: no console output and no device access for {quiet} instructions \
                 (--hang-insns)"
            ))
        })
    }

    /// An exception taken from inside the current vector table, seen from where vCPU `i`
    /// stopped.
    pub(super) fn exception_loop(&self, i: usize) -> Option<String> {
        let v = &self.vcpus[i];
        if v.power != Power::On {
            return None;
        }
        let cpu = &v.cpu;
        let (vbar, elr, esr, far) = match cpu.el {
            1 => (Reg::VbarEl1, Reg::ElrEl1, Reg::EsrEl1, Reg::FarEl1),
            2 => (Reg::VbarEl2, Reg::ElrEl2, Reg::EsrEl2, Reg::FarEl2),
            _ => return None,
        };
        let sys = &cpu.sys;
        let base = sys.get(vbar) & !(VECTOR_TABLE_SIZE - 1);
        let inside = |a: u64| a.wrapping_sub(base) < VECTOR_TABLE_SIZE;
        let who = if self.vcpus.len() > 1 {
            format!("vCPU {i} ")
        } else {
            String::new()
        };
        // ESR_ELx is 0 until an exception is taken (every A64 synchronous exception sets
        // ESR.IL): code that merely runs at the reset VBAR of 0 (a firmware in flash) is no loop.
        let taken = sys.get(esr) != 0;
        (taken && inside(cpu.pc) && inside(sys.get(elr))).then(|| {
            format!(
                "{who}exception loop at EL{}: exception taken inside the vector table at {:#x} \
                 (ELR {:#x}, ESR {:#x}, FAR {:#x})",
                cpu.el,
                base,
                sys.get(elr),
                sys.get(esr),
                sys.get(far)
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use crate::profile::VIRT_UART0;

    #[test]
    fn kernel_panic_on_the_console_ends_the_run() {
        let code = print_then(
            "[ 1.0] Kernel command line: a=b\nKernel panic - x\nCall trace:\n f+0x0/0x4\n\
             ---[ end Kernel panic - x ]---\nmore\n",
            &[B_SELF],
        );
        let mut m = machine(&code, [0, VIRT_UART0, 0, 0], &["never"]);
        let o = m.run(100 * QUANTUM);
        assert_eq!(
            o.reason,
            StopReason::ConsoleFailure("Kernel panic - x".into())
        );
        assert_eq!(
            o.insns, QUANTUM,
            "at the end of the round that printed the end of the panic report"
        );
        assert_eq!(o.kernel_cmdline.as_deref(), Some("a=b"));
        assert_eq!(o.console_failure.as_deref(), Some("Kernel panic - x"));
        assert_eq!(o.per_cpu, vec![QUANTUM]);
        let f = &o.flight[0];
        assert_eq!(f.len(), FLIGHT_INSNS);
        assert_eq!(f.last().unwrap().insn, QUANTUM - 1);
        assert!(f
            .iter()
            .all(|r| r.word == B_SELF && r.pc == ENTRY + 4 * (code.len() as u64 - 1)));
    }

    #[test]
    fn a_panic_without_its_end_line_ends_the_run_a_little_later() {
        // The loop after the panic reads the counter (a kernel's mdelay), so it is no dead loop.
        let code = print_then("Kernel panic - x\nCall trace:\n", &[MRS_CNTVCT, B_BACK1]);
        let mut m = machine(&code, [0, VIRT_UART0, 0, 0], &[]);
        let o = m.run(10 * FAILURE_GRACE);
        assert_eq!(
            o.reason,
            StopReason::ConsoleFailure("Kernel panic - x".into())
        );
        assert!(o.insns >= FIRMWARE_GRACE && o.insns < FIRMWARE_GRACE + 2 * QUANTUM);
    }

    #[test]
    fn oops_then_reset_ends_the_run_at_the_reset() {
        let code = print_then("Internal error: Oops - BUG\nregs\n", &[HVC0, B_SELF]);
        let mut m = machine(&code, [0x8400_0009, VIRT_UART0, 0, 0], &[]);
        let o = m.run(100 * QUANTUM);
        assert_eq!(
            o.reason,
            StopReason::ConsoleFailure("Internal error: Oops - BUG".into())
        );
        assert_eq!(o.resets, 0);
        assert_eq!(o.insns, code.len() as u64 - 1);
        assert_eq!(o.flight[0].last().unwrap().word, HVC0);
    }

    #[test]
    fn oops_without_panic_ends_the_run_after_the_grace() {
        // IRQs unmasked: the loop waits for an interrupt that could come, so it is no dead loop.
        let code = print_then(
            "Unable to handle kernel NULL pointer\n",
            &[MSR_DAIFCLR_2, B_SELF],
        );
        let mut m = machine(&code, [0, VIRT_UART0, 0, 0], &[]);
        let o = m.run(10 * FAILURE_GRACE);
        assert!(
            matches!(o.reason, StopReason::ConsoleFailure(_)),
            "{:?}",
            o.reason
        );
        assert_eq!(o.insns, QUANTUM + FAILURE_GRACE);
    }

    #[test]
    fn dead_loop_after_an_oops_ends_the_run_before_the_grace() {
        // IRQs masked, one block, same registers: the dead-loop rule ends the run at once, on
        // the failure line (the cause).
        let code = print_then("Unable to handle kernel NULL pointer\n", &[B_SELF]);
        let mut m = machine(&code, [0, VIRT_UART0, 0, 0], &[]);
        let o = m.run(10 * FAILURE_GRACE);
        assert_eq!(
            o.reason,
            StopReason::ConsoleFailure("Unable to handle kernel NULL pointer".into())
        );
        // Round 1 prints, round 2 sees the loop, round 3 sees it again with the same registers.
        assert_eq!(o.insns, 3 * QUANTUM);
        assert_eq!(
            o.console_failure.as_deref(),
            Some("Unable to handle kernel NULL pointer")
        );
    }

    #[test]
    fn undefined_code_at_the_vectors_is_an_exception_loop() {
        // UDF #0 at the entry, and the vectors (VBAR_EL1 = 0, empty flash) hold zeros too.
        let mut m = machine(&[0], [0; 4], &[]);
        let o = m.run(10 * QUANTUM);
        match o.reason {
            StopReason::GuestFailure(msg) => assert!(msg.contains("exception loop"), "{msg}"),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(o.insns, QUANTUM);
        assert_eq!(o.undefined.get(&0), Some(&QUANTUM));
    }
}
