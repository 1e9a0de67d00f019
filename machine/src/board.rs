//! The board: guest memory, the interrupt controller and the MMIO devices of a profile, as the
//! CPU core's [`Bus`](bootemu_cpu::aarch64::Bus).
//!
//! RAM and ROM pages go to the core as host pointers; every other access is dispatched to the
//! GIC frame or the device whose region holds it, with the offset within that region. Writes
//! to ROM are ignored; accesses where nothing is mapped are bus faults (synchronous external
//! aborts in the guest), counted with the first addresses kept for the report
//! ([`Board::unclaimed`]). The GIC frames of the other GIC version are not mapped.
//!
//! Flash banks read like memory while in read-array mode: their pages go to the core as host
//! pointers for reads and instruction fetch ([`MmioDevice::direct_page`]); every write reaches
//! the device's command state machine. When a bank switches mode the board tells the core
//! through [`Bus::take_remapped`] (the writing vCPU forgets its translations at once) and
//! bumps [`Board::remap_epoch`] (the machine flushes the other vCPUs before they run again).
//! Devices that do DMA (fw_cfg, virtio) get the guest memory after each write to them.
//!
//! Disks go to the virtio-mmio slots from the top, as QEMU's `-device virtio-blk-device`
//! options fill them (`hw/arm/virt.c` `create_virtio_devices`: the first device gets the slot
//! with the highest address), so that a guest enumerates them as it does on QEMU; the other
//! slots are empty transports (device ID 0).
//!
//! Banked GIC registers need to know which vCPU accesses them: the machine sets
//! [`Board::cur`] before running a vCPU. Device interrupt outputs are sampled into the GIC
//! after every access to the device and whenever time moves ([`Board::set_time`]).

use std::ptr::NonNull;
use std::sync::Arc;

use bootemu_cpu::aarch64::trace::DeviceReg;
use bootemu_cpu::aarch64::{Bus, BusFault, BusId, IrqLines};

use crate::devices::fw_cfg::FwCfg;
use crate::devices::pflash::Pflash;
use crate::devices::pl011::Pl011;
use crate::devices::pl031::Pl031;
use crate::devices::virtio_mmio::VirtioMmio;
use crate::devices::{DmaMemory, MmioDevice, SerialPort};
use crate::gic::{Gic, GicFrame, GicVersion};
use crate::memory::{GuestMemory, MemoryError};
use crate::pci::host::PciHost;
use crate::pci::virtio_pci::VirtioPci;
use crate::profile::{Profile, RegionKind};
use crate::virtio::blk::{self, Blk};
use crate::virtio::disk::Disk;

/// A device on the board.
struct Mapped {
    /// INTID its first interrupt output drives; output `i` drives `intid + i`.
    intid: Option<u32>,
    /// Number of interrupt outputs.
    lines: u32,
    dev: Box<dyn MmioDevice>,
    /// Indexes in [`BoardConfig::disks`] of the disks behind it, in the order
    /// [`MmioDevice::disks`] lists them.
    disks: Vec<usize>,
    /// Whether it needs the time ([`MmioDevice::keeps_time`]).
    timed: bool,
    /// The levels of its interrupt outputs as last given to the GIC (`None`: not given since
    /// the GIC's reset), so that a sync passes on changes only. Only the board drives the
    /// devices' SPIs.
    synced: Option<u32>,
}

impl Mapped {
    fn new(intid: Option<u32>, lines: u32, dev: Box<dyn MmioDevice>, disks: Vec<usize>) -> Self {
        Mapped {
            intid,
            lines,
            timed: dev.keeps_time(),
            dev,
            disks,
            synced: None,
        }
    }
}

/// A guest-physical range that reaches a device.
struct Window {
    base: u64,
    size: u64,
    /// Index in [`Board::devices`].
    dev: usize,
    /// What the device sees as the offset of `base`: 0 for a device with one region, `base`
    /// itself for the PCI host, which decodes guest-physical addresses across its windows.
    offset: u64,
}

/// The transport a disk's virtio block device sits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiskBus {
    /// A function on the PCI host (virtio-pci), from slot 1 in order.
    Pci,
    /// A virtio-mmio slot, from the top.
    Mmio,
}

/// A disk and its transport.
pub struct BoardDisk {
    /// The disk.
    pub disk: Disk,
    /// Its transport.
    pub bus: DiskBus,
}

/// Unclaimed accesses whose addresses the board keeps for the report.
pub const UNCLAIMED_KEPT: usize = 8;

/// The contents a flash bank starts with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlashImage {
    /// The bytes (at most the bank's size).
    pub contents: Vec<u8>,
    /// The guest cannot program or erase the bank.
    pub read_only: bool,
}

/// Board options beyond the memory map.
pub struct BoardConfig {
    /// GIC version.
    pub gic: GicVersion,
    /// PL031 count at virtual time 0.
    pub rtc_epoch: u32,
    /// Interrupt lines of the vCPUs, in vCPU order.
    pub lines: Vec<Arc<IrqLines>>,
    /// Contents of the flash banks, in bank order; a bank without one is blank and writable.
    pub flash: Vec<FlashImage>,
    /// The fw_cfg device's items (an empty device when `None`).
    pub fw_cfg: Option<FwCfg>,
    /// Disks, each a virtio block device: on the PCI host from slot 1, or in a virtio-mmio
    /// slot (the first in the last slot).
    pub disks: Vec<BoardDisk>,
}

/// Accesses no device claimed (bus faults).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unclaimed {
    /// How many.
    pub count: u64,
    /// The first [`UNCLAIMED_KEPT`]: physical address, and whether it was a write.
    pub first: Vec<(u64, bool)>,
}

impl Unclaimed {
    /// Count one access at `addr` (a physical address, or an I/O port), keeping the first few.
    pub fn note(&mut self, addr: u64, write: bool) {
        self.count += 1;
        if self.first.len() < UNCLAIMED_KEPT {
            self.first.push((addr, write));
        }
    }
}

/// Why a board cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    /// Guest memory.
    #[error(transparent)]
    Memory(#[from] MemoryError),
    /// A flash bank's contents.
    #[error("flash bank {bank}: {source}")]
    Flash {
        /// Bank index.
        bank: usize,
        /// Why.
        #[source]
        source: crate::devices::pflash::PflashError,
    },
    /// More disks than slots of their transport.
    #[error("{disks} {bus} disk(s) but the machine has {slots} {bus} slot(s)")]
    TooManyDisks {
        /// Disks given.
        disks: usize,
        /// Slots in the profile.
        slots: usize,
        /// The transport.
        bus: &'static str,
    },
    /// The PCI host refused a function or its BARs.
    #[error("PCI: {0}")]
    Pci(#[from] crate::pci::host::HostError),
}

/// Memory, interrupt controller and devices of one machine.
pub struct Board {
    /// Guest RAM and ROM. Private: the core holds host pointers into it under [`Board::id`],
    /// so it must not be replaced or swapped while the board keeps its identity.
    mem: GuestMemory,
    /// This bus's identity ([`Bus::id`]).
    id: BusId,
    /// The interrupt controller.
    pub gic: Gic,
    /// The vCPU whose accesses the bus serves (banked GIC registers).
    pub cur: usize,
    gic_frames: Vec<(u64, u64, GicFrame)>,
    devices: Vec<Mapped>,
    /// The ranges that reach [`Board::devices`], in address order.
    windows: Vec<Window>,
    /// Accesses no device claimed.
    pub unclaimed: Unclaimed,
    /// Device accesses so far (MMIO and the machine's system registers): a sign of progress.
    pub accesses: u64,
    /// Bumped whenever a device's directly mapped pages change (a flash mode switch).
    pub remap_epoch: u64,
    /// A remap happened since the core last asked ([`Bus::take_remapped`]).
    remapped: bool,
    /// RAM ranges written by DMA since the core last asked ([`Bus::take_dma_written`]).
    dma_written: Vec<(u64, u64)>,
    /// The devices that keep time ([`MmioDevice::keeps_time`]), by index.
    timed: Vec<usize>,
    /// The first serial port's index ([`Board::console_uart`]).
    console: Option<usize>,
    /// Devices handed out mutably since the last [`Board::sync_irqs`], whose interrupt outputs
    /// may have moved without an MMIO access (which syncs its device at once).
    stale: Vec<usize>,
}

/// Guest memory as a device's DMA sees it, noting what it writes (decoded code there is stale).
struct DmaRecorder<'a> {
    mem: &'a mut GuestMemory,
    written: &'a mut Vec<(u64, u64)>,
}

impl DmaMemory for DmaRecorder<'_> {
    fn read(&self, addr: u64, buf: &mut [u8]) -> bool {
        DmaMemory::read(&*self.mem, addr, buf)
    }

    fn write(&mut self, addr: u64, data: &[u8]) -> bool {
        let ok = DmaMemory::write(self.mem, addr, data);
        if ok && !data.is_empty() {
            self.written.push((addr, addr + data.len() as u64));
        }
        ok
    }
}

impl Board {
    /// Build memory, GIC and devices for `profile`.
    pub fn new(profile: &Profile, config: BoardConfig) -> Result<Board, BoardError> {
        let mem = GuestMemory::new(profile)?;
        let mut flash = config.flash.into_iter();
        let mut fw_cfg = config.fw_cfg;
        let mut bank = 0;
        let (pci_disks, mmio_disks): (Vec<_>, Vec<_>) = config
            .disks
            .into_iter()
            .enumerate()
            .partition(|(_, d)| d.bus == DiskBus::Pci);
        let nslots = profile.virtio_mmio_slots().count();
        if mmio_disks.len() > nslots {
            return Err(BoardError::TooManyDisks {
                disks: mmio_disks.len(),
                slots: nslots,
                bus: "virtio-mmio",
            });
        }
        // Slot `nslots - 1 - i` gets virtio-mmio disk `i`.
        let mut slots: Vec<Option<(usize, Disk)>> = (0..nslots).map(|_| None).collect();
        for (i, (index, d)) in mmio_disks.into_iter().enumerate() {
            slots[nslots - 1 - i] = Some((index, d.disk));
        }
        let mut slots = slots.into_iter();
        let v3 = config.gic == GicVersion::V3;
        let mut gic_frames = Vec::new();
        let mut devices = Vec::new();
        let mut windows = Vec::new();
        let pci_host = match profile.pci_desc() {
            Some(desc) => {
                let mut host = PciHost::new(desc);
                let mut disks = Vec::new();
                for (index, d) in pci_disks {
                    host.add(Box::new(VirtioPci::new(
                        Box::new(Blk::new(d.disk)),
                        blk::PCI_CLASS,
                    )))?;
                    disks.push(index);
                }
                if profile.pci_bars_preassigned {
                    host.assign_bars()?;
                    host.require_bus_master(false);
                }
                devices.push(Mapped::new(
                    desc.intx_spi.map(|s| s + 32),
                    desc.intx_lines,
                    Box::new(host),
                    disks,
                ));
                Some(devices.len() - 1)
            }
            None if !pci_disks.is_empty() => {
                return Err(BoardError::TooManyDisks {
                    disks: pci_disks.len(),
                    slots: 0,
                    bus: "PCI",
                })
            }
            None => None,
        };
        for r in &profile.regions {
            let frame = match r.kind {
                RegionKind::GicDist => Some(GicFrame::Dist),
                RegionKind::GicCpu if !v3 => Some(GicFrame::Cpu),
                RegionKind::GicRedist if v3 => Some(GicFrame::Redist),
                _ => None,
            };
            if let Some(f) = frame {
                gic_frames.push((r.base, r.size, f));
                continue;
            }
            if let (
                RegionKind::PcieEcam
                | RegionKind::PcieMmio
                | RegionKind::PcieMmioHigh
                | RegionKind::PciePio,
                Some(host),
            ) = (r.kind, pci_host)
            {
                windows.push(Window {
                    base: r.base,
                    size: r.size,
                    dev: host,
                    offset: r.base,
                });
                continue;
            }
            let mut disks = Vec::new();
            let dev: Box<dyn MmioDevice> = match r.kind {
                RegionKind::Pl011 => Box::new(Pl011::new()),
                RegionKind::Pl031 => Box::new(Pl031::new(config.rtc_epoch)),
                RegionKind::FwCfg => Box::new(fw_cfg.take().unwrap_or_default()),
                RegionKind::Flash => {
                    let image = flash.next().unwrap_or_default();
                    let dev = Pflash::new(r.size, &image.contents, image.read_only)
                        .map_err(|source| BoardError::Flash { bank, source })?;
                    bank += 1;
                    Box::new(dev)
                }
                RegionKind::VirtioMmio => match slots.next().flatten() {
                    Some((i, d)) => {
                        disks.push(i);
                        Box::new(VirtioMmio::new(Box::new(Blk::new(d))))
                    }
                    None => Box::new(VirtioMmio::empty()),
                },
                _ => continue,
            };
            windows.push(Window {
                base: r.base,
                size: r.size,
                dev: devices.len(),
                offset: 0,
            });
            devices.push(Mapped::new(r.spi.map(|s| s + 32), 1, dev, disks));
        }
        windows.sort_by_key(|w| w.base);
        let timed = (0..devices.len()).filter(|&i| devices[i].timed).collect();
        let console = devices.iter_mut().position(|d| d.dev.as_serial().is_some());
        let mut board = Board {
            mem,
            id: BusId::fresh(),
            gic: Gic::new(config.gic, config.lines),
            cur: 0,
            gic_frames,
            devices,
            windows,
            unclaimed: Unclaimed::default(),
            accesses: 0,
            remap_epoch: 0,
            remapped: false,
            dma_written: Vec::new(),
            timed,
            console,
            stale: Vec::new(),
        };
        board.sync_all_irqs();
        Ok(board)
    }

    /// Guest RAM and ROM.
    pub fn mem(&self) -> &GuestMemory {
        &self.mem
    }

    /// Copy `bytes` to guest-physical `addr` from the host side (loading; ROM included). Code
    /// already decoded there is not invalidated: load before running.
    pub fn write_mem(&mut self, addr: u64, bytes: &[u8]) -> Result<(), MemoryError> {
        self.mem.write(addr, bytes)
    }

    fn device_index(&self, pa: u64) -> Option<(usize, u64)> {
        let i = self.windows.partition_point(|w| w.base <= pa);
        let w = self.windows[..i].last()?;
        (pa - w.base < w.size).then(|| (w.dev, pa - w.base + w.offset))
    }

    /// Drive the GIC from device `i`'s interrupt outputs.
    fn sync_device_irqs(&mut self, i: usize) {
        let d = &mut self.devices[i];
        if let Some(intid) = d.intid {
            let levels = d.dev.irq_lines();
            if d.synced == Some(levels) {
                return;
            }
            d.synced = Some(levels);
            for line in 0..d.lines {
                self.gic
                    .set_level(0, intid + line, levels & (1 << line) != 0);
            }
        }
    }

    fn note_unclaimed(&mut self, pa: u64, write: bool) -> BusFault {
        self.unclaimed.note(pa, write);
        BusFault(pa)
    }

    /// The backing store of the device at `base` (a flash bank's contents).
    pub fn backing(&self, base: u64) -> Option<&[u8]> {
        let w = self.windows.iter().find(|w| w.base == base)?;
        self.devices[w.dev].dev.backing()
    }

    /// The disks, in [`BoardConfig::disks`] order.
    pub fn disks(&mut self) -> Vec<&mut Disk> {
        for i in 0..self.devices.len() {
            if !self.devices[i].disks.is_empty() {
                self.mark_stale(i);
            }
        }
        let mut disks: Vec<(usize, &mut Disk)> = self
            .devices
            .iter_mut()
            .flat_map(|d| d.disks.iter().copied().zip(d.dev.disks()))
            .collect();
        disks.sort_by_key(|&(i, _)| i);
        disks.into_iter().map(|(_, d)| d).collect()
    }

    fn gic_frame(&self, pa: u64) -> Option<(GicFrame, u64)> {
        self.gic_frames
            .iter()
            .find(|&&(base, size, _)| pa >= base && pa - base < size)
            .map(|&(base, _, f)| (f, pa - base))
    }

    /// The first serial port (the console UART).
    pub fn console_uart(&mut self) -> Option<&mut dyn SerialPort> {
        let i = self.console?;
        self.mark_stale(i);
        self.devices[i].dev.as_serial()
    }

    /// Device `i` is handed out mutably: the next [`Board::sync_irqs`] moves its outputs.
    fn mark_stale(&mut self, i: usize) {
        if !self.stale.contains(&i) {
            self.stale.push(i);
        }
    }

    /// Move into the GIC the interrupt outputs that may have changed since the last sync: the
    /// time-keeping devices' and those of the devices handed out mutably. (An MMIO access
    /// moves its device's outputs at once.)
    pub fn sync_irqs(&mut self) {
        for k in 0..self.timed.len() {
            self.sync_device_irqs(self.timed[k]);
        }
        while let Some(i) = self.stale.pop() {
            self.sync_device_irqs(i);
        }
    }

    /// Move every device's interrupt outputs into the GIC.
    fn sync_all_irqs(&mut self) {
        self.stale.clear();
        for i in 0..self.devices.len() {
            self.sync_device_irqs(i);
        }
    }

    /// Tell the devices the system counter reads `counter` now.
    pub fn set_time(&mut self, counter: u64) {
        for &i in &self.timed {
            self.devices[i].dev.set_time(counter);
        }
        self.sync_irqs();
    }

    /// The earliest counter value at which a device changes on its own.
    pub fn next_deadline(&self) -> Option<u64> {
        self.devices
            .iter()
            .filter(|d| d.timed)
            .filter_map(|d| d.dev.next_deadline())
            .min()
    }

    /// System reset: RAM zeroed, GIC and devices to their reset state.
    pub fn reset(&mut self) {
        // RAM keeps its contents across a system reset, as on QEMU's virt (the boot images are
        // loaded again by the machine); guests use that to tell a warm boot from a cold one.
        self.gic.reset();
        for d in &mut self.devices {
            d.dev.reset();
            d.synced = None;
        }
        self.sync_all_irqs();
    }
}

// SAFETY: pages come from `GuestMemory` and the flash banks' mappings, which live as long as the
// board, are never resized or moved, and are reachable only through it (`mem` and `devices`
// are private); the identity is the board's own.
unsafe impl Bus for Board {
    fn id(&self) -> BusId {
        self.id
    }

    fn ram_page(&mut self, page: u64, write: bool) -> Option<NonNull<u8>> {
        if let Some(p) = self.mem.page(page, write) {
            return Some(p);
        }
        if write {
            return None;
        }
        let (i, off) = self.device_index(page)?;
        self.devices[i].dev.direct_page(off)
    }

    fn take_remapped(&mut self) -> bool {
        std::mem::take(&mut self.remapped)
    }

    fn take_dma_written(&mut self) -> Vec<(u64, u64)> {
        std::mem::take(&mut self.dma_written)
    }

    fn mmio_read(&mut self, pa: u64, size: u8) -> Result<u64, BusFault> {
        self.accesses += 1;
        if let Some((f, off)) = self.gic_frame(pa) {
            return Ok(self.gic.mmio_read(self.cur, f, off, size));
        }
        match self.device_index(pa) {
            Some((i, off)) => {
                let v = self.devices[i].dev.read(off, size);
                self.sync_device_irqs(i);
                Ok(v)
            }
            None => Err(self.note_unclaimed(pa, false)),
        }
    }

    fn mmio_write(&mut self, pa: u64, size: u8, value: u64) -> Result<(), BusFault> {
        self.accesses += 1;
        if self.mem.is_rom(pa) {
            log::debug!("write of {value:#x} to ROM at {pa:#x} ignored");
            return Ok(());
        }
        if let Some((f, off)) = self.gic_frame(pa) {
            self.gic.mmio_write(self.cur, f, off, size, value);
            return Ok(());
        }
        match self.device_index(pa) {
            Some((i, off)) => {
                let d = &mut self.devices[i];
                d.dev.write(off, size, value);
                d.dev.dma(&mut DmaRecorder {
                    mem: &mut self.mem,
                    written: &mut self.dma_written,
                });
                if d.dev.take_remapped() {
                    self.remapped = true;
                    self.remap_epoch += 1;
                }
                self.sync_device_irqs(i);
                Ok(())
            }
            None => Err(self.note_unclaimed(pa, true)),
        }
    }

    fn describe(&self, pa: u64) -> Option<DeviceReg> {
        if let Some((f, off)) = self.gic_frame(pa) {
            return Some(DeviceReg {
                device: f.name(),
                offset: off,
                reg: f.reg_name(off),
            });
        }
        let (i, off) = self.device_index(pa)?;
        let dev = &self.devices[i].dev;
        Some(DeviceReg {
            device: dev.name(),
            offset: off,
            reg: dev.reg_name(off),
        })
    }

    fn sysreg_read(&mut self, cpu: u32, enc: u32) -> u64 {
        self.accesses += 1;
        self.gic.sysreg_read(cpu as usize, enc)
    }

    fn sysreg_write(&mut self, cpu: u32, enc: u32, value: u64) {
        self.accesses += 1;
        self.gic.sysreg_write(cpu as usize, enc, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::pl011;
    use crate::gic::v2;
    use crate::profile::{MIB, VIRT_GIC_CPU, VIRT_GIC_DIST, VIRT_GIC_REDIST, VIRT_RTC, VIRT_UART0};

    fn mmio(disk: Disk) -> BoardDisk {
        BoardDisk {
            disk,
            bus: DiskBus::Mmio,
        }
    }

    fn board(gic: GicVersion, lines: Vec<Arc<IrqLines>>) -> Board {
        let config = BoardConfig {
            gic,
            rtc_epoch: 1234,
            lines,
            flash: Vec::new(),
            fw_cfg: None,
            disks: Vec::new(),
        };
        Board::new(&Profile::virt(64 * MIB).unwrap(), config).unwrap()
    }

    #[test]
    fn dispatches_by_region() {
        let mut b = board(GicVersion::V2, vec![Arc::default()]);
        b.mmio_write(VIRT_UART0 + pl011::DR, 4, b'h' as u64)
            .unwrap();
        let mut out = Vec::new();
        b.console_uart().unwrap().drain_tx(&mut out);
        assert_eq!(out, b"h");
        assert_eq!(b.mmio_read(VIRT_UART0 + pl011::ID_BASE, 4).unwrap(), 0x11);
        assert_eq!(b.mmio_read(VIRT_RTC, 4), Ok(1234));
        assert_eq!(b.mmio_read(0x0903_0000, 4), Err(BusFault(0x0903_0000)));
        assert_eq!(b.unclaimed.count, 1);
        assert_eq!(b.unclaimed.first, vec![(0x0903_0000, false)]);
        assert_eq!(b.mmio_read(VIRT_GIC_DIST + 0xfe8, 4), Ok(0x2b));
        assert_eq!(b.mmio_read(VIRT_GIC_CPU + 0xfc, 4), Ok(0x0202_143b));
        assert!(
            b.mmio_read(VIRT_GIC_REDIST, 4).is_err(),
            "no redistributors on v2"
        );
        assert!(b.ram_page(0, false).is_some(), "flash in read-array mode");
        assert!(
            b.ram_page(0, true).is_none(),
            "flash writes reach the device"
        );
        assert!(b.ram_page(0x4000_0000, true).is_some());
    }

    /// Host input pushed into the console UART (no MMIO access) raises its receive interrupt
    /// at the next sync, as the machine's service between rounds does.
    #[test]
    fn console_input_reaches_the_gic_at_the_next_sync() {
        let lines: Vec<Arc<IrqLines>> = vec![Arc::default()];
        let mut b = board(GicVersion::V2, lines.clone());
        b.mmio_write(VIRT_GIC_DIST, 4, 1).unwrap();
        b.mmio_write(VIRT_GIC_DIST + 0x104, 4, 1 << 1).unwrap();
        b.mmio_write(VIRT_GIC_DIST + 0x800 + 33, 1, 1).unwrap();
        b.mmio_write(VIRT_GIC_CPU + v2::GICC_CTLR, 4, 1).unwrap();
        b.mmio_write(VIRT_GIC_CPU + v2::GICC_PMR, 4, 0xff).unwrap();
        b.mmio_write(VIRT_UART0 + pl011::IMSC, 4, pl011::INT_RX as u64)
            .unwrap();
        assert!(b.console_uart().unwrap().push_rx(b'a'));
        assert_eq!(lines[0].get(), 0, "not before the sync");
        b.sync_irqs();
        assert_eq!(lines[0].get(), IrqLines::IRQ);
        assert_eq!(b.mmio_read(VIRT_GIC_CPU + v2::GICC_IAR, 4), Ok(33));
    }

    #[test]
    fn gicv3_frames() {
        let mut b = board(GicVersion::V3, vec![Arc::default()]);
        assert_eq!(b.mmio_read(VIRT_GIC_DIST + 0xffe8, 4), Ok(0x3b));
        assert_eq!(b.mmio_read(VIRT_GIC_REDIST + 0xffe8, 4), Ok(0x3b));
        assert!(b.mmio_read(VIRT_GIC_CPU, 4).is_err(), "no GICC on v3");
    }

    #[test]
    fn uart_interrupt_reaches_the_gic_as_spi_1() {
        let lines: Vec<Arc<IrqLines>> = vec![Arc::default(), Arc::default()];
        let mut b = board(GicVersion::V2, lines.clone());
        b.mmio_write(VIRT_GIC_DIST, 4, 1).unwrap();
        b.mmio_write(VIRT_GIC_DIST + 0x104, 4, 1 << 1).unwrap();
        b.mmio_write(VIRT_GIC_DIST + 0x800 + 33, 1, 2).unwrap();
        b.cur = 1;
        b.mmio_write(VIRT_GIC_CPU + v2::GICC_CTLR, 4, 1).unwrap();
        b.mmio_write(VIRT_GIC_CPU + v2::GICC_PMR, 4, 0xff).unwrap();
        b.mmio_write(VIRT_UART0 + pl011::IMSC, 4, pl011::INT_TX as u64)
            .unwrap();
        assert_eq!(lines[1].get(), 0);
        b.mmio_write(VIRT_UART0 + pl011::DR, 4, b'x' as u64)
            .unwrap();
        assert_eq!(lines[1].get(), IrqLines::IRQ);
        assert_eq!(b.mmio_read(VIRT_GIC_CPU + v2::GICC_IAR, 4), Ok(33));
        b.mmio_write(VIRT_UART0 + pl011::ICR, 4, pl011::INT_TX as u64)
            .unwrap();
        assert!(!b.gic.pending(0, 33));
    }

    /// The RTC, the one device that keeps time, raises its alarm through `set_time` as SPI 2
    /// (INTID 34, a level); acknowledging it lowers the line, the next alarm raises it again,
    /// and a reset lowers it with the device.
    #[test]
    fn rtc_alarm_reaches_the_gic_through_set_time() {
        use crate::devices::pl031;
        let mut b = board(GicVersion::V2, vec![Arc::default()]);
        b.mmio_write(VIRT_RTC + pl031::IMSC, 4, 1).unwrap();
        for seconds in [2, 5] {
            b.mmio_write(VIRT_RTC + pl031::MR, 4, 1234 + seconds)
                .unwrap();
            let at = b.next_deadline().expect("the alarm's deadline");
            b.set_time(at - 1);
            assert!(!b.gic.pending(0, 34), "before the alarm at {seconds} s");
            b.set_time(at);
            assert!(b.gic.pending(0, 34), "at the alarm at {seconds} s");
            b.mmio_write(VIRT_RTC + pl031::ICR, 4, 1).unwrap();
            assert!(!b.gic.pending(0, 34), "acknowledged at {seconds} s");
        }
        b.mmio_write(VIRT_RTC + pl031::MR, 4, 1234 + 9).unwrap();
        let at = b.next_deadline().unwrap();
        b.set_time(at);
        assert!(b.gic.pending(0, 34));
        b.reset();
        assert!(!b.gic.pending(0, 34), "after a reset");
    }

    #[test]
    fn disks_fill_the_virtio_slots_from_the_top() {
        use crate::devices::virtio_mmio::{DEVICE_ID, MAGIC_VALUE};
        use crate::profile::{VIRT_MMIO, VIRT_MMIO_SIZE};
        use crate::virtio::disk::tests::Scratch;
        use crate::virtio::disk::DiskMode;
        let a = Scratch::new("board-a", 2);
        let b = Scratch::new("board-b", 4);
        let config = BoardConfig {
            gic: GicVersion::V2,
            rtc_epoch: 0,
            lines: vec![Arc::default()],
            flash: Vec::new(),
            fw_cfg: None,
            disks: vec![
                mmio(Disk::open(&a.0, DiskMode::Overlay).unwrap()),
                mmio(Disk::open(&b.0, DiskMode::ReadOnly).unwrap()),
            ],
        };
        let mut bd = Board::new(&Profile::virt(64 * MIB).unwrap(), config).unwrap();
        let slot = |i: u64| VIRT_MMIO + i * VIRT_MMIO_SIZE;
        for i in 0..32 {
            assert_eq!(bd.mmio_read(slot(i) + MAGIC_VALUE, 4), Ok(0x7472_6976));
            let id = bd.mmio_read(slot(i) + DEVICE_ID, 4).unwrap();
            assert_eq!(id, if i >= 30 { 2 } else { 0 }, "slot {i}");
        }
        // Capacity: disk 0 (2 sectors) in slot 31, disk 1 (4 sectors) in slot 30.
        assert_eq!(bd.mmio_read(slot(31) + 0x100, 4), Ok(2));
        assert_eq!(bd.mmio_read(slot(30) + 0x100, 4), Ok(4));
        let disks = bd.disks();
        assert_eq!(disks.len(), 2);
        assert_eq!(disks[0].path(), a.0.as_path());
        assert_eq!(disks[1].mode(), DiskMode::ReadOnly);
        let config = BoardConfig {
            gic: GicVersion::V2,
            rtc_epoch: 0,
            lines: vec![Arc::default()],
            flash: Vec::new(),
            fw_cfg: None,
            disks: vec![mmio(Disk::open(&a.0, DiskMode::Overlay).unwrap())],
        };
        let ch = Profile::cloud_hypervisor(64 * MIB, 1).unwrap();
        assert!(matches!(
            Board::new(&ch, config),
            Err(BoardError::TooManyDisks {
                disks: 1,
                slots: 0,
                ..
            })
        ));
    }

    #[test]
    fn a_virtio_completion_is_dma_recorded_and_an_edge_on_spi_47() {
        use crate::devices::virtio_mmio as vm;
        use crate::profile::VIRT_MMIO;
        use crate::virtio::disk::tests::Scratch;
        use crate::virtio::disk::DiskMode;
        use crate::virtio::queue::{DESC_F_NEXT, DESC_F_WRITE};
        let img = Scratch::new("board-irq", 2);
        let lines: Vec<Arc<IrqLines>> = vec![Arc::default()];
        let config = BoardConfig {
            gic: GicVersion::V2,
            rtc_epoch: 0,
            lines: lines.clone(),
            flash: Vec::new(),
            fw_cfg: None,
            disks: vec![mmio(Disk::open(&img.0, DiskMode::Overlay).unwrap())],
        };
        let mut b = Board::new(&Profile::virt(64 * MIB).unwrap(), config).unwrap();
        let t = VIRT_MMIO + 31 * 0x200;
        // GIC: distributor and CPU interface on, INTID 79 (SPI 47) enabled, edge-triggered.
        b.mmio_write(VIRT_GIC_DIST, 4, 1).unwrap();
        b.mmio_write(VIRT_GIC_DIST + 0x100 + 8, 4, 1 << 15).unwrap();
        b.mmio_write(VIRT_GIC_DIST + 0x800 + 79, 1, 1).unwrap();
        b.mmio_write(VIRT_GIC_DIST + 0xc00 + 16, 4, 2 << 30)
            .unwrap();
        b.mmio_write(VIRT_GIC_CPU + v2::GICC_CTLR, 4, 1).unwrap();
        b.mmio_write(VIRT_GIC_CPU + v2::GICC_PMR, 4, 0xff).unwrap();
        // Driver: features, one queue of 4 at 0x4000_1000 / 0x4000_2000 / 0x4000_3000.
        let w = |b: &mut Board, off: u64, v: u64| b.mmio_write(t + off, 4, v).unwrap();
        w(&mut b, vm::STATUS, 3);
        w(&mut b, vm::DRIVER_FEATURES_SEL, 1);
        w(&mut b, vm::DRIVER_FEATURES, 1);
        w(&mut b, vm::STATUS, 11);
        w(&mut b, vm::QUEUE_NUM, 4);
        w(&mut b, vm::QUEUE_DESC_LOW, 0x4000_1000);
        w(&mut b, vm::QUEUE_AVAIL_LOW, 0x4000_2000);
        w(&mut b, vm::QUEUE_USED_LOW, 0x4000_3000);
        w(&mut b, vm::QUEUE_READY, 1);
        w(&mut b, vm::STATUS, 15);
        let desc = |addr: u64, len: u32, flags: u16, next: u16| {
            let mut d = addr.to_le_bytes().to_vec();
            d.extend_from_slice(&len.to_le_bytes());
            d.extend_from_slice(&flags.to_le_bytes());
            d.extend_from_slice(&next.to_le_bytes());
            d
        };
        let mut table = desc(0x4000_4000, 16, DESC_F_NEXT, 1);
        table.extend(desc(0x4000_5000, 512, DESC_F_NEXT | DESC_F_WRITE, 2));
        table.extend(desc(0x4000_5200, 1, DESC_F_WRITE, 0));
        b.write_mem(0x4000_1000, &table).unwrap();
        b.write_mem(0x4000_4000, &[0; 16]).unwrap();
        b.write_mem(0x4000_2000, &[0, 0, 1, 0, 0, 0]).unwrap();
        b.take_dma_written();
        w(&mut b, vm::QUEUE_NOTIFY, 0);
        assert_eq!(b.mem.read(0x4000_3002, 2).unwrap(), &[1, 0], "used idx");
        let written = b.take_dma_written();
        assert!(
            written.contains(&(0x4000_5000, 0x4000_5200)),
            "{written:x?}"
        );
        assert_eq!(lines[0].get(), IrqLines::IRQ);
        assert_eq!(b.mmio_read(VIRT_GIC_CPU + v2::GICC_IAR, 4), Ok(79));
        // The handler: read and acknowledge the interrupt status, then EOI.
        assert_eq!(b.mmio_read(t + vm::INTERRUPT_STATUS, 4), Ok(1));
        w(&mut b, vm::INTERRUPT_ACK, 1);
        b.mmio_write(VIRT_GIC_CPU + v2::GICC_EOIR, 4, 79).unwrap();
        assert_eq!(lines[0].get(), 0);
        // The next completion is a new edge.
        b.write_mem(0x4000_2000, &[0, 0, 2, 0, 0, 0, 0, 0]).unwrap();
        w(&mut b, vm::QUEUE_NOTIFY, 0);
        assert_eq!(b.mem.read(0x4000_3002, 2).unwrap(), &[2, 0]);
        assert_eq!(lines[0].get(), IrqLines::IRQ);
        assert_eq!(b.mmio_read(VIRT_GIC_CPU + v2::GICC_IAR, 4), Ok(79));
    }

    /// One vCPU run against two boards (as `Machine::vcpus` allows) reads and writes the RAM of
    /// the board it runs against, also after the first board is dropped (its RAM unmapped).
    #[test]
    fn a_vcpu_moved_between_boards_uses_the_new_ram() {
        use bootemu_cpu::aarch64::{BlockCache, Cpu, Exit};
        const CODE: u64 = 0x4000_0000;
        const DATA: u64 = 0x4000_1000;
        let code = [
            0xf940_0020u32, // ldr x0, [x1]
            0xf900_0422,    // str x2, [x1, #8]
            0xd400_0002,    // hvc #0
        ];
        let bytes: Vec<u8> = code.iter().flat_map(|w| w.to_le_bytes()).collect();
        let board_with = |value: u64| {
            let mut b = board(GicVersion::V2, vec![Arc::default()]);
            b.write_mem(CODE, &bytes).unwrap();
            b.write_mem(DATA, &value.to_le_bytes()).unwrap();
            b
        };
        let run = |cpu: &mut Cpu, b: &mut Board, store: u64| {
            cpu.pc = CODE;
            cpu.x[1] = DATA;
            cpu.x[2] = store;
            assert_eq!(cpu.run(&mut BlockCache::new(), b, 100), Exit::Hvc(0));
            cpu.x[0]
        };
        let mut cpu = Cpu::new(1);
        let mut a = board_with(0x1111);
        let mut b = board_with(0x2222);
        assert_eq!(run(&mut cpu, &mut a, 0xa), 0x1111);
        assert_eq!(run(&mut cpu, &mut b, 0xb), 0x2222);
        assert_eq!(a.mem().read(DATA + 8, 1).unwrap(), &[0xa]);
        assert_eq!(b.mem().read(DATA + 8, 1).unwrap(), &[0xb]);
        assert_eq!(run(&mut cpu, &mut a, 0xc), 0x1111);
        drop(a);
        assert_eq!(run(&mut cpu, &mut b, 0xd), 0x2222);
        assert_eq!(b.mem().read(DATA + 8, 1).unwrap(), &[0xd]);
    }
}
