//! The kernel handoff checklist: the rules of Linux `Documentation/arch/arm64/booting.rst`
//! (<https://docs.kernel.org/arch/arm64/booting.html>) judged on the state captured when the
//! kernel's `primary_entry` first runs with the MMU off.
//!
//! Pure functions: the machine captures an [`EntryState`] (and reads the device tree at x0 out
//! of guest memory); [`check_entry`] turns it into one [`Check`] per rule; [`check_smp`] judges
//! the secondaries and [`check_cmdline`] the console after the boot. [`waive`] applies
//! `--no-check ID`.
//!
//! Entry detection ([`EntryWatch`]): the arm64 Image header's `code0`/`code1` holds a branch to
//! `primary_entry` (with the EFI stub, `code0` is `add x13, x18, #0x16` — "MZ" — and `code1`
//! is `b primary_entry`). Both direct boot (entry at image offset 0, the branch) and the EFI
//! stub (which turns the MMU off and branches to `primary_entry`) reach it.

use fdt::Fdt;

use crate::arm64_image::{Header, BASE_ALIGN, MAGIC, MAGIC_OFFSET};
use crate::fdt::{DTB_ALIGN, DTB_MAX_SIZE};
use crate::Ram;

/// FDT header magic (Devicetree Specification §5.2).
pub const FDT_MAGIC: u32 = 0xd00d_feed;
/// booting.rst §2: the initrd and the kernel lie in one 1 GiB-aligned window…
pub const INITRD_WINDOW_ALIGN: u64 = 1 << 30;
/// …of up to 32 GiB.
pub const INITRD_WINDOW_SIZE: u64 = 32 << 30;
/// SCTLR_ELx.M: MMU enable.
pub const SCTLR_M: u64 = 1 << 0;
/// SCTLR_ELx.C: data cache enable.
pub const SCTLR_C: u64 = 1 << 2;
/// The EFI stub's minimum image alignment (`EFI_KIMG_ALIGN`, `SEGMENT_ALIGN` = 64 KiB with
/// 4 KiB pages, `arch/arm64/include/asm/efi.h`): a stub-booted kernel may sit at a 64 KiB-aligned
/// address and fixes itself up (`drivers/firmware/efi/libstub/arm64-stub.c`).
pub const EFI_KIMG_ALIGN: u64 = 64 << 10;
/// PSTATE.DAIF all masked, in the DAIF register layout (bits 9:6).
pub const DAIF_ALL: u32 = 0xf << 6;
/// CNTHCTL_EL2.EL1PCTEN (bit 0, HCR_EL2.E2H = 0).
pub const CNTHCTL_EL1PCTEN: u64 = 1 << 0;
/// CPTR_EL2.TFP (bit 10, HCR_EL2.E2H = 0).
pub const CPTR_TFP: u64 = 1 << 10;
/// ICC_SRE_EL2.SRE (bit 0).
pub const ICC_SRE_SRE: u64 = 1 << 0;
/// ICC_SRE_EL2.Enable (bit 3).
pub const ICC_SRE_ENABLE: u64 = 1 << 3;

/// Where the kernel's `primary_entry` is, relative to the Image.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EntryWatch {
    /// Byte offset of `primary_entry` from the image start.
    pub entry_offset: u64,
    /// The header's `text_offset` (image start = a 2 MiB-aligned base + this).
    pub text_offset: u64,
    /// The header's `image_size`.
    pub image_size: u64,
}

/// Target offset of an A64 `B imm26` at `at`, if `word` is one.
fn branch_target(word: u32, at: u64) -> Option<u64> {
    (word & 0xfc00_0000 == 0x1400_0000).then(|| {
        let imm = ((word & 0x03ff_ffff) << 6) as i32 >> 6;
        at.wrapping_add((imm as i64 * 4) as u64)
    })
}

impl EntryWatch {
    /// Find `primary_entry` from an Image header: the first `B` of `code0`/`code1`.
    pub fn from_header(h: &Header) -> Option<EntryWatch> {
        let entry_offset = branch_target(h.code0, 0).or_else(|| branch_target(h.code1, 4))?;
        Some(EntryWatch {
            entry_offset,
            text_offset: h.text_offset,
            image_size: h.image_size,
        })
    }

    /// Find `primary_entry` in Image bytes.
    pub fn from_image(bytes: &[u8]) -> Option<EntryWatch> {
        EntryWatch::from_header(&Header::parse(bytes)?.ok()?)
    }
}

/// One vCPU's state, captured at the first instruction of the kernel (or a secondary entry).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntryState {
    /// vCPU index.
    pub cpu: usize,
    /// Physical address of the instruction about to run.
    pub pc: u64,
    /// Exception level.
    pub el: u8,
    /// PSTATE.DAIF in bits 9:6.
    pub daif: u32,
    /// PSTATE.SP (true: SP_ELx).
    pub sp_sel: bool,
    /// x0..x3.
    pub x: [u64; 4],
    /// SCTLR_ELx of the current EL.
    pub sctlr: u64,
    /// CNTFRQ_EL0.
    pub cntfrq: u64,
    /// CNTHCTL_EL2 (0 without EL2).
    pub cnthctl_el2: u64,
    /// CPTR_EL2 (0 without EL2).
    pub cptr_el2: u64,
    /// ICC_SRE_EL2, when the GIC is a GICv3 and EL2 is implemented.
    pub icc_sre_el2: Option<u64>,
    /// The interrupt controller is a GICv3.
    pub gicv3: bool,
    /// EL2 is implemented.
    pub el2_present: bool,
    /// MPIDR_EL1.
    pub mpidr: u64,
}

/// How `primary_entry` was reached, from the block that ran just before it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EntryPath {
    /// Through the image's first instruction (`code0`/`code1`): a direct boot, or a firmware
    /// jumping to the image it placed (`booti`, rust-hypervisor-firmware).
    ImageStart,
    /// From inside the image but not its start: the EFI stub (`efi_enter_kernel`), entered by
    /// a UEFI firmware at the PE entry point, turning the MMU off and branching here.
    EfiStub,
    /// From outside the image, at this address: something branched to `primary_entry`
    /// directly.
    Elsewhere(u64),
    /// Nothing ran before (the vCPU started there).
    #[default]
    Unknown,
}

impl EntryPath {
    /// Classify from the start of the block that ran last and the image's range.
    pub fn classify(previous_block: Option<u64>, image: (u64, u64)) -> EntryPath {
        match previous_block {
            None => EntryPath::Unknown,
            Some(p) if p == image.0 => EntryPath::ImageStart,
            Some(p) if p > image.0 && p < image.1 => EntryPath::EfiStub,
            Some(p) => EntryPath::Elsewhere(p),
        }
    }

    /// A few words for reports.
    pub fn describe(&self) -> String {
        match self {
            EntryPath::ImageStart => {
                "at the image's first instruction (direct or firmware jump)".into()
            }
            EntryPath::EfiStub => "through the EFI stub (PE entry, then primary_entry)".into(),
            EntryPath::Elsewhere(p) => format!("by a branch from {p:#x}, outside the image"),
            EntryPath::Unknown => "as the vCPU's first instruction".into(),
        }
    }

    /// Short name for reports.
    pub fn name(&self) -> &'static str {
        match self {
            EntryPath::ImageStart => "image-start",
            EntryPath::EfiStub => "efi-stub",
            EntryPath::Elsewhere(_) => "branch",
            EntryPath::Unknown => "first-instruction",
        }
    }
}

/// Where the kernel was told its initrd is, and a digest of the bytes there at entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InitrdSeen {
    /// `start..end`.
    pub range: (u64, u64),
    /// Told by `/chosen` (`false`) or by the EFI `LINUX_EFI_INITRD_MEDIA_GUID` table (`true`).
    pub via_efi: bool,
    /// [`digest`] of the bytes in `range` (`None`: not readable as RAM).
    pub digest: Option<u64>,
}

/// A 64-bit FNV-1a digest: compares an initrd in guest memory with its file.
pub fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Where the kernel image lies in RAM, as found at entry (entry - entry_offset), how it was
/// entered, and what a firmware told it besides the device tree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageFound {
    /// Physical address of the image's first byte.
    pub start: u64,
    /// The 64 header bytes read back at `start` (empty if unreadable).
    pub header: Vec<u8>,
    /// The header's `text_offset` and `image_size`, from the file.
    pub watch: EntryWatch,
    /// How `primary_entry` was reached.
    pub path: EntryPath,
    /// The UEFI facts of a stub-booted kernel.
    pub efi: Option<crate::efi::EfiFacts>,
    /// The initrd the kernel was told about.
    pub initrd: Option<InitrdSeen>,
}

/// What the checks compare against.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expected {
    /// The machine's RAM regions.
    pub ram: Vec<Ram>,
    /// The command line the user asked for (`--append` or `--expect-cmdline`).
    pub cmdline: Option<String>,
    /// Where bootemu put the initrd bytes, `start..end`.
    pub initrd: Option<(u64, u64)>,
    /// A firmware placed the initrd: its length and [`digest`], to find it wherever it went.
    pub initrd_file: Option<(u64, u64)>,
    /// Number of vCPUs.
    pub smp: usize,
}

/// Status of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The rule holds.
    Pass,
    /// The rule is broken.
    Fail,
    /// Broken or not, the user waived it (`--no-check ID`).
    Waived,
    /// The rule does not apply to this boot.
    NotApplicable,
    /// The run ended (budget, guest failure) before the state this rule judges existed: not
    /// judged, and not a failure of the handoff.
    NotReached,
}

impl Status {
    /// Short upper-case name for the summary.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Waived => "WAIVED",
            Status::NotApplicable => "N/A",
            Status::NotReached => "NOT REACHED",
        }
    }

    /// Lower-case name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Waived => "waived",
            Status::NotApplicable => "n/a",
            Status::NotReached => "not-reached",
        }
    }
}

/// One judged rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// Stable id, e.g. `regs.x0-fdt`.
    pub id: &'static str,
    /// The rule, quoted or paraphrased from booting.rst.
    pub rule: &'static str,
    /// Outcome.
    pub status: Status,
    /// One line: what was seen.
    pub detail: String,
}

/// Every check id with its rule, in report order.
pub const RULES: &[(&str, &str)] = &[
    ("image.magic", "booting.rst §4: the Image header carries the magic \"ARM\\x64\" at offset 56"),
    ("image.base-aligned", "booting.rst §4: the Image must be placed text_offset bytes from a 2 MiB aligned base address"),
    ("image.in-ram", "booting.rst §4: image_size bytes from the image start must lie in usable RAM"),
    ("image.no-overlap", "booting.rst §4: the image (image_size bytes) must not overlap the dtb, the initrd or reserved memory"),
    ("regs.x0-fdt", "booting.rst §4: x0 = physical address of the device tree blob in system RAM"),
    ("regs.x1-x3-zero", "booting.rst §4: x1 = x2 = x3 = 0 (reserved for future use)"),
    ("regs.daif-masked", "booting.rst §4: all forms of interrupts must be masked in PSTATE.DAIF"),
    ("regs.el", "booting.rst §4: the CPU must be in non-secure EL2 or EL1, the same on all CPUs"),
    ("regs.mmu-off", "booting.rst §4: the MMU must be off (SCTLR_ELx.M = 0)"),
    ("regs.dcache-off", "booting.rst §4: data caches off at entry (SCTLR_ELx.C = 0)"),
    ("fdt.header", "booting.rst §2: x0 points at a valid flattened device tree (magic 0xd00dfeed)"),
    ("fdt.aligned", "booting.rst §2: the dtb must be placed on an 8-byte boundary"),
    ("fdt.size", "booting.rst §2: the dtb must not exceed 2 megabytes"),
    ("fdt.in-ram", "booting.rst §2: the dtb lies in system RAM"),
    ("fdt.bootargs", "booting.rst §2: /chosen/bootargs holds the command line that was asked for"),
    ("fdt.initrd", "booting.rst §3: /chosen linux,initrd-start/end cover exactly the initrd"),
    ("fdt.initrd-window", "booting.rst §3: the initrd lies in one 1 GiB-aligned window of up to 32 GiB with the kernel Image"),
    ("fdt.memory", "booting.rst §1: the device tree's memory nodes describe the machine's RAM"),
    ("timer.cntfrq", "booting.rst §4: CNTFRQ must be programmed with the timer frequency"),
    ("timer.el1pcten", "booting.rst §4: entered at EL1 with EL2 present, CNTHCTL_EL2.EL1PCTEN (bit 0) must be set"),
    ("timer.cptr-tfp", "booting.rst §4: entered at EL1 with EL2 present, CPTR_EL2.TFP (bit 10) must be clear"),
    ("gic.sre-el2", "booting.rst §4: GICv3 entered at EL1 with EL2 present, ICC_SRE_EL2.Enable (bit 3) and .SRE (bit 0) must be set"),
    ("smp.enable-method", "booting.rst §5: with several CPUs, every cpu node has an enable-method (psci needs a /psci node)"),
    ("smp.cpu-on-target", "booting.rst §5: CPUs the firmware holds must be parked outside the kernel image"),
    ("smp.secondary-regs", "booting.rst §5: secondaries enter MMU off, DAIF masked, at the primary's EL, x0 = PSCI context, x1..x3 = 0"),
    ("boot.cmdline", "the kernel's \"Kernel command line:\" console line equals the expected command line"),
];

/// The rule text of a check id.
pub fn rule(id: &str) -> &'static str {
    RULES.iter().find(|(i, _)| *i == id).map_or("", |(_, r)| r)
}

/// Whether `id` names a check.
pub fn is_check_id(id: &str) -> bool {
    RULES.iter().any(|(i, _)| *i == id)
}

fn mk(id: &'static str, status: Status, detail: impl Into<String>) -> Check {
    Check {
        id,
        rule: rule(id),
        status,
        detail: detail.into(),
    }
}

fn pass_if(id: &'static str, ok: bool, detail: impl Into<String>) -> Check {
    mk(id, if ok { Status::Pass } else { Status::Fail }, detail)
}

fn in_ram(ram: &[Ram], start: u64, len: u64) -> bool {
    start
        .checked_add(len)
        .is_some_and(|end| ram.iter().any(|r| start >= r.base && end <= r.end()))
}

fn overlaps(a: (u64, u64), b: (u64, u64)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Big-endian u32 at `off`.
fn be32(b: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(off..off + 4)?.try_into().ok()?))
}

/// What the device tree says, read once (the fdt crate can panic on malformed blobs).
#[derive(Default)]
struct TreeFacts {
    bootargs: Option<String>,
    initrd: (Option<u64>, Option<u64>),
    memory: Vec<(u64, u64)>,
    reserved: Vec<(u64, u64)>,
    /// cpu node name and its enable-method.
    cpus: Vec<(String, Option<String>)>,
    psci: bool,
}

fn read_tree(blob: &[u8]) -> Result<TreeFacts, String> {
    std::panic::catch_unwind(|| {
        let t = Fdt::new(blob).map_err(|e| format!("{e:?}"))?;
        let mut f = TreeFacts::default();
        if let Some(c) = t.find_node("/chosen") {
            f.bootargs = c
                .property("bootargs")
                .and_then(|p| p.as_str())
                .map(String::from);
            let u = |n| c.property(n).and_then(|p| p.as_usize()).map(|v| v as u64);
            f.initrd = (u("linux,initrd-start"), u("linux,initrd-end"));
        }
        for r in t.memory_reservations() {
            f.reserved
                .push((r.address() as u64, r.address() as u64 + r.size() as u64));
        }
        if let Some(root) = t.find_node("/") {
            for n in root.children() {
                let is_mem = n.name == "memory" || n.name.starts_with("memory@");
                let dev_mem = n
                    .property("device_type")
                    .and_then(|p| p.as_str())
                    .is_some_and(|s| s == "memory");
                if is_mem || dev_mem {
                    for r in n.reg().into_iter().flatten() {
                        let base = r.starting_address as u64;
                        f.memory.push((base, base + r.size.unwrap_or(0) as u64));
                    }
                }
                if n.name == "psci" || n.name.starts_with("psci@") {
                    f.psci = n.compatible().is_some();
                }
                if n.name == "reserved-memory" {
                    for c in n.children() {
                        for r in c.reg().into_iter().flatten() {
                            let base = r.starting_address as u64;
                            f.reserved.push((base, base + r.size.unwrap_or(0) as u64));
                        }
                    }
                }
            }
        }
        if let Some(cpus) = t.find_node("/cpus") {
            for c in cpus.children() {
                let is_cpu = c
                    .property("device_type")
                    .and_then(|p| p.as_str())
                    .is_some_and(|s| s == "cpu");
                if is_cpu {
                    let m = c
                        .property("enable-method")
                        .and_then(|p| p.as_str())
                        .map(String::from);
                    f.cpus.push((c.name.to_string(), m));
                }
            }
        }
        f.memory.sort_unstable();
        Ok(f)
    })
    .unwrap_or_else(|_| Err("malformed structure block".into()))
}

/// Judge the primary CPU's entry: every rule of [`RULES`] but `smp.*` and `boot.cmdline`.
///
/// `fdt` holds the bytes read from guest memory at x0 (up to the header's `totalsize`, or less
/// when x0 is not in RAM); `image` is where the kernel was found.
pub fn check_entry(s: &EntryState, fdt: &[u8], image: &ImageFound, exp: &Expected) -> Vec<Check> {
    let mut out = Vec::new();
    let w = image.watch;
    // Image.
    let magic = be32(&image.header, MAGIC_OFFSET).map(u32::swap_bytes);
    out.push(pass_if(
        "image.magic",
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
    out.push(pass_if(
        "image.base-aligned",
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
    let img = (image.start, image.start.saturating_add(w.image_size));
    out.push(pass_if(
        "image.in-ram",
        in_ram(&exp.ram, img.0, w.image_size),
        format!(
            "{:#x}..{:#x} (image_size {:#x})",
            img.0, img.1, w.image_size
        ),
    ));
    // Device tree facts.
    let x0 = s.x[0];
    let header_ok = be32(fdt, 0) == Some(FDT_MAGIC);
    let total = be32(fdt, 4).unwrap_or(0) as u64;
    let tree = if header_ok && total as usize <= fdt.len() {
        read_tree(&fdt[..total as usize])
    } else if !header_ok {
        Err(format!("no FDT magic at x0 = {x0:#x}"))
    } else {
        Err(format!(
            "totalsize {total:#x} runs past the end of RAM (read {:#x})",
            fdt.len()
        ))
    };
    // Overlaps.
    let mut clashes = Vec::new();
    if header_ok && overlaps(img, (x0, x0 + total)) {
        clashes.push(format!("dtb {x0:#x}..{:#x}", x0 + total));
    }
    let initrd_range = exp.initrd.or(image.initrd.map(|i| i.range));
    if let Some(r) = initrd_range.filter(|&r| overlaps(img, r)) {
        clashes.push(format!("initrd {:#x}..{:#x}", r.0, r.1));
    }
    if let Ok(t) = &tree {
        for &r in t.reserved.iter().filter(|&&r| overlaps(img, r)) {
            clashes.push(format!("reserved {:#x}..{:#x}", r.0, r.1));
        }
    }
    out.push(pass_if(
        "image.no-overlap",
        clashes.is_empty(),
        if clashes.is_empty() {
            "clear of the dtb, the initrd and reserved memory".to_string()
        } else {
            format!("overlaps {}", clashes.join(", "))
        },
    ));
    // Registers.
    out.push(pass_if(
        "regs.x0-fdt",
        header_ok && in_ram(&exp.ram, x0, 1),
        format!(
            "x0 = {x0:#x}{}",
            if header_ok {
                " (FDT magic)"
            } else {
                " (no FDT there)"
            }
        ),
    ));
    let [_, x1, x2, x3] = s.x;
    out.push(pass_if(
        "regs.x1-x3-zero",
        x1 | x2 | x3 == 0,
        format!("x1 = {x1:#x}, x2 = {x2:#x}, x3 = {x3:#x}"),
    ));
    out.push(pass_if(
        "regs.daif-masked",
        s.daif & DAIF_ALL == DAIF_ALL,
        format!("DAIF = {:#06b}", (s.daif >> 6) & 0xf),
    ));
    out.push(pass_if(
        "regs.el",
        s.el == 1 || s.el == 2,
        format!(
            "EL{}{} on CPU {} (MPIDR {:#x})",
            s.el,
            if s.sp_sel { "h" } else { "t" },
            s.cpu,
            s.mpidr
        ),
    ));
    out.push(pass_if(
        "regs.mmu-off",
        s.sctlr & SCTLR_M == 0,
        format!("SCTLR_EL{} = {:#x}", s.el, s.sctlr),
    ));
    out.push(pass_if(
        "regs.dcache-off",
        s.sctlr & SCTLR_C == 0,
        format!("SCTLR_EL{}.C = {}", s.el, (s.sctlr & SCTLR_C != 0) as u8),
    ));
    // FDT.
    out.push(match &tree {
        Ok(_) => mk(
            "fdt.header",
            Status::Pass,
            format!("magic ok, totalsize {total:#x}"),
        ),
        Err(e) => mk("fdt.header", Status::Fail, e.clone()),
    });
    out.push(pass_if(
        "fdt.aligned",
        x0.is_multiple_of(DTB_ALIGN),
        format!("x0 = {x0:#x}"),
    ));
    out.push(if header_ok {
        pass_if(
            "fdt.size",
            total <= DTB_MAX_SIZE,
            format!("{total:#x} bytes (limit {DTB_MAX_SIZE:#x})"),
        )
    } else {
        mk("fdt.size", Status::Fail, "no device tree")
    });
    out.push(pass_if(
        "fdt.in-ram",
        header_ok && in_ram(&exp.ram, x0, total),
        format!("{x0:#x}..{:#x}", x0.saturating_add(total)),
    ));
    let t = tree.as_ref().ok();
    let bootargs = t.and_then(|t| t.bootargs.clone());
    out.push(match (&exp.cmdline, &bootargs) {
        (Some(want), Some(got)) => pass_if(
            "fdt.bootargs",
            want == got,
            if want == got {
                format!("{got:?}")
            } else {
                format!("{got:?}, expected {want:?}")
            },
        ),
        (Some(want), None) => mk(
            "fdt.bootargs",
            Status::Fail,
            format!("no /chosen/bootargs, expected {want:?}"),
        ),
        (None, got) => mk(
            "fdt.bootargs",
            Status::NotApplicable,
            format!("no command line asked for (bootargs {got:?})"),
        ),
    });
    let initrd = t.map(|t| t.initrd).unwrap_or_default();
    out.push(match (exp.initrd, exp.initrd_file, initrd) {
        (Some(want), _, (Some(a), Some(b))) => pass_if(
            "fdt.initrd",
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
        (Some(want), _, _) => mk(
            "fdt.initrd",
            Status::Fail,
            format!(
                "linux,initrd-start/end missing, initrd is at {:#x}..{:#x}",
                want.0, want.1
            ),
        ),
        (None, Some(file), _) => check_moved_initrd(image.initrd, file),
        (None, None, (None, None)) if image.initrd.is_none() => {
            mk("fdt.initrd", Status::NotApplicable, "no initrd")
        }
        (None, None, _) => {
            let (a, b) = image
                .initrd
                .map_or(initrd, |i| (Some(i.range.0), Some(i.range.1)));
            mk(
                "fdt.initrd",
                Status::Fail,
                format!(
                    "no initrd given but the kernel is told of one at {}..{}",
                    hex_or_none(a),
                    hex_or_none(b)
                ),
            )
        }
    });
    let initrd = match image.initrd {
        Some(i) if exp.initrd.is_none() => (Some(i.range.0), Some(i.range.1)),
        _ => initrd,
    };
    out.push(match initrd {
        (Some(a), Some(b)) => {
            let lo = a.min(img.0);
            let hi = b.max(img.1);
            let win = lo & !(INITRD_WINDOW_ALIGN - 1);
            pass_if(
                "fdt.initrd-window",
                hi - win <= INITRD_WINDOW_SIZE && a <= b,
                format!("kernel and initrd in {lo:#x}..{hi:#x}, window from {win:#x}"),
            )
        }
        _ => mk("fdt.initrd-window", Status::NotApplicable, "no initrd"),
    });
    out.push(match (t, &image.efi) {
        (Some(_), Some(efi)) => check_uefi_memory(efi, &exp.ram),
        (Some(t), None) => {
            let mut want: Vec<(u64, u64)> = exp.ram.iter().map(|r| (r.base, r.end())).collect();
            want.sort_unstable();
            let show = |v: &[(u64, u64)]| {
                v.iter()
                    .map(|(a, b)| format!("{a:#x}..{b:#x}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            pass_if(
                "fdt.memory",
                t.memory == want,
                if t.memory == want {
                    show(&t.memory)
                } else {
                    format!("{}, RAM is {}", show(&t.memory), show(&want))
                },
            )
        }
        (None, _) => mk("fdt.memory", Status::Fail, "no device tree"),
    });
    // Timer, FP, GIC.
    out.push(pass_if(
        "timer.cntfrq",
        s.cntfrq != 0,
        format!("CNTFRQ_EL0 = {} Hz", s.cntfrq),
    ));
    let el1_under_el2 = s.el == 1 && s.el2_present;
    let el_note = || {
        format!(
            "entered at EL{}, EL2 {}",
            s.el,
            if s.el2_present { "present" } else { "absent" }
        )
    };
    out.push(if el1_under_el2 {
        pass_if(
            "timer.el1pcten",
            s.cnthctl_el2 & CNTHCTL_EL1PCTEN != 0,
            format!("CNTHCTL_EL2 = {:#x}", s.cnthctl_el2),
        )
    } else {
        mk("timer.el1pcten", Status::NotApplicable, el_note())
    });
    out.push(if el1_under_el2 {
        pass_if(
            "timer.cptr-tfp",
            s.cptr_el2 & CPTR_TFP == 0,
            format!("CPTR_EL2 = {:#x}", s.cptr_el2),
        )
    } else {
        mk("timer.cptr-tfp", Status::NotApplicable, el_note())
    });
    out.push(match s.icc_sre_el2 {
        Some(sre) if el1_under_el2 => {
            let need = ICC_SRE_SRE | ICC_SRE_ENABLE;
            pass_if(
                "gic.sre-el2",
                sre & need == need,
                format!("ICC_SRE_EL2 = {sre:#x}"),
            )
        }
        Some(_) => mk("gic.sre-el2", Status::NotApplicable, el_note()),
        None if s.gicv3 => mk(
            "gic.sre-el2",
            Status::NotApplicable,
            format!("GICv3, {}", el_note()),
        ),
        None => mk("gic.sre-el2", Status::NotApplicable, "GICv2"),
    });
    if !header_ok {
        // No device tree at x0: that is `regs.x0-fdt`'s failure, and there is no blob for the
        // `fdt.*` rules to judge.
        for c in out.iter_mut().filter(|c| c.id.starts_with("fdt.")) {
            c.status = Status::NotApplicable;
            c.detail = format!("no device tree at x0 = {x0:#x} (see regs.x0-fdt)");
        }
    }
    out
}

fn hex_or_none(v: Option<u64>) -> String {
    v.map_or("(missing)".into(), |v| format!("{v:#x}"))
}

/// `fdt.initrd` when a firmware placed the initrd: the kernel must be told of a range whose
/// bytes are the initrd file's, through `/chosen` or the EFI initrd table.
fn check_moved_initrd(seen: Option<InitrdSeen>, (len, want): (u64, u64)) -> Check {
    let Some(i) = seen else {
        return mk(
            "fdt.initrd",
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
    let same = b.checked_sub(a) == Some(len) && i.digest == Some(want);
    pass_if(
        "fdt.initrd",
        same,
        if same {
            format!("{a:#x}..{b:#x} (from {via}), the --initrd file's bytes")
        } else if b.checked_sub(a) != Some(len) {
            format!(
                "{a:#x}..{b:#x} (from {via}) is {:#x} bytes, the --initrd file {len:#x}",
                b.wrapping_sub(a)
            )
        } else {
            format!("{a:#x}..{b:#x} (from {via}) does not hold the --initrd file's bytes")
        },
    )
}

/// `fdt.memory` for a stub-booted kernel: the UEFI memory map (`linux,uefi-mmap-*`) is what
/// describes memory to it; every range it may use must be RAM.
fn check_uefi_memory(efi: &crate::efi::EfiFacts, ram: &[Ram]) -> Check {
    if efi.mmap.is_empty() {
        return mk(
            "fdt.memory",
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
        .filter(|d| !in_ram(ram, d.phys, d.phys_end() - d.phys))
        .map(|d| format!("{:#x}..{:#x} (type {})", d.phys, d.phys_end(), d.ty))
        .collect();
    let bytes: u64 = usable.iter().map(|d| d.phys_end() - d.phys).sum();
    pass_if(
        "fdt.memory",
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

/// A PSCI CPU_ON call, as the machine saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CpuOn {
    /// Calling vCPU.
    pub caller: usize,
    /// Target MPIDR.
    pub target: u64,
    /// Entry point.
    pub entry: u64,
    /// Context id (the target's x0).
    pub context: u64,
    /// Made before the kernel's entry (by firmware).
    pub before_entry: bool,
}

/// What the machine saw of the secondaries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SmpFacts {
    /// Every CPU_ON call.
    pub cpu_ons: Vec<CpuOn>,
    /// State of each secondary at its first instruction after a CPU_ON made by the kernel,
    /// with the context id it should see in x0.
    pub secondaries: Vec<(EntryState, u64)>,
    /// Other vCPUs powered on when the kernel was entered: (index, PC).
    pub running_at_entry: Vec<(usize, u64)>,
}

/// Judge the secondaries: `smp.enable-method`, `smp.cpu-on-target`, `smp.secondary-regs`.
pub fn check_smp(
    primary: &EntryState,
    fdt: &[u8],
    image: &ImageFound,
    exp: &Expected,
    smp: &SmpFacts,
) -> Vec<Check> {
    let mut out = Vec::new();
    let tree = be32(fdt, 4)
        .filter(|_| be32(fdt, 0) == Some(FDT_MAGIC))
        .and_then(|n| fdt.get(..n as usize))
        .map(read_tree);
    let cpus_in_tree = match &tree {
        Some(Ok(t)) => t.cpus.len(),
        _ => 0,
    };
    out.push(if exp.smp <= 1 && cpus_in_tree <= 1 {
        mk("smp.enable-method", Status::NotApplicable, "one CPU")
    } else {
        match &tree {
            Some(Ok(t)) => {
                let missing: Vec<&str> = t
                    .cpus
                    .iter()
                    .filter(|(_, m)| m.is_none())
                    .map(|(n, _)| n.as_str())
                    .collect();
                let psci_missing =
                    t.cpus.iter().any(|(_, m)| m.as_deref() == Some("psci")) && !t.psci;
                let methods: Vec<&str> = t.cpus.iter().filter_map(|(_, m)| m.as_deref()).collect();
                let ok = missing.is_empty() && !psci_missing && t.cpus.len() >= exp.smp;
                pass_if(
                    "smp.enable-method",
                    ok,
                    if ok {
                        format!("{} cpu nodes: {}", t.cpus.len(), methods.join(", "))
                    } else if !missing.is_empty() {
                        format!("no enable-method in {}", missing.join(", "))
                    } else if psci_missing {
                        "enable-method \"psci\" but no /psci node".to_string()
                    } else {
                        format!("{} cpu nodes for {} vCPUs", t.cpus.len(), exp.smp)
                    },
                )
            }
            _ => mk("smp.enable-method", Status::Fail, "no readable device tree"),
        }
    });
    let img = (
        image.start,
        image.start.saturating_add(image.watch.image_size),
    );
    let inside = |pc: u64| pc >= img.0 && pc < img.1;
    let early: Vec<&CpuOn> = smp.cpu_ons.iter().filter(|c| c.before_entry).collect();
    let bad_on: Vec<String> = early
        .iter()
        .filter(|c| inside(c.entry))
        .map(|c| format!("CPU_ON {:#x} -> {:#x}", c.target, c.entry))
        .collect();
    let bad_run: Vec<String> = smp
        .running_at_entry
        .iter()
        .filter(|(_, pc)| inside(*pc))
        .map(|(i, pc)| format!("CPU {i} runs at {pc:#x}"))
        .collect();
    out.push(if exp.smp <= 1 && early.is_empty() {
        mk("smp.cpu-on-target", Status::NotApplicable, "one CPU")
    } else {
        let bad: Vec<String> = bad_on.into_iter().chain(bad_run).collect();
        pass_if(
            "smp.cpu-on-target",
            bad.is_empty(),
            if bad.is_empty() {
                format!(
                    "{} CPU_ON before entry, {} other CPU(s) running at entry, none inside the image",
                    early.len(),
                    smp.running_at_entry.len()
                )
            } else {
                format!("inside the image {:#x}..{:#x}: {}", img.0, img.1, bad.join(", "))
            },
        )
    });
    out.push(if smp.secondaries.is_empty() {
        mk(
            "smp.secondary-regs",
            Status::NotApplicable,
            "no secondary CPU started by the kernel",
        )
    } else {
        let bad: Vec<String> = smp
            .secondaries
            .iter()
            .filter_map(|(s, ctx)| {
                let mut why = Vec::new();
                if s.x[0] != *ctx {
                    why.push(format!("x0 {:#x} != context {ctx:#x}", s.x[0]));
                }
                if s.x[1] | s.x[2] | s.x[3] != 0 {
                    why.push("x1..x3 not zero".to_string());
                }
                if s.el != primary.el {
                    why.push(format!("EL{} != primary EL{}", s.el, primary.el));
                }
                if s.sctlr & SCTLR_M != 0 {
                    why.push("MMU on".to_string());
                }
                if s.daif & DAIF_ALL != DAIF_ALL {
                    why.push("DAIF not masked".to_string());
                }
                (!why.is_empty()).then(|| format!("CPU {}: {}", s.cpu, why.join(", ")))
            })
            .collect();
        pass_if(
            "smp.secondary-regs",
            bad.is_empty(),
            if bad.is_empty() {
                format!(
                    "{} secondaries at EL{}, MMU off, DAIF masked, x0 = context",
                    smp.secondaries.len(),
                    primary.el
                )
            } else {
                bad.join("; ")
            },
        )
    });
    out
}

/// `boot.cmdline`: the kernel's own `Kernel command line:` (from the console) equals the
/// expected command line. When the kernel never printed one and `entry_failed` (an entry rule
/// already failed, or the entry was never reached), that failure explains it: not applicable
/// rather than a second failure for the same cause. A printed command line is always judged.
pub fn check_cmdline(expected: Option<&str>, seen: Option<&str>, entry_failed: bool) -> Check {
    match (expected, seen) {
        (None, s) => mk(
            "boot.cmdline",
            Status::NotApplicable,
            match s {
                Some(s) => format!("no command line asked for (the kernel printed {s:?})"),
                None => "no command line asked for".to_string(),
            },
        ),
        (Some(w), Some(s)) => pass_if(
            "boot.cmdline",
            w == s,
            if w == s {
                format!("{s:?}")
            } else {
                format!("{s:?}, expected {w:?}")
            },
        ),
        (Some(w), None) if entry_failed => mk(
            "boot.cmdline",
            Status::NotApplicable,
            format!(
                "no \"Kernel command line:\" on the console, expected {w:?} (the kernel did not \
                 get that far: an entry rule failed)"
            ),
        ),
        (Some(w), None) => mk(
            "boot.cmdline",
            Status::Fail,
            format!("no \"Kernel command line:\" on the console, expected {w:?}"),
        ),
    }
}

/// The checks when the kernel entry was never reached: every entry rule gets `status` (a
/// failure when the run ended normally, [`Status::NotReached`] when it was cut short) and `why`.
pub fn not_reached(why: &str, status: Status) -> Vec<Check> {
    RULES
        .iter()
        .filter(|(id, _)| !id.starts_with("smp.") && *id != "boot.cmdline")
        .map(|&(id, r)| Check {
            id,
            rule: r,
            status,
            detail: why.to_string(),
        })
        .collect()
}

/// Apply `--no-check ID`s: a failing or passing check becomes [`Status::Waived`].
pub fn waive(checks: &mut [Check], ids: &[String]) {
    for c in checks.iter_mut() {
        if ids.iter().any(|i| i == c.id) {
            c.status = Status::Waived;
        }
    }
}

/// Whether any check failed.
pub fn any_failed(checks: &[Check]) -> bool {
    checks.iter().any(|c| c.status == Status::Fail)
}

/// The human summary: one line per check, `STATUS  id  detail`.
pub fn summary(checks: &[Check]) -> String {
    let w = checks.iter().map(|c| c.id.len()).max().unwrap_or(0);
    let mut s = String::new();
    for c in checks {
        s.push_str(&format!(
            "{:<6}  {:<w$}  {}\n",
            c.status.label(),
            c.id,
            c.detail
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm64_image::synthetic;
    use crate::fdt::{build, Chosen, GicDesc, MachineDesc, MmioDesc, PsciConduit};
    use vm_fdt::FdtWriter;

    const RAM: Ram = Ram {
        base: 0x4000_0000,
        size: 512 << 20,
    };
    const START: u64 = 0x4020_0000;
    const DTB: u64 = 0x4820_0000;
    const INITRD: (u64, u64) = (0x4800_0000, 0x4810_0000);

    fn desc(ncpu: usize) -> MachineDesc {
        MachineDesc {
            ram: RAM,
            cpus: (0..ncpu as u64).collect(),
            gic: GicDesc::V2 {
                dist: (0x0800_0000, 0x1_0000),
                cpu: (0x0801_0000, 0x1_0000),
            },
            psci: PsciConduit::Hvc,
            uart: MmioDesc {
                base: 0x0900_0000,
                size: 0x1000,
                spi: 1,
            },
            rtc: MmioDesc {
                base: 0x0901_0000,
                size: 0x1000,
                spi: 2,
            },
            fw_cfg: None,
            flash: None,
            virtio_mmio: Vec::new(),
        }
    }

    fn good_fdt() -> Vec<u8> {
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

    fn state() -> EntryState {
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

    fn image() -> ImageFound {
        let bytes = synthetic(0, 0x200_0000, 0xa, 64);
        ImageFound {
            start: START,
            header: bytes[..64].to_vec(),
            watch: EntryWatch::from_image(&bytes).unwrap(),
            ..ImageFound::default()
        }
    }

    fn exp() -> Expected {
        Expected {
            ram: vec![RAM],
            cmdline: Some("console=ttyAMA0".into()),
            initrd: Some(INITRD),
            initrd_file: None,
            smp: 1,
        }
    }

    fn get<'a>(c: &'a [Check], id: &str) -> &'a Check {
        c.iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("{id}"))
    }

    fn status(s: &EntryState, fdt: &[u8], img: &ImageFound, e: &Expected, id: &str) -> Status {
        get(&check_entry(s, fdt, img, e), id).status
    }

    #[test]
    fn entry_is_found_from_the_branch_in_code0_or_code1() {
        // synthetic: code0 = b #0x40.
        assert_eq!(image().watch.entry_offset, 0x40);
        // EFI stub: code0 = add x13, x18, #0x16 ("MZ"), code1 = b #0x1000 (from offset 4).
        let mut b = synthetic(0, 0x1000, 0, 64);
        b[0..4].copy_from_slice(&0x9100_5a4du32.to_le_bytes());
        b[4..8].copy_from_slice(&0x1400_0400u32.to_le_bytes());
        assert_eq!(EntryWatch::from_image(&b).unwrap().entry_offset, 0x1004);
        // Backwards branch decodes the sign.
        assert_eq!(branch_target(0x17ff_ffff, 8), Some(4));
        // No branch: no entry.
        b[4..8].copy_from_slice(&0xd503_201fu32.to_le_bytes());
        assert_eq!(EntryWatch::from_image(&b), None);
    }

    #[test]
    fn good_entry_passes_every_check() {
        let c = check_entry(&state(), &good_fdt(), &image(), &exp());
        for ch in &c {
            assert!(
                matches!(ch.status, Status::Pass | Status::NotApplicable),
                "{ch:?}"
            );
        }
        assert_eq!(get(&c, "fdt.bootargs").status, Status::Pass);
        assert_eq!(get(&c, "fdt.initrd").status, Status::Pass);
        assert_eq!(get(&c, "timer.el1pcten").status, Status::NotApplicable);
        assert!(!any_failed(&c));
        assert_eq!(c.len(), RULES.len() - 4);
    }

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
    fn register_rules() {
        let (f, img, e) = (good_fdt(), image(), exp());
        let mut s = state();
        s.x[0] = DTB + 0x1000; // the machine reads what lies there: no FDT
        assert_eq!(status(&s, &[0; 64], &img, &e, "regs.x0-fdt"), Status::Fail);
        s.x[0] = 0x1000; // FDT-looking bytes outside RAM
        assert_eq!(status(&s, &f, &img, &e, "regs.x0-fdt"), Status::Fail);
        let mut s = state();
        s.x[2] = 1;
        assert_eq!(status(&s, &f, &img, &e, "regs.x1-x3-zero"), Status::Fail);
        let mut s = state();
        s.daif = 0xe << 6;
        assert_eq!(status(&s, &f, &img, &e, "regs.daif-masked"), Status::Fail);
        let mut s = state();
        s.el = 0;
        assert_eq!(status(&s, &f, &img, &e, "regs.el"), Status::Fail);
        let mut s = state();
        s.el = 2;
        assert_eq!(status(&s, &f, &img, &e, "regs.el"), Status::Pass);
        let mut s = state();
        s.sctlr |= SCTLR_M;
        assert_eq!(status(&s, &f, &img, &e, "regs.mmu-off"), Status::Fail);
        let mut s = state();
        s.sctlr |= SCTLR_C;
        assert_eq!(status(&s, &f, &img, &e, "regs.dcache-off"), Status::Fail);
    }

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
    fn timer_and_gic_rules() {
        let (f, img, e) = (good_fdt(), image(), exp());
        let mut s = state();
        s.cntfrq = 0;
        assert_eq!(status(&s, &f, &img, &e, "timer.cntfrq"), Status::Fail);
        let mut s = state();
        s.el2_present = true;
        s.cnthctl_el2 = 0;
        s.cptr_el2 = CPTR_TFP;
        s.icc_sre_el2 = Some(ICC_SRE_SRE);
        let c = check_entry(&s, &f, &img, &e);
        assert_eq!(get(&c, "timer.el1pcten").status, Status::Fail);
        assert_eq!(get(&c, "timer.cptr-tfp").status, Status::Fail);
        assert_eq!(get(&c, "gic.sre-el2").status, Status::Fail);
        s.cnthctl_el2 = 3;
        s.cptr_el2 = 0x33ff;
        s.icc_sre_el2 = Some(0xf);
        let c = check_entry(&s, &f, &img, &e);
        assert_eq!(get(&c, "timer.el1pcten").status, Status::Pass);
        assert_eq!(get(&c, "timer.cptr-tfp").status, Status::Pass);
        assert_eq!(get(&c, "gic.sre-el2").status, Status::Pass);
        s.el = 2;
        let c = check_entry(&s, &f, &img, &e);
        assert_eq!(get(&c, "timer.el1pcten").status, Status::NotApplicable);
        assert_eq!(get(&c, "gic.sre-el2").status, Status::NotApplicable);
    }

    fn smp_status(f: &[u8], e: &Expected, smp: &SmpFacts, id: &str) -> Status {
        get(&check_smp(&state(), f, &image(), e, smp), id).status
    }

    #[test]
    fn smp_rules() {
        let f2 = build(&desc(2), &Chosen::default()).unwrap();
        let mut e = exp();
        e.smp = 2;
        let none = SmpFacts::default();
        assert_eq!(
            smp_status(&f2, &e, &none, "smp.enable-method"),
            Status::Pass
        );
        assert_eq!(
            smp_status(&f2, &e, &none, "smp.cpu-on-target"),
            Status::Pass
        );
        assert_eq!(
            smp_status(&f2, &e, &none, "smp.secondary-regs"),
            Status::NotApplicable
        );
        // A cpu node without enable-method.
        let mut w = FdtWriter::new().unwrap();
        let r = w.begin_node("").unwrap();
        let cpus = w.begin_node("cpus").unwrap();
        for i in 0..2u32 {
            let c = w.begin_node(&format!("cpu@{i}")).unwrap();
            w.property_string("device_type", "cpu").unwrap();
            w.property_u32("reg", i).unwrap();
            w.end_node(c).unwrap();
        }
        w.end_node(cpus).unwrap();
        w.end_node(r).unwrap();
        let bad = w.finish().unwrap();
        assert_eq!(
            smp_status(&bad, &e, &none, "smp.enable-method"),
            Status::Fail
        );
        // Firmware started a CPU inside the image.
        let early = SmpFacts {
            cpu_ons: vec![CpuOn {
                caller: 0,
                target: 1,
                entry: START + 0x100,
                context: 0,
                before_entry: true,
            }],
            ..Default::default()
        };
        assert_eq!(
            smp_status(&f2, &e, &early, "smp.cpu-on-target"),
            Status::Fail
        );
        let parked = SmpFacts {
            running_at_entry: vec![(1, START + 0x40)],
            ..Default::default()
        };
        assert_eq!(
            smp_status(&f2, &e, &parked, "smp.cpu-on-target"),
            Status::Fail
        );
        let outside = SmpFacts {
            running_at_entry: vec![(1, RAM.base + 0x1000)],
            ..Default::default()
        };
        assert_eq!(
            smp_status(&f2, &e, &outside, "smp.cpu-on-target"),
            Status::Pass
        );
        // Secondary entry registers.
        let mut sec = state();
        sec.cpu = 1;
        sec.x = [7, 0, 0, 0];
        let good = SmpFacts {
            secondaries: vec![(sec.clone(), 7)],
            ..Default::default()
        };
        assert_eq!(
            smp_status(&f2, &e, &good, "smp.secondary-regs"),
            Status::Pass
        );
        sec.el = 2;
        sec.x[3] = 1;
        let bad = SmpFacts {
            secondaries: vec![(sec, 7)],
            ..Default::default()
        };
        assert_eq!(
            smp_status(&f2, &e, &bad, "smp.secondary-regs"),
            Status::Fail
        );
    }

    #[test]
    fn cmdline_waive_and_summary() {
        assert_eq!(
            check_cmdline(Some("a b"), Some("a b"), false).status,
            Status::Pass
        );
        assert_eq!(
            check_cmdline(Some("a b"), Some("a"), false).status,
            Status::Fail
        );
        assert_eq!(check_cmdline(Some("a"), None, false).status, Status::Fail);
        assert_eq!(
            check_cmdline(None, Some("a"), false).status,
            Status::NotApplicable
        );
        let mut c = vec![check_cmdline(Some("a"), None, false)];
        assert!(any_failed(&c));
        waive(&mut c, &["boot.cmdline".to_string()]);
        assert_eq!(c[0].status, Status::Waived);
        assert!(!any_failed(&c));
        assert!(summary(&c).starts_with("WAIVED  boot.cmdline  "));
        assert!(not_reached("x", Status::Fail)
            .iter()
            .all(|c| c.status == Status::Fail));
        let n = not_reached("budget", Status::NotReached);
        assert!(!any_failed(&n));
        assert!(summary(&n).starts_with("NOT REACHED  image.magic  budget"));
        assert!(is_check_id("regs.el") && !is_check_id("regs.nope"));
        assert!(RULES.iter().all(|(_, r)| !r.is_empty()));
    }

    #[test]
    fn no_fdt_at_x0_fails_only_regs_x0_fdt() {
        let (img, e) = (image(), exp());
        let s = state();
        let not_a_tree = vec![0u8; 64];
        let c = check_entry(&s, &not_a_tree, &img, &e);
        assert_eq!(get(&c, "regs.x0-fdt").status, Status::Fail);
        for check in c.iter().filter(|c| c.id.starts_with("fdt.")) {
            assert_eq!(check.status, Status::NotApplicable, "{}", check.id);
        }
    }

    #[test]
    fn missing_cmdline_after_a_failed_entry_is_not_a_second_failure() {
        let missing = check_cmdline(Some("console=ttyAMA0"), None, true);
        assert_eq!(missing.status, Status::NotApplicable);
        let wrong = check_cmdline(Some("console=ttyAMA0"), Some("console=ttyAMA0X"), true);
        assert_eq!(wrong.status, Status::Fail);
    }
}
