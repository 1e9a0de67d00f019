//! Split virtqueues as a device sees them: VIRTIO 1.2 §2.7 (descriptor table §2.7.5, indirect
//! descriptors §2.7.5.3, available ring §2.7.6, used ring §2.7.8), walked through
//! [`DmaMemory`] only.
//!
//! Every guest value is checked once, where it is read: ring addresses and sizes when the
//! driver enables the queue ([`Queue::check`]: size a power of two up to [`MAX_SIZE`], the
//! descriptor table 16-byte, the available ring 2-byte and the used ring 4-byte aligned, as
//! §2.7 requires), the available index against the queue size (a driver cannot make more than
//! `size` buffers available at once), each descriptor index against its table, and the length
//! of every chain: a chain with more descriptors than its table has entries must contain a
//! loop, and is refused. Guest memory is reached through [`DmaMemory`], which only ever
//! touches guest RAM: a ring, a descriptor or an indirect table outside RAM is a
//! [`QueueError`], never a host access. Lengths are not trusted for allocation: a chain is a
//! list of (address, length) pairs and the device copies its data in bounded pieces.
//!
//! Implemented: descriptor chains (`NEXT`, `WRITE`), indirect tables
//! (`VIRTIO_RING_F_INDIRECT_DESC`, when [`Queue::indirect`] says it was negotiated; one table
//! per chain, no nesting, at most [`MAX_SIZE`] entries), the used ring, 16-bit index
//! wrap-around, and `VRING_AVAIL_F_NO_INTERRUPT` (the driver asks for no used-buffer
//! notification). Not implemented: `VIRTIO_F_EVENT_IDX` (not offered, so `used_event` and
//! `avail_event` are never used), packed virtqueues (`VIRTIO_F_RING_PACKED`, not offered),
//! `VIRTIO_F_IN_ORDER`.
//!
//! Why not rust-vmm's `virtio-queue`: its queue walks guest memory through vm-memory's
//! `GuestMemory` trait (regions handing out host addresses and volatile slices), while a
//! device here sees guest memory only as [`DmaMemory`] (copies of guest-physical byte ranges),
//! which is what lets the board record every DMA write and invalidate the decoded code there.
//! Implementing `GuestMemory` over the board would let the queue crate write guest RAM behind
//! that record's back, and would bring vm-memory's types into every device; the walker this
//! needs is small, so it is written here against `DmaMemory`.

use crate::devices::DmaMemory;

/// Largest queue size offered (QueueNumMax), as QEMU's `VIRTQUEUE_MAX_SIZE`.
pub const MAX_SIZE: u16 = 1024;
/// Size of one descriptor (`le64 addr, le32 len, le16 flags, le16 next`).
pub const DESC_SIZE: u64 = 16;
/// Descriptor flag: the chain continues at `next`.
pub const DESC_F_NEXT: u16 = virtio_bindings::virtio_ring::VRING_DESC_F_NEXT as u16;
/// Descriptor flag: the buffer is device-writable (otherwise device-readable).
pub const DESC_F_WRITE: u16 = virtio_bindings::virtio_ring::VRING_DESC_F_WRITE as u16;
/// Descriptor flag: the buffer is a table of descriptors.
pub const DESC_F_INDIRECT: u16 = virtio_bindings::virtio_ring::VRING_DESC_F_INDIRECT as u16;
/// Available ring flag: the driver wants no used-buffer notifications.
pub const AVAIL_F_NO_INTERRUPT: u16 =
    virtio_bindings::virtio_ring::VRING_AVAIL_F_NO_INTERRUPT as u16;
/// Byte offset of `idx` in the available and used rings.
const RING_IDX: u64 = 2;
/// Byte offset of the first entry of the available and used rings.
const RING_ENTRIES: u64 = 4;
/// Size of a used ring element (`le32 id, le32 len`).
const USED_ELEM_SIZE: u64 = 8;

// Guest addresses are added with `wrapping_add`: a wrapped address is as bad as any other
// address outside RAM, and `DmaMemory` refuses it.

/// Why a queue cannot be used any more: the driver broke the rules of §2.7. The device then
/// needs a reset (`DEVICE_NEEDS_RESET`, §2.1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueueError {
    /// The queue size is zero, too large or not a power of two.
    #[error("queue size {size} is not a power of two from 1 to {max}")]
    BadSize {
        /// The size the driver set.
        size: u16,
        /// The largest size offered.
        max: u16,
    },
    /// A ring is not aligned as §2.7 requires.
    #[error("{ring} at {addr:#x} is not {align}-byte aligned")]
    Misaligned {
        /// Which ring.
        ring: &'static str,
        /// Its address.
        addr: u64,
        /// The alignment it needs.
        align: u64,
    },
    /// A guest range the queue needs is not inside guest RAM.
    #[error("{what} at {addr:#x} ({len} bytes) is not in guest RAM")]
    NotInRam {
        /// What was there.
        what: &'static str,
        /// Guest-physical address.
        addr: u64,
        /// Length.
        len: u64,
    },
    /// The available index ran more than the queue size ahead of the device.
    #[error("available index {idx} is {ahead} entries ahead of the device, more than the queue size {size}")]
    AvailOverrun {
        /// The driver's available index.
        idx: u16,
        /// How far ahead of the last entry the device took.
        ahead: u16,
        /// The queue size.
        size: u16,
    },
    /// A descriptor index outside its table.
    #[error("descriptor index {index} is outside a table of {len} entries")]
    BadIndex {
        /// The index.
        index: u16,
        /// Entries in the table.
        len: u32,
    },
    /// A chain longer than its table: it loops.
    #[error("descriptor chain from head {head} has more than {max} descriptors (a loop)")]
    Loop {
        /// Head of the chain.
        head: u16,
        /// Entries in the table walked.
        max: u32,
    },
    /// An indirect descriptor that cannot be used.
    #[error("indirect descriptor: {0}")]
    Indirect(&'static str),
    /// A device-readable descriptor after a device-writable one (§2.7.4.2).
    #[error(
        "device-readable descriptor after a device-writable one in the chain from head {head}"
    )]
    Order {
        /// Head of the chain.
        head: u16,
    },
    /// A request the device cannot make sense of (a device's own rule, e.g. virtio-blk's
    /// header and status byte).
    #[error("{0}")]
    Malformed(&'static str),
}

/// One buffer of a chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Desc {
    /// Guest-physical address.
    pub addr: u64,
    /// Length in bytes.
    pub len: u32,
    /// Device-writable (otherwise device-readable).
    pub write: bool,
}

/// A descriptor chain taken from the available ring: its head index (what goes back in the
/// used ring) and its buffers in order, device-readable ones first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    /// Index of the head descriptor.
    pub head: u16,
    /// The buffers (an indirect table's entries in place of the descriptor naming it).
    pub descs: Vec<Desc>,
}

impl Chain {
    /// The device-readable buffers.
    pub fn readable(&self) -> impl Iterator<Item = &Desc> {
        self.descs.iter().filter(|d| !d.write)
    }

    /// The device-writable buffers.
    pub fn writable(&self) -> impl Iterator<Item = &Desc> {
        self.descs.iter().filter(|d| d.write)
    }

    /// Total length of the device-readable buffers.
    pub fn readable_len(&self) -> u64 {
        self.readable().map(|d| d.len as u64).sum()
    }

    /// Total length of the device-writable buffers.
    pub fn writable_len(&self) -> u64 {
        self.writable().map(|d| d.len as u64).sum()
    }
}

/// The guest-physical pieces (address, length) holding bytes `start..start + len` of the
/// buffers `bufs` taken end to end (fewer bytes when the buffers are shorter).
pub fn pieces<'a>(
    bufs: impl IntoIterator<Item = &'a Desc>,
    start: u64,
    len: u64,
) -> Vec<(u64, u64)> {
    let end = start.saturating_add(len);
    let mut out = Vec::new();
    let mut at = 0u64;
    for d in bufs {
        let (from, to) = (at, at + d.len as u64);
        at = to;
        let (s, e) = (from.max(start), to.min(end));
        if s < e {
            out.push((d.addr.wrapping_add(s - from), e - s));
        }
        if at >= end {
            break;
        }
    }
    out
}

/// One split virtqueue: what the driver configured, and the device's positions in the rings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queue {
    /// Queue size (entries in each ring), as the driver set it.
    pub size: u16,
    /// The driver enabled the queue (and [`Queue::check`] accepted it).
    pub ready: bool,
    /// Guest-physical address of the descriptor table.
    pub desc: u64,
    /// Guest-physical address of the available (driver) ring.
    pub avail: u64,
    /// Guest-physical address of the used (device) ring.
    pub used: u64,
    /// Indirect descriptors were negotiated.
    pub indirect: bool,
    /// Free-running index of the next available ring entry to take.
    next_avail: u16,
    /// Free-running index of the next used ring entry to fill.
    next_used: u16,
}

impl Queue {
    /// A disabled queue whose size register reads `size` (the maximum) until the driver
    /// writes it.
    pub fn new(size: u16) -> Queue {
        Queue {
            size,
            ready: false,
            desc: 0,
            avail: 0,
            used: 0,
            indirect: false,
            next_avail: 0,
            next_used: 0,
        }
    }

    /// Whether the configuration can be used (§2.7: power-of-two size up to `max`; descriptor
    /// table 16-, available ring 2-, used ring 4-byte aligned).
    pub fn check(&self, max: u16) -> Result<(), QueueError> {
        if self.size == 0 || self.size > max || !self.size.is_power_of_two() {
            return Err(QueueError::BadSize {
                size: self.size,
                max,
            });
        }
        for (ring, addr, align) in [
            ("descriptor table", self.desc, 16),
            ("available ring", self.avail, 2),
            ("used ring", self.used, 4),
        ] {
            if !addr.is_multiple_of(align) {
                return Err(QueueError::Misaligned { ring, addr, align });
            }
        }
        Ok(())
    }

    /// Enable the queue with its rings empty (both positions at 0).
    pub fn enable(&mut self) {
        self.ready = true;
        self.next_avail = 0;
        self.next_used = 0;
    }

    /// Take the next available descriptor chain, if the driver made one available.
    pub fn pop(&mut self, mem: &dyn DmaMemory) -> Result<Option<Chain>, QueueError> {
        let idx = read_u16(mem, self.avail.wrapping_add(RING_IDX), "available ring")?;
        let ahead = idx.wrapping_sub(self.next_avail);
        if ahead == 0 {
            return Ok(None);
        }
        if ahead > self.size {
            return Err(QueueError::AvailOverrun {
                idx,
                ahead,
                size: self.size,
            });
        }
        let slot = (self.next_avail & (self.size - 1)) as u64;
        let head = read_u16(
            mem,
            self.avail.wrapping_add(RING_ENTRIES + 2 * slot),
            "available ring",
        )?;
        self.next_avail = self.next_avail.wrapping_add(1);
        self.walk(mem, head).map(Some)
    }

    /// Whether the driver made a chain available that [`Queue::pop`] has not taken yet (an
    /// unreadable ring counts as none: `pop` is the one that reports it).
    pub fn has_available(&self, mem: &dyn DmaMemory) -> bool {
        read_u16(mem, self.avail.wrapping_add(RING_IDX), "available ring")
            .is_ok_and(|idx| idx != self.next_avail)
    }

    /// Follow the chain starting at descriptor `head`.
    fn walk(&self, mem: &dyn DmaMemory, head: u16) -> Result<Chain, QueueError> {
        let mut descs = Vec::new();
        let (mut table, mut entries) = (self.desc, self.size as u32);
        let (mut index, mut walked, mut indirect) = (head, 0u32, false);
        let mut seen_write = false;
        loop {
            if index as u32 >= entries {
                return Err(QueueError::BadIndex {
                    index,
                    len: entries,
                });
            }
            walked += 1;
            if walked > entries {
                return Err(QueueError::Loop { head, max: entries });
            }
            let mut raw = [0u8; DESC_SIZE as usize];
            let at = table.wrapping_add(DESC_SIZE * index as u64);
            if !mem.read(at, &mut raw) {
                return Err(QueueError::NotInRam {
                    what: if indirect {
                        "indirect descriptor table"
                    } else {
                        "descriptor table"
                    },
                    addr: at,
                    len: DESC_SIZE,
                });
            }
            let addr = u64::from_le_bytes(raw[0..8].try_into().unwrap_or_default());
            let len = u32::from_le_bytes(raw[8..12].try_into().unwrap_or_default());
            let flags = u16::from_le_bytes([raw[12], raw[13]]);
            let next = u16::from_le_bytes([raw[14], raw[15]]);
            if flags & DESC_F_INDIRECT != 0 {
                if indirect {
                    return Err(QueueError::Indirect("inside an indirect table"));
                }
                if !self.indirect {
                    return Err(QueueError::Indirect("not negotiated"));
                }
                if flags & DESC_F_NEXT != 0 {
                    return Err(QueueError::Indirect("with NEXT set"));
                }
                let n = len as u64 / DESC_SIZE;
                if len == 0 || !(len as u64).is_multiple_of(DESC_SIZE) || n > MAX_SIZE as u64 {
                    return Err(QueueError::Indirect(
                        "table length not a multiple of 16 from 16 to 16 KiB",
                    ));
                }
                (table, entries, index, walked, indirect) = (addr, n as u32, 0, 0, true);
                continue;
            }
            let write = flags & DESC_F_WRITE != 0;
            if seen_write && !write {
                return Err(QueueError::Order { head });
            }
            seen_write |= write;
            descs.push(Desc { addr, len, write });
            if flags & DESC_F_NEXT == 0 {
                return Ok(Chain { head, descs });
            }
            index = next;
        }
    }

    /// Return the chain `head` to the driver with `len` bytes written into its device-writable
    /// buffers.
    pub fn push_used(
        &mut self,
        mem: &mut dyn DmaMemory,
        head: u16,
        len: u32,
    ) -> Result<(), QueueError> {
        let slot = (self.next_used & (self.size - 1)) as u64;
        let at = self.used.wrapping_add(RING_ENTRIES + USED_ELEM_SIZE * slot);
        let mut elem = [0u8; USED_ELEM_SIZE as usize];
        elem[..4].copy_from_slice(&(head as u32).to_le_bytes());
        elem[4..].copy_from_slice(&len.to_le_bytes());
        if !mem.write(at, &elem) {
            return Err(QueueError::NotInRam {
                what: "used ring",
                addr: at,
                len: USED_ELEM_SIZE,
            });
        }
        self.next_used = self.next_used.wrapping_add(1);
        let at = self.used.wrapping_add(RING_IDX);
        if !mem.write(at, &self.next_used.to_le_bytes()) {
            return Err(QueueError::NotInRam {
                what: "used ring",
                addr: at,
                len: 2,
            });
        }
        Ok(())
    }

    /// Whether the driver asked for no used-buffer notification (`VRING_AVAIL_F_NO_INTERRUPT`;
    /// an unreadable ring counts as not asking).
    pub fn interrupt_suppressed(&self, mem: &dyn DmaMemory) -> bool {
        read_u16(mem, self.avail, "available ring").is_ok_and(|f| f & AVAIL_F_NO_INTERRUPT != 0)
    }
}

fn read_u16(mem: &dyn DmaMemory, addr: u64, what: &'static str) -> Result<u16, QueueError> {
    let mut b = [0u8; 2];
    if mem.read(addr, &mut b) {
        Ok(u16::from_le_bytes(b))
    } else {
        Err(QueueError::NotInRam { what, addr, len: 2 })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub use crate::devices::test_mem::{FakeMem, RAM};

    /// A driver's view of one queue in a [`FakeMem`]: descriptor table, available and used
    /// rings at fixed places, and the driver's available index.
    pub struct Driver {
        pub size: u16,
        pub desc: u64,
        pub avail: u64,
        pub used: u64,
        pub avail_idx: u16,
    }

    impl Driver {
        pub fn new(size: u16) -> Driver {
            Driver {
                size,
                desc: RAM + 0x1000,
                avail: RAM + 0x5000,
                used: RAM + 0x6000,
                avail_idx: 0,
            }
        }
        pub fn queue(&self) -> Queue {
            let mut q = Queue::new(self.size);
            q.desc = self.desc;
            q.avail = self.avail;
            q.used = self.used;
            q.check(MAX_SIZE).unwrap();
            q.enable();
            q
        }
        pub fn set_desc(
            &self,
            mem: &mut FakeMem,
            i: u16,
            addr: u64,
            len: u32,
            flags: u16,
            next: u16,
        ) {
            set_desc_at(mem, self.desc, i, addr, len, flags, next);
        }
        /// Make the chain at `head` available.
        pub fn offer(&mut self, mem: &mut FakeMem, head: u16) {
            let slot = (self.avail_idx % self.size) as u64;
            mem.put(self.avail + 4 + 2 * slot, &head.to_le_bytes());
            self.avail_idx = self.avail_idx.wrapping_add(1);
            mem.put(self.avail + 2, &self.avail_idx.to_le_bytes());
        }
        pub fn used_idx(&self, mem: &FakeMem) -> u16 {
            mem.u16(self.used + 2)
        }
        /// Used element `i` (id, len).
        pub fn used_elem(&self, mem: &FakeMem, i: u16) -> (u32, u32) {
            let at = self.used + 4 + 8 * (i % self.size) as u64;
            (mem.u32(at), mem.u32(at + 4))
        }
    }

    pub fn set_desc_at(
        mem: &mut FakeMem,
        table: u64,
        i: u16,
        addr: u64,
        len: u32,
        flags: u16,
        next: u16,
    ) {
        let mut d = Vec::new();
        d.extend_from_slice(&addr.to_le_bytes());
        d.extend_from_slice(&len.to_le_bytes());
        d.extend_from_slice(&flags.to_le_bytes());
        d.extend_from_slice(&next.to_le_bytes());
        mem.put(table + 16 * i as u64, &d);
    }

    #[test]
    fn a_normal_chain() {
        let mut mem = FakeMem::new(0x10000);
        let mut drv = Driver::new(8);
        let mut q = drv.queue();
        assert_eq!(q.pop(&mem), Ok(None));
        drv.set_desc(&mut mem, 3, RAM + 0x8000, 16, DESC_F_NEXT, 5);
        drv.set_desc(
            &mut mem,
            5,
            RAM + 0x9000,
            512,
            DESC_F_NEXT | DESC_F_WRITE,
            0,
        );
        drv.set_desc(&mut mem, 0, RAM + 0x9200, 1, DESC_F_WRITE, 0);
        assert!(!q.has_available(&mem));
        drv.offer(&mut mem, 3);
        assert!(q.has_available(&mem));
        let c = q.pop(&mem).unwrap().unwrap();
        assert!(!q.has_available(&mem));
        assert_eq!(c.head, 3);
        assert_eq!(
            c.descs,
            vec![
                Desc {
                    addr: RAM + 0x8000,
                    len: 16,
                    write: false
                },
                Desc {
                    addr: RAM + 0x9000,
                    len: 512,
                    write: true
                },
                Desc {
                    addr: RAM + 0x9200,
                    len: 1,
                    write: true
                },
            ]
        );
        assert_eq!((c.readable_len(), c.writable_len()), (16, 513));
        assert_eq!(q.pop(&mem), Ok(None));
        q.push_used(&mut mem, 3, 513).unwrap();
        assert_eq!(drv.used_idx(&mem), 1);
        assert_eq!(drv.used_elem(&mem, 0), (3, 513));
    }

    #[test]
    fn pieces_of_a_chain() {
        let d = |addr, len| Desc {
            addr,
            len,
            write: true,
        };
        let bufs = [d(0x1000, 16), d(0x2000, 100), d(0x3000, 4)];
        assert_eq!(pieces(&bufs, 0, 16), vec![(0x1000, 16)]);
        assert_eq!(pieces(&bufs, 10, 10), vec![(0x100a, 6), (0x2000, 4)]);
        assert_eq!(pieces(&bufs, 16, 200), vec![(0x2000, 100), (0x3000, 4)]);
        assert_eq!(pieces(&bufs, 119, 1), vec![(0x3003, 1)]);
        assert_eq!(pieces(&bufs, 120, 1), vec![]);
    }

    #[test]
    fn a_loop_is_refused() {
        let mut mem = FakeMem::new(0x10000);
        let mut drv = Driver::new(4);
        let mut q = drv.queue();
        drv.set_desc(&mut mem, 0, RAM + 0x8000, 16, DESC_F_NEXT, 1);
        drv.set_desc(&mut mem, 1, RAM + 0x8000, 16, DESC_F_NEXT, 0);
        drv.offer(&mut mem, 0);
        assert_eq!(q.pop(&mem), Err(QueueError::Loop { head: 0, max: 4 }));
        // A self-loop too.
        let mut q = drv.queue();
        drv.avail_idx = 0;
        drv.set_desc(&mut mem, 2, RAM + 0x8000, 16, DESC_F_NEXT, 2);
        drv.offer(&mut mem, 2);
        assert_eq!(q.pop(&mem), Err(QueueError::Loop { head: 2, max: 4 }));
    }

    #[test]
    fn bad_indices_and_order() {
        let mut mem = FakeMem::new(0x10000);
        let mut drv = Driver::new(4);
        let mut q = drv.queue();
        drv.offer(&mut mem, 7);
        assert_eq!(q.pop(&mem), Err(QueueError::BadIndex { index: 7, len: 4 }));
        let mut q = drv.queue();
        drv.avail_idx = 0;
        drv.set_desc(&mut mem, 0, RAM, 1, DESC_F_NEXT | DESC_F_WRITE, 1);
        drv.set_desc(&mut mem, 1, RAM, 1, 0, 0);
        drv.offer(&mut mem, 0);
        assert_eq!(q.pop(&mem), Err(QueueError::Order { head: 0 }));
    }

    #[test]
    fn rings_outside_ram() {
        let mut mem = FakeMem::new(0x10000);
        let mut drv = Driver::new(4);
        drv.desc = 0x1000_0000;
        let mut q = drv.queue();
        drv.offer(&mut mem, 0);
        assert!(matches!(
            q.pop(&mem),
            Err(QueueError::NotInRam {
                what: "descriptor table",
                addr: 0x1000_0000,
                ..
            })
        ));
        let mut drv = Driver::new(4);
        drv.avail = RAM + 0x10000 - 2;
        let mut q = drv.queue();
        assert!(matches!(
            q.pop(&mem),
            Err(QueueError::NotInRam {
                what: "available ring",
                ..
            })
        ));
        let mut drv = Driver::new(4);
        drv.used = u64::MAX - 3;
        let mut q = drv.queue();
        assert!(matches!(
            q.push_used(&mut mem, 0, 0),
            Err(QueueError::NotInRam {
                what: "used ring",
                ..
            })
        ));
    }

    #[test]
    fn huge_lengths_are_just_numbers() {
        // A 4 GiB buffer at the end of the address space is described, not allocated: the
        // device copies its bytes in pieces and fails on the first one outside RAM.
        let mut mem = FakeMem::new(0x10000);
        let mut drv = Driver::new(4);
        let mut q = drv.queue();
        drv.set_desc(&mut mem, 0, u64::MAX - 10, u32::MAX, DESC_F_WRITE, 0);
        drv.offer(&mut mem, 0);
        let c = q.pop(&mem).unwrap().unwrap();
        assert_eq!(c.writable_len(), u32::MAX as u64);
        let p = pieces(c.writable(), 0, u64::MAX);
        assert_eq!(p, vec![(u64::MAX - 10, u32::MAX as u64)]);
    }

    #[test]
    fn available_index_wraps() {
        let mut mem = FakeMem::new(0x10000);
        let mut drv = Driver::new(4);
        let mut q = drv.queue();
        // Both sides far along, just before the 16-bit wrap.
        q.next_avail = 0xfffe;
        q.next_used = 0xfffe;
        drv.avail_idx = 0xfffe;
        for i in 0..4u16 {
            drv.set_desc(&mut mem, i, RAM + 0x8000, 1, DESC_F_WRITE, 0);
            drv.offer(&mut mem, i);
        }
        assert_eq!(drv.avail_idx, 2);
        for i in 0..4u16 {
            let c = q.pop(&mem).unwrap().unwrap();
            assert_eq!(c.head, i);
            q.push_used(&mut mem, c.head, 1).unwrap();
        }
        assert_eq!(q.pop(&mem), Ok(None));
        assert_eq!(drv.used_idx(&mem), 2);
        // 0xfffe, 0xffff, 0, 1 land in slots 2, 3, 0, 1.
        assert_eq!(drv.used_elem(&mem, 2).0, 0);
        assert_eq!(drv.used_elem(&mem, 1).0, 3);
        // An index more than a queue size ahead is a driver error.
        mem.put(drv.avail + 2, &(2u16 + 5).to_le_bytes());
        assert_eq!(
            q.pop(&mem),
            Err(QueueError::AvailOverrun {
                idx: 7,
                ahead: 5,
                size: 4
            })
        );
    }

    #[test]
    fn configuration_checks() {
        let mut q = Queue::new(256);
        q.desc = RAM;
        q.avail = RAM + 0x1000;
        q.used = RAM + 0x2000;
        assert_eq!(q.check(MAX_SIZE), Ok(()));
        for size in [0, 3, 100, 2048] {
            q.size = size;
            assert_eq!(
                q.check(MAX_SIZE),
                Err(QueueError::BadSize {
                    size,
                    max: MAX_SIZE
                })
            );
        }
        q.size = 8;
        q.desc = RAM + 8;
        assert!(matches!(
            q.check(MAX_SIZE),
            Err(QueueError::Misaligned { align: 16, .. })
        ));
        q.desc = RAM;
        q.avail = RAM + 1;
        assert!(matches!(
            q.check(MAX_SIZE),
            Err(QueueError::Misaligned { align: 2, .. })
        ));
        q.avail = RAM;
        q.used = RAM + 2;
        assert!(matches!(
            q.check(MAX_SIZE),
            Err(QueueError::Misaligned { align: 4, .. })
        ));
    }

    #[test]
    fn indirect_tables() {
        let mut mem = FakeMem::new(0x10000);
        let mut drv = Driver::new(4);
        let table = RAM + 0xa000;
        set_desc_at(&mut mem, table, 0, RAM + 0x8000, 16, DESC_F_NEXT, 2);
        set_desc_at(
            &mut mem,
            table,
            2,
            RAM + 0x9000,
            512,
            DESC_F_NEXT | DESC_F_WRITE,
            1,
        );
        set_desc_at(&mut mem, table, 1, RAM + 0x9200, 1, DESC_F_WRITE, 0);
        drv.set_desc(&mut mem, 1, table, 48, DESC_F_INDIRECT, 0);
        drv.offer(&mut mem, 1);
        let mut q = drv.queue();
        assert_eq!(q.pop(&mem), Err(QueueError::Indirect("not negotiated")));
        let mut q = drv.queue();
        q.indirect = true;
        drv.avail_idx = 0;
        drv.offer(&mut mem, 1);
        let c = q.pop(&mem).unwrap().unwrap();
        assert_eq!(c.head, 1);
        assert_eq!(c.descs.len(), 3);
        assert_eq!(c.writable_len(), 513);
        // A loop inside the table, a nested table and a bad length are refused.
        for (fix, err) in [
            (
                (2u16, RAM + 0x9000, 512u32, DESC_F_NEXT | DESC_F_WRITE, 2u16),
                QueueError::Loop { head: 1, max: 3 },
            ),
            (
                (2, table, 48, DESC_F_INDIRECT, 0),
                QueueError::Indirect("inside an indirect table"),
            ),
        ] {
            set_desc_at(&mut mem, table, fix.0, fix.1, fix.2, fix.3, fix.4);
            let mut q = drv.queue();
            q.indirect = true;
            drv.avail_idx = 0;
            drv.offer(&mut mem, 1);
            assert_eq!(q.pop(&mem), Err(err));
        }
        for len in [0, 20, 16 * 1025] {
            drv.set_desc(&mut mem, 1, table, len, DESC_F_INDIRECT, 0);
            let mut q = drv.queue();
            q.indirect = true;
            drv.avail_idx = 0;
            drv.offer(&mut mem, 1);
            assert!(matches!(q.pop(&mem), Err(QueueError::Indirect(_))), "{len}");
        }
    }
}
