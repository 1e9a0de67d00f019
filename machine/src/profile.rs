//! Machine profiles as data: the guest-physical memory map of a board as a table of regions.
//!
//! `virt` follows QEMU's `hw/arm/virt.c` `base_memmap` (the map Linux and EDK2 expect of a
//! `virt` machine), with its 32 virtio-mmio transports as one region per slot and the PCIe
//! host's windows (ECAM, I/O, 32-bit and 64-bit memory) as one region each, all reaching
//! one host device. Regions not modelled yet are listed as comments at their addresses so that
//! the map reads like QEMU's.
//!
//! `cloud-hypervisor` follows Cloud Hypervisor's `arch/src/aarch64/layout.rs`: RAM from 1 GiB
//! with the device tree at its start, the ACPI area at RAM + 2 MiB, the firmware at RAM + 4 MiB
//! (plus its Image `text_offset`), the legacy PL011/PL031 at QEMU's addresses and the GICv3
//! distributor just below them with one redistributor per vCPU below it, and CH's PCI segment.
//! Differences from what Cloud Hypervisor gives, none of which rust-hypervisor-firmware or
//! Linux needs to boot: no GICv3 ITS (CH's PCI devices signal MSI-X through it; here they use
//! INTx on the lines CH's `_PRT` names, and the device tree gets the matching `interrupt-map`
//! that CH leaves empty); no PL061 GPIO with its `gpio-keys` power button; the device tree is
//! bootemu's one writer (QEMU's node names and PSCI 0.1 IDs beside CH's nodes' contents), and
//! RAM is one range from 1 GiB (CH splits it around its 32-bit reserved hole at 0xfc00_0000
//! when it is larger than about 3 GiB).

use bootemu_boot::fdt::{FlashDesc, GicDesc, MachineDesc, MmioDesc, PciDesc, PsciConduit};
use bootemu_boot::firmware::FirmwareMachine;
use bootemu_boot::Ram;

use crate::gic::{self, GicVersion};

/// 1 MiB.
pub const MIB: u64 = 1 << 20;
/// 1 GiB.
pub const GIB: u64 = 1 << 30;

/// What lives in a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionKind {
    /// Guest RAM (read/write, host-backed).
    Ram,
    /// Read-only memory: host-backed, reads as RAM, writes ignored.
    Rom,
    /// One bank of CFI parallel flash (Intel command set, QEMU's `pflash_cfi01`).
    Flash,
    /// QEMU's firmware configuration device (MMIO interface).
    FwCfg,
    /// One virtio-mmio transport slot (a virtio device, or empty).
    VirtioMmio,
    /// An Arm PrimeCell PL011 UART.
    Pl011,
    /// An Arm PrimeCell PL031 real time clock.
    Pl031,
    /// GIC distributor (v2 and v3).
    GicDist,
    /// GICv2 CPU interface (absent with a GICv3).
    GicCpu,
    /// GICv3 redistributors (absent with a GICv2).
    GicRedist,
    /// The PCIe host bridge's configuration window (ECAM); its `spi` is INTA's at slot 0,
    /// the first of four consecutive INTx SPIs.
    PcieEcam,
    /// The PCIe host bridge's 32-bit memory window (BARs).
    PcieMmio,
    /// The PCIe host bridge's 64-bit memory window (BARs).
    PcieMmioHigh,
    /// The PCIe host bridge's I/O port window.
    PciePio,
}

/// One entry of the memory map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// Name, as in the QEMU map.
    pub name: &'static str,
    /// Guest-physical base.
    pub base: u64,
    /// Size in bytes.
    pub size: u64,
    /// What lives there.
    pub kind: RegionKind,
    /// The SPI (INTID - 32) its interrupt output drives, if any.
    pub spi: Option<u32>,
}

impl Region {
    /// Whether `pa` lies inside.
    pub fn contains(&self, pa: u64) -> bool {
        pa >= self.base && pa - self.base < self.size
    }
}

/// A board: name and memory map, sorted by base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// Machine name (`--machine`).
    pub name: &'static str,
    /// How a firmware is loaded and started on this board.
    pub firmware: FirmwareMachine,
    /// The regions, sorted by base, non-overlapping.
    pub regions: Vec<Region>,
    /// The machine assigns PCI BARs before the guest starts (as a VMM does); otherwise the
    /// guest's firmware or kernel does (as on QEMU).
    pub pci_bars_preassigned: bool,
    /// Number of PCI INTx SPIs (from the ECAM region's SPI); see [`PciDesc::intx_lines`].
    pub pci_intx_lines: u32,
}

/// Errors building a profile.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProfileError {
    /// The RAM size is not usable.
    #[error("memory size {size:#x} must be a non-zero multiple of 2 MiB and at most {max:#x}")]
    BadRamSize {
        /// Requested size.
        size: u64,
        /// Largest size the machine supports.
        max: u64,
    },
}

/// `virt`: base of RAM.
pub const VIRT_RAM_BASE: u64 = GIB;
/// `virt`: QEMU's `LEGACY_RAMLIMIT_GB` (255 GiB of RAM below 256 GiB).
pub const VIRT_RAM_MAX: u64 = 255 * GIB;
/// `virt`: default RAM size.
pub const VIRT_RAM_DEFAULT: u64 = 512 * MIB;
/// `virt`: the UART.
pub const VIRT_UART0: u64 = 0x0900_0000;
/// `virt`: the UART's interrupt, SPI 1 (INTID 33).
pub const VIRT_UART0_SPI: u32 = 1;
/// `virt`: the RTC.
pub const VIRT_RTC: u64 = 0x0901_0000;
/// `virt`: the RTC's interrupt, SPI 2 (INTID 34).
pub const VIRT_RTC_SPI: u32 = 2;
/// `virt`: the two CFI flash banks (firmware code, then variables), 64 MiB each from 0.
pub const VIRT_FLASH_BANK: u64 = bootemu_boot::firmware::VIRT_FLASH_SIZE;
/// `virt`: CFI flash bank width in bytes (QEMU's `virt_flash_create1`: width 4).
pub const VIRT_FLASH_WIDTH: u32 = 4;
/// `virt`: the fw_cfg device's registers.
pub const VIRT_FW_CFG: u64 = 0x0902_0000;
/// `virt`: the first of the virtio-mmio transports.
pub const VIRT_MMIO: u64 = 0x0a00_0000;
/// `virt`: size of one virtio-mmio transport (they follow each other).
pub const VIRT_MMIO_SIZE: u64 = 0x200;
/// `virt`: number of virtio-mmio transports (QEMU's `NUM_VIRTIO_TRANSPORTS`).
pub const VIRT_MMIO_SLOTS: u32 = 32;
/// `virt`: the first virtio-mmio transport's SPI (slot `i` has SPI 16 + `i`).
pub const VIRT_MMIO_SPI: u32 = 16;
/// `virt`: GIC distributor.
pub const VIRT_GIC_DIST: u64 = 0x0800_0000;
/// `virt`: GICv2 CPU interface.
pub const VIRT_GIC_CPU: u64 = 0x0801_0000;
/// `virt`: GICv3 redistributors (room for 123 CPUs of 128 KiB each).
pub const VIRT_GIC_REDIST: u64 = 0x080a_0000;
/// `virt`: the PCIe 32-bit memory window (`VIRT_PCIE_MMIO`).
pub const VIRT_PCIE_MMIO: (u64, u64) = (0x1000_0000, 0x2eff_0000);
/// `virt`: the PCIe I/O window (`VIRT_PCIE_PIO`).
pub const VIRT_PCIE_PIO: (u64, u64) = (0x3eff_0000, 0x1_0000);
/// `virt`: the PCIe ECAM window, high (`VIRT_HIGH_PCIE_ECAM`: 256 buses).
pub const VIRT_PCIE_ECAM: (u64, u64) = (0x40_1000_0000, 0x1000_0000);
/// `virt`: the PCIe 64-bit memory window (`VIRT_HIGH_PCIE_MMIO`).
pub const VIRT_PCIE_MMIO_HIGH: (u64, u64) = (0x80_0000_0000, 0x80_0000_0000);
/// `virt`: INTA at slot 0 (`VIRT_PCIE` irq 3); INTA..INTD are SPIs 3..6.
pub const VIRT_PCIE_SPI: u32 = 3;
/// `virt`: PCI INTx lines (INTA..INTD, QEMU's swizzle).
pub const VIRT_PCIE_INTX_LINES: u32 = 4;
/// `virt`: the PCIe host as [`Profile::pci_desc`] describes it.
pub const VIRT_PCI: PciDesc = PciDesc {
    ecam: VIRT_PCIE_ECAM,
    io: Some(VIRT_PCIE_PIO),
    mmio32: VIRT_PCIE_MMIO,
    mmio64: Some(VIRT_PCIE_MMIO_HIGH),
    intx_spi: Some(VIRT_PCIE_SPI),
    intx_lines: VIRT_PCIE_INTX_LINES,
};
/// RAM sizes are multiples of this (the Image placement granule; also page aligned).
pub const RAM_GRANULE: u64 = 2 * MIB;

/// `cloud-hypervisor`: base of RAM (`layout::RAM_START`), also where the device tree goes.
pub const CH_RAM_BASE: u64 = GIB;
/// `cloud-hypervisor`: the ACPI tables area (`layout::ACPI_START`), RAM reserved for them.
pub const CH_ACPI_START: u64 = CH_RAM_BASE + bootemu_boot::firmware::CH_ACPI_OFFSET;
/// `cloud-hypervisor`: where the firmware's Image base goes (`layout::UEFI_START`).
pub const CH_FIRMWARE_BASE: u64 = CH_RAM_BASE + bootemu_boot::firmware::CH_FIRMWARE_OFFSET;
/// `cloud-hypervisor`: the GICv3 distributor (just below `layout::MAPPED_IO_START`).
pub const CH_GIC_DIST: u64 = 0x08ff_0000;
/// `cloud-hypervisor`: the PCI ECAM window of segment 0 (`layout::PCI_MMCONFIG_START`).
pub const CH_PCI_ECAM: u64 = 0x3000_0000;
/// `cloud-hypervisor`: ECAM per segment (`PCI_MMIO_CONFIG_SIZE_PER_SEGMENT`: bus 0 only).
pub const CH_PCI_ECAM_SIZE: u64 = 0x10_0000;
/// `cloud-hypervisor`: the 32-bit PCI window (`MEM_32BIT_DEVICES_START`/`_SIZE`).
pub const CH_PCI_MMIO: (u64, u64) = (0x1000_0000, 0x2000_0000);
/// `cloud-hypervisor`: the PCI I/O window (`MEM_PCI_IO_START`/`_SIZE`).
pub const CH_PCI_PIO: (u64, u64) = (0x0905_0000, 0x1_0000);
/// `cloud-hypervisor`: the lowest base of the 64-bit window in its device tree
/// (`PCI_HIGH_BASE`).
pub const CH_PCI_HIGH_BASE: u64 = 0x2_0000_0000;
/// `cloud-hypervisor`: the end of its device area with a 40-bit guest address space (the top
/// 64 KiB and the 1 MiB platform area below it excluded).
pub const CH_PCI_HIGH_END: u64 = (1 << 40) - 0x1_0000 - MIB;
/// `cloud-hypervisor`: the first PCI INTx SPI (INTID 32) and how many there are.
pub const CH_PCI_INTX_SPI: u32 = 0;
/// `cloud-hypervisor`: PCI INTx lines (INTIDs 32..39, slot `s` on `32 + s % 8`).
pub const CH_PCI_INTX_LINES: u32 = 8;
/// `cloud-hypervisor`: the PL011's SPI (INTID 43).
pub const CH_UART0_SPI: u32 = 11;
/// `cloud-hypervisor`: the PL031's SPI (INTID 40).
pub const CH_RTC_SPI: u32 = 8;

impl Profile {
    /// Cloud Hypervisor's aarch64 map with `ram_size` bytes of RAM and `smp` vCPUs (one GICv3
    /// redistributor each, ending at the distributor), its PL011 on SPI 11 and PL031 on SPI 8,
    /// and its PCI segment: ECAM for bus 0 at [`CH_PCI_ECAM`], the 32-bit window
    /// [`CH_PCI_MMIO`], the I/O window [`CH_PCI_PIO`] (described, nothing behind it), a
    /// 64-bit window from 8 GiB (or above RAM) to the top of a 40-bit space less CH's
    /// platform area; BARs assigned by the machine; INTx of slot `s` on SPI `s % 8` (CH's
    /// `_PRT`; CH's own devices use MSI-X instead, which is not modelled).
    pub fn cloud_hypervisor(ram_size: u64, smp: usize) -> Result<Profile, ProfileError> {
        let mut p = Profile::virt(ram_size)?;
        let redist = smp.max(1) as u64 * crate::gic::v3::REDIST_STRIDE;
        p.name = "cloud-hypervisor";
        p.firmware = FirmwareMachine::CloudHypervisor;
        p.pci_bars_preassigned = true;
        p.pci_intx_lines = CH_PCI_INTX_LINES;
        p.regions.retain(|r| {
            !matches!(
                r.kind,
                RegionKind::Flash
                    | RegionKind::FwCfg
                    | RegionKind::VirtioMmio
                    | RegionKind::GicDist
                    | RegionKind::GicCpu
                    | RegionKind::GicRedist
                    | RegionKind::PcieEcam
                    | RegionKind::PcieMmio
                    | RegionKind::PcieMmioHigh
                    | RegionKind::PciePio
            )
        });
        for r in &mut p.regions {
            match r.kind {
                RegionKind::Pl011 => r.spi = Some(CH_UART0_SPI),
                RegionKind::Pl031 => r.spi = Some(CH_RTC_SPI),
                _ => {}
            }
        }
        let r = |name, base, size, kind| Region {
            name,
            base,
            size,
            kind,
            spi: None,
        };
        let ram_end = CH_RAM_BASE + ram_size;
        let high = ram_end.next_multiple_of(128 * MIB).max(CH_PCI_HIGH_BASE);
        p.regions.extend([
            r(
                "gic-redist",
                CH_GIC_DIST - redist,
                redist,
                RegionKind::GicRedist,
            ),
            r("gic-dist", CH_GIC_DIST, 0x1_0000, RegionKind::GicDist),
            r("pcie-pio", CH_PCI_PIO.0, CH_PCI_PIO.1, RegionKind::PciePio),
            r(
                "pcie-mmio",
                CH_PCI_MMIO.0,
                CH_PCI_MMIO.1,
                RegionKind::PcieMmio,
            ),
            Region {
                spi: Some(CH_PCI_INTX_SPI),
                ..r(
                    "pcie-ecam",
                    CH_PCI_ECAM,
                    CH_PCI_ECAM_SIZE,
                    RegionKind::PcieEcam,
                )
            },
            r(
                "pcie-mmio-high",
                high,
                CH_PCI_HIGH_END.saturating_sub(high),
                RegionKind::PcieMmioHigh,
            ),
        ]);
        p.regions.retain(|r| r.size > 0);
        p.regions.sort_by_key(|r| r.base);
        Ok(p)
    }

    /// QEMU's `virt` with `ram_size` bytes of RAM.
    pub fn virt(ram_size: u64) -> Result<Profile, ProfileError> {
        if ram_size == 0 || !ram_size.is_multiple_of(RAM_GRANULE) || ram_size > VIRT_RAM_MAX {
            return Err(ProfileError::BadRamSize {
                size: ram_size,
                max: VIRT_RAM_MAX,
            });
        }
        let r = |name, base, size, kind| Region {
            name,
            base,
            size,
            kind,
            spi: None,
        };
        let irq = |region: Region, spi| Region {
            spi: Some(spi),
            ..region
        };
        let virtio = (0..VIRT_MMIO_SLOTS).map(|i| {
            irq(
                r(
                    "virtio-mmio",
                    VIRT_MMIO + i as u64 * VIRT_MMIO_SIZE,
                    VIRT_MMIO_SIZE,
                    RegionKind::VirtioMmio,
                ),
                VIRT_MMIO_SPI + i,
            )
        });
        let mut regions = vec![
            r("flash0", 0, VIRT_FLASH_BANK, RegionKind::Flash),
            r(
                "flash1",
                VIRT_FLASH_BANK,
                VIRT_FLASH_BANK,
                RegionKind::Flash,
            ),
            r("gic-dist", VIRT_GIC_DIST, 0x1_0000, RegionKind::GicDist),
            r("gic-cpu", VIRT_GIC_CPU, 0x1_0000, RegionKind::GicCpu),
            // r("gic-v2m", 0x0802_0000, 0x1000, ...), r("gic-its", 0x0808_0000, 0x2_0000, ...)
            r(
                "gic-redist",
                VIRT_GIC_REDIST,
                0xf6_0000,
                RegionKind::GicRedist,
            ),
            irq(
                r("pl011", VIRT_UART0, 0x1000, RegionKind::Pl011),
                VIRT_UART0_SPI,
            ),
            irq(
                r("pl031", VIRT_RTC, 0x1000, RegionKind::Pl031),
                VIRT_RTC_SPI,
            ),
            r("fw-cfg", VIRT_FW_CFG, 0x18, RegionKind::FwCfg),
        ];
        // 32 virtio-mmio slots from 0x0a00_0000, one region each (its own SPI).
        regions.extend(virtio);
        // The PCIe host: low MMIO and I/O windows, the high ECAM and high MMIO windows QEMU
        // uses on a 64-bit virt (`highmem_ecam`), INTA..INTD on SPIs 3..6.
        regions.push(r(
            "pcie-mmio",
            VIRT_PCIE_MMIO.0,
            VIRT_PCIE_MMIO.1,
            RegionKind::PcieMmio,
        ));
        regions.push(r(
            "pcie-pio",
            VIRT_PCIE_PIO.0,
            VIRT_PCIE_PIO.1,
            RegionKind::PciePio,
        ));
        regions.push(r("ram", VIRT_RAM_BASE, ram_size, RegionKind::Ram));
        regions.push(irq(
            r(
                "pcie-ecam",
                VIRT_PCIE_ECAM.0,
                VIRT_PCIE_ECAM.1,
                RegionKind::PcieEcam,
            ),
            VIRT_PCIE_SPI,
        ));
        regions.push(r(
            "pcie-mmio-high",
            VIRT_PCIE_MMIO_HIGH.0,
            VIRT_PCIE_MMIO_HIGH.1,
            RegionKind::PcieMmioHigh,
        ));
        Ok(Profile {
            name: "virt",
            firmware: FirmwareMachine::Virt,
            regions,
            pci_bars_preassigned: false,
            pci_intx_lines: VIRT_PCIE_INTX_LINES,
        })
    }

    /// The region holding `pa`, if any.
    pub fn region_at(&self, pa: u64) -> Option<&Region> {
        let i = self.regions.partition_point(|r| r.base <= pa);
        self.regions[..i].last().filter(|r| r.contains(pa))
    }

    /// The first region of `kind`.
    fn first(&self, kind: RegionKind) -> Option<&Region> {
        self.regions.iter().find(|r| r.kind == kind)
    }

    /// The machine as its device tree describes it: `smp` CPUs, the GIC `gic`, PSCI over SMC
    /// when the guest owns EL2 (`el2`) and over HVC otherwise.
    pub fn fdt_desc(&self, smp: usize, gic: GicVersion, el2: bool) -> MachineDesc {
        let frame = |kind| self.first(kind).map_or((0, 0), |r| (r.base, r.size));
        let mmio = |kind| {
            self.first(kind).map_or(
                MmioDesc {
                    base: 0,
                    size: 0,
                    spi: 0,
                },
                |r| MmioDesc {
                    base: r.base,
                    size: r.size,
                    spi: r.spi.unwrap_or(0),
                },
            )
        };
        MachineDesc {
            ram: self.ram(),
            cpus: (0..smp).map(gic::affinity).collect(),
            gic: match gic {
                GicVersion::V2 => GicDesc::V2 {
                    dist: frame(RegionKind::GicDist),
                    cpu: frame(RegionKind::GicCpu),
                },
                GicVersion::V3 => GicDesc::V3 {
                    dist: frame(RegionKind::GicDist),
                    redist: frame(RegionKind::GicRedist),
                },
            },
            psci: if el2 {
                PsciConduit::Smc
            } else {
                PsciConduit::Hvc
            },
            uart: mmio(RegionKind::Pl011),
            rtc: mmio(RegionKind::Pl031),
            fw_cfg: self.first(RegionKind::FwCfg).map(|r| (r.base, r.size)),
            flash: self.first(RegionKind::Flash).map(|r| FlashDesc {
                base: r.base,
                bank_size: r.size,
                banks: self.flash_banks().count() as u64,
                bank_width: VIRT_FLASH_WIDTH,
            }),
            virtio_mmio: self
                .virtio_mmio_slots()
                .map(|r| MmioDesc {
                    base: r.base,
                    size: r.size,
                    spi: r.spi.unwrap_or(0),
                })
                .collect(),
            pci: self.pci_desc(),
        }
    }

    /// The PCIe host bridge as its windows in the region table describe it.
    pub fn pci_desc(&self) -> Option<PciDesc> {
        let ecam = self.first(RegionKind::PcieEcam)?;
        let window = |kind| self.first(kind).map(|r: &Region| (r.base, r.size));
        Some(PciDesc {
            ecam: (ecam.base, ecam.size),
            io: window(RegionKind::PciePio),
            mmio32: window(RegionKind::PcieMmio)?,
            mmio64: window(RegionKind::PcieMmioHigh),
            intx_spi: ecam.spi,
            intx_lines: self.pci_intx_lines,
        })
    }

    /// The virtio-mmio transport slots, in address order.
    pub fn virtio_mmio_slots(&self) -> impl Iterator<Item = &Region> {
        self.regions
            .iter()
            .filter(|r| r.kind == RegionKind::VirtioMmio)
    }

    /// The `compatible` strings of the devices this board models (what a device tree given to
    /// its guest may describe), from its region table.
    pub fn compatibles(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for r in &self.regions {
            out.extend_from_slice(match r.kind {
                RegionKind::Pl011 => &["arm,pl011"][..],
                RegionKind::Pl031 => &["arm,pl031"],
                RegionKind::GicDist | RegionKind::GicCpu | RegionKind::GicRedist => {
                    &["arm,cortex-a15-gic", "arm,gic-400", "arm,gic-v3"]
                }
                RegionKind::Flash => &["cfi-flash"],
                RegionKind::FwCfg => &["qemu,fw-cfg-mmio"],
                RegionKind::VirtioMmio => &["virtio,mmio"],
                RegionKind::PcieEcam => &["pci-host-ecam-generic"],
                RegionKind::Ram
                | RegionKind::Rom
                | RegionKind::PcieMmio
                | RegionKind::PcieMmioHigh
                | RegionKind::PciePio => &[],
            });
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The flash banks, in address order.
    pub fn flash_banks(&self) -> impl Iterator<Item = &Region> {
        self.regions.iter().filter(|r| r.kind == RegionKind::Flash)
    }

    /// The main RAM region, as boot planning sees it.
    pub fn ram(&self) -> Ram {
        self.regions
            .iter()
            .find(|r| r.kind == RegionKind::Ram)
            .map(|r| Ram {
                base: r.base,
                size: r.size,
            })
            .unwrap_or(Ram { base: 0, size: 0 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virt_map_is_sorted_and_disjoint() {
        let p = Profile::virt(VIRT_RAM_DEFAULT).unwrap();
        for w in p.regions.windows(2) {
            assert!(w[0].base + w[0].size <= w[1].base, "{w:?}");
        }
    }

    #[test]
    fn region_lookup() {
        let p = Profile::virt(VIRT_RAM_DEFAULT).unwrap();
        assert_eq!(p.region_at(0).unwrap().name, "flash0");
        assert_eq!(p.region_at(128 * MIB - 1).unwrap().name, "flash1");
        assert_eq!(p.region_at(128 * MIB).unwrap().kind, RegionKind::GicDist);
        assert!(p.region_at(0x0802_0000).is_none());
        assert_eq!(p.region_at(0x0900_0fff).unwrap().kind, RegionKind::Pl011);
        assert_eq!(p.region_at(0x0901_0000).unwrap().spi, Some(2));
        assert_eq!(p.region_at(0x0900_0000).unwrap().spi, Some(1));
        assert_eq!(p.region_at(0x0801_0000).unwrap().kind, RegionKind::GicCpu);
        assert_eq!(p.region_at(0x0902_0017).unwrap().kind, RegionKind::FwCfg);
        assert!(p.region_at(0x0902_0018).is_none());
        assert_eq!(p.region_at(0x4000_0000).unwrap().kind, RegionKind::Ram);
        assert_eq!(p.region_at(0x5fff_ffff).unwrap().kind, RegionKind::Ram);
        assert!(p.region_at(0x6000_0000).is_none());
        assert!(p.region_at(u64::MAX).is_none());
        let v = p.region_at(0x0a00_0000).unwrap();
        assert_eq!(
            (v.kind, v.size, v.spi),
            (RegionKind::VirtioMmio, 0x200, Some(16))
        );
        let v = p.region_at(0x0a00_3fff).unwrap();
        assert_eq!((v.base, v.spi), (0x0a00_3e00, Some(47)));
        assert!(p.region_at(0x0a00_4000).is_none());
        assert_eq!(p.virtio_mmio_slots().count(), 32);
        assert_eq!(p.pci_desc(), Some(VIRT_PCI));
        assert_eq!(
            p.region_at(0x40_1000_0000).unwrap().kind,
            RegionKind::PcieEcam
        );
    }

    #[test]
    fn ram_for_boot_planning() {
        let p = Profile::virt(GIB).unwrap();
        assert_eq!(
            p.ram(),
            Ram {
                base: 0x4000_0000,
                size: GIB
            }
        );
    }

    #[test]
    fn device_tree_description() {
        let p = Profile::virt(VIRT_RAM_DEFAULT).unwrap();
        let d = p.fdt_desc(2, GicVersion::V3, true);
        assert_eq!(d.cpus, vec![0, 1]);
        assert_eq!(d.psci, PsciConduit::Smc);
        assert_eq!(
            d.gic,
            GicDesc::V3 {
                dist: (VIRT_GIC_DIST, 0x1_0000),
                redist: (VIRT_GIC_REDIST, 0xf6_0000)
            }
        );
        assert_eq!(
            d.uart,
            MmioDesc {
                base: VIRT_UART0,
                size: 0x1000,
                spi: VIRT_UART0_SPI
            }
        );
        assert_eq!(d.rtc.spi, VIRT_RTC_SPI);
        assert_eq!(d.virtio_mmio.len(), 32);
        assert_eq!(
            d.virtio_mmio[31],
            MmioDesc {
                base: 0x0a00_3e00,
                size: 0x200,
                spi: 47
            }
        );
        let d = p.fdt_desc(1, GicVersion::V2, false);
        assert_eq!(d.psci, PsciConduit::Hvc);
        assert_eq!(
            d.gic,
            GicDesc::V2 {
                dist: (VIRT_GIC_DIST, 0x1_0000),
                cpu: (VIRT_GIC_CPU, 0x1_0000)
            }
        );
    }

    #[test]
    fn cloud_hypervisor_map() {
        let p = Profile::cloud_hypervisor(VIRT_RAM_DEFAULT, 2).unwrap();
        assert_eq!(p.name, "cloud-hypervisor");
        for w in p.regions.windows(2) {
            assert!(w[0].base + w[0].size <= w[1].base, "{w:?}");
        }
        assert!(p.region_at(0).is_none(), "no flash");
        assert_eq!(p.region_at(0x08ff_0000).unwrap().kind, RegionKind::GicDist);
        let r = p.region_at(0x08fb_0000).unwrap();
        assert_eq!(
            (r.kind, r.base, r.size),
            (RegionKind::GicRedist, 0x08fb_0000, 0x4_0000)
        );
        assert!(p.region_at(0x08fa_ffff).is_none());
        assert_eq!(p.region_at(0x0900_0000).unwrap().kind, RegionKind::Pl011);
        assert_eq!(p.region_at(0x0901_0000).unwrap().kind, RegionKind::Pl031);
        assert_eq!(p.region_at(CH_PCI_ECAM).unwrap().kind, RegionKind::PcieEcam);
        assert!(p.region_at(CH_PCI_ECAM + CH_PCI_ECAM_SIZE).is_none());
        assert_eq!(p.region_at(0x2fff_ffff).unwrap().kind, RegionKind::PcieMmio);
        assert_eq!(p.region_at(0x0900_0000).unwrap().spi, Some(11));
        assert_eq!(p.region_at(0x0901_0000).unwrap().spi, Some(8));
        let pci = p.pci_desc().unwrap();
        assert_eq!(
            pci.mmio64,
            Some((0x2_0000_0000, 0xff_ffef_0000 - 0x2_0000_0000))
        );
        assert_eq!((pci.intx_spi, pci.intx_lines), (Some(0), 8));
        assert!(p.pci_bars_preassigned);
        assert!(p.region_at(VIRT_MMIO).is_none(), "no virtio-mmio");
        assert!(p.fdt_desc(1, GicVersion::V3, false).virtio_mmio.is_empty());
        assert_eq!(p.ram().base, 0x4000_0000);
        assert_eq!(CH_FIRMWARE_BASE, 0x4040_0000);
        assert_eq!(CH_ACPI_START, 0x4020_0000);
        match p.fdt_desc(2, GicVersion::V3, false).gic {
            GicDesc::V3 { dist, redist } => {
                assert_eq!(dist, (0x08ff_0000, 0x1_0000));
                assert_eq!(redist, (0x08fb_0000, 0x4_0000));
            }
            g => panic!("{g:?}"),
        }
    }

    #[test]
    fn bad_ram_sizes() {
        for size in [0, MIB, VIRT_RAM_MAX + RAM_GRANULE] {
            assert!(matches!(
                Profile::virt(size),
                Err(ProfileError::BadRamSize { .. })
            ));
        }
    }
}
