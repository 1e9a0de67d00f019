//! Blocks and the executor: a block is a run of pre-decoded instructions starting at one
//! physical address, ending after the first control-flow instruction, before an instruction
//! that would cross into another page (which then gets a block of its own, registered on both
//! pages), or at [`MAX_BLOCK`] instructions. Blocks live in the shared
//! [`CodeCache`](crate::codecache::CodeCache); a store to one of their pages drops them.

use std::rc::Rc;

use super::decode::decode;
use super::insn::Insn;
use super::state::{Cpu, Exit};
use crate::aarch64::Bus;
use crate::codecache::{CodeCache, PAGE_SIZE};

/// Longest block, in instructions.
pub const MAX_BLOCK: usize = 64;
/// Longest x86 instruction, in bytes.
const MAX_INSN: usize = 15;

/// A decoded block.
pub struct Block {
    /// Physical address of the first instruction.
    pub pa: u64,
    /// The instructions, in order.
    pub insns: Box<[Insn]>,
}

/// The x86_64 block cache.
pub type BlockCache = CodeCache<Block>;

/// What a handler reaches besides its vCPU.
pub struct Env<'a> {
    /// The machine.
    pub bus: &'a mut dyn Bus,
    /// Decoded code, for invalidation by stores.
    pub code: &'a mut BlockCache,
    /// Set when a store dropped decoded code: the executor leaves the block after the
    /// current instruction.
    pub stop: bool,
}

/// Decode the block at physical `pa`, `None` when the first byte is not in RAM.
fn decode_block(bus: &mut dyn Bus, pa: u64) -> Option<(Block, Vec<u64>)> {
    let page = pa & !(PAGE_SIZE - 1);
    let host = bus.ram_page(page, false)?;
    let off = (pa - page) as usize;
    // The rest of this page, then up to MAX_INSN - 1 bytes of the next one if it is RAM.
    let mut bytes = Vec::with_capacity(PAGE_SIZE as usize - off + MAX_INSN);
    // SAFETY: the Bus contract makes `host` valid for PAGE_SIZE bytes.
    bytes.extend_from_slice(unsafe {
        std::slice::from_raw_parts(host.as_ptr().add(off), PAGE_SIZE as usize - off)
    });
    let in_page = bytes.len();
    let next = page.wrapping_add(PAGE_SIZE);
    if let Some(h2) = bus.ram_page(next, false) {
        // SAFETY: as above.
        bytes.extend_from_slice(unsafe { std::slice::from_raw_parts(h2.as_ptr(), MAX_INSN - 1) });
    }
    let mut dec = iced_x86::Decoder::with_ip(64, &bytes, pa, iced_x86::DecoderOptions::NONE);
    let mut insns = Vec::new();
    let mut pages = vec![page];
    let mut ins = iced_x86::Instruction::default();
    while insns.len() < MAX_BLOCK && (dec.position() < in_page) {
        let at = dec.position();
        dec.decode_out(&mut ins);
        let crosses = at + ins.len() > in_page;
        if crosses && !insns.is_empty() {
            break; // its own block, next time
        }
        let d = decode(&ins);
        let ends = d.ends_block;
        insns.push(d);
        if crosses {
            pages.push(next);
            break;
        }
        if ends {
            break;
        }
    }
    Some((
        Block {
            pa,
            insns: insns.into_boxed_slice(),
        },
        pages,
    ))
}

impl Cpu {
    /// Run until `budget` instructions have retired or an instruction raises an exception.
    /// Linear addresses are physical (no paging yet), so blocks are found by RIP.
    pub fn run(&mut self, cache: &mut BlockCache, bus: &mut dyn Bus, budget: u64) -> Exit {
        let end = self.insns.saturating_add(budget);
        loop {
            if self.insns >= end {
                return Exit::Budget;
            }
            let pa = self.rip;
            let block: Rc<Block> = match cache.get(pa) {
                Some(b) => b.clone(),
                None => match decode_block(bus, pa) {
                    Some((b, pages)) => cache.insert(pa, &pages, b),
                    None => return Exit::FetchUnmapped(pa),
                },
            };
            let room = (end - self.insns) as usize;
            let mut env = Env {
                bus: &mut *bus,
                code: &mut *cache,
                stop: false,
            };
            for insn in block.insns.iter().take(room) {
                let at = self.rip;
                self.rip = at.wrapping_add(insn.ops.len as u64);
                if let Err(f) = (insn.exec)(self, &mut env, &insn.ops) {
                    self.rip = at;
                    return Exit::Exception(f);
                }
                self.insns += 1;
                if env.stop {
                    break;
                }
            }
        }
    }
}
