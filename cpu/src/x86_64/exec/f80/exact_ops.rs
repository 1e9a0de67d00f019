//! The x87's exact operations on extended values (SDM vol. 2, FSCALE, FXTRACT, FPREM,
//! FPREM1, FBLD, FBSTP): scaling by a power of two (rounded only when the result leaves the
//! normal range), the split into exponent and significand, the partial remainders with their
//! quotient bits, and the 18-digit packed BCD conversions.
//!
//! Partial remainders: when the exponents differ by 64 or more, FPREM/FPREM1 reduce the
//! difference to `32 × ⌊D / 32⌋ − 32` (N = 32 + D mod 32 quotient bits, the choice the
//! host CPU makes; the SDM leaves N between 32 and 63 to the implementation) and report
//! C2 = 1 with no quotient bits.

use super::{indefinite, inf, nan2, round, zero, Fmt, Out, DE, IE, V, ZE};

const EXT: Fmt = Fmt::Ext(64);

fn denormal(v: V) -> bool {
    matches!(v, V::Fin { denormal: true, .. })
}

/// `(sign, normalised significand, exponent of its bit 0)` of a finite non-zero value.
fn norm(v: V) -> Option<(bool, u64, i32)> {
    match v {
        V::Fin {
            sign, mant, exp, ..
        } => {
            let lz = mant.leading_zeros();
            Some((sign, mant << lz, exp - lz as i32))
        }
        _ => None,
    }
}

/// FSCALE: `a × 2^trunc(b)`, rounded under `mode` to 64 bits when it over- or underflows.
pub fn scale(a: V, b: V, mode: u32) -> Out {
    if let Some(r) = nan2(EXT, a, b) {
        return r;
    }
    let de = (denormal(a) || denormal(b)) as u16 * DE;
    let invalid = Out::exact(indefinite(EXT)).with(IE);
    match (a, b) {
        (V::Zero(_), V::Inf(false)) | (V::Inf(_), V::Inf(true)) => invalid,
        (V::Zero(s), _) => Out::exact(zero(EXT, s)).with(de),
        (V::Inf(s), _) => Out::exact(inf(EXT, s)).with(de),
        (V::Fin { sign, .. }, V::Inf(neg)) => {
            let bits = if neg { zero(EXT, sign) } else { inf(EXT, sign) };
            Out::exact(bits).with(de)
        }
        (
            V::Fin {
                sign, mant, exp, ..
            },
            b,
        ) => {
            // trunc(b), saturated well beyond the exponent range.
            const SAT: i64 = 1 << 20;
            let n = match b {
                V::Fin {
                    sign: bs,
                    mant: bm,
                    exp: be,
                    ..
                } => {
                    let mag = if be >= 0 {
                        SAT
                    } else if be <= -64 {
                        0
                    } else {
                        ((bm >> -be) as i64).min(SAT)
                    };
                    if bs {
                        -mag
                    } else {
                        mag
                    }
                }
                _ => 0,
            };
            round(EXT, sign, mant as u128, exp + n as i32, false, mode).with(de)
        }
        _ => invalid,
    }
}

/// FXTRACT: (the unbiased exponent as a value, the significand with `a`'s sign and exponent
/// zero). Zero: −∞ with #Z and the zero; infinity: +∞ and the infinity.
pub fn xtract(a: V) -> (Out, Out) {
    match a {
        V::Zero(s) => (
            Out::exact(inf(EXT, true)).with(ZE),
            Out::exact(zero(EXT, s)),
        ),
        V::Inf(s) => (Out::exact(inf(EXT, false)), Out::exact(inf(EXT, s))),
        V::Fin { .. } => {
            let (sign, m, e) = norm(a).unwrap_or((false, 1 << 63, 0));
            let x = e + 63;
            let ex = round(EXT, x < 0, x.unsigned_abs() as u128, 0, false, 0);
            let sig = Out::exact((sign as u128) << 79 | 0x3fff << 64 | m as u128);
            let de = denormal(a) as u16 * DE;
            (ex.with(de), sig.with(de))
        }
        _ => {
            let r = nan2(EXT, a, V::Zero(false)).unwrap_or(Out::exact(indefinite(EXT)));
            (r, r)
        }
    }
}

/// A partial remainder: the result, the low three quotient bits, whether it is incomplete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rem {
    /// ST(0)'s new value and the flags.
    pub out: Out,
    /// Quotient bits 2:0 (C0, C3, C1).
    pub q: u8,
    /// Incomplete (C2).
    pub partial: bool,
    /// A NaN or invalid operand: C0 and C3 keep their values (as the host CPU does).
    pub keep: bool,
}

/// FPREM (`nearest` false: the quotient truncated) and FPREM1 (rounded to nearest even):
/// `a − q × b`, exact.
pub fn prem(a: V, b: V, nearest: bool) -> Rem {
    let done = |out: Out| Rem {
        out,
        q: 0,
        partial: false,
        keep: false,
    };
    if let Some(r) = nan2(EXT, a, b) {
        return Rem {
            keep: true,
            ..done(r)
        };
    }
    let de = (denormal(a) || denormal(b)) as u16 * DE;
    let invalid = Rem {
        keep: true,
        ..done(Out::exact(indefinite(EXT)).with(IE))
    };
    let (sa, ma, ea, mb, eb) = match (a, b) {
        (V::Inf(_), _) | (_, V::Zero(_)) => return invalid,
        (V::Zero(s), _) => return done(Out::exact(zero(EXT, s)).with(de)),
        (V::Fin { .. }, V::Inf(_)) => {
            let (m, se) = super::exact(a);
            return done(Out::exact((se as u128) << 64 | m as u128).with(de));
        }
        (V::Fin { .. }, V::Fin { .. }) => {
            let (sa, ma, ea) = norm(a).unwrap_or((false, 0, 0));
            let (_, mb, eb) = norm(b).unwrap_or((false, 1 << 63, 0));
            (sa, ma, ea, mb, eb)
        }
        _ => return invalid,
    };
    let d = ea - eb;
    if d < 0 {
        // |a| < |b|: the quotient is 0, or 1 for FPREM1 when |a| > |b| / 2.
        let more_than_half = d == -1 && ma > mb;
        if !(nearest && more_than_half) {
            let (m, se) = super::exact(a);
            return done(Out::exact((se as u128) << 64 | m as u128).with(de));
        }
        // |b| − |a| with a's sign flipped: exact in the frame of a.
        let r = ((mb as u128) << 1) - ma as u128;
        let out = round(EXT, !sa, r, ea, false, 0).with(de);
        return Rem { q: 1, ..done(out) };
    }
    let partial = d >= 64;
    let n = if partial { 32 + d % 32 } else { d };
    // a / (b × 2^(d − n)) = ma × 2^n / mb.
    let num = (ma as u128) << n;
    let mb128 = mb as u128;
    let (mut q, mut r) = (num / mb128, num % mb128);
    let mut sign = sa;
    if nearest && !partial && (2 * r > mb128 || (2 * r == mb128 && q & 1 == 1)) {
        q += 1;
        r = mb128 - r;
        sign = !sa;
    }
    let exp = eb + (d - n);
    let out = if r == 0 {
        Out::exact(zero(EXT, sa))
    } else {
        round(EXT, sign, r, exp, false, 0)
    };
    Rem {
        out: out.with(de),
        q: if partial { 0 } else { (q & 7) as u8 },
        partial,
        keep: false,
    }
}

/// The packed BCD indefinite FBSTP stores.
pub const BCD_INDEFINITE: u128 = 0xffff_c000_0000_0000_0000;

/// FBLD: the value of an 18-digit packed BCD integer (bit 79 the sign; a nibble above 9
/// counts with its binary value).
pub fn from_bcd(bits: u128) -> (u64, u16) {
    let mut v: u64 = 0;
    for k in (0..18).rev() {
        let d = (bits >> (4 * k)) as u64 & 0xf;
        v = v.wrapping_mul(10).wrapping_add(d);
    }
    let sign = (bits >> 79) as u16 & 1;
    if v == 0 {
        return (0, sign << 15);
    }
    let lz = v.leading_zeros();
    (v << lz, sign << 15 | (16383 + 63 - lz) as u16)
}

/// FBSTP: `a` rounded to an integer under `mode` as 18 packed BCD digits (#IA and the BCD
/// indefinite when it has more digits, or is a NaN or infinity); flags and rounded up.
pub fn to_bcd(a: V, mode: u32) -> (u128, u16, bool) {
    let (sign, mag, flags, up) = match a {
        V::Zero(s) => (s, 0, 0, false),
        // A denormal raises no #D here (as the host CPU does).
        V::Fin {
            sign, mant, exp, ..
        } => {
            if exp >= 0 {
                if exp > 60 {
                    return (BCD_INDEFINITE, IE, false);
                }
                (sign, (mant as u128) << exp, 0, false)
            } else {
                let (k, inexact, up) = super::rnd(mant as u128, false, (-exp) as u32, sign, mode);
                (sign, k, if inexact { super::PE } else { 0 }, up)
            }
        }
        _ => return (BCD_INDEFINITE, IE, false),
    };
    if mag > 999_999_999_999_999_999 {
        return (BCD_INDEFINITE, IE, false);
    }
    let mut bits = (sign as u128) << 79;
    let mut m = mag as u64;
    for k in 0..18 {
        bits |= ((m % 10) as u128) << (4 * k);
        m /= 10;
    }
    (bits, flags, up)
}

#[cfg(test)]
mod tests {
    use super::super::unpack;
    use super::*;

    fn val(m: u64, se: u16) -> V {
        unpack((m, se))
    }

    #[test]
    fn scaling_and_extraction() {
        let r = scale(val(3 << 62, 0x3fff), val(5 << 61, 0x4000), 0);
        assert_eq!(r.f80(), (3 << 62, 0x3fff + 2));
        let (e, s) = xtract(val(5 << 61, 0x4003));
        assert_eq!(e.f80(), (1 << 63, 0x4001)); // 4
        assert_eq!(s.f80(), (5 << 61, 0x3fff));
    }

    #[test]
    fn remainders_and_quotient_bits() {
        // 7 rem 2: 1, quotient 3; FPREM1: −1, quotient 4.
        let (seven, two) = (val(7 << 61, 0x4001), val(1 << 63, 0x4000));
        let r = prem(seven, two, false);
        assert_eq!((r.out.f80(), r.q, r.partial), ((1 << 63, 0x3fff), 3, false));
        let r = prem(seven, two, true);
        assert_eq!((r.out.f80(), r.q), ((1 << 63, 0xbfff), 4));
    }

    #[test]
    fn bcd_round_trip() {
        let bits = 0x8000_0000_0000_0012_3456u128;
        let x = from_bcd(bits);
        assert_eq!(x, from_bcd(to_bcd(unpack(x), 0).0));
        assert_eq!(to_bcd(V::Inf(false), 0).0, BCD_INDEFINITE);
    }
}
