//! The flattened device tree handed to Linux in x0: built for the machine (as QEMU's `virt`
//! builds it, `hw/arm/virt.c` `create_fdt` and friends), or taken from the user and given a new
//! `/chosen`.
//!
//! Bindings: Devicetree Specification v0.4 §3 (root, `/memory`, `/cpus`, `/chosen`,
//! `/aliases`), Linux `Documentation/devicetree/bindings/`: `arm/psci.yaml`,
//! `timer/arm,arch_timer.yaml`, `interrupt-controller/arm,gic.yaml` and `arm,gic-v3.yaml`,
//! `serial/pl011.yaml`, `rtc/arm,pl031.yaml`, `clock/fixed-clock.yaml`, `chosen.yaml`,
//! `virtio/mmio.yaml`.
//!
//! The generated tree matches QEMU's for the devices bootemu models (compare
//! `shared/reference/virt-*.dts`): same node names, properties, interrupt specifiers, phandle
//! numbering scheme (0x8000 the clock, then the CPUs, then the GIC) and node order. Left out on
//! purpose: what is not modelled (PCIe, PL061 and gpio-keys, the
//! platform bus, the PMU, GICv2m and the ITS, the virtualization parts of the GIC) and the random
//! `kaslr-seed`/`rng-seed` (a run must be reproducible). Same inputs give the same bytes.

use fdt::Fdt;
use vm_fdt::{FdtReserveEntry, FdtWriter};

use crate::Ram;

/// booting.rst: "The device tree blob (dtb) must be placed on an 8-byte boundary".
pub const DTB_ALIGN: u64 = 8;
/// booting.rst: the dtb "must not exceed 2 megabytes in size".
pub const DTB_MAX_SIZE: u64 = 2 << 20;

/// Phandle of the fixed APB clock (QEMU's first phandle).
pub const PHANDLE_CLOCK: u32 = 0x8000;

/// GIC interrupt specifier, cell 0: shared peripheral interrupt.
pub const IRQ_TYPE_SPI: u32 = 0;
/// GIC interrupt specifier, cell 0: private peripheral interrupt.
pub const IRQ_TYPE_PPI: u32 = 1;
/// GIC interrupt specifier, cell 2: rising edge.
pub const IRQ_EDGE_LO_HI: u32 = 1;
/// GIC interrupt specifier, cell 2: level-sensitive, active high.
pub const IRQ_LEVEL_HI: u32 = 4;
/// Timer PPIs (INTID - 16): secure physical, non-secure physical, virtual, hypervisor.
pub const TIMER_PPIS: [u32; 4] = [13, 14, 11, 10];
/// PSCI 0.1 function IDs QEMU lists in its `psci` node (SMC64 CPU_SUSPEND, SMC32 CPU_OFF,
/// SMC64 CPU_ON, SMC64 MIGRATE).
pub const PSCI_0_1_IDS: [(&str, u32); 4] = [
    ("migrate", 0xc400_0005),
    ("cpu_on", 0xc400_0003),
    ("cpu_off", 0x8400_0002),
    ("cpu_suspend", 0xc400_0001),
];

/// How PSCI is called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PsciConduit {
    /// HVC (the guest runs at EL1).
    Hvc,
    /// SMC (the guest owns EL2).
    Smc,
}

/// The interrupt controller's frames (base, size).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GicDesc {
    /// GICv2: distributor and CPU interface.
    V2 {
        /// Distributor frame.
        dist: (u64, u64),
        /// CPU interface frame.
        cpu: (u64, u64),
    },
    /// GICv3: distributor and one redistributor region.
    V3 {
        /// Distributor frame.
        dist: (u64, u64),
        /// Redistributor region.
        redist: (u64, u64),
    },
}

/// An MMIO device with one SPI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MmioDesc {
    /// Guest-physical base.
    pub base: u64,
    /// Size of the frame.
    pub size: u64,
    /// Its interrupt, as an SPI number (INTID - 32).
    pub spi: u32,
}

/// CFI flash banks, described as QEMU's `virt` does (`hw/arm/virt.c` `virt_flash_fdt`: one
/// `cfi-flash` node whose `reg` lists every bank).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlashDesc {
    /// Guest-physical base of the first bank.
    pub base: u64,
    /// Size of one bank; the banks follow each other.
    pub bank_size: u64,
    /// Number of banks.
    pub banks: u64,
    /// `bank-width` in bytes.
    pub bank_width: u32,
}

/// A PCIe host bridge with an ECAM window (`pci-host-ecam-generic`), as QEMU's `virt`
/// (`hw/arm/virt.c` `create_pcie`) and Cloud Hypervisor describe it. Memory windows map
/// CPU addresses 1:1 onto PCI addresses; the I/O window maps PCI I/O address 0 to its base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PciDesc {
    /// ECAM window (base, size): 1 MiB per bus, buses from 0.
    pub ecam: (u64, u64),
    /// I/O port window (CPU base, size), if any.
    pub io: Option<(u64, u64)>,
    /// 32-bit memory window (base, size).
    pub mmio32: (u64, u64),
    /// 64-bit memory window (base, size), if any.
    pub mmio64: Option<(u64, u64)>,
    /// Legacy interrupts: the SPI of INTA at slot 0, the first of [`PciDesc::intx_lines`]
    /// consecutive SPIs; slot `s` pin `p` (0 = INTA) raises SPI `intx_spi + (s + p) %
    /// intx_lines` (QEMU's swizzle with 4 lines; Cloud Hypervisor's `_PRT`, slot `s` INTA on
    /// GSI 32 + `s` % 8, with 8). `None` when the host has no INTx routing.
    pub intx_spi: Option<u32>,
    /// Number of INTx SPIs (a power of two).
    pub intx_lines: u32,
}

impl PciDesc {
    /// Number of buses the ECAM window covers.
    pub fn buses(&self) -> u64 {
        (self.ecam.1 >> 20).clamp(1, 256)
    }
}

/// What the device tree describes: the machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MachineDesc {
    /// RAM.
    pub ram: Ram,
    /// The CPUs' MPIDR affinity fields (`reg` of each cpu node), boot CPU first.
    pub cpus: Vec<u64>,
    /// Interrupt controller.
    pub gic: GicDesc,
    /// PSCI conduit.
    pub psci: PsciConduit,
    /// The PL011 UART (the console).
    pub uart: MmioDesc,
    /// The PL031 RTC.
    pub rtc: MmioDesc,
    /// The QEMU firmware configuration device (`qemu,fw-cfg-mmio`), as (base, size).
    pub fw_cfg: Option<(u64, u64)>,
    /// The CFI flash.
    pub flash: Option<FlashDesc>,
    /// The virtio-mmio transports (`virtio,mmio`, edge-triggered SPIs), in address order.
    pub virtio_mmio: Vec<MmioDesc>,
    /// The PCIe host bridge, if any.
    pub pci: Option<PciDesc>,
}

/// What `/chosen` says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Chosen {
    /// The kernel command line (`bootargs`), if any.
    pub bootargs: Option<String>,
    /// The initrd's guest-physical range `start..end`, if any.
    pub initrd: Option<(u64, u64)>,
    /// The kernel file handed to a firmware (`linux,kernel-start`, `linux,kernel-size`: the
    /// protocol of rust-hypervisor-firmware's direct kernel boot), as (start, size).
    pub kernel: Option<(u64, u64)>,
}

/// Why a device tree cannot be built or used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The writer refused something (a bug in the description).
    #[error("building the device tree: {0}")]
    Write(String),
    /// A user-supplied blob is not a valid FDT.
    #[error("not a usable device tree blob: {0}")]
    BadBlob(String),
    /// The blob is larger than booting.rst allows.
    #[error("device tree is {size:#x} bytes; booting.rst allows at most {DTB_MAX_SIZE:#x}")]
    TooLarge {
        /// Its size.
        size: u64,
    },
}

impl From<vm_fdt::Error> for Error {
    fn from(e: vm_fdt::Error) -> Self {
        Error::Write(e.to_string())
    }
}

type Result<T> = std::result::Result<T, Error>;

/// Path of the console UART node, as `stdout-path` and `aliases/serial0` name it.
fn uart_path(m: &MachineDesc) -> String {
    format!("/pl011@{:x}", m.uart.base)
}

/// `reg` cells for #address-cells = #size-cells = 2.
fn reg2(frames: &[(u64, u64)]) -> Vec<u64> {
    frames.iter().flat_map(|&(b, s)| [b, s]).collect()
}

/// A device node with the QEMU `virt` PrimeCell shape.
fn primecell(
    w: &mut FdtWriter,
    name: &str,
    dev: &MmioDesc,
    compatible: &str,
    clocks: &[&str],
) -> Result<()> {
    let n = w.begin_node(&format!("{name}@{:x}", dev.base))?;
    w.property_string_list(
        "clock-names",
        clocks.iter().map(|s| s.to_string()).collect(),
    )?;
    w.property_array_u32("clocks", &vec![PHANDLE_CLOCK; clocks.len()])?;
    w.property_array_u32("interrupts", &[IRQ_TYPE_SPI, dev.spi, IRQ_LEVEL_HI])?;
    w.property_array_u64("reg", &[dev.base, dev.size])?;
    w.property_string_list(
        "compatible",
        vec![compatible.to_string(), "arm,primecell".to_string()],
    )?;
    Ok(w.end_node(n)?)
}

/// `/chosen` properties (the caller opened the node).
fn chosen_props(w: &mut FdtWriter, c: &Chosen) -> Result<()> {
    if let Some((start, size)) = c.kernel {
        w.property_u64("linux,kernel-start", start)?;
        w.property_u64("linux,kernel-size", size)?;
    }
    if let Some((start, end)) = c.initrd {
        w.property_u64("linux,initrd-end", end)?;
        w.property_u64("linux,initrd-start", start)?;
    }
    if let Some(args) = &c.bootargs {
        w.property_string("bootargs", args)?;
    }
    Ok(())
}

/// `ranges` space codes (phys.hi bits 24..25 of a PCI address): I/O, 32-bit and 64-bit
/// memory (IEEE 1275 PCI binding).
const PCI_SPACE_IO: u32 = 0x0100_0000;
const PCI_SPACE_MEM32: u32 = 0x0200_0000;
const PCI_SPACE_MEM64: u32 = 0x0300_0000;

/// The PCIe host node as QEMU's `create_pcie` writes it (without `msi-map`: no MSI
/// controller is modelled, so functions use INTx through `interrupt-map`).
fn pcie_node(w: &mut FdtWriter, pci: &PciDesc, phandle_gic: u32) -> Result<()> {
    let mmio_base = pci.mmio32.0;
    let n = w.begin_node(&format!("pcie@{mmio_base:x}"))?;
    if let Some(spi) = pci.intx_spi {
        // The mask keeps the slot bits that tell the lines apart (0x1800 for QEMU's 4): the
        // swizzle repeats every `lines` slots (a power of two).
        let lines = pci.intx_lines.clamp(1, 32).next_power_of_two();
        let slot_mask = (lines - 1) << 11;
        w.property_array_u32("interrupt-map-mask", &[slot_mask, 0, 0, 7])?;
        let mut map = Vec::new();
        for slot in 0..lines {
            for pin in 1..=4u32 {
                let line = spi + (slot + pin - 1) % lines;
                map.extend_from_slice(&[slot << 11, 0, 0, pin, phandle_gic, 0, 0]);
                map.extend_from_slice(&[IRQ_TYPE_SPI, line, IRQ_LEVEL_HI]);
            }
        }
        w.property_array_u32("interrupt-map", &map)?;
        w.property_u32("#interrupt-cells", 1)?;
    }
    let hi = |v: u64| (v >> 32) as u32;
    let mut ranges = Vec::new();
    let mut range = |space: u32, pci_addr: u64, cpu: u64, size: u64| {
        ranges.extend_from_slice(&[space, hi(pci_addr), pci_addr as u32]);
        ranges.extend_from_slice(&[hi(cpu), cpu as u32, hi(size), size as u32]);
    };
    if let Some((base, size)) = pci.io {
        range(PCI_SPACE_IO, 0, base, size);
    }
    range(PCI_SPACE_MEM32, pci.mmio32.0, pci.mmio32.0, pci.mmio32.1);
    if let Some((base, size)) = pci.mmio64 {
        range(PCI_SPACE_MEM64, base, base, size);
    }
    w.property_array_u32("ranges", &ranges)?;
    w.property_array_u64("reg", &[pci.ecam.0, pci.ecam.1])?;
    w.property_null("dma-coherent")?;
    w.property_array_u32("bus-range", &[0, pci.buses() as u32 - 1])?;
    w.property_u32("linux,pci-domain", 0)?;
    w.property_u32("#size-cells", 2)?;
    w.property_u32("#address-cells", 3)?;
    w.property_string("device_type", "pci")?;
    w.property_string("compatible", "pci-host-ecam-generic")?;
    w.end_node(n)?;
    Ok(())
}

/// Build the machine's device tree.
pub fn build(m: &MachineDesc, chosen: &Chosen) -> Result<Vec<u8>> {
    let ncpu = m.cpus.len() as u32;
    let phandle_cpu = |i: usize| PHANDLE_CLOCK + ncpu - i as u32;
    let phandle_gic = PHANDLE_CLOCK + ncpu + 1;

    let mut w = FdtWriter::new()?;
    let root = w.begin_node("")?;
    w.property_u32("interrupt-parent", phandle_gic)?;
    w.property_null("dma-coherent")?;
    w.property_string("model", "linux,dummy-virt")?;
    w.property_u32("#size-cells", 2)?;
    w.property_u32("#address-cells", 2)?;
    w.property_string("compatible", "linux,dummy-virt")?;

    let n = w.begin_node("psci")?;
    for (name, id) in PSCI_0_1_IDS {
        w.property_u32(name, id)?;
    }
    w.property_string(
        "method",
        match m.psci {
            PsciConduit::Hvc => "hvc",
            PsciConduit::Smc => "smc",
        },
    )?;
    w.property_string_list(
        "compatible",
        ["arm,psci-1.0", "arm,psci-0.2", "arm,psci"]
            .map(String::from)
            .to_vec(),
    )?;
    w.end_node(n)?;

    let n = w.begin_node(&format!("memory@{:x}", m.ram.base))?;
    w.property_array_u64("reg", &[m.ram.base, m.ram.size])?;
    w.property_string("device_type", "memory")?;
    w.end_node(n)?;

    if let Some((base, size)) = m.fw_cfg {
        let n = w.begin_node(&format!("fw-cfg@{base:x}"))?;
        w.property_null("dma-coherent")?;
        w.property_array_u64("reg", &[base, size])?;
        w.property_string("compatible", "qemu,fw-cfg-mmio")?;
        w.end_node(n)?;
    }

    // QEMU adds these nodes highest address first, so they read lowest first.
    for t in &m.virtio_mmio {
        let n = w.begin_node(&format!("virtio_mmio@{:x}", t.base))?;
        w.property_null("dma-coherent")?;
        w.property_array_u32("interrupts", &[IRQ_TYPE_SPI, t.spi, IRQ_EDGE_LO_HI])?;
        w.property_array_u64("reg", &[t.base, t.size])?;
        w.property_string("compatible", "virtio,mmio")?;
        w.end_node(n)?;
    }

    if let Some(pci) = &m.pci {
        pcie_node(&mut w, pci, phandle_gic)?;
    }

    primecell(&mut w, "pl031", &m.rtc, "arm,pl031", &["apb_pclk"])?;
    primecell(
        &mut w,
        "pl011",
        &m.uart,
        "arm,pl011",
        &["uartclk", "apb_pclk"],
    )?;

    let (gic_base, gic_reg, gic_compat) = match m.gic {
        GicDesc::V2 { dist, cpu } => (dist.0, reg2(&[dist, cpu]), "arm,cortex-a15-gic"),
        GicDesc::V3 { dist, redist } => (dist.0, reg2(&[dist, redist]), "arm,gic-v3"),
    };
    let n = w.begin_node(&format!("intc@{gic_base:x}"))?;
    w.property_phandle(phandle_gic)?;
    w.property_array_u64("reg", &gic_reg)?;
    if let GicDesc::V3 { .. } = m.gic {
        w.property_u32("#redistributor-regions", 1)?;
    }
    w.property_string("compatible", gic_compat)?;
    w.property_null("ranges")?;
    w.property_u32("#size-cells", 2)?;
    w.property_u32("#address-cells", 2)?;
    w.property_null("interrupt-controller")?;
    w.property_u32("#interrupt-cells", 3)?;
    w.end_node(n)?;

    if let Some(f) = m.flash {
        let n = w.begin_node(&format!("flash@{:x}", f.base))?;
        w.property_u32("bank-width", f.bank_width)?;
        let banks: Vec<(u64, u64)> = (0..f.banks)
            .map(|i| (f.base + i * f.bank_size, f.bank_size))
            .collect();
        w.property_array_u64("reg", &reg2(&banks))?;
        w.property_string("compatible", "cfi-flash")?;
        w.end_node(n)?;
    }

    let cpus = w.begin_node("cpus")?;
    w.property_u32("#size-cells", 0)?;
    w.property_u32("#address-cells", 1)?;
    let map = w.begin_node("cpu-map")?;
    let socket = w.begin_node("socket0")?;
    let cluster = w.begin_node("cluster0")?;
    for i in 0..m.cpus.len() {
        let core = w.begin_node(&format!("core{i}"))?;
        w.property_u32("cpu", phandle_cpu(i))?;
        w.end_node(core)?;
    }
    w.end_node(cluster)?;
    w.end_node(socket)?;
    w.end_node(map)?;
    for (i, &aff) in m.cpus.iter().enumerate() {
        let n = w.begin_node(&format!("cpu@{aff:x}"))?;
        w.property_phandle(phandle_cpu(i))?;
        w.property_u32("reg", aff as u32)?;
        w.property_string("enable-method", "psci")?;
        w.property_string("compatible", "arm,cortex-a57")?;
        w.property_string("device_type", "cpu")?;
        w.end_node(n)?;
    }
    w.end_node(cpus)?;

    // GICv2 PPI specifiers carry the CPU mask in bits 15:8 (QEMU: GIC_FDT_IRQ_PPI_CPU_*).
    let ppi_flags = match m.gic {
        GicDesc::V2 { .. } => IRQ_LEVEL_HI | (((1u32 << ncpu.min(8)) - 1) << 8),
        GicDesc::V3 { .. } => IRQ_LEVEL_HI,
    };
    let n = w.begin_node("timer")?;
    let irqs: Vec<u32> = TIMER_PPIS
        .iter()
        .flat_map(|&p| [IRQ_TYPE_PPI, p, ppi_flags])
        .collect();
    w.property_array_u32("interrupts", &irqs)?;
    w.property_null("always-on")?;
    w.property_string_list(
        "compatible",
        ["arm,armv8-timer", "arm,armv7-timer"]
            .map(String::from)
            .to_vec(),
    )?;
    w.end_node(n)?;

    let n = w.begin_node("apb-pclk")?;
    w.property_phandle(PHANDLE_CLOCK)?;
    w.property_string("clock-output-names", "clk24mhz")?;
    w.property_u32("clock-frequency", 24_000_000)?;
    w.property_u32("#clock-cells", 0)?;
    w.property_string("compatible", "fixed-clock")?;
    w.end_node(n)?;

    let n = w.begin_node("aliases")?;
    w.property_string("serial0", &uart_path(m))?;
    w.end_node(n)?;

    let n = w.begin_node("chosen")?;
    chosen_props(&mut w, chosen)?;
    w.property_string("stdout-path", &uart_path(m))?;
    w.end_node(n)?;

    w.end_node(root)?;
    let blob = w.finish()?;
    check_size(&blob)?;
    Ok(blob)
}

fn check_size(blob: &[u8]) -> Result<()> {
    let size = blob.len() as u64;
    if size > DTB_MAX_SIZE {
        return Err(Error::TooLarge { size });
    }
    Ok(())
}

/// FDT header field `boot_cpuid_phys` (big-endian u32 at byte 28).
const BOOT_CPUID_OFFSET: usize = 28;

/// `/chosen` properties this module owns in a user's blob.
const CHOSEN_OWNED: [&str; 5] = [
    "bootargs",
    "linux,initrd-start",
    "linux,initrd-end",
    "linux,kernel-start",
    "linux,kernel-size",
];

/// Deepest node nesting accepted in a blob (Linux's own `dtc` and libfdt walk trees much
/// shallower than this; deeper ones are hostile and would exhaust the host's stack).
pub const MAX_DEPTH: usize = 64;
/// Size of the FDT header (version 17).
const HEADER_LEN: usize = 40;
const FDT_BEGIN_NODE: u32 = 1;
const FDT_END_NODE: u32 = 2;
const FDT_PROP: u32 = 3;
const FDT_NOP: u32 = 4;
const FDT_END: u32 = 9;

/// Check a blob's structure before any parser walks it (Devicetree Specification v0.4 ch. 5):
/// the header's blocks lie inside `totalsize`, which lies inside the blob; the memory
/// reservation block ends inside it; every structure token, node name and property value lies
/// inside the structure block, every property name inside the strings block, names are UTF-8,
/// `#address-cells`/`#size-cells` are one cell, nodes are balanced and at most [`MAX_DEPTH`]
/// deep, and the block ends with `FDT_END`. A blob that passes cannot
/// send the `fdt` crate out of bounds or into deep recursion.
pub fn validate(blob: &[u8]) -> Result<()> {
    let bad = |what: &str| Err(Error::BadBlob(what.to_string()));
    let word = |off: usize| -> Option<u32> {
        Some(u32::from_be_bytes(
            blob.get(off..off.checked_add(4)?)?.try_into().ok()?,
        ))
    };
    if blob.len() < HEADER_LEN {
        return bad("shorter than the 40-byte header");
    }
    if word(0) != Some(0xd00d_feed) {
        return bad("no FDT magic (0xd00dfeed)");
    }
    let field = |i: usize| word(4 * i).unwrap_or(0) as usize;
    let (total, off_struct, off_strings, off_rsv) = (field(1), field(2), field(3), field(4));
    let (version, size_strings, size_struct) = (field(5), field(8), field(9));
    if total < HEADER_LEN || total > blob.len() {
        return Err(Error::BadBlob(format!(
            "totalsize {total:#x} does not fit the {:#x}-byte blob",
            blob.len()
        )));
    }
    if version < 16 {
        return Err(Error::BadBlob(format!(
            "version {version} (16 or later needed)"
        )));
    }
    let inside = |off: usize, len: usize| off.checked_add(len).is_some_and(|end| end <= total);
    if !inside(off_struct, size_struct) || !inside(off_strings, size_strings) {
        return bad("structure or strings block outside totalsize");
    }
    if off_rsv % 8 != 0 || !inside(off_rsv, 16) {
        return bad("memory reservation block misplaced");
    }
    let mut at = off_rsv;
    loop {
        if !inside(at, 16) {
            return bad("memory reservation block runs past totalsize");
        }
        if blob[at..at + 16].iter().all(|&b| b == 0) {
            break;
        }
        at += 16;
    }
    let strings = &blob[off_strings..off_strings + size_strings];
    let end = off_struct + size_struct;
    let cstr_end = |from: usize, limit: usize| blob[from..limit].iter().position(|&b| b == 0);
    let (mut at, mut depth, mut seen_root) = (off_struct, 0usize, false);
    // Per open node: whether a subnode has begun (properties must precede subnodes, DT spec
    // §5.4.1; the fdt crate relies on it).
    let mut had_child: Vec<bool> = Vec::new();
    loop {
        if at + 4 > end {
            return bad("structure block ends without FDT_END");
        }
        let token = word(at).unwrap_or(0);
        at += 4;
        match token {
            FDT_BEGIN_NODE => {
                if depth == 0 && seen_root {
                    return bad("more than one root node");
                }
                seen_root = true;
                if let Some(parent) = had_child.last_mut() {
                    *parent = true;
                }
                had_child.push(false);
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(Error::BadBlob(format!(
                        "nodes nested deeper than {MAX_DEPTH}"
                    )));
                }
                let Some(n) = cstr_end(at, end) else {
                    return bad("node name runs past the structure block");
                };
                if std::str::from_utf8(&blob[at..at + n]).is_err() {
                    return bad("node name is not UTF-8");
                }
                at = (at + n + 1).next_multiple_of(4);
            }
            FDT_END_NODE => {
                if depth == 0 {
                    return bad("unbalanced FDT_END_NODE");
                }
                had_child.pop();
                depth -= 1;
            }
            FDT_PROP => {
                if depth == 0 {
                    return bad("property outside any node");
                }
                if had_child.last() == Some(&true) {
                    return bad("property after a subnode");
                }
                let (Some(len), Some(name)) = (word(at), word(at + 4)) else {
                    return bad("property header runs past the blob");
                };
                let (len, name) = (len as usize, name as usize);
                at += 8;
                if at.checked_add(len).is_none_or(|e| e > end) {
                    return bad("property value runs past the structure block");
                }
                let Some(name_len) = strings
                    .get(name..)
                    .and_then(|n| n.iter().position(|&b| b == 0))
                else {
                    return bad("property name outside the strings block");
                };
                let Ok(prop) = std::str::from_utf8(&strings[name..name + name_len]) else {
                    return bad("property name is not UTF-8");
                };
                if matches!(prop, "#address-cells" | "#size-cells") && len != 4 {
                    return Err(Error::BadBlob(format!(
                        "{prop} is {len} bytes, not one cell"
                    )));
                }
                at = (at + len).next_multiple_of(4);
            }
            FDT_NOP => {}
            FDT_END if depth == 0 && seen_root => return Ok(()),
            FDT_END => return bad("FDT_END inside a node"),
            t => return Err(Error::BadBlob(format!("unknown structure token {t:#x}"))),
        }
    }
}

/// A blob the `fdt` crate can walk: [`validate`]d, with its `FDT_NOP` tokens (which libfdt
/// leaves where it deletes properties, and which the crate mishandles between properties and
/// subnodes) removed. Borrowed as it is when it has none.
pub fn prepare(blob: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>> {
    validate(blob)?;
    let be = |off: usize| u32::from_be_bytes(blob[off..off + 4].try_into().unwrap_or_default());
    let (off_struct, size_struct) = (be(8) as usize, be(36) as usize);
    let (off_strings, size_strings) = (be(12) as usize, be(32) as usize);
    let off_rsv = be(16) as usize;
    let block = &blob[off_struct..off_struct + size_struct];
    // Walk the (valid) structure block token by token, keeping all but FDT_NOP.
    let mut out = Vec::with_capacity(block.len());
    let mut at = 0;
    let mut nops = 0;
    while at + 4 <= block.len() {
        let token = u32::from_be_bytes(block[at..at + 4].try_into().unwrap_or_default());
        let len = match token {
            FDT_BEGIN_NODE => {
                let n = block[at + 4..].iter().position(|&b| b == 0).unwrap_or(0);
                4 + (n + 1).next_multiple_of(4)
            }
            FDT_PROP => {
                let v = u32::from_be_bytes(block[at + 4..at + 8].try_into().unwrap_or_default());
                12 + (v as usize).next_multiple_of(4)
            }
            _ => 4,
        };
        let len = len.min(block.len() - at);
        if token == FDT_NOP {
            nops += 1;
        } else {
            out.extend_from_slice(&block[at..at + len]);
        }
        if token == FDT_END {
            break;
        }
        at += len;
    }
    if nops == 0 {
        return Ok(std::borrow::Cow::Borrowed(blob));
    }
    // Header, reservation map, structure block, strings block.
    let mut rsv_end = off_rsv;
    while blob[rsv_end..rsv_end + 16].iter().any(|&b| b != 0) {
        rsv_end += 16;
    }
    rsv_end += 16;
    let mut b = blob[..HEADER_LEN].to_vec();
    let rsv_at = b.len();
    b.extend_from_slice(&blob[off_rsv..rsv_end]);
    let struct_at = b.len();
    b.extend_from_slice(&out);
    let strings_at = b.len();
    b.extend_from_slice(&blob[off_strings..off_strings + size_strings]);
    let total = b.len();
    for (off, v) in [
        (4, total),
        (8, struct_at),
        (12, strings_at),
        (16, rsv_at),
        (36, out.len()),
    ] {
        b[off..off + 4].copy_from_slice(&(v as u32).to_be_bytes());
    }
    Ok(std::borrow::Cow::Owned(b))
}

/// A user's device tree with `/chosen` updated: `bootargs` and the initrd range replaced by
/// `chosen`'s (or removed when `chosen` has none), every other node and property, the memory
/// reservations and `boot_cpuid_phys` kept. `/chosen` is created if missing.
pub fn with_chosen(blob: &[u8], chosen: &Chosen) -> Result<Vec<u8>> {
    // The fdt crate panics on some malformed blobs; a user's file must not crash the host.
    std::panic::catch_unwind(|| rewrite(blob, chosen))
        .unwrap_or_else(|_| Err(Error::BadBlob("malformed structure block".into())))
}

fn rewrite(blob: &[u8], chosen: &Chosen) -> Result<Vec<u8>> {
    let blob = &*prepare(blob)?;
    let tree = Fdt::new(blob).map_err(|e| Error::BadBlob(format!("{e:?}")))?;
    let reservations: Vec<FdtReserveEntry> = tree
        .memory_reservations()
        .map(|r| FdtReserveEntry::new(r.address() as u64, r.size() as u64))
        .collect::<std::result::Result<_, _>>()?;
    let mut w = FdtWriter::new_with_mem_reserv(&reservations)?;
    let cpuid = blob
        .get(BOOT_CPUID_OFFSET..BOOT_CPUID_OFFSET + 4)
        .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    w.set_boot_cpuid_phys(cpuid);
    let root = tree
        .find_node("/")
        .ok_or_else(|| Error::BadBlob("no root node".into()))?;
    copy_node(&mut w, root, true, chosen)?;
    let out = w.finish()?;
    check_size(&out)?;
    Ok(out)
}

fn copy_node(w: &mut FdtWriter, node: fdt::node::FdtNode, is_root: bool, c: &Chosen) -> Result<()> {
    let name = if is_root { "" } else { node.name };
    let n = w.begin_node(name)?;
    let is_chosen = !is_root && (node.name == "chosen" || node.name.starts_with("chosen@"));
    for p in node.properties() {
        if !(is_chosen && CHOSEN_OWNED.contains(&p.name)) {
            w.property(p.name, p.value)?;
        }
    }
    if is_chosen {
        chosen_props(w, c)?;
    }
    let mut had_chosen = false;
    for child in node.children() {
        had_chosen |= is_root && child.name == "chosen";
        copy_node(w, child, false, c)?;
    }
    if is_root && !had_chosen {
        let n = w.begin_node("chosen")?;
        chosen_props(w, c)?;
        w.end_node(n)?;
    }
    w.end_node(n)?;
    Ok(())
}

/// The devices a blob describes: every node with a `reg` and a `compatible`, below the root
/// (children of buses included), as (node path, its compatible strings). Memory, CPU and
/// reserved-memory nodes are left out.
pub fn devices(blob: &[u8]) -> Result<Vec<(String, Vec<String>)>> {
    let blob = &*prepare(blob)?;
    std::panic::catch_unwind(|| {
        let tree = Fdt::new(blob).map_err(|e| Error::BadBlob(format!("{e:?}")))?;
        let root = tree
            .find_node("/")
            .ok_or_else(|| Error::BadBlob("no root node".into()))?;
        let mut out = Vec::new();
        // Depth is bounded by `validate`; an explicit stack keeps the walk iterative anyway.
        let mut stack: Vec<(String, fdt::node::FdtNode)> = root
            .children()
            .map(|c| (format!("/{}", c.name), c))
            .collect();
        while let Some((path, n)) = stack.pop() {
            let skip = ["memory", "cpus", "reserved-memory", "chosen", "aliases"]
                .iter()
                .any(|p| n.name == *p || n.name.starts_with(&format!("{p}@")));
            if skip {
                continue;
            }
            if let (Some(c), true) = (n.compatible(), n.property("reg").is_some()) {
                out.push((path.clone(), c.all().map(String::from).collect()));
            }
            stack.extend(n.children().map(|c| (format!("{path}/{}", c.name), c)));
        }
        out.sort();
        Ok(out)
    })
    .unwrap_or_else(|_| Err(Error::BadBlob("malformed structure block".into())))
}

/// Read `/chosen` back from a blob (for checks and reports).
pub fn read_chosen(blob: &[u8]) -> Result<Chosen> {
    let blob = &*prepare(blob)?;
    std::panic::catch_unwind(|| {
        let tree = Fdt::new(blob).map_err(|e| Error::BadBlob(format!("{e:?}")))?;
        let Some(node) = tree.find_node("/chosen") else {
            return Ok(Chosen::default());
        };
        let u = |name| {
            node.property(name)
                .and_then(|p| p.as_usize())
                .map(|v| v as u64)
        };
        Ok(Chosen {
            bootargs: node
                .property("bootargs")
                .and_then(|p| p.as_str())
                .map(String::from),
            initrd: u("linux,initrd-start").zip(u("linux,initrd-end")),
            kernel: u("linux,kernel-start").zip(u("linux,kernel-size")),
        })
    })
    .unwrap_or_else(|_| Err(Error::BadBlob("malformed structure block".into())))
}

/// `/chosen/kaslr-seed` when present and non-zero (an EFI stub with an RNG writes one): an
/// arm64 kernel built with `CONFIG_RANDOMIZE_BASE` then runs at a random virtual base, unless
/// its command line says `nokaslr` (Linux `arch/arm64/kernel/kaslr.c`, `pi/kaslr_early.c`).
pub fn kaslr_seed(blob: &[u8]) -> Option<u64> {
    let blob = &*prepare(blob).ok()?;
    std::panic::catch_unwind(|| {
        let tree = Fdt::new(blob).ok()?;
        let p = tree.find_node("/chosen")?.property("kaslr-seed")?;
        let v = match p.value.len() {
            8 => u64::from_be_bytes(p.value.try_into().ok()?),
            4 => u64::from(u32::from_be_bytes(p.value.try_into().ok()?)),
            _ => return None,
        };
        (v != 0).then_some(v)
    })
    .ok()
    .flatten()
}

/// QEMU `virt`'s PCIe host (`hw/arm/virt.c`: high ECAM, I/O, 32- and 64-bit windows, INTx on
/// SPIs 3..6), for unit tests.
#[cfg(test)]
pub(crate) const TEST_VIRT_PCI: PciDesc = PciDesc {
    ecam: (0x40_1000_0000, 0x1000_0000),
    io: Some((0x3eff_0000, 0x1_0000)),
    mmio32: (0x1000_0000, 0x2eff_0000),
    mmio64: Some((0x80_0000_0000, 0x80_0000_0000)),
    intx_spi: Some(3),
    intx_lines: 4,
};

/// A `virt`-shaped machine for unit tests and the fuzz targets: `ncpu` CPUs, `gic`, PSCI over
/// HVC, the PL011 and PL031 at QEMU's addresses, no fw_cfg or flash.
pub(crate) fn test_desc(ram: Ram, ncpu: usize, gic: GicDesc) -> MachineDesc {
    let mmio = |base, spi| MmioDesc {
        base,
        size: 0x1000,
        spi,
    };
    MachineDesc {
        ram,
        cpus: (0..ncpu as u64).collect(),
        gic,
        psci: PsciConduit::Hvc,
        uart: mmio(0x0900_0000, 1),
        rtc: mmio(0x0901_0000, 2),
        fw_cfg: None,
        flash: None,
        virtio_mmio: Vec::new(),
        pci: None,
    }
}

#[cfg(test)]
mod validate_tests {
    use super::*;

    fn good() -> Vec<u8> {
        let mut w = FdtWriter::new().unwrap();
        let root = w.begin_node("").unwrap();
        let c = w.begin_node("chosen").unwrap();
        w.property_string("bootargs", "x").unwrap();
        w.end_node(c).unwrap();
        w.end_node(root).unwrap();
        w.finish().unwrap()
    }

    fn set(b: &mut [u8], off: usize, v: u32) {
        b[off..off + 4].copy_from_slice(&v.to_be_bytes());
    }

    #[test]
    fn kaslr_seed_is_read_from_chosen() {
        let with = |seed: u64| {
            let mut w = FdtWriter::new().unwrap();
            let root = w.begin_node("").unwrap();
            let c = w.begin_node("chosen").unwrap();
            w.property_u64("kaslr-seed", seed).unwrap();
            w.end_node(c).unwrap();
            w.end_node(root).unwrap();
            w.finish().unwrap()
        };
        assert_eq!(
            kaslr_seed(&with(0x1234_5678_9abc_def0)),
            Some(0x1234_5678_9abc_def0)
        );
        assert_eq!(kaslr_seed(&with(0)), None);
        assert_eq!(kaslr_seed(&good()), None);
        assert_eq!(kaslr_seed(b"junk"), None);
    }

    #[test]
    fn a_good_blob_passes() {
        assert_eq!(validate(&good()), Ok(()));
    }

    #[test]
    fn corrupt_headers_are_refused_not_panics() {
        for (off, v) in [
            (4, 0xffff_fff0),
            (8, 0xffff_fff0),
            (12, 0xffff_fff0),
            (16, 0xffff_fff0),
            (20, 1),
            (32, 0xffff_fff0),
            (36, 0xffff_fff0),
            (16, 3),
        ] {
            let mut b = good();
            set(&mut b, off, v);
            assert!(
                matches!(validate(&b), Err(Error::BadBlob(_))),
                "word at {off} = {v:#x}"
            );
            // The callers refuse it as well, without panicking.
            assert!(read_chosen(&b).is_err());
            assert!(with_chosen(&b, &Chosen::default()).is_err());
        }
        assert!(validate(&good()[..20]).is_err());
    }

    /// A blob whose root holds `depth - 1` nested nodes, written by hand (the writer itself
    /// refuses deep trees).
    fn nested(depth: usize) -> Vec<u8> {
        let mut st = Vec::new();
        for i in 0..depth {
            st.extend(FDT_BEGIN_NODE.to_be_bytes());
            st.extend(if i == 0 { *b"\0\0\0\0" } else { *b"a\0\0\0" });
        }
        for _ in 0..depth {
            st.extend(FDT_END_NODE.to_be_bytes());
        }
        st.extend(FDT_END.to_be_bytes());
        let (rsv, off_st) = (HEADER_LEN, HEADER_LEN + 16);
        let total = off_st + st.len();
        let mut b = vec![0u8; total];
        for (i, v) in [
            0xd00d_feed,
            total as u32,
            off_st as u32,
            total as u32,
            rsv as u32,
            17,
            16,
            0,
            0,
            st.len() as u32,
        ]
        .into_iter()
        .enumerate()
        {
            set(&mut b, 4 * i, v);
        }
        b[off_st..].copy_from_slice(&st);
        b
    }

    #[test]
    fn names_must_be_utf8_and_cells_one_cell() {
        // The strings block holds "bootargs": make its first byte invalid UTF-8.
        let mut b = good();
        let off_strings = u32::from_be_bytes(b[12..16].try_into().unwrap()) as usize;
        b[off_strings] = 0xff;
        assert_eq!(
            validate(&b),
            Err(Error::BadBlob("property name is not UTF-8".into()))
        );
        let mut w = FdtWriter::new().unwrap();
        let root = w.begin_node("").unwrap();
        w.property("#address-cells", &[0, 2]).unwrap();
        w.end_node(root).unwrap();
        let blob = w.finish().unwrap();
        assert_eq!(
            validate(&blob),
            Err(Error::BadBlob(
                "#address-cells is 2 bytes, not one cell".into()
            ))
        );
    }

    /// A blob written by hand from structure-block words and a strings block.
    fn raw(st: &[u32], strings: &[u8]) -> Vec<u8> {
        let st: Vec<u8> = st.iter().flat_map(|w| w.to_be_bytes()).collect();
        let off_st = HEADER_LEN + 16;
        let off_str = off_st + st.len();
        let total = off_str + strings.len();
        let mut b = vec![0u8; HEADER_LEN + 16];
        let words = [
            0xd00d_feed,
            total,
            off_st,
            off_str,
            HEADER_LEN,
            17,
            16,
            0,
            strings.len(),
            st.len(),
        ];
        for (i, v) in words.into_iter().enumerate() {
            set(&mut b, 4 * i, v as u32);
        }
        b.extend_from_slice(&st);
        b.extend_from_slice(strings);
        b
    }

    #[test]
    fn nops_are_removed_and_properties_must_precede_subnodes() {
        // / { NOP; bootargs = "x"; NOP; chosen { NOP; }; NOP; }
        let (b, p, e, n, end) = (FDT_BEGIN_NODE, FDT_PROP, FDT_END_NODE, FDT_NOP, FDT_END);
        let x = u32::from_be_bytes(*b"x\0\0\0");
        let chosen = [u32::from_be_bytes(*b"chos"), u32::from_be_bytes(*b"en\0\0")];
        let blob = raw(
            &[
                b, 0, n, p, 2, 0, x, n, b, chosen[0], chosen[1], n, e, n, e, end,
            ],
            b"bootargs\0",
        );
        assert_eq!(validate(&blob), Ok(()));
        let clean = prepare(&blob).unwrap();
        assert!(matches!(clean, std::borrow::Cow::Owned(_)));
        assert_eq!(validate(&clean), Ok(()));
        assert_eq!(clean.len(), blob.len() - 4 * 4, "four NOPs gone");
        let t = Fdt::new(&clean).unwrap();
        assert!(t.find_node("/chosen").is_some());
        assert_eq!(
            read_chosen(&blob).unwrap().bootargs,
            None,
            "bootargs is on /"
        );
        assert!(matches!(
            prepare(&good()),
            Ok(std::borrow::Cow::Borrowed(_))
        ));
        let late = raw(
            &[b, 0, b, chosen[0], chosen[1], e, p, 2, 0, x, e, end],
            b"bootargs\0",
        );
        assert_eq!(
            validate(&late),
            Err(Error::BadBlob("property after a subnode".into()))
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        assert_eq!(validate(&nested(MAX_DEPTH)), Ok(()));
        let blob = nested(MAX_DEPTH + 1);
        assert_eq!(
            validate(&blob),
            Err(Error::BadBlob(format!(
                "nodes nested deeper than {MAX_DEPTH}"
            )))
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn virt(ncpu: usize, gic: GicDesc) -> MachineDesc {
        test_desc(
            Ram {
                base: 0x4000_0000,
                size: 512 << 20,
            },
            ncpu,
            gic,
        )
    }

    const V2: GicDesc = GicDesc::V2 {
        dist: (0x0800_0000, 0x1_0000),
        cpu: (0x0801_0000, 0x1_0000),
    };
    const V3: GicDesc = GicDesc::V3 {
        dist: (0x0800_0000, 0x1_0000),
        redist: (0x080a_0000, 0xf6_0000),
    };

    fn cells(p: fdt::node::NodeProperty) -> Vec<u32> {
        p.value
            .chunks(4)
            .map(|c| u32::from_be_bytes(c.try_into().unwrap()))
            .collect()
    }

    fn chosen() -> Chosen {
        Chosen {
            bootargs: Some("console=ttyAMA0 panic=-1".into()),
            initrd: Some((0x4800_0000, 0x480f_0d8c)),
            kernel: None,
        }
    }

    #[test]
    fn generated_tree_reads_back_like_qemus() {
        let blob = build(&virt(2, V2), &chosen()).unwrap();
        assert_eq!(blob.len() % 4, 0);
        let t = Fdt::new(&blob).unwrap();
        // Values from shared/reference/virt-a57-512M-smp2-direct.dts.
        assert_eq!(t.root().model(), "linux,dummy-virt");
        let mem: Vec<_> = t.memory().regions().collect();
        assert_eq!(mem[0].starting_address as u64, 0x4000_0000);
        assert_eq!(mem[0].size, Some(0x2000_0000));
        let cpus: Vec<_> = t.cpus().map(|c| c.ids().first()).collect();
        assert_eq!(cpus, vec![0, 1]);
        let n = |p: &str| t.find_node(p).unwrap();
        assert_eq!(
            n("/cpus/cpu@1").property("enable-method").unwrap().as_str(),
            Some("psci")
        );
        assert_eq!(
            cells(n("/cpus/cpu@0").property("phandle").unwrap()),
            [0x8002]
        );
        assert_eq!(
            cells(n("/cpus/cpu@1").property("phandle").unwrap()),
            [0x8001]
        );
        assert_eq!(
            cells(n("/intc@8000000").property("phandle").unwrap()),
            [0x8003]
        );
        assert_eq!(
            cells(t.root().property("interrupt-parent").unwrap()),
            [0x8003]
        );
        assert_eq!(
            cells(n("/timer").property("interrupts").unwrap()),
            [1, 13, 0x304, 1, 14, 0x304, 1, 11, 0x304, 1, 10, 0x304]
        );
        assert_eq!(
            cells(n("/intc@8000000").property("reg").unwrap()),
            [0, 0x0800_0000, 0, 0x1_0000, 0, 0x0801_0000, 0, 0x1_0000]
        );
        assert_eq!(
            cells(n("/pl011@9000000").property("interrupts").unwrap()),
            [0, 1, 4]
        );
        assert_eq!(
            cells(n("/pl031@9010000").property("interrupts").unwrap()),
            [0, 2, 4]
        );
        assert_eq!(
            cells(n("/pl011@9000000").property("clocks").unwrap()),
            [0x8000, 0x8000]
        );
        assert_eq!(n("/psci").property("method").unwrap().as_str(), Some("hvc"));
        assert_eq!(
            n("/psci").property("compatible").unwrap().value,
            b"arm,psci-1.0\0arm,psci-0.2\0arm,psci\0"
        );
        assert_eq!(
            n("/chosen").property("stdout-path").unwrap().as_str(),
            Some("/pl011@9000000")
        );
        assert_eq!(read_chosen(&blob).unwrap(), chosen());
        assert!(n("/chosen").property("kaslr-seed").is_none());
        assert_eq!(kaslr_seed(&blob), None);
        assert!(n("/chosen").property("rng-seed").is_none());
    }

    #[test]
    fn pcie_node_as_qemus() {
        let mut m = virt(1, V2);
        m.pci = Some(TEST_VIRT_PCI);
        let blob = build(&m, &chosen()).unwrap();
        let t = Fdt::new(&blob).unwrap();
        let gic = cells(t.root().property("interrupt-parent").unwrap())[0];
        let n = t.find_node("/pcie@10000000").unwrap();
        let p = |name| cells(n.property(name).unwrap());
        // Values from shared/reference/virt-a57-512M-smp1-direct.dts (QEMU 10.0.2), whose
        // GIC phandle is 0x8002.
        const QEMU_MAP: [u32; 160] = [
            0x00, 0x00, 0x00, 0x01, 0x8002, 0x00, 0x00, 0x00, 0x03, 0x04, //
            0x00, 0x00, 0x00, 0x02, 0x8002, 0x00, 0x00, 0x00, 0x04, 0x04, //
            0x00, 0x00, 0x00, 0x03, 0x8002, 0x00, 0x00, 0x00, 0x05, 0x04, //
            0x00, 0x00, 0x00, 0x04, 0x8002, 0x00, 0x00, 0x00, 0x06, 0x04, //
            0x800, 0x00, 0x00, 0x01, 0x8002, 0x00, 0x00, 0x00, 0x04, 0x04, //
            0x800, 0x00, 0x00, 0x02, 0x8002, 0x00, 0x00, 0x00, 0x05, 0x04, //
            0x800, 0x00, 0x00, 0x03, 0x8002, 0x00, 0x00, 0x00, 0x06, 0x04, //
            0x800, 0x00, 0x00, 0x04, 0x8002, 0x00, 0x00, 0x00, 0x03, 0x04, //
            0x1000, 0x00, 0x00, 0x01, 0x8002, 0x00, 0x00, 0x00, 0x05, 0x04, //
            0x1000, 0x00, 0x00, 0x02, 0x8002, 0x00, 0x00, 0x00, 0x06, 0x04, //
            0x1000, 0x00, 0x00, 0x03, 0x8002, 0x00, 0x00, 0x00, 0x03, 0x04, //
            0x1000, 0x00, 0x00, 0x04, 0x8002, 0x00, 0x00, 0x00, 0x04, 0x04, //
            0x1800, 0x00, 0x00, 0x01, 0x8002, 0x00, 0x00, 0x00, 0x06, 0x04, //
            0x1800, 0x00, 0x00, 0x02, 0x8002, 0x00, 0x00, 0x00, 0x03, 0x04, //
            0x1800, 0x00, 0x00, 0x03, 0x8002, 0x00, 0x00, 0x00, 0x04, 0x04, //
            0x1800, 0x00, 0x00, 0x04, 0x8002, 0x00, 0x00, 0x00, 0x05, 0x04,
        ];
        let want: Vec<u32> = QEMU_MAP
            .iter()
            .map(|&c| if c == 0x8002 { gic } else { c })
            .collect();
        assert_eq!(p("interrupt-map"), want);
        assert_eq!(p("interrupt-map-mask"), [0x1800, 0, 0, 7]);
        assert_eq!(p("#interrupt-cells"), [1]);
        assert_eq!(
            p("ranges"),
            [
                0x1000000, 0x00, 0x00, 0x00, 0x3eff0000, 0x00, 0x10000, //
                0x2000000, 0x00, 0x10000000, 0x00, 0x10000000, 0x00, 0x2eff0000, //
                0x3000000, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00
            ]
        );
        assert_eq!(p("reg"), [0x40, 0x10000000, 0x00, 0x10000000]);
        assert_eq!(p("bus-range"), [0, 0xff]);
        assert_eq!(p("linux,pci-domain"), [0]);
        assert_eq!(p("#size-cells"), [2]);
        assert_eq!(p("#address-cells"), [3]);
        assert!(n.property("dma-coherent").is_some());
        assert_eq!(n.property("device_type").unwrap().as_str(), Some("pci"));
        assert_eq!(
            n.property("compatible").unwrap().as_str(),
            Some("pci-host-ecam-generic")
        );
        assert!(
            n.property("msi-map").is_none(),
            "no MSI controller modelled"
        );
    }

    #[test]
    fn virtio_mmio_nodes_as_qemus() {
        let mut m = virt(1, V2);
        m.virtio_mmio = (0..32)
            .map(|i| MmioDesc {
                base: 0x0a00_0000 + 0x200 * i,
                size: 0x200,
                spi: 16 + i as u32,
            })
            .collect();
        let blob = build(&m, &chosen()).unwrap();
        let t = Fdt::new(&blob).unwrap();
        // Values from shared/reference/virt-a57-512M-smp2-direct.dts.
        let n = t.find_node("/virtio_mmio@a003e00").unwrap();
        assert_eq!(cells(n.property("interrupts").unwrap()), [0, 0x2f, 1]);
        assert_eq!(
            cells(n.property("reg").unwrap()),
            [0, 0x0a00_3e00, 0, 0x200]
        );
        assert_eq!(n.compatible().unwrap().first(), "virtio,mmio");
        assert!(n.property("dma-coherent").is_some());
        let names: Vec<&str> = t
            .find_node("/")
            .unwrap()
            .children()
            .map(|c| c.name)
            .filter(|n| n.starts_with("virtio_mmio@"))
            .collect();
        assert_eq!(names.len(), 32);
        assert_eq!(names[0], "virtio_mmio@a000000");
        assert_eq!(names[31], "virtio_mmio@a003e00");
        // Right after fw-cfg, before the PL031, as in QEMU's tree.
        let all: Vec<&str> = t
            .find_node("/")
            .unwrap()
            .children()
            .map(|c| c.name)
            .collect();
        let first = all
            .iter()
            .position(|n| *n == "virtio_mmio@a000000")
            .unwrap();
        assert_eq!(all[first + 32], "pl031@9010000");
    }

    #[test]
    fn gicv3_and_smc() {
        let mut m = virt(1, V3);
        m.psci = PsciConduit::Smc;
        let blob = build(&m, &Chosen::default()).unwrap();
        let t = Fdt::new(&blob).unwrap();
        let gic = t.find_node("/intc@8000000").unwrap();
        assert_eq!(gic.compatible().unwrap().first(), "arm,gic-v3");
        assert_eq!(
            cells(gic.property("reg").unwrap()),
            [0, 0x0800_0000, 0, 0x1_0000, 0, 0x080a_0000, 0, 0xf6_0000]
        );
        assert_eq!(cells(gic.property("#redistributor-regions").unwrap()), [1]);
        assert_eq!(
            cells(
                t.find_node("/timer")
                    .unwrap()
                    .property("interrupts")
                    .unwrap()
            ),
            [1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4]
        );
        assert_eq!(
            t.find_node("/psci")
                .unwrap()
                .property("method")
                .unwrap()
                .as_str(),
            Some("smc")
        );
        assert_eq!(read_chosen(&blob).unwrap(), Chosen::default());
    }

    #[test]
    fn same_inputs_same_bytes() {
        let a = build(&virt(2, V3), &chosen()).unwrap();
        let b = build(&virt(2, V3), &chosen()).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, build(&virt(2, V2), &chosen()).unwrap());
    }

    #[test]
    fn user_blob_gets_a_new_chosen() {
        let mine = build(&virt(1, V2), &chosen()).unwrap();
        let new = Chosen {
            bootargs: Some("quiet".into()),
            initrd: None,
            kernel: Some((0x5f00_0000, 0x1234)),
        };
        let out = with_chosen(&mine, &new).unwrap();
        assert_eq!(read_chosen(&out).unwrap(), new);
        let t = Fdt::new(&out).unwrap();
        assert_eq!(
            t.find_node("/chosen")
                .unwrap()
                .property("stdout-path")
                .unwrap()
                .as_str(),
            Some("/pl011@9000000"),
            "other /chosen properties are kept"
        );
        assert!(t.find_node("/intc@8000000").is_some());
        // Round trip: putting the original chosen back gives a tree that reads the same.
        let back = with_chosen(&out, &chosen()).unwrap();
        assert_eq!(read_chosen(&back).unwrap(), chosen());
        assert_eq!(back.len(), mine.len());
    }

    #[test]
    fn user_blob_without_chosen_gets_one() {
        let mut w =
            FdtWriter::new_with_mem_reserv(&[FdtReserveEntry::new(0x4000_0000, 0x1000).unwrap()])
                .unwrap();
        let r = w.begin_node("").unwrap();
        w.property_u32("#address-cells", 2).unwrap();
        w.end_node(r).unwrap();
        let blob = w.finish().unwrap();
        let out = with_chosen(&blob, &chosen()).unwrap();
        assert_eq!(read_chosen(&out).unwrap(), chosen());
        let t = Fdt::new(&out).unwrap();
        let res: Vec<_> = t
            .memory_reservations()
            .map(|r| (r.address() as u64, r.size()))
            .collect();
        assert_eq!(res, vec![(0x4000_0000, 0x1000)]);
    }

    #[test]
    fn garbage_is_refused() {
        assert!(matches!(
            with_chosen(b"not a dtb at all, clearly", &chosen()),
            Err(Error::BadBlob(_))
        ));
        let mut blob = build(&virt(1, V2), &chosen()).unwrap();
        let n = blob.len();
        blob[n / 2..].fill(0xff);
        assert!(with_chosen(&blob, &chosen()).is_err());
    }
}
