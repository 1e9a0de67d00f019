//! SIMD&FP loads and stores (DDI 0487 C4.1.88 encodings; C7.2 LDR/STR (SIMD&FP), LDP/STP/
//! LDNP/STNP (SIMD&FP), LD1–LD4/ST1–ST4 multiple and single structures, LD1R–LD4R).
//!
//! The register forms use the addressing helpers and operand layout of `exec/ldst.rs` (`imm` the
//! offset, `op` 1 when it applies to the address, `rm` the write-back slot, `op2` the SP alignment
//! mask), with `rd`/`ra` naming V registers; the access size `N` (1, 2, 4, 8 or 16 bytes) is a
//! const generic. A 16-byte access is two 8-byte accesses.
//!
//! Structure forms: `rd` = Vt (register numbers wrap modulo 32), `rn` = base, `op2` = SP mask,
//! post-index offset = X[`rm`] + `imm` (`rm` the zero slot and `imm` the transfer size for the
//! immediate form, `rm` = Xm and `imm` = 0 for the register form, both zero without
//! write-back), written to slot `ra` (Rn, or the XZR sink). Multiple: `op` = size, `sf` = Q,
//! `shift` = selem | rpt << 4. Single lane: `op` = size | index << 2, `shift` = selem.
//! Replicate: `op` = size, `sf` = Q, `shift` = selem.
//!
//! Loads complete all their memory accesses before writing any register, so a fault leaves the
//! registers unchanged; stores write element by element in address order.

use crate::aarch64::block::Env;
use crate::aarch64::exception::Trap;
use crate::aarch64::exec::fp_guard;
use crate::aarch64::exec::ldst::{base, imm_addr, reg_addr};
use crate::aarch64::mem::{Access, PAGE_MASK, PAGE_SIZE};
use crate::aarch64::state::{Cpu, Flow, Ops};

use super::lanes::{dmask, dup, elem, put};

/// Load `N` bytes (1, 2, 4, 8, 16) at `a`, zero-extended to a register value.
#[inline(always)]
fn load_v<const N: usize>(cpu: &mut Cpu, env: &mut Env, a: u64) -> Result<u128, Trap> {
    Ok(match N {
        1 => cpu.load::<1>(env, a)? as u128,
        2 => cpu.load::<2>(env, a)? as u128,
        4 => cpu.load::<4>(env, a)? as u128,
        8 => cpu.load::<8>(env, a)? as u128,
        _ => {
            let lo = cpu.load::<8>(env, a)?;
            let hi = cpu.load::<8>(env, a.wrapping_add(8))?;
            lo as u128 | (hi as u128) << 64
        }
    })
}

/// Store the low `N` bytes (1, 2, 4, 8, 16) of `v` at `a`. A 16-byte store that crosses a page
/// checks the second page first so that a fault there writes nothing.
#[inline(always)]
fn store_v<const N: usize>(cpu: &mut Cpu, env: &mut Env, a: u64, v: u128) -> Result<(), Trap> {
    match N {
        1 => cpu.store::<1>(env, a, v as u64),
        2 => cpu.store::<2>(env, a, v as u64),
        4 => cpu.store::<4>(env, a, v as u64),
        8 => cpu.store::<8>(env, a, v as u64),
        _ => {
            if a & PAGE_MASK > PAGE_SIZE - 16 {
                cpu.translate(a.wrapping_add(15), Access::Write)?;
            }
            cpu.store::<8>(env, a, v as u64)?;
            cpu.store::<8>(env, a.wrapping_add(8), (v >> 64) as u64)
        }
    }
}

/// LDR (immediate, SIMD&FP), all forms, and LDUR: load `N` bytes into Vt (the rest zeroed),
/// then write back.
pub fn ld<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let r = base(cpu, o).and_then(|b| Ok((b, load_v::<N>(cpu, env, imm_addr(b, o))?)));
    match r {
        Ok((b, v)) => {
            cpu.set_vq(o.rd, v);
            cpu.w(o.rm, b.wrapping_add(o.imm));
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// STR (immediate, SIMD&FP), all forms, and STUR: store the low `N` bytes of Vt, then write
/// back.
pub fn st<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let v = cpu.vq(o.rd);
    let r = base(cpu, o).and_then(|b| {
        store_v::<N>(cpu, env, imm_addr(b, o), v)?;
        Ok(b)
    });
    match r {
        Ok(b) => {
            cpu.w(o.rm, b.wrapping_add(o.imm));
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// LDR (register, SIMD&FP).
pub fn ld_r<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    match reg_addr(cpu, o).and_then(|a| load_v::<N>(cpu, env, a)) {
        Ok(v) => {
            cpu.set_vq(o.rd, v);
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// STR (register, SIMD&FP).
pub fn st_r<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let v = cpu.vq(o.rd);
    match reg_addr(cpu, o).and_then(|a| store_v::<N>(cpu, env, a, v)) {
        Ok(()) => Flow::Next,
        Err(t) => cpu.raise(t),
    }
}

/// LDR (literal, SIMD&FP): S, D or Q from PC + `imm`.
pub fn ld_lit<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    match load_v::<N>(cpu, env, cpu.pc.wrapping_add(o.imm)) {
        Ok(v) => {
            cpu.set_vq(o.rd, v);
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// LDP/LDNP (SIMD&FP), all forms: Vt and Vt2 (`ra`) from two consecutive `N`-byte elements;
/// neither register changes if an access faults. With Vt == Vt2 the second element wins.
pub fn ldp<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let r = base(cpu, o).and_then(|b| {
        let a = imm_addr(b, o);
        let lo = load_v::<N>(cpu, env, a)?;
        let hi = load_v::<N>(cpu, env, a.wrapping_add(N as u64))?;
        Ok((b, lo, hi))
    });
    match r {
        Ok((b, lo, hi)) => {
            cpu.set_vq(o.rd, lo);
            cpu.set_vq(o.ra, hi);
            cpu.w(o.rm, b.wrapping_add(o.imm));
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// STP/STNP (SIMD&FP), all forms: Vt and Vt2 (`ra`) to two consecutive `N`-byte elements.
pub fn stp<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let (lo, hi) = (cpu.vq(o.rd), cpu.vq(o.ra));
    let r = base(cpu, o).and_then(|b| {
        let a = imm_addr(b, o);
        store_v::<N>(cpu, env, a, lo)?;
        store_v::<N>(cpu, env, a.wrapping_add(N as u64), hi)?;
        Ok(b)
    });
    match r {
        Ok(b) => {
            cpu.w(o.rm, b.wrapping_add(o.imm));
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// Post-index write-back of the structure forms: base + X[rm] + imm to slot `ra`.
#[inline(always)]
fn writeback(cpu: &mut Cpu, o: &Ops, b: u64) {
    let off = cpu.r(o.rm).wrapping_add(o.imm);
    cpu.w(o.ra, b.wrapping_add(off));
}

/// Load an element of `ebytes` (1, 2, 4, 8) bytes.
#[inline(always)]
fn load_e(cpu: &mut Cpu, env: &mut Env, a: u64, ebytes: u32) -> Result<u64, Trap> {
    cpu.load_sized(env, a, ebytes as u8)
}

/// LD1–LD4 (multiple structures), all arrangements and register counts, with or without
/// post-index: `rpt` groups of `selem` registers, elements interleaved in memory.
pub fn ld_mult(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let b = match base(cpu, o) {
        Ok(b) => b,
        Err(t) => return cpu.raise(t),
    };
    let (selem, rpt) = ((o.shift & 15) as u32, (o.shift >> 4) as u32);
    let dbytes = if o.sf { 16 } else { 8 };
    let mut vals = [0u128; 4];
    if selem == 1 {
        // Consecutive registers from consecutive memory: element order is byte order.
        for (r, val) in vals.iter_mut().enumerate().take(rpt as usize) {
            let a = b.wrapping_add(r as u64 * dbytes);
            let v = if o.sf {
                load_v::<16>(cpu, env, a)
            } else {
                load_v::<8>(cpu, env, a)
            };
            match v {
                Ok(v) => *val = v,
                Err(t) => return cpu.raise(t),
            }
        }
    } else {
        let (ebytes, e) = (1u32 << o.op, 8u32 << o.op);
        let mut a = b;
        for i in 0..dbytes as u32 / ebytes {
            for val in vals.iter_mut().take(selem as usize) {
                match load_e(cpu, env, a, ebytes) {
                    Ok(x) => *val = put(*val, i, e, x),
                    Err(t) => return cpu.raise(t),
                }
                a = a.wrapping_add(ebytes as u64);
            }
        }
    }
    for (r, v) in vals.iter().enumerate().take((selem * rpt) as usize) {
        cpu.set_vq(o.rd.wrapping_add(r as u8), *v);
    }
    writeback(cpu, o, b);
    Flow::Next
}

/// ST1–ST4 (multiple structures), all arrangements and register counts, with or without
/// post-index.
pub fn st_mult(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let b = match base(cpu, o) {
        Ok(b) => b,
        Err(t) => return cpu.raise(t),
    };
    let (selem, rpt) = ((o.shift & 15) as u32, (o.shift >> 4) as u32);
    let dbytes = if o.sf { 16 } else { 8 };
    if selem == 1 {
        for r in 0..rpt {
            let a = b.wrapping_add(r as u64 * dbytes);
            let v = cpu.vq(o.rd.wrapping_add(r as u8));
            let res = if o.sf {
                store_v::<16>(cpu, env, a, v)
            } else {
                store_v::<8>(cpu, env, a, v)
            };
            if let Err(t) = res {
                return cpu.raise(t);
            }
        }
    } else {
        let (ebytes, e) = (1u32 << o.op, 8u32 << o.op);
        let mut a = b;
        for i in 0..dbytes as u32 / ebytes {
            for s in 0..selem {
                let x = elem(cpu.vq(o.rd.wrapping_add(s as u8)), i, e);
                if let Err(t) = cpu.store_sized(env, a, ebytes as u8, x) {
                    return cpu.raise(t);
                }
                a = a.wrapping_add(ebytes as u64);
            }
        }
    }
    writeback(cpu, o, b);
    Flow::Next
}

/// LD1–LD4 (single structure): one element of each of `selem` registers; the other elements
/// are kept.
pub fn ld_single(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let b = match base(cpu, o) {
        Ok(b) => b,
        Err(t) => return cpu.raise(t),
    };
    let (size, index) = ((o.op & 3) as u32, (o.op >> 2) as u32);
    let (ebytes, e) = (1u32 << size, 8u32 << size);
    let mut xs = [0u64; 4];
    for (s, x) in xs.iter_mut().enumerate().take(o.shift as usize) {
        match load_e(cpu, env, b.wrapping_add((s as u32 * ebytes) as u64), ebytes) {
            Ok(v) => *x = v,
            Err(t) => return cpu.raise(t),
        }
    }
    for (s, x) in xs.iter().enumerate().take(o.shift as usize) {
        let t = o.rd.wrapping_add(s as u8);
        let v = put(cpu.vq(t), index, e, *x);
        cpu.set_vq(t, v);
    }
    writeback(cpu, o, b);
    Flow::Next
}

/// ST1–ST4 (single structure): one element of each of `selem` registers.
pub fn st_single(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let b = match base(cpu, o) {
        Ok(b) => b,
        Err(t) => return cpu.raise(t),
    };
    let (size, index) = ((o.op & 3) as u32, (o.op >> 2) as u32);
    let (ebytes, e) = (1u32 << size, 8u32 << size);
    for s in 0..o.shift as u32 {
        let x = elem(cpu.vq(o.rd.wrapping_add(s as u8)), index, e);
        let a = b.wrapping_add((s * ebytes) as u64);
        if let Err(t) = cpu.store_sized(env, a, ebytes as u8, x) {
            return cpu.raise(t);
        }
    }
    writeback(cpu, o, b);
    Flow::Next
}

/// LD1R–LD4R: one structure, each element replicated over its register (`sf` = Q).
pub fn ld_repl(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let b = match base(cpu, o) {
        Ok(b) => b,
        Err(t) => return cpu.raise(t),
    };
    let (ebytes, e) = (1u32 << o.op, 8u32 << o.op);
    let mut xs = [0u64; 4];
    for (s, x) in xs.iter_mut().enumerate().take(o.shift as usize) {
        match load_e(cpu, env, b.wrapping_add((s as u32 * ebytes) as u64), ebytes) {
            Ok(v) => *x = v,
            Err(t) => return cpu.raise(t),
        }
    }
    let m = dmask(if o.sf { 16 } else { 8 });
    for (s, x) in xs.iter().enumerate().take(o.shift as usize) {
        cpu.set_vq(o.rd.wrapping_add(s as u8), dup(*x, e) & m);
    }
    writeback(cpu, o, b);
    Flow::Next
}
