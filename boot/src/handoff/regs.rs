//! The `regs.*` rules: the boot CPU's registers at the kernel entry (booting.rst §4) — x0 the
//! device tree in RAM, x1..x3 zero, DAIF masked, EL2 or EL1, MMU and data cache off.

use super::{in_ram, Check, Entry, Rule, DAIF_ALL, SCTLR_C, SCTLR_M};

/// Judge `regs.x0-fdt`, `regs.x1-x3-zero`, `regs.daif-masked`, `regs.el`, `regs.mmu-off`,
/// `regs.dcache-off`.
pub(super) fn check(e: &Entry) -> Vec<Check> {
    let s = e.s;
    let x0 = e.dtb.x0;
    let header_ok = e.dtb.header_ok;
    let [_, x1, x2, x3] = s.x;
    vec![
        Check::pass_if(
            Rule::RegsX0Fdt,
            header_ok && in_ram(&e.exp.ram, x0, 1),
            format!(
                "x0 = {x0:#x}{}",
                if header_ok {
                    " (FDT magic)"
                } else {
                    " (no FDT there)"
                }
            ),
        ),
        Check::pass_if(
            Rule::RegsX1X3Zero,
            x1 | x2 | x3 == 0,
            format!("x1 = {x1:#x}, x2 = {x2:#x}, x3 = {x3:#x}"),
        ),
        Check::pass_if(
            Rule::RegsDaifMasked,
            s.daif & DAIF_ALL == DAIF_ALL,
            format!("DAIF = {:#06b}", (s.daif >> 6) & 0xf),
        ),
        Check::pass_if(
            Rule::RegsEl,
            s.el == 1 || s.el == 2,
            format!(
                "EL{}{} on CPU {} (MPIDR {:#x})",
                s.el,
                if s.sp_sel { "h" } else { "t" },
                s.cpu,
                s.mpidr
            ),
        ),
        Check::pass_if(
            Rule::RegsMmuOff,
            s.sctlr & SCTLR_M == 0,
            format!("SCTLR_EL{} = {:#x}", s.el, s.sctlr),
        ),
        Check::pass_if(
            Rule::RegsDcacheOff,
            s.sctlr & SCTLR_C == 0,
            format!("SCTLR_EL{}.C = {}", s.el, (s.sctlr & SCTLR_C != 0) as u8),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;

    #[test]
    fn register_rules() {
        let (f, img, e) = (good_fdt(), image(), exp());
        let mut s = state();
        s.x[0] = DTB + 0x1000; // the machine reads what lies there: no FDT
        assert_eq!(status(&s, &[0; 64], &img, &e, "regs.x0-fdt"), Status::Fail);
        s.x[0] = 0x1000; // FDT-looking bytes outside RAM
        assert_eq!(status(&s, &f, &img, &e, "regs.x0-fdt"), Status::Fail);
        let mut s = state();
        s.x[2] = 1;
        assert_eq!(status(&s, &f, &img, &e, "regs.x1-x3-zero"), Status::Fail);
        let mut s = state();
        s.daif = 0xe << 6;
        assert_eq!(status(&s, &f, &img, &e, "regs.daif-masked"), Status::Fail);
        let mut s = state();
        s.el = 0;
        assert_eq!(status(&s, &f, &img, &e, "regs.el"), Status::Fail);
        let mut s = state();
        s.el = 2;
        assert_eq!(status(&s, &f, &img, &e, "regs.el"), Status::Pass);
        let mut s = state();
        s.sctlr |= SCTLR_M;
        assert_eq!(status(&s, &f, &img, &e, "regs.mmu-off"), Status::Fail);
        let mut s = state();
        s.sctlr |= SCTLR_C;
        assert_eq!(status(&s, &f, &img, &e, "regs.dcache-off"), Status::Fail);
    }
}
