//! Tests of the x86 layout ([`super::complete`]), and the synthetic kernels the x86 handoff
//! tests share.

use super::*;
use crate::bzimage;

/// The guest memory size of the tests.
pub(crate) const MEM: u64 = 512 << 20;

/// A synthetic relocatable 2.15 bzImage with an XZ "payload" and init_size 4 MiB.
pub(crate) fn bz() -> Vec<u8> {
    let mut code = vec![0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
    code.resize(0x8000, 0x90);
    bzimage::synthetic(0x020f, 0x1f, &code)
}

/// A minimal x86-64 ELF like Debian's vmlinux: one PT_LOAD of 0x1000 bytes at paddr 0x100_0000
/// (e_entry there), and a PT_NOTE with Xen's PHYS32_ENTRY note (entry 0x100_0850) when `note`.
pub(crate) fn elf(note: bool) -> Vec<u8> {
    let mut n = Vec::new();
    n.extend(4u32.to_le_bytes());
    n.extend(8u32.to_le_bytes());
    n.extend(crate::elf::XEN_ELFNOTE_PHYS32_ENTRY.to_le_bytes());
    n.extend(crate::elf::XEN_NOTE_NAME);
    n.extend(0x100_0850u64.to_le_bytes());
    let mut b = vec![0u8; 0x100];
    b[..4].copy_from_slice(&crate::elf::MAGIC);
    b[4] = 2;
    b[5] = 1;
    b[6] = 1;
    b[16..18].copy_from_slice(&2u16.to_le_bytes());
    b[18..20].copy_from_slice(&62u16.to_le_bytes()); // EM_X86_64
    b[20..24].copy_from_slice(&1u32.to_le_bytes());
    b[24..32].copy_from_slice(&0x100_0000u64.to_le_bytes());
    b[32..40].copy_from_slice(&64u64.to_le_bytes());
    b[52..54].copy_from_slice(&64u16.to_le_bytes());
    b[54..56].copy_from_slice(&56u16.to_le_bytes());
    b[56..58].copy_from_slice(&2u16.to_le_bytes());
    let phs: [(u32, u64, u64, u64); 2] = [
        (1, 0x200, 0x100_0000, 0x1000),
        (
            if note { 4 } else { 6 }, // PT_NOTE, or PT_PHDR when there is no note
            0x100,
            0x100_0000,
            n.len() as u64,
        ),
    ];
    for (i, (ty, off, paddr, size)) in phs.into_iter().enumerate() {
        let p = 64 + 56 * i;
        b[p..p + 4].copy_from_slice(&ty.to_le_bytes());
        b[p + 8..p + 16].copy_from_slice(&off.to_le_bytes());
        b[p + 16..p + 24].copy_from_slice(&(paddr | 0xffff_ffff_8000_0000).to_le_bytes());
        b[p + 24..p + 32].copy_from_slice(&paddr.to_le_bytes());
        b[p + 32..p + 40].copy_from_slice(&size.to_le_bytes());
        b[p + 40..p + 48].copy_from_slice(&size.to_le_bytes());
    }
    b.extend_from_slice(&n);
    b.resize(0x200, 0);
    b.extend(std::iter::repeat_n(0xccu8, 0x1000));
    b
}

/// Lay out `kernel` with a 64 KiB initrd and a command line.
pub(crate) fn boot(kernel: &[u8], offset: Option<u64>) -> X86Boot {
    let p = crate::plan_at(kernel, kernel_ram(MEM), offset).unwrap();
    complete(
        p,
        MEM,
        &X86Linux {
            initrd: Some(vec![0x5a; 0x1_0000]),
            cmdline: Some("console=ttyS0 panic=-1".into()),
            acpi: Some(crate::acpi::x86::X86MachineDesc::microvm(2)),
        },
    )
    .unwrap()
}

#[test]
fn bzimage_runs_the_64_bit_protocol() {
    let b = boot(&bz(), None);
    assert_eq!(
        b.entry,
        X86Entry::Linux64 {
            rip: 0x10_0200,
            rsi: ZERO_PAGE_ADDR
        }
    );
    assert_eq!(b.entry.protocol(), "64-bit boot protocol");
    // The initrd at the top of high RAM (below initrd_addr_max 0x7fffffff), page-aligned.
    assert_eq!(b.initrd, Some((MEM - 0x1_0000, MEM)));
    // The kernel's extent: from the load address to init_size past its runtime start
    // (2 MiB-aligned).
    assert!(b.kernel.contains(&(0x10_0000, 0x60_0000)), "{:?}", b.kernel);
    let cmd = b.read(CMDLINE_ADDR, 24).unwrap();
    assert_eq!(&cmd, b"console=ttyS0 panic=-1\0\0");
    let zp = zero_page::ZeroPage::read(&b.read(ZERO_PAGE_ADDR, 4096).unwrap());
    assert_eq!(zp.cmd_line_ptr(), CMDLINE_ADDR);
    assert_eq!(zp.ramdisk(), (MEM - 0x1_0000, 0x1_0000));
    assert_eq!(zp.e820().0, e820::guest_map(MEM));
}

#[test]
fn elf_with_the_note_runs_pvh_and_with_an_offset_the_64_bit_protocol() {
    let b = boot(&elf(true), None);
    assert_eq!(
        b.entry,
        X86Entry::Pvh {
            eip: 0x100_0850,
            ebx: PVH_INFO_ADDR
        }
    );
    assert_eq!(b.plan.entry, 0x100_0850);
    let si = pvh::StartInfo::read(&b.read(PVH_INFO_ADDR, 56).unwrap());
    assert_eq!((si.magic, si.cmdline_paddr), (pvh::MAGIC, CMDLINE_ADDR));
    let b = boot(&elf(true), Some(0x100_0000));
    assert_eq!(
        b.entry,
        X86Entry::Linux64 {
            rip: 0x200_0000,
            rsi: ZERO_PAGE_ADDR
        }
    );
    assert!(
        b.why.contains("ignored because an offset was given"),
        "{}",
        b.why
    );
    let b = boot(&elf(false), None);
    assert!(matches!(
        b.entry,
        X86Entry::Linux64 {
            rip: 0x100_0000,
            ..
        }
    ));
    assert!(b.why.contains("without a PVH note"), "{}", b.why);
}

#[test]
fn layout_refuses_what_does_not_fit() {
    let p = crate::plan(&bz(), kernel_ram(MEM)).unwrap();
    let e = complete(
        p.clone(),
        MEM,
        &X86Linux {
            initrd: Some(vec![0; MEM as usize]),
            ..X86Linux::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(e, crate::Error::X86(Error::InitrdNoRoom { .. })),
        "{e:?}"
    );
    let e = complete(
        p,
        MEM,
        &X86Linux {
            cmdline: Some("x".repeat(3000)),
            ..X86Linux::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        e,
        crate::Error::X86(Error::ZeroPage(zero_page::Error::CmdlineTooLong {
            len: 3000,
            max: 2047
        }))
    );
    let arm = crate::arm64_image::synthetic(0, 0x1000, 0xa, 0x1000);
    let p = crate::plan(
        &arm,
        Ram {
            base: 0x4000_0000,
            size: 0x100_0000,
        },
    )
    .unwrap();
    assert_eq!(
        complete(p, MEM, &X86Linux::default()),
        Err(crate::Error::X86(Error::NotX86))
    );
}

#[test]
fn reading_blobs_over_ram() {
    let ram = [Ram {
        base: 0,
        size: 0x1000,
    }];
    let blobs = [Blob {
        addr: 0x10,
        bytes: vec![1, 2, 3],
    }];
    assert_eq!(read_blobs(&blobs, &ram, 0xf, 5), Some(vec![0, 1, 2, 3, 0]));
    assert_eq!(read_blobs(&blobs, &ram, 0xfff, 2), None);
    assert_eq!(read_blobs(&blobs, &ram, u64::MAX, 2), None);
}
