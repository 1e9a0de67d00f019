//! Hand encodings of the few A64 instructions the oracle harness itself needs (DDI 0487 C6),
//! checked once against `aarch64-linux-gnu-as` by `harness_encodings_match_the_assembler`.
//!
//! Register numbers are plain 0..=31; which of SP/XZR 31 means is the instruction's.

/// Stack pointer / zero register number.
pub const SP: u32 = 31;
/// Zero register number.
pub const ZR: u32 = 31;

/// NOP.
pub const NOP: u32 = 0xd503_201f;
/// CLREX.
pub const CLREX: u32 = 0xd503_3f5f;
/// RET (X30).
pub const RET: u32 = 0xd65f_03c0;
/// SVC #0.
pub const SVC0: u32 = 0xd400_0001;

/// ADR Xd, pc + off (off within ±1 MiB).
pub fn adr(rd: u32, off: i64) -> u32 {
    assert!((-(1 << 20)..(1 << 20)).contains(&off), "ADR out of range");
    let imm = off as u32 & 0x1f_ffff;
    0x1000_0000 | (imm & 3) << 29 | (imm >> 2) << 5 | rd
}

/// ADRP Xd, page of `target` seen from `pc`.
pub fn adrp(rd: u32, pc: u64, target: u64) -> u32 {
    let d = ((target >> 12) as i64) - ((pc >> 12) as i64);
    assert!((-(1 << 20)..(1 << 20)).contains(&d), "ADRP out of range");
    let imm = d as u32 & 0x1f_ffff;
    0x9000_0000 | (imm & 3) << 29 | (imm >> 2) << 5 | rd
}

/// ADD Xd|SP, Xn|SP, #imm12.
pub fn add_imm(rd: u32, rn: u32, imm: u32) -> u32 {
    assert!(imm < 4096);
    0x9100_0000 | imm << 10 | rn << 5 | rd
}

/// LDR Xt, [Xn|SP, #off] (off a multiple of 8 below 32 KiB).
pub fn ldr_x(rt: u32, rn: u32, off: u32) -> u32 {
    assert!(off.is_multiple_of(8) && off < 32768);
    0xf940_0000 | (off / 8) << 10 | rn << 5 | rt
}

/// STR Xt, [Xn|SP, #off].
pub fn str_x(rt: u32, rn: u32, off: u32) -> u32 {
    assert!(off.is_multiple_of(8) && off < 32768);
    0xf900_0000 | (off / 8) << 10 | rn << 5 | rt
}

fn pair_imm(off: i32) -> u32 {
    assert!(off % 8 == 0 && (-512..=504).contains(&off));
    ((off / 8) as u32 & 0x7f) << 15
}

/// LDP Xt, Xt2, [Xn|SP, #off].
pub fn ldp_x(rt: u32, rt2: u32, rn: u32, off: i32) -> u32 {
    0xa940_0000 | pair_imm(off) | rt2 << 10 | rn << 5 | rt
}

/// STP Xt, Xt2, [Xn|SP, #off].
pub fn stp_x(rt: u32, rt2: u32, rn: u32, off: i32) -> u32 {
    0xa900_0000 | pair_imm(off) | rt2 << 10 | rn << 5 | rt
}

/// STP Dt, Dt2, [Xn|SP, #off].
pub fn stp_d(rt: u32, rt2: u32, rn: u32, off: i32) -> u32 {
    0x6d00_0000 | pair_imm(off) | rt2 << 10 | rn << 5 | rt
}

/// MSR NZCV, Xt.
pub fn msr_nzcv(rt: u32) -> u32 {
    0xd51b_4200 | rt
}

/// MRS Xt, NZCV.
pub fn mrs_nzcv(rt: u32) -> u32 {
    0xd53b_4200 | rt
}

/// MSR TPIDR_EL0, Xt.
pub fn msr_tpidr(rt: u32) -> u32 {
    0xd51b_d040 | rt
}

/// MRS Xt, TPIDR_EL0.
pub fn mrs_tpidr(rt: u32) -> u32 {
    0xd53b_d040 | rt
}

/// LDP Qt, Qt2, [Xn|SP, #off] (off a multiple of 16 in -1024..=1008).
pub fn ldp_q(rt: u32, rt2: u32, rn: u32, off: i32) -> u32 {
    0xad40_0000 | pair_imm_q(off) | rt2 << 10 | rn << 5 | rt
}

/// STP Qt, Qt2, [Xn|SP, #off].
pub fn stp_q(rt: u32, rt2: u32, rn: u32, off: i32) -> u32 {
    0xad00_0000 | pair_imm_q(off) | rt2 << 10 | rn << 5 | rt
}

fn pair_imm_q(off: i32) -> u32 {
    assert!(off % 16 == 0 && (-1024..=1008).contains(&off));
    ((off / 16) as u32 & 0x7f) << 15
}

/// MSR FPCR, Xt.
pub fn msr_fpcr(rt: u32) -> u32 {
    0xd51b_4400 | rt
}

/// MRS Xt, FPCR.
pub fn mrs_fpcr(rt: u32) -> u32 {
    0xd53b_4400 | rt
}

/// MSR FPSR, Xt.
pub fn msr_fpsr(rt: u32) -> u32 {
    0xd51b_4420 | rt
}

/// MRS Xt, FPSR.
pub fn mrs_fpsr(rt: u32) -> u32 {
    0xd53b_4420 | rt
}

/// BR Xn.
pub fn br(rn: u32) -> u32 {
    0xd61f_0000 | rn << 5
}

/// LDR Xt, pc + off (literal; off a multiple of 4 within ±1 MiB).
pub fn ldr_lit_x(rt: u32, off: i64) -> u32 {
    assert!(
        off % 4 == 0 && (-(1 << 20)..(1 << 20)).contains(&off),
        "LDR literal out of range"
    );
    0x5800_0000 | ((off / 4) as u32 & 0x7_ffff) << 5 | rt
}

/// FMOV Dd, Xn.
pub fn fmov_dx(rd: u32, rn: u32) -> u32 {
    0x9e67_0000 | rn << 5 | rd
}

/// FMOV Xd, Dn.
pub fn fmov_xd(rd: u32, rn: u32) -> u32 {
    0x9e66_0000 | rn << 5 | rd
}

/// ADD Dd, Dn, Dm (AdvSIMD scalar).
pub fn add_d(rd: u32, rn: u32, rm: u32) -> u32 {
    0x5ee0_8400 | rm << 16 | rn << 5 | rd
}

/// MOVZ Xd, #imm16, LSL #(16 × hw).
pub fn movz(rd: u32, imm: u32, hw: u32) -> u32 {
    assert!(imm < 65536 && hw < 4);
    0xd280_0000 | hw << 21 | imm << 5 | rd
}

/// MOVK Xd, #imm16, LSL #(16 × hw).
pub fn movk(rd: u32, imm: u32, hw: u32) -> u32 {
    assert!(imm < 65536 && hw < 4);
    0xf280_0000 | hw << 21 | imm << 5 | rd
}

/// MOVZ + MOVK: Xd = v (v < 2^32).
pub fn mov32(rd: u32, v: u64) -> [u32; 2] {
    assert!(v >> 32 == 0);
    [
        movz(rd, v as u32 & 0xffff, 0),
        movk(rd, (v >> 16) as u32, 1),
    ]
}

/// B pc + off.
pub fn b(off: i64) -> u32 {
    assert!(off % 4 == 0 && (-(1 << 27)..(1 << 27)).contains(&off));
    0x1400_0000 | ((off / 4) as u32 & 0x3ff_ffff)
}

/// B.cond pc + off.
pub fn b_cond(cond: u32, off: i64) -> u32 {
    assert!(off % 4 == 0 && (-(1 << 20)..(1 << 20)).contains(&off));
    0x5400_0000 | ((off / 4) as u32 & 0x7_ffff) << 5 | cond
}

/// Condition code HS (unsigned higher or same).
pub const HS: u32 = 2;
/// Condition code LO (unsigned lower).
pub const LO: u32 = 3;

/// UDIV Xd, Xn, Xm.
pub fn udiv(rd: u32, rn: u32, rm: u32) -> u32 {
    0x9ac0_0800 | rm << 16 | rn << 5 | rd
}

/// MADD Xd, Xn, Xm, Xa.
pub fn madd(rd: u32, rn: u32, rm: u32, ra: u32) -> u32 {
    0x9b00_0000 | rm << 16 | ra << 10 | rn << 5 | rd
}

/// SUB Xd, Xn, Xm.
pub fn sub(rd: u32, rn: u32, rm: u32) -> u32 {
    0xcb00_0000 | rm << 16 | rn << 5 | rd
}

/// CMP Xn, Xm.
pub fn cmp(rn: u32, rm: u32) -> u32 {
    0xeb00_001f | rm << 16 | rn << 5
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every harness encoding, next to the assembler text that must produce it. Branch and
    /// PC-relative forms are written at fixed offsets from the start of the snippet.
    fn cases() -> Vec<(u32, &'static str)> {
        vec![
            (NOP, "nop"),
            (CLREX, "clrex"),
            (RET, "ret"),
            (SVC0, "svc #0"),
            (adr(30, -272), "adr x30, .-272"),
            (adr(1, 0xffff), "adr x1, .+0xffff"),
            (add_imm(SP, 0, 0), "mov sp, x0"),
            (add_imm(0, SP, 0), "mov x0, sp"),
            (add_imm(30, 30, 0x123), "add x30, x30, #0x123"),
            (ldr_x(0, 30, 256), "ldr x0, [x30, #256]"),
            (ldr_x(3, 2, 440), "ldr x3, [x2, #440]"),
            (str_x(9, 2, 440), "str x9, [x2, #440]"),
            (ldp_x(28, 29, 30, 224), "ldp x28, x29, [x30, #224]"),
            (ldp_x(1, 2, 0, -512), "ldp x1, x2, [x0, #-512]"),
            (stp_x(0, 1, 30, 0), "stp x0, x1, [x30]"),
            (stp_x(1, 2, 30, 344), "stp x1, x2, [x30, #344]"),
            (stp_d(1, 3, 30, 272), "stp d1, d3, [x30, #272]"),
            (msr_nzcv(0), "msr nzcv, x0"),
            (mrs_nzcv(0), "mrs x0, nzcv"),
            (msr_tpidr(0), "msr tpidr_el0, x0"),
            (mrs_tpidr(7), "mrs x7, tpidr_el0"),
            (ldp_q(0, 1, 30, 288), "ldp q0, q1, [x30, #288]"),
            (br(30), "br x30"),
            (br(0), "br x0"),
            (ldr_lit_x(30, -572), "ldr x30, .-572"),
            (ldr_lit_x(1, 0x1000), "ldr x1, .+0x1000"),
            (ldp_q(30, 31, 30, -1024), "ldp q30, q31, [x30, #-1024]"),
            (stp_q(2, 3, 30, 1008), "stp q2, q3, [x30, #1008]"),
            (msr_fpcr(0), "msr fpcr, x0"),
            (mrs_fpcr(5), "mrs x5, fpcr"),
            (msr_fpsr(0), "msr fpsr, x0"),
            (mrs_fpsr(9), "mrs x9, fpsr"),
            (fmov_dx(1, ZR), "fmov d1, xzr"),
            (fmov_dx(0, 30), "fmov d0, x30"),
            (fmov_xd(0, 0), "fmov x0, d0"),
            (add_d(1, 1, 2), "add d1, d1, d2"),
            (movz(0, 1, 0), "movz x0, #1"),
            (movz(8, 0xbeef, 3), "movz x8, #0xbeef, lsl #48"),
            (movk(1, 0x40, 1), "movk x1, #0x40, lsl #16"),
            (b(-8), "b .-8"),
            (b(0x1234), "b .+0x1234"),
            (b_cond(LO, 64), "b.lo .+64"),
            (b_cond(HS, -4), "b.hs .-4"),
            (udiv(7, 5, 6), "udiv x7, x5, x6"),
            (madd(9, 7, 6, 4), "madd x9, x7, x6, x4"),
            (sub(5, 3, 4), "sub x5, x3, x4"),
            (cmp(3, 4), "cmp x3, x4"),
        ]
    }

    #[test]
    fn harness_encodings_match_the_assembler() {
        let Some(words) =
            crate::disasm::assemble(&cases().iter().map(|c| c.1.to_string()).collect::<Vec<_>>())
        else {
            eprintln!("aarch64-linux-gnu-as not found: harness encodings not checked");
            return;
        };
        let bad: Vec<String> = cases()
            .iter()
            .zip(words)
            .filter(|((want, _), got)| want != got)
            .map(|((want, text), got)| format!("{text}: ours {want:#010x}, assembler {got:#010x}"))
            .collect();
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    #[test]
    fn adrp_matches_the_disassembler() {
        let pc = 0x40_2008;
        let words = [adrp(30, pc, 0x40_1000), adrp(0, pc, 0x7f_f123)];
        let Some(text) = crate::disasm::disassemble(&words, pc) else {
            eprintln!("aarch64-linux-gnu-objdump not found: ADRP not checked");
            return;
        };
        assert!(text[0].starts_with("adrp\tx30, 0x401000"), "{}", text[0]);
        assert!(text[1].starts_with("adrp\tx0, 0x7ff000"), "{}", text[1]);
    }
}
