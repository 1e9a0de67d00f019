//! The virtio-pci modern transport (VIRTIO 1.2 §4.1): a PCI function whose vendor-specific
//! capabilities point into one BAR holding the common configuration, the ISR status, the
//! device configuration and the notification area, as QEMU lays out a modern-only
//! (`disable-legacy=on`) device: BAR 4, 64-bit prefetchable memory, 16 KiB, one 4 KiB page per
//! structure (common at 0, ISR at 0x1000, device at 0x2000, notify at 0x3000 with
//! `notify_off_multiplier` 4 and queue `i`'s `queue_notify_off` = `i`). The transport only maps
//! registers onto [`Virtio`], which holds the transport-independent state and the device
//! model: the same device model sits behind virtio-mmio.
//!
//! IDs: vendor 0x1af4, device 0x1040 + the virtio device ID, revision 1 (a non-transitional
//! device, §4.1.2.1), subsystem 0x1af4:0x1100 (QEMU's), the class the device model names.
//! Capabilities, in QEMU's order: common (cfg_type 1), ISR (3), device (4), notify (2), and
//! the PCI configuration access capability (5, §4.1.4.9), whose `pci_cfg_data` window reads
//! and writes the BAR at the offset and length the driver put in it.
//!
//! Interrupts are INTx (pin INTA): the line is high while the ISR status is non-zero; reading
//! the ISR returns it and clears it (§4.1.4.5), lowering the line. MSI-X is not offered:
//! `config_msix_vector` and `queue_msix_vector` read `VIRTIO_MSI_NO_VECTOR`, which tells a
//! driver that tries to use a vector that it cannot (Linux and EDK2 fall back to INTx or
//! polling).
//!
//! Not modelled: the legacy (transitional) I/O BAR, MSI-X, `VIRTIO_F_NOTIFICATION_DATA`
//! (`queue_notify_data`) and `VIRTIO_F_RING_RESET` (`queue_reset`), which are not offered; a
//! PCIe capability (the function looks like a conventional PCI function on the root bus,
//! which Linux, EDK2 and U-Boot drive the same way).

use super::config::{Bar, BarKind, ConfigSpace};
use super::PciFunction;
use crate::devices::{size_mask, DmaMemory};
use crate::virtio::disk::Disk;
use crate::virtio::{Ring, Virtio, VirtioDevice};

/// Red Hat / Qumranet: the virtio PCI vendor ID.
pub const VENDOR_VIRTIO: u16 = 0x1af4;
/// Modern device IDs are this plus the virtio device ID.
pub const DEVICE_MODERN_BASE: u16 = 0x1040;
/// QEMU's subsystem ID.
pub const SUBSYSTEM_QEMU: u16 = 0x1100;
/// The BAR holding the structures.
pub const BAR: usize = 4;
/// Its size.
pub const BAR_SIZE: u64 = 0x4000;
/// Common configuration offset in the BAR.
pub const COMMON: u64 = 0x0000;
/// ISR status offset.
pub const ISR: u64 = 0x1000;
/// Device configuration offset.
pub const DEVICE: u64 = 0x2000;
/// Notification area offset.
pub const NOTIFY: u64 = 0x3000;
/// Bytes between two queues' notification addresses.
pub const NOTIFY_OFF_MULTIPLIER: u32 = 4;
/// Vendor-specific capability ID.
pub const CAP_VENDOR: u8 = 0x09;
/// `cfg_type`: common configuration.
pub const CAP_COMMON: u8 = 1;
/// `cfg_type`: notifications.
pub const CAP_NOTIFY: u8 = 2;
/// `cfg_type`: ISR status.
pub const CAP_ISR: u8 = 3;
/// `cfg_type`: device configuration.
pub const CAP_DEVICE: u8 = 4;
/// `cfg_type`: PCI configuration access.
pub const CAP_PCI_CFG: u8 = 5;
/// No MSI-X vector.
pub const NO_VECTOR: u16 = 0xffff;

/// Common configuration fields (§4.1.4.3), byte offsets.
pub mod common {
    /// Device feature word select.
    pub const DEVICE_FEATURE_SELECT: u64 = 0x00;
    /// Device feature word.
    pub const DEVICE_FEATURE: u64 = 0x04;
    /// Driver feature word select.
    pub const DRIVER_FEATURE_SELECT: u64 = 0x08;
    /// Driver feature word.
    pub const DRIVER_FEATURE: u64 = 0x0c;
    /// MSI-X vector for configuration changes.
    pub const CONFIG_MSIX_VECTOR: u64 = 0x10;
    /// Number of queues.
    pub const NUM_QUEUES: u64 = 0x12;
    /// Device status (8 bits).
    pub const DEVICE_STATUS: u64 = 0x14;
    /// Configuration generation (8 bits).
    pub const CONFIG_GENERATION: u64 = 0x15;
    /// Queue select.
    pub const QUEUE_SELECT: u64 = 0x16;
    /// Queue size.
    pub const QUEUE_SIZE: u64 = 0x18;
    /// Queue MSI-X vector.
    pub const QUEUE_MSIX_VECTOR: u64 = 0x1a;
    /// Queue enable.
    pub const QUEUE_ENABLE: u64 = 0x1c;
    /// Queue notification offset (in multiples of the multiplier).
    pub const QUEUE_NOTIFY_OFF: u64 = 0x1e;
    /// Descriptor table address (64 bits).
    pub const QUEUE_DESC: u64 = 0x20;
    /// Driver (available) ring address (64 bits).
    pub const QUEUE_DRIVER: u64 = 0x28;
    /// Device (used) ring address (64 bits).
    pub const QUEUE_DEVICE: u64 = 0x30;
    /// High half of [`QUEUE_DESC`].
    pub const QUEUE_DESC_HI: u64 = QUEUE_DESC + 4;
    /// High half of [`QUEUE_DRIVER`].
    pub const QUEUE_DRIVER_HI: u64 = QUEUE_DRIVER + 4;
    /// High half of [`QUEUE_DEVICE`].
    pub const QUEUE_DEVICE_HI: u64 = QUEUE_DEVICE + 4;
    /// End of the structure as offered (no notification data, no queue reset).
    pub const END: u64 = 0x38;
}

/// A virtio device behind the modern PCI transport.
pub struct VirtioPci {
    cfg: ConfigSpace,
    virtio: Virtio,
    /// Offset of the PCI configuration access capability.
    pci_cfg_cap: usize,
}

/// Body of a `virtio_pci_cap` after the ID and next pointer: `cap_len`, `cfg_type`, `bar`,
/// `id`, padding, `offset`, `length`.
fn cap_body(len: u8, cfg_type: u8, offset: u64, length: u64) -> Vec<u8> {
    let mut b = vec![len, cfg_type, BAR as u8, 0, 0, 0];
    b.extend_from_slice(&(offset as u32).to_le_bytes());
    b.extend_from_slice(&(length as u32).to_le_bytes());
    b
}

impl VirtioPci {
    /// A transport for `dev` whose PCI class code is `class`.
    pub fn new(dev: Box<dyn VirtioDevice>, class: u32) -> VirtioPci {
        let virtio = Virtio::new(dev);
        let id = DEVICE_MODERN_BASE.wrapping_add(virtio.device_id() as u16);
        let mut cfg = ConfigSpace::new(VENDOR_VIRTIO, id, 1, class);
        cfg.set_subsystem(VENDOR_VIRTIO, SUBSYSTEM_QEMU);
        cfg.set_interrupt_pin(1);
        let bar = Bar {
            size: BAR_SIZE,
            kind: BarKind::Mem64,
            prefetchable: true,
        };
        let mut pci_cfg_cap = 0;
        let caps: [(u8, u64, u64); 4] = [
            (CAP_COMMON, COMMON, 0x1000),
            (CAP_ISR, ISR, 0x1000),
            (CAP_DEVICE, DEVICE, 0x1000),
            (CAP_NOTIFY, NOTIFY, 0x1000),
        ];
        // The header was built for these: a 16 KiB BAR at 4 and five capabilities fit.
        let built = (|| -> Result<(), super::config::ConfigError> {
            cfg.add_bar(BAR, bar)?;
            for (t, off, len) in caps {
                let mut body = cap_body(if t == CAP_NOTIFY { 20 } else { 16 }, t, off, len);
                if t == CAP_NOTIFY {
                    body.extend_from_slice(&NOTIFY_OFF_MULTIPLIER.to_le_bytes());
                }
                cfg.add_capability(CAP_VENDOR, &body, &[])?;
            }
            // virtio_pci_cfg_cap: the cap (bar, offset, length writable) and pci_cfg_data.
            let mut body = cap_body(20, CAP_PCI_CFG, 0, 0);
            body.extend_from_slice(&[0; 4]);
            let mut writable = vec![0u8; body.len()];
            writable[2] = 0xff;
            writable[6..18].fill(0xff);
            pci_cfg_cap = cfg.add_capability(CAP_VENDOR, &body, &writable)?;
            Ok(())
        })();
        if let Err(e) = built {
            log::error!("virtio-pci: header layout: {e}");
        }
        VirtioPci {
            cfg,
            virtio,
            pci_cfg_cap,
        }
    }

    fn read_common(&self, off: u64, size: u8) -> u64 {
        let v = &self.virtio;
        let q = |r| v.queue_addr(r);
        let field = |base: u64, value: u64| -> u64 { value >> (8 * (off - base)) };
        match (off, size) {
            (common::DEVICE_FEATURE_SELECT, 4) => v.device_features_sel() as u64,
            (common::DEVICE_FEATURE, 4) => v.device_features() as u64,
            (common::DRIVER_FEATURE_SELECT, 4) => v.driver_features_sel() as u64,
            (common::DRIVER_FEATURE, 4) => v.driver_features() as u64,
            (common::CONFIG_MSIX_VECTOR, 2) | (common::QUEUE_MSIX_VECTOR, 2) => NO_VECTOR as u64,
            (common::NUM_QUEUES, 2) => v.num_queues() as u64,
            (common::DEVICE_STATUS, 1) => v.status() as u64,
            (common::CONFIG_GENERATION, 1) => v.config_generation() as u8 as u64,
            (common::QUEUE_SELECT, 2) => v.queue_sel() as u16 as u64,
            (common::QUEUE_SIZE, 2) => v.queue_size() as u64,
            (common::QUEUE_ENABLE, 2) => v.queue_ready() as u64,
            (common::QUEUE_NOTIFY_OFF, 2) => v.queue_sel() as u16 as u64,
            (common::QUEUE_DESC | common::QUEUE_DESC_HI, 4 | 8) => {
                field(common::QUEUE_DESC, q(Ring::Desc)) & size_mask(size)
            }
            (common::QUEUE_DRIVER | common::QUEUE_DRIVER_HI, 4 | 8) => {
                field(common::QUEUE_DRIVER, q(Ring::Avail)) & size_mask(size)
            }
            (common::QUEUE_DEVICE | common::QUEUE_DEVICE_HI, 4 | 8) => {
                field(common::QUEUE_DEVICE, q(Ring::Used)) & size_mask(size)
            }
            _ => {
                log::warn!("virtio-pci: {size}-byte common configuration read at {off:#x}");
                0
            }
        }
    }

    fn write_common(&mut self, off: u64, size: u8, value: u64) {
        let v = &mut self.virtio;
        let ring = |off: u64| match off & !0x7 {
            common::QUEUE_DESC => Ring::Desc,
            common::QUEUE_DRIVER => Ring::Avail,
            _ => Ring::Used,
        };
        match (off, size) {
            (common::DEVICE_FEATURE_SELECT, 4) => v.set_device_features_sel(value as u32),
            (common::DRIVER_FEATURE_SELECT, 4) => v.set_driver_features_sel(value as u32),
            (common::DRIVER_FEATURE, 4) => v.set_driver_features(value as u32),
            (common::CONFIG_MSIX_VECTOR, 2) | (common::QUEUE_MSIX_VECTOR, 2) => {
                log::debug!("virtio-pci: MSI-X vector {value:#x} ignored (no MSI-X)")
            }
            (common::DEVICE_STATUS, 1) => v.set_status(value as u8),
            (common::QUEUE_SELECT, 2) => v.set_queue_sel(value as u32),
            (common::QUEUE_SIZE, 2) => v.set_queue_size(value as u16),
            (common::QUEUE_ENABLE, 2) => {
                if value & 1 != 0 {
                    v.set_queue_ready(true)
                } else {
                    log::warn!("virtio-pci: queue_enable = 0 ignored (§4.1.4.3.2)")
                }
            }
            (
                common::QUEUE_DESC | common::QUEUE_DRIVER | common::QUEUE_DEVICE,
                8,
            ) => {
                v.set_queue_addr(ring(off), false, value as u32);
                v.set_queue_addr(ring(off), true, (value >> 32) as u32);
            }
            (
                common::QUEUE_DESC
                | common::QUEUE_DRIVER
                | common::QUEUE_DEVICE
                | common::QUEUE_DESC_HI
                | common::QUEUE_DRIVER_HI
                | common::QUEUE_DEVICE_HI,
                4,
            ) => v.set_queue_addr(ring(off), off & 4 != 0, value as u32),
            _ => log::warn!(
                "virtio-pci: {size}-byte common configuration write of {value:#x} at {off:#x} ignored"
            ),
        }
    }

    /// The BAR access the PCI configuration access capability describes (`bar`, `offset`,
    /// `length`), if it names our BAR and a length of 1, 2 or 4.
    fn pci_cfg_window(&self) -> Option<(u64, u8)> {
        let at = self.pci_cfg_cap;
        let bar = self.cfg.read(at + 4, 1) as usize;
        let offset = self.cfg.read(at + 8, 4) as u64;
        let length = self.cfg.read(at + 12, 4);
        (bar == BAR && matches!(length, 1 | 2 | 4)).then_some((offset, length as u8))
    }

    fn data_range(&self) -> std::ops::Range<usize> {
        self.pci_cfg_cap + 16..self.pci_cfg_cap + 20
    }
}

impl PciFunction for VirtioPci {
    fn config(&self) -> &ConfigSpace {
        &self.cfg
    }

    fn config_mut(&mut self) -> &mut ConfigSpace {
        &mut self.cfg
    }

    fn config_read(&mut self, offset: usize, size: usize) -> u32 {
        if self.pci_cfg_cap != 0 && self.data_range().contains(&offset) {
            if let Some((off, len)) = self.pci_cfg_window() {
                return self.bar_read(BAR, off, len) as u32;
            }
        }
        self.cfg.read(offset, size)
    }

    fn config_write(&mut self, offset: usize, size: usize, value: u32) {
        if self.pci_cfg_cap != 0 && self.data_range().contains(&offset) {
            if let Some((off, len)) = self.pci_cfg_window() {
                self.bar_write(BAR, off, len, value as u64 & size_mask(len));
            }
            return;
        }
        self.cfg.write(offset, size, value);
    }

    fn bar_read(&mut self, bar: usize, off: u64, size: u8) -> u64 {
        if bar != BAR {
            return 0;
        }
        match off {
            COMMON..ISR if off < common::END => self.read_common(off, size),
            ISR => {
                // Reading the ISR status acknowledges it.
                let isr = self.virtio.interrupt_status();
                self.virtio.ack_interrupt(isr as u32);
                isr as u64
            }
            DEVICE..NOTIFY => {
                if matches!(size, 1 | 2 | 4 | 8) {
                    self.virtio.read_config(off - DEVICE, size)
                } else {
                    0
                }
            }
            _ => 0,
        }
    }

    fn bar_write(&mut self, bar: usize, off: u64, size: u8, value: u64) {
        if bar != BAR {
            return;
        }
        match off {
            COMMON..ISR if off < common::END => self.write_common(off, size, value),
            DEVICE..NOTIFY => {
                if matches!(size, 1 | 2 | 4 | 8) {
                    self.virtio.write_config(off - DEVICE, size, value)
                }
            }
            NOTIFY..BAR_SIZE => {
                let rel = off - NOTIFY;
                if rel.is_multiple_of(NOTIFY_OFF_MULTIPLIER as u64) {
                    // §4.1.4.4: the address names the queue (its notify_off is its index),
                    // as QEMU's `virtio_pci_notify_write` reads it.
                    self.virtio
                        .notify((rel / NOTIFY_OFF_MULTIPLIER as u64) as u32);
                } else {
                    log::warn!("virtio-pci: notification at unaligned offset {off:#x} ignored");
                }
            }
            _ => log::debug!("virtio-pci: write of {value:#x} at {off:#x} ignored"),
        }
    }

    fn intx(&self) -> bool {
        self.virtio.irq_level()
    }

    fn dma(&mut self, mem: &mut dyn DmaMemory) {
        if self.virtio.pending() {
            self.virtio.process(mem);
        }
    }

    fn reset(&mut self) {
        self.cfg.reset();
        self.virtio.reset();
    }

    fn as_disk(&mut self) -> Option<&mut Disk> {
        self.virtio.as_disk()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::MmioDevice;
    use crate::pci::config::{reg, COMMAND_BUS_MASTER, COMMAND_MEMORY};
    use crate::pci::host::PciHost;
    use crate::virtio::blk::tests::{offer_request, DATA, STATUS as STATUS_BYTE};
    use crate::virtio::blk::{self, Blk, S_OK, T_IN};
    use crate::virtio::disk::tests::Scratch;
    use crate::virtio::disk::{Disk, DiskMode};
    use crate::virtio::queue::tests::{Driver, FakeMem};
    use crate::virtio::{
        F_VERSION_1, INT_VRING, STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK,
        STATUS_FEATURES_OK,
    };
    use bootemu_boot::fdt::PciDesc;

    /// `virt`'s PCIe host, as its profile describes it.
    const DESC: PciDesc = crate::profile::VIRT_PCI;
    /// Where the test driver puts BAR 4.
    const BAR4: u64 = 0x1000_4000;

    fn cfg(slot: u64, r: u64) -> u64 {
        DESC.ecam.0 + (slot << 15) + r
    }

    /// The host with a virtio-blk-pci function at 00:01.0 over `img`, BAR 4 programmed and
    /// memory decoding and bus mastering on.
    fn host(img: &Scratch) -> PciHost {
        let disk = Disk::open(&img.0, DiskMode::Overlay).unwrap();
        let mut h = PciHost::new(DESC);
        h.add(Box::new(VirtioPci::new(
            Box::new(Blk::new(disk)),
            blk::PCI_CLASS,
        )))
        .unwrap();
        h.write(cfg(1, 0x20), 4, BAR4);
        h.write(cfg(1, 0x24), 4, 0);
        let cmd = (COMMAND_MEMORY | COMMAND_BUS_MASTER) as u64;
        h.write(cfg(1, reg::COMMAND as u64), 2, cmd);
        h
    }

    /// The capabilities as a driver walks them: (cfg_type, bar, offset, length, the word
    /// after them when `cap_len` covers one).
    fn caps(h: &mut PciHost) -> Vec<(u8, u8, u32, u32, u32)> {
        let mut out = Vec::new();
        let mut at = h.read(cfg(1, reg::CAPABILITIES as u64), 1);
        while at != 0 {
            assert_eq!(h.read(cfg(1, at), 1), CAP_VENDOR as u64);
            let f = |h: &mut PciHost, o: u64, s: u8| h.read(cfg(1, at + o), s) as u32;
            let cap_len = f(h, 2, 1);
            out.push((
                f(h, 3, 1) as u8,
                f(h, 4, 1) as u8,
                f(h, 8, 4),
                f(h, 12, 4),
                if cap_len >= 20 { f(h, 16, 4) } else { 0 },
            ));
            at = h.read(cfg(1, at + 1), 1);
        }
        out
    }

    #[test]
    fn identity_and_capabilities_as_virtio_specifies() {
        let img = Scratch::new("vpci-id", 8);
        let mut h = host(&img);
        // §4.1.2: vendor 0x1af4, device 0x1040 + 2, revision 1 for a non-transitional device.
        assert_eq!(h.read(cfg(1, 0), 4), 0x1042_1af4);
        assert_eq!(h.read(cfg(1, 8), 1), 1);
        assert_eq!(h.read(cfg(1, 0x3d), 1), 1, "INTA");
        assert_eq!(
            caps(&mut h),
            vec![
                (CAP_COMMON, 4, 0, 0x1000, 0),
                (CAP_ISR, 4, 0x1000, 0x1000, 0),
                (CAP_DEVICE, 4, 0x2000, 0x1000, 0),
                (CAP_NOTIFY, 4, 0x3000, 0x1000, NOTIFY_OFF_MULTIPLIER),
                (CAP_PCI_CFG, 4, 0, 0, 0),
            ]
        );
        // Device configuration: capacity 8 sectors.
        assert_eq!(h.read(BAR4 + DEVICE, 8), 8);
        assert_eq!(h.read(BAR4 + COMMON + common::NUM_QUEUES, 2), 1);
        assert_eq!(
            h.read(BAR4 + COMMON + common::CONFIG_MSIX_VECTOR, 2),
            0xffff
        );
    }

    #[test]
    fn a_read_request_through_the_common_configuration() {
        let img = Scratch::with("vpci-read", &[0xab; 1024]);
        let mut h = host(&img);
        let mut mem = FakeMem::new(0x10000);
        let c = |o| BAR4 + COMMON + o;
        h.write(c(common::DEVICE_STATUS), 1, STATUS_ACKNOWLEDGE as u64);
        let st = STATUS_ACKNOWLEDGE | STATUS_DRIVER;
        h.write(c(common::DEVICE_STATUS), 1, st as u64);
        h.write(c(common::DEVICE_FEATURE_SELECT), 4, 1);
        assert_eq!(h.read(c(common::DEVICE_FEATURE), 4) & 1, 1, "VERSION_1");
        h.write(c(common::DRIVER_FEATURE_SELECT), 4, 1);
        h.write(c(common::DRIVER_FEATURE), 4, F_VERSION_1 >> 32);
        h.write(
            c(common::DEVICE_STATUS),
            1,
            (st | STATUS_FEATURES_OK) as u64,
        );
        assert_eq!(
            h.read(c(common::DEVICE_STATUS), 1) as u8 & STATUS_FEATURES_OK,
            STATUS_FEATURES_OK
        );
        let mut drv = Driver::new(4);
        h.write(c(common::QUEUE_SELECT), 2, 0);
        assert_eq!(h.read(c(common::QUEUE_NOTIFY_OFF), 2), 0);
        h.write(c(common::QUEUE_SIZE), 2, drv.size as u64);
        h.write(c(common::QUEUE_DESC), 8, drv.desc);
        h.write(c(common::QUEUE_DRIVER), 4, drv.avail);
        h.write(c(common::QUEUE_DRIVER_HI), 4, 0);
        h.write(c(common::QUEUE_DEVICE), 4, drv.used);
        h.write(c(common::QUEUE_DEVICE_HI), 4, 0);
        assert_eq!(h.read(c(common::QUEUE_DESC), 4), drv.desc);
        assert_eq!(h.read(c(common::QUEUE_DEVICE), 8), drv.used);
        h.write(c(common::QUEUE_ENABLE), 2, 1);
        let ok = st | STATUS_FEATURES_OK | STATUS_DRIVER_OK;
        h.write(c(common::DEVICE_STATUS), 1, ok as u64);
        // A read of sector 1.
        offer_request(&mut drv, &mut mem, T_IN, 1, (DATA, 512, true));
        h.write(BAR4 + NOTIFY, 2, 0);
        h.dma(&mut mem);
        assert_eq!(drv.used_idx(&mem), 1);
        assert_eq!(drv.used_elem(&mem, 0), (0, 513));
        assert_eq!(mem.bytes(DATA, 512), &[0xab; 512][..]);
        assert_eq!(mem.bytes(STATUS_BYTE, 1), &[S_OK]);
        // INTA of slot 1 is line 1; the ISR read returns and clears the status.
        assert_eq!(h.irq_lines(), 1 << 1);
        assert_ne!(h.read(cfg(1, reg::STATUS as u64), 2) & 0x8, 0);
        assert_eq!(h.read(BAR4 + ISR, 1), INT_VRING as u64);
        assert_eq!(h.irq_lines(), 0);
        assert_eq!(h.read(BAR4 + ISR, 1), 0);
        // Without bus mastering the next notification does no DMA.
        h.write(cfg(1, reg::COMMAND as u64), 2, COMMAND_MEMORY as u64);
        drv.offer(&mut mem, 0);
        h.write(BAR4 + NOTIFY, 2, 0);
        h.dma(&mut mem);
        assert_eq!(drv.used_idx(&mem), 1, "no DMA without BUS_MASTER");
    }

    #[test]
    fn the_pci_configuration_access_capability_reaches_the_bar() {
        let img = Scratch::new("vpci-cfgcap", 16);
        let mut h = host(&img);
        let at = caps_offset(&mut h, CAP_PCI_CFG);
        // Read the capacity (device configuration offset 0, 4 bytes) through the window.
        h.write(cfg(1, at + 4), 1, BAR as u64);
        h.write(cfg(1, at + 8), 4, DEVICE);
        h.write(cfg(1, at + 12), 4, 4);
        assert_eq!(h.read(cfg(1, at + 16), 4), 16);
        // Write the device status through it.
        h.write(cfg(1, at + 8), 4, COMMON + common::DEVICE_STATUS);
        h.write(cfg(1, at + 12), 4, 1);
        h.write(cfg(1, at + 16), 4, STATUS_ACKNOWLEDGE as u64);
        assert_eq!(h.read(BAR4 + COMMON + common::DEVICE_STATUS, 1), 1);
        // A length the window does not take reads the capability's own bytes.
        h.write(cfg(1, at + 12), 4, 3);
        assert_eq!(h.read(cfg(1, at + 16), 4), 0);
    }

    fn caps_offset(h: &mut PciHost, cfg_type: u8) -> u64 {
        let mut at = h.read(cfg(1, reg::CAPABILITIES as u64), 1);
        while at != 0 && h.read(cfg(1, at + 3), 1) as u8 != cfg_type {
            at = h.read(cfg(1, at + 1), 1);
        }
        at
    }
}
