//! AdvSIMD shift by immediate, vector and scalar (DDI 0487 C7.2; encodings C4.1.95 "Advanced
//! SIMD shift by immediate" and "Advanced SIMD scalar shift by immediate").
//!
//! One table line serves each class (the modified-immediate encodings share the space where
//! immh = 0 and come first); the shape decodes U:opcode into the operation (`ra`, one of
//! [`kind`]), the element size from immh (`op`), the shift amount (`shift`), the bytes covered
//! (`op2`) and the upper-half selector of the narrowing/widening "2" forms (`sf`). The
//! fixed-point conversions of this class (opcodes 11100 and 11111) are floating point and not
//! decoded here.

use crate::aarch64::block::Env;
use crate::aarch64::exec::fp_guard;
use crate::aarch64::state::{Cpu, Flow, Ops};
use crate::by_size;

use super::arith::{by_nsize, write_narrow};
use super::lanes::*;
use super::set_qc;

/// Operations of the shift-by-immediate class (`Ops::ra`).
pub mod kind {
    /// Element-wise right shifts (amount 1..=esize).
    pub const SSHR: u8 = 0;
    #[allow(missing_docs)]
    pub const USHR: u8 = 1;
    #[allow(missing_docs)]
    pub const SSRA: u8 = 2;
    #[allow(missing_docs)]
    pub const USRA: u8 = 3;
    #[allow(missing_docs)]
    pub const SRSHR: u8 = 4;
    #[allow(missing_docs)]
    pub const URSHR: u8 = 5;
    #[allow(missing_docs)]
    pub const SRSRA: u8 = 6;
    #[allow(missing_docs)]
    pub const URSRA: u8 = 7;
    #[allow(missing_docs)]
    pub const SRI: u8 = 8;
    /// Element-wise left shifts (amount 0..esize).
    pub const SHL: u8 = 9;
    #[allow(missing_docs)]
    pub const SLI: u8 = 10;
    #[allow(missing_docs)]
    pub const SQSHL: u8 = 11;
    #[allow(missing_docs)]
    pub const UQSHL: u8 = 12;
    #[allow(missing_docs)]
    pub const SQSHLU: u8 = 13;
    /// Narrowing right shifts (wide source, amount 1..=narrow esize).
    pub const SHRN: u8 = 14;
    #[allow(missing_docs)]
    pub const RSHRN: u8 = 15;
    #[allow(missing_docs)]
    pub const SQSHRN: u8 = 16;
    #[allow(missing_docs)]
    pub const UQSHRN: u8 = 17;
    #[allow(missing_docs)]
    pub const SQRSHRN: u8 = 18;
    #[allow(missing_docs)]
    pub const UQRSHRN: u8 = 19;
    #[allow(missing_docs)]
    pub const SQSHRUN: u8 = 20;
    #[allow(missing_docs)]
    pub const SQRSHRUN: u8 = 21;
    /// Widening left shifts (amount 0..esize; SHLL uses USHLL with amount = esize).
    pub const SSHLL: u8 = 22;
    #[allow(missing_docs)]
    pub const USHLL: u8 = 23;
}

use kind::*;

/// Whether the operation is a right shift (amount = 2 × esize − immh:immb).
pub const fn is_right(k: u8) -> bool {
    k <= SRI || (k >= SHRN && k <= SQRSHRUN)
}

/// Whether the operation narrows (wide source lanes).
pub const fn is_narrow(k: u8) -> bool {
    k >= SHRN && k <= SQRSHRUN
}

/// Whether the operation widens.
pub const fn is_long(k: u8) -> bool {
    k >= SSHLL
}

/// Right shift of an `e`-bit (signed or unsigned) value by 1..=e (or up to 2e for narrowing
/// sources), with optional rounding, as a wide integer.
#[inline(always)]
fn shr(v: i128, sh: u32, round: bool) -> i128 {
    if round {
        (v + (1i128 << (sh - 1))) >> sh
    } else {
        v >> sh
    }
}

/// Lane function of the element-wise shifts: `x` from Vn, `d` from Vd.
#[inline(always)]
fn lane<const K: u8>(x: u64, d: u64, sh: u32, e: u32, qc: &mut bool) -> u64 {
    let (s, u) = (sx(x, e) as i128, x as i128);
    match K {
        SSHR => shr(s, sh, false) as u64,
        USHR => shr(u, sh, false) as u64,
        SSRA => d.wrapping_add(shr(s, sh, false) as u64),
        USRA => d.wrapping_add(shr(u, sh, false) as u64),
        SRSHR => shr(s, sh, true) as u64,
        URSHR => shr(u, sh, true) as u64,
        SRSRA => d.wrapping_add(shr(s, sh, true) as u64),
        URSRA => d.wrapping_add(shr(u, sh, true) as u64),
        SRI => {
            let m = (emask(e) as u128 >> sh) as u64;
            (d & !m) | (shr(u, sh, false) as u64)
        }
        SHL => x << sh,
        SLI => {
            let m = emask(e) << sh;
            (d & !m) | (x << sh)
        }
        SQSHL => sat_s(s << sh, e, qc),
        UQSHL => sat_u(u << sh, e, qc),
        _ => sat_u(s << sh, e, qc), // SQSHLU
    }
}

/// Lane function of the narrowing shifts: `x` is a 2e-bit source element, the result `e` bits.
#[inline(always)]
fn lane_narrow<const K: u8>(x: u64, sh: u32, e: u32, qc: &mut bool) -> u64 {
    let (s, u) = (sx(x, 2 * e) as i128, x as i128);
    match K {
        SHRN => shr(u, sh, false) as u64,
        RSHRN => shr(u, sh, true) as u64,
        SQSHRN => sat_s(shr(s, sh, false), e, qc),
        UQSHRN => sat_u(shr(u, sh, false), e, qc),
        SQRSHRN => sat_s(shr(s, sh, true), e, qc),
        UQRSHRN => sat_u(shr(u, sh, true), e, qc),
        SQSHRUN => sat_u(shr(s, sh, false), e, qc),
        _ => sat_u(shr(s, sh, true), e, qc), // SQRSHRUN
    }
}

/// Element-wise shift of every lane.
#[inline(always)]
fn elementwise<const K: u8>(cpu: &mut Cpu, o: &Ops) -> Flow {
    let m = dmask(o.op2);
    let a = cpu.vq(o.rn) & m;
    let d = cpu.vq(o.rd) & m;
    let sh = o.shift as u32;
    let mut qc = false;
    let r = by_size!(o.op, |E| map2::<E>(a, d, |x, z| lane::<K>(
        x, z, sh, E, &mut qc
    )));
    if qc {
        set_qc(cpu);
    }
    cpu.set_vq(o.rd, r & m);
    Flow::Next
}

/// Narrowing shift: wide lanes of Vn into half `sf` of Vd.
#[inline(always)]
fn narrow<const K: u8>(cpu: &mut Cpu, o: &Ops) -> Flow {
    let a = cpu.vq(o.rn) & dmask(2 * o.op2);
    let sh = o.shift as u32;
    let mut qc = false;
    let r = by_nsize!(o.op, |E| {
        let mut r = 0u128;
        for i in 0..o.op2 as u32 * 8 / E {
            r = put(r, i, E, lane_narrow::<K>(elem(a, i, 2 * E), sh, E, &mut qc));
        }
        r as u64
    });
    if qc {
        set_qc(cpu);
    }
    write_narrow(cpu, o.rd, o.sf, r);
    Flow::Next
}

/// SSHLL/USHLL (and SHLL): narrow lanes of half `sf` of Vn, extended and shifted left.
#[inline(always)]
fn long<const K: u8>(cpu: &mut Cpu, o: &Ops) -> Flow {
    let a = half(cpu.vq(o.rn), o.sf) as u128;
    let sh = o.shift as u32;
    let r = by_nsize!(o.op, |E| {
        let mut r = 0u128;
        for i in 0..64 / E {
            let x = elem(a, i, E);
            let x = if K == SSHLL { sx(x, E) as u64 } else { x };
            r = put(r, i, 2 * E, x << sh);
        }
        r
    });
    cpu.set_vq(o.rd, r);
    Flow::Next
}

/// Shift by immediate (vector and scalar): the operation in `ra`.
pub fn shift_imm(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    match o.ra {
        SSHR => elementwise::<SSHR>(cpu, o),
        USHR => elementwise::<USHR>(cpu, o),
        SSRA => elementwise::<SSRA>(cpu, o),
        USRA => elementwise::<USRA>(cpu, o),
        SRSHR => elementwise::<SRSHR>(cpu, o),
        URSHR => elementwise::<URSHR>(cpu, o),
        SRSRA => elementwise::<SRSRA>(cpu, o),
        URSRA => elementwise::<URSRA>(cpu, o),
        SRI => elementwise::<SRI>(cpu, o),
        SHL => elementwise::<SHL>(cpu, o),
        SLI => elementwise::<SLI>(cpu, o),
        SQSHL => elementwise::<SQSHL>(cpu, o),
        UQSHL => elementwise::<UQSHL>(cpu, o),
        SQSHLU => elementwise::<SQSHLU>(cpu, o),
        SHRN => narrow::<SHRN>(cpu, o),
        RSHRN => narrow::<RSHRN>(cpu, o),
        SQSHRN => narrow::<SQSHRN>(cpu, o),
        UQSHRN => narrow::<UQSHRN>(cpu, o),
        SQRSHRN => narrow::<SQRSHRN>(cpu, o),
        UQRSHRN => narrow::<UQRSHRN>(cpu, o),
        SQSHRUN => narrow::<SQSHRUN>(cpu, o),
        SQRSHRUN => narrow::<SQRSHRUN>(cpu, o),
        SSHLL => long::<SSHLL>(cpu, o),
        _ => long::<USHLL>(cpu, o),
    }
}

#[cfg(test)]
mod qemu_tests {
    //! Vectors recorded from qemu-aarch64 (see `super::super::testutil`).

    /// Shift by immediate: element-wise, narrowing and widening, vector and scalar.
    const VECTORS: &str = "
    4f0d0420 ff8bffffff00007f000000ffffffff01 5d300cb90706a045defc044a09325626 6c71c4a66148a86fe8624fab5186ee32 ffffffff7fffffff007f007f0080007f -> b0601f70000f408fbff000901060a04 5d300cb90706a045defc044a09325626 6c71c4a66148a86fe8624fab5186ee32 ffffffff7fffffff007f007f0080007f 5555 0 # sshr v0.16b, v1.16b, #3
    6f400420 6a27e0dfcbf8754472154e76e4c11ab2 ffffffffffff00007fff80000000 bd143fa9b714210c665d7435c1066932 47733e847d718d733ff98ff387c56473 -> 0 ffffffffffff00007fff80000000 bd143fa9b714210c665d7435c1066932 47733e847d718d733ff98ff387c56473 5555 0 # ushr v0.2d, v1.2d, #64
    4f101420 800000000000ffff74667bffa9643a29 ffffffffffffffff0000000000000080 ffffffffffff000000ffc5e200ffe06f 7fff0000000000000080 -> 7ffffffffffffffe74667bffa9643a29 ffffffffffffffff0000000000000080 ffffffffffff000000ffc5e200ffe06f 7fff0000000000000080 5555 0 # ssra v0.8h, v1.8h, #16
    6f393420 f18080ffff01ae80ffff00ff8002ffff 828d569c268a20eb78ac332e5e138e2 ac3a5b263fdf57cd2c0064975c374746 67cfdcb11457d9cf45e2fa01d7f4275 -> f190d2aa00867fc4016e168581cec271 828d569c268a20eb78ac332e5e138e2 ac3a5b263fdf57cd2c0064975c374746 67cfdcb11457d9cf45e2fa01d7f4275 5555 0 # ursra v0.4s, v1.4s, #7
    5f412420 4174e75a5f834da70569c018eb2b5693 2f0981aebc1b00d92838e766ef9b6bf2 ff000bff00ff00ff01ff00ff00800000 7fffffffff00017fffffff0080 -> 0 2f0981aebc1b00d92838e766ef9b6bf2 ff000bff00ff00ff01ff00ff00800000 7fffffffff00017fffffff0080 5555 0 # srshr d0, d1, #63
    2f0f2420 7fff000000000000007f a73fa0b26b75196cf87eb8a09b27ec71 aba9e7b823fc5ad2f58105748ed5d1b7 2bb3b36f29421c4021b7379f0897246a -> 7c3f5c504e147639 a73fa0b26b75196cf87eb8a09b27ec71 aba9e7b823fc5ad2f58105748ed5d1b7 2bb3b36f29421c4021b7379f0897246a 5555 0 # urshr v0.8b, v1.8b, #1
    6f734420 ea990e94821d46063b4dbf2ca294523d 1ff7f007f00ffffff0000800101ff80 c02659fe2e87d4150511baeb198ababb ab63ad02854efa600641b4fa37a47ce4 -> ea980ffbf803f8073b4ff8000400080f 1ff7f007f00ffffff0000800101ff80 c02659fe2e87d4150511baeb198ababb ab63ad02854efa600641b4fa37a47ce4 5555 0 # sri v0.2d, v1.2d, #13
    0f1f5420 6147db98a44a4d468918b6824f4a353e 35cbc4d3f68ed036c2b1c26be8147dc9 0 b0bd00ff0000f5eeffff7fff00000001 -> 8000800000008000 35cbc4d3f68ed036c2b1c26be8147dc9 0 b0bd00ff0000f5eeffff7fff00000001 5555 0 # shl v0.4h, v1.4h, #15
    7f455420 69897f7faf708536dfd5349d04e0cb95 c67c87efd73253cf32c9c69b4e50ed89 ff00008000014effff010080ff00ff 1f2c53494110c7681f29a9d5e33fc312 -> 5938d369ca1db135 c67c87efd73253cf32c9c69b4e50ed89 ff00008000014effff010080ff00ff 1f2c53494110c7681f29a9d5e33fc312 5555 0 # sli d0, d1, #5
    4f0b7420 a418067b55a0b0a6d99e3ea39dd5a943 650b1531afb9094b151ad7536464793 ff7fffffffffffffff 5ffa441acc790cf4243725d175004aff -> 307f807f7fd88080807f807f7f7f7f80 650b1531afb9094b151ad7536464793 ff7fffffffffffffff 5ffa441acc790cf4243725d175004aff 5555 8000000 # sqshl v0.16b, v1.16b, #3
    7f197420 b83438617a415782dda4a33d86bbd79d 8000ffffffffffffffff 8c6e800b4268636f98b7df4f7d214e97 1595661deb2812efb2ff0a7aaddc220e -> ffff 8000ffffffffffffffff 8c6e800b4268636f98b7df4f7d214e97 1595661deb2812efb2ff0a7aaddc220e 5555 8000000 # uqshl h0, h1, #9
    6f3f6420 1ffffffff80ff0000ff16006a00ffff c17a9f18f807214ef32f2f10fc977929 b72226063fa4502f84396eee542f18a9 ffffffffffff00007fff8000ffff007f -> 0 c17a9f18f807214ef32f2f10fc977929 b72226063fa4502f84396eee542f18a9 ffffffffffff00007fff8000ffff007f 5555 8000000 # sqshlu v0.4s, v1.4s, #31
    7f0a6420 bc9bdc7fe1becaea621cc2b4985cadfb 462198bf7b8263990db6eaa3829a9993 69825e3fefc9998bbb3308f3b5e0b620 7fffffffffffffff000000007fffffff -> 0 462198bf7b8263990db6eaa3829a9993 69825e3fefc9998bbb3308f3b5e0b620 7fffffffffffffff000000007fffffff 5555 8000000 # sqshlu b0, b1, #2
    0f0b8420 8000017fffb6ffffa2fa00ff80ffffff 8000372af4d0e7c34015 ff80000000007f000000800000ffff 1ffffffff00c77fff0000ffff -> b9a63e00 8000372af4d0e7c34015 ff80000000007f000000800000ffff 1ffffffff00c77fff0000ffff 5555 0 # shrn v0.8b, v1.8h, #5
    4f208c20 75950e8655bb6485ec188c45acbfd8de fcb1ba29070c100f75d7938180be19d3 c276bae22c77945158feb075c1038166 ffffffffffffffff00000000ffffffff -> fcb1ba2975d79382ec188c45acbfd8de fcb1ba29070c100f75d7938180be19d3 c276bae22c77945158feb075c1038166 ffffffffffffffff00000000ffffffff 5555 0 # rshrn2 v0.4s, v1.2d, #32
    4f0f9420 ffffff7fffff8000ff0000ff00ffffff 556dd3784dde0a315025ee4cd309f0de 7fffffffd7386d6c7fffffffffffffff 8000000000000000ffffffffffffffff -> 7f807f7f7f808080ff0000ff00ffffff 556dd3784dde0a315025ee4cd309f0de 7fffffffd7386d6c7fffffffffffffff 8000000000000000ffffffffffffffff 5555 8000000 # sqshrn2 v0.16b, v1.8h, #1
    7f2f9c20 7fffffffffffff80ff00ff01ff80ff00 7fff0000000000000080 3086199378092ff93ce33493e3417131 800000000000007fff -> 0 7fff0000000000000080 3086199378092ff93ce33493e3417131 800000000000007fff 5555 0 # uqrshrn s0, d1, #17
    2f1d8c20 ffffffffffffffffff ffffffffffffffffffffffff00008000 800000007fffffffffff80000000 5a9ff995e6bdd5acf52ca20342072c95 -> 1000 ffffffffffffffffffffffff00008000 800000007fffffffffff80000000 5a9ff995e6bdd5acf52ca20342072c95 5555 0 # sqrshrun v0.4h, v1.4s, #3
    7f088420 2fbb3171ec6b7f48e4c0ae1b1673578d 72cf16ef7ce30722086b97261071125 eaeabce713b8b2535bf2e1252ac61f77 ffffffffffffffff0000000000007fff -> 11 72cf16ef7ce30722086b97261071125 eaeabce713b8b2535bf2e1252ac61f77 ffffffffffffffff0000000000007fff 5555 0 # sqshrun b0, h1, #8
    0f3fa420 33bebf7400007fff0000007fffffffff 344ffe83c8ac56392467375ef880d97d 400b8cb05c43f6356b9f2c932430a84a 3d766f7ab5140d943f19679b300102b3 -> 12339baf00000000fc406cbe80000000 344ffe83c8ac56392467375ef880d97d 400b8cb05c43f6356b9f2c932430a84a 3d766f7ab5140d943f19679b300102b3 5555 0 # sshll v0.2d, v1.2s, #31
    6f08a420 ffffff7f0000ff7f0000ff 8b6cf34a511c58e4df122bd89e969d7a 7fffef0100ff0bff007fff00ffffff 40c119e00243b215b51397efcc44fe1a -> 8b006c00f3004a0051001c005800e4 8b6cf34a511c58e4df122bd89e969d7a 7fffef0100ff0bff007fff00ffffff 40c119e00243b215b51397efcc44fe1a 5555 0 # ushll2 v0.8h, v1.16b, #0
";

    #[test]
    fn against_qemu() {
        super::super::testutil::check(VECTORS);
    }
}
