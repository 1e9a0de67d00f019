//! Random straight-line x86_64 programs per instruction class, assembled with iced-x86's
//! encoder from every 64-bit legacy-encoded `Code` of the class's mnemonics.
//!
//! Operands: general-purpose registers other than RSP/SPL (the stack pointer stays in the
//! scratch memory), memory operands into the scratch memory (`[base + index * scale + disp]`
//! with the registers loaded by a preceding `mov`, RIP-relative, absolute `[disp32]`,
//! `[index * scale + disp32]`, 64-bit moffs), immediates biased to the edges, shift counts
//! that straddle the operand width, LOCK on a quarter of the read-modify-writes to memory.
//! Set-up instructions the generator inserts (pointer loads, a non-zero BSF/BSR source, a
//! small dividend, a known CL count, a CMP that defines flags before a reader of undefined
//! ones) are executed and compared like the rest.
//!
//! The generator tracks which status flags are undefined at each point (with the flag facts of
//! `classes.rs`), never lets an instruction read an undefined flag, and
//! records the mask of defined flags at the end and before each instruction (for a case that
//! faults part-way).

use iced_x86::{
    Code, Encoder, EncodingKind, Instruction, MemoryOperand, Mnemonic, OpCodeOperandKind as K,
    Register,
};

use super::classes::{cond_reads, effect, reads, Class, STATUS};
use super::image::{DATA_MID, SCRATCH};
use super::rng::Rng;

use Mnemonic as M;

/// A generated program.
pub struct Program {
    /// Machine code.
    pub code: Vec<u8>,
    /// (offset, defined-flags mask before it) of every instruction at the top level.
    pub marks: Vec<(u64, u64)>,
    /// Flags defined at the end.
    pub defined: u64,
    /// The forms it holds (besides set-up instructions).
    pub used: Vec<Code>,
    /// Offsets of the SSE instructions whose 16-byte memory operand must be aligned: where
    /// qemu-x86_64 (10.0, TCG) does not raise the #GP for a misaligned one (see
    /// `x86_oracle.rs`).
    pub aligned_sse: Vec<u64>,
}

/// The 64-bit legacy forms of `class`'s mnemonics whose operands the generator can make, and
/// its string instructions.
pub fn forms(class: &Class) -> Vec<Code> {
    let strings = (0..20)
        .filter(|_| class.strings)
        .filter_map(|k| string_form(k, iced_x86::RepPrefixKind::None).0.ok())
        .map(|i| i.code());
    Code::values()
        .filter(|c| class.mnemonics.contains(&c.mnemonic()))
        .filter(|c| *c != Code::Leaved)
        // TEST's undocumented F6/F7 /1 aliases: hardware runs them as TEST, QEMU raises #UD.
        .filter(|c| !format!("{c:?}").contains("r1"))
        // BSWAP r16 is undefined.
        .filter(|c| *c != Code::Bswap_r16)
        // PEXTRW r32/m16, xmm, imm8 (66 0F 3A 15) is SSE4.1: beyond the SSE2 baseline.
        .filter(|c| *c != Code::Pextrw_r32m16_xmm_imm8)
        // The MMX class: the forms with an MMX operand (and those with no other form); the
        // others: none with an MMX operand.
        .filter(|c| (class.name == "mmx") == mmx_form(*c))
        .filter(|c| {
            let oc = c.op_code();
            oc.is_instruction()
                && oc.mode64()
                && oc.encoding() == EncodingKind::Legacy
                && oc.op_kinds().iter().all(|k| supported(*k))
        })
        .chain(strings)
        .collect()
}

/// Whether `c` has an MMX operand, or is one of the MMX class's forms without one (EMMS,
/// MASKMOVDQU).
fn mmx_form(c: Code) -> bool {
    c.op_code()
        .op_kinds()
        .iter()
        .any(|k| matches!(k, K::mm_reg | K::mm_rm | K::mm_or_mem))
        || matches!(c.mnemonic(), M::Emms | M::Maskmovdqu)
}

/// A random MMX register.
fn mm(rng: &mut Rng) -> Register {
    reg_from(Register::MM0 as u32 + rng.below(8) as u32)
}

fn supported(k: K) -> bool {
    matches!(
        k,
        K::r8_or_mem
            | K::r16_or_mem
            | K::r32_or_mem
            | K::r64_or_mem
            | K::r8_reg
            | K::r8_opcode
            | K::r16_reg
            | K::r16_opcode
            | K::r32_reg
            | K::r32_opcode
            | K::r64_reg
            | K::r64_opcode
            | K::al
            | K::cl
            | K::ax
            | K::eax
            | K::rax
            | K::imm8
            | K::imm8_const_1
            | K::imm8sex16
            | K::imm8sex32
            | K::imm8sex64
            | K::imm16
            | K::imm32
            | K::imm32sex64
            | K::imm64
            | K::mem
            | K::mem_offs
            | K::xmm_reg
            | K::xmm_rm
            | K::xmm_or_mem
            | K::st0
            | K::sti_opcode
            | K::mm_reg
            | K::mm_rm
            | K::mm_or_mem
            | K::seg_rDI
    )
}

/// A random XMM register.
fn xmm(rng: &mut Rng) -> Register {
    reg_from(Register::XMM0 as u32 + rng.below(16) as u32)
}

const R64: [Register; 15] = [
    Register::RAX,
    Register::RCX,
    Register::RDX,
    Register::RBX,
    Register::RBP,
    Register::RSI,
    Register::RDI,
    Register::R8,
    Register::R9,
    Register::R10,
    Register::R11,
    Register::R12,
    Register::R13,
    Register::R14,
    Register::R15,
];

/// Register `r64` (from [`R64`]) viewed at `size` bytes; `hi` picks AH…BH for the first four.
fn view(r64: Register, size: usize, hi: bool) -> Register {
    let n = r64 as u32 - Register::RAX as u32;
    let base = match size {
        1 if hi && n < 4 => return reg_from(Register::AH as u32 + n),
        1 => {
            return reg_from(if n < 4 {
                Register::AL as u32 + n
            } else {
                Register::SPL as u32 + (n - 4)
            })
        }
        2 => Register::AX,
        4 => Register::EAX,
        _ => Register::RAX,
    };
    reg_from(base as u32 + n)
}

fn reg_from(n: u32) -> Register {
    Register::values()
        .nth(n as usize)
        .expect("a register number")
}

enum Arg {
    R(Register),
    M(MemoryOperand),
    I(i64),
}

/// Program state during generation.
pub struct Gen<'a> {
    rng: &'a mut Rng,
    enc: Encoder,
    /// Address of the program's first byte.
    base: u64,
    code: Vec<u8>,
    marks: Vec<(u64, u64)>,
    /// Flags undefined at this point.
    undef: u64,
    /// Bytes pushed below the initial stack pointer (negative: popped above it).
    depth: i64,
    used: Vec<Code>,
    aligned_sse: Vec<u64>,
}

impl<'a> Gen<'a> {
    /// A generator for a program at `base`.
    pub fn new(rng: &'a mut Rng, base: u64) -> Self {
        Gen {
            rng,
            enc: Encoder::new(64),
            base,
            code: Vec::new(),
            marks: Vec::new(),
            undef: 0,
            depth: 0,
            used: Vec::new(),
            aligned_sse: Vec::new(),
        }
    }

    fn ip(&self) -> u64 {
        self.base + self.code.len() as u64
    }

    /// Encode `ins` at the current position; false (nothing emitted) if it does not encode.
    fn emit(&mut self, ins: &Instruction) -> bool {
        let ip = self.ip();
        match self.enc.encode(ins, ip) {
            Ok(_) => {
                self.marks
                    .push((self.code.len() as u64, STATUS & !self.undef));
                self.code.extend(self.enc.take_buffer());
                true
            }
            Err(_) => {
                let _ = self.enc.take_buffer();
                false
            }
        }
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.marks
            .push((self.code.len() as u64, STATUS & !self.undef));
        self.code.extend_from_slice(bytes);
    }

    fn reg64(&mut self) -> Register {
        self.rng.pick(&R64)
    }

    fn reg(&mut self, size: usize) -> Register {
        let r = self.reg64();
        let hi = size == 1 && self.rng.chance(1, 4);
        view(r, size, hi)
    }

    /// `mov r32, imm32` (zero-extends).
    fn set32(&mut self, r64: Register, v: u32) {
        let i = Instruction::with2(Code::Mov_r32_imm32, view(r64, 4, false), v)
            .expect("mov r32, imm32");
        self.emit(&i);
    }

    /// A memory operand into the scratch data, with its pointer set-up emitted first.
    fn mem(&mut self, avoid: &[Register]) -> MemoryOperand {
        let none = Register::None;
        let target = |g: &mut Self| DATA_MID as i64 + g.rng.range(-0x80, 0x80);
        match self.rng.below(8) {
            // RIP-relative (iced takes the target and encodes it relative to the next
            // instruction at the address the generator assembles at).
            0 => return MemoryOperand::new(Register::RIP, none, 1, target(self), 8, false, none),
            // Absolute [disp32] (SIB without base or index).
            1 => return MemoryOperand::new(none, none, 1, target(self), 4, false, none),
            // [index * scale + disp32].
            2 => {
                let mut i = self.reg64();
                while avoid.contains(&i) {
                    i = self.reg64();
                }
                let v = self.rng.below(9) as u32;
                self.set32(i, v);
                let scale = self.rng.pick(&[1u32, 2, 4, 8]);
                return MemoryOperand::new(none, i, scale, target(self), 4, false, none);
            }
            _ => {}
        }
        let mut base = self.reg64();
        while avoid.contains(&base) {
            base = self.reg64();
        }
        let off = self.rng.range(-0x80, 0x80);
        self.set32(base, (DATA_MID as i64 + off) as u32);
        let (index, scale) = if self.rng.chance(1, 2) {
            let mut i = self.reg64();
            while i == base || avoid.contains(&i) {
                i = self.reg64();
            }
            let v = self.rng.below(9) as u32;
            self.set32(i, v);
            (i, self.rng.pick(&[1u32, 2, 4, 8]))
        } else {
            (Register::None, 1)
        };
        let disp = self.rng.range(-0x60, 0x60);
        let dsize = if disp == 0 && self.rng.chance(1, 2) {
            0
        } else if self.rng.chance(1, 4) {
            4
        } else {
            1
        };
        MemoryOperand::new(base, index, scale, disp, dsize, false, Register::None)
    }

    fn imm(&mut self, k: K, shift: bool) -> i64 {
        if shift {
            return self
                .rng
                .pick(&[0i64, 1, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64])
                + if self.rng.chance(1, 8) { 128 } else { 0 };
        }
        let v = self.rng.biased() as i64;
        match k {
            K::imm8 | K::imm8sex16 | K::imm8sex32 | K::imm8sex64 => v as i8 as i64,
            K::imm16 => v as i16 as i64,
            K::imm32 | K::imm32sex64 => v as i32 as i64,
            _ => v,
        }
    }

    /// Make a flag reader safe: define all flags first if it would read an undefined one.
    fn define_flags_for(&mut self, reads: u64) {
        if reads & self.undef != 0 {
            let (a, b) = (self.reg64(), self.reg64());
            let i = Instruction::with2(Code::Cmp_rm64_r64, a, b).expect("cmp");
            self.emit(&i);
            self.undef = 0;
        }
    }

    /// One random instruction of form `code`, with its set-up; false if it was not emitted.
    pub fn form(&mut self, code: Code) -> bool {
        let m = code.mnemonic();
        let kinds: Vec<K> = code.op_code().op_kinds().to_vec();
        if !kinds.iter().all(|k| supported(*k)) {
            return false; // string forms: see `string`
        }
        // Operand size: of the first operand (or of the implicit accumulator).
        let size = kinds.first().map_or(
            match m {
                M::Cbw | M::Cwd => 2,
                M::Cwde | M::Cdq => 4,
                _ if matches!(code, Code::Leavew | Code::Pushfw | Code::Popfw) => 2,
                _ => 8,
            },
            |k| kind_size(*k),
        );
        if matches!(m, M::Pop | M::Leave) && self.depth - (size as i64) < -48 {
            return false;
        }
        let shift = matches!(m, M::Shl | M::Sal | M::Shr | M::Sar | M::Rol | M::Ror);
        // SSE forms: memory operands mostly 16-byte aligned (the aligned forms fault
        // otherwise), shift counts near the lane widths.
        let vector = kinds
            .iter()
            .any(|k| matches!(k, K::xmm_reg | K::xmm_rm | K::xmm_or_mem));
        let vshift = vector
            && matches!(
                m,
                M::Psllw
                    | M::Pslld
                    | M::Psllq
                    | M::Psrlw
                    | M::Psrld
                    | M::Psrlq
                    | M::Psraw
                    | M::Psrad
                    | M::Pslldq
                    | M::Psrldq
            );
        // Registers the set-up below writes after the memory operand's pointers are loaded.
        let avoid: &[Register] = match m {
            _ if shift => &[Register::RCX],
            M::Div | M::Idiv => &[Register::RAX, Register::RDX],
            M::Cmpxchg => &[Register::RAX],
            M::Cmpxchg8b | M::Cmpxchg16b => &[Register::RAX, Register::RDX],
            _ => &[],
        };
        let mut args = Vec::new();
        let mut mem_arg = None;
        for (n, &k) in kinds.iter().enumerate() {
            let a = match k {
                K::r8_or_mem | K::r16_or_mem | K::r32_or_mem | K::r64_or_mem => {
                    if self.rng.chance(1, 2) {
                        Arg::R(self.reg(kind_size(k)))
                    } else {
                        let mo = self.mem(avoid);
                        mem_arg = Some(n);
                        Arg::M(mo)
                    }
                }
                K::xmm_reg | K::xmm_rm => Arg::R(xmm(self.rng)),
                K::mm_reg | K::mm_rm => Arg::R(mm(self.rng)),
                K::mm_or_mem if self.rng.chance(1, 2) => Arg::R(mm(self.rng)),
                // MASKMOVQ/MASKMOVDQU store through DS:RDI: into the scratch memory (the
                // interpreter's flat bus ignores stores elsewhere, where the host faults).
                K::seg_rDI => {
                    let at = DATA_MID as i64 + self.rng.range(-0x40, 0x40);
                    self.set32(Register::RDI, at as u32);
                    continue;
                }
                // ENTER: a small frame, nesting levels around 0–4 (and their aliases mod 32).
                K::imm16 if m == M::Enter => Arg::I(self.rng.pick(&[0i64, 1, 8, 16, 24, 40])),
                K::imm8 if m == M::Enter => Arg::I(self.rng.pick(&[0i64, 1, 2, 3, 4, 32, 33, 35])),
                K::xmm_or_mem if self.rng.chance(1, 2) => Arg::R(xmm(self.rng)),
                K::mem
                    if matches!(m, M::Fxsave64 | M::Fxrstor64 | M::Fxsave | M::Fxrstor)
                        && self.rng.chance(7, 8) =>
                {
                    // 16-byte aligned, the 512 bytes within the scratch memory, often at the
                    // same place for an FXRSTOR64 to find what an FXSAVE64 stored.
                    let base = self.reg64();
                    let at = SCRATCH as i64 + 16 * self.rng.pick(&[0i64, 0, 4, 8, 12]);
                    self.set32(base, at as u32);
                    mem_arg = Some(n);
                    let none = Register::None;
                    Arg::M(MemoryOperand::new(base, none, 1, 0, 0, false, none))
                }
                K::mem if x87_image(m) => {
                    // Mostly at the same few places (an FLDENV/FRSTOR finds what an
                    // FNSTENV/FNSAVE stored), within the scratch data.
                    let base = self.reg64();
                    let at = DATA_MID as i64 - 0x80 + 16 * self.rng.pick(&[0i64, 0, 2, 4]);
                    self.set32(base, at as u32);
                    mem_arg = Some(n);
                    let none = Register::None;
                    Arg::M(MemoryOperand::new(base, none, 1, 0, 0, false, none))
                }
                K::mem | K::xmm_or_mem
                    if (vector && self.rng.chance(15, 16))
                        || (matches!(m, M::Cmpxchg8b | M::Cmpxchg16b) && self.rng.chance(3, 4)) =>
                {
                    // Mostly aligned (CMPXCHG16B and the aligned SSE forms fault otherwise):
                    // [base + 16 * j].
                    let mut base = self.reg64();
                    while avoid.contains(&base) {
                        base = self.reg64();
                    }
                    let at = DATA_MID as i64 + 16 * self.rng.range(-6, 6);
                    self.set32(base, at as u32);
                    mem_arg = Some(n);
                    let disp = 16 * self.rng.range(-2, 2);
                    let none = Register::None;
                    Arg::M(MemoryOperand::new(base, none, 1, disp, 1, false, none))
                }
                K::mem | K::xmm_or_mem | K::mm_or_mem => {
                    let mo = self.mem(avoid);
                    mem_arg = Some(n);
                    Arg::M(mo)
                }
                K::mem_offs => {
                    // MOV moffs: a 64-bit absolute address.
                    let a = DATA_MID as i64 + self.rng.range(-0x80, 0x80);
                    mem_arg = Some(n);
                    let none = Register::None;
                    Arg::M(MemoryOperand::new(none, none, 1, a, 8, false, none))
                }
                K::r8_reg | K::r8_opcode => Arg::R(self.reg(1)),
                K::r16_reg | K::r16_opcode => Arg::R(self.reg(2)),
                K::r32_reg | K::r32_opcode => Arg::R(self.reg(4)),
                K::r64_reg | K::r64_opcode => Arg::R(self.reg(8)),
                K::al => Arg::R(Register::AL),
                K::cl => Arg::R(Register::CL),
                K::ax => Arg::R(Register::AX),
                K::eax => Arg::R(Register::EAX),
                K::rax => Arg::R(Register::RAX),
                K::st0 => Arg::R(Register::ST0),
                K::sti_opcode => Arg::R(reg_from(Register::ST0 as u32 + self.st_index() as u32)),
                K::imm8_const_1 => Arg::I(1),
                // CMPPS…CMPSD predicates (bits 7:3 are reserved).
                K::imm8 if matches!(m, M::Cmpps | M::Cmppd | M::Cmpss | M::Cmpsd) => {
                    Arg::I(self.rng.below(8) as i64)
                }
                K::imm8 if vshift => Arg::I(self.rng.pick(&[
                    0i64, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 127, 255,
                ])),
                k => Arg::I(self.imm(k, shift)),
            };
            args.push(a);
        }
        // Set-up the instruction needs.
        let mut count = None;
        if shift {
            count = Some(match args.get(1) {
                Some(Arg::I(v)) => *v as u64,
                _ => {
                    let c = self.imm(K::imm8, true) as u32;
                    self.set32(Register::RCX, c);
                    c as u64
                }
            });
        }
        match m {
            M::Bt | M::Bts | M::Btr | M::Btc => {
                if let (Some(0), Some(Arg::R(r)), Some(Arg::M(mo))) =
                    (mem_arg, args.get(1), args.first())
                {
                    // A bit offset that stays within the scratch memory, in a register that
                    // is not one of the address's.
                    let full = r.full_register();
                    if full == mo.base || full == mo.index {
                        return false;
                    }
                    let off = self.rng.range(-200, 200);
                    let i = Instruction::with2(Code::Mov_rm64_imm32, full, off as i32)
                        .expect("mov r64, simm32");
                    self.emit(&i);
                }
            }
            M::Bsf | M::Bsr => {
                // A non-zero source (the destination is undefined for zero).
                let bit = 1i32 << self.rng.below(7);
                let or = match size {
                    2 => Code::Or_rm16_imm8,
                    4 => Code::Or_rm32_imm8,
                    _ => Code::Or_rm64_imm8,
                };
                let i = match &args[1] {
                    Arg::R(r) => Instruction::with2(or, *r, bit),
                    Arg::M(mo) => Instruction::with2(or, *mo, bit),
                    Arg::I(_) => return false,
                };
                match i {
                    Ok(i) => {
                        self.emit(&i);
                    }
                    Err(_) => return false,
                }
            }
            M::Enter => {
                // The frame pointers ENTER copies are read below RBP: RBP near RSP, within
                // the stack; the frame fits in the stack left.
                let (Some(Arg::I(alloc)), Some(Arg::I(level))) = (args.first(), args.get(1)) else {
                    return false;
                };
                let level = level % 32;
                let bytes = size as i64 * if level > 0 { level + 1 } else { 1 } + alloc;
                if self.depth + bytes > 600 {
                    return false;
                }
                let up = 8 * self.rng.below(4) as i64;
                let mo = MemoryOperand::with_base_displ(Register::RSP, up);
                let i = Instruction::with2(Code::Lea_r64_m, Register::RBP, mo).expect("lea");
                self.emit(&i);
                self.depth += bytes;
            }
            M::Leave => {
                // mov rbp, rsp: LEAVE then pops what the stack pointer points at.
                let i = Instruction::with2(Code::Mov_r64_rm64, Register::RBP, Register::RSP)
                    .expect("mov rbp, rsp");
                self.emit(&i);
            }
            M::Cmpxchg if self.rng.chance(1, 2) => {
                // Make the comparison succeed: the accumulator gets the destination's value.
                let (mov, acc) = match size {
                    1 => (Code::Mov_r8_rm8, Register::AL),
                    2 => (Code::Mov_r16_rm16, Register::AX),
                    4 => (Code::Mov_r32_rm32, Register::EAX),
                    _ => (Code::Mov_r64_rm64, Register::RAX),
                };
                let i = match &args[0] {
                    Arg::R(r) => Instruction::with2(mov, acc, *r),
                    Arg::M(mo) => Instruction::with2(mov, acc, *mo),
                    Arg::I(_) => return false,
                };
                match i {
                    Ok(i) => {
                        self.emit(&i);
                    }
                    Err(_) => return false,
                }
            }
            M::Cmpxchg8b | M::Cmpxchg16b if self.rng.chance(1, 2) => {
                // Make the comparison succeed: (E|R)DX:(E|R)AX get the operand's halves.
                let (mov, lo, hi, half) = if m == M::Cmpxchg8b {
                    (Code::Mov_r32_rm32, Register::EAX, Register::EDX, 4)
                } else {
                    (Code::Mov_r64_rm64, Register::RAX, Register::RDX, 8)
                };
                if let Arg::M(mo) = &args[0] {
                    let mut upper = *mo;
                    upper.displacement += half;
                    for (r, op) in [(lo, *mo), (hi, upper)] {
                        match Instruction::with2(mov, r, op) {
                            Ok(i) => {
                                self.emit(&i);
                            }
                            Err(_) => return false,
                        }
                    }
                }
            }
            // 16- and 32-bit IDIV always get CWD/CDQ: qemu-x86_64 10.0 divides DX:AX and
            // EDX:EAX by the divisor in a host division of twice the width, so -2^31 / -1 and
            // -2^63 / -1 kill QEMU itself (host SIGFPE) instead of raising #DE in the guest.
            // Overflow is still reached (-2^15 / -1, -2^31 / -1).
            M::Div | M::Idiv
                if (m == M::Idiv && (size == 2 || size == 4)) || self.rng.chance(3, 4) =>
            {
                // A dividend whose quotient usually fits.
                let c = match (m, size) {
                    (M::Div, 1) => Instruction::with2(Code::Mov_rm8_imm8, Register::AH, 0),
                    (M::Div, _) => {
                        Instruction::with2(Code::Xor_r32_rm32, Register::EDX, Register::EDX)
                    }
                    (_, 1) => Ok(Instruction::with(Code::Cbw)),
                    (_, 2) => Ok(Instruction::with(Code::Cwd)),
                    (_, 4) => Ok(Instruction::with(Code::Cdq)),
                    _ => Ok(Instruction::with(Code::Cqo)),
                };
                self.emit(&c.expect("dividend set-up"));
            }
            _ => {}
        }
        self.define_flags_for(reads(m));
        if matches!(m, M::Popf | M::Popfq) {
            // POPF pops what a PUSH of an immediate just stored: the status flags, DF, and
            // the bits CPL 3 may not change (IF, IOPL) or that change nothing here (ID).
            // Never TF, AC or NT (a trap, alignment checks, a task return at the next IRET).
            let bits = 0x0020_3ed5; // ID, IOPL, OF, DF, IF, SF, ZF, AF, PF, CF
            let v = self.rng.next() & bits;
            let push = if size == 2 {
                Instruction::with1(Code::Push_imm16, v as u32 & 0xffff)
            } else {
                Instruction::with1(Code::Pushq_imm32, v as i32)
            };
            self.emit(&push.expect("push imm"));
        }
        let built = match m {
            M::Maskmovq | M::Maskmovdqu => match args.as_slice() {
                [Arg::R(a), Arg::R(b)] if m == M::Maskmovq => {
                    Instruction::with_maskmovq(64, *a, *b, Register::None).ok()
                }
                [Arg::R(a), Arg::R(b)] => {
                    Instruction::with_maskmovdqu(64, *a, *b, Register::None).ok()
                }
                _ => None,
            },
            _ => build(code, &args),
        };
        let mut ins = match built {
            Some(i) => i,
            None => return false,
        };
        if x87_mnemonic(m) {
            // Values on the stack to work on, an edge value in a memory source, sometimes
            // another precision and rounding mode.
            self.x87_setup(&ins, &args);
        }
        let lockable = matches!(
            m,
            M::Cmpxchg8b
                | M::Cmpxchg16b
                | M::Add
                | M::Adc
                | M::And
                | M::Btc
                | M::Btr
                | M::Bts
                | M::Dec
                | M::Inc
                | M::Neg
                | M::Not
                | M::Or
                | M::Sbb
                | M::Sub
                | M::Xor
                | M::Xchg
        );
        if lockable && mem_arg == Some(0) && self.rng.chance(1, 4) {
            ins.set_has_lock_prefix(true);
        }
        if !self.emit(&ins) {
            return false;
        }
        if let (M::Fxsave64 | M::Fxsave, Some(Arg::M(mo))) = (m, args.first()) {
            // FOP, FIP, FDP and MXCSR_MASK in the stored image depend on the host CPU: set
            // them to this core's values (zero pointers, MXCSR_MASK 0xFFFF). (These stores
            // run only when the FXSAVE64 did not fault.)
            for (code, d, v) in [
                (Code::Mov_rm16_imm16, 6, 0),
                (Code::Mov_rm64_imm32, 8, 0),
                (Code::Mov_rm64_imm32, 16, 0),
                (Code::Mov_rm32_imm32, 28, 0xffff),
            ] {
                let mut at = *mo;
                at.displacement += d;
                if at.base != Register::RIP && at.base != Register::None {
                    at.displ_size = 1; // the encoder widens it as needed
                }
                let i = Instruction::with2(code, at, v).expect("a store");
                self.emit(&i);
            }
        }
        if let (true, Some(Arg::M(mo))) = (
            x87_image(m) && m != M::Fldenv && m != M::Frstor,
            args.first(),
        ) {
            // FIP, FCS, FOP, FDP and FDS in a stored environment depend on the host CPU:
            // cleared (the 16-bit layout's bytes 6–13, the 32-bit one's 12–27).
            let wide = matches!(
                ins.memory_size(),
                iced_x86::MemorySize::FpuEnv28 | iced_x86::MemorySize::FpuState108
            );
            let (from, to) = if wide { (12, 28) } else { (6, 14) };
            for d in (from..to).step_by(2) {
                let mut at = *mo;
                at.displacement += d;
                at.displ_size = 1;
                let i = Instruction::with2(Code::Mov_rm16_imm16, at, 0).expect("a store");
                self.emit(&i);
            }
        }
        if vector
            && mem_arg.is_some()
            && ins.memory_size().size() == 16
            && !matches!(m, M::Movups | M::Movupd | M::Movdqu)
        {
            let at = self.marks.last().map_or(0, |(off, _)| *off);
            self.aligned_sse.push(at);
        }
        self.used.push(code);
        let (written, undefined) = effect(m, size, count);
        self.undef = (self.undef & !written) | undefined;
        match m {
            M::Push | M::Pushf | M::Pushfq => self.depth += size as i64,
            M::Pop | M::Leave => self.depth -= size as i64,
            _ => {}
        }
        true
    }

    /// One string instruction (MOVS/STOS/LODS/SCAS/CMPS, any size, REP/REPE/REPNE or none) with
    /// RSI, RDI and RCX set up to stay in the scratch data, after CLD or STD.
    pub fn string(&mut self) {
        use iced_x86::RepPrefixKind as R;
        let off = |g: &mut Self| (DATA_MID as i64 + g.rng.range(-0x80, 0x80)) as u32;
        let (si, di, n) = (off(self), off(self), self.rng.below(13) as u32);
        self.set32(Register::RSI, si);
        self.set32(Register::RDI, di);
        self.set32(Register::RCX, n);
        let dir = if self.rng.chance(1, 2) { 0xfc } else { 0xfd }; // cld, std
        self.raw(&[dir]);
        let rep = self.rng.pick(&[R::None, R::Repe, R::Repne]);
        let (i, m) = string_form(self.rng.below(20), rep);
        let i = i.expect("a string instruction");
        if self.emit(&i) {
            self.used.push(i.code());
            let compares = matches!(
                m,
                M::Scasb
                    | M::Scasw
                    | M::Scasd
                    | M::Scasq
                    | M::Cmpsb
                    | M::Cmpsw
                    | M::Cmpsd
                    | M::Cmpsq
            );
            if compares && (rep == R::None || n > 0) {
                self.undef = 0;
            }
        }
    }

    /// One control-flow gadget (Jcc over an instruction, JMP, CALL/RET, indirect JMP/CALL,
    /// LOOP/LOOPE/LOOPNE/JRCXZ, a store into the next instruction).
    pub fn gadget(&mut self, filler: &[Code]) {
        match self.rng.below(8) {
            0 | 1 => {
                // Jcc rel8 (or rel32) over one instruction, assembled where it will run.
                let cc = self.rng.below(16) as u8;
                self.define_flags_for(cond_reads(cc));
                let long = self.rng.chance(1, 2);
                let before = self.undef;
                let at = self.ip() + if long { 6 } else { 2 };
                let mut inner = Gen::new(self.rng, at);
                inner.undef = before;
                let mut code = filler[inner.rng.below(filler.len() as u64) as usize];
                while matches!(
                    code.mnemonic(),
                    M::Push | M::Pop | M::Leave | M::Pushf | M::Pushfq | M::Popf | M::Popfq
                ) {
                    // A skipped push or pop would leave the stack depth unknown.
                    code = filler[inner.rng.below(filler.len() as u64) as usize];
                }
                let ok = inner.form(code);
                let (body, after) = (inner.code, inner.undef);
                self.used.extend(inner.used);
                if !ok || (!long && body.len() >= 128) {
                    return;
                }
                if long {
                    let mut b = vec![0x0f, 0x80 | cc];
                    b.extend_from_slice(&(body.len() as i32).to_le_bytes());
                    self.raw(&b);
                } else {
                    self.raw(&[0x70 | cc, body.len() as u8]);
                }
                self.raw(&body);
                self.undef = before | after;
            }
            2 => {
                // call L; jmp M; L: ret (or ret 8); M:
                let ret8 = self.depth - 8 >= -48 && self.rng.chance(1, 3);
                self.raw(&[0xe8, 2, 0, 0, 0]);
                self.raw(&[0xeb, if ret8 { 3 } else { 1 }]);
                if ret8 {
                    self.raw(&[0xc2, 8, 0]);
                    self.depth -= 8;
                } else {
                    self.raw(&[0xc3]);
                }
            }
            3 => {
                // jmp over an ud2.
                self.raw(&[0xeb, 2, 0x0f, 0x0b]);
            }
            4 => {
                // lea r, [rip + 5]; jmp r; ud2; (land here)
                let r = self.reg64();
                let n = r as u32 - Register::RAX as u32;
                let rex_r = if n >= 8 { 0x4c } else { 0x48 };
                let jmp: Vec<u8> = if n >= 8 {
                    vec![0x41, 0xff, 0xe0 | (n as u8 & 7)]
                } else {
                    vec![0xff, 0xe0 | n as u8]
                };
                let disp = jmp.len() as i32 + 2;
                let mut lea = vec![rex_r, 0x8d, 0x05 | ((n as u8 & 7) << 3)];
                lea.extend_from_slice(&disp.to_le_bytes());
                self.raw(&lea);
                self.raw(&jmp);
                self.raw(&[0x0f, 0x0b]);
            }
            6 => {
                // mov ecx, n; L: add a, b; loop/loope/loopne L — or jrcxz over an add.
                let kind = self.rng.below(4) as u8;
                // Loops run 1–5 times (RCX = 0 would mean 2^64); JRCXZ sees 0 or not.
                let n = if kind == 3 {
                    self.rng.below(2) as u32
                } else {
                    1 + self.rng.below(5) as u32
                };
                self.set32(Register::RCX, n);
                let pick = |g: &mut Self| {
                    let mut r = g.reg64();
                    while r == Register::RCX {
                        r = g.reg64();
                    }
                    r
                };
                let (a, b) = (pick(self), pick(self));
                let add = Instruction::with2(Code::Add_rm64_r64, a, b).expect("add");
                let mut inner = Gen::new(self.rng, 0);
                inner.emit(&add);
                let body = inner.code;
                if kind == 3 {
                    // The ADD may be skipped: the undefined flags stay as they were.
                    self.raw(&[0xe3, body.len() as u8]);
                    self.raw(&body);
                } else {
                    // The body runs at least once; LOOPE/LOOPNE read the ADD's ZF.
                    self.raw(&body);
                    self.raw(&[0xe2 - kind, (-(body.len() as i32) - 2) as u8]);
                    self.undef = 0;
                }
                self.used.push(Code::Add_rm64_r64);
            }
            5 => {
                // Self-modifying code: mov byte [rip + 1], new; mov r8, old — the store
                // rewrites the next instruction's immediate, which must take effect.
                let n = self.rng.below(4) as u8;
                let (new, old) = (self.rng.next() as u8, self.rng.next() as u8);
                self.raw(&[0xc6, 0x05, 1, 0, 0, 0, new]);
                self.raw(&[0xb0 | n, old]);
            }
            _ => {
                // lea r, [rip + d]; call r; jmp +1; ret
                let r = self.reg64();
                let n = r as u32 - Register::RAX as u32;
                let rex_r = if n >= 8 { 0x4c } else { 0x48 };
                let call: Vec<u8> = if n >= 8 {
                    vec![0x41, 0xff, 0xd0 | (n as u8 & 7)]
                } else {
                    vec![0xff, 0xd0 | n as u8]
                };
                let disp = call.len() as i32 + 2;
                let mut lea = vec![rex_r, 0x8d, 0x05 | ((n as u8 & 7) << 3)];
                lea.extend_from_slice(&disp.to_le_bytes());
                self.raw(&lea);
                self.raw(&call);
                self.raw(&[0xeb, 1, 0xc3]);
            }
        }
    }

    /// The finished program.
    pub fn finish(self) -> Program {
        Program {
            code: self.code,
            marks: self.marks,
            defined: STATUS & !self.undef,
            used: self.used,
            aligned_sse: self.aligned_sse,
        }
    }
}

/// String instruction `k` (0–19: MOVS, STOS, LODS, SCAS, CMPS × B, W, D, Q) with prefix `rep`.
pub fn string_form(
    k: u64,
    rep: iced_x86::RepPrefixKind,
) -> (Result<Instruction, iced_x86::IcedError>, Mnemonic) {
    let seg = Register::None;
    match k {
        0 => (Instruction::with_movsb(64, seg, rep), M::Movsb),
        1 => (Instruction::with_movsw(64, seg, rep), M::Movsw),
        2 => (Instruction::with_movsd(64, seg, rep), M::Movsd),
        3 => (Instruction::with_movsq(64, seg, rep), M::Movsq),
        4 => (Instruction::with_stosb(64, rep), M::Stosb),
        5 => (Instruction::with_stosw(64, rep), M::Stosw),
        6 => (Instruction::with_stosd(64, rep), M::Stosd),
        7 => (Instruction::with_stosq(64, rep), M::Stosq),
        8 => (Instruction::with_lodsb(64, seg, rep), M::Lodsb),
        9 => (Instruction::with_lodsw(64, seg, rep), M::Lodsw),
        10 => (Instruction::with_lodsd(64, seg, rep), M::Lodsd),
        11 => (Instruction::with_lodsq(64, seg, rep), M::Lodsq),
        12 => (Instruction::with_scasb(64, rep), M::Scasb),
        13 => (Instruction::with_scasw(64, rep), M::Scasw),
        14 => (Instruction::with_scasd(64, rep), M::Scasd),
        15 => (Instruction::with_scasq(64, rep), M::Scasq),
        16 => (Instruction::with_cmpsb(64, seg, rep), M::Cmpsb),
        17 => (Instruction::with_cmpsw(64, seg, rep), M::Cmpsw),
        18 => (Instruction::with_cmpsd(64, seg, rep), M::Cmpsd),
        _ => (Instruction::with_cmpsq(64, seg, rep), M::Cmpsq),
    }
}

/// A random program of `class` with `n` instructions from `forms` at address `base`.
pub fn program(rng: &mut Rng, class: &Class, forms: &[Code], base: u64, n: usize) -> Program {
    let mut g = Gen::new(rng, base);
    let mut made = 0;
    let mut tries = 0;
    while made < n && tries < n * 20 {
        tries += 1;
        if class.strings && g.rng.chance(1, 2) {
            g.string();
            made += 1;
            continue;
        }
        if class.flow && g.rng.chance(1, 3) {
            g.gadget(forms);
            made += 1;
            continue;
        }
        if class.name == "mmx" && made == 0 && tries == 1 {
            g.mmx_values();
        }
        let code = forms[g.rng.below(forms.len() as u64) as usize];
        if g.form(code) {
            made += 1;
        }
        if g.code.len() > 400 {
            break;
        }
    }
    g.finish()
}

fn kind_size(k: K) -> usize {
    match k {
        K::r8_or_mem | K::r8_reg | K::r8_opcode | K::al | K::cl | K::imm8 => 1,
        K::r16_or_mem | K::r16_reg | K::r16_opcode | K::ax | K::imm16 | K::imm8sex16 => 2,
        K::r32_or_mem | K::r32_reg | K::r32_opcode | K::eax | K::imm32 | K::imm8sex32 => 4,
        _ => 8,
    }
}

fn build(code: Code, args: &[Arg]) -> Option<Instruction> {
    use Arg::*;
    let imm = |v: i64| -> Option<i32> { i32::try_from(v).ok().or(Some(v as u32 as i32)) };
    let r = match args {
        [] => Ok(Instruction::with(code)),
        [R(a)] => Instruction::with1(code, *a),
        [M(a)] => Instruction::with1(code, *a),
        [I(a)] => Instruction::with1(code, imm(*a)?),
        // ENTER imm16, imm8.
        [I(a), I(b)] => Instruction::with2(code, *a as u32, *b as u32),
        [R(a), R(b)] => Instruction::with2(code, *a, *b),
        [R(a), M(b)] => Instruction::with2(code, *a, *b),
        [M(a), R(b)] => Instruction::with2(code, *a, *b),
        [R(a), I(b)] if code == Code::Mov_r64_imm64 => Instruction::with2(code, *a, *b as u64),
        [R(a), I(b)] => Instruction::with2(code, *a, imm(*b)?),
        [M(a), I(b)] => Instruction::with2(code, *a, imm(*b)?),
        [R(a), R(b), I(c)] => Instruction::with3(code, *a, *b, imm(*c)?),
        // SHLD/SHRD r/m, r, CL.
        [R(a), R(b), R(c)] => Instruction::with3(code, *a, *b, *c),
        [M(a), R(b), R(c)] => Instruction::with3(code, *a, *b, *c),
        [R(a), M(b), I(c)] => Instruction::with3(code, *a, *b, imm(*c)?),
        _ => return None,
    };
    r.ok()
}

/// Whether `m` is an x87 instruction the generator gives x87 set-up.
fn x87_mnemonic(m: Mnemonic) -> bool {
    let name = format!("{m:?}");
    name.starts_with('F')
        && !matches!(
            m,
            M::Fxsave64 | M::Fxrstor64 | M::Fxsave | M::Fxrstor | M::Fninit | M::Fnclex
        )
}

/// Whether `m` stores or loads an x87 environment or state image (FNSTENV … FRSTOR).
fn x87_image(m: Mnemonic) -> bool {
    matches!(
        m,
        M::Fnstenv | M::Fstenv | M::Fldenv | M::Fnsave | M::Fsave | M::Frstor
    )
}

/// A packed BCD integer for FBLD: up to 18 decimal digits (no invalid nibbles: their
/// result is undefined), either sign.
fn bcd_value(rng: &mut Rng) -> u128 {
    let digits = rng.pick(&[0u64, 1, 2, 5, 10, 17, 18, 18]);
    let mut v = 0u128;
    for k in 0..digits {
        let d = if k + 1 == digits && rng.chance(1, 2) {
            9
        } else {
            rng.below(10)
        };
        v |= (d as u128) << (4 * k);
    }
    v | (rng.below(2) as u128) << 79
}

/// An edge or ordinary value of `size` bytes for an x87 memory operand: reals of 4, 8 or 10
/// bytes (zeros, denormals and pseudo-denormals, the extremes, infinities, quiet and
/// signalling NaNs, unsupported encodings, values near one), integers of 2, 4 or 8 bytes.
fn x87_value(rng: &mut Rng, size: usize, int: bool) -> u128 {
    if int {
        let bits = 8 * size as u32;
        let v = match rng.below(6) {
            0 => 0,
            1 => 1u64 << (bits - 1),
            2 => (1u64 << (bits - 1)) - 1,
            3 => rng.below(100),
            4 => rng.below(100).wrapping_neg(),
            _ => rng.next(),
        };
        return (v & (u64::MAX >> (64 - bits))) as u128;
    }
    let (ebits, man, explicit) = match size {
        4 => (8u32, 23u32, false),
        8 => (11, 52, false),
        _ => (15, 63, true),
    };
    let emax = (1u64 << ebits) - 1;
    let bias = emax >> 1;
    let frac = rng.next() & ((1u64 << man) - 1);
    let int_bit = if explicit { 1u64 << 63 } else { 0 };
    let (e, m) = match rng.below(14) {
        0 => (0, 0),
        1 => (0, frac.max(1) >> rng.below(8)), // denormal (pseudo-denormal when explicit)
        2 => (1, int_bit | frac),              // tiny normal
        3 => (emax, int_bit),                  // infinity
        4 => (emax, int_bit | 1 << (man - 1) | frac >> 1), // quiet NaN
        5 => (emax, int_bit | (frac >> 2).max(1)), // signalling NaN
        6 => (emax - 1, int_bit | frac),       // huge
        7 if explicit => (bias + rng.below(20), frac >> 1), // unnormal
        8 => (bias - 8 + rng.below(16), int_bit | (frac & !0xffff)), // few significant bits
        9 => (
            bias + rng.below(64),
            int_bit | (frac & !((1u64 << man.min(40)) - 1) << 2),
        ),
        _ => (bias - 20 + rng.below(40), int_bit | frac),
    };
    let sign = rng.below(2) as u128;
    (sign << (ebits + man + explicit as u32)) | (e as u128) << (man + explicit as u32) | m as u128
}

impl Gen<'_> {
    /// Random values in some MMX registers (`movq mm, r64` from the random registers).
    fn mmx_values(&mut self) {
        for n in 0..8 {
            if self.rng.chance(3, 4) {
                let (r, src) = (reg_from(Register::MM0 as u32 + n), self.reg64());
                let i = Instruction::with2(Code::Movq_mm_rm64, r, src).expect("movq mm, r64");
                self.emit(&i);
            }
        }
    }

    /// An ST(i) index, mostly the registers near the top.
    fn st_index(&mut self) -> u64 {
        if self.rng.chance(3, 4) {
            self.rng.below(3)
        } else {
            self.rng.below(8)
        }
    }

    /// Store `v` (`size` bytes) at `mo` with immediate stores.
    fn store_value(&mut self, mo: &MemoryOperand, v: u128, size: usize) {
        let mut parts = Vec::new();
        let mut off = 0;
        while off < size {
            let n = if size - off >= 4 { 4 } else { 2 };
            parts.push((off, n, (v >> (8 * off)) as u64));
            off += n;
        }
        for (off, n, x) in parts {
            let mut at = *mo;
            at.displacement += off as i64;
            if at.base != Register::RIP && at.base != Register::None {
                at.displ_size = 1;
            }
            let i = if n == 4 {
                Instruction::with2(Code::Mov_rm32_imm32, at, x as u32)
            } else {
                Instruction::with2(Code::Mov_rm16_imm16, at, x as u32 & 0xffff)
            };
            if let Ok(i) = i {
                self.emit(&i);
            }
        }
    }

    /// Set-up before x87 instruction `ins`: an edge value in its memory source, values pushed
    /// (real, integer or constant loads from the scratch data), another FCW (every exception
    /// masked, random precision and rounding control).
    fn x87_setup(&mut self, ins: &Instruction, args: &[Arg]) {
        use iced_x86::MemorySize as S;
        let msize = match ins.memory_size() {
            S::Float32 => Some((4, false)),
            S::Float64 => Some((8, false)),
            S::Float80 => Some((10, false)),
            S::Int16 => Some((2, true)),
            S::Int32 => Some((4, true)),
            S::Int64 => Some((8, true)),
            _ => None,
        };
        let m = ins.mnemonic();
        if let (M::Fldcw, Some(Arg::M(mo))) = (m, args.first()) {
            // Every exception masked (an unmasked pending one would raise #MF).
            let cw = 0x3f | (self.rng.below(4) as u32) << 8 | (self.rng.below(4) as u32) << 10;
            self.store_value(mo, cw as u128, 2);
        }
        if let (M::Fldenv | M::Frstor, Some(Arg::M(mo))) = (m, args.first()) {
            // The loaded control word masks every exception (as for FLDCW above).
            let cw = 0x3f | (self.rng.below(4) as u32) << 8 | (self.rng.below(4) as u32) << 10;
            self.store_value(mo, cw as u128, 2);
        }
        if let (M::Fbld, Some(Arg::M(mo))) = (m, args.first()) {
            let v = bcd_value(self.rng);
            self.store_value(mo, v, 10);
        }
        if self.code.len() > 300 {
            self.x87_special_push(m);
            return; // the program must fit its case's code (with what follows)
        }
        let stores = matches!(
            m,
            M::Fst | M::Fstp | M::Fist | M::Fistp | M::Fnstcw | M::Fnstsw | M::Fbstp
        );
        if let (Some((size, int)), Some(Arg::M(mo))) = (msize, args.first()) {
            if !stores && self.rng.chance(3, 4) {
                let v = x87_value(self.rng, size, int);
                self.store_value(mo, v, size);
            }
        }
        if self.rng.chance(1, 6) {
            let none = Register::None;
            let at = MemoryOperand::new(none, none, 1, DATA_MID as i64 - 0xa0, 4, false, none);
            let cw = 0x3f | (self.rng.below(4) as u32) << 8 | (self.rng.below(4) as u32) << 10;
            self.store_value(&at, cw as u128, 2);
            if let Ok(i) = Instruction::with1(Code::Fldcw_m2byte, at) {
                self.emit(&i);
            }
        }
        let pushes = if self.code.len() > 200 {
            0
        } else {
            self.rng.below(3)
        };
        for _ in 0..pushes {
            let none = Register::None;
            let at = MemoryOperand::new(
                none,
                none,
                1,
                DATA_MID as i64 - 0xc0 + 16 * self.rng.below(2) as i64,
                4,
                false,
                none,
            );
            let (code, size, int) = match self.rng.below(8) {
                0 => (Code::Fld_m32fp, 4, false),
                1 => (Code::Fld_m64fp, 8, false),
                2 | 3 => (Code::Fld_m80fp, 10, false),
                4 => (Code::Fild_m32int, 4, true),
                5 => (Code::Fild_m64int, 8, true),
                6 => {
                    let c = self.rng.pick(&[
                        Code::Fld1,
                        Code::Fldz,
                        Code::Fldpi,
                        Code::Fldl2e,
                        Code::Fldl2t,
                        Code::Fldlg2,
                        Code::Fldln2,
                    ]);
                    self.emit(&Instruction::with(c));
                    continue;
                }
                _ => (Code::Fld_m80fp, 10, false),
            };
            let v = x87_value(self.rng, size, int);
            self.store_value(&at, v, size);
            if let Ok(i) = Instruction::with1(code, at) {
                self.emit(&i);
            }
        }
        self.x87_special_push(m);
    }

    /// Before a transcendental instruction: push an operand whose result the architecture
    /// defines exactly (see [`x87_special`]), so that the host's result can be compared bit
    /// for bit; finite operands are compared within a tolerance by `x86_f80_host.rs`.
    /// Also, before these and FSCALE, FXTRACT, FPREM, FPREM1, FBSTP: sometimes free ST(0) or
    /// ST(1) (stack underflow).
    fn x87_special_push(&mut self, m: Mnemonic) {
        if x87_transcendental(m) {
            let none = Register::None;
            let at = MemoryOperand::new(none, none, 1, DATA_MID as i64 - 0xe0, 4, false, none);
            let v = x87_special(self.rng, m);
            self.store_value(&at, v, 10);
            if let Ok(i) = Instruction::with1(Code::Fld_m80fp, at) {
                self.emit(&i);
            }
        }
        let exact = matches!(m, M::Fscale | M::Fxtract | M::Fprem | M::Fprem1 | M::Fbstp);
        if (exact || x87_transcendental(m)) && self.rng.chance(1, 8) {
            let r = reg_from(Register::ST0 as u32 + self.rng.below(2) as u32);
            if let Ok(i) = Instruction::with1(Code::Ffree_sti, r) {
                self.emit(&i);
            }
        }
    }
}

/// F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN, FCOS, FSINCOS, FPTAN.
fn x87_transcendental(m: Mnemonic) -> bool {
    matches!(
        m,
        M::F2xm1 | M::Fyl2x | M::Fyl2xp1 | M::Fpatan | M::Fsin | M::Fcos | M::Fsincos | M::Fptan
    )
}

/// An extended ST(0) operand of transcendental `m` with an exactly defined result: zeros,
/// infinities, NaNs, unsupported encodings; for the trigonometric forms |x| ≥ 2^63 (C2 set);
/// for F2XM1 |x| > 1 (left as it is, as the host CPU does); for FYL2X 1.0 and negative
/// values; for FYL2XP1 values ≤ −1 (the result is x, as the host CPU does). (Not
/// FYL2XP1's infinities: outside its defined range.)
fn x87_special(rng: &mut Rng, m: Mnemonic) -> u128 {
    let sign = (rng.below(2) as u128) << 79;
    let frac = rng.next() & !(1 << 63);
    let big = |e: u64, mant: u64| (e as u128) << 64 | mant as u128;
    let v = match rng.below(9) {
        0 | 1 => 0,
        2 if m != M::Fyl2xp1 => big(0x7fff, 1 << 63), // infinity
        3 => big(0x7fff, 3 << 62 | frac >> 2),        // quiet NaN
        4 => big(0x7fff, 1 << 63 | (frac >> 2).max(1)), // signalling NaN
        5 => big(0x3fff + rng.below(20), frac >> 1),  // unnormal
        6 if matches!(m, M::Fsin | M::Fcos | M::Fsincos | M::Fptan) => {
            big(0x403e + rng.below(0x3fc0), 1 << 63 | frac) // |x| ≥ 2^63
        }
        6 if m == M::F2xm1 => big(0x3fff + rng.below(100), 1 << 63 | frac.max(1)), // > 1
        6 if m == M::Fyl2x => return big(0x3fff, 1 << 63),                         // +1.0
        7 if matches!(m, M::Fyl2x | M::Fyl2xp1) => {
            // Negative (FYL2XP1: at most −1).
            return 1 << 79 | big(0x3fff + rng.below(9), 1 << 63 | frac);
        }
        8 => big(0x7fff, frac.max(1) >> 1), // pseudo-NaN
        _ => 0,
    };
    v | sign
}
