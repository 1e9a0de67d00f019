//! The generic timer as the machine sees it (DDI 0487 D12): the system counter is virtual time,
//! `insns + time_offset`; the EL1 physical, EL1 virtual and EL2 physical timers drive PPIs 30,
//! 27 and 26 through the machine's interrupt controller.

use super::state::Cpu;

/// Bit of [`Cpu::timer_levels`]: EL1 virtual timer (PPI 27).
pub const TIMER_VIRT: u32 = 1;
/// Bit of [`Cpu::timer_levels`]: EL1 physical timer (PPI 30).
pub const TIMER_PHYS: u32 = 2;
/// Bit of [`Cpu::timer_levels`]: EL2 physical timer (PPI 26).
pub const TIMER_HYP: u32 = 4;

impl Cpu {
    /// The system counter (CNTPCT_EL0).
    #[inline]
    pub fn counter(&self) -> u64 {
        self.insns.wrapping_add(self.time_offset)
    }

    /// Output levels of the timers (a set of `TIMER_*`): enabled, not masked, and the
    /// condition met.
    pub fn timer_levels(&self) -> u32 {
        // TODO(FEAT_TIMER): filled in by the timer work.
        0
    }

    /// The smallest counter value at which an enabled, unmasked timer that is not yet firing
    /// will fire, if any: the machine runs this vCPU no further than that without looking.
    pub fn next_timer_deadline(&self) -> Option<u64> {
        // TODO(FEAT_TIMER): filled in by the timer work.
        None
    }
}
