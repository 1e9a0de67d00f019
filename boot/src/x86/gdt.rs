//! x86 segment descriptors (Intel SDM Vol. 3A §3.4.5 "Segment Descriptors", §3.5.1 for the
//! system ones, §7.2.3 for the 16-byte TSS descriptor of IA-32e mode): the loaded form of a
//! segment register ([`Segment`], what a CPU caches: selector, base, limit in bytes, attributes)
//! and its 8-byte descriptor in a GDT ([`Segment::descriptor`], [`Segment::from_descriptor`]).
//! Owns the flat segments the boot protocols ask for and the GDT the loader writes for them
//! ([`gdt`]).
//!
//! Descriptor bits: limit 15:0 in bits 15:0, base 23:0 in 39:16, type in 43:40, S in 44, DPL in
//! 46:45, P in 47, limit 19:16 in 51:48, AVL in 52, L in 53, D/B in 54, G in 55, base 31:24 in
//! 63:56. With G the 20-bit limit counts 4 KiB units: the byte limit is `limit << 12 | 0xfff`.

/// Type bit of a code or data segment: accessed.
pub const TYPE_ACCESSED: u8 = 1 << 0;
/// Type bit: writable (data) or readable (code).
pub const TYPE_RW: u8 = 1 << 1;
/// Type bit: code (set) or data (clear).
pub const TYPE_CODE: u8 = 1 << 3;
/// System type: a busy 32-bit TSS (in IA-32e mode, a busy 64-bit TSS).
pub const TYPE_TSS_BUSY: u8 = 0xb;
/// The byte limit of a 4 GiB flat segment.
pub const FLAT_LIMIT: u32 = 0xffff_ffff;
/// The byte limit of a TSS without an I/O bitmap (`sizeof` the 32-bit TSS - 1; pvh.pandoc's
/// `tr` limit).
pub const TSS_LIMIT: u32 = 0x67;

/// A segment register as loaded: selector and the cached descriptor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    /// The selector (index << 3 | TI << 2 | RPL).
    pub selector: u16,
    /// Base address.
    pub base: u64,
    /// Limit in bytes (scaled by `granularity`).
    pub limit: u32,
    /// The 4-bit type field.
    pub kind: u8,
    /// S: a code or data segment (`false`: a system segment such as a TSS).
    pub code_data: bool,
    /// Descriptor privilege level.
    pub dpl: u8,
    /// P: present.
    pub present: bool,
    /// AVL.
    pub avl: bool,
    /// L: 64-bit code segment.
    pub long: bool,
    /// D/B: 32-bit default operand size (code) or big (data).
    pub db: bool,
    /// G: the limit counts 4 KiB units.
    pub granularity: bool,
}

impl Segment {
    /// A flat (base 0, 4 GiB) code segment, executable and readable, accessed, DPL 0: 64-bit
    /// (L = 1, D = 0) when `long`, else 32-bit (L = 0, D = 1).
    pub const fn flat_code(selector: u16, long: bool) -> Segment {
        Segment {
            selector,
            base: 0,
            limit: FLAT_LIMIT,
            kind: TYPE_CODE | TYPE_RW | TYPE_ACCESSED,
            code_data: true,
            dpl: 0,
            present: true,
            avl: false,
            long,
            db: !long,
            granularity: true,
        }
    }

    /// A flat (base 0, 4 GiB) data segment, writable, accessed, big, DPL 0.
    pub const fn flat_data(selector: u16) -> Segment {
        Segment {
            selector,
            base: 0,
            limit: FLAT_LIMIT,
            kind: TYPE_RW | TYPE_ACCESSED,
            code_data: true,
            dpl: 0,
            present: true,
            avl: false,
            long: false,
            db: true,
            granularity: true,
        }
    }

    /// A busy TSS at base 0 with limit 0x67 (pvh.pandoc's `tr`).
    pub const fn tss(selector: u16) -> Segment {
        Segment {
            selector,
            base: 0,
            limit: TSS_LIMIT,
            kind: TYPE_TSS_BUSY,
            code_data: false,
            dpl: 0,
            present: true,
            avl: false,
            long: false,
            db: false,
            granularity: false,
        }
    }

    /// The 8-byte descriptor (the low half of a 16-byte system descriptor in IA-32e mode; its
    /// high half holds base 63:32, see [`Segment::descriptor_high`]). A limit that is not
    /// representable with the granularity (G with low 12 bits not all ones) is rounded down.
    pub fn descriptor(&self) -> u64 {
        let raw_limit = if self.granularity {
            (self.limit >> 12) as u64
        } else {
            (self.limit & 0xf_ffff) as u64
        };
        let base = self.base & 0xffff_ffff;
        (raw_limit & 0xffff)
            | (base & 0xff_ffff) << 16
            | ((self.kind & 0xf) as u64) << 40
            | (self.code_data as u64) << 44
            | ((self.dpl & 3) as u64) << 45
            | (self.present as u64) << 47
            | ((raw_limit >> 16) & 0xf) << 48
            | (self.avl as u64) << 52
            | (self.long as u64) << 53
            | (self.db as u64) << 54
            | (self.granularity as u64) << 55
            | (base >> 24) << 56
    }

    /// The high 8 bytes of a 16-byte system descriptor (IA-32e mode): base 63:32.
    pub fn descriptor_high(&self) -> u64 {
        self.base >> 32
    }

    /// The segment `selector` loads from the 8-byte `descriptor` (base 31:0 only).
    pub fn from_descriptor(selector: u16, d: u64) -> Segment {
        let raw_limit = ((d & 0xffff) | ((d >> 48) & 0xf) << 16) as u32;
        let granularity = d >> 55 & 1 != 0;
        Segment {
            selector,
            base: (d >> 16) & 0xff_ffff | ((d >> 56) & 0xff) << 24,
            limit: if granularity {
                raw_limit << 12 | 0xfff
            } else {
                raw_limit
            },
            kind: ((d >> 40) & 0xf) as u8,
            code_data: d >> 44 & 1 != 0,
            dpl: ((d >> 45) & 3) as u8,
            present: d >> 47 & 1 != 0,
            avl: d >> 52 & 1 != 0,
            long: d >> 53 & 1 != 0,
            db: d >> 54 & 1 != 0,
            granularity,
        }
    }

    /// A code segment (S set, type bit 3 set).
    pub fn is_code(&self) -> bool {
        self.code_data && self.kind & TYPE_CODE != 0
    }

    /// A data segment (S set, type bit 3 clear).
    pub fn is_data(&self) -> bool {
        self.code_data && self.kind & TYPE_CODE == 0
    }

    /// Base 0 and a 4 GiB limit.
    pub fn is_flat(&self) -> bool {
        self.base == 0 && self.limit == FLAT_LIMIT
    }

    /// One line for reports: selector, base, limit and the attributes that matter.
    pub fn describe(&self) -> String {
        format!(
            "sel {:#06x} base {:#x} limit {:#x} type {:#x}{}{}{}{} dpl {}",
            self.selector,
            self.base,
            self.limit,
            self.kind,
            if self.code_data { " S" } else { " system" },
            if self.present { " P" } else { " not-present" },
            if self.long { " L" } else { "" },
            if self.db { " D/B" } else { "" },
            self.dpl
        )
    }
}

/// A descriptor table register (GDTR, IDTR): base and limit (last valid byte offset).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableReg {
    /// Linear base address.
    pub base: u64,
    /// Limit: the table's size - 1.
    pub limit: u16,
}

/// A GDT of `segments` at their selectors' indexes (null entries between them), each 8 bytes,
/// or 16 for a system segment when `long` (IA-32e mode system descriptors are 16 bytes).
pub fn gdt(segments: &[Segment], long: bool) -> Vec<u8> {
    let mut b = Vec::new();
    for s in segments {
        let at = (s.selector & !7) as usize;
        let len = if long && !s.code_data { 16 } else { 8 };
        if b.len() < at + len {
            b.resize(at + len, 0);
        }
        b[at..at + 8].copy_from_slice(&s.descriptor().to_le_bytes());
        if len == 16 {
            b[at + 8..at + 16].copy_from_slice(&s.descriptor_high().to_le_bytes());
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_descriptors_are_the_well_known_values() {
        // The values Linux's own boot GDTs and the KVM VMMs write (GDT_ENTRY(0xa09b, 0,
        // 0xfffff) for 64-bit code, 0xc09b for 32-bit code, 0xc093 for data).
        assert_eq!(
            Segment::flat_code(0x10, true).descriptor(),
            0x00af_9b00_0000_ffff
        );
        assert_eq!(
            Segment::flat_code(0x10, false).descriptor(),
            0x00cf_9b00_0000_ffff
        );
        assert_eq!(Segment::flat_data(0x18).descriptor(), 0x00cf_9300_0000_ffff);
        assert_eq!(Segment::tss(0x20).descriptor(), 0x0000_8b00_0000_0067);
    }

    #[test]
    fn descriptors_round_trip() {
        for s in [
            Segment::flat_code(0x10, true),
            Segment::flat_code(0x08, false),
            Segment::flat_data(0x18),
            Segment::tss(0x20),
            Segment {
                base: 0x1234_5678,
                limit: 0xabcd_efff,
                dpl: 3,
                avl: true,
                ..Segment::flat_data(0x2b)
            },
        ] {
            let s = if s.granularity {
                s
            } else {
                Segment {
                    limit: s.limit & 0xf_ffff,
                    ..s
                }
            };
            assert_eq!(Segment::from_descriptor(s.selector, s.descriptor()), s);
        }
        let d = Segment::from_descriptor(0x10, 0x00af_9b00_0000_ffff);
        assert!(d.is_code() && d.long && !d.db && d.is_flat() && d.present);
    }

    #[test]
    fn gdt_puts_each_segment_at_its_selector() {
        let g = gdt(
            &[
                Segment::flat_code(0x10, true),
                Segment::flat_data(0x18),
                Segment::tss(0x20),
            ],
            true,
        );
        assert_eq!(g.len(), 0x30);
        assert_eq!(&g[..0x10], &[0; 16]);
        assert_eq!(
            u64::from_le_bytes(g[0x10..0x18].try_into().unwrap()),
            0x00af_9b00_0000_ffff
        );
        assert_eq!(&g[0x28..0x30], &[0; 8]);
        assert_eq!(gdt(&[Segment::tss(0x20)], false).len(), 0x28);
    }
}
