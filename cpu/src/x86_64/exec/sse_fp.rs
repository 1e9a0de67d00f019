//! SSE/SSE2 floating-point instructions (SDM vol. 2; vol. 1 §10.4.2, §11.4.1): ADD/SUB/MUL/
//! DIV/MIN/MAX/SQRT in the PS, PD, SS and SD forms, CMPPS/CMPPD/CMPSS/CMPSD, COMISS/COMISD/
//! UCOMISS/UCOMISD, and the conversions CVTSI2SS/SD, CVT(T)SS2SI/SD2SI, CVTSS2SD/SD2SS,
//! CVTPS2PD/PD2PS, CVTDQ2PS/PD, CVT(T)PS2DQ, CVT(T)PD2DQ. Arithmetic is [`super::softfp`]'s:
//! MXCSR rounding, DAZ/FTZ and exception flags; the scalar forms keep the destination's upper
//! elements.
//!
//! The MMX conversions CVTPI2PS/CVTPS2PI/CVTTPS2PI/CVTPI2PD/CVTPD2PI/CVTTPD2PI are here too
//! (their MMX operand through [`super::sse_mov::xget`]/[`xput`]).
//!
//! Unmasked exceptions (SDM vol. 1 §11.5.1, [`commit`]): when an element raises an
//! exception unmasked in MXCSR, nothing is written but MXCSR's flags, and the instruction
//! raises #XM (vector 19) with CR4.OSXMMEXCPT set, #UD without. A pre-computation exception
//! (#I, #D, #Z) unmasked in any element stops the operation: only the pre-computation flags
//! of all elements are set. Otherwise the flags of all elements are set, and an unmasked
//! post-computation exception (#O, #U, #P) raises the fault ([`super::softfp::round`] gives
//! the flags of an unmasked #O or #U).

use super::super::block::Env;
use super::super::insn::{Opnd, Ops};
use super::super::state::flag::{AF, CF, OF, PF, SF, ZF};
use super::super::state::{Cpu, Fault};
use super::super::system::cr4;
use super::softfp::{self as sf, mx, Fmt, Op, F32, F64};
use super::sse_mov::{xget, xput};

/// Set the MXCSR `flags` an instruction's elements raised: `Ok` when the result is to be
/// written, #XM (CR4.OSXMMEXCPT set) or #UD when one is unmasked (SDM vol. 1 §11.5.1).
pub fn commit(cpu: &mut Cpu, flags: u32) -> Result<(), Fault> {
    let masked = (cpu.mxcsr >> 7) & 0x3f;
    let pre = flags & (mx::IE | mx::DE | mx::ZE);
    let raised = if pre & !masked != 0 { pre } else { flags };
    cpu.mxcsr |= raised;
    if raised & !masked == 0 {
        Ok(())
    } else if cpu.sys.cr4 & cr4::OSXMMEXCPT != 0 {
        Err(Fault::XM)
    } else {
        Err(Fault::UD)
    }
}

/// Selector: packed single.
pub const PS: u8 = 0;
/// Packed double.
pub const PD: u8 = 1;
/// Scalar single.
pub const SS: u8 = 2;
/// Scalar double.
pub const SD: u8 = 3;

/// Arithmetic operations.
pub const ADD: u8 = 0;
/// Subtract.
pub const SUB: u8 = 1;
/// Multiply.
pub const MUL: u8 = 2;
/// Divide.
pub const DIV: u8 = 3;
/// Minimum.
pub const MIN: u8 = 4;
/// Maximum.
pub const MAX: u8 = 5;
/// Square root (of the source).
pub const SQRT: u8 = 6;

fn get(v: u128, e: u32, i: u32) -> u64 {
    (v >> (8 * e * i)) as u64 & (u64::MAX >> (64 - 8 * e))
}

fn set(v: u128, e: u32, i: u32, x: u64) -> u128 {
    let m = (u64::MAX >> (64 - 8 * e)) as u128;
    (v & !(m << (8 * e * i))) | ((x as u128 & m) << (8 * e * i))
}

/// Format, element bytes and element count of selector `sel`.
fn shape(sel: u8) -> (Fmt, u32, u32) {
    let (f, e) = if sel & 1 != 0 { (F64, 8) } else { (F32, 4) };
    (f, e, if sel & 2 != 0 { 1 } else { 16 / e })
}

fn dst(ops: &Ops) -> Result<usize, Fault> {
    match ops.dst {
        Opnd::Xmm(d) => Ok(d as usize & 15),
        _ => Err(Fault::UD),
    }
}

/// ADD/SUB/MUL/DIV/MIN/MAX/SQRT (`OP`) in the form the selector names.
pub fn arith<const OP: u8>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (f, e, n) = shape(ops.cc);
    let b = xget::<false>(cpu, env, ops, ops.src, ops.src_size)?;
    let d = dst(ops)?;
    let (a, m) = (cpu.xmm[d], cpu.mxcsr);
    let (mut r, mut flags) = (a, 0);
    for i in 0..n {
        let (x, y) = (get(a, e, i), get(b, e, i));
        let (v, fl) = match OP {
            ADD => sf::binary(f, Op::Add, x, y, m),
            SUB => sf::binary(f, Op::Sub, x, y, m),
            MUL => sf::binary(f, Op::Mul, x, y, m),
            DIV => sf::binary(f, Op::Div, x, y, m),
            MIN => sf::minmax(f, false, x, y, m),
            MAX => sf::minmax(f, true, x, y, m),
            _ => sf::sqrt(f, y, m),
        };
        r = set(r, e, i, v);
        flags |= fl;
    }
    commit(cpu, flags)?;
    cpu.xmm[d] = r;
    Ok(())
}

/// CMPPS/CMPPD/CMPSS/CMPSD: each element all ones where predicate `imm & 7` holds.
pub fn cmp(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (f, e, n) = shape(ops.cc);
    let b = xget::<false>(cpu, env, ops, ops.src, ops.src_size)?;
    let d = dst(ops)?;
    let (a, m) = (cpu.xmm[d], cpu.mxcsr);
    let (mut r, mut flags) = (a, 0);
    for i in 0..n {
        let (t, fl) = sf::cmp_pred(f, ops.imm as u8, get(a, e, i), get(b, e, i), m);
        r = set(r, e, i, if t { u64::MAX } else { 0 });
        flags |= fl;
    }
    commit(cpu, flags)?;
    cpu.xmm[d] = r;
    Ok(())
}

/// COMISS/COMISD (`SIGNAL`: #I on a quiet NaN too) and UCOMISS/UCOMISD: ZF, PF, CF from the
/// order (unordered: all three), OF, SF and AF cleared.
pub fn comi<const SIGNAL: bool>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (f, e, _) = shape(ops.cc);
    let b = xget::<false>(cpu, env, ops, ops.src, ops.src_size)?;
    let d = dst(ops)?;
    let (o, fl) = sf::comi(f, SIGNAL, get(cpu.xmm[d], e, 0), get(b, e, 0), cpu.mxcsr);
    use std::cmp::Ordering::*;
    let v = match o {
        None => ZF | PF | CF,
        Some(Greater) => 0,
        Some(Less) => CF,
        Some(Equal) => ZF,
    };
    commit(cpu, fl)?;
    cpu.set_flags(ZF | PF | CF | OF | SF | AF, v);
    Ok(())
}

/// CVTSI2SS (selector SS) / CVTSI2SD (SD): a signed 32- or 64-bit integer into the low element.
pub fn cvt_si2f(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (f, e, _) = shape(ops.cc);
    let size = ops.src_size;
    let v = xget::<false>(cpu, env, ops, ops.src, size)? as u64;
    let v = super::super::state::sext(v, size) as i64;
    let d = dst(ops)?;
    let (r, fl) = sf::from_int(f, v, cpu.mxcsr);
    commit(cpu, fl)?;
    cpu.xmm[d] = set(cpu.xmm[d], e, 0, r);
    Ok(())
}

/// CVTSS2SI/CVTSD2SI and the truncating CVTTSS2SI/CVTTSD2SI (`TRUNC`): the low element to a
/// 32- or 64-bit general-purpose register.
pub fn cvt_f2si<const TRUNC: bool>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (f, e, _) = shape(ops.cc);
    let a = get(xget::<false>(cpu, env, ops, ops.src, ops.src_size)?, e, 0);
    let (v, fl) = sf::to_int(f, a, ops.size, TRUNC, cpu.mxcsr);
    let Opnd::Reg(r) = ops.dst else {
        return Err(Fault::UD);
    };
    commit(cpu, fl)?;
    cpu.set_reg(r, ops.size, v);
    Ok(())
}

/// Conversions between formats and to/from packed 32-bit integers, by selector: 0 CVTSS2SD,
/// 1 CVTSD2SS, 2 CVTPS2PD, 3 CVTPD2PS, 4 CVTDQ2PS, 5 CVTDQ2PD, 6 CVTPS2DQ, 7 CVTTPS2DQ,
/// 8 CVTPD2DQ, 9 CVTTPD2DQ; with an MMX operand 10 CVTPI2PS (the upper two elements kept),
/// 11 CVTPS2PI, 12 CVTTPS2PI, 13 CVTPI2PD, 14 CVTPD2PI, 15 CVTTPD2PI. Packed results
/// narrower than 128 bits zero the upper half of an XMM destination.
pub fn cvt<const MM: bool>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let b = xget::<MM>(cpu, env, ops, ops.src, ops.src_size)?;
    let m = cpu.mxcsr;
    let mut flags = 0;
    let mut acc = |(v, fl): (u64, u32)| {
        flags |= fl;
        v
    };
    let a = match ops.dst {
        Opnd::Xmm(d) => cpu.xmm[d as usize & 15],
        _ => 0,
    };
    let r = match ops.cc {
        0 => set(a, 8, 0, acc(sf::convert(F32, F64, get(b, 4, 0), m))),
        1 => set(a, 4, 0, acc(sf::convert(F64, F32, get(b, 8, 0), m))),
        2 => (0..2).fold(0, |r, i| {
            set(r, 8, i, acc(sf::convert(F32, F64, get(b, 4, i), m)))
        }),
        3 => (0..2).fold(0, |r, i| {
            set(r, 4, i, acc(sf::convert(F64, F32, get(b, 8, i), m)))
        }),
        4 => (0..4).fold(0, |r, i| {
            set(
                r,
                4,
                i,
                acc(sf::from_int(F32, get(b, 4, i) as i32 as i64, m)),
            )
        }),
        5 => (0..2).fold(0, |r, i| {
            set(
                r,
                8,
                i,
                acc(sf::from_int(F64, get(b, 4, i) as i32 as i64, m)),
            )
        }),
        6 | 7 => (0..4).fold(0, |r, i| {
            set(
                r,
                4,
                i,
                acc(sf::to_int(F32, get(b, 4, i), 4, ops.cc == 7, m)),
            )
        }),
        8 | 9 | 14 | 15 => (0..2).fold(0, |r, i| {
            let trunc = matches!(ops.cc, 9 | 15);
            set(r, 4, i, acc(sf::to_int(F64, get(b, 8, i), 4, trunc, m)))
        }),
        10 => (0..2).fold(a, |r, i| {
            set(
                r,
                4,
                i,
                acc(sf::from_int(F32, get(b, 4, i) as i32 as i64, m)),
            )
        }),
        11 | 12 => (0..2).fold(0, |r, i| {
            set(
                r,
                4,
                i,
                acc(sf::to_int(F32, get(b, 4, i), 4, ops.cc == 12, m)),
            )
        }),
        _ => (0..2).fold(0, |r, i| {
            set(
                r,
                8,
                i,
                acc(sf::from_int(F64, get(b, 4, i) as i32 as i64, m)),
            )
        }),
    };
    commit(cpu, flags)?;
    xput::<MM>(cpu, env, ops, ops.dst, 16, r)
}

/// Bits of MXCSR that LDMXCSR may set (MXCSR_MASK with DAZ, SDM vol. 1 §11.6.6); any other
/// raises #GP(0).
pub const MXCSR_MASK: u32 = 0xffff;

/// LDMXCSR m32.
pub fn ldmxcsr(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let la = cpu.ea(&ops.mem);
    let v = cpu.read(env, la, 4, ops.mem.stack)? as u32;
    if v & !MXCSR_MASK != 0 {
        return Err(Fault::GP0);
    }
    cpu.mxcsr = v;
    Ok(())
}

/// STMXCSR m32.
pub fn stmxcsr(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let la = cpu.ea(&ops.mem);
    cpu.write(env, la, 4, cpu.mxcsr as u64, ops.mem.stack)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{one, World};
    use super::*;

    #[test]
    fn ldmxcsr_refuses_reserved_bits_and_stmxcsr_stores() {
        let mut world = World::new();
        let mut env = world.env();
        // ldmxcsr [rax]; stmxcsr [rax + 8]
        let (ld, st) = (one(&[0x0f, 0xae, 0x10]), one(&[0x0f, 0xae, 0x58, 0x08]));
        let mut cpu = Cpu::new();
        cpu.regs[0] = 0x100;
        cpu.write(&mut env, 0x100, 4, 0x1_1f80, false).unwrap();
        assert_eq!((ld.exec)(&mut cpu, &mut env, &ld.ops), Err(Fault::GP0));
        assert_eq!(cpu.mxcsr, 0x1f80);
        cpu.write(&mut env, 0x100, 4, 0x7fc0, false).unwrap();
        assert_eq!((ld.exec)(&mut cpu, &mut env, &ld.ops), Ok(()));
        assert_eq!((st.exec)(&mut cpu, &mut env, &st.ops), Ok(()));
        assert_eq!(cpu.read(&mut env, 0x108, 4, false), Ok(0x7fc0));
    }

    #[test]
    fn unmasked_exceptions_raise_xm_with_osxmmexcpt_and_ud_without() {
        let mut world = World::new();
        let mut env = world.env();
        // divps xmm0, xmm1: 1/0 in element 0 (#Z), 1/1 elsewhere.
        let div = one(&[0x0f, 0x5e, 0xc1]);
        let one_f = 0x3f80_0000u128;
        let ones = (0..4).fold(0, |v, i| v | one_f << (32 * i));
        for (osxmmexcpt, fault) in [(true, Fault::XM), (false, Fault::UD)] {
            let mut cpu = Cpu::new();
            if osxmmexcpt {
                cpu.sys.cr4 |= cr4::OSXMMEXCPT;
            } else {
                cpu.sys.cr4 &= !cr4::OSXMMEXCPT;
            }
            cpu.xmm[0] = ones;
            cpu.xmm[1] = ones & !0xffff_ffff;
            // ZM clear: the flag is set, the destination kept, the fault raised.
            cpu.mxcsr = 0x1f80 & !(mx::ZE << 7);
            assert_eq!((div.exec)(&mut cpu, &mut env, &div.ops), Err(fault));
            assert_eq!(cpu.mxcsr & 0x3f, mx::ZE);
            assert_eq!(cpu.xmm[0], ones);
            // Masked: the infinity is written, no fault.
            cpu.mxcsr = 0x1f80;
            assert_eq!((div.exec)(&mut cpu, &mut env, &div.ops), Ok(()));
            assert_eq!(cpu.xmm[0] as u32, 0x7f80_0000);
            assert_eq!(cpu.mxcsr & 0x3f, mx::ZE);
        }
        // An unmasked pre-computation exception (#I of 0/0 in element 1) stops the
        // operation: the masked #Z of element 0 is flagged, no post-computation flag.
        let mut cpu = Cpu::new();
        cpu.xmm[0] = ones & !(0xffff_ffff << 32);
        cpu.xmm[1] = ones & !0xffff_ffff_ffff_ffff;
        cpu.mxcsr = 0x1f80 & !(mx::IE << 7);
        assert_eq!((div.exec)(&mut cpu, &mut env, &div.ops), Err(Fault::XM));
        assert_eq!(cpu.mxcsr & 0x3f, mx::IE | mx::ZE);
        // Unmasked precision: the post-computation fault comes with every flag raised.
        let mut cpu = Cpu::new();
        cpu.xmm[0] = ones;
        cpu.xmm[1] = (0..4).fold(0, |v, i| v | 0x4040_0000u128 << (32 * i)); // 3.0
        cpu.mxcsr = 0x1f80 & !(mx::PE << 7);
        assert_eq!((div.exec)(&mut cpu, &mut env, &div.ops), Err(Fault::XM));
        assert_eq!(cpu.mxcsr & 0x3f, mx::PE);
        assert_eq!(cpu.xmm[0], ones);
    }
}
