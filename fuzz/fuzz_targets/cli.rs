//! cargo-fuzz target: the command line's size and address parsers (`src/size.rs`, included as
//! it is) on arbitrary UTF-8.
#![no_main]

#[allow(dead_code)]
#[path = "../../src/size.rs"]
mod size;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = size::parse_size(s);
        let _ = size::parse_addr(s);
    }
});
