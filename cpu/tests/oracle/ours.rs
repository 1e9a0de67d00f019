//! Our side of the comparison: the same image loaded into a [`FlatBus`], each case's
//! instruction(s) stepped one at a time by the interpreter at EL0 from the case's input state,
//! with stage 1 translation on (an identity map of Normal memory, as user space has).
//!
//! Only the instructions under test run here (the harness code around them is QEMU's business),
//! so a case depends on nothing but the interpreter's handling of its own words. The scratch
//! memory before a case is QEMU's scratch memory after the previous completed case, so a wrong
//! store never cascades into later cases. An exception is taken architecturally to EL1 (VBAR_EL1
//! points at a page of `B .`); it is detected as "EL is no longer 0" after the step.
//!
//! Lockstep: a straight case is also run a second time as one whole block, which the executor
//! runs threaded (each handler calling the next) where the stepping above runs its plain loop.
//! For that, the word after the case's two slots is `B .` in our copy of the image (the save
//! code there is QEMU's business), so that the block is the case's words and that branch. The
//! two runs must agree on everything the comparison with QEMU looks at ([`Ours::threaded_differs`]).

use bootemu_cpu::aarch64::flat::FlatBus;
use bootemu_cpu::aarch64::sysreg::Reg;
use bootemu_cpu::aarch64::{BlockCache, Cpu, Exit, REG_SP, REG_ZR_READ};

use super::image::{Image, Landing, Layout, Plan, BASE, SCRATCH, SCRATCH_LEN};
use super::{Case, State};

/// `B .`: a block's end that stays where it is.
const B_SELF: u32 = 0x1400_0000;

/// Stage 1 on, as Linux runs user space, so that memory is Normal (with stage 1 off every data
/// access would be Device-nGnRnE, where unaligned accesses fault): an identity map of the first
/// 512 GB, read-write-execute at EL0 (4K granule, T0SZ = 25, MAIR index 0 = Normal write-back),
/// except the vector page and the three table pages at `tables`, which EL0 cannot access. Level 1 maps 1 GB blocks,
/// level 2 the GB of the image in 2 MB blocks, level 3 the 2 MB of the tables in pages.
fn user_memory(cpu: &mut Cpu, bus: &mut FlatBus, tables: u64) {
    /// Descriptor bits: AF, inner shareable, AttrIndx 0; AP = 01 (EL0 and EL1 read-write).
    const EL0_RW: u64 = 1 << 10 | 3 << 8 | 1 << 6;
    const NO_EL0: u64 = 1 << 10 | 3 << 8;
    let (l1, l2, l3) = (tables, tables + 0x1000, tables + 0x2000);
    let put = |bus: &mut FlatBus, at: u64, d: u64| bus.load(at, &d.to_le_bytes());
    for i in 0..512u64 {
        put(bus, l1 + 8 * i, (i << 30) | EL0_RW | 0b01);
        put(
            bus,
            l2 + 8 * i,
            ((BASE >> 30) << 30) | (i << 21) | EL0_RW | 0b01,
        );
        let pa = (tables & !0x1f_ffff) | (i << 12);
        // The tables and the vector page before them (EL1's own: EL1 may not execute what
        // EL0 may write).
        let ap = if (tables - 0x1000..tables + 0x3000).contains(&pa) {
            NO_EL0
        } else {
            EL0_RW
        };
        put(bus, l3 + 8 * i, pa | ap | 0b11);
    }
    put(bus, l1 + 8 * (BASE >> 30), l2 | 0b11);
    put(bus, l2 + 8 * ((tables >> 21) & 511), l3 | 0b11);
    assert_eq!(tables >> 30, BASE >> 30, "image and tables within one GB");
    cpu.sys.set(Reg::MairEl1, 0xff);
    cpu.sys.set(Reg::TcrEl1, 25 | 1 << 23 | 4 << 32);
    cpu.sys.set(Reg::Ttbr0El1, l1);
    let sctlr = cpu.sys.get(Reg::SctlrEl1);
    cpu.sys.set(Reg::SctlrEl1, sctlr | 1);
    cpu.tlb.flush();
}

/// One case's outcome under the interpreter.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // one per case, short-lived
pub enum OurResult {
    /// The instruction(s) completed.
    Done {
        /// State after.
        state: State,
        /// Scratch memory after.
        mem: [u8; SCRATCH_LEN],
        /// Where the PC went, in instructions from the (first) instruction under test.
        landing: Landing,
        /// Something that is not architectural state went wrong (XZR slot written, …).
        oddity: Option<String>,
    },
    /// An exception was taken to EL1.
    Exception {
        /// ESR_EL1.
        esr: u64,
        /// FAR_EL1.
        far: u64,
        /// Index of the instruction that raised it.
        at: usize,
    },
    /// `run` returned something other than `Exit::Budget`.
    Exit(Exit, usize),
}

/// The interpreter with a batch image loaded.
pub struct Ours {
    bus: FlatBus,
    cache: BlockCache,
    cpu: Cpu,
}

impl Ours {
    /// Load `img`.
    pub fn new(img: &Image) -> Ours {
        let vbar = (BASE + img.memsz + 0xfff) & !0xfff;
        // The vector page shares the tables' 2 MB (mapped by pages, for EL1 only).
        let vbar = if (vbar + 0x1000) & 0x1f_ffff == 0 {
            vbar + 0x1000
        } else {
            vbar
        };
        let tables = vbar + 0x1000;
        let mut bus = FlatBus::new(BASE, (tables + 0x3000 - BASE) as usize);
        bus.load(BASE, &img.elf);
        // Every vector stays where it is: the threaded run's budget after an exception is spent
        // there, leaving ESR, FAR and ELR as the exception set them.
        let vectors: Vec<u8> = B_SELF.to_le_bytes().repeat(0x1000 / 4);
        bus.load(vbar, &vectors);
        let mut cpu = Cpu::new(1);
        cpu.sys.set(Reg::VbarEl1, vbar);
        user_memory(&mut cpu, &mut bus, tables);
        // EL0 may use what Linux (and QEMU user mode) lets it: CTR_EL0 (UCT), DC ZVA (DZE), cache
        // maintenance by VA (UCI), WFI/WFE without trapping (nTWI, nTWE).
        let sctlr = cpu.sys.get(Reg::SctlrEl1);
        cpu.sys.set(
            Reg::SctlrEl1,
            sctlr | 1 << 15 | 1 << 14 | 1 << 26 | 1 << 16 | 1 << 18,
        );
        // FP/SIMD enabled at EL0 and EL1 (CPACR_EL1.FPEN = 0b11), as Linux runs user space.
        let cpacr = cpu.sys.get(Reg::CpacrEl1);
        cpu.sys.set(Reg::CpacrEl1, cpacr | 3 << 20);
        Ours {
            bus,
            cache: BlockCache::new(),
            cpu,
        }
    }

    /// Case `i`'s input state and `mem` as the scratch memory, at EL0 at its first instruction.
    fn start(&mut self, plan: &Plan, i: usize, case: &Case, mem: &[u8; SCRATCH_LEN]) {
        self.bus.load(SCRATCH, mem);
        let cpu = &mut self.cpu;
        if cpu.el != 0 || cpu.sp_sel {
            cpu.set_el_sp(0, false);
        }
        cpu.daif = 0;
        cpu.exclusive = None;
        cpu.x[..31].copy_from_slice(&case.input.x);
        cpu.x[REG_SP as usize] = case.input.sp;
        cpu.set_nzcv(case.input.nzcv as u32);
        cpu.sys.set(Reg::TpidrEl0, case.input.tpidr);
        cpu.v = case.input.v;
        cpu.sys.set(Reg::Fpcr, case.input.fpcr);
        cpu.sys.set(Reg::Fpsr, case.input.fpsr);
        cpu.pc = plan.pc(i);
    }

    /// Run case `i` from `mem` as the scratch memory.
    pub fn run(
        &mut self,
        plan: &Plan,
        i: usize,
        case: &Case,
        mem: &[u8; SCRATCH_LEN],
    ) -> OurResult {
        self.start(plan, i, case, mem);
        let cpu = &mut self.cpu;
        let t = plan.pc(i);
        for k in 0..case.n {
            let exit = cpu.run(&mut self.cache, &mut self.bus, 1);
            if cpu.el != 0 {
                return OurResult::Exception {
                    esr: cpu.sys.get(Reg::EsrEl1),
                    far: cpu.sys.get(Reg::FarEl1),
                    at: k,
                };
            }
            // Exit::Yield (SEV, a timer write) asks a machine to look and run on.
            if exit != Exit::Budget && exit != Exit::Yield {
                return OurResult::Exit(exit, k);
            }
            if plan.layout == Layout::Branch {
                break;
            }
        }
        let mut x = [0; 31];
        x.copy_from_slice(&cpu.x[..31]);
        let mut state = State {
            x,
            sp: cpu.x[REG_SP as usize],
            nzcv: cpu.nzcv() as u64,
            tpidr: cpu.sys.get(Reg::TpidrEl0),
            ..State::default()
        };
        if plan.fp {
            state.v = cpu.v;
            state.fpcr = cpu.sys.get(Reg::Fpcr);
            state.fpsr = cpu.sys.get(Reg::Fpsr);
        }
        let off = (SCRATCH - BASE) as usize;
        let mut out = [0; SCRATCH_LEN];
        out.copy_from_slice(&self.bus.ram()[off..off + SCRATCH_LEN]);
        let landing = (cpu.pc.wrapping_sub(t) as i64) / 4;
        let oddity = if cpu.x[REG_ZR_READ as usize] != 0 {
            cpu.x[REG_ZR_READ as usize] = 0;
            Some("the XZR read slot was written".to_string())
        } else if cpu.pc & 3 != 0 {
            Some(format!("PC {:#x} is not word aligned", cpu.pc))
        } else {
            None
        };
        OurResult::Done {
            state,
            mem: out,
            landing,
            oddity,
        }
    }

    /// For a straight case whose stepped run gave `stepped`: run it again as one whole block
    /// (the case's two slots, then `B .`; threaded) and say how the two differ, `None` when
    /// they agree. A second slot holding a NOP runs too, which changes nothing.
    pub fn threaded_differs(
        &mut self,
        plan: &Plan,
        i: usize,
        case: &Case,
        mem: &[u8; SCRATCH_LEN],
        stepped: &OurResult,
    ) -> Option<String> {
        if plan.layout != Layout::Straight || matches!(stepped, OurResult::Exit(..)) {
            return None;
        }
        let t = plan.pc(i);
        let end = t + 8;
        let off = (end - BASE) as usize;
        let word: [u8; 4] = self.bus.ram()[off..off + 4].try_into().unwrap();
        self.bus.load(end, &B_SELF.to_le_bytes());
        self.cache.code.invalidate(end & !0xfff);
        self.start(plan, i, case, mem);
        let before = self.cpu.insns;
        // The case's two slots and `B .`: one block, run whole.
        let exit = self.cpu.run(&mut self.cache, &mut self.bus, 3);
        // The word back (a later case's literal load may read it).
        self.bus.load(end, &word);
        self.cache.code.invalidate(end & !0xfff);
        let cpu = &self.cpu;
        if exit == Exit::Yield {
            // SEV and timer writes stop the run early for a machine to look.
            return None;
        }
        if exit != Exit::Budget {
            return Some(format!("threaded run: exit {exit:?}"));
        }
        if cpu.insns - before != 3 {
            return Some(format!("threaded run: {} instructions", cpu.insns - before));
        }
        match stepped {
            OurResult::Exception { esr, far, at } => {
                let elr = t + 4 * *at as u64;
                let got = (
                    cpu.el,
                    cpu.sys.get(Reg::EsrEl1),
                    cpu.sys.get(Reg::FarEl1),
                    cpu.sys.get(Reg::ElrEl1),
                );
                (got != (1, *esr, *far, elr)).then(|| {
                    format!(
                        "threaded run: EL {} ESR {:#x} FAR {:#x} ELR {:#x}; stepped: EL 1 ESR \
                         {esr:#x} FAR {far:#x} ELR {elr:#x}",
                        got.0, got.1, got.2, got.3
                    )
                })
            }
            OurResult::Done { state, mem, .. } => {
                let mut why = Vec::new();
                if cpu.el != 0 {
                    why.push(format!("EL {}", cpu.el));
                }
                if cpu.pc != end {
                    why.push(format!("PC {:#x}, not {end:#x}", cpu.pc));
                }
                let x: Vec<u64> = cpu.x[..31].to_vec();
                if x != state.x {
                    why.push("X registers".into());
                }
                if cpu.x[REG_SP as usize] != state.sp {
                    why.push("SP".into());
                }
                if cpu.nzcv() as u64 != state.nzcv {
                    why.push(format!("NZCV {:#x} stepped {:#x}", cpu.nzcv(), state.nzcv));
                }
                if cpu.sys.get(Reg::TpidrEl0) != state.tpidr {
                    why.push("TPIDR_EL0".into());
                }
                if plan.fp
                    && (cpu.v != state.v
                        || cpu.sys.get(Reg::Fpcr) != state.fpcr
                        || cpu.sys.get(Reg::Fpsr) != state.fpsr)
                {
                    why.push("FP/SIMD state".into());
                }
                let off = (SCRATCH - BASE) as usize;
                if self.bus.ram()[off..off + SCRATCH_LEN] != mem[..] {
                    why.push("scratch memory".into());
                }
                (!why.is_empty()).then(|| format!("threaded run differs: {}", why.join(", ")))
            }
            OurResult::Exit(..) => None,
        }
    }
}
