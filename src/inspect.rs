//! `bootemu inspect FILE`: what the file is recognised as and where it would go on `virt`
//! (x86 kernels: [`crate::inspect_x86`]).

use std::path::PathBuf;

use anyhow::Context;
use bootemu_boot::arm64_image::Header;
use bootemu_machine::{GicVersion, Profile};

use crate::boot::{plan_kernel, LinuxArgs, MachineShape};
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
    /// vCPUs the device tree describes.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=8))]
    smp: u32,
    /// Interrupt controller the device tree describes: v2 or v3.
    #[arg(long, value_name = "VERSION", default_value = "v2", value_parser = crate::run::parse_gic)]
    gic: GicVersion,
    /// Plan for a guest starting at EL2 (PSCI over SMC).
    #[arg(long)]
    el2: bool,
    #[command(flatten)]
    linux: LinuxArgs,
    /// Plan with a kernel_offset as rust-vmm linux-loader defines it (arm64 Image: the
    /// 2 MiB-aligned base; ELF: added to every PT_LOAD's p_paddr; bzImage: the absolute load
    /// address).
    #[arg(long, value_name = "ADDR", value_parser = crate::size::parse_addr)]
    kernel_offset: Option<u64>,
}

/// Print the recognised format, header fields, load map and entry state.
pub fn inspect(a: InspectArgs) -> anyhow::Result<()> {
    let profile = Profile::virt(a.memory).context("--memory")?;
    let bytes = read_input(&a.file, (profile.ram().size, "guest RAM"))?;
    let name = a.file.display();
    if bootemu_boot::arch_of(&bytes) == Some(bootemu_boot::Arch::X86_64) {
        return crate::inspect_x86::inspect_x86(
            &bytes,
            &name.to_string(),
            a.memory,
            &a.linux,
            a.kernel_offset,
        );
    }
    let shape = MachineShape {
        smp: a.smp as usize,
        gic: a.gic,
        el2: a.el2,
    };
    let plan = plan_kernel(
        std::borrow::Cow::Borrowed(&bytes),
        &name.to_string(),
        &profile,
        shape,
        &a.linux,
        a.kernel_offset,
    )?;
    out!("{name}: {} bytes", bytes.len());
    let inflated = if bytes.starts_with(&bootemu_boot::GZIP_MAGIC) {
        bootemu_boot::inflate(&bytes, profile.ram().size).ok()
    } else {
        None
    };
    if let Some(Ok(h)) = Header::parse(inflated.as_deref().unwrap_or(&bytes)) {
        out!("arm64 Image header:");
        out!("  code0 {:#010x}  code1 {:#010x}", h.code0, h.code1);
        out!(
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
        out!("  EFI stub: {}", if h.efi_stub { "yes (MZ)" } else { "no" });
        if let Some(w) = bootemu_boot::handoff::EntryWatch::from_header(&h) {
            out!("  primary_entry at image offset {:#x}", w.entry_offset);
        }
        if let Some(b) = plan.blobs.first() {
            out!(
                "  base {:#x} + text_offset {:#x} = image at {:#x}{}",
                b.addr - h.text_offset,
                h.text_offset,
                b.addr,
                match a.kernel_offset {
                    Some(_) => " (--kernel-offset)",
                    None => " (default placement)",
                }
            );
        }
        match bootemu_boot::kallsyms::parse(inflated.as_deref().unwrap_or(&bytes)) {
            Ok(k) => out!(
                "  kallsyms: {} symbols, _text linked at {:#x}",
                k.table.len(),
                k.text
            ),
            Err(e) => out!("  kallsyms: {e}"),
        }
    }
    out!("{plan}");
    Ok(())
}
