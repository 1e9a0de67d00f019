//! Instruction handlers, one file per class, and the flag helpers they share (SDM vol. 1
//! §3.4.3.1 status flags; appendix A "EFLAGS cross-reference" for which instruction sets, clears
//! or leaves undefined each flag).
//!
//! Flags are computed eagerly into RFLAGS. Where the architecture leaves a flag undefined, the
//! handler's doc says which value this core produces; the differential tests mask those flags.

pub mod alu;
pub mod bits;
pub mod branch;
pub mod control;
pub mod data;
pub mod f80;
pub mod far;
pub mod io;
pub mod misc;
pub mod mmx;
pub mod muldiv;
pub mod shaped;
pub mod shift;
pub mod softfp;
pub mod sse_fp;
pub mod sse_int;
pub mod sse_mov;
pub mod stack;
pub mod string;
pub mod x87;

use super::state::flag::{AF, CF, OF, PF, SF, ZF};
use super::state::mask;

/// Most significant bit of an operand of `size` bytes.
#[inline(always)]
pub fn msb(v: u64, size: u8) -> u64 {
    (v >> (8 * size as u32 - 1)) & 1
}

/// SF, ZF and PF of result `r` of `size` bytes.
#[inline(always)]
pub fn szp(r: u64, size: u8) -> u64 {
    let r = r & mask(size);
    let mut f = 0;
    if msb(r, size) != 0 {
        f |= SF;
    }
    if r == 0 {
        f |= ZF;
    }
    if (r as u8).count_ones().is_multiple_of(2) {
        f |= PF;
    }
    f
}

/// All six status flags of `r = a + b + carry` at `size` bytes (operands already masked).
#[inline(always)]
pub fn add_flags(a: u64, b: u64, carry: u64, r: u64, size: u8) -> u64 {
    let mut f = szp(r, size);
    if (a as u128 + b as u128 + carry as u128) >> (8 * size as u32) != 0 {
        f |= CF;
    }
    if msb((a ^ r) & (b ^ r), size) != 0 {
        f |= OF;
    }
    f | ((a ^ b ^ r) & AF)
}

/// All six status flags of `r = a - b - borrow` at `size` bytes (operands already masked).
#[inline(always)]
pub fn sub_flags(a: u64, b: u64, borrow: u64, r: u64, size: u8) -> u64 {
    let mut f = szp(r, size);
    if (a as u128) < b as u128 + borrow as u128 {
        f |= CF;
    }
    if msb((a ^ b) & (a ^ r), size) != 0 {
        f |= OF;
    }
    f | ((a ^ b ^ r) & AF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_and_sub_flags_at_the_edges() {
        // 0x7f + 1 (8-bit): OF, SF, AF; no CF.
        assert_eq!(add_flags(0x7f, 1, 0, 0x80, 1), OF | SF | AF);
        // 0xff + 1: CF, ZF, AF, PF.
        assert_eq!(add_flags(0xff, 1, 0, 0, 1), CF | ZF | AF | PF);
        // 0 - 1 (64-bit): CF, SF, AF, PF (low byte 0xff has even parity).
        assert_eq!(sub_flags(0, 1, 0, u64::MAX, 8), CF | SF | AF | PF);
        // i32::MIN - 1: OF, and PF (low byte 0xff).
        assert_eq!(sub_flags(0x8000_0000, 1, 0, 0x7fff_ffff, 4), OF | AF | PF);
    }
}

/// The unit-test execution harness shared by the handler and decoder tests: 4 KiB of flat RAM
/// at 0, an empty block cache, and instructions decoded from bytes in 64-bit mode at 0x1000.
#[cfg(test)]
pub(crate) mod testing {
    use super::super::block::{BlockCache, Env};
    use super::super::decode::decode;
    use super::super::insn::Insn;
    use super::super::state::{Cpu, Fault};
    use crate::aarch64::flat::FlatBus;

    /// The RAM and block cache an [`Env`] borrows.
    pub(crate) struct World {
        bus: FlatBus,
        code: BlockCache,
    }

    impl World {
        /// 4 KiB of zeroed RAM at physical 0.
        pub(crate) fn new() -> World {
            World {
                bus: FlatBus::new(0, 4096),
                code: BlockCache::new(),
            }
        }

        /// An execution environment over this world, with no instruction limit.
        pub(crate) fn env(&mut self) -> Env<'_> {
            Env {
                bus: &mut self.bus,
                code: &mut self.code,
                stop: false,
                end: u64::MAX,
            }
        }
    }

    /// The first instruction of `bytes`, decoded in 64-bit mode at 0x1000.
    pub(crate) fn one(bytes: &[u8]) -> Insn {
        decode(&iced_x86::Decoder::with_ip(64, bytes, 0x1000, 0).decode())
    }

    /// Decode the first instruction of `bytes` and run its handler once.
    pub(crate) fn exec_bytes(cpu: &mut Cpu, env: &mut Env, bytes: &[u8]) -> Result<(), Fault> {
        let i = one(bytes);
        (i.exec)(cpu, env, &i.ops)
    }
}
