//! AdvSIMD integer, logical, permute and immediate instructions, and SIMD&FP loads and stores
//! (DDI 0487 C7.2; load/store encodings C4.1.88).
