//! The FADT (signature `FACP`, ACPI 6.5 §5.2.9): a hardware-reduced platform whose CPUs come up
//! with PSCI, and the DSDT's address.
//!
//! Written: Flags, ARM_BOOT_ARCH, the minor version, X_DSDT (a pointer the layout fills in),
//! the Hypervisor Vendor Identity. Everything else is zero: no FACS, no PM blocks, no reset or
//! sleep registers (bootemu powers off and resets through PSCI).

use super::style::Style;
use super::{Pointer, Table};
use crate::fdt::{MachineDesc, PsciConduit};

/// Length of a revision 6 FADT.
pub const LEN: u32 = 276;
/// Offset of `Flags`.
pub const FLAGS: usize = 112;
/// Offset of `ARM_BOOT_ARCH` (u16).
pub const ARM_BOOT_ARCH: usize = 129;
/// Offset of `FADT Minor Version`.
pub const MINOR_VERSION: usize = 131;
/// Offset of `X_DSDT` (u64).
pub const X_DSDT: usize = 140;
/// Offset of `Hypervisor Vendor Identity` (8 bytes).
pub const HYPERVISOR_VENDOR: usize = 268;
/// ARM_BOOT_ARCH: PSCI is implemented (ACPI 6.5 table 5.11).
pub const PSCI_COMPLIANT: u16 = 1 << 0;
/// ARM_BOOT_ARCH: call PSCI with HVC rather than SMC.
pub const PSCI_USE_HVC: u16 = 1 << 1;

/// The FADT of `m`.
pub(crate) fn build(m: &MachineDesc, style: &Style) -> Table {
    let mut t = style.sdt(*b"FACP", style.rev.fadt, LEN);
    t.write_u32(FLAGS, style.fadt_flags);
    let boot_arch = match m.psci {
        PsciConduit::Hvc => PSCI_COMPLIANT | PSCI_USE_HVC,
        PsciConduit::Smc => PSCI_COMPLIANT,
    };
    t.write_u16(ARM_BOOT_ARCH, boot_arch);
    t.write_u8(MINOR_VERSION, style.fadt_minor);
    t.write_bytes(HYPERVISOR_VENDOR, &style.hypervisor_vendor);
    Table {
        sdt: t,
        pointers: vec![Pointer {
            at: X_DSDT,
            to: *b"DSDT",
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acpi::Flavor;
    use crate::fdt::{test_desc, GicDesc};
    use crate::Ram;

    fn desc(psci: PsciConduit) -> MachineDesc {
        let mut m = test_desc(
            Ram {
                base: 0x4000_0000,
                size: 0x2000_0000,
            },
            1,
            GicDesc::V3 {
                dist: (0x0800_0000, 0x1_0000),
                redist: (0x080a_0000, 0xf6_0000),
            },
        );
        m.psci = psci;
        m
    }

    #[test]
    fn boot_arch_follows_the_conduit() {
        let style = Style::of(Flavor::Virt);
        let hvc = build(&desc(PsciConduit::Hvc), style).sdt;
        assert_eq!(hvc.as_slice()[ARM_BOOT_ARCH], 3);
        let smc = build(&desc(PsciConduit::Smc), style).sdt;
        assert_eq!(smc.as_slice()[ARM_BOOT_ARCH], 1);
        assert_eq!(smc.len(), 276);
    }

    #[test]
    fn flags_per_flavor() {
        // Cloud Hypervisor: HW_REDUCED_ACPI | RESET_REG_SUP | TMR_VAL_EXT; QEMU: HW_REDUCED_ACPI.
        let m = desc(PsciConduit::Hvc);
        let flags = |f| {
            let t = build(&m, Style::of(f)).sdt;
            u32::from_le_bytes(t.as_slice()[FLAGS..FLAGS + 4].try_into().unwrap())
        };
        assert_eq!(flags(Flavor::CloudHypervisor), 0x0010_0500);
        assert_eq!(flags(Flavor::Virt), 0x0010_0000);
        let ch = build(&m, Style::of(Flavor::CloudHypervisor)).sdt;
        assert_eq!(&ch.as_slice()[HYPERVISOR_VENDOR..], b"CLOUDHYP");
    }
}
