//! The JSON run report (`--report FILE.json`).

use bootemu_boot::Plan;
use bootemu_machine::RunOutcome;
use serde_json::{json, Map, Value};

use crate::outcome::reason_name;

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

/// The whole report.
pub fn json(o: &RunOutcome, exit_code: u8, description: &str, plan: &Plan) -> Value {
    let undefined: Map<String, Value> = o
        .undefined
        .iter()
        .map(|(word, count)| (format!("{word:08x}"), json!(count)))
        .collect();
    json!({
        "exit_reason": reason_name(&o.reason),
        "description": description,
        "exit_code": exit_code,
        "instructions": o.insns,
        "virtual_clock": o.clock,
        "resets": o.resets,
        "console_bytes": o.console_bytes,
        "expect_missing": o.expect_missing,
        "load_plan": plan_json(plan),
        "undefined": undefined,
    })
}
