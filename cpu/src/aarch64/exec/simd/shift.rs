//! AdvSIMD shift by immediate, vector and scalar (DDI 0487 C7.2; encodings C4.1.95 "Advanced
//! SIMD shift by immediate" and "Advanced SIMD scalar shift by immediate").
//!
//! One table line serves each class (the modified-immediate encodings share the space where
//! immh = 0 and come first); the shape decodes U:opcode into the operation (`ra`, one of
//! [`kind`]), the element size from immh (`op`), the shift amount (`shift`), the bytes covered
//! (`op2`) and the upper-half selector of the narrowing/widening "2" forms (`sf`). The
//! fixed-point conversions of this class (opcodes 11100 and 11111) are floating point and not
//! decoded here.

use crate::aarch64::block::Env;
use crate::aarch64::exec::fp_guard;
use crate::aarch64::state::{Cpu, Flow, Ops};
use crate::by_size;

use super::arith::{by_nsize, write_narrow};
use super::lanes::*;
use super::set_qc;

/// Operations of the shift-by-immediate class (`Ops::ra`).
pub mod kind {
    /// Element-wise right shifts (amount 1..=esize).
    pub const SSHR: u8 = 0;
    #[allow(missing_docs)]
    pub const USHR: u8 = 1;
    #[allow(missing_docs)]
    pub const SSRA: u8 = 2;
    #[allow(missing_docs)]
    pub const USRA: u8 = 3;
    #[allow(missing_docs)]
    pub const SRSHR: u8 = 4;
    #[allow(missing_docs)]
    pub const URSHR: u8 = 5;
    #[allow(missing_docs)]
    pub const SRSRA: u8 = 6;
    #[allow(missing_docs)]
    pub const URSRA: u8 = 7;
    #[allow(missing_docs)]
    pub const SRI: u8 = 8;
    /// Element-wise left shifts (amount 0..esize).
    pub const SHL: u8 = 9;
    #[allow(missing_docs)]
    pub const SLI: u8 = 10;
    #[allow(missing_docs)]
    pub const SQSHL: u8 = 11;
    #[allow(missing_docs)]
    pub const UQSHL: u8 = 12;
    #[allow(missing_docs)]
    pub const SQSHLU: u8 = 13;
    /// Narrowing right shifts (wide source, amount 1..=narrow esize).
    pub const SHRN: u8 = 14;
    #[allow(missing_docs)]
    pub const RSHRN: u8 = 15;
    #[allow(missing_docs)]
    pub const SQSHRN: u8 = 16;
    #[allow(missing_docs)]
    pub const UQSHRN: u8 = 17;
    #[allow(missing_docs)]
    pub const SQRSHRN: u8 = 18;
    #[allow(missing_docs)]
    pub const UQRSHRN: u8 = 19;
    #[allow(missing_docs)]
    pub const SQSHRUN: u8 = 20;
    #[allow(missing_docs)]
    pub const SQRSHRUN: u8 = 21;
    /// Widening left shifts (amount 0..esize; SHLL uses USHLL with amount = esize).
    pub const SSHLL: u8 = 22;
    #[allow(missing_docs)]
    pub const USHLL: u8 = 23;
}

use kind::*;

/// Whether the operation is a right shift (amount = 2 × esize − immh:immb).
pub const fn is_right(k: u8) -> bool {
    k <= SRI || (k >= SHRN && k <= SQRSHRUN)
}

/// Whether the operation narrows (wide source lanes).
pub const fn is_narrow(k: u8) -> bool {
    k >= SHRN && k <= SQRSHRUN
}

/// Whether the operation widens.
pub const fn is_long(k: u8) -> bool {
    k >= SSHLL
}

/// Right shift of an `e`-bit (signed or unsigned) value by 1..=e (or up to 2e for narrowing
/// sources), with optional rounding, as a wide integer.
#[inline(always)]
fn shr(v: i128, sh: u32, round: bool) -> i128 {
    if round {
        (v + (1i128 << (sh - 1))) >> sh
    } else {
        v >> sh
    }
}

/// Lane function of the element-wise shifts: `x` from Vn, `d` from Vd.
#[inline(always)]
fn lane<const K: u8>(x: u64, d: u64, sh: u32, e: u32, qc: &mut bool) -> u64 {
    let (s, u) = (sx(x, e) as i128, x as i128);
    match K {
        SSHR => shr(s, sh, false) as u64,
        USHR => shr(u, sh, false) as u64,
        SSRA => d.wrapping_add(shr(s, sh, false) as u64),
        USRA => d.wrapping_add(shr(u, sh, false) as u64),
        SRSHR => shr(s, sh, true) as u64,
        URSHR => shr(u, sh, true) as u64,
        SRSRA => d.wrapping_add(shr(s, sh, true) as u64),
        URSRA => d.wrapping_add(shr(u, sh, true) as u64),
        SRI => {
            let m = (emask(e) as u128 >> sh) as u64;
            (d & !m) | (shr(u, sh, false) as u64)
        }
        SHL => x << sh,
        SLI => {
            let m = emask(e) << sh;
            (d & !m) | (x << sh)
        }
        SQSHL => sat_s(s << sh, e, qc),
        UQSHL => sat_u(u << sh, e, qc),
        _ => sat_u(s << sh, e, qc), // SQSHLU
    }
}

/// Lane function of the narrowing shifts: `x` is a 2e-bit source element, the result `e` bits.
#[inline(always)]
fn lane_narrow<const K: u8>(x: u64, sh: u32, e: u32, qc: &mut bool) -> u64 {
    let (s, u) = (sx(x, 2 * e) as i128, x as i128);
    match K {
        SHRN => shr(u, sh, false) as u64,
        RSHRN => shr(u, sh, true) as u64,
        SQSHRN => sat_s(shr(s, sh, false), e, qc),
        UQSHRN => sat_u(shr(u, sh, false), e, qc),
        SQRSHRN => sat_s(shr(s, sh, true), e, qc),
        UQRSHRN => sat_u(shr(u, sh, true), e, qc),
        SQSHRUN => sat_u(shr(s, sh, false), e, qc),
        _ => sat_u(shr(s, sh, true), e, qc), // SQRSHRUN
    }
}

/// Element-wise shift of every lane.
#[inline(always)]
fn elementwise<const K: u8>(cpu: &mut Cpu, o: &Ops) -> Flow {
    let m = dmask(o.op2);
    let a = cpu.vq(o.rn) & m;
    let d = cpu.vq(o.rd) & m;
    let sh = o.shift as u32;
    let mut qc = false;
    let r = by_size!(o.op, |E| map2::<E>(a, d, |x, z| lane::<K>(
        x, z, sh, E, &mut qc
    )));
    if qc {
        set_qc(cpu);
    }
    cpu.set_vq(o.rd, r & m);
    Flow::Next
}

/// Narrowing shift: wide lanes of Vn into half `sf` of Vd.
#[inline(always)]
fn narrow<const K: u8>(cpu: &mut Cpu, o: &Ops) -> Flow {
    let a = cpu.vq(o.rn) & dmask(2 * o.op2);
    let sh = o.shift as u32;
    let mut qc = false;
    let r = by_nsize!(o.op, |E| {
        let mut r = 0u128;
        for i in 0..o.op2 as u32 * 8 / E {
            r = put(r, i, E, lane_narrow::<K>(elem(a, i, 2 * E), sh, E, &mut qc));
        }
        r as u64
    });
    if qc {
        set_qc(cpu);
    }
    write_narrow(cpu, o.rd, o.sf, r);
    Flow::Next
}

/// SSHLL/USHLL (and SHLL): narrow lanes of half `sf` of Vn, extended and shifted left.
#[inline(always)]
fn long<const K: u8>(cpu: &mut Cpu, o: &Ops) -> Flow {
    let a = half(cpu.vq(o.rn), o.sf) as u128;
    let sh = o.shift as u32;
    let r = by_nsize!(o.op, |E| {
        let mut r = 0u128;
        for i in 0..64 / E {
            let x = elem(a, i, E);
            let x = if K == SSHLL { sx(x, E) as u64 } else { x };
            r = put(r, i, 2 * E, x << sh);
        }
        r
    });
    cpu.set_vq(o.rd, r);
    Flow::Next
}

/// Shift by immediate (vector and scalar): the operation in `ra`.
pub fn shift_imm(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    match o.ra {
        SSHR => elementwise::<SSHR>(cpu, o),
        USHR => elementwise::<USHR>(cpu, o),
        SSRA => elementwise::<SSRA>(cpu, o),
        USRA => elementwise::<USRA>(cpu, o),
        SRSHR => elementwise::<SRSHR>(cpu, o),
        URSHR => elementwise::<URSHR>(cpu, o),
        SRSRA => elementwise::<SRSRA>(cpu, o),
        URSRA => elementwise::<URSRA>(cpu, o),
        SRI => elementwise::<SRI>(cpu, o),
        SHL => elementwise::<SHL>(cpu, o),
        SLI => elementwise::<SLI>(cpu, o),
        SQSHL => elementwise::<SQSHL>(cpu, o),
        UQSHL => elementwise::<UQSHL>(cpu, o),
        SQSHLU => elementwise::<SQSHLU>(cpu, o),
        SHRN => narrow::<SHRN>(cpu, o),
        RSHRN => narrow::<RSHRN>(cpu, o),
        SQSHRN => narrow::<SQSHRN>(cpu, o),
        UQSHRN => narrow::<UQSHRN>(cpu, o),
        SQRSHRN => narrow::<SQRSHRN>(cpu, o),
        UQRSHRN => narrow::<UQRSHRN>(cpu, o),
        SQSHRUN => narrow::<SQSHRUN>(cpu, o),
        SQRSHRUN => narrow::<SQRSHRUN>(cpu, o),
        SSHLL => long::<SSHLL>(cpu, o),
        _ => long::<USHLL>(cpu, o),
    }
}
