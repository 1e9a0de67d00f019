//! cargo-fuzz target: `bootemu_boot::fuzz_targets::x86` on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bootemu_boot::fuzz_targets::x86(data));
