//! QEMU firmware configuration device (fw_cfg), MMIO flavour as on QEMU's `-M virt`
//! (base 0x0902_0000, size 0x18, FDT `compatible = "qemu,fw-cfg-mmio"`).
//!
//! Behavioural reference: QEMU's `docs/specs/fw_cfg.rst`, `hw/nvram/fw_cfg.c`,
//! `include/hw/nvram/fw_cfg_keys.h`, `include/standard-headers/linux/qemu_fw_cfg.h` and, for what
//! a firmware boot with `-kernel/-initrd/-append` puts in it, `hw/arm/boot.c`
//! (`arm_setup_firmware_boot`). The consumers are EDK2 (`QemuFwCfgLib`, MMIO flavour) and U-Boot
//! (`drivers/misc/qfw_mmio.c`, `qfw.c`).
//!
//! Registers, as a little-endian Arm guest sees them (QEMU maps the three registers as
//! `DEVICE_BIG_ENDIAN` regions, so the guest's value is the byte swap of the device-side one):
//! - [`DATA`] (0x0, read 1/2/4/8 bytes): the next N bytes of the selected item in string order:
//!   the item's first byte is the least significant byte of the value, so that a store of the
//!   register reproduces the bytes (`ldr` + `str` is a `memcpy`). Past the end of the item the
//!   missing bytes read as zero and the offset stops advancing. Writes are ignored (read-only
//!   since QEMU 2.4).
//! - [`SELECTOR`] (0x8, write 2 bytes): big-endian, so the guest writes the key byte-swapped.
//!   Selecting resets the offset to 0; a key whose index (bits 0–13) is not below
//!   0x20 + [`FILE_SLOTS`] selects nothing, and every item not present reads as zeros.
//! - [`DMA_ADDR`] (0x10, 8 bytes, big-endian): a 4-byte write at 0x10 sets the high half (and
//!   clears the low one), a 4-byte write at 0x14 ors in the low half and starts the transfer, as
//!   does an 8-byte write at 0x10; the register is 0 again once a transfer starts. Reads return
//!   the bytes of `"QEMU CFG"` in string order (a big-endian read gives 0x51454d5520434647, as
//!   `fw_cfg.rst` says; a plain 64-bit `ldr` gives [`DMA_SIGNATURE_LE`]).
//!
//! DMA: the written address is that of a `FWCfgDmaAccess { be32 control; be32 length;
//! be64 address; }` in guest RAM. [`MmioDevice::write`] only records the request; the board then
//! calls [`MmioDevice::dma`], which reads the descriptor, selects the key in the upper 16 bits if
//! `SELECT` is set, then reads (`READ`, zeros past the item's end), rejects (`WRITE`: no item is
//! writable, so `ERROR`) or skips (`SKIP`) `length` bytes — `READ` wins over `WRITE` over `SKIP`,
//! none of them means no transfer — and writes the resulting control word back (0 on success,
//! [`DMA_CTL_ERROR`] on failure). An unreadable descriptor or a target outside RAM gives
//! `ERROR`; if the descriptor itself cannot be written, the result is lost (as in QEMU).
//!
//! Items: legacy items by key ([`FwCfg::add_bytes`], [`FwCfg::add_u32`], [`FwCfg::add_u64`];
//! numbers are little-endian as QEMU's `fw_cfg_add_i32/i64`), named files
//! ([`FwCfg::add_file`]) at keys from [`FILE_FIRST`] in name order (QEMU sorts by `strcmp` for
//! every machine type without the legacy x86 order, so a later file with a smaller name moves
//! the ones after it to the next key), listed by the big-endian [`FW_CFG_FILE_DIR`] item,
//! which exists once a file does and is `4 + 64 * FILE_SLOTS` bytes long as in QEMU. Items are
//! never copied per access: reads index into the stored bytes.
//!
//! Not modelled: writable items (the DMA `WRITE` operation always fails, as for QEMU's
//! read-only items), select callbacks (QEMU regenerates ACPI tables on select), the x86 I/O-port
//! interface, the legacy x86 file order, and QEMU's migration state. QEMU rejects bad accesses
//! (reads of the selector, other sizes or offsets) with a bus error; here they are logged and
//! read as zero / ignored. QEMU keeps a half-written DMA address across a reset; a reset here
//! clears it (see [`MmioDevice::reset`] below).

use std::collections::BTreeMap;

use super::{size_mask, DmaMemory, MmioDevice};

/// Size of the MMIO region on `virt`.
pub const REGION_SIZE: u64 = 0x18;
/// Data register (read 1, 2, 4 or 8 bytes).
pub const DATA: u64 = 0x00;
/// Selector register (16-bit big-endian write).
pub const SELECTOR: u64 = 0x08;
/// DMA address register (64-bit big-endian; the low half at `DMA_ADDR + 4`).
pub const DMA_ADDR: u64 = 0x10;

/// Key: the signature, `"QEMU"`.
pub const FW_CFG_SIGNATURE: u16 = 0x00;
/// Key: revision / feature bitmap, a little-endian u32 (bit 0 traditional interface, bit 1 DMA).
pub const FW_CFG_ID: u16 = 0x01;
/// Key: the VM's UUID, 16 bytes.
pub const FW_CFG_UUID: u16 = 0x02;
/// Key: RAM size (x86, ppc, sparc boards).
pub const FW_CFG_RAM_SIZE: u16 = 0x03;
/// Key: no graphics (`-nographic`), a little-endian u16.
pub const FW_CFG_NOGRAPHIC: u16 = 0x04;
/// Key: number of CPUs, a little-endian u16 (x86).
pub const FW_CFG_NB_CPUS: u16 = 0x05;
/// Key: machine id (x86, ppc, sparc boards).
pub const FW_CFG_MACHINE_ID: u16 = 0x06;
/// Key: kernel load address (x86 direct boot).
pub const FW_CFG_KERNEL_ADDR: u16 = 0x07;
/// Key: size of [`FW_CFG_KERNEL_DATA`], a little-endian u32.
pub const FW_CFG_KERNEL_SIZE: u16 = 0x08;
/// Key: legacy kernel command line address (x86).
pub const FW_CFG_KERNEL_CMDLINE: u16 = 0x09;
/// Key: initrd load address (x86).
pub const FW_CFG_INITRD_ADDR: u16 = 0x0a;
/// Key: size of [`FW_CFG_INITRD_DATA`], a little-endian u32.
pub const FW_CFG_INITRD_SIZE: u16 = 0x0b;
/// Key: boot device (x86, ppc, sparc boards).
pub const FW_CFG_BOOT_DEVICE: u16 = 0x0c;
/// Key: NUMA topology (x86).
pub const FW_CFG_NUMA: u16 = 0x0d;
/// Key: boot menu enabled, a little-endian u16.
pub const FW_CFG_BOOT_MENU: u16 = 0x0e;
/// Key: maximum number of CPUs, a little-endian u16 (x86).
pub const FW_CFG_MAX_CPUS: u16 = 0x0f;
/// Key: kernel entry point (x86 direct boot).
pub const FW_CFG_KERNEL_ENTRY: u16 = 0x10;
/// Key: the kernel image.
pub const FW_CFG_KERNEL_DATA: u16 = 0x11;
/// Key: the initrd image.
pub const FW_CFG_INITRD_DATA: u16 = 0x12;
/// Key: command line load address (x86).
pub const FW_CFG_CMDLINE_ADDR: u16 = 0x13;
/// Key: size of [`FW_CFG_CMDLINE_DATA`] (including its NUL), a little-endian u32.
pub const FW_CFG_CMDLINE_SIZE: u16 = 0x14;
/// Key: the kernel command line, NUL-terminated.
pub const FW_CFG_CMDLINE_DATA: u16 = 0x15;
/// Key: x86 setup code load address.
pub const FW_CFG_SETUP_ADDR: u16 = 0x16;
/// Key: size of [`FW_CFG_SETUP_DATA`] (x86; absent on Arm, so it reads as 0).
pub const FW_CFG_SETUP_SIZE: u16 = 0x17;
/// Key: x86 setup code.
pub const FW_CFG_SETUP_DATA: u16 = 0x18;
/// Key: the file directory: be32 count, then per file be32 size, be16 key, be16 reserved and a
/// NUL-terminated 56-byte name.
pub const FW_CFG_FILE_DIR: u16 = 0x19;
/// Key of the first file item.
pub const FILE_FIRST: u16 = 0x20;
/// Selector bit 14, the old write channel: ignored when indexing items.
pub const WRITE_CHANNEL: u16 = 0x4000;
/// Selector bit 15: architecture-specific item.
pub const ARCH_LOCAL: u16 = 0x8000;
/// Item index bits of a key.
pub const ENTRY_MASK: u16 = !(WRITE_CHANNEL | ARCH_LOCAL);
/// Number of file slots (QEMU's `FW_CFG_FILE_SLOTS_DFLT`, the `x-file-slots` default).
pub const FILE_SLOTS: u16 = 0x20;
/// Longest file name in bytes (the directory's 56-byte field holds the terminating NUL).
pub const MAX_FILE_NAME: usize = 55;

/// [`FW_CFG_ID`] bit: traditional (selector + data) interface.
pub const ID_TRADITIONAL: u32 = 0x01;
/// [`FW_CFG_ID`] bit: DMA interface.
pub const ID_DMA: u32 = 0x02;

/// DMA control: error (set by the device).
pub const DMA_CTL_ERROR: u32 = 0x01;
/// DMA control: read `length` bytes into guest memory.
pub const DMA_CTL_READ: u32 = 0x02;
/// DMA control: skip `length` bytes.
pub const DMA_CTL_SKIP: u32 = 0x04;
/// DMA control: select the key in bits 16–31 first.
pub const DMA_CTL_SELECT: u32 = 0x08;
/// DMA control: write `length` bytes from guest memory (never allowed here).
pub const DMA_CTL_WRITE: u32 = 0x10;
/// The DMA address register read as big-endian (`"QEMU CFG"`).
pub const DMA_SIGNATURE: u64 = 0x5145_4d55_2043_4647;
/// The DMA address register as a little-endian 64-bit `ldr` returns it.
pub const DMA_SIGNATURE_LE: u64 = DMA_SIGNATURE.swap_bytes();

/// Size of a `FWCfgDmaAccess` descriptor.
const DMA_DESC_SIZE: usize = 16;
/// Size of one file directory entry.
const DIR_ENTRY_SIZE: usize = 64;
/// Keys (index bits) from here on select nothing.
const MAX_ENTRY: u16 = FILE_FIRST + FILE_SLOTS;

/// Why an item could not be added.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FwCfgError {
    /// The file name is longer than [`MAX_FILE_NAME`] bytes or contains a NUL byte.
    #[error("fw_cfg file name {0:?} is longer than 55 bytes or contains a NUL byte")]
    InvalidName(String),
    /// A file of that name exists already.
    #[error("duplicate fw_cfg file name {0:?}")]
    Duplicate(String),
    /// All [`FILE_SLOTS`] file slots are used.
    #[error("no free fw_cfg file slot for {0:?}")]
    TooManyFiles(String),
    /// The item is 4 GiB or larger (QEMU's limit).
    #[error("fw_cfg file {0:?} is 4 GiB or larger")]
    TooLarge(String),
}

/// A named file item.
#[derive(Clone)]
struct File {
    name: String,
    data: Vec<u8>,
}

/// DMA operation selected by the control word.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DmaOp {
    Read,
    Write,
    Skip,
}

/// fw_cfg state.
#[derive(Clone)]
pub struct FwCfg {
    /// Legacy and architecture-specific items by key (write-channel bit cleared); never the
    /// file directory or files.
    items: BTreeMap<u16, Vec<u8>>,
    /// Files in key order (sorted by name): file `i` has key `FILE_FIRST + i`.
    files: Vec<File>,
    /// The [`FW_CFG_FILE_DIR`] item, empty until a file is added.
    dir: Vec<u8>,
    /// Selected key; `None` when the key is out of range (QEMU's `FW_CFG_INVALID`).
    selected: Option<u16>,
    /// Offset of the next byte within the selected item.
    offset: usize,
    /// DMA address register as written so far (device byte order already undone).
    dma_addr: u64,
    /// Descriptor address of a transfer started by a register write, performed by `dma()`.
    dma_pending: Option<u64>,
}

impl Default for FwCfg {
    fn default() -> Self {
        Self::new()
    }
}

impl FwCfg {
    /// A device with the signature (`"QEMU"`) and ID (traditional + DMA) items only, the
    /// signature selected.
    ///
    /// QEMU's `fw_cfg_common_realize` also adds `FW_CFG_UUID`, `FW_CFG_NOGRAPHIC`,
    /// `FW_CFG_BOOT_MENU` and the file `etc/boot-fail-wait`, and `virt` adds more (ACPI tables,
    /// `bootorder`, …); that is up to the caller.
    pub fn new() -> FwCfg {
        let mut f = FwCfg {
            items: BTreeMap::new(),
            files: Vec::new(),
            dir: Vec::new(),
            selected: Some(FW_CFG_SIGNATURE),
            offset: 0,
            dma_addr: 0,
            dma_pending: None,
        };
        f.add_bytes(FW_CFG_SIGNATURE, b"QEMU".to_vec());
        f.add_u32(FW_CFG_ID, ID_TRADITIONAL | ID_DMA);
        f
    }

    /// Add (or replace) the legacy item `key`: a generic key below [`FILE_FIRST`] other than
    /// [`FW_CFG_FILE_DIR`], or an [`ARCH_LOCAL`] one with an index below `FILE_FIRST +
    /// FILE_SLOTS` (bit 14 is ignored, as by QEMU). Other keys, and items of 4 GiB or more, are
    /// logged and ignored.
    pub fn add_bytes(&mut self, key: u16, data: Vec<u8>) {
        let key = key & !WRITE_CHANNEL;
        let index = key & ENTRY_MASK;
        let ok = if key & ARCH_LOCAL != 0 {
            index < MAX_ENTRY
        } else {
            index < FILE_FIRST && index != FW_CFG_FILE_DIR
        };
        if !ok {
            log::warn!("fw_cfg: key {key:#x} is not a legacy item key, item ignored");
            return;
        }
        if data.len() >= u32::MAX as usize {
            log::warn!("fw_cfg: item {key:#x} is 4 GiB or larger, ignored");
            return;
        }
        self.items.insert(key, data);
    }

    /// Add (or replace) the legacy item `key` holding `v` as 4 little-endian bytes
    /// (QEMU's `fw_cfg_add_i32`).
    pub fn add_u32(&mut self, key: u16, v: u32) {
        self.add_bytes(key, v.to_le_bytes().to_vec());
    }

    /// Add (or replace) the legacy item `key` holding `v` as 8 little-endian bytes
    /// (QEMU's `fw_cfg_add_i64`).
    pub fn add_u64(&mut self, key: u16, v: u64) {
        self.add_bytes(key, v.to_le_bytes().to_vec());
    }

    /// Add the file `name` (at most [`MAX_FILE_NAME`] bytes, no NUL) and return its key.
    ///
    /// Files are kept sorted by name (byte order, as QEMU's `strcmp`) with keys from
    /// [`FILE_FIRST`] in that order, so adding a file whose name sorts before existing ones
    /// moves those to the next key; the returned key is the one at the time of the call.
    pub fn add_file(&mut self, name: &str, data: Vec<u8>) -> Result<u16, FwCfgError> {
        if name.len() > MAX_FILE_NAME || name.contains('\0') {
            return Err(FwCfgError::InvalidName(name.to_string()));
        }
        if data.len() >= u32::MAX as usize {
            return Err(FwCfgError::TooLarge(name.to_string()));
        }
        let index = match self.files.binary_search_by(|f| f.name.as_str().cmp(name)) {
            Ok(_) => return Err(FwCfgError::Duplicate(name.to_string())),
            Err(i) => i,
        };
        if self.files.len() >= FILE_SLOTS as usize {
            return Err(FwCfgError::TooManyFiles(name.to_string()));
        }
        self.files.insert(
            index,
            File {
                name: name.to_string(),
                data,
            },
        );
        self.rebuild_dir();
        Ok(FILE_FIRST + index as u16)
    }

    /// Expose a kernel for the firmware to load, as QEMU's `arm_setup_firmware_boot`
    /// (`hw/arm/boot.c`, through `load_image_to_fw_cfg` in `hw/nvram/fw_cfg.c`) does for a
    /// firmware boot with `-kernel`:
    /// - [`FW_CFG_KERNEL_SIZE`] (u32) and [`FW_CFG_KERNEL_DATA`]. QEMU first gunzips the file
    ///   on an AArch64 CPU (`load_image_gzipped_buffer`, falling back to the raw file when it
    ///   is not gzip), so the caller must pass the decompressed `Image` of a gzip'd kernel.
    ///   `FW_CFG_KERNEL_ADDR`, `FW_CFG_KERNEL_ENTRY` and `FW_CFG_SETUP_*` are not set on Arm.
    /// - [`FW_CFG_INITRD_SIZE`] (u32) and [`FW_CFG_INITRD_DATA`], only with an initrd (never
    ///   decompressed).
    /// - [`FW_CFG_CMDLINE_SIZE`] (u32, length + 1) and [`FW_CFG_CMDLINE_DATA`] (the string and
    ///   its NUL), always: QEMU's machine command line defaults to `""` (`machine_initfn` in
    ///   `hw/core/machine.c`), so without `-append` (`cmdline` `None`) the items hold the empty
    ///   string (size 1, one NUL byte). The string ends at its first NUL, as with `strlen`.
    pub fn add_kernel(&mut self, kernel: Vec<u8>, initrd: Option<Vec<u8>>, cmdline: Option<&str>) {
        self.add_u32(FW_CFG_KERNEL_SIZE, kernel.len() as u32);
        self.add_bytes(FW_CFG_KERNEL_DATA, kernel);
        if let Some(initrd) = initrd {
            self.add_u32(FW_CFG_INITRD_SIZE, initrd.len() as u32);
            self.add_bytes(FW_CFG_INITRD_DATA, initrd);
        }
        let cmdline = cmdline.unwrap_or("");
        let cmdline = cmdline.split('\0').next().unwrap_or("");
        let mut data = cmdline.as_bytes().to_vec();
        data.push(0);
        self.add_u32(FW_CFG_CMDLINE_SIZE, data.len() as u32);
        self.add_bytes(FW_CFG_CMDLINE_DATA, data);
    }

    /// Regenerate the file directory item from `files` (full `FILE_SLOTS` size, as QEMU).
    fn rebuild_dir(&mut self) {
        let mut dir = vec![0u8; 4 + DIR_ENTRY_SIZE * FILE_SLOTS as usize];
        dir[..4].copy_from_slice(&(self.files.len() as u32).to_be_bytes());
        for (i, f) in self.files.iter().enumerate() {
            let e = &mut dir[4 + i * DIR_ENTRY_SIZE..4 + (i + 1) * DIR_ENTRY_SIZE];
            e[0..4].copy_from_slice(&(f.data.len() as u32).to_be_bytes());
            e[4..6].copy_from_slice(&(FILE_FIRST + i as u16).to_be_bytes());
            e[8..8 + f.name.len()].copy_from_slice(f.name.as_bytes());
        }
        self.dir = dir;
    }

    /// Select `key` (QEMU's `fw_cfg_select`): the offset goes back to 0.
    fn select(&mut self, key: u16) {
        self.offset = 0;
        self.selected = (key & ENTRY_MASK < MAX_ENTRY).then_some(key);
    }

    /// Bytes of the selected item (empty when nothing or an absent item is selected).
    fn current(&self) -> &[u8] {
        let Some(key) = self.selected else {
            return &[];
        };
        let index = key & ENTRY_MASK;
        let data = if key & ARCH_LOCAL != 0 {
            self.items.get(&(ARCH_LOCAL | index))
        } else if index == FW_CFG_FILE_DIR {
            Some(&self.dir)
        } else if index >= FILE_FIRST {
            self.files
                .get((index - FILE_FIRST) as usize)
                .map(|f| &f.data)
        } else {
            self.items.get(&index)
        };
        data.map_or(&[], |d| d.as_slice())
    }

    /// Read `size` bytes of the data register (QEMU's `fw_cfg_data_read`, seen through the
    /// big-endian region by a little-endian guest).
    fn read_data(&mut self, size: u8) -> u64 {
        let item = self.current();
        let start = self.offset.min(item.len());
        let n = (size as usize).min(item.len() - start);
        let mut bytes = [0u8; 8];
        bytes[..n].copy_from_slice(&item[start..start + n]);
        self.offset = start + n;
        u64::from_le_bytes(bytes)
    }

    /// Perform the transfer described at `desc` (QEMU's `fw_cfg_dma_transfer`).
    fn transfer(&mut self, mem: &mut dyn DmaMemory, desc: u64) {
        let mut raw = [0u8; DMA_DESC_SIZE];
        if !mem.read(desc, &mut raw) {
            log::warn!("fw_cfg: DMA descriptor at {desc:#x} is not in RAM");
            if !mem.write(desc, &DMA_CTL_ERROR.to_be_bytes()) {
                log::warn!("fw_cfg: cannot report the DMA error at {desc:#x}");
            }
            return;
        }
        let control = u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]);
        let mut length = u32::from_be_bytes([raw[4], raw[5], raw[6], raw[7]]) as u64;
        let mut addr = u64::from_be_bytes([
            raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15],
        ]);

        if control & DMA_CTL_SELECT != 0 {
            self.select((control >> 16) as u16);
        }
        let op = if control & DMA_CTL_READ != 0 {
            DmaOp::Read
        } else if control & DMA_CTL_WRITE != 0 {
            DmaOp::Write
        } else {
            if control & DMA_CTL_SKIP == 0 {
                length = 0;
            }
            DmaOp::Skip
        };

        let mut status = 0u32;
        while length > 0 && status & DMA_CTL_ERROR == 0 {
            let item = self.current();
            let (n, ok) = if self.offset >= item.len() {
                // Past the end (or no item): reads fill with zeros, the offset stays.
                let ok = match op {
                    DmaOp::Read => zero_fill(mem, addr, length),
                    DmaOp::Write => false,
                    DmaOp::Skip => true,
                };
                (length, ok)
            } else {
                let n = length.min((item.len() - self.offset) as u64);
                let chunk = &item[self.offset..self.offset + n as usize];
                let ok = match op {
                    DmaOp::Read => mem.write(addr, chunk),
                    DmaOp::Write => false,
                    DmaOp::Skip => true,
                };
                self.offset += n as usize;
                (n, ok)
            };
            if !ok {
                if op == DmaOp::Read {
                    log::warn!("fw_cfg: DMA target {addr:#x}+{n:#x} is not in RAM");
                }
                status |= DMA_CTL_ERROR;
            }
            addr = addr.wrapping_add(n);
            length -= n;
        }

        if !mem.write(desc, &status.to_be_bytes()) {
            log::warn!("fw_cfg: cannot write the DMA status back to {desc:#x}");
        }
    }
}

/// Write `len` zero bytes at `addr`, in chunks; `false` if any chunk is not in RAM.
fn zero_fill(mem: &mut dyn DmaMemory, mut addr: u64, mut len: u64) -> bool {
    const ZEROS: [u8; 4096] = [0; 4096];
    while len > 0 {
        let n = len.min(ZEROS.len() as u64);
        if !mem.write(addr, &ZEROS[..n as usize]) {
            return false;
        }
        addr = addr.wrapping_add(n);
        len -= n;
    }
    true
}

impl MmioDevice for FwCfg {
    fn name(&self) -> &'static str {
        "fw_cfg"
    }

    fn reg_name(&self, offset: u64) -> Option<&'static str> {
        match offset {
            DATA..=0x07 => Some("data"),
            SELECTOR..=0x09 => Some("selector"),
            DMA_ADDR..=0x17 => Some("dma"),
            _ => None,
        }
    }

    fn read(&mut self, offset: u64, size: u8) -> u64 {
        if !matches!(size, 1 | 2 | 4 | 8) {
            log::warn!("fw_cfg: {size}-byte read at offset {offset:#x}");
            return 0;
        }
        let dma_off = offset.wrapping_sub(DMA_ADDR);
        match offset {
            DATA => self.read_data(size),
            DMA_ADDR..=0x17 if dma_off.is_multiple_of(size as u64) => {
                // The bytes of "QEMU CFG" at these offsets, in string order.
                let sig = DMA_SIGNATURE.to_be_bytes();
                let mut bytes = [0u8; 8];
                let n = size as usize;
                let at = dma_off as usize;
                bytes[..n].copy_from_slice(&sig[at..at + n]);
                u64::from_le_bytes(bytes)
            }
            SELECTOR => {
                log::warn!("fw_cfg: read of the write-only selector register");
                0
            }
            _ => {
                log::warn!("fw_cfg: {size}-byte read at bad offset {offset:#x}");
                0
            }
        }
    }

    fn write(&mut self, offset: u64, size: u8, value: u64) {
        let value = value & size_mask(size);
        match (offset, size) {
            (DATA, 1 | 2 | 4 | 8) => {
                log::debug!("fw_cfg: write of {value:#x} to the read-only data register ignored");
            }
            (SELECTOR, 2) => self.select((value as u16).swap_bytes()),
            (DMA_ADDR, 4) => self.dma_addr = ((value as u32).swap_bytes() as u64) << 32,
            (0x14, 4) => {
                let addr = self.dma_addr | (value as u32).swap_bytes() as u64;
                self.dma_addr = 0;
                self.dma_pending = Some(addr);
            }
            (DMA_ADDR, 8) => {
                self.dma_addr = 0;
                self.dma_pending = Some(value.swap_bytes());
            }
            _ => log::warn!("fw_cfg: {size}-byte write of {value:#x} at bad offset {offset:#x}"),
        }
    }

    fn dma(&mut self, mem: &mut dyn DmaMemory) {
        if let Some(desc) = self.dma_pending.take() {
            self.transfer(mem, desc);
        }
    }

    /// The signature is selected at offset 0 (QEMU's `fw_cfg_reset`) and the DMA address
    /// register and any pending transfer are cleared; the items are kept.
    fn reset(&mut self) {
        self.select(FW_CFG_SIGNATURE);
        self.dma_addr = 0;
        self.dma_pending = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAM: u64 = 0x4000_0000;
    const DESC: u64 = RAM + 0x100;
    const BUF: u64 = RAM + 0x1000;

    /// One RAM region at [`RAM`].
    use crate::devices::test_mem::FakeMem;

    /// fw_cfg's DMA descriptor in test memory.
    trait Descriptors {
        fn put_desc(&mut self, at: u64, control: u32, length: u32, address: u64);
        fn control(&self, at: u64) -> u32;
    }

    impl Descriptors for FakeMem {
        fn put_desc(&mut self, at: u64, control: u32, length: u32, address: u64) {
            let mut d = Vec::new();
            d.extend_from_slice(&control.to_be_bytes());
            d.extend_from_slice(&length.to_be_bytes());
            d.extend_from_slice(&address.to_be_bytes());
            assert!(self.write(at, &d));
        }
        fn control(&self, at: u64) -> u32 {
            u32::from_be_bytes(self.bytes(at, 4).try_into().unwrap())
        }
    }

    /// Select `key` as a little-endian guest does (the big-endian register: byte-swapped).
    fn select(f: &mut FwCfg, key: u16) {
        f.write(SELECTOR, 2, key.swap_bytes() as u64);
    }

    /// Read `len` bytes through 1-byte data register reads.
    fn read_bytes(f: &mut FwCfg, len: usize) -> Vec<u8> {
        (0..len).map(|_| f.read(DATA, 1) as u8).collect()
    }

    /// Start a DMA at `desc` with two 32-bit writes (high, then low half) and run it.
    fn start_dma(f: &mut FwCfg, mem: &mut FakeMem, desc: u64) {
        f.write(DMA_ADDR, 4, ((desc >> 32) as u32).swap_bytes() as u64);
        f.write(DMA_ADDR + 4, 4, (desc as u32).swap_bytes() as u64);
        f.dma(mem);
    }

    #[test]
    fn signature_byte_by_byte_and_wide() {
        let mut f = FwCfg::new();
        assert_eq!(read_bytes(&mut f, 6), b"QEMU\0\0", "selected at power-on");
        select(&mut f, FW_CFG_SIGNATURE);
        assert_eq!(f.read(DATA, 4), u32::from_le_bytes(*b"QEMU") as u64);
        assert_eq!(f.read(DATA, 4), 0, "past the end");
        select(&mut f, FW_CFG_SIGNATURE);
        assert_eq!(f.read(DATA, 8), 0x554d_4551, "QEMU then zero padding");
        select(&mut f, FW_CFG_SIGNATURE);
        assert_eq!(f.read(DATA, 2), u16::from_le_bytes(*b"QE") as u64);
        assert_eq!(f.read(DATA, 1), b'M' as u64);
        assert_eq!(
            f.read(DATA, 2),
            b'U' as u64,
            "short at the end: zero on the right"
        );
        assert_eq!(f.read(DATA, 8), 0);
    }

    #[test]
    fn selector_is_big_endian() {
        let mut f = FwCfg::new();
        f.write(SELECTOR, 2, 0x0100);
        assert_eq!(f.read(DATA, 4), 3, "key 1 (ID): traditional + DMA");
        f.write(SELECTOR, 2, 0x0001);
        assert_eq!(f.read(DATA, 4), 0, "key 0x100 is out of range: zeros");
        select(&mut f, FW_CFG_ID | WRITE_CHANNEL);
        assert_eq!(f.read(DATA, 4), 3, "bit 14 is ignored");
        select(&mut f, FW_CFG_UUID);
        assert_eq!(f.read(DATA, 8), 0, "absent item");
    }

    #[test]
    fn numeric_and_arch_items() {
        let mut f = FwCfg::new();
        f.add_u64(FW_CFG_RAM_SIZE, 0x1122_3344_5566_7788);
        f.add_bytes(ARCH_LOCAL | 0x30, vec![9, 8]);
        f.add_bytes(FILE_FIRST, vec![1]);
        f.add_bytes(FW_CFG_FILE_DIR, vec![1]);
        select(&mut f, FW_CFG_RAM_SIZE);
        assert_eq!(
            read_bytes(&mut f, 8),
            0x1122_3344_5566_7788u64.to_le_bytes()
        );
        select(&mut f, ARCH_LOCAL | 0x30);
        assert_eq!(f.read(DATA, 4), 0x0809);
        select(&mut f, 0x30);
        assert_eq!(
            f.read(DATA, 4),
            0,
            "generic 0x30 is a different (absent) item"
        );
        select(&mut f, FILE_FIRST);
        assert_eq!(f.read(DATA, 1), 0, "file keys are not legacy items");
        select(&mut f, FW_CFG_FILE_DIR);
        assert_eq!(f.read(DATA, 8), 0, "no file, no directory");
    }

    #[test]
    fn file_directory_sorted_by_name() {
        let mut f = FwCfg::new();
        assert_eq!(f.add_file("opt/b", vec![0xbb; 3]), Ok(0x20));
        assert_eq!(f.add_file("etc/a", vec![0xaa; 0x1234]), Ok(0x20));
        assert_eq!(
            f.add_file("etc/a", vec![]),
            Err(FwCfgError::Duplicate("etc/a".into()))
        );
        select(&mut f, FW_CFG_FILE_DIR);
        let dir = read_bytes(&mut f, 4 + 2 * 64 + 8);
        assert_eq!(dir[..4], [0, 0, 0, 2], "be32 count");
        let e0 = &dir[4..68];
        assert_eq!(e0[..8], [0, 0, 0x12, 0x34, 0, 0x20, 0, 0]);
        assert_eq!(&e0[8..14], b"etc/a\0");
        assert!(e0[14..].iter().all(|&b| b == 0));
        let e1 = &dir[68..132];
        assert_eq!(e1[..8], [0, 0, 0, 3, 0, 0x21, 0, 0]);
        assert_eq!(&e1[8..14], b"opt/b\0");
        assert!(dir[132..].iter().all(|&b| b == 0), "unused slots are zero");
        select(&mut f, 0x21);
        assert_eq!(read_bytes(&mut f, 4), [0xbb, 0xbb, 0xbb, 0]);
        select(&mut f, 0x20);
        assert_eq!(f.read(DATA, 2), 0xaaaa);
    }

    #[test]
    fn file_limits() {
        let mut f = FwCfg::new();
        let long = "x".repeat(56);
        assert_eq!(
            f.add_file(&long, vec![]),
            Err(FwCfgError::InvalidName(long.clone()))
        );
        assert_eq!(f.add_file(&long[..55], vec![1]), Ok(0x20));
        for i in 1..FILE_SLOTS {
            assert!(f.add_file(&format!("f{i:02}"), vec![]).is_ok());
        }
        assert_eq!(
            f.add_file("one-too-many", vec![]),
            Err(FwCfgError::TooManyFiles("one-too-many".into()))
        );
        select(&mut f, FW_CFG_FILE_DIR);
        assert_eq!(f.read(DATA, 4), u32::from_le_bytes([0, 0, 0, 32]) as u64);
        select(&mut f, FILE_FIRST + FILE_SLOTS - 1);
        assert_eq!(f.read(DATA, 1), 1, "the long name sorts last");
    }

    #[test]
    fn dma_select_and_read() {
        let mut f = FwCfg::new();
        f.add_file("etc/x", (0..=255).collect()).unwrap();
        let mut mem = FakeMem::new(0x10000);
        let ctl = (0x20 << 16) | DMA_CTL_SELECT | DMA_CTL_READ;
        mem.put_desc(DESC, ctl, 100, BUF);
        start_dma(&mut f, &mut mem, DESC);
        assert_eq!(mem.control(DESC), 0);
        assert_eq!(mem.bytes(BUF, 100), (0..100).collect::<Vec<u8>>());
        assert_eq!(f.read(DATA, 1), 100, "the offset advanced");
        // The same through one 64-bit write, continuing at the current offset.
        mem.put_desc(DESC, DMA_CTL_READ, 4, BUF);
        f.write(DMA_ADDR, 8, DESC.swap_bytes());
        f.dma(&mut mem);
        assert_eq!(mem.control(DESC), 0);
        assert_eq!(mem.bytes(BUF, 4), [101, 102, 103, 104]);
        f.dma(&mut mem);
        assert_eq!(f.read(DATA, 1), 105, "one transfer per start");
    }

    #[test]
    fn dma_skip_then_read() {
        let mut f = FwCfg::new();
        let mut mem = FakeMem::new(0x10000);
        mem.put_desc(
            DESC,
            ((FW_CFG_SIGNATURE as u32) << 16) | DMA_CTL_SELECT | DMA_CTL_SKIP,
            2,
            0,
        );
        start_dma(&mut f, &mut mem, DESC);
        assert_eq!(mem.control(DESC), 0);
        mem.put_desc(DESC, DMA_CTL_READ, 2, BUF);
        start_dma(&mut f, &mut mem, DESC);
        assert_eq!(mem.bytes(BUF, 2), b"MU");
        // Select only: no transfer, the offset goes back to 0.
        mem.put_desc(DESC, DMA_CTL_SELECT, 50, BUF);
        start_dma(&mut f, &mut mem, DESC);
        assert_eq!(mem.control(DESC), 0);
        assert_eq!(f.read(DATA, 1), b'Q' as u64);
    }

    #[test]
    fn dma_read_past_end_fills_zeros() {
        let mut f = FwCfg::new();
        let mut mem = FakeMem::new(0x10000);
        assert!(mem.write(BUF, &[0xee; 16]));
        mem.put_desc(DESC, DMA_CTL_SELECT | DMA_CTL_READ, 10, BUF);
        start_dma(&mut f, &mut mem, DESC);
        assert_eq!(mem.control(DESC), 0);
        assert_eq!(
            mem.bytes(BUF, 16),
            b"QEMU\0\0\0\0\0\0\xee\xee\xee\xee\xee\xee"
        );
        // An absent item reads as zeros too.
        assert!(mem.write(BUF, &[0xee; 4]));
        mem.put_desc(DESC, (0x3f << 16) | DMA_CTL_SELECT | DMA_CTL_READ, 4, BUF);
        start_dma(&mut f, &mut mem, DESC);
        assert_eq!(mem.control(DESC), 0);
        assert_eq!(mem.bytes(BUF, 4), [0; 4]);
    }

    #[test]
    fn dma_write_is_an_error() {
        let mut f = FwCfg::new();
        let mut mem = FakeMem::new(0x10000);
        mem.put_desc(
            DESC,
            ((FW_CFG_ID as u32) << 16) | DMA_CTL_SELECT | DMA_CTL_WRITE,
            4,
            BUF,
        );
        start_dma(&mut f, &mut mem, DESC);
        assert_eq!(mem.control(DESC), DMA_CTL_ERROR);
        select(&mut f, FW_CFG_ID);
        assert_eq!(f.read(DATA, 4), 3, "unchanged");
        // READ takes precedence over WRITE.
        mem.put_desc(DESC, DMA_CTL_SELECT | DMA_CTL_READ | DMA_CTL_WRITE, 4, BUF);
        start_dma(&mut f, &mut mem, DESC);
        assert_eq!(mem.control(DESC), 0);
        assert_eq!(mem.bytes(BUF, 4), b"QEMU");
    }

    #[test]
    fn dma_bad_addresses() {
        let mut f = FwCfg::new();
        let mut mem = FakeMem::new(0x10000);
        // Descriptor outside RAM: nothing to report to, no panic.
        start_dma(&mut f, &mut mem, 0x0900_0000);
        start_dma(&mut f, &mut mem, u64::MAX - 3);
        assert!(mem.0.iter().all(|&b| b == 0));
        // Descriptor straddling the end of RAM: the control word is written when it fits.
        let end = RAM + mem.0.len() as u64;
        start_dma(&mut f, &mut mem, end - 8);
        assert_eq!(mem.control(end - 8), DMA_CTL_ERROR);
        // Target outside RAM, in the item and past its end.
        mem.put_desc(DESC, DMA_CTL_SELECT | DMA_CTL_READ, 4, 0x1000);
        start_dma(&mut f, &mut mem, DESC);
        assert_eq!(mem.control(DESC), DMA_CTL_ERROR);
        mem.put_desc(DESC, DMA_CTL_SELECT | DMA_CTL_READ, u32::MAX, end - 16);
        start_dma(&mut f, &mut mem, DESC);
        assert_eq!(mem.control(DESC), DMA_CTL_ERROR);
        assert_eq!(mem.bytes(end - 16, 4), b"QEMU");
    }

    #[test]
    fn dma_register_reads_the_signature() {
        let mut f = FwCfg::new();
        assert_eq!(f.read(DMA_ADDR, 8), u64::from_le_bytes(*b"QEMU CFG"));
        assert_eq!(f.read(DMA_ADDR, 8).swap_bytes(), 0x5145_4d55_2043_4647);
        assert_eq!(f.read(DMA_ADDR + 4, 4), u32::from_le_bytes(*b" CFG") as u64);
        assert_eq!(f.read(DMA_ADDR + 6, 1), b'F' as u64);
        assert_eq!(f.read(DMA_ADDR + 4, 8), 0, "beyond the region");
        assert_eq!(f.read(DMA_ADDR + 2, 4), 0, "misaligned");
    }

    #[test]
    fn bad_accesses_are_harmless() {
        let mut f = FwCfg::new();
        assert_eq!(f.read(SELECTOR, 2), 0);
        assert_eq!(f.read(0x3, 1), 0);
        assert_eq!(f.read(0x20, 4), 0);
        assert_eq!(f.read(DATA, 3), 0);
        f.write(SELECTOR, 4, 0x0100);
        f.write(0x9, 1, 1);
        f.write(DATA, 1, 0xff);
        f.write(DMA_ADDR + 4, 8, 0);
        f.write(DMA_ADDR, 2, 0);
        let mut mem = FakeMem::new(0x10000);
        f.dma(&mut mem);
        assert!(mem.0.iter().all(|&b| b == 0), "no DMA started");
        assert_eq!(
            read_bytes(&mut f, 4),
            b"QEMU",
            "still the signature from offset 0"
        );
    }

    #[test]
    fn kernel_items() {
        let mut f = FwCfg::new();
        f.add_kernel(vec![7; 10], Some(vec![5; 3]), Some("console=ttyAMA0"));
        fn u32_item(f: &mut FwCfg, key: u16) -> u64 {
            select(f, key);
            f.read(DATA, 4)
        }
        assert_eq!(u32_item(&mut f, FW_CFG_KERNEL_SIZE), 10);
        assert_eq!(u32_item(&mut f, FW_CFG_INITRD_SIZE), 3);
        assert_eq!(u32_item(&mut f, FW_CFG_CMDLINE_SIZE), 16);
        assert_eq!(u32_item(&mut f, FW_CFG_KERNEL_ADDR), 0, "not set on Arm");
        assert_eq!(u32_item(&mut f, FW_CFG_SETUP_SIZE), 0);
        select(&mut f, FW_CFG_CMDLINE_DATA);
        assert_eq!(read_bytes(&mut f, 17), b"console=ttyAMA0\0\0");
        select(&mut f, FW_CFG_KERNEL_DATA);
        assert_eq!(read_bytes(&mut f, 11), [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 0]);

        let mut f = FwCfg::new();
        f.add_kernel(vec![1], None, None);
        assert_eq!(u32_item(&mut f, FW_CFG_INITRD_SIZE), 0);
        assert_eq!(
            u32_item(&mut f, FW_CFG_CMDLINE_SIZE),
            1,
            "empty -append: just the NUL"
        );
        select(&mut f, FW_CFG_CMDLINE_DATA);
        assert_eq!(read_bytes(&mut f, 2), [0, 0]);
    }

    #[test]
    fn reset_keeps_items() {
        let mut f = FwCfg::new();
        f.add_file("etc/x", vec![1, 2]).unwrap();
        select(&mut f, 0x20);
        assert_eq!(f.read(DATA, 1), 1);
        let mut mem = FakeMem::new(0x10000);
        mem.put_desc(DESC, DMA_CTL_SELECT | DMA_CTL_READ, 4, BUF);
        f.write(DMA_ADDR + 4, 4, (DESC as u32).swap_bytes() as u64);
        f.reset();
        f.dma(&mut mem);
        assert_eq!(mem.bytes(BUF, 4), [0; 4], "the pending DMA is dropped");
        assert_eq!(read_bytes(&mut f, 4), b"QEMU", "the signature is selected");
        // The high half written before the reset is forgotten.
        f.write(DMA_ADDR, 4, 0x0100_0000);
        f.reset();
        mem.put_desc(DESC, DMA_CTL_SELECT | DMA_CTL_READ, 4, BUF);
        f.write(DMA_ADDR + 4, 4, (DESC as u32).swap_bytes() as u64);
        f.dma(&mut mem);
        assert_eq!(mem.control(DESC), 0);
        assert_eq!(mem.bytes(BUF, 4), b"QEMU");
        select(&mut f, 0x20);
        assert_eq!(f.read(DATA, 2), 0x0201, "items survive");
    }
}
