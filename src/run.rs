//! `bootemu run`: check the options, plan the boot, build the machine, run it, report.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::{bail, Context};
use bootemu_boot::Plan;
use bootemu_machine::devices::pl031::DEFAULT_EPOCH;
use bootemu_machine::{GicVersion, Machine, MachineConfig, Profile};

use bootemu_boot::firmware::KernelLoad;
use bootemu_boot::handoff::EntryWatch;
use bootemu_machine::entry::{EntrySpec, WatchAt};

use crate::boot::{dtb_of, plan_firmware, plan_kernel, LinuxArgs, MachineShape};
use crate::outcome::{verdict, EXIT_GUEST_FAILURE};
use crate::size::parse_size;
use crate::trace::{Disasm, TraceEvent, TraceWriter};
use crate::{demo, handoff, read_input, report};

/// Default `--max-insns`: generous (a Linux boot is about 1 G instructions), but every run ends.
pub const DEFAULT_MAX_INSNS: u64 = 10_000_000_000;
/// UNDEFINED encodings listed in the human summary (all are in the report).
const UNDEFINED_SHOWN: usize = 16;
/// Trace records collected before they are formatted.
const TRACE_BATCH: usize = 4096;

/// Options of `bootemu run`.
#[derive(clap::Args)]
pub struct RunArgs {
    /// Machine profile: virt (QEMU's) or cloud-hypervisor (Cloud Hypervisor's aarch64 map:
    /// GICv3, EL1, firmware loaded as an Image at 0x4040_0000).
    #[arg(long, default_value = "virt")]
    machine: String,
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
    /// Firmware: a raw binary at the flash base (virt) or an arm64 Image at 0x4040_0000
    /// (cloud-hypervisor); the --kernel file is left for it in RAM, described in /chosen.
    #[arg(long, value_name = "FILE", requires = "kernel")]
    firmware: Option<PathBuf>,
    /// Kernel: arm64 Image (possibly gzip'd), ELF or raw binary.
    #[arg(long, value_name = "FILE")]
    kernel: Option<PathBuf>,
    #[command(flatten)]
    linux: LinuxArgs,
    /// Write the device tree the kernel gets to FILE.
    #[arg(long, value_name = "FILE")]
    dump_dtb: Option<PathBuf>,
    /// Stop with success once every marker has appeared on the console (repeatable).
    #[arg(long, value_name = "STR")]
    expect: Vec<String>,
    /// Instruction budget; exit code 4 when it runs out.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_INSNS)]
    max_insns: u64,
    /// Trace events, comma-separated (insn: every executed instruction).
    #[arg(long, value_delimiter = ',', value_name = "EVENTS")]
    trace: Vec<TraceEvent>,
    /// Write the trace here instead of stderr.
    #[arg(long, value_name = "FILE", requires = "trace")]
    trace_file: Option<PathBuf>,
    /// Place the kernel with a kernel_offset as rust-vmm linux-loader defines it (arm64 Image:
    /// the base, 2 MiB aligned, image at base + text_offset; ELF: added to every p_paddr).
    #[arg(long, value_name = "ADDR", value_parser = crate::boot::parse_addr)]
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
    /// Guest serial output: stdio, none or file:PATH.
    #[arg(long, value_name = "MODE", default_value = "stdio", value_parser = parse_serial)]
    serial: Serial,
    /// Feed the host's stdin to the guest UART (bytes arrive between chunks of instructions, so
    /// the run then depends on host timing).
    #[arg(long)]
    stdin: bool,
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

fn parse_check_id(s: &str) -> Result<String, String> {
    if bootemu_boot::handoff::is_check_id(s) {
        Ok(s.to_string())
    } else {
        let ids: Vec<&str> = bootemu_boot::handoff::RULES
            .iter()
            .map(|(i, _)| *i)
            .collect();
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
    match a.machine.as_str() {
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
        m => bail!("--machine {m}: unknown (virt or cloud-hypervisor)"),
    }
}

fn console_sink(serial: &Serial) -> anyhow::Result<Box<dyn Write>> {
    Ok(match serial {
        Serial::Stdio => Box::new(std::io::stdout()),
        Serial::None => Box::new(std::io::sink()),
        Serial::File(p) => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("{}", p.display()))?,
        )),
    })
}

/// The plan, its name, and for a firmware boot where the kernel file was left.
type Planned = (String, Plan, Option<KernelLoad>);

fn plan_for(a: &RunArgs, profile: &Profile, gic: GicVersion) -> anyhow::Result<Planned> {
    let shape = MachineShape {
        smp: a.smp as usize,
        gic,
        el2: a.el2,
    };
    if let (Some(fw), Some(kernel)) = (&a.firmware, &a.kernel) {
        let name = fw.display().to_string();
        let (plan, k) = plan_firmware(fw, kernel, profile, shape, &a.linux)?;
        eprintln!(
            "bootemu: {}: left at {:#x} ({:#x} bytes) for the firmware",
            kernel.display(),
            k.start,
            k.size
        );
        return Ok((name, plan, Some(k)));
    }
    match &a.kernel {
        Some(path) => {
            let bytes = read_input(path)?;
            let name = path.display().to_string();
            let plan = plan_kernel(&bytes, &name, profile, shape, &a.linux, a.kernel_offset)?;
            Ok((name, plan, None))
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
            Ok(("built-in demo guest".into(), plan, None))
        }
    }
}

/// Run; returns the exit code.
pub fn run(a: RunArgs) -> anyhow::Result<u8> {
    let (profile, gic) = machine_of(&a)?;
    let (name, plan, kernel_load) = plan_for(&a, &profile, gic)?;
    if let Some(path) = &a.dump_dtb {
        let Some(dtb) = dtb_of(&plan) else {
            bail!("--dump-dtb: {name} gets no device tree (not a Linux Image)");
        };
        std::fs::write(path, dtb).with_context(|| format!("{}", path.display()))?;
    }
    let mut machine = Machine::new(MachineConfig {
        profile: profile.clone(),
        console: console_sink(&a.serial)?,
        expect: a.expect.clone(),
        stdin: a.stdin,
        smp: a.smp as usize,
        gic,
        el2: a.el2,
        rtc_epoch: a.rtc_epoch,
    })?;
    machine.load(&plan).with_context(|| name.clone())?;
    let watched = match &kernel_load {
        // A firmware places the kernel: watch the kernel file's primary_entry at any base.
        Some(k) => plan
            .blobs
            .iter()
            .find(|b| b.addr == k.start)
            .and_then(|b| EntryWatch::from_image(&b.bytes))
            .map(|watch| {
                let spec = EntrySpec {
                    watch,
                    at: WatchAt::AnyBase,
                };
                machine.watch_kernel_entry(spec);
                spec
            }),
        None => handoff::arm(&mut machine, &plan),
    };
    eprintln!("bootemu: {name}: {}, entry {:#x}", plan.format, plan.entry);
    let tracer = if a.trace.contains(&TraceEvent::Insn) {
        let out: Box<dyn Write> = match &a.trace_file {
            Some(p) => Box::new(BufWriter::new(
                File::create(p).with_context(|| format!("{}", p.display()))?,
            )),
            None => Box::new(std::io::stderr()),
        };
        let tracer = TraceWriter::new(out, a.smp > 1)?;
        let t = tracer.clone();
        machine.set_trace(
            TRACE_BATCH,
            Box::new(move |cpu, records| t.write(cpu, records)),
        );
        Some(tracer)
    } else {
        None
    };

    let outcome = machine.run(a.max_insns);
    if let Some(t) = tracer {
        t.finish().context("trace")?;
    }
    let (code, description) = verdict(&outcome);
    let expected_cmdline = a.expect_cmdline.as_deref().or(a.linux.append.as_deref());
    let checks = match watched {
        Some(_) => handoff::judge(
            &outcome,
            &plan,
            &profile,
            a.smp as usize,
            expected_cmdline,
            &a.no_check,
        ),
        None => Vec::new(),
    };
    let code = handoff::exit_code(code, &checks, outcome.handoff.is_some());
    let undefined: u64 = outcome.undefined.values().sum();
    eprintln!("bootemu: {description}");
    eprintln!(
        "bootemu: {} instructions, {} console bytes, {} UNDEFINED ({} distinct encodings)",
        outcome.insns,
        outcome.console_bytes,
        undefined,
        outcome.undefined.len()
    );
    let mut dis = Disasm::new()?;
    for (&word, &n) in outcome.undefined.iter().take(UNDEFINED_SHOWN) {
        eprintln!(
            "bootemu:   UNDEFINED {word:08x} {:<32} x{n}",
            dis.text(word, 0)
        );
    }
    if code == EXIT_GUEST_FAILURE {
        for (cpu, records) in outcome.flight.iter().enumerate() {
            if records.is_empty() {
                continue;
            }
            eprintln!(
                "bootemu: flight recorder, vCPU {cpu}: last {} instructions",
                records.len()
            );
            for r in records {
                eprintln!("{}", dis.line("  ", r));
            }
        }
    }
    if let Some(path) = &a.report {
        let mut json = report::json(&outcome, code, &description, &plan, &mut dis);
        json["checks"] = handoff::json(&checks);
        json["kernel_entry"] = handoff::entry_json(&outcome);
        std::fs::write(path, serde_json::to_string_pretty(&json)? + "\n")
            .with_context(|| format!("{}", path.display()))?;
    }
    if let (Some(k), Some(h)) = (&kernel_load, &outcome.handoff) {
        eprintln!("bootemu: firmware put the {}", k.placement(h.image.start));
    }
    if !checks.is_empty() {
        handoff::print_summary(&checks);
    }
    Ok(code)
}
