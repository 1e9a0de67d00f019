//! The A64 interpreter: state, decoder, executors, memory access and exceptions.
//!
//! Data flow: [`Core::run`] looks the current PC up in the [`BlockCache`] (keyed by physical
//! address), decodes a block on a miss, and runs its pre-decoded instructions until the block ends,
//! the budget is spent or a handler asks the machine for something ([`Exit`]).

pub mod block;
pub mod decode;
pub mod exception;
pub mod exec;
pub mod flags;
pub mod flat;
pub mod mem;
pub mod mmu;
pub mod state;
pub mod sysreg;
pub mod timer;
pub mod trace;

pub use block::debug::{DataHit, DataWatch, DebugState, DebugStop, WatchKind};
pub use block::{BlockCache, Env};
pub use mem::{Bus, BusFault, BusId};
pub use state::{
    Activity, Cpu, Exit, Flow, IrqLines, Ops, Watch, REG_SP, REG_ZR_READ, REG_ZR_WRITE,
};
