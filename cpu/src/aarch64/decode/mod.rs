//! The A64 decoder: the encoding table of [`a64`] turned into a bucketed matcher.
//!
//! Each [`Pattern`] is one line of the table: a name, a bit pattern (fixed bits and named fields,
//! most significant first), a shape function that extracts the named fields into [`Ops`] (and may
//! reject reserved values), the handler, and whether the instruction ends a block. Patterns are
//! bucketed by bits 28:25 (the A64 main encoding group, DDI 0487 C4.1) and tried in table order:
//! where two patterns overlap, the more specific one comes first. A line may instantiate its
//! handler per value of some operand field ([`Variants`]); [`fuse`] runs chosen adjacent pairs
//! as one threaded handler, and [`loops`] gives the branch that closes a loop of one block a
//! threaded form that runs the block again.

pub mod a64;
pub mod fuse;
pub mod limbs;
#[cfg(test)]
pub(crate) mod lockstep;
pub mod loops;
pub mod shapes;

use std::sync::OnceLock;

use super::block::Env;
use super::state::{Cpu, Flow, Ops};

/// An instruction handler: executes one pre-decoded instruction.
pub type Handler = fn(&mut Cpu, &mut Env, &Ops) -> Flow;

/// A handler in threaded form: runs the entry `d` points at (the handler inlined), then, when
/// the instruction went on, the next entry by a tail call, so that each handler ends in an
/// indirect jump of its own instead of returning to one shared loop. [`step`] is its body; the
/// table's [`pat!`] lines make one per handler.
///
/// # Safety
/// `d` points into a block's entries (`Block::entries`), which end with an end entry
/// ([`end_of`]): every entry from `d` up to and including that last one may be read through
/// `d`.
pub type Threaded = unsafe fn(&mut Cpu, &mut Env, *const Decoded) -> Flow;

/// The entry after the last instruction of the block at physical `pa` (held in its `imm`, for
/// the executor's flight record): its threaded form ends the run.
pub const fn end_of(pa: u64) -> Decoded {
    Decoded {
        exec: end_of_block,
        thread: end_of_block_threaded,
        ops: Ops {
            rd: 0,
            rn: 0,
            rm: 0,
            ra: 0,
            sf: false,
            op: 0,
            op2: 0,
            shift: 0,
            imm: pa,
        },
    }
}

/// [`end_of`]'s handler. Never run: the plain loop stops before it.
fn end_of_block(_: &mut Cpu, _: &mut Env, _: &Ops) -> Flow {
    Flow::Next
}

/// [`end_of`]'s threaded form: the block ran to its end.
unsafe fn end_of_block_threaded(_: &mut Cpu, _: &mut Env, _: *const Decoded) -> Flow {
    Flow::Next
}

/// Run `exec` on the entry at `d`: `Some` of its flow when that is not [`Flow::Next`], with `d`
/// in [`Cpu::stopped_at`] (the executor counts from it the entries not run); `None` when the
/// instruction went on.
///
/// # Safety
/// As [`Threaded`], and `d` is not an end entry ([`end_of`]).
#[inline(always)]
pub unsafe fn run_entry(
    cpu: &mut Cpu,
    env: &mut Env,
    d: *const Decoded,
    exec: impl Fn(&mut Cpu, &mut Env, &Ops) -> Flow,
) -> Option<Flow> {
    // SAFETY: `d` may be read (the caller's contract).
    let f = exec(cpu, env, unsafe { &(*d).ops });
    if f != Flow::Next {
        cpu.stopped_at = d as usize;
        return Some(f);
    }
    None
}

/// The body of every [`Threaded`] handler: run `exec` on the entry at `d` ([`run_entry`]) and,
/// when it went on, the next entry ([`step_on`]).
///
/// # Safety
/// As [`Threaded`], and `d` is not an end entry ([`end_of`]).
#[inline(always)]
pub unsafe fn step(
    cpu: &mut Cpu,
    env: &mut Env,
    d: *const Decoded,
    exec: impl Fn(&mut Cpu, &mut Env, &Ops) -> Flow,
) -> Flow {
    // SAFETY: the caller's contract.
    unsafe {
        match run_entry(cpu, env, d, exec) {
            Some(f) => f,
            None => step_on(cpu, env, d),
        }
    }
}

/// The end of a [`Threaded`] handler whose instruction went on: step the PC and run the next
/// entry (the end entry after the block's last instruction).
///
/// # Safety
/// As [`step`].
#[inline(always)]
pub unsafe fn step_on(cpu: &mut Cpu, env: &mut Env, d: *const Decoded) -> Flow {
    cpu.pc = cpu.pc.wrapping_add(4);
    // SAFETY: `d` is not the end entry, so the entry after it is one of the same block's
    // entries, at the latest the end entry itself (the caller's contract), and the contract
    // holds for it.
    unsafe {
        let next = d.add(1);
        ((*next).thread)(cpu, env, next)
    }
}

/// The [`Threaded`] form of handler `exec` (a path to a [`Handler`]).
#[macro_export]
macro_rules! threaded {
    ($exec:path) => {{
        /// # Safety
        /// As [`Threaded`](`$crate::aarch64::decode::Threaded`).
        unsafe fn threaded(
            cpu: &mut $crate::aarch64::state::Cpu,
            env: &mut $crate::aarch64::block::Env,
            d: *const $crate::aarch64::decode::Decoded,
        ) -> $crate::aarch64::state::Flow {
            // SAFETY: the contract of `Threaded`; `d` is not an end entry (whose threaded form is
            // its own).
            unsafe { $crate::aarch64::decode::step(cpu, env, d, $exec) }
        }
        threaded as $crate::aarch64::decode::Threaded
    }};
    // A handler with a fast path `hit(cpu, ops) -> bool` that calls nothing: it runs inline,
    // and only its miss goes (by a tail call) to the whole handler's threaded form, so that the
    // fast path saves no registers for the slow path's call.
    ($exec:path, HIT $hit:path) => {{
        /// # Safety
        /// As [`Threaded`](`$crate::aarch64::decode::Threaded`).
        #[cold]
        #[inline(never)]
        unsafe fn miss(
            cpu: &mut $crate::aarch64::state::Cpu,
            env: &mut $crate::aarch64::block::Env,
            d: *const $crate::aarch64::decode::Decoded,
        ) -> $crate::aarch64::state::Flow {
            // SAFETY: as in the plain form.
            unsafe { $crate::aarch64::decode::step(cpu, env, d, $exec) }
        }
        /// # Safety
        /// As [`Threaded`](`$crate::aarch64::decode::Threaded`).
        unsafe fn threaded(
            cpu: &mut $crate::aarch64::state::Cpu,
            env: &mut $crate::aarch64::block::Env,
            d: *const $crate::aarch64::decode::Decoded,
        ) -> $crate::aarch64::state::Flow {
            // SAFETY: the contract of `Threaded`, `d` not being an end entry.
            unsafe {
                if $hit(cpu, &(*d).ops) {
                    $crate::aarch64::decode::step_on(cpu, env, d)
                } else {
                    miss(cpu, env, d)
                }
            }
        }
        threaded as $crate::aarch64::decode::Threaded
    }};
}

/// A shape: extracts the operand fields of an encoding, `None` for a reserved value
/// (the instruction is then UNDEFINED unless a later pattern matches).
pub type Shape = fn(u32) -> Option<Ops>;

/// One line of the encoding table.
#[derive(Clone, Copy)]
pub struct Pattern {
    /// Mnemonic-like name, unique in the table.
    pub name: &'static str,
    /// Bits that are fixed by the pattern.
    pub mask: u32,
    /// Values of the fixed bits.
    pub value: u32,
    /// Operand extraction.
    pub shape: Shape,
    /// Execution.
    pub exec: Handler,
    /// Execution, threaded.
    pub thread: Threaded,
    /// Branches, exception generation, system instructions: the block ends after it.
    pub ends_block: bool,
    /// A conditional branch (B.cond, CBZ/CBNZ, TBZ/TBNZ): the block ends after it only when it
    /// is taken; not taken, the block goes on with the next instruction unless the branch
    /// finds something a block start would act on (`exec::branch`'s `fall_through`).
    pub falls_through: bool,
    /// For a handler instantiated per value of some operand field (its trailing const
    /// parameters): the instantiations, of which [`decode`] picks one from the operands (`exec`
    /// and `thread` are then the first one).
    pub variants: Option<&'static Variants>,
}

/// A handler's instantiations for some values of its trailing const parameters (plain and
/// threaded, [`variants!`](crate::variants)), and the function of the operands that picks one
/// of them at decode time (its value indexes `forms`), so that a handler can leave out at run
/// time what the operands fix: the condition of `B.cond` and `CSEL`, which shifts a bitfield
/// move needs, a zero shift, a load's index extension, whether its base is SP.
pub struct Variants {
    /// Which of `forms` runs the instruction with these operands.
    pub pick: fn(&Ops) -> usize,
    /// The instantiations, in the order of the values listed in the table line.
    pub forms: &'static [(Handler, Threaded)],
}

/// The [`Variants`] of a handler: `variants!(pick, [[f] [g] [h]] [v0...] [v1...] ...)` with
/// `f` the handler's path segments, `g` its leading const arguments (each followed by a
/// comma), `h` the path of its fast path (see [`threaded!`]'s `HIT`; empty for none), then the
/// trailing const arguments of each instantiation, picked by `pick`.
#[macro_export]
macro_rules! variants {
    ($pick:path, $fgh:tt $($c:tt)*) => {{
        const T: $crate::aarch64::decode::Variants = $crate::aarch64::decode::Variants {
            pick: $pick,
            forms: &[$($crate::variants!(@one $fgh $c)),*],
        };
        &T
    }};
    (@one [[$($f:tt)*] [$($g:tt)*] []] [$($c:tt)*]) => {
        (
            $($f)*::<$($g)* $($c)*>,
            $crate::threaded!($($f)*::<$($g)* $($c)*>),
        )
    };
    (@one [[$($f:tt)*] [$($g:tt)*] [$($h:tt)+]] [$($c:tt)*]) => {
        (
            $($f)*::<$($g)* $($c)*>,
            $crate::threaded!($($f)*::<$($g)* $($c)*>, HIT $($h)+::<$($g)* $($c)*>),
        )
    };
}

/// The pick of a `PER_COND` line: the condition code ([`Ops::op`], 0..=15). NV (0b1111) runs
/// AL's instantiation: both mean "always".
pub fn cond_code(o: &Ops) -> usize {
    (o.op & 15) as usize
}

/// Mask and value of a pattern string: `0`/`1` are fixed bits, `x` any bit, `name:N` a field of
/// N bits; spaces separate tokens. Panics (at compile time) unless it describes 32 bits.
pub const fn parse_pattern(p: &str) -> (u32, u32) {
    let b = p.as_bytes();
    let mut mask = 0u32;
    let mut value = 0u32;
    let mut bits = 0u32;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b' ' {
            i += 1;
            continue;
        }
        if c == b'0' || c == b'1' || c == b'x' {
            mask <<= 1;
            value <<= 1;
            if c != b'x' {
                mask |= 1;
                value |= (c - b'0') as u32;
            }
            bits += 1;
            i += 1;
            continue;
        }
        // A named field: letters/digits/underscore, ':', decimal width.
        while i < b.len() && b[i] != b':' {
            i += 1;
        }
        assert!(i < b.len(), "field without width");
        i += 1;
        let mut w = 0u32;
        while i < b.len() && b[i] >= b'0' && b[i] <= b'9' {
            w = w * 10 + (b[i] - b'0') as u32;
            i += 1;
        }
        assert!(w > 0 && w <= 32, "bad field width");
        mask = if w == 32 { 0 } else { mask << w };
        value = if w == 32 { 0 } else { value << w };
        bits += w;
    }
    assert!(bits == 32, "pattern must describe 32 bits");
    (mask, value)
}

/// One table line: `pat!(NAME, "pattern", shape, handler)`, `pat!(NAME, "pattern", shape,
/// handler, END)` for instructions that end a block, `COND` for conditional branches, and
/// `HIT hit` for handlers with a fast path of their own (see [`threaded!`]). A handler
/// instantiated per value of some operand field names its leading const arguments in brackets
/// after it (`dp_reg::csel [true]`) and ends the line with how the instantiation is picked
/// (see [`Variants`]): `PER_COND` (after `COND` for a conditional branch) by the condition
/// code, `VARIANTS pick [v0 v1 ...]` by `pick` among the values `v0`, `v1`... of its last
/// const parameter, `PER_SP` and `PER_INDEX` (after `HIT hit`, whose fast path takes the same
/// const arguments) by [`ldst::base_is_sp`](super::exec::ldst::base_is_sp) and
/// [`ldst::index_kind`](super::exec::ldst::index_kind).
#[macro_export]
macro_rules! pat {
    ($name:ident, $p:literal, $shape:path, $($seg:ident)::+ $([$($g:tt)*])?, PER_COND) => {
        $crate::pat!(@per $name, $p, $shape, [[$($seg)::+] [$($($g)*,)?] []], false, false)
    };
    ($name:ident, $p:literal, $shape:path, $($seg:ident)::+ $([$($g:tt)*])?, COND PER_COND) => {
        $crate::pat!(@per $name, $p, $shape, [[$($seg)::+] [$($($g)*,)?] []], true, true)
    };
    (@per $name:ident, $p:literal, $shape:path, $fgh:tt, $end:expr, $cond:expr) => {
        $crate::pat!(
            @var $name, $p, $shape, $fgh, $end, $cond, $crate::aarch64::decode::cond_code,
            [0] [1] [2] [3] [4] [5] [6] [7] [8] [9] [10] [11] [12] [13] [14] [14]
        )
    };
    ($name:ident, $p:literal, $shape:path, $($seg:ident)::+ $([$($g:tt)*])?,
        VARIANTS $pick:path [$($c:literal)+]) => {
        $crate::pat!(
            @var $name, $p, $shape, [[$($seg)::+] [$($($g)*,)?] []], false, false, $pick,
            $([$c])+
        )
    };
    ($name:ident, $p:literal, $shape:path, $($seg:ident)::+ $([$($g:tt)*])?,
        HIT $($h:ident)::+, PER_SP) => {
        $crate::pat!(
            @var $name, $p, $shape, [[$($seg)::+] [$($($g)*,)?] [$($h)::+]], false, false,
            $crate::aarch64::exec::ldst::base_is_sp, [false] [true]
        )
    };
    ($name:ident, $p:literal, $shape:path, $($seg:ident)::+ $([$($g:tt)*])?,
        HIT $($h:ident)::+, PER_INDEX) => {
        $crate::pat!(
            @var $name, $p, $shape, [[$($seg)::+] [$($($g)*,)?] [$($h)::+]], false, false,
            $crate::aarch64::exec::ldst::index_kind,
            [{ $crate::aarch64::exec::ldst::IX_X }, false]
            [{ $crate::aarch64::exec::ldst::IX_X }, true]
            [{ $crate::aarch64::exec::ldst::IX_UXTW }, false]
            [{ $crate::aarch64::exec::ldst::IX_UXTW }, true]
            [{ $crate::aarch64::exec::ldst::IX_SXTW }, false]
            [{ $crate::aarch64::exec::ldst::IX_SXTW }, true]
        )
    };
    (@var $name:ident, $p:literal, $shape:path, $fgh:tt, $end:expr, $cond:expr, $pick:path,
        $($c:tt)+) => {{
        const V: &$crate::aarch64::decode::Variants = $crate::variants!($pick, $fgh $($c)+);
        $crate::pat!(@ $name, $p, $shape, V.forms[0].0, $end, $cond, V.forms[0].1, Some(V))
    }};
    ($name:ident, $p:literal, $shape:path, $exec:path) => {
        $crate::pat!(@ $name, $p, $shape, $exec, false, false)
    };
    ($name:ident, $p:literal, $shape:path, $exec:path, END) => {
        $crate::pat!(@ $name, $p, $shape, $exec, true, false)
    };
    ($name:ident, $p:literal, $shape:path, $exec:path, COND) => {
        $crate::pat!(@ $name, $p, $shape, $exec, true, true)
    };
    ($name:ident, $p:literal, $shape:path, $exec:path, HIT $hit:path) => {
        $crate::pat!(@ $name, $p, $shape, $exec, false, false, $crate::threaded!($exec, HIT $hit))
    };
    (@ $name:ident, $p:literal, $shape:path, $exec:path, $end:expr, $cond:expr) => {
        $crate::pat!(@ $name, $p, $shape, $exec, $end, $cond, $crate::threaded!($exec))
    };
    (@ $name:ident, $p:literal, $shape:path, $exec:path, $end:expr, $cond:expr, $thread:expr) => {
        $crate::pat!(@ $name, $p, $shape, $exec, $end, $cond, $thread, None)
    };
    (@ $name:ident, $p:literal, $shape:path, $exec:expr, $end:expr, $cond:expr, $thread:expr,
        $per:expr) => {{
        const MV: (u32, u32) = $crate::aarch64::decode::parse_pattern($p);
        $crate::aarch64::decode::Pattern {
            name: stringify!($name),
            mask: MV.0,
            value: MV.1,
            shape: $shape,
            exec: $exec,
            thread: $thread,
            ends_block: $end,
            falls_through: $cond,
            variants: $per,
        }
    }};
}

/// A decoded instruction: the handler and its operands.
#[derive(Clone, Copy)]
pub struct Decoded {
    /// Handler to run.
    pub exec: Handler,
    /// The same handler, threaded (for whole runs of a block).
    pub thread: Threaded,
    /// Its operands.
    pub ops: Ops,
}

/// Result of decoding one word.
#[derive(Clone, Copy)]
pub struct DecodeResult {
    /// What to run.
    pub insn: Decoded,
    /// The matched table line, `None` for UNDEFINED.
    pub pattern: Option<&'static Pattern>,
}

impl DecodeResult {
    /// Whether the block must end after this instruction.
    pub fn ends_block(&self) -> bool {
        self.pattern.is_none_or(|p| p.ends_block)
    }

    /// Whether the block goes on after this instruction when it does not branch
    /// ([`Pattern::falls_through`]).
    pub fn falls_through(&self) -> bool {
        self.pattern.is_some_and(|p| p.falls_through)
    }

    /// The table line that decoded the instruction and the index of the instantiation that
    /// runs it (0 for a line without variants): how the fused groups ([`fuse`], [`limbs`])
    /// name instructions.
    pub fn line(&self) -> Option<(&'static str, usize)> {
        let p = self.pattern?;
        Some((p.name, p.variants.map_or(0, |v| (v.pick)(&self.insn.ops))))
    }
}

fn buckets() -> &'static [Vec<&'static Pattern>; 16] {
    static B: OnceLock<[Vec<&'static Pattern>; 16]> = OnceLock::new();
    B.get_or_init(|| {
        let mut b: [Vec<&'static Pattern>; 16] = Default::default();
        for (op0, bucket) in b.iter_mut().enumerate() {
            let word = (op0 as u32) << 25;
            for p in a64::TABLE {
                // The pattern can match some word of this bucket unless it fixes bits 28:25
                // to other values.
                let fixed = p.mask & (0xf << 25);
                if (p.value ^ word) & fixed == 0 {
                    bucket.push(p);
                }
            }
        }
        b
    })
}

/// Handler of every word no pattern accepts.
pub fn undefined(cpu: &mut Cpu, _env: &mut Env, ops: &Ops) -> Flow {
    cpu.raise(super::exception::Trap::Undefined(ops.imm as u32))
}

/// Decode one instruction word.
#[inline]
pub fn decode(word: u32) -> DecodeResult {
    for p in &buckets()[((word >> 25) & 0xf) as usize] {
        if word & p.mask == p.value {
            if let Some(ops) = (p.shape)(word) {
                let (exec, thread) = match p.variants {
                    Some(v) => v.forms[(v.pick)(&ops)],
                    None => (p.exec, p.thread),
                };
                return DecodeResult {
                    insn: Decoded { exec, thread, ops },
                    pattern: Some(p),
                };
            }
        }
    }
    let ops = Ops {
        imm: word as u64,
        ..Ops::default()
    };
    DecodeResult {
        insn: Decoded {
            exec: undefined,
            thread: crate::threaded!(undefined),
            ops,
        },
        pattern: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::xorshift;

    #[test]
    fn parse_counts_fields() {
        let (m, v) = parse_pattern("sf:1 00 100010 sh:1 imm:12 rn:5 rd:5");
        assert_eq!(m, 0x7f80_0000);
        assert_eq!(v, 0x1100_0000);
    }

    #[test]
    fn the_dead_loop_rule_names_table_lines() {
        for name in crate::aarch64::trace::LOOP_MOVES_ON {
            assert!(a64::TABLE.iter().any(|p| p.name == name), "{name}");
        }
        assert_eq!(decode(0xd53b_e040).pattern.unwrap().name, "MRS_timer"); // mrs x0, cntvct_el0
        assert_eq!(decode(0xd503_207f).pattern.unwrap().name, "WFI");
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = a64::TABLE.iter().map(|p| p.name).collect();
        names.sort();
        for w in names.windows(2) {
            assert_ne!(w[0], w[1], "duplicate pattern name");
        }
    }

    /// Overlapping patterns are allowed only as an ordered specialisation: the earlier one fixes
    /// a strict superset of the later one's bits (so it is the more specific).
    #[test]
    fn overlaps_are_ordered_specialisations() {
        let t = a64::TABLE;
        for i in 0..t.len() {
            for j in i + 1..t.len() {
                let (a, b) = (&t[i], &t[j]);
                let common = a.mask & b.mask;
                if (a.value ^ b.value) & common != 0 {
                    continue;
                }
                let a_more_specific = a.mask & b.mask == b.mask && a.mask != b.mask;
                assert!(
                    a_more_specific,
                    "{} overlaps {} but is not a more specific pattern listed first",
                    a.name, b.name
                );
            }
        }
    }

    /// Each condition of a `PER_COND` line runs its own instantiation: CSEL, CSINC, CSINV,
    /// CSNEG (both widths) and CCMP/CCMN, for every condition and NZCV, against the condition
    /// table ([`cond_holds`](crate::aarch64::exec::cond_holds)).
    #[test]
    fn per_condition_lines_follow_the_condition_field() {
        use crate::aarch64::exec::{cond_holds, exec_one, Flags};
        // (word with cond = 0, result when the condition fails; x1 = 5, x2 = 7 and the result
        // is 5 when it holds), then CCMP/CCMN #0b1001 (x1 = x2 = 5: CMP gives ZC, CMN none).
        let selects = [
            (0x9a82_0020u32, 7u64),                    // csel x0, x1, x2
            (0x1a82_0020, 7),                          // csel w0, w1, w2
            (0x9a82_0420, 8),                          // csinc x0, x1, x2
            (0x1a82_0420, 8),                          // csinc w0, w1, w2
            (0xda82_0020, !7),                         // csinv x0, x1, x2
            (0x5a82_0020, !7u32 as u64),               // csinv w0, w1, w2
            (0x5a82_0420, 7u32.wrapping_neg() as u64), // csneg w0, w1, w2
        ];
        let compares = [(0xfa42_0029u32, 0x6u32), (0xba42_0029, 0x0)]; // ccmp, ccmn x1, x2, #9
        let mut cpu = Cpu::new(1);
        for cond in 0..16u32 {
            for nzcv in 0..16u32 {
                let holds = cond_holds(cond as u8, &Flags::unpack(nzcv << 28));
                for (word, otherwise) in selects {
                    cpu.x[1] = 5;
                    cpu.x[2] = 7;
                    cpu.set_nzcv(nzcv << 28);
                    exec_one(&mut cpu, word | cond << 12);
                    let want = if holds { 5 } else { otherwise };
                    assert_eq!(cpu.x[0], want, "{word:#010x} cond {cond} nzcv {nzcv:#x}");
                }
                for (word, flags) in compares {
                    cpu.x[1] = 5;
                    cpu.x[2] = 5;
                    cpu.set_nzcv(nzcv << 28);
                    exec_one(&mut cpu, word | cond << 12);
                    let want = if holds { flags } else { 0x9 };
                    assert_eq!(
                        cpu.nzcv() >> 28,
                        want,
                        "{word:#010x} cond {cond} nzcv {nzcv:#x}"
                    );
                }
            }
        }
    }

    /// Every line is reachable: the word made of its fixed bits and zero fields, or, when its
    /// shape rejects that, some word with random field values, decodes to it.
    #[test]
    fn every_pattern_is_reachable() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        for p in a64::TABLE {
            let mut found = false;
            for _ in 0..20000 {
                let w = (next() as u32 & !p.mask) | p.value;
                if let Some(q) = decode(w).pattern {
                    if std::ptr::eq(q, p) {
                        found = true;
                        break;
                    }
                }
            }
            assert!(found, "pattern {} is never selected", p.name);
        }
    }

    /// Every instantiation of a line with variants is picked by some word of it, and no pick
    /// falls outside the line's instantiations (decode would panic).
    #[test]
    fn every_variant_is_reachable() {
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        for p in a64::TABLE {
            let Some(v) = p.variants else { continue };
            let mut seen = vec![false; v.forms.len()];
            for _ in 0..1_000_000 {
                let w = (next() as u32 & !p.mask) | p.value;
                if decode(w).pattern.is_some_and(|q| std::ptr::eq(q, p)) {
                    let ops = (p.shape)(w).expect("decoded");
                    seen[(v.pick)(&ops)] = true;
                    if seen.iter().all(|&s| s) {
                        break;
                    }
                }
            }
            assert!(seen.iter().all(|&s| s), "{}: variants {seen:?}", p.name);
        }
    }
}
