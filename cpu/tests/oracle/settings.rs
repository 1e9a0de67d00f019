//! The oracles' settings from the environment, shared by the A64 and x86 oracles:
//! `BOOTEMU_ORACLE_SEED` (decimal or 0x-hex) instead of each class's fixed seed, and counts
//! such as `BOOTEMU_ORACLE_CASES` and `BOOTEMU_ORACLE_SHOW`.

/// The seed of class `name`: `BOOTEMU_ORACLE_SEED` when set, else FNV-1a of the name (fixed,
/// distinct per class).
pub fn class_seed(name: &str) -> u64 {
    env_seed().unwrap_or_else(|| {
        name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
        })
    })
}

fn env_seed() -> Option<u64> {
    let s = std::env::var("BOOTEMU_ORACLE_SEED").ok()?;
    let s = s.trim();
    Some(match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).expect("BOOTEMU_ORACLE_SEED: bad hex"),
        None => s.parse().expect("BOOTEMU_ORACLE_SEED: bad number"),
    })
}

/// The count in environment variable `name` (underscores allowed), else `default`.
pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().replace('_', "").parse().expect(name))
        .unwrap_or(default)
}
