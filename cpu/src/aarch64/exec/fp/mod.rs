//! Scalar floating point and the floating-point forms of AdvSIMD (DDI 0487 C7.2, "Floating-point
//! and Advanced SIMD instructions"; semantics from the FPAdd/FPMul/FPRound… pseudocode of J1.2).
