//! The local APIC of one vCPU, after the Intel SDM vol. 3 chapter 11 (chapter 10 in older
//! editions) "Advanced Programmable Interrupt Controller (APIC)": the xAPIC register page at
//! 0xfee0_0000 (§11.4.1, table 11-1) and the x2APIC MSRs 0x800–0x8ff (§11.12, table 11-6),
//! the APIC timer with one-shot, periodic and TSC-deadline modes (§11.5.4), and the
//! interrupt acceptance, priority and EOI rules (§11.8). QEMU's `hw/intc/apic.c` and KVM's
//! `lapic.c` settle behaviour the SDM leaves to the implementation.
//!
//! `IA32_APIC_BASE` (MSR 0x1b) is the vCPU's: the machine passes each value it takes to
//! [`LocalApic::set_apic_base`] (global enable, x2APIC enable); [`apic_base_write_valid`] has
//! the SDM's transition rules (§11.12.5) for the vCPU's #GP check.
//!
//! Modelled:
//! - ID (xAPIC: bits 31:24, writable as on QEMU; x2APIC: the 32-bit initial APIC ID,
//!   read-only), version 0x0005_0014: version 0x14 (an integrated xAPIC), max LVT entry 5 (six
//!   LVT entries: timer, thermal, performance, LINT0, LINT1, error; no CMCI — as QEMU), bit 24
//!   clear: EOI-broadcast suppression is not offered, so SVR bit 12 is reserved and every EOI
//!   of a level-triggered vector is broadcast to the I/O APIC.
//! - TPR, PPR and APR computed as §11.8.3.1 and QEMU; EOI (§11.8.5) clears the highest ISR
//!   bit and queues the vector for the I/O APIC when its TMR bit is set.
//! - LDR/DFR (flat and cluster models; in x2APIC mode LDR is derived from the ID and DFR does
//!   not exist), SVR (vector, software enable; clearing the enable masks every LVT entry and
//!   keeps them masked, §11.4.7.2; focus checking not offered).
//! - ISR, TMR, IRR (256 bits each), ESR (errors latch into the readable register on a write,
//!   §11.5.3; illegal vectors received/sent and illegal register addresses are reported and
//!   raise the error LVT).
//! - ICR: IPIs leave as [`ApicMessage`]s for [`super::apic_bus`] (destination, shorthand
//!   "all" and "all but self", delivery mode), so SMP needs no change here; the "self"
//!   shorthand sets the vector in this APIC's IRR at once. Vectors 0–15 are refused (ESR
//!   "send illegal vector"); the delivery status reads idle; the INIT level de-assert is
//!   ignored. Only fixed and lowest-priority messages are delivered (`TODO(SMP)`).
//! - LVT timer/thermal/performance/LINT0/LINT1/error with their writable bits; only the
//!   timer and error entries ever fire (no thermal sensor, no PMU, no LINT inputs).
//! - Timer: the input clock is [`CRYSTAL_HZ`] = one tick per instruction; divide
//!   configuration (1–128); one-shot (fires once when the count reaches 0, current count
//!   then reads 0), periodic (reloads at 0: period = initial count × divisor), TSC-deadline
//!   (`IA32_TSC_DEADLINE` 0x6e0, fires when the TSC reaches it and then reads 0; writes are
//!   ignored and reads 0 in other modes; in this mode the initial count is ignored and the
//!   current count reads 0). Switching between TSC-deadline and the other modes disarms the
//!   timer. Missed periods coalesce into one interrupt (IRR is one bit). The TSC is the
//!   vCPU's instruction count `now` plus the offset its `IA32_TSC` writes made
//!   ([`LocalApic::set_tsc_offset`], 0 until told).
//! - x2APIC MSR rules (§11.12.1.2): the range exists only in x2APIC mode; reads of
//!   write-only registers (EOI, SELF IPI) and writes of read-only ones fail (#GP), as do
//!   non-zero writes to EOI and ESR (KVM), the upper 32 bits of any register but the ICR,
//!   reserved bits of SELF IPI and the registers x2APIC lacks (DFR, APR, ICR high, RRD).
//!   The ICR is one 64-bit MSR (destination in bits 63:32); SELF IPI (0x83f) sends a fixed
//!   edge interrupt to this APIC.
//! - The xAPIC page: 32-bit accesses at 16-byte aligned offsets; other accesses are logged
//!   and read as zero / ignored; reserved offsets set ESR "illegal register address" (as
//!   QEMU). In x2APIC mode the page is not the APIC's (the machine routes it to memory).
//!
//! Software-disabled (SVR bit 8 clear) or globally disabled APICs accept no fixed
//! interrupts (as KVM) and signal none; disabling through `IA32_APIC_BASE` resets the APIC
//! to its power-up state (§11.4.7.1).

use bootemu_cpu::x86_64::platform::CRYSTAL_HZ;

use super::apic_bus::{mode, ApicMessage, Destination};

/// Default physical base of the xAPIC page.
pub const APIC_DEFAULT_BASE: u64 = 0xfee0_0000;
/// Size of the xAPIC page.
pub const APIC_PAGE_SIZE: u64 = 0x1000;
/// `IA32_APIC_BASE`: the MSR (kept by the vCPU).
pub const MSR_APIC_BASE: u32 = 0x1b;
/// `IA32_APIC_BASE` bit 8: bootstrap processor.
pub const APIC_BASE_BSP: u64 = 1 << 8;
/// `IA32_APIC_BASE` bit 10: x2APIC mode enable (EXTD).
pub const APIC_BASE_EXTD: u64 = 1 << 10;
/// `IA32_APIC_BASE` bit 11: APIC global enable (EN).
pub const APIC_BASE_EN: u64 = 1 << 11;
/// First x2APIC MSR.
pub const MSR_X2APIC_FIRST: u32 = 0x800;
/// Last x2APIC MSR.
pub const MSR_X2APIC_LAST: u32 = 0x8ff;
/// `IA32_TSC_DEADLINE`.
pub const MSR_TSC_DEADLINE: u32 = 0x6e0;
/// The version register: version 0x14, max LVT entry 5, no EOI-broadcast suppression.
pub const VERSION: u32 = 0x14 | (5 << 16);

/// Register offsets in the xAPIC page (x2APIC MSR = 0x800 + offset / 16).
pub mod reg {
    /// Local APIC ID.
    pub const ID: u64 = 0x020;
    /// Version.
    pub const VERSION: u64 = 0x030;
    /// Task priority.
    pub const TPR: u64 = 0x080;
    /// Arbitration priority (xAPIC only).
    pub const APR: u64 = 0x090;
    /// Processor priority.
    pub const PPR: u64 = 0x0a0;
    /// End of interrupt.
    pub const EOI: u64 = 0x0b0;
    /// Remote read (xAPIC only; not supported).
    pub const RRD: u64 = 0x0c0;
    /// Logical destination.
    pub const LDR: u64 = 0x0d0;
    /// Destination format (xAPIC only).
    pub const DFR: u64 = 0x0e0;
    /// Spurious interrupt vector.
    pub const SVR: u64 = 0x0f0;
    /// In-service register, 8 × 32 bits at 16-byte steps.
    pub const ISR: u64 = 0x100;
    /// Trigger mode register.
    pub const TMR: u64 = 0x180;
    /// Interrupt request register.
    pub const IRR: u64 = 0x200;
    /// Error status.
    pub const ESR: u64 = 0x280;
    /// LVT corrected machine check (not implemented: reserved).
    pub const LVT_CMCI: u64 = 0x2f0;
    /// Interrupt command, low half (xAPIC) / the whole 64-bit ICR (x2APIC).
    pub const ICR: u64 = 0x300;
    /// Interrupt command, high half (xAPIC only).
    pub const ICR_HIGH: u64 = 0x310;
    /// LVT timer.
    pub const LVT_TIMER: u64 = 0x320;
    /// LVT thermal sensor.
    pub const LVT_THERMAL: u64 = 0x330;
    /// LVT performance monitoring counters.
    pub const LVT_PERF: u64 = 0x340;
    /// LVT LINT0.
    pub const LVT_LINT0: u64 = 0x350;
    /// LVT LINT1.
    pub const LVT_LINT1: u64 = 0x360;
    /// LVT error.
    pub const LVT_ERROR: u64 = 0x370;
    /// Timer initial count.
    pub const TIMER_INITIAL: u64 = 0x380;
    /// Timer current count.
    pub const TIMER_CURRENT: u64 = 0x390;
    /// Timer divide configuration.
    pub const TIMER_DIVIDE: u64 = 0x3e0;
    /// Self IPI (x2APIC only).
    pub const SELF_IPI: u64 = 0x3f0;
}

/// SVR: APIC software enable.
pub const SVR_ENABLE: u32 = 1 << 8;
/// LVT: masked.
pub const LVT_MASKED: u32 = 1 << 16;
/// LVT timer mode field (bits 18:17).
pub const LVT_TIMER_MODE: u32 = 3 << 17;
/// Timer mode: one-shot.
pub const TIMER_ONESHOT: u32 = 0;
/// Timer mode: periodic.
pub const TIMER_PERIODIC: u32 = 1 << 17;
/// Timer mode: TSC-deadline.
pub const TIMER_TSC_DEADLINE: u32 = 2 << 17;
/// ESR: send illegal vector.
pub const ESR_SEND_ILLEGAL_VECTOR: u32 = 1 << 5;
/// ESR: receive illegal vector.
pub const ESR_RECV_ILLEGAL_VECTOR: u32 = 1 << 6;
/// ESR: illegal register address.
pub const ESR_ILLEGAL_REGISTER: u32 = 1 << 7;

/// LVT entries, in register order from 0x320.
const LVT_TIMER: usize = 0;
const LVT_ERROR: usize = 5;
/// Writable bits of each LVT entry (timer, thermal, perf, LINT0, LINT1, error): vector,
/// delivery mode where present, polarity and trigger mode for LINT, mask, timer mode.
const LVT_WRITABLE: [u32; 6] = [
    0x0007_00ff,
    0x0001_07ff,
    0x0001_07ff,
    0x0001_a7ff,
    0x0001_a7ff,
    0x0001_00ff,
];
/// ICR bits software writes (vector, delivery mode, destination mode, level, trigger mode,
/// shorthand); delivery status (bit 12) reads 0.
const ICR_LOW_WRITABLE: u64 = 0x000c_cfff;

/// The ticks of the timer's input clock per instruction: `CRYSTAL_HZ` per second of
/// virtual time at one instruction per nanosecond.
const TICKS_PER_INSN: u64 = CRYSTAL_HZ / 1_000_000_000;
const _: () = assert!(
    TICKS_PER_INSN == 1,
    "the timer below counts one tick per instruction"
);

/// Whether the vCPU may change `IA32_APIC_BASE` from `old` to `new` (SDM §11.12.5, figure
/// 11-27): EXTD without EN is invalid, and x2APIC mode can only be left by disabling the APIC.
pub fn apic_base_write_valid(old: u64, new: u64) -> bool {
    let mode = |v: u64| (v & APIC_BASE_EN != 0, v & APIC_BASE_EXTD != 0);
    !matches!(
        (mode(old), mode(new)),
        (_, (false, true)) | ((true, true), (true, false)) | ((false, false), (true, true))
    )
}

fn bit(v: &[u32; 8], n: u8) -> bool {
    v[n as usize / 32] & (1 << (n % 32)) != 0
}

fn set_bit(v: &mut [u32; 8], n: u8, on: bool) {
    let m = 1 << (n % 32);
    if on {
        v[n as usize / 32] |= m;
    } else {
        v[n as usize / 32] &= !m;
    }
}

fn highest(v: &[u32; 8]) -> Option<u8> {
    (0..8)
        .rev()
        .find(|&i| v[i] != 0)
        .map(|i| (i * 32 + 31 - v[i].leading_zeros() as usize) as u8)
}

/// One local APIC.
#[derive(Debug, Clone)]
pub struct LocalApic {
    /// The initial APIC ID (CPUID) = the x2APIC ID.
    initial_id: u32,
    /// The xAPIC ID register's value (bits 31:24).
    xapic_id: u8,
    /// `IA32_APIC_BASE` as last set.
    base: u64,
    tpr: u8,
    svr: u32,
    ldr: u32,
    dfr: u32,
    esr: u32,
    esr_pending: u32,
    isr: [u32; 8],
    tmr: [u32; 8],
    irr: [u32; 8],
    icr: u64,
    lvt: [u32; 6],
    timer_initial: u32,
    timer_divide: u32,
    /// When the count was loaded or the divider last changed.
    timer_load: u64,
    /// Timer ticks counted since the count was loaded, at `timer_load`.
    timer_ticks: u64,
    /// One-shot/periodic: counting (one-shot: not yet at 0).
    timer_armed: bool,
    tsc_deadline: u64,
    /// TSC = instruction count + this (wrapping): the vCPU's `IA32_TSC` writes.
    tsc_offset: u64,
    /// The next timer expiry, in instructions.
    timer_next: Option<u64>,
    outbox: Vec<ApicMessage>,
    eois: Vec<u8>,
}

impl LocalApic {
    /// The APIC of the vCPU with initial APIC ID `id`, at power-up: enabled in
    /// `IA32_APIC_BASE` at the default base (BSP flag for the bootstrap processor), xAPIC
    /// mode, software-disabled.
    pub fn new(id: u32, bsp: bool) -> Self {
        let mut a = LocalApic {
            initial_id: id,
            xapic_id: id as u8,
            base: APIC_DEFAULT_BASE | APIC_BASE_EN | if bsp { APIC_BASE_BSP } else { 0 },
            tpr: 0,
            svr: 0,
            ldr: 0,
            dfr: 0,
            esr: 0,
            esr_pending: 0,
            isr: [0; 8],
            tmr: [0; 8],
            irr: [0; 8],
            icr: 0,
            lvt: [0; 6],
            timer_initial: 0,
            timer_divide: 0,
            timer_load: 0,
            timer_ticks: 0,
            timer_armed: false,
            tsc_deadline: 0,
            tsc_offset: 0,
            timer_next: None,
            outbox: Vec::new(),
            eois: Vec::new(),
        };
        a.power_up_state();
        a
    }

    /// The register state after power-up or a disable through `IA32_APIC_BASE` (§11.4.7.1).
    fn power_up_state(&mut self) {
        self.xapic_id = self.initial_id as u8;
        self.tpr = 0;
        self.svr = 0xff;
        self.ldr = 0;
        self.dfr = 0xffff_ffff;
        self.esr = 0;
        self.esr_pending = 0;
        self.isr = [0; 8];
        self.tmr = [0; 8];
        self.irr = [0; 8];
        self.icr = 0;
        self.lvt = [LVT_MASKED; 6];
        self.timer_initial = 0;
        self.timer_divide = 0;
        self.timer_load = 0;
        self.timer_ticks = 0;
        self.timer_armed = false;
        self.tsc_deadline = 0;
        self.timer_next = None;
    }

    /// The `IA32_APIC_BASE` value the vCPU holds changed to `value` (already checked with
    /// [`apic_base_write_valid`]). The BSP flag is read-only and keeps its value.
    pub fn set_apic_base(&mut self, value: u64) {
        let was_enabled = self.base & APIC_BASE_EN != 0;
        self.base = (value & !APIC_BASE_BSP) | (self.base & APIC_BASE_BSP);
        if was_enabled && value & APIC_BASE_EN == 0 {
            self.power_up_state();
        }
    }

    /// System reset (the vCPU's RESET/INIT): the power-up state, `IA32_APIC_BASE` at its
    /// reset value (the BSP flag kept).
    pub fn reset(&mut self) {
        self.base = APIC_DEFAULT_BASE | APIC_BASE_EN | (self.base & APIC_BASE_BSP);
        self.tsc_offset = 0;
        self.outbox.clear();
        self.eois.clear();
        self.power_up_state();
    }

    /// The vCPU's TSC is now its instruction count + `offset` (wrapping; `IA32_TSC` writes),
    /// as of instruction count `now`: TSC deadlines are compared with that TSC.
    pub fn set_tsc_offset(&mut self, now: u64, offset: u64) {
        self.advance(now);
        self.tsc_offset = offset;
        self.rearm(now);
    }

    /// The `IA32_APIC_BASE` value last set.
    pub fn apic_base(&self) -> u64 {
        self.base
    }

    /// Physical address of the xAPIC page.
    pub fn page_base(&self) -> u64 {
        self.base & 0x000f_ffff_ffff_f000
    }

    /// Globally enabled (`IA32_APIC_BASE.EN`).
    pub fn hw_enabled(&self) -> bool {
        self.base & APIC_BASE_EN != 0
    }

    /// In x2APIC mode: the MSR interface is live and the MMIO page is not.
    pub fn x2apic(&self) -> bool {
        self.base & (APIC_BASE_EN | APIC_BASE_EXTD) == APIC_BASE_EN | APIC_BASE_EXTD
    }

    /// Software-enabled (SVR bit 8).
    pub fn sw_enabled(&self) -> bool {
        self.svr & SVR_ENABLE != 0
    }

    /// Whether the xAPIC page is live (globally enabled, not x2APIC).
    pub fn mmio_enabled(&self) -> bool {
        self.hw_enabled() && !self.x2apic()
    }

    /// The task priority (for lowest-priority arbitration).
    pub fn task_priority(&self) -> u8 {
        self.tpr
    }

    fn x2apic_ldr(&self) -> u32 {
        ((self.initial_id >> 4) << 16) | (1 << (self.initial_id & 0xf))
    }

    fn ldr_value(&self) -> u32 {
        if self.x2apic() {
            self.x2apic_ldr()
        } else {
            self.ldr
        }
    }

    /// Whether physical destination `dest` names this APIC.
    pub fn matches_physical(&self, dest: u32) -> bool {
        if self.x2apic() {
            dest == 0xffff_ffff || dest == self.initial_id
        } else {
            dest & 0xff == 0xff || dest & 0xff == self.xapic_id as u32
        }
    }

    /// Whether logical destination `dest` names this APIC (flat or cluster model; x2APIC
    /// cluster IDs).
    pub fn matches_logical(&self, dest: u32) -> bool {
        if self.x2apic() {
            let ldr = self.x2apic_ldr();
            dest == 0xffff_ffff || (dest >> 16 == ldr >> 16 && dest & ldr & 0xffff != 0)
        } else {
            let (d, l) = ((dest & 0xff) as u8, (self.ldr >> 24) as u8);
            if d == 0xff {
                return true;
            }
            match self.dfr >> 28 {
                0xf => d & l != 0,
                0x0 => d >> 4 == l >> 4 && d & l & 0xf != 0,
                _ => false,
            }
        }
    }

    fn ppr(&self) -> u8 {
        let isrv = highest(&self.isr).unwrap_or(0);
        if self.tpr >> 4 >= isrv >> 4 {
            self.tpr
        } else {
            isrv & 0xf0
        }
    }

    fn apr(&self) -> u8 {
        let isrv = highest(&self.isr).unwrap_or(0);
        let irrv = highest(&self.irr).unwrap_or(0);
        if self.tpr >> 4 >= irrv >> 4 && self.tpr >> 4 > isrv >> 4 {
            self.tpr
        } else {
            (self.tpr & 0xf0).max(isrv & 0xf0).max(irrv & 0xf0)
        }
    }

    fn error(&mut self, now: u64, bits: u32) {
        self.esr_pending |= bits;
        let lvt = self.lvt[LVT_ERROR];
        if lvt & LVT_MASKED == 0 && lvt & 0xff >= 16 {
            self.accept(now, lvt as u8, false);
        }
    }

    /// Accept a fixed interrupt: set `vector` in IRR (and its TMR bit to `level`). Dropped
    /// when the APIC is disabled; vectors 0–15 are illegal (ESR).
    pub fn accept(&mut self, now: u64, vector: u8, level: bool) {
        if !self.hw_enabled() || !self.sw_enabled() {
            return;
        }
        if vector < 16 {
            self.error(now, ESR_RECV_ILLEGAL_VECTOR);
            return;
        }
        set_bit(&mut self.irr, vector, true);
        set_bit(&mut self.tmr, vector, level);
    }

    // ---- timer ----

    fn timer_mode(&self) -> u32 {
        self.lvt[LVT_TIMER] & LVT_TIMER_MODE
    }

    fn divisor(&self) -> u64 {
        let d = self.timer_divide;
        let v = (d & 3) | ((d >> 1) & 4);
        1 << ((v + 1) & 7)
    }

    /// Timer ticks counted since the initial count was loaded.
    fn ticks(&self, now: u64) -> u64 {
        self.timer_ticks + now.saturating_sub(self.timer_load) * TICKS_PER_INSN / self.divisor()
    }

    /// The instruction count at which tick `tick` (not before `timer_ticks`) is counted.
    fn time_of_tick(&self, tick: u64) -> u64 {
        let insns = (tick - self.timer_ticks).saturating_mul(self.divisor()) / TICKS_PER_INSN;
        self.timer_load.saturating_add(insns)
    }

    /// Recompute the next expiry after a change (everything due before `now` has fired).
    fn rearm(&mut self, now: u64) {
        let init = self.timer_initial as u64;
        self.timer_next = if self.timer_mode() == TIMER_TSC_DEADLINE {
            (self.tsc_deadline != 0).then(|| {
                let tsc = now.wrapping_add(self.tsc_offset);
                now.saturating_add(self.tsc_deadline.saturating_sub(tsc))
            })
        } else if !self.timer_armed || init == 0 {
            None
        } else if self.timer_mode() == TIMER_PERIODIC {
            // The count reaches 0 at every multiple of the initial count.
            Some(self.time_of_tick((self.ticks(now) / init + 1) * init))
        } else if self.ticks(now) >= init {
            Some(now)
        } else {
            Some(self.time_of_tick(init))
        };
    }

    /// Run the timer up to `now`: fire what is due.
    pub fn advance(&mut self, now: u64) {
        let Some(t) = self.timer_next else { return };
        if t > now {
            return;
        }
        let lvt = self.lvt[LVT_TIMER];
        if lvt & LVT_MASKED == 0 {
            self.accept(now, lvt as u8, false);
        }
        match self.timer_mode() {
            TIMER_TSC_DEADLINE => {
                self.tsc_deadline = 0;
                self.timer_next = None;
            }
            TIMER_PERIODIC => self.rearm(now),
            _ => {
                self.timer_armed = false;
                self.timer_next = None;
            }
        }
    }

    fn timer_due(&self, now: u64) -> bool {
        self.timer_next.is_some_and(|t| t <= now)
    }

    fn current_count(&self, now: u64) -> u32 {
        if self.timer_mode() == TIMER_TSC_DEADLINE || self.timer_initial == 0 {
            return 0;
        }
        let ticks = self.ticks(now);
        let init = self.timer_initial as u64;
        if self.timer_mode() == TIMER_PERIODIC {
            (init - ticks % init) as u32
        } else if !self.timer_armed || ticks >= init {
            0
        } else {
            (init - ticks) as u32
        }
    }

    /// The instruction count at which this APIC next raises an interrupt on its own (its
    /// timer, when unmasked), for an idle HLT to skip to.
    pub fn next_deadline(&self) -> Option<u64> {
        if !self.hw_enabled() || self.lvt[LVT_TIMER] & LVT_MASKED != 0 {
            return None;
        }
        self.timer_next
    }

    // ---- interrupt delivery to the vCPU ----

    /// The vector that would be delivered now: the highest IRR vector (counting a due timer
    /// interrupt) whose priority class is above the PPR's.
    fn deliverable(&self, now: u64) -> Option<u8> {
        if !self.hw_enabled() || !self.sw_enabled() {
            return None;
        }
        let mut irr = highest(&self.irr);
        let lvt = self.lvt[LVT_TIMER];
        if self.timer_due(now) && lvt & LVT_MASKED == 0 && lvt & 0xff >= 16 {
            irr = irr.max(Some(lvt as u8));
        }
        irr.filter(|v| v & 0xf0 > self.ppr() & 0xf0)
    }

    /// Whether an interrupt can be delivered to the vCPU now (`Platform::interrupt_pending`).
    pub fn interrupt_pending(&self, now: u64) -> bool {
        self.deliverable(now).is_some()
    }

    /// Take the highest-priority deliverable interrupt: IRR → ISR, and return its vector
    /// (`Platform::acknowledge`).
    pub fn acknowledge(&mut self, now: u64) -> Option<u8> {
        self.advance(now);
        let v = self.deliverable(now)?;
        set_bit(&mut self.irr, v, false);
        set_bit(&mut self.isr, v, true);
        Some(v)
    }

    fn eoi(&mut self) {
        if let Some(v) = highest(&self.isr) {
            set_bit(&mut self.isr, v, false);
            if bit(&self.tmr, v) {
                self.eois.push(v);
            }
        }
    }

    /// IPIs sent since the last call (for [`super::apic_bus::deliver`]).
    pub fn take_messages(&mut self) -> Vec<ApicMessage> {
        std::mem::take(&mut self.outbox)
    }

    /// Level-triggered vectors EOIed since the last call (for the I/O APIC's EOI).
    pub fn take_eois(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.eois)
    }

    /// Send the IPI the ICR holds (§11.6.1).
    fn send_ipi(&mut self, now: u64) {
        let icr = self.icr;
        let vector = icr as u8;
        let dmode = ((icr >> 8) & 7) as u8;
        let logical = icr & (1 << 11) != 0;
        let assert = icr & (1 << 14) != 0;
        let level = icr & (1 << 15) != 0;
        if dmode == mode::INIT && level && !assert {
            // The INIT level de-assert of older processors: no effect on an xAPIC.
            return;
        }
        if matches!(dmode, mode::FIXED | mode::LOWEST) && vector < 16 {
            self.error(now, ESR_SEND_ILLEGAL_VECTOR);
            return;
        }
        let dest = if self.x2apic() {
            (icr >> 32) as u32
        } else {
            (icr >> 56) as u32
        };
        let dest = match (icr >> 18) & 3 {
            0 if logical => Destination::Logical(dest),
            0 => Destination::Physical(dest),
            1 => Destination::ToSelf,
            2 => Destination::All,
            _ => Destination::AllButSelf,
        };
        if dest == Destination::ToSelf {
            // The self shorthand sends a fixed edge interrupt to this APIC at once.
            self.accept(now, vector, false);
            return;
        }
        self.outbox.push(ApicMessage {
            dest,
            mode: dmode,
            vector,
            level: false,
        });
    }

    // ---- registers ----

    fn lvt_index(offset: u64) -> Option<usize> {
        (reg::LVT_TIMER..=reg::LVT_ERROR)
            .contains(&offset)
            .then(|| ((offset - reg::LVT_TIMER) / 0x10) as usize)
    }

    /// Read register `offset` (common to both interfaces); `None` for a reserved offset.
    fn read_reg(&mut self, now: u64, offset: u64) -> Option<u64> {
        self.advance(now);
        let word = |v: &[u32; 8]| v[((offset & 0x70) >> 4) as usize] as u64;
        Some(match offset {
            reg::ID if self.x2apic() => self.initial_id as u64,
            reg::ID => (self.xapic_id as u64) << 24,
            reg::VERSION => VERSION as u64,
            reg::TPR => self.tpr as u64,
            reg::APR => self.apr() as u64,
            reg::PPR => self.ppr() as u64,
            reg::EOI => 0,
            reg::LDR => self.ldr_value() as u64,
            reg::DFR => self.dfr as u64,
            reg::SVR => self.svr as u64,
            0x100..=0x170 => word(&self.isr),
            0x180..=0x1f0 => word(&self.tmr),
            0x200..=0x270 => word(&self.irr),
            reg::ESR => self.esr as u64,
            reg::ICR if self.x2apic() => self.icr,
            reg::ICR => self.icr & 0xffff_ffff,
            reg::ICR_HIGH => (self.icr >> 32) & 0xff00_0000,
            reg::LVT_TIMER..=reg::LVT_ERROR => self.lvt[Self::lvt_index(offset)?] as u64,
            reg::TIMER_INITIAL => self.timer_initial as u64,
            reg::TIMER_CURRENT => self.current_count(now) as u64,
            reg::TIMER_DIVIDE => self.timer_divide as u64,
            _ => return None,
        })
    }

    /// Write register `offset` (common to both interfaces); `false` for a reserved or
    /// read-only offset.
    fn write_reg(&mut self, now: u64, offset: u64, value: u64) -> bool {
        self.advance(now);
        let v = value as u32;
        match offset {
            reg::ID => self.xapic_id = (v >> 24) as u8,
            reg::TPR => self.tpr = v as u8,
            reg::EOI => self.eoi(),
            reg::LDR => self.ldr = v & 0xff00_0000,
            reg::DFR => self.dfr = v | 0x0fff_ffff,
            reg::SVR => {
                self.svr = v & 0x1ff;
                if !self.sw_enabled() {
                    for l in &mut self.lvt {
                        *l |= LVT_MASKED;
                    }
                }
            }
            reg::ESR => {
                self.esr = self.esr_pending;
                self.esr_pending = 0;
            }
            reg::ICR => {
                self.icr = if self.x2apic() {
                    value & (0xffff_ffff_0000_0000 | ICR_LOW_WRITABLE)
                } else {
                    (self.icr & 0xffff_ffff_0000_0000) | (value & ICR_LOW_WRITABLE)
                };
                self.send_ipi(now);
            }
            reg::ICR_HIGH => {
                self.icr = (self.icr & 0xffff_ffff) | (((v & 0xff00_0000) as u64) << 32);
            }
            reg::LVT_TIMER..=reg::LVT_ERROR => {
                let Some(i) = Self::lvt_index(offset) else {
                    return false;
                };
                let mut new = v & LVT_WRITABLE[i];
                if !self.sw_enabled() {
                    new |= LVT_MASKED;
                }
                if i == LVT_TIMER {
                    let was_deadline = self.timer_mode() == TIMER_TSC_DEADLINE;
                    self.lvt[i] = new | (self.lvt[i] & !LVT_WRITABLE[i]);
                    if was_deadline != (self.timer_mode() == TIMER_TSC_DEADLINE) {
                        self.timer_initial = 0;
                        self.timer_armed = false;
                        self.tsc_deadline = 0;
                    }
                    self.rearm(now);
                } else {
                    // Delivery status and remote IRR stay as they are (0: nothing pending).
                    self.lvt[i] = new | (self.lvt[i] & !LVT_WRITABLE[i] & !LVT_MASKED);
                }
            }
            reg::TIMER_INITIAL => {
                if self.timer_mode() != TIMER_TSC_DEADLINE {
                    self.timer_initial = v;
                    self.timer_load = now;
                    self.timer_ticks = 0;
                    self.timer_armed = v != 0;
                    self.rearm(now);
                }
            }
            reg::TIMER_DIVIDE => {
                // Keep the ticks counted so far; the rest runs at the new rate.
                self.timer_ticks = self.ticks(now);
                self.timer_load = now;
                self.timer_divide = v & 0xb;
                self.rearm(now);
            }
            _ => return false,
        }
        true
    }

    /// A 32-bit read of the xAPIC page at byte `offset`.
    pub fn mmio_read(&mut self, now: u64, offset: u64, size: u8) -> u32 {
        if size != 4 || !offset.is_multiple_of(16) || offset >= APIC_PAGE_SIZE {
            log::warn!("lapic: {size}-byte read at offset {offset:#x} ignored");
            return 0;
        }
        if self.x2apic() {
            log::warn!("lapic: xAPIC page read in x2APIC mode");
            return 0;
        }
        let r = match offset {
            reg::SELF_IPI | reg::RRD => None,
            _ => self.read_reg(now, offset),
        };
        match r {
            Some(v) => v as u32,
            None => {
                self.error(now, ESR_ILLEGAL_REGISTER);
                0
            }
        }
    }

    /// A 32-bit write of the xAPIC page at byte `offset`.
    pub fn mmio_write(&mut self, now: u64, offset: u64, size: u8, value: u64) {
        if size != 4 || !offset.is_multiple_of(16) || offset >= APIC_PAGE_SIZE {
            log::warn!("lapic: {size}-byte write at offset {offset:#x} ignored");
            return;
        }
        if self.x2apic() {
            log::warn!("lapic: xAPIC page write in x2APIC mode");
            return;
        }
        let ok = match offset {
            // Read-only registers: writes are ignored.
            reg::VERSION | reg::APR | reg::PPR | reg::TIMER_CURRENT | 0x100..=0x270 => true,
            reg::SELF_IPI | reg::RRD => false,
            _ => self.write_reg(now, offset, value & 0xffff_ffff),
        };
        if !ok {
            self.error(now, ESR_ILLEGAL_REGISTER);
        }
    }

    /// RDMSR of a machine MSR this APIC implements: `IA32_TSC_DEADLINE` and, in x2APIC mode,
    /// 0x800–0x8ff. `None`: #GP(0).
    pub fn msr_read(&mut self, now: u64, msr: u32) -> Option<u64> {
        if msr == MSR_TSC_DEADLINE {
            self.advance(now);
            return Some(if self.timer_mode() == TIMER_TSC_DEADLINE {
                self.tsc_deadline
            } else {
                0
            });
        }
        if !(MSR_X2APIC_FIRST..=MSR_X2APIC_LAST).contains(&msr) || !self.x2apic() {
            return None;
        }
        let offset = ((msr - MSR_X2APIC_FIRST) as u64) << 4;
        match offset {
            reg::EOI | reg::SELF_IPI | reg::APR | reg::DFR | reg::ICR_HIGH | reg::RRD => None,
            _ => self.read_reg(now, offset),
        }
    }

    /// WRMSR of a machine MSR this APIC implements; `false`: #GP(0).
    pub fn msr_write(&mut self, now: u64, msr: u32, value: u64) -> bool {
        if msr == MSR_TSC_DEADLINE {
            self.advance(now);
            if self.timer_mode() == TIMER_TSC_DEADLINE {
                self.tsc_deadline = value;
                self.rearm(now);
                self.advance(now);
            }
            return true;
        }
        if !(MSR_X2APIC_FIRST..=MSR_X2APIC_LAST).contains(&msr) || !self.x2apic() {
            return false;
        }
        let offset = ((msr - MSR_X2APIC_FIRST) as u64) << 4;
        if offset != reg::ICR && value >> 32 != 0 {
            return false;
        }
        match offset {
            reg::TPR
            | reg::SVR
            | reg::ICR
            | reg::LVT_TIMER..=reg::LVT_ERROR
            | reg::TIMER_INITIAL
            | reg::TIMER_DIVIDE => self.write_reg(now, offset, value),
            reg::EOI | reg::ESR if value != 0 => false,
            reg::EOI | reg::ESR => self.write_reg(now, offset, value),
            reg::SELF_IPI if value & !0xff != 0 => false,
            reg::SELF_IPI => {
                self.advance(now);
                if value < 16 {
                    self.error(now, ESR_SEND_ILLEGAL_VECTOR);
                } else {
                    self.accept(now, value as u8, false);
                }
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A software-enabled APIC with ID `id`.
    fn apic(id: u32) -> LocalApic {
        let mut a = LocalApic::new(id, true);
        a.mmio_write(0, reg::SVR, 4, (SVR_ENABLE | 0xff) as u64);
        a
    }

    fn rd(a: &mut LocalApic, now: u64, off: u64) -> u32 {
        a.mmio_read(now, off, 4)
    }

    fn wr(a: &mut LocalApic, now: u64, off: u64, v: u32) {
        a.mmio_write(now, off, 4, v as u64);
    }

    fn in_reg(a: &mut LocalApic, base: u64, v: u8) -> bool {
        rd(a, 0, base + 0x10 * (v as u64 / 32)) & (1 << (v % 32)) != 0
    }

    fn x2(id: u32) -> LocalApic {
        let mut a = apic(id);
        a.set_apic_base(APIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_EXTD);
        a
    }

    #[test]
    fn power_up_state() {
        // SDM §11.4.7.1: IRR/ISR/TMR/ICR/LDR/TPR/timer cleared, DFR all ones, LVTs masked,
        // SVR 0xff; ID from the hardware.
        let mut a = LocalApic::new(3, false);
        assert_eq!(rd(&mut a, 0, reg::ID), 3 << 24);
        assert_eq!(rd(&mut a, 0, reg::VERSION), 0x0005_0014);
        assert_eq!(rd(&mut a, 0, reg::SVR), 0xff);
        assert_eq!(rd(&mut a, 0, reg::DFR), 0xffff_ffff);
        for off in [
            reg::LVT_TIMER,
            reg::LVT_THERMAL,
            reg::LVT_PERF,
            reg::LVT_LINT0,
            reg::LVT_LINT1,
            reg::LVT_ERROR,
        ] {
            assert_eq!(rd(&mut a, 0, off), LVT_MASKED, "{off:#x}");
        }
        assert_eq!(rd(&mut a, 0, reg::TPR), 0);
        assert_eq!(rd(&mut a, 0, reg::LDR), 0);
        assert_eq!(a.apic_base(), APIC_DEFAULT_BASE | APIC_BASE_EN);
        assert!(!a.sw_enabled());
        assert_eq!(a.page_base(), 0xfee0_0000);
    }

    #[test]
    fn software_disabled_apic_masks_lvts_and_takes_nothing() {
        let mut a = LocalApic::new(0, true);
        wr(&mut a, 0, reg::LVT_TIMER, 0x40);
        assert_eq!(
            rd(&mut a, 0, reg::LVT_TIMER),
            LVT_MASKED | 0x40,
            "mask stays set"
        );
        a.accept(0, 0x40, false);
        assert!(!in_reg(&mut a, reg::IRR, 0x40));
        wr(&mut a, 0, reg::SVR, SVR_ENABLE | 0xff);
        wr(&mut a, 0, reg::LVT_TIMER, 0x40);
        assert_eq!(rd(&mut a, 0, reg::LVT_TIMER), 0x40);
        // Clearing the software enable masks every LVT entry.
        wr(&mut a, 0, reg::SVR, 0xff);
        assert_eq!(rd(&mut a, 0, reg::LVT_TIMER), LVT_MASKED | 0x40);
    }

    #[test]
    fn processor_priority_from_tpr_and_isr() {
        // §11.8.3.1: PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4] << 4.
        let mut a = apic(0);
        a.accept(0, 0x45, false);
        assert_eq!(a.acknowledge(0), Some(0x45));
        wr(&mut a, 0, reg::TPR, 0x31);
        assert_eq!(rd(&mut a, 0, reg::PPR), 0x40);
        wr(&mut a, 0, reg::TPR, 0x52);
        assert_eq!(rd(&mut a, 0, reg::PPR), 0x52);
        wr(&mut a, 0, reg::TPR, 0x4f);
        assert_eq!(rd(&mut a, 0, reg::PPR), 0x4f);
    }

    #[test]
    fn acknowledge_takes_the_highest_class_above_ppr() {
        let mut a = apic(0);
        a.accept(0, 0x31, false);
        a.accept(0, 0x52, false);
        assert!(a.interrupt_pending(0));
        assert_eq!(a.acknowledge(0), Some(0x52));
        assert!(in_reg(&mut a, reg::ISR, 0x52));
        assert!(!in_reg(&mut a, reg::IRR, 0x52));
        // 0x31's class (3) is not above the PPR's (5) while 0x52 is in service.
        assert!(!a.interrupt_pending(0));
        assert_eq!(a.acknowledge(0), None);
        wr(&mut a, 0, reg::EOI, 0);
        assert!(!in_reg(&mut a, reg::ISR, 0x52));
        // A TPR of the same class still blocks it: the class must be above.
        wr(&mut a, 0, reg::TPR, 0x30);
        assert_eq!(a.acknowledge(0), None);
        wr(&mut a, 0, reg::TPR, 0x2f);
        assert_eq!(a.acknowledge(0), Some(0x31));
        // Within one class the higher vector goes first.
        wr(&mut a, 0, reg::EOI, 0);
        a.accept(0, 0x61, false);
        a.accept(0, 0x6e, false);
        assert_eq!(a.acknowledge(0), Some(0x6e));
    }

    #[test]
    fn arbitration_priority() {
        // §11.8.3.1 (xAPIC APR): TPR when it is at least IRRV's class and above ISRV's,
        // else the highest of the three classes.
        let mut a = apic(0);
        wr(&mut a, 0, reg::TPR, 0x35);
        assert_eq!(rd(&mut a, 0, reg::APR), 0x35);
        a.accept(0, 0x71, false);
        assert_eq!(rd(&mut a, 0, reg::APR), 0x70);
    }

    #[test]
    fn eoi_clears_the_highest_isr_and_broadcasts_level_vectors() {
        let mut a = apic(0);
        a.accept(0, 0x40, true);
        a.accept(0, 0x80, false);
        assert!(in_reg(&mut a, reg::TMR, 0x40));
        assert!(!in_reg(&mut a, reg::TMR, 0x80));
        assert_eq!(a.acknowledge(0), Some(0x80));
        // 0x40 is of a lower class: the nested order is 0x80, then 0x40 after its EOI.
        wr(&mut a, 0, reg::EOI, 0);
        assert!(a.take_eois().is_empty(), "edge vector: no broadcast");
        assert_eq!(a.acknowledge(0), Some(0x40));
        wr(&mut a, 0, reg::EOI, 0);
        assert_eq!(a.take_eois(), [0x40]);
        wr(&mut a, 0, reg::EOI, 0);
        assert!(a.take_eois().is_empty(), "EOI with nothing in service");
    }

    #[test]
    fn error_status_latches_on_write() {
        // §11.5.3: the ESR is updated by a write; errors since the previous write appear.
        let mut a = apic(0);
        wr(&mut a, 0, reg::LVT_ERROR, 0xfe);
        a.accept(0, 0x05, false);
        assert_eq!(rd(&mut a, 0, reg::ESR), 0);
        wr(&mut a, 0, reg::ESR, 0);
        assert_eq!(rd(&mut a, 0, reg::ESR), ESR_RECV_ILLEGAL_VECTOR);
        wr(&mut a, 0, reg::ESR, 0);
        assert_eq!(rd(&mut a, 0, reg::ESR), 0);
        // The error raised the error LVT's vector.
        assert_eq!(a.acknowledge(0), Some(0xfe));
        // A reserved register: illegal register address.
        assert_eq!(rd(&mut a, 0, 0x2f0), 0);
        wr(&mut a, 0, reg::ESR, 0);
        assert_eq!(rd(&mut a, 0, reg::ESR), ESR_ILLEGAL_REGISTER);
    }

    #[test]
    fn logical_destination_registers() {
        let mut a = apic(0);
        wr(&mut a, 0, reg::LDR, 0x1234_5678);
        assert_eq!(rd(&mut a, 0, reg::LDR), 0x1200_0000);
        wr(&mut a, 0, reg::DFR, 0x0000_0000);
        assert_eq!(rd(&mut a, 0, reg::DFR), 0x0fff_ffff);
        assert!(a.matches_logical(0x13));
        assert!(!a.matches_logical(0x21));
        wr(&mut a, 0, reg::DFR, 0xffff_ffff);
        assert!(a.matches_logical(0x10));
        assert!(!a.matches_logical(0x01));
    }

    #[test]
    fn xapic_ipis() {
        let mut a = apic(0);
        // Fixed, physical, destination 1 (ICR high bits 31:24): a message.
        wr(&mut a, 0, reg::ICR_HIGH, 0x0100_0000);
        wr(&mut a, 0, reg::ICR, 0x4041);
        assert_eq!(
            a.take_messages(),
            [ApicMessage {
                dest: Destination::Physical(1),
                mode: mode::FIXED,
                vector: 0x41,
                level: false
            }]
        );
        assert_eq!(rd(&mut a, 0, reg::ICR_HIGH), 0x0100_0000);
        assert_eq!(
            rd(&mut a, 0, reg::ICR) & (1 << 12),
            0,
            "delivery status idle"
        );
        // The self shorthand lands at once.
        wr(&mut a, 0, reg::ICR, (1 << 18) | 0x42);
        assert!(in_reg(&mut a, reg::IRR, 0x42));
        assert!(a.take_messages().is_empty());
        // All excluding self, logical.
        wr(&mut a, 0, reg::ICR, (3 << 18) | (1 << 11) | 0x43);
        assert_eq!(a.take_messages()[0].dest, Destination::AllButSelf);
        // Illegal vector: ESR send illegal vector, nothing sent.
        wr(&mut a, 0, reg::ICR, 0x0f);
        assert!(a.take_messages().is_empty());
        wr(&mut a, 0, reg::ESR, 0);
        assert_eq!(rd(&mut a, 0, reg::ESR), ESR_SEND_ILLEGAL_VECTOR);
    }

    #[test]
    fn one_shot_timer() {
        let mut a = apic(0);
        wr(&mut a, 0, reg::TIMER_DIVIDE, 0b1011); // divide by 1
        wr(&mut a, 0, reg::LVT_TIMER, 0xec);
        wr(&mut a, 100, reg::TIMER_INITIAL, 1000);
        assert_eq!(a.next_deadline(), Some(1100));
        assert_eq!(rd(&mut a, 600, reg::TIMER_CURRENT), 500);
        assert!(!a.interrupt_pending(1099));
        assert!(a.interrupt_pending(1100));
        assert_eq!(a.acknowledge(1100), Some(0xec));
        // It stays at 0 until reprogrammed.
        assert_eq!(rd(&mut a, 5000, reg::TIMER_CURRENT), 0);
        assert_eq!(a.next_deadline(), None);
        assert_eq!(rd(&mut a, 5000, reg::TIMER_INITIAL), 1000);
        // Writing 0 stops a running timer.
        wr(&mut a, 6000, reg::TIMER_INITIAL, 50);
        wr(&mut a, 6010, reg::TIMER_INITIAL, 0);
        assert_eq!(a.next_deadline(), None);
        assert_eq!(rd(&mut a, 6020, reg::TIMER_CURRENT), 0);
    }

    #[test]
    fn periodic_timer_reloads() {
        let mut a = apic(0);
        wr(&mut a, 0, reg::TIMER_DIVIDE, 0b0000); // divide by 2
        wr(&mut a, 0, reg::LVT_TIMER, TIMER_PERIODIC | 0xd0);
        wr(&mut a, 0, reg::TIMER_INITIAL, 100); // 200 instructions a period
        assert_eq!(rd(&mut a, 50, reg::TIMER_CURRENT), 75);
        assert_eq!(a.next_deadline(), Some(200));
        assert_eq!(a.acknowledge(199), None);
        assert_eq!(a.acknowledge(200), Some(0xd0));
        assert_eq!(rd(&mut a, 250, reg::TIMER_CURRENT), 75, "reloaded");
        assert_eq!(a.next_deadline(), Some(400));
        wr(&mut a, 300, reg::EOI, 0);
        // Missed periods make one interrupt; the next expiry stays on the grid.
        assert_eq!(a.acknowledge(1050), Some(0xd0));
        assert_eq!(a.next_deadline(), Some(1200));
        assert_eq!(a.acknowledge(1100), None, "0xd0 in service");
        // Masked: the timer runs but raises nothing, and no idle deadline is reported.
        wr(&mut a, 1100, reg::EOI, 0);
        wr(
            &mut a,
            1100,
            reg::LVT_TIMER,
            LVT_MASKED | TIMER_PERIODIC | 0xd0,
        );
        assert_eq!(a.next_deadline(), None);
        assert!(!a.interrupt_pending(1300));
        assert_eq!(rd(&mut a, 1300, reg::TIMER_CURRENT), 50);
    }

    #[test]
    fn divide_configuration() {
        // §11.5.4 figure 11-10: bits 3,1:0 = 000 ÷2, 001 ÷4, 010 ÷8, 011 ÷16, 100 ÷32,
        // 101 ÷64, 110 ÷128, 111 ÷1.
        for (conf, div) in [
            (0b0000, 2),
            (0b0001, 4),
            (0b0010, 8),
            (0b0011, 16),
            (0b1000, 32),
            (0b1001, 64),
            (0b1010, 128),
            (0b1011, 1),
        ] {
            let mut a = apic(0);
            wr(&mut a, 0, reg::TIMER_DIVIDE, conf);
            assert_eq!(rd(&mut a, 0, reg::TIMER_DIVIDE), conf);
            wr(&mut a, 0, reg::TIMER_INITIAL, 100_000);
            assert_eq!(
                rd(&mut a, 1280, reg::TIMER_CURRENT),
                100_000 - 1280 / div,
                "{conf:#06b}"
            );
            assert_eq!(a.next_deadline(), None, "LVT masked at reset");
        }
        // Changing the divider mid-count keeps the ticks counted so far.
        let mut a = apic(0);
        wr(&mut a, 0, reg::TIMER_DIVIDE, 0b1011);
        wr(&mut a, 0, reg::LVT_TIMER, 0x40);
        wr(&mut a, 0, reg::TIMER_INITIAL, 1000);
        wr(&mut a, 400, reg::TIMER_DIVIDE, 0b0000);
        assert_eq!(rd(&mut a, 400, reg::TIMER_CURRENT), 600);
        assert_eq!(a.next_deadline(), Some(400 + 1200));
    }

    #[test]
    fn tsc_deadline_timer() {
        let mut a = apic(0);
        // Not in TSC-deadline mode: the MSR reads 0 and writes are ignored.
        assert!(a.msr_write(0, MSR_TSC_DEADLINE, 5000));
        assert_eq!(a.msr_read(0, MSR_TSC_DEADLINE), Some(0));
        wr(&mut a, 0, reg::LVT_TIMER, TIMER_TSC_DEADLINE | 0xef);
        assert!(a.msr_write(10, MSR_TSC_DEADLINE, 5000));
        assert_eq!(a.msr_read(10, MSR_TSC_DEADLINE), Some(5000));
        assert_eq!(a.next_deadline(), Some(5000));
        // The initial count is ignored and the current count reads 0.
        wr(&mut a, 20, reg::TIMER_INITIAL, 77);
        assert_eq!(rd(&mut a, 20, reg::TIMER_INITIAL), 0);
        assert_eq!(rd(&mut a, 20, reg::TIMER_CURRENT), 0);
        assert!(!a.interrupt_pending(4999));
        assert_eq!(a.acknowledge(5000), Some(0xef));
        assert_eq!(
            a.msr_read(5000, MSR_TSC_DEADLINE),
            Some(0),
            "cleared when it fires"
        );
        wr(&mut a, 5000, reg::EOI, 0);
        // A deadline already passed fires at once; 0 disarms.
        assert!(a.msr_write(6000, MSR_TSC_DEADLINE, 100));
        assert!(a.interrupt_pending(6000));
        assert_eq!(a.acknowledge(6000), Some(0xef));
        wr(&mut a, 6000, reg::EOI, 0);
        assert!(a.msr_write(6000, MSR_TSC_DEADLINE, 9000));
        assert!(a.msr_write(6000, MSR_TSC_DEADLINE, 0));
        assert_eq!(a.next_deadline(), None);
        // Leaving TSC-deadline mode disarms it.
        assert!(a.msr_write(6000, MSR_TSC_DEADLINE, 9000));
        wr(&mut a, 6001, reg::LVT_TIMER, TIMER_ONESHOT | 0xef);
        assert_eq!(a.next_deadline(), None);
        assert!(!a.interrupt_pending(10_000));
    }

    #[test]
    fn tsc_deadline_follows_a_written_tsc() {
        let mut a = apic(0);
        wr(&mut a, 0, reg::LVT_TIMER, TIMER_TSC_DEADLINE | 0xef);
        // The guest set its TSC to 1_000_000 at instruction 100: TSC = now + 999_900.
        a.set_tsc_offset(100, 999_900);
        assert!(a.msr_write(200, MSR_TSC_DEADLINE, 1_000_500));
        assert_eq!(a.next_deadline(), Some(600));
        assert!(!a.interrupt_pending(599));
        assert_eq!(a.acknowledge(600), Some(0xef));
        // A deadline below the current TSC is already due.
        wr(&mut a, 650, reg::EOI, 0);
        assert!(a.msr_write(700, MSR_TSC_DEADLINE, 5));
        assert_eq!(a.acknowledge(700), Some(0xef));
        assert_eq!(a.msr_read(700, MSR_TSC_DEADLINE), Some(0));
    }

    #[test]
    fn x2apic_registers() {
        // §11.12: ID is the 32-bit x2APIC ID; LDR = cluster (ID[19:4]) << 16 | 1 << ID[3:0].
        let mut a = x2(0x23);
        assert_eq!(a.msr_read(0, 0x802), Some(0x23));
        assert_eq!(a.msr_read(0, 0x803), Some(0x0005_0014));
        assert_eq!(a.msr_read(0, 0x80d), Some(0x0002_0008));
        assert!(a.matches_logical(0x0002_0008));
        assert!(!a.matches_logical(0x0001_0008));
        assert!(a.matches_physical(0x23));
        // Registers x2APIC lacks, reads of write-only ones and writes of read-only ones: #GP.
        for msr in [0x809, 0x80b, 0x80e, 0x831, 0x83f, 0x80c, 0x82f, 0x8ff] {
            assert_eq!(a.msr_read(0, msr), None, "read {msr:#x}");
        }
        for msr in [
            0x802, 0x803, 0x80a, 0x80d, 0x810, 0x818, 0x820, 0x839, 0x80e, 0x831,
        ] {
            assert!(!a.msr_write(0, msr, 0), "write {msr:#x}");
        }
        // EOI and ESR take only 0; other registers' upper halves are reserved.
        assert!(a.msr_write(0, 0x80b, 0));
        assert!(!a.msr_write(0, 0x80b, 1));
        assert!(!a.msr_write(0, 0x828, 1));
        assert!(a.msr_write(0, 0x828, 0));
        assert!(!a.msr_write(0, 0x808, 1 << 32));
        assert!(a.msr_write(0, 0x808, 0x20));
        assert_eq!(a.msr_read(0, 0x808), Some(0x20));
        // The xAPIC page is not the APIC's any more.
        assert_eq!(a.mmio_read(0, reg::TPR, 4), 0);
        assert!(!a.mmio_enabled());
    }

    #[test]
    fn x2apic_icr_and_self_ipi() {
        let mut a = x2(0x23);
        // One 64-bit ICR, destination in bits 63:32.
        assert!(a.msr_write(0, 0x830, (0x105u64 << 32) | 0x4051));
        assert_eq!(a.msr_read(0, 0x830), Some((0x105u64 << 32) | 0x4051));
        assert_eq!(
            a.take_messages(),
            [ApicMessage {
                dest: Destination::Physical(0x105),
                mode: mode::FIXED,
                vector: 0x51,
                level: false
            }]
        );
        // SELF IPI: vector in bits 7:0, the rest reserved.
        assert!(a.msr_write(0, 0x83f, 0x66));
        assert_eq!(a.acknowledge(0), Some(0x66));
        assert!(!a.msr_write(0, 0x83f, 0x166));
    }

    #[test]
    fn x2apic_msrs_need_x2apic_mode() {
        let mut a = apic(1);
        assert_eq!(a.msr_read(0, 0x802), None);
        assert!(!a.msr_write(0, 0x808, 0));
        assert_eq!(a.msr_read(0, 0x7ff), None);
        assert_eq!(a.msr_read(0, 0x900), None);
        // IA32_TSC_DEADLINE exists in xAPIC mode too.
        assert_eq!(a.msr_read(0, MSR_TSC_DEADLINE), Some(0));
    }

    #[test]
    fn apic_base_transitions() {
        // §11.12.5: disabled ↔ xAPIC ↔ x2APIC; x2APIC → xAPIC only through disabled;
        // EXTD without EN invalid.
        let (off, xapic, x2mode) = (0, APIC_BASE_EN, APIC_BASE_EN | APIC_BASE_EXTD);
        assert!(apic_base_write_valid(off, xapic));
        assert!(apic_base_write_valid(xapic, x2mode));
        assert!(apic_base_write_valid(x2mode, off));
        assert!(apic_base_write_valid(xapic, off));
        assert!(!apic_base_write_valid(x2mode, xapic));
        assert!(!apic_base_write_valid(off, x2mode));
        assert!(!apic_base_write_valid(xapic, APIC_BASE_EXTD));
        // Disabling resets the APIC to its power-up state.
        let mut a = x2(5);
        a.msr_write(0, 0x808, 0x40);
        a.accept(0, 0x99, false);
        a.set_apic_base(APIC_DEFAULT_BASE);
        assert!(!a.hw_enabled());
        a.set_apic_base(APIC_DEFAULT_BASE | APIC_BASE_EN);
        assert_eq!(rd(&mut a, 0, reg::TPR), 0);
        assert_eq!(rd(&mut a, 0, reg::SVR), 0xff);
        assert!(!in_reg(&mut a, reg::IRR, 0x99));
        assert_eq!(rd(&mut a, 0, reg::ID), 5 << 24);
    }

    #[test]
    fn reset_returns_to_xapic_power_up() {
        let mut a = x2(2);
        a.msr_write(0, 0x808, 0x30);
        a.reset();
        assert_eq!(
            a.apic_base(),
            APIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_BSP
        );
        assert!(a.mmio_enabled());
        assert_eq!(rd(&mut a, 0, reg::TPR), 0);
        assert_eq!(rd(&mut a, 0, reg::SVR), 0xff);
    }

    #[test]
    fn odd_sized_or_misaligned_accesses_are_ignored() {
        let mut a = apic(0);
        a.mmio_write(0, reg::TPR, 1, 0x55);
        a.mmio_write(0, reg::TPR + 4, 4, 0x55);
        assert_eq!(rd(&mut a, 0, reg::TPR), 0);
        assert_eq!(a.mmio_read(0, reg::VERSION, 2), 0);
        assert_eq!(a.mmio_read(0, 0x1000, 4), 0);
        // Read-only registers ignore writes without an error.
        wr(&mut a, 0, reg::VERSION, 0);
        wr(&mut a, 0, reg::ESR, 0);
        assert_eq!(rd(&mut a, 0, reg::ESR), 0);
        assert_eq!(rd(&mut a, 0, reg::VERSION), VERSION);
    }
}
