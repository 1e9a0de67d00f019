//! What the device tree at x0 says, read once for every rule family: the header (magic,
//! `totalsize`, Devicetree Specification §5.2) and the few nodes the rules look at (`/chosen`,
//! memory, reservations, cpus, `/psci`).
//!
//! The blob comes from guest memory: the fdt crate can panic on a malformed one, so it is read
//! under `catch_unwind`, once; a `reg` or `/memreserve/` range that runs past 2^64 makes it
//! malformed (`fdt.header` fails naming it).

use fdt::Fdt;

use super::{be32, FDT_MAGIC};

/// What the device tree says.
#[derive(Default)]
pub(super) struct TreeFacts {
    /// `/chosen/bootargs`.
    pub bootargs: Option<String>,
    /// `/chosen` `linux,initrd-start` and `linux,initrd-end`.
    pub initrd: (Option<u64>, Option<u64>),
    /// Memory node ranges, sorted.
    pub memory: Vec<(u64, u64)>,
    /// `/memreserve/` entries and `/reserved-memory` children.
    pub reserved: Vec<(u64, u64)>,
    /// cpu node name and its enable-method.
    pub cpus: Vec<(String, Option<String>)>,
    /// A `/psci` node with a `compatible`.
    pub psci: bool,
}

/// Read a device tree blob.
pub(super) fn read_tree(blob: &[u8]) -> Result<TreeFacts, String> {
    // The blob comes from guest memory: its structure is checked (bounds, nesting depth)
    // before the fdt crate walks it.
    let blob = &*crate::fdt::prepare(blob).map_err(|e| e.to_string())?;
    std::panic::catch_unwind(|| {
        let t = Fdt::new(blob).map_err(|e| format!("{e:?}"))?;
        let mut f = TreeFacts::default();
        if let Some(c) = t.find_node("/chosen") {
            f.bootargs = c
                .property("bootargs")
                .and_then(|p| p.as_str())
                .map(String::from);
            let u = |n| c.property(n).and_then(|p| p.as_usize()).map(|v| v as u64);
            f.initrd = (u("linux,initrd-start"), u("linux,initrd-end"));
        }
        for r in t.memory_reservations() {
            f.reserved
                .push(range("/memreserve/", r.address() as u64, r.size() as u64)?);
        }
        if let Some(root) = t.find_node("/") {
            for n in root.children() {
                let is_mem = n.name == "memory" || n.name.starts_with("memory@");
                let dev_mem = n
                    .property("device_type")
                    .and_then(|p| p.as_str())
                    .is_some_and(|s| s == "memory");
                if is_mem || dev_mem {
                    for r in n.reg().into_iter().flatten() {
                        let size = r.size.unwrap_or(0) as u64;
                        f.memory
                            .push(range(n.name, r.starting_address as u64, size)?);
                    }
                }
                if n.name == "psci" || n.name.starts_with("psci@") {
                    f.psci = n.compatible().is_some();
                }
                if n.name == "reserved-memory" {
                    for c in n.children() {
                        for r in c.reg().into_iter().flatten() {
                            let size = r.size.unwrap_or(0) as u64;
                            f.reserved
                                .push(range(c.name, r.starting_address as u64, size)?);
                        }
                    }
                }
            }
        }
        if let Some(cpus) = t.find_node("/cpus") {
            for c in cpus.children() {
                let is_cpu = c
                    .property("device_type")
                    .and_then(|p| p.as_str())
                    .is_some_and(|s| s == "cpu");
                if is_cpu {
                    let m = c
                        .property("enable-method")
                        .and_then(|p| p.as_str())
                        .map(String::from);
                    f.cpus.push((c.name.to_string(), m));
                }
            }
        }
        f.memory.sort_unstable();
        Ok(f)
    })
    .unwrap_or_else(|_| Err("malformed structure block".into()))
}

/// `base..base + size` of a `reg` or `/memreserve/` entry of node `what`; a range that runs
/// past 2^64 makes the tree malformed.
fn range(what: &str, base: u64, size: u64) -> Result<(u64, u64), String> {
    base.checked_add(size)
        .map(|end| (base, end))
        .ok_or_else(|| format!("{what}: range {base:#x} + size {size:#x} runs past 2^64"))
}

/// The device tree at x0: its header and, when the header is sound, its facts.
pub(super) struct AtX0 {
    /// x0.
    pub x0: u64,
    /// The FDT magic is there.
    pub header_ok: bool,
    /// The header's `totalsize` (0 when unreadable).
    pub total: u64,
    /// The tree, or why it cannot be read.
    pub tree: Result<TreeFacts, String>,
}

impl AtX0 {
    /// Read `fdt`, the bytes read from guest memory at `x0`.
    pub fn read(x0: u64, fdt: &[u8]) -> AtX0 {
        let header_ok = be32(fdt, 0) == Some(FDT_MAGIC);
        let total = be32(fdt, 4).unwrap_or(0) as u64;
        let tree = if header_ok && total as usize <= fdt.len() {
            read_tree(&fdt[..total as usize])
        } else if !header_ok {
            Err(format!("no FDT magic at x0 = {x0:#x}"))
        } else {
            Err(format!(
                "totalsize {total:#x} runs past the end of RAM (read {:#x})",
                fdt.len()
            ))
        };
        AtX0 {
            x0,
            header_ok,
            total,
            tree,
        }
    }

    /// The facts, when the tree was readable.
    pub fn facts(&self) -> Option<&TreeFacts> {
        self.tree.as_ref().ok()
    }
}
