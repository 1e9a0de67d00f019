//! A machine: one vCPU, a board built from a profile, the console and the run loop.
//!
//! The run loop executes the core in chunks of at most [`CHUNK`] instructions. Between chunks —
//! and whenever the core exits for HVC/SMC, WFI or a full trace buffer — the machine does its
//! host-side work at points fixed by the instruction count: it moves UART output to the console
//! (scanning it for `--expect` markers), feeds host input to the UART when enabled, drains the
//! trace and checks for an exception loop. Nothing the guest sees depends on host time.
//!
//! Ends of a run ([`StopReason`]):
//! - PSCI `SYSTEM_OFF` / `SYSTEM_RESET` (HVC or SMC, see [`crate::psci`]);
//! - all `--expect` markers seen (checked after each chunk of console output);
//! - the instruction budget spent;
//! - guest failure: WFI with no interrupt source (there is no interrupt controller yet, so a WFI
//!   can never wake up: the guest hangs), or an exception loop (an exception taken while
//!   executing the vector table itself, e.g. UNDEFINED code at the vectors).

use std::collections::BTreeMap;
use std::io::Write;

use bootemu_boot::Plan;
use bootemu_cpu::aarch64::sysreg::Reg;
use bootemu_cpu::aarch64::trace::{TraceBuf, TraceRecord};
use bootemu_cpu::aarch64::{BlockCache, Cpu, Exit};

use crate::board::Board;
use crate::console::Console;
use crate::host_input::HostInput;
use crate::memory::MemoryError;
use crate::profile::Profile;
use crate::psci::{self, PsciAction};

/// Instructions per chunk of the run loop: the granularity of console scanning and host input.
pub const CHUNK: u64 = 1 << 16;
/// Size of the vector table (VBAR_ELx is 2 KiB aligned).
const VECTOR_TABLE_SIZE: u64 = 0x800;

/// How to build a machine.
pub struct MachineConfig {
    /// Memory map.
    pub profile: Profile,
    /// Where guest serial output goes.
    pub console: Box<dyn Write>,
    /// Markers that must all appear on the console.
    pub expect: Vec<String>,
    /// Feed the host's stdin to the UART (see [`crate::host_input`]).
    pub stdin: bool,
}

/// Receives drained trace records.
pub type TraceSink = Box<dyn FnMut(&[TraceRecord])>;

/// Why a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// PSCI SYSTEM_OFF.
    PowerOff,
    /// PSCI SYSTEM_RESET.
    Reset,
    /// Every `--expect` marker appeared on the console.
    ExpectSeen,
    /// The instruction budget is spent.
    BudgetExhausted,
    /// The guest cannot go on (hang, exception loop).
    GuestFailure(String),
}

/// The result of [`Machine::run`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOutcome {
    /// Why it ended.
    pub reason: StopReason,
    /// Instructions executed since the machine started.
    pub insns: u64,
    /// Console bytes the guest wrote.
    pub console_bytes: u64,
    /// `--expect` markers not seen.
    pub expect_missing: Vec<String>,
    /// UNDEFINED instruction words executed, with counts.
    pub undefined: BTreeMap<u32, u64>,
}

/// Errors building or loading a machine.
#[derive(Debug, thiserror::Error)]
pub enum MachineError {
    /// Guest memory could not be set up or a blob does not fit.
    #[error(transparent)]
    Memory(#[from] MemoryError),
}

/// One machine.
pub struct Machine {
    /// The boot vCPU.
    pub cpu: Cpu,
    cache: BlockCache,
    /// Memory and devices.
    pub board: Board,
    /// The console.
    pub console: Console,
    input: Option<HostInput>,
    trace: Option<TraceSink>,
    scratch: Vec<u8>,
    trace_scratch: Vec<TraceRecord>,
}

impl Machine {
    /// Build the machine; the vCPU is at EL1 (no EL2: HVC reaches the machine as PSCI).
    pub fn new(config: MachineConfig) -> Result<Machine, MachineError> {
        Ok(Machine {
            cpu: Cpu::new(1),
            cache: BlockCache::new(),
            board: Board::new(&config.profile)?,
            console: Console::new(config.console, &config.expect),
            input: config.stdin.then(|| HostInput::spawn(std::io::stdin())),
            trace: None,
            scratch: Vec::new(),
            trace_scratch: Vec::new(),
        })
    }

    /// Copy the plan's blobs into memory and set the entry state (PC, x0–x3).
    pub fn load(&mut self, plan: &Plan) -> Result<(), MachineError> {
        for b in &plan.blobs {
            self.board.mem.write(b.addr, &b.bytes)?;
        }
        self.cpu.pc = plan.entry;
        self.cpu.x[..4].copy_from_slice(&plan.regs);
        Ok(())
    }

    /// Record every executed instruction, handing them to `sink` in batches of up to `capacity`.
    pub fn set_trace(&mut self, capacity: usize, sink: TraceSink) {
        self.cpu.trace = Some(TraceBuf::new(capacity.max(1)));
        self.trace = Some(sink);
    }

    /// Run for at most `budget` more instructions.
    pub fn run(&mut self, budget: u64) -> RunOutcome {
        let end = self.cpu.insns.saturating_add(budget);
        let reason = loop {
            let left = end.saturating_sub(self.cpu.insns);
            if left == 0 {
                break StopReason::BudgetExhausted;
            }
            let exit = self
                .cpu
                .run(&mut self.cache, &mut self.board, left.min(CHUNK));
            if let Some(r) = self.service() {
                break r;
            }
            if let Some(r) = self.on_exit(exit) {
                break r;
            }
        };
        self.drain_trace();
        RunOutcome {
            reason,
            insns: self.cpu.insns,
            console_bytes: self.console.bytes,
            expect_missing: self.console.expect.missing(),
            undefined: self.cpu.stats.undefined.clone(),
        }
    }

    /// Host-side work at a chunk boundary; `Some` when the run must end.
    fn service(&mut self) -> Option<StopReason> {
        if let Some(uart) = self.board.console_uart() {
            uart.drain_tx(&mut self.scratch);
            if let Some(input) = &mut self.input {
                input.deliver(|b| uart.push_rx(b));
            }
        }
        self.console.output(&self.scratch);
        self.scratch.clear();
        if self.console.expect.satisfied() {
            return Some(StopReason::ExpectSeen);
        }
        self.exception_loop().map(StopReason::GuestFailure)
    }

    /// What to do about the core's exit.
    fn on_exit(&mut self, exit: Exit) -> Option<StopReason> {
        match exit {
            Exit::Budget | Exit::Yield => None,
            Exit::TraceFull => {
                self.drain_trace();
                None
            }
            Exit::Hvc(imm) | Exit::Smc(imm) => match psci::call(imm, self.cpu.x[0]) {
                PsciAction::Return(v) => {
                    self.cpu.x[0] = v;
                    None
                }
                PsciAction::SystemOff => Some(StopReason::PowerOff),
                PsciAction::SystemReset => Some(StopReason::Reset),
            },
            // TODO(GIC): wait for the next interrupt event instead.
            Exit::Wfi => Some(StopReason::GuestFailure(format!(
                "WFI with no interrupt source at pc {:#x}",
                self.cpu.pc.wrapping_sub(4)
            ))),
        }
    }

    /// An exception taken from inside the current vector table, seen from where the core stopped.
    fn exception_loop(&self) -> Option<String> {
        let (vbar, elr, esr, far) = match self.cpu.el {
            1 => (Reg::VbarEl1, Reg::ElrEl1, Reg::EsrEl1, Reg::FarEl1),
            2 => (Reg::VbarEl2, Reg::ElrEl2, Reg::EsrEl2, Reg::FarEl2),
            _ => return None,
        };
        let sys = &self.cpu.sys;
        let base = sys.get(vbar) & !(VECTOR_TABLE_SIZE - 1);
        let inside = |a: u64| a.wrapping_sub(base) < VECTOR_TABLE_SIZE;
        (inside(self.cpu.pc) && inside(sys.get(elr))).then(|| {
            format!(
                "exception loop at EL{}: exception taken inside the vector table at {:#x} \
                 (ELR {:#x}, ESR {:#x}, FAR {:#x})",
                self.cpu.el,
                base,
                sys.get(elr),
                sys.get(esr),
                sys.get(far)
            )
        })
    }

    fn drain_trace(&mut self) {
        if let (Some(buf), Some(sink)) = (self.cpu.trace.as_mut(), self.trace.as_mut()) {
            self.trace_scratch.extend(buf.drain());
            sink(&self.trace_scratch);
            self.trace_scratch.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{MIB, VIRT_UART0};
    use bootemu_boot::{Blob, Format};
    use std::cell::RefCell;
    use std::rc::Rc;

    const ENTRY: u64 = 0x4008_0000;
    // Encodings from aarch64-linux-gnu-as.
    const HVC0: u32 = 0xd400_0002; // hvc #0
    const STR_W2_X1: u32 = 0xb900_0022; // str w2, [x1]
    const LDR_X0_X3: u32 = 0xf940_0060; // ldr x0, [x3]
    const B_SELF: u32 = 0x1400_0000; // b .

    fn machine(words: &[u32], regs: [u64; 4], expect: &[&str]) -> Machine {
        let config = MachineConfig {
            profile: Profile::virt(64 * MIB).unwrap(),
            console: Box::new(std::io::sink()),
            expect: expect.iter().map(|s| s.to_string()).collect(),
            stdin: false,
        };
        let mut m = Machine::new(config).unwrap();
        let plan = Plan {
            format: Format::Raw,
            blobs: vec![Blob {
                addr: ENTRY,
                bytes: words.iter().flat_map(|w| w.to_le_bytes()).collect(),
            }],
            entry: ENTRY,
            regs,
            map: vec![],
        };
        m.load(&plan).unwrap();
        m
    }

    #[test]
    fn psci_system_off_ends_the_run() {
        let mut m = machine(&[HVC0, B_SELF], [0x8400_0008, 0, 0, 0], &[]);
        let o = m.run(1000);
        assert_eq!(o.reason, StopReason::PowerOff);
        assert_eq!(o.insns, 1);
    }

    #[test]
    fn psci_version_then_reset() {
        // x0 = PSCI_VERSION; hvc; x0 <- [x3] = SYSTEM_RESET; hvc.
        let mut m = machine(
            &[HVC0, LDR_X0_X3, HVC0, B_SELF, 0x8400_0009, 0],
            [0x8400_0000, 0, 0, ENTRY + 16],
            &[],
        );
        let o = m.run(1000);
        assert_eq!(o.reason, StopReason::Reset);
        assert_eq!(o.insns, 3);
    }

    #[test]
    fn unknown_psci_call_returns_not_supported() {
        let mut m = machine(&[HVC0, B_SELF], [0xc400_0003, 0, 0, 0], &[]);
        let o = m.run(10);
        assert_eq!(o.reason, StopReason::BudgetExhausted);
        assert_eq!(m.cpu.x[0], u64::MAX);
        assert_eq!(o.insns, 10);
    }

    #[test]
    fn console_output_and_expect() {
        let mut m = machine(
            &[STR_W2_X1, B_SELF],
            [0, VIRT_UART0, b'!' as u64, 0],
            &["!"],
        );
        let out = Rc::new(RefCell::new(Vec::new()));
        struct Shared(Rc<RefCell<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.borrow_mut().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        m.console = Console::new(Box::new(Shared(out.clone())), &["!".to_string()]);
        let o = m.run(10 * CHUNK);
        assert_eq!(o.reason, StopReason::ExpectSeen);
        assert_eq!(o.insns, CHUNK, "checked at the first chunk boundary");
        assert_eq!(o.console_bytes, 1);
        assert_eq!(*out.borrow(), b"!");
    }

    #[test]
    fn power_off_with_markers_missing_reports_them() {
        let mut m = machine(&[HVC0], [0x8400_0008, 0, 0, 0], &["never"]);
        let o = m.run(100);
        assert_eq!(o.reason, StopReason::PowerOff);
        assert_eq!(o.expect_missing, vec!["never".to_string()]);
    }

    #[test]
    fn wfi_without_interrupts_is_a_hang() {
        let mut m = machine(&[B_SELF], [0; 4], &[]);
        m.cpu.pc = ENTRY + 4;
        match m.on_exit(Exit::Wfi) {
            Some(StopReason::GuestFailure(msg)) => assert!(msg.contains("WFI"), "{msg}"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn undefined_code_at_the_vectors_is_an_exception_loop() {
        // UDF #0 at the entry, and the vectors (VBAR_EL1 = 0, empty flash) hold zeros too.
        let mut m = machine(&[0], [0; 4], &[]);
        let o = m.run(10 * CHUNK);
        match o.reason {
            StopReason::GuestFailure(msg) => assert!(msg.contains("exception loop"), "{msg}"),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(o.insns, CHUNK);
        assert_eq!(o.undefined.get(&0), Some(&CHUNK));
    }

    #[test]
    fn trace_records_every_instruction() {
        let mut m = machine(&[B_SELF], [0; 4], &[]);
        let seen = Rc::new(RefCell::new(Vec::new()));
        let s = seen.clone();
        m.set_trace(3, Box::new(move |r| s.borrow_mut().extend_from_slice(r)));
        let o = m.run(7);
        assert_eq!(o.reason, StopReason::BudgetExhausted);
        let seen = seen.borrow();
        assert_eq!(seen.len(), 7);
        assert!(seen
            .iter()
            .enumerate()
            .all(|(i, r)| r.insn == i as u64 && r.pc == ENTRY && r.word == B_SELF && r.el == 1));
    }
}
