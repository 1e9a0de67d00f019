//! A small deterministic generator (SplitMix64) with the biased value distributions the oracle
//! uses for register inputs: zero, one, all ones, the signed limits, small magnitudes, 32-bit
//! boundaries and uniform values.

/// SplitMix64: tiny, fast, and good enough to pick test inputs.
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// 64 uniform bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// 32 uniform bits.
    pub fn u32(&mut self) -> u32 {
        (self.next() >> 32) as u32
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    /// One element of `xs`.
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }

    /// A register value biased towards the edges where integer semantics differ.
    pub fn biased(&mut self) -> u64 {
        let small = self.below(64);
        match self.below(20) {
            0 => 0,
            1 => 1,
            2 => u64::MAX,
            3 => i64::MAX as u64,
            4 => 1 << 63,
            5 => small,
            6 => small.wrapping_neg(),
            7 => 0xffff_ffff,
            8 => 0x8000_0000,
            9 => 0x7fff_ffff,
            10 => 0x1_0000_0000,
            11 => self.next() as u32 as u64,
            12 => (self.next() as u32 as i32) as i64 as u64,
            13 => [0x7fff_ffffu64, 0x8000_0000, 0xffff_ffff, 1 << 32, 1 << 63]
                [self.below(5) as usize]
                .wrapping_add(small)
                .wrapping_sub(32),
            14 => 1u64 << self.below(64),
            15 => !(1u64 << self.below(64)),
            _ => self.next(),
        }
    }
}
