//! The I/O APIC at 0xfec0_0000, after the Intel 82093AA I/O APIC datasheet (§3.0 "Register
//! description": IOREGSEL/IOWIN, IOAPICID, IOAPICVER, IOAPICARB, the redirection table) with
//! the behaviour of QEMU's `hw/intc/ioapic.c` where the datasheet is silent.
//!
//! Version: 0x20, QEMU's default (`IOAPIC_VER_DEF`), rather than the 82093AA's 0x11. Both
//! are what Linux meets on QEMU/KVM; 0x20 adds the EOI register at offset 0x40 (a directed
//! EOI by vector), which Linux's `__eoi_ioapic_pin` uses instead of flipping a pin to edge
//! and back, and costs one match arm. The edge flip works too (an edge entry's remote IRR
//! is cleared, as QEMU does), so a guest written for 0x11 is served as well.
//!
//! Modelled:
//! - IOREGSEL (0x00) selects, IOWIN (0x10) reads/writes the selected 32-bit register
//!   (32-bit accesses only; others are logged and ignored, as QEMU); EOI (0x40) takes a
//!   vector and ends it on every level-triggered entry with that vector.
//! - IOAPICID (bits 27:24 writable), IOAPICVER (version 0x20, maximum redirection entry 23
//!   in bits 23:16), IOAPICARB (reads the ID, as QEMU).
//! - 24 redirection entries: vector, delivery mode, destination mode, polarity, trigger
//!   mode, mask, destination (bits 63:56) stored; delivery status (bit 12, always idle:
//!   messages are delivered at once) and remote IRR (bit 14) read-only. Reset: every entry
//!   masked.
//! - Inputs ([`IoApic::set_level`], [`IoApic::pulse`]): an edge-triggered pin sends one
//!   message per rising edge while unmasked (edges on a masked pin are lost, as the datasheet
//!   says); a level-triggered pin sends a message when asserted and remote IRR is clear, sets
//!   remote IRR, and sends again after an EOI for its vector if still asserted — also when
//!   an asserted pin is unmasked. Levels are logical (asserted/not): the polarity bit is
//!   stored for the guest but not applied, as on QEMU, whose devices also drive logical levels.
//! - Messages (physical or logical destination; any delivery mode) leave through
//!   [`IoApic::take_messages`] to [`super::apic_bus::deliver`].
//!
//! Not modelled: the interrupt-storm throttle QEMU applies to a level interrupt that is
//! re-raised 10,000 times in a row (a real-time heuristic), interrupt remapping formats.

use super::apic_bus::{ApicMessage, Destination};
use crate::devices::MmioDevice;

/// Physical base address.
pub const IOAPIC_BASE: u64 = 0xfec0_0000;
/// Size of the MMIO region.
pub const IOAPIC_SIZE: u64 = 0x1000;
/// Input pins (GSIs 0–23).
pub const NUM_PINS: usize = 24;
/// The version this I/O APIC reports.
pub const VERSION: u32 = 0x20;

/// MMIO offsets.
pub mod mmio {
    /// Register select.
    pub const IOREGSEL: u64 = 0x00;
    /// Register window.
    pub const IOWIN: u64 = 0x10;
    /// EOI (version 0x20).
    pub const EOI: u64 = 0x40;
}

/// Indirect register indices (IOREGSEL values).
pub mod reg {
    /// IOAPICID.
    pub const ID: u32 = 0x00;
    /// IOAPICVER.
    pub const VER: u32 = 0x01;
    /// IOAPICARB.
    pub const ARB: u32 = 0x02;
    /// First redirection table register (entry `n`: low half `0x10 + 2n`, high `0x11 + 2n`).
    pub const REDTBL: u32 = 0x10;
}

/// Redirection entry: destination mode logical.
pub const RTE_LOGICAL: u64 = 1 << 11;
/// Redirection entry: delivery status (read-only).
pub const RTE_DELIVERY_STATUS: u64 = 1 << 12;
/// Redirection entry: polarity active low.
pub const RTE_ACTIVE_LOW: u64 = 1 << 13;
/// Redirection entry: remote IRR (read-only).
pub const RTE_REMOTE_IRR: u64 = 1 << 14;
/// Redirection entry: level-triggered.
pub const RTE_LEVEL: u64 = 1 << 15;
/// Redirection entry: masked.
pub const RTE_MASKED: u64 = 1 << 16;
/// Redirection entry bits software writes (82093AA: bits 17–55 reserved).
pub const RTE_WRITABLE: u64 = 0xff00_0000_0001_afff;

/// The I/O APIC.
#[derive(Debug, Clone)]
pub struct IoApic {
    id: u8,
    regsel: u32,
    redir: [u64; NUM_PINS],
    /// Input levels.
    level: u32,
    /// Requests waiting to be sent: asserted level pins, edges seen on unmasked edge pins.
    irr: u32,
    out: Vec<ApicMessage>,
}

impl Default for IoApic {
    fn default() -> Self {
        Self::new()
    }
}

impl IoApic {
    /// An I/O APIC in its reset state (ID 0, every entry masked).
    pub fn new() -> Self {
        IoApic {
            id: 0,
            regsel: 0,
            redir: [RTE_MASKED; NUM_PINS],
            level: 0,
            irr: 0,
            out: Vec::new(),
        }
    }

    /// Reset: entries masked, ID 0, requests dropped (input levels stay: they are the
    /// devices').
    pub fn reset(&mut self) {
        let level = self.level;
        *self = IoApic::new();
        self.level = level;
    }

    /// Drive input `pin` (GSI) to `level` (asserted or not). Pins past 23 are ignored.
    pub fn set_level(&mut self, pin: u8, level: bool) {
        let Some(&entry) = self.redir.get(pin as usize) else {
            log::warn!("ioapic: no pin {pin}");
            return;
        };
        let m = 1u32 << pin;
        let rising = level && self.level & m == 0;
        if level {
            self.level |= m;
        } else {
            self.level &= !m;
        }
        if entry & RTE_LEVEL != 0 {
            if level {
                self.irr |= m;
                self.service();
            } else {
                self.irr &= !m;
            }
        } else if rising && entry & RTE_MASKED == 0 {
            self.irr |= m;
            self.service();
        }
    }

    /// One edge on `pin` (an edge-triggered ISA line: raise then lower).
    pub fn pulse(&mut self, pin: u8) {
        self.set_level(pin, true);
        self.set_level(pin, false);
    }

    /// Send what is pending on unmasked pins.
    fn service(&mut self) {
        for pin in 0..NUM_PINS {
            let m = 1u32 << pin;
            let e = self.redir[pin];
            if self.irr & m == 0 || e & RTE_MASKED != 0 {
                continue;
            }
            if e & RTE_LEVEL != 0 {
                if e & RTE_REMOTE_IRR != 0 {
                    continue; // the previous one is still being handled
                }
                self.redir[pin] |= RTE_REMOTE_IRR;
            } else {
                self.irr &= !m;
            }
            let dest = (e >> 56) as u32;
            self.out.push(ApicMessage {
                dest: if e & RTE_LOGICAL != 0 {
                    Destination::Logical(dest)
                } else {
                    Destination::Physical(dest)
                },
                mode: ((e >> 8) & 7) as u8,
                vector: e as u8,
                level: e & RTE_LEVEL != 0,
            });
        }
    }

    /// The EOI of a level-triggered `vector` (a local APIC's broadcast, or the EOI
    /// register): clear remote IRR on the entries with that vector and re-send those still
    /// asserted.
    pub fn eoi(&mut self, vector: u8) {
        for e in &mut self.redir {
            if *e as u8 == vector && *e & RTE_LEVEL != 0 {
                *e &= !RTE_REMOTE_IRR;
            }
        }
        self.service();
    }

    /// Messages to deliver ([`super::apic_bus::deliver`] with `from` = `None`).
    pub fn take_messages(&mut self) -> Vec<ApicMessage> {
        std::mem::take(&mut self.out)
    }

    /// Redirection entry of `pin`, for tests and traces.
    pub fn entry(&self, pin: usize) -> Option<u64> {
        self.redir.get(pin).copied()
    }

    fn read_window(&self) -> u32 {
        match self.regsel {
            reg::ID | reg::ARB => (self.id as u32) << 24,
            reg::VER => VERSION | ((NUM_PINS as u32 - 1) << 16),
            r => {
                let i = (r.wrapping_sub(reg::REDTBL) / 2) as usize;
                match self.redir.get(i) {
                    Some(&e) if r >= reg::REDTBL => (e >> (32 * (r & 1))) as u32,
                    _ => {
                        log::warn!("ioapic: read of unknown register {r:#x}");
                        0
                    }
                }
            }
        }
    }

    fn write_window(&mut self, v: u32) {
        match self.regsel {
            reg::ID => self.id = ((v >> 24) & 0xf) as u8,
            reg::VER | reg::ARB => {}
            r => {
                let i = (r.wrapping_sub(reg::REDTBL) / 2) as usize;
                if r < reg::REDTBL || i >= NUM_PINS {
                    log::warn!("ioapic: write of {v:#x} to unknown register {r:#x}");
                    return;
                }
                let old = self.redir[i];
                let new = if r & 1 != 0 {
                    (old & 0xffff_ffff) | ((v as u64) << 32)
                } else {
                    (old & !0xffff_ffff) | v as u64
                };
                let mut e = (new & RTE_WRITABLE) | (old & (RTE_REMOTE_IRR | RTE_DELIVERY_STATUS));
                let m = 1u32 << i;
                if e & RTE_LEVEL == 0 {
                    // An edge entry has no remote IRR (what Linux relies on for 0x11).
                    e &= !RTE_REMOTE_IRR;
                }
                if (e ^ old) & RTE_LEVEL != 0 {
                    // New trigger mode: a level entry requests while its input is asserted,
                    // an edge entry waits for the next edge.
                    self.irr &= !m;
                }
                if e & RTE_LEVEL != 0 && self.level & m != 0 {
                    self.irr |= m;
                }
                self.redir[i] = e;
                self.service();
            }
        }
    }
}

impl MmioDevice for IoApic {
    fn name(&self) -> &'static str {
        "ioapic"
    }

    fn reg_name(&self, offset: u64) -> Option<&'static str> {
        Some(match offset {
            mmio::IOREGSEL => "IOREGSEL",
            mmio::IOWIN => "IOWIN",
            mmio::EOI => "EOI",
            _ => return None,
        })
    }

    fn read(&mut self, offset: u64, size: u8) -> u64 {
        match (offset, size) {
            (mmio::IOREGSEL, _) => self.regsel as u64 & crate::devices::size_mask(size),
            (mmio::IOWIN, 4) => self.read_window() as u64,
            _ => {
                log::warn!("ioapic: {size}-byte read at offset {offset:#x}");
                0
            }
        }
    }

    fn write(&mut self, offset: u64, size: u8, value: u64) {
        match (offset, size) {
            (mmio::IOREGSEL, _) => self.regsel = (value & 0xff) as u32,
            (mmio::IOWIN, 4) => self.write_window(value as u32),
            (mmio::EOI, 4) => self.eoi(value as u8),
            _ => log::warn!("ioapic: {size}-byte write of {value:#x} at offset {offset:#x}"),
        }
    }

    fn reset(&mut self) {
        IoApic::reset(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x86::apic_bus::{self, mode};
    use crate::x86::lapic::{self, LocalApic, SVR_ENABLE};

    fn rd(io: &mut IoApic, r: u32) -> u32 {
        io.write(mmio::IOREGSEL, 4, r as u64);
        io.read(mmio::IOWIN, 4) as u32
    }

    fn wr(io: &mut IoApic, r: u32, v: u32) {
        io.write(mmio::IOREGSEL, 4, r as u64);
        io.write(mmio::IOWIN, 4, v as u64);
    }

    /// Program entry `pin`: vector, flags in the low word, destination.
    fn route(io: &mut IoApic, pin: u32, low: u32, dest: u8) {
        wr(io, reg::REDTBL + 2 * pin + 1, (dest as u32) << 24);
        wr(io, reg::REDTBL + 2 * pin, low);
    }

    fn msg(vector: u8, dest: u32, level: bool) -> ApicMessage {
        ApicMessage {
            dest: Destination::Physical(dest),
            mode: mode::FIXED,
            vector,
            level,
        }
    }

    #[test]
    fn identification_registers() {
        let mut io = IoApic::new();
        // Version 0x20, 24 entries (maximum redirection entry 0x17 in bits 23:16).
        assert_eq!(rd(&mut io, reg::VER), 0x0017_0020);
        wr(&mut io, reg::ID, 0xff00_0000);
        assert_eq!(rd(&mut io, reg::ID), 0x0f00_0000, "ID is bits 27:24");
        assert_eq!(rd(&mut io, reg::ARB), 0x0f00_0000);
        wr(&mut io, reg::VER, 0);
        assert_eq!(rd(&mut io, reg::VER), 0x0017_0020, "read-only");
        assert_eq!(io.read(mmio::IOREGSEL, 4), reg::VER as u64);
        assert_eq!(rd(&mut io, 0x40), 0, "past the table");
        assert_eq!(io.read(mmio::IOWIN, 2), 0, "32-bit accesses only");
    }

    #[test]
    fn entries_reset_masked_and_keep_read_only_bits() {
        let mut io = IoApic::new();
        for pin in 0..NUM_PINS as u32 {
            assert_eq!(rd(&mut io, reg::REDTBL + 2 * pin), 0x0001_0000);
            assert_eq!(rd(&mut io, reg::REDTBL + 2 * pin + 1), 0);
        }
        // Delivery status and remote IRR are read-only; reserved bits read 0.
        wr(&mut io, reg::REDTBL, 0xffff_ffff);
        assert_eq!(rd(&mut io, reg::REDTBL), 0x0001_afff);
        wr(&mut io, reg::REDTBL + 1, 0xffff_ffff);
        assert_eq!(rd(&mut io, reg::REDTBL + 1), 0xff00_0000);
    }

    #[test]
    fn edge_pins_send_one_message_per_edge_while_unmasked() {
        let mut io = IoApic::new();
        io.pulse(4);
        route(&mut io, 4, 0x24, 0);
        assert!(
            io.take_messages().is_empty(),
            "the edge came while masked: lost"
        );
        io.pulse(4);
        io.pulse(4);
        assert_eq!(
            io.take_messages(),
            [msg(0x24, 0, false), msg(0x24, 0, false)]
        );
        // Holding the line high is one edge.
        io.set_level(4, true);
        io.set_level(4, true);
        assert_eq!(io.take_messages().len(), 1);
        io.set_level(4, false);
        route(&mut io, 4, 0x24 | RTE_MASKED as u32, 0);
        io.pulse(4);
        route(&mut io, 4, 0x24, 0);
        assert!(io.take_messages().is_empty());
    }

    #[test]
    fn level_pins_wait_for_eoi() {
        let mut io = IoApic::new();
        route(&mut io, 10, 0x3a | RTE_LEVEL as u32, 1);
        io.set_level(10, true);
        assert_eq!(io.take_messages(), [msg(0x3a, 1, true)]);
        assert_ne!(rd(&mut io, reg::REDTBL + 20) & RTE_REMOTE_IRR as u32, 0);
        // Still asserted, remote IRR set: nothing more.
        io.set_level(10, true);
        assert!(io.take_messages().is_empty());
        // EOI with the line still high: sent again.
        io.eoi(0x3a);
        assert_eq!(io.take_messages(), [msg(0x3a, 1, true)]);
        // Deasserted, then EOI (through the EOI register): remote IRR clear, nothing sent.
        io.set_level(10, false);
        io.write(mmio::EOI, 4, 0x3a);
        assert!(io.take_messages().is_empty());
        assert_eq!(rd(&mut io, reg::REDTBL + 20) & RTE_REMOTE_IRR as u32, 0);
        // An EOI for another vector does nothing.
        io.set_level(10, true);
        io.take_messages();
        io.eoi(0x3b);
        assert_ne!(rd(&mut io, reg::REDTBL + 20) & RTE_REMOTE_IRR as u32, 0);
    }

    #[test]
    fn masked_level_pin_is_held_until_unmasked() {
        let mut io = IoApic::new();
        route(&mut io, 9, 0x39 | (RTE_LEVEL | RTE_MASKED) as u32, 0);
        io.set_level(9, true);
        assert!(io.take_messages().is_empty());
        route(&mut io, 9, 0x39 | RTE_LEVEL as u32, 0);
        assert_eq!(io.take_messages(), [msg(0x39, 0, true)]);
    }

    #[test]
    fn switching_to_edge_clears_remote_irr() {
        // Linux's EOI for version 0x11: mask, set edge, set level back.
        let mut io = IoApic::new();
        route(&mut io, 5, 0x35 | RTE_LEVEL as u32, 0);
        io.set_level(5, true);
        io.take_messages();
        route(&mut io, 5, 0x35 | RTE_MASKED as u32, 0);
        assert_eq!(rd(&mut io, reg::REDTBL + 10) & RTE_REMOTE_IRR as u32, 0);
        io.set_level(5, false);
        route(&mut io, 5, 0x35 | RTE_LEVEL as u32, 0);
        assert!(io.take_messages().is_empty());
    }

    #[test]
    fn logical_destination_and_delivery_mode() {
        let mut io = IoApic::new();
        route(&mut io, 1, 0x31 | RTE_LOGICAL as u32 | (1 << 8), 0x03);
        io.pulse(1);
        assert_eq!(
            io.take_messages(),
            [ApicMessage {
                dest: Destination::Logical(3),
                mode: mode::LOWEST,
                vector: 0x31,
                level: false
            }]
        );
        io.pulse(30); // no such pin: ignored
    }

    #[test]
    fn level_interrupt_round_trip_through_the_local_apic() {
        let mut io = IoApic::new();
        let mut cpus = vec![LocalApic::new(0, true)];
        cpus[0].mmio_write(0, lapic::reg::SVR, 4, (SVR_ENABLE | 0xff) as u64);
        route(&mut io, 11, 0x4b | RTE_LEVEL as u32, 0);
        io.set_level(11, true);
        for m in io.take_messages() {
            assert!(apic_bus::deliver(&mut cpus, None, 0, &m));
        }
        assert_eq!(cpus[0].acknowledge(0), Some(0x4b));
        // The device is still asserting when the handler EOIs: delivered again.
        cpus[0].mmio_write(0, lapic::reg::EOI, 4, 0);
        apic_bus::flush(&mut cpus, 0, |v| io.eoi(v));
        for m in io.take_messages() {
            apic_bus::deliver(&mut cpus, None, 0, &m);
        }
        assert_eq!(cpus[0].acknowledge(0), Some(0x4b));
        // Lowered before the EOI: quiet.
        io.set_level(11, false);
        cpus[0].mmio_write(0, lapic::reg::EOI, 4, 0);
        apic_bus::flush(&mut cpus, 0, |v| io.eoi(v));
        assert!(io.take_messages().is_empty());
        assert!(!cpus[0].interrupt_pending(0));
    }

    #[test]
    fn reset_masks_everything() {
        let mut io = IoApic::new();
        route(&mut io, 2, 0x22, 0);
        wr(&mut io, reg::ID, 0x0300_0000);
        MmioDevice::reset(&mut io);
        assert_eq!(rd(&mut io, reg::REDTBL + 4), 0x0001_0000);
        assert_eq!(rd(&mut io, reg::ID), 0);
    }
}
