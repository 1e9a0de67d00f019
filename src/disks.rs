//! `--disk FILE[,if=mmio][,ro|,rw]`: disk images as virtio block devices, and what became of
//! them at the end of a run (flushed, counted, reported).
//!
//! Disk files are the user's: by default the guest's writes stay in an in-memory overlay and
//! the file is never touched (the report says how many sectors were discarded); `,rw` writes
//! them to the file as they happen (and `sync_data`s it at flushes and at exit); `,ro` offers a
//! read-only device. `if=pci` (the default, as QEMU's `-drive if=virtio` on `virt`) makes the
//! disk a virtio-blk-pci function on the PCI host, from slot 00:01.0 in order; `if=mmio` puts
//! it in a virtio-mmio slot of `virt`, from the top as QEMU's `-device virtio-blk-device`
//! does.

use anyhow::{bail, Context};
use bootemu_machine::board::{BoardDisk, DiskBus};
use bootemu_machine::pci::host::SLOTS as PCI_SLOTS;
use bootemu_machine::virtio::disk::{Disk, DiskMode};
use bootemu_machine::{Machine, Profile};
use serde_json::{json, Value};
use std::path::PathBuf;

/// The transport a disk sits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interface {
    /// A virtio-mmio slot.
    Mmio,
    /// A virtio-pci function.
    Pci,
}

impl Interface {
    fn name(self) -> &'static str {
        match self {
            Interface::Mmio => "mmio",
            Interface::Pci => "pci",
        }
    }
}

/// `--disk FILE[,if=mmio|pci][,ro|,rw]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskArg {
    /// The image file.
    pub path: PathBuf,
    /// Its transport.
    pub interface: Interface,
    /// What guest writes do.
    pub mode: DiskMode,
}

/// Parse `FILE[,if=mmio|pci][,ro|,rw]` (options in any order after the file name; a file
/// name may itself contain commas).
pub fn parse_disk(s: &str) -> Result<DiskArg, String> {
    let usage = || format!("expected FILE[,if=mmio|pci][,ro|,rw], not {s:?}");
    let (mut path, mut interface, mut mode) = (s, None, None);
    while let Some((head, opt)) = path.rsplit_once(',') {
        match opt {
            "ro" | "rw" if mode.is_none() => {
                mode = Some(if opt == "ro" {
                    DiskMode::ReadOnly
                } else {
                    DiskMode::WriteThrough
                })
            }
            "ro" | "rw" => return Err(format!("{s:?}: give at most one of ,ro and ,rw")),
            "if=mmio" | "if=pci" if interface.is_none() => {
                interface = Some(if opt == "if=mmio" {
                    Interface::Mmio
                } else {
                    Interface::Pci
                })
            }
            o if o.starts_with("if=") => {
                return Err(format!(
                    "{s:?}: {o}: the interface is mmio or pci, given once"
                ))
            }
            _ => break,
        }
        path = head;
    }
    if path.is_empty() {
        return Err(usage());
    }
    Ok(DiskArg {
        path: path.into(),
        interface: interface.unwrap_or(Interface::Pci),
        mode: mode.unwrap_or(DiskMode::Overlay),
    })
}

/// Open the disks for `profile` (errors name the file).
pub fn open(args: &[DiskArg], profile: &Profile) -> anyhow::Result<Vec<BoardDisk>> {
    let mmio_slots = profile.virtio_mmio_slots().count();
    let pci_slots = if profile.pci_desc().is_some() {
        PCI_SLOTS - 1
    } else {
        0
    };
    let mut disks = Vec::new();
    for a in args {
        let name = a.path.display();
        let (bus, slots, what) = match a.interface {
            Interface::Pci => (DiskBus::Pci, pci_slots, "a PCI host"),
            Interface::Mmio => (DiskBus::Mmio, mmio_slots, "virtio-mmio slots"),
        };
        if slots == 0 {
            bail!(
                "{name}: --disk if={}: --machine {} has no {what}",
                a.interface.name(),
                profile.name
            );
        }
        let disk = Disk::open(&a.path, a.mode).with_context(|| name.to_string())?;
        disks.push(BoardDisk { disk, bus });
    }
    for (bus, slots, what) in [
        (DiskBus::Pci, pci_slots, "PCI slots"),
        (DiskBus::Mmio, mmio_slots, "virtio-mmio slots"),
    ] {
        let n = disks.iter().filter(|d| d.bus == bus).count();
        if n > slots {
            bail!(
                "{n} disks given for {what}; --machine {} has {slots}",
                profile.name
            );
        }
    }
    Ok(disks)
}

/// At the end of a run: flush every disk (`sync_data` for `,rw`), say what became of the
/// guest's writes, and return the report's `disks` array.
pub fn finish(machine: &mut Machine, args: &[DiskArg]) -> anyhow::Result<Value> {
    let mut out = Vec::new();
    for (d, a) in machine.board.disks().into_iter().zip(args) {
        let name = a.path.display();
        d.flush()
            .with_context(|| format!("{name}: flushing the disk"))?;
        let s = d.stats();
        let overlay = match (s.mode, s.overlay_sectors, s.written_back) {
            (DiskMode::Overlay, n, _) if n > 0 => {
                say!("bootemu: {name}: {n} sector(s) the guest wrote discarded (overlay; ,rw writes to the file)");
                format!("discarded {n} sectors")
            }
            (DiskMode::WriteThrough, _, true) => {
                say!("bootemu: {name}: guest writes written back to the file");
                "written back".to_string()
            }
            _ => "none".to_string(),
        };
        out.push(json!({
            "file": name.to_string(),
            "interface": a.interface.name(),
            "size": s.size,
            "read_only": s.mode == DiskMode::ReadOnly,
            "mode": s.mode.name(),
            "bytes_read": s.bytes_read,
            "bytes_written": s.bytes_written,
            "overlay": overlay,
        }));
    }
    Ok(Value::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(path: &str, interface: Interface, mode: DiskMode) -> DiskArg {
        DiskArg {
            path: path.into(),
            interface,
            mode,
        }
    }

    #[test]
    fn disk_args() {
        use DiskMode::*;
        use Interface::*;
        assert_eq!(parse_disk("d.img"), Ok(arg("d.img", Pci, Overlay)));
        assert_eq!(parse_disk("d.img,rw"), Ok(arg("d.img", Pci, WriteThrough)));
        assert_eq!(
            parse_disk("d.img,if=mmio,ro"),
            Ok(arg("d.img", Mmio, ReadOnly))
        );
        assert_eq!(
            parse_disk("d.img,ro,if=pci"),
            Ok(arg("d.img", Pci, ReadOnly))
        );
        assert_eq!(
            parse_disk("a,b.img,rw"),
            Ok(arg("a,b.img", Pci, WriteThrough))
        );
        assert!(parse_disk("d.img,ro,rw").is_err());
        assert!(parse_disk("d.img,if=scsi").is_err());
        assert!(parse_disk("d.img,if=mmio,if=pci").is_err());
        assert!(parse_disk(",rw").is_err());
        assert!(parse_disk("").is_err());
    }
}
