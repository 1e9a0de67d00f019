//! Raw trace records: recorded cheaply while running, formatted (disassembly, symbols) by the
//! caller when it drains them.
//!
//! A traced vCPU has a [`TraceBuf`]: instructions (pushed by the executor's `TRACE` path) and
//! events (pushed by cold paths only: exception entry and return in `exception.rs`, the data
//! slow path in `mem.rs`, system-register writes, the machine's PSCI calls) go into it in the
//! order they happened, each with the instruction count of the instruction that caused it. A
//! vCPU that is not traced pays one `Option` check on those cold paths and nothing else.

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

/// The kinds of trace items a [`TraceBuf`] records, as a bit set.
pub mod kind {
    /// Every executed instruction.
    pub const INSN: u32 = 1 << 0;
    /// Synchronous exceptions taken, and exception returns (ERET).
    pub const EXC: u32 = 1 << 1;
    /// Asynchronous exceptions taken (IRQ, FIQ, SError, physical or virtual).
    pub const IRQ: u32 = 1 << 2;
    /// Device accesses (MMIO), and reads of system registers the machine implements (the GICv3
    /// CPU interface: the interrupt acknowledge).
    pub const MMIO: u32 = 1 << 3;
    /// Data loads and stores to memory (RAM, ROM, flash in read-array mode); forces every
    /// data access through the slow path.
    pub const MEM: u32 = 1 << 4;
    /// System-register writes (MSR).
    pub const SYSREG: u32 = 1 << 5;
    /// PSCI calls served by the machine.
    pub const PSCI: u32 = 1 << 6;
    /// Everything.
    pub const ALL: u32 = (1 << 7) - 1;
    /// Internal: memory accesses bypass the data TLB but are not recorded (the bytes of a
    /// page-crossing access traced as one).
    pub(crate) const MEM_QUIET: u32 = 1 << 31;
}

/// Which asynchronous exception was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IrqLine {
    /// IRQ.
    Irq,
    /// FIQ.
    Fiq,
    /// SError.
    SError,
}

/// The device (and register) a physical address reaches, as the machine names it
/// ([`super::Bus::describe`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceReg {
    /// Device name (`pl011`, `gicd`…).
    pub device: &'static str,
    /// Offset within the device's region.
    pub offset: u64,
    /// Register name, where the device has a table of them.
    pub reg: Option<&'static str>,
}

/// What happened: an instruction or an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The instruction `word` executed.
    Insn {
        /// Instruction word.
        word: u32,
    },
    /// A synchronous exception was taken (also the Illegal Execution state exception of an
    /// illegal ERET).
    Exception {
        /// ESR_ELx written.
        esr: u64,
        /// FAR_ELx written, if any.
        far: Option<u64>,
        /// ELR_ELx: the preferred return address.
        elr: u64,
        /// The EL it was taken to.
        to_el: u8,
        /// The vector address branched to.
        vector: u64,
    },
    /// An asynchronous exception was taken.
    Interrupt {
        /// Which.
        line: IrqLine,
        /// A virtual interrupt (HCR_EL2.VI/VF/VSE).
        virtual_: bool,
        /// ELR_ELx: where the interrupted code resumes.
        elr: u64,
        /// The EL it was taken to.
        to_el: u8,
        /// The vector address branched to.
        vector: u64,
    },
    /// ERET.
    Eret {
        /// The EL returned to.
        to_el: u8,
        /// The PC returned to (ELR).
        target: u64,
        /// SPSR_ELx restored.
        spsr: u64,
    },
    /// A device access.
    Mmio {
        /// Physical address.
        pa: u64,
        /// Size in bytes.
        size: u8,
        /// Value read or written.
        value: u64,
        /// A write.
        write: bool,
        /// The device and register, when a device claims the address.
        dev: Option<DeviceReg>,
    },
    /// A data access to memory.
    Mem {
        /// Virtual address.
        va: u64,
        /// Physical address, when the access was translated as one piece (not for an unaligned
        /// access that crosses a page).
        pa: Option<u64>,
        /// Size in bytes.
        size: u8,
        /// Value read or written.
        value: u64,
        /// A store.
        write: bool,
    },
    /// An MSR to a system register, or an MRS of one the machine implements.
    SysReg {
        /// Encoding (op0, op1, CRn, CRm, op2) as in [`super::sysreg::enc`].
        enc: u32,
        /// Register name.
        name: &'static str,
        /// Value written or read.
        value: u64,
        /// A write (MSR).
        write: bool,
    },
    /// A PSCI call the machine served.
    Psci {
        /// Function ID (X0).
        function: u32,
        /// X1..X3.
        args: [u64; 3],
        /// What X0 became, when the call returns to the caller.
        result: Option<u64>,
    },
}

impl Event {
    /// The [`kind`] bit of this event.
    pub fn kind(&self) -> u32 {
        match self {
            Event::Insn { .. } => kind::INSN,
            Event::Exception { .. } | Event::Eret { .. } => kind::EXC,
            Event::Interrupt { .. } => kind::IRQ,
            Event::Mmio { .. } => kind::MMIO,
            Event::SysReg { write: false, .. } => kind::MMIO,
            Event::Mem { .. } => kind::MEM,
            Event::SysReg { .. } => kind::SYSREG,
            Event::Psci { .. } => kind::PSCI,
        }
    }
}

/// One trace item: what happened and the instruction it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceItem {
    /// The vCPU's instruction count before the instruction (for an interrupt: the count of
    /// instructions retired before it was taken).
    pub insn: u64,
    /// Virtual PC of the instruction (for an interrupt: where the interrupted code resumes).
    pub pc: u64,
    /// Exception level the instruction ran at (for an exception: the EL it came from).
    pub el: u8,
    /// What happened.
    pub event: Event,
}

impl TraceItem {
    /// The instruction record of an [`Event::Insn`] item.
    pub fn insn_record(&self) -> Option<TraceRecord> {
        match self.event {
            Event::Insn { word } => Some(TraceRecord {
                insn: self.insn,
                pc: self.pc,
                word,
                el: self.el,
            }),
            _ => None,
        }
    }
}

/// A buffer of trace items, drained by the machine. The executor checks [`TraceBuf::room`]
/// before each block and runs at most that many instructions (the run stops with
/// `Exit::TraceFull` when there is none); every item pushed is kept, so the capacity is exceeded
/// by at most the events of one block.
pub struct TraceBuf {
    items: Vec<TraceItem>,
    capacity: usize,
    /// The [`kind`] bits recorded.
    pub kinds: u32,
    /// The instruction being executed: (count, PC, EL), set by the executor's `TRACE` path (and
    /// at exception entry outside a block), so that events name their instruction.
    pub at: (u64, u64, u8),
}

impl TraceBuf {
    /// An empty buffer recording the `kinds` bits, with room for `capacity` instructions.
    pub fn new(capacity: usize, kinds: u32) -> Self {
        TraceBuf {
            items: Vec::with_capacity(capacity),
            capacity,
            kinds,
            at: (0, 0, 0),
        }
    }

    /// Whether items of kind `k` are recorded.
    #[inline(always)]
    pub fn wants(&self, k: u32) -> bool {
        self.kinds & k != 0
    }

    /// Free room for instructions.
    pub fn room(&self) -> usize {
        self.capacity.saturating_sub(self.items.len())
    }

    /// The instruction at count `insn`, virtual `pc` and `el` executes: note it as the one
    /// events belong to, and record it when instructions are traced.
    #[inline(always)]
    pub fn insn(&mut self, insn: u64, pc: u64, el: u8, word: u32) {
        self.at = (insn, pc, el);
        // No bound here: the executor ran at most `room` instructions since the buffer was
        // last checked, and events pushed in between may have taken some of that room.
        if self.kinds & kind::INSN != 0 {
            self.items.push(TraceItem {
                insn,
                pc,
                el,
                event: Event::Insn { word },
            });
        }
    }

    /// Record `event` of the current instruction ([`TraceBuf::at`]) when its kind is traced.
    #[cold]
    pub fn event(&mut self, event: Event) {
        if self.wants(event.kind()) {
            let (insn, pc, el) = self.at;
            self.items.push(TraceItem {
                insn,
                pc,
                el,
                event,
            });
        }
    }

    /// Record `event` at an explicit instruction count, PC and EL when its kind is traced.
    #[cold]
    pub fn event_at(&mut self, insn: u64, pc: u64, el: u8, event: Event) {
        if self.wants(event.kind()) {
            self.items.push(TraceItem {
                insn,
                pc,
                el,
                event,
            });
        }
    }

    /// Take the items collected so far.
    pub fn drain(&mut self) -> std::vec::Drain<'_, TraceItem> {
        self.items.drain(..)
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

/// [`FlightEntry::pa`] of an unused slot (a block's address is 4-aligned).
const UNUSED: u64 = u64::MAX;

/// One run of a block: where it started and which instructions of it ran (32 bytes, two to a
/// cache line).
#[derive(Clone, Copy)]
struct FlightEntry {
    /// Physical address of the block's first instruction ([`UNUSED`]: the slot is unused).
    pa: u64,
    /// The block's virtual start (4-aligned) with the EL it ran at in bits 1:0.
    pc_el: u64,
    /// Instruction count of its first instruction.
    insn: u64,
    /// Instruction count after it ran.
    end: u64,
}

impl FlightEntry {
    const EMPTY: FlightEntry = FlightEntry {
        pa: UNUSED,
        pc_el: 0,
        insn: 0,
        end: 0,
    };

    /// The block's address, `None` for an unused slot.
    fn pa(&self) -> Option<u64> {
        (self.pa != UNUSED).then_some(self.pa)
    }

    /// The block's virtual start.
    fn pc(&self) -> u64 {
        self.pc_el & !3
    }

    /// How many of its instructions ran.
    fn n(&self) -> usize {
        self.end.wrapping_sub(self.insn) as usize
    }
}

/// Where the flight recorder's readers find instruction words: word `i` of the block that
/// starts at physical `block_pa` (from the block cache while it holds the block, else from guest
/// memory at `block_pa + 4 * i`; `None` when neither has it).
pub trait WordSource {
    /// Word `i` of the block at `block_pa`.
    fn word(&self, block_pa: u64, i: usize) -> Option<u32>;
}

impl<F: Fn(u64, usize) -> Option<u32>> WordSource for F {
    fn word(&self, block_pa: u64, i: usize) -> Option<u32> {
        self(block_pa, i)
    }
}

/// The last blocks a vCPU ran, always on: one ring slot per executed block, with the block's
/// physical address, so that its words can be read back when a report needs them
/// ([`WordSource`]). Costs a few stores per block and holds no reference to the block (a
/// reference count would touch the cache line of a block that ran long ago, on every block).
pub struct FlightRecorder {
    ring: Box<[FlightEntry; FLIGHT_BLOCKS]>,
    next: usize,
}

impl Default for FlightRecorder {
    fn default() -> Self {
        FlightRecorder {
            ring: Box::new([FlightEntry::EMPTY; FLIGHT_BLOCKS]),
            next: 0,
        }
    }
}

impl FlightRecorder {
    /// Record that the block at physical `pa` ran from virtual `pc_el & !3` at EL `pc_el & 3`
    /// ([`FlightRecorder::pc_el`]), its instructions being instruction counts `insn..end`.
    #[inline(always)]
    pub(crate) fn record(&mut self, pa: u64, pc_el: u64, insn: u64, end: u64) {
        let i = self.next;
        self.ring[i % FLIGHT_BLOCKS] = FlightEntry {
            pa,
            pc_el,
            insn,
            end,
        };
        self.next = (i + 1) % FLIGHT_BLOCKS;
    }

    /// A block start's 4-aligned virtual `pc` and its `el` in one word, as
    /// [`FlightRecorder::record`] takes them (one value for the executor to keep across the
    /// block's run instead of two).
    #[inline(always)]
    pub(crate) fn pc_el(pc: u64, el: u8) -> u64 {
        pc | el as u64 & 3
    }

    /// The PC every one of the last [`FLIGHT_BLOCKS`] blocks started at, when they all started
    /// at the same one (a loop of one block that ran at least that often in a row) and that
    /// block reads no system register (a counter read means time moves the loop on) and does not
    /// wait (WFI/WFE). The words (from `words`; none readable: not stuck) are classified by the
    /// decode table.
    pub fn stuck_at(&self, words: &impl WordSource) -> Option<u64> {
        let first = &self.ring[0];
        let pa = first.pa()?;
        let same = self
            .ring
            .iter()
            .all(|e| e.pa().is_some() && e.pc() == first.pc());
        if !same {
            return None;
        }
        let n = self.ring.iter().map(|e| e.n()).max().unwrap_or(0);
        let inert = (0..n).all(|i| {
            words.word(pa, i).is_some_and(|w| {
                super::decode::decode(w)
                    .pattern
                    .is_none_or(|p| !LOOP_MOVES_ON.contains(&p.name))
            })
        });
        inert.then_some(first.pc())
    }

    /// Where the last block that ran started (virtual PC), if any ran.
    pub fn last_block_pc(&self) -> Option<u64> {
        let e = &self.ring[(self.next + FLIGHT_BLOCKS - 1) % FLIGHT_BLOCKS];
        e.pa().map(|_| e.pc())
    }

    /// The last `max` instructions executed (at most [`FLIGHT_INSNS`] are guaranteed), oldest
    /// first, their words from `words` (0 where unreadable). Instruction fetches that faulted
    /// are not included.
    pub fn last(&self, max: usize, words: &impl WordSource) -> Vec<TraceRecord> {
        let mut out = Vec::with_capacity(max);
        for k in 1..=FLIGHT_BLOCKS {
            let e = &self.ring[(self.next + FLIGHT_BLOCKS - k) % FLIGHT_BLOCKS];
            let Some(pa) = e.pa() else {
                break;
            };
            for i in (0..e.n()).rev() {
                if out.len() == max {
                    break;
                }
                out.push(TraceRecord {
                    insn: e.insn + i as u64,
                    pc: e.pc().wrapping_add(4 * i as u64),
                    word: words.word(pa, i).unwrap_or(0),
                    el: (e.pc_el & 3) as u8,
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
        let mut cache = BlockCache::new();
        cpu.run(&mut cache, &mut bus, 152);
        assert_eq!(cpu.insns, 152);
        let words = |pa: u64, i: usize| cache.word(pa, i);
        let last = cpu.flight.last(FLIGHT_INSNS, &words);
        assert_eq!(last.len(), FLIGHT_INSNS);
        assert_eq!(last[63].insn, 151);
        assert_eq!((last[63].pc, last[63].word), (base + 4, ADD_X0_1));
        assert_eq!((last[62].pc, last[62].word), (base + 12, B_NE_M8));
        assert_eq!((last[61].pc, last[61].word), (base + 8, SUBS_X1_1));
        assert!(last.windows(2).all(|w| w[1].insn == w[0].insn + 1));
        assert!(last.iter().all(|r| r.el == 1));
        let few = cpu.flight.last(2, &words);
        assert_eq!(few, last[62..].to_vec());
        assert!(Cpu::new(1).flight.last(64, &words).is_empty());
        // A block the cache no longer holds: words from elsewhere (here none: 0).
        let none = |_: u64, _: usize| None;
        assert!(cpu.flight.last(2, &none).iter().all(|r| r.word == 0));
    }
}
