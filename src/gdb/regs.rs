//! gdb's AArch64 registers (`org.gnu.gdb.aarch64.core` and `.fpu`, gdbstub_arch's
//! [`AArch64CoreRegs`]) and the system registers of its target XML, read and written on a
//! vCPU. System registers go through the core's own table (`bootemu_cpu::aarch64::sysreg`,
//! by their MRS encoding, which is gdbstub_arch's register number); registers the machine
//! answers (the GICv3 CPU interface: reading IAR acknowledges an interrupt) and registers the
//! core does not model read as unavailable.

use bootemu_cpu::aarch64::sysreg::{lookup, Reg, Storage};
use bootemu_cpu::aarch64::{Bus, Cpu, REG_SP};
use gdbstub_arch::aarch64::reg::id::AArch64RegId;
use gdbstub_arch::aarch64::reg::AArch64CoreRegs;

/// PSTATE bits gdb's CPSR shows: NZCV, DAIF, EL (3:2) and SP (0).
const CPSR_NZCV: u32 = 0xf000_0000;
const CPSR_DAIF: u32 = 0x3c0;

/// The core registers of `cpu`.
pub fn read_core(cpu: &Cpu) -> AArch64CoreRegs {
    let mut r = AArch64CoreRegs::default();
    r.x.copy_from_slice(&cpu.x[..31]);
    r.sp = cpu.x[REG_SP as usize];
    r.pc = cpu.pc;
    r.cpsr = cpu.pstate() as u32;
    r.v = cpu.v;
    r.fpcr = cpu.sys.get(Reg::Fpcr) as u32;
    r.fpsr = cpu.sys.get(Reg::Fpsr) as u32;
    r
}

/// Write the core registers of `cpu` (CPSR: NZCV, DAIF, and EL/SP when they name a valid
/// state).
pub fn write_core(cpu: &mut Cpu, r: &AArch64CoreRegs) {
    // EL and SP selection first: they choose which stack pointer `sp` is.
    write_cpsr(cpu, r.cpsr);
    cpu.x[..31].copy_from_slice(&r.x);
    cpu.x[REG_SP as usize] = r.sp;
    cpu.pc = r.pc;
    cpu.v = r.v;
    cpu.sys.set(Reg::Fpcr, r.fpcr as u64 & 0x07c0_0000);
    cpu.sys.set(Reg::Fpsr, r.fpsr as u64 & 0x0800_009f);
}

fn write_cpsr(cpu: &mut Cpu, v: u32) {
    cpu.set_nzcv(v & CPSR_NZCV);
    cpu.daif = v & CPSR_DAIF;
    let el = ((v >> 2) & 3) as u8;
    if el <= cpu.max_el && (el, v & 1 != 0) != (cpu.el, cpu.sp_sel) {
        cpu.set_el_sp(el, el > 0 && v & 1 != 0);
    }
}

/// Read register `id` into `buf`; the bytes written (0: unavailable).
pub fn read_one(cpu: &Cpu, bus: &mut dyn Bus, id: AArch64RegId, buf: &mut [u8]) -> usize {
    let mut put = |bytes: &[u8]| {
        let n = bytes.len().min(buf.len());
        buf[..n].copy_from_slice(&bytes[..n]);
        n
    };
    let core = || read_core(cpu);
    match id {
        AArch64RegId::X(n) if n < 31 => put(&cpu.x[n as usize].to_le_bytes()),
        AArch64RegId::Sp => put(&core().sp.to_le_bytes()),
        AArch64RegId::Pc => put(&cpu.pc.to_le_bytes()),
        AArch64RegId::Pstate => put(&core().cpsr.to_le_bytes()),
        AArch64RegId::V(n) if n < 32 => put(&cpu.v[n as usize].to_le_bytes()),
        AArch64RegId::System(enc) => match sysreg_read(cpu, bus, enc as u32) {
            Some(v) => put(&v.to_le_bytes()),
            None => 0,
        },
        _ => 0,
    }
}

/// Write register `id` from `val`; `false` when it cannot be written.
pub fn write_one(cpu: &mut Cpu, bus: &mut dyn Bus, id: AArch64RegId, val: &[u8]) -> bool {
    let mut b = [0u8; 16];
    let n = val.len().min(16);
    b[..n].copy_from_slice(&val[..n]);
    let v64 = u64::from_le_bytes(b[..8].try_into().unwrap_or([0; 8]));
    match id {
        AArch64RegId::X(n) if n < 31 => cpu.x[n as usize] = v64,
        AArch64RegId::Sp => cpu.x[REG_SP as usize] = v64,
        AArch64RegId::Pc => cpu.pc = v64,
        AArch64RegId::Pstate => write_cpsr(cpu, v64 as u32),
        AArch64RegId::V(n) if n < 32 => cpu.v[n as usize] = u128::from_le_bytes(b),
        AArch64RegId::System(enc) => return sysreg_write(cpu, bus, enc as u32, v64),
        _ => return false,
    }
    true
}

/// A system register by MRS encoding, when the core holds it (not a machine-answered one).
pub fn sysreg_read(cpu: &Cpu, bus: &mut dyn Bus, enc: u32) -> Option<u64> {
    let d = lookup(enc)?;
    match d.storage {
        Storage::Field(_) | Storage::View { .. } | Storage::Const(_) | Storage::Hooks { .. }
            if !d.write_only =>
        {
            Some(d.read(cpu, bus))
        }
        _ => None,
    }
}

fn sysreg_write(cpu: &mut Cpu, bus: &mut dyn Bus, enc: u32, v: u64) -> bool {
    let Some(d) = lookup(enc) else {
        return false;
    };
    match d.storage {
        Storage::Field(_) | Storage::View { .. } | Storage::Hooks { .. } if !d.read_only => {
            d.write(cpu, bus, v);
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bootemu_cpu::aarch64::sysreg::enc;

    #[test]
    fn core_registers_round_trip() {
        let mut cpu = Cpu::new(2);
        cpu.set_el_sp(1, true);
        cpu.x[3] = 0x1234;
        cpu.x[REG_SP as usize] = 0x8000;
        cpu.set_nzcv(0x6000_0000);
        cpu.daif = 0x3c0;
        let r = read_core(&cpu);
        assert_eq!((r.x[3], r.sp, r.cpsr), (0x1234, 0x8000, 0x6000_03c5));
        let mut other = Cpu::new(2);
        write_core(&mut other, &r);
        assert_eq!(read_core(&other), r);
        assert_eq!((other.el, other.sp_sel), (1, true));
    }

    #[test]
    fn system_registers_by_encoding() {
        let mut cpu = Cpu::new(1);
        let mut bus = bootemu_cpu::aarch64::flat::FlatBus::new(0, 0x1000);
        cpu.sys.set(Reg::SctlrEl1, 0x30d0_0801);
        let sctlr = enc(3, 0, 1, 0, 0);
        assert_eq!(sysreg_read(&cpu, &mut bus, sctlr), Some(0x30d0_0801));
        // CurrentEL: EL1 in bits 3:2.
        assert_eq!(sysreg_read(&cpu, &mut bus, enc(3, 0, 4, 2, 2)), Some(4));
        assert!(sysreg_write(
            &mut cpu,
            &mut bus,
            enc(3, 0, 12, 0, 0),
            0x8000
        ));
        assert_eq!(cpu.sys.get(Reg::VbarEl1), 0x8000);
        assert!(
            !sysreg_write(&mut cpu, &mut bus, enc(3, 0, 4, 2, 2), 0),
            "read-only"
        );
    }
}
