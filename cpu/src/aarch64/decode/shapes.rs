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

/// B.cond: `op` = cond, `imm` = sign-extended byte offset (imm19 × 4).
pub fn cond_branch(w: u32) -> Option<Ops> {
    Some(Ops {
        op: bits(w, 0, 4) as u8,
        imm: sext((bits(w, 5, 19) as u64) << 2, 21),
        ..Ops::default()
    })
}

/// CBZ/CBNZ: `rn` = Rt (ZR-form), `sf`, `op` = 1 for CBNZ, `imm` = byte offset (imm19 × 4).
pub fn cmp_branch(w: u32) -> Option<Ops> {
    Some(Ops {
        rn: rz(w, 0),
        sf: sf(w),
        op: bit(w, 24) as u8,
        imm: sext((bits(w, 5, 19) as u64) << 2, 21),
        ..Ops::default()
    })
}

/// TBZ/TBNZ: `rn` = Rt (ZR-form), `shift` = bit number b5:b40, `op` = 1 for TBNZ, `imm` = byte
/// offset (imm14 × 4).
pub fn test_branch(w: u32) -> Option<Ops> {
    Some(Ops {
        rn: rz(w, 0),
        shift: ((bits(w, 31, 1) << 5) | bits(w, 19, 5)) as u8,
        op: bit(w, 24) as u8,
        imm: sext((bits(w, 5, 14) as u64) << 2, 16),
        ..Ops::default()
    })
}

/// BR/BLR/RET: `rn` = the target register (31 reads XZR).
pub fn branch_reg(w: u32) -> Option<Ops> {
    Some(Ops {
        rn: rz(w, 5),
        ..Ops::default()
    })
}
// ## end of branches (more)
//
//
// ## System (more)

/// The word itself in `imm` (hints and PSTATE writes that may be UNDEFINED or trapped at run
/// time need it for the report and the syndrome), `op` = CRm, `op2` = op2.
pub fn sys_word(w: u32) -> Option<Ops> {
    Some(Ops {
        op: bits(w, 8, 4) as u8,
        op2: bits(w, 5, 3) as u8,
        imm: w as u64,
        ..Ops::default()
    })
}

/// MRS/MSR/SYS: the system register table index of op0:op1:CRn:CRm:op2 in `imm` bits 31:0 and
/// the word in bits 63:32. Encodings the table does not know, and accesses the register does not
/// allow in that direction (MSR to a read-only register, MRS of a write-only one), are
/// UNDEFINED at decode time; SYS must name a SYS operation.
fn sysreg_index(w: u32, read: bool) -> Option<u64> {
    use crate::aarch64::sysreg::{desc, find, Storage};
    let i = find(bits(w, 5, 16))?;
    let d = desc(i);
    let sys_op = matches!(d.storage, Storage::Op(_));
    let ok = if read {
        !d.write_only
    } else {
        !d.read_only && (sys_op == (bits(w, 19, 2) == 1))
    };
    ok.then_some(i as u64 | (w as u64) << 32)
}

/// MRS: `rd` = Rt (ZR-form), `imm` as [`sysreg_index`].
pub fn sysreg_read(w: u32) -> Option<Ops> {
    Some(Ops {
        rd: wz(w, 0),
        imm: sysreg_index(w, true)?,
        ..Ops::default()
    })
}

/// MSR (register) and SYS: `rn` = Rt (ZR-form), `imm` as [`sysreg_index`].
pub fn sysreg_write(w: u32) -> Option<Ops> {
    Some(Ops {
        rn: rz(w, 0),
        imm: sysreg_index(w, false)?,
        ..Ops::default()
    })
}
// ## end of system (more)
