//! What a boot timeline is made of, recorded by the run loop: each vCPU's boot phases
//! (always: one check per slice piece), its PC sampled every N of its instructions (only when
//! [`Machine::sample_pcs`] asked for it), and the console lines with the time each ended (only
//! when [`crate::console::Console::log_lines`] asked for it). The CLI names the samples and
//! writes the file.
//!
//! Phases of a vCPU only move forward ([`Phase`] order): firmware while a firmware boots and the
//! kernel entry has not been captured ([`Machine::firmware_boot`]); then, at EL1/EL2, the kernel
//! with the MMU off (SCTLR_ELx.M clear at the current EL, DDI 0487 D17.2) and the kernel with the
//! MMU on; then userspace from the first time the vCPU runs at EL0 (the kernel's work after that,
//! system calls and interrupts, counts there too). A phase change is seen at the end of the slice
//! piece in which it happened, so it is placed at most one piece late (a piece is at most a
//! [`super::QUANTUM`], or the sampling period when sampling); the kernel entry is exact (it ends
//! a piece). A PSCI SYSTEM_RESET does not restart the phases.
//!
//! Sampling: the vCPU's run is split so that a piece ends exactly at every multiple of N of its
//! own instructions (counted over CPU_ON restarts and resets), where its next PC and EL are
//! taken, and how many exceptions it has taken and device accesses it has made so far (the
//! core counts them at exception entry and in its device access path). Nothing else is read, so the cost with sampling off is one test per piece; with it on
//! the splits are deterministic (a run with the same options is the same), but an interrupt
//! that becomes pending in the middle of a block may be taken a few instructions earlier than
//! in a run without sampling, since interrupts are taken at block starts.

use bootemu_cpu::aarch64::sysreg::Reg;
use bootemu_cpu::aarch64::{Activity, Cpu};

use super::Machine;

/// A stretch of a vCPU's boot, in the order they come.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// A firmware runs, the kernel entry not captured yet.
    Firmware,
    /// The kernel (or a bare guest) with the MMU off.
    KernelMmuOff,
    /// The kernel with the MMU on.
    Kernel,
    /// From the first instruction at EL0 on.
    Userspace,
}

impl Phase {
    /// All phases, in order.
    pub const ALL: [Phase; 4] = [
        Phase::Firmware,
        Phase::KernelMmuOff,
        Phase::Kernel,
        Phase::Userspace,
    ];

    /// The identifier the report uses.
    pub fn id(self) -> &'static str {
        match self {
            Phase::Firmware => "firmware",
            Phase::KernelMmuOff => "kernel-mmu-off",
            Phase::Kernel => "kernel",
            Phase::Userspace => "userspace",
        }
    }

    /// The name timelines and the end-of-run lines use.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Firmware => "firmware",
            Phase::KernelMmuOff => "kernel (MMU off)",
            Phase::Kernel => "kernel",
            Phase::Userspace => "userspace",
        }
    }
}

/// Where a vCPU entered a phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhaseMark {
    /// The phase entered.
    pub phase: Phase,
    /// The vCPU's own instruction count there (over restarts).
    pub insn: u64,
    /// Its virtual time (system counter) there.
    pub time: u64,
}

/// One PC sample of a vCPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// The vCPU's own instruction count (a multiple of the period).
    pub insn: u64,
    /// Its virtual time.
    pub time: u64,
    /// The next instruction's PC.
    pub pc: u64,
    /// Its exception level.
    pub el: u8,
    /// Exceptions taken and device accesses made by the vCPU so far (over restarts).
    pub activity: Activity,
}

/// What the run recorded of one vCPU.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VcpuTimeline {
    /// Phases entered, in order (empty for a vCPU that never ran).
    pub phases: Vec<PhaseMark>,
    /// PC samples, in order (empty unless sampling).
    pub samples: Vec<Sample>,
    /// Instructions it ran in all (over restarts).
    pub insns: u64,
    /// Its virtual time when it last ran.
    pub end_time: u64,
    /// Exceptions it took and device accesses it made in all (over restarts).
    pub activity: Activity,
}

impl VcpuTimeline {
    /// Instructions spent in each phase of [`Phase::ALL`].
    pub fn phase_insns(&self) -> [u64; 4] {
        let mut out = [0; 4];
        for (k, m) in self.phases.iter().enumerate() {
            let end = self.phases.get(k + 1).map_or(self.insns, |n| n.insn);
            out[m.phase as usize] += end.saturating_sub(m.insn);
        }
        out
    }
}

/// The PC sampler's state.
#[derive(Debug)]
pub(super) struct Sampler {
    /// The period, in instructions of one vCPU.
    every: u64,
    /// Per vCPU: its instruction count at its next sample.
    next: Vec<u64>,
}

impl Machine {
    /// Sample every vCPU's PC every `every` of its instructions (0: no sampling); see the
    /// module documentation.
    pub fn sample_pcs(&mut self, every: u64) {
        self.sampler = (every > 0).then(|| Sampler {
            every,
            next: vec![0; self.vcpus.len()],
        });
    }

    /// The guest starts in a firmware: the [`Phase::Firmware`] lasts until the kernel entry
    /// is captured.
    pub fn firmware_boot(&mut self) {
        self.firmware = true;
    }

    /// vCPU `i`'s instructions over restarts.
    pub(super) fn vcpu_insns(&self, i: usize) -> u64 {
        self.retired[i] + self.vcpus[i].cpu.insns
    }

    /// At most `n` instructions, fewer so that vCPU `i` stops at its next sample.
    pub(super) fn until_sample(&self, i: usize, n: u64) -> u64 {
        match &self.sampler {
            Some(s) => n.min(s.next[i].saturating_sub(self.vcpu_insns(i)).max(1)),
            None => n,
        }
    }

    /// After a piece of vCPU `i`'s slice (and before its first): its phase, and its sample if
    /// it stands at one.
    pub(super) fn observe(&mut self, i: usize) {
        let insn = self.vcpu_insns(i);
        let cpu = &self.vcpus[i].cpu;
        let time = cpu.counter();
        let activity = self.retired_activity[i].plus(cpu.stats.activity);
        let t = &mut self.timeline[i];
        t.insns = insn;
        t.end_time = time;
        t.activity = activity;
        let phase = phase_of(cpu, self.firmware && self.handoff.is_none());
        if t.phases.last().is_none_or(|m| phase > m.phase) {
            t.phases.push(PhaseMark { phase, insn, time });
        }
        if let Some(s) = &mut self.sampler {
            if insn >= s.next[i] {
                t.samples.push(Sample {
                    insn,
                    time,
                    pc: cpu.pc,
                    el: cpu.el,
                    activity,
                });
                s.next[i] = (insn / s.every + 1) * s.every;
            }
        }
    }

    /// What the run recorded of each vCPU so far.
    pub fn timeline(&self) -> &[VcpuTimeline] {
        &self.timeline
    }
}

/// The phase `cpu` is in now; `firmware` while a firmware runs.
fn phase_of(cpu: &Cpu, firmware: bool) -> Phase {
    if firmware {
        return Phase::Firmware;
    }
    let sctlr = match cpu.el {
        0 => return Phase::Userspace,
        2 => Reg::SctlrEl2,
        _ => Reg::SctlrEl1,
    };
    if cpu.sys.get(sctlr) & 1 == 0 {
        Phase::KernelMmuOff
    } else {
        Phase::Kernel
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use super::*;

    #[test]
    fn samples_fall_on_multiples_of_the_period() {
        // add x3, x3, #1; b .-4 (registers change: no dead loop).
        let mut m = machine(&[0x9100_0463, B_BACK1], [0; 4], &[]);
        m.sample_pcs(3000);
        let o = m.run(2 * QUANTUM + 500);
        assert_eq!(o.reason, StopReason::BudgetExhausted);
        let t = &m.timeline()[0];
        let at: Vec<u64> = t.samples.iter().map(|s| s.insn).collect();
        assert_eq!(at, (0..=6).map(|k| k * 3000).collect::<Vec<_>>());
        assert!(
            t.samples.iter().all(|s| s.pc == ENTRY && s.el == 1),
            "even counts: at the add"
        );
        assert_eq!(t.samples[2].time, 6000, "one tick per instruction");
        assert_eq!(t.insns, 2 * QUANTUM + 500);
        assert_eq!(
            t.phases,
            [PhaseMark {
                phase: Phase::KernelMmuOff,
                insn: 0,
                time: 0
            }]
        );
        assert_eq!(t.phase_insns(), [0, 2 * QUANTUM + 500, 0, 0]);
    }

    #[test]
    fn sampling_off_records_phases_only() {
        let mut m = machine(&[0x9100_0463, B_BACK1], [0; 4], &[]);
        m.firmware_boot();
        m.run(QUANTUM);
        let t = &m.timeline()[0];
        assert!(t.samples.is_empty());
        assert_eq!(t.phase_insns(), [QUANTUM, 0, 0, 0], "no kernel entry seen");
    }

    #[test]
    fn phase_of_a_vcpu_and_instructions_per_phase() {
        let mut cpu = Cpu::new(1);
        assert_eq!(phase_of(&cpu, true), Phase::Firmware);
        assert_eq!(phase_of(&cpu, false), Phase::KernelMmuOff);
        cpu.sys.set(Reg::SctlrEl1, 1);
        assert_eq!(phase_of(&cpu, false), Phase::Kernel);
        cpu.el = 0;
        assert_eq!(phase_of(&cpu, false), Phase::Userspace);
        let t = VcpuTimeline {
            phases: vec![
                PhaseMark {
                    phase: Phase::KernelMmuOff,
                    insn: 0,
                    time: 0,
                },
                PhaseMark {
                    phase: Phase::Kernel,
                    insn: 100,
                    time: 100,
                },
                PhaseMark {
                    phase: Phase::Userspace,
                    insn: 1000,
                    time: 5000,
                },
            ],
            samples: Vec::new(),
            insns: 1500,
            end_time: 6000,
            activity: Activity::default(),
        };
        assert_eq!(t.phase_insns(), [0, 100, 900, 500]);
    }
}
