//! Superinstructions: a flag-setting compare and the B.cond after it, run by one handler.
//!
//! B.cond ends its block, so the pair is always a block's last two instructions. When a block is
//! decoded, [`fuse`] looks at them; the executor's fast path ([`super::super::block`]) then runs
//! the block's `fast` list, where the pair is one entry, whenever the whole block fits in the
//! instruction budget. Runs that cut the block short, traced runs and the debugger's executor use
//! the plain list, one entry per instruction.
//!
//! The fused entry does exactly what the two instructions do, in order: the compare writes its
//! destination and NZCV, then the branch reads those flags and sets the PC (taken: the target,
//! else the instruction after the B.cond). The executor counts one instruction per entry up
//! front; the fused entry adds the B.cond's when it runs. Neither instruction can fault or read
//! the instruction count, and interrupts are taken only at block starts, so the count seen by
//! anything after the pair is exact.
//!
//! Operands: the compare's own [`Ops`] with two additions in fields it does not use: `ra` holds
//! the branch condition and the high 32 bits of `imm` the branch offset (from the B.cond, a
//! signed 21-bit byte offset); the low 32 bits of `imm` keep the compare's immediate (at most
//! 24 bits: imm12, shifted by 12).

use super::{add_with_flags, cond_holds, sub_with_flags};
#[cfg(doc)]
use super::{dp_imm, dp_reg};
use crate::aarch64::block::Env;
use crate::aarch64::decode::{DecodeResult, Decoded, Handler};
use crate::aarch64::state::{Cpu, Flow, Ops};

/// The compares that fuse with a following B.cond: table line names and fused handlers.
const FIRSTS: [(&str, Handler); 4] = [
    ("SUBS_i", subs_i_b),
    ("ADDS_i", adds_i_b),
    ("SUBS_r_lsl", subs_r_b),
    ("ADDS_r_lsl", adds_r_b),
];

/// The fused entry for `first` followed by `second`, when they form a pair this module runs.
pub fn fuse(first: &DecodeResult, second: &DecodeResult) -> Option<Decoded> {
    let (Some(p1), Some(p2)) = (first.pattern, second.pattern) else {
        return None;
    };
    if p2.name != "B_cond" {
        return None;
    }
    let exec = FIRSTS.iter().find(|(name, _)| *name == p1.name)?.1;
    let (a, b) = (&first.insn.ops, &second.insn.ops);
    // The fields the packing relies on: the compare's immediate fits in 32 bits and leaves
    // `ra` unused; the branch offset fits in 32 bits signed.
    if a.imm >> 32 != 0 || a.ra != 0 || b.imm as i64 != b.imm as i32 as i64 {
        return None;
    }
    Some(Decoded {
        exec,
        ops: Ops {
            ra: b.op,
            imm: a.imm | b.imm << 32,
            ..*a
        },
    })
}

/// The compare's immediate inside a fused entry's operands.
#[inline(always)]
fn imm(o: &Ops) -> u64 {
    o.imm as u32 as u64
}

/// The B.cond half: the compare at the PC has set the flags `nzcv`; branch on them.
#[inline(always)]
fn branch(cpu: &mut Cpu, o: &Ops, nzcv: u32) -> Flow {
    let bcond = cpu.pc.wrapping_add(4);
    cpu.pc = if cond_holds(o.ra, nzcv) {
        bcond.wrapping_add((o.imm >> 32) as i32 as u64)
    } else {
        bcond.wrapping_add(4)
    };
    // The executor counted this entry as one instruction: the B.cond is the second.
    cpu.insns += 1;
    Flow::Jump
}

/// SUBS/CMP (immediate, as [`dp_imm::subs_i`]); B.cond.
fn subs_i_b(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (v, f) = sub_with_flags(cpu.r(o.rn), imm(o), o.sf);
    cpu.nzcv = f;
    cpu.w(o.rd, v);
    branch(cpu, o, f)
}

/// ADDS/CMN (immediate, as [`dp_imm::adds_i`]); B.cond.
fn adds_i_b(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (v, f) = add_with_flags(cpu.r(o.rn), imm(o), o.sf);
    cpu.nzcv = f;
    cpu.w(o.rd, v);
    branch(cpu, o, f)
}

/// SUBS/CMP (shifted register, LSL, as [`dp_reg::subs_r`]); B.cond.
fn subs_r_b(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (v, f) = sub_with_flags(cpu.r(o.rn), cpu.r(o.rm) << o.shift, o.sf);
    cpu.nzcv = f;
    cpu.w(o.rd, v);
    branch(cpu, o, f)
}

/// ADDS/CMN (shifted register, LSL, as [`dp_reg::adds_r`]); B.cond.
fn adds_r_b(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (v, f) = add_with_flags(cpu.r(o.rn), cpu.r(o.rm) << o.shift, o.sf);
    cpu.nzcv = f;
    cpu.w(o.rd, v);
    branch(cpu, o, f)
}

#[cfg(test)]
mod tests {
    use crate::aarch64::block::debug::DebugState;
    use crate::aarch64::decode::decode;
    use crate::aarch64::exec::system::tests::{machine, BASE};
    use crate::aarch64::{BlockCache, Cpu, Exit};

    // Encodings from aarch64-linux-gnu-as.
    const HVC_1: u32 = 0xd400_0022; // hvc #1
    const HVC_2: u32 = 0xd400_0042; // hvc #2
    const ADD_X5_1: u32 = 0x9100_04a5; // add x5, x5, #1
    /// The compares of the fused kinds, each with its table line.
    const FIRSTS: [(u32, &str); 8] = [
        (0xf100_0c3f, "cmp x1, #3"),
        (0x7140_043f, "cmp w1, #1, lsl #12"),
        (0xf100_0420, "subs x0, x1, #1"),
        (0x3100_0420, "adds w0, w1, #1"),
        (0xeb02_003f, "cmp x1, x2"),
        (0x6b02_103f, "cmp w1, w2, lsl #4"),
        (0xab02_0420, "adds x0, x1, x2, lsl #1"),
        (0x2b02_003f, "cmn w1, w2"),
    ];
    /// b.<cond> +8 (to the second HVC) for cond 0..16: 0x54000040 | cond.
    fn bcond(cond: u32) -> u32 {
        0x5400_0040 | cond
    }

    /// The block `add x5, x5, #1; <cmp>; b.<cond> +8; hvc #1; hvc #2` from `x1`, `x2`, run with
    /// `budget`, on the fast path (`plain` false) or the debugger's executor (`plain` true,
    /// which never runs fused entries). Returns the vCPU and the exit.
    fn run(cmp: u32, cond: u32, x1: u64, x2: u64, budget: u64, plain: bool) -> (Cpu, Exit) {
        let (mut cpu, mut bus) = machine(&[ADD_X5_1, cmp, bcond(cond), HVC_1, HVC_2]);
        cpu.x[1] = x1;
        cpu.x[2] = x2;
        cpu.nzcv = 0x9000_0000;
        if plain {
            cpu.debug = Some(Box::<DebugState>::default());
        }
        let mut cache = BlockCache::new();
        let exit = cpu.run(&mut cache, &mut bus, budget);
        // The block holds the pair fused (the plain run just does not use it).
        let block = cache.get(BASE).expect("the block is cached");
        assert_eq!((block.insns.len(), block.fast.len()), (3, 2));
        (cpu, exit)
    }

    /// Every fused kind decodes to a fused pair.
    #[test]
    fn the_pairs_fuse() {
        for (w, asm) in FIRSTS {
            assert!(
                super::fuse(&decode(w), &decode(bcond(0))).is_some(),
                "{asm}"
            );
        }
        // Not a B.cond after it, or not a fused kind before it: nothing.
        assert!(super::fuse(&decode(FIRSTS[0].0), &decode(HVC_1)).is_none());
        assert!(super::fuse(&decode(ADD_X5_1), &decode(bcond(0))).is_none());
    }

    /// Fused and plain runs agree on everything the guest sees, for every condition and edge
    /// operands, with the whole block in the budget, with the budget ending between the pair
    /// (then only the compare runs) and ending before it.
    #[test]
    fn fused_pairs_run_as_the_two_instructions() {
        let edges = [
            0u64,
            1,
            3,
            0x1000,
            0x7fff_ffff,
            0x8000_0000,
            0xffff_ffff,
            i64::MAX as u64,
            1 << 63,
            u64::MAX,
        ];
        let mut runs = 0;
        for (w, asm) in FIRSTS {
            for cond in 0..16 {
                for &x1 in &edges {
                    for &x2 in &edges[..4] {
                        for budget in [100, 2, 1] {
                            let (a, ea) = run(w, cond, x1, x2, budget, false);
                            let (b, eb) = run(w, cond, x1, x2, budget, true);
                            let what =
                                format!("{asm}; b.{cond} x1={x1:#x} x2={x2:#x} budget {budget}");
                            assert_eq!(ea, eb, "{what}");
                            assert_eq!(
                                (a.pc, a.insns, a.nzcv, a.x[0], a.x[5]),
                                (b.pc, b.insns, b.nzcv, b.x[0], b.x[5]),
                                "{what}"
                            );
                            runs += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(runs, 8 * 16 * 10 * 4 * 3);
        // Spot check against hand-computed outcomes: cmp x1, #3 with x1 = 3 is EQ (taken to the
        // second HVC), NE falls through to the first; the HVC counts as the fourth instruction.
        let (cpu, exit) = run(FIRSTS[0].0, 0, 3, 0, 100, false);
        assert_eq!((exit, cpu.insns, cpu.nzcv), (Exit::Hvc(2), 4, 0x6000_0000));
        let (cpu, exit) = run(FIRSTS[0].0, 1, 3, 0, 100, false);
        assert_eq!((exit, cpu.insns), (Exit::Hvc(1), 4));
        // Budget 2: the ADD and the compare ran, the PC is at the B.cond.
        let (cpu, exit) = run(FIRSTS[0].0, 0, 3, 0, 2, false);
        assert_eq!((exit, cpu.insns, cpu.pc), (Exit::Budget, 2, BASE + 8));
    }
}
