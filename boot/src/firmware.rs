//! Firmware boots (`--firmware FW [--kernel K]`): the firmware is loaded as the machine loads
//! it, and the kernel (with its initrd and command line) reaches the firmware one of two ways
//! ([`KernelVia`]), never both:
//!
//! - [`KernelVia::FwCfg`], QEMU's way (`-bios FW -kernel K -initrd I -append S` on `virt`): the
//!   files go into the fw_cfg device's kernel, initrd and command-line items (built by the caller
//!   from [`FirmwareBoot`]); nothing is put in RAM for them and `/chosen` carries only `bootargs`
//!   (as QEMU writes it). EDK2 and U-Boot read them from there.
//! - [`KernelVia::Chosen`], rust-hypervisor-firmware's aarch64 direct kernel boot as Cloud
//!   Hypervisor drives it: the kernel file goes into RAM untouched, page aligned — on
//!   `cloud-hypervisor` at the top of RAM, or just below the initrd when there is one (the
//!   initrd then takes the top); on `virt` from RAM + 64 MiB up, the initrd after it
//!   ([`VIRT_KERNEL_OFFSET`]: U-Boot and EDK2 move themselves to the top of RAM) — and the device
//!   tree's `/chosen` says where: `linux,kernel-start` and `linux,kernel-size` (each a big-endian
//!   u64), next to `bootargs` and `linux,initrd-start`/`linux,initrd-end`. The firmware finds the
//!   device tree through x0, copies the kernel to a 2 MiB-aligned base + `text_offset` and enters
//!   it as Linux `Documentation/arch/arm64/booting.rst` asks.
//!
//! Two machines ([`FirmwareMachine`]):
//! - `virt`: the firmware is the contents of flash bank 0 (at 0x0, where the vCPU starts);
//!   the device tree is at the start of RAM. QEMU leaves a `-bios` firmware to find the tree at
//!   the start of RAM by itself (x0 is 0 there); bootemu also puts its address in x0 so that one
//!   firmware works on both machines.
//! - `cloud-hypervisor`: the firmware must be an arm64 Image; it is loaded at 0x4040_0000 (Cloud
//!   Hypervisor's `UEFI_START`) + its `text_offset` and entered there with x0 = the device tree
//!   at 0x4000_0000 (at most 2 MiB, below the ACPI area at 0x4020_0000, where the ACPI tables
//!   go when [`FirmwareBoot::acpi`] has them, RSDP first, as Cloud Hypervisor writes them).
//!
//! - [`KernelVia::None`]: the firmware loads the kernel itself (from a `--disk`); `--kernel` and
//!   `--initrd` only tell bootemu what to watch for and what the kernel must be given.
//!
//! After the run, [`KernelLoad::placement`] compares where the firmware finally put the kernel
//! with where bootemu left it.

use std::fmt;

use crate::arm64_image::{Header, BASE_ALIGN};
use crate::fdt::{self, Chosen};
use crate::linux::DtbSource;
use crate::{check_in_ram, Blob, Error, Format, MapEntry, Plan, Ram};

/// The kernel and the initrd are page aligned.
pub const KERNEL_ALIGN: u64 = 4 << 10;
/// `virt`: the firmware's load and entry address (flash bank 0).
pub const VIRT_FLASH_BASE: u64 = 0;
/// `virt`: the flash bank the firmware must fit in (bank 0, 64 MiB).
pub const VIRT_FLASH_SIZE: u64 = 64 << 20;
/// `cloud-hypervisor`: size of the device tree area at the start of RAM (`FDT_MAX_SIZE`).
pub const CH_FDT_AREA: u64 = 2 << 20;
/// `cloud-hypervisor`: the ACPI tables area (`ACPI_START`), from the start of RAM.
pub const CH_ACPI_OFFSET: u64 = 2 << 20;
/// `cloud-hypervisor`: the ACPI area's size (`ACPI_MAX_SIZE`).
pub const CH_ACPI_MAX: u64 = 2 << 20;
/// `cloud-hypervisor`: the firmware's Image base, from the start of RAM (`UEFI_START`).
pub const CH_FIRMWARE_OFFSET: u64 = 4 << 20;

/// Rule: the firmware fits where the machine loads it.
pub const RULE_FIRMWARE_FITS: &str =
    "the firmware must fit in flash bank 0 (virt, 64 MiB) or in RAM from 0x4040_0000 + \
     text_offset (cloud-hypervisor)";
/// `virt`: where the kernel file (then the initrd) go for a `/chosen` firmware boot, from the
/// start of RAM: clear of the device tree below and of the top of RAM, where U-Boot and EDK2
/// relocate themselves.
pub const VIRT_KERNEL_OFFSET: u64 = 64 << 20;
/// Rule (virt): the kernel file and the initrd go from RAM + 64 MiB up.
pub const RULE_KERNEL_LOW: &str =
    "virt: the kernel file, then the initrd, go page aligned from RAM + 64 MiB up, above the \
     device tree and below the top of RAM where firmwares relocate themselves";
/// Rule: the kernel file and the initrd fit at the top of RAM above everything else.
pub const RULE_KERNEL_AT_TOP: &str =
    "the kernel file (and the initrd above it) go page aligned at the top of RAM, above the \
     device tree and the firmware";

/// Which machine's firmware protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirmwareMachine {
    /// QEMU `virt`: raw firmware in flash at 0x0.
    Virt,
    /// Cloud Hypervisor: an Image-headed firmware at RAM + 4 MiB + `text_offset`.
    CloudHypervisor,
}

/// How the kernel, initrd and command line reach the firmware (`--kernel-via`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KernelVia {
    /// QEMU's fw_cfg kernel, initrd and command-line items (the default on `virt`).
    FwCfg,
    /// In RAM, described by `/chosen` `linux,kernel-*` (rust-hypervisor-firmware's protocol,
    /// the default on `cloud-hypervisor`).
    Chosen,
    /// Not at all: the firmware loads the kernel and initrd itself (from a disk); the files
    /// only say what to watch for and what the kernel must be given.
    None,
}

impl KernelVia {
    /// The default of a machine.
    pub fn default_for(machine: FirmwareMachine) -> KernelVia {
        match machine {
            FirmwareMachine::Virt => KernelVia::FwCfg,
            FirmwareMachine::CloudHypervisor => KernelVia::Chosen,
        }
    }
}

/// What goes with the firmware.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirmwareBoot {
    /// The machine.
    pub machine: FirmwareMachine,
    /// How the kernel reaches the firmware.
    pub via: KernelVia,
    /// The kernel file, placed untouched, if any.
    pub kernel: Option<Vec<u8>>,
    /// The initial RAM disk, if any.
    pub initrd: Option<Vec<u8>>,
    /// The kernel command line (`bootargs`), if any.
    pub cmdline: Option<String>,
    /// The device tree.
    pub dtb: DtbSource,
    /// `cloud-hypervisor`: the ACPI tables to put in the ACPI area ([`CH_ACPI_OFFSET`] from the
    /// start of RAM, at most [`CH_ACPI_MAX`] bytes), built for that address.
    pub acpi: Option<Vec<u8>>,
}

/// Where bootemu left the kernel file for the firmware.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelLoad {
    /// How it was handed over.
    pub via: KernelVia,
    /// `linux,kernel-start`; `None` unless the kernel went into RAM ([`KernelVia::Chosen`]).
    pub start: Option<u64>,
    /// `linux,kernel-size` (the file's size).
    pub size: u64,
    /// The file's arm64 Image header, when it has one.
    pub header: Option<Header>,
}

/// Where the firmware finally put the kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    /// The Image's first byte at kernel entry.
    pub image: u64,
    /// `text_offset` of the header.
    pub text_offset: u64,
    /// `image - text_offset` (wrapped when `text_offset` is above `image`: then not aligned).
    pub base: u64,
    /// The image is not where bootemu put the file (always, for a kernel not put in RAM).
    pub moved: bool,
    /// How the kernel reached the firmware.
    pub via: KernelVia,
    /// `base` is 2 MiB aligned (and `text_offset` is not above `image`).
    pub aligned: bool,
}

impl KernelLoad {
    /// Compare `image` (the Image's first byte at kernel entry) with where the file was put.
    pub fn placement(&self, image: u64) -> Placement {
        let text_offset = self.header.map_or(0, |h| h.text_offset);
        let base = image.checked_sub(text_offset);
        Placement {
            image,
            text_offset,
            base: image.wrapping_sub(text_offset),
            moved: self.start != Some(image),
            via: self.via,
            aligned: base.is_some_and(|b| b.is_multiple_of(BASE_ALIGN)),
        }
    }
}

impl fmt::Display for Placement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "kernel at {:#x} (base {:#x} + text_offset {:#x}), {}, base {}2 MiB aligned",
            self.image,
            self.base,
            self.text_offset,
            if self.via == KernelVia::FwCfg {
                "loaded by the firmware from fw_cfg"
            } else if self.via == KernelVia::None {
                "loaded by the firmware itself"
            } else if self.moved {
                "moved from linux,kernel-start"
            } else {
                "not moved (run in place)"
            },
            if self.aligned { "" } else { "NOT " }
        )
    }
}

/// Puts a named blob in RAM for the firmware and returns its address.
type Placer<'a> = dyn FnMut(&str, &[u8]) -> Result<u64, Error> + 'a;

/// A planned firmware boot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirmwarePlan {
    /// What goes into RAM (the device tree, on `cloud-hypervisor` the firmware, with
    /// [`KernelVia::Chosen`] the kernel file and initrd) and how the vCPU starts.
    pub plan: Plan,
    /// The contents of flash bank 0 (`virt`: the firmware).
    pub flash0: Option<Vec<u8>>,
    /// Where the kernel file went, when there is one.
    pub kernel: Option<KernelLoad>,
}

/// Plan a firmware boot: the firmware, the device tree and the kernel (and initrd) for it.
pub fn plan(firmware: &[u8], ram: Ram, boot: &FirmwareBoot) -> Result<FirmwarePlan, Error> {
    if firmware.is_empty() || boot.kernel.as_ref().is_some_and(|k| k.is_empty()) {
        return Err(Error::Empty);
    }
    let mut map = Vec::new();
    let mut blobs = Vec::new();
    let dtb_at = ram.base;
    let (format, fw_at, fw_end, flash0) = match boot.machine {
        FirmwareMachine::Virt => {
            let len = firmware.len() as u64;
            if len > VIRT_FLASH_SIZE {
                return Err(Error::FirmwareTooLarge {
                    len,
                    bank: VIRT_FLASH_SIZE,
                });
            }
            (
                Format::Raw,
                VIRT_FLASH_BASE,
                VIRT_FLASH_BASE + len,
                Some(firmware.to_vec()),
            )
        }
        FirmwareMachine::CloudHypervisor => {
            let h = Header::parse(firmware).ok_or(Error::FirmwareNotImage)??;
            let at = ram
                .base
                .checked_add(CH_FIRMWARE_OFFSET)
                .and_then(|a| a.checked_add(h.text_offset))
                .unwrap_or(u64::MAX);
            let reserve = h.image_size.max(firmware.len() as u64);
            check_in_ram(ram, "firmware", at, reserve, RULE_FIRMWARE_FITS)?;
            let acpi_at = ram.base + CH_ACPI_OFFSET;
            match &boot.acpi {
                Some(tables) => {
                    let len = tables.len() as u64;
                    if len > CH_ACPI_MAX {
                        return Err(Error::AcpiTooLarge {
                            len,
                            max: CH_ACPI_MAX,
                        });
                    }
                    check_in_ram(ram, "ACPI tables", acpi_at, len, RULE_FIRMWARE_FITS)?;
                    map.push(MapEntry {
                        start: acpi_at,
                        size: len,
                        what: "ACPI tables (RSDP first)".into(),
                    });
                    blobs.push(Blob {
                        addr: acpi_at,
                        bytes: tables.clone(),
                    });
                }
                None => map.push(MapEntry {
                    start: acpi_at,
                    size: CH_ACPI_MAX,
                    what: "ACPI area (reserved, empty)".into(),
                }),
            }
            let format = Format::Arm64Image {
                text_offset: h.text_offset,
                image_size: h.image_size,
                flags: h.flags,
                efi_stub: h.efi_stub,
                legacy: h.legacy,
            };
            blobs.push(Blob {
                addr: at,
                bytes: firmware.to_vec(),
            });
            (format, at, at + reserve, None)
        }
    };
    map.push(MapEntry {
        start: fw_at,
        size: fw_end - fw_at,
        what: if flash0.is_some() {
            "firmware (flash bank 0)".into()
        } else {
            "firmware".into()
        },
    });

    // cloud-hypervisor: from the top of RAM down, the initrd then the kernel file; virt: from
    // RAM + 64 MiB up, the kernel file then the initrd (U-Boot and EDK2 relocate themselves to
    // the top of RAM, where they would overwrite them).
    let top_down = boot.machine == FirmwareMachine::CloudHypervisor;
    let (rule, mut cursor) = if top_down {
        (RULE_KERNEL_AT_TOP, ram.end())
    } else {
        (RULE_KERNEL_LOW, ram.base.saturating_add(VIRT_KERNEL_OFFSET))
    };
    let mut placed = (u64::MAX, 0u64);
    let mut place = |what: &str, bytes: &[u8]| -> Result<u64, Error> {
        let len = bytes.len() as u64;
        let at = if top_down {
            cursor
                .checked_sub(len)
                .map(|a| a & !(KERNEL_ALIGN - 1))
                .unwrap_or(0)
        } else {
            cursor
        };
        check_in_ram(ram, what, at, len, rule)?;
        cursor = if top_down {
            at
        } else {
            (at + len).next_multiple_of(KERNEL_ALIGN)
        };
        placed = (placed.0.min(at), placed.1.max(at + len));
        map.push(MapEntry {
            start: at,
            size: len,
            what: what.into(),
        });
        blobs.push(Blob {
            addr: at,
            bytes: bytes.to_vec(),
        });
        Ok(at)
    };
    let header_of = |k: &[u8]| Header::parse(k).and_then(|h| h.ok());
    let (chosen, kernel) = match boot.via {
        KernelVia::FwCfg | KernelVia::None => (
            Chosen {
                bootargs: boot.cmdline.clone(),
                initrd: None,
                kernel: None,
            },
            boot.kernel.as_ref().map(|k| KernelLoad {
                via: boot.via,
                start: None,
                size: k.len() as u64,
                header: header_of(k),
            }),
        ),
        KernelVia::Chosen => {
            let place_initrd = |place: &mut Placer| {
                boot.initrd
                    .as_ref()
                    .map(|i| place(crate::MAP_INITRD, i).map(|at| (at, at + i.len() as u64)))
                    .transpose()
            };
            let initrd = if top_down {
                place_initrd(&mut place)?
            } else {
                None
            };
            let kernel = match &boot.kernel {
                Some(k) => Some(KernelLoad {
                    via: KernelVia::Chosen,
                    start: Some(place("kernel file (for the firmware)", k)?),
                    size: k.len() as u64,
                    header: header_of(k),
                }),
                None => None,
            };
            let initrd = if top_down {
                initrd
            } else {
                place_initrd(&mut place)?
            };
            let chosen = Chosen {
                bootargs: boot.cmdline.clone(),
                initrd,
                kernel: kernel.and_then(|k| k.start.map(|s| (s, k.size))),
            };
            (chosen, kernel)
        }
    };
    let (dtb, what) = match &boot.dtb {
        DtbSource::Generate(m) => (fdt::build(m, &chosen)?, "device tree (generated)"),
        DtbSource::User(blob) => (
            fdt::with_chosen(blob, &chosen)?,
            "device tree (--dtb, /chosen updated)",
        ),
    };
    let dtb_len = dtb.len() as u64;
    check_in_ram(
        ram,
        "device tree",
        dtb_at,
        dtb_len,
        crate::linux::RULE_DTB_IN_RAM,
    )?;
    // Everything placed for the firmware must stay clear of the tree's area and the firmware.
    let low_end = (dtb_at + dtb_len).max(if fw_at >= ram.base { fw_end } else { 0 });
    let above = Ram {
        base: low_end,
        size: ram.end().saturating_sub(low_end),
    };
    if placed.0 < placed.1 {
        check_in_ram(
            above,
            "kernel file and initrd",
            placed.0,
            placed.1 - placed.0,
            rule,
        )?;
    }
    map.push(MapEntry {
        start: dtb_at,
        size: dtb_len,
        what: what.into(),
    });
    blobs.push(Blob {
        addr: dtb_at,
        bytes: dtb,
    });
    map.sort_by_key(|m| m.start);
    Ok(FirmwarePlan {
        plan: Plan {
            format,
            blobs,
            entry: fw_at,
            regs: [dtb_at, 0, 0, 0],
            map,
        },
        flash0,
        kernel,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm64_image::synthetic;
    use crate::fdt::{read_chosen, GicDesc, MachineDesc};

    const RAM: Ram = Ram {
        base: 0x4000_0000,
        size: 512 << 20,
    };

    fn desc() -> MachineDesc {
        crate::fdt::test_desc(
            RAM,
            1,
            GicDesc::V3 {
                dist: (0x08ff_0000, 0x1_0000),
                redist: (0x08fd_0000, 0x2_0000),
            },
        )
    }

    fn boot(machine: FirmwareMachine, initrd: Option<usize>) -> FirmwareBoot {
        FirmwareBoot {
            machine,
            via: KernelVia::Chosen,
            kernel: Some(synthetic(0, 0x20_0000, 0xa, 0x1_0001)),
            initrd: initrd.map(|n| vec![0x55; n]),
            cmdline: Some("console=ttyAMA0".into()),
            dtb: DtbSource::Generate(Box::new(desc())),
            acpi: None,
        }
    }

    #[test]
    fn virt_layout() {
        let b = boot(FirmwareMachine::Virt, Some(0x1800));
        let fp = plan(&[0u8; 0x100], RAM, &b).unwrap();
        let (p, k) = (fp.plan, fp.kernel.unwrap());
        assert_eq!(
            fp.flash0,
            Some(vec![0u8; 0x100]),
            "the firmware is flash bank 0"
        );
        assert!(
            p.blobs.iter().all(|b| b.addr >= RAM.base),
            "nothing in flash"
        );
        assert_eq!(p.entry, 0);
        assert_eq!(p.format, Format::Raw);
        assert_eq!(p.regs, [0x4000_0000, 0, 0, 0]);
        // kernel at RAM + 64 MiB; initrd after it: 0x4400_0000 + 0x1_0001, page aligned up.
        assert_eq!(k.start, Some(0x4400_0000));
        assert_eq!(k.size, 0x1_0001);
        assert_eq!(k.header.unwrap().text_offset, 0);
        let kernel_blob = p.blobs.iter().find(|b| b.addr == 0x4400_0000).unwrap();
        assert_eq!(Some(&kernel_blob.bytes), b.kernel.as_ref(), "untouched");
        let dtb = &p
            .blobs
            .iter()
            .find(|b| b.addr == 0x4000_0000)
            .unwrap()
            .bytes;
        let c = read_chosen(dtb).unwrap();
        assert_eq!(c.kernel, Some((0x4400_0000, 0x1_0001)));
        assert_eq!(c.initrd, Some((0x4401_1000, 0x4401_2800)));
        assert_eq!(c.bootargs.as_deref(), Some("console=ttyAMA0"));
    }

    #[test]
    fn cloud_hypervisor_puts_the_kernel_at_the_top() {
        let b = boot(FirmwareMachine::CloudHypervisor, Some(0x1800));
        let fw = synthetic(0x1000, 0x4_0000, 0xa, 0x2000);
        let fp = plan(&fw, RAM, &b).unwrap();
        // initrd: 0x6000_0000 - 0x1800 = 0x5fff_e800, page aligned down: 0x5fff_e000.
        // kernel: 0x5fff_e000 - 0x1_0001 = 0x5ffe_dfff, down: 0x5ffe_d000.
        assert_eq!(fp.kernel.unwrap().start, Some(0x5ffe_d000));
        let c = read_chosen(&fp.plan.blobs.last().unwrap().bytes).unwrap();
        assert_eq!(c.initrd, Some((0x5fff_e000, 0x5fff_f800)));
        let b = boot(FirmwareMachine::CloudHypervisor, None);
        let fp = plan(&fw, RAM, &b).unwrap();
        assert_eq!(fp.kernel.unwrap().start, Some(0x5ffe_f000));
    }

    #[test]
    fn cloud_hypervisor_acpi_tables_go_to_the_acpi_area() {
        let fw = synthetic(0x1000, 0x4_0000, 0xa, 0x2000);
        let b = FirmwareBoot {
            acpi: Some(vec![0x52; 0x800]),
            ..boot(FirmwareMachine::CloudHypervisor, None)
        };
        let fp = plan(&fw, RAM, &b).unwrap();
        let t = fp
            .plan
            .blobs
            .iter()
            .find(|b| b.addr == 0x4020_0000)
            .unwrap();
        assert_eq!(t.bytes.len(), 0x800);
        let m = fp.plan.map.iter().find(|m| m.start == 0x4020_0000).unwrap();
        assert_eq!(m.what, "ACPI tables (RSDP first)");
        let big = FirmwareBoot {
            acpi: Some(vec![0; (CH_ACPI_MAX + 1) as usize]),
            ..b
        };
        assert!(matches!(
            plan(&fw, RAM, &big),
            Err(Error::AcpiTooLarge { .. })
        ));
    }

    #[test]
    fn fw_cfg_delivery_puts_nothing_in_ram_and_only_bootargs_in_chosen() {
        let b = FirmwareBoot {
            via: KernelVia::FwCfg,
            ..boot(FirmwareMachine::Virt, Some(0x1800))
        };
        let fp = plan(&[0u8; 0x100], RAM, &b).unwrap();
        assert_eq!(fp.plan.blobs.len(), 1, "the device tree only");
        let c = read_chosen(&fp.plan.blobs[0].bytes).unwrap();
        assert_eq!(c.kernel, None);
        assert_eq!(c.initrd, None);
        assert_eq!(c.bootargs.as_deref(), Some("console=ttyAMA0"));
        let k = fp.kernel.unwrap();
        assert_eq!((k.start, k.size), (None, 0x1_0001));
        let p = k.placement(0x4808_0000);
        assert!(p.moved && p.via == KernelVia::FwCfg);
        assert!(p.to_string().contains("from fw_cfg"), "{p}");
    }

    #[test]
    fn firmware_without_a_kernel() {
        let b = FirmwareBoot {
            kernel: None,
            ..boot(FirmwareMachine::Virt, None)
        };
        let fp = plan(&[0u8; 4], RAM, &b).unwrap();
        assert_eq!(fp.kernel, None);
        assert_eq!(read_chosen(&fp.plan.blobs[0].bytes).unwrap().kernel, None);
        assert_eq!(
            KernelVia::default_for(FirmwareMachine::Virt),
            KernelVia::FwCfg
        );
        assert_eq!(
            KernelVia::default_for(FirmwareMachine::CloudHypervisor),
            KernelVia::Chosen
        );
    }

    #[test]
    fn cloud_hypervisor_needs_an_image_headed_firmware() {
        let b = boot(FirmwareMachine::CloudHypervisor, None);
        assert_eq!(plan(&[0u8; 0x100], RAM, &b), Err(Error::FirmwareNotImage));
        let fw = synthetic(0x1000, 0x4_0000, 0xa, 0x2000);
        let p = plan(&fw, RAM, &b).unwrap().plan;
        assert_eq!(p.entry, 0x4040_1000);
        assert_eq!(p.regs[0], 0x4000_0000);
        assert!(matches!(
            p.format,
            Format::Arm64Image {
                text_offset: 0x1000,
                ..
            }
        ));
        assert!(p
            .map
            .iter()
            .any(|m| m.start == 0x4020_0000 && m.what.starts_with("ACPI")));
    }

    #[test]
    fn too_big_for_ram_names_the_rule() {
        let b = boot(FirmwareMachine::Virt, Some(RAM.size as usize));
        match plan(&[0u8; 4], RAM, &b) {
            Err(Error::Placement(e)) => assert_eq!(e.rule, RULE_KERNEL_LOW),
            other => panic!("unexpected {other:?}"),
        }
        let b = boot(FirmwareMachine::CloudHypervisor, Some(RAM.size as usize));
        let fw = synthetic(0x1000, 0x4_0000, 0xa, 0x2000);
        match plan(&fw, RAM, &b) {
            Err(Error::Placement(e)) => assert_eq!(e.rule, RULE_KERNEL_AT_TOP),
            other => panic!("unexpected {other:?}"),
        }
        let big = vec![0u8; (VIRT_FLASH_SIZE + 1) as usize];
        assert_eq!(
            plan(&big, RAM, &boot(FirmwareMachine::Virt, None)),
            Err(Error::FirmwareTooLarge {
                len: VIRT_FLASH_SIZE + 1,
                bank: VIRT_FLASH_SIZE
            })
        );
    }

    #[test]
    fn placement_report() {
        let k = KernelLoad {
            via: KernelVia::Chosen,
            start: Some(0x5e00_0000),
            size: 0x100,
            header: Header::parse(&synthetic(0x8_0000, 0x1000, 0xa, 64)).and_then(|h| h.ok()),
        };
        let p = k.placement(0x4028_0000);
        assert_eq!(p.base, 0x4020_0000);
        assert!(p.moved && p.aligned);
        let p = k.placement(0x4029_0000);
        assert!(!p.aligned);
        assert!(p.to_string().contains("NOT 2 MiB aligned"));
        assert!(!k.placement(0x5e00_0000).moved);
        // A text_offset above the image: the wrapped "base" 0x4020_0000 is not a base.
        let k = KernelLoad {
            header: Header::parse(&synthetic(0xffff_ffff_fff0_0000, 0x1000, 0xa, 64))
                .and_then(|h| h.ok()),
            ..k
        };
        let p = k.placement(0x4010_0000);
        assert_eq!(p.base, 0x4020_0000);
        assert!(!p.aligned);
    }
}
