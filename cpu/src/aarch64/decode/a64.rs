//! The A64 encoding table (DDI 0487 C4, "A64 Instruction Set Encoding"), one line per encoding,
//! sections in the order of the encoding index. Each section matches one handler file in
//! `exec/`. Adding an instruction: one line here, one handler, one test.
//!
//! Where two lines overlap, the more specific one comes first (checked by a unit test).
//! Encodings this core does not implement are listed as comments with a `TODO(FEAT_x)`; any word
//! no line accepts is UNDEFINED.

use super::shapes::*;
use super::Pattern;
use crate::aarch64::exec::fp::vector::{op as op2, un_op as op1};
use crate::aarch64::exec::simd::{
    arith as ar, arith::op as a, ldst as vls, modimm as mi, permute as pm, shift as sh,
};
use crate::aarch64::exec::{branch, dp_imm, dp_reg, fp, ldst, system};
use crate::pat;

/// The table.
pub static TABLE: &[Pattern] = &[
    // ## Data processing – immediate (exec/dp_imm.rs)
    // The commonest data-processing forms have a 64-bit line first, whose handler writes its
    // result without a width test.
    pat!(
        ADD_i_x,
        "1 0 0 100010 sh:1 imm12:12 rn:5 rd:5",
        addsub_imm,
        dp_imm::add_i::<true>
    ),
    pat!(
        ADD_i,
        "sf:1 0 0 100010 sh:1 imm12:12 rn:5 rd:5",
        addsub_imm,
        dp_imm::add_i::<false>
    ),
    pat!(
        ADDS_i_x,
        "1 0 1 100010 sh:1 imm12:12 rn:5 rd:5",
        addsub_imm_s,
        dp_imm::adds_i::<true>
    ),
    pat!(
        ADDS_i,
        "sf:1 0 1 100010 sh:1 imm12:12 rn:5 rd:5",
        addsub_imm_s,
        dp_imm::adds_i::<false>
    ),
    pat!(
        SUB_i_x,
        "1 1 0 100010 sh:1 imm12:12 rn:5 rd:5",
        addsub_imm,
        dp_imm::sub_i::<true>
    ),
    pat!(
        SUB_i,
        "sf:1 1 0 100010 sh:1 imm12:12 rn:5 rd:5",
        addsub_imm,
        dp_imm::sub_i::<false>
    ),
    pat!(
        SUBS_i_x,
        "1 1 1 100010 sh:1 imm12:12 rn:5 rd:5",
        addsub_imm_s,
        dp_imm::subs_i::<true>
    ),
    pat!(
        SUBS_i,
        "sf:1 1 1 100010 sh:1 imm12:12 rn:5 rd:5",
        addsub_imm_s,
        dp_imm::subs_i::<false>
    ),
    pat!(ADR, "0 immlo:2 10000 immhi:19 rd:5", pcrel, dp_imm::adr),
    pat!(ADRP, "1 immlo:2 10000 immhi:19 rd:5", pcrel, dp_imm::adrp),
    pat!(
        AND_i_x,
        "1 00 100100 N:1 immr:6 imms:6 rn:5 rd:5",
        logic_imm,
        dp_imm::and_i::<true>
    ),
    pat!(
        AND_i,
        "sf:1 00 100100 N:1 immr:6 imms:6 rn:5 rd:5",
        logic_imm,
        dp_imm::and_i::<false>
    ),
    pat!(
        ORR_i_x,
        "1 01 100100 N:1 immr:6 imms:6 rn:5 rd:5",
        logic_imm,
        dp_imm::orr_i::<true>
    ),
    pat!(
        ORR_i,
        "sf:1 01 100100 N:1 immr:6 imms:6 rn:5 rd:5",
        logic_imm,
        dp_imm::orr_i::<false>
    ),
    pat!(
        EOR_i,
        "sf:1 10 100100 N:1 immr:6 imms:6 rn:5 rd:5",
        logic_imm,
        dp_imm::eor_i
    ),
    pat!(
        ANDS_i,
        "sf:1 11 100100 N:1 immr:6 imms:6 rn:5 rd:5",
        logic_imm_s,
        dp_imm::ands_i
    ),
    pat!(
        MOVN,
        "sf:1 00 100101 hw:2 imm16:16 rd:5",
        move_wide,
        dp_imm::mov_wide
    ),
    pat!(
        MOVZ,
        "sf:1 10 100101 hw:2 imm16:16 rd:5",
        move_wide,
        dp_imm::mov_wide
    ),
    pat!(
        MOVK,
        "sf:1 11 100101 hw:2 imm16:16 rd:5",
        move_wide,
        dp_imm::movk
    ),
    pat!(
        SBFM,
        "sf:1 00 100110 N:1 immr:6 imms:6 rn:5 rd:5",
        bitfield,
        dp_imm::sbfm,
        VARIANTS dp_imm::bitfield_kind [0 1 2 3 4]
    ),
    pat!(
        BFM,
        "sf:1 01 100110 N:1 immr:6 imms:6 rn:5 rd:5",
        bitfield,
        dp_imm::bfm,
        VARIANTS dp_imm::bitfield_kind [0 1]
    ),
    pat!(
        UBFM,
        "sf:1 10 100110 N:1 immr:6 imms:6 rn:5 rd:5",
        bitfield,
        dp_imm::ubfm,
        VARIANTS dp_imm::bitfield_kind [0 1 2 3 4]
    ),
    pat!(
        EXTR,
        "sf:1 00 100111 N:1 0 rm:5 imms:6 rn:5 rd:5",
        extract,
        dp_imm::extr
    ),
    // ## end of data processing – immediate
    //
    //
    // ## Branches, exception generating and system instructions (exec/branch.rs, exec/system.rs)
    pat!(B, "0 00101 imm26:26", branch26, branch::b, END),
    pat!(BL, "1 00101 imm26:26", branch26, branch::bl, END),
    // TODO(FEAT_HBC): BC.cond (bit 4 = 1) is unallocated in v8.0.
    pat!(
        B_cond,
        "0101010 0 imm19:19 0 cond:4",
        cond_branch,
        branch::b_cond[false],
        COND PER_COND
    ),
    pat!(
        CBZ,
        "sf:1 011010 0 imm19:19 rt:5",
        cmp_branch,
        branch::cbz::<false>,
        COND
    ),
    pat!(
        CBNZ,
        "sf:1 011010 1 imm19:19 rt:5",
        cmp_branch,
        branch::cbz::<false>,
        COND
    ),
    pat!(
        TBZ,
        "b5:1 011011 0 b40:5 imm14:14 rt:5",
        test_branch,
        branch::tbz::<false>,
        COND
    ),
    pat!(
        TBNZ,
        "b5:1 011011 1 b40:5 imm14:14 rt:5",
        test_branch,
        branch::tbz::<false>,
        COND
    ),
    // Unconditional branch (register): opc op2=11111 op3=000000 Rn op4=00000.
    pat!(
        BR,
        "1101011 0000 11111 000000 rn:5 00000",
        branch_reg,
        branch::br,
        END
    ),
    pat!(
        BLR,
        "1101011 0001 11111 000000 rn:5 00000",
        branch_reg,
        branch::blr,
        END
    ),
    pat!(
        RET,
        "1101011 0010 11111 000000 rn:5 00000",
        branch_reg,
        branch::br,
        END
    ),
    pat!(
        ERET,
        "1101011 0100 11111 000000 11111 00000",
        none,
        branch::eret,
        END
    ),
    // TODO(FEAT_PAuth): BRAA/BRAB/BLRAA/BLRAB/RETAA/RETAB/ERETAA/ERETAB (op3 = 00001x) and the
    // zero-modifier forms are UNDEFINED (ID_AA64ISAR1_EL1 advertises no pointer authentication).
    // DRPS (opc = 0101) is UNDEFINED outside Debug state, which is not modelled.
    // ## end of branches
    //
    //
    // ## System (exec/system.rs)
    // Exception generation: opc imm16 op2=000 LL.
    pat!(SVC, "11010100 000 imm16:16 000 01", imm16, system::svc, END),
    pat!(HVC, "11010100 000 imm16:16 000 10", imm16, system::hvc, END),
    pat!(SMC, "11010100 000 imm16:16 000 11", imm16, system::smc, END),
    pat!(BRK, "11010100 001 imm16:16 000 00", imm16, system::brk, END),
    // HLT (opc = 010) is UNDEFINED: halting debug is not implemented (EDSCR.HDE = 0).
    // DCPS1/2/3 (opc = 101) are UNDEFINED outside Debug state.
    //
    // Hints: CRm:op2; every unallocated hint (PACIASP, AUTIASP, BTI, CSDB, ESB…) is a NOP.
    pat!(
        NOP,
        "11010101 00000011 0010 0000 000 11111",
        none,
        system::nop
    ),
    pat!(
        YIELD,
        "11010101 00000011 0010 0000 001 11111",
        none,
        system::nop
    ),
    pat!(
        WFE,
        "11010101 00000011 0010 0000 010 11111",
        none,
        system::wfe,
        END
    ),
    pat!(
        WFI,
        "11010101 00000011 0010 0000 011 11111",
        sys_word,
        system::wfi,
        END
    ),
    pat!(
        SEV,
        "11010101 00000011 0010 0000 100 11111",
        none,
        system::sev,
        END
    ),
    pat!(
        SEVL,
        "11010101 00000011 0010 0000 101 11111",
        none,
        system::sevl
    ),
    pat!(
        HINT,
        "11010101 00000011 0010 crm:4 op2:3 11111",
        none,
        system::nop
    ),
    // Barriers: CRm is the option; DSB #0/#4 are SSBB/PSSBB, plain barriers here.
    pat!(
        CLREX,
        "11010101 00000011 0011 crm:4 010 11111",
        none,
        system::clrex
    ),
    pat!(
        DSB,
        "11010101 00000011 0011 crm:4 100 11111",
        none,
        system::nop
    ),
    pat!(
        DMB,
        "11010101 00000011 0011 crm:4 101 11111",
        none,
        system::nop
    ),
    pat!(
        ISB,
        "11010101 00000011 0011 crm:4 110 11111",
        none,
        system::nop,
        END
    ),
    // TODO(FEAT_SB): SB (CRm = 0000, op2 = 111). TODO(FEAT_XS): DSB nXS.
    //
    // PSTATE (MSR immediate): op1 0100 CRm op2.
    pat!(
        MSR_SPSel,
        "11010101 00000 000 0100 crm:4 101 11111",
        sys_word,
        system::msr_spsel,
        END
    ),
    pat!(
        MSR_DAIFSet,
        "11010101 00000 011 0100 crm:4 110 11111",
        sys_word,
        system::msr_daif_imm,
        END
    ),
    pat!(
        MSR_DAIFClr,
        "11010101 00000 011 0100 crm:4 111 11111",
        sys_word,
        system::msr_daif_imm,
        END
    ),
    // TODO(FEAT_PAN), TODO(FEAT_UAO), TODO(FEAT_DIT), TODO(FEAT_SSBS), TODO(FEAT_FlagM): the
    // other PSTATE fields are UNDEFINED.
    //
    // System instructions and register moves: L op0 op1 CRn CRm op2 Rt, through the table in
    // sysreg/ (unknown encodings are UNDEFINED at decode time). No SYSL operation exists in
    // v8.0: SYSL is UNDEFINED.
    pat!(
        SYS,
        "1101010100 0 01 op1:3 crn:4 crm:4 op2:3 rt:5",
        sysreg_write,
        system::sys
    ),
    pat!(
        MSR_r,
        "1101010100 0 1 o0:1 op1:3 crn:4 crm:4 op2:3 rt:5",
        sysreg_write,
        system::msr_r,
        END
    ),
    // MRS of the generic timer space (op0 = 3, CRn = 14) ends its block, so that a read of the
    // system counter sees the exact instruction count (timer.rs).
    pat!(
        MRS_timer,
        "1101010100 1 1 1 op1:3 1110 crm:4 op2:3 rt:5",
        sysreg_read,
        system::mrs,
        END
    ),
    pat!(
        MRS,
        "1101010100 1 1 o0:1 op1:3 crn:4 crm:4 op2:3 rt:5",
        sysreg_read,
        system::mrs
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
    // The SIMD&FP forms (V = 1) are in their own section below.
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
    // opc = 11 and STGP/LDNPSW (opc = 01) are unallocated. (V = 1: below.)
    pat!(
        STPw,
        "00 101 0 0 idx:2 0 imm7:7 rt2:5 rn:5 rt:5",
        ldst_pair,
        ldst::stp[4],
        HIT ldst::stp_hit,
        PER_SP
    ),
    pat!(
        LDPw,
        "00 101 0 0 idx:2 1 imm7:7 rt2:5 rn:5 rt:5",
        ldst_pair,
        ldst::ldp[4, { ldst::ZX }],
        HIT ldst::ldp_hit,
        PER_SP
    ),
    pat!(
        LDPSW,
        "01 101 0 0 idx:2 1 imm7:7 rt2:5 rn:5 rt:5",
        ldpsw,
        ldst::ldp[4, { ldst::SX64 }],
        HIT ldst::ldp_hit,
        PER_SP
    ),
    pat!(
        STPx,
        "10 101 0 0 idx:2 0 imm7:7 rt2:5 rn:5 rt:5",
        ldst_pair,
        ldst::stp[8],
        HIT ldst::stp_hit,
        PER_SP
    ),
    pat!(
        LDPx,
        "10 101 0 0 idx:2 1 imm7:7 rt2:5 rn:5 rt:5",
        ldst_pair,
        ldst::ldp[8, { ldst::ZX }],
        HIT ldst::ldp_hit,
        PER_SP
    ),
    // Load/store register, imm9 forms (bits 11:10): unscaled (LDUR*/STUR*), post-index,
    // unprivileged (LDTR*/STTR*: EL0 permissions at EL1, listed first), pre-index.
    // size:opc = 10:11 and 11:11 are unallocated. (V = 1: below.)
    pat!(
        STTRB,
        "00 111 0 00 00 0 imm9:9 10 rn:5 rt:5",
        ldst_i9,
        ldst::stt::<1>
    ),
    pat!(
        LDTRB,
        "00 111 0 00 01 0 imm9:9 10 rn:5 rt:5",
        ldst_i9,
        ldst::ldt::<1, { ldst::ZX }>
    ),
    pat!(
        LDTRSBx,
        "00 111 0 00 10 0 imm9:9 10 rn:5 rt:5",
        ldst_i9,
        ldst::ldt::<1, { ldst::SX64 }>
    ),
    pat!(
        LDTRSBw,
        "00 111 0 00 11 0 imm9:9 10 rn:5 rt:5",
        ldst_i9,
        ldst::ldt::<1, { ldst::SX32 }>
    ),
    pat!(
        STTRH,
        "01 111 0 00 00 0 imm9:9 10 rn:5 rt:5",
        ldst_i9,
        ldst::stt::<2>
    ),
    pat!(
        LDTRH,
        "01 111 0 00 01 0 imm9:9 10 rn:5 rt:5",
        ldst_i9,
        ldst::ldt::<2, { ldst::ZX }>
    ),
    pat!(
        LDTRSHx,
        "01 111 0 00 10 0 imm9:9 10 rn:5 rt:5",
        ldst_i9,
        ldst::ldt::<2, { ldst::SX64 }>
    ),
    pat!(
        LDTRSHw,
        "01 111 0 00 11 0 imm9:9 10 rn:5 rt:5",
        ldst_i9,
        ldst::ldt::<2, { ldst::SX32 }>
    ),
    pat!(
        STTRw,
        "10 111 0 00 00 0 imm9:9 10 rn:5 rt:5",
        ldst_i9,
        ldst::stt::<4>
    ),
    pat!(
        LDTRw,
        "10 111 0 00 01 0 imm9:9 10 rn:5 rt:5",
        ldst_i9,
        ldst::ldt::<4, { ldst::ZX }>
    ),
    pat!(
        LDTRSW,
        "10 111 0 00 10 0 imm9:9 10 rn:5 rt:5",
        ldst_i9,
        ldst::ldt::<4, { ldst::SX64 }>
    ),
    pat!(
        STTRx,
        "11 111 0 00 00 0 imm9:9 10 rn:5 rt:5",
        ldst_i9,
        ldst::stt::<8>
    ),
    pat!(
        LDTRx,
        "11 111 0 00 01 0 imm9:9 10 rn:5 rt:5",
        ldst_i9,
        ldst::ldt::<8, { ldst::ZX }>
    ),
    pat!(
        STRB_i9,
        "00 111 0 00 00 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::st::<1>,
        HIT ldst::st_hit::<1>
    ),
    pat!(
        LDRB_i9,
        "00 111 0 00 01 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<1, { ldst::ZX }>,
        HIT ldst::ld_hit::<1, { ldst::ZX }>
    ),
    pat!(
        LDRSBx_i9,
        "00 111 0 00 10 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<1, { ldst::SX64 }>,
        HIT ldst::ld_hit::<1, { ldst::SX64 }>
    ),
    pat!(
        LDRSBw_i9,
        "00 111 0 00 11 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<1, { ldst::SX32 }>,
        HIT ldst::ld_hit::<1, { ldst::SX32 }>
    ),
    pat!(
        STRH_i9,
        "01 111 0 00 00 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::st::<2>,
        HIT ldst::st_hit::<2>
    ),
    pat!(
        LDRH_i9,
        "01 111 0 00 01 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<2, { ldst::ZX }>,
        HIT ldst::ld_hit::<2, { ldst::ZX }>
    ),
    pat!(
        LDRSHx_i9,
        "01 111 0 00 10 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<2, { ldst::SX64 }>,
        HIT ldst::ld_hit::<2, { ldst::SX64 }>
    ),
    pat!(
        LDRSHw_i9,
        "01 111 0 00 11 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<2, { ldst::SX32 }>,
        HIT ldst::ld_hit::<2, { ldst::SX32 }>
    ),
    pat!(
        STRw_i9,
        "10 111 0 00 00 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::st::<4>,
        HIT ldst::st_hit::<4>
    ),
    pat!(
        LDRw_i9,
        "10 111 0 00 01 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<4, { ldst::ZX }>,
        HIT ldst::ld_hit::<4, { ldst::ZX }>
    ),
    pat!(
        LDRSW_i9,
        "10 111 0 00 10 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<4, { ldst::SX64 }>,
        HIT ldst::ld_hit::<4, { ldst::SX64 }>
    ),
    pat!(
        STRx_i9,
        "11 111 0 00 00 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::st::<8>,
        HIT ldst::st_hit::<8>
    ),
    pat!(
        LDRx_i9,
        "11 111 0 00 01 0 imm9:9 idx:2 rn:5 rt:5",
        ldst_i9,
        ldst::ld::<8, { ldst::ZX }>,
        HIT ldst::ld_hit::<8, { ldst::ZX }>
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
        ldst::st_r[1],
        HIT ldst::st_r_hit,
        PER_INDEX
    ),
    pat!(
        LDRB_r,
        "00 111 0 00 01 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r[1, { ldst::ZX }],
        HIT ldst::ld_r_hit,
        PER_INDEX
    ),
    pat!(
        LDRSBx_r,
        "00 111 0 00 10 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r[1, { ldst::SX64 }],
        HIT ldst::ld_r_hit,
        PER_INDEX
    ),
    pat!(
        LDRSBw_r,
        "00 111 0 00 11 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r[1, { ldst::SX32 }],
        HIT ldst::ld_r_hit,
        PER_INDEX
    ),
    pat!(
        STRH_r,
        "01 111 0 00 00 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::st_r[2],
        HIT ldst::st_r_hit,
        PER_INDEX
    ),
    pat!(
        LDRH_r,
        "01 111 0 00 01 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r[2, { ldst::ZX }],
        HIT ldst::ld_r_hit,
        PER_INDEX
    ),
    pat!(
        LDRSHx_r,
        "01 111 0 00 10 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r[2, { ldst::SX64 }],
        HIT ldst::ld_r_hit,
        PER_INDEX
    ),
    pat!(
        LDRSHw_r,
        "01 111 0 00 11 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r[2, { ldst::SX32 }],
        HIT ldst::ld_r_hit,
        PER_INDEX
    ),
    pat!(
        STRw_r,
        "10 111 0 00 00 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::st_r[4],
        HIT ldst::st_r_hit,
        PER_INDEX
    ),
    pat!(
        LDRw_r,
        "10 111 0 00 01 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r[4, { ldst::ZX }],
        HIT ldst::ld_r_hit,
        PER_INDEX
    ),
    pat!(
        LDRSW_r,
        "10 111 0 00 10 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r[4, { ldst::SX64 }],
        HIT ldst::ld_r_hit,
        PER_INDEX
    ),
    pat!(
        STRx_r,
        "11 111 0 00 00 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::st_r[8],
        HIT ldst::st_r_hit,
        PER_INDEX
    ),
    pat!(
        LDRx_r,
        "11 111 0 00 01 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        ldst_r,
        ldst::ld_r[8, { ldst::ZX }],
        HIT ldst::ld_r_hit,
        PER_INDEX
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
        ldst::st_ui[1],
        HIT ldst::st_ui_hit,
        PER_SP
    ),
    pat!(
        LDRB_ui,
        "00 111 0 01 01 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld_ui[1, { ldst::ZX }],
        HIT ldst::ld_ui_hit,
        PER_SP
    ),
    pat!(
        LDRSBx_ui,
        "00 111 0 01 10 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld_ui[1, { ldst::SX64 }],
        HIT ldst::ld_ui_hit,
        PER_SP
    ),
    pat!(
        LDRSBw_ui,
        "00 111 0 01 11 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld_ui[1, { ldst::SX32 }],
        HIT ldst::ld_ui_hit,
        PER_SP
    ),
    pat!(
        STRH_ui,
        "01 111 0 01 00 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::st_ui[2],
        HIT ldst::st_ui_hit,
        PER_SP
    ),
    pat!(
        LDRH_ui,
        "01 111 0 01 01 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld_ui[2, { ldst::ZX }],
        HIT ldst::ld_ui_hit,
        PER_SP
    ),
    pat!(
        LDRSHx_ui,
        "01 111 0 01 10 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld_ui[2, { ldst::SX64 }],
        HIT ldst::ld_ui_hit,
        PER_SP
    ),
    pat!(
        LDRSHw_ui,
        "01 111 0 01 11 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld_ui[2, { ldst::SX32 }],
        HIT ldst::ld_ui_hit,
        PER_SP
    ),
    pat!(
        STRw_ui,
        "10 111 0 01 00 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::st_ui[4],
        HIT ldst::st_ui_hit,
        PER_SP
    ),
    pat!(
        LDRw_ui,
        "10 111 0 01 01 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld_ui[4, { ldst::ZX }],
        HIT ldst::ld_ui_hit,
        PER_SP
    ),
    pat!(
        LDRSW_ui,
        "10 111 0 01 10 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld_ui[4, { ldst::SX64 }],
        HIT ldst::ld_ui_hit,
        PER_SP
    ),
    pat!(
        STRx_ui,
        "11 111 0 01 00 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::st_ui[8],
        HIT ldst::st_ui_hit,
        PER_SP
    ),
    pat!(
        LDRx_ui,
        "11 111 0 01 01 imm12:12 rn:5 rt:5",
        ldst_ui,
        ldst::ld_ui[8, { ldst::ZX }],
        HIT ldst::ld_ui_hit,
        PER_SP
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
    // Logical (shifted register); MOV (register) first: the commonest form. The others by kind
    // of shift (none, LSL, any), AND/ORR/EOR with 64-bit lines first.
    pat!(
        MOV_r_x,
        "1 01 01010 00 0 rm:5 000000 11111 rd:5",
        rrr,
        dp_reg::mov_r::<true>
    ),
    // (W only: the ORR 64-bit line below would overlap a line of both widths.)
    pat!(
        MOV_r,
        "0 01 01010 00 0 rm:5 000000 11111 rd:5",
        rrr,
        dp_reg::mov_r::<false>
    ),
    pat!(
        AND_r_x,
        "1 00 01010 shift:2 0 rm:5 imm6:6 rn:5 rd:5",
        logic_sr,
        dp_reg::and_r [true],
        VARIANTS dp_reg::shift_kind [0 1 2 3]
    ),
    pat!(
        AND_r,
        "sf:1 00 01010 shift:2 0 rm:5 imm6:6 rn:5 rd:5",
        logic_sr,
        dp_reg::and_r [false],
        VARIANTS dp_reg::shift_kind [0 1 2]
    ),
    pat!(
        BIC_r,
        "sf:1 00 01010 shift:2 1 rm:5 imm6:6 rn:5 rd:5",
        logic_sr,
        dp_reg::bic_r,
        VARIANTS dp_reg::shift_kind [0 1 2 3]
    ),
    pat!(
        ORR_r_x,
        "1 01 01010 shift:2 0 rm:5 imm6:6 rn:5 rd:5",
        logic_sr,
        dp_reg::orr_r [true],
        VARIANTS dp_reg::shift_kind [0 1 2 3]
    ),
    pat!(
        ORR_r,
        "sf:1 01 01010 shift:2 0 rm:5 imm6:6 rn:5 rd:5",
        logic_sr,
        dp_reg::orr_r [false],
        VARIANTS dp_reg::shift_kind [0 1 2]
    ),
    pat!(
        ORN_r,
        "sf:1 01 01010 shift:2 1 rm:5 imm6:6 rn:5 rd:5",
        logic_sr,
        dp_reg::orn_r,
        VARIANTS dp_reg::shift_kind [0 1 2 3]
    ),
    pat!(
        EOR_r_x,
        "1 10 01010 shift:2 0 rm:5 imm6:6 rn:5 rd:5",
        logic_sr,
        dp_reg::eor_r [true],
        VARIANTS dp_reg::shift_kind [0 1 2 3]
    ),
    pat!(
        EOR_r,
        "sf:1 10 01010 shift:2 0 rm:5 imm6:6 rn:5 rd:5",
        logic_sr,
        dp_reg::eor_r [false],
        VARIANTS dp_reg::shift_kind [0 1 2]
    ),
    pat!(
        EON_r,
        "sf:1 10 01010 shift:2 1 rm:5 imm6:6 rn:5 rd:5",
        logic_sr,
        dp_reg::eon_r,
        VARIANTS dp_reg::shift_kind [0 1 2 3]
    ),
    pat!(
        ANDS_r,
        "sf:1 11 01010 shift:2 0 rm:5 imm6:6 rn:5 rd:5",
        logic_sr,
        dp_reg::ands_r,
        VARIANTS dp_reg::shift_kind [0 1 2 3]
    ),
    pat!(
        BICS_r,
        "sf:1 11 01010 shift:2 1 rm:5 imm6:6 rn:5 rd:5",
        logic_sr,
        dp_reg::bics_r,
        VARIANTS dp_reg::shift_kind [0 1 2 3]
    ),
    // Add/subtract (shifted register), as the logical lines: the X lines first (no width test),
    // then both widths (which see only W forms), each instantiated by kind of shift.
    pat!(
        ADD_r_x,
        "1 00 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5",
        addsub_sr,
        dp_reg::add_r [true],
        VARIANTS dp_reg::shift_kind [0 1 2 3]
    ),
    pat!(
        ADD_r,
        "sf:1 00 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5",
        addsub_sr,
        dp_reg::add_r [false],
        VARIANTS dp_reg::shift_kind [0 1 2]
    ),
    pat!(
        ADDS_r_x,
        "1 01 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5",
        addsub_sr,
        dp_reg::adds_r [true],
        VARIANTS dp_reg::shift_kind [0 1 2 3]
    ),
    pat!(
        ADDS_r,
        "sf:1 01 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5",
        addsub_sr,
        dp_reg::adds_r [false],
        VARIANTS dp_reg::shift_kind [0 1 2]
    ),
    pat!(
        SUB_r_x,
        "1 10 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5",
        addsub_sr,
        dp_reg::sub_r [true],
        VARIANTS dp_reg::shift_kind [0 1 2 3]
    ),
    pat!(
        SUB_r,
        "sf:1 10 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5",
        addsub_sr,
        dp_reg::sub_r [false],
        VARIANTS dp_reg::shift_kind [0 1 2]
    ),
    pat!(
        SUBS_r_x,
        "1 11 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5",
        addsub_sr,
        dp_reg::subs_r [true],
        VARIANTS dp_reg::shift_kind [0 1 2 3]
    ),
    pat!(
        SUBS_r,
        "sf:1 11 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5",
        addsub_sr,
        dp_reg::subs_r [false],
        VARIANTS dp_reg::shift_kind [0 1 2]
    ),
    // Add/subtract (extended register).
    pat!(
        ADD_x,
        "sf:1 00 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5",
        addsub_ext,
        dp_reg::add_x,
        VARIANTS dp_reg::extend_kind [0 1]
    ),
    pat!(
        ADDS_x,
        "sf:1 01 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5",
        addsub_ext_s,
        dp_reg::adds_x
    ),
    pat!(
        SUB_x,
        "sf:1 10 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5",
        addsub_ext,
        dp_reg::sub_x
    ),
    pat!(
        SUBS_x,
        "sf:1 11 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5",
        addsub_ext_s,
        dp_reg::subs_x
    ),
    // Add/subtract (with carry).
    pat!(
        ADC,
        "sf:1 00 11010000 rm:5 000000 rn:5 rd:5",
        rrr,
        dp_reg::adc
    ),
    pat!(
        ADCS,
        "sf:1 01 11010000 rm:5 000000 rn:5 rd:5",
        rrr,
        dp_reg::adcs
    ),
    pat!(
        SBC,
        "sf:1 10 11010000 rm:5 000000 rn:5 rd:5",
        rrr,
        dp_reg::sbc
    ),
    pat!(
        SBCS,
        "sf:1 11 11010000 rm:5 000000 rn:5 rd:5",
        rrr,
        dp_reg::sbcs
    ),
    // Conditional compare (register and immediate: bit 11 selects, see `cond_cmp`).
    pat!(
        CCMN,
        "sf:1 01 11010010 rm_imm5:5 cond:4 imm:1 0 rn:5 0 nzcv:4",
        cond_cmp,
        dp_reg::ccmn,
        PER_COND
    ),
    pat!(
        CCMP,
        "sf:1 11 11010010 rm_imm5:5 cond:4 imm:1 0 rn:5 0 nzcv:4",
        cond_cmp,
        dp_reg::ccmp,
        PER_COND
    ),
    // Conditional select.
    pat!(
        CSEL_x,
        "1 00 11010100 rm:5 cond:4 00 rn:5 rd:5",
        rrr,
        dp_reg::csel[true],
        PER_COND
    ),
    pat!(
        CSEL,
        "sf:1 00 11010100 rm:5 cond:4 00 rn:5 rd:5",
        rrr,
        dp_reg::csel[false],
        PER_COND
    ),
    pat!(
        CSINC_x,
        "1 00 11010100 rm:5 cond:4 01 rn:5 rd:5",
        rrr,
        dp_reg::csinc[true],
        PER_COND
    ),
    pat!(
        CSINC,
        "sf:1 00 11010100 rm:5 cond:4 01 rn:5 rd:5",
        rrr,
        dp_reg::csinc[false],
        PER_COND
    ),
    pat!(
        CSINV_x,
        "1 10 11010100 rm:5 cond:4 00 rn:5 rd:5",
        rrr,
        dp_reg::csinv[true],
        PER_COND
    ),
    pat!(
        CSINV,
        "sf:1 10 11010100 rm:5 cond:4 00 rn:5 rd:5",
        rrr,
        dp_reg::csinv[false],
        PER_COND
    ),
    pat!(
        CSNEG,
        "sf:1 10 11010100 rm:5 cond:4 01 rn:5 rd:5",
        rrr,
        dp_reg::csneg,
        PER_COND
    ),
    // Data-processing (2 source). CRC32/CRC32C: FEAT_CRC32, as Cortex-A57.
    pat!(
        UDIV,
        "sf:1 00 11010110 rm:5 000010 rn:5 rd:5",
        rrr,
        dp_reg::udiv
    ),
    pat!(
        SDIV,
        "sf:1 00 11010110 rm:5 000011 rn:5 rd:5",
        rrr,
        dp_reg::sdiv
    ),
    pat!(
        LSLV,
        "sf:1 00 11010110 rm:5 001000 rn:5 rd:5",
        rrr,
        dp_reg::lslv
    ),
    pat!(
        LSRV,
        "sf:1 00 11010110 rm:5 001001 rn:5 rd:5",
        rrr,
        dp_reg::lsrv
    ),
    pat!(
        ASRV,
        "sf:1 00 11010110 rm:5 001010 rn:5 rd:5",
        rrr,
        dp_reg::asrv
    ),
    pat!(
        RORV,
        "sf:1 00 11010110 rm:5 001011 rn:5 rd:5",
        rrr,
        dp_reg::rorv
    ),
    pat!(
        CRC32,
        "sf:1 00 11010110 rm:5 0100 sz:2 rn:5 rd:5",
        crc,
        dp_reg::crc32
    ),
    pat!(
        CRC32C,
        "sf:1 00 11010110 rm:5 0101 sz:2 rn:5 rd:5",
        crc,
        dp_reg::crc32c
    ),
    // Data-processing (1 source). REV32 is REV for 32-bit operations.
    pat!(
        RBIT,
        "sf:1 10 11010110 00000 000000 rn:5 rd:5",
        rr,
        dp_reg::rbit
    ),
    pat!(
        REV16,
        "sf:1 10 11010110 00000 000001 rn:5 rd:5",
        rr,
        dp_reg::rev16
    ),
    pat!(
        REV32,
        "sf:1 10 11010110 00000 000010 rn:5 rd:5",
        rr,
        dp_reg::rev32
    ),
    pat!(REV, "1 10 11010110 00000 000011 rn:5 rd:5", rr, dp_reg::rev),
    pat!(
        CLZ,
        "sf:1 10 11010110 00000 000100 rn:5 rd:5",
        rr,
        dp_reg::clz
    ),
    pat!(
        CLS,
        "sf:1 10 11010110 00000 000101 rn:5 rd:5",
        rr,
        dp_reg::cls
    ),
    // Data-processing (3 source).
    pat!(
        MADD_x,
        "1 00 11011 000 rm:5 0 ra:5 rn:5 rd:5",
        rrrr,
        dp_reg::madd::<true>
    ),
    pat!(
        MADD,
        "sf:1 00 11011 000 rm:5 0 ra:5 rn:5 rd:5",
        rrrr,
        dp_reg::madd::<false>
    ),
    pat!(
        MSUB,
        "sf:1 00 11011 000 rm:5 1 ra:5 rn:5 rd:5",
        rrrr,
        dp_reg::msub
    ),
    pat!(
        SMADDL,
        "1 00 11011 001 rm:5 0 ra:5 rn:5 rd:5",
        rrrr,
        dp_reg::smaddl
    ),
    pat!(
        SMSUBL,
        "1 00 11011 001 rm:5 1 ra:5 rn:5 rd:5",
        rrrr,
        dp_reg::smsubl
    ),
    pat!(
        SMULH,
        "1 00 11011 010 rm:5 0 ra:5 rn:5 rd:5",
        rrrr,
        dp_reg::smulh
    ),
    pat!(
        UMADDL,
        "1 00 11011 101 rm:5 0 ra:5 rn:5 rd:5",
        rrrr,
        dp_reg::umaddl
    ),
    pat!(
        UMSUBL,
        "1 00 11011 101 rm:5 1 ra:5 rn:5 rd:5",
        rrrr,
        dp_reg::umsubl
    ),
    pat!(
        UMULH,
        "1 00 11011 110 rm:5 0 ra:5 rn:5 rd:5",
        rrrr,
        dp_reg::umulh
    ),
    // ## end of data processing – register
    //
    //
    // ## Loads and stores – SIMD&FP registers and structures (exec/simd)
    // Load register (literal, SIMD&FP): S, D, Q; opc = 11 is unallocated.
    pat!(
        LDRs_lit_v,
        "00 011 1 00 imm19:19 rt:5",
        vld_lit,
        vls::ld_lit::<4>
    ),
    pat!(
        LDRd_lit_v,
        "01 011 1 00 imm19:19 rt:5",
        vld_lit,
        vls::ld_lit::<8>
    ),
    pat!(
        LDRq_lit_v,
        "10 011 1 00 imm19:19 rt:5",
        vld_lit,
        vls::ld_lit::<16>
    ),
    // Load/store pair (SIMD&FP): S, D, Q; bits 24:23 = non-temporal, post-index, offset, pre-index.
    pat!(
        STPs_v,
        "00 101 1 0 idx:2 0 imm7:7 rt2:5 rn:5 rt:5",
        vldst_pair,
        vls::stp::<4>
    ),
    pat!(
        LDPs_v,
        "00 101 1 0 idx:2 1 imm7:7 rt2:5 rn:5 rt:5",
        vldst_pair,
        vls::ldp::<4>
    ),
    pat!(
        STPd_v,
        "01 101 1 0 idx:2 0 imm7:7 rt2:5 rn:5 rt:5",
        vldst_pair,
        vls::stp::<8>
    ),
    pat!(
        LDPd_v,
        "01 101 1 0 idx:2 1 imm7:7 rt2:5 rn:5 rt:5",
        vldst_pair,
        vls::ldp::<8>
    ),
    pat!(
        STPq_v,
        "10 101 1 0 idx:2 0 imm7:7 rt2:5 rn:5 rt:5",
        vldst_pair,
        vls::stp::<16>
    ),
    pat!(
        LDPq_v,
        "10 101 1 0 idx:2 1 imm7:7 rt2:5 rn:5 rt:5",
        vldst_pair,
        vls::ldp::<16>
    ),
    // Load/store register (SIMD&FP) with imm9: unscaled, post-index, pre-index (bits 11:10 = 10 is unallocated).
    pat!(
        STRb_i9_v,
        "00 111 1 00 00 0 imm9:9 idx:2 rn:5 rt:5",
        vldst_i9,
        vls::st::<1>
    ),
    pat!(
        LDRb_i9_v,
        "00 111 1 00 01 0 imm9:9 idx:2 rn:5 rt:5",
        vldst_i9,
        vls::ld::<1>
    ),
    pat!(
        STRh_i9_v,
        "01 111 1 00 00 0 imm9:9 idx:2 rn:5 rt:5",
        vldst_i9,
        vls::st::<2>
    ),
    pat!(
        LDRh_i9_v,
        "01 111 1 00 01 0 imm9:9 idx:2 rn:5 rt:5",
        vldst_i9,
        vls::ld::<2>
    ),
    pat!(
        STRs_i9_v,
        "10 111 1 00 00 0 imm9:9 idx:2 rn:5 rt:5",
        vldst_i9,
        vls::st::<4>
    ),
    pat!(
        LDRs_i9_v,
        "10 111 1 00 01 0 imm9:9 idx:2 rn:5 rt:5",
        vldst_i9,
        vls::ld::<4>
    ),
    pat!(
        STRd_i9_v,
        "11 111 1 00 00 0 imm9:9 idx:2 rn:5 rt:5",
        vldst_i9,
        vls::st::<8>
    ),
    pat!(
        LDRd_i9_v,
        "11 111 1 00 01 0 imm9:9 idx:2 rn:5 rt:5",
        vldst_i9,
        vls::ld::<8>
    ),
    pat!(
        STRq_i9_v,
        "00 111 1 00 10 0 imm9:9 idx:2 rn:5 rt:5",
        vldst_i9,
        vls::st::<16>
    ),
    pat!(
        LDRq_i9_v,
        "00 111 1 00 11 0 imm9:9 idx:2 rn:5 rt:5",
        vldst_i9,
        vls::ld::<16>
    ),
    // Load/store register (SIMD&FP, register offset).
    pat!(
        STRb_r_v,
        "00 111 1 00 00 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        vldst_r,
        vls::st_r::<1>
    ),
    pat!(
        LDRb_r_v,
        "00 111 1 00 01 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        vldst_r,
        vls::ld_r::<1>
    ),
    pat!(
        STRh_r_v,
        "01 111 1 00 00 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        vldst_r,
        vls::st_r::<2>
    ),
    pat!(
        LDRh_r_v,
        "01 111 1 00 01 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        vldst_r,
        vls::ld_r::<2>
    ),
    pat!(
        STRs_r_v,
        "10 111 1 00 00 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        vldst_r,
        vls::st_r::<4>
    ),
    pat!(
        LDRs_r_v,
        "10 111 1 00 01 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        vldst_r,
        vls::ld_r::<4>
    ),
    pat!(
        STRd_r_v,
        "11 111 1 00 00 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        vldst_r,
        vls::st_r::<8>
    ),
    pat!(
        LDRd_r_v,
        "11 111 1 00 01 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        vldst_r,
        vls::ld_r::<8>
    ),
    pat!(
        STRq_r_v,
        "00 111 1 00 10 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        vldst_r,
        vls::st_r::<16>
    ),
    pat!(
        LDRq_r_v,
        "00 111 1 00 11 1 rm:5 option:3 s:1 10 rn:5 rt:5",
        vldst_r,
        vls::ld_r::<16>
    ),
    // Load/store register (SIMD&FP, unsigned offset).
    pat!(
        STRb_ui_v,
        "00 111 1 01 00 imm12:12 rn:5 rt:5",
        vldst_ui,
        vls::st::<1>
    ),
    pat!(
        LDRb_ui_v,
        "00 111 1 01 01 imm12:12 rn:5 rt:5",
        vldst_ui,
        vls::ld::<1>
    ),
    pat!(
        STRh_ui_v,
        "01 111 1 01 00 imm12:12 rn:5 rt:5",
        vldst_ui,
        vls::st::<2>
    ),
    pat!(
        LDRh_ui_v,
        "01 111 1 01 01 imm12:12 rn:5 rt:5",
        vldst_ui,
        vls::ld::<2>
    ),
    pat!(
        STRs_ui_v,
        "10 111 1 01 00 imm12:12 rn:5 rt:5",
        vldst_ui,
        vls::st::<4>
    ),
    pat!(
        LDRs_ui_v,
        "10 111 1 01 01 imm12:12 rn:5 rt:5",
        vldst_ui,
        vls::ld::<4>
    ),
    pat!(
        STRd_ui_v,
        "11 111 1 01 00 imm12:12 rn:5 rt:5",
        vldst_ui,
        vls::st::<8>
    ),
    pat!(
        LDRd_ui_v,
        "11 111 1 01 01 imm12:12 rn:5 rt:5",
        vldst_ui,
        vls::ld::<8>
    ),
    pat!(
        STRq_ui_v,
        "00 111 1 01 10 imm12:12 rn:5 rt:5",
        vldst_ui,
        vls::st::<16>
    ),
    pat!(
        LDRq_ui_v,
        "00 111 1 01 11 imm12:12 rn:5 rt:5",
        vldst_ui,
        vls::ld::<16>
    ),
    // Load/store multiple structures (bit 23 = post-index; Rm = 31 is the immediate form).
    pat!(
        ST_mult,
        "0 q:1 001100 p:1 0 0 rm:5 opcode:4 size:2 rn:5 rt:5",
        vstruct_mult,
        vls::st_mult
    ),
    pat!(
        LD_mult,
        "0 q:1 001100 p:1 1 0 rm:5 opcode:4 size:2 rn:5 rt:5",
        vstruct_mult,
        vls::ld_mult
    ),
    // Load/store single structure; the replicating loads (opcode 11x) first.
    pat!(
        LD_repl,
        "0 q:1 001101 p:1 1 r:1 rm:5 11 o:1 s:1 size:2 rn:5 rt:5",
        vstruct_repl,
        vls::ld_repl
    ),
    pat!(
        ST_single,
        "0 q:1 001101 p:1 0 r:1 rm:5 opcode:3 s:1 size:2 rn:5 rt:5",
        vstruct_single,
        vls::st_single
    ),
    pat!(
        LD_single,
        "0 q:1 001101 p:1 1 r:1 rm:5 opcode:3 s:1 size:2 rn:5 rt:5",
        vstruct_single,
        vls::ld_single
    ),
    // ## end of loads and stores – SIMD&FP
    //
    //
    // ## Scalar floating point (exec/fp)
    // TODO(FEAT_FP16): half-precision arithmetic (ftype = 11 outside FCVT) is UNDEFINED; FCVT
    // to and from half precision is base ARMv8.0. TODO(FEAT_FRINTTS): FRINT32*/FRINT64*.
    // Conversion between floating point and fixed point (ftype 11 = FEAT_FP16, 10 unallocated).
    pat!(
        SCVTF_fix,
        "sf:1 00 11110 ftype:2 0 00 010 scale:6 rn:5 rd:5",
        fixed_to_fp,
        fp::scalar::cvtf_from_gpr
    ),
    pat!(
        UCVTF_fix,
        "sf:1 00 11110 ftype:2 0 00 011 scale:6 rn:5 rd:5",
        fixed_to_fp,
        fp::scalar::cvtf_from_gpr
    ),
    pat!(
        FCVTZS_fix,
        "sf:1 00 11110 ftype:2 0 11 000 scale:6 rn:5 rd:5",
        fp_to_fixed,
        fp::scalar::fcvt_to_gpr
    ),
    pat!(
        FCVTZU_fix,
        "sf:1 00 11110 ftype:2 0 11 001 scale:6 rn:5 rd:5",
        fp_to_fixed,
        fp::scalar::fcvt_to_gpr
    ),
    // Conversion between floating point and integer. TODO(FEAT_JSCVT): FJCVTZS.
    pat!(
        FCVTNS_g,
        "sf:1 00 11110 ftype:2 1 00 000 000000 rn:5 rd:5",
        fp_to_int,
        fp::scalar::fcvt_to_gpr
    ),
    pat!(
        FCVTNU_g,
        "sf:1 00 11110 ftype:2 1 00 001 000000 rn:5 rd:5",
        fp_to_int,
        fp::scalar::fcvt_to_gpr
    ),
    pat!(
        FCVTPS_g,
        "sf:1 00 11110 ftype:2 1 01 000 000000 rn:5 rd:5",
        fp_to_int,
        fp::scalar::fcvt_to_gpr
    ),
    pat!(
        FCVTPU_g,
        "sf:1 00 11110 ftype:2 1 01 001 000000 rn:5 rd:5",
        fp_to_int,
        fp::scalar::fcvt_to_gpr
    ),
    pat!(
        FCVTMS_g,
        "sf:1 00 11110 ftype:2 1 10 000 000000 rn:5 rd:5",
        fp_to_int,
        fp::scalar::fcvt_to_gpr
    ),
    pat!(
        FCVTMU_g,
        "sf:1 00 11110 ftype:2 1 10 001 000000 rn:5 rd:5",
        fp_to_int,
        fp::scalar::fcvt_to_gpr
    ),
    pat!(
        FCVTZS_g,
        "sf:1 00 11110 ftype:2 1 11 000 000000 rn:5 rd:5",
        fp_to_int,
        fp::scalar::fcvt_to_gpr
    ),
    pat!(
        FCVTZU_g,
        "sf:1 00 11110 ftype:2 1 11 001 000000 rn:5 rd:5",
        fp_to_int,
        fp::scalar::fcvt_to_gpr
    ),
    pat!(
        FCVTAS_g,
        "sf:1 00 11110 ftype:2 1 00 100 000000 rn:5 rd:5",
        fp_to_int,
        fp::scalar::fcvt_to_gpr
    ),
    pat!(
        FCVTAU_g,
        "sf:1 00 11110 ftype:2 1 00 101 000000 rn:5 rd:5",
        fp_to_int,
        fp::scalar::fcvt_to_gpr
    ),
    pat!(
        SCVTF_g,
        "sf:1 00 11110 ftype:2 1 00 010 000000 rn:5 rd:5",
        int_to_fp,
        fp::scalar::cvtf_from_gpr
    ),
    pat!(
        UCVTF_g,
        "sf:1 00 11110 ftype:2 1 00 011 000000 rn:5 rd:5",
        int_to_fp,
        fp::scalar::cvtf_from_gpr
    ),
    pat!(
        FMOV_ws,
        "0 00 11110 00 1 00 110 000000 rn:5 rd:5",
        fmov_to_gpr,
        fp::scalar::fmov_to_gpr
    ),
    pat!(
        FMOV_sw,
        "0 00 11110 00 1 00 111 000000 rn:5 rd:5",
        fmov_from_gpr,
        fp::scalar::fmov_from_gpr
    ),
    pat!(
        FMOV_xd,
        "1 00 11110 01 1 00 110 000000 rn:5 rd:5",
        fmov_to_gpr,
        fp::scalar::fmov_to_gpr
    ),
    pat!(
        FMOV_dx,
        "1 00 11110 01 1 00 111 000000 rn:5 rd:5",
        fmov_from_gpr,
        fp::scalar::fmov_from_gpr
    ),
    pat!(
        FMOV_xv1,
        "1 00 11110 10 1 01 110 000000 rn:5 rd:5",
        fmov_to_gpr,
        fp::scalar::fmov_to_gpr
    ),
    pat!(
        FMOV_v1x,
        "1 00 11110 10 1 01 111 000000 rn:5 rd:5",
        fmov_from_gpr,
        fp::scalar::fmov_from_gpr
    ),
    // Data-processing (1 source).
    pat!(
        FMOV_r,
        "000 11110 ftype:2 1 000000 10000 rn:5 rd:5",
        fp_scalar,
        fp::vector::un::<{ op1::MOV }>
    ),
    pat!(
        FABS_s,
        "000 11110 ftype:2 1 000001 10000 rn:5 rd:5",
        fp_scalar,
        fp::vector::un::<{ op1::ABS }>
    ),
    pat!(
        FNEG_s,
        "000 11110 ftype:2 1 000010 10000 rn:5 rd:5",
        fp_scalar,
        fp::vector::un::<{ op1::NEG }>
    ),
    pat!(
        FSQRT_s,
        "000 11110 ftype:2 1 000011 10000 rn:5 rd:5",
        fp_scalar,
        fp::vector::un::<{ op1::SQRT }>
    ),
    pat!(
        FCVT_s,
        "000 11110 ftype:2 1 0001 opc:2 10000 rn:5 rd:5",
        fp_fcvt,
        fp::scalar::fcvt
    ),
    pat!(
        FRINTN_s,
        "000 11110 ftype:2 1 001 000 10000 rn:5 rd:5",
        fp_rint,
        fp::vector::un::<{ op1::RINT }>
    ),
    pat!(
        FRINTP_s,
        "000 11110 ftype:2 1 001 001 10000 rn:5 rd:5",
        fp_rint,
        fp::vector::un::<{ op1::RINT }>
    ),
    pat!(
        FRINTM_s,
        "000 11110 ftype:2 1 001 010 10000 rn:5 rd:5",
        fp_rint,
        fp::vector::un::<{ op1::RINT }>
    ),
    pat!(
        FRINTZ_s,
        "000 11110 ftype:2 1 001 011 10000 rn:5 rd:5",
        fp_rint,
        fp::vector::un::<{ op1::RINT }>
    ),
    pat!(
        FRINTA_s,
        "000 11110 ftype:2 1 001 100 10000 rn:5 rd:5",
        fp_rint,
        fp::vector::un::<{ op1::RINT }>
    ),
    pat!(
        FRINTX_s,
        "000 11110 ftype:2 1 001 110 10000 rn:5 rd:5",
        fp_rint,
        fp::vector::un::<{ op1::RINT }>
    ),
    pat!(
        FRINTI_s,
        "000 11110 ftype:2 1 001 111 10000 rn:5 rd:5",
        fp_rint,
        fp::vector::un::<{ op1::RINT }>
    ),
    // Compare (with zero: Rm is ignored, as QEMU does).
    pat!(
        FCMP,
        "000 11110 ftype:2 1 rm:5 00 1000 rn:5 0 0 000",
        fp_cmp,
        fp::scalar::fcmp
    ),
    pat!(
        FCMP_z,
        "000 11110 ftype:2 1 rm:5 00 1000 rn:5 0 1 000",
        fp_cmp,
        fp::scalar::fcmp
    ),
    pat!(
        FCMPE,
        "000 11110 ftype:2 1 rm:5 00 1000 rn:5 1 0 000",
        fp_cmp,
        fp::scalar::fcmp
    ),
    pat!(
        FCMPE_z,
        "000 11110 ftype:2 1 rm:5 00 1000 rn:5 1 1 000",
        fp_cmp,
        fp::scalar::fcmp
    ),
    // Immediate (imm5 must be zero).
    pat!(
        FMOV_si,
        "000 11110 ftype:2 1 imm8:8 100 00000 rd:5",
        fp_imm,
        fp::scalar::fmov_i
    ),
    // Conditional compare and select.
    pat!(
        FCCMP,
        "000 11110 ftype:2 1 rm:5 cond:4 01 rn:5 0 nzcv:4",
        fp_ccmp,
        fp::scalar::fccmp
    ),
    pat!(
        FCCMPE,
        "000 11110 ftype:2 1 rm:5 cond:4 01 rn:5 1 nzcv:4",
        fp_ccmp,
        fp::scalar::fccmp
    ),
    pat!(
        FCSEL,
        "000 11110 ftype:2 1 rm:5 cond:4 11 rn:5 rd:5",
        fp_csel,
        fp::scalar::fcsel
    ),
    // Data-processing (2 source); opcode 1001-1111 unallocated.
    pat!(
        FMUL_s,
        "000 11110 ftype:2 1 rm:5 0000 10 rn:5 rd:5",
        fp_scalar,
        fp::vector::bin::<{ op2::MUL }>
    ),
    pat!(
        FDIV_s,
        "000 11110 ftype:2 1 rm:5 0001 10 rn:5 rd:5",
        fp_scalar,
        fp::vector::bin::<{ op2::DIV }>
    ),
    pat!(
        FADD_s,
        "000 11110 ftype:2 1 rm:5 0010 10 rn:5 rd:5",
        fp_scalar,
        fp::vector::bin::<{ op2::ADD }>
    ),
    pat!(
        FSUB_s,
        "000 11110 ftype:2 1 rm:5 0011 10 rn:5 rd:5",
        fp_scalar,
        fp::vector::bin::<{ op2::SUB }>
    ),
    pat!(
        FMAX_s,
        "000 11110 ftype:2 1 rm:5 0100 10 rn:5 rd:5",
        fp_scalar,
        fp::vector::bin::<{ op2::MAX }>
    ),
    pat!(
        FMIN_s,
        "000 11110 ftype:2 1 rm:5 0101 10 rn:5 rd:5",
        fp_scalar,
        fp::vector::bin::<{ op2::MIN }>
    ),
    pat!(
        FMAXNM_s,
        "000 11110 ftype:2 1 rm:5 0110 10 rn:5 rd:5",
        fp_scalar,
        fp::vector::bin::<{ op2::MAXNM }>
    ),
    pat!(
        FMINNM_s,
        "000 11110 ftype:2 1 rm:5 0111 10 rn:5 rd:5",
        fp_scalar,
        fp::vector::bin::<{ op2::MINNM }>
    ),
    pat!(
        FNMUL_s,
        "000 11110 ftype:2 1 rm:5 1000 10 rn:5 rd:5",
        fp_scalar,
        fp::vector::bin::<{ op2::NMUL }>
    ),
    // Data-processing (3 source).
    pat!(
        FMADD,
        "000 11111 ftype:2 0 rm:5 0 ra:5 rn:5 rd:5",
        fp_3src,
        fp::scalar::fma
    ),
    pat!(
        FMSUB,
        "000 11111 ftype:2 0 rm:5 1 ra:5 rn:5 rd:5",
        fp_3src,
        fp::scalar::fma
    ),
    pat!(
        FNMADD,
        "000 11111 ftype:2 1 rm:5 0 ra:5 rn:5 rd:5",
        fp_3src,
        fp::scalar::fma
    ),
    pat!(
        FNMSUB,
        "000 11111 ftype:2 1 rm:5 1 ra:5 rn:5 rd:5",
        fp_3src,
        fp::scalar::fma
    ),
    // ## end of scalar floating point
    //
    //
    // ## AdvSIMD – floating point (exec/fp)
    // TODO(FEAT_FP16): the half-precision encodings (size 0x of the FP classes, U = 0 pairwise
    // and across lanes) are UNDEFINED. TODO(FEAT_FHM), TODO(FEAT_FCMA), TODO(FEAT_BF16).
    // AdvSIMD scalar three same (FP: opcode 11xxx; size<1> is part of the opcode, sz = bit 22).
    pat!(
        FMULX_ss,
        "01 0 11110 0 sz:1 1 rm:5 11011 1 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::bin::<{ op2::MULX }>
    ),
    pat!(
        FCMEQ_ss,
        "01 0 11110 0 sz:1 1 rm:5 11100 1 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::bin::<{ op2::CMEQ }>
    ),
    pat!(
        FRECPS_ss,
        "01 0 11110 0 sz:1 1 rm:5 11111 1 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::bin::<{ op2::RECPS }>
    ),
    pat!(
        FRSQRTS_ss,
        "01 0 11110 1 sz:1 1 rm:5 11111 1 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::bin::<{ op2::RSQRTS }>
    ),
    pat!(
        FCMGE_ss,
        "01 1 11110 0 sz:1 1 rm:5 11100 1 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::bin::<{ op2::CMGE }>
    ),
    pat!(
        FACGE_ss,
        "01 1 11110 0 sz:1 1 rm:5 11101 1 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::bin::<{ op2::ACGE }>
    ),
    pat!(
        FABD_ss,
        "01 1 11110 1 sz:1 1 rm:5 11010 1 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::bin::<{ op2::ABD }>
    ),
    pat!(
        FCMGT_ss,
        "01 1 11110 1 sz:1 1 rm:5 11100 1 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::bin::<{ op2::CMGT }>
    ),
    pat!(
        FACGT_ss,
        "01 1 11110 1 sz:1 1 rm:5 11101 1 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::bin::<{ op2::ACGT }>
    ),
    // AdvSIMD scalar two-register miscellaneous (FP).
    pat!(
        FCVTNS_ss,
        "01 0 11110 0 sz:1 10000 11010 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FCVTMS_ss,
        "01 0 11110 0 sz:1 10000 11011 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FCVTAS_ss,
        "01 0 11110 0 sz:1 10000 11100 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        SCVTF_ss,
        "01 0 11110 0 sz:1 10000 11101 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::FROMINT }>
    ),
    pat!(
        FCMGT0_ss,
        "01 0 11110 1 sz:1 10000 01100 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::CMGT0 }>
    ),
    pat!(
        FCMEQ0_ss,
        "01 0 11110 1 sz:1 10000 01101 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::CMEQ0 }>
    ),
    pat!(
        FCMLT0_ss,
        "01 0 11110 1 sz:1 10000 01110 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::CMLT0 }>
    ),
    pat!(
        FCVTPS_ss,
        "01 0 11110 1 sz:1 10000 11010 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FCVTZS_ss,
        "01 0 11110 1 sz:1 10000 11011 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FRECPE_ss,
        "01 0 11110 1 sz:1 10000 11101 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::RECPE }>
    ),
    pat!(
        FRECPX_ss,
        "01 0 11110 1 sz:1 10000 11111 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::RECPX }>
    ),
    pat!(
        FCVTNU_ss,
        "01 1 11110 0 sz:1 10000 11010 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FCVTMU_ss,
        "01 1 11110 0 sz:1 10000 11011 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FCVTAU_ss,
        "01 1 11110 0 sz:1 10000 11100 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        UCVTF_ss,
        "01 1 11110 0 sz:1 10000 11101 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::FROMINT }>
    ),
    pat!(
        FCMGE0_ss,
        "01 1 11110 1 sz:1 10000 01100 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::CMGE0 }>
    ),
    pat!(
        FCMLE0_ss,
        "01 1 11110 1 sz:1 10000 01101 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::CMLE0 }>
    ),
    pat!(
        FCVTPU_ss,
        "01 1 11110 1 sz:1 10000 11010 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FCVTZU_ss,
        "01 1 11110 1 sz:1 10000 11011 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FRSQRTE_ss,
        "01 1 11110 1 sz:1 10000 11101 10 rn:5 rd:5",
        simd_fp_scalar,
        fp::vector::un::<{ op1::RSQRTE }>
    ),
    pat!(
        FCVTXN_ss,
        "01 1 11110 0 1 10000 10110 10 rn:5 rd:5",
        simd_fcvtxn_scalar,
        fp::vector::fcvtn
    ),
    // AdvSIMD scalar pairwise (FP; U = 0 is FEAT_FP16).
    pat!(
        FMAXNMP_ss,
        "01 1 11110 0 sz:1 11000 01100 10 rn:5 rd:5",
        simd_fp_pairwise_scalar,
        fp::vector::pairwise::<{ op2::MAXNM }>
    ),
    pat!(
        FADDP_ss,
        "01 1 11110 0 sz:1 11000 01101 10 rn:5 rd:5",
        simd_fp_pairwise_scalar,
        fp::vector::pairwise::<{ op2::ADD }>
    ),
    pat!(
        FMAXP_ss,
        "01 1 11110 0 sz:1 11000 01111 10 rn:5 rd:5",
        simd_fp_pairwise_scalar,
        fp::vector::pairwise::<{ op2::MAX }>
    ),
    pat!(
        FMINNMP_ss,
        "01 1 11110 1 sz:1 11000 01100 10 rn:5 rd:5",
        simd_fp_pairwise_scalar,
        fp::vector::pairwise::<{ op2::MINNM }>
    ),
    pat!(
        FMINP_ss,
        "01 1 11110 1 sz:1 11000 01111 10 rn:5 rd:5",
        simd_fp_pairwise_scalar,
        fp::vector::pairwise::<{ op2::MIN }>
    ),
    // AdvSIMD scalar x indexed element (FP; size 0x is FEAT_FP16 or unallocated).
    pat!(
        FMLA_se,
        "01 0 11111 1 sz:1 L:1 rm:5 0001 H:1 0 rn:5 rd:5",
        simd_fp_elem_scalar,
        fp::vector::bin_elem::<{ op2::MLA }>
    ),
    pat!(
        FMLS_se,
        "01 0 11111 1 sz:1 L:1 rm:5 0101 H:1 0 rn:5 rd:5",
        simd_fp_elem_scalar,
        fp::vector::bin_elem::<{ op2::MLS }>
    ),
    pat!(
        FMUL_se,
        "01 0 11111 1 sz:1 L:1 rm:5 1001 H:1 0 rn:5 rd:5",
        simd_fp_elem_scalar,
        fp::vector::bin_elem::<{ op2::MUL }>
    ),
    pat!(
        FMULX_se,
        "01 1 11111 1 sz:1 L:1 rm:5 1001 H:1 0 rn:5 rd:5",
        simd_fp_elem_scalar,
        fp::vector::bin_elem::<{ op2::MULX }>
    ),
    // AdvSIMD scalar shift by immediate (fixed-point conversions).
    pat!(
        SCVTF_sfix,
        "01 0 111110 immh:4 immb:3 11100 1 rn:5 rd:5",
        simd_fp_fixed_scalar,
        fp::vector::un::<{ op1::FROMINT }>
    ),
    pat!(
        UCVTF_sfix,
        "01 1 111110 immh:4 immb:3 11100 1 rn:5 rd:5",
        simd_fp_fixed_scalar,
        fp::vector::un::<{ op1::FROMINT }>
    ),
    pat!(
        FCVTZS_sfix,
        "01 0 111110 immh:4 immb:3 11111 1 rn:5 rd:5",
        simd_fp_fixed_scalar,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FCVTZU_sfix,
        "01 1 111110 immh:4 immb:3 11111 1 rn:5 rd:5",
        simd_fp_fixed_scalar,
        fp::vector::un::<{ op1::TOINT }>
    ),
    // AdvSIMD three same (FP: opcode 11xxx). FMLAL/FMLSL (FEAT_FHM) are unallocated.
    pat!(
        FMAXNM_v,
        "0 Q:1 0 01110 0 sz:1 1 rm:5 11000 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::MAXNM }>
    ),
    pat!(
        FMLA_v,
        "0 Q:1 0 01110 0 sz:1 1 rm:5 11001 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::MLA }>
    ),
    pat!(
        FADD_v,
        "0 Q:1 0 01110 0 sz:1 1 rm:5 11010 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::ADD }>
    ),
    pat!(
        FMULX_v,
        "0 Q:1 0 01110 0 sz:1 1 rm:5 11011 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::MULX }>
    ),
    pat!(
        FCMEQ_v,
        "0 Q:1 0 01110 0 sz:1 1 rm:5 11100 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::CMEQ }>
    ),
    pat!(
        FMAX_v,
        "0 Q:1 0 01110 0 sz:1 1 rm:5 11110 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::MAX }>
    ),
    pat!(
        FRECPS_v,
        "0 Q:1 0 01110 0 sz:1 1 rm:5 11111 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::RECPS }>
    ),
    pat!(
        FMINNM_v,
        "0 Q:1 0 01110 1 sz:1 1 rm:5 11000 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::MINNM }>
    ),
    pat!(
        FMLS_v,
        "0 Q:1 0 01110 1 sz:1 1 rm:5 11001 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::MLS }>
    ),
    pat!(
        FSUB_v,
        "0 Q:1 0 01110 1 sz:1 1 rm:5 11010 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::SUB }>
    ),
    pat!(
        FMIN_v,
        "0 Q:1 0 01110 1 sz:1 1 rm:5 11110 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::MIN }>
    ),
    pat!(
        FRSQRTS_v,
        "0 Q:1 0 01110 1 sz:1 1 rm:5 11111 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::RSQRTS }>
    ),
    pat!(
        FMAXNMP_v,
        "0 Q:1 1 01110 0 sz:1 1 rm:5 11000 1 rn:5 rd:5",
        simd_fp_pairwise,
        fp::vector::pairwise::<{ op2::MAXNM }>
    ),
    pat!(
        FADDP_v,
        "0 Q:1 1 01110 0 sz:1 1 rm:5 11010 1 rn:5 rd:5",
        simd_fp_pairwise,
        fp::vector::pairwise::<{ op2::ADD }>
    ),
    pat!(
        FMUL_v,
        "0 Q:1 1 01110 0 sz:1 1 rm:5 11011 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::MUL }>
    ),
    pat!(
        FCMGE_v,
        "0 Q:1 1 01110 0 sz:1 1 rm:5 11100 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::CMGE }>
    ),
    pat!(
        FACGE_v,
        "0 Q:1 1 01110 0 sz:1 1 rm:5 11101 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::ACGE }>
    ),
    pat!(
        FMAXP_v,
        "0 Q:1 1 01110 0 sz:1 1 rm:5 11110 1 rn:5 rd:5",
        simd_fp_pairwise,
        fp::vector::pairwise::<{ op2::MAX }>
    ),
    pat!(
        FDIV_v,
        "0 Q:1 1 01110 0 sz:1 1 rm:5 11111 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::DIV }>
    ),
    pat!(
        FMINNMP_v,
        "0 Q:1 1 01110 1 sz:1 1 rm:5 11000 1 rn:5 rd:5",
        simd_fp_pairwise,
        fp::vector::pairwise::<{ op2::MINNM }>
    ),
    pat!(
        FABD_v,
        "0 Q:1 1 01110 1 sz:1 1 rm:5 11010 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::ABD }>
    ),
    pat!(
        FCMGT_v,
        "0 Q:1 1 01110 1 sz:1 1 rm:5 11100 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::CMGT }>
    ),
    pat!(
        FACGT_v,
        "0 Q:1 1 01110 1 sz:1 1 rm:5 11101 1 rn:5 rd:5",
        simd_fp,
        fp::vector::bin::<{ op2::ACGT }>
    ),
    pat!(
        FMINP_v,
        "0 Q:1 1 01110 1 sz:1 1 rm:5 11110 1 rn:5 rd:5",
        simd_fp_pairwise,
        fp::vector::pairwise::<{ op2::MIN }>
    ),
    // AdvSIMD two-register miscellaneous (FP).
    pat!(
        FCVTN_v,
        "0 Q:1 0 01110 0 sz:1 10000 10110 10 rn:5 rd:5",
        simd_fcvtn,
        fp::vector::fcvtn
    ),
    pat!(
        FCVTL_v,
        "0 Q:1 0 01110 0 sz:1 10000 10111 10 rn:5 rd:5",
        simd_fcvtl,
        fp::vector::fcvtl
    ),
    pat!(
        FCVTXN_v,
        "0 Q:1 1 01110 0 1 10000 10110 10 rn:5 rd:5",
        simd_fcvtn,
        fp::vector::fcvtn
    ),
    pat!(
        FRINTN_v,
        "0 Q:1 0 01110 0 sz:1 10000 11000 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::RINT }>
    ),
    pat!(
        FRINTM_v,
        "0 Q:1 0 01110 0 sz:1 10000 11001 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::RINT }>
    ),
    pat!(
        FRINTP_v,
        "0 Q:1 0 01110 1 sz:1 10000 11000 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::RINT }>
    ),
    pat!(
        FRINTZ_v,
        "0 Q:1 0 01110 1 sz:1 10000 11001 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::RINT }>
    ),
    pat!(
        FRINTA_v,
        "0 Q:1 1 01110 0 sz:1 10000 11000 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::RINT }>
    ),
    pat!(
        FRINTX_v,
        "0 Q:1 1 01110 0 sz:1 10000 11001 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::RINT }>
    ),
    pat!(
        FRINTI_v,
        "0 Q:1 1 01110 1 sz:1 10000 11001 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::RINT }>
    ),
    pat!(
        FABS_v,
        "0 Q:1 0 01110 1 sz:1 10000 01111 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::ABS }>
    ),
    pat!(
        FNEG_v,
        "0 Q:1 1 01110 1 sz:1 10000 01111 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::NEG }>
    ),
    pat!(
        FSQRT_v,
        "0 Q:1 1 01110 1 sz:1 10000 11111 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::SQRT }>
    ),
    pat!(
        FCVTNS_v,
        "0 Q:1 0 01110 0 sz:1 10000 11010 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FCVTMS_v,
        "0 Q:1 0 01110 0 sz:1 10000 11011 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FCVTAS_v,
        "0 Q:1 0 01110 0 sz:1 10000 11100 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        SCVTF_v,
        "0 Q:1 0 01110 0 sz:1 10000 11101 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::FROMINT }>
    ),
    pat!(
        FCMGT0_v,
        "0 Q:1 0 01110 1 sz:1 10000 01100 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::CMGT0 }>
    ),
    pat!(
        FCMEQ0_v,
        "0 Q:1 0 01110 1 sz:1 10000 01101 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::CMEQ0 }>
    ),
    pat!(
        FCMLT0_v,
        "0 Q:1 0 01110 1 sz:1 10000 01110 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::CMLT0 }>
    ),
    pat!(
        FCVTPS_v,
        "0 Q:1 0 01110 1 sz:1 10000 11010 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FCVTZS_v,
        "0 Q:1 0 01110 1 sz:1 10000 11011 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FRECPE_v,
        "0 Q:1 0 01110 1 sz:1 10000 11101 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::RECPE }>
    ),
    pat!(
        FCVTNU_v,
        "0 Q:1 1 01110 0 sz:1 10000 11010 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FCVTMU_v,
        "0 Q:1 1 01110 0 sz:1 10000 11011 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FCVTAU_v,
        "0 Q:1 1 01110 0 sz:1 10000 11100 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        UCVTF_v,
        "0 Q:1 1 01110 0 sz:1 10000 11101 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::FROMINT }>
    ),
    pat!(
        FCMGE0_v,
        "0 Q:1 1 01110 1 sz:1 10000 01100 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::CMGE0 }>
    ),
    pat!(
        FCMLE0_v,
        "0 Q:1 1 01110 1 sz:1 10000 01101 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::CMLE0 }>
    ),
    pat!(
        FCVTPU_v,
        "0 Q:1 1 01110 1 sz:1 10000 11010 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FCVTZU_v,
        "0 Q:1 1 01110 1 sz:1 10000 11011 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FRSQRTE_v,
        "0 Q:1 1 01110 1 sz:1 10000 11101 10 rn:5 rd:5",
        simd_fp,
        fp::vector::un::<{ op1::RSQRTE }>
    ),
    pat!(
        URECPE_v,
        "0 Q:1 0 01110 1 0 10000 11100 10 rn:5 rd:5",
        simd_u32_est,
        fp::vector::un::<{ op1::URECPE }>
    ),
    pat!(
        URSQRTE_v,
        "0 Q:1 1 01110 1 0 10000 11100 10 rn:5 rd:5",
        simd_u32_est,
        fp::vector::un::<{ op1::URSQRTE }>
    ),
    // AdvSIMD across lanes (FP: 4S only; U = 0 is FEAT_FP16).
    pat!(
        FMAXNMV,
        "0 1 1 01110 0 0 11000 01100 10 rn:5 rd:5",
        simd_fp_across,
        fp::vector::across::<{ op2::MAXNM }>
    ),
    pat!(
        FMAXV,
        "0 1 1 01110 0 0 11000 01111 10 rn:5 rd:5",
        simd_fp_across,
        fp::vector::across::<{ op2::MAX }>
    ),
    pat!(
        FMINNMV,
        "0 1 1 01110 1 0 11000 01100 10 rn:5 rd:5",
        simd_fp_across,
        fp::vector::across::<{ op2::MINNM }>
    ),
    pat!(
        FMINV,
        "0 1 1 01110 1 0 11000 01111 10 rn:5 rd:5",
        simd_fp_across,
        fp::vector::across::<{ op2::MIN }>
    ),
    // AdvSIMD vector x indexed element (FP).
    pat!(
        FMLA_ve,
        "0 Q:1 0 01111 1 sz:1 L:1 rm:5 0001 H:1 0 rn:5 rd:5",
        simd_fp_elem,
        fp::vector::bin_elem::<{ op2::MLA }>
    ),
    pat!(
        FMLS_ve,
        "0 Q:1 0 01111 1 sz:1 L:1 rm:5 0101 H:1 0 rn:5 rd:5",
        simd_fp_elem,
        fp::vector::bin_elem::<{ op2::MLS }>
    ),
    pat!(
        FMUL_ve,
        "0 Q:1 0 01111 1 sz:1 L:1 rm:5 1001 H:1 0 rn:5 rd:5",
        simd_fp_elem,
        fp::vector::bin_elem::<{ op2::MUL }>
    ),
    pat!(
        FMULX_ve,
        "0 Q:1 1 01111 1 sz:1 L:1 rm:5 1001 H:1 0 rn:5 rd:5",
        simd_fp_elem,
        fp::vector::bin_elem::<{ op2::MULX }>
    ),
    // AdvSIMD shift by immediate (fixed-point conversions): immh 1xxx double, 01xx single, as two
    // lines so that immh = 0000 (modified immediate) stays outside; 001x (FEAT_FP16) and 0001 are
    // unallocated.
    pat!(
        SCVTF_vfix_d,
        "0 Q:1 0 011110 1 immhb:6 11100 1 rn:5 rd:5",
        simd_fp_fixed,
        fp::vector::un::<{ op1::FROMINT }>
    ),
    pat!(
        SCVTF_vfix_s,
        "0 Q:1 0 011110 01 immhb:5 11100 1 rn:5 rd:5",
        simd_fp_fixed,
        fp::vector::un::<{ op1::FROMINT }>
    ),
    pat!(
        UCVTF_vfix_d,
        "0 Q:1 1 011110 1 immhb:6 11100 1 rn:5 rd:5",
        simd_fp_fixed,
        fp::vector::un::<{ op1::FROMINT }>
    ),
    pat!(
        UCVTF_vfix_s,
        "0 Q:1 1 011110 01 immhb:5 11100 1 rn:5 rd:5",
        simd_fp_fixed,
        fp::vector::un::<{ op1::FROMINT }>
    ),
    pat!(
        FCVTZS_vfix_d,
        "0 Q:1 0 011110 1 immhb:6 11111 1 rn:5 rd:5",
        simd_fp_fixed,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FCVTZS_vfix_s,
        "0 Q:1 0 011110 01 immhb:5 11111 1 rn:5 rd:5",
        simd_fp_fixed,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FCVTZU_vfix_d,
        "0 Q:1 1 011110 1 immhb:6 11111 1 rn:5 rd:5",
        simd_fp_fixed,
        fp::vector::un::<{ op1::TOINT }>
    ),
    pat!(
        FCVTZU_vfix_s,
        "0 Q:1 1 011110 01 immhb:5 11111 1 rn:5 rd:5",
        simd_fp_fixed,
        fp::vector::un::<{ op1::TOINT }>
    ),
    // AdvSIMD modified immediate, FMOV (vector, immediate): cmode = 1111, o2 = 0 (o2 = 1 is
    // FEAT_FP16); op = 1 (double) needs Q = 1.
    pat!(
        FMOV_vi_s,
        "0 Q:1 0 0111100000 abc:3 1111 0 1 defgh:5 rd:5",
        simd_fmov_imm,
        fp::vector::fmov_vi
    ),
    pat!(
        FMOV_vi_d,
        "0 Q:1 1 0111100000 abc:3 1111 0 1 defgh:5 rd:5",
        simd_fmov_imm,
        fp::vector::fmov_vi
    ),
    // ## end of AdvSIMD – floating point
    //
    //
    // ## AdvSIMD – integer, logical, permute, immediates (exec/simd)
    // Three same (vector): U size opcode; FP opcodes (11xxx) are in the floating-point section.
    pat!(
        PMUL_v,
        "0 q:1 1 01110 00 1 rm:5 10011 1 rn:5 rd:5",
        v_b,
        ar::same3::<{ a::PMUL }, false>
    ),
    pat!(
        SHADD_v,
        "0 q:1 0 01110 size:2 1 rm:5 00000 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::SHADD }, false>
    ),
    pat!(
        UHADD_v,
        "0 q:1 1 01110 size:2 1 rm:5 00000 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::UHADD }, false>
    ),
    pat!(
        SQADD_v,
        "0 q:1 0 01110 size:2 1 rm:5 00001 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::SQADD }, false>
    ),
    pat!(
        UQADD_v,
        "0 q:1 1 01110 size:2 1 rm:5 00001 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::UQADD }, false>
    ),
    pat!(
        SRHADD_v,
        "0 q:1 0 01110 size:2 1 rm:5 00010 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::SRHADD }, false>
    ),
    pat!(
        URHADD_v,
        "0 q:1 1 01110 size:2 1 rm:5 00010 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::URHADD }, false>
    ),
    pat!(
        SHSUB_v,
        "0 q:1 0 01110 size:2 1 rm:5 00100 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::SHSUB }, false>
    ),
    pat!(
        UHSUB_v,
        "0 q:1 1 01110 size:2 1 rm:5 00100 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::UHSUB }, false>
    ),
    pat!(
        SQSUB_v,
        "0 q:1 0 01110 size:2 1 rm:5 00101 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::SQSUB }, false>
    ),
    pat!(
        UQSUB_v,
        "0 q:1 1 01110 size:2 1 rm:5 00101 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::UQSUB }, false>
    ),
    pat!(
        CMGT_v,
        "0 q:1 0 01110 size:2 1 rm:5 00110 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::CMGT }, false>
    ),
    pat!(
        CMHI_v,
        "0 q:1 1 01110 size:2 1 rm:5 00110 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::CMHI }, false>
    ),
    pat!(
        CMGE_v,
        "0 q:1 0 01110 size:2 1 rm:5 00111 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::CMGE }, false>
    ),
    pat!(
        CMHS_v,
        "0 q:1 1 01110 size:2 1 rm:5 00111 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::CMHS }, false>
    ),
    pat!(
        SSHL_v,
        "0 q:1 0 01110 size:2 1 rm:5 01000 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::SSHL }, false>
    ),
    pat!(
        USHL_v,
        "0 q:1 1 01110 size:2 1 rm:5 01000 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::USHL }, false>
    ),
    pat!(
        SQSHL_v,
        "0 q:1 0 01110 size:2 1 rm:5 01001 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::SQSHL }, false>
    ),
    pat!(
        UQSHL_v,
        "0 q:1 1 01110 size:2 1 rm:5 01001 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::UQSHL }, false>
    ),
    pat!(
        SRSHL_v,
        "0 q:1 0 01110 size:2 1 rm:5 01010 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::SRSHL }, false>
    ),
    pat!(
        URSHL_v,
        "0 q:1 1 01110 size:2 1 rm:5 01010 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::URSHL }, false>
    ),
    pat!(
        SQRSHL_v,
        "0 q:1 0 01110 size:2 1 rm:5 01011 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::SQRSHL }, false>
    ),
    pat!(
        UQRSHL_v,
        "0 q:1 1 01110 size:2 1 rm:5 01011 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::UQRSHL }, false>
    ),
    pat!(
        SMAX_v,
        "0 q:1 0 01110 size:2 1 rm:5 01100 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::SMAX }, false>
    ),
    pat!(
        UMAX_v,
        "0 q:1 1 01110 size:2 1 rm:5 01100 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::UMAX }, false>
    ),
    pat!(
        SMIN_v,
        "0 q:1 0 01110 size:2 1 rm:5 01101 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::SMIN }, false>
    ),
    pat!(
        UMIN_v,
        "0 q:1 1 01110 size:2 1 rm:5 01101 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::UMIN }, false>
    ),
    pat!(
        SABD_v,
        "0 q:1 0 01110 size:2 1 rm:5 01110 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::SABD }, false>
    ),
    pat!(
        UABD_v,
        "0 q:1 1 01110 size:2 1 rm:5 01110 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::UABD }, false>
    ),
    pat!(
        SABA_v,
        "0 q:1 0 01110 size:2 1 rm:5 01111 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::SABA }, false>
    ),
    pat!(
        UABA_v,
        "0 q:1 1 01110 size:2 1 rm:5 01111 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::UABA }, false>
    ),
    pat!(
        ADD_v,
        "0 q:1 0 01110 size:2 1 rm:5 10000 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::ADD }, false>
    ),
    pat!(
        SUB_v,
        "0 q:1 1 01110 size:2 1 rm:5 10000 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::SUB }, false>
    ),
    pat!(
        CMTST_v,
        "0 q:1 0 01110 size:2 1 rm:5 10001 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::CMTST }, false>
    ),
    pat!(
        CMEQ_v,
        "0 q:1 1 01110 size:2 1 rm:5 10001 1 rn:5 rd:5",
        v_any,
        ar::same3::<{ a::CMEQ }, false>
    ),
    pat!(
        MLA_v,
        "0 q:1 0 01110 size:2 1 rm:5 10010 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::MLA }, false>
    ),
    pat!(
        MLS_v,
        "0 q:1 1 01110 size:2 1 rm:5 10010 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::MLS }, false>
    ),
    pat!(
        MUL_v,
        "0 q:1 0 01110 size:2 1 rm:5 10011 1 rn:5 rd:5",
        v_no64,
        ar::same3::<{ a::MUL }, false>
    ),
    pat!(
        SQDMULH_v,
        "0 q:1 0 01110 size:2 1 rm:5 10110 1 rn:5 rd:5",
        v_hs,
        ar::same3::<{ a::SQDMULH }, false>
    ),
    pat!(
        SQRDMULH_v,
        "0 q:1 1 01110 size:2 1 rm:5 10110 1 rn:5 rd:5",
        v_hs,
        ar::same3::<{ a::SQRDMULH }, false>
    ),
    // Logical (three same, opcode 00011): size selects the operation.
    pat!(
        AND_v,
        "0 q:1 0 01110 00 1 rm:5 00011 1 rn:5 rd:5",
        v_bytes,
        ar::logic::<{ a::AND }>
    ),
    pat!(
        BIC_v,
        "0 q:1 0 01110 01 1 rm:5 00011 1 rn:5 rd:5",
        v_bytes,
        ar::logic::<{ a::BIC }>
    ),
    pat!(
        ORR_v,
        "0 q:1 0 01110 10 1 rm:5 00011 1 rn:5 rd:5",
        v_bytes,
        ar::logic::<{ a::ORR }>
    ),
    pat!(
        ORN_v,
        "0 q:1 0 01110 11 1 rm:5 00011 1 rn:5 rd:5",
        v_bytes,
        ar::logic::<{ a::ORN }>
    ),
    pat!(
        EOR_v,
        "0 q:1 1 01110 00 1 rm:5 00011 1 rn:5 rd:5",
        v_bytes,
        ar::logic::<{ a::EOR }>
    ),
    pat!(
        BSL_v,
        "0 q:1 1 01110 01 1 rm:5 00011 1 rn:5 rd:5",
        v_bytes,
        ar::logic::<{ a::BSL }>
    ),
    pat!(
        BIT_v,
        "0 q:1 1 01110 10 1 rm:5 00011 1 rn:5 rd:5",
        v_bytes,
        ar::logic::<{ a::BIT }>
    ),
    pat!(
        BIF_v,
        "0 q:1 1 01110 11 1 rm:5 00011 1 rn:5 rd:5",
        v_bytes,
        ar::logic::<{ a::BIF }>
    ),
    // Pairwise (three same): over the concatenation Vm:Vn.
    pat!(
        ADDP_v,
        "0 q:1 0 01110 size:2 1 rm:5 10111 1 rn:5 rd:5",
        v_any,
        ar::pair::<{ a::ADD }>
    ),
    pat!(
        SMAXP_v,
        "0 q:1 0 01110 size:2 1 rm:5 10100 1 rn:5 rd:5",
        v_no64,
        ar::pair::<{ a::SMAX }>
    ),
    pat!(
        UMAXP_v,
        "0 q:1 1 01110 size:2 1 rm:5 10100 1 rn:5 rd:5",
        v_no64,
        ar::pair::<{ a::UMAX }>
    ),
    pat!(
        SMINP_v,
        "0 q:1 0 01110 size:2 1 rm:5 10101 1 rn:5 rd:5",
        v_no64,
        ar::pair::<{ a::SMIN }>
    ),
    pat!(
        UMINP_v,
        "0 q:1 1 01110 size:2 1 rm:5 10101 1 rn:5 rd:5",
        v_no64,
        ar::pair::<{ a::UMIN }>
    ),
    // Scalar three same (size 11 only where the shape says D).
    pat!(
        SQADD_s,
        "01 0 11110 size:2 1 rm:5 00001 1 rn:5 rd:5",
        s_any,
        ar::same3::<{ a::SQADD }, false>
    ),
    pat!(
        UQADD_s,
        "01 1 11110 size:2 1 rm:5 00001 1 rn:5 rd:5",
        s_any,
        ar::same3::<{ a::UQADD }, false>
    ),
    pat!(
        SQSUB_s,
        "01 0 11110 size:2 1 rm:5 00101 1 rn:5 rd:5",
        s_any,
        ar::same3::<{ a::SQSUB }, false>
    ),
    pat!(
        UQSUB_s,
        "01 1 11110 size:2 1 rm:5 00101 1 rn:5 rd:5",
        s_any,
        ar::same3::<{ a::UQSUB }, false>
    ),
    pat!(
        CMGT_s,
        "01 0 11110 size:2 1 rm:5 00110 1 rn:5 rd:5",
        s_d,
        ar::same3::<{ a::CMGT }, false>
    ),
    pat!(
        CMHI_s,
        "01 1 11110 size:2 1 rm:5 00110 1 rn:5 rd:5",
        s_d,
        ar::same3::<{ a::CMHI }, false>
    ),
    pat!(
        CMGE_s,
        "01 0 11110 size:2 1 rm:5 00111 1 rn:5 rd:5",
        s_d,
        ar::same3::<{ a::CMGE }, false>
    ),
    pat!(
        CMHS_s,
        "01 1 11110 size:2 1 rm:5 00111 1 rn:5 rd:5",
        s_d,
        ar::same3::<{ a::CMHS }, false>
    ),
    pat!(
        SSHL_s,
        "01 0 11110 size:2 1 rm:5 01000 1 rn:5 rd:5",
        s_d,
        ar::same3::<{ a::SSHL }, false>
    ),
    pat!(
        USHL_s,
        "01 1 11110 size:2 1 rm:5 01000 1 rn:5 rd:5",
        s_d,
        ar::same3::<{ a::USHL }, false>
    ),
    pat!(
        SQSHL_s,
        "01 0 11110 size:2 1 rm:5 01001 1 rn:5 rd:5",
        s_any,
        ar::same3::<{ a::SQSHL }, false>
    ),
    pat!(
        UQSHL_s,
        "01 1 11110 size:2 1 rm:5 01001 1 rn:5 rd:5",
        s_any,
        ar::same3::<{ a::UQSHL }, false>
    ),
    pat!(
        SRSHL_s,
        "01 0 11110 size:2 1 rm:5 01010 1 rn:5 rd:5",
        s_d,
        ar::same3::<{ a::SRSHL }, false>
    ),
    pat!(
        URSHL_s,
        "01 1 11110 size:2 1 rm:5 01010 1 rn:5 rd:5",
        s_d,
        ar::same3::<{ a::URSHL }, false>
    ),
    pat!(
        SQRSHL_s,
        "01 0 11110 size:2 1 rm:5 01011 1 rn:5 rd:5",
        s_any,
        ar::same3::<{ a::SQRSHL }, false>
    ),
    pat!(
        UQRSHL_s,
        "01 1 11110 size:2 1 rm:5 01011 1 rn:5 rd:5",
        s_any,
        ar::same3::<{ a::UQRSHL }, false>
    ),
    pat!(
        ADD_s,
        "01 0 11110 size:2 1 rm:5 10000 1 rn:5 rd:5",
        s_d,
        ar::same3::<{ a::ADD }, false>
    ),
    pat!(
        SUB_s,
        "01 1 11110 size:2 1 rm:5 10000 1 rn:5 rd:5",
        s_d,
        ar::same3::<{ a::SUB }, false>
    ),
    pat!(
        CMTST_s,
        "01 0 11110 size:2 1 rm:5 10001 1 rn:5 rd:5",
        s_d,
        ar::same3::<{ a::CMTST }, false>
    ),
    pat!(
        CMEQ_s,
        "01 1 11110 size:2 1 rm:5 10001 1 rn:5 rd:5",
        s_d,
        ar::same3::<{ a::CMEQ }, false>
    ),
    pat!(
        SQDMULH_s,
        "01 0 11110 size:2 1 rm:5 10110 1 rn:5 rd:5",
        s_hs,
        ar::same3::<{ a::SQDMULH }, false>
    ),
    pat!(
        SQRDMULH_s,
        "01 1 11110 size:2 1 rm:5 10110 1 rn:5 rd:5",
        s_hs,
        ar::same3::<{ a::SQRDMULH }, false>
    ),
    // Three different (vector, and the "2" forms by Q); PMULL 1Q (size 11) is FEAT_PMULL: UNDEFINED.
    pat!(
        SADDL_v,
        "0 q:1 0 01110 size:2 1 rm:5 0000 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::SADDL }, false>
    ),
    pat!(
        UADDL_v,
        "0 q:1 1 01110 size:2 1 rm:5 0000 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::UADDL }, false>
    ),
    pat!(
        SADDW_v,
        "0 q:1 0 01110 size:2 1 rm:5 0001 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::SADDW }, false>
    ),
    pat!(
        UADDW_v,
        "0 q:1 1 01110 size:2 1 rm:5 0001 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::UADDW }, false>
    ),
    pat!(
        SSUBL_v,
        "0 q:1 0 01110 size:2 1 rm:5 0010 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::SSUBL }, false>
    ),
    pat!(
        USUBL_v,
        "0 q:1 1 01110 size:2 1 rm:5 0010 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::USUBL }, false>
    ),
    pat!(
        SSUBW_v,
        "0 q:1 0 01110 size:2 1 rm:5 0011 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::SSUBW }, false>
    ),
    pat!(
        USUBW_v,
        "0 q:1 1 01110 size:2 1 rm:5 0011 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::USUBW }, false>
    ),
    pat!(
        ADDHN_v,
        "0 q:1 0 01110 size:2 1 rm:5 0100 00 rn:5 rd:5",
        v_long,
        ar::hn::<{ a::ADDHN }>
    ),
    pat!(
        RADDHN_v,
        "0 q:1 1 01110 size:2 1 rm:5 0100 00 rn:5 rd:5",
        v_long,
        ar::hn::<{ a::RADDHN }>
    ),
    pat!(
        SABAL_v,
        "0 q:1 0 01110 size:2 1 rm:5 0101 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::SABAL }, false>
    ),
    pat!(
        UABAL_v,
        "0 q:1 1 01110 size:2 1 rm:5 0101 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::UABAL }, false>
    ),
    pat!(
        SUBHN_v,
        "0 q:1 0 01110 size:2 1 rm:5 0110 00 rn:5 rd:5",
        v_long,
        ar::hn::<{ a::SUBHN }>
    ),
    pat!(
        RSUBHN_v,
        "0 q:1 1 01110 size:2 1 rm:5 0110 00 rn:5 rd:5",
        v_long,
        ar::hn::<{ a::RSUBHN }>
    ),
    pat!(
        SABDL_v,
        "0 q:1 0 01110 size:2 1 rm:5 0111 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::SABDL }, false>
    ),
    pat!(
        UABDL_v,
        "0 q:1 1 01110 size:2 1 rm:5 0111 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::UABDL }, false>
    ),
    pat!(
        SMLAL_v,
        "0 q:1 0 01110 size:2 1 rm:5 1000 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::SMLAL }, false>
    ),
    pat!(
        UMLAL_v,
        "0 q:1 1 01110 size:2 1 rm:5 1000 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::UMLAL }, false>
    ),
    pat!(
        SQDMLAL_v,
        "0 q:1 0 01110 size:2 1 rm:5 1001 00 rn:5 rd:5",
        v_long_hs,
        ar::long::<{ a::SQDMLAL }, false>
    ),
    pat!(
        SMLSL_v,
        "0 q:1 0 01110 size:2 1 rm:5 1010 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::SMLSL }, false>
    ),
    pat!(
        UMLSL_v,
        "0 q:1 1 01110 size:2 1 rm:5 1010 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::UMLSL }, false>
    ),
    pat!(
        SQDMLSL_v,
        "0 q:1 0 01110 size:2 1 rm:5 1011 00 rn:5 rd:5",
        v_long_hs,
        ar::long::<{ a::SQDMLSL }, false>
    ),
    pat!(
        SMULL_v,
        "0 q:1 0 01110 size:2 1 rm:5 1100 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::SMULL }, false>
    ),
    pat!(
        UMULL_v,
        "0 q:1 1 01110 size:2 1 rm:5 1100 00 rn:5 rd:5",
        v_long,
        ar::long::<{ a::UMULL }, false>
    ),
    pat!(
        SQDMULL_v,
        "0 q:1 0 01110 size:2 1 rm:5 1101 00 rn:5 rd:5",
        v_long_hs,
        ar::long::<{ a::SQDMULL }, false>
    ),
    pat!(
        PMULL_v,
        "0 q:1 0 01110 size:2 1 rm:5 1110 00 rn:5 rd:5",
        v_long_b,
        ar::long::<{ a::PMULL }, false>
    ),
    // Scalar three different.
    pat!(
        SQDMLAL_s,
        "01 0 11110 size:2 1 rm:5 1001 00 rn:5 rd:5",
        s_hs,
        ar::long::<{ a::SQDMLAL }, false>
    ),
    pat!(
        SQDMLSL_s,
        "01 0 11110 size:2 1 rm:5 1011 00 rn:5 rd:5",
        s_hs,
        ar::long::<{ a::SQDMLSL }, false>
    ),
    pat!(
        SQDMULL_s,
        "01 0 11110 size:2 1 rm:5 1101 00 rn:5 rd:5",
        s_hs,
        ar::long::<{ a::SQDMULL }, false>
    ),
    // Two-register miscellaneous (vector); NOT and RBIT share opcode 00101 by size.
    pat!(
        NOT_v,
        "0 q:1 1 01110 00 10000 00101 10 rn:5 rd:5",
        v_b,
        ar::misc::<{ a::NOT }>
    ),
    pat!(
        RBIT_v,
        "0 q:1 1 01110 01 10000 00101 10 rn:5 rd:5",
        v_bytes,
        ar::misc::<{ a::RBIT }>
    ),
    pat!(
        REV64_v,
        "0 q:1 0 01110 size:2 10000 00000 10 rn:5 rd:5",
        v_no64,
        ar::rev::<{ a::REV64 }>
    ),
    pat!(
        REV32_v,
        "0 q:1 1 01110 size:2 10000 00000 10 rn:5 rd:5",
        v_bh,
        ar::rev::<{ a::REV32 }>
    ),
    pat!(
        REV16_v,
        "0 q:1 0 01110 size:2 10000 00001 10 rn:5 rd:5",
        v_b,
        ar::rev::<{ a::REV16 }>
    ),
    pat!(
        SADDLP_v,
        "0 q:1 0 01110 size:2 10000 00010 10 rn:5 rd:5",
        v_addlp,
        ar::addlp::<{ a::SADDLP }>
    ),
    pat!(
        UADDLP_v,
        "0 q:1 1 01110 size:2 10000 00010 10 rn:5 rd:5",
        v_addlp,
        ar::addlp::<{ a::UADDLP }>
    ),
    pat!(
        SUQADD_v,
        "0 q:1 0 01110 size:2 10000 00011 10 rn:5 rd:5",
        v_any,
        ar::misc::<{ a::SUQADD }>
    ),
    pat!(
        USQADD_v,
        "0 q:1 1 01110 size:2 10000 00011 10 rn:5 rd:5",
        v_any,
        ar::misc::<{ a::USQADD }>
    ),
    pat!(
        CLS_v,
        "0 q:1 0 01110 size:2 10000 00100 10 rn:5 rd:5",
        v_no64,
        ar::misc::<{ a::CLS }>
    ),
    pat!(
        CLZ_v,
        "0 q:1 1 01110 size:2 10000 00100 10 rn:5 rd:5",
        v_no64,
        ar::misc::<{ a::CLZ }>
    ),
    pat!(
        CNT_v,
        "0 q:1 0 01110 size:2 10000 00101 10 rn:5 rd:5",
        v_b,
        ar::misc::<{ a::CNT }>
    ),
    pat!(
        SADALP_v,
        "0 q:1 0 01110 size:2 10000 00110 10 rn:5 rd:5",
        v_addlp,
        ar::addlp::<{ a::SADALP }>
    ),
    pat!(
        UADALP_v,
        "0 q:1 1 01110 size:2 10000 00110 10 rn:5 rd:5",
        v_addlp,
        ar::addlp::<{ a::UADALP }>
    ),
    pat!(
        SQABS_v,
        "0 q:1 0 01110 size:2 10000 00111 10 rn:5 rd:5",
        v_any,
        ar::misc::<{ a::SQABS }>
    ),
    pat!(
        SQNEG_v,
        "0 q:1 1 01110 size:2 10000 00111 10 rn:5 rd:5",
        v_any,
        ar::misc::<{ a::SQNEG }>
    ),
    pat!(
        CMGT0_v,
        "0 q:1 0 01110 size:2 10000 01000 10 rn:5 rd:5",
        v_any,
        ar::misc::<{ a::CMGT0 }>
    ),
    pat!(
        CMGE0_v,
        "0 q:1 1 01110 size:2 10000 01000 10 rn:5 rd:5",
        v_any,
        ar::misc::<{ a::CMGE0 }>
    ),
    pat!(
        CMEQ0_v,
        "0 q:1 0 01110 size:2 10000 01001 10 rn:5 rd:5",
        v_any,
        ar::misc::<{ a::CMEQ0 }>
    ),
    pat!(
        CMLE0_v,
        "0 q:1 1 01110 size:2 10000 01001 10 rn:5 rd:5",
        v_any,
        ar::misc::<{ a::CMLE0 }>
    ),
    pat!(
        CMLT0_v,
        "0 q:1 0 01110 size:2 10000 01010 10 rn:5 rd:5",
        v_any,
        ar::misc::<{ a::CMLT0 }>
    ),
    pat!(
        ABS_v,
        "0 q:1 0 01110 size:2 10000 01011 10 rn:5 rd:5",
        v_any,
        ar::misc::<{ a::ABS }>
    ),
    pat!(
        NEG_v,
        "0 q:1 1 01110 size:2 10000 01011 10 rn:5 rd:5",
        v_any,
        ar::misc::<{ a::NEG }>
    ),
    pat!(
        XTN_v,
        "0 q:1 0 01110 size:2 10000 10010 10 rn:5 rd:5",
        v_long,
        ar::xtn::<{ a::XTN }>
    ),
    pat!(
        SQXTUN_v,
        "0 q:1 1 01110 size:2 10000 10010 10 rn:5 rd:5",
        v_long,
        ar::xtn::<{ a::SQXTUN }>
    ),
    pat!(
        SQXTN_v,
        "0 q:1 0 01110 size:2 10000 10100 10 rn:5 rd:5",
        v_long,
        ar::xtn::<{ a::SQXTN }>
    ),
    pat!(
        UQXTN_v,
        "0 q:1 1 01110 size:2 10000 10100 10 rn:5 rd:5",
        v_long,
        ar::xtn::<{ a::UQXTN }>
    ),
    pat!(
        SHLL_v,
        "0 q:1 1 01110 size:2 10000 10011 10 rn:5 rd:5",
        v_shll,
        sh::shift_imm
    ),
    // Scalar two-register miscellaneous.
    pat!(
        SUQADD_s,
        "01 0 11110 size:2 10000 00011 10 rn:5 rd:5",
        s_any,
        ar::misc::<{ a::SUQADD }>
    ),
    pat!(
        USQADD_s,
        "01 1 11110 size:2 10000 00011 10 rn:5 rd:5",
        s_any,
        ar::misc::<{ a::USQADD }>
    ),
    pat!(
        SQABS_s,
        "01 0 11110 size:2 10000 00111 10 rn:5 rd:5",
        s_any,
        ar::misc::<{ a::SQABS }>
    ),
    pat!(
        SQNEG_s,
        "01 1 11110 size:2 10000 00111 10 rn:5 rd:5",
        s_any,
        ar::misc::<{ a::SQNEG }>
    ),
    pat!(
        CMGT0_s,
        "01 0 11110 size:2 10000 01000 10 rn:5 rd:5",
        s_d,
        ar::misc::<{ a::CMGT0 }>
    ),
    pat!(
        CMGE0_s,
        "01 1 11110 size:2 10000 01000 10 rn:5 rd:5",
        s_d,
        ar::misc::<{ a::CMGE0 }>
    ),
    pat!(
        CMEQ0_s,
        "01 0 11110 size:2 10000 01001 10 rn:5 rd:5",
        s_d,
        ar::misc::<{ a::CMEQ0 }>
    ),
    pat!(
        CMLE0_s,
        "01 1 11110 size:2 10000 01001 10 rn:5 rd:5",
        s_d,
        ar::misc::<{ a::CMLE0 }>
    ),
    pat!(
        CMLT0_s,
        "01 0 11110 size:2 10000 01010 10 rn:5 rd:5",
        s_d,
        ar::misc::<{ a::CMLT0 }>
    ),
    pat!(
        ABS_s,
        "01 0 11110 size:2 10000 01011 10 rn:5 rd:5",
        s_d,
        ar::misc::<{ a::ABS }>
    ),
    pat!(
        NEG_s,
        "01 1 11110 size:2 10000 01011 10 rn:5 rd:5",
        s_d,
        ar::misc::<{ a::NEG }>
    ),
    pat!(
        SQXTUN_s,
        "01 1 11110 size:2 10000 10010 10 rn:5 rd:5",
        s_narrow,
        ar::xtn::<{ a::SQXTUN }>
    ),
    pat!(
        SQXTN_s,
        "01 0 11110 size:2 10000 10100 10 rn:5 rd:5",
        s_narrow,
        ar::xtn::<{ a::SQXTN }>
    ),
    pat!(
        UQXTN_s,
        "01 1 11110 size:2 10000 10100 10 rn:5 rd:5",
        s_narrow,
        ar::xtn::<{ a::UQXTN }>
    ),
    // Across lanes (integer; the FP ones are in the floating-point section).
    pat!(
        SADDLV,
        "0 q:1 0 01110 size:2 11000 00011 10 rn:5 rd:5",
        v_across,
        ar::across::<{ a::SADDLV }>
    ),
    pat!(
        UADDLV,
        "0 q:1 1 01110 size:2 11000 00011 10 rn:5 rd:5",
        v_across,
        ar::across::<{ a::UADDLV }>
    ),
    pat!(
        SMAXV,
        "0 q:1 0 01110 size:2 11000 01010 10 rn:5 rd:5",
        v_across,
        ar::across::<{ a::SMAX }>
    ),
    pat!(
        UMAXV,
        "0 q:1 1 01110 size:2 11000 01010 10 rn:5 rd:5",
        v_across,
        ar::across::<{ a::UMAX }>
    ),
    pat!(
        SMINV,
        "0 q:1 0 01110 size:2 11000 11010 10 rn:5 rd:5",
        v_across,
        ar::across::<{ a::SMIN }>
    ),
    pat!(
        UMINV,
        "0 q:1 1 01110 size:2 11000 11010 10 rn:5 rd:5",
        v_across,
        ar::across::<{ a::UMIN }>
    ),
    pat!(
        ADDV,
        "0 q:1 0 01110 size:2 11000 11011 10 rn:5 rd:5",
        v_across,
        ar::across::<{ a::ADD }>
    ),
    // Scalar pairwise (integer).
    pat!(
        ADDP_s,
        "01 0 11110 11 11000 11011 10 rn:5 rd:5",
        s_addp,
        ar::across::<{ a::ADD }>
    ),
    // Vector x indexed element (integer; FP opcodes x001 are in the floating-point section).
    pat!(
        MLA_vi,
        "0 q:1 1 01111 size:2 l:1 m:1 rm:4 0000 h:1 0 rn:5 rd:5",
        v_elem,
        ar::same3::<{ a::MLA }, true>
    ),
    pat!(
        SMLAL_vi,
        "0 q:1 0 01111 size:2 l:1 m:1 rm:4 0010 h:1 0 rn:5 rd:5",
        v_elem_long,
        ar::long::<{ a::SMLAL }, true>
    ),
    pat!(
        UMLAL_vi,
        "0 q:1 1 01111 size:2 l:1 m:1 rm:4 0010 h:1 0 rn:5 rd:5",
        v_elem_long,
        ar::long::<{ a::UMLAL }, true>
    ),
    pat!(
        SQDMLAL_vi,
        "0 q:1 0 01111 size:2 l:1 m:1 rm:4 0011 h:1 0 rn:5 rd:5",
        v_elem_long,
        ar::long::<{ a::SQDMLAL }, true>
    ),
    pat!(
        MLS_vi,
        "0 q:1 1 01111 size:2 l:1 m:1 rm:4 0100 h:1 0 rn:5 rd:5",
        v_elem,
        ar::same3::<{ a::MLS }, true>
    ),
    pat!(
        SMLSL_vi,
        "0 q:1 0 01111 size:2 l:1 m:1 rm:4 0110 h:1 0 rn:5 rd:5",
        v_elem_long,
        ar::long::<{ a::SMLSL }, true>
    ),
    pat!(
        UMLSL_vi,
        "0 q:1 1 01111 size:2 l:1 m:1 rm:4 0110 h:1 0 rn:5 rd:5",
        v_elem_long,
        ar::long::<{ a::UMLSL }, true>
    ),
    pat!(
        SQDMLSL_vi,
        "0 q:1 0 01111 size:2 l:1 m:1 rm:4 0111 h:1 0 rn:5 rd:5",
        v_elem_long,
        ar::long::<{ a::SQDMLSL }, true>
    ),
    pat!(
        MUL_vi,
        "0 q:1 0 01111 size:2 l:1 m:1 rm:4 1000 h:1 0 rn:5 rd:5",
        v_elem,
        ar::same3::<{ a::MUL }, true>
    ),
    pat!(
        SMULL_vi,
        "0 q:1 0 01111 size:2 l:1 m:1 rm:4 1010 h:1 0 rn:5 rd:5",
        v_elem_long,
        ar::long::<{ a::SMULL }, true>
    ),
    pat!(
        UMULL_vi,
        "0 q:1 1 01111 size:2 l:1 m:1 rm:4 1010 h:1 0 rn:5 rd:5",
        v_elem_long,
        ar::long::<{ a::UMULL }, true>
    ),
    pat!(
        SQDMULL_vi,
        "0 q:1 0 01111 size:2 l:1 m:1 rm:4 1011 h:1 0 rn:5 rd:5",
        v_elem_long,
        ar::long::<{ a::SQDMULL }, true>
    ),
    pat!(
        SQDMULH_vi,
        "0 q:1 0 01111 size:2 l:1 m:1 rm:4 1100 h:1 0 rn:5 rd:5",
        v_elem,
        ar::same3::<{ a::SQDMULH }, true>
    ),
    pat!(
        SQRDMULH_vi,
        "0 q:1 0 01111 size:2 l:1 m:1 rm:4 1101 h:1 0 rn:5 rd:5",
        v_elem,
        ar::same3::<{ a::SQRDMULH }, true>
    ),
    // Scalar x indexed element.
    pat!(
        SQDMLAL_si,
        "01 0 11111 size:2 l:1 m:1 rm:4 0011 h:1 0 rn:5 rd:5",
        s_elem,
        ar::long::<{ a::SQDMLAL }, true>
    ),
    pat!(
        SQDMLSL_si,
        "01 0 11111 size:2 l:1 m:1 rm:4 0111 h:1 0 rn:5 rd:5",
        s_elem,
        ar::long::<{ a::SQDMLSL }, true>
    ),
    pat!(
        SQDMULL_si,
        "01 0 11111 size:2 l:1 m:1 rm:4 1011 h:1 0 rn:5 rd:5",
        s_elem,
        ar::long::<{ a::SQDMULL }, true>
    ),
    pat!(
        SQDMULH_si,
        "01 0 11111 size:2 l:1 m:1 rm:4 1100 h:1 0 rn:5 rd:5",
        s_elem,
        ar::same3::<{ a::SQDMULH }, true>
    ),
    pat!(
        SQRDMULH_si,
        "01 0 11111 size:2 l:1 m:1 rm:4 1101 h:1 0 rn:5 rd:5",
        s_elem,
        ar::same3::<{ a::SQRDMULH }, true>
    ),
    // Permute.
    pat!(
        UZP1,
        "0 q:1 001110 size:2 0 rm:5 0 001 10 rn:5 rd:5",
        v_any,
        pm::perm::<{ pm::op::UZP1 }>
    ),
    pat!(
        TRN1,
        "0 q:1 001110 size:2 0 rm:5 0 010 10 rn:5 rd:5",
        v_any,
        pm::perm::<{ pm::op::TRN1 }>
    ),
    pat!(
        ZIP1,
        "0 q:1 001110 size:2 0 rm:5 0 011 10 rn:5 rd:5",
        v_any,
        pm::perm::<{ pm::op::ZIP1 }>
    ),
    pat!(
        UZP2,
        "0 q:1 001110 size:2 0 rm:5 0 101 10 rn:5 rd:5",
        v_any,
        pm::perm::<{ pm::op::UZP2 }>
    ),
    pat!(
        TRN2,
        "0 q:1 001110 size:2 0 rm:5 0 110 10 rn:5 rd:5",
        v_any,
        pm::perm::<{ pm::op::TRN2 }>
    ),
    pat!(
        ZIP2,
        "0 q:1 001110 size:2 0 rm:5 0 111 10 rn:5 rd:5",
        v_any,
        pm::perm::<{ pm::op::ZIP2 }>
    ),
    // Extract and table lookup (registers wrap modulo 32).
    pat!(
        EXT,
        "0 q:1 101110 00 0 rm:5 0 imm4:4 0 rn:5 rd:5",
        v_ext,
        pm::ext
    ),
    pat!(
        TBL,
        "0 q:1 001110 00 0 rm:5 0 len:2 0 00 rn:5 rd:5",
        v_tbl,
        pm::tbl::<false>
    ),
    pat!(
        TBX,
        "0 q:1 001110 00 0 rm:5 0 len:2 1 00 rn:5 rd:5",
        v_tbl,
        pm::tbl::<true>
    ),
    // Copy (scalar and vector): imm5 gives the element size and index.
    pat!(
        DUP_elem_s,
        "01 0 11110000 imm5:5 0 0000 1 rn:5 rd:5",
        dup_elem_s,
        pm::dup_elem
    ),
    pat!(
        DUP_elem,
        "0 q:1 0 01110000 imm5:5 0 0000 1 rn:5 rd:5",
        dup_elem,
        pm::dup_elem
    ),
    pat!(
        DUP_gen,
        "0 q:1 0 01110000 imm5:5 0 0001 1 rn:5 rd:5",
        dup_gen,
        pm::dup_gen
    ),
    pat!(
        INS_gen,
        "0 1 0 01110000 imm5:5 0 0011 1 rn:5 rd:5",
        ins_gen,
        pm::ins_gen
    ),
    pat!(
        SMOV,
        "0 q:1 0 01110000 imm5:5 0 0101 1 rn:5 rd:5",
        smov,
        pm::mov_to_gen::<true>
    ),
    pat!(
        UMOV,
        "0 q:1 0 01110000 imm5:5 0 0111 1 rn:5 rd:5",
        umov,
        pm::mov_to_gen::<false>
    ),
    pat!(
        INS_elem,
        "0 1 1 01110000 imm5:5 0 imm4:4 1 rn:5 rd:5",
        ins_elem,
        pm::ins_elem
    ),
    // Modified immediate (immh = 0); cmode = 1111 (FMOV) is in the floating-point section. These lines come before the shift-by-immediate classes they are carved from.
    pat!(
        MOVI_32,
        "0 q:1 0 0111100000 abc:3 0 sh:2 0 0 1 defgh:5 rd:5",
        modimm,
        mi::modimm::<{ mi::op::MOV }>
    ),
    pat!(
        ORR_32,
        "0 q:1 0 0111100000 abc:3 0 sh:2 1 0 1 defgh:5 rd:5",
        modimm,
        mi::modimm::<{ mi::op::ORR }>
    ),
    pat!(
        MVNI_32,
        "0 q:1 1 0111100000 abc:3 0 sh:2 0 0 1 defgh:5 rd:5",
        modimm,
        mi::modimm::<{ mi::op::MOV }>
    ),
    pat!(
        BIC_32,
        "0 q:1 1 0111100000 abc:3 0 sh:2 1 0 1 defgh:5 rd:5",
        modimm,
        mi::modimm::<{ mi::op::BIC }>
    ),
    pat!(
        MOVI_16,
        "0 q:1 0 0111100000 abc:3 10 sh:1 0 0 1 defgh:5 rd:5",
        modimm,
        mi::modimm::<{ mi::op::MOV }>
    ),
    pat!(
        ORR_16,
        "0 q:1 0 0111100000 abc:3 10 sh:1 1 0 1 defgh:5 rd:5",
        modimm,
        mi::modimm::<{ mi::op::ORR }>
    ),
    pat!(
        MVNI_16,
        "0 q:1 1 0111100000 abc:3 10 sh:1 0 0 1 defgh:5 rd:5",
        modimm,
        mi::modimm::<{ mi::op::MOV }>
    ),
    pat!(
        BIC_16,
        "0 q:1 1 0111100000 abc:3 10 sh:1 1 0 1 defgh:5 rd:5",
        modimm,
        mi::modimm::<{ mi::op::BIC }>
    ),
    pat!(
        MOVI_msl,
        "0 q:1 0 0111100000 abc:3 110 sh:1 0 1 defgh:5 rd:5",
        modimm,
        mi::modimm::<{ mi::op::MOV }>
    ),
    pat!(
        MVNI_msl,
        "0 q:1 1 0111100000 abc:3 110 sh:1 0 1 defgh:5 rd:5",
        modimm,
        mi::modimm::<{ mi::op::MOV }>
    ),
    pat!(
        MOVI_8,
        "0 q:1 0 0111100000 abc:3 1110 0 1 defgh:5 rd:5",
        modimm,
        mi::modimm::<{ mi::op::MOV }>
    ),
    pat!(
        MOVI_64,
        "0 q:1 1 0111100000 abc:3 1110 0 1 defgh:5 rd:5",
        modimm,
        mi::modimm::<{ mi::op::MOV }>
    ),
    // Shift by immediate (vector, then scalar): one line per class, the operation decoded by the shape (see exec/simd/shift.rs).
    pat!(
        SHIFT_imm_v,
        "0 q:1 u:1 011110 immhb:7 opcode:5 1 rn:5 rd:5",
        shift_imm,
        sh::shift_imm
    ),
    pat!(
        SHIFT_imm_s,
        "01 u:1 111110 immhb:7 opcode:5 1 rn:5 rd:5",
        shift_imm,
        sh::shift_imm
    ),
    // ## end of AdvSIMD – integer
];
