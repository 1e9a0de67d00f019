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
    //! Running single SIMD instructions on a fresh vCPU for the unit tests of this directory.
    use crate::aarch64::exec::exec_one;
    use crate::aarch64::state::Cpu;

    /// Run `word` once on a vCPU with V0..V3 preset (others zero); returns the vCPU.
    pub fn run_v(word: u32, v: &[u128]) -> Cpu {
        let mut cpu = Cpu::new(1);
        cpu.sys.set(crate::aarch64::sysreg::Reg::CpacrEl1, 3 << 20);
        for (i, x) in v.iter().enumerate() {
            cpu.v[i] = *x;
        }
        exec_one(&mut cpu, word);
        cpu
    }
}
