//! What differs between the flavors, as data: one [`Style`] constant per [`Flavor`], read by
//! every table builder. A builder never matches on the flavor itself.
//!
//! Sources of the values: Cloud Hypervisor `vmm/src/acpi.rs` (`create_facp_table`,
//! `create_gtdt_table`, `create_spcr_table`, `create_dbg2_table`, `create_mcfg_table`),
//! `vmm/src/cpu.rs` (`create_madt`, `create_pptt`, the `Cpu` AML), `vmm/src/device_manager.rs`
//! and `vmm/src/pci_segment.rs` (the DSDT devices); QEMU 10 `hw/arm/virt-acpi-build.c`,
//! `hw/acpi/aml-build.c` (`acpi_table_begin`, `build_fadt`, `build_pptt`, `build_spcr`),
//! `hw/pci-host/gpex-acpi.c` (the PCIe root), `hw/virtio/virtio-acpi.c`,
//! `hw/nvram/fw_cfg-acpi.c`.

use super::Flavor;

/// Table revisions (the header's `Revision` byte).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Revisions {
    pub dsdt: u8,
    pub fadt: u8,
    pub madt: u8,
    pub pptt: u8,
    pub gtdt: u8,
    pub mcfg: u8,
    pub spcr: u8,
    pub dbg2: u8,
    pub xsdt: u8,
}

/// How the OEM Table ID of each table is formed.
#[derive(Clone, Copy, Debug)]
pub(crate) enum TableId {
    /// Two letters, the table's name, two spaces (`"CHDSDT  "`); the name is the signature
    /// except for the MADT (`APIC` → `"CHMADT  "`).
    PerTable([u8; 2]),
    /// One ID for every table.
    Fixed([u8; 8]),
}

/// How the processors appear in the DSDT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CpuDevices {
    /// `\_SB.Cnnn` devices directly in the system bus scope.
    Flat,
    /// A `\_SB_.CPUS` container (`ACPI0010`, `_CID PNP0A05`, an empty serialized `CSCN`)
    /// holding `Cnnn` devices with a `_PXM` method.
    Container,
}

/// How the PCIe root bridge's `_PRT` routes INTx.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Prt {
    /// One entry per slot for INTA, straight to its GSI (source 0).
    DirectIntA,
    /// One entry per slot and pin, through four `GSIn` link devices (`PNP0C0F`).
    Links,
}

/// Where the ECAM window is reserved (`PNP0C02`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EcamReservation {
    /// `\_SB_.MBRD`, beside the root bridge.
    Sibling,
    /// `RES0`, inside the root bridge.
    Child,
}

/// The PCIe root bridge's shape.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PciStyle {
    /// Device name under `\_SB`.
    pub name: &'static str,
    /// `_HID`/`_CID` as EISA IDs (integers) rather than strings.
    pub eisa_ids: bool,
    /// `_ADR 0`.
    pub adr: bool,
    /// `_BBN 0`.
    pub bbn: bool,
    /// `_STR` ("PCIe 0 Device").
    pub str_: bool,
    /// `_PXM` method returning 0.
    pub pxm: bool,
    /// `_CBA` method returning the ECAM base.
    pub cba: bool,
    /// The ECAM window as a resource of the bridge's own `_CRS`.
    pub ecam_in_crs: bool,
    /// The 32-bit window as a QWord (rather than DWord) memory descriptor.
    pub mmio32_qword: bool,
    /// The I/O window in `_CRS`.
    pub io: bool,
    /// `_OSC` granting the OS every PCIe feature it asks for.
    pub osc: bool,
    /// `_DSM` function 5: the OS must keep the firmware's BAR assignment.
    pub preserve_config: bool,
    /// `_PRT` form.
    pub prt: Prt,
    /// ECAM reservation.
    pub ecam_reservation: EcamReservation,
}

/// The DSDT's shape.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DsdtStyle {
    /// Devices inside one `Scope (\_SB)` (rather than each named with a `\_SB_.` path).
    pub sb_scope: bool,
    /// What goes where, in order.
    pub order: &'static [DsdtItem],
    /// Processor devices.
    pub cpus: CpuDevices,
    /// The UART's device name.
    pub uart_name: &'static str,
    /// The UART's `_DDN`, if any.
    pub uart_ddn: Option<&'static str>,
    /// The PCIe root bridge.
    pub pci: PciStyle,
}

/// One item of the DSDT, present when the machine has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DsdtItem {
    Cpus,
    Uart,
    FwCfg,
    VirtioMmio,
    Pci,
    SleepS5,
    PowerButton,
}

/// Everything that differs between the flavors.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Style {
    /// RSDP and header OEM ID.
    pub oem_id: [u8; 6],
    /// Header OEM Table IDs.
    pub table_id: TableId,
    /// Header OEM revision.
    pub oem_revision: u32,
    /// Header Creator ID and Creator Revision (8 bytes, as stored).
    pub creator: [u8; 8],
    /// Table revisions.
    pub rev: Revisions,
    /// FADT `Flags`.
    pub fadt_flags: u32,
    /// FADT minor version.
    pub fadt_minor: u8,
    /// FADT Hypervisor Vendor Identity.
    pub hypervisor_vendor: [u8; 8],
    /// MADT: the GIC distributor before the CPU interfaces.
    pub gicd_first: bool,
    /// MADT: mask applied to the MPIDR of each GICC.
    pub mpidr_mask: u64,
    /// PPTT: flags of the package node (the cores are leaves with a valid processor ID).
    pub pptt_package_flags: u32,
    /// GTDT: CntControlBase and CntReadBase ("no memory-mapped timer": 0 or all ones).
    pub gtdt_cnt_base: u64,
    /// SPCR/DBG2: the UART's register access (bit width, GAS access size).
    pub uart_access: (u8, u8),
    /// DBG2: the namespace path of the UART.
    pub dbg2_namespace: &'static str,
    /// DBG2: the size of the UART's register window (`None`: the machine's).
    pub dbg2_window: Option<u32>,
    /// DSDT.
    pub dsdt: DsdtStyle,
    /// The most bytes the tables may take (RSDP included), if the flavor has a fixed area.
    pub area: Option<u64>,
}

/// FADT flag: hardware-reduced ACPI (ACPI 6.5 §5.2.9.1, bit 20).
pub(crate) const FADT_HW_REDUCED_ACPI: u32 = 1 << 20;
/// FADT flag: RESET_REG supported (bit 10).
pub(crate) const FADT_RESET_REG_SUP: u32 = 1 << 10;
/// FADT flag: 32-bit PM timer (bit 8).
pub(crate) const FADT_TMR_VAL_EXT: u32 = 1 << 8;

/// PPTT processor node flags (ACPI 6.5 §5.2.30.1, table 5.158).
pub(crate) const PPTT_PHYSICAL_PACKAGE: u32 = 1 << 0;
/// The node's ACPI Processor ID is valid.
pub(crate) const PPTT_ID_VALID: u32 = 1 << 1;
/// The node is a leaf.
pub(crate) const PPTT_LEAF: u32 = 1 << 3;
/// Every processor below the node is identical.
pub(crate) const PPTT_IDENTICAL: u32 = 1 << 4;

/// Cloud Hypervisor (aarch64).
const CLOUD_HYPERVISOR: Style = Style {
    oem_id: *b"CLOUDH",
    table_id: TableId::PerTable(*b"CH"),
    oem_revision: 1,
    // `Sdt::new` writes the acpi_tables crate's creator ("RVAT", revision bytes 0 0 0 1).
    creator: concat4(acpi_tables::CREATOR_ID, acpi_tables::CREATOR_REVISION),
    rev: Revisions {
        dsdt: 6,
        fadt: 6,
        madt: 5,
        pptt: 3,
        gtdt: 2,
        mcfg: 1,
        spcr: 2,
        dbg2: 0,
        xsdt: 1,
    },
    fadt_flags: FADT_HW_REDUCED_ACPI | FADT_RESET_REG_SUP | FADT_TMR_VAL_EXT,
    fadt_minor: 3,
    hypervisor_vendor: *b"CLOUDHYP",
    gicd_first: false,
    mpidr_mask: 0xff_00ff_ffff,
    pptt_package_flags: PPTT_ID_VALID,
    gtdt_cnt_base: 0,
    uart_access: (8, 1),
    dbg2_namespace: "_SB_.COM1",
    dbg2_window: Some(0x1000),
    dsdt: DsdtStyle {
        sb_scope: false,
        order: &[
            DsdtItem::Pci,
            DsdtItem::Uart,
            DsdtItem::FwCfg,
            DsdtItem::VirtioMmio,
            DsdtItem::SleepS5,
            DsdtItem::PowerButton,
            DsdtItem::Cpus,
        ],
        cpus: CpuDevices::Container,
        uart_name: "COM1",
        uart_ddn: Some("COM1"),
        pci: PciStyle {
            name: "PC00",
            eisa_ids: true,
            adr: true,
            bbn: false,
            str_: false,
            pxm: true,
            cba: false,
            ecam_in_crs: true,
            mmio32_qword: true,
            io: false,
            osc: false,
            preserve_config: true,
            prt: Prt::DirectIntA,
            ecam_reservation: EcamReservation::Sibling,
        },
    },
    // `arch/src/aarch64/layout.rs`: ACPI_MAX_SIZE.
    area: Some(0x20_0000),
};

/// QEMU `virt` (as QEMU 10 hands it to EDK2 over fw_cfg).
const VIRT: Style = Style {
    oem_id: *b"BOCHS ",
    table_id: TableId::Fixed(*b"BXPC    "),
    oem_revision: 1,
    creator: concat4(*b"BXPC", 1u32.to_le_bytes()),
    rev: Revisions {
        dsdt: 2,
        fadt: 6,
        madt: 4,
        pptt: 2,
        gtdt: 3,
        mcfg: 1,
        spcr: 2,
        dbg2: 0,
        xsdt: 1,
    },
    fadt_flags: FADT_HW_REDUCED_ACPI,
    fadt_minor: 3,
    hypervisor_vendor: *b"QEMU\0\0\0\0",
    gicd_first: true,
    mpidr_mask: u64::MAX,
    pptt_package_flags: PPTT_PHYSICAL_PACKAGE | PPTT_IDENTICAL,
    gtdt_cnt_base: u64::MAX,
    uart_access: (32, 3),
    dbg2_namespace: "COM0",
    dbg2_window: None,
    dsdt: DsdtStyle {
        sb_scope: true,
        order: &[
            DsdtItem::Cpus,
            DsdtItem::Uart,
            DsdtItem::FwCfg,
            DsdtItem::VirtioMmio,
            DsdtItem::Pci,
            DsdtItem::PowerButton,
        ],
        cpus: CpuDevices::Flat,
        uart_name: "COM0",
        uart_ddn: None,
        pci: PciStyle {
            name: "PCI0",
            eisa_ids: false,
            adr: false,
            bbn: true,
            str_: true,
            pxm: false,
            cba: true,
            ecam_in_crs: false,
            mmio32_qword: false,
            io: true,
            osc: true,
            preserve_config: false,
            prt: Prt::Links,
            ecam_reservation: EcamReservation::Child,
        },
    },
    area: None,
};

const fn concat4(a: [u8; 4], b: [u8; 4]) -> [u8; 8] {
    [a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]]
}

impl Style {
    /// The style of `flavor`.
    pub(crate) fn of(flavor: Flavor) -> &'static Style {
        match flavor {
            Flavor::CloudHypervisor => &CLOUD_HYPERVISOR,
            Flavor::Virt => &VIRT,
        }
    }

    /// The OEM Table ID of the table `signature`.
    pub(crate) fn table_id(&self, signature: [u8; 4]) -> [u8; 8] {
        match self.table_id {
            TableId::PerTable([a, b]) => {
                let [c, d, e, f] = if &signature == b"APIC" {
                    *b"MADT"
                } else {
                    signature
                };
                [a, b, c, d, e, f, b' ', b' ']
            }
            TableId::Fixed(id) => id,
        }
    }

    /// A new table `signature` of `len` bytes (zeroed after the header) with this style's
    /// header.
    pub(crate) fn sdt(&self, signature: [u8; 4], revision: u8, len: u32) -> acpi_tables::sdt::Sdt {
        let mut t = acpi_tables::sdt::Sdt::new(
            signature,
            len.max(HEADER_LEN),
            revision,
            self.oem_id,
            self.table_id(signature),
            self.oem_revision,
        );
        t.write_bytes(CREATOR_OFFSET, &self.creator);
        t
    }
}

/// Size of the common table header (ACPI 6.5 §5.2.6).
pub(crate) const HEADER_LEN: u32 = 36;
/// Offset of Creator ID in the header.
const CREATOR_OFFSET: usize = 28;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_ids_as_each_vmm_writes_them() {
        let ch = Style::of(Flavor::CloudHypervisor);
        assert_eq!(&ch.table_id(*b"FACP"), b"CHFACP  ");
        assert_eq!(&ch.table_id(*b"APIC"), b"CHMADT  ");
        assert_eq!(&Style::of(Flavor::Virt).table_id(*b"FACP"), b"BXPC    ");
    }

    #[test]
    fn headers_carry_the_creator_and_a_valid_checksum() {
        let t = Style::of(Flavor::Virt).sdt(*b"TEST", 3, 40);
        let b = t.as_slice();
        assert_eq!(&b[28..32], b"BXPC");
        assert_eq!(&b[32..36], &[1, 0, 0, 0]);
        assert_eq!(b.iter().fold(0u8, |s, x| s.wrapping_add(*x)), 0);
        let t = Style::of(Flavor::CloudHypervisor).sdt(*b"TEST", 3, 0);
        assert_eq!(t.len(), 36, "never shorter than a header");
        assert_eq!(&t.as_slice()[28..32], b"RVAT");
    }
}
