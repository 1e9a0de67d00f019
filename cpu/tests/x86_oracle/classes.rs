//! The oracle's instruction classes (one test each) and what the generator knows about flags:
//! which flags each instruction reads, writes and leaves undefined (SDM vol. 1 appendix A,
//! and each instruction's "Flags affected" in vol. 2).

use iced_x86::Mnemonic;

use Mnemonic as M;

/// Carry.
pub const CF: u64 = 1;
/// Parity.
pub const PF: u64 = 4;
/// Auxiliary carry.
pub const AF: u64 = 0x10;
/// Zero.
pub const ZF: u64 = 0x40;
/// Sign.
pub const SF: u64 = 0x80;
/// Overflow.
pub const OF: u64 = 0x800;
/// The six status flags.
pub const STATUS: u64 = CF | PF | AF | ZF | SF | OF;

/// An instruction class.
pub struct Class {
    /// Test name suffix.
    pub name: &'static str,
    /// Mnemonics whose forms are generated.
    pub mnemonics: &'static [Mnemonic],
    /// Also emit control-flow gadgets (Jcc/JMP/CALL/RET).
    pub flow: bool,
    /// Emit string instructions (with their pointer, count and direction set-up).
    pub strings: bool,
}

/// Jcc, CMOVcc and SETcc by condition code.
const CONDS: [[Mnemonic; 16]; 3] = [
    [
        M::Jo,
        M::Jno,
        M::Jb,
        M::Jae,
        M::Je,
        M::Jne,
        M::Jbe,
        M::Ja,
        M::Js,
        M::Jns,
        M::Jp,
        M::Jnp,
        M::Jl,
        M::Jge,
        M::Jle,
        M::Jg,
    ],
    [
        M::Cmovo,
        M::Cmovno,
        M::Cmovb,
        M::Cmovae,
        M::Cmove,
        M::Cmovne,
        M::Cmovbe,
        M::Cmova,
        M::Cmovs,
        M::Cmovns,
        M::Cmovp,
        M::Cmovnp,
        M::Cmovl,
        M::Cmovge,
        M::Cmovle,
        M::Cmovg,
    ],
    [
        M::Seto,
        M::Setno,
        M::Setb,
        M::Setae,
        M::Sete,
        M::Setne,
        M::Setbe,
        M::Seta,
        M::Sets,
        M::Setns,
        M::Setp,
        M::Setnp,
        M::Setl,
        M::Setge,
        M::Setle,
        M::Setg,
    ],
];

/// The packed-integer arithmetic, comparison and bitwise forms (class `sse_int`; their MMX
/// forms are in class `mmx`).
const SSE_INT: &[Mnemonic] = &[
    M::Paddb,
    M::Paddw,
    M::Paddd,
    M::Paddq,
    M::Psubb,
    M::Psubw,
    M::Psubd,
    M::Psubq,
    M::Paddsb,
    M::Paddsw,
    M::Paddusb,
    M::Paddusw,
    M::Psubsb,
    M::Psubsw,
    M::Psubusb,
    M::Psubusw,
    M::Pcmpeqb,
    M::Pcmpeqw,
    M::Pcmpeqd,
    M::Pcmpgtb,
    M::Pcmpgtw,
    M::Pcmpgtd,
    M::Pminub,
    M::Pmaxub,
    M::Pminsw,
    M::Pmaxsw,
    M::Pavgb,
    M::Pavgw,
    M::Pmullw,
    M::Pmulhw,
    M::Pmulhuw,
    M::Pmuludq,
    M::Pmaddwd,
    M::Psadbw,
    M::Pand,
    M::Pandn,
    M::Por,
    M::Pxor,
    M::Andps,
    M::Andpd,
    M::Andnps,
    M::Andnpd,
    M::Orps,
    M::Orpd,
    M::Xorps,
    M::Xorpd,
];

/// The packed shifts, packs, interleaves and shuffles (class `sse_shuffle`; their MMX forms
/// are in class `mmx`).
const SSE_SHUFFLE: &[Mnemonic] = &[
    M::Psllw,
    M::Pslld,
    M::Psllq,
    M::Psrlw,
    M::Psrld,
    M::Psrlq,
    M::Psraw,
    M::Psrad,
    M::Pslldq,
    M::Psrldq,
    M::Packsswb,
    M::Packssdw,
    M::Packuswb,
    M::Punpcklbw,
    M::Punpcklwd,
    M::Punpckldq,
    M::Punpcklqdq,
    M::Punpckhbw,
    M::Punpckhwd,
    M::Punpckhdq,
    M::Punpckhqdq,
    M::Unpcklps,
    M::Unpcklpd,
    M::Unpckhps,
    M::Unpckhpd,
    M::Pshufd,
    M::Pshuflw,
    M::Pshufhw,
    M::Shufps,
    M::Shufpd,
];

/// The mnemonics class `mmx` adds to [`SSE_INT`] and [`SSE_SHUFFLE`]: EMMS, the MMX moves,
/// the conversions with an MMX operand, the byte-masked stores.
const MMX_ONLY: &[Mnemonic] = &[
    M::Emms,
    M::Movd,
    M::Movq,
    M::Movq2dq,
    M::Movdq2q,
    M::Movntq,
    M::Pshufw,
    M::Pextrw,
    M::Pinsrw,
    M::Pmovmskb,
    M::Cvtpi2ps,
    M::Cvtps2pi,
    M::Cvttps2pi,
    M::Cvtpi2pd,
    M::Cvtpd2pi,
    M::Cvttpd2pi,
    M::Maskmovq,
    M::Maskmovdqu,
];

/// Class `mmx`: every mnemonic above; the generator keeps only their forms with an MMX operand
/// (and EMMS, MASKMOVDQU).
const MMX: [Mnemonic; SSE_INT.len() + SSE_SHUFFLE.len() + MMX_ONLY.len()] =
    concat(&[SSE_INT, SSE_SHUFFLE, MMX_ONLY]);

/// The lists of `parts`, one after the other (`N`: their total length).
const fn concat<const N: usize>(parts: &[&[Mnemonic]]) -> [Mnemonic; N] {
    let mut out = [M::INVALID; N];
    let (mut p, mut n) = (0, 0);
    while p < parts.len() {
        let mut i = 0;
        while i < parts[p].len() {
            out[n] = parts[p][i];
            n += 1;
            i += 1;
        }
        p += 1;
    }
    assert!(n == N, "concat: the lengths do not add up");
    out
}

/// The classes, one test each.
pub const CLASSES: &[Class] = &[
    Class {
        name: "mov",
        mnemonics: &[
            M::Mov,
            M::Movzx,
            M::Movsx,
            M::Movsxd,
            M::Lea,
            M::Xchg,
            M::Cbw,
            M::Cwde,
            M::Cdqe,
            M::Cwd,
            M::Cdq,
            M::Cqo,
            M::Nop,
            M::Pause,
            M::Lfence,
            M::Mfence,
            M::Sfence,
            M::Prefetcht0,
            M::Prefetchnta,
            M::Prefetchw,
        ],
        flow: false,
        strings: false,
    },
    Class {
        name: "alu",
        mnemonics: &[
            M::Add,
            M::Adc,
            M::Sub,
            M::Sbb,
            M::Cmp,
            M::And,
            M::Or,
            M::Xor,
            M::Test,
            M::Neg,
            M::Not,
            M::Inc,
            M::Dec,
        ],
        flow: false,
        strings: false,
    },
    Class {
        name: "shift",
        mnemonics: &[
            M::Shl,
            M::Sal,
            M::Shr,
            M::Sar,
            M::Rol,
            M::Ror,
            M::Add,
            M::Sub,
        ],
        flow: false,
        strings: false,
    },
    Class {
        name: "muldiv",
        mnemonics: &[M::Mul, M::Imul, M::Div, M::Idiv],
        flow: false,
        strings: false,
    },
    Class {
        name: "bits",
        mnemonics: &[M::Bt, M::Bts, M::Btr, M::Btc, M::Bsf, M::Bsr],
        flow: false,
        strings: false,
    },
    Class {
        name: "cond",
        mnemonics: &[
            M::Cmp,
            M::Sub,
            M::Add,
            M::Test,
            M::Cmovo,
            M::Cmovno,
            M::Cmovb,
            M::Cmovae,
            M::Cmove,
            M::Cmovne,
            M::Cmovbe,
            M::Cmova,
            M::Cmovs,
            M::Cmovns,
            M::Cmovp,
            M::Cmovnp,
            M::Cmovl,
            M::Cmovge,
            M::Cmovle,
            M::Cmovg,
            M::Seto,
            M::Setno,
            M::Setb,
            M::Setae,
            M::Sete,
            M::Setne,
            M::Setbe,
            M::Seta,
            M::Sets,
            M::Setns,
            M::Setp,
            M::Setnp,
            M::Setl,
            M::Setge,
            M::Setle,
            M::Setg,
        ],
        flow: false,
        strings: false,
    },
    Class {
        name: "stack_flow",
        mnemonics: &[
            M::Push,
            M::Pop,
            M::Leave,
            M::Pushf,
            M::Pushfq,
            M::Popf,
            M::Popfq,
            M::Add,
            M::Cmp,
            M::Mov,
            M::Sub,
            M::Enter,
        ],
        flow: true,
        strings: false,
    },
    Class {
        name: "misc",
        mnemonics: &[
            M::Xadd,
            M::Cmpxchg,
            M::Cmpxchg8b,
            M::Cmpxchg16b,
            M::Bswap,
            M::Clc,
            M::Stc,
            M::Cmc,
            M::Add,
            M::Sub,
            M::Adc,
        ],
        flow: false,
        strings: false,
    },
    Class {
        name: "string",
        mnemonics: &[M::Add, M::Mov, M::Sub],
        flow: false,
        strings: true,
    },
    Class {
        name: "sse_mov",
        mnemonics: &[
            M::Movaps,
            M::Movapd,
            M::Movdqa,
            M::Movups,
            M::Movupd,
            M::Movdqu,
            M::Movntps,
            M::Movntpd,
            M::Movntdq,
            M::Movnti,
            M::Movd,
            M::Movq,
            M::Movss,
            M::Movsd,
            M::Movlps,
            M::Movlpd,
            M::Movhps,
            M::Movhpd,
            M::Movhlps,
            M::Movlhps,
            M::Pmovmskb,
            M::Movmskps,
            M::Movmskpd,
            M::Pextrw,
            M::Pinsrw,
        ],
        flow: false,
        strings: false,
    },
    Class {
        name: "sse_int",
        mnemonics: SSE_INT,
        flow: false,
        strings: false,
    },
    Class {
        name: "sse_fp",
        mnemonics: &[
            M::Addps,
            M::Addpd,
            M::Addss,
            M::Addsd,
            M::Subps,
            M::Subpd,
            M::Subss,
            M::Subsd,
            M::Mulps,
            M::Mulpd,
            M::Mulss,
            M::Mulsd,
            M::Divps,
            M::Divpd,
            M::Divss,
            M::Divsd,
            M::Minps,
            M::Minpd,
            M::Minss,
            M::Minsd,
            M::Maxps,
            M::Maxpd,
            M::Maxss,
            M::Maxsd,
            M::Sqrtps,
            M::Sqrtpd,
            M::Sqrtss,
            M::Sqrtsd,
            M::Cmpps,
            M::Cmppd,
            M::Cmpss,
            M::Cmpsd,
            M::Comiss,
            M::Comisd,
            M::Ucomiss,
            M::Ucomisd,
        ],
        flow: false,
        strings: false,
    },
    Class {
        name: "sse_cvt",
        mnemonics: &[
            M::Cvtsi2ss,
            M::Cvtsi2sd,
            M::Cvtss2si,
            M::Cvtsd2si,
            M::Cvttss2si,
            M::Cvttsd2si,
            M::Cvtss2sd,
            M::Cvtsd2ss,
            M::Cvtps2pd,
            M::Cvtpd2ps,
            M::Cvtdq2ps,
            M::Cvtdq2pd,
            M::Cvtps2dq,
            M::Cvttps2dq,
            M::Cvtpd2dq,
            M::Cvttpd2dq,
            M::Stmxcsr,
        ],
        flow: false,
        strings: false,
    },
    Class {
        name: "x87",
        mnemonics: &[
            M::Fninit,
            M::Fnclex,
            M::Fild,
            M::Fld,
            M::Fst,
            M::Fstp,
            M::Fist,
            M::Fistp,
            M::Fld1,
            M::Fldl2t,
            M::Fldl2e,
            M::Fldpi,
            M::Fldlg2,
            M::Fldln2,
            M::Fldz,
            M::Fadd,
            M::Faddp,
            M::Fiadd,
            M::Fmul,
            M::Fmulp,
            M::Fimul,
            M::Fsub,
            M::Fsubp,
            M::Fisub,
            M::Fsubr,
            M::Fsubrp,
            M::Fisubr,
            M::Fdiv,
            M::Fdivp,
            M::Fidiv,
            M::Fdivr,
            M::Fdivrp,
            M::Fidivr,
            M::Fsqrt,
            M::Frndint,
            M::Fchs,
            M::Fabs,
            M::Fxch,
            M::Fcom,
            M::Fcomp,
            M::Fcompp,
            M::Fucom,
            M::Fucomp,
            M::Fucompp,
            M::Ficom,
            M::Ficomp,
            M::Fcomi,
            M::Fcomip,
            M::Fucomi,
            M::Fucomip,
            M::Ftst,
            M::Fxam,
            M::Fcmovb,
            M::Fcmove,
            M::Fcmovbe,
            M::Fcmovu,
            M::Fcmovnb,
            M::Fcmovne,
            M::Fcmovnbe,
            M::Fcmovnu,
            M::Ffree,
            M::Fincstp,
            M::Fdecstp,
            M::Fnop,
            M::Fldcw,
            M::Fnstcw,
            M::Fnstsw,
            M::Fxsave64,
            M::Fxrstor64,
            M::Fxsave,
            M::Fxrstor,
            M::Movdqa,
        ],
        flow: false,
        strings: false,
    },
    Class {
        name: "sse_shuffle",
        mnemonics: SSE_SHUFFLE,
        flow: false,
        strings: false,
    },
    Class {
        name: "mmx",
        mnemonics: &MMX,
        flow: false,
        strings: false,
    },
    Class {
        name: "x87env",
        mnemonics: &[
            M::Fnstenv,
            M::Fstenv,
            M::Fldenv,
            M::Fnsave,
            M::Fsave,
            M::Frstor,
            M::Fld,
            M::Fstp,
            M::Fldz,
            M::Fld1,
            M::Fxch,
            M::Ffree,
            M::Fincstp,
            M::Fdecstp,
            M::Fadd,
            M::Fxam,
            M::Fnstsw,
        ],
        flow: false,
        strings: false,
    },
    Class {
        name: "x87exact",
        mnemonics: &[
            M::Fscale,
            M::Fxtract,
            M::Fprem,
            M::Fprem1,
            M::Fbld,
            M::Fbstp,
            M::Fld,
            M::Fst,
            M::Fstp,
            M::Fxch,
            M::Fchs,
            M::Fxam,
            M::Fnstsw,
        ],
        flow: false,
        strings: false,
    },
    Class {
        name: "x87transc",
        mnemonics: &[
            M::F2xm1,
            M::Fyl2x,
            M::Fyl2xp1,
            M::Fpatan,
            M::Fsin,
            M::Fcos,
            M::Fsincos,
            M::Fptan,
            M::Fld,
            M::Fstp,
            M::Fxch,
            M::Fld1,
            M::Fldz,
            M::Fchs,
            M::Fxam,
            M::Fnstsw,
        ],
        flow: false,
        strings: false,
    },
];

/// Flags an instruction reads.
pub fn reads(m: Mnemonic) -> u64 {
    match m {
        M::Adc | M::Sbb => CF,
        // PUSHF stores them all (at CPL 3 with IF set, as a Linux process runs).
        M::Pushf | M::Pushfq => STATUS,
        _ => CONDS
            .iter()
            .find_map(|row| row.iter().position(|x| *x == m))
            .map_or(0, |cc| cond_reads(cc as u8)),
    }
}

/// Flags condition code `cc` reads.
pub fn cond_reads(cc: u8) -> u64 {
    match cc >> 1 {
        0 => OF,
        1 => CF,
        2 => ZF,
        3 => CF | ZF,
        4 => SF,
        5 => PF,
        6 => SF | OF,
        _ => ZF | SF | OF,
    }
}

/// (flags written, flags left undefined) by `m` at operand `size` with shift count `count`.
pub fn effect(m: Mnemonic, size: usize, count: Option<u64>) -> (u64, u64) {
    let bits = 8 * size as u64;
    let masked = count.map(|c| c & if size == 8 { 63 } else { 31 });
    match m {
        M::Add | M::Adc | M::Sub | M::Sbb | M::Cmp | M::Neg => (STATUS, 0),
        M::And | M::Or | M::Xor | M::Test => (STATUS, AF),
        M::Inc | M::Dec => (STATUS & !CF, 0),
        M::Mul | M::Imul => (STATUS, SF | ZF | AF | PF),
        M::Div | M::Idiv => (STATUS, STATUS),
        M::Bt | M::Bts | M::Btr | M::Btc => (CF | OF | SF | AF | PF, OF | SF | AF | PF),
        M::Bsf | M::Bsr => (STATUS, STATUS & !ZF),
        M::Cmpxchg8b | M::Cmpxchg16b => (ZF, 0),
        M::Popf | M::Popfq => (STATUS, 0),
        M::Comiss | M::Comisd | M::Ucomiss | M::Ucomisd => (STATUS, 0),
        M::Shl | M::Sal | M::Shr | M::Sar => match masked {
            Some(0) => (0, 0),
            Some(c) => {
                let mut u = AF;
                if c != 1 {
                    u |= OF;
                }
                if m != M::Sar && c >= bits {
                    u |= CF;
                }
                (STATUS, u)
            }
            None => (STATUS, STATUS),
        },
        M::Rol | M::Ror => match masked {
            Some(0) => (0, 0),
            Some(c) => (CF | OF, if c != 1 { OF } else { 0 }),
            None => (CF | OF, CF | OF),
        },
        _ => (0, 0),
    }
}
