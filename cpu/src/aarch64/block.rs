//! The block cache and the executor.
//!
//! A block is a run of pre-decoded instructions from one physical page, ending at the first
//! instruction that ends a block (branches, exception generation, system instructions), at the
//! page end or at [`MAX_BLOCK`] instructions. Blocks are keyed by the physical address of their
//! first instruction and shared by all vCPUs. [`CodePages`] records which physical pages hold
//! decoded code; a store to such a page drops its blocks (self-modifying code, relocation,
//! alternatives patching). Architecturally a stale instruction may still run until the next
//! context synchronisation, so the executor finishes the current block.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use super::decode::{decode, Decoded};
use super::exception::Trap;
use super::mem::{Bus, PAGE_MASK, PAGE_SIZE};
use super::state::{Cpu, Exit, Flow};
use super::trace::TraceRecord;

/// Longest block, in instructions.
pub const MAX_BLOCK: usize = 64;
const JUMP_CACHE: usize = 4096;

/// What a handler can reach besides its vCPU: the bus and the set of code pages.
pub struct Env<'a> {
    /// The machine.
    pub bus: &'a mut dyn Bus,
    /// Pages holding decoded code.
    pub code: &'a mut CodePages,
}

/// A deterministic hasher for physical addresses (no per-process random state).
#[derive(Default)]
pub struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (v ^ (v >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type AddrMap<V> = HashMap<u64, V, BuildHasherDefault<AddrHasher>>;

/// A decoded block.
pub struct Block {
    /// Physical address of the first instruction.
    pub pa: u64,
    /// The instructions.
    pub insns: Box<[Decoded]>,
    /// Their words, for traces.
    pub words: Box<[u32]>,
}

/// Physical pages holding decoded code, with the blocks that start in each.
#[derive(Default)]
pub struct CodePages {
    pages: AddrMap<Vec<u64>>,
    /// Blocks whose page was written, to drop from the cache.
    dropped: Vec<u64>,
    /// Bumped whenever a page becomes code or blocks are dropped: vCPUs then flush their write
    /// TLB and jump cache.
    pub epoch: u64,
}

impl CodePages {
    /// Whether the physical page `page` holds decoded code.
    #[inline]
    pub fn contains(&self, page: u64) -> bool {
        self.pages.contains_key(&page)
    }

    /// Drop every block of `page` (a store reached it).
    pub fn invalidate(&mut self, page: u64) {
        if let Some(blocks) = self.pages.remove(&page) {
            self.dropped.extend(blocks);
            self.epoch += 1;
        }
    }

    fn add(&mut self, pa: u64) {
        let page = pa & !PAGE_MASK;
        let list = self.pages.entry(page).or_default();
        if list.is_empty() {
            self.epoch += 1;
        }
        list.push(pa);
    }
}

/// Decoded blocks of all vCPUs, keyed by physical address.
#[derive(Default)]
pub struct BlockCache {
    blocks: AddrMap<Rc<Block>>,
    /// Pages holding code.
    pub code: CodePages,
}

impl BlockCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    fn sweep(&mut self) {
        for pa in self.code.dropped.drain(..) {
            self.blocks.remove(&pa);
        }
    }

    /// Number of blocks currently cached.
    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

/// Per-vCPU direct-mapped cache in front of the [`BlockCache`].
pub struct JumpCache {
    entries: Box<[Option<Rc<Block>>]>,
    epoch: u64,
}

impl Default for JumpCache {
    fn default() -> Self {
        JumpCache {
            entries: vec![None; JUMP_CACHE].into_boxed_slice(),
            epoch: u64::MAX,
        }
    }
}

fn decode_block(cpu: &mut Cpu, bus: &mut dyn Bus, pa: u64, host: std::ptr::NonNull<u8>) -> Block {
    let mut insns = Vec::new();
    let mut words = Vec::new();
    let mut off = (pa & PAGE_MASK) as usize;
    let _ = (cpu, bus);
    while off < PAGE_SIZE as usize && insns.len() < MAX_BLOCK {
        let mut b = [0u8; 4];
        // SAFETY: `host` is a RAM page of PAGE_SIZE bytes (Bus contract) and off + 4 <= PAGE_SIZE.
        unsafe { std::ptr::copy_nonoverlapping(host.as_ptr().add(off), b.as_mut_ptr(), 4) };
        let word = u32::from_le_bytes(b);
        let d = decode(word);
        insns.push(d.insn);
        words.push(word);
        off += 4;
        if d.ends_block() {
            break;
        }
    }
    Block {
        pa,
        insns: insns.into_boxed_slice(),
        words: words.into_boxed_slice(),
    }
}

impl Cpu {
    /// Run until `budget` instructions have been executed or a handler needs the machine.
    ///
    /// Instruction fetches that fault count as one instruction each, so that an exception loop
    /// still consumes the budget.
    pub fn run(&mut self, cache: &mut BlockCache, bus: &mut dyn Bus, budget: u64) -> Exit {
        let end = self.insns.saturating_add(budget);
        loop {
            if self.insns >= end {
                return Exit::Budget;
            }
            if self.jumps.epoch != cache.code.epoch {
                cache.sweep();
                self.jumps.entries.fill(None);
                self.jumps.epoch = cache.code.epoch;
                self.tlb.flush_writes();
            }
            let pc = self.pc;
            if pc & 3 != 0 {
                self.insns += 1;
                self.raise(Trap::PcAlign(pc));
                continue;
            }
            let (pa, host) = match self.fetch_page(bus, pc) {
                Ok(p) => p,
                Err(t) => {
                    self.insns += 1;
                    self.raise(t);
                    continue;
                }
            };
            let slot = (pa >> 2) as usize & (JUMP_CACHE - 1);
            let block = match &self.jumps.entries[slot] {
                Some(b) if b.pa == pa => b.clone(),
                _ => {
                    let b = match cache.blocks.get(&pa) {
                        Some(b) => b.clone(),
                        None => {
                            let b = Rc::new(decode_block(self, bus, pa, host));
                            cache.blocks.insert(pa, b.clone());
                            cache.code.add(pa);
                            b
                        }
                    };
                    self.jumps.entries[slot] = Some(b.clone());
                    b
                }
            };
            if self.jumps.epoch != cache.code.epoch {
                // This block made its page code: writes to it must leave the fast path.
                self.jumps.epoch = cache.code.epoch;
                self.tlb.flush_writes();
            }
            let room = (end - self.insns) as usize;
            let mut env = Env {
                bus: &mut *bus,
                code: &mut cache.code,
            };
            let flow = if let Some(trace) = self.trace.as_mut() {
                let room = room.min(trace.room());
                if room == 0 {
                    return Exit::TraceFull;
                }
                self.exec_block::<true>(&block, room, &mut env)
            } else {
                self.exec_block::<false>(&block, room, &mut env)
            };
            if flow == Flow::Exit {
                return self.exit.take().unwrap_or(Exit::Budget);
            }
        }
    }

    #[inline(always)]
    fn exec_block<const TRACE: bool>(&mut self, block: &Block, room: usize, env: &mut Env) -> Flow {
        let n = block.insns.len().min(room);
        for (i, d) in block.insns[..n].iter().enumerate() {
            if TRACE {
                let rec = TraceRecord {
                    insn: self.insns + i as u64,
                    pc: self.pc,
                    word: block.words[i],
                    el: self.el,
                };
                if let Some(t) = self.trace.as_mut() {
                    t.push(rec);
                }
            }
            match (d.exec)(self, env, &d.ops) {
                Flow::Next => self.pc = self.pc.wrapping_add(4),
                f => {
                    self.insns += i as u64 + 1;
                    return f;
                }
            }
        }
        self.insns += n as u64;
        Flow::Next
    }
}
