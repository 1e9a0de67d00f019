//! CPUID (SDM vol. 2 "CPUID"): what this vCPU advertises, and nothing it does not implement.
//!
//! Identity: "GenuineIntel", family 6 model 0x5e stepping 3 (Skylake client, i7-6700K: the first
//! Intel core with leaves 0x15/0x16, and one with x2APIC, TSC-deadline and ARAT), advertising
//! only a subset of that core's features — the x86-64 baseline this interpreter executes — and
//! the hypervisor bit (CPUID.1:ECX bit 31), since the guest does run on a virtual CPU: Linux then
//! skips model-specific microcode and errata paths. Leaves:
//! - 0: max basic leaf 0x16 (2 while IA32_MISC_ENABLE.LIMIT_CPUID is set), the vendor.
//! - 1: signature; EBX: CLFLUSH line 64 bytes, APIC ID = [`Cpu::id`]; ECX: CX16, x2APIC,
//!   TSC-deadline, hypervisor; EDX: FPU, PSE, TSC, MSR, PAE, CX8, APIC, PGE, CMOV, PAT, CLFSH,
//!   FXSR, SSE, SSE2. (The x2APIC registers and the TSC-deadline timer are the machine's local
//!   APIC, forwarded through [`Platform`](super::Platform); PSE/PAE/PGE are the page walk's.)
//! - 6: ARAT (the APIC timer does not stop in deep C-states: there are none).
//! - 7: subleaf 0 all zero (no structured extended features).
//! - 0x15: TSC/crystal ratio 1/1, crystal [`CRYSTAL_HZ`]; 0x16: base and max MHz from
//!   [`TSC_HZ`], bus frequency not enumerated (0).
//! - 0x8000_0000: max extended leaf 0x8000_0008; 0x8000_0001: LAHF-less; EDX: SYSCALL, NX
//!   (hidden while IA32_MISC_ENABLE.XD_DISABLE), 1-GiB pages ([`GIGABYTE_PAGES`], the page
//!   walk's), RDTSCP, LM; 0x8000_0002–4: the brand string; 0x8000_0007: invariant TSC (one tick
//!   per instruction, whatever the guest does); 0x8000_0008: [`MAXPHYADDR`] physical and
//!   [`LINEAR_BITS`] linear address bits.
//! - Every other leaf up to the maximum reads as zeros (reserved, or features not advertised:
//!   leaf 4's cache descriptors, 0xa's performance monitoring, 0xb/0x1f topology, 0xd XSAVE).
//!   A leaf above the maximum returns the highest basic leaf, as Intel processors do.

use super::platform::{CRYSTAL_HZ, TSC_HZ};
use super::state::Cpu;
use super::system::{GIGABYTE_PAGES, LINEAR_BITS, MAXPHYADDR};

/// The highest basic leaf.
pub const MAX_BASIC: u32 = 0x16;
/// The highest extended leaf.
pub const MAX_EXTENDED: u32 = 0x8000_0008;
/// Family 6, model 0x5e (extended model 5, model 0xe), stepping 3.
pub const SIGNATURE: u32 = 0x0005_06e3;
/// The brand string (48 bytes, NUL-padded).
pub const BRAND: &str = "Intel(R) Core(TM) i7-6700K CPU @ 4.00GHz";

/// CPUID.1:ECX bits.
pub mod ecx1 {
    /// CMPXCHG16B.
    pub const CX16: u32 = 1 << 13;
    /// x2APIC.
    pub const X2APIC: u32 = 1 << 21;
    /// TSC-deadline timer mode.
    pub const TSC_DEADLINE: u32 = 1 << 24;
    /// Running under a hypervisor.
    pub const HYPERVISOR: u32 = 1 << 31;
}

/// CPUID.1:EDX bits.
pub mod edx1 {
    /// x87 FPU.
    pub const FPU: u32 = 1 << 0;
    /// Page-size extension.
    pub const PSE: u32 = 1 << 3;
    /// RDTSC.
    pub const TSC: u32 = 1 << 4;
    /// RDMSR/WRMSR.
    pub const MSR: u32 = 1 << 5;
    /// Physical-address extension.
    pub const PAE: u32 = 1 << 6;
    /// CMPXCHG8B.
    pub const CX8: u32 = 1 << 8;
    /// On-chip APIC.
    pub const APIC: u32 = 1 << 9;
    /// Global pages.
    pub const PGE: u32 = 1 << 13;
    /// CMOVcc.
    pub const CMOV: u32 = 1 << 15;
    /// Page attribute table.
    pub const PAT: u32 = 1 << 16;
    /// CLFLUSH.
    pub const CLFSH: u32 = 1 << 19;
    /// MMX technology.
    pub const MMX: u32 = 1 << 23;
    /// FXSAVE/FXRSTOR.
    pub const FXSR: u32 = 1 << 24;
    /// SSE.
    pub const SSE: u32 = 1 << 25;
    /// SSE2.
    pub const SSE2: u32 = 1 << 26;
}

/// CPUID.8000_0001:EDX bits.
pub mod edx_ext {
    /// SYSCALL/SYSRET.
    pub const SYSCALL: u32 = 1 << 11;
    /// Execute disable.
    pub const NX: u32 = 1 << 20;
    /// 1-GiB pages.
    pub const PAGE1GB: u32 = 1 << 26;
    /// RDTSCP and IA32_TSC_AUX.
    pub const RDTSCP: u32 = 1 << 27;
    /// Long mode.
    pub const LM: u32 = 1 << 29;
}

/// Four little-endian ASCII bytes of `s` from `at` as a register value.
fn ascii(s: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    for (k, v) in b.iter_mut().enumerate() {
        *v = s.get(at + k).copied().unwrap_or(0);
    }
    u32::from_le_bytes(b)
}

impl Cpu {
    /// CPUID leaf `eax`, subleaf `ecx`: (EAX, EBX, ECX, EDX).
    pub fn cpuid(&self, leaf: u32, sub: u32) -> [u32; 4] {
        use super::msr::misc_enable::{LIMIT_CPUID, XD_DISABLE};
        let misc = self.sys.msr.misc_enable;
        let max_basic = if misc & LIMIT_CPUID != 0 {
            2
        } else {
            MAX_BASIC
        };
        let leaf = if (0x8000_0000..=MAX_EXTENDED).contains(&leaf) || leaf <= max_basic {
            leaf
        } else {
            max_basic
        };
        let _ = sub; // no leaf with subleaves has content
        match leaf {
            0 => [
                max_basic,
                ascii(b"GenuineIntel", 0),
                ascii(b"GenuineIntel", 8),
                ascii(b"GenuineIntel", 4),
            ],
            1 => {
                use ecx1::*;
                use edx1::*;
                let ebx = (8 << 8) | (1 << 16) | ((self.id & 0xff) << 24);
                [
                    SIGNATURE,
                    ebx,
                    CX16 | X2APIC | TSC_DEADLINE | HYPERVISOR,
                    FPU | PSE
                        | TSC
                        | MSR
                        | PAE
                        | CX8
                        | APIC
                        | PGE
                        | CMOV
                        | PAT
                        | CLFSH
                        | MMX
                        | FXSR
                        | SSE
                        | SSE2,
                ]
            }
            // One descriptor byte in AL (the count), no descriptors: leaf 4 has the caches.
            2 => [1, 0, 0, 0],
            6 => [1 << 2, 0, 0, 0],
            0x15 => [1, 1, CRYSTAL_HZ as u32, 0],
            0x16 => {
                let mhz = (TSC_HZ / 1_000_000) as u32;
                [mhz, mhz, 0, 0]
            }
            0x8000_0000 => [MAX_EXTENDED, 0, 0, 0],
            0x8000_0001 => {
                use edx_ext::*;
                let mut edx = SYSCALL | RDTSCP | LM;
                if misc & XD_DISABLE == 0 {
                    edx |= NX;
                }
                if GIGABYTE_PAGES {
                    edx |= PAGE1GB;
                }
                [0, 0, 0, edx]
            }
            0x8000_0002..=0x8000_0004 => {
                let mut brand = [0u8; 48];
                brand[..BRAND.len()].copy_from_slice(BRAND.as_bytes());
                let at = (leaf - 0x8000_0002) as usize * 16;
                [
                    ascii(&brand, at),
                    ascii(&brand, at + 4),
                    ascii(&brand, at + 8),
                    ascii(&brand, at + 12),
                ]
            }
            0x8000_0007 => [0, 0, 0, 1 << 8],
            0x8000_0008 => [MAXPHYADDR | (LINEAR_BITS << 8), 0, 0, 0],
            _ => [0; 4],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(regs: &[u32]) -> String {
        regs.iter()
            .flat_map(|r| r.to_le_bytes())
            .take_while(|&b| b != 0)
            .map(|b| b as char)
            .collect()
    }

    #[test]
    fn vendor_signature_and_brand() {
        let c = Cpu::new();
        let l0 = c.cpuid(0, 0);
        assert_eq!(l0[0], 0x16);
        assert_eq!(text(&[l0[1], l0[3], l0[2]]), "GenuineIntel");
        let sig = c.cpuid(1, 0)[0];
        // Family 6, display model (ext << 4 | model) 0x5e, stepping 3 (SDM vol. 2 fig. 3-6).
        assert_eq!(
            (
                (sig >> 8) & 0xf,
                ((sig >> 12) & 0xf0) | ((sig >> 4) & 0xf),
                sig & 0xf
            ),
            (6, 0x5e, 3)
        );
        let mut brand = Vec::new();
        for l in 0x8000_0002..=0x8000_0004 {
            brand.extend(c.cpuid(l, 0));
        }
        assert_eq!(text(&brand), BRAND);
    }

    #[test]
    fn nothing_beyond_the_baseline_is_advertised() {
        let c = Cpu::new();
        let [_, _, ecx, edx] = c.cpuid(1, 0);
        // No SSE3 (bit 0), SSSE3 (9), SSE4.1/4.2 (19, 20), POPCNT (23), XSAVE (26), AVX (28),
        // PCID (17); no MTRR (12), MCE (7), MCA (14), VME (1), DE (2), SEP (11); MMX (23),
        // SSE (25) and SSE2 (26) are there.
        for bit in [0, 9, 17, 19, 20, 23, 26, 27, 28] {
            assert_eq!(ecx & (1 << bit), 0, "ecx bit {bit}");
        }
        for bit in [1, 2, 7, 11, 12, 14] {
            assert_eq!(edx & (1 << bit), 0, "edx bit {bit}");
        }
        let mmx_sse = (1 << 23) | (1 << 25) | (1 << 26);
        assert_eq!(edx & mmx_sse, mmx_sse);
        assert_eq!(c.cpuid(7, 0), [0; 4]);
        assert_eq!(c.cpuid(0xd, 0), [0; 4]);
        // Out of range: the highest basic leaf (Intel).
        assert_eq!(c.cpuid(0x4000_0000, 0), c.cpuid(0x16, 0));
        assert_eq!(c.cpuid(0x15, 0), [1, 1, CRYSTAL_HZ as u32, 0]);
        assert_eq!(c.cpuid(0x8000_0008, 0)[0], 0x3027);
    }
}
