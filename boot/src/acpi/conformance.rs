//! The tables against parsers that are not ours: the `acpi` crate (rust-osdev) walks RSDP →
//! XSDT → each table over the blob and checks signatures, lengths and checksums; ACPICA's
//! `iasl -d` disassembles every table. Expected values come from the machine description and
//! from Cloud Hypervisor's and QEMU's sources, never from the builder's output.
//!
//! Also the helpers the other tests use: machine descriptions shaped like each VMM's, an
//! [`acpi::AcpiHandler`] over blobs at guest addresses, and the `iasl` runner.

use std::path::PathBuf;
use std::process::Command;
use std::ptr::NonNull;
use std::rc::Rc;

use acpi::{AcpiHandler, AcpiTables as Parsed, PhysicalMapping};

use super::*;
use crate::fdt::{test_desc, MmioDesc, PciDesc, PsciConduit};
use crate::Ram;

/// QEMU `virt` with `ncpu` CPUs: its PCIe host (high ECAM, 256 buses), 32 virtio-mmio
/// transports and fw_cfg (`hw/arm/virt.c` `base_memmap`, `a15irqmap`).
pub(crate) fn virt_desc(ncpu: usize, gic: GicDesc) -> MachineDesc {
    let mut m = test_desc(
        Ram {
            base: 0x4000_0000,
            size: 0x2000_0000,
        },
        ncpu,
        gic,
    );
    m.fw_cfg = Some((0x0902_0000, 0x18));
    m.virtio_mmio = (0..32)
        .map(|i| MmioDesc {
            base: 0x0a00_0000 + 0x200 * i,
            size: 0x200,
            spi: 16 + i as u32,
        })
        .collect();
    m.pci = Some(crate::fdt::TEST_VIRT_PCI);
    m
}

/// Cloud Hypervisor's aarch64 layout (`arch/src/aarch64/layout.rs`) with `ncpu` CPUs: GICv3
/// distributor at 0x08ff_0000 with the redistributors below, the PL011 on SPI 11, one PCI
/// segment (ECAM at 0x3000_0000, one bus; 32-bit devices at 0x1000_0000; I/O at 0x0905_0000;
/// 64-bit above RAM; INTx of slot s on SPI s % 8), no fw_cfg, no virtio-mmio.
pub(crate) fn ch_desc(ncpu: usize) -> MachineDesc {
    let redist = 0x2_0000 * ncpu as u64;
    let mut m = test_desc(
        Ram {
            base: 0x4000_0000,
            size: 0x4000_0000,
        },
        ncpu,
        GicDesc::V3 {
            dist: (0x08ff_0000, 0x1_0000),
            redist: (0x08ff_0000 - redist, redist),
        },
    );
    m.uart.spi = 11;
    m.pci = Some(PciDesc {
        ecam: (0x3000_0000, 0x10_0000),
        io: Some((0x0905_0000, 0x1_0000)),
        mmio32: (0x1000_0000, 0x2000_0000),
        mmio64: Some((0x2_0000_0000, 0x1_0000_0000)),
        intx_spi: Some(0),
        intx_lines: 8,
    });
    m
}

const V2: GicDesc = GicDesc::V2 {
    dist: (0x0800_0000, 0x1_0000),
    cpu: (0x0801_0000, 0x1_0000),
};
const V3: GicDesc = GicDesc::V3 {
    dist: (0x0800_0000, 0x1_0000),
    redist: (0x080a_0000, 0xf6_0000),
};

/// Where Cloud Hypervisor writes the RSDP (`layout::RSDP_POINTER`: RAM + 2 MiB).
const CH_RSDP: u64 = 0x4020_0000;

/// Guest memory made of blobs at guest-physical addresses, for the `acpi` crate.
#[derive(Clone)]
pub(crate) struct Mem(Rc<Vec<(u64, Vec<u8>)>>);

impl Mem {
    pub(crate) fn new(blobs: Vec<(u64, Vec<u8>)>) -> Mem {
        Mem(Rc::new(blobs))
    }
}

impl AcpiHandler for Mem {
    unsafe fn map_physical_region<T>(&self, pa: usize, size: usize) -> PhysicalMapping<Self, T> {
        let pa64 = pa as u64;
        let (base, bytes) = self
            .0
            .iter()
            .find(|(b, v)| pa64 >= *b && pa64 - b < v.len() as u64)
            .unwrap_or_else(|| panic!("{pa:#x}: outside the tables"));
        let off = (pa64 - base) as usize;
        assert!(
            off + size <= bytes.len(),
            "{pa:#x}+{size:#x}: past the end of the blob"
        );
        // SAFETY: `off + size` lies inside `bytes`, which lives as long as every clone of
        // this handler, and the mapping only reads.
        unsafe {
            let ptr = NonNull::new_unchecked(bytes.as_ptr().add(off) as *mut T);
            PhysicalMapping::new(pa, ptr, size, size, self.clone())
        }
    }

    fn unmap_physical_region<T>(_region: &PhysicalMapping<Self, T>) {}
}

/// What the `acpi` crate finds.
#[derive(Debug)]
pub(crate) struct Found {
    /// Signatures of the tables the XSDT lists, each validated (signature, checksum over its
    /// length) by the crate; an invalid one is skipped, so missing here.
    pub signatures: Vec<String>,
    /// (address, length) of the DSDT's AML (after its header), found through the FADT.
    pub dsdt: (usize, u32),
    /// FADT: hardware-reduced, PSCI, PSCI over HVC.
    pub fadt: (bool, bool, bool),
    /// MADT: the MPIDR of each GICC, in order.
    pub gicc_mpidrs: Vec<u64>,
    /// MADT: the GICD's version.
    pub gic_version: Option<u8>,
    /// MCFG: (base, segment, first bus, last bus) of each entry.
    pub mcfg: Vec<(u64, u16, u8, u8)>,
}

/// Walk RSDP → XSDT → each table with the `acpi` crate.
pub(crate) fn parse(mem: Mem, rsdp: u64) -> Found {
    // SAFETY: `Mem` maps only inside the blobs and panics otherwise.
    let tables = unsafe { Parsed::from_rsdp(mem, rsdp as usize) }.expect("RSDP/XSDT");
    assert_eq!(tables.revision(), 2, "RSDP revision");
    let signatures = tables
        .headers()
        .map(|h| h.signature.as_str().to_string())
        .collect();
    let dsdt = tables.dsdt().expect("DSDT through the FADT");
    let fadt = tables.find_table::<acpi::fadt::Fadt>().expect("FADT");
    let (flags, arch) = ({ fadt.flags }, { fadt.arm_boot_arch });
    let fadt = (
        flags.system_is_hw_reduced_acpi(),
        arch.implements_psci(),
        arch.use_hvc_as_psci_conduit(),
    );
    let madt = tables.find_table::<acpi::madt::Madt>().expect("MADT");
    let mut gicc_mpidrs = Vec::new();
    let mut gic_version = None;
    for e in madt.get().entries() {
        match e {
            acpi::madt::MadtEntry::Gicc(g) => gicc_mpidrs.push(g.mpidr),
            acpi::madt::MadtEntry::Gicd(d) => gic_version = Some(d.gic_version),
            _ => {}
        }
    }
    let mcfg = match tables.find_table::<acpi::mcfg::Mcfg>() {
        Ok(t) => t
            .entries()
            .iter()
            .map(|e| {
                (
                    e.base_address,
                    e.pci_segment_group,
                    e.bus_number_start,
                    e.bus_number_end,
                )
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    Found {
        signatures,
        dsdt: (dsdt.address, dsdt.length),
        fadt,
        gicc_mpidrs,
        gic_version,
        mcfg,
    }
}

/// The tables both Cloud Hypervisor and QEMU list in the XSDT for these machines, in order.
const XSDT_LIST: [&str; 7] = ["FACP", "APIC", "PPTT", "GTDT", "MCFG", "SPCR", "DBG2"];

pub(crate) fn check_found(f: &Found, m: &MachineDesc) {
    let expected: Vec<&str> = XSDT_LIST
        .iter()
        .copied()
        .filter(|s| m.pci.is_some() || *s != "MCFG")
        .collect();
    assert_eq!(f.signatures, expected);
    assert_eq!(f.fadt, (true, true, m.psci == PsciConduit::Hvc));
    assert_eq!(f.gicc_mpidrs, m.cpus);
    let version = match m.gic {
        GicDesc::V2 { .. } => 2,
        GicDesc::V3 { .. } => 3,
    };
    assert_eq!(f.gic_version, Some(version));
    match &m.pci {
        Some(p) => assert_eq!(
            f.mcfg,
            [(p.ecam.0, 0, 0, ((p.ecam.1 >> 20) - 1) as u8)],
            "one ECAM entry: segment 0, buses 0..size/1MiB-1"
        ),
        None => assert!(f.mcfg.is_empty()),
    }
}

/// Every description the tests build tables for, with a name.
fn descs() -> Vec<(&'static str, MachineDesc)> {
    let mut smc = virt_desc(4, V3);
    smc.psci = PsciConduit::Smc;
    let mut bare = virt_desc(1, V2);
    bare.pci = None;
    bare.fw_cfg = None;
    bare.virtio_mmio.clear();
    let mut no_intx = ch_desc(2);
    no_intx.pci.as_mut().unwrap().intx_spi = None;
    vec![
        ("virt-gicv2", virt_desc(2, V2)),
        ("virt-gicv3-smc", smc),
        ("virt-bare", bare),
        ("ch-4", ch_desc(4)),
        ("ch-no-intx", no_intx),
    ]
}

#[test]
fn every_table_of_both_flavors_parses_with_the_acpi_crate() {
    for (name, m) in descs() {
        for flavor in [Flavor::CloudHypervisor, Flavor::Virt] {
            let t = build(&m, flavor, CH_RSDP).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(t.rsdp, CH_RSDP);
            let f = parse(Mem::new(vec![(CH_RSDP, t.blob.clone())]), t.rsdp);
            check_found(&f, &m);
            let dsdt = &t.tables[0];
            assert_eq!(&dsdt.signature, b"DSDT", "{name} {flavor:?}");
            assert_eq!(f.dsdt, (dsdt.addr as usize + 36, dsdt.len - 36));
        }
    }
}

#[test]
fn layout_as_cloud_hypervisor_writes_it() {
    // `create_acpi_tables`: RSDP at RSDP_POINTER, the DSDT right after it, then FACP, APIC,
    // PPTT, GTDT, MCFG, SPCR, DBG2, the XSDT last, no gaps.
    let t = build(&ch_desc(2), Flavor::CloudHypervisor, CH_RSDP).unwrap();
    assert_eq!(&t.blob[..8], b"RSD PTR ");
    assert_eq!(&t.blob[9..15], b"CLOUDH");
    let sigs: Vec<&[u8]> = t.tables.iter().map(|i| &i.signature[..]).collect();
    assert_eq!(
        sigs,
        [b"DSDT", b"FACP", b"APIC", b"PPTT", b"GTDT", b"MCFG", b"SPCR", b"DBG2", b"XSDT"]
    );
    let mut next = CH_RSDP + RSDP_LEN as u64;
    for i in &t.tables {
        assert_eq!(i.addr, next, "{:?}", std::str::from_utf8(&i.signature));
        let off = (i.addr - CH_RSDP) as usize;
        assert_eq!(&t.blob[off..off + 4], &i.signature);
        next += u64::from(i.len);
    }
    assert_eq!(next, CH_RSDP + t.blob.len() as u64);
    // The XSDT is what the RSDP points at.
    let xsdt = u64::from_le_bytes(t.blob[24..32].try_into().unwrap());
    assert_eq!(xsdt, t.tables.last().unwrap().addr);
}

#[test]
fn same_inputs_same_bytes() {
    let m = virt_desc(2, V3);
    let a = build(&m, Flavor::Virt, 0x4800_0000).unwrap();
    assert_eq!(a, build(&m, Flavor::Virt, 0x4800_0000).unwrap());
    assert_ne!(a.blob, build(&m, Flavor::Virt, 0x4900_0000).unwrap().blob);
}

#[test]
fn impossible_descriptions_are_errors() {
    let m = virt_desc(1, V3);
    let with = |f: &dyn Fn(&mut MachineDesc)| {
        let mut m = m.clone();
        f(&mut m);
        build(&m, Flavor::Virt, CH_RSDP).unwrap_err()
    };
    assert_eq!(with(&|m| m.cpus.clear()), Error::NoCpus);
    assert_eq!(
        with(&|m| m.cpus = vec![0; MAX_CPUS + 1]),
        Error::TooManyCpus { count: 4097 }
    );
    assert_eq!(
        with(&|m| m.uart.spi = 988),
        Error::BadSpi {
            what: "uart",
            spi: 988
        }
    );
    assert_eq!(
        with(&|m| m.uart.spi = u32::MAX),
        Error::BadSpi {
            what: "uart",
            spi: u32::MAX.into()
        }
    );
    assert_eq!(
        with(&|m| m.pci.as_mut().unwrap().intx_spi = Some(985)),
        Error::BadSpi {
            what: "PCI INTx",
            spi: 988
        }
    );
    assert_eq!(
        with(&|m| m.pci.as_mut().unwrap().intx_lines = 0),
        Error::BadIntxLines { lines: 0 }
    );
    assert_eq!(
        with(&|m| m.pci.as_mut().unwrap().intx_lines = 32),
        Error::BadIntxLines { lines: 32 }
    );
    assert_eq!(
        with(&|m| m.uart.size = 0),
        Error::BadWindow {
            what: "uart",
            base: 0x0900_0000,
            size: 0
        }
    );
    assert_eq!(
        with(&|m| m.uart.base = 0xffff_f800),
        Error::Above4G {
            what: "uart",
            base: 0xffff_f800,
            size: 0x1000
        }
    );
    assert_eq!(
        with(&|m| m.uart.base = u64::MAX),
        Error::BadWindow {
            what: "uart",
            base: u64::MAX,
            size: 0x1000
        }
    );
    assert_eq!(
        with(&|m| m.virtio_mmio[3].base = 0x1_0000_0000),
        Error::Above4G {
            what: "virtio-mmio",
            base: 0x1_0000_0000,
            size: 0x200
        }
    );
    assert_eq!(
        with(&|m| m.pci.as_mut().unwrap().ecam.1 = 0x8_0000),
        Error::BadWindow {
            what: "PCI ECAM",
            base: 0x40_1000_0000,
            size: 0x8_0000
        }
    );
    assert_eq!(
        with(&|m| m.pci.as_mut().unwrap().mmio32 = (0xf000_0000, 0x2000_0000)),
        Error::Above4G {
            what: "PCI 32-bit memory",
            base: 0xf000_0000,
            size: 0x2000_0000
        }
    );
    assert!(matches!(
        build(&m, Flavor::Virt, u64::MAX - 0x100),
        Err(Error::DoesNotFit { .. })
    ));
}

/// Write `tables` (name, bytes) to a fresh directory, run `iasl -d` on them, and return the
/// directory and iasl's output. Fails, saying how to get it, when iasl is missing.
pub(crate) fn iasl_disassemble(tag: &str, tables: &[(String, Vec<u8>)]) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("bootemu-acpi-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (name, bytes) in tables {
        let file = format!("{}.dat", name.to_lowercase());
        std::fs::write(dir.join(&file), bytes).unwrap();
        files.push(file);
    }
    let out = match Command::new("iasl")
        .arg("-d")
        .args(&files)
        .current_dir(&dir)
        .output()
    {
        Ok(o) => o,
        Err(e) => panic!(
            "cannot run iasl ({e}): install ACPICA's tools with testdata/setup.sh \
             (Debian package acpica-tools)"
        ),
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "iasl -d failed:\n{text}");
    (dir, text)
}

/// Each table of `t` as (signature, bytes).
pub(crate) fn split(t: &AcpiTables) -> Vec<(String, Vec<u8>)> {
    t.tables
        .iter()
        .map(|i| {
            let off = (i.addr - t.rsdp) as usize;
            (
                String::from_utf8_lossy(&i.signature).into_owned(),
                t.blob[off..off + i.len as usize].to_vec(),
            )
        })
        .collect()
}

#[test]
fn iasl_disassembles_every_table_without_errors() {
    for (name, m) in descs() {
        for flavor in [Flavor::CloudHypervisor, Flavor::Virt] {
            let t = build(&m, flavor, CH_RSDP).unwrap();
            let tag = format!("{name}-{flavor:?}");
            let (dir, out) = iasl_disassemble(&tag, &split(&t));
            assert!(
                !out.contains("Error") && !out.contains("error"),
                "{tag}: iasl reports errors:\n{out}"
            );
            for i in &t.tables {
                let sig = String::from_utf8_lossy(&i.signature).to_lowercase();
                let dsl = std::fs::read_to_string(dir.join(format!("{sig}.dsl")))
                    .unwrap_or_else(|e| panic!("{tag}: no {sig}.dsl: {e}\n{out}"));
                assert!(!dsl.contains("**** Unknown"), "{tag} {sig}:\n{dsl}");
            }
            let dsl = std::fs::read_to_string(dir.join("dsdt.dsl")).unwrap();
            check_dsdt(&dsl, &m, &tag);
            // The disassembly compiles back (iasl's own AML encoder agrees with ours).
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
}

/// The devices the disassembled DSDT names, against the description.
fn check_dsdt(dsl: &str, m: &MachineDesc, tag: &str) {
    let count = |s: &str| dsl.matches(s).count();
    assert_eq!(count("\"ACPI0007\""), m.cpus.len(), "{tag}: processors");
    assert_eq!(count("\"ARMH0011\""), 1, "{tag}: PL011");
    let uart_gsiv = format!("0x{:08X},", m.uart.spi + 32);
    assert!(
        dsl.contains(&uart_gsiv),
        "{tag}: PL011 interrupt {uart_gsiv}"
    );
    assert_eq!(
        count("\"LNRO0005\""),
        m.virtio_mmio.len(),
        "{tag}: virtio-mmio"
    );
    assert_eq!(
        count("\"QEMU0002\""),
        usize::from(m.fw_cfg.is_some()),
        "{tag}: fw_cfg"
    );
    assert_eq!(
        count("PNP0A08"),
        usize::from(m.pci.is_some()),
        "{tag}: PCIe root"
    );
    let prt = m.pci.as_ref().and_then(|p| p.intx_spi).is_some();
    assert_eq!(dsl.contains("_PRT"), prt, "{tag}: _PRT");
    assert!(
        !dsl.contains("PL031") && !dsl.contains("ARMH0031"),
        "{tag}: no RTC"
    );
}

/// A change to a machine description.
type Edit = Box<dyn Fn(&mut MachineDesc)>;

#[test]
fn odd_descriptions_build_or_fail_without_panicking() {
    let edits: Vec<Edit> = vec![
        Box::new(|m| m.cpus = (0..MAX_CPUS as u64).collect()),
        Box::new(|m| m.virtio_mmio.truncate(0)),
        Box::new(|m| {
            m.virtio_mmio = (0..MAX_VIRTIO as u64)
                .map(|i| MmioDesc {
                    base: 0x1000 * i,
                    size: 0x1000,
                    spi: i as u32,
                })
                .collect()
        }),
        Box::new(|m| m.cpus = vec![u64::MAX; 3]),
        Box::new(|m| m.fw_cfg = Some((0xffff_fff0, 0x10))),
        Box::new(|m| m.fw_cfg = Some((0xffff_fff0, 0x11))),
        Box::new(|m| m.pci.as_mut().unwrap().ecam = (0, u64::MAX)),
        Box::new(|m| m.pci.as_mut().unwrap().ecam = (u64::MAX - 0xf_ffff, 0x10_0000)),
        Box::new(|m| m.pci.as_mut().unwrap().mmio64 = Some((0, u64::MAX))),
        Box::new(|m| m.pci.as_mut().unwrap().mmio64 = Some((u64::MAX, 1))),
        Box::new(|m| m.pci.as_mut().unwrap().mmio32 = (0, 0x1_0000_0000)),
        Box::new(|m| m.pci.as_mut().unwrap().io = Some((0, 0x1_0000_0000))),
        Box::new(|m| m.pci.as_mut().unwrap().io = Some((0x1_0000_0000, 0x1000))),
        Box::new(|m| m.pci.as_mut().unwrap().intx_spi = Some(MAX_SPI - 3)),
        Box::new(|m| {
            let p = m.pci.as_mut().unwrap();
            (p.intx_spi, p.intx_lines) = (Some(MAX_SPI - 15), 16);
        }),
        Box::new(|m| {
            m.gic = GicDesc::V3 {
                dist: (0, 1),
                redist: (0, 1 << 32),
            }
        }),
    ];
    for (i, edit) in edits.iter().enumerate() {
        for mut m in [virt_desc(1, V3), ch_desc(1)] {
            edit(&mut m);
            for flavor in [Flavor::CloudHypervisor, Flavor::Virt] {
                if let Ok(t) = build(&m, flavor, CH_RSDP) {
                    let f = parse(Mem::new(vec![(CH_RSDP, t.blob)]), CH_RSDP);
                    assert_eq!(f.gicc_mpidrs.len(), m.cpus.len(), "edit {i}");
                }
            }
            let _ = fw_cfg_files(&m);
        }
    }
}
