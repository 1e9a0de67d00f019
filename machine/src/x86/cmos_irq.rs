//! When the CMOS RTC's three interrupt sources fire, on virtual time (one instruction = 1 ns):
//! the periodic interrupt, the alarm and the update-ended interrupt of the MC146818A
//! datasheet ("Interrupts", "Periodic interrupt selection" table), with QEMU's
//! `hw/rtc/mc146818rtc.c` for what the datasheet leaves open. Pure timing; the register and
//! IRQ line state that uses it is [`super::cmos`].
//!
//! - Periodic: register A's rate bits RS3–RS0 select a period of `1 << (rate - 1)` cycles of
//!   the 32.768 kHz time base, rates 1 and 2 taken as 8 and 9 (the datasheet's table: those
//!   two are the 3.90625 ms and 7.8125 ms of the 4.194304/1.048576 MHz time bases, which
//!   QEMU maps like this), rate 0 none. As in QEMU the phase starts at the 32 kHz cycle when
//!   the interrupt is enabled (or the rate changed), the k-th event falling 1 ns after cycle
//!   `start + k·period` (QEMU's `periodic_timer_update`: `periodic_clock_to_ns(next) + 1`).
//! - Update-ended: at every second boundary of the running clock.
//! - Alarm: at the second boundary whose new time of day matches the three alarm bytes,
//!   each of which matches any value when its two high bits are set (the datasheet's "don't
//!   care" code, 0xC0–0xFF).

/// Nanoseconds per second.
pub const NS: u128 = 1_000_000_000;
/// The time base: 32.768 kHz.
pub const BASE_HZ: u128 = 32_768;

/// The periodic interrupt's period in 32 kHz cycles for register A's rate bits, or `None`
/// for rate 0 (no periodic interrupt).
pub fn periodic_cycles(rate: u8) -> Option<u64> {
    let rate = rate & 0x0f;
    match rate {
        0 => None,
        1 | 2 => Some(1 << (rate + 7 - 1)),
        r => Some(1 << (r - 1)),
    }
}

/// The 32 kHz cycle at virtual time `now`.
pub fn cycle_at(now: u64) -> u64 {
    (now as u128 * BASE_HZ / NS) as u64
}

/// The virtual time of the event at 32 kHz cycle `cycle` (1 ns after its start).
fn event_time(cycle: u64) -> u64 {
    (cycle as u128 * NS / BASE_HZ) as u64 + 1
}

/// The first periodic event after virtual time `after` of a phase started at cycle `start`
/// with `period` cycles (> 0).
pub fn next_periodic(start: u64, period: u64, after: u64) -> u64 {
    // k >= 1 with event_time(start + k * period) > after; estimate, then step.
    let elapsed = cycle_at(after).saturating_sub(start);
    let mut k = (elapsed / period).max(1);
    while k > 1 && event_time(start + (k - 1) * period) > after {
        k -= 1;
    }
    while event_time(start + k * period) <= after {
        k += 1;
    }
    event_time(start + k * period)
}

/// The alarm, as (hours 0–23, minutes, seconds), each `None` when "don't care".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Alarm {
    /// Hour of the day, 0–23.
    pub hour: Option<i64>,
    /// Minute.
    pub min: Option<i64>,
    /// Second.
    pub sec: Option<i64>,
}

impl Alarm {
    fn matches(&self, secs: i64) -> bool {
        let sod = secs.rem_euclid(86_400);
        let ok = |want: Option<i64>, have: i64| want.is_none_or(|w| w == have);
        ok(self.hour, sod / 3600) && ok(self.min, sod / 60 % 60) && ok(self.sec, sod % 60)
    }

    /// The first second count (since the Unix epoch) after `secs` whose time of day matches,
    /// or `None` when none ever does (a field out of range). At most a day ahead; found in
    /// at most 24 + 60 + 60 steps (a mismatched hour skips to the next hour, a mismatched
    /// minute to the next minute).
    pub fn next_after(&self, secs: i64) -> Option<i64> {
        let valid = |v: Option<i64>, max: i64| v.is_none_or(|v| (0..max).contains(&v));
        if !valid(self.hour, 24) || !valid(self.min, 60) || !valid(self.sec, 60) {
            return None;
        }
        let mut t = secs + 1;
        while t <= secs + 86_400 + 1 {
            let sod = t.rem_euclid(86_400);
            if self.hour.is_some_and(|h| h != sod / 3600) {
                t += 3600 - sod % 3600;
            } else if self.min.is_some_and(|m| m != sod / 60 % 60) {
                t += 60 - sod % 60;
            } else if self.matches(t) {
                return Some(t);
            } else {
                t += 1;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periodic_rates() {
        assert_eq!(periodic_cycles(0), None);
        // Rate 6: 1024 Hz (32 cycles); rate 15: 2 Hz; rates 1 and 2 as 8 and 9.
        assert_eq!(periodic_cycles(6), Some(32));
        assert_eq!(periodic_cycles(15), Some(16_384));
        assert_eq!(periodic_cycles(1), periodic_cycles(8));
        assert_eq!(periodic_cycles(2), periodic_cycles(9));
        assert_eq!(periodic_cycles(0x26), Some(32), "divider bits ignored");
    }

    #[test]
    fn periodic_events_on_the_32khz_grid() {
        // Started at cycle 0 with 32 cycles (1024 Hz): events 1 ns after cycles 32, 64, ...
        // 32 cycles = 976562.5 ns.
        assert_eq!(next_periodic(0, 32, 0), 976_563);
        assert_eq!(next_periodic(0, 32, 976_562), 976_563);
        assert_eq!(next_periodic(0, 32, 976_563), 1_953_126);
        assert_eq!(next_periodic(0, 32, 10_000_000), 10_742_188);
        // Started later: the phase follows the start cycle.
        let start = cycle_at(1_000_000); // cycle 32
        assert_eq!(next_periodic(start, 32, 1_000_000), 1_953_126);
    }

    #[test]
    fn alarm_matching_with_dont_care_fields() {
        // 1700000000 = 2023-11-14 22:13:20 UTC.
        let t = 1_700_000_000;
        let every_second = Alarm {
            hour: None,
            min: None,
            sec: None,
        };
        assert_eq!(every_second.next_after(t), Some(t + 1));
        let at_30s = Alarm {
            sec: Some(30),
            ..every_second
        };
        assert_eq!(at_30s.next_after(t), Some(t + 10));
        assert_eq!(at_30s.next_after(t + 10), Some(t + 70));
        let exact = Alarm {
            hour: Some(22),
            min: Some(13),
            sec: Some(19),
        };
        assert_eq!(exact.next_after(t), Some(t + 86_399), "tomorrow");
        let next_hour = Alarm {
            hour: Some(23),
            min: Some(0),
            sec: Some(0),
        };
        assert_eq!(next_hour.next_after(t), Some(t + 46 * 60 + 40));
        let bad = Alarm {
            hour: Some(24),
            ..every_second
        };
        assert_eq!(bad.next_after(t), None);
    }
}
