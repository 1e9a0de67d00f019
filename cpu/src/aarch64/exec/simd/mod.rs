//! AdvSIMD integer, logical, permute and immediate instructions, and SIMD&FP loads and stores
//! (DDI 0487 C7.2; load/store encodings C4.1.88).
//!
//! Files: [`ldst`] (SIMD&FP register loads/stores and the structure loads/stores), [`arith`]
//! (three same, three different, two-register misc, across lanes, by element, and their scalar
//! forms), [`shift`] (shift by immediate, vector and scalar), [`permute`] (ZIP/UZP/TRN, EXT,
//! TBL/TBX, DUP/INS/UMOV/SMOV), [`modimm`] (MOVI/MVNI/ORR/BIC immediate) and [`lanes`] (the
//! lane-wise helpers they share).
//!
//! Operand layout of the data-processing shapes (see `decode/shapes.rs`): `rd`, `rn`, `rm` are
//! V register numbers (or a general register slot where the instruction names one); `op` is the
//! element size as log2(bytes) (0 = B … 3 = D; the narrow size for widening and narrowing
//! operations); `op2` is the number of bytes the operation covers (8 or 16 for vectors, the
//! element size for the scalar forms; for widening/narrowing forms, the narrow side); `sf` selects
//! the upper half ("2" forms); `shift` is a shift amount or element index; `ra` a run-time
//! operation selector where one line serves a class; `imm` an immediate.
//!
//! Every input is masked to the bytes the operation covers before lanes are computed, so lanes
//! outside it are zero and never set FPSR.QC; results are masked again (writes of less than 128
//! bits zero the rest of the register).

pub mod arith;
pub mod lanes;
pub mod ldst;
pub mod modimm;
pub mod permute;
pub mod shift;

use crate::aarch64::state::Cpu;
use crate::aarch64::sysreg::Reg;

/// FPSR.QC, the cumulative saturation flag.
pub const FPSR_QC: u64 = 1 << 27;

/// Set FPSR.QC (an operation saturated).
#[cold]
#[inline(never)]
pub fn set_qc(cpu: &mut Cpu) {
    let v = cpu.sys.get(Reg::Fpsr);
    cpu.sys.set(Reg::Fpsr, v | FPSR_QC);
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Checking SIMD instructions against vectors recorded from qemu-aarch64 (`-cpu cortex-a57`):
    //! each line is `word v0 v1 v2 v3 -> v0 v1 v2 v3 x5 fpsr # asm` (hexadecimal). The
    //! instruction runs with V0–V3 preset, X0 = DATA + 0x100 where DATA holds the bytes
    //! `(7i + 3) & 255`, X5 = 0x5555 and FPSR = 0; V0–V3, X5 and FPSR must then match.
    use crate::aarch64::flat::FlatBus;
    use crate::aarch64::mmu::tests::{identity_map, AF};
    use crate::aarch64::state::{Cpu, Exit};
    use crate::aarch64::sysreg::Reg;
    use crate::aarch64::BlockCache;

    const BASE: u64 = 0x4000_0000;
    const DATA: u64 = BASE + 0x1000;

    /// Check every vector of `text`.
    pub fn check(text: &str) {
        let mut n = 0;
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (data, asm) = line.split_once('#').unwrap_or((line, ""));
            let (input, output) = data.split_once("->").expect("`->` in vector");
            let hex = |t: &str| u128::from_str_radix(t, 16).expect("hex field");
            let i: Vec<u128> = input.split_whitespace().map(hex).collect();
            let o: Vec<u128> = output.split_whitespace().map(hex).collect();
            assert!(i.len() == 5 && o.len() == 6, "malformed vector: {line}");
            let mut bus = FlatBus::new(BASE, 0x8000);
            bus.load_words(BASE, &[i[0] as u32, 0xd400_0002]);
            let bytes: Vec<u8> = (0..1024u32).map(|i| (i * 7 + 3) as u8).collect();
            bus.load(DATA, &bytes);
            let mut cpu = Cpu::new(1);
            cpu.pc = BASE;
            cpu.sys.set(Reg::CpacrEl1, 3 << 20);
            // Normal memory: with stage 1 off, data accesses are Device and unaligned ones fault.
            identity_map(&mut cpu, &mut bus, BASE + 0x4000, BASE, |_| AF);
            cpu.v[..4].copy_from_slice(&i[1..5]);
            cpu.x[0] = DATA + 0x100;
            cpu.x[5] = 0x5555;
            let exit = cpu.run(&mut BlockCache::new(), &mut bus, 2);
            assert_eq!(exit, Exit::Hvc(0), "{asm}: did not run to the HVC");
            let got = [
                cpu.v[0],
                cpu.v[1],
                cpu.v[2],
                cpu.v[3],
                cpu.x[5] as u128,
                cpu.sys.get(Reg::Fpsr) as u128,
            ];
            assert_eq!(&got[..], &o[..], "{asm}: V0-V3, X5, FPSR for {line}");
            n += 1;
        }
        assert!(n > 0);
    }
}
