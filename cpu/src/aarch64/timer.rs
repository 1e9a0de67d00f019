//! The generic timer (DDI 0487 D12, "The Generic Timer in AArch64 state"; register descriptions
//! in D19.9 / D19.10): the system counter, the EL1 physical, EL1 virtual and EL2 physical timers,
//! their access controls, and what the machine reads of them.
//!
//! Time is the instruction count: the system counter (CNTPCT_EL0) is `insns + time_offset`, one
//! tick per instruction, and CNTFRQ_EL0 reports 62.5 MHz (as QEMU's `virt` with a Cortex-A57), so
//! a virtual second is 62.5 M instructions. The machine moves `time_offset` forward when every
//! vCPU idles. The executor counts a whole block before running it and a system-counter read
//! (any MRS with CRn = 14) always ends its block, so a read by the instruction numbered `k` (the
//! trace numbering, from 0) returns exactly `k + 1 + time_offset`: the count once it retires.
//!
//! The virtual counter is CNTVCT_EL0 = CNTPCT_EL0 − CNTVOFF_EL2. Each timer has CTL (ENABLE,
//! IMASK, read-only ISTATUS), CVAL (compare value) and TVAL (a signed 32-bit view of CVAL −
//! counter). The timer condition is `counter >= CVAL` (unsigned 64-bit); ISTATUS reads it while
//! ENABLE is set (0 otherwise, an allowed value of the UNKNOWN). The output level is ENABLE and
//! not IMASK and the condition: [`Cpu::timer_levels`], which the machine drives into PPIs 27
//! (virtual), 30 (physical) and 26 (EL2 physical).
//!
//! Every write to CTL/CVAL/TVAL, CNTVOFF_EL2 or CNTHCTL_EL2 ends the run with
//! [`Exit::Yield`](crate::aarch64::Exit::Yield) so that the machine recomputes levels and
//! deadlines.
//!
//! Access controls: CNTKCTL_EL1.{EL0PCTEN, EL0VCTEN, EL0PTEN, EL0VTEN} trap EL0 accesses to EL1
//! (to EL2 when HCR_EL2.TGE is set); with EL2 implemented, CNTHCTL_EL2.EL1PCTEN and EL1PCEN trap
//! EL0/EL1 accesses to the physical counter and the physical timer to EL2 (the non-VHE layout).
//!
//! Event streams (CNTKCTL_EL1.EVNTEN from the virtual count, CNTHCTL_EL2.EVNTEN from the
//! physical count) are reported to the machine by [`Cpu::next_event_stream`], which wakes a
//! vCPU waiting in WFE there; an event-stream event while the vCPU runs does not set its event
//! register (a later WFE waits for the next one instead of completing at once).

use super::state::{Cpu, Exit};
use super::sysreg::{Deny, Dir, Reg};

/// Bit of [`Cpu::timer_levels`]: EL1 virtual timer (PPI 27).
pub const TIMER_VIRT: u32 = 1;
/// Bit of [`Cpu::timer_levels`]: EL1 physical timer (PPI 30).
pub const TIMER_PHYS: u32 = 2;
/// Bit of [`Cpu::timer_levels`]: EL2 physical timer (PPI 26).
pub const TIMER_HYP: u32 = 4;

/// CNTx_CTL.ENABLE.
pub const CTL_ENABLE: u64 = 1 << 0;
/// CNTx_CTL.IMASK.
pub const CTL_IMASK: u64 = 1 << 1;
/// CNTx_CTL.ISTATUS (read-only).
pub const CTL_ISTATUS: u64 = 1 << 2;

/// CNTKCTL_EL1.EL0PCTEN: EL0 may read CNTPCT_EL0 (and CNTFRQ_EL0).
pub const CNTKCTL_EL0PCTEN: u64 = 1 << 0;
/// CNTKCTL_EL1.EL0VCTEN: EL0 may read CNTVCT_EL0 (and CNTFRQ_EL0).
pub const CNTKCTL_EL0VCTEN: u64 = 1 << 1;
/// CNTKCTL_EL1.EVNTEN / CNTHCTL_EL2.EVNTEN: event stream enabled.
pub const EVNTEN: u64 = 1 << 2;
/// CNTKCTL_EL1.EVNTDIR / CNTHCTL_EL2.EVNTDIR: events on 1-to-0 transitions (else 0-to-1).
pub const EVNTDIR: u64 = 1 << 3;
/// CNTKCTL_EL1.EL0VTEN: EL0 may access the CNTV_* registers.
pub const CNTKCTL_EL0VTEN: u64 = 1 << 8;
/// CNTKCTL_EL1.EL0PTEN: EL0 may access the CNTP_* registers.
pub const CNTKCTL_EL0PTEN: u64 = 1 << 9;
/// CNTKCTL_EL1: the defined bits (9:0), the others are RES0.
pub const CNTKCTL_MASK: u64 = 0x3ff;
/// CNTHCTL_EL2.EL1PCTEN: EL0/EL1 may read CNTPCT_EL0.
pub const CNTHCTL_EL1PCTEN: u64 = 1 << 0;
/// CNTHCTL_EL2.EL1PCEN: EL0/EL1 may access the CNTP_* registers.
pub const CNTHCTL_EL1PCEN: u64 = 1 << 1;
/// CNTHCTL_EL2 (HCR_EL2.E2H = 0 layout): the defined bits (7:0), the others are RES0.
pub const CNTHCTL_MASK: u64 = 0xff;
/// HCR_EL2.TGE: EL0 traps of the timer registers go to EL2.
const HCR_TGE: u64 = 1 << 27;

/// One of the three timers of a vCPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// EL1 physical timer (CNTP_*), physical count.
    Phys,
    /// EL1 virtual timer (CNTV_*), virtual count.
    Virt,
    /// EL2 physical timer (CNTHP_*), physical count.
    Hyp,
}

impl Timer {
    /// The timer a CTL or CVAL field belongs to.
    fn of(r: Reg) -> Timer {
        match r {
            Reg::CntvCtlEl0 | Reg::CntvCvalEl0 => Timer::Virt,
            Reg::CntpCtlEl0 | Reg::CntpCvalEl0 => Timer::Phys,
            _ => Timer::Hyp,
        }
    }

    /// Its CTL and CVAL fields.
    fn regs(self) -> (Reg, Reg) {
        match self {
            Timer::Phys => (Reg::CntpCtlEl0, Reg::CntpCvalEl0),
            Timer::Virt => (Reg::CntvCtlEl0, Reg::CntvCvalEl0),
            Timer::Hyp => (Reg::CnthpCtlEl2, Reg::CnthpCvalEl2),
        }
    }

    /// Its bit in [`Cpu::timer_levels`].
    fn level_bit(self) -> u32 {
        match self {
            Timer::Phys => TIMER_PHYS,
            Timer::Virt => TIMER_VIRT,
            Timer::Hyp => TIMER_HYP,
        }
    }

    const ALL: [Timer; 3] = [Timer::Virt, Timer::Phys, Timer::Hyp];
}

impl Cpu {
    /// The system counter (CNTPCT_EL0).
    #[inline]
    pub fn counter(&self) -> u64 {
        self.insns.wrapping_add(self.time_offset)
    }

    /// The virtual counter (CNTVCT_EL0 = CNTPCT_EL0 − CNTVOFF_EL2).
    #[inline]
    pub fn virtual_counter(&self) -> u64 {
        self.counter().wrapping_sub(self.sys.get(Reg::CntvoffEl2))
    }

    /// The count timer `t` compares against.
    fn timer_count(&self, t: Timer) -> u64 {
        match t {
            Timer::Virt => self.virtual_counter(),
            Timer::Phys | Timer::Hyp => self.counter(),
        }
    }

    /// Whether timer `t` is enabled and not masked, and whether its condition is met.
    fn timer_state(&self, t: Timer) -> (bool, bool) {
        let (ctl, cval) = t.regs();
        let ctl = self.sys.get(ctl);
        let armed = ctl & (CTL_ENABLE | CTL_IMASK) == CTL_ENABLE;
        (armed, self.timer_count(t) >= self.sys.get(cval))
    }

    /// Output levels of the timers (a set of `TIMER_*`): enabled, not masked, and the
    /// condition met.
    pub fn timer_levels(&self) -> u32 {
        let mut levels = 0;
        for t in Timer::ALL {
            if let (true, true) = self.timer_state(t) {
                levels |= t.level_bit();
            }
        }
        levels
    }

    /// The smallest counter value at which an enabled, unmasked timer that is not yet firing
    /// will fire, if any: the machine runs this vCPU no further than that without looking.
    /// A virtual timer's CVAL is converted to the physical count (CVAL + CNTVOFF_EL2); one
    /// beyond 2^64 − 1 is never reached and is left out.
    pub fn next_timer_deadline(&self) -> Option<u64> {
        let mut next: Option<u64> = None;
        for t in Timer::ALL {
            let (armed, met) = self.timer_state(t);
            if !armed || met {
                continue;
            }
            let cval = self.sys.get(t.regs().1);
            let at = match t {
                Timer::Virt => cval.checked_add(self.sys.get(Reg::CntvoffEl2)),
                Timer::Phys | Timer::Hyp => Some(cval),
            };
            if let Some(at) = at {
                next = Some(next.map_or(at, |n| n.min(at)));
            }
        }
        next
    }

    /// The physical counter value of the next event-stream event after now, if an event stream
    /// is enabled (DDI 0487 D12.2.3, "Event streams"): CNTKCTL_EL1 selects a bit of the
    /// virtual count, CNTHCTL_EL2 (with EL2) a bit of the physical count, and an event is
    /// generated on its 0-to-1 (EVNTDIR = 0) or 1-to-0 transition. A vCPU parked by
    /// [`Exit::Wfe`] wakes there.
    pub fn next_event_stream(&self) -> Option<u64> {
        let next = |ctl: u64, count: u64| -> Option<u64> {
            if ctl & EVNTEN == 0 {
                return None;
            }
            let n = (ctl >> 4) & 0xf;
            let period = 2u64 << n;
            // The transition happens when the count becomes `phase` modulo `period`.
            let phase = if ctl & EVNTDIR == 0 { 1u64 << n } else { 0 };
            let base = count.wrapping_sub(phase) & !(period - 1);
            Some(base.wrapping_add(period).wrapping_add(phase))
        };
        let off = self.sys.get(Reg::CntvoffEl2);
        let el1 = next(self.sys.get(Reg::CntkctlEl1), self.virtual_counter())
            .map(|v| v.wrapping_add(off));
        let el2 = if self.max_el >= 2 {
            next(self.sys.get(Reg::CnthctlEl2), self.counter())
        } else {
            None
        };
        match (el1, el2) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

// ## Access checks (the "Accessibility" pseudocode of each register, HCR_EL2.E2H = 0)

/// At EL0, trap unless CNTKCTL_EL1 has one of `bits`: to EL2 when HCR_EL2.TGE, else EL1.
#[inline]
fn el0_cntkctl(c: &Cpu, bits: u64) -> Result<(), Deny> {
    if c.el != 0 || c.sys.get(Reg::CntkctlEl1) & bits != 0 {
        return Ok(());
    }
    if c.max_el >= 2 && c.sys.get(Reg::HcrEl2) & HCR_TGE != 0 {
        Err(Deny::Trap(2))
    } else {
        Err(Deny::Trap(1))
    }
}

/// Below EL2 with EL2 implemented, trap to EL2 unless CNTHCTL_EL2 has `bit`.
#[inline]
fn el2_cnthctl(c: &Cpu, bit: u64) -> Result<(), Deny> {
    if c.el < 2 && c.max_el >= 2 && c.sys.get(Reg::CnthctlEl2) & bit == 0 {
        Err(Deny::Trap(2))
    } else {
        Ok(())
    }
}

/// CNTFRQ_EL0: EL0 reads need EL0PCTEN or EL0VCTEN; writes only at the highest EL.
pub fn check_cntfrq(c: &Cpu, dir: Dir) -> Result<(), Deny> {
    if dir == Dir::Write && c.el != c.max_el {
        return Err(Deny::Undefined);
    }
    el0_cntkctl(c, CNTKCTL_EL0PCTEN | CNTKCTL_EL0VCTEN)
}

/// CNTPCT_EL0: CNTKCTL_EL1.EL0PCTEN at EL0, then CNTHCTL_EL2.EL1PCTEN.
pub fn check_cntpct(c: &Cpu, _: Dir) -> Result<(), Deny> {
    el0_cntkctl(c, CNTKCTL_EL0PCTEN)?;
    el2_cnthctl(c, CNTHCTL_EL1PCTEN)
}

/// CNTVCT_EL0: CNTKCTL_EL1.EL0VCTEN at EL0.
pub fn check_cntvct(c: &Cpu, _: Dir) -> Result<(), Deny> {
    el0_cntkctl(c, CNTKCTL_EL0VCTEN)
}

/// CNTP_*: CNTKCTL_EL1.EL0PTEN at EL0, then CNTHCTL_EL2.EL1PCEN.
pub fn check_cntp(c: &Cpu, _: Dir) -> Result<(), Deny> {
    el0_cntkctl(c, CNTKCTL_EL0PTEN)?;
    el2_cnthctl(c, CNTHCTL_EL1PCEN)
}

/// CNTV_*: CNTKCTL_EL1.EL0VTEN at EL0.
pub fn check_cntv(c: &Cpu, _: Dir) -> Result<(), Deny> {
    el0_cntkctl(c, CNTKCTL_EL0VTEN)
}

// ## Register views (Storage::View / Storage::Hooks of the table)

/// Ask the machine to look at the timers once this instruction completes.
#[inline]
fn yield_to_machine(c: &mut Cpu) {
    c.exit = Some(Exit::Yield);
}

/// CNTPCT_EL0.
pub fn read_cntpct(c: &Cpu) -> u64 {
    c.counter()
}

/// CNTVCT_EL0.
pub fn read_cntvct(c: &Cpu) -> u64 {
    c.virtual_counter()
}

/// CNTx_CTL: ENABLE and IMASK as written, ISTATUS = ENABLE and the condition met.
pub fn read_timer_ctl(c: &Cpu, r: Reg) -> u64 {
    let t = Timer::of(r);
    let ctl = c.sys.get(r) & (CTL_ENABLE | CTL_IMASK);
    let met = ctl & CTL_ENABLE != 0 && c.timer_state(t).1;
    ctl | if met { CTL_ISTATUS } else { 0 }
}

/// CNTx_CTL: ENABLE and IMASK are writable, ISTATUS is read-only.
pub fn write_timer_ctl(c: &mut Cpu, r: Reg, v: u64) {
    c.sys.set(r, v & (CTL_ENABLE | CTL_IMASK));
    yield_to_machine(c);
}

/// CNTx_CVAL.
pub fn write_timer_cval(c: &mut Cpu, r: Reg, v: u64) {
    c.sys.set(r, v);
    yield_to_machine(c);
}

/// CNTx_TVAL (a view of CVAL): (CVAL − counter)<31:0>; bits 63:32 are RES0.
pub fn read_timer_tval(c: &Cpu, cval: Reg) -> u64 {
    let count = c.timer_count(Timer::of(cval));
    c.sys.get(cval).wrapping_sub(count) as u32 as u64
}

/// CNTx_TVAL: CVAL = counter + SignExtend(value<31:0>).
pub fn write_timer_tval(c: &mut Cpu, cval: Reg, v: u64) {
    let count = c.timer_count(Timer::of(cval));
    c.sys
        .set(cval, count.wrapping_add(v as u32 as i32 as i64 as u64));
    yield_to_machine(c);
}

/// CNTVOFF_EL2: moves the virtual count, so the virtual timer's condition.
pub fn write_cntvoff(c: &mut Cpu, r: Reg, v: u64) {
    c.sys.set(r, v);
    yield_to_machine(c);
}

/// CNTHCTL_EL2: the defined bits; the EL2 event stream may have changed.
pub fn write_cnthctl(c: &mut Cpu, r: Reg, v: u64) {
    c.sys.set(r, v & CNTHCTL_MASK);
    yield_to_machine(c);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aarch64::flat::FlatBus;
    use crate::aarch64::sysreg::by_name;

    /// A vCPU with `max_el` at `el`, the counter at `now` (all of it as retired instructions).
    fn cpu_at(max_el: u8, el: u8, now: u64) -> Cpu {
        let mut c = Cpu::new(max_el);
        c.set_el_sp(el, el > 0);
        c.insns = now;
        c
    }

    fn bus() -> FlatBus {
        FlatBus::new(0x4000_0000, 0x1000)
    }

    /// MSR through the table; returns whether the write asked the machine to look.
    fn msr(c: &mut Cpu, name: &str, v: u64) -> bool {
        c.exit = None;
        let d = by_name(name).unwrap();
        assert_eq!(d.allowed(c, Dir::Write), Ok(()), "{name}");
        d.write(c, &mut bus(), v);
        c.exit.take() == Some(Exit::Yield)
    }

    fn mrs(c: &Cpu, name: &str) -> u64 {
        let d = by_name(name).unwrap();
        assert_eq!(d.allowed(c, Dir::Read), Ok(()), "{name}");
        d.read(c, &mut bus())
    }

    #[test]
    fn counters() {
        let mut c = cpu_at(2, 2, 1000);
        c.time_offset = 500;
        assert_eq!(mrs(&c, "CNTPCT_EL0"), 1500);
        assert!(msr(&mut c, "CNTVOFF_EL2", 100));
        assert_eq!(mrs(&c, "CNTVCT_EL0"), 1400);
        assert_eq!(mrs(&c, "CNTFRQ_EL0"), 62_500_000);
        // CNTVCT = CNTPCT − CNTVOFF modulo 2^64.
        assert!(msr(&mut c, "CNTVOFF_EL2", 2000));
        assert_eq!(mrs(&c, "CNTVCT_EL0"), (-500i64) as u64);
    }

    /// TVAL = (CVAL − count)<31:0> on reads; a write sets CVAL = count + SignExtend(TVAL<31:0>);
    /// ISTATUS = count >= CVAL while enabled.
    #[test]
    fn tval_cval_and_istatus() {
        let mut c = cpu_at(1, 1, 10_000);
        assert!(msr(&mut c, "CNTP_TVAL_EL0", 0x1234_0000_0000_0100)); // TVAL = 256
        assert_eq!(mrs(&c, "CNTP_CVAL_EL0"), 10_256);
        assert_eq!(mrs(&c, "CNTP_TVAL_EL0"), 256);
        assert!(msr(&mut c, "CNTP_TVAL_EL0", 0xffff_ff00)); // TVAL = −256
        assert_eq!(mrs(&c, "CNTP_CVAL_EL0"), 10_000 - 256);
        assert_eq!(mrs(&c, "CNTP_TVAL_EL0"), 0xffff_ff00);
        // Disabled: ISTATUS reads 0.
        assert_eq!(mrs(&c, "CNTP_CTL_EL0"), 0);
        // Enabled (ISTATUS is read-only, writing it does nothing): the condition is met.
        assert!(msr(&mut c, "CNTP_CTL_EL0", 0b101));
        assert_eq!(mrs(&c, "CNTP_CTL_EL0"), 0b101);
        assert!(msr(&mut c, "CNTP_CVAL_EL0", 10_001));
        assert_eq!(mrs(&c, "CNTP_CTL_EL0"), 0b001);
        c.insns = 10_001;
        assert_eq!(mrs(&c, "CNTP_CTL_EL0"), 0b101);
        assert_eq!(mrs(&c, "CNTP_TVAL_EL0"), 0);
        c.insns = 10_003;
        assert_eq!(mrs(&c, "CNTP_TVAL_EL0"), 0xffff_fffe); // −2: fired 2 ticks ago
                                                           // The virtual timer compares against CNTVCT.
        let mut c = cpu_at(2, 2, 5000);
        assert!(msr(&mut c, "CNTVOFF_EL2", 1000));
        assert!(msr(&mut c, "CNTV_TVAL_EL0", 10));
        assert_eq!(mrs(&c, "CNTV_CVAL_EL0"), 4010);
        assert!(msr(&mut c, "CNTHP_TVAL_EL2", 10));
        assert_eq!(mrs(&c, "CNTHP_CVAL_EL2"), 5010);
        assert!(msr(&mut c, "CNTHCTL_EL2", 0xffff_ffff));
        assert_eq!(mrs(&c, "CNTHCTL_EL2"), 0xff);
        assert!(!msr(&mut c, "CNTKCTL_EL1", 0xffff_ffff));
        assert_eq!(mrs(&c, "CNTKCTL_EL1"), 0x3ff);
    }

    #[test]
    fn levels_and_deadline() {
        let mut c = cpu_at(2, 2, 1000);
        assert_eq!((c.timer_levels(), c.next_timer_deadline()), (0, None));
        c.sys.set(Reg::CntvoffEl2, 300);
        // Virtual: fires when CNTVCT = 900, i.e. CNTPCT = 1200.
        c.sys.set(Reg::CntvCvalEl0, 900);
        c.sys.set(Reg::CntvCtlEl0, CTL_ENABLE);
        // Physical: fires at 1500; EL2: at 1100 but masked.
        c.sys.set(Reg::CntpCvalEl0, 1500);
        c.sys.set(Reg::CntpCtlEl0, CTL_ENABLE);
        c.sys.set(Reg::CnthpCvalEl2, 1100);
        c.sys.set(Reg::CnthpCtlEl2, CTL_ENABLE | CTL_IMASK);
        assert_eq!((c.timer_levels(), c.next_timer_deadline()), (0, Some(1200)));
        c.insns = 1200;
        assert_eq!(
            (c.timer_levels(), c.next_timer_deadline()),
            (TIMER_VIRT, Some(1500))
        );
        c.time_offset = 300;
        assert_eq!(
            (c.timer_levels(), c.next_timer_deadline()),
            (TIMER_VIRT | TIMER_PHYS, None)
        );
        c.sys.set(Reg::CnthpCtlEl2, CTL_ENABLE);
        assert_eq!(c.timer_levels(), TIMER_VIRT | TIMER_PHYS | TIMER_HYP);
        // Masked or disabled timers have no level, whatever the condition.
        c.sys.set(Reg::CntvCtlEl0, CTL_ENABLE | CTL_IMASK);
        c.sys.set(Reg::CntpCtlEl0, 0);
        assert_eq!(c.timer_levels(), TIMER_HYP);
        // A virtual deadline beyond the physical range is never reached.
        c.sys.set(Reg::CntvCtlEl0, CTL_ENABLE);
        c.sys.set(Reg::CntvCvalEl0, u64::MAX);
        assert_eq!(c.next_timer_deadline(), None);
    }

    #[test]
    fn el0_and_el2_access_controls() {
        let read = |c: &Cpu, n: &str| by_name(n).unwrap().allowed(c, Dir::Read);
        // EL0 with CNTKCTL_EL1 = 0: every counter and timer access traps to EL1.
        let mut c = cpu_at(1, 0, 0);
        for n in [
            "CNTPCT_EL0",
            "CNTVCT_EL0",
            "CNTFRQ_EL0",
            "CNTP_CTL_EL0",
            "CNTV_CVAL_EL0",
        ] {
            assert_eq!(read(&c, n), Err(Deny::Trap(1)), "{n}");
        }
        c.sys
            .set(Reg::CntkctlEl1, CNTKCTL_EL0VCTEN | CNTKCTL_EL0VTEN);
        assert_eq!(read(&c, "CNTVCT_EL0"), Ok(()));
        assert_eq!(read(&c, "CNTFRQ_EL0"), Ok(()));
        assert_eq!(read(&c, "CNTV_TVAL_EL0"), Ok(()));
        assert_eq!(read(&c, "CNTPCT_EL0"), Err(Deny::Trap(1)));
        assert_eq!(read(&c, "CNTP_TVAL_EL0"), Err(Deny::Trap(1)));
        // With EL2: CNTHCTL_EL2.EL1PCTEN/EL1PCEN = 0 trap EL1 (and EL0) physical accesses to EL2.
        let mut c = cpu_at(2, 1, 0);
        c.sys.set(Reg::CnthctlEl2, 0);
        assert_eq!(read(&c, "CNTPCT_EL0"), Err(Deny::Trap(2)));
        assert_eq!(read(&c, "CNTP_CVAL_EL0"), Err(Deny::Trap(2)));
        assert_eq!(read(&c, "CNTVCT_EL0"), Ok(()));
        assert_eq!(read(&c, "CNTV_CTL_EL0"), Ok(()));
        c.sys.set(Reg::CnthctlEl2, CNTHCTL_EL1PCTEN);
        assert_eq!(read(&c, "CNTPCT_EL0"), Ok(()));
        assert_eq!(read(&c, "CNTP_CTL_EL0"), Err(Deny::Trap(2)));
        c.set_el_sp(2, true);
        assert_eq!(read(&c, "CNTP_CTL_EL0"), Ok(()));
        // EL0: CNTKCTL_EL1 first (to EL1, or EL2 with HCR_EL2.TGE), then CNTHCTL_EL2.
        c.set_el_sp(0, false);
        assert_eq!(read(&c, "CNTPCT_EL0"), Err(Deny::Trap(1)));
        c.sys.set(Reg::HcrEl2, HCR_TGE);
        assert_eq!(read(&c, "CNTPCT_EL0"), Err(Deny::Trap(2)));
        c.sys.set(Reg::HcrEl2, 0);
        c.sys
            .set(Reg::CntkctlEl1, CNTKCTL_EL0PCTEN | CNTKCTL_EL0PTEN);
        assert_eq!(read(&c, "CNTPCT_EL0"), Ok(()));
        assert_eq!(read(&c, "CNTP_CTL_EL0"), Err(Deny::Trap(2)));
        // The EL2 timer is UNDEFINED below EL2.
        assert_eq!(read(&c, "CNTHP_CTL_EL2"), Err(Deny::Undefined));
    }

    /// EVNTI selects a count bit; EVNTDIR = 0 fires on its 0-to-1 transition, 1 on 1-to-0.
    #[test]
    fn event_stream() {
        let mut c = cpu_at(2, 1, 5);
        assert_eq!(c.next_event_stream(), None);
        // Bit 1 of CNTVCT, 0-to-1: counts 2, 6, 10…; with CNTVOFF = 0, CNTVCT = 5 → 6.
        c.sys.set(Reg::CntkctlEl1, EVNTEN | 1 << 4);
        assert_eq!(c.next_event_stream(), Some(6));
        c.insns = 6;
        assert_eq!(c.next_event_stream(), Some(10));
        // 1-to-0 of bit 1: counts 4, 8, 12…
        c.sys.set(Reg::CntkctlEl1, EVNTEN | EVNTDIR | 1 << 4);
        assert_eq!(c.next_event_stream(), Some(8));
        // CNTVOFF = 3: CNTVCT = 3 → next 1-to-0 at CNTVCT 4, i.e. CNTPCT 7.
        c.sys.set(Reg::CntvoffEl2, 3);
        assert_eq!(c.next_event_stream(), Some(7));
        // The EL2 stream on the physical count (6), bit 2, 0-to-1: counts 4, 12, 20… → 12.
        c.sys.set(Reg::CnthctlEl2, 3 | EVNTEN | 2 << 4);
        c.sys.set(Reg::CntkctlEl1, 0);
        assert_eq!(c.next_event_stream(), Some(12));
    }
}
