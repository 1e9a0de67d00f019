//! Symbol tables for naming guest addresses (`function+0xoff`): from the kernel's own kallsyms
//! ([`crate::kallsyms`]), an ELF's `.symtab` (firmware ELFs, a real `vmlinux`; ELF for the Arm
//! 64-bit Architecture §5.6 mapping symbols `$x`/`$d` are skipped), or the text of a
//! `System.map` / `/proc/kallsyms` (`addr type name [module]` lines).
//!
//! Lookup is a binary search over sorted addresses. A symbol's extent is its ELF `st_size` when
//! it has one, else up to the next higher address but at most [`IMPLICIT_SIZE_MAX`] (so that the
//! last symbol of one image does not claim the gap up to another's); past the last symbol
//! nothing matches. Among
//! symbols at one address the first in table order names it, as the kernel's own lookup does
//! (`kernel/kallsyms.c` `get_symbol_pos`).

/// Largest extent given to a symbol without a size (no function is this large; the gap after
/// an image's last symbol usually is).
pub const IMPLICIT_SIZE_MAX: u64 = 1 << 20;

/// One symbol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// Address.
    pub addr: u64,
    /// Size in bytes; 0 when unknown (the next symbol bounds it).
    pub size: u64,
    /// The `nm` type letter (`T`, `t`, `D`, ...; `?` when unknown).
    pub kind: char,
    /// The name.
    pub name: String,
}

/// Why a symbol file is unusable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// An ELF file goblin cannot parse.
    #[error("ELF: {0}")]
    Elf(String),
    /// A text line that is not `addr type name`.
    #[error("line {line}: expected `address type name`")]
    BadLine {
        /// 1-based line number.
        line: usize,
    },
    /// Every address is zero (`/proc/kallsyms` read without the right to see addresses).
    #[error("every address is 0 (a /proc/kallsyms read with kptr_restrict in force?)")]
    ZeroAddresses,
    /// No symbol at all.
    #[error("no symbols")]
    Empty,
}

/// Symbols sorted by address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SymbolTable {
    syms: Vec<Symbol>,
}

impl SymbolTable {
    /// A table of `syms` in any order (the order among equal addresses is kept).
    pub fn new(mut syms: Vec<Symbol>) -> SymbolTable {
        syms.sort_by_key(|s| s.addr);
        SymbolTable { syms }
    }

    /// Number of symbols.
    pub fn len(&self) -> usize {
        self.syms.len()
    }

    /// No symbols.
    pub fn is_empty(&self) -> bool {
        self.syms.is_empty()
    }

    /// The symbols, by address.
    pub fn symbols(&self) -> &[Symbol] {
        &self.syms
    }

    /// Add the symbols of `other`.
    pub fn extend(&mut self, other: SymbolTable) {
        self.syms.extend(other.syms);
        self.syms.sort_by_key(|s| s.addr);
    }

    /// The symbol containing `addr` and the offset into it.
    pub fn lookup(&self, addr: u64) -> Option<(&str, u64)> {
        // Index of the first symbol above addr; the one before it is the candidate.
        let above = self.syms.partition_point(|s| s.addr <= addr);
        let last = above.checked_sub(1)?;
        let at = self.syms[last].addr;
        let first = self.syms[..=last].partition_point(|s| s.addr < at);
        let s = &self.syms[first];
        let off = addr - s.addr;
        (off < self.len_at(first, above)).then_some((s.name.as_str(), off))
    }

    /// The extent of the symbol at `index` whose next higher address is at `above`: its size,
    /// or up to the next higher address (at most [`IMPLICIT_SIZE_MAX`]), or 1 for the last.
    fn len_at(&self, index: usize, above: usize) -> u64 {
        let s = &self.syms[index];
        match (s.size, self.syms.get(above)) {
            (0, Some(next)) => (next.addr - s.addr).min(IMPLICIT_SIZE_MAX),
            (0, None) => 1,
            (size, _) => size,
        }
    }

    /// The address of the first symbol called `name`.
    pub fn by_name(&self, name: &str) -> Option<u64> {
        self.syms.iter().find(|s| s.name == name).map(|s| s.addr)
    }

    /// `[start, end)` of the symbol called `name` (its size, or up to the next higher address;
    /// `end` saturates at the top of the address space).
    pub fn extent(&self, name: &str) -> Option<(u64, u64)> {
        let index = self.syms.iter().position(|s| s.name == name)?;
        let start = self.syms[index].addr;
        let above = self.syms.partition_point(|s| s.addr <= start);
        Some((start, start.saturating_add(self.len_at(index, above))))
    }

    /// The symbols of an ELF file's `.symtab` (functions, objects and untyped labels with a
    /// name and a non-zero address; mapping symbols skipped).
    pub fn from_elf(bytes: &[u8]) -> Result<SymbolTable, Error> {
        use goblin::elf::sym::{STB_GLOBAL, STB_WEAK, STT_FILE, STT_SECTION};
        let elf = goblin::elf::Elf::parse(bytes).map_err(|e| Error::Elf(e.to_string()))?;
        let mut syms = Vec::new();
        for s in elf.syms.iter() {
            if s.st_value == 0 || s.st_type() == STT_FILE || s.st_type() == STT_SECTION {
                continue;
            }
            let Some(name) = elf.strtab.get_at(s.st_name) else {
                continue;
            };
            if name.is_empty() || name.starts_with('$') {
                continue;
            }
            let global = matches!(s.st_bind(), STB_GLOBAL | STB_WEAK);
            let kind = match (s.is_function(), global) {
                (true, true) => 'T',
                (true, false) => 't',
                (false, true) => 'D',
                (false, false) => 'd',
            };
            syms.push(Symbol {
                addr: s.st_value,
                size: s.st_size,
                kind,
                name: name.to_string(),
            });
        }
        if syms.is_empty() {
            return Err(Error::Empty);
        }
        Ok(SymbolTable::new(syms))
    }

    /// The symbols of a `System.map` or `/proc/kallsyms` text: `addr type name [module]` per
    /// line (hex address; undefined `U` and absolute `a`/`A` entries skipped).
    pub fn from_text(text: &str) -> Result<SymbolTable, Error> {
        let mut syms = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let mut f = line.split_whitespace();
            let (Some(addr), Some(kind), Some(name)) = (f.next(), f.next(), f.next()) else {
                if line.trim().is_empty() {
                    continue;
                }
                return Err(Error::BadLine { line: i + 1 });
            };
            let addr = u64::from_str_radix(addr.trim_start_matches("0x"), 16)
                .map_err(|_| Error::BadLine { line: i + 1 })?;
            let mut k = kind.chars();
            let (Some(kind), None) = (k.next(), k.next()) else {
                return Err(Error::BadLine { line: i + 1 });
            };
            if matches!(kind, 'U' | 'u' | 'a' | 'A' | 'N' | 'n') {
                continue;
            }
            syms.push(Symbol {
                addr,
                size: 0,
                kind,
                name: name.to_string(),
            });
        }
        if syms.is_empty() {
            return Err(Error::Empty);
        }
        if syms.iter().all(|s| s.addr == 0) {
            return Err(Error::ZeroAddresses);
        }
        Ok(SymbolTable::new(syms))
    }

    /// A symbol file: ELF by its magic, otherwise `System.map` text.
    pub fn from_file_bytes(bytes: &[u8]) -> Result<SymbolTable, Error> {
        if bytes.starts_with(&crate::elf::MAGIC) {
            return SymbolTable::from_elf(bytes);
        }
        SymbolTable::from_text(&String::from_utf8_lossy(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(addr: u64, size: u64, name: &str) -> Symbol {
        Symbol {
            addr,
            size,
            kind: 'T',
            name: name.into(),
        }
    }

    #[test]
    fn lookup_bounds_and_aliases() {
        let t = SymbolTable::new(vec![
            sym(0x200, 0, "c"),
            sym(0x200 + 3 * IMPLICIT_SIZE_MAX, 0, "far"),
            sym(0x100, 0, "a"),
            sym(0x100, 0, "a_alias"),
            sym(0x180, 0x10, "b"),
        ]);
        assert_eq!(t.lookup(0xff), None);
        assert_eq!(t.lookup(0x100), Some(("a", 0)));
        assert_eq!(t.lookup(0x17f), Some(("a", 0x7f)));
        assert_eq!(t.lookup(0x18f), Some(("b", 0xf)));
        assert_eq!(t.lookup(0x190), None, "past b's st_size");
        assert_eq!(t.lookup(0x200), Some(("c", 0)));
        assert_eq!(
            t.lookup(0x200 + IMPLICIT_SIZE_MAX),
            None,
            "c's implicit size"
        );
        assert_eq!(t.lookup(0x200 + 3 * IMPLICIT_SIZE_MAX), Some(("far", 0)));
        assert_eq!(
            t.lookup(0x201 + 3 * IMPLICIT_SIZE_MAX),
            None,
            "past the last symbol"
        );
        assert_eq!(t.extent("a"), Some((0x100, 0x180)));
        assert_eq!(t.extent("b"), Some((0x180, 0x190)));
        assert_eq!(t.by_name("nope"), None);
        let top = SymbolTable::new(vec![sym(u64::MAX, 0, "top")]);
        assert_eq!(top.lookup(u64::MAX), Some(("top", 0)));
        assert_eq!(top.extent("top"), Some((u64::MAX, u64::MAX)));
    }

    #[test]
    fn system_map_text() {
        let t = SymbolTable::from_text(
            "ffff800008000000 T _text\n\
             ffff800008010000 T _stext\n\
             0000000000000000 A some_abs\n\
             ffff8000096609f4 T start_kernel\n\
             ffff800009660a40 T after_start_kernel\n\
             ffff800008e2a000 t nfs_init\t[nfs]\n\n",
        )
        .unwrap();
        assert_eq!(t.len(), 5);
        assert_eq!(
            t.lookup(0xffff_8000_0966_0a08),
            Some(("start_kernel", 0x14))
        );
        assert_eq!(
            SymbolTable::from_text("0 T a\n0 t b\n"),
            Err(Error::ZeroAddresses)
        );
        assert_eq!(
            SymbolTable::from_text("zz T a\n"),
            Err(Error::BadLine { line: 1 })
        );
        assert_eq!(
            SymbolTable::from_text("12 T\n"),
            Err(Error::BadLine { line: 1 })
        );
        assert_eq!(SymbolTable::from_text(""), Err(Error::Empty));
    }

    /// An ELF64 AArch64 file with only a `.symtab` and its `.strtab`: (name, value, size,
    /// is a function).
    fn elf_with_symbols(syms: &[(&str, u64, u64, bool)]) -> Vec<u8> {
        let mut strtab = vec![0u8];
        let mut symtab = vec![0u8; 24];
        for &(name, value, size, func) in syms {
            let at = strtab.len() as u32;
            strtab.extend_from_slice(name.as_bytes());
            strtab.push(0);
            symtab.extend_from_slice(&at.to_le_bytes());
            symtab.push((1 << 4) | if func { 2 } else { 1 }); // STB_GLOBAL, FUNC or OBJECT
            symtab.push(0);
            symtab.extend_from_slice(&1u16.to_le_bytes()); // st_shndx
            symtab.extend_from_slice(&value.to_le_bytes());
            symtab.extend_from_slice(&size.to_le_bytes());
        }
        let sym_off = 64u64;
        let str_off = sym_off + symtab.len() as u64;
        let sh_off = (str_off + strtab.len() as u64 + 7) & !7;
        let mut v = vec![0u8; 64];
        v[..4].copy_from_slice(b"\x7fELF");
        v[4] = 2; // ELFCLASS64
        v[5] = 1; // little-endian
        v[6] = 1;
        v[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
        v[18..20].copy_from_slice(&183u16.to_le_bytes()); // EM_AARCH64
        v[20..24].copy_from_slice(&1u32.to_le_bytes());
        v[40..48].copy_from_slice(&sh_off.to_le_bytes());
        v[52..54].copy_from_slice(&64u16.to_le_bytes()); // e_ehsize
        v[58..60].copy_from_slice(&64u16.to_le_bytes()); // e_shentsize
        v[60..62].copy_from_slice(&3u16.to_le_bytes()); // e_shnum
        v.extend_from_slice(&symtab);
        v.extend_from_slice(&strtab);
        v.resize(sh_off as usize, 0);
        let sh = |ty: u32, off: u64, size: u64, link: u32, entsize: u64| {
            let mut h = vec![0u8; 64];
            h[4..8].copy_from_slice(&ty.to_le_bytes());
            h[24..32].copy_from_slice(&off.to_le_bytes());
            h[32..40].copy_from_slice(&size.to_le_bytes());
            h[40..44].copy_from_slice(&link.to_le_bytes());
            h[44..48].copy_from_slice(&1u32.to_le_bytes()); // sh_info: first global
            h[48..56].copy_from_slice(&8u64.to_le_bytes());
            h[56..64].copy_from_slice(&entsize.to_le_bytes());
            h
        };
        let null = vec![0u8; 64];
        let symh = sh(2, sym_off, symtab.len() as u64, 2, 24); // SHT_SYMTAB
        let strh = sh(3, str_off, strtab.len() as u64, 0, 0); // SHT_STRTAB
        v.extend_from_slice(&null);
        v.extend_from_slice(&symh);
        v.extend_from_slice(&strh);
        v
    }

    #[test]
    fn elf_symbols() {
        // A minimal ELF64 with .symtab: built by hand below.
        let elf = elf_with_symbols(&[
            ("_start", 0x4000_0000, 8, true),
            ("$x", 0x4000_0000, 0, false),
            ("data", 0x4000_1000, 4, false),
        ]);
        let t = SymbolTable::from_file_bytes(&elf).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t.lookup(0x4000_0004), Some(("_start", 4)));
        assert_eq!(t.lookup(0x4000_0008), None);
        assert!(matches!(
            SymbolTable::from_file_bytes(b"\x7fELF junk"),
            Err(Error::Elf(_))
        ));
    }
}
