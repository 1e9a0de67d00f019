//! The JSON run report (`--report FILE.json`): exit reason and code, instructions (total and per
//! vCPU), virtual time, the load plan, the kernel's `Kernel command line:`, the first kernel
//! failure line, UNDEFINED encodings met (with disassembly), console byte count, and on a guest
//! failure (exit 3) the flight recorder: each vCPU's last instructions, each PC with its
//! `symbol` (`function+0xoff`, null when no symbol covers it). `bootemu run` adds the hand-off
//! checks, the kernel entry, disks, ACPI, and the instructions per boot phase (`phases`) and,
//! with `--timeline`, the most sampled functions (`top_functions`; see `crate::timeline`).

use bootemu_boot::Plan;
use bootemu_cpu::aarch64::sysreg::id::CNTFRQ;
use bootemu_cpu::aarch64::trace::TraceRecord;
use bootemu_machine::RunOutcome;
use serde_json::{json, Map, Value};

use crate::outcome::{reason_name, EXIT_GUEST_FAILURE};
use crate::trace::Disasm;

fn hex(v: u64) -> String {
    format!("{v:#x}")
}

/// The plan as JSON: format, entry, registers and load map.
pub fn plan_json(plan: &Plan) -> Value {
    json!({
        "format": plan.format.to_string(),
        "entry": hex(plan.entry),
        "x0_x3": plan.regs.iter().map(|&r| hex(r)).collect::<Vec<_>>(),
        "map": plan.map.iter().map(|m| json!({
            "start": hex(m.start),
            "size": hex(m.size),
            "what": m.what,
        })).collect::<Vec<_>>(),
    })
}

/// Flight recorder records as JSON objects with their disassembly.
fn flight_json(records: &[TraceRecord], dis: &mut Disasm) -> Value {
    records
        .iter()
        .map(|r| {
            json!({
                "insn": r.insn,
                "el": r.el,
                "pc": hex(r.pc),
                "word": format!("{:08x}", r.word),
                "disasm": dis.text(r.word, r.pc),
                "symbol": dis.symbol(r.pc),
            })
        })
        .collect()
}

/// The whole report.
pub fn json(
    o: &RunOutcome,
    exit_code: u8,
    description: &str,
    plan: &Plan,
    dis: &mut Disasm,
) -> Value {
    let undefined_total: u64 = o.undefined.values().sum();
    let undefined: Map<String, Value> = o
        .undefined
        .iter()
        .map(|(&word, &count)| {
            (
                format!("{word:08x}"),
                json!({ "count": count, "disasm": dis.text(word, 0) }),
            )
        })
        .collect();
    let mut report = json!({
        "exit_reason": reason_name(o),
        "description": description,
        "exit_code": exit_code,
        "instructions": o.insns,
        "instructions_per_cpu": o.per_cpu,
        "virtual_clock": o.clock,
        "virtual_time_s": o.clock as f64 / CNTFRQ as f64,
        "resets": o.resets,
        "console_bytes": o.console_bytes,
        "expect_missing": o.expect_missing,
        "kernel_cmdline": o.kernel_cmdline,
        "console_failure": o.console_failure,
        "load_plan": plan_json(plan),
        "undefined_total": undefined_total,
        "undefined": undefined,
        "unclaimed_accesses": {
            "count": o.unclaimed.count,
            "first": o.unclaimed.first.iter().map(|&(pa, write)| json!({
                "address": format!("{pa:#x}"),
                "access": if write { "write" } else { "read" },
            })).collect::<Vec<_>>(),
        },
        "longest_quiet_insns": o.longest_quiet,
    });
    if exit_code == EXIT_GUEST_FAILURE {
        report["flight_recorder"] = flight_json_all(o, dis);
    }
    report
}

/// The flight recorder of every vCPU, with where each stopped.
pub fn flight_json_all(o: &RunOutcome, dis: &mut Disasm) -> Value {
    o.flight
        .iter()
        .enumerate()
        .map(|(cpu, f)| {
            json!({
                "cpu": cpu,
                "stopped_at": f.last().map(|r| format!("{:#x}", r.pc)),
                "stopped_at_symbol": f.last().and_then(|r| dis.symbol(r.pc)),
                "el": f.last().map(|r| r.el),
                "last": flight_json(f, dis),
            })
        })
        .collect()
}
