//! Guest CPU cores of bootemu.
//!
//! `x86_64` is the beginning of an x86_64 interpreter (64-bit-mode integer user code so far,
//! see its module docs); it shares the block cache ([`codecache`]) and the bus with aarch64.
//!
//! `aarch64` is an interpreter for the A64 instruction set (Arm ARM, DDI 0487): instructions are
//! decoded once, through a declarative encoding table, into blocks cached by physical address, and
//! executed by class handlers. The core knows nothing about boards: it reaches memory and devices
//! through [`aarch64::Bus`].
//!
//! Known gaps use one greppable convention, `TODO(FEAT_x)` (`grep -rn 'TODO(FEAT_' cpu/`):
//! - Not advertised FP extensions, UNDEFINED: `TODO(FEAT_FP16)` (half-precision arithmetic),
//!   `TODO(FEAT_FRINTTS)`, `TODO(FEAT_FHM)`, `TODO(FEAT_FCMA)`, `TODO(FEAT_BF16)`, and the crypto
//!   instructions (AES/SHA/PMULL.1Q are not advertised in ID_AA64ISAR0_EL1).
//! - `TODO(FEAT_MMU)`: top-byte-ignore of register branch targets; `TODO(FEAT_S2)`: stage-2
//!   translation; `TODO(FEAT_EL2_TRAPS)`: EL2 traps of EL1 accesses (HCR_EL2.TVM/TID…);
//!   `TODO(FEAT_SMP)`: broadcast TLBI reaching other vCPUs; `TODO(FEAT_PMU)`: counting PMU;
//!   `TODO(GICV3_VIRT)`: the GICv3 virtual CPU interface.
//! - Not advertised, so UNDEFINED by design: `TODO(FEAT_PAuth)`, `TODO(FEAT_PAN)`,
//!   `TODO(FEAT_UAO)`, `TODO(FEAT_DIT)`, `TODO(FEAT_SSBS)`, `TODO(FEAT_SB)`, `TODO(FEAT_XS)`,
//!   `TODO(FEAT_HBC)`, `TODO(FEAT_FlagM)`.
#![deny(missing_docs)]

pub mod aarch64;
pub mod codecache;
#[cfg(test)]
mod testing;
pub mod watch;
pub mod x86_64;
