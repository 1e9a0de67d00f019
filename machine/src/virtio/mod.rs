//! Virtio 1.x devices, transport-independent: the device status, feature negotiation, the
//! queues and the interrupt status every transport exposes (VIRTIO 1.2 §2: §2.1 device status,
//! §2.2 feature bits, §2.5 configuration space, §2.7 split virtqueues, §3.1 initialization),
//! and the [`VirtioDevice`] trait a device model implements.
//!
//! A transport ([`crate::devices::virtio_mmio`] today, virtio-pci later) maps its registers
//! onto [`Virtio`]'s methods; device models ([`blk`]) and the queue walker ([`queue`]) know
//! nothing about transports.
//!
//! Determinism: notified queues are processed synchronously, in queue index order, when the
//! board calls the transport's DMA hook after the notifying register write (or after the write
//! of `DRIVER_OK`, for notifications that came before it); completions (used ring entries and
//! the interrupt status) are in place when that write returns. No threads, no host time. A
//! device serves at most one queue's worth of buffers per notification, so that write always
//! returns (see [`blk`]).
//!
//! A driver that breaks the rules (a queue enabled with a bad size or misaligned rings, a
//! descriptor loop, rings outside RAM, a malformed request) puts the device in the
//! `DEVICE_NEEDS_RESET` state (§2.1.2): the status bit is set, a configuration change
//! interrupt is raised if `DRIVER_OK` was set, and no queue is processed until the driver
//! resets the device. Requests that are well formed but cannot be served (a sector out of
//! range, a buffer outside RAM) complete with an error status instead (the device's rule).
//!
//! Feature negotiation: the device offers [`VirtioDevice::features`]; the driver's word is
//! accepted when it sets `FEATURES_OK` if it asks for nothing that was not offered, otherwise
//! `FEATURES_OK` stays clear (the driver reads it back and gives up, §3.1.1).
//!
//! Constants come from rust-vmm's `virtio-bindings` (its `virtio_config`, `virtio_ring`,
//! `virtio_ids`, `virtio_blk` and `virtio_mmio` constants; only constants, which are the same
//! for every guest architecture, not its per-architecture structs).
//!
//! Not modelled (`TODO(VIRTIO_FEATURES)`): packed virtqueues, `VIRTIO_F_EVENT_IDX`, `VIRTIO_F_RING_RESET` (per-queue
//! reset), `VIRTIO_F_NOTIFICATION_DATA`, shared memory regions, legacy (pre-1.0) interfaces.

pub mod blk;
pub mod disk;
pub mod queue;

use virtio_bindings::virtio_config as cfg;

use crate::devices::DmaMemory;
use queue::{Queue, QueueError, MAX_SIZE};

use self::disk::Disk;

/// Device status bit: the guest noticed the device.
pub const STATUS_ACKNOWLEDGE: u8 = cfg::VIRTIO_CONFIG_S_ACKNOWLEDGE as u8;
/// Device status bit: the guest has a driver for it.
pub const STATUS_DRIVER: u8 = cfg::VIRTIO_CONFIG_S_DRIVER as u8;
/// Device status bit: the driver is ready to drive the device.
pub const STATUS_DRIVER_OK: u8 = cfg::VIRTIO_CONFIG_S_DRIVER_OK as u8;
/// Device status bit: feature negotiation is complete.
pub const STATUS_FEATURES_OK: u8 = cfg::VIRTIO_CONFIG_S_FEATURES_OK as u8;
/// Device status bit: the device hit an error and needs a reset.
pub const STATUS_NEEDS_RESET: u8 = cfg::VIRTIO_CONFIG_S_NEEDS_RESET as u8;
/// Device status bit: the driver gave up on the device.
pub const STATUS_FAILED: u8 = cfg::VIRTIO_CONFIG_S_FAILED as u8;

/// Feature bit: a virtio 1.x (non-legacy) device.
pub const F_VERSION_1: u64 = 1 << cfg::VIRTIO_F_VERSION_1;
/// Feature bit: indirect descriptor tables.
pub const F_INDIRECT_DESC: u64 = 1 << virtio_bindings::virtio_ring::VIRTIO_RING_F_INDIRECT_DESC;

/// Interrupt status bit: the device used buffers in a queue.
pub const INT_VRING: u8 = 1;
/// Interrupt status bit: the device configuration (or status) changed.
pub const INT_CONFIG: u8 = 2;

/// A virtio device model: what it is, what it offers, its configuration space and how it
/// serves a queue.
pub trait VirtioDevice {
    /// Virtio device ID (§5: 2 for a block device).
    fn device_id(&self) -> u32;
    /// Feature bits offered, device-specific and transport ones (`VERSION_1`, …).
    fn features(&self) -> u64;
    /// Number of queues.
    fn num_queues(&self) -> usize;
    /// Read `data.len()` bytes of the device configuration space at `offset` (bytes past its
    /// end read as zero).
    fn read_config(&self, offset: u64, data: &mut [u8]);
    /// Write the device configuration space (ignored where nothing is writable).
    fn write_config(&mut self, offset: u64, data: &[u8]) {
        let _ = (offset, data);
    }
    /// Serve the available buffers of queue `index`; `Ok(true)` when buffers were used (the
    /// driver may want a used-buffer notification), an error when the driver broke the
    /// rules and the device needs a reset.
    fn process(
        &mut self,
        index: usize,
        queue: &mut Queue,
        mem: &mut dyn DmaMemory,
    ) -> Result<bool, QueueError>;
    /// Device reset (the driver wrote 0 to the status, or system reset): forget
    /// driver-visible state. What the device stores (a disk's contents) is kept.
    fn reset(&mut self) {}
    /// The device's disk, if it is a block device.
    fn as_disk(&mut self) -> Option<&mut Disk> {
        None
    }
}

/// Which ring of the selected queue an address register sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ring {
    /// The descriptor table.
    Desc,
    /// The available (driver) ring.
    Avail,
    /// The used (device) ring.
    Used,
}

/// A virtio device with the transport-independent state a driver programs.
pub struct Virtio {
    dev: Box<dyn VirtioDevice>,
    device_features_sel: u32,
    driver_features_sel: u32,
    /// Driver feature bits as written so far.
    driver_features: u64,
    /// The features in force since `FEATURES_OK`.
    negotiated: u64,
    queue_sel: u32,
    queues: Vec<Queue>,
    /// Queues notified and not yet processed.
    notified: Vec<bool>,
    status: u8,
    isr: u8,
    config_generation: u32,
}

impl Virtio {
    /// Wrap a device model, in its reset state.
    pub fn new(dev: Box<dyn VirtioDevice>) -> Virtio {
        let n = dev.num_queues();
        Virtio {
            dev,
            device_features_sel: 0,
            driver_features_sel: 0,
            driver_features: 0,
            negotiated: 0,
            queue_sel: 0,
            queues: vec![Queue::new(MAX_SIZE); n],
            notified: vec![false; n],
            status: 0,
            isr: 0,
            config_generation: 0,
        }
    }

    /// The device ID.
    pub fn device_id(&self) -> u32 {
        self.dev.device_id()
    }

    /// The 32 offered feature bits the device feature select picks.
    pub fn device_features(&self) -> u32 {
        word(self.dev.features(), self.device_features_sel)
    }

    /// The device feature word select.
    pub fn device_features_sel(&self) -> u32 {
        self.device_features_sel
    }

    /// The driver feature word select.
    pub fn driver_features_sel(&self) -> u32 {
        self.driver_features_sel
    }

    /// Number of queues.
    pub fn num_queues(&self) -> usize {
        self.queues.len()
    }

    /// Select which 32 bits [`Virtio::device_features`] shows.
    pub fn set_device_features_sel(&mut self, sel: u32) {
        self.device_features_sel = sel;
    }

    /// The 32 driver feature bits the driver feature select picks.
    pub fn driver_features(&self) -> u32 {
        word(self.driver_features, self.driver_features_sel)
    }

    /// Set the 32 driver feature bits the driver feature select picks (ignored once
    /// `FEATURES_OK` is set, and for selects past the 64 bits modelled).
    pub fn set_driver_features(&mut self, value: u32) {
        if self.status & STATUS_FEATURES_OK != 0 {
            log::warn!("virtio: driver features written after FEATURES_OK, ignored");
            return;
        }
        let shift = match self.driver_features_sel {
            0 => 0,
            1 => 32,
            sel => {
                if value != 0 {
                    log::warn!("virtio: driver features word {sel} = {value:#x} ignored");
                }
                return;
            }
        };
        self.driver_features =
            (self.driver_features & !(0xffff_ffffu64 << shift)) | ((value as u64) << shift);
    }

    /// Select which 32 bits the driver features register sets.
    pub fn set_driver_features_sel(&mut self, sel: u32) {
        self.driver_features_sel = sel;
    }

    /// The features in force (zero before `FEATURES_OK`).
    pub fn negotiated(&self) -> u64 {
        self.negotiated
    }

    /// The selected queue index.
    pub fn queue_sel(&self) -> u32 {
        self.queue_sel
    }

    /// Select the queue the queue registers address.
    pub fn set_queue_sel(&mut self, sel: u32) {
        self.queue_sel = sel;
    }

    fn selected(&self) -> Option<&Queue> {
        self.queues.get(self.queue_sel as usize)
    }

    /// The selected queue, when it exists and may still be configured (not enabled).
    fn configurable(&mut self, what: &str) -> Option<&mut Queue> {
        let sel = self.queue_sel;
        match self.queues.get_mut(sel as usize) {
            Some(q) if !q.ready => Some(q),
            Some(_) => {
                log::warn!("virtio: {what} of enabled queue {sel} ignored");
                None
            }
            None => {
                log::warn!("virtio: {what} of missing queue {sel} ignored");
                None
            }
        }
    }

    /// Largest size of the selected queue (0: no such queue).
    pub fn queue_max(&self) -> u16 {
        self.selected().map_or(0, |_| MAX_SIZE)
    }

    /// Size of the selected queue (0: no such queue).
    pub fn queue_size(&self) -> u16 {
        self.selected().map_or(0, |q| q.size)
    }

    /// Set the size of the selected queue (checked when it is enabled).
    pub fn set_queue_size(&mut self, size: u16) {
        if let Some(q) = self.configurable("size") {
            q.size = size;
        }
    }

    /// An address of the selected queue (0: no such queue).
    pub fn queue_addr(&self, ring: Ring) -> u64 {
        self.selected().map_or(0, |q| match ring {
            Ring::Desc => q.desc,
            Ring::Avail => q.avail,
            Ring::Used => q.used,
        })
    }

    /// Set the low (`high` false) or high half of an address of the selected queue.
    pub fn set_queue_addr(&mut self, ring: Ring, high: bool, value: u32) {
        if let Some(q) = self.configurable("ring address") {
            let a = match ring {
                Ring::Desc => &mut q.desc,
                Ring::Avail => &mut q.avail,
                Ring::Used => &mut q.used,
            };
            *a = if high {
                (*a & 0xffff_ffff) | ((value as u64) << 32)
            } else {
                (*a & !0xffff_ffff) | value as u64
            };
        }
    }

    /// Whether the selected queue is enabled.
    pub fn queue_ready(&self) -> bool {
        self.selected().is_some_and(|q| q.ready)
    }

    /// Enable (after checking its configuration) or disable the selected queue. A queue that
    /// fails the check puts the device in the needs-reset state.
    pub fn set_queue_ready(&mut self, ready: bool) {
        let indirect = self.negotiated & F_INDIRECT_DESC != 0;
        let sel = self.queue_sel;
        let Some(q) = self.queues.get_mut(sel as usize) else {
            log::warn!("virtio: enabling missing queue {sel} ignored");
            return;
        };
        if !ready {
            q.ready = false;
            return;
        }
        if q.ready {
            return;
        }
        match q.check(MAX_SIZE) {
            Ok(()) => {
                q.indirect = indirect;
                q.enable();
            }
            Err(e) => self.needs_reset(&format!("queue {sel}: {e}")),
        }
    }

    /// The driver notified queue `index`: it is processed by [`Virtio::process`].
    pub fn notify(&mut self, index: u32) {
        match self.notified.get_mut(index as usize) {
            Some(n) => *n = true,
            None => log::warn!("virtio: notification of missing queue {index} ignored"),
        }
    }

    /// The device status.
    pub fn status(&self) -> u8 {
        self.status
    }

    /// The driver writes the device status: 0 resets the device; `FEATURES_OK` is kept only
    /// when the driver's features were all offered (and fixes the negotiated features).
    pub fn set_status(&mut self, value: u8) {
        if value == 0 {
            self.reset();
            return;
        }
        let mut value = value & !STATUS_NEEDS_RESET;
        if value & STATUS_FEATURES_OK != 0 && self.status & STATUS_FEATURES_OK == 0 {
            let extra = self.driver_features & !self.dev.features();
            if extra != 0 {
                log::warn!(
                    "virtio: driver features {:#x} include {extra:#x}, not offered: FEATURES_OK refused",
                    self.driver_features
                );
                value &= !STATUS_FEATURES_OK;
            } else {
                self.negotiated = self.driver_features;
            }
        }
        self.status = value | (self.status & STATUS_NEEDS_RESET);
    }

    /// The interrupt status (bit 0 used buffers, bit 1 configuration change).
    pub fn interrupt_status(&self) -> u8 {
        self.isr
    }

    /// The driver acknowledges the interrupt status bits in `bits`.
    pub fn ack_interrupt(&mut self, bits: u32) {
        self.isr &= !(bits as u8);
    }

    /// Level of the interrupt output: some interrupt status bit is set.
    pub fn irq_level(&self) -> bool {
        self.isr != 0
    }

    /// The configuration generation (it never changes: nothing in the configuration spaces
    /// modelled changes on its own).
    pub fn config_generation(&self) -> u32 {
        self.config_generation
    }

    /// Read `size` bytes (1, 2, 4 or 8) of the device configuration space at `offset`,
    /// little-endian.
    pub fn read_config(&self, offset: u64, size: u8) -> u64 {
        let mut b = [0u8; 8];
        let n = (size as usize).min(8);
        self.dev.read_config(offset, &mut b[..n]);
        u64::from_le_bytes(b)
    }

    /// Write `size` bytes of the device configuration space.
    pub fn write_config(&mut self, offset: u64, size: u8, value: u64) {
        let n = (size as usize).min(8);
        self.dev.write_config(offset, &value.to_le_bytes()[..n]);
    }

    /// Process the notified queues (in index order) once the driver is ready and the device
    /// does not need a reset; raise a used-buffer interrupt where buffers were used and the
    /// driver did not ask for none.
    pub fn process(&mut self, mem: &mut dyn DmaMemory) {
        if self.status & STATUS_DRIVER_OK == 0 || self.status & STATUS_NEEDS_RESET != 0 {
            return;
        }
        for i in 0..self.queues.len() {
            if !std::mem::take(&mut self.notified[i]) || !self.queues[i].ready {
                continue;
            }
            match self.dev.process(i, &mut self.queues[i], mem) {
                Ok(true) => {
                    if !self.queues[i].interrupt_suppressed(mem) {
                        self.isr |= INT_VRING;
                    }
                }
                Ok(false) => {}
                Err(e) => {
                    self.needs_reset(&format!("queue {i}: {e}"));
                    return;
                }
            }
        }
    }

    /// Whether a queue was notified and waits for [`Virtio::process`].
    pub fn pending(&self) -> bool {
        self.notified.iter().any(|&n| n)
    }

    /// Enter the needs-reset state (§2.1.2).
    fn needs_reset(&mut self, why: &str) {
        log::warn!(
            "virtio: device {} needs a reset: {why}",
            self.dev.device_id()
        );
        self.status |= STATUS_NEEDS_RESET;
        if self.status & STATUS_DRIVER_OK != 0 {
            self.isr |= INT_CONFIG;
        }
    }

    /// Device reset: status, features, selects, queues and interrupt status back to their
    /// initial values; the device model resets too.
    pub fn reset(&mut self) {
        self.device_features_sel = 0;
        self.driver_features_sel = 0;
        self.driver_features = 0;
        self.negotiated = 0;
        self.queue_sel = 0;
        self.queues.fill(Queue::new(MAX_SIZE));
        self.notified.fill(false);
        self.status = 0;
        self.isr = 0;
        self.dev.reset();
    }

    /// The device's disk, if it is a block device.
    pub fn as_disk(&mut self) -> Option<&mut Disk> {
        self.dev.as_disk()
    }
}

/// 32-bit word `sel` of a 64-bit feature set (0 past it).
fn word(features: u64, sel: u32) -> u32 {
    match sel {
        0 => features as u32,
        1 => (features >> 32) as u32,
        _ => 0,
    }
}
