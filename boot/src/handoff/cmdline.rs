//! The `boot.cmdline` rule: after the boot, the kernel's own `Kernel command line:` console
//! line (printed by `start_kernel`) equals the command line that was asked for.

use super::{Check, Rule, Status};

/// `boot.cmdline`: the kernel's own `Kernel command line:` (from the console) equals the
/// expected command line. When the kernel never printed one and `entry_failed` (an entry rule
/// already failed, or the entry was never reached), that failure explains it: not applicable
/// rather than a second failure for the same cause. A printed command line is always judged.
pub fn check_cmdline(expected: Option<&str>, seen: Option<&str>, entry_failed: bool) -> Check {
    match (expected, seen) {
        (None, s) => Check::new(
            Rule::BootCmdline,
            Status::NotApplicable,
            match s {
                Some(s) => format!("no command line asked for (the kernel printed {s:?})"),
                None => "no command line asked for".to_string(),
            },
        ),
        (Some(w), Some(s)) => Check::pass_if(
            Rule::BootCmdline,
            w == s,
            if w == s {
                format!("{s:?}")
            } else {
                format!("{s:?}, expected {w:?}")
            },
        ),
        (Some(w), None) if entry_failed => Check::new(
            Rule::BootCmdline,
            Status::NotApplicable,
            format!(
                "no \"Kernel command line:\" on the console, expected {w:?} (the kernel did not \
                 get that far: an entry rule failed)"
            ),
        ),
        (Some(w), None) => Check::new(
            Rule::BootCmdline,
            Status::Fail,
            format!("no \"Kernel command line:\" on the console, expected {w:?}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmdline_is_judged_by_what_the_kernel_printed() {
        assert_eq!(
            check_cmdline(Some("a b"), Some("a b"), false).status,
            Status::Pass
        );
        assert_eq!(
            check_cmdline(Some("a b"), Some("a"), false).status,
            Status::Fail
        );
        assert_eq!(check_cmdline(Some("a"), None, false).status, Status::Fail);
        assert_eq!(
            check_cmdline(None, Some("a"), false).status,
            Status::NotApplicable
        );
    }

    #[test]
    fn missing_cmdline_after_a_failed_entry_is_not_a_second_failure() {
        let missing = check_cmdline(Some("console=ttyAMA0"), None, true);
        assert_eq!(missing.status, Status::NotApplicable);
        let wrong = check_cmdline(Some("console=ttyAMA0"), Some("console=ttyAMA0X"), true);
        assert_eq!(wrong.status, Status::Fail);
    }
}
