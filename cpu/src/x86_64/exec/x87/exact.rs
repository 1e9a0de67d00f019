//! FSCALE, FXTRACT, FPREM, FPREM1, FBLD and FBSTP (SDM vol. 2): the stack handling and
//! condition codes around [`super::f80::exact_ops`].

use super::super::super::block::Env;
use super::super::super::insn::Ops;
use super::super::super::state::{Cpu, Fault};
use super::f80::{self, exact_ops};
use super::{begin, deliver, C0, C1, C2, C3, CC, IE, INDEFINITE, SF};

/// ST(0) (and ST(1) when `two`) present; else the masked underflow response (ST(0) gets the
/// real indefinite) and false.
fn operands(cpu: &mut Cpu, two: bool) -> bool {
    if cpu.x87.empty(0) || (two && cpu.x87.empty(1)) {
        if cpu.x87.underflow() {
            cpu.x87.set(0, INDEFINITE);
        }
        return false;
    }
    true
}

/// FSCALE: ST(0) × 2^trunc(ST(1)).
pub fn fscale(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    if operands(cpu, true) {
        let (a, b) = (f80::unpack(cpu.x87.get(0)), f80::unpack(cpu.x87.get(1)));
        deliver(cpu, 0, exact_ops::scale(a, b, cpu.x87.mode()), false);
    }
    Ok(())
}

/// FXTRACT: ST(0) becomes its exponent, then its significand is pushed.
pub fn fxtract(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    let below = (cpu.x87.top() + 7) & 7;
    if cpu.x87.empty(0) || cpu.x87.tags & (1 << below) != 0 {
        // Stack underflow (C1 clear) or overflow (C1 set): both become the indefinite.
        let over = !cpu.x87.empty(0);
        cpu.x87.c1(over);
        if cpu.x87.raise(IE | SF) {
            return Ok(());
        }
        cpu.x87.set(0, INDEFINITE);
        cpu.x87.set_top(below);
        cpu.x87.set(0, INDEFINITE);
        return Ok(());
    }
    let (e, s) = exact_ops::xtract(f80::unpack(cpu.x87.get(0)));
    if cpu.x87.suppress(e.flags | s.flags) {
        return Ok(());
    }
    cpu.x87.fsw &= !C1;
    cpu.x87.set(0, e.f80());
    cpu.x87.push(s.f80());
    Ok(())
}

/// FPREM (`ops.cc` 0) and FPREM1 (1): the partial remainder of ST(0) by ST(1); C2 when
/// incomplete, else quotient bits 2, 1, 0 in C0, C3, C1.
pub fn fprem(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    if !operands(cpu, true) {
        // C2 cleared, C0 and C3 kept (as the host CPU does).
        cpu.x87.fsw &= !C2;
        return Ok(());
    }
    let (a, b) = (f80::unpack(cpu.x87.get(0)), f80::unpack(cpu.x87.get(1)));
    let r = exact_ops::prem(a, b, ops.cc == 1);
    if cpu.x87.suppress(r.out.flags) {
        return Ok(());
    }
    let bit = |n: u8, f: u16| if r.q >> n & 1 != 0 { f } else { 0 };
    let c = bit(2, C0) | bit(1, C3) | bit(0, C1) | if r.partial { C2 } else { 0 };
    let kept = if r.keep { C0 | C3 } else { 0 };
    cpu.x87.fsw = (cpu.x87.fsw & (!CC | kept)) | c;
    cpu.x87.set(0, r.out.f80());
    Ok(())
}

/// FBLD m80bcd: push the packed BCD integer.
pub fn fbld(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    let la = cpu.ea(&ops.mem);
    let st = ops.mem.stack;
    let lo = cpu.read(env, la, 8, st)?;
    let hi = cpu.read(env, la.wrapping_add(8), 2, st)?;
    let x = exact_ops::from_bcd((hi as u128) << 64 | lo as u128);
    cpu.x87.fsw &= !C1;
    cpu.x87.push(x);
    Ok(())
}

/// FBSTP m80bcd: ST(0) rounded to an integer under FCW.RC, stored as packed BCD, popped.
pub fn fbstp(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    let la = cpu.ea(&ops.mem);
    let st = ops.mem.stack;
    let (bits, flags, up) = if cpu.x87.empty(0) {
        if !cpu.x87.underflow() {
            return Ok(());
        }
        (exact_ops::BCD_INDEFINITE, 0, false)
    } else {
        exact_ops::to_bcd(f80::unpack(cpu.x87.get(0)), cpu.x87.mode())
    };
    if flags & IE != 0 && cpu.x87.fcw & 1 == 0 {
        cpu.x87.raise(flags);
        return Ok(());
    }
    cpu.write(env, la, 8, bits as u64, st)?;
    cpu.write(env, la.wrapping_add(8), 2, (bits >> 64) as u64 & 0xffff, st)?;
    if !cpu.x87.empty(0) {
        cpu.x87.c1(up);
    }
    cpu.x87.raise(flags);
    cpu.x87.pop();
    Ok(())
}
