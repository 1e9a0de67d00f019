//! Memory-mapped devices: one device per file behind the two-method [`MmioDevice`] trait, which
//! sees byte offsets within the device's region only. Optional capabilities (a serial port the
//! machine feeds and drains) are reached gdbstub-style through `as_*` methods that default to
//! `None`, so the trait stays small.
//!
//! Devices never panic on guest input: unknown offsets or sizes are logged and read as zero /
//! ignored on write.

pub mod fw_cfg;
pub mod pflash;
pub mod pl011;
pub mod pl031;
pub mod virtio_mmio;

/// A device on the MMIO bus.
pub trait MmioDevice {
    /// Read `size` bytes (1, 2, 4 or 8) at byte `offset` within the device.
    fn read(&mut self, offset: u64, size: u8) -> u64;
    /// Write the low `size` bytes of `value` at byte `offset` within the device.
    fn write(&mut self, offset: u64, size: u8, value: u64);
    /// The device's name in traces (`pl011`, `virtio-mmio`…).
    fn name(&self) -> &'static str;
    /// The name of the register at byte `offset`, for traces, where the device has a table.
    fn reg_name(&self, offset: u64) -> Option<&'static str> {
        let _ = offset;
        None
    }
    /// The device as a serial port, if it is one.
    fn as_serial(&mut self) -> Option<&mut dyn SerialPort> {
        None
    }
    /// Level of the interrupt output (sampled by the machine after each access and each
    /// change of time).
    fn irq_level(&self) -> bool {
        false
    }
    /// Levels of the device's interrupt outputs, bit `i` for output `i`, for a device with
    /// several (a PCI host's INTA..INTD); by default the one [`MmioDevice::irq_level`].
    fn irq_lines(&self) -> u32 {
        self.irq_level() as u32
    }
    /// The system counter (virtual time) is now `counter`. Called only on devices whose
    /// [`MmioDevice::keeps_time`] is true.
    fn set_time(&mut self, counter: u64) {
        let _ = counter;
    }
    /// Whether the device needs [`MmioDevice::set_time`] or has a
    /// [`MmioDevice::next_deadline`]: true for every device that implements either (the board
    /// tells only those the time and asks only those for deadlines, twice per slice of a vCPU's
    /// run).
    fn keeps_time(&self) -> bool {
        false
    }
    /// The counter value at which the device's state next changes on its own, if any. Asked
    /// only of devices whose [`MmioDevice::keeps_time`] is true.
    fn next_deadline(&self) -> Option<u64> {
        None
    }
    /// System reset (PSCI SYSTEM_RESET).
    fn reset(&mut self) {}
    /// Perform the DMA a register write started, if any (called by the board after every write
    /// to the device, with the guest's memory).
    fn dma(&mut self, mem: &mut dyn DmaMemory) {
        let _ = mem;
    }
    /// Host pointer to the 4 KiB page at byte `offset` (page aligned) when the device currently
    /// reads like memory there (a flash bank in read-array mode): the CPU then reads and fetches
    /// it directly. Writes always reach [`MmioDevice::write`].
    fn direct_page(&mut self, offset: u64) -> Option<std::ptr::NonNull<u8>> {
        let _ = offset;
        None
    }
    /// Whether the pages [`MmioDevice::direct_page`] hands out changed (a mode switch) since the
    /// last call; the CPUs must then forget the pointers they hold.
    fn take_remapped(&mut self) -> bool {
        false
    }
    /// The device's backing store (a flash bank's contents), for writing back to its file.
    fn backing(&self) -> Option<&[u8]> {
        None
    }
    /// The disks behind the device (a block device's one, a PCI host's functions'), for
    /// their counters and their flush at the end of a run.
    fn disks(&mut self) -> Vec<&mut crate::virtio::disk::Disk> {
        Vec::new()
    }
}

/// Guest memory as a DMA-capable device sees it: guest-physical byte ranges of RAM.
pub trait DmaMemory {
    /// Copy guest memory at `addr` into `buf`; `false` (nothing copied) when the range is not
    /// inside one RAM region.
    fn read(&self, addr: u64, buf: &mut [u8]) -> bool;
    /// Copy `data` to guest memory at `addr`; `false` (nothing written) when the range is not
    /// inside one writable RAM region.
    fn write(&mut self, addr: u64, data: &[u8]) -> bool;
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

/// Guest memory for device unit tests: `len` bytes of RAM at guest-physical [`test_mem::RAM`].
#[cfg(test)]
pub(crate) mod test_mem {
    use super::DmaMemory;

    /// Base of [`FakeMem`].
    pub const RAM: u64 = 0x4000_0000;

    /// Guest RAM for tests.
    pub struct FakeMem(pub Vec<u8>);

    impl FakeMem {
        pub fn new(len: usize) -> FakeMem {
            FakeMem(vec![0; len])
        }
        fn range(&self, addr: u64, len: usize) -> Option<std::ops::Range<usize>> {
            let start = usize::try_from(addr.checked_sub(RAM)?).ok()?;
            let end = start.checked_add(len)?;
            (end <= self.0.len()).then_some(start..end)
        }
        pub fn bytes(&self, addr: u64, len: usize) -> &[u8] {
            &self.0[self.range(addr, len).unwrap()]
        }
        pub fn put(&mut self, addr: u64, data: &[u8]) {
            let r = self.range(addr, data.len()).unwrap();
            self.0[r].copy_from_slice(data);
        }
        pub fn u16(&self, addr: u64) -> u16 {
            u16::from_le_bytes(self.bytes(addr, 2).try_into().unwrap())
        }
        pub fn u32(&self, addr: u64) -> u32 {
            u32::from_le_bytes(self.bytes(addr, 4).try_into().unwrap())
        }
    }

    impl DmaMemory for FakeMem {
        fn read(&self, addr: u64, buf: &mut [u8]) -> bool {
            match self.range(addr, buf.len()) {
                Some(r) => {
                    buf.copy_from_slice(&self.0[r]);
                    true
                }
                None => false,
            }
        }
        fn write(&mut self, addr: u64, data: &[u8]) -> bool {
            match self.range(addr, data.len()) {
                Some(r) => {
                    self.0[r].copy_from_slice(data);
                    true
                }
                None => false,
            }
        }
    }
}
