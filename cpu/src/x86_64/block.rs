//! Blocks and the executor: a block is a run of pre-decoded instructions starting at one
//! physical address, ending after the first control-flow instruction, before an instruction
//! that would cross into another page (which then gets a block of its own, registered on both
//! pages), or at [`MAX_BLOCK`] instructions. Blocks live in the shared
//! [`CodeCache`]; a store to one of their pages drops them.
//!
//! With paging, [`Cpu::run`] translates RIP (linear) to the physical address of the block
//! through the TLB's fetch table (a walk with fetch rights on a miss; a refusal is the #PF of
//! the fetch). A cached block lies within one physical page, so a changed translation never
//! leads it onto another page: the next lookup translates again. The one exception is an
//! instruction crossing a page end: with paging it needs the next linear page translated too
//! (#PF there with CR2 = that page's first byte), is decoded from both physical pages as a
//! block of its own, and is not cached (its second page depends on the translation). Without
//! paging (linear = physical, the user-mode sandbox of the oracles) the lookup is RIP itself
//! and crossing blocks are cached on both physical pages, as before.

use std::rc::Rc;

use super::decode::decode;
use super::insn::Insn;
use super::interrupt::Source;
use super::paging::Access;
use super::platform::Platform;
use super::state::flag;
use super::state::{Cpu, Exit};
use super::system::cr0;
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
    /// The code bitness it was decoded with (16, 32, 64): a block found for another mode is
    /// decoded again.
    pub bits: u32,
    /// Its last instruction runs onto the physically next page (decoded with paging off): not
    /// for use with paging, where the next linear page may map elsewhere.
    pub crosses: bool,
    /// The instructions, in order.
    pub insns: Box<[Insn]>,
}

/// The x86_64 block cache.
pub type BlockCache = CodeCache<Block>;

/// What a handler reaches besides its vCPU.
///
/// Only [`Cpu::run`] makes one (and the crate's tests, with a vCPU whose TLB is empty), after
/// binding the vCPU's TLB to the bus: the TLB's host pointers are used without asking the bus,
/// so an `Env` whose bus is not the one they came from must not exist outside the crate.
pub struct Env<'a> {
    /// The machine.
    pub(crate) bus: &'a mut dyn Platform,
    /// Decoded code, for invalidation by stores.
    pub(crate) code: &'a mut BlockCache,
    /// Set when a store dropped decoded code, or a REP instruction stopped part-way: the
    /// executor leaves the block after the current instruction.
    pub(crate) stop: bool,
    /// The run's instruction limit ([`Cpu::insns`] value at which it returns).
    pub(crate) end: u64,
}

/// What decoding a block found.
enum Decoded {
    /// The block and the physical pages its bytes lie in.
    Block(Block, Vec<u64>),
    /// The first byte is not in RAM.
    NotRam,
    /// The first instruction runs past the page end and the following page was not given.
    NeedsNext,
}

/// Decode the block at physical `pa` for code of `bits` (16, 32, 64). `next`: the physical page holding the bytes after `pa`'s
/// page (paging off: the next physical page); without it, an instruction running past the
/// page end ends the block before it, or makes the result [`Decoded::NeedsNext`] when first.
fn decode_block(bus: &mut dyn Bus, pa: u64, bits: u32, next: Option<u64>) -> Decoded {
    let page = pa & !(PAGE_SIZE - 1);
    let Some(host) = bus.ram_page(page, false) else {
        return Decoded::NotRam;
    };
    let off = (pa - page) as usize;
    // The rest of this page, then up to MAX_INSN - 1 bytes of the next one if it is RAM.
    let mut bytes = Vec::with_capacity(PAGE_SIZE as usize - off + MAX_INSN);
    // SAFETY: the Bus contract makes `host` valid for PAGE_SIZE bytes.
    bytes.extend_from_slice(unsafe {
        std::slice::from_raw_parts(host.as_ptr().add(off), PAGE_SIZE as usize - off)
    });
    let in_page = bytes.len();
    if let Some(h2) = next.and_then(|n| bus.ram_page(n, false)) {
        // SAFETY: as above.
        bytes.extend_from_slice(unsafe { std::slice::from_raw_parts(h2.as_ptr(), MAX_INSN - 1) });
    }
    let mut dec = iced_x86::Decoder::with_ip(bits, &bytes, pa, iced_x86::DecoderOptions::NONE);
    let mut insns = Vec::new();
    let mut pages = vec![page];
    let mut ins = iced_x86::Instruction::default();
    while insns.len() < MAX_BLOCK && (dec.position() < in_page) {
        let at = dec.position();
        dec.decode_out(&mut ins);
        if next.is_none() && dec.last_error() == iced_x86::DecoderError::NoMoreBytes {
            if insns.is_empty() {
                return Decoded::NeedsNext;
            }
            break; // its own block, next time
        }
        let crosses = at + ins.len() > in_page;
        if crosses && !insns.is_empty() {
            break; // its own block, next time
        }
        let d = decode(&ins);
        let ends = d.ends_block;
        insns.push(d);
        if crosses {
            pages.extend(next);
            break;
        }
        if ends {
            break;
        }
    }
    Decoded::Block(
        Block {
            pa,
            bits,
            crosses: pages.len() > 1,
            insns: insns.into_boxed_slice(),
        },
        pages,
    )
}

impl Cpu {
    /// Run until `budget` instructions have retired, the vCPU halts, or an exception is not
    /// delivered (the sandbox rule, a triple fault). External interrupts are taken between
    /// blocks when RFLAGS.IF is set and no interrupt shadow is active. Blocks are found by
    /// the physical address CS base + RIP translates to.
    ///
    /// The vCPU and the cache may be run against another bus than last time: the host
    /// pointers and blocks they hold from the other one are then forgotten.
    pub fn run(&mut self, cache: &mut BlockCache, bus: &mut dyn Platform, budget: u64) -> Exit {
        let mut end = self.insns.saturating_add(budget);
        self.tlb.bind(bus.id());
        cache.bind(bus.id());
        loop {
            if self.insns >= end {
                return Exit::Budget;
            }
            // Interrupts, the interrupt shadow and HLT (between blocks; see `interrupt`).
            let mut limit = usize::MAX;
            if self.shadow {
                // STI, MOV SS or POP SS ended the last block: one more instruction first.
                self.shadow = false;
                limit = 1;
            } else if self.rflags & flag::IF != 0 && bus.interrupt_pending(self.id, self.insns) {
                if let Some(v) = bus.acknowledge(self.id, self.insns) {
                    let mut env = Env {
                        bus: &mut *bus,
                        code: &mut *cache,
                        stop: false,
                        end,
                    };
                    end = end.saturating_sub(1); // a delivery uses budget (see `interrupt`)
                    if let Err(exit) = self.take(&mut env, v, None, Source::External) {
                        return exit;
                    }
                    continue;
                }
            }
            if self.halted {
                return Exit::Halt;
            }
            let block: Rc<Block> = if self.sys.cr0 & cr0::PG == 0 {
                // Linear address of the instruction (CS base + RIP) = physical without paging.
                let pa = self.linear(super::insn::Seg::Cs, self.rip);
                match cache.get(pa) {
                    Some(b) if b.bits == self.bits => b.clone(),
                    _ if self.watched(pa) => return Exit::Watch(pa),
                    _ => match decode_block(
                        bus,
                        pa,
                        self.bits,
                        Some(pa.wrapping_add(PAGE_SIZE) & !(PAGE_SIZE - 1)),
                    ) {
                        Decoded::Block(b, pages) => cache.insert(pa, &pages, b),
                        Decoded::NotRam | Decoded::NeedsNext => return Exit::FetchUnmapped(pa),
                    },
                }
            } else {
                match self.fetch_block(cache, bus) {
                    Ok(b) => b,
                    Err(Exit::Exception(f)) => {
                        // A #PF of the fetch: delivered like an instruction's.
                        let mut env = Env {
                            bus: &mut *bus,
                            code: &mut *cache,
                            stop: false,
                            end,
                        };
                        if let Err(exit) = self.take_exception(&mut env, f) {
                            return exit;
                        }
                        end = end.saturating_sub(1);
                        continue;
                    }
                    Err(exit) => return exit,
                }
            };
            // Pages that became code lose their write entries before anything runs.
            self.tlb.follow_code(cache.epoch());
            let room = (end - self.insns) as usize;
            let mut env = Env {
                bus: &mut *bus,
                code: &mut *cache,
                stop: false,
                end,
            };
            let n = block.insns.len().min(room).min(limit);
            for insn in &block.insns[..n] {
                let at = self.rip;
                self.rip = at.wrapping_add(insn.ops.len as u64);
                if let Err(f) = (insn.exec)(self, &mut env, &insn.ops) {
                    self.rip = at;
                    if let Err(exit) = self.take_exception(&mut env, f) {
                        return exit;
                    }
                    end = end.saturating_sub(1);
                    break;
                }
                self.insns += 1;
                if env.stop {
                    break;
                }
            }
            // A port write may have asked the run to end (`Platform::stop_requested`).
            end = end.min(env.end);
        }
    }
}

impl Cpu {
    /// Whether a block about to be built at `pa` is watched ([`Cpu::watch`]); a pending
    /// `pass_at` of `pa` lets this one through (and is used up), one elsewhere stays.
    fn watched(&mut self, pa: u64) -> bool {
        if pa & self.watch.mask != self.watch.value {
            return false;
        }
        if self.watch.pass_at == Some(pa) {
            self.watch.pass_at = None;
            return false;
        }
        true
    }

    /// With paging: the block at RIP, translated for fetching at the current privilege.
    fn fetch_block(
        &mut self,
        cache: &mut BlockCache,
        bus: &mut dyn Bus,
    ) -> Result<Rc<Block>, Exit> {
        self.tlb.select(self.cpl() == 3);
        let la = self.linear(super::insn::Seg::Cs, self.rip);
        let pa = self.fetch_pa(cache, bus, la)?;
        match cache.get(pa) {
            Some(b) if b.bits == self.bits && !b.crosses => return Ok(b.clone()),
            _ => {}
        }
        if self.watched(pa) {
            return Err(Exit::Watch(pa));
        }
        match decode_block(bus, pa, self.bits, None) {
            Decoded::Block(b, pages) => Ok(cache.insert(pa, &pages, b)),
            Decoded::NotRam => Err(Exit::FetchUnmapped(pa)),
            Decoded::NeedsNext => {
                let next = la.wrapping_add(PAGE_SIZE) & !(PAGE_SIZE - 1) & self.la_mask;
                let pa2 = self.fetch_pa(cache, bus, next)?;
                match decode_block(bus, pa, self.bits, Some(pa2 & !(PAGE_SIZE - 1))) {
                    Decoded::Block(b, _) => Ok(Rc::new(b)),
                    Decoded::NotRam | Decoded::NeedsNext => Err(Exit::FetchUnmapped(pa)),
                }
            }
        }
    }

    /// The physical address of the instruction byte at linear `la`: the fetch table (inlined),
    /// or [`Cpu::fetch_walk`].
    #[inline(always)]
    fn fetch_pa(
        &mut self,
        cache: &mut BlockCache,
        bus: &mut dyn Bus,
        la: u64,
    ) -> Result<u64, Exit> {
        match self.tlb.fetch_pa(la) {
            Some(pa) => Ok(pa),
            None => self.fetch_walk(cache, bus, la),
        }
    }

    /// A fetch-table miss: the walk that refills it.
    #[inline(never)]
    fn fetch_walk(
        &mut self,
        cache: &mut BlockCache,
        bus: &mut dyn Bus,
        la: u64,
    ) -> Result<u64, Exit> {
        let (t, a, _) = self
            .translate(bus, cache, la, Access::Fetch)
            .map_err(Exit::Exception)?;
        self.tlb.fill_fetch(la, t.pa, a);
        Ok(t.pa)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aarch64::flat::FlatBus;
    use crate::x86_64::state::{Fault, RAX, RBX, RCX, RSP};

    /// A vCPU at `at` and a 16 KiB bus at 0 holding `code` there.
    fn setup(at: u64, code: &[u8]) -> (Cpu, FlatBus, BlockCache) {
        let mut bus = FlatBus::new(0, 0x4000);
        bus.ram_mut()[at as usize..at as usize + code.len()].copy_from_slice(code);
        let mut cpu = Cpu::new();
        cpu.rip = at;
        (cpu, bus, BlockCache::new())
    }

    #[test]
    fn a_watched_block_build_stops_before_it_runs_and_pass_at_lets_only_it_through() {
        // 0x1000: jmp 0x1200 (e9, rel32 0x1fb); 0x1200: mov eax, 7; ud2 (#UD ends the run)
        let mut code = vec![0u8; 0x210];
        code[..5].copy_from_slice(&[0xe9, 0xfb, 0x01, 0, 0]);
        code[0x200..0x207].copy_from_slice(&[0xb8, 7, 0, 0, 0, 0x0f, 0x0b]);
        let (mut cpu, mut bus, mut cache) = setup(0x1000, &code);
        cpu.watch = crate::x86_64::Watch {
            mask: 0xfff,
            value: 0x200,
            pass_at: None,
        };
        assert_eq!(cpu.run(&mut cache, &mut bus, 10), Exit::Watch(0x1200));
        assert_eq!((cpu.rip, cpu.insns, cpu.regs[RAX]), (0x1200, 1, 0));
        // A pass for another watched address does not let this one through, and stays.
        cpu.watch.pass_at = Some(0x2200);
        assert_eq!(cpu.run(&mut cache, &mut bus, 10), Exit::Watch(0x1200));
        assert_eq!((cpu.insns, cpu.watch.pass_at), (1, Some(0x2200)));
        cpu.watch.pass_at = Some(0x1200);
        assert_eq!(
            cpu.run(&mut cache, &mut bus, 10),
            Exit::Exception(Fault::UD)
        );
        assert_eq!((cpu.regs[RAX], cpu.watch.pass_at), (7, None));
    }

    #[test]
    fn a_store_into_the_current_block_takes_effect_at_the_next_instruction() {
        // mov byte [rip + 1], 0x41; mov al, 0; ud2 (#UD here: stops the run)
        // The store rewrites the immediate of `mov al, 0`, decoded in the same block (SDM vol. 3
        // §11.6: a store to the code stream is seen by the instructions after it).
        let code = [0xc6, 0x05, 0x01, 0, 0, 0, 0x41, 0xb0, 0x00, 0x0f, 0x0b];
        let (mut cpu, mut bus, mut cache) = setup(0x1000, &code);
        let exit = cpu.run(&mut cache, &mut bus, 10);
        assert_eq!(exit, Exit::Exception(Fault::UD));
        assert_eq!(
            (cpu.regs[RAX] & 0xff, cpu.rip, cpu.insns),
            (0x41, 0x1009, 2)
        );
        assert_eq!(cpu.undefined.get(&iced_x86::Code::Ud2), Some(&1));
    }

    #[test]
    fn a_page_written_as_data_then_run_as_code_loses_its_write_entry() {
        // 0x1000: mov byte [0x2100], 1 (a write entry for page 0x2000); jmp 0x2000
        // 0x2000: mov byte [rip + 1], 0x41; mov al, 0; ud2
        let (mut cpu, mut bus, mut cache) = setup(
            0x1000,
            &[
                0xc6, 0x04, 0x25, 0x00, 0x21, 0, 0, 0x01, 0xe9, 0xf3, 0x0f, 0, 0,
            ],
        );
        let smc = [0xc6, 0x05, 0x01, 0, 0, 0, 0x41, 0xb0, 0x00, 0x0f, 0x0b];
        bus.ram_mut()[0x2000..0x2000 + smc.len()].copy_from_slice(&smc);
        assert_eq!(
            cpu.run(&mut cache, &mut bus, 10),
            Exit::Exception(Fault::UD)
        );
        assert_eq!((cpu.regs[RAX] & 0xff, cpu.rip), (0x41, 0x2009));
        assert_eq!(bus.ram()[0x2100], 1);
    }

    #[test]
    fn an_instruction_across_a_page_boundary_runs_and_marks_both_pages() {
        // mov eax, 0x12345678 starting 3 bytes before the page end
        let (mut cpu, mut bus, mut cache) = setup(0x1ffd, &[0xb8, 0x78, 0x56, 0x34, 0x12]);
        assert_eq!(cpu.run(&mut cache, &mut bus, 1), Exit::Budget);
        assert_eq!((cpu.regs[RAX], cpu.rip), (0x1234_5678, 0x2002));
        assert!(cache.is_code(0x1000) && cache.is_code(0x2000));
    }

    #[test]
    fn the_budget_stops_inside_a_block() {
        // inc eax; inc eax; inc eax
        let (mut cpu, mut bus, mut cache) = setup(0x1000, &[0xff, 0xc0, 0xff, 0xc0, 0xff, 0xc0]);
        assert_eq!(cpu.run(&mut cache, &mut bus, 2), Exit::Budget);
        assert_eq!((cpu.regs[RAX], cpu.rip, cpu.insns), (2, 0x1004, 2));
    }

    #[test]
    fn a_rep_instruction_counts_each_iteration_and_resumes_after_the_budget() {
        // rep stosb; inc eax; ud2 (#UD: stops the run)
        let code = [0xf3, 0xaa, 0xff, 0xc0, 0x0f, 0x0b];
        let (mut cpu, mut bus, mut cache) = setup(0x1000, &code);
        cpu.regs[RCX] = 5;
        cpu.regs[RAX] = 0x5a;
        cpu.regs[7] = 0x3000; // RDI
        assert_eq!(cpu.run(&mut cache, &mut bus, 2), Exit::Budget);
        assert_eq!(
            (cpu.regs[RCX], cpu.regs[7], cpu.rip, cpu.insns),
            (3, 0x3002, 0x1000, 2)
        );
        assert_eq!(
            cpu.run(&mut cache, &mut bus, 10),
            Exit::Exception(Fault::UD)
        );
        // Three more iterations and the INC: six instructions in all.
        assert_eq!((cpu.regs[RCX], cpu.regs[7], cpu.insns), (0, 0x3005, 6));
        assert_eq!((cpu.regs[RAX], cpu.rip), (0x5b, 0x1004));
        assert_eq!(
            &bus.ram()[0x3000..0x3006],
            &[0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0]
        );
    }

    #[test]
    fn an_overlapping_rep_movsb_replicates_and_stops_at_the_budget() {
        // rep movsb with RDI = RSI + 1: each byte copies the one just written (the iteration-
        // by-iteration definition), so the first byte fills the run; then ud2.
        let code = [0xf3, 0xa4, 0x0f, 0x0b];
        let (mut cpu, mut bus, mut cache) = setup(0x1000, &code);
        for (i, b) in bus.ram_mut()[0x3000..0x3020].iter_mut().enumerate() {
            *b = i as u8 + 1;
        }
        cpu.regs[RCX] = 20;
        cpu.regs[6] = 0x3000; // RSI
        cpu.regs[7] = 0x3001; // RDI
        assert_eq!(cpu.run(&mut cache, &mut bus, 7), Exit::Budget);
        assert_eq!(
            (cpu.regs[RCX], cpu.regs[6], cpu.regs[7], cpu.rip, cpu.insns),
            (13, 0x3007, 0x3008, 0x1000, 7)
        );
        assert_eq!(&bus.ram()[0x3000..0x3009], &[1, 1, 1, 1, 1, 1, 1, 1, 9]);
        assert_eq!(
            cpu.run(&mut cache, &mut bus, 100),
            Exit::Exception(Fault::UD)
        );
        assert_eq!((cpu.regs[RCX], cpu.regs[7], cpu.insns), (0, 0x3015, 20));
        assert!(bus.ram()[0x3000..0x3015].iter().all(|&b| b == 1));
        assert_eq!(bus.ram()[0x3015], 0x16);
    }

    #[test]
    fn a_divide_error_leaves_the_state_at_the_faulting_instruction() {
        // div ecx with ecx = 0
        let (mut cpu, mut bus, mut cache) = setup(0x1000, &[0xf7, 0xf1]);
        cpu.regs[RAX] = 7;
        let flags = cpu.rflags;
        assert_eq!(cpu.run(&mut cache, &mut bus, 5), Exit::Exception(Fault::DE));
        assert_eq!((cpu.regs[RAX], cpu.regs[RCX], cpu.rip), (7, 0, 0x1000));
        assert_eq!((cpu.rflags, cpu.insns), (flags, 0));
    }

    #[test]
    fn non_canonical_addresses_fault_with_gp_or_ss() {
        // mov rax, [rbx]
        let (mut cpu, mut bus, mut cache) = setup(0x1000, &[0x48, 0x8b, 0x03]);
        cpu.regs[RBX] = 0x8000_0000_0000_0000;
        assert_eq!(
            cpu.run(&mut cache, &mut bus, 1),
            Exit::Exception(Fault::GP0)
        );
        // push rax with a non-canonical RSP: #SS(0), RSP unchanged
        let (mut cpu, mut bus, mut cache) = setup(0x1000, &[0x50]);
        cpu.regs[RSP] = 0x0000_8000_0000_0004;
        assert_eq!(
            cpu.run(&mut cache, &mut bus, 1),
            Exit::Exception(Fault::SS0)
        );
        assert_eq!((cpu.regs[RSP], cpu.rip), (0x0000_8000_0000_0004, 0x1000));
    }

    #[test]
    fn fetching_outside_ram_stops_the_run() {
        let (mut cpu, mut bus, mut cache) = setup(0x1000, &[]);
        cpu.rip = 0x10_0000;
        assert_eq!(
            cpu.run(&mut cache, &mut bus, 1),
            Exit::FetchUnmapped(0x10_0000)
        );
    }
}
