//! The kernel handoff checklist: the rules of Linux `Documentation/arch/arm64/booting.rst`
//! (<https://docs.kernel.org/arch/arm64/booting.html>) judged on the state captured when the
//! kernel's `primary_entry` first runs with the MMU off.
//!
//! Pure functions: the machine captures an [`EntryState`] (and reads the device tree at x0 out
//! of guest memory); [`check_entry`] turns it into one [`Check`] per [`Rule`]; [`check_smp`]
//! judges the secondaries and [`check_cmdline`] the console after the boot. [`waive`] applies
//! `--no-check ID`.
//!
//! This file holds the captured facts and [`check_entry`]; each rule family is judged in its
//! own file, in report order ([`Rule::ALL`]): `image` (`image.*`), `regs` (`regs.*`),
//! `fdt_rules` (`fdt.*`, the UEFI memory map and a moved initrd included), `timer_gic`
//! (`timer.*`, `gic.*`), `smp` (`smp.*`), `cmdline` (`boot.cmdline`); `rules` is the rule
//! table, `tree` reads the device tree once, `verdict` waives and summarises.
//!
//! x86 boots have their own families, judged from the zero page or `hvm_start_info` and the
//! memory they point into: `x86` (`bootparams.*`, `e820.*`, `kernel.*`: the 64-bit boot
//! protocol, [`check_boot_params`]) and `pvh` (`pvh.*`, [`check_pvh`]); the boot CPU's entry
//! state is judged by `x86_entry` (`entry64.*` and `pvh-entry.*`, [`check_x86_entry`]);
//! `boot.cmdline` serves both architectures.
//!
//! Entry detection ([`EntryWatch`]): the arm64 Image header's `code0`/`code1` holds a branch to
//! `primary_entry` (with the EFI stub, `code0` is `add x13, x18, #0x16` — "MZ" — and `code1`
//! is `b primary_entry`). Both direct boot (entry at image offset 0, the branch) and the EFI
//! stub (which turns the MMU off and branches to `primary_entry`) reach it.

use crate::arm64_image::Header;
use crate::Ram;

mod cmdline;
mod fdt_rules;
#[cfg(test)]
mod fixtures;
mod image;
mod pvh;
mod regs;
mod rules;
mod smp;
mod timer_gic;
mod tree;
mod verdict;
mod x86;
mod x86_entry;

pub use cmdline::check_cmdline;
pub use pvh::check_pvh;
pub use rules::{Family, Rule};
pub use smp::{check_smp, CpuOn, SmpFacts};
pub use verdict::{any_failed, not_reached, not_reached_x86, summary, waive};
pub use x86::{check_boot_params, MemRead, X86Expected};
pub use x86_entry::check_x86_entry;

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

/// Target offset of an A64 `B imm26` at `at`, if `word` is one that branches forward or back
/// within the image (not before its first byte).
fn branch_target(word: u32, at: u64) -> Option<u64> {
    if word & 0xfc00_0000 != 0x1400_0000 {
        return None;
    }
    let imm = ((word & 0x03ff_ffff) << 6) as i32 >> 6;
    at.checked_add_signed(imm as i64 * 4)
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
    /// The rule judged.
    pub rule: Rule,
    /// Outcome.
    pub status: Status,
    /// One line: what was seen.
    pub detail: String,
}

impl Check {
    /// A check of `rule` with `status`.
    pub fn new(rule: Rule, status: Status, detail: impl Into<String>) -> Check {
        Check {
            rule,
            status,
            detail: detail.into(),
        }
    }

    /// A check of `rule` that passes if `ok` and fails otherwise.
    pub fn pass_if(rule: Rule, ok: bool, detail: impl Into<String>) -> Check {
        Check::new(rule, if ok { Status::Pass } else { Status::Fail }, detail)
    }

    /// The rule's stable id, e.g. `regs.x0-fdt`.
    pub fn id(&self) -> &'static str {
        self.rule.id()
    }

    /// The rule's text, quoted or paraphrased from booting.rst.
    pub fn rule_text(&self) -> &'static str {
        self.rule.text()
    }
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

/// What every entry rule family reads: the captured state, where the image is, what is
/// expected, and the device tree at x0, read once.
struct Entry<'a> {
    s: &'a EntryState,
    image: &'a ImageFound,
    exp: &'a Expected,
    /// The image's range, `start..start + image_size` (saturating).
    img: (u64, u64),
    dtb: tree::AtX0,
}

/// Judge the primary CPU's entry: every rule but `smp.*` and `boot.cmdline`
/// ([`Rule::at_entry`]), family by family in report order.
///
/// `fdt` holds the bytes read from guest memory at x0 (up to the header's `totalsize`, or less
/// when x0 is not in RAM); `image` is where the kernel was found.
pub fn check_entry(s: &EntryState, fdt: &[u8], image: &ImageFound, exp: &Expected) -> Vec<Check> {
    let e = Entry {
        s,
        image,
        exp,
        img: (
            image.start,
            image.start.saturating_add(image.watch.image_size),
        ),
        dtb: tree::AtX0::read(s.x[0], fdt),
    };
    let mut out = image::check(&e);
    out.extend(regs::check(&e));
    out.extend(fdt_rules::check(&e));
    out.extend(timer_gic::check(&e));
    out
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use crate::arm64_image::synthetic;

    #[test]
    fn entry_is_found_from_the_branch_in_code0_or_code1() {
        // synthetic: code0 = b #0x40.
        assert_eq!(image().watch.entry_offset, 0x40);
        // EFI stub: code0 = add x13, x18, #0x16 ("MZ"), code1 = b #0x1000 (from offset 4).
        let mut b = synthetic(0, 0x1000, 0, 64);
        b[0..4].copy_from_slice(&0x9100_5a4du32.to_le_bytes());
        b[4..8].copy_from_slice(&0x1400_0400u32.to_le_bytes());
        assert_eq!(EntryWatch::from_image(&b).unwrap().entry_offset, 0x1004);
        // Backwards branch decodes the sign; one to before the image is no entry.
        assert_eq!(branch_target(0x17ff_ffff, 8), Some(4));
        assert_eq!(branch_target(0x17ff_ffff, 0), None);
        let mut back = synthetic(0, 0x1000, 0, 64);
        back[0..4].copy_from_slice(&0x17ff_ffffu32.to_le_bytes()); // b .-4
        assert_eq!(EntryWatch::from_image(&back), None);
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
        assert_eq!(c.len(), Rule::ALL.iter().filter(|r| r.at_entry()).count());
    }

    #[test]
    fn checks_come_in_report_order() {
        let mut c = check_entry(&state(), &good_fdt(), &image(), &exp());
        c.extend(check_smp(
            &state(),
            &good_fdt(),
            &image(),
            &exp(),
            &SmpFacts::default(),
        ));
        c.push(check_cmdline(None, None, false));
        let rules: Vec<Rule> = c.iter().map(|c| c.rule).collect();
        let arm64: Vec<Rule> = Rule::ALL
            .iter()
            .copied()
            .filter(|r| r.applies_to(crate::Arch::Aarch64))
            .collect();
        assert_eq!(rules, arm64);
        // Without a tree at x0 too.
        let c = check_entry(&state(), &[0; 64], &image(), &exp());
        let rules: Vec<Rule> = c.iter().map(|c| c.rule).collect();
        let entry: Vec<Rule> = Rule::ALL.iter().copied().filter(|r| r.at_entry()).collect();
        assert_eq!(rules, entry);
    }
}
