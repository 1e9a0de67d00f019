//! Segment descriptors and the tables they live in (SDM vol. 3 §3.4.5 "Segment descriptors",
//! §3.5.1 "Segment descriptor tables", §5.5–5.8 privilege checks): reading a descriptor for a
//! selector from the GDT or the LDT, turning it into a descriptor cache ([`Segment`]), and the
//! checks of a data- or stack-segment load (MOV/POP to DS, ES, FS, GS, SS) and of a far
//! transfer to a code segment, with the architectural exceptions: #GP(selector),
//! #NP(selector), #SS(selector), #TS(selector).
//!
//! Not modelled: call gates, task gates and task switches (a far JMP/CALL to a system
//! descriptor raises #GP(selector)), the descriptors' accessed bits (not written back: Linux
//! keeps them set and maps its GDT read-only), segment limit checks on accesses.

use super::block::Env;
use super::state::{vector, Cpu, Fault};
use super::system::{attr, sreg, Segment};

/// Descriptor type values of system descriptors (S = 0) used here.
pub mod system_type {
    /// LDT.
    pub const LDT: u16 = 0x2;
    /// Available 32/64-bit TSS.
    pub const TSS_AVAILABLE: u16 = 0x9;
    /// Busy 32/64-bit TSS.
    pub const TSS_BUSY: u16 = 0xb;
    /// 32-bit (64-bit in IA-32e mode) interrupt gate.
    pub const INTERRUPT_GATE: u16 = 0xe;
    /// 32-bit (64-bit in IA-32e mode) trap gate.
    pub const TRAP_GATE: u16 = 0xf;
}

/// The descriptor cache for a descriptor `d` loaded with `selector`.
pub fn segment(selector: u16, d: u64) -> Segment {
    let base = ((d >> 16) & 0xff_ffff) | ((d >> 56) << 24);
    let raw = ((d & 0xffff) | ((d >> 32) & 0xf_0000)) as u32;
    let attr = ((d >> 40) & 0xf0ff) as u16;
    let limit = if attr & attr::G != 0 {
        (raw << 12) | 0xfff
    } else {
        raw
    };
    Segment {
        selector,
        base,
        limit,
        attr,
    }
}

/// A selector's index and table bits (the error-code form).
#[inline]
pub fn sel_error(sel: u16) -> u16 {
    sel & 0xfffc
}

/// #NP(error).
pub fn np(error: u16) -> Fault {
    Fault::with(vector::NP, error as u32)
}

/// #SS(error).
pub fn ss(error: u16) -> Fault {
    Fault::with(vector::SS, error as u32)
}

/// #TS(error).
pub fn ts(error: u16) -> Fault {
    Fault::with(vector::TS, error as u32)
}

impl Cpu {
    /// Read `size` bytes of a system structure (descriptor tables, the TSS) at linear `la`:
    /// an implicit supervisor access (SDM vol. 3 §4.6.1), made with [`Cpu::implicit`] set so
    /// that page-level protection treats it as CPL 0 whatever the CPL.
    pub(crate) fn sys_read(&mut self, env: &mut Env, la: u64, size: u8) -> Result<u64, Fault> {
        self.implicit = true;
        let r = self.read(env, la & self.la_mask, size, false);
        self.implicit = false;
        r
    }

    /// Write `size` bytes of a system structure at linear `la` (an implicit supervisor
    /// access too, as in [`Cpu::sys_read`]).
    pub(crate) fn sys_write(
        &mut self,
        env: &mut Env,
        la: u64,
        size: u8,
        v: u64,
    ) -> Result<(), Fault> {
        self.implicit = true;
        let r = self.write(env, la & self.la_mask, size, v, false);
        self.implicit = false;
        r
    }

    /// Linear address of the 8-byte descriptor for `sel` (GDT, or LDT with TI set), or
    /// #GP(selector) beyond the table's limit (`wide`: a 16-byte system descriptor in IA-32e
    /// mode must fit whole).
    pub(crate) fn descriptor_la(&self, sel: u16, wide: bool) -> Result<u64, Fault> {
        let (base, limit) = if sel & 4 != 0 {
            let l = &self.sys.ldtr;
            if l.attr & attr::P == 0 || sel_error(l.selector) == 0 {
                return Err(Fault::gp(sel_error(sel)));
            }
            (l.base, l.limit as u64)
        } else {
            (self.sys.gdtr.base, self.sys.gdtr.limit as u64)
        };
        let off = (sel & !7) as u64;
        let last = off + if wide { 15 } else { 7 };
        if last > limit {
            return Err(Fault::gp(sel_error(sel)));
        }
        Ok(base.wrapping_add(off))
    }

    /// The 8-byte descriptor for `sel`.
    pub(crate) fn read_descriptor(&mut self, env: &mut Env, sel: u16) -> Result<u64, Fault> {
        let la = self.descriptor_la(sel, false)?;
        self.sys_read(env, la, 8)
    }

    /// Load segment register `r` (DS, ES, FS, GS or SS) with `sel` after the checks of MOV/POP
    /// Sreg (SDM vol. 2 "MOV", "POP"). A null selector loads an unusable segment (base 0)
    /// into DS/ES/FS/GS; into SS only in 64-bit mode at CPL < 3 with RPL = CPL, else #GP(0).
    pub fn load_sreg(&mut self, env: &mut Env, r: usize, sel: u16) -> Result<(), Fault> {
        let seg = self.check_data_segment(env, r, sel, self.cpl())?;
        self.sys.seg[r] = seg;
        self.refresh_mode();
        Ok(())
    }

    /// The descriptor cache `sel` would load into data/stack register `r` at privilege `cpl`
    /// (the checks of [`Cpu::load_sreg`]; IRET and far RET use them for the outer SS).
    pub(crate) fn check_data_segment(
        &mut self,
        env: &mut Env,
        r: usize,
        sel: u16,
        cpl: u8,
    ) -> Result<Segment, Fault> {
        let rpl = (sel & 3) as u8;
        if sel_error(sel) == 0 {
            if r == sreg::SS && !(self.long_mode() && cpl != 3 && rpl == cpl) {
                return Err(Fault::GP0);
            }
            return Ok(Segment {
                selector: sel,
                attr: if r == sreg::SS {
                    (cpl as u16) << attr::DPL_SHIFT
                } else {
                    0
                },
                ..Segment::default()
            });
        }
        let d = self.read_descriptor(env, sel)?;
        let seg = segment(sel, d);
        let a = seg.attr;
        let dpl = seg.dpl();
        let err = sel_error(sel);
        let code = a & attr::CODE != 0;
        if a & attr::S == 0 {
            return Err(Fault::gp(err));
        }
        if r == sreg::SS {
            if rpl != cpl || code || a & attr::RW == 0 || dpl != cpl {
                return Err(Fault::gp(err));
            }
            if a & attr::P == 0 {
                return Err(ss(err));
            }
        } else {
            if code && a & attr::RW == 0 {
                return Err(Fault::gp(err)); // execute-only code
            }
            let conforming_code = code && a & attr::DC != 0;
            if !conforming_code && (rpl > dpl || cpl > dpl) {
                return Err(Fault::gp(err));
            }
            if a & attr::P == 0 {
                return Err(np(err));
            }
        }
        Ok(seg)
    }

    /// The code segment a far JMP/CALL to `sel` loads at the current privilege (SDM vol. 3
    /// §5.8.1 "Direct calls or jumps to code segments"): a code descriptor, conforming with
    /// DPL ≤ CPL or non-conforming with RPL ≤ CPL and DPL = CPL, present (#NP), not L and D
    /// both set in IA-32e mode. The new CS has RPL = CPL.
    pub(crate) fn far_code_segment(&mut self, env: &mut Env, sel: u16) -> Result<Segment, Fault> {
        let err = sel_error(sel);
        if err == 0 {
            return Err(Fault::GP0);
        }
        let d = self.read_descriptor(env, sel)?;
        let cpl = self.cpl();
        let mut seg = segment(sel, d);
        let a = seg.attr;
        if a & attr::S == 0 || a & attr::CODE == 0 {
            return Err(Fault::gp(err)); // gates and TSSs: not modelled
        }
        let ok = if a & attr::DC != 0 {
            seg.dpl() <= cpl
        } else {
            (sel & 3) as u8 <= cpl && seg.dpl() == cpl
        };
        if !ok || (self.long_mode() && a & attr::L != 0 && a & attr::DB != 0) {
            return Err(Fault::gp(err));
        }
        if a & attr::P == 0 {
            return Err(np(err));
        }
        seg.selector = err | cpl as u16;
        Ok(seg)
    }

    /// The code segment a far RET or IRET returns to with `sel` (SDM vol. 2 "RET", "IRET"):
    /// RPL ≥ CPL, a code descriptor, conforming with DPL ≤ RPL or non-conforming with DPL =
    /// RPL, present. The new CPL is the RPL.
    pub(crate) fn return_code_segment(
        &mut self,
        env: &mut Env,
        sel: u16,
    ) -> Result<Segment, Fault> {
        let err = sel_error(sel);
        if err == 0 {
            return Err(Fault::GP0);
        }
        let rpl = (sel & 3) as u8;
        if rpl < self.cpl() {
            return Err(Fault::gp(err));
        }
        let d = self.read_descriptor(env, sel)?;
        let seg = segment(sel, d);
        let a = seg.attr;
        if a & attr::S == 0 || a & attr::CODE == 0 {
            return Err(Fault::gp(err));
        }
        let ok = if a & attr::DC != 0 {
            seg.dpl() <= rpl
        } else {
            seg.dpl() == rpl
        };
        if !ok || (self.long_mode() && a & attr::L != 0 && a & attr::DB != 0) {
            return Err(Fault::gp(err));
        }
        if a & attr::P == 0 {
            return Err(np(err));
        }
        Ok(seg)
    }

    /// After a return to an outer privilege level: DS, ES, FS, GS holding a data or
    /// non-conforming code segment more privileged than the new CPL become null (SDM vol. 2
    /// "RET", "IRET").
    pub(crate) fn drop_inner_segments(&mut self) {
        let cpl = self.cpl();
        for r in [sreg::ES, sreg::DS, sreg::FS, sreg::GS] {
            let s = self.sys.seg[r];
            let conforming_code = s.attr & attr::CODE != 0 && s.attr & attr::DC != 0;
            if s.attr & attr::S != 0 && !conforming_code && s.dpl() < cpl {
                // In 64-bit mode FS/GS keep their bases (they come from the MSRs).
                let keep = self.long_mode() && (r == sreg::FS || r == sreg::GS);
                self.sys.seg[r] = Segment {
                    selector: 0,
                    base: if keep { s.base } else { 0 },
                    ..Segment::default()
                };
            }
        }
        self.refresh_mode();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptor_fields() {
        // Linux's __KERNEL_CS (64-bit): 0x00af9b000000ffff; __KERNEL_DS: 0x00cf93000000ffff.
        let cs = segment(0x10, 0x00af_9b00_0000_ffff);
        assert_eq!((cs.base, cs.limit), (0, 0xffff_ffff));
        assert_ne!(cs.attr & attr::L, 0);
        assert_eq!(cs.attr & 0xff, 0x9b);
        let ds = segment(0x18, 0x00cf_9300_0000_ffff);
        assert_ne!(ds.attr & attr::DB, 0);
        // Base 0x12345678, limit 0x0abcd bytes (G = 0).
        let s = segment(8, 0x1240_9334_5678_abcd);
        assert_eq!((s.base, s.limit), (0x1234_5678, 0xabcd));
    }
}
