//! The x86 machine's power register: one 8-bit I/O port that the FADT names as the
//! hardware-reduced sleep control register, sleep status register and reset register, as Cloud
//! Hypervisor's `AcpiShutdownDevice` (`devices/src/acpi.rs`) at the same port. This is the
//! contract the machine implements.
//!
//! Register layout (ACPI 6.5 §4.8.3.7 "Sleep Control and Status Registers", §4.8.3.6 "Reset
//! Register"):
//! - a write of `SLP_EN | SLP_TYPx << 2` powers off when SLP_TYPx is the `\_S5_` value of the
//!   DSDT (5): the byte [`S5_SLEEP_VALUE`] = 0x34 (Linux `acpi_hw_extended_sleep` writes
//!   exactly this for `poweroff`);
//! - a write of [`RESET_VALUE`] (the FADT's RESET_VALUE, 1) resets the machine (Linux
//!   `acpi_reboot`, the first method of `reboot=`'s default on an ACPI machine);
//! - a write of [`WAK_STS`] (0x80, what Linux writes to clear the wake status before sleeping)
//!   and any other byte are ignored;
//! - reads return 0 (no wake status: the machine never sleeps and wakes);
//! - only 1-byte accesses at [`POWER_PORT`]: the FADT's registers are 8 bits wide with byte
//!   access.

/// The power register's I/O port (Cloud Hypervisor's).
pub const POWER_PORT: u16 = 0x600;
/// SLP_EN: bit 5 of the sleep control register.
pub const SLP_EN: u8 = 1 << 5;
/// SLP_TYPx's position in the sleep control register (bits 4:2).
pub const SLP_TYP_SHIFT: u8 = 2;
/// The `\_S5_` sleep type the DSDT declares.
pub const S5_SLP_TYP: u8 = 5;
/// The byte that powers off: `SLP_EN | 5 << 2` = 0x34.
pub const S5_SLEEP_VALUE: u8 = SLP_EN | S5_SLP_TYP << SLP_TYP_SHIFT;
/// WAK_STS: bit 7 of the sleep status register (written 1 to clear).
pub const WAK_STS: u8 = 1 << 7;
/// The FADT's RESET_VALUE: the byte that resets.
pub const RESET_VALUE: u8 = 1;

/// What a byte written to [`POWER_PORT`] asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowerWrite {
    /// Enter S5: power off.
    PowerOff,
    /// Reset the machine.
    Reset,
    /// Nothing (a wake status clear, another sleep state, anything else).
    Ignore,
}

/// Decode a byte written to [`POWER_PORT`].
pub fn decode(value: u8) -> PowerWrite {
    match value {
        S5_SLEEP_VALUE => PowerWrite::PowerOff,
        RESET_VALUE => PowerWrite::Reset,
        _ => PowerWrite::Ignore,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bytes_linux_writes() {
        // Cloud Hypervisor: S5_SLEEP_VALUE << SLEEP_VALUE_BIT | 1 << SLEEP_STATUS_EN_BIT.
        assert_eq!(S5_SLEEP_VALUE, 0x34);
        assert_eq!(decode(0x34), PowerWrite::PowerOff);
        assert_eq!(decode(1), PowerWrite::Reset);
        assert_eq!(decode(WAK_STS), PowerWrite::Ignore);
        // S3 (SLP_TYP 1) is not a state of this machine.
        assert_eq!(decode(SLP_EN | 1 << 2), PowerWrite::Ignore);
    }
}
