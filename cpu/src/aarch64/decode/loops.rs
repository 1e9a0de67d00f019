//! Loops of one block: a conditional branch (B.cond, CBZ/CBNZ, TBZ/TBNZ) whose target is the
//! first instruction of its own block, such as the closing `b.ne` of the multi-precision loops
//! or of `clear_page`. Its threaded form (the `LOOP` instantiation of [`branch::b_cond`] and its kin, or a fused
//! pair's loop form in [`super::fuse`]) sends the run back to the block's first entry when the
//! executor's block start would do nothing but start the same block again
//! ([`Flow::Again`](crate::aarch64::state::Flow::Again): nothing pending, the code epoch
//! unmoved, no watch, the whole block within the budget); the executor then records the pass
//! and runs the block again without its block-start work. A TLB maintenance instruction in
//! the pass does not stop it: its effect on instruction fetch waits for a context
//! synchronization event (see `Cpu::block_must_end`), which ends the
//! block. Its plain handler is the branch's own: partial and traced runs behave as before.

use super::{cond_code, DecodeResult, Threaded, Variants};
use crate::aarch64::exec::branch;

/// Whether `d`, instruction `index` of its block, is a conditional branch to the block's first
/// instruction.
pub fn closes_loop(d: &DecodeResult, index: usize) -> bool {
    d.falls_through() && d.insn.ops.imm == (4 * index as u64).wrapping_neg()
}

/// The threaded form of `d`, instruction `index` of its block, when it closes a loop of one
/// block ([`closes_loop`]).
pub fn loop_form(d: &DecodeResult, index: usize) -> Option<Threaded> {
    if !closes_loop(d, index) {
        return None;
    }
    match d.pattern?.name {
        "B_cond" => Some(B_COND_LOOP.forms[cond_code(&d.insn.ops)].1),
        "CBZ" | "CBNZ" => Some(crate::threaded!(branch::cbz::<true>)),
        "TBZ" | "TBNZ" => Some(crate::threaded!(branch::tbz::<true>)),
        _ => None,
    }
}

/// [`branch::b_cond`]'s `LOOP` instantiations by condition code, as the table's `B_cond` line's.
const B_COND_LOOP: &Variants = crate::variants!(
    cond_code,
    [[branch::b_cond] [true,] []]
    [0] [1] [2] [3] [4] [5] [6] [7] [8] [9] [10] [11] [12] [13] [14] [14]
);

#[cfg(test)]
mod tests {
    use super::{closes_loop, loop_form};
    use crate::aarch64::block::tests::agains;
    use crate::aarch64::decode::decode;
    use crate::aarch64::decode::lockstep::Lockstep;
    use crate::aarch64::exec::system::tests::{machine, BASE};
    use crate::aarch64::trace::FLIGHT_BLOCKS;
    use crate::aarch64::{BlockCache, Exit};

    // Encodings from aarch64-linux-gnu-as.
    const HVC_1: u32 = 0xd400_0022; // hvc #1
    /// Loops of one block: a name, the code (an HVC after the loop), and the X2 it starts
    /// from (X1 is 5, X3 0).
    const LOOPS: &[(&str, &[u32], u64)] = &[
        // add x1, x1, #3; sub x2, x2, #1; cmp x2, #0; b.ne 0 (a fused pair closes the loop)
        (
            "cmp; b.ne",
            &[0x9100_0c21, 0xd100_0442, 0xf100_005f, 0x54ff_ffa1, HVC_1],
            9,
        ),
        // subs x2, x2, #1; add x1, x1, #3; b.ne 0; add x3, x1, #7 (instructions after it)
        (
            "b.ne",
            &[0xf100_0442, 0x9100_0c21, 0x54ff_ffc1, 0x9100_1c23, HVC_1],
            9,
        ),
        // add x1, x1, #1; sub w2, w2, #1; cbnz w2, 0
        ("cbnz", &[0x9100_0421, 0x5100_0442, 0x35ff_ffc2, HVC_1], 9),
        // add x1, x1, #1; lsl x2, x2, #1; tbz w2, #6, 0
        ("tbz", &[0x9100_0421, 0xd37f_f842, 0x3637_ffc2, HVC_1], 1),
        // add x1, x1, #1; lsr x2, x2, #1; tbnz w2, #0, 0
        (
            "tbnz",
            &[0x9100_0421, 0xd341_fc42, 0x3707_ffc2, HVC_1],
            0xff,
        ),
    ];

    /// The conditional branches that go to their block's first instruction are found, by
    /// offset; other instructions with that offset in their immediate are not.
    #[test]
    fn loop_branches_are_found() {
        // cbnz x2, 0; add x1, x1, #1; b.ne 0; cbz x2, 0; b.eq 12; b 20
        let block = [
            0xb500_0002,
            0x9100_0421,
            0x54ff_ffc1,
            0xb4ff_ffa2,
            0x54ff_ffe0,
            0x1400_0000,
        ];
        // b . and add x1, x1, #0: an immediate of 0 at index 0, but no conditional branch.
        for word in [0x1400_0000, 0x9100_0021] {
            let d = decode(word);
            assert!(
                !closes_loop(&d, 0) && loop_form(&d, 0).is_none(),
                "{word:#x}"
            );
        }
        let found: Vec<bool> = block
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                let d = decode(w);
                assert_eq!(closes_loop(&d, i), loop_form(&d, i).is_some(), "{w:#x}");
                closes_loop(&d, i)
            })
            .collect();
        assert_eq!(found, [true, false, true, true, false, false]);
        // The same branches at other indices do not close a loop.
        assert!(!closes_loop(&decode(block[0]), 1));
        assert!(!closes_loop(&decode(block[2]), 1));
    }

    /// Each loop runs as its instructions stepped one at a time: registers, NZCV, PC and
    /// count at its exit; its branch runs the block again.
    #[test]
    fn loops_run_as_their_instructions() {
        for &(what, code, x2) in LOOPS {
            let mut lock = Lockstep::new(code);
            lock.start(|cpu| (cpu.x[1], cpu.x[2], cpu.x[3]) = (5, x2, 0));
            let before = agains();
            assert_eq!(lock.run(what), Exit::Hvc(1), "{what}");
            // The fused run looped by its branch, not by block starts.
            assert!(agains() > before, "{what}");
        }
    }

    /// Whatever the budget, a run stops at it exactly, inside a pass or between two, with the
    /// state of as many instructions stepped; and every pass is a block run of the flight
    /// recorder, starting where the one before it ended.
    #[test]
    fn loops_stop_at_the_budget_and_record_each_pass() {
        // Under Miri (each budget builds two machines), the first two loops at three budgets.
        let (loops, step) = if cfg!(miri) {
            (&LOOPS[..2], 13)
        } else {
            (LOOPS, 1)
        };
        for &(what, code, x2) in loops {
            for budget in (1..40).step_by(step) {
                let mut lock = Lockstep::new(code);
                lock.start(|cpu| (cpu.x[1], cpu.x[2]) = (5, x2));
                let mut cache = BlockCache::new();
                let exit = lock.fast.run(&mut cache, &mut lock.bus, budget);
                let (mut stepped, mut stepped_pcs) = (Exit::Budget, Vec::new());
                let mut cache = BlockCache::new();
                while lock.slow.insns < budget && stepped == Exit::Budget {
                    stepped_pcs.push(lock.slow.pc);
                    stepped = lock.slow.run(&mut cache, &mut lock.bus, 1);
                }
                let (fast, slow) = (&lock.fast, &lock.slow);
                let case = format!("{what}, budget {budget}");
                assert_eq!(exit, stepped, "{case}");
                assert_eq!(fast.x[..32], slow.x[..32], "{case}");
                assert_eq!(fast.nzcv(), slow.nzcv(), "{case}");
                assert_eq!((fast.pc, fast.insns), (slow.pc, slow.insns), "{case}");
                let words = |pa: u64, i: usize| code.get((pa - BASE) as usize / 4 + i).copied();
                let last = fast.flight.last(budget as usize, &words);
                let counts: Vec<u64> = last.iter().map(|r| r.insn).collect();
                let pcs: Vec<u64> = last.iter().map(|r| r.pc).collect();
                let expected: Vec<u64> = (0..fast.insns).collect();
                assert_eq!(counts, expected, "{case}");
                assert_eq!(pcs, stepped_pcs, "{case}");
            }
        }
    }

    /// A loop that rewrites its own first instruction runs the new one from its next pass,
    /// as when each instruction starts a block of its own: the store drops the block, which
    /// a block start then decodes anew.
    #[test]
    fn a_loop_that_rewrites_itself_runs_the_new_code() {
        // add x1, x1, #3; str w4, [x5]; sub x2, x2, #1; cbnz x2, 0; hvc #1
        let code = [0x9100_0c21, 0xb900_00a4, 0xd100_0442, 0xb5ff_ffa2, HVC_1];
        let set = |cpu: &mut crate::aarch64::Cpu| {
            // x4: add x1, x1, #5, written over the first instruction.
            (cpu.x[2], cpu.x[4], cpu.x[5]) = (3, 0x9100_1421, BASE);
        };
        let (mut fast, mut fast_bus) = machine(&code);
        let (mut slow, mut slow_bus) = machine(&code);
        set(&mut fast);
        set(&mut slow);
        let exit = fast.run(&mut BlockCache::new(), &mut fast_bus, 100);
        let mut cache = BlockCache::new();
        let stepped = loop {
            match slow.run(&mut cache, &mut slow_bus, 1) {
                Exit::Budget => continue,
                e => break e,
            }
        };
        assert_eq!((exit, stepped), (Exit::Hvc(1), Exit::Hvc(1)));
        assert_eq!(fast.x[1], 3 + 5 + 5);
        assert_eq!(
            (fast.x[1], fast.pc, fast.insns),
            (slow.x[1], slow.pc, slow.insns)
        );
    }

    /// A loop with a TLB maintenance instruction runs its block again at once (the
    /// instruction's effect on instruction fetch waits for a context synchronization event,
    /// which ends a block), as its instructions stepped.
    #[test]
    fn a_loop_with_tlb_maintenance_runs_again() {
        // tlbi vmalle1; sub x2, x2, #1; cbnz x2, 0; hvc #1
        let mut lock = Lockstep::new(&[0xd508_871f, 0xd100_0442, 0xb5ff_ffc2, HVC_1]);
        lock.start(|cpu| cpu.x[2] = 4);
        let before = agains();
        assert_eq!(lock.run("tlbi"), Exit::Hvc(1));
        assert_eq!(agains(), before + 3);
        assert_eq!(lock.fast.insns, 13);
    }

    /// A loop that never ends (`cbnz x2, .`) fills the flight recorder with passes of itself:
    /// the hang rule sees it stuck.
    #[test]
    fn an_endless_loop_is_seen_stuck() {
        let code = [0xb500_0002]; // cbnz x2, .
        let (mut cpu, mut bus) = machine(&code);
        cpu.x[2] = 1;
        let mut cache = BlockCache::new();
        assert_eq!(cpu.run(&mut cache, &mut bus, 1000), Exit::Budget);
        assert_eq!(cpu.insns, 1000);
        let words = |pa: u64, i: usize| code.get((pa - BASE) as usize / 4 + i).copied();
        assert_eq!(cpu.flight.stuck_at(&words), Some(BASE));
        let last = cpu.flight.last(FLIGHT_BLOCKS, &words);
        assert_eq!(last.len(), FLIGHT_BLOCKS);
        assert!(last.iter().all(|r| r.pc == BASE && r.word == code[0]));
        assert_eq!(last.last().map(|r| r.insn), Some(999));
    }
}
