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
    let nz = (x | (x & !h).wrapping_add(!h)) & h;
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
    let mut qc = false;
    if E == 8 {
        // Byte lanes (UMAXP/ADDP in string routines): on the byte array.
        let (b, mut r) = (a.to_le_bytes(), [0u8; 16]);
        for i in 0..bits as usize / 16 {
            r[i] = lane3::<OP>(b[2 * i] as u64, b[2 * i + 1] as u64, 0, 8, &mut qc) as u8;
        }
        return u128::from_le_bytes(r);
    }
    let mut r = 0u128;
    for i in 0..bits / E / 2 {
        let v = lane3::<OP>(elem(a, 2 * i, E), elem(a, 2 * i + 1, E), 0, E, &mut qc);
        r |= ((v & emask(E)) as u128) << (i * E);
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
    if o.op == 0 && matches!(OP, UMAX | UMIN | ADD) {
        // Byte lanes (UMAXV/UMINV/ADDV in string routines): on the byte array.
        let b = a.to_le_bytes();
        let b = &b[..o.op2 as usize];
        let r = match OP {
            UMAX => b.iter().copied().max(),
            UMIN => b.iter().copied().min(),
            _ => Some(b.iter().fold(0u8, |s, &x| s.wrapping_add(x))),
        };
        cpu.set_vd(o.rd, r.unwrap_or(0) as u64);
        return Flow::Next;
    }
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

#[cfg(test)]
mod tests {
    //! Vectors recorded from qemu-aarch64 (see `super::super::testutil`).

    /// Three same, three different, two-register misc, across lanes and by element, vector and
    /// scalar.
    const VECTORS: &str = "
    4e228420 1027c4d1c386bbc4cd613e30d8f16adf 78e510617311d8a3c2ce6f447ed4d57b ffffff0000000080000741ffff 51431193e6c3f3391a2b8f1ff1fd42a2 -> 78e510607210d8a3c2ceef448515d47a 78e510617311d8a3c2ce6f447ed4d57b ffffff0000000080000741ffff 51431193e6c3f3391a2b8f1ff1fd42a2 5555 0 # add v0.16b, v1.16b, v2.16b
    4ee28420 25b413f8a9a021ea648a7dd06839eb9 7fffffff0000000000008000 8d88348a7eed8d14f06d3fef701966a0 c2cd789a380208a9ad45f23d3b1a11df -> 8d88348afeed8d13f06d3fef7019e6a0 7fffffff0000000000008000 8d88348a7eed8d14f06d3fef701966a0 c2cd789a380208a9ad45f23d3b1a11df 5555 0 # add v0.2d, v1.2d, v2.2d
    6e628420 6a8ac4ba05805975ed2f89d94a2f20aa fffff900ffffff0080ff55ffffffff ffffffff8000000000000000 c69d4bd8b3fa7aa7e1fab9d78c7e134f -> fffff9010000008080ff55ffffffff fffff900ffffff0080ff55ffffffff ffffffff8000000000000000 c69d4bd8b3fa7aa7e1fab9d78c7e134f 5555 0 # sub v0.8h, v1.8h, v2.8h
    7ee28420 7fffffff000000007fffffff0000ffff ffffffff000000ff0000ffffffffffff 7f 8000ffff0000ffff75897fffffffffff -> ffffffffff80 ffffffff000000ff0000ffffffffffff 7f 8000ffff0000ffff75897fffffffffff 5555 0 # sub d0, d1, d2
    4ea29c20 ffffffff00800000ffff000000800000 8000000000000000000000007fffffff 7f8000000000000000 1ffff0000d102ffffffff0001 -> 0 8000000000000000000000007fffffff 7f8000000000000000 1ffff0000d102ffffffff0001 5555 0 # mul v0.4s, v1.4s, v2.4s
    4e629420 3fe31d0347fc816ac16e2284c10faa40 582c18c92f429ce59ff3078fcc1b0c3e 870266c44155d7ef28dd37eb2adf559a ffff00007fff0000ffffffffffff -> 243b2ce7bae64e35ce35cbc9fa949d8c 582c18c92f429ce59ff3078fcc1b0c3e 870266c44155d7ef28dd37eb2adf559a ffff00007fff0000ffffffffffff 5555 0 # mla v0.8h, v1.8h, v2.8h
    2ea29420 6bc1538557e54acc62f5680c4fdf8e1a 8000000000000080ffffffff000000ff 492c4f539b21c95055455e8f9bddea5 2904acecf5bb9188b80599e9090b20bb -> 6849bdf48bbec7bf 8000000000000080ffffffff000000ff 492c4f539b21c95055455e8f9bddea5 2904acecf5bb9188b80599e9090b20bb 5555 0 # mls v0.2s, v1.2s, v2.2s
    6e229c20 8b7199cd6d39eb43ad9cedde819d7ca7 ffffffff00000000ffffffff 80000000ff00000000ffffffff 7f000000ff000000ffffffffff -> 550000000055555555 ffffffff00000000ffffffff 80000000ff00000000ffffffff 7f000000ff000000ffffffffff 5555 0 # pmul v0.16b, v1.16b, v2.16b
    4e620c20 8f8b2b83022bc32021615022409a8a78 ffffff00ac000180000000ffffff37ff ffff58ff0001ff007f0000ff7fff0000 10b8fe223c11654988534206fc4a447e -> fffe57ffac0100807f0001fe7ffe37ff ffffff00ac000180000000ffffff37ff ffff58ff0001ff007f0000ff7fff0000 10b8fe223c11654988534206fc4a447e 5555 0 # sqadd v0.8h, v1.8h, v2.8h
    5e220c20 ff0000ffff00ffffffffff0000802a7f fdc1786bddbd358f6156c4df12bccdcb 5d6900ff0000ffff0001c82a00000001 75305db71d43d1ffecd1345e88c780f6 -> cc fdc1786bddbd358f6156c4df12bccdcb 5d6900ff0000ffff0001c82a00000001 75305db71d43d1ffecd1345e88c780f6 5555 0 # sqadd b0, b1, b2
    6ee20c20 ff7fffff7f00008000ff000000ff00 ff000000007fffffff 80 4ba927c3ecf45ccbfb8a99a2c96fa758 -> ff000000008000007f ff000000007fffffff 80 4ba927c3ecf45ccbfb8a99a2c96fa758 5555 0 # uqadd v0.2d, v1.2d, v2.2d
    4ea22c20 7fff000000010000800000008000 80000000000000000000000000000080 8000000000000000ff d1ea041814d4954e5c47577b3f12d68e -> 80000000ffffff8000000000ffffff81 80000000000000000000000000000080 8000000000000000ff d1ea041814d4954e5c47577b3f12d68e 5555 0 # sqsub v0.4s, v1.4s, v2.4s
    7e622c20 172a401272a9b8a4c0d76560fbbe9381 7fff00007fff000000ff00000080 80000000800000007fffffff00007fff 3e67026cceea590b05373b76385c1b33 -> 0 7fff00007fff000000ff00000080 80000000800000007fffffff00007fff 3e67026cceea590b05373b76385c1b33 5555 8000000 # uqsub h0, h1, h2
    4e220420 1227932fde1827478d1bc13a449fd49b ffffff7f7f7fffffff0001ffffff0000 8ba56d340000007f20552f5f ffffffff00000080ffff0000ffff00ff -> ffffff3f05123619ff00003f0f2a172f ffffff7f7f7fffffff0001ffffff0000 8ba56d340000007f20552f5f ffffffff00000080ffff0000ffff00ff 5555 0 # shadd v0.16b, v1.16b, v2.16b
    6ea21420 ffffffff000000007fffffff0000ffff cb06718c063fa2b67c5c483d420a4323 7fff0000000000000000 ffff00000080000080008000ffff00ff -> 658338c60320115b3e2e241f21052192 cb06718c063fa2b67c5c483d420a4323 7fff0000000000000000 ffff00000080000080008000ffff00ff 5555 0 # urhadd v0.4s, v1.4s, v2.4s
    6e622420 70358a27eba1a9d3a61a59e3e49df6bb ffba6c9c7dffff80000080ffff7fff ff00800000ffff7fffffff00000c56 ffffffff80000000ffffffffffffffff -> 5cf64e3e0000000080407fff39d4 ffba6c9c7dffff80000080ffff7fff ff00800000ffff7fffffff00000c56 ffffffff80000000ffffffffffffffff 5555 0 # uhsub v0.8h, v1.8h, v2.8h
    6e228c20 923c4e5d83924f05f5c7b9aa9b29b54b 37b5dbac6d3fad4c4027054627e125a4 ffff007f01ff01ff0100ff7fffffffff ffff68ff00809f7fff7f0000ff80ff -> 0 37b5dbac6d3fad4c4027054627e125a4 ffff007f01ff01ff0100ff7fffffffff ffff68ff00809f7fff7f0000ff80ff 5555 0 # cmeq v0.16b, v1.16b, v2.16b
    2e218c20 7f0000ffff00ffffff80ff00ff00ff80 800000000000000000000001 ffffffff00ff0000000000001baf0000 ffff0000ffff7fffffff00ff0000ffff -> ffffffffffffffff 800000000000000000000001 ffffffff00ff0000000000001baf0000 ffff0000ffff7fffffff00ff0000ffff 5555 0 # cmeq v0.8b, v1.8b, v1.8b
    4ea23420 80000000ffffffff00007fff7fffffff 61e406a660a7a7b7eaf5c033a5cd95e7 a2b249ab47122faafead3bed00fdfeae 7f00ffffff68b1ffff0000fcad -> ffffffffffffffff0000000000000000 61e406a660a7a7b7eaf5c033a5cd95e7 a2b249ab47122faafead3bed00fdfeae 7f00ffffff68b1ffff0000fcad 5555 0 # cmgt v0.4s, v1.4s, v2.4s
    6ee23420 b312ffff0000ffff80000000ffffffff ffffff00ff00ff00c7ffff00ffffffff 26ee0eac4dbd3dc98b53c16baf5e490b 779409b92b6c57637c0b03ee4264d159 -> ffffffffffffffffffffffffffffffff ffffff00ff00ff00c7ffff00ffffffff 26ee0eac4dbd3dc98b53c16baf5e490b 779409b92b6c57637c0b03ee4264d159 5555 0 # cmhi v0.2d, v1.2d, v2.2d
    7ee23c20 1000000018000000000000001 ffffffd4ff01ff80ffffffff017fff ff11dc91b6a3ce92bc2e9ff5a72f6600 7f7fffffff0000008080000000 -> 0 ffffffd4ff01ff80ffffffff017fff ff11dc91b6a3ce92bc2e9ff5a72f6600 7f7fffffff0000008080000000 5555 0 # cmhs d0, d1, d2
    4e628c20 5463852d9c434723dde138d8427005f6 ffffffffffffffff0000008080000000 800000000000008000 ffff00ff007fe9c300000000007fffff -> ffff0000000000000000 ffffffffffffffff0000008080000000 800000000000008000 ffff00ff007fe9c300000000007fffff 5555 0 # cmtst v0.8h, v1.8h, v2.8h
    4e226420 b73b6062e4d4ad86235a63d5c7495df9 3d90fd276697f21ec05a32a34f4c8db6 4e34fa77ae7024edb7ee1a9a34c8d03a 7e0b6723524550a465a24e8a3a4548f2 -> 4e34fd776670241ec05a32a34f4cd03a 3d90fd276697f21ec05a32a34f4c8db6 4e34fa77ae7024edb7ee1a9a34c8d03a 7e0b6723524550a465a24e8a3a4548f2 5555 0 # smax v0.16b, v1.16b, v2.16b
    6e62ac20 b955ffffffff0000008005f500000000 1ffffffff00000001ffffffff 60bdadce732701337eb9d1c83bb42d9d 1c6600007fffffff00800000ffffffff -> 60bd01337eb92d9d0000ffff0000ffff 1ffffffff00000001ffffffff 60bdadce732701337eb9d1c83bb42d9d 1c6600007fffffff00800000ffffffff 5555 0 # uminp v0.8h, v1.8h, v2.8h
    4ee2bc20 cc2534b403f207910bd4f091142fab55 6215f679e38a59aa51cfa14e7afb6462 ffffffffffffffff0000007f00000080 63243e5303e2e7c407cc0424e9e6ed7c -> 7f0000007fb3e597c85e85be0c 6215f679e38a59aa51cfa14e7afb6462 ffffffffffffffff0000007f00000080 63243e5303e2e7c407cc0424e9e6ed7c 5555 0 # addp v0.2d, v1.2d, v2.2d
    0e22bc20 909311ed0e9f654f8ae63ab1aa311156 a6f38e3e767fe953145b523821464b6d ffffffff80ffff7fff8000000a7fffff ffffffff00007fff000096820000 -> 7f0089fe6f8a67b8 a6f38e3e767fe953145b523821464b6d ffffffff80ffff7fff8000000a7fffff ffffffff00007fff000096820000 5555 0 # addp v0.8b, v1.8b, v2.8b
    5ef1b820 80007fffffffffffffff 7fff01ffff17ff0000800001ff0000ff 7fffffffffffffff20d1eb7daa0cb6f5 ff000000007fffffff -> 807f0201fe17ffff 7fff01ffff17ff0000800001ff0000ff 7fffffffffffffff20d1eb7daa0cb6f5 ff000000007fffffff 5555 0 # addp d0, v1.2d
    4ea27420 6400ffffff8000ffff00007fffff0000 ff01ffff7fffff00ff00ffffffff 504b60b5889f5e9aa6af9b40cc88ebd1 53461eb345cda9495a450d23519cd4cc -> 504a61b477602165585163c03377142e ff01ffff7fffff00ff00ffffffff 504b60b5889f5e9aa6af9b40cc88ebd1 53461eb345cda9495a450d23519cd4cc 5555 0 # sabd v0.4s, v1.4s, v2.4s
    6e227c20 1d000ffffffffff0000ffff01 7fff8000000000000080 7fffffff0000000080000000 101ffffff01ffff0100ff00017f80ff -> 14fff7fff7fffff0080ffff81 7fff8000000000000080 7fffffff0000000080000000 101ffffff01ffff0100ff00017f80ff 5555 0 # uaba v0.16b, v1.16b, v2.16b
    4e62b420 800000ffff5e3c00008000ffffffff ffffe61bacebdd90f85b ffff0000ffff008000ffffff0001ffff ff00ff83ff0100ffff80ffff0000ff00 -> ffffffcc0000ffff0000 ffffe61bacebdd90f85b ffff0000ffff008000ffffff0001ffff ff00ff83ff0100ffff80ffff0000ff00 5555 0 # sqdmulh v0.8h, v1.8h, v2.8h
    7ea2b420 800000007fffffffffffffff00008000 7fffffff800000007fffffff000000ff ffff00ff80000000ffff8000ffff ffff7f7f7fff000000ffff00ffff0001 -> ffffff01 7fffffff800000007fffffff000000ff ffff00ff80000000ffff8000ffff ffff7f7f7fff000000ffff00ffff0001 5555 0 # sqrdmulh s0, s1, s2
    4e624420 ff6b0446f31aeb0049825407c9419650 bd512b39498afb138387a1e7f065df4a c6e9521855fdc4016efa083b460f923d 1ffff007f0080000180008000ffff -> ffff00000931f626fe0e000080000000 bd512b39498afb138387a1e7f065df4a c6e9521855fdc4016efa083b460f923d 1ffff007f0080000180008000ffff 5555 0 # sshl v0.8h, v1.8h, v2.8h
    6ee25420 1954f128f3c151a4c652fc977ad35305 c458b4d598c8592ffbbd51b937a988 d05f982feebb948f46ed6dd9ca4f36e 100000000ffffffff -> 0 c458b4d598c8592ffbbd51b937a988 d05f982feebb948f46ed6dd9ca4f36e 100000000ffffffff 5555 0 # urshl v0.2d, v1.2d, v2.2d
    4e224c20 ff7fffffffffffffff ffff0001ffffffff00800000ffff0000 64a11177e7b337347f7a6583820062ec 262d9d551b17a7547aac3fa2da97a917 -> 80ff007fffff808000800000ffff0000 ffff0001ffffffff00800000ffff0000 64a11177e7b337347f7a6583820062ec 262d9d551b17a7547aac3fa2da97a917 5555 8000000 # sqshl v0.16b, v1.16b, v2.16b
    7ea25c20 2ac899d73381d8efb3cfb710e7c7999c ffe350835fbe40d9f3 ffffed027fffffff0000ffff7fff0000 4cc3e66870b44e18a01d9d308a6090cf -> be40d9f3 ffe350835fbe40d9f3 ffffed027fffffff0000ffff7fff0000 4cc3e66870b44e18a01d9d308a6090cf 5555 0 # uqrshl s0, s1, s2
    4e221c20 80ffffff00ffff0099ff00ff7f80ffff 56a10d9b3ddd98597875e73f995880fb e141cd02bd3caa1f2e635d0dc2485eaa 7fffffff0000000000000000 -> 40010d023d1c88192861450d804800aa 56a10d9b3ddd98597875e73f995880fb e141cd02bd3caa1f2e635d0dc2485eaa 7fffffff0000000000000000 5555 0 # and v0.16b, v1.16b, v2.16b
    0ee21c20 ffffffff0080ffff20bf0001ffff0000 ffff00007fff00ffffffffff00000001 be38915f15a61486386362319d892a6d dc791848fc286e97a02ac240ae41bc78 -> ffffffff6276d593 ffff00007fff00ffffffffff00000001 be38915f15a61486386362319d892a6d dc791848fc286e97a02ac240ae41bc78 5555 0 # orn v0.8b, v1.8b, v2.8b
    6e621c20 6118446184b7d15bb80100ca99e43e94 1d07d20c23b26ad158d683c054700723 92f233a4ae634acc24adef7dc51d7956 ffaff116b994f614178185b813cedb3b -> 93e273842af24ad51caceff554794742 1d07d20c23b26ad158d683c054700723 92f233a4ae634acc24adef7dc51d7956 ffaff116b994f614178185b813cedb3b 5555 0 # bsl v0.16b, v1.16b, v2.16b
    6ee21c20 8795a22044f34f873fbb550a512838d7 ecfeba262397c884140ca1a807fac177 b0f92f03a36cbfa7b85544caef0756b9 209da6c460cd339542da6d0adfd295b -> cc97b22400f34f873c19e52a41f891d7 ecfeba262397c884140ca1a807fac177 b0f92f03a36cbfa7b85544caef0756b9 209da6c460cd339542da6d0adfd295b 5555 0 # bif v0.16b, v1.16b, v2.16b
    4e220020 ffffffff000000005a346e0400000001 ffffffffffff8000000000000001 7fffffff0000000000000080 2cd66a721c205729822ee60d999f975c -> ffffffff007efffefffefffe ffffffffffff8000000000000001 7fffffff0000000000000080 2cd66a721c205729822ee60d999f975c 5555 0 # saddl2 v0.8h, v1.16b, v2.16b
    2e623020 8bc3d38a46453b166f42bff6e5b0fcb2 87b7abb6f1e09e06455bf49689f0f4a1 1a8f973eb578afa0673dd93b20465604 ffffff80ad7f137fffff00ffffffffff -> 87b74479f1dfc4cb455bd45089f09e9d 87b7abb6f1e09e06455bf49689f0f4a1 1a8f973eb578afa0673dd93b20465604 ffffff80ad7f137fffff00ffffffffff 5555 0 # usubw v0.4s, v1.4s, v2.4h
    6e224020 d95f3da027d5b39228e68ad34ad70091 ff0000000080000000 ff00ff00000046000000ff8fff7fff00 7fffff800080ff00ff00ffffff7f01 -> ffff004700007fff28e68ad34ad70091 ff0000000080000000 ff00ff00000046000000ff8fff7fff00 7fffff800080ff00ff00ffffff7f01 5555 0 # raddhn2 v0.16b, v1.8h, v2.8h
    0e626020 e1381e126c220d3f504e8c60b43ce7fa 80000000c5a66d6bfeec111effffffff c1000bea4b3f1d205bd6a94d60556919 7fffffff0000000000000080 -> beff7a67a3159faa 80000000c5a66d6bfeec111effffffff c1000bea4b3f1d205bd6a94d60556919 7fffffff0000000000000080 5555 0 # subhn v0.4h, v1.4s, v2.4s
    0ea25020 e431ae891d0e6fdeac4c09d3576c5be3 800000008000000000000000 a1b0b3a8621bed79358f0efbe5b5d483 7fffffffffff00807fff7fff0001ffff -> e431ae89d29d7ed9ac4c09d371b68760 800000008000000000000000 a1b0b3a8621bed79358f0efbe5b5d483 7fffffffffff00807fff7fff0001ffff 5555 0 # sabal v0.2d, v1.2s, v2.2s
    6e62a020 efd01861b926e626a9c6057cc5ed8155 1ed334d08ac21475661b8e2670cb730c 8000000000000000007f 7573bb6c2ed6d44cf0fc4b47131810bf -> efd01861b926e626a9c6057cbbb30155 1ed334d08ac21475661b8e2670cb730c 8000000000000000007f 7573bb6c2ed6d44cf0fc4b47131810bf 5555 0 # umlsl2 v0.4s, v1.8h, v2.8h
    0e22c020 ff000000017fffffff0000007f b466120da240998ecf95442d658422b2 1ffff007f007f800000000000ffff ffff0080ffff00000080008000008000 -> 188000000000000000000000ffde004e b466120da240998ecf95442d658422b2 1ffff007f007f800000000000ffff ffff0080ffff00000080008000008000 5555 0 # smull v0.8h, v1.8b, v2.8b
    0e629020 7f7fffffff0000ff00ff01010000ff00 80007fffffff0000ffff7fffffff ffffffffffffffff8000000000000000 911eace3426b7d5726c7cfe5ed9d7dcb -> 7f7fffffff0000ff00ff01010000ff00 80007fffffff0000ffff7fffffff ffffffffffffffff8000000000000000 911eace3426b7d5726c7cfe5ed9d7dcb 5555 0 # sqdmlal v0.4s, v1.4h, v2.4h
    5ea2d020 9f3e07eeb890b6a2c7d2d9b22cd71c4a 2488bce5eda92bb4560b9ad25c4b4649 47754f9b625f0520596f3d8540950a03 1ff8000ff00ff0080ff0080ff7f -> 2e9119fc5c3b59b6 2488bce5eda92bb4560b9ad25c4b4649 47754f9b625f0520596f3d8540950a03 1ff8000ff00ff0080ff0080ff7f 5555 0 # sqdmull d0, s1, s2
    0e22e020 aeb2841d6ad12a0f61f3fbc867c779bb 89db4616ac354cdd2111a82298ceb485 7f00ff007fffff8000ffff00ff8000 83a828e216ad66324ab15fee890d9238 -> 1080000067981e1e000045ba5a000000 89db4616ac354cdd2111a82298ceb485 7f00ff007fffff8000ffff00ff8000 83a828e216ad66324ab15fee890d9238 5555 0 # pmull v0.8h, v1.8b, v2.8b
    4e200820 ff000000000000000000ffffff cff1003128ef543b50cb7fc0c80035e4 1a71580dd266b00aa112ad73ec5eeb42 3ef340079624d494a228587a6f6f545b -> 3b54ef283100f1cfe43500c8c07fcb50 cff1003128ef543b50cb7fc0c80035e4 1a71580dd266b00aa112ad73ec5eeb42 3ef340079624d494a228587a6f6f545b 5555 0 # rev64 v0.16b, v1.16b
    0e201820 80e982148c1f1ef074 7fffffffffffffff000000007fffffff ff00ffffffffabffffff00ff00008001 2fc87104212d7797d5734e1ad4be2c52 -> ff7fffff 7fffffffffffffff000000007fffffff ff00ffffffffabffffff00ff00008001 2fc87104212d7797d5734e1ad4be2c52 5555 0 # rev16 v0.8b, v1.8b
    6e606820 ffffffffffffffff000000000000ffff ffffffffffffffff0000000100000080 2c5836b8f4f59c8c30549cc9711829af 574e00010000a89c7fff0080ffffffff -> 1fffd0001fffd000000010001007f ffffffffffffffff0000000100000080 2c5836b8f4f59c8c30549cc9711829af 574e00010000a89c7fff0080ffffffff 5555 0 # uadalp v0.4s, v1.8h
    4e203820 2d4172149c50e95fd584b2460b50ad7f 80000000ffffffff7fffffff00000000 8300089acbf293e66662bec8fe3a0f38 7fffffff787b281c00007fff000000ff -> 7f4172147f7f7f7f547f7f7f0b50ad7f 80000000ffffffff7fffffff00000000 8300089acbf293e66662bec8fe3a0f38 7fffffff787b281c00007fff000000ff 5555 8000000 # suqadd v0.16b, v1.16b
    7ee03820 7fff00000000000000ff 80000000000000000000ffffffff 935db824060ca48cca76ff1d8513e54e 2900ff80ffff017c01ff000056ff01ff -> 1000000fe 80000000000000000000ffffffff 935db824060ca48cca76ff1d8513e54e 2900ff80ffff017c01ff000056ff01ff 5555 0 # usqadd d0, d1
    4ea04820 94883ba1e560e8692569aa4536c499d2 dde63f075134151e676b00ec1b9e778d ffffffff00007fff000000ff00007fff ca597decd1e3ce9b3f2457cda177eb6e -> 1000000000000000000000002 dde63f075134151e676b00ec1b9e778d ffffffff00007fff000000ff00007fff ca597decd1e3ce9b3f2457cda177eb6e 5555 0 # cls v0.4s, v1.4s
    6e604820 48aac7b68ce62ebd65a4fe7ef81ebcb8 ffff80ffffffffff80ffffff01ff2bff 8423fa5bdc009da54bc9afd3ed004c2c cc8ef3a15d2b5496d06ae58771359d55 -> 70002 ffff80ffffffffff80ffffff01ff2bff 8423fa5bdc009da54bc9afd3ed004c2c cc8ef3a15d2b5496d06ae58771359d55 5555 0 # clz v0.8h, v1.8h
    4e205820 80ff010000802f00ffff000029ffff f6c9bcb7ed53bda455bdab5f74c472bb ffff00000000ffffffff3842cbf3 a34c4498d4d1138e6103b1e40d924ad -> 6040506060406030406050604030406 f6c9bcb7ed53bda455bdab5f74c472bb ffff00000000ffffffff3842cbf3 a34c4498d4d1138e6103b1e40d924ad 5555 0 # cnt v0.16b, v1.16b
    2e205820 8638c26b15abe5b8e32a9e7bc3c42754 ff00f4ffff7f80ff00ffffff80ff 10000000080000000 ffffffffffffffff0000ffffffffffff -> 7f00ff0000007f00 ff00f4ffff7f80ff00ffffff80ff 10000000080000000 ffffffffffffffff0000ffffffffffff 5555 0 # not v0.8b, v1.8b
    6e605820 ffffffff000000000000007f ff7fffffff0000800000000000 c82b9ca50bbcb351c1e335a69ac7640d 820b49f83b6dc6ab5b047c42e454021a -> fffeffffff0000010000000000 ff7fffffff0000800000000000 c82b9ca50bbcb351c1e335a69ac7640d 820b49f83b6dc6ab5b047c42e454021a 5555 0 # rbit v0.16b, v1.16b
    4e607820 55e951c5ecedd0c879db1796b312bb95 ffff00ffc8edffff00010000ffff 4f0f0da6569192c85310fbc703d47842 ffff0000ffff00ff00ff0001ffffffff -> 100ff37130001000100000001 ffff00ffc8edffff00010000ffff 4f0f0da6569192c85310fbc703d47842 ffff0000ffff00ff00ff0001ffffffff 5555 0 # sqabs v0.8h, v1.8h
    7ea07820 ed5903746ba1bb2b60c5a3164b334ccc 80ffffffffffffffff 9e166ea50acf264a9b9c963f3b4a9816 6509b280b69102e63e55b274397c6a75 -> 1 80ffffffffffffffff 9e166ea50acf264a9b9c963f3b4a9816 6509b280b69102e63e55b274397c6a75 5555 0 # sqneg s0, s1
    4ee0b820 fd50ad1fb8579b0f26e85f9b9f332145 5fe4e25c2f66a9e10f238ab801fbbc 7fff00000000ffffffff0000ffff 83618765cd1afcf4dfd74033578656a9 -> 5fe4e25c2f66a91ef0dc7547fe0444 5fe4e25c2f66a9e10f238ab801fbbc 7fff00000000ffffffff0000ffff 83618765cd1afcf4dfd74033578656a9 5555 0 # abs v0.2d, v1.2d
    7ee0b820 956797591c8c66829a90105ef065f2e6 ffff00000001000000ff00000000 bf76cf0c9b0a7d25dec6dd5a3877202b 7fffffff000000010000008000007fff -> ffffff0100000000 ffff00000001000000ff00000000 bf76cf0c9b0a7d25dec6dd5a3877202b 7fffffff000000010000008000007fff 5555 0 # neg d0, d1
    6ea09820 ffff8000ffff0080fa7f000000ff 56d1372189b6df0508ed9a49024b5a59 8f1c873f0240aadf9c8c768004cc01c8 94eafc854b9ceb254429c9f9333a6521 -> ffffffff0000000000000000 56d1372189b6df0508ed9a49024b5a59 8f1c873f0240aadf9c8c768004cc01c8 94eafc854b9ceb254429c9f9333a6521 5555 0 # cmle v0.4s, v1.4s, #0
    5ee0a820 8064363d4c0000008000000080 7fff ff00ff00ffff80ff01ffff0000ff807f bf04888b0dd5e1a633ce604c0eb4feae -> 0 7fff ff00ff00ffff80ff01ffff0000ff807f bf04888b0dd5e1a633ce604c0eb4feae 5555 0 # cmlt d0, d1, #0
    4e212820 ff00ffffffff80ff008000ffffff00 d4881f67d4fed5423e973b1fee862ab4 9adc76812dba1741e92c15e457fd0e22 ffff7fff0000ebb700ff00ff80000000 -> 8867fe42971f86b4ff008000ffffff00 d4881f67d4fed5423e973b1fee862ab4 9adc76812dba1741e92c15e457fd0e22 ffff7fff0000ebb700ff00ff80000000 5555 0 # xtn2 v0.16b, v1.8h
    2e612820 78a81fb3f5463276656385ef50de36d7 7fffffff0000007f000000ff000000ff 7fffff008000000001007fffffffff 6da8ec2413c77dbd4f4b245b791ad404 -> ffff007f00ff00ff 7fffffff0000007f000000ff000000ff 7fffff008000000001007fffffffff 6da8ec2413c77dbd4f4b245b791ad404 5555 8000000 # sqxtun v0.4h, v1.4s
    7e614820 ea97b607731e33ace2e7b3395a6f5d99 11b64a6150db1104af3c702927e2f47a 800000000000000000 7fffffffffffffff00007fff81fba43e -> ffff 11b64a6150db1104af3c702927e2f47a 800000000000000000 7fffffffffffffff00007fff81fba43e 5555 8000000 # uqxtn h0, s1
    6ea13820 ff000080000000007fffffffff ff00007fff80007fffffff0080 3906c25022ad1f66f9cf9b4218de743c 29912c43240f60c5443bebcbe3ec24e0 -> ff0000000000007fff00000000 ff00007fff80007fffffff0080 3906c25022ad1f66f9cf9b4218de743c 29912c43240f60c5443bebcbe3ec24e0 5555 0 # shll2 v0.2d, v1.4s, #32
    4e31b820 825f088382bcde5592caa6c54fbac550 ffff000000000000ffff 6edfbaf9320a22785b0a90ecdd3a1627 7f00000080 -> fc ffff000000000000ffff 6edfbaf9320a22785b0a90ecdd3a1627 7f00000080 5555 0 # addv b0, v1.16b
    4e70a820 c88990a30c9e26332f172edb5ce5d225 b232e727ad8fbba23cc1342c9c14ef2e ffffffffff09ff5080b4ffff00ff80ff ab74180991323f9eeeec9e2bbdd466db -> 3cc1 b232e727ad8fbba23cc1342c9c14ef2e ffffffffff09ff5080b4ffff00ff80ff ab74180991323f9eeeec9e2bbdd466db 5555 0 # smaxv h0, v1.8h
    6eb1a820 ffffffff00007fff0000000100000000 a55361fda88d5a76fdc1599c101c417f ff00ff000001ff7f00ffffffffffff7f 10000007f0000007f000000ff -> 101c417f a55361fda88d5a76fdc1599c101c417f ff00ff000001ff7f00ffffffffffff7f 10000007f0000007f000000ff 5555 0 # uminv s0, v1.4s
    4eb03820 b246548991270564be9531b385b7e13d 7fffffffffffffff000000000000007f 1438c8173f637df1a3c48af4bafd78e2 ffff00007fffffff00ff000053ff00ff -> 8000007d 7fffffffffffffff000000000000007f 1438c8173f637df1a3c48af4bafd78e2 ffff00007fffffff00ff000053ff00ff 5555 0 # saddlv d0, v1.4s
    2e303820 a98d2f22a516c874b00c30463ccc6aa6 807fff003b00ff0000ffffffff7fff00 7f00000000000000ff bdd52e83e969f04cce31b56e2e33d87a -> 57a 807fff003b00ff0000ffffffff7fff00 7f00000000000000ff bdd52e83e969f04cce31b56e2e33d87a 5555 0 # uaddlv h0, v1.8b
    4f528820 7fffffff0000ffff000080007fffffff f485f03381dd51f79d9830d78519e301 485444cf34ec3c4ac9999406d7b88a2f ff007fff010180ffffff9e7fffff00ff -> 6e9ccb049bbcbbb42820b234c70c78ec f485f03381dd51f79d9830d78519e301 485444cf34ec3c4ac9999406d7b88a2f ff007fff010180ffffff9e7fffff00ff 5555 0 # mul v0.8h, v1.8h, v2.h[5]
    6fa20820 964fbc630952064997f4206bda574974 7d0083097330ff0b9726038ef9c1f002 c192d2dec69f9da3594afa3ae9a33aee e0a1ce572e2f02f145f5fece990f0fb1 -> ec60c031de4c37d3eed1b18fea8b0f30 7d0083097330ff0b9726038ef9c1f002 c192d2dec69f9da3594afa3ae9a33aee e0a1ce572e2f02f145f5fece990f0fb1 5555 0 # mla v0.4s, v1.4s, v2.s[3]
    0f7fd820 e200ff7fffff47ff000155ffff8010ff 7f0000000000007fff 7f000000010001a64bffff00800000 ffff0000ffff00000000000000ff -> 0 7f0000000000007fff 7f000000010001a64bffff00800000 ffff0000ffff00000000000000ff 5555 0 # sqrdmulh v0.4h, v1.4h, v15.h[7]
    6fa2a020 94c8a62ca4c050ed4d97b5a0b65e141d 2c94cdd24a245f3cc0c441bad966009a 756fe9002740e40e721e84052e01f8f0 50fc29da518ef8c9894058031f962d50 -> 13df94153ba44d1a210d08e814d8cc2c 2c94cdd24a245f3cc0c441bad966009a 756fe9002740e40e721e84052e01f8f0 50fc29da518ef8c9894058031f962d50 5555 0 # umull2 v0.2d, v1.4s, v2.s[1]
    0f627020 7fff000000007fffffff 80000000ffff0000ffff80000000 7fff0000522900000080000000800080 5c8f8d9a5c0972b15822f194079b38ca -> 7fff000000007fffffff 80000000ffff0000ffff80000000 7fff0000522900000080000000800080 5c8f8d9a5c0972b15822f194079b38ca 5555 0 # sqdmlsl v0.4s, v1.4h, v2.h[2]
    5f72c020 ffc962efe0358819d0 80000000007fffffffffffffffff 80d6fd5c1b8000000000000000 3429c86f627b263751fc04169c81fe8f -> 1 80000000007fffffffffffffffff 80d6fd5c1b8000000000000000 3429c86f627b263751fc04169c81fe8f 5555 0 # sqdmulh h0, h1, v2.h[3]
    5f823820 8000000000010000000000008000 ffff7fff7f80ffffffff00ff7fff00 bb8c46cdcb32d9179b50ac3e55761f8c 800000007f00007fff0000007f -> 34cd90834e5200 ffff7fff7f80ffffffff00ff7fff00 bb8c46cdcb32d9179b50ac3e55761f8c 800000007f00007fff0000007f 5555 0 # sqdmlal d0, s1, v2.s[2]
";

    #[test]
    fn against_qemu() {
        super::super::testutil::check(VECTORS);
    }
}
