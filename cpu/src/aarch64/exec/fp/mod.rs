//! Scalar floating point and the floating-point forms of AdvSIMD (DDI 0487 C7.2, "Floating-point
//! and Advanced SIMD instructions"; semantics from the FPAdd/FPMul/FPRound… pseudocode of J1.2).
//!
//! - [`core`]: the arithmetic (IEEE 754 as Arm defines it, bit-exact, with the FPSR flags).
//! - [`scalar`]: instructions with no vector form: compares, conditional select, FMOV forms,
//!   precision conversion, the fused multiply-add family, conversions to and from general
//!   registers.
//! - [`vector`]: element-wise engines shared by the scalar FP, AdvSIMD scalar and AdvSIMD vector
//!   encodings (one lane for the scalar ones): binary, by element, pairwise, across lanes,
//!   unary, narrowing and widening conversions, FMOV (vector, immediate).
//!
//! Operand conventions of the FP shapes (`decode/shapes.rs`): `op` = element size code
//! (1 half, 2 single, 3 double), `shift` = number of lanes, `sf` = the result is 128 bits
//! (vector Q = 1) or, for conversions with general registers, the register is 64 bits; `op2`
//! = a rounding code ([`core::Rounding::from_code`], 6 = FPCR's) or a small selector; `imm` =
//! per-shape immediates (fraction bits, lane index, expanded constants).

pub mod core;
pub mod scalar;
pub mod vector;

use super::super::state::Cpu;

/// Lane `i` of `bits` bits of `v`.
#[inline(always)]
pub(crate) fn lane(v: u128, bits: u32, i: u32) -> u64 {
    ((v >> (i * bits)) as u64) & (u64::MAX >> (64 - bits))
}

/// Write a result of `bits` bits to V`rd`, zeroing the rest of the register.
#[inline(always)]
pub(crate) fn write(cpu: &mut Cpu, rd: u8, r: u128, bits: u32) {
    if bits > 64 {
        cpu.set_vq(rd, r);
    } else {
        cpu.set_vd(rd, r as u64);
    }
}
