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

#[cfg(test)]
mod tests {
    use super::super::exec_one;
    use crate::aarch64::state::Cpu;
    use crate::aarch64::sysreg::Reg;

    /// Vectors recorded from qemu-aarch64 (`-cpu cortex-a57`), one per line:
    /// `word fpcr v1 v2 v3 x1 -> v0 x0 fpsr nzcv # asm` (hexadecimal; NZCV as its top nibble,
    /// 0b0110 before the instruction; V0 and X0 start at zero).
    const VECTORS: &str = "
        1e222820 0 3f800000 33800000 0 0 -> 3f800000 0 10 6 # fadd s0, s1, s2
        1e222820 400000 3f800000 33800000 0 0 -> 3f800001 0 10 6 # fadd s0, s1, s2
        1e623820 800000 3ff0000000000000 3ff0000000000000 0 0 -> 8000000000000000 0 0 6 # fsub d0, d1, d2
        1e623820 0 3ff0000000000000 3ff0000000000000 0 0 -> 0 0 0 6 # fsub d0, d1, d2
        1e220820 0 0d800000 20800000 0 0 -> 0 0 18 6 # fmul s0, s1, s2
        1e220820 1000000 0d800000 20800000 0 0 -> 0 0 8 6 # fmul s0, s1, s2
        1e220820 0 0d800000 20000000 0 0 -> 0 0 18 6 # fmul s0, s1, s2
        1e220820 1000000 00400000 3f800000 0 0 -> 0 0 80 6 # fmul s0, s1, s2
        1e621820 0 c000000000000000 0 0 0 -> fff0000000000000 0 2 6 # fdiv d0, d1, d2
        1e221820 0 0 0 0 0 -> 7fc00000 0 1 6 # fdiv s0, s1, s2
        1e222820 0 7fc00001 7f800002 0 0 -> 7fc00002 0 1 6 # fadd s0, s1, s2
        1e222820 2000000 7fc00001 7f800002 0 0 -> 7fc00000 0 1 6 # fadd s0, s1, s2
        1e620820 0 7ff4000000000000 0 0 0 -> 7ffc000000000000 0 1 6 # fmul d0, d1, d2
        1f420c20 0 7ff0000000000000 0 7ff8000000000001 0 -> 7ff8000000000000 0 1 6 # fmadd d0, d1, d2, d3
        1f020c20 0 3f800001 3f800001 bf800002 0 -> 28800000 0 0 6 # fmadd s0, s1, s2, s3
        1f220c20 0 7fc00001 3f800000 0 0 -> ffc00001 0 0 6 # fnmadd s0, s1, s2, s3
        1f028c20 0 ffc00001 3f800000 0 0 -> 7fc00001 0 0 6 # fmsub s0, s1, s2, s3
        1e228820 2000000 7f800000 0 0 0 -> ffc00000 0 1 6 # fnmul s0, s1, s2
        1e61c020 0 4000000000000000 0 0 0 -> 3ff6a09e667f3bcd 0 10 6 # fsqrt d0, d1
        1e21c020 0 bf800000 0 0 0 -> 7fc00000 0 1 6 # fsqrt s0, s1
        1e226820 0 7fc00000 3f800000 0 0 -> 3f800000 0 0 6 # fmaxnm s0, s1, s2
        1e224820 0 7fc00000 3f800000 0 0 -> 7fc00000 0 0 6 # fmax s0, s1, s2
        1e225820 0 80000000 0 0 0 -> 80000000 0 0 6 # fmin s0, s1, s2
        1e224820 0 80000000 0 0 0 -> 0 0 0 6 # fmax s0, s1, s2
        1e627820 0 7ff0000000000001 3ff0000000000000 0 0 -> 7ff8000000000001 0 1 6 # fminnm d0, d1, d2
        1e222030 0 7fc00000 3f800000 0 0 -> 0 0 1 3 # fcmpe s1, s2
        1e222020 0 7fc00000 3f800000 0 0 -> 0 0 0 3 # fcmp s1, s2
        1e602028 0 8000000000000000 0 0 0 -> 0 0 0 6 # fcmp d1, #0.0
        1e222020 0 3f800000 40000000 0 0 -> 0 0 0 8 # fcmp s1, s2
        1e221425 0 7f800001 3f800000 0 0 -> 0 0 0 5 # fccmp s1, s2, #0x5, ne
        1e624020 c00000 47f0000000000000 0 0 0 -> 7f7fffff 0 14 6 # fcvt s0, d1
        1e624020 0 36a0000000000000 0 0 0 -> 1 0 0 6 # fcvt s0, d1
        1e624020 1000000 36a0000000000000 0 0 0 -> 0 0 8 6 # fcvt s0, d1
        1e23c020 4000000 7f800000 0 0 0 -> 7fff 0 1 6 # fcvt h0, s1
        1e23c020 4000000 47800000 0 0 0 -> 7c00 0 0 6 # fcvt h0, s1
        1e23c020 0 47800000 0 0 0 -> 7c00 0 14 6 # fcvt h0, s1
        1ee2c020 4000000 7c01 0 0 0 -> 40f0040000000000 0 0 6 # fcvt d0, h1
        1ee24020 0 7c01 0 0 0 -> 7fc02000 0 1 6 # fcvt s0, h1
        1e22c020 0 7f800001 0 0 0 -> 7ff8000020000000 0 1 6 # fcvt d0, s1
        1e380020 0 4f32d05e 0 0 0 -> 0 7fffffff 1 6 # fcvtzs w0, s1
        1e240020 0 c0200000 0 0 0 -> 0 fffffffd 10 6 # fcvtas w0, s1
        1e200020 0 40200000 0 0 0 -> 0 2 10 6 # fcvtns w0, s1
        9e710020 0 bfe0000000000000 0 0 0 -> 0 0 1 6 # fcvtmu x0, d1
        9e610020 0 bfe0000000000000 0 0 0 -> 0 0 10 6 # fcvtnu x0, d1
        1e18f020 0 3fa00000 0 0 0 -> 0 14 0 6 # fcvtzs w0, s1, #4
        9e790020 0 7ff8000000000000 0 0 0 -> 0 0 1 6 # fcvtzu x0, d1
        9e220020 0 0 0 0 7fffffffffffffff -> 5f000000 0 10 6 # scvtf s0, x1
        9e630020 c00000 0 0 0 ffffffffffffffff -> 43efffffffffffff 0 10 6 # ucvtf d0, x1
        1e42e020 0 0 0 0 80000000 -> c160000000000000 0 0 6 # scvtf d0, w1, #8
        1e274020 0 40200000 0 0 0 -> 40000000 0 10 6 # frintx s0, s1
        1e264020 0 c0200000 0 0 0 -> c0400000 0 0 6 # frinta s0, s1
        1e644020 0 c004000000000000 0 0 0 -> c000000000000000 0 0 6 # frintn d0, d1
        1e254020 0 bf000000 0 0 0 -> bf800000 0 0 6 # frintm s0, s1
        1e25c020 0 bf000000 0 0 0 -> 80000000 0 0 6 # frintz s0, s1
        1e27c020 800000 3fc00000 0 0 0 -> 3f800000 0 0 6 # frinti s0, s1
        5ea1d820 0 40000000 0 0 0 -> 3eff8000 0 0 6 # frecpe s0, s1
        5ee1d820 0 0000000000000001 0 0 0 -> 7ff0000000000000 0 14 6 # frecpe d0, d1
        5ea1d820 1000000 7f000000 0 0 0 -> 0 0 8 6 # frecpe s0, s1
        5ea1d820 0 7f000000 0 0 0 -> 3fe000 0 0 6 # frecpe s0, s1
        7ea1d820 0 40800000 0 0 0 -> 3eff8000 0 0 6 # frsqrte s0, s1
        7ee1d820 0 4000000000000000 0 0 0 -> 3fe6900000000000 0 0 6 # frsqrte d0, d1
        7ea1d820 0 bf800000 0 0 0 -> 7fc00000 0 1 6 # frsqrte s0, s1
        5e22fc20 0 7f800000 0 0 0 -> 40000000 0 0 6 # frecps s0, s1, s2
        5ea2fc20 0 3f800000 40000000 0 0 -> 3f000000 0 0 6 # frsqrts s0, s1, s2
        5ea1f820 0 00000001 0 0 0 -> 7f000000 0 0 6 # frecpx s0, s1
        5ee1f820 0 c000000000000000 0 0 0 -> bff0000000000000 0 0 6 # frecpx d0, d1
        7e616820 0 3ff0000020000000 0 0 0 -> 3f800001 0 0 6 # fcvtxn s0, d1
        7e616820 0 7fe0000000000000 0 0 0 -> 7f7fffff 0 14 6 # fcvtxn s0, d1
        7ea2d420 0 3f800000 40000000 0 0 -> 3f800000 0 0 6 # fabd s0, s1, s2
        5e22dc20 0 ff800000 0 0 0 -> c0000000 0 0 6 # fmulx s0, s1, s2
        7ea2ec20 0 c0000000 3f800000 0 0 -> ffffffff 0 0 6 # facgt s0, s1, s2
        5ee0d820 0 8000000000000000 0 0 0 -> ffffffffffffffff 0 0 6 # fcmeq d0, d1, #0.0
        7ea0d820 0 7fc00000 0 0 0 -> 0 0 1 6 # fcmle s0, s1, #0.0
        7e30d820 0 400000003f800000 0 0 0 -> 40400000 0 0 6 # faddp s0, v1.2s
        1e3e9000 0 0 0 0 0 -> bfa00000 0 0 6 # fmov s0, #-1.25
        1e67f000 0 0 0 0 0 -> 403f000000000000 0 0 6 # fmov d0, #31.0
        4f03f400 0 0 0 0 0 -> 3f0000003f0000003f0000003f000000 0 0 6 # fmov v0.4s, #0.5
        9eaf0020 0 0 0 0 123456789abcdef0 -> 123456789abcdef00000000000000000 0 0 6 # fmov v0.d[1], x1
        9eae0020 0 112233445566778899aabbccddeeff00 0 0 0 -> 0 1122334455667788 0 6 # fmov x0, v1.d[1]
        4e22d420 0 7f7fffff3f80000000000001ff800000 7f7fffff3380000000000001ff800000 0 0 -> 7f8000003f80000000000002ff800000 0 14 6 # fadd v0.4s, v1.4s, v2.4s
        4fc21820 0 40000000000000003ff0000000000000 40080000000000003ff0000000000000 0 0 -> 40180000000000004008000000000000 0 0 6 # fmla v0.2d, v1.2d, v2.d[1]
        6e30c820 0 7fc00000bf800000ff8000007fc00001 0 0 0 -> bf800000 0 0 6 # fmaxnmv s0, v1.4s
        6eb0f820 0 3f8000007fc00000bf8000003f000000 0 0 0 -> 7fc00000 0 0 6 # fminv s0, v1.4s
        4e616820 0 3ff00000000000007ff0000000000000 0 0 0 -> 3f8000007f8000000000000000000000 0 0 6 # fcvtn2 v0.4s, v1.2d
        4e617820 0 3f8000007fc0000100000000 0 0 0 -> 3ff0000000000000 0 0 6 # fcvtl2 v0.2d, v1.4s
        0e216820 4000000 7f800000477fe00000000001 0 0 0 -> 7fff7bff0000 0 19 6 # fcvtn v0.4h, v1.4s
        0e217820 4000000 7c00fc00 0 0 0 -> 47800000c7800000 0 0 6 # fcvtl v0.4s, v1.4h
        4f7de420 0 80000000000000000000000000000008 0 0 0 -> c3b00000000000003ff0000000000000 0 0 6 # scvtf v0.2d, v1.2d, #3
        6f3ffc20 0 4f800000bf80000040400000 0 0 0 -> ffffffff0000000000000006 0 1 6 # fcvtzu v0.4s, v1.4s, #1
        4ea1c820 0 7fffffff80000000ffffffff 0 0 0 -> ffffffffffffffffff80000080000000 0 0 6 # urecpe v0.4s, v1.4s
        2ea1c820 0 3fffffff40000000 0 0 0 -> ffffffffff800000 0 0 6 # ursqrte v0.2s, v1.2s
        4ee1a820 0 c1e0000000200000c3e0000000000001 0 0 0 -> ffffffff7fffffff8000000000000000 0 1 6 # fcvtps v0.2d, v1.2d
        0ea1d820 0 00200000 0 0 0 -> 7f8000007f7f8000 0 2 6 # frecpe v0.2s, v1.2s
        6ee1f820 0 fff00000000000000010000000000000 0 0 0 -> 7ff80000000000002000000000000000 0 1 6 # fsqrt v0.2d, v1.2d
    ";

    #[test]
    fn vectors_from_qemu() {
        let hex = |t: &str| u128::from_str_radix(t, 16).expect("hex field");
        let mut n = 0;
        for line in VECTORS.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (data, asm) = line.split_once('#').unwrap_or((line, ""));
            let (input, output) = data.split_once("->").expect("`->` in vector");
            let i: Vec<u128> = input.split_whitespace().map(hex).collect();
            let o: Vec<u128> = output.split_whitespace().map(hex).collect();
            assert!(i.len() == 6 && o.len() == 4, "malformed vector: {line}");
            let mut cpu = Cpu::new(1);
            cpu.sys.set(Reg::CpacrEl1, 3 << 20);
            cpu.sys.set(Reg::Fpcr, i[1] as u64);
            cpu.set_nzcv(0x6000_0000);
            cpu.v[1..4].copy_from_slice(&[i[2], i[3], i[4]]);
            cpu.x[1] = i[5] as u64;
            exec_one(&mut cpu, i[0] as u32);
            let got = (
                cpu.v[0],
                cpu.x[0] as u128,
                cpu.sys.get(Reg::Fpsr) as u128,
                (cpu.nzcv() >> 28) as u128,
            );
            assert_eq!(got, (o[0], o[1], o[2], o[3]), "{asm}: (v0, x0, fpsr, nzcv)");
            n += 1;
        }
        assert!(n > 90);
    }

    #[test]
    fn access_trap_when_fp_disabled() {
        // FADD S0, S1, S2 at EL1 with CPACR_EL1.FPEN = 00: trapped (EC 0x07), V0 unchanged.
        let mut cpu = Cpu::new(1);
        cpu.v[0] = 0x1234;
        exec_one(&mut cpu, 0x1e22_2820);
        assert_eq!(cpu.v[0], 0x1234);
        assert_eq!(cpu.sys.get(Reg::EsrEl1) >> 26, 0x07);
    }
}
