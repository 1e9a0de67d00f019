//! Randomised three-way differential test of the x86_64 interpreter: random straight-line
//! programs per instruction class (`x86_oracle/gen.rs`) run natively on the host CPU (when it
//! is x86_64 Linux), under `qemu-x86_64` (user mode) and on the interpreter; all three must end
//! with the same sixteen registers, DF and the same defined status flags (those the architecture leaves
//! undefined at that point are masked, per instruction), the same scratch memory (data and
//! stack) and the same signal (#DE → SIGFPE, …).
//!
//! Each batch of programs becomes one static ELF (`x86_oracle/image.rs`) whose driver loads each
//! case's registers and RFLAGS, runs the program and dumps the state; native and QEMU run that
//! ELF, the interpreter runs each program from the same input state on a flat bus holding the
//! same image.
//!
//! The XMM registers (random at entry) and MXCSR are compared too. qemu-x86_64 (10.0, TCG)
//! does not raise #GP for a misaligned 16-byte operand of the aligned SSE forms (MOVAPS,
//! PADDB xmm, m128, …); where the native run and the interpreter both stop with SIGSEGV at
//! such an instruction, the QEMU leg is not compared for that case (counted in the summary as
//! "QEMU alignment skips"). For the floating-point classes (`sse_fp`, `sse_cvt`) and the x87
//! ones (`x87`, `x87env`, `x87exact`, `x87transc`) the host CPU is the oracle when it is
//! available (see `native_only`); the programs where QEMU alone differs are counted. The x87
//! state is compared through its FXSAVE64 image. What the host decides for itself is kept
//! out of the comparison by the generator: the instruction and data pointers an
//! FNSTENV/FNSAVE stores are overwritten after it, FBLD gets valid BCD digits only, and the
//! transcendental forms get an ST(0) whose result is exactly defined (zeros, infinities,
//! NaNs, unsupported encodings, out-of-range arguments; their finite results are held to a
//! tolerance in ulps by `x86_f80_host.rs`).
//!
//! Environment:
//! - `BOOTEMU_ORACLE_SEED`: seed (decimal or 0x-hex) instead of the fixed per-class default.
//! - `BOOTEMU_ORACLE_CASES`: programs per class for the default tests (default 2,000).
//! - `BOOTEMU_ORACLE_SHOW`: how many mismatches to print in full per class (default 5).
//! - `BOOTEMU_ORACLE_KEEP`: keep the ELF files (in the temporary directory) for debugging.
//! - `BOOTEMU_QEMU_X86_64`: path of qemu-x86_64 (default /usr/bin/qemu-x86_64).
//! - `CI`: when set, a missing qemu-x86_64 (or a host that cannot run x86_64 Linux code
//!   natively) fails the tests instead of skipping that leg.
//!
//! `cargo test -p bootemu-cpu --test x86_oracle -- --ignored` runs 100,000 programs per class.

#[path = "x86_oracle/classes.rs"]
#[allow(dead_code)]
mod classes;
#[path = "x86_oracle/gen.rs"]
mod gen;
#[path = "x86_oracle/image.rs"]
mod image;
#[path = "oracle/rng.rs"]
#[allow(dead_code)]
mod rng;
#[path = "oracle/settings.rs"]
mod settings;

use std::path::PathBuf;

use bootemu_cpu::aarch64::flat::FlatBus;
use bootemu_cpu::x86_64::{BlockCache, Cpu, Exit};
use iced_x86::{Decoder, Formatter, IntelFormatter};

use classes::{Class, CLASSES, STATUS};
use gen::Program;
use image::{CaseIn, CaseOut, BASE, SCRATCH, SCRATCH_LEN};
use rng::Rng;

/// Programs per ELF.
const BATCH: usize = 2_000;
/// Instructions per program (before set-up instructions).
const PROGRAM_LEN: usize = 8;

fn ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// The QEMU to compare against, or `None` (after a notice) when it is missing outside CI.
fn qemu(test: &str) -> Option<String> {
    let q = std::env::var("BOOTEMU_QEMU_X86_64").unwrap_or_else(|_| "/usr/bin/qemu-x86_64".into());
    if std::path::Path::new(&q).exists() {
        return Some(q);
    }
    let msg = format!(
        "x86 oracle {test}: {q} not found (install qemu-user with testdata/setup.sh, or set \
         BOOTEMU_QEMU_X86_64)"
    );
    if ci() {
        panic!("{msg}; CI is set, so this is a failure");
    }
    eprintln!("{msg}: the QEMU leg is SKIPPED");
    None
}

/// Whether this host runs x86_64 Linux programs natively.
fn native(test: &str) -> bool {
    let ok = cfg!(all(target_arch = "x86_64", target_os = "linux"));
    if !ok {
        let msg = format!("x86 oracle {test}: the host is not x86_64 Linux");
        if ci() {
            panic!("{msg}; CI is set, so this is a failure");
        }
        eprintln!("{msg}: the native leg is SKIPPED");
    }
    ok
}

/// The signal Linux delivers for an exception vector.
fn signal_of(vector: u8) -> u64 {
    match vector {
        0 | 16 | 19 => 8, // #DE, #MF, #XM: SIGFPE
        6 => 4,           // #UD: SIGILL
        12 => 7,          // #SS: SIGBUS
        _ => 11,          // #GP and the rest: SIGSEGV
    }
}

/// Whether only the host CPU is `class`'s oracle (when it is available): qemu-x86_64 10.0's
/// softfloat differs from hardware in the denormal flag and NaN propagation, and its FXRSTOR
/// loads an MXCSR with reserved bits set instead of raising #GP.
fn native_only(class: &Class) -> bool {
    matches!(
        class.name,
        "sse_fp" | "sse_cvt" | "x87" | "x87env" | "x87exact" | "x87transc"
    )
}

/// `out` as compared with QEMU's: for `mmx`, without the x87 tag byte and the registers'
/// sign and exponent words (qemu-x86_64 10.0's MMX instructions do not set them to all
/// ones, and its CVTPI2PS with a memory source makes the MMX transition; the host CPU's are
/// compared in full).
fn qemu_view(class: &Class, out: &CaseOut) -> CaseOut {
    let mut o = out.clone();
    if class.name == "mmx" {
        o.fx[4] = 0;
        for r in 0..8 {
            let at = 32 + 16 * r + 8;
            o.fx[at..at + 2].fill(0);
        }
    }
    o
}

/// Whether `class` gets floating-point XMM values and a random MXCSR.
fn fp_inputs(class: &Class) -> bool {
    matches!(class.name, "sse_fp" | "sse_cvt" | "mmx")
}

/// A random XMM value for the floating-point classes: four single or two double elements,
/// each an edge (zeros, denormals, the extremes, infinities, quiet and signalling NaNs), a
/// value of small magnitude or random bits.
fn fp_value(rng: &mut Rng) -> u128 {
    let double = rng.chance(1, 2);
    let (e, n) = if double { (64, 2) } else { (32, 4) };
    let mut v = 0u128;
    for i in 0..n {
        let sign = (rng.next() & 1) << (e - 1);
        let man = if double { 52 } else { 23 };
        let emax: u64 = if double { 0x7ff } else { 0xff };
        let bias: u64 = if double { 1023 } else { 127 };
        let frac = rng.next() & ((1u64 << man) - 1);
        let x = match rng.below(12) {
            0 => 0,
            1 => frac.max(1),                                    // denormal
            2 => 1 << man,                                       // smallest normal
            3 => emax << man,                                    // infinity
            4 => (emax << man) | (1 << (man - 1)) | (frac >> 1), // quiet NaN
            5 => (emax << man) | (frac >> 1).max(1),             // signalling NaN
            6 => ((emax - 1) << man) | frac,                     // huge
            7 => (1 << man) | frac >> rng.below(man + 1),        // tiny normal
            8 => rng.next() & ((1u64 << (e - 1)) - 1),           // random bits
            _ => ((bias - 8 + rng.below(40)) << man) | frac,     // ordinary
        };
        let x = (x | sign) & if double { u64::MAX } else { 0xffff_ffff };
        v |= (x as u128) << (e * i);
    }
    v
}

/// Run every case on the interpreter; also the instruction offset where each stopped.
///
/// The interpreter's copy of the image has a UD2 where each case jumps to SAVE, so a case runs
/// in one `run` call, through whole blocks, and ends at a #UD at that address.
fn run_ours(img: &[u8], ends: &[u64], cases: &[CaseIn], init: &[u8]) -> Vec<(CaseOut, u64)> {
    let mut bus = FlatBus::new(BASE, img.len() + 0x1000);
    bus.ram_mut()[..img.len()].copy_from_slice(img);
    for &e in ends {
        let o = (e - BASE) as usize;
        bus.ram_mut()[o..o + 2].copy_from_slice(&[0x0f, 0x0b]);
    }
    let mut cache = BlockCache::new();
    let s = (SCRATCH - BASE) as usize;
    cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            bus.ram_mut()[s..s + SCRATCH_LEN].copy_from_slice(init);
            let mut cpu = Cpu::new();
            cpu.regs = c.regs;
            // A Linux process runs with IF set (PUSHF shows it).
            cpu.rflags = c.rflags | 2 | bootemu_cpu::x86_64::flag::IF;
            cpu.xmm = c.xmm;
            cpu.mxcsr = c.mxcsr;
            let start = image::case_addr(i);
            cpu.rip = start;
            let signal = match cpu.run(&mut cache, &mut bus, 10_000) {
                Exit::Exception(f) if f.vector == 6 && cpu.rip == ends[i] => 0,
                Exit::Exception(f) => signal_of(f.vector),
                Exit::FetchUnmapped(_) => 11,
                Exit::Budget => 255, // runaway: never matches
                // Not reachable from CPL 3 in the sandbox (HLT is #GP there, nothing
                // delivers): never matches.
                Exit::Halt | Exit::TripleFault => 255,
                // No watch is armed: never happens, never matches.
                Exit::Watch(_) => 255,
            };
            let out = CaseOut {
                regs: cpu.regs,
                rflags: cpu.rflags,
                signal,
                xmm: cpu.xmm,
                mxcsr: cpu.mxcsr,
                fx: bootemu_cpu::x86_64::exec::x87::fxsave_image(&cpu).to_vec(),
                scratch: bus.ram()[s..s + SCRATCH_LEN].to_vec(),
            };
            (out, cpu.rip.wrapping_sub(start))
        })
        .collect()
}

fn disasm(code: &[u8], base: u64) -> String {
    let mut d = Decoder::with_ip(64, code, base, 0);
    let mut f = IntelFormatter::new();
    let mut s = String::new();
    for ins in d.iter() {
        let mut t = String::new();
        f.format(&ins, &mut t);
        s += &format!("    {:#x}: {t}\n", ins.ip());
    }
    s
}

const NAMES: [&str; 16] = [
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
    "r14", "r15",
];

/// The direction flag: compared always.
const DF: u64 = 0x400;

/// Differences between `a` (named `an`) and `b` under the flag mask `defined`.
fn diff(an: &str, a: &CaseOut, bn: &str, b: &CaseOut, defined: u64, why: &mut Vec<String>) {
    for (r, name) in NAMES.iter().enumerate() {
        if a.regs[r] != b.regs[r] {
            why.push(format!(
                "{name}: {an} {:#018x} {bn} {:#018x}",
                a.regs[r], b.regs[r]
            ));
        }
    }
    for r in 0..16 {
        if a.xmm[r] != b.xmm[r] {
            why.push(format!(
                "xmm{r}: {an} {:#034x} {bn} {:#034x}",
                a.xmm[r], b.xmm[r]
            ));
        }
    }
    if a.mxcsr != b.mxcsr {
        why.push(format!("mxcsr: {an} {:#x} {bn} {:#x}", a.mxcsr, b.mxcsr));
    }
    // x87 state, without FOP/FIP/FDP (bytes 6–23: vendor-dependent when no exception is
    // pending) and MXCSR_MASK (28–31: the host's).
    let fx_diff = (0..image::FX_LEN)
        .filter(|i| !(6..24).contains(i) && !(28..32).contains(i))
        .find(|&i| a.fx[i] != b.fx[i]);
    if let Some(i) = fx_diff {
        why.push(format!(
            "x87 state (FXSAVE image byte {i}): {an} {:02x?} {bn} {:02x?}",
            &a.fx[..160],
            &b.fx[..160]
        ));
    }
    let defined = defined | DF;
    if (a.rflags ^ b.rflags) & defined != 0 {
        why.push(format!(
            "rflags (defined {defined:#x}): {an} {:#x} {bn} {:#x}",
            a.rflags & (STATUS | DF),
            b.rflags & (STATUS | DF)
        ));
    }
    if a.signal != b.signal {
        why.push(format!("signal: {an} {} {bn} {}", a.signal, b.signal));
    }
    if a.scratch != b.scratch {
        let first = a.scratch.iter().zip(&b.scratch).position(|(x, y)| x != y);
        why.push(format!(
            "scratch memory differs from {:#x}",
            SCRATCH + first.unwrap_or(0) as u64
        ));
    }
}

/// The mask of flags defined where the program stopped (`stop`: offset of the faulting
/// instruction, or the program's end).
fn defined_at(p: &Program, stop: u64, signal: u64) -> u64 {
    if signal == 0 {
        return p.defined;
    }
    p.marks
        .iter()
        .find(|(off, _)| *off == stop)
        .map_or(0, |(_, d)| *d)
}

fn run_class(class: &Class, programs: usize) {
    let test = format!("x86_oracle_{}", class.name);
    let qemu = qemu(&test);
    let native = native(&test);
    let seed = settings::class_seed(class.name);
    let show = settings::env_usize("BOOTEMU_ORACLE_SHOW", 5);
    let forms = gen::forms(class);
    assert!(!forms.is_empty(), "{test}: no forms");
    let mut rng = Rng::new(seed);
    let dir = std::env::temp_dir();
    let (mut total, mut insns, mut faulted, mut mismatches) = (0usize, 0usize, 0usize, 0usize);
    let mut qemu_align_skips = 0usize;
    let mut qemu_fp_deviations = 0usize;
    let mut shown = 0;
    let mut used = std::collections::BTreeSet::new();
    let t0 = std::time::Instant::now();
    let mut batch_no = 0;
    while total < programs {
        let n = BATCH.min(programs - total);
        let init: Vec<u8> = (0..SCRATCH_LEN).map(|_| rng.next() as u8).collect();
        let mut progs = Vec::with_capacity(n);
        let mut cases = Vec::with_capacity(n);
        for i in 0..n {
            let p = gen::program(&mut rng, class, &forms, image::case_addr(i), PROGRAM_LEN);
            let mut regs: [u64; 16] = std::array::from_fn(|_| rng.biased());
            regs[4] = image::STACK_TOP;
            let rflags = (rng.next() & STATUS) | 2;
            let (xmm, mxcsr) = if fp_inputs(class) {
                let xmm: [u128; 16] = std::array::from_fn(|_| fp_value(&mut rng));
                // Rounding, DAZ, FTZ and the sticky flags are random; in a quarter of the
                // sse_fp and sse_cvt cases some exceptions are unmasked (#XM: SIGFPE).
                let unmask = if matches!(class.name, "sse_fp" | "sse_cvt") && rng.chance(1, 4) {
                    (rng.next() as u32 & 0x3f) << 7
                } else {
                    0
                };
                let m = (image::MXCSR & !unmask)
                    | (rng.next() as u32 & 0x3f)
                    | (rng.next() as u32 & 3) << 13
                    | (rng.next() as u32 & 1) << 6
                    | (rng.next() as u32 & 1) << 15;
                (xmm, m)
            } else {
                let xmm: [u128; 16] =
                    std::array::from_fn(|_| (rng.biased() as u128) << 64 | rng.biased() as u128);
                (xmm, image::MXCSR)
            };
            insns += p.marks.len();
            used.extend(p.used.iter().map(|c| *c as u32));
            cases.push(CaseIn {
                regs,
                rflags,
                xmm,
                mxcsr,
                code: p.code.clone(),
            });
            progs.push(p);
        }
        let (img, ends) = image::build(&cases, &init);
        let path: PathBuf = dir.join(format!(
            "bootemu-x86-oracle-{}-{}-{batch_no}.elf",
            class.name,
            std::process::id()
        ));
        std::fs::write(&path, &img).expect("write the oracle ELF");
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .expect("chmod the oracle ELF");
        }
        let nat = native.then(|| image::run(&path, None, n).unwrap_or_else(|e| panic!("{e}")));
        let qem = qemu
            .as_deref()
            .map(|q| image::run(&path, Some(q), n).unwrap_or_else(|e| panic!("{e}")));
        if std::env::var_os("BOOTEMU_ORACLE_KEEP").is_none() {
            let _ = std::fs::remove_file(&path);
        }
        let ours = run_ours(&img, &ends, &cases, &init);
        for i in 0..n {
            let (o, stop) = &ours[i];
            let sig = nat
                .as_ref()
                .map(|v| v[i].signal)
                .or(qem.as_ref().map(|v| v[i].signal))
                .unwrap_or(o.signal);
            let defined = defined_at(&progs[i], *stop, sig.max(o.signal));
            let mut why = Vec::new();
            if let Some(nv) = &nat {
                diff("native", &nv[i], "ours", o, defined, &mut why);
            }
            let align_fault = o.signal == 11
                && progs[i].aligned_sse.contains(stop)
                && nat.as_ref().is_some_and(|nv| nv[i].signal == 11);
            if align_fault {
                qemu_align_skips += 1;
            }
            let qemu_fp = native_only(class) && nat.is_some();
            if let (true, Some(qv)) = (qemu_fp, &qem) {
                let mut q = Vec::new();
                diff("qemu", &qv[i], "ours", o, defined, &mut q);
                qemu_fp_deviations += !q.is_empty() as usize;
            } else if let Some(qv) = qem.as_ref().filter(|_| !align_fault) {
                let q = qemu_view(class, &qv[i]);
                diff("qemu", &q, "ours", &qemu_view(class, o), defined, &mut why);
                if let Some(nv) = &nat {
                    diff(
                        "native",
                        &qemu_view(class, &nv[i]),
                        "qemu",
                        &q,
                        defined,
                        &mut why,
                    );
                }
            }
            if o.signal != 0 {
                faulted += 1;
            }
            if !why.is_empty() {
                mismatches += 1;
                if shown < show {
                    shown += 1;
                    let c = &cases[i];
                    let mut regs = String::new();
                    for (name, v) in NAMES.iter().zip(c.regs) {
                        regs += &format!("{name}={v:#x} ");
                    }
                    for (k, x) in c.xmm.iter().enumerate() {
                        regs += &format!("xmm{k}={x:#x} ");
                    }
                    regs += &format!("mxcsr={:#x} ", c.mxcsr);
                    eprintln!(
                        "MISMATCH {test} batch {batch_no} case {i}:\n  input: {regs}rflags={:#x}\n{}  {}",
                        c.rflags,
                        disasm(&c.code, image::case_addr(i)),
                        why.join("\n  ")
                    );
                }
            }
        }
        total += n;
        batch_no += 1;
    }
    let legs = match (native, qemu.is_some()) {
        (true, true) => "native+qemu+ours",
        (true, false) => "native+ours",
        (false, true) => "qemu+ours",
        (false, false) => "ours only (no oracle)",
    };
    println!(
        "x86 oracle {}: {total} programs, {insns} instructions, {} of {} forms, seed {seed:#x}, \
         {legs}: {faulted} ended in a fault ({qemu_align_skips} QEMU alignment skips), \
         {mismatches} mismatches{} ({:.1} s)",
        class.name,
        used.len(),
        forms.len(),
        if native_only(class) {
            format!(" ({qemu_fp_deviations} programs where QEMU alone differs: not compared)")
        } else {
            String::new()
        },
        t0.elapsed().as_secs_f64()
    );
    assert!(native || qemu.is_some(), "{test}: no oracle available");
    assert_eq!(mismatches, 0, "{test}: {mismatches} mismatching programs");
}

fn class(name: &str) -> &'static Class {
    CLASSES.iter().find(|c| c.name == name).expect("a class")
}

fn default_programs() -> usize {
    settings::env_usize("BOOTEMU_ORACLE_CASES", 2_000)
}

#[test]
fn x86_oracle_mov() {
    run_class(class("mov"), default_programs());
}

#[test]
fn x86_oracle_alu() {
    run_class(class("alu"), default_programs());
}

#[test]
fn x86_oracle_shift() {
    run_class(class("shift"), default_programs());
}

#[test]
fn x86_oracle_muldiv() {
    run_class(class("muldiv"), default_programs());
}

#[test]
fn x86_oracle_bits() {
    run_class(class("bits"), default_programs());
}

#[test]
fn x86_oracle_cond() {
    run_class(class("cond"), default_programs());
}

#[test]
fn x86_oracle_stack_flow() {
    run_class(class("stack_flow"), default_programs());
}

#[test]
fn x86_oracle_misc() {
    run_class(class("misc"), default_programs());
}

#[test]
fn x86_oracle_string() {
    run_class(class("string"), default_programs());
}

#[test]
fn x86_oracle_sse_mov() {
    run_class(class("sse_mov"), default_programs());
}

#[test]
fn x86_oracle_sse_int() {
    run_class(class("sse_int"), default_programs());
}

#[test]
fn x86_oracle_sse_shuffle() {
    run_class(class("sse_shuffle"), default_programs());
}

#[test]
fn x86_oracle_sse_fp() {
    run_class(class("sse_fp"), default_programs());
}

#[test]
fn x86_oracle_sse_cvt() {
    run_class(class("sse_cvt"), default_programs());
}

#[test]
fn x86_oracle_x87() {
    run_class(class("x87"), default_programs());
}

#[test]
fn x86_oracle_mmx() {
    run_class(class("mmx"), default_programs());
}

#[test]
fn x86_oracle_x87env() {
    run_class(class("x87env"), default_programs());
}

#[test]
fn x86_oracle_x87exact() {
    run_class(class("x87exact"), default_programs());
}

#[test]
fn x86_oracle_x87transc() {
    run_class(class("x87transc"), default_programs());
}

#[test]
#[ignore]
fn x86_oracle_all_long() {
    for c in CLASSES {
        run_class(c, 100_000);
    }
}
