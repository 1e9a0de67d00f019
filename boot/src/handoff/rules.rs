//! The handoff rules: one [`Rule`] per check, in report order, each with its stable id (what
//! `--no-check ID` takes and reports print) and its text, quoted or paraphrased from Linux
//! `Documentation/arch/arm64/booting.rst` (<https://docs.kernel.org/arch/arm64/booting.html>).
//!
//! One table line per rule: adding a rule is a line here and a check in its family's file.

use std::fmt;

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
            Family::Boot => "boot",
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
    BootCmdline = Boot "boot.cmdline",
        "the kernel's \"Kernel command line:\" console line equals the expected command line";
}

impl Rule {
    /// The rule with this id (`None`: not a check id).
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// Judged on the primary CPU's state at the kernel entry ([`super::check_entry`]): every
    /// family but `smp.*` and `boot.*`.
    pub fn at_entry(self) -> bool {
        !matches!(self.family(), Family::Smp | Family::Boot)
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
        assert_eq!(Rule::ALL.len(), 26);
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
        assert_eq!(entry.len(), Rule::ALL.len() - 4);
    }
}
