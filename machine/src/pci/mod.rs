//! PCI: the functions behind a host bridge ([`PciFunction`], one per file), their
//! configuration headers ([`config`]), and the ECAM host bridge that maps configuration
//! space, the memory and I/O windows and the INTx lines ([`host`]).
//!
//! Only bus 0 is populated (no bridges); functions are function 0 of their slot. BAR
//! placement is the guest's (firmware or kernel) on `virt`, as on QEMU; a profile may
//! pre-assign them as a VMM does ([`host::PciHost::assign_bars`]).

pub mod config;
pub mod host;
pub mod virtio_pci;

use crate::devices::DmaMemory;
use crate::virtio::disk::Disk;
use config::ConfigSpace;

/// A PCI function: its configuration header and what its BARs decode to.
pub trait PciFunction {
    /// The configuration header.
    fn config(&self) -> &ConfigSpace;
    /// The configuration header, to write.
    fn config_mut(&mut self) -> &mut ConfigSpace;
    /// A configuration read of `size` bytes (1, 2 or 4) at `offset` (0..0x1000).
    fn config_read(&mut self, offset: usize, size: usize) -> u32 {
        self.config().read(offset, size)
    }
    /// A configuration write.
    fn config_write(&mut self, offset: usize, size: usize, value: u32) {
        self.config_mut().write(offset, size, value);
    }
    /// Read `size` bytes at `offset` within BAR `bar`.
    fn bar_read(&mut self, bar: usize, offset: u64, size: u8) -> u64;
    /// Write within BAR `bar`.
    fn bar_write(&mut self, bar: usize, offset: u64, size: u8, value: u64);
    /// Whether the function asserts its INTx pin.
    fn intx(&self) -> bool {
        false
    }
    /// Perform the DMA the last access started (called after every write to the function).
    fn dma(&mut self, mem: &mut dyn DmaMemory) {
        let _ = mem;
    }
    /// Function reset (system reset): configuration back to its reset values, device state
    /// too.
    fn reset(&mut self) {
        self.config_mut().reset();
    }
    /// The disk behind the function, if it is a block device.
    fn as_disk(&mut self) -> Option<&mut Disk> {
        None
    }
}
