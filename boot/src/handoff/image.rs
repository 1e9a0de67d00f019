//! The `image.*` rules: where the kernel Image lies (booting.rst §4) — its magic, its 2 MiB
//! (or, through the EFI stub, 64 KiB) aligned base, `image_size` bytes of RAM, and no overlap
//! with the dtb, the initrd or reserved memory.

use super::{be32, in_ram, overlaps, Check, Entry, EntryPath, Rule, EFI_KIMG_ALIGN};
use crate::arm64_image::{BASE_ALIGN, MAGIC, MAGIC_OFFSET};

/// Judge `image.magic`, `image.base-aligned`, `image.in-ram`, `image.no-overlap`.
pub(super) fn check(e: &Entry) -> Vec<Check> {
    let image = e.image;
    let w = image.watch;
    let mut out = Vec::new();
    let magic = be32(&image.header, MAGIC_OFFSET).map(u32::swap_bytes);
    out.push(Check::pass_if(
        Rule::ImageMagic,
        magic == Some(MAGIC),
        match magic {
            Some(m) => format!(
                "{m:#010x} at {:#x}",
                image.start.saturating_add(MAGIC_OFFSET as u64)
            ),
            None => format!("image start {:#x} unreadable", image.start),
        },
    ));
    out.push(check_base(
        image.start,
        w.text_offset,
        image.path == EntryPath::EfiStub,
    ));
    let img = e.img;
    out.push(Check::pass_if(
        Rule::ImageInRam,
        in_ram(&e.exp.ram, img.0, w.image_size),
        match img.0.checked_add(w.image_size) {
            Some(end) => format!("{:#x}..{end:#x} (image_size {:#x})", img.0, w.image_size),
            None => format!(
                "start {:#x} + image_size {:#x} runs past 2^64",
                img.0, w.image_size
            ),
        },
    ));
    // A dtb whose totalsize runs past 2^64 reaches to the top (`fdt.in-ram` fails on it).
    let (x0, total) = (e.dtb.x0, e.dtb.total);
    let dtb = (x0, x0.saturating_add(total));
    let mut clashes = Vec::new();
    if e.dtb.header_ok && overlaps(img, dtb) {
        clashes.push(format!("dtb {:#x}..{:#x}", dtb.0, dtb.1));
    }
    let initrd_range = e.exp.initrd.or(image.initrd.map(|i| i.range));
    if let Some(r) = initrd_range.filter(|&r| overlaps(img, r)) {
        clashes.push(format!("initrd {:#x}..{:#x}", r.0, r.1));
    }
    if let Some(t) = e.dtb.facts() {
        for &r in t.reserved.iter().filter(|&&r| overlaps(img, r)) {
            clashes.push(format!("reserved {:#x}..{:#x}", r.0, r.1));
        }
    }
    out.push(Check::pass_if(
        Rule::ImageNoOverlap,
        clashes.is_empty(),
        if clashes.is_empty() {
            "clear of the dtb, the initrd and reserved memory".to_string()
        } else {
            format!("overlaps {}", clashes.join(", "))
        },
    ));
    out
}

/// `image.base-aligned`: the base, `start - text_offset`, is 2 MiB aligned (64 KiB through the
/// EFI stub). A `text_offset` above the start leaves no base: it fails rather than wrapping.
fn check_base(start: u64, text_offset: u64, stub: bool) -> Check {
    let Some(base) = start.checked_sub(text_offset) else {
        return Check::pass_if(
            Rule::ImageBaseAligned,
            false,
            format!(
                "text_offset {text_offset:#x} is above the image start {start:#x}: no base address"
            ),
        );
    };
    let align = if stub { EFI_KIMG_ALIGN } else { BASE_ALIGN };
    let aligned = base.is_multiple_of(align);
    Check::pass_if(
        Rule::ImageBaseAligned,
        aligned,
        format!(
            "base {base:#x} = start {start:#x} - text_offset {text_offset:#x}{}",
            match (aligned, stub) {
                (true, false) => "",
                (true, true) if base.is_multiple_of(BASE_ALIGN) => "",
                (true, true) => " (64 KiB aligned: the EFI stub's own placement)",
                (false, false) => " (not 2 MiB aligned)",
                (false, true) => " (not even 64 KiB aligned, the EFI stub's minimum)",
            }
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use vm_fdt::FdtWriter;

    #[test]
    fn image_rules() {
        let (s, f, e) = (state(), good_fdt(), exp());
        let mut img = image();
        img.header[56] = 0;
        assert_eq!(status(&s, &f, &img, &e, "image.magic"), Status::Fail);
        let mut img = image();
        img.start += 0x1000;
        assert_eq!(status(&s, &f, &img, &e, "image.base-aligned"), Status::Fail);
        let mut img = image();
        img.start = RAM.end() - 0x1000;
        assert_eq!(status(&s, &f, &img, &e, "image.in-ram"), Status::Fail);
        let mut img = image();
        img.watch.image_size = 0x800_0000; // reaches the initrd
        let c = check_entry(&s, &f, &img, &e);
        assert_eq!(get(&c, "image.no-overlap").status, Status::Fail);
        assert!(get(&c, "image.no-overlap").detail.contains("initrd"));
        // A /memreserve/ over the image.
        let mut w =
            FdtWriter::new_with_mem_reserv(&[
                vm_fdt::FdtReserveEntry::new(START + 0x1000, 0x1000).unwrap()
            ])
            .unwrap();
        let r = w.begin_node("").unwrap();
        w.end_node(r).unwrap();
        let f2 = w.finish().unwrap();
        let c = check_entry(&s, &f2, &image(), &e);
        assert!(get(&c, "image.no-overlap").detail.contains("reserved"));
    }

    #[test]
    fn header_values_that_run_past_2_64_fail_instead_of_wrapping() {
        let (s, f, e) = (state(), good_fdt(), exp());
        // start - text_offset would wrap to a 2 MiB-aligned "base" in RAM.
        let mut img = image();
        img.watch.text_offset = 0xffff_ffff_fff0_0000;
        let c = check_entry(&s, &f, &img, &e);
        let base = get(&c, "image.base-aligned");
        assert_eq!(base.status, Status::Fail);
        assert!(
            base.detail.contains("above the image start"),
            "{}",
            base.detail
        );
        // start + image_size past 2^64.
        let mut img = image();
        img.watch.image_size = u64::MAX - 0x1000;
        let c = check_entry(&s, &f, &img, &e);
        let in_ram = get(&c, "image.in-ram");
        assert_eq!(in_ram.status, Status::Fail);
        assert!(
            in_ram.detail.contains("runs past 2^64"),
            "{}",
            in_ram.detail
        );
        assert_eq!(get(&c, "image.no-overlap").status, Status::Fail);
        // An image at the top of the address space: the magic's address does not wrap.
        let mut img = image();
        img.start = u64::MAX - 8;
        assert_eq!(status(&s, &f, &img, &e, "image.in-ram"), Status::Fail);
    }
}
