//! Lowering of the x87 forms (operands ST(0)–ST(7) and real, integer and control-word memory
//! operands, which the generic extraction in [`super::decode`] does not handle) into records
//! for [`super::exec::x87`]: the handler, the ST(i) index in `Ops::imm`, the memory operand
//! and its size in `Ops::size`, and the handler's selector in `Ops::cc`.
//!
//! FISTTP (SSE3) is not lowered here and raises #UD (counted).

use iced_x86::{Instruction, Mnemonic as M, OpKind, Register};

use super::decode::memory;
use super::exec::x87::{self, A_ADD, A_DIV, A_INT, A_MUL, A_POP, A_REV, A_SUB, A_TO_STI};
use super::exec::x87::{C_EFLAGS, C_QUIET, C_ZERO};
use super::insn::{Handler, Opnd, Ops};

/// ST(i) index of register operand `r`.
fn st(r: Register) -> Option<u8> {
    let n = (r as u32).wrapping_sub(Register::ST0 as u32);
    (n < 8).then_some(n as u8)
}

/// The handler and selector of x87 form `i` (operands filled into `ops`), `None` when `i` is
/// not an x87 form lowered here.
pub fn x87_form(i: &Instruction, ops: &mut Ops) -> Option<Handler> {
    let m = i.mnemonic();
    let (h, sel): (Handler, u8) = match m {
        M::Fld => (x87::fld, 0),
        M::Fild => (x87::fld, 1),
        M::Fst => (x87::fst, 0),
        M::Fstp => (x87::fst, 1),
        M::Fist => (x87::fist, 0),
        M::Fistp => (x87::fist, 1),
        M::Fld1 => (x87::fldconst, 0),
        M::Fldl2t => (x87::fldconst, 1),
        M::Fldl2e => (x87::fldconst, 2),
        M::Fldpi => (x87::fldconst, 3),
        M::Fldlg2 => (x87::fldconst, 4),
        M::Fldln2 => (x87::fldconst, 5),
        M::Fldz => (x87::fldconst, 6),
        M::Fadd => (x87::arith, A_ADD),
        M::Faddp => (x87::arith, A_ADD | A_POP),
        M::Fiadd => (x87::arith, A_ADD | A_INT),
        M::Fmul => (x87::arith, A_MUL),
        M::Fmulp => (x87::arith, A_MUL | A_POP),
        M::Fimul => (x87::arith, A_MUL | A_INT),
        M::Fsub => (x87::arith, A_SUB),
        M::Fsubp => (x87::arith, A_SUB | A_POP),
        M::Fisub => (x87::arith, A_SUB | A_INT),
        M::Fsubr => (x87::arith, A_SUB | A_REV),
        M::Fsubrp => (x87::arith, A_SUB | A_REV | A_POP),
        M::Fisubr => (x87::arith, A_SUB | A_REV | A_INT),
        M::Fdiv => (x87::arith, A_DIV),
        M::Fdivp => (x87::arith, A_DIV | A_POP),
        M::Fidiv => (x87::arith, A_DIV | A_INT),
        M::Fdivr => (x87::arith, A_DIV | A_REV),
        M::Fdivrp => (x87::arith, A_DIV | A_REV | A_POP),
        M::Fidivr => (x87::arith, A_DIV | A_REV | A_INT),
        M::Fsqrt => (x87::fsqrt, 0),
        M::Frndint => (x87::frndint, 0),
        M::Fchs => (x87::fsign, 0),
        M::Fabs => (x87::fsign, 1),
        M::Fxch => (x87::fxch, 0),
        M::Fcom => (x87::fcom, 0),
        M::Fcomp => (x87::fcom, 1),
        M::Fcompp => (x87::fcom, 2),
        M::Fucom => (x87::fcom, C_QUIET),
        M::Fucomp => (x87::fcom, C_QUIET | 1),
        M::Fucompp => (x87::fcom, C_QUIET | 2),
        M::Ficom => (x87::fcom, A_INT),
        M::Ficomp => (x87::fcom, A_INT | 1),
        M::Fcomi => (x87::fcom, C_EFLAGS),
        M::Fcomip => (x87::fcom, C_EFLAGS | 1),
        M::Fucomi => (x87::fcom, C_EFLAGS | C_QUIET),
        M::Fucomip => (x87::fcom, C_EFLAGS | C_QUIET | 1),
        M::Ftst => (x87::fcom, C_ZERO),
        M::Fxam => (x87::fxam, 0),
        M::Fcmovb => (x87::fcmov, 0),
        M::Fcmove => (x87::fcmov, 1),
        M::Fcmovbe => (x87::fcmov, 2),
        M::Fcmovu => (x87::fcmov, 3),
        M::Fcmovnb => (x87::fcmov, 4),
        M::Fcmovne => (x87::fcmov, 5),
        M::Fcmovnbe => (x87::fcmov, 6),
        M::Fcmovnu => (x87::fcmov, 7),
        M::Ffree => (x87::ffree, 0),
        M::Fincstp => (x87::fstp_move, 1),
        M::Fdecstp => (x87::fstp_move, 7),
        M::Fnop | M::Wait => (x87::fnop, 0),
        M::Fldcw => (x87::fldcw, 0),
        M::Fnstcw => (x87::fnstw, 0),
        M::Fnstsw if i.op_kind(0) == OpKind::Register => (x87::fnstw, 2),
        M::Fnstsw => (x87::fnstw, 1),
        M::Fxsave => (x87::fxsave64, 1),
        M::Fxrstor => (x87::fxrstor64, 1),
        M::Fnstenv => (x87::env::fnstenv, 0),
        M::Fldenv => (x87::env::fldenv, 0),
        M::Fnsave => (x87::env::fnsave, 0),
        M::Frstor => (x87::env::frstor, 0),
        M::Fscale => (x87::exact::fscale, 0),
        M::Fxtract => (x87::exact::fxtract, 0),
        M::Fprem => (x87::exact::fprem, 0),
        M::Fprem1 => (x87::exact::fprem, 1),
        M::Fbld => (x87::exact::fbld, 0),
        M::Fbstp => (x87::exact::fbstp, 0),
        M::F2xm1 => (x87::transc::f2xm1, 0),
        M::Fyl2x => (x87::transc::binary, x87::transc::L_YL2X),
        M::Fyl2xp1 => (x87::transc::binary, x87::transc::L_YL2XP1),
        M::Fpatan => (x87::transc::binary, x87::transc::L_PATAN),
        M::Fsin => (x87::transc::trig, x87::transc::T_SIN),
        M::Fcos => (x87::transc::trig, x87::transc::T_COS),
        M::Fsincos => (x87::transc::trig, x87::transc::T_SINCOS),
        M::Fptan => (x87::transc::trig, x87::transc::T_TAN),
        _ => return None,
    };
    let mut sel = sel;
    for k in 0..i.op_count() {
        match i.op_kind(k) {
            OpKind::Memory => {
                ops.mem = memory(i)?;
                ops.dst = Opnd::Mem;
                use iced_x86::MemorySize as S;
                ops.size = match i.memory_size() {
                    S::UInt16 | S::Int16 => 2,
                    S::Float32 | S::Int32 => 4,
                    S::Float64 | S::Int64 => 8,
                    S::Float80 | S::Bcd => 10,
                    S::FpuEnv14 => 14,
                    S::FpuEnv28 => 28,
                    S::FpuState94 => 94,
                    S::FpuState108 => 108,
                    S::Fxsave_512Byte => 16,
                    _ => return None,
                };
            }
            OpKind::Register if i.op_register(k) == Register::AX => {}
            OpKind::Register => {
                let n = st(i.op_register(k))?;
                if k == 0 && i.op_count() == 2 && n != 0 {
                    sel |= A_TO_STI; // (ST(i), ST(0)): the result goes to ST(i)
                }
                if n != 0 || ops.imm == 0 {
                    ops.imm = n as u64;
                }
            }
            _ => return None,
        }
    }
    if matches!(m, M::Fcompp | M::Fucompp) {
        ops.imm = 1; // ST(0) with ST(1)
    }
    ops.cc = sel;
    Some(h)
}
