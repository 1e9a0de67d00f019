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
    // TODO(FEAT_HBC): BC.cond (bit 4 = 1) is unallocated in v8.0.
    pat!(
        B_cond,
        "0101010 0 imm19:19 0 cond:4",
        cond_branch,
        branch::b_cond,
        END
    ),
    pat!(
        CBZ,
        "sf:1 011010 0 imm19:19 rt:5",
        cmp_branch,
        branch::cbz,
        END
    ),
    pat!(
        CBNZ,
        "sf:1 011010 1 imm19:19 rt:5",
        cmp_branch,
        branch::cbz,
        END
    ),
    pat!(
        TBZ,
        "b5:1 011011 0 b40:5 imm14:14 rt:5",
        test_branch,
        branch::tbz,
        END
    ),
    pat!(
        TBNZ,
        "b5:1 011011 1 b40:5 imm14:14 rt:5",
        test_branch,
        branch::tbz,
        END
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
        system::nop,
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
        system::nop
    ),
    pat!(
        SEVL,
        "11010101 00000011 0010 0000 101 11111",
        none,
        system::nop
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
    pat!(
        LDR_ui,
        "size:2 111 0 01 01 imm12:12 rn:5 rt:5",
        ldst_uimm,
        ldst::ldr_ui
    ),
    pat!(
        STR_ui,
        "size:2 111 0 01 00 imm12:12 rn:5 rt:5",
        ldst_uimm,
        ldst::str_ui
    ),
    // ## end of loads and stores
    //
    //
    // ## Data processing – register (exec/dp_reg.rs)
    // ## end of data processing – register
];
