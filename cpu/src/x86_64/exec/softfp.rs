//! IEEE 754 binary32/binary64 arithmetic as SSE/SSE2 performs it (SDM vol. 1 §4.8–4.9,
//! §11.5): exact intermediate results rounded once under MXCSR.RC, the MXCSR exception flags
//! (all exceptions are treated as masked: unmasked SIMD exceptions would need #XM delivery,
//! which comes with system mode), DAZ and FTZ, x86's NaN rules (the first NaN operand,
//! quieted; the negative "QNaN floating-point indefinite" for invalid operations) and
//! tininess detected after rounding (as Berkeley SoftFloat's 8086-SSE specialisation).
//!
//! Computed in integers only: no host floating point reaches a result, so results do not
//! depend on the host.

/// MXCSR bits (SDM vol. 1 §10.2.3).
pub mod mx {
    /// Invalid operation.
    pub const IE: u32 = 1;
    /// Denormal operand.
    pub const DE: u32 = 2;
    /// Divide by zero.
    pub const ZE: u32 = 4;
    /// Overflow.
    pub const OE: u32 = 8;
    /// Underflow.
    pub const UE: u32 = 0x10;
    /// Precision (inexact).
    pub const PE: u32 = 0x20;
    /// Denormals are zeros.
    pub const DAZ: u32 = 0x40;
    /// Flush to zero.
    pub const FTZ: u32 = 0x8000;
}

/// A binary floating-point format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fmt {
    /// Width in bits (32 or 64).
    pub width: u32,
    /// Stored mantissa bits (23 or 52).
    pub man: u32,
    /// Exponent bias.
    pub bias: i32,
}

/// binary32.
pub const F32: Fmt = Fmt {
    width: 32,
    man: 23,
    bias: 127,
};
/// binary64.
pub const F64: Fmt = Fmt {
    width: 64,
    man: 52,
    bias: 1023,
};

impl Fmt {
    fn emax_field(self) -> u64 {
        (1 << (self.width - 1 - self.man)) - 1
    }
    fn sign_bit(self) -> u64 {
        1 << (self.width - 1)
    }
    /// The QNaN floating-point indefinite.
    pub fn indefinite(self) -> u64 {
        self.sign_bit() | self.emax_field() << self.man | 1 << (self.man - 1)
    }
    fn inf(self, sign: bool) -> u64 {
        (sign as u64) << (self.width - 1) | self.emax_field() << self.man
    }
    fn max(self, sign: bool) -> u64 {
        self.inf(sign) - 1
    }
    fn zero(self, sign: bool) -> u64 {
        (sign as u64) << (self.width - 1)
    }
}

/// An unpacked operand: `(-1)^sign × mant × 2^exp` when finite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Val {
    /// Zero.
    Zero(bool),
    /// Infinity.
    Inf(bool),
    /// NaN (`snan`: signalling) with its bits.
    Nan {
        /// Signalling.
        snan: bool,
        /// The encoding.
        bits: u64,
    },
    /// A finite non-zero value.
    Fin {
        /// Negative.
        sign: bool,
        /// Integer significand.
        mant: u64,
        /// Exponent of its least significant bit.
        exp: i32,
        /// Encoded as a denormal.
        denormal: bool,
    },
}

/// Unpack `bits` of format `f`; with DAZ a denormal reads as zero.
pub fn unpack(f: Fmt, bits: u64, mxcsr: u32) -> Val {
    let sign = bits & f.sign_bit() != 0;
    let e = (bits >> f.man) & f.emax_field();
    let m = bits & ((1 << f.man) - 1);
    match (e, m) {
        (0, 0) => Val::Zero(sign),
        (0, _) if mxcsr & mx::DAZ != 0 => Val::Zero(sign),
        (0, _) => Val::Fin {
            sign,
            mant: m,
            exp: 1 - f.bias - f.man as i32,
            denormal: true,
        },
        (e, 0) if e == f.emax_field() => Val::Inf(sign),
        (e, _) if e == f.emax_field() => Val::Nan {
            snan: m >> (f.man - 1) == 0,
            bits,
        },
        _ => Val::Fin {
            sign,
            mant: m | 1 << f.man,
            exp: e as i32 - f.bias - f.man as i32,
            denormal: false,
        },
    }
}

/// `bits` (a NaN of format `f`) made quiet.
pub fn quiet(f: Fmt, bits: u64) -> u64 {
    bits | 1 << (f.man - 1)
}

/// Round mode from MXCSR.RC: 0 nearest-even, 1 down, 2 up, 3 toward zero.
fn rc(mxcsr: u32) -> u32 {
    (mxcsr >> 13) & 3
}

/// Drop the low `drop` bits of `m` (with `sticky`: non-zero bits below `m`) under `mode`
/// (0 nearest-even, 1 down, 2 up, 3 toward zero): the kept value, whether anything was lost,
/// and whether the kept value was incremented. Both soft-floats (this one and the x87's
/// [`super::f80`]) round through it.
pub(crate) fn rnd(m: u128, sticky: bool, drop: u32, sign: bool, mode: u32) -> (u128, bool, bool) {
    let (k, low, half) = if drop == 0 {
        (m, 0, 1)
    } else if drop >= 128 {
        (0, m, u128::MAX)
    } else {
        (m >> drop, m & ((1u128 << drop) - 1), 1u128 << (drop - 1))
    };
    let inexact = low != 0 || sticky;
    let up = match mode {
        0 if drop == 0 => false,
        0 => low > half || (low == half && (sticky || k & 1 == 1)),
        1 => inexact && sign,
        2 => inexact && !sign,
        _ => false,
    };
    (k + up as u128, inexact, up)
}

/// Round the exact value `(-1)^sign × (mant + sticky) × 2^exp` (`sticky`: a non-zero fraction
/// below `mant`'s last bit) to format `f`: the encoding and the MXCSR flags raised.
pub fn round(f: Fmt, sign: bool, mant: u128, exp: i32, sticky: bool, mxcsr: u32) -> (u64, u32) {
    let mode = rc(mxcsr);
    if mant == 0 {
        // Only a sticky fraction: a value far below the smallest denormal.
        if !sticky {
            return (f.zero(sign), 0);
        }
        return round(f, sign, 1, exp - 200, false, mxcsr);
    }
    // Normalise: the most significant bit at 125, so the sticky fraction lies below the
    // round bit whatever is dropped.
    let n = 128 - mant.leading_zeros() as i32;
    let (mant, exp) = if n <= 126 {
        (mant << (126 - n), exp - (126 - n))
    } else {
        (mant >> (n - 126), exp + (n - 126))
    };
    let p = f.man as i32 + 1;
    let e_msb = exp + 125; // exponent of the most significant bit
                           // Tininess after rounding: round to p bits with an unbounded exponent.
    let (k, inexact_p, _) = rnd(mant, sticky, (126 - p) as u32, sign, mode);
    let e_after = if k >> p != 0 { e_msb + 1 } else { e_msb };
    // Unmasked overflow and underflow (SDM vol. 1 §11.5.2.4, §11.5.2.5): no result is
    // delivered; #P is reported when the significand rounded with an unbounded exponent is
    // inexact (as the host CPU does).
    let unmasked = |flag: u32| mxcsr & (flag << 7) == 0;
    let p_unbounded = if inexact_p { mx::PE } else { 0 };
    let tiny = e_after + f.bias < 1;
    let biased = e_msb + f.bias;
    let (bits, inexact) = if biased >= 1 {
        let (mut k, inexact, _) = rnd(mant, sticky, (126 - p) as u32, sign, mode);
        let mut biased = biased as i64;
        if k >> p != 0 {
            k >>= 1;
            biased += 1;
        }
        if biased >= f.emax_field() as i64 {
            if unmasked(mx::OE) {
                return (f.inf(sign), mx::OE | p_unbounded);
            }
            let big = match mode {
                0 => f.inf(sign),
                1 if !sign => f.max(false),
                2 if sign => f.max(true),
                1 | 2 => f.inf(sign),
                _ => f.max(sign),
            };
            return (big, mx::OE | mx::PE);
        }
        let enc = f.zero(sign) | (biased as u64) << f.man | (k as u64 & ((1 << f.man) - 1));
        (enc, inexact)
    } else {
        // Denormal range: fewer bits kept; a carry into bit `man` makes the smallest normal.
        let drop = (126 - p + 1 - biased) as u32;
        let (k, inexact, _) = rnd(mant, sticky, drop, sign, mode);
        (f.zero(sign) | k as u64, inexact)
    };
    if tiny && unmasked(mx::UE) {
        return (bits, mx::UE | p_unbounded); // any tiny result, exact or not
    }
    let mut flags = if inexact { mx::PE } else { 0 };
    if tiny && inexact {
        flags |= mx::UE;
    }
    if tiny && mxcsr & mx::FTZ != 0 {
        return (f.zero(sign), mx::UE | mx::PE);
    }
    (bits, flags)
}

/// Binary operations.
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

/// The NaN result of a two-operand operation when an operand is a NaN (the first NaN,
/// quieted; #I for a signalling one).
fn nan2(f: Fmt, a: Val, b: Val) -> Option<(u64, u32)> {
    let ie = |v: Val| matches!(v, Val::Nan { snan: true, .. }) as u32 * mx::IE;
    match (a, b) {
        (Val::Nan { bits, .. }, _) => Some((quiet(f, bits), ie(a) | ie(b))),
        (_, Val::Nan { bits, .. }) => Some((quiet(f, bits), ie(b))),
        _ => None,
    }
}

fn denormal(v: Val) -> bool {
    matches!(v, Val::Fin { denormal: true, .. })
}

/// `a op b` in format `f` under `mxcsr`: the result and the flags raised.
pub fn binary(f: Fmt, op: Op, a: u64, b: u64, mxcsr: u32) -> (u64, u32) {
    let (a, b) = (unpack(f, a, mxcsr), unpack(f, b, mxcsr));
    if let Some(r) = nan2(f, a, b) {
        return r;
    }
    let de = if denormal(a) || denormal(b) {
        mx::DE
    } else {
        0
    };
    let invalid = (f.indefinite(), mx::IE);
    let neg = |v: Val| match v {
        Val::Zero(s) => Val::Zero(!s),
        Val::Inf(s) => Val::Inf(!s),
        Val::Fin {
            sign,
            mant,
            exp,
            denormal,
        } => Val::Fin {
            sign: !sign,
            mant,
            exp,
            denormal,
        },
        n => n,
    };
    let (op, b) = match op {
        Op::Sub => (Op::Add, neg(b)),
        o => (o, b),
    };
    let (bits, flags) = match op {
        Op::Add | Op::Sub => match (a, b) {
            (Val::Inf(x), Val::Inf(y)) if x != y => return invalid,
            (Val::Inf(x), _) | (_, Val::Inf(x)) => (f.inf(x), 0),
            (Val::Zero(x), Val::Zero(y)) => (f.zero(if x == y { x } else { rc(mxcsr) == 1 }), 0),
            (Val::Zero(_), Val::Fin { .. }) => add_fin(f, b, Val::Zero(false), mxcsr),
            _ => add_fin(f, a, b, mxcsr),
        },
        Op::Mul => match (a, b) {
            (Val::Inf(_), Val::Zero(_)) | (Val::Zero(_), Val::Inf(_)) => return invalid,
            (Val::Inf(x), v) | (v, Val::Inf(x)) => (f.inf(x != sign_of(v)), 0),
            (Val::Zero(x), v) | (v, Val::Zero(x)) => (f.zero(x != sign_of(v)), 0),
            (
                Val::Fin {
                    sign: sa,
                    mant: ma,
                    exp: ea,
                    ..
                },
                Val::Fin {
                    sign: sb,
                    mant: mb,
                    exp: eb,
                    ..
                },
            ) => round(f, sa != sb, ma as u128 * mb as u128, ea + eb, false, mxcsr),
            _ => unreachable_nan(f),
        },
        Op::Div => match (a, b) {
            (Val::Inf(_), Val::Inf(_)) | (Val::Zero(_), Val::Zero(_)) => return invalid,
            (Val::Inf(x), v) => (f.inf(x != sign_of(v)), 0),
            (v, Val::Inf(x)) => (f.zero(x != sign_of(v)), 0),
            (Val::Zero(x), v) => (f.zero(x != sign_of(v)), 0),
            // Division by zero: #Z alone, a denormal dividend does not add #D (as the host).
            (v, Val::Zero(x)) => return (f.inf(x != sign_of(v)), mx::ZE),
            (
                Val::Fin {
                    sign: sa,
                    mant: ma,
                    exp: ea,
                    ..
                },
                Val::Fin {
                    sign: sb,
                    mant: mb,
                    exp: eb,
                    ..
                },
            ) => {
                // The dividend's top bit at 125: a quotient of at least 72 bits (a denormal
                // dividend has fewer significant bits).
                let sh = 125 - (63 - ma.leading_zeros() as i32);
                let num = (ma as u128) << sh;
                let (q, r) = (num / mb as u128, num % mb as u128);
                round(f, sa != sb, q, ea - eb - sh, r != 0, mxcsr)
            }
            _ => unreachable_nan(f),
        },
    };
    (bits, flags | de)
}

/// Not reachable (NaNs were handled first); a defined value all the same.
fn unreachable_nan(f: Fmt) -> (u64, u32) {
    (f.indefinite(), mx::IE)
}

fn sign_of(v: Val) -> bool {
    match v {
        Val::Zero(s) | Val::Inf(s) | Val::Fin { sign: s, .. } => s,
        Val::Nan { .. } => false,
    }
}

/// Significand `m` (scaled by 2^`e`) in an addition's frame whose unit is 2^`base`: shifted to
/// it, with a sticky bit for what a right shift drops. Both soft-floats add this way.
pub(super) fn place(m: u128, e: i32, base: i32) -> (u128, bool) {
    if m == 0 {
        (0, false)
    } else if e >= base {
        (m << (e - base), false)
    } else if base - e >= 120 {
        (0, true)
    } else {
        let s = (base - e) as u32;
        (m >> s, m & ((1 << s) - 1) != 0)
    }
}

/// Sum of finite `a` and finite-or-zero `b`.
fn add_fin(f: Fmt, a: Val, b: Val, mxcsr: u32) -> (u64, u32) {
    let parts = |v: Val| match v {
        Val::Fin {
            sign, mant, exp, ..
        } => (sign, mant as u128, exp),
        Val::Zero(s) => (s, 0, i32::MIN / 2),
        _ => (false, 0, 0),
    };
    let (sa, ma, ea) = parts(a);
    let (sb, mb, eb) = parts(b);
    let top = ea.max(eb);
    let base = top - 72;
    let (xa, ta) = place(ma, ea, base);
    let (xb, tb) = place(mb, eb, base);
    if sa == sb {
        return round(f, sa, xa + xb, base, ta || tb, mxcsr);
    }
    // Difference: at most one operand has a sticky fraction (the one far below the other).
    let (big, small, sign, st) = if (xa, ta) > (xb, tb) {
        (xa, xb, sa, tb)
    } else {
        (xb, xa, sb, ta)
    };
    if big == small && !st {
        return (f.zero(rc(mxcsr) == 1), 0);
    }
    let d = if st { big - small - 1 } else { big - small };
    round(f, sign, d, base, st, mxcsr)
}

/// Square root of `a` in format `f`.
pub fn sqrt(f: Fmt, a: u64, mxcsr: u32) -> (u64, u32) {
    match unpack(f, a, mxcsr) {
        Val::Nan { snan, bits } => (quiet(f, bits), snan as u32 * mx::IE),
        Val::Zero(s) => (f.zero(s), 0),
        Val::Inf(false) => (f.inf(false), 0),
        Val::Inf(true) | Val::Fin { sign: true, .. } => (f.indefinite(), mx::IE),
        Val::Fin {
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
            let k = (122 - n) / 2;
            m <<= 2 * k;
            e -= 2 * k;
            let r = m.isqrt();
            let (bits, flags) = round(f, false, r, e / 2, r * r != m, mxcsr);
            (bits, flags | (denormal as u32 * mx::DE))
        }
    }
}

/// MIN (`max` false) or MAX: the second operand when either is a NaN (#I, even for a quiet
/// one) or both are zeros; under DAZ denormals compare, and are returned, as zeros.
pub fn minmax(f: Fmt, max: bool, a: u64, b: u64, mxcsr: u32) -> (u64, u32) {
    let (va, vb) = (unpack(f, a, mxcsr), unpack(f, b, mxcsr));
    // Under DAZ a denormal operand is returned as the zero it reads as.
    let daz = |v: Val, bits: u64| match v {
        Val::Zero(s) => f.zero(s),
        _ => bits,
    };
    let (a, b) = (daz(va, a), daz(vb, b));
    if matches!(va, Val::Nan { .. }) || matches!(vb, Val::Nan { .. }) {
        return (b, mx::IE);
    }
    let de = if denormal(va) || denormal(vb) {
        mx::DE
    } else {
        0
    };
    let ord = compare(va, vb);
    let pick_a = if max {
        ord == Some(std::cmp::Ordering::Greater)
    } else {
        ord == Some(std::cmp::Ordering::Less)
    };
    (if pick_a { a } else { b }, de)
}

/// Numeric order of two operands (`None`: unordered).
fn compare(a: Val, b: Val) -> Option<std::cmp::Ordering> {
    let key = |v: Val| -> Option<(i8, i128)> {
        // A sortable key: (class, scaled magnitude) with sign applied.
        match v {
            Val::Nan { .. } => None,
            Val::Zero(_) => Some((0, 0)),
            Val::Inf(s) => Some((if s { -2 } else { 2 }, 0)),
            Val::Fin {
                sign, mant, exp, ..
            } => {
                let norm = normalize(mant, exp);
                Some((if sign { -1 } else { 1 }, if sign { -norm } else { norm }))
            }
        }
    };
    Some(key(a)?.cmp(&key(b)?))
}

/// A magnitude key for a finite value that orders like the value.
fn normalize(mant: u64, exp: i32) -> i128 {
    let n = 64 - mant.leading_zeros() as i32;
    let top = exp + n; // exponent just above the most significant bit
    ((top as i128 + 4096) << 64) | ((mant as i128) << (64 - n))
}

/// The CMPPS/CMPSS/CMPPD/CMPSD predicate `pred` (0–7): the mask and the flags.
pub fn cmp_pred(f: Fmt, pred: u8, a: u64, b: u64, mxcsr: u32) -> (bool, u32) {
    let (va, vb) = (unpack(f, a, mxcsr), unpack(f, b, mxcsr));
    let snan =
        matches!(va, Val::Nan { snan: true, .. }) || matches!(vb, Val::Nan { snan: true, .. });
    let nan = matches!(va, Val::Nan { .. }) || matches!(vb, Val::Nan { .. });
    let signalling = matches!(pred & 7, 1 | 2 | 5 | 6);
    let ie = snan || (nan && signalling);
    let de = !nan && (denormal(va) || denormal(vb));
    let flags = if ie { mx::IE } else { 0 } | if de { mx::DE } else { 0 };
    use std::cmp::Ordering::*;
    let o = compare(va, vb);
    let r = match pred & 7 {
        0 => o == Some(Equal),
        1 => o == Some(Less),
        2 => matches!(o, Some(Less | Equal)),
        3 => o.is_none(),
        4 => o != Some(Equal),
        5 => o != Some(Less),
        6 => !matches!(o, Some(Less | Equal)),
        _ => o.is_some(),
    };
    (r, flags)
}

/// COMISS/COMISD (`signal_qnan`) and UCOMISS/UCOMISD: the order and the flags.
pub fn comi(
    f: Fmt,
    signal_qnan: bool,
    a: u64,
    b: u64,
    mxcsr: u32,
) -> (Option<std::cmp::Ordering>, u32) {
    let (va, vb) = (unpack(f, a, mxcsr), unpack(f, b, mxcsr));
    let snan =
        matches!(va, Val::Nan { snan: true, .. }) || matches!(vb, Val::Nan { snan: true, .. });
    let nan = matches!(va, Val::Nan { .. }) || matches!(vb, Val::Nan { .. });
    let ie = snan || (nan && signal_qnan);
    let de = !nan && (denormal(va) || denormal(vb));
    let flags = if ie { mx::IE } else { 0 } | if de { mx::DE } else { 0 };
    (compare(va, vb), flags)
}

/// Format conversion (CVTSS2SD, CVTSD2SS, CVTPS2PD, CVTPD2PS).
pub fn convert(from: Fmt, to: Fmt, a: u64, mxcsr: u32) -> (u64, u32) {
    match unpack(from, a, mxcsr) {
        Val::Nan { snan, bits } => {
            let sign = bits & from.sign_bit() != 0;
            let payload = bits & ((1 << from.man) - 1);
            let payload = if to.man > from.man {
                payload << (to.man - from.man)
            } else {
                payload >> (from.man - to.man)
            };
            let r = to.inf(sign) | payload | 1 << (to.man - 1);
            (r, snan as u32 * mx::IE)
        }
        Val::Zero(s) => (to.zero(s), 0),
        Val::Inf(s) => (to.inf(s), 0),
        Val::Fin {
            sign,
            mant,
            exp,
            denormal,
        } => {
            let (bits, flags) = round(to, sign, mant as u128, exp, false, mxcsr);
            (bits, flags | (denormal as u32 * mx::DE))
        }
    }
}

/// Signed integer `v` to format `f` (CVTSI2SS/SD, CVTDQ2PS/PD).
pub fn from_int(f: Fmt, v: i64, mxcsr: u32) -> (u64, u32) {
    if v == 0 {
        return (0, 0);
    }
    round(f, v < 0, v.unsigned_abs() as u128, 0, false, mxcsr)
}

/// Format `f` to a signed integer of `size` bytes (4 or 8), rounding under MXCSR.RC or
/// truncating: out of range, NaN and infinity give the integer indefinite (the most negative
/// value) with #I.
pub fn to_int(f: Fmt, a: u64, size: u8, truncate: bool, mxcsr: u32) -> (u64, u32) {
    let indefinite = 1u64 << (8 * size as u32 - 1);
    let (sign, mant, exp) = match unpack(f, a, mxcsr) {
        Val::Zero(_) => return (0, 0),
        Val::Nan { .. } | Val::Inf(_) => return (indefinite, mx::IE),
        Val::Fin {
            sign, mant, exp, ..
        } => (sign, mant as u128, exp),
    };
    let mode = if truncate { 3 } else { rc(mxcsr) };
    let (mag, inexact) = if exp >= 0 {
        if exp > 70 {
            return (indefinite, mx::IE);
        }
        (mant << exp, false)
    } else {
        let (k, inexact, _) = rnd(mant, false, (-exp) as u32, sign, mode);
        (k, inexact)
    };
    let limit = indefinite as u128 + sign as u128; // |min| for negatives, max + 1 otherwise
    if mag >= limit {
        return (indefinite, mx::IE);
    }
    let v = if sign {
        (mag as u64).wrapping_neg()
    } else {
        mag as u64
    };
    let m = if size == 8 { u64::MAX } else { 0xffff_ffff };
    (v & m, if inexact { mx::PE } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add32(a: f32, b: f32, mxcsr: u32) -> (f32, u32) {
        let (r, fl) = binary(F32, Op::Add, a.to_bits() as u64, b.to_bits() as u64, mxcsr);
        (f32::from_bits(r as u32), fl)
    }

    #[test]
    fn round_to_nearest_matches_ieee() {
        assert_eq!(add32(1.0, 2.0, 0x1f80), (3.0, 0));
        assert_eq!(add32(1.0, 1e-10, 0x1f80), (1.0, mx::PE));
        let (r, fl) = binary(F64, Op::Div, 1f64.to_bits(), 3f64.to_bits(), 0x1f80);
        assert_eq!((f64::from_bits(r), fl), (1.0 / 3.0, mx::PE));
        let (r, _) = sqrt(F64, 2f64.to_bits(), 0x1f80);
        assert_eq!(f64::from_bits(r), 2f64.sqrt());
    }

    #[test]
    fn invalid_gives_the_negative_indefinite() {
        let inf = f32::INFINITY.to_bits() as u64;
        let (r, fl) = binary(F32, Op::Sub, inf, inf, 0x1f80);
        assert_eq!((r, fl), (0xffc0_0000, mx::IE));
        assert_eq!(
            to_int(F64, f64::NAN.to_bits(), 4, true, 0x1f80),
            (0x8000_0000, mx::IE)
        );
    }
}
