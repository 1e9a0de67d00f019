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
//! Ends of a run ([`StopReason`]): PSCI `SYSTEM_OFF`; all `--expect` markers seen; the
//! instruction budget (counted over all vCPUs) spent; guest failure: every vCPU waits with no
//! pending timer or interrupt, or an exception loop (an exception taken while executing the
//! vector table itself); a kernel failure on the console ([`crate::console::FAILURE_PATTERNS`]):
//! the run goes on so that the kernel can print its report, and stops at the `Kernel panic`
//! line, at the next PSCI SYSTEM_RESET or SYSTEM_OFF, or [`FAILURE_GRACE`] instructions later. PSCI `SYSTEM_RESET` does not end the run: RAM keeps its contents (as on
//! QEMU's virt), the boot plan is re-applied, the GIC and devices reset (the RTC keeps its count, the virtual clock runs on) and
//! every vCPU restarts from its reset state.

use std::collections::BTreeMap;
use std::io::Write;

use bootemu_boot::Plan;
use bootemu_cpu::aarch64::sysreg::hooks::ICC_SRE_EL2_V3;
use bootemu_cpu::aarch64::sysreg::Reg;
use bootemu_cpu::aarch64::timer::{TIMER_HYP, TIMER_PHYS, TIMER_VIRT};
use bootemu_cpu::aarch64::trace::{TraceBuf, TraceRecord};
use bootemu_cpu::aarch64::{BlockCache, Cpu, Exit};

use crate::board::{Board, BoardConfig, FlashImage, Unclaimed};
use crate::console::{Console, FailureKind};
use crate::devices::fw_cfg::FwCfg;
use crate::devices::pl031::DEFAULT_EPOCH;
use crate::entry::{self, EntrySpec, Handoff};
use crate::gic::{self, GicVersion, MAX_CPUS, PPI_HYP_TIMER, PPI_PHYS_TIMER, PPI_VIRT_TIMER};
use crate::host_input::HostInput;
use crate::memory::MemoryError;
use crate::profile::Profile;
use crate::psci::{self, Call, Power};
use bootemu_boot::handoff::{CpuOn, SmpFacts};

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
/// PSTATE.I in the DAIF register layout.
const DAIF_I: u32 = 1 << 7;
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
    pub disks: Vec<crate::virtio::disk::Disk>,
    /// Console lines that end the run as a guest failure (`--fail-on`).
    pub fail_on: Vec<String>,
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
            hang_insns: DEFAULT_HANG_INSNS,
        }
    }
}

/// Receives drained trace records of one vCPU (its index, then the records).
pub type TraceSink = Box<dyn FnMut(usize, &[TraceRecord])>;

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
}

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

/// How a slice ended early.
enum SliceEnd {
    /// The run is over.
    Stop(StopReason),
    /// The system was reset after this many instructions of the slice.
    Reset(u64),
}

/// What the machine does after a PSCI call.
enum AfterCall {
    /// Run on.
    Continue,
    /// The caller stopped (CPU_OFF, CPU_SUSPEND): end its slice.
    EndSlice,
    /// End the run.
    Stop(StopReason),
    /// The system was reset.
    Reset,
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
    trace_scratch: Vec<TraceRecord>,
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
    plan: Option<Plan>,
    max_el: u8,
    gic: GicVersion,
    /// The kernel entry watched for ([`Machine::watch_kernel_entry`]).
    entry_spec: Option<EntrySpec>,
    handoff: Option<Handoff>,
    smp: SmpFacts,
    hang_insns: u64,
    /// Console bytes and device accesses when progress was last seen.
    progress_seen: (u64, u64),
    /// `executed` when progress was last seen.
    quiet_since: u64,
    /// The longest stretch without progress so far.
    longest_quiet: u64,
    /// The single-block loop the only running vCPU was in at the last check.
    loop_seen: Option<LoopState>,
}

/// A vCPU's registers at the start of the block it loops in (dead-loop detection).
#[derive(Clone, Copy, PartialEq, Eq)]
struct LoopState {
    pc: u64,
    nzcv: u32,
    x: [u64; bootemu_cpu::aarch64::state::REG_SLOTS],
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
            plan: None,
            max_el,
            gic: config.gic,
            entry_spec: None,
            handoff: None,
            smp: SmpFacts::default(),
            hang_insns: config.hang_insns,
            progress_seen: (0, 0),
            quiet_since: 0,
            longest_quiet: 0,
            loop_seen: None,
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
    /// plan is kept for SYSTEM_RESET.
    pub fn load(&mut self, plan: &Plan) -> Result<(), MachineError> {
        self.apply(plan)?;
        self.plan = Some(plan.clone());
        Ok(())
    }

    fn apply(&mut self, plan: &Plan) -> Result<(), MachineError> {
        for b in &plan.blobs {
            self.board.mem.write(b.addr, &b.bytes)?;
        }
        let cpu = &mut self.vcpus[0].cpu;
        cpu.pc = plan.entry;
        cpu.x[..4].copy_from_slice(&plan.regs);
        Ok(())
    }

    /// Capture the handoff state the first time a vCPU is about to run the kernel's
    /// `primary_entry` with the MMU off (see [`crate::entry`]).
    pub fn watch_kernel_entry(&mut self, spec: EntrySpec) {
        self.entry_spec = Some(spec);
        for v in &mut self.vcpus {
            v.cpu.watch = spec.core_watch();
        }
    }

    /// The core watch every vCPU should have now.
    fn core_watch(&self) -> bootemu_cpu::aarch64::Watch {
        match (&self.entry_spec, &self.handoff) {
            (Some(spec), None) => spec.core_watch(),
            _ => Default::default(),
        }
    }

    /// vCPU `i` stopped before a watched block: capture if it is the kernel entry, else let it
    /// run on.
    fn on_watch(&mut self, i: usize) {
        let Some(spec) = self.entry_spec else {
            self.vcpus[i].cpu.watch = Default::default();
            return;
        };
        let cpu = &self.vcpus[i].cpu;
        match entry::qualifies(&spec, cpu, &self.board.mem) {
            Some((start, header)) if self.handoff.is_none() => {
                let state = entry::entry_state(i, cpu, self.gic == GicVersion::V3);
                let fdt = entry::read_fdt(&self.board.mem, state.x[0]);
                self.smp.running_at_entry = self
                    .vcpus
                    .iter()
                    .enumerate()
                    .filter(|(j, v)| *j != i && v.power != Power::Off)
                    .map(|(j, v)| (j, v.cpu.pc))
                    .collect();
                let previous = cpu.flight.last_block_pc();
                let image =
                    entry::image_found(&spec, start, header, previous, &self.board.mem, &fdt);
                self.handoff = Some(Handoff {
                    entry: state,
                    fdt,
                    image,
                    at_insn: self.executed,
                });
                for v in &mut self.vcpus {
                    v.cpu.watch = Default::default();
                }
            }
            _ => self.vcpus[i].cpu.watch.pass = true,
        }
    }

    /// Record every executed instruction, handing them to `sink` in batches of up to `capacity`
    /// per vCPU.
    pub fn set_trace(&mut self, capacity: usize, sink: TraceSink) {
        for v in &mut self.vcpus {
            v.cpu.trace = Some(TraceBuf::new(capacity.max(1)));
        }
        self.trace = Some(sink);
    }

    /// Run for at most `budget` more instructions (over all vCPUs).
    pub fn run(&mut self, budget: u64) -> RunOutcome {
        let end = self.executed.saturating_add(budget);
        let reason = loop {
            if let Some(r) = self.round(end) {
                break r;
            }
        };
        for i in 0..self.vcpus.len() {
            self.drain_trace(i);
        }
        self.flush_console();
        self.console.watch.end_line();
        let mut undefined = self.undefined.clone();
        for v in &self.vcpus {
            for (&w, &n) in &v.cpu.stats.undefined {
                *undefined.entry(w).or_default() += n;
            }
        }
        RunOutcome {
            reason,
            insns: self.executed,
            clock: self.clock,
            resets: self.resets,
            console_bytes: self.console.bytes,
            expect_missing: self.console.expect.missing(),
            undefined,
            per_cpu: (0..self.vcpus.len())
                .map(|i| self.retired[i] + self.vcpus[i].cpu.insns)
                .collect(),
            kernel_cmdline: self.console.watch.kernel_cmdline.clone(),
            console_failure: self.console.watch.failure.clone(),
            flight: self
                .vcpus
                .iter()
                .map(|v| v.cpu.flight.last(FLIGHT_INSNS))
                .collect(),
            handoff: self.handoff.clone(),
            smp: self.smp.clone(),
            unclaimed: self.board.unclaimed.clone(),
            longest_quiet: self.longest_quiet.max(self.executed - self.quiet_since),
        }
    }

    /// Move the console UART's output to the console.
    fn flush_console(&mut self) {
        if let Some(uart) = self.board.console_uart() {
            uart.drain_tx(&mut self.scratch);
        }
        self.console.output(&self.scratch);
        self.scratch.clear();
    }

    /// Whether a failure on the console ends the run now.
    fn console_failure_stop(&mut self) -> Option<StopReason> {
        let line = self.console.watch.failure.clone()?;
        let at = *self.failure_at.get_or_insert(self.executed);
        let grace = match self.console.watch.failure_kind {
            Some(FailureKind::Kernel) | None => FAILURE_GRACE,
            Some(FailureKind::Firmware | FailureKind::User) => FIRMWARE_GRACE,
        };
        (self.console.watch.panicked || self.executed - at >= grace)
            .then_some(StopReason::ConsoleFailure(line))
    }

    /// Whether the guest has shown no progress for [`MachineConfig::hang_insns`] instructions,
    /// or sits in a dead loop: its only running vCPU, with IRQs masked, ran nothing but one
    /// block over and over for a whole round without touching a device (nothing can ever
    /// change what that loop reads).
    fn hang_stop(&mut self) -> Option<StopReason> {
        let progress = (self.console.bytes, self.board.accesses);
        if progress != self.progress_seen {
            self.progress_seen = progress;
            self.quiet_since = self.executed;
            return None;
        }
        let quiet = self.executed - self.quiet_since;
        let on: Vec<&Vcpu> = self
            .vcpus
            .iter()
            .filter(|v| v.power != Power::Off)
            .collect();
        let stuck = match on[..] {
            [v] if self.hang_insns != 0 && v.cpu.daif & DAIF_I != 0 && quiet >= QUANTUM => {
                v.cpu.flight.stuck_at().map(|pc| LoopState {
                    pc,
                    nzcv: v.cpu.nzcv,
                    x: v.cpu.x,
                })
            }
            _ => None,
        };
        // The same block, entered with the same registers twice in a row a round apart, and
        // nothing outside the vCPU touched: it will loop forever.
        if let (Some(now), Some(before)) = (&stuck, &self.loop_seen) {
            if now == before {
                return Some(StopReason::GuestFailure(format!(
                    "hang: dead loop at {:#x} with interrupts masked (one block over and over \
                     with the same registers, no device access)",
                    now.pc
                )));
            }
        }
        self.loop_seen = stuck;
        self.longest_quiet = self.longest_quiet.max(quiet);
        (self.hang_insns != 0 && quiet >= self.hang_insns).then(|| {
            StopReason::GuestFailure(format!(
                "hang: no console output and no device access for {quiet} instructions \
                 (--hang-insns)"
            ))
        })
    }

    /// One round of slices; `Some` when the run must end.
    fn round(&mut self, end: u64) -> Option<StopReason> {
        let t0 = self.clock;
        for v in &mut self.vcpus {
            if v.power == Power::OnPending {
                v.power = Power::On;
            }
        }
        self.board.set_time(t0);
        for i in 0..self.vcpus.len() {
            if self.vcpus[i].sleeping() {
                let cpu = &mut self.vcpus[i].cpu;
                cpu.time_offset = t0.wrapping_sub(cpu.insns);
                self.sync_timers(i);
            }
        }
        for i in 0..self.vcpus.len() {
            self.try_wake(i);
        }
        let sleeper_deadline = self.sleeper_deadline(t0);
        if !self.vcpus.iter().any(Vcpu::runnable) {
            return match sleeper_deadline {
                Some(d) => {
                    self.clock = d.max(t0 + 1);
                    None
                }
                None => Some(StopReason::GuestFailure(
                    "all vCPUs wait with no pending timer or interrupt".into(),
                )),
            };
        }
        let q = sleeper_deadline.map_or(QUANTUM, |d| QUANTUM.min(d.saturating_sub(t0)).max(1));
        // vCPUs that ran in this round (a bit each), and the longest slice.
        let mut ran = 0u32;
        let mut longest = 0;
        for i in 0..self.vcpus.len() {
            self.try_wake(i);
            if !self.vcpus[i].runnable() {
                continue;
            }
            match self.slice(i, t0, q, end) {
                Ok(n) => {
                    ran |= ((n > 0) as u32) << i;
                    longest = longest.max(n);
                }
                Err(SliceEnd::Stop(r)) => return Some(r),
                Err(SliceEnd::Reset(n)) => {
                    self.clock = t0 + n.max(1);
                    return self.service();
                }
            }
        }
        // A WFE sleeper wakes when another vCPU ran (see the module documentation).
        for (i, v) in self.vcpus.iter_mut().enumerate() {
            if ran & !(1 << i) != 0 && v.wait == Some(Wait::Event) {
                v.wait = None;
            }
        }
        self.clock = t0 + longest.max(1);
        self.service()
    }

    /// Wake vCPU `i` if it sleeps and what it waits for has come.
    fn try_wake(&mut self, i: usize) {
        let v = &mut self.vcpus[i];
        let Some(wait) = v.wait else {
            return;
        };
        if v.cpu.irq.get() != 0 {
            v.wait = None;
        } else if wait == Wait::Event && v.cpu.event {
            v.cpu.event = false;
            v.wait = None;
        }
    }

    /// The earliest deadline, after `now`, of a sleeping vCPU's timers or of a device.
    fn sleeper_deadline(&self, now: u64) -> Option<u64> {
        self.vcpus
            .iter()
            .filter(|v| v.sleeping())
            .filter_map(|v| v.cpu.next_timer_deadline())
            .chain(self.board.next_deadline())
            .filter(|&d| d > now)
            .min()
    }

    /// Run vCPU `i` for up to `q` instructions from virtual time `t0`; the instructions run.
    fn slice(&mut self, i: usize, t0: u64, q: u64, end: u64) -> Result<u64, SliceEnd> {
        self.board.cur = i;
        let start = {
            let cpu = &mut self.vcpus[i].cpu;
            cpu.time_offset = t0.wrapping_sub(cpu.insns);
            cpu.insns
        };
        // A flash bank may have switched mode while another vCPU ran.
        let v = &mut self.vcpus[i];
        if v.remap_seen != self.board.remap_epoch {
            v.cpu.tlb.flush();
            v.remap_seen = self.board.remap_epoch;
        }
        // Its timers may have fired since its last slice ended.
        self.sync_timers(i);
        loop {
            let cpu = &mut self.vcpus[i].cpu;
            let used = cpu.insns - start;
            if used >= q {
                break;
            }
            let left = end.saturating_sub(self.executed);
            if left == 0 {
                self.deschedule(i);
                return Err(SliceEnd::Stop(StopReason::BudgetExhausted));
            }
            let now = cpu.counter();
            let mut n = (q - used).min(left);
            for d in [cpu.next_timer_deadline(), self.board.next_deadline()]
                .into_iter()
                .flatten()
            {
                if d > now {
                    n = n.min(d - now);
                }
            }
            self.board.set_time(now);
            let before = cpu.insns;
            let exit = cpu.run(&mut self.cache, &mut self.board, n);
            // The core flushed its own translations at any remap it caused.
            self.vcpus[i].remap_seen = self.board.remap_epoch;
            let cpu = &mut self.vcpus[i].cpu;
            self.executed += cpu.insns - before;
            let now = cpu.counter();
            let sent_event = std::mem::take(&mut cpu.sent_event);
            self.board.set_time(now);
            self.sync_timers(i);
            if sent_event {
                for (j, v) in self.vcpus.iter_mut().enumerate() {
                    if j != i {
                        v.cpu.event = true;
                    }
                }
            }
            let cpu = &mut self.vcpus[i].cpu;
            match exit {
                Exit::Budget | Exit::Yield => {}
                Exit::TraceFull => self.drain_trace(i),
                Exit::Watch => self.on_watch(i),
                Exit::Wfi => {
                    if cpu.irq.get() == 0 {
                        self.vcpus[i].wait = Some(Wait::Interrupt);
                        break;
                    }
                }
                Exit::Wfe => {
                    if cpu.event {
                        cpu.event = false;
                    } else if cpu.irq.get() == 0 {
                        self.vcpus[i].wait = Some(Wait::Event);
                        break;
                    }
                }
                Exit::Hvc(imm) | Exit::Smc(imm) => match self.psci(i, imm) {
                    AfterCall::Continue => {}
                    AfterCall::EndSlice => break,
                    AfterCall::Stop(r) => {
                        self.deschedule(i);
                        return Err(SliceEnd::Stop(r));
                    }
                    AfterCall::Reset => {
                        let cpu = &self.vcpus[i].cpu;
                        let ran = cpu.insns.wrapping_sub(start);
                        return Err(SliceEnd::Reset(ran.min(q)));
                    }
                },
            }
        }
        self.deschedule(i);
        Ok(self.vcpus[i].cpu.insns - start)
    }

    /// End of vCPU `i`'s slice: its exclusive monitor is cleared, its trace drained.
    fn deschedule(&mut self, i: usize) {
        self.vcpus[i].cpu.exclusive = None;
        self.drain_trace(i);
    }

    /// Drive vCPU `i`'s timer PPIs from its timers' outputs.
    fn sync_timers(&mut self, i: usize) {
        let levels = self.vcpus[i].cpu.timer_levels();
        for (bit, ppi) in [
            (TIMER_VIRT, PPI_VIRT_TIMER),
            (TIMER_PHYS, PPI_PHYS_TIMER),
            (TIMER_HYP, PPI_HYP_TIMER),
        ] {
            self.board.gic.set_level(i, ppi, levels & bit != 0);
        }
    }

    /// Serve the PSCI call vCPU `i` just made.
    fn psci(&mut self, i: usize, imm: u16) -> AfterCall {
        let x = {
            let c = &self.vcpus[i].cpu;
            [c.x[0], c.x[1], c.x[2], c.x[3]]
        };
        let power: Vec<Power> = self.vcpus.iter().map(|v| v.power).collect();
        let find = |t| psci::find_cpu(t, power.len(), gic::affinity);
        let (ret, after) = match psci::decode(imm, x) {
            Call::Return(v) => (v, AfterCall::Continue),
            Call::Suspend => {
                if self.vcpus[i].cpu.irq.get() == 0 {
                    self.vcpus[i].wait = Some(Wait::Interrupt);
                    (psci::SUCCESS, AfterCall::EndSlice)
                } else {
                    (psci::SUCCESS, AfterCall::Continue)
                }
            }
            Call::CpuOff => {
                let others_on = (0..power.len()).any(|j| j != i && power[j] != Power::Off);
                if others_on {
                    self.vcpus[i].power = Power::Off;
                    self.vcpus[i].wait = None;
                    return AfterCall::EndSlice;
                }
                (psci::DENIED, AfterCall::Continue)
            }
            Call::CpuOn {
                target,
                entry,
                context,
            } => match psci::cpu_on_check(&power, find(target), entry) {
                Ok(t) => {
                    self.restart_cpu(t);
                    let v = &mut self.vcpus[t];
                    v.cpu.pc = entry;
                    v.cpu.x[0] = context;
                    v.power = Power::OnPending;
                    let entered = self.handoff.is_some();
                    self.smp.cpu_ons.push(CpuOn {
                        caller: i,
                        target,
                        entry,
                        context,
                        before_entry: !entered,
                    });
                    if entered {
                        let s =
                            entry::entry_state(t, &self.vcpus[t].cpu, self.gic == GicVersion::V3);
                        self.smp.secondaries.push((s, context));
                    }
                    (psci::SUCCESS, AfterCall::Continue)
                }
                Err(e) => (e, AfterCall::Continue),
            },
            Call::AffinityInfo { target, level } => (
                psci::affinity_info(&power, find(target), level),
                AfterCall::Continue,
            ),
            Call::SystemOff => {
                self.flush_console();
                return AfterCall::Stop(match self.console.watch.failure.clone() {
                    Some(line) => StopReason::ConsoleFailure(line),
                    None => StopReason::PowerOff,
                });
            }
            Call::SystemReset => {
                // A kernel that failed restarts (panic=N): the failure ends the run.
                self.flush_console();
                if let Some(line) = self.console.watch.failure.clone() {
                    return AfterCall::Stop(StopReason::ConsoleFailure(line));
                }
                self.system_reset();
                return AfterCall::Reset;
            }
        };
        self.vcpus[i].cpu.x[0] = ret as u64;
        after
    }

    /// Replace vCPU `i` by a core in its reset state (keeping its interrupt lines, trace buffer
    /// and UNDEFINED counts).
    fn restart_cpu(&mut self, i: usize) {
        let mut new = fresh_cpu(i, self.max_el, self.gic);
        new.watch = self.core_watch();
        let old = &mut self.vcpus[i].cpu;
        new.irq = old.irq.clone();
        new.trace = old.trace.take();
        for (&w, &n) in &old.stats.undefined {
            *self.undefined.entry(w).or_default() += n;
        }
        self.retired[i] += old.insns;
        *old = new;
        self.vcpus[i].wait = None;
    }

    /// PSCI SYSTEM_RESET: RAM kept, the plan loaded again, devices and vCPUs reset.
    fn system_reset(&mut self) {
        self.resets += 1;
        for i in 0..self.vcpus.len() {
            self.drain_trace(i);
        }
        self.board.reset();
        self.cache = BlockCache::new();
        for i in 0..self.vcpus.len() {
            self.restart_cpu(i);
            self.vcpus[i].power = if i == 0 { Power::On } else { Power::Off };
        }
        if let Some(plan) = self.plan.take() {
            if let Err(e) = self.apply(&plan) {
                // The plan fitted at start-up and memory does not change shape.
                log::error!("reloading the boot plan after SYSTEM_RESET: {e}");
            }
            self.plan = Some(plan);
        }
    }

    /// Host-side work between rounds; `Some` when the run must end.
    fn service(&mut self) -> Option<StopReason> {
        if let Some(uart) = self.board.console_uart() {
            uart.drain_tx(&mut self.scratch);
            if let Some(input) = &mut self.input {
                input.deliver(|b| uart.push_rx(b));
            }
        }
        self.board.sync_irqs();
        self.console.output(&self.scratch);
        self.scratch.clear();
        if let Some(stop) = self.console_failure_stop() {
            return Some(stop);
        }
        if self.console.expect.satisfied() {
            return Some(StopReason::ExpectSeen);
        }
        if let Some(stop) = self.hang_stop() {
            return Some(stop);
        }
        (0..self.vcpus.len())
            .find_map(|i| self.exception_loop(i))
            .map(StopReason::GuestFailure)
    }

    /// An exception taken from inside the current vector table, seen from where vCPU `i`
    /// stopped.
    fn exception_loop(&self, i: usize) -> Option<String> {
        let v = &self.vcpus[i];
        if v.power != Power::On {
            return None;
        }
        let cpu = &v.cpu;
        let (vbar, elr, esr, far) = match cpu.el {
            1 => (Reg::VbarEl1, Reg::ElrEl1, Reg::EsrEl1, Reg::FarEl1),
            2 => (Reg::VbarEl2, Reg::ElrEl2, Reg::EsrEl2, Reg::FarEl2),
            _ => return None,
        };
        let sys = &cpu.sys;
        let base = sys.get(vbar) & !(VECTOR_TABLE_SIZE - 1);
        let inside = |a: u64| a.wrapping_sub(base) < VECTOR_TABLE_SIZE;
        let who = if self.vcpus.len() > 1 {
            format!("vCPU {i} ")
        } else {
            String::new()
        };
        // ESR_ELx is 0 until an exception is taken (every A64 synchronous exception sets
        // ESR.IL): code that merely runs at the reset VBAR of 0 (a firmware in flash) is no loop.
        let taken = sys.get(esr) != 0;
        (taken && inside(cpu.pc) && inside(sys.get(elr))).then(|| {
            format!(
                "{who}exception loop at EL{}: exception taken inside the vector table at {:#x} \
                 (ELR {:#x}, ESR {:#x}, FAR {:#x})",
                cpu.el,
                base,
                sys.get(elr),
                sys.get(esr),
                sys.get(far)
            )
        })
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
    use super::*;
    use crate::gic::v2;
    use crate::profile::{MIB, VIRT_UART0};
    use bootemu_boot::{Blob, Format};
    use std::cell::RefCell;
    use std::rc::Rc;

    const ENTRY: u64 = 0x4008_0000;
    // Encodings from aarch64-linux-gnu-as.
    const HVC0: u32 = 0xd400_0002; // hvc #0
    const STR_W2_X1: u32 = 0xb900_0022; // str w2, [x1]
    const WFI: u32 = 0xd503_207f; // wfi
    const LDXR_X1_X2: u32 = 0xc85f_7c41; // ldxr x1, [x2]
    const B_SELF: u32 = 0x1400_0000; // b .

    /// GICv2, 2 vCPUs: CPU 0 starts CPU 1 (CPU_ON, context 0x55), checks AFFINITY_INFO, waits in WFI for SGI 7 that CPU 1 sends through GICD_SGIR, acknowledges it (x23), checks AFFINITY_INFO (x24) and CPU_ON again (x25), powers off.
    const SMP_V2: &[u32] = &[
        0xd2a10013, // mov x19, #0x8000000
        0xd2a10034, // mov x20, #0x8010000
        0x52800021, // mov w1, #0x1
        0xb9000261, // str w1, [x19]
        0x529fffe1, // mov w1, #0xffff
        0xb9010261, // str w1, [x19, #256]
        0x52800021, // mov w1, #0x1
        0xb9000281, // str w1, [x20]
        0x52801fe1, // mov w1, #0xff
        0xb9000681, // str w1, [x20, #4]
        0xd2b88000, // mov x0, #0xc4000000
        0xf2800060, // movk x0, #0x3
        0xd2800021, // mov x1, #0x1
        0x10000402, // adr x2, 400800b4 <secondary>
        0xd2800aa3, // mov x3, #0x55
        0xd4000002, // hvc #0x0
        0xaa0003f5, // mov x21, x0
        0xd2b88000, // mov x0, #0xc4000000
        0xf2800080, // movk x0, #0x4
        0xd2800021, // mov x1, #0x1
        0xd2800002, // mov x2, #0x0
        0xd4000002, // hvc #0x0
        0xaa0003f6, // mov x22, x0
        0xd503207f, // wfi
        0xb9400e97, // ldr w23, [x20, #12]
        0x120026e4, // and w4, w23, #0x3ff
        0x710ffc9f, // cmp w4, #0x3ff
        0x54ffff80, // b.eq 4008005c <_start+0x5c>
        0xb9001297, // str w23, [x20, #16]
        0xd2b88000, // mov x0, #0xc4000000
        0xf2800080, // movk x0, #0x4
        0xd2800021, // mov x1, #0x1
        0xd2800002, // mov x2, #0x0
        0xd4000002, // hvc #0x0
        0xaa0003f8, // mov x24, x0
        0xd2b88000, // mov x0, #0xc4000000
        0xf2800060, // movk x0, #0x3
        0xd2800021, // mov x1, #0x1
        0x100000e2, // adr x2, 400800b4 <secondary>
        0xd2800003, // mov x3, #0x0
        0xd4000002, // hvc #0x0
        0xaa0003f9, // mov x25, x0
        0xd2b08000, // mov x0, #0x84000000
        0xf2800100, // movk x0, #0x8
        0xd4000002, // hvc #0x0
        0xaa0003fa, // mov x26, x0
        0xd2a10013, // mov x19, #0x8000000
        0xd2a10034, // mov x20, #0x8010000
        0x529fffe1, // mov w1, #0xffff
        0xb9010261, // str w1, [x19, #256]
        0x52800021, // mov w1, #0x1
        0xb9000281, // str w1, [x20]
        0x52801fe1, // mov w1, #0xff
        0xb9000681, // str w1, [x20, #4]
        0x52a00021, // mov w1, #0x10000
        0x728000e1, // movk w1, #0x7
        0xb90f0261, // str w1, [x19, #3840]
        0xd503207f, // wfi
        0x17ffffff, // b 400800e4 <secondary+0x30>
    ];

    /// GICv3, 2 vCPUs: each wakes its redistributor, makes its SGIs group 1 and enabled, sets PMR and IGRPEN1; CPU 1 (context 0x66) sends SGI 5 to Aff0 0 through ICC_SGI1R_EL1; CPU 0 acknowledges it with ICC_IAR1_EL1 (x23), EOIs, reads ID_AA64PFR0_EL1 (x24), ICC_SRE_EL1 (x25), ICC_RPR_EL1 (x22), powers off.
    const SMP_V3: &[u32] = &[
        0xd2a10013, // mov x19, #0x8000000
        0x52800041, // mov w1, #0x2
        0xb9000261, // str w1, [x19]
        0xd2a10154, // mov x20, #0x80a0000
        0x94000017, // bl 4008006c <wake>
        0x52801001, // mov w1, #0x80
        0xd5184601, // msr icc_pmr_el1, x1
        0xd2800021, // mov x1, #0x1
        0xd518cce1, // msr icc_igrpen1_el1, x1
        0xd2b88000, // mov x0, #0xc4000000
        0xf2800060, // movk x0, #0x3
        0xd2800021, // mov x1, #0x1
        0x10000302, // adr x2, 40080090 <secondary>
        0xd2800cc3, // mov x3, #0x66
        0xd4000002, // hvc #0x0
        0xaa0003f5, // mov x21, x0
        0xd503207f, // wfi
        0xd538cc17, // mrs x23, icc_iar1_el1
        0xf10ffeff, // cmp x23, #0x3ff
        0x54ffffa0, // b.eq 40080040 <_start+0x40>
        0xd518cc37, // msr icc_eoir1_el1, x23
        0xd5380418, // mrs x24, id_aa64pfr0_el1
        0xd538ccb9, // mrs x25, icc_sre_el1
        0xd538cb76, // mrs x22, icc_rpr_el1
        0xd2b08000, // mov x0, #0x84000000
        0xf2800100, // movk x0, #0x8
        0xd4000002, // hvc #0x0
        0xb900169f, // str wzr, [x20, #20]
        0xb9401681, // ldr w1, [x20, #20]
        0x3717ffe1, // tbnz w1, #2, 40080070 <wake+0x4>
        0x91404283, // add x3, x20, #0x10, lsl #12
        0x12800001, // mov w1, #0xffffffff
        0xb9008061, // str w1, [x3, #128]
        0x529fffe1, // mov w1, #0xffff
        0xb9010061, // str w1, [x3, #256]
        0xd65f03c0, // ret
        0xaa0003fa, // mov x26, x0
        0xd2a10194, // mov x20, #0x80c0000
        0x97fffff5, // bl 4008006c <wake>
        0xd2801e01, // mov x1, #0xf0
        0xd5184601, // msr icc_pmr_el1, x1
        0xd2800021, // mov x1, #0x1
        0xd518cce1, // msr icc_igrpen1_el1, x1
        0xd2a0a001, // mov x1, #0x5000000
        0xb2400021, // orr x1, x1, #0x1
        0xd518cba1, // msr icc_sgi1r_el1, x1
        0xd503207f, // wfi
        0x17ffffff, // b 400800b8 <secondary+0x28>
    ];

    /// Reads [0x4100_0000] into x5, then the RTC: unless it reads 7, prints `R`, stores 0x1234 at 0x4100_0000, loads 7 into the RTC and asks for SYSTEM_RESET; once it reads 7, prints `O` and powers off.
    const RESET: &[u32] = &[
        0xd2a12033, // mov x19, #0x9010000
        0xd2a12014, // mov x20, #0x9000000
        0xd2a82015, // mov x21, #0x41000000
        0xf94002a5, // ldr x5, [x21]
        0xb9400261, // ldr w1, [x19]
        0x71001c3f, // cmp w1, #0x7
        0x54000140, // b.eq 40080040 <_start+0x40>
        0x52800a42, // mov w2, #0x52
        0xb9000282, // str w2, [x20]
        0xd2824683, // mov x3, #0x1234
        0xf90002a3, // str x3, [x21]
        0x528000e1, // mov w1, #0x7
        0xb9000a61, // str w1, [x19, #8]
        0xd2b08000, // mov x0, #0x84000000
        0xf2800120, // movk x0, #0x9
        0xd4000002, // hvc #0x0
        0x528009e2, // mov w2, #0x4f
        0xb9000282, // str w2, [x20]
        0xd2b08000, // mov x0, #0x84000000
        0xf2800100, // movk x0, #0x8
        0xd4000002, // hvc #0x0
    ];

    /// CPU_ON of CPU 1 at `spin`, then both spin.
    const SPIN2: &[u32] = &[
        0xd2b88000, // mov x0, #0xc4000000
        0xf2800060, // movk x0, #0x3
        0xd2800021, // mov x1, #0x1
        0x10000062, // adr x2, 40080018 <spin>
        0xd2800003, // mov x3, #0x0
        0xd4000002, // hvc #0x0
        0x14000000, // b 40080018 <spin>
    ];

    fn config(smp: usize, gic: GicVersion) -> MachineConfig {
        MachineConfig {
            smp,
            gic,
            ..MachineConfig::new(Profile::virt(64 * MIB).unwrap(), Box::new(std::io::sink()))
        }
    }

    fn machine_with(config: MachineConfig, words: &[u32], regs: [u64; 4]) -> Machine {
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

    fn machine(words: &[u32], regs: [u64; 4], expect: &[&str]) -> Machine {
        let mut c = config(1, GicVersion::V2);
        c.expect = expect.iter().map(|s| s.to_string()).collect();
        machine_with(c, words, regs)
    }

    /// A console sink the test can read.
    #[derive(Clone, Default)]
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

    /// `mov w2, #c; str w2, [x1]` per byte of `text` (x1 = the UART), then `tail`.
    fn print_then(text: &str, tail: &[u32]) -> Vec<u32> {
        let mut w: Vec<u32> = text
            .bytes()
            .flat_map(|c| [0x5280_0002 | (c as u32) << 5, STR_W2_X1])
            .collect();
        w.extend_from_slice(tail);
        w
    }

    #[test]
    fn kernel_panic_on_the_console_ends_the_run() {
        let code = print_then(
            "[ 1.0] Kernel command line: a=b\nKernel panic - x\nmore\n",
            &[B_SELF],
        );
        let mut m = machine(&code, [0, VIRT_UART0, 0, 0], &["never"]);
        let o = m.run(100 * QUANTUM);
        assert_eq!(
            o.reason,
            StopReason::ConsoleFailure("Kernel panic - x".into())
        );
        assert_eq!(o.insns, QUANTUM, "at the end of the round that printed it");
        assert_eq!(o.kernel_cmdline.as_deref(), Some("a=b"));
        assert_eq!(o.console_failure.as_deref(), Some("Kernel panic - x"));
        assert_eq!(o.per_cpu, vec![QUANTUM]);
        let f = &o.flight[0];
        assert_eq!(f.len(), FLIGHT_INSNS);
        assert_eq!(f.last().unwrap().insn, QUANTUM - 1);
        assert!(f
            .iter()
            .all(|r| r.word == B_SELF && r.pc == ENTRY + 4 * (code.len() as u64 - 1)));
    }

    #[test]
    fn oops_then_reset_ends_the_run_at_the_reset() {
        let code = print_then("Internal error: Oops - BUG\nregs\n", &[HVC0, B_SELF]);
        let mut m = machine(&code, [0x8400_0009, VIRT_UART0, 0, 0], &[]);
        let o = m.run(100 * QUANTUM);
        assert_eq!(
            o.reason,
            StopReason::ConsoleFailure("Internal error: Oops - BUG".into())
        );
        assert_eq!(o.resets, 0);
        assert_eq!(o.insns, code.len() as u64 - 1);
        assert_eq!(o.flight[0].last().unwrap().word, HVC0);
    }

    #[test]
    fn oops_without_panic_ends_the_run_after_the_grace() {
        let code = print_then("Unable to handle kernel NULL pointer\n", &[B_SELF]);
        let mut m = machine(&code, [0, VIRT_UART0, 0, 0], &[]);
        let o = m.run(10 * FAILURE_GRACE);
        assert!(
            matches!(o.reason, StopReason::ConsoleFailure(_)),
            "{:?}",
            o.reason
        );
        assert_eq!(o.insns, QUANTUM + FAILURE_GRACE);
    }

    #[test]
    fn psci_system_off_ends_the_run() {
        let mut m = machine(&[HVC0, B_SELF], [0x8400_0008, 0, 0, 0], &[]);
        let o = m.run(1000);
        assert_eq!(o.reason, StopReason::PowerOff);
        assert_eq!(o.insns, 1);
    }

    #[test]
    fn unknown_psci_call_returns_not_supported() {
        // MIGRATE (SMC64) is not supported.
        let mut m = machine(&[HVC0, B_SELF], [0xc400_0005, 0, 0, 0], &[]);
        let o = m.run(10);
        assert_eq!(o.reason, StopReason::BudgetExhausted);
        assert_eq!(m.cpu().x[0], u64::MAX);
        assert_eq!(o.insns, 10);
    }

    #[test]
    fn psci_version_and_cpu_off_of_the_last_cpu() {
        let mut m = machine(&[HVC0, B_SELF], [0x8400_0000, 0, 0, 0], &[]);
        m.run(1);
        assert_eq!(m.cpu().x[0], 0x1_0000);
        let mut m = machine(&[HVC0, B_SELF], [0x8400_0002, 0, 0, 0], &[]);
        m.run(1);
        assert_eq!(m.cpu().x[0] as i64, psci::DENIED);
    }

    #[test]
    fn console_output_and_expect() {
        let mut m = machine(
            &[STR_W2_X1, B_SELF],
            [0, VIRT_UART0, b'!' as u64, 0],
            &["!"],
        );
        let out = Shared::default();
        m.console = Console::new(Box::new(out.clone()), &["!".to_string()]);
        let o = m.run(10 * QUANTUM);
        assert_eq!(o.reason, StopReason::ExpectSeen);
        assert_eq!(o.insns, QUANTUM, "checked at the end of the first round");
        assert_eq!(o.console_bytes, 1);
        assert_eq!(*out.0.borrow(), b"!");
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
        let mut m = machine(&[WFI, B_SELF], [0; 4], &[]);
        let o = m.run(1000);
        match o.reason {
            StopReason::GuestFailure(msg) => assert!(msg.contains("all vCPUs wait"), "{msg}"),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(o.insns, 1);
    }

    #[test]
    fn undefined_code_at_the_vectors_is_an_exception_loop() {
        // UDF #0 at the entry, and the vectors (VBAR_EL1 = 0, empty flash) hold zeros too.
        let mut m = machine(&[0], [0; 4], &[]);
        let o = m.run(10 * QUANTUM);
        match o.reason {
            StopReason::GuestFailure(msg) => assert!(msg.contains("exception loop"), "{msg}"),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(o.insns, QUANTUM);
        assert_eq!(o.undefined.get(&0), Some(&QUANTUM));
    }

    #[test]
    fn trace_records_every_instruction() {
        let mut m = machine(&[B_SELF], [0; 4], &[]);
        let seen = Rc::new(RefCell::new(Vec::new()));
        let s = seen.clone();
        m.set_trace(
            3,
            Box::new(move |cpu, r| {
                assert_eq!(cpu, 0);
                s.borrow_mut().extend_from_slice(r)
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
    fn smp_gicv2_cpu_on_and_sgi() {
        let mut m = machine_with(config(2, GicVersion::V2), SMP_V2, [0; 4]);
        let o = m.run(1_000_000);
        assert_eq!(o.reason, StopReason::PowerOff);
        let (c0, c1) = (&m.vcpus[0].cpu, &m.vcpus[1].cpu);
        assert_eq!(c0.x[21], 0, "CPU_ON: SUCCESS");
        assert_eq!(c0.x[22] as i64, psci::AFF_ON_PENDING);
        assert_eq!(c0.x[23], 7 | 1 << 10, "SGI 7 from CPU 1");
        assert_eq!(c0.x[24] as i64, psci::AFF_ON);
        assert_eq!(c0.x[25] as i64, psci::ALREADY_ON);
        assert_eq!(c1.x[26], 0x55, "context id in x0");
        assert_eq!((c1.el, c1.daif), (1, 0xf << 6), "EL1, DAIF masked");
        assert_eq!(m.vcpus[1].wait, Some(Wait::Interrupt));
        assert_eq!(
            m.board
                .gic
                .mmio_read(0, crate::gic::GicFrame::Cpu, v2::GICC_RPR, 4),
            0xff
        );
    }

    #[test]
    fn smp_gicv3_sgi1r() {
        let mut m = machine_with(config(2, GicVersion::V3), SMP_V3, [0; 4]);
        let o = m.run(1_000_000);
        assert_eq!(o.reason, StopReason::PowerOff);
        assert!(o.undefined.is_empty(), "{:?}", o.undefined);
        let (c0, c1) = (&m.vcpus[0].cpu, &m.vcpus[1].cpu);
        assert_eq!(c0.x[21], 0);
        assert_eq!(c0.x[23], 5, "SGI 5");
        assert_eq!((c0.x[24] >> 24) & 0xf, 1, "ID_AA64PFR0_EL1.GIC");
        assert_eq!(c0.x[25], 7, "ICC_SRE_EL1: SRE, DFB, DIB");
        assert_eq!(c0.x[22], 0xff, "idle after EOI");
        assert_eq!(c1.x[26], 0x66);
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

    #[test]
    fn system_reset_restarts_the_guest() {
        let mut c = config(1, GicVersion::V2);
        let out = Shared::default();
        c.console = Box::new(out.clone());
        let mut m = machine_with(c, RESET, [0; 4]);
        let o = m.run(1_000_000);
        assert_eq!(o.reason, StopReason::PowerOff);
        assert_eq!(o.resets, 1);
        assert_eq!(*out.0.borrow(), b"RO");
        assert_eq!(m.cpu().x[5], 0x1234, "RAM outside the images is kept");
        assert_eq!(o.insns, 16 + 12);
    }

    #[test]
    fn vcpus_advance_in_parallel_in_virtual_time() {
        let mut m = machine_with(config(2, GicVersion::V2), SPIN2, [0; 4]);
        let o = m.run(10 * QUANTUM);
        assert_eq!(o.reason, StopReason::BudgetExhausted);
        // Round 1: CPU 0 alone (CPU 1 is on pending); rounds 2-5: both; round 6: CPU 0, then
        // the budget is spent.
        assert_eq!(o.insns, 10 * QUANTUM);
        assert_eq!(m.vcpus[0].cpu.insns, 6 * QUANTUM);
        assert_eq!(m.vcpus[1].cpu.insns, 4 * QUANTUM);
        assert_eq!(o.clock, 5 * QUANTUM);
        assert_eq!(
            m.vcpus[1].cpu.counter(),
            5 * QUANTUM,
            "its slice started at 4 Q"
        );
    }

    #[test]
    fn exclusive_monitor_is_cleared_when_descheduled() {
        let mut m = machine(&[LDXR_X1_X2, B_SELF], [0, 0, ENTRY, 0], &[]);
        m.run(1);
        assert_eq!(m.cpu().exclusive, None);
    }

    #[test]
    fn scheduling_is_deterministic() {
        let run = || {
            let mut m = machine_with(config(2, GicVersion::V2), SMP_V2, [0; 4]);
            let seen = Rc::new(RefCell::new(Vec::new()));
            let s = seen.clone();
            m.set_trace(
                64,
                Box::new(move |cpu, r| {
                    s.borrow_mut().extend(r.iter().map(|r| (cpu, r.insn, r.pc)))
                }),
            );
            let o = m.run(1_000_000);
            let trace = seen.borrow().clone();
            (o, trace)
        };
        let (a, ta) = run();
        let (b, tb) = run();
        assert_eq!(a, b);
        assert_eq!(ta, tb);
        assert!(ta.iter().any(|t| t.0 == 1), "both vCPUs traced");
        assert_eq!(ta.len() as u64, a.insns);
    }
}
