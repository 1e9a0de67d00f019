//! `monitor` commands: bootemu's own state (instruction counts, virtual time, re-executions,
//! snapshots, hand-off checks so far) and physical memory.

use gdbstub::target::ext::monitor_cmd::{outputln, ConsoleOutput, MonitorCmd};

use super::target::GdbTarget;

/// Most bytes `monitor phys` shows at once.
const PHYS_MAX: u64 = 4096;

const HELP: &str = "bootemu monitor commands:
  status              instruction counts, virtual time, where each vCPU is
  phys ADDR [LEN]     guest-physical memory (hex dump, LEN <= 4096, default 64)
  translate VA        the physical address of VA on the stopped vCPU
  checks              hand-off checks as of now (after the kernel entry)
  snapshots           the snapshots reverse execution starts from, and what they cost";

fn parse_num(s: &str) -> Option<u64> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

impl MonitorCmd for GdbTarget<'_> {
    fn handle_monitor_cmd(&mut self, cmd: &[u8], mut out: ConsoleOutput<'_>) -> Result<(), String> {
        let cmd = String::from_utf8_lossy(cmd);
        let words: Vec<&str> = cmd.split_whitespace().collect();
        match words.as_slice() {
            [] | ["help"] => outputln!(out, "{HELP}"),
            ["status"] => {
                let m = &self.machine;
                outputln!(
                    out,
                    "instructions: {} (all vCPUs), virtual time: {} ticks",
                    m.executed(),
                    m.virtual_time()
                );
                for (i, v) in m.vcpus.iter().enumerate() {
                    outputln!(
                        out,
                        "vCPU {i}: {:?}{}, pc {:#x}, EL{}, {} instructions",
                        v.power,
                        if v.wait.is_some() { " (waiting)" } else { "" },
                        v.cpu.pc,
                        v.cpu.el,
                        v.cpu.insns
                    );
                }
                outputln!(
                    out,
                    "stopped: vCPU {} at instruction {}; re-executions: {} ({} instructions)",
                    self.position.0,
                    self.position.1,
                    self.replays.0,
                    self.replays.1
                );
            }
            ["phys", addr, rest @ ..] if rest.len() <= 1 => {
                let len = rest.first().map_or(Some(64), |l| parse_num(l));
                match (parse_num(addr), len) {
                    (Some(a), Some(l)) if l <= PHYS_MAX => match self
                        .machine
                        .debug_read_phys(a, l as usize)
                    {
                        Some(bytes) => {
                            for (i, row) in bytes.chunks(16).enumerate() {
                                let hex: Vec<String> =
                                    row.iter().map(|b| format!("{b:02x}")).collect();
                                outputln!(out, "{:#012x}: {}", a + 16 * i as u64, hex.join(" "));
                            }
                        }
                        None => outputln!(out, "{a:#x}+{l:#x}: not RAM or ROM"),
                    },
                    _ => outputln!(out, "usage: phys ADDR [LEN] (LEN at most {PHYS_MAX})"),
                }
            }
            ["translate", va] => match parse_num(va) {
                Some(va) => match self.machine.debug_translate(self.position.0, va) {
                    Some(pa) => outputln!(out, "{va:#x} -> {pa:#x}"),
                    None => outputln!(out, "{va:#x}: translation fault"),
                },
                None => outputln!(out, "usage: translate VA"),
            },
            ["checks"] => match self.checks.as_ref() {
                Some(f) => {
                    for line in f(&self.machine) {
                        outputln!(out, "{line}");
                    }
                }
                None => outputln!(out, "no hand-off checks for this boot"),
            },
            ["snapshots"] => {
                for line in self.describe_snapshots() {
                    outputln!(out, "{line}");
                }
            }
            _ => outputln!(out, "unknown command {cmd:?}\n{HELP}"),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers() {
        assert_eq!(super::parse_num("0x40"), Some(64));
        assert_eq!(super::parse_num("64"), Some(64));
        assert_eq!(super::parse_num("x"), None);
    }
}
