//! The x86 64-bit boot protocol's handoff rules, judged on the zero page RSI points at and the
//! memory it points into: `bootparams.*` (the setup header copy, version, loader fields, command
//! line, initrd), `e820.*` (the memory map) and `kernel.*` (placement), from Linux
//! `Documentation/arch/x86/boot.rst` and `zero-page.rst`. [`X86Expected`] is what they compare
//! against; [`check_boot_params`] judges them in report order.
//!
//! Memory is read through a closure (`None` outside RAM), so the same checks judge a built plan
//! ([`crate::x86::X86Boot::read`]) and, later, guest memory at the kernel entry.

use super::{Check, Rule, Status};
use crate::bzimage::{self, Header, LOADED_HIGH, XLF_KERNEL_64};
use crate::x86::e820::{self, E820Entry};
use crate::x86::zero_page::{self, ZeroPage, E820_MAX, SENTINEL, TYPE_OF_LOADER, ZERO_PAGE_SIZE};
use crate::x86::X86Boot;
use crate::Ram;

/// Guest memory as the checks read it: `len` bytes at an address, `None` outside RAM.
pub type MemRead<'a> = &'a dyn Fn(u64, u64) -> Option<Vec<u8>>;

/// What the x86 checks compare against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct X86Expected {
    /// The machine's RAM regions.
    pub ram: Vec<Ram>,
    /// The command line asked for.
    pub cmdline: Option<String>,
    /// Where the initrd was put, `start..end` (bootemu the loader).
    pub initrd: Option<(u64, u64)>,
    /// A firmware placed the initrd: the file's length and [`super::digest`], to find it
    /// wherever the loader says it went (the range it names must hold the file's bytes).
    pub initrd_file: Option<(u64, u64)>,
    /// The image's setup header, from the file (`None`: an ELF kernel).
    pub header: Option<Header>,
    /// Where the kernel was loaded (a bzImage's protected-mode code, an ELF's first segment).
    pub load: u64,
    /// The kernel's ranges, `init_size` from its runtime start included.
    pub kernel: Vec<(u64, u64)>,
    /// Where the loader built the zero page (64-bit protocol) or `hvm_start_info` (PVH).
    pub info: u64,
}

impl X86Expected {
    /// What a laid-out boot promises.
    pub fn of(b: &X86Boot, cmdline: Option<&str>) -> X86Expected {
        X86Expected {
            ram: b.ram.clone(),
            cmdline: cmdline.map(str::to_string),
            initrd: b.initrd,
            initrd_file: None,
            header: match b.plan.format.image() {
                Some(crate::Format::BzImage(f)) => Some((*f.header).clone()),
                _ => None,
            },
            load: b.plan.blobs.first().map_or(0, |b| b.addr),
            kernel: b.kernel.clone(),
            info: match b.entry {
                crate::x86::X86Entry::Linux64 { rsi, .. } => rsi,
                crate::x86::X86Entry::Pvh { ebx, .. } => ebx,
            },
        }
    }
}

/// A setup header field: (name, zero page offset, size, written by the loader).
const HEADER_FIELDS: &[(&str, usize, usize, bool)] = &[
    ("setup_sects", 0x1f1, 1, false),
    ("root_flags", 0x1f2, 2, true),
    ("syssize", 0x1f4, 4, false),
    ("ram_size", 0x1f8, 2, false),
    ("vid_mode", 0x1fa, 2, true),
    ("root_dev", 0x1fc, 2, true),
    ("boot_flag", 0x1fe, 2, false),
    ("jump", 0x200, 2, false),
    ("header", 0x202, 4, false),
    ("version", 0x206, 2, false),
    ("realmode_swtch", 0x208, 4, true),
    ("start_sys_seg", 0x20c, 2, false),
    ("kernel_version", 0x20e, 2, false),
    ("type_of_loader", 0x210, 1, true),
    // loadflags: the read bits are compared apart.
    ("loadflags", 0x211, 1, true),
    ("setup_move_size", 0x212, 2, true),
    ("code32_start", 0x214, 4, true),
    ("ramdisk_image", 0x218, 4, true),
    ("ramdisk_size", 0x21c, 4, true),
    ("bootsect_kludge", 0x220, 4, false),
    ("heap_end_ptr", 0x224, 2, true),
    ("ext_loader_ver", 0x226, 1, true),
    ("ext_loader_type", 0x227, 1, true),
    ("cmd_line_ptr", 0x228, 4, true),
    ("initrd_addr_max", 0x22c, 4, false),
    ("kernel_alignment", 0x230, 4, true),
    ("relocatable_kernel", 0x234, 1, false),
    ("min_alignment", 0x235, 1, false),
    ("xloadflags", 0x236, 2, false),
    ("cmdline_size", 0x238, 4, false),
    ("hardware_subarch", 0x23c, 4, true),
    ("hardware_subarch_data", 0x240, 8, true),
    ("payload_offset", 0x248, 4, false),
    ("payload_length", 0x24c, 4, false),
    ("setup_data", 0x250, 8, true),
    ("pref_address", 0x258, 8, false),
    ("init_size", 0x260, 4, false),
    ("handover_offset", 0x264, 4, false),
    ("kernel_info_offset", 0x268, 4, false),
];

/// Judge the 64-bit boot protocol's handoff: the zero page at `rsi`, in report order
/// (`bootparams.*`, `e820.*`, `kernel.*`).
pub fn check_boot_params(rsi: u64, mem: MemRead, exp: &X86Expected) -> Vec<Check> {
    let Some(bytes) = mem(rsi, ZERO_PAGE_SIZE as u64) else {
        let why = format!("RSI {rsi:#x}: no 4 KiB zero page in RAM there");
        return Rule::ALL
            .iter()
            .filter(|r| {
                matches!(
                    r.family(),
                    super::Family::BootParams | super::Family::E820 | super::Family::Kernel
                )
            })
            .map(|&r| Check::new(r, Status::Fail, why.clone()))
            .collect();
    };
    let zp = ZeroPage::read(&bytes);
    let (cmdline, cmd_range) = cmdline_check(&zp, mem, exp);
    let ramdisk = zp.ramdisk();
    let mut pieces: Vec<(&str, (u64, u64))> = exp.kernel.iter().map(|&k| ("kernel", k)).collect();
    if ramdisk.1 > 0 {
        pieces.push(("initrd", (ramdisk.0, ramdisk.0.saturating_add(ramdisk.1))));
    }
    if let Some(r) = cmd_range {
        pieces.push(("command line", r));
    }
    pieces.push((
        "zero page",
        (rsi, rsi.saturating_add(ZERO_PAGE_SIZE as u64)),
    ));
    let (map, n) = zp.e820();
    vec![
        header_check(&zp, exp),
        version_check(&zp, exp),
        loader_check(&zp),
        cmdline,
        ramdisk_check(&zp, mem, exp),
        e820_table_check(&map, n, exp),
        e820_covers_check(&map, &pieces),
        no_overlap_check(&map, &pieces),
        placement_check(exp),
    ]
}

fn header_check(zp: &ZeroPage, exp: &X86Expected) -> Check {
    let Some(h) = &exp.header else {
        return Check::new(
            Rule::BootParamsHeader,
            Status::NotApplicable,
            "an ELF kernel has no setup header to copy",
        );
    };
    let end = bzimage::SETUP_HEADER_OFFSET + h.raw.len();
    let img = |off: usize, size: usize| -> u64 {
        let at = off - bzimage::SETUP_HEADER_OFFSET;
        h.raw
            .get(at..at + size)
            .map_or(0, |s| s.iter().rev().fold(0, |v, &x| (v << 8) | x as u64))
    };
    for &(name, off, size, written) in HEADER_FIELDS {
        if off + size > end {
            break;
        }
        let (a, b) = (zp.field(off, size), img(off, size));
        let differs = if name == "loadflags" {
            (a ^ b) & LOADED_HIGH as u64 != 0
        } else {
            !written && a != b
        };
        if differs {
            return Check::new(
                Rule::BootParamsHeader,
                Status::Fail,
                format!("{name} at {off:#x} is {a:#x} in the zero page, {b:#x} in the image"),
            );
        }
    }
    Check::new(
        Rule::BootParamsHeader,
        Status::Pass,
        format!(
            "0x1f1..{end:#x} copied from the image (protocol {})",
            h.version_string()
        ),
    )
}

fn version_check(zp: &ZeroPage, exp: &X86Expected) -> Check {
    if exp.header.is_none() {
        return Check::new(
            Rule::BootParamsVersion,
            Status::NotApplicable,
            "an ELF kernel entered at e_entry: no setup header announces the 64-bit entry",
        );
    }
    let (v, x) = (zp.version(), zp.xloadflags());
    Check::pass_if(
        Rule::BootParamsVersion,
        v >= bzimage::PROTOCOL_2_12 && x & XLF_KERNEL_64 != 0,
        format!("protocol {}.{:02}, xloadflags {x:#x}", v >> 8, v & 0xff),
    )
}

fn loader_check(zp: &ZeroPage) -> Check {
    let (t, lf, s) = (
        zp.field(TYPE_OF_LOADER, 1),
        zp.field(zero_page::LOADFLAGS, 1) as u8,
        zp.field(SENTINEL, 1),
    );
    let detail = format!("type_of_loader {t:#04x}, loadflags {lf:#04x}, sentinel {s:#x}");
    Check::pass_if(
        Rule::BootParamsLoader,
        t != 0 && lf & LOADED_HIGH != 0 && s == 0,
        detail,
    )
}

/// Read a NUL-terminated string of at most `max` bytes (NUL excluded) at `addr`: the bytes
/// before the NUL, or what was read when none came (with `false`). `None`: `addr` not in RAM.
pub(crate) fn read_cstr(mem: MemRead, ram: &[Ram], addr: u64, max: u64) -> Option<(Vec<u8>, bool)> {
    let room = ram
        .iter()
        .find(|r| addr >= r.base && addr < r.end())
        .map(|r| r.end() - addr)?;
    let bytes = mem(addr, (max + 1).min(room))?;
    Some(match bytes.iter().position(|&b| b == 0) {
        Some(n) => (bytes[..n].to_vec(), true),
        None => (bytes, false),
    })
}

/// The `bootparams.cmdline` check and the command line's range (with its NUL).
fn cmdline_check(zp: &ZeroPage, mem: MemRead, exp: &X86Expected) -> (Check, Option<(u64, u64)>) {
    let r = Rule::BootParamsCmdline;
    let ptr = zp.cmd_line_ptr();
    if ptr == 0 {
        return (Check::new(r, Status::Fail, "cmd_line_ptr is 0"), None);
    }
    let max = exp
        .header
        .as_ref()
        .map_or(zp.cmdline_size(), |h| h.cmdline_size) as u64;
    let Some((s, terminated)) = read_cstr(mem, &exp.ram, ptr, max) else {
        return (
            Check::new(
                r,
                Status::Fail,
                format!("cmd_line_ptr {ptr:#x} is not in RAM"),
            ),
            None,
        );
    };
    let range = (ptr, ptr.saturating_add(s.len() as u64 + 1));
    if !terminated {
        return (
            Check::new(
                r,
                Status::Fail,
                format!("cmd_line_ptr {ptr:#x}: no NUL within cmdline_size ({max}) + 1 bytes"),
            ),
            Some((ptr, ptr.saturating_add(s.len() as u64))),
        );
    }
    let s = String::from_utf8_lossy(&s).into_owned();
    let c = match &exp.cmdline {
        Some(w) => Check::pass_if(
            r,
            *w == s,
            if *w == s {
                format!("{s:?} at {ptr:#x}")
            } else {
                format!("{s:?} at {ptr:#x}, expected {w:?}")
            },
        ),
        None => Check::new(r, Status::Pass, format!("{s:?} at {ptr:#x}")),
    };
    (c, Some(range))
}

fn ramdisk_check(zp: &ZeroPage, mem: MemRead, exp: &X86Expected) -> Check {
    let r = Rule::BootParamsRamdisk;
    let (img, size) = zp.ramdisk();
    let max = exp
        .header
        .as_ref()
        .map_or(zp.initrd_addr_max(), |h| h.initrd_addr_max) as u64;
    let fields = format!("ramdisk_image {img:#x}, ramdisk_size {size:#x}");
    let (held, mut d) = match (exp.initrd, exp.initrd_file) {
        (Some((s, e)), _) => (
            img == s && img.checked_add(size) == Some(e),
            format!("{fields}; initrd at {s:#x}..{e:#x}"),
        ),
        (None, Some(file)) => {
            let (held, why) = holds_initrd(mem, img, size, file);
            (held, format!("{fields}: {why}"))
        }
        (None, None) => {
            return Check::pass_if(r, img == 0 && size == 0, format!("no initrd; {fields}"))
        }
    };
    let below = exp.header.is_none() || (size > 0 && img.saturating_add(size) - 1 <= max);
    if exp.header.is_some() {
        d.push_str(&format!(", initrd_addr_max {max:#x}"));
    }
    Check::pass_if(r, held && below, d)
}

/// Whether `start`, `size` bytes, as a loader names the initrd, holds the initrd file of
/// `(len, digest)` ([`super::digest`]) in guest memory, with what was seen.
pub(super) fn holds_initrd(
    mem: MemRead,
    start: u64,
    size: u64,
    (len, digest): (u64, u64),
) -> (bool, String) {
    if size != len {
        return (
            false,
            format!("{size:#x} bytes named, the --initrd file is {len:#x}"),
        );
    }
    match mem(start, len) {
        None => (
            false,
            format!("{start:#x}..{:#x} is not in RAM", start.saturating_add(len)),
        ),
        Some(b) if super::digest(&b) != digest => (
            false,
            format!(
                "{start:#x}..{:#x} does not hold the --initrd file's bytes",
                start + len
            ),
        ),
        Some(_) => (
            true,
            format!(
                "{start:#x}..{:#x} holds the --initrd file's bytes",
                start + len
            ),
        ),
    }
}

/// What is wrong with a memory map (the zero page's e820 table or PVH's memmap) on a machine
/// with `ram`: two entries overlapping, or a RAM entry outside its RAM.
pub(super) fn map_fault(map: &[E820Entry], ram: &[Ram]) -> Option<String> {
    if let Some((i, j)) = e820::first_overlap(map) {
        return Some(format!(
            "entries {i} and {j} overlap: {:?}, {:?}",
            map[i], map[j]
        ));
    }
    map.iter()
        .find(|e| e.kind == e820::E820_RAM && !super::in_ram(ram, e.addr, e.size))
        .map(|e| {
            format!(
                "RAM entry {:#x}..{:#x} is not RAM on this machine",
                e.addr,
                e.end()
            )
        })
}

fn e820_table_check(map: &[E820Entry], n: u8, exp: &X86Expected) -> Check {
    let r = Rule::E820Table;
    if n as usize > E820_MAX {
        return Check::new(r, Status::Fail, format!("e820_entries {n} > {E820_MAX}"));
    }
    if map.is_empty() {
        return Check::new(r, Status::Fail, "no e820 entries");
    }
    if let Some(i) = map
        .iter()
        .position(|e| e.size == 0 || e.addr.checked_add(e.size).is_none())
    {
        return Check::new(
            r,
            Status::Fail,
            format!("entry {i} is empty or wraps: {:?}", map[i]),
        );
    }
    if let Some(why) = map_fault(map, &exp.ram) {
        return Check::new(r, Status::Fail, why);
    }
    Check::new(r, Status::Pass, format!("{n} entries"))
}

fn e820_covers_check(map: &[E820Entry], pieces: &[(&str, (u64, u64))]) -> Check {
    let missing: Vec<String> = pieces
        .iter()
        .filter(|(_, (s, e))| !e820::covered_as_ram(map, *s, *e))
        .map(|(w, (s, e))| format!("{w} {s:#x}..{e:#x}"))
        .collect();
    if missing.is_empty() {
        Check::new(
            Rule::E820Covers,
            Status::Pass,
            format!("{} ranges in e820 RAM", pieces.len()),
        )
    } else {
        Check::new(
            Rule::E820Covers,
            Status::Fail,
            format!("not e820 RAM: {}", missing.join(", ")),
        )
    }
}

fn no_overlap_check(map: &[E820Entry], pieces: &[(&str, (u64, u64))]) -> Check {
    let r = Rule::E820NoOverlap;
    for (i, (w, a)) in pieces.iter().enumerate() {
        if let Some(e) = e820::reserved_overlap(map, a.0, a.1) {
            return Check::new(
                r,
                Status::Fail,
                format!(
                    "{w} {:#x}..{:#x} overlaps e820 type {} at {:#x}..{:#x}",
                    a.0,
                    a.1,
                    e.kind,
                    e.addr,
                    e.end()
                ),
            );
        }
        for (v, b) in &pieces[i + 1..] {
            // The kernel's ranges (its file and its init_size) overlap each other by design.
            if !(*w == "kernel" && *v == "kernel") && super::overlaps(*a, *b) {
                return Check::new(
                    r,
                    Status::Fail,
                    format!(
                        "{w} {:#x}..{:#x} overlaps {v} {:#x}..{:#x}",
                        a.0, a.1, b.0, b.1
                    ),
                );
            }
        }
    }
    Check::new(r, Status::Pass, "no overlaps")
}

fn placement_check(exp: &X86Expected) -> Check {
    let r = Rule::KernelPlacement;
    let Some(h) = &exp.header else {
        return Check::new(
            r,
            Status::NotApplicable,
            format!("an ELF kernel, loaded by p_paddr at {:#x}", exp.load),
        );
    };
    let load = exp.load;
    if h.relocatable {
        // boot.rst kernel_alignment: "A relocatable kernel that is loaded at an alignment
        // incompatible with the value in this field will be realigned during kernel
        // initialization" (the decompressor does it): reported, not a failure.
        let a = h.kernel_alignment as u64;
        let run = h.runtime_start(load);
        Check::new(
            r,
            Status::Pass,
            if run == load {
                format!("relocatable, loaded at {load:#x}, a multiple of kernel_alignment {a:#x}")
            } else {
                format!(
                    "relocatable, loaded at {load:#x}: the kernel realigns itself to {run:#x} \
                     (kernel_alignment {a:#x})"
                )
            },
        )
    } else {
        let floor = if h.pref_address != 0 {
            h.pref_address
        } else {
            bzimage::BZIMAGE_LOAD_ADDRESS
        };
        Check::pass_if(
            r,
            load >= floor,
            format!("not relocatable, loaded at {load:#x}, pref_address {floor:#x}"),
        )
    }
}

#[cfg(test)]
mod tests;
