//! The model-specific registers the vCPU itself implements (SDM vol. 4 table 2-2), as one
//! sorted table of descriptors: number, name, read, write (with the reserved-bit checks that
//! raise #GP(0)). RDMSR/WRMSR of a number not in the table goes to the
//! [`Platform`](super::Platform) (the x2APIC range and IA32_TSC_DEADLINE live in the machine's
//! local APIC); when the platform has nothing there either the instruction raises #GP(0) and
//! the number is counted in [`Cpu::bad_msrs`].
//!
//! MTRRs are not advertised in CPUID: IA32_MTRRCAP reads 0 (no variable or fixed ranges, no
//! write-combining) and IA32_MTRR_DEF_TYPE is storage with its reserved-bit checks, so a guest
//! that probes them sees "no ranges". IA32_SPEC_CTRL and the other speculation-control MSRs are
//! not advertised and raise #GP(0).

use super::mem::canonical;
use super::state::Cpu;
use super::system::{cr0, efer, Msrs, MAXPHYADDR};

/// IA32_TSC.
pub const TSC: u32 = 0x10;
/// IA32_APIC_BASE.
pub const APIC_BASE: u32 = 0x1b;
/// IA32_BIOS_SIGN_ID (microcode revision, bits 63:32).
pub const BIOS_SIGN_ID: u32 = 0x8b;
/// IA32_MTRRCAP.
pub const MTRRCAP: u32 = 0xfe;
/// IA32_MISC_ENABLE.
pub const MISC_ENABLE: u32 = 0x1a0;
/// IA32_PAT.
pub const PAT: u32 = 0x277;
/// IA32_MTRR_DEF_TYPE.
pub const MTRR_DEF_TYPE: u32 = 0x2ff;
/// IA32_EFER.
pub const EFER: u32 = 0xc000_0080;
/// IA32_STAR.
pub const STAR: u32 = 0xc000_0081;
/// IA32_LSTAR.
pub const LSTAR: u32 = 0xc000_0082;
/// IA32_CSTAR.
pub const CSTAR: u32 = 0xc000_0083;
/// IA32_FMASK.
pub const FMASK: u32 = 0xc000_0084;
/// IA32_FS_BASE.
pub const FS_BASE: u32 = 0xc000_0100;
/// IA32_GS_BASE.
pub const GS_BASE: u32 = 0xc000_0101;
/// IA32_KERNEL_GS_BASE.
pub const KERNEL_GS_BASE: u32 = 0xc000_0102;
/// IA32_TSC_AUX.
pub const TSC_AUX: u32 = 0xc000_0103;

/// IA32_APIC_BASE bits: bootstrap processor (read-only), x2APIC mode, global enable.
pub mod apic_base {
    /// This is the bootstrap processor (read-only).
    pub const BSP: u64 = 1 << 8;
    /// x2APIC mode.
    pub const EXTD: u64 = 1 << 10;
    /// APIC global enable.
    pub const EN: u64 = 1 << 11;
    /// The default base address of the xAPIC page.
    pub const DEFAULT: u64 = 0xfee0_0000;
}

/// IA32_MISC_ENABLE bits this core gives a meaning.
pub mod misc_enable {
    /// Fast-string operations enabled.
    pub const FAST_STRING: u64 = 1 << 0;
    /// Branch trace storage unavailable (read-only).
    pub const BTS_UNAVAILABLE: u64 = 1 << 11;
    /// Precise event-based sampling unavailable (read-only).
    pub const PEBS_UNAVAILABLE: u64 = 1 << 12;
    /// Limit CPUID's maximum basic leaf to 2.
    pub const LIMIT_CPUID: u64 = 1 << 22;
    /// Execute-disable: hides NX in CPUID (and EFER.NXE cannot be set).
    pub const XD_DISABLE: u64 = 1 << 34;
    /// The bits WRMSR may change; writes to the others are ignored.
    pub const WRITABLE: u64 = FAST_STRING | LIMIT_CPUID | XD_DISABLE;
}

/// The power-on value of IA32_PAT (SDM vol. 3 §11.12.4): WB, WT, UC-, UC twice.
pub const PAT_DEFAULT: u64 = 0x0007_0406_0007_0406;

impl Msrs {
    /// The power-on values.
    pub fn reset() -> Msrs {
        Msrs {
            pat: PAT_DEFAULT,
            misc_enable: misc_enable::FAST_STRING
                | misc_enable::BTS_UNAVAILABLE
                | misc_enable::PEBS_UNAVAILABLE,
            apic_base: apic_base::DEFAULT | apic_base::BSP | apic_base::EN,
            ..Msrs::default()
        }
    }
}

/// One MSR the vCPU implements.
struct Desc {
    index: u32,
    name: &'static str,
    read: fn(&Cpu) -> u64,
    /// `Err(())`: the value is refused (#GP(0)).
    write: fn(&mut Cpu, u64) -> Result<(), ()>,
}

fn refuse(_: &mut Cpu, _: u64) -> Result<(), ()> {
    Err(())
}

fn canonical_or_gp(v: u64) -> Result<u64, ()> {
    if canonical(v) {
        Ok(v)
    } else {
        Err(())
    }
}

/// Whether every byte of `v` is a valid memory type for PAT (0, 1, 4, 5, 6, 7).
fn pat_valid(v: u64) -> bool {
    v.to_le_bytes().iter().all(|&b| matches!(b, 0 | 1 | 4..=7))
}

/// The table, sorted by number.
const MSRS: &[Desc] = &[
    Desc {
        index: TSC,
        name: "IA32_TSC",
        read: |c| c.tsc(),
        write: |c, v| {
            c.sys.msr.tsc_offset = v.wrapping_sub(c.insns);
            Ok(())
        },
    },
    Desc {
        index: APIC_BASE,
        name: "IA32_APIC_BASE",
        read: |c| c.sys.msr.apic_base,
        write: |c, v| {
            let base = ((1u64 << MAXPHYADDR) - 1) & !0xfff;
            let ok = v & !(base | apic_base::BSP | apic_base::EXTD | apic_base::EN) == 0
                && (v & (apic_base::EXTD | apic_base::EN) != apic_base::EXTD);
            if !ok {
                return Err(());
            }
            let bsp = c.sys.msr.apic_base & apic_base::BSP;
            c.sys.msr.apic_base = (v & !apic_base::BSP) | bsp;
            Ok(())
        },
    },
    Desc {
        index: BIOS_SIGN_ID,
        name: "IA32_BIOS_SIGN_ID",
        // No microcode: revision 0; a write (the update trigger) is ignored.
        read: |_| 0,
        write: |_, _| Ok(()),
    },
    Desc {
        index: MTRRCAP,
        name: "IA32_MTRRCAP",
        read: |_| 0,
        write: refuse,
    },
    Desc {
        index: MISC_ENABLE,
        name: "IA32_MISC_ENABLE",
        read: |c| c.sys.msr.misc_enable,
        write: |c, v| {
            let m = &mut c.sys.msr.misc_enable;
            *m = (*m & !misc_enable::WRITABLE) | (v & misc_enable::WRITABLE);
            if *m & misc_enable::XD_DISABLE != 0 {
                let old = c.paging_control();
                c.sys.efer &= !efer::NXE;
                c.paging_control_changed(old);
            }
            Ok(())
        },
    },
    Desc {
        index: PAT,
        name: "IA32_PAT",
        read: |c| c.sys.msr.pat,
        write: |c, v| {
            if !pat_valid(v) {
                return Err(());
            }
            c.sys.msr.pat = v;
            Ok(())
        },
    },
    Desc {
        index: MTRR_DEF_TYPE,
        name: "IA32_MTRR_DEF_TYPE",
        read: |c| c.sys.msr.mtrr_def_type,
        write: |c, v| {
            if v & !0xcff != 0 || !matches!(v & 0xff, 0 | 1 | 4 | 5 | 6) {
                return Err(());
            }
            c.sys.msr.mtrr_def_type = v;
            Ok(())
        },
    },
    Desc {
        index: EFER,
        name: "IA32_EFER",
        read: |c| c.sys.efer,
        write: |c, v| c.write_efer(v),
    },
    Desc {
        index: STAR,
        name: "IA32_STAR",
        read: |c| c.sys.msr.star,
        write: |c, v| {
            c.sys.msr.star = v;
            Ok(())
        },
    },
    Desc {
        index: LSTAR,
        name: "IA32_LSTAR",
        read: |c| c.sys.msr.lstar,
        write: |c, v| {
            c.sys.msr.lstar = canonical_or_gp(v)?;
            Ok(())
        },
    },
    Desc {
        index: CSTAR,
        name: "IA32_CSTAR",
        read: |c| c.sys.msr.cstar,
        write: |c, v| {
            c.sys.msr.cstar = canonical_or_gp(v)?;
            Ok(())
        },
    },
    Desc {
        index: FMASK,
        name: "IA32_FMASK",
        read: |c| c.sys.msr.fmask,
        write: |c, v| {
            c.sys.msr.fmask = v & 0xffff_ffff;
            Ok(())
        },
    },
    Desc {
        index: FS_BASE,
        name: "IA32_FS_BASE",
        read: |c| c.sys.seg[super::system::sreg::FS].base,
        write: |c, v| {
            c.sys.seg[super::system::sreg::FS].base = canonical_or_gp(v)?;
            c.refresh_mode();
            Ok(())
        },
    },
    Desc {
        index: GS_BASE,
        name: "IA32_GS_BASE",
        read: |c| c.sys.seg[super::system::sreg::GS].base,
        write: |c, v| {
            c.sys.seg[super::system::sreg::GS].base = canonical_or_gp(v)?;
            c.refresh_mode();
            Ok(())
        },
    },
    Desc {
        index: KERNEL_GS_BASE,
        name: "IA32_KERNEL_GS_BASE",
        read: |c| c.sys.msr.kernel_gs_base,
        write: |c, v| {
            c.sys.msr.kernel_gs_base = canonical_or_gp(v)?;
            Ok(())
        },
    },
    Desc {
        index: TSC_AUX,
        name: "IA32_TSC_AUX",
        read: |c| c.sys.msr.tsc_aux,
        write: |c, v| {
            if v >> 32 != 0 {
                return Err(());
            }
            c.sys.msr.tsc_aux = v;
            Ok(())
        },
    },
];

fn find(index: u32) -> Option<&'static Desc> {
    MSRS.binary_search_by_key(&index, |d| d.index)
        .ok()
        .map(|i| &MSRS[i])
}

/// The name of MSR `index` if the vCPU implements it (for traces and reports).
pub fn name(index: u32) -> Option<&'static str> {
    find(index).map(|d| d.name)
}

impl Cpu {
    /// The time-stamp counter: instructions retired plus the offset IA32_TSC writes set.
    #[inline]
    pub fn tsc(&self) -> u64 {
        self.insns.wrapping_add(self.sys.msr.tsc_offset)
    }

    /// RDMSR of a register the vCPU implements, `None` if it does not.
    pub fn msr_read_own(&self, index: u32) -> Option<u64> {
        find(index).map(|d| (d.read)(self))
    }

    /// WRMSR of a register the vCPU implements: `None` if it does not, `Some(false)` if the
    /// value is refused.
    pub fn msr_write_own(&mut self, index: u32, v: u64) -> Option<bool> {
        find(index).map(|d| (d.write)(self, v).is_ok())
    }

    /// WRMSR IA32_EFER (SDM vol. 3 §2.2.1, §9.8.5): reserved bits and NXE under
    /// XD_DISABLE are refused, LME cannot change while paging is on, LMA is read-only.
    pub(crate) fn write_efer(&mut self, v: u64) -> Result<(), ()> {
        let xd = self.sys.msr.misc_enable & misc_enable::XD_DISABLE != 0;
        if v & !(efer::WRITABLE | efer::LMA) != 0 || (xd && v & efer::NXE != 0) {
            return Err(());
        }
        if self.sys.cr0 & cr0::PG != 0 && (v ^ self.sys.efer) & efer::LME != 0 {
            return Err(());
        }
        let old = self.paging_control();
        self.sys.efer = (v & efer::WRITABLE) | (self.sys.efer & efer::LMA);
        self.paging_control_changed(old);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_unique() {
        assert!(MSRS.windows(2).all(|w| w[0].index < w[1].index));
    }

    #[test]
    fn reserved_values_are_refused() {
        let mut c = Cpu::new();
        assert_eq!(c.msr_write_own(PAT, 0x0007_0406_0007_0402), Some(false)); // type 2
        assert_eq!(c.msr_write_own(PAT, 0x0606_0606_0606_0606), Some(true));
        assert_eq!(c.msr_write_own(LSTAR, 0x8000_0000_0000_0000), Some(false));
        assert_eq!(c.msr_write_own(TSC_AUX, 1 << 32), Some(false));
        assert_eq!(c.msr_write_own(MTRRCAP, 0), Some(false));
        assert_eq!(c.msr_write_own(EFER, 1 << 1), Some(false));
        assert_eq!(c.msr_write_own(0x3a, 0), None);
        // x2APIC mode without the global enable is an invalid state (SDM vol. 3 §11.12.5).
        assert_eq!(
            c.msr_write_own(APIC_BASE, apic_base::DEFAULT | apic_base::EXTD),
            Some(false)
        );
    }

    #[test]
    fn writing_the_tsc_sets_an_offset_from_the_instruction_count() {
        let mut c = Cpu::new();
        c.insns = 1000;
        assert_eq!(c.msr_write_own(TSC, 5000), Some(true));
        c.insns = 1010;
        assert_eq!(c.msr_read_own(TSC), Some(5010));
    }
}
