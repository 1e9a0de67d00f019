//! virtio-blk: a block device over one [`Disk`] (VIRTIO 1.2 §5.2), one request queue.
//!
//! Behavioural reference: QEMU's `hw/block/virtio-blk.c` (what a `virtio-blk-device` offers on
//! `virt`, request parsing without assumptions on how the driver split the buffers).
//!
//! Offered features: `VIRTIO_F_VERSION_1`, `VIRTIO_RING_F_INDIRECT_DESC`,
//! `VIRTIO_BLK_F_SEG_MAX` (queue size 256 − 2 = [`SEG_MAX`], QEMU's value),
//! `VIRTIO_BLK_F_BLK_SIZE` (512), `VIRTIO_BLK_F_FLUSH`, and `VIRTIO_BLK_F_RO` for a read-only
//! disk. `VIRTIO_BLK_F_SIZE_MAX` is not offered, as by QEMU: a segment of any length is copied
//! in pieces of at most [`CHUNK`] bytes, so none needs a host buffer of its size.
//!
//! Configuration space (§5.2.4, little-endian): `capacity` (u64, 512-byte sectors) at 0,
//! `size_max` (0) at 8, `seg_max` at 12, `geometry` (0) at 16, `blk_size` at 20, `topology`
//! (0) at 24, `writeback` (0) at 32, `num_queues` (1) at 34; read-only, bytes past it read as
//! zero, writes ignored.
//!
//! Requests (§5.2.6): a 16-byte header `{ le32 type, le32 reserved, le64 sector }` at the start
//! of the device-readable buffers, then the data (device-readable for a write, device-writable
//! for a read), then one device-writable status byte at the very end; the driver may split
//! these across descriptors as it likes (`VIRTIO_F_VERSION_1` implies any layout).
//! - `VIRTIO_BLK_T_IN` / `VIRTIO_BLK_T_OUT`: data length a multiple of 512 and inside the
//!   disk, else `VIRTIO_BLK_S_IOERR` (nothing transferred); a write to a read-only disk is
//!   `IOERR` with nothing written (§5.2.6.2); a buffer outside RAM or a host I/O error is
//!   `IOERR` (what came before it was transferred).
//! - `VIRTIO_BLK_T_FLUSH`: [`Disk::flush`] (`sync_data` of a `,rw` file), `IOERR` if it fails.
//! - `VIRTIO_BLK_T_GET_ID`: the serial number (empty by default, as QEMU's): at most 20 bytes,
//!   zero-padded.
//! - any other type (discard, write zeroes, secure erase, zoned, SCSI): `VIRTIO_BLK_S_UNSUPP`.
//!
//! A chain without room for the header or the status byte is malformed: the device needs a
//! reset (QEMU: "virtio-blk missing headers"). The used length is the number of bytes written
//! into the device-writable buffers, status byte included.
//!
//! A notification serves at most the queue size in requests. A driver cannot have more
//! outstanding; only the device's own writes can make more available (a read whose buffer is
//! the available ring), and those wait for the next notification instead of keeping the
//! notifying write from returning.
//!
//! Not modelled: multiple queues (`VIRTIO_BLK_F_MQ`), discard / write zeroes / secure erase,
//! zoned devices, the writeback toggle (`VIRTIO_BLK_F_CONFIG_WCE`), geometry and topology
//! hints.

use virtio_bindings::virtio_blk as vb;

use super::disk::{Disk, DiskMode, SECTOR};
use super::queue::{pieces, Chain, Queue, QueueError};
use super::{VirtioDevice, F_INDIRECT_DESC, F_VERSION_1};
use crate::devices::DmaMemory;

/// Device ID of a block device.
pub const DEVICE_ID: u32 = virtio_bindings::virtio_ids::VIRTIO_ID_BLOCK;
/// PCI class code of a virtio-blk-pci function: mass storage, SCSI (QEMU's
/// `virtio_blk_pci_class_init`: `PCI_CLASS_STORAGE_SCSI`).
pub const PCI_CLASS: u32 = 0x01_00_00;
/// Feature: `size_max` is valid.
pub const F_SIZE_MAX: u64 = 1 << vb::VIRTIO_BLK_F_SIZE_MAX;
/// Feature: `seg_max` is valid.
pub const F_SEG_MAX: u64 = 1 << vb::VIRTIO_BLK_F_SEG_MAX;
/// Feature: the device is read-only.
pub const F_RO: u64 = 1 << vb::VIRTIO_BLK_F_RO;
/// Feature: `blk_size` is valid.
pub const F_BLK_SIZE: u64 = 1 << vb::VIRTIO_BLK_F_BLK_SIZE;
/// Feature: flush requests.
pub const F_FLUSH: u64 = 1 << vb::VIRTIO_BLK_F_FLUSH;

/// Request type: read.
pub const T_IN: u32 = vb::VIRTIO_BLK_T_IN;
/// Request type: write.
pub const T_OUT: u32 = vb::VIRTIO_BLK_T_OUT;
/// Request type: flush.
pub const T_FLUSH: u32 = vb::VIRTIO_BLK_T_FLUSH;
/// Request type: device ID string.
pub const T_GET_ID: u32 = vb::VIRTIO_BLK_T_GET_ID;
/// Status: success.
pub const S_OK: u8 = vb::VIRTIO_BLK_S_OK as u8;
/// Status: I/O error.
pub const S_IOERR: u8 = vb::VIRTIO_BLK_S_IOERR as u8;
/// Status: unsupported request.
pub const S_UNSUPP: u8 = vb::VIRTIO_BLK_S_UNSUPP as u8;
/// Length of the ID string.
pub const ID_BYTES: usize = vb::VIRTIO_BLK_ID_BYTES as usize;

/// Segments per request (QEMU: queue size − 2 with its default queue size of 256).
pub const SEG_MAX: u32 = 254;
/// Largest piece of a segment copied at once.
pub const CHUNK: usize = 64 * 1024;
/// Size of the request header.
const HEADER_LEN: u64 = 16;

/// Configuration space field offsets.
const CFG_CAPACITY: usize = 0;
const CFG_SEG_MAX: usize = 12;
const CFG_BLK_SIZE: usize = 20;
const CFG_NUM_QUEUES: usize = 34;
/// Configuration space size (up to `num_queues`).
const CFG_LEN: usize = 36;

/// A virtio block device.
pub struct Blk {
    disk: Disk,
    serial: [u8; ID_BYTES],
    config: [u8; CFG_LEN],
    /// Reusable copy buffer ([`CHUNK`] bytes once used).
    buf: Vec<u8>,
}

impl Blk {
    /// A block device on `disk`, read-only when the disk's mode is.
    pub fn new(disk: Disk) -> Blk {
        let mut config = [0u8; CFG_LEN];
        let put =
            |c: &mut [u8; CFG_LEN], at: usize, v: &[u8]| c[at..at + v.len()].copy_from_slice(v);
        put(
            &mut config,
            CFG_CAPACITY,
            &(disk.size() / SECTOR).to_le_bytes(),
        );
        put(&mut config, CFG_SEG_MAX, &SEG_MAX.to_le_bytes());
        put(&mut config, CFG_BLK_SIZE, &(SECTOR as u32).to_le_bytes());
        put(&mut config, CFG_NUM_QUEUES, &1u16.to_le_bytes());
        Blk {
            disk,
            serial: [0; ID_BYTES],
            config,
            buf: Vec::new(),
        }
    }

    /// Set the serial number `VIRTIO_BLK_T_GET_ID` returns (at most 20 bytes are kept).
    pub fn set_serial(&mut self, serial: &[u8]) {
        self.serial = [0; ID_BYTES];
        let n = serial.len().min(ID_BYTES);
        self.serial[..n].copy_from_slice(&serial[..n]);
    }

    fn read_only(&self) -> bool {
        self.disk.mode() == DiskMode::ReadOnly
    }

    /// Serve one request; the number of bytes written into its device-writable buffers.
    fn request(&mut self, c: &Chain, mem: &mut dyn DmaMemory) -> Result<u32, QueueError> {
        let (rlen, wlen) = (c.readable_len(), c.writable_len());
        if rlen < HEADER_LEN || wlen < 1 {
            return Err(QueueError::Malformed(
                "virtio-blk request without a 16-byte header or a status byte",
            ));
        }
        let mut header = [0u8; HEADER_LEN as usize];
        let mut at = 0;
        for (addr, len) in pieces(c.readable(), 0, HEADER_LEN) {
            if !mem.read(addr, &mut header[at..at + len as usize]) {
                return Err(QueueError::NotInRam {
                    what: "virtio-blk request header",
                    addr,
                    len,
                });
            }
            at += len as usize;
        }
        let kind = u32::from_le_bytes(header[0..4].try_into().unwrap_or_default());
        let sector = u64::from_le_bytes(header[8..16].try_into().unwrap_or_default());
        let data_in = wlen - 1;
        let (status, written) = match kind {
            T_IN => {
                let (status, n) = self.read(sector, c, data_in, mem);
                (status, n)
            }
            T_OUT => (self.write(sector, c, rlen - HEADER_LEN, mem), 0),
            T_FLUSH => match self.disk.flush() {
                Ok(()) => (S_OK, 0),
                Err(e) => {
                    log::warn!("virtio-blk: {}: flush: {e}", self.disk.path().display());
                    (S_IOERR, 0)
                }
            },
            T_GET_ID => {
                let n = (ID_BYTES as u64).min(data_in);
                let serial = self.serial;
                match copy_out(mem, &pieces(c.writable(), 0, n), &serial[..n as usize]) {
                    true => (S_OK, n),
                    false => (S_IOERR, 0),
                }
            }
            _ => {
                log::debug!("virtio-blk: request type {kind} unsupported");
                (S_UNSUPP, 0)
            }
        };
        let status_at = pieces(c.writable(), data_in, 1);
        let Some(&(addr, _)) = status_at.first() else {
            return Err(QueueError::Malformed(
                "virtio-blk request without a status byte",
            ));
        };
        if !mem.write(addr, &[status]) {
            return Err(QueueError::NotInRam {
                what: "virtio-blk status byte",
                addr,
                len: 1,
            });
        }
        Ok((written + 1).min(u32::MAX as u64) as u32)
    }

    /// Check a data transfer of `len` bytes at `sector`.
    fn range_ok(&self, sector: u64, len: u64) -> bool {
        len.is_multiple_of(SECTOR)
            && sector
                .checked_mul(SECTOR)
                .is_some_and(|off| self.disk.contains(off, len))
    }

    /// `T_IN`: disk → the first `len` device-writable bytes; status and bytes written.
    fn read(&mut self, sector: u64, c: &Chain, len: u64, mem: &mut dyn DmaMemory) -> (u8, u64) {
        if !self.range_ok(sector, len) {
            log::debug!("virtio-blk: read of {len} bytes at sector {sector} out of range");
            return (S_IOERR, 0);
        }
        let mut off = sector * SECTOR;
        let mut done = 0;
        self.buf.resize(CHUNK, 0);
        for (addr, plen) in pieces(c.writable(), 0, len) {
            let mut at = 0;
            while at < plen {
                let n = (plen - at).min(CHUNK as u64) as usize;
                if let Err(e) = self.disk.read(off, &mut self.buf[..n]) {
                    log::warn!("virtio-blk: {}: read: {e}", self.disk.path().display());
                    return (S_IOERR, done);
                }
                let Some(dst) = addr.checked_add(at) else {
                    return (S_IOERR, done);
                };
                if !mem.write(dst, &self.buf[..n]) {
                    log::debug!("virtio-blk: read buffer at {dst:#x} not in RAM");
                    return (S_IOERR, done);
                }
                (at, off, done) = (at + n as u64, off + n as u64, done + n as u64);
            }
        }
        (S_OK, done)
    }

    /// `T_OUT`: the device-readable bytes after the header → disk.
    fn write(&mut self, sector: u64, c: &Chain, len: u64, mem: &mut dyn DmaMemory) -> u8 {
        if self.read_only() {
            return S_IOERR;
        }
        if !self.range_ok(sector, len) {
            log::debug!("virtio-blk: write of {len} bytes at sector {sector} out of range");
            return S_IOERR;
        }
        let mut off = sector * SECTOR;
        self.buf.resize(CHUNK, 0);
        for (addr, plen) in pieces(c.readable(), HEADER_LEN, len) {
            let mut at = 0;
            while at < plen {
                let n = (plen - at).min(CHUNK as u64) as usize;
                let src = addr.checked_add(at);
                if !src.is_some_and(|s| mem.read(s, &mut self.buf[..n])) {
                    log::debug!("virtio-blk: write buffer at {addr:#x} not in RAM");
                    return S_IOERR;
                }
                if let Err(e) = self.disk.write(off, &self.buf[..n]) {
                    log::warn!("virtio-blk: {}: write: {e}", self.disk.path().display());
                    return S_IOERR;
                }
                (at, off) = (at + n as u64, off + n as u64);
            }
        }
        S_OK
    }
}

/// Copy `data` to the guest `pieces`, in order.
fn copy_out(mem: &mut dyn DmaMemory, pieces: &[(u64, u64)], data: &[u8]) -> bool {
    let mut at = 0;
    for &(addr, len) in pieces {
        let len = len as usize;
        if !mem.write(addr, &data[at..at + len]) {
            return false;
        }
        at += len;
    }
    true
}

impl VirtioDevice for Blk {
    fn device_id(&self) -> u32 {
        DEVICE_ID
    }

    fn features(&self) -> u64 {
        let ro = if self.read_only() { F_RO } else { 0 };
        F_VERSION_1 | F_INDIRECT_DESC | F_SEG_MAX | F_BLK_SIZE | F_FLUSH | ro
    }

    fn num_queues(&self) -> usize {
        1
    }

    fn read_config(&self, offset: u64, data: &mut [u8]) {
        for (i, b) in data.iter_mut().enumerate() {
            *b = usize::try_from(offset)
                .ok()
                .and_then(|o| o.checked_add(i))
                .and_then(|o| self.config.get(o))
                .copied()
                .unwrap_or(0);
        }
    }

    fn process(
        &mut self,
        _index: usize,
        queue: &mut Queue,
        mem: &mut dyn DmaMemory,
    ) -> Result<bool, QueueError> {
        // At most one queue's worth per notification: a driver cannot have more chains
        // outstanding, so what is left was made available by the device's own writes (a read
        // into the available ring), which could otherwise keep it busy for ever.
        let mut used = false;
        for _ in 0..queue.size {
            let Some(chain) = queue.pop(mem)? else {
                return Ok(used);
            };
            let len = self.request(&chain, mem)?;
            queue.push_used(mem, chain.head, len)?;
            used = true;
        }
        if queue.has_available(mem) {
            log::warn!(
                "virtio-blk: {} requests served in one notification; the rest wait for the next",
                queue.size
            );
        }
        Ok(used)
    }

    fn as_disk(&mut self) -> Option<&mut Disk> {
        Some(&mut self.disk)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::virtio::disk::tests::Scratch;
    use crate::virtio::queue::tests::{Driver, FakeMem, RAM};
    use crate::virtio::queue::{DESC_F_NEXT, DESC_F_WRITE};

    const HDR: u64 = RAM + 0x8000;
    /// Where [`offer_request`] and the tests put data buffers.
    pub const DATA: u64 = RAM + 0x9000;
    /// Where [`offer_request`] puts the status byte.
    pub const STATUS: u64 = RAM + 0xf000;

    fn header(mem: &mut FakeMem, kind: u32, sector: u64) {
        let mut h = Vec::new();
        h.extend_from_slice(&kind.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes());
        h.extend_from_slice(&sector.to_le_bytes());
        mem.put(HDR, &h);
    }

    /// Make a request available as a driver does: header (`kind`, `sector`), data (`len` bytes
    /// at `addr`, device-writable when the flag says so), status byte (0xff until written), as
    /// descriptors 0..2.
    pub fn offer_request(
        drv: &mut Driver,
        mem: &mut FakeMem,
        kind: u32,
        sector: u64,
        data: (u64, u32, bool),
    ) {
        header(mem, kind, sector);
        mem.put(STATUS, &[0xff]);
        let (addr, len, dev_writes) = data;
        drv.set_desc(mem, 0, HDR, 16, DESC_F_NEXT, 1);
        let f = if dev_writes { DESC_F_WRITE } else { 0 };
        drv.set_desc(mem, 1, addr, len, DESC_F_NEXT | f, 2);
        drv.set_desc(mem, 2, STATUS, 1, DESC_F_WRITE, 0);
        drv.offer(mem, 0);
    }

    /// A virtio-blk device with its queue, the driver's view of it and guest memory.
    struct Rig {
        blk: Blk,
        q: Queue,
        drv: Driver,
        mem: FakeMem,
    }

    impl Rig {
        /// Submit header + data (`len` bytes at `addr`, device-writable when the flag says so)
        /// + status, and process; returns (status byte, used length).
        fn submit(&mut self, kind: u32, sector: u64, data: (u64, u32, bool)) -> (u8, u32) {
            let Rig { blk, q, drv, mem } = self;
            offer_request(drv, mem, kind, sector, data);
            let before = drv.used_idx(mem);
            assert_eq!(blk.process(0, q, mem), Ok(true));
            assert_eq!(drv.used_idx(mem), before.wrapping_add(1));
            let (id, len) = drv.used_elem(mem, before);
            assert_eq!(id, 0);
            (mem.bytes(STATUS, 1)[0], len)
        }
    }

    fn setup(img: &Scratch, mode: DiskMode) -> Rig {
        let blk = Blk::new(Disk::open(&img.0, mode).unwrap());
        let drv = Driver::new(16);
        Rig {
            blk,
            q: drv.queue(),
            drv,
            mem: FakeMem::new(0x20000),
        }
    }

    #[test]
    fn config_and_features() {
        let img = Scratch::new("blk-config", 8);
        let Rig { blk, .. } = setup(&img, DiskMode::Overlay);
        let mut b = [0u8; 8];
        blk.read_config(0, &mut b);
        assert_eq!(u64::from_le_bytes(b), 8);
        let mut w = [0u8; 4];
        blk.read_config(12, &mut w);
        assert_eq!(u32::from_le_bytes(w), SEG_MAX);
        blk.read_config(20, &mut w);
        assert_eq!(u32::from_le_bytes(w), 512);
        blk.read_config(u64::MAX - 1, &mut w);
        assert_eq!(w, [0; 4]);
        assert_eq!(blk.features() & F_RO, 0);
        assert_ne!(blk.features() & F_FLUSH, 0);
        let Rig { blk: ro, .. } = setup(&img, DiskMode::ReadOnly);
        assert_ne!(ro.features() & F_RO, 0);
    }

    #[test]
    fn read_sectors() {
        let img = Scratch::new("rig.blk-read", 8);
        let mut rig = setup(&img, DiskMode::Overlay);
        let r = rig.submit(T_IN, 2, (DATA, 1024, true));
        assert_eq!(r, (S_OK, 1025));
        assert_eq!(rig.mem.bytes(DATA, 512), &[2; 512]);
        assert_eq!(rig.mem.bytes(DATA + 512, 512), &[3; 512]);
        assert_eq!(rig.blk.disk.stats().bytes_read, 1024);
    }

    #[test]
    fn write_goes_to_the_overlay_then_reads_back() {
        let img = Scratch::new("rig.blk-write", 8);
        let before = img.bytes();
        let mut rig = setup(&img, DiskMode::Overlay);
        rig.mem.put(DATA, &[0x5a; 512]);
        let r = rig.submit(T_OUT, 7, (DATA, 512, false));
        assert_eq!(r, (S_OK, 1));
        rig.mem.put(DATA, &[0; 512]);
        let r = rig.submit(T_IN, 7, (DATA, 512, true));
        assert_eq!(r, (S_OK, 513));
        assert_eq!(rig.mem.bytes(DATA, 512), &[0x5a; 512]);
        let s = rig.blk.disk.stats();
        assert_eq!((s.bytes_written, s.overlay_sectors), (512, 1));
        let r = rig.submit(T_FLUSH, 0, (DATA, 0, true));
        assert_eq!(r, (S_OK, 1));
        drop(rig.blk);
        assert_eq!(img.bytes(), before, "the file is untouched");
    }

    #[test]
    fn write_through_and_flush() {
        let img = Scratch::new("rig.blk-rw", 4);
        let mut rig = setup(&img, DiskMode::WriteThrough);
        rig.mem.put(DATA, &[0x11; 1024]);
        let r = rig.submit(T_OUT, 1, (DATA, 1024, false));
        assert_eq!(r, (S_OK, 1));
        let r = rig.submit(T_FLUSH, 0, (DATA, 0, true));
        assert_eq!(r, (S_OK, 1));
        drop(rig.blk);
        let b = img.bytes();
        assert!(b[512..1536].iter().all(|&x| x == 0x11));
        assert!(b[1536..].iter().all(|&x| x == 3));
    }

    #[test]
    fn read_only_refuses_writes() {
        let img = Scratch::new("rig.blk-ro", 4);
        let before = img.bytes();
        let mut rig = setup(&img, DiskMode::ReadOnly);
        let r = rig.submit(T_OUT, 0, (DATA, 512, false));
        assert_eq!(r, (S_IOERR, 1));
        assert_eq!(rig.blk.disk.stats().bytes_written, 0);
        drop(rig.blk);
        assert_eq!(img.bytes(), before);
    }

    #[test]
    fn out_of_range_and_odd_lengths_are_io_errors() {
        let img = Scratch::new("rig.blk-range", 4);
        let mut rig = setup(&img, DiskMode::Overlay);
        for (sector, len) in [(4, 512), (3, 1024), (u64::MAX / 2, 512), (0, 100)] {
            let r = rig.submit(T_IN, sector, (DATA, len, true));
            assert_eq!(r, (S_IOERR, 1), "read {sector} {len}");
            let r = rig.submit(T_OUT, sector, (DATA, len, false));
            assert_eq!(r, (S_IOERR, 1), "write {sector} {len}");
        }
        // A data buffer outside RAM: the request fails, the device goes on.
        let r = rig.submit(T_IN, 0, (0x1000, 512, true));
        assert_eq!(r, (S_IOERR, 1));
        // A 4 GiB buffer fails the range check; nothing is allocated for it.
        let r = rig.submit(T_IN, 0, (DATA, !511, true));
        assert_eq!(r, (S_IOERR, 1));
        assert_eq!(rig.blk.disk.stats().bytes_written, 0);
    }

    #[test]
    fn a_full_queue_is_served_in_one_notification() {
        let img = Scratch::new("rig.blk-full", 4);
        let mut rig = setup(&img, DiskMode::Overlay);
        let Rig { blk, q, drv, mem } = &mut rig;
        header(mem, T_IN, 1);
        drv.set_desc(mem, 0, HDR, 16, DESC_F_NEXT, 1);
        drv.set_desc(mem, 1, DATA, 512, DESC_F_NEXT | DESC_F_WRITE, 2);
        drv.set_desc(mem, 2, STATUS, 1, DESC_F_WRITE, 0);
        for _ in 0..drv.size {
            drv.offer(mem, 0); // the same chain each time: the device does not mind
        }
        assert_eq!(blk.process(0, q, mem), Ok(true));
        assert_eq!(drv.used_idx(mem), drv.size);
        assert!(!q.has_available(mem));
    }

    #[test]
    fn chains_made_available_by_the_device_itself_wait_for_the_next_notification() {
        // A read whose data buffer covers its own header and the available ring: sector s of
        // the disk holds the header of a read of sector s + 1 and an available index one ahead
        // of the device, so each chain served makes the next one available. After 65536
        // sectors the 16-bit indices come round and the chain of requests would never end
        // (the vCPU never gets back from the notifying write); the device serves at most one
        // queue's worth of chains per notification.
        const SECTORS: u64 = 1 << 16;
        let mut bytes = vec![0u8; (SECTORS * SECTOR) as usize];
        for s in 0..SECTORS {
            let at = (s * SECTOR) as usize;
            bytes[at + 8..at + 16].copy_from_slice(&((s + 1) % SECTORS).to_le_bytes());
            bytes[at + 18..at + 20].copy_from_slice(&((s + 2) as u16).to_le_bytes());
        }
        let img = Scratch::with("blk-refill", &bytes);
        let mut blk = Blk::new(Disk::open(&img.0, DiskMode::Overlay).unwrap());
        let mut mem = FakeMem::new(0x20000);
        let mut drv = Driver::new(16);
        drv.avail = DATA + HEADER_LEN;
        let mut q = drv.queue();
        let mut h = T_IN.to_le_bytes().to_vec();
        h.extend_from_slice(&[0; 12]);
        mem.put(DATA, &h);
        drv.set_desc(&mut mem, 0, DATA, 16, DESC_F_NEXT, 1);
        drv.set_desc(&mut mem, 1, DATA, 512, DESC_F_NEXT | DESC_F_WRITE, 2);
        drv.set_desc(&mut mem, 2, STATUS, 1, DESC_F_WRITE, 0);
        drv.offer(&mut mem, 0);
        assert_eq!(blk.process(0, &mut q, &mut mem), Ok(true));
        assert_eq!(drv.used_idx(&mem), 16, "one queue's worth per notification");
        assert_eq!(mem.u16(drv.avail + 2), 17, "the next one is available");
        assert_eq!(blk.process(0, &mut q, &mut mem), Ok(true));
        assert_eq!(drv.used_idx(&mem), 32, "served at the next notification");
    }

    #[test]
    fn get_id_and_unsupported() {
        let img = Scratch::new("rig.blk-id", 1);
        let mut rig = setup(&img, DiskMode::Overlay);
        rig.blk.set_serial(b"bootemu-serial-number-long");
        rig.mem.put(DATA, &[0xee; 32]);
        let r = rig.submit(T_GET_ID, 0, (DATA, 32, true));
        assert_eq!(r, (S_OK, 21));
        assert_eq!(rig.mem.bytes(DATA, 20), b"bootemu-serial-numbe");
        assert_eq!(rig.mem.bytes(DATA + 20, 1), &[0xee]);
        let r = rig.submit(11, 0, (DATA, 16, false));
        assert_eq!(r, (S_UNSUPP, 1));
    }

    #[test]
    fn split_header_and_malformed_chains() {
        let img = Scratch::new("rig.blk-split", 2);
        let mut rig = setup(&img, DiskMode::Overlay);
        // Header in two pieces, data and status in one writable buffer.
        header(&mut rig.mem, T_IN, 1);
        rig.drv.set_desc(&mut rig.mem, 0, HDR, 4, DESC_F_NEXT, 1);
        rig.drv
            .set_desc(&mut rig.mem, 1, HDR + 4, 12, DESC_F_NEXT, 2);
        rig.drv
            .set_desc(&mut rig.mem, 2, DATA, 513, DESC_F_WRITE, 0);
        rig.drv.offer(&mut rig.mem, 0);
        assert_eq!(rig.blk.process(0, &mut rig.q, &mut rig.mem), Ok(true));
        assert_eq!(rig.mem.bytes(DATA, 513)[..512], [1; 512]);
        assert_eq!(rig.mem.bytes(DATA + 512, 1), &[S_OK]);
        // No status byte: the device needs a reset.
        rig.drv.set_desc(&mut rig.mem, 0, HDR, 16, 0, 0);
        rig.drv.offer(&mut rig.mem, 0);
        assert!(matches!(
            rig.blk.process(0, &mut rig.q, &mut rig.mem),
            Err(QueueError::Malformed(_))
        ));
    }
}
