//! MMX technology (SDM vol. 1 ch. 9; vol. 2 per instruction): the eight 64-bit MMX registers
//! aliased onto the x87 data registers (MMi = the significand of physical register Ri:
//! [`X87::mmx_read`](super::super::state::X87::mmx_read)), the x87-to-MMX transition and
//! its checks, and EMMS.
//!
//! The MMX forms share the SSE handlers ([`super::sse_int`], [`super::sse_mov`],
//! [`super::sse_fp`]'s conversions): an [`Opnd::Mm`](super::super::insn::Opnd::Mm) operand
//! makes them work on 64 bits, [`check`] before any operand is read and [`enter`] when the
//! result is written. Every instruction that names an MMX register (SDM vol. 1 §9.5, table
//! 9-2): #UD when CR0.EM is set, #NM when CR0.TS is set, #MF when an unmasked x87 exception
//! is pending; once it completes, TOP = 0 and all tags valid, and the register it writes
//! has all ones in its sign and exponent. An instruction that faults (a memory operand, an
//! unmasked SIMD exception) leaves the x87 state as it was, as the host CPU does. CVTPI2PS
//! and CVTPI2PD with a memory source name no MMX register and make no transition (as the
//! host CPU: qemu-x86_64 10.0 makes it for CVTPI2PS).

use super::super::block::Env;
use super::super::insn::Ops;
use super::super::state::{Cpu, Fault};
use super::super::system::cr0;

/// FSW.ES: an unmasked x87 exception is pending.
const FSW_ES: u16 = 1 << 7;

/// The transition of an MMX instruction that completes.
#[inline]
pub fn enter(cpu: &mut Cpu) {
    cpu.x87.mmx_enter();
}

/// The checks of an instruction that names an MMX register, before it reads anything: #UD
/// (CR0.EM), #NM (CR0.TS), #MF (a pending unmasked x87 exception), in that order.
#[inline]
pub fn check(cpu: &Cpu) -> Result<(), Fault> {
    let c0 = cpu.sys.cr0;
    if c0 & cr0::EM != 0 {
        Err(Fault::UD)
    } else if c0 & cr0::TS != 0 {
        Err(Fault::NM)
    } else if cpu.x87.fsw & FSW_ES != 0 {
        Err(Fault::MF)
    } else {
        Ok(())
    }
}

/// EMMS: every x87 register empty (after the checks; TOP = 0 as for every MMX instruction).
pub fn emms(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Result<(), Fault> {
    check(cpu)?;
    enter(cpu);
    cpu.x87.tags = 0;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{exec_bytes, World};
    use super::*;

    fn run(cpu: &mut Cpu, bytes: &[u8]) -> Result<(), Fault> {
        exec_bytes(cpu, &mut World::new().env(), bytes)
    }

    #[test]
    fn mmx_registers_alias_the_x87_significands() {
        let mut cpu = Cpu::new();
        cpu.x87.fsw = 5 << 11; // TOP = 5
        cpu.regs[0] = 0x1122_3344_5566_7788;
        // movq mm3, rax: physical R3's significand, exponent all ones, TOP 0, all valid.
        assert_eq!(run(&mut cpu, &[0x48, 0x0f, 0x6e, 0xd8]), Ok(()));
        assert_eq!(cpu.x87.st[3], (0x1122_3344_5566_7788, 0xffff));
        assert_eq!((cpu.x87.fsw >> 11) & 7, 0);
        assert_eq!(cpu.x87.tags, 0xff);
        // paddb mm3, mm3 reads and writes R3.
        assert_eq!(run(&mut cpu, &[0x0f, 0xfc, 0xdb]), Ok(()));
        assert_eq!(cpu.x87.mmx_read(3), 0x2244_6688_aacc_ee10);
        // emms: all empty.
        assert_eq!(run(&mut cpu, &[0x0f, 0x77]), Ok(()));
        assert_eq!(cpu.x87.tags, 0);
    }

    #[test]
    fn em_ts_and_a_pending_x87_exception_fault_in_that_order() {
        let paddb = [0x0f, 0xfc, 0xc1];
        let mut cpu = Cpu::new();
        cpu.sys.cr0 |= cr0::EM | cr0::TS;
        cpu.x87.fsw = FSW_ES;
        assert_eq!(run(&mut cpu, &paddb), Err(Fault::UD));
        cpu.sys.cr0 &= !cr0::EM;
        assert_eq!(run(&mut cpu, &paddb), Err(Fault::NM));
        cpu.sys.cr0 &= !cr0::TS;
        assert_eq!(run(&mut cpu, &paddb), Err(Fault::MF));
        assert_eq!(cpu.x87.tags, 0, "no transition on a fault");
        cpu.x87.fsw = 0;
        assert_eq!(run(&mut cpu, &paddb), Ok(()));
        assert_eq!(cpu.x87.tags, 0xff);
    }
}
