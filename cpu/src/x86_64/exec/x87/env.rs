//! The x87 environment and state images (SDM vol. 1 §8.1.10, figures 8-9 to 8-12): FNSTENV
//! and FLDENV (14 or 28 bytes), FNSAVE and FRSTOR (94 or 108 bytes: the environment and
//! ST(0)–ST(7)), in the protected-mode layouts long mode uses, the 16-bit one with an
//! operand-size prefix. FSTENV/FSAVE (with WAIT) check for a pending exception first.
//!
//! The 32-bit layout's unused upper halves are stored as ones (as the host CPU does); the
//! full tag word is computed from the registers (valid, zero, special, empty); FCS and FDS
//! are the current CS and DS selectors and FOP the last opcode this core records (it keeps
//! no separate x87 selectors). FNSTENV and FNSAVE mask every exception afterwards; FNSAVE
//! then re-initialises the FPU like FNINIT. FLDENV and FRSTOR load the tag word as
//! empty / not empty and derive FSW.ES and B from the loaded flags and masks.

use super::super::super::block::Env;
use super::super::super::insn::Ops;
use super::super::super::state::{Cpu, Fault, X87};
use super::super::super::system::sreg;
use super::{fninit, B, ES, TOP_SHIFT};

/// Bytes of the 16-bit and 32-bit environment images.
pub const ENV16: u8 = 14;
/// The 32-bit environment image.
pub const ENV32: u8 = 28;

/// The 2-bit tag of physical register `p`: 0 valid, 1 zero, 2 special, 3 empty.
fn tag(x: &X87, p: usize) -> u16 {
    if x.tags & (1 << p) == 0 {
        return 3;
    }
    let (m, se) = x.st[p];
    match se & 0x7fff {
        0 if m == 0 => 1,
        0 | 0x7fff => 2,
        _ if m >> 63 == 0 => 2,
        _ => 0,
    }
}

/// The full tag word.
pub fn tag_word(x: &X87) -> u16 {
    (0..8).fold(0, |w, p| w | tag(x, p) << (2 * p))
}

/// The environment image (`wide`: the 32-bit layout).
fn env_image(cpu: &Cpu, wide: bool) -> Vec<u8> {
    let x = &cpu.x87;
    let cs = cpu.sys.seg[sreg::CS].selector;
    let ds = cpu.sys.seg[sreg::DS].selector;
    let words: Vec<u16> = if wide {
        vec![
            x.fcw,
            0xffff,
            x.fsw,
            0xffff,
            tag_word(x),
            0xffff,
            x.fip as u16,
            (x.fip >> 16) as u16,
            cs,
            x.fop & 0x7ff,
            x.fdp as u16,
            (x.fdp >> 16) as u16,
            ds,
            0xffff,
        ]
    } else {
        vec![
            x.fcw,
            x.fsw,
            tag_word(x),
            x.fip as u16,
            cs,
            x.fdp as u16,
            ds,
        ]
    };
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// Write `bytes` at the memory operand.
fn put(cpu: &mut Cpu, env: &mut Env, ops: &Ops, bytes: &[u8]) -> Result<(), Fault> {
    let la = cpu.ea(&ops.mem);
    for (k, c) in bytes.chunks(2).enumerate() {
        let v = u16::from_le_bytes([c[0], c.get(1).copied().unwrap_or(0)]);
        cpu.write(
            env,
            la.wrapping_add(2 * k as u64),
            2,
            v as u64,
            ops.mem.stack,
        )?;
    }
    Ok(())
}

/// Read `n` bytes at the memory operand.
fn get(cpu: &mut Cpu, env: &mut Env, ops: &Ops, n: usize) -> Result<Vec<u8>, Fault> {
    let la = cpu.ea(&ops.mem);
    let mut b = Vec::with_capacity(n);
    for k in 0..n / 2 {
        let v = cpu.read(env, la.wrapping_add(2 * k as u64), 2, ops.mem.stack)? as u16;
        b.extend_from_slice(&v.to_le_bytes());
    }
    Ok(b)
}

/// Whether `ops` is a 32-bit layout (by its memory operand size).
fn wide(ops: &Ops) -> bool {
    ops.size == ENV32 || ops.size == ENV32 + 80
}

/// FNSTENV m14/m28 (`ops.cc` bit 0: FSTENV, which waits first).
pub fn fnstenv(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if ops.cc & 1 != 0 && cpu.x87.fsw & ES != 0 {
        return Err(Fault::MF);
    }
    let img = env_image(cpu, wide(ops));
    put(cpu, env, ops, &img)?;
    cpu.x87.fcw |= 0x3f;
    Ok(())
}

/// FNSAVE m94/m108 (`ops.cc` bit 0: FSAVE): the environment and ST(0)–ST(7), then FNINIT.
pub fn fnsave(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if ops.cc & 1 != 0 && cpu.x87.fsw & ES != 0 {
        return Err(Fault::MF);
    }
    let mut img = env_image(cpu, wide(ops));
    let x = &cpu.x87;
    let top = (x.fsw >> TOP_SHIFT) as usize & 7;
    for i in 0..8 {
        let (m, se) = x.st[(top + i) & 7];
        img.extend_from_slice(&m.to_le_bytes());
        img.extend_from_slice(&se.to_le_bytes());
    }
    put(cpu, env, ops, &img)?;
    fninit(cpu, env, ops)
}

/// Load an environment image into `cpu.x87` (the registers untouched).
fn load_env(x: &mut X87, b: &[u8], wide: bool) {
    let w = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let d = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as u64;
    let (fcw, fsw, ftw) = if wide {
        (w(0), w(4), w(8))
    } else {
        (w(0), w(2), w(4))
    };
    x.fcw = (fcw & 0x1f7f) | 0x40;
    x.fsw = if fsw & !x.fcw & 0x3f != 0 {
        fsw | ES | B
    } else {
        fsw & !(ES | B)
    };
    x.tags = (0..8).fold(0, |t, p| t | (((ftw >> (2 * p)) & 3 != 3) as u8) << p);
    if wide {
        x.fip = d(12);
        x.fop = w(18) & 0x7ff;
        x.fdp = d(20);
    } else {
        x.fip = w(6) as u64;
        x.fdp = w(10) as u64;
    }
}

/// FLDENV m14/m28.
pub fn fldenv(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let n = if wide(ops) { ENV32 } else { ENV16 } as usize;
    let b = get(cpu, env, ops, n)?;
    load_env(&mut cpu.x87, &b, wide(ops));
    Ok(())
}

/// FRSTOR m94/m108.
pub fn frstor(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let n = if wide(ops) { ENV32 } else { ENV16 } as usize;
    let b = get(cpu, env, ops, n + 80)?;
    let x = &mut cpu.x87;
    load_env(x, &b, wide(ops));
    let top = (x.fsw >> TOP_SHIFT) as usize & 7;
    for i in 0..8 {
        let r = &b[n + 10 * i..n + 10 * i + 10];
        let m = u64::from_le_bytes(r[..8].try_into().unwrap_or([0; 8]));
        x.st[(top + i) & 7] = (m, u16::from_le_bytes([r[8], r[9]]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_word_classifies_each_register() {
        let mut x = X87::default();
        x.st[0] = (1 << 63, 0x3fff); // valid
        x.st[1] = (0, 0x8000); // zero
        x.st[2] = (1, 0); // denormal: special
        x.st[3] = (1 << 62, 0x4000); // unnormal: special
        x.st[4] = (1 << 63, 0x7fff); // infinity: special
        x.tags = 0x1f; // 5–7 empty
        assert_eq!(tag_word(&x), 0b11_11_11_10_10_10_01_00);
    }

    #[test]
    fn environment_images_load_back() {
        let mut cpu = Cpu::new();
        cpu.x87.fcw = 0x27f;
        cpu.x87.fsw = 0x3a01; // TOP 7, IE and C2
        cpu.x87.tags = 0x81;
        cpu.x87.st[7] = (1 << 63, 0x3fff);
        for wide in [false, true] {
            let img = env_image(&cpu, wide);
            assert_eq!(img.len(), if wide { 28 } else { 14 });
            let mut x = X87::default();
            load_env(&mut x, &img, wide);
            assert_eq!((x.fcw, x.fsw, x.tags), (0x27f, 0x3a01, 0x81));
        }
        // An unmasked pending flag sets ES and B.
        let mut img = env_image(&cpu, true);
        img[0] = 0x7e;
        let mut x = X87::default();
        load_env(&mut x, &img, true);
        assert_eq!(x.fsw & (ES | B), ES | B);
    }
}
