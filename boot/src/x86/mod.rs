//! What an x86 loader hands a Linux kernel besides the image, independent of any machine: the
//! choice of protocol, the guest memory layout (command line, initrd, zero page or
//! `hvm_start_info`), and the entry registers ([`complete`]).
//!
//! Protocols, as rust-vmm linux-loader defines them:
//! - a bzImage ([`crate::bzimage`]) runs the 64-bit boot protocol (`boot.rst` "64-bit Boot
//!   Protocol"): entry at load + 0x200 with RSI = the zero page ([`zero_page`]);
//! - an x86-64 ELF `vmlinux` with a PVH note, planned without a `kernel_offset`, runs PVH:
//!   entry at the note's address in 32-bit flat protected mode, paging off, with EBX =
//!   `hvm_start_info` ([`pvh`]);
//! - an ELF without the note (or with it ignored because an offset was given) runs the 64-bit
//!   protocol at `e_entry`, with a zero page whose setup header is the minimal one.
//!
//! Layout (low memory, as KVM VMMs lay it out for PVH and 64-bit boots): `hvm_start_info` at
//! [`PVH_INFO_ADDR`], the zero page at [`ZERO_PAGE_ADDR`], the command line at
//! [`CMDLINE_ADDR`]; the initrd page-aligned at the top of high RAM below the kernel's limit
//! (`initrd_addr_max`, or 4 GiB). The memory map is [`e820::guest_map`]. The entry state's
//! GDT, boot stack and page tables sit between them ([`entry`]); the ACPI tables, when the boot
//! has a machine description, in the BIOS area ([`crate::acpi::x86::ACPI_ADDR`], reserved in the
//! map), their RSDP handed over in `boot_params.acpi_rsdp_addr` or `hvm_start_info.rsdp_paddr`.

pub mod e820;
pub mod entry;
pub mod firmware;
pub mod found;
pub mod gdt;
pub mod paging;
pub mod pvh;
pub mod zero_page;

use crate::acpi::x86::{self as acpi_x86, X86MachineDesc};
use crate::acpi::AcpiTables;
use crate::elf::Pvh;
use crate::{Arch, Blob, Format, MapEntry, Plan, Ram};
use e820::E820Entry;
pub use entry::X86EntryState;

/// Where `hvm_start_info`, its module list and memory map go (one page).
pub const PVH_INFO_ADDR: u64 = 0x6000;
/// Where the zero page goes.
pub const ZERO_PAGE_ADDR: u64 = 0x7000;
/// Where the command line goes (NUL-terminated).
pub const CMDLINE_ADDR: u64 = 0x2_0000;
/// The initrd's alignment.
pub const INITRD_ALIGN: u64 = 0x1000;

/// Why an x86 boot cannot be laid out.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The kernel is not an x86 one.
    #[error("not an x86 kernel (a bzImage or an x86-64 ELF vmlinux)")]
    NotX86,
    /// The zero page refuses the command line or initrd.
    #[error(transparent)]
    ZeroPage(#[from] zero_page::Error),
    /// The start_info cannot be built.
    #[error(transparent)]
    Pvh(#[from] pvh::Error),
    /// The ACPI tables cannot be built.
    #[error(transparent)]
    Acpi(#[from] acpi_x86::Error),
    /// A firmware that is not an x86-64 ELF with a PVH note.
    #[error("not an x86-64 ELF with a PVH note (an x86 firmware is entered through PVH)")]
    FirmwareNotPvh,
    /// No room for the kernel module of a firmware boot.
    #[error(
        "kernel file of {len:#x} bytes does not fit between the firmware's end {low:#x} and \
         {limit:#x} (the initrd or the top of RAM below the 3 GiB MMIO hole)"
    )]
    KernelModuleNoRoom {
        /// The file's size.
        len: u64,
        /// One past the firmware's last byte.
        low: u64,
        /// One past the highest byte the module may use.
        limit: u64,
    },
    /// The command line does not fit between its address and the end of low RAM.
    #[error("command line of {0} bytes does not fit in low RAM at {CMDLINE_ADDR:#x}")]
    CmdlineTooLong(u64),
    /// The kernel at run time (init_size from its runtime start) does not fit in high RAM.
    #[error(
        "the kernel needs {start:#x}..{end:#x} at run time (init_size from its runtime start), \
         outside high RAM {ram_start:#x}..{ram_end:#x}"
    )]
    KernelOutsideRam {
        /// Runtime start.
        start: u64,
        /// Runtime start + init_size (saturating).
        end: u64,
        /// High RAM's first byte.
        ram_start: u64,
        /// One past high RAM's last byte.
        ram_end: u64,
    },
    /// No room for the initrd between the kernel and the limit.
    #[error(
        "initrd of {len:#x} bytes does not fit between the kernel's end {kernel_end:#x} and \
         {limit:#x} (the top of RAM or the kernel's initrd limit)"
    )]
    InitrdNoRoom {
        /// The initrd's size.
        len: u64,
        /// One past the kernel's last byte (its init_size included).
        kernel_end: u64,
        /// One past the highest byte the initrd may use.
        limit: u64,
    },
}

/// How the kernel is entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum X86Entry {
    /// The 64-bit boot protocol: 64-bit mode, paging on (identity map), RIP = `rip`,
    /// RSI = the zero page.
    Linux64 {
        /// Entry address.
        rip: u64,
        /// The zero page's address.
        rsi: u64,
    },
    /// PVH: 32-bit flat protected mode, paging off, EIP = `eip`, EBX = `hvm_start_info`.
    Pvh {
        /// Entry address (the note's).
        eip: u64,
        /// `hvm_start_info`'s address.
        ebx: u64,
    },
}

impl X86Entry {
    /// The protocol's name for reports.
    pub fn protocol(&self) -> &'static str {
        match self {
            X86Entry::Linux64 { .. } => "64-bit boot protocol",
            X86Entry::Pvh { .. } => "PVH",
        }
    }
}

/// The Linux options of an x86 boot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct X86Linux {
    /// The initrd's bytes.
    pub initrd: Option<Vec<u8>>,
    /// The command line (`None`: an empty one).
    pub cmdline: Option<String>,
    /// The machine to describe in ACPI tables (`None`: no tables, RSDP address 0).
    pub acpi: Option<X86MachineDesc>,
}

/// An x86 boot laid out: the plan (kernel, command line, initrd, zero page or start_info, all
/// as blobs), how it is entered and why, and where each piece went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct X86Boot {
    /// Everything to copy, and the entry address.
    pub plan: Plan,
    /// The protocol and its key registers.
    pub entry: X86Entry,
    /// The full entry state the machine loads into the boot CPU (its GDT and page tables are
    /// among the plan's blobs).
    pub state: X86EntryState,
    /// Why this protocol: one line for `inspect` and the report.
    pub why: &'static str,
    /// The guest's RAM regions.
    pub ram: Vec<Ram>,
    /// The memory map handed over.
    pub e820: Vec<E820Entry>,
    /// The kernel's ranges: a bzImage's file bytes and `load..runtime start + init_size`, or
    /// each loaded segment of an ELF.
    pub kernel: Vec<(u64, u64)>,
    /// The command line: address and length without the NUL.
    pub cmdline: (u64, u64),
    /// The initrd: `start..end`.
    pub initrd: Option<(u64, u64)>,
    /// The ACPI tables (their blob is among the plan's blobs, at `acpi.rsdp`).
    pub acpi: Option<AcpiTables>,
    /// Memory the machine backs although the e820 map reserves it: the BIOS area holding the
    /// ACPI tables (empty without them).
    pub reserved: Vec<Ram>,
}

impl X86Boot {
    /// Read `len` bytes at `addr` as the guest would see them once the plan is loaded: RAM and
    /// the reserved areas (zeroed) with the blobs on top; `None` elsewhere.
    pub fn read(&self, addr: u64, len: u64) -> Option<Vec<u8>> {
        let mut all = self.ram.clone();
        all.extend(self.reserved.iter().copied());
        read_blobs(&self.plan.blobs, &all, addr, len)
    }
}

/// Read `len` bytes at `addr` from `blobs` laid over zeroed `ram` (`None` unless the whole range
/// lies in one RAM region).
pub fn read_blobs(blobs: &[Blob], ram: &[Ram], addr: u64, len: u64) -> Option<Vec<u8>> {
    let end = addr.checked_add(len)?;
    ram.iter().find(|r| addr >= r.base && end <= r.end())?;
    let mut out = vec![0u8; usize::try_from(len).ok()?];
    for b in blobs {
        let (s, e) = (b.addr, b.addr.saturating_add(b.bytes.len() as u64));
        let (lo, hi) = (s.max(addr), e.min(end));
        if lo < hi {
            out[(lo - addr) as usize..(hi - addr) as usize]
                .copy_from_slice(&b.bytes[(lo - s) as usize..(hi - s) as usize]);
        }
    }
    Some(out)
}

/// The RAM an x86 kernel is planned into: high RAM from 1 MiB up to the 3 GiB hole
/// ([`e820::guest_ram`]'s second region).
pub fn kernel_ram(mem_size: u64) -> Ram {
    let top = mem_size.min(e820::MMIO_HOLE_START);
    Ram {
        base: e820::HIGH_RAM_START,
        size: top.saturating_sub(e820::HIGH_RAM_START),
    }
}

/// A bzImage's ranges when its protected-mode code (`pm_len` bytes) is loaded at `load`: the
/// code itself, and the room it needs at run time. boot.rst: the kernel needs init_size bytes
/// from its runtime start, and the 64-bit protocol identity-maps init_size bytes from the load
/// address: both, from the load address (the runtime start is never below it: relocatable
/// kernels round up, others are not loaded below pref_address).
pub fn bzimage_extent(h: &crate::bzimage::Header, load: u64, pm_len: u64) -> [(u64, u64); 2] {
    let start = h.runtime_start(load);
    let end = start.max(load).saturating_add(h.init_size as u64);
    [(load, load.saturating_add(pm_len)), (load.min(start), end)]
}

/// Lay out an x86 Linux boot around a kernel plan ([`crate::plan_at`] of a bzImage or an x86-64
/// ELF, planned into [`kernel_ram`]) for a guest of `mem_size` bytes: pick the protocol, place
/// the command line and the initrd, build the zero page or `hvm_start_info`.
pub fn complete(kernel: Plan, mem_size: u64, l: &X86Linux) -> Result<X86Boot, crate::Error> {
    complete_with(kernel, mem_size, l, None).map(|(b, _)| b)
}

/// [`complete`] with a file handed over as PVH module 0 ahead of the initrd (`lead`: its bytes
/// and what it is; a firmware boot's kernel file, [`firmware`]): placed page-aligned right
/// below the initrd (or at the top of high RAM without one), above the kernel's end, and
/// listed in the one `hvm_start_info` built. Returns where it went.
pub(crate) fn complete_with(
    kernel: Plan,
    mem_size: u64,
    l: &X86Linux,
    lead: Option<(&[u8], &str)>,
) -> Result<(X86Boot, Option<(u64, u64)>), crate::Error> {
    let (header, pvh_entry, why) = match kernel.format.image() {
        Some(Format::BzImage(b)) => (
            Some(b.header.clone()),
            None,
            "bzImage: 64-bit boot protocol, entry at load + 0x200",
        ),
        Some(Format::Elf {
            arch: Arch::X86_64,
            pvh,
            ..
        }) => match pvh {
            Pvh::Present(e) => (None, Some(*e), "ELF with a PVH note and no offset: PVH"),
            Pvh::Ignored => (
                None,
                None,
                "ELF: PVH note ignored because an offset was given: 64-bit boot protocol at e_entry",
            ),
            Pvh::NotPresent => (
                None,
                None,
                "ELF without a PVH note: 64-bit boot protocol at e_entry",
            ),
        },
        _ => return Err(Error::NotX86.into()),
    };
    let ram = e820::guest_ram(mem_size);
    let map = e820::guest_map(mem_size);
    let mut plan = kernel;
    // The kernel's extent: its blobs, and for a bzImage the init_size it needs from its
    // runtime start.
    let mut kernel: Vec<(u64, u64)> = plan
        .blobs
        .iter()
        .map(|b| (b.addr, b.addr.saturating_add(b.bytes.len() as u64)))
        .collect();
    if let (Some(h), Some(&(load, _))) = (&header, kernel.first()) {
        let start = h.runtime_start(load);
        kernel.push(bzimage_extent(h, load, 0)[1]);
        plan.map.push(MapEntry {
            start,
            size: h.init_size as u64,
            what: "kernel at run time (init_size from its runtime start; not loaded)".into(),
        });
    }
    let high = kernel_ram(mem_size);
    if let Some(&(start, end)) = kernel
        .iter()
        .find(|(s, e)| *s < high.base || *e > high.end())
    {
        return Err(Error::KernelOutsideRam {
            start,
            end,
            ram_start: high.base,
            ram_end: high.end(),
        }
        .into());
    }
    let kernel_end = kernel.iter().map(|k| k.1).max().unwrap_or(0);

    let cmdline = l.cmdline.clone().unwrap_or_default();
    let cmd_len = cmdline.len() as u64;
    if CMDLINE_ADDR + cmd_len + 1 > e820::EBDA_START {
        return Err(Error::CmdlineTooLong(cmd_len).into());
    }
    let mut cmd_bytes = cmdline.into_bytes();
    cmd_bytes.push(0);
    plan.place(CMDLINE_ADDR, cmd_bytes, "command line");

    let initrd = match &l.initrd {
        None => None,
        Some(bytes) => {
            let len = bytes.len() as u64;
            let high = high.end();
            let limit = match &header {
                Some(h) => high.min(h.initrd_addr_max as u64 + 1),
                // High RAM ends at the 3 GiB MMIO hole, below PVH's 4 GiB.
                None => high,
            };
            let addr = limit
                .checked_sub(len)
                .map(|a| a & !(INITRD_ALIGN - 1))
                .filter(|&a| a >= kernel_end)
                .ok_or(Error::InitrdNoRoom {
                    len,
                    kernel_end,
                    limit,
                })?;
            plan.place(addr, bytes.clone(), crate::MAP_INITRD);
            Some((addr, addr + len))
        }
    };

    let lead_module = match lead {
        None => None,
        Some((bytes, what)) => {
            let len = bytes.len() as u64;
            let limit = initrd.map_or(high.end(), |i| i.0);
            let addr = limit
                .checked_sub(len)
                .map(|a| a & !(INITRD_ALIGN - 1))
                .filter(|&a| a >= kernel_end && len > 0)
                .ok_or(Error::KernelModuleNoRoom {
                    len,
                    low: kernel_end,
                    limit,
                })?;
            plan.place(addr, bytes.to_vec(), what);
            Some((addr, addr + len))
        }
    };

    let acpi = match &l.acpi {
        Some(m) => {
            let t = acpi_x86::build(m).map_err(Error::from)?;
            plan.place(t.rsdp, t.blob.clone(), "ACPI tables (RSDP first)");
            Some(t)
        }
        None => None,
    };
    let rsdp = acpi.as_ref().map_or(0, |t| t.rsdp);
    let reserved = match &acpi {
        Some(_) => vec![Ram {
            base: e820::BIOS_START,
            size: e820::HIGH_RAM_START - e820::BIOS_START,
        }],
        None => Vec::new(),
    };

    let (entry, layout) = match pvh_entry {
        Some(eip) => {
            let modules: Vec<(u64, u64)> = lead_module
                .into_iter()
                .chain(initrd)
                .map(|(s, e)| (s, e - s))
                .collect();
            let blob = pvh::build_modules(
                &pvh::StartInfoIn {
                    at: PVH_INFO_ADDR,
                    cmdline: CMDLINE_ADDR,
                    initrd: None,
                    memmap: &map,
                    rsdp,
                },
                &modules,
            )
            .map_err(Error::from)?;
            plan.place(
                PVH_INFO_ADDR,
                blob,
                "hvm_start_info, module list, memory map",
            );
            plan.entry = eip;
            (
                X86Entry::Pvh {
                    eip,
                    ebx: PVH_INFO_ADDR,
                },
                entry::pvh(eip, PVH_INFO_ADDR),
            )
        }
        None => {
            let load = plan.blobs.first().map_or(0, |b| b.addr);
            let zp = zero_page::build(&zero_page::ZeroPageIn {
                header: header.as_deref(),
                load,
                cmdline: (CMDLINE_ADDR, cmd_len),
                initrd: initrd.map(|(s, e)| (s, e - s)),
                e820: &map,
                rsdp,
            })
            .map_err(Error::from)?;
            plan.place(ZERO_PAGE_ADDR, zp, "zero page (boot_params)");
            (
                X86Entry::Linux64 {
                    rip: plan.entry,
                    rsi: ZERO_PAGE_ADDR,
                },
                entry::linux64(plan.entry, ZERO_PAGE_ADDR),
            )
        }
    };
    for (addr, bytes, what) in layout.blobs {
        plan.place(addr, bytes, what);
    }
    plan.map.push(MapEntry {
        start: entry::STACK_PAGE,
        size: 0x1000,
        what: format!("boot stack (RSP {:#x})", entry::BOOT_STACK_POINTER),
    });
    let boot = X86Boot {
        plan,
        entry,
        why,
        ram,
        e820: map,
        kernel,
        cmdline: (CMDLINE_ADDR, cmd_len),
        initrd,
        state: layout.state,
        acpi,
        reserved,
    };
    Ok((boot, lead_module))
}

#[cfg(test)]
pub(crate) mod tests;
