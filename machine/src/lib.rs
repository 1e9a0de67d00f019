//! The machine side of bootemu: board profiles as data, guest memory, MMIO devices, PSCI, the
//! console and the run loop that drives the CPU core deterministically.
//!
//! Data flow: a [`Profile`] (memory map) builds a [`Board`](board::Board) (guest memory + devices,
//! the core's bus); a [`Machine`] owns the board, the vCPU and the console, loads a
//! [`bootemu_boot::Plan`] and runs it to a [`RunOutcome`].
//!
//! Known gaps, one greppable convention:
//! - `TODO(GIC)`: no interrupt controller; WFI with nothing pending ends the run as a hang.
//! - `TODO(PSCI_CPU_ON)`: one vCPU only.
#![deny(missing_docs)]

pub mod board;
pub mod console;
pub mod devices;
pub mod host_input;
pub mod machine;
pub mod memory;
pub mod profile;
pub mod psci;

pub use machine::{Machine, MachineConfig, MachineError, RunOutcome, StopReason, TraceSink, CHUNK};
pub use profile::{Profile, ProfileError};
