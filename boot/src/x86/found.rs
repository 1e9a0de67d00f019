//! Recognising an x86 kernel someone else loaded (a firmware or boot loader, `bootemu run
//! --firmware` on the x86 machine): the kernel's entry points as the kernel file's own bytes
//! ([`KernelSigs::of`]), matched where a block of code is about to run ([`KernelSigs::matches`]),
//! and what the handoff checks expect of the kernel once found ([`KernelSigs::expected`]).
//!
//! Entry points (Linux `Documentation/arch/x86/boot.rst`, Xen `docs/misc/pvh.pandoc`):
//! - a bzImage's 64-bit entry, `startup_64` at the protected-mode code + 0x200 (the 64-bit boot
//!   protocol), and its 32-bit entry `startup_32` at + 0 (the 32-bit boot protocol): the loader
//!   picks the load address, so they are looked for at their offset in any 4 KiB page
//!   (relocatable kernels are 2 MiB-aligned, others at `code32_start`; a page is the loosest
//!   placement a loader could use), confirmed by [`SIG_LEN`] bytes of the file;
//! - an ELF `vmlinux`'s PVH entry (its `XEN_ELFNOTE_PHYS32_ENTRY` note) and `e_entry` (the
//!   64-bit boot protocol): the ELF is loaded by `p_paddr`, so at exactly those addresses.

use super::X86Entry;
use crate::bzimage::Header;
use crate::elf::Pvh;
use crate::handoff::X86Expected;
use crate::{Arch, Format, Plan, Ram};

/// Bytes of the kernel file compared at an entry candidate.
pub const SIG_LEN: usize = 64;
/// The page the placement-free entries are looked for in.
const PAGE: u64 = 0x1000;
/// `startup_64` from the start of a bzImage's protected-mode code.
pub const STARTUP_64: u64 = 0x200;

/// Which of the kernel's entries the loader used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A bzImage's `startup_64` (64-bit boot protocol).
    Bz64,
    /// A bzImage's `startup_32` (32-bit boot protocol).
    Bz32,
    /// An ELF's PVH entry.
    Pvh,
    /// An ELF's `e_entry` (64-bit boot protocol).
    ElfEntry,
}

impl EntryKind {
    /// For reports.
    pub fn name(self) -> &'static str {
        match self {
            EntryKind::Bz64 => "bzImage 64-bit entry (startup_64, protected-mode code + 0x200)",
            EntryKind::Bz32 => "bzImage 32-bit entry (startup_32, protected-mode code + 0)",
            EntryKind::Pvh => "ELF PVH entry (XEN_ELFNOTE_PHYS32_ENTRY)",
            EntryKind::ElfEntry => "ELF e_entry (64-bit boot protocol)",
        }
    }

    /// The protocol whose rules judge this entry.
    pub fn protocol(self) -> &'static str {
        match self {
            EntryKind::Bz64 | EntryKind::ElfEntry => "64-bit boot protocol",
            EntryKind::Bz32 => "32-bit boot protocol",
            EntryKind::Pvh => "PVH",
        }
    }

    /// The kind of a direct boot's entry (bootemu as the loader).
    pub fn of_direct(e: &X86Entry, bzimage: bool) -> EntryKind {
        match (e, bzimage) {
            (X86Entry::Pvh { .. }, _) => EntryKind::Pvh,
            (X86Entry::Linux64 { .. }, true) => EntryKind::Bz64,
            (X86Entry::Linux64 { .. }, false) => EntryKind::ElfEntry,
        }
    }
}

/// Where an entry is looked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// At this physical address.
    Exact(u64),
    /// At this offset in any page.
    PageOffset(u64),
}

/// One entry point: where, and the file's bytes there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntrySig {
    /// Which entry.
    pub kind: EntryKind,
    /// Where it is looked for.
    pub at: At,
    /// The entry's distance from the kernel's load address (a bzImage's protected-mode code).
    pub from_load: u64,
    /// The kernel file's bytes at the entry (at most [`SIG_LEN`]).
    pub bytes: Vec<u8>,
}

/// A kernel's entry points and what a loader must have done with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KernelSigs {
    /// The entries, in the order they are tried.
    pub sigs: Vec<EntrySig>,
    /// A bzImage's setup header (`None`: an ELF).
    pub header: Option<Header>,
    /// A bzImage's protected-mode code length; an ELF's loaded ranges (by `p_paddr`).
    pm_len: u64,
    elf_ranges: Vec<(u64, u64)>,
}

/// The kernel found at an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Which entry (an index into [`KernelSigs::sigs`]).
    pub sig: usize,
    /// Its physical address.
    pub pa: u64,
    /// The kernel's load address (the entry's address less its distance from the load).
    pub load: u64,
}

impl KernelSigs {
    /// The entries of a kernel planned by [`crate::plan_at`] (without an offset) into
    /// `ram`: `None` when it is neither a bzImage nor an x86-64 ELF.
    pub fn of(plan: &Plan, ram: Ram) -> Option<KernelSigs> {
        let first = plan.blobs.first()?;
        let sig_at = |addr: u64| {
            let len = (SIG_LEN as u64).min(
                plan.blobs
                    .iter()
                    .map(|b| (b.addr, b.addr.saturating_add(b.bytes.len() as u64)))
                    .find(|&(s, e)| addr >= s && addr < e)
                    .map_or(0, |(_, e)| e - addr),
            );
            super::read_blobs(&plan.blobs, &[ram], addr, len).filter(|b| !b.is_empty())
        };
        match plan.format.image()? {
            Format::BzImage(b) => {
                let load = first.addr;
                let sigs = [(EntryKind::Bz64, STARTUP_64), (EntryKind::Bz32, 0)]
                    .into_iter()
                    .filter_map(|(kind, off)| {
                        Some(EntrySig {
                            kind,
                            at: At::PageOffset(off % PAGE),
                            from_load: off,
                            bytes: sig_at(load + off)?,
                        })
                    })
                    .collect();
                Some(KernelSigs {
                    sigs,
                    header: Some((*b.header).clone()),
                    pm_len: first.bytes.len() as u64,
                    elf_ranges: Vec::new(),
                })
            }
            Format::Elf {
                arch: Arch::X86_64,
                pvh,
                ..
            } => {
                let mut sigs = Vec::new();
                if let Pvh::Present(e) = pvh {
                    sigs.extend(sig_at(*e).map(|bytes| EntrySig {
                        kind: EntryKind::Pvh,
                        at: At::Exact(*e),
                        from_load: e.wrapping_sub(first.addr),
                        bytes,
                    }));
                }
                sigs.extend(sig_at(plan.entry).map(|bytes| EntrySig {
                    kind: EntryKind::ElfEntry,
                    at: At::Exact(plan.entry),
                    from_load: plan.entry.wrapping_sub(first.addr),
                    bytes,
                }));
                Some(KernelSigs {
                    sigs,
                    header: None,
                    pm_len: 0,
                    elf_ranges: plan
                        .blobs
                        .iter()
                        .map(|b| (b.addr, b.addr.saturating_add(b.bytes.len() as u64)))
                        .collect(),
                })
            }
            _ => None,
        }
    }

    /// The executor's watch, `(mask, value)`: every candidate address has `pa & mask ==
    /// value` (the bits all candidates agree on), a superset [`KernelSigs::matches`] narrows.
    /// No candidates: a watch that matches nothing (`(0, 1)`).
    pub fn watch(&self) -> (u64, u64) {
        let mut it = self.sigs.iter().map(|s| match s.at {
            At::Exact(pa) => (!0u64, pa),
            At::PageOffset(o) => (PAGE - 1, o),
        });
        let Some((mut mask, value)) = it.next() else {
            return (0, 1);
        };
        for (m, v) in it {
            mask &= m & !(v ^ value);
        }
        (mask, value & mask)
    }

    /// The entry a block about to run at `pa` is, if its bytes are the kernel file's there
    /// (`read`: guest memory, `None` outside RAM).
    pub fn matches(&self, pa: u64, read: &dyn Fn(u64, u64) -> Option<Vec<u8>>) -> Option<Found> {
        self.sigs.iter().enumerate().find_map(|(i, s)| {
            let placed = match s.at {
                At::Exact(a) => a == pa,
                At::PageOffset(o) => pa % PAGE == o && pa >= s.from_load,
            };
            (placed && read(pa, s.bytes.len() as u64).as_deref() == Some(&s.bytes[..])).then(|| {
                Found {
                    sig: i,
                    pa,
                    load: pa.wrapping_sub(s.from_load),
                }
            })
        })
    }

    /// What the handoff checks expect of the kernel found as `f` on a machine with `ram`: the
    /// kernel's ranges where it was found (a bzImage: its protected-mode code and `init_size`
    /// from its runtime start, as [`super::complete`] reckons them; an ELF: its segments), the
    /// command line `cmdline`, the initrd file given (`initrd_file`: its length and
    /// [`crate::handoff::digest`]; the loader placed it, so the range it names must hold those
    /// bytes) and the structure the loader built (`info`: the zero page or `hvm_start_info`).
    pub fn expected(
        &self,
        f: &Found,
        ram: Vec<Ram>,
        cmdline: Option<&str>,
        initrd_file: Option<(u64, u64)>,
        info: u64,
    ) -> X86Expected {
        let kernel = match &self.header {
            Some(h) => super::bzimage_extent(h, f.load, self.pm_len).to_vec(),
            None => self.elf_ranges.clone(),
        };
        X86Expected {
            ram,
            cmdline: cmdline.map(str::to_string),
            initrd: None,
            initrd_file,
            header: self.header.clone(),
            load: f.load,
            kernel,
            info,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x86::tests::{bz, elf};

    #[test]
    fn a_bzimage_is_found_at_either_entry_in_any_page_by_its_bytes() {
        let bytes = bz();
        let plan = crate::plan_at(&bytes, super::super::kernel_ram(512 << 20), None).unwrap();
        let k = KernelSigs::of(&plan, super::super::kernel_ram(512 << 20)).unwrap();
        assert_eq!(
            k.sigs.iter().map(|s| s.kind).collect::<Vec<_>>(),
            [EntryKind::Bz64, EntryKind::Bz32]
        );
        // startup_64 at 0x200 and startup_32 at 0 in a page: the bits they share.
        assert_eq!(k.watch(), (0xdff, 0));
        let pm = plan.blobs[0].bytes.clone();
        // The protected-mode code copied to 0x300_0000: both entries found there.
        let mem = |a: u64, l: u64| -> Option<Vec<u8>> {
            let off = a.checked_sub(0x300_0000)? as usize;
            pm.get(off..off + l as usize).map(<[u8]>::to_vec)
        };
        let f = k.matches(0x300_0200, &mem).unwrap();
        assert_eq!((f.sig, f.load), (0, 0x300_0000));
        let f = k.matches(0x300_0000, &mem).unwrap();
        assert_eq!((k.sigs[f.sig].kind, f.load), (EntryKind::Bz32, 0x300_0000));
        // Elsewhere, at another offset, or other bytes: not the kernel.
        assert_eq!(k.matches(0x500_0200, &mem), None);
        assert_eq!(k.matches(0x300_0100, &mem), None);
        let other = |_: u64, l: u64| Some(vec![0xcc; l as usize]);
        assert_eq!(k.matches(0x300_0200, &other), None);
        let exp = k.expected(&f, vec![], None, None, 0x7000);
        assert_eq!(exp.load, 0x300_0000);
        assert_eq!(exp.kernel[0], (0x300_0000, 0x300_0000 + pm.len() as u64));
    }

    #[test]
    fn an_elf_is_found_at_its_pvh_entry_or_e_entry_exactly() {
        let bytes = elf(true);
        let ram = super::super::kernel_ram(512 << 20);
        let plan = crate::plan_at(&bytes, ram, None).unwrap();
        let k = KernelSigs::of(&plan, ram).unwrap();
        assert_eq!(k.sigs[0].kind, EntryKind::Pvh);
        let pvh = match k.sigs[0].at {
            At::Exact(a) => a,
            At::PageOffset(_) => panic!("an ELF's entries are exact"),
        };
        let (mask, value) = k.watch();
        assert_eq!(pvh & mask, value);
        let mem = |a, l| super::super::read_blobs(&plan.blobs, &[ram], a, l);
        let f = k.matches(pvh, &mem).unwrap();
        assert_eq!(k.sigs[f.sig].kind, EntryKind::Pvh);
        assert_eq!(k.matches(pvh + 0x1000, &mem), None);
        assert_eq!(k.expected(&f, vec![], None, None, 0).header, None);
    }
}
