//! Shifts and rotates: SHL/SAL, SHR, SAR, ROL, ROR (SDM vol. 2 "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/
//! ROR") and the double-precision shifts SHLD/SHRD ("SHLD", "SHRD": the count an immediate or
//! CL, masked as for the other shifts; for 16-bit operands a count above 16 is undefined and
//! shifts through destination:source:destination, as QEMU does).
//!
//! The count (an immediate, CL, or the implicit 1) is masked to 5 bits, 6 for 64-bit operands.
//! A masked count of 0 changes no flag (the destination is still written, so a 32-bit register
//! destination is zero-extended). Otherwise:
//! - shifts set SF, ZF, PF from the result and CF to the last bit shifted out;
//! - rotates change only CF and OF; an 8- or 16-bit rotate turns by the count modulo the width.
//!
//! Undefined flags and what this core produces:
//! - OF for counts other than 1: the count-1 formula applied to the result (SHL and rotates:
//!   MSB(result) XOR CF for SHL/ROL, the two top bits XORed for ROR; SHR: MSB of the original
//!   operand; SAR: 0).
//! - AF for shifts with a non-zero count: cleared.
//! - CF of SHL/SHR when the count is at least the width (8- and 16-bit operands): the bit that
//!   would be shifted out of an operand extended with zeros, so 0 once the count exceeds it.

use super::super::block::Env;
use super::super::insn::{Opnd, Ops};
use super::super::state::flag::{CF, OF, STATUS};
use super::super::state::{mask, sext, Cpu, Fault, RCX};
use super::{msb, szp};

/// SHL/SAL.
pub const SHL: u8 = 0;
/// SHR.
pub const SHR: u8 = 1;
/// SAR.
pub const SAR: u8 = 2;
/// ROL.
pub const ROL: u8 = 3;
/// ROR.
pub const ROR: u8 = 4;

/// A shift's count: the immediate or CL, masked to 6 bits for 64-bit operands, else 5.
#[inline(always)]
fn masked_count(cpu: &Cpu, ops: &Ops, count: Opnd) -> u32 {
    let raw = match count {
        Opnd::Imm => ops.imm,
        _ => cpu.regs[RCX],
    };
    (raw as u32) & if ops.size == 8 { 63 } else { 31 }
}

/// The shift or rotate `OP` of the destination by the source count.
pub fn shift<const OP: u8>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (size, st) = (ops.size, ops.mem.stack);
    let bits = 8 * size as u32;
    let count = masked_count(cpu, ops, ops.src);
    let d = cpu.loc(ops, ops.dst);
    let a = cpu.get(env, d, size, st)?;
    if count == 0 {
        return cpu.put(env, d, size, a, st);
    }
    let m = mask(size);
    let (r, f, which) = match OP {
        SHL => {
            let r = if count < bits { (a << count) & m } else { 0 };
            let cf = if count <= bits {
                (a >> (bits - count)) & 1
            } else {
                0
            };
            let of = msb(r, size) ^ cf;
            (r, szp(r, size) | (cf * CF) | (of * OF), STATUS)
        }
        SHR => {
            let r = if count < bits { a >> count } else { 0 };
            let cf = if count <= bits {
                (a >> (count - 1)) & 1
            } else {
                0
            };
            (r, szp(r, size) | (cf * CF) | (msb(a, size) * OF), STATUS)
        }
        SAR => {
            let s = sext(a, size) as i64;
            let r = (s >> count) as u64 & m;
            let cf = ((s >> (count - 1)) & 1) as u64;
            (r, szp(r, size) | (cf * CF), STATUS)
        }
        ROL => {
            let r = rotl(a, count % bits, bits) & m;
            let cf = r & 1;
            (r, (cf * CF) | ((msb(r, size) ^ cf) * OF), CF | OF)
        }
        _ => {
            let r = rotl(a, (bits - count % bits) % bits, bits) & m;
            let cf = msb(r, size);
            let of = cf ^ ((r >> (bits - 2)) & 1);
            (r, (cf * CF) | (of * OF), CF | OF)
        }
    };
    cpu.put(env, d, size, r, st)?;
    cpu.set_flags(which, f);
    Ok(())
}

/// SHLD (`LEFT`) or SHRD: the destination shifted by the count, the vacated bits filled from
/// the source register. Flags as a shift: SF, ZF, PF from the result, CF the last bit shifted
/// out of the destination, OF (defined for a count of 1) set when the sign changed, AF
/// cleared; a masked count of 0 changes no flag.
pub fn dshift<const LEFT: bool>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (size, st) = (ops.size, ops.mem.stack);
    let bits = 8 * size as u32;
    let count = masked_count(cpu, ops, ops.src2);
    let d = cpu.loc(ops, ops.dst);
    let a = cpu.get(env, d, size, st)?;
    if count == 0 {
        return cpu.put(env, d, size, a, st);
    }
    let sl = cpu.loc(ops, ops.src);
    let b = cpu.get(env, sl, size, st)?;
    let m = mask(size);
    let (a128, b128) = (a as u128, b as u128);
    // The bits shifted through: destination:source (left) or source:destination (right),
    // destination:source:destination for 16-bit operands (counts up to 31).
    let (x, width) = if size == 2 {
        ((a128 << 32) | (b128 << 16) | a128, 48)
    } else if LEFT {
        ((a128 << bits) | b128, 2 * bits)
    } else {
        ((b128 << bits) | a128, 2 * bits)
    };
    let (r, cf) = if LEFT {
        (
            ((x << count) >> (width - bits)) as u64 & m,
            ((x >> (width - count)) & 1) as u64,
        )
    } else {
        ((x >> count) as u64 & m, ((x >> (count - 1)) & 1) as u64)
    };
    let of = msb(r, size) ^ msb(a, size);
    cpu.put(env, d, size, r, st)?;
    cpu.set_flags(STATUS, szp(r, size) | (cf * CF) | (of * OF));
    Ok(())
}

/// `a` (of `bits` bits) rotated left by `n` < `bits`.
#[inline(always)]
fn rotl(a: u64, n: u32, bits: u32) -> u64 {
    if n == 0 {
        a
    } else {
        (a << n) | (a >> (bits - n))
    }
}

#[cfg(test)]
mod tests {
    use crate::x86_64::state::flag::{CF, OF, PF, SF, ZF};
    use crate::x86_64::testworld::*;
    use crate::x86_64::Exit;

    const CODE: u64 = 0x6000;

    /// SHLD/SHRD `rax, rbx, cl` (64-bit, REX.W) or `eax, ebx, cl` on our core: (RAX, flags).
    fn ours(left: bool, wide: bool, a: u64, b: u64, count: u8) -> (u64, u64) {
        let mut w = World::long();
        let op = if left { 0xa5 } else { 0xad };
        let mut code = if wide { vec![0x48] } else { vec![] };
        code.extend([0x0f, op, 0xd8, 0xf4]); // shxd rax/eax, rbx/ebx, cl; hlt
        w.put(CODE, &code);
        w.cpu.rip = CODE;
        w.cpu.regs[0] = a;
        w.cpu.regs[3] = b;
        w.cpu.regs[1] = count as u64;
        assert_eq!(w.run(5), Exit::Halt);
        (w.cpu.regs[0], w.cpu.rflags)
    }

    /// The same instruction on the host processor: the oracle (x86_64 hosts only).
    #[cfg(target_arch = "x86_64")]
    fn host(left: bool, wide: bool, a: u64, b: u64, count: u8) -> (u64, u64) {
        let (mut r, flags): (u64, u64);
        r = a;
        // SAFETY: register-only instructions; the flags are read back with PUSHFQ/POP.
        unsafe {
            match (left, wide) {
                (true, true) => std::arch::asm!("shld {r}, {b}, cl", "pushfq", "pop {f}",
                    r = inout(reg) r, b = in(reg) b, in("cl") count, f = out(reg) flags),
                (false, true) => std::arch::asm!("shrd {r}, {b}, cl", "pushfq", "pop {f}",
                    r = inout(reg) r, b = in(reg) b, in("cl") count, f = out(reg) flags),
                (true, false) => std::arch::asm!("shld {r:e}, {b:e}, cl", "pushfq", "pop {f}",
                    r = inout(reg) r, b = in(reg) b, in("cl") count, f = out(reg) flags),
                (false, false) => std::arch::asm!("shrd {r:e}, {b:e}, cl", "pushfq", "pop {f}",
                    r = inout(reg) r, b = in(reg) b, in("cl") count, f = out(reg) flags),
            }
        }
        (r, flags)
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn shld_and_shrd_match_the_host_processor() {
        let values = [
            0u64,
            1,
            0x8000_0000_0000_0001,
            0x0123_4567_89ab_cdef,
            0xfedc_ba98_7654_3210,
            0xffff_ffff_ffff_ffff,
            0x8000_0000,
        ];
        for left in [true, false] {
            for wide in [true, false] {
                for &a in &values {
                    for &b in &values {
                        for count in [0u8, 1, 2, 7, 31, 32, 33, 63, 64, 65] {
                            let (want_r, want_f) = host(left, wide, a, b, count);
                            let (r, f) = ours(left, wide, a, b, count);
                            let masked = count & if wide { 63 } else { 31 };
                            // OF is defined for a count of 1 only, AF never; a count of 0
                            // leaves the flags as they were (different here and there).
                            let defined = match masked {
                                0 => 0,
                                1 => CF | OF | SF | ZF | PF,
                                _ => CF | SF | ZF | PF,
                            };
                            let what = format!(
                                "{} {} a {a:#x} b {b:#x} count {count}",
                                if left { "shld" } else { "shrd" },
                                if wide { 64 } else { 32 }
                            );
                            assert_eq!(r, want_r, "{what}: result");
                            assert_eq!(f & defined, want_f & defined, "{what}: flags");
                        }
                    }
                }
            }
        }
    }
}
