//! The minimal machine our bare-metal x86 guests (testdata/x86) run on in-process, shared by
//! cpu/tests/x86_bare_metal.rs and benches/x86.rs (each includes this file with `#[path]`): RAM at
//! 0, the ISA debug console (port 0xe9) and an isa-debug-exit port (0xf4), the guest image loaded
//! at its PVH entry and entered the PVH way (Xen's docs/misc/pvh.pandoc: 32-bit flat protected
//! mode, paging off, EBX = an `hvm_start_info`).

use std::ptr::NonNull;

use bootemu_cpu::aarch64::flat::FlatBus;
use bootemu_cpu::aarch64::{Bus, BusFault, BusId};
use bootemu_cpu::x86_64::system::{cr0, sreg, Segment};
use bootemu_cpu::x86_64::{BlockCache, Cpu, Exit, Platform};

/// The ISA debug console (QEMU's isa-debugcon default port).
pub const CONSOLE_PORT: u16 = 0xe9;
/// isa-debug-exit's port (as configured on QEMU's command line, see qemu.rs).
pub const EXIT_PORT: u16 = 0xf4;
/// Where the guests are linked (testdata/x86/*.ld) and their PVH entry (the note's address).
pub const LOAD: u64 = 0x10_0000;
/// Where the machine puts the `hvm_start_info`.
pub const START_INFO: u64 = 0x6000;
/// `hvm_start_info.magic` (Xen's public arch-x86/hvm/start_info.h, XEN_HVM_START_MAGIC_VALUE).
pub const START_MAGIC: u32 = 0x336e_c578;
/// RAM of the machine (QEMU runs with -m 64).
pub const RAM: usize = 64 << 20;

/// The machine: RAM at 0, the debug console and the exit port.
pub struct Machine {
    pub ram: FlatBus,
    pub console: Vec<u8>,
    pub exit: Option<u32>,
}

// SAFETY: every page pointer comes from the one FlatBus the machine owns, under its identity.
unsafe impl Bus for Machine {
    fn id(&self) -> BusId {
        self.ram.id()
    }
    fn ram_page(&mut self, page: u64, write: bool) -> Option<NonNull<u8>> {
        self.ram.ram_page(page, write)
    }
    fn mmio_read(&mut self, pa: u64, size: u8) -> Result<u64, BusFault> {
        self.ram.mmio_read(pa, size)
    }
    fn mmio_write(&mut self, pa: u64, size: u8, value: u64) -> Result<(), BusFault> {
        self.ram.mmio_write(pa, size, value)
    }
}

impl Platform for Machine {
    fn port_write(&mut self, _cpu: u32, _now: u64, port: u16, _size: u8, value: u32) {
        match port {
            CONSOLE_PORT => self.console.push(value as u8),
            EXIT_PORT => self.exit = Some(value),
            _ => {}
        }
    }
}

/// A guest image on the machine, with a core at its PVH entry.
pub struct Guest {
    pub m: Machine,
    pub cpu: Cpu,
    cache: BlockCache,
}

impl Guest {
    /// Loads the flat image `bin` at LOAD, the start info at START_INFO, and sets up the PVH
    /// entry state.
    pub fn boot(bin: &[u8]) -> Guest {
        let mut m = Machine {
            ram: FlatBus::new(0, RAM),
            console: Vec::new(),
            exit: None,
        };
        m.ram.load(LOAD, bin);
        let mut info = [0u8; 8];
        info[..4].copy_from_slice(&START_MAGIC.to_le_bytes());
        info[4..].copy_from_slice(&1u32.to_le_bytes()); // version
        m.ram.load(START_INFO, &info);
        let mut cpu = Cpu::new();
        // Exceptions go through the guest's IDT (not the oracles' sandbox rule).
        cpu.sys.sandbox = false;
        cpu.sys.cr0 = cr0::PE | cr0::ET;
        cpu.sys.cr4 = 0;
        cpu.sys.efer = 0;
        for r in [sreg::ES, sreg::SS, sreg::DS, sreg::FS, sreg::GS] {
            cpu.set_segment(r, Segment::flat(0x10, 0, false, 32));
        }
        cpu.set_segment(sreg::CS, Segment::flat(0x08, 0, true, 32));
        cpu.rflags = 2;
        cpu.regs[3] = START_INFO;
        cpu.rip = LOAD;
        Guest {
            m,
            cpu,
            cache: BlockCache::new(),
        }
    }

    /// Runs, `slice` instructions per `Cpu::run` call, until the guest writes the exit port or
    /// has run `limit` instructions; an error (with the console so far) when the core stops for
    /// anything else first.
    pub fn run(&mut self, limit: u64, slice: u64) -> Result<(), String> {
        let (m, cpu) = (&mut self.m, &mut self.cpu);
        while m.exit.is_none() && cpu.insns < limit {
            match cpu.run(&mut self.cache, m, slice) {
                Exit::Budget => {}
                // The guest stopped itself before this (its HLT loop).
                _ if m.exit.is_some() => {}
                other => {
                    return Err(format!(
                        "run ended with {other:?} at rip {:#x} after {} instructions (forms \
                         raising #UD: {:?}); console so far:\n{}",
                        cpu.rip,
                        cpu.insns,
                        cpu.undefined,
                        String::from_utf8_lossy(&m.console)
                    ));
                }
            }
        }
        Ok(())
    }
}
