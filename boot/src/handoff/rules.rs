//! The handoff rules: one [`Rule`] per check, in report order, each with its stable id (what
//! `--no-check ID` takes and reports print) and its text, quoted or paraphrased from Linux
//! `Documentation/arch/arm64/booting.rst` (<https://docs.kernel.org/arch/arm64/booting.html>),
//! and for x86 from `Documentation/arch/x86/boot.rst` and `zero-page.rst`
//! (<https://docs.kernel.org/arch/x86/boot.html>) and Xen's `hvm/start_info.h` (PVH).
//! Each family belongs to one architecture ([`Family::arch`]); `boot.*` to both.
//!
//! One table line per rule: adding a rule is a line here and a check in its family's file.

use std::fmt;

use crate::Arch;

/// The family a rule belongs to: the prefix of its id, and the file that judges it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// `image.*`: where the kernel Image lies (`image.rs`).
    Image,
    /// `regs.*`: the boot CPU's registers (`regs.rs`).
    Regs,
    /// `fdt.*`: the device tree at x0 (`fdt_rules.rs`).
    Fdt,
    /// `timer.*`: the generic timer and FP traps (`timer_gic.rs`).
    Timer,
    /// `gic.*`: the interrupt controller (`timer_gic.rs`).
    Gic,
    /// `smp.*`: the secondary CPUs (`smp.rs`).
    Smp,
    /// `bootparams.*`: the x86 zero page of the 64-bit boot protocol (`x86.rs`).
    BootParams,
    /// `e820.*`: the x86 memory map in the zero page (`x86.rs`).
    E820,
    /// `kernel.*`: where the x86 kernel was loaded (`x86.rs`).
    Kernel,
    /// `entry64.*`: the boot CPU entering through the 64-bit boot protocol (`x86_entry.rs`).
    Entry64,
    /// `pvh.*`: PVH's `hvm_start_info` (`pvh.rs`).
    Pvh,
    /// `pvh-entry.*`: the boot CPU entering through PVH (`x86_entry.rs`).
    PvhEntry,
    /// `boot.*`: what the kernel printed (`cmdline.rs`).
    Boot,
}

impl Family {
    /// The id prefix, e.g. `"regs"`.
    pub fn prefix(self) -> &'static str {
        match self {
            Family::Image => "image",
            Family::Regs => "regs",
            Family::Fdt => "fdt",
            Family::Timer => "timer",
            Family::Gic => "gic",
            Family::Smp => "smp",
            Family::BootParams => "bootparams",
            Family::E820 => "e820",
            Family::Kernel => "kernel",
            Family::Entry64 => "entry64",
            Family::Pvh => "pvh",
            Family::PvhEntry => "pvh-entry",
            Family::Boot => "boot",
        }
    }

    /// The architecture whose boots the family judges (`None`: every architecture).
    pub fn arch(self) -> Option<Arch> {
        match self {
            Family::Image
            | Family::Regs
            | Family::Fdt
            | Family::Timer
            | Family::Gic
            | Family::Smp => Some(Arch::Aarch64),
            Family::BootParams
            | Family::E820
            | Family::Kernel
            | Family::Entry64
            | Family::Pvh
            | Family::PvhEntry => Some(Arch::X86_64),
            Family::Boot => None,
        }
    }
}

macro_rules! rules {
    ($($variant:ident = $family:ident $id:literal, $text:literal;)*) => {
        /// One handoff rule. Variants are in report order ([`Rule::ALL`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $(
                #[doc = concat!("`", $id, "`: ", $text)]
                $variant,
            )*
        }

        impl Rule {
            /// Every rule, in report order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable id, e.g. `regs.x0-fdt`.
            pub fn id(self) -> &'static str {
                match self {
                    $(Rule::$variant => $id,)*
                }
            }

            /// The rule, quoted or paraphrased from booting.rst.
            pub fn text(self) -> &'static str {
                match self {
                    $(Rule::$variant => $text,)*
                }
            }

            /// The family (id prefix) of the rule.
            pub fn family(self) -> Family {
                match self {
                    $(Rule::$variant => Family::$family,)*
                }
            }
        }
    };
}

rules! {
    ImageMagic = Image "image.magic",
        "booting.rst §4: the Image header carries the magic \"ARM\\x64\" at offset 56";
    ImageBaseAligned = Image "image.base-aligned",
        "booting.rst §4: the Image must be placed text_offset bytes from a 2 MiB aligned base address";
    ImageInRam = Image "image.in-ram",
        "booting.rst §4: image_size bytes from the image start must lie in usable RAM";
    ImageNoOverlap = Image "image.no-overlap",
        "booting.rst §4: the image (image_size bytes) must not overlap the dtb, the initrd or reserved memory";
    RegsX0Fdt = Regs "regs.x0-fdt",
        "booting.rst §4: x0 = physical address of the device tree blob in system RAM";
    RegsX1X3Zero = Regs "regs.x1-x3-zero",
        "booting.rst §4: x1 = x2 = x3 = 0 (reserved for future use)";
    RegsDaifMasked = Regs "regs.daif-masked",
        "booting.rst §4: all forms of interrupts must be masked in PSTATE.DAIF";
    RegsEl = Regs "regs.el",
        "booting.rst §4: the CPU must be in non-secure EL2 or EL1, the same on all CPUs";
    RegsMmuOff = Regs "regs.mmu-off",
        "booting.rst §4: the MMU must be off (SCTLR_ELx.M = 0)";
    RegsDcacheOff = Regs "regs.dcache-off",
        "booting.rst §4: data caches off at entry (SCTLR_ELx.C = 0)";
    FdtHeader = Fdt "fdt.header",
        "booting.rst §2: x0 points at a valid flattened device tree (magic 0xd00dfeed)";
    FdtAligned = Fdt "fdt.aligned",
        "booting.rst §2: the dtb must be placed on an 8-byte boundary";
    FdtSize = Fdt "fdt.size",
        "booting.rst §2: the dtb must not exceed 2 megabytes";
    FdtInRam = Fdt "fdt.in-ram",
        "booting.rst §2: the dtb lies in system RAM";
    FdtBootargs = Fdt "fdt.bootargs",
        "booting.rst §2: /chosen/bootargs holds the command line that was asked for";
    FdtInitrd = Fdt "fdt.initrd",
        "booting.rst §3: /chosen linux,initrd-start/end cover exactly the initrd";
    FdtInitrdWindow = Fdt "fdt.initrd-window",
        "booting.rst §3: the initrd lies in one 1 GiB-aligned window of up to 32 GiB with the kernel Image";
    FdtMemory = Fdt "fdt.memory",
        "booting.rst §1: the device tree's memory nodes describe the machine's RAM";
    TimerCntfrq = Timer "timer.cntfrq",
        "booting.rst §4: CNTFRQ must be programmed with the timer frequency";
    TimerEl1pcten = Timer "timer.el1pcten",
        "booting.rst §4: entered at EL1 with EL2 present, CNTHCTL_EL2.EL1PCTEN (bit 0) must be set";
    TimerCptrTfp = Timer "timer.cptr-tfp",
        "booting.rst §4: entered at EL1 with EL2 present, CPTR_EL2.TFP (bit 10) must be clear";
    GicSreEl2 = Gic "gic.sre-el2",
        "booting.rst §4: GICv3 entered at EL1 with EL2 present, ICC_SRE_EL2.Enable (bit 3) and .SRE (bit 0) must be set";
    SmpEnableMethod = Smp "smp.enable-method",
        "booting.rst §5: with several CPUs, every cpu node has an enable-method (psci needs a /psci node)";
    SmpCpuOnTarget = Smp "smp.cpu-on-target",
        "booting.rst §5: CPUs the firmware holds must be parked outside the kernel image";
    SmpSecondaryRegs = Smp "smp.secondary-regs",
        "booting.rst §5: secondaries enter MMU off, DAIF masked, at the primary's EL, x0 = PSCI context, x1..x3 = 0";
    BootParamsHeader = BootParams "bootparams.header",
        "boot.rst 64-bit Boot Protocol: the zero page holds the image's setup header (0x1f1 up to 0x202 + the byte at 0x201); only the fields a loader writes differ";
    BootParamsVersion = BootParams "bootparams.version",
        "boot.rst: the 64-bit entry at load + 0x200 needs protocol 2.12+ with XLF_KERNEL_64 in xloadflags";
    BootParamsLoader = BootParams "bootparams.loader",
        "boot.rst: type_of_loader is written (0xff without an assigned id), LOADED_HIGH stays set, and the sentinel at 0x1ef is 0";
    BootParamsCmdline = BootParams "bootparams.cmdline",
        "boot.rst: cmd_line_ptr points at a NUL-terminated command line of at most cmdline_size bytes in RAM: the one asked for";
    BootParamsRamdisk = BootParams "bootparams.ramdisk",
        "boot.rst: ramdisk_image/ramdisk_size cover exactly the initrd, whose last byte is at most initrd_addr_max (0 and 0 without one)";
    E820Table = E820 "e820.table",
        "zero-page.rst: e820_entries (at most 128) entries, none empty, none overlapping another, RAM only where the machine has RAM";
    E820Covers = E820 "e820.covers",
        "boot.rst 64-bit Boot Protocol: the e820 map describes the kernel (from its load address to init_size past its runtime start), the initrd, the command line and the zero page as RAM";
    E820NoOverlap = E820 "e820.no-overlap",
        "the kernel, initrd, command line and zero page overlap neither each other nor a reserved e820 range";
    KernelPlacement = Kernel "kernel.placement",
        "boot.rst: a relocatable kernel may be loaded anywhere and realigns itself to kernel_alignment (reported); one that is not relocatable is loaded not below pref_address (LOAD_PHYSICAL_ADDR)";
    Entry64LongMode = Entry64 "entry64.long-mode",
        "boot.rst 64-bit Boot Protocol: the CPU must be in 64-bit mode with paging enabled (CR0.PE and CR0.PG, CR4.PAE, EFER.LME and EFER.LMA, CS.L)";
    Entry64BootCs = Entry64 "entry64.boot-cs",
        "boot.rst 64-bit Boot Protocol: CS must be __BOOT_CS (0x10), a 4G flat segment with execute/read permission in the loaded GDT (present, 64-bit code: L = 1, D = 0)";
    Entry64BootDs = Entry64 "entry64.boot-ds",
        "boot.rst 64-bit Boot Protocol: DS, ES and SS must be __BOOT_DS (0x18), a 4G flat segment with read/write permission in the loaded GDT (present data segment)";
    Entry64IdentityMap = Entry64 "entry64.identity-map",
        "boot.rst 64-bit Boot Protocol: the range with init_size from the kernel's start, the zero page and the command line buffer get identity mapping (walked from CR3)";
    Entry64IfClear = Entry64 "entry64.if-clear",
        "boot.rst 64-bit Boot Protocol: interrupt must be disabled (RFLAGS.IF = 0)";
    Entry64Rsi = Entry64 "entry64.rsi",
        "boot.rst 64-bit Boot Protocol: %rsi must hold the base address of the struct boot_params (the zero page the loader built; its contents are the bootparams.* rules')";
    PvhMagic = Pvh "pvh.magic",
        "start_info.h: EBX points at hvm_start_info in RAM whose magic is 0x336ec578 (XEN_HVM_START_MAGIC_VALUE)";
    PvhVersion = Pvh "pvh.version",
        "start_info.h: version 1 (the memory map fields; without them Linux asks Xen for the memory map)";
    PvhCmdline = Pvh "pvh.cmdline",
        "start_info.h: cmdline_paddr points at a NUL-terminated command line (at most COMMAND_LINE_SIZE 2048 bytes with the NUL) in RAM: the one asked for";
    PvhModules = Pvh "pvh.modules",
        "start_info.h: nr_modules/modlist_paddr describe the initrd as the first module, exactly (no module without one)";
    PvhMemmap = Pvh "pvh.memmap",
        "start_info.h: memmap_paddr/memmap_entries give a memory map (1..128 entries, none overlapping) describing the kernel, the initrd, the command line and start_info as RAM";
    PvhEntryCr0 = PvhEntry "pvh-entry.cr0",
        "pvh.pandoc: cr0 bit 0 (PE) must be set, all the other writeable bits cleared (paging off; ET reads as 1 and is ignored); EFER.LME clear (protected mode, not IA-32e)";
    PvhEntryCr4 = PvhEntry "pvh-entry.cr4",
        "pvh.pandoc: cr4 all bits cleared";
    PvhEntrySegments = PvhEntry "pvh-entry.segments",
        "pvh.pandoc: cs a 32-bit read/exec code segment, ds/es/ss 32-bit read/write data segments, all with base 0 and limit 0xFFFFFFFF (as loaded, and as their GDT descriptors say)";
    PvhEntryEflags = PvhEntry "pvh-entry.eflags",
        "pvh.pandoc: eflags bit 17 (VM), bit 9 (IF) and bit 8 (TF) cleared";
    PvhEntryEbx = PvhEntry "pvh-entry.ebx",
        "pvh.pandoc: ebx holds the physical address of the start_info structure (the one the loader built, below 4 GiB; its contents, magic 0x336ec578 first, are the pvh.* rules')";
    BootCmdline = Boot "boot.cmdline",
        "the kernel's \"Kernel command line:\" console line equals the expected command line";
}

impl Rule {
    /// The rule with this id (`None`: not a check id).
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// Judged on the primary CPU's state at an arm64 kernel entry ([`super::check_entry`]):
    /// every arm64 family but `smp.*`.
    pub fn at_entry(self) -> bool {
        self.family().arch() == Some(Arch::Aarch64) && self.family() != Family::Smp
    }

    /// The architecture whose boots the rule judges (`None`: every architecture).
    pub fn arch(self) -> Option<Arch> {
        self.family().arch()
    }

    /// Whether a boot of `arch` reports this rule.
    pub fn applies_to(self, arch: Arch) -> bool {
        self.arch().is_none_or(|a| a == arch)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip() {
        for (i, r) in Rule::ALL.iter().enumerate() {
            assert_eq!(Rule::from_id(r.id()), Some(*r));
            assert!(Rule::ALL[..i].iter().all(|o| o.id() != r.id()), "{r}");
            assert!(!r.text().is_empty(), "{r}");
        }
        assert_eq!(Rule::from_id("regs.nope"), None);
        assert_eq!(Rule::from_id("regs.el"), Some(Rule::RegsEl));
        assert_eq!(Rule::BootCmdline.to_string(), "boot.cmdline");
    }

    #[test]
    fn all_is_in_declaration_order_and_complete() {
        assert_eq!(Rule::ALL.len(), 51);
        let arm64 = Rule::ALL.iter().filter(|r| r.applies_to(Arch::Aarch64));
        assert_eq!(arm64.count(), 26);
        let x86 = Rule::ALL.iter().filter(|r| r.applies_to(Arch::X86_64));
        assert_eq!(x86.count(), 26);
        assert!(Rule::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(Rule::ALL.first(), Some(&Rule::ImageMagic));
        assert_eq!(Rule::ALL.last(), Some(&Rule::BootCmdline));
    }

    #[test]
    fn family_is_the_id_prefix() {
        for r in Rule::ALL {
            let prefix = r.id().split('.').next().unwrap();
            assert_eq!(r.family().prefix(), prefix, "{r}");
        }
        let entry: Vec<_> = Rule::ALL.iter().filter(|r| r.at_entry()).collect();
        assert_eq!(entry.len(), 26 - 4);
        assert_eq!(Rule::PvhMagic.family().prefix(), "pvh");
        assert_eq!(Rule::BootCmdline.arch(), None);
    }
}
