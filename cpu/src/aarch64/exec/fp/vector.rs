//! Element-wise FP engines shared by scalar FP (C7.2 FADD (scalar)…), AdvSIMD scalar and
//! AdvSIMD vector encodings (DDI 0487 C7.2; the "three same", "two-register miscellaneous",
//! "by element", "pairwise", "across lanes" and "shift by immediate" classes of C4.1.95).
//!
//! Each engine is one handler generic over the operation (`OP`, constants in [`op`] and
//! [`un_op`]); the element format, lane count and result width come from the operands.

use super::super::super::block::Env;
use super::super::super::state::{Cpu, Flow, Ops};
use super::super::fp_guard;
use super::core::{urecpe, ursqrte, Fmt, Fp};
use super::{lane, write};

/// Binary operations of [`bin`], [`bin_elem`], [`pairwise`] and [`across`].
pub mod op {
    /// FPAdd.
    pub const ADD: u8 = 0;
    /// FPSub.
    pub const SUB: u8 = 1;
    /// FPMul.
    pub const MUL: u8 = 2;
    /// FPDiv.
    pub const DIV: u8 = 3;
    /// FPMax.
    pub const MAX: u8 = 4;
    /// FPMin.
    pub const MIN: u8 = 5;
    /// FPMaxNum.
    pub const MAXNM: u8 = 6;
    /// FPMinNum.
    pub const MINNM: u8 = 7;
    /// FPNeg(FPMul).
    pub const NMUL: u8 = 8;
    /// FPAbs(FPSub).
    pub const ABD: u8 = 9;
    /// FPMulX.
    pub const MULX: u8 = 10;
    /// FPRecipStepFused.
    pub const RECPS: u8 = 11;
    /// FPRSqrtStepFused.
    pub const RSQRTS: u8 = 12;
    /// FPCompareEQ, as a lane mask.
    pub const CMEQ: u8 = 13;
    /// FPCompareGE.
    pub const CMGE: u8 = 14;
    /// FPCompareGT.
    pub const CMGT: u8 = 15;
    /// FPCompareGE of the absolute values.
    pub const ACGE: u8 = 16;
    /// FPCompareGT of the absolute values.
    pub const ACGT: u8 = 17;
    /// FPMulAdd(d, n, m).
    pub const MLA: u8 = 18;
    /// FPMulAdd(d, FPNeg(n), m).
    pub const MLS: u8 = 19;
}

/// Unary operations of [`un`].
pub mod un_op {
    /// Copy (FMOV register).
    pub const MOV: u8 = 0;
    /// FPAbs.
    pub const ABS: u8 = 1;
    /// FPNeg.
    pub const NEG: u8 = 2;
    /// FPSqrt.
    pub const SQRT: u8 = 3;
    /// FPRoundInt with the rounding of `op2`, exact when `imm` bit 0.
    pub const RINT: u8 = 4;
    /// FPRecipEstimate.
    pub const RECPE: u8 = 5;
    /// FPRSqrtEstimate.
    pub const RSQRTE: u8 = 6;
    /// FPRecpX.
    pub const RECPX: u8 = 7;
    /// FPCompareGT(x, 0).
    pub const CMGT0: u8 = 8;
    /// FPCompareGE(x, 0).
    pub const CMGE0: u8 = 9;
    /// FPCompareEQ(x, 0).
    pub const CMEQ0: u8 = 10;
    /// FPCompareGE(0, x).
    pub const CMLE0: u8 = 11;
    /// FPCompareGT(0, x).
    pub const CMLT0: u8 = 12;
    /// FPToFixed with the rounding of `op2`; `imm` = fbits | unsigned << 8.
    pub const TOINT: u8 = 13;
    /// FixedToFP with the FPCR rounding; `imm` = fbits | unsigned << 8.
    pub const FROMINT: u8 = 14;
    /// UnsignedRecipEstimate.
    pub const URECPE: u8 = 15;
    /// UnsignedRSqrtEstimate.
    pub const URSQRTE: u8 = 16;
}

/// All ones in a lane when `t`.
#[inline(always)]
fn mask(fmt: Fmt, t: bool) -> u64 {
    if t {
        fmt.mask()
    } else {
        0
    }
}

/// One binary operation on one lane (`acc` is the destination lane, for MLA/MLS).
#[inline(always)]
fn binop<const OP: u8>(fp: &mut Fp, fmt: Fmt, x: u64, y: u64, acc: u64) -> u64 {
    match OP {
        op::ADD => fp.add(fmt, x, y),
        op::SUB => fp.sub(fmt, x, y),
        op::MUL => fp.mul(fmt, x, y, false),
        op::DIV => fp.div(fmt, x, y),
        op::MAX => fp.maxmin(fmt, x, y, true, false),
        op::MIN => fp.maxmin(fmt, x, y, false, false),
        op::MAXNM => fp.maxmin(fmt, x, y, true, true),
        op::MINNM => fp.maxmin(fmt, x, y, false, true),
        op::NMUL => fp.mul(fmt, x, y, false) ^ fmt.sign(),
        op::ABD => fp.sub(fmt, x, y) & !fmt.sign(),
        op::MULX => fp.mul(fmt, x, y, true),
        op::RECPS => fp.step(fmt, x, y, false),
        op::RSQRTS => fp.step(fmt, x, y, true),
        op::CMEQ => mask(fmt, fp.cmp(fmt, x, y, 0, false)),
        op::CMGE => mask(fmt, fp.cmp(fmt, x, y, 1, false)),
        op::CMGT => mask(fmt, fp.cmp(fmt, x, y, 2, false)),
        op::ACGE => mask(fmt, fp.cmp(fmt, x, y, 1, true)),
        op::ACGT => mask(fmt, fp.cmp(fmt, x, y, 2, true)),
        op::MLA => fp.muladd(fmt, acc, x, y),
        _ => fp.muladd(fmt, acc, x ^ fmt.sign(), y),
    }
}

/// Shared body of [`bin`] and [`bin_elem`]: `elem` = the lane of Vm used for every lane.
#[inline(always)]
fn bin_body<const OP: u8>(cpu: &mut Cpu, o: &Ops, elem: Option<u32>) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let fmt = Fmt::from_code(o.op);
    let mut fp = Fp::new(cpu);
    let (a, b, c) = (cpu.vq(o.rn), cpu.vq(o.rm), cpu.vq(o.rd));
    let n = o.shift as u32;
    let mut r = 0u128;
    for i in 0..n {
        let y = lane(b, fmt.bits, elem.unwrap_or(i));
        let v = binop::<OP>(&mut fp, fmt, lane(a, fmt.bits, i), y, lane(c, fmt.bits, i));
        r |= (v as u128) << (i * fmt.bits);
    }
    fp.commit(cpu);
    write(cpu, o.rd, r, n * fmt.bits);
    Flow::Next
}

/// Element-wise binary FP operation `OP` (Vd = Vn op Vm) on `o.shift` lanes: scalar FP
/// 2-source, AdvSIMD scalar and vector "three same".
pub fn bin<const OP: u8>(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    bin_body::<OP>(cpu, o, None)
}

/// Binary FP operation `OP` by element: every lane of Vn with lane `o.imm` of Vm.
pub fn bin_elem<const OP: u8>(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    bin_body::<OP>(cpu, o, Some(o.imm as u32))
}

/// Pairwise binary FP operation `OP`: lane i = op(c[2i], c[2i+1]) over the concatenation
/// c = Vn[0..o.imm] ++ Vm[0..o.imm] (scalar pairwise: one lane, c = Vn[0..2]).
pub fn pairwise<const OP: u8>(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let fmt = Fmt::from_code(o.op);
    let mut fp = Fp::new(cpu);
    let (a, b) = (cpu.vq(o.rn), cpu.vq(o.rm));
    let per = o.imm as u32;
    let c = |j: u32| {
        if j < per {
            lane(a, fmt.bits, j)
        } else {
            lane(b, fmt.bits, j - per)
        }
    };
    let n = o.shift as u32;
    let mut r = 0u128;
    for i in 0..n {
        let v = binop::<OP>(&mut fp, fmt, c(2 * i), c(2 * i + 1), 0);
        r |= (v as u128) << (i * fmt.bits);
    }
    fp.commit(cpu);
    write(cpu, o.rd, r, n * fmt.bits);
    Flow::Next
}

/// Reduce (DDI 0487 J1.3): op(Reduce(low half), Reduce(high half)) over `n` lanes from `first`.
fn reduce<const OP: u8>(fp: &mut Fp, fmt: Fmt, v: u128, first: u32, n: u32) -> u64 {
    if n == 1 {
        return lane(v, fmt.bits, first);
    }
    let lo = reduce::<OP>(fp, fmt, v, first, n / 2);
    let hi = reduce::<OP>(fp, fmt, v, first + n / 2, n / 2);
    binop::<OP>(fp, fmt, lo, hi, 0)
}

/// Across-lanes FP reduction `OP` of the `o.shift` lanes of Vn into a scalar.
pub fn across<const OP: u8>(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let fmt = Fmt::from_code(o.op);
    let mut fp = Fp::new(cpu);
    let r = reduce::<OP>(&mut fp, fmt, cpu.vq(o.rn), 0, o.shift as u32);
    fp.commit(cpu);
    cpu.set_vd(o.rd, r);
    Flow::Next
}

/// One unary operation on one lane.
#[inline(always)]
fn unop<const OP: u8>(fp: &mut Fp, fmt: Fmt, x: u64, o: &Ops) -> u64 {
    let zero = 0;
    match OP {
        un_op::MOV => x,
        un_op::ABS => x & !fmt.sign(),
        un_op::NEG => x ^ fmt.sign(),
        un_op::SQRT => fp.sqrt(fmt, x),
        un_op::RINT => {
            let rm = fp.rounding_of(o.op2);
            fp.round_int(fmt, x, rm, o.imm & 1 != 0)
        }
        un_op::RECPE => fp.recpe(fmt, x),
        un_op::RSQRTE => fp.rsqrte(fmt, x),
        un_op::RECPX => fp.recpx(fmt, x),
        un_op::CMGT0 => mask(fmt, fp.cmp(fmt, x, zero, 2, false)),
        un_op::CMGE0 => mask(fmt, fp.cmp(fmt, x, zero, 1, false)),
        un_op::CMEQ0 => mask(fmt, fp.cmp(fmt, x, zero, 0, false)),
        un_op::CMLE0 => mask(fmt, fp.cmp(fmt, zero, x, 1, false)),
        un_op::CMLT0 => mask(fmt, fp.cmp(fmt, zero, x, 2, false)),
        un_op::TOINT => {
            let rm = fp.rounding_of(o.op2);
            let fbits = (o.imm & 0xff) as u32;
            fp.to_fixed(fmt, x, fbits, o.imm & 0x100 != 0, fmt.bits, rm)
        }
        un_op::FROMINT => {
            let rm = fp.rounding();
            let fbits = (o.imm & 0xff) as u32;
            fp.from_fixed(fmt, x, fmt.bits, o.imm & 0x100 == 0, fbits, rm)
        }
        un_op::URECPE => urecpe(x as u32) as u64,
        _ => ursqrte(x as u32) as u64,
    }
}

/// Element-wise unary FP operation `OP` on `o.shift` lanes of Vn (scalar FP 1-source, AdvSIMD
/// scalar and vector "two-register miscellaneous", fixed-point shifts by immediate).
pub fn un<const OP: u8>(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let fmt = Fmt::from_code(o.op);
    let mut fp = Fp::new(cpu);
    let a = cpu.vq(o.rn);
    let n = o.shift as u32;
    let mut r = 0u128;
    for i in 0..n {
        let v = unop::<OP>(&mut fp, fmt, lane(a, fmt.bits, i), o);
        r |= (v as u128) << (i * fmt.bits);
    }
    fp.commit(cpu);
    write(cpu, o.rd, r, n * fmt.bits);
    Flow::Next
}

/// FCVTN/FCVTN2, FCVTXN/FCVTXN2 (vector and scalar): narrow `o.shift` lanes of format `o.op`
/// to the next smaller format with the rounding of `o.op2`; `o.sf` (the "2" forms) writes the
/// upper half of Vd and keeps the lower.
pub fn fcvtn(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let from = Fmt::from_code(o.op);
    let to = Fmt::from_code(o.op - 1);
    let mut fp = Fp::new(cpu);
    let rm = fp.rounding_of(o.op2);
    let a = cpu.vq(o.rn);
    let mut r = 0u64;
    for i in 0..o.shift as u32 {
        r |= fp.convert(from, to, lane(a, from.bits, i), rm) << (i * to.bits);
    }
    fp.commit(cpu);
    if o.sf {
        let low = cpu.vq(o.rd) as u64 as u128;
        cpu.set_vq(o.rd, low | (r as u128) << 64);
    } else {
        cpu.set_vd(o.rd, r);
    }
    Flow::Next
}

/// FCVTL/FCVTL2: widen the lanes of the lower (or, `o.sf`, upper) half of Vn to format `o.op`.
pub fn fcvtl(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let to = Fmt::from_code(o.op);
    let from = Fmt::from_code(o.op - 1);
    let mut fp = Fp::new(cpu);
    let rm = fp.rounding();
    let a = cpu.vq(o.rn);
    let src = if o.sf { a >> 64 } else { a };
    let mut r = 0u128;
    for i in 0..64 / from.bits {
        let v = fp.convert(from, to, lane(src, from.bits, i), rm);
        r |= (v as u128) << (i * to.bits);
    }
    fp.commit(cpu);
    cpu.set_vq(o.rd, r);
    Flow::Next
}

/// FMOV (vector, immediate): the replicated 64-bit constant `o.imm` into one or both halves.
pub fn fmov_vi(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let v = o.imm as u128;
    write(
        cpu,
        o.rd,
        if o.sf { v | v << 64 } else { v },
        64 << o.sf as u32,
    );
    Flow::Next
}
