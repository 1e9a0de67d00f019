//! SIMD&FP loads and stores (DDI 0487 C4.1.88 encodings; C7.2 LDR/STR (SIMD&FP), LDP/STP/
//! LDNP/STNP (SIMD&FP), LD1–LD4/ST1–ST4 multiple and single structures, LD1R–LD4R).
//!
//! The register forms use the addressing helpers and operand layout of `exec/ldst.rs` (`imm` the
//! offset, `op` 1 when it applies to the address, `rm` the write-back slot, `op2` the SP alignment
//! mask), with `rd`/`ra` naming V registers; the access size `N` (1, 2, 4, 8 or 16 bytes) is a
//! const generic. A 16-byte access is two 8-byte accesses.
//!
//! Structure forms: `rd` = Vt (register numbers wrap modulo 32), `rn` = base, `op2` = SP mask,
//! post-index offset = X[`rm`] + `imm` (`rm` the zero slot and `imm` the transfer size for the
//! immediate form, `rm` = Xm and `imm` = 0 for the register form, both zero without
//! write-back), written to slot `ra` (Rn, or the XZR sink). Multiple: `op` = size, `sf` = Q,
//! `shift` = selem | rpt << 4. Single lane: `op` = size | index << 2, `shift` = selem.
//! Replicate: `op` = size, `sf` = Q, `shift` = selem.
//!
//! Loads complete all their memory accesses before writing any register, so a fault leaves the
//! registers unchanged; stores write element by element in address order.

use crate::aarch64::block::Env;
use crate::aarch64::exception::Trap;
use crate::aarch64::exec::fp_guard;
use crate::aarch64::exec::ldst::{base, imm_addr, reg_addr};
use crate::aarch64::mem::{Access, PAGE_MASK, PAGE_SIZE};
use crate::aarch64::state::{Cpu, Flow, Ops};

use super::lanes::{dmask, dup, elem, put};

/// Load `N` bytes (1, 2, 4, 8, 16) at `a`, zero-extended to a register value.
#[inline(always)]
fn load_v<const N: usize>(cpu: &mut Cpu, env: &mut Env, a: u64) -> Result<u128, Trap> {
    Ok(match N {
        1 => cpu.load::<1>(env, a)? as u128,
        2 => cpu.load::<2>(env, a)? as u128,
        4 => cpu.load::<4>(env, a)? as u128,
        8 => cpu.load::<8>(env, a)? as u128,
        _ => {
            let lo = cpu.load::<8>(env, a)?;
            let hi = cpu.load::<8>(env, a.wrapping_add(8))?;
            lo as u128 | (hi as u128) << 64
        }
    })
}

/// Store the low `N` bytes (1, 2, 4, 8, 16) of `v` at `a`. A 16-byte store that crosses a page
/// checks the second page first so that a fault there writes nothing.
#[inline(always)]
fn store_v<const N: usize>(cpu: &mut Cpu, env: &mut Env, a: u64, v: u128) -> Result<(), Trap> {
    match N {
        1 => cpu.store::<1>(env, a, v as u64),
        2 => cpu.store::<2>(env, a, v as u64),
        4 => cpu.store::<4>(env, a, v as u64),
        8 => cpu.store::<8>(env, a, v as u64),
        _ => {
            if a & PAGE_MASK > PAGE_SIZE - 16 {
                let idx = cpu.tlb.idx();
                cpu.translate(env.bus, a.wrapping_add(15), Access::Write, idx, false)?;
            }
            cpu.store::<8>(env, a, v as u64)?;
            cpu.store::<8>(env, a.wrapping_add(8), (v >> 64) as u64)
        }
    }
}

/// LDR (immediate, SIMD&FP), all forms, and LDUR: load `N` bytes into Vt (the rest zeroed),
/// then write back.
pub fn ld<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let r = base(cpu, o).and_then(|b| Ok((b, load_v::<N>(cpu, env, imm_addr(b, o))?)));
    match r {
        Ok((b, v)) => {
            cpu.set_vq(o.rd, v);
            cpu.w(o.rm, b.wrapping_add(o.imm));
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// STR (immediate, SIMD&FP), all forms, and STUR: store the low `N` bytes of Vt, then write
/// back.
pub fn st<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let v = cpu.vq(o.rd);
    let r = base(cpu, o).and_then(|b| {
        store_v::<N>(cpu, env, imm_addr(b, o), v)?;
        Ok(b)
    });
    match r {
        Ok(b) => {
            cpu.w(o.rm, b.wrapping_add(o.imm));
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// LDR (register, SIMD&FP).
pub fn ld_r<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    match reg_addr(cpu, o).and_then(|a| load_v::<N>(cpu, env, a)) {
        Ok(v) => {
            cpu.set_vq(o.rd, v);
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// STR (register, SIMD&FP).
pub fn st_r<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let v = cpu.vq(o.rd);
    match reg_addr(cpu, o).and_then(|a| store_v::<N>(cpu, env, a, v)) {
        Ok(()) => Flow::Next,
        Err(t) => cpu.raise(t),
    }
}

/// LDR (literal, SIMD&FP): S, D or Q from PC + `imm`.
pub fn ld_lit<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    match load_v::<N>(cpu, env, cpu.pc.wrapping_add(o.imm)) {
        Ok(v) => {
            cpu.set_vq(o.rd, v);
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// LDP/LDNP (SIMD&FP), all forms: Vt and Vt2 (`ra`) from two consecutive `N`-byte elements;
/// neither register changes if an access faults. With Vt == Vt2 the second element wins.
pub fn ldp<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let r = base(cpu, o).and_then(|b| {
        let a = imm_addr(b, o);
        let lo = load_v::<N>(cpu, env, a)?;
        let hi = load_v::<N>(cpu, env, a.wrapping_add(N as u64))?;
        Ok((b, lo, hi))
    });
    match r {
        Ok((b, lo, hi)) => {
            cpu.set_vq(o.rd, lo);
            cpu.set_vq(o.ra, hi);
            cpu.w(o.rm, b.wrapping_add(o.imm));
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// STP/STNP (SIMD&FP), all forms: Vt and Vt2 (`ra`) to two consecutive `N`-byte elements.
pub fn stp<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let (lo, hi) = (cpu.vq(o.rd), cpu.vq(o.ra));
    let r = base(cpu, o).and_then(|b| {
        let a = imm_addr(b, o);
        store_v::<N>(cpu, env, a, lo)?;
        store_v::<N>(cpu, env, a.wrapping_add(N as u64), hi)?;
        Ok(b)
    });
    match r {
        Ok(b) => {
            cpu.w(o.rm, b.wrapping_add(o.imm));
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// Post-index write-back of the structure forms: base + X[rm] + imm to slot `ra`.
#[inline(always)]
fn writeback(cpu: &mut Cpu, o: &Ops, b: u64) {
    let off = cpu.r(o.rm).wrapping_add(o.imm);
    cpu.w(o.ra, b.wrapping_add(off));
}

/// Load an element of `ebytes` (1, 2, 4, 8) bytes.
#[inline(always)]
fn load_e(cpu: &mut Cpu, env: &mut Env, a: u64, ebytes: u32) -> Result<u64, Trap> {
    cpu.load_sized(env, a, ebytes as u8)
}

/// LD1–LD4 (multiple structures), all arrangements and register counts, with or without
/// post-index: `rpt` groups of `selem` registers, elements interleaved in memory.
pub fn ld_mult(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let b = match base(cpu, o) {
        Ok(b) => b,
        Err(t) => return cpu.raise(t),
    };
    let (selem, rpt) = ((o.shift & 15) as u32, (o.shift >> 4) as u32);
    let dbytes = if o.sf { 16 } else { 8 };
    let mut vals = [0u128; 4];
    if selem == 1 {
        // Consecutive registers from consecutive memory: element order is byte order.
        for (r, val) in vals.iter_mut().enumerate().take(rpt as usize) {
            let a = b.wrapping_add(r as u64 * dbytes);
            let v = if o.sf {
                load_v::<16>(cpu, env, a)
            } else {
                load_v::<8>(cpu, env, a)
            };
            match v {
                Ok(v) => *val = v,
                Err(t) => return cpu.raise(t),
            }
        }
    } else {
        let (ebytes, e) = (1u32 << o.op, 8u32 << o.op);
        let mut a = b;
        for i in 0..dbytes as u32 / ebytes {
            for val in vals.iter_mut().take(selem as usize) {
                match load_e(cpu, env, a, ebytes) {
                    Ok(x) => *val = put(*val, i, e, x),
                    Err(t) => return cpu.raise(t),
                }
                a = a.wrapping_add(ebytes as u64);
            }
        }
    }
    for (r, v) in vals.iter().enumerate().take((selem * rpt) as usize) {
        cpu.set_vq(o.rd.wrapping_add(r as u8), *v);
    }
    writeback(cpu, o, b);
    Flow::Next
}

/// ST1–ST4 (multiple structures), all arrangements and register counts, with or without
/// post-index.
pub fn st_mult(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let b = match base(cpu, o) {
        Ok(b) => b,
        Err(t) => return cpu.raise(t),
    };
    let (selem, rpt) = ((o.shift & 15) as u32, (o.shift >> 4) as u32);
    let dbytes = if o.sf { 16 } else { 8 };
    if selem == 1 {
        for r in 0..rpt {
            let a = b.wrapping_add(r as u64 * dbytes);
            let v = cpu.vq(o.rd.wrapping_add(r as u8));
            let res = if o.sf {
                store_v::<16>(cpu, env, a, v)
            } else {
                store_v::<8>(cpu, env, a, v)
            };
            if let Err(t) = res {
                return cpu.raise(t);
            }
        }
    } else {
        let (ebytes, e) = (1u32 << o.op, 8u32 << o.op);
        let mut a = b;
        for i in 0..dbytes as u32 / ebytes {
            for s in 0..selem {
                let x = elem(cpu.vq(o.rd.wrapping_add(s as u8)), i, e);
                if let Err(t) = cpu.store_sized(env, a, ebytes as u8, x) {
                    return cpu.raise(t);
                }
                a = a.wrapping_add(ebytes as u64);
            }
        }
    }
    writeback(cpu, o, b);
    Flow::Next
}

/// LD1–LD4 (single structure): one element of each of `selem` registers; the other elements
/// are kept.
pub fn ld_single(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let b = match base(cpu, o) {
        Ok(b) => b,
        Err(t) => return cpu.raise(t),
    };
    let (size, index) = ((o.op & 3) as u32, (o.op >> 2) as u32);
    let (ebytes, e) = (1u32 << size, 8u32 << size);
    let mut xs = [0u64; 4];
    for (s, x) in xs.iter_mut().enumerate().take(o.shift as usize) {
        match load_e(cpu, env, b.wrapping_add((s as u32 * ebytes) as u64), ebytes) {
            Ok(v) => *x = v,
            Err(t) => return cpu.raise(t),
        }
    }
    for (s, x) in xs.iter().enumerate().take(o.shift as usize) {
        let t = o.rd.wrapping_add(s as u8);
        let v = put(cpu.vq(t), index, e, *x);
        cpu.set_vq(t, v);
    }
    writeback(cpu, o, b);
    Flow::Next
}

/// ST1–ST4 (single structure): one element of each of `selem` registers.
pub fn st_single(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let b = match base(cpu, o) {
        Ok(b) => b,
        Err(t) => return cpu.raise(t),
    };
    let (size, index) = ((o.op & 3) as u32, (o.op >> 2) as u32);
    let (ebytes, e) = (1u32 << size, 8u32 << size);
    for s in 0..o.shift as u32 {
        let x = elem(cpu.vq(o.rd.wrapping_add(s as u8)), index, e);
        let a = b.wrapping_add((s * ebytes) as u64);
        if let Err(t) = cpu.store_sized(env, a, ebytes as u8, x) {
            return cpu.raise(t);
        }
    }
    writeback(cpu, o, b);
    Flow::Next
}

/// LD1R–LD4R: one structure, each element replicated over its register (`sf` = Q).
pub fn ld_repl(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if let Some(f) = fp_guard(cpu) {
        return f;
    }
    let b = match base(cpu, o) {
        Ok(b) => b,
        Err(t) => return cpu.raise(t),
    };
    let (ebytes, e) = (1u32 << o.op, 8u32 << o.op);
    let mut xs = [0u64; 4];
    for (s, x) in xs.iter_mut().enumerate().take(o.shift as usize) {
        match load_e(cpu, env, b.wrapping_add((s as u32 * ebytes) as u64), ebytes) {
            Ok(v) => *x = v,
            Err(t) => return cpu.raise(t),
        }
    }
    let m = dmask(if o.sf { 16 } else { 8 });
    for (s, x) in xs.iter().enumerate().take(o.shift as usize) {
        cpu.set_vq(o.rd.wrapping_add(s as u8), dup(*x, e) & m);
    }
    writeback(cpu, o, b);
    Flow::Next
}

#[cfg(test)]
mod qemu_tests {
    //! Vectors recorded from qemu-aarch64 (see `super::super::testutil`).

    /// Structure loads (multiple, single lane, replicate), register loads and pairs.
    const VECTORS: &str = "
    4c407000 ea7b5bf55eb561a4216363698b529b4a 7f000000de7f80ff00ffffff80ffff00 ff807f01227100ff000000b800ffff00 6bd0638b4d100d8fdaf0105ba06c05a1 -> 6c655e575049423b342d261f18110a03 7f000000de7f80ff00ffffff80ffff00 ff807f01227100ff000000b800ffff00 6bd0638b4d100d8fdaf0105ba06c05a1 5555 0 # ld1 {v0.16b}, [x0]
    0cdfa001 80000000000000007fffffff edcf6109ea6d5547ae96619356363b4b abd8952c9b16f809fdb17f5447997b6b ffffffff00000001800000007fffffff -> 80000000000000007fffffff 342d261f18110a03 6c655e575049423b ffffffff00000001800000007fffffff 5555 0 # ld1 {v1.8b, v2.8b}, [x0], #16
    4c406c00 445fad2a92d3043afcf249f3d4e441c3 a385ac4bda9bf98c7b6471e2103ef3c2 80ff8dffff000000ff00ff7f0000 f2ead0a808085f68891ba6ad998a0e31 -> 6c655e575049423b342d261f18110a03 dcd5cec7c0b9b2aba49d968f88817a73 4c453e373029221b140d06fff8f1eae3 f2ead0a808085f68891ba6ad998a0e31 5555 0 # ld1 {v0.2d, v1.2d, v2.2d}, [x0]
    4cc52800 436c6d2a9c4792da4aa71c38686e80a9 56fe09f7de26c45bfad9d3a90add12e3 dc98da8ae58b7c6a236955e7f56ab44e 62dd8a70852380c4deb135fa75dd67de -> 6c655e575049423b342d261f18110a03 dcd5cec7c0b9b2aba49d968f88817a73 4c453e373029221b140d06fff8f1eae3 bcb5aea7a099928b847d766f68615a53 5555 0 # ld1 {v0.4s, v1.4s, v2.4s, v3.4s}, [x0], x5
    4c408400 ff00ff00000000ffffff003cffffff00 5a427c37ead6b3cbade562bc5a58b185 7fffffffffff800000000000ffff 99f8eee797b9580f4c736db374d0df35 -> cec7b2ab968f7a735e57423b261f0a03 dcd5c0b9a49d88816c655049342d1811 7fffffffffff800000000000ffff 99f8eee797b9580f4c736db374d0df35 5555 0 # ld2 {v0.8h, v1.8h}, [x0]
    0cdf4001 c2134f15500b2f292f6c48f65d2c2938 c98c9e514ce74654439e7fa9987aa6bd f8abffd606e44edfd0247e4cc5b3b5d3 1ffffffff7fff00ffffffffff -> c2134f15500b2f292f6c48f65d2c2938 96816c57422d1803 9d88735e49341f0a a48f7a65503b2611 5555 0 # ld3 {v1.8b, v2.8b, v3.8b}, [x0], #24
    4c400800 39763c0bd562ce04acc80ab55570e103 14777e962b56363cf5efd434db045aae 9182c3c8e288b16437d02410a675a109 8ae412f1ef491a6c9794969399b6cad -> 68615a53f8f1eae388817a7318110a03 847d766f140d06ffa49d968f342d261f a099928b3029221bc0b9b2ab5049423b bcb5aea74c453e37dcd5cec76c655e57 5555 0 # ld4 {v0.4s, v1.4s, v2.4s, v3.4s}, [x0]
    0c40001f 7fff0000ffff000000ff007fffff0000 ffff8000000000000000 917e39166b761fc54a5792b26aba54ef 331716d827ef79cb69cbc6d1ebad40d0 -> ceb2967a5e42260a d5b99d8165492d11 dcc0a4886c503418 331716d827ef79cb69cbc6d1ebad40d0 5555 0 # ld4 {v31.8b, v0.8b, v1.8b, v2.8b}, [x0]
    4d404800 9f66ad57e1464134d521505ff17a002b f33dc30a8f1233c7 80000000000000010000008000007fff f000ff0080ff01ff0000e580ff000080 -> 9f66ad570a034134d521505ff17a002b f33dc30a8f1233c7 80000000000000010000008000007fff f000ff0080ff01ff0000e580ff000080 5555 0 # ld1 {v0.h}[5], [x0]
    4dff9001 ffffffffffff000000ff 88ddf9181f49e090328475a738868e9b ffffff00ff0080000000ffd27febff80 cc1e0331fe781540bd2c551207a1cde -> ffffffffffff000000ff 18110a031f49e090328475a738868e9b 342d261fff0080000000ffd27febff80 cc1e0331fe781540bd2c551207a1cde 5555 0 # ld2 {v1.s, v2.s}[3], [x0], #8
    4d403c00 b674c4f4dabd2a4c08736a21f985732a 2833e1d550de93987d7015fc808aefcf 63bf2ffea59c217962c3995a59ee1cce 7fffffff0000000100007fff00000080 -> 374c4f4dabd2a4c08736a21f985732a a33e1d550de93987d7015fc808aefcf 11bf2ffea59c217962c3995a59ee1cce 7fffffff0000000100007fff00000080 5555 0 # ld3 {v0.b, v1.b, v2.b}[15], [x0]
    4de5a400 1474683acb984da361574803b9191d5c 1ffff80ffffff00ff009f00ffffffff 1ffff00ff00005fcd7fff0000007f 7fffffff7fffffffffffffff -> 342d261f18110a0361574803b9191d5c 6c655e575049423bff009f00ffffffff a49d968f88817a735fcd7fff0000007f dcd5cec7c0b9b2ab7fffffffffffffff 5555 0 # ld4 {v0.d, v1.d, v2.d, v3.d}[1], [x0], x5
    4d40c400 793a6af9014135d9b771eb2996775bc0 86f6ff960b58167263801bf2c638c9ca 6031daeae1665865a8c1c974196bb2b4 da305f2cd76ee016576b7da1060344bf -> a030a030a030a030a030a030a030a03 86f6ff960b58167263801bf2c638c9ca 6031daeae1665865a8c1c974196bb2b4 da305f2cd76ee016576b7da1060344bf 5555 0 # ld1r {v0.8h}, [x0]
    4d60cc01 7b5f2ea9ac6cc64e1d76f9d1d80caa4d 7fffffff0000000000000001000000ff 7f0001007fffffffffffff0001ffff ff8000000000000000 -> 7b5f2ea9ac6cc64e1d76f9d1d80caa4d 342d261f18110a03342d261f18110a03 6c655e575049423b6c655e575049423b ff8000000000000000 5555 0 # ld2r {v1.2d, v2.2d}, [x0]
    0ddfe000 8e7fdffb59ac3e68f052e38f658a2d34 3c3a447d80144a61601545c415508f3c 80000000000000000000007f 7f0000000000008000 -> 303030303030303 a0a0a0a0a0a0a0a 1111111111111111 7f0000000000008000 5555 0 # ld3r {v0.8b, v1.8b, v2.8b}, [x0], #3
    4d60e800 eaa73d797bc6bc8ebf8712c47f7a32c3 ffffffffffffffffff ffffffff0000ffffffff5099ffff 80000000ffff0000000000000080 -> 18110a0318110a0318110a0318110a03 342d261f342d261f342d261f342d261f 5049423b5049423b5049423b5049423b 6c655e576c655e576c655e576c655e57 5555 0 # ld4r {v0.4s, v1.4s, v2.4s, v3.4s}, [x0]
    3dc00800 52715ad03d23a8475c47c90691e43dd0 fdc0754a6b1d5f0224c3a235dd222527 ffff8000ffffffff0000ffffd5a90000 7fe600ff007f003dff800100ff3a77 -> 4c453e373029221b140d06fff8f1eae3 fdc0754a6b1d5f0224c3a235dd222527 ffff8000ffffffff0000ffffd5a90000 7fe600ff007f003dff800100ff3a77 5555 0 # ldr q0, [x0, #32]
    fc5f8401 cc848ca9ba9dacdc174907806c5d1484 e9eb979bd57c614043a1069617b76878 bbed9419948e8b3573cdaa085b4e241d ffffffffff00011eff7fff0080ff00ff -> cc848ca9ba9dacdc174907806c5d1484 342d261f18110a03 bbed9419948e8b3573cdaa085b4e241d ffffffffff00011eff7fff0080ff00ff 5555 0 # ldr d1, [x0], #-8
    bc404c02 734e2f14c1dff1075e519f81c5bd4486 f1b862d2a771ae15ab82ef46ad06f17d 7fffffff8000000000007fff00000000 f3ce8a55a27030882390bbc7e6ef79d -> 734e2f14c1dff1075e519f81c5bd4486 f1b862d2a771ae15ab82ef46ad06f17d 342d261f f3ce8a55a27030882390bbc7e6ef79d 5555 0 # ldr s2, [x0, #4]!
    7c7f5800 7f1bb40001ffff5eeb007fffffffff ffff00000000ffffffff 1b7ff031118f8689b4997e642d2751e6 ff -> a03 ffff00000000ffffffff 1b7ff031118f8689b4997e642d2751e6 ff 5555 0 # ldr h0, [x0, wzr, uxtw #1]
    3d43fc03 ff000101ff01ffff00ff00ffff0080ff 6aa9ec88912ced08306d69e3b2bb7f63 800000007fffffffffffffff 8b72c34a31924a0dcc568cbb65fed0a0 -> ff000101ff01ffff00ff00ffff0080ff 6aa9ec88912ced08306d69e3b2bb7f63 800000007fffffffffffffff fc 5555 0 # ldr b3, [x0, #255]
    3cdfd001 7fffffff8000ffffffff00ff7fffffff 4ca5b588ffffffff7fffffff0000ffff 80 7deb5bf13bda0de3a974bd85c186d70f -> 7fffffff8000ffffffff00ff7fffffff 575049423b342d261f18110a03fcf5ee 80 7deb5bf13bda0de3a974bd85c186d70f 5555 0 # ldur q1, [x0, #-3]
    ad7e0400 31850c8a32eb924675e58532a00150bd 1ffff007fffff0000ffff801dffff ffffffc600ff7fffffff04ff0180ff 6fe0da133331cd8bdc88a4651036e411 -> aca59e979089827b746d665f58514a43 1c150e0700f9f2ebe4ddd6cfc8c1bab3 ffffffc600ff7fffffff04ff0180ff 6fe0da133331cd8bdc88a4651036e411 5555 0 # ldp q0, q1, [x0, #-64]
    2cc10c02 1ffff8000ffffffff800000007fff ffff000000000000ffff 2e3b15a870392bb466c5f0c0b0f83f67 5def4e4141b26221b83dbc6d098891b2 -> 1ffff8000ffffffff800000007fff ffff000000000000ffff 18110a03 342d261f 5555 0 # ldp s2, s3, [x0], #8
    6c410400 80000000 7f7fffffffffffffff00007fff 80ef6094675bfaed95a3abc22bb72f14 9bd28ae91c2d814723a677bc07091a3c -> a49d968f88817a73 dcd5cec7c0b9b2ab 80ef6094675bfaed95a3abc22bb72f14 9bd28ae91c2d814723a677bc07091a3c 5555 0 # ldnp d0, d1, [x0, #16]
    3cffd802 d77248440f49a9622f4f1ffa7d82ac04 86821166861d7f6515f0a4072b1a2f5 caff00ff00005801ff800080e8000000 7fff00000000000000ff -> d77248440f49a9622f4f1ffa7d82ac04 86821166861d7f6515f0a4072b1a2f5 6c655e575049423b342d261f18110a03 7fff00000000000000ff 5555 0 # ldr q2, [x0, wzr, sxtw #4]
";

    #[test]
    fn against_qemu() {
        super::super::testutil::check(VECTORS);
    }
}
