//! Random cases per instruction class (DDI 0487 C4.1 encoding index): each template is an
//! encoding pattern whose fields are drawn at random, then constrained only where the architecture
//! says UNPREDICTABLE / CONSTRAINED UNPREDICTABLE (writeback with Rt == Rn, …) or where the harness
//! needs it (memory accesses land in the scratch area, branches land in the stub window, literal
//! loads read the image). Reserved field values are left in: both sides must then fault.

use super::image::{Layout, SCRATCH, SCRATCH_LEN, WINDOW};
use super::rng::Rng;
use super::{Case, State};

/// What a generator may need to know about the case being built.
pub struct Ctx {
    /// Address of the (first) instruction under test.
    pub pc: u64,
    /// Bounds of memory a literal load may read (constant for the whole run).
    pub literal: (u64, u64),
}

/// A template: name and generator.
pub type Template = (&'static str, fn(&mut Rng, &Ctx) -> Case);

/// An instruction class: its name, layout and templates.
pub struct Class {
    /// Name, used for the default seed and reports.
    pub name: &'static str,
    /// How its cases are laid out.
    pub layout: Layout,
    /// FP/SIMD state (FPCR, FPSR, V0–V31) is part of each case.
    pub fp: bool,
    /// Its templates, picked uniformly.
    pub templates: &'static [Template],
}

/// A random encoding of a bit pattern: `0`/`1` fixed bits, `name:N` fields.
pub struct Enc {
    /// The word.
    pub w: u32,
    fields: Vec<(&'static str, u32, u32)>,
}

impl Enc {
    /// Parse `pattern` and fill every field with random bits.
    pub fn new(r: &mut Rng, pattern: &'static str) -> Enc {
        let mut fields = Vec::new();
        let mut toks = Vec::new();
        for t in pattern.split_whitespace() {
            if let Some((name, width)) = t.split_once(':') {
                toks.push((Some(name), width.parse::<u32>().unwrap(), 0));
            } else {
                for ch in t.chars() {
                    toks.push((None, 1, (ch == '1') as u32));
                }
            }
        }
        let total: u32 = toks.iter().map(|t| t.1).sum();
        assert_eq!(total, 32, "pattern {pattern}");
        let mut pos = 32;
        let mut w = 0u32;
        let rnd = r.u32();
        for (name, width, v) in toks {
            pos -= width;
            let mask = if width == 32 {
                !0
            } else {
                ((1u32 << width) - 1) << pos
            };
            match name {
                Some(n) => {
                    fields.push((n, pos, width));
                    w |= rnd & mask;
                }
                None => w |= v << pos,
            }
        }
        Enc { w, fields }
    }

    fn field(&self, name: &str) -> (u32, u32) {
        let f = self
            .fields
            .iter()
            .find(|f| f.0 == name)
            .unwrap_or_else(|| panic!("no field {name}"));
        (f.1, f.2)
    }

    /// Value of field `name`.
    pub fn get(&self, name: &str) -> u32 {
        let (lo, n) = self.field(name);
        (self.w >> lo) & ((1u64 << n) - 1) as u32
    }

    /// Set field `name`.
    pub fn set(&mut self, name: &str, v: u32) {
        let (lo, n) = self.field(name);
        let m = (((1u64 << n) - 1) as u32) << lo;
        self.w = (self.w & !m) | ((v << lo) & m);
    }
}

/// A case with random inputs around `word`.
pub fn case(r: &mut Rng, name: &'static str, word: u32) -> Case {
    let mut x = [0; 31];
    for v in &mut x {
        *v = r.biased();
    }
    Case {
        name,
        words: [word, 0],
        n: 1,
        input: State {
            x,
            sp: r.biased(),
            nzcv: (r.below(16) << 28),
            tpidr: r.biased(),
            ..State::default()
        },
    }
}

pub fn sext(v: u64, bits: u32) -> i64 {
    ((v << (64 - bits)) as i64) >> (64 - bits)
}

// ## Data processing – immediate

fn addsub_imm(r: &mut Rng, _: &Ctx) -> Case {
    let e = Enc::new(r, "sf:1 op:1 s:1 100010 sh:1 imm12:12 rn:5 rd:5");
    case(r, "addsub_imm", e.w)
}

fn logical_imm(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "sf:1 opc:2 100100 n:1 immr:6 imms:6 rn:5 rd:5");
    if e.get("sf") == 0 && r.chance(3, 4) {
        e.set("n", 0);
    }
    case(r, "logical_imm", e.w)
}

fn movewide(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "sf:1 opc:2 100101 hw:2 imm16:16 rd:5");
    if e.get("opc") == 1 && r.chance(3, 4) {
        e.set("opc", r.pick(&[0, 2, 3]));
    }
    case(r, "movewide", e.w)
}

fn bitfield(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "sf:1 opc:2 100110 n:1 immr:6 imms:6 rn:5 rd:5");
    if r.chance(7, 8) {
        let sf = e.get("sf");
        e.set("n", sf);
        if e.get("opc") == 3 {
            e.set("opc", r.below(3) as u32);
        }
        if sf == 0 {
            e.set("immr", e.get("immr") & 31);
            e.set("imms", e.get("imms") & 31);
        }
        if r.chance(1, 2) {
            // The aliases the interpreter runs by handlers of their own: LSL (S + 1 = R),
            // LSR/ASR (S = M − 1), SXTB/SXTH/SXTW/UXTB/UXTH (R = 0, S = 7, 15, 31), R = 0.
            let m = if sf == 1 { 64 } else { 32 };
            match r.below(4) {
                0 => {
                    let s = e.get("imms") % (m - 1);
                    e.set("imms", s);
                    e.set("immr", s + 1);
                }
                1 => e.set("imms", m - 1),
                2 => {
                    e.set("immr", 0);
                    e.set("imms", r.pick(&[7, 15, 31]));
                }
                _ => e.set("immr", 0),
            }
        }
    }
    case(r, "bitfield", e.w)
}

fn extract(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "sf:1 00 100111 n:1 0 rm:5 imms:6 rn:5 rd:5");
    if r.chance(7, 8) {
        let sf = e.get("sf");
        e.set("n", sf);
        if sf == 0 {
            e.set("imms", e.get("imms") & 31);
        }
    }
    case(r, "extract", e.w)
}

fn adr(r: &mut Rng, _: &Ctx) -> Case {
    let e = Enc::new(r, "op:1 immlo:2 10000 immhi:19 rd:5");
    case(r, "adr_adrp", e.w)
}

/// Data processing – immediate.
pub static DP_IMM: Class = Class {
    name: "dp_imm",
    layout: Layout::Straight,
    fp: false,
    templates: &[
        ("addsub_imm", addsub_imm),
        ("logical_imm", logical_imm),
        ("movewide", movewide),
        ("bitfield", bitfield),
        ("extract", extract),
        ("adr_adrp", adr),
    ],
};

// ## Data processing – register

fn small_shift(r: &mut Rng, e: &mut Enc) {
    if e.get("sf") == 0 && r.chance(7, 8) {
        e.set("imm6", e.get("imm6") & 31);
    }
    // A zero amount (of any type) has handlers of its own.
    if r.chance(1, 4) {
        e.set("imm6", 0);
    }
}

fn logical_shifted(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "sf:1 opc:2 01010 shift:2 n:1 rm:5 imm6:6 rn:5 rd:5");
    small_shift(r, &mut e);
    case(r, "logical_shifted", e.w)
}

fn addsub_shifted(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "sf:1 op:1 s:1 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5");
    small_shift(r, &mut e);
    if e.get("shift") == 3 && r.chance(7, 8) {
        e.set("shift", r.below(3) as u32);
    }
    case(r, "addsub_shifted", e.w)
}

fn addsub_ext(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(
        r,
        "sf:1 op:1 s:1 01011 opt:2 1 rm:5 option:3 imm3:3 rn:5 rd:5",
    );
    if r.chance(7, 8) {
        e.set("opt", 0);
        if e.get("imm3") > 4 {
            e.set("imm3", r.below(5) as u32);
        }
    }
    case(r, "addsub_ext", e.w)
}

fn adc_sbc(r: &mut Rng, _: &Ctx) -> Case {
    let e = Enc::new(r, "sf:1 op:1 s:1 11010000 rm:5 000000 rn:5 rd:5");
    case(r, "adc_sbc", e.w)
}

fn ccmp_reg(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(
        r,
        "sf:1 op:1 1 11010010 rm:5 cond:4 0 o2:1 rn:5 o3:1 nzcv:4",
    );
    if r.chance(15, 16) {
        e.set("o2", 0);
        e.set("o3", 0);
    }
    case(r, "ccmp_reg", e.w)
}

fn ccmp_imm(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(
        r,
        "sf:1 op:1 1 11010010 imm5:5 cond:4 1 o2:1 rn:5 o3:1 nzcv:4",
    );
    if r.chance(15, 16) {
        e.set("o2", 0);
        e.set("o3", 0);
    }
    case(r, "ccmp_imm", e.w)
}

fn csel(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "sf:1 op:1 s:1 11010100 rm:5 cond:4 op2:2 rn:5 rd:5");
    if r.chance(15, 16) {
        e.set("s", 0);
        e.set("op2", e.get("op2") & 1);
    }
    case(r, "csel", e.w)
}

fn dp1(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "sf:1 1 0 11010110 opc2:5 opcode:6 rn:5 rd:5");
    if r.chance(15, 16) {
        e.set("opc2", 0);
        e.set("opcode", r.below(6) as u32);
    }
    case(r, "dp1", e.w)
}

fn dp2(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "sf:1 0 s:1 11010110 rm:5 opcode:6 rn:5 rd:5");
    if r.chance(15, 16) {
        e.set("s", 0);
        let op = r.pick(&[2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23]);
        e.set("opcode", op);
        if op >= 16 && r.chance(7, 8) {
            // CRC32X/CRC32CX are the 64-bit forms; the others are 32-bit.
            e.set("sf", (op & 3 == 3) as u32);
        }
    }
    case(r, "dp2", e.w)
}

fn dp3(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "sf:1 op54:2 11011 op31:3 rm:5 o0:1 ra:5 rn:5 rd:5");
    if r.chance(15, 16) {
        e.set("op54", 0);
        let op31 = r.pick(&[0, 0, 1, 2, 5, 6]);
        e.set("op31", op31);
        if op31 != 0 {
            e.set("sf", 1);
        }
        if op31 == 2 || op31 == 6 {
            // SMULH/UMULH: o0 = 0 and Ra should be 0b11111.
            e.set("o0", 0);
        }
    }
    if e.get("op54") == 0 && (e.get("op31") == 2 || e.get("op31") == 6) {
        // SMULH/UMULH: Ra is (1)(1)(1)(1)(1); other values are CONSTRAINED UNPREDICTABLE.
        e.set("ra", 31);
    }
    case(r, "dp3", e.w)
}

/// Data processing – register.
pub static DP_REG: Class = Class {
    name: "dp_reg",
    layout: Layout::Straight,
    fp: false,
    templates: &[
        ("logical_shifted", logical_shifted),
        ("addsub_shifted", addsub_shifted),
        ("addsub_ext", addsub_ext),
        ("adc_sbc", adc_sbc),
        ("ccmp_reg", ccmp_reg),
        ("ccmp_imm", ccmp_imm),
        ("csel", csel),
        ("dp1", dp1),
        ("dp2", dp2),
        ("dp3", dp3),
    ],
};

// ## Loads and stores

/// Point base register `rn` (31 = SP) so that `base + delta` is an address in the scratch area
/// where `bytes` bytes aligned to `align` fit.
pub fn set_base(r: &mut Rng, c: &mut Case, rn: u32, delta: u64, bytes: u64, align: u64) {
    let slots = (SCRATCH_LEN as u64 - bytes) / align + 1;
    let target = SCRATCH + r.below(slots) * align;
    c.set_reg_sp(rn, target.wrapping_sub(delta));
}

/// Redraw field `f` until it differs from every register in `avoid` (31 in `avoid` is ignored:
/// SP and XZR are never the same register as a GPR).
pub fn distinct(r: &mut Rng, e: &mut Enc, f: &str, avoid: &[u32]) {
    while avoid.iter().any(|&a| a != 31 && a == e.get(f)) {
        e.set(f, r.below(32) as u32);
    }
}

fn ldst_single(r: &mut Rng, name: &'static str, pattern: &'static str, mode: u8) -> Case {
    // mode: 0 unsigned offset, 1 unscaled/unprivileged, 2 pre-index, 3 post-index.
    let mut e = Enc::new(r, pattern);
    let size = e.get("size");
    if size >= 2 && e.get("opc") == 3 && r.chance(7, 8) {
        e.set("opc", r.below(3) as u32);
    }
    let wback = mode >= 2;
    if wback {
        let rn = e.get("rn");
        distinct(r, &mut e, "rt", &[rn]);
    }
    let rn = e.get("rn");
    let mut c = case(r, name, e.w);
    let bytes = 1u64 << size;
    let delta = match mode {
        0 => (e.get("imm12") as u64) << size,
        3 => 0,
        _ => sext(e.get("imm9") as u64, 9) as u64,
    };
    set_base(r, &mut c, rn, delta, bytes, 1);
    c
}

fn ldst_uimm(r: &mut Rng, _: &Ctx) -> Case {
    ldst_single(
        r,
        "ldst_uimm",
        "size:2 111 0 01 opc:2 imm12:12 rn:5 rt:5",
        0,
    )
}

fn ldst_unscaled(r: &mut Rng, _: &Ctx) -> Case {
    ldst_single(
        r,
        "ldst_unscaled",
        "size:2 111 0 00 opc:2 0 imm9:9 00 rn:5 rt:5",
        1,
    )
}

fn ldst_unpriv(r: &mut Rng, _: &Ctx) -> Case {
    ldst_single(
        r,
        "ldst_unpriv",
        "size:2 111 0 00 opc:2 0 imm9:9 10 rn:5 rt:5",
        1,
    )
}

fn ldst_pre(r: &mut Rng, _: &Ctx) -> Case {
    ldst_single(
        r,
        "ldst_pre",
        "size:2 111 0 00 opc:2 0 imm9:9 11 rn:5 rt:5",
        2,
    )
}

fn ldst_post(r: &mut Rng, _: &Ctx) -> Case {
    ldst_single(
        r,
        "ldst_post",
        "size:2 111 0 00 opc:2 0 imm9:9 01 rn:5 rt:5",
        3,
    )
}

pub fn extend(v: u64, option: u32) -> u64 {
    match option & 7 {
        0b010 => v as u32 as u64,
        0b110 => v as u32 as i32 as i64 as u64,
        _ => v,
    }
}

fn ldst_regoff(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "size:2 111 0 00 opc:2 1 rm:5 option:3 s:1 10 rn:5 rt:5");
    let size = e.get("size");
    if r.chance(15, 16) {
        e.set("option", r.pick(&[2, 3, 6, 7]));
        if size >= 2 && e.get("opc") == 3 {
            e.set("opc", r.below(3) as u32);
        }
    }
    let rn = e.get("rn");
    distinct(r, &mut e, "rm", &[rn]);
    let mut c = case(r, "ldst_regoff", e.w);
    let rm = e.get("rm");
    let off = if rm == 31 { 0 } else { c.input.x[rm as usize] };
    let amount = if e.get("s") == 1 { size } else { 0 };
    let delta = extend(off, e.get("option")) << amount;
    set_base(r, &mut c, rn, delta, 1 << size, 1);
    c
}

fn ldst_pair(r: &mut Rng, name: &'static str, mode: u32) -> Case {
    // mode (bits 25:23): 000 no-allocate offset, 001 post, 010 offset, 011 pre.
    let mut e = Enc::new(r, "opc:2 101 0 mode:3 l:1 imm7:7 rt2:5 rn:5 rt:5");
    e.set("mode", mode);
    if r.chance(15, 16) {
        let opc = if e.get("l") == 1 && mode != 0 {
            r.pick(&[0, 1, 2])
        } else {
            r.pick(&[0, 2])
        };
        e.set("opc", opc);
    }
    let (l, rn) = (e.get("l"), e.get("rn"));
    if l == 1 {
        let rt = e.get("rt");
        distinct(r, &mut e, "rt2", &[rt]);
    }
    if mode == 1 || mode == 3 {
        distinct(r, &mut e, "rt", &[rn]);
        let rt = e.get("rt");
        if l == 1 {
            distinct(r, &mut e, "rt2", &[rn, rt]);
        } else {
            distinct(r, &mut e, "rt2", &[rn]);
        }
    }
    let mut c = case(r, name, e.w);
    let scale = if e.get("opc") == 2 { 3 } else { 2 };
    let delta = if mode == 1 {
        0
    } else {
        (sext(e.get("imm7") as u64, 7) << scale) as u64
    };
    set_base(r, &mut c, rn, delta, 2 << scale, 1);
    c
}

fn ldst_pair_off(r: &mut Rng, _: &Ctx) -> Case {
    ldst_pair(r, "ldst_pair_off", 2)
}

fn ldst_pair_pre(r: &mut Rng, _: &Ctx) -> Case {
    ldst_pair(r, "ldst_pair_pre", 3)
}

fn ldst_pair_post(r: &mut Rng, _: &Ctx) -> Case {
    ldst_pair(r, "ldst_pair_post", 1)
}

fn ldst_pair_nt(r: &mut Rng, _: &Ctx) -> Case {
    ldst_pair(r, "ldst_pair_nt", 0)
}

fn ldr_literal(r: &mut Rng, ctx: &Ctx) -> Case {
    let mut e = Enc::new(r, "opc:2 011 0 00 imm19:19 rt:5");
    let (lo, hi) = ctx.literal;
    let min = (((lo as i64 - ctx.pc as i64) + 3) / 4).max(-(1 << 18));
    let max = ((hi as i64 - 8 - ctx.pc as i64) / 4).min((1 << 18) - 1);
    e.set("imm19", r.range(min, max) as u32);
    case(r, "ldr_literal", e.w)
}

/// Load/store exclusive and acquire/release (bits 29:24 = 001000), v8.0 forms.
fn ldst_excl(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "size:2 001000 o2:1 l:1 o1:1 rs:5 o0:1 rt2:5 rn:5 rt:5");
    // 0 STXR, 1 LDXR, 2 STXP, 3 LDXP, 4 STLR, 5 LDAR.
    let kind = r.below(6);
    let (o2, l, o1) = [
        (0, 0, 0),
        (0, 1, 0),
        (0, 0, 1),
        (0, 1, 1),
        (1, 0, 0),
        (1, 1, 0),
    ][kind as usize];
    e.set("o2", o2);
    e.set("l", l);
    e.set("o1", o1);
    let pair = o1 == 1;
    if pair {
        e.set("size", 2 + r.below(2) as u32);
    }
    if o2 == 1 {
        e.set("o0", 1);
    }
    if l == 1 || o2 == 1 {
        e.set("rs", 31);
    }
    if !pair {
        e.set("rt2", 31);
    }
    let (rn, rt) = (e.get("rn"), e.get("rt"));
    if pair && l == 1 {
        distinct(r, &mut e, "rt2", &[rt]);
    }
    if l == 0 && o2 == 0 {
        let rt2 = if pair { e.get("rt2") } else { 31 };
        // Status register equal to a transfer or base register: CONSTRAINED UNPREDICTABLE.
        let mut avoid = vec![rt, rn];
        if pair {
            avoid.push(rt2);
        }
        distinct(r, &mut e, "rs", &avoid);
    }
    let size = e.get("size");
    let bytes = (1u64 << size) * if pair { 2 } else { 1 };
    let mut c = case(r, "ldst_excl", e.w);
    set_base(r, &mut c, rn, 0, bytes, bytes);
    if l == 0 && o2 == 0 && r.chance(1, 2) {
        // Open the monitor first with the matching load-exclusive of the same address and size.
        let mut p = Enc::new(r, "size:2 001000 0 1 o1:1 11111 o0:1 rt2:5 rn:5 rt:5");
        p.set("size", size);
        p.set("o1", o1);
        p.set("rn", rn);
        distinct(r, &mut p, "rt", &[rn]);
        if pair {
            let prt = p.get("rt");
            distinct(r, &mut p, "rt2", &[rn, prt]);
        } else {
            p.set("rt2", 31);
        }
        c.words = [p.w, e.w];
        c.n = 2;
    }
    c
}

/// Encodings of the same group that a v8.0 CPU lacks (LSE CAS/CASP, LORegions): UNDEFINED on both.
fn ldst_excl_v81(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "size:2 001000 o2:1 l:1 o1:1 rs:5 o0:1 rt2:5 rn:5 rt:5");
    match r.below(3) {
        0 => e.set("o2", 1), // CAS (o1 = 1) / LDLAR, STLLR (o1 = 0, o0 = 0)
        1 => {
            e.set("o2", 1);
            e.set("o1", 0);
            e.set("o0", 0);
        }
        _ => {
            e.set("o2", 0);
            e.set("o1", 1);
            e.set("size", r.below(2) as u32); // CASP
        }
    }
    let rn = e.get("rn");
    let mut c = case(r, "ldst_excl_v81", e.w);
    set_base(r, &mut c, rn, 0, 16, 16);
    c
}

/// Loads and stores.
pub static LDST: Class = Class {
    name: "ldst",
    layout: Layout::Straight,
    fp: false,
    templates: &[
        ("ldst_uimm", ldst_uimm),
        ("ldst_unscaled", ldst_unscaled),
        ("ldst_unpriv", ldst_unpriv),
        ("ldst_pre", ldst_pre),
        ("ldst_post", ldst_post),
        ("ldst_regoff", ldst_regoff),
        ("ldst_pair_off", ldst_pair_off),
        ("ldst_pair_pre", ldst_pair_pre),
        ("ldst_pair_post", ldst_pair_post),
        ("ldst_pair_nt", ldst_pair_nt),
        ("ldr_literal", ldr_literal),
        ("ldst_excl", ldst_excl),
        ("ldst_excl", ldst_excl),
        ("ldst_excl_v81", ldst_excl_v81),
    ],
};

// ## Branches

/// A landing offset in instructions: anywhere in the stub window but the branch itself.
fn window_offset(r: &mut Rng) -> i64 {
    loop {
        let j = r.range(-(WINDOW + 1), WINDOW);
        if j != 0 {
            return j;
        }
    }
}

fn b_cond(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "0101010 0 imm19:19 o0:1 cond:4");
    e.set("imm19", window_offset(r) as u32);
    if r.chance(15, 16) {
        e.set("o0", 0);
    }
    case(r, "b_cond", e.w)
}

fn cbz(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "sf:1 011010 op:1 imm19:19 rt:5");
    e.set("imm19", window_offset(r) as u32);
    case(r, "cbz", e.w)
}

fn tbz(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "b5:1 011011 op:1 b40:5 imm14:14 rt:5");
    e.set("imm14", window_offset(r) as u32);
    case(r, "tbz", e.w)
}

fn b_bl(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "op:1 00101 imm26:26");
    e.set("imm26", window_offset(r) as u32);
    case(r, "b_bl", e.w)
}

fn br_blr_ret(r: &mut Rng, ctx: &Ctx) -> Case {
    let mut e = Enc::new(r, "1101011 0 0 op:2 11111 0000 0 0 rn:5 00000");
    let op = r.below(3) as u32;
    e.set("op", op);
    if op == 2 && r.chance(1, 2) {
        e.set("rn", 30);
    }
    if e.get("rn") == 31 {
        // X31 reads as zero: a branch to 0, outside the landing window.
        e.set("rn", r.below(31) as u32);
    }
    let rn = e.get("rn");
    let mut c = case(r, "br_blr_ret", e.w);
    if rn != 31 {
        c.input.x[rn as usize] = ctx.pc.wrapping_add((window_offset(r) * 4) as u64);
    }
    c
}

/// Branches.
pub static BRANCH: Class = Class {
    name: "branch",
    layout: Layout::Branch,
    fp: false,
    templates: &[
        ("b_cond", b_cond),
        ("cbz", cbz),
        ("tbz", tbz),
        ("b_bl", b_bl),
        ("br_blr_ret", br_blr_ret),
    ],
};

// ## System

fn sys_nzcv(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "1101010100 l:1 1 1 011 0100 0010 000 rt:5");
    e.set("l", r.below(2) as u32);
    case(r, "mrs_msr_nzcv", e.w)
}

fn sys_tpidr(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "1101010100 l:1 1 1 011 1101 0000 01 ro:1 rt:5");
    if e.get("l") == 0 {
        e.set("ro", 0); // TPIDRRO_EL0 is read-only at EL0
    }
    case(r, "mrs_msr_tpidr", e.w)
}

fn hint(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "11010101 00000011 0010 imm:7 11111");
    // WFE and WFI wait; everything else in the hint space executes as a NOP on a v8.0 CPU.
    while e.get("imm") == 2 || e.get("imm") == 3 {
        e.set("imm", r.below(128) as u32);
    }
    case(r, "hint", e.w)
}

fn barrier(r: &mut Rng, _: &Ctx) -> Case {
    let e = Enc::new(r, "11010101 00000011 0011 crm:4 op2:3 11111");
    case(r, "barrier_clrex", e.w)
}

fn id_regs(r: &mut Rng, _: &Ctx) -> Case {
    let mut e = Enc::new(r, "1101010100 1 1 1 011 0000 0000 op2:3 rt:5");
    e.set("op2", r.pick(&[1, 7])); // CTR_EL0, DCZID_EL0
    case(r, "mrs_ctr_dczid", e.w)
}

fn cache_maint(r: &mut Rng, _: &Ctx) -> Case {
    // SYS #3, C7, Cm, #1: DC ZVA (C4), IC IVAU (C5), DC CVAC (C10), DC CVAU (C11), DC CIVAC (C14).
    let mut e = Enc::new(r, "1101010100 0 01 011 0111 crm:4 001 rt:5");
    e.set("crm", r.pick(&[4, 5, 10, 11, 14]));
    let rt = e.get("rt");
    let mut c = case(r, "cache_maint", e.w);
    if rt != 31 {
        c.input.x[rt as usize] = SCRATCH + r.below(SCRATCH_LEN as u64);
    }
    c
}

fn el0_traps(r: &mut Rng, _: &Ctx) -> Case {
    // Instructions EL0 may not execute: all must fault on both sides.
    // (ID registers such as MIDR_EL1 are left out: Linux and QEMU user mode emulate EL0 reads.)
    let w = match r.below(8) {
        0 => 0xd503_40df | (r.below(16) as u32) << 8, // MSR DAIFSet, #imm
        1 => 0xd503_40ff | (r.below(16) as u32) << 8, // MSR DAIFClr, #imm
        2 => 0xd53b_4220 | r.below(32) as u32,        // MRS Xt, DAIF
        3 => 0xd500_40bf | (r.below(16) as u32) << 8, // MSR SPSel, #imm
        4 => 0xd69f_03e0,                             // ERET
        5 => 0xd400_0002 | (r.below(65536) as u32) << 5, // HVC
        6 => 0xd400_0003 | (r.below(65536) as u32) << 5, // SMC
        _ => 0xd420_0000 | (r.below(65536) as u32) << 5, // BRK
    };
    case(r, "el0_traps", w)
}

/// System instructions reachable at EL0.
pub static SYSTEM: Class = Class {
    name: "system",
    layout: Layout::Straight,
    fp: false,
    templates: &[
        ("mrs_msr_nzcv", sys_nzcv),
        ("mrs_msr_tpidr", sys_tpidr),
        ("hint", hint),
        ("barrier_clrex", barrier),
        ("mrs_ctr_dczid", id_regs),
        ("cache_maint", cache_maint),
        ("el0_traps", el0_traps),
    ],
};
