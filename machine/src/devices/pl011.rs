//! Arm PrimeCell UART (PL011), after the *PrimeCell UART (PL011) Technical Reference Manual*,
//! Arm DDI 0183 (§3 "Programmers Model", register summary table 3-1).
//!
//! Modelled:
//! - `UARTDR`: writes transmit at once (the byte goes to the host, the FIFO never fills); reads
//!   pop the receive FIFO (no error bits: a host never produces framing/parity/overrun errors).
//! - `UARTFR`: `TXFE` always set, `TXFF` and `BUSY` never set, `RXFE`/`RXFF` from the receive
//!   FIFO (16 entries with `LCR_H.FEN`, 1 without).
//! - `UARTRSR/ECR` (reads 0, writes clear nothing there is to clear), `UARTILPR`, `UARTIBRD`,
//!   `UARTFBRD`, `UARTLCR_H`, `UARTCR`, `UARTIFLS`, `UARTIMSC`, `UARTDMACR`: stored and read back
//!   with their implemented widths; they do not change behaviour (no baud rate, no gating by
//!   `CR.UARTEN/TXE/RXE`, as QEMU).
//! - Interrupts: `UARTRIS` has `RXRIS` while the receive FIFO holds data (no trigger levels, no
//!   receive timeout) and `TXRIS` set by every transmitted byte (the FIFO drains through its
//!   trigger level at once) until cleared through `UARTICR`; `UARTMIS` = RIS & IMSC; the
//!   output ([`Pl011::irq_level`], UARTINTR) is SPI 1 on `virt`.
//! - `UARTPeriphID0–3` and `UARTPCellID0–3`: part 0x011, designer 0x41, revision 1 (the values
//!   QEMU presents and Linux's amba-pl011 driver matches).
//!
//! Not modelled: DMA, modem lines (`CTS/DSR/DCD/RI` read 0), IrDA, break, test registers
//! (0x080–0x08C read as zero). Unknown offsets are logged and RAZ/WI.

use std::collections::VecDeque;

use super::{size_mask, MmioDevice, SerialPort};

/// Data register.
pub const DR: u64 = 0x000;
/// Receive status / error clear.
pub const RSR: u64 = 0x004;
/// Flag register.
pub const FR: u64 = 0x018;
/// IrDA low-power counter.
pub const ILPR: u64 = 0x020;
/// Integer baud rate divisor.
pub const IBRD: u64 = 0x024;
/// Fractional baud rate divisor.
pub const FBRD: u64 = 0x028;
/// Line control.
pub const LCR_H: u64 = 0x02c;
/// Control.
pub const CR: u64 = 0x030;
/// Interrupt FIFO level select.
pub const IFLS: u64 = 0x034;
/// Interrupt mask set/clear.
pub const IMSC: u64 = 0x038;
/// Raw interrupt status.
pub const RIS: u64 = 0x03c;
/// Masked interrupt status.
pub const MIS: u64 = 0x040;
/// Interrupt clear.
pub const ICR: u64 = 0x044;
/// DMA control.
pub const DMACR: u64 = 0x048;
/// First of the identification registers (PeriphID0..3, PCellID0..3).
pub const ID_BASE: u64 = 0xfe0;

/// FR: receive FIFO empty.
pub const FR_RXFE: u32 = 1 << 4;
/// FR: transmit FIFO full.
pub const FR_TXFF: u32 = 1 << 5;
/// FR: receive FIFO full.
pub const FR_RXFF: u32 = 1 << 6;
/// FR: transmit FIFO empty.
pub const FR_TXFE: u32 = 1 << 7;
/// LCR_H: FIFOs enabled.
pub const LCR_H_FEN: u32 = 1 << 4;
/// Interrupt bit: receive.
pub const INT_RX: u32 = 1 << 4;
/// Interrupt bit: transmit.
pub const INT_TX: u32 = 1 << 5;
/// Implemented interrupt bits (RIMIM..OEIM).
pub const INT_MASK: u32 = 0x7ff;
/// FIFO depth with FIFOs enabled.
pub const FIFO_DEPTH: usize = 16;
/// Reset value of CR: TXE | RXE.
pub const CR_RESET: u32 = 0x300;
/// Reset value of IFLS: both trigger levels at 1/2.
pub const IFLS_RESET: u32 = 0x12;
/// PeriphID0..3 then PCellID0..3.
pub const ID: [u8; 8] = [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

/// PL011 state.
#[derive(Debug, Clone)]
pub struct Pl011 {
    rx: VecDeque<u8>,
    tx: Vec<u8>,
    ilpr: u32,
    ibrd: u32,
    fbrd: u32,
    lcr_h: u32,
    cr: u32,
    ifls: u32,
    imsc: u32,
    ris: u32,
    dmacr: u32,
}

impl Default for Pl011 {
    fn default() -> Self {
        Pl011 {
            rx: VecDeque::with_capacity(FIFO_DEPTH),
            tx: Vec::new(),
            ilpr: 0,
            ibrd: 0,
            fbrd: 0,
            lcr_h: 0,
            cr: CR_RESET,
            ifls: IFLS_RESET,
            imsc: 0,
            ris: 0,
            dmacr: 0,
        }
    }
}

impl Pl011 {
    /// A UART in its reset state.
    pub fn new() -> Self {
        Self::default()
    }

    fn rx_depth(&self) -> usize {
        if self.lcr_h & LCR_H_FEN != 0 {
            FIFO_DEPTH
        } else {
            1
        }
    }

    fn flags(&self) -> u32 {
        let mut fr = FR_TXFE;
        if self.rx.is_empty() {
            fr |= FR_RXFE;
        }
        if self.rx.len() >= self.rx_depth() {
            fr |= FR_RXFF;
        }
        fr
    }

    /// The interrupt output (UARTINTR): any unmasked raw interrupt.
    pub fn irq_level(&self) -> bool {
        self.ris & self.imsc != 0
    }

    fn read32(&mut self, offset: u64) -> u32 {
        match offset {
            DR => {
                let b = self.rx.pop_front().unwrap_or(0);
                if self.rx.is_empty() {
                    self.ris &= !INT_RX;
                }
                b as u32
            }
            RSR => 0,
            FR => self.flags(),
            ILPR => self.ilpr,
            IBRD => self.ibrd,
            FBRD => self.fbrd,
            LCR_H => self.lcr_h,
            CR => self.cr,
            IFLS => self.ifls,
            IMSC => self.imsc,
            RIS => self.ris,
            MIS => self.ris & self.imsc,
            DMACR => self.dmacr,
            0x080..=0x08c => 0,
            ID_BASE..=0xffc if offset.is_multiple_of(4) => {
                ID[((offset - ID_BASE) / 4) as usize] as u32
            }
            _ => {
                log::warn!("pl011: read of unknown offset {offset:#x}");
                0
            }
        }
    }

    fn write32(&mut self, offset: u64, v: u32) {
        match offset {
            DR => {
                self.tx.push(v as u8);
                self.ris |= INT_TX;
            }
            RSR => {}
            ILPR => self.ilpr = v & 0xff,
            IBRD => self.ibrd = v & 0xffff,
            FBRD => self.fbrd = v & 0x3f,
            LCR_H => self.lcr_h = v & 0xff,
            CR => self.cr = v & 0xff87,
            IFLS => self.ifls = v & 0x3f,
            IMSC => self.imsc = v & INT_MASK,
            ICR => self.ris &= !(v & INT_MASK),
            DMACR => self.dmacr = v & 0x7,
            _ => log::warn!("pl011: write of {v:#x} to read-only or unknown offset {offset:#x}"),
        }
    }
}

impl MmioDevice for Pl011 {
    fn name(&self) -> &'static str {
        "pl011"
    }

    fn reg_name(&self, offset: u64) -> Option<&'static str> {
        Some(match offset {
            DR => "UARTDR",
            RSR => "UARTRSR",
            FR => "UARTFR",
            ILPR => "UARTILPR",
            IBRD => "UARTIBRD",
            FBRD => "UARTFBRD",
            LCR_H => "UARTLCR_H",
            CR => "UARTCR",
            IFLS => "UARTIFLS",
            IMSC => "UARTIMSC",
            RIS => "UARTRIS",
            MIS => "UARTMIS",
            ICR => "UARTICR",
            DMACR => "UARTDMACR",
            ID_BASE..=0xfff => "UARTPeriphID/PCellID",
            _ => return None,
        })
    }

    fn read(&mut self, offset: u64, size: u8) -> u64 {
        if !offset.is_multiple_of(4) {
            log::warn!("pl011: misaligned read at offset {offset:#x}");
            return 0;
        }
        self.read32(offset) as u64 & size_mask(size)
    }

    fn write(&mut self, offset: u64, size: u8, value: u64) {
        if !offset.is_multiple_of(4) {
            log::warn!("pl011: misaligned write at offset {offset:#x}");
            return;
        }
        self.write32(offset, (value & size_mask(size)) as u32);
    }

    fn as_serial(&mut self) -> Option<&mut dyn SerialPort> {
        Some(self)
    }

    fn irq_level(&self) -> bool {
        Pl011::irq_level(self)
    }

    /// Registers and receive FIFO back to reset; bytes already transmitted stay queued for the
    /// console.
    fn reset(&mut self) {
        let tx = std::mem::take(&mut self.tx);
        *self = Pl011 {
            tx,
            ..Pl011::default()
        };
    }
}

impl SerialPort for Pl011 {
    fn drain_tx(&mut self, out: &mut Vec<u8>) {
        out.append(&mut self.tx);
    }

    fn push_rx(&mut self, byte: u8) -> bool {
        if self.rx.len() >= self.rx_depth() {
            return false;
        }
        self.rx.push_back(byte);
        self.ris |= INT_RX;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tx(u: &mut Pl011) -> Vec<u8> {
        let mut v = Vec::new();
        u.drain_tx(&mut v);
        v
    }

    #[test]
    fn reset_values() {
        let mut u = Pl011::new();
        assert_eq!(u.read(FR, 4), (FR_TXFE | FR_RXFE) as u64);
        assert_eq!(u.read(CR, 4), 0x300);
        assert_eq!(u.read(IFLS, 4), 0x12);
        assert_eq!(u.read(IMSC, 4), 0);
        assert_eq!(u.read(RIS, 4), 0);
    }

    #[test]
    fn dr_write_transmits_and_sets_txris() {
        let mut u = Pl011::new();
        u.write(DR, 4, 0x141); // only bits 7:0 are data
        u.write(DR, 1, b'B' as u64);
        assert_eq!(tx(&mut u), b"AB");
        assert!(tx(&mut u).is_empty());
        assert_eq!(u.read(RIS, 4), INT_TX as u64);
        assert_eq!(u.read(FR, 4) & FR_TXFF as u64, 0, "TXFF never set");
    }

    #[test]
    fn rx_fifo_depth_follows_fen() {
        let mut u = Pl011::new();
        assert!(u.push_rx(b'x'));
        assert!(!u.push_rx(b'y'), "depth 1 without FEN");
        assert_eq!(u.read(FR, 4) & (FR_RXFE | FR_RXFF) as u64, FR_RXFF as u64);
        assert_eq!(u.read(DR, 4), b'x' as u64);
        assert_eq!(u.read(FR, 4) & FR_RXFE as u64, FR_RXFE as u64);
        u.write(LCR_H, 4, LCR_H_FEN as u64);
        for i in 0..FIFO_DEPTH {
            assert!(u.push_rx(i as u8));
        }
        assert!(!u.push_rx(0));
        assert_eq!(u.read(DR, 4), 0);
        assert_eq!(u.read(DR, 4), 1);
    }

    #[test]
    fn interrupt_status_mask_and_clear() {
        let mut u = Pl011::new();
        u.push_rx(b'a');
        assert_eq!(u.read(RIS, 4), INT_RX as u64);
        assert_eq!(u.read(MIS, 4), 0);
        assert!(!u.irq_level());
        u.write(IMSC, 4, (INT_RX | INT_TX) as u64);
        assert_eq!(u.read(MIS, 4), INT_RX as u64);
        assert!(u.irq_level());
        u.read(DR, 4);
        assert_eq!(u.read(RIS, 4), 0, "RXRIS clears when the FIFO empties");
        u.write(DR, 4, 0);
        assert_eq!(u.read(MIS, 4), INT_TX as u64);
        u.write(ICR, 4, INT_TX as u64);
        assert_eq!(u.read(RIS, 4), 0);
        u.write(RIS, 4, 0xffff);
        assert_eq!(u.read(RIS, 4), 0, "RIS is read-only");
    }

    #[test]
    fn control_registers_store_their_widths() {
        let mut u = Pl011::new();
        for (off, written, read) in [
            (IBRD, 0xffff_ffff, 0xffff),
            (FBRD, 0xff, 0x3f),
            (LCR_H, 0x1ff, 0xff),
            (CR, 0xffff, 0xff87),
            (IFLS, 0xff, 0x3f),
            (IMSC, 0xffff, 0x7ff),
            (DMACR, 0xff, 0x7),
            (ILPR, 0x1ff, 0xff),
        ] {
            u.write(off, 4, written);
            assert_eq!(u.read(off, 4), read, "offset {off:#x}");
        }
    }

    #[test]
    fn identification_registers() {
        let mut u = Pl011::new();
        let id: Vec<u64> = (0..8).map(|i| u.read(ID_BASE + 4 * i, 4)).collect();
        assert_eq!(id, [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
    }

    #[test]
    fn bad_offsets_are_raz_wi() {
        let mut u = Pl011::new();
        assert_eq!(u.read(0x500, 4), 0);
        assert_eq!(u.read(0x2, 4), 0);
        u.write(0x500, 4, 1);
        u.write(0x1, 4, b'x' as u64);
        u.write(FR, 4, 0);
        assert!(tx(&mut u).is_empty());
        assert_eq!(u.read(FR, 4), (FR_TXFE | FR_RXFE) as u64);
    }
}
