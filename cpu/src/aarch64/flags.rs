//! PSTATE.NZCV (DDI 0487 D1.4 "Process state, PSTATE") as the interpreter keeps it: N, Z, C and
//! V in words of their own, so that a flag-setting instruction stores its result and its host
//! carry and overflow instead of packing four bits, and a condition test reads only the flags it
//! needs. The NZCV register layout (bits 31:28, for MRS/MSR, SPSR, debuggers) is packed and
//! unpacked on those cold paths. Condition codes: DDI 0487 C1.2.4, ConditionHolds (J1.3.3).

/// NZCV bit positions in the NZCV register layout ([`Flags::pack`]).
pub const N: u32 = 1 << 31;
/// Zero flag.
pub const Z: u32 = 1 << 30;
/// Carry flag.
pub const C: u32 = 1 << 29;
/// Overflow flag.
pub const V: u32 = 1 << 28;

/// The condition flags. A 64-bit result is stored in `n` and `z` as it is, a 32-bit one
/// sign-extended to 64 bits, so that N is bit 63 of `n` and Z is `z == 0` for both widths.
/// The default is all four clear (as at reset): `z` is then non-zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flags {
    /// N: bit 63.
    pub n: u64,
    /// Z: set when this word is 0.
    pub z: u64,
    /// C.
    pub c: bool,
    /// V.
    pub v: bool,
}

impl Default for Flags {
    fn default() -> Self {
        Self::unpack(0)
    }
}

impl Flags {
    /// N and Z of `r`, the result of a 64-bit operation (`sf`) or, in its low 32 bits, of a
    /// 32-bit one; C and V as given.
    #[inline(always)]
    pub fn of(r: u64, sf: bool, c: bool, v: bool) -> Self {
        let nz = if sf { r } else { r as i32 as i64 as u64 };
        Flags { n: nz, z: nz, c, v }
    }

    /// N and Z of a logical result (C = V = 0).
    #[inline(always)]
    pub fn logic(r: u64, sf: bool) -> Self {
        Self::of(r, sf, false, false)
    }

    /// The flags in the NZCV register layout (bits 31:28).
    #[inline(always)]
    pub fn pack(&self) -> u32 {
        self.nibble() << 28
    }

    /// The flags of `nzcv` (bits 31:28; other bits ignored).
    #[inline(always)]
    pub fn unpack(nzcv: u32) -> Self {
        Flags {
            n: (nzcv as u64 & N as u64) << 32,
            z: (nzcv & Z == 0) as u64,
            c: nzcv & C != 0,
            v: nzcv & V != 0,
        }
    }

    /// NZCV as a number 0..=15 (N the most significant bit).
    #[inline(always)]
    fn nibble(&self) -> u32 {
        ((self.n >> 63) as u32) << 3
            | ((self.z == 0) as u32) << 2
            | (self.c as u32) << 1
            | self.v as u32
    }

    /// Whether condition `cond` holds, evaluated from the flags it reads: meant for a `cond`
    /// known at compile time (a handler's const parameter), where it folds to one or two tests.
    #[inline(always)]
    pub fn holds(&self, cond: u8) -> bool {
        let n = (self.n as i64) < 0;
        let z = self.z == 0;
        let base = match (cond & 15) >> 1 {
            0 => z,
            1 => self.c,
            2 => n,
            3 => self.v,
            4 => self.c && !z,
            5 => n == self.v,
            6 => n == self.v && !z,
            _ => true,
        };
        // Odd conditions invert, except 0b1111 (NV) which is "always" like AL.
        if cond & 1 == 1 && cond & 15 != 15 {
            !base
        } else {
            base
        }
    }
}

/// For each condition code, a 16-bit set of the NZCV values (index = NZCV >> 28) where it holds.
/// Indexed by the whole `u8` (entry `c` is the one of `c & 15`), so that a lookup needs no mask
/// and no bounds check.
const COND_TABLE: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut cond = 0;
    while cond < 256 {
        let mut f = 0;
        while f < 16 {
            let (n, z, c, v) = (f & 8 != 0, f & 4 != 0, f & 2 != 0, f & 1 != 0);
            let base = match (cond & 15) >> 1 {
                0 => z,
                1 => c,
                2 => n,
                3 => v,
                4 => c && !z,
                5 => n == v,
                6 => n == v && !z,
                _ => true,
            };
            // Odd conditions invert, except 0b1111 (NV) which is "always" like AL.
            let holds = if cond & 1 == 1 && cond & 15 != 15 {
                !base
            } else {
                base
            };
            if holds {
                t[cond] |= 1 << f;
            }
            f += 1;
        }
        cond += 1;
    }
    t
};

/// Whether condition `cond` (0..=15) holds for `f`, for a `cond` known only at run time: one
/// table lookup, no branch.
#[inline(always)]
pub fn cond_holds(cond: u8, f: &Flags) -> bool {
    (COND_TABLE[cond as usize] >> f.nibble()) & 1 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions() {
        let f = Flags::unpack;
        assert!(cond_holds(0, &f(Z))); // EQ
        assert!(!cond_holds(1, &f(Z))); // NE
        assert!(cond_holds(14, &f(0)) && cond_holds(15, &f(0))); // AL, NV
        assert!(cond_holds(10, &f(N | V))); // GE: N == V
        assert!(cond_holds(12, &f(0))); // GT
        assert!(!cond_holds(12, &f(Z)));
        assert!(cond_holds(8, &f(C))); // HI
    }

    /// Every NZCV value survives unpack and pack, and every condition gives the same answer from
    /// the words ([`Flags::holds`]) as from the table, for packed flags and for flags as
    /// results leave them (any `n` and `z` words).
    #[test]
    fn pack_unpack_and_conditions_agree() {
        for nzcv in 0..16u32 {
            let f = Flags::unpack(nzcv << 28 | 0x0abc_def0);
            assert_eq!(f.pack(), nzcv << 28);
            for cond in 0..16 {
                assert_eq!(f.holds(cond), cond_holds(cond, &f), "{nzcv:#x} {cond}");
            }
        }
        for r in [
            0u64,
            1,
            0x8000_0000,
            0xffff_ffff,
            1 << 63,
            u64::MAX,
            0x1_0000_0000,
        ] {
            for (c, v) in [(false, false), (false, true), (true, false), (true, true)] {
                for sf in [false, true] {
                    let f = Flags::of(r, sf, c, v);
                    for cond in 0..16 {
                        assert_eq!(f.holds(cond), cond_holds(cond, &f), "{r:#x} {cond}");
                    }
                }
            }
        }
        let f = Flags::of(0x1_8000_0000, false, false, false);
        assert_eq!(f.pack(), N);
        let f = Flags::of(0x1_0000_0000, false, false, false);
        assert_eq!(f.pack(), Z);
        let f = Flags::of(0x1_0000_0000, true, true, false);
        assert_eq!(f.pack(), C);
        assert_eq!(Flags::default().pack(), 0);
    }
}
