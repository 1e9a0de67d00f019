//! The x86 tables against parsers that are not ours: the `acpi` crate walks RSDP → XSDT → FADT
//! → DSDT and the MADT's structures; ACPICA's `iasl -d` disassembles every table and compiles
//! the DSDT back; Linux's way of finding the RSDP (`boot_params.acpi_rsdp_addr`,
//! `hvm_start_info.rsdp_paddr`, the scan of 0xe_0000..0xf_ffff) is followed on a laid-out boot.
//! Expected values come from the machine description, the power register's contract and what
//! QEMU microvm shows Linux (its dmesg: `LAPIC_NMI (acpi_id[0xff] dfl dfl lint[0x1])`, no
//! `INT_SRC_OVR`).

use std::process::Command;

use acpi::address::{AccessSize, AddressSpace, GenericAddress};
use acpi::madt::{Madt, MadtEntry};
use acpi::AcpiTables as Parsed;

use super::super::conformance::{iasl_disassemble, split, Mem};
use super::*;
use crate::x86::tests::{boot, bz, elf};

/// What the `acpi` crate finds in the x86 tables.
#[derive(Debug, PartialEq, Eq)]
struct Found {
    signatures: Vec<String>,
    hw_reduced: bool,
    reset_via_fadt: bool,
    sleep_control: Option<(bool, u8, u64)>,
    sleep_status: Option<(bool, u8, u64)>,
    reset: (bool, u8, u64),
    pm_timer: bool,
    /// (UID, APIC ID, enabled) of each local APIC or x2APIC.
    cpus: Vec<(u32, u32, bool)>,
    /// (ID, address, GSI base).
    ioapics: Vec<(u8, u32, u32)>,
    overrides: usize,
    /// (processor UID, LINT) of each local (x2)APIC NMI.
    nmis: Vec<(u32, u8)>,
    lapic: u32,
}

fn io8(g: GenericAddress) -> (bool, u8, u64) {
    (
        g.address_space == AddressSpace::SystemIo && g.access_size == AccessSize::ByteAccess,
        g.bit_width,
        g.address,
    )
}

fn parse(mem: Mem, rsdp: u64) -> Found {
    // SAFETY: `Mem` maps only inside the blobs and panics otherwise.
    let t = unsafe { Parsed::from_rsdp(mem, rsdp as usize) }.expect("RSDP/XSDT");
    let signatures = t
        .headers()
        .map(|h| h.signature.as_str().to_string())
        .collect();
    t.dsdt().expect("DSDT through the FADT");
    let fadt = t.find_table::<acpi::fadt::Fadt>().expect("FADT");
    let flags = { fadt.flags };
    let madt = t.find_table::<Madt>().expect("MADT");
    let mut f = Found {
        signatures,
        hw_reduced: flags.system_is_hw_reduced_acpi(),
        reset_via_fadt: flags.supports_system_reset_via_fadt(),
        sleep_control: fadt.sleep_control_register().unwrap().map(io8),
        sleep_status: fadt.sleep_status_register().unwrap().map(io8),
        reset: io8(fadt.reset_register().unwrap()),
        pm_timer: fadt.pm_timer_block().unwrap().is_some(),
        cpus: Vec::new(),
        ioapics: Vec::new(),
        overrides: 0,
        nmis: Vec::new(),
        lapic: madt.get().local_apic_address,
    };
    for e in madt.get().entries() {
        match e {
            MadtEntry::LocalApic(l) => {
                f.cpus
                    .push((l.processor_id.into(), l.apic_id.into(), l.flags & 1 != 0))
            }
            MadtEntry::LocalX2Apic(l) => {
                f.cpus
                    .push((l.processor_uid, l.x2apic_id, l.flags & 1 != 0))
            }
            MadtEntry::IoApic(i) => f.ioapics.push((
                i.io_apic_id,
                i.io_apic_address,
                i.global_system_interrupt_base,
            )),
            MadtEntry::InterruptSourceOverride(_) => f.overrides += 1,
            MadtEntry::LocalApicNmi(n) => f.nmis.push((n.processor_id.into(), n.nmi_line)),
            MadtEntry::X2ApicNmi(n) => f.nmis.push((n.processor_uid, n.nmi_line)),
            other => panic!("unexpected MADT structure {other:?}"),
        }
    }
    f
}

fn expected(m: &X86MachineDesc) -> Found {
    let port = (true, 8, u64::from(POWER_PORT));
    let x2 = m.apic_ids.iter().any(|&id| id > 254);
    Found {
        signatures: vec!["FACP".into(), "APIC".into()],
        hw_reduced: true,
        reset_via_fadt: true,
        sleep_control: Some(port),
        sleep_status: Some(port),
        reset: port,
        pm_timer: false,
        cpus: m
            .apic_ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (i as u32, id, true))
            .collect(),
        ioapics: vec![(0, 0xfec0_0000, 0)],
        overrides: 0,
        nmis: vec![if x2 { (u32::MAX, 1) } else { (0xff, 1) }],
        lapic: 0xfee0_0000,
    }
}

fn descs() -> Vec<(&'static str, X86MachineDesc)> {
    let mut x2 = X86MachineDesc::microvm(2);
    x2.apic_ids[1] = 0x1_0000;
    let mut no_uart = X86MachineDesc::microvm(1);
    no_uart.com1 = false;
    no_uart.rtc = false;
    vec![
        ("one", X86MachineDesc::microvm(1)),
        ("four", X86MachineDesc::microvm(4)),
        ("x2apic", x2),
        ("no-uart", no_uart),
        ("many", X86MachineDesc::microvm(300)),
    ]
}

#[test]
fn the_acpi_crate_finds_what_the_machine_has() {
    for (name, m) in descs() {
        let t = build(&m).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(t.rsdp, ACPI_ADDR);
        let f = parse(Mem::new(vec![(ACPI_ADDR, t.blob.clone())]), t.rsdp);
        assert_eq!(f, expected(&m), "{name}");
        assert!(t.blob.len() as u64 <= ACPI_AREA);
    }
}

#[test]
fn impossible_descriptions_are_errors() {
    let mut m = X86MachineDesc::microvm(0);
    assert_eq!(build(&m), Err(Error::NoCpus));
    m.apic_ids = vec![0, 3, 3];
    assert_eq!(build(&m), Err(Error::DuplicateApicId(3)));
    // 4096 x2APIC CPUs (16 bytes each) do not fit the 64 KiB area.
    let m = X86MachineDesc {
        apic_ids: (1000..1000 + 4096).collect(),
        com1: true,
        rtc: true,
    };
    assert!(matches!(build(&m), Err(Error::TooLarge { .. })));
}

/// Linux's `acpi_scan_rsdp` over 0xe_0000..0x10_0000: the first 16-byte aligned "RSD PTR "
/// whose first 20 bytes sum to 0 and whose 36 (revision 2) do too.
fn scan_bios_area(read: &dyn Fn(u64, u64) -> Option<Vec<u8>>) -> Option<u64> {
    (0xe_0000u64..0x10_0000).step_by(16).find(|&a| {
        let Some(b) = read(a, 36) else {
            return false;
        };
        let sum = |n: usize| b[..n].iter().fold(0u8, |s, x| s.wrapping_add(*x));
        &b[..8] == b"RSD PTR " && sum(20) == 0 && (b[15] < 2 || sum(36) == 0)
    })
}

#[test]
fn linux_finds_the_rsdp_of_a_laid_out_boot() {
    // 64-bit protocol: boot_params.acpi_rsdp_addr; PVH: hvm_start_info.rsdp_paddr; both: the
    // BIOS area scan (the tables live in 0xf0000..1 MiB, which the machine backs).
    for b in [boot(&bz(), None), boot(&elf(true), None)] {
        let read = |a, l| b.read(a, l);
        let told = match b.entry {
            crate::x86::X86Entry::Linux64 { rsi, .. } => {
                crate::x86::zero_page::ZeroPage::read(&read(rsi, 4096).unwrap()).acpi_rsdp_addr()
            }
            crate::x86::X86Entry::Pvh { ebx, .. } => {
                crate::x86::pvh::StartInfo::read(&read(ebx, 56).unwrap()).rsdp_paddr
            }
        };
        assert_eq!(told, ACPI_ADDR);
        assert_eq!(scan_bios_area(&read), Some(ACPI_ADDR));
        let acpi = b.acpi.as_ref().unwrap();
        let area = read(ACPI_ADDR, ACPI_AREA).unwrap();
        let f = parse(Mem::new(vec![(ACPI_ADDR, area)]), told);
        assert_eq!(f, expected(&X86MachineDesc::microvm(2)));
        assert_eq!(acpi.tables.len(), 4);
        // The e820 map reserves the area; no RAM entry covers it.
        assert!(b
            .e820
            .iter()
            .any(|e| e.kind == crate::x86::e820::E820_RESERVED
                && e.addr <= ACPI_ADDR
                && e.end() >= ACPI_ADDR + ACPI_AREA));
        assert!(!crate::x86::e820::covered_as_ram(
            &b.e820,
            ACPI_ADDR,
            ACPI_ADDR + 1
        ));
    }
}

#[test]
fn iasl_disassembles_every_x86_table_without_errors() {
    for (name, m) in descs() {
        let t = build(&m).unwrap();
        let tag = format!("x86-{name}");
        let (dir, out) = iasl_disassemble(&tag, &split(&t));
        assert!(
            !out.contains("Error") && !out.contains("error"),
            "{tag}: iasl reports errors:\n{out}"
        );
        let dsl = |sig: &str| {
            std::fs::read_to_string(dir.join(format!("{sig}.dsl")))
                .unwrap_or_else(|e| panic!("{tag}: no {sig}.dsl: {e}\n{out}"))
        };
        for sig in ["dsdt", "facp", "apic", "xsdt"] {
            assert!(!dsl(sig).contains("**** Unknown"), "{tag} {sig}");
        }
        let facp = dsl("facp");
        for want in [
            "Hardware Reduced (V5) : 1",
            "Reset Register Supported (V2) : 1",
            "Value to cause reset : 01",
            "RTC Century Index : 32",
        ] {
            assert!(facp.contains(want), "{tag}: FACP lacks {want:?}:\n{facp}");
        }
        // The sleep control and status registers: system I/O, 8 bits, port 0x600.
        let sleep = facp.split("Sleep Control Register").nth(1).unwrap();
        assert!(
            sleep.contains("Space ID : 01 [SystemIO]")
                && sleep.contains("Address : 0000000000000600"),
            "{tag}:\n{facp}"
        );
        let dsdt = dsl("dsdt");
        assert_eq!(dsdt.contains("\"PNP0501\""), m.com1, "{tag}:\n{dsdt}");
        if m.com1 {
            let io = dsdt.split("IO (Decode16,").nth(1).unwrap();
            let words: Vec<&str> = io
                .split_whitespace()
                .filter(|w| w.starts_with("0x"))
                .take(4)
                .collect();
            assert_eq!(words, ["0x03F8,", "0x03F8,", "0x00,", "0x08,"], "{tag}");
            assert!(
                dsdt.contains("Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, )"),
                "{tag}:\n{dsdt}"
            );
            assert!(dsdt.contains("0x00000004,"), "{tag}: IRQ 4");
        }
        assert_eq!(dsdt.contains("\"PNP0B00\""), m.rtc, "{tag}:\n{dsdt}");
        if m.rtc {
            let rtc = dsdt.split("\"PNP0B00\"").nth(1).unwrap();
            let io = rtc.split("IO (Decode16,").nth(1).unwrap();
            let words: Vec<&str> = io
                .split_whitespace()
                .filter(|w| w.starts_with("0x"))
                .take(4)
                .collect();
            assert_eq!(words, ["0x0070,", "0x0070,", "0x01,", "0x08,"], "{tag}");
            let irq = rtc
                .split("Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, )")
                .nth(1)
                .unwrap_or_else(|| panic!("{tag}: no RTC interrupt:\n{dsdt}"));
            assert!(irq.contains("0x00000008,"), "{tag}: IRQ 8:\n{dsdt}");
        }
        let s5 = dsdt
            .split("Name (\\_S5, Package (0x04)")
            .nth(1)
            .unwrap_or_else(|| panic!("{tag}: no _S5_:\n{dsdt}"));
        let body = s5
            .split('{')
            .nth(1)
            .and_then(|b| b.split('}').next())
            .unwrap();
        let vals: Vec<&str> = body.split_whitespace().collect();
        assert_eq!(vals, ["0x05,", "0x05,", "Zero,", "Zero"], "{tag}");
        let back = Command::new("iasl")
            .args(["-p", "recompiled", "dsdt.dsl"])
            .current_dir(&dir)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&back.stdout);
        assert!(
            back.status.success() && text.contains(" 0 Errors"),
            "{tag}: the disassembled DSDT does not compile:\n{text}"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
