//! The x87's transcendental operations (SDM vol. 2: F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN,
//! FCOS, FSINCOS, FPTAN): the architectural results for special operands (zeros,
//! infinities, NaNs, unsupported encodings, out-of-range arguments), and for finite ones a
//! value computed with about 120 significant bits and rounded once under FCW.RC to 64 bits
//! (FCW.PC does not apply). Hardware results come from its own microcode algorithms and are
//! not reproduced bit for bit; the host test (`tests/x86_f80_host.rs`) holds them to a
//! stated tolerance in ulps.
//!
//! Undefined operands, as the host CPU (AMD) treats them: F2XM1 of |x| > 1 and FYL2XP1 of
//! x ≤ −1 leave x as the result, with #P.
//!
//! FSIN, FCOS, FSINCOS and FPTAN reduce their argument (|x| < 2^63; beyond, C2 is set and
//! nothing changes) by multiples of π/2 taken from a 66-bit π, exactly, as the hardware
//! does: near a multiple of π its results differ from the true sine in the same way.

use super::{indefinite, inf, nan2, round, zero, Fmt, Out, DE, IE, V, ZE};

const EXT: Fmt = Fmt::Ext(64);
const LO: u128 = u64::MAX as u128;

/// A working value `(-1)^neg × m × 2^e`, `m` normalised to bit 127 (or zero).
#[derive(Clone, Copy, Debug)]
struct Big {
    neg: bool,
    m: u128,
    e: i32,
}

const ZERO: Big = Big {
    neg: false,
    m: 0,
    e: 0,
};
/// ln 2 × 2^128 and π × 2^126 (128 bits, truncated).
const LN2: Big = Big {
    neg: false,
    m: 0xb172_17f7_d1cf_79ab_c9e3_b398_03f2_f6af,
    e: -128,
};
const PI: Big = Big {
    neg: false,
    m: 0xc90f_daa2_2168_c234_c4c6_628b_80dc_1cd1,
    e: -126,
};
/// π/2 from the 66-bit π, in units of 2^-65 (the argument reduction's).
const HALF_PI66: u128 = 0x3_243f_6a88_85a3_08d3;

impl Big {
    fn new(neg: bool, m: u128, e: i32) -> Big {
        if m == 0 {
            return ZERO;
        }
        let lz = m.leading_zeros();
        Big {
            neg,
            m: m << lz,
            e: e - lz as i32,
        }
    }
    fn int(n: u64) -> Big {
        Big::new(false, n as u128, 0)
    }
    fn of(v: V) -> Big {
        match v {
            V::Fin {
                sign, mant, exp, ..
            } => Big::new(sign, mant as u128, exp),
            _ => ZERO,
        }
    }
    fn neg(self) -> Big {
        Big {
            neg: !self.neg,
            ..self
        }
    }
    fn abs(self) -> Big {
        Big { neg: false, ..self }
    }
    /// The exponent of the leading bit (very small for zero).
    fn top(self) -> i32 {
        if self.m == 0 {
            i32::MIN / 2
        } else {
            self.e + 127
        }
    }
    fn mul(self, o: Big) -> Big {
        if self.m == 0 || o.m == 0 {
            return ZERO;
        }
        let (a1, a0, b1, b0) = (self.m >> 64, self.m & LO, o.m >> 64, o.m & LO);
        let (p01, p10) = (a0 * b1, a1 * b0);
        let mid = ((a0 * b0) >> 64) + (p01 & LO) + (p10 & LO);
        let hi = a1 * b1 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
        Big::new(self.neg != o.neg, hi, self.e + o.e + 128)
    }
    fn add(self, o: Big) -> Big {
        if self.m == 0 {
            return o;
        }
        if o.m == 0 {
            return self;
        }
        let (a, b) = if self.e >= o.e { (self, o) } else { (o, self) };
        let d = (a.e - b.e) as u32 + 1;
        let (am, bm) = (a.m >> 1, if d >= 128 { 0 } else { b.m >> d });
        if a.neg == b.neg {
            Big::new(a.neg, am + bm, a.e + 1)
        } else if am >= bm {
            Big::new(a.neg, am - bm, a.e + 1)
        } else {
            Big::new(b.neg, bm - am, a.e + 1)
        }
    }
    fn sub(self, o: Big) -> Big {
        self.add(o.neg())
    }
    fn div(self, o: Big) -> Big {
        if self.m == 0 || o.m == 0 {
            return ZERO;
        }
        let (mut r, mut q) = (self.m >> 1, 0u128);
        for _ in 0..128 {
            let carry = r >> 127 != 0;
            r <<= 1;
            q <<= 1;
            if carry || r >= o.m {
                r = r.wrapping_sub(o.m);
                q |= 1;
            }
        }
        Big::new(self.neg != o.neg, q, self.e - o.e + 1 - 128)
    }
    /// Rounded to the extended format (inexact).
    fn out(self, mode: u32) -> Out {
        round(EXT, self.neg, self.m, self.e, true, mode)
    }
}

/// Sum a series from `first` with `next(term, n)` (n = 1, 2, …) until the terms no longer
/// change the sum.
fn series(first: Big, mut next: impl FnMut(Big, u64) -> Big) -> Big {
    let (mut sum, mut term) = (first, first);
    for n in 1..400 {
        term = next(term, n);
        if term.m == 0 || term.top() < sum.top() - 130 {
            break;
        }
        sum = sum.add(term);
    }
    sum
}

/// 2 atanh(t) = ln((1 + t) / (1 − t)), |t| ≤ 1/3.
fn two_atanh(t: Big) -> Big {
    let t2 = t.mul(t);
    // Σ t^(2n+1) / (2n+1): powers kept separately from the divided terms.
    let (mut sum, mut pow) = (t, t);
    for n in 1..200u64 {
        pow = pow.mul(t2);
        let term = pow.div(Big::int(2 * n + 1));
        if term.m == 0 || term.top() < sum.top() - 130 {
            break;
        }
        sum = sum.add(term);
    }
    Big {
        e: sum.e + 1,
        ..sum
    }
}

/// log2(x) for a finite x > 0.
fn log2(x: Big) -> Big {
    // x = f × 2^k, f in [√½, √2).
    let mut k = x.top() as i64;
    let mut f = Big {
        neg: false,
        m: x.m,
        e: -127,
    };
    if x.m > 0xb504_f333_f9de_6484_597d_89b3_754a_be9f {
        f.e -= 1;
        k += 1;
    }
    let one = Big::int(1);
    let t = f.sub(one).div(f.add(one));
    let frac = two_atanh(t).div(LN2);
    let kb = Big::new(k < 0, k.unsigned_abs() as u128, 0);
    kb.add(frac)
}

/// log2(1 + x) for a finite x > −1.
fn log2p1(x: Big) -> Big {
    if x.top() >= -2 {
        // |x| ≥ 1/4 (beyond the defined range): 1 + x loses nothing that matters.
        return log2(Big::int(1).add(x));
    }
    let t = x.div(Big::int(2).add(x));
    two_atanh(t).div(LN2)
}

/// e^y − 1.
fn expm1(y: Big) -> Big {
    series(y, |t, n| t.mul(y).div(Big::int(n + 1)))
}

/// sin r and cos r, |r| ≤ about π/4.
fn sin_cos(r: Big) -> (Big, Big) {
    let r2 = r.mul(r).neg();
    let s = series(r, |t, n| t.mul(r2).div(Big::int((2 * n) * (2 * n + 1))));
    let c = series(Big::int(1), |t, n| {
        t.mul(r2).div(Big::int((2 * n - 1) * (2 * n)))
    });
    (s, c)
}

/// atan z for |z| ≤ 1 (Euler's series after a shift by π/4 when |z| > 0.41).
fn atan_small(z: Big) -> Big {
    let neg = z.neg;
    let z = z.abs();
    let one = Big::int(1);
    let shift = z.top() >= -1 && z.m > 0xd413_cccf_e779_9211_65f6_26cd_d52a_fa7c;
    let w = if shift { z.sub(one).div(z.add(one)) } else { z };
    let w2 = w.mul(w);
    let d = one.add(w2);
    let u = w2.div(d);
    let s = series(one, |t, n| {
        t.mul(u).mul(Big::int(2 * n)).div(Big::int(2 * n + 1))
    });
    let mut a = w.div(d).mul(s);
    if shift {
        a = a.add(Big { e: PI.e - 2, ..PI });
    }
    if neg {
        a.neg()
    } else {
        a
    }
}

fn denormal(v: V) -> bool {
    matches!(v, V::Fin { denormal: true, .. })
}

fn sign_of(v: V) -> bool {
    match v {
        V::Zero(s) | V::Inf(s) | V::Fin { sign: s, .. } | V::Nan { sign: s, .. } => s,
        V::Bad => false,
    }
}

fn invalid() -> Out {
    Out::exact(indefinite(EXT)).with(IE)
}

/// F2XM1: 2^x − 1 (|x| ≤ 1).
pub fn f2xm1(a: V, mode: u32) -> Out {
    match a {
        V::Nan { .. } | V::Bad => nan2(EXT, a, V::Zero(false)).unwrap_or(invalid()),
        V::Zero(s) => Out::exact(zero(EXT, s)),
        V::Inf(false) => Out::exact(inf(EXT, false)),
        V::Inf(true) => Out::exact(0xbfff << 64 | 1 << 63),
        V::Fin { .. } => {
            let x = Big::of(a);
            if x.top() >= 0 && (x.m != 1 << 127 || x.top() > 0) {
                // |x| > 1 (undefined): the operand is left as it was, with #P (as the host
                // CPU does).
                let (m, se) = super::exact(a);
                return Out::exact((se as u128) << 64 | m as u128).with(super::PE);
            }
            expm1(x.mul(LN2)).out(mode).with(denormal(a) as u16 * DE)
        }
    }
}

/// FYL2X: y × log2(x) (`x` = ST(0), `y` = ST(1)).
pub fn fyl2x(x: V, y: V, mode: u32) -> Out {
    if let Some(r) = nan2(EXT, x, y) {
        return r;
    }
    let de = (denormal(x) || denormal(y)) as u16 * DE;
    if sign_of(x) && !matches!(x, V::Zero(_)) {
        return invalid();
    }
    // The sign of log2(x): negative below one.
    let xb = Big::of(x);
    let one = matches!(x, V::Fin { .. }) && xb.m == 1 << 127 && xb.e == -127;
    let below = matches!(x, V::Zero(_)) || (matches!(x, V::Fin { .. }) && xb.top() < 0);
    let sign = sign_of(y) != below;
    match (x, y) {
        (V::Zero(_), V::Zero(_)) | (V::Inf(_), V::Zero(_)) => invalid(),
        (_, V::Inf(_)) if one => invalid(),
        (V::Zero(_), V::Inf(_)) | (V::Inf(_), _) | (_, V::Inf(_)) => {
            Out::exact(inf(EXT, sign)).with(de)
        }
        (V::Zero(_), _) => Out::exact(inf(EXT, sign)).with(ZE),
        (_, V::Zero(_)) => Out::exact(zero(EXT, sign)).with(de),
        _ if one => Out::exact(zero(EXT, sign)).with(de),
        _ => log2(xb).mul(Big::of(y)).out(mode).with(de),
    }
}

/// FYL2XP1: y × log2(x + 1) (`x` = ST(0), defined for |x| < 1 − √2/2, computed for any
/// x > −1; `y` = ST(1)).
pub fn fyl2xp1(x: V, y: V, mode: u32) -> Out {
    if let Some(r) = nan2(EXT, x, y) {
        return r;
    }
    let de = (denormal(x) || denormal(y)) as u16 * DE;
    let sign = sign_of(x) != sign_of(y);
    match (x, y) {
        (V::Zero(_), V::Inf(_)) | (V::Inf(_), V::Zero(_)) => invalid(),
        (V::Inf(true), _) => invalid(),
        (V::Inf(_), _) | (_, V::Inf(_)) => Out::exact(inf(EXT, sign)).with(de),
        (V::Zero(_), _) | (_, V::Zero(_)) => Out::exact(zero(EXT, sign)).with(de),
        _ => {
            let xb = Big::of(x);
            if xb.neg && xb.top() >= 0 {
                // x ≤ −1 (undefined): the result is x itself, with #P (as the host CPU
                // does).
                let (m, se) = super::exact(x);
                return Out::exact((se as u128) << 64 | m as u128).with(super::PE | de);
            }
            log2p1(xb).mul(Big::of(y)).out(mode).with(de)
        }
    }
}

/// FPATAN: atan2(y, x) (`y` = ST(1), `x` = ST(0)).
pub fn fpatan(y: V, x: V, mode: u32) -> Out {
    if let Some(r) = nan2(EXT, x, y) {
        return r;
    }
    let de = (denormal(x) || denormal(y)) as u16 * DE;
    let (sy, sx) = (sign_of(y), sign_of(x));
    let quarter = |k: u64| {
        let p = PI.mul(Big::int(k));
        Big { e: p.e - 2, ..p }
    };
    let r = match (y, x) {
        (V::Zero(_), _) if !sx => return Out::exact(zero(EXT, sy)).with(de),
        (V::Zero(_), _) => PI,
        (V::Inf(_), V::Inf(_)) => quarter(if sx { 3 } else { 1 }),
        (V::Inf(_), _) | (_, V::Zero(_)) => quarter(2),
        (_, V::Inf(false)) => return Out::exact(zero(EXT, sy)).with(de),
        (_, V::Inf(true)) => PI,
        _ => {
            let (by, bx) = (Big::of(y).abs(), Big::of(x).abs());
            let a = if (by.top(), by.m) <= (bx.top(), bx.m) {
                atan_small(by.div(bx))
            } else {
                quarter(2).sub(atan_small(bx.div(by)))
            };
            if sx {
                PI.sub(a)
            } else {
                a
            }
        }
    };
    let r = if sy { r.neg() } else { r };
    r.out(mode).with(de)
}

/// The trigonometric operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trig {
    /// FSIN.
    Sin,
    /// FCOS.
    Cos,
    /// FPTAN (the tangent; 1.0 is pushed after it).
    Tan,
}

/// FSIN, FCOS, FPTAN of `a`, and FSINCOS as `Sin` then `Cos`: `None` when |a| ≥ 2^63 (C2
/// set, nothing changes).
pub fn trig(op: Trig, a: V, mode: u32) -> Option<Out> {
    match a {
        V::Nan { .. } | V::Bad => Some(nan2(EXT, a, V::Zero(false)).unwrap_or(invalid())),
        V::Inf(_) => Some(invalid()),
        V::Zero(s) => Some(match op {
            Trig::Cos => Out::exact(0x3fff << 64 | 1 << 63),
            _ => Out::exact(zero(EXT, s)),
        }),
        V::Fin {
            sign, mant, exp, ..
        } => {
            if exp + 63 >= 63 {
                return None;
            }
            let de = denormal(a) as u16 * DE;
            let (q, r) = if exp + 63 < -1 {
                (0, Big::new(false, mant as u128, exp))
            } else {
                // Exact: |a| in units of 2^-65 less the nearest multiple of π66/2.
                let x = (mant as u128) << (exp + 65) as u32;
                let (mut k, mut r) = (x / HALF_PI66, x % HALF_PI66);
                let mut neg = false;
                if r > HALF_PI66 - r {
                    k += 1;
                    r = HALF_PI66 - r;
                    neg = true;
                }
                ((k & 3) as u32, Big::new(neg, r, -65))
            };
            let (s, c) = sin_cos(r);
            let v = match (op, q) {
                (Trig::Sin, 0) | (Trig::Cos, 3) => s,
                (Trig::Sin, 1) | (Trig::Cos, 0) => c,
                (Trig::Sin, 2) | (Trig::Cos, 1) => s.neg(),
                (Trig::Sin, _) | (Trig::Cos, _) => c.neg(),
                (Trig::Tan, q) if q & 1 == 0 => s.div(c),
                (Trig::Tan, _) => c.div(s).neg(),
            };
            let v = if sign && op != Trig::Cos { v.neg() } else { v };
            Some(v.out(mode).with(de))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::unpack;
    use super::*;

    #[test]
    fn exact_cases_and_a_few_values() {
        let one = unpack((1 << 63, 0x3fff));
        assert_eq!(f2xm1(one, 0).f80(), (1 << 63, 0x3fff));
        let two = unpack((1 << 63, 0x4000));
        assert_eq!(fyl2x(two, two, 0).f80(), (1 << 63, 0x4000));
        // sin(π66) = π − π66 … as the 66-bit π makes it: 1.5 × 2^-63.
        let pi = unpack((0xc90f_daa2_2168_c234, 0x4000));
        assert_eq!(
            trig(Trig::Sin, pi, 0).map(Out::f80),
            Some((3 << 62, 0x3fc0))
        );
        // atan2(1, 1) = π/4.
        assert_eq!(fpatan(one, one, 0).f80(), (0xc90f_daa2_2168_c235, 0x3ffe));
    }
}
