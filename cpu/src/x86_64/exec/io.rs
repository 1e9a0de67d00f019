//! Port I/O (SDM vol. 1 chapter 19 "Input/Output"): IN and OUT with an immediate or DX port,
//! through the [`Platform`](super::super::Platform); INS/OUTS are string instructions
//! ([`super::string`]) using the same permission check.
//!
//! Permission (§19.5): in protected mode with CPL > IOPL, every bit of the accessed ports in
//! the TSS's I/O permission bitmap must be clear; a TR without a 32/64-bit TSS, or a bitmap
//! (offset at TSS + 0x66) that does not cover the ports within the TSS limit, denies.
//! Denied: #GP(0).

use super::super::block::Env;
use super::super::insn::{Opnd, Ops};
use super::super::state::{Cpu, Fault, RAX, RDX};
use super::super::system::attr;
use super::control::iopl;

/// Check the I/O permission for `size` bytes at `port`.
pub fn io_allowed(cpu: &mut Cpu, env: &mut Env, port: u16, size: u8) -> Result<(), Fault> {
    if cpu.cpl() <= iopl(cpu) {
        return Ok(());
    }
    let tr = cpu.sys.tr;
    let tss = tr.attr & (attr::S | attr::TYPE);
    if tr.attr & attr::P == 0 || (tss != 0x9 && tss != 0xb) || tr.limit < 0x67 {
        return Err(Fault::GP0);
    }
    let map = cpu.sys_read(env, tr.base.wrapping_add(0x66), 2)?;
    let at = map + port as u64 / 8;
    if at + 1 > tr.limit as u64 {
        return Err(Fault::GP0);
    }
    let bits = cpu.sys_read(env, tr.base.wrapping_add(at), 2)?;
    let want = ((1u64 << size) - 1) << (port & 7);
    if bits & want != 0 {
        return Err(Fault::GP0);
    }
    Ok(())
}

/// The port of an IN/OUT: its immediate or DX.
fn port(cpu: &Cpu, ops: &Ops, o: Opnd) -> u16 {
    match o {
        Opnd::Imm => ops.imm as u8 as u16,
        _ => cpu.regs[RDX] as u16,
    }
}

/// IN AL/AX/EAX, imm8/DX (an EAX destination zero-extends into RAX).
pub fn in_(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let p = port(cpu, ops, ops.src);
    io_allowed(cpu, env, p, ops.size)?;
    let v = env.bus.port_read(cpu.id, cpu.insns, p, ops.size);
    cpu.set_reg(RAX as u8, ops.size, v as u64);
    Ok(())
}

/// OUT imm8/DX, AL/AX/EAX.
pub fn out(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let p = port(cpu, ops, ops.dst);
    let size = ops.src_size;
    io_allowed(cpu, env, p, size)?;
    let v = cpu.reg(RAX as u8, size) as u32;
    env.bus.port_write(cpu.id, cpu.insns, p, size, v);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::x86_64::testworld::*;
    use crate::x86_64::{Exit, Fault};

    const CODE: u64 = 0x6000;

    #[test]
    fn in_and_out_reach_the_platform() {
        let mut w = World::long();
        // mov al, 0x41; out 0xe9, al; mov dx, 0x3f8; in al, dx; in eax, dx; hlt
        w.put(
            CODE,
            &[
                0xb0, 0x41, 0xe6, 0xe9, 0x66, 0xba, 0xf8, 0x03, 0xec, 0x88, 0xc3, 0xed, 0xf4,
            ],
        );
        w.cpu.rip = CODE;
        w.cpu.regs[0] = 0xffff_ffff_ffff_ff00;
        assert_eq!(w.run(20), Exit::Halt);
        assert_eq!(w.bus.out, vec![(0xe9, 1, 0x41)]);
        // mov bl, al kept IN AL's byte; IN EAX zero-extended into RAX.
        assert_eq!(w.cpu.regs[3] & 0xff, (0x1234_5678u64 + 0x3f8) & 0xff);
        assert_eq!(w.cpu.regs[0], 0x1234_5678 + 0x3f8);
    }

    #[test]
    fn rep_outsb_writes_each_byte() {
        let mut w = World::long();
        // mov dx, 0xe9; rep outsb; hlt
        w.put(CODE, &[0x66, 0xba, 0xe9, 0x00, 0xf3, 0x6e, 0xf4]);
        w.put(0x7000, b"hi");
        w.cpu.rip = CODE;
        w.cpu.regs[6] = 0x7000; // RSI
        w.cpu.regs[1] = 2; // RCX
        assert_eq!(w.run(20), Exit::Halt);
        assert_eq!(
            w.bus.out,
            vec![(0xe9, 1, b'h' as u32), (0xe9, 1, b'i' as u32)]
        );
        assert_eq!((w.cpu.regs[6], w.cpu.regs[1]), (0x7002, 0));
    }

    /// At CPL 3 with IOPL 0: a TSS whose bitmap lies beyond its limit denies every port; a
    /// bitmap with port 0xe9's bit clear allows that port (all bytes of the access) only.
    #[test]
    fn the_tss_bitmap_decides_at_cpl_above_iopl() {
        let user = |bitmap: Option<&[u8]>, code: &[u8]| {
            let mut w = World::long();
            w.cpu.sys.sandbox = true; // a #GP ends the run
            match bitmap {
                None => w.put(TSS + 0x66, &[0x68, 0]),
                Some(map) => {
                    w.put(TSS + 0x66, &[0x68, 0]);
                    w.put(TSS + 0x68, map);
                    w.cpu.sys.tr.limit = 0x68 + map.len() as u32;
                }
            }
            w.put(0x5000, code);
            w.user(0x5000, 0x7ff0);
            let e = w.run(5);
            (e, w.bus.out)
        };
        // out 0xe9, al; out 0xe9, ax (ports 0xe9 and 0xea)
        let code = [0xe6, 0xe9, 0x66, 0xe7, 0xe9];
        let (e, out) = user(None, &code);
        assert_eq!((e, out.len()), (Exit::Exception(Fault::GP0), 0));
        let mut map = vec![0xffu8; 0x20];
        map[0xe9 / 8] &= !(1 << (0xe9 % 8));
        map.push(0xff);
        let (e, out) = user(Some(&map), &code);
        assert_eq!((e, out), (Exit::Exception(Fault::GP0), vec![(0xe9, 1, 0)]));
    }
}
