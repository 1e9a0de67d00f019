//! The virtio-mmio transport (VIRTIO 1.2 §4.2, version 2 register layout) as QEMU's `virt`
//! has 32 of: 0x200 bytes each from 0x0a00_0000, SPI 16 + slot, FDT `compatible =
//! "virtio,mmio"` with an edge-triggered interrupt.
//!
//! Behavioural reference: QEMU's `hw/virtio/virtio-mmio.c` in its non-legacy mode. QEMU's own
//! default is still the legacy layout (`force-legacy=true`: version 1, QEMU 10 included); what
//! is modelled here is what QEMU presents with `-global virtio-mmio.force-legacy=false`, the
//! layout of the virtio 1.x specification. The transport only maps registers onto [`Virtio`],
//! which holds the transport-independent state and the device model.
//!
//! Registers (32-bit, little-endian; byte offsets from `virtio-bindings`' `virtio_mmio`):
//! [`MAGIC_VALUE`] `"virt"`, [`VERSION`] 2, [`DEVICE_ID`] (0 in an empty slot, so no driver
//! claims it, as QEMU's empty transports), [`VENDOR_ID`] `"QEMU"`, the feature words and
//! their selects, the queue select / size / ready / ring address registers of the selected
//! queue ([`QUEUE_NUM_MAX`] is [`crate::virtio::queue::MAX_SIZE`] for an existing queue, 0
//! otherwise, as QEMU's), [`QUEUE_NOTIFY`] (the queue is processed right after the write, when
//! the board calls [`MmioDevice::dma`]), [`INTERRUPT_STATUS`] / [`INTERRUPT_ACK`],
//! [`STATUS`] (writing 0 resets the device), [`SHM_LEN_LOW`] / [`SHM_LEN_HIGH`] (all ones: no
//! shared memory region, as QEMU), [`CONFIG_GENERATION`], and the device configuration space
//! from [`CONFIG`] (1, 2, 4 or 8-byte accesses).
//!
//! The interrupt output is high while any interrupt status bit is set (QEMU's
//! `virtio_mmio_update_irq`); the guest's ACK lowers it, so every used-buffer notification after
//! an ACK is a new rising edge for the edge-triggered SPI, and completions before the ACK are
//! found by the interrupt handler that follows (Linux's `vm_interrupt` acknowledges first, then
//! walks the used rings).
//!
//! Not modelled: the legacy (version 1) registers `GuestPageSize`, `QueueAlign`, `QueuePFN`
//! (read as zero, writes ignored, as QEMU's non-legacy mode), `QueueReset` (`VIRTIO_F_RING_RESET`
//! is not offered), shared memory regions. Registers below [`CONFIG`] take 32-bit accesses
//! only; others are logged and read as zero / ignored, as are unknown offsets.

use virtio_bindings::virtio_mmio as vm;

use super::{DmaMemory, MmioDevice};
use crate::virtio::disk::Disk;
use crate::virtio::{Ring, Virtio, VirtioDevice};

/// Size of one transport's register window.
pub const REGION_SIZE: u64 = 0x200;
/// `"virt"`.
pub const MAGIC: u32 = 0x7472_6976;
/// Register layout version (2: virtio 1.x, non-legacy).
pub const VERSION_2: u32 = 2;
/// `"QEMU"`, QEMU's vendor ID.
pub const VENDOR_QEMU: u32 = 0x554d_4551;

/// Magic value (`"virt"`).
pub const MAGIC_VALUE: u64 = vm::VIRTIO_MMIO_MAGIC_VALUE as u64;
/// Register layout version.
pub const VERSION: u64 = vm::VIRTIO_MMIO_VERSION as u64;
/// Virtio device ID.
pub const DEVICE_ID: u64 = vm::VIRTIO_MMIO_DEVICE_ID as u64;
/// Vendor ID.
pub const VENDOR_ID: u64 = vm::VIRTIO_MMIO_VENDOR_ID as u64;
/// Device features, the word `DEVICE_FEATURES_SEL` picks.
pub const DEVICE_FEATURES: u64 = vm::VIRTIO_MMIO_DEVICE_FEATURES as u64;
/// Device features word select.
pub const DEVICE_FEATURES_SEL: u64 = vm::VIRTIO_MMIO_DEVICE_FEATURES_SEL as u64;
/// Driver features, the word `DRIVER_FEATURES_SEL` picks.
pub const DRIVER_FEATURES: u64 = vm::VIRTIO_MMIO_DRIVER_FEATURES as u64;
/// Driver features word select.
pub const DRIVER_FEATURES_SEL: u64 = vm::VIRTIO_MMIO_DRIVER_FEATURES_SEL as u64;
/// Legacy: guest page size.
pub const GUEST_PAGE_SIZE: u64 = vm::VIRTIO_MMIO_GUEST_PAGE_SIZE as u64;
/// Queue select.
pub const QUEUE_SEL: u64 = vm::VIRTIO_MMIO_QUEUE_SEL as u64;
/// Largest size of the selected queue.
pub const QUEUE_NUM_MAX: u64 = vm::VIRTIO_MMIO_QUEUE_NUM_MAX as u64;
/// Size of the selected queue.
pub const QUEUE_NUM: u64 = vm::VIRTIO_MMIO_QUEUE_NUM as u64;
/// Legacy: ring alignment.
pub const QUEUE_ALIGN: u64 = vm::VIRTIO_MMIO_QUEUE_ALIGN as u64;
/// Legacy: ring page frame number.
pub const QUEUE_PFN: u64 = vm::VIRTIO_MMIO_QUEUE_PFN as u64;
/// The selected queue is enabled.
pub const QUEUE_READY: u64 = vm::VIRTIO_MMIO_QUEUE_READY as u64;
/// Queue notification (the queue index).
pub const QUEUE_NOTIFY: u64 = vm::VIRTIO_MMIO_QUEUE_NOTIFY as u64;
/// Interrupt status.
pub const INTERRUPT_STATUS: u64 = vm::VIRTIO_MMIO_INTERRUPT_STATUS as u64;
/// Interrupt acknowledge.
pub const INTERRUPT_ACK: u64 = vm::VIRTIO_MMIO_INTERRUPT_ACK as u64;
/// Device status.
pub const STATUS: u64 = vm::VIRTIO_MMIO_STATUS as u64;
/// Descriptor table address, low half.
pub const QUEUE_DESC_LOW: u64 = vm::VIRTIO_MMIO_QUEUE_DESC_LOW as u64;
/// Descriptor table address, high half.
pub const QUEUE_DESC_HIGH: u64 = vm::VIRTIO_MMIO_QUEUE_DESC_HIGH as u64;
/// Available ring address, low half.
pub const QUEUE_AVAIL_LOW: u64 = vm::VIRTIO_MMIO_QUEUE_AVAIL_LOW as u64;
/// Available ring address, high half.
pub const QUEUE_AVAIL_HIGH: u64 = vm::VIRTIO_MMIO_QUEUE_AVAIL_HIGH as u64;
/// Used ring address, low half.
pub const QUEUE_USED_LOW: u64 = vm::VIRTIO_MMIO_QUEUE_USED_LOW as u64;
/// Used ring address, high half.
pub const QUEUE_USED_HIGH: u64 = vm::VIRTIO_MMIO_QUEUE_USED_HIGH as u64;
/// Shared memory region select.
pub const SHM_SEL: u64 = vm::VIRTIO_MMIO_SHM_SEL as u64;
/// Shared memory region length, low half.
pub const SHM_LEN_LOW: u64 = vm::VIRTIO_MMIO_SHM_LEN_LOW as u64;
/// Shared memory region length, high half.
pub const SHM_LEN_HIGH: u64 = vm::VIRTIO_MMIO_SHM_LEN_HIGH as u64;
/// Configuration generation.
pub const CONFIG_GENERATION: u64 = vm::VIRTIO_MMIO_CONFIG_GENERATION as u64;
/// Start of the device configuration space.
pub const CONFIG: u64 = vm::VIRTIO_MMIO_CONFIG as u64;

/// One virtio-mmio transport, with a device or empty.
pub struct VirtioMmio {
    virtio: Option<Virtio>,
}

impl VirtioMmio {
    /// A slot with no device (device ID 0).
    pub fn empty() -> VirtioMmio {
        VirtioMmio { virtio: None }
    }

    /// A transport for `dev`.
    pub fn new(dev: Box<dyn VirtioDevice>) -> VirtioMmio {
        VirtioMmio {
            virtio: Some(Virtio::new(dev)),
        }
    }

    fn read_reg(v: &Virtio, offset: u64) -> u32 {
        let ring = |r| v.queue_addr(r);
        match offset {
            MAGIC_VALUE => MAGIC,
            VERSION => VERSION_2,
            DEVICE_ID => v.device_id(),
            VENDOR_ID => VENDOR_QEMU,
            DEVICE_FEATURES => v.device_features(),
            QUEUE_NUM_MAX => v.queue_max() as u32,
            QUEUE_READY => v.queue_ready() as u32,
            INTERRUPT_STATUS => v.interrupt_status() as u32,
            STATUS => v.status() as u32,
            CONFIG_GENERATION => v.config_generation(),
            SHM_LEN_LOW | SHM_LEN_HIGH => u32::MAX,
            QUEUE_DESC_LOW => ring(Ring::Desc) as u32,
            QUEUE_DESC_HIGH => (ring(Ring::Desc) >> 32) as u32,
            QUEUE_AVAIL_LOW => ring(Ring::Avail) as u32,
            QUEUE_AVAIL_HIGH => (ring(Ring::Avail) >> 32) as u32,
            QUEUE_USED_LOW => ring(Ring::Used) as u32,
            QUEUE_USED_HIGH => (ring(Ring::Used) >> 32) as u32,
            DEVICE_FEATURES_SEL | DRIVER_FEATURES | DRIVER_FEATURES_SEL | QUEUE_SEL | QUEUE_NUM
            | QUEUE_NOTIFY | INTERRUPT_ACK | SHM_SEL => {
                log::debug!("virtio-mmio: read of write-only register {offset:#x}");
                0
            }
            _ => {
                log::warn!("virtio-mmio: read at bad offset {offset:#x}");
                0
            }
        }
    }

    fn write_reg(v: &mut Virtio, offset: u64, value: u32) {
        match offset {
            DEVICE_FEATURES_SEL => v.set_device_features_sel(value),
            DRIVER_FEATURES => v.set_driver_features(value),
            DRIVER_FEATURES_SEL => v.set_driver_features_sel(value),
            QUEUE_SEL => v.set_queue_sel(value),
            QUEUE_NUM => v.set_queue_size(value.min(u16::MAX as u32) as u16),
            QUEUE_READY => v.set_queue_ready(value & 1 != 0),
            QUEUE_NOTIFY => v.notify(value),
            INTERRUPT_ACK => v.ack_interrupt(value),
            STATUS => v.set_status(value as u8),
            QUEUE_DESC_LOW => v.set_queue_addr(Ring::Desc, false, value),
            QUEUE_DESC_HIGH => v.set_queue_addr(Ring::Desc, true, value),
            QUEUE_AVAIL_LOW => v.set_queue_addr(Ring::Avail, false, value),
            QUEUE_AVAIL_HIGH => v.set_queue_addr(Ring::Avail, true, value),
            QUEUE_USED_LOW => v.set_queue_addr(Ring::Used, false, value),
            QUEUE_USED_HIGH => v.set_queue_addr(Ring::Used, true, value),
            SHM_SEL => {}
            // EDK2 writes QueueAlign on a version 2 transport too: harmless, not worth a warning.
            GUEST_PAGE_SIZE | QUEUE_ALIGN | QUEUE_PFN => {
                log::debug!(
                    "virtio-mmio: write of {value:#x} to legacy register {offset:#x} ignored"
                );
            }
            _ => log::warn!("virtio-mmio: write of {value:#x} at bad offset {offset:#x} ignored"),
        }
    }
}

impl MmioDevice for VirtioMmio {
    fn name(&self) -> &'static str {
        "virtio-mmio"
    }

    fn reg_name(&self, offset: u64) -> Option<&'static str> {
        Some(match offset {
            MAGIC_VALUE => "MagicValue",
            VERSION => "Version",
            DEVICE_ID => "DeviceID",
            VENDOR_ID => "VendorID",
            DEVICE_FEATURES => "DeviceFeatures",
            DEVICE_FEATURES_SEL => "DeviceFeaturesSel",
            DRIVER_FEATURES => "DriverFeatures",
            DRIVER_FEATURES_SEL => "DriverFeaturesSel",
            GUEST_PAGE_SIZE => "GuestPageSize",
            QUEUE_SEL => "QueueSel",
            QUEUE_NUM_MAX => "QueueNumMax",
            QUEUE_NUM => "QueueNum",
            QUEUE_ALIGN => "QueueAlign",
            QUEUE_PFN => "QueuePFN",
            QUEUE_READY => "QueueReady",
            QUEUE_NOTIFY => "QueueNotify",
            INTERRUPT_STATUS => "InterruptStatus",
            INTERRUPT_ACK => "InterruptACK",
            STATUS => "Status",
            QUEUE_DESC_LOW => "QueueDescLow",
            QUEUE_DESC_HIGH => "QueueDescHigh",
            QUEUE_AVAIL_LOW => "QueueDriverLow",
            QUEUE_AVAIL_HIGH => "QueueDriverHigh",
            QUEUE_USED_LOW => "QueueDeviceLow",
            QUEUE_USED_HIGH => "QueueDeviceHigh",
            SHM_SEL => "SHMSel",
            SHM_LEN_LOW => "SHMLenLow",
            SHM_LEN_HIGH => "SHMLenHigh",
            CONFIG_GENERATION => "ConfigGeneration",
            CONFIG..=REGION_SIZE => "Config",
            _ => return None,
        })
    }

    fn read(&mut self, offset: u64, size: u8) -> u64 {
        let Some(v) = &self.virtio else {
            // An empty slot: enough for a driver to see a transport without a device.
            return match (offset, size) {
                (MAGIC_VALUE, 4) => MAGIC as u64,
                (VERSION, 4) => VERSION_2 as u64,
                (VENDOR_ID, 4) => VENDOR_QEMU as u64,
                _ => 0,
            };
        };
        if offset >= CONFIG {
            if !matches!(size, 1 | 2 | 4 | 8) {
                log::warn!("virtio-mmio: {size}-byte configuration read at {offset:#x}");
                return 0;
            }
            return v.read_config(offset - CONFIG, size);
        }
        if size != 4 {
            log::warn!("virtio-mmio: {size}-byte read of register {offset:#x}");
            return 0;
        }
        Self::read_reg(v, offset) as u64
    }

    fn write(&mut self, offset: u64, size: u8, value: u64) {
        let Some(v) = &mut self.virtio else {
            return;
        };
        if offset >= CONFIG {
            if matches!(size, 1 | 2 | 4 | 8) {
                v.write_config(offset - CONFIG, size, value);
            } else {
                log::warn!("virtio-mmio: {size}-byte configuration write at {offset:#x}");
            }
            return;
        }
        if size != 4 {
            log::warn!("virtio-mmio: {size}-byte write of {value:#x} to register {offset:#x}");
            return;
        }
        Self::write_reg(v, offset, value as u32);
    }

    fn irq_level(&self) -> bool {
        self.virtio.as_ref().is_some_and(Virtio::irq_level)
    }

    fn reset(&mut self) {
        if let Some(v) = &mut self.virtio {
            v.reset();
        }
    }

    fn dma(&mut self, mem: &mut dyn DmaMemory) {
        if let Some(v) = &mut self.virtio {
            if v.pending() {
                v.process(mem);
            }
        }
    }

    fn disks(&mut self) -> Vec<&mut Disk> {
        self.virtio
            .as_mut()
            .and_then(Virtio::as_disk)
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::virtio::blk::tests::{offer_request, DATA, STATUS as STATUS_BYTE};
    use crate::virtio::blk::{self, Blk, S_OK, T_IN};
    use crate::virtio::disk::tests::Scratch;
    use crate::virtio::disk::{Disk, DiskMode};
    use crate::virtio::queue::tests::{Driver, FakeMem, RAM};
    use crate::virtio::queue::{DESC_F_NEXT, DESC_F_WRITE};
    use crate::virtio::{
        F_VERSION_1, INT_CONFIG, INT_VRING, STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK,
        STATUS_FEATURES_OK, STATUS_NEEDS_RESET,
    };

    fn rd(t: &mut VirtioMmio, off: u64) -> u32 {
        t.read(off, 4) as u32
    }

    fn wr(t: &mut VirtioMmio, off: u64, v: u32) {
        t.write(off, 4, v as u64);
    }

    fn blk_transport(img: &Scratch) -> VirtioMmio {
        let disk = Disk::open(&img.0, DiskMode::Overlay).unwrap();
        VirtioMmio::new(Box::new(Blk::new(disk)))
    }

    /// The driver's side of §3.1.1 up to FEATURES_OK, accepting `features`.
    fn negotiate(t: &mut VirtioMmio, features: u64) -> u32 {
        wr(t, STATUS, 0);
        wr(t, STATUS, STATUS_ACKNOWLEDGE as u32);
        wr(t, STATUS, (STATUS_ACKNOWLEDGE | STATUS_DRIVER) as u32);
        for sel in 0..2 {
            wr(t, DRIVER_FEATURES_SEL, sel);
            wr(t, DRIVER_FEATURES, (features >> (32 * sel)) as u32);
        }
        wr(
            t,
            STATUS,
            (STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK) as u32,
        );
        rd(t, STATUS)
    }

    /// Set queue 0 up at the driver's rings and finish initialization.
    fn set_up_queue(t: &mut VirtioMmio, drv: &Driver) {
        wr(t, QUEUE_SEL, 0);
        wr(t, QUEUE_NUM, drv.size as u32);
        wr(t, QUEUE_DESC_LOW, drv.desc as u32);
        wr(t, QUEUE_DESC_HIGH, (drv.desc >> 32) as u32);
        wr(t, QUEUE_AVAIL_LOW, drv.avail as u32);
        wr(t, QUEUE_AVAIL_HIGH, 0);
        wr(t, QUEUE_USED_LOW, drv.used as u32);
        wr(t, QUEUE_USED_HIGH, 0);
        wr(t, QUEUE_READY, 1);
        let s = rd(t, STATUS) | STATUS_DRIVER_OK as u32;
        wr(t, STATUS, s);
    }

    #[test]
    fn identification() {
        let mut e = VirtioMmio::empty();
        assert_eq!(rd(&mut e, MAGIC_VALUE), 0x7472_6976);
        assert_eq!(rd(&mut e, VERSION), 2);
        assert_eq!(rd(&mut e, DEVICE_ID), 0);
        assert_eq!(rd(&mut e, VENDOR_ID), 0x554d_4551);
        assert_eq!(rd(&mut e, QUEUE_NUM_MAX), 0);
        wr(&mut e, STATUS, 1);
        assert_eq!(rd(&mut e, STATUS), 0);
        assert!(!e.irq_level());
        let img = Scratch::new("mmio-id", 4);
        let mut t = blk_transport(&img);
        assert_eq!(rd(&mut t, MAGIC_VALUE), MAGIC);
        assert_eq!(rd(&mut t, VERSION), 2);
        assert_eq!(rd(&mut t, DEVICE_ID), blk::DEVICE_ID);
        assert_eq!(rd(&mut t, VENDOR_ID), VENDOR_QEMU);
        assert_eq!(t.read(MAGIC_VALUE, 2), 0, "registers are 32-bit only");
        // Capacity through the configuration space, 4 bytes and 1 byte at a time.
        assert_eq!(t.read(CONFIG, 4), 4);
        assert_eq!(t.read(CONFIG + 4, 4), 0);
        assert_eq!(t.read(CONFIG, 8), 4);
        assert_eq!(t.read(CONFIG + 20, 1), 0);
        assert_eq!(t.read(CONFIG + 21, 1), 2);
        assert_eq!(rd(&mut t, SHM_LEN_LOW), u32::MAX);
        assert_eq!(rd(&mut t, 0x1f0), 0);
    }

    #[test]
    fn feature_negotiation() {
        let img = Scratch::new("mmio-features", 4);
        let mut t = blk_transport(&img);
        wr(&mut t, DEVICE_FEATURES_SEL, 1);
        assert_eq!(rd(&mut t, DEVICE_FEATURES), 1, "VERSION_1 is bit 32");
        wr(&mut t, DEVICE_FEATURES_SEL, 0);
        let low = rd(&mut t, DEVICE_FEATURES);
        assert_ne!(low & (1 << 9), 0, "FLUSH");
        assert_eq!(low & (1 << 5), 0, "not RO");
        wr(&mut t, DEVICE_FEATURES_SEL, 2);
        assert_eq!(rd(&mut t, DEVICE_FEATURES), 0);
        // Asking for something not offered: FEATURES_OK does not stick.
        let s = negotiate(&mut t, F_VERSION_1 | 1 << 40);
        assert_eq!(s as u8 & STATUS_FEATURES_OK, 0);
        let s = negotiate(&mut t, F_VERSION_1 | blk::F_FLUSH);
        assert_ne!(s as u8 & STATUS_FEATURES_OK, 0);
        assert_eq!(
            t.virtio.as_ref().unwrap().negotiated(),
            F_VERSION_1 | blk::F_FLUSH
        );
    }

    #[test]
    fn queue_setup_notify_used_ring_and_interrupt() {
        let img = Scratch::new("mmio-queue", 4);
        let mut t = blk_transport(&img);
        let mut mem = FakeMem::new(0x20000);
        let mut drv = Driver::new(8);
        negotiate(&mut t, F_VERSION_1);
        wr(&mut t, QUEUE_SEL, 0);
        assert_eq!(rd(&mut t, QUEUE_NUM_MAX), 1024);
        wr(&mut t, QUEUE_SEL, 1);
        assert_eq!(rd(&mut t, QUEUE_NUM_MAX), 0, "one queue only");
        set_up_queue(&mut t, &drv);
        assert_eq!(rd(&mut t, QUEUE_READY), 1);
        assert_eq!(rd(&mut t, QUEUE_DESC_LOW), drv.desc as u32);
        // A read of sector 3.
        offer_request(&mut drv, &mut mem, T_IN, 3, (DATA, 512, true));
        wr(&mut t, QUEUE_NOTIFY, 0);
        assert!(!t.irq_level(), "nothing happens before the DMA hook");
        t.dma(&mut mem);
        assert_eq!(drv.used_idx(&mem), 1);
        assert_eq!(drv.used_elem(&mem, 0), (0, 513));
        assert_eq!(mem.bytes(DATA, 512), &[3; 512]);
        assert_eq!(mem.bytes(STATUS_BYTE, 1), &[S_OK]);
        assert!(t.irq_level());
        assert_eq!(rd(&mut t, INTERRUPT_STATUS), INT_VRING as u32);
        wr(&mut t, INTERRUPT_ACK, INT_VRING as u32);
        assert!(!t.irq_level());
        assert_eq!(rd(&mut t, INTERRUPT_STATUS), 0);
        // The next completion raises the line again (a new edge).
        drv.offer(&mut mem, 0);
        wr(&mut t, QUEUE_NOTIFY, 0);
        t.dma(&mut mem);
        assert_eq!(drv.used_idx(&mem), 2);
        assert!(t.irq_level());
        // The driver may ask for no interrupt.
        wr(&mut t, INTERRUPT_ACK, INT_VRING as u32);
        mem.put(drv.avail, &1u16.to_le_bytes());
        drv.offer(&mut mem, 0);
        wr(&mut t, QUEUE_NOTIFY, 0);
        t.dma(&mut mem);
        assert_eq!(drv.used_idx(&mem), 3);
        assert!(!t.irq_level());
    }

    #[test]
    fn nothing_is_processed_before_driver_ok() {
        let img = Scratch::new("mmio-early", 4);
        let mut t = blk_transport(&img);
        let mut mem = FakeMem::new(0x20000);
        let mut drv = Driver::new(8);
        negotiate(&mut t, F_VERSION_1);
        wr(&mut t, QUEUE_NUM, 8);
        wr(&mut t, QUEUE_DESC_LOW, drv.desc as u32);
        wr(&mut t, QUEUE_AVAIL_LOW, drv.avail as u32);
        wr(&mut t, QUEUE_USED_LOW, drv.used as u32);
        wr(&mut t, QUEUE_READY, 1);
        drv.set_desc(&mut mem, 0, RAM + 0x8000, 16, DESC_F_NEXT, 1);
        drv.set_desc(&mut mem, 1, RAM + 0x9200, 1, DESC_F_WRITE, 0);
        drv.offer(&mut mem, 0);
        wr(&mut t, QUEUE_NOTIFY, 0);
        t.dma(&mut mem);
        assert_eq!(drv.used_idx(&mem), 0);
        let s = rd(&mut t, STATUS) | STATUS_DRIVER_OK as u32;
        wr(&mut t, STATUS, s);
        t.dma(&mut mem);
        assert_eq!(drv.used_idx(&mem), 1, "served once the driver is ready");
    }

    #[test]
    fn hostile_queues_need_a_reset() {
        let img = Scratch::new("mmio-hostile", 4);
        let mut t = blk_transport(&img);
        let mut mem = FakeMem::new(0x20000);
        // A queue size that is not a power of two.
        negotiate(&mut t, F_VERSION_1);
        wr(&mut t, QUEUE_NUM, 100);
        wr(&mut t, QUEUE_READY, 1);
        assert_eq!(rd(&mut t, QUEUE_READY), 0);
        assert_ne!(rd(&mut t, STATUS) as u8 & STATUS_NEEDS_RESET, 0);
        assert!(!t.irq_level(), "no interrupt before DRIVER_OK");
        // A descriptor loop after DRIVER_OK: needs reset plus a configuration interrupt.
        let mut drv = Driver::new(4);
        negotiate(&mut t, F_VERSION_1);
        assert_eq!(
            rd(&mut t, STATUS) as u8 & STATUS_NEEDS_RESET,
            0,
            "reset cleared it"
        );
        set_up_queue(&mut t, &drv);
        drv.set_desc(&mut mem, 0, RAM + 0x8000, 16, DESC_F_NEXT, 0);
        drv.offer(&mut mem, 0);
        wr(&mut t, QUEUE_NOTIFY, 0);
        t.dma(&mut mem);
        assert_ne!(rd(&mut t, STATUS) as u8 & STATUS_NEEDS_RESET, 0);
        assert_eq!(rd(&mut t, INTERRUPT_STATUS), INT_CONFIG as u32);
        // The guest cannot clear NEEDS_RESET by writing the status.
        let s = rd(&mut t, STATUS) & !(STATUS_NEEDS_RESET as u32);
        wr(&mut t, STATUS, s);
        assert_ne!(rd(&mut t, STATUS) as u8 & STATUS_NEEDS_RESET, 0);
        // Rings outside RAM.
        let mut drv = Driver::new(4);
        drv.used = 0x10_0000;
        negotiate(&mut t, F_VERSION_1);
        set_up_queue(&mut t, &drv);
        drv.set_desc(&mut mem, 0, RAM + 0x8000, 16, DESC_F_NEXT, 1);
        drv.set_desc(&mut mem, 1, RAM + 0x9200, 1, DESC_F_WRITE, 0);
        drv.offer(&mut mem, 0);
        wr(&mut t, QUEUE_NOTIFY, 0);
        t.dma(&mut mem);
        assert_ne!(rd(&mut t, STATUS) as u8 & STATUS_NEEDS_RESET, 0);
        // Misaligned rings are refused at enable time.
        let mut drv = Driver::new(4);
        drv.desc += 8;
        negotiate(&mut t, F_VERSION_1);
        set_up_queue(&mut t, &drv);
        assert_eq!(rd(&mut t, QUEUE_READY), 0);
        assert_ne!(rd(&mut t, STATUS) as u8 & STATUS_NEEDS_RESET, 0);
    }

    #[test]
    fn reset_by_status_zero() {
        let img = Scratch::new("mmio-reset", 4);
        let mut t = blk_transport(&img);
        let mut mem = FakeMem::new(0x20000);
        let mut drv = Driver::new(8);
        negotiate(&mut t, F_VERSION_1);
        set_up_queue(&mut t, &drv);
        drv.set_desc(&mut mem, 0, RAM + 0x8000, 16, DESC_F_NEXT, 1);
        drv.set_desc(&mut mem, 1, RAM + 0x9200, 1, DESC_F_WRITE, 0);
        drv.offer(&mut mem, 0);
        wr(&mut t, QUEUE_NOTIFY, 0);
        t.dma(&mut mem);
        assert!(t.irq_level());
        wr(&mut t, STATUS, 0);
        assert_eq!(rd(&mut t, STATUS), 0);
        assert!(!t.irq_level());
        assert_eq!(rd(&mut t, QUEUE_READY), 0);
        assert_eq!(rd(&mut t, QUEUE_DESC_LOW), 0);
        assert_eq!(rd(&mut t, QUEUE_NUM_MAX), 1024);
        assert_eq!(t.virtio.as_ref().unwrap().negotiated(), 0);
        // The device works again from scratch (ring positions back at 0).
        let mut mem = FakeMem::new(0x20000);
        let mut drv = Driver::new(8);
        negotiate(&mut t, F_VERSION_1);
        set_up_queue(&mut t, &drv);
        drv.set_desc(&mut mem, 0, RAM + 0x8000, 16, DESC_F_NEXT, 1);
        drv.set_desc(&mut mem, 1, RAM + 0x9200, 1, DESC_F_WRITE, 0);
        drv.offer(&mut mem, 0);
        wr(&mut t, QUEUE_NOTIFY, 0);
        t.dma(&mut mem);
        assert_eq!(drv.used_idx(&mem), 1);
        // System reset too.
        MmioDevice::reset(&mut t);
        assert_eq!(rd(&mut t, STATUS), 0);
        assert_eq!(t.disks().len(), 1, "the disk stays");
    }
}
