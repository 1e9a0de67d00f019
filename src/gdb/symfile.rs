//! The symbols bootemu knows (the kernel's kallsyms, `--symbols` files) as a small ELF file
//! for gdb: a 64-bit little-endian AArch64 `ET_EXEC` with one `SHT_NOBITS` section spanning the
//! symbols and a `.symtab` (functions for `T`/`t`/`W`/`w`, objects otherwise; sizes up to the
//! next symbol). The stub names it as the target's executable (`qXfer:exec-file:read`), so
//! `break start_kernel` and `x/4i $pc` showing `<start_kernel+4>` work with no vmlinux.
//! Layout from the ELF-64 Object File Format (version 1.5) and the AArch64 ELF ABI
//! (`EM_AARCH64` = 183).

use bootemu_boot::symbols::SymbolTable;

const EHDR: usize = 64;
const SHDR: usize = 64;
const SYM: usize = 24;
const EM_AARCH64: u16 = 183;
const ET_EXEC: u16 = 2;
const SHT_SYMTAB: u32 = 2;
const SHT_STRTAB: u32 = 3;
const SHT_NOBITS: u32 = 8;
const SHF_ALLOC: u64 = 2;
const SHF_EXECINSTR: u64 = 4;
const STT_OBJECT: u8 = 1;
const STT_FUNC: u8 = 2;
const STB_LOCAL: u8 = 0;
const STB_GLOBAL: u8 = 1;
/// Largest size given to a symbol (the gap to the next one can be huge).
const MAX_SIZE: u64 = 1 << 20;

fn put16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn put32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn put64(v: &mut Vec<u8>, x: u64) {
    v.extend_from_slice(&x.to_le_bytes());
}

#[allow(clippy::too_many_arguments)]
fn shdr(
    v: &mut Vec<u8>,
    name: u32,
    kind: u32,
    flags: u64,
    addr: u64,
    off: u64,
    size: u64,
    link: u32,
    info: u32,
    entsize: u64,
) {
    put32(v, name);
    put32(v, kind);
    put64(v, flags);
    put64(v, addr);
    put64(v, off);
    put64(v, size);
    put32(v, link);
    put32(v, info);
    put64(v, 1);
    put64(v, entsize);
}

/// The ELF file of `table`'s symbols.
pub fn elf(table: &SymbolTable) -> Vec<u8> {
    let syms = table.symbols();
    let lo = syms.first().map_or(0, |s| s.addr);
    let hi = syms.last().map_or(0, |s| s.addr);
    // Locals first, as the format requires; each group in address order.
    let order: Vec<usize> = (0..syms.len())
        .filter(|&i| syms[i].kind.is_ascii_lowercase())
        .chain((0..syms.len()).filter(|&i| !syms[i].kind.is_ascii_lowercase()))
        .collect();
    let first_global = 1
        + (0..syms.len())
            .filter(|&i| syms[i].kind.is_ascii_lowercase())
            .count();
    let mut strtab = vec![0u8];
    let mut symtab = vec![0u8; SYM];
    for &i in &order {
        let s = &syms[i];
        let size = match s.size {
            0 => syms[i + 1..]
                .iter()
                .find(|n| n.addr > s.addr)
                .map_or(0, |n| (n.addr - s.addr).min(MAX_SIZE)),
            n => n,
        };
        let name = strtab.len() as u32;
        strtab.extend_from_slice(s.name.as_bytes());
        strtab.push(0);
        let kind = match s.kind.to_ascii_uppercase() {
            'T' | 'W' => STT_FUNC,
            _ => STT_OBJECT,
        };
        let bind = if s.kind.is_ascii_lowercase() {
            STB_LOCAL
        } else {
            STB_GLOBAL
        };
        put32(&mut symtab, name);
        symtab.push(bind << 4 | kind);
        symtab.push(0);
        put16(&mut symtab, 1); // the one section
        put64(&mut symtab, s.addr);
        put64(&mut symtab, size);
    }
    let shstrtab = b"\0.text\0.symtab\0.strtab\0.shstrtab\0";
    let (n_text, n_symtab, n_strtab, n_shstrtab) = (1, 7, 15, 23);
    let symtab_off = EHDR;
    let strtab_off = symtab_off + symtab.len();
    let shstrtab_off = strtab_off + strtab.len();
    let shoff = (shstrtab_off + shstrtab.len()).next_multiple_of(8);
    let mut v = Vec::with_capacity(shoff + 5 * SHDR);
    v.extend_from_slice(b"\x7fELF");
    v.extend_from_slice(&[2, 1, 1, 0]); // 64-bit, little-endian, version 1, System V
    v.extend_from_slice(&[0; 8]);
    put16(&mut v, ET_EXEC);
    put16(&mut v, EM_AARCH64);
    put32(&mut v, 1);
    put64(&mut v, 0); // entry
    put64(&mut v, 0); // no program headers
    put64(&mut v, shoff as u64);
    put32(&mut v, 0);
    put16(&mut v, EHDR as u16);
    put16(&mut v, 56);
    put16(&mut v, 0);
    put16(&mut v, SHDR as u16);
    put16(&mut v, 5);
    put16(&mut v, 4);
    v.extend_from_slice(&symtab);
    v.extend_from_slice(&strtab);
    v.extend_from_slice(shstrtab);
    v.resize(shoff, 0);
    v.extend_from_slice(&[0; SHDR]);
    let span = hi.wrapping_sub(lo).saturating_add(4);
    let text_flags = SHF_ALLOC | SHF_EXECINSTR;
    shdr(
        &mut v,
        n_text,
        SHT_NOBITS,
        text_flags,
        lo,
        EHDR as u64,
        span,
        0,
        0,
        0,
    );
    let (so, sl) = (symtab_off as u64, symtab.len() as u64);
    shdr(
        &mut v,
        n_symtab,
        SHT_SYMTAB,
        0,
        0,
        so,
        sl,
        3,
        first_global as u32,
        SYM as u64,
    );
    let (to, tl) = (strtab_off as u64, strtab.len() as u64);
    shdr(&mut v, n_strtab, SHT_STRTAB, 0, 0, to, tl, 0, 0, 0);
    let (ho, hl) = (shstrtab_off as u64, shstrtab.len() as u64);
    shdr(&mut v, n_shstrtab, SHT_STRTAB, 0, 0, ho, hl, 0, 0, 0);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use bootemu_boot::symbols::Symbol;

    /// The file reads back with goblin (a parser we did not write): the symbols, their kinds,
    /// bindings and sizes.
    #[test]
    fn reads_back() {
        let sym = |addr, kind, name: &str| Symbol {
            addr,
            size: 0,
            kind,
            name: name.into(),
        };
        let table = SymbolTable::new(vec![
            sym(0xffff_8000_0800_0000, 't', "_text"),
            sym(0xffff_8000_0800_0040, 'T', "start_kernel"),
            sym(0xffff_8000_0800_0100, 'D', "jiffies"),
        ]);
        let bytes = elf(&table);
        let e = goblin::elf::Elf::parse(&bytes).expect("parses");
        assert_eq!(e.header.e_machine, EM_AARCH64);
        let got: Vec<(String, u64, u64, u8, u8)> = e
            .syms
            .iter()
            .skip(1)
            .map(|s| {
                let name = e.strtab.get_at(s.st_name).unwrap_or("").to_string();
                (name, s.st_value, s.st_size, s.st_type(), s.st_bind())
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "_text".into(),
                    0xffff_8000_0800_0000,
                    0x40,
                    STT_FUNC,
                    STB_LOCAL
                ),
                (
                    "start_kernel".into(),
                    0xffff_8000_0800_0040,
                    0xc0,
                    STT_FUNC,
                    STB_GLOBAL
                ),
                (
                    "jiffies".into(),
                    0xffff_8000_0800_0100,
                    0,
                    STT_OBJECT,
                    STB_GLOBAL
                ),
            ]
        );
        let text = &e.section_headers[1];
        assert_eq!((text.sh_addr, text.sh_size), (0xffff_8000_0800_0000, 0x104));
    }
}
