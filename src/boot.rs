//! From the command line's kernel, initrd, command line and device tree options to a boot
//! [`Plan`]: shared by `bootemu run` and `bootemu inspect`.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use bootemu_boot::acpi::{self, FwCfgAcpi, TableInfo};
use bootemu_boot::firmware::{
    FirmwareBoot, FirmwareMachine, FirmwarePlan, KernelVia, CH_ACPI_OFFSET,
};
use bootemu_boot::linux::{DtbSource, LinuxBoot};
use bootemu_boot::{Format, Plan};
use bootemu_machine::{GicVersion, Profile};

use crate::read_input;

/// Options of a Linux direct boot.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct LinuxArgs {
    /// Initial RAM disk (Linux Images only).
    #[arg(long, value_name = "FILE")]
    pub initrd: Option<PathBuf>,
    /// Kernel command line (Linux Images only).
    #[arg(long, value_name = "STR")]
    pub append: Option<String>,
    /// Device tree blob to pass instead of the generated one (its /chosen gets the command line
    /// and the initrd range).
    #[arg(long, value_name = "FILE")]
    pub dtb: Option<PathBuf>,
}

impl LinuxArgs {
    fn any(&self) -> bool {
        self.initrd.is_some() || self.append.is_some() || self.dtb.is_some()
    }
}

/// The machine the device tree describes.
#[derive(Clone, Copy, Debug)]
pub struct MachineShape {
    /// vCPUs.
    pub smp: usize,
    /// Interrupt controller.
    pub gic: GicVersion,
    /// Guest starts at EL2 (PSCI over SMC).
    pub el2: bool,
}

/// Plan the boot of `bytes` (read from `name`): an arm64 Image (possibly gzip'd) gets the
/// initrd and a device tree (generated for `profile` and `shape`, or the user's); anything
/// else is planned as it is, and refuses the Linux options.
pub fn plan_kernel(
    bytes: Cow<[u8]>,
    name: &str,
    profile: &Profile,
    shape: MachineShape,
    l: &LinuxArgs,
    kernel_offset: Option<u64>,
) -> anyhow::Result<Plan> {
    if bootemu_boot::arch_of(&bytes) == Some(bootemu_boot::Arch::X86_64) {
        bail!(
            "{name}: an x86-64 kernel; the virt and cloud-hypervisor machines run aarch64 \
             only (x86 kernels run on --machine microvm)"
        );
    }
    let ram = profile.ram();
    let plan =
        bootemu_boot::plan_cow(bytes, ram, kernel_offset).with_context(|| name.to_string())?;
    if !matches!(plan.format.image(), Some(Format::Arm64Image { .. })) {
        if l.any() {
            bail!("{name}: {}", bootemu_boot::Error::NotLinux);
        }
        return Ok(plan);
    }
    let boot = LinuxBoot {
        initrd: l
            .initrd
            .as_ref()
            .map(|p| read_input(p, (ram.size, "guest RAM")))
            .transpose()?,
        cmdline: l.append.clone(),
        dtb: match &l.dtb {
            Some(p) => user_dtb(p, profile)?,
            None => {
                DtbSource::Generate(Box::new(profile.fdt_desc(shape.smp, shape.gic, shape.el2)))
            }
        },
    };
    let what = match &l.dtb {
        Some(p) => p.display().to_string(),
        None => name.to_string(),
    };
    bootemu_boot::linux::complete(plan, ram, &boot).with_context(|| what)
}

/// The ACPI tables a firmware boot gets (`--acpi on`, the default), as the machine's VMM gives
/// them: on `cloud-hypervisor` written into RAM at the ACPI area (RSDP first) as Cloud
/// Hypervisor does; on `virt` through fw_cfg's `etc/acpi/tables`, `etc/acpi/rsdp` and
/// `etc/table-loader`, where the firmware (EDK2) places and links them itself, as on QEMU.
#[derive(Clone, Debug)]
pub struct AcpiPlan {
    /// The tables, in order; their addresses are final when [`AcpiPlan::fw_cfg`] is `None`.
    pub tables: Vec<TableInfo>,
    /// The RSDP's address, when bootemu placed the tables.
    pub rsdp: Option<u64>,
    /// The fw_cfg files, when the firmware places them.
    pub fw_cfg: Option<FwCfgAcpi>,
}

/// Build the ACPI tables of `profile` for a firmware boot.
fn acpi_plan(
    profile: &Profile,
    shape: MachineShape,
) -> anyhow::Result<(AcpiPlan, Option<Vec<u8>>)> {
    let desc = profile.fdt_desc(shape.smp, shape.gic, shape.el2);
    Ok(match profile.firmware {
        FirmwareMachine::CloudHypervisor => {
            let t = acpi::build(
                &desc,
                acpi::Flavor::CloudHypervisor,
                profile.ram().base + CH_ACPI_OFFSET,
            )
            .context("ACPI tables")?;
            (
                AcpiPlan {
                    tables: t.tables,
                    rsdp: Some(t.rsdp),
                    fw_cfg: None,
                },
                Some(t.blob),
            )
        }
        FirmwareMachine::Virt => {
            // The same tables as the firmware will get them, for their list (the firmware
            // decides the addresses).
            let listed = acpi::build(&desc, acpi::Flavor::Virt, 0).context("ACPI tables")?;
            let files = acpi::fw_cfg_files(&desc).context("ACPI tables")?;
            (
                AcpiPlan {
                    tables: listed.tables,
                    rsdp: None,
                    fw_cfg: Some(files),
                },
                None,
            )
        }
    })
}

/// Plan a firmware boot ([`bootemu_boot::firmware`]) on `profile`: the firmware, the device
/// tree, the ACPI tables when `acpi`, and the kernel (if any) delivered `via` fw_cfg or
/// `/chosen`. Also gives back what was read for it (the kernel, inflated, and the initrd), so
/// that nothing is read twice.
pub fn plan_firmware(
    firmware: &Path,
    kernel: Option<&Path>,
    via: Option<KernelVia>,
    profile: &Profile,
    shape: MachineShape,
    l: &LinuxArgs,
    acpi: bool,
) -> anyhow::Result<(FirmwarePlan, FirmwareBoot, Option<AcpiPlan>)> {
    let machine = profile.firmware;
    let via = via.unwrap_or(KernelVia::default_for(machine));
    if via == KernelVia::FwCfg && profile.fdt_desc(1, shape.gic, false).fw_cfg.is_none() {
        bail!(
            "--kernel-via fw-cfg: --machine {} has no fw_cfg device (use --kernel-via chosen)",
            profile.name
        );
    }
    if via == KernelVia::None && l.append.is_some() {
        bail!(
            "--kernel-via none: the firmware finds the command line with the kernel; say what \
             the kernel must get with --expect-cmdline instead of --append"
        );
    }
    if kernel.is_none() && (l.initrd.is_some() || l.append.is_some()) {
        bail!("--initrd and --append go with a --kernel (a firmware boot without one takes none)");
    }
    let (acpi, acpi_blob) = match acpi {
        true => {
            let (p, blob) = acpi_plan(profile, shape)?;
            (Some(p), blob)
        }
        false => (None, None),
    };
    let boot = FirmwareBoot {
        acpi: acpi_blob,
        machine,
        via,
        kernel: kernel
            .map(|k| read_kernel(k, profile.ram().size))
            .transpose()?,
        initrd: l
            .initrd
            .as_ref()
            .map(|p| read_input(p, (profile.ram().size, "guest RAM")))
            .transpose()?,
        cmdline: l.append.clone(),
        dtb: match &l.dtb {
            Some(p) => user_dtb(p, profile)?,
            None => {
                DtbSource::Generate(Box::new(profile.fdt_desc(shape.smp, shape.gic, shape.el2)))
            }
        },
    };
    let fw = read_input(firmware, (firmware_limit(profile), "a firmware"))?;
    if fw.starts_with(b"\x7fELF") {
        bail!(
            "{}: an ELF file; --firmware takes the raw image a machine loads (flash contents on \
             virt, an arm64 Image on cloud-hypervisor): extract it with objcopy -O binary",
            firmware.display()
        );
    }
    let plan = bootemu_boot::firmware::plan(&fw, profile.ram(), &boot)
        .with_context(|| firmware.display().to_string())?;
    Ok((plan, boot, acpi))
}

/// Read a kernel given to a firmware: gzip'd files are inflated (QEMU does the same for a
/// `-kernel` it hands to a firmware through fw_cfg); a truncated arm64 Image is refused.
fn read_kernel(path: &Path, limit: u64) -> anyhow::Result<Vec<u8>> {
    let bytes = read_input(path, (limit, "guest RAM"))?;
    let name = || path.display().to_string();
    let bytes = if bytes.starts_with(&bootemu_boot::GZIP_MAGIC) {
        bootemu_boot::inflate(&bytes, limit).with_context(name)?
    } else {
        bytes
    };
    if let Some(Err(e)) = bootemu_boot::arm64_image::Header::parse(&bytes) {
        return Err(e).with_context(name);
    }
    Ok(bytes)
}

/// Read a `--dtb` file and warn (once, on stderr) about the devices it describes that `profile`
/// does not model: a guest that probes them would fault or hang, and nothing else would say why.
fn user_dtb(path: &Path, profile: &Profile) -> anyhow::Result<DtbSource> {
    let blob = read_input(path, (DTB_READ_MAX, "a device tree"))?;
    let modelled = profile.compatibles();
    let foreign: Vec<String> = bootemu_boot::fdt::devices(&blob)
        .with_context(|| path.display().to_string())?
        .into_iter()
        .filter(|(_, c)| !c.iter().any(|c| modelled.contains(&c.as_str())))
        .map(|(node, c)| format!("{node} ({})", c.join(", ")))
        .collect();
    if !foreign.is_empty() {
        say!(
            "bootemu: warning: {} describes devices --machine {} does not model (a guest that \
             uses them gets bus faults): {}",
            path.display(),
            profile.name,
            foreign.join("; ")
        );
    }
    Ok(DtbSource::User(blob))
}

/// Most bytes read from a `--dtb` file: booting.rst's 2 MiB, and a little more so that a blob
/// just over the limit is reported with its size by the device tree code.
pub const DTB_READ_MAX: u64 = 4 << 20;

/// Most bytes a firmware file can have on `profile`: a flash bank, or RAM.
pub fn firmware_limit(profile: &Profile) -> u64 {
    profile
        .flash_banks()
        .map(|r| r.size)
        .max()
        .unwrap_or(0)
        .max(profile.ram().size)
}

/// The device tree blob of a plan (the blob x0 points at), if it has one.
pub fn dtb_of(plan: &Plan) -> Option<&[u8]> {
    let x0 = plan.regs[0];
    plan.blobs
        .iter()
        .find(|b| x0 != 0 && b.addr == x0)
        .map(|b| b.bytes.as_slice())
}
