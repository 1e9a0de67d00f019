//! The DSDT (ACPI 6.5 §5.2.11.1 and chapter 6): the devices the static tables cannot describe,
//! in AML built with the `acpi_tables` crate.
//!
//! Described when the machine has them: the processors (`ACPI0007`), the PL011 (`ARMH0011`,
//! Linux's `amba-pl011` ACPI match), the fw_cfg device (`QEMU0002`), the virtio-mmio transports
//! (`LNRO0005`), the PCIe root bridge (`PNP0A08`/`PNP0A03`: segment, bus range, `_CRS` of its
//! windows, `_PRT` legacy interrupt routing when it has INTx, the ECAM reservation `PNP0C02`),
//! the power button (`PNP0C0C`) and, for Cloud Hypervisor, `\_S5_`. Interrupts are
//! level-triggered, active-high, exclusive; GSIV = SPI + 32.
//!
//! The objects inside one device follow one order for both flavors (the order is not
//! significant in AML); which objects exist, their names and their forms come from the
//! flavor's [`DsdtStyle`].

use acpi_tables::aml::{
    self, AddressSpace, AddressSpaceCacheable, Arg, BufferData, CreateDWordField, Device, EISAName,
    Else, Equal, If, Interrupt, Memory32Fixed, Method, Name, NotEqual, Package, Path,
    ResourceTemplate, Return, Scope, Store, Uuid,
};
use acpi_tables::{Aml, AmlSink};

use super::style::{CpuDevices, DsdtItem, DsdtStyle, EcamReservation, PciStyle, Prt, Style};
use super::{gsiv, window, window32, Result, Table};
use crate::fdt::{MachineDesc, MmioDesc, PciDesc};

/// `_OSC` UUID of PCI host bridges (PCI Firmware Specification 3.2 §4.5.1).
pub const PCI_OSC_UUID: &str = "33DB4D5B-1FF7-401C-9657-7441C03DD766";
/// `_DSM` UUID of PCI devices (PCI Firmware Specification 3.2 §4.6).
pub const PCI_DSM_UUID: &str = "E5C937D0-3553-4D7A-9117-EA4D19C3434D";
/// `_OSC` control bits the OS may take: native hot-plug, SHPC hot-plug, PME, AER, PCIe
/// capability structure.
pub const PCI_OSC_CONTROLS: u8 = 0x1f;
/// PCI devices per bus.
pub const PCI_SLOTS: u32 = 32;
/// INTx pins per PCI device.
pub const PCI_PINS: u32 = 4;

/// Already-encoded AML.
struct Raw(Vec<u8>);

impl Aml for Raw {
    fn to_aml_bytes(&self, sink: &mut dyn AmlSink) {
        sink.vec(&self.0);
    }
}

fn raw(a: &dyn Aml) -> Raw {
    let mut v = Vec::new();
    a.to_aml_bytes(&mut v);
    Raw(v)
}

/// `Name (path, value)`, encoded.
fn name(path: &str, value: &dyn Aml) -> Raw {
    raw(&Name::new(Path::new(path), value))
}

/// A device ID: an EISA ID integer or a string.
fn id(eisa: bool, id: &'static str) -> Raw {
    if eisa {
        raw(&EISAName::new(id))
    } else {
        raw(&id)
    }
}

/// `Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) { spi + 32 }`.
fn interrupt(spi: u32) -> Interrupt {
    Interrupt::new(true, false, false, false, gsiv(spi))
}

/// A memory window as a resource: Memory32Fixed when it lies below 4 GiB, else QWordMemory.
fn memory(what: &'static str, (base, size): (u64, u64)) -> Result<Raw> {
    Ok(match window32(what, base, size) {
        Ok((b, s)) => raw(&Memory32Fixed::new(true, b, s)),
        Err(_) => raw(&qword_memory(base, window(what, (base, size))?)),
    })
}

fn qword_memory(min: u64, max: u64) -> AddressSpace<u64> {
    AddressSpace::new_memory(AddressSpaceCacheable::NotCacheable, true, min, max, None)
}

/// Where devices go: inside `Scope (\_SB)` or at the root with a `\_SB_.` path.
struct Out<'s> {
    style: &'s DsdtStyle,
    root: Vec<u8>,
    sb: Vec<u8>,
}

impl Out<'_> {
    fn path(&self, name: &str) -> Path {
        if self.style.sb_scope {
            Path::new(name)
        } else {
            Path::new(&format!("_SB_.{name}"))
        }
    }

    fn device(&mut self, name: &str, children: Vec<&dyn Aml>) {
        let d = Device::new(self.path(name), children);
        if self.style.sb_scope {
            d.to_aml_bytes(&mut self.sb);
        } else {
            d.to_aml_bytes(&mut self.root);
        }
    }
}

/// The DSDT of `m`.
pub(crate) fn build(m: &MachineDesc, style: &Style) -> Result<Table> {
    let d = &style.dsdt;
    let mut out = Out {
        style: d,
        root: Vec::new(),
        sb: Vec::new(),
    };
    for item in d.order {
        match item {
            DsdtItem::Cpus => cpus(m, &mut out),
            DsdtItem::Uart => uart(&m.uart, &mut out)?,
            DsdtItem::FwCfg => {
                if let Some(w) = m.fw_cfg {
                    fw_cfg(w, &mut out)?;
                }
            }
            DsdtItem::VirtioMmio => {
                for (i, t) in m.virtio_mmio.iter().enumerate() {
                    virtio_mmio(i, t, &mut out)?;
                }
            }
            DsdtItem::Pci => {
                if let Some(p) = &m.pci {
                    pci(p, &d.pci, &mut out)?;
                }
            }
            DsdtItem::SleepS5 => {
                // Sleep type values for S5 (ACPI 6.5 §7.4.2): SLP_TYPa, SLP_TYPb, reserved.
                let pkg = Package::new(vec![&5u8, &5u8, &0u8, &0u8]);
                name("\\_S5_", &pkg).to_aml_bytes(&mut out.root);
            }
            DsdtItem::PowerButton => {
                let hid = name("_HID", &id(d.pci.eisa_ids, "PNP0C0C"));
                let uid = name("_UID", &aml::ZERO);
                out.device("PWRB", vec![&hid, &uid]);
            }
        }
    }
    let mut aml = out.root;
    if d.sb_scope {
        let sb = Raw(out.sb);
        Scope::new(Path::new("\\_SB_"), vec![&sb]).to_aml_bytes(&mut aml);
    }
    // One append: `Sdt` recomputes its checksum on every write.
    let mut t = style.sdt(*b"DSDT", style.rev.dsdt, super::style::HEADER_LEN);
    t.append_slice(&aml);
    Ok(t.into())
}

fn cpus(m: &MachineDesc, out: &mut Out) {
    let container = out.style.cpus == CpuDevices::Container;
    let hid = name("_HID", &"ACPI0007");
    let pxm = raw(&Method::new(
        Path::new("_PXM"),
        0,
        false,
        vec![&Return::new(&aml::ZERO)],
    ));
    let mut devices = Vec::new();
    for i in 0..m.cpus.len() as u32 {
        let uid = name("_UID", &i);
        let mut children: Vec<&dyn Aml> = vec![&hid, &uid];
        if container {
            children.push(&pxm);
        }
        let path = format!("C{i:03X}");
        if container {
            Device::new(Path::new(&path), children).to_aml_bytes(&mut devices);
        } else {
            out.device(&path, children);
        }
    }
    if container {
        let hid = name("_HID", &"ACPI0010");
        let cid = name("_CID", &EISAName::new("PNP0A05"));
        let scan = Method::new(Path::new("CSCN"), 0, true, vec![]);
        let devices = Raw(devices);
        out.device("CPUS", vec![&hid, &cid, &scan, &devices]);
    }
}

fn uart(u: &MmioDesc, out: &mut Out) -> Result<()> {
    let (base, size) = window32("uart", u.base, u.size)?;
    let hid = name("_HID", &"ARMH0011");
    let uid = name("_UID", &aml::ZERO);
    let ddn = out.style.uart_ddn.map(|d| name("_DDN", &d));
    let crs = name(
        "_CRS",
        &ResourceTemplate::new(vec![
            &Memory32Fixed::new(true, base, size),
            &interrupt(u.spi),
        ]),
    );
    let mut children: Vec<&dyn Aml> = vec![&hid, &uid];
    if let Some(ddn) = &ddn {
        children.push(ddn);
    }
    children.push(&crs);
    out.device(out.style.uart_name, children);
    Ok(())
}

fn fw_cfg((base, size): (u64, u64), out: &mut Out) -> Result<()> {
    let (base, size) = window32("fw_cfg", base, size)?;
    let hid = name("_HID", &"QEMU0002");
    // Present, enabled, functioning, not shown in the UI.
    let sta = name("_STA", &0x0bu8);
    let cca = name("_CCA", &aml::ONE);
    let crs = name(
        "_CRS",
        &ResourceTemplate::new(vec![&Memory32Fixed::new(true, base, size)]),
    );
    out.device("FWCF", vec![&hid, &sta, &cca, &crs]);
    Ok(())
}

fn virtio_mmio(i: usize, t: &MmioDesc, out: &mut Out) -> Result<()> {
    let (base, size) = window32("virtio-mmio", t.base, t.size)?;
    let hid = name("_HID", &"LNRO0005");
    let uid = name("_UID", &(i as u32));
    let cca = name("_CCA", &aml::ONE);
    let crs = name(
        "_CRS",
        &ResourceTemplate::new(vec![
            &Memory32Fixed::new(true, base, size),
            &interrupt(t.spi),
        ]),
    );
    out.device(&format!("VR{i:02}"), vec![&hid, &uid, &cca, &crs]);
    Ok(())
}

/// UTF-16LE with a terminating NUL: an AML `Unicode ()` buffer.
fn unicode(s: &str) -> BufferData {
    let mut b: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
    b.extend([0, 0]);
    BufferData::new(b)
}

fn pci(p: &PciDesc, s: &PciStyle, out: &mut Out) -> Result<()> {
    let ecam_last = window("PCI ECAM", p.ecam)?;
    let hid = name("_HID", &id(s.eisa_ids, "PNP0A08"));
    let cid = name("_CID", &id(s.eisa_ids, "PNP0A03"));
    let adr = name("_ADR", &aml::ZERO);
    let seg = name("_SEG", &aml::ZERO);
    let bbn = name("_BBN", &aml::ZERO);
    let uid = name("_UID", &aml::ZERO);
    let str_ = name("_STR", &unicode("PCIe 0 Device"));
    let cca = name("_CCA", &aml::ONE);
    let pxm = raw(&Method::new(
        Path::new("_PXM"),
        0,
        false,
        vec![&Return::new(&aml::ZERO)],
    ));
    let prt = p.intx_spi.map(|intx| prt(intx, p.intx_lines, s.prt));
    let cba = raw(&Method::new(
        Path::new("_CBA"),
        0,
        false,
        vec![&Return::new(&p.ecam.0)],
    ));
    let crs = name("_CRS", &crs(p, s)?);
    let osc = osc();
    let dsm = dsm(s.preserve_config);
    let reservation = [memory("PCI ECAM", p.ecam)?];
    let res_crs = if s.ecam_reservation == EcamReservation::Child {
        name(
            "_CRS",
            &ResourceTemplate::new(vec![&qword_memory(p.ecam.0, ecam_last)]),
        )
    } else {
        name("_CRS", &ResourceTemplate::new(vec![&reservation[0]]))
    };
    let res_hid = name("_HID", &id(s.eisa_ids, "PNP0C02"));
    let res_uid = name("_UID", &aml::ZERO);
    let res0 = Device::new(Path::new("RES0"), vec![&res_hid, &res_crs]);

    let mut children: Vec<&dyn Aml> = vec![&hid, &cid];
    let optional: [(bool, &dyn Aml); 8] = [
        (s.adr, &adr),
        (true, &seg),
        (s.bbn, &bbn),
        (true, &uid),
        (s.str_, &str_),
        (true, &cca),
        (s.pxm, &pxm),
        (s.cba, &cba),
    ];
    children.extend(optional.iter().filter(|(on, _)| *on).map(|(_, a)| *a));
    if let Some(prt) = &prt {
        children.push(prt);
    }
    children.push(&crs);
    if s.osc {
        children.push(&osc);
    }
    children.push(&dsm);
    if s.ecam_reservation == EcamReservation::Child {
        children.push(&res0);
    }
    out.device(s.name, children);
    if s.ecam_reservation == EcamReservation::Sibling {
        out.device("MBRD", vec![&res_hid, &res_uid, &res_crs]);
    }
    Ok(())
}

/// The root bridge's windows.
fn crs(p: &PciDesc, s: &PciStyle) -> Result<Raw> {
    let last_bus = (p.buses() - 1) as u16;
    let mut parts = vec![raw(&AddressSpace::new_bus_number(0u16, last_bus))];
    if s.ecam_in_crs {
        parts.push(memory("PCI ECAM", p.ecam)?);
    }
    let last = window("PCI 32-bit memory", p.mmio32)?;
    if s.mmio32_qword {
        parts.push(raw(&qword_memory(p.mmio32.0, last)));
    } else {
        let (base, size) = window32("PCI 32-bit memory", p.mmio32.0, p.mmio32.1)?;
        parts.push(raw(&AddressSpace::new_memory(
            AddressSpaceCacheable::NotCacheable,
            true,
            base,
            base + (size - 1),
            None,
        )));
    }
    if let (true, Some((base, size))) = (s.io, p.io) {
        // PCI I/O addresses 0..size map to CPU addresses base..base+size.
        let (base, size) = window32("PCI I/O", base, size)?;
        parts.push(raw(&AddressSpace::new_io(0u32, size - 1, Some(base))));
    }
    if let Some(w) = p.mmio64 {
        parts.push(raw(&qword_memory(w.0, window("PCI 64-bit memory", w)?)));
    }
    let refs: Vec<&dyn Aml> = parts.iter().map(|r| r as &dyn Aml).collect();
    Ok(raw(&ResourceTemplate::new(refs)))
}

/// `_PRT`: slot `s` pin `p` raises SPI `intx + (s + p) % lines` (checked: 1..=16 lines);
/// with link devices, its `GSIn` devices, one per line, follow it.
fn prt(intx: u32, lines: u32, form: Prt) -> Raw {
    let mut v = Vec::new();
    match form {
        Prt::DirectIntA => {
            let rows: Vec<(u32, u32)> = (0..PCI_SLOTS)
                .map(|slot| ((slot << 16) | 0xffff, gsiv(intx + slot % lines)))
                .collect();
            let pkgs: Vec<Package> = rows
                .iter()
                .map(|(adr, gsi)| Package::new(vec![adr, &0u8, &0u8, gsi]))
                .collect();
            let refs: Vec<&dyn Aml> = pkgs.iter().map(|p| p as &dyn Aml).collect();
            name("_PRT", &Package::new(refs)).to_aml_bytes(&mut v);
        }
        Prt::Links => {
            let links: Vec<(u32, u32, Path)> = (0..PCI_SLOTS)
                .flat_map(|slot| (0..PCI_PINS).map(move |pin| (slot, pin)))
                .map(|(slot, pin)| {
                    let link = Path::new(&format!("GSI{:X}", (slot + pin) % lines));
                    ((slot << 16) | 0xffff, pin, link)
                })
                .collect();
            let pkgs: Vec<Package> = links
                .iter()
                .map(|(adr, pin, link)| Package::new(vec![adr, pin, link, &0u8]))
                .collect();
            let refs: Vec<&dyn Aml> = pkgs.iter().map(|p| p as &dyn Aml).collect();
            name("_PRT", &Package::new(refs)).to_aml_bytes(&mut v);
            for i in 0..lines {
                let irq = interrupt(intx + i);
                let hid = name("_HID", &"PNP0C0F");
                let uid = name("_UID", &i);
                let prs = name("_PRS", &ResourceTemplate::new(vec![&irq]));
                let crs = name("_CRS", &ResourceTemplate::new(vec![&irq]));
                let srs = Method::new(Path::new("_SRS"), 1, false, vec![]);
                Device::new(
                    Path::new(&format!("GSI{i:X}")),
                    vec![&hid, &uid, &prs, &crs, &srs],
                )
                .to_aml_bytes(&mut v);
            }
        }
    }
    Raw(v)
}

/// `SUPP`, `CTRL` and `_OSC`: the OS gets every control it asks for among
/// [`PCI_OSC_CONTROLS`]; an unknown UUID is refused, a revision other than 1 flagged.
fn osc() -> Raw {
    let (cdw1, cdw2, cdw3) = (Path::new("CDW1"), Path::new("CDW2"), Path::new("CDW3"));
    let (supp, ctrl) = (Path::new("SUPP"), Path::new("CTRL"));
    let known = raw(&If::new(
        &Equal::new(&Arg(0), &Uuid::new(PCI_OSC_UUID)),
        vec![
            &CreateDWordField::new(&cdw2, &Arg(3), &4u8),
            &CreateDWordField::new(&cdw3, &Arg(3), &8u8),
            &Store::new(&supp, &cdw2),
            &Store::new(&ctrl, &cdw3),
            &aml::And::new(&ctrl, &ctrl, &PCI_OSC_CONTROLS),
            &If::new(
                &NotEqual::new(&Arg(1), &aml::ONE),
                vec![&aml::Or::new(&cdw1, &cdw1, &0x08u8)],
            ),
            &If::new(
                &NotEqual::new(&cdw3, &ctrl),
                vec![&aml::Or::new(&cdw1, &cdw1, &0x10u8)],
            ),
            &Store::new(&cdw3, &ctrl),
            &Return::new(&Arg(3)),
        ],
    ));
    let unknown = raw(&Else::new(vec![
        &aml::Or::new(&cdw1, &cdw1, &0x04u8),
        &Return::new(&Arg(3)),
    ]));
    let mut v = Vec::new();
    name("SUPP", &aml::ZERO).to_aml_bytes(&mut v);
    name("CTRL", &aml::ZERO).to_aml_bytes(&mut v);
    Method::new(
        Path::new("_OSC"),
        4,
        false,
        vec![
            &CreateDWordField::new(&cdw1, &Arg(3), &aml::ZERO),
            &known,
            &unknown,
        ],
    )
    .to_aml_bytes(&mut v);
    Raw(v)
}

/// `_DSM` for the PCI UUID: function 0 lists the functions supported (5, "keep the firmware's
/// BAR assignment", when `preserve_config`), function 5 answers 0 ("do not ignore it").
fn dsm(preserve_config: bool) -> Raw {
    let functions = if preserve_config { 0x21 } else { 0 };
    let f0 = raw(&If::new(
        &Equal::new(&Arg(2), &aml::ZERO),
        vec![&Return::new(&BufferData::new(vec![functions]))],
    ));
    let f5 = raw(&If::new(
        &Equal::new(&Arg(2), &5u8),
        vec![&Return::new(&aml::ZERO)],
    ));
    let mut body: Vec<&dyn Aml> = vec![&f0];
    if preserve_config {
        body.push(&f5);
    }
    let known = raw(&If::new(
        &Equal::new(&Arg(0), &Uuid::new(PCI_DSM_UUID)),
        body,
    ));
    raw(&Method::new(
        Path::new("_DSM"),
        4,
        false,
        vec![&known, &Return::new(&BufferData::new(vec![0]))],
    ))
}
