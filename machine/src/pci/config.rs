//! A type-0 PCI configuration header as a function presents it (PCI Local Bus 3.0 §6.1,
//! §6.2.5 BARs, §6.7 capabilities): 256 bytes of registers with per-bit write masks, BAR
//! sizing by the write mask (a driver writes all ones and reads back the size mask with the
//! read-only type bits), the capability list, and the values the header returns to at reset.
//!
//! Offsets 0x100..0x1000 (PCIe extended configuration space, reachable through ECAM) read as
//! zero: no extended capabilities, which is what Linux reads as "none" (`pci_find_ext_capability`
//! stops at a zero header).

/// Configuration registers (offsets in the type-0 header).
pub mod reg {
    /// Vendor ID (16 bits).
    pub const VENDOR_ID: usize = 0x00;
    /// Device ID (16 bits).
    pub const DEVICE_ID: usize = 0x02;
    /// Command (16 bits).
    pub const COMMAND: usize = 0x04;
    /// Status (16 bits).
    pub const STATUS: usize = 0x06;
    /// Revision ID (8 bits), then the class code (24 bits: prog-if, subclass, class).
    pub const REVISION: usize = 0x08;
    /// Header type (8 bits).
    pub const HEADER_TYPE: usize = 0x0e;
    /// The first base address register.
    pub const BAR0: usize = 0x10;
    /// Subsystem vendor ID (16 bits).
    pub const SUBSYSTEM_VENDOR_ID: usize = 0x2c;
    /// Subsystem ID (16 bits).
    pub const SUBSYSTEM_ID: usize = 0x2e;
    /// Capabilities pointer (8 bits).
    pub const CAPABILITIES: usize = 0x34;
    /// Interrupt line (8 bits, firmware scratch).
    pub const INTERRUPT_LINE: usize = 0x3c;
    /// Interrupt pin (8 bits: 1 = INTA).
    pub const INTERRUPT_PIN: usize = 0x3d;
}

/// Command register: I/O space decoding.
pub const COMMAND_IO: u16 = 1 << 0;
/// Command register: memory space decoding.
pub const COMMAND_MEMORY: u16 = 1 << 1;
/// Command register: the function may master the bus (DMA).
pub const COMMAND_BUS_MASTER: u16 = 1 << 2;
/// Command register: INTx assertion disabled.
pub const COMMAND_INTX_DISABLE: u16 = 1 << 10;
/// Status register: the function asserts INTx (read-only, ignoring `INTX_DISABLE`).
pub const STATUS_INTERRUPT: u16 = 1 << 3;
/// Status register: the capability list is valid.
pub const STATUS_CAP_LIST: u16 = 1 << 4;

/// Command bits a driver may set (QEMU's `pci_init_cmask`/`wmask` for a type-0 function:
/// I/O, memory, bus master, parity, SERR, INTx disable).
const COMMAND_WRITABLE: u16 =
    COMMAND_IO | COMMAND_MEMORY | COMMAND_BUS_MASTER | 1 << 6 | 1 << 8 | COMMAND_INTX_DISABLE;
/// Status bits a driver clears by writing one (error bits 8, 11..15).
const STATUS_W1C: u16 = 1 << 8 | 0xf800;
/// Size of the conventional header plus capabilities.
pub const CONFIG_SIZE: usize = 256;
/// Where capabilities start.
const FIRST_CAP: usize = 0x40;

/// What a base address register decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarKind {
    /// 32-bit memory space.
    Mem32,
    /// 64-bit memory space (takes this BAR and the next).
    Mem64,
    /// I/O space.
    Io,
}

/// One base address register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bar {
    /// Size in bytes, a power of two (0: BAR not implemented).
    pub size: u64,
    /// Address space.
    pub kind: BarKind,
    /// Prefetchable (memory BARs).
    pub prefetchable: bool,
}

/// Why a header cannot be set up as asked (a bug in the device model, not a guest error).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// A BAR that does not fit the header.
    #[error("BAR {0}: bad index, size or overlap with a 64-bit BAR")]
    Bar(usize),
    /// The capabilities do not fit in 256 bytes.
    #[error("capability list full")]
    CapabilitiesFull,
}

/// The configuration header of one function.
#[derive(Clone, Debug)]
pub struct ConfigSpace {
    bytes: [u8; CONFIG_SIZE],
    /// Bits a write changes.
    writable: [u8; CONFIG_SIZE],
    /// Bits a write of one clears.
    clear_on_one: [u8; CONFIG_SIZE],
    /// Contents at reset.
    at_reset: [u8; CONFIG_SIZE],
    bars: [Option<Bar>; 6],
    /// Where the next capability goes, and the pointer to link it from.
    next_cap: usize,
    last_link: usize,
}

impl ConfigSpace {
    /// A type-0 header: IDs, revision and the 24-bit class code (class, subclass, prog-if).
    pub fn new(vendor: u16, device: u16, revision: u8, class: u32) -> ConfigSpace {
        let mut c = ConfigSpace {
            bytes: [0; CONFIG_SIZE],
            writable: [0; CONFIG_SIZE],
            clear_on_one: [0; CONFIG_SIZE],
            at_reset: [0; CONFIG_SIZE],
            bars: [None; 6],
            next_cap: FIRST_CAP,
            last_link: reg::CAPABILITIES,
        };
        c.put(reg::VENDOR_ID, &vendor.to_le_bytes());
        c.put(reg::DEVICE_ID, &device.to_le_bytes());
        c.put(
            reg::REVISION,
            &((class << 8) | revision as u32).to_le_bytes(),
        );
        c.writable[reg::COMMAND..reg::COMMAND + 2].copy_from_slice(&COMMAND_WRITABLE.to_le_bytes());
        c.clear_on_one[reg::STATUS..reg::STATUS + 2].copy_from_slice(&STATUS_W1C.to_le_bytes());
        c.writable[reg::INTERRUPT_LINE] = 0xff;
        c.at_reset = c.bytes;
        c
    }

    fn put(&mut self, offset: usize, data: &[u8]) {
        self.bytes[offset..offset + data.len()].copy_from_slice(data);
    }

    /// Set the subsystem vendor and ID.
    pub fn set_subsystem(&mut self, vendor: u16, id: u16) {
        self.put(reg::SUBSYSTEM_VENDOR_ID, &vendor.to_le_bytes());
        self.put(reg::SUBSYSTEM_ID, &id.to_le_bytes());
        self.at_reset = self.bytes;
    }

    /// The function raises INTx on `pin` (1 = INTA .. 4 = INTD).
    pub fn set_interrupt_pin(&mut self, pin: u8) {
        self.bytes[reg::INTERRUPT_PIN] = pin;
        self.at_reset = self.bytes;
    }

    /// Implement BAR `index` (a 64-bit BAR also takes `index + 1`).
    pub fn add_bar(&mut self, index: usize, bar: Bar) -> Result<(), ConfigError> {
        let wide = bar.kind == BarKind::Mem64;
        let min = if bar.kind == BarKind::Io { 4 } else { 16 };
        if index >= 6
            || (wide && index >= 5)
            || !bar.size.is_power_of_two()
            || bar.size < min
            || (bar.kind != BarKind::Mem64 && bar.size > 1 << 31)
            || self.bars[index].is_some()
            || (wide && self.bars[index + 1].is_some())
            || (index > 0 && self.bars[index - 1].is_some_and(|b| b.kind == BarKind::Mem64))
        {
            return Err(ConfigError::Bar(index));
        }
        let flags: u64 = match bar.kind {
            BarKind::Io => 1,
            BarKind::Mem32 => (bar.prefetchable as u64) << 3,
            BarKind::Mem64 => 0b100 | (bar.prefetchable as u64) << 3,
        };
        let low_flags = if bar.kind == BarKind::Io {
            0b11
        } else {
            0b1111
        };
        let mask = !(bar.size - 1) & !low_flags;
        let at = reg::BAR0 + 4 * index;
        let n = if wide { 8 } else { 4 };
        self.put(at, &flags.to_le_bytes()[..n]);
        self.writable[at..at + n].copy_from_slice(&mask.to_le_bytes()[..n]);
        self.bars[index] = Some(bar);
        self.at_reset = self.bytes;
        Ok(())
    }

    /// Append a capability with ID `id` and `body` (the bytes after the ID and next
    /// pointer); returns its offset. `writable` marks which bytes of the body the driver may
    /// write (same length as `body`, or empty for none).
    pub fn add_capability(
        &mut self,
        id: u8,
        body: &[u8],
        writable: &[u8],
    ) -> Result<usize, ConfigError> {
        let at = self.next_cap;
        let len = (2 + body.len()).next_multiple_of(4);
        if at + len > CONFIG_SIZE {
            return Err(ConfigError::CapabilitiesFull);
        }
        self.bytes[at] = id;
        self.put(at + 2, body);
        for (i, &w) in writable.iter().enumerate().take(body.len()) {
            self.writable[at + 2 + i] = w;
        }
        self.bytes[self.last_link] = at as u8;
        self.last_link = at + 1;
        self.next_cap = at + len;
        let status = u16::from_le_bytes([self.bytes[reg::STATUS], self.bytes[reg::STATUS + 1]]);
        self.put(reg::STATUS, &(status | STATUS_CAP_LIST).to_le_bytes());
        self.at_reset = self.bytes;
        Ok(at)
    }

    /// Read `size` bytes (1, 2 or 4) at `offset`, little-endian; past the header, zero.
    pub fn read(&self, offset: usize, size: usize) -> u32 {
        let mut v = [0u8; 4];
        for (i, b) in v.iter_mut().enumerate().take(size.min(4)) {
            *b = self.bytes.get(offset + i).copied().unwrap_or(0);
        }
        u32::from_le_bytes(v)
    }

    /// Write the low `size` bytes of `value` at `offset` through the write masks.
    pub fn write(&mut self, offset: usize, size: usize, value: u32) {
        for (i, b) in value.to_le_bytes().iter().enumerate().take(size.min(4)) {
            let at = offset + i;
            if at >= CONFIG_SIZE {
                break;
            }
            let w = self.writable[at];
            self.bytes[at] = (self.bytes[at] & !w) | (b & w);
            self.bytes[at] &= !(b & self.clear_on_one[at]);
        }
    }

    /// Overwrite bytes the driver cannot write (a read-only field the device updates).
    pub fn set(&mut self, offset: usize, data: &[u8]) {
        if offset + data.len() <= CONFIG_SIZE {
            self.put(offset, data);
        }
    }

    /// The command register.
    pub fn command(&self) -> u16 {
        self.read(reg::COMMAND, 2) as u16
    }

    /// Set the status register's interrupt bit to the function's INTx state.
    pub fn set_interrupt_status(&mut self, asserted: bool) {
        let s = self.read(reg::STATUS, 2) as u16 & !STATUS_INTERRUPT;
        let s = s | if asserted { STATUS_INTERRUPT } else { 0 };
        self.put(reg::STATUS, &s.to_le_bytes());
    }

    /// The implemented BARs: index, description and current address (the address bits
    /// programmed so far).
    pub fn bars(&self) -> impl Iterator<Item = (usize, Bar, u64)> + '_ {
        self.bars.iter().enumerate().filter_map(|(i, b)| {
            let b = (*b)?;
            let at = reg::BAR0 + 4 * i;
            let raw = if b.kind == BarKind::Mem64 {
                u64::from_le_bytes(self.bytes[at..at + 8].try_into().unwrap_or([0; 8]))
            } else {
                self.read(at, 4) as u64
            };
            let low = if b.kind == BarKind::Io { 0b11 } else { 0b1111 };
            Some((i, b, raw & !low))
        })
    }

    /// The BAR holding `addr` in its space (`io` for I/O ports), decoded: its index and the
    /// offset of `addr` in it. Only BARs whose space the command register enables and whose
    /// address is not zero decode.
    pub fn decode(&self, io: bool, addr: u64) -> Option<(usize, u64)> {
        let cmd = self.command();
        let enabled = if io {
            cmd & COMMAND_IO != 0
        } else {
            cmd & COMMAND_MEMORY != 0
        };
        if !enabled {
            return None;
        }
        self.bars().find_map(|(i, b, base)| {
            let space_io = b.kind == BarKind::Io;
            (space_io == io && base != 0 && addr >= base && addr - base < b.size)
                .then(|| (i, addr - base))
        })
    }

    /// Program BAR `index` to `addr` and enable decoding of its space, as a VMM that assigns
    /// BARs itself does; the assignment survives reset.
    pub fn assign_bar(&mut self, index: usize, addr: u64) -> Result<(), ConfigError> {
        let b = self.bars[index.min(5)]
            .filter(|_| index < 6)
            .ok_or(ConfigError::Bar(index))?;
        if addr & (b.size - 1) != 0 {
            return Err(ConfigError::Bar(index));
        }
        let at = reg::BAR0 + 4 * index;
        let n = if b.kind == BarKind::Mem64 { 8 } else { 4 };
        let flags = u64::from_le_bytes({
            let mut f = [0u8; 8];
            f[..n].copy_from_slice(&self.bytes[at..at + n]);
            f
        }) & if b.kind == BarKind::Io { 0b11 } else { 0b1111 };
        self.put(at, &(addr | flags).to_le_bytes()[..n]);
        let space = if b.kind == BarKind::Io {
            COMMAND_IO
        } else {
            COMMAND_MEMORY
        };
        let cmd = self.command() | space;
        self.put(reg::COMMAND, &cmd.to_le_bytes());
        self.at_reset = self.bytes;
        Ok(())
    }

    /// Back to the values at reset.
    pub fn reset(&mut self) {
        self.bytes = self.at_reset;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> ConfigSpace {
        let mut c = ConfigSpace::new(0x1af4, 0x1042, 1, 0x01_00_00);
        c.add_bar(
            4,
            Bar {
                size: 0x4000,
                kind: BarKind::Mem64,
                prefetchable: true,
            },
        )
        .unwrap();
        c.add_bar(
            0,
            Bar {
                size: 0x20,
                kind: BarKind::Io,
                prefetchable: false,
            },
        )
        .unwrap();
        c
    }

    #[test]
    fn identity_and_read_only_fields() {
        let mut c = header();
        assert_eq!(c.read(0, 4), 0x1042_1af4);
        assert_eq!(c.read(reg::REVISION, 4), 0x0100_0001);
        c.write(0, 4, 0);
        assert_eq!(c.read(0, 4), 0x1042_1af4);
        assert_eq!(c.read(0x200, 4), 0, "extended space reads zero");
        assert_eq!(c.read(0xfe, 4), 0, "a read past the header is zero-filled");
    }

    #[test]
    fn bar_sizing_as_a_driver_does_it() {
        // PCI 3.0 §6.2.5.1: write all ones, read back, the size is ~(value & ~flags) + 1.
        let mut c = header();
        let bar4 = reg::BAR0 + 16;
        assert_eq!(c.read(bar4, 4), 0b1100, "64-bit prefetchable");
        c.write(bar4, 4, u32::MAX);
        c.write(bar4 + 4, 4, u32::MAX);
        let lo = c.read(bar4, 4) as u64;
        let hi = c.read(bar4 + 4, 4) as u64;
        let size = !(((hi << 32) | lo) & !0xf) + 1;
        assert_eq!(size, 0x4000);
        c.write(reg::BAR0, 4, u32::MAX);
        assert_eq!(c.read(reg::BAR0, 4), 0xffff_ffe1, "32-byte I/O BAR");
        c.write(reg::BAR0 + 4, 4, u32::MAX);
        assert_eq!(c.read(reg::BAR0 + 4, 4), 0, "unimplemented BAR reads zero");
        // Program an address; nothing decodes until memory space is enabled.
        c.write(bar4, 4, 0x1000_4000);
        c.write(bar4 + 4, 4, 0x80);
        assert_eq!(c.decode(false, 0x80_1000_4010), None);
        c.write(reg::COMMAND, 2, COMMAND_MEMORY as u32);
        assert_eq!(c.decode(false, 0x80_1000_4010), Some((4, 0x10)));
        assert_eq!(c.decode(false, 0x80_1000_8000), None);
        assert_eq!(c.decode(true, 0x80_1000_4010), None);
    }

    #[test]
    fn command_status_and_reset() {
        let mut c = header();
        c.write(reg::COMMAND, 2, 0xffff);
        assert_eq!(c.command(), COMMAND_WRITABLE);
        c.set_interrupt_status(true);
        assert_eq!(
            c.read(reg::STATUS, 2) as u16 & STATUS_INTERRUPT,
            STATUS_INTERRUPT
        );
        c.write(reg::STATUS, 2, STATUS_INTERRUPT as u32);
        assert_ne!(
            c.read(reg::STATUS, 2) as u16 & STATUS_INTERRUPT,
            0,
            "read-only bit"
        );
        c.reset();
        assert_eq!(c.command(), 0);
        c.assign_bar(4, 0x1000_0000).unwrap();
        c.reset();
        assert_eq!(
            c.decode(false, 0x1000_0000),
            Some((4, 0)),
            "assignment survives reset"
        );
        assert_eq!(
            c.assign_bar(4, 0x1000_0800),
            Err(ConfigError::Bar(4)),
            "misaligned"
        );
        assert_eq!(c.assign_bar(1, 0x1000), Err(ConfigError::Bar(1)));
        assert_eq!(c.assign_bar(9, 0x1000), Err(ConfigError::Bar(9)));
    }

    #[test]
    fn capability_list() {
        let mut c = header();
        assert_eq!(c.read(reg::STATUS, 2) as u16 & STATUS_CAP_LIST, 0);
        let a = c
            .add_capability(0x09, &[14, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], &[])
            .unwrap();
        let b = c.add_capability(0x09, &[4, 5], &[0, 0xff]).unwrap();
        assert_eq!((a, b), (0x40, 0x50));
        assert_eq!(c.read(reg::CAPABILITIES, 1), 0x40);
        assert_eq!(c.read(0x41, 1), 0x50);
        assert_eq!(c.read(0x51, 1), 0);
        assert_ne!(c.read(reg::STATUS, 2) as u16 & STATUS_CAP_LIST, 0);
        c.write(0x52, 2, 0xabcd);
        assert_eq!(c.read(0x52, 2), 0xab04, "only the writable byte changed");
        let big = [0u8; 200];
        assert_eq!(
            c.add_capability(0x09, &big, &[]),
            Err(ConfigError::CapabilitiesFull)
        );
        assert!(c
            .add_bar(
                4,
                Bar {
                    size: 16,
                    kind: BarKind::Mem32,
                    prefetchable: false
                }
            )
            .is_err());
        assert!(
            c.add_bar(
                5,
                Bar {
                    size: 16,
                    kind: BarKind::Mem32,
                    prefetchable: false
                }
            )
            .is_err(),
            "upper half of BAR 4"
        );
        assert!(c
            .add_bar(
                2,
                Bar {
                    size: 24,
                    kind: BarKind::Mem32,
                    prefetchable: false
                }
            )
            .is_err());
    }
}
