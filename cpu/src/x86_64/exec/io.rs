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
    stop_if_requested(cpu, env);
    Ok(())
}

/// After a port write: when the machine asks for it, end the run after this instruction (the
/// executor leaves the block on `env.stop` and returns at `env.end`).
pub fn stop_if_requested(cpu: &Cpu, env: &mut Env) {
    if env.bus.stop_requested() {
        env.stop = true;
        env.end = env.end.min(cpu.insns + 1);
    }
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

    /// A platform that asks the run to stop once a port write reached `port` (the x86
    /// machine's power register).
    struct StopAt<'a> {
        inner: &'a mut TestPlatform,
        port: u16,
        hit: bool,
    }

    // SAFETY: every call is forwarded to the TestPlatform, which keeps the Bus contract.
    unsafe impl crate::aarch64::Bus for StopAt<'_> {
        fn id(&self) -> crate::aarch64::BusId {
            self.inner.id()
        }
        fn ram_page(&mut self, page: u64, write: bool) -> Option<std::ptr::NonNull<u8>> {
            self.inner.ram_page(page, write)
        }
        fn mmio_read(&mut self, pa: u64, size: u8) -> Result<u64, crate::aarch64::BusFault> {
            self.inner.mmio_read(pa, size)
        }
        fn mmio_write(
            &mut self,
            pa: u64,
            size: u8,
            value: u64,
        ) -> Result<(), crate::aarch64::BusFault> {
            self.inner.mmio_write(pa, size, value)
        }
    }

    impl crate::x86_64::Platform for StopAt<'_> {
        fn port_write(&mut self, cpu: u32, now: u64, port: u16, size: u8, value: u32) {
            self.hit |= port == self.port;
            self.inner.port_write(cpu, now, port, size, value);
        }
        fn stop_requested(&self) -> bool {
            self.hit
        }
    }

    /// A stop asked by the port write ends the run right after that OUT (or that OUTS
    /// iteration): the instruction count includes it and nothing after it, well inside the
    /// budget.
    #[test]
    fn a_stop_requested_by_a_port_write_ends_the_run_after_that_instruction() {
        use crate::x86_64::Platform as _;
        let mut w = World::long();
        // nop; mov al, 0x34; out 0x60, al (stop); nop; nop; hlt
        w.put(CODE, &[0x90, 0xb0, 0x34, 0xe6, 0x60, 0x90, 0x90, 0xf4]);
        w.cpu.rip = CODE;
        w.cpu.insns = 1000;
        let mut p = StopAt {
            inner: &mut w.bus,
            port: 0x60,
            hit: false,
        };
        assert!(!p.stop_requested());
        assert_eq!(w.cpu.run(&mut w.cache, &mut p, 10_000), Exit::Budget);
        assert_eq!(w.cpu.insns, 1003, "nop, mov, out");
        assert_eq!(w.cpu.rip, CODE + 5, "after the OUT");
        assert_eq!(w.bus.out, vec![(0x60, 1, 0x34)]);

        // rep outsb of 3 bytes to the stopping port: the first iteration ends the run, RIP
        // stays on the REP OUTSB with RCX = 2 left, and the count is that one iteration.
        let mut w = World::long();
        // mov dx, 0x60; rep outsb; hlt
        w.put(CODE, &[0x66, 0xba, 0x60, 0x00, 0xf3, 0x6e, 0xf4]);
        w.put(0x7000, b"abc");
        w.cpu.rip = CODE;
        w.cpu.regs[6] = 0x7000;
        w.cpu.regs[1] = 3;
        let mut p = StopAt {
            inner: &mut w.bus,
            port: 0x60,
            hit: false,
        };
        assert_eq!(w.cpu.run(&mut w.cache, &mut p, 10_000), Exit::Budget);
        assert_eq!(w.cpu.insns, 2);
        assert_eq!((w.cpu.rip, w.cpu.regs[1]), (CODE + 4, 2));
        assert_eq!(w.bus.out, vec![(0x60, 1, b'a' as u32)]);
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
