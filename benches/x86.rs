//! x86_64 guest-speed benchmark: `cargo bench --bench x86`.
//!
//! Assembles testdata/x86/bench_loops.S (testdata/x86/build.sh: a load/ALU/CMOV loop, a
//! memcpy-like REP MOVSQ + copy loop, recursive fib for CALL/RET) and runs it on our x86_64 core
//! in-process (the `bootemu` binary runs aarch64 machines only), entered the PVH way on a machine
//! with RAM, the debug console (port 0xe9) and an exit port (0xf4), RUNS times: median wall time,
//! guest instructions and MIPS. When `qemu-system-x86_64` is installed it runs the same ELF on
//! QEMU (`-M microvm`, TCG) RUNS times, checks that both consoles (the three checksums and PASS)
//! are equal, and prints the wall-time ratio ours / QEMU (QEMU's time includes its process
//! start-up, ours does not include building the image).
//!
//! `X86_BENCH_RUNS=n` changes RUNS; `X86_BENCH_NO_QEMU=1` skips QEMU (for profiling under
//! callgrind: `X86_BENCH_RUNS=1 X86_BENCH_NO_QEMU=1 valgrind --tool=callgrind <bench binary>`).

#[path = "../tests/common/mod.rs"]
mod common;

use std::process::{Command, Stdio};
use std::ptr::NonNull;
use std::time::{Duration, Instant};

use bootemu_cpu::aarch64::flat::FlatBus;
use bootemu_cpu::aarch64::{Bus, BusFault, BusId};
use bootemu_cpu::x86_64::system::{cr0, sreg, Segment};
use bootemu_cpu::x86_64::{BlockCache, Cpu, Exit, Platform};
use common::{root, tool_present};

const CONSOLE_PORT: u16 = 0xe9;
const EXIT_PORT: u16 = 0xf4;
/// Where the guest is linked (testdata/x86/bench_loops.ld), its PVH entry.
const LOAD: u64 = 0x10_0000;
const START_INFO: u64 = 0x6000;
const START_MAGIC: u32 = 0x336e_c578;
const RAM: usize = 64 << 20;
const LIMIT: u64 = 1_000_000_000;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The bench machine: RAM at 0, the debug console and the exit port.
struct Machine {
    ram: FlatBus,
    console: Vec<u8>,
    exit: Option<u32>,
}

// SAFETY: every page pointer comes from the one FlatBus the machine owns, under its identity.
unsafe impl Bus for Machine {
    fn id(&self) -> BusId {
        self.ram.id()
    }
    fn ram_page(&mut self, page: u64, write: bool) -> Option<NonNull<u8>> {
        self.ram.ram_page(page, write)
    }
    fn mmio_read(&mut self, pa: u64, size: u8) -> Result<u64, BusFault> {
        self.ram.mmio_read(pa, size)
    }
    fn mmio_write(&mut self, pa: u64, size: u8, value: u64) -> Result<(), BusFault> {
        self.ram.mmio_write(pa, size, value)
    }
}

impl Platform for Machine {
    fn port_write(&mut self, _cpu: u32, _now: u64, port: u16, _size: u8, value: u32) {
        match port {
            CONSOLE_PORT => self.console.push(value as u8),
            EXIT_PORT => self.exit = Some(value),
            _ => {}
        }
    }
}

/// One run of the guest image on our core: (console, guest instructions, wall time).
fn run_ours(bin: &[u8]) -> (Vec<u8>, u64, Duration) {
    let mut m = Machine {
        ram: FlatBus::new(0, RAM),
        console: Vec::new(),
        exit: None,
    };
    m.ram.load(LOAD, bin);
    let mut info = [0u8; 8];
    info[..4].copy_from_slice(&START_MAGIC.to_le_bytes());
    info[4..].copy_from_slice(&1u32.to_le_bytes());
    m.ram.load(START_INFO, &info);
    let mut cpu = Cpu::new();
    cpu.sys.sandbox = false;
    cpu.sys.cr0 = cr0::PE | cr0::ET;
    cpu.sys.cr4 = 0;
    cpu.sys.efer = 0;
    for r in [sreg::ES, sreg::SS, sreg::DS, sreg::FS, sreg::GS] {
        cpu.set_segment(r, Segment::flat(0x10, 0, false, 32));
    }
    cpu.set_segment(sreg::CS, Segment::flat(0x08, 0, true, 32));
    cpu.rflags = 2;
    cpu.regs[3] = START_INFO;
    cpu.rip = LOAD;
    let mut cache = BlockCache::new();
    let start = Instant::now();
    while m.exit.is_none() && cpu.insns < LIMIT {
        match cpu.run(&mut cache, &mut m, 100_000) {
            Exit::Budget => {}
            _ if m.exit.is_some() => {}
            other => {
                eprintln!(
                    "bench x86: run ended with {other:?} at rip {:#x}; console:\n{}",
                    cpu.rip,
                    String::from_utf8_lossy(&m.console)
                );
                std::process::exit(1);
            }
        }
    }
    (m.console, cpu.insns, start.elapsed())
}

/// One QEMU run of `elf`: (console, wall time including QEMU's start-up).
fn run_qemu(elf: &std::path::Path) -> (Vec<u8>, Duration) {
    let log = std::env::temp_dir().join(format!("bootemu-bench-x86-{}.txt", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let start = Instant::now();
    let out = Command::new("timeout")
        .args([
            "120",
            "qemu-system-x86_64",
            "-M",
            "microvm,pic=off,pit=off,rtc=off",
        ])
        .args([
            "-accel",
            "tcg",
            "-m",
            "64",
            "-nodefaults",
            "-nographic",
            "-no-reboot",
        ])
        .arg("-kernel")
        .arg(elf)
        .arg("-chardev")
        .arg(format!("file,id=con,path={}", log.display()))
        .args(["-device", "isa-debugcon,iobase=0xe9,chardev=con"])
        .args(["-device", "isa-debug-exit,iobase=0xf4,iosize=1"])
        .stdin(Stdio::null())
        .output()
        .expect("cannot run qemu-system-x86_64");
    let t = start.elapsed();
    // isa-debug-exit: QEMU exits with (value << 1) | 1; the guest writes 1.
    if out.status.code() != Some(3) {
        eprintln!(
            "bench x86: QEMU did not stop through isa-debug-exit: {}",
            out.status
        );
        std::process::exit(1);
    }
    let console = std::fs::read(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    (console, t)
}

fn fmt_times(v: &[Duration]) -> String {
    v.iter()
        .map(|d| format!("{:.3}s", d.as_secs_f64()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument that does not name us means skip.
    if let Some(filter) = std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        if !"x86".contains(filter.as_str()) {
            return;
        }
    }
    if !tool_present("x86_64-linux-gnu-as") {
        eprintln!("bench x86: x86_64-linux-gnu-as not found (run testdata/setup.sh); skipped");
        return;
    }
    let runs: usize = std::env::var("X86_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1);
    let status = Command::new("bash")
        .arg(root().join("testdata/x86/build.sh"))
        .arg("bench_loops")
        .status()
        .expect("cannot run testdata/x86/build.sh");
    assert!(status.success(), "testdata/x86/build.sh failed");
    let build = root().join("testdata/build/x86");
    let bin = std::fs::read(build.join("bench_loops.bin")).expect("read bench_loops.bin");

    let mut times = Vec::new();
    let mut ours = (Vec::new(), 0);
    for _ in 0..runs {
        let (console, insns, t) = run_ours(&bin);
        times.push(t);
        ours = (console, insns);
    }
    let (console, insns) = ours;
    if !console.ends_with(b"PASS\n") {
        eprintln!(
            "bench x86: the guest did not pass on our core; console:\n{}",
            String::from_utf8_lossy(&console)
        );
        std::process::exit(1);
    }
    print!(
        "bench_loops: checksums\n{}",
        String::from_utf8_lossy(&console)
    );
    let t = median(times.clone());
    println!("bench_loops: bootemu wall times {}", fmt_times(&times));
    println!(
        "bench_loops: bootemu median {:.3} s, {insns} guest instructions, {:.1} guest MIPS",
        t.as_secs_f64(),
        insns as f64 / 1e6 / t.as_secs_f64()
    );

    if std::env::var_os("X86_BENCH_NO_QEMU").is_some() {
        return;
    }
    if !tool_present("qemu-system-x86_64") {
        println!("bench x86: qemu-system-x86_64 not found; no QEMU comparison");
        return;
    }
    let mut qtimes = Vec::new();
    for _ in 0..runs {
        let (qconsole, qt) = run_qemu(&build.join("bench_loops.elf"));
        if qconsole != console {
            eprintln!(
                "bench x86: QEMU's console differs from ours:\n{}",
                String::from_utf8_lossy(&qconsole)
            );
            std::process::exit(1);
        }
        qtimes.push(qt);
    }
    let q = median(qtimes.clone());
    println!("bench_loops: qemu    wall times {}", fmt_times(&qtimes));
    println!(
        "bench_loops: qemu    median {:.3} s (same checksums); ratio bootemu/QEMU {:.2}",
        q.as_secs_f64(),
        t.as_secs_f64() / q.as_secs_f64()
    );
}
