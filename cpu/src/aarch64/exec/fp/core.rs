//! IEEE 754 arithmetic as the Arm architecture defines it (DDI 0487 J1.2/J1.3 shared pseudocode:
//! FPUnpack, FPRound, FPProcessNaN(s), FPAdd, FPSub, FPMul, FPMulX, FPMulAdd, FPDiv, FPSqrt,
//! FPMax/FPMin/FPMaxNum/FPMinNum, FPCompare*, FPRecipEstimate, FPRSqrtEstimate,
//! FPRecipStepFused, FPRSqrtStepFused, FPRecpX, FPToFixed, FixedToFP, FPRoundInt, FPConvert).
//!
//! Every operation computes its exact result on integers (significand × 2^exponent, with a
//! sticky bit where a result has more bits than a `u128` holds) and rounds it once with
//! [`Fp::round`], a transcription of FPRound: tininess is detected before rounding, FZ flushes
//! tiny results to zero with UFC, AHP selects the alternative half-precision format.
//!
//! Half precision is supported for conversions only (FEAT_FP16 is not implemented): FZ never
//! applies to it (FZ16 is RES0). Floating-point exception traps are not implemented (the FPCR
//! trap enables read as 0), so exceptions only set the FPSR cumulative bits, collected in
//! [`Fp::exc`] and merged into FPSR by [`Fp::commit`].

use crate::aarch64::state::Cpu;
use crate::aarch64::sysreg::Reg;

/// FPSR cumulative exception bits.
pub mod fpsr {
    /// Invalid operation.
    pub const IOC: u32 = 1 << 0;
    /// Division by zero.
    pub const DZC: u32 = 1 << 1;
    /// Overflow.
    pub const OFC: u32 = 1 << 2;
    /// Underflow.
    pub const UFC: u32 = 1 << 3;
    /// Inexact.
    pub const IXC: u32 = 1 << 4;
    /// Input denormal.
    pub const IDC: u32 = 1 << 7;
}

use fpsr::*;

/// FPCR.AHP: alternative half-precision format.
pub const FPCR_AHP: u32 = 1 << 26;
/// FPCR.DN: default NaN.
pub const FPCR_DN: u32 = 1 << 25;
/// FPCR.FZ: flush denormals to zero (single and double precision).
pub const FPCR_FZ: u32 = 1 << 24;
/// FPCR.RMode position (2 bits).
pub const FPCR_RMODE_SHIFT: u32 = 22;

/// A binary floating-point format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fmt {
    /// Total width N.
    pub bits: u32,
    /// Exponent width E.
    pub e: u32,
    /// Fraction width F.
    pub f: u32,
}

/// Half precision.
pub const H: Fmt = Fmt {
    bits: 16,
    e: 5,
    f: 10,
};
/// Single precision.
pub const S: Fmt = Fmt {
    bits: 32,
    e: 8,
    f: 23,
};
/// Double precision.
pub const D: Fmt = Fmt {
    bits: 64,
    e: 11,
    f: 52,
};

impl Fmt {
    /// The format of element size code `code` = log2(bytes): 1 half, 2 single, 3 double.
    #[inline]
    pub const fn from_code(code: u8) -> Fmt {
        match code {
            1 => H,
            2 => S,
            _ => D,
        }
    }

    /// All N bits set.
    #[inline]
    pub const fn mask(self) -> u64 {
        u64::MAX >> (64 - self.bits)
    }

    /// The sign bit.
    #[inline]
    pub const fn sign(self) -> u64 {
        1 << (self.bits - 1)
    }

    /// The fraction field mask.
    #[inline]
    const fn fmask(self) -> u64 {
        (1 << self.f) - 1
    }

    /// Largest biased exponent (all ones).
    #[inline]
    const fn emax(self) -> u64 {
        (1 << self.e) - 1
    }

    /// Exponent bias.
    #[inline]
    const fn bias(self) -> i32 {
        (1 << (self.e - 1)) - 1
    }

    /// Minimum normal exponent.
    #[inline]
    const fn min_exp(self) -> i32 {
        1 - self.bias()
    }

    /// The quiet bit of a NaN (top fraction bit).
    #[inline]
    pub const fn quiet(self) -> u64 {
        1 << (self.f - 1)
    }

    /// FPZero.
    #[inline]
    pub const fn zero(self, sign: bool) -> u64 {
        if sign {
            self.sign()
        } else {
            0
        }
    }

    /// FPInfinity.
    #[inline]
    pub const fn inf(self, sign: bool) -> u64 {
        self.zero(sign) | self.emax() << self.f
    }

    /// FPMaxNormal.
    #[inline]
    pub const fn max_normal(self, sign: bool) -> u64 {
        self.zero(sign) | ((self.emax() - 1) << self.f) | self.fmask()
    }

    /// FPDefaultNaN.
    #[inline]
    pub const fn default_nan(self) -> u64 {
        self.inf(false) | self.quiet()
    }

    /// FPTwo.
    #[inline]
    pub const fn two(self, sign: bool) -> u64 {
        self.zero(sign) | 1 << (self.bits - 2)
    }

    /// FPOnePointFive.
    #[inline]
    pub const fn one_point_five(self) -> u64 {
        ((self.bias() as u64) << self.f) | self.quiet()
    }

    /// VFPExpandImm: the 8-bit FMOV immediate `imm8` in this format.
    pub const fn expand_imm(self, imm8: u8) -> u64 {
        let sign = (imm8 >> 7) as u64;
        let b6 = ((imm8 >> 6) & 1) as u64;
        // exp = NOT(b6) : Replicate(b6, E-3) : imm8<5:4>
        let rep = if b6 == 1 {
            (1u64 << (self.e - 3)) - 1
        } else {
            0
        };
        let exp = ((b6 ^ 1) << (self.e - 1)) | (rep << 2) | ((imm8 as u64 >> 4) & 3);
        let frac = ((imm8 as u64) & 0xf) << (self.f - 4);
        (sign << (self.bits - 1)) | (exp << self.f) | frac
    }
}

/// Rounding modes (FPRounding).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// Round to nearest, ties to even.
    TieEven,
    /// Towards plus infinity.
    PosInf,
    /// Towards minus infinity.
    NegInf,
    /// Towards zero.
    Zero,
    /// Round to nearest, ties away from zero.
    TieAway,
    /// Round to odd (von Neumann).
    Odd,
}

impl Rounding {
    /// FPDecodeRounding: the FPCR.RMode encoding (0..=3).
    #[inline]
    pub const fn from_rmode(rm: u32) -> Rounding {
        match rm & 3 {
            0 => Rounding::TieEven,
            1 => Rounding::PosInf,
            2 => Rounding::NegInf,
            _ => Rounding::Zero,
        }
    }

    /// The rounding of an instruction field (the value stored by the shapes): 0..=3 as
    /// FPCR.RMode, 4 ties away, 5 odd, 6 the FPCR mode.
    #[inline]
    pub const fn from_code(code: u8) -> Option<Rounding> {
        match code {
            0..=3 => Some(Rounding::from_rmode(code as u32)),
            4 => Some(Rounding::TieAway),
            5 => Some(Rounding::Odd),
            _ => None,
        }
    }
}

/// Classification of an unpacked operand (FPType; denormals are `Finite`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// ±0 (or a denormal flushed by FZ).
    Zero,
    /// A nonzero finite number.
    Finite,
    /// ±∞.
    Inf,
    /// Quiet NaN.
    QNaN,
    /// Signalling NaN.
    SNaN,
}

/// An unpacked operand: for `Finite`, the value is (-1)^sign × m × 2^e.
#[derive(Clone, Copy, Debug)]
pub struct Unp {
    /// Class.
    pub kind: Kind,
    /// Sign.
    pub sign: bool,
    /// Significand (with the implicit bit).
    pub m: u64,
    /// Exponent of the significand's unit bit.
    pub e: i32,
}

impl Unp {
    #[inline]
    fn is_nan(&self) -> bool {
        matches!(self.kind, Kind::QNaN | Kind::SNaN)
    }

    /// The exact value (zero for non-finite operands).
    #[inline]
    fn real(&self) -> Real {
        Real {
            sign: self.sign,
            m: if self.kind == Kind::Finite {
                self.m as u128
            } else {
                0
            },
            e: self.e,
        }
    }
}

/// An exact real (-1)^sign × m × 2^e; m = 0 is zero. Results of [`add_real`] may carry a
/// sticky bit at bit 0 (see there).
#[derive(Clone, Copy, Debug)]
struct Real {
    sign: bool,
    m: u128,
    e: i32,
}

/// The exact product of two reals.
#[inline]
fn mul_real(a: Real, b: Real) -> Real {
    Real {
        sign: a.sign ^ b.sign,
        m: a.m * b.m,
        e: a.e + b.e,
    }
}

/// a + b, `None` when the sum is exactly zero. Both significands must have at most 120
/// significant bits. Both are aligned with their top bit at bit 126; bits of the smaller
/// operand shifted out are OR-ed into bit 0 (a sticky bit), which stays far below any rounding
/// position because the larger operand's low 6+ bits are zero and the result keeps at least
/// 125 significant bits whenever bits were lost.
fn add_real(a: Real, b: Real) -> Option<Real> {
    if a.m == 0 {
        return (b.m != 0).then_some(b);
    }
    if b.m == 0 {
        return Some(a);
    }
    let norm = |r: Real| {
        let s = r.m.leading_zeros() as i32 - 1;
        (r.m << s, r.e - s)
    };
    let (mut ma, mut ea) = norm(a);
    let (mut mb, mut eb) = norm(b);
    let (mut sa, mut sb) = (a.sign, b.sign);
    if ea < eb {
        std::mem::swap(&mut ma, &mut mb);
        std::mem::swap(&mut ea, &mut eb);
        std::mem::swap(&mut sa, &mut sb);
    }
    let d = (ea - eb) as u32;
    let mb = if d == 0 {
        mb
    } else if d >= 127 {
        1
    } else {
        (mb >> d) | ((mb & ((1u128 << d) - 1)) != 0) as u128
    };
    if sa == sb {
        Some(Real {
            sign: sa,
            m: ma + mb,
            e: ea,
        })
    } else if ma > mb {
        Some(Real {
            sign: sa,
            m: ma - mb,
            e: ea,
        })
    } else if mb > ma {
        Some(Real {
            sign: sb,
            m: mb - ma,
            e: ea,
        })
    } else {
        None
    }
}

/// How a discarded fraction compares with one half.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Frac {
    Zero,
    Below,
    Half,
    Above,
}

/// floor(m / 2^sh) and the class of the discarded fraction.
#[inline]
fn split(m: u128, sh: u32) -> (u128, Frac) {
    if sh == 0 {
        return (m, Frac::Zero);
    }
    if sh > 128 {
        return (0, if m == 0 { Frac::Zero } else { Frac::Below });
    }
    let (q, rem) = if sh == 128 {
        (0, m)
    } else {
        (m >> sh, m & ((1u128 << sh) - 1))
    };
    let half = 1u128 << (sh - 1);
    let f = if rem == 0 {
        Frac::Zero
    } else if rem < half {
        Frac::Below
    } else if rem == half {
        Frac::Half
    } else {
        Frac::Above
    };
    (q, f)
}

/// Whether a magnitude with discarded fraction `frac` rounds away from zero.
#[inline]
fn round_up(rm: Rounding, frac: Frac, lsb: bool, neg: bool) -> bool {
    match rm {
        Rounding::TieEven => frac == Frac::Above || (frac == Frac::Half && lsb),
        Rounding::TieAway => frac >= Frac::Half,
        Rounding::PosInf => frac != Frac::Zero && !neg,
        Rounding::NegInf => frac != Frac::Zero && neg,
        Rounding::Zero | Rounding::Odd => false,
    }
}

/// RecipEstimate for a in 256..512, as a table.
const RECIP_TABLE: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let a = (i as u32 + 256) * 2 + 1;
        let b = (1u32 << 19) / a;
        t[i] = b.div_ceil(2) as u16; // (b + 1) DIV 2: round to nearest
        i += 1;
    }
    t
};

/// RecipSqrtEstimate for a in 128..512, as a table.
const RSQRT_TABLE: [u16; 384] = {
    let mut t = [0u16; 384];
    let mut i = 0;
    while i < 384 {
        let a0 = i as u64 + 128;
        let a = if a0 < 256 {
            a0 * 2 + 1
        } else {
            ((a0 >> 1) << 1) * 2 + 2
        };
        let mut b = 512u64;
        while a * (b + 1) * (b + 1) < (1 << 28) {
            b += 1;
        }
        t[i] = b.div_ceil(2) as u16; // (b + 1) DIV 2: round to nearest
        i += 1;
    }
    t
};

/// RecipEstimate(a), 256 ≤ a < 512.
#[inline]
pub fn recip_estimate(a: u64) -> u64 {
    RECIP_TABLE[(a - 256) as usize & 255] as u64
}

/// RecipSqrtEstimate(a), 128 ≤ a < 512.
#[inline]
pub fn rsqrt_estimate(a: u64) -> u64 {
    RSQRT_TABLE[((a - 128) as usize).min(383)] as u64
}

/// The FP environment of one instruction: FPCR as read at its start and the cumulative
/// exception bits it raises.
#[derive(Clone, Copy, Debug)]
pub struct Fp {
    /// FPCR.
    pub fpcr: u32,
    /// FPSR exception bits raised so far.
    pub exc: u32,
}

impl Fp {
    /// The environment of `cpu`.
    #[inline]
    pub fn new(cpu: &Cpu) -> Fp {
        Fp {
            fpcr: cpu.sys.get(Reg::Fpcr) as u32,
            exc: 0,
        }
    }

    /// An environment with the given FPCR (tests).
    pub fn with_fpcr(fpcr: u32) -> Fp {
        Fp { fpcr, exc: 0 }
    }

    /// Merge the raised exceptions into FPSR.
    #[inline]
    pub fn commit(&self, cpu: &mut Cpu) {
        if self.exc != 0 {
            let v = cpu.sys.get(Reg::Fpsr) | self.exc as u64;
            cpu.sys.set(Reg::Fpsr, v);
        }
    }

    /// FPRoundingMode: the FPCR rounding mode.
    #[inline]
    pub fn rounding(&self) -> Rounding {
        Rounding::from_rmode(self.fpcr >> FPCR_RMODE_SHIFT)
    }

    /// The rounding of an instruction code (see [`Rounding::from_code`]), 6 = FPCR's.
    #[inline]
    pub fn rounding_of(&self, code: u8) -> Rounding {
        Rounding::from_code(code).unwrap_or_else(|| self.rounding())
    }

    #[inline]
    fn fz(&self, fmt: Fmt) -> bool {
        fmt.bits != 16 && self.fpcr & FPCR_FZ != 0
    }

    #[inline]
    fn dn(&self) -> bool {
        self.fpcr & FPCR_DN != 0
    }

    #[inline]
    fn ahp(&self) -> bool {
        self.fpcr & FPCR_AHP != 0
    }

    /// FPUnpack (FZ for single and double, AHP for half precision).
    pub fn unpack(&mut self, fmt: Fmt, x: u64) -> Unp {
        let sign = (x >> (fmt.bits - 1)) & 1 != 0;
        let exp = (x >> fmt.f) & fmt.emax();
        let frac = x & fmt.fmask();
        let (kind, m, e) = if exp == 0 {
            if frac == 0 {
                (Kind::Zero, 0, 0)
            } else if self.fz(fmt) {
                self.exc |= IDC;
                (Kind::Zero, 0, 0)
            } else {
                (Kind::Finite, frac, fmt.min_exp() - fmt.f as i32)
            }
        } else if exp == fmt.emax() && !(fmt.bits == 16 && self.ahp()) {
            let kind = if frac == 0 {
                Kind::Inf
            } else if frac & fmt.quiet() != 0 {
                Kind::QNaN
            } else {
                Kind::SNaN
            };
            (kind, 0, 0)
        } else {
            (
                Kind::Finite,
                frac | 1 << fmt.f,
                exp as i32 - fmt.bias() - fmt.f as i32,
            )
        };
        Unp { kind, sign, m, e }
    }

    /// FPRound: round (-1)^sign × m × 2^e (m ≠ 0) to `fmt`.
    pub fn round(&mut self, fmt: Fmt, sign: bool, m: u128, e: i32, rm: Rounding) -> u64 {
        debug_assert!(m != 0);
        let nb = 128 - m.leading_zeros() as i32;
        let exp = e + nb - 1;
        let min_exp = fmt.min_exp();
        if self.fz(fmt) && exp < min_exp {
            self.exc |= UFC;
            return fmt.zero(sign);
        }
        let mut biased = (exp - min_exp + 1).max(0) as i64;
        let lsb_exp = exp.max(min_exp) - fmt.f as i32;
        let sh = lsb_exp - e;
        let (mut mant, frac) = if sh <= 0 {
            (m << (-sh) as u32, Frac::Zero)
        } else {
            split(m, sh as u32)
        };
        if biased == 0 && frac != Frac::Zero {
            self.exc |= UFC;
        }
        if round_up(rm, frac, mant & 1 != 0, sign) {
            mant += 1;
            if mant == 1 << fmt.f {
                biased = 1;
            }
            if mant == 1 << (fmt.f + 1) {
                biased += 1;
                mant >>= 1;
            }
        }
        if rm == Rounding::Odd && frac != Frac::Zero {
            mant |= 1;
        }
        let mut inexact = frac != Frac::Zero;
        let pack = |biased: i64, mant: u128| {
            fmt.zero(sign) | (biased as u64) << fmt.f | (mant as u64 & fmt.fmask())
        };
        let result = if fmt.bits == 16 && self.ahp() {
            if biased >= 1 << fmt.e {
                self.exc |= IOC;
                inexact = false;
                fmt.zero(sign) | 0x7fff
            } else {
                pack(biased, mant)
            }
        } else if biased >= fmt.emax() as i64 {
            self.exc |= OFC;
            inexact = true;
            let to_inf = match rm {
                Rounding::TieEven | Rounding::TieAway => true,
                Rounding::PosInf => !sign,
                Rounding::NegInf => sign,
                Rounding::Zero | Rounding::Odd => false,
            };
            if to_inf {
                fmt.inf(sign)
            } else {
                fmt.max_normal(sign)
            }
        } else {
            pack(biased, mant)
        };
        if inexact {
            self.exc |= IXC;
        }
        result
    }

    /// Round an exact real with the FPCR rounding mode; an exact zero gets the sign the
    /// rounding mode gives it (- for round towards minus infinity).
    fn round_real(&mut self, fmt: Fmt, r: Option<Real>) -> u64 {
        let rm = self.rounding();
        match r {
            Some(r) if r.m != 0 => self.round(fmt, r.sign, r.m, r.e, rm),
            _ => fmt.zero(rm == Rounding::NegInf),
        }
    }

    /// FPProcessNaN.
    fn process_nan(&mut self, fmt: Fmt, kind: Kind, x: u64) -> u64 {
        let mut r = x;
        if kind == Kind::SNaN {
            self.exc |= IOC;
            r |= fmt.quiet();
        }
        if self.dn() {
            fmt.default_nan()
        } else {
            r
        }
    }

    /// FPProcessNaNs: the first signalling NaN, else the first quiet NaN.
    fn nans2(&mut self, fmt: Fmt, a: &Unp, x: u64, b: &Unp, y: u64) -> Option<u64> {
        if a.kind == Kind::SNaN {
            Some(self.process_nan(fmt, a.kind, x))
        } else if b.kind == Kind::SNaN {
            Some(self.process_nan(fmt, b.kind, y))
        } else if a.kind == Kind::QNaN {
            Some(self.process_nan(fmt, a.kind, x))
        } else if b.kind == Kind::QNaN {
            Some(self.process_nan(fmt, b.kind, y))
        } else {
            None
        }
    }

    /// FPProcessNaNs3.
    fn nans3(&mut self, fmt: Fmt, ops: [(&Unp, u64); 3]) -> Option<u64> {
        for want in [Kind::SNaN, Kind::QNaN] {
            for (u, x) in ops {
                if u.kind == want {
                    return Some(self.process_nan(fmt, want, x));
                }
            }
        }
        None
    }

    /// The default NaN with IOC (an invalid operation).
    #[inline]
    fn invalid(&mut self, fmt: Fmt) -> u64 {
        self.exc |= IOC;
        fmt.default_nan()
    }

    /// FPAdd.
    pub fn add(&mut self, fmt: Fmt, x: u64, y: u64) -> u64 {
        self.addsub(fmt, x, y, false)
    }

    /// FPSub.
    pub fn sub(&mut self, fmt: Fmt, x: u64, y: u64) -> u64 {
        self.addsub(fmt, x, y, true)
    }

    fn addsub(&mut self, fmt: Fmt, x: u64, y: u64, neg: bool) -> u64 {
        let a = self.unpack(fmt, x);
        let mut b = self.unpack(fmt, y);
        if let Some(r) = self.nans2(fmt, &a, x, &b, y) {
            return r;
        }
        b.sign ^= neg;
        match (a.kind, b.kind) {
            (Kind::Inf, Kind::Inf) if a.sign != b.sign => self.invalid(fmt),
            (Kind::Inf, _) => fmt.inf(a.sign),
            (_, Kind::Inf) => fmt.inf(b.sign),
            (Kind::Zero, Kind::Zero) if a.sign == b.sign => fmt.zero(a.sign),
            _ => {
                let s = add_real(a.real(), b.real());
                self.round_real(fmt, s)
            }
        }
    }

    /// FPMul (`x_form`: FPMulX, where ∞ × 0 is ±2).
    pub fn mul(&mut self, fmt: Fmt, x: u64, y: u64, x_form: bool) -> u64 {
        let a = self.unpack(fmt, x);
        let b = self.unpack(fmt, y);
        if let Some(r) = self.nans2(fmt, &a, x, &b, y) {
            return r;
        }
        let sign = a.sign ^ b.sign;
        match (a.kind, b.kind) {
            (Kind::Inf, Kind::Zero) | (Kind::Zero, Kind::Inf) => {
                if x_form {
                    fmt.two(sign)
                } else {
                    self.invalid(fmt)
                }
            }
            (Kind::Inf, _) | (_, Kind::Inf) => fmt.inf(sign),
            (Kind::Zero, _) | (_, Kind::Zero) => fmt.zero(sign),
            _ => {
                let p = mul_real(a.real(), b.real());
                self.round(fmt, sign, p.m, p.e, self.rounding())
            }
        }
    }

    /// FPDiv.
    pub fn div(&mut self, fmt: Fmt, x: u64, y: u64) -> u64 {
        let a = self.unpack(fmt, x);
        let b = self.unpack(fmt, y);
        if let Some(r) = self.nans2(fmt, &a, x, &b, y) {
            return r;
        }
        let sign = a.sign ^ b.sign;
        match (a.kind, b.kind) {
            (Kind::Inf, Kind::Inf) | (Kind::Zero, Kind::Zero) => self.invalid(fmt),
            (Kind::Inf, _) => fmt.inf(sign),
            (_, Kind::Zero) => {
                self.exc |= DZC;
                fmt.inf(sign)
            }
            (Kind::Zero, _) | (_, Kind::Inf) => fmt.zero(sign),
            _ => {
                // Dividend with its top bit at bit 127: the quotient keeps ≥ 74 bits.
                let s = (a.m.leading_zeros() + 64) as i32;
                let n = (a.m as u128) << s;
                let d = b.m as u128;
                let mut q = n / d;
                if !n.is_multiple_of(d) {
                    q |= 1;
                }
                self.round(fmt, sign, q, a.e - s - b.e, self.rounding())
            }
        }
    }

    /// FPSqrt.
    pub fn sqrt(&mut self, fmt: Fmt, x: u64) -> u64 {
        let a = self.unpack(fmt, x);
        match a.kind {
            Kind::QNaN | Kind::SNaN => self.process_nan(fmt, a.kind, x),
            Kind::Zero => fmt.zero(a.sign),
            Kind::Inf if !a.sign => fmt.inf(false),
            _ if a.sign => self.invalid(fmt),
            _ => {
                // m × 2^e with e even and m of 125 or 126 bits: the root has 63 bits.
                let mut s = a.m.leading_zeros() as i32 + 62;
                if (a.e - s) & 1 != 0 {
                    s -= 1;
                }
                let m = (a.m as u128) << s;
                let mut r = isqrt(m);
                if r * r != m {
                    r |= 1;
                }
                self.round(fmt, false, r, (a.e - s) / 2, self.rounding())
            }
        }
    }

    /// FPMulAdd: addend + x × y, one rounding. Operands are given already negated as the
    /// instruction requires (FMSUB negates x, FNMADD the addend and x, FNMSUB the addend).
    pub fn muladd(&mut self, fmt: Fmt, addend: u64, x: u64, y: u64) -> u64 {
        let c = self.unpack(fmt, addend);
        let a = self.unpack(fmt, x);
        let b = self.unpack(fmt, y);
        let inf_zero = matches!(
            (a.kind, b.kind),
            (Kind::Inf, Kind::Zero) | (Kind::Zero, Kind::Inf)
        );
        if let Some(r) = self.nans3(fmt, [(&c, addend), (&a, x), (&b, y)]) {
            if c.kind == Kind::QNaN && inf_zero {
                return self.invalid(fmt);
            }
            return r;
        }
        let sign_p = a.sign ^ b.sign;
        let inf_p = a.kind == Kind::Inf || b.kind == Kind::Inf;
        let zero_p = a.kind == Kind::Zero || b.kind == Kind::Zero;
        let inf_c = c.kind == Kind::Inf;
        if inf_zero || (inf_c && inf_p && c.sign != sign_p) {
            self.invalid(fmt)
        } else if (inf_c && !c.sign) || (inf_p && !sign_p) {
            fmt.inf(false)
        } else if inf_c || inf_p {
            fmt.inf(true)
        } else if c.kind == Kind::Zero && zero_p && c.sign == sign_p {
            fmt.zero(c.sign)
        } else {
            let s = add_real(c.real(), mul_real(a.real(), b.real()));
            self.round_real(fmt, s)
        }
    }

    /// The ordering key of a non-NaN operand (zeros of both signs equal).
    #[inline]
    fn key(fmt: Fmt, u: &Unp, x: u64) -> i64 {
        if u.kind == Kind::Zero {
            0
        } else {
            let mag = (x & (fmt.mask() >> 1)) as i64;
            if u.sign {
                -mag
            } else {
                mag
            }
        }
    }

    /// FPMax / FPMin (`max`), FPMaxNum / FPMinNum (`num`: a single quiet NaN loses).
    pub fn maxmin(&mut self, fmt: Fmt, x: u64, y: u64, max: bool, num: bool) -> u64 {
        let (mut x, mut y) = (x, y);
        let mut a = self.unpack(fmt, x);
        let mut b = self.unpack(fmt, y);
        if num {
            if a.kind == Kind::QNaN && b.kind != Kind::QNaN {
                x = fmt.inf(max);
                a = self.unpack(fmt, x);
            } else if a.kind != Kind::QNaN && b.kind == Kind::QNaN {
                y = fmt.inf(max);
                b = self.unpack(fmt, y);
            }
        }
        if let Some(r) = self.nans2(fmt, &a, x, &b, y) {
            return r;
        }
        let (ka, kb) = (Self::key(fmt, &a, x), Self::key(fmt, &b, y));
        let pick_a = if max { ka > kb } else { ka < kb };
        let (u, raw) = if pick_a { (a, x) } else { (b, y) };
        match u.kind {
            Kind::Inf => fmt.inf(u.sign),
            Kind::Zero => fmt.zero(if max {
                a.sign && b.sign
            } else {
                a.sign || b.sign
            }),
            _ => raw,
        }
    }

    /// FPCompare: NZCV in bits 31:28 (`signal`: FCMPE, any NaN is invalid).
    pub fn compare(&mut self, fmt: Fmt, x: u64, y: u64, signal: bool) -> u32 {
        let a = self.unpack(fmt, x);
        let b = self.unpack(fmt, y);
        if a.is_nan() || b.is_nan() {
            if signal || a.kind == Kind::SNaN || b.kind == Kind::SNaN {
                self.exc |= IOC;
            }
            return 0b0011 << 28;
        }
        let (ka, kb) = (Self::key(fmt, &a, x), Self::key(fmt, &b, y));
        (if ka == kb {
            0b0110
        } else if ka < kb {
            0b1000
        } else {
            0b0010
        }) << 28
    }

    /// FPCompareEQ (`op` 0), FPCompareGE (1), FPCompareGT (2); `abs` compares magnitudes
    /// (FACGE/FACGT). NaNs compare false; EQ signals only for signalling NaNs.
    pub fn cmp(&mut self, fmt: Fmt, x: u64, y: u64, op: u8, abs: bool) -> bool {
        let (x, y) = if abs {
            (x & !fmt.sign(), y & !fmt.sign())
        } else {
            (x, y)
        };
        let a = self.unpack(fmt, x);
        let b = self.unpack(fmt, y);
        if a.is_nan() || b.is_nan() {
            if op != 0 || a.kind == Kind::SNaN || b.kind == Kind::SNaN {
                self.exc |= IOC;
            }
            return false;
        }
        let (ka, kb) = (Self::key(fmt, &a, x), Self::key(fmt, &b, y));
        match op {
            0 => ka == kb,
            1 => ka >= kb,
            _ => ka > kb,
        }
    }

    /// FPRecipStepFused (`rsqrt` = false: 2 − x × y) and FPRSqrtStepFused (`rsqrt`:
    /// (3 − x × y) / 2), fused, one rounding.
    pub fn step(&mut self, fmt: Fmt, x: u64, y: u64, rsqrt: bool) -> u64 {
        let x = x ^ fmt.sign();
        let a = self.unpack(fmt, x);
        let b = self.unpack(fmt, y);
        if let Some(r) = self.nans2(fmt, &a, x, &b, y) {
            return r;
        }
        match (a.kind, b.kind) {
            (Kind::Inf, Kind::Zero) | (Kind::Zero, Kind::Inf) => {
                if rsqrt {
                    fmt.one_point_five()
                } else {
                    fmt.two(false)
                }
            }
            (Kind::Inf, _) | (_, Kind::Inf) => fmt.inf(a.sign ^ b.sign),
            _ => {
                let k = Real {
                    sign: false,
                    m: if rsqrt { 3 } else { 1 },
                    e: if rsqrt { 0 } else { 1 },
                };
                let s = add_real(k, mul_real(a.real(), b.real())).map(|mut r| {
                    if rsqrt {
                        r.e -= 1;
                    }
                    r
                });
                self.round_real(fmt, s)
            }
        }
    }

    /// FPRecipEstimate (without FEAT_RPRES).
    pub fn recpe(&mut self, fmt: Fmt, x: u64) -> u64 {
        let a = self.unpack(fmt, x);
        match a.kind {
            Kind::QNaN | Kind::SNaN => return self.process_nan(fmt, a.kind, x),
            Kind::Inf => return fmt.zero(a.sign),
            Kind::Zero => {
                self.exc |= DZC;
                return fmt.inf(a.sign);
            }
            Kind::Finite => {}
        }
        let frac_raw = x & fmt.fmask();
        let exp_raw = ((x >> fmt.f) & fmt.emax()) as i64;
        if exp_raw == 0 && frac_raw < 1 << (fmt.f - 2) {
            let to_inf = match self.rounding() {
                Rounding::TieEven | Rounding::TieAway => true,
                Rounding::PosInf => !a.sign,
                Rounding::NegInf => a.sign,
                _ => false,
            };
            self.exc |= OFC | IXC;
            return if to_inf {
                fmt.inf(a.sign)
            } else {
                fmt.max_normal(a.sign)
            };
        }
        let bias = fmt.bias() as i64;
        if self.fz(fmt) && exp_raw >= 2 * bias - 1 {
            self.exc |= UFC;
            return fmt.zero(a.sign);
        }
        const M52: u64 = (1 << 52) - 1;
        let mut fraction = frac_raw << (52 - fmt.f);
        let mut exp = exp_raw;
        if exp == 0 {
            if fraction >> 51 & 1 == 0 {
                exp = -1;
                fraction = (fraction << 2) & M52;
            } else {
                fraction = (fraction << 1) & M52;
            }
        }
        let scaled = 256 | (fraction >> 44);
        let mut result_exp = 2 * bias - 1 - exp;
        let est = recip_estimate(scaled);
        let mut fraction = (est & 0xff) << 44;
        if result_exp == 0 {
            fraction = (1 << 51) | (fraction >> 1);
        } else if result_exp == -1 {
            fraction = (1 << 50) | (fraction >> 2);
            result_exp = 0;
        }
        fmt.zero(a.sign) | (result_exp as u64) << fmt.f | (fraction >> (52 - fmt.f))
    }

    /// FPRSqrtEstimate (without FEAT_RPRES).
    pub fn rsqrte(&mut self, fmt: Fmt, x: u64) -> u64 {
        let a = self.unpack(fmt, x);
        match a.kind {
            Kind::QNaN | Kind::SNaN => return self.process_nan(fmt, a.kind, x),
            Kind::Zero => {
                self.exc |= DZC;
                return fmt.inf(a.sign);
            }
            _ if a.sign => return self.invalid(fmt),
            Kind::Inf => return fmt.zero(false),
            Kind::Finite => {}
        }
        const M52: u64 = (1 << 52) - 1;
        let mut fraction = (x & fmt.fmask()) << (52 - fmt.f);
        let mut exp = ((x >> fmt.f) & fmt.emax()) as i64;
        if exp == 0 {
            while fraction >> 51 & 1 == 0 {
                fraction = (fraction << 1) & M52;
                exp -= 1;
            }
            fraction = (fraction << 1) & M52;
        }
        let scaled = if exp & 1 == 0 {
            256 | (fraction >> 44)
        } else {
            128 | (fraction >> 45)
        };
        let result_exp = (3 * fmt.bias() as i64 - 1 - exp) / 2;
        let est = rsqrt_estimate(scaled);
        (result_exp as u64) << fmt.f | (est & 0xff) << (fmt.f - 8)
    }

    /// FPRecpX.
    pub fn recpx(&mut self, fmt: Fmt, x: u64) -> u64 {
        let a = self.unpack(fmt, x);
        if a.is_nan() {
            return self.process_nan(fmt, a.kind, x);
        }
        let exp = (x >> fmt.f) & fmt.emax();
        let e = if exp == 0 {
            fmt.emax() - 1
        } else {
            !exp & fmt.emax()
        };
        fmt.zero(a.sign) | e << fmt.f
    }

    /// FPRoundInt (`exact`: FRINTX, inexact results raise IXC).
    pub fn round_int(&mut self, fmt: Fmt, x: u64, rm: Rounding, exact: bool) -> u64 {
        let a = self.unpack(fmt, x);
        match a.kind {
            Kind::QNaN | Kind::SNaN => return self.process_nan(fmt, a.kind, x),
            Kind::Inf => return fmt.inf(a.sign),
            Kind::Zero => return fmt.zero(a.sign),
            Kind::Finite => {}
        }
        if a.e >= 0 {
            return x;
        }
        let (mut q, frac) = split(a.m as u128, (-a.e) as u32);
        if round_up(rm, frac, q & 1 != 0, a.sign) {
            q += 1;
        }
        if frac != Frac::Zero && exact {
            self.exc |= IXC;
        }
        if q == 0 {
            fmt.zero(a.sign)
        } else {
            self.round(fmt, a.sign, q, 0, Rounding::Zero)
        }
    }

    /// FPToFixed: `x` × 2^fbits rounded with `rm` to a `ibits`-bit (un)signed integer,
    /// saturated (IOC); returned zero-extended from `ibits`.
    pub fn to_fixed(
        &mut self,
        fmt: Fmt,
        x: u64,
        fbits: u32,
        unsigned: bool,
        ibits: u32,
        rm: Rounding,
    ) -> u64 {
        let a = self.unpack(fmt, x);
        let (mag, frac) = match a.kind {
            Kind::QNaN | Kind::SNaN => {
                self.exc |= IOC;
                return 0;
            }
            Kind::Zero => return 0,
            Kind::Inf => (u128::MAX >> 1, Frac::Zero),
            Kind::Finite => {
                let sh = a.e + fbits as i32;
                if sh > 70 {
                    (u128::MAX >> 1, Frac::Zero)
                } else if sh >= 0 {
                    ((a.m as u128) << sh, Frac::Zero)
                } else {
                    split(a.m as u128, (-sh) as u32)
                }
            }
        };
        let mag = mag + round_up(rm, frac, mag & 1 != 0, a.sign) as u128;
        let v = if a.sign { -(mag as i128) } else { mag as i128 };
        let (lo, hi) = if unsigned {
            (0i128, (1i128 << ibits) - 1)
        } else {
            (-(1i128 << (ibits - 1)), (1i128 << (ibits - 1)) - 1)
        };
        let r = if v < lo || v > hi {
            self.exc |= IOC;
            v.clamp(lo, hi)
        } else {
            if frac != Frac::Zero {
                self.exc |= IXC;
            }
            v
        };
        (r as u64) & (u64::MAX >> (64 - ibits))
    }

    /// FixedToFP: the `ibits`-bit (un)signed integer `v` / 2^fbits, rounded with `rm`.
    pub fn from_fixed(
        &mut self,
        fmt: Fmt,
        v: u64,
        ibits: u32,
        signed: bool,
        fbits: u32,
        rm: Rounding,
    ) -> u64 {
        let v = v & (u64::MAX >> (64 - ibits));
        let (sign, mag) = if signed {
            let s = ((v << (64 - ibits)) as i64) >> (64 - ibits);
            (s < 0, s.unsigned_abs())
        } else {
            (false, v)
        };
        if mag == 0 {
            return fmt.zero(false);
        }
        self.round(fmt, sign, mag as u128, -(fbits as i32), rm)
    }

    /// FPConvert from `from` to `to` with rounding `rm` (AHP applies to half precision).
    pub fn convert(&mut self, from: Fmt, to: Fmt, x: u64, rm: Rounding) -> u64 {
        let a = self.unpack(from, x);
        let alt_hp = to.bits == 16 && self.ahp();
        match a.kind {
            Kind::QNaN | Kind::SNaN => {
                if a.kind == Kind::SNaN || alt_hp {
                    self.exc |= IOC;
                }
                if alt_hp {
                    to.zero(a.sign)
                } else if self.dn() {
                    to.default_nan()
                } else {
                    // FPConvertNaN: quiet, payload top-aligned.
                    let payload = x & (from.fmask() >> 1);
                    let payload = if to.f >= from.f {
                        payload << (to.f - from.f)
                    } else {
                        payload >> (from.f - to.f)
                    };
                    to.inf(a.sign) | to.quiet() | payload
                }
            }
            Kind::Inf => {
                if alt_hp {
                    self.exc |= IOC;
                    to.zero(a.sign) | 0x7fff
                } else {
                    to.inf(a.sign)
                }
            }
            Kind::Zero => to.zero(a.sign),
            Kind::Finite => self.round(to, a.sign, a.m as u128, a.e, rm),
        }
    }
}

/// floor(sqrt(m)).
fn isqrt(m: u128) -> u128 {
    if m == 0 {
        return 0;
    }
    let mut r = (m as f64).sqrt() as u128;
    if r == 0 {
        r = 1;
    }
    // Two Newton steps from a 53-bit estimate, then exact correction.
    for _ in 0..2 {
        r = (r + m / r) / 2;
    }
    while r * r > m {
        r -= 1;
    }
    while (r + 1) * (r + 1) <= m {
        r += 1;
    }
    r
}

/// UnsignedRecipEstimate (URECPE), 32-bit.
pub fn urecpe(x: u32) -> u32 {
    if x >> 31 == 0 {
        u32::MAX
    } else {
        (recip_estimate((x >> 23) as u64) as u32) << 23
    }
}

/// UnsignedRSqrtEstimate (URSQRTE), 32-bit.
pub fn ursqrte(x: u32) -> u32 {
    if x >> 30 == 0 {
        u32::MAX
    } else {
        (rsqrt_estimate((x >> 23) as u64) as u32) << 23
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_tables_match_the_pseudocode_ends() {
        // RecipEstimate: a = 256 -> 511, a = 511 -> 256 (DDI 0487 J1.3, RecipEstimate).
        assert_eq!(recip_estimate(256), 511);
        assert_eq!(recip_estimate(511), 256);
        // RecipSqrtEstimate: a = 128 (0.25) -> 511, a = 511 (~1.0) -> 256.
        assert_eq!(rsqrt_estimate(128), 511);
        assert_eq!(rsqrt_estimate(511), 256);
    }

    #[test]
    fn vfp_expand_imm() {
        // imm8 0x70 = 1.0, 0x00 = 2.0, 0xf0 = -1.0, 0x7f = 1.9375 (DDI 0487 C2.2.3 table).
        assert_eq!(S.expand_imm(0x70), 0x3f80_0000);
        assert_eq!(S.expand_imm(0x00), 0x4000_0000);
        assert_eq!(D.expand_imm(0xf0), 0xbff0_0000_0000_0000);
        assert_eq!(S.expand_imm(0x7f), 0x3ff8_0000);
        assert_eq!(H.expand_imm(0x70), 0x3c00);
    }

    #[test]
    fn round_ties_and_directed_modes() {
        // 1 + 2^-24 in single: a tie, to even (1.0) for RN, up for RP, IXC in both.
        for (rm, want) in [
            (Rounding::TieEven, 0x3f80_0000),
            (Rounding::PosInf, 0x3f80_0001),
        ] {
            let mut fp = Fp::with_fpcr(0);
            assert_eq!(fp.round(S, false, (1 << 24) + 1, -24, rm), want);
            assert_eq!(fp.exc, IXC);
        }
        // Round to odd keeps the sticky information in the last bit.
        let mut fp = Fp::with_fpcr(0);
        assert_eq!(
            fp.round(S, false, (1 << 30) + 1, -30, Rounding::Odd),
            0x3f80_0001
        );
    }

    #[test]
    fn tininess_before_rounding() {
        // The largest denormal plus a bit rounds up to the smallest normal, yet it was tiny
        // before rounding: UFC and IXC (FPRound detects underflow before rounding).
        let mut fp = Fp::with_fpcr(0);
        let m = (1u128 << 24) - 1; // 0.111…1 (24 ones) × 2^-126
        assert_eq!(
            fp.round(S, false, m, -126 - 24, Rounding::TieEven),
            0x0080_0000
        );
        assert_eq!(fp.exc, UFC | IXC);
        // With FZ the same value flushes to zero with UFC only.
        let mut fp = Fp::with_fpcr(FPCR_FZ);
        assert_eq!(
            fp.round(S, true, m, -126 - 24, Rounding::TieEven),
            0x8000_0000
        );
        assert_eq!(fp.exc, UFC);
    }

    #[test]
    fn exact_sums_keep_the_sticky_bit() {
        // 2^60 - 2^-60 in double: the tiny operand only affects rounding direction.
        let mut fp = Fp::with_fpcr(3 << FPCR_RMODE_SHIFT);
        let big = 0x43b0_0000_0000_0000; // 2^60
        let tiny = 0x3c30_0000_0000_0000; // 2^-60
        assert_eq!(fp.sub(D, big, tiny), 0x43af_ffff_ffff_ffff);
        fp.fpcr = 0;
        assert_eq!(fp.sub(D, big, tiny), big);
        assert_eq!(fp.exc, IXC);
    }
}
