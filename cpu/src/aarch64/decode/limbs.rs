//! The limb product of the multi-precision loops as one fused group.
//!
//! `mpihelp_mul_1`, `mpihelp_addmul_1` and `mpihelp_submul_1` (the kernel's generic C
//! `umul_ppmm`, built without a 64×64→128 multiply) form the product of a limb `u` and the
//! multiplier `v` from 32-bit halves, then add the carry in, with thirteen data-processing
//! instructions:
//!
//! ```text
//! and  a, u, #0xffffffff      lo(u)
//! lsr  h, u, #32              hi(u)
//! mul  p0, a, vl              lo(u)·lo(v)
//! mul  p1, h, vl              hi(u)·lo(v)
//! madd p2, vh, a, p1          hi(v)·lo(u) + p1
//! mul  p3, vh, h              hi(v)·hi(u)
//! add  s, c, w(p0), uxtw      carry + low half of p0
//! add  m, p2, p0, lsr #32     middle sum
//! add  q, p3, b               p3 + 2^32 (b holds it)
//! cmp  m, p1                  did the middle sum wrap?
//! add  s2, s, m, lsl #32      low limb
//! csel r, q, p3, cc           high limb, with the wrap
//! lsr  m2, m, #32
//! ```
//!
//! `mpihelp_addmul_1` and `mpihelp_submul_1` go on with the carry out of the low limb, which
//! the group then includes (fifteen instructions):
//!
//! ```text
//! cmp  s2, c                  did the low limb wrap?
//! cinc m3, m2, cc
//! ```
//!
//! [`limb_product`] finds that sequence in a block (by the decode table's lines, the constant
//! operands, and its data flow: every operand names the register that the instruction the
//! idiom means last wrote, or a register no instruction of the group wrote before it), and
//! [`product`] runs it: the five inputs read once, every value kept in a host register, each
//! destination written in program order (so a register written twice ends with the later
//! value) and NZCV set as the group's last CMP sets it. The instructions cannot fault, so the
//! group counts and stops as they do one at a time.

use super::{step_on, DecodeResult, Decoded, Threaded};
use crate::aarch64::block::Env;
use crate::aarch64::exec::{dp_imm, dp_reg, sub_with_flags};
use crate::aarch64::state::{Cpu, Flow, Ops, REG_ZR_READ, REG_ZR_WRITE};

/// Instructions in the group without the carry test, and with it.
const LEN: usize = 13;
const LEN_CARRY: usize = 15;

/// An operand field of an instruction of the group.
#[derive(Clone, Copy)]
enum Field {
    Rn,
    Rm,
    Ra,
}

impl Field {
    fn of(self, o: &Ops) -> u8 {
        match self {
            Field::Rn => o.rn,
            Field::Rm => o.rm,
            Field::Ra => o.ra,
        }
    }
}

/// What an operand of the group reads: a value from before the group, read where the handler
/// reads it (the instruction and field), or the result of the group's instruction `j`.
#[derive(Clone, Copy)]
enum Source {
    Input(usize, Field),
    Result(usize),
}

/// The group's inputs, where [`product`] reads them.
const U: Source = Source::Input(0, Field::Rn);
const VL: Source = Source::Input(2, Field::Rm);
const VH: Source = Source::Input(4, Field::Rn);
const CARRY: Source = Source::Input(6, Field::Rn);
const B: Source = Source::Input(8, Field::Rm);

/// `CSEL_x`'s instantiation for condition CC (LO), `CSINC_x`'s for CS (HS: CINC .., CC).
const CC: usize = 3;
const CS: usize = 2;

/// One instruction of the idiom: its table line and instantiation (as `fuse` names them), a
/// test of its constant operands, and what each operand it reads must be.
type Step = (
    &'static str,
    usize,
    fn(&Ops) -> bool,
    &'static [(Field, Source)],
);

const IDIOM: [Step; LEN_CARRY] = [
    ("AND_i_x", 0, |o| o.imm == 0xffff_ffff, &[(Field::Rn, U)]),
    (
        "UBFM",
        dp_imm::bf::LSR_X as usize,
        |o| o.op == 32,
        &[(Field::Rn, U)],
    ),
    (
        "MADD_x",
        0,
        |o| o.ra == REG_ZR_READ,
        &[(Field::Rn, Source::Result(0)), (Field::Rm, VL)],
    ),
    (
        "MADD_x",
        0,
        |o| o.ra == REG_ZR_READ,
        &[(Field::Rn, Source::Result(1)), (Field::Rm, VL)],
    ),
    (
        "MADD_x",
        0,
        |_| true,
        &[
            (Field::Rn, VH),
            (Field::Rm, Source::Result(0)),
            (Field::Ra, Source::Result(3)),
        ],
    ),
    (
        "MADD_x",
        0,
        |o| o.ra == REG_ZR_READ,
        &[(Field::Rn, VH), (Field::Rm, Source::Result(1))],
    ),
    (
        "ADD_x",
        dp_reg::rm_extend::UXTW_X as usize,
        |_| true,
        &[(Field::Rn, CARRY), (Field::Rm, Source::Result(2))],
    ),
    (
        "ADD_r_x",
        dp_reg::rm_shift::LSR_X as usize,
        |o| o.shift == 32,
        &[
            (Field::Rn, Source::Result(4)),
            (Field::Rm, Source::Result(2)),
        ],
    ),
    (
        "ADD_r_x",
        dp_reg::rm_shift::NONE as usize,
        |_| true,
        &[(Field::Rn, Source::Result(5)), (Field::Rm, B)],
    ),
    (
        "SUBS_r_x",
        dp_reg::rm_shift::NONE as usize,
        |_| true,
        &[
            (Field::Rn, Source::Result(7)),
            (Field::Rm, Source::Result(3)),
        ],
    ),
    (
        "ADD_r_x",
        dp_reg::rm_shift::LSL as usize,
        |o| o.shift == 32,
        &[
            (Field::Rn, Source::Result(6)),
            (Field::Rm, Source::Result(7)),
        ],
    ),
    (
        "CSEL_x",
        CC,
        |_| true,
        &[
            (Field::Rn, Source::Result(8)),
            (Field::Rm, Source::Result(5)),
        ],
    ),
    (
        "UBFM",
        dp_imm::bf::LSR_X as usize,
        |o| o.op == 32,
        &[(Field::Rn, Source::Result(7))],
    ),
    (
        "SUBS_r_x",
        dp_reg::rm_shift::NONE as usize,
        |_| true,
        &[(Field::Rn, Source::Result(10)), (Field::Rm, CARRY)],
    ),
    (
        "CSINC_x",
        CS,
        |_| true,
        &[
            (Field::Rn, Source::Result(12)),
            (Field::Rm, Source::Result(12)),
        ],
    ),
];

/// The group at the start of `block`, if it starts with the idiom: its handler and length
/// (the carry test included when it follows).
pub fn limb_product(block: &[DecodeResult]) -> Option<(Threaded, usize)> {
    if block.first()?.pattern?.name != IDIOM[0].0 {
        return None;
    }
    if let Some(group) = block.get(..LEN_CARRY).filter(|g| is_idiom(g)) {
        let form: Threaded = if finals(group) == ADDMUL_FINALS {
            product::<LEN_CARRY, ADDMUL_FINALS>
        } else {
            product::<LEN_CARRY, { every(LEN_CARRY) }>
        };
        return Some((form, LEN_CARRY));
    }
    let group = block.get(..LEN).filter(|g| is_idiom(g))?;
    let form: Threaded = if finals(group) == MUL_1_FINALS {
        product::<LEN, MUL_1_FINALS>
    } else {
        product::<LEN, { every(LEN) }>
    };
    Some((form, LEN))
}

/// Whether `group` is the first `group.len()` instructions of [`IDIOM`]: their lines and
/// constants, and every operand reading what the idiom means.
fn is_idiom(group: &[DecodeResult]) -> bool {
    let lines = group
        .iter()
        .zip(&IDIOM)
        .all(|(d, &(name, form, constants, _))| {
            d.line() == Some((name, form)) && constants(&d.insn.ops)
        });
    // The instruction of the group that last wrote `reg` before instruction `i`.
    let last_writer = |i: usize, reg: u8| (0..i).rev().find(|&j| group[j].insn.ops.rd == reg);
    lines
        && IDIOM
            .iter()
            .enumerate()
            .take(group.len())
            .all(|(i, &(.., reads))| {
                reads.iter().all(|&(field, source)| {
                    let reg = field.of(&group[i].insn.ops);
                    match source {
                        Source::Input(k, at) => {
                            reg == at.of(&group[k].insn.ops) && last_writer(i, reg).is_none()
                        }
                        Source::Result(j) => last_writer(i, reg) == Some(j),
                    }
                })
            })
}

/// The instructions of `group` whose results it leaves in a register (the last writer of each
/// destination but XZR), as a set of [`product`]'s `FINALS`.
fn finals(group: &[DecodeResult]) -> u16 {
    (0..group.len())
        .filter(|&k| {
            let rd = group[k].insn.ops.rd;
            rd != REG_ZR_WRITE && group[k + 1..].iter().all(|d| d.insn.ops.rd != rd)
        })
        .fold(0, |set, k| set | 1 << k)
}

/// Every instruction of a group of `len`, as a set of [`product`]'s `FINALS`.
const fn every(len: usize) -> u16 {
    (1 << len) - 1
}

/// The results `mpihelp_mul_1`'s group keeps (the other instructions' registers are written
/// again in the group, the CMP's is XZR): `p1`, `q`, `s2`, `r`, `m2`.
const MUL_1_FINALS: u16 = 1 << 3 | 1 << 8 | 1 << 10 | 1 << 11 | 1 << 12;
/// The results the groups of `mpihelp_addmul_1` and `mpihelp_submul_1` keep: `p1`, `q`, `s2`,
/// `r`, `m3`.
const ADDMUL_FINALS: u16 = 1 << 3 | 1 << 8 | 1 << 10 | 1 << 11 | 1 << 14;

/// The threaded form of a [`limb_product`] group.
///
/// # Safety
/// As [`Threaded`]; `d` is the first entry of a [`limb_product`] group, none of whose entries
/// is the block's end entry.
/// `N`: the group's length ([`LEN`], or [`LEN_CARRY`] with the carry test); `FINALS`: the
/// instructions whose results it writes (a set that leaves out only instructions whose
/// destination is written again later in the group, or is XZR, leaves the same registers as
/// [`every`]).
unsafe fn product<const N: usize, const FINALS: u16>(
    cpu: &mut Cpu,
    env: &mut Env,
    d: *const Decoded,
) -> Flow {
    // SAFETY: the caller's contract: the group's entries follow `d` in the same block.
    let o = |k: usize| unsafe { &(*d.add(k)).ops };
    let u = cpu.r(o(0).rn);
    let vl = cpu.r(o(2).rm);
    let vh = cpu.r(o(4).rn);
    let carry = cpu.r(o(6).rn);
    let b = cpu.r(o(8).rm);
    let a = u & 0xffff_ffff;
    let h = u >> 32;
    let p0 = a.wrapping_mul(vl);
    let p1 = h.wrapping_mul(vl);
    let p2 = vh.wrapping_mul(a).wrapping_add(p1);
    let p3 = vh.wrapping_mul(h);
    let s = carry.wrapping_add(p0 & 0xffff_ffff);
    let m = p2.wrapping_add(p0 >> 32);
    let q = p3.wrapping_add(b);
    let (diff, flags) = sub_with_flags(m, p1, true);
    let s2 = s.wrapping_add(m << 32);
    // CC: carry clear.
    let r = std::hint::select_unpredictable(flags.c, p3, q);
    let m2 = m >> 32;
    // The carry test (only a group of LEN_CARRY writes it): cmp s2, c; cinc m3, m2, cc.
    let (low, low_flags) = sub_with_flags(s2, carry, true);
    let m3 = m2.wrapping_add(u64::from(!low_flags.c));
    let results = [a, h, p0, p1, p2, p3, s, m, q, diff, s2, r, m2, low, m3];
    for (k, v) in results.into_iter().enumerate().take(N) {
        if FINALS & 1 << k != 0 {
            cpu.w(o(k).rd, v);
        }
    }
    cpu.flags = if N == LEN_CARRY { low_flags } else { flags };
    cpu.pc = cpu.pc.wrapping_add(4 * (N as u64 - 1));
    // SAFETY: the group's last entry is not the end entry (the caller's contract).
    unsafe { step_on(cpu, env, d.add(N - 1)) }
}

#[cfg(test)]
mod tests {
    use super::{every, finals, limb_product, ADDMUL_FINALS, LEN, LEN_CARRY, MUL_1_FINALS};
    use crate::aarch64::decode::decode;
    use crate::aarch64::decode::lockstep::Lockstep;
    use crate::aarch64::Exit;
    use crate::testing::xorshift;

    const HVC_1: u32 = 0xd400_0022; // hvc #1

    /// The group in the Debian arm64 6.1 kernel's `mpihelp_mul_1`, `mpihelp_addmul_1` and
    /// `mpihelp_submul_1`, as `aarch64-linux-gnu-objdump` shows them in its Image.
    const KERNEL: [[u32; LEN]; 3] = [
        [
            0x9240_7c66, // and x6, x3, #0xffffffff
            0xd360_fc63, // lsr x3, x3, #32
            0x9b09_7cc4, // mul x4, x6, x9
            0x9b09_7c68, // mul x8, x3, x9
            0x9b06_2147, // madd x7, x10, x6, x8
            0x9b03_7d43, // mul x3, x10, x3
            0x8b24_4006, // add x6, x0, w4, uxtw
            0x8b44_80e4, // add x4, x7, x4, lsr #32
            0x8b0c_0067, // add x7, x3, x12
            0xeb08_009f, // cmp x4, x8
            0x8b04_80c6, // add x6, x6, x4, lsl #32
            0x9a83_30e3, // csel x3, x7, x3, cc
            0xd360_fc84, // lsr x4, x4, #32
        ],
        [
            0x9240_7c87, // and x7, x4, #0xffffffff
            0xd360_fc84, // lsr x4, x4, #32
            0x9b0a_7ce3, // mul x3, x7, x10
            0x9b0a_7c89, // mul x9, x4, x10
            0x9b07_2588, // madd x8, x12, x7, x9
            0x9b04_7d84, // mul x4, x12, x4
            0x8b23_4007, // add x7, x0, w3, uxtw
            0x8b43_8103, // add x3, x8, x3, lsr #32
            0x8b0d_0088, // add x8, x4, x13
            0xeb09_007f, // cmp x3, x9
            0x8b03_80e7, // add x7, x7, x3, lsl #32
            0x9a84_3104, // csel x4, x8, x4, cc
            0xd360_fc63, // lsr x3, x3, #32
        ],
        [
            0x9240_7c66, // and x6, x3, #0xffffffff
            0xd360_fc63, // lsr x3, x3, #32
            0x9b0a_7cc4, // mul x4, x6, x10
            0x9b0a_7c69, // mul x9, x3, x10
            0x9b06_2588, // madd x8, x12, x6, x9
            0x9b03_7d83, // mul x3, x12, x3
            0x8b24_4006, // add x6, x0, w4, uxtw
            0x8b44_8104, // add x4, x8, x4, lsr #32
            0x8b0d_0068, // add x8, x3, x13
            0xeb09_009f, // cmp x4, x9
            0x8b04_80c6, // add x6, x6, x4, lsl #32
            0x9a83_3103, // csel x3, x8, x3, cc
            0xd360_fc84, // lsr x4, x4, #32
        ],
    ];

    /// The idiom with a destination of its own for every instruction, the CMP a SUBS that
    /// keeps its result (every result stays in a register).
    const DISTINCT: [u32; LEN] = [
        0x9240_7c70, // and x16, x3, #0xffffffff
        0xd360_fc71, // lsr x17, x3, #32
        0x9b09_7e12, // mul x18, x16, x9
        0x9b09_7e33, // mul x19, x17, x9
        0x9b10_4d54, // madd x20, x10, x16, x19
        0x9b11_7d55, // mul x21, x10, x17
        0x8b32_4016, // add x22, x0, w18, uxtw
        0x8b52_8297, // add x23, x20, x18, lsr #32
        0x8b0c_02b8, // add x24, x21, x12
        0xeb13_02fc, // subs x28, x23, x19
        0x8b17_82d9, // add x25, x22, x23, lsl #32
        0x9a95_331a, // csel x26, x24, x21, cc
        0xd360_fefb, // lsr x27, x23, #32
    ];

    /// The carry tests after the group in `mpihelp_addmul_1` and `mpihelp_submul_1` (`KERNEL[1]`
    /// and `KERNEL[2]`), and one after [`DISTINCT`] that keeps the CMP's result.
    const CARRY: [[u32; 2]; 3] = [
        [0xeb00_00ff, 0x9a83_2463], // cmp x7, x0; cinc x3, x3, cc
        [0xeb00_00df, 0x9a84_2484], // cmp x6, x0; cinc x4, x4, cc
        [0xeb00_032f, 0x9a9b_277d], // subs x15, x25, x0; cinc x29, x27, cc
    ];

    /// The groups the tests run: each sequence of [`KERNEL`] and [`DISTINCT`], then those with
    /// their carry test.
    fn samples() -> Vec<Vec<u32>> {
        let mut v: Vec<Vec<u32>> = KERNEL
            .iter()
            .chain([&DISTINCT])
            .map(|c| c.to_vec())
            .collect();
        for (code, carry) in [
            (&KERNEL[1], &CARRY[0]),
            (&KERNEL[2], &CARRY[1]),
            (&DISTINCT, &CARRY[2]),
        ] {
            v.push([&code[..], &carry[..]].concat());
        }
        v
    }

    /// `code` with instruction `i` replaced by `word`.
    fn with(code: &[u32; LEN], i: usize, word: u32) -> [u32; LEN] {
        let mut c = *code;
        c[i] = word;
        c
    }

    fn group(code: &[u32]) -> Option<usize> {
        let block: Vec<_> = code.iter().map(|&w| decode(w)).collect();
        limb_product(&block).map(|(_, len)| len)
    }

    fn kept(code: &[u32]) -> u16 {
        let block: Vec<_> = code.iter().map(|&w| decode(w)).collect();
        finals(&block)
    }

    /// The kernel's three sequences are groups that write only the results they keep, with
    /// the carry test that follows two of them; the idiom with other registers is one too; a
    /// sequence whose data flow or constants differ is not.
    #[test]
    fn limb_products_are_grouped() {
        for code in samples() {
            let len = code.len();
            assert_eq!(
                group(&[&code[..], &[HVC_1]].concat()),
                Some(len),
                "{code:x?}"
            );
        }
        for code in &KERNEL {
            assert_eq!(kept(code), MUL_1_FINALS, "{code:x?}");
        }
        for (code, carry) in [(&KERNEL[1], &CARRY[0]), (&KERNEL[2], &CARRY[1])] {
            assert_eq!(kept(&[&code[..], &carry[..]].concat()), ADDMUL_FINALS);
        }
        assert_eq!(kept(&DISTINCT), every(LEN));
        assert_eq!(
            kept(&[&DISTINCT[..], &CARRY[2][..]].concat()),
            every(LEN_CARRY)
        );
        // A carry test of another register than the low limb's: the group stops before it.
        let other = [&KERNEL[1][..], &[0xeb00_00df, 0x9a83_2463], &[HVC_1]].concat();
        assert_eq!(group(&other), Some(LEN));
        // cmp x7, x1: the low limb against another register than the carry added into it.
        let other = [&KERNEL[1][..], &[0xeb01_00ff, 0x9a83_2463], &[HVC_1]].concat();
        assert_eq!(group(&other), Some(LEN));
        // One instruction short.
        assert_eq!(group(&KERNEL[0][..LEN - 1]), None);
        // madd x10, x10, x16, x19 (its result read as before by add x23, x10, x18, lsr #32):
        // the multiplier's high half is overwritten before the MUL after it reads it.
        let vh_clobbered = with(&with(&DISTINCT, 4, 0x9b10_4d4a), 7, 0x8b52_8157);
        let not_groups = [
            vh_clobbered,
            // lsr x9, x3, #32: the multiplier's low half, read by the second MUL, overwritten
            // (and the high half left unwritten).
            with(&DISTINCT, 1, 0xd360_fc69),
            // lsr x17, x5, #32: the high half of another register than the low half's.
            with(&DISTINCT, 1, 0xd360_fcb1),
            // lsr x3, x6, #32: the high half taken from the low one.
            with(&KERNEL[0], 1, 0xd360_fcc3),
            // and x6, x3, #0xffff: another mask.
            with(&KERNEL[0], 0, 0x9240_3c66),
        ];
        for code in &not_groups {
            assert_eq!(group(&[&code[..], &[HVC_1]].concat()), None, "{code:x?}");
        }
    }

    /// A block's chooser takes the whole group over the pairs inside it.
    #[test]
    fn limb_products_are_chosen_whole() {
        for code in samples() {
            let block: Vec<_> = code.iter().chain(&[HVC_1]).map(|&w| decode(w)).collect();
            let mut chosen = Vec::new();
            crate::aarch64::decode::fuse::groups(&block, |i, _| chosen.push(i));
            assert_eq!(chosen, [0], "{code:x?}");
        }
    }

    /// Each group runs as its instructions do one at a time: the same registers,
    /// NZCV, PC and instruction count, from pseudo-random registers (the carry test's both
    /// outcomes included) and the limbs' edges.
    #[test]
    fn limb_products_run_as_their_instructions() {
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        let edges = [0, 1, 0xffff_ffff, 0x1_0000_0000, u64::MAX];
        // Under Miri (which checks the threaded run's pointer steps), two rounds only.
        let rounds = if cfg!(miri) { 2 } else { 64 };
        for code in samples() {
            let code = [&code[..], &[HVC_1]].concat();
            let mut lock = Lockstep::new(&code);
            let mut carries = [false; 2];
            for round in 0..rounds {
                let mut x = [0u64; 31];
                x.iter_mut().for_each(|r| *r = next());
                if round % 2 == 1 {
                    // The limb and the multiplier halves at the edges.
                    let e = |k: usize| edges[k % edges.len()];
                    (x[3], x[4]) = (e(round), e(round + 1));
                    (x[9], x[10], x[12]) = (e(round + 2), e(round + 3), e(round + 4));
                }
                lock.start(|cpu| {
                    cpu.x[..31].copy_from_slice(&x);
                    cpu.set_nzcv(0x6000_0000);
                });
                let exit = lock.run(&format!("{code:x?} round {round}"));
                assert_eq!(exit, Exit::Hvc(1));
                carries[usize::from(lock.slow.nzcv() & 1 << 29 != 0)] = true;
            }
            assert!(
                carries == [true; 2] || cfg!(miri),
                "{code:x?}: one carry outcome only"
            );
        }
    }
}
