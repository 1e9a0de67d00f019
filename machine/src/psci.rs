//! PSCI, the Power State Coordination Interface (Arm DEN 0022, v1.0), served by the machine for
//! HVC (and SMC) calls from the guest: there is no EL2/EL3 firmware, so the board plays the part
//! of the PSCI implementation, as QEMU does for `virt` with `-kernel`.
//!
//! Implemented: `PSCI_VERSION` (returns 1.0), `SYSTEM_OFF` (ends the run cleanly),
//! `SYSTEM_RESET` (ends the run reporting a reset request; a full machine reset comes with the
//! system issue). Every other function ID returns `NOT_SUPPORTED` in x0, which DEN 0022 §5.1
//! allows for everything but the mandatory calls. `TODO(PSCI_CPU_ON)`: secondary CPUs.

/// `PSCI_VERSION` (SMC32).
pub const PSCI_VERSION: u32 = 0x8400_0000;
/// `SYSTEM_OFF` (SMC32).
pub const SYSTEM_OFF: u32 = 0x8400_0008;
/// `SYSTEM_RESET` (SMC32).
pub const SYSTEM_RESET: u32 = 0x8400_0009;
/// Version reported: major 1 in bits 31:16, minor 0.
pub const VERSION_1_0: u64 = 0x1_0000;
/// Return code `NOT_SUPPORTED` (-1), as x0 holds it.
pub const NOT_SUPPORTED: u64 = -1i64 as u64;

/// What a PSCI call asks of the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PsciAction {
    /// Put this value in x0 and continue.
    Return(u64),
    /// Power the system off.
    SystemOff,
    /// Reset the system.
    SystemReset,
}

/// Serve the call whose function ID is in `x0` (the SMC Calling Convention's W0) made with
/// immediate `imm`; SMCCC requires `imm` = 0, other immediates are not PSCI calls.
pub fn call(imm: u16, x0: u64) -> PsciAction {
    if imm != 0 {
        return PsciAction::Return(NOT_SUPPORTED);
    }
    match x0 as u32 {
        PSCI_VERSION => PsciAction::Return(VERSION_1_0),
        SYSTEM_OFF => PsciAction::SystemOff,
        SYSTEM_RESET => PsciAction::SystemReset,
        _ => PsciAction::Return(NOT_SUPPORTED),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psci_calls() {
        assert_eq!(call(0, 0x8400_0000), PsciAction::Return(0x10000));
        assert_eq!(call(0, 0x8400_0008), PsciAction::SystemOff);
        assert_eq!(call(0, 0x8400_0009), PsciAction::SystemReset);
        // CPU_ON (SMC64), PSCI_FEATURES, garbage: NOT_SUPPORTED = -1.
        for id in [0xc400_0003, 0x8400_000a, 0x1234] {
            assert_eq!(call(0, id), PsciAction::Return(u64::MAX));
        }
        assert_eq!(call(1, 0x8400_0008), PsciAction::Return(NOT_SUPPORTED));
    }
}
