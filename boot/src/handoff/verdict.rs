//! What is done with the judged checks: the checks of a run that never reached the kernel
//! entry ([`not_reached`]), `--no-check ID` ([`waive`]), the verdict ([`any_failed`]) and the
//! human summary ([`summary`]).

use super::{Check, Rule, Status};

/// The checks when the kernel entry was never reached: every entry rule gets `status` (a
/// failure when the run ended normally, [`Status::NotReached`] when it was cut short) and `why`.
pub fn not_reached(why: &str, status: Status) -> Vec<Check> {
    Rule::ALL
        .iter()
        .filter(|r| r.at_entry())
        .map(|&r| Check::new(r, status, why))
        .collect()
}

/// The x86 checks when the kernel entry was never reached: every rule the protocol's entry
/// judges (`bootparams.*`, `e820.*`, `kernel.*`, `entry64.*` for the 64-bit boot protocol;
/// `pvh.*`, `pvh-entry.*` for PVH) gets `status` and `why`, in report order.
pub fn not_reached_x86(pvh: bool, why: &str, status: Status) -> Vec<Check> {
    use super::Family::{BootParams, Entry64, Kernel, Pvh, PvhEntry, E820};
    Rule::ALL
        .iter()
        .filter(|r| match r.family() {
            BootParams | E820 | Kernel | Entry64 => !pvh,
            Pvh | PvhEntry => pvh,
            _ => false,
        })
        .map(|&r| Check::new(r, status, why))
        .collect()
}

/// Apply `--no-check ID`s: a failing or passing check becomes [`Status::Waived`].
pub fn waive(checks: &mut [Check], ids: &[String]) {
    for c in checks.iter_mut() {
        if ids.iter().any(|i| i == c.id()) {
            c.status = Status::Waived;
        }
    }
}

/// Whether any check failed.
pub fn any_failed(checks: &[Check]) -> bool {
    checks.iter().any(|c| c.status == Status::Fail)
}

/// The human summary: one line per check, `STATUS  id  detail`.
pub fn summary(checks: &[Check]) -> String {
    let w = checks.iter().map(|c| c.id().len()).max().unwrap_or(0);
    let mut s = String::new();
    for c in checks {
        s.push_str(&format!(
            "{:<6}  {:<w$}  {}\n",
            c.status.label(),
            c.id(),
            c.detail
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::check_cmdline;
    use super::*;

    #[test]
    fn waive_and_summary() {
        let mut c = vec![check_cmdline(Some("a"), None, false)];
        assert!(any_failed(&c));
        waive(&mut c, &["boot.cmdline".to_string()]);
        assert_eq!(c[0].status, Status::Waived);
        assert!(!any_failed(&c));
        assert!(summary(&c).starts_with("WAIVED  boot.cmdline  "));
    }

    #[test]
    fn not_reached_x86_covers_the_protocol_rules() {
        let l = not_reached_x86(false, "budget", Status::NotReached);
        assert_eq!(l.len(), 9 + 6);
        assert_eq!(l[0].id(), "bootparams.header");
        assert_eq!(l[14].id(), "entry64.rsi");
        let p = not_reached_x86(true, "budget", Status::Fail);
        assert_eq!(p.len(), 5 + 5);
        assert!(p.iter().all(|c| c.id().starts_with("pvh")));
        assert!(any_failed(&p));
    }

    #[test]
    fn not_reached_covers_the_entry_rules() {
        assert!(not_reached("x", Status::Fail)
            .iter()
            .all(|c| c.status == Status::Fail));
        let n = not_reached("budget", Status::NotReached);
        assert!(!any_failed(&n));
        assert_eq!(n.len(), Rule::ALL.iter().filter(|r| r.at_entry()).count());
        assert!(n.iter().all(|c| c.rule.applies_to(crate::Arch::Aarch64)));
        // The id column is as wide as the longest id ("image.base-aligned").
        assert!(summary(&n).starts_with(&format!("NOT REACHED  {:<18}  budget\n", "image.magic")));
    }
}
