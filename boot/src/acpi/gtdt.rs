//! The GTDT (ACPI 6.5 §5.2.25): the generic timer's PPIs, level-triggered and active-high, the
//! non-secure EL1 timer marked always-on. No memory-mapped timer, no platform timers, no
//! virtual EL2 timer (bootemu's CPU is ARMv8.0).

use super::style::Style;
use super::{Table, PPI_BASE};
use crate::fdt::TIMER_PPIS;

/// Length of the GTDT (ACPI 6.3 layout, with the virtual EL2 timer fields).
pub const LEN: u32 = 104;
/// Offset of CntControlBase Physical Address (u64).
pub const CNT_CONTROL_BASE: usize = 36;
/// Offset of the first timer's GSIV; each timer is a (GSIV, flags) pair of u32s, in the order
/// secure EL1, non-secure EL1, virtual EL1, non-secure EL2.
pub const TIMERS: usize = 48;
/// Offset of CntReadBase Physical Address (u64).
pub const CNT_READ_BASE: usize = 80;
/// Timer flag: always-on (ACPI 6.5 table 5.123, bit 2).
pub const ALWAYS_ON: u32 = 1 << 2;

/// The GTDT.
pub(crate) fn build(style: &Style) -> Table {
    let mut t = style.sdt(*b"GTDT", style.rev.gtdt, LEN);
    t.write_u64(CNT_CONTROL_BASE, style.gtdt_cnt_base);
    // TIMER_PPIS: secure physical, non-secure physical, virtual, hypervisor.
    for (i, ppi) in TIMER_PPIS.iter().enumerate() {
        let flags = if i == 1 { ALWAYS_ON } else { 0 };
        t.write_u32(TIMERS + 8 * i, ppi + PPI_BASE);
        t.write_u32(TIMERS + 8 * i + 4, flags);
    }
    t.write_u64(CNT_READ_BASE, style.gtdt_cnt_base);
    t.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acpi::Flavor;

    fn u32_at(b: &[u8], off: usize) -> u32 {
        u32::from_le_bytes(b[off..off + 4].try_into().unwrap())
    }

    #[test]
    fn timer_interrupts_as_both_vmms_write_them() {
        for f in [Flavor::CloudHypervisor, Flavor::Virt] {
            let t = build(Style::of(f)).sdt;
            let b = t.as_slice();
            assert_eq!(b.len(), 104);
            // INTIDs 29, 30, 27, 26 (QEMU's ARCH_TIMER_*_IRQ; Cloud Hypervisor's PPI + 16).
            let gsivs: Vec<u32> = (0..4).map(|i| u32_at(b, 48 + 8 * i)).collect();
            assert_eq!(gsivs, [29, 30, 27, 26]);
            assert_eq!(u32_at(b, 60), 4, "non-secure EL1: always-on, level, high");
            assert_eq!(u32_at(b, 52) | u32_at(b, 68) | u32_at(b, 76), 0);
        }
        let virt = build(Style::of(Flavor::Virt)).sdt;
        assert_eq!(&virt.as_slice()[36..44], &[0xff; 8]);
    }
}
