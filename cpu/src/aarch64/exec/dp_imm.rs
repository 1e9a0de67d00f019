//! Data processing – immediate (DDI 0487 C4.1.86): add/sub, logical, move wide, bitfield,
//! extract, PC-relative addressing. Shapes precompute every immediate (offsets, DecodeBitMasks
//! masks, the bitfield shifts), so handlers are straight-line.

use super::{add_with_flags, logic_flags, sub_with_flags};
use crate::aarch64::block::Env;
use crate::aarch64::state::{Cpu, Flow, Ops};

/// ADR: Rd = PC + offset.
pub fn adr(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cpu.w(o.rd, cpu.pc.wrapping_add(o.imm));
    Flow::Next
}

/// ADRP: Rd = PC with bits 11:0 cleared + offset (a multiple of 4 KiB).
pub fn adrp(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cpu.w(o.rd, (cpu.pc & !0xfff).wrapping_add(o.imm));
    Flow::Next
}

/// ADD (immediate).
pub fn add_i<const X: bool>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let v = cpu.r(o.rn).wrapping_add(o.imm);
    cpu.w_x::<X>(o.rd, v, o.sf);
    Flow::Next
}

/// SUB (immediate).
pub fn sub_i<const X: bool>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let v = cpu.r(o.rn).wrapping_sub(o.imm);
    cpu.w_x::<X>(o.rd, v, o.sf);
    Flow::Next
}

/// ADDS (immediate), CMN (immediate); `X` as for [`Cpu::w_x`].
pub fn adds_i<const X: bool>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (v, f) = add_with_flags(cpu.r(o.rn), o.imm, X || o.sf);
    cpu.flags = f;
    cpu.w(o.rd, v);
    Flow::Next
}

/// SUBS (immediate), CMP (immediate); `X` as for [`Cpu::w_x`].
pub fn subs_i<const X: bool>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (v, f) = sub_with_flags(cpu.r(o.rn), o.imm, X || o.sf);
    cpu.flags = f;
    cpu.w(o.rd, v);
    Flow::Next
}

/// AND (immediate).
pub fn and_i<const X: bool>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let v = cpu.r(o.rn) & o.imm;
    cpu.w_x::<X>(o.rd, v, o.sf);
    Flow::Next
}

/// ORR (immediate), MOV (bitmask immediate).
pub fn orr_i<const X: bool>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let v = cpu.r(o.rn) | o.imm;
    cpu.w_x::<X>(o.rd, v, o.sf);
    Flow::Next
}

/// EOR (immediate).
pub fn eor_i(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let v = cpu.r(o.rn) ^ o.imm;
    cpu.w_sf(o.rd, v, o.sf);
    Flow::Next
}

/// ANDS (immediate), TST (immediate).
pub fn ands_i(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    // The immediate has no bits above the operation size, so neither has the result.
    let v = cpu.r(o.rn) & o.imm;
    cpu.flags = logic_flags(v, o.sf);
    cpu.w(o.rd, v);
    Flow::Next
}

/// MOVZ and MOVN: the shape computed the value.
pub fn mov_wide(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cpu.w(o.rd, o.imm);
    Flow::Next
}

/// MOVK: replace one halfword of Rd.
pub fn movk(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let v = (cpu.r(o.ra) & !(0xffffu64 << o.shift)) | o.imm;
    cpu.w_sf(o.rd, v, o.sf);
    Flow::Next
}

/// Kinds of BFM and UBFM (`Ops::op2`, see `shapes::bitfield`): the variant of [`ubfm`] and
/// [`bfm`] that runs an encoding. BFM has only the first two.
pub mod bf {
    /// S ≥ R (UBFX, LSR of a W register, BFXIL): bits S:R of Rn to the bottom.
    pub const EXTRACT: u8 = 0;
    /// S < R (UBFIZ, LSL of a W register, BFI): bits S:0 of Rn up to M−R.
    pub const INSERT: u8 = 1;
    /// UBFM with R = 0 (UXTB, UXTH, UBFX #0): the low S+1 bits of Rn.
    pub const LOW: u8 = 2;
    /// UBFM of an X register with S = 63: LSR (immediate).
    pub const LSR_X: u8 = 3;
    /// UBFM of an X register with S + 1 = R: LSL (immediate).
    pub const LSL_X: u8 = 4;
}

/// Kinds of SBFM (`Ops::op2`, see `shapes::bitfield`): the variant of [`sbfm`] that runs an
/// encoding.
pub mod sbf {
    /// Any encoding (SBFX, SBFIZ, ASR of a W register).
    pub const FIELD: u8 = 0;
    /// SBFM of an X register with S = 63: ASR (immediate).
    pub const ASR_X: u8 = 1;
    /// R = 0, S = 7: SXTB.
    pub const SXTB: u8 = 2;
    /// R = 0, S = 15: SXTH.
    pub const SXTH: u8 = 3;
    /// R = 0, S = 31: SXTW (and, for a W register, a plain copy).
    pub const SXTW: u8 = 4;
}

/// The pick of the bitfield lines: their kind ([`bf`], [`sbf`]).
pub fn bitfield_kind(o: &Ops) -> usize {
    o.op2 as usize
}

/// The field UBFM extracts, ROR(Rn, R) AND wmask AND tmask, by kind `K` ([`bf`]); no bit at or
/// above the operation size is set.
#[inline(always)]
fn ubfm_field<const K: u8>(cpu: &Cpu, o: &Ops) -> u64 {
    let n = cpu.r(o.rn);
    match K {
        bf::EXTRACT => (n >> o.op) & o.imm,
        bf::INSERT => (n << o.shift) & o.imm,
        bf::LOW => n & o.imm,
        bf::LSR_X => n >> o.op,
        _ => n << o.shift,
    }
}

/// UBFM: LSL, LSR, UBFX, UBFIZ, UXTB, UXTH (immediate), kind `K` ([`bf`]).
pub fn ubfm<const K: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cpu.w(o.rd, ubfm_field::<K>(cpu, o));
    Flow::Next
}

/// SBFM: ASR, SBFX, SBFIZ, SXTB, SXTH, SXTW (immediate), kind `K` ([`sbf`]). The arithmetic
/// shift replicates bit S into the bits outside tmask.
pub fn sbfm<const K: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let n = cpu.r(o.rn);
    let v = match K {
        sbf::FIELD => ((((n << o.shift) as i64) >> o.op) as u64) & o.imm,
        sbf::ASR_X => ((n as i64) >> o.op) as u64,
        sbf::SXTB => (n as i8 as u64) & o.imm,
        sbf::SXTH => (n as i16 as u64) & o.imm,
        _ => (n as i32 as u64) & o.imm,
    };
    cpu.w(o.rd, v);
    Flow::Next
}

/// BFM: BFI, BFXIL, kind `K` ([`bf::EXTRACT`] or [`bf::INSERT`]). Bits of Rd outside wmask AND
/// tmask are kept.
pub fn bfm<const K: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let v = (cpu.r(o.ra) & !o.imm) | ubfm_field::<K>(cpu, o);
    cpu.w_sf(o.rd, v, o.sf);
    Flow::Next
}

/// EXTR (and ROR immediate): bits lsb+datasize-1:lsb of Rn:Rm.
pub fn extr(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (n, m) = (cpu.r(o.rn), cpu.r(o.rm));
    let v = if o.sf {
        ((((n as u128) << 64) | m as u128) >> o.shift) as u64
    } else {
        ((n << 32) | (m & 0xffff_ffff)) >> o.shift
    };
    cpu.w_sf(o.rd, v, o.sf);
    Flow::Next
}

#[cfg(test)]
mod tests {
    use super::super::{check_vectors, exec_one, run_one};
    use crate::aarch64::decode::decode;
    use crate::aarch64::state::{Cpu, REG_SP};
    use std::collections::{HashMap, HashSet};

    /// Results of qemu-aarch64 (user mode, `-cpu cortex-a57`) running each instruction with the
    /// given X0–X3 and NZCV: `word x0 x1 x2 x3 nzcv -> x0 nzcv # instruction`.
    const QEMU_VECTORS: &str = "
d2f7dde0 1111111111111111 0 0 0 0 -> beef000000000000 0 # movz x0, #0xbeef, lsl #48
92a24680 1111111111111111 0 0 0 0 -> ffffffffedcbffff 0 # movn x0, #0x1234, lsl #16
12a24680 1111111111111111 0 0 0 0 -> edcbffff 0 # movn w0, #0x1234, lsl #16
129fffe0 1111111111111111 0 0 0 0 -> ffff0000 0 # movn w0, #0xffff
f2d95fc0 123456789abcdef 0 0 0 0 -> 123cafe89abcdef 0 # movk x0, #0xcafe, lsl #32
72b95fc0 123456789abcdef 0 0 0 0 -> cafecdef 0 # movk w0, #0xcafe, lsl #16
b200f3e0 1111111111111111 0 0 0 0 -> 5555555555555555 0 # orr x0, xzr, #0x5555555555555555
12089c20 1111111111111111 ffffffffffffffff 0 0 0 -> ff00ff00 0 # and w0, w1, #0xff00ff00
d2410020 1111111111111111 ffffffffffffffff 0 0 0 -> 7fffffffffffffff 0 # eor x0, x1, #0x8000000000000000
f2410020 1111111111111111 ffffffffffffffff 0 0 0 -> 8000000000000000 80000000 # ands x0, x1, #0x8000000000000000
72000020 1111111111111111 fffffffe 0 0 0 -> 0 40000000 # ands w0, w1, #0x1
321f7420 1111111111111111 8000000000000001 0 0 0 -> 7fffffff 0 # orr w0, w1, #0x7ffffffe
d340fc20 1111111111111111 8123456789abcdef 0 0 0 -> 8123456789abcdef 0 # ubfm x0, x1, #0, #63
9340fc20 1111111111111111 8123456789abcdef 0 0 0 -> 8123456789abcdef 0 # sbfm x0, x1, #0, #63
b340fc20 f0f0f0f0f0f0f0f 8123456789abcdef 0 0 0 -> 8123456789abcdef 0 # bfm x0, x1, #0, #63
d37ff820 1111111111111111 8123456789abcdef 0 0 0 -> 2468acf13579bde 0 # ubfm x0, x1, #63, #62
937ff820 1111111111111111 8123456789abcdef 0 0 0 -> 2468acf13579bde 0 # sbfm x0, x1, #63, #62
b37ff820 f0f0f0f0f0f0f0f 8123456789abcdef 0 0 0 -> 2468acf13579bdf 0 # bfm x0, x1, #63, #62
d341fc20 1111111111111111 8123456789abcdef 0 0 0 -> 4091a2b3c4d5e6f7 0 # ubfm x0, x1, #1, #63
9341fc20 1111111111111111 8123456789abcdef 0 0 0 -> c091a2b3c4d5e6f7 0 # sbfm x0, x1, #1, #63
b341fc20 f0f0f0f0f0f0f0f 8123456789abcdef 0 0 0 -> 4091a2b3c4d5e6f7 0 # bfm x0, x1, #1, #63
d37ffc20 1111111111111111 8123456789abcdef 0 0 0 -> 1 0 # ubfm x0, x1, #63, #63
937ffc20 1111111111111111 8123456789abcdef 0 0 0 -> ffffffffffffffff 0 # sbfm x0, x1, #63, #63
b37ffc20 f0f0f0f0f0f0f0f 8123456789abcdef 0 0 0 -> f0f0f0f0f0f0f0f 0 # bfm x0, x1, #63, #63
d3400020 1111111111111111 8123456789abcdef 0 0 0 -> 1 0 # ubfm x0, x1, #0, #0
93400020 1111111111111111 8123456789abcdef 0 0 0 -> ffffffffffffffff 0 # sbfm x0, x1, #0, #0
b3400020 f0f0f0f0f0f0f0f 8123456789abcdef 0 0 0 -> f0f0f0f0f0f0f0f 0 # bfm x0, x1, #0, #0
d3607c20 1111111111111111 8123456789abcdef 0 0 0 -> 89abcdef00000000 0 # ubfm x0, x1, #32, #31
93607c20 1111111111111111 8123456789abcdef 0 0 0 -> 89abcdef00000000 0 # sbfm x0, x1, #32, #31
b3607c20 f0f0f0f0f0f0f0f 8123456789abcdef 0 0 0 -> 89abcdef0f0f0f0f 0 # bfm x0, x1, #32, #31
d3483c20 1111111111111111 8123456789abcdef 0 0 0 -> cd 0 # ubfm x0, x1, #8, #15
93483c20 1111111111111111 8123456789abcdef 0 0 0 -> ffffffffffffffcd 0 # sbfm x0, x1, #8, #15
b3483c20 f0f0f0f0f0f0f0f 8123456789abcdef 0 0 0 -> f0f0f0f0f0f0fcd 0 # bfm x0, x1, #8, #15
53007c20 1111111111111111 ffffffff89abcdef 0 0 0 -> 89abcdef 0 # ubfm w0, w1, #0, #31
13007c20 1111111111111111 ffffffff89abcdef 0 0 0 -> 89abcdef 0 # sbfm w0, w1, #0, #31
33007c20 f0f0f0f00f0f0f0f ffffffff89abcdef 0 0 0 -> 89abcdef 0 # bfm w0, w1, #0, #31
531f7820 1111111111111111 ffffffff89abcdef 0 0 0 -> 13579bde 0 # ubfm w0, w1, #31, #30
131f7820 1111111111111111 ffffffff89abcdef 0 0 0 -> 13579bde 0 # sbfm w0, w1, #31, #30
331f7820 f0f0f0f00f0f0f0f ffffffff89abcdef 0 0 0 -> 13579bdf 0 # bfm w0, w1, #31, #30
53017c20 1111111111111111 ffffffff89abcdef 0 0 0 -> 44d5e6f7 0 # ubfm w0, w1, #1, #31
13017c20 1111111111111111 ffffffff89abcdef 0 0 0 -> c4d5e6f7 0 # sbfm w0, w1, #1, #31
33017c20 f0f0f0f00f0f0f0f ffffffff89abcdef 0 0 0 -> 44d5e6f7 0 # bfm w0, w1, #1, #31
531f7c20 1111111111111111 ffffffff89abcdef 0 0 0 -> 1 0 # ubfm w0, w1, #31, #31
131f7c20 1111111111111111 ffffffff89abcdef 0 0 0 -> ffffffff 0 # sbfm w0, w1, #31, #31
331f7c20 f0f0f0f00f0f0f0f ffffffff89abcdef 0 0 0 -> f0f0f0f 0 # bfm w0, w1, #31, #31
53001c20 1111111111111111 ffffffff89abcdef 0 0 0 -> ef 0 # ubfm w0, w1, #0, #7
13001c20 1111111111111111 ffffffff89abcdef 0 0 0 -> ffffffef 0 # sbfm w0, w1, #0, #7
33001c20 f0f0f0f00f0f0f0f ffffffff89abcdef 0 0 0 -> f0f0fef 0 # bfm w0, w1, #0, #7
53103c20 1111111111111111 ffffffff89abcdef 0 0 0 -> cdef0000 0 # ubfm w0, w1, #16, #15
13103c20 1111111111111111 ffffffff89abcdef 0 0 0 -> cdef0000 0 # sbfm w0, w1, #16, #15
33103c20 f0f0f0f00f0f0f0f ffffffff89abcdef 0 0 0 -> cdef0f0f 0 # bfm w0, w1, #16, #15
53181c20 1111111111111111 ffffffff89abcdef 0 0 0 -> ef00 0 # ubfm w0, w1, #24, #7
13181c20 1111111111111111 ffffffff89abcdef 0 0 0 -> ffffef00 0 # sbfm w0, w1, #24, #7
33181c20 f0f0f0f00f0f0f0f ffffffff89abcdef 0 0 0 -> f0fef0f 0 # bfm w0, w1, #24, #7
93407c20 1111111111111111 80000000 0 0 0 -> ffffffff80000000 0 # sxtw x0, w1
53003c20 1111111111111111 12345678 0 0 0 -> 5678 0 # uxth w0, w1
93c20020 1111111111111111 123456789abcdef fedcba9876543210 0 0 -> fedcba9876543210 0 # extr x0, x1, x2, #0
93c20420 1111111111111111 123456789abcdef fedcba9876543210 0 0 -> ff6e5d4c3b2a1908 0 # extr x0, x1, x2, #1
93c27c20 1111111111111111 123456789abcdef fedcba9876543210 0 0 -> 13579bdffdb97530 0 # extr x0, x1, x2, #31
93c2fc20 1111111111111111 123456789abcdef fedcba9876543210 0 0 -> 2468acf13579bdf 0 # extr x0, x1, x2, #63
13820020 1111111111111111 123456789abcdef fedcba9876543210 0 0 -> 76543210 0 # extr w0, w1, w2, #0
13820420 1111111111111111 123456789abcdef fedcba9876543210 0 0 -> bb2a1908 0 # extr w0, w1, w2, #1
13827c20 1111111111111111 123456789abcdef fedcba9876543210 0 0 -> 13579bde 0 # extr w0, w1, w2, #31
";

    #[test]
    fn qemu_vectors() {
        check_vectors(QEMU_VECTORS);
    }

    /// ADR adds the offset to the instruction's address; ADRP to its 4 KiB page.
    #[test]
    fn adr_and_adrp_are_pc_relative() {
        use crate::aarch64::{flat::FlatBus, BlockCache, Exit};
        let base = 0x4000_0000;
        let pc = base + 0x7f4;
        let mut bus = FlatBus::new(base, 0x2000);
        bus.load_words(
            pc,
            &[
                0x1000_0020, // adr x0, .+4
                0x70ff_ffe1, // adr x1, .-1 (immlo = 3, immhi = all ones)
                0x9000_0022, // adrp x2, .+0x4000
                0xf0ff_ffe3, // adrp x3, .-0x1000 (immlo = 3, immhi = all ones)
                0xb000_001f, // adrp xzr, .+0x1000: writes nothing
                0xd400_0002,
            ],
        );
        let mut cpu = Cpu::new(1);
        cpu.pc = pc;
        assert_eq!(cpu.run(&mut BlockCache::new(), &mut bus, 6), Exit::Hvc(0));
        assert_eq!(cpu.x[0], pc + 4);
        assert_eq!(cpu.x[1], pc + 4 - 1);
        assert_eq!(cpu.x[2], base + 0x4000);
        assert_eq!(cpu.x[3], base - 0x1000);
        assert_eq!(cpu.x[REG_SP as usize], 0);
    }

    /// Every logical immediate: the valid ones are exactly "a run of 1 to e-1 ones rotated right
    /// within an element of e = 2..64 bits, replicated", encoded as N:imms giving e and the run
    /// length, immr the rotation (taken modulo e); everything else is UNDEFINED. The counts of
    /// distinct values are the well-known 5334 (64-bit) and 1302 (32-bit).
    #[test]
    fn logical_immediates_are_exactly_the_bitmask_set() {
        let mut elements = HashMap::new(); // (N, imms) -> element size
        let mut value = HashMap::new(); // (N, imms, rotation) -> element pattern
        for log_e in 1..=6u32 {
            let e = 1u32 << log_e;
            for run in 1..e {
                let n = e == 64;
                let imms = (!(2 * e - 1) & 0x3f) | (run - 1);
                elements.insert((n, imms), e);
                for rot in 0..e {
                    let ones = (1u128 << run) - 1;
                    let emask = (1u128 << e) - 1;
                    let elem = ((ones >> rot) | (ones << (e - rot))) & emask;
                    value.insert((n, imms, rot), elem as u64);
                }
            }
        }
        for sf in [false, true] {
            let m = if sf { 64 } else { 32 };
            let mut distinct = HashSet::new();
            for n in [false, true] {
                for immr in 0..64u32 {
                    for imms in 0..64u32 {
                        // and x0/w0, x1/w1, #imm
                        let w = (sf as u32) << 31
                            | 0x1200_0000
                            | (n as u32) << 22
                            | immr << 16
                            | imms << 10
                            | 1 << 5;
                        let d = decode(w);
                        let expect = elements.get(&(n, imms)).filter(|&&e| e <= m).map(|&e| {
                            let elem = value[&(n, imms, immr % e)];
                            (0..m).step_by(e as usize).fold(0u64, |v, i| v | elem << i)
                        });
                        let got = d.pattern.map(|p| (p.name, d.insn.ops.imm));
                        let line = if sf { "AND_i_x" } else { "AND_i" };
                        assert_eq!(got, expect.map(|v| (line, v)), "{w:#010x}");
                        distinct.extend(expect);
                    }
                }
            }
            assert_eq!(distinct.len(), if sf { 5334 } else { 1302 });
        }
    }

    /// Bit `i` of `v`.
    fn bit(v: u64, i: u32) -> u64 {
        (v >> i) & 1
    }

    /// SBFM/BFM/UBFM by the definitions of their aliases (SBFX/BFXIL/UBFX for imms ≥ immr: bits
    /// imms:immr of Rn to the bottom; SBFIZ/BFI/UBFIZ otherwise: bits imms:0 of Rn to bit
    /// datasize − immr), bit by bit: above the field, the field's top bit (SBFM), Rd (BFM) or
    /// zero (UBFM); below it, Rd (BFM) or zero. Every immr/imms, both sizes, against the handlers.
    #[test]
    fn bitfield_moves_match_the_alias_definitions() {
        let inputs = [
            (0x0f0f_0f0f_0f0f_0f0fu64, 0x8123_4567_89ab_cdefu64),
            (0xffff_ffff_ffff_ffff, 0x7edc_ba98_7654_3210),
        ];
        let mut cpu = Cpu::new(1);
        for sf in [false, true] {
            let m = if sf { 64 } else { 32 };
            for (opc, kind) in [(0u32, "SBFM"), (1, "BFM"), (2, "UBFM")] {
                for immr in 0..m {
                    for imms in 0..m {
                        // <op> x0/w0, x1/w1, #immr, #imms
                        let w = (sf as u32) << 31
                            | opc << 29
                            | 0x1300_0000
                            | (sf as u32) << 22
                            | immr << 16
                            | imms << 10
                            | 1 << 5;
                        assert_eq!(decode(w).pattern.map(|p| p.name), Some(kind));
                        for (dst, src) in inputs {
                            let (lo, width, from) = if imms >= immr {
                                (0, imms - immr + 1, immr)
                            } else {
                                (m - immr, imms + 1, 0)
                            };
                            let mut expect = 0u64;
                            for i in 0..m {
                                let b = if i < lo {
                                    if kind == "BFM" {
                                        bit(dst, i)
                                    } else {
                                        0
                                    }
                                } else if i < lo + width {
                                    bit(src, from + i - lo)
                                } else {
                                    match kind {
                                        "SBFM" => bit(src, imms),
                                        "BFM" => bit(dst, i),
                                        _ => 0,
                                    }
                                };
                                expect |= b << i;
                            }
                            cpu.x[0] = dst;
                            cpu.x[1] = src;
                            exec_one(&mut cpu, w);
                            assert_eq!(cpu.x[0], expect, "{kind} sf={sf} immr={immr} imms={imms}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn reserved_encodings_are_undefined() {
        for w in [
            0x1240_0020u32, // and w0, w1 with N = 1
            0x9240_fc20,    // and x0: N = 1, imms = 111111 (all-ones element)
            0x1200_7c20,    // and w0: imms = 011111
            0x1200_fc20,    // and w0: imms = 111111 (no element size)
            0x52c0_0000,    // movz w0, hw = 2
            0x12e0_0000,    // movn w0, hw = 3
            0x9300_0000,    // sbfm x0 with N = 0
            0x1340_0000,    // sbfm w0 with N = 1
            0x1320_0000,    // sbfm w0 with immr = 32
            0x1300_8000,    // sbfm w0 with imms = 32
            0x7300_0000,    // bitfield opc = 11
            0x13c0_0000,    // extr w0 with N = 1
            0x1380_8000,    // extr w0 with imms = 32
            0x93e0_0000,    // extr x0 with o0 = 1
            0xf3c0_0000,    // extr-shaped with op21 = 11
            0x3280_0000,    // move wide opc = 01
        ] {
            assert_eq!(decode(w).pattern.map(|p| p.name), None, "{w:#010x}");
        }
    }

    /// Logical immediates write SP through Rd except the flag-setting ANDS (TST).
    #[test]
    fn logical_immediate_stack_pointer_forms() {
        // and sp, x1, #0xfffffffffffffff0
        let cpu = run_one(0x927c_ec3f, [0, 0x1234_5677, 0, 0], 0);
        assert_eq!(cpu.x[REG_SP as usize], 0x1234_5670);
        // tst x1, #0x8000000000000000 (ands xzr, ...): N set, SP untouched
        let cpu = run_one(0xf241_003f, [0, 1 << 63, 0, 0], 0);
        assert_eq!((cpu.x[REG_SP as usize], cpu.nzcv()), (0, super::super::N));
    }
}
