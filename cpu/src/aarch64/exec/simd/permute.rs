//! AdvSIMD permutes and copies (DDI 0487 C7.2; encodings C4.1.95 "Advanced SIMD permute",
//! "extract", "table lookup", "copy" and "scalar copy"): ZIP1/ZIP2/UZP1/UZP2/TRN1/TRN2, EXT,
//! TBL/TBX, DUP (element, general), INS (element, general), UMOV, SMOV.

use crate::aarch64::block::Env;
use crate::aarch64::exec::fp_guard;
use crate::aarch64::state::{Cpu, Flow, Ops};
use crate::by_size;

use super::lanes::*;

/// Permute operations (const generic of [`perm`]).
pub mod op {
    /// UZP1.
    pub const UZP1: u8 = 0;
    /// UZP2.
    pub const UZP2: u8 = 1;
    /// TRN1.
    pub const TRN1: u8 = 2;
    /// TRN2.
    pub const TRN2: u8 = 3;
    /// ZIP1.
    pub const ZIP1: u8 = 4;
    /// ZIP2.
    pub const ZIP2: u8 = 5;
}

use op::*;

/// ZIP1/ZIP2/UZP1/UZP2/TRN1/TRN2 over `op2` bytes of Vn and Vm.
pub fn perm<const OP: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let (a, b) = (cpu.vq(o.rn), cpu.vq(o.rm));
    let bits = o.op2 as u32 * 8;
    let r = by_size!(o.op, |E| {
        let n = bits / E;
        let mut r = 0u128;
        for i in 0..n {
            let v = match OP {
                UZP1 | UZP2 => {
                    let j = 2 * i + (OP == UZP2) as u32;
                    if j < n {
                        elem(a, j, E)
                    } else {
                        elem(b, j - n, E)
                    }
                }
                TRN1 | TRN2 => {
                    let j = (i & !1) + (OP == TRN2) as u32;
                    elem(if i & 1 == 0 { a } else { b }, j, E)
                }
                _ => {
                    let j = i / 2 + if OP == ZIP2 { n / 2 } else { 0 };
                    elem(if i & 1 == 0 { a } else { b }, j, E)
                }
            };
            r = put(r, i, E, v);
        }
        r
    });
    cpu.set_vq(o.rd, r);
    Flow::Next
}

/// EXT: bytes `shift`.. of the concatenation Vm:Vn (`op2` bytes each).
pub fn ext(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let m = dmask(o.op2);
    let (a, b) = (cpu.vq(o.rn) & m, cpu.vq(o.rm) & m);
    let pos = o.shift as u32 * 8;
    let r = if pos == 0 {
        a
    } else {
        (a >> pos) | (b << (o.op2 as u32 * 8 - pos))
    };
    cpu.set_vq(o.rd, r & m);
    Flow::Next
}

/// TBL/TBX (`TBX` keeps Vd's byte for out-of-range indices): table registers Vn.. (`shift` of
/// them, numbers wrapping modulo 32), indices from `op2` bytes of Vm.
pub fn tbl<const TBX: bool>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let mut table = [0u8; 64];
    for r in 0..o.shift as usize {
        let v = cpu.vq(o.rn.wrapping_add(r as u8) & 31);
        table[16 * r..16 * r + 16].copy_from_slice(&v.to_le_bytes());
    }
    let limit = 16 * o.shift as usize;
    let idx = cpu.vq(o.rm).to_le_bytes();
    let mut out = if TBX {
        cpu.vq(o.rd).to_le_bytes()
    } else {
        [0u8; 16]
    };
    for i in 0..o.op2 as usize {
        let j = idx[i] as usize;
        if j < limit {
            out[i] = table[j];
        }
    }
    cpu.set_vq(o.rd, u128::from_le_bytes(out) & dmask(o.op2));
    Flow::Next
}

/// DUP (element), vector and scalar: element `shift` of Vn replicated over `op2` bytes.
pub fn dup_elem(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let a = cpu.vq(o.rn);
    let r = by_size!(o.op, |E| dup(elem(a, o.shift as u32, E), E));
    cpu.set_vq(o.rd, r & dmask(o.op2));
    Flow::Next
}

/// DUP (general): the low element-size bits of general register `rn` replicated.
pub fn dup_gen(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let x = cpu.r(o.rn);
    let r = by_size!(o.op, |E| dup(x, E));
    cpu.set_vq(o.rd, r & dmask(o.op2));
    Flow::Next
}

/// INS (general): element `shift` of Vd = general register `rn`; the rest of Vd is kept.
pub fn ins_gen(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let x = cpu.r(o.rn);
    let e = 8u32 << o.op;
    let r = put(cpu.vq(o.rd), o.shift as u32, e, x);
    cpu.set_vq(o.rd, r);
    Flow::Next
}

/// INS (element): element `shift` of Vd = element `imm` of Vn.
pub fn ins_elem(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let e = 8u32 << o.op;
    let x = elem(cpu.vq(o.rn), o.imm as u32, e);
    let r = put(cpu.vq(o.rd), o.shift as u32, e, x);
    cpu.set_vq(o.rd, r);
    Flow::Next
}

/// UMOV/SMOV (`SIGNED`): element `shift` of Vn to general register `rd`, zero- or sign-extended
/// to 32 (`sf` = 0) or 64 bits.
pub fn mov_to_gen<const SIGNED: bool>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let e = 8u32 << o.op;
    let x = elem(cpu.vq(o.rn), o.shift as u32, e);
    let x = if SIGNED { sx(x, e) as u64 } else { x };
    cpu.w_sf(o.rd, x, o.sf);
    Flow::Next
}
