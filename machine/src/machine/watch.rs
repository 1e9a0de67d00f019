//! The kernel-entry watch: arm the cores' watch on `primary_entry` and capture the handoff
//! state (registers, the device tree at x0, where the image is, which other vCPUs run) the
//! first time a vCPU reaches it with the MMU off (see [`crate::entry`]).

use super::Machine;
use crate::entry::{self, EntrySpec, Handoff};
use crate::gic::GicVersion;
use crate::psci::Power;

impl Machine {
    /// Capture the handoff state the first time a vCPU is about to run the kernel's
    /// `primary_entry` with the MMU off (see [`crate::entry`]).
    pub fn watch_kernel_entry(&mut self, spec: EntrySpec) {
        self.entry_spec = Some(spec);
        for v in &mut self.vcpus {
            v.cpu.watch = spec.core_watch();
        }
    }

    /// The core watch every vCPU should have now.
    pub(super) fn core_watch(&self) -> bootemu_cpu::aarch64::Watch {
        match (&self.entry_spec, &self.handoff) {
            (Some(spec), None) => spec.core_watch(),
            _ => Default::default(),
        }
    }

    /// vCPU `i` stopped before a watched block: capture if it is the kernel entry, else let it
    /// run on.
    pub(super) fn on_watch(&mut self, i: usize) {
        let Some(spec) = self.entry_spec else {
            self.vcpus[i].cpu.watch = Default::default();
            return;
        };
        let cpu = &self.vcpus[i].cpu;
        match entry::qualifies(&spec, cpu, self.board.mem()) {
            Some((start, header)) if self.handoff.is_none() => {
                let state = entry::entry_state(i, cpu, self.gic == GicVersion::V3);
                let fdt = entry::read_fdt(self.board.mem(), state.x[0]);
                self.smp.running_at_entry = self
                    .vcpus
                    .iter()
                    .enumerate()
                    .filter(|(j, v)| *j != i && v.power != Power::Off)
                    .map(|(j, v)| (j, v.cpu.pc))
                    .collect();
                let previous = cpu.flight.last_block_pc();
                let image =
                    entry::image_found(&spec, start, header, previous, self.board.mem(), &fdt);
                self.handoff = Some(Handoff {
                    entry: state,
                    fdt,
                    image,
                    at_insn: self.executed,
                });
                for v in &mut self.vcpus {
                    v.cpu.watch = Default::default();
                }
                // The judge sees the entry after the trace sink has seen every instruction
                // before it (so a sink told of the entry names only later PCs by it).
                for j in 0..self.vcpus.len() {
                    self.drain_trace(j);
                }
                if let (Some(judge), Some(h)) = (&mut self.entry_judge, &self.handoff) {
                    self.entry_failed = judge(h);
                }
            }
            _ => self.vcpus[i].cpu.watch.pass = true,
        }
    }
}
