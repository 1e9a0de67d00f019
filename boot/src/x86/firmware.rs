//! An x86 firmware boot's layout (`bootemu run --firmware FW --kernel K` on the x86 machine):
//! the firmware is an x86-64 ELF with a PVH note, loaded and entered exactly like a PVH kernel
//! ([`super::complete`]: its segments by `p_paddr`, `hvm_start_info` at
//! [`super::PVH_INFO_ADDR`], the command line at [`super::CMDLINE_ADDR`], the memory map and
//! the ACPI RSDP), and the kernel reaches it as a PVH module.
//!
//! Modules (`hvm_start_info.modlist_paddr`, the order is the protocol between bootemu and the
//! firmware): module 0 is the kernel file as it is (a bzImage or an ELF vmlinux), module 1 the
//! initrd when there is one; `cmdline_paddr` is the kernel's command line (`--append`). The
//! initrd goes page-aligned at the top of high RAM (below the 3 GiB MMIO hole,
//! [`super::kernel_ram`]), as for a PVH kernel, the kernel file page-aligned right below it (or
//! at the top without an initrd), both listed in the one `hvm_start_info` built
//! (`complete_with`). With `--kernel-via none` the kernel file is not handed over at
//! all (the firmware finds the kernel itself): no modules then but the initrd, as module 0.

use super::{complete_with, Error, X86Boot, X86Linux};
use crate::elf::Pvh;
use crate::{Arch, Format, Plan};

/// A firmware boot laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirmwareBoot {
    /// The firmware's PVH boot (its `initrd` is where the initrd went).
    pub boot: X86Boot,
    /// Where the kernel file went, `start..end` (`None`: not handed over).
    pub kernel_module: Option<(u64, u64)>,
}

/// Lay out the firmware `fw` ([`crate::plan_at`] of its file into [`super::kernel_ram`]) for a
/// guest of `mem_size` bytes, with the kernel file `kernel` as module 0 (`None`: not handed
/// over) and `l`'s initrd, command line and ACPI tables.
pub fn complete_firmware(
    fw: Plan,
    mem_size: u64,
    l: &X86Linux,
    kernel: Option<&[u8]>,
) -> Result<FirmwareBoot, crate::Error> {
    if !matches!(
        fw.format.image(),
        Some(Format::Elf {
            arch: Arch::X86_64,
            pvh: Pvh::Present(_),
            ..
        })
    ) {
        return Err(Error::FirmwareNotPvh.into());
    }
    let (boot, kernel_module) = complete_with(
        fw,
        mem_size,
        l,
        kernel.map(|k| (k, "kernel file (PVH module 0 for the firmware)")),
    )?;
    Ok(FirmwareBoot {
        boot,
        kernel_module,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x86::tests::{bz, elf, MEM};
    use crate::x86::{pvh, CMDLINE_ADDR, PVH_INFO_ADDR};

    fn fw(note: bool) -> Plan {
        crate::plan_at(&elf(note), super::super::kernel_ram(MEM), None).unwrap()
    }

    #[test]
    fn the_kernel_is_module_0_below_the_initrd_and_the_initrd_module_1() {
        let k = bz();
        let l = X86Linux {
            initrd: Some(vec![0x5a; 0x1_0000]),
            cmdline: Some("console=ttyS0".into()),
            acpi: None,
        };
        let f = complete_firmware(fw(true), MEM, &l, Some(&k)).unwrap();
        let (ks, ke) = f.kernel_module.unwrap();
        let (is, _) = f.boot.initrd.unwrap();
        assert_eq!((ks % 0x1000, ke - ks), (0, k.len() as u64));
        assert!(ke <= is, "{ke:#x} > {is:#x}");
        let info = f.boot.read(PVH_INFO_ADDR, 0x1000).unwrap();
        let si = pvh::StartInfo::read(&info);
        assert_eq!((si.magic, si.nr_modules), (pvh::MAGIC, 2));
        assert_eq!(si.cmdline_paddr, CMDLINE_ADDR);
        let at = |i: usize| (si.modlist_paddr - PVH_INFO_ADDR) as usize + 32 * i;
        assert_eq!(pvh::read_module(&info[at(0)..]), (ks, k.len() as u64));
        assert_eq!(pvh::read_module(&info[at(1)..]), (is, 0x1_0000));
        assert_eq!(f.boot.read(ks, 16).unwrap(), k[..16]);
        let mm = (si.memmap_paddr - PVH_INFO_ADDR) as usize;
        assert_eq!(
            pvh::read_memmap(&info[mm..mm + 24 * si.memmap_entries as usize]),
            f.boot.e820
        );
    }

    #[test]
    fn without_the_kernel_only_the_initrd_and_a_firmware_without_pvh_is_refused() {
        let l = X86Linux::default();
        let f = complete_firmware(fw(true), MEM, &l, None).unwrap();
        assert_eq!(f.kernel_module, None);
        let si = pvh::StartInfo::read(&f.boot.read(PVH_INFO_ADDR, 56).unwrap());
        assert_eq!(si.nr_modules, 0);
        assert_eq!(
            complete_firmware(fw(false), MEM, &l, None),
            Err(Error::FirmwareNotPvh.into())
        );
        let huge = vec![0u8; MEM as usize];
        assert!(matches!(
            complete_firmware(fw(true), MEM, &l, Some(&huge)),
            Err(crate::Error::X86(Error::KernelModuleNoRoom { .. }))
        ));
    }
}
