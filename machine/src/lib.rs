//! The machine side of bootemu: board profiles as data, guest memory, MMIO devices, PSCI, the
//! console and the run loop that drives the CPU core deterministically.
//!
//! Data flow: a [`Profile`] (memory map) builds a [`Board`](board::Board) (guest memory, GIC,
//! devices: the core's bus); a [`Machine`] owns the board, the vCPUs and the console, loads a
//! [`bootemu_boot::Plan`] and runs it to a [`RunOutcome`].
//!
//! Known gaps, one greppable convention:
//! - `TODO(GICV3_VIRT)`: the GICv3 virtual CPU interface (ICH_* are storage only); no GICv2
//!   virtualization extensions, v2m, ITS or LPIs.
//! - `TODO(VIRTIO_FEATURES)`: virtio `EVENT_IDX`, packed rings, per-queue reset; virtio-blk
//!   multiqueue, discard and write zeroes.
//! - `TODO(SMP)`: x86 INIT/start-up IPIs and secondary vCPUs; NMI/SMI/ExtINT APIC messages.
#![deny(missing_docs)]

pub mod board;
pub mod console;
pub mod devices;
pub mod entry;
pub mod gic;
pub mod host_input;
pub mod machine;
pub mod memory;
pub mod pci;
pub mod profile;
pub mod psci;
pub mod virtio;
pub mod x86;

pub use gic::GicVersion;
pub use machine::{
    EntryJudge, Machine, MachineConfig, MachineError, RunOutcome, StopReason, TraceSink, Vcpu,
    Wait, QUANTUM,
};
pub use profile::{Profile, ProfileError};
