//! CFI parallel NOR flash bank with the Intel/Sharp command set (CFI command set 0x0001), after
//! Intel's *Common Flash Interface (CFI) and Command Sets* application note (AP-646), the JEDEC
//! CFI query structure (JESD68) and the command-bus table of the *3 Volt Intel StrataFlash
//! Memory* datasheet (28F128J3 family: "Command Bus Definitions", "Status Register
//! Definitions"). The behavioural reference is QEMU's `hw/block/pflash_cfi01.c` as instantiated
//! by `virt_flash_create1` in `hw/arm/virt.c`: 256 KiB sectors, `width` 4 (a 32-bit bank),
//! `device-width` 2 (two x16 devices side by side), little-endian, IDs 0x89 / 0x18 / 0 / 0.
//! Where QEMU and the datasheet differ, this model does what QEMU does, since that is what the
//! firmwares (EDK2 `VirtNorFlashDxe`, U-Boot `drivers/mtd/cfi_flash.c`) are tested against.
//!
//! Modelled:
//! - Read array (`0xff`, also `0x00` and the AMD reset `0xf0`): reads return the contents; the
//!   bank then reads like memory and hands its pages out ([`MmioDevice::direct_page`]).
//! - Read status (`0x70`) and the status-reading states after program / erase / lock / buffer
//!   commands: [`STATUS_READY`] (SR.7), [`STATUS_ERASE_ERROR`] (SR.5),
//!   [`STATUS_PROGRAM_ERROR`] (SR.4). A read returns the status of each x16 device, so a 32-bit
//!   read of status 0x80 is `0x0080_0080`. Clear status (`0x50`) sets it to 0 (not 0x80, as
//!   QEMU) and returns to read array.
//! - Read identifier (`0x90`): manufacturer 0x89 at word 0, device 0x18 at word 1, 0 elsewhere
//!   (so block lock status at word 2 reads "unlocked"), per device.
//! - CFI query (`0x98`): QEMU's table for these parameters (QRY, command set 1, primary table at
//!   0x31 "PRI1.0", device size 2^25 per device, x8/x16 interface, 2 KiB write buffer per
//!   device, one erase region of 256 blocks of 128 KiB per device), each byte replicated into
//!   both halves of a 32-bit read. Word `n` is at byte offset `4 * n`. Only read array (`0xff`)
//!   leaves query mode, as in QEMU.
//! - Word/byte program (`0x40` / `0x10`, then the data): the data (1, 2 or 4 bytes,
//!   little-endian) is stored as written — a plain overwrite, not an AND with the old contents,
//!   as QEMU.
//! - Buffered program (`0xe8`, count − 1, that many + 1 data writes, `0xd0`): the count is the
//!   low 16 bits (one device's worth) of the second write; data is staged in a copy of the
//!   [`Pflash::WRITE_BUFFER_SIZE`]-aligned block holding the first data write and committed on
//!   `0xd0`; writes outside that block, a missing `0xd0` or a pending program error abort the
//!   whole buffer. As QEMU (its update buffer of 9.0, with the May 2024 fix that opens it at the
//!   first data write, QEMU issue 2343), a buffer of a single write (count 0) never opens its
//!   staging block and fails with a program error.
//! - Block erase (`0x20`, `0xd0`): the 256 KiB sector holding the address is filled with `0xff`
//!   on the `0x20` already (as QEMU); `0xd0` confirms, `0xff` returns to read array, anything
//!   else is an invalid sequence.
//! - Block lock / unlock (`0x60` then `0x01` / `0xd0`): accepted, no protection is kept.
//! - Read-only banks: program and erase leave the contents alone and set the error bits QEMU
//!   sets for a read-only backend (program: SR.4, erase: SR.5, both with SR.7).
//! - Invalid sequences (unknown first command, a wrong second cycle of erase): logged, back to
//!   read array with the status unchanged, as QEMU (no error bits are set).
//! - Accesses of 1, 2 and 4 bytes; an 8-byte access is two 4-byte accesses, low half first (as
//!   QEMU's memory core splits it for this device). In command mode, misaligned accesses are
//!   ignored / read as zero (QEMU rejects them as invalid).
//!
//! Not modelled: timing (every operation completes at once, SR.7 set), erase / program suspend,
//! protection registers and OTP, lock bits and their status, Vpp, multi-block erase, the
//! "secure" flash variant, big-endian banks and other widths. QEMU's quirk that a byte read of a
//! query or ID response returns the low byte of the whole 32-bit response for every lane is kept.
//!
//! Contents shorter than the bank (`-bios`-style loading) are padded with zero bytes: QEMU's
//! `virt_firmware_init` loads a `-bios` image into the bank's RAM with `load_image_mr`, and the
//! rest of that RAM reads as zero; QEMU refuses a `-drive if=pflash` image whose size differs
//! from the bank's (`blk_check_size_and_read_all`), which boards may enforce themselves.

use std::ptr::NonNull;

use bootemu_cpu::aarch64::mem::PAGE_SIZE;
use memmap2::MmapMut;

use super::{size_mask, MmioDevice};

/// Read array (normal reads of the contents).
pub const CMD_READ_ARRAY: u8 = 0xff;
/// QEMU's own alias of read array (its internal "reading the array" state).
pub const CMD_READ_ARRAY_ALT: u8 = 0x00;
/// AMD reset / read-array command, accepted as read array.
pub const CMD_AMD_RESET: u8 = 0xf0;
/// Word/byte program setup.
pub const CMD_PROGRAM: u8 = 0x40;
/// Alternate word/byte program setup.
pub const CMD_PROGRAM_ALT: u8 = 0x10;
/// Block erase setup.
pub const CMD_BLOCK_ERASE: u8 = 0x20;
/// Alternate block erase state QEMU reads status in (never entered from a command write).
pub const CMD_BLOCK_ERASE_ALT: u8 = 0x28;
/// Confirm: erase, block unlock, buffered program.
pub const CMD_CONFIRM: u8 = 0xd0;
/// Clear status register.
pub const CMD_CLEAR_STATUS: u8 = 0x50;
/// Block lock / unlock setup.
pub const CMD_LOCK_SETUP: u8 = 0x60;
/// Second cycle of a block lock (after [`CMD_LOCK_SETUP`]).
pub const CMD_LOCK_BLOCK: u8 = 0x01;
/// Read status register.
pub const CMD_READ_STATUS: u8 = 0x70;
/// Read identifier codes.
pub const CMD_READ_ID: u8 = 0x90;
/// CFI query.
pub const CMD_CFI_QUERY: u8 = 0x98;
/// Write to buffer (buffered program).
pub const CMD_WRITE_BUFFER: u8 = 0xe8;

/// SR.7: write state machine ready.
pub const STATUS_READY: u8 = 0x80;
/// SR.5: erase (or clear lock bits) error.
pub const STATUS_ERASE_ERROR: u8 = 0x20;
/// SR.4: program (or set lock bit) error.
pub const STATUS_PROGRAM_ERROR: u8 = 0x10;

/// Size of the CFI query table (QEMU's `cfi_table`): words 0 to 0x51.
const CFI_TABLE_LEN: usize = 0x52;
/// log2 of one device's write buffer in bytes (CFI word 0x2a).
const WRITE_BUFFER_LOG2: u8 = 11;

/// What a command cycle leads to.
enum Flow {
    /// State updated, stay.
    Done,
    /// Back to read array.
    ReadArray,
    /// Invalid sequence: logged, back to read array.
    Error,
}

/// Errors of flash bank creation.
#[derive(Debug, thiserror::Error)]
pub enum PflashError {
    /// The bank size is not usable.
    #[error(
        "flash bank size {size:#x} must be a non-zero multiple of {sector:#x} and at most {max:#x}",
        sector = Pflash::SECTOR,
        max = Pflash::MAX_SIZE
    )]
    BadSize {
        /// Size asked for.
        size: u64,
    },
    /// The image is larger than the bank.
    #[error("flash image of {len:#x} bytes does not fit the {size:#x}-byte bank")]
    TooLarge {
        /// Image length.
        len: u64,
        /// Bank size.
        size: u64,
    },
    /// The host refused the mapping.
    #[error("cannot map {size:#x} bytes of flash: {source}")]
    Map {
        /// Size asked for.
        size: u64,
        /// Host error.
        #[source]
        source: std::io::Error,
    },
}

/// One CFI flash bank (QEMU `virt.flash0` / `virt.flash1`).
pub struct Pflash {
    /// The contents, page aligned; never resized or moved, so handed-out pages stay valid.
    mem: MmapMut,
    read_only: bool,
    cfi: [u8; CFI_TABLE_LEN],
    /// Command cycle within the current command (QEMU `wcycle`).
    wcycle: u8,
    /// Current command (QEMU `cmd`, 0 = read array).
    cmd: u8,
    status: u8,
    /// Buffered program: data writes left after the current one.
    counter: u64,
    /// Buffered program staging block: its offset and bytes.
    staging: Option<u64>,
    staging_bytes: Vec<u8>,
    /// Reads go to the contents (QEMU's ROMD mode).
    array_mode: bool,
    remapped: bool,
    dirty: bool,
    /// Whether the contents changed during the current access.
    changed: bool,
}

impl std::fmt::Debug for Pflash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pflash")
            .field("size", &self.mem.len())
            .field("read_only", &self.read_only)
            .field("wcycle", &self.wcycle)
            .field("cmd", &self.cmd)
            .field("status", &self.status)
            .field("array_mode", &self.array_mode)
            .field("dirty", &self.dirty)
            .finish_non_exhaustive()
    }
}

impl Pflash {
    /// Erase block (sector) length of the bank: 256 KiB (`VIRT_FLASH_SECTOR_SIZE`).
    pub const SECTOR: u64 = 256 * 1024;
    /// Size of each of the two banks on `virt` (half of the 128 MiB `VIRT_FLASH` window).
    pub const VIRT_BANK_SIZE: u64 = 64 * 1024 * 1024;
    /// Largest bank accepted (keeps the CFI geometry fields in range).
    pub const MAX_SIZE: u64 = 4 * 1024 * 1024 * 1024;
    /// Bank width in bytes (QEMU `width`).
    pub const BANK_WIDTH: u64 = 4;
    /// Width of each flash device in bytes (QEMU `device-width`, and `max-device-width`).
    pub const DEVICE_WIDTH: u64 = 2;
    /// Devices side by side in the bank.
    pub const DEVICES: u64 = Self::BANK_WIDTH / Self::DEVICE_WIDTH;
    /// Manufacturer code (QEMU `id0`: Intel).
    pub const MANUFACTURER_ID: u16 = 0x89;
    /// Device code (QEMU `id1`).
    pub const DEVICE_ID: u16 = 0x18;
    /// Buffered program block of the bank in bytes (QEMU `writeblock_size`: 2 KiB per device).
    pub const WRITE_BUFFER_SIZE: u64 = (1 << WRITE_BUFFER_LOG2) * Self::DEVICES;

    /// A bank of `size` bytes holding `contents` (zero-padded, as QEMU's `-bios` loading), in
    /// read-array mode with status ready. `read_only` makes program and erase fail.
    pub fn new(size: u64, contents: &[u8], read_only: bool) -> Result<Pflash, PflashError> {
        if size == 0 || !size.is_multiple_of(Self::SECTOR) || size > Self::MAX_SIZE {
            return Err(PflashError::BadSize { size });
        }
        let len = contents.len() as u64;
        if len > size {
            return Err(PflashError::TooLarge { len, size });
        }
        let mut mem =
            MmapMut::map_anon(size as usize).map_err(|source| PflashError::Map { size, source })?;
        mem[..contents.len()].copy_from_slice(contents);
        Ok(Pflash {
            mem,
            read_only,
            cfi: cfi_table(size),
            wcycle: 0,
            cmd: 0,
            status: STATUS_READY,
            counter: 0,
            staging: None,
            staging_bytes: vec![0; Self::WRITE_BUFFER_SIZE as usize],
            array_mode: true,
            remapped: false,
            dirty: false,
            changed: false,
        })
    }

    /// Bank size in bytes.
    pub fn size(&self) -> u64 {
        self.mem.len() as u64
    }

    /// Whether the guest changed the contents (program, buffered program or erase that altered
    /// at least one byte).
    pub fn dirty(&self) -> bool {
        self.dirty
    }

    /// Copy `bytes` into the contents at `offset` (in range by construction).
    fn store(&mut self, offset: u64, bytes: &[u8]) {
        let Some(dst) = self
            .mem
            .get_mut(offset as usize..offset as usize + bytes.len())
        else {
            log::warn!("pflash: store outside the bank at {offset:#x}");
            return;
        };
        if dst != bytes {
            dst.copy_from_slice(bytes);
            self.dirty = true;
            self.changed = true;
        }
    }

    fn data_read(&self, offset: u64, width: u8) -> u64 {
        let start = offset as usize;
        self.mem.get(start..start + width as usize).map_or(0, |b| {
            b.iter().rev().fold(0, |acc, &x| (acc << 8) | x as u64)
        })
    }

    /// The status of each device in a `width`-byte read.
    fn status_read(&self, width: u8) -> u32 {
        let s = self.status as u32;
        if width as u64 > Self::DEVICE_WIDTH {
            s | (s << 16)
        } else {
            s
        }
    }

    /// Word index (in units of the bank width) of a query / identifier read.
    fn word(offset: u64) -> u64 {
        offset / Self::BANK_WIDTH
    }

    fn cfi_read(&self, offset: u64) -> u32 {
        let resp = self
            .cfi
            .get(Self::word(offset) as usize)
            .copied()
            .unwrap_or(0) as u32;
        resp | (resp << 16)
    }

    fn id_read(&self, offset: u64) -> u32 {
        let resp = match Self::word(offset) & 0xff {
            0 => Self::MANUFACTURER_ID,
            1 => Self::DEVICE_ID,
            _ => return 0,
        } as u32;
        resp | (resp << 16)
    }

    /// A command-mode read of 1, 2 or 4 aligned bytes (QEMU `pflash_read`).
    fn command_read(&mut self, offset: u64, width: u8) -> u32 {
        let v = match self.cmd {
            CMD_READ_ARRAY_ALT => self.data_read(offset, width) as u32,
            CMD_PROGRAM | CMD_PROGRAM_ALT | CMD_BLOCK_ERASE | CMD_BLOCK_ERASE_ALT
            | CMD_CLEAR_STATUS | CMD_LOCK_SETUP | CMD_READ_STATUS | CMD_WRITE_BUFFER => {
                self.status_read(width)
            }
            CMD_READ_ID => self.id_read(offset),
            CMD_CFI_QUERY => self.cfi_read(offset),
            other => {
                log::warn!(
                    "pflash: read in unknown command state {other:#04x}, back to read array"
                );
                self.read_array();
                self.data_read(offset, width) as u32
            }
        };
        v & size_mask(width) as u32
    }

    fn read_array(&mut self) {
        self.array_mode = true;
        self.wcycle = 0;
        self.cmd = 0;
    }

    /// One write of 1, 2 or 4 aligned bytes (QEMU `pflash_write`).
    fn command_write(&mut self, offset: u64, value: u32, width: u8) {
        let cmd = value as u8;
        let flow = match self.wcycle {
            0 => self.cycle0(offset, cmd),
            1 => self.cycle1(offset, value, width),
            2 => self.cycle2(offset, value, width),
            3 => self.cycle3(cmd),
            w => {
                log::debug!("pflash: invalid write cycle {w}, back to read array");
                Flow::ReadArray
            }
        };
        match flow {
            Flow::Done => {}
            Flow::ReadArray => self.read_array(),
            Flow::Error => {
                log::debug!(
                    "pflash: unimplemented command sequence (offset {offset:#x}, cycle {}, \
                     command {:#04x}, value {value:#x}), back to read array",
                    self.wcycle,
                    self.cmd
                );
                self.read_array();
            }
        }
    }

    /// First cycle: a command.
    fn cycle0(&mut self, offset: u64, cmd: u8) -> Flow {
        self.array_mode = false;
        match cmd {
            CMD_READ_ARRAY_ALT | CMD_AMD_RESET | CMD_READ_ARRAY => return Flow::ReadArray,
            CMD_PROGRAM | CMD_PROGRAM_ALT | CMD_LOCK_SETUP | CMD_CFI_QUERY => {}
            CMD_BLOCK_ERASE => {
                let base = offset & !(Self::SECTOR - 1);
                if self.read_only {
                    self.status |= STATUS_ERASE_ERROR;
                } else {
                    log::debug!("pflash: erase block at {base:#x}");
                    let start = base as usize;
                    let end = start + Self::SECTOR as usize;
                    if let Some(block) = self.mem.get_mut(start..end) {
                        if block.iter().any(|&b| b != 0xff) {
                            block.fill(0xff);
                            self.dirty = true;
                            self.changed = true;
                        }
                    }
                }
                self.status |= STATUS_READY;
            }
            CMD_CLEAR_STATUS => {
                self.status = 0;
                return Flow::ReadArray;
            }
            CMD_READ_STATUS | CMD_READ_ID => {
                self.cmd = cmd;
                return Flow::Done;
            }
            CMD_WRITE_BUFFER => self.status |= STATUS_READY,
            _ => return Flow::Error,
        }
        self.wcycle = 1;
        self.cmd = cmd;
        Flow::Done
    }

    /// Second cycle: data, count or confirmation.
    fn cycle1(&mut self, offset: u64, value: u32, width: u8) -> Flow {
        let cmd = value as u8;
        match self.cmd {
            CMD_PROGRAM | CMD_PROGRAM_ALT => {
                if self.read_only {
                    self.status |= STATUS_PROGRAM_ERROR;
                } else {
                    let bytes = value.to_le_bytes();
                    self.store(offset, &bytes[..width as usize]);
                }
                self.status |= STATUS_READY;
                self.wcycle = 0;
                Flow::Done
            }
            CMD_BLOCK_ERASE | CMD_BLOCK_ERASE_ALT => match cmd {
                CMD_CONFIRM => {
                    self.wcycle = 0;
                    self.status |= STATUS_READY;
                    Flow::Done
                }
                CMD_READ_ARRAY => Flow::ReadArray,
                _ => Flow::Error,
            },
            CMD_WRITE_BUFFER => {
                // One device's worth of the count (QEMU masks to the device width).
                self.counter = (value & 0xffff) as u64;
                self.wcycle = 2;
                Flow::Done
            }
            CMD_LOCK_SETUP => match cmd {
                CMD_CONFIRM | CMD_LOCK_BLOCK => {
                    self.wcycle = 0;
                    self.status |= STATUS_READY;
                    Flow::Done
                }
                CMD_READ_ARRAY => Flow::ReadArray,
                _ => {
                    log::debug!("pflash: unknown (un)locking command {cmd:#04x}");
                    Flow::ReadArray
                }
            },
            CMD_CFI_QUERY => {
                if cmd == CMD_READ_ARRAY {
                    Flow::ReadArray
                } else {
                    Flow::Done
                }
            }
            _ => Flow::Error,
        }
    }

    /// Buffered program data.
    fn cycle2(&mut self, offset: u64, value: u32, width: u8) -> Flow {
        if self.cmd != CMD_WRITE_BUFFER {
            return Flow::Error;
        }
        if self.staging.is_none() && self.counter != 0 {
            let base = offset & !(Self::WRITE_BUFFER_SIZE - 1);
            let start = base as usize;
            if let Some(src) = self
                .mem
                .get(start..start + Self::WRITE_BUFFER_SIZE as usize)
            {
                self.staging_bytes.copy_from_slice(src);
                self.staging = Some(base);
            }
        }
        match self.staging {
            Some(base) if !self.read_only => {
                let end = offset + width as u64;
                if offset < base || end > base + Self::WRITE_BUFFER_SIZE {
                    self.status |= STATUS_PROGRAM_ERROR;
                } else {
                    let at = (offset - base) as usize;
                    let bytes = value.to_le_bytes();
                    self.staging_bytes[at..at + width as usize]
                        .copy_from_slice(&bytes[..width as usize]);
                }
            }
            _ => self.status |= STATUS_PROGRAM_ERROR,
        }
        self.status |= STATUS_READY;
        if self.counter == 0 {
            self.wcycle = 3;
        } else {
            self.counter -= 1;
        }
        Flow::Done
    }

    /// Buffered program confirmation.
    fn cycle3(&mut self, cmd: u8) -> Flow {
        if self.cmd != CMD_WRITE_BUFFER {
            self.staging = None;
            return Flow::Error;
        }
        let staging = self.staging.take();
        match staging {
            Some(base) if cmd == CMD_CONFIRM && self.status & STATUS_PROGRAM_ERROR == 0 => {
                let bytes = std::mem::take(&mut self.staging_bytes);
                self.store(base, &bytes);
                self.staging_bytes = bytes;
                self.wcycle = 0;
                self.status |= STATUS_READY;
                Flow::Done
            }
            _ => {
                log::debug!("pflash: buffered program aborted (confirm {cmd:#04x})");
                Flow::ReadArray
            }
        }
    }
}

impl MmioDevice for Pflash {
    fn name(&self) -> &'static str {
        "pflash"
    }

    fn read(&mut self, offset: u64, size: u8) -> u64 {
        if !matches!(size, 1 | 2 | 4 | 8) {
            log::warn!("pflash: {size}-byte read at {offset:#x}");
            return 0;
        }
        if offset
            .checked_add(size as u64)
            .is_none_or(|end| end > self.size())
        {
            log::warn!("pflash: read beyond the bank at {offset:#x}");
            return 0;
        }
        if self.array_mode {
            return self.data_read(offset, size);
        }
        if !offset.is_multiple_of(size as u64) {
            log::warn!("pflash: misaligned {size}-byte read at {offset:#x} in command mode");
            return 0;
        }
        if size == 8 {
            let lo = self.command_read(offset, 4) as u64;
            let hi = self.command_read(offset + 4, 4) as u64;
            lo | (hi << 32)
        } else {
            self.command_read(offset, size) as u64
        }
    }

    fn write(&mut self, offset: u64, size: u8, value: u64) {
        if !matches!(size, 1 | 2 | 4 | 8) {
            log::warn!("pflash: {size}-byte write at {offset:#x}");
            return;
        }
        if offset
            .checked_add(size as u64)
            .is_none_or(|end| end > self.size())
        {
            log::warn!("pflash: write beyond the bank at {offset:#x}");
            return;
        }
        if !offset.is_multiple_of(size as u64) {
            log::warn!("pflash: misaligned {size}-byte write at {offset:#x}");
            return;
        }
        let was_array = self.array_mode;
        self.changed = false;
        if size == 8 {
            self.command_write(offset, value as u32, 4);
            self.command_write(offset + 4, (value >> 32) as u32, 4);
        } else {
            self.command_write(offset, (value & size_mask(size)) as u32, size);
        }
        // A mode switch, or contents changed under pages handed out (possible only when an
        // 8-byte write both starts and ends an operation).
        if was_array != self.array_mode || (self.array_mode && self.changed) {
            self.remapped = true;
        }
    }

    fn direct_page(&mut self, offset: u64) -> Option<NonNull<u8>> {
        if !self.array_mode
            || !offset.is_multiple_of(PAGE_SIZE)
            || offset.checked_add(PAGE_SIZE)? > self.size()
        {
            return None;
        }
        NonNull::new(self.mem[offset as usize..].as_mut_ptr())
    }

    fn take_remapped(&mut self) -> bool {
        std::mem::take(&mut self.remapped)
    }

    fn backing(&self) -> Option<&[u8]> {
        Some(&self.mem)
    }

    fn reset(&mut self) {
        if !self.array_mode {
            self.remapped = true;
        }
        self.read_array();
        self.status = STATUS_READY;
        self.staging = None;
    }
}

/// QEMU's `pflash_cfi01_fill_cfi_table` for a bank of `size` bytes with the `virt` parameters:
/// the geometry of one x16 device (half the sector length, all the blocks).
fn cfi_table(size: u64) -> [u8; CFI_TABLE_LEN] {
    let blocks = size / Pflash::SECTOR;
    let sector_per_device = Pflash::SECTOR / Pflash::DEVICES;
    let device_len = sector_per_device * blocks;
    let mut t = [0u8; CFI_TABLE_LEN];
    // "QRY", primary command set 0x0001 (Intel/Sharp extended), extended table at 0x31.
    t[0x10..0x17].copy_from_slice(&[b'Q', b'R', b'Y', 0x01, 0x00, 0x31, 0x00]);
    // No alternate command set or table (0x17..0x1a zero); Vcc 4.5 V min, 5.5 V max; no Vpp.
    t[0x1b] = 0x45;
    t[0x1c] = 0x55;
    // Timeouts, as QEMU (typical 2^n µs / ms, maximum 2^n times typical).
    t[0x1f] = 0x07;
    t[0x20] = 0x07;
    t[0x21] = 0x0a;
    t[0x23] = 0x04;
    t[0x24] = 0x04;
    t[0x25] = 0x04;
    // Device size 2^n bytes (QEMU: ctz32 of the device length).
    t[0x27] = (device_len as u32).trailing_zeros() as u8;
    // x8/x16 interface.
    t[0x28] = 0x02;
    // Write buffer 2^n bytes per device.
    t[0x2a] = WRITE_BUFFER_LOG2;
    // One erase block region: blocks - 1, block size / 256.
    t[0x2c] = 0x01;
    t[0x2d] = (blocks - 1) as u8;
    t[0x2e] = ((blocks - 1) >> 8) as u8;
    t[0x2f] = (sector_per_device >> 8) as u8;
    t[0x30] = (sector_per_device >> 16) as u8;
    // Primary extended table "PRI", version 1.0, no optional features; one protection field.
    t[0x31..0x36].copy_from_slice(b"PRI10");
    t[0x3f] = 0x01;
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZE: u64 = Pflash::VIRT_BANK_SIZE;

    fn bank() -> Pflash {
        Pflash::new(SIZE, &[], false).unwrap()
    }

    /// Status of both devices in a 32-bit read.
    fn both(s: u8) -> u64 {
        s as u64 | ((s as u64) << 16)
    }

    fn cmd(f: &mut Pflash, offset: u64, c: u8) {
        // Commands as U-Boot and EDK2 send them: replicated to both devices.
        f.write(offset, 4, both(c));
    }

    fn status(f: &mut Pflash) -> u64 {
        cmd(f, 0, CMD_READ_STATUS);
        f.read(0, 4)
    }

    #[test]
    fn cfi_query_at_the_offsets_u_boot_reads() {
        let mut f = bank();
        cmd(&mut f, 0x55 * 4, CMD_CFI_QUERY);
        let q = |f: &mut Pflash, word: u64| f.read(word * 4, 4);
        assert_eq!(q(&mut f, 0x10), 0x0051_0051, "'Q'");
        assert_eq!(q(&mut f, 0x11), 0x0052_0052, "'R'");
        assert_eq!(q(&mut f, 0x12), 0x0059_0059, "'Y'");
        assert_eq!(q(&mut f, 0x13), both(0x01), "Intel command set");
        assert_eq!(q(&mut f, 0x15), both(0x31), "primary table");
        assert_eq!(q(&mut f, 0x27), both(25), "32 MiB per x16 device");
        assert_eq!(q(&mut f, 0x28), both(0x02), "x8/x16");
        assert_eq!(q(&mut f, 0x2a), both(11), "2 KiB buffer per device");
        assert_eq!(q(&mut f, 0x2c), both(1), "one erase region");
        assert_eq!(q(&mut f, 0x2d), both(0xff), "256 blocks");
        assert_eq!(q(&mut f, 0x2e), 0);
        assert_eq!(q(&mut f, 0x2f), 0);
        assert_eq!(q(&mut f, 0x30), both(0x02), "of 128 KiB per device");
        assert_eq!(q(&mut f, 0x31), both(b'P'));
        assert_eq!(q(&mut f, 0x3f), both(1));
        assert_eq!(q(&mut f, 0x52), 0, "past the table");
        assert_eq!(f.read(0x10 * 4, 1), 0x51, "byte read");
        assert_eq!(f.read(0x10 * 4, 2), 0x51, "halfword read");
        assert_eq!(f.read(0x10 * 4, 8), 0x0052_0052_0051_0051, "two words");
        // U-Boot's exit: the AMD reset keeps query mode, read array leaves it.
        cmd(&mut f, 0, CMD_AMD_RESET);
        assert_eq!(q(&mut f, 0x10), 0x0051_0051);
        cmd(&mut f, 0, CMD_READ_ARRAY);
        assert_eq!(q(&mut f, 0x10), 0, "contents again");
    }

    #[test]
    fn identifier_read() {
        let mut f = Pflash::new(SIZE, &[0xaa; 16], false).unwrap();
        cmd(&mut f, 0, CMD_READ_ID);
        assert_eq!(f.read(0, 4), 0x0089_0089);
        assert_eq!(f.read(4, 4), 0x0018_0018);
        assert_eq!(f.read(4, 2), 0x0018, "U-Boot's 16-bit device ID read");
        assert_eq!(f.read(8, 4), 0, "block lock status: unlocked");
        assert_eq!(f.read(3 * Pflash::SECTOR + 8, 4), 0);
        cmd(&mut f, 0, CMD_READ_ARRAY);
        assert_eq!(f.read(0, 4), 0xaaaa_aaaa);
    }

    #[test]
    fn word_program_reads_back() {
        let mut f = bank();
        assert_eq!(status(&mut f), both(STATUS_READY));
        cmd(&mut f, 0, CMD_READ_ARRAY);
        cmd(&mut f, 0x1000, CMD_PROGRAM);
        f.write(0x1000, 4, 0x1234_5678);
        assert_eq!(
            f.read(0x1000, 4),
            both(STATUS_READY),
            "status after program"
        );
        assert!(f.dirty());
        cmd(&mut f, 0, CMD_READ_ARRAY);
        assert_eq!(f.read(0x1000, 4), 0x1234_5678);
        assert_eq!(f.read(0x1001, 1), 0x56, "little-endian bytes");
        // 0x10 and narrower data.
        cmd(&mut f, 0x2000, CMD_PROGRAM_ALT);
        f.write(0x2002, 2, 0xbeef);
        cmd(&mut f, 0, CMD_READ_ARRAY);
        assert_eq!(f.read(0x2000, 4), 0xbeef_0000);
    }

    #[test]
    fn program_overwrites_like_qemu() {
        let mut f = Pflash::new(SIZE, &[0x0f; 4], false).unwrap();
        cmd(&mut f, 0, CMD_PROGRAM);
        f.write(0, 4, 0xf0f0_f0f0);
        cmd(&mut f, 0, CMD_READ_ARRAY);
        assert_eq!(f.read(0, 4), 0xf0f0_f0f0, "a plain store, not old & new");
    }

    #[test]
    fn buffered_program() {
        let mut f = bank();
        let at = 0x3_0000 + 0x40;
        cmd(&mut f, at, CMD_WRITE_BUFFER);
        assert_eq!(f.read(at, 4), both(STATUS_READY), "buffer available");
        f.write(at, 4, both(3)); // four writes
        for i in 0..4u64 {
            f.write(at + 4 * i, 4, 0x1111_1111 * (i + 1));
        }
        assert!(
            f.backing().unwrap()[at as usize..][..16]
                .iter()
                .all(|&b| b == 0),
            "staged until confirmed"
        );
        assert!(!f.dirty());
        cmd(&mut f, at, CMD_CONFIRM);
        assert_eq!(f.read(at, 4), both(STATUS_READY));
        assert!(f.dirty());
        cmd(&mut f, 0, CMD_READ_ARRAY);
        for i in 0..4u64 {
            assert_eq!(f.read(at + 4 * i, 4), 0x1111_1111 * (i + 1));
        }
        assert_eq!(f.read(at + 16, 4), 0);
    }

    #[test]
    fn buffered_program_aborts() {
        let mut f = bank();
        // No confirmation: nothing written, read array.
        cmd(&mut f, 0x100, CMD_WRITE_BUFFER);
        f.write(0x100, 4, both(1));
        f.write(0x100, 4, 0xdead_beef);
        f.write(0x104, 4, 0xdead_beef);
        cmd(&mut f, 0x100, CMD_READ_ARRAY);
        assert_eq!(f.read(0x100, 4), 0);
        // Data outside the staging block: program error, aborted on confirm.
        cmd(&mut f, 0x100, CMD_WRITE_BUFFER);
        f.write(0x100, 4, both(1));
        f.write(0x100, 4, 0xdead_beef);
        f.write(Pflash::WRITE_BUFFER_SIZE, 4, 0xdead_beef);
        cmd(&mut f, 0x100, CMD_CONFIRM);
        assert_eq!(f.read(0x100, 4), 0, "read array, contents unchanged");
        assert_eq!(status(&mut f), both(STATUS_READY | STATUS_PROGRAM_ERROR));
        assert!(!f.dirty());
        // The error bit is sticky: it fails the next buffer too, until cleared.
        cmd(&mut f, 0x200, CMD_WRITE_BUFFER);
        f.write(0x200, 4, both(1));
        f.write(0x200, 4, 0x5555_5555);
        f.write(0x204, 4, 0x6666_6666);
        cmd(&mut f, 0x200, CMD_CONFIRM);
        assert_eq!(f.read(0x200, 4), 0, "aborted");
        cmd(&mut f, 0, CMD_CLEAR_STATUS);
        cmd(&mut f, 0x200, CMD_WRITE_BUFFER);
        f.write(0x200, 4, both(1));
        f.write(0x200, 4, 0x5555_5555);
        f.write(0x204, 4, 0x6666_6666);
        cmd(&mut f, 0x200, CMD_CONFIRM);
        cmd(&mut f, 0, CMD_READ_ARRAY);
        assert_eq!(f.read(0x200, 8), 0x6666_6666_5555_5555);
    }

    #[test]
    fn single_write_buffer_fails_as_in_qemu() {
        let mut f = bank();
        cmd(&mut f, 0x100, CMD_WRITE_BUFFER);
        f.write(0x100, 4, 0); // count 0: one write
        f.write(0x100, 4, 0x1234_5678);
        assert_eq!(f.read(0x100, 4), both(STATUS_READY | STATUS_PROGRAM_ERROR));
        cmd(&mut f, 0x100, CMD_CONFIRM);
        assert_eq!(f.read(0x100, 4), 0, "aborted to read array");
    }

    #[test]
    fn block_erase_fills_exactly_one_sector() {
        let mut f = Pflash::new(SIZE, &vec![0x5a; 4 * Pflash::SECTOR as usize], false).unwrap();
        cmd(&mut f, Pflash::SECTOR + 0x1234, CMD_BLOCK_ERASE);
        cmd(&mut f, Pflash::SECTOR + 0x1234, CMD_CONFIRM);
        assert_eq!(f.read(Pflash::SECTOR, 4), both(STATUS_READY));
        cmd(&mut f, 0, CMD_READ_ARRAY);
        let b = f.backing().unwrap();
        let s = Pflash::SECTOR as usize;
        assert!(b[..s].iter().all(|&x| x == 0x5a));
        assert!(b[s..2 * s].iter().all(|&x| x == 0xff));
        assert!(b[2 * s..4 * s].iter().all(|&x| x == 0x5a));
        assert!(f.dirty());
        // Erasing happens on the setup already; a bad confirmation is an invalid sequence.
        cmd(&mut f, 0, CMD_BLOCK_ERASE);
        cmd(&mut f, 0, 0x42);
        assert_eq!(f.read(0, 4), 0xffff_ffff, "erased, back in read array");
    }

    #[test]
    fn read_only_bank_reports_errors_and_keeps_contents() {
        let mut f = Pflash::new(SIZE, &[0x11; 8], true).unwrap();
        cmd(&mut f, 0, CMD_PROGRAM);
        f.write(0, 4, 0);
        assert_eq!(f.read(0, 4), both(STATUS_READY | STATUS_PROGRAM_ERROR));
        cmd(&mut f, 0, CMD_CLEAR_STATUS);
        assert_eq!(
            f.read(0, 4),
            0x1111_1111,
            "clear status returns to read array"
        );
        assert_eq!(status(&mut f), 0, "cleared to zero, as QEMU");
        cmd(&mut f, 0, CMD_BLOCK_ERASE);
        cmd(&mut f, 0, CMD_CONFIRM);
        assert_eq!(f.read(0, 4), both(STATUS_READY | STATUS_ERASE_ERROR));
        cmd(&mut f, 0, CMD_CLEAR_STATUS);
        cmd(&mut f, 0, CMD_WRITE_BUFFER);
        f.write(0, 4, both(1));
        f.write(0, 4, 0);
        f.write(4, 4, 0);
        assert_eq!(f.read(0, 4), both(STATUS_READY | STATUS_PROGRAM_ERROR));
        cmd(&mut f, 0, CMD_CONFIRM);
        assert_eq!(f.read(0, 8), 0x1111_1111_1111_1111);
        assert!(!f.dirty());
    }

    #[test]
    fn lock_and_unlock_are_accepted() {
        let mut f = bank();
        cmd(&mut f, 0, CMD_LOCK_SETUP);
        cmd(&mut f, 0, CMD_LOCK_BLOCK);
        assert_eq!(f.read(0, 4), both(STATUS_READY));
        cmd(&mut f, 0, CMD_LOCK_SETUP);
        cmd(&mut f, 0, CMD_CONFIRM);
        assert_eq!(f.read(0, 4), both(STATUS_READY));
        cmd(&mut f, 0, CMD_PROGRAM);
        f.write(0, 4, 7);
        cmd(&mut f, 0, CMD_READ_ARRAY);
        assert_eq!(f.read(0, 4), 7, "nothing is locked");
    }

    #[test]
    fn unknown_command_returns_to_read_array() {
        let mut f = Pflash::new(SIZE, &[1, 2, 3, 4], false).unwrap();
        cmd(&mut f, 0, CMD_READ_STATUS);
        cmd(&mut f, 0, 0x42);
        assert_eq!(f.read(0, 4), 0x0403_0201);
        assert_eq!(status(&mut f), both(STATUS_READY), "status untouched");
    }

    #[test]
    fn direct_pages_only_in_read_array_mode() {
        let mut f = Pflash::new(SIZE, &[9; 8192], false).unwrap();
        let base = f.backing().unwrap().as_ptr();
        let p = f.direct_page(0x1000).unwrap();
        assert_eq!(p.as_ptr() as *const u8, base.wrapping_add(0x1000));
        assert_eq!(unsafe { *p.as_ptr() }, 9);
        assert!(f.direct_page(0x1001).is_none(), "not page aligned");
        assert!(f.direct_page(SIZE).is_none(), "beyond the bank");
        assert!(f.direct_page(SIZE - PAGE_SIZE).is_some());
        cmd(&mut f, 0, CMD_READ_STATUS);
        assert!(f.direct_page(0x1000).is_none());
        cmd(&mut f, 0, CMD_READ_ARRAY);
        assert!(f.direct_page(0x1000).is_some());
    }

    #[test]
    fn remapped_once_per_switch() {
        let mut f = bank();
        assert!(!f.take_remapped());
        cmd(&mut f, 0, CMD_READ_ARRAY);
        assert!(!f.take_remapped(), "read array while reading the array");
        cmd(&mut f, 0, CMD_READ_STATUS);
        assert!(f.take_remapped());
        assert!(!f.take_remapped(), "once");
        cmd(&mut f, 0, CMD_READ_ID);
        assert!(!f.take_remapped(), "command to command");
        cmd(&mut f, 0, CMD_READ_ARRAY);
        assert!(f.take_remapped());
        assert!(!f.take_remapped());
        cmd(&mut f, 0, CMD_PROGRAM);
        assert!(f.take_remapped());
        f.write(0, 4, 1);
        assert!(!f.take_remapped(), "still reading status");
        cmd(&mut f, 0, 0x42);
        assert!(f.take_remapped(), "an invalid command ends in read array");
    }

    #[test]
    fn eight_byte_accesses_are_two_words() {
        let mut f = bank();
        cmd(&mut f, 0, CMD_READ_STATUS);
        assert_eq!(f.read(0, 8), both(STATUS_READY) * 0x1_0000_0001);
        cmd(&mut f, 0, CMD_READ_ARRAY);
        assert!(f.take_remapped());
        // Program with a 64-bit write: the low word is the data, the high word the next command.
        cmd(&mut f, 8, CMD_PROGRAM);
        f.write(8, 8, (both(CMD_READ_ARRAY) << 32) | 0xcafe_f00d);
        assert!(f.take_remapped());
        assert_eq!(f.read(8, 8), 0x0000_0000_cafe_f00d, "in read array again");
        f.write(24, 8, (both(CMD_READ_ARRAY) << 32) | both(CMD_READ_STATUS));
        assert!(!f.take_remapped(), "in and out without a change");
        // Erase setup and read array in one access: the contents changed under handed-out
        // pages, so they are remapped although the mode is the same.
        f.write(0, 8, (both(CMD_READ_ARRAY) << 32) | both(CMD_BLOCK_ERASE));
        assert!(f.take_remapped());
        assert_eq!(f.read(8, 8), u64::MAX);
    }

    #[test]
    fn reset_returns_to_read_array_with_status_ready() {
        let mut f = Pflash::new(SIZE, &[0x77; 4], true).unwrap();
        cmd(&mut f, 0, CMD_PROGRAM);
        f.write(0, 4, 0);
        assert!(f.take_remapped());
        f.reset();
        assert!(f.take_remapped());
        assert_eq!(f.read(0, 4), 0x7777_7777);
        assert!(f.direct_page(0).is_some());
        assert_eq!(status(&mut f), both(STATUS_READY));
        cmd(&mut f, 0, CMD_READ_ARRAY);
        f.take_remapped();
        f.reset();
        assert!(!f.take_remapped(), "already reading the array");
    }

    #[test]
    fn bad_accesses_do_not_panic() {
        let mut f = bank();
        assert_eq!(f.read(0, 3), 0);
        assert_eq!(f.read(SIZE - 2, 4), 0);
        assert_eq!(f.read(u64::MAX, 8), 0);
        f.write(0, 16, 0x40);
        f.write(SIZE, 4, 0x40);
        f.write(u64::MAX - 1, 2, 0x40);
        assert!(!f.take_remapped(), "all ignored");
        f.write(2, 4, both(CMD_READ_STATUS));
        assert!(!f.take_remapped(), "misaligned writes are ignored");
        assert_eq!(f.read(1, 4), 0, "misaligned array read works (as memory)");
        cmd(&mut f, 0, CMD_READ_STATUS);
        assert_eq!(f.read(2, 4), 0, "misaligned command-mode read");
        assert_eq!(f.read(2, 2), STATUS_READY as u64);
        assert_eq!(f.read(SIZE - 4, 4), both(STATUS_READY));
        // A buffered program with the largest count ends at the top of the bank, no panic.
        cmd(&mut f, SIZE - 4, CMD_WRITE_BUFFER);
        f.write(SIZE - 4, 4, 0xffff);
        for _ in 0..8 {
            f.write(SIZE - 4, 4, 0);
        }
        f.reset();
    }

    #[test]
    fn creation_checks_and_padding() {
        assert!(matches!(
            Pflash::new(Pflash::SECTOR, &vec![0; Pflash::SECTOR as usize + 1], false),
            Err(PflashError::TooLarge { .. })
        ));
        assert!(matches!(
            Pflash::new(Pflash::SECTOR + 4096, &[], false),
            Err(PflashError::BadSize { .. })
        ));
        assert!(matches!(
            Pflash::new(0, &[], false),
            Err(PflashError::BadSize { .. })
        ));
        let mut f = Pflash::new(Pflash::SECTOR, &[0xab, 0xcd], false).unwrap();
        assert_eq!(
            f.read(0, 4),
            0xcdab,
            "zero padded, as a short -bios image in QEMU"
        );
        assert_eq!(f.backing().unwrap().len() as u64, Pflash::SECTOR);
        assert!(!f.dirty());
        // A one-sector bank describes itself accordingly.
        cmd(&mut f, 0, CMD_CFI_QUERY);
        assert_eq!(f.read(0x2d * 4, 4), 0);
        assert_eq!(f.read(0x27 * 4, 4), both(17));
    }
}
