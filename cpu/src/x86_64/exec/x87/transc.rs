//! F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN, FCOS, FSINCOS and FPTAN (SDM vol. 2): the stack
//! handling and C2 around [`super::f80::transc`].

use super::super::super::block::Env;
use super::super::super::insn::Ops;
use super::super::super::state::{Cpu, Fault};
use super::f80::{self, transc, Out};
use super::{begin, deliver, C1, C2, IE, INDEFINITE, SF};

/// `ops.cc` of FSIN, FCOS, FSINCOS, FPTAN.
pub const T_SIN: u8 = 0;
/// FCOS.
pub const T_COS: u8 = 1;
/// FSINCOS.
pub const T_SINCOS: u8 = 2;
/// FPTAN.
pub const T_TAN: u8 = 3;

/// `ops.cc` of FYL2X, FYL2XP1, FPATAN.
pub const L_YL2X: u8 = 0;
/// FYL2XP1.
pub const L_YL2XP1: u8 = 1;
/// FPATAN.
pub const L_PATAN: u8 = 2;

/// F2XM1: ST(0) = 2^ST(0) − 1.
pub fn f2xm1(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    super::st0_op(cpu, ops, |x87, a| transc::f2xm1(a, x87.mode()))
}

/// FYL2X, FYL2XP1 and FPATAN (`ops.cc` `L_*`): ST(1) = f(ST(0), ST(1)), then pop.
pub fn binary(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    if cpu.x87.empty(0) || cpu.x87.empty(1) {
        if cpu.x87.underflow() {
            cpu.x87.set(1, INDEFINITE);
            cpu.x87.pop();
        }
        return Ok(());
    }
    let (x, y) = (f80::unpack(cpu.x87.get(0)), f80::unpack(cpu.x87.get(1)));
    let mode = cpu.x87.mode();
    let r = match ops.cc {
        L_YL2X => transc::fyl2x(x, y, mode),
        L_YL2XP1 => transc::fyl2xp1(x, y, mode),
        _ => transc::fpatan(y, x, mode),
    };
    deliver(cpu, 1, r, true);
    Ok(())
}

/// FSIN, FCOS, FSINCOS, FPTAN (`ops.cc` `T_*`): C2 set and nothing else changed when
/// |ST(0)| ≥ 2^63; FSINCOS pushes the cosine after the sine, FPTAN 1.0 after the tangent.
pub fn trig(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    begin(cpu, ops)?;
    let pushes = matches!(ops.cc, T_SINCOS | T_TAN);
    let below = (cpu.x87.top() + 7) & 7;
    if cpu.x87.empty(0) || (pushes && cpu.x87.tags & (1 << below) != 0) {
        // Stack underflow (C1 clear) or overflow (C1 set).
        let over = !cpu.x87.empty(0);
        cpu.x87.c1(over);
        cpu.x87.fsw &= !C2;
        if cpu.x87.raise(IE | SF) {
            return Ok(());
        }
        cpu.x87.set(0, INDEFINITE);
        if pushes {
            cpu.x87.set_top(below);
            cpu.x87.set(0, INDEFINITE);
        }
        return Ok(());
    }
    let a = f80::unpack(cpu.x87.get(0));
    let mode = cpu.x87.mode();
    let first = match ops.cc {
        T_COS => transc::Trig::Cos,
        T_TAN => transc::Trig::Tan,
        _ => transc::Trig::Sin,
    };
    let Some(r) = transc::trig(first, a, mode) else {
        cpu.x87.fsw |= C2;
        return Ok(());
    };
    cpu.x87.fsw &= !C2;
    if !pushes {
        deliver(cpu, 0, r, false);
        return Ok(());
    }
    let second = if ops.cc == T_TAN {
        // 1.0, or the NaN again for a NaN operand.
        let nan = r.f80().1 & 0x7fff == 0x7fff && r.f80().0 << 1 != 0;
        if nan {
            r
        } else {
            Out {
                bits: 0x3fff << 64 | 1 << 63,
                flags: r.flags,
                up: false,
            }
        }
    } else {
        transc::trig(transc::Trig::Cos, a, mode).unwrap_or(r)
    };
    if cpu.x87.suppress(r.flags | second.flags) {
        return Ok(());
    }
    cpu.x87.fsw &= !C1;
    cpu.x87.c1(r.up || second.up);
    cpu.x87.set(0, r.f80());
    cpu.x87.push(second.f80());
    Ok(())
}
