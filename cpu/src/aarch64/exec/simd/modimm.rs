//! AdvSIMD modified immediate (DDI 0487 C7.2 MOVI, MVNI, ORR (vector, immediate), BIC (vector,
//! immediate); encoding C4.1.95 "Advanced SIMD modified immediate", AdvSIMDExpandImm in J1.3).
//! The shape expands the immediate to 64 bits at decode time (already inverted for MVNI); the
//! FMOV (vector, immediate) forms (cmode = 1111) are floating point and not decoded here.

use crate::aarch64::block::Env;
use crate::aarch64::exec::fp_guard;
use crate::aarch64::state::{Cpu, Flow, Ops};

use super::lanes::dmask;

/// What the immediate does to Vd.
pub mod op {
    /// MOVI/MVNI: Vd = imm.
    pub const MOV: u8 = 0;
    /// ORR: Vd |= imm.
    pub const ORR: u8 = 1;
    /// BIC: Vd &= !imm.
    pub const BIC: u8 = 2;
}

/// AdvSIMDExpandImm(op, cmode, imm8) for every cmode but 1111: the 64-bit pattern.
pub const fn expand_imm(op: bool, cmode: u32, imm8: u64) -> u64 {
    const fn rep32(v: u64) -> u64 {
        v | v << 32
    }
    const fn rep16(v: u64) -> u64 {
        v * 0x0001_0001_0001_0001
    }
    match cmode >> 1 {
        0..=3 => rep32(imm8 << (8 * (cmode >> 1))),
        4 | 5 => rep16(imm8 << (8 * ((cmode >> 1) & 1))),
        6 => {
            if cmode & 1 == 0 {
                rep32(imm8 << 8 | 0xff)
            } else {
                rep32(imm8 << 16 | 0xffff)
            }
        }
        _ => {
            if op {
                // Each bit of imm8 becomes a byte of ones or zeros.
                let mut r = 0u64;
                let mut i = 0;
                while i < 8 {
                    if imm8 >> i & 1 != 0 {
                        r |= 0xff << (8 * i);
                    }
                    i += 1;
                }
                r
            } else {
                imm8 * 0x0101_0101_0101_0101
            }
        }
    }
}

/// MOVI/MVNI/ORR/BIC (vector, immediate): `imm` is the 64-bit pattern, replicated to `op2` bytes.
pub fn modimm<const OP: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let imm = (o.imm as u128) | (o.imm as u128) << 64;
    let r = match OP {
        op::MOV => imm,
        op::ORR => cpu.vq(o.rd) | imm,
        _ => cpu.vq(o.rd) & !imm,
    };
    cpu.set_vq(o.rd, r & dmask(o.op2));
    Flow::Next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion() {
        assert_eq!(expand_imm(false, 0b0010, 0xab), 0x0000_ab00_0000_ab00);
        assert_eq!(expand_imm(false, 0b1010, 0xab), 0xab00_ab00_ab00_ab00);
        assert_eq!(expand_imm(false, 0b1101, 0xab), 0x00ab_ffff_00ab_ffff);
        assert_eq!(expand_imm(false, 0b1110, 0xab), 0xabab_abab_abab_abab);
        assert_eq!(expand_imm(true, 0b1110, 0x81), 0xff00_0000_0000_00ff);
    }
}
