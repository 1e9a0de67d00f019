//! x87 FPU instructions (SDM vol. 1 ch. 8; vol. 2): the register stack (TOP, the tag word,
//! stack overflow and underflow: #IS with FSW.SF and C1), loads and stores of extended,
//! binary64, binary32 and integer values, the constants, the arithmetic and comparisons (in
//! [`super::f80`]'s integer soft-float, under FCW.PC and FCW.RC), the control and status words,
//! FCMOVcc, and the state save/restore FXSAVE64/FXRSTOR64 and FXSAVE/FXRSTOR (SDM vol. 1
//! §10.5.1, table 10-2, the 64-bit and 32-bit layouts), which also carry MXCSR and XMM0–XMM15.
//! Submodules: [`env`] (FNSTENV/FLDENV/FNSAVE/FRSTOR), [`exact`] (FSCALE, FXTRACT,
//! FPREM/FPREM1, FBLD/FBSTP), [`transc`] (the transcendental instructions).
//!
//! Exceptions: each flag is raised in FSW; a masked one gets the masked response (the real
//! or integer indefinite, the rounded result). An unmasked one sets FSW.ES and B, leaves the
//! destination and the stack unchanged for #I, #Z and #D (but a binary32/binary64 load
//! under an unmasked #D still pushes, and comparisons still set their flags, as the host CPU
//! does; for #O and #U the masked result is stored, not the exponent-biased one the SDM
//! describes — not yet covered by the oracle), and the next waiting x87 instruction (FLDCW
//! included) raises #MF; FNINIT, FNCLEX, FNSTCW, FNSTSW, FXSAVE and FXRSTOR do not check.
//!
//! Not here yet: separate FCS/FDS selectors (FXSAVE and FNSTENV store the current CS and
//! DS), FOP tracking (stored as kept), CR0.NE=0 (external FERR#) reporting.

use std::cmp::Ordering;

pub mod env;
pub mod exact;
pub mod transc;

use super::super::block::Env;
use super::super::insn::{Opnd, Ops};
use super::super::mem::canonical;
use super::super::state::{flag, sext, Cpu, Fault, FCW_DEFAULT, X87};
use super::f80::{self, Fmt, Op, Out, F80, INDEFINITE, V};
use super::sse_fp::MXCSR_MASK;

/// FSW bits.
const IE: u16 = 1;
const SF: u16 = 1 << 6;
const ES: u16 = 1 << 7;
const C0: u16 = 1 << 8;
const C1: u16 = 1 << 9;
const C2: u16 = 1 << 10;
const C3: u16 = 1 << 14;
const B: u16 = 1 << 15;
const TOP_SHIFT: u16 = 11;
const CC: u16 = C0 | C1 | C2 | C3;

/// Selector bits of the arithmetic forms (`Ops::cc`): the operation in bits 1:0.
pub const A_ADD: u8 = 0;
/// Multiply.
pub const A_MUL: u8 = 1;
/// Subtract.
pub const A_SUB: u8 = 2;
/// Divide.
pub const A_DIV: u8 = 3;
/// Reversed operands (FSUBR, FDIVR): the result is `src op dst`.
pub const A_REV: u8 = 4;
/// The destination is ST(i) (else ST(0)).
pub const A_TO_STI: u8 = 8;
/// Pop after the operation.
pub const A_POP: u8 = 16;
/// The memory operand is an integer.
pub const A_INT: u8 = 32;
/// Comparisons: unordered (FUCOM*: only a signalling NaN is invalid).
pub const C_QUIET: u8 = 4;
/// Comparisons: to EFLAGS (FCOMI*).
pub const C_EFLAGS: u8 = 8;
/// Comparisons: with +0.0 (FTST).
pub const C_ZERO: u8 = 16;

impl X87 {
    fn top(&self) -> usize {
        (self.fsw >> TOP_SHIFT) as usize & 7
    }
    fn set_top(&mut self, t: usize) {
        self.fsw = (self.fsw & !(7 << TOP_SHIFT)) | (t as u16) << TOP_SHIFT;
    }
    fn phys(&self, i: usize) -> usize {
        (self.top() + i) & 7
    }
    fn empty(&self, i: usize) -> bool {
        self.tags & (1 << self.phys(i)) == 0
    }
    fn get(&self, i: usize) -> F80 {
        self.st[self.phys(i)]
    }
    fn set(&mut self, i: usize, v: F80) {
        let p = self.phys(i);
        self.st[p] = v;
        self.tags |= 1 << p;
    }
    fn pop(&mut self) {
        let p = self.top();
        self.tags &= !(1 << p);
        self.set_top((p + 1) & 7);
    }
    /// Rounding mode (FCW.RC).
    fn mode(&self) -> u32 {
        (self.fcw as u32 >> 10) & 3
    }
    /// The precision FCW.PC selects.
    fn prec(&self) -> Fmt {
        Fmt::Ext(match (self.fcw >> 8) & 3 {
            0 => 24,
            2 => 53,
            _ => 64,
        })
    }
    /// Raise `flags`: true when one of them is unmasked (FSW.ES and B then set).
    fn raise(&mut self, flags: u16) -> bool {
        self.fsw |= flags;
        if flags & !self.fcw & 0x3f != 0 {
            self.fsw |= ES | B;
            true
        } else {
            false
        }
    }
    /// Whether an unmasked exception among `flags` suppresses the result (#I, #Z, #D).
    fn suppress(&mut self, flags: u16) -> bool {
        if flags & !self.fcw & 0x7 != 0 {
            // The operation does not complete: no #O/#U/#P from its result.
            self.raise(flags & 0x7);
            return true;
        }
        self.raise(flags);
        false
    }
    /// Stack underflow (#IS, C1 clear): true when the masked response goes ahead.
    fn underflow(&mut self) -> bool {
        self.fsw &= !C1;
        !self.raise(IE | SF)
    }
    fn c1(&mut self, up: bool) {
        self.fsw = (self.fsw & !C1) | (up as u16) << 9;
    }
    /// Push `v`: overflow (#IS with C1) pushes the real indefinite when masked; false when
    /// an unmasked overflow leaves the stack unchanged.
    fn push(&mut self, v: F80) -> bool {
        let t = (self.top() + 7) & 7;
        let v = if self.tags & (1 << t) != 0 {
            self.fsw |= C1;
            if self.raise(IE | SF) {
                return false;
            }
            INDEFINITE
        } else {
            v
        };
        self.set_top(t);
        self.set(0, v);
        true
    }
}

/// #MF when an unmasked exception is pending (every waiting x87 instruction checks), and the
/// last-instruction pointers.
fn begin(cpu: &mut Cpu, ops: &Ops) -> Result<(), Fault> {
    if cpu.x87.fsw & ES != 0 {
        return Err(Fault::MF);
    }
    cpu.x87.fip = cpu.rip.wrapping_sub(ops.len as u64);
    if ops.dst == Opnd::Mem {
        cpu.x87.fdp = cpu.ea(&ops.mem);
    }
    Ok(())
}

/// The ST(i) index of a register form.
fn sti(ops: &Ops) -> usize {
    ops.imm as usize & 7
}

/// Read the memory operand: a real of `ops.size` bytes (4, 8, 10), or with `int` an integer
/// of 2, 4 or 8 bytes, unpacked, with the flags a load raises.
fn read_value(cpu: &mut Cpu, env: &mut Env, ops: &Ops, int: bool) -> Result<(V, F80, u16), Fault> {
    let la = cpu.ea(&ops.mem);
    let st = ops.mem.stack;
    Ok(match (int, ops.size) {
        (true, n) => {
            let v = sext(cpu.read(env, la, n, st)?, n) as i64;
            let x = from_int(v);
            (f80::unpack(x), x, 0)
        }
        (false, 10) => {
            let m = cpu.read(env, la, 8, st)?;
            let se = cpu.read(env, la.wrapping_add(8), 2, st)? as u16;
            (f80::unpack((m, se)), (m, se), 0)
        }
        (false, n) => {
            let bits = cpu.read(env, la, n, st)?;
            let v = f80::unpack_bin(bits, n == 8);
            let (x, flags) = f80::load(v);
            (v, x, flags)
        }
    })
}

/// FNINIT: control word 0x37F, status and pointers cleared, every register empty (their
/// contents stay).
pub fn fninit(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Result<(), Fault> {
    let st = cpu.x87.st;
    cpu.x87 = X87 {
        st,
        fcw: FCW_DEFAULT,
        ..X87::default()
    };
    Ok(())
}

/// FNCLEX: the exception flags, SF, ES and B cleared.
pub fn fnclex(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Result<(), Fault> {
    cpu.x87.fsw &= !0x80ff;
    Ok(())
}

/// The 80-bit extended value of integer `v` (exact).
fn from_int(v: i64) -> (u64, u16) {
    if v == 0 {
        return (0, 0);
    }
    let m = v.unsigned_abs();
    let lz = m.leading_zeros();
    (m << lz, ((v < 0) as u16) << 15 | (16383 + 63 - lz) as u16)
}

/// FLD m32/m64/m80 and ST(i), FILD m16/m32/m64 (`ops.cc` 1): push the value. Binary32 and
/// binary64 loads raise #D for a denormal and #IA for a signalling NaN (pushed quieted);
/// extended loads raise nothing.
pub fn fld(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    let x = if ops.dst == Opnd::Mem {
        let (_, x, flags) = read_value(cpu, env, ops, ops.cc == 1)?;
        // A stack overflow (the register below TOP in use) takes precedence over #D/#IA.
        let overflow = cpu.x87.tags & (1 << ((cpu.x87.top() + 7) & 7)) != 0;
        // An unmasked #IA loads nothing; an unmasked #D still loads (as the host CPU does).
        if !overflow && cpu.x87.raise(flags) && flags & !cpu.x87.fcw & IE != 0 {
            return Ok(());
        }
        x
    } else if cpu.x87.empty(sti(ops)) {
        if !cpu.x87.underflow() {
            return Ok(());
        }
        // The indefinite pushed; an overflow as well leaves C1 clear (as the host CPU does).
        cpu.x87.push(INDEFINITE);
        cpu.x87.fsw &= !C1;
        return Ok(());
    } else {
        cpu.x87.get(sti(ops))
    };
    cpu.x87.fsw &= !C1;
    cpu.x87.push(x);
    Ok(())
}

/// FILD m16int/m32int/m64int.
pub fn fild(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    fld(cpu, env, &Ops { cc: 1, ..*ops })
}

/// The constants FLD1 … FLDZ push (`ops.cc`): significand truncated to 64 bits, exponent,
/// and whether the exact value's remaining fraction is at least one half (SDM vol. 1 §8.3.8:
/// rounded under FCW.RC; every tail is non-zero).
const CONSTS: [(u64, u16, bool); 7] = [
    (1 << 63, 0x3fff, false),               // 1
    (0xd49a_784b_cd1b_8afe, 0x4000, false), // log2(10)
    (0xb8aa_3b29_5c17_f0bb, 0x3fff, true),  // log2(e)
    (0xc90f_daa2_2168_c234, 0x4000, true),  // pi
    (0x9a20_9a84_fbcf_f798, 0x3ffd, true),  // log10(2)
    (0xb172_17f7_d1cf_79ab, 0x3ffe, true),  // ln(2)
    (0, 0, false),                          // +0
];

/// FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ.
pub fn fldconst(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    let (m, e, half) = CONSTS[ops.cc as usize % 7];
    let exact = m == 0 || m == 1 << 63;
    let up = !exact
        && match cpu.x87.mode() {
            0 => half,
            2 => true,
            _ => false,
        };
    cpu.x87.fsw &= !C1;
    cpu.x87.push((m + up as u64, e));
    Ok(())
}

/// FST/FSTP m32/m64/m80 and ST(i) (`ops.cc` 1: pop). Extended stores and register copies are
/// exact; binary32/binary64 stores round under FCW.RC (#IA for a signalling NaN, #O, #U, #P,
/// C1 when rounded up).
pub fn fst(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    let pop = ops.cc & 1 != 0;
    let empty = cpu.x87.empty(0);
    if empty && !cpu.x87.underflow() {
        return Ok(());
    }
    let x = if empty { INDEFINITE } else { cpu.x87.get(0) };
    if ops.dst == Opnd::Mem {
        let la = cpu.ea(&ops.mem);
        let st = ops.mem.stack;
        if ops.size == 10 {
            cpu.write(env, la, 8, x.0, st)?;
            cpu.write(env, la.wrapping_add(8), 2, x.1 as u64, st)?;
            if !empty {
                cpu.x87.fsw &= !C1;
            }
        } else {
            let f = if ops.size == 8 {
                Fmt::Double
            } else {
                Fmt::Single
            };
            let r = f80::store(f, f80::unpack(x), cpu.x87.mode());
            let unmasked = r.flags & !cpu.x87.fcw & 0x3f;
            // An unmasked #IA stores nothing; an unmasked #O/#U would store a biased value.
            if unmasked & (IE | 0x18) == 0 {
                cpu.write(env, la, ops.size, r.bits as u64, st)?;
            }
            if !empty {
                cpu.x87.c1(r.up);
            }
            if cpu.x87.suppress(r.flags) || unmasked & 0x18 != 0 {
                return Ok(());
            }
        }
    } else {
        if !empty {
            cpu.x87.fsw &= !C1;
        }
        cpu.x87.set(sti(ops), x);
    }
    if pop {
        cpu.x87.pop();
    }
    Ok(())
}

/// FIST/FISTP (`ops.cc` bit 0: pop) and FISTTP (bit 1: truncate) m16/m32/m64: ST(0) as an
/// integer (#IA and the integer indefinite when out of range, #P, C1 when rounded up).
pub fn fist(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    let la = cpu.ea(&ops.mem);
    let (bits, flags, up) = if cpu.x87.empty(0) {
        if !cpu.x87.underflow() {
            return Ok(());
        }
        (1u64 << (8 * ops.size as u32 - 1), 0, false)
    } else {
        f80::to_int(
            f80::unpack(cpu.x87.get(0)),
            ops.size,
            ops.cc & 2 != 0,
            cpu.x87.mode(),
        )
    };
    if flags & IE != 0 && cpu.x87.fcw & 1 == 0 {
        cpu.x87.raise(flags);
        return Ok(());
    }
    cpu.write(env, la, ops.size, bits, ops.mem.stack)?;
    if !cpu.x87.empty(0) || cpu.x87.fsw & SF == 0 {
        cpu.x87.c1(up);
    }
    cpu.x87.raise(flags);
    if ops.cc & 1 != 0 {
        cpu.x87.pop();
    }
    Ok(())
}

/// Store a result `r` into ST(`i`) (C1: rounded up) unless an unmasked exception suppresses
/// it; then pop when asked. False when suppressed.
fn deliver(cpu: &mut Cpu, i: usize, r: Out, pop: bool) -> bool {
    if cpu.x87.suppress(r.flags) {
        return false;
    }
    cpu.x87.c1(r.up);
    cpu.x87.set(i, r.f80());
    if pop {
        cpu.x87.pop();
    }
    true
}

/// FADD/FSUB/FSUBR/FMUL/FDIV/FDIVR with ST(i) or m32/m64, their popping forms, and FIADD …
/// FIDIVR m16/m32 (selector bits `A_*`), rounded under FCW.PC and FCW.RC.
pub fn arith(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    let sel = ops.cc;
    // A denormal binary32/binary64 operand stays a denormal `V` here: #D comes with the
    // operation (not when the other operand is a NaN).
    let other = if ops.dst == Opnd::Mem {
        Some(read_value(cpu, env, ops, sel & A_INT != 0)?.0)
    } else {
        None
    };
    let i = sti(ops);
    let (dst, src) = if sel & A_TO_STI != 0 { (i, 0) } else { (0, i) };
    let pop = sel & A_POP != 0;
    let missing = cpu.x87.empty(dst) || (other.is_none() && cpu.x87.empty(src));
    if missing {
        if cpu.x87.underflow() {
            cpu.x87.set(dst, INDEFINITE);
            if pop {
                cpu.x87.pop();
            }
        }
        return Ok(());
    }
    let a = f80::unpack(cpu.x87.get(dst));
    let b = other.unwrap_or_else(|| f80::unpack(cpu.x87.get(src)));
    let (a, b) = if sel & A_REV != 0 { (b, a) } else { (a, b) };
    let op = match sel & 3 {
        A_ADD => Op::Add,
        A_MUL => Op::Mul,
        A_SUB => Op::Sub,
        _ => Op::Div,
    };
    let r = f80::arith(cpu.x87.prec(), op, a, b, cpu.x87.mode());
    deliver(cpu, dst, r, pop);
    Ok(())
}

/// FSQRT: the square root of ST(0) under FCW.PC and FCW.RC.
pub fn fsqrt(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    st0_op(cpu, ops, |x87, a| f80::sqrt(x87.prec(), a, x87.mode()))
}

/// ST(0) = `op(ST(0))`, delivered as the masks say; an empty ST(0) is a stack underflow
/// (masked: ST(0) becomes the indefinite). FSQRT, FRNDINT, F2XM1.
pub(super) fn st0_op(
    cpu: &mut Cpu,
    ops: &Ops,
    op: impl FnOnce(&X87, V) -> Out,
) -> Result<(), Fault> {
    begin(cpu, ops)?;
    if cpu.x87.empty(0) {
        if cpu.x87.underflow() {
            cpu.x87.set(0, INDEFINITE);
        }
        return Ok(());
    }
    let r = op(&cpu.x87, f80::unpack(cpu.x87.get(0)));
    deliver(cpu, 0, r, false);
    Ok(())
}

/// FRNDINT: ST(0) rounded to an integer under FCW.RC.
pub fn frndint(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    st0_op(cpu, ops, |x87, a| f80::round_int(a, x87.mode()))
}

/// FCHS (`ops.cc` 0) and FABS (1): the sign bit of ST(0) flipped or cleared; no exception
/// but stack underflow.
pub fn fsign(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    if cpu.x87.empty(0) {
        if cpu.x87.underflow() {
            cpu.x87.set(0, INDEFINITE);
        }
        return Ok(());
    }
    let (m, se) = cpu.x87.get(0);
    let se = if ops.cc == 0 {
        se ^ 0x8000
    } else {
        se & 0x7fff
    };
    cpu.x87.fsw &= !C1;
    cpu.x87.set(0, (m, se));
    Ok(())
}

/// FXCH ST(i): an empty register reads as the real indefinite after a masked underflow.
pub fn fxch(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    let i = sti(ops);
    let x = &mut cpu.x87;
    if (x.empty(0) || x.empty(i)) && !x.underflow() {
        return Ok(());
    }
    let a = if x.empty(0) { INDEFINITE } else { x.get(0) };
    let b = if x.empty(i) { INDEFINITE } else { x.get(i) };
    x.fsw &= !C1;
    x.set(0, b);
    x.set(i, a);
    Ok(())
}

/// FCOM/FCOMP/FCOMPP, FUCOM*, FICOM/FICOMP, FCOMI/FCOMIP/FUCOMI/FUCOMIP and FTST (`ops.cc`:
/// pops in bits 1:0, `C_*`, `A_INT`): C3/C2/C0 or ZF/PF/CF from comparing ST(0) with the
/// operand (unordered: all set).
pub fn fcom(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    let sel = ops.cc;
    let other = if ops.dst == Opnd::Mem {
        Some(read_value(cpu, env, ops, sel & A_INT != 0)?.0)
    } else if sel & C_ZERO != 0 {
        Some(V::Zero(false))
    } else {
        None
    };
    let i = sti(ops);
    let missing = cpu.x87.empty(0) || (other.is_none() && cpu.x87.empty(i));
    let (ord, flags) = if missing {
        // Unordered; an unmasked #IS still sets C3/C2/C0 or ZF/PF/CF (as the host CPU does).
        cpu.x87.underflow();
        (None, 0)
    } else {
        let a = f80::unpack(cpu.x87.get(0));
        let b = other.unwrap_or_else(|| f80::unpack(cpu.x87.get(i)));
        f80::compare(a, b, sel & C_QUIET != 0)
    };
    let suppressed = cpu.x87.suppress(flags) || (missing && cpu.x87.fcw & 1 == 0);
    if sel & C_EFLAGS != 0 {
        let f = match ord {
            Some(Ordering::Greater) => 0,
            Some(Ordering::Less) => flag::CF,
            Some(Ordering::Equal) => flag::ZF,
            None => flag::ZF | flag::PF | flag::CF,
        };
        let all = flag::ZF | flag::PF | flag::CF | flag::OF | flag::SF | flag::AF;
        cpu.rflags = (cpu.rflags & !all) | f; // C1 kept (as the host CPU does)
    } else {
        let c = match ord {
            Some(Ordering::Greater) => 0,
            Some(Ordering::Less) => C0,
            Some(Ordering::Equal) => C3,
            None => C3 | C2 | C0,
        };
        cpu.x87.fsw = (cpu.x87.fsw & !CC) | c;
    }
    // The flags are set even when an unmasked #IA stops the pops (as the host CPU does).
    if suppressed {
        return Ok(());
    }
    for _ in 0..sel & 3 {
        cpu.x87.pop();
    }
    Ok(())
}

/// FXAM: the class of ST(0) in C3/C2/C0, its sign in C1.
pub fn fxam(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    let x = cpu.x87.get(0);
    let c = if cpu.x87.empty(0) {
        C3 | C0
    } else {
        match f80::unpack(x) {
            V::Bad => 0,
            V::Nan { .. } => C0,
            V::Fin {
                denormal: false, ..
            } => C2,
            V::Inf(_) => C2 | C0,
            V::Zero(_) => C3,
            V::Fin { .. } => C3 | C2,
        }
    };
    let sign = (x.1 >> 15) << 9;
    cpu.x87.fsw = (cpu.x87.fsw & !CC) | c | sign;
    Ok(())
}

/// FCMOVcc ST(0), ST(i) (`ops.cc`: 0 B, 1 E, 2 BE, 3 U, 4–7 their negations).
pub fn fcmov(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    let f = cpu.rflags;
    let c = match ops.cc & 3 {
        0 => f & flag::CF != 0,
        1 => f & flag::ZF != 0,
        2 => f & (flag::CF | flag::ZF) != 0,
        _ => f & flag::PF != 0,
    } != (ops.cc & 4 != 0);
    let i = sti(ops);
    if cpu.x87.empty(0) || cpu.x87.empty(i) {
        if cpu.x87.underflow() {
            cpu.x87.set(0, INDEFINITE);
        }
        return Ok(());
    }
    if c {
        // C1 kept (as the host CPU does).
        let v = cpu.x87.get(i);
        cpu.x87.set(0, v);
    }
    Ok(())
}

/// FFREE ST(i): tag it empty (C1 cleared).
pub fn ffree(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    let p = cpu.x87.phys(sti(ops));
    cpu.x87.tags &= !(1 << p);
    cpu.x87.fsw &= !C1; // C1 is undefined; the host CPU clears it
    Ok(())
}

/// FINCSTP (`ops.cc` 1) and FDECSTP (7): TOP changed, C1 cleared.
pub fn fstp_move(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    let t = (cpu.x87.top() + ops.cc as usize) & 7;
    cpu.x87.set_top(t);
    cpu.x87.fsw &= !C1;
    Ok(())
}

/// FNOP and FWAIT: only the pending-exception check.
pub fn fnop(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Result<(), Fault> {
    if cpu.x87.fsw & ES != 0 {
        return Err(Fault::MF);
    }
    Ok(())
}

/// FLDCW m16: bit 6 reads as one, bits 7 and 13–15 as zero; a pending flag the new word
/// unmasks sets ES and B (the next waiting instruction raises #MF).
pub fn fldcw(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if cpu.x87.fsw & ES != 0 {
        return Err(Fault::MF); // FLDCW waits for a pending exception
    }
    let la = cpu.ea(&ops.mem);
    let w = cpu.read(env, la, 2, ops.mem.stack)? as u16;
    let x = &mut cpu.x87;
    x.fcw = (w & 0x1f7f) | 0x40;
    if x.fsw & !x.fcw & 0x3f != 0 {
        x.fsw |= ES | B;
    } else {
        x.fsw &= !(ES | B);
    }
    Ok(())
}

/// FNSTCW m16 (`ops.cc` 0), FNSTSW m16 (1) and FNSTSW AX (2).
pub fn fnstw(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let w = if ops.cc == 0 {
        cpu.x87.fcw
    } else {
        cpu.x87.fsw
    };
    if ops.cc == 2 {
        cpu.regs[0] = (cpu.regs[0] & !0xffff) | w as u64;
        return Ok(());
    }
    let la = cpu.ea(&ops.mem);
    cpu.write(env, la, 2, w as u64, ops.mem.stack)
}

/// Bytes FXSAVE writes (416–511 are reserved or available to software, and not written).
const FX_LEN: usize = 416;

/// The 64-bit FXSAVE image of the x87, MXCSR and XMM state (bytes 0–415).
pub fn fxsave_image(cpu: &Cpu) -> [u8; FX_LEN] {
    let mut b = [0u8; FX_LEN];
    let x = &cpu.x87;
    b[0..2].copy_from_slice(&x.fcw.to_le_bytes());
    b[2..4].copy_from_slice(&x.fsw.to_le_bytes());
    b[4] = x.tags;
    b[6..8].copy_from_slice(&x.fop.to_le_bytes());
    b[8..16].copy_from_slice(&x.fip.to_le_bytes());
    b[16..24].copy_from_slice(&x.fdp.to_le_bytes());
    b[24..28].copy_from_slice(&cpu.mxcsr.to_le_bytes());
    b[28..32].copy_from_slice(&MXCSR_MASK.to_le_bytes());
    let top = (x.fsw >> TOP_SHIFT) as usize & 7;
    for i in 0..8 {
        // Slot i holds ST(i), physical register (TOP + i) mod 8.
        let (m, se) = x.st[(top + i) & 7];
        b[32 + 16 * i..40 + 16 * i].copy_from_slice(&m.to_le_bytes());
        b[40 + 16 * i..42 + 16 * i].copy_from_slice(&se.to_le_bytes());
    }
    for (i, v) in cpu.xmm.iter().enumerate() {
        b[160 + 16 * i..176 + 16 * i].copy_from_slice(&v.to_le_bytes());
    }
    b
}

/// The FXSAVE image without REX.W (SDM vol. 1 table 10-2, 32-bit layout): FIP and FDP as
/// 32-bit offsets with the FCS and FDS selectors (those of the current CS and DS: this core
/// keeps no separate x87 selectors) in bytes 12–13 and 20–21.
pub fn fxsave_image32(cpu: &Cpu) -> [u8; FX_LEN] {
    use super::super::system::sreg;
    let mut b = fxsave_image(cpu);
    b[8..12].copy_from_slice(&(cpu.x87.fip as u32).to_le_bytes());
    b[12..14].copy_from_slice(&cpu.sys.seg[sreg::CS].selector.to_le_bytes());
    b[14..16].fill(0);
    b[16..20].copy_from_slice(&(cpu.x87.fdp as u32).to_le_bytes());
    b[20..22].copy_from_slice(&cpu.sys.seg[sreg::DS].selector.to_le_bytes());
    b[22..24].fill(0);
    b
}

/// Check that the 512 bytes at `la` are 16-byte aligned and canonical.
fn fx_area(la: u64) -> Result<(), Fault> {
    if la & 15 != 0 || !canonical(la) || !canonical(la.wrapping_add(511)) {
        return Err(Fault::GP0);
    }
    Ok(())
}

/// FXSAVE64 m512, and FXSAVE m512 (`ops.cc` 1: the 32-bit layout).
pub fn fxsave64(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let la = cpu.ea(&ops.mem);
    fx_area(la)?;
    let img = if ops.cc == 1 {
        fxsave_image32(cpu)
    } else {
        fxsave_image(cpu)
    };
    for (k, c) in img.chunks(8).enumerate() {
        let v = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        cpu.write(env, la + 8 * k as u64, 8, v, ops.mem.stack)?;
    }
    Ok(())
}

/// FXRSTOR64 m512, and FXRSTOR m512 (`ops.cc` 1: FIP and FDP are the 32-bit offsets, the
/// selectors are not kept): #GP(0) when the saved MXCSR sets a bit outside MXCSR_MASK.
pub fn fxrstor64(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let la = cpu.ea(&ops.mem);
    fx_area(la)?;
    let mut b = [0u8; FX_LEN];
    for k in 0..FX_LEN / 8 {
        let v = cpu.read(env, la + 8 * k as u64, 8, ops.mem.stack)?;
        b[8 * k..8 * k + 8].copy_from_slice(&v.to_le_bytes());
    }
    let w = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let q = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
    let mxcsr = u32::from_le_bytes([b[24], b[25], b[26], b[27]]);
    if mxcsr & !MXCSR_MASK != 0 {
        return Err(Fault::GP0);
    }
    // FSW.ES (and B, its mirror) follow from the loaded flags and masks.
    let fcw = (w(0) & 0x1f7f) | 0x40;
    let pending = w(2) & !fcw & 0x3f != 0;
    let fsw = if pending {
        w(2) | ES | B
    } else {
        w(2) & !(ES | B)
    };
    let top = (fsw >> TOP_SHIFT) as usize & 7;
    let mut st = [(0u64, 0u16); 8];
    for i in 0..8 {
        st[(top + i) & 7] = (q(32 + 16 * i), w(40 + 16 * i));
    }
    cpu.x87 = X87 {
        st,
        // FCW: bit 6 reads as one, bits 7 and 13–15 as zero.
        fcw,
        fsw,
        tags: b[4],
        fop: w(6) & 0x7ff,
        fip: if ops.cc == 1 {
            q(8) & 0xffff_ffff
        } else {
            q(8)
        },
        fdp: if ops.cc == 1 {
            q(16) & 0xffff_ffff
        } else {
            q(16)
        },
    };
    cpu.mxcsr = mxcsr;
    for i in 0..16 {
        cpu.xmm[i] =
            u128::from_le_bytes(b[160 + 16 * i..176 + 16 * i].try_into().unwrap_or([0; 16]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_become_exact_extended_values() {
        assert_eq!(from_int(0), (0, 0));
        assert_eq!(from_int(1), (1 << 63, 16383));
        assert_eq!(from_int(-3), (3 << 62, 0x8000 | 16384));
        assert_eq!(from_int(i64::MIN), (1 << 63, 0x8000 | (16383 + 63)));
    }
}
