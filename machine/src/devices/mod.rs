//! Memory-mapped devices: one device per file behind the two-method [`MmioDevice`] trait, which
//! sees byte offsets within the device's region only. Optional capabilities (a serial port the
//! machine feeds and drains) are reached gdbstub-style through `as_*` methods that default to
//! `None`, so the trait stays small.
//!
//! Devices never panic on guest input: unknown offsets or sizes are logged and read as zero /
//! ignored on write.

pub mod pl011;
pub mod pl031;

/// A device on the MMIO bus.
pub trait MmioDevice {
    /// Read `size` bytes (1, 2, 4 or 8) at byte `offset` within the device.
    fn read(&mut self, offset: u64, size: u8) -> u64;
    /// Write the low `size` bytes of `value` at byte `offset` within the device.
    fn write(&mut self, offset: u64, size: u8, value: u64);
    /// The device as a serial port, if it is one.
    fn as_serial(&mut self) -> Option<&mut dyn SerialPort> {
        None
    }
    /// Level of the interrupt output (sampled by the machine after each access and each
    /// change of time).
    fn irq_level(&self) -> bool {
        false
    }
    /// The system counter (virtual time) is now `counter`.
    fn set_time(&mut self, counter: u64) {
        let _ = counter;
    }
    /// The counter value at which the device's state next changes on its own, if any.
    fn next_deadline(&self) -> Option<u64> {
        None
    }
    /// System reset (PSCI SYSTEM_RESET).
    fn reset(&mut self) {}
}

/// A UART as the machine sees it: bytes out to the host, bytes in from the host.
pub trait SerialPort {
    /// Append the bytes the guest transmitted since the last call to `out`.
    fn drain_tx(&mut self, out: &mut Vec<u8>);
    /// Offer one received byte; `false` when the receive FIFO is full.
    fn push_rx(&mut self, byte: u8) -> bool;
}

/// Mask of the low `size` bytes.
pub(crate) fn size_mask(size: u8) -> u64 {
    match size {
        1 => 0xff,
        2 => 0xffff,
        4 => 0xffff_ffff,
        _ => u64::MAX,
    }
}
