//! Small integer instructions: XADD, CMPXCHG, CMPXCHG8B/16B, BSWAP, ENTER, LEAVE and the flag
//! instructions CLC, STC, CMC, CLD, STD (SDM vol. 2).

use super::super::block::Env;
use super::super::insn::Ops;
use super::super::mem::Loc;
use super::super::state::flag::{CF, DF, STATUS, ZF};
use super::super::state::{mask, Cpu, Fault, RAX, RBP, RBX, RCX, RDX, RSP};
use super::stack::{pop_value, push_value, sp_moved, stack_la};
use super::{add_flags, sub_flags};

/// XADD r/m, r: the sum to r/m, the old r/m to r; flags as ADD.
pub fn xadd(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (size, st) = (ops.size, ops.mem.stack);
    let (d, s) = (cpu.loc(ops, ops.dst), cpu.loc(ops, ops.src));
    let a = cpu.get(env, d, size, st)?;
    let b = cpu.get(env, s, size, st)?;
    let r = a.wrapping_add(b) & mask(size);
    cpu.put(env, s, size, a, st)?;
    cpu.put(env, d, size, r, st)?;
    cpu.set_flags(STATUS, add_flags(a, b, 0, r, size));
    Ok(())
}

/// CMPXCHG r/m, r: compare the accumulator with r/m (flags as CMP); equal: r/m = r, else the
/// accumulator = r/m. A memory destination is written either way (with its own value when
/// unequal: the processor's write cycle, which faults on a read-only page); a register
/// destination only when equal, so that a 32-bit one keeps its upper half otherwise.
pub fn cmpxchg(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (size, st) = (ops.size, ops.mem.stack);
    let (d, s) = (cpu.loc(ops, ops.dst), cpu.loc(ops, ops.src));
    let acc = cpu.reg(RAX as u8, size);
    let v = cpu.get(env, d, size, st)?;
    let r = acc.wrapping_sub(v) & mask(size);
    if acc == v {
        let n = cpu.get(env, s, size, st)?;
        cpu.put(env, d, size, n, st)?;
    } else {
        if let Loc::Mem(_) = d {
            cpu.put(env, d, size, v, st)?;
        }
        cpu.set_reg(RAX as u8, size, v);
    }
    cpu.set_flags(STATUS, sub_flags(acc, v, 0, r, size));
    Ok(())
}

/// CMPXCHG8B m64 (`ops.size` 8) and CMPXCHG16B m128 (16): compare EDX:EAX / RDX:RAX with the
/// memory operand; equal: ZF = 1 and ECX:EBX / RCX:RBX is stored; else ZF = 0 and the operand
/// is loaded into EDX:EAX / RDX:RAX (32-bit halves zero-extended). The operand is written
/// either way (the processor's write cycle). CMPXCHG16B needs a 16-byte aligned operand
/// (#GP(0) otherwise). Only ZF changes.
pub fn cmpxchg_wide(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let half = ops.size / 2;
    let st = ops.mem.stack;
    let a = cpu.ea(&ops.mem);
    if half == 8 && a & 15 != 0 {
        return Err(Fault::GP0);
    }
    let lo = cpu.read(env, a, half, st)?;
    let hi = cpu.read(env, a.wrapping_add(half as u64), half, st)?;
    let equal = lo == cpu.reg(RAX as u8, half) && hi == cpu.reg(RDX as u8, half);
    let (new_lo, new_hi) = if equal {
        (cpu.reg(RBX as u8, half), cpu.reg(RCX as u8, half))
    } else {
        (lo, hi)
    };
    // Both halves are in one page (8- or 16-byte aligned, or checked by the second access
    // before anything was written when they are not).
    cpu.write(env, a, half, new_lo, st)?;
    cpu.write(env, a.wrapping_add(half as u64), half, new_hi, st)?;
    if !equal {
        cpu.set_reg(RAX as u8, half, lo);
        cpu.set_reg(RDX as u8, half, hi);
    }
    cpu.set_flags(ZF, if equal { ZF } else { 0 });
    Ok(())
}

/// BSWAP r32/r64 (the 16-bit form is undefined and decodes to #UD).
pub fn bswap(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let d = cpu.loc(ops, ops.dst);
    let v = cpu.get(env, d, ops.size, false)?;
    let r = if ops.size == 8 {
        v.swap_bytes()
    } else {
        (v as u32).swap_bytes() as u64
    };
    cpu.put(env, d, ops.size, r, false)
}

/// LEAVE: RSP = RBP (ESP = EBP, SP = BP by the stack's address size), then pop RBP at the
/// operand size (64-bit mode: 8 or 2; 32-bit code: 4 or 2).
pub fn leave(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let old = cpu.regs[RSP];
    let m = mask(cpu.sp_size);
    cpu.regs[RSP] = (old & !m) | (cpu.regs[RBP] & m);
    match pop_value(cpu, env, ops.size) {
        Ok(v) => {
            cpu.set_reg(RBP as u8, ops.size, v);
            Ok(())
        }
        Err(f) => {
            cpu.regs[RSP] = old;
            Err(f)
        }
    }
}

/// ENTER imm16, imm8 (SDM vol. 2 "ENTER"): push RBP (at the operand size), copy
/// `imm8 mod 32 - 1` frame pointers from the enclosing frame (read at RBP minus multiples of
/// the operand size, at the stack's address size), push the new frame pointer when the
/// nesting level is not zero, then RBP (at the operand size) = the frame pointer and RSP
/// moves down by `imm16`. The immediate holds `imm16 | imm8 << 16`. A fault leaves RSP and
/// RBP as they were.
pub fn enter(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let size = ops.size;
    let (alloc, level) = (ops.imm & 0xffff, (ops.imm >> 16) & 31);
    let (old_sp, old_bp) = (cpu.regs[RSP], cpu.regs[RBP]);
    let r = (|| {
        push_value(cpu, env, size, old_bp)?;
        let frame = cpu.regs[RSP];
        if level > 0 {
            let m = mask(cpu.sp_size);
            for i in 1..level {
                let at = old_bp.wrapping_sub(i * size as u64) & m;
                let v = cpu.read(env, stack_la(cpu, at), size, true)?;
                push_value(cpu, env, size, v)?;
            }
            push_value(cpu, env, size, frame)?;
        }
        Ok(frame)
    })();
    match r {
        Ok(frame) => {
            cpu.set_reg(RBP as u8, size, frame);
            cpu.regs[RSP] = sp_moved(cpu, alloc.wrapping_neg());
            Ok(())
        }
        Err(f) => {
            cpu.regs[RSP] = old_sp;
            Err(f)
        }
    }
}

/// CLC (`sel` 0), STC (1), CMC (2), CLD (3), STD (4).
pub fn flag_op(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    match ops.cc {
        0 => cpu.set_flags(CF, 0),
        1 => cpu.set_flags(CF, CF),
        2 => cpu.rflags ^= CF,
        3 => cpu.set_flags(DF, 0),
        _ => cpu.set_flags(DF, DF),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{one, World};
    use super::*;

    #[test]
    fn enter_copies_the_enclosing_frame_pointers_and_undoes_itself_on_a_fault() {
        let mut world = World::new();
        let mut env = world.env();
        // enter 0x10, 3
        let i = one(&[0xc8, 0x10, 0, 3]);
        let mut cpu = Cpu::new();
        cpu.regs[RSP] = 0x800;
        cpu.regs[RBP] = 0x900;
        for (at, v) in [(0x8f8, 0x1111), (0x8f0, 0x2222)] {
            cpu.write(&mut env, at, 8, v, false).unwrap();
        }
        assert_eq!((i.exec)(&mut cpu, &mut env, &i.ops), Ok(()));
        // old RBP, the two enclosing frame pointers, the new frame pointer; then 16 bytes.
        let stack: Vec<u64> = (0..4)
            .map(|k| cpu.read(&mut env, 0x7f8 - 8 * k, 8, false).unwrap())
            .collect();
        assert_eq!(stack, [0x900, 0x1111, 0x2222, 0x7f8]);
        assert_eq!((cpu.regs[RBP], cpu.regs[RSP]), (0x7f8, 0x7e0 - 0x10));
        // A non-canonical frame-pointer read faults: RSP and RBP as before.
        cpu.regs[RSP] = 0x800;
        cpu.regs[RBP] = 0x8000_0000_0000_0010;
        assert_eq!((i.exec)(&mut cpu, &mut env, &i.ops), Err(Fault::SS0));
        assert_eq!(
            (cpu.regs[RSP], cpu.regs[RBP]),
            (0x800, 0x8000_0000_0000_0010)
        );
    }
}
