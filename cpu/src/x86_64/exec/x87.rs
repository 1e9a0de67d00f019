//! x87 FPU instructions (SDM vol. 1 ch. 8; vol. 2): FNINIT, FNCLEX, FNSTSW, FNSTCW, FLDCW,
//! WAIT/FWAIT, FILD (m16/m32/m64 int) and
//! the state save/restore FXSAVE64/FXRSTOR64 (SDM vol. 1 §10.5.1, table 10-2, 64-bit layout),
//! which also carry MXCSR and XMM0–XMM15.
//!
//! An unmasked exception pending (FSW.ES) makes FILD raise #MF, as any non-control x87
//! instruction does; FNINIT, FNCLEX, FXSAVE and FXRSTOR do not check.
//!
//! Not here yet: the x87 arithmetic, loads and stores of real values, the 32-bit FXSAVE/FXRSTOR
//! layout (FCS/FDS selectors), CR0.NE=0 (external FERR#) reporting.

use super::super::block::Env;
use super::super::insn::Ops;
use super::super::mem::canonical;
use super::super::state::{sext, Cpu, Fault, FCW_DEFAULT, X87};
use super::sse_fp::MXCSR_MASK;

/// FSW bits.
const IE: u16 = 1;
const SF: u16 = 1 << 6;
const ES: u16 = 1 << 7;
const C1: u16 = 1 << 9;
const B: u16 = 1 << 15;
const TOP_SHIFT: u16 = 11;

/// The real indefinite (a negative quiet NaN).
const INDEFINITE: (u64, u16) = (0xc000_0000_0000_0000, 0xffff);

/// FNINIT: control word 0x37F, status and pointers cleared, every register empty (their
/// contents stay).
pub fn fninit(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Result<(), Fault> {
    let st = cpu.x87.st;
    cpu.x87 = X87 {
        st,
        fcw: FCW_DEFAULT,
        ..X87::default()
    };
    Ok(())
}

/// FNCLEX: the exception flags, SF, ES and B cleared.
pub fn fnclex(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Result<(), Fault> {
    cpu.x87.fsw &= !0x80ff;
    Ok(())
}

/// FNSTSW m16 / FNSTSW AX: store the status word.
pub fn fnstsw(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let d = cpu.loc(ops, ops.dst);
    cpu.put(env, d, 2, cpu.x87.fsw as u64, ops.mem.stack)
}

/// FNSTCW m16: store the control word.
pub fn fnstcw(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let d = cpu.loc(ops, ops.dst);
    cpu.put(env, d, 2, cpu.x87.fcw as u64, ops.mem.stack)
}

/// FLDCW m16: load the control word (bit 6 reads as one, bits 7 and 13–15 as zero); FSW.ES
/// and B follow from the flags it now unmasks or masks.
pub fn fldcw(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let d = cpu.loc(ops, ops.dst);
    let v = cpu.get(env, d, 2, ops.mem.stack)? as u16;
    let fcw = (v & 0x1f7f) | 0x40;
    cpu.x87.fcw = fcw;
    if cpu.x87.fsw & !fcw & 0x3f != 0 {
        cpu.x87.fsw |= ES | B;
    } else {
        cpu.x87.fsw &= !(ES | B);
    }
    Ok(())
}

/// WAIT/FWAIT: #MF when an unmasked x87 exception is pending, else nothing.
pub fn fwait(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Result<(), Fault> {
    if cpu.x87.fsw & ES != 0 {
        return Err(Fault::MF);
    }
    Ok(())
}

/// The 80-bit extended value of integer `v` (exact).
fn from_int(v: i64) -> (u64, u16) {
    if v == 0 {
        return (0, 0);
    }
    let m = v.unsigned_abs();
    let lz = m.leading_zeros();
    (m << lz, ((v < 0) as u16) << 15 | (16383 + 63 - lz) as u16)
}

/// FILD m16int/m32int/m64int: push the integer. A push onto a non-empty register is a stack
/// overflow (#IS: IE, SF, C1 set); masked, the real indefinite is pushed.
pub fn fild(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if cpu.x87.fsw & ES != 0 {
        return Err(Fault::MF); // an unmasked exception is pending
    }
    let la = cpu.ea(&ops.mem);
    let v = sext(cpu.read(env, la, ops.size, ops.mem.stack)?, ops.size) as i64;
    let x = &mut cpu.x87;
    x.fip = cpu.rip.wrapping_sub(ops.len as u64);
    x.fdp = la;
    let top = ((x.fsw >> TOP_SHIFT) + 7) & 7;
    let value = if x.tags & (1 << top) != 0 {
        x.fsw |= IE | SF | C1;
        if x.fcw & 1 == 0 {
            x.fsw |= ES | B;
            return Ok(());
        }
        INDEFINITE
    } else {
        x.fsw &= !C1;
        from_int(v)
    };
    x.fsw = (x.fsw & !(7 << TOP_SHIFT)) | top << TOP_SHIFT;
    x.st[top as usize] = value;
    x.tags |= 1 << top;
    Ok(())
}

/// Bytes FXSAVE writes (416–511 are reserved or available to software, and not written).
const FX_LEN: usize = 416;

/// The 64-bit FXSAVE image of the x87, MXCSR and XMM state (bytes 0–415).
pub fn fxsave_image(cpu: &Cpu) -> [u8; FX_LEN] {
    let mut b = [0u8; FX_LEN];
    let x = &cpu.x87;
    b[0..2].copy_from_slice(&x.fcw.to_le_bytes());
    b[2..4].copy_from_slice(&x.fsw.to_le_bytes());
    b[4] = x.tags;
    b[6..8].copy_from_slice(&x.fop.to_le_bytes());
    b[8..16].copy_from_slice(&x.fip.to_le_bytes());
    b[16..24].copy_from_slice(&x.fdp.to_le_bytes());
    b[24..28].copy_from_slice(&cpu.mxcsr.to_le_bytes());
    b[28..32].copy_from_slice(&MXCSR_MASK.to_le_bytes());
    let top = (x.fsw >> TOP_SHIFT) as usize & 7;
    for i in 0..8 {
        // Slot i holds ST(i), physical register (TOP + i) mod 8.
        let (m, se) = x.st[(top + i) & 7];
        b[32 + 16 * i..40 + 16 * i].copy_from_slice(&m.to_le_bytes());
        b[40 + 16 * i..42 + 16 * i].copy_from_slice(&se.to_le_bytes());
    }
    for (i, v) in cpu.xmm.iter().enumerate() {
        b[160 + 16 * i..176 + 16 * i].copy_from_slice(&v.to_le_bytes());
    }
    b
}

/// Check that the 512 bytes at `la` are 16-byte aligned and canonical.
fn fx_area(la: u64) -> Result<(), Fault> {
    if la & 15 != 0 || !canonical(la) || !canonical(la.wrapping_add(511)) {
        return Err(Fault::GP0);
    }
    Ok(())
}

/// FXSAVE64 m512.
pub fn fxsave64(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    fxsave::<true>(cpu, env, ops)
}

/// FXSAVE m512 (without REX.W): the 32-bit layout, FPU IP and DP as 32-bit offsets with
/// their selectors (stored as 0: not tracked); XMM8–15 saved only in 64-bit mode (SDM vol. 1
/// §10.5.1, tables 10-2 and 10-3).
pub fn fxsave32(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    fxsave::<false>(cpu, env, ops)
}

/// The bytes of the FXSAVE area a form writes: all of it in 64-bit mode, up to XMM7 outside.
fn fx_written(cpu: &Cpu) -> usize {
    if cpu.mode64() {
        FX_LEN
    } else {
        288
    }
}

fn fxsave<const WIDE: bool>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let la = cpu.ea(&ops.mem);
    fx_area(la)?;
    let mut img = fxsave_image(cpu);
    if !WIDE {
        let (fip, fdp) = (cpu.x87.fip as u32, cpu.x87.fdp as u32);
        img[8..16].copy_from_slice(&(fip as u64).to_le_bytes());
        img[16..24].copy_from_slice(&(fdp as u64).to_le_bytes());
    }
    let len = fx_written(cpu);
    for (k, c) in img[..len].chunks(8).enumerate() {
        let v = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        cpu.write(env, la + 8 * k as u64, 8, v, ops.mem.stack)?;
    }
    Ok(())
}

/// FXRSTOR64 m512: #GP(0) when the saved MXCSR sets a bit outside MXCSR_MASK.
pub fn fxrstor64(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    fxrstor::<true>(cpu, env, ops)
}

/// FXRSTOR m512 (without REX.W): the 32-bit layout (see [`fxsave32`]).
pub fn fxrstor32(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    fxrstor::<false>(cpu, env, ops)
}

fn fxrstor<const WIDE: bool>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let la = cpu.ea(&ops.mem);
    fx_area(la)?;
    let mut b = [0u8; FX_LEN];
    for k in 0..FX_LEN / 8 {
        let v = cpu.read(env, la + 8 * k as u64, 8, ops.mem.stack)?;
        b[8 * k..8 * k + 8].copy_from_slice(&v.to_le_bytes());
    }
    let w = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let q = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
    let mxcsr = u32::from_le_bytes([b[24], b[25], b[26], b[27]]);
    if mxcsr & !MXCSR_MASK != 0 {
        return Err(Fault::GP0);
    }
    // FSW.ES (and B, its mirror) follow from the loaded flags and masks.
    let fcw = (w(0) & 0x1f7f) | 0x40;
    let pending = w(2) & !fcw & 0x3f != 0;
    let fsw = if pending {
        w(2) | ES | B
    } else {
        w(2) & !(ES | B)
    };
    let top = (fsw >> TOP_SHIFT) as usize & 7;
    let mut st = [(0u64, 0u16); 8];
    for i in 0..8 {
        st[(top + i) & 7] = (q(32 + 16 * i), w(40 + 16 * i));
    }
    cpu.x87 = X87 {
        st,
        // FCW: bit 6 reads as one, bits 7 and 13–15 as zero.
        fcw,
        fsw,
        tags: b[4],
        fop: w(6) & 0x7ff,
        fip: if WIDE { q(8) } else { q(8) & 0xffff_ffff },
        fdp: if WIDE { q(16) } else { q(16) & 0xffff_ffff },
    };
    cpu.mxcsr = mxcsr;
    let xmms = if cpu.mode64() { 16 } else { 8 };
    for i in 0..xmms {
        cpu.xmm[i] =
            u128::from_le_bytes(b[160 + 16 * i..176 + 16 * i].try_into().unwrap_or([0; 16]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_become_exact_extended_values() {
        assert_eq!(from_int(0), (0, 0));
        assert_eq!(from_int(1), (1 << 63, 16383));
        assert_eq!(from_int(-3), (3 << 62, 0x8000 | 16384));
        assert_eq!(from_int(i64::MIN), (1 << 63, 0x8000 | (16383 + 63)));
    }
}
