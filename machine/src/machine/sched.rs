//! The run loop and the scheduler: rounds of per-vCPU slices in virtual time, sleeping and
//! waking (WFI, WFE, timers), timer PPIs, and the host-side work between rounds (see the
//! module documentation of [`crate::machine`]).

use bootemu_cpu::aarch64::timer::{TIMER_HYP, TIMER_PHYS, TIMER_VIRT};
use bootemu_cpu::aarch64::Exit;

use super::psci_calls::AfterCall;
use super::{
    Machine, Progress, RunOutcome, StopReason, Vcpu, Wait, EXPECT_LINE_TICKS, FLIGHT_INSNS,
    PROGRESS_ROUNDS, QUANTUM,
};
use crate::gic::{PPI_HYP_TIMER, PPI_PHYS_TIMER, PPI_VIRT_TIMER};
use crate::psci::Power;

/// How a slice ended early.
enum SliceEnd {
    /// The run is over.
    Stop(StopReason),
    /// The system was reset after this many instructions of the slice.
    Reset(u64),
    /// A debugger's stop; the slice began at this vCPU count.
    Debug(u64),
}

/// Where a round a debugger's stop interrupted goes on.
pub(super) struct Paused {
    t0: u64,
    q: u64,
    /// The vCPU whose slice stopped.
    cpu: usize,
    ran: u32,
    longest: u64,
    slice_start: u64,
}

impl Machine {
    /// Run for at most `budget` more instructions (over all vCPUs).
    pub fn run(&mut self, budget: u64) -> RunOutcome {
        let end = self.executed.saturating_add(budget);
        let reason = loop {
            if let Some(r) = self.round(end) {
                break r;
            }
        };
        self.finish(reason)
    }

    /// Run until the instruction count `end` (over all vCPUs) or a debugger's stop (`None`,
    /// see [`Machine::attach_debugger`]); a later call goes on exactly where it stopped.
    pub(super) fn rounds(&mut self, end: u64) -> Option<StopReason> {
        loop {
            if let Some(r) = self.round(end) {
                return Some(r);
            }
            let (cur, executed) = (self.board.cur, self.executed);
            if self
                .debug
                .as_mut()
                .is_some_and(|d| d.stop_between_rounds(cur, executed))
            {
                return None;
            }
        }
    }

    /// The end of a run: trace and console drained, the outcome.
    pub(super) fn finish(&mut self, reason: StopReason) -> RunOutcome {
        for i in 0..self.vcpus.len() {
            self.drain_trace(i);
        }
        self.flush_console();
        self.console.end();
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
            console_failure_kind: self.console.watch.failure_kind,
            flight: self
                .vcpus
                .iter()
                .map(|v| v.cpu.flight.last(FLIGHT_INSNS, &self.flight_words()))
                .collect(),
            handoff: self.handoff.clone(),
            smp: self.smp.clone(),
            unclaimed: self.board.unclaimed.clone(),
            longest_quiet: self.longest_quiet.max(self.executed - self.quiet_since),
        }
    }

    /// One round of slices; `Some` when the run must end.
    fn round(&mut self, end: u64) -> Option<StopReason> {
        // A round a debugger's stop interrupted goes on in the slice it stopped.
        let (t0, q, first, mut ran, mut longest, mut resume) = match self.paused.take() {
            Some(p) => (p.t0, p.q, p.cpu, p.ran, p.longest, Some(p.slice_start)),
            None => match self.round_start() {
                Ok((t0, q)) => (t0, q, 0, 0u32, 0, None),
                Err(r) => return r,
            },
        };
        for i in first..self.vcpus.len() {
            let resumed = resume.take();
            if resumed.is_none() {
                self.try_wake(i);
                if !self.vcpus[i].runnable() {
                    continue;
                }
            }
            match self.slice(i, t0, q, end, resumed) {
                Ok(n) => {
                    ran |= ((n > 0) as u32) << i;
                    longest = longest.max(n);
                }
                Err(SliceEnd::Stop(r)) => return Some(r),
                Err(SliceEnd::Reset(n)) => {
                    self.clock = t0 + n.max(1);
                    return self.service();
                }
                Err(SliceEnd::Debug(slice_start)) => {
                    self.paused = Some(Paused {
                        t0,
                        q,
                        cpu: i,
                        ran,
                        longest,
                        slice_start,
                    });
                    return None;
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

    /// The start of a round: its time and quantum, or how the run goes on without one (`Err`:
    /// the clock jumped to a sleeper's deadline, or the run ends).
    fn round_start(&mut self) -> Result<(u64, u64), Option<StopReason>> {
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
            return Err(match sleeper_deadline {
                Some(d) => {
                    self.clock = d.max(t0 + 1);
                    None
                }
                None => Some(StopReason::GuestFailure(
                    "all vCPUs wait with no pending timer or interrupt".into(),
                )),
            });
        }
        Ok((
            t0,
            sleeper_deadline.map_or(QUANTUM, |d| QUANTUM.min(d.saturating_sub(t0)).max(1)),
        ))
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
    /// `resume`: the slice a debugger's stop interrupted, and the vCPU's count when it began.
    fn slice(
        &mut self,
        i: usize,
        t0: u64,
        q: u64,
        end: u64,
        resume: Option<u64>,
    ) -> Result<u64, SliceEnd> {
        self.board.cur = i;
        let start = match resume {
            Some(start) => start,
            None => {
                let cpu = &mut self.vcpus[i].cpu;
                cpu.time_offset = t0.wrapping_sub(cpu.insns);
                cpu.insns
            }
        };
        // A flash bank may have switched mode while another vCPU ran.
        let v = &mut self.vcpus[i];
        if v.remap_seen != self.board.remap_epoch {
            v.cpu.tlb.flush();
            v.remap_seen = self.board.remap_epoch;
        }
        // Its timers may have fired since its last slice ended.
        self.sync_timers(i);
        self.observe(i);
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
            let n = self.until_sample(i, n);
            self.board.set_time(now);
            let cpu = &mut self.vcpus[i].cpu;
            let before = cpu.insns;
            if let Some(d) = &self.debug {
                d.arm(i, cpu, self.executed);
            }
            let exit = cpu.run(&mut self.cache, &mut self.board, n);
            // The core flushed its own translations at any remap it caused.
            self.vcpus[i].remap_seen = self.board.remap_epoch;
            let cpu = &mut self.vcpus[i].cpu;
            self.executed += cpu.insns - before;
            if let Some(d) = &mut self.debug {
                if cpu.insns > before {
                    d.last_insn_at[i] = Some(self.executed - 1);
                }
            }
            self.observe(i);
            let cpu = &mut self.vcpus[i].cpu;
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
                Exit::Watch => {
                    // A captured kernel entry ends the firmware phase exactly here.
                    self.on_watch(i);
                    self.observe(i);
                }
                Exit::Debug => {
                    let stop = cpu.debug.as_ref().and_then(|d| d.stopped);
                    if let (Some(d), Some(stop)) = (&mut self.debug, stop) {
                        d.stopped = Some((i, stop));
                        return Err(SliceEnd::Debug(start));
                    }
                }
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

    /// Host-side work between rounds; `Some` when the run must end.
    fn service(&mut self) -> Option<StopReason> {
        if let Some(uart) = self.board.console_uart() {
            uart.drain_tx(&mut self.scratch);
            if let Some(input) = &mut self.input {
                input.deliver(|b| uart.push_rx(b));
            }
        }
        self.board.sync_irqs();
        self.console.set_now(self.executed, self.clock);
        self.console.output(&self.scratch);
        self.scratch.clear();
        if let Some(stop) = self.console_failure_stop() {
            return Some(stop);
        }
        if self
            .interrupt
            .as_ref()
            .is_some_and(|f| f.load(std::sync::atomic::Ordering::Relaxed))
        {
            return Some(StopReason::Interrupted);
        }
        if self.entry_failed {
            return Some(StopReason::EntryCheckFailed);
        }
        if self.console.expect.satisfied() {
            // The run ends at the end of the line that completed the last marker, or
            // EXPECT_LINE_TICKS later.
            let at = *self.expect_seen_at.get_or_insert(self.clock);
            if self.console.expect.line_ended() || self.clock - at >= EXPECT_LINE_TICKS {
                return Some(StopReason::ExpectSeen);
            }
        }
        self.rounds += 1;
        if self.rounds.is_multiple_of(PROGRESS_ROUNDS) {
            if let Some(hook) = &mut self.progress {
                hook(&Progress {
                    insns: self.executed,
                    clock: self.clock,
                    last_line: &self.console.watch.last_line,
                });
            }
        }
        if let Some(stop) = self.hang_stop() {
            // A guest that hangs after a failure on the console ends on that failure: it is the
            // cause, and the hang only says nothing more will come.
            return Some(match self.console.watch.failure.clone() {
                Some(line) => StopReason::ConsoleFailure(line),
                None => stop,
            });
        }
        (0..self.vcpus.len())
            .find_map(|i| self.exception_loop(i))
            .map(StopReason::GuestFailure)
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use crate::profile::VIRT_UART0;
    use std::cell::RefCell;
    use std::rc::Rc;

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
    fn expect_waits_for_the_end_of_the_line() {
        // '!', a loop of 30000 iterations (60000 instructions), '\n', spin.
        const GUEST: &[u32] = &[
            STR_W2_X1,
            0xd28e_a603, // mov x3, #30000
            0xf100_0463, // subs x3, x3, #1
            0x54ff_ffe1, // b.ne .-4
            0x5280_0142, // mov w2, #10
            STR_W2_X1,
            B_SELF,
        ];
        let mut m = machine(GUEST, [0, VIRT_UART0, b'!' as u64, 0], &["!"]);
        let out = Shared::default();
        m.console = Console::new(Box::new(out.clone()), &["!".to_string()]);
        let o = m.run(100 * QUANTUM);
        assert_eq!(o.reason, StopReason::ExpectSeen);
        assert_eq!(*out.0.borrow(), b"!\n");
        let newline_at: u64 = 2 + 2 * 30000 + 2;
        assert_eq!(
            o.insns,
            newline_at.div_ceil(QUANTUM) * QUANTUM,
            "the end of the round in which the newline was written"
        );
    }

    #[test]
    fn expect_without_a_newline_stops_after_a_bound() {
        // '!', then count in x3 for ever.
        const ADD_X3_1: u32 = 0x9100_0463; // add x3, x3, #1
        let mut m = machine(
            &[STR_W2_X1, ADD_X3_1, B_BACK1],
            [0, VIRT_UART0, b'!' as u64, 0],
            &["!"],
        );
        let out = Shared::default();
        m.console = Console::new(Box::new(out.clone()), &["!".to_string()]);
        let o = m.run(EXPECT_LINE_TICKS + 10 * QUANTUM);
        assert_eq!(o.reason, StopReason::ExpectSeen);
        assert_eq!(
            o.insns,
            QUANTUM + EXPECT_LINE_TICKS,
            "marker seen at the end of the first round, then the bound"
        );
        assert_eq!(o.console_bytes, 1);
        assert_eq!(*out.0.borrow(), b"!");
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
                bootemu_cpu::aarch64::trace::kind::ALL,
                None,
                Box::new(move |cpu, r| s.borrow_mut().extend(r.iter().map(|r| (cpu, *r)))),
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
        let insns = ta.iter().filter(|t| t.1.insn_record().is_some()).count();
        assert_eq!(insns as u64, a.insns);
        // Events of every vCPU come in its instruction order, after their instruction.
        for cpu in [0, 1] {
            let mine: Vec<_> = ta.iter().filter(|t| t.0 == cpu).map(|t| t.1).collect();
            assert!(mine.windows(2).all(|w| w[0].insn <= w[1].insn));
            for w in mine.windows(2) {
                if w[1].insn_record().is_none() {
                    assert!(w[0].insn == w[1].insn || w[0].insn + 1 == w[1].insn);
                }
            }
        }
        let kinds = ta.iter().fold(0, |k, t| k | t.1.event.kind());
        use bootemu_cpu::aarch64::trace::kind;
        assert_eq!(
            kinds & (kind::MMIO | kind::PSCI),
            kind::MMIO | kind::PSCI,
            "GIC accesses and CPU_ON are traced"
        );
    }
}
