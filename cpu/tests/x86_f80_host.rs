//! The x87 soft-float (`exec::f80`) against the host CPU's x87, operation by operation: random
//! extended operands (normal, tiny, huge, denormal) and binary64 operands (denormals,
//! ordinary values, random bits), every precision and rounding control, all exceptions
//! masked; the result and the six exception flags must be bit-exact. Only on an x86_64 host
//! (elsewhere the test prints a notice and passes, having nothing to compare with).

#[cfg(target_arch = "x86_64")]
mod host {
    use bootemu_cpu::x86_64::exec::f80::{self, Fmt, Op};

    /// Cases per test.
    const CASES: u64 = 300_000;

    /// xorshift64 (fixed seed: reproducible).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        /// An extended value: zero exponent (denormal), tiny, huge or near one.
        fn ext(&mut self) -> (u64, u16) {
            let s = self.next();
            let e = match self.next() % 6 {
                0 => 0,
                1 => 1 + s % 70,
                2 => 0x7ffe - s % 70,
                _ => 0x3fff - 40 + s % 80,
            } as u16;
            let e = e | ((self.next() & 1) as u16) << 15;
            let m = if e & 0x7fff == 0 {
                (self.next() >> (self.next() % 64)) & !(1 << 63)
            } else if self.next().is_multiple_of(4) {
                // Few significant bits (integer values, exact products).
                (self.next() | 1 << 63) & !((1u64 << (self.next() % 63)) - 1)
            } else {
                self.next() | 1 << 63
            };
            (m, e)
        }
        /// A positive extended value (tiny, huge, near one, denormal).
        fn ext_pos(&mut self) -> (u64, u16) {
            let (m, e) = self.ext();
            (m, e & 0x7fff)
        }
        /// A binary64 value: denormal, near one, or random bits.
        fn double(&mut self) -> u64 {
            match self.next() % 4 {
                0 => self.next() & (0x800f_ffff_ffff_ffff >> (self.next() % 52)),
                1 => self.next() & !(0x7ff << 52) | (0x3ff - 30 + self.next() % 60) << 52,
                _ => self.next(),
            }
        }
        /// A control word: all exceptions masked, random precision and rounding control.
        fn cw(&mut self) -> u16 {
            let pc = [0u16, 2, 3][(self.next() % 3) as usize];
            0x3f | pc << 8 | ((self.next() % 4) as u16) << 10
        }
    }

    fn bytes(x: (u64, u16)) -> [u8; 10] {
        let mut b = [0u8; 10];
        b[..8].copy_from_slice(&x.0.to_le_bytes());
        b[8..].copy_from_slice(&x.1.to_le_bytes());
        b
    }

    fn unbytes(b: [u8; 10]) -> (u64, u16) {
        let mut m = [0u8; 8];
        m.copy_from_slice(&b[..8]);
        (u64::from_le_bytes(m), u16::from_le_bytes([b[8], b[9]]))
    }

    fn prec(cw: u16) -> Fmt {
        Fmt::Ext(match (cw >> 8) & 3 {
            0 => 24,
            2 => 53,
            _ => 64,
        })
    }

    /// Run `$op` on the host with ST(0) = `a`, the memory operand `b`; result and FSW.
    macro_rules! host_op {
        ($op:literal, $cw:expr, $a:expr, $b:expr) => {{
            let (cw, a, b): (u16, [u8; 10], _) = ($cw, $a, $b);
            let mut out = [0u8; 10];
            let mut sw: u16 = 0;
            // SAFETY: x87 instructions on the locals above only (FNINIT first, stack empty
            // again at the end).
            unsafe {
                core::arch::asm!(
                    "fninit", "fldcw [{cw}]", "fld tbyte ptr [{a}]", $op,
                    "fnstsw word ptr [{s}]", "fstp tbyte ptr [{o}]",
                    cw = in(reg) &cw, a = in(reg) &a, b = in(reg) &b,
                    o = in(reg) &mut out, s = in(reg) &mut sw,
                );
            }
            (unbytes(out), sw)
        }};
    }

    #[test]
    fn extended_operands_match_the_host() {
        let mut rng = Rng(12345);
        let mut bad = 0;
        for _ in 0..CASES {
            let (a, b, cw) = (rng.ext(), rng.ext(), rng.cw());
            let op = rng.next() % 5;
            let bb = bytes(b);
            let (host, sw) = match op {
                0 => host_op!("fld tbyte ptr [{b}]; faddp st(1), st", cw, bytes(a), bb),
                1 => host_op!("fld tbyte ptr [{b}]; fmulp st(1), st", cw, bytes(a), bb),
                2 => host_op!("fld tbyte ptr [{b}]; fsubrp st(1), st", cw, bytes(a), bb),
                3 => host_op!("fld tbyte ptr [{b}]; fdivrp st(1), st", cw, bytes(a), bb),
                _ => host_op!("fsqrt; mov {b}, {b}", cw, bytes(a), bb),
            };
            let (va, vb, mode) = (f80::unpack(a), f80::unpack(b), (cw as u32 >> 10) & 3);
            let ops = [Op::Add, Op::Mul, Op::Sub, Op::Div];
            let r = match op {
                4 => f80::sqrt(prec(cw), va, mode),
                // FSUBRP/FDIVRP ST(1), ST: ST(1) = ST(0) op ST(1), that is b op a.
                k @ (2 | 3) => f80::arith(prec(cw), ops[k as usize], vb, va, mode),
                k => f80::arith(prec(cw), ops[k as usize], va, vb, mode),
            };
            if (r.f80(), r.flags) != (host, sw & 0x3f) || r.up != (sw & 0x200 != 0) {
                bad += 1;
                if bad <= 5 {
                    println!(
                        "op {op} cw {cw:04x} a {a:x?} b {b:x?}: host {host:x?} fsw {sw:04x}, \
                         ours {:x?} flags {:02x} up {}",
                        r.f80(),
                        r.flags,
                        r.up
                    );
                }
            }
        }
        assert_eq!(bad, 0, "mismatches against the host x87");
    }

    /// Run `$op` on the host with ST(0) = `a`, ST(1) = `b`: ST(0) and ST(1) after it, FSW.
    macro_rules! host_op2 {
        ($op:literal, $cw:expr, $a:expr, $b:expr) => {{
            let (cw, a, b): (u16, [u8; 10], [u8; 10]) = ($cw, $a, $b);
            let mut out = [[0u8; 10]; 2];
            let mut sw: u16 = 0;
            // SAFETY: x87 instructions on the locals above only (FNINIT first, stack empty
            // again at the end).
            unsafe {
                core::arch::asm!(
                    "fninit", "fldcw [{cw}]", "fld tbyte ptr [{b}]", "fld tbyte ptr [{a}]", $op,
                    "fnstsw word ptr [{s}]", "fstp tbyte ptr [{o}]", "fstp tbyte ptr [{o} + 10]",
                    cw = in(reg) &cw, a = in(reg) &a, b = in(reg) &b,
                    o = in(reg) &mut out, s = in(reg) &mut sw,
                );
            }
            ([unbytes(out[0]), unbytes(out[1])], sw)
        }};
    }

    /// FSCALE, FXTRACT, FPREM, FPREM1 and FBSTP: the values, the exception flags and the
    /// condition codes.
    #[test]
    fn exact_operations_match_the_host() {
        use bootemu_cpu::x86_64::exec::f80::exact_ops;
        let mut rng = Rng(4242);
        let mut bad = 0;
        for _ in 0..CASES {
            let (a, cw) = (rng.ext(), rng.cw());
            // FSCALE wants small scale factors; FPREM any divisor.
            let b = if rng.next().is_multiple_of(2) {
                let e = 0x3fff + (rng.next() % 16) as u16;
                let e = e | ((rng.next() & 1) as u16) << 15;
                (rng.next() | 1 << 63, e)
            } else {
                rng.ext()
            };
            let op = rng.next() % 5;
            let (va, vb, mode) = (f80::unpack(a), f80::unpack(b), (cw as u32 >> 10) & 3);
            let (host, sw) = match op {
                0 => host_op2!("fscale", cw, bytes(a), bytes(b)),
                1 => host_op2!("fxtract; fstp st(2)", cw, bytes(a), bytes(b)),
                2 => host_op2!("fprem", cw, bytes(a), bytes(b)),
                3 => host_op2!("fprem1", cw, bytes(a), bytes(b)),
                _ => {
                    let mut bcd = [0u8; 10];
                    let mut sw: u16 = 0;
                    // SAFETY: as above.
                    unsafe {
                        core::arch::asm!(
                            "fninit", "fldcw [{cw}]", "fld tbyte ptr [{a}]",
                            "fbstp tbyte ptr [{o}]", "fnstsw word ptr [{s}]",
                            cw = in(reg) &cw, a = in(reg) &bytes(a),
                            o = in(reg) &mut bcd, s = in(reg) &mut sw,
                        );
                    }
                    let v = u128::from_le_bytes({
                        let mut w = [0u8; 16];
                        w[..10].copy_from_slice(&bcd);
                        w
                    });
                    ([(v as u64, (v >> 64) as u16), (0, 0)], sw)
                }
            };
            // Ours: (ST(0), ST(1)), flags, C0..C3 as FSW bits.
            let (ours, flags, cc) = match op {
                0 => {
                    let r = exact_ops::scale(va, vb, mode);
                    ([r.f80(), b], r.flags, (r.up as u16) << 9)
                }
                1 => {
                    let (e, s) = exact_ops::xtract(va);
                    // FSTP ST(2) left the exponent in ST(0), the significand in ST(1).
                    ([e.f80(), s.f80()], e.flags | s.flags, 0)
                }
                2 | 3 => {
                    let r = exact_ops::prem(va, vb, op == 3);
                    let q = r.q as u16;
                    let c = (q >> 2 & 1) << 8 | (q >> 1 & 1) << 14 | (q & 1) << 9;
                    ([r.out.f80(), b], r.out.flags, c | (r.partial as u16) << 10)
                }
                _ => {
                    let (v, flags, up) = exact_ops::to_bcd(va, mode);
                    (
                        [(v as u64, (v >> 64) as u16), (0, 0)],
                        flags,
                        (up as u16) << 9,
                    )
                }
            };
            // The masked responses of #IA: only the flags are compared for the values.
            let cc_mask = if flags & 1 != 0 { 0 } else { 0x4700 };
            if ours != host || flags != sw & 0x3f || cc & cc_mask != sw & cc_mask {
                bad += 1;
                if bad <= 10 {
                    println!(
                        "op {op} cw {cw:04x} a {a:x?} b {b:x?}: host {host:x?} fsw {sw:04x}, \
                         ours {ours:x?} flags {flags:02x} cc {cc:04x}"
                    );
                }
            }
        }
        assert_eq!(bad, 0, "mismatches against the host x87");
    }

    /// A position on the extended number line: adjacent values differ by one.
    fn ulp_key(x: (u64, u16)) -> i128 {
        let k = ((x.1 & 0x7fff) as i128) << 63 | (x.0 & !(1 << 63)) as i128;
        if x.1 & 0x8000 != 0 {
            -k
        } else {
            k
        }
    }

    /// The tolerance of the transcendental instructions against the host, in units in the
    /// last place of the 64-bit significand (the host's microcode algorithms are not
    /// reproduced bit for bit; ours are rounded from about 120 bits).
    const TRANSC_ULPS: i128 = 1;

    /// F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN, FCOS, FSINCOS and FPTAN on finite operands in
    /// their defined ranges: within `TRANSC_ULPS` of the host; the exception flags other
    /// than precision, and C2, exactly.
    #[test]
    fn transcendentals_match_the_host_within_tolerance() {
        use bootemu_cpu::x86_64::exec::f80::transc::{self, Trig};
        let mut rng = Rng(777);
        let mut bad = 0;
        let mut worst = [0i128; 8];
        let mut exact = 0u64;
        let n = CASES / 3;
        for _ in 0..n {
            let cw = rng.cw(); // FCW.PC does not apply to these
            let mode = (cw as u32 >> 10) & 3;
            let op = (rng.next() % 8) as usize;
            let sign = ((rng.next() & 1) as u16) << 15;
            let m = rng.next() | 1 << 63;
            // ST(0) in the instruction's domain, ST(1) ordinary.
            let a: (u64, u16) = match op {
                0 if rng.next().is_multiple_of(16) => (1 << 63, sign | 0x3fff),
                0 => (m, sign | (0x3ffe - (rng.next() % 70) as u16)),
                1 => rng.ext_pos(),
                // Beyond the defined |x| < 1 − √2/2 too (the host computes those as well).
                2 if rng.next().is_multiple_of(4) => (m, 0x3ffd + (rng.next() % 12) as u16),
                2 => (m, sign | (0x3ffc - (rng.next() % 70) as u16)),
                3 => (m, sign | (0x3fff - 30 + (rng.next() % 60) as u16)),
                _ => (m, sign | (0x3fff - 20 + (rng.next() % 82) as u16)),
            };
            let b: (u64, u16) = (
                rng.next() | 1 << 63,
                ((rng.next() & 1) as u16) << 15 | (0x3fff - 30 + (rng.next() % 60) as u16),
            );
            let (host, sw) = match op {
                0 => host_op2!("f2xm1", cw, bytes(a), bytes(b)),
                1 => host_op2!("fyl2x; fld1", cw, bytes(a), bytes(b)),
                2 => host_op2!("fyl2xp1; fld1", cw, bytes(a), bytes(b)),
                3 => host_op2!("fpatan; fld1", cw, bytes(a), bytes(b)),
                4 => host_op2!("fsin", cw, bytes(a), bytes(b)),
                5 => host_op2!("fcos", cw, bytes(a), bytes(b)),
                6 => host_op2!("fsincos; fstp st(2)", cw, bytes(a), bytes(b)),
                _ => host_op2!("fptan; fstp st(0)", cw, bytes(a), bytes(b)),
            };
            let (va, vb) = (f80::unpack(a), f80::unpack(b));
            let (ours, c2) = match op {
                0 => (Some(transc::f2xm1(va, mode)), false),
                1 => (Some(transc::fyl2x(va, vb, mode)), false),
                2 => (Some(transc::fyl2xp1(va, vb, mode)), false),
                3 => (Some(transc::fpatan(vb, va, mode)), false),
                4 | 6 => (transc::trig(Trig::Sin, va, mode), true),
                5 => (transc::trig(Trig::Cos, va, mode), true),
                _ => (transc::trig(Trig::Tan, va, mode), true),
            };
            // The value compared: ST(0) (FSINCOS: the sine, FSTP ST(2) left it there), for
            // FYL2X, FYL2XP1, FPATAN ST(1) (under the 1.0 pushed after them).
            let host_v = if (1..=3).contains(&op) {
                host[1]
            } else {
                host[0]
            };
            let ok = match ours {
                None => c2 && sw & 0x400 != 0,
                Some(r) => {
                    let mut d = (ulp_key(r.f80()) - ulp_key(host_v)).abs();
                    exact += (d == 0) as u64;
                    // FSINCOS: the cosine as well (FSTP ST(2) left it in ST(1)).
                    if op == 6 {
                        let c = transc::trig(Trig::Cos, va, mode)
                            .map_or(i128::MAX, |c| (ulp_key(c.f80()) - ulp_key(host[1])).abs());
                        d = d.max(c);
                    }
                    worst[op] = worst[op].max(d);
                    let flags_ok = r.flags & 0x1f == sw & 0x1f;
                    let c2_ok = !c2 || sw & 0x400 == 0;
                    d <= TRANSC_ULPS && flags_ok && c2_ok
                }
            };
            if !ok {
                bad += 1;
                if bad <= 10 {
                    println!(
                        "op {op} cw {cw:04x} a {a:x?} b {b:x?}: host {host_v:x?} fsw {sw:04x}, \
                         ours {:x?}",
                        ours.map(|r| (r.f80(), r.flags))
                    );
                }
            }
        }
        println!(
            "transcendentals against the host: {n} cases, {exact} bit-exact, worst ulps by \
             operation (F2XM1 FYL2X FYL2XP1 FPATAN FSIN FCOS FSINCOS FPTAN) {worst:?}, \
             tolerance {TRANSC_ULPS}"
        );
        assert_eq!(
            bad, 0,
            "transcendentals outside the tolerance of the host x87"
        );
    }

    #[test]
    fn binary64_operands_match_the_host() {
        let mut rng = Rng(999);
        let mut bad = 0;
        for _ in 0..CASES {
            let (a, d, cw) = (rng.ext(), rng.double(), rng.cw());
            let op = rng.next() % 5;
            let (host, sw) = match op {
                0 => host_op!("fadd qword ptr [{b}]", cw, bytes(a), d),
                1 => host_op!("fmul qword ptr [{b}]", cw, bytes(a), d),
                2 => host_op!("fsub qword ptr [{b}]", cw, bytes(a), d),
                3 => host_op!("fdiv qword ptr [{b}]", cw, bytes(a), d),
                _ => host_op!("fdivr qword ptr [{b}]", cw, bytes(a), d),
            };
            let (x, y, mode) = (
                f80::unpack(a),
                f80::unpack_bin(d, true),
                (cw as u32 >> 10) & 3,
            );
            let r = match op {
                0 => f80::arith(prec(cw), Op::Add, x, y, mode),
                1 => f80::arith(prec(cw), Op::Mul, x, y, mode),
                2 => f80::arith(prec(cw), Op::Sub, x, y, mode),
                3 => f80::arith(prec(cw), Op::Div, x, y, mode),
                _ => f80::arith(prec(cw), Op::Div, y, x, mode),
            };
            if (r.f80(), r.flags) != (host, sw & 0x3f) || r.up != (sw & 0x200 != 0) {
                bad += 1;
                if bad <= 5 {
                    println!(
                        "op {op} cw {cw:04x} a {a:x?} d {d:016x}: host {host:x?} fsw {sw:04x}, \
                         ours {:x?} flags {:02x} up {}",
                        r.f80(),
                        r.flags,
                        r.up
                    );
                }
            }
        }
        assert_eq!(bad, 0, "mismatches against the host x87");
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[test]
fn not_an_x86_64_host() {
    println!("x86_f80_host: not an x86_64 host, nothing to compare with");
}
