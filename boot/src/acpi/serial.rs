//! The console for firmware and kernel before any AML runs: SPCR (Microsoft "Serial Port
//! Console Redirection Table", revision 2) and DBG2 ("Microsoft Debug Port Table 2",
//! revision 0), both for the PL011 (interface type / port subtype 3).

use acpi_tables::sdt::GenericAddress;

use super::style::Style;
use super::{gsiv, window32, Result, Table};
use crate::fdt::MachineDesc;

/// SPCR/DBG2 interface type of an Arm PL011 UART.
pub const PL011: u8 = 3;
/// Length of a revision 2 SPCR.
pub const SPCR_LEN: u32 = 80;
/// SPCR offset of the base address (a GAS).
pub const SPCR_BASE: usize = 40;
/// SPCR offset of the Interrupt Type (bit 3: Arm GIC).
pub const SPCR_IRQ_TYPE: usize = 52;
/// SPCR offset of the GSIV (u32).
pub const SPCR_GSIV: usize = 54;
/// SPCR interrupt type: Arm GIC.
pub const IRQ_TYPE_GIC: u8 = 1 << 3;
/// DBG2 offset of the first (only) Debug Device Information structure.
pub const DBG2_DEVICE: usize = 44;
/// DBG2 port type: serial.
pub const DBG2_SERIAL: u16 = 0x8000;

fn gas(style: &Style, address: u64) -> GenericAddress {
    let (width, access) = style.uart_access;
    GenericAddress {
        address_space_id: 0, // system memory
        register_bit_width: width,
        register_bit_offset: 0,
        access_size: access,
        address,
    }
}

/// The SPCR for the machine's PL011.
pub(crate) fn spcr(m: &MachineDesc, style: &Style) -> Table {
    let mut t = style.sdt(*b"SPCR", style.rev.spcr, SPCR_LEN);
    t.write_u8(36, PL011);
    t.write(SPCR_BASE, gas(style, m.uart.base));
    t.write_u8(SPCR_IRQ_TYPE, IRQ_TYPE_GIC);
    t.write_u32(SPCR_GSIV, gsiv(m.uart.spi));
    t.write_u8(58, 3); // baud rate: 9600
    t.write_u8(60, 1); // one stop bit
    t.write_u8(61, 1 << 1); // flow control: RTS/CTS
    t.write_u16(64, 0xffff); // PCI device ID: not a PCI device
    t.write_u16(66, 0xffff); // PCI vendor ID
    t.into()
}

/// The DBG2 for the machine's PL011.
pub(crate) fn dbg2(m: &MachineDesc, style: &Style) -> Result<Table> {
    let namespace = style.dbg2_namespace.as_bytes();
    let size = match style.dbg2_window {
        Some(s) => s,
        None => window32("uart", m.uart.base, m.uart.size)?.1,
    };
    // Debug Device Information: 22 bytes of fields, a GAS, an address size, the namespace.
    let (gas_at, size_at, name_at) = (22u16, 34u16, 38u16);
    let dev_len = name_at + namespace.len() as u16 + 1;
    let mut t = style.sdt(
        *b"DBG2",
        style.rev.dbg2,
        (DBG2_DEVICE + usize::from(dev_len)) as u32,
    );
    t.write_u32(36, DBG2_DEVICE as u32); // OffsetDbgDeviceInfo
    t.write_u32(40, 1); // NumberDbgDeviceInfo
    let d = DBG2_DEVICE;
    t.write_u8(d, 0); // revision
    t.write_u16(d + 1, dev_len);
    t.write_u8(d + 3, 1); // NumberofGenericAddressRegisters
    t.write_u16(d + 4, namespace.len() as u16 + 1);
    t.write_u16(d + 6, name_at);
    t.write_u16(d + 12, DBG2_SERIAL);
    t.write_u16(d + 14, PL011.into());
    t.write_u16(d + 18, gas_at);
    t.write_u16(d + 20, size_at);
    t.write(d + usize::from(gas_at), gas(style, m.uart.base));
    t.write_u32(d + usize::from(size_at), size);
    t.write_bytes(d + usize::from(name_at), namespace);
    Ok(t.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acpi::Flavor;
    use crate::fdt::{test_desc, GicDesc};
    use crate::Ram;

    fn desc() -> MachineDesc {
        test_desc(
            Ram {
                base: 0x4000_0000,
                size: 0x2000_0000,
            },
            1,
            GicDesc::V3 {
                dist: (0x0800_0000, 0x1_0000),
                redist: (0x080a_0000, 0xf6_0000),
            },
        )
    }

    #[test]
    fn spcr_points_at_the_pl011_and_its_gsiv() {
        let t = spcr(&desc(), Style::of(Flavor::Virt)).sdt;
        let b = t.as_slice();
        assert_eq!(b.len(), 80);
        assert_eq!(b[36], 3);
        // GAS: system memory, 32 bits, dword access (QEMU), at 0x0900_0000.
        assert_eq!(&b[40..44], &[0, 32, 0, 3]);
        assert_eq!(
            u64::from_le_bytes(b[44..52].try_into().unwrap()),
            0x0900_0000
        );
        assert_eq!(b[52], 8);
        assert_eq!(u32::from_le_bytes(b[54..58].try_into().unwrap()), 33);
    }

    #[test]
    fn dbg2_names_the_uart_device() {
        let t = dbg2(&desc(), Style::of(Flavor::CloudHypervisor))
            .unwrap()
            .sdt;
        let b = t.as_slice();
        // Cloud Hypervisor: 44 + 22 + 12 + 4 + "_SB_.COM1\0".
        assert_eq!(b.len(), 44 + 38 + 10);
        assert_eq!(&b[44 + 38..], b"_SB_.COM1\0");
        assert_eq!(
            u32::from_le_bytes(b[44 + 34..44 + 38].try_into().unwrap()),
            0x1000
        );
    }
}
