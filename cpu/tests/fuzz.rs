//! Robustness fuzzing of the A64 interpreter: random 32-bit words executed as instructions in a
//! sandboxed guest that catches its own exceptions. The test asserts that the interpreter never
//! panics, always returns to its caller, and never writes the XZR read slot.
//!
//! The guest: one flat RAM; a vector table at VBAR_EL1 whose every entry is `HVC #1` (so any
//! exception hands control back as `Exit::Hvc(1)`); a page of slots, each holding one random word
//! followed by `HVC #0`. Words run in rounds: all slots of a round are written first and their
//! pages invalidated in the block cache (`CodePages::invalidate`), then each word runs from its
//! slot at EL1 with random registers (X0–X30 and SP, from a pool of biased values) and NZCV and a small budget (branches into other slots or
//! into zeroed memory, and loops, end there). PSTATE and the system registers that decide where
//! exceptions go (EL, SPSel, DAIF, VBAR_EL1, SCTLR_EL1) are restored before every word, since
//! random MSRs change them.
//!
//! Environment: `BOOTEMU_FUZZ_WORDS` (count), `BOOTEMU_FUZZ_SEED` (decimal or 0x-hex).
//! `fuzz_random_words` runs 10,000,000 words (about 8 s in the dev profile);
//! `fuzz_random_words_long` (ignored) runs 100,000,000:
//! `cargo test --release -p bootemu-cpu --test fuzz -- --ignored`.

#[allow(dead_code)]
#[path = "oracle/rng.rs"]
mod rng;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use bootemu_cpu::aarch64::flat::FlatBus;
use bootemu_cpu::aarch64::sysreg::Reg;
use bootemu_cpu::aarch64::{BlockCache, Cpu, Exit, REG_ZR_READ};
use rng::Rng;

const RAM: u64 = 0x4000_0000;
const RAM_SIZE: usize = 0x10_0000;
/// VBAR_EL1: 2 KiB aligned, away from the RAM base (a likely random store target).
const VECTORS: u64 = RAM + 0x8_0800;
/// First slot page; slots are 8 bytes: the word, then `HVC #0`.
const SLOTS: u64 = RAM + 0x9_0000;
const SLOT_PAGES: u64 = 16;
const SLOTS_PER_ROUND: usize = (SLOT_PAGES * 4096 / 8) as usize;
const HVC0: u32 = 0xd400_0002;
const HVC1: u32 = 0xd400_0022;
const BUDGET: u64 = 64;
/// Biased register values drawn once; each word takes 32 consecutive ones from a random start.
const POOL: usize = 1 << 16;
const DEFAULT_SEED: u64 = 0x5eed_f022_a64a_64a6;

#[derive(Default, Debug)]
struct Tally {
    words: u64,
    completed: u64,
    exceptions: u64,
    budget: u64,
    other_exits: u64,
    insns: u64,
}

fn env_u64(name: &str) -> Option<u64> {
    let s = std::env::var(name).ok()?;
    let s = s.trim().replace('_', "");
    Some(match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).expect(name),
        None => s.parse().expect(name),
    })
}

fn write_vectors(bus: &mut FlatBus) {
    let words = vec![HVC1; 0x800 / 4];
    bus.load_words(VECTORS, &words);
}

fn fuzz(default_words: u64) {
    let total = env_u64("BOOTEMU_FUZZ_WORDS").unwrap_or(default_words);
    let seed = env_u64("BOOTEMU_FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    eprintln!(
        "fuzz: {total} random words, seed {seed:#x} (BOOTEMU_FUZZ_SEED={seed:#x} reproduces)"
    );
    let mut r = Rng::new(seed);
    let mut bus = FlatBus::new(RAM, RAM_SIZE);
    write_vectors(&mut bus);
    let mut cache = BlockCache::new();
    let mut cpu = Cpu::new(1);
    let sctlr = cpu.sys.get(Reg::SctlrEl1);
    let mut t = Tally::default();
    let start = Instant::now();
    let mut words = vec![0u32; SLOTS_PER_ROUND];
    let pool: Vec<u64> = (0..POOL).map(|_| r.biased()).collect();
    let mut done = 0u64;
    while done < total {
        let n = (SLOTS_PER_ROUND as u64).min(total - done) as usize;
        for (k, w) in words[..n].iter_mut().enumerate() {
            *w = r.u32();
            bus.load_words(SLOTS + 8 * k as u64, &[*w, HVC0]);
        }
        for p in 0..SLOT_PAGES {
            cache.code.invalidate(SLOTS + p * 4096);
        }
        cpu.stats.undefined.clear();
        for (k, &word) in words[..n].iter().enumerate() {
            if cpu.code_written {
                // A random store reached code: restore the vectors and drop stale blocks.
                cpu.code_written = false;
                write_vectors(&mut bus);
                cache.code.invalidate(VECTORS & !0xfff);
                for (j, &w) in words[..n].iter().enumerate() {
                    bus.load_words(SLOTS + 8 * j as u64, &[w, HVC0]);
                }
                for p in 0..SLOT_PAGES {
                    cache.code.invalidate(SLOTS + p * 4096);
                }
            }
            if cpu.el != 1 || !cpu.sp_sel {
                cpu.set_el_sp(1, true);
            }
            cpu.daif = 0xf << 6;
            cpu.sys.set(Reg::VbarEl1, VECTORS);
            if cpu.sys.get(Reg::SctlrEl1) != sctlr {
                cpu.sys.set(Reg::SctlrEl1, sctlr);
                cpu.tlb.flush();
            }
            // 32 consecutive values of the pool from a random start: cheaper than 32 biased draws.
            let at = r.below((POOL - 32) as u64) as usize;
            cpu.x[..32].copy_from_slice(&pool[at..at + 32]);
            cpu.set_nzcv((r.below(16) as u32) << 28);
            cpu.exclusive = None;
            let pc = SLOTS + 8 * k as u64;
            cpu.pc = pc;
            let before = cpu.insns;
            let res = catch_unwind(AssertUnwindSafe(|| cpu.run(&mut cache, &mut bus, BUDGET)));
            let exit = match res {
                Ok(e) => e,
                Err(_) => panic!(
                    "interpreter panicked on word {word:#010x} at {pc:#x} (word #{}, seed {seed:#x})",
                    done + k as u64
                ),
            };
            assert!(
                cpu.insns - before <= BUDGET,
                "word {word:#010x}: ran {} instructions on a budget of {BUDGET}",
                cpu.insns - before
            );
            assert_eq!(
                cpu.x[REG_ZR_READ as usize],
                0,
                "word {word:#010x} at {pc:#x} wrote the XZR read slot (word #{}, seed {seed:#x})",
                done + k as u64
            );
            t.insns += cpu.insns - before;
            match exit {
                Exit::Hvc(0) => t.completed += 1,
                Exit::Hvc(1) => t.exceptions += 1,
                Exit::Budget => t.budget += 1,
                _ => t.other_exits += 1,
            }
        }
        t.words += n as u64;
        done += n as u64;
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "fuzz: {} words in {secs:.1}s ({:.0} ns/word, {} instructions): {} completed, {} \
         exceptions, {} budget, {} other exits",
        t.words,
        secs * 1e9 / t.words.max(1) as f64,
        t.insns,
        t.completed,
        t.exceptions,
        t.budget,
        t.other_exits
    );
}

#[test]
fn fuzz_random_words() {
    fuzz(10_000_000);
}

#[test]
#[ignore = "long: 100,000,000 words; run in release"]
fn fuzz_random_words_long() {
    fuzz(100_000_000);
}
