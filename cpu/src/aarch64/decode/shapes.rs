//! Field extraction shared by the encoding table: bit slicing, register-slot resolution and the
//! operand shapes (argument sets) that many encodings share. Shapes used by a single class live
//! in this file too, grouped under the class heading, so the table reads as one list.

use crate::aarch64::state::{Ops, REG_ZR_READ, REG_ZR_WRITE};

/// `n` bits of `w` starting at bit `lo`.
#[inline]
pub const fn bits(w: u32, lo: u32, n: u32) -> u32 {
    (w >> lo) & ((1u32 << n) - 1)
}

/// Bit `i` of `w`.
#[inline]
pub const fn bit(w: u32, i: u32) -> bool {
    (w >> i) & 1 == 1
}

/// Sign-extend the low `n` bits of `v`.
#[inline]
pub const fn sext(v: u64, n: u32) -> u64 {
    (((v << (64 - n)) as i64) >> (64 - n)) as u64
}

/// Register field at `lo` read as Xn/XZR (31 → the zero slot).
#[inline]
pub const fn rz(w: u32, lo: u32) -> u8 {
    let r = bits(w, lo, 5) as u8;
    if r == 31 {
        REG_ZR_READ
    } else {
        r
    }
}

/// Register field at `lo` written as Xd/XZR (31 → the sink slot).
#[inline]
pub const fn wz(w: u32, lo: u32) -> u8 {
    let r = bits(w, lo, 5) as u8;
    if r == 31 {
        REG_ZR_WRITE
    } else {
        r
    }
}

/// Register field at `lo` as Xn/SP (31 → the current stack pointer slot), read or written.
#[inline]
pub const fn rsp(w: u32, lo: u32) -> u8 {
    bits(w, lo, 5) as u8
}

/// Whether bit 31 (sf) selects a 64-bit operation.
#[inline]
pub const fn sf(w: u32) -> bool {
    bit(w, 31)
}

// ## Branches, exception generation and system

/// Unconditional branch immediate: `imm` = sign-extended byte offset (imm26 × 4).
pub fn branch26(w: u32) -> Option<Ops> {
    Some(Ops {
        imm: sext((bits(w, 0, 26) as u64) << 2, 28),
        ..Ops::default()
    })
}

/// Exception generation: `imm` = imm16.
pub fn imm16(w: u32) -> Option<Ops> {
    Some(Ops {
        imm: bits(w, 5, 16) as u64,
        ..Ops::default()
    })
}

/// No operands.
pub fn none(_: u32) -> Option<Ops> {
    Some(Ops::default())
}

// ## Data processing – immediate

/// ADD/SUB (immediate): `rd` SP-form (or ZR-form for the flag-setting forms, see
/// [`addsub_imm_s`]), `rn` SP-form, `imm` = imm12 << (12 × sh).
pub fn addsub_imm(w: u32) -> Option<Ops> {
    let sh = if bit(w, 22) { 12 } else { 0 };
    Some(Ops {
        rd: rsp(w, 0),
        rn: rsp(w, 5),
        sf: sf(w),
        imm: (bits(w, 10, 12) as u64) << sh,
        ..Ops::default()
    })
}

/// ADDS/SUBS (immediate): as [`addsub_imm`] with Rd written as XZR.
pub fn addsub_imm_s(w: u32) -> Option<Ops> {
    addsub_imm(w).map(|o| Ops { rd: wz(w, 0), ..o })
}

// ## Loads and stores

// (loads and stores shapes)

/// Load/store register (unsigned immediate): `rd` = Rt (ZR-form, read for stores: see the
/// handler), `ra` = Rt read slot, `rn` = base (SP-form), `op` = log2(size), `imm` = offset.
pub fn ldst_uimm(w: u32) -> Option<Ops> {
    let size = bits(w, 30, 2);
    Some(Ops {
        rd: wz(w, 0),
        ra: rz(w, 0),
        rn: rsp(w, 5),
        op: size as u8,
        imm: (bits(w, 10, 12) as u64) << size,
        ..Ops::default()
    })
}
// ## end of loads and stores
//
//
// ## Data processing – register
// ## end of data processing – register
//
//
// ## Branches (more)
// ## end of branches (more)
//
//
// ## System (more)
// ## end of system (more)
