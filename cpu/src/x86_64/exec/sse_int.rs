//! SSE2 128-bit packed integer instructions and the SSE/SSE2 bitwise and shuffle forms that
//! only move bits (SDM vol. 1 §11.4.3; vol. 2 per instruction): PADD*/PSUB* (wrapping and
//! saturating), PCMPEQ*/PCMPGT*, PMIN/PMAX (UB, SW), PAVGB/PAVGW, PMULLW/PMULHW/PMULHUW/
//! PMULUDQ/PMADDWD, PSADBW, PAND/PANDN/POR/PXOR and ANDPS/ANDNPS/ORPS/XORPS (+PD), the shifts
//! PSLL/PSRL/PSRA by immediate or by an XMM/m128 count, PSLLDQ/PSRLDQ, PUNPCKL*/PUNPCKH* and
//! UNPCKLPS/UNPCKHPS/UNPCKLPD/UNPCKHPD, PACKSSWB/PACKSSDW/PACKUSWB, PSHUFD/PSHUFLW/PSHUFHW,
//! SHUFPS/SHUFPD. No flags change; nothing here raises an SIMD floating-point exception.
//!
//! The same handlers run the MMX forms (SDM vol. 1 §9.4) on 64-bit MMX registers: with an
//! MMX destination every operation works on 8 bytes instead of 16 (PSHUFW is the word shuffle
//! of an MMX register), with [`super::mmx::check`] first and [`super::mmx::enter`] when the
//! result is written.
//!
//! Each handler is `op::<OP, E, W>`: operation `OP` on lanes of `E` bytes of a `W`-byte
//! register. The decoder picks `W` = 16 for the XMM forms (destination an XMM register, source
//! XMM or 16-byte-aligned m128) and `W` = 8 for the MMX forms (an MMX register, source MMX or
//! m64), so the XMM instantiations test nothing about MMX and work on a constant width.

use super::super::block::Env;
use super::super::insn::{Opnd, Ops};
use super::super::state::{sext, Cpu, Fault};
use super::mmx;
use super::sse_mov::xget;

/// Lane operations.
pub const ADD: u8 = 0;
/// Wrapping subtraction.
pub const SUB: u8 = 1;
/// Signed saturating addition.
pub const ADDS: u8 = 2;
/// Unsigned saturating addition.
pub const ADDUS: u8 = 3;
/// Signed saturating subtraction.
pub const SUBS: u8 = 4;
/// Unsigned saturating subtraction.
pub const SUBUS: u8 = 5;
/// Equal: all ones or zero.
pub const CMPEQ: u8 = 6;
/// Signed greater-than: all ones or zero.
pub const CMPGT: u8 = 7;
/// Unsigned minimum.
pub const MINU: u8 = 8;
/// Unsigned maximum.
pub const MAXU: u8 = 9;
/// Signed minimum.
pub const MINS: u8 = 10;
/// Signed maximum.
pub const MAXS: u8 = 11;
/// Unsigned rounded average.
pub const AVG: u8 = 12;
/// Low half of the product.
pub const MULLO: u8 = 13;
/// High half of the signed product.
pub const MULHS: u8 = 14;
/// High half of the unsigned product.
pub const MULHU: u8 = 15;

/// Whole-register operations.
pub const AND: u8 = 0;
/// AND NOT (destination inverted).
pub const ANDN: u8 = 1;
/// OR.
pub const OR: u8 = 2;
/// XOR.
pub const XOR: u8 = 3;
/// PMULUDQ: unsigned 32×32→64 of the even dwords.
pub const MULUDQ: u8 = 4;
/// PMADDWD: signed word products summed in pairs.
pub const MADDWD: u8 = 5;
/// PSADBW: sums of absolute byte differences per quadword.
pub const SADBW: u8 = 6;
/// PACKSSWB.
pub const PACKSSWB: u8 = 7;
/// PACKSSDW.
pub const PACKSSDW: u8 = 8;
/// PACKUSWB.
pub const PACKUSWB: u8 = 9;
/// Interleave low halves (lane size in the const parameter).
pub const UNPCKL: u8 = 10;
/// Interleave high halves.
pub const UNPCKH: u8 = 11;

/// Shift kinds.
pub const SLL: u8 = 0;
/// Logical right.
pub const SRL: u8 = 1;
/// Arithmetic right.
pub const SRA: u8 = 2;

#[inline(always)]
fn lane(v: u128, e: usize, i: usize) -> u64 {
    ((v >> (8 * e * i)) as u64) & (u64::MAX >> (64 - 8 * e))
}

/// A register of `n` bytes (16 or 8, a constant at every call) built from its `e`-byte lanes.
#[inline(always)]
fn from_lanes(n: usize, e: usize, f: impl Fn(usize) -> u64) -> u128 {
    let m = u64::MAX >> (64 - 8 * e);
    (0..n / e).fold(0u128, |acc, i| acc | ((f(i) & m) as u128) << (8 * e * i))
}

/// Signed saturation of `v` to `e` bytes.
#[inline(always)]
fn sat_s(v: i64, e: usize) -> u64 {
    let (lo, hi) = (-(1i64 << (8 * e - 1)), (1i64 << (8 * e - 1)) - 1);
    v.clamp(lo, hi) as u64
}

/// Unsigned saturation of `v` to `e` bytes.
#[inline(always)]
fn sat_u(v: i64, e: usize) -> u64 {
    v.clamp(0, (1i64 << (8 * e)) - 1) as u64
}

/// The destination's value (register width `W`: 16 for XMM, 8 for MMX), after the MMX checks
/// for an MMX one.
#[inline(always)]
fn dget<const W: usize>(cpu: &mut Cpu, ops: &Ops) -> Result<u128, Fault> {
    match ops.dst {
        Opnd::Xmm(d) if W == 16 => Ok(cpu.xmm[d as usize & 15]),
        Opnd::Mm(d) if W == 8 => {
            mmx::check(cpu)?;
            Ok(cpu.x87.mmx_read(d) as u128)
        }
        _ => Err(Fault::UD),
    }
}

/// Write the destination (checked by [`dget`]); an MMX one makes the MMX transition.
#[inline(always)]
fn dset<const W: usize>(cpu: &mut Cpu, ops: &Ops, v: u128) {
    match ops.dst {
        Opnd::Xmm(d) if W == 16 => cpu.xmm[d as usize & 15] = v,
        Opnd::Mm(d) if W == 8 => {
            cpu.x87.mmx_write(d, v as u64);
            mmx::enter(cpu);
        }
        _ => {}
    }
}

/// The destination's and the source's values.
#[inline(always)]
fn operands<const W: usize>(
    cpu: &mut Cpu,
    env: &mut Env,
    ops: &Ops,
) -> Result<(u128, u128), Fault> {
    let a = dget::<W>(cpu, ops)?;
    // An MMX form's checks came with the destination.
    let b = xget::<false>(cpu, env, ops, ops.src, ops.src_size)?;
    Ok((a, b))
}

/// Lane-wise operation `OP` on `E`-byte lanes.
pub fn lanes<const OP: u8, const E: usize, const W: usize>(
    cpu: &mut Cpu,
    env: &mut Env,
    ops: &Ops,
) -> Result<(), Fault> {
    let (a, b) = operands::<W>(cpu, env, ops)?;
    let bits = 8 * E as u32;
    let ones = u64::MAX >> (64 - bits);
    let r = from_lanes(W, E, |i| {
        let (x, y) = (lane(a, E, i), lane(b, E, i));
        let (sx, sy) = (sext(x, E as u8) as i64, sext(y, E as u8) as i64);
        match OP {
            ADD => x.wrapping_add(y),
            SUB => x.wrapping_sub(y),
            ADDS => sat_s(sx + sy, E),
            ADDUS => sat_u(x as i64 + y as i64, E),
            SUBS => sat_s(sx - sy, E),
            SUBUS => sat_u(x as i64 - y as i64, E),
            CMPEQ => ones * (x == y) as u64,
            CMPGT => ones * (sx > sy) as u64,
            MINU => x.min(y),
            MAXU => x.max(y),
            MINS => sx.min(sy) as u64,
            MAXS => sx.max(sy) as u64,
            AVG => (x + y + 1) >> 1,
            MULLO => sx.wrapping_mul(sy) as u64,
            MULHS => (sx.wrapping_mul(sy) >> bits) as u64,
            _ => x.wrapping_mul(y) >> bits,
        }
    });
    dset::<W>(cpu, ops, r);
    Ok(())
}

/// Whole-register operation `OP` (`E`: lane size for the interleaves).
pub fn whole<const OP: u8, const E: usize, const W: usize>(
    cpu: &mut Cpu,
    env: &mut Env,
    ops: &Ops,
) -> Result<(), Fault> {
    let (a, b) = operands::<W>(cpu, env, ops)?;
    let r = match OP {
        AND => a & b,
        ANDN => !a & b,
        OR => a | b,
        XOR => a ^ b,
        MULUDQ => from_lanes(W, 8, |i| {
            lane(a, 8, i) as u32 as u64 * lane(b, 8, i) as u32 as u64
        }),
        MADDWD => from_lanes(W, 4, |i| {
            let p = |k| (sext(lane(a, 2, k), 2) as i64 * sext(lane(b, 2, k), 2) as i64) as i32;
            p(2 * i).wrapping_add(p(2 * i + 1)) as u32 as u64
        }),
        SADBW => from_lanes(W, 8, |i| {
            (0..8)
                .map(|k| lane(a, 1, 8 * i + k).abs_diff(lane(b, 1, 8 * i + k)))
                .sum()
        }),
        PACKSSWB | PACKSSDW | PACKUSWB => {
            let (src, dst) = if OP == PACKSSDW { (4, 2) } else { (2, 1) };
            let n = W / src;
            from_lanes(W, dst, |i| {
                let v = if i < n {
                    lane(a, src, i)
                } else {
                    lane(b, src, i - n)
                };
                let v = sext(v, src as u8) as i64;
                if OP == PACKUSWB {
                    sat_u(v, dst)
                } else {
                    sat_s(v, dst)
                }
            })
        }
        UNPCKL | UNPCKH => {
            let half = if OP == UNPCKL { 0 } else { W / 2 / E };
            from_lanes(W, E, |i| {
                let k = half + i / 2;
                if i % 2 == 0 {
                    lane(a, E, k)
                } else {
                    lane(b, E, k)
                }
            })
        }
        _ => return Err(Fault::UD),
    };
    dset::<W>(cpu, ops, r);
    Ok(())
}

/// PSLL/PSRL/PSRA (`KIND`) on `E`-byte lanes by the immediate or by the source's low
/// quadword; a count of the lane width or more gives zero (logical) or the sign (arithmetic).
pub fn shift<const KIND: u8, const E: usize, const W: usize>(
    cpu: &mut Cpu,
    env: &mut Env,
    ops: &Ops,
) -> Result<(), Fault> {
    let a = dget::<W>(cpu, ops)?;
    let count = match ops.src {
        Opnd::Imm => ops.imm & 0xff,
        o => xget::<false>(cpu, env, ops, o, ops.src_size)? as u64,
    };
    let bits = 8 * E as u64;
    let r = from_lanes(W, E, |i| {
        let x = lane(a, E, i);
        match KIND {
            SLL if count < bits => x << count,
            SRL if count < bits => x >> count,
            SRA => (sext(x, E as u8) as i64 >> count.min(bits - 1)) as u64,
            _ => 0,
        }
    });
    dset::<W>(cpu, ops, r);
    Ok(())
}

/// PSLLDQ (`LEFT`) / PSRLDQ: the whole register shifted by `imm` bytes (16 or more: zero).
pub fn shift_bytes<const LEFT: bool>(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let Opnd::Xmm(d) = ops.dst else {
        return Err(Fault::UD);
    };
    let d = d as usize & 15;
    let n = (ops.imm & 0xff) as u32;
    let x = cpu.xmm[d];
    cpu.xmm[d] = match (n >= 16, LEFT) {
        (true, _) => 0,
        (false, true) => x << (8 * n),
        (false, false) => x >> (8 * n),
    };
    Ok(())
}

/// Shuffles by immediate: PSHUFD (selector 0), PSHUFLW (1), PSHUFHW (2), SHUFPS (3), SHUFPD
/// (4), PSHUFW (5: the four words of an MMX register).
pub fn shuffle<const W: usize>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (a, b) = operands::<W>(cpu, env, ops)?;
    let imm = ops.imm as usize;
    let pick = |k: usize| (imm >> (2 * k)) & 3;
    let r = match ops.cc & 7 {
        0 => from_lanes(W, 4, |i| lane(b, 4, pick(i))),
        5 => from_lanes(W, 2, |i| lane(b, 2, pick(i))),
        1 => from_lanes(W, 2, |i| {
            if i < 4 {
                lane(b, 2, pick(i))
            } else {
                lane(b, 2, i)
            }
        }),
        2 => from_lanes(W, 2, |i| {
            if i < 4 {
                lane(b, 2, i)
            } else {
                lane(b, 2, 4 + pick(i - 4))
            }
        }),
        3 => from_lanes(W, 4, |i| {
            if i < 2 {
                lane(a, 4, pick(i))
            } else {
                lane(b, 4, pick(i))
            }
        }),
        _ => from_lanes(W, 8, |i| {
            let src = if i == 0 { a } else { b };
            lane(src, 8, (imm >> i) & 1)
        }),
    };
    dset::<W>(cpu, ops, r);
    Ok(())
}
