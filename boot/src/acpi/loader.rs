//! The tables as QEMU's `virt` hands them to EDK2: three fw_cfg files, `etc/acpi/rsdp`,
//! `etc/acpi/tables` and `etc/table-loader`, the last a list of BIOS linker/loader commands
//! (QEMU `hw/acpi/bios-linker-loader.c`) that the firmware runs to place the two blobs,
//! patch the pointers between tables and compute the checksums.
//!
//! The consumer is EDK2's `OvmfPkg/AcpiPlatformDxe/QemuFwCfgAcpi.c`: a first pass runs every
//! command in order (ALLOCATE copies a file into memory below 4 GiB, ADD_POINTER adds the
//! pointee blob's address to a little-endian field that holds an offset into it, ADD_CHECKSUM
//! stores at `result_offset` the byte that makes `start..start + length` sum to zero, counting
//! the byte itself, which is why the blobs carry zero checksums); a second pass looks at the
//! target of every ADD_POINTER and installs each ACPI table it finds there with a valid
//! checksum, except the RSDT and XSDT (its ACPI protocol builds its own). So every table must be
//! the target of a pointer: the DSDT through the FADT's X_DSDT, the others through the XSDT,
//! the XSDT through the RSDP.
//!
//! Command order is QEMU's: the ALLOCATEs first (the RSDP's, then the tables'), then each
//! table's pointers followed by its checksum, in table order, the XSDT's and the RSDP's last.
//! Only commands 1-3 exist here (QEMU's WRITE_POINTER serves devices bootemu lacks).

use super::style::Style;
use super::{link, rsdp, tables, Error, Flavor};
use crate::fdt::MachineDesc;

/// fw_cfg file holding the RSDP.
pub const FILE_RSDP: &str = "etc/acpi/rsdp";
/// fw_cfg file holding the tables.
pub const FILE_TABLES: &str = "etc/acpi/tables";
/// fw_cfg file holding the linker/loader commands.
pub const FILE_LOADER: &str = "etc/table-loader";
/// Size of one command.
pub const COMMAND_LEN: usize = 128;
/// Size of a file name field in a command (fw_cfg's `FW_CFG_MAX_FILE_PATH`), NUL-padded.
pub const FILE_NAME_LEN: usize = 56;
/// Command: allocate a file.
pub const ALLOCATE: u32 = 1;
/// Command: add a file's address to a pointer.
pub const ADD_POINTER: u32 = 2;
/// Command: compute a checksum.
pub const ADD_CHECKSUM: u32 = 3;
/// ALLOCATE zone: anywhere (below 4 GiB for EDK2).
pub const ZONE_HIGH: u8 = 1;
/// ALLOCATE zone: the legacy F segment (where the RSDP goes on a PC).
pub const ZONE_FSEG: u8 = 2;
/// Alignment QEMU asks for the tables.
pub const TABLES_ALIGN: u32 = 64;
/// Alignment QEMU asks for the RSDP.
pub const RSDP_ALIGN: u32 = 16;
/// RSDP: offset of XsdtAddress.
pub const RSDP_XSDT: u32 = 24;
/// RSDP: offset of the checksum over the first 20 bytes.
pub const RSDP_CHECKSUM: u32 = 8;
/// RSDP: offset of the extended checksum over all 36 bytes.
pub const RSDP_EXT_CHECKSUM: u32 = 32;
/// Offset of the checksum in a table header.
pub const TABLE_CHECKSUM: usize = 9;

/// The three fw_cfg files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FwCfgAcpi {
    /// `etc/acpi/rsdp`.
    pub rsdp: Vec<u8>,
    /// `etc/acpi/tables`.
    pub tables: Vec<u8>,
    /// `etc/table-loader`.
    pub loader: Vec<u8>,
}

impl FwCfgAcpi {
    /// The files as (fw_cfg name, contents), in the order QEMU adds them.
    pub fn files(&self) -> [(&'static str, &[u8]); 3] {
        [
            (FILE_TABLES, &self.tables),
            (FILE_LOADER, &self.loader),
            (FILE_RSDP, &self.rsdp),
        ]
    }
}

/// One linker/loader command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Copy `file` into memory aligned to `align` in `zone`.
    Allocate {
        /// The file.
        file: &'static str,
        /// Alignment (a power of two).
        align: u32,
        /// [`ZONE_HIGH`] or [`ZONE_FSEG`].
        zone: u8,
    },
    /// Add the address of `pointee_file` to the `size`-byte field at `offset` in
    /// `pointer_file`.
    AddPointer {
        /// File holding the field.
        pointer_file: &'static str,
        /// File whose address is added.
        pointee_file: &'static str,
        /// Offset of the field.
        offset: u32,
        /// Its size: 1, 2, 4 or 8.
        size: u8,
    },
    /// Store at `result_offset` the checksum of `start..start + length` in `file`.
    AddChecksum {
        /// The file.
        file: &'static str,
        /// Where the checksum goes.
        result_offset: u32,
        /// First byte summed.
        start: u32,
        /// Bytes summed.
        length: u32,
    },
}

fn put_name(out: &mut [u8], at: usize, name: &str) {
    let n = name.len().min(FILE_NAME_LEN - 1);
    out[at..at + n].copy_from_slice(&name.as_bytes()[..n]);
}

impl Command {
    /// The 128-byte record: a little-endian u32 command, then its fields, zero-padded.
    pub fn encode(&self) -> [u8; COMMAND_LEN] {
        let mut b = [0u8; COMMAND_LEN];
        let name2 = 4 + FILE_NAME_LEN;
        match *self {
            Command::Allocate { file, align, zone } => {
                b[..4].copy_from_slice(&ALLOCATE.to_le_bytes());
                put_name(&mut b, 4, file);
                b[name2..name2 + 4].copy_from_slice(&align.to_le_bytes());
                b[name2 + 4] = zone;
            }
            Command::AddPointer {
                pointer_file,
                pointee_file,
                offset,
                size,
            } => {
                let at = name2 + FILE_NAME_LEN;
                b[..4].copy_from_slice(&ADD_POINTER.to_le_bytes());
                put_name(&mut b, 4, pointer_file);
                put_name(&mut b, name2, pointee_file);
                b[at..at + 4].copy_from_slice(&offset.to_le_bytes());
                b[at + 4] = size;
            }
            Command::AddChecksum {
                file,
                result_offset,
                start,
                length,
            } => {
                b[..4].copy_from_slice(&ADD_CHECKSUM.to_le_bytes());
                put_name(&mut b, 4, file);
                for (i, v) in [result_offset, start, length].into_iter().enumerate() {
                    b[name2 + 4 * i..name2 + 4 * i + 4].copy_from_slice(&v.to_le_bytes());
                }
            }
        }
        b
    }
}

/// The fw_cfg files QEMU's `virt` gives EDK2 for `m` ([`Flavor::Virt`] tables).
pub fn fw_cfg_files(m: &MachineDesc) -> Result<FwCfgAcpi, Error> {
    let style = Style::of(Flavor::Virt);
    // Linked at origin 0: every pointer field holds an offset into `etc/acpi/tables`.
    let linked = link(tables(m, style)?, 0, style)?;
    let mut tables = linked.bytes;
    let mut commands = vec![
        Command::Allocate {
            file: FILE_RSDP,
            align: RSDP_ALIGN,
            zone: ZONE_FSEG,
        },
        Command::Allocate {
            file: FILE_TABLES,
            align: TABLES_ALIGN,
            zone: ZONE_HIGH,
        },
    ];
    for &(_, start, len) in &linked.tables {
        tables[start + TABLE_CHECKSUM] = 0;
        for &p in linked
            .pointers
            .iter()
            .filter(|&&p| (start..start + len).contains(&p))
        {
            commands.push(Command::AddPointer {
                pointer_file: FILE_TABLES,
                pointee_file: FILE_TABLES,
                offset: p as u32,
                size: 8,
            });
        }
        commands.push(Command::AddChecksum {
            file: FILE_TABLES,
            result_offset: (start + TABLE_CHECKSUM) as u32,
            start: start as u32,
            length: len as u32,
        });
    }
    let mut rsdp = rsdp(style, linked.xsdt as u64);
    rsdp[RSDP_CHECKSUM as usize] = 0;
    rsdp[RSDP_EXT_CHECKSUM as usize] = 0;
    commands.extend([
        Command::AddPointer {
            pointer_file: FILE_RSDP,
            pointee_file: FILE_TABLES,
            offset: RSDP_XSDT,
            size: 8,
        },
        Command::AddChecksum {
            file: FILE_RSDP,
            result_offset: RSDP_CHECKSUM,
            start: 0,
            length: 20,
        },
        Command::AddChecksum {
            file: FILE_RSDP,
            result_offset: RSDP_EXT_CHECKSUM,
            start: 0,
            length: rsdp.len() as u32,
        },
    ]);
    let loader = commands.iter().flat_map(Command::encode).collect();
    Ok(FwCfgAcpi {
        rsdp,
        tables,
        loader,
    })
}
