//! SSE/SSE2 data movement (SDM vol. 2; vol. 1 §10.4.1, §11.4.1): the full-register moves
//! MOVAPS/MOVAPD/MOVDQA (aligned), MOVUPS/MOVUPD/MOVDQU (unaligned) and the non-temporal
//! stores MOVNTPS/MOVNTPD/MOVNTDQ; MOVD/MOVQ between XMM registers, general-purpose registers
//! and memory; the scalar MOVSS/MOVSD; the half moves MOVLPS/MOVLPD/MOVHPS/MOVHPD,
//! MOVHLPS/MOVLHPS; the mask extractions PMOVMSKB/MOVMSKPS/MOVMSKPD; PEXTRW/PINSRW; the
//! byte-masked stores MASKMOVQ/MASKMOVDQU. The MMX forms (MOVD/MOVQ with an MMX register,
//! MOVQ2DQ/MOVDQ2Q, MOVNTQ, PMOVMSKB/PEXTRW/PINSRW on MMX registers, MASKMOVQ) use the same
//! handlers. No flags change. Non-temporal hints have no effect here (no caches).
//!
//! Operand access for every SSE and MMX handler is here too ([`xget`], [`xput`]): a 16-byte
//! memory operand must be 16-byte aligned (#GP(0)) unless the form is one of the unaligned
//! moves. Handlers that also run MMX forms take a const parameter `MM`, true in the
//! instantiation the decoder picks for a form naming an MMX register: there [`mmx::check`]
//! comes before anything is read and [`mmx::enter`] once the result is written; the XMM
//! instantiations carry no MMX test at all.

use super::super::block::Env;
use super::super::insn::{Opnd, Ops};
use super::super::state::{Cpu, Fault};
use super::mmx;

/// Table selector bit: the form's 16-byte memory operand may be misaligned.
pub const UNALIGNED: u8 = 0x80;

/// Read operand `o` as `size` bytes (an XMM register gives all 128 bits whatever `size`, an
/// MMX register its 64). `MM` (the form names an MMX register): the MMX checks come first.
#[inline]
pub fn xget<const MM: bool>(
    cpu: &mut Cpu,
    env: &mut Env,
    ops: &Ops,
    o: Opnd,
    size: u8,
) -> Result<u128, Fault> {
    if MM {
        mmx::check(cpu)?;
    }
    match o {
        Opnd::Xmm(r) => Ok(cpu.xmm[r as usize & 15]),
        Opnd::Mm(r) => Ok(cpu.x87.mmx_read(r) as u128),
        Opnd::Mem => {
            let la = cpu.ea(&ops.mem);
            cpu.read_vec(env, la, size, ops.cc & UNALIGNED == 0, ops.mem.stack)
        }
        Opnd::Reg(r) => Ok(cpu.reg(r, size.min(8)) as u128),
        _ => Ok(ops.imm as u128),
    }
}

/// Write `v` to operand `o`: an XMM register gets all 128 bits, an MMX register the low 64,
/// memory the low `size` bytes, a general-purpose register the low `size` bytes with the
/// 32-bit zero-extension rule. `MM` (the form names an MMX register): the MMX transition
/// follows.
#[inline]
pub fn xput<const MM: bool>(
    cpu: &mut Cpu,
    env: &mut Env,
    ops: &Ops,
    o: Opnd,
    size: u8,
    v: u128,
) -> Result<(), Fault> {
    match o {
        Opnd::Xmm(r) => cpu.xmm[r as usize & 15] = v,
        Opnd::Mm(r) => cpu.x87.mmx_write(r, v as u64),
        Opnd::Mem => {
            let la = cpu.ea(&ops.mem);
            cpu.write_vec(env, la, size, v, ops.cc & UNALIGNED == 0, ops.mem.stack)?;
        }
        Opnd::Reg(r) => cpu.set_reg(r, size.min(8), v as u64),
        _ => {}
    }
    if MM {
        mmx::enter(cpu);
    }
    Ok(())
}

const LO64: u128 = u64::MAX as u128;

/// MOVAPS/MOVAPD/MOVDQA/MOVUPS/MOVUPD/MOVDQU/MOVNTPS/MOVNTPD/MOVNTDQ: 128 bits.
pub fn mov128(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let v = xget::<false>(cpu, env, ops, ops.src, 16)?;
    xput::<false>(cpu, env, ops, ops.dst, 16, v)
}

/// MOVD/MOVQ (selector: 4 or 8 bytes), also MOVQ2DQ/MOVDQ2Q/MOVNTQ: the low bytes of the
/// source; an XMM or MMX destination is zero-extended.
pub fn movdq<const MM: bool>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let n = ops.cc & 0xf;
    let v = xget::<MM>(cpu, env, ops, ops.src, n)? & (LO64 >> (64 - 8 * n as u32));
    xput::<MM>(cpu, env, ops, ops.dst, n, v)
}

/// MOVSS/MOVSD (selector: 4 or 8): register to register merges the low element; a load
/// zero-extends; a store writes the low element.
pub fn movs(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let n = ops.cc & 0xf;
    let m = LO64 >> (64 - 8 * n as u32);
    let v = xget::<false>(cpu, env, ops, ops.src, n)? & m;
    let v = match (ops.dst, ops.src) {
        (Opnd::Xmm(d), Opnd::Xmm(_)) => (cpu.xmm[d as usize & 15] & !m) | v,
        _ => v,
    };
    xput::<false>(cpu, env, ops, ops.dst, n, v)
}

/// MOVLPS/MOVLPD (selector 0) and MOVHPS/MOVHPD (selector 1): a load replaces the low (high)
/// quadword, a store writes it. MOVHLPS (selector 2): low ← source's high; MOVLHPS
/// (selector 3): high ← source's low.
pub fn movhl(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let sel = ops.cc & 3;
    if let Opnd::Xmm(d) = ops.dst {
        let s = xget::<false>(cpu, env, ops, ops.src, 8)?;
        let s = if sel == 2 { s >> 64 } else { s & LO64 };
        let x = &mut cpu.xmm[d as usize & 15];
        *x = match sel {
            0 | 2 => (*x & !LO64) | s,
            _ => (*x & LO64) | s << 64,
        };
        return Ok(());
    }
    let Opnd::Xmm(s) = ops.src else {
        return Ok(());
    };
    let v = cpu.xmm[s as usize & 15];
    let v = if sel == 1 { v >> 64 } else { v & LO64 };
    xput::<false>(cpu, env, ops, ops.dst, 8, v)
}

/// PMOVMSKB (selector 1: the byte signs), MOVMSKPS (4: dword signs), MOVMSKPD (8: qword
/// signs), into a general-purpose register, zero-extended.
pub fn movmsk<const MM: bool>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let e = (ops.cc & 0xf) as u32;
    let v = xget::<MM>(cpu, env, ops, ops.src, 16)?;
    let mut m = 0u64;
    for i in 0..16 / e {
        m |= ((v >> (8 * e * (i + 1) - 1)) & 1) as u64 * (1 << i);
    }
    xput::<MM>(cpu, env, ops, ops.dst, ops.size, m as u128)
}

/// The word index an immediate selects in operand `o`: `imm & 7` in an XMM register,
/// `imm & 3` in an MMX register.
fn word_index(o: Opnd, imm: u64) -> u64 {
    if let Opnd::Mm(_) = o {
        imm & 3
    } else {
        imm & 7
    }
}

/// PEXTRW r, xmm/mm, imm8: the selected word, zero-extended.
pub fn pextrw<const MM: bool>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let v = xget::<MM>(cpu, env, ops, ops.src, 16)?;
    let w = (v >> (16 * word_index(ops.src, ops.imm))) & 0xffff;
    xput::<MM>(cpu, env, ops, ops.dst, ops.size, w)
}

/// PINSRW xmm/mm, r32/m16, imm8: the selected word ← the source's low word.
pub fn pinsrw<const MM: bool>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let w = xget::<MM>(cpu, env, ops, ops.src, 2)? & 0xffff;
    let sh = 16 * word_index(ops.dst, ops.imm);
    let x = match ops.dst {
        Opnd::Xmm(d) => cpu.xmm[d as usize & 15],
        Opnd::Mm(d) => cpu.x87.mmx_read(d) as u128,
        _ => return Err(Fault::UD),
    };
    xput::<MM>(cpu, env, ops, ops.dst, 16, (x & !(0xffff << sh)) | w << sh)
}

/// MASKMOVQ mm1, mm2 / MASKMOVDQU xmm1, xmm2: each byte of the first register whose
/// counterpart in the second has its top bit set is stored at DS:rDI (the segment can be
/// overridden; `ops.mem` is that address). The whole 8- or 16-byte range is checked for
/// writing first (no alignment needed), so its faults are raised even for an all-zero mask,
/// as the host CPU raises them (the SDM leaves that case open); nothing is read, and only the
/// selected bytes are written.
pub fn maskmov<const MM: bool>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let v = xget::<MM>(cpu, env, ops, ops.src, 16)?;
    let m = xget::<MM>(cpu, env, ops, ops.src2, 16)?;
    let n: u8 = if MM { 8 } else { 16 };
    let la = cpu.ea(&ops.mem);
    cpu.probe_write(env, la, n)?;
    for i in 0..n as u32 {
        if (m >> (8 * i + 7)) & 1 != 0 {
            let b = (v >> (8 * i)) as u64 & 0xff;
            cpu.write(env, la.wrapping_add(i as u64), 1, b, false)?;
        }
    }
    if MM {
        mmx::enter(cpu);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::ptr::NonNull;

    use super::super::super::block::BlockCache;
    use super::super::super::platform::Platform;
    use super::super::testing::one;
    use super::*;
    use crate::aarch64::flat::FlatBus;
    use crate::aarch64::{Bus, BusFault, BusId};

    /// 4 KiB of RAM at 0 and, above it, a device that records every access.
    struct Recorder {
        ram: FlatBus,
        log: Vec<(char, u64, u8, u64)>,
    }

    // SAFETY: RAM pages come from the FlatBus, which keeps the Bus contract.
    unsafe impl Bus for Recorder {
        fn id(&self) -> BusId {
            self.ram.id()
        }
        fn ram_page(&mut self, page: u64, write: bool) -> Option<NonNull<u8>> {
            self.ram.ram_page(page, write)
        }
        fn mmio_read(&mut self, pa: u64, size: u8) -> Result<u64, BusFault> {
            self.log.push(('r', pa, size, 0));
            Ok(0)
        }
        fn mmio_write(&mut self, pa: u64, size: u8, value: u64) -> Result<(), BusFault> {
            self.log.push(('w', pa, size, value));
            Ok(())
        }
    }

    impl Platform for Recorder {}

    #[test]
    fn maskmovdqu_writes_only_the_selected_bytes_and_reads_nothing() {
        let mut bus = Recorder {
            ram: FlatBus::new(0, 4096),
            log: Vec::new(),
        };
        let mut code = BlockCache::new();
        let mut env = Env {
            bus: &mut bus,
            code: &mut code,
            stop: false,
            end: u64::MAX,
        };
        // maskmovdqu xmm0, xmm1: bytes 0 and 5 selected.
        let i = one(&[0x66, 0x0f, 0xf7, 0xc1]);
        let mut cpu = Cpu::new();
        cpu.regs[7] = 0x10_0000;
        cpu.xmm[0] = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100;
        cpu.xmm[1] = 0x80 | 0x80 << 40;
        assert_eq!((i.exec)(&mut cpu, &mut env, &i.ops), Ok(()));
        // An all-zero mask at a non-canonical address still faults, and writes nothing.
        cpu.regs[7] = 0x8000_0000_0000_0000;
        cpu.xmm[1] = 0;
        assert_eq!((i.exec)(&mut cpu, &mut env, &i.ops), Err(Fault::GP0));
        assert_eq!(
            bus.log,
            [('w', 0x10_0000, 1, 0x00), ('w', 0x10_0005, 1, 0x05)]
        );
    }
}
