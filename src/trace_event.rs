//! One trace item as text or as a JSON object: the fields of the events `--trace` records
//! besides instructions (exceptions and ERET, interrupts and their acknowledge, device and
//! memory accesses, system-register writes, PSCI calls).
//!
//! Text: `[cpuN ]count ELn pc: KIND  details  <function+0xoff>`. JSON: one object per line with
//! the same leading fields in every kind (`cpu`, `insn`, `el`, `pc`, `kind`, `event`,
//! `symbol`), then the kind's own; a field means the same in every kind that has it (`to_el`,
//! `elr`, `vector`, `pa`, `size`, `value`, `write`, `reg`). Addresses and register values are
//! hex strings (`"0x…"`: exact beyond 2^53), counts and small numbers are numbers.
//!
//! Exception classes are named after DDI 0487 D19 (ESR_ELx.EC); PSCI functions after DEN 0022.

use std::fmt::Write;

use bootemu_cpu::aarch64::trace::{Event, IrqLine, TraceItem};

/// Names of the GIC interrupt acknowledge registers: reading one returns the INTID of the
/// interrupt taken (GICv2 `GICC_IAR`/`GICC_AIAR`, GICv3 `ICC_IAR0/1_EL1`).
const ACK_REGS: [&str; 4] = ["GICC_IAR", "GICC_AIAR", "ICC_IAR0_EL1", "ICC_IAR1_EL1"];

/// INTIDs 1020–1023 are special (no interrupt pending: spurious).
const FIRST_SPECIAL_INTID: u64 = 1020;

/// The acknowledge register and the INTID, when `e` is a read of one.
pub fn ack(e: &Event) -> Option<(&'static str, u64)> {
    let (reg, value) = match *e {
        Event::Mmio {
            write: false,
            value,
            dev: Some(d),
            ..
        } => (d.reg?, value),
        Event::SysReg {
            write: false,
            name,
            value,
            ..
        } => (name, value),
        _ => return None,
    };
    // GICv2: INTID in bits 9:0 (12:10 the source CPU of an SGI); GICv3: bits 23:0.
    let mask = if reg.starts_with("GICC") {
        0x3ff
    } else {
        0xff_ffff
    };
    ACK_REGS.contains(&reg).then_some((reg, value & mask))
}

/// A short name of exception class `ec`.
pub fn ec_name(ec: u64) -> &'static str {
    match ec {
        0x00 => "unknown",
        0x01 => "WFx",
        0x07 => "FP access",
        0x0e => "illegal state",
        0x15 => "SVC",
        0x16 => "HVC",
        0x17 => "SMC",
        0x18 => "MSR/MRS",
        0x20 => "instruction abort, lower EL",
        0x21 => "instruction abort",
        0x22 => "PC alignment",
        0x24 => "data abort, lower EL",
        0x25 => "data abort",
        0x26 => "SP alignment",
        0x2f => "SError",
        0x3c => "BRK",
        _ => "other",
    }
}

fn line_name(l: IrqLine) -> &'static str {
    match l {
        IrqLine::Irq => "IRQ",
        IrqLine::Fiq => "FIQ",
        IrqLine::SError => "SError",
    }
}

/// The `--trace` kind and the event name of `item` (`irq_ack` is shown with `irq`).
pub fn names(item: &TraceItem, as_ack: bool) -> (&'static str, &'static str) {
    if as_ack {
        return ("irq", "irq_ack");
    }
    match item.event {
        Event::Insn { .. } => ("insn", "insn"),
        Event::Exception { .. } => ("exc", "exception"),
        Event::Eret { .. } => ("exc", "eret"),
        Event::Interrupt { .. } => ("irq", "interrupt"),
        Event::Mmio { .. } => ("mmio", "mmio"),
        Event::SysReg { write: false, .. } => ("mmio", "sysreg_read"),
        Event::Mem { .. } => ("mem", "mem"),
        Event::SysReg { .. } => ("sysreg", "sysreg"),
        Event::Psci { .. } => ("psci", "psci"),
    }
}

fn rw(write: bool) -> &'static str {
    if write {
        "write"
    } else {
        "read "
    }
}

/// The details of an event in the text form (not for instructions). `as_ack`: show a read of
/// an acknowledge register as the interrupt acknowledge.
pub fn text(item: &TraceItem, as_ack: bool) -> String {
    let mut s = String::new();
    if as_ack {
        if let Some((reg, intid)) = ack(&item.event) {
            let what = if intid >= FIRST_SPECIAL_INTID {
                " (spurious)"
            } else {
                ""
            };
            let _ = write!(s, "irq    ack INTID {intid}{what} ({reg})");
            return s;
        }
    }
    let from = item.el;
    match item.event {
        Event::Insn { word } => {
            let _ = write!(s, "{word:08x}");
        }
        Event::Exception {
            esr,
            far,
            elr,
            to_el,
            vector,
        } => {
            let ec = esr >> 26;
            let _ = write!(s, "exc    EC {ec:#04x} ({}) ESR {esr:#010x}", ec_name(ec));
            if let Some(far) = far {
                let _ = write!(s, " FAR {far:#x}");
            }
            let _ = write!(s, " ELR {elr:#x} EL{from}->EL{to_el} vector {vector:#x}");
        }
        Event::Eret {
            to_el,
            target,
            spsr,
        } => {
            let _ = write!(
                s,
                "eret   EL{from}->EL{to_el} to {target:#x} SPSR {spsr:#x}"
            );
        }
        Event::Interrupt {
            line,
            virtual_,
            elr,
            to_el,
            vector,
        } => {
            let v = if virtual_ { "virtual " } else { "" };
            let _ = write!(
                s,
                "irq    {v}{} EL{from}->EL{to_el} ELR {elr:#x} vector {vector:#x}",
                line_name(line)
            );
        }
        Event::Mmio {
            pa,
            size,
            value,
            write,
            dev,
        } => {
            let _ = write!(s, "mmio   {} ", rw(write));
            match dev {
                Some(d) => {
                    let _ = write!(s, "{}+{:#x}", d.device, d.offset);
                    if let Some(r) = d.reg {
                        let _ = write!(s, " {r}");
                    }
                }
                None => s.push_str("(no device)"),
            }
            let _ = write!(s, " pa {pa:#x} size {size} value {value:#x}");
        }
        Event::Mem {
            va,
            pa,
            size,
            value,
            write,
        } => {
            let _ = write!(s, "mem    {} va {va:#x}", rw(write));
            if let Some(pa) = pa {
                let _ = write!(s, " pa {pa:#x}");
            }
            let _ = write!(s, " size {size} value {value:#x}");
        }
        Event::SysReg {
            name, value, write, ..
        } => {
            let kind = if write { "sysreg" } else { "mmio  " };
            let _ = write!(s, "{kind} {} {name} value {value:#x}", rw(write));
        }
        Event::Psci {
            function,
            args,
            result,
        } => {
            let name = bootemu_machine::psci::function_name(function).unwrap_or("?");
            let _ = write!(
                s,
                "psci   {name} ({function:#x}) args {:#x}, {:#x}, {:#x}",
                args[0], args[1], args[2]
            );
            match result {
                Some(r) => {
                    let _ = write!(s, " result {:#x} ({})", r, r as i64);
                }
                None => s.push_str(" (does not return)"),
            }
        }
    }
    s
}

/// A JSON object under construction, fields in the order they are added.
pub struct JsonLine(String);

impl JsonLine {
    /// `{` and nothing else yet.
    pub fn new() -> JsonLine {
        JsonLine(String::from("{"))
    }

    fn key(&mut self, k: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.0.push('"');
        self.0.push_str(k);
        self.0.push_str("\":");
    }

    /// A number field.
    pub fn num(&mut self, k: &str, v: u64) -> &mut Self {
        self.key(k);
        let _ = write!(self.0, "{v}");
        self
    }

    /// A `"0x…"` field.
    pub fn hex(&mut self, k: &str, v: u64) -> &mut Self {
        self.key(k);
        let _ = write!(self.0, "\"{v:#x}\"");
        self
    }

    /// A `"0x…"` field, or null.
    pub fn opt_hex(&mut self, k: &str, v: Option<u64>) -> &mut Self {
        match v {
            Some(v) => self.hex(k, v),
            None => self.null(k),
        }
    }

    /// A boolean field.
    pub fn bool(&mut self, k: &str, v: bool) -> &mut Self {
        self.key(k);
        self.0.push_str(if v { "true" } else { "false" });
        self
    }

    /// A null field.
    pub fn null(&mut self, k: &str) -> &mut Self {
        self.key(k);
        self.0.push_str("null");
        self
    }

    /// A string field (escaped).
    pub fn str(&mut self, k: &str, v: &str) -> &mut Self {
        self.key(k);
        self.0.push('"');
        for c in v.chars() {
            match c {
                '"' => self.0.push_str("\\\""),
                '\\' => self.0.push_str("\\\\"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(self.0, "\\u{:04x}", c as u32);
                }
                c => self.0.push(c),
            }
        }
        self.0.push('"');
        self
    }

    /// A string field, or null.
    pub fn opt_str(&mut self, k: &str, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.str(k, v),
            None => self.null(k),
        }
    }

    /// The object's text, closed.
    pub fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// The kind-specific fields of an event (after the common ones); `disasm` is an instruction's
/// text.
pub fn json_fields(j: &mut JsonLine, item: &TraceItem, as_ack: bool, disasm: Option<&str>) {
    if as_ack {
        if let Some((reg, intid)) = ack(&item.event) {
            j.num("intid", intid).str("reg", reg);
            return;
        }
    }
    match item.event {
        Event::Insn { word } => {
            j.hex("word", word as u64).opt_str("text", disasm);
        }
        Event::Exception {
            esr,
            far,
            elr,
            to_el,
            vector,
        } => {
            j.hex("ec", esr >> 26)
                .str("ec_name", ec_name(esr >> 26))
                .hex("esr", esr)
                .opt_hex("far", far)
                .hex("elr", elr)
                .num("to_el", to_el as u64)
                .hex("vector", vector);
        }
        Event::Eret {
            to_el,
            target,
            spsr,
        } => {
            j.num("to_el", to_el as u64)
                .hex("target", target)
                .hex("spsr", spsr);
        }
        Event::Interrupt {
            line,
            virtual_,
            elr,
            to_el,
            vector,
        } => {
            j.str("line", line_name(line))
                .bool("virtual", virtual_)
                .hex("elr", elr)
                .num("to_el", to_el as u64)
                .hex("vector", vector);
        }
        Event::Mmio {
            pa,
            size,
            value,
            write,
            dev,
        } => {
            j.bool("write", write)
                .hex("pa", pa)
                .num("size", size as u64)
                .hex("value", value)
                .opt_str("device", dev.map(|d| d.device))
                .opt_hex("offset", dev.map(|d| d.offset))
                .opt_str("reg", dev.and_then(|d| d.reg));
        }
        Event::Mem {
            va,
            pa,
            size,
            value,
            write,
        } => {
            j.bool("write", write)
                .hex("va", va)
                .opt_hex("pa", pa)
                .num("size", size as u64)
                .hex("value", value);
        }
        Event::SysReg {
            enc,
            name,
            value,
            write,
        } => {
            j.bool("write", write)
                .str("reg", name)
                .hex("enc", enc as u64)
                .hex("value", value);
        }
        Event::Psci {
            function,
            args,
            result,
        } => {
            j.hex("function", function as u64)
                .opt_str("name", bootemu_machine::psci::function_name(function))
                .hex("x1", args[0])
                .hex("x2", args[1])
                .hex("x3", args[2])
                .opt_hex("result", result);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bootemu_cpu::aarch64::trace::DeviceReg;

    fn item(event: Event) -> TraceItem {
        TraceItem {
            insn: 7,
            pc: 0x4008_0000,
            el: 1,
            event,
        }
    }

    #[test]
    fn exception_text_and_json() {
        let e = item(Event::Exception {
            esr: 0x9600_0045,
            far: Some(0xdead_0000),
            elr: 0x4008_0000,
            to_el: 1,
            vector: 0x4000_0200,
        });
        assert_eq!(
            text(&e, false),
            "exc    EC 0x25 (data abort) ESR 0x96000045 FAR 0xdead0000 ELR 0x40080000 \
             EL1->EL1 vector 0x40000200"
        );
        let mut j = JsonLine::new();
        json_fields(&mut j, &e, false, None);
        let v: serde_json::Value = serde_json::from_str(&j.finish()).unwrap();
        assert_eq!(v["ec"], "0x25");
        assert_eq!(v["esr"], "0x96000045");
        assert_eq!(v["far"], "0xdead0000");
        assert_eq!(v["to_el"], 1);
    }

    #[test]
    fn acknowledge_reads_give_the_intid() {
        let gicc = item(Event::Mmio {
            pa: 0x0801_000c,
            size: 4,
            value: 0x41b,
            write: false,
            dev: Some(DeviceReg {
                device: "gicc",
                offset: 0xc,
                reg: Some("GICC_IAR"),
            }),
        });
        // INTID 27 from CPU 1 (GICv2 IAR bits 12:10 are the source CPU of an SGI).
        assert_eq!(ack(&gicc.event), Some(("GICC_IAR", 27)));
        let icc = item(Event::SysReg {
            enc: 0,
            name: "ICC_IAR1_EL1",
            value: 27,
            write: false,
        });
        assert_eq!(text(&icc, true), "irq    ack INTID 27 (ICC_IAR1_EL1)");
        assert!(text(&icc, false).starts_with("mmio   read  ICC_IAR1_EL1"));
        let spurious = item(Event::SysReg {
            enc: 0,
            name: "ICC_IAR1_EL1",
            value: 1023,
            write: false,
        });
        assert!(text(&spurious, true).contains("1023 (spurious)"));
        let write = item(Event::SysReg {
            enc: 0,
            name: "ICC_EOIR1_EL1",
            value: 27,
            write: true,
        });
        assert_eq!(ack(&write.event), None);
    }

    #[test]
    fn json_strings_are_escaped() {
        let mut j = JsonLine::new();
        j.str("a", "x\"y\\z\n").num("n", 3).null("z");
        let s = j.finish();
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["a"], "x\"y\\z\n");
        assert_eq!(v["n"], 3);
        assert!(v["z"].is_null());
    }
}
