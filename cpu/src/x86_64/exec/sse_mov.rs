//! SSE/SSE2 data movement (SDM vol. 2; vol. 1 §10.4.1, §11.4.1): the full-register moves
//! MOVAPS/MOVAPD/MOVDQA (aligned), MOVUPS/MOVUPD/MOVDQU (unaligned) and the non-temporal
//! stores MOVNTPS/MOVNTPD/MOVNTDQ; MOVD/MOVQ between XMM registers, general-purpose registers
//! and memory; the scalar MOVSS/MOVSD; the half moves MOVLPS/MOVLPD/MOVHPS/MOVHPD,
//! MOVHLPS/MOVLHPS; the mask extractions PMOVMSKB/MOVMSKPS/MOVMSKPD; PEXTRW/PINSRW. No flags
//! change. Non-temporal hints have no effect here (no caches).
//!
//! Operand access for every SSE handler is here too ([`xget`], [`xput`]): a 16-byte memory
//! operand must be 16-byte aligned (#GP(0)) unless the form is one of the unaligned moves.

use super::super::block::Env;
use super::super::insn::{Opnd, Ops};
use super::super::state::{Cpu, Fault};

/// Table selector bit: the form's 16-byte memory operand may be misaligned.
pub const UNALIGNED: u8 = 0x80;

/// Read operand `o` as `size` bytes (an XMM register gives all 128 bits whatever `size`).
#[inline]
pub fn xget(cpu: &mut Cpu, env: &mut Env, ops: &Ops, o: Opnd, size: u8) -> Result<u128, Fault> {
    match o {
        Opnd::Xmm(r) => Ok(cpu.xmm[r as usize & 15]),
        Opnd::Mem => {
            let la = cpu.ea(&ops.mem);
            cpu.read_vec(env, la, size, ops.cc & UNALIGNED == 0, ops.mem.stack)
        }
        Opnd::Reg(r) => Ok(cpu.reg(r, size.min(8)) as u128),
        _ => Ok(ops.imm as u128),
    }
}

/// Write `v` to operand `o`: an XMM register gets all 128 bits, memory the low `size` bytes,
/// a general-purpose register the low `size` bytes with the 32-bit zero-extension rule.
#[inline]
pub fn xput(
    cpu: &mut Cpu,
    env: &mut Env,
    ops: &Ops,
    o: Opnd,
    size: u8,
    v: u128,
) -> Result<(), Fault> {
    match o {
        Opnd::Xmm(r) => {
            cpu.xmm[r as usize & 15] = v;
            Ok(())
        }
        Opnd::Mem => {
            let la = cpu.ea(&ops.mem);
            cpu.write_vec(env, la, size, v, ops.cc & UNALIGNED == 0, ops.mem.stack)
        }
        Opnd::Reg(r) => {
            cpu.set_reg(r, size.min(8), v as u64);
            Ok(())
        }
        _ => Ok(()),
    }
}

const LO64: u128 = u64::MAX as u128;

/// MOVAPS/MOVAPD/MOVDQA/MOVUPS/MOVUPD/MOVDQU/MOVNTPS/MOVNTPD/MOVNTDQ: 128 bits.
pub fn mov128(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let v = xget(cpu, env, ops, ops.src, 16)?;
    xput(cpu, env, ops, ops.dst, 16, v)
}

/// MOVD/MOVQ (selector: 4 or 8 bytes): the low bytes of the source; an XMM destination is
/// zero-extended to 128 bits.
pub fn movdq(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let n = ops.cc & 0xf;
    let v = xget(cpu, env, ops, ops.src, n)? & (LO64 >> (64 - 8 * n as u32));
    xput(cpu, env, ops, ops.dst, n, v)
}

/// MOVSS/MOVSD (selector: 4 or 8): register to register merges the low element; a load
/// zero-extends; a store writes the low element.
pub fn movs(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let n = ops.cc & 0xf;
    let m = LO64 >> (64 - 8 * n as u32);
    let v = xget(cpu, env, ops, ops.src, n)? & m;
    let v = match (ops.dst, ops.src) {
        (Opnd::Xmm(d), Opnd::Xmm(_)) => (cpu.xmm[d as usize & 15] & !m) | v,
        _ => v,
    };
    xput(cpu, env, ops, ops.dst, n, v)
}

/// MOVLPS/MOVLPD (selector 0) and MOVHPS/MOVHPD (selector 1): a load replaces the low (high)
/// quadword, a store writes it. MOVHLPS (selector 2): low ← source's high; MOVLHPS
/// (selector 3): high ← source's low.
pub fn movhl(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let sel = ops.cc & 3;
    if let Opnd::Xmm(d) = ops.dst {
        let s = xget(cpu, env, ops, ops.src, 8)?;
        let s = if sel == 2 { s >> 64 } else { s & LO64 };
        let x = &mut cpu.xmm[d as usize & 15];
        *x = match sel {
            0 | 2 => (*x & !LO64) | s,
            _ => (*x & LO64) | s << 64,
        };
        return Ok(());
    }
    let Opnd::Xmm(s) = ops.src else {
        return Ok(());
    };
    let v = cpu.xmm[s as usize & 15];
    let v = if sel == 1 { v >> 64 } else { v & LO64 };
    xput(cpu, env, ops, ops.dst, 8, v)
}

/// PMOVMSKB (selector 1: the byte signs), MOVMSKPS (4: dword signs), MOVMSKPD (8: qword
/// signs), into a general-purpose register, zero-extended.
pub fn movmsk(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let e = (ops.cc & 0xf) as u32;
    let v = xget(cpu, env, ops, ops.src, 16)?;
    let mut m = 0u64;
    for i in 0..16 / e {
        m |= ((v >> (8 * e * (i + 1) - 1)) & 1) as u64 * (1 << i);
    }
    xput(cpu, env, ops, ops.dst, ops.size, m as u128)
}

/// PEXTRW r, xmm, imm8: word `imm & 7`, zero-extended.
pub fn pextrw(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let v = xget(cpu, env, ops, ops.src, 16)?;
    let w = (v >> (16 * (ops.imm & 7))) & 0xffff;
    xput(cpu, env, ops, ops.dst, ops.size, w)
}

/// PINSRW xmm, r32/m16, imm8: word `imm & 7` ← the source's low word.
pub fn pinsrw(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let w = xget(cpu, env, ops, ops.src, 2)? & 0xffff;
    if let Opnd::Xmm(d) = ops.dst {
        let sh = 16 * (ops.imm & 7);
        let x = &mut cpu.xmm[d as usize & 15];
        *x = (*x & !(0xffff << sh)) | w << sh;
    }
    Ok(())
}
