//! x86 system state (Intel SDM vol. 3): the control registers CR0/CR2/CR3/CR4, EFER, the
//! segment registers with their descriptor caches, the descriptor-table registers GDTR/IDTR/
//! LDTR/TR, the debug registers and the model-specific registers the vCPU itself keeps, and the
//! current privilege level.
//!
//! [`Cpu::new`] starts in the *user-mode sandbox* state the differential oracles and the fuzz
//! test use: 64-bit code at CPL 3 (CS.L = 1, EFER.LME/LMA set), protection on, paging OFF with
//! linear = physical, and no IDT (IDTR.limit = 0). Long mode without paging is not an
//! architectural state (SDM vol. 3 §9.8.5 needs CR0.PG for EFER.LMA); it is documented here as
//! the sandbox's. Architectural states (the 64-bit boot protocol's and PVH's entry states) are
//! set up by the loader through the same fields: segments with [`Cpu::set_segment`] (and
//! [`Segment::flat`]), or by writing [`System`] and calling [`Cpu::refresh_mode`]; CR0/CR4/EFER
//! consistently (long mode: PE, PG, PAE, LME and LMA); [`System::sandbox`] cleared so that
//! exceptions are delivered (or escalate to a triple fault) as on hardware.
//!
//! Not modelled: real mode and virtual-8086 mode, task switching, segment limit checks (bases
//! are applied; limits are kept in the caches only), #NM (CR0.TS/EM) for x87 and SSE instructions
//! (the MMX ones check it: `exec::mmx`) and CR4.OSFXSR's #UD for SSE, CR8.

use super::state::Cpu;

/// Physical-address width (CPUID 0x8000_0008 EAX bits 7:0): bits at or above it in page-table
/// entries, CR3 and IA32_APIC_BASE are reserved. x86-paging's reserved-bit checks use it.
pub const MAXPHYADDR: u32 = 39;
/// Linear-address width (CPUID 0x8000_0008 EAX bits 15:8): 4-level paging.
pub const LINEAR_BITS: u32 = 48;
/// 1-GiB pages (CPUID 0x8000_0001 EDX bit 26): implemented by the page walk (x86-paging); the
/// CPUID leaf advertises what this constant says.
pub const GIGABYTE_PAGES: bool = true;

/// CR0 bits (SDM vol. 3 §2.5).
pub mod cr0 {
    /// Protection enable.
    pub const PE: u64 = 1 << 0;
    /// Monitor coprocessor.
    pub const MP: u64 = 1 << 1;
    /// x87 emulation.
    pub const EM: u64 = 1 << 2;
    /// Task switched.
    pub const TS: u64 = 1 << 3;
    /// Extension type (reads as one).
    pub const ET: u64 = 1 << 4;
    /// Numeric error (native x87 error reporting).
    pub const NE: u64 = 1 << 5;
    /// Write protect (supervisor writes honour read-only pages).
    pub const WP: u64 = 1 << 16;
    /// Alignment mask (with RFLAGS.AC at CPL 3).
    pub const AM: u64 = 1 << 18;
    /// Not write-through.
    pub const NW: u64 = 1 << 29;
    /// Cache disable.
    pub const CD: u64 = 1 << 30;
    /// Paging.
    pub const PG: u64 = 1 << 31;
    /// The bits a MOV to CR0 may set; any other raises #GP(0).
    pub const WRITABLE: u64 = PE | MP | EM | TS | ET | NE | WP | AM | NW | CD | PG;
}

/// CR4 bits (SDM vol. 3 §2.5).
pub mod cr4 {
    /// Virtual-8086 mode extensions.
    pub const VME: u64 = 1 << 0;
    /// Protected-mode virtual interrupts.
    pub const PVI: u64 = 1 << 1;
    /// RDTSC at CPL 0 only.
    pub const TSD: u64 = 1 << 2;
    /// Debugging extensions.
    pub const DE: u64 = 1 << 3;
    /// 4-MiB pages in 32-bit paging.
    pub const PSE: u64 = 1 << 4;
    /// Physical address extension (required for long mode).
    pub const PAE: u64 = 1 << 5;
    /// Machine-check enable.
    pub const MCE: u64 = 1 << 6;
    /// Global pages.
    pub const PGE: u64 = 1 << 7;
    /// Performance-counter enable (RDPMC at CPL > 0).
    pub const PCE: u64 = 1 << 8;
    /// FXSAVE/FXRSTOR and SSE enabled by the OS.
    pub const OSFXSR: u64 = 1 << 9;
    /// Unmasked SIMD exceptions raise #XM.
    pub const OSXMMEXCPT: u64 = 1 << 10;
    /// UMIP (not advertised).
    pub const UMIP: u64 = 1 << 11;
    /// 57-bit linear addresses (not advertised).
    pub const LA57: u64 = 1 << 12;
    /// FSGSBASE instructions (not advertised).
    pub const FSGSBASE: u64 = 1 << 16;
    /// Process-context identifiers (not advertised).
    pub const PCIDE: u64 = 1 << 17;
    /// XSAVE enabled (not advertised).
    pub const OSXSAVE: u64 = 1 << 18;
    /// Supervisor-mode execution prevention (not advertised).
    pub const SMEP: u64 = 1 << 20;
    /// Supervisor-mode access prevention (not advertised).
    pub const SMAP: u64 = 1 << 21;
    /// The bits a MOV to CR4 may set on this vCPU (the features CPUID advertises); any other
    /// raises #GP(0).
    pub const WRITABLE: u64 =
        VME | PVI | TSD | DE | PSE | PAE | MCE | PGE | PCE | OSFXSR | OSXMMEXCPT;
}

/// IA32_EFER bits (SDM vol. 3 §2.2.1, MSR 0xc000_0080).
pub mod efer {
    /// SYSCALL/SYSRET enable.
    pub const SCE: u64 = 1 << 0;
    /// Long mode enable.
    pub const LME: u64 = 1 << 8;
    /// Long mode active (read-only: set when paging is enabled with LME).
    pub const LMA: u64 = 1 << 10;
    /// No-execute enable.
    pub const NXE: u64 = 1 << 11;
    /// The bits WRMSR may write (LMA is ignored by WRMSR; any other set bit raises #GP(0)).
    pub const WRITABLE: u64 = SCE | LME | NXE;
}

/// Segment-register numbers, in the encoding's order (SDM vol. 2 §3.1.1.1, "Sreg").
pub mod sreg {
    /// ES.
    pub const ES: usize = 0;
    /// CS.
    pub const CS: usize = 1;
    /// SS.
    pub const SS: usize = 2;
    /// DS.
    pub const DS: usize = 3;
    /// FS.
    pub const FS: usize = 4;
    /// GS.
    pub const GS: usize = 5;
}

/// Descriptor attribute bits as kept in [`Segment::attr`]: the descriptor's access byte (bits
/// 47:40) in bits 7:0 and its flags nibble (bits 55:52) in bits 15:12, as VMX's access-rights
/// format (SDM vol. 3 §3.4.5, §24.4.1).
pub mod attr {
    /// Accessed (code/data) or part of the system type.
    pub const ACCESSED: u16 = 1 << 0;
    /// Writable (data) / readable (code).
    pub const RW: u16 = 1 << 1;
    /// Expand-down (data) / conforming (code).
    pub const DC: u16 = 1 << 2;
    /// Code (with [`S`]).
    pub const CODE: u16 = 1 << 3;
    /// Type field (bits 3:0).
    pub const TYPE: u16 = 0xf;
    /// Code or data (clear: system descriptor).
    pub const S: u16 = 1 << 4;
    /// Descriptor privilege level, bits 6:5.
    pub const DPL_SHIFT: u16 = 5;
    /// Present.
    pub const P: u16 = 1 << 7;
    /// Available to software.
    pub const AVL: u16 = 1 << 12;
    /// 64-bit code segment.
    pub const L: u16 = 1 << 13;
    /// Default operation size 32 (code) / big (stack).
    pub const DB: u16 = 1 << 14;
    /// Limit granularity 4 KiB.
    pub const G: u16 = 1 << 15;
}

/// A segment register: the visible selector and the descriptor cache loaded with it (SDM vol. 3
/// §3.4.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    /// Selector: index, table indicator, requested privilege level.
    pub selector: u16,
    /// Base address.
    pub base: u64,
    /// Limit in bytes (already scaled by the granularity).
    pub limit: u32,
    /// Attributes ([`attr`]); zero for a null segment.
    pub attr: u16,
}

impl Segment {
    /// A flat (base 0, 4 GiB) present, accessed segment with `selector` and DPL `dpl`: code
    /// (execute/read) or data (read/write) of `bits` 16, 32 or 64 (64: code with L set). The
    /// descriptor caches a loader sets up for an entry state (the 64-bit boot protocol, PVH).
    pub fn flat(selector: u16, dpl: u8, code: bool, bits: u32) -> Segment {
        let kind = if code {
            attr::CODE | attr::RW | attr::ACCESSED
        } else {
            attr::RW | attr::ACCESSED
        };
        let size = match bits {
            64 => attr::L,
            32 => attr::DB,
            _ => 0,
        };
        Segment {
            selector,
            base: 0,
            limit: 0xffff_ffff,
            attr: attr::P | attr::S | kind | ((dpl as u16 & 3) << attr::DPL_SHIFT) | attr::G | size,
        }
    }

    /// The descriptor privilege level.
    #[inline]
    pub fn dpl(&self) -> u8 {
        ((self.attr >> attr::DPL_SHIFT) & 3) as u8
    }
}

/// A descriptor-table register (GDTR, IDTR; SDM vol. 3 §2.4.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Linear base address.
    pub base: u64,
    /// Limit in bytes (the table's last valid byte offset).
    pub limit: u16,
}

/// The system state of one vCPU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct System {
    /// CR0 ([`cr0`]).
    pub cr0: u64,
    /// CR2: the linear address of the last page fault.
    pub cr2: u64,
    /// CR3: page-table root.
    pub cr3: u64,
    /// CR4 ([`cr4`]).
    pub cr4: u64,
    /// IA32_EFER ([`efer`]).
    pub efer: u64,
    /// ES, CS, SS, DS, FS, GS by [`sreg`] number.
    pub seg: [Segment; 6],
    /// Global descriptor table register.
    pub gdtr: Table,
    /// Interrupt descriptor table register.
    pub idtr: Table,
    /// Local descriptor table register.
    pub ldtr: Segment,
    /// Task register.
    pub tr: Segment,
    /// DR0–DR7 (DR4/DR5 alias DR6/DR7): storage only, no breakpoints are raised.
    pub dr: [u64; 8],
    /// The model-specific registers the vCPU keeps ([`super::msr`]).
    pub msr: Msrs,
    /// The sandbox rule: while set, an exception ends [`Cpu::run`] with
    /// [`Exit::Exception`](super::Exit::Exception) instead of being delivered through the IDT
    /// (the oracles' user-mode programs have no IDT). Set by [`Cpu::new`]; LIDT clears it, and
    /// so should a loader that sets up an architectural state. With it clear, an exception
    /// without a usable IDT escalates to a double fault and a triple fault, as on hardware.
    pub sandbox: bool,
}

/// Model-specific registers kept by the vCPU (SDM vol. 4 table 2-2 names).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Msrs {
    /// IA32_STAR: SYSCALL/SYSRET selectors.
    pub star: u64,
    /// IA32_LSTAR: 64-bit SYSCALL target.
    pub lstar: u64,
    /// IA32_CSTAR: compatibility-mode SYSCALL target (stored; Intel has no such SYSCALL).
    pub cstar: u64,
    /// IA32_FMASK: RFLAGS bits SYSCALL clears.
    pub fmask: u64,
    /// IA32_KERNEL_GS_BASE: swapped with GS.base by SWAPGS.
    pub kernel_gs_base: u64,
    /// TSC = [`Cpu::insns`] + this (WRMSR IA32_TSC sets it).
    pub tsc_offset: u64,
    /// IA32_TSC_AUX (RDTSCP's ECX).
    pub tsc_aux: u64,
    /// IA32_PAT.
    pub pat: u64,
    /// IA32_MISC_ENABLE.
    pub misc_enable: u64,
    /// IA32_APIC_BASE (storage: the APIC itself is the machine's).
    pub apic_base: u64,
    /// IA32_MTRR_DEF_TYPE.
    pub mtrr_def_type: u64,
}

/// The sandbox's 64-bit user code segment (selector 0x33 as Linux's `__USER_CS`).
const SANDBOX_CS: Segment = Segment {
    selector: 0x33,
    base: 0,
    limit: 0xffff_ffff,
    attr: attr::P
        | attr::S
        | attr::CODE
        | attr::RW
        | attr::ACCESSED
        | (3 << attr::DPL_SHIFT)
        | attr::L
        | attr::G,
};

/// The sandbox's user data segment (selector 0x2b as Linux's `__USER_DS`).
const SANDBOX_DS: Segment = Segment {
    selector: 0x2b,
    base: 0,
    limit: 0xffff_ffff,
    attr: attr::P
        | attr::S
        | attr::RW
        | attr::ACCESSED
        | (3 << attr::DPL_SHIFT)
        | attr::DB
        | attr::G,
};

impl Default for System {
    /// The user-mode sandbox state (see the module doc).
    fn default() -> Self {
        let data = SANDBOX_DS;
        System {
            cr0: cr0::PE | cr0::MP | cr0::ET | cr0::NE,
            cr2: 0,
            cr3: 0,
            cr4: cr4::PAE | cr4::OSFXSR | cr4::OSXMMEXCPT,
            efer: efer::SCE | efer::LME | efer::LMA | efer::NXE,
            seg: [data, SANDBOX_CS, data, data, data, data],
            gdtr: Table::default(),
            idtr: Table::default(),
            ldtr: Segment::default(),
            tr: Segment::default(),
            dr: [0, 0, 0, 0, 0, 0, 0xffff_0ff0, 0x400],
            msr: Msrs::reset(),
            sandbox: true,
        }
    }
}

impl Cpu {
    /// Whether long mode is active (EFER.LMA).
    #[inline]
    pub fn long_mode(&self) -> bool {
        self.sys.efer & efer::LMA != 0
    }

    /// Whether the vCPU runs 64-bit code (long mode with CS.L).
    #[inline]
    pub fn mode64(&self) -> bool {
        self.bits == 64
    }

    /// Load segment register `r` ([`sreg`]) with the descriptor cache `s` directly (a loader
    /// setting up an entry state; no checks) and recompute the mode.
    pub fn set_segment(&mut self, r: usize, s: Segment) {
        self.sys.seg[r % 6] = s;
        self.refresh_mode();
    }

    /// Recompute what the executor derives from the segment registers, CR0 and EFER: the
    /// code bitness (CS.L in long mode → 64, else CS.D → 32, else 16), the segment bases a
    /// memory operand adds (64-bit mode: FS and GS only, SDM vol. 3 §3.4.4), the linear-address
    /// width and the stack-pointer size (SS.B). Called after every change to them.
    pub fn refresh_mode(&mut self) {
        let cs = self.sys.seg[sreg::CS].attr;
        self.bits = if self.long_mode() && cs & attr::L != 0 {
            64
        } else if cs & attr::DB != 0 {
            32
        } else {
            16
        };
        let s = &self.sys.seg;
        if self.bits == 64 {
            self.seg_base = [0, 0, 0, 0, s[sreg::FS].base, s[sreg::GS].base, 0];
            self.la_mask = u64::MAX;
            self.sp_size = 8;
        } else {
            for (b, seg) in self.seg_base.iter_mut().zip(s.iter()) {
                *b = seg.base & 0xffff_ffff;
            }
            self.seg_base[6] = 0;
            self.la_mask = 0xffff_ffff;
            self.sp_size = if s[sreg::SS].attr & attr::DB != 0 {
                4
            } else {
                2
            };
        }
    }

    /// What changes linear-to-physical translation changed (CR0.PG/WP/PE, CR4.PAE/PGE/PSE,
    /// EFER.LMA): every cached translation is forgotten (a CR3 write keeps the global ones:
    /// [`Cpu::cr3_written`]).
    pub(crate) fn translation_changed(&mut self) {
        self.tlb.flush();
    }

    /// MOV to CR0 (SDM vol. 2 "MOV—Move to/from Control Registers", vol. 3 §2.5, §9.8.5):
    /// bits 63:32 → #GP(0); PG without PE, NW without CD → #GP(0); enabling paging with
    /// EFER.LME sets EFER.LMA (#GP(0) without CR4.PAE); disabling paging in 64-bit mode →
    /// #GP(0), in compatibility mode it clears LMA. Other reserved bits of 31:0 are ignored,
    /// ET reads as one. Clearing PE (real mode) is not modelled: #GP(0).
    pub fn write_cr0(&mut self, v: u64) -> Result<(), super::state::Fault> {
        use super::state::Fault;
        if v >> 32 != 0 {
            return Err(Fault::GP0);
        }
        let v = (v & cr0::WRITABLE) | cr0::ET;
        let old = self.sys.cr0;
        if (v & cr0::PG != 0 && v & cr0::PE == 0) || (v & cr0::NW != 0 && v & cr0::CD == 0) {
            return Err(Fault::GP0);
        }
        if v & cr0::PE == 0 {
            return Err(Fault::GP0);
        }
        let mut efer = self.sys.efer;
        if v & cr0::PG != 0 && old & cr0::PG == 0 && efer & efer::LME != 0 {
            if self.sys.cr4 & cr4::PAE == 0 || self.sys.seg[sreg::CS].attr & attr::L != 0 {
                return Err(Fault::GP0);
            }
            efer |= efer::LMA;
        }
        if v & cr0::PG == 0 && old & cr0::PG != 0 && efer & efer::LMA != 0 {
            if self.mode64() {
                return Err(Fault::GP0);
            }
            efer &= !efer::LMA;
        }
        self.sys.cr0 = v;
        self.sys.efer = efer;
        if (old ^ v) & (cr0::PG | cr0::WP | cr0::PE) != 0 {
            self.translation_changed();
        }
        self.refresh_mode();
        Ok(())
    }

    /// MOV to CR3: in long mode the bits at and above [`MAXPHYADDR`] are reserved (#GP(0); no
    /// PCIDs), outside it the upper 32 bits are ignored.
    pub fn write_cr3(&mut self, v: u64) -> Result<(), super::state::Fault> {
        let v = if self.long_mode() {
            if v >> MAXPHYADDR != 0 {
                return Err(super::state::Fault::GP0);
            }
            v
        } else {
            v & 0xffff_ffff
        };
        self.sys.cr3 = v;
        self.cr3_written();
        Ok(())
    }

    /// MOV to CR4: bits outside [`cr4::WRITABLE`] (the features advertised) → #GP(0), clearing
    /// PAE in long mode → #GP(0).
    pub fn write_cr4(&mut self, v: u64) -> Result<(), super::state::Fault> {
        if v & !cr4::WRITABLE != 0 || (self.long_mode() && v & cr4::PAE == 0) {
            return Err(super::state::Fault::GP0);
        }
        let old = self.sys.cr4;
        self.sys.cr4 = v;
        if (old ^ v) & (cr4::PAE | cr4::PGE | cr4::PSE) != 0 {
            self.translation_changed();
        }
        Ok(())
    }

    /// The current privilege level: CS.RPL (SDM vol. 3 §5.5; CS's RPL always equals CPL in
    /// protected mode).
    #[inline]
    pub fn cpl(&self) -> u8 {
        (self.sys.seg[sreg::CS].selector & 3) as u8
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::aarch64::flat::FlatBus;
    use crate::x86_64::{BlockCache, Exit};

    /// A flat 32-bit segment with `dpl`: code (execute/read) or data (read/write).
    pub(crate) fn flat32(selector: u16, code: bool) -> Segment {
        let dpl = selector & 3;
        Segment {
            selector,
            base: 0,
            limit: 0xffff_ffff,
            attr: attr::P
                | attr::S
                | attr::RW
                | attr::ACCESSED
                | (dpl << attr::DPL_SHIFT)
                | attr::DB
                | attr::G
                | if code { attr::CODE } else { 0 },
        }
    }

    /// A vCPU in 32-bit protected mode (flat, CPL 0, no paging, EFER clear) at `rip`.
    pub(crate) fn protected32(rip: u64) -> Cpu {
        let mut c = Cpu::new();
        c.sys.efer = 0;
        c.sys.cr4 = 0;
        c.sys.seg = [flat32(0x10, false); 6];
        c.sys.seg[sreg::CS] = flat32(0x08, true);
        c.refresh_mode();
        c.rip = rip;
        c
    }

    #[test]
    fn thirty_two_bit_code_adds_segment_bases_and_pushes_four_bytes() {
        // mov eax, [0x10]; push eax; mov ebx, [ebp + 4] (SS-relative); jmp $
        let code = [0xa1, 0x10, 0, 0, 0, 0x50, 0x8b, 0x5d, 0x04, 0xeb, 0xfe];
        let mut bus = FlatBus::new(0, 0x10000);
        bus.ram_mut()[0x1000..0x1000 + code.len()].copy_from_slice(&code);
        bus.ram_mut()[0x3010..0x3014].copy_from_slice(&0x1234_5678u32.to_le_bytes());
        bus.ram_mut()[0x5104..0x5108].copy_from_slice(&0x9abc_def0u32.to_le_bytes());
        let mut cpu = protected32(0x1000);
        cpu.sys.seg[sreg::DS].base = 0x3000;
        cpu.sys.seg[sreg::SS].base = 0x5000;
        cpu.refresh_mode();
        cpu.regs[4] = 0x0000_0200; // ESP
        cpu.regs[5] = 0x0000_0100; // EBP
        assert_eq!(cpu.bits, 32);
        let mut cache = BlockCache::new();
        assert_eq!(cpu.run(&mut cache, &mut bus, 4), Exit::Budget);
        assert_eq!(cpu.regs[0], 0x1234_5678);
        assert_eq!(cpu.regs[4], 0x1fc);
        assert_eq!(&bus.ram()[0x51fc..0x5200], &0x1234_5678u32.to_le_bytes());
        assert_eq!(cpu.regs[3], 0x9abc_def0);
        assert_eq!(cpu.rip, 0x1009);
    }

    #[test]
    fn the_sandbox_is_64_bit_user_code_without_paging() {
        let c = Cpu::new();
        assert_eq!(c.cpl(), 3);
        assert_eq!(c.sys.cr0 & cr0::PG, 0);
        assert_ne!(c.sys.efer & efer::LMA, 0);
        assert_ne!(c.sys.seg[sreg::CS].attr & attr::L, 0);
        assert_eq!(c.sys.seg[sreg::CS].dpl(), 3);
        assert_eq!(c.sys.idtr.limit, 0);
    }
}

#[cfg(test)]
mod transitions {
    use super::*;
    use crate::x86_64::testworld::*;
    use crate::x86_64::Exit;

    /// 32-bit protected mode → long mode as Linux's and every PVH firmware's start-up code
    /// does it (SDM vol. 3 §9.8.5): CR4.PAE, CR3, EFER.LME, CR0.PG (EFER.LMA becomes 1, still
    /// 32-bit code: compatibility mode), then a far jump into a 64-bit code segment; and back
    /// to compatibility mode with a far return.
    #[test]
    fn protected_mode_to_long_mode_and_back_to_compatibility_mode() {
        let mut w = World::long();
        // Identity map of the first 2 MiB: PML4 0x10000 → PDPT 0x11000 → PD 0x12000.
        w.put64(0x10000, 0x11003);
        w.put64(0x11000, 0x12003);
        w.put64(0x12000, 0x83);
        let c = &mut w.cpu;
        c.sys.efer = 0;
        c.sys.cr0 = cr0::PE | cr0::ET;
        c.sys.cr4 = 0;
        c.sys.seg[sreg::CS] = crate::x86_64::descriptor::segment(CODE32, GDT_ENTRIES[7]);
        c.refresh_mode();
        assert_eq!(c.bits, 32);
        let code32 = [
            0x0f, 0x20, 0xe0, 0x83, 0xc8, 0x20, 0x0f, 0x22, 0xe0, // cr4 |= PAE
            0xb8, 0x00, 0x00, 0x01, 0x00, 0x0f, 0x22, 0xd8, // cr3 = 0x10000
            0xb9, 0x80, 0x00, 0x00, 0xc0, 0x0f, 0x32, 0x0d, 0x00, 0x01, 0x00, 0x00, 0x0f,
            0x30, // EFER |= LME
            0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80, 0x0f, 0x22, 0xc0, // cr0 |= PG
            0xea, 0x00, 0x71, 0x00, 0x00, 0x08, 0x00, // jmp 0x08:0x7100
        ];
        w.put(0x7000, &code32);
        // 64-bit: mov rax, 0x123456789; push 0x38; push 0x7200; retfq
        w.put(
            0x7100,
            &[
                0x48, 0xb8, 0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0, 0x6a, 0x38, 0x68, 0x00, 0x72, 0,
                0, 0x48, 0xcb,
            ],
        );
        // compatibility mode: mov eax, 5; hlt
        w.put(0x7200, &[0xb8, 5, 0, 0, 0, 0xf4]);
        w.cpu.rip = 0x7000;
        assert_eq!(w.run(12), Exit::Budget);
        assert_eq!(w.cpu.bits, 32);
        assert_ne!(w.cpu.sys.efer & efer::LMA, 0);
        assert_eq!(w.run(1), Exit::Budget); // the far jump
        assert_eq!((w.cpu.bits, w.cpu.rip), (64, 0x7100));
        assert_eq!(w.run(1), Exit::Budget);
        assert_eq!(w.cpu.regs[0], 0x1_2345_6789);
        assert_eq!(w.run(10), Exit::Halt);
        assert_eq!((w.cpu.bits, w.cpu.regs[0]), (32, 5));
        assert_eq!(w.cpu.sys.seg[sreg::CS].selector, CODE32);
        // From compatibility mode, clearing CR0.PG leaves long mode (EFER.LMA = 0): 32-bit
        // protected mode again; from 64-bit mode the same write is #GP(0).
        assert_eq!(w.cpu.write_cr0(cr0::PE | cr0::ET), Ok(()));
        assert_eq!(w.cpu.sys.efer & (efer::LMA | efer::LME), efer::LME);
        assert_eq!(w.cpu.bits, 32);
        let mut k = World::long();
        k.cpu.sys.cr0 |= cr0::PG;
        assert_eq!(
            k.cpu.write_cr0(cr0::PE | cr0::ET),
            Err(crate::x86_64::Fault::GP0)
        );
    }

    /// The reserved-bit and consistency checks of MOV to CR0/CR4.
    #[test]
    fn control_register_writes_check_their_rules() {
        use crate::x86_64::Fault;
        let mut c = tests::protected32(0);
        c.sys.sandbox = false;
        assert_eq!(c.write_cr0(cr0::PG | cr0::ET), Err(Fault::GP0)); // PG without PE
        assert_eq!(c.write_cr0(cr0::PE | cr0::NW), Err(Fault::GP0)); // NW without CD
        assert_eq!(c.write_cr0(cr0::PE | 1 << 32), Err(Fault::GP0));
        c.sys.efer = efer::LME;
        assert_eq!(c.write_cr0(cr0::PE | cr0::PG), Err(Fault::GP0)); // LME without PAE
        assert_eq!(c.write_cr4(cr4::SMEP), Err(Fault::GP0)); // not advertised
        assert_eq!(c.write_cr4(cr4::PAE), Ok(()));
        assert_eq!(c.write_cr0(cr0::PE | cr0::PG), Ok(()));
        assert_ne!(c.sys.efer & efer::LMA, 0);
        assert_eq!(c.write_cr4(0), Err(Fault::GP0)); // PAE cleared in long mode
        assert_eq!(c.write_cr3(1 << MAXPHYADDR), Err(Fault::GP0));
    }
}
