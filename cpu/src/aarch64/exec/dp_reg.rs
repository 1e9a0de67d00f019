//! Data processing – register (DDI 0487 C4.1.89): shifted/extended add/sub and logical, add/sub
//! with carry, conditional compare and select, one- two- and three-source operations.
//!
//! Each instruction has its own small handler; families share `#[inline(always)]` helpers so the
//! per-instruction work is a few straight-line operations. The shifted-register forms are
//! instantiated per kind of shift ([`rm_shift`]: none, LSL, any), picked at decode time, so that
//! the commonest (no shift, LSL) skip the shift-type dispatch.

use super::{
    add_with_carry, add_with_flags, extend, logic_flags, shift, shift_type, sub_with_flags, Flags,
};
use crate::aarch64::block::Env;
use crate::aarch64::state::{Cpu, Flow, Ops};

// ---- Logical (shifted register) ----

/// The shift of the second operand of a shifted-register form (`SH`), fixed by the table line
/// or picked at decode time by [`shift_kind`].
pub mod rm_shift {
    /// Shift amount 0: Rm as it is.
    pub const NONE: u8 = 0;
    /// LSL by 1..63.
    pub const LSL: u8 = 1;
    /// Any type and amount (the shape's `op` and `shift`).
    pub const ANY: u8 = 2;
    /// LSR by 1..63 of a 64-bit operation.
    pub const LSR_X: u8 = 3;
}

/// The pick of the shifted-register lines: [`rm_shift::NONE`] for a zero amount (of any type),
/// [`rm_shift::LSL`] for LSL, [`rm_shift::LSR_X`] for a 64-bit LSR, [`rm_shift::ANY`] for the
/// other types.
pub fn shift_kind(o: &Ops) -> usize {
    (if o.shift == 0 {
        rm_shift::NONE
    } else if o.op == shift_type::LSL {
        rm_shift::LSL
    } else if o.op == shift_type::LSR && o.sf {
        rm_shift::LSR_X
    } else {
        rm_shift::ANY
    }) as usize
}

/// Second operand of a shifted-register form: Rm shifted as `SH` says ([`rm_shift`]). Bits
/// shifted above a 32-bit operation's size never reach its result or flags.
#[inline(always)]
fn shifted_rm<const SH: u8>(cpu: &Cpu, o: &Ops) -> u64 {
    match SH {
        rm_shift::NONE => cpu.r(o.rm),
        rm_shift::LSL => cpu.r(o.rm) << o.shift,
        rm_shift::LSR_X => cpu.r(o.rm) >> o.shift,
        _ => shift(cpu.r(o.rm), o.op, o.shift as u32, o.sf),
    }
}

/// Logical (shifted register) without flags: Rd = f(Rn, shifted Rm); `X` as for [`Cpu::w_x`].
#[inline(always)]
fn logic_r<const X: bool, const SH: u8>(
    cpu: &mut Cpu,
    o: &Ops,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    let v = f(cpu.r(o.rn), shifted_rm::<SH>(cpu, o));
    cpu.w_x::<X>(o.rd, v, o.sf);
    Flow::Next
}

/// Logical (shifted register) setting N and Z (C = V = 0).
#[inline(always)]
fn logic_r_s<const SH: u8>(cpu: &mut Cpu, o: &Ops, f: impl Fn(u64, u64) -> u64) -> Flow {
    let v = f(cpu.r(o.rn), shifted_rm::<SH>(cpu, o));
    let v = if o.sf { v } else { v as u32 as u64 };
    cpu.flags = logic_flags(v, o.sf);
    cpu.w(o.rd, v);
    Flow::Next
}

/// MOV (register): ORR Rd, ZR, Rm with no shift.
pub fn mov_r<const X: bool>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cpu.w_x::<X>(o.rd, cpu.r(o.rm), o.sf);
    Flow::Next
}

/// AND (shifted register); `X` as for [`Cpu::w_x`], `SH` as for [`rm_shift`].
pub fn and_r<const X: bool, const SH: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    logic_r::<X, SH>(cpu, o, |a, b| a & b)
}

/// BIC (shifted register).
pub fn bic_r<const SH: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    logic_r::<false, SH>(cpu, o, |a, b| a & !b)
}

/// ORR (shifted register).
pub fn orr_r<const X: bool, const SH: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    logic_r::<X, SH>(cpu, o, |a, b| a | b)
}

/// ORN (shifted register), MVN.
pub fn orn_r<const SH: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    logic_r::<false, SH>(cpu, o, |a, b| a | !b)
}

/// EOR (shifted register).
pub fn eor_r<const X: bool, const SH: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    logic_r::<X, SH>(cpu, o, |a, b| a ^ b)
}

/// EON (shifted register).
pub fn eon_r<const SH: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    logic_r::<false, SH>(cpu, o, |a, b| a ^ !b)
}

/// ANDS (shifted register), TST.
pub fn ands_r<const SH: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    logic_r_s::<SH>(cpu, o, |a, b| a & b)
}

/// BICS (shifted register).
pub fn bics_r<const SH: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    logic_r_s::<SH>(cpu, o, |a, b| a & !b)
}

// ---- Add/subtract (shifted register) ----

/// ADD (shifted register); `X` as for [`Cpu::w_x`], `SH` as for [`rm_shift`].
pub fn add_r<const X: bool, const SH: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let v = cpu.r(o.rn).wrapping_add(shifted_rm::<SH>(cpu, o));
    cpu.w_x::<X>(o.rd, v, o.sf);
    Flow::Next
}

/// SUB (shifted register), NEG.
pub fn sub_r<const X: bool, const SH: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let v = cpu.r(o.rn).wrapping_sub(shifted_rm::<SH>(cpu, o));
    cpu.w_x::<X>(o.rd, v, o.sf);
    Flow::Next
}

/// ADDS (shifted register), CMN.
pub fn adds_r<const X: bool, const SH: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (v, f) = add_with_flags(cpu.r(o.rn), shifted_rm::<SH>(cpu, o), X || o.sf);
    cpu.flags = f;
    cpu.w(o.rd, v);
    Flow::Next
}

/// SUBS (shifted register), CMP, NEGS.
pub fn subs_r<const X: bool, const SH: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (v, f) = sub_with_flags(cpu.r(o.rn), shifted_rm::<SH>(cpu, o), X || o.sf);
    cpu.flags = f;
    cpu.w(o.rd, v);
    Flow::Next
}

// ---- Add/subtract (extended register) ----

/// Second operand of ADD/SUB (extended register): ExtendReg(Rm, option, imm3).
#[inline(always)]
fn extended_rm(cpu: &Cpu, o: &Ops) -> u64 {
    extend(cpu.r(o.rm), o.op, o.shift as u32)
}

/// The extension of the second operand of `ADD` (extended register), fixed at decode time by
/// [`extend_kind`].
pub mod rm_extend {
    /// A 64-bit operation adding `Wm, UXTW` unshifted (the multi-precision loops' `add x, x,
    /// w, uxtw`).
    pub const UXTW_X: u8 = 0;
    /// Any extension and shift (the shape's `op` and `shift`).
    pub const ANY: u8 = 1;
}

/// The pick of `ADD` (extended register): [`rm_extend::UXTW_X`] or [`rm_extend::ANY`].
pub fn extend_kind(o: &Ops) -> usize {
    /// The option field's UXTW.
    const UXTW: u8 = 0b010;
    (if o.sf && o.op == UXTW && o.shift == 0 {
        rm_extend::UXTW_X
    } else {
        rm_extend::ANY
    }) as usize
}

/// ADD (extended register); `E` as for [`rm_extend`].
pub fn add_x<const E: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if E == rm_extend::UXTW_X {
        let v = cpu.r(o.rn).wrapping_add(cpu.r(o.rm) as u32 as u64);
        cpu.w(o.rd, v);
    } else {
        let v = cpu.r(o.rn).wrapping_add(extended_rm(cpu, o));
        cpu.w_sf(o.rd, v, o.sf);
    }
    Flow::Next
}

/// SUB (extended register).
pub fn sub_x(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let v = cpu.r(o.rn).wrapping_sub(extended_rm(cpu, o));
    cpu.w_sf(o.rd, v, o.sf);
    Flow::Next
}

/// ADDS (extended register), CMN.
pub fn adds_x(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (v, f) = add_with_flags(cpu.r(o.rn), extended_rm(cpu, o), o.sf);
    cpu.flags = f;
    cpu.w(o.rd, v);
    Flow::Next
}

/// SUBS (extended register), CMP.
pub fn subs_x(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (v, f) = sub_with_flags(cpu.r(o.rn), extended_rm(cpu, o), o.sf);
    cpu.flags = f;
    cpu.w(o.rd, v);
    Flow::Next
}

// ---- Add/subtract with carry ----

/// PSTATE.C as 0 or 1.
#[inline(always)]
fn carry(cpu: &Cpu) -> u64 {
    cpu.flags.c as u64
}

/// ADC.
pub fn adc(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let v = cpu
        .r(o.rn)
        .wrapping_add(cpu.r(o.rm))
        .wrapping_add(carry(cpu));
    cpu.w_sf(o.rd, v, o.sf);
    Flow::Next
}

/// SBC, NGC: Rn + NOT(Rm) + C.
pub fn sbc(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let v = cpu
        .r(o.rn)
        .wrapping_add(!cpu.r(o.rm))
        .wrapping_add(carry(cpu));
    cpu.w_sf(o.rd, v, o.sf);
    Flow::Next
}

/// ADCS.
pub fn adcs(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (v, f) = add_with_carry(cpu.r(o.rn), cpu.r(o.rm), carry(cpu) != 0, o.sf);
    cpu.flags = f;
    cpu.w(o.rd, v);
    Flow::Next
}

/// SBCS, NGCS.
pub fn sbcs(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (v, f) = add_with_carry(cpu.r(o.rn), !cpu.r(o.rm), carry(cpu) != 0, o.sf);
    cpu.flags = f;
    cpu.w(o.rd, v);
    Flow::Next
}

// ---- Conditional compare ----

/// CCMN/CCMP: the flags of Rn + op2 (or Rn - op2) if the condition holds, else the immediate
/// nzcv. The shape made the second operand `Rm | imm` for both the register and immediate forms.
#[inline(always)]
fn cond_compare<const COND: u8>(cpu: &mut Cpu, o: &Ops, sub: bool) -> Flow {
    cpu.flags = if cpu.flags.holds(COND) {
        let b = cpu.r(o.rm) | o.imm;
        let a = cpu.r(o.rn);
        if sub {
            sub_with_flags(a, b, o.sf).1
        } else {
            add_with_flags(a, b, o.sf).1
        }
    } else {
        Flags::unpack((o.op2 as u32) << 28)
    };
    Flow::Next
}

/// CCMN (register and immediate), condition `COND`.
pub fn ccmn<const COND: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cond_compare::<COND>(cpu, o, false)
}

/// CCMP (register and immediate), condition `COND`.
pub fn ccmp<const COND: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cond_compare::<COND>(cpu, o, true)
}

// ---- Conditional select ----

/// Rd = Rn if condition `COND` holds, else f(Rm).
#[inline(always)]
fn cond_select<const X: bool, const COND: u8>(
    cpu: &mut Cpu,
    o: &Ops,
    f: impl Fn(u64) -> u64,
) -> Flow {
    let v = if cpu.flags.holds(COND) {
        cpu.r(o.rn)
    } else {
        f(cpu.r(o.rm))
    };
    cpu.w_x::<X>(o.rd, v, o.sf);
    Flow::Next
}

/// CSEL, condition `COND`.
pub fn csel<const X: bool, const COND: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cond_select::<X, COND>(cpu, o, |m| m)
}

/// CSINC, CINC, CSET, condition `COND`.
pub fn csinc<const X: bool, const COND: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cond_select::<X, COND>(cpu, o, |m| m.wrapping_add(1))
}

/// CSINV, CINV, CSETM, condition `COND`.
pub fn csinv<const X: bool, const COND: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cond_select::<X, COND>(cpu, o, |m| !m)
}

/// CSNEG, CNEG, condition `COND`.
pub fn csneg<const COND: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cond_select::<false, COND>(cpu, o, |m| m.wrapping_neg())
}

// ---- Data-processing (1 source) ----

/// Rd = f64(Rn) for 64-bit, f32(Wn) for 32-bit operations.
#[inline(always)]
fn unary(cpu: &mut Cpu, o: &Ops, f64: impl Fn(u64) -> u64, f32: impl Fn(u32) -> u32) -> Flow {
    let n = cpu.r(o.rn);
    let v = if o.sf { f64(n) } else { f32(n as u32) as u64 };
    cpu.w(o.rd, v);
    Flow::Next
}

/// RBIT.
pub fn rbit(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    unary(cpu, o, u64::reverse_bits, u32::reverse_bits)
}

/// REV16: reverse the bytes of each halfword.
pub fn rev16(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    const LO: u64 = 0x00ff_00ff_00ff_00ff;
    let n = cpu.r(o.rn);
    cpu.w_sf(o.rd, ((n >> 8) & LO) | ((n & LO) << 8), o.sf);
    Flow::Next
}

/// REV32 (64-bit) and REV (32-bit): reverse the bytes of each word.
pub fn rev32(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let n = cpu.r(o.rn).swap_bytes();
    cpu.w_sf(o.rd, n.rotate_left(32), o.sf);
    Flow::Next
}

/// REV (64-bit), REV64.
pub fn rev(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cpu.w(o.rd, cpu.r(o.rn).swap_bytes());
    Flow::Next
}

/// CLZ.
pub fn clz(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    unary(cpu, o, |n| n.leading_zeros() as u64, |n| n.leading_zeros())
}

/// CLS: CountLeadingZeroBits(x<N-1:1> EOR x<N-2:0>), a count over N-1 bits (bit 0 forced).
pub fn cls(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    unary(
        cpu,
        o,
        |n| ((n ^ (n << 1)) | 1).leading_zeros() as u64,
        |n| ((n ^ (n << 1)) | 1).leading_zeros(),
    )
}

// ---- Data-processing (2 source) ----

/// UDIV: division by zero gives 0.
pub fn udiv(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (n, m) = (cpu.r(o.rn), cpu.r(o.rm));
    let v = if o.sf {
        n.checked_div(m).unwrap_or(0)
    } else {
        (n as u32).checked_div(m as u32).unwrap_or(0) as u64
    };
    cpu.w(o.rd, v);
    Flow::Next
}

/// SDIV: division by zero gives 0, INT_MIN / -1 gives INT_MIN (the true quotient truncated).
pub fn sdiv(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (n, m) = (cpu.r(o.rn), cpu.r(o.rm));
    let v = if o.sf {
        match m {
            0 => 0,
            _ => (n as i64).wrapping_div(m as i64) as u64,
        }
    } else {
        match m as i32 {
            0 => 0,
            m => (n as i32).wrapping_div(m) as u32 as u64,
        }
    };
    cpu.w(o.rd, v);
    Flow::Next
}

/// LSLV, LSRV, ASRV, RORV: Rn shifted by Rm MOD datasize.
#[inline(always)]
fn shift_var(cpu: &mut Cpu, o: &Ops, kind: u8) -> Flow {
    let amount = cpu.r(o.rm) as u32 & if o.sf { 63 } else { 31 };
    let v = shift(cpu.r(o.rn), kind, amount, o.sf);
    cpu.w(o.rd, v);
    Flow::Next
}

/// LSLV (LSL register).
pub fn lslv(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    shift_var(cpu, o, shift_type::LSL)
}

/// LSRV (LSR register).
pub fn lsrv(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    shift_var(cpu, o, shift_type::LSR)
}

/// ASRV (ASR register).
pub fn asrv(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    shift_var(cpu, o, shift_type::ASR)
}

/// RORV (ROR register).
pub fn rorv(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    shift_var(cpu, o, shift_type::ROR)
}

/// Byte-at-a-time table of the bit-reflected CRC with the reflected polynomial `rpoly`.
const fn crc_table(rpoly: u32) -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { (c >> 1) ^ rpoly } else { c >> 1 };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}

/// CRC-32 (polynomial 0x04C11DB7), bit-reflected.
static CRC32_TABLE: [u32; 256] = crc_table(0x04C1_1DB7u32.reverse_bits());
/// CRC-32C (Castagnoli, polynomial 0x1EDC6F41), bit-reflected.
static CRC32C_TABLE: [u32; 256] = crc_table(0x1EDC_6F41u32.reverse_bits());

/// The CRC32/CRC32C pseudocode, BitReverse(Poly32Mod2((BitReverse(acc) : Zeros(size)) EOR
/// (BitReverse(val) : Zeros(32)), poly)), is the reflected CRC update of acc with the `o.op`
/// low bytes of Rm, least significant first; no pre- or post-inversion.
#[inline(always)]
fn crc_update(cpu: &mut Cpu, o: &Ops, table: &[u32; 256]) -> Flow {
    let mut acc = cpu.r(o.rn) as u32;
    let val = cpu.r(o.rm);
    for i in 0..o.op as u32 {
        let byte = (val >> (8 * i)) as u32;
        acc = table[((acc ^ byte) & 0xff) as usize] ^ (acc >> 8);
    }
    cpu.w(o.rd, acc as u64);
    Flow::Next
}

/// CRC32B, CRC32H, CRC32W, CRC32X.
pub fn crc32(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    crc_update(cpu, o, &CRC32_TABLE)
}

/// CRC32CB, CRC32CH, CRC32CW, CRC32CX.
pub fn crc32c(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    crc_update(cpu, o, &CRC32C_TABLE)
}

// ---- Data-processing (3 source) ----

/// MADD, MUL.
pub fn madd<const X: bool>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let v = cpu
        .r(o.ra)
        .wrapping_add(cpu.r(o.rn).wrapping_mul(cpu.r(o.rm)));
    cpu.w_x::<X>(o.rd, v, o.sf);
    Flow::Next
}

/// MSUB, MNEG.
pub fn msub(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let v = cpu
        .r(o.ra)
        .wrapping_sub(cpu.r(o.rn).wrapping_mul(cpu.r(o.rm)));
    cpu.w_sf(o.rd, v, o.sf);
    Flow::Next
}

/// Product of the sign-extended low words of Rn and Rm.
#[inline(always)]
fn smull(cpu: &Cpu, o: &Ops) -> u64 {
    (cpu.r(o.rn) as i32 as i64).wrapping_mul(cpu.r(o.rm) as i32 as i64) as u64
}

/// Product of the zero-extended low words of Rn and Rm.
#[inline(always)]
fn umull(cpu: &Cpu, o: &Ops) -> u64 {
    (cpu.r(o.rn) as u32 as u64) * (cpu.r(o.rm) as u32 as u64)
}

/// SMADDL, SMULL.
pub fn smaddl(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cpu.w(o.rd, cpu.r(o.ra).wrapping_add(smull(cpu, o)));
    Flow::Next
}

/// SMSUBL, SMNEGL.
pub fn smsubl(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cpu.w(o.rd, cpu.r(o.ra).wrapping_sub(smull(cpu, o)));
    Flow::Next
}

/// UMADDL, UMULL.
pub fn umaddl(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cpu.w(o.rd, cpu.r(o.ra).wrapping_add(umull(cpu, o)));
    Flow::Next
}

/// UMSUBL, UMNEGL.
pub fn umsubl(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cpu.w(o.rd, cpu.r(o.ra).wrapping_sub(umull(cpu, o)));
    Flow::Next
}

/// SMULH: bits 127:64 of the signed 128-bit product.
pub fn smulh(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let p = (cpu.r(o.rn) as i64 as i128) * (cpu.r(o.rm) as i64 as i128);
    cpu.w(o.rd, (p >> 64) as u64);
    Flow::Next
}

/// UMULH: bits 127:64 of the unsigned 128-bit product.
pub fn umulh(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let p = (cpu.r(o.rn) as u128) * (cpu.r(o.rm) as u128);
    cpu.w(o.rd, (p >> 64) as u64);
    Flow::Next
}

#[cfg(test)]
mod tests {
    use super::super::{check_vectors, run_one, C, N, V, Z};
    use crate::aarch64::decode::decode;
    use crate::aarch64::state::REG_SP;

    /// Results of qemu-aarch64 (user mode, `-cpu cortex-a57`) running each instruction with the
    /// given X0–X3 and NZCV: `word x0 x1 x2 x3 nzcv -> x0 nzcv # instruction`.
    const QEMU_VECTORS: &str = "
8b020020 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> 0 0 # add x0, x1, x2, lsl #0
8b02fc20 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> ffffffffffffffff 0 # add x0, x1, x2, lsl #63
0b027c20 1111111111111111 7fffffff ffffffff80000001 0 0 -> ffffffff 0 # add w0, w1, w2, lsl #31
8b420020 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> 0 0 # add x0, x1, x2, lsr #0
8b42fc20 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> 8000000000000000 0 # add x0, x1, x2, lsr #63
0b427c20 1111111111111111 7fffffff ffffffff80000001 0 0 -> 80000000 0 # add w0, w1, w2, lsr #31
8b820020 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> 0 0 # add x0, x1, x2, asr #0
8b82fc20 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> 7ffffffffffffffe 0 # add x0, x1, x2, asr #63
0b827c20 1111111111111111 7fffffff ffffffff80000001 0 0 -> 7ffffffe 0 # add w0, w1, w2, asr #31
ab020020 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> 0 60000000 # adds x0, x1, x2, lsl #0
ab02fc20 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> ffffffffffffffff 80000000 # adds x0, x1, x2, lsl #63
2b027c20 1111111111111111 7fffffff ffffffff80000001 0 0 -> ffffffff 80000000 # adds w0, w1, w2, lsl #31
ab420020 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> 0 60000000 # adds x0, x1, x2, lsr #0
ab42fc20 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> 8000000000000000 90000000 # adds x0, x1, x2, lsr #63
2b427c20 1111111111111111 7fffffff ffffffff80000001 0 0 -> 80000000 90000000 # adds w0, w1, w2, lsr #31
ab820020 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> 0 60000000 # adds x0, x1, x2, asr #0
ab82fc20 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> 7ffffffffffffffe 20000000 # adds x0, x1, x2, asr #63
2b827c20 1111111111111111 7fffffff ffffffff80000001 0 0 -> 7ffffffe 20000000 # adds w0, w1, w2, asr #31
cb020020 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> fffffffffffffffe 0 # sub x0, x1, x2, lsl #0
cb02fc20 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> ffffffffffffffff 0 # sub x0, x1, x2, lsl #63
4b027c20 1111111111111111 7fffffff ffffffff80000001 0 0 -> ffffffff 0 # sub w0, w1, w2, lsl #31
cb420020 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> fffffffffffffffe 0 # sub x0, x1, x2, lsr #0
cb42fc20 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> 7ffffffffffffffe 0 # sub x0, x1, x2, lsr #63
4b427c20 1111111111111111 7fffffff ffffffff80000001 0 0 -> 7ffffffe 0 # sub w0, w1, w2, lsr #31
cb820020 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> fffffffffffffffe 0 # sub x0, x1, x2, asr #0
cb82fc20 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> 8000000000000000 0 # sub x0, x1, x2, asr #63
4b827c20 1111111111111111 7fffffff ffffffff80000001 0 0 -> 80000000 0 # sub w0, w1, w2, asr #31
eb020020 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> fffffffffffffffe 90000000 # subs x0, x1, x2, lsl #0
eb02fc20 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> ffffffffffffffff 90000000 # subs x0, x1, x2, lsl #63
6b027c20 1111111111111111 7fffffff ffffffff80000001 0 0 -> ffffffff 90000000 # subs w0, w1, w2, lsl #31
eb420020 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> fffffffffffffffe 90000000 # subs x0, x1, x2, lsr #0
eb42fc20 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> 7ffffffffffffffe 20000000 # subs x0, x1, x2, lsr #63
6b427c20 1111111111111111 7fffffff ffffffff80000001 0 0 -> 7ffffffe 20000000 # subs w0, w1, w2, lsr #31
eb820020 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> fffffffffffffffe 90000000 # subs x0, x1, x2, asr #0
eb82fc20 1111111111111111 7fffffffffffffff 8000000000000001 0 0 -> 8000000000000000 90000000 # subs x0, x1, x2, asr #63
6b827c20 1111111111111111 7fffffff ffffffff80000001 0 0 -> 80000000 90000000 # subs w0, w1, w2, asr #31
8ac24420 1111111111111111 f0f0f0f0f0f0f0f0 123456789abcdef 0 0 -> e0f08090a0b0c0d0 0 # and x0, x1, x2, ror #17
0a827c20 1111111111111111 f0f0f0f0f0f0f0f0 123456789abcdef 0 0 -> f0f0f0f0 0 # and w0, w1, w2, asr #31
8ae24420 1111111111111111 f0f0f0f0f0f0f0f0 123456789abcdef 0 0 -> 1000706050403020 0 # bic x0, x1, x2, ror #17
0aa27c20 1111111111111111 f0f0f0f0f0f0f0f0 123456789abcdef 0 0 -> 0 0 # bic w0, w1, w2, asr #31
aac24420 1111111111111111 f0f0f0f0f0f0f0f0 123456789abcdef 0 0 -> f6f7f0f1f2f3f4f5 0 # orr x0, x1, x2, ror #17
2a827c20 1111111111111111 f0f0f0f0f0f0f0f0 123456789abcdef 0 0 -> ffffffff 0 # orr w0, w1, w2, asr #31
aae24420 1111111111111111 f0f0f0f0f0f0f0f0 123456789abcdef 0 0 -> f9f8fffefdfcfbfa 0 # orn x0, x1, x2, ror #17
2aa27c20 1111111111111111 f0f0f0f0f0f0f0f0 123456789abcdef 0 0 -> f0f0f0f0 0 # orn w0, w1, w2, asr #31
cac24420 1111111111111111 f0f0f0f0f0f0f0f0 123456789abcdef 0 0 -> 1607706152433425 0 # eor x0, x1, x2, ror #17
4a827c20 1111111111111111 f0f0f0f0f0f0f0f0 123456789abcdef 0 0 -> f0f0f0f 0 # eor w0, w1, w2, asr #31
cae24420 1111111111111111 f0f0f0f0f0f0f0f0 123456789abcdef 0 0 -> e9f88f9eadbccbda 0 # eon x0, x1, x2, ror #17
4aa27c20 1111111111111111 f0f0f0f0f0f0f0f0 123456789abcdef 0 0 -> f0f0f0f0 0 # eon w0, w1, w2, asr #31
eac24420 1111111111111111 f0f0f0f0f0f0f0f0 123456789abcdef 0 0 -> e0f08090a0b0c0d0 80000000 # ands x0, x1, x2, ror #17
6a827c20 1111111111111111 f0f0f0f0f0f0f0f0 123456789abcdef 0 0 -> f0f0f0f0 80000000 # ands w0, w1, w2, asr #31
eae24420 1111111111111111 f0f0f0f0f0f0f0f0 123456789abcdef 0 0 -> 1000706050403020 0 # bics x0, x1, x2, ror #17
6aa27c20 1111111111111111 f0f0f0f0f0f0f0f0 123456789abcdef 0 0 -> 0 40000000 # bics w0, w1, w2, asr #31
aa0203e0 1111111111111111 0 123456789abcdef0 0 0 -> 123456789abcdef0 0 # mov x0, x2
2a0203e0 1111111111111111 0 123456789abcdef0 0 0 -> 9abcdef0 0 # mov w0, w2
ab020020 1111111111111111 ffffffffffffffff 1 0 0 -> 0 60000000 # adds x0, x1, x2
ab020020 1111111111111111 7fffffffffffffff 1 0 0 -> 8000000000000000 90000000 # adds x0, x1, x2
eb020020 1111111111111111 0 1 0 0 -> ffffffffffffffff 80000000 # subs x0, x1, x2
eb020020 1111111111111111 8000000000000000 1 0 0 -> 7fffffffffffffff 30000000 # subs x0, x1, x2
eb010020 1111111111111111 5 0 0 0 -> 0 60000000 # subs x0, x1, x1
2b020020 1111111111111111 ffffffff 1 0 0 -> 0 60000000 # adds w0, w1, w2
6b020020 1111111111111111 80000000 1 0 0 -> 7fffffff 30000000 # subs w0, w1, w2
ba020020 1111111111111111 ffffffffffffffff 0 0 0 -> ffffffffffffffff 80000000 # adcs x0, x1, x2
9a020020 1111111111111111 ffffffffffffffff ffffffffffffffff 0 0 -> fffffffffffffffe 0 # adc x0, x1, x2
fa020020 1111111111111111 0 0 0 0 -> ffffffffffffffff 80000000 # sbcs x0, x1, x2
5a020020 1111111111111111 0 0 0 0 -> ffffffff 0 # sbc w0, w1, w2
3a020020 1111111111111111 7fffffff 0 0 0 -> 7fffffff 0 # adcs w0, w1, w2
ba020020 1111111111111111 ffffffffffffffff 0 0 20000000 -> 0 60000000 # adcs x0, x1, x2
9a020020 1111111111111111 ffffffffffffffff ffffffffffffffff 0 20000000 -> ffffffffffffffff 20000000 # adc x0, x1, x2
fa020020 1111111111111111 0 0 0 20000000 -> 0 60000000 # sbcs x0, x1, x2
5a020020 1111111111111111 0 0 0 20000000 -> 0 20000000 # sbc w0, w1, w2
3a020020 1111111111111111 7fffffff 0 0 20000000 -> 80000000 90000000 # adcs w0, w1, w2
8b221020 1111111111111111 1000 ffffff80ff8080 0 0 -> 1800 0 # add x0, x1, w2, uxtb #4
6b220420 1111111111111111 1000 ffffff80ff8080 0 0 -> f00 20000000 # subs w0, w1, w2, uxtb #1
8b223020 1111111111111111 1000 ffffff80ff8080 0 0 -> 81800 0 # add x0, x1, w2, uxth #4
6b222420 1111111111111111 1000 ffffff80ff8080 0 0 -> ffff0f00 80000000 # subs w0, w1, w2, uxth #1
8b225020 1111111111111111 1000 ffffff80ff8080 0 0 -> 80ff81800 0 # add x0, x1, w2, uxtw #4
6b224420 1111111111111111 1000 ffffff80ff8080 0 0 -> fe010f00 80000000 # subs w0, w1, w2, uxtw #1
8b229020 1111111111111111 1000 ffffff80ff8080 0 0 -> 800 0 # add x0, x1, w2, sxtb #4
6b228420 1111111111111111 1000 ffffff80ff8080 0 0 -> 1100 0 # subs w0, w1, w2, sxtb #1
8b22b020 1111111111111111 1000 ffffff80ff8080 0 0 -> fffffffffff81800 0 # add x0, x1, w2, sxth #4
6b22a420 1111111111111111 1000 ffffff80ff8080 0 0 -> 10f00 0 # subs w0, w1, w2, sxth #1
8b22d020 1111111111111111 1000 ffffff80ff8080 0 0 -> fffffff80ff81800 0 # add x0, x1, w2, sxtw #4
6b22c420 1111111111111111 1000 ffffff80ff8080 0 0 -> fe010f00 80000000 # subs w0, w1, w2, sxtw #1
ab226c20 1111111111111111 ffffffffffffffff 1 0 0 -> 7 20000000 # adds x0, x1, x2, uxtx #3
cb22e020 1111111111111111 0 ffffffffffffffff 0 0 -> 1 0 # sub x0, x1, x2, sxtx #0
9a820420 1111111111111111 a 14 0 60000000 -> a 60000000 # csinc x0, x1, x2, eq
9a821420 1111111111111111 a 14 0 60000000 -> 15 60000000 # csinc x0, x1, x2, ne
9a822420 1111111111111111 a 14 0 60000000 -> a 60000000 # csinc x0, x1, x2, hs
9a823420 1111111111111111 a 14 0 60000000 -> 15 60000000 # csinc x0, x1, x2, lo
9a824420 1111111111111111 a 14 0 60000000 -> 15 60000000 # csinc x0, x1, x2, mi
9a825420 1111111111111111 a 14 0 60000000 -> a 60000000 # csinc x0, x1, x2, pl
9a826420 1111111111111111 a 14 0 60000000 -> 15 60000000 # csinc x0, x1, x2, vs
9a827420 1111111111111111 a 14 0 60000000 -> a 60000000 # csinc x0, x1, x2, vc
9a828420 1111111111111111 a 14 0 60000000 -> 15 60000000 # csinc x0, x1, x2, hi
9a829420 1111111111111111 a 14 0 60000000 -> a 60000000 # csinc x0, x1, x2, ls
9a82a420 1111111111111111 a 14 0 60000000 -> a 60000000 # csinc x0, x1, x2, ge
9a82b420 1111111111111111 a 14 0 60000000 -> 15 60000000 # csinc x0, x1, x2, lt
9a82c420 1111111111111111 a 14 0 60000000 -> 15 60000000 # csinc x0, x1, x2, gt
9a82d420 1111111111111111 a 14 0 60000000 -> a 60000000 # csinc x0, x1, x2, le
9a82e420 1111111111111111 a 14 0 60000000 -> a 60000000 # csinc x0, x1, x2, al
9a82f420 1111111111111111 a 14 0 60000000 -> a 60000000 # csinc x0, x1, x2, nv
5a821420 1111111111111111 1 80000000 0 40000000 -> 80000000 40000000 # csneg w0, w1, w2, ne
da820020 1111111111111111 1 0 0 0 -> ffffffffffffffff 0 # csinv x0, x1, x2, eq
1a820020 1111111111111111 ffffffff00000001 2 0 40000000 -> 1 40000000 # csel w0, w1, w2, eq
fa42002f 1111111111111111 3 3 0 40000000 -> 1111111111111111 60000000 # ccmp x1, x2, #0xf, eq
fa421025 1111111111111111 3 3 0 40000000 -> 1111111111111111 50000000 # ccmp x1, x2, #0x5, ne
3a5fe820 1111111111111111 ffffffe1 0 0 0 -> 1111111111111111 60000000 # ccmn w1, #31, #0x0, al
7a400822 1111111111111111 80000000 0 0 40000000 -> 1111111111111111 a0000000 # ccmp w1, #0, #0x2, eq
dac01020 1111111111111111 0 0 0 0 -> 40 0 # clz x0, x1
dac01420 1111111111111111 0 0 0 0 -> 3f 0 # cls x0, x1
dac00020 1111111111111111 0 0 0 0 -> 0 0 # rbit x0, x1
dac00420 1111111111111111 0 0 0 0 -> 0 0 # rev16 x0, x1
dac00c20 1111111111111111 0 0 0 0 -> 0 0 # rev x0, x1
dac00820 1111111111111111 0 0 0 0 -> 0 0 # rev32 x0, x1
5ac01020 1111111111111111 0 0 0 0 -> 20 0 # clz w0, w1
5ac01420 1111111111111111 0 0 0 0 -> 1f 0 # cls w0, w1
5ac00020 1111111111111111 0 0 0 0 -> 0 0 # rbit w0, w1
5ac00420 1111111111111111 0 0 0 0 -> 0 0 # rev16 w0, w1
5ac00820 1111111111111111 0 0 0 0 -> 0 0 # rev w0, w1
dac01020 1111111111111111 ffffffffffffffff 0 0 0 -> 0 0 # clz x0, x1
dac01420 1111111111111111 ffffffffffffffff 0 0 0 -> 3f 0 # cls x0, x1
dac00020 1111111111111111 ffffffffffffffff 0 0 0 -> ffffffffffffffff 0 # rbit x0, x1
dac00420 1111111111111111 ffffffffffffffff 0 0 0 -> ffffffffffffffff 0 # rev16 x0, x1
dac00c20 1111111111111111 ffffffffffffffff 0 0 0 -> ffffffffffffffff 0 # rev x0, x1
dac00820 1111111111111111 ffffffffffffffff 0 0 0 -> ffffffffffffffff 0 # rev32 x0, x1
5ac01020 1111111111111111 ffffffffffffffff 0 0 0 -> 0 0 # clz w0, w1
5ac01420 1111111111111111 ffffffffffffffff 0 0 0 -> 1f 0 # cls w0, w1
5ac00020 1111111111111111 ffffffffffffffff 0 0 0 -> ffffffff 0 # rbit w0, w1
5ac00420 1111111111111111 ffffffffffffffff 0 0 0 -> ffffffff 0 # rev16 w0, w1
5ac00820 1111111111111111 ffffffffffffffff 0 0 0 -> ffffffff 0 # rev w0, w1
dac01020 1111111111111111 1 0 0 0 -> 3f 0 # clz x0, x1
dac01420 1111111111111111 1 0 0 0 -> 3e 0 # cls x0, x1
dac00020 1111111111111111 1 0 0 0 -> 8000000000000000 0 # rbit x0, x1
dac00420 1111111111111111 1 0 0 0 -> 100 0 # rev16 x0, x1
dac00c20 1111111111111111 1 0 0 0 -> 100000000000000 0 # rev x0, x1
dac00820 1111111111111111 1 0 0 0 -> 1000000 0 # rev32 x0, x1
5ac01020 1111111111111111 1 0 0 0 -> 1f 0 # clz w0, w1
5ac01420 1111111111111111 1 0 0 0 -> 1e 0 # cls w0, w1
5ac00020 1111111111111111 1 0 0 0 -> 80000000 0 # rbit w0, w1
5ac00420 1111111111111111 1 0 0 0 -> 100 0 # rev16 w0, w1
5ac00820 1111111111111111 1 0 0 0 -> 1000000 0 # rev w0, w1
dac01020 1111111111111111 8000000000000000 0 0 0 -> 0 0 # clz x0, x1
dac01420 1111111111111111 8000000000000000 0 0 0 -> 0 0 # cls x0, x1
dac00020 1111111111111111 8000000000000000 0 0 0 -> 1 0 # rbit x0, x1
dac00420 1111111111111111 8000000000000000 0 0 0 -> 80000000000000 0 # rev16 x0, x1
dac00c20 1111111111111111 8000000000000000 0 0 0 -> 80 0 # rev x0, x1
dac00820 1111111111111111 8000000000000000 0 0 0 -> 8000000000 0 # rev32 x0, x1
5ac01020 1111111111111111 8000000000000000 0 0 0 -> 20 0 # clz w0, w1
5ac01420 1111111111111111 8000000000000000 0 0 0 -> 1f 0 # cls w0, w1
5ac00020 1111111111111111 8000000000000000 0 0 0 -> 0 0 # rbit w0, w1
5ac00420 1111111111111111 8000000000000000 0 0 0 -> 0 0 # rev16 w0, w1
5ac00820 1111111111111111 8000000000000000 0 0 0 -> 0 0 # rev w0, w1
dac01020 1111111111111111 80000000 0 0 0 -> 20 0 # clz x0, x1
dac01420 1111111111111111 80000000 0 0 0 -> 1f 0 # cls x0, x1
dac00020 1111111111111111 80000000 0 0 0 -> 100000000 0 # rbit x0, x1
dac00420 1111111111111111 80000000 0 0 0 -> 800000 0 # rev16 x0, x1
dac00c20 1111111111111111 80000000 0 0 0 -> 8000000000 0 # rev x0, x1
dac00820 1111111111111111 80000000 0 0 0 -> 80 0 # rev32 x0, x1
5ac01020 1111111111111111 80000000 0 0 0 -> 0 0 # clz w0, w1
5ac01420 1111111111111111 80000000 0 0 0 -> 0 0 # cls w0, w1
5ac00020 1111111111111111 80000000 0 0 0 -> 1 0 # rbit w0, w1
5ac00420 1111111111111111 80000000 0 0 0 -> 800000 0 # rev16 w0, w1
5ac00820 1111111111111111 80000000 0 0 0 -> 80 0 # rev w0, w1
dac01020 1111111111111111 ff00ff12345678 0 0 0 -> 8 0 # clz x0, x1
dac01420 1111111111111111 ff00ff12345678 0 0 0 -> 7 0 # cls x0, x1
dac00020 1111111111111111 ff00ff12345678 0 0 0 -> 1e6a2c48ff00ff00 0 # rbit x0, x1
dac00420 1111111111111111 ff00ff12345678 0 0 0 -> ff00ff0034127856 0 # rev16 x0, x1
dac00c20 1111111111111111 ff00ff12345678 0 0 0 -> 78563412ff00ff00 0 # rev x0, x1
dac00820 1111111111111111 ff00ff12345678 0 0 0 -> ff00ff0078563412 0 # rev32 x0, x1
5ac01020 1111111111111111 ff00ff12345678 0 0 0 -> 3 0 # clz w0, w1
5ac01420 1111111111111111 ff00ff12345678 0 0 0 -> 2 0 # cls w0, w1
5ac00020 1111111111111111 ff00ff12345678 0 0 0 -> 1e6a2c48 0 # rbit w0, w1
5ac00420 1111111111111111 ff00ff12345678 0 0 0 -> 34127856 0 # rev16 w0, w1
5ac00820 1111111111111111 ff00ff12345678 0 0 0 -> 78563412 0 # rev w0, w1
dac01020 1111111111111111 4000000000000000 0 0 0 -> 1 0 # clz x0, x1
dac01420 1111111111111111 4000000000000000 0 0 0 -> 0 0 # cls x0, x1
dac00020 1111111111111111 4000000000000000 0 0 0 -> 2 0 # rbit x0, x1
dac00420 1111111111111111 4000000000000000 0 0 0 -> 40000000000000 0 # rev16 x0, x1
dac00c20 1111111111111111 4000000000000000 0 0 0 -> 40 0 # rev x0, x1
dac00820 1111111111111111 4000000000000000 0 0 0 -> 4000000000 0 # rev32 x0, x1
5ac01020 1111111111111111 4000000000000000 0 0 0 -> 20 0 # clz w0, w1
5ac01420 1111111111111111 4000000000000000 0 0 0 -> 1f 0 # cls w0, w1
5ac00020 1111111111111111 4000000000000000 0 0 0 -> 0 0 # rbit w0, w1
5ac00420 1111111111111111 4000000000000000 0 0 0 -> 0 0 # rev16 w0, w1
5ac00820 1111111111111111 4000000000000000 0 0 0 -> 0 0 # rev w0, w1
dac01020 1111111111111111 c000000000000000 0 0 0 -> 0 0 # clz x0, x1
dac01420 1111111111111111 c000000000000000 0 0 0 -> 1 0 # cls x0, x1
dac00020 1111111111111111 c000000000000000 0 0 0 -> 3 0 # rbit x0, x1
dac00420 1111111111111111 c000000000000000 0 0 0 -> c0000000000000 0 # rev16 x0, x1
dac00c20 1111111111111111 c000000000000000 0 0 0 -> c0 0 # rev x0, x1
dac00820 1111111111111111 c000000000000000 0 0 0 -> c000000000 0 # rev32 x0, x1
5ac01020 1111111111111111 c000000000000000 0 0 0 -> 20 0 # clz w0, w1
5ac01420 1111111111111111 c000000000000000 0 0 0 -> 1f 0 # cls w0, w1
5ac00020 1111111111111111 c000000000000000 0 0 0 -> 0 0 # rbit w0, w1
5ac00420 1111111111111111 c000000000000000 0 0 0 -> 0 0 # rev16 w0, w1
5ac00820 1111111111111111 c000000000000000 0 0 0 -> 0 0 # rev w0, w1
9ac20c20 1111111111111111 7 0 0 0 -> 0 0 # sdiv x0, x1, x2
9ac20820 1111111111111111 7 0 0 0 -> 0 0 # udiv x0, x1, x2
9ac20c20 1111111111111111 8000000000000000 ffffffffffffffff 0 0 -> 8000000000000000 0 # sdiv x0, x1, x2
9ac20820 1111111111111111 8000000000000000 ffffffffffffffff 0 0 -> 0 0 # udiv x0, x1, x2
9ac20c20 1111111111111111 ffffffffffffffff ffffffffffffffff 0 0 -> 1 0 # sdiv x0, x1, x2
9ac20820 1111111111111111 ffffffffffffffff ffffffffffffffff 0 0 -> 1 0 # udiv x0, x1, x2
9ac20c20 1111111111111111 64 7 0 0 -> e 0 # sdiv x0, x1, x2
9ac20820 1111111111111111 64 7 0 0 -> e 0 # udiv x0, x1, x2
9ac20c20 1111111111111111 8000000000000000 1 0 0 -> 8000000000000000 0 # sdiv x0, x1, x2
9ac20820 1111111111111111 8000000000000000 1 0 0 -> 8000000000000000 0 # udiv x0, x1, x2
9ac20c20 1111111111111111 5 ffffffffffffffff 0 0 -> fffffffffffffffb 0 # sdiv x0, x1, x2
9ac20820 1111111111111111 5 ffffffffffffffff 0 0 -> 0 0 # udiv x0, x1, x2
1ac20c20 1111111111111111 7 0 0 0 -> 0 0 # sdiv w0, w1, w2
1ac20820 1111111111111111 7 0 0 0 -> 0 0 # udiv w0, w1, w2
1ac20c20 1111111111111111 80000000 ffffffff 0 0 -> 80000000 0 # sdiv w0, w1, w2
1ac20820 1111111111111111 80000000 ffffffff 0 0 -> 0 0 # udiv w0, w1, w2
1ac20c20 1111111111111111 1fffffff9 2 0 0 -> fffffffd 0 # sdiv w0, w1, w2
1ac20820 1111111111111111 1fffffff9 2 0 0 -> 7ffffffc 0 # udiv w0, w1, w2
1ac20c20 1111111111111111 fffffff9 2 0 0 -> fffffffd 0 # sdiv w0, w1, w2
1ac20820 1111111111111111 fffffff9 2 0 0 -> 7ffffffc 0 # udiv w0, w1, w2
1ac20c20 1111111111111111 80000000 100000000 0 0 -> 0 0 # sdiv w0, w1, w2
1ac20820 1111111111111111 80000000 100000000 0 0 -> 0 0 # udiv w0, w1, w2
9ac22020 1111111111111111 8123456789abcdef 0 0 0 -> 8123456789abcdef 0 # lslv x0, x1, x2
1ac22020 1111111111111111 89abcdef 0 0 0 -> 89abcdef 0 # lslv w0, w1, w2
9ac22420 1111111111111111 8123456789abcdef 0 0 0 -> 8123456789abcdef 0 # lsrv x0, x1, x2
1ac22420 1111111111111111 89abcdef 0 0 0 -> 89abcdef 0 # lsrv w0, w1, w2
9ac22820 1111111111111111 8123456789abcdef 0 0 0 -> 8123456789abcdef 0 # asrv x0, x1, x2
1ac22820 1111111111111111 89abcdef 0 0 0 -> 89abcdef 0 # asrv w0, w1, w2
9ac22c20 1111111111111111 8123456789abcdef 0 0 0 -> 8123456789abcdef 0 # rorv x0, x1, x2
1ac22c20 1111111111111111 89abcdef 0 0 0 -> 89abcdef 0 # rorv w0, w1, w2
9ac22020 1111111111111111 8123456789abcdef 1 0 0 -> 2468acf13579bde 0 # lslv x0, x1, x2
1ac22020 1111111111111111 89abcdef 1 0 0 -> 13579bde 0 # lslv w0, w1, w2
9ac22420 1111111111111111 8123456789abcdef 1 0 0 -> 4091a2b3c4d5e6f7 0 # lsrv x0, x1, x2
1ac22420 1111111111111111 89abcdef 1 0 0 -> 44d5e6f7 0 # lsrv w0, w1, w2
9ac22820 1111111111111111 8123456789abcdef 1 0 0 -> c091a2b3c4d5e6f7 0 # asrv x0, x1, x2
1ac22820 1111111111111111 89abcdef 1 0 0 -> c4d5e6f7 0 # asrv w0, w1, w2
9ac22c20 1111111111111111 8123456789abcdef 1 0 0 -> c091a2b3c4d5e6f7 0 # rorv x0, x1, x2
1ac22c20 1111111111111111 89abcdef 1 0 0 -> c4d5e6f7 0 # rorv w0, w1, w2
9ac22020 1111111111111111 8123456789abcdef 1f 0 0 -> c4d5e6f780000000 0 # lslv x0, x1, x2
1ac22020 1111111111111111 89abcdef 1f 0 0 -> 80000000 0 # lslv w0, w1, w2
9ac22420 1111111111111111 8123456789abcdef 1f 0 0 -> 102468acf 0 # lsrv x0, x1, x2
1ac22420 1111111111111111 89abcdef 1f 0 0 -> 1 0 # lsrv w0, w1, w2
9ac22820 1111111111111111 8123456789abcdef 1f 0 0 -> ffffffff02468acf 0 # asrv x0, x1, x2
1ac22820 1111111111111111 89abcdef 1f 0 0 -> ffffffff 0 # asrv w0, w1, w2
9ac22c20 1111111111111111 8123456789abcdef 1f 0 0 -> 13579bdf02468acf 0 # rorv x0, x1, x2
1ac22c20 1111111111111111 89abcdef 1f 0 0 -> 13579bdf 0 # rorv w0, w1, w2
9ac22020 1111111111111111 8123456789abcdef 20 0 0 -> 89abcdef00000000 0 # lslv x0, x1, x2
1ac22020 1111111111111111 89abcdef 20 0 0 -> 89abcdef 0 # lslv w0, w1, w2
9ac22420 1111111111111111 8123456789abcdef 20 0 0 -> 81234567 0 # lsrv x0, x1, x2
1ac22420 1111111111111111 89abcdef 20 0 0 -> 89abcdef 0 # lsrv w0, w1, w2
9ac22820 1111111111111111 8123456789abcdef 20 0 0 -> ffffffff81234567 0 # asrv x0, x1, x2
1ac22820 1111111111111111 89abcdef 20 0 0 -> 89abcdef 0 # asrv w0, w1, w2
9ac22c20 1111111111111111 8123456789abcdef 20 0 0 -> 89abcdef81234567 0 # rorv x0, x1, x2
1ac22c20 1111111111111111 89abcdef 20 0 0 -> 89abcdef 0 # rorv w0, w1, w2
9ac22020 1111111111111111 8123456789abcdef 3f 0 0 -> 8000000000000000 0 # lslv x0, x1, x2
1ac22020 1111111111111111 89abcdef 3f 0 0 -> 80000000 0 # lslv w0, w1, w2
9ac22420 1111111111111111 8123456789abcdef 3f 0 0 -> 1 0 # lsrv x0, x1, x2
1ac22420 1111111111111111 89abcdef 3f 0 0 -> 1 0 # lsrv w0, w1, w2
9ac22820 1111111111111111 8123456789abcdef 3f 0 0 -> ffffffffffffffff 0 # asrv x0, x1, x2
1ac22820 1111111111111111 89abcdef 3f 0 0 -> ffffffff 0 # asrv w0, w1, w2
9ac22c20 1111111111111111 8123456789abcdef 3f 0 0 -> 2468acf13579bdf 0 # rorv x0, x1, x2
1ac22c20 1111111111111111 89abcdef 3f 0 0 -> 13579bdf 0 # rorv w0, w1, w2
9ac22020 1111111111111111 8123456789abcdef 40 0 0 -> 8123456789abcdef 0 # lslv x0, x1, x2
1ac22020 1111111111111111 89abcdef 40 0 0 -> 89abcdef 0 # lslv w0, w1, w2
9ac22420 1111111111111111 8123456789abcdef 40 0 0 -> 8123456789abcdef 0 # lsrv x0, x1, x2
1ac22420 1111111111111111 89abcdef 40 0 0 -> 89abcdef 0 # lsrv w0, w1, w2
9ac22820 1111111111111111 8123456789abcdef 40 0 0 -> 8123456789abcdef 0 # asrv x0, x1, x2
1ac22820 1111111111111111 89abcdef 40 0 0 -> 89abcdef 0 # asrv w0, w1, w2
9ac22c20 1111111111111111 8123456789abcdef 40 0 0 -> 8123456789abcdef 0 # rorv x0, x1, x2
1ac22c20 1111111111111111 89abcdef 40 0 0 -> 89abcdef 0 # rorv w0, w1, w2
9ac22020 1111111111111111 8123456789abcdef 41 0 0 -> 2468acf13579bde 0 # lslv x0, x1, x2
1ac22020 1111111111111111 89abcdef 41 0 0 -> 13579bde 0 # lslv w0, w1, w2
9ac22420 1111111111111111 8123456789abcdef 41 0 0 -> 4091a2b3c4d5e6f7 0 # lsrv x0, x1, x2
1ac22420 1111111111111111 89abcdef 41 0 0 -> 44d5e6f7 0 # lsrv w0, w1, w2
9ac22820 1111111111111111 8123456789abcdef 41 0 0 -> c091a2b3c4d5e6f7 0 # asrv x0, x1, x2
1ac22820 1111111111111111 89abcdef 41 0 0 -> c4d5e6f7 0 # asrv w0, w1, w2
9ac22c20 1111111111111111 8123456789abcdef 41 0 0 -> c091a2b3c4d5e6f7 0 # rorv x0, x1, x2
1ac22c20 1111111111111111 89abcdef 41 0 0 -> c4d5e6f7 0 # rorv w0, w1, w2
9ac22020 1111111111111111 8123456789abcdef ffffffffffffffff 0 0 -> 8000000000000000 0 # lslv x0, x1, x2
1ac22020 1111111111111111 89abcdef ffffffffffffffff 0 0 -> 80000000 0 # lslv w0, w1, w2
9ac22420 1111111111111111 8123456789abcdef ffffffffffffffff 0 0 -> 1 0 # lsrv x0, x1, x2
1ac22420 1111111111111111 89abcdef ffffffffffffffff 0 0 -> 1 0 # lsrv w0, w1, w2
9ac22820 1111111111111111 8123456789abcdef ffffffffffffffff 0 0 -> ffffffffffffffff 0 # asrv x0, x1, x2
1ac22820 1111111111111111 89abcdef ffffffffffffffff 0 0 -> ffffffff 0 # asrv w0, w1, w2
9ac22c20 1111111111111111 8123456789abcdef ffffffffffffffff 0 0 -> 2468acf13579bdf 0 # rorv x0, x1, x2
1ac22c20 1111111111111111 89abcdef ffffffffffffffff 0 0 -> 13579bdf 0 # rorv w0, w1, w2
1ac24020 1111111111111111 ffffffff 31 0 0 -> 7c231048 0 # crc32b w0, w1, w2
1ac24420 1111111111111111 0 ffff3231 0 0 -> e8a5632 0 # crc32h w0, w1, w2
1ac24820 1111111111111111 12345678 34333231 0 0 -> 348e6771 0 # crc32w w0, w1, w2
9ac24c20 1111111111111111 ffffffff 3837363534333231 0 0 -> 651f2550 0 # crc32x w0, w1, x2
1ac25020 1111111111111111 ffffffff 31 0 0 -> 6f0a661c 0 # crc32cb w0, w1, w2
1ac25420 1111111111111111 0 ffff3231 0 0 -> 8234b3b2 0 # crc32ch w0, w1, w2
1ac25820 1111111111111111 12345678 34333231 0 0 -> 4429e91d 0 # crc32cw w0, w1, w2
9ac25c20 1111111111111111 ffffffff 3837363534333231 0 0 -> 9f787f65 0 # crc32cx w0, w1, x2
9b027c20 1111111111111111 ffffffffffffffff ffffffffffffffff 0 0 -> 1 0 # mul x0, x1, x2
1b020c20 1111111111111111 10000 10000 5 0 -> 5 0 # madd w0, w1, w2, w3
9b028c20 1111111111111111 3 4 2 0 -> fffffffffffffff6 0 # msub x0, x1, x2, x3
9b220c20 1111111111111111 ffffffff 80000000 1 0 -> 80000001 0 # smaddl x0, w1, w2, x3
9ba20c20 1111111111111111 ffffffff 80000000 1 0 -> 7fffffff80000001 0 # umaddl x0, w1, w2, x3
9b228c20 1111111111111111 7fffffff 80000000 0 0 -> 3fffffff80000000 0 # smsubl x0, w1, w2, x3
9ba28c20 1111111111111111 17fffffff 80000000 0 0 -> c000000080000000 0 # umsubl x0, w1, w2, x3
9b427c20 1111111111111111 8000000000000000 8000000000000000 0 0 -> 4000000000000000 0 # smulh x0, x1, x2
9b427c20 1111111111111111 ffffffffffffffff 3 0 0 -> ffffffffffffffff 0 # smulh x0, x1, x2
9bc27c20 1111111111111111 ffffffffffffffff ffffffffffffffff 0 0 -> fffffffffffffffe 0 # umulh x0, x1, x2
9bc27c20 1111111111111111 123456789abcdef0 fedcba9876543210 0 0 -> 121fa00ad77d7422 0 # umulh x0, x1, x2
";

    #[test]
    fn qemu_vectors() {
        check_vectors(QEMU_VECTORS);
    }

    fn name(word: u32) -> Option<&'static str> {
        decode(word).pattern.map(|p| p.name)
    }

    #[test]
    fn hot_forms_take_their_own_lines() {
        assert_eq!(name(0x8b020c20), Some("ADD_r_x")); // add x0, x1, x2, lsl #3
        assert_eq!(name(0x0b020c20), Some("ADD_r")); // add w0, w1, w2, lsl #3
        assert_eq!(name(0x8b420c20), Some("ADD_r_x")); // add x0, x1, x2, lsr #3
        assert_eq!(name(0xeb02003f), Some("SUBS_r_x")); // cmp x1, x2
        assert_eq!(name(0x6b02003f), Some("SUBS_r")); // cmp w1, w2
        assert_eq!(name(0xab020020), Some("ADDS_r_x")); // adds x0, x1, x2
        assert_eq!(name(0xf100043f), Some("SUBS_i_x")); // cmp x1, #1
        assert_eq!(name(0x7100043f), Some("SUBS_i")); // cmp w1, #1
        assert_eq!(name(0xb1000420), Some("ADDS_i_x")); // adds x0, x1, #1
        assert_eq!(name(0xaa0203e0), Some("MOV_r_x")); // mov x0, x2
        assert_eq!(name(0x2a0203e0), Some("MOV_r")); // mov w0, w2
        assert_eq!(name(0xaa020020), Some("ORR_r_x")); // orr x0, x1, x2
        assert_eq!(name(0x2a020020), Some("ORR_r")); // orr w0, w1, w2
        assert_eq!(name(0xca420c20), Some("EOR_r_x")); // eor x0, x1, x2, lsr #3
        assert_eq!(name(0x8a020020), Some("AND_r_x")); // and x0, x1, x2
        assert_eq!(name(0x9b027c20), Some("MADD_x")); // mul x0, x1, x2
        assert_eq!(name(0x1b027c20), Some("MADD")); // mul w0, w1, w2
    }

    #[test]
    fn reserved_encodings_are_undefined() {
        for w in [
            0x8bc20020u32, // add x0, x1, x2, ror #0 (shift type 3)
            0x0b028020,    // add w0, w1, w2, lsl #32
            0x0a028020,    // and w0, w1, w2, lsl #32
            0x8b221420,    // add x0, x1, w2, uxtb #5
            0x8b621020,    // add with opt = 01
            0x1ac24c20,    // crc32x with sf = 0
            0x9ac24020,    // crc32b with sf = 1
            0x5ac00c20,    // rev (64-bit opcode) with sf = 0
            0xdac01820,    // 1-source opcode 000110 (FEAT_CSSC CTZ, not v8.0)
            0xdac10020,    // 1-source opcode2 = 00001 (FEAT_PAuth)
            0x1b220c20,    // smaddl with sf = 0
            0x9b428c20,    // 3-source op31 = 010 with o0 = 1
            0x9b620c20,    // 3-source op31 = 011
            0xbb020c20,    // 3-source op54 = 01
            0x9a020420,    // adc with bits 15:10 = 000001
            0xba420400,    // ccmn with o2 = 1
            0xba420010,    // ccmn with o3 = 1
            0x9a820820,    // csel with op2<1> = 1
            0xba820020,    // conditional select with S = 1
            0x9ac21020,    // 2-source opcode 000100 (FEAT_MTE IRG, not v8.0)
        ] {
            assert_eq!(name(w), None, "{w:#010x} should be UNDEFINED");
        }
    }

    /// ADD/SUB (extended register) address SP through Rd (non-flag-setting) and Rn; the
    /// shifted-register forms read and write ZR instead.
    #[test]
    fn stack_pointer_forms() {
        // add sp, sp, x1 (extended, UXTX): SP = SP + X1.
        let mut cpu = run_one(0x8b2163ff, [0, 5, 0, 0], 0);
        assert_eq!(cpu.x[REG_SP as usize], 5);
        // cmn sp, x1 (adds xzr, sp, x1, uxtx): flags only.
        cpu = run_one(0xab2163ff, [0, 0, 0, 0], 0);
        assert_eq!((cpu.x[REG_SP as usize], cpu.nzcv()), (0, Z));
        // add x0, xzr, x1 (shifted register): Rn 31 reads zero even with SP set.
        let w = 0x8b0103e0;
        let d = decode(w).insn.ops;
        assert_eq!(d.rn, crate::aarch64::state::REG_ZR_READ);
    }

    /// CRC-32 and CRC-32C check values of "123456789" (0xCBF43926, 0xE3069283), with the
    /// initial and final inversion done outside the instructions as the algorithms specify.
    #[test]
    fn crc_check_values() {
        let data = b"123456789";
        // (CRC32B, CRC32H, CRC32W, CRC32X) words with Rd = W0, Rn = W0, Rm = R1; +0x1000 = C.
        let forms = [
            (1usize, 0x1ac14000u32),
            (2, 0x1ac14400),
            (4, 0x1ac14800),
            (8, 0x9ac14c00),
        ];
        for (c, expect) in [(0u32, 0xcbf4_3926u64), (0x1000, 0xe306_9283)] {
            for &(size, word) in &forms {
                let mut acc = 0xffff_ffffu64;
                let mut chunks = data.chunks_exact(size);
                for chunk in chunks.by_ref() {
                    let mut v = [0u8; 8];
                    v[..size].copy_from_slice(chunk);
                    acc = run_one(word | c, [acc, u64::from_le_bytes(v), 0, 0], 0).x[0];
                }
                for &b in chunks.remainder() {
                    acc = run_one(0x1ac14000 | c, [acc, b as u64, 0, 0], 0).x[0];
                }
                assert_eq!(acc ^ 0xffff_ffff, expect, "size {size}, crc32c {c:#x}");
            }
        }
    }

    #[test]
    fn division_corner_cases() {
        let sdiv_x = 0x9ac20c20; // sdiv x0, x1, x2
        let udiv_x = 0x9ac20820;
        let sdiv_w = 0x1ac20c20;
        let udiv_w = 0x1ac20820;
        let run = |w, n, m| run_one(w, [0x55, n, m, 0], 0).x[0];
        assert_eq!(run(sdiv_x, 1 << 63, u64::MAX), 1 << 63);
        assert_eq!(run(sdiv_x, 42, 0), 0);
        assert_eq!(run(sdiv_x, -7i64 as u64, 2), -3i64 as u64);
        assert_eq!(run(udiv_x, 42, 0), 0);
        assert_eq!(run(udiv_x, u64::MAX, 2), u64::MAX / 2);
        assert_eq!(run(sdiv_w, 0x8000_0000, 0xffff_ffff), 0x8000_0000);
        assert_eq!(run(sdiv_w, 7, 1 << 32), 0); // only W2 counts: division by zero
        assert_eq!(run(udiv_w, u64::MAX, 2), 0x7fff_ffff);
    }

    #[test]
    fn count_leading_bits_of_zero_and_ones() {
        let run = |w, n| run_one(w, [0x55, n, 0, 0], 0).x[0];
        let (clz_x, clz_w, cls_x, cls_w) = (0xdac01020, 0x5ac01020, 0xdac01420, 0x5ac01420);
        assert_eq!(run(clz_x, 0), 64);
        assert_eq!(run(clz_w, 0xffff_ffff_0000_0000), 32);
        assert_eq!(run(cls_x, 0), 63);
        assert_eq!(run(cls_x, u64::MAX), 63);
        assert_eq!(run(cls_w, 0), 31);
        assert_eq!(run(cls_w, 0xffff_ffff), 31);
        assert_eq!(run(cls_x, 1), 62);
        assert_eq!(run(cls_w, 0x4000_0000), 0);
    }

    #[test]
    fn add_with_carry_flags() {
        // adcs x0, x1, x2 with C set: MAX + 0 + 1 = 0, carry out.
        let cpu = run_one(0xba020020, [0, u64::MAX, 0, 0], C);
        assert_eq!((cpu.x[0], cpu.nzcv()), (0, Z | C));
        // sbcs w0, w1, w2 with C clear: 0 - 0 - 1 = -1, borrow (C = 0).
        let cpu = run_one(0x7a020020, [0, 0, 0, 0], 0);
        assert_eq!((cpu.x[0], cpu.nzcv()), (0xffff_ffff, N));
        // adds x0, x1, x2: INT_MAX + 1 overflows.
        let cpu = run_one(0xab020020, [0, i64::MAX as u64, 1, 0], 0);
        assert_eq!((cpu.x[0], cpu.nzcv()), (1 << 63, N | V));
    }
}
