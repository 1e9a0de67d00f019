//! The aarch64 core's block-start watch: a physical address the executor reports before
//! running a block there (`Exit::Watch`), for the machine's entry checks. The x86_64 core keeps
//! its own (`x86_64::Watch`): it checks at block builds, where an interrupt delivered first can
//! build another watched block, so its pass names the one address it lets through.

/// A physical address the executor reports before running a block there: it returns its watch
/// exit when a block starts at a PA with `pa & mask == value`. One AND and one compare per
/// block start; the default (`mask` 0, `value` 1) never matches. An exact address is
/// `mask = !0`; "this offset in any 2 MiB-aligned region" is `mask = 2 MiB - 1`. Code that
/// reaches the address by falling through from an earlier block start is not seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Watch {
    /// Bits of the PA compared.
    pub mask: u64,
    /// Their expected value.
    pub value: u64,
    /// Let the next matching block start run (set by the machine after a watch exit).
    pub pass: bool,
}

impl Default for Watch {
    fn default() -> Self {
        Watch {
            mask: 0,
            value: 1,
            pass: false,
        }
    }
}
