//! Scalar FP instructions without a vector form (DDI 0487 C7.2): FCMP/FCMPE, FCCMP/FCCMPE,
//! FCSEL, FMOV (scalar, immediate), FMOV (general), FCVT (between precisions), FMADD/FMSUB/
//! FNMADD/FNMSUB, FCVT{N,P,M,Z,A}{S,U} (scalar, integer and fixed-point) and SCVTF/UCVTF
//! (scalar, integer and fixed-point). Encodings: C4.1.96, "Data Processing – Scalar
//! Floating-Point and Advanced SIMD".

use super::super::super::block::Env;
use super::super::super::state::{Cpu, Flow, Ops};
use super::super::{cond_holds, fp_guard};
use super::core::{Fmt, Fp};
use super::lane;

/// FCMP/FCMPE: NZCV from comparing Sn/Dn with Sm/Dm, or with +0.0 when `o.imm` = 1;
/// `o.op2` = 1 signals on quiet NaNs (FCMPE).
pub fn fcmp(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let fmt = Fmt::from_code(o.op);
    let mut fp = Fp::new(cpu);
    let x = lane(cpu.vq(o.rn), fmt.bits, 0);
    let y = if o.imm == 1 {
        0
    } else {
        lane(cpu.vq(o.rm), fmt.bits, 0)
    };
    cpu.set_nzcv(fp.compare(fmt, x, y, o.op2 == 1));
    fp.commit(cpu);
    Flow::Next
}

/// FCCMP/FCCMPE: compare when condition `o.imm` bits 3:0 holds, else NZCV = `o.imm` bits 7:4.
pub fn fccmp(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    if cond_holds(o.imm as u8 & 15, &cpu.flags) {
        let fmt = Fmt::from_code(o.op);
        let mut fp = Fp::new(cpu);
        let x = lane(cpu.vq(o.rn), fmt.bits, 0);
        let y = lane(cpu.vq(o.rm), fmt.bits, 0);
        cpu.set_nzcv(fp.compare(fmt, x, y, o.op2 == 1));
        fp.commit(cpu);
    } else {
        cpu.set_nzcv(((o.imm as u32 >> 4) & 15) << 28);
    }
    Flow::Next
}

/// FCSEL: Vd = condition `o.imm` ? Vn : Vm (scalar).
pub fn fcsel(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let fmt = Fmt::from_code(o.op);
    let src = if cond_holds(o.imm as u8, &cpu.flags) {
        o.rn
    } else {
        o.rm
    };
    let v = lane(cpu.vq(src), fmt.bits, 0);
    cpu.set_vd(o.rd, v);
    Flow::Next
}

/// FMOV (scalar, immediate): the constant expanded at decode time in `o.imm`.
pub fn fmov_i(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    cpu.set_vd(o.rd, o.imm);
    Flow::Next
}

/// FMOV (general), FP to general: Wd/Xd = bits `o.imm`.. of Vn (32 or 64 bits by `o.sf`).
pub fn fmov_to_gpr(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let v = (cpu.vq(o.rn) >> o.imm) as u64;
    cpu.w_sf(o.rd, v, o.sf);
    Flow::Next
}

/// FMOV (general), general to FP: Sd/Dd = Wn/Xn (rest of Vd zeroed) or, `o.imm` = 64,
/// Vd.D[1] = Xn (the lower half kept).
pub fn fmov_from_gpr(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let v = cpu.r_sf(o.rn, o.sf);
    if o.imm == 64 {
        let low = cpu.vq(o.rd) as u64 as u128;
        cpu.set_vq(o.rd, low | (v as u128) << 64);
    } else {
        cpu.set_vd(o.rd, v);
    }
    Flow::Next
}

/// FCVT (between precisions): format `o.op` to format `o.op2`, FPCR rounding.
pub fn fcvt(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let (from, to) = (Fmt::from_code(o.op), Fmt::from_code(o.op2));
    let mut fp = Fp::new(cpu);
    let rm = fp.rounding();
    let r = fp.convert(from, to, lane(cpu.vq(o.rn), from.bits, 0), rm);
    fp.commit(cpu);
    cpu.set_vd(o.rd, r);
    Flow::Next
}

/// FMADD/FMSUB/FNMADD/FNMSUB: Va + Vn × Vm fused, with Va negated when `o.op2` bit 0 and
/// Vn negated when bit 1.
pub fn fma(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let fmt = Fmt::from_code(o.op);
    let mut fp = Fp::new(cpu);
    let neg = |b: u8| if o.op2 & b != 0 { fmt.sign() } else { 0 };
    let a = lane(cpu.vq(o.ra), fmt.bits, 0) ^ neg(1);
    let x = lane(cpu.vq(o.rn), fmt.bits, 0) ^ neg(2);
    let y = lane(cpu.vq(o.rm), fmt.bits, 0);
    let r = fp.muladd(fmt, a, x, y);
    fp.commit(cpu);
    cpu.set_vd(o.rd, r);
    Flow::Next
}

/// FCVT{N,P,M,Z,A}{S,U} (scalar, to general register; integer and fixed-point): Vn × 2^`o.shift`
/// rounded with `o.op2` to a 32/64-bit (`o.sf`) integer, unsigned when `o.imm` = 1.
pub fn fcvt_to_gpr(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let fmt = Fmt::from_code(o.op);
    let mut fp = Fp::new(cpu);
    let rm = fp.rounding_of(o.op2);
    let x = lane(cpu.vq(o.rn), fmt.bits, 0);
    let ibits = if o.sf { 64 } else { 32 };
    let r = fp.to_fixed(fmt, x, o.shift as u32, o.imm == 1, ibits, rm);
    fp.commit(cpu);
    cpu.w(o.rd, r);
    Flow::Next
}

/// SCVTF/UCVTF (scalar, from general register; integer and fixed-point): Wn/Xn (`o.sf`),
/// unsigned when `o.imm` = 1, / 2^`o.shift`, FPCR rounding.
pub fn cvtf_from_gpr(cpu: &mut Cpu, _env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let fmt = Fmt::from_code(o.op);
    let mut fp = Fp::new(cpu);
    let rm = fp.rounding();
    let ibits = if o.sf { 64 } else { 32 };
    let r = fp.from_fixed(fmt, cpu.r(o.rn), ibits, o.imm != 1, o.shift as u32, rm);
    fp.commit(cpu);
    cpu.set_vd(o.rd, r);
    Flow::Next
}
