//! What an x86 vCPU reaches besides memory: the I/O port space, the model-specific registers the
//! machine implements, and its external interrupts. The machine crate implements it (the
//! 16550, the CMOS RTC and the local APIC live there, as the GIC does for aarch64); the core
//! only calls it.
//!
//! Local APIC split: the vCPU keeps `IA32_APIC_BASE` (MSR 0x1b) as storage and forwards the
//! APIC's own registers — the xAPIC page (`APIC_BASE & !0xfff` while the APIC is enabled and
//! not in x2APIC mode) through [`Platform::apic_mmio_read`]/[`Platform::apic_mmio_write`], the
//! x2APIC MSRs 0x800–0x8ff and `IA32_TSC_DEADLINE` (0x6e0) through [`Platform::msr_read`]/
//! [`Platform::msr_write`] — so the APIC and its timer are one device in the machine. The
//! machine's copy follows the vCPU's: every accepted WRMSR of `IA32_APIC_BASE` is reported by
//! [`Platform::apic_base_changed`], of `IA32_TSC` by [`Platform::tsc_offset_changed`]. Time is
//! the vCPU's instruction count, passed with every call that can depend on it.

use crate::aarch64::Bus;

/// Virtual time: one retired instruction is one nanosecond (as QEMU's `-icount shift=0`), so
/// the TSC, counting once per instruction, runs at 1 GHz. CPUID leaves 0x15/0x16 announce it
/// (crystal [`CRYSTAL_HZ`] × 1/1), so the guest never calibrates against a host clock.
pub const TSC_HZ: u64 = 1_000_000_000;
/// The core crystal clock CPUID leaf 0x15 reports, which is also the local APIC timer's input
/// clock (before its divide configuration): the TSC's rate, one tick per instruction.
pub const CRYSTAL_HZ: u64 = TSC_HZ;

/// The machine as an x86 vCPU sees it: memory ([`Bus`]) plus ports, MSRs and interrupts. Every
/// method has the behaviour of a machine with nothing there, so a bare bus is a platform.
pub trait Platform: Bus {
    /// IN of `size` bytes (1, 2 or 4) from `port`. Nothing there reads all ones.
    fn port_read(&mut self, cpu: u32, now: u64, port: u16, size: u8) -> u32 {
        let _ = (cpu, now, port);
        (u64::MAX >> (64 - 8 * size as u32)) as u32
    }
    /// OUT of `size` bytes (1, 2 or 4) to `port`. Nothing there drops the write.
    fn port_write(&mut self, cpu: u32, now: u64, port: u16, size: u8, value: u32) {
        let _ = (cpu, now, port, size, value);
    }
    /// RDMSR of a register the machine implements (the x2APIC range, `IA32_TSC_DEADLINE`);
    /// `None` when the machine has none there (the vCPU then raises #GP(0)).
    fn msr_read(&mut self, cpu: u32, now: u64, msr: u32) -> Option<u64> {
        let _ = (cpu, now, msr);
        None
    }
    /// WRMSR of a register the machine implements; `false` when it has none there or refuses
    /// the value (the vCPU then raises #GP(0)).
    fn msr_write(&mut self, cpu: u32, now: u64, msr: u32, value: u64) -> bool {
        let _ = (cpu, now, msr, value);
        false
    }
    /// Acknowledge the highest-priority external interrupt the machine has for vCPU `cpu`
    /// and return its vector (the APIC moves it from IRR to ISR). Asked only when the vCPU can
    /// take one: RFLAGS.IF set and no interrupt shadow (after STI or MOV SS).
    fn acknowledge(&mut self, cpu: u32, now: u64) -> Option<u8> {
        let _ = (cpu, now);
        None
    }
    /// Whether an external interrupt is pending for vCPU `cpu` (cheap; the vCPU checks it
    /// between blocks and leaves HLT on it).
    fn interrupt_pending(&self, cpu: u32, now: u64) -> bool {
        let _ = (cpu, now);
        false
    }
    /// Read of `size` bytes at `offset` in vCPU `cpu`'s xAPIC page (the physical page of its
    /// `IA32_APIC_BASE`, the APIC enabled and not in x2APIC mode). Without an APIC there, the
    /// access goes to [`Bus::mmio_read`] (nothing there reads all ones).
    fn apic_mmio_read(&mut self, cpu: u32, now: u64, pa: u64, size: u8) -> u64 {
        let _ = (cpu, now);
        self.mmio_read(pa, size)
            .unwrap_or(u64::MAX >> (64 - 8 * size as u32))
    }
    /// Write of `size` bytes at physical `pa` in vCPU `cpu`'s xAPIC page (as
    /// [`Platform::apic_mmio_read`]).
    fn apic_mmio_write(&mut self, cpu: u32, now: u64, pa: u64, size: u8, value: u64) {
        let _ = (cpu, now);
        let _ = self.mmio_write(pa, size, value);
    }
    /// vCPU `cpu` accepted a WRMSR of `IA32_APIC_BASE` (0x1b): `value` is its new content
    /// (the machine's APIC moves, is enabled or disabled, enters x2APIC mode).
    fn apic_base_changed(&mut self, cpu: u32, now: u64, value: u64) {
        let _ = (cpu, now, value);
    }
    /// vCPU `cpu` accepted a WRMSR of `IA32_TSC` (0x10): the TSC is now `now` + `offset`
    /// (the TSC-deadline timer compares against it).
    fn tsc_offset_changed(&mut self, cpu: u32, now: u64, offset: u64) {
        let _ = (cpu, now, offset);
    }
    /// Whether the machine wants the vCPU to return from [`crate::x86_64::Cpu::run`] right
    /// after the current instruction (with [`crate::x86_64::Exit::Budget`]): a power-off or
    /// reset written to a port ends the run at that OUT, so the instruction count is exact.
    /// Asked after each OUT and OUTS only (a port write is already a call into the machine),
    /// never per instruction.
    fn stop_requested(&self) -> bool {
        false
    }
}

impl Platform for crate::aarch64::flat::FlatBus {}
