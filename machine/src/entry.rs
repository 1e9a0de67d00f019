//! Kernel entry capture: the state [`bootemu_boot::handoff`] judges, taken the first time a
//! vCPU is about to run the kernel's `primary_entry` with the MMU off (Linux
//! `Documentation/arch/arm64/booting.rst` §4; SCTLR_ELx.M, DDI 0487 D17.2).
//!
//! Mechanism (cheap by construction): the machine gives every core a [`Watch`] — a PA mask and
//! value compared at each block start, one AND and one compare — and the core returns
//! `Exit::Watch` before running a matching block. The machine then confirms: MMU off at the
//! current EL and, for a relocatable watch, the Image header magic at `pc - entry_offset`.
//! A candidate that does not qualify is let through (`watch.pass`) and the watch stays armed;
//! once captured, the watch is disarmed on every vCPU.
//!
//! Two placements ([`WatchAt`]):
//! - [`WatchAt::Exact`]: bootemu placed the Image (direct boot): the one PA of `primary_entry`;
//! - [`WatchAt::AnyBase`]: a firmware places it: `primary_entry`'s offset from any page-aligned
//!   base (`text_offset + entry_offset` modulo the 4 KiB page), confirmed by the header magic
//!   at `pc - entry_offset`. Page granularity, not 2 MiB, so that an image a firmware put at a
//!   misaligned base is still found and judged (`image.base-aligned` fails) rather than reported
//!   as never reached. The watch is disarmed once the entry is captured, so its cost (one block
//!   start in 1024 leaves the core to be checked) is paid only while the firmware runs.
//!
//! Limitation: the core checks block *starts*; `primary_entry` is reached by a branch (the
//! header's `code1`, or the EFI stub's jump), so it starts a block.

use bootemu_boot::arm64_image::{HEADER_SIZE, MAGIC, MAGIC_OFFSET};
use bootemu_boot::efi::EfiFacts;
use bootemu_boot::handoff::{digest, EntryState, EntryWatch, ImageFound, InitrdSeen, FDT_MAGIC};
use bootemu_cpu::aarch64::mem::PAGE_SIZE;
use bootemu_cpu::aarch64::sysreg::Reg;
use bootemu_cpu::aarch64::{Cpu, Watch};

use crate::memory::GuestMemory;

/// Most device tree bytes read at x0 (the rule allows 2 MiB; more is read to report a size).
pub const FDT_READ_MAX: u64 = 4 << 20;

/// Where `primary_entry` is expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchAt {
    /// At this physical address.
    Exact(u64),
    /// At its offset from any 2 MiB-aligned base.
    AnyBase,
}

/// The armed watch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntrySpec {
    /// `primary_entry` relative to the Image.
    pub watch: EntryWatch,
    /// Where.
    pub at: WatchAt,
}

impl EntrySpec {
    /// The core's watch for this spec.
    pub fn core_watch(&self) -> Watch {
        match self.at {
            WatchAt::Exact(pa) => Watch {
                mask: !0,
                value: pa,
                pass: false,
            },
            WatchAt::AnyBase => Watch {
                mask: PAGE_SIZE - 1,
                // Both from the file: modulo the page, so wrapping is exact.
                value: self.watch.text_offset.wrapping_add(self.watch.entry_offset)
                    & (PAGE_SIZE - 1),
                pass: false,
            },
        }
    }
}

/// What was captured at the kernel's entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handoff {
    /// The primary CPU's state.
    pub entry: EntryState,
    /// The bytes at x0 (up to the FDT header's `totalsize`, at most [`FDT_READ_MAX`]).
    pub fdt: Vec<u8>,
    /// Where the image was found.
    pub image: ImageFound,
    /// Instructions executed (all vCPUs) before the entry.
    pub at_insn: u64,
}

/// SCTLR of the vCPU's current EL.
fn sctlr(cpu: &Cpu) -> u64 {
    cpu.sys.get(if cpu.el == 2 {
        Reg::SctlrEl2
    } else {
        Reg::SctlrEl1
    })
}

/// The handoff-relevant state of `cpu` (vCPU `index`); `gicv3` selects ICC_SRE_EL2.
pub fn entry_state(index: usize, cpu: &Cpu, gicv3: bool) -> EntryState {
    let el2 = cpu.max_el >= 2;
    let el2_reg = |r| if el2 { cpu.sys.get(r) } else { 0 };
    EntryState {
        cpu: index,
        pc: cpu.pc,
        el: cpu.el,
        daif: cpu.daif,
        sp_sel: cpu.sp_sel,
        x: [cpu.x[0], cpu.x[1], cpu.x[2], cpu.x[3]],
        sctlr: sctlr(cpu),
        cntfrq: cpu.sys.get(Reg::CntfrqEl0),
        cnthctl_el2: el2_reg(Reg::CnthctlEl2),
        cptr_el2: el2_reg(Reg::CptrEl2),
        icc_sre_el2: (gicv3 && el2).then(|| cpu.sys.get(Reg::IccSreEl2)),
        gicv3,
        el2_present: el2,
        mpidr: cpu.sys.get(Reg::MpidrEl1),
    }
}

/// Whether the block `cpu` is about to run is the kernel entry; `Some(image start, header)`.
///
/// The PC is a physical address: the MMU is off at the current EL, checked first.
pub fn qualifies(spec: &EntrySpec, cpu: &Cpu, mem: &GuestMemory) -> Option<(u64, Vec<u8>)> {
    if sctlr(cpu) & 1 != 0 {
        return None;
    }
    let start = cpu.pc.wrapping_sub(spec.watch.entry_offset);
    let header = mem
        .read(start, HEADER_SIZE as u64)
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    let magic = header
        .get(MAGIC_OFFSET..MAGIC_OFFSET + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    match spec.at {
        WatchAt::Exact(pa) if pa == cpu.pc => Some((start, header)),
        WatchAt::AnyBase if magic == Some(MAGIC) => Some((start, header)),
        _ => None,
    }
}

/// The bytes at `x0`: the FDT header's `totalsize` bytes (capped at [`FDT_READ_MAX`]), the
/// header alone when they run past RAM, or nothing when x0 is not in RAM.
pub fn read_fdt(mem: &GuestMemory, x0: u64) -> Vec<u8> {
    let Ok(head) = mem.read(x0, 8) else {
        return Vec::new();
    };
    let magic = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
    let total = u32::from_be_bytes([head[4], head[5], head[6], head[7]]) as u64;
    if magic != FDT_MAGIC {
        return head.to_vec();
    }
    mem.read(x0, total.clamp(8, FDT_READ_MAX))
        .map(<[u8]>::to_vec)
        .unwrap_or_else(|_| head.to_vec())
}

/// What a firmware told the kernel besides its registers: the UEFI facts of a stub-booted
/// kernel (read through the device tree's `linux,uefi-*` properties) and the initrd it was
/// told about (the EFI initrd table, else `/chosen`), with a digest of the bytes there now.
pub fn delivered(mem: &GuestMemory, fdt: &[u8]) -> (Option<EfiFacts>, Option<InitrdSeen>) {
    let read = |addr: u64, len: u64| mem.read(addr, len).ok().map(<[u8]>::to_vec);
    let efi = bootemu_boot::efi::capture(fdt, &read);
    let chosen = bootemu_boot::fdt::read_chosen(fdt)
        .ok()
        .and_then(|c| c.initrd);
    let range = match efi.as_ref().and_then(|e| e.initrd) {
        Some(r) => Some((r, true)),
        None => chosen.map(|r| (r, false)),
    };
    let initrd = range.map(|((a, b), via_efi)| InitrdSeen {
        range: (a, b),
        via_efi,
        digest: b
            .checked_sub(a)
            .and_then(|len| mem.read(a, len).ok())
            .map(digest),
    });
    (efi, initrd)
}

/// The [`ImageFound`] of a capture: the image at `start` with its `header`, entered after a
/// block that started at `previous_block`, told what [`delivered`] read.
pub fn image_found(
    spec: &EntrySpec,
    start: u64,
    header: Vec<u8>,
    previous_block: Option<u64>,
    mem: &GuestMemory,
    fdt: &[u8],
) -> ImageFound {
    let (efi, initrd) = delivered(mem, fdt);
    let end = start.saturating_add(spec.watch.image_size);
    ImageFound {
        start,
        header,
        watch: spec.watch,
        path: bootemu_boot::handoff::EntryPath::classify(previous_block, (start, end)),
        efi,
        initrd,
    }
}
