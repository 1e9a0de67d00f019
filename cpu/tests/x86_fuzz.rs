//! Robustness fuzzing of the x86_64 interpreter: random byte streams executed in 64-bit mode
//! from random registers. The test asserts that the interpreter never panics and that every
//! run ends in one of its defined outcomes (budget, an architectural exception, a fetch outside
//! RAM), with RIP on the instruction that faulted.
//!
//! The guest: 1 MiB of flat RAM filled with random bytes (biased towards the one-byte opcodes
//! and prefixes that are common in real code, so that streams run longer than pure noise
//! would), refilled every [`ROUND`] runs; registers from the oracle's biased pool with some
//! pointing into the RAM, RFLAGS random. Each run starts at a random offset with a small budget;
//! after an exception the next run starts one byte later.
//!
//! Privilege: every other run is at CPL 3 (`Cpu::new`'s user-mode sandbox, where the
//! privileged instructions raise #GP) or at CPL 0 (the same sandbox with CS and SS at DPL 0,
//! where random bytes reach MOV to control registers, WRMSR, LGDT/LIDT, far transfers into
//! other modes, HLT and port I/O; a LIDT ends the sandbox rule, so later exceptions are
//! delivered through whatever the IDT holds, or end in a triple fault).
//!
//! Environment: `BOOTEMU_FUZZ_X86_INSNS` (instructions to reach, default 2,000,000),
//! `BOOTEMU_FUZZ_SEED` (decimal or 0x-hex). `x86_fuzz_long` (ignored) runs 10^7.

#[allow(dead_code)]
#[path = "oracle/rng.rs"]
mod rng;

use std::panic::{catch_unwind, AssertUnwindSafe};

use bootemu_cpu::aarch64::flat::FlatBus;
use bootemu_cpu::x86_64::system::{attr, sreg};
use bootemu_cpu::x86_64::{BlockCache, Cpu, Exit};
use rng::Rng;

const RAM: u64 = 0x10_0000;
const RAM_SIZE: usize = 0x10_0000;
/// Runs between refills of the RAM with new random bytes.
const ROUND: u64 = 100_000;
/// Bytes the stream generator favours: REX, operand-size and segment prefixes, the ALU
/// opcodes, MOV, PUSH/POP, Jcc, the 0F escape, ModRM-heavy bytes.
const COMMON: &[u8] = &[
    0x48, 0x49, 0x4c, 0x4d, 0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x64, 0x65, 0x00, 0x01, 0x03, 0x09, 0x0f,
    0x21, 0x29, 0x31, 0x39, 0x3b, 0x50, 0x53, 0x58, 0x5b, 0x74, 0x75, 0x80, 0x83, 0x85, 0x88, 0x89,
    0x8b, 0x8d, 0x90, 0xa4, 0xaa, 0xab, 0xb8, 0xc1, 0xc3, 0xc7, 0xd1, 0xd3, 0xe8, 0xe9, 0xeb, 0xf6,
    0xf7, 0xfe, 0xff, 0xaf, 0xb6, 0xb7, 0xbe, 0xa3, 0xab, 0xbc, 0xbd,
];

fn env_u64(name: &str) -> Option<u64> {
    let s = std::env::var(name).ok()?;
    let s = s.trim().replace('_', "");
    Some(match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).expect(name),
        None => s.parse().expect(name),
    })
}

fn fuzz(target: u64) {
    let seed = env_u64("BOOTEMU_FUZZ_SEED").unwrap_or(0x8664_f022);
    let mut rng = Rng::new(seed);
    let mut bus = FlatBus::new(RAM, RAM_SIZE);
    let mut cache = BlockCache::new();
    let (mut insns, mut runs, mut exceptions, mut budgets, mut fetch) = (0u64, 0u64, 0, 0, 0);
    let (mut halts, mut triple, mut kernel) = (0u64, 0u64, 0u64);
    let mut vectors = [0u64; 32];
    let mut rip = RAM + rng.below(RAM_SIZE as u64);
    while insns < target {
        if runs % ROUND == 0 {
            // Fresh streams: random stores (REP STOS of all-ones above all) wear the RAM down
            // to a few repeated bytes. Writing behind the core's back needs the blocks gone.
            for b in bus.ram_mut().iter_mut() {
                *b = if rng.chance(1, 2) {
                    rng.pick(COMMON)
                } else {
                    rng.next() as u8
                };
            }
            cache.clear();
        }
        let mut cpu = Cpu::new();
        if runs % 2 == 1 {
            kernel += 1;
            for r in [sreg::CS, sreg::SS] {
                let s = &mut cpu.sys.seg[r];
                s.selector &= !3;
                s.attr &= !(3 << attr::DPL_SHIFT);
            }
            assert_eq!(cpu.cpl(), 0);
        }
        for r in cpu.regs.iter_mut() {
            *r = if rng.chance(1, 3) {
                RAM + rng.below(RAM_SIZE as u64)
            } else {
                rng.biased()
            };
        }
        cpu.rflags = (rng.next() & 0xcd5) | 2;
        cpu.rip = rip;
        let out = catch_unwind(AssertUnwindSafe(|| {
            let e = cpu.run(&mut cache, &mut bus, 64);
            (e, cpu.insns, cpu.rip)
        }));
        let (exit, n, at) = out.unwrap_or_else(|_| {
            panic!("the interpreter panicked: seed {seed:#x}, run {runs}, rip {rip:#x}")
        });
        runs += 1;
        insns += n + 1; // a faulting instruction counts too
        match exit {
            Exit::Budget => {
                budgets += 1;
                rip = RAM + rng.below(RAM_SIZE as u64);
            }
            Exit::Exception(f) => {
                exceptions += 1;
                vectors[f.vector as usize & 31] += 1;
                rip = if (RAM..RAM + RAM_SIZE as u64).contains(&at) {
                    at + 1
                } else {
                    RAM + rng.below(RAM_SIZE as u64)
                };
            }
            Exit::Halt => {
                halts += 1;
                rip = RAM + rng.below(RAM_SIZE as u64);
            }
            Exit::TripleFault => {
                triple += 1;
                rip = RAM + rng.below(RAM_SIZE as u64);
            }
            Exit::Watch(_) => unreachable!("no watch is armed"),
            Exit::FetchUnmapped(a) => {
                fetch += 1;
                assert!(
                    !(RAM..RAM + RAM_SIZE as u64).contains(&a),
                    "fetch from RAM reported unmapped: {a:#x}"
                );
                rip = RAM + rng.below(RAM_SIZE as u64);
            }
        }
        if !(RAM..RAM + RAM_SIZE as u64).contains(&rip) {
            rip = RAM;
        }
    }
    println!(
        "x86 fuzz: {insns} instructions in {runs} runs ({kernel} at CPL 0), seed {seed:#x}: \
         {budgets} ran out of budget, {exceptions} exceptions (#DE {}, #UD {}, #SS {}, #GP {}), \
         {halts} halts, {triple} triple faults, {fetch} fetches outside RAM",
        vectors[0], vectors[6], vectors[12], vectors[13]
    );
    assert!(
        budgets > 0,
        "no run got through 64 instructions: the streams are all faults"
    );
}

#[test]
fn x86_fuzz_random_bytes() {
    fuzz(env_u64("BOOTEMU_FUZZ_X86_INSNS").unwrap_or(2_000_000));
}

#[test]
#[ignore]
fn x86_fuzz_long() {
    fuzz(10_000_000);
}
