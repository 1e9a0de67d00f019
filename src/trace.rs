//! Trace output: one line per traced item — instructions (`count EL pc: word  disassembly`)
//! and events (exceptions, interrupts, device and memory accesses, system-register writes,
//! PSCI calls: [`crate::trace_event`]) — prefixed by `cpuN ` with more than one vCPU (the count
//! is then that vCPU's), in the order the vCPUs ran; or the same as one JSON object per line
//! (`--trace-format json`).
//!
//! Filters (all must pass): `--trace-range` by PC, `--trace-el`, `--trace-window` (the vCPU's
//! own instruction count: per vCPU, not global), `--trace-cpu` (the other vCPUs are not
//! traced at all).
//!
//! With symbols (the kernel's kallsyms, `--symbols`), each line ends with `<function+0xoff>`
//! ([`crate::symbols::Symbols::describe`]).
//!
//! Disassembly comes from capstone and is cached per instruction word (per word and PC for the
//! PC-relative encodings, whose text names their target address). Host-side formatting only:
//! nothing here affects the guest, and the same run gives the same bytes.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;

use anyhow::Context;
use bootemu_cpu::aarch64::trace::{kind, TraceItem, TraceRecord};
use capstone::arch::arm64::ArchMode;
use capstone::prelude::*;

use crate::symbols::Symbols;
use crate::trace_event::{self, JsonLine};

/// Trace events `--trace` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceEvent {
    /// Every executed instruction.
    Insn,
    /// Synchronous exceptions taken (EC, ESR, FAR, ELR, ELs, vector) and exception returns.
    Exc,
    /// Interrupts taken (IRQ/FIQ/SError, virtual or not), and the INTID the guest acknowledges
    /// at the GIC.
    Irq,
    /// Device accesses: device, register, size, value.
    Mmio,
    /// Data loads and stores to memory: VA, PA, size, value (slow: no data TLB).
    Mem,
    /// System-register writes (MSR).
    Sysreg,
    /// PSCI calls and their results.
    Psci,
}

impl TraceEvent {
    /// The core's [`kind`] bit.
    pub fn kind(self) -> u32 {
        match self {
            TraceEvent::Insn => kind::INSN,
            TraceEvent::Exc => kind::EXC,
            TraceEvent::Irq => kind::IRQ,
            TraceEvent::Mmio => kind::MMIO,
            TraceEvent::Mem => kind::MEM,
            TraceEvent::Sysreg => kind::SYSREG,
            TraceEvent::Psci => kind::PSCI,
        }
    }
}

/// `--trace-format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceFormat {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Parse a `--trace-window`: `N..M` instruction counts (M excluded), decimal or 0x hex.
pub fn parse_window(s: &str) -> Result<(u64, u64), String> {
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| format!("{s:?}: expected N..M"))?;
    let start = crate::size::parse_addr(a)?;
    let end = crate::size::parse_addr(b)?;
    if end <= start {
        return Err(format!("{s:?}: the end must be above the start"));
    }
    Ok((start, end))
}

/// Which items are written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// The [`kind`] bits shown (`irq` also shows the reads of the GIC's acknowledge register,
    /// device accesses, as interrupt acknowledges).
    pub kinds: u32,
    /// PCs in these ranges only (all when empty): the PC itself or, inside the kernel Image,
    /// its link address.
    pub ranges: Vec<(u64, u64)>,
    /// These ELs only (all when empty).
    pub els: Vec<u8>,
    /// Instruction counts `[start, end)` of each vCPU.
    pub window: Option<(u64, u64)>,
    /// These vCPUs only (all when empty).
    pub cpus: Vec<usize>,
}

impl Filter {
    /// The kinds the core must record for this filter: device accesses too for `irq` (the
    /// acknowledge is one).
    pub fn recorded_kinds(&self) -> u32 {
        if self.kinds & kind::IRQ != 0 {
            self.kinds | kind::MMIO
        } else {
            self.kinds
        }
    }

    /// Whether `item` of vCPU `cpu` passes the filters other than the PC ranges, and if so
    /// whether it is shown as an interrupt acknowledge (with `irq`, a read of the GIC's
    /// acknowledge register is one, rather than a device access).
    fn pass(&self, cpu: usize, item: &TraceItem) -> Option<bool> {
        if !self.cpus.is_empty() && !self.cpus.contains(&cpu) {
            return None;
        }
        if let Some((a, b)) = self.window {
            if item.insn < a || item.insn >= b {
                return None;
            }
        }
        if !self.els.is_empty() && !self.els.contains(&item.el) {
            return None;
        }
        if self.kinds & kind::IRQ != 0 && trace_event::ack(&item.event).is_some() {
            return Some(true);
        }
        (self.kinds & item.event.kind() != 0).then_some(false)
    }
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
    filter: Filter,
    format: TraceFormat,
}

impl Inner {
    fn in_range(&self, pc: u64) -> bool {
        let ranges = &self.filter.ranges;
        let inside = |a: u64| ranges.iter().any(|&(s, e)| a >= s && a < e);
        ranges.is_empty()
            || inside(pc)
            || self
                .dis
                .symbols
                .as_ref()
                .is_some_and(|s| inside(s.link_address(pc)))
    }

    /// The line of `item` (with its newline), or `None` when it is filtered out.
    fn line(&mut self, cpu: usize, item: &TraceItem) -> Option<String> {
        let as_ack = self.filter.pass(cpu, item)?;
        if !self.in_range(item.pc) {
            return None;
        }
        let mut line = match self.format {
            TraceFormat::Text => {
                let prefix = if self.show_cpu {
                    format!("cpu{cpu} ")
                } else {
                    String::new()
                };
                match item.insn_record() {
                    Some(r) => self.dis.line(&prefix, &r),
                    None => {
                        let head = format!(
                            "{prefix}{:>12} EL{} {:#018x}: ",
                            item.insn, item.el, item.pc
                        );
                        let body = trace_event::text(item, as_ack);
                        match self.dis.symbol(item.pc) {
                            Some(s) => format!("{head}{body}  <{s}>"),
                            None => head + &body,
                        }
                    }
                }
            }
            TraceFormat::Json => {
                let (k, ev) = trace_event::names(item, as_ack);
                let symbol = self.dis.symbol(item.pc);
                let mut j = JsonLine::new();
                j.num("cpu", cpu as u64)
                    .num("insn", item.insn)
                    .num("el", item.el as u64)
                    .hex("pc", item.pc)
                    .str("kind", k)
                    .str("event", ev)
                    .opt_str("symbol", symbol.as_deref());
                let text = item
                    .insn_record()
                    .map(|r| self.dis.text(r.word, r.pc).to_string());
                trace_event::json_fields(&mut j, item, as_ack, text.as_deref());
                j.finish()
            }
        };
        line.push('\n');
        Some(line)
    }
}

/// Formats trace items to a writer; clones share the writer.
#[derive(Clone)]
pub struct TraceWriter(Rc<RefCell<Inner>>);

impl TraceWriter {
    /// A writer to `out`; `show_cpu` prefixes each text line with the vCPU; `symbols` name the
    /// PCs; only items that pass `filter` are written, in `format`.
    pub fn new(
        out: Box<dyn Write>,
        show_cpu: bool,
        symbols: Option<Rc<Symbols>>,
        filter: Filter,
        format: TraceFormat,
    ) -> anyhow::Result<TraceWriter> {
        let mut dis = Disasm::new()?;
        dis.set_symbols(symbols);
        Ok(TraceWriter(Rc::new(RefCell::new(Inner {
            out,
            dis,
            error: None,
            show_cpu,
            filter,
            format,
        }))))
    }

    /// Format a batch of items of vCPU `cpu`; the first write error is kept for
    /// [`TraceWriter::finish`].
    pub fn write(&self, cpu: usize, items: &[TraceItem]) {
        let mut inner = self.0.borrow_mut();
        if inner.error.is_some() {
            return;
        }
        for item in items {
            let Some(line) = inner.line(cpu, item) else {
                continue;
            };
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
    use crate::test_support::SharedBuf as Buf;
    use bootemu_cpu::aarch64::trace::Event;

    fn insn(insn: u64, pc: u64, word: u32) -> TraceItem {
        TraceItem {
            insn,
            pc,
            el: 1,
            event: Event::Insn { word },
        }
    }

    fn all() -> Filter {
        Filter {
            kinds: kind::ALL,
            ..Filter::default()
        }
    }

    /// The text written for `items` of vCPU 0 under `filter`.
    fn written(filter: Filter, format: TraceFormat, items: &[(usize, TraceItem)]) -> String {
        let buf = Buf::default();
        let t = TraceWriter::new(Box::new(buf.clone()), false, None, filter, format).unwrap();
        for (cpu, item) in items {
            t.write(*cpu, std::slice::from_ref(item));
        }
        t.clone().finish().unwrap();
        String::from_utf8(buf.bytes()).unwrap()
    }

    #[test]
    fn formats_lines_with_disassembly() {
        let text = written(
            all(),
            TraceFormat::Text,
            &[
                (0, insn(0, 0x4008_0000, 0xd2a1_2013)), // mov x19, #0x9000000
                (0, insn(1, 0x4008_0004, 0x1400_0000)), // b . (target is the PC)
                (0, insn(2, 0x4008_0010, 0x1400_0000)),
            ],
        );
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
        let filter = Filter {
            ranges: vec![(0x4008_0004, 0x4008_0008)],
            ..all()
        };
        let nop = 0xd503_201f;
        let text = written(
            filter,
            TraceFormat::Text,
            &[
                (0, insn(0, 0x4008_0000, nop)),
                (0, insn(1, 0x4008_0004, nop)),
                (0, insn(2, 0x4008_0008, nop)),
            ],
        );
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

    /// A mix of items on two vCPUs at both ELs.
    fn mix() -> Vec<(usize, TraceItem)> {
        let exc = |insn, el| TraceItem {
            insn,
            pc: 0x1000 + insn * 4,
            el,
            event: Event::Exception {
                esr: 0x5600_0000,
                far: None,
                elr: 0x1004,
                to_el: 1,
                vector: 0x800,
            },
        };
        let sysreg = TraceItem {
            insn: 5,
            pc: 0x2000,
            el: 1,
            event: Event::SysReg {
                enc: 0xc080,
                name: "SCTLR_EL1",
                value: 0x30d0_1805,
                write: true,
            },
        };
        let ack = TraceItem {
            insn: 6,
            pc: 0x2004,
            el: 1,
            event: Event::SysReg {
                enc: 0xc660,
                name: "ICC_IAR1_EL1",
                value: 27,
                write: false,
            },
        };
        vec![
            (0, insn(0, 0x1000, 0xd503_201f)),
            (0, exc(1, 0)),
            (1, exc(2, 1)),
            (0, sysreg),
            (0, ack),
            (0, exc(100, 1)),
        ]
    }

    #[test]
    fn kind_el_window_and_cpu_filters() {
        let count = |f: Filter| written(f, TraceFormat::Text, &mix()).lines().count();
        assert_eq!(count(all()), 6);
        let only = |kinds| Filter {
            kinds,
            ..Filter::default()
        };
        assert_eq!(count(only(kind::EXC)), 3);
        assert_eq!(count(only(kind::SYSREG)), 1);
        // irq shows the acknowledge (a device access) only.
        let irq = written(only(kind::IRQ), TraceFormat::Text, &mix());
        assert_eq!(irq.lines().count(), 1);
        assert!(irq.contains("ack INTID 27 (ICC_IAR1_EL1)"), "{irq}");
        assert_eq!(only(kind::IRQ).recorded_kinds(), kind::IRQ | kind::MMIO);
        assert_eq!(count(only(kind::MMIO)), 1);
        let both = written(only(kind::IRQ | kind::MMIO), TraceFormat::Text, &mix());
        assert!(
            both.contains("ack INTID 27") && !both.contains("mmio"),
            "{both}"
        );
        assert_eq!(
            count(Filter {
                els: vec![0],
                ..all()
            }),
            1
        );
        assert_eq!(
            count(Filter {
                window: Some((1, 6)),
                ..all()
            }),
            3
        );
        assert_eq!(
            count(Filter {
                cpus: vec![1],
                ..all()
            }),
            1
        );
        assert_eq!(parse_window("0..200000000"), Ok((0, 200_000_000)));
        assert_eq!(parse_window("0x10..0x20"), Ok((16, 32)));
        assert!(parse_window("5..5").is_err());
        assert!(parse_window("5").is_err());
        assert!(parse_window("a..b").is_err());
    }

    #[test]
    fn json_lines_have_the_common_fields_in_every_kind() {
        let text = written(all(), TraceFormat::Json, &mix());
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 6);
        for v in &lines {
            for k in ["cpu", "insn", "el", "pc", "kind", "event", "symbol"] {
                assert!(v.get(k).is_some(), "{k} missing: {v}");
            }
        }
        assert_eq!(lines[0]["event"], "insn");
        assert_eq!(lines[0]["text"], "nop");
        assert_eq!(lines[0]["word"], "0xd503201f");
        assert_eq!(lines[1]["kind"], "exc");
        assert_eq!(lines[1]["esr"], "0x56000000");
        assert_eq!(lines[1]["ec"], "0x15");
        assert_eq!(lines[2]["cpu"], 1);
        assert_eq!(lines[3]["reg"], "SCTLR_EL1");
        assert_eq!(lines[3]["value"], "0x30d01805");
        // With irq traced, the acknowledge register read is shown as the acknowledge.
        assert_eq!(lines[4]["kind"], "irq");
        assert_eq!(lines[4]["event"], "irq_ack");
        let mmio = Filter {
            kinds: kind::MMIO,
            ..Filter::default()
        };
        let read: serde_json::Value =
            serde_json::from_str(written(mmio, TraceFormat::Json, &mix()).trim()).unwrap();
        assert_eq!(
            (read["kind"].as_str(), read["event"].as_str()),
            (Some("mmio"), Some("sysreg_read"))
        );
        assert_eq!(
            (read["reg"].as_str(), read["value"].as_str()),
            (Some("ICC_IAR1_EL1"), Some("0x1b"))
        );
        let irq = Filter {
            kinds: kind::IRQ,
            ..Filter::default()
        };
        let ack: serde_json::Value =
            serde_json::from_str(written(irq, TraceFormat::Json, &mix()).trim()).unwrap();
        assert_eq!(
            (ack["event"].as_str(), ack["intid"].as_u64()),
            (Some("irq_ack"), Some(27))
        );
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
