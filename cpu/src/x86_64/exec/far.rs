//! Segment loads and far control transfers (SDM vol. 2): MOV to/from a segment register,
//! PUSH/POP of a segment register, LGDT/LIDT/SGDT/SIDT, LLDT/LTR/SLDT/STR, far JMP/CALL
//! (ptr16:16/32 and m16:16/32/64), far RET (same and outer privilege), IRET/IRETD/IRETQ and
//! INT n/INT3/INTO. The descriptor checks are [`super::super::descriptor`]'s, the IDT
//! delivery [`super::super::interrupt`]'s.
//!
//! A fault leaves the registers as before the instruction (RSP restored; memory already
//! written by a far CALL's pushes may have changed, as on hardware). Every transfer here ends
//! its block; a load of SS also blocks interrupts for one instruction.

use super::super::block::Env;
use super::super::descriptor::{np, segment, sel_error, system_type};
use super::super::insn::{Opnd, Ops};
use super::super::interrupt::Source;
use super::super::mem::canonical;
use super::super::state::flag::{self, NT, OF, RF};
use super::super::state::{mask, Cpu, Fault, RSP};
use super::super::system::{attr, sreg, Segment, Table};
use super::control::{iopl, popf_mask, privileged};
use super::stack::{pop_value, push_value, sp_moved};

/// MOV Sreg, r/m16 (`cc` = the segment register; the source in `src`). MOV to CS is #UD.
pub fn mov_to_sreg(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let r = ops.cc as usize;
    if r == sreg::CS || r > sreg::GS {
        return Err(cpu.undefined(ops.code));
    }
    let s = cpu.loc(ops, ops.src);
    let sel = cpu.get(env, s, 2, ops.mem.stack)? as u16;
    cpu.load_sreg(env, r, sel)?;
    if r == sreg::SS {
        cpu.shadow = true;
    }
    Ok(())
}

/// MOV r/m, Sreg: the selector, zero-extended into a 32/64-bit register, 16 bits to memory.
pub fn mov_from_sreg(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let v = cpu.sys.seg[ops.cc as usize % 6].selector as u64;
    let d = cpu.loc(ops, ops.dst);
    cpu.put(env, d, ops.size, v, ops.mem.stack)
}

/// PUSH Sreg (operand size in [`Ops::size`]).
pub fn push_sreg(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let v = cpu.sys.seg[ops.cc as usize % 6].selector as u64;
    push_value(cpu, env, ops.size, v)
}

/// POP Sreg (not CS).
pub fn pop_sreg(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let r = ops.cc as usize;
    if r == sreg::CS || r > sreg::GS {
        return Err(cpu.undefined(ops.code));
    }
    let old = cpu.regs[RSP];
    let sel = pop_value(cpu, env, ops.size)? as u16;
    if let Err(f) = cpu.load_sreg(env, r, sel) {
        cpu.regs[RSP] = old;
        return Err(f);
    }
    if r == sreg::SS {
        cpu.shadow = true;
    }
    Ok(())
}

/// LGDT (`cc` 0) and LIDT (1): limit (16 bits) then base ([`Ops::size`] bytes: 8 in 64-bit
/// mode, 4, or 3 with a 16-bit operand size). A non-canonical base in 64-bit mode is #GP(0).
/// LIDT ends the sandbox rule ([`System::sandbox`](super::super::system::System::sandbox)).
pub fn lgdt_lidt(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    privileged(cpu)?;
    let a = cpu.ea(&ops.mem);
    let limit = cpu.read(env, a, 2, ops.mem.stack)? as u16;
    let la = cpu.linear(super::super::insn::Seg::None, a.wrapping_add(2));
    let base = match ops.size {
        8 => cpu.read(env, la, 8, ops.mem.stack)?,
        4 => cpu.read(env, la, 4, ops.mem.stack)?,
        _ => cpu.read(env, la, 4, ops.mem.stack)? & 0xff_ffff,
    };
    if cpu.mode64() && !canonical(base) {
        return Err(Fault::GP0);
    }
    let t = Table { base, limit };
    if ops.cc == 0 {
        cpu.sys.gdtr = t;
    } else {
        cpu.sys.idtr = t;
        cpu.sys.sandbox = false;
    }
    Ok(())
}

/// SGDT (`cc` 0) and SIDT (1): limit, then the base (8 bytes in 64-bit mode, else 4). Not
/// privileged (UMIP is not advertised).
pub fn sgdt_sidt(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let t = if ops.cc == 0 {
        cpu.sys.gdtr
    } else {
        cpu.sys.idtr
    };
    let a = cpu.ea(&ops.mem);
    let la = cpu.linear(super::super::insn::Seg::None, a.wrapping_add(2));
    let n = if cpu.mode64() { 8 } else { 4 };
    // Check the whole operand before writing any of it.
    cpu.read(env, la, n, ops.mem.stack)?;
    cpu.write(env, a, 2, t.limit as u64, ops.mem.stack)?;
    cpu.write(env, la, n, t.base & mask(n), ops.mem.stack)
}

/// A system descriptor for LLDT/LTR: GDT only (#GP(selector) with TI set), 16 bytes in
/// IA-32e mode. Returns the cache and the descriptor's linear address.
fn system_descriptor(cpu: &mut Cpu, env: &mut Env, sel: u16) -> Result<(Segment, u64), Fault> {
    if sel & 4 != 0 {
        return Err(Fault::gp(sel_error(sel)));
    }
    let wide = cpu.long_mode();
    let la = cpu.descriptor_la(sel, wide)?;
    let d = cpu.sys_read(env, la, 8)?;
    let mut seg = segment(sel, d);
    if wide {
        let hi = cpu.sys_read(env, la.wrapping_add(8), 8)?;
        seg.base |= (hi & 0xffff_ffff) << 32;
        if !canonical(seg.base) {
            return Err(Fault::gp(sel_error(sel)));
        }
    }
    Ok((seg, la))
}

/// LLDT r/m16: a null selector leaves LDTR unusable.
pub fn lldt(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    privileged(cpu)?;
    let s = cpu.loc(ops, ops.dst);
    let sel = cpu.get(env, s, 2, ops.mem.stack)? as u16;
    if sel_error(sel) == 0 {
        cpu.sys.ldtr = Segment {
            selector: sel,
            ..Segment::default()
        };
        return Ok(());
    }
    let (seg, _) = system_descriptor(cpu, env, sel)?;
    if seg.attr & (attr::S | attr::TYPE) != system_type::LDT {
        return Err(Fault::gp(sel_error(sel)));
    }
    if seg.attr & attr::P == 0 {
        return Err(np(sel_error(sel)));
    }
    cpu.sys.ldtr = seg;
    Ok(())
}

/// LTR r/m16: an available 32/64-bit TSS, marked busy in the GDT.
pub fn ltr(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    privileged(cpu)?;
    let s = cpu.loc(ops, ops.dst);
    let sel = cpu.get(env, s, 2, ops.mem.stack)? as u16;
    if sel_error(sel) == 0 {
        return Err(Fault::GP0);
    }
    let (mut seg, la) = system_descriptor(cpu, env, sel)?;
    if seg.attr & (attr::S | attr::TYPE) != system_type::TSS_AVAILABLE {
        return Err(Fault::gp(sel_error(sel)));
    }
    if seg.attr & attr::P == 0 {
        return Err(np(sel_error(sel)));
    }
    let access = cpu.sys_read(env, la.wrapping_add(5), 1)?;
    cpu.sys_write(env, la.wrapping_add(5), 1, access | 2)?;
    seg.attr |= 2; // busy
    cpu.sys.tr = seg;
    Ok(())
}

/// SLDT (`cc` 0) and STR (1): the selector, zero-extended into a register, 16 bits to memory.
pub fn sldt_str(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let v = if ops.cc == 0 {
        cpu.sys.ldtr.selector
    } else {
        cpu.sys.tr.selector
    } as u64;
    let d = cpu.loc(ops, ops.dst);
    cpu.put(env, d, ops.size, v, ops.mem.stack)
}

/// The selector and offset of a far JMP/CALL: an immediate ptr16:16/32 (selector in
/// `mem.disp`, offset in `imm`) or m16:16/32/64 in memory (offset first).
fn far_pointer(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(u16, u64), Fault> {
    if ops.dst == Opnd::Mem {
        let a = cpu.ea(&ops.mem);
        let off = cpu.read(env, a, ops.size, ops.mem.stack)?;
        let la = cpu.linear(
            super::super::insn::Seg::None,
            a.wrapping_add(ops.size as u64),
        );
        let sel = cpu.read(env, la, 2, ops.mem.stack)? as u16;
        Ok((sel, off))
    } else {
        Ok((ops.mem.disp as u16, ops.imm & mask(ops.size)))
    }
}

/// The offset in the new code segment: canonical for 64-bit code, else 32 bits.
fn far_offset(cpu: &Cpu, cs: &Segment, off: u64) -> Result<u64, Fault> {
    if cpu.long_mode() && cs.attr & attr::L != 0 {
        if canonical(off) {
            Ok(off)
        } else {
            Err(Fault::GP0)
        }
    } else {
        Ok(off & 0xffff_ffff)
    }
}

/// Far JMP to a code segment at the same privilege (gates are not modelled).
pub fn jmp_far(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (sel, off) = far_pointer(cpu, env, ops)?;
    let cs = cpu.far_code_segment(env, sel)?;
    let off = far_offset(cpu, &cs, off)?;
    cpu.sys.seg[sreg::CS] = cs;
    cpu.refresh_mode();
    cpu.rip = off;
    Ok(())
}

/// Far CALL: pushes CS and the return offset (operand size each), then as far JMP.
pub fn call_far(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (sel, off) = far_pointer(cpu, env, ops)?;
    let cs = cpu.far_code_segment(env, sel)?;
    let off = far_offset(cpu, &cs, off)?;
    let old = cpu.regs[RSP];
    let pushed = push_value(cpu, env, ops.size, cpu.sys.seg[sreg::CS].selector as u64)
        .and_then(|_| push_value(cpu, env, ops.size, cpu.rip));
    if let Err(f) = pushed {
        cpu.regs[RSP] = old;
        return Err(f);
    }
    cpu.sys.seg[sreg::CS] = cs;
    cpu.refresh_mode();
    cpu.rip = off;
    Ok(())
}

/// Far RET (imm16): pops the offset and CS; to an outer privilege level also RSP and SS
/// (after releasing imm16 bytes), then releases imm16 bytes of the outer stack and nulls the
/// data segments the new CPL may not use.
pub fn retf(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let old = cpu.regs[RSP];
    let r = far_return(cpu, env, ops, false);
    if r.is_err() {
        cpu.regs[RSP] = old;
    }
    r
}

/// IRET/IRETD/IRETQ: pops RIP, CS, RFLAGS (and RSP, SS: always in 64-bit mode, else on a
/// return to an outer privilege level). RFLAGS changes as POPF's rules at the old CPL allow
/// (plus RF). NT set is a task return: #GP(0) (in IA-32e mode architecturally; task switches
/// are not modelled outside it).
pub fn iret(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if cpu.rflags & NT != 0 {
        return Err(Fault::GP0);
    }
    let old = cpu.regs[RSP];
    let r = far_return(cpu, env, ops, true);
    if r.is_err() {
        cpu.regs[RSP] = old;
    }
    r
}

/// The common part of far RET and IRET; RSP is restored by the caller on error.
fn far_return(cpu: &mut Cpu, env: &mut Env, ops: &Ops, interrupt: bool) -> Result<(), Fault> {
    let size = ops.size;
    let off = pop_value(cpu, env, size)?;
    let sel = pop_value(cpu, env, size)? as u16;
    let flags = if interrupt {
        Some(pop_value(cpu, env, size)?)
    } else {
        None
    };
    let cs = cpu.return_code_segment(env, sel)?;
    let cpl = cpu.cpl();
    let rpl = (sel & 3) as u8;
    let off = far_offset(cpu, &cs, off)?;
    let release = if !interrupt && ops.src == Opnd::Imm {
        ops.imm & 0xffff
    } else {
        0
    };
    let outer = rpl > cpl || (interrupt && cpu.mode64());
    let mut new_ss = None;
    if outer {
        cpu.regs[RSP] = sp_moved(cpu, release);
        let sp = pop_value(cpu, env, size)?;
        let ss_sel = pop_value(cpu, env, size)? as u16;
        let ss = cpu.check_data_segment(env, sreg::SS, ss_sel, rpl)?;
        if sel_error(ss_sel) == 0 && !(cpu.long_mode() && cs.attr & attr::L != 0) {
            return Err(Fault::GP0);
        }
        new_ss = Some((ss, sp));
    }
    // Commit.
    if let Some(fl) = flags {
        let m = (popf_mask(cpl, iopl(cpu)) | RF) & mask(size);
        cpu.rflags = (cpu.rflags & !m) | (fl & m) | flag::FIXED1;
    }
    cpu.sys.seg[sreg::CS] = cs;
    match new_ss {
        Some((ss, sp)) => {
            cpu.sys.seg[sreg::SS] = ss;
            cpu.refresh_mode();
            let m = mask(cpu.sp_size);
            let sp = (sp & mask(size)).wrapping_add(release);
            cpu.regs[RSP] = (cpu.regs[RSP] & !m) | (sp & m);
            if rpl > cpl {
                cpu.drop_inner_segments();
            }
        }
        None => {
            cpu.refresh_mode();
            cpu.regs[RSP] = sp_moved(cpu, release);
        }
    }
    cpu.rip = off;
    Ok(())
}

/// INT n (`imm`), INT3 and INTO (`cc` 1: only when OF is set): a software interrupt through
/// the IDT (the gate's DPL must be ≥ CPL), returning to the next instruction. Under the
/// sandbox rule the vector ends the run as an exception (RIP on the INT instruction).
pub fn int_n(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if ops.cc == 1 && cpu.rflags & OF == 0 {
        return Ok(());
    }
    let v = ops.imm as u8;
    if cpu.sys.sandbox {
        return Err(Fault {
            vector: v,
            error: None,
        });
    }
    cpu.deliver(env, v, None, Source::Software)
}

/// VERR (`cc` 0), VERW (1), LAR (2), LSL (3): descriptor queries that never fault on the
/// selector (SDM vol. 2 "VERR/VERW", "LAR", "LSL"). ZF = 1 when the descriptor is within the
/// table, of a type the instruction accepts, and visible at max(CPL, RPL) (conforming code
/// always is); LAR then loads the access rights (descriptor bits 23:8 of the high dword,
/// masked to 0x00f0ff00), LSL the byte-granular limit. Linux's return-to-user path runs VERW
/// (the MDS buffer clearing a Skylake gets) and its vDSO's getcpu runs LSL.
pub fn verify(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let s = cpu.loc(ops, ops.src);
    let src = if ops.cc >= 2 {
        s
    } else {
        cpu.loc(ops, ops.dst)
    };
    let sel = cpu.get(env, src, 2, ops.mem.stack)? as u16;
    let found = if sel_error(sel) == 0 {
        None
    } else {
        match cpu.descriptor_la(sel, false) {
            Ok(la) => Some(cpu.sys_read(env, la, 8)?),
            Err(_) => None,
        }
    };
    let ok = found.filter(|&d| {
        let seg = segment(sel, d);
        let a = seg.attr;
        let code = a & attr::CODE != 0;
        let visible = (code && a & attr::DC != 0 && a & attr::S != 0)
            || seg.dpl() >= cpu.cpl().max((sel & 3) as u8);
        let ty = a & attr::TYPE;
        let kind_ok = if a & attr::S == 0 {
            let long = cpu.long_mode();
            match ops.cc {
                // LDT, available/busy 32/64-bit TSS; LAR also call gates (and 16-bit TSSs,
                // task and 16-bit call gates outside IA-32e mode).
                2 => {
                    matches!(ty, 0x2 | 0x9 | 0xb | 0xc)
                        || (!long && matches!(ty, 0x1 | 0x3 | 0x4 | 0x5))
                }
                3 => matches!(ty, 0x2 | 0x9 | 0xb) || (!long && matches!(ty, 0x1 | 0x3)),
                _ => false,
            }
        } else {
            match ops.cc {
                0 => !code || a & attr::RW != 0,
                1 => !code && a & attr::RW != 0,
                _ => true,
            }
        };
        kind_ok && visible
    });
    match ok {
        Some(d) => {
            cpu.rflags |= flag::ZF;
            if ops.cc >= 2 {
                let v = if ops.cc == 2 {
                    (d >> 32) & 0x00f0_ff00
                } else {
                    segment(sel, d).limit as u64
                };
                let dst = cpu.loc(ops, ops.dst);
                cpu.put(env, dst, ops.size, v, false)?;
            }
        }
        None => cpu.rflags &= !flag::ZF,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::x86_64::descriptor::np;
    use crate::x86_64::system::sreg;
    use crate::x86_64::testworld::*;
    use crate::x86_64::{Exit, Fault};

    const CODE: u64 = 0x6000;

    fn kernel(code: &[u8]) -> World {
        let mut w = World::long();
        w.cpu.sys.sandbox = true; // faults end the run
        w.put(CODE, code);
        w.cpu.rip = CODE;
        w
    }

    /// MOV to DS (SDM vol. 2 "MOV" protected-mode exceptions): a user data segment loads at
    /// CPL 0; a selector beyond the GDT limit, a system descriptor or execute-only code is
    /// #GP(selector); a segment not present is #NP(selector); null loads an unusable DS.
    #[test]
    fn segment_loads_check_the_descriptor() {
        // mov eax, sel; mov ds, eax; hlt
        let load = |sel: u16, patch: Option<(usize, u64)>| {
            let s = sel.to_le_bytes();
            let mut w = kernel(&[0xb8, s[0], s[1], 0, 0, 0x8e, 0xd8, 0xf4]);
            if let Some((k, d)) = patch {
                w.put64(GDT + 8 * k as u64, d);
            }
            let e = w.run(10);
            (e, w.cpu.sys.seg[sreg::DS])
        };
        let (e, ds) = load(USER_DS, None);
        assert_eq!((e, ds.selector, ds.dpl()), (Exit::Halt, USER_DS, 3));
        assert_eq!(load(0x48, None).0, Exit::Exception(Fault::gp(0x48))); // beyond the limit
        assert_eq!(load(TSS_SEL, None).0, Exit::Exception(Fault::gp(TSS_SEL))); // system
                                                                                // Execute-only code (type 0x8): #GP(sel).
        let execute_only = 0x00af_9800_0000_ffff;
        assert_eq!(
            load(0x08, Some((1, execute_only))).0,
            Exit::Exception(Fault::gp(0x08))
        );
        // Not present: #NP(sel).
        let absent = 0x00cf_1300_0000_ffff;
        assert_eq!(load(0x10, Some((2, absent))).0, Exit::Exception(np(0x10)));
        let (e, ds) = load(0, None);
        assert_eq!((e, ds.selector, ds.attr), (Exit::Halt, 0, 0));
    }

    /// LGDT then SGDT give back the same 10 bytes; LTR loads TR and marks the TSS busy (a
    /// second LTR of it is #GP(selector)).
    #[test]
    fn descriptor_table_registers() {
        // lgdt [0x7000]; sgdt [0x7010]; mov ax, 0x28; ltr ax; ltr ax
        let mut w = kernel(&[
            0x0f, 0x01, 0x14, 0x25, 0x00, 0x70, 0, 0, 0x0f, 0x01, 0x04, 0x25, 0x10, 0x70, 0, 0,
            0x66, 0xb8, 0x28, 0x00, 0x0f, 0x00, 0xd8, 0x0f, 0x00, 0xd8,
        ]);
        w.put(0x7000, &[0x3f, 0x00]);
        w.put64(0x7002, GDT);
        w.cpu.sys.tr = Default::default();
        assert_eq!(w.run(10), Exit::Exception(Fault::gp(TSS_SEL)));
        assert_eq!(
            &w.bus.ram.ram()[0x7010..0x701a],
            &w.bus.ram.ram()[0x7000..0x700a]
        );
        assert_eq!((w.cpu.sys.gdtr.base, w.cpu.sys.gdtr.limit), (GDT, 0x3f));
        assert_eq!(w.cpu.sys.tr.selector, TSS_SEL);
        assert_eq!(w.bus.ram.ram()[GDT as usize + 0x28 + 5], 0x8b); // busy
        assert_eq!(w.cpu.rip, CODE + 23);
    }

    /// Far CALL through m16:64 and RETFQ at the same privilege; a far JMP to a DPL-3 code
    /// segment from CPL 0 is #GP(selector).
    #[test]
    fn far_call_and_return() {
        // rex.w call far [0x7000]; hlt
        let mut w = kernel(&[0x48, 0xff, 0x1c, 0x25, 0x00, 0x70, 0, 0, 0xf4]);
        w.put64(0x7000, 0x6100);
        w.put(0x7008, &KERNEL_CS.to_le_bytes());
        w.put(0x6100, &[0xb8, 3, 0, 0, 0, 0x48, 0xcb]); // mov eax, 3; retfq
        w.cpu.regs[4] = 0x8000;
        assert_eq!(w.run(10), Exit::Halt);
        assert_eq!(
            (w.cpu.regs[0], w.cpu.regs[4], w.cpu.rip),
            (3, 0x8000, CODE + 9)
        );
        assert_eq!(w.get64(0x8000 - 8), KERNEL_CS as u64);
        assert_eq!(w.get64(0x8000 - 16), CODE + 8);
        // jmp far [0x7000] to the user code segment
        let mut w = kernel(&[0x48, 0xff, 0x2c, 0x25, 0x00, 0x70, 0, 0]);
        w.put64(0x7000, 0x6100);
        w.put(0x7008, &USER_CS.to_le_bytes());
        assert_eq!(w.run(10), Exit::Exception(Fault::gp(USER_CS & !3)));
    }

    /// VERW of the kernel data segment sets ZF at CPL 0 and clears it at CPL 3; LSL and LAR
    /// of the user data segment give its limit and access rights; a null selector clears ZF.
    #[test]
    fn descriptor_queries() {
        use crate::x86_64::state::flag::ZF;
        // mov eax, 0x10; verw ax; setz bl; mov ecx, 0x1b; lsl edx, ecx; lar esi, ecx;
        // xor edi, edi; lsl edi, edi; setz bh; ud2
        let code = [
            0xb8, 0x10, 0, 0, 0, 0x0f, 0x00, 0xe8, 0x0f, 0x94, 0xc3, 0xb9, 0x1b, 0, 0, 0, 0x0f,
            0x03, 0xd1, 0x0f, 0x02, 0xf1, 0x31, 0xff, 0x0f, 0x03, 0xff, 0x0f, 0x94, 0xc7, 0x0f,
            0x0b,
        ];
        let mut w = kernel(&code);
        assert_eq!(w.run(20), Exit::Exception(Fault::UD));
        let r = &w.cpu.regs;
        assert_eq!((r[3] & 0xff, (r[3] >> 8) & 0xff), (1, 0));
        assert_eq!((r[2], r[6]), (0xffff_ffff, 0x00c0_f300)); // 0x00cff300 & 0x00f0ff00
        assert_eq!(w.cpu.rflags & ZF, 0);
        let mut w = World::long();
        w.cpu.sys.sandbox = true;
        w.put(0x5000, &code[..11]);
        w.put(0x500b, &[0x0f, 0x0b]);
        w.user(0x5000, 0x7ff0);
        assert_eq!(w.run(20), Exit::Exception(Fault::UD));
        assert_eq!(w.cpu.regs[3] & 0xff, 0);
    }
}
