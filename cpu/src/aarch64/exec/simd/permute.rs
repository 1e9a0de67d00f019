//! AdvSIMD permutes and copies (DDI 0487 C7.2; encodings C4.1.95 "Advanced SIMD permute",
//! "extract", "table lookup", "copy" and "scalar copy"): ZIP1/ZIP2/UZP1/UZP2/TRN1/TRN2, EXT,
//! TBL/TBX, DUP (element, general), INS (element, general), UMOV, SMOV.

use crate::aarch64::block::Env;
use crate::aarch64::exec::fp_guard;
use crate::aarch64::state::{Cpu, Flow, Ops};
use crate::by_size;

use super::lanes::*;

/// Permute operations (const generic of [`perm`]).
pub mod op {
    /// UZP1.
    pub const UZP1: u8 = 0;
    /// UZP2.
    pub const UZP2: u8 = 1;
    /// TRN1.
    pub const TRN1: u8 = 2;
    /// TRN2.
    pub const TRN2: u8 = 3;
    /// ZIP1.
    pub const ZIP1: u8 = 4;
    /// ZIP2.
    pub const ZIP2: u8 = 5;
}

use op::*;

/// ZIP1/ZIP2/UZP1/UZP2/TRN1/TRN2 over `op2` bytes of Vn and Vm.
pub fn perm<const OP: u8>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let (a, b) = (cpu.vq(o.rn), cpu.vq(o.rm));
    let bits = o.op2 as u32 * 8;
    let r = by_size!(o.op, |E| {
        let n = bits / E;
        let mut r = 0u128;
        for i in 0..n {
            let v = match OP {
                UZP1 | UZP2 => {
                    let j = 2 * i + (OP == UZP2) as u32;
                    if j < n {
                        elem(a, j, E)
                    } else {
                        elem(b, j - n, E)
                    }
                }
                TRN1 | TRN2 => {
                    let j = (i & !1) + (OP == TRN2) as u32;
                    elem(if i & 1 == 0 { a } else { b }, j, E)
                }
                _ => {
                    let j = i / 2 + if OP == ZIP2 { n / 2 } else { 0 };
                    elem(if i & 1 == 0 { a } else { b }, j, E)
                }
            };
            r = put(r, i, E, v);
        }
        r
    });
    cpu.set_vq(o.rd, r);
    Flow::Next
}

/// EXT: bytes `shift`.. of the concatenation Vm:Vn (`op2` bytes each).
pub fn ext(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let m = dmask(o.op2);
    let (a, b) = (cpu.vq(o.rn) & m, cpu.vq(o.rm) & m);
    let pos = o.shift as u32 * 8;
    let r = if pos == 0 {
        a
    } else {
        (a >> pos) | (b << (o.op2 as u32 * 8 - pos))
    };
    cpu.set_vq(o.rd, r & m);
    Flow::Next
}

/// TBL/TBX (`TBX` keeps Vd's byte for out-of-range indices): table registers Vn.. (`shift` of
/// them, numbers wrapping modulo 32), indices from `op2` bytes of Vm.
pub fn tbl<const TBX: bool>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let mut table = [0u8; 64];
    for r in 0..o.shift as usize {
        let v = cpu.vq(o.rn.wrapping_add(r as u8) & 31);
        table[16 * r..16 * r + 16].copy_from_slice(&v.to_le_bytes());
    }
    let limit = 16 * o.shift as usize;
    let idx = cpu.vq(o.rm).to_le_bytes();
    let mut out = if TBX {
        cpu.vq(o.rd).to_le_bytes()
    } else {
        [0u8; 16]
    };
    for i in 0..o.op2 as usize {
        let j = idx[i] as usize;
        if j < limit {
            out[i] = table[j];
        }
    }
    cpu.set_vq(o.rd, u128::from_le_bytes(out) & dmask(o.op2));
    Flow::Next
}

/// DUP (element), vector and scalar: element `shift` of Vn replicated over `op2` bytes.
pub fn dup_elem(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let a = cpu.vq(o.rn);
    let r = by_size!(o.op, |E| dup(elem(a, o.shift as u32, E), E));
    cpu.set_vq(o.rd, r & dmask(o.op2));
    Flow::Next
}

/// DUP (general): the low element-size bits of general register `rn` replicated.
pub fn dup_gen(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let x = cpu.r(o.rn);
    let r = by_size!(o.op, |E| dup(x, E));
    cpu.set_vq(o.rd, r & dmask(o.op2));
    Flow::Next
}

/// INS (general): element `shift` of Vd = general register `rn`; the rest of Vd is kept.
pub fn ins_gen(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let x = cpu.r(o.rn);
    let e = 8u32 << o.op;
    let r = put(cpu.vq(o.rd), o.shift as u32, e, x);
    cpu.set_vq(o.rd, r);
    Flow::Next
}

/// INS (element): element `shift` of Vd = element `imm` of Vn.
pub fn ins_elem(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let e = 8u32 << o.op;
    let x = elem(cpu.vq(o.rn), o.imm as u32, e);
    let r = put(cpu.vq(o.rd), o.shift as u32, e, x);
    cpu.set_vq(o.rd, r);
    Flow::Next
}

/// UMOV/SMOV (`SIGNED`): element `shift` of Vn to general register `rd`, zero- or sign-extended
/// to 32 (`sf` = 0) or 64 bits.
pub fn mov_to_gen<const SIGNED: bool>(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let e = 8u32 << o.op;
    let x = elem(cpu.vq(o.rn), o.shift as u32, e);
    let x = if SIGNED { sx(x, e) as u64 } else { x };
    cpu.w_sf(o.rd, x, o.sf);
    Flow::Next
}

#[cfg(test)]
mod qemu_tests {
    //! Vectors recorded from qemu-aarch64 (see `super::super::testutil`).

    /// Permutes, EXT, TBL/TBX and the copies.
    const VECTORS: &str = "
    4e023820 ff8bffffff00007f000000ffffffff01 5d300cb90706a045defc044a09325626 6c71c4a66148a86fe8624fab5186ee32 ffffffff7fffffff007f007f0080007f -> e8de62fc4f04ab4a51098632ee563226 5d300cb90706a045defc044a09325626 6c71c4a66148a86fe8624fab5186ee32 ffffffff7fffffff007f007f0080007f 5555 0 # zip1 v0.16b, v1.16b, v2.16b
    0e427820 6a27e0dfcbf8754472154e76e4c11ab2 ffffffffffff00007fff80000000 bd143fa9b714210c665d7435c1066932 47733e847d718d733ff98ff387c56473 -> 665d000074357fff ffffffffffff00007fff80000000 bd143fa9b714210c665d7435c1066932 47733e847d718d733ff98ff387c56473 5555 0 # zip2 v0.4h, v1.4h, v2.4h
    4e421820 800000000000ffff74667bffa9643a29 ffffffffffffffff0000000000000080 ffffffffffff000000ffc5e200ffe06f 7fff0000000000000080 -> ffff0000c5e2e06fffffffff00000080 ffffffffffffffff0000000000000080 ffffffffffff000000ffc5e200ffe06f 7fff0000000000000080 5555 0 # uzp1 v0.8h, v1.8h, v2.8h
    0e825820 f18080ffff01ae80ffff00ff8002ffff 828d569c268a20eb78ac332e5e138e2 ac3a5b263fdf57cd2c0064975c374746 67cfdcb11457d9cf45e2fa01d7f4275 -> 2c006497b78ac332 828d569c268a20eb78ac332e5e138e2 ac3a5b263fdf57cd2c0064975c374746 67cfdcb11457d9cf45e2fa01d7f4275 5555 0 # uzp2 v0.2s, v1.2s, v2.2s
    4e822820 4174e75a5f834da70569c018eb2b5693 2f0981aebc1b00d92838e766ef9b6bf2 ff000bff00ff00ff01ff00ff00800000 7fffffffff00017fffffff0080 -> ff00ffbc1b00d900800000ef9b6bf2 2f0981aebc1b00d92838e766ef9b6bf2 ff000bff00ff00ff01ff00ff00800000 7fffffffff00017fffffff0080 5555 0 # trn1 v0.4s, v1.4s, v2.4s
    4ec26820 7fff000000000000007f a73fa0b26b75196cf87eb8a09b27ec71 aba9e7b823fc5ad2f58105748ed5d1b7 2bb3b36f29421c4021b7379f0897246a -> aba9e7b823fc5ad2a73fa0b26b75196c a73fa0b26b75196cf87eb8a09b27ec71 aba9e7b823fc5ad2f58105748ed5d1b7 2bb3b36f29421c4021b7379f0897246a 5555 0 # trn2 v0.2d, v1.2d, v2.2d
    6e025820 ea990e94821d46063b4dbf2ca294523d 1ff7f007f00ffffff0000800101ff80 c02659fe2e87d4150511baeb198ababb ab63ad02854efa600641b4fa37a47ce4 -> 87d4150511baeb198ababb01ff7f007f 1ff7f007f00ffffff0000800101ff80 c02659fe2e87d4150511baeb198ababb ab63ad02854efa600641b4fa37a47ce4 5555 0 # ext v0.16b, v1.16b, v2.16b, #11
    2e021820 6147db98a44a4d468918b6824f4a353e 35cbc4d3f68ed036c2b1c26be8147dc9 0 b0bd00ff0000f5eeffff7fff00000001 -> c2b1c26be8 35cbc4d3f68ed036c2b1c26be8147dc9 0 b0bd00ff0000f5eeffff7fff00000001 5555 0 # ext v0.8b, v1.8b, v2.8b, #3
    4e032020 69897f7faf708536dfd5349d04e0cb95 c67c87efd73253cf32c9c69b4e50ed89 ff00008000014effff010080ff00ff 1f2c53494110c7681f29a9d5e33fc312 -> ff000000000000000000ff c67c87efd73253cf32c9c69b4e50ed89 ff00008000014effff010080ff00ff 1f2c53494110c7681f29a9d5e33fc312 5555 0 # tbl v0.16b, {v1.16b, v2.16b}, v3.16b
    0e0353e0 a418067b55a0b0a6d99e3ea39dd5a943 650b1531afb9094b151ad7536464793 ff7fffffffffffffff 5ffa441acc790cf4243725d175004aff -> 759eada39d00a943 650b1531afb9094b151ad7536464793 ff7fffffffffffffff 5ffa441acc790cf4243725d175004aff 5555 0 # tbx v0.8b, {v31.16b, v0.16b, v1.16b}, v3.8b
    4e010000 b83438617a415782dda4a33d86bbd79d 8000ffffffffffffffff 8c6e800b4268636f98b7df4f7d214e97 1595661deb2812efb2ff0a7aaddc220e -> 9d9d9d9d9d9d009d0000000000000000 8000ffffffffffffffff 8c6e800b4268636f98b7df4f7d214e97 1595661deb2812efb2ff0a7aaddc220e 5555 0 # tbl v0.16b, {v0.16b}, v1.16b
    4e1e0420 1ffffffff80ff0000ff16006a00ffff c17a9f18f807214ef32f2f10fc977929 b72226063fa4502f84396eee542f18a9 ffffffffffff00007fff8000ffff007f -> c17ac17ac17ac17ac17ac17ac17ac17a c17a9f18f807214ef32f2f10fc977929 b72226063fa4502f84396eee542f18a9 ffffffffffff00007fff8000ffff007f 5555 0 # dup v0.8h, v1.h[7]
    0e040ca0 bc9bdc7fe1becaea621cc2b4985cadfb 462198bf7b8263990db6eaa3829a9993 69825e3fefc9998bbb3308f3b5e0b620 7fffffffffffffff000000007fffffff -> 555500005555 462198bf7b8263990db6eaa3829a9993 69825e3fefc9998bbb3308f3b5e0b620 7fffffffffffffff000000007fffffff 5555 0 # dup v0.2s, w5
    4e080ca0 8000017fffb6ffffa2fa00ff80ffffff 8000372af4d0e7c34015 ff80000000007f000000800000ffff 1ffffffff00c77fff0000ffff -> 55550000000000005555 8000372af4d0e7c34015 ff80000000007f000000800000ffff 1ffffffff00c77fff0000ffff 5555 0 # dup v0.2d, x5
    5e1c0420 75950e8655bb6485ec188c45acbfd8de fcb1ba29070c100f75d7938180be19d3 c276bae22c77945158feb075c1038166 ffffffffffffffff00000000ffffffff -> fcb1ba29 fcb1ba29070c100f75d7938180be19d3 c276bae22c77945158feb075c1038166 ffffffffffffffff00000000ffffffff 5555 0 # dup s0, v1.s[3]
    4e141ca0 ffffff7fffff8000ff0000ff00ffffff 556dd3784dde0a315025ee4cd309f0de 7fffffffd7386d6c7fffffffffffffff 8000000000000000ffffffffffffffff -> ffffff7f00005555ff0000ff00ffffff 556dd3784dde0a315025ee4cd309f0de 7fffffffd7386d6c7fffffffffffffff 8000000000000000ffffffffffffffff 5555 0 # mov v0.s[2], w5
    6e1f1c20 7fffffffffffff80ff00ff01ff80ff00 7fff0000000000000080 3086199378092ff93ce33493e3417131 800000000000007fff -> ffffffffffff80ff00ff01ff80ff00 7fff0000000000000080 3086199378092ff93ce33493e3417131 800000000000007fff 5555 0 # mov v0.b[15], v1.b[3]
    6e180440 ffffffffffffffffff ffffffffffffffffffffffff00008000 800000007fffffffffff80000000 5a9ff995e6bdd5acf52ca20342072c95 -> ffffffff80000000ffffffffffffffff ffffffffffffffffffffffff00008000 800000007fffffffffff80000000 5a9ff995e6bdd5acf52ca20342072c95 5555 0 # mov v0.d[1], v2.d[0]
    0e1a3c25 2fbb3171ec6b7f48e4c0ae1b1673578d 72cf16ef7ce30722086b97261071125 eaeabce713b8b2535bf2e1252ac61f77 ffffffffffffffff0000000000007fff -> 2fbb3171ec6b7f48e4c0ae1b1673578d 72cf16ef7ce30722086b97261071125 eaeabce713b8b2535bf2e1252ac61f77 ffffffffffffffff0000000000007fff f16e 0 # umov w5, v1.h[6]
    4e183c25 33bebf7400007fff0000007fffffffff 344ffe83c8ac56392467375ef880d97d 400b8cb05c43f6356b9f2c932430a84a 3d766f7ab5140d943f19679b300102b3 -> 33bebf7400007fff0000007fffffffff 344ffe83c8ac56392467375ef880d97d 400b8cb05c43f6356b9f2c932430a84a 3d766f7ab5140d943f19679b300102b3 344ffe83c8ac5639 0 # mov x5, v1.d[1]
    0e132c25 ffffff7f0000ff7f0000ff 8b6cf34a511c58e4df122bd89e969d7a 7fffef0100ff0bff007fff00ffffff 40c119e00243b215b51397efcc44fe1a -> ffffff7f0000ff7f0000ff 8b6cf34a511c58e4df122bd89e969d7a 7fffef0100ff0bff007fff00ffffff 40c119e00243b215b51397efcc44fe1a 58 0 # smov w5, v1.b[9]
    4e142c25 66279ca2c52c98138788e4859c39f5f 5604d4ce178842c7fbbc7244ab75ad49 1dbb4891a0cbd817c b21cd602237d7cf207c687378f0b53a2 -> 66279ca2c52c98138788e4859c39f5f 5604d4ce178842c7fbbc7244ab75ad49 1dbb4891a0cbd817c b21cd602237d7cf207c687378f0b53a2 178842c7 0 # smov x5, v1.s[2]
";

    #[test]
    fn against_qemu() {
        super::super::testutil::check(VECTORS);
    }
}
