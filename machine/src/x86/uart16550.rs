//! The PC's first serial port (COM1): a 16550A at I/O 0x3f8–0x3ff, interrupt on ISA IRQ 4
//! (I/O APIC pin 4, edge-triggered, active high), as on QEMU's `microvm` and the KVM VMMs.
//!
//! The register model is rust-vmm `vm-superio`'s [`Serial`] (the crate Firecracker and Cloud
//! Hypervisor use), after the National Semiconductor PC16550D datasheet: this file only puts
//! it on the port bus, collects its output for the console and turns its interrupt
//! notifications into edges.
//!
//! Modelled (by `vm-superio`): RBR/THR, IER (the four 16550 bits), IIR (FIFOs reported
//! enabled; reading it clears the pending identification), LCR with DLAB and the divisor
//! latches, MCR with loopback, LSR (THRE and TEMT always set, DR while the receive FIFO holds
//! data), MSR (CTS, DSR, DCD set; looped back from MCR in loopback mode), SCR; a 64-byte
//! receive FIFO. A transmitted byte reaches the host at once.
//!
//! The interrupt: `vm-superio` signals its trigger when an enabled interrupt condition becomes
//! pending (a THR write or an IER write with THRE enabled; received data with RDA enabled).
//! Each signal is one edge on the IRQ line ([`PortDevice::take_irq_edge`]), which is how an
//! ISA line configured edge-triggered in the I/O APIC behaves (and how Firecracker and Cloud
//! Hypervisor wire this same device, through an edge-style eventfd).
//!
//! Not modelled (as `vm-superio`): FCR (writes ignored), line status errors, break, the
//! receive FIFO trigger levels and timeout, baud-rate timing, the scratch-less 8250/16450
//! variants.

use std::cell::Cell;
use std::convert::Infallible;

use vm_superio::serial::{Error as SerialError, NoEvents};
use vm_superio::{Serial, Trigger};

use super::ports::PortDevice;
use crate::devices::SerialPort;

/// I/O base of COM1.
pub const COM1_BASE: u16 = 0x3f8;
/// Number of ports the UART decodes.
pub const COM1_PORTS: u32 = 8;
/// ISA IRQ (and I/O APIC pin) of COM1.
pub const COM1_IRQ: u8 = 4;

/// Register offsets (PC16550D table II), for traces and tests.
pub mod reg {
    /// RBR (read) / THR (write); DLL with LCR.DLAB.
    pub const DATA: u16 = 0;
    /// IER; DLM with LCR.DLAB.
    pub const IER: u16 = 1;
    /// IIR (read) / FCR (write).
    pub const IIR: u16 = 2;
    /// Line control.
    pub const LCR: u16 = 3;
    /// Modem control.
    pub const MCR: u16 = 4;
    /// Line status.
    pub const LSR: u16 = 5;
    /// Modem status.
    pub const MSR: u16 = 6;
    /// Scratch.
    pub const SCR: u16 = 7;
}

/// `vm-superio`'s interrupt trigger: counts the notifications until the machine takes them.
#[derive(Debug, Default)]
struct EdgeCount(Cell<u32>);

impl Trigger for EdgeCount {
    type E = Infallible;

    fn trigger(&self) -> Result<(), Infallible> {
        self.0.set(self.0.get().saturating_add(1));
        Ok(())
    }
}

/// The 16550A UART.
pub struct Uart16550 {
    serial: Serial<EdgeCount, NoEvents, Vec<u8>>,
}

impl Default for Uart16550 {
    fn default() -> Self {
        Self::new()
    }
}

impl Uart16550 {
    /// A UART in its reset state.
    pub fn new() -> Self {
        Uart16550 {
            serial: Serial::new(EdgeCount::default(), Vec::new()),
        }
    }

    /// Interrupt notifications not yet taken.
    pub fn pending_edges(&self) -> u32 {
        self.serial.interrupt_evt().0.get()
    }
}

impl PortDevice for Uart16550 {
    fn name(&self) -> &'static str {
        "16550"
    }

    fn read(&mut self, _now: u64, offset: u16, _size: u8) -> u32 {
        self.serial.read(offset as u8) as u32
    }

    fn write(&mut self, _now: u64, offset: u16, _size: u8, value: u32) {
        match self.serial.write(offset as u8, value as u8) {
            Ok(()) => {}
            // Writing to a Vec cannot fail; the trigger is infallible.
            Err(e) => log::warn!("16550: {e}"),
        }
    }

    fn as_serial(&mut self) -> Option<&mut dyn SerialPort> {
        Some(self)
    }

    fn take_irq_edge(&mut self) -> bool {
        self.serial.interrupt_evt().0.replace(0) != 0
    }

    /// Reset: a new UART, keeping output not yet drained.
    fn reset(&mut self) {
        let out = std::mem::take(self.serial.writer_mut());
        *self = Uart16550::new();
        *self.serial.writer_mut() = out;
    }
}

impl SerialPort for Uart16550 {
    fn drain_tx(&mut self, out: &mut Vec<u8>) {
        out.append(self.serial.writer_mut());
    }

    fn push_rx(&mut self, byte: u8) -> bool {
        match self.serial.enqueue_raw_bytes(&[byte]) {
            Ok(n) => n == 1,
            Err(SerialError::FullFifo) => false,
            Err(e) => {
                log::warn!("16550: {e}");
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x86::ports::PortBus;

    // PC16550D register bits used below.
    const IER_RDA: u32 = 0x01;
    const IER_THRE: u32 = 0x02;
    const LSR_DR: u32 = 0x01;
    const LSR_THRE: u32 = 0x20;
    const LSR_TEMT: u32 = 0x40;
    const IIR_NONE: u32 = 0x01;
    const IIR_THRE: u32 = 0x02;
    const IIR_RDA: u32 = 0x04;
    const LCR_DLAB: u32 = 0x80;
    const MCR_LOOP: u32 = 0x10;

    fn bus() -> PortBus {
        let mut b = PortBus::new();
        b.insert(
            COM1_BASE,
            COM1_PORTS,
            Some(COM1_IRQ),
            Box::new(Uart16550::new()),
        )
        .unwrap();
        b
    }

    fn edges(b: &mut PortBus) -> Vec<u8> {
        let mut v = Vec::new();
        b.take_irq_edges(|g| v.push(g));
        v
    }

    #[test]
    fn transmitted_bytes_reach_the_console() {
        let mut b = bus();
        for &c in b"hi\n" {
            b.write(0, COM1_BASE + reg::DATA, 1, c as u32);
        }
        let mut out = Vec::new();
        b.console_uart().unwrap().drain_tx(&mut out);
        assert_eq!(out, b"hi\n");
        out.clear();
        b.console_uart().unwrap().drain_tx(&mut out);
        assert!(out.is_empty(), "drained once");
        // The transmitter is always ready: THRE and TEMT.
        let lsr = b.read(0, COM1_BASE + reg::LSR, 1);
        assert_eq!(lsr & (LSR_THRE | LSR_TEMT), LSR_THRE | LSR_TEMT);
        assert_eq!(lsr & LSR_DR, 0);
        assert!(edges(&mut b).is_empty(), "no interrupt with IER clear");
    }

    #[test]
    fn thre_interrupt_is_an_edge_on_irq4() {
        let mut b = bus();
        b.write(0, COM1_BASE + reg::IER, 1, IER_THRE);
        // Enabling THRE with the holding register empty raises it at once.
        assert_eq!(edges(&mut b), [COM1_IRQ]);
        // Identification: THRE, FIFOs enabled (bits 7:6); reading IIR clears a THRE source.
        assert_eq!(b.read(0, COM1_BASE + reg::IIR, 1), 0xc0 | IIR_THRE);
        assert_eq!(b.read(0, COM1_BASE + reg::IIR, 1), 0xc0 | IIR_NONE);
        b.write(0, COM1_BASE + reg::DATA, 1, b'x' as u32);
        assert_eq!(edges(&mut b), [COM1_IRQ]);
        assert!(edges(&mut b).is_empty(), "taken");
    }

    #[test]
    fn received_bytes_are_read_from_rbr() {
        let mut b = bus();
        b.write(0, COM1_BASE + reg::IER, 1, IER_RDA);
        let u = b.console_uart().unwrap();
        assert!(u.push_rx(b'a'));
        assert!(u.push_rx(b'b'));
        assert_eq!(edges(&mut b), [COM1_IRQ]);
        assert_eq!(b.read(0, COM1_BASE + reg::IIR, 1) & 0x0f, IIR_RDA);
        assert_eq!(b.read(0, COM1_BASE + reg::LSR, 1) & LSR_DR, LSR_DR);
        assert_eq!(b.read(0, COM1_BASE + reg::DATA, 1), b'a' as u32);
        assert_eq!(b.read(0, COM1_BASE + reg::DATA, 1), b'b' as u32);
        assert_eq!(b.read(0, COM1_BASE + reg::LSR, 1) & LSR_DR, 0);
        // The receive FIFO holds 64 bytes.
        let u = b.console_uart().unwrap();
        for i in 0..64 {
            assert!(u.push_rx(i), "byte {i}");
        }
        assert!(!u.push_rx(0xff), "FIFO full");
    }

    #[test]
    fn divisor_latch_scratch_and_loopback() {
        let mut b = bus();
        b.write(0, COM1_BASE + reg::LCR, 1, LCR_DLAB | 0x03);
        b.write(0, COM1_BASE + reg::DATA, 1, 0x01);
        b.write(0, COM1_BASE + reg::IER, 1, 0x00);
        assert_eq!(b.read(0, COM1_BASE + reg::DATA, 1), 0x01, "DLL");
        b.write(0, COM1_BASE + reg::LCR, 1, 0x03);
        assert_eq!(b.read(0, COM1_BASE + reg::LCR, 1), 0x03);
        b.write(0, COM1_BASE + reg::SCR, 1, 0x5a);
        assert_eq!(b.read(0, COM1_BASE + reg::SCR, 1), 0x5a);
        // Loopback: what is sent is received, nothing reaches the host.
        b.write(0, COM1_BASE + reg::MCR, 1, MCR_LOOP);
        b.write(0, COM1_BASE + reg::DATA, 1, b'L' as u32);
        assert_eq!(b.read(0, COM1_BASE + reg::DATA, 1), b'L' as u32);
        let mut out = Vec::new();
        b.console_uart().unwrap().drain_tx(&mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn reset_keeps_undrained_output() {
        let mut u = Uart16550::new();
        u.write(0, reg::SCR, 1, 7);
        u.write(0, reg::DATA, 1, b'z' as u32);
        u.reset();
        assert_eq!(u.read(0, reg::SCR, 1), 0);
        let mut out = Vec::new();
        u.drain_tx(&mut out);
        assert_eq!(out, b"z");
        assert_eq!(u.pending_edges(), 0);
    }
}
