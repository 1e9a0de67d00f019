//! Branches (DDI 0487 C4.1.87, "Branches, Exception Generating and System instructions";
//! C6.2 for each instruction): unconditional and conditional immediate, compare and branch, test
//! and branch, register branches, ERET.
//!
//! A branch that is taken sets `cpu.pc` and returns `Flow::Jump`. A conditional branch that is
//! not taken lets its block go on (`Flow::Next`: the executor steps over it; the decoder does
//! not end blocks there), unless a block start at its fall-through would have acted
//! ([`Cpu::block_must_end`]): then it sets `cpu.pc` to the fall-through and returns
//! `Flow::Jump`, so interrupts are sampled at the same instructions as when every branch ended
//! its block. A conditional branch that closes a loop of one block has instantiations of its
//! own for threaded runs (`LOOP`, [`branch_if`]), which may run the block again at once
//! ([`Flow::Again`]).
//! Misaligned targets fault when fetched (PC alignment fault).
//! `TODO(FEAT_MMU)`: with TCR_ELx.TBI set, a register target's top byte is ignored
//! (AArch64.BranchAddr).

use crate::aarch64::block::Env;
use crate::aarch64::exception::Trap;
use crate::aarch64::state::{Cpu, Flow, Ops};

/// The word of ERET, for the UNDEFINED report at EL0.
const ERET_WORD: u32 = 0xd69f_03e0;

#[inline(always)]
fn jump(cpu: &mut Cpu, target: u64) -> Flow {
    cpu.pc = target;
    Flow::Jump
}

/// A conditional branch's outcome: taken, a jump to `offset` bytes away; not taken, the
/// block goes on, or the fall-through is jumped to where a block start would act
/// ([`Cpu::block_must_end`]).
///
/// `LOOP`: the branch closes a loop of one block, its target the first instruction of its own
/// block (chosen at decode for the threaded forms only, [`crate::aarch64::decode::loops`]).
/// Taken, it returns [`Flow::Again`] with the block's next run counted when a block start
/// there would not act and the whole block fits in the run's budget (`Env::end`), which is
/// what the executor's block start checks besides; otherwise it jumps.
#[inline(always)]
fn branch_if<const LOOP: bool>(cpu: &mut Cpu, env: &Env, taken: bool, offset: u64) -> Flow {
    if taken {
        let target = cpu.pc.wrapping_add(offset);
        if LOOP {
            // The instructions from the block's first up to this branch (`offset` is minus
            // four times the branch's index in the block). The count already holds the whole
            // block ([`Cpu::exec_block`]): its next run needs room for these more.
            let ran = (offset.wrapping_neg() >> 2) + 1;
            if !cpu.block_must_end(env) && env.end.saturating_sub(cpu.insns) >= ran {
                cpu.pc = target;
                cpu.insns += ran;
                return Flow::Again;
            }
        }
        jump(cpu, target)
    } else if cpu.block_must_end(env) {
        let next = cpu.pc.wrapping_add(4);
        jump(cpu, next)
    } else {
        Flow::Next
    }
}

/// B.
pub fn b(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let target = cpu.pc.wrapping_add(o.imm);
    jump(cpu, target)
}

/// BL: X30 = PC + 4.
pub fn bl(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cpu.x[30] = cpu.pc.wrapping_add(4);
    let target = cpu.pc.wrapping_add(o.imm);
    jump(cpu, target)
}

/// B.cond with condition `COND` (1111 behaves as always, like 1110); `LOOP` as
/// [`branch_if`]'s.
pub fn b_cond<const LOOP: bool, const COND: u8>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let taken = cpu.flags.holds(COND);
    branch_if::<LOOP>(cpu, env, taken, o.imm)
}

/// CBZ (`op` = 0) and CBNZ (`op` = 1), 32 or 64 bits; `LOOP` as [`branch_if`]'s.
pub fn cbz<const LOOP: bool>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let taken = (cpu.r_sf(o.rn, o.sf) == 0) != (o.op == 1);
    branch_if::<LOOP>(cpu, env, taken, o.imm)
}

/// TBZ (`op` = 0) and TBNZ (`op` = 1) on bit `shift`; `LOOP` as [`branch_if`]'s.
pub fn tbz<const LOOP: bool>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let taken = ((cpu.r(o.rn) >> o.shift) & 1 == 1) == (o.op == 1);
    branch_if::<LOOP>(cpu, env, taken, o.imm)
}

/// BR and RET: branch to Xn.
pub fn br(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let target = cpu.r(o.rn);
    jump(cpu, target)
}

/// BLR: branch to Xn (read before X30 is written, so BLR X30 works), X30 = PC + 4.
pub fn blr(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let target = cpu.r(o.rn);
    cpu.x[30] = cpu.pc.wrapping_add(4);
    jump(cpu, target)
}

/// ERET: UNDEFINED at EL0, otherwise the exception return from ELR/SPSR of the current EL.
pub fn eret(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Flow {
    if cpu.el == 0 {
        return cpu.raise(Trap::Undefined(ERET_WORD));
    }
    cpu.exception_return()
}

#[cfg(test)]
mod tests {
    use super::super::system::tests::{machine, run, BASE};
    use crate::aarch64::decode::shapes::test_branch;
    use crate::aarch64::exec::{cond_holds, Flags, C, N, V, Z};
    use crate::aarch64::Exit;

    const ADD_X1_1: u32 = 0x9100_0421; // add x1, x1, #1
    const ADD_X2_1: u32 = 0x9100_0442; // add x2, x2, #1
    const ADD_X3_1: u32 = 0x9100_0463; // add x3, x3, #1
    const HVC_0: u32 = 0xd400_0002; // hvc #0
    const NOP: u32 = 0xd503_201f; // nop

    /// Runs `branch` (whose target is .+8) followed by a marker ADD and HVC: whether it was taken.
    fn taken(branch: u32, x0: u64, nzcv: u32) -> bool {
        let (mut cpu, mut bus) = machine(&[branch, ADD_X1_1, HVC_0]);
        cpu.x[0] = x0;
        cpu.set_nzcv(nzcv);
        assert_eq!(run(&mut cpu, &mut bus, 10), Exit::Hvc(0));
        assert_eq!(cpu.pc, BASE + 12);
        cpu.x[1] == 0
    }

    #[test]
    fn b_cond_taken_and_not_taken() {
        const B_EQ: u32 = 0x5400_0040; // b.eq .+8
        const B_NE: u32 = 0x5400_0041; // b.ne .+8
        const B_NV: u32 = 0x5400_004f; // b.nv .+8
        assert!(taken(B_EQ, 0, Z));
        assert!(!taken(B_EQ, 0, N | C | V));
        assert!(taken(B_NE, 0, 0));
        assert!(!taken(B_NE, 0, Z));
        // cond = 1111 behaves as always.
        assert!(taken(B_NV, 0, 0));
        assert!(taken(B_NV, 0, N | Z | C | V));
    }

    /// Each condition runs its own instantiation of the handler: every condition against
    /// every NZCV, as the condition table has it.
    #[test]
    fn b_cond_follows_the_condition_field() {
        for cond in 0..16u32 {
            for nzcv in 0..16u32 {
                let want = cond_holds(cond as u8, &Flags::unpack(nzcv << 28));
                assert_eq!(
                    taken(0x5400_0040 | cond, 0, nzcv << 28),
                    want,
                    "b.{cond} nzcv {nzcv:#x}"
                );
            }
        }
    }

    #[test]
    fn b_cond_after_cmp() {
        // cmp x0, #5; b.eq .+8; add x1, x1, #1; add x2, x2, #1; hvc #0
        for (x0, x1) in [(5, 0), (4, 1)] {
            let (mut cpu, mut bus) =
                machine(&[0xf100_141f, 0x5400_0040, ADD_X1_1, ADD_X2_1, HVC_0]);
            cpu.x[0] = x0;
            assert_eq!(run(&mut cpu, &mut bus, 10), Exit::Hvc(0));
            assert_eq!((cpu.x[1], cpu.x[2]), (x1, 1));
        }
    }

    #[test]
    fn cbz_cbnz_w_and_x() {
        const CBZ_W: u32 = 0x3400_0040; // cbz w0, .+8
        const CBZ_X: u32 = 0xb400_0040; // cbz x0, .+8
        const CBNZ_W: u32 = 0x3500_0040; // cbnz w0, .+8
        const CBNZ_X: u32 = 0xb500_0040; // cbnz x0, .+8
        let hi = 1u64 << 32; // W0 = 0, X0 != 0
        assert!(taken(CBZ_W, hi, 0));
        assert!(!taken(CBZ_X, hi, 0));
        assert!(!taken(CBNZ_W, hi, 0));
        assert!(taken(CBNZ_X, hi, 0));
        assert!(taken(CBZ_X, 0, 0));
        assert!(!taken(CBZ_W, 7, 0));
        assert!(taken(CBNZ_W, 7, 0));
    }

    #[test]
    fn tbz_tbnz() {
        const TBZ_32: u32 = 0xb600_0040; // tbz x0, #32, .+8
        const TBNZ_32: u32 = 0xb700_0040; // tbnz x0, #32, .+8
        const TBZ_W3: u32 = 0x3618_0040; // tbz w0, #3, .+8
        const TBNZ_63: u32 = 0xb7f8_0040; // tbnz x0, #63, .+8
        assert!(taken(TBZ_32, 0xffff_ffff, 0));
        assert!(!taken(TBZ_32, 1 << 32, 0));
        assert!(taken(TBNZ_32, 1 << 32, 0));
        assert!(!taken(TBNZ_32, !(1u64 << 32), 0));
        assert!(taken(TBZ_W3, !8, 0));
        assert!(!taken(TBZ_W3, 8, 0));
        assert!(taken(TBNZ_63, 1 << 63, 0));
        assert!(!taken(TBNZ_63, !(1u64 << 63), 0));
    }

    #[test]
    fn backward_offsets_sign_extend() {
        // At BASE+0x10: cbz x0, .-8 lands on the HVC at BASE+8.
        let (mut cpu, mut bus) = machine(&[NOP, NOP, HVC_0, NOP, 0xb4ff_ffc0]);
        cpu.pc = BASE + 0x10;
        assert_eq!(run(&mut cpu, &mut bus, 10), Exit::Hvc(0));
        assert_eq!(cpu.pc, BASE + 0xc);
        // tbz w0, #0, .-0x8000: the most negative imm14.
        let o = test_branch(0x3604_0000).unwrap();
        assert_eq!(o.imm, (-0x8000i64) as u64);
        assert_eq!((o.shift, o.op), (0, 0));
    }

    /// Layout shared by the link tests: the branch at 0, its return point at 4, the callee at
    /// 0x10 which ends with `ret` to X30.
    fn call(first: u32, setup: impl Fn(&mut crate::aarch64::Cpu)) -> crate::aarch64::Cpu {
        let ret = 0xd65f_03c0; // ret
        let (mut cpu, mut bus) = machine(&[first, ADD_X2_1, HVC_0, NOP, ADD_X3_1, ret]);
        setup(&mut cpu);
        assert_eq!(run(&mut cpu, &mut bus, 20), Exit::Hvc(0));
        assert_eq!(cpu.pc, BASE + 0xc);
        assert_eq!(
            (cpu.x[2], cpu.x[3]),
            (1, 1),
            "callee and return path both ran"
        );
        cpu
    }

    #[test]
    fn bl_links_and_ret_returns() {
        let cpu = call(0x9400_0004, |_| {}); // bl .+0x10
        assert_eq!(cpu.x[30], BASE + 4);
    }

    #[test]
    fn blr_links_and_reads_the_target_first() {
        let cpu = call(0xd63f_00a0, |c| c.x[5] = BASE + 0x10); // blr x5
        assert_eq!(cpu.x[30], BASE + 4);
        let cpu = call(0xd63f_03c0, |c| c.x[30] = BASE + 0x10); // blr x30
        assert_eq!(cpu.x[30], BASE + 4);
    }

    #[test]
    fn br_and_ret_with_a_register() {
        // br x5 to the callee, whose ret uses X30 = the return point.
        let cpu = call(0xd61f_00a0, |c| {
            c.x[5] = BASE + 0x10;
            c.x[30] = BASE + 4;
        });
        assert_eq!(cpu.x[30], BASE + 4);
        // ret x5 at 0: branch to X5 = BASE + 8 (the HVC).
        let (mut cpu, mut bus) = machine(&[0xd65f_00a0, ADD_X1_1, HVC_0]);
        cpu.x[5] = BASE + 8;
        assert_eq!(run(&mut cpu, &mut bus, 10), Exit::Hvc(0));
        assert_eq!(cpu.x[1], 0);
    }

    #[test]
    fn unallocated_branch_register_forms_are_undefined() {
        use crate::aarch64::decode::decode;
        assert!(decode(0xd61f_0800 | 5 << 5).pattern.is_none()); // braaz x5 (op3 = 000010)
        assert!(decode(0xd65f_0bff).pattern.is_none()); // retaa
        assert!(decode(0xd69f_0bff).pattern.is_none()); // eretaa
        assert!(decode(0xd6bf_03e0).pattern.is_none()); // drps
        assert!(decode(0xd61f_00a1).pattern.is_none()); // br with op4 != 0
        assert_eq!(decode(0xd69f_03e0).pattern.map(|p| p.name), Some("ERET"));
    }
}
