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
