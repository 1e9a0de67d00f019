//! The PCIe host bridge of an ECAM machine (`pci-host-ecam-generic`, QEMU's `gpex` on `virt`):
//! one device on the board that answers at every window of a [`PciDesc`] (the board hands it
//! guest-physical addresses, not offsets):
//!
//! - **ECAM**: bus `b`, device `d`, function `f`, register `r` at `base + (b << 20 | d << 15 |
//!   f << 12 | r)`; 1, 2 and 4-byte accesses. Only bus 0 is populated; a function that is not
//!   there reads all ones (a master abort, which is how enumeration finds empty slots) and
//!   ignores writes. 00:00.0 is the host bridge itself (QEMU's IDs: Red Hat `1b36:0008`, class
//!   host bridge).
//! - **Memory and I/O windows**: an access goes to the function whose enabled BAR holds the
//!   address (the I/O window maps port 0 to its base); an address no BAR claims reads all ones
//!   and ignores writes (a master abort), logged.
//! - **INTx**: slot `s` pin `p` (1 = INTA) drives line `(s + p - 1) % n` of the host's `n`
//!   interrupt outputs (QEMU's swizzle with 4, Cloud Hypervisor's `_PRT` with 8; the
//!   device tree's `interrupt-map` says the same);
//!   `INTX_DISABLE` in a function's command register masks it, its status register shows it.
//! - **DMA**: after a write to a function, its DMA runs if it may master the bus: on `virt`
//!   (as QEMU, whose bus-master alias is off until the driver sets the bit) only with
//!   `BUS_MASTER` set in its command register.
//!
//! Functions are added in slot order from 00:01.0 ([`PciHost::add`]).

use bootemu_boot::fdt::PciDesc;

use super::config::{self, reg, Bar, BarKind, ConfigSpace, COMMAND_BUS_MASTER};
use super::PciFunction;
use crate::devices::{size_mask, DmaMemory, MmioDevice};
use crate::virtio::disk::Disk;

/// Red Hat's PCI vendor ID (QEMU's own devices).
pub const VENDOR_REDHAT: u16 = 0x1b36;
/// QEMU's PCIe host bridge device ID.
pub const DEVICE_QEMU_HOST_BRIDGE: u16 = 0x0008;
/// Class code: bridge, host bridge.
pub const CLASS_HOST_BRIDGE: u32 = 0x06_00_00;
/// Slots per bus.
pub const SLOTS: usize = 32;

/// Why a function cannot be added or its BARs assigned.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HostError {
    /// Every slot of bus 0 is taken.
    #[error("no free PCI slot (bus 0 has {SLOTS})")]
    Full,
    /// A BAR does not fit its window.
    #[error("PCI {slot:02x}.0 BAR {bar}: no room for {size:#x} bytes in the {window} window")]
    NoRoom {
        /// Slot of the function.
        slot: usize,
        /// BAR index.
        bar: usize,
        /// BAR size.
        size: u64,
        /// Which window.
        window: &'static str,
    },
    /// The header refused the address.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
}

/// The host bridge's own function at 00:00.0: a header and nothing behind it.
struct HostBridge(ConfigSpace);

impl PciFunction for HostBridge {
    fn config(&self) -> &ConfigSpace {
        &self.0
    }
    fn config_mut(&mut self) -> &mut ConfigSpace {
        &mut self.0
    }
    fn bar_read(&mut self, _: usize, _: u64, _: u8) -> u64 {
        0
    }
    fn bar_write(&mut self, _: usize, _: u64, _: u8, _: u64) {}
}

/// The host bridge and the functions on bus 0.
pub struct PciHost {
    desc: PciDesc,
    /// Slot-indexed functions; slot 0 is the host bridge.
    slots: Vec<Option<Box<dyn PciFunction>>>,
    /// DMA only for functions with `BUS_MASTER` set.
    bus_master_required: bool,
    /// The slot last written (its DMA runs next).
    last_written: Option<usize>,
}

impl PciHost {
    /// A host with the windows of `desc` and only the host bridge.
    pub fn new(desc: PciDesc) -> PciHost {
        let mut slots: Vec<Option<Box<dyn PciFunction>>> = (0..SLOTS).map(|_| None).collect();
        slots[0] = Some(Box::new(HostBridge(ConfigSpace::new(
            VENDOR_REDHAT,
            DEVICE_QEMU_HOST_BRIDGE,
            0,
            CLASS_HOST_BRIDGE,
        ))));
        PciHost {
            desc,
            slots,
            bus_master_required: true,
            last_written: None,
        }
    }

    /// Whether functions need `BUS_MASTER` to do DMA (QEMU: yes; a VMM may not check).
    pub fn require_bus_master(&mut self, required: bool) {
        self.bus_master_required = required;
    }

    /// Put `f` in the next free slot; returns the slot.
    pub fn add(&mut self, f: Box<dyn PciFunction>) -> Result<usize, HostError> {
        let slot = self
            .slots
            .iter()
            .position(Option::is_none)
            .ok_or(HostError::Full)?;
        self.slots[slot] = Some(f);
        Ok(slot)
    }

    /// Assign every BAR as Cloud Hypervisor does before the guest starts: memory BARs (32-
    /// and 64-bit) from the top of the 32-bit window down (its allocators are top-down; a
    /// firmware that maps only the low GiB as device memory reaches them), I/O BARs from port
    /// 0x1000 up; in slot and BAR order, each aligned to its size, decoding enabled. The
    /// assignment survives resets.
    pub fn assign_bars(&mut self) -> Result<(), HostError> {
        let (low, size32) = self.desc.mmio32;
        let mut top = low + size32;
        let mut next_io = 0x1000u64;
        let io_end = self.desc.io.map_or(0, |w| w.1);
        for (slot, f) in self.slots.iter_mut().enumerate().skip(1) {
            let Some(f) = f else { continue };
            let bars: Vec<(usize, Bar)> = f.config().bars().map(|(i, b, _)| (i, b)).collect();
            for (i, b) in bars {
                let no_room = |window| HostError::NoRoom {
                    slot,
                    bar: i,
                    size: b.size,
                    window,
                };
                let at = if b.kind == BarKind::Io {
                    let at = next_io.next_multiple_of(b.size);
                    if at + b.size > io_end {
                        return Err(no_room("I/O"));
                    }
                    next_io = at + b.size;
                    at
                } else {
                    let at = top.checked_sub(b.size).map(|a| a & !(b.size - 1));
                    match at {
                        Some(at) if at >= low => {
                            top = at;
                            at
                        }
                        _ => return Err(no_room("32-bit")),
                    }
                };
                f.config_mut().assign_bar(i, at)?;
            }
        }
        Ok(())
    }

    /// The function at ECAM offset `off`, and the register offset within its 4 KiB.
    fn ecam_target(&mut self, off: u64) -> Option<(usize, usize)> {
        let (bus, dev, func) = (off >> 20, (off >> 15) & 31, (off >> 12) & 7);
        if bus != 0 || func != 0 {
            return None;
        }
        let slot = dev as usize;
        self.slots[slot].as_ref()?;
        Some((slot, (off & 0xfff) as usize))
    }

    /// The function and BAR an access to window address `addr` reaches.
    fn bar_target(&self, addr: u64) -> Option<(usize, usize, u64)> {
        let io_port = self
            .desc
            .io
            .filter(|&(base, size)| addr >= base && addr - base < size)
            .map(|(base, _)| addr - base);
        self.slots.iter().enumerate().find_map(|(slot, f)| {
            let c = f.as_ref()?.config();
            let (bar, off) = match io_port {
                Some(port) => c.decode(true, port)?,
                None => c.decode(false, addr)?,
            };
            Some((slot, bar, off))
        })
    }

    fn in_ecam(&self, pa: u64) -> bool {
        let (base, size) = self.desc.ecam;
        pa >= base && pa - base < size
    }

    /// The four INTx outputs (bit `i` = line `i`).
    fn intx_lines(&self) -> u32 {
        let mut lines = 0;
        for (slot, f) in self.slots.iter().enumerate() {
            let Some(f) = f else { continue };
            let c = f.config();
            let pin = c.read(reg::INTERRUPT_PIN, 1) as usize;
            if (1..=4).contains(&pin) && f.intx() && c.command() & config::COMMAND_INTX_DISABLE == 0
            {
                lines |= 1 << ((slot + pin - 1) % self.desc.intx_lines.clamp(1, 32) as usize);
            }
        }
        lines
    }
}

impl MmioDevice for PciHost {
    fn name(&self) -> &'static str {
        "pcie"
    }

    fn read(&mut self, pa: u64, size: u8) -> u64 {
        if self.in_ecam(pa) {
            if !matches!(size, 1 | 2 | 4) {
                log::warn!("pci: {size}-byte configuration read at {pa:#x}");
                return size_mask(size);
            }
            let Some((slot, r)) = self.ecam_target(pa - self.desc.ecam.0) else {
                return size_mask(size);
            };
            let Some(f) = self.slots[slot].as_mut() else {
                return size_mask(size);
            };
            let asserted = f.intx();
            f.config_mut().set_interrupt_status(asserted);
            return f.config_read(r, size as usize) as u64;
        }
        match self.bar_target(pa) {
            Some((slot, bar, off)) => match self.slots[slot].as_mut() {
                Some(f) => f.bar_read(bar, off, size),
                None => size_mask(size),
            },
            None => {
                log::debug!("pci: read at {pa:#x} no BAR claims");
                size_mask(size)
            }
        }
    }

    fn write(&mut self, pa: u64, size: u8, value: u64) {
        self.last_written = None;
        if self.in_ecam(pa) {
            if !matches!(size, 1 | 2 | 4) {
                log::warn!("pci: {size}-byte configuration write at {pa:#x} ignored");
                return;
            }
            if let Some((slot, r)) = self.ecam_target(pa - self.desc.ecam.0) {
                if let Some(f) = self.slots[slot].as_mut() {
                    f.config_write(r, size as usize, value as u32);
                    self.last_written = Some(slot);
                }
            }
            return;
        }
        match self.bar_target(pa) {
            Some((slot, bar, off)) => {
                if let Some(f) = self.slots[slot].as_mut() {
                    f.bar_write(bar, off, size, value);
                    self.last_written = Some(slot);
                }
            }
            None => log::debug!("pci: write of {value:#x} at {pa:#x} no BAR claims, ignored"),
        }
    }

    fn irq_lines(&self) -> u32 {
        self.intx_lines()
    }

    fn reset(&mut self) {
        for f in self.slots.iter_mut().flatten() {
            f.reset();
        }
    }

    fn dma(&mut self, mem: &mut dyn DmaMemory) {
        let Some(slot) = self.last_written.take() else {
            return;
        };
        let required = self.bus_master_required;
        if let Some(f) = self.slots[slot].as_mut() {
            if !required || f.config().command() & COMMAND_BUS_MASTER != 0 {
                f.dma(mem);
            }
        }
    }

    fn disks(&mut self) -> Vec<&mut Disk> {
        self.slots
            .iter_mut()
            .flatten()
            .filter_map(|f| f.as_disk())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `virt`'s PCIe host, as its profile describes it.
    const DESC: PciDesc = crate::profile::VIRT_PCI;

    /// A function with one 32-bit BAR of 256 bytes of scratch registers and an INTx input.
    struct Scratch {
        cfg: ConfigSpace,
        regs: [u8; 256],
        irq: bool,
    }

    impl Scratch {
        fn new(bars: &[(usize, Bar)]) -> Scratch {
            let mut cfg = ConfigSpace::new(0x1234, 0x5678, 0, 0xff_00_00);
            for &(i, b) in bars {
                cfg.add_bar(i, b).unwrap();
            }
            cfg.set_interrupt_pin(1);
            Scratch {
                cfg,
                regs: [0; 256],
                irq: false,
            }
        }
    }

    impl PciFunction for Scratch {
        fn config(&self) -> &ConfigSpace {
            &self.cfg
        }
        fn config_mut(&mut self) -> &mut ConfigSpace {
            &mut self.cfg
        }
        fn bar_read(&mut self, _: usize, off: u64, _: u8) -> u64 {
            self.regs[off as usize % 256] as u64
        }
        fn bar_write(&mut self, _: usize, off: u64, _: u8, v: u64) {
            self.regs[off as usize % 256] = v as u8;
            self.irq = v == 0x1;
        }
        fn intx(&self) -> bool {
            self.irq
        }
    }

    const MEM32: Bar = Bar {
        size: 0x100,
        kind: BarKind::Mem32,
        prefetchable: false,
    };
    const MEM64: Bar = Bar {
        size: 0x4000,
        kind: BarKind::Mem64,
        prefetchable: true,
    };
    const IO: Bar = Bar {
        size: 0x20,
        kind: BarKind::Io,
        prefetchable: false,
    };

    fn ecam(slot: u64, reg: u64) -> u64 {
        DESC.ecam.0 + (slot << 15) + reg
    }

    #[test]
    fn enumeration_sees_the_bridge_and_the_functions() {
        let mut h = PciHost::new(DESC);
        assert_eq!(h.add(Box::new(Scratch::new(&[(0, MEM32)]))), Ok(1));
        assert_eq!(h.read(ecam(0, 0), 4), 0x0008_1b36);
        assert_eq!(h.read(ecam(0, 0x0a), 2), 0x0600, "host bridge class");
        assert_eq!(h.read(ecam(1, 0), 4), 0x5678_1234);
        assert_eq!(h.read(ecam(1, 0), 2), 0x1234);
        assert_eq!(h.read(ecam(1, 2), 2), 0x5678);
        assert_eq!(h.read(ecam(2, 0), 4), 0xffff_ffff, "empty slot");
        assert_eq!(h.read(ecam(1, 0) + (1 << 12), 4), 0xffff_ffff, "function 1");
        assert_eq!(h.read(ecam(1, 0) + (1 << 20), 2), 0xffff, "bus 1");
        assert_eq!(h.read(ecam(1, 0x100), 4), 0, "no extended capabilities");
        h.write(ecam(2, 0x04), 2, 0xffff);
        assert_eq!(h.read(ecam(1, 0), 8), u64::MAX, "8-byte config access");
    }

    #[test]
    fn bars_decode_once_programmed_and_enabled() {
        let mut h = PciHost::new(DESC);
        h.add(Box::new(Scratch::new(&[(0, IO), (1, MEM32), (2, MEM64)])))
            .unwrap();
        h.write(ecam(1, 0x14), 4, 0x1000_0100);
        h.write(ecam(1, 0x18), 4, 0x0000_4000);
        h.write(ecam(1, 0x1c), 4, 0x80);
        h.write(ecam(1, 0x10), 4, 0x40);
        assert_eq!(h.read(0x1000_0100, 1), 0xff, "memory decoding off");
        h.write(ecam(1, 0x04), 2, 0x3);
        h.write(0x1000_0105, 1, 0x42);
        assert_eq!(h.read(0x1000_0105, 1), 0x42);
        h.write(0x80_0000_4007, 1, 0x43);
        assert_eq!(h.read(0x80_0000_4007, 1), 0x43);
        h.write(0x3eff_0041, 1, 0x44);
        assert_eq!(h.read(0x3eff_0041, 1), 0x44, "I/O port 0x41");
        assert_eq!(h.read(0x1000_0200, 4), 0xffff_ffff, "no BAR there");
    }

    #[test]
    fn intx_swizzle_and_disable() {
        let mut h = PciHost::new(DESC);
        for _ in 0..3 {
            h.add(Box::new(Scratch::new(&[(0, MEM32)]))).unwrap();
        }
        h.assign_bars().unwrap();
        assert_eq!(h.irq_lines(), 0);
        // Slot 3, INTA: line (3 + 1 - 1) % 4 = 3 (QEMU's map: 0x1800 pin 1 -> SPI 6).
        let bar = h.read(ecam(3, 0x10), 4) & !0xf;
        h.write(bar, 1, 1);
        assert_eq!(h.irq_lines(), 1 << 3);
        assert_ne!(h.read(ecam(3, 0x06), 2) & 0x8, 0, "status shows INTx");
        h.write(ecam(3, 0x04), 2, 0x402);
        assert_eq!(h.irq_lines(), 0, "INTX_DISABLE");
        // Slot 1, INTA: line 1 (0x800 pin 1 -> SPI 4).
        let bar = h.read(ecam(1, 0x10), 4) & !0xf;
        h.write(bar, 1, 1);
        assert_eq!(h.irq_lines(), 1 << 1);
    }

    #[test]
    fn assigned_bars_are_aligned_in_their_windows() {
        let mut h = PciHost::new(DESC);
        h.add(Box::new(Scratch::new(&[(0, MEM32), (2, MEM64)])))
            .unwrap();
        h.add(Box::new(Scratch::new(&[(0, MEM32), (1, IO)])))
            .unwrap();
        h.assign_bars().unwrap();
        let bars = |h: &PciHost, s: usize| -> Vec<u64> {
            h.slots[s]
                .as_ref()
                .unwrap()
                .config()
                .bars()
                .map(|b| b.2)
                .collect()
        };
        // Top-down from 0x3eff_0000: slot 1 BAR 0 (0x100), BAR 2 (0x4000, aligned), slot 2.
        assert_eq!(bars(&h, 1), vec![0x3efe_ff00, 0x3efe_8000]);
        assert_eq!(bars(&h, 2), vec![0x3efe_7f00, 0x1000]);
        assert_eq!(h.read(ecam(1, 0x04), 2), 0x2, "memory decoding on");
        assert_eq!(h.read(ecam(2, 0x04), 2), 0x3, "memory and I/O decoding on");
        h.reset();
        assert_eq!(bars(&h, 1), vec![0x3efe_ff00, 0x3efe_8000]);
        let mut small = PciHost::new(PciDesc {
            mmio32: (0x1000_0000, 0x80),
            mmio64: None,
            ..DESC
        });
        small.add(Box::new(Scratch::new(&[(0, MEM32)]))).unwrap();
        assert!(matches!(
            small.assign_bars(),
            Err(HostError::NoRoom { slot: 1, .. })
        ));
    }

    #[test]
    fn a_full_bus_is_refused() {
        let mut h = PciHost::new(DESC);
        for i in 1..SLOTS {
            assert_eq!(h.add(Box::new(Scratch::new(&[]))), Ok(i));
        }
        assert_eq!(
            h.add(Box::new(Scratch::new(&[]))).err(),
            Some(HostError::Full)
        );
    }
}
