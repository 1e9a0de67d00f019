//! The bodies of the fuzz targets over untrusted input (`fuzz/`, run with cargo-fuzz on the
//! nightly toolchain) and of their bounded deterministic replay in the test suite
//! (`boot/tests/fuzz_replay.rs`): one function per input kind, each taking arbitrary bytes and
//! driving every parser of that kind. A target may return errors; it must never panic, recurse
//! without bound or allocate beyond what the input's own size allows.

use crate::fdt::{self, Chosen, GicDesc, MachineDesc};
use crate::handoff::{self, EntryState, EntryWatch, ImageFound};
use crate::Ram;

/// The RAM the targets plan into (the `virt` default: 512 MiB from 1 GiB).
const RAM: Ram = Ram {
    base: 0x4000_0000,
    size: 512 << 20,
};

/// A device tree from a user (`--dtb`) or from guest memory (x0 at the kernel entry): the
/// structure check, `/chosen` read and rewrite, the device list, the UEFI facts and every
/// hand-off rule that reads a tree.
pub fn dtb(data: &[u8]) {
    let _ = fdt::validate(data);
    if let Ok(p) = fdt::prepare(data) {
        // What `prepare` gives back must itself pass.
        assert!(
            fdt::validate(&p).is_ok(),
            "prepare() output does not validate"
        );
    }
    let _ = fdt::read_chosen(data);
    let chosen = Chosen {
        bootargs: Some("console=ttyAMA0".into()),
        initrd: Some((0x4800_0000, 0x4810_0000)),
        kernel: None,
    };
    let _ = fdt::with_chosen(data, &chosen);
    let _ = fdt::devices(data);
    let _ = crate::efi::capture(data, &|addr, len| {
        let off = usize::try_from(addr.checked_sub(RAM.base)?).ok()?;
        let len = usize::try_from(len).ok()?;
        data.get(off..off.checked_add(len)?).map(<[u8]>::to_vec)
    });
    let state = EntryState {
        x: [RAM.base, 0, 0, 0],
        el: 1,
        ..EntryState::default()
    };
    let image = ImageFound {
        start: 0x4020_0000,
        watch: EntryWatch {
            entry_offset: 0x40,
            text_offset: 0,
            image_size: 0x20_0000,
        },
        ..ImageFound::default()
    };
    let exp = handoff::Expected {
        ram: vec![RAM],
        cmdline: Some("console=ttyAMA0".into()),
        initrd: Some((0x4800_0000, 0x4810_0000)),
        initrd_file: None,
        smp: 2,
    };
    let _ = handoff::check_entry(&state, data, &image, &exp);
}

/// A kernel or firmware file: format recognition and placement (arm64 Image with its PE
/// section table, ELF with its program headers and PVH note, gzip), with and without a
/// `kernel_offset`, and the Linux set-up around an Image (initrd, generated device tree).
pub fn image(data: &[u8]) {
    let _ = crate::plan(data, RAM);
    let offset = data
        .get(..8)
        .map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default()));
    let _ = crate::plan_at(data, RAM, offset);
    let _ = crate::arm64_image::Header::parse(data);
    let _ = crate::arm64_image::pe_file_end(data);
    let _ = EntryWatch::from_image(data);
    if let Some(at) = data.len().checked_sub(64) {
        let _ = crate::elf::find_pvh_note(&data[at..]);
    }
    let boot = crate::linux::LinuxBoot {
        initrd: Some(vec![0x55; 4096]),
        cmdline: Some("console=ttyAMA0".into()),
        dtb: crate::linux::DtbSource::Generate(Box::new(virt())),
    };
    let _ = crate::plan_linux(data, RAM, &boot);
}

/// An x86 kernel (bzImage or x86-64 ELF): the setup header, the plan with and without a
/// `kernel_offset`, the x86 layout (initrd, command line, zero page or `hvm_start_info`), the
/// handoff checks on that layout, and the checks on the input itself read as guest memory (a
/// zero page, a `hvm_start_info`, and what they point at).
pub fn x86(data: &[u8]) {
    use crate::handoff::{check_boot_params, check_pvh, check_x86_entry, X86Expected};
    use crate::x86::{self, X86Entry, X86Linux};
    let mem = 64 << 20;
    let _ = crate::bzimage::Header::parse(data);
    let _ = crate::arch_of(data);
    let offset = data
        .get(0x40..0x48)
        .map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default()));
    let linux = X86Linux {
        initrd: Some(vec![0x55; 4096]),
        cmdline: Some("console=ttyS0".into()),
        acpi: Some(crate::acpi::x86::X86MachineDesc::microvm(2)),
    };
    for off in [None, offset] {
        let Ok(p) = crate::plan_at(data, x86::kernel_ram(mem), off) else {
            continue;
        };
        if let Ok(b) = x86::complete(p, mem, &linux) {
            let exp = X86Expected::of(&b, Some("console=ttyS0"));
            let read = |a, l| b.read(a, l);
            let mut c = match b.entry {
                X86Entry::Linux64 { rsi, .. } => check_boot_params(rsi, &read, &exp),
                X86Entry::Pvh { ebx, .. } => check_pvh(ebx, &read, &exp),
            };
            c.extend(check_x86_entry(&b.state, &read, &exp));
            // Our own layouts pass.
            assert!(!crate::handoff::any_failed(&c), "{c:?}");
        }
    }
    // The input as guest memory from 0: a zero page and a start_info at 0.
    let ram = vec![Ram {
        base: 0,
        size: data.len() as u64,
    }];
    let read = |a: u64, l: u64| {
        let (a, l) = (usize::try_from(a).ok()?, usize::try_from(l).ok()?);
        data.get(a..a.checked_add(l)?).map(<[u8]>::to_vec)
    };
    let exp = X86Expected {
        ram,
        cmdline: Some("console=ttyS0".into()),
        initrd: Some((0x100, 0x200)),
        initrd_file: None,
        header: crate::bzimage::Header::parse(data).and_then(Result::ok),
        load: 0x1000,
        kernel: vec![(0x1000, 0x2000)],
        info: 0,
    };
    let _ = check_boot_params(0, &read, &exp);
    let _ = check_pvh(0, &read, &exp);
    // A firmware's handoff: the initrd found by its bytes wherever the input says it is.
    let fw_exp = X86Expected {
        initrd: None,
        initrd_file: Some((0x100, crate::handoff::digest(&[0; 0x100]))),
        ..exp.clone()
    };
    let _ = check_boot_params(0, &read, &fw_exp);
    let _ = check_pvh(0, &read, &fw_exp);
    // Entry states whose CR3, GDTR and selectors come from the input: the page walk and the
    // GDT reads run over hostile memory.
    let word = |at: usize| {
        data.get(at..at + 8)
            .map_or(0, |b| u64::from_le_bytes(b.try_into().unwrap_or_default()))
    };
    for mut s in [
        x86::entry::linux64(0x10_0200, word(0x50)).state,
        x86::entry::pvh(0x100_0850, word(0x50)).state,
    ] {
        s.cr3 = word(0x58);
        s.gdtr.base = word(0x60);
        s.gdtr.limit = word(0x68) as u16;
        s.cs.selector = word(0x70) as u16;
        s.ds.selector = (word(0x70) >> 16) as u16;
        let _ = check_x86_entry(&s, &read, &exp);
    }
    // The input as a kernel a firmware hands over (its entries matched against the input as
    // memory), and as that firmware.
    if let Ok(p) = crate::plan_at(data, x86::kernel_ram(mem), None) {
        if let Some(k) = x86::found::KernelSigs::of(&p, x86::kernel_ram(mem)) {
            let _ = k.watch();
            for pa in [word(0x78), 0x200, 0x100_0850] {
                if let Some(f) = k.matches(pa, &read) {
                    let _ = k.expected(&f, Vec::new(), None, Some((0x1000, 0)), 0);
                }
            }
        }
        let _ = x86::firmware::complete_firmware(p, mem, &linux, Some(data));
    }
}

/// Seeds for [`x86`]: a synthetic bzImage, and one whose first page is also a plausible zero
/// page (e820 entries, a command line pointer).
pub fn x86_seeds() -> Vec<Vec<u8>> {
    let mut code = vec![0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
    code.resize(0x400, 0x90);
    let bz = crate::bzimage::synthetic(0x020f, 8, &code);
    let mut zp = bz.clone();
    zp[0x1e8] = 2;
    zp[0x2d0 + 8..0x2d0 + 16].copy_from_slice(&0x1000u64.to_le_bytes());
    zp[0x2d0 + 16] = 1;
    zp[0x228..0x22c].copy_from_slice(&0x600u32.to_le_bytes());
    vec![bz, zp]
}

/// A UEFI memory map as the stub hands it over (`linux,uefi-mmap-*`), with every descriptor
/// size the header could claim.
pub fn uefi_mmap(data: &[u8]) {
    let desc_size = data.first().map_or(48, |&b| b as u64);
    let mmap = crate::efi::parse_mmap(data, desc_size);
    for d in &mmap {
        let _ = crate::efi::to_phys(&mmap, d.virt);
        let _ = d.checked_end();
    }
}

/// The `virt` machine the targets describe.
fn virt() -> MachineDesc {
    let gic = GicDesc::V2 {
        dist: (0x0800_0000, 0x1_0000),
        cpu: (0x0801_0000, 0x1_0000),
    };
    MachineDesc {
        fw_cfg: Some((0x0902_0000, 0x18)),
        ..fdt::test_desc(RAM, 2, gic)
    }
}

/// Seeds for [`dtb`]: the trees bootemu generates (GICv2 and GICv3, with and without
/// `/chosen` contents).
pub fn dtb_seeds() -> Vec<Vec<u8>> {
    let v3 = GicDesc::V3 {
        dist: (0x0800_0000, 0x1_0000),
        redist: (0x080a_0000, 0xf6_0000),
    };
    let chosen = Chosen {
        bootargs: Some("console=ttyAMA0 panic=-1".into()),
        initrd: Some((0x4800_0000, 0x4810_0000)),
        kernel: Some((0x4400_0000, 0x10_0000)),
    };
    [
        fdt::build(&virt(), &Chosen::default()),
        fdt::build(&virt(), &chosen),
        fdt::build(&fdt::test_desc(RAM, 4, v3), &chosen),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Seeds for [`image`]: an arm64 Image header, the same with an EFI stub whose PE section table
/// describes the file, a minimal ELF64 AArch64 executable, and a gzip'd Image.
pub fn image_seeds() -> Vec<Vec<u8>> {
    let mut img = crate::arm64_image::synthetic(0, 0x20_0000, 0xa, 0x2000);
    let plain = img.clone();
    img[0..2].copy_from_slice(b"MZ");
    img[0x3c..0x40].copy_from_slice(&0x40u32.to_le_bytes());
    img[0x40..0x44].copy_from_slice(b"PE\0\0");
    img[0x46..0x48].copy_from_slice(&1u16.to_le_bytes());
    let sh = 0x44 + 20;
    img[sh + 16..sh + 20].copy_from_slice(&0x1000u32.to_le_bytes());
    img[sh + 20..sh + 24].copy_from_slice(&0x1000u32.to_le_bytes());
    let mut elf = vec![0u8; 0x200];
    elf[..4].copy_from_slice(b"\x7fELF");
    elf[4] = 2; // ELFCLASS64
    elf[5] = 1; // little-endian
    elf[6] = 1;
    elf[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    elf[18..20].copy_from_slice(&183u16.to_le_bytes()); // EM_AARCH64
    elf[20..24].copy_from_slice(&1u32.to_le_bytes());
    elf[24..32].copy_from_slice(&0x4008_0000u64.to_le_bytes()); // e_entry
    elf[32..40].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
    elf[52..54].copy_from_slice(&64u16.to_le_bytes()); // e_ehsize
    elf[54..56].copy_from_slice(&56u16.to_le_bytes()); // e_phentsize
    elf[56..58].copy_from_slice(&1u16.to_le_bytes()); // e_phnum
    let ph = 64;
    elf[ph..ph + 4].copy_from_slice(&1u32.to_le_bytes()); // PT_LOAD
    elf[ph + 8..ph + 16].copy_from_slice(&0x100u64.to_le_bytes()); // p_offset
    elf[ph + 16..ph + 24].copy_from_slice(&0x4008_0000u64.to_le_bytes()); // p_vaddr
    elf[ph + 24..ph + 32].copy_from_slice(&0x4008_0000u64.to_le_bytes()); // p_paddr
    elf[ph + 32..ph + 40].copy_from_slice(&0x100u64.to_le_bytes()); // p_filesz
    elf[ph + 40..ph + 48].copy_from_slice(&0x1000u64.to_le_bytes()); // p_memsz
    let mut gz = Vec::new();
    {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::fast());
        let _ = e.write_all(&plain);
        let _ = e.finish();
    }
    vec![plain, img, elf, gz]
}

/// A symbol source: the kernel's kallsyms in an Image, or a symbol file (ELF or System.map
/// text), and lookups in what was read.
pub fn symbols(data: &[u8]) {
    if let Ok(k) = crate::kallsyms::parse(data) {
        let _ = k.table.lookup(k.text.wrapping_add(0x1000));
    }
    if let Ok(t) = crate::symbols::SymbolTable::from_file_bytes(data) {
        for s in t.symbols().iter().take(16) {
            assert_eq!(t.lookup(s.addr).map(|(_, off)| off), Some(0));
            let _ = t.extent(&s.name);
        }
    }
}

/// Seeds for [`symbols`]: a synthetic Image with kallsyms, and a System.map.
pub fn symbols_seeds() -> Vec<Vec<u8>> {
    vec![
        crate::kallsyms::synthetic(
            &["_stext", "primary_init", "primary_entry", "start_kernel"],
            3,
        ),
        b"ffff800008010000 T _stext\nffff8000096609f4 T start_kernel\nffff800008cc5cb4 T panic\n"
            .to_vec(),
    ]
}

/// Seeds for [`uefi_mmap`]: a version-1 map of three 48-byte descriptors.
pub fn uefi_mmap_seeds() -> Vec<Vec<u8>> {
    let mut m = Vec::new();
    for (ty, phys, virt, pages, attr) in [
        (7u32, 0x4000_0000u64, 0u64, 0x100u64, 0xfu64),
        (5, 0x5f00_0000, 0x2000_0000, 0x10, 1 << 63),
        (2, 0x4800_0000, 0, 0x20, 0xf),
    ] {
        let mut d = [0u8; 48];
        d[0..4].copy_from_slice(&ty.to_le_bytes());
        d[8..16].copy_from_slice(&phys.to_le_bytes());
        d[16..24].copy_from_slice(&virt.to_le_bytes());
        d[24..32].copy_from_slice(&pages.to_le_bytes());
        d[32..40].copy_from_slice(&attr.to_le_bytes());
        m.extend_from_slice(&d);
    }
    m[0] = 48;
    vec![m]
}
