//! The PC's CMOS real-time clock: a Motorola MC146818-compatible RTC with its CMOS RAM at I/O
//! 0x70 (index) and 0x71 (data), after the MC146818A datasheet ("Address map", registers
//! A–D). Behaviour facts that the datasheet leaves open follow QEMU's
//! `hw/rtc/mc146818rtc.c`; what Linux reads follows `drivers/rtc/rtc-mc146818-lib.c`
//! (`mc146818_get_time`: register A's UIP bit around the reads, seconds, minutes, hours, day
//! of month, month, year, register B's DM and 24/12 bits, the century byte at the index the
//! ACPI FADT names — 0x32 here) and `arch/x86/kernel/rtc.c` (`mach_get_cmos_time`; x86 sets
//! `RTC_ALWAYS_BCD`, so the reset state is BCD).
//!
//! Time: the clock reads `epoch` (`--rtc-epoch`, Unix seconds, as the PL031 gets it) at
//! virtual time 0 and advances with virtual time, one instruction = 1 ns. Registers are
//! computed from that count when read, so no host time and no background ticking exist.
//!
//! Modelled:
//! - Index port 0x70: bits 6:0 select one of 128 bytes; bit 7 (the NMI disable on a PC) is
//!   not part of the index and is ignored (there is no NMI source). Reading 0x70 returns 0xff
//!   (QEMU; the port is write-only on a PC).
//! - Time and date registers 0x00 (seconds), 0x02 (minutes), 0x04 (hours; 12-hour mode has
//!   the PM flag in bit 7 and hours 1–12), 0x06 (day of week, Sunday = 1), 0x07 (day of
//!   month), 0x08 (month), 0x09 (year of century) and the century byte 0x32 (0x37, the PS/2
//!   century byte, is an alias of it as on QEMU), in BCD or binary as register B's DM bit
//!   says, 24- or 12-hour as its 24/12 bit says. Writes to them set the clock (keeping the
//!   position within the second).
//! - Register A: divider bits 6:4 and rate bits 3:0 stored; the clock runs when the divider
//!   is 0b010 or below (QEMU's test) and register B's SET is clear. UIP (bit 7, read-only)
//!   reads 1 during the last 244 µs (8 periods of 32.768 kHz) before each second boundary
//!   of the running clock — the window the datasheet gives before an update — so a reader
//!   that waits for UIP to clear sees it clear deterministically. Releasing the divider
//!   reset starts the clock half a second before its next update (datasheet).
//! - Register B: SET stops the clock so software can write a consistent time (UIE is
//!   cleared with it), clearing SET restarts it from the registers; DM, 24/12, DSE stored;
//!   PIE/AIE/UIE/SQWE stored.
//! - Register C: the interrupt flags PF, AF, UF (set when their event happens, whether or not
//!   enabled; PF only while PIE is set, as QEMU's periodic timer runs only then) and IRQF (set
//!   when a newly set flag is enabled in register B, or when B enables a flag already set);
//!   a read returns them and clears them all. Register D reads 0x80 (VRT: the RAM and time
//!   are valid).
//! - The interrupt line (ISA IRQ 8, I/O APIC pin 8, edge-triggered as Linux programs it from
//!   the DSDT's `PNP0B00` device): raised with IRQF, lowered by a read of register C or a
//!   register B write that leaves no enabled flag set (QEMU's `qemu_irq_raise`/`lower`); each
//!   rise is one edge ([`PortDevice::take_irq_edge`]). Events are computed from virtual time
//!   ([`super::cmos_irq`]) when the RTC is accessed and when the run loop advances it
//!   ([`PortDevice::advance`]); [`PortDevice::next_event`] tells the run loop when the next
//!   edge can come, so a slice is cut there and an idle HLT skips to it.
//! - Alarm registers 0x01/0x03/0x05 (hours with the PM bit in 12-hour mode; 0xC0–0xFF
//!   "don't care") and CMOS RAM 0x0e–0x7f: storage (reset 0).
//!
//! Not modelled: daylight-saving adjustment (DSE is stored only), the square-wave output,
//! QEMU's reinjection of lost periodic ticks (its default `lost_tick_policy` is `discard`,
//! as here). Update-ended and alarm events happen only while the clock runs (register B's SET
//! clear): QEMU's internal clock keeps ticking under SET and can still raise them. Reset
//! keeps the time and RAM, clears PIE/AIE/SQWE and register C and lowers the line (QEMU).

use super::cmos_irq::{self, Alarm};
use super::ports::PortDevice;

/// I/O base: index port; data at +1.
pub const CMOS_BASE: u16 = 0x70;
/// Ports decoded.
pub const CMOS_PORTS: u32 = 2;

/// Register indices.
pub mod reg {
    /// Seconds.
    pub const SECONDS: u8 = 0x00;
    /// Seconds alarm.
    pub const SECONDS_ALARM: u8 = 0x01;
    /// Minutes.
    pub const MINUTES: u8 = 0x02;
    /// Minutes alarm.
    pub const MINUTES_ALARM: u8 = 0x03;
    /// Hours.
    pub const HOURS: u8 = 0x04;
    /// Hours alarm.
    pub const HOURS_ALARM: u8 = 0x05;
    /// Day of week (Sunday = 1).
    pub const DAY_OF_WEEK: u8 = 0x06;
    /// Day of month.
    pub const DAY_OF_MONTH: u8 = 0x07;
    /// Month.
    pub const MONTH: u8 = 0x08;
    /// Year of century.
    pub const YEAR: u8 = 0x09;
    /// Register A: UIP, divider, rate.
    pub const A: u8 = 0x0a;
    /// Register B: SET, PIE, AIE, UIE, SQWE, DM, 24/12, DSE.
    pub const B: u8 = 0x0b;
    /// Register C: interrupt flags.
    pub const C: u8 = 0x0c;
    /// Register D: VRT.
    pub const D: u8 = 0x0d;
    /// Century (the index the ACPI FADT's `century` field names).
    pub const CENTURY: u8 = 0x32;
    /// The IBM PS/2 century byte, an alias of [`CENTURY`].
    pub const PS2_CENTURY: u8 = 0x37;
}

/// Register A: update in progress.
pub const A_UIP: u8 = 0x80;
/// Register B: SET (updates stopped).
pub const B_SET: u8 = 0x80;
/// Register B: periodic interrupt enable.
pub const B_PIE: u8 = 0x40;
/// Register B: alarm interrupt enable.
pub const B_AIE: u8 = 0x20;
/// Register B: update-ended interrupt enable.
pub const B_UIE: u8 = 0x10;
/// Register B: square-wave enable.
pub const B_SQWE: u8 = 0x08;
/// Register B: data mode binary (clear: BCD).
pub const B_DM: u8 = 0x04;
/// Register B: 24-hour mode (clear: 12-hour).
pub const B_24H: u8 = 0x02;
/// Register C: an enabled flag is set (the line is raised).
pub const C_IRQF: u8 = 0x80;
/// Register C: periodic interrupt flag.
pub const C_PF: u8 = 0x40;
/// Register C: alarm flag.
pub const C_AF: u8 = 0x20;
/// Register C: update-ended flag.
pub const C_UF: u8 = 0x10;
/// Register C: the three event flags, which line up with their enables in register B.
pub const C_EVENTS: u8 = C_PF | C_AF | C_UF;
/// The RTC's ISA IRQ (its I/O APIC pin).
pub const CMOS_IRQ: u8 = 8;
/// Register D: valid RAM and time.
pub const D_VRT: u8 = 0x80;
/// Hours register in 12-hour mode: PM.
pub const HOURS_PM: u8 = 0x80;
/// Reset register A: 32.768 kHz time base (divider 0b010), 1.024 kHz periodic rate.
pub const A_RESET: u8 = 0x26;
/// Reset register B: 24-hour, BCD.
pub const B_RESET: u8 = B_24H;

const NS: i128 = 1_000_000_000;
/// UIP reads set this long before each update: 8 periods of the 32.768 kHz time base.
pub const UIP_NS: i128 = 8 * NS / 32_768;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01: (year, month 1–12, day 1–31).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + (m <= 2) as i64, m, d)
}

/// The MC146818 RTC and its CMOS RAM.
#[derive(Debug, Clone)]
pub struct CmosRtc {
    ram: [u8; 128],
    index: u8,
    /// The clock in ns since the Unix epoch at virtual time `base_now` (while stopped: the
    /// time it stopped at).
    base_ns: i128,
    base_now: u64,
    /// Virtual time up to which events have set their flags.
    events_at: u64,
    /// The 32 kHz cycle the periodic interrupt's phase started at.
    periodic_start: u64,
    /// The interrupt line's level, and whether it rose since the machine last looked.
    line: bool,
    edge: bool,
}

/// Whether CMOS index `i` is a clock register (time of day, date, century).
fn is_clock(i: u8) -> bool {
    matches!(
        i,
        reg::SECONDS
            | reg::MINUTES
            | reg::HOURS
            | reg::DAY_OF_WEEK
            | reg::DAY_OF_MONTH
            | reg::MONTH
            | reg::YEAR
            | reg::CENTURY
    )
}

impl CmosRtc {
    /// An RTC reading `epoch` (Unix seconds) at virtual time 0, registers at their reset
    /// values.
    pub fn new(epoch: u32) -> Self {
        let mut ram = [0; 128];
        ram[reg::A as usize] = A_RESET;
        ram[reg::B as usize] = B_RESET;
        ram[reg::D as usize] = D_VRT;
        CmosRtc {
            ram,
            index: 0,
            base_ns: epoch as i128 * NS,
            base_now: 0,
            events_at: 0,
            periodic_start: 0,
            line: false,
            edge: false,
        }
    }

    /// The periodic interrupt's period in 32 kHz cycles, while it is enabled.
    fn periodic(&self) -> Option<u64> {
        if self.ram[reg::B as usize] & B_PIE == 0 {
            return None;
        }
        cmos_irq::periodic_cycles(self.ram[reg::A as usize])
    }

    /// The alarm bytes as a time of day (BCD or binary, 12- or 24-hour as register B says).
    fn alarm(&self) -> Alarm {
        let field = |i: u8| {
            let v = self.ram[i as usize];
            (v & 0xc0 != 0xc0).then(|| self.decode(v))
        };
        let raw = self.ram[reg::HOURS_ALARM as usize];
        let hour = if raw & 0xc0 == 0xc0 {
            None
        } else if self.ram[reg::B as usize] & B_24H != 0 {
            Some(self.decode(raw))
        } else {
            let h = self.decode(raw & !HOURS_PM) % 12;
            Some(h + if raw & HOURS_PM != 0 { 12 } else { 0 })
        };
        Alarm {
            hour,
            min: field(reg::MINUTES_ALARM),
            sec: field(reg::SECONDS_ALARM),
        }
    }

    /// Set the flags of the events in (`events_at`, `now`] and raise the line for those
    /// enabled. The registers are constant over that interval: every access advances first.
    pub fn advance(&mut self, now: u64) {
        if now <= self.events_at {
            return;
        }
        let from = std::mem::replace(&mut self.events_at, now);
        let mut flags = 0;
        if let Some(p) = self.periodic() {
            if cmos_irq::next_periodic(self.periodic_start, p, from) <= now {
                flags |= C_PF;
            }
        }
        if self.running() {
            let s0 = self.clock_ns(from).div_euclid(NS) as i64;
            let s1 = self.clock_ns(now).div_euclid(NS) as i64;
            if s1 > s0 {
                flags |= C_UF;
                if self.alarm().next_after(s0).is_some_and(|t| t <= s1) {
                    flags |= C_AF;
                }
            }
        }
        if flags != 0 {
            self.raise(flags);
        }
    }

    /// Events happened: set their flags; an enabled one newly set (a periodic tick counts
    /// every time, as QEMU raises its line on each) raises IRQF and the line.
    fn raise(&mut self, flags: u8) {
        let c = self.ram[reg::C as usize];
        let new = (flags & !c & (C_AF | C_UF)) | (flags & C_PF);
        self.ram[reg::C as usize] |= flags;
        if new & self.ram[reg::B as usize] & C_EVENTS != 0 {
            self.ram[reg::C as usize] |= C_IRQF;
            self.set_line(true);
        }
    }

    fn set_line(&mut self, level: bool) {
        self.edge |= level && !self.line;
        self.line = level;
    }

    /// The virtual time of the next event that can raise the line, if any: none while the
    /// line is up (a read of register C must lower it first).
    pub fn next_event(&self) -> Option<u64> {
        if self.line {
            return None;
        }
        let b = self.ram[reg::B as usize];
        let at = self.events_at;
        let mut next = self
            .periodic()
            .map(|p| cmos_irq::next_periodic(self.periodic_start, p, at));
        if self.running() && b & (B_UIE | B_AIE) != 0 {
            let clock = self.clock_ns(at);
            let s0 = clock.div_euclid(NS) as i64;
            let secs = if b & B_UIE != 0 {
                Some(s0 + 1)
            } else {
                self.alarm().next_after(s0)
            };
            if let Some(s) = secs {
                let t = at as i128 + (s as i128 * NS - clock);
                let t = u64::try_from(t).unwrap_or(u64::MAX);
                next = Some(next.map_or(t, |n| n.min(t)));
            }
        }
        next
    }

    fn running(&self) -> bool {
        self.ram[reg::B as usize] & B_SET == 0 && self.ram[reg::A as usize] & 0x70 <= 0x20
    }

    /// The clock at virtual time `now`, in ns since the Unix epoch (frozen while stopped).
    fn clock_ns(&self, now: u64) -> i128 {
        if self.running() {
            self.base_ns + now.saturating_sub(self.base_now) as i128
        } else {
            self.base_ns
        }
    }

    /// Whether UIP reads set at `now`.
    pub fn update_in_progress(&self, now: u64) -> bool {
        self.running() && self.clock_ns(now).rem_euclid(NS) >= NS - UIP_NS
    }

    fn binary(&self) -> bool {
        self.ram[reg::B as usize] & B_DM != 0
    }

    fn encode(&self, v: i64) -> u8 {
        let v = v.rem_euclid(100) as u8;
        if self.binary() {
            v
        } else {
            ((v / 10) << 4) | (v % 10)
        }
    }

    fn decode(&self, v: u8) -> i64 {
        if self.binary() {
            v as i64
        } else {
            ((v >> 4) as i64) * 10 + (v & 0x0f) as i64
        }
    }

    /// Write the time registers from the running clock.
    fn store_time(&mut self, now: u64) {
        let secs = self.clock_ns(now).div_euclid(NS) as i64;
        let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        let (hour, min, sec) = (sod / 3600, sod / 60 % 60, sod % 60);
        let hours = if self.ram[reg::B as usize] & B_24H != 0 {
            self.encode(hour)
        } else {
            let h12 = if hour % 12 == 0 { 12 } else { hour % 12 };
            self.encode(h12) | if hour >= 12 { HOURS_PM } else { 0 }
        };
        let fields = [
            (reg::SECONDS, self.encode(sec)),
            (reg::MINUTES, self.encode(min)),
            (reg::HOURS, hours),
            (reg::DAY_OF_WEEK, self.encode((days + 4).rem_euclid(7) + 1)),
            (reg::DAY_OF_MONTH, self.encode(d)),
            (reg::MONTH, self.encode(m)),
            (reg::YEAR, self.encode(y)),
            (reg::CENTURY, self.encode(y.div_euclid(100))),
        ];
        for (i, v) in fields {
            self.ram[i as usize] = v;
        }
    }

    /// The time the registers hold, in seconds since the Unix epoch (out-of-range fields are
    /// taken as they decode; a guest writing nonsense gets a nonsense date, never a panic).
    fn registers_secs(&self) -> i64 {
        let r = |i: u8| self.decode(self.ram[i as usize]);
        let raw_hours = self.ram[reg::HOURS as usize];
        let hour = if self.ram[reg::B as usize] & B_24H != 0 {
            r(reg::HOURS)
        } else {
            let h = self.decode(raw_hours & !HOURS_PM) % 12;
            h + if raw_hours & HOURS_PM != 0 { 12 } else { 0 }
        };
        let year = r(reg::CENTURY) * 100 + r(reg::YEAR);
        let month = r(reg::MONTH).clamp(1, 12);
        let days = days_from_civil(year, month, r(reg::DAY_OF_MONTH));
        days * 86_400 + hour * 3600 + r(reg::MINUTES) * 60 + r(reg::SECONDS)
    }

    /// Restart the clock from the registers at `now`, `sub_ns` into the second.
    fn start_from_registers(&mut self, now: u64, sub_ns: i128) {
        self.base_ns = self.registers_secs() as i128 * NS + sub_ns;
        self.base_now = now;
    }

    /// Read CMOS byte `index` (0–127) at virtual time `now`.
    pub fn read_reg(&mut self, now: u64, index: u8) -> u8 {
        self.advance(now);
        let index = match index & 0x7f {
            reg::PS2_CENTURY => reg::CENTURY,
            i => i,
        };
        match index {
            i if is_clock(i) => {
                if self.running() {
                    self.store_time(now);
                }
                self.ram[index as usize]
            }
            reg::A => {
                let uip = if self.update_in_progress(now) {
                    A_UIP
                } else {
                    0
                };
                self.ram[reg::A as usize] & !A_UIP | uip
            }
            reg::C => {
                self.set_line(false);
                std::mem::take(&mut self.ram[reg::C as usize])
            }
            reg::D => D_VRT,
            i => self.ram[i as usize],
        }
    }

    /// Write CMOS byte `index` (0–127) at virtual time `now`.
    pub fn write_reg(&mut self, now: u64, index: u8, value: u8) {
        self.advance(now);
        let old_period = self.periodic();
        let index = match index & 0x7f {
            reg::PS2_CENTURY => reg::CENTURY,
            i => i,
        };
        let was_running = self.running();
        if was_running {
            self.store_time(now);
        }
        let clock = self.clock_ns(now);
        let sub_ns = clock.rem_euclid(NS);
        match index {
            i if is_clock(i) => {
                self.ram[index as usize] = value;
                if was_running {
                    self.start_from_registers(now, sub_ns);
                }
            }
            reg::A => {
                let released = self.ram[reg::A as usize] & 0x60 == 0x60 && value & 0x70 <= 0x20;
                self.ram[reg::A as usize] = value & !A_UIP;
                if !was_running && self.running() {
                    // Out of divider reset the first update comes half a second later.
                    let sub = if released { NS / 2 } else { sub_ns };
                    self.start_from_registers(now, sub);
                }
            }
            reg::B => {
                let value = if value & B_SET != 0 {
                    value & !B_UIE
                } else {
                    value
                };
                self.ram[reg::B as usize] = value;
                if !was_running && self.running() {
                    self.start_from_registers(now, sub_ns);
                }
                // A flag already set raises the line when enabled; otherwise it drops.
                let pending = value & self.ram[reg::C as usize] & C_EVENTS != 0;
                if pending {
                    self.ram[reg::C as usize] |= C_IRQF;
                } else {
                    self.ram[reg::C as usize] &= !C_IRQF;
                }
                self.set_line(pending);
            }
            reg::C | reg::D => {}
            i => self.ram[i as usize] = value,
        }
        if was_running && !self.running() {
            // Stopped: freeze the clock (a restart keeps the position within the second).
            self.base_ns = clock;
            self.base_now = now;
        }
        let period = self.periodic();
        if period.is_some() && period != old_period {
            // Enabled or re-rated: the phase starts at this 32 kHz cycle.
            self.periodic_start = cmos_irq::cycle_at(now);
        }
    }

    /// Preset a CMOS RAM byte (0x0e–0x7f) the machine fills for firmware.
    pub fn set_ram(&mut self, index: u8, value: u8) {
        if (reg::D + 1..0x80).contains(&index) && index != reg::CENTURY {
            self.ram[index as usize] = value;
        }
    }
}

impl PortDevice for CmosRtc {
    fn name(&self) -> &'static str {
        "cmos-rtc"
    }

    fn read(&mut self, now: u64, offset: u16, _size: u8) -> u32 {
        match offset {
            0 => 0xff,
            _ => self.read_reg(now, self.index) as u32,
        }
    }

    fn write(&mut self, now: u64, offset: u16, _size: u8, value: u32) {
        match offset {
            0 => self.index = value as u8 & 0x7f,
            _ => self.write_reg(now, self.index, value as u8),
        }
    }

    /// System reset: time and RAM kept; PIE, AIE and SQWE cleared, register C cleared, the
    /// line lowered.
    fn reset(&mut self) {
        self.ram[reg::B as usize] &= !(B_PIE | B_AIE | B_SQWE);
        self.ram[reg::C as usize] = 0;
        self.line = false;
        self.edge = false;
    }

    fn take_irq_edge(&mut self) -> bool {
        std::mem::take(&mut self.edge)
    }

    fn next_event(&self) -> Option<u64> {
        CmosRtc::next_event(self)
    }

    fn advance(&mut self, now: u64) {
        CmosRtc::advance(self, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: u64 = 1_000_000_000;

    fn read(r: &mut CmosRtc, now: u64, i: u8) -> u8 {
        r.write(now, 0, 1, i as u32);
        r.read(now, 1, 1) as u8
    }

    fn write(r: &mut CmosRtc, now: u64, i: u8, v: u8) {
        r.write(now, 0, 1, i as u32);
        r.write(now, 1, 1, v as u32);
    }

    /// (century, year, month, day, hours, minutes, seconds, weekday) as the registers read.
    fn date(r: &mut CmosRtc, now: u64) -> [u8; 8] {
        [
            reg::CENTURY,
            reg::YEAR,
            reg::MONTH,
            reg::DAY_OF_MONTH,
            reg::HOURS,
            reg::MINUTES,
            reg::SECONDS,
            reg::DAY_OF_WEEK,
        ]
        .map(|i| read(r, now, i))
    }

    // Dates below: Python's `datetime.fromtimestamp(t, timezone.utc)`; weekday
    // `isoweekday() % 7 + 1` (Sunday = 1).

    #[test]
    fn reset_registers() {
        let mut r = CmosRtc::new(0);
        assert_eq!(read(&mut r, 0, reg::A), 0x26);
        assert_eq!(read(&mut r, 0, reg::B), 0x02);
        assert_eq!(read(&mut r, 0, reg::C), 0x00);
        assert_eq!(read(&mut r, 0, reg::D), 0x80);
        assert_eq!(r.read(0, 0, 1), 0xff, "the index port reads 0xff");
    }

    #[test]
    fn bcd_date_from_the_epoch() {
        // 1700000000 = 2023-11-14 22:13:20 UTC, a Tuesday.
        let mut r = CmosRtc::new(1_700_000_000);
        assert_eq!(
            date(&mut r, 0),
            [0x20, 0x23, 0x11, 0x14, 0x22, 0x13, 0x20, 3]
        );
    }

    #[test]
    fn virtual_time_advances_the_clock_across_a_leap_day() {
        // 1709164799 = 2024-02-28 23:59:59 UTC (Wednesday); one second later is Feb 29.
        let mut r = CmosRtc::new(1_709_164_799);
        assert_eq!(date(&mut r, SEC - 1)[3], 0x28);
        assert_eq!(
            date(&mut r, SEC),
            [0x20, 0x24, 0x02, 0x29, 0x00, 0x00, 0x00, 5]
        );
        // 86400 s later: March 1st.
        assert_eq!(date(&mut r, 86_401 * SEC)[2..4], [0x03, 0x01]);
    }

    #[test]
    fn century_rolls_over() {
        // 946684799 = 1999-12-31 23:59:59 UTC (Friday).
        let mut r = CmosRtc::new(946_684_799);
        assert_eq!(
            date(&mut r, 0),
            [0x19, 0x99, 0x12, 0x31, 0x23, 0x59, 0x59, 6]
        );
        assert_eq!(
            date(&mut r, SEC),
            [0x20, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 7]
        );
        assert_eq!(read(&mut r, SEC, reg::PS2_CENTURY), 0x20);
    }

    #[test]
    fn binary_and_twelve_hour_modes() {
        let mut r = CmosRtc::new(1_700_000_000); // 22:13:20
        write(&mut r, 0, reg::B, B_DM | B_24H);
        assert_eq!(date(&mut r, 0), [20, 23, 11, 14, 22, 13, 20, 3]);
        write(&mut r, 0, reg::B, 0); // BCD, 12-hour: 10 PM.
        assert_eq!(read(&mut r, 0, reg::HOURS), HOURS_PM | 0x10);
        write(&mut r, 0, reg::B, B_DM); // binary, 12-hour.
        assert_eq!(read(&mut r, 0, reg::HOURS), HOURS_PM | 10);
        // Midnight is 12 AM, noon 12 PM. 1907712000 = 2030-06-15 00:00:00 UTC.
        let mut r = CmosRtc::new(1_907_712_000);
        write(&mut r, 0, reg::B, 0);
        assert_eq!(read(&mut r, 0, reg::HOURS), 0x12);
        assert_eq!(read(&mut r, 12 * 3600 * SEC, reg::HOURS), HOURS_PM | 0x12);
    }

    #[test]
    fn uip_in_the_last_244_us_of_each_second() {
        let mut r = CmosRtc::new(1_700_000_000);
        let window = 244_140; // 8 / 32768 s in ns
        assert_eq!(read(&mut r, 0, reg::A), 0x26);
        assert_eq!(read(&mut r, SEC - window - 1, reg::A), 0x26);
        assert_eq!(read(&mut r, SEC - window, reg::A), 0xa6);
        assert_eq!(read(&mut r, SEC - 1, reg::A), 0xa6);
        assert_eq!(read(&mut r, SEC, reg::A), 0x26);
        assert_eq!(read(&mut r, 5 * SEC - 1, reg::A), 0xa6);
        // UIP is read-only.
        write(&mut r, 0, reg::A, 0xa6);
        assert_eq!(read(&mut r, 0, reg::A), 0x26);
    }

    #[test]
    fn set_bit_stops_the_clock_and_writes_set_it() {
        let mut r = CmosRtc::new(1_700_000_000);
        write(&mut r, 0, reg::B, B_SET | B_24H | B_UIE);
        assert_eq!(read(&mut r, 0, reg::B), B_SET | B_24H, "SET clears UIE");
        // Stopped: no updates and no UIP.
        assert_eq!(read(&mut r, 10 * SEC, reg::SECONDS), 0x20);
        assert_eq!(read(&mut r, 11 * SEC - 1, reg::A), 0x26);
        // Set 2030-01-02 03:04:05 and restart.
        for (i, v) in [
            (reg::CENTURY, 0x20),
            (reg::YEAR, 0x30),
            (reg::MONTH, 0x01),
            (reg::DAY_OF_MONTH, 0x02),
            (reg::HOURS, 0x03),
            (reg::MINUTES, 0x04),
            (reg::SECONDS, 0x05),
        ] {
            write(&mut r, 10 * SEC, i, v);
        }
        write(&mut r, 10 * SEC, reg::B, B_24H);
        assert_eq!(
            date(&mut r, 12 * SEC)[..7],
            [0x20, 0x30, 0x01, 0x02, 0x03, 0x04, 0x07]
        );
        // 2030-01-02 is a Wednesday.
        assert_eq!(read(&mut r, 12 * SEC, reg::DAY_OF_WEEK), 4);
    }

    #[test]
    fn a_stop_with_set_keeps_the_position_within_the_second() {
        let mut r = CmosRtc::new(1_700_000_000);
        write(&mut r, 3 * SEC / 10, reg::B, B_SET | B_24H);
        write(&mut r, 10 * SEC, reg::B, B_24H);
        assert_eq!(
            read(&mut r, 10 * SEC + 7 * SEC / 10 - 1, reg::SECONDS),
            0x20
        );
        assert_eq!(read(&mut r, 10 * SEC + 7 * SEC / 10, reg::SECONDS), 0x21);
    }

    #[test]
    fn linux_set_time_sequence() {
        // drivers/rtc/rtc-mc146818-lib.c `mc146818_set_time`: B |= SET, A |= DIV_RESET2
        // (0x70), the fields (BCD), century at the FADT's index, then B and A restored.
        let mut r = CmosRtc::new(1_700_000_000);
        let (b, a) = (read(&mut r, 0, reg::B), read(&mut r, 0, reg::A));
        write(&mut r, 0, reg::B, b | B_SET);
        write(&mut r, 0, reg::A, a | 0x70);
        for (i, v) in [
            (reg::YEAR, 0x25),
            (reg::MONTH, 0x07),
            (reg::DAY_OF_MONTH, 0x04),
            (reg::HOURS, 0x12),
            (reg::MINUTES, 0x30),
            (reg::SECONDS, 0x00),
            (reg::CENTURY, 0x20),
        ] {
            write(&mut r, 0, i, v);
        }
        write(&mut r, 0, reg::B, b);
        assert_eq!(
            read(&mut r, SEC, reg::SECONDS),
            0x00,
            "divider still in reset"
        );
        write(&mut r, SEC, reg::A, a);
        // The first update half a second after the divider is released.
        assert_eq!(read(&mut r, SEC + SEC / 2 - 1, reg::SECONDS), 0x00);
        assert_eq!(
            date(&mut r, SEC + SEC / 2),
            [0x20, 0x25, 0x07, 0x04, 0x12, 0x30, 0x01, 6]
        );
    }

    #[test]
    fn writing_a_time_register_while_running_moves_the_clock() {
        let mut r = CmosRtc::new(1_700_000_000); // 22:13:20
        write(&mut r, SEC / 2, reg::MINUTES, 0x45);
        assert_eq!(read(&mut r, SEC / 2, reg::MINUTES), 0x45);
        // The position within the second is kept: the next second at SEC.
        assert_eq!(read(&mut r, SEC - 1, reg::SECONDS), 0x20);
        assert_eq!(read(&mut r, SEC, reg::SECONDS), 0x21);
    }

    #[test]
    fn divider_reset_stops_and_release_starts_half_a_second_before_an_update() {
        let mut r = CmosRtc::new(1_700_000_000);
        write(&mut r, 0, reg::A, 0x70);
        assert_eq!(read(&mut r, 5 * SEC, reg::SECONDS), 0x20);
        write(&mut r, 5 * SEC, reg::A, 0x26);
        assert_eq!(read(&mut r, 5 * SEC + SEC / 2 - 1, reg::SECONDS), 0x20);
        assert_eq!(read(&mut r, 5 * SEC + SEC / 2, reg::SECONDS), 0x21);
    }

    #[test]
    fn index_port_ignores_the_nmi_bit_and_ram_is_storage() {
        let mut r = CmosRtc::new(1_700_000_000);
        // 0x80 | 0x0d: NMI disable + register D.
        r.write(0, 0, 1, 0x8d);
        assert_eq!(r.read(0, 1, 1), 0x80);
        write(&mut r, 0, 0x8f, 0x0a); // shutdown status byte via the NMI-disabled index
        assert_eq!(read(&mut r, 0, 0x0f), 0x0a);
        write(&mut r, 0, 0x40, 0x5a);
        assert_eq!(read(&mut r, 0, 0x40), 0x5a);
        write(&mut r, 0, reg::SECONDS_ALARM, 0x30);
        assert_eq!(read(&mut r, 0, reg::SECONDS_ALARM), 0x30);
        // C and D are read-only.
        write(&mut r, 0, reg::D, 0);
        write(&mut r, 0, reg::C, 0xff);
        assert_eq!(read(&mut r, 0, reg::D), 0x80);
        assert_eq!(read(&mut r, 0, reg::C), 0);
        r.set_ram(0x34, 0x12);
        assert_eq!(read(&mut r, 0, 0x34), 0x12);
    }

    #[test]
    fn reset_keeps_time_and_clears_interrupt_enables() {
        let mut r = CmosRtc::new(1_700_000_000);
        write(&mut r, 0, reg::B, B_24H | B_PIE | B_AIE | B_SQWE);
        write(&mut r, 0, 0x20, 0x77);
        r.reset();
        assert_eq!(read(&mut r, 0, reg::B), B_24H);
        assert_eq!(read(&mut r, 0, 0x20), 0x77);
        assert_eq!(read(&mut r, 3 * SEC, reg::SECONDS), 0x23);
    }

    #[test]
    fn periodic_interrupt_edges_and_register_c() {
        let mut r = CmosRtc::new(1_700_000_000);
        assert_eq!(r.next_event(), None, "nothing enabled");
        // 1024 Hz (rate 6, the reset value), enabled at 0: events 1 ns after each 32 cycles.
        write(&mut r, 0, reg::B, B_24H | B_PIE);
        assert_eq!(r.next_event(), Some(976_563));
        r.advance(976_562);
        assert!(!r.take_irq_edge());
        r.advance(976_563);
        assert!(r.take_irq_edge(), "one edge");
        assert!(!r.take_irq_edge());
        // The line stays up until register C is read: later ticks make no edge.
        assert_eq!(r.next_event(), None);
        r.advance(5_000_000);
        assert!(!r.take_irq_edge());
        assert_eq!(read(&mut r, 5_000_000, reg::C), C_IRQF | C_PF);
        assert_eq!(read(&mut r, 5_000_000, reg::C), 0, "cleared by the read");
        assert_eq!(r.next_event(), Some(5_859_376));
        r.advance(5_859_376);
        assert!(r.take_irq_edge());
        // PIE off: no more events; the flag set stays until read, the line drops.
        write(&mut r, 6_000_000, reg::B, B_24H);
        assert_eq!(r.next_event(), None);
        assert_eq!(read(&mut r, 6_000_000, reg::C), C_PF);
    }

    #[test]
    fn update_ended_and_alarm_interrupts_at_second_boundaries() {
        // 22:13:20 at 0.
        let mut r = CmosRtc::new(1_700_000_000);
        // UF is set at each second boundary whether or not enabled; no edge without UIE.
        r.advance(SEC);
        assert!(!r.take_irq_edge());
        assert_eq!(read(&mut r, SEC, reg::C), C_UF);
        write(&mut r, SEC, reg::B, B_24H | B_UIE);
        assert_eq!(r.next_event(), Some(2 * SEC));
        r.advance(2 * SEC - 1);
        assert!(!r.take_irq_edge());
        r.advance(2 * SEC);
        assert!(r.take_irq_edge());
        assert_eq!(read(&mut r, 2 * SEC, reg::C), C_IRQF | C_UF);
        // Alarm at 22:13:25 (BCD): AF with UF at 5 s; AIE alone waits for it.
        write(&mut r, 2 * SEC, reg::B, B_24H | B_AIE);
        for (i, v) in [
            (reg::HOURS_ALARM, 0x22),
            (reg::MINUTES_ALARM, 0x13),
            (reg::SECONDS_ALARM, 0x25),
        ] {
            write(&mut r, 2 * SEC, i, v);
        }
        assert_eq!(r.next_event(), Some(5 * SEC));
        r.advance(5 * SEC - 1);
        assert!(!r.take_irq_edge());
        r.advance(5 * SEC);
        assert!(r.take_irq_edge());
        assert_eq!(read(&mut r, 5 * SEC, reg::C), C_IRQF | C_AF | C_UF);
        // "Don't care" hours and minutes: every minute at :25.
        write(&mut r, 5 * SEC, reg::HOURS_ALARM, 0xc0);
        write(&mut r, 5 * SEC, reg::MINUTES_ALARM, 0xff);
        assert_eq!(r.next_event(), Some(65 * SEC));
    }

    #[test]
    fn enabling_a_flag_already_set_raises_the_line_and_reset_lowers_it() {
        let mut r = CmosRtc::new(1_700_000_000);
        r.advance(SEC); // UF set, not enabled
        write(&mut r, SEC, reg::B, B_24H | B_UIE);
        assert!(r.take_irq_edge(), "B enables a set flag");
        assert_eq!(read(&mut r, SEC, reg::B), B_24H | B_UIE);
        // Disabling it drops IRQF and the line; enabling again is a new edge.
        write(&mut r, SEC, reg::B, B_24H);
        write(&mut r, SEC, reg::B, B_24H | B_UIE);
        assert!(r.take_irq_edge());
        r.reset();
        assert_eq!(read(&mut r, SEC, reg::C), 0);
        assert!(!r.take_irq_edge());
    }

    #[test]
    fn calendar_round_trip() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
