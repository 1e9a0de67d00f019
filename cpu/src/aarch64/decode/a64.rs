//! The A64 encoding table (DDI 0487 C4, "A64 Instruction Set Encoding"), one line per encoding,
//! sections in the order of the encoding index. Each section matches one handler file in
//! `exec/`. Adding an instruction: one line here, one handler, one test.
//!
//! Where two lines overlap, the more specific one comes first (checked by a unit test).
//! Encodings this core does not implement are listed as comments with a `TODO(FEAT_x)`; any word
//! no line accepts is UNDEFINED.

use super::shapes::*;
use super::Pattern;
use crate::aarch64::exec::{branch, dp_imm, dp_reg, ldst, system};
use crate::pat;

/// The table.
pub static TABLE: &[Pattern] = &[
    // ## Data processing – immediate (exec/dp_imm.rs)
    pat!(
        ADD_i,
        "sf:1 0 0 100010 sh:1 imm12:12 rn:5 rd:5",
        addsub_imm,
        dp_imm::add_i
    ),
    pat!(
        ADDS_i,
        "sf:1 0 1 100010 sh:1 imm12:12 rn:5 rd:5",
        addsub_imm_s,
        dp_imm::adds_i
    ),
    pat!(
        SUB_i,
        "sf:1 1 0 100010 sh:1 imm12:12 rn:5 rd:5",
        addsub_imm,
        dp_imm::sub_i
    ),
    pat!(
        SUBS_i,
        "sf:1 1 1 100010 sh:1 imm12:12 rn:5 rd:5",
        addsub_imm_s,
        dp_imm::subs_i
    ),
    // ## end of data processing – immediate
    //
    //
    // ## Branches, exception generating and system instructions (exec/branch.rs, exec/system.rs)
    pat!(B, "0 00101 imm26:26", branch26, branch::b, END),
    pat!(BL, "1 00101 imm26:26", branch26, branch::bl, END),
    // ## end of branches
    //
    //
    // ## System (exec/system.rs)
    pat!(SVC, "11010100 000 imm16:16 000 01", imm16, system::svc, END),
    pat!(HVC, "11010100 000 imm16:16 000 10", imm16, system::hvc, END),
    pat!(
        NOP,
        "11010101 00000011 0010 0000 000 11111",
        none,
        system::nop
    ),
    // ## end of system
    //
    //
    // ## Loads and stores (exec/ldst.rs)
    // Load/store exclusive (o2 L o1 at bits 23:21, o0 at bit 15; acquire/release = o0).
    // Exclusives ignore the should-be-one Rs/Rt2 fields as QEMU does; the ordered forms need them.
    // Unallocated in ARMv8.0 (no FEAT_LSE / FEAT_LOR): CAS*, CASP*, LDLAR*, STLLR*.
    pat!(
        STXR,
        "size:2 001000 0 0 0 rs:5 0 rt2:5 rn:5 rt:5",
        ldst_excl,
        ldst::stxr
    ),
    pat!(
        STLXR,
        "size:2 001000 0 0 0 rs:5 1 rt2:5 rn:5 rt:5",
        ldst_excl,
        ldst::stxr
    ),
    pat!(
        LDXR,
        "size:2 001000 0 1 0 rs:5 0 rt2:5 rn:5 rt:5",
        ldst_excl,
        ldst::ldxr
    ),
    pat!(
        LDAXR,
        "size:2 001000 0 1 0 rs:5 1 rt2:5 rn:5 rt:5",
        ldst_excl,
        ldst::ldxr
    ),
    pat!(
        STXP,
        "1 sz:1 001000 0 0 1 rs:5 0 rt2:5 rn:5 rt:5",
        ldst_excl,
        ldst::stxp
    ),
    pat!(
        STLXP,
        "1 sz:1 001000 0 0 1 rs:5 1 rt2:5 rn:5 rt:5",
        ldst_excl,
        ldst::stxp
    ),
    pat!(
        LDXP,
        "1 sz:1 001000 0 1 1 rs:5 0 rt2:5 rn:5 rt:5",
        ldst_excl,
        ldst::ldxp
    ),
    pat!(
        LDAXP,
        "1 sz:1 001000 0 1 1 rs:5 1 rt2:5 rn:5 rt:5",
        ldst_excl,
        ldst::ldxp
    ),
    pat!(
        STLR,
        "size:2 001000 1 0 0 11111 1 11111 rn:5 rt:5",
        ldst_excl,
        ldst::stlr
    ),
    pat!(
        LDAR,
        "size:2 001000 1 1 0 11111 1 11111 rn:5 rt:5",
        ldst_excl,
        ldst::ldar
    ),
    // Load register (literal).
    // TODO(FEAT_FP): LDR (literal, SIMD&FP), V = 1.
    pat!(
        LDRw_lit,
        "00 011 0 00 imm19:19 rt:5",
        ld_lit,
        ldst::ld_lit::<4, { ldst::ZX }>
    ),
    pat!(
        LDRx_lit,
        "01 011 0 00 imm19:19 rt:5",
        ld_lit,
        ldst::ld_lit::<8, { ldst::ZX }>
    ),
    pat!(
        LDRSW_lit,
        "10 011 0 00 imm19:19 rt:5",
        ld_lit,
        ldst::ld_lit::<4, { ldst::SX64 }>
    ),
    pat!(PRFM_lit, "11 011 0 00 imm19:19 rt:5", none, ldst::prfm),
    // Load/store pair: bits 24:23 = non-temporal offset (LDNP/STNP), post-index, offset, pre-index.
    // opc = 11 and STGP/LDNPSW (opc = 01) are unallocated. TODO(FEAT_FP): V = 1 pairs.
    pat!(
        STPw,
        "00 101 0 0 idx:2 0 imm7:7 rt2:5 rn:5 rt:5",
        ldst_pair,
        ldst::stp::<4>
    ),
    pat!(
        LDPw,
        "00 101 0 0 idx:2 1 imm7:7 rt2:5 rn:5 rt:5",
        ldst_pair,
        ldst::ldp::<4, { ldst::ZX }>
    ),
    pat!(
        LDPSW,
        "01 101 0 0 idx:2 1 imm7:7 rt2:5 rn:5 rt:5",
        ldpsw,
        ldst::ldp::<4, { ldst::SX64 }>
    ),
    pat!(
        STPx,
        "10 101 0 0 idx:2 0 imm7:7 rt2:5 rn:5 rt:5",
        ldst_pair,
        ldst::stp::<8>
    ),
    pat!(
        LDPx,
        "10 101 0 0 idx:2 1 imm7:7 rt2:5 rn:5 rt:5",
        ldst_pair,
        ldst::ldp::<8, { ldst::ZX }>
    ),
    // Load/store register, imm9 forms (bits 11:10): unscaled (LDUR*/STUR*), post-index,
    // unprivileged (LDTR*/STTR*, TODO(FEAT_MMU): EL0 permissions at EL1), pre-index.
    // size:opc = 10:11 and 11:11 are unallocated. TODO(FEAT_FP): V = 1 forms.
    pat!(
        STRB_i9,
        "00 111 0 00 00 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::st::<1>
    ),
    pat!(
        LDRB_i9,
        "00 111 0 00 01 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<1, { ldst::ZX }>
    ),
    pat!(
        LDRSBx_i9,
        "00 111 0 00 10 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<1, { ldst::SX64 }>
    ),
    pat!(
        LDRSBw_i9,
        "00 111 0 00 11 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<1, { ldst::SX32 }>
    ),
    pat!(
        STRH_i9,
        "01 111 0 00 00 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::st::<2>
    ),
    pat!(
        LDRH_i9,
        "01 111 0 00 01 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<2, { ldst::ZX }>
    ),
    pat!(
        LDRSHx_i9,
        "01 111 0 00 10 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<2, { ldst::SX64 }>
    ),
    pat!(
        LDRSHw_i9,
        "01 111 0 00 11 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<2, { ldst::SX32 }>
    ),
    pat!(
        STRw_i9,
        "10 111 0 00 00 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::st::<4>
    ),
    pat!(
        LDRw_i9,
        "10 111 0 00 01 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<4, { ldst::ZX }>
    ),
    pat!(
        LDRSW_i9,
        "10 111 0 00 10 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<4, { ldst::SX64 }>
    ),
    pat!(
        STRx_i9,
        "11 111 0 00 00 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::st::<8>
    ),
    pat!(
        LDRx_i9,
        "11 111 0 00 01 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<8, { ldst::ZX }>
    ),
    pat!(
        PRFUM,
        "11 111 0 00 10 0 imm9:9 idx:2 rn:5 rt:5",
        prfm_i9,
        ldst::prfm
    ),
    // Load/store register (register offset): option<1> = 0 is unallocated.
    pat!(
        STRB_r,
        "00 111 0 00 00 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::st_r::<1>
    ),
    pat!(
        LDRB_r,
        "00 111 0 00 01 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r::<1, { ldst::ZX }>
    ),
    pat!(
        LDRSBx_r,
        "00 111 0 00 10 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r::<1, { ldst::SX64 }>
    ),
    pat!(
        LDRSBw_r,
        "00 111 0 00 11 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r::<1, { ldst::SX32 }>
    ),
    pat!(
        STRH_r,
        "01 111 0 00 00 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::st_r::<2>
    ),
    pat!(
        LDRH_r,
        "01 111 0 00 01 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r::<2, { ldst::ZX }>
    ),
    pat!(
        LDRSHx_r,
        "01 111 0 00 10 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r::<2, { ldst::SX64 }>
    ),
    pat!(
        LDRSHw_r,
        "01 111 0 00 11 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r::<2, { ldst::SX32 }>
    ),
    pat!(
        STRw_r,
        "10 111 0 00 00 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::st_r::<4>
    ),
    pat!(
        LDRw_r,
        "10 111 0 00 01 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r::<4, { ldst::ZX }>
    ),
    pat!(
        LDRSW_r,
        "10 111 0 00 10 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r::<4, { ldst::SX64 }>
    ),
    pat!(
        STRx_r,
        "11 111 0 00 00 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::st_r::<8>
    ),
    pat!(
        LDRx_r,
        "11 111 0 00 01 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r::<8, { ldst::ZX }>
    ),
    pat!(
        PRFM_r,
        "11 111 0 00 10 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        prfm_r,
        ldst::prfm
    ),
    // Load/store register (unsigned offset).
    pat!(
        STRB_ui,
        "00 111 0 01 00 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::st::<1>
    ),
    pat!(
        LDRB_ui,
        "00 111 0 01 01 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld::<1, { ldst::ZX }>
    ),
    pat!(
        LDRSBx_ui,
        "00 111 0 01 10 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld::<1, { ldst::SX64 }>
    ),
    pat!(
        LDRSBw_ui,
        "00 111 0 01 11 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld::<1, { ldst::SX32 }>
    ),
    pat!(
        STRH_ui,
        "01 111 0 01 00 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::st::<2>
    ),
    pat!(
        LDRH_ui,
        "01 111 0 01 01 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld::<2, { ldst::ZX }>
    ),
    pat!(
        LDRSHx_ui,
        "01 111 0 01 10 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld::<2, { ldst::SX64 }>
    ),
    pat!(
        LDRSHw_ui,
        "01 111 0 01 11 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld::<2, { ldst::SX32 }>
    ),
    pat!(
        STRw_ui,
        "10 111 0 01 00 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::st::<4>
    ),
    pat!(
        LDRw_ui,
        "10 111 0 01 01 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld::<4, { ldst::ZX }>
    ),
    pat!(
        LDRSW_ui,
        "10 111 0 01 10 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld::<4, { ldst::SX64 }>
    ),
    pat!(
        STRx_ui,
        "11 111 0 01 00 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::st::<8>
    ),
    pat!(
        LDRx_ui,
        "11 111 0 01 01 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld::<8, { ldst::ZX }>
    ),
    pat!(
        PRFM_ui,
        "11 111 0 01 10 imm12:12 rn:5 rt:5",
        none,
        ldst::prfm
    ),
    // ## end of loads and stores
    //
    //
    // ## Data processing – register (exec/dp_reg.rs)
    // ## end of data processing – register
];
