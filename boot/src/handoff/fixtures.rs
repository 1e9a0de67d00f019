//! Test fixtures shared by the rule families' tests: a 512 MiB `virt`-like machine, a good
//! device tree, entry state and image, and lookups of a check by id.

use super::*;
use crate::arm64_image::synthetic;
use crate::fdt::{build, Chosen, GicDesc, MachineDesc};

pub const RAM: Ram = Ram {
    base: 0x4000_0000,
    size: 512 << 20,
};
pub const START: u64 = 0x4020_0000;
pub const DTB: u64 = 0x4820_0000;
pub const INITRD: (u64, u64) = (0x4800_0000, 0x4810_0000);

pub fn desc(ncpu: usize) -> MachineDesc {
    crate::fdt::test_desc(
        RAM,
        ncpu,
        GicDesc::V2 {
            dist: (0x0800_0000, 0x1_0000),
            cpu: (0x0801_0000, 0x1_0000),
        },
    )
}

pub fn good_fdt() -> Vec<u8> {
    build(
        &desc(1),
        &Chosen {
            bootargs: Some("console=ttyAMA0".into()),
            initrd: Some(INITRD),
            kernel: None,
        },
    )
    .unwrap()
}

pub fn state() -> EntryState {
    EntryState {
        cpu: 0,
        pc: START + 0x10000,
        el: 1,
        daif: DAIF_ALL,
        sp_sel: true,
        x: [DTB, 0, 0, 0],
        sctlr: 0x30d0_0800,
        cntfrq: 62_500_000,
        cnthctl_el2: 0,
        cptr_el2: 0,
        icc_sre_el2: None,
        gicv3: false,
        el2_present: false,
        mpidr: 0x8000_0000,
    }
}

pub fn image() -> ImageFound {
    let bytes = synthetic(0, 0x200_0000, 0xa, 64);
    ImageFound {
        start: START,
        header: bytes[..64].to_vec(),
        watch: EntryWatch::from_image(&bytes).unwrap(),
        ..ImageFound::default()
    }
}

pub fn exp() -> Expected {
    Expected {
        ram: vec![RAM],
        cmdline: Some("console=ttyAMA0".into()),
        initrd: Some(INITRD),
        initrd_file: None,
        smp: 1,
    }
}

pub fn get<'a>(c: &'a [Check], id: &str) -> &'a Check {
    c.iter()
        .find(|c| c.id() == id)
        .unwrap_or_else(|| panic!("{id}"))
}

pub fn status(s: &EntryState, fdt: &[u8], img: &ImageFound, e: &Expected, id: &str) -> Status {
    get(&check_entry(s, fdt, img, e), id).status
}
