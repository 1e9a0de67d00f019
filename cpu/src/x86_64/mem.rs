//! Operand access: effective addresses (SDM vol. 1 §3.7.5 "Specifying an offset", §3.7.5.1
//! RIP-relative addressing), canonical-address checks (§3.3.7.1) and guest memory reads and
//! writes through the shared [`Bus`](crate::aarch64::Bus), translated by paging.
//!
//! An access that hits the software TLB ([`super::tlb`]) is a compare and a host access. A
//! miss translates the linear address (`Cpu::translate` in [`super::mmu`]: the page walk of
//! [`super::paging`] at the current privilege; a refusal is a #PF with CR2 set), refills, and
//! performs the access; physical addresses no RAM backs go to the bus as MMIO (the xAPIC page
//! reached through paging, too), and those no device answers read as all ones and ignore
//! writes (an x86 platform's master abort). A store to a page that holds decoded code drops
//! its blocks and ends the current block, so the next instruction is fetched anew (x86
//! self-modifying code takes effect at once). A page-crossing write translates both pages
//! before writing either.

use super::block::Env;
use super::insn::{Mem, Opnd, Ops, NO_REG, RIP_REL};
use super::paging::Access;
use super::state::{sext, Cpu, Fault};
use crate::codecache::PAGE_SIZE;

/// Where an operand lives, resolved once per instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loc {
    /// A general-purpose register.
    Reg(u8),
    /// AH/CH/DH/BH.
    RegHi(u8),
    /// An XMM register: reads give its low bytes, writes zero-extend to 128 bits (MOVD/MOVQ).
    Xmm(u8),
    /// Memory at a linear address.
    Mem(u64),
    /// The instruction's immediate.
    Imm(u64),
    /// An operand the general-purpose path cannot access (an MMX register: only the vector
    /// handlers read those, and the decoder sends every form naming one there): reading or
    /// writing it raises #UD.
    Ud,
}

/// Whether `la` is canonical for 48-bit linear addresses.
#[inline(always)]
pub fn canonical(la: u64) -> bool {
    sext(la, 6) == la
}

impl Cpu {
    /// Linear address of `m`: the effective address at its address size plus the segment
    /// base (segment limits are not checked: see [`super::system`]).
    #[inline]
    pub fn ea(&self, m: &Mem) -> u64 {
        let mut a = m.disp as u64;
        if m.base == RIP_REL {
            a = a.wrapping_add(self.rip);
        } else if m.base != NO_REG {
            a = a.wrapping_add(self.regs[m.base as usize]);
        }
        if m.index != NO_REG {
            a = a.wrapping_add(self.regs[m.index as usize] << m.scale);
        }
        a &= super::state::mask(m.asz);
        a.wrapping_add(self.seg_base[m.seg as usize]) & self.la_mask
    }

    /// Linear address of offset `off` (already at its address size) in segment `seg`.
    #[inline]
    pub fn linear(&self, seg: super::insn::Seg, off: u64) -> u64 {
        off.wrapping_add(self.seg_base[seg as usize]) & self.la_mask
    }

    /// Resolve operand slot `o` of `ops`.
    #[inline]
    pub fn loc(&self, ops: &Ops, o: Opnd) -> Loc {
        match o {
            Opnd::Reg(r) => Loc::Reg(r),
            Opnd::RegHi(r) => Loc::RegHi(r),
            Opnd::Xmm(r) => Loc::Xmm(r),
            Opnd::Mem => Loc::Mem(self.ea(&ops.mem)),
            Opnd::Imm | Opnd::None => Loc::Imm(ops.imm),
            Opnd::Mm(_) => Loc::Ud,
        }
    }

    /// Read `size` bytes at `loc`.
    #[inline]
    pub fn get(&mut self, env: &mut Env, loc: Loc, size: u8, stack: bool) -> Result<u64, Fault> {
        match loc {
            Loc::Reg(r) => Ok(self.reg(r, size)),
            Loc::RegHi(r) => Ok(self.reg_hi(r)),
            Loc::Xmm(r) => Ok(self.xmm[r as usize & 15] as u64 & super::state::mask(size.min(8))),
            Loc::Mem(a) => self.read(env, a, size, stack),
            Loc::Imm(v) => Ok(v & super::state::mask(size)),
            Loc::Ud => Err(Fault::UD),
        }
    }

    /// Write `size` bytes of `v` at `loc` (an immediate is not writable: the decoder never
    /// makes one a destination).
    #[inline]
    pub fn put(
        &mut self,
        env: &mut Env,
        loc: Loc,
        size: u8,
        v: u64,
        stack: bool,
    ) -> Result<(), Fault> {
        match loc {
            Loc::Reg(r) => {
                self.set_reg(r, size, v);
                Ok(())
            }
            Loc::RegHi(r) => {
                self.set_reg_hi(r, v);
                Ok(())
            }
            Loc::Xmm(r) => {
                self.xmm[r as usize & 15] = (v & super::state::mask(size.min(8))) as u128;
                Ok(())
            }
            Loc::Mem(a) => self.write(env, a, size, v, stack),
            Loc::Imm(_) => Ok(()),
            Loc::Ud => Err(Fault::UD),
        }
    }

    /// Check that the `size` bytes at `la` are canonical: #SS(0) for stack accesses, else #GP(0).
    #[inline]
    fn check(la: u64, size: u8, stack: bool) -> Result<(), Fault> {
        if canonical(la) && canonical(la.wrapping_add(size as u64 - 1)) {
            Ok(())
        } else if stack {
            Err(Fault::SS0)
        } else {
            Err(Fault::GP0)
        }
    }

    /// Read `size` bytes (1, 2, 4, 8) at linear `la`, little-endian. The TLB hit is inlined
    /// (with a constant `size`, one load); misses and page-crossing accesses take
    /// [`Cpu::read_miss`].
    #[inline(always)]
    pub fn read(&mut self, env: &mut Env, la: u64, size: u8, stack: bool) -> Result<u64, Fault> {
        Self::check(la, size, stack)?;
        if (la & (PAGE_SIZE - 1)) + size as u64 <= PAGE_SIZE {
            if let Some(p) = self.tlb.read_ptr(la) {
                // SAFETY: a TLB entry is a RAM page of the bus bound to this vCPU (Bus contract:
                // valid for PAGE_SIZE bytes while the bus lives) and off + size <= PAGE_SIZE.
                return Ok(unsafe { load(p, size) });
            }
        }
        self.read_miss(env, la, size)
    }

    /// [`Cpu::read`] past the TLB: a miss, or an access crossing a page.
    #[inline(never)]
    fn read_miss(&mut self, env: &mut Env, la: u64, size: u8) -> Result<u64, Fault> {
        if (la & (PAGE_SIZE - 1)) + size as u64 <= PAGE_SIZE {
            return self.read_slow(env, la, size);
        }
        let mut v = 0u64;
        for i in 0..size as u64 {
            v |= self.read_slow(env, la.wrapping_add(i), 1)? << (8 * i);
        }
        Ok(v)
    }

    /// Write `size` bytes (1, 2, 4, 8) of `v` at linear `la`, little-endian. Both pages of a
    /// page-crossing access are checked before either is written. The TLB hit is inlined as in
    /// [`Cpu::read`].
    #[inline(always)]
    pub fn write(
        &mut self,
        env: &mut Env,
        la: u64,
        size: u8,
        v: u64,
        stack: bool,
    ) -> Result<(), Fault> {
        Self::check(la, size, stack)?;
        if (la & (PAGE_SIZE - 1)) + size as u64 <= PAGE_SIZE {
            if let Some(p) = self.tlb.write_ptr(la) {
                // SAFETY: as in `read`; write entries are filled from pages asked for writing.
                unsafe { store(p, size, v) };
                return Ok(());
            }
        }
        self.write_miss(env, la, size, v)
    }

    /// [`Cpu::write`] past the TLB: a miss, or an access crossing a page.
    #[inline(never)]
    fn write_miss(&mut self, env: &mut Env, la: u64, size: u8, v: u64) -> Result<(), Fault> {
        if (la & (PAGE_SIZE - 1)) + size as u64 <= PAGE_SIZE {
            return self.write_slow(env, la, size, v);
        }
        // Both pages must permit the write before either is written.
        let last = la.wrapping_add(size as u64 - 1);
        self.translate_env(env, la, Access::Write)?;
        self.translate_env(env, last & !(PAGE_SIZE - 1), Access::Write)?;
        for i in 0..size as u64 {
            self.write_slow(env, la.wrapping_add(i), 1, v >> (8 * i))?;
        }
        Ok(())
    }

    /// Read 4, 8 or 16 bytes at linear `la` for an SSE operand; `aligned`: a 16-byte access
    /// not on a 16-byte boundary raises #GP(0) (SDM vol. 1 §10.4.1.1: legacy SSE 128-bit
    /// memory operands other than MOVUPS/MOVUPD/MOVDQU's must be aligned).
    pub fn read_vec(
        &mut self,
        env: &mut Env,
        la: u64,
        size: u8,
        aligned: bool,
        stack: bool,
    ) -> Result<u128, Fault> {
        Self::check_vec(la, size, aligned, stack)?;
        if size < 16 {
            return Ok(self.read(env, la, size, stack)? as u128);
        }
        let lo = self.read(env, la, 8, stack)?;
        let hi = self.read(env, la.wrapping_add(8), 8, stack)?;
        Ok(lo as u128 | (hi as u128) << 64)
    }

    /// Write the low `size` (4, 8 or 16) bytes of `v` at linear `la`; alignment as in
    /// [`Cpu::read_vec`]. The whole range is checked before any byte is written.
    pub fn write_vec(
        &mut self,
        env: &mut Env,
        la: u64,
        size: u8,
        v: u128,
        aligned: bool,
        stack: bool,
    ) -> Result<(), Fault> {
        Self::check_vec(la, size, aligned, stack)?;
        if size < 16 {
            return self.write(env, la, size, v as u64, stack);
        }
        self.write(env, la, 8, v as u64, stack)?;
        self.write(env, la.wrapping_add(8), 8, (v >> 64) as u64, stack)
    }

    /// Raise the faults a `size`-byte write at linear `la` would raise (canonical form, both
    /// pages' write permission), writing nothing and reading nothing: for stores that then
    /// write only some of those bytes (MASKMOVQ/MASKMOVDQU).
    pub fn probe_write(&mut self, env: &mut Env, la: u64, size: u8) -> Result<(), Fault> {
        Self::check(la, size, false)?;
        let last = la.wrapping_add(size as u64 - 1);
        self.translate_env(env, la, Access::Write)?;
        self.translate_env(env, last & !(PAGE_SIZE - 1), Access::Write)?;
        Ok(())
    }

    fn check_vec(la: u64, size: u8, aligned: bool, stack: bool) -> Result<(), Fault> {
        if aligned && size == 16 && la & 15 != 0 {
            return Err(Fault::GP0);
        }
        Self::check(la, size, stack)
    }

    /// Whether physical `pa` lies in this vCPU's xAPIC page: `IA32_APIC_BASE`'s page while
    /// the APIC is enabled and not in x2APIC mode (SDM vol. 3 §11.4.4).
    fn in_apic_page(&self, pa: u64) -> bool {
        use super::msr::apic_base::{EN, EXTD};
        let b = self.sys.msr.apic_base;
        b & (EN | EXTD) == EN && pa & !(PAGE_SIZE - 1) == b & 0x000f_ffff_ffff_f000
    }

    /// A read the TLB missed (within one page): translate, refill, or MMIO.
    #[cold]
    fn read_slow(&mut self, env: &mut Env, la: u64, size: u8) -> Result<u64, Fault> {
        let (t, a) = self.translate_env(env, la, Access::Read)?;
        let pa = t.pa;
        Ok(match self.tlb.fill_read(env.bus, la, pa, a) {
            Some(host) => {
                let mut b = [0u8; 8];
                // SAFETY: `host` is a RAM page of PAGE_SIZE bytes (Bus contract) and the access
                // lies within it.
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        host.as_ptr().add((pa & (PAGE_SIZE - 1)) as usize),
                        b.as_mut_ptr(),
                        size as usize,
                    )
                };
                u64::from_le_bytes(b)
            }
            None if self.in_apic_page(pa) => env.bus.apic_mmio_read(self.id, self.insns, pa, size),
            None => env
                .bus
                .mmio_read(pa, size)
                .unwrap_or(super::state::mask(size)),
        })
    }

    /// A write the TLB missed (within one page): translate, drop decoded code on the page (no
    /// write entry then), refill, or MMIO.
    #[cold]
    fn write_slow(&mut self, env: &mut Env, la: u64, size: u8, v: u64) -> Result<(), Fault> {
        let (t, a) = self.translate_env(env, la, Access::Write)?;
        let pa = t.pa;
        let page = pa & !(PAGE_SIZE - 1);
        let code = env.code.is_code(page);
        if code && env.code.invalidate(page) {
            env.stop = true;
        }
        let host = if code || !t.write {
            env.bus.ram_page(page, true)
        } else {
            self.tlb.fill_write(env.bus, la, pa, a)
        };
        match host {
            Some(host) => {
                let b = v.to_le_bytes();
                // SAFETY: as in `read_slow`; the page was asked for writing.
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        b.as_ptr(),
                        host.as_ptr().add((pa - page) as usize),
                        size as usize,
                    )
                };
            }
            None if self.in_apic_page(pa) => {
                env.bus.apic_mmio_write(self.id, self.insns, pa, size, v);
            }
            None => {
                // No device: the write is dropped (master abort).
                if env.bus.mmio_write(pa, size, v).is_ok() && env.bus.take_remapped() {
                    self.tlb.flush();
                }
            }
        }
        Ok(())
    }
}

/// Little-endian load of `size` bytes (at most 8) at `p`: one load for 1, 2, 4 and 8.
///
/// # Safety
/// `p` must be valid for reading `size` bytes.
#[inline(always)]
pub(crate) unsafe fn load(p: *const u8, size: u8) -> u64 {
    // SAFETY: the caller's contract; unaligned reads of the exact size.
    unsafe {
        match size {
            1 => *p as u64,
            2 => u16::from_le(p.cast::<u16>().read_unaligned()) as u64,
            4 => u32::from_le(p.cast::<u32>().read_unaligned()) as u64,
            8 => u64::from_le(p.cast::<u64>().read_unaligned()),
            _ => {
                let mut b = [0u8; 8];
                std::ptr::copy_nonoverlapping(p, b.as_mut_ptr(), size as usize);
                u64::from_le_bytes(b)
            }
        }
    }
}

/// Little-endian store of the low `size` bytes (at most 8) of `v` at `p`: one store for 1, 2, 4
/// and 8.
///
/// # Safety
/// `p` must be valid for writing `size` bytes.
#[inline(always)]
pub(crate) unsafe fn store(p: *mut u8, size: u8, v: u64) {
    // SAFETY: the caller's contract; unaligned writes of the exact size.
    unsafe {
        match size {
            1 => *p = v as u8,
            2 => p.cast::<u16>().write_unaligned((v as u16).to_le()),
            4 => p.cast::<u32>().write_unaligned((v as u32).to_le()),
            8 => p.cast::<u64>().write_unaligned(v.to_le()),
            _ => std::ptr::copy_nonoverlapping(v.to_le_bytes().as_ptr(), p, size as usize),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::exec::testing::World;
    use super::*;

    #[test]
    fn an_mmx_operand_on_the_general_purpose_path_raises_ud() {
        let mut cpu = Cpu::new();
        let mut world = World::new();
        let mut env = world.env();
        let ops = Ops {
            dst: Opnd::Mm(2),
            imm: 0x1234,
            ..Ops::default()
        };
        let loc = cpu.loc(&ops, ops.dst);
        assert_eq!(loc, Loc::Ud);
        assert_eq!(cpu.get(&mut env, loc, 8, false), Err(Fault::UD));
        assert_eq!(cpu.put(&mut env, loc, 8, 1, false), Err(Fault::UD));
    }
}
