//! `bootemu run`: check the options, plan the boot, build the machine, run it, report.

use std::cell::Cell;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::rc::Rc;

use anyhow::{bail, Context};
use bootemu_boot::{Format, Plan};
use bootemu_machine::devices::pl031::DEFAULT_EPOCH;
use bootemu_machine::{GicVersion, Machine, MachineConfig, Profile};

use bootemu_boot::firmware::KernelLoad;
use bootemu_boot::handoff::{EntryPath, EntryWatch};
use bootemu_machine::entry::{EntrySpec, WatchAt};

use crate::boot::{dtb_of, plan_firmware, plan_kernel, LinuxArgs, MachineShape};
use crate::firmware::{self, FlashArg, LoadArg};
use crate::outcome::{verdict, EXIT_BUDGET, EXIT_GUEST_FAILURE};
use crate::size::parse_size;
use crate::symbols::{KernelTable, Symbols};
use crate::trace::{Disasm, TraceEvent, TraceWriter};
use crate::{demo, handoff, read_input, report};
use bootemu_boot::firmware::KernelVia;
use bootemu_machine::devices::fw_cfg::FwCfg;
use bootemu_machine::machine::DEFAULT_HANG_INSNS;

mod x86;

/// Default `--max-insns`: generous (a Linux boot is about 1 G instructions), but every run ends.
pub const DEFAULT_MAX_INSNS: u64 = 10_000_000_000;
/// UNDEFINED encodings listed in the human summary (all are in the report).
const UNDEFINED_SHOWN: usize = 16;
/// Trace records collected before they are formatted.
const TRACE_BATCH: usize = 4096;

/// Options of `bootemu run`.
#[derive(clap::Args)]
pub struct RunArgs {
    /// Machine profile: virt (QEMU's; the default for aarch64 kernels), cloud-hypervisor
    /// (Cloud Hypervisor's aarch64 map: GICv3, EL1, firmware loaded as an Image at
    /// 0x4040_0000) or microvm (x86_64, modelled on QEMU's microvm with pic=off,pit=off; the
    /// default for x86 kernels).
    #[arg(long)]
    machine: Option<String>,
    /// Number of vCPUs (1 to 8); CPU 0 starts, the others wait for PSCI CPU_ON.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=8))]
    smp: u32,
    /// Interrupt controller: v2 (GICv2, QEMU virt's default) or v3 (GICv3; the only one, and
    /// the default, of cloud-hypervisor).
    #[arg(long, value_name = "VERSION", value_parser = parse_gic)]
    gic: Option<GicVersion>,
    /// Start the vCPUs at EL2 (EL2 implemented, PSCI over SMC), like QEMU's
    /// `virtualization=on`; without it they start at EL1 and PSCI is over HVC.
    #[arg(long)]
    el2: bool,
    /// What the PL031 RTC reads at virtual time 0, in seconds since 1970 (the RTC then counts
    /// virtual seconds, so runs stay reproducible).
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_EPOCH)]
    rtc_epoch: u32,
    /// Guest RAM size (e.g. 512M, 2G; a bare number is MiB).
    #[arg(long, value_parser = parse_size, default_value = "512M")]
    memory: u64,
    /// Firmware: flash bank 0, read-only (virt, like QEMU's -bios), an arm64 Image at
    /// 0x4040_0000 (cloud-hypervisor) or an x86-64 ELF with a PVH note entered like a PVH
    /// kernel (microvm: the kernel and initrd as PVH modules 0 and 1); --kernel, --initrd and
    /// --append reach it as --kernel-via says.
    #[arg(long, value_name = "FILE")]
    firmware: Option<PathBuf>,
    /// How the kernel, initrd and command line reach the firmware: fw-cfg (QEMU's fw_cfg
    /// items; the default on virt), chosen (in RAM, described by /chosen linux,kernel-*;
    /// the default on cloud-hypervisor) or none (the firmware loads them itself from a
    /// --disk: --kernel and --initrd only say what to watch for and to expect).
    #[arg(long, value_name = "HOW", value_parser = parse_kernel_via, requires = "firmware")]
    kernel_via: Option<KernelVia>,
    /// ACPI tables for a firmware boot, as the machine's VMM gives them: on (the default;
    /// cloud-hypervisor: written at 0x4020_0000 as Cloud Hypervisor does; virt: through
    /// fw_cfg's etc/table-loader as QEMU does; microvm: in guest RAM, the RSDP in
    /// hvm_start_info) or off (on aarch64 the kernel then gets only the device tree; on
    /// microvm no tables at all, rsdp_paddr 0).
    #[arg(long, value_name = "on|off", value_parser = parse_on_off, requires = "firmware")]
    acpi: Option<bool>,
    /// Flash bank 0 (firmware code), instead of --firmware: FILE[,rw|,ro]. The guest's writes
    /// stay in memory (the file is never touched) unless ,rw (the bank is written back at
    /// exit); ,ro makes the bank read-only to the guest.
    #[arg(long, value_name = "FILE[,rw|,ro]", value_parser = firmware::parse_flash)]
    pflash0: Option<FlashArg>,
    /// Flash bank 1 (EDK2's variable store, U-Boot's environment): FILE[,rw|,ro] as for
    /// --pflash0. Without it the bank is blank (zeros, as QEMU's) and writable in memory.
    #[arg(long, value_name = "FILE[,rw|,ro]", value_parser = firmware::parse_flash)]
    pflash1: Option<FlashArg>,
    /// Put FILE's bytes at guest-physical ADDR in RAM or flash before the run (repeatable),
    /// like QEMU's -device loader,file=FILE,addr=ADDR,force-raw=on.
    #[arg(long, value_name = "FILE@ADDR", value_parser = firmware::parse_load)]
    load: Vec<LoadArg>,
    /// A disk image as a virtio block device (repeatable): FILE[,if=pci|mmio][,ro|,rw]. The
    /// guest's writes stay in memory (the file is never touched) unless ,rw (written to the
    /// file as they happen); ,ro offers a read-only disk. if=pci (the default) adds a
    /// virtio-blk-pci function from slot 00:01.0; if=mmio fills the virtio-mmio slots from
    /// the top, as QEMU's -device virtio-blk-device does.
    #[arg(long, value_name = "FILE[,if=pci|mmio][,ro|,rw]", value_parser = crate::disks::parse_disk)]
    disk: Vec<crate::disks::DiskArg>,
    /// Kernel: arm64 Image (possibly gzip'd), ELF or raw binary.
    #[arg(long, value_name = "FILE")]
    kernel: Option<PathBuf>,
    #[command(flatten)]
    linux: LinuxArgs,
    /// Write the device tree the kernel gets to FILE.
    #[arg(long, value_name = "FILE")]
    dump_dtb: Option<PathBuf>,
    /// Stop with success once every marker has appeared on the console (repeatable).
    #[arg(long, value_name = "STR", value_parser = non_empty)]
    expect: Vec<String>,
    /// A console line containing STR ends the run as a guest failure, exit 3 (repeatable).
    #[arg(long, value_name = "STR", value_parser = non_empty)]
    fail_on: Vec<String>,
    /// End the run right after the kernel entry when a hand-off check fails there (exit 1),
    /// instead of running on to the markers or the budget.
    #[arg(long)]
    stop_on_check_failure: bool,
    /// End the run as a hang (exit 3) after N instructions with no console output and no
    /// device access (0: never).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_HANG_INSNS)]
    hang_insns: u64,
    /// Instruction budget; exit code 4 when it runs out.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_INSNS)]
    max_insns: u64,
    /// Trace events, comma-separated: insn (every instruction), exc (exceptions taken and
    /// returned), irq (interrupts taken, INTIDs acknowledged), mmio (device accesses), mem (data
    /// accesses to memory: slow), sysreg (system-register writes), psci (PSCI calls).
    #[arg(long, value_delimiter = ',', value_name = "EVENTS")]
    trace: Vec<TraceEvent>,
    /// Symbols to name PCs with, besides the kernel's own (read from the Image's kallsyms):
    /// an ELF (its .symtab), a System.map or a /proc/kallsyms (repeatable; addresses as they
    /// are).
    #[arg(long, value_name = "FILE")]
    symbols: Vec<PathBuf>,
    /// Trace only instructions whose PC lies in START..END (end excluded) or in the extent of a
    /// SYMBOL (repeatable; a kernel PC matches by its physical or its link address).
    #[arg(long, value_name = "START..END|SYMBOL", value_parser = crate::trace::parse_trace_range, requires = "trace")]
    trace_range: Vec<crate::trace::TraceRange>,
    /// Trace only at these exception levels (comma-separated; an exception counts at the EL
    /// it came from).
    #[arg(long, value_delimiter = ',', value_name = "EL", value_parser = clap::value_parser!(u8).range(0..=3), requires = "trace")]
    trace_el: Vec<u8>,
    /// Trace only instructions (and their events) whose count lies in N..M (M excluded): each
    /// vCPU's own count, as the trace lines show it.
    #[arg(long, value_name = "N..M", value_parser = crate::trace::parse_window, requires = "trace")]
    trace_window: Option<(u64, u64)>,
    /// Trace only these vCPUs (comma-separated indexes; the others run untraced).
    #[arg(long, value_delimiter = ',', value_name = "N", requires = "trace")]
    trace_cpu: Vec<usize>,
    /// Trace format: text, or json (one object per line).
    #[arg(
        long,
        value_enum,
        default_value_t,
        value_name = "FORMAT",
        requires = "trace"
    )]
    trace_format: crate::trace::TraceFormat,
    /// Write the trace here instead of stderr.
    #[arg(long, value_name = "FILE", requires = "trace")]
    trace_file: Option<PathBuf>,
    /// Place the kernel with a kernel_offset as rust-vmm linux-loader defines it (arm64 Image:
    /// the base, 2 MiB aligned, image at base + text_offset; ELF: added to every p_paddr).
    #[arg(long, value_name = "ADDR", value_parser = crate::size::parse_addr)]
    kernel_offset: Option<u64>,
    /// Waive a handoff check (repeatable): it is reported as waived and cannot fail the run.
    #[arg(long, value_name = "ID", value_parser = parse_check_id)]
    no_check: Vec<String>,
    /// The command line the kernel must get (checked in /chosen/bootargs and on the console);
    /// defaults to --append.
    #[arg(long, value_name = "STR")]
    expect_cmdline: Option<String>,
    /// Write a JSON report here.
    #[arg(long, value_name = "FILE.json")]
    report: Option<PathBuf>,
    /// Write a boot timeline here: Chrome's trace-event JSON (ui.perfetto.dev,
    /// chrome://tracing) with per vCPU its phases and the functions its sampled PCs were in,
    /// and the console lines, in virtual time.
    #[arg(long, value_name = "FILE.json")]
    timeline: Option<PathBuf>,
    /// With --timeline: sample each vCPU's PC every N of its instructions.
    #[arg(long, value_name = "N", default_value_t = crate::timeline::DEFAULT_SAMPLE,
          value_parser = clap::value_parser!(u64).range(1..), requires = "timeline")]
    timeline_sample: u64,
    /// With --timeline: a function gets spans in the timeline when its sampled instructions
    /// (samples x N) in the whole run reach this.
    #[arg(long, value_name = "INSNS", default_value_t = crate::timeline::DEFAULT_MIN_INSNS,
          requires = "timeline")]
    timeline_min_insns: u64,
    /// No status line on the terminal.
    #[arg(long, short)]
    quiet: bool,
    /// Guest serial output: stdio, none or file:PATH.
    #[arg(long, value_name = "MODE", default_value = "stdio", value_parser = parse_serial)]
    serial: Serial,
    /// Feed the host's stdin to the guest UART (bytes arrive between chunks of instructions, so
    /// the run then depends on host timing).
    #[arg(long)]
    stdin: bool,
    /// Serve gdb's remote protocol on tcp:PORT (127.0.0.1) or unix:PATH: registers, memory,
    /// breakpoints, watchpoints, each vCPU a thread, reverse-stepi and reverse-continue, and
    /// `monitor help`.
    #[arg(long, value_name = "tcp:PORT|unix:PATH", value_parser = crate::gdb::parse_gdb, conflicts_with = "trace")]
    gdb: Option<crate::gdb::GdbAddr>,
    /// With --gdb: hold the machine before its first instruction until gdb connects (like
    /// QEMU's -s -S).
    #[arg(long, requires = "gdb")]
    gdb_wait: bool,
    /// With --gdb: instructions between two snapshots for reverse execution (the interval
    /// doubles when more than --gdb-snapshots would be kept).
    #[arg(long, requires = "gdb", default_value_t = 20_000_000, value_name = "N")]
    gdb_snapshot_every: u64,
    /// With --gdb: the most snapshots kept (forked processes sharing memory copy-on-write);
    /// 0: none, reverse execution re-runs from the start.
    #[arg(long, requires = "gdb", default_value_t = 32, value_name = "N")]
    gdb_snapshots: usize,
    /// With --gdb: the most memory the snapshots may hold of their own (pages the run wrote
    /// after them), in MiB; beyond it the interval doubles.
    #[arg(long, requires = "gdb", default_value_t = 2048, value_name = "MIB")]
    gdb_snapshot_memory: u64,
}

/// Where guest serial output goes.
#[derive(Clone, Debug)]
enum Serial {
    Stdio,
    None,
    File(PathBuf),
}

pub fn parse_gic(s: &str) -> Result<GicVersion, String> {
    match s {
        "v2" | "2" => Ok(GicVersion::V2),
        "v3" | "3" => Ok(GicVersion::V3),
        _ => Err(format!("expected v2 or v3, not {s:?}")),
    }
}

fn parse_on_off(s: &str) -> Result<bool, String> {
    match s {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(format!("expected on or off, not {s:?}")),
    }
}

fn parse_kernel_via(s: &str) -> Result<KernelVia, String> {
    match s {
        "fw-cfg" | "fw_cfg" => Ok(KernelVia::FwCfg),
        "chosen" => Ok(KernelVia::Chosen),
        "none" => Ok(KernelVia::None),
        _ => Err(format!("expected fw-cfg, chosen or none, not {s:?}")),
    }
}

fn non_empty(s: &str) -> Result<String, String> {
    if s.is_empty() {
        Err("an empty string would match at once".into())
    } else {
        Ok(s.to_string())
    }
}

fn parse_check_id(s: &str) -> Result<String, String> {
    use bootemu_boot::handoff::Rule;
    if Rule::from_id(s).is_some() {
        Ok(s.to_string())
    } else {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        Err(format!("unknown check {s:?}; checks: {}", ids.join(", ")))
    }
}

fn parse_serial(s: &str) -> Result<Serial, String> {
    match s {
        "stdio" => Ok(Serial::Stdio),
        "none" => Ok(Serial::None),
        _ => match s.strip_prefix("file:") {
            Some(p) if !p.is_empty() => Ok(Serial::File(p.into())),
            _ => Err(format!("expected stdio, none or file:PATH, not {s:?}")),
        },
    }
}

/// The machine profile and GIC of `--machine`, `--gic`, `--el2`, `--memory`, `--smp`.
fn machine_of(a: &RunArgs) -> anyhow::Result<(Profile, GicVersion)> {
    match a.machine.as_deref().unwrap_or("virt") {
        "virt" => Ok((
            Profile::virt(a.memory).context("--memory")?,
            a.gic.unwrap_or(GicVersion::V2),
        )),
        "cloud-hypervisor" => {
            if a.gic == Some(GicVersion::V2) {
                bail!("--machine cloud-hypervisor has a GICv3 only (not --gic v2)");
            }
            if a.el2 {
                bail!("--machine cloud-hypervisor starts the vCPUs at EL1 (not --el2)");
            }
            let p = Profile::cloud_hypervisor(a.memory, a.smp as usize).context("--memory")?;
            Ok((p, GicVersion::V3))
        }
        m => bail!("--machine {m}: unknown (virt, cloud-hypervisor or microvm)"),
    }
}

fn console_sink(
    serial: &Serial,
    status: Option<&crate::progress::Status>,
) -> anyhow::Result<Box<dyn Write>> {
    Ok(match serial {
        Serial::Stdio => status
            .and_then(|s| s.console())
            .unwrap_or_else(|| Box::new(std::io::stdout())),
        Serial::None => Box::new(std::io::sink()),
        Serial::File(p) => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("{}", p.display()))?,
        )),
    })
}

/// What a run boots.
struct Planned {
    /// What the report calls it.
    name: String,
    plan: Plan,
    /// A firmware boot: where the kernel file went.
    kernel_load: Option<KernelLoad>,
    /// A firmware boot: the kernel file as handed over (its header gives the entry watch).
    kernel: Option<Vec<u8>>,
    /// The firmware (`--firmware` or `--pflash0`) on a machine whose firmware lives in flash
    /// bank 0.
    flash0: Option<Vec<u8>>,
    /// The fw_cfg device, with the kernel items when the kernel goes through it.
    fw_cfg: Option<FwCfg>,
    /// A firmware boot with an initrd: its length and digest (the firmware may move it).
    initrd_file: Option<(u64, u64)>,
    /// A firmware boot's ACPI tables.
    acpi: Option<crate::boot::AcpiPlan>,
}

impl Planned {
    fn plain(name: String, plan: Plan) -> Planned {
        Planned {
            name,
            plan,
            kernel_load: None,
            kernel: None,
            flash0: None,
            fw_cfg: None,
            initrd_file: None,
            acpi: None,
        }
    }
}

/// The boot plan, the flash banks and the fw_cfg device of a run.
fn plan_for(
    a: &RunArgs,
    profile: &Profile,
    gic: GicVersion,
) -> anyhow::Result<(Planned, Vec<firmware::Bank>)> {
    let shape = MachineShape {
        smp: a.smp as usize,
        gic,
        el2: a.el2,
    };
    if a.firmware.is_some() && a.pflash0.is_some() {
        bail!("--firmware and --pflash0 both fill flash bank 0: give one");
    }
    let mut planned = plan_boot(a, profile, shape)?;
    let pflash = [a.pflash0.as_ref(), a.pflash1.as_ref()];
    let mut banks = firmware::banks(profile, planned.flash0.take(), pflash)?;
    let loads = firmware::place_loads(&a.load, profile, &mut banks)?;
    planned.plan.blobs.extend(loads);
    Ok((planned, banks))
}

fn plan_boot(a: &RunArgs, profile: &Profile, shape: MachineShape) -> anyhow::Result<Planned> {
    // --pflash0 FILE is the firmware as much as --firmware FILE is (QEMU's -pflash / -bios).
    let firmware_path = a
        .firmware
        .clone()
        .or_else(|| a.pflash0.as_ref().map(|f| f.path.clone()));
    if let Some(fw) = &firmware_path {
        if a.kernel_offset.is_some() {
            bail!(
                "--kernel-offset places a kernel that bootemu loads; with a firmware, the \
                 firmware places the kernel"
            );
        }
        let name = fw.display().to_string();
        let (fp, boot, acpi) = plan_firmware(
            fw,
            a.kernel.as_deref(),
            a.kernel_via,
            profile,
            shape,
            &a.linux,
            a.acpi.unwrap_or(true),
        )?;
        let kernel = match (&a.kernel, fp.kernel) {
            (Some(path), Some(k)) => {
                match (k.via, k.start) {
                    (_, Some(start)) => say!(
                        "bootemu: {}: left at {start:#x} ({:#x} bytes) for the firmware",
                        path.display(),
                        k.size
                    ),
                    (KernelVia::None, None) => say!(
                        "bootemu: {}: not handed over; the firmware loads the kernel itself and \
                         its entry is watched for",
                        path.display()
                    ),
                    (_, None) => say!(
                        "bootemu: {}: handed to the firmware through fw_cfg ({:#x} bytes)",
                        path.display(),
                        k.size
                    ),
                }
                boot.kernel
            }
            _ => None,
        };
        let initrd = boot.initrd;
        let initrd_file = initrd
            .as_deref()
            .map(|i| (i.len() as u64, bootemu_boot::handoff::digest(i)));
        let mut fw_cfg = match fp.kernel.map(|k| k.via) {
            Some(KernelVia::FwCfg) => Some(firmware::fw_cfg(
                kernel.as_deref(),
                initrd.as_deref(),
                a.linux.append.as_deref(),
            )),
            _ => None,
        };
        if let Some(files) = acpi.as_ref().and_then(|p| p.fw_cfg.as_ref()) {
            let device = fw_cfg.get_or_insert_with(FwCfg::new);
            for (name, data) in files.files() {
                device
                    .add_file(name, data.to_vec())
                    .with_context(|| format!("fw_cfg file {name}"))?;
            }
        }
        if let Some(p) = &acpi {
            let names: Vec<String> = p
                .tables
                .iter()
                .map(|t| String::from_utf8_lossy(&t.signature).into_owned())
                .collect();
            match p.rsdp {
                Some(rsdp) => say!(
                    "bootemu: ACPI tables at {rsdp:#x} (RSDP, then {})",
                    names.join(" ")
                ),
                None => say!(
                    "bootemu: ACPI tables for the firmware through fw_cfg etc/table-loader ({})",
                    names.join(" ")
                ),
            }
        }
        return Ok(Planned {
            name,
            plan: fp.plan,
            kernel_load: fp.kernel,
            kernel,
            flash0: fp.flash0,
            fw_cfg,
            initrd_file,
            acpi,
        });
    }
    match &a.kernel {
        Some(path) => {
            let bytes = read_input(path, (profile.ram().size, "guest RAM"))?;
            let name = path.display().to_string();
            let plan = plan_kernel(
                std::borrow::Cow::Owned(bytes),
                &name,
                profile,
                shape,
                &a.linux,
                a.kernel_offset,
            )?;
            Ok(Planned::plain(name, plan))
        }
        None => {
            if a.linux.initrd.is_some()
                || a.linux.append.is_some()
                || a.linux.dtb.is_some()
                || a.kernel_offset.is_some()
            {
                bail!("built-in demo guest: {}", bootemu_boot::Error::NotLinux);
            }
            let plan = bootemu_boot::raw::plan(&demo::DEMO, profile.ram())
                .context("built-in demo guest")?;
            if plan.entry != demo::LINK_ADDR {
                bail!(
                    "built-in demo guest: linked for {:#x}, would load at {:#x}",
                    demo::LINK_ADDR,
                    plan.entry
                );
            }
            Ok(Planned::plain("built-in demo guest".into(), plan))
        }
    }
}

/// The report's `acpi`: where the tables went and each table's signature, address (null when
/// the firmware places them) and length.
fn acpi_json(p: &crate::boot::AcpiPlan) -> serde_json::Value {
    let tables: Vec<serde_json::Value> = p
        .tables
        .iter()
        .map(|t| {
            serde_json::json!({
                "signature": String::from_utf8_lossy(&t.signature),
                "address": p.rsdp.map(|_| format!("{:#x}", t.addr)),
                "length": t.len,
            })
        })
        .collect();
    serde_json::json!({
        "rsdp": p.rsdp.map(|a| format!("{a:#x}")),
        "placed_by": if p.rsdp.is_some() { "bootemu" } else { "the firmware (fw_cfg etc/table-loader)" },
        "tables": tables,
    })
}

/// The kernel Image whose kallsyms name PCs, and its physical address when known before the
/// run: a firmware boot's kernel file (placed by the firmware), or a direct boot's Image.
fn kernel_image<'a>(plan: &'a Plan, kernel: Option<&'a [u8]>) -> Option<(&'a [u8], Option<u64>)> {
    if let Some(k) = kernel {
        return Some((k, None));
    }
    match plan.format.image() {
        Some(Format::Arm64Image { .. }) => plan.blobs.first().map(|b| (&b.bytes[..], Some(b.addr))),
        _ => None,
    }
}

/// A flag that SIGINT and SIGTERM set: the run then ends at the next round with its report
/// and evidence (exit 4). A second signal of the same kind ends the process at once.
fn interrupt_flag() -> anyhow::Result<std::sync::Arc<std::sync::atomic::AtomicBool>> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for sig in [SIGINT, SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, flag.clone())
            .context("signal handler")?;
        signal_hook::flag::register(sig, flag.clone()).context("signal handler")?;
    }
    Ok(flag)
}

/// Whether the run is the x86 machine's: `--machine microvm`, or no `--machine` and an x86
/// kernel.
fn x86_run(a: &RunArgs) -> bool {
    match a.machine.as_deref() {
        Some(m) => m == "microvm",
        None => a.kernel.as_deref().is_some_and(|p| {
            use std::io::Read;
            let mut head = vec![0u8; 0x1000];
            let n = File::open(p)
                .and_then(|mut f| f.read(&mut head))
                .unwrap_or(0);
            head.truncate(n);
            bootemu_boot::arch_of(&head) == Some(bootemu_boot::Arch::X86_64)
        }),
    }
}

/// Run; returns the exit code.
pub fn run(a: RunArgs) -> anyhow::Result<u8> {
    if x86_run(&a) {
        return x86::run(&a);
    }
    let (profile, gic) = machine_of(&a)?;
    // The report file is created before the run, so that an unusable path is an input error
    // (exit 2) at once, not after the run in place of its verdict.
    let expected_cmdline = a.expect_cmdline.as_deref().or(a.linux.append.as_deref());
    let report_file = a
        .report
        .as_ref()
        .map(|p| File::create(p).with_context(|| format!("--report {}", p.display())))
        .transpose()?;
    let timeline_file = a
        .timeline
        .as_ref()
        .map(|p| File::create(p).with_context(|| format!("--timeline {}", p.display())))
        .transpose()?;
    let (planned, mut banks) = plan_for(&a, &profile, gic)?;
    let Planned {
        name,
        plan,
        kernel_load,
        kernel,
        fw_cfg,
        initrd_file,
        acpi,
        ..
    } = planned;
    // Shared with the machine, which keeps it for SYSTEM_RESET.
    let plan = Rc::new(plan);
    let expected = handoff::expected(
        &plan,
        &profile,
        a.smp as usize,
        expected_cmdline,
        initrd_file,
    );
    if let Some(path) = &a.dump_dtb {
        let Some(dtb) = dtb_of(&plan) else {
            bail!("--dump-dtb: {name} gets no device tree (not a Linux Image)");
        };
        std::fs::write(path, dtb).with_context(|| format!("{}", path.display()))?;
    }
    let entry_seen = Rc::new(std::cell::Cell::new(None));
    // No status line over an interactive console, a trace written to stderr or under gdb.
    let trace_on_stderr = !a.trace.is_empty() && a.trace_file.is_none();
    let status =
        crate::progress::Status::start(a.quiet, a.stdin || trace_on_stderr || a.gdb.is_some());
    let interrupt = interrupt_flag()?;
    let flash: Vec<_> = banks
        .iter_mut()
        .map(|b| std::mem::take(&mut b.image))
        .collect();
    // The machine from the run's inputs: once, or again for gdb's reverse execution. Whether
    // the kernel entry is watched (for the hand-off checks) comes with it.
    let build = |console: Box<dyn Write>| -> anyhow::Result<(Machine, bool)> {
        let disks = crate::disks::open(&a.disk, &profile)?;
        let mut machine = Machine::new(MachineConfig {
            profile: profile.clone(),
            console,
            expect: a.expect.clone(),
            stdin: a.stdin,
            smp: a.smp as usize,
            gic,
            el2: a.el2,
            rtc_epoch: a.rtc_epoch,
            flash: flash.clone(),
            fw_cfg: fw_cfg.clone(),
            disks,
            fail_on: a.fail_on.clone(),
            interrupt: Some(interrupt.clone()),
            entry_judge: {
                // Where the kernel was entered names its physical PCs from then on; the judge
                // proper only with --stop-on-check-failure.
                let mut judge = a
                    .stop_on_check_failure
                    .then(|| handoff::entry_judge(expected.clone(), a.no_check.clone()));
                let seen = entry_seen.clone();
                Some(Box::new(move |h| {
                    seen.set(Some(h.image.start));
                    judge.as_mut().is_some_and(|j| j(h))
                }))
            },
            hang_insns: a.hang_insns,
        })
        .with_context(|| name.clone())?;
        machine.load(&plan).with_context(|| name.clone())?;
        // Machines built again for gdb's reverse execution sample as the first one did, so that
        // they run the same way.
        if a.firmware.is_some() || a.pflash0.is_some() {
            machine.firmware_boot();
        }
        if a.timeline.is_some() {
            machine.sample_pcs(a.timeline_sample);
            machine.console.log_lines();
        }
        let watched = match &kernel {
            // A firmware places the kernel: watch the kernel file's primary_entry at any base.
            Some(k) => EntryWatch::from_image(k).map(|watch| {
                let spec = EntrySpec {
                    watch,
                    at: WatchAt::AnyBase,
                };
                machine.watch_kernel_entry(spec);
                spec
            }),
            None => handoff::arm(&mut machine, &plan),
        };
        Ok((machine, watched.is_some()))
    };
    // Under gdb the console is shared by the machines reverse execution builds again.
    let shared_console = crate::gdb::SharedConsole::new(console_sink(&a.serial, status.as_ref())?);
    let gated = || -> Box<dyn Write> { Box::new(crate::gdb::Gated::new(shared_console.clone())) };
    let (mut machine, watched) = build(gated())?;
    say!("bootemu: {name}: {}, entry {:#x}", plan.format, plan.entry);
    // Symbols: --symbols files at once (a bad one is an input error); the kernel's kallsyms
    // when a trace needs them, otherwise only after the run for the evidence and the report.
    let extra_symbols = crate::symbols::read_files(&a.symbols)?;
    let ram_size = profile.ram().size;
    let image = kernel_image(&plan, kernel.as_deref());
    // The kernel's table read beside the guest, for a run whose report or timeline names
    // functions anyway (taken by the first `make_symbols`).
    let read_early: Cell<Option<Option<Result<KernelTable, String>>>> = Cell::new(None);
    let make_symbols = |phys_seen: Option<u64>| -> Option<Rc<Symbols>> {
        let k = image.and_then(|(bytes, phys)| {
            let read = read_early
                .take()
                .unwrap_or_else(|| crate::symbols::read_kernel_table(bytes, ram_size));
            crate::symbols::kernel_symbols(read, phys.or(phys_seen))
        });
        let k = k.map(|k| k.following(entry_seen.clone()));
        crate::symbols::merge(k, &extra_symbols).map(Rc::new)
    };
    let tracing = !a.trace.is_empty();
    let mut symbols = if tracing { make_symbols(None) } else { None };
    let tracer = if tracing {
        let ranges = a
            .trace_range
            .iter()
            .map(|r| r.resolve(symbols.as_deref()))
            .collect::<anyhow::Result<Vec<_>>>()?;
        if let Some(&n) = a.trace_cpu.iter().find(|&&n| n >= a.smp as usize) {
            bail!("--trace-cpu {n}: the machine has {} vCPU(s)", a.smp);
        }
        let filter = crate::trace::Filter {
            kinds: a.trace.iter().fold(0, |k, e| k | e.kind()),
            ranges,
            els: a.trace_el.clone(),
            window: a.trace_window,
            cpus: a.trace_cpu.clone(),
        };
        let out: Box<dyn Write> = match &a.trace_file {
            Some(p) => Box::new(BufWriter::new(
                File::create(p).with_context(|| format!("{}", p.display()))?,
            )),
            None => Box::new(std::io::stderr()),
        };
        let kinds = filter.recorded_kinds();
        let cpus = (!filter.cpus.is_empty()).then(|| filter.cpus.clone());
        let tracer = TraceWriter::new(out, a.smp > 1, symbols.clone(), filter, a.trace_format)?;
        let t = tracer.clone();
        machine.set_trace(
            TRACE_BATCH,
            kinds,
            cpus.as_deref(),
            Box::new(move |cpu, items| t.write(cpu, items)),
        );
        Some(tracer)
    } else {
        None
    };

    if let Some(s) = &status {
        machine.set_progress(s.hook());
    }
    let (outcome, mut machine) = match &a.gdb {
        None => {
            let read_beside = symbols.is_none() && (a.report.is_some() || a.timeline.is_some());
            let (outcome, read) = std::thread::scope(|s| {
                // A thread the host refuses leaves the reading to the end of the run.
                let reader = image.filter(|_| read_beside).and_then(|(bytes, _)| {
                    std::thread::Builder::new()
                        .name("kallsyms".into())
                        .spawn_scoped(s, move || {
                            crate::symbols::read_kernel_table(bytes, ram_size)
                        })
                        .ok()
                });
                let outcome = machine.run(a.max_insns);
                (outcome, reader.map(|r| r.join()))
            });
            match read {
                Some(Ok(read)) => read_early.set(Some(read)),
                Some(Err(panic)) => std::panic::resume_unwind(panic),
                None => {}
            }
            (outcome, machine)
        }
        Some(addr) => {
            let no_reverse = if a.stdin {
                Some("--stdin: the run depends on host input".to_string())
            } else if a
                .disk
                .iter()
                .any(|d| d.mode == bootemu_machine::virtio::disk::DiskMode::WriteThrough)
            {
                Some("a --disk ...,rw would be written again".to_string())
            } else {
                None
            };
            if let Some(why) = &no_reverse {
                say!("bootemu: no reverse execution under gdb: {why}");
            }
            let mut rebuild = || -> anyhow::Result<Machine> { build(gated()).map(|(m, _)| m) };
            let checks = |m: &Machine| -> Vec<String> {
                match m.handoff() {
                    Some(h) => handoff::entry_checks(h, &expected, &a.no_check),
                    None => vec!["the kernel entry has not been reached yet".to_string()],
                }
            };
            crate::gdb::serve(
                crate::gdb::Options {
                    addr: addr.clone(),
                    wait: a.gdb_wait,
                    end: a.max_insns,
                    no_reverse,
                    checks: watched.then(|| Box::new(checks) as Box<crate::gdb::Checks>),
                    symbols: make_symbols(None).map(|s| s.table().clone()),
                    console: shared_console.clone(),
                    snapshots: (a.gdb_snapshots > 0).then_some((
                        a.gdb_snapshot_every,
                        a.gdb_snapshots,
                        a.gdb_snapshot_memory,
                    )),
                },
                machine,
                &mut rebuild,
            )?
        }
    };
    if let Some(s) = status {
        s.finish();
    }
    firmware::write_back(&machine, &banks)?;
    let disks_json = crate::disks::finish(&mut machine, &a.disk)?;
    if let Some(t) = tracer {
        // A trace the reader stopped taking (`| head`) does not change the run's verdict.
        if let Err(e) = t.finish() {
            say!("bootemu: trace: {e:#}");
        }
    }
    let (code, description) = verdict(&outcome);
    let checks = if watched {
        handoff::judge(&outcome, &expected, &a.no_check)
    } else {
        Vec::new()
    };
    let run_code = code;
    let code = handoff::exit_code(code, &checks, outcome.handoff.is_some());
    let undefined: u64 = outcome.undefined.values().sum();
    say!("bootemu: {description}");
    say!(
        "bootemu: {} instructions, {} console bytes, {} UNDEFINED ({} distinct encodings)",
        outcome.insns,
        outcome.console_bytes,
        undefined,
        outcome.undefined.len()
    );
    if outcome.unclaimed.count > 0 {
        let first: Vec<String> = outcome
            .unclaimed
            .first
            .iter()
            .map(|&(pa, write)| format!("{} {pa:#x}", if write { "write" } else { "read" }))
            .collect();
        say!(
            "bootemu: {} access(es) where no device answers (bus faults), first: {}",
            outcome.unclaimed.count,
            first.join(", ")
        );
    }
    // A firmware boot's kernel lies where its entry was seen.
    let seen = outcome.handoff.as_ref().map(|h| h.image.start);
    if let Some(h) = &outcome.handoff {
        let nokaslr = bootemu_boot::fdt::read_chosen(&h.fdt)
            .ok()
            .and_then(|c| c.bootargs)
            .is_some_and(|b| b.split_whitespace().any(|w| w == "nokaslr"));
        if bootemu_boot::fdt::kaslr_seed(&h.fdt).is_some() && !nokaslr {
            say!(
                "bootemu: the kernel got a /chosen/kaslr-seed: it may run at a random virtual \
                 base, where its link-address symbols are off (add nokaslr)"
            );
        }
    }
    let keep_evidence = run_code == EXIT_GUEST_FAILURE || run_code == EXIT_BUDGET;
    if symbols.is_none() && (keep_evidence || a.report.is_some() || a.timeline.is_some()) {
        symbols = make_symbols(seen);
    }
    let vcpus = machine.timeline();
    let names = a
        .timeline
        .is_some()
        .then(|| crate::timeline::name_samples(vcpus, symbols.as_deref()));
    let sampled = names.as_deref().map(|n| (n, a.timeline_sample));
    for line in crate::timeline::summary(vcpus, sampled) {
        say!("{line}");
    }
    if let (Some(path), Some(file), Some(names)) = (&a.timeline, timeline_file, &names) {
        let t = crate::timeline::Timeline {
            vcpus,
            every: a.timeline_sample,
            names,
            entry: outcome.handoff.as_ref().map(|h| (h.entry.cpu, h.entry.pc)),
        };
        let lines = machine
            .console
            .log
            .as_ref()
            .map_or(&[][..], |l| &l.lines[..]);
        let mut out = BufWriter::new(file);
        crate::timeline::write(&mut out, &t, a.timeline_min_insns, lines, &name)
            .and_then(|()| out.flush())
            .with_context(|| format!("--timeline {}", path.display()))?;
    }
    let mut dis = Disasm::new()?;
    dis.set_symbols(symbols.clone());
    for (&word, &n) in outcome.undefined.iter().take(UNDEFINED_SHOWN) {
        say!(
            "bootemu:   UNDEFINED {word:08x} {:<32} x{n}",
            dis.text(word, 0)
        );
    }
    // A run that failed or ran out of budget (or was interrupted by SIGINT/SIGTERM) shows where
    // each vCPU was and what it last did.
    if keep_evidence {
        for (cpu, records) in outcome.flight.iter().enumerate() {
            let Some(last) = records.last() else {
                continue;
            };
            say!(
                "bootemu: vCPU {cpu} stopped at {:#x}{} (EL{}); flight recorder: last {} \
                 instructions",
                last.pc,
                dis.symbol(last.pc)
                    .map_or(String::new(), |s| format!(" <{s}>")),
                last.el,
                records.len()
            );
            for r in records {
                say!("{}", dis.line("  ", r));
            }
        }
    }
    if let (Some(path), Some(mut file)) = (&a.report, report_file) {
        let mut json = report::json(&outcome, code, &description, &plan, &mut dis);
        if keep_evidence {
            json["flight_recorder"] = report::flight_json_all(&outcome, &mut dis);
        }
        json["checks"] = handoff::json(&checks);
        json["kernel_entry"] = handoff::entry_json(&outcome);
        if let Some(h) = &outcome.handoff {
            json["kernel_entry"]["pc_symbol"] = dis.symbol(h.entry.pc).into();
        }
        json["disks"] = disks_json;
        json["acpi"] = acpi.as_ref().map_or(serde_json::Value::Null, acpi_json);
        let (phases, top) = crate::timeline::report_json(vcpus, sampled);
        json["phases"] = phases;
        json["top_functions"] = top;
        file.write_all((serde_json::to_string_pretty(&json)? + "\n").as_bytes())
            .with_context(|| format!("{}", path.display()))?;
    }
    if let Some(h) = &outcome.handoff {
        let how = match (h.image.path, kernel_load.is_some()) {
            (EntryPath::ImageStart, true) => {
                "by the firmware's jump to the image's first instruction".to_string()
            }
            (EntryPath::ImageStart, false) => {
                "by direct boot at the image's first instruction".to_string()
            }
            (path, _) => path.describe(),
        };
        say!("bootemu: kernel entered {how}");
        if let Some(k) = &kernel_load {
            say!("bootemu: firmware put the {}", k.placement(h.image.start));
        }
    }
    if !checks.is_empty() {
        handoff::print_summary(&checks);
    }
    Ok(code)
}
