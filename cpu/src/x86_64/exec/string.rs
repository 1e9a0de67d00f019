//! String instructions: MOVS, STOS, LODS, SCAS, CMPS, INS, OUTS at every size, with REP/REPE/REPNE
//! (SDM vol. 2 "MOVS", "STOS", "LODS", "SCAS", "CMPS", "REP/REPE/REPZ/REPNE/REPNZ").
//!
//! RSI and RDI step by the element size, down when DF is set. With a repeat prefix, RCX counts
//! the iterations and each iteration counts as one retired instruction (as QEMU's icount does):
//! when the run's budget ends mid-way, RIP stays on the instruction with RCX, RSI and RDI
//! describing the iterations left, exactly as after an interrupt, and the next run continues
//! it. A fault in iteration k leaves the k - 1 completed ones done. SCAS and CMPS set the flags
//! of the comparison (as CMP); REPE stops when ZF is clear, REPNE when it is set. The address
//! size ([`Mem::asz`](super::super::insn::Mem::asz): 0x67, or 32-/16-bit code) selects
//! RSI/ESI/SI, RDI/EDI/DI and RCX/ECX/CX; the source segment is DS or the override, the
//! destination always ES.

use crate::codecache::PAGE_SIZE;

use super::super::block::Env;
use super::super::insn::{Ops, Seg};
use super::super::mem::{load, store};
use super::super::state::flag::{DF, STATUS, ZF};
use super::super::state::{mask, Cpu, Fault, RAX, RCX, RDI, RDX, RSI};
use super::sub_flags;

/// MOVS.
pub const MOVS: u8 = 0;
/// STOS.
pub const STOS: u8 = 1;
/// LODS.
pub const LODS: u8 = 2;
/// SCAS.
pub const SCAS: u8 = 3;
/// CMPS.
pub const CMPS: u8 = 4;
/// INS (port DX to ES:RDI).
pub const INS: u8 = 5;
/// OUTS (DS:RSI to port DX).
pub const OUTS: u8 = 6;

/// [`Ops::cc`] of a string instruction: no repeat prefix.
pub const REP_NONE: u8 = 0;
/// REP, or REPE/REPZ for SCAS and CMPS.
pub const REP_E: u8 = 1;
/// REPNE/REPNZ (SCAS and CMPS; MOVS/STOS/LODS treat it as REP).
pub const REP_NE: u8 = 2;

/// The source address DS:RSI (or the override's segment), at the address size.
#[inline]
fn src(cpu: &Cpu, ops: &Ops) -> u64 {
    cpu.linear(ops.mem.seg, cpu.reg(RSI as u8, ops.mem.asz))
}

/// The destination address ES:RDI (no override), at the address size.
#[inline]
fn dst(cpu: &Cpu, ops: &Ops) -> u64 {
    cpu.linear(Seg::Es, cpu.reg(RDI as u8, ops.mem.asz))
}

/// Step index register `r` by `step` at the address size (a 32-bit index zero-extends, a
/// 16-bit one wraps within its 16 bits).
#[inline]
fn advance(cpu: &mut Cpu, r: usize, step: u64, asz: u8) {
    let v = cpu.regs[r].wrapping_add(step);
    cpu.set_reg(r as u8, asz, v);
}

/// REP MOVS and REP STOS with DF clear: up to `max` iterations (and at most RCX) run straight
/// on host pointers while every element lies within the current source and destination pages,
/// both RAM mapped in the TLB (a miss, MMIO or a page-crossing element leaves it to [`once`]),
/// and no index register wraps at the address size. Elements are copied one by one in order,
/// so an overlapping copy replicates exactly as iteration by iteration; RSI, RDI and RCX end as
/// after that many iterations. Returns how many ran (0: none).
fn forward_run<const OP: u8>(cpu: &mut Cpu, ops: &Ops, max: u64) -> u64 {
    if (OP != MOVS && OP != STOS) || cpu.rflags & DF != 0 {
        return 0;
    }
    let (size, asz) = (ops.size as u64, ops.mem.asz);
    if !matches!(size, 1 | 2 | 4 | 8) {
        return 0;
    }
    // Whole elements from linear `la` (index offset `off`) to the page's end and to the wrap.
    let room = |la: u64, off: u64| {
        let in_page = (PAGE_SIZE - (la & (PAGE_SIZE - 1))) / size;
        let in_index = if asz >= 8 {
            u64::MAX
        } else {
            (mask(asz) - off + 1) / size
        };
        in_page.min(in_index)
    };
    let count = cpu.reg(RCX as u8, asz);
    let (dla, doff) = (dst(cpu, ops), cpu.reg(RDI as u8, asz));
    let mut n = max.min(count).min(room(dla, doff));
    let sp = if OP == MOVS {
        let (sla, soff) = (src(cpu, ops), cpu.reg(RSI as u8, asz));
        n = n.min(room(sla, soff));
        match cpu.tlb.read_ptr(sla) {
            Some(p) => p,
            None => return 0,
        }
    } else {
        std::ptr::null_mut()
    };
    let Some(dp) = cpu.tlb.write_ptr(dla) else {
        return 0;
    };
    if n == 0 {
        return 0;
    }
    let fill = cpu.reg(RAX as u8, size as u8);
    for i in 0..n as usize {
        let at = i * size as usize;
        // SAFETY: TLB entries are RAM pages of the bound bus, valid for PAGE_SIZE bytes (see
        // `Cpu::read`); `room` keeps every element of both runs within its page.
        unsafe {
            let v = if OP == MOVS {
                load(sp.add(at), size as u8)
            } else {
                fill
            };
            store(dp.add(at), size as u8, v);
        }
    }
    let bytes = n * size;
    if OP == MOVS {
        advance(cpu, RSI, bytes, asz);
    }
    advance(cpu, RDI, bytes, asz);
    advance(cpu, RCX, n.wrapping_neg(), asz);
    n
}

/// One iteration; the index registers step after the accesses succeed.
#[inline]
fn once<const OP: u8>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (size, asz) = (ops.size, ops.mem.asz);
    let step = if cpu.rflags & DF != 0 {
        (size as u64).wrapping_neg()
    } else {
        size as u64
    };
    match OP {
        MOVS => {
            let v = cpu.read(env, src(cpu, ops), size, false)?;
            cpu.write(env, dst(cpu, ops), size, v, false)?;
            advance(cpu, RSI, step, asz);
            advance(cpu, RDI, step, asz);
        }
        STOS => {
            let v = cpu.reg(RAX as u8, size);
            cpu.write(env, dst(cpu, ops), size, v, false)?;
            advance(cpu, RDI, step, asz);
        }
        LODS => {
            let v = cpu.read(env, src(cpu, ops), size, false)?;
            cpu.set_reg(RAX as u8, size, v);
            advance(cpu, RSI, step, asz);
        }
        INS => {
            let port = cpu.regs[RDX] as u16;
            super::io::io_allowed(cpu, env, port, size)?;
            let v = env.bus.port_read(cpu.id, cpu.insns, port, size);
            cpu.write(env, dst(cpu, ops), size, v as u64, false)?;
            advance(cpu, RDI, step, asz);
        }
        OUTS => {
            let port = cpu.regs[RDX] as u16;
            super::io::io_allowed(cpu, env, port, size)?;
            let v = cpu.read(env, src(cpu, ops), size, false)?;
            env.bus.port_write(cpu.id, cpu.insns, port, size, v as u32);
            advance(cpu, RSI, step, asz);
            super::io::stop_if_requested(cpu, env);
        }
        SCAS => {
            let a = cpu.reg(RAX as u8, size);
            let b = cpu.read(env, dst(cpu, ops), size, false)?;
            let r = a.wrapping_sub(b) & mask(size);
            cpu.set_flags(STATUS, sub_flags(a, b, 0, r, size));
            advance(cpu, RDI, step, asz);
        }
        _ => {
            let a = cpu.read(env, src(cpu, ops), size, false)?;
            let b = cpu.read(env, dst(cpu, ops), size, false)?;
            let r = a.wrapping_sub(b) & mask(size);
            cpu.set_flags(STATUS, sub_flags(a, b, 0, r, size));
            advance(cpu, RSI, step, asz);
            advance(cpu, RDI, step, asz);
        }
    }
    Ok(())
}

/// The string instruction `OP`, once or repeated.
pub fn string<const OP: u8>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if ops.cc == REP_NONE {
        return once::<OP>(cpu, env, ops);
    }
    let compares = OP == SCAS || OP == CMPS;
    let asz = ops.mem.asz;
    // The executor counts one instruction; extra iterations are counted here.
    let mut done = 0u64;
    let result = loop {
        if cpu.reg(RCX as u8, asz) == 0 {
            break Ok(());
        }
        let left = env.end.saturating_sub(cpu.insns + done);
        let run = forward_run::<OP>(cpu, ops, left);
        if run > 0 {
            done += run;
        } else {
            if let Err(f) = once::<OP>(cpu, env, ops) {
                break Err(f);
            }
            advance(cpu, RCX, u64::MAX, asz);
            done += 1;
        }
        if compares && ((ops.cc == REP_E) != (cpu.rflags & ZF != 0)) {
            break Ok(());
        }
        if cpu.reg(RCX as u8, asz) == 0 {
            break Ok(());
        }
        if cpu.insns + done >= env.end {
            // Budget spent: resume at this instruction next time.
            cpu.rip = cpu.rip.wrapping_sub(ops.len as u64);
            env.stop = true;
            break Ok(());
        }
    };
    // The executor counts 1 for a completed instruction and 0 for a faulting one.
    cpu.insns += match result {
        Ok(()) => done.saturating_sub(1),
        Err(_) => done,
    };
    result
}
