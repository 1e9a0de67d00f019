//! Serving the PSCI calls vCPUs make (HVC or SMC): CPU_ON/OFF, CPU_SUSPEND, AFFINITY_INFO,
//! SYSTEM_OFF and SYSTEM_RESET, with the CPU_ON facts recorded for the SMP handoff checks.
//! Decoding the function ids is [`crate::psci`]'s.

use bootemu_boot::handoff::CpuOn;
use bootemu_cpu::aarch64::trace::Event;

use super::{Machine, StopReason, Wait};
use crate::entry;
use crate::gic::{self, GicVersion};
use crate::psci::{self, Call, Power};

/// What the machine does after a PSCI call.
pub(super) enum AfterCall {
    /// Run on.
    Continue,
    /// The caller stopped (CPU_OFF, CPU_SUSPEND): end its slice.
    EndSlice,
    /// End the run.
    Stop(StopReason),
    /// The system was reset.
    Reset,
}

impl Machine {
    /// Serve the PSCI call vCPU `i` just made, and trace it (at the HVC/SMC: the vCPU's PC is
    /// after it, its count includes it).
    pub(super) fn psci(&mut self, i: usize, imm: u16) -> AfterCall {
        let traced = self.vcpus[i].cpu.trace.is_some();
        let c = &self.vcpus[i].cpu;
        let at = (c.insns.wrapping_sub(1), c.pc.wrapping_sub(4), c.el);
        let x = [c.x[0], c.x[1], c.x[2], c.x[3]];
        let (after, result) = self.serve_psci(i, imm);
        if traced {
            if let Some(t) = self.vcpus[i].cpu.trace.as_mut() {
                let ev = Event::Psci {
                    function: x[0] as u32,
                    args: [x[1], x[2], x[3]],
                    result: result.map(|r| r as u64),
                };
                t.event_at(at.0, at.1, at.2, ev);
            }
        }
        after
    }

    /// Serve the call; the result is what X0 became when the call returns to the caller.
    fn serve_psci(&mut self, i: usize, imm: u16) -> (AfterCall, Option<i64>) {
        let x = {
            let c = &self.vcpus[i].cpu;
            [c.x[0], c.x[1], c.x[2], c.x[3]]
        };
        let power: Vec<Power> = self.vcpus.iter().map(|v| v.power).collect();
        let find = |t| psci::find_cpu(t, power.len(), gic::affinity);
        let (ret, after) = match psci::decode(imm, x) {
            Call::Return(v) => (v, AfterCall::Continue),
            Call::Suspend => {
                if self.vcpus[i].cpu.irq.get() == 0 {
                    self.vcpus[i].wait = Some(Wait::Interrupt);
                    (psci::SUCCESS, AfterCall::EndSlice)
                } else {
                    (psci::SUCCESS, AfterCall::Continue)
                }
            }
            Call::CpuOff => {
                let others_on = (0..power.len()).any(|j| j != i && power[j] != Power::Off);
                if others_on {
                    self.vcpus[i].power = Power::Off;
                    self.vcpus[i].wait = None;
                    return (AfterCall::EndSlice, None);
                }
                (psci::DENIED, AfterCall::Continue)
            }
            Call::CpuOn {
                target,
                entry,
                context,
            } => match psci::cpu_on_check(&power, find(target), entry) {
                Ok(t) => {
                    self.restart_cpu(t);
                    let v = &mut self.vcpus[t];
                    v.cpu.pc = entry;
                    v.cpu.x[0] = context;
                    v.power = Power::OnPending;
                    let entered = self.handoff.is_some();
                    self.smp.cpu_ons.push(CpuOn {
                        caller: i,
                        target,
                        entry,
                        context,
                        before_entry: !entered,
                    });
                    if entered {
                        let s =
                            entry::entry_state(t, &self.vcpus[t].cpu, self.gic == GicVersion::V3);
                        self.smp.secondaries.push((s, context));
                    }
                    (psci::SUCCESS, AfterCall::Continue)
                }
                Err(e) => (e, AfterCall::Continue),
            },
            Call::AffinityInfo { target, level } => (
                psci::affinity_info(&power, find(target), level),
                AfterCall::Continue,
            ),
            Call::SystemOff => {
                self.flush_console();
                let reason = match self.console.watch.failure.clone() {
                    Some(line) => StopReason::ConsoleFailure(line),
                    None => StopReason::PowerOff,
                };
                return (AfterCall::Stop(reason), None);
            }
            Call::SystemReset => {
                // A kernel that failed restarts (panic=N): the failure ends the run.
                self.flush_console();
                if let Some(line) = self.console.watch.failure.clone() {
                    return (AfterCall::Stop(StopReason::ConsoleFailure(line)), None);
                }
                self.system_reset();
                return (AfterCall::Reset, None);
            }
        };
        self.vcpus[i].cpu.x[0] = ret as u64;
        (after, Some(ret))
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use super::*;
    use crate::gic::v2;

    #[test]
    fn psci_system_off_ends_the_run() {
        let mut m = machine(&[HVC0, B_SELF], [0x8400_0008, 0, 0, 0], &[]);
        let o = m.run(1000);
        assert_eq!(o.reason, StopReason::PowerOff);
        assert_eq!(o.insns, 1);
    }

    #[test]
    fn unknown_psci_call_returns_not_supported() {
        // MIGRATE (SMC64) is not supported.
        let mut m = machine(&[HVC0, B_SELF], [0xc400_0005, 0, 0, 0], &[]);
        let o = m.run(10);
        assert_eq!(o.reason, StopReason::BudgetExhausted);
        assert_eq!(m.cpu().x[0], u64::MAX);
        assert_eq!(o.insns, 10);
    }

    #[test]
    fn psci_version_and_cpu_off_of_the_last_cpu() {
        let mut m = machine(&[HVC0, B_SELF], [0x8400_0000, 0, 0, 0], &[]);
        m.run(1);
        assert_eq!(m.cpu().x[0], 0x1_0000);
        let mut m = machine(&[HVC0, B_SELF], [0x8400_0002, 0, 0, 0], &[]);
        m.run(1);
        assert_eq!(m.cpu().x[0] as i64, psci::DENIED);
    }

    #[test]
    fn power_off_with_markers_missing_reports_them() {
        let mut m = machine(&[HVC0], [0x8400_0008, 0, 0, 0], &["never"]);
        let o = m.run(100);
        assert_eq!(o.reason, StopReason::PowerOff);
        assert_eq!(o.expect_missing, vec!["never".to_string()]);
    }

    #[test]
    fn smp_gicv2_cpu_on_and_sgi() {
        let mut m = machine_with(config(2, GicVersion::V2), SMP_V2, [0; 4]);
        let o = m.run(1_000_000);
        assert_eq!(o.reason, StopReason::PowerOff);
        let (c0, c1) = (&m.vcpus[0].cpu, &m.vcpus[1].cpu);
        assert_eq!(c0.x[21], 0, "CPU_ON: SUCCESS");
        assert_eq!(c0.x[22] as i64, psci::AFF_ON_PENDING);
        assert_eq!(c0.x[23], 7 | 1 << 10, "SGI 7 from CPU 1");
        assert_eq!(c0.x[24] as i64, psci::AFF_ON);
        assert_eq!(c0.x[25] as i64, psci::ALREADY_ON);
        assert_eq!(c1.x[26], 0x55, "context id in x0");
        assert_eq!((c1.el, c1.daif), (1, 0xf << 6), "EL1, DAIF masked");
        assert_eq!(m.vcpus[1].wait, Some(Wait::Interrupt));
        assert_eq!(
            m.board
                .gic
                .mmio_read(0, crate::gic::GicFrame::Cpu, v2::GICC_RPR, 4),
            0xff
        );
    }

    #[test]
    fn smp_gicv3_sgi1r() {
        let mut m = machine_with(config(2, GicVersion::V3), SMP_V3, [0; 4]);
        let o = m.run(1_000_000);
        assert_eq!(o.reason, StopReason::PowerOff);
        assert!(o.undefined.is_empty(), "{:?}", o.undefined);
        let (c0, c1) = (&m.vcpus[0].cpu, &m.vcpus[1].cpu);
        assert_eq!(c0.x[21], 0);
        assert_eq!(c0.x[23], 5, "SGI 5");
        assert_eq!((c0.x[24] >> 24) & 0xf, 1, "ID_AA64PFR0_EL1.GIC");
        assert_eq!(c0.x[25], 7, "ICC_SRE_EL1: SRE, DFB, DIB");
        assert_eq!(c0.x[22], 0xff, "idle after EOI");
        assert_eq!(c1.x[26], 0x66);
    }
}
