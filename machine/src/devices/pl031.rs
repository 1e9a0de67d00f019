//! Arm PrimeCell Real Time Clock (PL031), after the *PrimeCell Real Time Clock (PL031)
//! Technical Reference Manual*, Arm DDI 0224 (§3 "Programmers Model", register summary).
//!
//! Time comes from the machine's virtual clock only, so runs stay reproducible: `RTCDR` =
//! the load offset + whole virtual seconds (system counter / [`CNTFRQ`]), where the offset
//! starts at the configured epoch (`--rtc-epoch`, default [`DEFAULT_EPOCH`]) at counter 0.
//!
//! Modelled:
//! - `RTCDR` (read-only count), `RTCLR` (load: the count becomes the value written),
//!   `RTCMR` (match), `RTCCR` (reads 1: the counter always runs, writes ignored — as QEMU),
//!   `RTCIMSC`, `RTCRIS`, `RTCMIS`, `RTCICR`: the match interrupt is raised when the count
//!   reaches `RTCMR` (computed after `RTCMR`/`RTCLR` writes as the next second boundary where
//!   they agree, and delivered by the machine at that virtual time, [`MmioDevice::next_deadline`]),
//!   cleared through `RTCICR`; the output is `RIS & IMSC` (SPI 2 on `virt`).
//! - `RTCPeriphID0–3`, `RTCPCellID0–3`: part 0x031, designer 0x41, revision 1 (QEMU's values).
//!
//! Not modelled: the test registers (RAZ/WI). Unknown offsets are logged and RAZ/WI. A system
//! reset keeps the load offset (the RTC is always-on) and clears match and interrupt state.

use bootemu_cpu::aarch64::sysreg::id::CNTFRQ;

use super::{size_mask, MmioDevice};

/// Data register.
pub const DR: u64 = 0x00;
/// Match register.
pub const MR: u64 = 0x04;
/// Load register.
pub const LR: u64 = 0x08;
/// Control register.
pub const CR: u64 = 0x0c;
/// Interrupt mask set/clear.
pub const IMSC: u64 = 0x10;
/// Raw interrupt status.
pub const RIS: u64 = 0x14;
/// Masked interrupt status.
pub const MIS: u64 = 0x18;
/// Interrupt clear.
pub const ICR: u64 = 0x1c;
/// First identification register.
pub const ID_BASE: u64 = 0xfe0;
/// PeriphID0..3 then PCellID0..3.
pub const ID: [u8; 8] = [0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1];
/// The one interrupt bit.
const INT_ALARM: u32 = 1;
/// Default `--rtc-epoch`: 2023-11-14 22:13:20 UTC, a fixed date so that runs are reproducible.
pub const DEFAULT_EPOCH: u32 = 1_700_000_000;

/// PL031 state.
#[derive(Debug, Clone)]
pub struct Pl031 {
    /// RTCDR at counter 0 (wrapping).
    offset: u32,
    mr: u32,
    imsc: u32,
    ris: u32,
    /// Current value of the system counter, as the machine last told it.
    now: u64,
    /// Counter value of the next match, if one is due.
    alarm: Option<u64>,
}

impl Pl031 {
    /// An RTC reading `epoch` at virtual time 0.
    pub fn new(epoch: u32) -> Self {
        Pl031 {
            offset: epoch,
            mr: 0,
            imsc: 0,
            ris: 0,
            now: 0,
            alarm: None,
        }
    }

    fn seconds(&self) -> u64 {
        self.now / CNTFRQ
    }

    fn count(&self) -> u32 {
        self.offset.wrapping_add(self.seconds() as u32)
    }

    /// After MR or LR changed: when does the count next equal MR?
    fn arm_alarm(&mut self) {
        let ticks = self.mr.wrapping_sub(self.count());
        if ticks == 0 {
            self.ris |= INT_ALARM;
            self.alarm = None;
        } else {
            self.alarm = Some((self.seconds() + ticks as u64) * CNTFRQ);
        }
    }

    fn read32(&self, offset: u64) -> u32 {
        match offset {
            DR => self.count(),
            MR => self.mr,
            LR => self.count(),
            CR => 1,
            IMSC => self.imsc,
            RIS => self.ris,
            MIS => self.ris & self.imsc,
            ID_BASE..=0xffc => ID[((offset - ID_BASE) / 4) as usize] as u32,
            _ => {
                log::warn!("pl031: read of unknown offset {offset:#x}");
                0
            }
        }
    }

    fn write32(&mut self, offset: u64, v: u32) {
        match offset {
            MR => {
                self.mr = v;
                self.arm_alarm();
            }
            LR => {
                self.offset = v.wrapping_sub(self.seconds() as u32);
                self.arm_alarm();
            }
            CR => {}
            IMSC => self.imsc = v & INT_ALARM,
            ICR => self.ris &= !(v & INT_ALARM),
            _ => log::warn!("pl031: write of {v:#x} to read-only or unknown offset {offset:#x}"),
        }
    }
}

impl MmioDevice for Pl031 {
    fn name(&self) -> &'static str {
        "pl031"
    }

    fn reg_name(&self, offset: u64) -> Option<&'static str> {
        Some(match offset {
            DR => "RTCDR",
            MR => "RTCMR",
            LR => "RTCLR",
            CR => "RTCCR",
            IMSC => "RTCIMSC",
            RIS => "RTCRIS",
            MIS => "RTCMIS",
            ICR => "RTCICR",
            ID_BASE..=0xfff => "RTCPeriphID/PCellID",
            _ => return None,
        })
    }

    fn read(&mut self, offset: u64, size: u8) -> u64 {
        if !offset.is_multiple_of(4) {
            log::warn!("pl031: misaligned read at offset {offset:#x}");
            return 0;
        }
        self.read32(offset) as u64 & size_mask(size)
    }

    fn write(&mut self, offset: u64, size: u8, value: u64) {
        if !offset.is_multiple_of(4) {
            log::warn!("pl031: misaligned write at offset {offset:#x}");
            return;
        }
        self.write32(offset, (value & size_mask(size)) as u32);
    }

    fn irq_level(&self) -> bool {
        self.ris & self.imsc != 0
    }

    fn keeps_time(&self) -> bool {
        true
    }

    fn set_time(&mut self, counter: u64) {
        self.now = counter;
        if self.alarm.is_some_and(|a| a <= counter) {
            self.ris |= INT_ALARM;
            self.alarm = None;
        }
    }

    fn next_deadline(&self) -> Option<u64> {
        self.alarm
    }

    fn reset(&mut self) {
        let (offset, now) = (self.offset, self.now);
        *self = Pl031::new(offset);
        self.now = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_virtual_seconds_from_the_epoch() {
        let mut r = Pl031::new(1000);
        assert_eq!(r.read(DR, 4), 1000);
        r.set_time(CNTFRQ - 1);
        assert_eq!(r.read(DR, 4), 1000);
        r.set_time(3 * CNTFRQ);
        assert_eq!(r.read(DR, 4), 1003);
        assert_eq!(r.read(CR, 4), 1, "always enabled");
    }

    #[test]
    fn load_sets_the_count() {
        let mut r = Pl031::new(DEFAULT_EPOCH);
        r.set_time(5 * CNTFRQ);
        r.write(LR, 4, 42);
        assert_eq!(r.read(DR, 4), 42);
        r.set_time(7 * CNTFRQ + 1);
        assert_eq!(r.read(DR, 4), 44);
    }

    #[test]
    fn match_interrupt_at_the_second_boundary() {
        let mut r = Pl031::new(100);
        r.write(IMSC, 4, 1);
        r.write(MR, 4, 102);
        assert_eq!(r.next_deadline(), Some(2 * CNTFRQ));
        r.set_time(2 * CNTFRQ - 1);
        assert!(!r.irq_level());
        r.set_time(2 * CNTFRQ);
        assert!(r.irq_level());
        assert_eq!(r.read(RIS, 4), 1);
        assert_eq!(r.read(MIS, 4), 1);
        assert_eq!(r.next_deadline(), None);
        r.write(ICR, 4, 1);
        assert!(!r.irq_level());
    }

    #[test]
    fn masked_match_sets_raw_status_only() {
        let mut r = Pl031::new(5);
        r.write(MR, 4, 5);
        assert_eq!(r.read(RIS, 4), 1, "match now");
        assert_eq!(r.read(MIS, 4), 0);
        assert!(!r.irq_level());
    }

    #[test]
    fn identification_and_reset() {
        let mut r = Pl031::new(9);
        let id: Vec<u64> = (0..8).map(|i| r.read(ID_BASE + 4 * i, 4)).collect();
        assert_eq!(id, [0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
        r.write(LR, 4, 77);
        r.write(IMSC, 4, 1);
        r.reset();
        assert_eq!(r.read(DR, 4), 77, "the count survives a reset");
        assert_eq!(r.read(IMSC, 4), 0);
        assert_eq!(r.read(0x500, 4), 0);
    }
}
