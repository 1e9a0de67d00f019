//! A machine: its vCPUs, a board built from a profile (memory, GIC, devices), the console, and
//! the deterministic scheduler and virtual clock that run them.
//!
//! ## Scheduling and virtual time
//! vCPUs run round-robin on one host thread. A *round* gives every runnable vCPU, in index
//! order, one slice of at most [`QUANTUM`] instructions, all starting at the same virtual time
//! `T`: each vCPU's `time_offset` is set so that its system counter reads `T` when its slice
//! starts and advances one tick per instruction, so the vCPUs advance in parallel in virtual
//! time. When the round is over the global clock moves to `T` + the longest slice. A round is
//! shortened so that it ends at the earliest timer deadline of a sleeping vCPU (or device); a
//! slice is split at its own vCPU's timer deadlines and the timer PPIs are updated after every
//! piece, so timer interrupts arrive on time.
//!
//! A vCPU sleeps after WFI (or PSCI CPU_SUSPEND) until its IRQ/FIQ lines are asserted
//! (regardless of PSTATE masks), and after WFE until then or until an event (SEV by another vCPU,
//! or any other vCPU having run: a conservative stand-in for the event a global exclusive
//! monitor generates when another vCPU's store clears it — WFE may always wake spuriously).
//! When every vCPU that is on sleeps, the clock jumps to the earliest deadline; with none, the
//! run ends as a guest hang.
//!
//! Exclusive monitors: a vCPU's monitor is cleared whenever it is descheduled (at the end of
//! each slice). The architecture allows a monitor to be cleared at any time, and since only one
//! vCPU runs at a time, no other vCPU can store to a monitored location while a monitor is open:
//! LDXR/STXR pairs of one vCPU stay atomic with respect to every other vCPU.
//!
//! Determinism: nothing depends on host time or hash order; the same inputs give the same
//! interleaving, console bytes, instruction counts and traces.
//!
//! ## Host-side work
//! After each round the machine moves UART output to the console (scanning it for `--expect`
//! markers), feeds host input to the UART when enabled and checks for exception loops. Trace
//! records are drained at the end of each slice and whenever the core's buffer is full.
//!
//! Ends of a run ([`StopReason`]): PSCI `SYSTEM_OFF`; all `--expect` markers seen and the line
//! that completed the last one ended (or [`EXPECT_LINE_TICKS`] of virtual time passed, or
//! [`crate::console::EXPECT_LINE_BYTES`] bytes came, without its newline); the
//! instruction budget (counted over all vCPUs) spent; guest failure: every vCPU waits with no
//! pending timer or interrupt, or an exception loop (an exception taken while executing the
//! vector table itself); a kernel failure on the console ([`crate::console::FAILURE_PATTERNS`]):
//! the run goes on so that the kernel can print its report, and stops at the `Kernel panic`
//! line, at the next PSCI SYSTEM_RESET or SYSTEM_OFF, or [`FAILURE_GRACE`] instructions later. PSCI `SYSTEM_RESET` does not end the run: RAM keeps its contents (as on
//! QEMU's virt), the boot plan is re-applied, the GIC and devices reset (the RTC keeps its count, the virtual clock runs on) and
//! every vCPU restarts from its reset state.
//!
//! ## Files
//! This file holds the machine's types, construction and loading; the rest of `impl Machine`
//! lives by concern: `sched` (the run loop, rounds and slices, timers, the work between
//! rounds), `psci_calls` (serving PSCI calls), `reset` (SYSTEM_RESET and vCPU restarts),
//! `watch` (the kernel-entry watch and capture), `hang` (the console-failure, hang,
//! dead-loop and exception-loop stop rules) and `timeline` (boot phases and PC samples).

use std::collections::BTreeMap;
use std::io::Write;
use std::rc::Rc;

use bootemu_boot::Plan;
use bootemu_cpu::aarch64::sysreg::hooks::ICC_SRE_EL2_V3;
use bootemu_cpu::aarch64::sysreg::Reg;
use bootemu_cpu::aarch64::trace::{TraceBuf, TraceItem, TraceRecord};
use bootemu_cpu::aarch64::{BlockCache, Cpu};

use crate::board::{Board, BoardConfig, FlashImage, Unclaimed};
use crate::console::Console;
use crate::devices::fw_cfg::FwCfg;
use crate::devices::pl031::DEFAULT_EPOCH;
use crate::entry::{EntrySpec, Handoff};
use crate::gic::{self, GicVersion, MAX_CPUS};
use crate::host_input::HostInput;
use crate::memory::MemoryError;
use crate::profile::Profile;
use crate::psci::Power;
use bootemu_boot::handoff::SmpFacts;

mod debug;
#[cfg(test)]
mod fixtures;
mod hang;
mod psci_calls;
mod reset;
mod sched;
mod timeline;
mod watch;

pub use timeline::{Phase, PhaseMark, Sample, VcpuTimeline};

pub use debug::{DebugRun, Goal};
pub use hang::failure_stop;
use hang::LoopState;

/// Instructions per vCPU slice: the scheduling quantum, and the granularity of console
/// scanning and host input.
pub const QUANTUM: u64 = 10_000;
/// Instructions the guest may run after a kernel failure appeared on the console (for its
/// register dump and call trace) before the run stops.
pub const FAILURE_GRACE: u64 = 200_000_000;
/// The same after a firmware failure or a `--fail-on` line: enough for a firmware's register
/// dump, short enough that a dead firmware ends the run in a fraction of a second.
pub const FIRMWARE_GRACE: u64 = 20_000_000;
/// Default [`MachineConfig::hang_insns`]: instructions with no sign of progress after which the
/// run ends as a hang. Progress is console output or any device access (MMIO, or the GICv3
/// CPU interface registers, which every interrupt taken goes through).
pub const DEFAULT_HANG_INSNS: u64 = 1_000_000_000;
/// Instructions per vCPU the flight recorder reports.
pub const FLIGHT_INSNS: usize = bootemu_cpu::aarch64::trace::FLIGHT_INSNS;

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
    /// Number of vCPUs (1..=8).
    pub smp: usize,
    /// Interrupt controller.
    pub gic: GicVersion,
    /// Start vCPUs at EL2 (EL2 implemented, PSCI over SMC) instead of EL1 (PSCI over HVC).
    pub el2: bool,
    /// PL031 count at virtual time 0.
    pub rtc_epoch: u32,
    /// Contents of the flash banks, in bank order (blank and writable where missing).
    pub flash: Vec<FlashImage>,
    /// The fw_cfg device with its items (an empty one when `None`).
    pub fw_cfg: Option<FwCfg>,
    /// Disks (virtio block devices; see [`BoardConfig::disks`]).
    pub disks: Vec<crate::board::BoardDisk>,
    /// Console lines that end the run as a guest failure (`--fail-on`).
    pub fail_on: Vec<String>,
    /// Called once the kernel entry is captured (after the trace sink got every instruction
    /// before it); when it says a rule failed, the run ends at the end of that round
    /// ([`StopReason::EntryCheckFailed`]).
    pub entry_judge: Option<EntryJudge>,
    /// Set from outside (a signal handler) to end the run at the next round, with its evidence.
    /// Only the host's wish to stop reaches the guest's run this way: where it stops is the
    /// one thing that then depends on host timing.
    pub interrupt: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Instructions without progress after which the run ends as a hang (0: never); see
    /// [`DEFAULT_HANG_INSNS`].
    pub hang_insns: u64,
}

impl MachineConfig {
    /// One vCPU at EL1, GICv2, the default RTC epoch, no markers, no host input.
    pub fn new(profile: Profile, console: Box<dyn Write>) -> Self {
        MachineConfig {
            profile,
            console,
            expect: Vec::new(),
            stdin: false,
            smp: 1,
            gic: GicVersion::V2,
            el2: false,
            rtc_epoch: DEFAULT_EPOCH,
            flash: Vec::new(),
            fw_cfg: None,
            disks: Vec::new(),
            fail_on: Vec::new(),
            interrupt: None,
            entry_judge: None,
            hang_insns: DEFAULT_HANG_INSNS,
        }
    }
}

/// Rounds between two calls of the progress hook ([`Machine::set_progress`]).
pub const PROGRESS_ROUNDS: u64 = 16;
/// After the last `--expect` marker, how long (virtual time, in counter ticks: instructions of
/// a busy vCPU) the run waits for the end of its console line before it stops anyway (the
/// console also gives up after [`crate::console::EXPECT_LINE_BYTES`] bytes).
pub const EXPECT_LINE_TICKS: u64 = 10_000_000;

/// What the progress hook is shown.
#[derive(Clone, Copy, Debug)]
pub struct Progress<'a> {
    /// Instructions executed by all vCPUs.
    pub insns: u64,
    /// The virtual clock.
    pub clock: u64,
    /// The last complete console line.
    pub last_line: &'a str,
}

/// Called now and then during a run (every [`PROGRESS_ROUNDS`] rounds) with where it is; it
/// cannot change the run.
pub type ProgressHook = Box<dyn FnMut(&Progress)>;

/// Receives drained trace items of one vCPU (its index, then the items in the order they
/// happened).
pub type TraceSink = Box<dyn FnMut(usize, &[TraceItem])>;

/// Why a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// PSCI SYSTEM_OFF.
    PowerOff,
    /// Every `--expect` marker appeared on the console.
    ExpectSeen,
    /// The instruction budget is spent.
    BudgetExhausted,
    /// The guest cannot go on (hang, exception loop).
    GuestFailure(String),
    /// The kernel reported a failure on the console (the first failure line).
    ConsoleFailure(String),
    /// The host asked the run to stop ([`MachineConfig::interrupt`] was set, e.g. by SIGTERM).
    Interrupted,
    /// [`MachineConfig::entry_judge`] found the kernel entry at fault (`--stop-on-check-failure`).
    EntryCheckFailed,
}

/// Judges the captured kernel entry: `true` when a hand-off rule failed there.
pub type EntryJudge = Box<dyn FnMut(&Handoff) -> bool>;

/// The result of [`Machine::run`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOutcome {
    /// Why it ended.
    pub reason: StopReason,
    /// Instructions executed by all vCPUs since the machine started.
    pub insns: u64,
    /// The virtual clock (system counter) at the end.
    pub clock: u64,
    /// PSCI SYSTEM_RESETs performed.
    pub resets: u64,
    /// Console bytes the guest wrote.
    pub console_bytes: u64,
    /// `--expect` markers not seen.
    pub expect_missing: Vec<String>,
    /// UNDEFINED instruction words executed, with counts.
    pub undefined: BTreeMap<u32, u64>,
    /// Instructions executed per vCPU (over CPU_ON restarts and resets).
    pub per_cpu: Vec<u64>,
    /// The kernel's own `Kernel command line:` from the console.
    pub kernel_cmdline: Option<String>,
    /// The first kernel failure line on the console, if any.
    pub console_failure: Option<String>,
    /// Whose failure that line reports (kernel, firmware, a `--fail-on` string).
    pub console_failure_kind: Option<crate::console::FailureKind>,
    /// The flight recorder: each vCPU's last instructions, oldest first.
    pub flight: Vec<Vec<TraceRecord>>,
    /// The state captured at the kernel's entry, when a watch was armed and it was reached.
    pub handoff: Option<Handoff>,
    /// CPU_ON calls and secondary entries, for the SMP handoff checks.
    pub smp: SmpFacts,
    /// Accesses no device claimed (bus faults taken by the guest).
    pub unclaimed: Unclaimed,
    /// The longest stretch of instructions without console output or device access (what the
    /// hang rule, `--hang-insns`, compares).
    pub longest_quiet: u64,
}

/// Errors building or loading a machine.
#[derive(Debug, thiserror::Error)]
pub enum MachineError {
    /// Guest memory could not be set up or a blob does not fit.
    #[error(transparent)]
    Memory(#[from] MemoryError),
    /// The board could not be built (a flash image).
    #[error(transparent)]
    Board(#[from] crate::board::BoardError),
    /// The vCPU count is out of range.
    #[error("{0} vCPUs: the machine supports 1 to {MAX_CPUS}")]
    BadSmp(usize),
}

/// What a sleeping vCPU waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// An interrupt (WFI, CPU_SUSPEND).
    Interrupt,
    /// An interrupt or an event (WFE).
    Event,
}

/// One vCPU and its scheduling state.
pub struct Vcpu {
    /// The core.
    pub cpu: Cpu,
    /// PSCI power state.
    pub power: Power,
    /// Sleeping, and for what.
    pub wait: Option<Wait>,
    /// The board's [`Board::remap_epoch`] its TLB reflects.
    remap_seen: u64,
}

impl Vcpu {
    fn runnable(&self) -> bool {
        self.power == Power::On && self.wait.is_none()
    }

    fn sleeping(&self) -> bool {
        self.power == Power::On && self.wait.is_some()
    }
}

/// One machine.
pub struct Machine {
    /// The vCPUs, in MPIDR order.
    pub vcpus: Vec<Vcpu>,
    cache: BlockCache,
    /// Memory, GIC and devices.
    pub board: Board,
    /// The console.
    pub console: Console,
    input: Option<HostInput>,
    trace: Option<TraceSink>,
    scratch: Vec<u8>,
    trace_scratch: Vec<TraceItem>,
    /// Global virtual time: the system counter.
    clock: u64,
    /// Instructions executed by all vCPUs.
    executed: u64,
    resets: u64,
    /// UNDEFINED counts of vCPU states replaced by CPU_ON or a reset.
    undefined: BTreeMap<u32, u64>,
    /// Instructions of vCPU states replaced by CPU_ON or a reset, per vCPU.
    retired: Vec<u64>,
    /// `executed` when a kernel failure first appeared on the console.
    failure_at: Option<u64>,
    /// `executed` when the `Kernel panic` line appeared.
    panic_at: Option<u64>,
    plan: Option<Rc<Plan>>,
    max_el: u8,
    gic: GicVersion,
    /// The kernel entry watched for ([`Machine::watch_kernel_entry`]).
    entry_spec: Option<EntrySpec>,
    handoff: Option<Handoff>,
    smp: SmpFacts,
    hang_insns: u64,
    /// [`MachineConfig::interrupt`].
    interrupt: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// [`MachineConfig::entry_judge`].
    entry_judge: Option<EntryJudge>,
    /// The judge found the entry at fault.
    entry_failed: bool,
    /// Console bytes and device accesses when progress was last seen.
    progress_seen: (u64, u64),
    /// `executed` when progress was last seen.
    quiet_since: u64,
    /// The longest stretch without progress so far.
    longest_quiet: u64,
    /// The single-block loop the only running vCPU was in at the last check.
    loop_seen: Option<LoopState>,
    /// Exceptions and device accesses of vCPU states replaced by CPU_ON or a reset, per vCPU.
    retired_activity: Vec<bootemu_cpu::aarch64::Activity>,
    /// Per vCPU: phases and PC samples (see [`timeline`]).
    timeline: Vec<VcpuTimeline>,
    /// The PC sampler, when sampling.
    sampler: Option<timeline::Sampler>,
    /// A firmware boots: [`Phase::Firmware`] until the kernel entry.
    firmware: bool,
    /// The console's [`crate::console::ExpectScanner`] was satisfied at this virtual time (the
    /// run goes on to the end of that line).
    expect_seen_at: Option<u64>,
    /// Called every [`PROGRESS_ROUNDS`] rounds.
    progress: Option<ProgressHook>,
    /// Rounds run.
    rounds: u64,
    /// A debugger's goals and stops ([`Machine::attach_debugger`]).
    debug: Option<debug::DebugCtl>,
    /// The round a debugger's stop interrupted.
    paused: Option<sched::Paused>,
}

impl Machine {
    /// Build the machine; vCPU 0 is on (at EL1, or EL2 with `config.el2`), the others are off
    /// until PSCI CPU_ON.
    pub fn new(config: MachineConfig) -> Result<Machine, MachineError> {
        if !(1..=MAX_CPUS).contains(&config.smp) {
            return Err(MachineError::BadSmp(config.smp));
        }
        let max_el = if config.el2 { 2 } else { 1 };
        let cpus: Vec<Cpu> = (0..config.smp)
            .map(|i| fresh_cpu(i, max_el, config.gic))
            .collect();
        let board = Board::new(
            &config.profile,
            BoardConfig {
                gic: config.gic,
                rtc_epoch: config.rtc_epoch,
                lines: cpus.iter().map(|c| c.irq.clone()).collect(),
                flash: config.flash,
                fw_cfg: config.fw_cfg,
                disks: config.disks,
            },
        )?;
        let retired = vec![0; cpus.len()];
        let vcpus = cpus
            .into_iter()
            .enumerate()
            .map(|(i, cpu)| Vcpu {
                cpu,
                power: if i == 0 { Power::On } else { Power::Off },
                wait: None,
                remap_seen: 0,
            })
            .collect();
        Ok(Machine {
            vcpus,
            cache: BlockCache::new(),
            board,
            console: {
                let mut c = Console::new(config.console, &config.expect);
                c.watch.fail_on = config.fail_on;
                c
            },
            input: config.stdin.then(|| HostInput::spawn(std::io::stdin())),
            trace: None,
            scratch: Vec::new(),
            trace_scratch: Vec::new(),
            clock: 0,
            executed: 0,
            resets: 0,
            undefined: BTreeMap::new(),
            retired,
            failure_at: None,
            panic_at: None,
            plan: None,
            max_el,
            gic: config.gic,
            entry_spec: None,
            handoff: None,
            smp: SmpFacts::default(),
            hang_insns: config.hang_insns,
            interrupt: config.interrupt,
            entry_judge: config.entry_judge,
            entry_failed: false,
            progress_seen: (0, 0),
            quiet_since: 0,
            longest_quiet: 0,
            loop_seen: None,
            retired_activity: vec![Default::default(); config.smp],
            timeline: vec![VcpuTimeline::default(); config.smp],
            sampler: None,
            firmware: false,
            expect_seen_at: None,
            progress: None,
            rounds: 0,
            debug: None,
            paused: None,
        })
    }

    /// The boot vCPU.
    pub fn cpu(&self) -> &Cpu {
        &self.vcpus[0].cpu
    }

    /// The global virtual clock.
    pub fn clock(&self) -> u64 {
        self.clock
    }

    /// Copy the plan's blobs into memory and set the boot vCPU's entry state (PC, x0–x3); the
    /// plan is kept (shared, not copied: a kernel's blob is tens of MiB) for SYSTEM_RESET.
    pub fn load(&mut self, plan: &Rc<Plan>) -> Result<(), MachineError> {
        self.apply(plan)?;
        self.plan = Some(plan.clone());
        Ok(())
    }

    fn apply(&mut self, plan: &Plan) -> Result<(), MachineError> {
        for b in &plan.blobs {
            self.board.write_mem(b.addr, &b.bytes)?;
        }
        let cpu = &mut self.vcpus[0].cpu;
        cpu.pc = plan.entry;
        cpu.x[..4].copy_from_slice(&plan.regs);
        Ok(())
    }

    /// Record the trace items of the `kinds` ([`bootemu_cpu::aarch64::trace::kind`] bits) of
    /// the vCPUs in `cpus` (all when `None`), handing them to `sink` in batches of up to
    /// `capacity` instructions per vCPU. The other vCPUs run untraced.
    pub fn set_trace(
        &mut self,
        capacity: usize,
        kinds: u32,
        cpus: Option<&[usize]>,
        sink: TraceSink,
    ) {
        for (i, v) in self.vcpus.iter_mut().enumerate() {
            if cpus.is_none_or(|c| c.contains(&i)) {
                v.cpu.trace = Some(TraceBuf::new(capacity.max(1), kinds));
            }
        }
        self.trace = Some(sink);
    }

    /// Call `hook` every [`PROGRESS_ROUNDS`] rounds of the run.
    pub fn set_progress(&mut self, hook: ProgressHook) {
        self.progress = Some(hook);
    }

    /// Move the console UART's output to the console.
    fn flush_console(&mut self) {
        if let Some(uart) = self.board.console_uart() {
            uart.drain_tx(&mut self.scratch);
        }
        // Mid-round (the end of the run) the vCPUs' counters are ahead of the clock.
        let now = self
            .vcpus
            .iter()
            .map(|v| v.cpu.counter())
            .fold(self.clock, u64::max);
        self.console.set_now(self.executed, now);
        self.console.output(&self.scratch);
        self.scratch.clear();
    }

    /// Instruction words for the flight recorder's readers: from the block cache, or from guest
    /// memory when the block was dropped since it ran (its page written).
    fn flight_words(&self) -> impl bootemu_cpu::aarch64::trace::WordSource + '_ {
        move |pa: u64, i: usize| {
            self.cache.word(pa, i).or_else(|| {
                let at = pa.checked_add(4 * i as u64)?;
                let b = self.board.mem().read(at, 4).ok()?;
                Some(u32::from_le_bytes(b.try_into().ok()?))
            })
        }
    }

    fn drain_trace(&mut self, i: usize) {
        if let (Some(buf), Some(sink)) = (self.vcpus[i].cpu.trace.as_mut(), self.trace.as_mut()) {
            self.trace_scratch.extend(buf.drain());
            if !self.trace_scratch.is_empty() {
                sink(i, &self.trace_scratch);
            }
            self.trace_scratch.clear();
        }
    }
}

/// vCPU `i` in its reset state: `max_el` implemented and current, MPIDR/VMPIDR as QEMU's
/// `virt`, the GICv3 CPU interface present with a GICv3.
fn fresh_cpu(i: usize, max_el: u8, gic: GicVersion) -> Cpu {
    let mut cpu = Cpu::new(max_el);
    cpu.id = i as u32;
    cpu.sys.set(Reg::MpidrEl1, gic::mpidr(i));
    cpu.sys.set(Reg::VmpidrEl2, gic::mpidr(i));
    if gic == GicVersion::V3 {
        cpu.sys.set(Reg::IccSreEl2, ICC_SRE_EL2_V3);
    }
    cpu
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use std::cell::RefCell;

    #[test]
    fn trace_records_every_instruction() {
        let mut m = machine(&[B_SELF], [0; 4], &[]);
        let seen = Rc::new(RefCell::new(Vec::new()));
        let s = seen.clone();
        m.set_trace(
            3,
            bootemu_cpu::aarch64::trace::kind::INSN,
            None,
            Box::new(move |cpu, r| {
                assert_eq!(cpu, 0);
                s.borrow_mut()
                    .extend(r.iter().map(|i| i.insn_record().unwrap()))
            }),
        );
        let o = m.run(7);
        assert_eq!(o.reason, StopReason::BudgetExhausted);
        let seen = seen.borrow();
        assert_eq!(seen.len(), 7);
        assert!(seen
            .iter()
            .enumerate()
            .all(|(i, r)| r.insn == i as u64 && r.pc == ENTRY && r.word == B_SELF && r.el == 1));
    }

    /// Events that fill the buffer inside a block take no instruction's place.
    #[test]
    fn trace_events_do_not_crowd_out_instructions() {
        use bootemu_cpu::aarch64::trace::{kind, Event};
        let code = [STR_W2_X1, STR_W2_X1, STR_W2_X1, STR_W2_X1, B_SELF];
        let data = ENTRY + 0x1000;
        let mut m = machine(&code, [0, data, 0x55, 0], &[]);
        let seen = Rc::new(RefCell::new(Vec::new()));
        let s = seen.clone();
        m.set_trace(
            3,
            kind::INSN | kind::MEM,
            None,
            Box::new(move |_, r| s.borrow_mut().extend_from_slice(r)),
        );
        m.run(20);
        let seen = seen.borrow();
        let insns: Vec<u64> = seen
            .iter()
            .filter_map(|i| i.insn_record())
            .map(|r| r.insn)
            .collect();
        assert_eq!(insns, (0..20).collect::<Vec<_>>());
        let stores: Vec<(u64, Event)> = seen
            .iter()
            .filter(|i| i.insn_record().is_none())
            .map(|i| (i.insn, i.event))
            .collect();
        let store = Event::Mem {
            va: data,
            pa: Some(data),
            size: 4,
            value: 0x55,
            write: true,
        };
        assert_eq!(stores, (0..4).map(|n| (n, store)).collect::<Vec<_>>());
    }

    #[test]
    fn mpidr_and_start_el_per_vcpu() {
        let mut c = config(3, GicVersion::V2);
        c.el2 = true;
        let m = machine_with(c, &[B_SELF], [0; 4]);
        for (i, v) in m.vcpus.iter().enumerate() {
            assert_eq!(v.cpu.sys.get(Reg::MpidrEl1), 0x8000_0000 | i as u64);
            assert_eq!(v.cpu.sys.get(Reg::VmpidrEl2), 0x8000_0000 | i as u64);
            assert_eq!((v.cpu.el, v.cpu.max_el, v.cpu.id), (2, 2, i as u32));
            assert_eq!(v.cpu.sys.get(Reg::IccSreEl2), 0, "no GICv3 interface");
        }
        assert_eq!(m.vcpus[0].power, Power::On);
        assert_eq!(m.vcpus[2].power, Power::Off);
        let m = machine_with(config(1, GicVersion::V3), &[B_SELF], [0; 4]);
        assert_eq!(m.cpu().sys.get(Reg::IccSreEl2), 0xf);
        assert_eq!(m.cpu().el, 1);
        assert!(Machine::new(config(9, GicVersion::V2)).is_err());
        assert!(Machine::new(config(0, GicVersion::V2)).is_err());
    }

    #[test]
    fn icc_registers_are_undefined_with_gicv2() {
        const MSR_ICC_PMR_EL1_X1: u32 = 0xd518_4601; // msr icc_pmr_el1, x1
        let mut m = machine_with(config(1, GicVersion::V2), &[MSR_ICC_PMR_EL1_X1], [0; 4]);
        let o = m.run(100);
        assert!(
            o.undefined.contains_key(&0xd518_4601),
            "msr icc_pmr_el1: {:?}",
            o.undefined
        );
    }
}
