//! Superinstructions: two or more adjacent instructions of a block run as one threaded handler.
//!
//! Two kinds of pairs: a compare (CMP, CMN, TST and the flag-setting ADDS/SUBS/ANDS they
//! alias) followed by a B.cond, or a register compare followed by a CSINC (CINC, CSET), the
//! commonest pairs of the kernel's code (`PAIRS`); and any two adjacent instructions among the
//! data-processing lines of the boot's hot loops (`ALU`: the multi-precision multiply loops
//! and BLAKE2s, half of the Debian boot, with `MOV` and `ADD` from the rest). Two longer
//! groups: the index idiom that starts those multiply loops, `SXTW; SUB; LDR[; LDR]`
//! ([`index_loads`]), and the thirteen instructions of their limb product
//! ([`limbs::limb_product`]).
//! [`decode_block`](super::super::block) gives the first entry of each group that [`groups`]
//! chooses its fused form: the handlers inlined, one dispatch for the group, and each
//! instruction reading what the one before it has just written (flags, or a register by
//! [`forward`]'s form) from a host register, without a trip through memory. The other entries
//! stay in the block as they were: partial and traced runs (which call each entry's plain
//! handler) run the group one instruction at a time, and a fused run counts, stops and gives
//! back exactly as they do (a taken branch stops at the second entry, or, closing a loop of
//! one block, may run the block again as its plain form would have it started anew,
//! [`loops`]; a load that misses the fast path goes on from its own entry).

use super::{limbs, loops, run_entry, step, step_on, DecodeResult, Decoded, Threaded};
use crate::aarch64::block::{Env, MAX_BLOCK};
use crate::aarch64::exec::{branch, dp_imm, dp_reg, ldst};
use crate::aarch64::state::{Cpu, Flow, Ops};

/// The threaded form of the entry at `d` followed by the entry after it, run as handlers `$a`
/// then `$b` (paths to [`super::Handler`]s).
macro_rules! fused {
    ($a:path, $b:path) => {
        fused!(@form $a, $b, NO_FORWARD)
    };
    (@form $a:path, $b:path, $fwd:expr) => {{
        /// # Safety
        /// As [`Threaded`]; `d` is the first entry of an `$a`, `$b` pair, which is not the
        /// block's last instruction, and the second reads the first's destination as its
        /// operand `$fwd` says ([`forward`]).
        unsafe fn fused(cpu: &mut Cpu, env: &mut Env, d: *const Decoded) -> Flow {
            // SAFETY: the caller's contract; the entry after `d` is the pair's second
            // instruction, in the same block, not the end entry.
            unsafe {
                if let Some(f) = run_entry(cpu, env, d, $a) {
                    return f;
                }
                cpu.pc = cpu.pc.wrapping_add(4);
                let rd = (*d).ops.rd;
                step(cpu, env, d.add(1), |cpu: &mut Cpu, env: &mut Env, o: &Ops| {
                    // The same operands, the forwarded one named by the first's `rd`: the
                    // read is then seen to be of the register just written, which stays in
                    // a host register.
                    let o = match $fwd {
                        FORWARD_RN => Ops { rn: rd, ..*o },
                        FORWARD_RM => Ops { rm: rd, ..*o },
                        FORWARD_RA => Ops { ra: rd, ..*o },
                        _ => *o,
                    };
                    $b(cpu, env, &o)
                })
            }
        }
        fused as Threaded
    }};
}

/// The fused forms of `$a` then `$b` by [`forward`]'s pick.
macro_rules! fused_forwarding {
    ($a:path, $b:path) => {
        [
            fused!(@form $a, $b, NO_FORWARD),
            fused!(@form $a, $b, FORWARD_RN),
            fused!(@form $a, $b, FORWARD_RM),
            fused!(@form $a, $b, FORWARD_RA),
        ]
    };
}

/// What the second instruction of a fused pair reads of the first's result: nothing
/// ([`NO_FORWARD`]), or its `rn`, `rm` or `ra` (MADD's addend) is the first's `rd`
/// ([`FORWARD_RN`], [`FORWARD_RM`], [`FORWARD_RA`]).
const NO_FORWARD: usize = 0;
const FORWARD_RN: usize = 1;
const FORWARD_RM: usize = 2;
const FORWARD_RA: usize = 3;

/// The [`NO_FORWARD`]... form for `a` followed by `b`, whose Ra is an addend when `b_adds_ra`
/// (MADD; other shapes put other things there). A line without an Rm may be taken as reading
/// the first's result when its unused field happens to equal it: the forwarded operands are
/// the same values, so that only [`groups`]' preference is off.
fn forward(a: &Ops, b: &Ops, b_adds_ra: bool) -> usize {
    if b.rn == a.rd {
        FORWARD_RN
    } else if b.rm == a.rd {
        FORWARD_RM
    } else if b_adds_ra && b.ra == a.rd {
        FORWARD_RA
    } else {
        NO_FORWARD
    }
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

/// `NONE`, `LSL` and `LSR_X` of the shifted-register lines' variants ([`dp_reg::shift_kind`]).
const NONE: usize = dp_reg::rm_shift::NONE as usize;
const LSL: usize = dp_reg::rm_shift::LSL as usize;
const LSR_X: usize = dp_reg::rm_shift::LSR_X as usize;

/// The fused pairs: the first line's name and, for a line with variants, the index of its
/// instantiation (0 otherwise); the second line's name; the fused forms by the second's
/// condition code; for a second that is a branch, the forms for when it closes a loop of one
/// block ([`loops`]).
type Pair = (
    &'static str,
    usize,
    &'static str,
    &'static [Threaded; 16],
    Option<&'static [Threaded; 16]>,
);

/// A line of [`PAIRS`]: `$first` (its name and instantiation) followed by B.cond, its forms
/// run by handler `$a`.
macro_rules! b_cond_pair {
    ($first:literal, $form:expr, $a:path) => {
        (
            $first,
            $form,
            "B_cond",
            fused_per_cond!($a, branch::b_cond[false]),
            Some(fused_per_cond!($a, branch::b_cond[true])),
        )
    };
}

const PAIRS: &[Pair] = &[
    b_cond_pair!(
        "SUBS_r_x",
        NONE,
        dp_reg::subs_r::<true, { dp_reg::rm_shift::NONE }>
    ),
    b_cond_pair!(
        "SUBS_r_x",
        LSL,
        dp_reg::subs_r::<true, { dp_reg::rm_shift::LSL }>
    ),
    b_cond_pair!(
        "SUBS_r",
        NONE,
        dp_reg::subs_r::<false, { dp_reg::rm_shift::NONE }>
    ),
    b_cond_pair!("SUBS_i_x", 0, dp_imm::subs_i::<true>),
    b_cond_pair!("SUBS_i", 0, dp_imm::subs_i::<false>),
    b_cond_pair!("ADDS_i_x", 0, dp_imm::adds_i::<true>),
    b_cond_pair!("ADDS_i", 0, dp_imm::adds_i::<false>),
    b_cond_pair!("ANDS_i", 0, dp_imm::ands_i),
    b_cond_pair!("ANDS_r", NONE, dp_reg::ands_r::<{ dp_reg::rm_shift::NONE }>),
    (
        "SUBS_r_x",
        NONE,
        "CSINC_x",
        fused_per_cond!(
            dp_reg::subs_r::<true, { dp_reg::rm_shift::NONE }>,
            dp_reg::csinc[true]
        ),
        None,
    ),
];

/// The lines of [`ALU`] and the fused forms of any two of them: `ALU_PAIRS[i][j]` runs line
/// `i` then line `j`. Each line: its name, the index of its instantiation (as in `PAIRS`) and
/// the instantiation's handler.
macro_rules! alu_pairs {
    ($($line:tt),* $(,)?) => {
        alu_pairs!(@go [$($line),*] $($line),*);
    };
    (@go $all:tt $($line:tt),*) => {
        /// The data-processing instructions of the kernel's hot loops (`mpihelp_submul_1`,
        /// `mpihelp_addmul_1`, `blake2s_compress_generic`: half of the Debian boot's
        /// instructions), `MOV` (register) and `ADD` (immediate), the commonest of the rest,
        /// and `ADRP`, which the `ADD` of an address usually follows; any two adjacent ones
        /// run fused: their name and the index of their instantiation, as in `PAIRS`. None of
        /// them accesses memory or can fault; `ADRP` reads the PC, which the fused form steps
        /// between the two as the plain run does.
        const ALU: &[(&str, usize)] = &[$(alu_pairs!(@key $line)),*];
        /// `ALU_PAIRS[i][j]`: line `i` of [`ALU`] followed by line `j`, by [`forward`].
        const ALU_PAIRS: &[&[[Threaded; 4]]] = &[$(alu_pairs!(@row $line $all)),*];
    };
    (@key ($name:literal, $form:expr, $h:path)) => {
        ($name, $form)
    };
    (@row ($n:literal, $f:expr, $a:path) [$(($m:literal, $g:expr, $b:path)),*]) => {
        &[$(fused_forwarding!($a, $b)),*]
    };
}

alu_pairs!(
    (
        "SBFM",
        dp_imm::sbf::SXTW as usize,
        dp_imm::sbfm::<{ dp_imm::sbf::SXTW }>
    ),
    (
        "SUB_r_x",
        NONE,
        dp_reg::sub_r::<true, { dp_reg::rm_shift::NONE }>
    ),
    ("AND_i_x", 0, dp_imm::and_i::<true>),
    (
        "UBFM",
        dp_imm::bf::LSR_X as usize,
        dp_imm::ubfm::<{ dp_imm::bf::LSR_X }>
    ),
    ("MADD_x", 0, dp_reg::madd::<true>),
    (
        "ADD_x",
        dp_reg::rm_extend::UXTW_X as usize,
        dp_reg::add_x::<{ dp_reg::rm_extend::UXTW_X }>
    ),
    (
        "ADD_r_x",
        LSR_X,
        dp_reg::add_r::<true, { dp_reg::rm_shift::LSR_X }>
    ),
    (
        "ADD_r_x",
        NONE,
        dp_reg::add_r::<true, { dp_reg::rm_shift::NONE }>
    ),
    (
        "ADD_r_x",
        LSL,
        dp_reg::add_r::<true, { dp_reg::rm_shift::LSL }>
    ),
    (
        "SUBS_r_x",
        NONE,
        dp_reg::subs_r::<true, { dp_reg::rm_shift::NONE }>
    ),
    ("CSEL_x", CC, dp_reg::csel::<true, 3>),
    ("CSINC_x", CS, dp_reg::csinc::<true, 2>),
    ("ADDS_i", 0, dp_imm::adds_i::<false>),
    (
        "ADD_r",
        NONE,
        dp_reg::add_r::<false, { dp_reg::rm_shift::NONE }>
    ),
    (
        "EOR_r",
        NONE,
        dp_reg::eor_r::<false, { dp_reg::rm_shift::NONE }>
    ),
    ("EXTR", 0, dp_imm::extr),
    ("MOV_r_x", 0, dp_reg::mov_r::<true>),
    ("ADD_i_x", 0, dp_imm::add_i::<true>),
    ("ADRP", 0, dp_imm::adrp),
);

/// Condition codes CS (HS) and CC (LO): the carry tests of the multi-precision loops (`CSEL ..,
/// LO`, and `CINC .., LO`, which is `CSINC .., HS`).
const CS: usize = 2;
const CC: usize = 3;

/// The fused form of `a` followed by `b` in a block, when the pair is one of the table `PAIRS`
/// or both are lines of `ALU`.
pub fn fused(a: &DecodeResult, b: &DecodeResult) -> Option<Threaded> {
    fused_scored(a, b, alu_line(a), alu_line(b), false).map(|(t, _)| t)
}

/// The line of [`ALU`] that runs `d`, if any.
fn alu_line(d: &DecodeResult) -> Option<usize> {
    let key = d.line()?;
    ALU.iter().position(|&k| k == key)
}

/// [`fused`] (`la`, `lb`: the [`alu_line`]s of `a` and `b`; `b_closes_loop`: `b` is a branch
/// to its block's first instruction, [`loops::closes_loop`]), with the pair's worth to
/// [`groups`]: [`PAIR`], and [`DEPENDENT`] more when the second reads what the first writes
/// (flags, or a register by [`forward`]), which the fused form passes in a host register
/// instead of through memory.
fn fused_scored(
    a: &DecodeResult,
    b: &DecodeResult,
    la: Option<usize>,
    lb: Option<usize>,
    b_closes_loop: bool,
) -> Option<(Threaded, u32)> {
    let ((first, form), second) = (a.line()?, b.pattern?.name);
    if let Some((.., forms, loop_forms)) = PAIRS
        .iter()
        .find(|(x, f, y, ..)| *x == first && *f == form && *y == second)
    {
        let forms = match loop_forms {
            Some(loop_forms) if b_closes_loop => loop_forms,
            _ => forms,
        };
        return Some((forms[(b.insn.ops.op & 15) as usize], PAIR + DEPENDENT));
    }
    let (i, j) = (la?, lb?);
    let fwd = forward(&a.insn.ops, &b.insn.ops, ALU[j].0 == "MADD_x");
    let worth = if fwd == NO_FORWARD {
        PAIR
    } else {
        PAIR + DEPENDENT
    };
    Some((ALU_PAIRS[i][j][fwd], worth))
}

/// The index idiom of the multi-precision loops (`mpihelp_mul_1`, `mpihelp_addmul_1`,
/// `mpihelp_submul_1`): `sxtw xi, wj; sub xi, xi, xk; ldr xa, [xb, xi, lsl #3]`, and in the
/// two that also read the result limb a second `ldr xc, [xd, xi, lsl #3]`. One handler runs
/// the group, each instruction reading the index the one before it wrote from a host
/// register. A load that misses the data TLB's fast path continues the block from its own
/// entry (its plain threaded form: the whole handler, then the entries after it), so that a
/// group counts, faults and stops exactly as its instructions do one at a time.
///
/// # Safety
/// As [`Threaded`]; `d` is the first entry of an index idiom of `LOADS` loads ([`index_idiom`]),
/// none of them the block's end entry.
unsafe fn index_loads<const LOADS: usize>(cpu: &mut Cpu, env: &mut Env, d: *const Decoded) -> Flow {
    const SXTW: u8 = dp_imm::sbf::SXTW;
    const NONE: u8 = dp_reg::rm_shift::NONE;
    // SAFETY: the caller's contract: the group's entries follow `d` in the same block.
    unsafe {
        if let Some(f) = run_entry(cpu, env, d, dp_imm::sbfm::<SXTW>) {
            return f;
        }
        cpu.pc = cpu.pc.wrapping_add(4);
        // Each operand that reads the index is named by the register the instruction before
        // wrote (the same one: `index_idiom`), so that the read is seen to be of the value
        // just written, which stays in a host register.
        let extended = (*d).ops.rd;
        let sub = d.add(1);
        let sub_ops = Ops {
            rn: extended,
            ..(*sub).ops
        };
        if let Some(f) = run_entry(cpu, env, sub, |cpu, env, _| {
            dp_reg::sub_r::<true, NONE>(cpu, env, &sub_ops)
        }) {
            return f;
        }
        let index = (*sub).ops.rd;
        let mut ld = sub;
        for _ in 0..LOADS {
            cpu.pc = cpu.pc.wrapping_add(4);
            ld = ld.add(1);
            let o = Ops {
                rm: index,
                ..(*ld).ops
            };
            if !ldst::ld_r_hit::<8, { ldst::ZX }, { ldst::IX_X }, false>(cpu, &o) {
                return ((*ld).thread)(cpu, env, ld);
            }
        }
        step_on(cpu, env, ld)
    }
}

/// The [`index_loads`] group at the start of `block`, if any: its handler and length.
fn index_idiom(block: &[DecodeResult]) -> Option<(Threaded, usize)> {
    let [sxtw, sub, ld, rest @ ..] = block else {
        return None;
    };
    if sxtw.pattern?.name != "SBFM" {
        return None;
    }
    // A 64-bit index and a base that is not SP: the line's first instantiation
    // (`ldst::index_kind`), which `index_loads` runs.
    let indexed_load =
        |d: &DecodeResult, index: u8| d.line() == Some(("LDRx_r", 0)) && d.insn.ops.rm == index;
    let i = sub.insn.ops.rd;
    if sxtw.line() != Some(("SBFM", dp_imm::sbf::SXTW as usize))
        || sub.line() != Some(("SUB_r_x", NONE))
        || sub.insn.ops.rn != sxtw.insn.ops.rd
        || !indexed_load(ld, i)
    {
        return None;
    }
    match rest.first() {
        Some(ld2) if ld.insn.ops.rd != i && indexed_load(ld2, i) => Some((index_loads::<2>, 4)),
        _ => Some((index_loads::<1>, 3)),
    }
}

/// The group longer than a pair that starts `block`, if any: a limb product
/// ([`limbs::limb_product`]) or an index idiom ([`index_idiom`]); its handler and length.
fn long_group(block: &[DecodeResult]) -> Option<(Threaded, usize)> {
    limbs::limb_product(block).or_else(|| index_idiom(block))
}

/// The worth of a fused pair ([`fused_scored`]): one dispatch fewer.
const PAIR: u32 = 2;
/// The worth of a value passed in a host register: as much as a dispatch, since a chain of
/// dependent instructions through the register file in memory bounds the hot loops more than
/// their host instruction count does.
const DEPENDENT: u32 = 2;

/// The fused groups of a block's instructions `block` (at most [`MAX_BLOCK`]): `fuse(i, form)`
/// for each, `i` the index of its first instruction, whose entry the form replaces. Groups are
/// pairs ([`fused_scored`]), index idioms ([`index_idiom`]) and limb products
/// ([`limbs::limb_product`]); they do not overlap. Of the ways to choose them, one of the
/// highest total worth, the earlier group on ties.
pub fn groups(block: &[DecodeResult], mut fuse: impl FnMut(usize, Threaded)) {
    let n = block.len().min(MAX_BLOCK);
    let mut line = [None; MAX_BLOCK];
    for (l, d) in line.iter_mut().zip(block) {
        *l = alu_line(d);
    }
    // Candidates at each instruction: (form, length, worth).
    let mut candidate = [None; MAX_BLOCK];
    for i in 0..n {
        candidate[i] = match long_group(&block[i..n]) {
            // A dispatch and a value in a host register per instruction after the first.
            Some((form, len)) => Some((form, len, (len as u32 - 1) * (PAIR + DEPENDENT))),
            None if i + 1 < n => {
                let closes_loop = loops::closes_loop(&block[i + 1], i + 1);
                fused_scored(&block[i], &block[i + 1], line[i], line[i + 1], closes_loop)
                    .map(|(form, worth)| (form, 2, worth))
            }
            None => None,
        };
    }
    // best[i]: the highest worth of the groups among instructions i..n.
    let mut best = [0u32; MAX_BLOCK + 1];
    for i in (0..n).rev() {
        best[i] = best[i + 1];
        if let Some((_, len, worth)) = candidate[i] {
            best[i] = best[i].max(worth + best[i + len]);
        }
    }
    let mut i = 0;
    while i < n {
        match candidate[i] {
            Some((form, len, worth)) if worth + best[i + len] == best[i] => {
                fuse(i, form);
                i += len;
            }
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::long_group;
    use super::{
        forward, fused, groups, ALU, FORWARD_RA, FORWARD_RM, FORWARD_RN, NO_FORWARD, PAIRS,
    };
    use crate::aarch64::decode::decode;
    use crate::aarch64::decode::lockstep::Lockstep;
    use crate::aarch64::exec::system::tests::BASE;
    use crate::aarch64::sysreg::Reg;
    use crate::aarch64::Exit;

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

    /// Runs `code` (ending with `HVC #1`) from every pair of [`VALUES`] in X1 and X2, once whole
    /// (a threaded run: fused pairs fused) and once an instruction per run (the plain loop, no
    /// fused form), and asserts the same registers, NZCV, PC and instruction count.
    fn assert_fused_runs_as_stepped(code: &[u32]) {
        let mut lock = Lockstep::new(code);
        // Under Miri (which checks the threaded runs' pointer steps), the first two values only.
        let values = if cfg!(miri) { &VALUES[..2] } else { VALUES };
        for &x1 in values {
            for &x2 in values {
                lock.start(|cpu| {
                    cpu.x[..6].copy_from_slice(&[0, x1, x2, 7, x2 ^ x1 << 7, 0]);
                    cpu.set_nzcv(0xa000_0000);
                });
                let exit = lock.run(&format!("{code:x?} x1={x1:#x} x2={x2:#x}"));
                assert_eq!(exit, Exit::Hvc(1));
            }
        }
    }

    /// Every fused pair, for every condition and operand values of both widths' edges, leaves
    /// the registers, NZCV, PC and instruction count exactly as the same two instructions run
    /// one at a time.
    #[test]
    fn fused_pairs_run_as_their_two_instructions() {
        let mut covered = vec![false; PAIRS.len()];
        // Under Miri (each run builds two machines), the first sample and condition only.
        let (firsts, conds) = if cfg!(miri) {
            (&FIRSTS[..1], 1)
        } else {
            (FIRSTS, 16)
        };
        for &first in firsts {
            let a = decode(first);
            let (name, form) = a.line().expect("first decodes");
            let mut seconds: Vec<&str> = Vec::new();
            for (i, (x, f, y, ..)) in PAIRS.iter().enumerate() {
                if *x == name && *f == form {
                    covered[i] = true;
                    seconds.push(y);
                }
            }
            assert!(!seconds.is_empty(), "{first:#x} ({}) starts no pair", name);
            for name in seconds {
                for cond in 0..conds {
                    let word = second(name, cond);
                    let b = decode(word);
                    assert_eq!(b.pattern.map(|p| p.name), Some(name), "{word:#x}");
                    assert!(fused(&a, &b).is_some(), "{first:#x} {word:#x}");
                    assert_fused_runs_as_stepped(&[first, word, ADD_X5_1, HVC_1]);
                }
            }
        }
        for (i, (x, f, y, ..)) in PAIRS.iter().enumerate() {
            assert!(
                covered[i] || cfg!(miri),
                "no sample of the pair {x} (form {f}) + {y}"
            );
        }
    }

    /// Samples of each line of [`ALU`], in its order (checked with `aarch64-linux-gnu-objdump`):
    /// one writing X3 from X1 and X2 (first of a pair), one writing X4 from X3 read through Rn
    /// (second of a pair, reading the first's result), and one reading X3 through Rm with X1 as
    /// Rn (0: the line has no such form).
    const ALU_SAMPLES: &[(u32, u32, u32)] = &[
        (0x9340_7c23, 0x9340_7c64, 0),           // sxtw x3, w1; sxtw x4, w3
        (0xcb02_0023, 0xcb01_0064, 0xcb03_0024), // sub x3, x1, x2; sub x4, x3, x1; sub x4, x1, x3
        (0x9240_7c23, 0x9240_7c64, 0),           // and x3, x1, #0xffffffff; and x4, x3, #0xffffffff
        (0xd360_fc23, 0xd360_fc64, 0),           // lsr x3, x1, #32; lsr x4, x3, #32
        // madd x3, x1, x2, x4; madd x4, x3, x1, x2; madd x4, x1, x3, x2
        (0x9b02_1023, 0x9b01_0864, 0x9b03_0824),
        // add x3, x1, w2, uxtw; add x4, x3, w1, uxtw; add x4, x1, w3, uxtw
        (0x8b22_4023, 0x8b21_4064, 0x8b23_4024),
        // add x3, x1, x2, lsr #32; add x4, x3, x1, lsr #32; add x4, x1, x3, lsr #32
        (0x8b42_8023, 0x8b41_8064, 0x8b43_8024),
        (0x8b02_0023, 0x8b01_0064, 0x8b03_0024), // add x3, x1, x2; add x4, x3, x1; add x4, x1, x3
        // add x3, x1, x2, lsl #32; add x4, x3, x1, lsl #32; add x4, x1, x3, lsl #32
        (0x8b02_8023, 0x8b01_8064, 0x8b03_8024),
        (0xeb02_003f, 0xeb01_007f, 0xeb03_003f), // cmp x1, x2; cmp x3, x1; cmp x1, x3
        // csel x3, x1, x2, cc; csel x4, x3, x1, cc; csel x4, x1, x3, cc
        (0x9a82_3023, 0x9a81_3064, 0x9a83_3024),
        // cinc x3, x1, cc; cinc x4, x3, cc; csinc x4, x1, x3, cs
        (0x9a81_2423, 0x9a83_2464, 0x9a83_2424),
        (0x3100_1423, 0x3100_1464, 0), // adds w3, w1, #0x5; adds w4, w3, #0x5
        (0x0b02_0023, 0x0b01_0064, 0x0b03_0024), // add w3, w1, w2; add w4, w3, w1; add w4, w1, w3
        (0x4a02_0023, 0x4a01_0064, 0x4a03_0024), // eor w3, w1, w2; eor w4, w3, w1; eor w4, w1, w3
        // ror w3, w1, #7; ror w4, w3, #7; extr w4, w1, w3, #7
        (0x1381_1c23, 0x1383_1c64, 0x1383_1c24),
        (0xaa01_03e3, 0, 0xaa03_03e4), // mov x3, x1; -; mov x4, x3 (Rn is ZR)
        (0x9100_1423, 0x9100_1464, 0), // add x3, x1, #0x5; add x4, x3, #0x5
        (0x9000_0003, 0, 0),           // adrp x3, 0x0
    ];

    /// The first instruction of [`ALU_SAMPLES`]' MADD line, and one reading X3 as its addend:
    /// `madd x3, x1, x2, x4`, `madd x4, x1, x2, x3`.
    const MADD: u32 = 0x9b02_1023;
    const MADD_READS_RA: u32 = 0x9b02_0c24;

    /// Any two lines of [`ALU`], adjacent, run fused as they run one at a time: the second
    /// reading the first's result through Rn, Rm or Ra, or not at all (each fused form of
    /// [`forward`]).
    #[test]
    fn alu_pairs_run_as_their_two_instructions() {
        assert_eq!(ALU_SAMPLES.len(), ALU.len());
        let line = |word: u32| {
            let d = decode(word);
            let key = d.line().expect("decodes");
            (d, ALU.iter().position(|&k| k == key))
        };
        // Under Miri (each run builds two machines), the first line's pairs with itself only.
        let lines = if cfg!(miri) { 1 } else { ALU.len() };
        for (i, &(first, ..)) in ALU_SAMPLES.iter().enumerate().take(lines) {
            let (a, at) = line(first);
            assert_eq!(at, Some(i), "{first:#x}");
            for (j, &(independent, reads_rn, reads_rm)) in
                ALU_SAMPLES.iter().enumerate().take(lines)
            {
                // The first of a line reads X1 and X2 only; CMP writes no X3, so nothing reads
                // its result.
                let writes_x3 = a.insn.ops.rd == 3;
                let reads_ra = if independent == MADD {
                    MADD_READS_RA
                } else {
                    0
                };
                let seconds = [
                    (independent, NO_FORWARD),
                    (reads_rn, if writes_x3 { FORWARD_RN } else { NO_FORWARD }),
                    (reads_rm, if writes_x3 { FORWARD_RM } else { NO_FORWARD }),
                    (reads_ra, if writes_x3 { FORWARD_RA } else { NO_FORWARD }),
                ];
                for (second, form) in seconds.into_iter().filter(|&(w, _)| w != 0) {
                    let (b, at) = line(second);
                    assert_eq!(at, Some(j), "{second:#x}");
                    assert!(fused(&a, &b).is_some(), "{first:#x} {second:#x}");
                    let adds_ra = b.pattern.is_some_and(|p| p.name == "MADD_x");
                    assert_eq!(
                        forward(&a.insn.ops, &b.insn.ops, adds_ra),
                        form,
                        "{first:#x} {second:#x}"
                    );
                    assert_fused_runs_as_stepped(&[first, second, HVC_1]);
                }
            }
        }
    }

    const SXTW_X5_W2: u32 = 0x9340_7c45; // sxtw x5, w2
    const SUB_X5_X5_X14: u32 = 0xcb0e_00a5; // sub x5, x5, x14
    const LDR_X3_X1_X5: u32 = 0xf865_7823; // ldr x3, [x1, x5, lsl #3]
    const LDR_X7_X11_X5: u32 = 0xf865_7967; // ldr x7, [x11, x5, lsl #3]
    const LDR_X5_X1_X5: u32 = 0xf865_7825; // ldr x5, [x1, x5, lsl #3]
    const ADD_X3_X1_X5: u32 = 0x8b05_0023; // add x3, x1, x5
    const SXTW_X6_W2: u32 = 0x9340_7c46; // sxtw x6, w2
    const SUB_X5_X6_X14: u32 = 0xcb0e_00c5; // sub x5, x6, x14

    /// The lengths of the groups [`groups`] chooses in `code`, by first instruction.
    fn chosen_groups(code: &[u32]) -> Vec<(usize, usize)> {
        let block: Vec<_> = code.iter().map(|&w| decode(w)).collect();
        let mut chosen = Vec::new();
        groups(&block, |i, _| {
            let len = long_group(&block[i..]).map_or(2, |(_, len)| len);
            chosen.push((i, len))
        });
        chosen
    }

    /// The index idiom is one group, of its two loads when the first does not overwrite the
    /// index, and of none when the load's index is not the SUB's result.
    #[test]
    fn index_idioms_are_grouped() {
        let idiom = [SXTW_X5_W2, SUB_X5_X5_X14, LDR_X3_X1_X5];
        assert_eq!(
            chosen_groups(&[&idiom[..], &[LDR_X7_X11_X5, HVC_1]].concat()),
            [(0, 4)]
        );
        assert_eq!(
            chosen_groups(&[&idiom[..], &[ADD_X5_1, HVC_1]].concat()),
            [(0, 3)]
        );
        assert_eq!(
            chosen_groups(&[
                SXTW_X6_W2,
                SUB_X5_X6_X14,
                LDR_X3_X1_X5,
                LDR_X7_X11_X5,
                HVC_1
            ]),
            [(0, 4)]
        );
        assert_eq!(
            chosen_groups(&[&idiom[..2], &[LDR_X5_X1_X5, LDR_X7_X11_X5, HVC_1]].concat()),
            [(0, 3)]
        );
        // ldr x3, [x1, x6, lsl #3]: another index; SXTW and SUB then pair.
        assert_eq!(
            chosen_groups(&[SXTW_X5_W2, SUB_X5_X5_X14, 0xf866_7823, HVC_1]),
            [(0, 2)]
        );
    }

    /// An index idiom runs as its instructions do one at a time: with its loads' translations
    /// cached or not (a first run misses the fast path), from either side of the index's
    /// range, and when either load faults (a base outside RAM: the exception is taken at that
    /// load, with the instructions before it done and counted).
    #[test]
    fn index_idioms_run_as_their_instructions() {
        const VBAR: u64 = BASE + 0x1000;
        const DATA: u64 = BASE + 0x8000;
        const HVC_2: u32 = 0xd400_0042; // hvc #2
        let idiom = [SXTW_X5_W2, SUB_X5_X5_X14, LDR_X3_X1_X5];
        let blocks = [
            [&idiom[..], &[LDR_X7_X11_X5, ADD_X3_X1_X5, HVC_1]].concat(),
            [&idiom[..], &[ADD_X3_X1_X5, HVC_1]].concat(),
            [&idiom[..2], &[LDR_X5_X1_X5, LDR_X7_X11_X5, HVC_1]].concat(),
            // The extended word and the index in two registers.
            vec![
                SXTW_X6_W2,
                SUB_X5_X6_X14,
                LDR_X3_X1_X5,
                LDR_X7_X11_X5,
                HVC_1,
            ],
        ];
        // (w2, x14, x1, x11): indexes -4 and 3 around DATA + 0x100, then each base outside RAM.
        let cases: &[(u64, u64, u64, u64)] = &[
            (0xffff_fffe, 2, DATA + 0x100, DATA + 0x200),
            (0x1_0000_0005, 2, DATA + 0x100, DATA + 0x200),
            (0xffff_fffe, 2, 0x10_0000_0000, DATA + 0x200),
            (0xffff_fffe, 2, DATA + 0x100, 0x10_0000_0000),
        ];
        let cases = if cfg!(miri) { &cases[..1] } else { cases };
        for code in &blocks {
            // Runs that end in the exception vector's HVC #2: a load faulted.
            let mut faulted = 0;
            let mut lock = Lockstep::new(code);
            for slot in 0..16 {
                lock.bus.load_words(VBAR + slot * 0x80, &[HVC_2]);
            }
            let words: Vec<u32> = (0..256)
                .map(|i| 0x9e37_79b9u32.wrapping_mul(i + 1))
                .collect();
            lock.bus.load_words(DATA, &words);
            for &(w2, x14, x1, x11) in cases {
                // Twice each: the first run fills the data TLB, the second hits it.
                for _ in 0..2 {
                    lock.start(|cpu| {
                        cpu.set_el_sp(1, true);
                        cpu.sys.set(Reg::VbarEl1, VBAR);
                        cpu.x[..16].fill(0);
                        (cpu.x[1], cpu.x[2], cpu.x[11], cpu.x[14]) = (x1, w2, x11, x14);
                    });
                    let what = format!("{code:x?} w2={w2:#x} x1={x1:#x} x11={x11:#x}");
                    let exit = lock.run(&what);
                    assert!(matches!(exit, Exit::Hvc(1 | 2)), "{what}: {exit:?}");
                    faulted += usize::from(exit == Exit::Hvc(2));
                    for r in [Reg::ElrEl1, Reg::EsrEl1, Reg::FarEl1] {
                        assert_eq!(lock.fast.sys.get(r), lock.slow.sys.get(r), "{what} {r:?}");
                    }
                }
            }
            // Under Miri only the first case runs, whose bases lie in RAM.
            assert!(faulted > 0 || cfg!(miri), "{code:x?}: no load faulted");
        }
    }

    /// A block's pairs are chosen for worth, not greedily: of `mov x9, x1; add x4, x2, #5;
    /// add x5, x4, #5`, the second and third (the last ADD reads the first's result through a
    /// host register) rather than the first two (independent); the block runs as stepped.
    #[test]
    fn pairs_prefer_the_dependent_pair() {
        let code = [0xaa01_03e9, 0x9100_1444, 0x9100_1485, HVC_1];
        let block: Vec<_> = code.iter().map(|&w| decode(w)).collect();
        let mut chosen = Vec::new();
        groups(&block, |i, _| chosen.push(i));
        assert_eq!(chosen, [1]);
        assert_fused_runs_as_stepped(&code);
    }
}
