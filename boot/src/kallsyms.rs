//! The kernel's own symbol table (kallsyms), read from an arm64 `Image` with no symbol file.
//!
//! Layout, as Linux `scripts/kallsyms.c` (v6.1 and its stable updates) emits it into `.rodata`,
//! each table aligned to 8 bytes (`ALGN`) and none with a symbol pointing at it in a stripped
//! Image:
//! `kallsyms_offsets` (u32 per symbol, sorted, relative to the base), `kallsyms_relative_base`
//! (u64), `kallsyms_num_syms` (u32), `kallsyms_names` (per symbol a ULEB128 length of one or two
//! bytes and that many token bytes; the first expanded character is the `nm` type),
//! `kallsyms_markers` (u32 per 256 symbols: the offset of that symbol's entry in the names),
//! `kallsyms_seqs_of_names` (newer kernels and 6.1's stable updates: 3 or 4 bytes per symbol),
//! `kallsyms_token_table` (256 NUL-terminated strings) and `kallsyms_token_index` (256 u16
//! offsets into the token table). `CONFIG_KALLSYMS_ABSOLUTE_PERCPU` (x86 only) is not handled.
//!
//! How it is found: the token index is the one 8-aligned array of 256 strictly increasing u16
//! starting at 0 whose values are exactly the string starts of the 8-aligned NUL-terminated
//! strings before it; the offsets/base/count header is found by shape (a count `n`, the array of
//! `n` sorted offsets before it starting at 0), and accepted only when the `n` names decode with
//! that token table, the markers that follow agree with the names, and the token table follows
//! the markers.
//!
//! The relative base: arm64 links with `--no-apply-dynamic-relocs`, so the Image holds 0 in
//! `kallsyms_relative_base` and the value lives in the `R_AARCH64_RELATIVE` relocation that
//! targets that slot (`Elf64_Rela` records in `.rela.dyn`, which the Image carries for the
//! kernel's self-relocation). That record also gives the link address of the Image's first byte
//! (`_text`): its `r_offset` minus the slot's file offset. A candidate is accepted only when the
//! header's branch to `primary_entry` (code0 or code1) lands on a symbol. A non-zero slot (a
//! kernel linked without that option) is used as it stands. These are link addresses: the kernel
//! runs at them unless KASLR moves it (bootemu's device trees carry no `kaslr-seed`).
//!
//! Untrusted input: every read is bounded, nothing panics, anything inconsistent is an [`Error`].

use crate::symbols::{Symbol, SymbolTable};

/// `R_AARCH64_RELATIVE` (ELF for the Arm 64-bit Architecture, §5.7.12).
pub const R_AARCH64_RELATIVE: u64 = 1027;
/// Alignment of every kallsyms table (`ALGN` = `.balign 8` on 64-bit).
const ALIGN: usize = 8;
/// Entries in the token table and the token index.
const TOKENS: usize = 256;
/// Symbols per marker.
const MARKER_STRIDE: usize = 256;
/// `KSYM_NAME_LEN` (v6.1): longer names are refused.
pub const KSYM_NAME_LEN: usize = 512;
/// Fewest symbols accepted (a real kernel has tens of thousands; the tests use a handful).
const MIN_SYMS: u32 = 4;
/// Most symbols accepted.
const MAX_SYMS: u32 = 4_000_000;
/// Longest single token accepted.
const MAX_TOKEN_LEN: usize = 256;
/// Alignment of the kernel's link address (arm64 `SEGMENT_ALIGN` is 64 KiB; 4 KiB is assumed).
const TEXT_ALIGN: u64 = 0x1000;

/// Why no symbol table could be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// No `kallsyms_token_table` / `kallsyms_token_index` pair.
    #[error("no kallsyms token table found (kernel built without CONFIG_KALLSYMS?)")]
    NoTokenTable,
    /// More than one place looks like the token table.
    #[error("{count} places look like the kallsyms token table")]
    AmbiguousTokenTable {
        /// How many.
        count: usize,
    },
    /// No offsets / relative base / count header whose names decode.
    #[error(
        "no kallsyms_offsets / kallsyms_num_syms / kallsyms_names that decode with the token table"
    )]
    NoHeader,
    /// More than one header decodes.
    #[error("{count} places look like kallsyms_num_syms")]
    AmbiguousHeader {
        /// How many.
        count: usize,
    },
    /// A name does not decode.
    #[error("symbol {index}: {why}")]
    BadName {
        /// The symbol's index.
        index: usize,
        /// What is wrong.
        why: &'static str,
    },
    /// `kallsyms_relative_base` is 0 in the file and no relocation gives it.
    #[error("kallsyms_relative_base is 0 in the file and no R_AARCH64_RELATIVE relocation of it checks out")]
    NoRelativeBase,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

fn align_up(v: usize) -> Option<usize> {
    Some(v.checked_add(ALIGN - 1)? & !(ALIGN - 1))
}

/// The token table: each token's bytes, and where the table starts.
#[derive(Debug)]
struct Tokens<'a> {
    start: usize,
    tokens: Vec<&'a [u8]>,
}

/// The token table whose index is at `index` (8-aligned), if the bytes before it are one.
fn tokens_at(b: &[u8], index: usize) -> Option<Tokens<'_>> {
    let idx: Vec<usize> = (0..TOKENS)
        .map(|i| u16_at(b, index + 2 * i).map(usize::from))
        .collect::<Option<_>>()?;
    if idx[0] != 0 || idx.windows(2).any(|w| w[1] < w[0] + 2) {
        return None;
    }
    let last = idx[TOKENS - 1];
    // The table ends (after its last string) within ALIGN bytes of the index; the last string
    // has 1..=MAX_TOKEN_LEN bytes.
    let hi = index.checked_sub(last + 2)?;
    let lo = index.saturating_sub(last + MAX_TOKEN_LEN + ALIGN + 1);
    let mut start = hi & !(ALIGN - 1);
    while start >= lo {
        if let Some(t) = tokens_from(b, start, &idx, index) {
            return Some(t);
        }
        start = start.checked_sub(ALIGN)?;
    }
    None
}

/// The 256 strings at `start` + `idx[i]` if they are exactly back to back and end just before
/// `index` (up to ALIGN - 1 bytes of zero padding).
fn tokens_from<'a>(b: &'a [u8], start: usize, idx: &[usize], index: usize) -> Option<Tokens<'a>> {
    let mut tokens = Vec::with_capacity(TOKENS);
    for i in 0..TOKENS {
        let s = start + idx[i];
        let end = match idx.get(i + 1) {
            Some(&n) => start + n - 1,
            None => {
                let rest = b.get(s..index)?;
                s + rest.iter().position(|&c| c == 0)?
            }
        };
        let t = b.get(s..end)?;
        if t.is_empty() || t.len() > MAX_TOKEN_LEN || t.contains(&0) || b.get(end) != Some(&0) {
            return None;
        }
        tokens.push(t);
    }
    let end = start + idx[TOKENS - 1] + tokens[TOKENS - 1].len() + 1;
    if index < end || index - end >= ALIGN || b.get(end..index)?.iter().any(|&c| c != 0) {
        return None;
    }
    Some(Tokens { start, tokens })
}

/// Every token table in `b` (one in a kernel).
fn find_tokens(b: &[u8]) -> Vec<Tokens<'_>> {
    let mut found = Vec::new();
    let mut at = 0;
    while at + 2 * TOKENS <= b.len() {
        // Quick reject: idx[0] == 0, 2 <= idx[1] <= MAX_TOKEN_LEN + 1, idx[2] > idx[1].
        if b[at] == 0 && b[at + 1] == 0 {
            let i1 = u16_at(b, at + 2).unwrap_or(0) as usize;
            let i2 = u16_at(b, at + 4).unwrap_or(0) as usize;
            if (2..=MAX_TOKEN_LEN + 1).contains(&i1) && i2 >= i1 + 2 {
                if let Some(t) = tokens_at(b, at) {
                    found.push(t);
                }
            }
        }
        at += ALIGN;
    }
    found
}

/// Decoded names: the `nm` type letter and the name.
type Names = Vec<(char, String)>;

/// A decoded header: where the relative base sits, the offsets and the names.
struct Decoded {
    base_slot: usize,
    offsets: Vec<u32>,
    names: Names,
}

/// Decode the names of `n` symbols at `at`, then check the markers and where the token table
/// starts; `Ok(None)` when this is not a header after all.
fn decode(b: &[u8], tokens: &Tokens<'_>, at: usize, n: usize) -> Result<Option<Names>, Error> {
    let mut names = Vec::with_capacity(n);
    let mut starts = Vec::with_capacity(n.div_ceil(MARKER_STRIDE));
    let mut p = at;
    let mut buf = Vec::with_capacity(64);
    for index in 0..n {
        if index % MARKER_STRIDE == 0 {
            starts.push(p - at);
        }
        let bad = |why| Err(Error::BadName { index, why });
        let Some(&l0) = b.get(p) else {
            return bad("past the end of the file");
        };
        let (len, hdr) = if l0 & 0x80 != 0 {
            let Some(&l1) = b.get(p + 1) else {
                return bad("past the end of the file");
            };
            (usize::from(l0 & 0x7f) | usize::from(l1) << 7, 2)
        } else {
            (usize::from(l0), 1)
        };
        if len == 0 {
            // Not a name table (or a truncated one): no symbol has an empty name.
            return if index == 0 {
                Ok(None)
            } else {
                bad("zero length")
            };
        }
        let Some(data) = b.get(p + hdr..p + hdr + len) else {
            return bad("past the end of the file");
        };
        if p + hdr + len > tokens.start {
            return bad("runs into the token table");
        }
        buf.clear();
        for &t in data {
            buf.extend_from_slice(tokens.tokens[usize::from(t)]);
        }
        if buf.len() < 2 || buf.len() > KSYM_NAME_LEN {
            return bad("name length out of range");
        }
        let Ok(s) = std::str::from_utf8(&buf) else {
            return bad("not UTF-8");
        };
        if !s.bytes().all(|c| c.is_ascii_graphic()) {
            return bad("not printable");
        }
        let kind = char::from(buf[0]);
        names.push((kind, s[1..].to_string()));
        p += hdr + len;
    }
    let markers = align_up(p).ok_or(Error::NoHeader)?;
    for (i, &s) in starts.iter().enumerate() {
        if u32_at(b, markers + 4 * i).map(|m| m as usize) != Some(s) {
            return Err(Error::BadName {
                index: i * MARKER_STRIDE,
                why: "kallsyms_markers disagree with the names",
            });
        }
    }
    let after = markers + 4 * starts.len();
    // Between the markers and the token table: nothing, or kallsyms_seqs_of_names (3 or 4
    // bytes per symbol), each padded to ALIGN.
    let gap_ok = [0, 3 * n, 4 * n]
        .iter()
        .filter_map(|&g| align_up(align_up(after)? + g))
        .any(|end| end == tokens.start);
    if !gap_ok {
        return Err(Error::BadName {
            index: n,
            why: "the token table does not follow kallsyms_markers",
        });
    }
    Ok(Some(names))
}

/// `n` little-endian u32 at `at` if they are in ascending order (read until the first that
/// is not, so a false candidate costs little).
fn sorted_u32s(b: &[u8], at: usize, n: usize) -> Option<Vec<u32>> {
    let words = b.get(at..at.checked_add(n.checked_mul(4)?)?)?;
    let mut v = Vec::new();
    for w in words.chunks_exact(4) {
        let x = u32::from_le_bytes(w.try_into().ok()?);
        if v.last().is_some_and(|&p| x < p) {
            return None;
        }
        v.push(x);
    }
    Some(v)
}

/// Find the offsets / base / count header that decodes with `tokens`.
fn find_header(b: &[u8], tokens: &Tokens<'_>) -> Result<Decoded, Error> {
    let mut found: Vec<Decoded> = Vec::new();
    let mut q = 0;
    while q + 16 <= tokens.start {
        let n = u32_at(b, q + 8).unwrap_or(0);
        if (MIN_SYMS..=MAX_SYMS).contains(&n) && u32_at(b, q + 12) == Some(0) {
            let n = n as usize;
            for start in [q.checked_sub(4 * n), q.checked_sub(4 * n + 4)]
                .into_iter()
                .flatten()
            {
                if u32_at(b, start) != Some(0) {
                    continue;
                }
                let Some(offsets) = sorted_u32s(b, start, n) else {
                    continue;
                };
                // Not decoding means not this place (a real table that fails to decode is
                // refused too).
                if let Ok(Some(names)) = decode(b, tokens, q + 16, n) {
                    found.push(Decoded {
                        base_slot: q,
                        offsets,
                        names,
                    });
                }
                break;
            }
        }
        q += ALIGN;
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Error::NoHeader),
        count => Err(Error::AmbiguousHeader { count }),
    }
}

/// The image offset a B instruction at `at` branches to.
fn branch_target(b: &[u8], at: usize) -> Option<usize> {
    let w = u32_at(b, at)?;
    if w & 0xfc00_0000 != 0x1400_0000 {
        return None;
    }
    let imm = (((w & 0x03ff_ffff) << 6) as i32 >> 6) as i64 * 4;
    usize::try_from(at as i64 + imm).ok()
}

/// The Image's entry branch targets (code0, or code1 after the EFI stub's "MZ" instruction).
fn entry_targets(b: &[u8]) -> Vec<usize> {
    [0, 4].iter().filter_map(|&a| branch_target(b, a)).collect()
}

/// The relative base and the link address of the Image's first byte: the one relocation of the
/// base slot for which every symbol lies inside the image and the entry branch lands on a
/// symbol.
fn relative_base(b: &[u8], d: &Decoded) -> Result<(u64, u64), Error> {
    let last = u64::from(*d.offsets.last().unwrap_or(&0));
    // Every symbol lies inside the image (file and BSS).
    let span = match crate::arm64_image::Header::parse(b) {
        Some(Ok(h)) if h.image_size != 0 => h.image_size,
        _ => b.len() as u64,
    };
    let targets = entry_targets(b);
    // Does the entry branch land on a symbol, for this relative base and link address?
    let entry_ok = |base: u64, text: u64| {
        targets.iter().any(|&t| {
            let va = text.wrapping_add(t as u64);
            va.checked_sub(base)
                .and_then(|o| u32::try_from(o).ok())
                .is_some_and(|o| d.offsets.binary_search(&o).is_ok())
        })
    };
    let slot = u64_at(b, d.base_slot).unwrap_or(0);
    let mut found = Vec::new();
    let mut at = 0;
    while at + 24 <= b.len() {
        if u64_at(b, at + 8) == Some(R_AARCH64_RELATIVE) {
            let r_offset = u64_at(b, at).unwrap_or(0);
            let addend = u64_at(b, at + 16).unwrap_or(0);
            let text = r_offset.wrapping_sub(d.base_slot as u64);
            let base = if slot != 0 { slot } else { addend };
            if text.is_multiple_of(TEXT_ALIGN)
                && (slot == 0 || addend == slot)
                && base >= text
                && (base - text)
                    .checked_add(last)
                    .is_some_and(|end| end <= span)
                && entry_ok(base, text)
            {
                found.push((base, text));
            }
        }
        at += ALIGN;
    }
    found.dedup();
    match found.as_slice() {
        [one] => Ok(*one),
        _ if slot != 0 => {
            // No relocation (a non-relocatable kernel): `_text`, if listed, is the Image's
            // first byte.
            let text = d
                .names
                .iter()
                .position(|(_, n)| n == "_text")
                .map(|i| slot.wrapping_add(u64::from(d.offsets[i])));
            Ok((slot, text.unwrap_or(slot)))
        }
        _ => Err(Error::NoRelativeBase),
    }
}

/// The kernel's symbols from an arm64 Image (uncompressed), and the link address of its first
/// byte (`_text`).
#[derive(Debug)]
pub struct Kallsyms {
    /// The symbols, at their link addresses.
    pub table: SymbolTable,
    /// Link address of the Image's first byte.
    pub text: u64,
}

/// Read the kernel's own symbol table from `image` (see the module docs).
pub fn parse(image: &[u8]) -> Result<Kallsyms, Error> {
    let mut all = find_tokens(image);
    let tokens = match all.len() {
        0 => return Err(Error::NoTokenTable),
        1 => all.remove(0),
        count => return Err(Error::AmbiguousTokenTable { count }),
    };
    let d = find_header(image, &tokens)?;
    let (base, text) = relative_base(image, &d)?;
    let symbols = d
        .offsets
        .iter()
        .zip(d.names)
        .map(|(&o, (kind, name))| Symbol {
            addr: base.wrapping_add(u64::from(o)),
            size: 0,
            kind,
            name,
        })
        .collect();
    Ok(Kallsyms {
        table: SymbolTable::new(symbols),
        text,
    })
}

#[doc(hidden)]
/// Link address of the synthetic Image's first byte.
pub const SYNTHETIC_TEXT: u64 = 0xffff_8000_0800_0000;

fn pad8(v: &mut Vec<u8>) {
    while !v.len().is_multiple_of(ALIGN) {
        v.push(0);
    }
}

#[doc(hidden)]
/// A synthetic Image (for the tests and the fuzz seeds): header with `b` to the 3rd symbol, code, kallsyms tables as
/// `scripts/kallsyms.c` lays them out (identity tokens except 0xff = "_init"), and a
/// relocation of the relative base. Symbols at TEXT + 0x1000 + 0x40 * i.
pub fn synthetic(names: &[&str], seqs: usize) -> Vec<u8> {
    let mut v = vec![0u8; 0x1000 + 0x40 * names.len()];
    // code1 (after "MZ"): b to symbol 2's offset.
    v[0] = b'M';
    v[1] = b'Z';
    let target = 0x1000 + 0x40 * 2 - 4;
    v[4..8].copy_from_slice(&(0x1400_0000u32 | (target / 4) as u32).to_le_bytes());
    pad8(&mut v);
    for i in 0..names.len() {
        v.extend_from_slice(&(0x40 * i as u32).to_le_bytes());
    }
    pad8(&mut v);
    let slot = v.len();
    v.extend_from_slice(&0u64.to_le_bytes());
    v.extend_from_slice(&(names.len() as u32).to_le_bytes());
    pad8(&mut v);
    let names_at = v.len();
    let mut marks = Vec::new();
    for (i, n) in names.iter().enumerate() {
        if i % MARKER_STRIDE == 0 {
            marks.push((v.len() - names_at) as u32);
        }
        let mut enc = Vec::new();
        let full = format!("T{n}");
        let mut rest = full.as_bytes();
        while !rest.is_empty() {
            if rest.starts_with(b"_init") {
                enc.push(0xff);
                rest = &rest[5..];
            } else {
                enc.push(rest[0]);
                rest = &rest[1..];
            }
        }
        if enc.len() > 0x7f {
            v.push((enc.len() & 0x7f) as u8 | 0x80);
            v.push((enc.len() >> 7) as u8);
        } else {
            v.push(enc.len() as u8);
        }
        v.extend_from_slice(&enc);
    }
    pad8(&mut v);
    for m in marks {
        v.extend_from_slice(&m.to_le_bytes());
    }
    pad8(&mut v);
    v.extend(std::iter::repeat_n(0u8, seqs * names.len()));
    pad8(&mut v);
    let table = v.len();
    let mut index = Vec::new();
    for t in 0..=255u8 {
        index.push((v.len() - table) as u16);
        match t {
            0 => v.extend_from_slice(b"\x01"),
            0xff => v.extend_from_slice(b"_init"),
            c => v.push(c),
        }
        v.push(0);
    }
    pad8(&mut v);
    for i in index {
        v.extend_from_slice(&i.to_le_bytes());
    }
    pad8(&mut v);
    // .rela.dyn: a decoy, then the relocation of kallsyms_relative_base.
    for (off, add) in [
        (SYNTHETIC_TEXT + 0x10, SYNTHETIC_TEXT + 0x2000),
        (SYNTHETIC_TEXT + slot as u64, SYNTHETIC_TEXT + 0x1000),
    ] {
        v.extend_from_slice(&off.to_le_bytes());
        v.extend_from_slice(&R_AARCH64_RELATIVE.to_le_bytes());
        v.extend_from_slice(&add.to_le_bytes());
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: u64 = SYNTHETIC_TEXT;

    const NAMES: [&str; 5] = [
        "_stext",
        "primary_init",
        "primary_entry",
        "start_kernel",
        "x",
    ];

    #[test]
    fn reads_a_synthetic_table() {
        for seqs in [0, 3, 4] {
            let k = parse(&synthetic(&NAMES, seqs)).unwrap();
            assert_eq!(k.text, TEXT);
            assert_eq!(k.table.len(), 5);
            assert_eq!(k.table.by_name("primary_init"), Some(TEXT + 0x1040));
            assert_eq!(k.table.lookup(TEXT + 0x10c4), Some(("start_kernel", 0x4)));
            assert_eq!(k.table.lookup(TEXT + 0xfff), None);
        }
    }

    #[test]
    fn reads_long_names_and_many_symbols() {
        let long = "a".repeat(300);
        let many: Vec<String> = (0..600).map(|i| format!("f{i}")).collect();
        let mut names: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
        names[1] = &long;
        let k = parse(&synthetic(&names, 3)).unwrap();
        assert_eq!(k.table.len(), 600);
        assert_eq!(k.table.by_name(&long), Some(TEXT + 0x1040));
        assert_eq!(
            k.table.lookup(TEXT + 0x1000 + 0x40 * 599),
            Some(("f599", 0))
        );
    }

    #[test]
    fn truncated_or_corrupt_input_is_an_error() {
        let img = synthetic(&NAMES, 0);
        // Every truncation: an error or (once the relocations alone are cut) a table, never a
        // panic.
        for len in (0..img.len()).step_by(7) {
            let _ = parse(&img[..len]);
        }
        assert_eq!(parse(&[]).unwrap_err(), Error::NoTokenTable);
        // Unsorted offsets: no header.
        let mut bad = img.clone();
        let offsets = 0x1000 + 0x40 * NAMES.len();
        bad[offsets + 4..offsets + 8].copy_from_slice(&0x1_0000u32.to_le_bytes());
        assert_eq!(parse(&bad).unwrap_err(), Error::NoHeader);
        // No relocation and a zero slot: no base.
        let cut = img.len() - 24;
        assert_eq!(parse(&img[..cut]).unwrap_err(), Error::NoRelativeBase);
        // Every single-byte corruption: no panic.
        for at in (0..img.len()).step_by(3) {
            let mut c = img.clone();
            c[at] ^= 0xa5;
            let _ = parse(&c);
        }
    }
}
