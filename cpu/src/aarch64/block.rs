//! The block cache and the executor.
//!
//! A block is a run of pre-decoded instructions from one physical page, ending at the first
//! instruction that ends a block (branches, exception generation, system instructions), at the
//! page end or at [`MAX_BLOCK`] instructions. A conditional branch does not end it: taken, the
//! run of the block ends there; not taken, it goes on ([`Cpu::block_must_end`] says when it
//! stops there anyway). Blocks are keyed by the physical address of their
//! first instruction and shared by all vCPUs. [`CodePages`] records which physical pages hold
//! decoded code; a store to such a page drops its blocks (self-modifying code, relocation,
//! alternatives patching). Architecturally a stale instruction may still run until the next
//! context synchronisation, so the executor finishes the current block.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::decode::{decode, end_of, fuse, loops, DecodeResult, Decoded};
use super::exception::Trap;
use super::mem::{Bus, BusId, PAGE_MASK, PAGE_SIZE};
use super::state::{Cpu, Exit, Flow};
use super::trace::FlightRecorder;

pub mod debug;

/// Longest block, in instructions.
pub const MAX_BLOCK: usize = 64;
/// Sets of the [`JumpCache`], of two entries each.
const VA_SETS: usize = 4096;

/// What a handler can reach besides its vCPU: the bus and the set of code pages.
///
/// Only [`Cpu::run`] makes one, after binding the vCPU's TLB to the bus ([`Tlb::bind`]): the
/// fast paths of [`Cpu::load`] and [`Cpu::store`] use the TLB's host pointers without asking
/// the bus, so an `Env` whose bus is not the one the TLB was filled from must not exist.
///
/// [`Tlb::bind`]: super::mem::Tlb::bind
pub struct Env<'a> {
    /// The machine.
    pub(crate) bus: &'a mut dyn Bus,
    /// Pages holding decoded code.
    pub(crate) code: &'a mut CodePages,
    /// The instruction count the run ends at: a loop's branch runs its block again only when
    /// the whole block fits before it ([`Flow::Again`]); 0 where blocks are not run threaded.
    pub(crate) end: u64,
}

impl<'a> Env<'a> {
    /// The environment of `cpu` running against `bus`: binds the vCPU's TLB to it first.
    #[cfg(test)]
    pub(crate) fn bound(cpu: &mut Cpu, bus: &'a mut dyn Bus, code: &'a mut CodePages) -> Self {
        cpu.tlb.bind(bus.id());
        Env { bus, code, end: 0 }
    }
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

/// A block's entries: its instructions, one entry each, then the block's end entry
/// ([`end_of`]: what threaded runs stop at, holding the block's physical address). Shared by
/// the [`Block`] and the VA-keyed slots that run it, so that a block start reads the entries'
/// address and length from its slot alone.
type Entries = Rc<[Decoded]>;

/// A decoded block, held in the cache's map by value (its parts are shared: a clone is two
/// reference counts).
#[derive(Clone)]
pub struct Block {
    /// Physical address of the first instruction.
    pub pa: u64,
    entries: Entries,
    /// Their words, for traces.
    pub words: Rc<[u32]>,
}

impl Block {
    /// The instructions, one entry each.
    pub fn insns(&self) -> &[Decoded] {
        &self.entries[..self.entries.len() - 1]
    }
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
pub struct BlockCache {
    blocks: AddrMap<Block>,
    /// Pages holding code.
    pub code: CodePages,
    /// This cache's identity, for the jump caches that hold its blocks.
    id: u64,
    /// The bus the blocks were decoded from (`None`: no block yet).
    bus: Option<BusId>,
}

impl Default for BlockCache {
    fn default() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        BlockCache {
            blocks: AddrMap::default(),
            code: CodePages::default(),
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            bus: None,
        }
    }
}

impl BlockCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Make the cache the one of `bus`: blocks decoded from another bus's memory are dropped
    /// (and every jump cache holding them forgets them, through the epoch).
    fn bind(&mut self, bus: BusId) {
        if self.bus != Some(bus) {
            self.blocks.clear();
            self.code.pages.clear();
            self.code.dropped.clear();
            self.code.epoch += 1;
            self.bus = Some(bus);
        }
    }

    /// Word `i` of the cached block that starts at physical `pa`, for the flight recorder
    /// ([`super::trace::WordSource`]).
    pub fn word(&self, pa: u64, i: usize) -> Option<u32> {
        self.blocks.get(&pa).and_then(|b| b.words.get(i).copied())
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

/// A block's entries found by virtual PC: valid while the TLB's instruction-fetch generation
/// and set index are `tag`'s ([`va_tag`]) and the code epoch has not moved. 32 bytes, so that
/// a set of two is one cache line; the block's physical address is its end entry's
/// ([`end_of`]).
#[derive(Clone, Default)]
struct VaEntry {
    pc: u64,
    tag: u64,
    entries: Option<Entries>,
}

/// Two [`VaEntry`]s, in one cache line.
#[derive(Clone, Default)]
#[repr(align(64))]
struct VaSet([VaEntry; 2]);

/// The physical address of the block whose entries are `entries`, from its end entry
/// ([`end_of`]).
#[inline(always)]
fn block_pa(entries: &[Decoded]) -> u64 {
    entries.last().map_or(0, |end| end.ops.imm)
}

/// Count a [`Flow::Again`] the executor follows, for the tests ([`tests::agains`]).
#[inline(always)]
fn again_counted() {
    #[cfg(test)]
    tests::AGAINS.with(|n| n.set(n.get() + 1));
}

/// The tag of VA-keyed entries under the TLB's current state.
#[inline(always)]
fn va_tag(tlb: &super::mem::Tlb) -> u64 {
    tlb.exec_tag()
}

/// Per-vCPU two-way cache in front of the [`BlockCache`], by virtual PC (skipping the
/// instruction-fetch translation while it cannot have changed). Two ways: the kernel's hot
/// code has many block starts a multiple of 16 KiB apart, which a direct-mapped cache of 4096
/// entries kept evicting (a cache by physical address behind it hit 2 % of those misses, since
/// the index bits are the same).
pub struct JumpCache {
    by_va: Box<[VaSet; VA_SETS]>,
    /// The [`CodePages::epoch`] the entries reflect (`u64::MAX`: none, refill).
    epoch: u64,
    /// Identity of the [`BlockCache`] the entries come from (0: none).
    cache: u64,
}

impl Default for JumpCache {
    fn default() -> Self {
        JumpCache {
            by_va: vec![Default::default(); VA_SETS]
                .into_boxed_slice()
                .try_into()
                .unwrap_or_else(|_| unreachable!("VA_SETS sets")),
            epoch: u64::MAX,
            cache: 0,
        }
    }
}

/// Decode the block at physical `pa` from its page's bytes at `host` (the RAM page of
/// `PAGE_SIZE` bytes the instruction fetch found), its fused groups chosen by [`fuse::groups`].
fn decode_block(pa: u64, host: std::ptr::NonNull<u8>) -> Block {
    let mut decoded: Vec<DecodeResult> = Vec::with_capacity(16);
    let mut words = Vec::with_capacity(16);
    let mut off = (pa & PAGE_MASK) as usize;
    while off < PAGE_SIZE as usize && decoded.len() < MAX_BLOCK {
        let mut b = [0u8; 4];
        // SAFETY: `host` is a RAM page of PAGE_SIZE bytes (Bus contract) and off + 4 <= PAGE_SIZE.
        unsafe { std::ptr::copy_nonoverlapping(host.as_ptr().add(off), b.as_mut_ptr(), 4) };
        let word = u32::from_le_bytes(b);
        let d = decode(word);
        let end = d.ends_block() && !d.falls_through();
        decoded.push(d);
        words.push(word);
        off += 4;
        if end {
            break;
        }
    }
    let mut insns: Vec<Decoded> = Vec::with_capacity(decoded.len() + 1);
    insns.extend(decoded.iter().map(|d| d.insn));
    for (i, d) in decoded.iter().enumerate() {
        if let Some(form) = loops::loop_form(d, i) {
            insns[i].thread = form;
        }
    }
    fuse::groups(&decoded, |i, form| insns[i].thread = form);
    insns.push(end_of(pa));
    Block {
        pa,
        entries: insns.into(),
        words: words.into(),
    }
}

impl Cpu {
    /// Run until `budget` instructions have been executed or a handler needs the machine.
    ///
    /// Instruction fetches that fault count as one instruction each, so that an exception loop
    /// still consumes the budget. Asynchronous exceptions (the interrupt lines, HCR_EL2's
    /// virtual interrupts) are sampled before each block: a due one is taken there, with ELR the
    /// block's first instruction; taking it counts no instruction.
    ///
    /// The vCPU may be run against another bus (or block cache) than last time: the
    /// translations, host pointers and blocks it holds from the other one are then forgotten
    /// (one compare each per call).
    pub fn run(&mut self, cache: &mut BlockCache, bus: &mut dyn Bus, budget: u64) -> Exit {
        let id = bus.id();
        self.tlb.bind(id);
        cache.bind(id);
        if self.jumps.cache != cache.id {
            // Blocks of another cache: refilled below, and the write TLB flushed, since pages
            // that are code in this cache must not be written through it.
            self.jumps.cache = cache.id;
            self.jumps.epoch = u64::MAX;
        }
        let end = self.insns.saturating_add(budget);
        if self.debug.is_some() {
            return self.run_debug(cache, bus, end);
        }
        let BlockCache { blocks, code, .. } = cache;
        let mut env = Env { bus, code, end };
        // Whether some physical address matches the watch (the default matches none).
        let watching = self.watch.value & !self.watch.mask == 0;
        match (self.trace.is_some(), watching) {
            (false, false) => self.run_blocks::<false, false>(blocks, &mut env, end),
            (false, true) => self.run_blocks::<false, true>(blocks, &mut env, end),
            (true, false) => self.run_blocks::<true, false>(blocks, &mut env, end),
            (true, true) => self.run_blocks::<true, true>(blocks, &mut env, end),
        }
    }

    /// [`Cpu::run`]'s loop, up to instruction count `end`. `TRACE`: the trace buffer is set;
    /// `WATCH`: some address matches [`Cpu::watch`] (handlers never change either).
    #[inline(always)]
    fn run_blocks<const TRACE: bool, const WATCH: bool>(
        &mut self,
        blocks: &mut AddrMap<Block>,
        env: &mut Env,
        end: u64,
    ) -> Exit {
        loop {
            if self.insns >= end {
                return Exit::Budget;
            }
            if self.async_signalled() {
                self.take_interrupt();
            }
            self.follow_epoch_in(blocks, env.code);
            let pc = self.pc;
            let tag = va_tag(&self.tlb);
            let va_set = (pc >> 2) as usize & (VA_SETS - 1);
            let [way0, way1] = &self.jumps.by_va[va_set].0;
            let entries: *const [Decoded] = match (&way0.entries, &way1.entries) {
                (Some(e), _) if way0.pc == pc && way0.tag == tag => Rc::as_ptr(e),
                (_, Some(e)) if way1.pc == pc && way1.tag == tag => Rc::as_ptr(e),
                _ => match self.fetch_block_in(blocks, env) {
                    Some(b) => {
                        let e = b.entries.clone();
                        let p = Rc::as_ptr(&e);
                        let [way0, way1] = &mut self.jumps.by_va[va_set].0;
                        // The newer entry in way 0, the one it replaces in way 1.
                        *way1 = std::mem::replace(
                            way0,
                            VaEntry {
                                pc,
                                tag: va_tag(&self.tlb),
                                entries: Some(e),
                            },
                        );
                        p
                    }
                    None => continue,
                },
            };
            // SAFETY: the VA-keyed slot holds a reference to the entries, so they live while
            // the slot does. Only this loop replaces or clears the slots (above and in
            // `follow_epoch_in`), not while the block runs: handlers never reach
            // `self.jumps`. Nothing mutates a block once it is cached.
            let entries = unsafe { &*entries };
            if WATCH
                && block_pa(entries) & self.watch.mask == self.watch.value
                && !std::mem::take(&mut self.watch.pass)
            {
                return Exit::Watch;
            }
            let mut room = (end - self.insns) as usize;
            if TRACE {
                room = room.min(self.trace.as_ref().map_or(0, |t| t.room()));
                if room == 0 {
                    return Exit::TraceFull;
                }
            }
            let pc_el = FlightRecorder::pc_el(pc, self.el);
            let flow = if TRACE {
                // The words come from the block, which the cache holds while the slot does.
                let words = blocks
                    .get(&block_pa(entries))
                    .map_or(&[][..], |b| &b.words[..]);
                self.exec_block::<true>(entries, words, room, env, pc_el)
            } else {
                self.exec_block::<false>(entries, &[], room, env, pc_el)
            };
            if flow == Flow::Exit {
                return self.exit.take().unwrap_or(Exit::Budget);
            }
        }
    }

    /// When blocks were dropped or pages became code since this vCPU last looked (the code
    /// epoch moved): sweep the cache, forget the jump caches' blocks and the write TLB.
    #[inline(always)]
    fn follow_code_epoch(&mut self, cache: &mut BlockCache) {
        self.follow_epoch_in(&mut cache.blocks, &mut cache.code)
    }

    /// [`Cpu::follow_code_epoch`] on the cache's two halves.
    #[inline(always)]
    fn follow_epoch_in(&mut self, blocks: &mut AddrMap<Block>, code: &mut CodePages) {
        if self.jumps.epoch != code.epoch {
            self.epoch_moved(blocks, code);
        }
    }

    /// [`Cpu::follow_epoch_in`]'s work once the epoch moved. Out of line, so that the
    /// executor's loop keeps no register for the sweep.
    #[cold]
    #[inline(never)]
    fn epoch_moved(&mut self, blocks: &mut AddrMap<Block>, code: &mut CodePages) {
        for pa in code.dropped.drain(..) {
            blocks.remove(&pa);
        }
        self.jumps.by_va.fill(Default::default());
        self.jumps.epoch = code.epoch;
        self.tlb.flush_writes();
    }

    /// The block at the PC ([`Cpu::find_block`]); `None` when its fetch faulted, the fault
    /// then taken and counted as one instruction.
    fn fetch_block(&mut self, cache: &mut BlockCache, bus: &mut dyn Bus) -> Option<Block> {
        let mut env = Env {
            bus,
            code: &mut cache.code,
            end: 0,
        };
        self.fetch_block_in(&mut cache.blocks, &mut env).cloned()
    }

    /// [`Cpu::fetch_block`] on the cache's blocks, with the code pages and bus in `env`.
    fn fetch_block_in<'b>(
        &mut self,
        blocks: &'b mut AddrMap<Block>,
        env: &mut Env,
    ) -> Option<&'b Block> {
        match self.find_block(blocks, env, self.pc) {
            Ok(b) => Some(b),
            Err(t) => {
                self.trace_here();
                self.insns += 1;
                self.raise(t);
                None
            }
        }
    }

    /// The block at virtual `pc`: translated, then from the block cache or decoded; `Err` for
    /// the fault the fetch takes.
    #[inline(never)]
    fn find_block<'b>(
        &mut self,
        blocks: &'b mut AddrMap<Block>,
        env: &mut Env,
        pc: u64,
    ) -> Result<&'b Block, Trap> {
        if pc & 3 != 0 {
            return Err(Trap::PcAlign(pc));
        }
        let (pa, host) = self.fetch_page(env.bus, pc)?;
        let block = match blocks.entry(pa) {
            Entry::Occupied(b) => b.into_mut(),
            Entry::Vacant(v) => {
                env.code.add(pa);
                v.insert(decode_block(pa, host))
            }
        };
        if self.jumps.epoch != env.code.epoch {
            // This block made its page code: writes to it must leave the fast path.
            self.jumps.epoch = env.code.epoch;
            self.tlb.flush_writes();
        }
        Ok(block)
    }

    /// Whether a block start at the next instruction would act, so that a conditional branch
    /// must end its block there: not taken, its fall-through then starts a block of its own as
    /// when every branch ended its block; taken back to its block's start, the block is not
    /// run again at once ([`Flow::Again`]). An interrupt line or virtual interrupt is signalled
    /// (taken there), a store dropped decoded code since the block started (the code is decoded
    /// anew), or block starts are watched ([`Cpu::watch`]). The budget and the trace room need
    /// no check for the fall-through: they already bound the block's run (the loop's branch
    /// checks the budget itself). Nor does the instruction-fetch translation, which a TLB
    /// maintenance instruction in the block may have changed: the architecture applies that to
    /// instruction fetch only after a context synchronization event, and ISB, ERET and
    /// exceptions end the block.
    #[inline(always)]
    pub(crate) fn block_must_end(&self, env: &Env) -> bool {
        self.async_signalled()
            | (self.jumps.epoch != env.code.epoch)
            | (self.watch.value & !self.watch.mask == 0)
    }

    /// Run up to `room` instructions of `block` and record each run in the flight recorder
    /// (`pc_el`: [`FlightRecorder::pc_el`] of the block's start). The whole run is counted up
    /// front and the unexecuted rest given back on an early exit: instructions that read the
    /// count (the system counter: MRS with CRn = 14) always end their block, so they see the
    /// exact count including themselves.
    ///
    /// A whole block runs threaded ([`super::decode::Threaded`]): each handler runs the next
    /// by a tail call, so that every handler has its own indirect jump for the host's branch
    /// predictor. A branch that closes a loop of one block may send the run back to the
    /// block's first entry ([`Flow::Again`]): each pass is recorded as a block run of its own,
    /// as when the executor's loop started the block anew. A partial run (the budget or the
    /// trace buffer ends inside the block) and a traced run go through the plain loop
    /// ([`Cpu::step_block`]), one call per instruction; both give the same result.
    #[inline(always)]
    fn exec_block<const TRACE: bool>(
        &mut self,
        entries: &[Decoded],
        words: &[u32],
        room: usize,
        env: &mut Env,
        pc_el: u64,
    ) -> Flow {
        let all = &entries[..entries.len() - 1];
        let mut start = self.insns;
        let f = if !TRACE && room >= all.len() {
            // The whole block, threaded: each handler runs the next one. One instruction per
            // entry, counted up front.
            self.insns = start + all.len() as u64;
            let first = entries.as_ptr();
            // SAFETY: `first` points at the first of the block's entries, which end with its
            // end entry.
            let mut f = unsafe { (entries[0].thread)(self, env, first) };
            while f == Flow::Again {
                // The loop's branch counted the next run: this one ended where that starts.
                let next = self.insns - all.len() as u64;
                self.flight.record(block_pa(entries), pc_el, start, next);
                again_counted();
                start = next;
                // SAFETY: as above.
                f = unsafe { (entries[0].thread)(self, env, first) };
            }
            if f != Flow::Next {
                // Give back the entries after the one that stopped.
                let ran = (self.stopped_at - first as usize) / std::mem::size_of::<Decoded>() + 1;
                self.insns -= (all.len() - ran) as u64;
            }
            f
        } else {
            self.step_block::<TRACE>(&all[..all.len().min(room)], words, env)
        };
        // The block's address comes from its end entry, read last: the run has it cached.
        self.flight
            .record(block_pa(entries), pc_el, start, self.insns);
        f
    }

    /// [`Cpu::exec_block`]'s plain loop: `insns`, one handler call each (traced when
    /// `TRACE`), counted up front and the rest given back on an early exit.
    #[inline(always)]
    fn step_block<const TRACE: bool>(
        &mut self,
        insns: &[Decoded],
        words: &[u32],
        env: &mut Env,
    ) -> Flow {
        let start = self.insns;
        self.insns = start + insns.len() as u64;
        let mut i = 0;
        while i < insns.len() {
            let d = &insns[i];
            if TRACE {
                if let Some(t) = self.trace.as_mut() {
                    t.insn(start + i as u64, self.pc, self.el, words[i]);
                }
            }
            let f = (d.exec)(self, env, &d.ops);
            debug_assert!(f != Flow::Again, "a plain handler ran its block again");
            i += 1;
            if f != Flow::Next {
                // Give back the entries not run.
                self.insns -= (insns.len() - i) as u64;
                return f;
            }
            self.pc = self.pc.wrapping_add(4);
        }
        Flow::Next
    }
}

#[cfg(test)]
pub(crate) mod tests {
    thread_local! {
        /// The [`Flow::Again`]s this test thread's vCPUs followed ([`super::again_counted`]).
        pub(super) static AGAINS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    /// How many times a loop's branch ran its block again on this test thread.
    pub(crate) fn agains() -> u64 {
        AGAINS.with(|n| n.get())
    }

    use super::super::exec::system::tests::{machine, BASE};
    use crate::aarch64::exception::{
        read_isr, HCR_AMO, HCR_FMO, HCR_IMO, HCR_TGE, HCR_VI, HCR_VSE,
    };
    use crate::aarch64::flat::FlatBus;
    use crate::aarch64::sysreg::Reg;
    use crate::aarch64::trace::{kind, TraceBuf};
    use crate::aarch64::{BlockCache, Cpu, Exit, IrqLines};

    const ADD_X1_1: u32 = 0x9100_0421; // add x1, x1, #1
    const HVC_1: u32 = 0xd400_0022; // hvc #1
    const SMC_1: u32 = 0xd400_0023; // smc #1
    /// VBAR_EL1 and VBAR_EL2 of these tests.
    const VBAR_EL1: u64 = BASE + 0x1000;
    const VBAR_EL2: u64 = BASE + 0x2000;
    /// Exit immediates of the vector markers: 0x100 + slot for VBAR_EL1, 0x200 + slot for
    /// VBAR_EL2, where slot = vector offset / 0x80 (DDI 0487 D1.10.2: groups current EL SP0
    /// 0x000, current EL SPx 0x200, lower EL AArch64 0x400; Sync +0, IRQ +0x80, FIQ +0x100,
    /// SError +0x180).
    const EL1_CUR_SPX_IRQ: u16 = 0x105;
    const EL1_CUR_SPX_FIQ: u16 = 0x106;
    const EL1_CUR_SPX_SERROR: u16 = 0x107;
    const EL1_CUR_SP0_IRQ: u16 = 0x101;
    const EL1_LOWER_IRQ: u16 = 0x109;
    const EL2_CUR_SPX_IRQ: u16 = 0x205;
    const EL2_LOWER_IRQ: u16 = 0x209;
    /// ESR of an SError: EC 0x2F, IL, ISS 0.
    const SERROR_ESR: u64 = 0x2f << 26 | 1 << 25;

    /// `code` at BASE on a vCPU with `max_el` implemented, at `el` (SPx, or SP0 when `sp0`),
    /// with PSTATE.DAIF = `daif`. Every vector of both tables holds a marker that exits to the
    /// machine: HVC #imm with no EL2, SMC #imm with EL2.
    fn vcpu(max_el: u8, el: u8, sp0: bool, daif: u32, code: &[u32]) -> (Cpu, FlatBus) {
        let (mut cpu, mut bus) = machine(code);
        let call = if max_el == 1 {
            0xd400_0002
        } else {
            0xd400_0003
        };
        for (vbar, base) in [(VBAR_EL1, 0x100), (VBAR_EL2, 0x200)] {
            for slot in 0..16u32 {
                bus.load_words(vbar + slot as u64 * 0x80, &[call | (base + slot) << 5]);
            }
        }
        if max_el == 2 {
            let mut el2 = Cpu::new(2);
            el2.pc = cpu.pc;
            cpu = el2;
        }
        cpu.sys.set(Reg::VbarEl1, VBAR_EL1);
        cpu.sys.set(Reg::VbarEl2, VBAR_EL2);
        cpu.set_el_sp(el, el > 0 && !sp0);
        cpu.daif = daif;
        (cpu, bus)
    }

    fn go(cpu: &mut Cpu, bus: &mut FlatBus) -> Exit {
        cpu.run(&mut BlockCache::new(), bus, 100)
    }

    const CBZ_X3_8: u32 = 0xb400_0043; // cbz x3, .+8
    const STR_W4_X5: u32 = 0xb900_00a4; // str w4, [x5]

    /// A conditional branch that is not taken lets its block go on: the last block of the run
    /// is the one that starts at the branch.
    #[test]
    fn a_branch_not_taken_does_not_end_its_block() {
        let (mut cpu, mut bus) = vcpu(1, 1, false, 0, &[CBZ_X3_8, ADD_X1_1, HVC_1]);
        cpu.x[3] = 1;
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(1));
        assert_eq!((cpu.x[1], cpu.insns), (1, 3));
        assert_eq!(cpu.flight.last_block_pc(), Some(BASE));
    }

    /// It ends its block when a block start at the fall-through would act: a signalled
    /// interrupt line (even a masked one), or code dropped by a store, which the fall-through
    /// then runs anew.
    #[test]
    fn a_branch_not_taken_ends_its_block_where_a_block_start_would_act() {
        let (mut cpu, mut bus) = vcpu(1, 1, false, 0x3c0, &[CBZ_X3_8, ADD_X1_1, HVC_1]);
        cpu.x[3] = 1;
        cpu.irq.set(IrqLines::IRQ);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(1));
        assert_eq!(cpu.flight.last_block_pc(), Some(BASE + 4));
        // str w4, [x5] rewrites the instruction after the branch into HVC #1.
        let (mut cpu, mut bus) = vcpu(1, 1, false, 0, &[STR_W4_X5, CBZ_X3_8, ADD_X1_1, SMC_1]);
        (cpu.x[3], cpu.x[4], cpu.x[5]) = (1, HVC_1 as u64, BASE + 8);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(1));
        assert_eq!((cpu.x[1], cpu.pc), (0, BASE + 12));
    }

    /// An IRQ at EL1 is taken at the next block start: ELR = the next instruction, SPSR = the
    /// PSTATE it interrupted, ESR untouched, DAIF all masked, SP_EL1 selected.
    #[test]
    fn irq_is_taken_at_the_next_block() {
        let (mut cpu, mut bus) = vcpu(1, 1, false, 0, &[ADD_X1_1, HVC_1]);
        cpu.set_nzcv(0x6000_0000);
        cpu.sys.set(Reg::EsrEl1, 0x1234);
        let mut cache = BlockCache::new();
        assert_eq!(cpu.run(&mut cache, &mut bus, 100), Exit::Hvc(1));
        cpu.irq.set(IrqLines::IRQ);
        assert_eq!(
            cpu.run(&mut cache, &mut bus, 100),
            Exit::Hvc(EL1_CUR_SPX_IRQ)
        );
        assert_eq!(cpu.sys.get(Reg::ElrEl1), BASE + 8);
        assert_eq!(cpu.sys.get(Reg::SpsrEl1), 0x6000_0005); // NZCV, EL1h, DAIF clear
        assert_eq!(cpu.sys.get(Reg::EsrEl1), 0x1234);
        assert_eq!((cpu.el, cpu.sp_sel, cpu.daif), (1, true, 0x3c0));
        // Taking it counts no instruction: ADD, HVC, then the marker.
        assert_eq!(cpu.insns, 3);
        // From EL1 with SP0 and from EL0: the other vector groups.
        let (mut cpu, mut bus) = vcpu(1, 1, true, 0, &[HVC_1]);
        cpu.irq.set(IrqLines::IRQ);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(EL1_CUR_SP0_IRQ));
        assert_eq!(cpu.sys.get(Reg::SpsrEl1), 0x4); // EL1t
        let (mut cpu, mut bus) = vcpu(1, 0, true, 0, &[HVC_1]);
        cpu.irq.set(IrqLines::IRQ);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(EL1_LOWER_IRQ));
        assert_eq!(
            (cpu.sys.get(Reg::SpsrEl1), cpu.sys.get(Reg::ElrEl1)),
            (0, BASE)
        );
    }

    /// PSTATE.I masks IRQs, F FIQs, A SErrors; FIQ is taken before IRQ, SError before both.
    #[test]
    fn masking_and_priority() {
        let (mut cpu, mut bus) = vcpu(1, 1, false, 1 << 7, &[ADD_X1_1, HVC_1]);
        cpu.irq.set(IrqLines::IRQ);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(1));
        let (mut cpu, mut bus) = vcpu(1, 1, false, 1 << 7, &[HVC_1]);
        cpu.irq.set(IrqLines::IRQ | IrqLines::FIQ);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(EL1_CUR_SPX_FIQ));
        assert_eq!(cpu.sys.get(Reg::SpsrEl1), 0x85);
        let (mut cpu, mut bus) = vcpu(1, 1, false, 0, &[HVC_1]);
        cpu.irq.set(IrqLines::IRQ | IrqLines::FIQ);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(EL1_CUR_SPX_FIQ));
        let (mut cpu, mut bus) = vcpu(1, 1, false, 0, &[HVC_1]);
        cpu.irq
            .set(IrqLines::IRQ | IrqLines::FIQ | IrqLines::SERROR);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(EL1_CUR_SPX_SERROR));
        assert_eq!(cpu.sys.get(Reg::EsrEl1), SERROR_ESR);
        let (mut cpu, mut bus) = vcpu(1, 1, false, 1 << 8 | 1 << 6, &[HVC_1]);
        cpu.irq.set(IrqLines::FIQ | IrqLines::SERROR);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(1));
    }

    /// With EL2: HCR_EL2.IMO routes IRQs to EL2, where PSTATE.I does not mask them below EL2;
    /// without it, an IRQ for EL1 is never taken at EL2.
    #[test]
    fn routing_to_el2() {
        let (mut cpu, mut bus) = vcpu(2, 1, false, 0x3c0, &[SMC_1]);
        cpu.sys.set(Reg::HcrEl2, HCR_IMO);
        cpu.irq.set(IrqLines::IRQ);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Smc(EL2_LOWER_IRQ));
        assert_eq!(cpu.sys.get(Reg::ElrEl2), BASE);
        assert_eq!(cpu.sys.get(Reg::SpsrEl2), 0x3c5);
        assert_eq!((cpu.el, cpu.daif), (2, 0x3c0));
        // At EL2: masked by PSTATE.I, else taken to the current-EL vectors.
        let (mut cpu, mut bus) = vcpu(2, 2, false, 1 << 7, &[SMC_1]);
        cpu.sys.set(Reg::HcrEl2, HCR_IMO);
        cpu.irq.set(IrqLines::IRQ);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Smc(1));
        let (mut cpu, mut bus) = vcpu(2, 2, false, 0, &[SMC_1]);
        cpu.sys.set(Reg::HcrEl2, HCR_IMO);
        cpu.irq.set(IrqLines::IRQ);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Smc(EL2_CUR_SPX_IRQ));
        assert_eq!(cpu.sys.get(Reg::SpsrEl2), 0x9);
        // IMO = 0: to EL1 from EL1, never taken at EL2.
        let (mut cpu, mut bus) = vcpu(2, 2, false, 0, &[SMC_1]);
        cpu.irq.set(IrqLines::IRQ);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Smc(1));
        let (mut cpu, mut bus) = vcpu(2, 1, false, 0, &[SMC_1]);
        cpu.irq.set(IrqLines::IRQ);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Smc(EL1_CUR_SPX_IRQ));
        assert_eq!(cpu.el, 1);
        // FMO routes FIQs only; TGE routes everything from EL0.
        let (mut cpu, mut bus) = vcpu(2, 1, false, 0x3c0, &[SMC_1]);
        cpu.sys.set(Reg::HcrEl2, HCR_FMO);
        cpu.irq.set(IrqLines::IRQ | IrqLines::FIQ);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Smc(0x20a));
        let (mut cpu, mut bus) = vcpu(2, 0, true, 0x3c0, &[SMC_1]);
        cpu.sys.set(Reg::HcrEl2, HCR_TGE);
        cpu.irq.set(IrqLines::IRQ);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Smc(EL2_LOWER_IRQ));
    }

    /// HCR_EL2.VI with IMO: a virtual IRQ for EL1, masked by PSTATE.I, never taken at EL2;
    /// VSE with AMO: a virtual SError, cleared when taken. ISR_EL1 shows the virtual view.
    #[test]
    fn virtual_interrupts() {
        let (mut cpu, mut bus) = vcpu(2, 1, false, 0, &[SMC_1]);
        cpu.sys.set(Reg::HcrEl2, HCR_IMO | HCR_VI);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Smc(EL1_CUR_SPX_IRQ));
        assert_eq!(cpu.sys.get(Reg::ElrEl1), BASE);
        assert_eq!(cpu.sys.get(Reg::HcrEl2), HCR_IMO | HCR_VI); // a level: still pending
                                                                // VI without IMO signals nothing; at EL2 nothing is taken.
        let (mut cpu, mut bus) = vcpu(2, 1, false, 0, &[SMC_1]);
        cpu.sys.set(Reg::HcrEl2, HCR_VI);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Smc(1));
        let (mut cpu, mut bus) = vcpu(2, 2, false, 0, &[SMC_1]);
        cpu.sys.set(Reg::HcrEl2, HCR_IMO | HCR_VI);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Smc(1));
        // Masked at EL1: ISR_EL1.I shows the virtual IRQ, ISR_EL1.F the physical FIQ line
        // (FMO = 0).
        let (mut cpu, mut bus) = vcpu(2, 1, false, 0x3c0, &[0xd538_c106, SMC_1]); // mrs x6, isr_el1
        cpu.sys.set(Reg::HcrEl2, HCR_IMO | HCR_VI);
        cpu.irq.set(IrqLines::FIQ);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Smc(1));
        assert_eq!(cpu.x[6], 0xc0);
        // With IMO, the physical IRQ line shows only at EL2.
        let mut cpu = Cpu::new(2);
        cpu.set_el_sp(1, true);
        cpu.sys.set(Reg::HcrEl2, HCR_IMO);
        cpu.irq.set(IrqLines::IRQ);
        assert_eq!(read_isr(&cpu), 0);
        cpu.set_el_sp(2, true);
        assert_eq!(read_isr(&cpu), 0x80);
        // Virtual SError.
        let (mut cpu, mut bus) = vcpu(2, 0, true, 0, &[SMC_1]);
        cpu.sys.set(Reg::HcrEl2, HCR_AMO | HCR_VSE);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Smc(0x10b));
        assert_eq!(cpu.sys.get(Reg::EsrEl1), SERROR_ESR);
        assert_eq!(cpu.sys.get(Reg::HcrEl2), HCR_AMO);
    }

    /// A counter read is exact inside a block: instruction k reads time_offset + k + 1.
    #[test]
    fn counter_reads_are_exact() {
        let mut code = vec![ADD_X1_1; 5];
        code.extend([
            0xd53b_e040, // mrs x0, cntvct_el0 (instruction 5)
            0xd53b_e023, // mrs x3, cntpct_el0 (instruction 6)
            ADD_X1_1,
            0x0000_0000, // udf #0 (instruction 8)
            ADD_X1_1,
        ]);
        let (mut cpu, mut bus) = vcpu(1, 1, false, 0x3c0, &code);
        cpu.time_offset = 1000;
        cpu.trace = Some(TraceBuf::new(100, kind::INSN | kind::EXC));
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(0x104));
        assert_eq!((cpu.x[0], cpu.x[3]), (1006, 1007));
        assert_eq!(cpu.x[1], 6);
        // The UDF was instruction 8, the marker 9.
        assert_eq!(cpu.insns, 10);
        assert_eq!(cpu.sys.get(Reg::ElrEl1), BASE + 32);
        let numbers: Vec<(u64, u32)> = cpu
            .trace
            .as_mut()
            .unwrap()
            .drain()
            .map(|r| (r.insn, r.event.kind()))
            .collect();
        // Instructions 0..10, and the UDF's exception after instruction 8.
        let mut want: Vec<(u64, u32)> = (0..10).map(|i| (i, kind::INSN)).collect();
        want.insert(9, (8, kind::EXC));
        assert_eq!(numbers, want);
        // A budget that ends inside a block counts exactly what ran.
        let (mut cpu, mut bus) = vcpu(1, 1, false, 0x3c0, &code);
        assert_eq!(cpu.run(&mut BlockCache::new(), &mut bus, 3), Exit::Budget);
        assert_eq!((cpu.insns, cpu.x[1], cpu.pc), (3, 3, BASE + 12));
    }
}
