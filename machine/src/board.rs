//! The board: guest memory plus the MMIO devices of a profile, as the CPU core's
//! [`Bus`](bootemu_cpu::aarch64::Bus).
//!
//! RAM and ROM pages go to the core as host pointers; every other access is dispatched to the
//! device whose region holds it, with the offset within that region. Writes to ROM are ignored;
//! accesses where nothing is mapped are bus faults (synchronous external aborts in the guest).

use std::ptr::NonNull;

use bootemu_cpu::aarch64::{Bus, BusFault};

use crate::devices::pl011::Pl011;
use crate::devices::{MmioDevice, SerialPort};
use crate::memory::{GuestMemory, MemoryError};
use crate::profile::{Profile, RegionKind};

/// A device mapped at a guest-physical range.
struct Mapped {
    base: u64,
    size: u64,
    dev: Box<dyn MmioDevice>,
}

/// Memory and devices of one machine.
pub struct Board {
    /// Guest RAM and ROM.
    pub mem: GuestMemory,
    devices: Vec<Mapped>,
}

impl Board {
    /// Build memory and devices for `profile`.
    pub fn new(profile: &Profile) -> Result<Board, MemoryError> {
        let mem = GuestMemory::new(profile)?;
        let devices = profile
            .regions
            .iter()
            .filter_map(|r| {
                let dev: Box<dyn MmioDevice> = match r.kind {
                    RegionKind::Pl011 => Box::new(Pl011::new()),
                    RegionKind::Ram | RegionKind::Rom => return None,
                };
                Some(Mapped {
                    base: r.base,
                    size: r.size,
                    dev,
                })
            })
            .collect();
        Ok(Board { mem, devices })
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

    /// The first serial port (the console UART).
    pub fn console_uart(&mut self) -> Option<&mut dyn SerialPort> {
        self.devices.iter_mut().find_map(|d| d.dev.as_serial())
    }
}

// SAFETY: pages come from `GuestMemory`, whose mappings live as long as the board and are never
// resized or moved.
unsafe impl Bus for Board {
    fn ram_page(&mut self, page: u64, write: bool) -> Option<NonNull<u8>> {
        self.mem.page(page, write)
    }

    fn mmio_read(&mut self, pa: u64, size: u8) -> Result<u64, BusFault> {
        match self.device(pa) {
            Some((d, off)) => Ok(d.dev.read(off, size)),
            None => Err(BusFault(pa)),
        }
    }

    fn mmio_write(&mut self, pa: u64, size: u8, value: u64) -> Result<(), BusFault> {
        if self.mem.is_rom(pa) {
            log::debug!("write of {value:#x} to ROM at {pa:#x} ignored");
            return Ok(());
        }
        match self.device(pa) {
            Some((d, off)) => {
                d.dev.write(off, size, value);
                Ok(())
            }
            None => Err(BusFault(pa)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::pl011;
    use crate::profile::{MIB, VIRT_UART0};

    #[test]
    fn dispatches_by_region() {
        let mut b = Board::new(&Profile::virt(64 * MIB).unwrap()).unwrap();
        b.mmio_write(VIRT_UART0 + pl011::DR, 4, b'h' as u64)
            .unwrap();
        let mut out = Vec::new();
        b.console_uart().unwrap().drain_tx(&mut out);
        assert_eq!(out, b"h");
        assert_eq!(b.mmio_read(VIRT_UART0 + pl011::ID_BASE, 4).unwrap(), 0x11);
        assert_eq!(b.mmio_read(0x0901_0000, 4), Err(BusFault(0x0901_0000)));
        assert_eq!(b.mmio_write(0x0800_0000, 4, 0), Err(BusFault(0x0800_0000)));
        assert_eq!(b.mmio_write(0x100, 4, 0), Ok(()), "ROM writes are ignored");
        assert!(b.ram_page(0x4000_0000, true).is_some());
    }
}
