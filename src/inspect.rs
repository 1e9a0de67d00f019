//! `bootemu inspect FILE`: what the file is recognised as and where it would go on `virt`.

use std::path::PathBuf;

use anyhow::Context;
use bootemu_boot::arm64_image::Header;
use bootemu_machine::Profile;

use crate::read_input;
use crate::size::parse_size;

/// Options of `bootemu inspect`.
#[derive(clap::Args)]
pub struct InspectArgs {
    /// The file to look at.
    file: PathBuf,
    /// Guest RAM size to plan for.
    #[arg(long, value_parser = parse_size, default_value = "512M")]
    memory: u64,
}

/// Print the recognised format, header fields, load map and entry state.
pub fn inspect(a: InspectArgs) -> anyhow::Result<()> {
    let bytes = read_input(&a.file)?;
    let profile = Profile::virt(a.memory).context("--memory")?;
    let name = a.file.display();
    let plan = bootemu_boot::plan(&bytes, profile.ram()).with_context(|| format!("{name}"))?;
    println!("{name}: {} bytes", bytes.len());
    if let Some(Ok(h)) = Header::parse(&bytes) {
        println!("arm64 Image header:");
        println!("  code0 {:#010x}  code1 {:#010x}", h.code0, h.code1);
        println!(
            "  text_offset {:#x}  image_size {:#x}  flags {:#x} ({}, page size {}, {})",
            h.text_offset,
            h.image_size,
            h.flags,
            if h.flags & 1 == 0 {
                "little-endian"
            } else {
                "big-endian"
            },
            h.page_size()
                .map_or("unspecified".to_string(), |p| format!("{}K", p >> 10)),
            if h.flags & 8 == 0 {
                "placed near the start of RAM"
            } else {
                "placed anywhere in RAM"
            }
        );
        println!("  EFI stub: {}", if h.efi_stub { "yes (MZ)" } else { "no" });
    }
    println!("{plan}");
    Ok(())
}
