//! `bootemu inspect` of an x86 kernel (a bzImage or an x86-64 ELF `vmlinux`): the setup
//! header, one line per fact, the protocol chosen and why, and the x86 boot layout
//! ([`bootemu_boot::x86::complete`]) for a guest of `--memory` bytes: the load map, the entry
//! state (registers, GDT, page tables), the ACPI tables and the x86 handoff checks judged on
//! that layout. `bootemu run` loads this plan on the x86 machine (`--machine microvm`).

use anyhow::{bail, Context};
use bootemu_boot::acpi::x86::X86MachineDesc;
use bootemu_boot::bzimage::{self, Header};
use bootemu_boot::handoff;
use bootemu_boot::x86::{self, X86Entry, X86Linux};

use crate::boot::LinuxArgs;
use crate::read_input;

/// Names of the `xloadflags` bits (boot.rst).
const XLF_NAMES: [(u16, &str); 5] = [
    (bzimage::XLF_KERNEL_64, "KERNEL_64"),
    (
        bzimage::XLF_CAN_BE_LOADED_ABOVE_4G,
        "CAN_BE_LOADED_ABOVE_4G",
    ),
    (bzimage::XLF_EFI_HANDOVER_32, "EFI_HANDOVER_32"),
    (bzimage::XLF_EFI_HANDOVER_64, "EFI_HANDOVER_64"),
    (bzimage::XLF_EFI_KEXEC, "EFI_KEXEC"),
];

/// Print an x86 kernel's header facts and boot plan.
pub fn inspect_x86(
    bytes: &[u8],
    name: &str,
    memory: u64,
    l: &LinuxArgs,
    kernel_offset: Option<u64>,
) -> anyhow::Result<()> {
    if l.dtb.is_some() {
        bail!("{name}: --dtb: an x86 kernel gets no device tree");
    }
    let plan = bootemu_boot::plan_at(bytes, x86::kernel_ram(memory), kernel_offset)
        .with_context(|| name.to_string())?;
    let linux = X86Linux {
        initrd: l
            .initrd
            .as_ref()
            .map(|p| read_input(p, (memory, "guest RAM")))
            .transpose()?,
        cmdline: l.append.clone(),
        acpi: Some(X86MachineDesc::microvm(1)),
    };
    let boot = x86::complete(plan, memory, &linux).with_context(|| name.to_string())?;
    out!("{name}: {} bytes", bytes.len());
    if let Some(Ok(h)) = Header::parse(bytes) {
        print_header(
            &h,
            boot.plan.blobs.first().map_or(0, |b| b.addr),
            kernel_offset,
        );
    }
    out!("protocol: {} ({})", boot.entry.protocol(), boot.why);
    let p = &boot.plan;
    out!("format: {}", p.format);
    for m in &p.map {
        out!(
            "  {:#012x}..{:#012x}  {}",
            m.start,
            m.start.saturating_add(m.size),
            m.what
        );
    }
    match boot.entry {
        X86Entry::Linux64 { rip, rsi } => out!(
            "entry: {rip:#x} in 64-bit mode, RSI {rsi:#x} (zero page), identity-mapped, IF = 0"
        ),
        X86Entry::Pvh { eip, ebx } => out!(
            "entry: {eip:#x} in 32-bit protected mode, paging off, EBX {ebx:#x} (hvm_start_info)"
        ),
    }
    out!("entry state ({}):", boot.entry.protocol());
    for line in boot.state.describe() {
        out!("  {line}");
    }
    out!(
        "e820: {}",
        boot.e820
            .iter()
            .map(|e| format!("{:#x}..{:#x} type {}", e.addr, e.end(), e.kind))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(t) = &boot.acpi {
        out!(
            "ACPI: RSDP at {:#x} (boot_params.acpi_rsdp_addr / hvm_start_info.rsdp_paddr), {}",
            t.rsdp,
            t.tables
                .iter()
                .map(|i| format!(
                    "{} {:#x}+{:#x}",
                    String::from_utf8_lossy(&i.signature),
                    i.addr,
                    i.len
                ))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out!("handoff checks on this layout:");
    for line in handoff::summary(&x86_checks(&boot, l.append.as_deref())).lines() {
        out!("  {line}");
    }
    Ok(())
}

/// The x86 handoff checks of a laid-out boot, as the machine will judge them at the kernel's
/// entry: the zero page's or `hvm_start_info`'s rules, then the entry state's.
fn x86_checks(boot: &x86::X86Boot, cmdline: Option<&str>) -> Vec<handoff::Check> {
    let exp = handoff::X86Expected::of(boot, Some(cmdline.unwrap_or("")));
    let mem = |a, l| boot.read(a, l);
    let mut c = match boot.entry {
        X86Entry::Linux64 { rsi, .. } => handoff::check_boot_params(rsi, &mem, &exp),
        X86Entry::Pvh { ebx, .. } => handoff::check_pvh(ebx, &mem, &exp),
    };
    c.extend(handoff::check_x86_entry(&boot.state, &mem, &exp));
    c
}

/// The setup header, one fact a line.
fn print_header(h: &Header, load: u64, kernel_offset: Option<u64>) {
    out!("x86 bzImage setup header:");
    out!("  boot_flag {:#06x}, header \"HdrS\"", h.boot_flag);
    out!("  boot protocol {}", h.version_string());
    if let Some(v) = &h.kernel_version {
        out!("  kernel_version {v:?}");
    }
    out!(
        "  setup_sects {} (protected-mode code at file offset {:#x})",
        h.setup_sects,
        h.setup_size()
    );
    out!("  loadflags {:#04x}", h.loadflags);
    out!("  code32_start {:#x}", h.code32_start);
    out!(
        "  relocatable_kernel {}",
        if h.relocatable { "yes" } else { "no" }
    );
    out!("  kernel_alignment {:#x}", h.kernel_alignment);
    out!(
        "  min_alignment {} ({:#x})",
        h.min_alignment,
        1u64.checked_shl(h.min_alignment as u32).unwrap_or(0)
    );
    let names: Vec<&str> = XLF_NAMES
        .iter()
        .filter(|(b, _)| h.xloadflags & b != 0)
        .map(|(_, n)| *n)
        .collect();
    out!("  xloadflags {:#x} ({})", h.xloadflags, names.join(", "));
    out!("  cmdline_size {}", h.cmdline_size);
    out!("  initrd_addr_max {:#x}", h.initrd_addr_max);
    match h.payload {
        Some(c) => out!(
            "  payload {} at offset {:#x} of the protected-mode code, {:#x} bytes",
            c.name(),
            h.payload_offset,
            h.payload_length
        ),
        None => out!("  payload: none"),
    }
    out!("  pref_address {:#x}", h.pref_address);
    out!("  init_size {:#x}", h.init_size);
    out!("  handover_offset {:#x}", h.handover_offset);
    out!("  kernel_info_offset {:#x}", h.kernel_info_offset);
    let run = h.runtime_start(load);
    out!(
        "  load address {load:#x} ({}), runtime start {run:#x}{}",
        if kernel_offset.is_some() {
            "--kernel-offset"
        } else {
            "code32_start"
        },
        if run != load && h.relocatable {
            " (the kernel realigns itself to kernel_alignment)"
        } else {
            ""
        }
    );
}
