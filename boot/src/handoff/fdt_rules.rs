//! The `fdt.*` rules: the device tree at x0 (booting.rst §2, §3, §1) — its header, alignment,
//! size and place in RAM, `/chosen` bootargs and initrd (or, when a firmware moved the initrd,
//! a range holding the file's bytes), the initrd window, and the memory the kernel is told of
//! (memory nodes, or the UEFI memory map for a stub-booted kernel).

use super::rules::Family;
use super::{in_ram, Check, Entry, InitrdSeen, Rule, Status};
use super::{INITRD_WINDOW_ALIGN, INITRD_WINDOW_SIZE};
use crate::fdt::{DTB_ALIGN, DTB_MAX_SIZE};
use crate::Ram;

/// Judge `fdt.header` … `fdt.memory`. Without an FDT magic at x0 they are all not applicable:
/// that is `regs.x0-fdt`'s failure, and there is no blob to judge.
pub(super) fn check(e: &Entry) -> Vec<Check> {
    let (x0, total) = (e.dtb.x0, e.dtb.total);
    if !e.dtb.header_ok {
        return Rule::ALL
            .iter()
            .filter(|r| r.family() == Family::Fdt)
            .map(|&r| {
                Check::new(
                    r,
                    Status::NotApplicable,
                    format!("no device tree at x0 = {x0:#x} (see regs.x0-fdt)"),
                )
            })
            .collect();
    }
    let mut out = Vec::new();
    out.push(match &e.dtb.tree {
        Ok(_) => Check::new(
            Rule::FdtHeader,
            Status::Pass,
            format!("magic ok, totalsize {total:#x}"),
        ),
        Err(why) => Check::new(Rule::FdtHeader, Status::Fail, why.clone()),
    });
    out.push(Check::pass_if(
        Rule::FdtAligned,
        x0.is_multiple_of(DTB_ALIGN),
        format!("x0 = {x0:#x}"),
    ));
    out.push(Check::pass_if(
        Rule::FdtSize,
        total <= DTB_MAX_SIZE,
        format!("{total:#x} bytes (limit {DTB_MAX_SIZE:#x})"),
    ));
    out.push(Check::pass_if(
        Rule::FdtInRam,
        in_ram(&e.exp.ram, x0, total),
        match x0.checked_add(total) {
            Some(end) => format!("{x0:#x}..{end:#x}"),
            None => format!("x0 {x0:#x} + totalsize {total:#x} runs past 2^64"),
        },
    ));
    let t = e.dtb.facts();
    out.push(check_bootargs(
        e.exp.cmdline.as_deref(),
        t.and_then(|t| t.bootargs.clone()),
    ));
    let initrd = t.map(|t| t.initrd).unwrap_or_default();
    out.push(check_initrd(e, initrd));
    let initrd = match e.image.initrd {
        Some(i) if e.exp.initrd.is_none() => (Some(i.range.0), Some(i.range.1)),
        _ => initrd,
    };
    out.push(check_initrd_window(initrd, e.img));
    out.push(match (t, &e.image.efi) {
        (Some(_), Some(efi)) => check_uefi_memory(efi, &e.exp.ram),
        (Some(t), None) => check_memory_nodes(&t.memory, &e.exp.ram),
        (None, _) => Check::new(Rule::FdtMemory, Status::Fail, "no device tree"),
    });
    out
}

/// `fdt.bootargs`.
fn check_bootargs(want: Option<&str>, got: Option<String>) -> Check {
    match (want, &got) {
        (Some(want), Some(got)) => Check::pass_if(
            Rule::FdtBootargs,
            want == got,
            if want == got {
                format!("{got:?}")
            } else {
                format!("{got:?}, expected {want:?}")
            },
        ),
        (Some(want), None) => Check::new(
            Rule::FdtBootargs,
            Status::Fail,
            format!("no /chosen/bootargs, expected {want:?}"),
        ),
        (None, got) => Check::new(
            Rule::FdtBootargs,
            Status::NotApplicable,
            format!("no command line asked for (bootargs {got:?})"),
        ),
    }
}

/// `fdt.initrd`, from `/chosen`'s `linux,initrd-start/end` (`initrd`).
fn check_initrd(e: &Entry, initrd: (Option<u64>, Option<u64>)) -> Check {
    match (e.exp.initrd, e.exp.initrd_file, initrd) {
        (Some(want), _, (Some(a), Some(b))) => Check::pass_if(
            Rule::FdtInitrd,
            (a, b) == want,
            format!(
                "{a:#x}..{b:#x}{}",
                if (a, b) == want {
                    String::new()
                } else {
                    format!(", initrd is at {:#x}..{:#x}", want.0, want.1)
                }
            ),
        ),
        (Some(want), _, _) => Check::new(
            Rule::FdtInitrd,
            Status::Fail,
            format!(
                "linux,initrd-start/end missing, initrd is at {:#x}..{:#x}",
                want.0, want.1
            ),
        ),
        (None, Some(file), _) => check_moved_initrd(e.image.initrd, file),
        (None, None, (None, None)) if e.image.initrd.is_none() => {
            Check::new(Rule::FdtInitrd, Status::NotApplicable, "no initrd")
        }
        (None, None, _) => {
            let (a, b) = e
                .image
                .initrd
                .map_or(initrd, |i| (Some(i.range.0), Some(i.range.1)));
            Check::new(
                Rule::FdtInitrd,
                Status::Fail,
                format!(
                    "no initrd given but the kernel is told of one at {}..{}",
                    hex_or_none(a),
                    hex_or_none(b)
                ),
            )
        }
    }
}

fn hex_or_none(v: Option<u64>) -> String {
    v.map_or("(missing)".into(), |v| format!("{v:#x}"))
}

/// `fdt.initrd` when a firmware placed the initrd: the kernel must be told of a range whose
/// bytes are the initrd file's, through `/chosen` or the EFI initrd table.
fn check_moved_initrd(seen: Option<InitrdSeen>, (len, want): (u64, u64)) -> Check {
    let Some(i) = seen else {
        return Check::new(
            Rule::FdtInitrd,
            Status::Fail,
            format!(
                "an initrd of {len:#x} bytes was given, but neither /chosen nor an EFI \
                 initrd table tells the kernel of one"
            ),
        );
    };
    let (a, b) = i.range;
    let via = if i.via_efi {
        "EFI LINUX_EFI_INITRD_MEDIA_GUID table"
    } else {
        "/chosen linux,initrd-start/end"
    };
    let size = b.checked_sub(a);
    let same = size == Some(len) && i.digest == Some(want);
    Check::pass_if(
        Rule::FdtInitrd,
        same,
        if same {
            format!("{a:#x}..{b:#x} (from {via}), the --initrd file's bytes")
        } else if size.is_none() {
            format!("{a:#x}..{b:#x} (from {via}) ends below its start")
        } else if size != Some(len) {
            format!(
                "{a:#x}..{b:#x} (from {via}) is {:#x} bytes, the --initrd file {len:#x}",
                b - a
            )
        } else {
            format!("{a:#x}..{b:#x} (from {via}) does not hold the --initrd file's bytes")
        },
    )
}

/// `fdt.initrd-window`: the initrd `a..b` and the image `img` in one window.
fn check_initrd_window(initrd: (Option<u64>, Option<u64>), img: (u64, u64)) -> Check {
    match initrd {
        (Some(a), Some(b)) if b < a => Check::new(
            Rule::FdtInitrdWindow,
            Status::Fail,
            format!("initrd {a:#x}..{b:#x} ends below its start"),
        ),
        (Some(a), Some(b)) => {
            let lo = a.min(img.0);
            let hi = b.max(img.1);
            let win = lo & !(INITRD_WINDOW_ALIGN - 1);
            Check::pass_if(
                Rule::FdtInitrdWindow,
                hi - win <= INITRD_WINDOW_SIZE,
                format!("kernel and initrd in {lo:#x}..{hi:#x}, window from {win:#x}"),
            )
        }
        _ => Check::new(Rule::FdtInitrdWindow, Status::NotApplicable, "no initrd"),
    }
}

/// `fdt.memory` from the memory nodes: they describe exactly the machine's RAM.
fn check_memory_nodes(memory: &[(u64, u64)], ram: &[Ram]) -> Check {
    let mut want: Vec<(u64, u64)> = ram.iter().map(|r| (r.base, r.end())).collect();
    want.sort_unstable();
    let show = |v: &[(u64, u64)]| {
        v.iter()
            .map(|(a, b)| format!("{a:#x}..{b:#x}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    Check::pass_if(
        Rule::FdtMemory,
        memory == want,
        if memory == want {
            show(memory)
        } else {
            format!("{}, RAM is {}", show(memory), show(&want))
        },
    )
}

/// `fdt.memory` for a stub-booted kernel: the UEFI memory map (`linux,uefi-mmap-*`) is what
/// describes memory to it; every range it may use must be RAM.
fn check_uefi_memory(efi: &crate::efi::EfiFacts, ram: &[Ram]) -> Check {
    if efi.mmap.is_empty() {
        return Check::new(
            Rule::FdtMemory,
            Status::Fail,
            format!(
                "UEFI memory map at {:#x} ({:#x} bytes, descriptor size {:#x}) unreadable or empty",
                efi.chosen.mmap_start, efi.chosen.mmap_size, efi.chosen.desc_size
            ),
        );
    }
    let usable: Vec<_> = efi.mmap.iter().filter(|d| d.usable()).collect();
    let outside: Vec<String> = usable
        .iter()
        .filter_map(|d| match d.size().zip(d.checked_end()) {
            Some((size, _)) if in_ram(ram, d.phys, size) => None,
            Some((_, end)) => Some(format!("{:#x}..{end:#x} (type {})", d.phys, d.ty)),
            None => Some(format!(
                "{:#x} + {:#x} pages (type {}) runs past 2^64",
                d.phys, d.pages, d.ty
            )),
        })
        .collect();
    // All in RAM by now (else `outside` says so): the sum cannot pass 2^64 then, but saturates
    // anyway.
    let bytes = usable
        .iter()
        .fold(0u64, |n, d| n.saturating_add(d.size().unwrap_or(u64::MAX)));
    Check::pass_if(
        Rule::FdtMemory,
        outside.is_empty() && !usable.is_empty(),
        if !outside.is_empty() {
            format!(
                "UEFI memory map: usable ranges outside RAM: {}",
                outside.join(", ")
            )
        } else if usable.is_empty() {
            "UEFI memory map has no usable range".to_string()
        } else {
            format!(
                "UEFI memory map (linux,uefi-mmap-*): {} descriptors, {} usable in RAM \
                 ({} MiB)",
                efi.mmap.len(),
                usable.len(),
                bytes >> 20
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use crate::fdt::{build, Chosen};

    #[test]
    fn fdt_rules() {
        let (s, img, e) = (state(), image(), exp());
        let f = good_fdt();
        let mut bad = f.clone();
        bad[0] = 0;
        let c = check_entry(&s, &bad, &img, &e);
        // No magic: no device tree at x0, judged once by regs.x0-fdt.
        assert_eq!(get(&c, "regs.x0-fdt").status, Status::Fail);
        assert_eq!(get(&c, "fdt.header").status, Status::NotApplicable);
        // A header that claims more bytes than the blob has: a broken tree.
        let mut short = f.clone();
        short.truncate(64);
        let c = check_entry(&s, &short, &img, &e);
        assert_eq!(get(&c, "fdt.header").status, Status::Fail);
        assert_eq!(get(&c, "fdt.memory").status, Status::Fail);
        let mut s2 = state();
        s2.x[0] = DTB + 4;
        assert_eq!(status(&s2, &f, &img, &e, "fdt.aligned"), Status::Fail);
        let mut big = f.clone();
        big[4..8].copy_from_slice(&(3u32 << 20).to_be_bytes());
        assert_eq!(status(&s, &big, &img, &e, "fdt.size"), Status::Fail);
        let mut s3 = state();
        s3.x[0] = RAM.end() - 0x10;
        assert_eq!(status(&s3, &f, &img, &e, "fdt.in-ram"), Status::Fail);
        let mut e2 = exp();
        e2.cmdline = Some("quiet".into());
        assert_eq!(status(&s, &f, &img, &e2, "fdt.bootargs"), Status::Fail);
        e2.cmdline = None;
        assert_eq!(
            status(&s, &f, &img, &e2, "fdt.bootargs"),
            Status::NotApplicable
        );
        let mut e3 = exp();
        e3.initrd = Some((INITRD.0, INITRD.1 + 1));
        assert_eq!(status(&s, &f, &img, &e3, "fdt.initrd"), Status::Fail);
        e3.initrd = None;
        assert_eq!(status(&s, &f, &img, &e3, "fdt.initrd"), Status::Fail);
        let mut e4 = exp();
        e4.ram = vec![Ram {
            base: RAM.base,
            size: RAM.size * 2,
        }];
        assert_eq!(status(&s, &f, &img, &e4, "fdt.memory"), Status::Fail);
    }

    #[test]
    fn initrd_window() {
        let far = (RAM.base + (33 << 30), RAM.base + (33 << 30) + 0x1000);
        let f = build(
            &desc(1),
            &Chosen {
                bootargs: Some("console=ttyAMA0".into()),
                initrd: Some(far),
                kernel: None,
            },
        )
        .unwrap();
        let mut e = exp();
        e.initrd = Some(far);
        e.ram = vec![Ram {
            base: RAM.base,
            size: 40 << 30,
        }];
        assert_eq!(
            status(&state(), &f, &image(), &e, "fdt.initrd-window"),
            Status::Fail
        );
        let mut e2 = exp();
        e2.initrd = None;
        let f2 = build(&desc(1), &Chosen::default()).unwrap();
        assert_eq!(
            status(&state(), &f2, &image(), &e2, "fdt.initrd-window"),
            Status::NotApplicable
        );
    }

    #[test]
    fn ranges_that_run_past_2_64_fail_instead_of_wrapping() {
        let (img, e, f) = (image(), exp(), good_fdt());
        // x0 + totalsize.
        let mut s = state();
        s.x[0] = u64::MAX - 0x10;
        let c = check_entry(&s, &f, &img, &e);
        let in_ram = get(&c, "fdt.in-ram");
        assert_eq!(in_ram.status, Status::Fail);
        assert!(
            in_ram.detail.contains("runs past 2^64"),
            "{}",
            in_ram.detail
        );
        assert_eq!(get(&c, "image.no-overlap").status, Status::Pass);
        // A memory node whose reg runs past 2^64: a malformed tree.
        let mut w = vm_fdt::FdtWriter::new().unwrap();
        let r = w.begin_node("").unwrap();
        w.property_u32("#address-cells", 2).unwrap();
        w.property_u32("#size-cells", 2).unwrap();
        let m = w.begin_node("memory@ffffffffffff0000").unwrap();
        w.property_string("device_type", "memory").unwrap();
        w.property_array_u64("reg", &[0xffff_ffff_ffff_0000, 0x10_0000])
            .unwrap();
        w.end_node(m).unwrap();
        w.end_node(r).unwrap();
        let bad = w.finish().unwrap();
        let c = check_entry(&state(), &bad, &img, &e);
        let header = get(&c, "fdt.header");
        assert_eq!(header.status, Status::Fail);
        assert!(
            header.detail.contains("runs past 2^64"),
            "{}",
            header.detail
        );
    }

    #[test]
    fn an_initrd_that_ends_below_its_start_fails() {
        let (s, f) = (state(), build(&desc(1), &Chosen::default()).unwrap());
        let mut img = image();
        img.initrd = Some(InitrdSeen {
            range: (0x4900_0000, 0x4800_0000),
            via_efi: true,
            digest: None,
        });
        let mut e = exp();
        e.initrd = None;
        e.initrd_file = Some((0x10_0000, 5));
        let c = check_entry(&s, &f, &img, &e);
        for id in ["fdt.initrd", "fdt.initrd-window"] {
            let ch = get(&c, id);
            assert_eq!(ch.status, Status::Fail, "{id}");
            assert!(
                ch.detail.contains("ends below its start"),
                "{id}: {}",
                ch.detail
            );
        }
    }

    #[test]
    fn uefi_memory_map_descriptors_past_2_64_fail() {
        use crate::efi::{EfiFacts, MemDesc};
        let desc = |phys, pages| MemDesc {
            ty: 7,
            phys,
            virt: 0,
            pages,
            attr: 0,
        };
        let mut img = image();
        img.efi = Some(EfiFacts {
            mmap: vec![desc(RAM.base, 0x100)],
            ..EfiFacts::default()
        });
        let (s, f, e) = (state(), good_fdt(), exp());
        assert_eq!(status(&s, &f, &img, &e, "fdt.memory"), Status::Pass);
        for bad in [desc(0xffff_ffff_ffff_0000, 0x100), desc(RAM.base, u64::MAX)] {
            img.efi.as_mut().unwrap().mmap = vec![desc(RAM.base, 0x100), bad];
            let c = check_entry(&s, &f, &img, &e);
            let m = get(&c, "fdt.memory");
            assert_eq!(m.status, Status::Fail, "{bad:?}");
            assert!(m.detail.contains("runs past 2^64"), "{}", m.detail);
        }
    }

    #[test]
    fn no_fdt_at_x0_fails_only_regs_x0_fdt() {
        let (img, e) = (image(), exp());
        let s = state();
        let not_a_tree = vec![0u8; 64];
        let c = check_entry(&s, &not_a_tree, &img, &e);
        assert_eq!(get(&c, "regs.x0-fdt").status, Status::Fail);
        for check in c.iter().filter(|c| c.id().starts_with("fdt.")) {
            assert_eq!(check.status, Status::NotApplicable, "{}", check.id());
        }
    }
}
