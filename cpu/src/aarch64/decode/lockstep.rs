//! Test support for the fused groups: one block run whole (the threaded run, its groups fused)
//! beside the same block run one instruction per call (the plain loop, no fused form), on two
//! vCPUs that share a bus, and the two compared.

use crate::aarch64::exec::system::tests::{machine, BASE};
use crate::aarch64::flat::FlatBus;
use crate::aarch64::{BlockCache, Cpu, Exit};

/// Two vCPUs over one copy of a block's code: `fast` runs it fused, `slow` stepped.
pub(crate) struct Lockstep {
    pub fast: Cpu,
    pub slow: Cpu,
    /// The memory both run against (the code at [`BASE`]).
    pub bus: FlatBus,
    fast_cache: BlockCache,
    slow_cache: BlockCache,
}

impl Lockstep {
    /// `code` at [`BASE`], both vCPUs there.
    pub fn new(code: &[u32]) -> Self {
        let (fast, bus) = machine(code);
        let (slow, _) = machine(code);
        Lockstep {
            fast,
            slow,
            bus,
            fast_cache: BlockCache::new(),
            slow_cache: BlockCache::new(),
        }
    }

    /// Both vCPUs back at [`BASE`] with no instruction counted, then `set` on each.
    pub fn start(&mut self, set: impl Fn(&mut Cpu)) {
        for cpu in [&mut self.fast, &mut self.slow] {
            cpu.pc = BASE;
            cpu.insns = 0;
            set(cpu);
        }
    }

    /// Runs both to their first exit other than the budget and asserts the same exit,
    /// registers, NZCV, PC and instruction count (`what` names the case); the exit.
    pub fn run(&mut self, what: &str) -> Exit {
        let exit = self.fast.run(&mut self.fast_cache, &mut self.bus, 100);
        let stepped = loop {
            match self.slow.run(&mut self.slow_cache, &mut self.bus, 1) {
                Exit::Budget => continue,
                e => break e,
            }
        };
        let (fast, slow) = (&self.fast, &self.slow);
        assert_eq!(exit, stepped, "{what}");
        assert_eq!(fast.x[..32], slow.x[..32], "{what}");
        assert_eq!(fast.nzcv(), slow.nzcv(), "{what}");
        assert_eq!((fast.pc, fast.insns), (slow.pc, slow.insns), "{what}");
        exit
    }
}
