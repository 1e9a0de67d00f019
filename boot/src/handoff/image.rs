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
            Some(m) => format!("{m:#010x} at {:#x}", image.start + MAGIC_OFFSET as u64),
            None => format!("image start {:#x} unreadable", image.start),
        },
    ));
    let base = image.start.wrapping_sub(w.text_offset);
    let stub = image.path == EntryPath::EfiStub;
    let align = if stub { EFI_KIMG_ALIGN } else { BASE_ALIGN };
    let aligned = base.is_multiple_of(align);
    out.push(Check::pass_if(
        Rule::ImageBaseAligned,
        aligned,
        format!(
            "base {base:#x} = start {:#x} - text_offset {:#x}{}",
            image.start,
            w.text_offset,
            match (aligned, stub) {
                (true, false) => "",
                (true, true) if base.is_multiple_of(BASE_ALIGN) => "",
                (true, true) => " (64 KiB aligned: the EFI stub's own placement)",
                (false, false) => " (not 2 MiB aligned)",
                (false, true) => " (not even 64 KiB aligned, the EFI stub's minimum)",
            }
        ),
    ));
    let img = e.img;
    out.push(Check::pass_if(
        Rule::ImageInRam,
        in_ram(&e.exp.ram, img.0, w.image_size),
        format!(
            "{:#x}..{:#x} (image_size {:#x})",
            img.0, img.1, w.image_size
        ),
    ));
    let (x0, total) = (e.dtb.x0, e.dtb.total);
    let mut clashes = Vec::new();
    if e.dtb.header_ok && overlaps(img, (x0, x0 + total)) {
        clashes.push(format!("dtb {x0:#x}..{:#x}", x0 + total));
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
}
