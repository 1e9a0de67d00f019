//! The x86 machine's bus: guest memory (RAM from 0 with the legacy holes, the BIOS area holding
//! the ACPI tables), the I/O port space with its devices, the I/O APIC page and the local APICs,
//! and the ACPI power register — everything an x86 vCPU reaches, as one
//! [`bootemu_cpu::x86_64::Platform`]. The run loop that drives the vCPU over it is
//! [`super::machine`].
//!
//! Routing (see [`super`] for the devices): ports → [`PortBus`] except the power register
//! [`POWER_PORT`] (write-only here: S5 or reset is recorded for the run loop, reads give 0,
//! and the vCPU's run ends right after that OUT through `Platform::stop_requested`);
//! MMIO at [`IOAPIC_BASE`] → the I/O APIC; the xAPIC page → the accessing vCPU's
//! [`super::lapic::LocalApic`] with its instruction count; MSRs the vCPU does not keep (x2APIC,
//! TSC deadline) → the local APIC. Every access that can move an interrupt is followed by
//! [`IrqHub::sync`]. Other MMIO is unclaimed: reads all ones, writes dropped, counted.

use std::ptr::NonNull;

use bootemu_boot::acpi::x86::power::{self, PowerWrite, POWER_PORT};
use bootemu_cpu::aarch64::{Bus, BusFault, BusId};
use bootemu_cpu::x86_64::Platform;

use super::cmos::{CmosRtc, CMOS_BASE, CMOS_IRQ, CMOS_PORTS};
use super::ioapic::{IOAPIC_BASE, IOAPIC_SIZE};
use super::irq::IrqHub;
use super::ports::PortBus;
use super::uart16550::{Uart16550, COM1_BASE, COM1_IRQ, COM1_PORTS};
use crate::board::Unclaimed;
use crate::devices::MmioDevice;
use crate::memory::{GuestMemory, MemoryError};

/// The legacy area between low RAM and 1 MiB (the PC's VGA window, option ROMs and BIOS).
/// QEMU's `microvm` backs all of it with memory (`info mtree`: its RAM up to 0xd_ffff, the
/// BIOS image at 0xe_0000..1 MiB) and its e820 map reserves it (0x9_fc00..1 MiB), as ours
/// does ([`bootemu_boot::x86::e820::guest_map`]); Linux scans it (option ROMs, the MP
/// table, SMBIOS, the RSDP). Whatever part of it the boot does not already back
/// ([`legacy_area_gaps`]) is zero-filled memory here: the kernel reads zeros, finds no ROM
/// signature, as it does on QEMU outside its BIOS image, and nothing counts as unclaimed.
pub const LEGACY_AREA: std::ops::Range<u64> = 0xa_0000..0x10_0000;

/// The parts of [`LEGACY_AREA`] that none of `regions` (name, base, size) covers, as regions
/// named "legacy area", in address order.
pub fn legacy_area_gaps(regions: &[(&'static str, u64, u64)]) -> Vec<(&'static str, u64, u64)> {
    let mut taken: Vec<(u64, u64)> = regions
        .iter()
        .map(|&(_, base, size)| (base, base.saturating_add(size)))
        .filter(|&(b, e)| b < LEGACY_AREA.end && e > LEGACY_AREA.start)
        .collect();
    taken.sort_unstable();
    let mut gaps = Vec::new();
    let mut at = LEGACY_AREA.start;
    for (b, e) in taken {
        if b > at {
            gaps.push(("legacy area", at, b - at));
        }
        at = at.max(e);
    }
    if at < LEGACY_AREA.end {
        gaps.push(("legacy area", at, LEGACY_AREA.end - at));
    }
    gaps
}

/// The bus of an x86 machine with one or more vCPUs.
pub struct X86Board {
    id: BusId,
    mem: GuestMemory,
    /// The I/O port space (16550, CMOS RTC).
    pub ports: PortBus,
    /// The I/O APIC and the local APICs.
    pub hub: IrqHub,
    /// What the guest last asked of the power register, until the run loop takes it.
    power: Option<PowerWrite>,
    /// Device accesses (ports, APIC and I/O APIC registers, machine MSRs): progress for the
    /// hang rule.
    pub accesses: u64,
    /// Accesses no device claimed.
    pub unclaimed: Unclaimed,
    /// The latest vCPU time the board was told (by a `Platform` call or the run loop): the
    /// time of I/O APIC accesses, which `Bus::mmio_*` does not carry.
    pub now: u64,
}

/// Why the x86 board cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum X86BoardError {
    /// Guest memory could not be mapped.
    #[error(transparent)]
    Memory(#[from] MemoryError),
    /// A port device could not be inserted.
    #[error("{0}")]
    Ports(#[from] super::ports::PortError),
}

impl X86Board {
    /// A board with `ram` (name, base, size) regions, `cpus` local APICs, COM1 and the CMOS
    /// RTC reading `rtc_epoch` at virtual time 0.
    pub fn new(
        ram: &[(&'static str, u64, u64)],
        cpus: usize,
        rtc_epoch: u32,
    ) -> Result<X86Board, X86BoardError> {
        let mut ports = PortBus::new();
        ports.insert(
            COM1_BASE,
            COM1_PORTS,
            Some(COM1_IRQ),
            Box::new(Uart16550::new()),
        )?;
        ports.insert(
            CMOS_BASE,
            CMOS_PORTS,
            Some(CMOS_IRQ),
            Box::new(CmosRtc::new(rtc_epoch)),
        )?;
        Ok(X86Board {
            id: BusId::fresh(),
            mem: GuestMemory::ram(ram)?,
            ports,
            hub: IrqHub::new(cpus),
            power: None,
            accesses: 0,
            unclaimed: Unclaimed::default(),
            now: 0,
        })
    }

    /// Guest memory, for loading and for the handoff checks.
    pub fn mem(&self) -> &GuestMemory {
        &self.mem
    }

    /// Copy `bytes` to guest-physical `addr` (loading).
    pub fn write_mem(&mut self, addr: u64, bytes: &[u8]) -> Result<(), MemoryError> {
        self.mem.write(addr, bytes)
    }

    /// Take the guest's last power-register request.
    pub fn take_power(&mut self) -> Option<PowerWrite> {
        self.power.take()
    }

    /// The earliest virtual time at which a device raises an interrupt on its own: a local
    /// APIC timer or a port device's (the CMOS RTC's periodic, alarm, update-ended events).
    pub fn next_deadline(&self) -> Option<u64> {
        match (self.hub.next_deadline(), self.ports.next_deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Run the devices' own time to `now` (the local APIC timers, the port devices' events)
    /// and deliver what fell due.
    pub fn advance(&mut self, now: u64) {
        for a in &mut self.hub.lapics {
            a.advance(now);
        }
        self.ports.advance(now);
        self.hub.sync(&mut self.ports, now);
    }

    /// System reset of the devices and interrupt controllers (memory keeps its contents).
    pub fn reset(&mut self) {
        self.ports.reset();
        self.hub.reset();
        self.power = None;
    }

    fn note_unclaimed(&mut self, pa: u64, write: bool) -> BusFault {
        self.unclaimed.note(pa, write);
        BusFault(pa)
    }

    /// The local APIC of `cpu` when `pa` lies in its enabled xAPIC page.
    fn apic_at(&mut self, cpu: u32, pa: u64) -> Option<usize> {
        let a = self.hub.lapics.get(cpu as usize)?;
        (a.mmio_enabled() && pa & !0xfff == a.page_base()).then_some(cpu as usize)
    }
}

// SAFETY: `ram_page` hands out pointers into `GuestMemory`'s mappings, which are never resized
// or freed while the board lives and are reachable only through it; `id` is fresh per board.
unsafe impl Bus for X86Board {
    fn id(&self) -> BusId {
        self.id
    }

    fn ram_page(&mut self, page: u64, write: bool) -> Option<NonNull<u8>> {
        self.mem.page(page, write)
    }

    fn mmio_read(&mut self, pa: u64, size: u8) -> Result<u64, BusFault> {
        if (IOAPIC_BASE..IOAPIC_BASE + IOAPIC_SIZE).contains(&pa) {
            self.accesses += 1;
            return Ok(self.hub.ioapic.read(pa - IOAPIC_BASE, size));
        }
        Err(self.note_unclaimed(pa, false))
    }

    fn mmio_write(&mut self, pa: u64, size: u8, value: u64) -> Result<(), BusFault> {
        if (IOAPIC_BASE..IOAPIC_BASE + IOAPIC_SIZE).contains(&pa) {
            self.accesses += 1;
            self.hub.ioapic.write(pa - IOAPIC_BASE, size, value);
            self.hub.sync(&mut self.ports, self.now);
            return Ok(());
        }
        Err(self.note_unclaimed(pa, true))
    }
}

impl Platform for X86Board {
    fn port_read(&mut self, _cpu: u32, now: u64, port: u16, size: u8) -> u32 {
        self.accesses += 1;
        self.now = now;
        if port == POWER_PORT {
            return 0;
        }
        let v = self.ports.read(now, port, size);
        self.hub.sync(&mut self.ports, now);
        v
    }

    fn port_write(&mut self, _cpu: u32, now: u64, port: u16, size: u8, value: u32) {
        self.accesses += 1;
        self.now = now;
        if port == POWER_PORT {
            match power::decode(value as u8) {
                PowerWrite::Ignore => {}
                w => self.power = Some(w),
            }
            return;
        }
        self.ports.write(now, port, size, value);
        self.hub.sync(&mut self.ports, now);
    }

    fn msr_read(&mut self, cpu: u32, now: u64, msr: u32) -> Option<u64> {
        self.accesses += 1;
        self.hub.lapics.get_mut(cpu as usize)?.msr_read(now, msr)
    }

    fn msr_write(&mut self, cpu: u32, now: u64, msr: u32, value: u64) -> bool {
        self.accesses += 1;
        let ok = self
            .hub
            .lapics
            .get_mut(cpu as usize)
            .is_some_and(|a| a.msr_write(now, msr, value));
        self.hub.sync(&mut self.ports, now);
        ok
    }

    fn acknowledge(&mut self, cpu: u32, now: u64) -> Option<u8> {
        self.accesses += 1;
        self.now = now;
        self.hub.acknowledge(cpu as usize, now)
    }

    fn interrupt_pending(&self, cpu: u32, now: u64) -> bool {
        self.hub.interrupt_pending(cpu as usize, now)
    }

    fn apic_mmio_read(&mut self, cpu: u32, now: u64, pa: u64, size: u8) -> u64 {
        self.now = now;
        match self.apic_at(cpu, pa) {
            Some(i) => {
                self.accesses += 1;
                self.hub.lapics[i].mmio_read(now, pa & 0xfff, size) as u64
            }
            None => self
                .mmio_read(pa, size)
                .unwrap_or(u64::MAX >> (64 - 8 * size as u32)),
        }
    }

    fn apic_mmio_write(&mut self, cpu: u32, now: u64, pa: u64, size: u8, value: u64) {
        self.now = now;
        match self.apic_at(cpu, pa) {
            Some(i) => {
                self.accesses += 1;
                self.hub.lapics[i].mmio_write(now, pa & 0xfff, size, value);
                self.hub.sync(&mut self.ports, now);
            }
            None => {
                let _ = self.mmio_write(pa, size, value);
            }
        }
    }

    fn apic_base_changed(&mut self, cpu: u32, _now: u64, value: u64) {
        if let Some(a) = self.hub.lapics.get_mut(cpu as usize) {
            a.set_apic_base(value);
        }
    }

    fn tsc_offset_changed(&mut self, cpu: u32, now: u64, offset: u64) {
        if let Some(a) = self.hub.lapics.get_mut(cpu as usize) {
            a.set_tsc_offset(now, offset);
        }
    }

    /// A power-off or reset written to the power register ends the vCPU's run at that OUT:
    /// the run loop takes it with the instruction count exact.
    fn stop_requested(&self) -> bool {
        self.power.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x86::lapic::{reg, APIC_BASE_BSP, APIC_BASE_EN, APIC_DEFAULT_BASE, VERSION};

    fn board() -> X86Board {
        let mut b = X86Board::new(&[("RAM", 0, 0x10_0000)], 1, 0).unwrap();
        b.hub.lapics[0].set_apic_base(APIC_DEFAULT_BASE | APIC_BASE_BSP | APIC_BASE_EN);
        b
    }

    #[test]
    fn the_xapic_page_reaches_the_vcpus_local_apic() {
        let mut b = board();
        let v = b.apic_mmio_read(0, 5, APIC_DEFAULT_BASE + reg::VERSION, 4);
        assert_eq!(v, VERSION as u64);
        // Moved away: the old page is nobody's (all ones), and counted as unclaimed.
        b.apic_base_changed(0, 6, 0xfed0_0000 | APIC_BASE_BSP | APIC_BASE_EN);
        let v = b.apic_mmio_read(0, 7, APIC_DEFAULT_BASE + reg::VERSION, 4);
        assert_eq!(v, 0xffff_ffff);
        assert_eq!(b.unclaimed.count, 1);
        let v = b.apic_mmio_read(0, 8, 0xfed0_0000 + reg::VERSION, 4);
        assert_eq!(v, VERSION as u64);
    }

    #[test]
    fn the_legacy_area_is_backed_where_the_boot_left_it_empty() {
        // Low RAM rounded up to 0xa0000, the ACPI area at 0xf0000: 0xa0000..0xf0000 is filled.
        let regions = [
            ("low RAM", 0, 0xa_0000),
            ("RAM", 0x10_0000, 0x100_0000),
            ("BIOS area", 0xf_0000, 0x1_0000),
        ];
        assert_eq!(
            legacy_area_gaps(&regions),
            vec![("legacy area", 0xa_0000, 0x5_0000)]
        );
        // Nothing there yet: the whole area; all of it taken: nothing.
        assert_eq!(
            legacy_area_gaps(&[("RAM", 0, 0x9_f000)]),
            vec![("legacy area", 0xa_0000, 0x6_0000)]
        );
        assert_eq!(legacy_area_gaps(&[("RAM", 0, 0x20_0000)]), vec![]);
        // Holes on both sides of a region in the middle.
        assert_eq!(
            legacy_area_gaps(&[("rom", 0xc_0000, 0x8000)]),
            vec![
                ("legacy area", 0xa_0000, 0x2_0000),
                ("legacy area", 0xc_8000, 0x3_8000)
            ]
        );
        // Backed: reads are memory (zeros), not unclaimed accesses.
        let mut all = regions.to_vec();
        all.extend(legacy_area_gaps(&regions));
        let mut b = X86Board::new(&all, 1, 0).unwrap();
        assert_eq!(b.mem().read(0xc_0000, 2).unwrap(), [0, 0]);
        assert!(b.ram_page(0xc_0000, false).is_some());
        assert_eq!(b.unclaimed.count, 0);
    }

    #[test]
    fn the_rtcs_periodic_interrupt_reaches_the_vcpu_through_pin_8() {
        use crate::x86::cmos::{reg as cmos, B_24H, B_PIE, CMOS_IRQ, C_IRQF, C_PF};
        use crate::x86::ioapic::{mmio, reg as ioapic};
        let mut b = board();
        b.apic_mmio_write(0, 0, APIC_DEFAULT_BASE + reg::SVR, 4, 0x1ff);
        // Redirection entry 8: vector 0x41, fixed, edge, active high, APIC 0.
        let rte = (ioapic::REDTBL + 2 * CMOS_IRQ as u32) as u64;
        b.mmio_write(IOAPIC_BASE + mmio::IOREGSEL, 4, rte).unwrap();
        b.mmio_write(IOAPIC_BASE + mmio::IOWIN, 4, 0x41).unwrap();
        assert_eq!(b.next_deadline(), None);
        b.port_write(0, 0, CMOS_BASE, 1, cmos::B as u32);
        b.port_write(0, 0, CMOS_BASE + 1, 1, (B_24H | B_PIE) as u32);
        // 1024 Hz from cycle 0: the first event 1 ns after 32 cycles of 32.768 kHz.
        assert_eq!(b.next_deadline(), Some(976_563));
        b.advance(976_562);
        assert!(!b.interrupt_pending(0, 976_562));
        b.advance(976_563);
        assert!(b.interrupt_pending(0, 976_563));
        assert_eq!(b.acknowledge(0, 976_563), Some(0x41));
        // Register C says why and lowers the line; the next tick is the next deadline.
        b.port_write(0, 976_600, CMOS_BASE, 1, cmos::C as u32);
        assert_eq!(
            b.port_read(0, 976_600, CMOS_BASE + 1, 1),
            (C_IRQF | C_PF) as u32
        );
        assert_eq!(b.next_deadline(), Some(1_953_126));
    }

    #[test]
    fn ports_power_register_and_unused_ports() {
        let mut b = board();
        assert_eq!(b.port_read(0, 0, 0x278, 1), 0xff);
        assert_eq!(b.port_read(0, 0, 0x278, 4), 0xffff_ffff);
        // LSR of COM1: transmitter empty.
        assert_ne!(b.port_read(0, 0, 0x3fd, 1) & 0x20, 0);
        b.port_write(0, 0, POWER_PORT, 1, 0x80); // WAK_STS clear: nothing
        assert!(!b.stop_requested());
        assert_eq!(b.take_power(), None);
        b.port_write(0, 0, POWER_PORT, 1, power::S5_SLEEP_VALUE as u32);
        assert!(
            b.stop_requested(),
            "a power-off ends the vCPU's run at the OUT"
        );
        assert_eq!(b.take_power(), Some(PowerWrite::PowerOff));
        assert!(!b.stop_requested());
        b.port_write(0, 0, POWER_PORT, 1, power::RESET_VALUE as u32);
        assert!(b.stop_requested(), "so does a reset");
        assert_eq!(b.take_power(), Some(PowerWrite::Reset));
        assert_eq!(b.take_power(), None);
    }
}
