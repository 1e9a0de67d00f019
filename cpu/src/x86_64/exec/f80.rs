//! The x87's 80-bit extended arithmetic (SDM vol. 1 §4.2.2, §8.1–8.5, §4.9): exact
//! intermediate results rounded once under FCW.RC to the precision FCW.PC selects (24, 53 or 64
//! significand bits, the 15-bit exponent range kept), the exception flags in FSW bit positions
//! (IE DE ZE OE UE PE, the same as MXCSR's), whether the result was rounded up (FSW.C1), the
//! x87's NaN rules (the NaN with the larger significand, a quiet one before a signalling one)
//! and its unsupported encodings (pseudo-NaN, pseudo-infinity, unnormal: #IA).
//!
//! Computed in integers only (no host floating point reaches a result); the binary32/binary64
//! unpacking is [`super::softfp`]'s.

use std::cmp::Ordering;

pub mod exact_ops;
pub mod transc;

use super::softfp::{self, rnd, Val, F32, F64};

/// Invalid operation.
pub const IE: u16 = 1;
/// Denormal operand.
pub const DE: u16 = 2;
/// Divide by zero.
pub const ZE: u16 = 4;
/// Overflow.
pub const OE: u16 = 8;
/// Underflow.
pub const UE: u16 = 0x10;
/// Precision (inexact).
pub const PE: u16 = 0x20;

/// An extended value: 64-bit significand (explicit integer bit) and sign/exponent word.
pub type F80 = (u64, u16);

/// The real indefinite (a negative quiet NaN).
pub const INDEFINITE: F80 = (0xc000_0000_0000_0000, 0xffff);

const BIAS: i32 = 16383;

/// An unpacked extended operand: `(-1)^sign × mant × 2^exp` when finite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum V {
    /// Zero.
    Zero(bool),
    /// Infinity.
    Inf(bool),
    /// NaN with its sign and 64-bit significand (integer bit set).
    Nan {
        /// Signalling.
        snan: bool,
        /// Sign.
        sign: bool,
        /// Significand.
        sig: u64,
    },
    /// A finite non-zero value.
    Fin {
        /// Negative.
        sign: bool,
        /// Integer significand.
        mant: u64,
        /// Exponent of its least significant bit.
        exp: i32,
        /// Encoded as a (pseudo-)denormal.
        denormal: bool,
    },
    /// An encoding the x87 does not support (pseudo-NaN, pseudo-infinity, unnormal).
    Bad,
}

/// Unpack an extended value.
pub fn unpack(x: F80) -> V {
    let (m, se) = x;
    let sign = se & 0x8000 != 0;
    match se & 0x7fff {
        0 if m == 0 => V::Zero(sign),
        0 => V::Fin {
            sign,
            mant: m,
            exp: 1 - BIAS - 63,
            denormal: true,
        },
        _ if m >> 63 == 0 => V::Bad,
        0x7fff if m << 1 == 0 => V::Inf(sign),
        0x7fff => V::Nan {
            snan: (m >> 62) & 1 == 0,
            sign,
            sig: m,
        },
        e => V::Fin {
            sign,
            mant: m,
            exp: e as i32 - BIAS - 63,
            denormal: false,
        },
    }
}

/// Unpack a binary32 (`double` false) or binary64 value.
pub fn unpack_bin(bits: u64, double: bool) -> V {
    let (f, man) = if double { (F64, 52) } else { (F32, 23) };
    match softfp::unpack(f, bits, 0) {
        Val::Zero(s) => V::Zero(s),
        Val::Inf(s) => V::Inf(s),
        Val::Nan { snan, bits } => V::Nan {
            snan,
            sign: bits >> (f.width - 1) & 1 != 0,
            sig: 1 << 63 | (bits & ((1 << man) - 1)) << (63 - man),
        },
        Val::Fin {
            sign,
            mant,
            exp,
            denormal,
        } => V::Fin {
            sign,
            mant,
            exp,
            denormal,
        },
    }
}

/// A destination format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fmt {
    /// Extended with a significand of this many bits (24, 53 or 64).
    Ext(u32),
    /// binary32.
    Single,
    /// binary64.
    Double,
}

impl Fmt {
    fn p(self) -> u32 {
        match self {
            Fmt::Ext(p) => p,
            Fmt::Single => 24,
            Fmt::Double => 53,
        }
    }
    fn bias(self) -> i32 {
        match self {
            Fmt::Ext(_) => BIAS,
            Fmt::Single => 127,
            Fmt::Double => 1023,
        }
    }
    /// The largest biased exponent of a finite value.
    fn emax(self) -> i64 {
        match self {
            Fmt::Ext(_) => 0x7ffe,
            Fmt::Single => 0xfe,
            Fmt::Double => 0x7fe,
        }
    }
}

/// A result: the encoding (extended: sign/exponent in bits 79:64), the flags raised and
/// whether the magnitude was rounded up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Out {
    /// Encoding.
    pub bits: u128,
    /// Flags raised.
    pub flags: u16,
    /// Rounded up (FSW.C1).
    pub up: bool,
}

impl Out {
    /// The extended value of an `Fmt::Ext` result.
    pub fn f80(self) -> F80 {
        (self.bits as u64, (self.bits >> 64) as u16)
    }
    fn exact(bits: u128) -> Out {
        Out {
            bits,
            flags: 0,
            up: false,
        }
    }
    fn with(mut self, flags: u16) -> Out {
        self.flags |= flags;
        self
    }
}

/// The encoding of a non-NaN special or of `(biased, sig)` in `f`; `sig` holds `p` bits
/// (denormal: below `2^(p-1)`, a carry into it making the smallest normal).
fn encode(f: Fmt, sign: bool, biased: i64, sig: u128) -> u128 {
    match f {
        Fmt::Ext(p) => {
            let m = (sig << (64 - p)) as u64;
            let e = if biased >= 1 {
                biased as u128
            } else {
                (m >> 63) as u128
            };
            (sign as u128) << 79 | e << 64 | m as u128
        }
        _ => {
            let man = f.p() - 1;
            let s = (sign as u128) << (man + if f == Fmt::Single { 8 } else { 11 });
            if biased >= 1 {
                s | (biased as u128) << man | (sig & ((1 << man) - 1))
            } else {
                s | sig
            }
        }
    }
}

/// Zero of sign `sign` in `f`.
pub fn zero(f: Fmt, sign: bool) -> u128 {
    encode(f, sign, 0, 0)
}

/// Infinity of sign `sign` in `f`.
pub fn inf(f: Fmt, sign: bool) -> u128 {
    encode(f, sign, f.emax() + 1, 1 << (f.p() - 1))
}

/// The quiet NaN of sign `sign` and significand `sig` (integer bit set) in `f`.
fn nan(f: Fmt, sign: bool, sig: u64) -> u128 {
    let sig = sig | 1 << 62;
    match f {
        Fmt::Ext(_) => (sign as u128) << 79 | 0x7fff << 64 | sig as u128,
        _ => {
            let man = f.p() - 1;
            let frac = (sig << 1 >> (64 - man)) as u128;
            encode(f, sign, f.emax() + 1, 1 << man) | frac
        }
    }
}

/// The real indefinite in `f`.
pub fn indefinite(f: Fmt) -> u128 {
    nan(f, true, 1 << 63)
}

/// Round the exact `(-1)^sign × (mant + sticky) × 2^exp` to `f` under `mode`.
pub fn round(f: Fmt, sign: bool, mant: u128, exp: i32, sticky: bool, mode: u32) -> Out {
    if mant == 0 {
        if !sticky {
            return Out::exact(zero(f, sign));
        }
        return round(f, sign, 1, exp - 200, false, mode);
    }
    let n = 128 - mant.leading_zeros() as i32;
    // Bits shifted out of a 127- or 128-bit product join the sticky fraction.
    let (mant, exp, sticky) = if n <= 126 {
        (mant << (126 - n), exp - (126 - n), sticky)
    } else {
        let d = n - 126;
        (mant >> d, exp + d, sticky || mant & ((1 << d) - 1) != 0)
    };
    let p = f.p() as i32;
    let e_msb = exp + 125;
    let biased = (e_msb + f.bias()) as i64;
    let (k, _, _) = rnd(mant, sticky, (126 - p) as u32, sign, mode);
    let tiny_after = (if k >> p != 0 { biased + 1 } else { biased }) < 1;
    if biased >= 1 {
        let (mut k, inexact, up) = rnd(mant, sticky, (126 - p) as u32, sign, mode);
        let mut biased = biased;
        if k >> p != 0 {
            k >>= 1;
            biased += 1;
        }
        if biased > f.emax() {
            let to_inf = match mode {
                0 => true,
                1 => sign,
                2 => !sign,
                _ => false,
            };
            let bits = if to_inf {
                inf(f, sign)
            } else {
                encode(f, sign, f.emax(), (1 << p) - 1)
            };
            return Out {
                bits,
                flags: OE | PE,
                up: to_inf,
            };
        }
        return Out {
            bits: encode(f, sign, biased, k),
            flags: if inexact { PE } else { 0 },
            up,
        };
    }
    let drop = (126 - p + 1) as i64 - biased;
    let (k, inexact, up) = rnd(mant, sticky, drop.min(200) as u32, sign, mode);
    let mut flags = if inexact { PE } else { 0 };
    if tiny_after && inexact {
        flags |= UE;
    }
    Out {
        bits: encode(f, sign, 0, k),
        flags,
        up,
    }
}

/// The exact extended encoding of `v` (a value that fits: loads of binary32/binary64).
pub fn exact(v: V) -> F80 {
    match v {
        V::Zero(s) => (0, (s as u16) << 15),
        V::Inf(s) => (1 << 63, (s as u16) << 15 | 0x7fff),
        V::Nan { sign, sig, .. } => (sig | 1 << 62, (sign as u16) << 15 | 0x7fff),
        V::Fin {
            sign, mant, exp, ..
        } => round(Fmt::Ext(64), sign, mant as u128, exp, false, 0).f80(),
        V::Bad => INDEFINITE,
    }
}

/// A load of a binary32/binary64 value: exact, #D for a denormal, a signalling NaN quieted
/// with #IA.
pub fn load(v: V) -> (F80, u16) {
    match v {
        V::Nan { snan: true, .. } => (exact(v), IE),
        V::Fin { denormal: true, .. } => (exact(v), DE),
        _ => (exact(v), 0),
    }
}

/// A store of `v` to `f` (FST m32/m64, and to the extended format itself under a precision).
pub fn store(f: Fmt, v: V, mode: u32) -> Out {
    match v {
        V::Zero(s) => Out::exact(zero(f, s)),
        V::Inf(s) => Out::exact(inf(f, s)),
        V::Nan { snan, sign, sig } => Out::exact(nan(f, sign, sig)).with(if snan { IE } else { 0 }),
        V::Bad => Out::exact(indefinite(f)).with(IE),
        V::Fin {
            sign, mant, exp, ..
        } => round(f, sign, mant as u128, exp, false, mode),
    }
}

/// Arithmetic operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// a + b.
    Add,
    /// a − b.
    Sub,
    /// a × b.
    Mul,
    /// a ÷ b.
    Div,
}

/// The result when an operand is a NaN or unsupported: the x87's choice (SDM vol. 1 table
/// 4-7), quieted, #IA for a signalling or unsupported one.
fn nan2(f: Fmt, a: V, b: V) -> Option<Out> {
    if a == V::Bad || b == V::Bad {
        return Some(Out::exact(indefinite(f)).with(IE));
    }
    let ie = |v: V| matches!(v, V::Nan { snan: true, .. }) as u16 * IE;
    let pick = match (a, b) {
        (
            V::Nan {
                snan: sa,
                sig: ga,
                sign: xa,
            },
            V::Nan {
                snan: sb,
                sig: gb,
                sign: xb,
            },
        ) => {
            let ka = (ga | 1 << 62, !xa);
            let kb = (gb | 1 << 62, !xb);
            if sa != sb {
                if sa {
                    b
                } else {
                    a
                }
            } else if ka >= kb {
                a
            } else {
                b
            }
        }
        (V::Nan { .. }, _) => a,
        (_, V::Nan { .. }) => b,
        _ => return None,
    };
    match pick {
        V::Nan { sign, sig, .. } => Some(Out::exact(nan(f, sign, sig)).with(ie(a) | ie(b))),
        _ => None,
    }
}

fn is_denormal(v: V) -> bool {
    matches!(v, V::Fin { denormal: true, .. })
}

fn sign_of(v: V) -> bool {
    match v {
        V::Zero(s) | V::Inf(s) | V::Fin { sign: s, .. } | V::Nan { sign: s, .. } => s,
        V::Bad => false,
    }
}

/// Negated `v`.
pub fn neg(v: V) -> V {
    match v {
        V::Zero(s) => V::Zero(!s),
        V::Inf(s) => V::Inf(!s),
        V::Fin {
            sign,
            mant,
            exp,
            denormal,
        } => V::Fin {
            sign: !sign,
            mant,
            exp,
            denormal,
        },
        n => n,
    }
}

/// `a op b` rounded to `f` under `mode`.
pub fn arith(f: Fmt, op: Op, a: V, b: V, mode: u32) -> Out {
    if let Some(r) = nan2(f, a, b) {
        return r;
    }
    let de = if is_denormal(a) || is_denormal(b) {
        DE
    } else {
        0
    };
    let invalid = Out::exact(indefinite(f)).with(IE);
    let (op, b) = match op {
        Op::Sub => (Op::Add, neg(b)),
        o => (o, b),
    };
    let r = match op {
        Op::Add | Op::Sub => match (a, b) {
            (V::Inf(x), V::Inf(y)) if x != y => return invalid,
            (V::Inf(x), _) | (_, V::Inf(x)) => Out::exact(inf(f, x)),
            (V::Zero(x), V::Zero(y)) => Out::exact(zero(f, if x == y { x } else { mode == 1 })),
            _ => add(f, a, b, mode),
        },
        Op::Mul => match (a, b) {
            (V::Inf(_), V::Zero(_)) | (V::Zero(_), V::Inf(_)) => return invalid,
            (V::Inf(x), v) | (v, V::Inf(x)) => Out::exact(inf(f, x != sign_of(v))),
            (V::Zero(x), v) | (v, V::Zero(x)) => Out::exact(zero(f, x != sign_of(v))),
            (
                V::Fin {
                    sign: sa,
                    mant: ma,
                    exp: ea,
                    ..
                },
                V::Fin {
                    sign: sb,
                    mant: mb,
                    exp: eb,
                    ..
                },
            ) => round(f, sa != sb, ma as u128 * mb as u128, ea + eb, false, mode),
            _ => return invalid,
        },
        Op::Div => match (a, b) {
            (V::Inf(_), V::Inf(_)) | (V::Zero(_), V::Zero(_)) => return invalid,
            (V::Inf(x), v) => Out::exact(inf(f, x != sign_of(v))),
            (v, V::Inf(x)) => Out::exact(zero(f, x != sign_of(v))),
            (V::Zero(x), v) => Out::exact(zero(f, x != sign_of(v))),
            // Division by zero: #Z alone, a denormal dividend does not add #D (as the host).
            (v, V::Zero(x)) => return Out::exact(inf(f, x != sign_of(v))).with(ZE),
            (
                V::Fin {
                    sign: sa,
                    mant: ma,
                    exp: ea,
                    ..
                },
                V::Fin {
                    sign: sb,
                    mant: mb,
                    exp: eb,
                    ..
                },
            ) => {
                // Divisor normalised to bit 63, dividend's top bit at 127: a quotient of at
                // least 64 bits and a remainder for the sticky bit.
                let zb = mb.leading_zeros();
                let mb = (mb as u128) << zb;
                let sh = 127 - (127 - (ma as u128).leading_zeros() as i32);
                let num = (ma as u128) << sh;
                let (mut q, mut r) = (num / mb, num % mb);
                // Two more quotient bits (a 64-bit quotient leaves no round bit).
                for _ in 0..2 {
                    r <<= 1;
                    q = q << 1 | (r >= mb) as u128;
                    if r >= mb {
                        r -= mb;
                    }
                }
                round(f, sa != sb, q, ea - eb - sh + zb as i32 - 2, r != 0, mode)
            }
            _ => return invalid,
        },
    };
    r.with(de)
}

/// Sum of finite-or-zero `a` and `b` (not both zero).
fn add(f: Fmt, a: V, b: V, mode: u32) -> Out {
    // Significands normalised to bit 63 first: the frame below the larger operand's top
    // bit must hold at least 64 + 2 bits whatever its encoding (a binary64 denormal has one).
    let parts = |v: V| match v {
        V::Fin {
            sign, mant, exp, ..
        } => {
            let lz = mant.leading_zeros() as i32;
            (sign, (mant as u128) << lz, exp - lz)
        }
        V::Zero(s) => (s, 0, i32::MIN / 2),
        _ => (false, 0, 0),
    };
    let (sa, ma, ea) = parts(a);
    let (sb, mb, eb) = parts(b);
    let top = ea.max(eb);
    let base = top - 60;
    let (xa, ta) = softfp::place(ma, ea, base);
    let (xb, tb) = softfp::place(mb, eb, base);
    if sa == sb {
        return round(f, sa, xa + xb, base, ta || tb, mode);
    }
    let (big, small, sign, st) = if (xa, ta) > (xb, tb) {
        (xa, xb, sa, tb)
    } else {
        (xb, xa, sb, ta)
    };
    if big == small && !st {
        return Out::exact(zero(f, mode == 1));
    }
    let d = if st { big - small - 1 } else { big - small };
    round(f, sign, d, base, st, mode)
}

/// Square root of `a` rounded to `f`.
pub fn sqrt(f: Fmt, a: V, mode: u32) -> Out {
    match a {
        V::Nan { .. } | V::Bad => nan2(f, a, V::Zero(false)).unwrap_or(Out::exact(0)),
        V::Zero(s) => Out::exact(zero(f, s)),
        V::Inf(false) => Out::exact(inf(f, false)),
        V::Inf(true) | V::Fin { sign: true, .. } => Out::exact(indefinite(f)).with(IE),
        V::Fin {
            mant,
            exp,
            denormal,
            ..
        } => {
            let (mut m, mut e) = (mant as u128, exp);
            if e & 1 != 0 {
                m <<= 1;
                e -= 1;
            }
            let n = 128 - m.leading_zeros() as i32;
            let k = (126 - n) / 2;
            m <<= 2 * k;
            e -= 2 * k;
            // 63 root bits from the 126-bit radicand, then five more digit by digit.
            let mut r = m.isqrt();
            let mut rem = m - r * r;
            for _ in 0..5 {
                rem <<= 2;
                let t = 4 * r + 1;
                r <<= 1;
                if rem >= t {
                    rem -= t;
                    r += 1;
                }
                e -= 2;
            }
            round(f, false, r, e / 2, rem != 0, mode).with(denormal as u16 * DE)
        }
    }
}

/// Compare `a` with `b`: the order (`None`: unordered) and the flags (#IA for a signalling
/// NaN or an unsupported operand, or for any NaN when `quiet` is false; #D for a denormal).
pub fn compare(a: V, b: V, quiet: bool) -> (Option<Ordering>, u16) {
    let nan = |v: V| matches!(v, V::Nan { .. } | V::Bad);
    let sig = |v: V| matches!(v, V::Nan { snan: true, .. } | V::Bad);
    if nan(a) || nan(b) {
        let ie = sig(a) || sig(b) || !quiet;
        return (None, ie as u16 * IE);
    }
    let de = (is_denormal(a) || is_denormal(b)) as u16 * DE;
    let key = |v: V| -> (i8, i128) {
        match v {
            V::Inf(s) => (if s { -2 } else { 2 }, 0),
            V::Zero(_) => (0, 0),
            V::Fin {
                sign, mant, exp, ..
            } => {
                let lz = mant.leading_zeros() as i32;
                let mag = ((exp - lz + 20000) as i128) << 64 | ((mant << lz) as i128);
                if sign {
                    (-1, -mag)
                } else {
                    (1, mag)
                }
            }
            _ => (0, 0),
        }
    };
    (Some(key(a).cmp(&key(b))), de)
}

/// `a` rounded to an integer in the extended format (FRNDINT).
pub fn round_int(a: V, mode: u32) -> Out {
    let f = Fmt::Ext(64);
    match a {
        V::Nan { .. } | V::Bad => nan2(f, a, V::Zero(false)).unwrap_or(Out::exact(0)),
        V::Zero(s) => Out::exact(zero(f, s)),
        V::Inf(s) => Out::exact(inf(f, s)),
        V::Fin {
            sign,
            mant,
            exp,
            denormal,
        } => {
            let de = denormal as u16 * DE;
            if exp >= 0 {
                let (m, se) = exact(a);
                return Out::exact((se as u128) << 64 | m as u128).with(de);
            }
            let (k, inexact, up) = rnd(mant as u128, false, (-exp) as u32, sign, mode);
            let r = if k == 0 {
                Out::exact(zero(f, sign))
            } else {
                Out::exact(round(f, sign, k, 0, false, 0).bits)
            };
            Out {
                up,
                flags: r.flags | if inexact { PE } else { 0 } | de,
                ..r
            }
        }
    }
}

/// `a` as a signed integer of `size` bytes (FIST/FISTP, FISTTP with `truncate`); out of range,
/// NaN and infinity give the integer indefinite with #IA. Also whether it was rounded up.
pub fn to_int(a: V, size: u8, truncate: bool, mode: u32) -> (u64, u16, bool) {
    let bits = 8 * size as u32;
    let indefinite = 1u64 << (bits - 1);
    let (sign, mant, exp) = match a {
        V::Zero(_) => return (0, 0, false),
        V::Fin {
            sign, mant, exp, ..
        } => (sign, mant as u128, exp),
        _ => return (indefinite, IE, false),
    };
    let mode = if truncate { 3 } else { mode };
    let (mag, inexact, up) = if exp >= 0 {
        if exp > 64 {
            return (indefinite, IE, false);
        }
        (mant << exp, false, false)
    } else {
        rnd(mant, false, (-exp) as u32, sign, mode)
    };
    let limit = 1u128 << (bits - 1);
    if (!sign && mag >= limit) || (sign && mag > limit) {
        return (indefinite, IE, false);
    }
    let v = if sign {
        (mag as u64).wrapping_neg()
    } else {
        mag as u64
    };
    let mask = if bits == 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    };
    (v & mask, if inexact { PE } else { 0 }, up)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one() -> V {
        unpack((1 << 63, 0x3fff))
    }

    #[test]
    fn one_third_rounds_by_precision() {
        let three = unpack((3 << 62, 0x4000));
        let r = arith(Fmt::Ext(64), Op::Div, one(), three, 0);
        assert_eq!(r.f80(), (0xaaaa_aaaa_aaaa_aaab, 0x3ffd));
        assert_eq!(r.flags, PE);
        assert!(r.up);
        let r = arith(Fmt::Ext(24), Op::Div, one(), three, 0);
        assert_eq!(r.f80(), (0xaaaa_ab00_0000_0000, 0x3ffd));
    }

    #[test]
    fn sums_products_and_roots() {
        let two = arith(Fmt::Ext(64), Op::Add, one(), one(), 0);
        assert_eq!(two.f80(), (1 << 63, 0x4000));
        let r = sqrt(Fmt::Ext(64), unpack((1 << 63, 0x4000)), 0);
        assert_eq!(r.f80(), (0xb504_f333_f9de_6484, 0x3fff));
        let z = arith(Fmt::Ext(64), Op::Sub, one(), one(), 1);
        assert_eq!(z.f80(), (0, 0x8000));
    }

    #[test]
    fn stores_and_integers() {
        let r = store(Fmt::Double, one(), 0);
        assert_eq!(r.bits, 0x3ff0_0000_0000_0000);
        assert_eq!(
            to_int(unpack((3 << 62, 0x3fff)), 2, false, 0),
            (2, PE, true)
        );
        assert_eq!(
            to_int(unpack((3 << 62, 0x3fff)), 2, true, 0),
            (1, PE, false)
        );
        assert_eq!(to_int(V::Inf(false), 4, false, 0).0, 0x8000_0000);
    }
}
