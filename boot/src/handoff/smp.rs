//! The `smp.*` rules (booting.rst §5): every cpu node has an enable-method, CPUs a firmware
//! holds are parked outside the kernel image, and secondaries the kernel starts with PSCI
//! `CPU_ON` enter as the primary did. The machine records what it saw ([`SmpFacts`]).

use super::tree::read_tree;
use super::{be32, Check, EntryState, Expected, ImageFound, Rule, Status};
use super::{DAIF_ALL, FDT_MAGIC, SCTLR_M};

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
        Check::new(Rule::SmpEnableMethod, Status::NotApplicable, "one CPU")
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
                Check::pass_if(
                    Rule::SmpEnableMethod,
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
            _ => Check::new(
                Rule::SmpEnableMethod,
                Status::Fail,
                "no readable device tree",
            ),
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
        Check::new(Rule::SmpCpuOnTarget, Status::NotApplicable, "one CPU")
    } else {
        let bad: Vec<String> = bad_on.into_iter().chain(bad_run).collect();
        Check::pass_if(
            Rule::SmpCpuOnTarget,
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
        Check::new(
            Rule::SmpSecondaryRegs,
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
        Check::pass_if(
            Rule::SmpSecondaryRegs,
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

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use crate::fdt::{build, Chosen};
    use vm_fdt::FdtWriter;

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
}
