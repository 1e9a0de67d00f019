//! From iced-x86's decoded `Instruction` to our pre-decoded [`Insn`] record, once per
//! instruction at block-build time.
//!
//! [`line`] is the mnemonic table: one line per mnemonic names its handler, whether it ends a
//! block and a selector (condition code, ALU operation, fixed operand size). Operands are
//! extracted generically (`operands`): general-purpose registers, XMM registers (forms with
//! one go to the SSE/SSE2 table, `sse_line`), one memory operand, immediates and near branch
//! targets (MMX registers and MASKMOVQ's DS:rDI for the SSE/MMX table); ENTER's two
//! immediates (`enter_form`); a form with any other operand kind (segment, control and x87
//! registers, far pointers) is not supported yet and decodes, like an unknown mnemonic or
//! undecodable bytes, to a record that raises #UD and is counted by its iced `Code`
//! ([`Cpu::undefined`](super::state::Cpu::undefined)). Nothing here panics on any byte
//! sequence.

use iced_x86::{Code, Instruction, MemorySize, Mnemonic, OpKind, Register};

use super::block::Env;
use super::exec::sse_fp::{self as fp, arith, PD, PS, SD, SS};
use super::exec::sse_int::{self as si, lanes, shift as vshift, whole};
use super::exec::sse_mov::{self as sm, UNALIGNED};
use super::exec::{
    alu, bits, branch, control, data, far, io, misc, muldiv, shift, stack, string, x87,
};
use super::insn::{Handler, Insn, Mem, Opnd, Ops, Seg, NO_REG, RIP_REL};
use super::state::{Cpu, Fault};

/// One line of the mnemonic table.
struct Line {
    exec: Handler,
    /// Control flow: the block ends after it.
    ends: bool,
    /// Handler-specific: condition code, or a fixed operand size for operand-less forms.
    sel: u8,
}

const fn l(exec: Handler, sel: u8) -> Line {
    Line {
        exec,
        ends: false,
        sel,
    }
}

const fn br(exec: Handler, sel: u8) -> Line {
    Line {
        exec,
        ends: true,
        sel,
    }
}

/// The mnemonic table (SDM vol. 2 instruction reference, by mnemonic).
fn line(m: Mnemonic) -> Option<Line> {
    use Mnemonic as M;
    Some(match m {
        // Data movement.
        M::Mov => l(data::mov, 0),
        M::Movzx => l(data::movzx, 0),
        M::Movsx | M::Movsxd => l(data::movsx, 0),
        M::Lea => l(data::lea, 0),
        M::Xchg => l(data::xchg, 0),
        M::Nop => l(data::nop, 0),
        // Paging.
        M::Invlpg => br(super::mmu::invlpg, 0),
        // Hints with no architectural effect in an interpreter that runs one vCPU at a time
        // and has no caches: spin-wait, fences, prefetches, the CET landing pad (CET off).
        M::Pause | M::Lfence | M::Mfence | M::Sfence | M::Endbr64 => l(data::nop, 0),
        M::Prefetchnta | M::Prefetcht0 | M::Prefetcht1 | M::Prefetcht2 | M::Prefetchw => {
            l(data::nop, 0)
        }
        M::Cbw => l(data::widen_acc, 2),
        M::Cwde => l(data::widen_acc, 4),
        M::Cdqe => l(data::widen_acc, 8),
        M::Cwd => l(data::sign_to_dx, 2),
        M::Cdq => l(data::sign_to_dx, 4),
        M::Cqo => l(data::sign_to_dx, 8),
        M::Cmovo => l(data::cmov, 0x0),
        M::Cmovno => l(data::cmov, 0x1),
        M::Cmovb => l(data::cmov, 0x2),
        M::Cmovae => l(data::cmov, 0x3),
        M::Cmove => l(data::cmov, 0x4),
        M::Cmovne => l(data::cmov, 0x5),
        M::Cmovbe => l(data::cmov, 0x6),
        M::Cmova => l(data::cmov, 0x7),
        M::Cmovs => l(data::cmov, 0x8),
        M::Cmovns => l(data::cmov, 0x9),
        M::Cmovp => l(data::cmov, 0xa),
        M::Cmovnp => l(data::cmov, 0xb),
        M::Cmovl => l(data::cmov, 0xc),
        M::Cmovge => l(data::cmov, 0xd),
        M::Cmovle => l(data::cmov, 0xe),
        M::Cmovg => l(data::cmov, 0xf),
        M::Seto => l(data::setcc, 0x0),
        M::Setno => l(data::setcc, 0x1),
        M::Setb => l(data::setcc, 0x2),
        M::Setae => l(data::setcc, 0x3),
        M::Sete => l(data::setcc, 0x4),
        M::Setne => l(data::setcc, 0x5),
        M::Setbe => l(data::setcc, 0x6),
        M::Seta => l(data::setcc, 0x7),
        M::Sets => l(data::setcc, 0x8),
        M::Setns => l(data::setcc, 0x9),
        M::Setp => l(data::setcc, 0xa),
        M::Setnp => l(data::setcc, 0xb),
        M::Setl => l(data::setcc, 0xc),
        M::Setge => l(data::setcc, 0xd),
        M::Setle => l(data::setcc, 0xe),
        M::Setg => l(data::setcc, 0xf),
        // Integer arithmetic and logic.
        M::Add => l(alu::bin::<{ alu::ADD }>, 0),
        M::Or => l(alu::bin::<{ alu::OR }>, 0),
        M::Adc => l(alu::bin::<{ alu::ADC }>, 0),
        M::Sbb => l(alu::bin::<{ alu::SBB }>, 0),
        M::And => l(alu::bin::<{ alu::AND }>, 0),
        M::Sub => l(alu::bin::<{ alu::SUB }>, 0),
        M::Xor => l(alu::bin::<{ alu::XOR }>, 0),
        M::Cmp => l(alu::bin::<{ alu::CMP }>, 0),
        M::Test => l(alu::bin::<{ alu::TEST }>, 0),
        M::Neg => l(alu::neg, 0),
        M::Not => l(alu::not, 0),
        M::Inc => l(alu::inc_dec::<false>, 0),
        M::Dec => l(alu::inc_dec::<true>, 0),
        // Shifts and rotates.
        M::Shl | M::Sal => l(shift::shift::<{ shift::SHL }>, 0),
        M::Shr => l(shift::shift::<{ shift::SHR }>, 0),
        M::Sar => l(shift::shift::<{ shift::SAR }>, 0),
        M::Rol => l(shift::shift::<{ shift::ROL }>, 0),
        M::Ror => l(shift::shift::<{ shift::ROR }>, 0),
        M::Shld => l(shift::dshift::<true>, 0),
        M::Shrd => l(shift::dshift::<false>, 0),
        // Multiply and divide.
        M::Mul => l(muldiv::mul, 0),
        M::Imul => l(muldiv::imul, 0),
        M::Div => l(muldiv::div, 0),
        M::Idiv => l(muldiv::idiv, 0),
        // Bit operations.
        M::Bt => l(bits::bt::<{ bits::BT }>, 0),
        M::Bts => l(bits::bt::<{ bits::BTS }>, 0),
        M::Btr => l(bits::bt::<{ bits::BTR }>, 0),
        M::Btc => l(bits::bt::<{ bits::BTC }>, 0),
        M::Bsf => l(bits::bsf, 0),
        M::Bsr => l(bits::bsr, 0),
        // F3 0F BC/BD: without BMI1/LZCNT advertised in CPUID they run as BSF/BSR, as on
        // processors without those extensions (the kernel's `rep bsf`).
        M::Tzcnt => l(bits::bsf, 0),
        M::Lzcnt => l(bits::bsr, 0),
        M::Bswap => l(misc::bswap, 0),
        // Exchange and compare.
        M::Xadd => l(misc::xadd, 0),
        M::Cmpxchg => l(misc::cmpxchg, 0),
        M::Cmpxchg8b | M::Cmpxchg16b => l(misc::cmpxchg_wide, 0),
        // Flags.
        M::Clc => l(misc::flag_op, 0),
        M::Stc => l(misc::flag_op, 1),
        M::Cmc => l(misc::flag_op, 2),
        M::Cld => l(misc::flag_op, 3),
        M::Std => l(misc::flag_op, 4),
        // Strings (operands implicit: see `string_form`).
        M::Movsb | M::Movsw | M::Movsd | M::Movsq => l(string::string::<{ string::MOVS }>, 0),
        M::Stosb | M::Stosw | M::Stosd | M::Stosq => l(string::string::<{ string::STOS }>, 0),
        M::Lodsb | M::Lodsw | M::Lodsd | M::Lodsq => l(string::string::<{ string::LODS }>, 0),
        M::Scasb | M::Scasw | M::Scasd | M::Scasq => l(string::string::<{ string::SCAS }>, 0),
        M::Cmpsb | M::Cmpsw | M::Cmpsd | M::Cmpsq => l(string::string::<{ string::CMPS }>, 0),
        M::Insb | M::Insw | M::Insd => l(string::string::<{ string::INS }>, 0),
        M::Outsb | M::Outsw | M::Outsd => l(string::string::<{ string::OUTS }>, 0),
        // Port I/O (exec::io).
        M::In => l(io::in_, 0),
        M::Out => l(io::out, 0),
        // Stack.
        M::Push => l(stack::push, 0),
        M::Pop => l(stack::pop, 0),
        M::Leave => l(misc::leave, 0),
        // Control flow.
        M::Jo => br(branch::jcc, 0x0),
        M::Jno => br(branch::jcc, 0x1),
        M::Jb => br(branch::jcc, 0x2),
        M::Jae => br(branch::jcc, 0x3),
        M::Je => br(branch::jcc, 0x4),
        M::Jne => br(branch::jcc, 0x5),
        M::Jbe => br(branch::jcc, 0x6),
        M::Ja => br(branch::jcc, 0x7),
        M::Js => br(branch::jcc, 0x8),
        M::Jns => br(branch::jcc, 0x9),
        M::Jp => br(branch::jcc, 0xa),
        M::Jnp => br(branch::jcc, 0xb),
        M::Jl => br(branch::jcc, 0xc),
        M::Jge => br(branch::jcc, 0xd),
        M::Jle => br(branch::jcc, 0xe),
        M::Jg => br(branch::jcc, 0xf),
        M::Jmp => br(branch::jmp, 0),
        M::Call => br(branch::call, 0),
        M::Ret => br(branch::ret, 0),
        M::Loop => br(branch::loop_::<0>, 0),
        M::Loope => br(branch::loop_::<1>, 0),
        M::Loopne => br(branch::loop_::<2>, 0),
        M::Jrcxz | M::Jecxz | M::Jcxz => br(branch::loop_::<3>, 0),
        // MOVNTI: a plain store (no caches to bypass).
        M::Movnti => l(data::mov, 0),
        M::Ldmxcsr => l(fp::ldmxcsr, 0),
        // x87 (the forms glibc's start-up and TLS paths reach).
        M::Fninit => l(x87::fninit, 0),
        M::Fnclex => l(x87::fnclex, 0),
        M::Fxsave64 => l(x87::fxsave64, 0),
        M::Fxrstor64 => l(x87::fxrstor64, 0),
        M::Stmxcsr => l(fp::stmxcsr, 0),
        // System (exec::control). Those that change the mode, IF or the interrupt shadow end
        // the block.
        M::Cpuid => l(control::cpuid, 0),
        M::Rdtsc => l(control::rdtsc, 0),
        M::Rdtscp => l(control::rdtsc, 1),
        M::Rdmsr => l(control::rdmsr, 0),
        M::Wrmsr => br(control::wrmsr, 0),
        M::Cli => l(control::cli_sti, 0),
        M::Sti => br(control::cli_sti, 1),
        M::Hlt => br(control::hlt, 0),
        M::Pushf => l(control::pushf, 2),
        M::Pushfd => l(control::pushf, 4),
        M::Pushfq => l(control::pushf, 8),
        M::Popf => br(control::popf, 2),
        M::Popfd => br(control::popf, 4),
        M::Popfq => br(control::popf, 8),
        M::Swapgs => l(control::swapgs, 0),
        M::Syscall => br(control::syscall, 0),
        M::Sysret => br(control::sysret, 4),
        M::Sysretq => br(control::sysret, 8),
        M::Wbinvd | M::Invd => l(control::wbinvd, 0),
        M::Clflush => l(control::clflush, 0),
        M::Lmsw => br(control::lmsw, 0),
        M::Smsw => l(control::smsw, 0),
        M::Clts => l(control::clts, 0),
        M::Lldt => l(far::lldt, 0),
        M::Ltr => l(far::ltr, 0),
        M::Sldt => l(far::sldt_str, 0),
        M::Str => l(far::sldt_str, 1),
        M::Verr => l(far::verify, 0),
        M::Verw => l(far::verify, 1),
        M::Lar => l(far::verify, 2),
        M::Lsl => l(far::verify, 3),
        _ => return None,
    })
}

/// `h::<A.., 8>` for a form naming an MMX register (`mmx`), else `h::<A.., 16>`: the width
/// parameter of the packed-integer handlers.
macro_rules! width {
    ($mmx:expr, $($h:ident)::+ :: <$($g:tt),*>) => {
        if $mmx {
            $($h)::+::<$($g,)* 8> as Handler
        } else {
            $($h)::+::<$($g,)* 16>
        }
    };
    ($mmx:expr, $($h:ident)::+) => {
        if $mmx {
            $($h)::+::<8> as Handler
        } else {
            $($h)::+::<16>
        }
    };
}

/// `h::<true>` for a form naming an MMX register (`mmx`), else `h::<false>`: the MMX
/// parameter of the handlers that run both kinds of form.
macro_rules! mm {
    ($mmx:expr, $($h:ident)::+) => {
        if $mmx {
            $($h)::+::<true> as Handler
        } else {
            $($h)::+::<false>
        }
    };
}

/// The SSE/SSE2 and MMX table: forms with an XMM or MMX operand, by mnemonic (SDM vol. 2);
/// the MMX forms of a mnemonic (`mmx`: the form names an MMX register) share its line, with
/// the handler's MMX instantiation.
fn sse_line(m: Mnemonic, mmx: bool) -> Option<Line> {
    use si::{
        ADD, ADDS, ADDUS, AND, ANDN, AVG, CMPEQ, CMPGT, MADDWD, MAXS, MAXU, MINS, MINU, MULHS,
        MULHU, MULLO, MULUDQ, OR, PACKSSDW, PACKSSWB, PACKUSWB, SADBW, SLL, SRA, SRL, SUB, SUBS,
        SUBUS, UNPCKH, UNPCKL, XOR,
    };
    use Mnemonic as M;
    Some(match m {
        // Data movement.
        M::Movaps | M::Movapd | M::Movdqa | M::Movntps | M::Movntpd | M::Movntdq => {
            l(sm::mov128, 0)
        }
        M::Movups | M::Movupd | M::Movdqu => l(sm::mov128, UNALIGNED),
        M::Movd => l(mm!(mmx, sm::movdq), 4),
        M::Movq => l(mm!(mmx, sm::movdq), 8),
        M::Movss => l(sm::movs, 4),
        M::Movsd => l(sm::movs, 8),
        M::Movlps | M::Movlpd => l(sm::movhl, 0),
        M::Movhps | M::Movhpd => l(sm::movhl, 1),
        M::Movhlps => l(sm::movhl, 2),
        M::Movlhps => l(sm::movhl, 3),
        M::Pmovmskb => l(mm!(mmx, sm::movmsk), 1),
        M::Movmskps => l(mm!(mmx, sm::movmsk), 4),
        M::Movmskpd => l(mm!(mmx, sm::movmsk), 8),
        M::Pextrw => l(mm!(mmx, sm::pextrw), 0),
        M::Pinsrw => l(mm!(mmx, sm::pinsrw), 0),
        // MMX-only moves and the byte-masked stores.
        M::Emms => l(super::exec::mmx::emms, 0),
        M::Movq2dq | M::Movdq2q | M::Movntq => l(mm!(mmx, sm::movdq), 8),
        M::Maskmovq | M::Maskmovdqu => l(mm!(mmx, sm::maskmov), 0),
        M::Pshufw => l(width!(mmx, si::shuffle), 5),
        // Packed integer arithmetic and comparison.
        M::Paddb => l(width!(mmx, lanes::<ADD, 1>), 0),
        M::Paddw => l(width!(mmx, lanes::<ADD, 2>), 0),
        M::Paddd => l(width!(mmx, lanes::<ADD, 4>), 0),
        M::Paddq => l(width!(mmx, lanes::<ADD, 8>), 0),
        M::Psubb => l(width!(mmx, lanes::<SUB, 1>), 0),
        M::Psubw => l(width!(mmx, lanes::<SUB, 2>), 0),
        M::Psubd => l(width!(mmx, lanes::<SUB, 4>), 0),
        M::Psubq => l(width!(mmx, lanes::<SUB, 8>), 0),
        M::Paddsb => l(width!(mmx, lanes::<ADDS, 1>), 0),
        M::Paddsw => l(width!(mmx, lanes::<ADDS, 2>), 0),
        M::Paddusb => l(width!(mmx, lanes::<ADDUS, 1>), 0),
        M::Paddusw => l(width!(mmx, lanes::<ADDUS, 2>), 0),
        M::Psubsb => l(width!(mmx, lanes::<SUBS, 1>), 0),
        M::Psubsw => l(width!(mmx, lanes::<SUBS, 2>), 0),
        M::Psubusb => l(width!(mmx, lanes::<SUBUS, 1>), 0),
        M::Psubusw => l(width!(mmx, lanes::<SUBUS, 2>), 0),
        M::Pcmpeqb => l(width!(mmx, lanes::<CMPEQ, 1>), 0),
        M::Pcmpeqw => l(width!(mmx, lanes::<CMPEQ, 2>), 0),
        M::Pcmpeqd => l(width!(mmx, lanes::<CMPEQ, 4>), 0),
        M::Pcmpgtb => l(width!(mmx, lanes::<CMPGT, 1>), 0),
        M::Pcmpgtw => l(width!(mmx, lanes::<CMPGT, 2>), 0),
        M::Pcmpgtd => l(width!(mmx, lanes::<CMPGT, 4>), 0),
        M::Pminub => l(width!(mmx, lanes::<MINU, 1>), 0),
        M::Pmaxub => l(width!(mmx, lanes::<MAXU, 1>), 0),
        M::Pminsw => l(width!(mmx, lanes::<MINS, 2>), 0),
        M::Pmaxsw => l(width!(mmx, lanes::<MAXS, 2>), 0),
        M::Pavgb => l(width!(mmx, lanes::<AVG, 1>), 0),
        M::Pavgw => l(width!(mmx, lanes::<AVG, 2>), 0),
        M::Pmullw => l(width!(mmx, lanes::<MULLO, 2>), 0),
        M::Pmulhw => l(width!(mmx, lanes::<MULHS, 2>), 0),
        M::Pmulhuw => l(width!(mmx, lanes::<MULHU, 2>), 0),
        M::Pmuludq => l(width!(mmx, whole::<MULUDQ, 8>), 0),
        M::Pmaddwd => l(width!(mmx, whole::<MADDWD, 4>), 0),
        M::Psadbw => l(width!(mmx, whole::<SADBW, 8>), 0),
        // Bitwise (the FP forms move bits only).
        M::Pand | M::Andps | M::Andpd => l(width!(mmx, whole::<AND, 16>), 0),
        M::Pandn | M::Andnps | M::Andnpd => l(width!(mmx, whole::<ANDN, 16>), 0),
        M::Por | M::Orps | M::Orpd => l(width!(mmx, whole::<OR, 16>), 0),
        M::Pxor | M::Xorps | M::Xorpd => l(width!(mmx, whole::<XOR, 16>), 0),
        // Shifts.
        M::Psllw => l(width!(mmx, vshift::<SLL, 2>), 0),
        M::Pslld => l(width!(mmx, vshift::<SLL, 4>), 0),
        M::Psllq => l(width!(mmx, vshift::<SLL, 8>), 0),
        M::Psrlw => l(width!(mmx, vshift::<SRL, 2>), 0),
        M::Psrld => l(width!(mmx, vshift::<SRL, 4>), 0),
        M::Psrlq => l(width!(mmx, vshift::<SRL, 8>), 0),
        M::Psraw => l(width!(mmx, vshift::<SRA, 2>), 0),
        M::Psrad => l(width!(mmx, vshift::<SRA, 4>), 0),
        M::Pslldq => l(si::shift_bytes::<true>, 0),
        M::Psrldq => l(si::shift_bytes::<false>, 0),
        // Pack, interleave, shuffle.
        M::Packsswb => l(width!(mmx, whole::<PACKSSWB, 2>), 0),
        M::Packssdw => l(width!(mmx, whole::<PACKSSDW, 4>), 0),
        M::Packuswb => l(width!(mmx, whole::<PACKUSWB, 2>), 0),
        M::Punpcklbw => l(width!(mmx, whole::<UNPCKL, 1>), 0),
        M::Punpcklwd => l(width!(mmx, whole::<UNPCKL, 2>), 0),
        M::Punpckldq | M::Unpcklps => l(width!(mmx, whole::<UNPCKL, 4>), 0),
        M::Punpcklqdq | M::Unpcklpd => l(width!(mmx, whole::<UNPCKL, 8>), 0),
        M::Punpckhbw => l(width!(mmx, whole::<UNPCKH, 1>), 0),
        M::Punpckhwd => l(width!(mmx, whole::<UNPCKH, 2>), 0),
        M::Punpckhdq | M::Unpckhps => l(width!(mmx, whole::<UNPCKH, 4>), 0),
        M::Punpckhqdq | M::Unpckhpd => l(width!(mmx, whole::<UNPCKH, 8>), 0),
        M::Pshufd => l(width!(mmx, si::shuffle), 0),
        M::Pshuflw => l(width!(mmx, si::shuffle), 1),
        M::Pshufhw => l(width!(mmx, si::shuffle), 2),
        M::Shufps => l(width!(mmx, si::shuffle), 3),
        M::Shufpd => l(width!(mmx, si::shuffle), 4),
        // Floating point.
        M::Addps => l(arith::<{ fp::ADD }>, PS),
        M::Addpd => l(arith::<{ fp::ADD }>, PD),
        M::Addss => l(arith::<{ fp::ADD }>, SS),
        M::Addsd => l(arith::<{ fp::ADD }>, SD),
        M::Subps => l(arith::<{ fp::SUB }>, PS),
        M::Subpd => l(arith::<{ fp::SUB }>, PD),
        M::Subss => l(arith::<{ fp::SUB }>, SS),
        M::Subsd => l(arith::<{ fp::SUB }>, SD),
        M::Mulps => l(arith::<{ fp::MUL }>, PS),
        M::Mulpd => l(arith::<{ fp::MUL }>, PD),
        M::Mulss => l(arith::<{ fp::MUL }>, SS),
        M::Mulsd => l(arith::<{ fp::MUL }>, SD),
        M::Divps => l(arith::<{ fp::DIV }>, PS),
        M::Divpd => l(arith::<{ fp::DIV }>, PD),
        M::Divss => l(arith::<{ fp::DIV }>, SS),
        M::Divsd => l(arith::<{ fp::DIV }>, SD),
        M::Minps => l(arith::<{ fp::MIN }>, PS),
        M::Minpd => l(arith::<{ fp::MIN }>, PD),
        M::Minss => l(arith::<{ fp::MIN }>, SS),
        M::Minsd => l(arith::<{ fp::MIN }>, SD),
        M::Maxps => l(arith::<{ fp::MAX }>, PS),
        M::Maxpd => l(arith::<{ fp::MAX }>, PD),
        M::Maxss => l(arith::<{ fp::MAX }>, SS),
        M::Maxsd => l(arith::<{ fp::MAX }>, SD),
        M::Sqrtps => l(arith::<{ fp::SQRT }>, PS),
        M::Sqrtpd => l(arith::<{ fp::SQRT }>, PD),
        M::Sqrtss => l(arith::<{ fp::SQRT }>, SS),
        M::Sqrtsd => l(arith::<{ fp::SQRT }>, SD),
        M::Cmpps => l(fp::cmp, PS),
        M::Cmppd => l(fp::cmp, PD),
        M::Cmpss => l(fp::cmp, SS),
        M::Cmpsd => l(fp::cmp, SD),
        M::Comiss => l(fp::comi::<true>, SS),
        M::Comisd => l(fp::comi::<true>, SD),
        M::Ucomiss => l(fp::comi::<false>, SS),
        M::Ucomisd => l(fp::comi::<false>, SD),
        M::Cvtsi2ss => l(fp::cvt_si2f, SS),
        M::Cvtsi2sd => l(fp::cvt_si2f, SD),
        M::Cvtss2si => l(fp::cvt_f2si::<false>, SS),
        M::Cvtsd2si => l(fp::cvt_f2si::<false>, SD),
        M::Cvttss2si => l(fp::cvt_f2si::<true>, SS),
        M::Cvttsd2si => l(fp::cvt_f2si::<true>, SD),
        M::Cvtss2sd => l(mm!(mmx, fp::cvt), 0),
        M::Cvtsd2ss => l(mm!(mmx, fp::cvt), 1),
        M::Cvtps2pd => l(mm!(mmx, fp::cvt), 2),
        M::Cvtpd2ps => l(mm!(mmx, fp::cvt), 3),
        M::Cvtdq2ps => l(mm!(mmx, fp::cvt), 4),
        M::Cvtdq2pd => l(mm!(mmx, fp::cvt), 5),
        M::Cvtps2dq => l(mm!(mmx, fp::cvt), 6),
        M::Cvttps2dq => l(mm!(mmx, fp::cvt), 7),
        M::Cvtpd2dq => l(mm!(mmx, fp::cvt), 8),
        M::Cvttpd2dq => l(mm!(mmx, fp::cvt), 9),
        M::Cvtpi2ps => l(mm!(mmx, fp::cvt), 10),
        M::Cvtps2pi => l(mm!(mmx, fp::cvt), 11),
        M::Cvttps2pi => l(mm!(mmx, fp::cvt), 12),
        M::Cvtpi2pd => l(mm!(mmx, fp::cvt), 13),
        M::Cvtpd2pi => l(mm!(mmx, fp::cvt), 14),
        M::Cvttpd2pi => l(mm!(mmx, fp::cvt), 15),
        _ => return None,
    })
}

/// Whether `i` goes to [`sse_line`]: it has an XMM register operand, or its mnemonic is only
/// there (CVTTSD2SI r32, m64 has none).
fn sse_form(i: &Instruction) -> bool {
    let m = i.mnemonic();
    (0..i.op_count()).any(|k| {
        i.op_kind(k) == OpKind::Register
            && (xmm(i.op_register(k)).is_some() || mm(i.op_register(k)).is_some())
    }) || (line(m).is_none() && sse_line(m, false).is_some())
}

/// Hardware number of a general-purpose register and whether it is AH/CH/DH/BH, with its size;
/// `None` for any other register.
fn gpr(r: Register) -> Option<(Opnd, u8)> {
    let n = r as u32;
    let (al, ax, eax, rax, r15) = (
        Register::AL as u32,
        Register::AX as u32,
        Register::EAX as u32,
        Register::RAX as u32,
        Register::R15 as u32,
    );
    Some(if (al..ax).contains(&n) {
        let i = (n - al) as u8;
        match i {
            0..=3 => (Opnd::Reg(i), 1),
            4..=7 => (Opnd::RegHi(i - 4), 1),
            _ => (Opnd::Reg(i - 4), 1),
        }
    } else if (ax..eax).contains(&n) {
        (Opnd::Reg((n - ax) as u8), 2)
    } else if (eax..rax).contains(&n) {
        (Opnd::Reg((n - eax) as u8), 4)
    } else if (rax..=r15).contains(&n) {
        (Opnd::Reg((n - rax) as u8), 8)
    } else {
        return None;
    })
}

fn reg_number(r: Register) -> Option<u8> {
    match gpr(r)? {
        (Opnd::Reg(n), 8) => Some(n),
        (Opnd::Reg(n), 4) => Some(n), // 32-bit addressing (0x67, or 32-bit code)
        (Opnd::Reg(n), 2) => Some(n), // 16-bit addressing
        _ => None,
    }
}

/// Size in bytes of an integer memory operand.
fn mem_size(m: MemorySize) -> Option<u8> {
    use MemorySize as S;
    Some(match m {
        S::UInt8 | S::Int8 => 1,
        S::UInt16 | S::Int16 | S::WordOffset => 2,
        S::UInt32 | S::Int32 | S::DwordOffset => 4,
        S::UInt64 | S::Int64 | S::QwordOffset => 8,
        _ => return None,
    })
}

/// XMM register number.
fn xmm(r: Register) -> Option<u8> {
    let n = (r as u32).wrapping_sub(Register::XMM0 as u32);
    (n < 16).then_some(n as u8)
}

/// MMX register number.
fn mm(r: Register) -> Option<u8> {
    let n = (r as u32).wrapping_sub(Register::MM0 as u32);
    (n < 8).then_some(n as u8)
}

/// Size in bytes of an SSE/SSE2 or MMX memory operand (scalar or packed floating point,
/// 32-, 64- and 128-bit packed integer).
fn vec_mem_size(m: MemorySize) -> Option<u8> {
    use MemorySize as S;
    Some(match m {
        S::Float32
        | S::Packed32_UInt8
        | S::Packed32_Int8
        | S::Packed32_UInt16
        | S::Packed32_Int16 => 4,
        S::Float64
        | S::Packed64_Float32
        | S::Packed64_Int32
        | S::Packed64_UInt8
        | S::Packed64_Int8
        | S::Packed64_UInt16
        | S::Packed64_Int16
        | S::Packed64_UInt32 => 8,
        S::UInt128
        | S::Packed128_Float32
        | S::Packed128_Float64
        | S::Packed128_UInt8
        | S::Packed128_Int8
        | S::Packed128_UInt16
        | S::Packed128_Int16
        | S::Packed128_UInt32
        | S::Packed128_Int32
        | S::Packed128_UInt64
        | S::Packed128_Int64 => 16,
        _ => return None,
    })
}

/// The segment register `r` as a [`Seg`].
fn seg_of(r: Register) -> Seg {
    match r {
        Register::ES => Seg::Es,
        Register::CS => Seg::Cs,
        Register::SS => Seg::Ss,
        Register::FS => Seg::Fs,
        Register::GS => Seg::Gs,
        _ => Seg::Ds,
    }
}

/// The default address size of the code `i` was decoded as.
fn code_asz(i: &Instruction) -> u8 {
    match i.code_size() {
        iced_x86::CodeSize::Code16 => 2,
        iced_x86::CodeSize::Code32 => 4,
        _ => 8,
    }
}

/// The memory operand of `i`.
pub(super) fn memory(i: &Instruction) -> Option<Mem> {
    let seg = seg_of(i.memory_segment());
    let (base, disp) = match i.memory_base() {
        Register::RIP => (
            RIP_REL,
            i.memory_displacement64().wrapping_sub(i.next_ip()) as i64,
        ),
        Register::EIP => return None, // 32-bit RIP-relative: not yet
        Register::None => (NO_REG, i.memory_displacement64() as i64),
        r => (reg_number(r)?, i.memory_displacement64() as i64),
    };
    let index = match i.memory_index() {
        Register::None => NO_REG,
        r => reg_number(r)?,
    };
    // The address size: that of the base or index register, else (a displacement alone) the
    // code's own.
    let asz = match gpr(i.memory_base()).or(gpr(i.memory_index())) {
        Some((_, s)) => s,
        None => code_asz(i),
    };
    Some(Mem {
        base,
        index,
        scale: i.memory_index_scale().trailing_zeros() as u8,
        seg,
        asz,
        stack: base == 4 || base == 5,
        disp: match asz {
            2 => disp as u16 as i64,
            4 => disp as u32 as i64,
            _ => disp,
        },
    })
}

/// Operand slots, operand sizes, memory operand and immediate of `i`, or `None` when an
/// operand is of a kind this core does not execute yet.
fn operands(i: &Instruction, ops: &mut Ops) -> Option<()> {
    let n = i.op_count().min(3);
    let vector = sse_form(i);
    let mut sizes = [0u8; 3];
    for k in 0..n {
        let (slot, size) = match i.op_kind(k) {
            OpKind::Register if xmm(i.op_register(k)).is_some() => {
                (Opnd::Xmm(xmm(i.op_register(k))?), 16)
            }
            OpKind::Register if mm(i.op_register(k)).is_some() => {
                (Opnd::Mm(mm(i.op_register(k))?), 8)
            }
            // MASKMOVQ/MASKMOVDQU's implicit destination, DS:rDI (segment override allowed).
            kind @ (OpKind::MemorySegRDI | OpKind::MemorySegEDI | OpKind::MemorySegDI)
                if vector =>
            {
                ops.mem = Mem {
                    base: 7,
                    seg: seg_of(i.memory_segment()),
                    asz: match kind {
                        OpKind::MemorySegRDI => 8,
                        OpKind::MemorySegEDI => 4,
                        _ => 2,
                    },
                    ..Mem::default()
                };
                (Opnd::Mem, 0)
            }
            OpKind::Register => gpr(i.op_register(k))?,
            OpKind::Memory => {
                ops.mem = memory(i)?;
                // Only LEA's and INVLPG's operands have no integer size; any other (far pointers such as
                // JMP/CALL m16:64, descriptor tables, vectors) is a form not executed yet.
                let size = match mem_size(i.memory_size()) {
                    Some(s) => s,
                    // LEA and INVLPG only compute the address.
                    None if matches!(i.mnemonic(), Mnemonic::Lea | Mnemonic::Invlpg) => 0,
                    // CMPXCHG16B's handler accesses its 16 bytes as two halves.
                    None if i.code() == Code::Cmpxchg16b_m128 => 16,
                    None if matches!(
                        i.mnemonic(),
                        Mnemonic::Fxsave64
                            | Mnemonic::Fxrstor64
                            | Mnemonic::Fxsave
                            | Mnemonic::Fxrstor
                    ) =>
                    {
                        16
                    }
                    // SSE operands (packed or scalar): their size; handlers know the type.
                    None if vector => vec_mem_size(i.memory_size())?,
                    None => return None,
                };
                (Opnd::Mem, size)
            }
            kind @ (OpKind::NearBranch64 | OpKind::NearBranch32 | OpKind::NearBranch16) => {
                ops.imm = i.near_branch_target().wrapping_sub(i.next_ip());
                let size = match kind {
                    OpKind::NearBranch64 => 8,
                    OpKind::NearBranch32 => 4,
                    _ => 2,
                };
                (Opnd::Imm, size)
            }
            kind @ (OpKind::Immediate8
            | OpKind::Immediate16
            | OpKind::Immediate32
            | OpKind::Immediate64
            | OpKind::Immediate8to16
            | OpKind::Immediate8to32
            | OpKind::Immediate8to64
            | OpKind::Immediate32to64) => {
                ops.imm = i.immediate(k);
                let size = match kind {
                    OpKind::Immediate8 => 1,
                    OpKind::Immediate16 | OpKind::Immediate8to16 => 2,
                    OpKind::Immediate32 | OpKind::Immediate8to32 => 4,
                    _ => 8,
                };
                (Opnd::Imm, size)
            }
            _ => return None,
        };
        sizes[k as usize] = size;
        match k {
            0 => ops.dst = slot,
            1 => ops.src = slot,
            _ => ops.src2 = slot,
        }
    }
    ops.size = sizes[0];
    ops.src_size = if n > 1 { sizes[1] } else { sizes[0] };
    // A memory operand whose size iced does not give as an integer (LEA's, for one) takes the
    // size of the other operand.
    if ops.size == 0 {
        ops.size = ops.src_size;
    }
    if ops.src_size == 0 {
        ops.src_size = ops.size;
    }
    Some(())
}

/// The address size of a string instruction (its implicit `[RSI]`/`[RDI]` operands), `None`
/// when `i` is not one.
fn string_asz(i: &Instruction) -> Option<u8> {
    let mut found = None;
    for k in 0..i.op_count() {
        match i.op_kind(k) {
            OpKind::MemorySegRSI | OpKind::MemorySegRDI | OpKind::MemoryESRDI => found = Some(8),
            OpKind::MemorySegESI | OpKind::MemorySegEDI | OpKind::MemoryESEDI => found = Some(4),
            OpKind::MemorySegSI | OpKind::MemorySegDI | OpKind::MemoryESDI => found = Some(2),
            _ => {}
        }
    }
    found
}

/// The number of register `r` in the run of `count` registers from `first` (CR0…, DR0…).
fn reg_in(r: Register, first: Register, count: u32) -> Option<u8> {
    let n = (r as u32).wrapping_sub(first as u32);
    (n < count).then_some(n as u8)
}

/// MOV to/from a control or debug register: the general-purpose register in `dst` (from) or
/// `src` (to), the CR/DR number in `cc`. `None` when `i` is not one.
fn mov_cr_dr(i: &Instruction, ops: &mut Ops) -> Option<Line> {
    if i.mnemonic() != Mnemonic::Mov || i.op_count() != 2 {
        return None;
    }
    let (a, b) = (i.op_register(0), i.op_register(1));
    let (special, gp, to) = if i.op_kind(0) == OpKind::Register
        && (reg_in(a, Register::CR0, 16).is_some() || reg_in(a, Register::DR0, 16).is_some())
    {
        (a, b, true)
    } else if i.op_kind(1) == OpKind::Register
        && (reg_in(b, Register::CR0, 16).is_some() || reg_in(b, Register::DR0, 16).is_some())
    {
        (b, a, false)
    } else {
        return None;
    };
    let (Opnd::Reg(g), size) = gpr(gp)? else {
        return None;
    };
    ops.size = size;
    ops.src_size = size;
    let (cr, n) = match reg_in(special, Register::CR0, 16) {
        Some(n) => (true, n),
        None => (false, reg_in(special, Register::DR0, 16)?),
    };
    ops.cc = n;
    Some(if to {
        ops.src = Opnd::Reg(g);
        br(
            if cr {
                control::mov_to_cr
            } else {
                control::mov_to_dr
            },
            n,
        )
    } else {
        ops.dst = Opnd::Reg(g);
        l(
            if cr {
                control::mov_from_cr
            } else {
                control::mov_from_dr
            },
            n,
        )
    })
}

/// A register or memory operand `k` of a segment-register or descriptor-table form: its slot
/// and size (memory: `mem_size` bytes).
fn rm_operand(i: &Instruction, k: u32, ops: &mut Ops, mem_size: u8) -> Option<(Opnd, u8)> {
    match i.op_kind(k) {
        OpKind::Register => gpr(i.op_register(k)),
        OpKind::Memory => {
            ops.mem = memory(i)?;
            Some((Opnd::Mem, mem_size))
        }
        _ => None,
    }
}

/// Segment-register moves, descriptor-table loads and stores, far transfers, IRET and INT
/// ([`far`]): forms whose operands the generic extraction does not lower (segment registers,
/// far pointers, 6- and 10-byte table operands). `None` when `i` is none of them.
fn far_form(i: &Instruction, ops: &mut Ops) -> Option<Line> {
    use Code as C;
    let sreg = |k: u32| {
        (i.op_kind(k) == OpKind::Register)
            .then(|| reg_in(i.op_register(k), Register::ES, 6))
            .flatten()
    };
    // The operand size a form's name gives: ..16/w → 2, ..32/d → 4, ..64/q → 8.
    let by_code = |w: &[Code], d: &[Code]| {
        if w.contains(&i.code()) {
            2
        } else if d.contains(&i.code()) {
            4
        } else {
            8
        }
    };
    Some(match i.mnemonic() {
        Mnemonic::Mov if i.op_count() == 2 => {
            if let Some(n) = sreg(0) {
                let (slot, _) = rm_operand(i, 1, ops, 2)?;
                ops.src = slot;
                ops.size = 2;
                ops.cc = n;
                br(far::mov_to_sreg, n)
            } else if let Some(n) = sreg(1) {
                let (slot, size) = rm_operand(i, 0, ops, 2)?;
                ops.dst = slot;
                ops.size = size;
                ops.cc = n;
                l(far::mov_from_sreg, n)
            } else {
                return None;
            }
        }
        m @ (Mnemonic::Push | Mnemonic::Pop) => {
            let n = sreg(0)?;
            ops.cc = n;
            let name = i.code();
            ops.size = if matches!(
                name,
                C::Pushw_ES
                    | C::Pushw_CS
                    | C::Pushw_SS
                    | C::Pushw_DS
                    | C::Pushw_FS
                    | C::Pushw_GS
                    | C::Popw_ES
                    | C::Popw_CS
                    | C::Popw_SS
                    | C::Popw_DS
                    | C::Popw_FS
                    | C::Popw_GS
            ) {
                2
            } else if i.code_size() == iced_x86::CodeSize::Code64 {
                8
            } else {
                4
            };
            if m == Mnemonic::Push {
                l(far::push_sreg, n)
            } else {
                br(far::pop_sreg, n)
            }
        }
        m @ (Mnemonic::Lgdt | Mnemonic::Lidt | Mnemonic::Sgdt | Mnemonic::Sidt) => {
            ops.mem = memory(i)?;
            ops.dst = Opnd::Mem;
            ops.size = match i.code() {
                C::Lgdt_m1632_16 | C::Lidt_m1632_16 | C::Sgdt_m1632_16 | C::Sidt_m1632_16 => 3,
                C::Lgdt_m1632 | C::Lidt_m1632 | C::Sgdt_m1632 | C::Sidt_m1632 => 4,
                _ => 8,
            };
            let idt = u8::from(matches!(m, Mnemonic::Lidt | Mnemonic::Sidt));
            ops.cc = idt;
            if matches!(m, Mnemonic::Lgdt | Mnemonic::Lidt) {
                l(far::lgdt_lidt, idt)
            } else {
                l(far::sgdt_sidt, idt)
            }
        }
        m @ (Mnemonic::Jmp | Mnemonic::Call) => {
            let far_ptr = matches!(i.op_kind(0), OpKind::FarBranch16 | OpKind::FarBranch32);
            if far_ptr {
                ops.dst = Opnd::Imm;
                ops.mem.disp = i.far_branch_selector() as i64;
                if i.op_kind(0) == OpKind::FarBranch16 {
                    ops.imm = i.far_branch16() as u64;
                    ops.size = 2;
                } else {
                    ops.imm = i.far_branch32() as u64;
                    ops.size = 4;
                }
            } else if matches!(
                i.code(),
                C::Jmp_m1616
                    | C::Jmp_m1632
                    | C::Jmp_m1664
                    | C::Call_m1616
                    | C::Call_m1632
                    | C::Call_m1664
            ) {
                ops.mem = memory(i)?;
                ops.dst = Opnd::Mem;
                ops.size = by_code(
                    &[C::Jmp_m1616, C::Call_m1616],
                    &[C::Jmp_m1632, C::Call_m1632],
                );
            } else {
                return None;
            }
            if m == Mnemonic::Jmp {
                br(far::jmp_far, 0)
            } else {
                br(far::call_far, 0)
            }
        }
        Mnemonic::Retf => {
            ops.size = by_code(&[C::Retfw, C::Retfw_imm16], &[C::Retfd, C::Retfd_imm16]);
            if i.op_count() == 1 {
                ops.src = Opnd::Imm;
                ops.imm = i.immediate(0);
            }
            br(far::retf, 0)
        }
        Mnemonic::Iret | Mnemonic::Iretd | Mnemonic::Iretq => {
            ops.size = by_code(&[C::Iretw], &[C::Iretd]);
            br(far::iret, 0)
        }
        Mnemonic::Int => {
            ops.imm = i.immediate(0) & 0xff;
            br(far::int_n, 0)
        }
        Mnemonic::Int3 => {
            ops.imm = 3;
            br(far::int_n, 0)
        }
        Mnemonic::Into => {
            ops.imm = 4;
            ops.cc = 1;
            br(far::int_n, 1)
        }
        _ => return None,
    })
}

/// ENTER imm16, imm8: both immediates in `imm` (`imm16 | imm8 << 16`), the operand size by
/// the form (64-bit mode: 8, or 2 with 0x66). `None` when `i` is not ENTER.
fn enter_form(i: &Instruction, ops: &mut Ops) -> Option<Line> {
    ops.size = match i.code() {
        Code::Enterw_imm16_imm8 => 2,
        Code::Enterd_imm16_imm8 => 4,
        Code::Enterq_imm16_imm8 => 8,
        _ => return None,
    };
    ops.imm = (i.immediate16() as u64) | (i.immediate8_2nd() as u64) << 16;
    Some(l(misc::enter, 0))
}

/// Whether one of `i`'s operands is an MMX register.
fn names_mmx(i: &Instruction) -> bool {
    (0..i.op_count()).any(|k| i.op_kind(k) == OpKind::Register && mm(i.op_register(k)).is_some())
}

/// The table line and operands of `i`, or the operands of a record raising #UD.
fn lower(i: &Instruction) -> Result<(Line, Ops), Ops> {
    let mut ops = Ops {
        len: i.len() as u8,
        code: i.code(),
        ..Ops::default()
    };
    if !i.is_invalid() {
        if let Some(line) = mov_cr_dr(i, &mut ops) {
            return Ok((line, ops));
        }
        if let Some(line) = far_form(i, &mut ops) {
            return Ok((line, ops));
        }
        if let Some(line) = enter_form(i, &mut ops) {
            return Ok((line, ops));
        }
        if let Some(exec) = super::decode_x87::x87_form(i, &mut ops) {
            return Ok((l(exec, ops.cc), ops));
        }
    }
    let vector = sse_form(i);
    let line = if vector {
        sse_line(i.mnemonic(), names_mmx(i))
    } else {
        line(i.mnemonic())
    };
    let line = match line {
        Some(line) if !i.is_invalid() => line,
        _ => return Err(ops),
    };
    if vector && i.code() == Code::Pextrw_r32m16_xmm_imm8 {
        return Err(ops); // SSE4.1 (66 0F 3A 15): beyond the SSE2 baseline
    }
    let code64 = i.code_size() == iced_x86::CodeSize::Code64;
    if code64
        && matches!(
            i.code(),
            Code::Retnw | Code::Retnw_imm16 | Code::Call_rm16 | Code::Jmp_rm16
        )
    {
        return Err(ops); // 16-bit near branches in 64-bit mode (AMD only honours 0x66 there)
    }
    if let (false, Some(asz)) = (vector, string_asz(i)) {
        // MOVS/STOS/LODS/SCAS/CMPS: implicit RSI/RDI operands, a repeat prefix in `cc`.
        ops.size = mem_size(i.memory_size()).ok_or(ops)?;
        ops.mem = Mem {
            seg: seg_of(i.memory_segment()),
            asz,
            ..Mem::default()
        };
        ops.cc = if i.has_repne_prefix() {
            string::REP_NE
        } else if i.has_rep_prefix() {
            string::REP_E
        } else {
            string::REP_NONE
        };
        return Ok((line, ops));
    }
    if i.code() == Code::Bswap_r16 {
        return Err(ops); // BSWAP r16 is undefined
    }
    if operands(i, &mut ops).is_none() {
        // Far, segment, control and vector operands come later.
        return Err(ops);
    }
    if i.has_lock_prefix() && !(lockable(i.mnemonic()) && ops.dst == Opnd::Mem) {
        return Err(ops); // SDM vol. 2 "LOCK": #UD unless a lockable RMW to memory
    }
    ops.cc = line.sel;
    match i.mnemonic() {
        Mnemonic::Lea => ops.mem.seg = Seg::None, // LEA computes an offset: no segment base
        Mnemonic::Leave => {
            ops.size = match i.code() {
                Code::Leavew => 2,
                Code::Leaved => 4,
                _ => 8,
            }
        }
        Mnemonic::Ret => {
            ops.size = match i.code() {
                Code::Retnw | Code::Retnw_imm16 => 2,
                Code::Retnd | Code::Retnd_imm16 => 4,
                _ => 8,
            }
        }
        Mnemonic::Loop
        | Mnemonic::Loope
        | Mnemonic::Loopne
        | Mnemonic::Jrcxz
        | Mnemonic::Jecxz
        | Mnemonic::Jcxz => {
            // The counter register's size is the address size, named by the form.
            use Code as C;
            ops.mem.asz = match i.code() {
                C::Loop_rel8_16_RCX
                | C::Loop_rel8_64_RCX
                | C::Loope_rel8_16_RCX
                | C::Loope_rel8_64_RCX
                | C::Loopne_rel8_16_RCX
                | C::Loopne_rel8_64_RCX
                | C::Jrcxz_rel8_16
                | C::Jrcxz_rel8_64 => 8,
                C::Loop_rel8_16_ECX
                | C::Loop_rel8_32_ECX
                | C::Loop_rel8_64_ECX
                | C::Loope_rel8_16_ECX
                | C::Loope_rel8_32_ECX
                | C::Loope_rel8_64_ECX
                | C::Loopne_rel8_16_ECX
                | C::Loopne_rel8_32_ECX
                | C::Loopne_rel8_64_ECX
                | C::Jecxz_rel8_16
                | C::Jecxz_rel8_32
                | C::Jecxz_rel8_64 => 4,
                _ => 2,
            };
        }
        _ => {}
    }
    if ops.size == 0 {
        ops.size = line.sel; // operand-less forms (CBW … CQO) carry it in the table
    }
    let mut line = line;
    if !vector {
        if let Some(exec) = super::exec::shaped::specialise(i.mnemonic(), &ops) {
            line.exec = exec;
        }
    }
    Ok((line, ops))
}

/// The record of one decoded instruction.
pub fn decode(i: &Instruction) -> Insn {
    match lower(i) {
        Ok((line, ops)) => Insn {
            exec: line.exec,
            ops,
            ends_block: line.ends,
        },
        Err(ops) => undefined(ops),
    }
}

/// Whether `i` decodes to an implemented record (not one raising #UD).
pub fn implemented(i: &Instruction) -> bool {
    lower(i).is_ok()
}

/// Read-modify-write instructions that accept a LOCK prefix with a memory destination (SDM
/// vol. 2 "LOCK", of those this core executes). vCPUs run one at a time on one host thread, so
/// a LOCK'd instruction is atomic by construction and runs like the plain one.
fn lockable(m: Mnemonic) -> bool {
    use Mnemonic as M;
    matches!(
        m,
        M::Add
            | M::Adc
            | M::And
            | M::Btc
            | M::Btr
            | M::Bts
            | M::Dec
            | M::Inc
            | M::Neg
            | M::Not
            | M::Or
            | M::Sbb
            | M::Sub
            | M::Xor
            | M::Xchg
            | M::Xadd
            | M::Cmpxchg
            | M::Cmpxchg8b
            | M::Cmpxchg16b
    )
}

/// A record that raises #UD when executed.
fn undefined(ops: Ops) -> Insn {
    Insn {
        exec: ud,
        ops,
        ends_block: true,
    }
}

fn ud(cpu: &mut Cpu, _env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    Err(cpu.undefined(ops.code))
}

#[cfg(test)]
mod tests {
    use super::super::exec::testing::{one, World};
    use super::*;

    #[test]
    fn registers_and_sizes() {
        // mov ah, bl
        let i = one(&[0x88, 0xdc]);
        assert_eq!(
            (i.ops.dst, i.ops.src, i.ops.size),
            (Opnd::RegHi(0), Opnd::Reg(3), 1)
        );
        // mov sil, r9b (REX)
        let i = one(&[0x44, 0x88, 0xce]);
        assert_eq!((i.ops.dst, i.ops.src), (Opnd::Reg(6), Opnd::Reg(9)));
        // movzx eax, word [rip + 0x10]
        let i = one(&[0x0f, 0xb7, 0x05, 0x10, 0, 0, 0]);
        assert_eq!((i.ops.size, i.ops.src_size), (4, 2));
        assert_eq!((i.ops.mem.base, i.ops.mem.disp), (RIP_REL, 0x10));
    }

    #[test]
    fn unsupported_forms_raise_ud_and_are_named() {
        // ud2; pshufb (SSSE3); a lone REX prefix at the end of the buffer; lock mov [rax], eax
        for (bytes, form) in [
            (&[0x0f, 0x0b][..], Code::Ud2),
            (
                &[0x66, 0x0f, 0x38, 0x00, 0xc1][..],
                Code::Pshufb_xmm_xmmm128,
            ),
            (&[0x48][..], Code::INVALID),
            (&[0xf0, 0x89, 0x00][..], Code::INVALID),
        ] {
            let i = one(bytes);
            assert!(i.ends_block);
            let mut cpu = Cpu::new();
            let mut world = World::new();
            let mut env = world.env();
            assert_eq!((i.exec)(&mut cpu, &mut env, &i.ops), Err(Fault::UD));
            assert_eq!(cpu.undefined.get(&form), Some(&1), "{bytes:x?}");
        }
    }

    #[test]
    fn lock_is_accepted_on_memory_read_modify_write_only() {
        // lock add [rax], eax
        assert!(!one(&[0xf0, 0x01, 0x00]).ends_block);
        // lock add eax, eax (register destination): #UD
        assert!(one(&[0xf0, 0x01, 0xc0]).ends_block);
    }

    #[test]
    fn tzcnt_and_lzcnt_encodings_run_as_bsf_and_bsr() {
        // rep bsf eax, ecx (TZCNT's encoding) with ecx = 0b1000: BSF gives 3 and ZF = 0
        let i = one(&[0xf3, 0x0f, 0xbc, 0xc1]);
        let mut cpu = Cpu::new();
        cpu.regs[1] = 8;
        let mut world = World::new();
        let mut env = world.env();
        assert_eq!((i.exec)(&mut cpu, &mut env, &i.ops), Ok(()));
        assert_eq!(cpu.regs[0], 3);
        // With a zero source BSF leaves the destination and sets ZF (TZCNT would write 32).
        cpu.regs[1] = 0;
        assert_eq!((i.exec)(&mut cpu, &mut env, &i.ops), Ok(()));
        assert_eq!(cpu.regs[0], 3);
        assert!(cpu.flag(crate::x86_64::flag::ZF));
    }

    #[test]
    fn far_indirect_branches_are_not_taken_for_near_ones() {
        // jmp far [rax] (REX.W FF /5: m16:64); call far [rax] (FF /3: m16:32)
        // decode to the far forms: an offset of 8 / 4 bytes before the selector.
        let j = one(&[0x48, 0xff, 0x28]);
        assert!(implemented_bytes(&[0x48, 0xff, 0x28]));
        assert_eq!((j.ops.code, j.ops.size), (Code::Jmp_m1664, 8));
        let c = one(&[0xff, 0x18]);
        assert_eq!((c.ops.code, c.ops.size), (Code::Call_m1632, 4));
        // jmp [rax] (near, FF /4) reads an 8-byte target
        let n = one(&[0xff, 0x20]);
        assert_eq!(
            (n.ops.code, n.ops.size, n.ops.dst),
            (Code::Jmp_rm64, 8, Opnd::Mem)
        );
    }

    fn implemented_bytes(bytes: &[u8]) -> bool {
        let mut d = iced_x86::Decoder::with_ip(64, bytes, 0x1000, 0);
        implemented(&d.decode())
    }

    #[test]
    fn sse_forms_take_xmm_operands_and_later_extensions_raise_ud() {
        // movsd xmm1, xmm2 (F2 0F 10) is the SSE2 scalar move, not the string MOVSD.
        let i = one(&[0xf2, 0x0f, 0x10, 0xca]);
        assert_eq!(
            (i.ops.dst, i.ops.src, i.ops.cc),
            (Opnd::Xmm(1), Opnd::Xmm(2), 8)
        );
        // movdqu xmm9, [rax] carries the unaligned selector; movdqa does not.
        let i = one(&[0xf3, 0x44, 0x0f, 0x6f, 0x08]);
        assert_eq!(
            (i.ops.dst, i.ops.src, i.ops.size),
            (Opnd::Xmm(9), Opnd::Mem, 16)
        );
        assert_ne!(i.ops.cc & UNALIGNED, 0);
        assert_eq!(one(&[0x66, 0x0f, 0x6f, 0x08]).ops.cc & UNALIGNED, 0);
        // pextrw eax, xmm1, 1 (SSE2) is implemented; the SSE4.1 66 0F 3A 15 form and SSSE3
        // pshufb xmm0, xmm1 are not.
        assert!(implemented_bytes(&[0x66, 0x0f, 0xc5, 0xc1, 1]));
        assert!(!implemented_bytes(&[0x66, 0x0f, 0x3a, 0x15, 0xc8, 1]));
        assert!(!implemented_bytes(&[0x66, 0x0f, 0x38, 0x00, 0xc1]));
        // paddb mm0, mm1 (MMX) is; pshufb mm0, mm1 (SSSE3) is not.
        assert!(implemented_bytes(&[0x0f, 0xfc, 0xc1]));
        assert!(!implemented_bytes(&[0x0f, 0x38, 0x00, 0xc1]));
    }

    #[test]
    fn misaligned_movdqa_raises_gp_and_movdqu_does_not() {
        let mut world = World::new();
        let mut env = world.env();
        let mut cpu = Cpu::new();
        cpu.regs[0] = 0x108;
        // movdqa xmm1, [rax]; movdqu xmm1, [rax]
        let a = one(&[0x66, 0x0f, 0x6f, 0x08]);
        let u = one(&[0xf3, 0x0f, 0x6f, 0x08]);
        assert_eq!((a.exec)(&mut cpu, &mut env, &a.ops), Err(Fault::GP0));
        assert_eq!((u.exec)(&mut cpu, &mut env, &u.ops), Ok(()));
        cpu.regs[0] = 0x110;
        assert_eq!((a.exec)(&mut cpu, &mut env, &a.ops), Ok(()));
    }

    #[test]
    fn branch_offsets_are_relative_to_the_next_instruction() {
        // jne -2 (to itself), call +0x100
        let i = one(&[0x75, 0xfe]);
        assert_eq!((i.ops.imm as i64, i.ops.cc, i.ends_block), (-2, 5, true));
        let i = one(&[0xe8, 0, 1, 0, 0]);
        assert_eq!(i.ops.imm, 0x100);
    }
}
