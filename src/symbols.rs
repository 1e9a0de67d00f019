//! Naming guest PCs `function+0xoff` in traces, the flight recorder and the report: the one
//! lookup helper ([`Symbols::describe`]) over the kernel's own kallsyms (read from the Image,
//! `bootemu_boot::kallsyms`) and any `--symbols FILE` (an ELF's `.symtab`, a `System.map` or a
//! `/proc/kallsyms`).
//!
//! Kernel symbols are link addresses (`0xffff8000…`), which the kernel runs at: bootemu's device
//! trees carry no `/chosen/kaslr-seed`, a direct boot has no EFI RNG and the CPU has no
//! FEAT_RNG (`RNDR`) for `kaslr_early_init` to fall back on, so KASLR stays off. A firmware that
//! hands the kernel a seed (an EFI stub with an RNG protocol) would move it: the run then says
//! so after the fact (the seed is read from the device tree seen at the kernel entry), and the
//! names are not corrected (not covered). Before the MMU
//! is on the kernel runs at physical addresses: a PC inside the Image's physical extent (a direct
//! boot: where the plan put it; a firmware boot: where the kernel entry was observed, from that
//! instruction on) is mapped through the Image's load offset, `_text + (pc - load address)`.
//! Not covered: a firmware boot's physical kernel PCs before the entry (an EFI stub's code, whose
//! `__efistub_` symbols kallsyms leaves out anyway).
//! `--symbols` addresses are used as they are (no mapping).

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use bootemu_boot::symbols::SymbolTable;

/// The kernel Image as the symbols see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelImage {
    /// Link address of the Image's first byte (`_text`).
    pub text: u64,
    /// Bytes from `_text` the physical mapping covers (the header's `image_size`).
    pub size: u64,
    /// Physical address of the Image's first byte, when known.
    pub phys: Option<u64>,
}

/// Symbols for naming guest PCs.
#[derive(Clone, Debug, Default)]
pub struct Symbols {
    table: SymbolTable,
    kernel: Option<KernelImage>,
    /// Where the kernel entry was seen (a firmware boot: set by the machine at the entry).
    entry_seen: Option<Rc<Cell<Option<u64>>>>,
}

impl Symbols {
    /// Symbols from a table, and the kernel Image they describe (if any).
    pub fn new(table: SymbolTable, kernel: Option<KernelImage>) -> Symbols {
        Symbols {
            table,
            kernel,
            entry_seen: None,
        }
    }

    /// The same symbols, with the kernel Image (when its physical address is not known yet)
    /// where `seen` says the kernel was entered, once it says so.
    pub fn following(mut self, seen: Rc<Cell<Option<u64>>>) -> Symbols {
        self.entry_seen = Some(seen);
        self
    }

    /// The symbol table.
    pub fn table(&self) -> &SymbolTable {
        &self.table
    }

    /// The link address a PC runs at: a PC in the kernel Image's physical extent maps through
    /// its load offset; any other is itself.
    pub fn link_address(&self, pc: u64) -> u64 {
        let Some(k) = self.kernel else {
            return pc;
        };
        let phys = k
            .phys
            .or_else(|| self.entry_seen.as_ref().and_then(|s| s.get()));
        match phys {
            Some(phys) if pc >= phys && pc - phys < k.size => k.text.wrapping_add(pc - phys),
            _ => pc,
        }
    }

    /// The function a guest PC is in; a PC in the kernel Image's physical extent maps through
    /// its load offset only with `map_phys` (see [`Symbols::link_address`]).
    pub fn function(&self, pc: u64, map_phys: bool) -> Option<&str> {
        let addr = if map_phys { self.link_address(pc) } else { pc };
        self.table.lookup(addr).map(|(name, _)| name)
    }

    /// `function+0xoff` for a guest PC (virtual or, inside the kernel Image, physical). A symbol
    /// without a size extends to the next symbol's address, so a lone one can claim far
    /// addresses (a System.map's last symbol does not: past the last symbol nothing matches).
    pub fn describe(&self, pc: u64) -> Option<String> {
        // Inside the kernel Image's physical extent only the kernel's symbols apply.
        let (name, off) = self.table.lookup(self.link_address(pc))?;
        Some(format!("{name}+{off:#x}"))
    }
}

/// A kernel Image's kallsyms, read ([`read_kernel_table`]) but not yet placed.
pub struct KernelTable {
    table: SymbolTable,
    /// Link address of the Image's first byte (`_text`).
    text: u64,
    /// Bytes from `_text` the physical mapping covers.
    size: u64,
}

/// Read the kernel's kallsyms from `image` (an arm64 Image, possibly gzip'd, of at most
/// `limit` bytes inflated): `None` when it cannot be inflated, the parser's complaint when it
/// has none. Prints nothing, so that it may run beside the guest ([`kernel_symbols`] says the
/// complaint where the symbols are needed).
pub fn read_kernel_table(image: &[u8], limit: u64) -> Option<Result<KernelTable, String>> {
    let inflated;
    let bytes = if image.starts_with(&bootemu_boot::GZIP_MAGIC) {
        inflated = bootemu_boot::inflate(image, limit).ok()?;
        &inflated[..]
    } else {
        image
    };
    let size = match bootemu_boot::arm64_image::Header::parse(bytes) {
        Some(Ok(h)) if h.image_size != 0 => h.image_size,
        _ => bytes.len() as u64,
    };
    Some(
        bootemu_boot::kallsyms::parse(bytes)
            .map(|k| KernelTable {
                table: k.table,
                text: k.text,
                size,
            })
            .map_err(|e| e.to_string()),
    )
}

/// The symbols of a kernel table read by [`read_kernel_table`], the Image's first byte at
/// physical `phys` when known; `None` with a notice when it has none.
pub fn kernel_symbols(
    read: Option<Result<KernelTable, String>>,
    phys: Option<u64>,
) -> Option<Symbols> {
    match read? {
        Ok(k) => Some(Symbols::new(
            k.table,
            Some(KernelImage {
                text: k.text,
                size: k.size,
                phys,
            }),
        )),
        Err(e) => {
            say!("bootemu: kernel symbols (kallsyms): {e}");
            None
        }
    }
}

/// The symbols of every `--symbols` file.
pub fn read_files(files: &[PathBuf]) -> anyhow::Result<SymbolTable> {
    let mut t = SymbolTable::default();
    for path in files {
        t.extend(read_file(path)?);
    }
    Ok(t)
}

/// The kernel's symbols (if any) and `extra`; `None` when there are none at all.
pub fn merge(kernel: Option<Symbols>, extra: &SymbolTable) -> Option<Symbols> {
    let mut s = kernel.unwrap_or_default();
    s.table.extend(extra.clone());
    (!s.table.is_empty()).then_some(s)
}

/// The symbols of one `--symbols` file.
fn read_file(path: &Path) -> anyhow::Result<SymbolTable> {
    /// Largest symbol file read (a `vmlinux` with debug info is a few hundred MiB).
    const LIMIT: u64 = 1 << 30;
    let bytes = crate::read_input(path, (LIMIT, "the symbol file limit"))?;
    SymbolTable::from_file_bytes(&bytes)
        .map_err(|e| anyhow::anyhow!("--symbols {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bootemu_boot::symbols::Symbol;

    fn symbols(phys: Option<u64>) -> Symbols {
        let sym = |addr, name: &str| Symbol {
            addr,
            size: 0,
            kind: 'T',
            name: name.into(),
        };
        Symbols::new(
            SymbolTable::new(vec![
                sym(0xffff_8000_0801_0000, "_stext"),
                sym(0xffff_8000_0966_8d5c, "primary_entry"),
                sym(0xffff_8000_0966_8e00, "next"),
                sym(0x4000_0000, "fw_start"),
                sym(0x4000_0100, "fw_end"),
            ]),
            Some(KernelImage {
                text: 0xffff_8000_0800_0000,
                size: 0x201_0000,
                phys,
            }),
        )
    }

    #[test]
    fn virtual_physical_and_unknown_pcs() {
        let s = symbols(Some(0x4020_0000));
        assert_eq!(
            s.describe(0xffff_8000_0966_8d60).as_deref(),
            Some("primary_entry+0x4")
        );
        assert_eq!(
            s.describe(0x4186_8d5c).as_deref(),
            Some("primary_entry+0x0")
        );
        assert_eq!(s.describe(0x4000_0010).as_deref(), Some("fw_start+0x10"));
        assert_eq!(s.function(0x4186_8d60, true), Some("primary_entry"));
        assert_eq!(s.function(0x4186_8d60, false), None, "not mapped");
        assert_eq!(
            s.function(0xffff_8000_0966_8d60, false),
            Some("primary_entry")
        );
        assert_eq!(
            s.describe(0x4020_0000),
            None,
            "_text is not a kallsyms symbol"
        );
        assert_eq!(s.describe(0x4420_0000), None, "past image_size");
        // Physical address unknown (a firmware boot before the entry is seen): virtual only.
        let s = symbols(None);
        assert_eq!(s.describe(0x4186_8d5c), None);
        let seen = Rc::new(Cell::new(None));
        let s = s.following(seen.clone());
        assert_eq!(s.describe(0x4186_8d5c), None);
        seen.set(Some(0x4020_0000));
        assert_eq!(
            s.describe(0x4186_8d5c).as_deref(),
            Some("primary_entry+0x0")
        );
    }
}
