//! Instruction trace output: one line per executed instruction —
//! `count EL pc: word  disassembly`, prefixed by `cpuN ` with more than one vCPU (the count is
//! then that vCPU's) — formatted from the core's raw records, in the order the vCPUs ran.
//!
//! With symbols (the kernel's kallsyms, `--symbols`), each line ends with `<function+0xoff>`
//! ([`crate::symbols::Symbols::describe`]).
//!
//! Disassembly comes from capstone and is cached per instruction word (per word and PC for the
//! PC-relative encodings, whose text names their target address). Host-side formatting only:
//! nothing here affects the guest.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;

use anyhow::Context;
use bootemu_cpu::aarch64::trace::TraceRecord;
use capstone::arch::arm64::ArchMode;
use capstone::prelude::*;

use crate::symbols::Symbols;

/// Trace events `--trace` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceEvent {
    /// Every executed instruction.
    Insn,
}

/// A `--trace-range`: `START..END` (end excluded) or a symbol's extent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceRange {
    /// Addresses `[start, end)`.
    Addrs(u64, u64),
    /// The extent of the symbol of this name.
    Symbol(String),
}

/// Parse `START..END` (hex with 0x, or decimal) or a symbol name.
pub fn parse_trace_range(s: &str) -> Result<TraceRange, String> {
    match s.split_once("..") {
        Some((a, b)) => {
            let start = crate::size::parse_addr(a)?;
            let end = crate::size::parse_addr(b)?;
            if end <= start {
                return Err(format!("{s:?}: the end must be above the start"));
            }
            Ok(TraceRange::Addrs(start, end))
        }
        None if !s.is_empty() && !s.contains(char::is_whitespace) => {
            Ok(TraceRange::Symbol(s.to_string()))
        }
        None => Err(format!("{s:?}: expected START..END or a symbol name")),
    }
}

impl TraceRange {
    /// `[start, end)`, a symbol's from `symbols`.
    pub fn resolve(&self, symbols: Option<&Symbols>) -> anyhow::Result<(u64, u64)> {
        match self {
            TraceRange::Addrs(a, b) => Ok((*a, *b)),
            TraceRange::Symbol(name) => symbols
                .and_then(|s| s.table().extent(name))
                .with_context(|| format!("--trace-range {name}: no such symbol")),
        }
    }
}

/// Whether the disassembly of `word` depends on its address: ADR/ADRP, B/BL, B.cond,
/// CBZ/CBNZ, TBZ/TBNZ, LDR/PRFM (literal) (DDI 0487 C4.1).
fn is_pc_relative(word: u32) -> bool {
    word & 0x1f00_0000 == 0x1000_0000
        || word & 0x7c00_0000 == 0x1400_0000
        || word & 0xff00_0000 == 0x5400_0000
        || word & 0x7e00_0000 == 0x3400_0000
        || word & 0x7e00_0000 == 0x3600_0000
        || word & 0x3b00_0000 == 0x1800_0000
}

/// Capstone disassembly with a cache per instruction word (and PC for the PC-relative ones),
/// and the symbols that name PCs.
pub struct Disasm {
    cs: Capstone,
    cache: HashMap<(u32, u64), String>,
    symbols: Option<Rc<Symbols>>,
}

impl Disasm {
    /// A disassembler for A64.
    pub fn new() -> anyhow::Result<Disasm> {
        let cs = Capstone::new()
            .arm64()
            .mode(ArchMode::Arm)
            .build()
            .map_err(|e| anyhow::anyhow!("{e}"))
            .context("capstone")?;
        Ok(Disasm {
            cs,
            cache: HashMap::new(),
            symbols: None,
        })
    }

    /// Name PCs with `symbols` from now on.
    pub fn set_symbols(&mut self, symbols: Option<Rc<Symbols>>) {
        self.symbols = symbols;
    }

    /// `function+0xoff` for `pc`, when a symbol covers it.
    pub fn symbol(&self, pc: u64) -> Option<String> {
        self.symbols.as_ref()?.describe(pc)
    }

    /// The text of `word` at `pc` (`<unknown>` when capstone has no name for it).
    pub fn text(&mut self, word: u32, pc: u64) -> &str {
        let key = (word, if is_pc_relative(word) { pc } else { 0 });
        let cs = &self.cs;
        self.cache.entry(key).or_insert_with(|| {
            match cs.disasm_count(&word.to_le_bytes(), key.1, 1) {
                Ok(insns) => match insns.iter().next() {
                    Some(i) => format!(
                        "{} {}",
                        i.mnemonic().unwrap_or("?"),
                        i.op_str().unwrap_or("")
                    )
                    .trim_end()
                    .to_string(),
                    None => "<unknown>".to_string(),
                },
                Err(_) => "<unknown>".to_string(),
            }
        })
    }

    /// One trace line: `count EL pc: word  disassembly  <function+0xoff>`, with `prefix` in
    /// front (no symbol part when none covers the PC).
    pub fn line(&mut self, prefix: &str, r: &TraceRecord) -> String {
        let symbol = self.symbol(r.pc);
        let text = self.text(r.word, r.pc);
        let head = format!(
            "{prefix}{:>12} EL{} {:#018x}: {:08x}  ",
            r.insn, r.el, r.pc, r.word
        );
        match symbol {
            Some(s) => format!("{head}{text:<32}  <{s}>"),
            None => head + text,
        }
    }
}

struct Inner {
    out: Box<dyn Write>,
    dis: Disasm,
    error: Option<std::io::Error>,
    show_cpu: bool,
    /// Only PCs in these ranges are traced (all when empty): the PC itself or, inside the
    /// kernel Image, its link address.
    ranges: Vec<(u64, u64)>,
}

impl Inner {
    fn wanted(&self, pc: u64) -> bool {
        let inside = |a: u64| self.ranges.iter().any(|&(s, e)| a >= s && a < e);
        self.ranges.is_empty()
            || inside(pc)
            || self
                .dis
                .symbols
                .as_ref()
                .is_some_and(|s| inside(s.link_address(pc)))
    }
}

/// Formats trace records to a writer; clones share the writer.
#[derive(Clone)]
pub struct TraceWriter(Rc<RefCell<Inner>>);

impl TraceWriter {
    /// A writer to `out`; `show_cpu` prefixes each line with the vCPU; `symbols` name the PCs;
    /// only PCs in `ranges` are written (all when it is empty).
    pub fn new(
        out: Box<dyn Write>,
        show_cpu: bool,
        symbols: Option<Rc<Symbols>>,
        ranges: Vec<(u64, u64)>,
    ) -> anyhow::Result<TraceWriter> {
        let mut dis = Disasm::new()?;
        dis.set_symbols(symbols);
        Ok(TraceWriter(Rc::new(RefCell::new(Inner {
            out,
            dis,
            error: None,
            show_cpu,
            ranges,
        }))))
    }

    /// Format a batch of records of vCPU `cpu`; the first write error is kept for
    /// [`TraceWriter::finish`].
    pub fn write(&self, cpu: usize, records: &[TraceRecord]) {
        let mut inner = self.0.borrow_mut();
        if inner.error.is_some() {
            return;
        }
        let prefix = if inner.show_cpu {
            format!("cpu{cpu} ")
        } else {
            String::new()
        };
        for r in records {
            if !inner.wanted(r.pc) {
                continue;
            }
            let line = inner.dis.line(&prefix, r) + "\n";
            if let Err(e) = inner.out.write_all(line.as_bytes()) {
                inner.error = Some(e);
                return;
            }
        }
    }

    /// Flush, and report the first write error.
    pub fn finish(self) -> anyhow::Result<()> {
        let mut inner = self.0.borrow_mut();
        if let Some(e) = inner.error.take() {
            return Err(e.into());
        }
        inner.out.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Buf(Rc<RefCell<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn formats_lines_with_disassembly() {
        let buf = Buf::default();
        let t = TraceWriter::new(Box::new(buf.clone()), false, None, Vec::new()).unwrap();
        let rec = |insn, pc, word| TraceRecord {
            insn,
            pc,
            word,
            el: 1,
        };
        t.write(
            0,
            &[
                rec(0, 0x4008_0000, 0xd2a1_2013), // mov x19, #0x9000000
                rec(1, 0x4008_0004, 0x1400_0000), // b . (target is the PC)
                rec(2, 0x4008_0010, 0x1400_0000),
            ],
        );
        t.clone().finish().unwrap();
        let text = String::from_utf8(buf.0.borrow().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "           0 EL1 0x0000000040080000: d2a12013  mov x19, #0x9000000"
        );
        assert!(lines[1].ends_with("b #0x40080004"), "{}", lines[1]);
        assert!(lines[2].ends_with("b #0x40080010"), "{}", lines[2]);
    }

    #[test]
    fn ranges_filter_lines() {
        let buf = Buf::default();
        let t = TraceWriter::new(
            Box::new(buf.clone()),
            false,
            None,
            vec![(0x4008_0004, 0x4008_0008)],
        )
        .unwrap();
        let rec = |insn, pc| TraceRecord {
            insn,
            pc,
            word: 0xd503_201f,
            el: 1,
        };
        t.write(
            0,
            &[
                rec(0, 0x4008_0000),
                rec(1, 0x4008_0004),
                rec(2, 0x4008_0008),
            ],
        );
        t.clone().finish().unwrap();
        let text = String::from_utf8(buf.0.borrow().clone()).unwrap();
        assert_eq!(text.lines().count(), 1);
        assert!(text.contains("0x0000000040080004"), "{text}");
        assert_eq!(
            parse_trace_range("0x10..0x20"),
            Ok(TraceRange::Addrs(0x10, 0x20))
        );
        assert_eq!(
            parse_trace_range("start_kernel"),
            Ok(TraceRange::Symbol("start_kernel".into()))
        );
        assert!(parse_trace_range("0x20..0x10").is_err());
        assert!(parse_trace_range("").is_err());
        assert!(TraceRange::Symbol("x".into()).resolve(None).is_err());
    }

    #[test]
    fn pc_relative_classes() {
        for w in [
            0x1000_0000,
            0x9000_0000,
            0x1400_0000,
            0x9400_0000,
            0x5400_0000,
            0x3400_0000,
            0xb500_0000,
            0x3600_0000,
            0x1800_0000,
            0x5800_0000,
            0xd800_0000,
        ] {
            assert!(is_pc_relative(w), "{w:#x}");
        }
        for w in [0xd2a1_2013, 0xd400_0002, 0xb900_0022, 0xd65f_03c0] {
            assert!(!is_pc_relative(w), "{w:#x}");
        }
    }
}
