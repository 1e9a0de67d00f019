//! Randomised differential test of the A64 integer interpreter against QEMU user mode
//! (`qemu-aarch64 -cpu cortex-a57`), one instruction class at a time.
//!
//! For each class, random encodings of the class (see `oracle/classes.rs`) with random register
//! inputs and NZCV are built into one static ELF per batch (`oracle/image.rs`) that loads each
//! case's state, runs its instruction(s) and saves the state and scratch memory; QEMU runs that
//! ELF, and the interpreter runs each case's instruction(s) from the same input state
//! (`oracle/ours.rs`). Any difference in X0–X30, SP, NZCV, TPIDR_EL0, scratch memory, the branch
//! target, or fault-versus-no-fault is a mismatch; the first few are printed in full (with
//! `aarch64-linux-gnu-objdump` disassembly) and a per-template summary follows.
//!
//! The FP/SIMD groups (`oracle/fpclasses.rs`, inputs from `oracle/fpgen.rs`) run the same way
//! with FP state in every case: V0–V31, FPCR (random RMode, FZ, DN, AHP) and FPSR are loaded
//! before the instruction and V0–V31, FPSR, FPCR are compared after it, with X0–X30, SP, NZCV and
//! scratch memory. A mismatch prints the input V registers and differing ones in hex and decoded
//! (2D, 4S, H0), FPCR and FPSR with their fields. One test per group: `oracle_fp_<group>` /
//! `oracle_simd_<group>`; `oracle_fp_all_long` (ignored) runs 1,000,000 cases per group.
//!
//! Environment:
//! - `BOOTEMU_ORACLE_SEED`: seed (decimal or 0x-hex) for every class instead of the fixed default.
//! - `BOOTEMU_ORACLE_CASES`: cases per class for the default tests.
//! - `BOOTEMU_ORACLE_SHOW`: how many mismatches to print in full per class (default 5).
//! - `BOOTEMU_ORACLE_COVERAGE`: print how many cases of each mnemonic the first batch held, and
//!   how many of them QEMU ran or faulted (UNDEFINED share).
//! - `BOOTEMU_QEMU_AARCH64`: path of qemu-aarch64 (default /usr/bin/qemu-aarch64).
//! - `CI`: when set, a missing qemu-aarch64 fails the tests instead of skipping them.
//!
//! `cargo test -p bootemu-cpu --test oracle -- --ignored` runs the 100,000-cases-per-class version.

#[path = "oracle/asm.rs"]
mod asm;
#[path = "oracle/classes.rs"]
mod classes;
#[path = "oracle/disasm.rs"]
mod disasm;
#[path = "oracle/fpclasses.rs"]
mod fpclasses;
#[path = "oracle/fpgen.rs"]
mod fpgen;
#[path = "oracle/image.rs"]
mod image;
#[path = "oracle/ours.rs"]
mod ours;
#[path = "oracle/rng.rs"]
mod rng;
#[path = "oracle/settings.rs"]
mod settings;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use classes::{Class, Ctx};
use image::{Layout, Plan, QemuResult, SCRATCH_LEN};
use ours::{OurResult, Ours};
use rng::Rng;

/// The architectural state a case starts from and the oracle compares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct State {
    /// X0–X30.
    pub x: [u64; 31],
    /// SP (SP_EL0).
    pub sp: u64,
    /// NZCV in bits 31:28.
    pub nzcv: u64,
    /// TPIDR_EL0.
    pub tpidr: u64,
    /// V0–V31 (FP/SIMD classes only; zero otherwise).
    pub v: [u128; 32],
    /// FPCR (FP/SIMD classes only).
    pub fpcr: u64,
    /// FPSR (FP/SIMD classes only).
    pub fpsr: u64,
}

/// One test case: up to two instruction words (a load-exclusive may open the monitor before a
/// store-exclusive) and the input state.
#[derive(Clone, Debug)]
pub struct Case {
    /// Template name.
    pub name: &'static str,
    /// The instruction words; `n` of them are used.
    pub words: [u32; 2],
    /// Number of instructions.
    pub n: usize,
    /// Input state.
    pub input: State,
}

impl Case {
    /// Set register `r` (31 = SP) of the input.
    pub fn set_reg_sp(&mut self, r: u32, v: u64) {
        if r == 31 {
            self.input.sp = v;
        } else {
            self.input.x[r as usize] = v;
        }
    }
}

/// Cases per batch (one ELF and one QEMU run each): about 5 MB of ELF.
const BATCH: usize = 10_000;

#[derive(Default)]
struct Tally {
    cases: u64,
    both_ran: u64,
    both_faulted: u64,
    mismatches: u64,
    ours_undefined: u64,
}

struct Mismatch {
    index: usize,
    pc: u64,
    case: Case,
    mem_before: [u8; SCRATCH_LEN],
    why: Vec<String>,
    ours_undefined: bool,
}

struct Report {
    class: &'static Class,
    seed: u64,
    tallies: BTreeMap<&'static str, Tally>,
    mismatches: Vec<Mismatch>,
    total_mismatches: u64,
    /// Load-exclusive + store-exclusive cases, and how many stores succeeded under QEMU (a
    /// check that the monitor is really exercised).
    excl: (u64, u64),
    qemu_time: Duration,
    ours_time: Duration,
    gen_time: Duration,
    /// `BOOTEMU_ORACLE_COVERAGE`: cases per mnemonic (first batch), run / faulted under QEMU.
    coverage: BTreeMap<String, (u64, u64)>,
}

/// The QEMU to compare against, or `None` (after a notice) when it is missing outside CI.
fn qemu_or_skip(test: &str) -> Option<String> {
    let q = image::qemu();
    if q.is_none() {
        let msg = format!(
            "oracle test {test}: qemu-aarch64 not found (install it with testdata/setup.sh, or set \
             BOOTEMU_QEMU_AARCH64)"
        );
        if std::env::var_os("CI").is_some() {
            panic!("{msg}; CI is set, so this is a failure");
        }
        eprintln!("{msg}: SKIPPED");
    }
    q
}

fn diff_states(q: &State, o: &State, why: &mut Vec<String>) {
    for r in 0..31 {
        if q.x[r] != o.x[r] {
            why.push(format!("x{r}: qemu {:#018x} ours {:#018x}", q.x[r], o.x[r]));
        }
    }
    if q.sp != o.sp {
        why.push(format!("sp: qemu {:#018x} ours {:#018x}", q.sp, o.sp));
    }
    if q.nzcv != o.nzcv {
        why.push(format!(
            "nzcv: qemu {:#06x} ours {:#06x}",
            q.nzcv >> 16,
            o.nzcv >> 16
        ));
    }
    if q.tpidr != o.tpidr {
        why.push(format!(
            "tpidr_el0: qemu {:#018x} ours {:#018x}",
            q.tpidr, o.tpidr
        ));
    }
    for r in 0..32 {
        if q.v[r] != o.v[r] {
            why.push(format!(
                "v{r}: qemu {:#034x} ours {:#034x}\n        qemu {}\n        ours {}",
                q.v[r],
                o.v[r],
                lanes(q.v[r]),
                lanes(o.v[r])
            ));
        }
    }
    if q.fpcr != o.fpcr {
        why.push(format!(
            "fpcr: qemu {:#x} ({}) ours {:#x} ({})",
            q.fpcr,
            fpcr_text(q.fpcr),
            o.fpcr,
            fpcr_text(o.fpcr)
        ));
    }
    if q.fpsr != o.fpsr {
        why.push(format!(
            "fpsr: qemu {:#x} ({}) ours {:#x} ({})",
            q.fpsr,
            fpsr_text(q.fpsr),
            o.fpsr,
            fpsr_text(o.fpsr)
        ));
    }
}

/// An FP bit pattern of format `f` as a readable value (NaNs with their payload).
fn fp_text(bits: u64, f: fpgen::Fmt) -> String {
    let sign = if bits >> (f.bits() - 1) & 1 == 1 {
        "-"
    } else {
        ""
    };
    let exp = (bits >> f.m) & f.emax();
    let mant = bits & ((1u64 << f.m) - 1);
    if exp == f.emax() {
        return if mant == 0 {
            format!("{sign}inf")
        } else if mant >> (f.m - 1) == 1 {
            format!("{sign}qNaN:{:#x}", mant & ((1u64 << (f.m - 1)) - 1))
        } else {
            format!("{sign}sNaN:{mant:#x}")
        };
    }
    let v = match f.bits() {
        64 => f64::from_bits(bits),
        32 => f32::from_bits(bits as u32) as f64,
        _ => {
            let m = if exp == 0 { mant } else { mant | 1 << 10 };
            let e = exp.max(1) as i32 - 25;
            let v = m as f64 * 2f64.powi(e);
            if sign.is_empty() {
                v
            } else {
                -v
            }
        }
    };
    let den = if exp == 0 && mant != 0 { "(den)" } else { "" };
    if f.bits() == 32 {
        format!("{:?}{den}", v as f32)
    } else {
        format!("{v:?}{den}")
    }
}

/// A 128-bit register decoded as 2D, 4S and the lowest H lane.
fn lanes(v: u128) -> String {
    let d: Vec<String> = (0..2)
        .map(|i| fp_text((v >> (64 * i)) as u64, fpgen::D))
        .collect();
    let s: Vec<String> = (0..4)
        .map(|i| fp_text((v >> (32 * i)) as u32 as u64, fpgen::S))
        .collect();
    format!(
        "2D[{}] 4S[{}] H0 {}",
        d.join(", "),
        s.join(", "),
        fp_text(v as u16 as u64, fpgen::H)
    )
}

fn fpcr_text(v: u64) -> String {
    format!(
        "RMode={} FZ={} DN={} AHP={}{}",
        ["RN", "RP", "RM", "RZ"][(v >> 22 & 3) as usize],
        v >> 24 & 1,
        v >> 25 & 1,
        v >> 26 & 1,
        if v & !0x07c0_0000 != 0 {
            format!(" other {:#x}", v & !0x07c0_0000)
        } else {
            String::new()
        }
    )
}

fn fpsr_text(v: u64) -> String {
    let names = [
        (0, "IOC"),
        (1, "DZC"),
        (2, "OFC"),
        (3, "UFC"),
        (4, "IXC"),
        (7, "IDC"),
        (27, "QC"),
        (28, "V"),
        (29, "C"),
        (30, "Z"),
        (31, "N"),
    ];
    let set: Vec<&str> = names
        .iter()
        .filter(|(b, _)| v >> b & 1 == 1)
        .map(|(_, n)| *n)
        .collect();
    if set.is_empty() {
        "none".into()
    } else {
        set.join(" ")
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Compare one case; the reasons it mismatches (empty when it agrees) and whether ours said
/// UNDEFINED.
fn compare(plan: &Plan, case: &Case, q: &QemuResult, o: &OurResult) -> (Vec<String>, bool, bool) {
    let mut why = Vec::new();
    let mut undef = false;
    let mut both_faulted = false;
    match (q, o) {
        (
            QemuResult::Done {
                state: qs,
                mem: qm,
                landing: ql,
            },
            OurResult::Done {
                state: os,
                mem: om,
                landing: ol,
                oddity,
            },
        ) => {
            diff_states(qs, os, &mut why);
            if qm != om {
                why.push(format!("memory: qemu {} ours {}", hex(qm), hex(om)));
            }
            let want = match plan.layout {
                Layout::Straight => case.n as i64,
                Layout::Branch => *ql,
            };
            if want != *ol {
                why.push(format!(
                    "next PC: qemu insn {want:+} ours insn {ol:+} (relative to the instruction)"
                ));
            }
            if let Some(odd) = oddity {
                why.push(odd.clone());
            }
        }
        (QemuResult::Signal { sig, .. }, OurResult::Exception { esr, at, .. }) => {
            // The kind of fault must agree too: SIGILL is an UNDEFINED instruction (EC 0), a
            // trapped MSR/MRS (EC 0x18) or an illegal state (EC 0x0e),
            // SIGBUS/SIGSEGV a data abort or an alignment fault, SIGTRAP a BRK.
            let ec = esr >> 26;
            let agrees = match sig {
                4 => ec == 0 || ec == 0x18 || ec == 0x0e,
                7 | 11 => matches!(ec, 0x20..=0x26),
                5 => ec == 0x3c,
                _ => false,
            };
            if agrees {
                both_faulted = true;
            } else {
                undef = ec == 0;
                why.push(format!(
                    "qemu raises signal {sig}; ours takes an exception at instruction {at} with \
                     ESR {esr:#x} (EC {ec:#x})"
                ));
            }
        }
        (QemuResult::Done { .. }, OurResult::Exception { esr, far, at }) => {
            let ec = esr >> 26;
            undef = ec == 0;
            why.push(format!(
                "qemu executes it; ours takes an exception at instruction {at}: ESR {esr:#x} \
                 (EC {ec:#x}{}) FAR {far:#x}",
                if undef { ", UNDEFINED" } else { "" }
            ));
        }
        (QemuResult::Signal { sig, pc }, OurResult::Done { .. }) => {
            why.push(format!(
                "qemu raises signal {sig} at {pc:#x}; ours executes it without an exception"
            ));
        }
        (q, OurResult::Exit(e, at)) => {
            why.push(format!(
                "ours stops with {e:?} at instruction {at}; qemu: {}",
                match q {
                    QemuResult::Done { .. } => "runs".to_string(),
                    QemuResult::Signal { sig, .. } => format!("signal {sig}"),
                }
            ));
        }
    }
    (why, undef, both_faulted)
}

fn run_class(class: &'static Class, total: usize) -> Option<Report> {
    let qemu = qemu_or_skip(class.name)?;
    let seed = settings::class_seed(class.name);
    eprintln!(
        "oracle {}: {total} cases, seed {seed:#x} (BOOTEMU_ORACLE_SEED={seed:#x} reproduces)",
        class.name
    );
    let mut r = Rng::new(seed);
    let plan = Plan::new(class.layout, class.fp);
    let mut scratch = [0u8; SCRATCH_LEN];
    for b in &mut scratch {
        *b = r.next() as u8;
    }
    let mut rep = Report {
        class,
        seed,
        tallies: BTreeMap::new(),
        mismatches: Vec::new(),
        total_mismatches: 0,
        excl: (0, 0),
        qemu_time: Duration::ZERO,
        ours_time: Duration::ZERO,
        gen_time: Duration::ZERO,
        coverage: BTreeMap::new(),
    };
    let keep = settings::env_usize("BOOTEMU_ORACLE_SHOW", 5).max(200);
    let mut done = 0;
    let mut batch_no = 0;
    while done < total {
        let n = BATCH.min(total - done);
        let t0 = Instant::now();
        let ctx_lit = image::literal_range(&plan, n);
        let cases: Vec<Case> = (0..n)
            .map(|i| {
                let ctx = Ctx {
                    pc: plan.pc(i),
                    literal: ctx_lit,
                };
                let (_, gen) = r.pick(class.templates);
                gen(&mut r, &ctx)
            })
            .collect();
        let img = image::build(&plan, &cases, &scratch);
        let t1 = Instant::now();
        let qres = image::run_qemu(&qemu, &plan, &img, &format!("{}-{batch_no}", class.name));
        let t2 = Instant::now();
        let mut ours = Ours::new(&img);
        let mut mem = scratch;
        for (i, case) in cases.iter().enumerate() {
            let o = ours.run(&plan, i, case, &mem);
            let q = &qres[i];
            let (mut why, undef, both_faulted) = compare(&plan, case, q, &o);
            why.extend(ours.threaded_differs(&plan, i, case, &mem, &o));
            let t = rep.tallies.entry(case.name).or_default();
            t.cases += 1;
            if both_faulted {
                t.both_faulted += 1;
            } else if why.is_empty() {
                t.both_ran += 1;
            }
            if !why.is_empty() {
                t.mismatches += 1;
                t.ours_undefined += undef as u64;
                rep.total_mismatches += 1;
                if rep.mismatches.len() < keep {
                    rep.mismatches.push(Mismatch {
                        index: done + i,
                        pc: plan.pc(i),
                        case: case.clone(),
                        mem_before: mem,
                        why,
                        ours_undefined: undef,
                    });
                }
            }
            if let QemuResult::Done { mem: m, state, .. } = q {
                mem = *m;
                let rs = (case.words[1] >> 16) & 31;
                if case.n == 2 && rs != 31 {
                    rep.excl.0 += 1;
                    rep.excl.1 += (state.x[rs as usize] == 0) as u64;
                }
            }
        }
        scratch = mem;
        if batch_no == 0 && std::env::var_os("BOOTEMU_ORACLE_COVERAGE").is_some() {
            let words: Vec<u32> = cases.iter().map(|c| c.words[c.n - 1]).collect();
            if let Some(text) = disasm::disassemble(&words, 0) {
                for (t, q) in text.iter().zip(&qres) {
                    let mn = t.split_whitespace().next().unwrap_or("?").to_string();
                    let e = rep.coverage.entry(mn).or_default();
                    match q {
                        QemuResult::Done { .. } => e.0 += 1,
                        QemuResult::Signal { .. } => e.1 += 1,
                    }
                }
            }
        }
        let t3 = Instant::now();
        rep.gen_time += t1 - t0;
        rep.qemu_time += t2 - t1;
        rep.ours_time += t3 - t2;
        done += n;
        batch_no += 1;
    }
    Some(rep)
}

fn print_case(out: &mut String, m: &Mismatch, class: &Class) {
    let c = &m.case;
    let words = &c.words[..c.n];
    let text = disasm::disassemble(words, m.pc).unwrap_or_else(|| vec!["?".into(); words.len()]);
    let _ = writeln!(out, "--- {}/{} case #{}:", class.name, c.name, m.index);
    for (k, (w, t)) in words.iter().zip(&text).enumerate() {
        let _ = writeln!(out, "    {:#x}: {w:08x}  {t}", m.pc + 4 * k as u64);
    }
    let mut line = String::new();
    for r in 0..31 {
        let _ = write!(line, "x{r}={:#x} ", c.input.x[r]);
    }
    let _ = writeln!(
        out,
        "    in: {line}sp={:#x} nzcv={:#x} tpidr_el0={:#x}",
        c.input.sp,
        c.input.nzcv >> 28,
        c.input.tpidr
    );
    if class.fp {
        let _ = writeln!(
            out,
            "    in: fpcr={:#x} ({}) fpsr={:#x} ({})",
            c.input.fpcr,
            fpcr_text(c.input.fpcr),
            c.input.fpsr,
            fpsr_text(c.input.fpsr)
        );
        for r in 0..32 {
            let _ = writeln!(
                out,
                "    in: v{r:<2}={:#034x}  {}",
                c.input.v[r],
                lanes(c.input.v[r])
            );
        }
    }
    let _ = writeln!(
        out,
        "    scratch @{:#x} before: {}",
        image::SCRATCH,
        hex(&m.mem_before)
    );
    for w in &m.why {
        let _ = writeln!(out, "    {w}");
    }
}

fn finish(rep: Report) {
    let show = settings::env_usize("BOOTEMU_ORACLE_SHOW", 5);
    let mut out = String::new();
    let cases: u64 = rep.tallies.values().map(|t| t.cases).sum();
    let _ = writeln!(
        out,
        "=== oracle {}: {cases} cases, {} mismatches (seed {:#x}; generate+build {:.1}s, qemu \
         {:.1}s, ours {:.1}s)",
        rep.class.name,
        rep.total_mismatches,
        rep.seed,
        rep.gen_time.as_secs_f64(),
        rep.qemu_time.as_secs_f64(),
        rep.ours_time.as_secs_f64()
    );
    if rep.excl.0 > 0 {
        let _ = writeln!(
            out,
            "    load-exclusive + store-exclusive cases: {}, stores that succeeded under qemu: {}",
            rep.excl.0, rep.excl.1
        );
    }
    let _ = writeln!(
        out,
        "    {:<18} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "template", "cases", "agree", "faults", "mismatch", "our-UND"
    );
    for (name, t) in &rep.tallies {
        let _ = writeln!(
            out,
            "    {name:<18} {:>8} {:>8} {:>8} {:>8} {:>8}",
            t.cases, t.both_ran, t.both_faulted, t.mismatches, t.ours_undefined
        );
    }
    if !rep.mismatches.is_empty() {
        // Group the kept mismatches by mnemonic, separating "ours UNDEFINED" from wrong results.
        let words: Vec<u32> = rep
            .mismatches
            .iter()
            .map(|m| m.case.words[m.case.n - 1])
            .collect();
        if let Some(text) = disasm::disassemble(&words, 0) {
            let mut groups: BTreeMap<(bool, String), u64> = BTreeMap::new();
            for (m, t) in rep.mismatches.iter().zip(text) {
                let mn = t.split_whitespace().next().unwrap_or("?").to_string();
                *groups.entry((m.ours_undefined, mn)).or_default() += 1;
            }
            let und: Vec<String> = groups
                .iter()
                .filter(|g| g.0 .0)
                .map(|(k, v)| format!("{}×{v}", k.1))
                .collect();
            let bad: Vec<String> = groups
                .iter()
                .filter(|g| !g.0 .0)
                .map(|(k, v)| format!("{}×{v}", k.1))
                .collect();
            let _ = writeln!(
                out,
                "    among the first {} mismatches: ours UNDEFINED: {}",
                rep.mismatches.len(),
                und.join(" ")
            );
            let _ = writeln!(out, "    other mismatches: {}", bad.join(" "));
        }
        // First few in full: prefer value mismatches over "ours UNDEFINED" ones.
        let mut shown = 0;
        for pass in [false, true] {
            for m in rep.mismatches.iter().filter(|m| m.ours_undefined == pass) {
                if shown < show {
                    print_case(&mut out, m, rep.class);
                    shown += 1;
                }
            }
        }
    }
    if !rep.coverage.is_empty() {
        let _ = writeln!(
            out,
            "    mnemonics in the first batch (run/faulted under qemu):"
        );
        let items: Vec<String> = rep
            .coverage
            .iter()
            .map(|(k, (a, b))| format!("{k} {a}/{b}"))
            .collect();
        for chunk in items.chunks(8) {
            let _ = writeln!(out, "      {}", chunk.join("  "));
        }
    }
    eprint!("{out}");
    assert_eq!(
        rep.total_mismatches, 0,
        "oracle {}: {} mismatches against qemu-aarch64 (details above)",
        rep.class.name, rep.total_mismatches
    );
}

fn check(class: &'static Class, default_cases: usize) {
    let n = settings::env_usize("BOOTEMU_ORACLE_CASES", default_cases);
    if let Some(rep) = run_class(class, n) {
        finish(rep);
    }
}

/// Cases per class in the default (`cargo test`) run.
const DEFAULT_CASES: usize = 100_000;
/// Cases per class in the long (`--ignored`) run.
const LONG_CASES: usize = 1_000_000;

#[test]
fn oracle_dp_imm() {
    check(&classes::DP_IMM, DEFAULT_CASES);
}

#[test]
fn oracle_dp_reg() {
    check(&classes::DP_REG, DEFAULT_CASES);
}

#[test]
fn oracle_ldst() {
    check(&classes::LDST, DEFAULT_CASES);
}

#[test]
fn oracle_branch() {
    check(&classes::BRANCH, DEFAULT_CASES);
}

#[test]
fn oracle_system() {
    check(&classes::SYSTEM, DEFAULT_CASES);
}

#[test]
#[ignore = "long: 1,000,000 cases per class"]
fn oracle_all_long() {
    for c in [
        &classes::DP_IMM,
        &classes::DP_REG,
        &classes::LDST,
        &classes::BRANCH,
        &classes::SYSTEM,
    ] {
        check(c, LONG_CASES);
    }
}

/// Cases per FP/SIMD group in the default (`cargo test`) run.
const FP_CASES: usize = 100_000;

/// The FP/SIMD groups: one test each (`oracle_fp_<group>`).
macro_rules! fp_tests {
    ($($(#[$attr:meta])* $test:ident => $class:ident,)*) => {
        $(
            #[test]
            $(#[$attr])*
            fn $test() {
                check(&fpclasses::$class, FP_CASES);
            }
        )*
    };
}

fp_tests! {
    oracle_fp_sysreg => FP_SYSREG,
    oracle_fp_arith => FP_ARITH,
    oracle_fp_fma => FP_FMA,
    oracle_fp_unary => FP_UNARY,
    oracle_fp_cmp => FP_CMP,
    oracle_fp_cvt_int => FP_CVT_INT,
    oracle_fp_imm => FP_IMM,
    oracle_fp_recip => FP_RECIP,
    oracle_simd_fp_vec => SIMD_FP_VEC,
    oracle_simd_fp_misc => SIMD_FP_MISC,
    oracle_simd_fp_elem => SIMD_FP_ELEM,
    oracle_simd_int_3same => SIMD_INT_3SAME,
    oracle_simd_int_3diff => SIMD_INT_3DIFF,
    oracle_simd_int_2misc => SIMD_INT_2MISC,
    oracle_simd_shift_imm => SIMD_SHIFT_IMM,
    oracle_simd_across => SIMD_ACROSS,
    oracle_simd_elem_int => SIMD_ELEM_INT,
    oracle_simd_scalar => SIMD_SCALAR,
    oracle_simd_permute => SIMD_PERMUTE,
    oracle_simd_modimm => SIMD_MODIMM,
    oracle_simd_ldst => SIMD_LDST,
}

/// Cases per FP/SIMD group in the long (`--ignored`) run.
const FP_LONG_CASES: usize = 1_000_000;

#[test]
#[ignore = "long: 1,000,000 cases per FP/SIMD group"]
fn oracle_fp_all_long() {
    for c in fpclasses::ALL {
        check(c, FP_LONG_CASES);
    }
}
