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

#[cfg(test)]
mod qemu_tests {
    //! Vectors recorded from qemu-aarch64 (see `super::super::testutil`).

    /// MOVI/MVNI/ORR/BIC immediates, every cmode group.
    const VECTORS: &str = "
    4f054560 ff8bffffff00007f000000ffffffff01 5d300cb90706a045defc044a09325626 6c71c4a66148a86fe8624fab5186ee32 ffffffff7fffffff007f007f0080007f -> ab000000ab000000ab000000ab0000 5d300cb90706a045defc044a09325626 6c71c4a66148a86fe8624fab5186ee32 ffffffff7fffffff007f007f0080007f 5555 0 # movi v0.4s, #0xab, lsl #16
    2f006640 6a27e0dfcbf8754472154e76e4c11ab2 ffffffffffff00007fff80000000 bd143fa9b714210c665d7435c1066932 47733e847d718d733ff98ff387c56473 -> edffffffedffffff ffffffffffff00007fff80000000 bd143fa9b714210c665d7435c1066932 47733e847d718d733ff98ff387c56473 5555 0 # mvni v0.2s, #0x12, lsl #24
    4f04b420 800000000000ffff74667bffa9643a29 ffffffffffffffff0000000000000080 ffffffffffff000000ffc5e200ffe06f 7fff0000000000000080 -> 810081008100fffff566fbffa964bb29 ffffffffffffffff0000000000000080 ffffffffffff000000ffc5e200ffe06f 7fff0000000000000080 5555 0 # orr v0.8h, #0x81, lsl #8
    6f0717e0 f18080ffff01ae80ffff00ff8002ffff 828d569c268a20eb78ac332e5e138e2 ac3a5b263fdf57cd2c0064975c374746 67cfdcb11457d9cf45e2fa01d7f4275 -> f1808000ff01ae00ffff00008002ff00 828d569c268a20eb78ac332e5e138e2 ac3a5b263fdf57cd2c0064975c374746 67cfdcb11457d9cf45e2fa01d7f4275 5555 0 # bic v0.4s, #0xff
    0f01d680 4174e75a5f834da70569c018eb2b5693 2f0981aebc1b00d92838e766ef9b6bf2 ff000bff00ff00ff01ff00ff00800000 7fffffffff00017fffffff0080 -> 34ffff0034ffff 2f0981aebc1b00d92838e766ef9b6bf2 ff000bff00ff00ff01ff00ff00800000 7fffffffff00017fffffff0080 5555 0 # movi v0.2s, #0x34, msl #16
    6f02c6c0 7fff000000000000007f a73fa0b26b75196cf87eb8a09b27ec71 aba9e7b823fc5ad2f58105748ed5d1b7 2bb3b36f29421c4021b7379f0897246a -> ffffa900ffffa900ffffa900ffffa900 a73fa0b26b75196cf87eb8a09b27ec71 aba9e7b823fc5ad2f58105748ed5d1b7 2bb3b36f29421c4021b7379f0897246a 5555 0 # mvni v0.4s, #0x56, msl #8
    4f06e460 ea990e94821d46063b4dbf2ca294523d 1ff7f007f00ffffff0000800101ff80 c02659fe2e87d4150511baeb198ababb ab63ad02854efa600641b4fa37a47ce4 -> c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3 1ff7f007f00ffffff0000800101ff80 c02659fe2e87d4150511baeb198ababb ab63ad02854efa600641b4fa37a47ce4 5555 0 # movi v0.16b, #0xc3
    2f05e4a0 6147db98a44a4d468918b6824f4a353e 35cbc4d3f68ed036c2b1c26be8147dc9 0 b0bd00ff0000f5eeffff7fff00000001 -> ff00ff0000ff00ff 35cbc4d3f68ed036c2b1c26be8147dc9 0 b0bd00ff0000f5eeffff7fff00000001 5555 0 # movi d0, #0xff00ff0000ff00ff
    6f04e420 69897f7faf708536dfd5349d04e0cb95 c67c87efd73253cf32c9c69b4e50ed89 ff00008000014effff010080ff00ff 1f2c53494110c7681f29a9d5e33fc312 -> ff000000000000ffff000000000000ff c67c87efd73253cf32c9c69b4e50ed89 ff00008000014effff010080ff00ff 1f2c53494110c7681f29a9d5e33fc312 5555 0 # movi v0.2d, #0xff000000000000ff
    2f0397e0 a418067b55a0b0a6d99e3ea39dd5a943 650b1531afb9094b151ad7536464793 ff7fffffffffffffff 5ffa441acc790cf4243725d175004aff -> d9803e809d80a900 650b1531afb9094b151ad7536464793 ff7fffffffffffffff 5ffa441acc790cf4243725d175004aff 5555 0 # bic v0.4h, #0x7f
";

    #[test]
    fn against_qemu() {
        super::super::testutil::check(VECTORS);
    }
}
