//! FP/SIMD inputs for the oracle: floating-point bit patterns biased towards the cases where
//! implementations go wrong (±0, ±∞, quiet and signalling NaNs with payloads, denormals, the
//! smallest and largest normals, values exactly at or one ulp around rounding boundaries, integer
//! saturation limits, the range limits of the narrower formats), integer lanes biased towards
//! saturation limits and shift amounts, lanes of different kinds mixed in one register, and random
//! FPCR modes (DDI 0487 C5.2.8: RMode, FZ, DN, AHP; FZ16 stays 0 without FEAT_FP16).

use super::rng::Rng;
use super::{Case, State};

/// An IEEE 754 binary format: exponent and fraction widths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fmt {
    /// Exponent bits.
    pub e: u32,
    /// Fraction bits.
    pub m: u32,
}

/// Half precision.
pub const H: Fmt = Fmt { e: 5, m: 10 };
/// Single precision.
pub const S: Fmt = Fmt { e: 8, m: 23 };
/// Double precision.
pub const D: Fmt = Fmt { e: 11, m: 52 };

impl Fmt {
    /// The format of `bits`-wide lanes (16, 32 or 64).
    pub fn of(bits: u32) -> Fmt {
        match bits {
            16 => H,
            32 => S,
            _ => D,
        }
    }
    /// Total width.
    pub fn bits(self) -> u32 {
        1 + self.e + self.m
    }
    /// Exponent bias.
    pub fn bias(self) -> i64 {
        (1 << (self.e - 1)) - 1
    }
    /// All-ones biased exponent (∞ and NaN).
    pub fn emax(self) -> u64 {
        (1 << self.e) - 1
    }
    /// The bit pattern from its fields.
    pub fn pack(self, sign: u64, exp: u64, mant: u64) -> u64 {
        (sign & 1) << (self.e + self.m) | (exp & self.emax()) << self.m | (mant & mask(self.m))
    }
}

fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        !0
    } else {
        (1u64 << bits) - 1
    }
}

/// A fraction of `m` bits whose bits below position `p` form a rounding-boundary tail: nothing,
/// exactly half, half ± 1, all ones, just the lowest bit, or random; bits from `p` up are random.
pub fn tail_mant(r: &mut Rng, m: u32, p: u32) -> u64 {
    let p = p.min(m);
    let high = r.next() & mask(m) & !mask(p);
    let half = if p == 0 { 0 } else { 1u64 << (p - 1) };
    let tail = match r.below(8) {
        0 => 0,
        1 | 2 => half,
        3 => half.wrapping_sub(1) & mask(p),
        4 => (half + 1) & mask(p),
        5 => mask(p),
        6 => (p > 0) as u64,
        _ => r.next() & mask(p),
    };
    high | tail
}

/// A value of format `f` with unbiased exponent `e` (clamped to the finite range; below it a
/// denormal), sign random, fraction with a rounding tail at the units bit of the value scaled by
/// 2^`frac_bits` (the boundary a conversion to fixed point with `frac_bits` fraction bits rounds at).
pub fn fp_at(r: &mut Rng, f: Fmt, e: i64, frac_bits: i64) -> u64 {
    let be = (e + f.bias()).clamp(0, f.emax() as i64 - 1);
    let p = (f.m as i64 - (be.max(1) - f.bias()) - frac_bits).clamp(0, f.m as i64) as u32;
    f.pack(r.below(2), be as u64, tail_mant(r, f.m, p))
}

/// A biased floating-point bit pattern of format `f`.
pub fn fp_bits(r: &mut Rng, f: Fmt) -> u64 {
    let sign = r.below(2);
    let bias = f.bias();
    let m = f.m;
    let emax = f.emax();
    let rnd_p = r.below(m as u64 + 1) as u32;
    match r.below(32) {
        0 | 1 => f.pack(sign, 0, 0),
        2 => f.pack(sign, emax, 0),
        3 => {
            // Quiet NaN, payload random or simple.
            let payload = if r.chance(1, 2) { r.next() } else { r.below(4) };
            f.pack(sign, emax, 1 << (m - 1) | payload)
        }
        4 => {
            // Signalling NaN: quiet bit clear, payload non-zero.
            let mut payload = if r.chance(1, 2) { r.next() } else { r.below(4) };
            payload &= mask(m - 1);
            if payload == 0 {
                payload = 1 << r.below(m as u64 - 1);
            }
            f.pack(sign, emax, payload)
        }
        5 | 6 => f.pack(sign, 0, tail_mant(r, m, rnd_p).max(1)),
        7 => f.pack(
            sign,
            0,
            r.pick(&[1, 2, 3, mask(m), mask(m) - 1, 1 << (m - 1)]),
        ),
        8 => {
            // Smallest and largest normals and their neighbours.
            let any = r.next();
            let be = r.pick(&[1, 1, 2, emax - 1, emax - 1, emax - 2]);
            f.pack(sign, be, r.pick(&[0, mask(m), 1, mask(m) - 1, any]))
        }
        9..=12 => {
            // Around 1: sums, products and quotients that round.
            let e = r.range(-4, 4);
            let frac = r.range(0, m as i64 + 2) - 1;
            fp_at(r, f, e, frac)
        }
        13..=15 => {
            // Around integer limits (saturating conversions) and the integer/fraction boundary
            // (FRINT*, conversions), with the rounding tail at the units bit.
            let k = r.pick(&[7, 8, 15, 16, 31, 32, 63, 64, m as i64, m as i64 + 1]);
            let e = (k + r.range(-2, 1)).min(bias);
            fp_at(r, f, e, 0)
        }
        16 | 17 => {
            // Small values with a fraction: x.5, x.25…
            let e = r.range(-2, 12);
            fp_at(r, f, e, 0)
        }
        18 | 19 => {
            // The range limits of narrower formats (FCVT, FCVTN, FCVTXN) and the results that
            // underflow/overflow there; the tail at the narrower format's last fraction bit.
            let (lim, nm): (&[i64], u32) = match f.e {
                11 => (
                    &[127, 128, -126, -127, -149, -150, 15, 16, -14, -15, -24, -25],
                    23,
                ),
                8 => (&[15, 16, -14, -15, -24, -25, 127, -126], 10),
                _ => (&[15, -14, -24, 0], 10),
            };
            let e = r.pick(lim) + r.range(-1, 1);
            let nm = if f.e == 11 && r.chance(1, 3) { 10 } else { nm };
            let be = (e + bias).clamp(0, emax as i64 - 1);
            f.pack(sign, be as u64, tail_mant(r, m, m.saturating_sub(nm)))
        }
        20 | 21 => {
            // Small exponents: products and quotients that underflow into denormals.
            let (a, b) = (r.range(1, m as i64 + 2), bias / 2 + r.range(-(m as i64), 2));
            let be = r.pick(&[a, b]);
            f.pack(sign, be.max(1) as u64, tail_mant(r, m, rnd_p))
        }
        22 | 23 => {
            // Large exponents: results that overflow.
            let (a, b) = (
                emax as i64 - r.range(1, 3),
                bias + bias / 2 + r.range(-1, 2),
            );
            let be = r.pick(&[a, b]);
            f.pack(sign, be as u64, tail_mant(r, m, rnd_p))
        }
        24 => {
            // Exact small integers (and their negatives).
            let n = r.below(33) as f64;
            from_f64(f, if sign == 1 { -n } else { n })
        }
        25 => f.pack(sign, bias as u64, 0), // ±1
        _ => r.next() & mask(f.bits()),
    }
}

/// The bit pattern of `v` in format `f`; `v` must be exactly representable (small integers).
pub fn from_f64(f: Fmt, v: f64) -> u64 {
    let b = v.to_bits();
    let sign = b >> 63;
    if v == 0.0 {
        return f.pack(sign, 0, 0);
    }
    let e = ((b >> 52) & 0x7ff) as i64 - 1023;
    let frac = b & mask(52);
    f.pack(sign, (e + f.bias()) as u64, frac >> (52 - f.m))
}

/// An integer lane of `bits` bits biased towards saturation limits, small values, shift amounts
/// (the signed low byte an SSHL-style shift reads), single bits and rounding tails.
pub fn int_lane(r: &mut Rng, bits: u32) -> u64 {
    let mk = mask(bits);
    let min = 1u64 << (bits - 1);
    let v = match r.below(16) {
        0 => 0,
        1 => 1,
        2 => mk,
        3 => min,
        4 => min - 1,
        5 => min.wrapping_add(r.below(3)),
        6 => (min - 1).wrapping_sub(r.below(3)),
        7 => r.below(16),
        8 => r.below(16).wrapping_neg(),
        9 => {
            // A shift amount in the signed low byte.
            let s = r.range(-(bits as i64) - 2, bits as i64 + 2);
            (s as u64 & 0xff) | ((r.next() & !0xff & mask(bits)) * r.below(2))
        }
        10 => 1 << r.below(bits as u64),
        11 => {
            let p = r.below(bits as u64 + 1) as u32;
            tail_mant(r, bits, p)
        }
        12 => mk.wrapping_sub(r.below(3)),
        _ => r.next(),
    };
    v & mk
}

/// An integer in a 64-bit register for SCVTF/UCVTF: a biased value, or a value with its top bit
/// at a random position and a rounding tail where a 24- or 53-bit significand ends.
pub fn int_for_cvt(r: &mut Rng) -> u64 {
    if r.chance(1, 2) {
        return r.biased();
    }
    let top = r.range(1, 63) as u32;
    let sig = r.pick(&[11u32, 24, 53, top + 1]);
    let p = (top + 1).saturating_sub(sig);
    let v = 1u64 << top | tail_mant(r, top, p);
    match r.below(4) {
        0 => v.wrapping_neg(),
        1 => v as u32 as u64,
        2 => (v as u32 as i32) as i64 as u64,
        _ => v,
    }
}

/// What kind of lanes a class's registers mostly hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Floating-point lanes.
    Fp,
    /// Integer lanes.
    Int,
}

/// A 128-bit register of lanes: mostly `esize`-bit lanes of `kind`, sometimes another size or
/// kind per register, sometimes a different kind per lane, sometimes uniform bits.
pub fn vreg(r: &mut Rng, kind: Kind, esize: u32) -> u128 {
    if r.chance(1, 16) {
        return (r.next() as u128) << 64 | r.next() as u128;
    }
    let size = if r.chance(3, 4) {
        esize
    } else {
        r.pick(&[8, 16, 32, 64])
    };
    let mixed = r.chance(1, 8);
    let mut v = 0u128;
    for lane in 0..128 / size {
        let k = if mixed {
            r.pick(&[Kind::Fp, Kind::Int])
        } else {
            kind
        };
        let x = if k == Kind::Fp && size >= 16 {
            fp_bits(r, Fmt::of(size))
        } else {
            int_lane(r, size)
        };
        v |= (x as u128) << (lane * size);
    }
    v
}

/// A random FPCR with the fields EL0 can set under QEMU's cortex-a57: RMode, FZ, DN, AHP.
pub fn fpcr(r: &mut Rng) -> u64 {
    r.below(4) << 22 | r.below(2) << 24 | r.below(2) << 25 | r.below(2) << 26
}

/// FPSR mask of the cumulative flags (IOC, DZC, OFC, UFC, IXC, IDC) and QC.
pub const FPSR_FLAGS: u64 = 0x0800_009f;

/// An FPSR input: zero, or now and then some flags already set (they must stay set).
pub fn fpsr(r: &mut Rng) -> u64 {
    if r.chance(1, 8) {
        r.next() & FPSR_FLAGS
    } else {
        0
    }
}

/// A case around `word` with FP/SIMD inputs: V registers mostly of `kind` lanes of `esize` bits,
/// X registers biased integers or FP bit patterns, random FPCR and NZCV.
pub fn vcase(r: &mut Rng, name: &'static str, word: u32, kind: Kind, esize: u32) -> Case {
    let mut st = State::default();
    for v in &mut st.v {
        *v = vreg(r, kind, esize);
    }
    for x in &mut st.x {
        *x = match r.below(4) {
            0 => fp_bits(r, D),
            1 => fp_bits(r, S) | (r.below(2) * (r.next() << 32)),
            2 => int_for_cvt(r),
            _ => r.biased(),
        };
    }
    st.sp = r.biased();
    st.nzcv = r.below(16) << 28;
    st.tpidr = r.biased();
    st.fpcr = fpcr(r);
    st.fpsr = fpsr(r);
    Case {
        name,
        words: [word, 0],
        n: 1,
        input: st,
    }
}

/// Make two-operand inputs related now and then: Vm a copy of Vn (equal operands: compares,
/// x − x = ±0 under every rounding mode), or Vn with every `esize` lane negated (x + (−x)).
pub fn relate(r: &mut Rng, c: &mut Case, rn: u32, rm: u32, esize: u32) {
    let (rn, rm) = (rn as usize & 31, rm as usize & 31);
    match r.below(8) {
        0 => c.input.v[rm] = c.input.v[rn],
        1 => {
            let mut sign = 0u128;
            for lane in 0..128 / esize {
                sign |= 1u128 << (lane * esize + esize - 1);
            }
            c.input.v[rm] = c.input.v[rn] ^ sign;
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every class of FP value shows up often enough in each format, and so do exact rounding
    /// ties at the units bit (x.5).
    #[test]
    fn fp_inputs_cover_the_special_classes() {
        let mut r = Rng::new(1);
        for f in [H, S, D] {
            let mut n = [0u32; 7];
            for _ in 0..20_000 {
                let b = fp_bits(&mut r, f);
                let exp = (b >> f.m) & f.emax();
                let mant = b & mask(f.m);
                let class = match (exp, mant) {
                    (0, 0) => 0,
                    (0, _) => 1,
                    (e, 0) if e == f.emax() => 2,
                    (e, m) if e == f.emax() && m >> (f.m - 1) == 1 => 3,
                    (e, _) if e == f.emax() => 4,
                    (e, m) => {
                        // A tie: the bits below the units bit are exactly one half.
                        let ue = e as i64 - f.bias();
                        if (0..f.m as i64).contains(&ue) {
                            let p = f.m as i64 - ue;
                            if m & mask(p as u32) == 1 << (p - 1) {
                                6
                            } else {
                                5
                            }
                        } else {
                            5
                        }
                    }
                };
                n[class] += 1;
            }
            // zero, denormal, inf, qNaN, sNaN, other normals, x.5 ties
            for (k, &c) in n.iter().enumerate() {
                assert!(
                    c >= 200,
                    "format {f:?}: class {k} only {c} of 20000 ({n:?})"
                );
            }
        }
    }
}
