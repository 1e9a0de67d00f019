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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acpi::conformance::{check_found, parse, virt_desc, Mem};
    use crate::fdt::GicDesc;

    /// A file the firmware placed in memory.
    struct Blob {
        name: String,
        addr: u64,
        bytes: Vec<u8>,
    }

    fn u32_at(b: &[u8], off: usize) -> u32 {
        u32::from_le_bytes(b[off..off + 4].try_into().unwrap())
    }

    /// A 56-byte file name field, which EDK2 requires NUL-terminated.
    fn name_at(b: &[u8], off: usize) -> String {
        let field = &b[off..off + 56];
        assert_eq!(field[55], 0, "file name not NUL-terminated");
        let end = field.iter().position(|&c| c == 0).unwrap();
        String::from_utf8(field[..end].to_vec()).unwrap()
    }

    fn find(blobs: &[Blob], name: &str) -> usize {
        blobs
            .iter()
            .position(|b| b.name == name)
            .unwrap_or_else(|| panic!("{name}: not allocated"))
    }

    fn read_le(b: &[u8], off: usize, size: usize) -> u64 {
        let mut v = [0u8; 8];
        v[..size].copy_from_slice(&b[off..off + size]);
        u64::from_le_bytes(v)
    }

    /// Run `etc/table-loader` the way EDK2's `InstallQemuFwCfgTables` does, reading the
    /// 128-byte records by QEMU's layout: the first pass allocates (whole pages from `at`),
    /// relocates pointers and computes checksums with its range checks; the second pass looks
    /// at every pointer's target and "installs" each table with a valid header and checksum,
    /// except the RSDT and XSDT. Returns the blobs and the installed tables' signatures.
    fn run_like_edk2(files: &FwCfgAcpi, mut at: u64) -> (Vec<Blob>, Vec<String>) {
        let fw_cfg = files.files();
        assert_eq!(files.loader.len() % 128, 0, "whole commands");
        let mut blobs: Vec<Blob> = Vec::new();
        let mut pointers = Vec::new();
        for c in files.loader.chunks(128) {
            match u32_at(c, 0) {
                1 => {
                    let name = name_at(c, 4);
                    let align = u32_at(c, 60);
                    assert!(
                        align.is_power_of_two() && align <= 4096,
                        "alignment {align}"
                    );
                    assert!(c[64] == 1 || c[64] == 2, "zone {}", c[64]);
                    assert!(
                        blobs.iter().all(|b| b.name != name),
                        "{name} allocated twice"
                    );
                    let bytes = fw_cfg
                        .iter()
                        .find(|(n, _)| *n == name)
                        .unwrap_or_else(|| panic!("{name}: no such fw_cfg file"))
                        .1
                        .to_vec();
                    let pages = (bytes.len() as u64).div_ceil(4096).max(1);
                    blobs.push(Blob {
                        name,
                        addr: at,
                        bytes,
                    });
                    at += pages * 4096;
                }
                2 => {
                    let (p, q) = (find(&blobs, &name_at(c, 4)), find(&blobs, &name_at(c, 60)));
                    let (offset, size) = (u32_at(c, 116) as usize, c[120] as usize);
                    assert!([1, 2, 4, 8].contains(&size), "pointer size {size}");
                    assert!(offset + size <= blobs[p].bytes.len(), "pointer location");
                    let value = read_le(&blobs[p].bytes, offset, size);
                    assert!(
                        value < blobs[q].bytes.len() as u64,
                        "pointer value {value:#x}"
                    );
                    let value = value + blobs[q].addr;
                    assert!(size == 8 || value >> (8 * size) == 0, "unrepresentable");
                    blobs[p].bytes[offset..offset + size]
                        .copy_from_slice(&value.to_le_bytes()[..size]);
                    pointers.push((p, offset, size, q));
                }
                3 => {
                    let b = find(&blobs, &name_at(c, 4));
                    let (result, start, len) = (
                        u32_at(c, 60) as usize,
                        u32_at(c, 64) as usize,
                        u32_at(c, 68) as usize,
                    );
                    let bytes = &mut blobs[b].bytes;
                    assert!(result < bytes.len() && start + len <= bytes.len(), "range");
                    let sum = bytes[start..start + len]
                        .iter()
                        .fold(0u8, |s, x| s.wrapping_add(*x));
                    bytes[result] = 0u8.wrapping_sub(sum);
                }
                other => panic!("unknown command {other}"),
            }
        }
        let mut installed = Vec::new();
        for (p, offset, size, q) in pointers {
            let value = read_le(&blobs[p].bytes, offset, size);
            let target = &blobs[q];
            let at = (value - target.addr) as usize;
            let rest = &target.bytes[at..];
            if rest.len() < 36 {
                continue;
            }
            let len = u32_at(rest, 4) as usize;
            if len < 36 || len > rest.len() {
                continue;
            }
            if rest[..len].iter().fold(0u8, |s, x| s.wrapping_add(*x)) != 0 {
                continue;
            }
            let sig = String::from_utf8_lossy(&rest[..4]).into_owned();
            if sig != "RSDT" && sig != "XSDT" {
                installed.push(sig);
            }
        }
        (blobs, installed)
    }

    #[test]
    fn edk2_installs_every_table_and_the_acpi_crate_reads_them() {
        let m = virt_desc(
            2,
            GicDesc::V3 {
                dist: (0x0800_0000, 0x1_0000),
                redist: (0x080a_0000, 0xf6_0000),
            },
        );
        let files = fw_cfg_files(&m).unwrap();
        let (blobs, installed) = run_like_edk2(&files, 0x5e00_0000);
        // The DSDT through the FADT's X_DSDT, the others through the XSDT (QEMU's order).
        assert_eq!(
            installed,
            ["DSDT", "FACP", "APIC", "PPTT", "GTDT", "MCFG", "SPCR", "DBG2"]
        );
        let rsdp = blobs[find(&blobs, FILE_RSDP)].addr;
        assert_eq!(&blobs[find(&blobs, FILE_RSDP)].bytes[9..15], b"BOCHS ");
        let mem = Mem::new(blobs.into_iter().map(|b| (b.addr, b.bytes)).collect());
        check_found(&parse(mem, rsdp), &m);
    }

    #[test]
    fn commands_in_qemus_order() {
        let files = fw_cfg_files(&virt_desc(
            1,
            GicDesc::V2 {
                dist: (0x0800_0000, 0x1_0000),
                cpu: (0x0801_0000, 0x1_0000),
            },
        ))
        .unwrap();
        let kinds: Vec<u32> = files.loader.chunks(128).map(|c| u32_at(c, 0)).collect();
        // ALLOCATE rsdp, tables; DSDT checksum; FADT pointer + checksum; six checksums;
        // XSDT: seven pointers + checksum; RSDP: pointer + two checksums.
        let mut expected = vec![1, 1, 3, 2, 3, 3, 3, 3, 3, 3, 3];
        expected.extend([2; 7]);
        expected.extend([3, 2, 3, 3]);
        assert_eq!(kinds, expected);
        assert_eq!(name_at(&files.loader, 4), FILE_RSDP);
        assert_eq!(files.loader[64], ZONE_FSEG);
        assert_eq!(name_at(&files.loader, 128 + 4), FILE_TABLES);
        // The firmware computes every checksum: the files carry zeros.
        assert_eq!((files.rsdp[8], files.rsdp[32]), (0, 0));
        assert_eq!(&files.tables[..4], b"DSDT");
        assert_eq!(files.tables[9], 0);
    }
}
