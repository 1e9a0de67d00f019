//! Interrupt messages between the x86 interrupt controllers: what the I/O APIC's redirection
//! entries and the local APICs' ICRs send, and how a message finds its local APICs (Intel SDM
//! vol. 3 §11.6.2 "Determining IPI Destination": physical and logical mode, flat and cluster
//! models, x2APIC logical IDs in §11.12.10; the 82093AA datasheet §3.2.4 for the I/O APIC's
//! fields, which use the same encodings).
//!
//! Fixed and lowest-priority messages set the vector in the target's IRR (the trigger mode
//! selects its TMR bit). Lowest priority picks, among the matching APICs, the one with the
//! lowest task priority (ties: the lowest index) — with one vCPU it is fixed delivery. NMI,
//! SMI, INIT, start-up and ExtINT messages are not delivered (logged): `TODO(SMP)`.

use super::lapic::LocalApic;

/// Delivery mode field (ICR and redirection entry bits 10:8).
pub mod mode {
    /// Fixed.
    pub const FIXED: u8 = 0;
    /// Lowest priority.
    pub const LOWEST: u8 = 1;
    /// SMI.
    pub const SMI: u8 = 2;
    /// NMI.
    pub const NMI: u8 = 4;
    /// INIT.
    pub const INIT: u8 = 5;
    /// Start-up (SIPI).
    pub const STARTUP: u8 = 6;
    /// ExtINT.
    pub const EXTINT: u8 = 7;
}

/// Where a message goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Destination {
    /// Physical destination mode: an APIC ID (0xff in xAPIC mode, 0xffff_ffff in x2APIC
    /// mode: all).
    Physical(u32),
    /// Logical destination mode: a logical ID matched against each APIC's LDR and DFR.
    Logical(u32),
    /// Shorthand "self": the sending APIC.
    ToSelf,
    /// Shorthand "all including self".
    All,
    /// Shorthand "all excluding self": every APIC but the sender.
    AllButSelf,
}

/// One interrupt message on the APIC bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApicMessage {
    /// Target(s).
    pub dest: Destination,
    /// Delivery mode ([`mode`]).
    pub mode: u8,
    /// Vector.
    pub vector: u8,
    /// Level-triggered (the TMR bit; the EOI of a level interrupt is broadcast to the I/O
    /// APIC).
    pub level: bool,
}

/// Whether APIC `i` of `apics` is a target of `dest` sent by APIC `from` (`None`: the I/O
/// APIC).
fn targets(apics: &[LocalApic], i: usize, from: Option<usize>, dest: Destination) -> bool {
    match dest {
        Destination::Physical(id) => apics[i].matches_physical(id),
        Destination::Logical(id) => apics[i].matches_logical(id),
        Destination::ToSelf => from == Some(i),
        Destination::All => true,
        Destination::AllButSelf => from != Some(i),
    }
}

/// Deliver `msg`, sent by local APIC `from` (`None`: the I/O APIC), to its targets among
/// `apics` (indexed by vCPU). Returns whether any APIC took it.
pub fn deliver(apics: &mut [LocalApic], from: Option<usize>, now: u64, msg: &ApicMessage) -> bool {
    match msg.mode {
        mode::FIXED => {
            let mut any = false;
            for i in 0..apics.len() {
                if targets(apics, i, from, msg.dest) {
                    apics[i].accept(now, msg.vector, msg.level);
                    any = true;
                }
            }
            any
        }
        mode::LOWEST => {
            let pick = (0..apics.len())
                .filter(|&i| targets(apics, i, from, msg.dest))
                .min_by_key(|&i| (apics[i].task_priority(), i));
            if let Some(i) = pick {
                apics[i].accept(now, msg.vector, msg.level);
            }
            pick.is_some()
        }
        m => {
            log::warn!(
                "APIC message with delivery mode {m} (vector {:#x}) not delivered",
                msg.vector
            );
            false
        }
    }
}

/// Move every local APIC's outgoing IPIs to their targets, and hand every EOI of a
/// level-triggered vector to `eoi` (the I/O APIC's EOI broadcast), in vCPU order. The machine
/// calls this after each local APIC access (and [`crate::x86::ioapic::IoApic::take_messages`]'s
/// output goes through [`deliver`]).
pub fn flush(apics: &mut [LocalApic], now: u64, mut eoi: impl FnMut(u8)) {
    for i in 0..apics.len() {
        for msg in apics[i].take_messages() {
            deliver(apics, Some(i), now, &msg);
        }
        for v in apics[i].take_eois() {
            eoi(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x86::lapic::{reg, LocalApic, SVR_ENABLE};

    fn apics(n: u32) -> Vec<LocalApic> {
        (0..n)
            .map(|id| {
                let mut a = LocalApic::new(id, id == 0);
                a.mmio_write(0, reg::SVR, 4, (SVR_ENABLE | 0xff) as u64);
                a
            })
            .collect()
    }

    fn irr(a: &mut LocalApic, v: u8) -> bool {
        let word = a.mmio_read(0, reg::IRR + 0x10 * (v as u64 / 32), 4);
        word & (1 << (v % 32)) != 0
    }

    fn fixed(dest: Destination, vector: u8) -> ApicMessage {
        ApicMessage {
            dest,
            mode: mode::FIXED,
            vector,
            level: false,
        }
    }

    #[test]
    fn physical_destination_and_broadcast() {
        let mut a = apics(3);
        assert!(deliver(
            &mut a,
            None,
            0,
            &fixed(Destination::Physical(1), 0x41)
        ));
        assert_eq!(
            a.iter_mut().map(|x| irr(x, 0x41)).collect::<Vec<_>>(),
            [false, true, false]
        );
        assert!(!deliver(
            &mut a,
            None,
            0,
            &fixed(Destination::Physical(7), 0x42)
        ));
        assert!(deliver(
            &mut a,
            None,
            0,
            &fixed(Destination::Physical(0xff), 0x43)
        ));
        assert!(a.iter_mut().all(|x| irr(x, 0x43)));
    }

    #[test]
    fn logical_flat_and_cluster() {
        let mut a = apics(3);
        // Flat model (DFR reset value): LDR bits 31:24 are a bit mask.
        for (i, ldr) in [(0, 0x01u64), (1, 0x02), (2, 0x04)] {
            a[i].mmio_write(0, reg::LDR, 4, ldr << 24);
        }
        deliver(&mut a, None, 0, &fixed(Destination::Logical(0x05), 0x50));
        assert_eq!(
            a.iter_mut().map(|x| irr(x, 0x50)).collect::<Vec<_>>(),
            [true, false, true]
        );
        // Cluster model: high nibble = cluster, low nibble = members.
        for (i, ldr) in [(0, 0x11u64), (1, 0x12), (2, 0x21)] {
            a[i].mmio_write(0, reg::DFR, 4, 0x0fff_ffff);
            a[i].mmio_write(0, reg::LDR, 4, ldr << 24);
        }
        deliver(&mut a, None, 0, &fixed(Destination::Logical(0x13), 0x51));
        assert_eq!(
            a.iter_mut().map(|x| irr(x, 0x51)).collect::<Vec<_>>(),
            [true, true, false]
        );
    }

    #[test]
    fn shorthands_and_lowest_priority() {
        let mut a = apics(3);
        deliver(&mut a, Some(1), 0, &fixed(Destination::AllButSelf, 0x60));
        assert_eq!(
            a.iter_mut().map(|x| irr(x, 0x60)).collect::<Vec<_>>(),
            [true, false, true]
        );
        deliver(&mut a, Some(1), 0, &fixed(Destination::ToSelf, 0x61));
        assert_eq!(
            a.iter_mut().map(|x| irr(x, 0x61)).collect::<Vec<_>>(),
            [false, true, false]
        );
        a[0].mmio_write(0, reg::TPR, 4, 0x20);
        a[1].mmio_write(0, reg::TPR, 4, 0x10);
        a[2].mmio_write(0, reg::TPR, 4, 0x10);
        let m = ApicMessage {
            mode: mode::LOWEST,
            ..fixed(Destination::All, 0x62)
        };
        deliver(&mut a, None, 0, &m);
        assert_eq!(
            a.iter_mut().map(|x| irr(x, 0x62)).collect::<Vec<_>>(),
            [false, true, false]
        );
        let nmi = ApicMessage {
            mode: mode::NMI,
            ..fixed(Destination::All, 0)
        };
        assert!(!deliver(&mut a, None, 0, &nmi), "not modelled");
    }
}
