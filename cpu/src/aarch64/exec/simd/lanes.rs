//! Lane-wise helpers for the AdvSIMD handlers (DDI 0487 C7.2; `Elem[]`, `SignedSatQ`,
//! `UnsignedSatQ` of J1.3): element access on a 128-bit register value, per-lane maps with the
//! element size as a const generic (so the lane loops unroll), saturation with FPSR.QC tracking,
//! and the size dispatch macro [`by_size!`](crate::by_size).

/// Mask of the low `bytes` bytes (1..=16) of a register.
#[inline(always)]
pub fn dmask(bytes: u8) -> u128 {
    u128::MAX >> (128 - 8 * bytes as u32)
}

/// Mask of the low `e` bits (1..=64).
#[inline(always)]
pub const fn emask(e: u32) -> u64 {
    u64::MAX >> (64 - e)
}

/// Element `i` of `e` bits of `v`, zero-extended.
#[inline(always)]
pub fn elem(v: u128, i: u32, e: u32) -> u64 {
    (v >> (i * e)) as u64 & emask(e)
}

/// `v` with element `i` of `e` bits replaced by the low bits of `x`.
#[inline(always)]
pub fn put(v: u128, i: u32, e: u32, x: u64) -> u128 {
    let m = (emask(e) as u128) << (i * e);
    (v & !m) | (((x & emask(e)) as u128) << (i * e))
}

/// The low `e` bits of `x` sign-extended.
#[inline(always)]
pub fn sx(x: u64, e: u32) -> i64 {
    ((x << (64 - e)) as i64) >> (64 - e)
}

/// `x` (an `e`-bit element) replicated to 128 bits.
#[inline(always)]
pub fn dup(x: u64, e: u32) -> u128 {
    (x & emask(e)) as u128 * (u128::MAX / emask(e) as u128)
}

/// All ones in `e` bits when `c`, else zero.
#[inline(always)]
pub fn ones_if(c: bool) -> u64 {
    (c as u64).wrapping_neg()
}

/// SignedSatQ: `v` saturated to the signed range of `e` bits (returned as `e` bits); sets `qc`
/// when it saturated.
#[inline(always)]
pub fn sat_s(v: i128, e: u32, qc: &mut bool) -> u64 {
    let max = (1i128 << (e - 1)) - 1;
    let min = -(1i128 << (e - 1));
    let r = if v > max {
        *qc = true;
        max
    } else if v < min {
        *qc = true;
        min
    } else {
        v
    };
    r as u64 & emask(e)
}

/// UnsignedSatQ: `v` saturated to the unsigned range of `e` bits; sets `qc` when it saturated.
#[inline(always)]
pub fn sat_u(v: i128, e: u32, qc: &mut bool) -> u64 {
    let max = (1i128 << e) - 1;
    if v > max {
        *qc = true;
        max as u64
    } else if v < 0 {
        *qc = true;
        0
    } else {
        v as u64
    }
}

/// Apply `f` to each `E`-bit lane of `a`.
#[inline(always)]
pub fn map1<const E: u32>(a: u128, mut f: impl FnMut(u64) -> u64) -> u128 {
    let mut r = 0u128;
    let mut i = 0;
    while i < 128 / E {
        r |= ((f(elem(a, i, E)) & emask(E)) as u128) << (i * E);
        i += 1;
    }
    r
}

/// Apply `f` to each pair of `E`-bit lanes of `a` and `b`.
#[inline(always)]
pub fn map2<const E: u32>(a: u128, b: u128, mut f: impl FnMut(u64, u64) -> u64) -> u128 {
    let mut r = 0u128;
    let mut i = 0;
    while i < 128 / E {
        r |= ((f(elem(a, i, E), elem(b, i, E)) & emask(E)) as u128) << (i * E);
        i += 1;
    }
    r
}

/// Apply `f` to each triple of `E`-bit lanes of `a`, `b` and `c`.
#[inline(always)]
pub fn map3<const E: u32>(
    a: u128,
    b: u128,
    c: u128,
    mut f: impl FnMut(u64, u64, u64) -> u64,
) -> u128 {
    let mut r = 0u128;
    let mut i = 0;
    while i < 128 / E {
        r |= ((f(elem(a, i, E), elem(b, i, E), elem(c, i, E)) & emask(E)) as u128) << (i * E);
        i += 1;
    }
    r
}

/// The 64-bit half `part` (0 = low, 1 = high) of `v`.
#[inline(always)]
pub fn half(v: u128, part: bool) -> u64 {
    (v >> (64 * part as u32)) as u64
}

/// Dispatch on an element size field (0 = 8 bits … 3 = 64 bits): `by_size!(size, |E| expr)`
/// evaluates `expr` with `E` a constant of the element size in bits.
#[macro_export]
macro_rules! by_size {
    ($s:expr, |$E:ident| $body:expr) => {
        match $s {
            0 => {
                const $E: u32 = 8;
                $body
            }
            1 => {
                const $E: u32 = 16;
                $body
            }
            2 => {
                const $E: u32 = 32;
                $body
            }
            _ => {
                const $E: u32 = 64;
                $body
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_and_saturation() {
        let v = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100u128;
        assert_eq!(elem(v, 3, 8), 3);
        assert_eq!(elem(v, 1, 64), 0x0f0e_0d0c_0b0a_0908);
        assert_eq!(put(v, 0, 16, 0xffff) as u16, 0xffff);
        assert_eq!(dup(0xab, 8), u128::from_le_bytes([0xab; 16]));
        assert_eq!(dup(1, 64), (1u128 << 64) | 1);
        let mut qc = false;
        assert_eq!(sat_s(200, 8, &mut qc), 0x7f);
        assert!(qc);
        qc = false;
        assert_eq!(sat_s(-128, 8, &mut qc), 0x80);
        assert!(!qc);
        assert_eq!(sat_u(-1, 64, &mut qc), 0);
        assert!(qc);
        assert_eq!(sx(0x80, 8), -128);
        assert_eq!(dmask(8), u64::MAX as u128);
        assert_eq!(dmask(16), u128::MAX);
    }
}
