//! The x86 I/O port space: a table of port ranges → devices, the piece the machine's
//! `Platform::port_read`/`port_write` call (Intel SDM vol. 1 §19.2 "I/O port addressing": 64 K
//! byte ports, 16- and 32-bit ports as consecutive byte ports).
//!
//! Rules:
//! - A port no device claims reads all ones (an undriven ISA bus, what QEMU returns too) and
//!   drops writes; such accesses are counted for the report ([`PortBus::unclaimed`]: one per
//!   IN/OUT whose first port has no device), so a guest probing for hardware the machine lacks
//!   (PCI configuration at 0xcf8, say) is named in the run's summary.
//! - Ranges never overlap ([`PortBus::insert`] refuses an overlap, naming both devices).
//! - A device states the widest access it decodes ([`PortDevice::max_size`], 1 for the
//!   8-bit devices here). A wider IN/OUT is split into byte accesses to consecutive ports, low
//!   byte first, each dispatched on its own (so a word access may straddle two devices or a
//!   device and nothing), as QEMU's memory core splits accesses for byte-wide devices.
//! - Lookups are a binary search over ranges sorted by base: no hash map, deterministic.

use std::fmt;

use crate::board::Unclaimed;
use crate::devices::SerialPort;

/// A device on the I/O port bus. Offsets are relative to the base of the range it was
/// inserted at; `now` is the accessing vCPU's instruction count.
pub trait PortDevice {
    /// The device's name in traces and errors.
    fn name(&self) -> &'static str;
    /// IN of `size` bytes (at most [`PortDevice::max_size`]) at `offset`.
    fn read(&mut self, now: u64, offset: u16, size: u8) -> u32;
    /// OUT of the low `size` bytes of `value` at `offset`.
    fn write(&mut self, now: u64, offset: u16, size: u8, value: u32);
    /// The widest access the device decodes; wider ones arrive as byte accesses.
    fn max_size(&self) -> u8 {
        1
    }
    /// The device as a serial port, if it is one (the console UART).
    fn as_serial(&mut self) -> Option<&mut dyn SerialPort> {
        None
    }
    /// Whether the device signalled an interrupt edge since the last call (an edge-triggered
    /// ISA line: the machine pulses the device's I/O APIC pin).
    fn take_irq_edge(&mut self) -> bool {
        false
    }
    /// System reset.
    fn reset(&mut self) {}
    /// The virtual time at which the device next signals an interrupt on its own (a timer),
    /// if it can: the run loop cuts the vCPU's slice there and an idle HLT skips to it.
    fn next_event(&self) -> Option<u64> {
        None
    }
    /// Let the device's own time run to `now` (what is due raises its interrupt edge).
    fn advance(&mut self, now: u64) {
        let _ = now;
    }
}

/// Why a device could not be added to the bus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortError {
    /// The range is empty or runs past port 0xffff.
    BadRange {
        /// Device being inserted.
        name: &'static str,
        /// First port.
        base: u16,
        /// Number of ports.
        len: u32,
    },
    /// The range overlaps one already present.
    Overlap {
        /// Device being inserted.
        name: &'static str,
        /// Device already there.
        other: &'static str,
        /// First port of the new range.
        base: u16,
    },
}

impl fmt::Display for PortError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortError::BadRange { name, base, len } => {
                write!(f, "{name}: bad I/O port range {base:#x}+{len:#x}")
            }
            PortError::Overlap { name, other, base } => {
                write!(f, "{name}: I/O ports at {base:#x} overlap those of {other}")
            }
        }
    }
}

impl std::error::Error for PortError {}

struct Entry {
    base: u16,
    /// Number of ports (1..=0x10000 - base).
    len: u32,
    /// The I/O APIC pin the device's interrupt goes to, if any.
    gsi: Option<u8>,
    dev: Box<dyn PortDevice>,
}

impl Entry {
    fn contains(&self, port: u16) -> bool {
        port >= self.base && ((port - self.base) as u32) < self.len
    }
}

/// All ones of `size` bytes.
fn all_ones(size: u8) -> u32 {
    match size {
        1 => 0xff,
        2 => 0xffff,
        _ => 0xffff_ffff,
    }
}

/// The I/O port space of one machine.
#[derive(Default)]
pub struct PortBus {
    /// Sorted by `base`, never overlapping.
    entries: Vec<Entry>,
    /// IN/OUT accesses whose first port no device claims (the address kept is the port).
    pub unclaimed: Unclaimed,
}

impl PortBus {
    /// An empty port space: every port reads all ones.
    pub fn new() -> Self {
        Self::default()
    }

    /// Claim ports `base..base + len` for `dev`, whose interrupt output (if any) is I/O APIC
    /// pin `gsi`.
    pub fn insert(
        &mut self,
        base: u16,
        len: u32,
        gsi: Option<u8>,
        dev: Box<dyn PortDevice>,
    ) -> Result<(), PortError> {
        let name = dev.name();
        if len == 0 || base as u32 + len > 0x1_0000 {
            return Err(PortError::BadRange { name, base, len });
        }
        let end = base as u32 + len;
        if let Some(e) = self
            .entries
            .iter()
            .find(|e| (base as u32) < e.base as u32 + e.len && (e.base as u32) < end)
        {
            return Err(PortError::Overlap {
                name,
                other: e.dev.name(),
                base,
            });
        }
        let at = self.entries.partition_point(|e| e.base < base);
        self.entries.insert(
            at,
            Entry {
                base,
                len,
                gsi,
                dev,
            },
        );
        Ok(())
    }

    fn find(&mut self, port: u16) -> Option<&mut Entry> {
        let i = self.entries.partition_point(|e| e.base <= port);
        let e = self.entries.get_mut(i.checked_sub(1)?)?;
        e.contains(port).then_some(e)
    }

    /// The name of the device at `port`, for traces.
    pub fn device_name(&mut self, port: u16) -> Option<&'static str> {
        self.find(port).map(|e| e.dev.name())
    }

    /// IN of `size` bytes (1, 2 or 4) from `port`.
    pub fn read(&mut self, now: u64, port: u16, size: u8) -> u32 {
        if self.find(port).is_none() {
            self.unclaimed.note(port as u64, false);
        }
        self.read_split(now, port, size)
    }

    /// [`PortBus::read`] without the count: split into byte accesses where the device (or
    /// none) decodes narrower.
    fn read_split(&mut self, now: u64, port: u16, size: u8) -> u32 {
        let size = size.clamp(1, 4);
        if let Some(e) = self.find(port) {
            if size <= e.dev.max_size() {
                let off = port - e.base;
                return e.dev.read(now, off, size) & all_ones(size);
            }
        } else if size == 1 {
            return 0xff;
        }
        // Split into byte accesses (wrapping at 0xffff as the address bus does).
        (0..size as u16).fold(0, |v, i| {
            v | (self.read_split(now, port.wrapping_add(i), 1) << (8 * i))
        })
    }

    /// OUT of the low `size` bytes (1, 2 or 4) of `value` to `port`.
    pub fn write(&mut self, now: u64, port: u16, size: u8, value: u32) {
        if self.find(port).is_none() {
            self.unclaimed.note(port as u64, true);
        }
        self.write_split(now, port, size, value)
    }

    /// [`PortBus::write`] without the count.
    fn write_split(&mut self, now: u64, port: u16, size: u8, value: u32) {
        let size = size.clamp(1, 4);
        match self.find(port) {
            Some(e) if size <= e.dev.max_size() => {
                let off = port - e.base;
                e.dev.write(now, off, size, value & all_ones(size));
            }
            None if size == 1 => {}
            _ => {
                for i in 0..size as u16 {
                    self.write_split(now, port.wrapping_add(i), 1, (value >> (8 * i)) & 0xff);
                }
            }
        }
    }

    /// System reset of every device, in port order.
    pub fn reset(&mut self) {
        for e in &mut self.entries {
            e.dev.reset();
        }
    }

    /// The earliest [`PortDevice::next_event`] of the devices.
    pub fn next_deadline(&self) -> Option<u64> {
        self.entries.iter().filter_map(|e| e.dev.next_event()).min()
    }

    /// [`PortDevice::advance`] every device to `now`, in port order.
    pub fn advance(&mut self, now: u64) {
        for e in &mut self.entries {
            e.dev.advance(now);
        }
    }

    /// The first serial port on the bus (the console UART).
    pub fn console_uart(&mut self) -> Option<&mut dyn SerialPort> {
        self.entries.iter_mut().find_map(|e| e.dev.as_serial())
    }

    /// Call `pulse(gsi)` for every device with an interrupt edge since the last call, in port
    /// order.
    pub fn take_irq_edges(&mut self, mut pulse: impl FnMut(u8)) {
        for e in &mut self.entries {
            if e.dev.take_irq_edge() {
                if let Some(gsi) = e.gsi {
                    pulse(gsi);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A device that records accesses and answers `0x10 + offset` (or 0xbeef for a word).
    struct Probe {
        name: &'static str,
        max: u8,
        log: Log,
    }

    impl PortDevice for Probe {
        fn name(&self) -> &'static str {
            self.name
        }
        fn read(&mut self, _now: u64, offset: u16, size: u8) -> u32 {
            self.log.borrow_mut().push(('r', offset, size, 0));
            if size == 1 {
                0x10 + offset as u32
            } else {
                0xbeef
            }
        }
        fn write(&mut self, _now: u64, offset: u16, size: u8, value: u32) {
            self.log.borrow_mut().push(('w', offset, size, value));
        }
        fn max_size(&self) -> u8 {
            self.max
        }
        fn take_irq_edge(&mut self) -> bool {
            true
        }
    }

    type Log = std::rc::Rc<std::cell::RefCell<Vec<(char, u16, u8, u32)>>>;

    fn probe(name: &'static str, max: u8) -> (Box<Probe>, Log) {
        let log = Log::default();
        let p = Probe {
            name,
            max,
            log: log.clone(),
        };
        (Box::new(p), log)
    }

    #[test]
    fn unused_ports_read_all_ones_and_drop_writes() {
        let mut b = PortBus::new();
        assert_eq!(b.read(0, 0x80, 1), 0xff);
        assert_eq!(b.read(0, 0x80, 2), 0xffff);
        assert_eq!(b.read(0, 0xcf8, 4), 0xffff_ffff);
        b.write(0, 0x80, 1, 0x12);
        b.write(0, 0xcf8, 4, 0x8000_0000);
        assert_eq!(b.device_name(0x80), None);
        // Counted once per access (a split one too), the first kept with their direction.
        assert_eq!(b.unclaimed.count, 5);
        assert_eq!(
            b.unclaimed.first,
            [
                (0x80, false),
                (0x80, false),
                (0xcf8, false),
                (0x80, true),
                (0xcf8, true)
            ]
        );
    }

    #[test]
    fn claimed_ports_are_not_counted_as_unclaimed() {
        let mut b = PortBus::new();
        b.insert(0x3f8, 8, None, probe("uart", 1).0).unwrap();
        b.read(0, 0x3f8, 1);
        b.write(0, 0x3fd, 2, 0);
        assert_eq!(b.unclaimed.count, 0);
        b.read(0, 0x3f7, 2); // its first port is nobody's
        assert_eq!(b.unclaimed.first, [(0x3f7, false)]);
    }

    #[test]
    fn dispatch_by_range_with_offsets() {
        let mut b = PortBus::new();
        let (p, log) = probe("a", 1);
        b.insert(0x3f8, 8, Some(4), p).unwrap();
        assert_eq!(b.read(0, 0x3fd, 1), 0x15);
        b.write(0, 0x3f8, 1, 0x41);
        assert_eq!(b.read(0, 0x3f7, 1), 0xff, "below the range");
        assert_eq!(b.read(0, 0x400, 1), 0xff, "above the range");
        assert_eq!(*log.borrow(), [('r', 5, 1, 0), ('w', 0, 1, 0x41)]);
        assert_eq!(b.device_name(0x3ff), Some("a"));
        let mut edges = Vec::new();
        b.take_irq_edges(|g| edges.push(g));
        assert_eq!(edges, [4]);
    }

    #[test]
    fn wide_access_to_byte_device_is_split_low_byte_first() {
        let mut b = PortBus::new();
        let (p, log) = probe("rtc", 1);
        b.insert(0x70, 2, None, p).unwrap();
        // A word at 0x71 straddles the device and an unused port.
        assert_eq!(b.read(0, 0x71, 2), 0xff11);
        assert_eq!(b.read(0, 0x70, 2), 0x1110);
        b.write(0, 0x70, 2, 0xab0f);
        assert_eq!(
            *log.borrow(),
            [
                ('r', 1, 1, 0),
                ('r', 0, 1, 0),
                ('r', 1, 1, 0),
                ('w', 0, 1, 0x0f),
                ('w', 1, 1, 0xab)
            ]
        );
    }

    #[test]
    fn wide_device_gets_whole_accesses() {
        let mut b = PortBus::new();
        let (p, log) = probe("pci", 4);
        b.insert(0xcf8, 8, None, p).unwrap();
        assert_eq!(b.read(0, 0xcfc, 2), 0xbeef);
        b.write(0, 0xcf8, 4, 0x8000_0010);
        assert_eq!(*log.borrow(), [('r', 4, 2, 0), ('w', 0, 4, 0x8000_0010)]);
    }

    #[test]
    fn overlaps_and_bad_ranges_are_refused() {
        let mut b = PortBus::new();
        b.insert(0x70, 2, None, probe("rtc", 1).0).unwrap();
        b.insert(0x3f8, 8, None, probe("com1", 1).0).unwrap();
        assert_eq!(
            b.insert(0x71, 4, None, probe("x", 1).0),
            Err(PortError::Overlap {
                name: "x",
                other: "rtc",
                base: 0x71
            })
        );
        assert_eq!(
            b.insert(0x3f0, 9, None, probe("y", 1).0)
                .unwrap_err()
                .to_string(),
            "y: I/O ports at 0x3f0 overlap those of com1"
        );
        assert!(matches!(
            b.insert(0xfffe, 4, None, probe("z", 1).0),
            Err(PortError::BadRange { .. })
        ));
        assert!(matches!(
            b.insert(0x10, 0, None, probe("z", 1).0),
            Err(PortError::BadRange { .. })
        ));
        // Adjacent ranges are fine, and the last port of the space can be claimed.
        b.insert(0x72, 2, None, probe("next", 1).0).unwrap();
        b.insert(0xffff, 1, None, probe("top", 1).0).unwrap();
        assert_eq!(b.device_name(0x73), Some("next"));
        assert_eq!(b.device_name(0xffff), Some("top"));
        assert_eq!(b.device_name(0x74), None);
    }
}
