//! The x86 handoff checks on our own layouts (every check passes) and on broken loaders (a zero
//! page missing the initrd's e820 entry, a command line past `cmdline_size`, PVH with a bad
//! magic: each fails exactly its check).

use super::super::{any_failed, check_pvh, Check, Rule, Status};
use super::*;
use crate::x86::tests::{boot, bz, elf, MEM};
use crate::x86::{e820::E820_RAM, pvh, X86Entry, CMDLINE_ADDR, PVH_INFO_ADDR, ZERO_PAGE_ADDR};

const CMDLINE: &str = "console=ttyS0 panic=-1";

fn judge(b: &X86Boot) -> Vec<Check> {
    let exp = X86Expected::of(b, Some(CMDLINE));
    let mem = |a, l| b.read(a, l);
    match b.entry {
        X86Entry::Linux64 { rsi, .. } => check_boot_params(rsi, &mem, &exp),
        X86Entry::Pvh { ebx, .. } => check_pvh(ebx, &mem, &exp),
    }
}

/// The ids of the failed checks.
fn failed(c: &[Check]) -> Vec<&'static str> {
    c.iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.id())
        .collect()
}

fn blob_at(b: &mut X86Boot, addr: u64) -> &mut Vec<u8> {
    &mut b
        .plan
        .blobs
        .iter_mut()
        .find(|x| x.addr == addr)
        .unwrap()
        .bytes
}

#[test]
fn our_layouts_pass_every_check() {
    let x86_rules = |c: &[Check]| c.iter().map(|c| c.rule).collect::<Vec<Rule>>();
    let c = judge(&boot(&bz(), None));
    assert_eq!(failed(&c), Vec::<&str>::new(), "{c:#?}");
    assert!(c.iter().all(|c| c.status == Status::Pass), "{c:#?}");
    assert_eq!(
        x86_rules(&c),
        Rule::ALL
            .iter()
            .copied()
            .filter(|r| matches!(
                r.family(),
                super::super::Family::BootParams
                    | super::super::Family::E820
                    | super::super::Family::Kernel
            ))
            .collect::<Vec<_>>()
    );
    let c = judge(&boot(&elf(true), None));
    assert!(c.iter().all(|c| c.status == Status::Pass), "{c:#?}");
    assert_eq!(c.len(), 5);
    assert!(c
        .iter()
        .all(|c| c.rule.family() == super::super::Family::Pvh));
    // An ELF through the 64-bit protocol: no setup header, so those rules do not apply.
    let c = judge(&boot(&elf(true), Some(0x100_0000)));
    assert!(!any_failed(&c), "{c:#?}");
    for id in [
        "bootparams.header",
        "bootparams.version",
        "kernel.placement",
    ] {
        let s = c.iter().find(|c| c.id() == id).unwrap().status;
        assert_eq!(s, Status::NotApplicable, "{id}");
    }
}

#[test]
fn zero_page_missing_the_e820_entry_for_the_initrd_fails_e820_covers() {
    let mut b = boot(&bz(), None);
    let (s, _) = b.initrd.unwrap();
    // High RAM split at the initrd, and the part holding it left out.
    let map: Vec<E820Entry> = b
        .e820
        .iter()
        .map(|e| {
            if e.kind == E820_RAM && e.addr < s && s < e.end() {
                E820Entry {
                    size: s - e.addr,
                    ..*e
                }
            } else {
                *e
            }
        })
        .collect();
    let h = X86Expected::of(&b, None).header.unwrap();
    let zp = crate::x86::zero_page::build(&crate::x86::zero_page::ZeroPageIn {
        header: Some(&h),
        load: 0x10_0000,
        cmdline: (CMDLINE_ADDR, CMDLINE.len() as u64),
        initrd: b.initrd.map(|(s, e)| (s, e - s)),
        e820: &map,
        rsdp: 0,
    })
    .unwrap();
    *blob_at(&mut b, ZERO_PAGE_ADDR) = zp;
    let c = judge(&b);
    assert_eq!(failed(&c), ["e820.covers"], "{c:#?}");
    let d = &c.iter().find(|c| c.id() == "e820.covers").unwrap().detail;
    assert!(d.contains(&format!("initrd {s:#x}")), "{d}");
}

#[test]
fn command_line_past_cmdline_size_fails_bootparams_cmdline() {
    let mut b = boot(&bz(), None);
    // The pointer now leads to 3000 bytes without a NUL within cmdline_size (2047) + 1.
    let long = 0x3_0000u64;
    b.plan.blobs.push(crate::Blob {
        addr: long,
        bytes: [vec![b'x'; 3000], vec![0]].concat(),
    });
    blob_at(&mut b, ZERO_PAGE_ADDR)[0x228..0x22c].copy_from_slice(&(long as u32).to_le_bytes());
    let c = judge(&b);
    assert_eq!(failed(&c), ["bootparams.cmdline"], "{c:#?}");
    // A different command line is caught by the same check.
    let mut b = boot(&bz(), None);
    blob_at(&mut b, CMDLINE_ADDR)[0] = b'C';
    let c = judge(&b);
    assert_eq!(failed(&c), ["bootparams.cmdline"], "{c:#?}");
    // And a null pointer.
    let mut b = boot(&bz(), None);
    blob_at(&mut b, ZERO_PAGE_ADDR)[0x228..0x22c].fill(0);
    assert!(failed(&judge(&b)).contains(&"bootparams.cmdline"));
}

#[test]
fn pvh_with_a_bad_magic_fails_pvh_magic() {
    let mut b = boot(&elf(true), None);
    blob_at(&mut b, PVH_INFO_ADDR)[0] ^= 1;
    let c = judge(&b);
    assert_eq!(failed(&c), ["pvh.magic"], "{c:#?}");
    // EBX outside RAM: pvh.magic fails, the rest cannot be judged.
    let exp = X86Expected::of(&b, Some(CMDLINE));
    let c = check_pvh(0xffff_0000_0000, &|a, l| b.read(a, l), &exp);
    assert_eq!(failed(&c), ["pvh.magic"]);
    assert_eq!(c.len(), 5);
}

#[test]
fn other_broken_pvh_fields_fail_their_checks() {
    let case = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = boot(&elf(true), None);
        f(blob_at(&mut b, PVH_INFO_ADDR));
        failed(&judge(&b))
    };
    assert_eq!(case(&|s| s[4] = 0), ["pvh.version", "pvh.memmap"]);
    assert_eq!(case(&|s| s[12] = 0), ["pvh.modules"]);
    // The module list's initrd 64 KiB lower.
    assert_eq!(case(&|s| s[pvh::MODLIST_OFFSET + 2] ^= 1), ["pvh.modules"]);
    // A memory map of 0 entries; of one entry that leaves out high RAM.
    assert_eq!(case(&|s| s[48] = 0), ["pvh.memmap"]);
    assert_eq!(case(&|s| s[48] = 1), ["pvh.memmap"]);
    assert_eq!(case(&|s| s[24..32].fill(0)), ["pvh.cmdline"]);
}

#[test]
fn other_broken_zero_pages_fail_their_checks() {
    let case = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = boot(&bz(), None);
        f(blob_at(&mut b, ZERO_PAGE_ADDR));
        failed(&judge(&b))
    };
    // A read-only header field changed (init_size), a loader field changed (vid_mode: allowed).
    assert_eq!(case(&|z| z[0x262] = 0x7f), ["bootparams.header"]);
    assert_eq!(case(&|z| z[0x1fa] = 0xff), Vec::<&str>::new());
    assert_eq!(case(&|z| z[0x210] = 0), ["bootparams.loader"]);
    assert_eq!(case(&|z| z[0x1ef] = 1), ["bootparams.loader"]);
    // The initrd size one page short.
    assert_eq!(
        case(&|z| z[0x21c..0x220].copy_from_slice(&0xf000u32.to_le_bytes())),
        ["bootparams.ramdisk"]
    );
    // Two overlapping e820 entries: the table is wrong, and the piece in the second is not
    // covered any more.
    assert!(case(&|z| z[0x2d0 + 20 * 3..0x2d0 + 20 * 3 + 8].fill(0)).contains(&"e820.table"));
    // The zero page itself marked reserved.
    assert_eq!(
        case(&|z| z[0x2d0 + 16] = 2),
        ["e820.covers", "e820.no-overlap"]
    );
}

#[test]
fn placement_of_the_kernel() {
    // Relocatable, 2 MiB alignment, loaded at 1 MiB + 4 KiB: reported, and the kernel's
    // init_size counted from where it realigns itself.
    let b = boot(&bz(), Some(0x10_1000));
    assert!(b.kernel.contains(&(0x10_1000, 0x60_0000)), "{:?}", b.kernel);
    let c = judge(&b);
    assert!(!any_failed(&c), "{c:#?}");
    let d = &c
        .iter()
        .find(|c| c.id() == "kernel.placement")
        .unwrap()
        .detail;
    assert!(d.contains("realigns itself to 0x200000"), "{d}");
    let c = judge(&boot(&bz(), Some(0x20_0000)));
    let d = &c
        .iter()
        .find(|c| c.id() == "kernel.placement")
        .unwrap()
        .detail;
    assert!(d.contains("a multiple of kernel_alignment"), "{d}");
    // Not relocatable: at or above pref_address passes (the plan refuses a misaligned one or
    // one below pref_address; a loader that did it anyway is caught).
    let mut nr = bz();
    nr[0x234] = 0;
    let c = judge(&boot(&nr, Some(0x100_0000)));
    assert!(!any_failed(&c), "{c:#?}");
    let b = boot(&nr, Some(0x100_0000));
    let mut exp = X86Expected::of(&b, Some(CMDLINE));
    exp.load = 0x80_0000;
    let c = check_boot_params(ZERO_PAGE_ADDR, &|a, l| b.read(a, l), &exp);
    assert_eq!(failed(&c), ["kernel.placement"], "{c:#?}");
}

#[test]
fn zero_page_outside_ram_fails_every_zero_page_check() {
    let b = boot(&bz(), None);
    let exp = X86Expected::of(&b, Some(CMDLINE));
    let c = check_boot_params(MEM + 0x1000, &|a, l| b.read(a, l), &exp);
    assert_eq!(c.len(), 9);
    assert!(c.iter().all(|c| c.status == Status::Fail));
}

#[test]
fn a_firmware_placed_initrd_is_judged_by_its_bytes_where_the_loader_names_it() {
    // A firmware put the initrd: no address is expected, only the file's length and digest,
    // so a field one page off (in RAM, the right size, other bytes) fails, as does a wrong size.
    let file = (0x1_0000, crate::handoff::digest(&[0x5a; 0x1_0000]));
    let case = |elf_kernel: bool, f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = boot(&if elf_kernel { elf(true) } else { bz() }, None);
        let at = if elf_kernel {
            PVH_INFO_ADDR
        } else {
            ZERO_PAGE_ADDR
        };
        f(blob_at(&mut b, at));
        let exp = X86Expected {
            initrd: None,
            initrd_file: Some(file),
            ..X86Expected::of(&b, Some(CMDLINE))
        };
        let mem = |a, l| b.read(a, l);
        let c = match b.entry {
            X86Entry::Linux64 { rsi, .. } => check_boot_params(rsi, &mem, &exp),
            X86Entry::Pvh { ebx, .. } => check_pvh(ebx, &mem, &exp),
        };
        let detail = c
            .iter()
            .find(|c| matches!(c.id(), "bootparams.ramdisk" | "pvh.modules"))
            .map(|c| c.detail.clone())
            .unwrap();
        (failed(&c), detail)
    };
    let none = Vec::<&str>::new();
    let (f, d) = case(false, &|_| ());
    assert_eq!(f, none, "{d}");
    assert!(d.contains("holds the --initrd file's bytes"), "{d}");
    let page_lower = |z: &mut Vec<u8>| {
        let v = u32::from_le_bytes(z[0x218..0x21c].try_into().unwrap()) - 0x1000;
        z[0x218..0x21c].copy_from_slice(&v.to_le_bytes());
    };
    let (f, d) = case(false, &page_lower);
    assert_eq!(f, ["bootparams.ramdisk"]);
    assert!(d.contains("does not hold the --initrd file's bytes"), "{d}");
    let (f, d) = case(false, &|z| {
        z[0x21c..0x220].copy_from_slice(&0xf000u32.to_le_bytes())
    });
    assert_eq!(f, ["bootparams.ramdisk"]);
    assert!(
        d.contains("0xf000 bytes named, the --initrd file is 0x10000"),
        "{d}"
    );
    // PVH: module 0's address one page lower.
    let (f, _) = case(true, &|_| ());
    assert_eq!(f, none);
    let (f, d) = case(true, &|s| {
        let at = pvh::MODLIST_OFFSET;
        let v = u64::from_le_bytes(s[at..at + 8].try_into().unwrap()) - 0x1000;
        s[at..at + 8].copy_from_slice(&v.to_le_bytes());
    });
    assert_eq!(f, ["pvh.modules"]);
    assert!(d.contains("does not hold the --initrd file's bytes"), "{d}");
}
