//! Random FP and AdvSIMD cases per instruction group (DDI 0487 C4.1.6 "Data Processing – Scalar
//! Floating-Point and Advanced SIMD", C4.1.4 "Loads and Stores" with V = 1). Each template is an
//! encoding pattern of the A64 encoding index with random fields; in most cases the fields are then
//! constrained to the allocated encodings of the group (and away from UNPREDICTABLE ones), and in
//! a small share ([`RESERVED`]) the raw random fields are kept so that both sides must agree on
//! UNDEFINED too. Crypto encodings (AES/SHA/64-bit PMULL) are never generated: QEMU's cortex-a57
//! has them, our CPU does not advertise them.
//!
//! Inputs come from [`super::fpgen`]: FP lanes biased towards special values and rounding
//! boundaries, integer lanes towards saturation limits, random FPCR modes per case.

use super::classes::{distinct, extend, set_base, sext, Class, Ctx, Enc};
use super::fpgen::{fp_at, relate, vcase, Fmt, Kind};
use super::image::Layout;
use super::rng::Rng;
use super::Case;

/// One case in this many keeps its raw random fields (reserved encodings included).
const RESERVED: u64 = 16;

fn legal(r: &mut Rng) -> bool {
    !r.chance(1, RESERVED)
}

/// Lane bits of a scalar FP `ftype` field (00 S, 01 D, 11 H).
fn ftype_bits(ftype: u32) -> u32 {
    match ftype {
        0 => 32,
        1 => 64,
        3 => 16,
        _ => 32,
    }
}

/// Lane bits of an FP `sz` field.
fn sz_bits(sz: u32) -> u32 {
    32 << sz
}

/// Set `(field, value)` pairs.
fn set_all(e: &mut Enc, fs: &[(&str, u32)]) {
    for &(f, v) in fs {
        e.set(f, v);
    }
}

/// The case for encoding `e`: FP/SIMD inputs, with Vn/Vm related now and then when the template
/// names both.
fn fin(r: &mut Rng, name: &'static str, e: &Enc, kind: Kind, esize: u32, nm: bool) -> Case {
    let mut c = vcase(r, name, e.w, kind, esize);
    if nm {
        relate(r, &mut c, e.get("rn"), e.get("rm"), esize.max(8));
    }
    c
}

/// Replace the lowest `f`-format lane of V`n` with `bits`.
fn set_lane0(c: &mut Case, n: u32, f: Fmt, bits: u64) {
    let m = if f.bits() == 64 {
        u64::MAX as u128
    } else {
        (1u128 << f.bits()) - 1
    };
    let v = &mut c.input.v[n as usize & 31];
    *v = (*v & !m) | bits as u128;
}

// ## Scalar floating point

fn fp_dp2(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "m:1 0 s:1 11110 ftype:2 1 rm:5 opcode:4 10 rn:5 rd:5");
    if legal(r) {
        let (ft, op) = (r.below(2) as u32, r.below(9) as u32);
        set_all(&mut e, &[("m", 0), ("s", 0), ("ftype", ft), ("opcode", op)]);
    }
    fin(r, "fp_dp2", &e, Kind::Fp, ftype_bits(e.get("ftype")), true)
}

fn fabd_scalar(r: &mut Rng, _: &Ctx) -> Case {
    let e = Enc::new(r, "01 1 11110 1 sz:1 1 rm:5 11010 1 rn:5 rd:5");
    fin(r, "fabd_scalar", &e, Kind::Fp, sz_bits(e.get("sz")), true)
}

fn fmulx_scalar(r: &mut Rng, _: &Ctx) -> Case {
    let e = Enc::new(r, "01 0 11110 0 sz:1 1 rm:5 11011 1 rn:5 rd:5");
    fin(r, "fmulx_scalar", &e, Kind::Fp, sz_bits(e.get("sz")), true)
}

/// Scalar FP arithmetic: FMUL, FDIV, FADD, FSUB, FMAX, FMIN, FMAXNM, FMINNM, FNMUL; FABD and FMULX
/// (scalar AdvSIMD forms).
pub static FP_ARITH: Class = Class {
    name: "fp_arith",
    layout: Layout::Straight,
    fp: true,
    templates: &[
        ("fp_dp2", fp_dp2),
        ("fp_dp2", fp_dp2),
        ("fp_dp2", fp_dp2),
        ("fp_dp2", fp_dp2),
        ("fabd_scalar", fabd_scalar),
        ("fmulx_scalar", fmulx_scalar),
    ],
};

fn fp_dp3(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "m:1 0 s:1 11111 ftype:2 o1:1 rm:5 o0:1 ra:5 rn:5 rd:5");
    if legal(r) {
        let ft = r.below(2) as u32;
        set_all(&mut e, &[("m", 0), ("s", 0), ("ftype", ft)]);
    }
    let mut c = fin(r, "fp_dp3", &e, Kind::Fp, ftype_bits(e.get("ftype")), true);
    if r.chance(1, 4) {
        // Addend ≈ ∓ the rounded product: the fused result is the product's rounding error.
        let (n, m, a) = (e.get("rn"), e.get("rm"), e.get("ra"));
        let neg = e.get("o0") == 0;
        let (vn, vm) = (c.input.v[n as usize], c.input.v[m as usize]);
        let bits = match e.get("ftype") {
            0 => {
                let p = f32::from_bits(vn as u32) * f32::from_bits(vm as u32);
                Some((if neg { -p } else { p }).to_bits() as u64)
            }
            1 => {
                let p = f64::from_bits(vn as u64) * f64::from_bits(vm as u64);
                Some((if neg { -p } else { p }).to_bits())
            }
            _ => None,
        };
        if let Some(b) = bits {
            set_lane0(&mut c, a, Fmt::of(ftype_bits(e.get("ftype"))), b);
        }
    }
    c
}

/// Scalar fused multiply-add: FMADD, FMSUB, FNMADD, FNMSUB.
pub static FP_FMA: Class = Class {
    name: "fp_fma",
    layout: Layout::Straight,
    fp: true,
    templates: &[("fp_dp3", fp_dp3)],
};

fn fp_dp1(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "m:1 0 s:1 11110 ftype:2 1 opcode:6 10000 rn:5 rd:5");
    if legal(r) {
        set_all(&mut e, &[("m", 0), ("s", 0)]);
        if r.chance(1, 4) {
            // FCVT between H (11), S (00) and D (01).
            let (from, to) = r.pick(&[(0, 1), (0, 3), (1, 0), (1, 3), (3, 0), (3, 1)]);
            set_all(&mut e, &[("ftype", from), ("opcode", 4 | to)]);
        } else {
            let op = r.pick(&[0, 1, 2, 3, 3, 8, 9, 10, 11, 12, 14, 15]);
            let ft = r.below(2) as u32;
            set_all(&mut e, &[("ftype", ft), ("opcode", op)]);
        }
    }
    fin(r, "fp_dp1", &e, Kind::Fp, ftype_bits(e.get("ftype")), false)
}

/// Scalar FP one-source: FMOV (register), FABS, FNEG, FSQRT, FCVT (H/S/D), FRINTN/P/M/Z/A/X/I.
pub static FP_UNARY: Class = Class {
    name: "fp_unary",
    layout: Layout::Straight,
    fp: true,
    templates: &[("fp_dp1", fp_dp1)],
};

fn fp_cmp(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "m:1 0 s:1 11110 ftype:2 1 rm:5 op:2 1000 rn:5 opcode2:5");
    if legal(r) {
        let (ft, op2) = (r.below(2) as u32, r.pick(&[0, 8, 16, 24]));
        set_all(
            &mut e,
            &[
                ("m", 0),
                ("s", 0),
                ("op", 0),
                ("ftype", ft),
                ("opcode2", op2),
            ],
        );
        if op2 & 8 != 0 {
            e.set("rm", 0); // compare with zero: Rm is (0)(0)(0)(0)(0)
        }
    }
    fin(r, "fp_cmp", &e, Kind::Fp, ftype_bits(e.get("ftype")), true)
}

fn fp_ccmp(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(
        r,
        "m:1 0 s:1 11110 ftype:2 1 rm:5 cond:4 01 rn:5 op:1 nzcv:4",
    );
    if legal(r) {
        let ft = r.below(2) as u32;
        set_all(&mut e, &[("m", 0), ("s", 0), ("ftype", ft)]);
    }
    fin(r, "fp_ccmp", &e, Kind::Fp, ftype_bits(e.get("ftype")), true)
}

fn fp_csel(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "m:1 0 s:1 11110 ftype:2 1 rm:5 cond:4 11 rn:5 rd:5");
    if legal(r) {
        let ft = r.below(2) as u32;
        set_all(&mut e, &[("m", 0), ("s", 0), ("ftype", ft)]);
    }
    fin(
        r,
        "fp_csel",
        &e,
        Kind::Fp,
        ftype_bits(e.get("ftype")),
        false,
    )
}

/// Scalar FP compare and select: FCMP, FCMPE (register and zero), FCCMP, FCCMPE, FCSEL.
pub static FP_CMP: Class = Class {
    name: "fp_cmp",
    layout: Layout::Straight,
    fp: true,
    templates: &[
        ("fp_cmp", fp_cmp),
        ("fp_cmp", fp_cmp),
        ("fp_ccmp", fp_ccmp),
        ("fp_csel", fp_csel),
    ],
};

/// Put a value near the saturation limit of an `int_bits` conversion with `fbits` fraction
/// bits in the low lane of V`rn` (half the time).
fn near_limit(r: &mut Rng, c: &mut Case, rn: u32, ftype: u32, int_bits: i64, fbits: i64) {
    if ftype > 1 || !r.chance(1, 2) {
        return;
    }
    let f = Fmt::of(ftype_bits(ftype));
    let any = r.range(-2, int_bits + 1);
    let e = r.pick(&[int_bits - 1, int_bits, int_bits - 2, any]) - fbits;
    let bits = fp_at(r, f, e, fbits);
    set_lane0(c, rn, f, bits);
}

fn fp_cvt_int(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(
        r,
        "sf:1 0 s:1 11110 ftype:2 1 rmode:2 opcode:3 000000 rn:5 rd:5",
    );
    if legal(r) {
        e.set("s", 0);
        match r.below(8) {
            0..=3 => {
                // FCVT{N,P,M,Z}{S,U}.
                let (ft, op) = (r.below(2) as u32, r.below(2) as u32);
                set_all(&mut e, &[("ftype", ft), ("opcode", op)]);
            }
            4 => {
                // FCVTA{S,U}.
                let (ft, op) = (r.below(2) as u32, 4 + r.below(2) as u32);
                set_all(&mut e, &[("ftype", ft), ("rmode", 0), ("opcode", op)]);
            }
            5 => {
                // SCVTF, UCVTF.
                let (ft, op) = (r.below(2) as u32, 2 + r.below(2) as u32);
                set_all(&mut e, &[("ftype", ft), ("rmode", 0), ("opcode", op)]);
            }
            _ => {
                // FMOV W<->S, X<->D, X<->V.D[1].
                let (sf, ft, rm) = r.pick(&[(0, 0, 0), (1, 1, 0), (1, 2, 1)]);
                let op = 6 + r.below(2) as u32;
                set_all(
                    &mut e,
                    &[("sf", sf), ("ftype", ft), ("rmode", rm), ("opcode", op)],
                );
            }
        }
    }
    let mut c = fin(
        r,
        "fp_cvt_int",
        &e,
        Kind::Fp,
        ftype_bits(e.get("ftype")),
        false,
    );
    if e.get("opcode") < 2 || e.get("opcode") >= 4 {
        let bits = 32 << e.get("sf");
        near_limit(r, &mut c, e.get("rn"), e.get("ftype"), bits, 0);
    }
    c
}

fn fp_cvt_fixed(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(
        r,
        "sf:1 0 s:1 11110 ftype:2 0 rmode:2 opcode:3 scale:6 rn:5 rd:5",
    );
    if legal(r) {
        let ft = r.below(2) as u32;
        let (rm, op) = r.pick(&[(0, 2), (0, 3), (3, 0), (3, 1)]);
        set_all(
            &mut e,
            &[("s", 0), ("ftype", ft), ("rmode", rm), ("opcode", op)],
        );
        if e.get("sf") == 0 {
            e.set("scale", e.get("scale") | 32);
        }
    }
    let mut c = fin(
        r,
        "fp_cvt_fixed",
        &e,
        Kind::Fp,
        ftype_bits(e.get("ftype")),
        false,
    );
    if e.get("rmode") == 3 {
        let bits = 32 << e.get("sf");
        let fbits = 64 - e.get("scale") as i64;
        near_limit(r, &mut c, e.get("rn"), e.get("ftype"), bits, fbits);
    }
    c
}

/// Conversions between FP and integer or fixed point, and FMOV between general and FP registers.
pub static FP_CVT_INT: Class = Class {
    name: "fp_cvt_int",
    layout: Layout::Straight,
    fp: true,
    templates: &[
        ("fp_cvt_int", fp_cvt_int),
        ("fp_cvt_int", fp_cvt_int),
        ("fp_cvt_fixed", fp_cvt_fixed),
    ],
};

fn fp_imm(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "m:1 0 s:1 11110 ftype:2 1 imm8:8 100 imm5:5 rd:5");
    if legal(r) {
        let ft = r.below(2) as u32;
        set_all(&mut e, &[("m", 0), ("s", 0), ("ftype", ft), ("imm5", 0)]);
    }
    fin(r, "fp_imm", &e, Kind::Fp, ftype_bits(e.get("ftype")), false)
}

/// FMOV (scalar, immediate).
pub static FP_IMM: Class = Class {
    name: "fp_imm",
    layout: Layout::Straight,
    fp: true,
    templates: &[("fp_imm", fp_imm)],
};

fn fp_recip_est(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "01 u:1 11110 1 sz:1 10000 opcode:5 10 rn:5 rd:5");
    if legal(r) {
        // FRECPE, FRSQRTE, FRECPX.
        let (u, op) = r.pick(&[(0, 0x1d), (1, 0x1d), (0, 0x1f)]);
        set_all(&mut e, &[("u", u), ("opcode", op)]);
    }
    fin(r, "fp_recip_est", &e, Kind::Fp, sz_bits(e.get("sz")), false)
}

fn fp_recip_step(r: &mut Rng, _: &Ctx) -> Case {
    // FRECPS (a = 0), FRSQRTS (a = 1).
    let e = Enc::new(r, "01 0 11110 a:1 sz:1 1 rm:5 11111 1 rn:5 rd:5");
    fin(r, "fp_recip_step", &e, Kind::Fp, sz_bits(e.get("sz")), true)
}

/// Scalar reciprocal estimates and steps: FRECPE, FRSQRTE, FRECPX, FRECPS, FRSQRTS.
pub static FP_RECIP: Class = Class {
    name: "fp_recip",
    layout: Layout::Straight,
    fp: true,
    templates: &[
        ("fp_recip_est", fp_recip_est),
        ("fp_recip_est", fp_recip_est),
        ("fp_recip_step", fp_recip_step),
    ],
};

// ## AdvSIMD floating point

/// Allocated `(U, a, opcode<2:0>)` of the AdvSIMD three-same FP group (opcode 11xxx).
const FP_3SAME: &[(u32, u32, u32)] = &[
    (0, 0, 0),
    (0, 0, 1),
    (0, 0, 2),
    (0, 0, 3),
    (0, 0, 4),
    (0, 0, 6),
    (0, 0, 7),
    (0, 1, 0),
    (0, 1, 1),
    (0, 1, 2),
    (0, 1, 6),
    (0, 1, 7),
    (1, 0, 0),
    (1, 0, 2),
    (1, 0, 3),
    (1, 0, 4),
    (1, 0, 5),
    (1, 0, 6),
    (1, 0, 7),
    (1, 1, 0),
    (1, 1, 2),
    (1, 1, 4),
    (1, 1, 5),
    (1, 1, 6),
];

fn simd_fp_3same(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "0 q:1 u:1 01110 a:1 sz:1 1 rm:5 11 op3:3 1 rn:5 rd:5");
    if legal(r) {
        let (u, a, op) = r.pick(FP_3SAME);
        set_all(&mut e, &[("u", u), ("a", a), ("op3", op)]);
        if e.get("sz") == 1 {
            e.set("q", 1);
        }
    }
    let mut c = fin(r, "simd_fp_3same", &e, Kind::Fp, sz_bits(e.get("sz")), true);
    if e.get("u") == 0 && e.get("op3") == 1 && r.chance(1, 4) {
        // FMLA/FMLS: accumulator lanes ≈ ∓ the rounded products, so the fused result is the
        // products' rounding error.
        let (d, n, m) = (e.get("rd"), e.get("rn"), e.get("rm"));
        let neg = e.get("a") == 0;
        cancel_lanes(&mut c, d, n, m, sz_bits(e.get("sz")), neg);
    }
    c
}

/// Set every `esize` lane of V`d` to the host-rounded product of the lanes of V`n` and V`m`,
/// negated when `neg`.
fn cancel_lanes(c: &mut Case, d: u32, n: u32, m: u32, esize: u32, neg: bool) {
    let (vn, vm) = (c.input.v[n as usize & 31], c.input.v[m as usize & 31]);
    let mut out = 0u128;
    for lane in 0..128 / esize {
        let sh = lane * esize;
        let p = if esize == 32 {
            let p = f32::from_bits((vn >> sh) as u32) * f32::from_bits((vm >> sh) as u32);
            (if neg { -p } else { p }).to_bits() as u128
        } else {
            let p = f64::from_bits((vn >> sh) as u64) * f64::from_bits((vm >> sh) as u64);
            (if neg { -p } else { p }).to_bits() as u128
        };
        out |= p << sh;
    }
    c.input.v[d as usize & 31] = out;
}

/// AdvSIMD three-same FP vector forms (2S, 4S, 2D).
pub static SIMD_FP_VEC: Class = Class {
    name: "simd_fp_vec",
    layout: Layout::Straight,
    fp: true,
    templates: &[("simd_fp_3same", simd_fp_3same)],
};

/// Allocated `(U, a, opcode)` of the AdvSIMD two-reg-misc FP group (with URECPE/URSQRTE).
const FP_2MISC: &[(u32, u32, u32)] = &[
    (0, 0, 0x16),
    (1, 0, 0x16),
    (0, 0, 0x17),
    (0, 0, 0x18),
    (1, 0, 0x18),
    (0, 0, 0x19),
    (1, 0, 0x19),
    (0, 0, 0x1a),
    (1, 0, 0x1a),
    (0, 0, 0x1b),
    (1, 0, 0x1b),
    (0, 0, 0x1c),
    (1, 0, 0x1c),
    (0, 0, 0x1d),
    (1, 0, 0x1d),
    (0, 1, 0x0c),
    (1, 1, 0x0c),
    (0, 1, 0x0d),
    (1, 1, 0x0d),
    (0, 1, 0x0e),
    (0, 1, 0x0f),
    (1, 1, 0x0f),
    (0, 1, 0x18),
    (0, 1, 0x19),
    (1, 1, 0x19),
    (0, 1, 0x1a),
    (1, 1, 0x1a),
    (0, 1, 0x1b),
    (1, 1, 0x1b),
    (0, 1, 0x1c),
    (1, 1, 0x1c),
    (0, 1, 0x1d),
    (1, 1, 0x1d),
    (1, 1, 0x1f),
];

fn simd_fp_2misc(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "0 q:1 u:1 01110 a:1 sz:1 10000 opcode:5 10 rn:5 rd:5");
    if legal(r) {
        let (u, a, op) = r.pick(FP_2MISC);
        set_all(&mut e, &[("u", u), ("a", a), ("opcode", op)]);
        match (u, a, op) {
            (1, 0, 0x16) => e.set("sz", 1),   // FCVTXN: 2D -> 2S only
            (0, 0, 0x16) | (0, 0, 0x17) => {} // FCVTN, FCVTL: Q selects the half
            (_, 1, 0x1c) => e.set("sz", 0),   // URECPE, URSQRTE: 32-bit only
            _ if e.get("sz") == 1 => e.set("q", 1),
            _ => {}
        }
    }
    let esize = match (e.get("a"), e.get("opcode")) {
        // FCVTL/FCVTN read the narrower (16- or 32-bit) or wider lanes.
        (0, 0x17) => 16 << e.get("sz"),
        _ => sz_bits(e.get("sz")),
    };
    let (a, op) = (e.get("a"), e.get("opcode"));
    // SCVTF, UCVTF read integer lanes.
    let kind = if a == 0 && op == 0x1d {
        Kind::Int
    } else {
        Kind::Fp
    };
    let mut c = fin(r, "simd_fp_2misc", &e, kind, esize, false);
    if matches!(op, 0x1a..=0x1b) || (a == 0 && op == 0x1c) {
        limit_lanes(r, &mut c, e.get("rn"), esize, 0);
    }
    c
}

/// FP-to-integer conversions: half the time, put about half the `esize` lanes of V`rn` near the
/// saturation limits of an `esize`-bit integer with `fbits` fraction bits.
fn limit_lanes(r: &mut Rng, c: &mut Case, rn: u32, esize: u32, fbits: i64) {
    if esize < 32 || !r.chance(1, 2) {
        return;
    }
    let f = Fmt::of(esize);
    let rn = rn as usize & 31;
    let bits = esize as i64;
    for lane in 0..128 / esize {
        if r.chance(1, 2) {
            let any = r.range(-2, bits);
            let ex = r.pick(&[bits - 1, bits, bits - 2, any]) - fbits;
            let x = fp_at(r, f, ex, fbits) as u128;
            let sh = lane * esize;
            let m = (u64::MAX as u128 >> (64 - esize)) << sh;
            c.input.v[rn] = (c.input.v[rn] & !m) | x << sh;
        }
    }
}

/// AdvSIMD two-reg-misc FP vector forms: FABS, FNEG, FSQRT, FRINT*, FCVT[NPMZA][SU], SCVTF,
/// UCVTF, FRECPE, FRSQRTE, URECPE, URSQRTE, FCM* zero, FCVTN, FCVTL, FCVTXN.
pub static SIMD_FP_MISC: Class = Class {
    name: "simd_fp_misc",
    layout: Layout::Straight,
    fp: true,
    templates: &[("simd_fp_2misc", simd_fp_2misc)],
};

/// FP by element, vector or scalar; `(U, opcode)`: FMLA, FMLS, FMUL, FMULX.
fn fp_elem(r: &mut Rng, name: &'static str, pattern: &'static str, vector: bool) -> Case {
    let mut e = Enc::new(r, pattern);
    if legal(r) {
        let (u, op) = r.pick(&[(0, 1), (0, 5), (0, 9), (1, 9)]);
        set_all(&mut e, &[("u", u), ("opcode", op)]);
        if e.get("sz") == 1 {
            e.set("l", 0);
            if vector {
                e.set("q", 1);
            }
        }
    }
    let rm = e.get("m") << 4 | e.get("rm");
    let mut c = fin(r, name, &e, Kind::Fp, sz_bits(e.get("sz")), false);
    relate(r, &mut c, e.get("rn"), rm, sz_bits(e.get("sz")));
    c
}

fn simd_fp_elem_vec(r: &mut Rng, _: &Ctx) -> Case {
    fp_elem(
        r,
        "simd_fp_elem",
        "0 q:1 u:1 01111 1 sz:1 l:1 m:1 rm:4 opcode:4 h:1 0 rn:5 rd:5",
        true,
    )
}

fn simd_fp_elem_scalar(r: &mut Rng, _: &Ctx) -> Case {
    fp_elem(
        r,
        "simd_fp_elem_scalar",
        "01 u:1 11111 1 sz:1 l:1 m:1 rm:4 opcode:4 h:1 0 rn:5 rd:5",
        false,
    )
}

/// FP multiply (-accumulate) by element: FMLA, FMLS, FMUL, FMULX, vector and scalar.
pub static SIMD_FP_ELEM: Class = Class {
    name: "simd_fp_elem",
    layout: Layout::Straight,
    fp: true,
    templates: &[
        ("simd_fp_elem", simd_fp_elem_vec),
        ("simd_fp_elem", simd_fp_elem_vec),
        ("simd_fp_elem_scalar", simd_fp_elem_scalar),
    ],
};

// ## AdvSIMD integer

/// Three-same integer opcodes and whether size = 11 (with Q = 1) is allocated.
const INT_3SAME: &[(u32, bool)] = &[
    (0x00, false),
    (0x01, true),
    (0x02, false),
    (0x03, true),
    (0x04, false),
    (0x05, true),
    (0x06, true),
    (0x07, true),
    (0x08, true),
    (0x09, true),
    (0x0a, true),
    (0x0b, true),
    (0x0c, false),
    (0x0d, false),
    (0x0e, false),
    (0x0f, false),
    (0x10, true),
    (0x11, true),
    (0x12, false),
    (0x13, false),
    (0x14, false),
    (0x15, false),
    (0x16, false),
    (0x17, true),
];

fn simd_int_3same(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "0 q:1 u:1 01110 size:2 1 rm:5 opcode:5 1 rn:5 rd:5");
    if legal(r) {
        let (op, d_ok) = r.pick(INT_3SAME);
        e.set("opcode", op);
        let size = e.get("size");
        match op {
            0x03 => {}                                    // logical: size selects the operation
            0x13 if e.get("u") == 1 => e.set("size", 0),  // PMUL: bytes only
            0x16 => e.set("size", 1 + r.below(2) as u32), // SQDMULH/SQRDMULH: H, S
            0x17 => e.set("u", 0),                        // ADDP
            _ if size == 3 && !d_ok => e.set("size", r.below(3) as u32),
            _ => {}
        }
        if op != 0x03 && e.get("size") == 3 {
            e.set("q", 1);
        }
    }
    let esize = if e.get("opcode") == 3 {
        8
    } else {
        8 << e.get("size")
    };
    fin(r, "simd_int_3same", &e, Kind::Int, esize, true)
}

/// AdvSIMD three-same integer and logical forms.
pub static SIMD_INT_3SAME: Class = Class {
    name: "simd_int_3same",
    layout: Layout::Straight,
    fp: true,
    templates: &[("simd_int_3same", simd_int_3same)],
};

fn simd_int_3diff(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "0 q:1 u:1 01110 size:2 1 rm:5 opcode:4 00 rn:5 rd:5");
    if legal(r) {
        let op = r.below(15) as u32;
        e.set("opcode", op);
        match op {
            // SQDMLAL, SQDMLSL, SQDMULL: U = 0, H or S.
            0x9 | 0xb | 0xd => set_all(&mut e, &[("u", 0), ("size", 1 + r.below(2) as u32)]),
            // PMULL: 8-bit only (the 64-bit form is crypto).
            0xe => set_all(&mut e, &[("u", 0), ("size", 0)]),
            _ if e.get("size") == 3 => e.set("size", r.below(3) as u32),
            _ => {}
        }
    }
    if e.get("opcode") == 0xe && e.get("size") == 3 {
        e.set("size", 0); // never the crypto PMULL
    }
    fin(r, "simd_int_3diff", &e, Kind::Int, 8 << e.get("size"), true)
}

/// AdvSIMD three-different: widening, narrowing and long multiply forms.
pub static SIMD_INT_3DIFF: Class = Class {
    name: "simd_int_3diff",
    layout: Layout::Straight,
    fp: true,
    templates: &[("simd_int_3diff", simd_int_3diff)],
};

/// Two-reg-misc integer `(U, opcode, max size, size 11 needs Q)`.
const INT_2MISC: &[(u32, u32, u32)] = &[
    (0, 0x00, 2),
    (1, 0x00, 1),
    (0, 0x01, 0),
    (0, 0x02, 2),
    (1, 0x02, 2),
    (0, 0x03, 3),
    (1, 0x03, 3),
    (0, 0x04, 2),
    (1, 0x04, 2),
    (0, 0x05, 0),
    (1, 0x05, 1),
    (0, 0x06, 2),
    (1, 0x06, 2),
    (0, 0x07, 3),
    (1, 0x07, 3),
    (0, 0x08, 3),
    (1, 0x08, 3),
    (0, 0x09, 3),
    (1, 0x09, 3),
    (0, 0x0a, 3),
    (0, 0x0b, 3),
    (1, 0x0b, 3),
    (0, 0x12, 2),
    (1, 0x12, 2),
    (1, 0x13, 2),
    (0, 0x14, 2),
    (1, 0x14, 2),
];

fn simd_int_2misc(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "0 q:1 u:1 01110 size:2 10000 opcode:5 10 rn:5 rd:5");
    if legal(r) {
        let (u, op, max) = r.pick(INT_2MISC);
        set_all(&mut e, &[("u", u), ("opcode", op)]);
        if e.get("size") > max {
            e.set("size", r.below(max as u64 + 1) as u32);
        }
        if e.get("size") == 3 {
            e.set("q", 1);
        }
    }
    fin(
        r,
        "simd_int_2misc",
        &e,
        Kind::Int,
        8 << e.get("size"),
        false,
    )
}

/// AdvSIMD two-reg-misc integer forms.
pub static SIMD_INT_2MISC: Class = Class {
    name: "simd_int_2misc",
    layout: Layout::Straight,
    fp: true,
    templates: &[("simd_int_2misc", simd_int_2misc)],
};

/// Shift-by-immediate opcodes `(U, opcode, kind)`: 0 any size (size 11 needs Q), 1 narrowing or
/// lengthening (no size 11), 2 FP fixed point (S or D).
const SHIFT_IMM: &[(u32, u32, u8)] = &[
    (0, 0x00, 0),
    (1, 0x00, 0),
    (0, 0x02, 0),
    (1, 0x02, 0),
    (0, 0x04, 0),
    (1, 0x04, 0),
    (0, 0x06, 0),
    (1, 0x06, 0),
    (1, 0x08, 0),
    (0, 0x0a, 0),
    (1, 0x0a, 0),
    (1, 0x0c, 0),
    (0, 0x0e, 0),
    (1, 0x0e, 0),
    (0, 0x10, 1),
    (1, 0x10, 1),
    (0, 0x11, 1),
    (1, 0x11, 1),
    (0, 0x12, 1),
    (1, 0x12, 1),
    (0, 0x13, 1),
    (1, 0x13, 1),
    (0, 0x14, 1),
    (1, 0x14, 1),
    (0, 0x1c, 2),
    (1, 0x1c, 2),
    (0, 0x1f, 2),
    (1, 0x1f, 2),
];

/// `immh` for element size `size` (0..=3), random shift bits below the leading one.
fn immh_for(r: &mut Rng, size: u32) -> u32 {
    (1 << size) | (r.below(1 << size) as u32)
}

fn shift_imm(r: &mut Rng, name: &'static str, pattern: &'static str, vector: bool) -> Case {
    let mut e = Enc::new(r, pattern);
    if e.get("immh") == 0 {
        e.set("immh", 1 + r.below(15) as u32);
    }
    if legal(r) {
        let (mut u, mut op, mut kind) = r.pick(SHIFT_IMM);
        // SHRN, RSHRN, SSHLL, USHLL have no scalar form.
        while !vector && (op == 0x14 || (u == 0 && (op == 0x10 || op == 0x11))) {
            (u, op, kind) = r.pick(SHIFT_IMM);
        }
        set_all(&mut e, &[("u", u), ("opcode", op)]);
        let size = match kind {
            0 if !vector && op <= 0x0a => 3, // scalar: D only for these
            0 => r.below(4) as u32,
            1 => r.below(3) as u32,
            _ => 2 + r.below(2) as u32,
        };
        let immh = immh_for(r, size);
        e.set("immh", immh);
        if vector && size == 3 {
            e.set("q", 1);
        }
    }
    let size = 31 - e.get("immh").leading_zeros();
    let kind = if e.get("opcode") >= 0x1c {
        Kind::Fp
    } else {
        Kind::Int
    };
    let op = e.get("opcode");
    // SCVTF, UCVTF (fixed point) read integer lanes.
    let kind = if op == 0x1c { Kind::Int } else { kind };
    let mut c = fin(r, name, &e, kind, 8 << size, false);
    if op == 0x1f {
        // FCVTZS, FCVTZU (fixed point): fbits = 2 × esize − immh:immb.
        let fbits = (16 << size) as i64 - (e.get("immh") << 3 | e.get("immb")) as i64;
        limit_lanes(r, &mut c, e.get("rn"), 8 << size, fbits);
    }
    c
}

fn simd_shift_vec(r: &mut Rng, _: &Ctx) -> Case {
    shift_imm(
        r,
        "simd_shift_imm",
        "0 q:1 u:1 011110 immh:4 immb:3 opcode:5 1 rn:5 rd:5",
        true,
    )
}

/// AdvSIMD shift by immediate (vector), including the fixed-point conversions.
pub static SIMD_SHIFT_IMM: Class = Class {
    name: "simd_shift_imm",
    layout: Layout::Straight,
    fp: true,
    templates: &[("simd_shift_imm", simd_shift_vec)],
};

fn simd_across(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "0 q:1 u:1 01110 size:2 11000 opcode:5 10 rn:5 rd:5");
    let mut kind = Kind::Int;
    if legal(r) {
        if r.chance(1, 3) {
            // FMAXNMV, FMINNMV, FMAXV, FMINV: 4S.
            let op = r.pick(&[0x0c, 0x0f]);
            let a = r.below(2) as u32;
            set_all(
                &mut e,
                &[("u", 1), ("q", 1), ("size", a << 1), ("opcode", op)],
            );
            kind = Kind::Fp;
        } else {
            let (u, op) = r.pick(&[
                (0, 0x03),
                (1, 0x03),
                (0, 0x0a),
                (1, 0x0a),
                (0, 0x1a),
                (1, 0x1a),
                (0, 0x1b),
            ]);
            set_all(&mut e, &[("u", u), ("opcode", op)]);
            let size = r.below(3) as u32;
            e.set("size", size);
            if size == 2 {
                e.set("q", 1);
            }
        }
    }
    let esize = if kind == Kind::Fp {
        32
    } else {
        8 << e.get("size")
    };
    fin(r, "simd_across", &e, kind, esize, false)
}

/// AdvSIMD across lanes: ADDV, SMAXV, UMAXV, SMINV, UMINV, SADDLV, UADDLV, FMAXV, FMINV,
/// FMAXNMV, FMINNMV.
pub static SIMD_ACROSS: Class = Class {
    name: "simd_across",
    layout: Layout::Straight,
    fp: true,
    templates: &[("simd_across", simd_across)],
};

/// Integer by-element `(U, opcode)` of the vector form.
const INT_ELEM: &[(u32, u32)] = &[
    (0, 0x2),
    (0, 0x3),
    (0, 0x6),
    (0, 0x7),
    (0, 0x8),
    (0, 0xa),
    (0, 0xb),
    (0, 0xc),
    (0, 0xd),
    (1, 0x0),
    (1, 0x2),
    (1, 0x4),
    (1, 0x6),
    (1, 0xa),
];

fn int_elem(r: &mut Rng, name: &'static str, pattern: &'static str, ops: &[(u32, u32)]) -> Case {
    let mut e = Enc::new(r, pattern);
    if legal(r) {
        let (u, op) = r.pick(ops);
        let size = 1 + r.below(2) as u32;
        set_all(&mut e, &[("u", u), ("opcode", op), ("size", size)]);
    }
    let size = e.get("size");
    let rm = if size == 1 {
        e.get("rm")
    } else {
        e.get("m") << 4 | e.get("rm")
    };
    let mut c = fin(r, name, &e, Kind::Int, 8 << size, false);
    relate(r, &mut c, e.get("rn"), rm, 8 << size);
    c
}

fn simd_elem_int_vec(r: &mut Rng, _: &Ctx) -> Case {
    int_elem(
        r,
        "simd_elem_int",
        "0 q:1 u:1 01111 size:2 l:1 m:1 rm:4 opcode:4 h:1 0 rn:5 rd:5",
        INT_ELEM,
    )
}

/// AdvSIMD integer by element: MUL, MLA, MLS, SQDMULH, SQRDMULH, [SU]MULL, [SU]MLAL, [SU]MLSL,
/// SQDMULL, SQDMLAL, SQDMLSL.
pub static SIMD_ELEM_INT: Class = Class {
    name: "simd_elem_int",
    layout: Layout::Straight,
    fp: true,
    templates: &[("simd_elem_int", simd_elem_int_vec)],
};

// ## AdvSIMD scalar

/// Scalar three-same `(U, opcode, sizes)`: sizes bit mask of allocated sizes (FP entries use
/// size = a:sz and list the allowed a).
const SCALAR_3SAME: &[(u32, u32, u32)] = &[
    (0, 0x01, 0xf),
    (1, 0x01, 0xf),
    (0, 0x05, 0xf),
    (1, 0x05, 0xf),
    (0, 0x06, 0x8),
    (1, 0x06, 0x8),
    (0, 0x07, 0x8),
    (1, 0x07, 0x8),
    (0, 0x08, 0x8),
    (1, 0x08, 0x8),
    (0, 0x09, 0xf),
    (1, 0x09, 0xf),
    (0, 0x0a, 0x8),
    (1, 0x0a, 0x8),
    (0, 0x0b, 0xf),
    (1, 0x0b, 0xf),
    (0, 0x10, 0x8),
    (1, 0x10, 0x8),
    (0, 0x11, 0x8),
    (1, 0x11, 0x8),
    (0, 0x16, 0x6),
    (1, 0x16, 0x6),
    // FP: FMULX, FCMEQ (a = 0); FCMGE, FACGE (a = 0), FCMGT, FACGT, FABD (a = 1); FRECPS,
    // FRSQRTS.
    (0, 0x1b, 0x3),
    (0, 0x1c, 0x3),
    (1, 0x1c, 0xf),
    (1, 0x1d, 0xf),
    (1, 0x1a, 0xc),
    (0, 0x1f, 0xf),
];

fn pick_size(r: &mut Rng, sizes: u32) -> u32 {
    loop {
        let s = r.below(4) as u32;
        if sizes >> s & 1 != 0 {
            return s;
        }
    }
}

fn scalar_3same(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "01 u:1 11110 size:2 1 rm:5 opcode:5 1 rn:5 rd:5");
    if legal(r) {
        let (u, op, sizes) = r.pick(SCALAR_3SAME);
        let size = pick_size(r, sizes);
        set_all(&mut e, &[("u", u), ("opcode", op), ("size", size)]);
    }
    let (kind, esize) = if e.get("opcode") >= 0x18 {
        (Kind::Fp, 32 << (e.get("size") & 1))
    } else {
        (Kind::Int, 8 << e.get("size"))
    };
    fin(r, "scalar_3same", &e, kind, esize, true)
}

fn scalar_3diff(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "01 u:1 11110 size:2 1 rm:5 opcode:4 00 rn:5 rd:5");
    if legal(r) {
        let op = r.pick(&[0x9, 0xb, 0xd]);
        let size = 1 + r.below(2) as u32;
        set_all(&mut e, &[("u", 0), ("opcode", op), ("size", size)]);
    }
    fin(r, "scalar_3diff", &e, Kind::Int, 8 << e.get("size"), true)
}

/// Scalar two-reg-misc `(U, opcode, sizes)` as in [`SCALAR_3SAME`].
const SCALAR_2MISC: &[(u32, u32, u32)] = &[
    (0, 0x03, 0xf),
    (1, 0x03, 0xf),
    (0, 0x07, 0xf),
    (1, 0x07, 0xf),
    (0, 0x08, 0x8),
    (1, 0x08, 0x8),
    (0, 0x09, 0x8),
    (1, 0x09, 0x8),
    (0, 0x0a, 0x8),
    (0, 0x0b, 0x8),
    (1, 0x0b, 0x8),
    (1, 0x12, 0x7),
    (0, 0x14, 0x7),
    (1, 0x14, 0x7),
    // FP: FCVTXN; FCVT[NMA][SU], [SU]CVTF (a = 0); FCM* zero, FCVT[PZ][SU], FRECPE, FRSQRTE,
    // FRECPX (a = 1).
    (1, 0x16, 0x2),
    (0, 0x1a, 0xf),
    (1, 0x1a, 0xf),
    (0, 0x1b, 0xf),
    (1, 0x1b, 0xf),
    (0, 0x1c, 0x3),
    (1, 0x1c, 0x3),
    (0, 0x1d, 0xf),
    (1, 0x1d, 0xf),
    (0, 0x0c, 0xc),
    (1, 0x0c, 0xc),
    (0, 0x0d, 0xc),
    (1, 0x0d, 0xc),
    (0, 0x0e, 0xc),
    (0, 0x1f, 0xc),
];

fn scalar_2misc(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "01 u:1 11110 size:2 10000 opcode:5 10 rn:5 rd:5");
    if legal(r) {
        let (u, op, sizes) = r.pick(SCALAR_2MISC);
        let size = pick_size(r, sizes);
        set_all(&mut e, &[("u", u), ("opcode", op), ("size", size)]);
    }
    let op = e.get("opcode");
    let a = e.get("size") >> 1;
    let (kind, esize) = if a == 0 && op == 0x1d {
        (Kind::Int, 32 << (e.get("size") & 1)) // SCVTF, UCVTF
    } else if op >= 0x16 || (0x0c..=0x0e).contains(&op) {
        (Kind::Fp, 32 << (e.get("size") & 1))
    } else {
        (Kind::Int, 8 << e.get("size"))
    };
    let mut c = fin(r, "scalar_2misc", &e, kind, esize, false);
    if matches!(op, 0x1a..=0x1b) || (a == 0 && op == 0x1c) {
        limit_lanes(r, &mut c, e.get("rn"), esize, 0);
    }
    c
}

fn scalar_pairwise(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "01 u:1 11110 size:2 11000 opcode:5 10 rn:5 rd:5");
    if legal(r) {
        if r.chance(1, 4) {
            set_all(&mut e, &[("u", 0), ("size", 3), ("opcode", 0x1b)]); // ADDP
        } else {
            // FMAXNMP, FMINNMP, FADDP (a = 0), FMAXP, FMINP.
            let op = r.pick(&[0x0c, 0x0d, 0x0f]);
            let a = if op == 0x0d { 0 } else { r.below(2) as u32 };
            let size = a << 1 | r.below(2) as u32;
            set_all(&mut e, &[("u", 1), ("size", size), ("opcode", op)]);
        }
    }
    let (kind, esize) = if e.get("u") == 1 {
        (Kind::Fp, 32 << (e.get("size") & 1))
    } else {
        (Kind::Int, 64)
    };
    fin(r, "scalar_pairwise", &e, kind, esize, false)
}

fn scalar_dup(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "01 op:1 11110000 imm5:5 0 imm4:4 1 rn:5 rd:5");
    if legal(r) {
        set_all(&mut e, &[("op", 0), ("imm4", 0)]);
        if e.get("imm5") & 15 == 0 {
            e.set("imm5", 8 | e.get("imm5"));
        }
    }
    let size = e.get("imm5").trailing_zeros().min(3);
    fin(r, "scalar_dup", &e, Kind::Int, 8 << size, false)
}

fn scalar_shift(r: &mut Rng, _: &Ctx) -> Case {
    shift_imm(
        r,
        "scalar_shift_imm",
        "01 u:1 111110 immh:4 immb:3 opcode:5 1 rn:5 rd:5",
        false,
    )
}

fn scalar_elem_int(r: &mut Rng, _: &Ctx) -> Case {
    int_elem(
        r,
        "scalar_elem_int",
        "01 u:1 11111 size:2 l:1 m:1 rm:4 opcode:4 h:1 0 rn:5 rd:5",
        &[(0, 0x3), (0, 0x7), (0, 0xb), (0, 0xc), (0, 0xd)],
    )
}

/// AdvSIMD scalar forms: three-same, three-different, two-reg-misc, pairwise, DUP (element),
/// shift by immediate, integer by element.
pub static SIMD_SCALAR: Class = Class {
    name: "simd_scalar",
    layout: Layout::Straight,
    fp: true,
    templates: &[
        ("scalar_3same", scalar_3same),
        ("scalar_3same", scalar_3same),
        ("scalar_3diff", scalar_3diff),
        ("scalar_2misc", scalar_2misc),
        ("scalar_2misc", scalar_2misc),
        ("scalar_pairwise", scalar_pairwise),
        ("scalar_dup", scalar_dup),
        ("scalar_shift_imm", scalar_shift),
        ("scalar_shift_imm", scalar_shift),
        ("scalar_elem_int", scalar_elem_int),
    ],
};

// ## AdvSIMD permute, copy, immediates

fn permute(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "0 q:1 001110 size:2 0 rm:5 0 opcode:3 10 rn:5 rd:5");
    if legal(r) {
        let op = r.pick(&[1, 2, 3, 5, 6, 7]);
        e.set("opcode", op);
        if e.get("size") == 3 {
            e.set("q", 1);
        }
    }
    fin(r, "zip_uzp_trn", &e, Kind::Int, 8 << e.get("size"), false)
}

fn ext(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "0 q:1 101110 op2:2 0 rm:5 0 imm4:4 0 rn:5 rd:5");
    if legal(r) {
        e.set("op2", 0);
        if e.get("q") == 0 {
            e.set("imm4", e.get("imm4") & 7);
        }
    }
    fin(r, "ext", &e, Kind::Int, 8, false)
}

fn tbl(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "0 q:1 001110 op2:2 0 rm:5 0 len:2 op:1 00 rn:5 rd:5");
    if legal(r) {
        e.set("op2", 0);
    }
    let mut c = fin(r, "tbl_tbx", &e, Kind::Int, 8, false);
    if r.chance(3, 4) {
        // Indices mostly in range of the table (16 × len bytes), some just beyond.
        let n = 16 * (e.get("len") as u64 + 1);
        let mut v = 0u128;
        for lane in 0..16 {
            v |= (r.below(n + 8) as u128) << (8 * lane);
        }
        c.input.v[e.get("rm") as usize] = v;
    }
    c
}

fn copy(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "0 q:1 op:1 01110000 imm5:5 0 imm4:4 1 rn:5 rd:5");
    if legal(r) {
        if e.get("imm5") & 15 == 0 {
            e.set("imm5", 8 | e.get("imm5"));
        }
        let size = e.get("imm5").trailing_zeros();
        // 0 DUP (element), 1 DUP (general), 3 INS (general), 5 SMOV, 7 UMOV, or INS (element).
        match r.below(6) {
            0 => {
                set_all(&mut e, &[("op", 0), ("imm4", 0)]);
                if size == 3 {
                    e.set("q", 1);
                }
            }
            1 => {
                set_all(&mut e, &[("op", 0), ("imm4", 1)]);
                if size == 3 {
                    e.set("q", 1);
                }
            }
            2 => set_all(&mut e, &[("op", 0), ("imm4", 3), ("q", 1)]),
            3 => {
                set_all(&mut e, &[("op", 0), ("imm4", 5)]);
                if size == 3 || (size == 2 && e.get("q") == 0) {
                    e.set("imm5", (e.get("imm5") & !3) | 1); // byte
                }
            }
            4 => {
                set_all(&mut e, &[("op", 0), ("imm4", 7)]);
                let q = (size == 3) as u32;
                e.set("q", q);
            }
            _ => set_all(&mut e, &[("op", 1), ("q", 1)]),
        }
    }
    let size = e.get("imm5").trailing_zeros().min(3);
    fin(r, "copy", &e, Kind::Int, 8 << size, false)
}

/// AdvSIMD permutes and copies: ZIP1/2, UZP1/2, TRN1/2, EXT, TBL/TBX (1–4 registers), DUP
/// (element, general), INS (element, general), UMOV, SMOV.
pub static SIMD_PERMUTE: Class = Class {
    name: "simd_permute",
    layout: Layout::Straight,
    fp: true,
    templates: &[
        ("zip_uzp_trn", permute),
        ("ext", ext),
        ("tbl_tbx", tbl),
        ("copy", copy),
        ("copy", copy),
    ],
};

fn modimm(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "0 q:1 op:1 0111100000 abc:3 cmode:4 o2:1 1 defgh:5 rd:5");
    if legal(r) {
        e.set("o2", 0);
        if e.get("op") == 1 && e.get("cmode") == 15 {
            e.set("q", 1); // FMOV Vd.2D
        }
    }
    fin(r, "modimm", &e, Kind::Int, 8, false)
}

/// AdvSIMD modified immediate: MOVI, MVNI, ORR, BIC (vector, immediate), FMOV (vector,
/// immediate).
pub static SIMD_MODIMM: Class = Class {
    name: "simd_modimm",
    layout: Layout::Straight,
    fp: true,
    templates: &[("modimm", modimm)],
};

// ## Loads and stores of SIMD&FP registers

/// Registers and element bytes of a multiple-structure opcode, or `None` when unallocated.
fn multi_shape(opcode: u32) -> Option<u64> {
    Some(match opcode {
        0b0000 | 0b0010 => 4,
        0b0100 | 0b0110 => 3,
        0b0111 => 1,
        0b1000 | 0b1010 => 2,
        _ => return None,
    })
}

fn ld_multi(r: &mut Rng, name: &'static str, pattern: &'static str) -> Case {
    let mut e = Enc::new(r, pattern);
    if legal(r) {
        let op = r.pick(&[0b0000, 0b0010, 0b0100, 0b0110, 0b0111, 0b1000, 0b1010]);
        e.set("opcode", op);
        // LD2/LD3/LD4 of 1D are reserved.
        if e.get("size") == 3 && op & 0b0010 == 0 && op != 0b0111 {
            e.set("q", 1);
        }
    }
    let regs = multi_shape(e.get("opcode")).unwrap_or(1);
    let bytes = regs * (8 << e.get("q"));
    let rn = e.get("rn");
    let mut c = fin(r, name, &e, Kind::Int, 8 << e.get("size"), false);
    set_base(r, &mut c, rn, 0, bytes, 1);
    c
}

fn ld_multi_off(r: &mut Rng, _: &Ctx) -> Case {
    ld_multi(
        r,
        "ldst_multi",
        "0 q:1 0011000 l:1 000000 opcode:4 size:2 rn:5 rt:5",
    )
}

fn ld_multi_post(r: &mut Rng, _: &Ctx) -> Case {
    ld_multi(
        r,
        "ldst_multi_post",
        "0 q:1 0011001 l:1 0 rm:5 opcode:4 size:2 rn:5 rt:5",
    )
}

fn ld_single(r: &mut Rng, name: &'static str, pattern: &'static str) -> Case {
    let mut e = Enc::new(r, pattern);
    if legal(r) {
        let op = e.get("opcode");
        match op >> 1 {
            1 => e.set("size", e.get("size") & 2), // H: size<0> = 0
            2 => {
                // S (size 00) or D (size 01, S = 0).
                if r.chance(1, 2) {
                    e.set("size", 0);
                } else {
                    set_all(&mut e, &[("size", 1), ("s", 0)]);
                }
            }
            3 => set_all(&mut e, &[("l", 1), ("s", 0)]), // LDnR
            _ => {}
        }
    }
    let op = e.get("opcode");
    let selem = ((op & 1) << 1 | e.get("r")) as u64 + 1;
    let esize = match op >> 1 {
        0 => 1,
        1 => 2,
        2 => 4 << (e.get("size") & 1),
        _ => 1 << e.get("size"),
    };
    let rn = e.get("rn");
    let mut c = fin(r, name, &e, Kind::Int, 8 * esize as u32, false);
    set_base(r, &mut c, rn, 0, selem * esize, 1);
    c
}

fn ld_single_off(r: &mut Rng, _: &Ctx) -> Case {
    ld_single(
        r,
        "ldst_single",
        "0 q:1 0011010 l:1 r:1 00000 opcode:3 s:1 size:2 rn:5 rt:5",
    )
}

fn ld_single_post(r: &mut Rng, _: &Ctx) -> Case {
    ld_single(
        r,
        "ldst_single_post",
        "0 q:1 0011011 l:1 r:1 rm:5 opcode:3 s:1 size:2 rn:5 rt:5",
    )
}

/// Access bytes (log2) of a SIMD&FP LDR/STR `size:opc`, Q when size = 00 and opc<1> = 1.
fn fp_scale(e: &Enc) -> u32 {
    let (size, opc) = (e.get("size"), e.get("opc"));
    if opc >> 1 == 1 {
        if size == 0 {
            4
        } else {
            size
        }
    } else {
        size
    }
}

fn fp_opc(r: &mut Rng, e: &mut Enc) {
    // Reserved: size != 00 with opc<1> = 1.
    if e.get("size") != 0 && e.get("opc") >> 1 == 1 && legal(r) {
        e.set("opc", e.get("opc") & 1);
    }
}

fn ldst_fp_uimm(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "size:2 111 1 01 opc:2 imm12:12 rn:5 rt:5");
    fp_opc(r, &mut e);
    let scale = fp_scale(&e);
    let rn = e.get("rn");
    let mut c = fin(r, "ldst_fp_uimm", &e, Kind::Int, 8 << scale.min(3), false);
    set_base(
        r,
        &mut c,
        rn,
        (e.get("imm12") as u64) << scale,
        1 << scale,
        1,
    );
    c
}

fn ldst_fp_imm9(r: &mut Rng, _: &Ctx) -> Case {
    // mode: 00 unscaled (LDUR/STUR), 01 post-index, 11 pre-index; 10 (unprivileged) is
    // unallocated for SIMD&FP.
    let mut e = Enc::new(r, "size:2 111 1 00 opc:2 0 imm9:9 mode:2 rn:5 rt:5");
    fp_opc(r, &mut e);
    if e.get("mode") == 2 && legal(r) {
        e.set("mode", r.pick(&[0, 1, 3]));
    }
    let scale = fp_scale(&e);
    let rn = e.get("rn");
    let mut c = fin(r, "ldst_fp_imm9", &e, Kind::Int, 8 << scale.min(3), false);
    let delta = if e.get("mode") == 1 {
        0
    } else {
        sext(e.get("imm9") as u64, 9) as u64
    };
    set_base(r, &mut c, rn, delta, 1 << scale, 1);
    c
}

fn ldst_fp_regoff(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "size:2 111 1 00 opc:2 1 rm:5 option:3 s:1 10 rn:5 rt:5");
    fp_opc(r, &mut e);
    if legal(r) {
        e.set("option", r.pick(&[2, 3, 6, 7]));
    }
    let rn = e.get("rn");
    distinct(r, &mut e, "rm", &[rn]);
    let scale = fp_scale(&e);
    let mut c = fin(r, "ldst_fp_regoff", &e, Kind::Int, 8 << scale.min(3), false);
    let rm = e.get("rm");
    let off = if rm == 31 { 0 } else { c.input.x[rm as usize] };
    let amount = if e.get("s") == 1 { scale } else { 0 };
    let delta = extend(off, e.get("option")) << amount;
    set_base(r, &mut c, rn, delta, 1 << scale, 1);
    c
}

fn ldst_fp_pair(r: &mut Rng, _: &Ctx) -> Case {
    // mode: 00 no-allocate offset (LDNP/STNP), 01 post, 10 offset, 11 pre.
    let mut e = Enc::new(r, "opc:2 101 1 0 mode:2 l:1 imm7:7 rt2:5 rn:5 rt:5");
    if legal(r) {
        let (opc, mode) = (r.below(3) as u32, r.below(4) as u32);
        set_all(&mut e, &[("opc", opc), ("mode", mode)]);
    }
    if e.get("l") == 1 {
        // LDP with Rt == Rt2 is CONSTRAINED UNPREDICTABLE.
        let rt = e.get("rt");
        while e.get("rt2") == rt {
            e.set("rt2", r.below(32) as u32);
        }
    }
    let scale = 2 + e.get("opc").min(2);
    let rn = e.get("rn");
    let mut c = fin(r, "ldst_fp_pair", &e, Kind::Int, 8 << scale.min(3), false);
    let delta = if e.get("mode") == 1 {
        0
    } else {
        (sext(e.get("imm7") as u64, 7) << scale) as u64
    };
    set_base(r, &mut c, rn, delta, 2 << scale, 1);
    c
}

fn ldr_fp_literal(r: &mut Rng, ctx: &Ctx) -> Case {
    let mut e = Enc::new(r, "opc:2 011 1 00 imm19:19 rt:5");
    if legal(r) {
        e.set("opc", r.below(3) as u32);
    }
    let (lo, hi) = ctx.literal;
    let min = (((lo as i64 - ctx.pc as i64) + 3) / 4).max(-(1 << 18));
    let max = ((hi as i64 - 16 - ctx.pc as i64) / 4).min((1 << 18) - 1);
    e.set("imm19", r.range(min, max) as u32);
    fin(r, "ldr_fp_literal", &e, Kind::Int, 32, false)
}

/// Loads and stores of SIMD&FP registers: LD1–LD4/ST1–ST4 (multiple structures, single
/// structure, replicate; no offset and post-index by immediate or register), LDR/STR (unsigned
/// offset, unscaled, pre/post-index, register offset) of B/H/S/D/Q, LDP/STP/LDNP/STNP of S/D/Q,
/// LDR (literal) of S/D/Q.
pub static SIMD_LDST: Class = Class {
    name: "simd_ldst",
    layout: Layout::Straight,
    fp: true,
    templates: &[
        ("ldst_multi", ld_multi_off),
        ("ldst_multi_post", ld_multi_post),
        ("ldst_single", ld_single_off),
        ("ldst_single_post", ld_single_post),
        ("ldst_fp_uimm", ldst_fp_uimm),
        ("ldst_fp_imm9", ldst_fp_imm9),
        ("ldst_fp_regoff", ldst_fp_regoff),
        ("ldst_fp_pair", ldst_fp_pair),
        ("ldr_fp_literal", ldr_fp_literal),
    ],
};

// ## The harness itself and the FP system registers

fn fp_nop(r: &mut Rng, _: &Ctx) -> Case {
    vcase(r, "nop", 0xd503_201f, Kind::Fp, 32)
}

fn fp_sysreg(r: &mut Rng, _: &Ctx) -> Case {
    // MRS/MSR FPCR (op2 = 0) and FPSR (op2 = 1).
    let e = Enc::new(r, "1101010100 l:1 1 1 011 0100 0100 00 op2:1 rt:5");
    let mut c = vcase(r, "mrs_msr_fpcr_fpsr", e.w, Kind::Fp, 32);
    let rt = e.get("rt") as usize;
    if rt < 31 {
        // Every field at random (trap enables, FZ16, RES0 bits too), except the AArch32-only
        // fields QEMU's cortex-a57 keeps (it has AArch32; our CPU is AArch64-only, where they
        // are RES0): FPCR.Len and FPCR.Stride, FPSR.{N,Z,C,V}.
        let v = if r.chance(1, 2) {
            r.next() & r.next()
        } else {
            c.input.x[rt]
        };
        let aarch32_only = if e.get("op2") == 0 {
            0x0037_0000
        } else {
            0xf000_0000
        };
        c.input.x[rt] = v & !aarch32_only;
    }
    c
}

/// The FP harness itself (a NOP: V0–V31, FPCR, FPSR round-trip unchanged) and MRS/MSR of FPCR
/// and FPSR (which bits EL0 can write).
pub static FP_SYSREG: Class = Class {
    name: "fp_sysreg",
    layout: Layout::Straight,
    fp: true,
    templates: &[("nop", fp_nop), ("mrs_msr_fpcr_fpsr", fp_sysreg)],
};

/// Every FP/SIMD group, in the order the tests run them.
pub static ALL: &[&Class] = &[
    &FP_ARITH,
    &FP_FMA,
    &FP_UNARY,
    &FP_CMP,
    &FP_CVT_INT,
    &FP_IMM,
    &FP_RECIP,
    &SIMD_FP_VEC,
    &SIMD_FP_MISC,
    &SIMD_FP_ELEM,
    &SIMD_INT_3SAME,
    &SIMD_INT_3DIFF,
    &SIMD_INT_2MISC,
    &SIMD_SHIFT_IMM,
    &SIMD_ACROSS,
    &SIMD_ELEM_INT,
    &SIMD_SCALAR,
    &SIMD_PERMUTE,
    &SIMD_MODIMM,
    &SIMD_LDST,
    &FP_SYSREG,
];
