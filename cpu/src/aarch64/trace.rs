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
