//! Superinstructions: two adjacent instructions of a block run as one threaded handler.
//!
//! A compare (CMP, CMN, TST and the flag-setting ADDS/SUBS/ANDS they alias) followed by a
//! B.cond, or a register compare followed by a CSINC (CINC, CSET), is the commonest pair of the
//! kernel's code. [`decode_block`](super::super::block) gives the first entry of such a pair the
//! fused form from [`fused`]: both handlers inlined, one dispatch for the two, and the
//! condition read from the flags the compare has just written, with no trip through memory.
//! The second entry stays in the block as it was: partial and traced runs (which call each
//! entry's plain handler) run the pair as two instructions, and a fused run counts, stops and
//! gives back exactly as they do (a taken branch stops at the second entry).

use super::{step, DecodeResult, Decoded, Threaded};
use crate::aarch64::block::Env;
use crate::aarch64::exec::{branch, dp_imm, dp_reg};
use crate::aarch64::state::{Cpu, Flow};

/// The threaded form of the entry at `d` followed by the entry after it, run as handlers `$a`
/// then `$b` (paths to [`super::Handler`]s).
macro_rules! fused {
    ($a:path, $b:path) => {{
        /// # Safety
        /// As [`Threaded`]; `d` is the first entry of an `$a`, `$b` pair, which is not the
        /// block's last instruction.
        unsafe fn fused(cpu: &mut Cpu, env: &mut Env, d: *const Decoded) -> Flow {
            // SAFETY: `d` may be read (the caller's contract).
            let f = $a(cpu, env, unsafe { &(*d).ops });
            if f != Flow::Next {
                cpu.stopped_at = d as usize;
                return f;
            }
            cpu.pc = cpu.pc.wrapping_add(4);
            // SAFETY: the entry after `d` is the pair's second instruction, in the same block,
            // not the end entry (the caller's contract).
            unsafe { step(cpu, env, d.add(1), $b) }
        }
        fused as Threaded
    }};
}

/// [`fused!`] for each condition code of the second handler (path segments, then optional
/// leading const arguments in brackets; its last const parameter is the condition), indexed by
/// condition as [`super::cond_code`] picks a `PER_COND` line's.
macro_rules! fused_per_cond {
    ($a:path, $($seg:ident)::+ $([$($g:tt)*])?) => {
        fused_per_cond!(@all [[$a] [$($seg)::+] [$($($g)*,)?]]
            0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 14)
    };
    (@all $abg:tt $($c:literal)*) => {{
        const T: [Threaded; 16] = [$(fused_per_cond!(@one $abg $c)),*];
        &T
    }};
    (@one [[$a:path] [$($f:tt)*] [$($g:tt)*]] $c:literal) => {
        fused!($a, $($f)*::<$($g)* $c>)
    };
}

/// `NONE` and `LSL` of the shifted-register lines' variants ([`dp_reg::shift_kind`]).
const NONE: usize = dp_reg::rm_shift::NONE as usize;
const LSL: usize = dp_reg::rm_shift::LSL as usize;

/// The fused pairs: the first line's name and, for a line with variants, the index of its
/// instantiation (0 otherwise); the second line's name; the fused forms by the second's
/// condition code.
type Pair = (&'static str, usize, &'static str, &'static [Threaded; 16]);

const PAIRS: &[Pair] = &[
    (
        "SUBS_r_lsl_x",
        NONE,
        "B_cond",
        fused_per_cond!(
            dp_reg::subs_r::<true, { dp_reg::rm_shift::NONE }>,
            branch::b_cond
        ),
    ),
    (
        "SUBS_r_lsl_x",
        LSL,
        "B_cond",
        fused_per_cond!(
            dp_reg::subs_r::<true, { dp_reg::rm_shift::LSL }>,
            branch::b_cond
        ),
    ),
    (
        "SUBS_r_lsl",
        NONE,
        "B_cond",
        fused_per_cond!(
            dp_reg::subs_r::<false, { dp_reg::rm_shift::NONE }>,
            branch::b_cond
        ),
    ),
    (
        "SUBS_i_x",
        0,
        "B_cond",
        fused_per_cond!(dp_imm::subs_i::<true>, branch::b_cond),
    ),
    (
        "SUBS_i",
        0,
        "B_cond",
        fused_per_cond!(dp_imm::subs_i::<false>, branch::b_cond),
    ),
    (
        "ADDS_i_x",
        0,
        "B_cond",
        fused_per_cond!(dp_imm::adds_i::<true>, branch::b_cond),
    ),
    (
        "ADDS_i",
        0,
        "B_cond",
        fused_per_cond!(dp_imm::adds_i::<false>, branch::b_cond),
    ),
    (
        "ANDS_i",
        0,
        "B_cond",
        fused_per_cond!(dp_imm::ands_i, branch::b_cond),
    ),
    (
        "ANDS_r",
        NONE,
        "B_cond",
        fused_per_cond!(dp_reg::ands_r::<{ dp_reg::rm_shift::NONE }>, branch::b_cond),
    ),
    (
        "SUBS_r_lsl_x",
        NONE,
        "CSINC_x",
        fused_per_cond!(
            dp_reg::subs_r::<true, { dp_reg::rm_shift::NONE }>,
            dp_reg::csinc[true]
        ),
    ),
];

/// The fused form of `a` followed by `b` in a block, when the pair is one of the table `PAIRS`.
pub fn fused(a: &DecodeResult, b: &DecodeResult) -> Option<Threaded> {
    let (pa, pb) = (a.pattern?, b.pattern?);
    let form = pa.variants.map_or(0, |v| (v.pick)(&a.insn.ops));
    PAIRS
        .iter()
        .find(|(x, f, y, _)| *x == pa.name && *f == form && *y == pb.name)
        .map(|(_, _, _, forms)| forms[(b.insn.ops.op & 15) as usize])
}

#[cfg(test)]
mod tests {
    use super::{fused, PAIRS};
    use crate::aarch64::decode::decode;
    use crate::aarch64::exec::system::tests::{machine, BASE};
    use crate::aarch64::{BlockCache, Exit};

    const HVC_1: u32 = 0xd400_0022; // hvc #1
    const ADD_X5_1: u32 = 0x9100_04a5; // add x5, x5, #1

    /// A first instruction for every line of [`PAIRS`] (the test checks that each is covered).
    const FIRSTS: &[u32] = &[
        0xeb02_003f, // cmp x1, x2
        0xeb02_0c3f, // cmp x1, x2, lsl #3
        0x6b02_003f, // cmp w1, w2
        0xf100_143f, // cmp x1, #5
        0x7100_143f, // cmp w1, #5
        0xb100_143f, // cmn x1, #5
        0x3100_1423, // adds w3, w1, #5
        0xf240_1c3f, // tst x1, #0xff
        0x7200_003f, // tst w1, #1
        0xea02_003f, // tst x1, x2
        0x6a02_003f, // tst w1, w2
    ];

    /// The second instruction of a pair for condition `cond`: `b.<cond> .+8` (skipping the ADD
    /// after it) or `csinc x4, x4, x4, <cond>`.
    fn second(name: &str, cond: u32) -> u32 {
        match name {
            "B_cond" => 0x5400_0040 | cond,
            "CSINC_x" => 0x9a84_0484 | cond << 12,
            _ => panic!("no sample of {name}"),
        }
    }

    /// Operand values: around zero, the sign bits of both widths, the carries out of them.
    const VALUES: &[u64] = &[
        0,
        1,
        5,
        0xff,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        0x1_0000_0004,
        0x7fff_ffff_ffff_ffff,
        0x8000_0000_0000_0000,
        u64::MAX - 4,
        u64::MAX,
    ];

    /// Every fused pair, for every condition and operand values of both widths' edges, leaves
    /// the registers, NZCV, PC and instruction count exactly as the same two instructions run
    /// one at a time (budget 1 per run: the plain loop, no fused form).
    #[test]
    fn fused_pairs_run_as_their_two_instructions() {
        let mut covered = vec![false; PAIRS.len()];
        for &first in FIRSTS {
            let a = decode(first);
            let pa = a.pattern.expect("first decodes");
            let form = pa.variants.map_or(0, |v| (v.pick)(&a.insn.ops));
            let mut seconds: Vec<&str> = Vec::new();
            for (i, (x, f, y, _)) in PAIRS.iter().enumerate() {
                if *x == pa.name && *f == form {
                    covered[i] = true;
                    seconds.push(y);
                }
            }
            assert!(
                !seconds.is_empty(),
                "{first:#x} ({}) starts no pair",
                pa.name
            );
            for name in seconds {
                for cond in 0..16 {
                    let word = second(name, cond);
                    let b = decode(word);
                    assert_eq!(b.pattern.map(|p| p.name), Some(name), "{word:#x}");
                    assert!(fused(&a, &b).is_some(), "{first:#x} {word:#x}");
                    let code = [first, word, ADD_X5_1, HVC_1];
                    let (mut fast, mut bus) = machine(&code);
                    let (mut slow, _) = machine(&code);
                    let (mut fast_cache, mut slow_cache) = (BlockCache::new(), BlockCache::new());
                    for &x1 in VALUES {
                        for &x2 in VALUES {
                            for cpu in [&mut fast, &mut slow] {
                                cpu.pc = BASE;
                                cpu.insns = 0;
                                cpu.x[..6].copy_from_slice(&[0, x1, x2, 7, x2, 0]);
                                cpu.set_nzcv(0xa000_0000);
                            }
                            let exit = fast.run(&mut fast_cache, &mut bus, 100);
                            assert_eq!(exit, Exit::Hvc(1));
                            let exit = loop {
                                match slow.run(&mut slow_cache, &mut bus, 1) {
                                    Exit::Budget => continue,
                                    e => break e,
                                }
                            };
                            assert_eq!(exit, Exit::Hvc(1));
                            let what = format!("{first:#x} {word:#x} x1={x1:#x} x2={x2:#x}");
                            assert_eq!(fast.x[..32], slow.x[..32], "{what}");
                            assert_eq!(fast.nzcv(), slow.nzcv(), "{what}");
                            assert_eq!((fast.pc, fast.insns), (slow.pc, slow.insns), "{what}");
                        }
                    }
                }
            }
        }
        for (i, (x, f, y, _)) in PAIRS.iter().enumerate() {
            assert!(covered[i], "no sample of the pair {x} (form {f}) + {y}");
        }
    }
}
