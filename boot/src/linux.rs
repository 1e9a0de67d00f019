//! Direct Linux boot: the Image, the initrd and the device tree laid out in RAM the way QEMU's
//! `hw/arm/boot.c` does for `-kernel/-initrd/-append` on an AArch64 `virt`, within the rules of
//! Linux `Documentation/arch/arm64/booting.rst`:
//!
//! - Image at a 2 MiB-aligned base + `text_offset` with `image_size` bytes free
//!   ([`crate::arm64_image`]): RAM base + 2 MiB for today's kernels;
//! - initrd at RAM base + min(RAM size / 2, 128 MiB), moved up above the Image's `image_size`
//!   if they would overlap, page aligned ([`initrd_start`]); booting.rst §2: it must lie in one
//!   1 GiB-aligned window of up to 32 GiB together with the Image, which RAM up to 32 GiB
//!   guarantees here;
//! - device tree at the next 2 MiB boundary after the initrd (QEMU's choice: the kernel maps
//!   it with 2 MiB blocks), 8-byte aligned and at most 2 MiB (booting.rst §2);
//! - entry at image offset 0 with x0 = the device tree, x1..x3 = 0 (booting.rst §4). The
//!   MMU-off, DAIF-masked EL1/EL2 entry state is the vCPU's reset state (machine side).

use crate::arm64_image::RULE_IMAGE_IN_RAM;
use crate::fdt::{self, Chosen, MachineDesc};
use crate::{check_in_ram, Error, Format, Plan, Ram};

/// QEMU: the initrd goes at RAM base + min(RAM / 2, this).
pub const INITRD_MAX_OFFSET: u64 = 128 << 20;
/// Alignment of the initrd start (a page).
pub const INITRD_ALIGN: u64 = 4 << 10;
/// Alignment of the device tree (QEMU aligns it to 2 MiB on AArch64; booting.rst asks 8).
pub const DTB_PLACE_ALIGN: u64 = 2 << 20;

/// Rule checked for the initrd.
pub const RULE_INITRD_IN_RAM: &str =
    "booting.rst: the initrd must lie in RAM, in one 1 GiB-aligned \
     window of up to 32 GiB together with the kernel Image";
/// Rule checked for the device tree.
pub const RULE_DTB_IN_RAM: &str = "booting.rst: the dtb must be in RAM on an 8-byte boundary and \
     must not exceed 2 megabytes";

/// Which device tree the kernel gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DtbSource {
    /// One built for the machine ([`fdt::build`]).
    Generate(Box<MachineDesc>),
    /// The user's blob, with `/chosen` updated ([`fdt::with_chosen`]).
    User(Vec<u8>),
}

/// What goes with a Linux kernel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinuxBoot {
    /// The initial RAM disk, if any.
    pub initrd: Option<Vec<u8>>,
    /// The kernel command line, if any.
    pub cmdline: Option<String>,
    /// The device tree.
    pub dtb: DtbSource,
}

/// Where the initrd starts, after an Image that ends (with its BSS) at `image_end`; `u64::MAX`
/// (outside any RAM, refused by the placement check) when rounding up would pass 2^64.
pub fn initrd_start(ram: Ram, image_end: u64) -> u64 {
    let preferred = ram
        .base
        .saturating_add((ram.size / 2).min(INITRD_MAX_OFFSET));
    preferred
        .max(image_end)
        .checked_next_multiple_of(INITRD_ALIGN)
        .unwrap_or(u64::MAX)
}

/// Add the initrd and the device tree to the plan of an arm64 Image and set x0.
pub fn complete(mut plan: Plan, ram: Ram, boot: &LinuxBoot) -> Result<Plan, Error> {
    let image_size = match plan.format.image() {
        Some(Format::Arm64Image { image_size, .. }) => *image_size,
        _ => return Err(Error::NotLinux),
    };
    // The Image was placed in RAM by its plan; checked again here, so that the addresses
    // derived from its end cannot pass 2^64 whatever plan this is given.
    let reserve = image_size.max(plan.blobs[0].bytes.len() as u64);
    check_in_ram(ram, "kernel Image", plan.entry, reserve, RULE_IMAGE_IN_RAM)?;
    let image_end = plan.entry + reserve;
    let initrd_at = initrd_start(ram, image_end);
    let mut chosen = Chosen {
        bootargs: boot.cmdline.clone(),
        initrd: None,
        kernel: None,
    };
    let mut next = initrd_at;
    if let Some(initrd) = &boot.initrd {
        let len = initrd.len() as u64;
        check_in_ram(ram, "initrd", initrd_at, len, RULE_INITRD_IN_RAM)?;
        chosen.initrd = Some((initrd_at, initrd_at + len));
        plan.place(initrd_at, initrd.clone(), crate::MAP_INITRD);
        next += len;
    }
    let (dtb, what) = match &boot.dtb {
        DtbSource::Generate(m) => (fdt::build(m, &chosen)?, "device tree (generated)"),
        DtbSource::User(blob) => (
            fdt::with_chosen(blob, &chosen)?,
            "device tree (--dtb, /chosen updated)",
        ),
    };
    // u64::MAX when rounding up passes 2^64: refused by the check below.
    let dtb_at = next
        .checked_next_multiple_of(DTB_PLACE_ALIGN)
        .unwrap_or(u64::MAX);
    check_in_ram(
        ram,
        "device tree",
        dtb_at,
        dtb.len() as u64,
        RULE_DTB_IN_RAM,
    )?;
    plan.place(dtb_at, dtb, what);
    plan.regs = [dtb_at, 0, 0, 0];
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm64_image::synthetic;
    use crate::fdt::{read_chosen, GicDesc};

    const RAM: Ram = Ram {
        base: 0x4000_0000,
        size: 512 << 20,
    };

    fn desc() -> MachineDesc {
        crate::fdt::test_desc(
            RAM,
            1,
            GicDesc::V2 {
                dist: (0x0800_0000, 0x1_0000),
                cpu: (0x0801_0000, 0x1_0000),
            },
        )
    }

    fn boot(initrd: Option<usize>) -> LinuxBoot {
        LinuxBoot {
            initrd: initrd.map(|n| vec![0xaa; n]),
            cmdline: Some("console=ttyAMA0".into()),
            dtb: DtbSource::Generate(Box::new(desc())),
        }
    }

    #[test]
    fn layout_matches_qemu() {
        // The reference run: a 0x2010000-byte image, a 0xf0d8c-byte initrd; QEMU put the initrd
        // at 0x4800_0000 and the DTB at 0x4820_0000.
        let img = synthetic(0, 0x201_0000, 0xa, 0x1000);
        let p = crate::plan_linux(&img, RAM, &boot(Some(0xf_0d8c))).unwrap();
        assert_eq!(p.entry, 0x4020_0000);
        assert_eq!(p.blobs[1].addr, 0x4800_0000);
        assert_eq!(p.blobs[2].addr, 0x4820_0000);
        assert_eq!(p.regs, [0x4820_0000, 0, 0, 0]);
        let c = read_chosen(&p.blobs[2].bytes).unwrap();
        assert_eq!(c.initrd, Some((0x4800_0000, 0x480f_0d8c)));
        assert_eq!(c.bootargs.as_deref(), Some("console=ttyAMA0"));
    }

    #[test]
    fn no_initrd_puts_the_dtb_where_it_would_be() {
        let img = synthetic(0, 0x10_0000, 0xa, 0x1000);
        let p = crate::plan_linux(&img, RAM, &boot(None)).unwrap();
        assert_eq!(p.regs[0], 0x4800_0000);
        assert_eq!(read_chosen(&p.blobs[1].bytes).unwrap().initrd, None);
    }

    #[test]
    fn small_ram_and_big_images_move_the_initrd_up() {
        let ram = Ram {
            base: 0x4000_0000,
            size: 64 << 20,
        };
        assert_eq!(initrd_start(ram, 0x4030_0000), 0x4200_0000, "RAM / 2");
        assert_eq!(
            initrd_start(RAM, 0x4900_0123),
            0x4900_1000,
            "after the image"
        );
    }

    #[test]
    fn initrd_beyond_ram_names_the_rule() {
        let img = synthetic(0, 0x10_0000, 0xa, 0x1000);
        match crate::plan_linux(&img, RAM, &boot(Some(400 << 20))) {
            Err(Error::Placement(e)) => assert_eq!(e.rule, RULE_INITRD_IN_RAM),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn placement_math_past_2_64_is_refused_not_wrapped() {
        // A plan whose Image runs past 2^64 (entry + image_size): refused by the Image rule
        // instead of wrapping the initrd and device tree addresses around into RAM.
        let img = synthetic(0, 0x10_0000, 0xa, 0x1000);
        let mut p = crate::plan(&img, RAM).unwrap();
        p.entry = u64::MAX - 0x800;
        p.blobs[0].addr = p.entry;
        match complete(p, RAM, &boot(Some(0x1000))) {
            Err(Error::Placement(e)) => {
                assert_eq!(e.rule, RULE_IMAGE_IN_RAM);
                assert_eq!((e.start, e.end), (u64::MAX - 0x800, u64::MAX));
            }
            other => panic!("unexpected {other:?}"),
        }
        // Rounding up near 2^64 saturates rather than wrapping to 0.
        assert_eq!(initrd_start(RAM, u64::MAX - 10), u64::MAX);
        let top = Ram {
            base: u64::MAX - 0xfff,
            size: 0x1000,
        };
        assert_eq!(initrd_start(top, 0), u64::MAX);
    }

    #[test]
    fn non_images_are_refused() {
        assert_eq!(
            crate::plan_linux(&[0u8; 64], RAM, &boot(None)),
            Err(Error::NotLinux)
        );
    }
}
