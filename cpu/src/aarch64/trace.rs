//! Raw trace records: recorded cheaply while running, formatted (disassembly, symbols) by the
//! caller when it drains them.

/// One executed instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceRecord {
    /// Instruction count before this instruction.
    pub insn: u64,
    /// Virtual PC.
    pub pc: u64,
    /// Instruction word.
    pub word: u32,
    /// Exception level.
    pub el: u8,
}

/// A bounded buffer of trace records; the run stops with `Exit::TraceFull` when it is full.
pub struct TraceBuf {
    records: Vec<TraceRecord>,
    capacity: usize,
}

impl TraceBuf {
    /// An empty buffer holding up to `capacity` records.
    pub fn new(capacity: usize) -> Self {
        TraceBuf {
            records: Vec::with_capacity(capacity),
            capacity,
        }
    }

    /// Free records.
    pub fn room(&self) -> usize {
        self.capacity - self.records.len()
    }

    /// Append one record (the executor never overfills: it checks `room` first).
    #[inline]
    pub fn push(&mut self, r: TraceRecord) {
        if self.records.len() < self.capacity {
            self.records.push(r);
        }
    }

    /// Take the records collected so far.
    pub fn drain(&mut self) -> std::vec::Drain<'_, TraceRecord> {
        self.records.drain(..)
    }
}

/// Blocks kept by the [`FlightRecorder`]: enough for [`FLIGHT_INSNS`] instructions even when
/// every block ran a single instruction.
pub const FLIGHT_BLOCKS: usize = 64;
/// Instructions the flight recorder can always give back.
pub const FLIGHT_INSNS: usize = 64;

/// Decode-table lines after which a one-block loop may see something new (a system register
/// such as the counter, or an event): such a loop is not stuck ([`FlightRecorder::stuck_at`]).
pub const LOOP_MOVES_ON: [&str; 4] = ["MRS", "MRS_timer", "WFE", "WFI"];

/// One run of a block: where it started and how many of its instructions ran.
#[derive(Clone, Default)]
struct FlightEntry {
    block: Option<std::rc::Rc<super::block::Block>>,
    pc: u64,
    insn: u64,
    n: u32,
    el: u8,
}

/// The last blocks a vCPU ran, always on: one ring slot per executed block (the block itself is
/// kept alive by a reference count, so its words can be expanded into instructions later,
/// after the cache dropped it). Costs a few stores per block, nothing per instruction.
pub struct FlightRecorder {
    ring: Box<[FlightEntry]>,
    next: usize,
}

impl Default for FlightRecorder {
    fn default() -> Self {
        FlightRecorder {
            ring: vec![FlightEntry::default(); FLIGHT_BLOCKS].into_boxed_slice(),
            next: 0,
        }
    }
}

impl FlightRecorder {
    /// Note that `n` instructions of `block`, starting at virtual `pc` at `el`, ran from
    /// instruction count `insn`.
    #[inline(always)]
    pub(crate) fn record(
        &mut self,
        block: std::rc::Rc<super::block::Block>,
        pc: u64,
        el: u8,
        insn: u64,
        n: u64,
    ) {
        let e = &mut self.ring[self.next % FLIGHT_BLOCKS];
        e.block = Some(block);
        e.pc = pc;
        e.el = el;
        e.insn = insn;
        e.n = n as u32;
        self.next = (self.next + 1) % FLIGHT_BLOCKS;
    }

    /// The PC every one of the last [`FLIGHT_BLOCKS`] blocks started at, when they all started
    /// at the same one (a loop of one block that ran at least that often in a row) and that
    /// block reads no system register (a counter read means time moves the loop on) and does not
    /// wait (WFI/WFE). The words are classified by the decode table.
    pub fn stuck_at(&self) -> Option<u64> {
        let first = &self.ring[0];
        let block = first.block.as_ref()?;
        let same = self
            .ring
            .iter()
            .all(|e| e.block.is_some() && e.pc == first.pc);
        let inert = block.words.iter().all(|&w| {
            super::decode::decode(w)
                .pattern
                .is_none_or(|p| !LOOP_MOVES_ON.contains(&p.name))
        });
        (same && inert).then_some(first.pc)
    }

    /// Where the last block that ran started (virtual PC), if any ran.
    pub fn last_block_pc(&self) -> Option<u64> {
        let e = &self.ring[(self.next + FLIGHT_BLOCKS - 1) % FLIGHT_BLOCKS];
        e.block.as_ref().map(|_| e.pc)
    }

    /// The last `max` instructions executed (at most [`FLIGHT_INSNS`] are guaranteed), oldest
    /// first. Instruction fetches that faulted are not included.
    pub fn last(&self, max: usize) -> Vec<TraceRecord> {
        let mut out = Vec::with_capacity(max);
        for k in 1..=FLIGHT_BLOCKS {
            let e = &self.ring[(self.next + FLIGHT_BLOCKS - k) % FLIGHT_BLOCKS];
            let Some(block) = &e.block else {
                break;
            };
            for i in (0..e.n as usize).rev() {
                if out.len() == max {
                    break;
                }
                out.push(TraceRecord {
                    insn: e.insn + i as u64,
                    pc: e.pc.wrapping_add(4 * i as u64),
                    word: block.words.get(i).copied().unwrap_or(0),
                    el: e.el,
                });
            }
            if out.len() == max {
                break;
            }
        }
        out.reverse();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aarch64::flat::FlatBus;
    use crate::aarch64::{BlockCache, Cpu};

    // Encodings from aarch64-linux-gnu-as.
    const ADD_X0_1: u32 = 0x9100_0400; // add x0, x0, #1
    const SUBS_X1_1: u32 = 0xf100_0421; // subs x1, x1, #1
    const B_NE_M8: u32 = 0x54ff_ffc1; // b.ne .-8

    #[test]
    fn flight_recorder_gives_back_the_last_instructions() {
        let base = 0x4000_0000;
        let mut bus = FlatBus::new(base, 0x10000);
        bus.load_words(base, &[ADD_X0_1, ADD_X0_1, SUBS_X1_1, B_NE_M8]);
        let mut cpu = Cpu::new(1);
        cpu.pc = base;
        cpu.x[1] = 100;
        // Instruction 0 is the ADD at base, then turns of ADD (base+4), SUBS, B.NE: instruction
        // k >= 1 is the ADD when k % 3 == 1.
        cpu.run(&mut BlockCache::new(), &mut bus, 152);
        assert_eq!(cpu.insns, 152);
        let last = cpu.flight.last(FLIGHT_INSNS);
        assert_eq!(last.len(), FLIGHT_INSNS);
        assert_eq!(last[63].insn, 151);
        assert_eq!((last[63].pc, last[63].word), (base + 4, ADD_X0_1));
        assert_eq!((last[62].pc, last[62].word), (base + 12, B_NE_M8));
        assert_eq!((last[61].pc, last[61].word), (base + 8, SUBS_X1_1));
        assert!(last.windows(2).all(|w| w[1].insn == w[0].insn + 1));
        assert!(last.iter().all(|r| r.el == 1));
        let few = cpu.flight.last(2);
        assert_eq!(few, last[62..].to_vec());
        assert!(Cpu::new(1).flight.last(64).is_empty());
    }
}
