//! The bare-metal x86 acceptance guest (issue 14): `testdata/x86/boot64.S`, assembled with
//! Debian's x86_64 binutils (`testdata/x86/build.sh`), runs on QEMU (`qemu-system-x86_64 -M
//! microvm`, TCG, booted through the guest's PVH note, console on the ISA debug console at port
//! 0xe9, stopped through isa-debug-exit at 0xf4) and on our core, entered the PVH way (32-bit
//! flat protected mode, paging off, EBX = an `hvm_start_info`), on a test machine with RAM, the
//! same two ports and nothing else. The guest checks itself (protected mode → page tables →
//! long mode → #PF ×3 and #GP handled through its IDT → PASS); the console our core prints must
//! equal QEMU's, byte for byte, and end with PASS.
//!
//! Skips with a notice when x86_64-linux-gnu-as or qemu-system-x86_64 is missing (run
//! testdata/setup.sh); under CI (`CI` set) their absence fails.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::ptr::NonNull;

use bootemu_cpu::aarch64::flat::FlatBus;
use bootemu_cpu::aarch64::{Bus, BusFault, BusId};
use bootemu_cpu::x86_64::system::{cr0, sreg, Segment};
use bootemu_cpu::x86_64::{BlockCache, Cpu, Exit, Platform};

/// The ISA debug console (QEMU's isa-debugcon default port).
const CONSOLE_PORT: u16 = 0xe9;
/// isa-debug-exit's port (as configured on QEMU's command line below).
const EXIT_PORT: u16 = 0xf4;
/// Where the guest is linked (testdata/x86/boot64.ld) and its PVH entry (the note's address).
const LOAD: u64 = 0x10_0000;
/// Where the test machine puts the `hvm_start_info`.
const START_INFO: u64 = 0x6000;
/// `hvm_start_info.magic` (Xen's public arch-x86/hvm/start_info.h, XEN_HVM_START_MAGIC_VALUE).
const START_MAGIC: u32 = 0x336e_c578;
/// RAM of the test machine (QEMU runs with -m 64).
const RAM: usize = 64 << 20;
/// Instruction limit for our run (the guest needs a few thousand).
const LIMIT: u64 = 10_000_000;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

fn tool(name: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether the tools are there; a notice (or, under CI, a failure) when not.
fn tools_present() -> bool {
    for t in ["x86_64-linux-gnu-as", "qemu-system-x86_64"] {
        if !tool(t) {
            assert!(!ci(), "{t} not found (run testdata/setup.sh)");
            eprintln!("NOTICE: {t} not found: x86 bare-metal test skipped (run testdata/setup.sh)");
            return false;
        }
    }
    true
}

/// Build the guest; paths of its ELF and flat image.
fn build(name: &str) -> (PathBuf, PathBuf) {
    let out = Command::new("bash")
        .arg(root().join("testdata/x86/build.sh"))
        .arg(name)
        .output()
        .expect("run testdata/x86/build.sh");
    assert!(
        out.status.success(),
        "testdata/x86/build.sh failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = root().join("testdata/build/x86");
    (
        dir.join(format!("{name}.elf")),
        dir.join(format!("{name}.bin")),
    )
}

/// QEMU's console for the guest.
fn qemu_console(elf: &Path) -> Vec<u8> {
    let log =
        std::env::temp_dir().join(format!("bootemu-x86-bare-metal-{}.txt", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let out = Command::new("timeout")
        .arg("60")
        .arg("qemu-system-x86_64")
        .args([
            "-M",
            "microvm,pic=off,pit=off,rtc=off",
            "-accel",
            "tcg",
            "-m",
            "64",
            "-nodefaults",
            "-nographic",
            "-no-reboot",
            "-kernel",
        ])
        .arg(elf)
        .arg("-chardev")
        .arg(format!("file,id=con,path={}", log.display()))
        .args([
            "-device",
            "isa-debugcon,iobase=0xe9,chardev=con",
            "-device",
            "isa-debug-exit,iobase=0xf4,iosize=1",
        ])
        .output()
        .expect("run qemu-system-x86_64");
    // isa-debug-exit makes QEMU exit with (value << 1) | 1: the guest writes 1.
    assert_eq!(
        out.status.code(),
        Some(3),
        "QEMU did not stop through isa-debug-exit: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let console = std::fs::read(&log).expect("read QEMU's console");
    let _ = std::fs::remove_file(&log);
    console
}

/// The test machine: RAM at 0, the debug console and the exit port.
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

/// Our console for the guest image `bin`, entered the PVH way.
fn our_console(bin: &[u8]) -> Result<Vec<u8>, String> {
    let mut m = Machine {
        ram: FlatBus::new(0, RAM),
        console: Vec::new(),
        exit: None,
    };
    m.ram.load(LOAD, bin);
    let mut info = [0u8; 8];
    info[..4].copy_from_slice(&START_MAGIC.to_le_bytes());
    info[4..].copy_from_slice(&1u32.to_le_bytes()); // version
    m.ram.load(START_INFO, &info);
    // The PVH entry state (Xen's docs/misc/pvh.pandoc): 32-bit flat protected mode, paging
    // off, EBX = the start info.
    let mut cpu = Cpu::new();
    // Exceptions go through the guest's IDT (not the oracles' sandbox rule).
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
    while m.exit.is_none() && cpu.insns < LIMIT {
        match cpu.run(&mut cache, &mut m, 10_000) {
            Exit::Budget => {}
            other if m.exit.is_some() => {
                let _ = other; // the guest stopped itself before this (its HLT loop)
            }
            other => {
                return Err(format!(
                    "run ended with {other:?} at rip {:#x} after {} instructions (forms \
                     raising #UD: {:?}); console so far:\n{}",
                    cpu.rip,
                    cpu.insns,
                    cpu.undefined,
                    String::from_utf8_lossy(&m.console)
                ));
            }
        }
    }
    if m.exit != Some(1) {
        return Err(format!(
            "no exit through port {EXIT_PORT:#x} in {LIMIT} instructions; console:\n{}",
            String::from_utf8_lossy(&m.console)
        ));
    }
    Ok(m.console)
}

#[test]
fn boot64_console_equals_qemus() {
    if !tools_present() {
        return;
    }
    let (elf, bin) = build("boot64");
    let expected = qemu_console(&elf);
    let text = String::from_utf8_lossy(&expected).into_owned();
    // QEMU's run is the oracle; it must itself have passed the guest's checks.
    assert!(text.ends_with("PASS\n"), "QEMU's console:\n{text}");
    let bin = std::fs::read(&bin).expect("read boot64.bin");
    let ours = our_console(&bin).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        String::from_utf8_lossy(&ours),
        text,
        "our console differs from QEMU's"
    );
}
