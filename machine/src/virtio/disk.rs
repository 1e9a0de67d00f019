//! A disk image file behind a block device: a raw image, read in place (never whole into
//! memory) with positioned reads, its 512-byte sectors addressed from 0.
//!
//! What the guest's writes do ([`DiskMode`]):
//! - [`DiskMode::Overlay`] (the default): written sectors are kept in memory, in a `BTreeMap`
//!   keyed by sector number (deterministic order), and read back from there; the file is
//!   opened read-only and never changes. At exit the overlay is discarded (the report says how
//!   many sectors it held). It grows by at most the image's size.
//! - [`DiskMode::WriteThrough`] (`,rw`): writes go to the file with positioned writes as they
//!   happen; a flush request and the end of the run call `sync_data`.
//! - [`DiskMode::ReadOnly`] (`,ro`): the device offers `VIRTIO_BLK_F_RO` and writes fail.
//!
//! Positioned reads rather than a memory map: a file truncated by someone else while the
//! guest runs gives a short read (an I/O error for that request), not a `SIGBUS` in the host.
//! Only regular files are accepted: a size that is a non-zero multiple of 512 bytes.

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// Sector size: the unit of virtio-blk addresses and capacity.
pub const SECTOR: u64 = 512;

/// What the guest's writes do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiskMode {
    /// Kept in memory; the file is never written.
    Overlay,
    /// Written to the file (`,rw`).
    WriteThrough,
    /// Refused (`,ro`).
    ReadOnly,
}

impl DiskMode {
    /// The name the command line and the report use.
    pub fn name(self) -> &'static str {
        match self {
            DiskMode::Overlay => "overlay",
            DiskMode::WriteThrough => "rw",
            DiskMode::ReadOnly => "ro",
        }
    }
}

/// Why a file cannot be a disk.
#[derive(Debug, thiserror::Error)]
pub enum DiskError {
    /// It cannot be opened (missing, unreadable, …).
    #[error("{0}")]
    Open(io::Error),
    /// It is a directory.
    #[error("is a directory")]
    Directory,
    /// It is not a regular file (a device node, a FIFO, …).
    #[error("not a regular file")]
    NotAFile,
    /// It is empty.
    #[error("empty file: a disk needs at least one 512-byte sector")]
    Empty,
    /// Its size is not a whole number of sectors.
    #[error("{size} bytes, not a multiple of 512 (the sector size)")]
    NotSectors {
        /// Its size.
        size: u64,
    },
}

/// What happened to a disk, for the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskStats {
    /// Size in bytes.
    pub size: u64,
    /// How the guest's writes are handled.
    pub mode: DiskMode,
    /// Bytes the guest read.
    pub bytes_read: u64,
    /// Bytes the guest wrote.
    pub bytes_written: u64,
    /// Sectors held in the overlay (written by the guest, not in the file).
    pub overlay_sectors: usize,
    /// The guest wrote to the file (`,rw`).
    pub written_back: bool,
}

/// An open disk image.
pub struct Disk {
    path: PathBuf,
    file: File,
    size: u64,
    mode: DiskMode,
    overlay: BTreeMap<u64, Box<[u8; SECTOR as usize]>>,
    bytes_read: u64,
    bytes_written: u64,
    /// Written to the file since the last `sync_data`.
    unsynced: bool,
    /// Ever written to the file.
    written_back: bool,
}

impl std::fmt::Debug for Disk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Disk")
            .field("path", &self.path)
            .field("size", &self.size)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl Disk {
    /// Open `path` as a disk (read-only unless `mode` writes through).
    pub fn open(path: &Path, mode: DiskMode) -> Result<Disk, DiskError> {
        let meta = std::fs::metadata(path).map_err(DiskError::Open)?;
        if meta.is_dir() {
            return Err(DiskError::Directory);
        }
        if !meta.is_file() {
            return Err(DiskError::NotAFile);
        }
        let file = File::options()
            .read(true)
            .write(mode == DiskMode::WriteThrough)
            .open(path)
            .map_err(DiskError::Open)?;
        let size = file.metadata().map_err(DiskError::Open)?.len();
        if size == 0 {
            return Err(DiskError::Empty);
        }
        if !size.is_multiple_of(SECTOR) {
            return Err(DiskError::NotSectors { size });
        }
        Ok(Disk {
            path: path.to_path_buf(),
            file,
            size,
            mode,
            overlay: BTreeMap::new(),
            bytes_read: 0,
            bytes_written: 0,
            unsynced: false,
            written_back: false,
        })
    }

    /// The image file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Size in bytes (a multiple of [`SECTOR`]).
    pub fn size(&self) -> u64 {
        self.size
    }

    /// What the guest's writes do.
    pub fn mode(&self) -> DiskMode {
        self.mode
    }

    /// Whether `len` bytes at `offset` lie inside the disk.
    pub fn contains(&self, offset: u64, len: u64) -> bool {
        offset.checked_add(len).is_some_and(|end| end <= self.size)
    }

    fn range_error(&self, offset: u64, len: usize) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{len} bytes at {offset:#x} are not inside the {}-byte disk",
                self.size
            ),
        )
    }

    /// Read `buf.len()` bytes at byte `offset`.
    pub fn read(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        if !self.contains(offset, buf.len() as u64) {
            return Err(self.range_error(offset, buf.len()));
        }
        if buf.is_empty() {
            return Ok(());
        }
        self.file.read_exact_at(buf, offset)?;
        let end = offset + buf.len() as u64;
        for (&s, data) in self.overlay.range(offset / SECTOR..end.div_ceil(SECTOR)) {
            let (from, to) = ((s * SECTOR).max(offset), ((s + 1) * SECTOR).min(end));
            let src = &data[(from - s * SECTOR) as usize..(to - s * SECTOR) as usize];
            buf[(from - offset) as usize..(to - offset) as usize].copy_from_slice(src);
        }
        self.bytes_read += buf.len() as u64;
        Ok(())
    }

    /// Write `data` at byte `offset` (into the overlay or the file, as the mode says).
    pub fn write(&mut self, offset: u64, data: &[u8]) -> io::Result<()> {
        if !self.contains(offset, data.len() as u64) {
            return Err(self.range_error(offset, data.len()));
        }
        match self.mode {
            DiskMode::ReadOnly => {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    "read-only disk",
                ))
            }
            DiskMode::WriteThrough => {
                self.file.write_all_at(data, offset)?;
                self.unsynced = true;
                self.written_back |= !data.is_empty();
            }
            DiskMode::Overlay => {
                let end = offset + data.len() as u64;
                let mut at = offset;
                while at < end {
                    let s = at / SECTOR;
                    let base = s * SECTOR;
                    let to = (base + SECTOR).min(end);
                    if !self.overlay.contains_key(&s) {
                        let mut sector = Box::new([0u8; SECTOR as usize]);
                        if at != base || to != base + SECTOR {
                            // A partial sector starts from the file's bytes.
                            self.file.read_exact_at(&mut sector[..], base)?;
                        }
                        self.overlay.insert(s, sector);
                    }
                    if let Some(sector) = self.overlay.get_mut(&s) {
                        sector[(at - base) as usize..(to - base) as usize]
                            .copy_from_slice(&data[(at - offset) as usize..(to - offset) as usize]);
                    }
                    at = to;
                }
            }
        }
        self.bytes_written += data.len() as u64;
        Ok(())
    }

    /// Make written data durable: `sync_data` when the guest wrote to the file since the last
    /// flush; nothing to do otherwise.
    pub fn flush(&mut self) -> io::Result<()> {
        if self.unsynced {
            self.file.sync_data()?;
            self.unsynced = false;
        }
        Ok(())
    }

    /// Counters and overlay state.
    pub fn stats(&self) -> DiskStats {
        DiskStats {
            size: self.size,
            mode: self.mode,
            bytes_read: self.bytes_read,
            bytes_written: self.bytes_written,
            overlay_sectors: self.overlay.len(),
            written_back: self.written_back,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A scratch image file of `sectors` sectors, sector `i` filled with byte `i`, removed
    /// when dropped.
    pub struct Scratch(pub PathBuf);

    impl Scratch {
        pub fn new(name: &str, sectors: u64) -> Scratch {
            let bytes: Vec<u8> = (0..sectors * SECTOR).map(|i| (i / SECTOR) as u8).collect();
            Scratch::with(name, &bytes)
        }
        pub fn with(name: &str, bytes: &[u8]) -> Scratch {
            let path = std::env::temp_dir()
                .join(format!("bootemu-disk-{}-{name}.img", std::process::id()));
            std::fs::write(&path, bytes).unwrap();
            Scratch(path)
        }
        pub fn bytes(&self) -> Vec<u8> {
            std::fs::read(&self.0).unwrap()
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    #[test]
    fn bad_files() {
        let dir = std::env::temp_dir();
        assert!(matches!(
            Disk::open(&dir, DiskMode::Overlay),
            Err(DiskError::Directory)
        ));
        assert!(matches!(
            Disk::open(Path::new("/nonexistent/disk.img"), DiskMode::Overlay),
            Err(DiskError::Open(_))
        ));
        let empty = Scratch::with("empty", &[]);
        assert!(matches!(
            Disk::open(&empty.0, DiskMode::Overlay),
            Err(DiskError::Empty)
        ));
        let odd = Scratch::with("odd", &[0; 1000]);
        assert!(matches!(
            Disk::open(&odd.0, DiskMode::WriteThrough),
            Err(DiskError::NotSectors { size: 1000 })
        ));
        assert_eq!(
            DiskError::NotSectors { size: 1000 }.to_string(),
            "1000 bytes, not a multiple of 512 (the sector size)"
        );
    }

    #[test]
    fn overlay_reads_back_and_leaves_the_file_alone() {
        let img = Scratch::new("overlay", 4);
        let before = img.bytes();
        let mut d = Disk::open(&img.0, DiskMode::Overlay).unwrap();
        assert_eq!(d.size(), 2048);
        let mut b = [0u8; 4];
        d.read(510, &mut b).unwrap();
        assert_eq!(b, [0, 0, 1, 1]);
        d.write(512, &[0xaa; 512]).unwrap();
        // A partial sector keeps the file's other bytes.
        d.write(1024 + 10, &[0xbb; 2]).unwrap();
        let mut all = vec![0u8; 2048];
        d.read(0, &mut all).unwrap();
        assert_eq!(&all[..512], &before[..512]);
        assert!(all[512..1024].iter().all(|&x| x == 0xaa));
        assert_eq!(&all[1024..1034], &[2; 10]);
        assert_eq!(&all[1034..1036], &[0xbb; 2]);
        assert_eq!(&all[1036..1536], &[2; 500]);
        assert_eq!(&all[1536..], &before[1536..]);
        let s = d.stats();
        assert_eq!(
            (
                s.bytes_read,
                s.bytes_written,
                s.overlay_sectors,
                s.written_back
            ),
            (2052, 514, 2, false)
        );
        d.flush().unwrap();
        drop(d);
        assert_eq!(img.bytes(), before);
    }

    #[test]
    fn write_through_changes_the_file() {
        let img = Scratch::new("rw", 2);
        let mut d = Disk::open(&img.0, DiskMode::WriteThrough).unwrap();
        d.write(512, &[7; 512]).unwrap();
        d.flush().unwrap();
        let s = d.stats();
        assert!(s.written_back);
        assert_eq!(s.overlay_sectors, 0);
        drop(d);
        assert!(img.bytes()[512..].iter().all(|&x| x == 7));
    }

    #[test]
    fn read_only_and_out_of_range() {
        let img = Scratch::new("ro", 2);
        let mut d = Disk::open(&img.0, DiskMode::ReadOnly).unwrap();
        assert_eq!(
            d.write(0, &[1]).unwrap_err().kind(),
            io::ErrorKind::PermissionDenied
        );
        let mut b = [0u8; 512];
        assert_eq!(
            d.read(1024, &mut b).unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
        assert_eq!(
            d.read(u64::MAX - 1, &mut b).unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
        assert!(d.contains(512, 512) && !d.contains(513, 512));
    }
}
