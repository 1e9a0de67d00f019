//! Instruction handlers, one file per encoding class, and the helpers they share: register
//! access, condition codes, flag-setting addition, shifts and extends.

pub mod branch;
pub mod dp_imm;
pub mod dp_reg;
pub mod fp;
pub mod ldst;
pub mod simd;
pub mod system;

use super::exception::{ec, Trap};
use super::state::{Cpu, Flow};
use super::sysreg::hooks::check_fp;
use super::sysreg::{Deny, Dir};

impl Cpu {
    /// Value of register slot `slot`.
    #[inline(always)]
    pub fn r(&self, slot: u8) -> u64 {
        self.x[slot as usize]
    }

    /// Value of register slot `slot` as a 32- or 64-bit operand.
    #[inline(always)]
    pub fn r_sf(&self, slot: u8, sf: bool) -> u64 {
        let v = self.x[slot as usize];
        if sf {
            v
        } else {
            v as u32 as u64
        }
    }

    /// Write register slot `slot`.
    #[inline(always)]
    pub fn w(&mut self, slot: u8, v: u64) {
        self.x[slot as usize] = v;
    }

    /// Write register slot `slot` with a 64-bit value or a zero-extended 32-bit one.
    #[inline(always)]
    pub fn w_sf(&mut self, slot: u8, v: u64, sf: bool) {
        self.x[slot as usize] = if sf { v } else { v as u32 as u64 };
    }

    /// [`Cpu::w_sf`] for a handler that takes `X`: true for the decode table's lines that fix
    /// sf = 1 (the result is written whole, no width test), false for the lines of both widths.
    #[inline(always)]
    pub fn w_x<const X: bool>(&mut self, slot: u8, v: u64, sf: bool) {
        self.w_sf(slot, v, X || sf)
    }
}

/// ISS of an FP/SIMD access trap (EC 0x07): CV = 1, COND = 0b1110, as QEMU reports it.
pub const FP_TRAP_ISS: u32 = 0x1e0_0000;

/// Guard at the start of every FP/SIMD handler: `Some(flow)` (the access trap was taken) when
/// CPACR_EL1.FPEN or CPTR_EL2.TFP disable FP/SIMD at the current EL.
#[inline(always)]
pub fn fp_guard(cpu: &mut Cpu) -> Option<Flow> {
    match check_fp(cpu, Dir::Read) {
        Ok(()) => None,
        Err(Deny::TrapFp(target)) => Some(cpu.raise(Trap::Class {
            target,
            ec: ec::FP_ACCESS,
            iss: FP_TRAP_ISS,
        })),
        Err(_) => Some(cpu.raise(Trap::Undefined(0))),
    }
}

impl Cpu {
    /// SIMD&FP register `n` as 128 bits.
    #[inline(always)]
    pub fn vq(&self, n: u8) -> u128 {
        self.v[(n & 31) as usize]
    }

    /// Write all 128 bits of SIMD&FP register `n`.
    #[inline(always)]
    pub fn set_vq(&mut self, n: u8, v: u128) {
        self.v[(n & 31) as usize] = v;
    }

    /// Write a scalar or 64-bit vector result to register `n`: bits above `v`'s width are
    /// zeroed, as every AArch64 SIMD&FP write of less than 128 bits does.
    #[inline(always)]
    pub fn set_vd(&mut self, n: u8, v: u64) {
        self.v[(n & 31) as usize] = v as u128;
    }
}

pub use super::flags::{cond_holds, Flags, C, N, V, Z};

/// AddWithCarry (DDI 0487 J1.1.3): `x + y + carry` at 32 or 64 bits, with the NZCV it sets.
#[inline(always)]
pub fn add_with_carry(x: u64, y: u64, carry: bool, sf: bool) -> (u64, Flags) {
    if sf {
        let (s1, c1) = x.overflowing_add(y);
        let (r, c2) = s1.overflowing_add(carry as u64);
        let v = ((x ^ r) & (y ^ r)) >> 63 != 0;
        (r, Flags::of(r, true, c1 | c2, v))
    } else {
        let (x, y) = (x as u32, y as u32);
        let (s1, c1) = x.overflowing_add(y);
        let (r, c2) = s1.overflowing_add(carry as u32);
        let v = ((x ^ r) & (y ^ r)) >> 31 != 0;
        (r as u64, Flags::of(r as u64, false, c1 | c2, v))
    }
}

/// `x + y` at 32 or 64 bits with the NZCV it sets: AddWithCarry(x, y, 0) with C and V taken
/// from the host's unsigned and signed overflow of the same addition, for ADDS/CMN.
#[inline(always)]
pub fn add_with_flags(x: u64, y: u64, sf: bool) -> (u64, Flags) {
    if sf {
        let (r, c) = x.overflowing_add(y);
        let v = (x as i64).overflowing_add(y as i64).1;
        (r, Flags { n: r, z: r, c, v })
    } else {
        let (x, y) = (x as u32, y as u32);
        let (r, c) = x.overflowing_add(y);
        let v = (x as i32).overflowing_add(y as i32).1;
        (r as u64, Flags::of(r as u64, false, c, v))
    }
}

/// `x - y` at 32 or 64 bits with the NZCV it sets: AddWithCarry(x, NOT(y), 1) computed
/// directly (C = no borrow, V the host's signed overflow of the subtraction), for SUBS/CMP.
#[inline(always)]
pub fn sub_with_flags(x: u64, y: u64, sf: bool) -> (u64, Flags) {
    if sf {
        let (r, borrow) = x.overflowing_sub(y);
        let v = (x as i64).overflowing_sub(y as i64).1;
        (
            r,
            Flags {
                n: r,
                z: r,
                c: !borrow,
                v,
            },
        )
    } else {
        let (x, y) = (x as u32, y as u32);
        let (r, borrow) = x.overflowing_sub(y);
        let v = (x as i32).overflowing_sub(y as i32).1;
        (r as u64, Flags::of(r as u64, false, !borrow, v))
    }
}

/// NZCV of a logical result (N and Z from the result, C = V = 0).
#[inline(always)]
pub fn logic_flags(r: u64, sf: bool) -> Flags {
    Flags::logic(r, sf)
}

/// Shift types of the shifted-register forms.
pub mod shift_type {
    /// Logical shift left.
    pub const LSL: u8 = 0;
    /// Logical shift right.
    pub const LSR: u8 = 1;
    /// Arithmetic shift right.
    pub const ASR: u8 = 2;
    /// Rotate right.
    pub const ROR: u8 = 3;
}

/// Shift `v` (a 32- or 64-bit operand) by `amount` (< datasize) of `kind`; 32-bit results are
/// zero-extended.
#[inline(always)]
pub fn shift(v: u64, kind: u8, amount: u32, sf: bool) -> u64 {
    if sf {
        match kind {
            shift_type::LSL => v << amount,
            shift_type::LSR => v >> amount,
            shift_type::ASR => ((v as i64) >> amount) as u64,
            _ => v.rotate_right(amount),
        }
    } else {
        let v = v as u32;
        (match kind {
            shift_type::LSL => v << amount,
            shift_type::LSR => v >> amount,
            shift_type::ASR => ((v as i32) >> amount) as u32,
            _ => v.rotate_right(amount),
        }) as u64
    }
}

/// ExtendReg (DDI 0487 J1.1.3): extend `v` by `kind` (0..=7: UXTB, UXTH, UXTW, UXTX, SXTB, SXTH,
/// SXTW, SXTX) and shift left by `lsl` (0..=4).
#[inline(always)]
pub fn extend(v: u64, kind: u8, lsl: u32) -> u64 {
    let bits = 8u32 << (kind & 3);
    let x = if bits == 64 {
        v
    } else if kind & 4 != 0 {
        (((v << (64 - bits)) as i64) >> (64 - bits)) as u64
    } else {
        v & ((1u64 << bits) - 1)
    };
    x << lsl
}

/// Test support for the handler files: run `word` then HVC #0 through the executor on a fresh
/// EL1 vCPU over a [`FlatBus`](super::flat::FlatBus), with X0–X3 and NZCV preset; returns the
/// vCPU afterwards.
#[cfg(test)]
pub(crate) fn run_one(word: u32, x: [u64; 4], nzcv: u32) -> Cpu {
    use super::{block::BlockCache, flat::FlatBus, state::Exit};
    const BASE: u64 = 0x4000_0000;
    let mut bus = FlatBus::new(BASE, 0x1000);
    bus.load_words(BASE, &[word, 0xd400_0002]);
    let mut cpu = Cpu::new(1);
    cpu.pc = BASE;
    cpu.x[..4].copy_from_slice(&x);
    cpu.set_nzcv(nzcv);
    let exit = cpu.run(&mut BlockCache::new(), &mut bus, 2);
    assert_eq!(exit, Exit::Hvc(0), "{word:#010x} did not run to the HVC");
    cpu
}

/// Test support: decode `word` and call its handler once on `cpu` (no executor, PC unchanged),
/// for exhaustive sweeps where [`run_one`] would be slow.
#[cfg(test)]
pub(crate) fn exec_one(cpu: &mut Cpu, word: u32) -> super::state::Flow {
    use super::{block::CodePages, block::Env, decode::decode, flat::FlatBus};
    let d = decode(word).insn;
    let mut bus = FlatBus::new(0, 0x1000);
    let mut code = CodePages::default();
    let mut env = Env::bound(cpu, &mut bus, &mut code);
    (d.exec)(cpu, &mut env, &d.ops)
}

/// Test support: check vectors written one per line as `word x0 x1 x2 x3 nzcv -> x0 nzcv # asm`
/// (hexadecimal): each word runs through [`run_one`] with the inputs and must leave X0 and NZCV
/// as given.
#[cfg(test)]
pub(crate) fn check_vectors(text: &str) {
    let hex = |t: &str| u64::from_str_radix(t, 16).expect("hex field");
    let mut checked = 0;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (data, asm) = line.split_once('#').unwrap_or((line, ""));
        let (input, output) = data.split_once("->").expect("`->` in vector");
        let i: Vec<u64> = input.split_whitespace().map(hex).collect();
        let o: Vec<u64> = output.split_whitespace().map(hex).collect();
        assert!(i.len() == 6 && o.len() == 2, "malformed vector: {line}");
        let cpu = run_one(i[0] as u32, [i[1], i[2], i[3], i[4]], i[5] as u32);
        assert_eq!(
            (cpu.x[0], cpu.nzcv() as u64),
            (o[0], o[1]),
            "{asm} (x0, nzcv) for {line}"
        );
        checked += 1;
    }
    assert!(checked > 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_with_carry_flags() {
        let packed = |(r, f): (u64, Flags)| (r, f.pack());
        assert_eq!(packed(add_with_carry(u64::MAX, 1, false, true)), (0, Z | C));
        assert_eq!(
            packed(add_with_carry(i64::MAX as u64, 1, false, true)),
            (1 << 63, N | V)
        );
        assert_eq!(
            packed(add_with_carry(0xffff_ffff, 0, true, false)),
            (0, Z | C)
        );
        assert_eq!(packed(add_with_carry(5, !3u64, true, true)), (2, C)); // 5 - 3
    }

    /// SUBS's and ADDS's direct forms give what AddWithCarry(x, NOT(y), 1) and
    /// AddWithCarry(x, y, 0) give, on edge values.
    #[test]
    fn sub_and_add_with_flags_are_add_with_carry() {
        let edges = [
            0u64,
            1,
            2,
            0x7fff_ffff,
            0x8000_0000,
            0xffff_ffff,
            0x1_0000_0000,
            i64::MAX as u64,
            1 << 63,
            u64::MAX,
            u64::MAX - 1,
            0x1234_5678_9abc_def0,
        ];
        for &x in &edges {
            for &y in &edges {
                for sf in [false, true] {
                    assert_eq!(
                        sub_with_flags(x, y, sf),
                        add_with_carry(x, !y, true, sf),
                        "{x:#x} - {y:#x} sf={sf}"
                    );
                    assert_eq!(
                        add_with_flags(x, y, sf),
                        add_with_carry(x, y, false, sf),
                        "{x:#x} + {y:#x} sf={sf}"
                    );
                }
            }
        }
    }
}
