//! Raw binaries: anything not recognised as another format is copied as-is and entered at its
//! first byte, at the same place QEMU puts a non-Image AArch64 `-kernel` (RAM base + 0x80000,
//! QEMU `hw/arm/boot.c` `KERNEL64_LOAD_ADDR`).

use crate::{check_in_ram, Blob, Error, Format, MapEntry, Plan, Ram};

/// Offset from the RAM base where a raw binary is loaded and entered.
pub const RAW_LOAD_OFFSET: u64 = 0x8_0000;

/// Rule checked for raw binaries.
pub const RULE_RAW_FITS: &str = "a raw binary is loaded at RAM base + 0x80000 and must fit in RAM";

/// Plan a raw binary.
pub fn plan(bytes: &[u8], ram: Ram) -> Result<Plan, Error> {
    let addr = ram.base + RAW_LOAD_OFFSET;
    check_in_ram(ram, "raw binary", addr, bytes.len() as u64, RULE_RAW_FITS)?;
    Ok(Plan {
        format: Format::Raw,
        blobs: vec![Blob {
            addr,
            bytes: bytes.to_vec(),
        }],
        entry: addr,
        regs: [0; 4],
        map: vec![MapEntry {
            start: addr,
            size: bytes.len() as u64,
            what: "raw binary".into(),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_at_base_plus_512k() {
        let ram = Ram {
            base: 0x4000_0000,
            size: 1 << 20,
        };
        let p = plan(&[1, 2, 3, 4], ram).unwrap();
        assert_eq!(p.entry, 0x4008_0000);
        assert_eq!(p.blobs[0].addr, 0x4008_0000);
        assert_eq!(p.blobs[0].bytes, vec![1, 2, 3, 4]);
    }

    #[test]
    fn too_big_for_ram_names_the_rule() {
        let ram = Ram {
            base: 0x4000_0000,
            size: 0x8_0000 + 4,
        };
        match plan(&[0; 5], ram) {
            Err(Error::Placement(e)) => {
                assert_eq!(e.rule, RULE_RAW_FITS);
                assert_eq!((e.start, e.end), (0x4008_0000, 0x4008_0005));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
