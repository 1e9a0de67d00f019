//! The board: guest memory, the interrupt controller and the MMIO devices of a profile, as the
//! CPU core's [`Bus`](bootemu_cpu::aarch64::Bus).
//!
//! RAM and ROM pages go to the core as host pointers; every other access is dispatched to the
//! GIC frame or the device whose region holds it, with the offset within that region. Writes
//! to ROM are ignored; accesses where nothing is mapped are bus faults (synchronous external
//! aborts in the guest). The GIC frames of the other GIC version are not mapped.
//!
//! Banked GIC registers need to know which vCPU accesses them: the machine sets
//! [`Board::cur`] before running a vCPU. Device interrupt outputs are sampled into the GIC
//! after every access to the device and whenever time moves ([`Board::set_time`]).

use std::ptr::NonNull;
use std::sync::Arc;

use bootemu_cpu::aarch64::{Bus, BusFault, IrqLines};

use crate::devices::pl011::Pl011;
use crate::devices::pl031::Pl031;
use crate::devices::{MmioDevice, SerialPort};
use crate::gic::{Gic, GicFrame, GicVersion};
use crate::memory::{GuestMemory, MemoryError};
use crate::profile::{Profile, RegionKind};

/// A device mapped at a guest-physical range.
struct Mapped {
    base: u64,
    size: u64,
    /// INTID its interrupt output drives.
    intid: Option<u32>,
    dev: Box<dyn MmioDevice>,
}

/// Board options beyond the memory map.
pub struct BoardConfig {
    /// GIC version.
    pub gic: GicVersion,
    /// PL031 count at virtual time 0.
    pub rtc_epoch: u32,
    /// Interrupt lines of the vCPUs, in vCPU order.
    pub lines: Vec<Arc<IrqLines>>,
}

/// Memory, interrupt controller and devices of one machine.
pub struct Board {
    /// Guest RAM and ROM.
    pub mem: GuestMemory,
    /// The interrupt controller.
    pub gic: Gic,
    /// The vCPU whose accesses the bus serves (banked GIC registers).
    pub cur: usize,
    gic_frames: Vec<(u64, u64, GicFrame)>,
    devices: Vec<Mapped>,
}

impl Board {
    /// Build memory, GIC and devices for `profile`.
    pub fn new(profile: &Profile, config: BoardConfig) -> Result<Board, MemoryError> {
        let mem = GuestMemory::new(profile)?;
        let v3 = config.gic == GicVersion::V3;
        let mut gic_frames = Vec::new();
        let mut devices = Vec::new();
        for r in &profile.regions {
            let frame = match r.kind {
                RegionKind::GicDist => Some(GicFrame::Dist),
                RegionKind::GicCpu if !v3 => Some(GicFrame::Cpu),
                RegionKind::GicRedist if v3 => Some(GicFrame::Redist),
                _ => None,
            };
            if let Some(f) = frame {
                gic_frames.push((r.base, r.size, f));
                continue;
            }
            let dev: Box<dyn MmioDevice> = match r.kind {
                RegionKind::Pl011 => Box::new(Pl011::new()),
                RegionKind::Pl031 => Box::new(Pl031::new(config.rtc_epoch)),
                _ => continue,
            };
            devices.push(Mapped {
                base: r.base,
                size: r.size,
                intid: r.spi.map(|s| s + 32),
                dev,
            });
        }
        Ok(Board {
            mem,
            gic: Gic::new(config.gic, config.lines),
            cur: 0,
            gic_frames,
            devices,
        })
    }

    fn device(&mut self, pa: u64) -> Option<(&mut Mapped, u64)> {
        self.devices
            .iter_mut()
            .find(|d| pa >= d.base && pa - d.base < d.size)
            .map(|d| {
                let off = pa - d.base;
                (d, off)
            })
    }

    fn gic_frame(&self, pa: u64) -> Option<(GicFrame, u64)> {
        self.gic_frames
            .iter()
            .find(|&&(base, size, _)| pa >= base && pa - base < size)
            .map(|&(base, _, f)| (f, pa - base))
    }

    /// The first serial port (the console UART).
    pub fn console_uart(&mut self) -> Option<&mut dyn SerialPort> {
        self.devices.iter_mut().find_map(|d| d.dev.as_serial())
    }

    /// Move every device's interrupt output into the GIC.
    pub fn sync_irqs(&mut self) {
        for d in &self.devices {
            if let Some(intid) = d.intid {
                self.gic.set_level(0, intid, d.dev.irq_level());
            }
        }
    }

    /// Tell the devices the system counter reads `counter` now.
    pub fn set_time(&mut self, counter: u64) {
        for d in &mut self.devices {
            d.dev.set_time(counter);
        }
        self.sync_irqs();
    }

    /// The earliest counter value at which a device changes on its own.
    pub fn next_deadline(&self) -> Option<u64> {
        self.devices
            .iter()
            .filter_map(|d| d.dev.next_deadline())
            .min()
    }

    /// System reset: RAM zeroed, GIC and devices to their reset state.
    pub fn reset(&mut self) {
        // RAM keeps its contents across a system reset, as on QEMU's virt (the boot images are
        // loaded again by the machine); guests use that to tell a warm boot from a cold one.
        self.gic.reset();
        for d in &mut self.devices {
            d.dev.reset();
        }
        self.sync_irqs();
    }
}

// SAFETY: pages come from `GuestMemory`, whose mappings live as long as the board and are never
// resized or moved.
unsafe impl Bus for Board {
    fn ram_page(&mut self, page: u64, write: bool) -> Option<NonNull<u8>> {
        self.mem.page(page, write)
    }

    fn mmio_read(&mut self, pa: u64, size: u8) -> Result<u64, BusFault> {
        if let Some((f, off)) = self.gic_frame(pa) {
            return Ok(self.gic.mmio_read(self.cur, f, off, size));
        }
        match self.device(pa) {
            Some((d, off)) => {
                let v = d.dev.read(off, size);
                let irq = d.intid.map(|i| (i, d.dev.irq_level()));
                if let Some((intid, level)) = irq {
                    self.gic.set_level(0, intid, level);
                }
                Ok(v)
            }
            None => Err(BusFault(pa)),
        }
    }

    fn mmio_write(&mut self, pa: u64, size: u8, value: u64) -> Result<(), BusFault> {
        if self.mem.is_rom(pa) {
            log::debug!("write of {value:#x} to ROM at {pa:#x} ignored");
            return Ok(());
        }
        if let Some((f, off)) = self.gic_frame(pa) {
            self.gic.mmio_write(self.cur, f, off, size, value);
            return Ok(());
        }
        match self.device(pa) {
            Some((d, off)) => {
                d.dev.write(off, size, value);
                let irq = d.intid.map(|i| (i, d.dev.irq_level()));
                if let Some((intid, level)) = irq {
                    self.gic.set_level(0, intid, level);
                }
                Ok(())
            }
            None => Err(BusFault(pa)),
        }
    }

    fn sysreg_read(&mut self, cpu: u32, enc: u32) -> u64 {
        self.gic.sysreg_read(cpu as usize, enc)
    }

    fn sysreg_write(&mut self, cpu: u32, enc: u32, value: u64) {
        self.gic.sysreg_write(cpu as usize, enc, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::pl011;
    use crate::gic::v2;
    use crate::profile::{MIB, VIRT_GIC_CPU, VIRT_GIC_DIST, VIRT_GIC_REDIST, VIRT_RTC, VIRT_UART0};

    fn board(gic: GicVersion, lines: Vec<Arc<IrqLines>>) -> Board {
        let config = BoardConfig {
            gic,
            rtc_epoch: 1234,
            lines,
        };
        Board::new(&Profile::virt(64 * MIB).unwrap(), config).unwrap()
    }

    #[test]
    fn dispatches_by_region() {
        let mut b = board(GicVersion::V2, vec![Arc::default()]);
        b.mmio_write(VIRT_UART0 + pl011::DR, 4, b'h' as u64)
            .unwrap();
        let mut out = Vec::new();
        b.console_uart().unwrap().drain_tx(&mut out);
        assert_eq!(out, b"h");
        assert_eq!(b.mmio_read(VIRT_UART0 + pl011::ID_BASE, 4).unwrap(), 0x11);
        assert_eq!(b.mmio_read(VIRT_RTC, 4), Ok(1234));
        assert_eq!(b.mmio_read(0x0902_0000, 4), Err(BusFault(0x0902_0000)));
        assert_eq!(b.mmio_read(VIRT_GIC_DIST + 0xfe8, 4), Ok(0x2b));
        assert_eq!(b.mmio_read(VIRT_GIC_CPU + 0xfc, 4), Ok(0x0202_143b));
        assert!(
            b.mmio_read(VIRT_GIC_REDIST, 4).is_err(),
            "no redistributors on v2"
        );
        assert_eq!(b.mmio_write(0x100, 4, 0), Ok(()), "ROM writes are ignored");
        assert!(b.ram_page(0x4000_0000, true).is_some());
    }

    #[test]
    fn gicv3_frames() {
        let mut b = board(GicVersion::V3, vec![Arc::default()]);
        assert_eq!(b.mmio_read(VIRT_GIC_DIST + 0xffe8, 4), Ok(0x3b));
        assert_eq!(b.mmio_read(VIRT_GIC_REDIST + 0xffe8, 4), Ok(0x3b));
        assert!(b.mmio_read(VIRT_GIC_CPU, 4).is_err(), "no GICC on v3");
    }

    #[test]
    fn uart_interrupt_reaches_the_gic_as_spi_1() {
        let lines: Vec<Arc<IrqLines>> = vec![Arc::default(), Arc::default()];
        let mut b = board(GicVersion::V2, lines.clone());
        b.mmio_write(VIRT_GIC_DIST, 4, 1).unwrap();
        b.mmio_write(VIRT_GIC_DIST + 0x104, 4, 1 << 1).unwrap();
        b.mmio_write(VIRT_GIC_DIST + 0x800 + 33, 1, 2).unwrap();
        b.cur = 1;
        b.mmio_write(VIRT_GIC_CPU + v2::GICC_CTLR, 4, 1).unwrap();
        b.mmio_write(VIRT_GIC_CPU + v2::GICC_PMR, 4, 0xff).unwrap();
        b.mmio_write(VIRT_UART0 + pl011::IMSC, 4, pl011::INT_TX as u64)
            .unwrap();
        assert_eq!(lines[1].get(), 0);
        b.mmio_write(VIRT_UART0 + pl011::DR, 4, b'x' as u64)
            .unwrap();
        assert_eq!(lines[1].get(), IrqLines::IRQ);
        assert_eq!(b.mmio_read(VIRT_GIC_CPU + v2::GICC_IAR, 4), Ok(33));
        b.mmio_write(VIRT_UART0 + pl011::ICR, 4, pl011::INT_TX as u64)
            .unwrap();
        assert!(!b.gic.pending(0, 33));
    }
}
