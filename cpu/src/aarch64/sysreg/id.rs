//! Identification registers of the modelled CPU (DDI 0487 D19.2, "General system control
//! registers": MIDR, MPIDR, REVIDR, the ID_AA64* and AArch32 ID registers, CTR, DCZID, CLIDR,
//! CCSIDR).
//!
//! The CPU is QEMU's `cortex-a57` (Cortex-A57 r1p0), with what this core implements and no more:
//! AArch64 only at every EL (the AArch32 ID registers keep the A57 values, which are UNKNOWN
//! architecturally when AArch32 is not implemented), EL2 only when `max_el` is 2, no EL3, no
//! PMU, CRC32 as the only ISA extension, no big-endian data.

use super::Reg;
use crate::aarch64::state::Cpu;

/// MIDR_EL1 of QEMU's `cortex-a57`: Arm, variant 1, architecture 0xf, part 0xd07, revision 0.
pub const MIDR_CORTEX_A57: u64 = 0x411f_d070;
/// MPIDR_EL1 at reset: bit 31 RES1, affinity 0 (the machine sets each vCPU's affinity).
pub const MPIDR_RESET: u64 = 1 << 31;

/// ID_AA64PFR0_EL1 fields EL0 and EL1 = 1 (AArch64 only), FP = AdvSIMD = 0 (implemented),
/// EL3 = 0 (not implemented); GIC is added by [`read_aa64pfr0`].
const AA64PFR0_EL0_EL1: u64 = 0x11;
/// ID_AA64PFR0_EL1.EL2 = 1 (AArch64 only) when EL2 is implemented.
const AA64PFR0_EL2: u64 = 0x100;
/// ID_AA64DFR0_EL1: DebugVer 6 (v8.0 debug), PMUVer 0 (no PMU), BRPs 5 (6 breakpoints), WRPs 3
/// (4 watchpoints), CTX_CMPs 1 (2 context-aware breakpoints) as QEMU's A57 without its PMU.
pub const AA64DFR0: u64 = 0x1030_5006;
/// ID_AA64ISAR0_EL1: CRC32 (bits 19:16 = 1) only; no AES, SHA, PMULL or atomics.
pub const AA64ISAR0: u64 = 0x0001_0000;
/// ID_AA64MMFR0_EL1: PARange 4 (44 bits), ASIDBits 2 (16 bits), BigEnd 0, SNSMem 1,
/// TGran16 1 (16K granule supported), TGran64 0 and TGran4 0 (supported).
pub const AA64MMFR0: u64 = 0x0010_1024;
/// CTR_EL0: bit 31 RES1, CWG = ERG = 4 (64 bytes), DminLine = IminLine = 4 (64 bytes),
/// L1Ip = 3 (PIPT), IDC = DIC = 0 (software must clean and invalidate).
pub const CTR: u64 = 0x8444_c004;
/// DCZID_EL0.BS: log2 of the DC ZVA block size in 4-byte words (16 words = 64 bytes).
pub const DCZID_BS: u64 = 4;
/// Bytes zeroed by DC ZVA.
pub const ZVA_BYTES: u64 = 4 << DCZID_BS;
/// CLIDR_EL1: L1 separate I and D, L2 unified, LoUIS 1, LoC 2, LoUU 1.
pub const CLIDR: u64 = 0x0a20_0023;
/// CCSIDR_EL1 per CSSELR_EL1 (Level << 1 | InD): 32 KB L1 D, 48 KB L1 I, 2 MB L2 (A57).
pub const CCSIDR: [u64; 3] = [0x701f_e00a, 0x201f_e012, 0x70ff_e07a];
/// PMCR_EL0 at reset (A57: IMP 0x41, IDCODE 1, N 6).
pub const PMCR_RESET: u64 = 0x4101_3000;
/// The frequency of the system counter reported in CNTFRQ_EL0 (QEMU's A57: 62.5 MHz).
pub const CNTFRQ: u64 = 62_500_000;

/// AArch32 ID registers of QEMU's A57 (UNKNOWN here since AArch32 is not implemented).
pub mod aarch32 {
    /// ID_PFR0_EL1.
    pub const PFR0: u64 = 0x0000_0131;
    /// ID_PFR1_EL1.
    pub const PFR1: u64 = 0x0001_1011;
    /// ID_DFR0_EL1.
    pub const DFR0: u64 = 0x0301_0066;
    /// ID_MMFR0_EL1.
    pub const MMFR0: u64 = 0x1010_1105;
    /// ID_MMFR1_EL1.
    pub const MMFR1: u64 = 0x4000_0000;
    /// ID_MMFR2_EL1.
    pub const MMFR2: u64 = 0x0126_0000;
    /// ID_MMFR3_EL1.
    pub const MMFR3: u64 = 0x0210_2211;
    /// ID_ISAR0_EL1.
    pub const ISAR0: u64 = 0x0210_1110;
    /// ID_ISAR1_EL1.
    pub const ISAR1: u64 = 0x1311_2111;
    /// ID_ISAR2_EL1.
    pub const ISAR2: u64 = 0x2123_2042;
    /// ID_ISAR3_EL1.
    pub const ISAR3: u64 = 0x0111_2131;
    /// ID_ISAR4_EL1.
    pub const ISAR4: u64 = 0x0001_1142;
    /// ID_ISAR5_EL1.
    pub const ISAR5: u64 = 0x0001_1121;
    /// MVFR0_EL1.
    pub const MVFR0: u64 = 0x1011_0222;
    /// MVFR1_EL1.
    pub const MVFR1: u64 = 0x1211_1111;
    /// MVFR2_EL1.
    pub const MVFR2: u64 = 0x0000_0043;
}

/// Whether EL2 is implemented and enabled below it (no EL3: EL2 is always enabled).
#[inline]
fn el2_below(c: &Cpu) -> bool {
    c.max_el >= 2 && c.el < 2
}

/// MIDR_EL1: EL1 reads VPIDR_EL2 when EL2 is implemented (D19.2, MIDR_EL1 accessibility).
pub fn read_midr(c: &Cpu) -> u64 {
    if el2_below(c) {
        c.sys.get(Reg::VpidrEl2)
    } else {
        MIDR_CORTEX_A57
    }
}

/// MPIDR_EL1: EL1 reads VMPIDR_EL2 when EL2 is implemented.
pub fn read_mpidr(c: &Cpu, reg: Reg) -> u64 {
    if el2_below(c) {
        c.sys.get(Reg::VmpidrEl2)
    } else {
        c.sys.get(reg)
    }
}

/// ID_AA64PFR0_EL1.GIC = 1: GICv3 System register CPU interface implemented.
const AA64PFR0_GIC: u64 = 1 << 24;

/// ID_AA64PFR0_EL1, with the EL2 field following `max_el` and the GIC field following the
/// board's interrupt controller (ICC_SRE_EL2 is non-zero when it has a GICv3 CPU interface).
pub fn read_aa64pfr0(c: &Cpu) -> u64 {
    let el2 = if c.max_el >= 2 { AA64PFR0_EL2 } else { 0 };
    let gic = if c.sys.get(Reg::IccSreEl2) != 0 {
        AA64PFR0_GIC
    } else {
        0
    };
    AA64PFR0_EL0_EL1 | el2 | gic
}

/// CCSIDR_EL1 of the cache CSSELR_EL1 selects (0 for a cache that does not exist: UNKNOWN).
pub fn read_ccsidr(c: &Cpu) -> u64 {
    let sel = (c.sys.get(Reg::CsselrEl1) & 0xf) as usize;
    CCSIDR.get(sel).copied().unwrap_or(0)
}

/// DCZID_EL0: BS, and DZP set when DC ZVA is prohibited at the current EL (EL0 with
/// SCTLR_EL1.DZE = 0, or HCR_EL2.TDZ trapping it below EL2).
pub fn read_dczid(c: &Cpu) -> u64 {
    let prohibited = (c.el == 0 && c.sys.get(Reg::SctlrEl1) & super::hooks::SCTLR_DZE == 0)
        || (el2_below(c) && c.sys.get(Reg::HcrEl2) & super::hooks::HCR_TDZ != 0);
    DCZID_BS | (prohibited as u64) << 4
}
