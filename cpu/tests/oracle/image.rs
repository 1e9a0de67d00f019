//! One static AArch64 Linux ELF per batch of cases, built byte by byte, and its run under
//! `qemu-aarch64` (user mode, `-cpu cortex-a57`: the CPU this emulator models).
//!
//! Memory map of the single RWX PT_LOAD at [`BASE`]:
//!
//! ```text
//! +0x0000  ELF header, program header
//! +0x0100  sigaltstack and sigaction records
//! +0x0200  start-up code (sigaltstack, rt_sigaction), the signal handler
//! +0x1fc0  scratch memory: SCRATCH_LEN bytes across a page boundary, random at start; loads
//!          and stores of the cases touch only this
//! +0x3000  the cases, each `stride` bytes: input record (IN_LEN bytes), then code:
//!          load all state from the record, the instruction(s) under test, save all state to
//!          the case's output record, branch to the next case's code
//!          ... then the exit code (write the output records to stdout, exit)
//! (bss)    output: a header (status, fault PC), then OUT_LEN bytes per case; the alternate
//!          signal stack
//! ```
//!
//! A case's instruction may fault under QEMU (UNDEFINED, alignment, …): the signal handler finds
//! the case from the faulting PC (cases have a fixed stride), marks its output record with the
//! signal number and resumes at the next case, so one fault costs nothing else.
//!
//! FP/SIMD classes use a plan with `fp` set: the input record also holds FPCR, FPSR and V0–V31,
//! the output record FPCR, FPSR and V0–V31 too, and the load and save code is shared by all cases
//! (QEMU translates it once, so a case costs a few translated instructions instead of ~120):
//!
//! ```text
//! case:  adr x30, record; b LOAD
//!        ldr x30, =input X30          <- LOAD returns here (br to record + IN_LEN + 8)
//!        instruction under test; second instruction or NOP
//!        msr tpidr_el0, x30; adrp+add x30, output record; b SAVE
//! LOAD:  NZCV, TPIDR_EL0, SP, FPCR, FPSR, V0–V31, X0–X29 from [x30]; br to the case
//! SAVE:  X0–X29, X30 (from TPIDR_EL0), SP, NZCV, FPCR, FPSR, V0–V31, scratch to [x30];
//!        the case index from x30, TPIDR_EL0 input from its record; br to the next case
//! ```
//!
//! Branch cases use [`Layout::Branch`]: the instruction sits between two windows of one-instruction
//! landing stubs that count, in SIMD registers D1/D3, how many stubs ran before the save code;
//! that count says where the branch landed (see [`Landing`]).

use super::asm::*;
use super::State;

/// Load address of the image.
pub const BASE: u64 = 0x40_0000;
const DATA: u64 = BASE + 0x100;
const SS_REC: u64 = DATA;
const ACT_REC: u64 = DATA + 0x40;
const START: u64 = BASE + 0x200;
/// Guest address of the scratch memory.
/// 64-byte aligned (a DC ZVA block) and across a page boundary (accesses that straddle pages).
pub const SCRATCH: u64 = BASE + 0x1fc0;
/// Bytes of scratch memory the cases may access.
pub const SCRATCH_LEN: usize = 128;
/// Address of the first case.
pub const CASES: u64 = BASE + 0x3000;
/// Bytes of a case's input record: X0–X30, SP, NZCV, TPIDR_EL0.
const IN_LEN: u64 = 272;
/// FP plans: FPCR, FPSR and V0–V31 follow in the input record.
const IN_FPCR: u32 = 272;
const IN_FPSR: u32 = 280;
const IN_V: i32 = 288;
const IN_LEN_FP: u64 = IN_V as u64 + 512;
/// FP plans: words of a case's own code, and the offset of the instruction under test.
const CASE_WORDS_FP: u64 = 9;
const T_OFF_FP: u64 = IN_LEN_FP + 12;
/// Bytes of a case's output record.
const OUT_LEN: u64 = 296 + SCRATCH_LEN as u64;
/// FP plans: FPCR, FPSR and V0–V31 follow the scratch memory in the output record.
const OUT_FPCR: u32 = OUT_LEN as u32;
const OUT_FPSR: u32 = OUT_FPCR + 8;
const OUT_V: i32 = (OUT_FPSR as i32 + 8 + 15) & !15;
const OUT_LEN_FP: u64 = OUT_V as u64 + 512;
const OUT_HDR: u64 = 16;
const OUT_STATUS: u32 = 288;
const OUT_D: i32 = 272;
const OUT_MEM: i32 = 296;
const ALT_STACK: u64 = 0x10000;
/// Signals the handler catches: SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV.
const SIGNALS: [u32; 5] = [4, 5, 7, 8, 11];
/// Offset of the PC in the ucontext an SA_SIGINFO handler receives (uc_mcontext at 176; then
/// fault_address, regs[31], sp, pc).
const UC_PC: u32 = 440;
/// Landing stubs on each side of a branch under test.
pub const WINDOW: i64 = 16;

/// How each case places its instruction(s).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Up to two instructions, then the save code.
    Straight,
    /// One branch between two windows of landing stubs.
    Branch,
}

/// Where a case's instructions go, for a given layout.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// The layout.
    pub layout: Layout,
    /// FP/SIMD state (FPCR, FPSR, V0–V31) is loaded and saved too.
    pub fp: bool,
    /// Bytes of a case's input record.
    pub in_len: u64,
    /// Bytes of a case's output record.
    pub out_len: u64,
    /// Words of the load code before the instruction(s).
    load_words: u64,
    /// Bytes per case.
    pub stride: u64,
    /// Offset of the (first) instruction under test from the start of its case.
    pub t_off: u64,
}

const LOAD_WORDS: u64 = 28;
const SAVE_WORDS: u64 = 31 + SCRATCH_LEN as u64 / 8;

impl Plan {
    /// The plan of `layout`, with FP/SIMD state when `fp` (straight layout only).
    pub fn new(layout: Layout, fp: bool) -> Plan {
        if fp {
            assert_eq!(layout, Layout::Straight);
            return Plan {
                layout,
                fp,
                in_len: IN_LEN_FP,
                out_len: OUT_LEN_FP,
                load_words: 0,
                stride: (IN_LEN_FP + 4 * CASE_WORDS_FP + 15) & !15,
                t_off: T_OFF_FP,
            };
        }
        let (in_len, out_len, load, save) = (IN_LEN, OUT_LEN, LOAD_WORDS, SAVE_WORDS);
        let (t_words, body) = match layout {
            Layout::Straight => (0, 2),
            // b T; K backward stubs; b SAVE; T; K forward stubs.
            Layout::Branch => (
                1 + WINDOW as u64 + 1,
                1 + WINDOW as u64 + 1 + 1 + WINDOW as u64,
            ),
        };
        Plan {
            layout,
            fp,
            in_len,
            out_len,
            load_words: load,
            stride: in_len + 4 * (load + body + save + 1),
            t_off: in_len + 4 * (load + t_words),
        }
    }

    /// Address of the instruction under test of case `i`.
    pub fn pc(&self, i: usize) -> u64 {
        CASES + i as u64 * self.stride + self.t_off
    }
}

/// Where a branch case's PC ended up, in instructions from the branch.
pub type Landing = i64;

/// One case's outcome under QEMU.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // a few per case, short-lived
pub enum QemuResult {
    /// Ran to the save code.
    Done {
        /// The state after the instruction(s).
        state: State,
        /// Scratch memory after the instruction(s).
        mem: [u8; SCRATCH_LEN],
        /// Branch layout: landing offset.
        landing: Landing,
    },
    /// A signal was delivered at `pc`.
    Signal {
        /// Signal number.
        sig: u32,
        /// The faulting PC.
        pc: u64,
    },
}

struct Code {
    img: Vec<u8>,
    at: u64,
}

impl Code {
    fn put(&mut self, w: u32) {
        let off = (self.at - BASE) as usize;
        self.img[off..off + 4].copy_from_slice(&w.to_le_bytes());
        self.at += 4;
    }
    fn all(&mut self, ws: &[u32]) {
        for &w in ws {
            self.put(w);
        }
    }
    fn u64_at(&mut self, addr: u64, v: u64) {
        let off = (addr - BASE) as usize;
        self.img[off..off + 8].copy_from_slice(&v.to_le_bytes());
    }
}

/// A built batch: the ELF file bytes and what the comparison needs to know about it.
pub struct Image {
    /// The ELF file.
    pub elf: Vec<u8>,
    /// Bytes of the loaded segment (file part then zeroes).
    pub memsz: u64,
    /// Number of cases.
    pub n: usize,
}

/// Lowest and highest+1 address a literal load may target in a batch of `n` cases.
pub fn literal_range(plan: &Plan, n: usize) -> (u64, u64) {
    (CASES, CASES + n as u64 * plan.stride)
}

/// Build the ELF for `cases` (instruction words and inputs), scratch memory starting as `scratch`.
pub fn build(plan: &Plan, cases: &[super::Case], scratch: &[u8; SCRATCH_LEN]) -> Image {
    let n = cases.len();
    let (in_len, out_len) = (plan.in_len, plan.out_len);
    let exit_code = CASES + n as u64 * plan.stride + in_len;
    let file_end = (exit_code + 64 + 0xfff) & !0xfff;
    let out = file_end;
    let out_bytes = OUT_HDR + n as u64 * out_len;
    let alt = (out + out_bytes + 0xf) & !0xf;
    let memsz = alt + ALT_STACK - BASE;
    let mut c = Code {
        img: vec![0; (file_end - BASE) as usize],
        at: START,
    };

    // ELF64 header and one PT_LOAD (DDI-independent: System V gABI, AArch64 ELF ABI).
    let mut h = Vec::with_capacity(120);
    h.extend_from_slice(b"\x7fELF\x02\x01\x01\x00");
    h.extend_from_slice(&[0; 8]);
    h.extend_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    h.extend_from_slice(&183u16.to_le_bytes()); // EM_AARCH64
    h.extend_from_slice(&1u32.to_le_bytes());
    h.extend_from_slice(&START.to_le_bytes()); // e_entry
    h.extend_from_slice(&64u64.to_le_bytes()); // e_phoff
    h.extend_from_slice(&0u64.to_le_bytes()); // e_shoff
    h.extend_from_slice(&0u32.to_le_bytes()); // e_flags
    for v in [64u16, 56, 1, 64, 0, 0] {
        h.extend_from_slice(&v.to_le_bytes()); // ehsize, phentsize, phnum, shentsize, shnum, shstrndx
    }
    h.extend_from_slice(&1u32.to_le_bytes()); // PT_LOAD
    h.extend_from_slice(&7u32.to_le_bytes()); // RWX
    h.extend_from_slice(&0u64.to_le_bytes()); // p_offset
    h.extend_from_slice(&BASE.to_le_bytes()); // p_vaddr
    h.extend_from_slice(&BASE.to_le_bytes()); // p_paddr
    h.extend_from_slice(&(file_end - BASE).to_le_bytes()); // p_filesz
    h.extend_from_slice(&memsz.to_le_bytes()); // p_memsz
    h.extend_from_slice(&0x1000u64.to_le_bytes()); // p_align
    c.img[..h.len()].copy_from_slice(&h);

    // stack_t {ss_sp, ss_flags, ss_size}; sigaction {handler, flags, restorer, mask}.
    c.u64_at(SS_REC, alt);
    c.u64_at(SS_REC + 16, ALT_STACK);
    const SA_SIGINFO: u64 = 4;
    const SA_ONSTACK: u64 = 0x0800_0000;
    c.u64_at(ACT_REC + 8, SA_SIGINFO | SA_ONSTACK);

    // Start-up: sigaltstack(&ss, NULL); rt_sigaction(sig, &act, NULL, 8) for each signal.
    c.all(&mov32(0, SS_REC));
    c.all(&[movz(1, 0, 0), movz(8, 132, 0), SVC0]);
    for sig in SIGNALS {
        c.put(movz(0, sig, 0));
        c.all(&mov32(1, ACT_REC));
        c.all(&[movz(2, 0, 0), movz(3, 8, 0), movz(8, 134, 0), SVC0]);
    }
    let to_first = CASES + in_len;
    c.put(b(to_first as i64 - c.at as i64));

    // The handler: x0 = signal, x2 = ucontext.
    let handler = c.at;
    c.u64_at(ACT_REC, handler);
    c.put(ldr_x(3, 2, UC_PC));
    c.all(&mov32(4, CASES));
    c.put(cmp(3, 4));
    let lo_fix = c.at;
    c.put(0);
    c.put(sub(5, 3, 4));
    c.all(&mov32(6, plan.stride));
    c.put(udiv(7, 5, 6));
    c.all(&mov32(8, n as u64));
    c.put(cmp(7, 8));
    let hs_fix = c.at;
    c.put(0);
    c.put(add_imm(10, 7, 1));
    c.put(madd(9, 10, 6, 4));
    c.put(add_imm(9, 9, in_len as u32));
    c.put(str_x(9, 2, UC_PC));
    c.put(movz(10, out_len as u32, 0));
    c.all(&mov32(11, out + OUT_HDR));
    c.put(madd(12, 7, 10, 11));
    c.put(add_imm(13, 0, 0x100));
    c.put(str_x(13, 12, OUT_STATUS));
    c.put(str_x(3, 12, 0));
    c.put(RET);
    // Fault outside the cases: a harness bug; report it in the header and stop.
    let fatal = c.at;
    c.all(&mov32(1, out));
    c.put(str_x(0, 1, 0));
    c.put(str_x(3, 1, 8));
    c.put(b(exit_code as i64 - c.at as i64));
    let (load, save) = if plan.fp {
        fp_routines(&mut c, plan, out)
    } else {
        (0, 0)
    };
    assert!(c.at <= SCRATCH, "start-up code too long");
    let end = c.at;
    c.at = lo_fix;
    c.put(b_cond(LO, fatal as i64 - lo_fix as i64));
    c.at = hs_fix;
    c.put(b_cond(HS, fatal as i64 - hs_fix as i64));
    c.at = end;

    let s = (SCRATCH - BASE) as usize;
    c.img[s..s + SCRATCH_LEN].copy_from_slice(scratch);

    for (i, case) in cases.iter().enumerate() {
        let rec = CASES + i as u64 * plan.stride;
        if plan.fp {
            let o = out + OUT_HDR + i as u64 * out_len;
            fp_case(&mut c, plan, rec, o, case, load, save);
            continue;
        }
        let st = &case.input;
        for r in 0..31 {
            c.u64_at(rec + 8 * r as u64, st.x[r]);
        }
        c.u64_at(rec + 248, st.sp);
        c.u64_at(rec + 256, st.nzcv);
        c.u64_at(rec + 264, st.tpidr);
        c.at = rec + in_len;
        let code = c.at;
        c.put(CLREX);
        c.put(adr(30, rec as i64 - c.at as i64));
        c.all(&[ldr_x(0, 30, 256), msr_nzcv(0)]);
        c.all(&[ldr_x(0, 30, 264), msr_tpidr(0)]);
        c.all(&[ldr_x(0, 30, 248), add_imm(SP, 0, 0)]);
        c.all(&[fmov_dx(1, ZR), fmov_dx(3, ZR), movz(0, 1, 0), fmov_dx(2, 0)]);
        for r in (0..30).step_by(2) {
            c.put(ldp_x(r, r + 1, 30, 8 * r as i32));
        }
        c.put(ldr_x(30, 30, 240));
        debug_assert_eq!(c.at, code + 4 * plan.load_words);
        match plan.layout {
            Layout::Straight => {
                c.put(case.words[0]);
                c.put(if case.n > 1 { case.words[1] } else { NOP });
            }
            Layout::Branch => {
                let t = plan.pc(i);
                let save = t + 4 * (WINDOW as u64 + 1);
                c.put(b(t as i64 - c.at as i64));
                for _ in 0..WINDOW {
                    c.put(add_d(1, 1, 2));
                }
                c.put(b(save as i64 - c.at as i64));
                debug_assert_eq!(c.at, t);
                c.put(case.words[0]);
                for _ in 0..WINDOW {
                    c.put(add_d(3, 3, 2));
                }
            }
        }
        debug_assert_eq!(c.at - rec, plan.stride - 4 * (SAVE_WORDS + 1));
        let o = out + OUT_HDR + i as u64 * out_len;
        c.put(fmov_dx(0, 30));
        c.put(adrp(30, c.at, o));
        c.put(add_imm(30, 30, (o & 0xfff) as u32));
        for r in (0..30).step_by(2) {
            c.put(stp_x(r, r + 1, 30, 8 * r as i32));
        }
        c.all(&[fmov_xd(0, 0), str_x(0, 30, 240)]);
        c.all(&[add_imm(0, SP, 0), str_x(0, 30, 248)]);
        c.all(&[mrs_nzcv(0), str_x(0, 30, 256)]);
        c.all(&[mrs_tpidr(0), str_x(0, 30, 264)]);
        c.put(stp_d(1, 3, 30, OUT_D));
        c.all(&[movz(0, 1, 0), str_x(0, 30, OUT_STATUS)]);
        c.put(adrp(0, c.at, SCRATCH));
        c.put(add_imm(0, 0, (SCRATCH & 0xfff) as u32));
        for k in 0..(SCRATCH_LEN as i32 / 16) {
            c.put(ldp_x(1, 2, 0, 16 * k));
            c.put(stp_x(1, 2, 30, OUT_MEM + 16 * k));
        }
        c.put(b((rec + plan.stride + in_len) as i64 - c.at as i64));
        debug_assert_eq!(c.at - rec, plan.stride);
    }

    // Exit: write(1, out, len); exit_group(0).
    c.at = exit_code;
    c.put(movz(0, 1, 0));
    c.all(&mov32(1, out));
    c.all(&mov32(2, out_bytes));
    c.all(&[movz(8, 64, 0), SVC0, movz(0, 0, 0), movz(8, 94, 0), SVC0]);

    Image {
        elf: c.img,
        memsz,
        n,
    }
}

/// FP plans: the shared LOAD and SAVE routines at `c.at`; their addresses.
fn fp_routines(c: &mut Code, plan: &Plan, out: u64) -> (u64, u64) {
    // LOAD: x30 = input record.
    let load = c.at;
    c.put(CLREX);
    c.all(&[ldr_x(0, 30, 256), msr_nzcv(0)]);
    c.all(&[ldr_x(0, 30, 264), msr_tpidr(0)]);
    c.all(&[ldr_x(0, 30, 248), add_imm(SP, 0, 0)]);
    c.all(&[ldr_x(0, 30, IN_FPCR), msr_fpcr(0)]);
    c.all(&[ldr_x(0, 30, IN_FPSR), msr_fpsr(0)]);
    for r in (0..32).step_by(2) {
        c.put(ldp_q(r, r + 1, 30, IN_V + 16 * r as i32));
    }
    for r in (0..30).step_by(2) {
        c.put(ldp_x(r, r + 1, 30, 8 * r as i32));
    }
    // Back to the case, whose instruction there loads X30.
    c.put(add_imm(30, 30, (T_OFF_FP - 4) as u32));
    c.put(br(30));

    // SAVE: x30 = output record, TPIDR_EL0 = X30 after the instruction.
    let save = c.at;
    for r in (0..30).step_by(2) {
        c.put(stp_x(r, r + 1, 30, 8 * r as i32));
    }
    c.all(&[mrs_tpidr(0), str_x(0, 30, 240)]);
    c.all(&[add_imm(0, SP, 0), str_x(0, 30, 248)]);
    c.all(&[mrs_nzcv(0), str_x(0, 30, 256)]);
    c.all(&[mrs_fpcr(0), str_x(0, 30, OUT_FPCR)]);
    c.all(&[mrs_fpsr(0), str_x(0, 30, OUT_FPSR)]);
    for r in (0..32).step_by(2) {
        c.put(stp_q(r, r + 1, 30, OUT_V + 16 * r as i32));
    }
    // x0 = input record of case (x30 - first output record) / out_len.
    c.all(&mov32(1, out + OUT_HDR));
    c.put(sub(1, 30, 1));
    c.all(&mov32(2, plan.out_len));
    c.put(udiv(3, 1, 2));
    c.all(&mov32(4, plan.stride));
    c.all(&mov32(5, CASES));
    c.put(madd(0, 3, 4, 5));
    // TPIDR_EL0 held X30: report the input value (FP/SIMD instructions never write it).
    c.all(&[ldr_x(1, 0, 264), str_x(1, 30, 264)]);
    c.all(&[movz(1, 1, 0), str_x(1, 30, OUT_STATUS)]);
    c.all(&mov32(3, SCRATCH));
    for k in 0..(SCRATCH_LEN as i32 / 16) {
        c.put(ldp_x(1, 2, 3, 16 * k));
        c.put(stp_x(1, 2, 30, OUT_MEM + 16 * k));
    }
    // On to the next case (or the exit code after the last).
    c.put(add_imm(0, 0, (plan.stride + plan.in_len) as u32));
    c.put(br(0));
    (load, save)
}

/// FP plans: `case`'s input record at `rec` and its own code after it; `o` its output record.
fn fp_case(c: &mut Code, plan: &Plan, rec: u64, o: u64, case: &super::Case, load: u64, save: u64) {
    let st = &case.input;
    for r in 0..31 {
        c.u64_at(rec + 8 * r as u64, st.x[r]);
    }
    c.u64_at(rec + 248, st.sp);
    c.u64_at(rec + 256, st.nzcv);
    c.u64_at(rec + 264, st.tpidr);
    c.u64_at(rec + IN_FPCR as u64, st.fpcr);
    c.u64_at(rec + IN_FPSR as u64, st.fpsr);
    for (k, v) in st.v.iter().enumerate() {
        let a = rec + IN_V as u64 + 16 * k as u64;
        c.u64_at(a, *v as u64);
        c.u64_at(a + 8, (*v >> 64) as u64);
    }
    c.at = rec + plan.in_len;
    c.put(adr(30, rec as i64 - c.at as i64));
    c.put(b(load as i64 - c.at as i64));
    c.put(ldr_lit_x(30, (rec + 240) as i64 - c.at as i64));
    debug_assert_eq!(c.at, rec + plan.t_off);
    c.put(case.words[0]);
    c.put(if case.n > 1 { case.words[1] } else { NOP });
    c.put(msr_tpidr(30));
    c.put(adrp(30, c.at, o));
    c.put(add_imm(30, 30, (o & 0xfff) as u32));
    c.put(b(save as i64 - c.at as i64));
    debug_assert_eq!(c.at, rec + plan.in_len + 4 * CASE_WORDS_FP);
}

/// Path of the QEMU user-mode emulator, if present.
pub fn qemu() -> Option<String> {
    if let Ok(p) = std::env::var("BOOTEMU_QEMU_AARCH64") {
        return std::path::Path::new(&p).exists().then_some(p);
    }
    ["/usr/bin/qemu-aarch64", "/usr/local/bin/qemu-aarch64"]
        .iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(|p| p.to_string())
}

/// Run the image under QEMU and parse the per-case results.
pub fn run_qemu(qemu: &str, plan: &Plan, img: &Image, tag: &str) -> Vec<QemuResult> {
    let path =
        std::env::temp_dir().join(format!("bootemu-oracle-{}-{tag}.elf", std::process::id()));
    std::fs::write(&path, &img.elf).expect("write ELF");
    // QEMU refuses to load a file without execute permission.
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod ELF");
    let out = std::process::Command::new(qemu)
        .args(["-cpu", "cortex-a57"])
        .arg(&path)
        .output()
        .expect("run qemu-aarch64");
    if std::env::var_os("BOOTEMU_ORACLE_KEEP").is_none() {
        let _ = std::fs::remove_file(&path);
    } else {
        eprintln!("kept {}", path.display());
    }
    let b = out.stdout;
    let want = (OUT_HDR + img.n as u64 * plan.out_len) as usize;
    assert!(
        out.status.success() && b.len() == want,
        "qemu-aarch64 run failed: {} ({} of {want} bytes), stderr: {}",
        out.status,
        b.len(),
        String::from_utf8_lossy(&out.stderr)
    );
    let u = |off: usize| u64::from_le_bytes(b[off..off + 8].try_into().unwrap());
    assert_eq!(
        u(0),
        0,
        "harness fault outside the cases: signal {} at {:#x}",
        u(0),
        u(8)
    );
    (0..img.n)
        .map(|i| {
            let r = OUT_HDR as usize + i * plan.out_len as usize;
            let status = u(r + OUT_STATUS as usize);
            if status >= 0x100 {
                return QemuResult::Signal {
                    sig: (status - 0x100) as u32,
                    pc: u(r),
                };
            }
            assert_eq!(status, 1, "case {i} never ran");
            let mut x = [0; 31];
            for (k, v) in x.iter_mut().enumerate() {
                *v = u(r + 8 * k);
            }
            let mut state = State {
                x,
                sp: u(r + 248),
                nzcv: u(r + 256),
                tpidr: u(r + 264),
                ..State::default()
            };
            if plan.fp {
                state.fpcr = u(r + OUT_FPCR as usize);
                state.fpsr = u(r + OUT_FPSR as usize);
                for (k, v) in state.v.iter_mut().enumerate() {
                    let a = r + OUT_V as usize + 16 * k;
                    *v = u(a) as u128 | (u(a + 8) as u128) << 64;
                }
            }
            let (d1, d3) = (
                u(r + OUT_D as usize) as i64,
                u(r + OUT_D as usize + 8) as i64,
            );
            let landing = if d3 > 0 { WINDOW + 1 - d3 } else { -(d1 + 1) };
            let mut mem = [0; SCRATCH_LEN];
            mem.copy_from_slice(&b[r + OUT_MEM as usize..r + OUT_MEM as usize + SCRATCH_LEN]);
            QemuResult::Done {
                state,
                mem,
                landing,
            }
        })
        .collect()
}
