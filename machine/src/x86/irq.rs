//! The interrupt wiring of the x86 machine: device lines into the I/O APIC, its messages and
//! the local APICs' IPIs onto the APIC bus, the local APICs' EOIs of level-triggered vectors
//! back to the I/O APIC. One [`IrqHub`] per machine; the machine calls [`IrqHub::sync`]
//! after every access that can move an interrupt (a port or APIC access, host input to the
//! UART) and asks it on the vCPU's behalf for [`IrqHub::acknowledge`] and
//! [`IrqHub::interrupt_pending`]. Everything runs in vCPU index order: deterministic.

use super::apic_bus;
use super::ioapic::IoApic;
use super::lapic::LocalApic;
use super::ports::PortBus;

/// The I/O APIC and the local APICs (index = vCPU).
pub struct IrqHub {
    /// The I/O APIC.
    pub ioapic: IoApic,
    /// One local APIC per vCPU; APIC ID = index, vCPU 0 the bootstrap processor.
    pub lapics: Vec<LocalApic>,
}

impl IrqHub {
    /// The controllers of a machine with `cpus` vCPUs, at reset.
    pub fn new(cpus: usize) -> Self {
        IrqHub {
            ioapic: IoApic::new(),
            lapics: (0..cpus)
                .map(|i| LocalApic::new(i as u32, i == 0))
                .collect(),
        }
    }

    /// Move interrupts along: edges of the port devices into their I/O APIC pins, the local
    /// APICs' IPIs to their targets and their EOIs to the I/O APIC, then the I/O APIC's
    /// messages to the local APICs.
    pub fn sync(&mut self, ports: &mut PortBus, now: u64) {
        let ioapic = &mut self.ioapic;
        ports.take_irq_edges(|gsi| ioapic.pulse(gsi));
        apic_bus::flush(&mut self.lapics, now, |v| ioapic.eoi(v));
        for msg in ioapic.take_messages() {
            apic_bus::deliver(&mut self.lapics, None, now, &msg);
        }
    }

    /// Drive a level-triggered device line (GSI `gsi`), then deliver what it caused.
    pub fn set_level(&mut self, gsi: u8, level: bool, now: u64) {
        self.ioapic.set_level(gsi, level);
        for msg in self.ioapic.take_messages() {
            apic_bus::deliver(&mut self.lapics, None, now, &msg);
        }
    }

    /// System reset: the I/O APIC and every local APIC.
    pub fn reset(&mut self) {
        self.ioapic.reset();
        for a in &mut self.lapics {
            a.reset();
        }
    }

    /// `Platform::acknowledge` for vCPU `cpu`.
    pub fn acknowledge(&mut self, cpu: usize, now: u64) -> Option<u8> {
        self.lapics.get_mut(cpu)?.acknowledge(now)
    }

    /// `Platform::interrupt_pending` for vCPU `cpu`.
    pub fn interrupt_pending(&self, cpu: usize, now: u64) -> bool {
        self.lapics
            .get(cpu)
            .is_some_and(|a| a.interrupt_pending(now))
    }

    /// The earliest instruction count at which a local APIC raises an interrupt on its own
    /// (an idle machine can skip to it).
    pub fn next_deadline(&self) -> Option<u64> {
        self.lapics.iter().filter_map(|a| a.next_deadline()).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::MmioDevice;
    use crate::x86::ioapic::{mmio, reg, RTE_LEVEL};
    use crate::x86::lapic::{
        self, APIC_BASE_EN, APIC_BASE_EXTD, APIC_DEFAULT_BASE, MSR_TSC_DEADLINE, SVR_ENABLE,
        TIMER_TSC_DEADLINE,
    };
    use crate::x86::uart16550::{reg as uart, Uart16550, COM1_BASE, COM1_IRQ, COM1_PORTS};

    fn machine() -> (IrqHub, PortBus) {
        let mut hub = IrqHub::new(1);
        hub.lapics[0].mmio_write(0, lapic::reg::SVR, 4, (SVR_ENABLE | 0xff) as u64);
        let mut ports = PortBus::new();
        ports
            .insert(
                COM1_BASE,
                COM1_PORTS,
                Some(COM1_IRQ),
                Box::new(Uart16550::new()),
            )
            .unwrap();
        (hub, ports)
    }

    fn program(hub: &mut IrqHub, pin: u32, low: u32) {
        hub.ioapic
            .write(mmio::IOREGSEL, 4, (reg::REDTBL + 2 * pin) as u64);
        hub.ioapic.write(mmio::IOWIN, 4, low as u64);
    }

    #[test]
    fn uart_receive_interrupt_reaches_the_vcpu() {
        let (mut hub, mut ports) = machine();
        program(&mut hub, COM1_IRQ as u32, 0x24);
        ports.write(0, COM1_BASE + uart::IER, 1, 0x01);
        hub.sync(&mut ports, 0);
        assert!(!hub.interrupt_pending(0, 0));
        assert!(ports.console_uart().unwrap().push_rx(b'k'));
        hub.sync(&mut ports, 10);
        assert!(hub.interrupt_pending(0, 10));
        assert_eq!(hub.acknowledge(0, 10), Some(0x24));
        assert_eq!(ports.read(10, COM1_BASE + uart::DATA, 1), b'k' as u32);
        assert_eq!(hub.acknowledge(0, 10), None);
        assert_eq!(hub.acknowledge(5, 10), None, "no such vCPU");
    }

    #[test]
    fn level_line_eoi_round_trip_and_idle_deadline() {
        let (mut hub, mut ports) = machine();
        program(&mut hub, 12, 0x3c | RTE_LEVEL as u32);
        hub.set_level(12, true, 0);
        assert_eq!(hub.acknowledge(0, 0), Some(0x3c));
        hub.lapics[0].mmio_write(0, lapic::reg::EOI, 4, 0);
        hub.sync(&mut ports, 0);
        assert_eq!(hub.acknowledge(0, 0), Some(0x3c), "still asserted");
        hub.set_level(12, false, 0);
        hub.lapics[0].mmio_write(0, lapic::reg::EOI, 4, 0);
        hub.sync(&mut ports, 0);
        assert!(!hub.interrupt_pending(0, 0));
        // The TSC-deadline timer gives the idle deadline.
        assert_eq!(hub.next_deadline(), None);
        hub.lapics[0].mmio_write(
            0,
            lapic::reg::LVT_TIMER,
            4,
            (TIMER_TSC_DEADLINE | 0xec) as u64,
        );
        assert!(hub.lapics[0].msr_write(0, MSR_TSC_DEADLINE, 40_000));
        assert_eq!(hub.next_deadline(), Some(40_000));
        assert!(hub.interrupt_pending(0, 40_000));
    }

    /// Everything a run of random guest accesses observes, for comparing two runs, and the
    /// number of interrupts acknowledged.
    fn random_run(seed: u64) -> (Vec<u64>, usize) {
        use crate::x86::cmos::{CmosRtc, CMOS_BASE, CMOS_PORTS};
        let mut x = seed;
        let mut next = move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x >> 17
        };
        let (mut hub, mut ports) = machine();
        ports
            .insert(
                CMOS_BASE,
                CMOS_PORTS,
                None,
                Box::new(CmosRtc::new(1_700_000_000)),
            )
            .unwrap();
        let mut seen = Vec::new();
        let mut now = 0u64;
        let mut acks = 0;
        for _ in 0..20_000 {
            now += next() % 5000;
            let v = next();
            match next() % 9 {
                0 => {
                    let port = [0x70, 0x71, 0x3f8, 0x3fd][next() as usize % 4];
                    seen.push(ports.read(now, port, 1) as u64);
                    seen.push(ports.read(now, next() as u16 % 0x400, 1 << (next() % 3)) as u64);
                }
                1 => ports.write(now, next() as u16 % 0x400, 1 << (next() % 3), v as u32),
                2 => seen.push(hub.lapics[0].mmio_read(now, next() % 0x1100, 4) as u64),
                3 => {
                    // Mostly meaningful values, so that interrupts flow.
                    use lapic::reg as r;
                    let (off, val) = match next() % 10 {
                        0 => (r::TPR, v & 0x1f),
                        1 => (r::EOI, 0),
                        2 => (r::SVR, SVR_ENABLE as u64 | (v & 0xff)),
                        3 => (r::LVT_TIMER, v & 0x6_00ff),
                        4 => (r::TIMER_INITIAL, v & 0xffff),
                        5 => (r::TIMER_DIVIDE, v & 0xf),
                        6 => (r::ICR, (v & 0xc_c0ff) | 0x40),
                        7 => (r::ESR, 0),
                        _ => ((next() % 0x40) * 16, v),
                    };
                    hub.lapics[0].mmio_write(now, off, 4, val);
                }
                4 => {
                    let msr = [0x6e0, 0x800 + (next() as u32 % 0x100)][next() as usize % 2];
                    seen.push(hub.lapics[0].msr_read(now, msr).unwrap_or(7));
                    seen.push(hub.lapics[0].msr_write(now, msr, v) as u64);
                }
                5 => {
                    let off = [0, 0x10, 0x40, 0x20][next() as usize % 4];
                    // Unmasked entries half of the time.
                    let v = if off == 0x10 && v & 1 == 0 {
                        v & !(1 << 16)
                    } else {
                        v
                    };
                    hub.ioapic.write(off, 4, v);
                    seen.push(hub.ioapic.read(off, 4));
                }
                6 => hub.set_level(next() as u8 % 30, v & 1 != 0, now),
                7 if v % 8 == 0 => {
                    let base = [0, APIC_BASE_EN, APIC_BASE_EN | APIC_BASE_EXTD][v as usize % 3];
                    hub.lapics[0].set_apic_base(APIC_DEFAULT_BASE | base);
                }
                7 => ports.write(now, COM1_BASE + uart::IER, 1, v as u32 & 3),
                _ => {
                    let _ = ports.console_uart().unwrap().push_rx(v as u8);
                }
            }
            hub.sync(&mut ports, now);
            let ack = hub.acknowledge(0, now);
            acks += ack.is_some() as usize;
            seen.push(ack.map_or(0, |v| v as u64 + 1));
            seen.push(hub.next_deadline().unwrap_or(0));
        }
        (seen, acks)
    }

    #[test]
    fn random_guest_accesses_never_panic_and_replay_identically() {
        for seed in [1, 2, 3] {
            let (a, acks) = random_run(seed);
            assert_eq!(a, random_run(seed).0, "seed {seed}");
            assert!(acks > 0, "seed {seed}: no interrupt was ever delivered");
        }
    }
}
