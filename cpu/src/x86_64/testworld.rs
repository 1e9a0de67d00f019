//! Test fixtures for the system tests: a platform with ports and interrupts, and a 64-bit
//! kernel world (GDT, IDT, TSS in RAM) to run privileged code and exceptions in.

use std::ptr::NonNull;

use crate::aarch64::flat::FlatBus;
use crate::aarch64::{Bus, BusFault, BusId};

use super::system::{attr, sreg, Segment, Table};
use super::{BlockCache, Cpu, Exit, Platform};

/// RAM plus a recorder of port writes, a port that reads a fixed value, and a queue of
/// external interrupts.
pub(crate) struct TestPlatform {
    pub ram: FlatBus,
    pub out: Vec<(u16, u8, u32)>,
    pub pending: Vec<u8>,
    pub acked: usize,
}

// SAFETY: every call is forwarded to the FlatBus, which keeps the Bus contract.
unsafe impl Bus for TestPlatform {
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

impl Platform for TestPlatform {
    fn port_read(&mut self, _: u32, _: u64, port: u16, size: u8) -> u32 {
        (0x1234_5678u32.wrapping_add(port as u32)) & (u32::MAX >> (32 - 8 * size as u32))
    }
    fn port_write(&mut self, _: u32, _: u64, port: u16, size: u8, value: u32) {
        self.out.push((port, size, value));
    }
    fn acknowledge(&mut self, _: u32, _: u64) -> Option<u8> {
        let v = self.pending.pop();
        self.acked += v.is_some() as usize;
        v
    }
    fn interrupt_pending(&self, _: u32, _: u64) -> bool {
        !self.pending.is_empty()
    }
}

/// The GDT's base, and the selectors: Linux's layout where SYSRET's STAR[63:48] = 0x10 gives
/// user SS 0x1b and user CS 0x23.
pub(crate) const GDT: u64 = 0x1000;
pub(crate) const KERNEL_CS: u16 = 0x08;
pub(crate) const KERNEL_DS: u16 = 0x10;
pub(crate) const USER_DS: u16 = 0x18 | 3;
pub(crate) const USER_CS: u16 = 0x20 | 3;
pub(crate) const TSS_SEL: u16 = 0x28;
pub(crate) const CODE32: u16 = 0x38;
pub(crate) const IDT: u64 = 0x2000;
pub(crate) const TSS: u64 = 0x3000;
pub(crate) const RSP0: u64 = 0x9000;
pub(crate) const IST1: u64 = 0xa000;

/// GDT entries: null, kernel CS64, kernel DS, user DS, user CS64, TSS (2 slots), CS32.
pub(crate) const GDT_ENTRIES: [u64; 8] = [
    0,
    0x00af_9b00_0000_ffff,
    0x00cf_9300_0000_ffff,
    0x00cf_f300_0000_ffff,
    0x00af_fb00_0000_ffff,
    // 64-bit available TSS at TSS, limit 0x67.
    0x0000_8900_0000_0067 | ((TSS & 0xff_ffff) << 16),
    0,
    0x00cf_9b00_0000_ffff,
];

/// A 64-bit IDT gate: `ty` 0xe (interrupt) or 0xf (trap).
pub(crate) fn gate64(offset: u64, ist: u64, ty: u64, dpl: u64, present: bool) -> (u64, u64) {
    let lo = (offset & 0xffff)
        | ((KERNEL_CS as u64) << 16)
        | (ist << 32)
        | (ty << 40)
        | (dpl << 45)
        | ((present as u64) << 47)
        | ((offset >> 16) & 0xffff) << 48;
    (lo, offset >> 32)
}

pub(crate) struct World {
    pub cpu: Cpu,
    pub bus: TestPlatform,
    pub cache: BlockCache,
}

impl World {
    /// 64-bit mode at CPL 0 with the GDT, an empty 256-entry IDT, the TSS (RSP0, IST1) and
    /// TR loaded; the sandbox rule off. Paging stays off (this core's linear = physical).
    pub(crate) fn long() -> World {
        let mut w = World {
            cpu: Cpu::new(),
            bus: TestPlatform {
                ram: FlatBus::new(0, 0x20000),
                out: Vec::new(),
                pending: Vec::new(),
                acked: 0,
            },
            cache: BlockCache::new(),
        };
        for (k, e) in GDT_ENTRIES.iter().enumerate() {
            w.put64(GDT + 8 * k as u64, *e);
        }
        w.put64(TSS + 4, RSP0);
        w.put64(TSS + 0x24, IST1);
        let c = &mut w.cpu;
        c.sys.gdtr = Table {
            base: GDT,
            limit: (GDT_ENTRIES.len() * 8 - 1) as u16,
        };
        c.sys.idtr = Table {
            base: IDT,
            limit: 256 * 16 - 1,
        };
        c.sys.sandbox = false;
        c.sys.seg[sreg::CS] = super::descriptor::segment(KERNEL_CS, GDT_ENTRIES[1]);
        for r in [sreg::SS, sreg::DS, sreg::ES] {
            c.sys.seg[r] = super::descriptor::segment(KERNEL_DS, GDT_ENTRIES[2]);
        }
        c.sys.seg[sreg::FS] = Segment::default();
        c.sys.seg[sreg::GS] = Segment::default();
        c.sys.tr = super::descriptor::segment(TSS_SEL, GDT_ENTRIES[5]);
        c.sys.tr.attr |= 2; // busy
        c.sys.msr.star = 0x0010_0008_0000_0000;
        c.refresh_mode();
        c.regs[4] = 0x8000;
        w
    }

    pub(crate) fn put(&mut self, at: u64, bytes: &[u8]) {
        self.bus.ram.ram_mut()[at as usize..at as usize + bytes.len()].copy_from_slice(bytes);
    }

    pub(crate) fn put64(&mut self, at: u64, v: u64) {
        self.put(at, &v.to_le_bytes());
    }

    pub(crate) fn get64(&self, at: u64) -> u64 {
        u64::from_le_bytes(
            self.bus.ram.ram()[at as usize..at as usize + 8]
                .try_into()
                .unwrap(),
        )
    }

    /// Install a 64-bit gate for `vector`.
    pub(crate) fn gate(&mut self, vector: u8, handler: u64, ist: u64, ty: u64, dpl: u64) {
        let (lo, hi) = gate64(handler, ist, ty, dpl, true);
        self.put64(IDT + 16 * vector as u64, lo);
        self.put64(IDT + 16 * vector as u64 + 8, hi);
    }

    /// Switch to CPL 3 64-bit code at `rip` with stack `rsp` (as after SYSRET/IRET).
    pub(crate) fn user(&mut self, rip: u64, rsp: u64) {
        let c = &mut self.cpu;
        c.sys.seg[sreg::CS] = super::descriptor::segment(USER_CS, GDT_ENTRIES[4]);
        c.sys.seg[sreg::SS] = super::descriptor::segment(USER_DS, GDT_ENTRIES[3]);
        c.refresh_mode();
        c.rip = rip;
        c.regs[4] = rsp;
        debug_assert_eq!(c.cpl(), 3);
        debug_assert_ne!(c.sys.seg[sreg::CS].attr & attr::L, 0);
    }

    pub(crate) fn run(&mut self, budget: u64) -> Exit {
        self.cpu.run(&mut self.cache, &mut self.bus, budget)
    }
}
