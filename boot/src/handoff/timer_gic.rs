//! The `timer.*` and `gic.*` rules (booting.rst §4): CNTFRQ programmed, and for a kernel
//! entered at EL1 with EL2 present, what EL2 must have set up for it — the physical counter
//! (CNTHCTL_EL2.EL1PCTEN), FP/SIMD untrapped (CPTR_EL2.TFP) and the GICv3 system register
//! interface (ICC_SRE_EL2.{SRE,Enable}).

use super::{Check, Entry, Rule, Status};
use super::{CNTHCTL_EL1PCTEN, CPTR_TFP, ICC_SRE_ENABLE, ICC_SRE_SRE};

/// Judge `timer.cntfrq`, `timer.el1pcten`, `timer.cptr-tfp`, `gic.sre-el2`.
pub(super) fn check(e: &Entry) -> Vec<Check> {
    let s = e.s;
    let mut out = vec![Check::pass_if(
        Rule::TimerCntfrq,
        s.cntfrq != 0,
        format!("CNTFRQ_EL0 = {} Hz", s.cntfrq),
    )];
    let el1_under_el2 = s.el == 1 && s.el2_present;
    let el_note = || {
        format!(
            "entered at EL{}, EL2 {}",
            s.el,
            if s.el2_present { "present" } else { "absent" }
        )
    };
    out.push(if el1_under_el2 {
        Check::pass_if(
            Rule::TimerEl1pcten,
            s.cnthctl_el2 & CNTHCTL_EL1PCTEN != 0,
            format!("CNTHCTL_EL2 = {:#x}", s.cnthctl_el2),
        )
    } else {
        Check::new(Rule::TimerEl1pcten, Status::NotApplicable, el_note())
    });
    out.push(if el1_under_el2 {
        Check::pass_if(
            Rule::TimerCptrTfp,
            s.cptr_el2 & CPTR_TFP == 0,
            format!("CPTR_EL2 = {:#x}", s.cptr_el2),
        )
    } else {
        Check::new(Rule::TimerCptrTfp, Status::NotApplicable, el_note())
    });
    out.push(match s.icc_sre_el2 {
        Some(sre) if el1_under_el2 => {
            let need = ICC_SRE_SRE | ICC_SRE_ENABLE;
            Check::pass_if(
                Rule::GicSreEl2,
                sre & need == need,
                format!("ICC_SRE_EL2 = {sre:#x}"),
            )
        }
        Some(_) => Check::new(Rule::GicSreEl2, Status::NotApplicable, el_note()),
        None if s.gicv3 => Check::new(
            Rule::GicSreEl2,
            Status::NotApplicable,
            format!("GICv3, {}", el_note()),
        ),
        None => Check::new(Rule::GicSreEl2, Status::NotApplicable, "GICv2"),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;

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
}
