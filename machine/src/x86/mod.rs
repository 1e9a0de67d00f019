//! The devices of the x86_64 machine profile (`--machine microvm`), modelled on QEMU's
//! `microvm` with `pic=off,pit=off` and on the layout KVM VMMs give PVH guests: a 16550 UART at
//! I/O 0x3f8 (IRQ 4), a CMOS RTC at I/O 0x70/0x71, one I/O APIC at 0xfec0_0000 and one local
//! APIC per vCPU at 0xfee0_0000 (xAPIC page) and MSRs 0x800–0x8ff (x2APIC), with the
//! TSC-deadline timer. The board and run loop that wire them to the vCPUs live elsewhere; this
//! module owns the devices and the message paths between the interrupt controllers.
//!
//! Why a directory of its own rather than `devices/`: `devices/` holds memory-mapped devices
//! behind [`crate::devices::MmioDevice`], shared by the aarch64 profiles. The x86 machine adds
//! a second address space (I/O ports, [`ports::PortDevice`]) and, like [`crate::gic`] for
//! aarch64, its own interrupt controllers whose state is per vCPU and whose accesses need the
//! vCPU's time. Keeping them together makes the x86 machine one place to read.
//!
//! Files, one device or concern each:
//! - [`ports`]: the I/O port space — a table of port ranges → devices; unused ports read all
//!   ones and drop writes. What `Platform::port_read`/`port_write` call.
//! - [`uart16550`]: COM1, rust-vmm `vm-superio`'s `Serial` behind a [`ports::PortDevice`],
//!   its output drained to the console as the PL011's is, its interrupt an edge on GSI 4.
//! - [`cmos`]: the MC146818 RTC and CMOS RAM; the date from `--rtc-epoch` advanced by
//!   virtual time; its periodic, alarm and update-ended interrupts on IRQ 8, timed by
//!   [`cmos_irq`].
//! - [`ioapic`]: the 82093AA-style I/O APIC (version 0x20, as QEMU's default).
//! - [`lapic`]: the local APIC (xAPIC MMIO and x2APIC MSRs), its timer including TSC-deadline
//!   mode, the interrupt acknowledge the vCPU calls.
//! - [`apic_bus`]: interrupt messages between the I/O APIC and the local APICs (destination
//!   matching, EOI broadcast).
//! - [`entry_watch`]: a firmware boot's kernel-entry watch (the vCPU stopped before the
//!   kernel's first instruction, found by the kernel file's bytes, for the handoff checks).
//! - [`irq`]: the wiring — device lines into the I/O APIC, messages to the local APICs,
//!   EOIs back — as one [`irq::IrqHub`] the machine keeps next to its [`ports::PortBus`].
//!
//! How the machine drives them (`now` = the accessing vCPU's instruction count, `cpu` its
//! index):
//! - `Platform::port_read/port_write` → [`ports::PortBus::read`]/[`ports::PortBus::write`],
//!   then [`irq::IrqHub::sync`].
//! - `Platform::msr_read/msr_write` (0x800–0x8ff, 0x6e0) → `hub.lapics[cpu]`
//!   [`lapic::LocalApic::msr_read`]/[`lapic::LocalApic::msr_write`] (`None`/`false` = #GP),
//!   then `sync` after a write.
//! - MMIO at the page [`lapic::LocalApic::page_base`] while
//!   [`lapic::LocalApic::mmio_enabled`] → [`lapic::LocalApic::mmio_read`]/`mmio_write`,
//!   then `sync`; MMIO at [`ioapic::IOAPIC_BASE`] → the I/O APIC's
//!   [`crate::devices::MmioDevice`] methods, then `sync`. The APIC page needs the accessing
//!   vCPU and its `now` (the timer's current count, a count loaded), which `Bus::mmio_*`
//!   does not carry: the run loop must know them when it routes these accesses.
//! - `IA32_APIC_BASE` writes: the vCPU checks [`lapic::apic_base_write_valid`] and the
//!   machine passes the new value to [`lapic::LocalApic::set_apic_base`] before the vCPU's
//!   next APIC access (a guest enabling x2APIC reads 0x802 right after); `IA32_TSC` writes
//!   likewise reach [`lapic::LocalApic::set_tsc_offset`].
//! - `Platform::acknowledge` → [`irq::IrqHub::acknowledge`]; `Platform::interrupt_pending` →
//!   [`irq::IrqHub::interrupt_pending`]; an idle HLT skips to [`irq::IrqHub::next_deadline`].
//! - Between rounds: [`ports::PortBus::console_uart`] `drain_tx` to the console and
//!   `push_rx` from host input (as the PL011's), then `sync`; level-triggered device lines
//!   through [`irq::IrqHub::set_level`].
//! - The CMOS RTC is built with the `--rtc-epoch` value ([`cmos::CmosRtc::new`]) and inserted
//!   at [`cmos::CMOS_BASE`] with GSI [`cmos::CMOS_IRQ`]; after each slice the run loop
//!   advances the port devices' time ([`ports::PortBus::advance`]) and cuts slices at
//!   [`ports::PortBus::next_deadline`] as at the local APICs'; the 16550 at [`uart16550::COM1_BASE`] with GSI
//!   [`uart16550::COM1_IRQ`]. The ACPI FADT's `century` field is [`cmos::reg::CENTURY`].
//!
//! Time is the vCPU's instruction count (`now`): one instruction = 1 ns = one TSC tick = one
//! tick of the APIC timer's input clock (`platform::TSC_HZ` = `platform::CRYSTAL_HZ`). Nothing
//! here reads host time, and no hash map order reaches the guest.
//!
//! Not modelled, on purpose:
//! - No 8259 PIC and no 8254 PIT. Linux needs the PIT only to calibrate the TSC and the local
//!   APIC timer, and the 8259 only as a fallback interrupt path. The vCPU's CPUID announces an
//!   Intel vendor with leaf 0x15 (crystal = TSC, ratio 1/1) and 0x16 (frequencies), the
//!   TSC-deadline timer and ARAT (an always-running APIC timer), so Linux takes the TSC
//!   frequency from CPUID, uses the TSC-deadline timer as its clock event and skips both the
//!   PIT calibration and the LAPIC timer calibration (confirmed on the kernel's log: "tsc:
//!   Detected 1000.000 MHz processor", "TSC deadline timer available", "Calibrating delay
//!   loop (skipped)").
//!   QEMU's plain `microvm` shows the other reason: with hardware-reduced ACPI Linux never
//!   programs the 8259 QEMU still creates, whose vector base 0 kills PVH boots with a
//!   "divide error" — hence `pic=off` in the reference runs.
//! - No HPET, no ACPI PM timer, no i8042 (the reset and power-off paths are the machine's).
//! - NMI, SMI, INIT, start-up and ExtINT messages are not delivered (`TODO(SMP)`: INIT/SIPI
//!   come with secondary vCPUs); LINT0/LINT1 have no inputs wired.
//!
//! Gaps use the crate's greppable convention: `TODO(SMP)`.

pub mod apic_bus;
pub mod board;
pub mod cmos;
pub mod cmos_irq;
pub mod entry_watch;
pub mod ioapic;
pub mod irq;
pub mod lapic;
pub mod machine;
pub mod ports;
pub mod uart16550;
