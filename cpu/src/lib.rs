//! Guest CPU cores of bootemu.
//!
//! `aarch64` is an interpreter for the A64 instruction set (Arm ARM, DDI 0487): instructions are
//! decoded once, through a declarative encoding table, into blocks cached by physical address, and
//! executed by class handlers. The core knows nothing about boards: it reaches memory and devices
//! through [`aarch64::Bus`].
//!
//! Known gaps use one greppable convention, `TODO(FEAT_x)`:
//! - `TODO(FEAT_FP)`: scalar FP and AdvSIMD (issue "FP and AdvSIMD") are UNDEFINED for now.
//! - `TODO(FEAT_MMU)`: stage-1 translation; with the MMU off VA = PA.
#![deny(missing_docs)]

pub mod aarch64;
