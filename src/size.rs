//! Sizes and addresses on the command line. Sizes as QEMU's `-m` takes them: a number with an
//! optional K/M/G/T suffix (binary units, optional trailing "B" or "iB"); a bare number means
//! MiB. Addresses: `0x` hexadecimal or decimal, `_` separators allowed.
//!
//! No dependencies: `fuzz/fuzz_targets/cli.rs` includes this file as it is.

/// Parse a size in bytes.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (digits, shift) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let shift = match c.to_ascii_uppercase() {
                'K' => 10,
                'M' => 20,
                'G' => 30,
                'T' => 40,
                _ => return Err(format!("unknown size suffix in {s:?} (use K, M, G or T)")),
            };
            (&t[..i], shift)
        }
        _ => (t, 20),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("not a size: {s:?} (examples: 512M, 2G)"))?;
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("size too large: {s:?}"))
}

/// Parse an address: `0x` hexadecimal or decimal.
pub fn parse_addr(s: &str) -> Result<u64, String> {
    let t = s.replace('_', "");
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16),
        None => t.parse(),
    }
    .map_err(|e| format!("{s:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::{parse_addr, parse_size};

    #[test]
    fn addresses() {
        assert_eq!(parse_addr("0x4000_0000"), Ok(0x4000_0000));
        assert_eq!(parse_addr("1024"), Ok(1024));
        assert!(parse_addr("0x1_0000_0000_0000_0000").is_err());
        assert!(parse_addr("").is_err());
    }

    /// Bounded replay of the `cli` fuzz target: every short string over an alphabet of the
    /// characters that matter, and multi-byte characters, never panics.
    #[test]
    fn parsers_never_panic() {
        let alphabet = [
            '0', '1', '9', 'x', 'X', '_', 'k', 'M', 'G', 'T', 'i', 'B', ' ', 'é', '€',
        ];
        let mut s = String::new();
        for n in 0..alphabet.len().pow(4) {
            s.clear();
            let mut k = n;
            for _ in 0..4 {
                s.push(alphabet[k % alphabet.len()]);
                k /= alphabet.len();
            }
            let _ = parse_size(&s);
            let _ = parse_addr(&s);
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512"), Ok(512 << 20));
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("64k"), Ok(64 << 10));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5X").is_err());
        assert!(parse_size("99999999999T").is_err());
    }
}
