//! Link settings for the `bootemu` binary.
//!
//! Start-up is part of what a boot test pays on every run: the binary's relative relocations
//! (about 91 k, mostly capstone's tables) are packed as RELR (`-z pack-relative-relocs`, GNU ld
//! 2.38+, glibc 2.36+), so the dynamic loader reads a few kilobytes instead of 2 MB of RELA
//! entries. The binary stays position independent.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
