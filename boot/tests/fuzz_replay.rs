//! Bounded, deterministic replay of the fuzz targets (`bootemu_boot::fuzz_targets`, fuzzed for
//! real with cargo-fuzz in `fuzz/`): every seed, then mutations of the seeds drawn from a fixed
//! xorshift sequence (byte flips, words set to boundary values, truncation, duplication), each
//! run through its target. Same inputs every run; any panic fails the test.

use bootemu_boot::fuzz_targets as t;

/// Mutations per target.
const ROUNDS: usize = 20_000;
/// Words that break size and offset arithmetic.
const EDGES: [u32; 8] = [
    0,
    1,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_fff0,
    0xffff_ffff,
    0xd00d_feed,
    0x0040_0000,
];

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(seed: &[u8], r: &mut XorShift) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..=r.below(4) {
        match r.below(5) {
            0 if !b.is_empty() => {
                let i = r.below(b.len());
                b[i] ^= 1 << r.below(8);
            }
            1 if b.len() >= 4 => {
                let i = r.below(b.len() - 3) & !3;
                let w = EDGES[r.below(EDGES.len())];
                let bytes = if r.below(2) == 0 {
                    w.to_be_bytes()
                } else {
                    w.to_le_bytes()
                };
                b[i..i + 4].copy_from_slice(&bytes);
            }
            2 => {
                let n = r.below(b.len() + 1);
                b.truncate(n);
            }
            3 if !b.is_empty() => {
                let i = r.below(b.len());
                let n = r.below(b.len() - i + 1).min(256);
                let chunk = b[i..i + n].to_vec();
                b.splice(i..i, chunk);
            }
            _ if !b.is_empty() => {
                let i = r.below(b.len());
                b[i] = r.next() as u8;
            }
            _ => {}
        }
    }
    b
}

fn replay(name: &str, seeds: &[Vec<u8>], target: fn(&[u8])) {
    assert!(!seeds.is_empty(), "{name}: no seeds");
    let mut r = XorShift(0x9e37_79b9_7f4a_7c15 ^ name.len() as u64);
    for s in seeds {
        target(s);
    }
    for _ in 0..ROUNDS {
        let seed = &seeds[r.below(seeds.len())];
        target(&mutate(seed, &mut r));
    }
}

#[test]
fn dtb_target() {
    replay("dtb", &t::dtb_seeds(), t::dtb);
}

#[test]
fn image_target() {
    replay("image", &t::image_seeds(), t::image);
}

#[test]
fn symbols_target() {
    replay("symbols", &t::symbols_seeds(), t::symbols);
}

#[test]
fn uefi_mmap_target() {
    replay("uefi_mmap", &t::uefi_mmap_seeds(), t::uefi_mmap);
}

#[test]
fn x86_target() {
    replay("x86", &t::x86_seeds(), t::x86);
}
