//! The CPU state an x86 kernel is entered with, as plain data the machine loads into its vCPU
//! ([`X86EntryState`]), and the memory the loader writes for it (a GDT, the identity-mapped
//! page tables): [`linux64`] for the 64-bit boot protocol, [`pvh`] for PVH. No dependency on the
//! CPU crate: the machine copies the fields.
//!
//! - 64-bit boot protocol, Linux `Documentation/arch/x86/boot.rst` "64-bit Boot Protocol":
//!   "the CPU must be in 64-bit mode with paging enabled"; the range of `init_size` from the
//!   kernel's start, the zero page and the command line identity-mapped; a GDT with
//!   `__BOOT_CS` (0x10, execute/read) and `__BOOT_DS` (0x18, read/write), both 4 GiB flat; CS =
//!   `__BOOT_CS`, DS = ES = SS = `__BOOT_DS`; interrupts disabled; RSI = `boot_params`.
//!   Here: CR0 = PE | PG, CR4 = PAE, EFER = LME | LMA, CR3 = the PML4 of [`paging`] tables
//!   identity-mapping the whole low 4 GiB with 2 MiB pages ([`IDENTITY_MAP_GIB`]): everything a
//!   loader places (the kernel with its `init_size`, the zero page, the command line, the
//!   initrd) lies below the 3 GiB hole, so it is covered whatever the kernel's size, and so are
//!   the low-memory structures (GDT, stack).
//! - PVH, Xen `docs/misc/pvh.pandoc` (the HVM direct boot ABI) and
//!   `include/public/arch-x86/hvm/start_info.h`: 32-bit protected mode, paging off: CR0 = PE
//!   with every other writable bit clear, CR4 = 0; CS a 32-bit execute/read segment, DS/ES/SS
//!   32-bit read/write segments, all base 0 and limit 4 GiB (selectors unspecified); TR a busy
//!   32-bit TSS, base 0, limit 0x67; EFLAGS IF, TF and VM clear; EBX = `hvm_start_info`. Here
//!   also EFER = 0 (not long mode) and the same selectors as the 64-bit protocol in a GDT in
//!   memory, as Cloud Hypervisor and Firecracker give theirs.
//!
//! Both: RSP = [`BOOT_STACK_POINTER`] (neither protocol asks for a stack; the KVM VMMs give one,
//! the kernel switches to its own before using much), IDTR empty (base 0, limit 0: interrupts
//! are off and the kernel loads its IDT before it takes any), LDTR null, TR =
//! [`TSS_SELECTOR`], every other general register 0.
//!
//! Low-memory layout (with [`super::PVH_INFO_ADDR`] 0x6000, [`super::ZERO_PAGE_ADDR`] 0x7000 and
//! [`super::CMDLINE_ADDR`] 0x2_0000, all inside e820 RAM `0..0x9_fc00`): the GDT at
//! [`GDT_ADDR`] 0x500, the boot stack in 0x8000..0x9000, the page tables at [`PML4_ADDR`]
//! 0x9000..0xf000 (PML4, PDPT, four page directories).

use super::gdt::{self, Segment, TableReg};
use super::paging;

/// Where the GDT goes (after the real-mode IVT and BIOS data area, as Firecracker puts it).
pub const GDT_ADDR: u64 = 0x500;
/// `__BOOT_CS` (boot.rst): GDT entry 2.
pub const BOOT_CS: u16 = 0x10;
/// `__BOOT_DS` (boot.rst): GDT entry 3.
pub const BOOT_DS: u16 = 0x18;
/// The TSS's selector: GDT entry 4 (16 bytes in IA-32e mode).
pub const TSS_SELECTOR: u16 = 0x20;
/// The boot stack's page.
pub const STACK_PAGE: u64 = 0x8000;
/// Initial RSP (Cloud Hypervisor's and Firecracker's `BOOT_STACK_POINTER`): 16 bytes below the
/// top of [`STACK_PAGE`].
pub const BOOT_STACK_POINTER: u64 = 0x8ff0;
// The stack pointer lies inside its page.
const _: () = assert!(BOOT_STACK_POINTER > STACK_PAGE && BOOT_STACK_POINTER < STACK_PAGE + 0x1000);
/// Where the PML4 goes; the PDPT and the page directories follow it.
pub const PML4_ADDR: u64 = 0x9000;
/// GiB identity-mapped by the 64-bit protocol's tables: the 32-bit address space.
pub const IDENTITY_MAP_GIB: u64 = 4;
/// One past the page tables.
pub const PAGE_TABLES_END: u64 = PML4_ADDR + (2 + IDENTITY_MAP_GIB) * paging::TABLE_SIZE;

/// CR0 bits.
pub mod cr0 {
    /// Protection enable.
    pub const PE: u64 = 1 << 0;
    /// Extension type: reads as 1 on every processor since the P6; not writable.
    pub const ET: u64 = 1 << 4;
    /// Paging.
    pub const PG: u64 = 1 << 31;
}

/// CR4 bits.
pub mod cr4 {
    /// Physical address extension (required by IA-32e paging).
    pub const PAE: u64 = 1 << 5;
}

/// IA32_EFER bits.
pub mod efer {
    /// IA-32e mode enable.
    pub const LME: u64 = 1 << 8;
    /// IA-32e mode active.
    pub const LMA: u64 = 1 << 10;
}

/// RFLAGS bits.
pub mod rflags {
    /// Bit 1 always reads as 1.
    pub const FIXED: u64 = 1 << 1;
    /// Trap flag.
    pub const TF: u64 = 1 << 8;
    /// Interrupt enable.
    pub const IF: u64 = 1 << 9;
    /// Virtual-8086 mode.
    pub const VM: u64 = 1 << 17;
}

/// Index of RBX in [`X86EntryState::gpr`] (the register's encoding).
pub const RBX: usize = 3;
/// Index of RSP.
pub const RSP: usize = 4;
/// Index of RSI.
pub const RSI: usize = 6;

/// The mode the kernel is entered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// 64-bit mode, paging on (the 64-bit boot protocol).
    Long,
    /// 32-bit protected mode, paging off (PVH).
    Protected32,
}

/// The boot CPU's state at the kernel's first instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct X86EntryState {
    /// The mode this state puts the CPU in.
    pub mode: Mode,
    /// RIP.
    pub rip: u64,
    /// RFLAGS.
    pub rflags: u64,
    /// RAX..R15 in encoding order ([`RBX`], [`RSP`], [`RSI`]).
    pub gpr: [u64; 16],
    /// CR0.
    pub cr0: u64,
    /// CR3.
    pub cr3: u64,
    /// CR4.
    pub cr4: u64,
    /// IA32_EFER.
    pub efer: u64,
    /// CS.
    pub cs: Segment,
    /// DS.
    pub ds: Segment,
    /// ES.
    pub es: Segment,
    /// SS.
    pub ss: Segment,
    /// FS.
    pub fs: Segment,
    /// GS.
    pub gs: Segment,
    /// TR.
    pub tr: Segment,
    /// LDTR (null, unusable).
    pub ldtr: Segment,
    /// GDTR.
    pub gdtr: TableReg,
    /// IDTR.
    pub idtr: TableReg,
}

impl X86EntryState {
    /// RSI.
    pub fn rsi(&self) -> u64 {
        self.gpr[RSI]
    }

    /// RBX.
    pub fn rbx(&self) -> u64 {
        self.gpr[RBX]
    }

    /// RSP.
    pub fn rsp(&self) -> u64 {
        self.gpr[RSP]
    }

    /// The entry registers, a few lines for `inspect` and reports.
    pub fn describe(&self) -> Vec<String> {
        let mut v = vec![
            format!(
                "RIP {:#x}  RFLAGS {:#x}  RSP {:#x}  RSI {:#x}  RBX {:#x}",
                self.rip,
                self.rflags,
                self.rsp(),
                self.rsi(),
                self.rbx()
            ),
            format!(
                "CR0 {:#x}  CR3 {:#x}  CR4 {:#x}  EFER {:#x}",
                self.cr0, self.cr3, self.cr4, self.efer
            ),
            format!(
                "GDTR {:#x}/{:#x}  IDTR {:#x}/{:#x}",
                self.gdtr.base, self.gdtr.limit, self.idtr.base, self.idtr.limit
            ),
        ];
        for (n, s) in [
            ("CS", &self.cs),
            ("DS", &self.ds),
            ("ES", &self.es),
            ("SS", &self.ss),
            ("TR", &self.tr),
        ] {
            v.push(format!("{n} {}", s.describe()));
        }
        v
    }
}

/// A blob the entry state needs in memory: address, bytes, what it is.
pub type EntryBlob = (u64, Vec<u8>, &'static str);

/// The entry state and the memory it relies on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryLayout {
    /// The registers.
    pub state: X86EntryState,
    /// The GDT (and for the 64-bit protocol the page tables), to place in guest memory.
    pub blobs: Vec<EntryBlob>,
}

fn base_state(mode: Mode, rip: u64, cs: Segment, gdt_len: usize) -> X86EntryState {
    let ds = Segment::flat_data(BOOT_DS);
    let mut gpr = [0u64; 16];
    gpr[RSP] = BOOT_STACK_POINTER;
    X86EntryState {
        mode,
        rip,
        rflags: rflags::FIXED,
        gpr,
        cr0: 0,
        cr3: 0,
        cr4: 0,
        efer: 0,
        cs,
        ds,
        es: ds,
        ss: ds,
        fs: ds,
        gs: ds,
        tr: Segment::tss(TSS_SELECTOR),
        ldtr: Segment::default(),
        gdtr: TableReg {
            base: GDT_ADDR,
            limit: (gdt_len - 1) as u16,
        },
        idtr: TableReg::default(),
    }
}

/// The 64-bit boot protocol's entry at `rip` with RSI = `zero_page`: long mode through the
/// identity map at [`PML4_ADDR`], `__BOOT_CS`/`__BOOT_DS` from the GDT at [`GDT_ADDR`].
pub fn linux64(rip: u64, zero_page: u64) -> EntryLayout {
    let cs = Segment::flat_code(BOOT_CS, true);
    let g = gdt::gdt(
        &[cs, Segment::flat_data(BOOT_DS), Segment::tss(TSS_SELECTOR)],
        true,
    );
    let mut state = base_state(Mode::Long, rip, cs, g.len());
    state.gpr[RSI] = zero_page;
    state.cr0 = cr0::PE | cr0::PG;
    state.cr3 = PML4_ADDR;
    state.cr4 = cr4::PAE;
    state.efer = efer::LME | efer::LMA;
    EntryLayout {
        state,
        blobs: vec![
            (
                GDT_ADDR,
                g,
                "GDT (__BOOT_CS 0x10, __BOOT_DS 0x18, TSS 0x20)",
            ),
            (
                PML4_ADDR,
                paging::identity_tables(PML4_ADDR, IDENTITY_MAP_GIB),
                "page tables: identity map of 0..4 GiB (2 MiB pages)",
            ),
        ],
    }
}

/// PVH's entry at `eip` with EBX = `start_info`: 32-bit flat protected mode, paging off, the
/// same selectors in a GDT at [`GDT_ADDR`].
pub fn pvh(eip: u64, start_info: u64) -> EntryLayout {
    let cs = Segment::flat_code(BOOT_CS, false);
    let g = gdt::gdt(
        &[cs, Segment::flat_data(BOOT_DS), Segment::tss(TSS_SELECTOR)],
        false,
    );
    let mut state = base_state(Mode::Protected32, eip, cs, g.len());
    state.gpr[RBX] = start_info;
    state.cr0 = cr0::PE;
    EntryLayout {
        state,
        blobs: vec![(
            GDT_ADDR,
            g,
            "GDT (32-bit flat code 0x10, data 0x18, TSS 0x20)",
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::super::{e820, CMDLINE_ADDR, PVH_INFO_ADDR, ZERO_PAGE_ADDR};
    use super::*;

    #[test]
    fn the_low_memory_pieces_do_not_overlap_and_lie_in_e820_ram() {
        let l = linux64(0x100_0200, ZERO_PAGE_ADDR);
        let mut pieces: Vec<(&str, u64, u64)> = l
            .blobs
            .iter()
            .map(|(a, b, w)| (*w, *a, a + b.len() as u64))
            .collect();
        pieces.push(("stack", STACK_PAGE, STACK_PAGE + 0x1000));
        pieces.push(("start_info page", PVH_INFO_ADDR, PVH_INFO_ADDR + 0x1000));
        pieces.push(("zero page", ZERO_PAGE_ADDR, ZERO_PAGE_ADDR + 0x1000));
        pieces.push(("command line", CMDLINE_ADDR, CMDLINE_ADDR + 2048));
        let map = e820::guest_map(512 << 20);
        for (i, a) in pieces.iter().enumerate() {
            assert!(e820::covered_as_ram(&map, a.1, a.2), "{a:?}");
            for b in &pieces[i + 1..] {
                assert!(a.2 <= b.1 || b.2 <= a.1, "{a:?} overlaps {b:?}");
            }
        }
        assert_eq!(l.blobs[1].0 + l.blobs[1].1.len() as u64, PAGE_TABLES_END);
    }

    #[test]
    fn states_as_the_protocols_ask() {
        let l = linux64(0x100_0200, ZERO_PAGE_ADDR);
        let s = &l.state;
        assert_eq!((s.mode, s.rip, s.rsi()), (Mode::Long, 0x100_0200, 0x7000));
        assert_eq!((s.cr0, s.cr4, s.efer), (0x8000_0001, 0x20, 0x500));
        assert_eq!(
            (s.cs.selector, s.ds.selector, s.ss.selector),
            (0x10, 0x18, 0x18)
        );
        assert_eq!(s.rflags & rflags::IF, 0);
        assert_eq!(s.gdtr.limit, 0x2f);
        let p = pvh(0x100_0850, PVH_INFO_ADDR);
        let s = &p.state;
        assert_eq!(
            (s.mode, s.rip, s.rbx()),
            (Mode::Protected32, 0x100_0850, 0x6000)
        );
        assert_eq!((s.cr0, s.cr4, s.efer, s.cr3), (1, 0, 0, 0));
        assert!(s.cs.db && !s.cs.long && s.cs.is_flat());
        assert_eq!(s.gdtr.limit, 0x27);
        assert!(s.describe().iter().any(|l| l.starts_with("CR0 0x1 ")));
    }
}
