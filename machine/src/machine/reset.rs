//! PSCI SYSTEM_RESET and vCPU restarts: RAM kept, the boot plan applied again, the GIC and
//! devices reset, every vCPU back in its reset state (CPU_ON restarts one the same way).

use bootemu_cpu::aarch64::BlockCache;

use super::{fresh_cpu, Machine};
use crate::psci::Power;

impl Machine {
    /// Replace vCPU `i` by a core in its reset state (keeping its interrupt lines, trace buffer
    /// and UNDEFINED counts).
    pub(super) fn restart_cpu(&mut self, i: usize) {
        let mut new = fresh_cpu(i, self.max_el, self.gic);
        new.watch = self.core_watch();
        let old = &mut self.vcpus[i].cpu;
        new.irq = old.irq.clone();
        new.trace = old.trace.take();
        new.debug = old.debug.take();
        if let Some(d) = new.debug.as_mut() {
            d.forget_resume();
        }
        for (&w, &n) in &old.stats.undefined {
            *self.undefined.entry(w).or_default() += n;
        }
        self.retired[i] += old.insns;
        self.retired_activity[i] = self.retired_activity[i].plus(old.stats.activity);
        *old = new;
        self.vcpus[i].wait = None;
    }

    /// PSCI SYSTEM_RESET: RAM kept, the plan loaded again, devices and vCPUs reset.
    pub(super) fn system_reset(&mut self) {
        self.resets += 1;
        for i in 0..self.vcpus.len() {
            self.drain_trace(i);
        }
        self.board.reset();
        self.cache = BlockCache::new();
        for i in 0..self.vcpus.len() {
            self.restart_cpu(i);
            self.vcpus[i].power = if i == 0 { Power::On } else { Power::Off };
        }
        if let Some(plan) = self.plan.take() {
            if let Err(e) = self.apply(&plan) {
                // The plan fitted at start-up and memory does not change shape.
                log::error!("reloading the boot plan after SYSTEM_RESET: {e}");
            }
            self.plan = Some(plan);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;

    #[test]
    fn system_reset_restarts_the_guest() {
        let mut c = config(1, GicVersion::V2);
        let out = Shared::default();
        c.console = Box::new(out.clone());
        let mut m = machine_with(c, RESET, [0; 4]);
        let o = m.run(1_000_000);
        assert_eq!(o.reason, StopReason::PowerOff);
        assert_eq!(o.resets, 1);
        assert_eq!(*out.0.borrow(), b"RO");
        assert_eq!(m.cpu().x[5], 0x1234, "RAM outside the images is kept");
        assert_eq!(o.insns, 16 + 12);
    }
}
