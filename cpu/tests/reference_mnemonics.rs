//! Every mnemonic that Linux, U-Boot and EDK2 executed under QEMU (`shared/reference/
//! *.mnemonics.txt`, capstone spelling) decodes to an implemented instruction here.
//!
//! `SAMPLES` gives, per mnemonic, instruction texts covering its integer and SIMD&FP forms where
//! the mnemonic has both (e.g. `mov`, `orr`, `ldr`, `stp`). The test fails when a reference file
//! names a mnemonic without samples, so new reference data cannot slip past it. The samples are
//! assembled with Debian's `aarch64-linux-gnu-as` (installed by testdata/setup.sh) and each word is
//! decoded; none may be UNDEFINED.

use std::path::Path;
use std::process::Command;

use bootemu_cpu::aarch64::decode::decode;

const SAMPLES: &[(&str, &[&str])] = &[
    ("adc", &["adc x0, x1, x2", "adc w0, w1, w2"]),
    (
        "add",
        &[
            "add x0, x1, #4",
            "add x0, x1, x2, lsl #3",
            "add x0, sp, w1, uxtw",
            "add v0.4s, v1.4s, v2.4s",
            "add d0, d1, d2",
        ],
    ),
    ("addp", &["addp v0.16b, v1.16b, v2.16b", "addp d0, v1.2d"]),
    ("adds", &["adds x0, x1, x2", "adds w0, w1, #1"]),
    ("adr", &["adr x0, ."]),
    ("adrp", &["adrp x0, ."]),
    (
        "and",
        &[
            "and x0, x1, #0xff",
            "and w0, w1, w2",
            "and v0.16b, v1.16b, v2.16b",
        ],
    ),
    ("ands", &["ands x0, x1, x2", "ands w0, w1, #0xf0"]),
    ("asr", &["asr x0, x1, #3", "asr w0, w1, w2"]),
    ("b", &["b ."]),
    ("b.eq", &["b.eq ."]),
    ("b.ge", &["b.ge ."]),
    ("b.gt", &["b.gt ."]),
    ("b.hi", &["b.hi ."]),
    ("b.hs", &["b.hs ."]),
    ("b.le", &["b.le ."]),
    ("b.lo", &["b.lo ."]),
    ("b.ls", &["b.ls ."]),
    ("b.lt", &["b.lt ."]),
    ("b.mi", &["b.mi ."]),
    ("b.ne", &["b.ne ."]),
    ("b.pl", &["b.pl ."]),
    ("b.vs", &["b.vs ."]),
    ("b.vc", &["b.vc ."]),
    ("b.al", &["b.al ."]),
    ("bfi", &["bfi x0, x1, #8, #4"]),
    ("bfxil", &["bfxil w0, w1, #3, #5"]),
    (
        "bic",
        &[
            "bic x0, x1, x2",
            "bic v0.16b, v1.16b, v2.16b",
            "bic v0.4s, #0xff",
        ],
    ),
    ("bics", &["bics x0, x1, x2"]),
    ("bit", &["bit v0.16b, v1.16b, v2.16b"]),
    ("bif", &["bif v0.16b, v1.16b, v2.16b"]),
    ("bsl", &["bsl v0.16b, v1.16b, v2.16b"]),
    ("bl", &["bl ."]),
    ("blr", &["blr x3"]),
    ("br", &["br x3"]),
    ("brk", &["brk #1"]),
    ("cbnz", &["cbnz x0, ."]),
    ("cbz", &["cbz w0, ."]),
    ("ccmn", &["ccmn x0, #3, #4, ne"]),
    ("ccmp", &["ccmp x0, x1, #0, eq", "ccmp w0, #5, #2, lt"]),
    ("cinc", &["cinc x0, x1, cc"]),
    ("cinv", &["cinv x0, x1, eq"]),
    ("clz", &["clz x0, x1", "clz v0.4s, v1.4s"]),
    ("cls", &["cls w0, w1"]),
    (
        "cmeq",
        &[
            "cmeq v0.16b, v1.16b, v2.16b",
            "cmeq v0.16b, v1.16b, #0",
            "cmeq d0, d1, d2",
        ],
    ),
    ("cmhs", &["cmhs v0.16b, v1.16b, v2.16b"]),
    ("cmn", &["cmn x0, #1", "cmn w0, w1"]),
    (
        "cmp",
        &["cmp x0, #1", "cmp x0, x1, lsl #2", "cmp w0, w1, uxtb"],
    ),
    ("cneg", &["cneg x0, x1, mi"]),
    ("crc32b", &["crc32b w0, w1, w2"]),
    ("crc32h", &["crc32h w0, w1, w2"]),
    ("crc32w", &["crc32w w0, w1, w2"]),
    ("crc32x", &["crc32x w0, w1, x2"]),
    ("crc32cb", &["crc32cb w0, w1, w2"]),
    ("crc32ch", &["crc32ch w0, w1, w2"]),
    ("crc32cw", &["crc32cw w0, w1, w2"]),
    ("crc32cx", &["crc32cx w0, w1, x2"]),
    ("csel", &["csel x0, x1, x2, eq"]),
    ("cset", &["cset w0, ne"]),
    ("csetm", &["csetm x0, hi"]),
    ("csinc", &["csinc x0, x1, x2, lt"]),
    ("csinv", &["csinv x0, x1, x2, ge"]),
    ("csneg", &["csneg x0, x1, x2, gt"]),
    (
        "dc",
        &["dc civac, x0", "dc zva, x0", "dc cvau, x0", "dc ivac, x0"],
    ),
    ("dmb", &["dmb ish", "dmb ishld"]),
    ("dsb", &["dsb sy", "dsb ishst"]),
    (
        "dup",
        &["dup v0.16b, w1", "dup v0.4s, v1.s[2]", "dup v0.2d, x1"],
    ),
    ("eon", &["eon x0, x1, x2"]),
    (
        "eor",
        &[
            "eor x0, x1, #1",
            "eor w0, w1, w2",
            "eor v0.16b, v1.16b, v2.16b",
        ],
    ),
    ("eret", &["eret"]),
    ("ext", &["ext v0.16b, v1.16b, v2.16b, #3"]),
    ("extr", &["extr x0, x1, x2, #7"]),
    ("fcmpe", &["fcmpe d0, d1", "fcmpe s0, #0.0"]),
    ("fcsel", &["fcsel d0, d1, d2, eq"]),
    (
        "fcvtzu",
        &["fcvtzu x0, d1", "fcvtzu w0, s1", "fcvtzu v0.2d, v1.2d"],
    ),
    (
        "fmov",
        &[
            "fmov d0, x1",
            "fmov x0, d1",
            "fmov s0, w1",
            "fmov d0, d1",
            "fmov d0, #1.0",
            "fmov v0.d[1], x1",
            "fmov v0.4s, #2.0",
        ],
    ),
    ("hint", &["hint #0x22", "hint #0x19", "hint #0x1d"]),
    ("hvc", &["hvc #0"]),
    ("ic", &["ic iallu", "ic ivau, x0", "ic ialluis"]),
    ("isb", &["isb"]),
    (
        "ld1",
        &[
            "ld1 {v0.16b}, [x0]",
            "ld1 {v0.16b, v1.16b}, [x0], #32",
            "ld1 {v0.s}[1], [x0]",
            "ld1r {v0.4s}, [x0]",
        ],
    ),
    ("ldar", &["ldar x0, [x1]"]),
    ("ldarb", &["ldarb w0, [x1]"]),
    ("ldarh", &["ldarh w0, [x1]"]),
    ("ldaxr", &["ldaxr x0, [x1]"]),
    (
        "ldp",
        &[
            "ldp x0, x1, [x2]",
            "ldp x0, x1, [sp], #16",
            "ldp w0, w1, [x2, #-8]!",
            "ldp q0, q1, [x2, #32]",
            "ldp d0, d1, [x2]",
        ],
    ),
    ("ldpsw", &["ldpsw x0, x1, [x2]"]),
    (
        "ldr",
        &[
            "ldr x0, [x1]",
            "ldr w0, [x1, x2, lsl #2]",
            "ldr x0, [x1], #8",
            "ldr x0, .",
            "ldr q0, [x1]",
            "ldr d0, [x1, #8]",
            "ldr s0, [x1], #4",
            "ldr q0, .",
        ],
    ),
    ("ldrb", &["ldrb w0, [x1, #1]", "ldrb w0, [x1, w2, uxtw]"]),
    ("ldrh", &["ldrh w0, [x1], #2"]),
    ("ldrsb", &["ldrsb x0, [x1]", "ldrsb w0, [x1]"]),
    ("ldrsh", &["ldrsh x0, [x1]", "ldrsh w0, [x1, #2]!"]),
    ("ldrsw", &["ldrsw x0, [x1]", "ldrsw x0, ."]),
    ("ldtr", &["ldtr x0, [x1]"]),
    ("ldtrb", &["ldtrb w0, [x1]"]),
    ("ldtrh", &["ldtrh w0, [x1]"]),
    ("ldur", &["ldur x0, [x1, #-3]", "ldur q0, [x1, #-1]"]),
    ("ldurb", &["ldurb w0, [x1, #-1]"]),
    ("ldurh", &["ldurh w0, [x1, #-1]"]),
    ("ldursw", &["ldursw x0, [x1, #-4]"]),
    ("ldxp", &["ldxp x0, x1, [x2]"]),
    ("ldxr", &["ldxr x0, [x1]", "ldxr w0, [x1]"]),
    ("ldxrb", &["ldxrb w0, [x1]"]),
    ("lsl", &["lsl x0, x1, #3", "lsl w0, w1, w2"]),
    ("lsr", &["lsr x0, x1, #3", "lsr x0, x1, x2"]),
    ("madd", &["madd x0, x1, x2, x3"]),
    ("mneg", &["mneg x0, x1, x2"]),
    (
        "mov",
        &[
            "mov x0, x1",
            "mov x0, sp",
            "mov sp, x1",
            "mov x0, #0x1234",
            "mov x0, #-1",
            "mov v0.16b, v1.16b",
            "mov v0.s[1], w1",
            "mov w0, v1.s[1]",
            "mov x0, v1.d[1]",
            "mov v0.d[1], v1.d[0]",
        ],
    ),
    (
        "movi",
        &[
            "movi v0.16b, #0xff",
            "movi v0.2d, #0",
            "movi d0, #0xff00ff00ff00ff00",
            "movi v0.4s, #1, lsl #8",
        ],
    ),
    ("movk", &["movk x0, #1, lsl #16"]),
    ("movn", &["movn x0, #1"]),
    ("movz", &["movz x0, #1, lsl #32"]),
    (
        "mrs",
        &["mrs x0, tpidr_el1", "mrs x0, nzcv", "mrs x0, cntvct_el0"],
    ),
    (
        "msr",
        &[
            "msr tpidr_el1, x0",
            "msr daifset, #2",
            "msr daifclr, #0xf",
            "msr spsel, #1",
            "msr nzcv, x0",
        ],
    ),
    ("msub", &["msub x0, x1, x2, x3"]),
    (
        "mul",
        &[
            "mul x0, x1, x2",
            "mul v0.4s, v1.4s, v2.4s",
            "mul v0.4s, v1.4s, v2.s[1]",
        ],
    ),
    ("mvn", &["mvn x0, x1", "mvn v0.16b, v1.16b"]),
    ("mvni", &["mvni v0.4s, #0xff", "mvni v0.8h, #1, lsl #8"]),
    ("neg", &["neg x0, x1", "neg v0.4s, v1.4s"]),
    ("negs", &["negs x0, x1"]),
    ("ngc", &["ngc x0, x1"]),
    ("nop", &["nop"]),
    ("orn", &["orn x0, x1, x2", "orn v0.16b, v1.16b, v2.16b"]),
    (
        "orr",
        &[
            "orr x0, x1, #0x3",
            "orr x0, x1, x2, lsl #4",
            "orr v0.16b, v1.16b, v2.16b",
            "orr v0.4s, #1, lsl #8",
        ],
    ),
    (
        "prfm",
        &[
            "prfm pldl1keep, [x0]",
            "prfm pstl1strm, [x0, #64]",
            "prfm pldl1keep, .",
        ],
    ),
    ("rbit", &["rbit x0, x1", "rbit v0.16b, v1.16b"]),
    ("ret", &["ret", "ret x3"]),
    ("rev", &["rev x0, x1", "rev w0, w1"]),
    ("rev16", &["rev16 x0, x1", "rev16 v0.16b, v1.16b"]),
    ("rev32", &["rev32 x0, x1"]),
    ("ror", &["ror x0, x1, #3", "ror x0, x1, x2"]),
    ("sbc", &["sbc x0, x1, x2"]),
    ("sbfiz", &["sbfiz x0, x1, #3, #8"]),
    ("sbfx", &["sbfx x0, x1, #3, #8"]),
    (
        "scvtf",
        &[
            "scvtf d0, x1",
            "scvtf s0, w1",
            "scvtf d0, d1",
            "scvtf v0.4s, v1.4s",
        ],
    ),
    ("sdiv", &["sdiv x0, x1, x2"]),
    (
        "shrn",
        &["shrn v0.8b, v1.8h, #4", "shrn2 v0.16b, v1.8h, #4"],
    ),
    ("smaddl", &["smaddl x0, w1, w2, x3"]),
    ("smulh", &["smulh x0, x1, x2"]),
    ("smull", &["smull x0, w1, w2", "smull v0.4s, v1.4h, v2.4h"]),
    (
        "st1",
        &["st1 {v0.16b}, [x0]", "st1 {v0.2d, v1.2d}, [x0], #32"],
    ),
    ("stlr", &["stlr x0, [x1]"]),
    ("stlrb", &["stlrb w0, [x1]"]),
    ("stlrh", &["stlrh w0, [x1]"]),
    ("stlxp", &["stlxp w3, x0, x1, [x2]"]),
    ("stlxr", &["stlxr w3, x0, [x1]"]),
    ("stnp", &["stnp x0, x1, [x2]", "stnp q0, q1, [x2]"]),
    (
        "stp",
        &[
            "stp x29, x30, [sp, #-16]!",
            "stp x0, x1, [x2], #16",
            "stp q0, q1, [x2]",
            "stp d8, d9, [sp, #16]",
        ],
    ),
    (
        "str",
        &[
            "str x0, [x1]",
            "str w0, [x1, x2, lsl #2]",
            "str x0, [x1], #8",
            "str q0, [x1]",
            "str d0, [x1, #-8]!",
        ],
    ),
    ("strb", &["strb w0, [x1]"]),
    ("strh", &["strh w0, [x1]"]),
    ("sttr", &["sttr x0, [x1]"]),
    ("sttrb", &["sttrb w0, [x1]"]),
    ("sttrh", &["sttrh w0, [x1]"]),
    ("stur", &["stur x0, [x1, #-8]", "stur q0, [x1, #-1]"]),
    ("sturb", &["sturb w0, [x1, #-1]"]),
    ("sturh", &["sturh w0, [x1, #-1]"]),
    ("stxp", &["stxp w3, x0, x1, [x2]"]),
    ("stxr", &["stxr w3, x0, [x1]"]),
    ("stxrb", &["stxrb w3, w0, [x1]"]),
    (
        "sub",
        &[
            "sub x0, x1, #1",
            "sub sp, sp, #16",
            "sub v0.4s, v1.4s, v2.4s",
        ],
    ),
    ("subs", &["subs x0, x1, x2", "subs w0, w1, #1"]),
    ("svc", &["svc #0"]),
    ("sxtb", &["sxtb x0, w1"]),
    ("sxth", &["sxth x0, w1"]),
    ("sxtw", &["sxtw x0, w1"]),
    ("tbnz", &["tbnz x0, #63, ."]),
    ("tbz", &["tbz w0, #3, ."]),
    (
        "tlbi",
        &[
            "tlbi vmalle1",
            "tlbi vmalle1is",
            "tlbi vae1is, x0",
            "tlbi vale1is, x0",
            "tlbi aside1is, x0",
            "tlbi vaae1is, x0",
            "tlbi alle2",
            "tlbi alle1is",
        ],
    ),
    ("tst", &["tst x0, #1", "tst w0, w1"]),
    ("ubfiz", &["ubfiz x0, x1, #3, #8"]),
    ("ubfx", &["ubfx x0, x1, #3, #8"]),
    ("udiv", &["udiv x0, x1, x2"]),
    ("umaddl", &["umaddl x0, w1, w2, x3"]),
    ("umaxp", &["umaxp v0.16b, v1.16b, v2.16b"]),
    ("uminp", &["uminp v0.16b, v1.16b, v2.16b"]),
    ("umulh", &["umulh x0, x1, x2"]),
    ("umull", &["umull x0, w1, w2", "umull v0.2d, v1.2s, v2.2s"]),
    ("uxtb", &["uxtb w0, w1"]),
    ("uxth", &["uxth w0, w1"]),
    ("wfe", &["wfe"]),
    ("wfi", &["wfi"]),
    ("yield", &["yield"]),
];

fn reference_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference")
}

fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

/// Mnemonics named by the reference files (first column of the non-comment lines).
fn reference_mnemonics() -> Option<Vec<String>> {
    let entries = std::fs::read_dir(reference_dir()).ok()?;
    let mut names = Vec::new();
    for e in entries.flatten() {
        let path = e.path();
        if !path.to_string_lossy().ends_with(".mnemonics.txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("reference file readable");
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            if let Some(m) = line.split_whitespace().next() {
                names.push(m.to_string());
            }
        }
    }
    names.sort();
    names.dedup();
    Some(names)
}

/// Assemble `lines` and return one word per line (all our samples are single instructions).
fn assemble(lines: &[&str]) -> Option<Vec<u32>> {
    let dir = std::env::temp_dir().join(format!("bootemu-refmn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let src = dir.join("s.s");
    let obj = dir.join("s.o");
    let bin = dir.join("s.bin");
    let mut text = String::from(".arch armv8-a+crc\n");
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    std::fs::write(&src, text).ok()?;
    let ok = Command::new("aarch64-linux-gnu-as")
        .arg("-o")
        .arg(&obj)
        .arg(&src)
        .status()
        .ok()?
        .success()
        && Command::new("aarch64-linux-gnu-objcopy")
            .args(["-O", "binary", "-j", ".text"])
            .arg(&obj)
            .arg(&bin)
            .status()
            .ok()?
            .success();
    assert!(ok, "the samples must assemble (see {})", src.display());
    let bytes = std::fs::read(&bin).ok()?;
    let _ = std::fs::remove_dir_all(&dir);
    Some(
        bytes
            .chunks(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect(),
    )
}

#[test]
fn every_reference_mnemonic_has_samples() {
    let Some(names) = reference_mnemonics() else {
        assert!(!in_ci(), "shared/reference is missing under CI");
        eprintln!("NOTICE: {} absent: skipped", reference_dir().display());
        return;
    };
    let missing: Vec<_> = names
        .iter()
        .filter(|n| !SAMPLES.iter().any(|(m, _)| m == n))
        .collect();
    assert!(
        missing.is_empty(),
        "reference mnemonics without samples: {missing:?}"
    );
    eprintln!("{} reference mnemonics, all with samples", names.len());
}

#[test]
fn every_sample_decodes_to_an_implemented_instruction() {
    let lines: Vec<&str> = SAMPLES
        .iter()
        .flat_map(|(_, s)| s.iter().copied())
        .collect();
    let Some(words) = assemble(&lines) else {
        assert!(
            !in_ci(),
            "aarch64-linux-gnu-as is missing under CI (run testdata/setup.sh)"
        );
        eprintln!("NOTICE: aarch64-linux-gnu-as not found: skipped");
        return;
    };
    assert_eq!(words.len(), lines.len(), "one word per sample");
    let undefined: Vec<_> = lines
        .iter()
        .zip(&words)
        .filter(|(_, &w)| decode(w).pattern.is_none())
        .map(|(l, w)| format!("{l} ({w:#010x})"))
        .collect();
    assert!(undefined.is_empty(), "UNDEFINED here: {undefined:?}");
    eprintln!("{} samples, all implemented", lines.len());
}
