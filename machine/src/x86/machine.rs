//! The x86_64 machine (`--machine microvm`): one vCPU on an [`X86Board`], the console, and the
//! deterministic run loop that drives them.
//!
//! ## The run loop
//! Virtual time is the vCPU's instruction count (`now`; 1 instruction = 1 ns = one TSC tick,
//! `platform::TSC_HZ`). The vCPU runs in slices of at most [`QUANTUM`] instructions, each cut
//! at the devices' next deadline ([`X86Board::next_deadline`]: the local APIC timers, the CMOS
//! RTC's events) so that a timer fires on time; between slices the machine moves the 16550's
//! output to the console (with the same `--expect`, failure and command-line watches as
//! aarch64's), runs the devices' time up to `now` ([`X86Board::advance`]) and takes
//! power-register requests.
//!
//! HLT: with RFLAGS.IF set, time skips to the next deadline (the skipped time counts in the
//! TSC, not in the instructions executed) and the vCPU takes the interrupt; with nothing ever
//! to come (no deadline, nothing pending) the run ends as a hang. With IF clear and nothing
//! pending the vCPU can never leave HLT: the run ends ([`X86Stop::HaltedInterruptsOff`], the
//! way a bare-metal guest or `reboot=halt` says it is done).
//!
//! Ends of a run ([`X86Stop`]): S5 written to the ACPI sleep-control register (power off, like
//! PSCI SYSTEM_OFF); a halt with interrupts off; the markers; the budget; a guest failure (triple
//! fault, a fetch outside RAM, a hang); a kernel failure on the console (with its grace, as
//! aarch64's). A power-register write ends the vCPU's slice right after its OUT
//! (`Platform::stop_requested`), so the instruction count of a power-off or reset includes
//! that OUT and nothing after it; the run loop takes the request before anything else. A
//! reset through the power register re-applies the boot (RAM keeps its contents,
//! the blobs are copied again, the devices reset and the vCPU restarts at the entry state), as
//! aarch64's PSCI SYSTEM_RESET does.
//!
//! Not modelled here: secondary vCPUs (`TODO(SMP)`), host input to the 16550, traces and the
//! flight recorder of the x86 core.

use std::collections::BTreeMap;
use std::io::Write;

use bootemu_boot::acpi::x86::power::PowerWrite;
use bootemu_boot::x86::entry::Mode;
use bootemu_boot::x86::gdt::{Segment as BootSegment, TableReg};
use bootemu_boot::x86::{X86Boot, X86EntryState};
use bootemu_cpu::x86_64::system::{sreg, Segment, Table};
use bootemu_cpu::x86_64::{BlockCache, Cpu, Exit};

use super::board::{X86Board, X86BoardError};
use crate::console::Console;
use crate::machine::{failure_stop, DEFAULT_HANG_INSNS, EXPECT_LINE_TICKS, QUANTUM};
use crate::memory::MemoryError;

/// How to build an x86 machine.
pub struct X86Config {
    /// Where guest serial output goes.
    pub console: Box<dyn Write>,
    /// Markers that must all appear on the console.
    pub expect: Vec<String>,
    /// Console lines that end the run as a guest failure (`--fail-on`).
    pub fail_on: Vec<String>,
    /// The CMOS RTC's date at virtual time 0, in seconds since 1970.
    pub rtc_epoch: u32,
    /// Instructions without progress after which the run ends as a hang (0: never).
    pub hang_insns: u64,
    /// Set from outside (a signal handler) to end the run at the next slice.
    pub interrupt: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl X86Config {
    /// No markers, the default hang rule, RTC epoch `rtc_epoch`.
    pub fn new(console: Box<dyn Write>, rtc_epoch: u32) -> Self {
        X86Config {
            console,
            expect: Vec::new(),
            fail_on: Vec::new(),
            rtc_epoch,
            hang_insns: DEFAULT_HANG_INSNS,
            interrupt: None,
        }
    }
}

/// Why an x86 run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum X86Stop {
    /// S5 written to the ACPI sleep-control register.
    PowerOff,
    /// HLT with interrupts off and nothing pending: the vCPU can never go on.
    HaltedInterruptsOff {
        /// RIP after the HLT.
        rip: u64,
    },
    /// Every `--expect` marker appeared on the console.
    ExpectSeen,
    /// The instruction budget is spent.
    BudgetExhausted,
    /// The guest cannot go on (triple fault, fetch outside RAM, hang).
    GuestFailure(String),
    /// The kernel (or a `--fail-on` line) reported a failure on the console.
    ConsoleFailure(String),
    /// The host asked the run to stop.
    Interrupted,
    /// The kernel's entry was judged and a check failed there, with the judge asking to stop
    /// (`--stop-on-check-failure`); see [`super::entry_watch`].
    StoppedAtEntry,
}

/// The result of [`X86Machine::run`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct X86Outcome {
    /// Why it ended.
    pub reason: X86Stop,
    /// Instructions executed (HLT's skipped time not counted).
    pub insns: u64,
    /// Virtual time at the end (the instruction count plus the time skipped in HLT).
    pub clock: u64,
    /// Resets through the power register.
    pub resets: u64,
    /// Console bytes the guest wrote.
    pub console_bytes: u64,
    /// `--expect` markers not seen.
    pub expect_missing: Vec<String>,
    /// Instruction forms (iced `Code` names) that raised #UD because they are not
    /// implemented, with counts.
    pub undefined: BTreeMap<String, u64>,
    /// MSRs whose RDMSR/WRMSR raised #GP(0), with counts.
    pub bad_msrs: BTreeMap<u32, u64>,
    /// The kernel's own `Kernel command line:` from the console.
    pub kernel_cmdline: Option<String>,
    /// The first failure line on the console.
    pub console_failure: Option<String>,
    /// Whose failure that line reports.
    pub console_failure_kind: Option<crate::console::FailureKind>,
    /// Accesses no device claimed.
    pub unclaimed: crate::board::Unclaimed,
    /// IN/OUT accesses to ports no device claims (the kept addresses are ports).
    pub unclaimed_ports: crate::board::Unclaimed,
    /// RIP at the end.
    pub rip: u64,
}

/// One x86 machine.
pub struct X86Machine {
    /// The boot vCPU.
    pub cpu: Cpu,
    cache: BlockCache,
    /// Memory and devices.
    pub board: X86Board,
    /// The console.
    pub console: Console,
    scratch: Vec<u8>,
    /// The boot: blobs and entry state, re-applied on reset.
    boot: Option<X86Boot>,
    /// Time skipped in HLT (part of the clock, not of the instructions executed).
    idle: u64,
    /// #UD forms and #GP'd MSRs of vCPU states replaced by a reset.
    undefined: BTreeMap<String, u64>,
    bad_msrs: BTreeMap<u32, u64>,
    resets: u64,
    hang_insns: u64,
    interrupt: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    failure_at: Option<u64>,
    panic_at: Option<u64>,
    expect_seen_at: Option<u64>,
    progress_seen: (u64, u64),
    quiet_since: u64,
    /// The kernel-entry watch of a firmware boot ([`super::entry_watch`]).
    pub(super) entry: super::entry_watch::EntryWatchState,
}

impl X86Machine {
    /// A machine whose RAM and reserved areas are those of `boot` (its
    /// [`X86Boot::ram`] and [`X86Boot::reserved`]), with the boot loaded.
    pub fn new(config: X86Config, boot: &X86Boot) -> Result<X86Machine, X86BoardError> {
        let names = ["low RAM", "RAM", "high RAM", "RAM", "RAM"];
        // Memory is backed by whole pages: low RAM's last page runs into the EBDA
        // (0x9fc00..0xa0000, reserved in the e820 map but memory, as on a PC), which the
        // kernel reads.
        let page = bootemu_cpu::aarch64::mem::PAGE_SIZE;
        let mut regions: Vec<(&'static str, u64, u64)> = boot
            .ram
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let size = r.size.div_ceil(page) * page;
                (names[i.min(names.len() - 1)], r.base, size)
            })
            .collect();
        regions.extend(boot.reserved.iter().map(|r| ("BIOS area", r.base, r.size)));
        // The rest of 0xa0000..1 MiB is memory too, as on QEMU's microvm.
        let legacy = super::board::legacy_area_gaps(&regions);
        regions.extend(legacy);
        regions.retain(|r| r.2 > 0);
        let board = X86Board::new(&regions, 1, config.rtc_epoch)?;
        let mut console = Console::new(config.console, &config.expect);
        console.watch.fail_on = config.fail_on;
        let mut m = X86Machine {
            cpu: Cpu::new(),
            cache: BlockCache::new(),
            board,
            console,
            scratch: Vec::new(),
            boot: None,
            idle: 0,
            undefined: BTreeMap::new(),
            bad_msrs: BTreeMap::new(),
            resets: 0,
            hang_insns: config.hang_insns,
            interrupt: config.interrupt,
            failure_at: None,
            panic_at: None,
            expect_seen_at: None,
            progress_seen: (0, 0),
            quiet_since: 0,
            entry: Default::default(),
        };
        m.apply(boot)?;
        m.boot = Some(boot.clone());
        Ok(m)
    }

    /// Copy the boot's blobs into memory and put the vCPU in its entry state.
    fn apply(&mut self, boot: &X86Boot) -> Result<(), MemoryError> {
        for b in &boot.plan.blobs {
            self.board.write_mem(b.addr, &b.bytes)?;
        }
        let insns = self.cpu.insns;
        self.cpu = entry_cpu(&boot.state);
        self.cpu.insns = insns;
        self.cpu.watch = self.entry.core_watch();
        self.board
            .hub
            .lapics
            .iter_mut()
            .for_each(|a| a.set_apic_base(self.cpu.sys.msr.apic_base));
        Ok(())
    }

    /// Instructions executed so far.
    pub fn executed(&self) -> u64 {
        self.cpu.insns - self.idle
    }

    /// The vCPU's state now, as an entry state (what the handoff checks judge at the kernel's
    /// first instruction).
    pub fn entry_state(&self) -> X86EntryState {
        capture(&self.cpu)
    }

    /// Read guest memory (`None` outside RAM): the handoff checks' view.
    pub fn read_mem(&self, addr: u64, len: u64) -> Option<Vec<u8>> {
        self.board.mem().read(addr, len).ok().map(<[u8]>::to_vec)
    }

    fn flush_console(&mut self) {
        if let Some(uart) = self.board.ports.console_uart() {
            uart.drain_tx(&mut self.scratch);
        }
        self.console.set_now(self.executed(), self.cpu.insns);
        self.console.output(&self.scratch);
        self.scratch.clear();
    }

    /// Run until one of the ends in the module doc, at most `max_insns` instructions.
    pub fn run(&mut self, max_insns: u64) -> X86Outcome {
        let reason = self.run_loop(max_insns);
        self.flush_console();
        self.console.end();
        let mut undefined = self.undefined.clone();
        for (code, n) in &self.cpu.undefined {
            *undefined.entry(format!("{code:?}")).or_insert(0) += n;
        }
        let mut bad_msrs = self.bad_msrs.clone();
        for (&m, &n) in &self.cpu.bad_msrs {
            *bad_msrs.entry(m).or_insert(0) += n;
        }
        X86Outcome {
            reason,
            insns: self.executed(),
            clock: self.cpu.insns,
            resets: self.resets,
            console_bytes: self.console.bytes,
            expect_missing: self.console.expect.missing(),
            undefined,
            bad_msrs,
            kernel_cmdline: self.console.watch.kernel_cmdline.clone(),
            console_failure: self.console.watch.failure.clone(),
            console_failure_kind: self.console.watch.failure_kind,
            unclaimed: self.board.unclaimed.clone(),
            unclaimed_ports: self.board.ports.unclaimed.clone(),
            rip: self.cpu.rip,
        }
    }

    fn run_loop(&mut self, max_insns: u64) -> X86Stop {
        loop {
            if self
                .interrupt
                .as_ref()
                .is_some_and(|f| f.load(std::sync::atomic::Ordering::Relaxed))
            {
                return X86Stop::Interrupted;
            }
            let executed = self.executed();
            if executed >= max_insns {
                return X86Stop::BudgetExhausted;
            }
            let now = self.cpu.insns;
            let mut slice = QUANTUM.min(max_insns - executed);
            if let Some(d) = self.board.next_deadline() {
                slice = slice.min(d.saturating_sub(now).max(1));
            }
            self.board.now = now;
            let exit = self.cpu.run(&mut self.cache, &mut self.board, slice);
            let now = self.cpu.insns;
            self.board.advance(now);
            // A power-register write ended the slice at its OUT (`stop_requested`).
            match self.board.take_power() {
                Some(PowerWrite::PowerOff) => {
                    self.flush_console();
                    return X86Stop::PowerOff;
                }
                Some(PowerWrite::Reset) => {
                    if let Err(e) = self.reset() {
                        return X86Stop::GuestFailure(format!("reset: {e}"));
                    }
                    continue;
                }
                _ => {}
            }
            match exit {
                Exit::Budget => {}
                Exit::Halt => {
                    if let Some(stop) = self.halt(now) {
                        self.flush_console();
                        return stop;
                    }
                }
                Exit::TripleFault => {
                    return X86Stop::GuestFailure(format!(
                        "triple fault (shutdown) at RIP {:#x} after {} instructions",
                        self.cpu.rip,
                        self.executed()
                    ))
                }
                Exit::FetchUnmapped(pa) => {
                    return X86Stop::GuestFailure(format!(
                        "instruction fetch from physical {pa:#x}, which is not RAM (RIP {:#x})",
                        self.cpu.rip
                    ))
                }
                Exit::Exception(f) => {
                    return X86Stop::GuestFailure(format!(
                        "exception {} not delivered at RIP {:#x}",
                        f.vector, self.cpu.rip
                    ))
                }
                Exit::Watch(pa) => {
                    if let Some(stop) = self.on_watch(pa) {
                        self.flush_console();
                        return stop;
                    }
                }
            }
            self.flush_console();
            let executed = self.executed();
            if let Some(line) = failure_stop(
                &self.console.watch,
                &mut self.failure_at,
                &mut self.panic_at,
                executed,
            ) {
                return X86Stop::ConsoleFailure(line);
            }
            if self.console.expect.satisfied() {
                let at = *self.expect_seen_at.get_or_insert(now);
                if self.console.expect.line_ended() || now - at >= EXPECT_LINE_TICKS {
                    return X86Stop::ExpectSeen;
                }
            }
            let progress = (self.console.bytes, self.board.accesses);
            if progress != self.progress_seen {
                self.progress_seen = progress;
                self.quiet_since = self.executed();
            } else if self.hang_insns > 0 && self.executed() - self.quiet_since >= self.hang_insns {
                return X86Stop::GuestFailure(format!(
                    "no console output and no device access for {} instructions (RIP {:#x})",
                    self.hang_insns, self.cpu.rip
                ));
            }
        }
    }

    /// The vCPU halted at `now`: skip to the next interrupt, or say why the run ends.
    fn halt(&mut self, now: u64) -> Option<X86Stop> {
        let if_set = self.cpu.rflags & bootemu_cpu::x86_64::state::flag::IF != 0;
        if !if_set {
            return Some(X86Stop::HaltedInterruptsOff { rip: self.cpu.rip });
        }
        if self.board.hub.interrupt_pending(0, now) {
            return None;
        }
        match self.board.next_deadline() {
            Some(d) if d > now => {
                self.idle += d - now;
                self.cpu.insns = d;
                None
            }
            Some(_) => None,
            None => Some(X86Stop::GuestFailure(format!(
                "HLT with interrupts enabled and no interrupt ever to come (no timer armed) at \
                 RIP {:#x}",
                self.cpu.rip
            ))),
        }
    }

    /// The power register's reset: the boot again on reset devices.
    fn reset(&mut self) -> Result<(), MemoryError> {
        for (code, n) in std::mem::take(&mut self.cpu.undefined) {
            *self.undefined.entry(format!("{code:?}")).or_insert(0) += n;
        }
        for (m, n) in std::mem::take(&mut self.cpu.bad_msrs) {
            *self.bad_msrs.entry(m).or_insert(0) += n;
        }
        self.board.reset();
        self.cache = BlockCache::new();
        self.resets += 1;
        if let Some(boot) = self.boot.take() {
            let r = self.apply(&boot);
            self.boot = Some(boot);
            r?;
        }
        Ok(())
    }
}

/// The vCPU in the entry state `s`: registers, control registers, segments, descriptor tables;
/// the sandbox rule off (exceptions go through the guest's IDT or escalate).
pub fn entry_cpu(s: &X86EntryState) -> Cpu {
    let mut cpu = Cpu::new();
    cpu.sys.sandbox = false;
    cpu.regs = s.gpr;
    cpu.rip = s.rip;
    cpu.rflags = s.rflags;
    cpu.sys.cr0 = s.cr0;
    cpu.sys.cr3 = s.cr3;
    cpu.sys.cr4 = s.cr4;
    cpu.sys.efer = s.efer;
    for (r, seg) in [
        (sreg::ES, &s.es),
        (sreg::CS, &s.cs),
        (sreg::SS, &s.ss),
        (sreg::DS, &s.ds),
        (sreg::FS, &s.fs),
        (sreg::GS, &s.gs),
    ] {
        cpu.sys.seg[r] = to_cpu(seg);
    }
    cpu.sys.tr = to_cpu(&s.tr);
    cpu.sys.ldtr = to_cpu(&s.ldtr);
    cpu.sys.gdtr = Table {
        base: s.gdtr.base,
        limit: s.gdtr.limit,
    };
    cpu.sys.idtr = Table {
        base: s.idtr.base,
        limit: s.idtr.limit,
    };
    cpu.refresh_mode();
    cpu
}

/// The vCPU's state as an entry state (for the handoff checks).
pub fn capture(cpu: &Cpu) -> X86EntryState {
    use bootemu_cpu::x86_64::system::efer;
    let s = &cpu.sys;
    X86EntryState {
        mode: if s.efer & efer::LMA != 0 {
            Mode::Long
        } else {
            Mode::Protected32
        },
        rip: cpu.rip,
        rflags: cpu.rflags,
        gpr: cpu.regs,
        cr0: s.cr0,
        cr3: s.cr3,
        cr4: s.cr4,
        efer: s.efer,
        cs: to_boot(&s.seg[sreg::CS]),
        ds: to_boot(&s.seg[sreg::DS]),
        es: to_boot(&s.seg[sreg::ES]),
        ss: to_boot(&s.seg[sreg::SS]),
        fs: to_boot(&s.seg[sreg::FS]),
        gs: to_boot(&s.seg[sreg::GS]),
        tr: to_boot(&s.tr),
        ldtr: to_boot(&s.ldtr),
        gdtr: TableReg {
            base: s.gdtr.base,
            limit: s.gdtr.limit,
        },
        idtr: TableReg {
            base: s.idtr.base,
            limit: s.idtr.limit,
        },
    }
}

/// A boot-side descriptor cache in the core's layout (the same bit positions as the
/// descriptor's attribute word: type 3:0, S 4, DPL 6:5, P 7, AVL 12, L 13, D/B 14, G 15).
fn to_cpu(s: &BootSegment) -> Segment {
    use bootemu_cpu::x86_64::system::attr;
    let b = |c: bool, bit: u16| if c { bit } else { 0 };
    Segment {
        selector: s.selector,
        base: s.base,
        limit: s.limit,
        attr: (s.kind as u16 & attr::TYPE)
            | b(s.code_data, attr::S)
            | ((s.dpl as u16 & 3) << attr::DPL_SHIFT)
            | b(s.present, attr::P)
            | b(s.avl, attr::AVL)
            | b(s.long, attr::L)
            | b(s.db, attr::DB)
            | b(s.granularity, attr::G),
    }
}

fn to_boot(s: &Segment) -> BootSegment {
    use bootemu_cpu::x86_64::system::attr;
    BootSegment {
        selector: s.selector,
        base: s.base,
        limit: s.limit,
        kind: (s.attr & attr::TYPE) as u8,
        code_data: s.attr & attr::S != 0,
        dpl: s.dpl(),
        present: s.attr & attr::P != 0,
        avl: s.attr & attr::AVL != 0,
        long: s.attr & attr::L != 0,
        db: s.attr & attr::DB != 0,
        granularity: s.attr & attr::G != 0,
    }
}
