//! Guest CPU cores of bootemu.
//!
//! `aarch64` is an interpreter for the A64 instruction set (Arm ARM, DDI 0487): instructions are
//! decoded once, through a declarative encoding table, into blocks cached by physical address, and
//! executed by class handlers. The core knows nothing about boards: it reaches memory and devices
//! through [`aarch64::Bus`].
//!
//! Known gaps use one greppable convention, `TODO(FEAT_x)` (`grep -rn 'TODO(FEAT_' cpu/`):
//! - `TODO(FEAT_FP)`: scalar FP and AdvSIMD are UNDEFINED until the FP/SIMD issue.
//! - `TODO(FEAT_MMU)`: stage-1 translation; with the MMU off VA = PA (system issue).
//! - `TODO(FEAT_TIMER)`, `TODO(FEAT_GIC)`, `TODO(FEAT_SMP)`, `TODO(FEAT_EL2_TRAPS)`,
//!   `TODO(FEAT_PMU)`: timers, interrupt controller, several vCPUs, EL2 traps of EL1 accesses and
//!   performance counters (system issue).
//! - Not advertised, so UNDEFINED by design: `TODO(FEAT_PAuth)`, `TODO(FEAT_PAN)`,
//!   `TODO(FEAT_UAO)`, `TODO(FEAT_DIT)`, `TODO(FEAT_SSBS)`, `TODO(FEAT_SB)`, `TODO(FEAT_XS)`,
//!   `TODO(FEAT_HBC)`, `TODO(FEAT_FlagM)`.
#![deny(missing_docs)]

pub mod aarch64;
