//! From the command line's kernel, initrd, command line and device tree options to a boot
//! [`Plan`]: shared by `bootemu run` and `bootemu inspect`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use bootemu_boot::firmware::{FirmwareBoot, FirmwareMachine, KernelLoad};
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
    bytes: &[u8],
    name: &str,
    profile: &Profile,
    shape: MachineShape,
    l: &LinuxArgs,
    kernel_offset: Option<u64>,
) -> anyhow::Result<Plan> {
    let ram = profile.ram();
    let plan =
        bootemu_boot::plan_at(bytes, ram, kernel_offset).with_context(|| name.to_string())?;
    if !matches!(plan.format.image(), Some(Format::Arm64Image { .. })) {
        if l.any() {
            bail!("{name}: {}", bootemu_boot::Error::NotLinux);
        }
        return Ok(plan);
    }
    let boot = LinuxBoot {
        initrd: l.initrd.as_ref().map(read_input).transpose()?,
        cmdline: l.append.clone(),
        dtb: match &l.dtb {
            Some(p) => DtbSource::User(read_input(p)?),
            None => DtbSource::Generate(profile.fdt_desc(shape.smp, shape.gic, shape.el2)),
        },
    };
    let what = match &l.dtb {
        Some(p) => p.display().to_string(),
        None => name.to_string(),
    };
    bootemu_boot::linux::complete(plan, ram, &boot).with_context(|| what)
}

/// Plan a firmware boot ([`bootemu_boot::firmware`]): the firmware for `profile` (virt or
/// cloud-hypervisor), the kernel file untouched at the top of RAM for it, and the device tree.
pub fn plan_firmware(
    firmware: &Path,
    kernel: &Path,
    profile: &Profile,
    shape: MachineShape,
    l: &LinuxArgs,
) -> anyhow::Result<(Plan, KernelLoad)> {
    let machine = match profile.name {
        "cloud-hypervisor" => FirmwareMachine::CloudHypervisor,
        _ => FirmwareMachine::Virt,
    };
    let boot = FirmwareBoot {
        machine,
        kernel: read_input(&kernel.to_path_buf())?,
        initrd: l.initrd.as_ref().map(read_input).transpose()?,
        cmdline: l.append.clone(),
        dtb: match &l.dtb {
            Some(p) => DtbSource::User(read_input(p)?),
            None => DtbSource::Generate(profile.fdt_desc(shape.smp, shape.gic, shape.el2)),
        },
    };
    let fw = read_input(&firmware.to_path_buf())?;
    bootemu_boot::firmware::plan(&fw, profile.ram(), &boot)
        .with_context(|| firmware.display().to_string())
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

/// The device tree blob of a plan (the blob x0 points at), if it has one.
pub fn dtb_of(plan: &Plan) -> Option<&[u8]> {
    let x0 = plan.regs[0];
    plan.blobs
        .iter()
        .find(|b| x0 != 0 && b.addr == x0)
        .map(|b| b.bytes.as_slice())
}
