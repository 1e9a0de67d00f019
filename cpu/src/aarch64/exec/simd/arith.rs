//! AdvSIMD integer arithmetic (DDI 0487 C7.2; encodings C4.1.95 "Advanced SIMD three same",
//! "three different", "two-register miscellaneous", "across lanes", "vector x indexed element"
//! and their "scalar" counterparts): one lane function per family, selected by a const generic
//! operation code ([`op`]), applied to every lane by the handlers below.
//!
//! The same handler serves the vector, scalar and by-element forms: the shape sets the bytes the
//! operation covers (`op2`) and, for by-element forms (`IDX` = true), the element index
//! (`shift`); the second operand is then that element of Vm replicated.

use crate::aarch64::block::Env;
use crate::aarch64::exec::fp_guard;
use crate::aarch64::state::{Cpu, Flow, Ops};
use crate::by_size;

use super::lanes::*;
use super::set_qc;

/// Operation codes of the lane functions (const generic arguments of the handlers).
pub mod op {
    /// Three same.
    pub const ADD: u8 = 0;
    #[allow(missing_docs)]
    pub const SUB: u8 = 1;
    #[allow(missing_docs)]
    pub const MUL: u8 = 2;
    #[allow(missing_docs)]
    pub const MLA: u8 = 3;
    #[allow(missing_docs)]
    pub const MLS: u8 = 4;
    #[allow(missing_docs)]
    pub const PMUL: u8 = 5;
    #[allow(missing_docs)]
    pub const SQADD: u8 = 6;
    #[allow(missing_docs)]
    pub const UQADD: u8 = 7;
    #[allow(missing_docs)]
    pub const SQSUB: u8 = 8;
    #[allow(missing_docs)]
    pub const UQSUB: u8 = 9;
    #[allow(missing_docs)]
    pub const SHADD: u8 = 10;
    #[allow(missing_docs)]
    pub const UHADD: u8 = 11;
    #[allow(missing_docs)]
    pub const SRHADD: u8 = 12;
    #[allow(missing_docs)]
    pub const URHADD: u8 = 13;
    #[allow(missing_docs)]
    pub const SHSUB: u8 = 14;
    #[allow(missing_docs)]
    pub const UHSUB: u8 = 15;
    #[allow(missing_docs)]
    pub const CMEQ: u8 = 16;
    #[allow(missing_docs)]
    pub const CMGT: u8 = 17;
    #[allow(missing_docs)]
    pub const CMHI: u8 = 18;
    #[allow(missing_docs)]
    pub const CMGE: u8 = 19;
    #[allow(missing_docs)]
    pub const CMHS: u8 = 20;
    #[allow(missing_docs)]
    pub const CMTST: u8 = 21;
    #[allow(missing_docs)]
    pub const SMAX: u8 = 22;
    #[allow(missing_docs)]
    pub const UMAX: u8 = 23;
    #[allow(missing_docs)]
    pub const SMIN: u8 = 24;
    #[allow(missing_docs)]
    pub const UMIN: u8 = 25;
    #[allow(missing_docs)]
    pub const SABD: u8 = 26;
    #[allow(missing_docs)]
    pub const UABD: u8 = 27;
    #[allow(missing_docs)]
    pub const SABA: u8 = 28;
    #[allow(missing_docs)]
    pub const UABA: u8 = 29;
    #[allow(missing_docs)]
    pub const SQDMULH: u8 = 30;
    #[allow(missing_docs)]
    pub const SQRDMULH: u8 = 31;
    #[allow(missing_docs)]
    pub const SSHL: u8 = 32;
    #[allow(missing_docs)]
    pub const USHL: u8 = 33;
    #[allow(missing_docs)]
    pub const SRSHL: u8 = 34;
    #[allow(missing_docs)]
    pub const URSHL: u8 = 35;
    #[allow(missing_docs)]
    pub const SQSHL: u8 = 36;
    #[allow(missing_docs)]
    pub const UQSHL: u8 = 37;
    #[allow(missing_docs)]
    pub const SQRSHL: u8 = 38;
    #[allow(missing_docs)]
    pub const UQRSHL: u8 = 39;

    /// Logical (whole register).
    pub const AND: u8 = 40;
    #[allow(missing_docs)]
    pub const BIC: u8 = 41;
    #[allow(missing_docs)]
    pub const ORR: u8 = 42;
    #[allow(missing_docs)]
    pub const ORN: u8 = 43;
    #[allow(missing_docs)]
    pub const EOR: u8 = 44;
    #[allow(missing_docs)]
    pub const BSL: u8 = 45;
    #[allow(missing_docs)]
    pub const BIT: u8 = 46;
    #[allow(missing_docs)]
    pub const BIF: u8 = 47;

    /// Three different, long forms (narrow sources, wide result).
    pub const SADDL: u8 = 50;
    #[allow(missing_docs)]
    pub const UADDL: u8 = 51;
    #[allow(missing_docs)]
    pub const SSUBL: u8 = 52;
    #[allow(missing_docs)]
    pub const USUBL: u8 = 53;
    #[allow(missing_docs)]
    pub const SABAL: u8 = 54;
    #[allow(missing_docs)]
    pub const UABAL: u8 = 55;
    #[allow(missing_docs)]
    pub const SABDL: u8 = 56;
    #[allow(missing_docs)]
    pub const UABDL: u8 = 57;
    #[allow(missing_docs)]
    pub const SMLAL: u8 = 58;
    #[allow(missing_docs)]
    pub const UMLAL: u8 = 59;
    #[allow(missing_docs)]
    pub const SMLSL: u8 = 60;
    #[allow(missing_docs)]
    pub const UMLSL: u8 = 61;
    #[allow(missing_docs)]
    pub const SMULL: u8 = 62;
    #[allow(missing_docs)]
    pub const UMULL: u8 = 63;
    #[allow(missing_docs)]
    pub const SQDMLAL: u8 = 64;
    #[allow(missing_docs)]
    pub const SQDMLSL: u8 = 65;
    #[allow(missing_docs)]
    pub const SQDMULL: u8 = 66;
    #[allow(missing_docs)]
    pub const PMULL: u8 = 67;
    /// Three different, wide forms (wide first source).
    pub const SADDW: u8 = 68;
    #[allow(missing_docs)]
    pub const UADDW: u8 = 69;
    #[allow(missing_docs)]
    pub const SSUBW: u8 = 70;
    #[allow(missing_docs)]
    pub const USUBW: u8 = 71;
    /// Three different, narrowing high half.
    pub const ADDHN: u8 = 72;
    #[allow(missing_docs)]
    pub const SUBHN: u8 = 73;
    #[allow(missing_docs)]
    pub const RADDHN: u8 = 74;
    #[allow(missing_docs)]
    pub const RSUBHN: u8 = 75;

    /// Two-register miscellaneous, element-wise.
    pub const CLS: u8 = 80;
    #[allow(missing_docs)]
    pub const CLZ: u8 = 81;
    #[allow(missing_docs)]
    pub const CNT: u8 = 82;
    #[allow(missing_docs)]
    pub const NOT: u8 = 83;
    #[allow(missing_docs)]
    pub const RBIT: u8 = 84;
    #[allow(missing_docs)]
    pub const SQABS: u8 = 85;
    #[allow(missing_docs)]
    pub const SQNEG: u8 = 86;
    #[allow(missing_docs)]
    pub const ABS: u8 = 87;
    #[allow(missing_docs)]
    pub const NEG: u8 = 88;
    #[allow(missing_docs)]
    pub const CMGT0: u8 = 89;
    #[allow(missing_docs)]
    pub const CMEQ0: u8 = 90;
    #[allow(missing_docs)]
    pub const CMLT0: u8 = 91;
    #[allow(missing_docs)]
    pub const CMGE0: u8 = 92;
    #[allow(missing_docs)]
    pub const CMLE0: u8 = 93;
    #[allow(missing_docs)]
    pub const SUQADD: u8 = 94;
    #[allow(missing_docs)]
    pub const USQADD: u8 = 95;
    /// Element reversal within 16-, 32- and 64-bit containers.
    pub const REV16: u8 = 96;
    #[allow(missing_docs)]
    pub const REV32: u8 = 97;
    #[allow(missing_docs)]
    pub const REV64: u8 = 98;
    /// Narrowing (two-register misc).
    pub const XTN: u8 = 100;
    #[allow(missing_docs)]
    pub const SQXTN: u8 = 101;
    #[allow(missing_docs)]
    pub const UQXTN: u8 = 102;
    #[allow(missing_docs)]
    pub const SQXTUN: u8 = 103;
    /// Pairwise long (two-register misc).
    pub const SADDLP: u8 = 104;
    #[allow(missing_docs)]
    pub const UADDLP: u8 = 105;
    #[allow(missing_docs)]
    pub const SADALP: u8 = 106;
    #[allow(missing_docs)]
    pub const UADALP: u8 = 107;
    /// Across lanes (long sums).
    pub const SADDLV: u8 = 108;
    #[allow(missing_docs)]
    pub const UADDLV: u8 = 109;
}

use op::*;

/// Whether `OP` reads the destination as an accumulator.
const fn accumulates(o: u8) -> bool {
    matches!(
        o,
        MLA | MLS
            | SABA
            | UABA
            | SABAL
            | UABAL
            | SMLAL
            | UMLAL
            | SMLSL
            | UMLSL
            | SQDMLAL
            | SQDMLSL
            | SUQADD
            | USQADD
            | SADALP
            | UADALP
    )
}

/// Polynomial multiply of two 8-bit (or wider) values, carry-less, full width.
#[inline(always)]
fn clmul(x: u64, y: u64, e: u32) -> u64 {
    let mut r = 0u64;
    for i in 0..e {
        if (y >> i) & 1 != 0 {
            r ^= x << i;
        }
    }
    r
}

/// Shift by a signed register amount (SSHL … UQRSHL): `y`'s low byte is the signed shift;
/// negative shifts right, with rounding and saturation as the operation asks.
#[inline(always)]
fn shl_reg(x: u64, y: u64, e: u32, signed: bool, round: bool, sat: bool, qc: &mut bool) -> u64 {
    let sh = y as u8 as i8 as i32;
    let v: i128 = if signed { sx(x, e) as i128 } else { x as i128 };
    let r = if sh >= 0 {
        let sh = sh as u32;
        if !sat {
            return if sh >= e { 0 } else { x << sh };
        }
        if v == 0 {
            return 0;
        }
        if sh >= e {
            // |v| >= 1 shifted by >= esize is out of range: saturate by sign.
            if v < 0 {
                i128::MIN
            } else {
                i128::MAX
            }
        } else {
            v << sh
        }
    } else {
        // Right shifts of more than 100 give the same result as any larger amount.
        let n = ((-sh) as u32).min(100);
        if round {
            (v + (1i128 << (n - 1))) >> n
        } else {
            v >> n
        }
    };
    if !sat {
        r as u64
    } else if signed {
        sat_s(r, e, qc)
    } else {
        sat_u(r, e, qc)
    }
}

/// Lane function of the three-same (and two-register element-wise) operations: `x` from Vn,
/// `y` from Vm, `d` from Vd (accumulating forms), all `e` bits zero-extended; the result's low
/// `e` bits are kept.
#[inline(always)]
fn lane3<const OP: u8>(x: u64, y: u64, d: u64, e: u32, qc: &mut bool) -> u64 {
    let (sx_, sy_) = (sx(x, e) as i128, sx(y, e) as i128);
    let (ux, uy) = (x as i128, y as i128);
    match OP {
        ADD => x.wrapping_add(y),
        SUB => x.wrapping_sub(y),
        MUL => x.wrapping_mul(y),
        MLA => d.wrapping_add(x.wrapping_mul(y)),
        MLS => d.wrapping_sub(x.wrapping_mul(y)),
        PMUL => clmul(x, y, e),
        SQADD => sat_s(sx_ + sy_, e, qc),
        UQADD => sat_u(ux + uy, e, qc),
        SQSUB => sat_s(sx_ - sy_, e, qc),
        UQSUB => sat_u(ux - uy, e, qc),
        SHADD => ((sx_ + sy_) >> 1) as u64,
        UHADD => ((ux + uy) >> 1) as u64,
        SRHADD => ((sx_ + sy_ + 1) >> 1) as u64,
        URHADD => ((ux + uy + 1) >> 1) as u64,
        SHSUB => ((sx_ - sy_) >> 1) as u64,
        UHSUB => ((ux - uy) >> 1) as u64,
        CMEQ => ones_if(x == y),
        CMGT => ones_if(sx_ > sy_),
        CMHI => ones_if(x > y),
        CMGE => ones_if(sx_ >= sy_),
        CMHS => ones_if(x >= y),
        CMTST => ones_if(x & y != 0),
        SMAX => sx_.max(sy_) as u64,
        UMAX => x.max(y),
        SMIN => sx_.min(sy_) as u64,
        UMIN => x.min(y),
        SABD => (sx_ - sy_).unsigned_abs() as u64,
        UABD => x.abs_diff(y),
        SABA => d.wrapping_add((sx_ - sy_).unsigned_abs() as u64),
        UABA => d.wrapping_add(x.abs_diff(y)),
        SQDMULH => sat_s((2 * sx_ * sy_) >> e, e, qc),
        SQRDMULH => sat_s((2 * sx_ * sy_ + (1i128 << (e - 1))) >> e, e, qc),
        SSHL => shl_reg(x, y, e, true, false, false, qc),
        USHL => shl_reg(x, y, e, false, false, false, qc),
        SRSHL => shl_reg(x, y, e, true, true, false, qc),
        URSHL => shl_reg(x, y, e, false, true, false, qc),
        SQSHL => shl_reg(x, y, e, true, false, true, qc),
        UQSHL => shl_reg(x, y, e, false, false, true, qc),
        SQRSHL => shl_reg(x, y, e, true, true, true, qc),
        UQRSHL => shl_reg(x, y, e, false, true, true, qc),
        // Two-register miscellaneous (x only; `d` for the accumulating ones).
        CLS => {
            let t = (x ^ (x >> 1)) & emask(e - 1);
            (t.leading_zeros() - (65 - e)) as u64
        }
        CLZ => (x.leading_zeros() - (64 - e)) as u64,
        CNT => x.count_ones() as u64,
        NOT => !x,
        RBIT => x.reverse_bits() >> (64 - e),
        SQABS => sat_s(sx_.abs(), e, qc),
        SQNEG => sat_s(-sx_, e, qc),
        ABS => sx_.unsigned_abs() as u64,
        NEG => x.wrapping_neg(),
        CMGT0 => ones_if(sx_ > 0),
        CMEQ0 => ones_if(x == 0),
        CMLT0 => ones_if(sx_ < 0),
        CMGE0 => ones_if(sx_ >= 0),
        CMLE0 => ones_if(sx_ <= 0),
        SUQADD => sat_s(sx(d, e) as i128 + ux, e, qc),
        USQADD => sat_u(d as i128 + sx_, e, qc),
        _ => 0,
    }
}

/// Three same (vector and scalar) and same-width by element (`IDX`): Vd = Vn op Vm lane-wise;
/// sets FPSR.QC when a saturating lane saturated.
pub fn same3<const OP: u8, const IDX: bool>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let m = dmask(o.op2);
    let a = cpu.vq(o.rn) & m;
    let b = if IDX {
        let vm = cpu.vq(o.rm);
        by_size!(o.op, |E| dup(elem(vm, o.shift as u32, E), E)) & m
    } else {
        cpu.vq(o.rm) & m
    };
    let d = if accumulates(OP) { cpu.vq(o.rd) & m } else { 0 };
    let mut qc = false;
    let r = match OP {
        // The commonest lanes without carries between them, on whole words.
        ADD => by_size!(o.op, |E| swar_add(a, b, E)),
        SUB => by_size!(o.op, |E| swar_add(a, swar_neg(b, E), E)),
        CMEQ => by_size!(o.op, |E| swar_eq(a, b, E)),
        _ => by_size!(o.op, |E| map3::<E>(a, b, d, |x, y, z| lane3::<OP>(
            x, y, z, E, &mut qc
        ))),
    };
    if qc {
        set_qc(cpu);
    }
    cpu.set_vq(o.rd, r & m);
    Flow::Next
}

/// Each lane's top bit, for `e`-bit lanes.
#[inline(always)]
fn tops(e: u32) -> u128 {
    dup(1 << (e - 1), e)
}

/// Lane-wise `a + b` modulo 2^e without carries between lanes.
#[inline(always)]
fn swar_add(a: u128, b: u128, e: u32) -> u128 {
    let h = tops(e);
    ((a & !h).wrapping_add(b & !h)) ^ ((a ^ b) & h)
}

/// Lane-wise `-b` modulo 2^e.
#[inline(always)]
fn swar_neg(b: u128, e: u32) -> u128 {
    swar_add(!b, dup(1, e), e)
}

/// Lane-wise equality: all ones where `a` and `b` lanes are equal.
#[inline(always)]
fn swar_eq(a: u128, b: u128, e: u32) -> u128 {
    let h = tops(e);
    let x = a ^ b;
    // A lane is non-zero iff its top bit or (its low bits + all-ones-but-top) carries into the top.
    let nz = (x | ((x & !h).wrapping_add(!h & u128::MAX))) & h;
    // Spread the top bit to the whole lane: lanes with nz clear become all ones.
    let z = !nz & h;
    (z >> (e - 1)).wrapping_mul(emask(e) as u128)
}

/// Logical three-same operations on the whole register (AND, BIC, ORR, ORN, EOR, BSL, BIT,
/// BIF).
pub fn logic<const OP: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let (a, b, d) = (cpu.vq(o.rn), cpu.vq(o.rm), cpu.vq(o.rd));
    let r = match OP {
        AND => a & b,
        BIC => a & !b,
        ORR => a | b,
        ORN => a | !b,
        EOR => a ^ b,
        BSL => (d & a) | (!d & b),
        BIT => (a & b) | (d & !b),
        _ => (d & b) | (a & !b),
    };
    cpu.set_vq(o.rd, r & dmask(o.op2));
    Flow::Next
}

/// Pairwise over the lanes of one `bits`-wide operand: `bits / 2e` results.
#[inline(always)]
fn pairwise<const OP: u8, const E: u32>(a: u128, bits: u32) -> u128 {
    let mut r = 0u128;
    let mut qc = false;
    for i in 0..bits / E / 2 {
        let v = lane3::<OP>(elem(a, 2 * i, E), elem(a, 2 * i + 1, E), 0, E, &mut qc);
        r = put(r, i, E, v);
    }
    r
}

/// ADDP/SMAXP/UMAXP/SMINP/UMINP (vector): the pairwise operation over the concatenation Vm:Vn.
pub fn pair<const OP: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let m = dmask(o.op2);
    let (a, b) = (cpu.vq(o.rn) & m, cpu.vq(o.rm) & m);
    let bits = o.op2 as u32 * 8;
    let r = by_size!(o.op, |E| pairwise::<OP, E>(a, bits)
        | (pairwise::<OP, E>(b, bits) << (bits / 2)));
    cpu.set_vq(o.rd, r);
    Flow::Next
}

/// Across lanes (ADDV, SMAXV, UMAXV, SMINV, UMINV, SADDLV, UADDLV) and the scalar ADDP: one
/// result of the element size (twice it for the long sums) from every lane of Vn.
pub fn across<const OP: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let a = cpu.vq(o.rn);
    let bits = o.op2 as u32 * 8;
    let r = by_size!(o.op, |E| {
        let n = bits / E;
        let mut acc: i128 = match OP {
            SADDLV => sx(elem(a, 0, E), E) as i128,
            SMAX | SMIN => sx(elem(a, 0, E), E) as i128,
            _ => elem(a, 0, E) as i128,
        };
        for i in 1..n {
            let x = elem(a, i, E);
            let (s, u) = (sx(x, E) as i128, x as i128);
            acc = match OP {
                ADD | UADDLV => acc + u,
                SADDLV => acc + s,
                SMAX => acc.max(s),
                SMIN => acc.min(s),
                UMAX => acc.max(u),
                _ => acc.min(u),
            };
        }
        let width = if matches!(OP, SADDLV | UADDLV) {
            2 * E
        } else {
            E
        };
        (acc as u128 & dmask((width / 8) as u8)) as u64
    });
    cpu.set_vd(o.rd, r);
    Flow::Next
}

/// Element-size dispatch for the widening and narrowing forms (narrow size 8, 16 or 32).
macro_rules! by_nsize {
    ($s:expr, |$E:ident| $body:expr) => {
        match $s {
            0 => {
                const $E: u32 = 8;
                $body
            }
            1 => {
                const $E: u32 = 16;
                $body
            }
            _ => {
                const $E: u32 = 32;
                $body
            }
        }
    };
}
pub(crate) use by_nsize;

/// Lane function of the long (and wide) three-different operations: `x`, `y` are narrow
/// elements (`x` wide for the W forms), `d` a wide accumulator; returns a wide (2e) result.
#[inline(always)]
fn lane_long<const OP: u8>(x: u64, y: u64, d: u64, e: u32, qc: &mut bool) -> u64 {
    let w = 2 * e;
    let (sx_, sy_) = (sx(x, e) as i128, sx(y, e) as i128);
    let (ux, uy) = (x as i128, y as i128);
    let (sxw, sd) = (sx(x, w) as i128, sx(d, w) as i128);
    let r: i128 = match OP {
        SADDL => sx_ + sy_,
        UADDL => ux + uy,
        SSUBL => sx_ - sy_,
        USUBL => ux - uy,
        SADDW => sxw + sy_,
        UADDW => ux + uy,
        SSUBW => sxw - sy_,
        USUBW => ux - uy,
        SABAL => d as i128 + (sx_ - sy_).abs(),
        UABAL => d as i128 + (ux - uy).abs(),
        SABDL => (sx_ - sy_).abs(),
        UABDL => (ux - uy).abs(),
        SMLAL => d as i128 + sx_ * sy_,
        UMLAL => d as i128 + ux * uy,
        SMLSL => d as i128 - sx_ * sy_,
        UMLSL => d as i128 - ux * uy,
        SMULL => sx_ * sy_,
        UMULL => ux * uy,
        PMULL => clmul(x, y, e) as i128,
        SQDMULL | SQDMLAL | SQDMLSL => {
            let p = sx(sat_s(2 * sx_ * sy_, w, qc), w) as i128;
            return match OP {
                SQDMULL => p as u64,
                SQDMLAL => sat_s(sd + p, w, qc),
                _ => sat_s(sd - p, w, qc),
            };
        }
        _ => 0,
    };
    r as u64
}

/// Three different long and wide forms (SADDL … PMULL, SADDW …), vector and scalar, and the
/// widening by-element forms (`IDX`): narrow elements from half `sf` of Vn/Vm (all of Vn for the
/// W forms), wide results over the whole of Vd.
pub fn long<const OP: u8, const IDX: bool>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let nm = dmask(o.op2) as u64;
    let wide_a = matches!(OP, SADDW | UADDW | SSUBW | USUBW);
    let va = cpu.vq(o.rn);
    let a = if wide_a { 0 } else { half(va, o.sf) & nm };
    let vm = cpu.vq(o.rm);
    let dm = dmask(2 * o.op2);
    let d = if accumulates(OP) {
        cpu.vq(o.rd) & dm
    } else {
        0
    };
    let mut qc = false;
    let r = by_nsize!(o.op, |E| {
        let b = if IDX {
            dup(elem(vm, o.shift as u32, E), E) as u64 & nm
        } else {
            half(vm, o.sf) & nm
        };
        let mut r = 0u128;
        for i in 0..o.op2 as u32 * 8 / E {
            let x = if wide_a {
                elem(va, i, 2 * E)
            } else {
                elem(a as u128, i, E)
            };
            let v = lane_long::<OP>(x, elem(b as u128, i, E), elem(d, i, 2 * E), E, &mut qc);
            r = put(r, i, 2 * E, v);
        }
        r
    });
    if qc {
        set_qc(cpu);
    }
    cpu.set_vq(o.rd, r);
    Flow::Next
}

/// Write a narrowed 64-bit (or scalar) result: to the low half with the rest zeroed, or to the
/// high half keeping the low one ("2" forms, `upper`).
#[inline(always)]
pub(crate) fn write_narrow(cpu: &mut Cpu, rd: u8, upper: bool, v: u64) {
    if upper {
        let lo = cpu.vq(rd) as u64 as u128;
        cpu.set_vq(rd, lo | (v as u128) << 64);
    } else {
        cpu.set_vd(rd, v);
    }
}

/// ADDHN/SUBHN/RADDHN/RSUBHN: the high halves of wide sums or differences, into half `sf` of
/// Vd.
pub fn hn<const OP: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let (a, b) = (cpu.vq(o.rn), cpu.vq(o.rm));
    let r = by_nsize!(o.op, |E| {
        let mut r = 0u128;
        for i in 0..64 / E {
            let (x, y) = (elem(a, i, 2 * E), elem(b, i, 2 * E));
            let s = match OP {
                ADDHN | RADDHN => x.wrapping_add(y),
                _ => x.wrapping_sub(y),
            };
            let s = if matches!(OP, RADDHN | RSUBHN) {
                s.wrapping_add(1 << (E - 1))
            } else {
                s
            };
            r = put(r, i, E, s >> E);
        }
        r as u64
    });
    write_narrow(cpu, o.rd, o.sf, r);
    Flow::Next
}

/// Two-register miscellaneous, element-wise (CLS, CLZ, CNT, NOT, RBIT, SQABS, SQNEG, ABS, NEG,
/// the compares against zero, SUQADD/USQADD), vector and scalar.
pub fn misc<const OP: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let m = dmask(o.op2);
    let a = cpu.vq(o.rn) & m;
    let d = if accumulates(OP) { cpu.vq(o.rd) & m } else { 0 };
    let mut qc = false;
    let r = match OP {
        NOT => !a,
        CNT => {
            let mut r = [0u8; 16];
            for (r, b) in r.iter_mut().zip(a.to_le_bytes()) {
                *r = b.count_ones() as u8;
            }
            u128::from_le_bytes(r)
        }
        _ => by_size!(o.op, |E| map2::<E>(a, d, |x, z| lane3::<OP>(
            x, 0, z, E, &mut qc
        ))),
    };
    if qc {
        set_qc(cpu);
    }
    cpu.set_vq(o.rd, r & m);
    Flow::Next
}

/// REV16/REV32/REV64: reverse the order of the elements in each 16-, 32- or 64-bit container.
pub fn rev<const OP: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let m = dmask(o.op2);
    let a = cpu.vq(o.rn) & m;
    let container = match OP {
        REV16 => 16,
        REV32 => 32,
        _ => 64,
    };
    let r = by_size!(o.op, |E| {
        let flip = container / E - 1;
        let mut r = 0u128;
        for i in 0..128 / E {
            r = put(r, i, E, elem(a, i ^ flip, E));
        }
        r
    });
    cpu.set_vq(o.rd, r & m);
    Flow::Next
}

/// XTN/SQXTN/UQXTN/SQXTUN (vector, "2" and scalar forms): wide elements of Vn narrowed into half
/// `sf` of Vd (the element itself for the scalar forms).
pub fn xtn<const OP: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let a = cpu.vq(o.rn) & dmask(2 * o.op2);
    let mut qc = false;
    let r = by_nsize!(o.op, |E| {
        let mut r = 0u128;
        for i in 0..o.op2 as u32 * 8 / E {
            let x = elem(a, i, 2 * E);
            let v = match OP {
                XTN => x,
                SQXTN => sat_s(sx(x, 2 * E) as i128, E, &mut qc),
                UQXTN => sat_u(x as i128, E, &mut qc),
                _ => sat_u(sx(x, 2 * E) as i128, E, &mut qc),
            };
            r = put(r, i, E, v);
        }
        r as u64
    });
    if qc {
        set_qc(cpu);
    }
    write_narrow(cpu, o.rd, o.sf, r);
    Flow::Next
}

/// SADDLP/UADDLP/SADALP/UADALP: sums of adjacent element pairs, widened (and accumulated).
pub fn addlp<const OP: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let m = dmask(o.op2);
    let a = cpu.vq(o.rn) & m;
    let d = cpu.vq(o.rd) & m;
    let signed = matches!(OP, SADDLP | SADALP);
    let r = by_nsize!(o.op, |E| {
        let mut r = 0u128;
        for i in 0..o.op2 as u32 * 4 / E {
            let (x, y) = (elem(a, 2 * i, E), elem(a, 2 * i + 1, E));
            let s = if signed {
                (sx(x, E) + sx(y, E)) as u64
            } else {
                x + y
            };
            let s = if matches!(OP, SADALP | UADALP) {
                s.wrapping_add(elem(d, i, 2 * E))
            } else {
                s
            };
            r = put(r, i, 2 * E, s);
        }
        r
    });
    cpu.set_vq(o.rd, r & m);
    Flow::Next
}
