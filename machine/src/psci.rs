//! PSCI, the Power State Coordination Interface (Arm DEN 0022D, v1.0), served by the machine for
//! HVC (vCPUs start at EL1) or SMC (vCPUs start at EL2) calls: there is no EL3 firmware, so the
//! board plays the part of the PSCI implementation, as QEMU does for `virt`.
//!
//! This file decodes a call ([`decode`]) and holds the rules that need no machine
//! ([`cpu_on_check`], [`affinity_info`], [`features`]); the machine carries the calls out.
//!
//! Implemented (32-bit `0x84…` and, where DEN 0022 defines one, 64-bit `0xC4…` IDs):
//! `PSCI_VERSION` (1.0), `PSCI_FEATURES` (0 for every implemented function; `CPU_SUSPEND`
//! reports the original power-state format, no OS-initiated mode), `CPU_SUSPEND` (a standby:
//! the vCPU waits for an interrupt as WFI does and returns `SUCCESS`, for power-down states
//! too — DEN 0022 §5.4 lets a power-down request return; QEMU does the same), `CPU_OFF`
//! (`DENIED` for the last vCPU that is on: nothing could ever turn it back on), `CPU_ON`,
//! `AFFINITY_INFO` (level 0 only), `MIGRATE_INFO_TYPE` (2: no Trusted OS, nothing to
//! migrate), `SYSTEM_OFF`, `SYSTEM_RESET`. Every other function ID, `MIGRATE` and
//! `MIGRATE_INFO_UP_CPU` included, returns `NOT_SUPPORTED`, which DEN 0022 §5.1 allows for
//! everything but the mandatory calls; HVC/SMC immediates other than 0 are not SMCCC calls and
//! return `NOT_SUPPORTED` too.

/// `PSCI_VERSION`.
pub const PSCI_VERSION: u32 = 0x8400_0000;
/// `CPU_SUSPEND` (SMC32).
pub const CPU_SUSPEND: u32 = 0x8400_0001;
/// `CPU_SUSPEND` (SMC64).
pub const CPU_SUSPEND64: u32 = 0xc400_0001;
/// `CPU_OFF`.
pub const CPU_OFF: u32 = 0x8400_0002;
/// `CPU_ON` (SMC32).
pub const CPU_ON: u32 = 0x8400_0003;
/// `CPU_ON` (SMC64).
pub const CPU_ON64: u32 = 0xc400_0003;
/// `AFFINITY_INFO` (SMC32).
pub const AFFINITY_INFO: u32 = 0x8400_0004;
/// `AFFINITY_INFO` (SMC64).
pub const AFFINITY_INFO64: u32 = 0xc400_0004;
/// `MIGRATE_INFO_TYPE`.
pub const MIGRATE_INFO_TYPE: u32 = 0x8400_0006;
/// `SYSTEM_OFF`.
pub const SYSTEM_OFF: u32 = 0x8400_0008;
/// `SYSTEM_RESET`.
pub const SYSTEM_RESET: u32 = 0x8400_0009;
/// `PSCI_FEATURES`.
pub const PSCI_FEATURES: u32 = 0x8400_000a;

/// Version reported: major 1 in bits 31:16, minor 0.
pub const VERSION_1_0: u64 = 0x1_0000;
/// `SUCCESS`.
pub const SUCCESS: i64 = 0;
/// `NOT_SUPPORTED`.
pub const NOT_SUPPORTED: i64 = -1;
/// `INVALID_PARAMETERS`.
pub const INVALID_PARAMETERS: i64 = -2;
/// `DENIED`.
pub const DENIED: i64 = -3;
/// `ALREADY_ON`.
pub const ALREADY_ON: i64 = -4;
/// `ON_PENDING`.
pub const ON_PENDING: i64 = -5;
/// `INVALID_ADDRESS`.
pub const INVALID_ADDRESS: i64 = -9;
/// `MIGRATE_INFO_TYPE`: Trusted OS not present or does not require migration.
pub const MIGRATE_NONE: i64 = 2;
/// `AFFINITY_INFO`: on.
pub const AFF_ON: i64 = 0;
/// `AFFINITY_INFO`: off.
pub const AFF_OFF: i64 = 1;
/// `AFFINITY_INFO`: on pending.
pub const AFF_ON_PENDING: i64 = 2;

/// Power state of one vCPU as PSCI sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Power {
    /// Off (never started, or CPU_OFF).
    Off,
    /// CPU_ON accepted; runs from its entry point when next scheduled.
    OnPending,
    /// Running (or waiting in WFI/WFE/CPU_SUSPEND).
    On,
}

/// A decoded call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// Answer with this value in x0 and continue.
    Return(i64),
    /// `CPU_SUSPEND`: wait for an interrupt, then return `SUCCESS`.
    Suspend,
    /// `CPU_OFF` for the caller.
    CpuOff,
    /// `CPU_ON`.
    CpuOn {
        /// Target MPIDR.
        target: u64,
        /// Entry point.
        entry: u64,
        /// Value for the target's x0.
        context: u64,
    },
    /// `AFFINITY_INFO`.
    AffinityInfo {
        /// Target MPIDR.
        target: u64,
        /// Lowest affinity level.
        level: u64,
    },
    /// `SYSTEM_OFF`.
    SystemOff,
    /// `SYSTEM_RESET`.
    SystemReset,
}

/// The name of PSCI function `id` (DEN 0022 5.1), for traces.
pub fn function_name(id: u32) -> Option<&'static str> {
    Some(match id {
        PSCI_VERSION => "PSCI_VERSION",
        CPU_SUSPEND | CPU_SUSPEND64 => "CPU_SUSPEND",
        CPU_OFF => "CPU_OFF",
        CPU_ON | CPU_ON64 => "CPU_ON",
        AFFINITY_INFO | AFFINITY_INFO64 => "AFFINITY_INFO",
        MIGRATE_INFO_TYPE => "MIGRATE_INFO_TYPE",
        SYSTEM_OFF => "SYSTEM_OFF",
        SYSTEM_RESET => "SYSTEM_RESET",
        PSCI_FEATURES => "PSCI_FEATURES",
        _ => return None,
    })
}

/// Decode the call made with immediate `imm` and x0–x3 = `x`. SMC32/HVC32 calls see only the
/// low 32 bits of their arguments (SMCCC §2.6).
pub fn decode(imm: u16, x: [u64; 4]) -> Call {
    if imm != 0 {
        return Call::Return(NOT_SUPPORTED);
    }
    let fid = x[0] as u32;
    let arg = |i: usize| {
        if fid & 0x4000_0000 != 0 {
            x[i]
        } else {
            x[i] as u32 as u64
        }
    };
    match fid {
        PSCI_VERSION => Call::Return(VERSION_1_0 as i64),
        PSCI_FEATURES => Call::Return(features(arg(1) as u32)),
        CPU_SUSPEND | CPU_SUSPEND64 => {
            // Original power_state format: StateID 15:0, StateType 16, AffinityLevel 25:24.
            if arg(1) & !0x0301_ffff != 0 {
                Call::Return(INVALID_PARAMETERS)
            } else {
                Call::Suspend
            }
        }
        CPU_OFF => Call::CpuOff,
        CPU_ON | CPU_ON64 => Call::CpuOn {
            target: arg(1),
            entry: arg(2),
            context: arg(3),
        },
        AFFINITY_INFO | AFFINITY_INFO64 => Call::AffinityInfo {
            target: arg(1),
            level: arg(2),
        },
        MIGRATE_INFO_TYPE => Call::Return(MIGRATE_NONE),
        SYSTEM_OFF => Call::SystemOff,
        SYSTEM_RESET => Call::SystemReset,
        _ => Call::Return(NOT_SUPPORTED),
    }
}

/// `PSCI_FEATURES(fid)`.
pub fn features(fid: u32) -> i64 {
    match fid {
        PSCI_VERSION | CPU_SUSPEND | CPU_SUSPEND64 | CPU_OFF | CPU_ON | CPU_ON64
        | AFFINITY_INFO | AFFINITY_INFO64 | MIGRATE_INFO_TYPE | SYSTEM_OFF | SYSTEM_RESET
        | PSCI_FEATURES => SUCCESS,
        _ => NOT_SUPPORTED,
    }
}

/// The vCPU whose affinity (`mpidr_of(i)` masked to the affinity fields) is `target`'s.
pub fn find_cpu(target: u64, ncpu: usize, affinity_of: impl Fn(usize) -> u64) -> Option<usize> {
    let aff = target & crate::gic::MPIDR_AFF_MASK;
    (0..ncpu).find(|&i| affinity_of(i) == aff)
}

/// `CPU_ON` checks: the index of the vCPU to start, or the error for x0.
pub fn cpu_on_check(power: &[Power], target: Option<usize>, entry: u64) -> Result<usize, i64> {
    let i = target.ok_or(INVALID_PARAMETERS)?;
    match power[i] {
        Power::On => Err(ALREADY_ON),
        Power::OnPending => Err(ON_PENDING),
        Power::Off if entry & 3 != 0 => Err(INVALID_ADDRESS),
        Power::Off => Ok(i),
    }
}

/// `AFFINITY_INFO` result.
pub fn affinity_info(power: &[Power], target: Option<usize>, level: u64) -> i64 {
    match (target, level) {
        (Some(i), 0) => match power[i] {
            Power::On => AFF_ON,
            Power::Off => AFF_OFF,
            Power::OnPending => AFF_ON_PENDING,
        },
        _ => INVALID_PARAMETERS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gic::affinity;

    #[test]
    fn version_features_and_unknown_ids() {
        assert_eq!(decode(0, [0x8400_0000, 0, 0, 0]), Call::Return(0x10000));
        assert_eq!(
            decode(0, [0x8400_000a, CPU_ON64 as u64, 0, 0]),
            Call::Return(0)
        );
        assert_eq!(
            decode(0, [0x8400_000a, 0x8000_0000, 0, 0]),
            Call::Return(-1)
        );
        assert_eq!(decode(0, [0x8400_0006, 0, 0, 0]), Call::Return(2));
        for id in [0x8400_0005, 0xc400_0005, 0x8400_000e, 0x1234, 0x8400_0012] {
            assert_eq!(decode(0, [id, 0, 0, 0]), Call::Return(-1), "{id:#x}");
        }
        assert_eq!(
            decode(1, [0x8400_0008, 0, 0, 0]),
            Call::Return(NOT_SUPPORTED)
        );
        assert_eq!(decode(0, [0x8400_0008, 0, 0, 0]), Call::SystemOff);
        assert_eq!(decode(0, [0x8400_0009, 0, 0, 0]), Call::SystemReset);
    }

    #[test]
    fn smc32_arguments_are_32_bit() {
        let x = [
            CPU_ON as u64,
            0xffff_0000_0000_0001,
            0x1_4008_0000,
            0x1_0000_0007,
        ];
        assert_eq!(
            decode(0, x),
            Call::CpuOn {
                target: 1,
                entry: 0x4008_0000,
                context: 7
            }
        );
        let x = [CPU_ON64 as u64, 1, 0x1_4008_0000, 0x1_0000_0007];
        assert_eq!(
            decode(0, x),
            Call::CpuOn {
                target: 1,
                entry: 0x1_4008_0000,
                context: 0x1_0000_0007
            }
        );
    }

    #[test]
    fn cpu_suspend_parameters() {
        assert_eq!(
            decode(0, [CPU_SUSPEND64 as u64, 0x1_0000, 0, 0]),
            Call::Suspend
        );
        assert_eq!(
            decode(0, [CPU_SUSPEND as u64, 0x4_0000, 0, 0]),
            Call::Return(INVALID_PARAMETERS)
        );
    }

    #[test]
    fn cpu_on_errors() {
        let p = [Power::On, Power::Off, Power::OnPending];
        let find = |t| find_cpu(t, 3, affinity);
        assert_eq!(cpu_on_check(&p, find(0), 0x4000_0000), Err(ALREADY_ON));
        assert_eq!(cpu_on_check(&p, find(2), 0x4000_0000), Err(ON_PENDING));
        assert_eq!(
            cpu_on_check(&p, find(3), 0x4000_0000),
            Err(INVALID_PARAMETERS)
        );
        assert_eq!(
            cpu_on_check(&p, find(0x100), 0x4000_0000),
            Err(INVALID_PARAMETERS)
        );
        assert_eq!(cpu_on_check(&p, find(1), 0x4000_0002), Err(INVALID_ADDRESS));
        assert_eq!(cpu_on_check(&p, find(1), 0x4000_0000), Ok(1));
        assert_eq!(
            cpu_on_check(&p, find(0x8000_0001), 0x4000_0000),
            Ok(1),
            "MPIDR bit 31"
        );
    }

    #[test]
    fn affinity_info_states() {
        let p = [Power::On, Power::Off, Power::OnPending];
        let find = |t| find_cpu(t, 3, affinity);
        assert_eq!(affinity_info(&p, find(0), 0), AFF_ON);
        assert_eq!(affinity_info(&p, find(1), 0), AFF_OFF);
        assert_eq!(affinity_info(&p, find(2), 0), AFF_ON_PENDING);
        assert_eq!(affinity_info(&p, find(7), 0), INVALID_PARAMETERS);
        assert_eq!(affinity_info(&p, find(0), 1), INVALID_PARAMETERS);
    }
}
