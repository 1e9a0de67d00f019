//! The x86 boot groundwork on Debian bookworm's amd64 kernel (issue "x86_64 machine and boot
//! protocols"): the bzImage's setup header, the ELF vmlinux extracted
//! from it (its PVH note), the boot layouts bootemu builds for both protocols and the x86
//! handoff checks on them, and `bootemu inspect`'s view; and, on a synthetic bzImage (no
//! artifacts needed), `--kernel-offset` against a kernel that is not relocatable and broken
//! headers at the command line (exit 2, one line naming the file and the rule or field); and
//! both kernels booted on the x86 machine (`--machine microvm`) to the initramfs's marker: exit
//! 0, the guest's /proc/cmdline and the kernel's own `Command line:` equal to `--append`, every
//! x86 handoff check PASS.
//!
//! Oracles: the reference facts measured with QEMU (`../shared/reference/README.md`, x86 part:
//! boot protocol 2.15, relocatable, kernel_alignment 2 MiB, pref_address 0x100_0000, init_size
//! about 64 MiB, XZ payload, PVH entry 0x100_0850), `file(1)`'s view of the bzImage (its kernel
//! version string) and binutils' `readelf` on the vmlinux (e_entry, program headers, the Xen
//! note of type 0x12), each run when installed; QEMU's own PVH handoff (its registers and
//! descriptor caches at the kernel's PVH entry, read through gdb) for the `pvh-entry.*` rules.
//!
//! The artifacts come from testdata/fetch-linux-amd64.sh; without them the tests print a notice
//! and pass, except under CI (env `CI` set), where they fail.

mod common;

use std::process::Command;

use bootemu_boot::acpi::x86::X86MachineDesc;
use bootemu_boot::bzimage::{Compression, Header};
use bootemu_boot::elf::Pvh;
use bootemu_boot::handoff::{
    any_failed, check_boot_params, check_pvh, check_x86_entry, Check, X86Expected,
};
use bootemu_boot::x86::gdt::{Segment, TableReg};
use bootemu_boot::x86::{self, X86Boot, X86Entry, X86EntryState, X86Linux};
use bootemu_boot::Format;
use common::run::{bootemu, text, Run, MARKER};
use common::{amd64_artifacts as artifacts, tool_present, Amd64Artifacts};

/// The guest memory of the layouts.
const MEM: u64 = 512 << 20;
const APPEND: &str = "console=ttyS0 panic=-1";

fn read(p: &std::path::Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The x86 layout of `kernel` with the marker initramfs and [`APPEND`].
fn layout(a: &Amd64Artifacts, kernel: &[u8], offset: Option<u64>) -> X86Boot {
    let plan = bootemu_boot::plan_at(kernel, x86::kernel_ram(MEM), offset).unwrap();
    x86::complete(
        plan,
        MEM,
        &X86Linux {
            initrd: Some(read(&a.initramfs)),
            cmdline: Some(APPEND.into()),
            acpi: Some(X86MachineDesc::microvm(1)),
        },
    )
    .unwrap()
}

fn judge(b: &X86Boot) -> Vec<Check> {
    let exp = X86Expected::of(b, Some(APPEND));
    let mem = |a, l| b.read(a, l);
    let mut c = match b.entry {
        X86Entry::Linux64 { rsi, .. } => check_boot_params(rsi, &mem, &exp),
        X86Entry::Pvh { ebx, .. } => check_pvh(ebx, &mem, &exp),
    };
    c.extend(check_x86_entry(&b.state, &mem, &exp));
    c
}

#[test]
fn debian_bzimage_header_matches_the_reference_facts() {
    let Some(a) = artifacts() else { return };
    let bytes = read(&a.bzimage);
    let h = Header::parse(&bytes).expect("a bzImage").unwrap();
    assert_eq!(h.boot_flag, 0xaa55);
    assert_eq!(h.version_string(), "2.15");
    assert!(h.relocatable);
    assert_eq!(h.kernel_alignment, 2 << 20);
    assert_eq!(h.pref_address, 0x100_0000);
    // "init_size ≈ 64 MiB".
    let mib = h.init_size >> 20;
    assert!((60..=68).contains(&mib), "init_size {:#x}", h.init_size);
    assert_eq!(h.payload, Some(Compression::Xz));
    // The payload offset from the header lands on the full XZ magic, the first in the file
    // (where fetch-linux-amd64.sh's search found the stream it decompressed).
    let magic = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
    let at = (h.setup_size() + h.payload_offset as u64) as usize;
    assert_eq!(bytes[at..at + 6], magic);
    let first = bytes.windows(6).position(|w| w == magic);
    assert_eq!(first, Some(at));
    assert!(at as u64 + h.payload_length as u64 <= bytes.len() as u64);
    // The 64-bit entry and the loader's defaults.
    assert_ne!(h.xloadflags & bootemu_boot::bzimage::XLF_KERNEL_64, 0);
    assert_eq!(h.code32_start, 0x10_0000);

    // file(1): "Linux kernel x86 boot executable bzImage, version <kernel_version>, ...".
    if !tool_present("file") {
        eprintln!("NOTICE: file(1) not found: its view of the bzImage not compared");
        return;
    }
    let out = Command::new("file")
        .arg("-b")
        .arg(&a.bzimage)
        .output()
        .unwrap();
    let f = text(&out.stdout);
    assert!(f.contains("bzImage"), "{f}");
    let v = f
        .split_once("version ")
        .map(|(_, v)| v.split(", ").next().unwrap_or(""))
        .unwrap_or_else(|| panic!("no version in {f:?}"));
    assert_eq!(h.kernel_version.as_deref(), Some(v.trim()), "{f}");
}

#[test]
fn debian_vmlinux_is_an_x86_64_elf_with_its_pvh_entry() {
    let Some(a) = artifacts() else { return };
    let bytes = read(&a.vmlinux);
    let p = bootemu_boot::plan(&bytes, x86::kernel_ram(MEM)).unwrap();
    let Format::Elf {
        arch,
        segments,
        pvh,
    } = p.format
    else {
        panic!("{}", p.format)
    };
    assert_eq!(arch, bootemu_boot::Arch::X86_64);
    assert_eq!(pvh, Pvh::Present(0x100_0850));
    // With an offset the note is ignored and every PT_LOAD moves by it.
    let moved = bootemu_boot::plan_at(&bytes, x86::kernel_ram(MEM), Some(0x100_0000)).unwrap();
    assert!(matches!(
        moved.format,
        Format::Elf {
            pvh: Pvh::Ignored,
            ..
        }
    ));
    for (b, m) in p.blobs.iter().zip(&moved.blobs) {
        assert_eq!(m.addr, b.addr + 0x100_0000);
    }
    assert_eq!(moved.entry, p.entry + 0x100_0000);

    if !tool_present("readelf") {
        eprintln!("NOTICE: readelf not found: the vmlinux not compared with binutils");
        return;
    }
    let out = Command::new("readelf")
        .args(["-hlnW"])
        .arg(&a.vmlinux)
        .output()
        .unwrap();
    let r = text(&out.stdout);
    assert!(r.contains("Advanced Micro Devices X86-64"), "{r}");
    let entry = r
        .lines()
        .find_map(|l| l.trim().strip_prefix("Entry point address:"))
        .map(|v| u64::from_str_radix(v.trim().trim_start_matches("0x"), 16).unwrap());
    assert_eq!(entry, Some(p.entry));
    // Every LOAD line: its PhysAddr is where bootemu put the segment.
    let paddrs: Vec<u64> = r
        .lines()
        .filter(|l| l.trim_start().starts_with("LOAD"))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            u64::from_str_radix(f[3].trim_start_matches("0x"), 16).unwrap()
        })
        .collect();
    let ours: Vec<u64> = p.blobs.iter().map(|b| b.addr).collect();
    assert_eq!(paddrs, ours);
    assert_eq!(segments, ours.len());
    // readelf does not name Xen's note 0x12 (XEN_ELFNOTE_PHYS32_ENTRY): its description bytes,
    // on the note's line with -W (on the next line without).
    let mut lines = r.lines();
    let desc = lines
        .by_ref()
        .find(|l| l.contains("Xen") && l.contains("(0x00000012)"))
        .map(|l| {
            l.split_once("description data:")
                .map(|(_, d)| d.to_string())
        })
        .map(|d| {
            d.or_else(|| {
                lines
                    .next()
                    .and_then(|n| n.split_once("description data:"))
                    .map(|(_, d)| d.to_string())
            })
        })
        .and_then(|d| d)
        .unwrap_or_else(|| panic!("no Xen note 0x12 in:\n{r}"));
    let desc: Vec<&str> = desc.split_whitespace().collect();
    let le: Vec<u8> = desc[..4]
        .iter()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect();
    assert_eq!(
        Pvh::Present(u32::from_le_bytes(le.try_into().unwrap()) as u64),
        pvh
    );
}

#[test]
fn debian_layouts_pass_every_x86_check() {
    let Some(a) = artifacts() else { return };
    let bz = read(&a.bzimage);
    let vmlinux = read(&a.vmlinux);
    // bzImage, 64-bit protocol at code32_start + 0x200.
    let b = layout(a, &bz, None);
    assert_eq!(
        b.entry,
        X86Entry::Linux64 {
            rip: 0x10_0200,
            rsi: x86::ZERO_PAGE_ADDR
        }
    );
    let c = judge(&b);
    assert_eq!(c.len(), 9 + 6);
    assert!(c.iter().all(|c| c.status.label() == "PASS"), "{c:#?}");
    // The vmlinux through PVH.
    let b = layout(a, &vmlinux, None);
    assert_eq!(
        b.entry,
        X86Entry::Pvh {
            eip: 0x100_0850,
            ebx: x86::PVH_INFO_ADDR
        }
    );
    let c = judge(&b);
    assert_eq!(c.len(), 5 + 5);
    assert!(c.iter().all(|c| c.status.label() == "PASS"), "{c:#?}");
    // The vmlinux moved: the 64-bit protocol at the moved e_entry.
    let b = layout(a, &vmlinux, Some(0x100_0000));
    assert!(matches!(
        b.entry,
        X86Entry::Linux64 {
            rip: 0x200_0000,
            ..
        }
    ));
    assert!(!any_failed(&judge(&b)));
    // A broken loader on the real files: PVH with a bad magic.
    let mut b = layout(a, &vmlinux, None);
    let si = b
        .plan
        .blobs
        .iter_mut()
        .find(|x| x.addr == x86::PVH_INFO_ADDR)
        .unwrap();
    si.bytes[3] ^= 0x80;
    let failed: Vec<&str> = judge(&b)
        .iter()
        .filter(|c| c.status.label() == "FAIL")
        .map(|c| c.id())
        .collect();
    assert_eq!(failed, ["pvh.magic"]);
}

#[test]
fn inspect_shows_the_bzimage_header_and_both_protocols() {
    let Some(a) = artifacts() else { return };
    let bz = a.bzimage.to_str().unwrap();
    let initrd = a.initramfs.to_str().unwrap();
    let o = bootemu(&["inspect", bz, "--initrd", initrd, "--append", APPEND]);
    let s = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    for line in [
        "  boot protocol 2.15\n",
        "  relocatable_kernel yes\n",
        "  kernel_alignment 0x200000\n",
        "  pref_address 0x1000000\n",
        "  code32_start 0x100000\n",
        "  payload XZ at offset ",
        "protocol: 64-bit boot protocol (bzImage",
        "entry: 0x100200 in 64-bit mode, RSI 0x7000 (zero page)",
        "zero page (boot_params)",
        "entry state (64-bit boot protocol):\n",
        "  CR0 0x80000001  CR3 0x9000  CR4 0x20  EFER 0x500\n",
        "  CS sel 0x0010 base 0x0 limit 0xffffffff type 0xb S P L dpl 0\n",
        "ACPI: RSDP at 0xf0000 ",
        "PASS    entry64.identity-map  ",
        "PASS    entry64.boot-cs  ",
    ] {
        assert!(s.contains(line), "{line:?} not in:\n{s}");
    }
    // An absolute load address: aligned, and one the relocatable kernel realigns.
    let o = bootemu(&["inspect", bz, "--kernel-offset", "0x2000000"]);
    let s = text(&o.stdout);
    assert!(s.contains("entry: 0x2000200 "), "{s}");
    assert!(
        s.contains("load address 0x2000000 (--kernel-offset), runtime start 0x2000000\n"),
        "{s}"
    );
    let o = bootemu(&["inspect", bz, "--kernel-offset", "0x2001000"]);
    let s = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        s.contains("runtime start 0x2200000 (the kernel realigns itself"),
        "{s}"
    );

    let v = a.vmlinux.to_str().unwrap();
    let o = bootemu(&["inspect", v, "--initrd", initrd]);
    let s = text(&o.stdout);
    assert!(
        s.contains("protocol: PVH (ELF with a PVH note and no offset: PVH)"),
        "{s}"
    );
    assert!(
        s.contains("ELF64 x86-64, 4 PT_LOAD segment(s), PVH entry note: present (entry 0x1000850)"),
        "{s}"
    );
    assert!(s.contains("EBX 0x6000 (hvm_start_info)"), "{s}");
    assert!(s.contains("  CR0 0x1  CR3 0x0  CR4 0x0  EFER 0x0\n"), "{s}");
    assert!(s.contains("PASS    pvh-entry.segments  "), "{s}");
    assert!(!s.contains("FAIL "), "{s}");
    let o = bootemu(&["inspect", v, "--kernel-offset", "0x1000000"]);
    let s = text(&o.stdout);
    assert!(
        s.contains("PVH entry note: ignored because an offset was given"),
        "{s}"
    );
    assert!(
        s.contains("0x0002000000..0x00038eacdc  ELF PT_LOAD #0"),
        "{s}"
    );
    // The aarch64 machines refuse an x86 kernel in one line (exit 2).
    let o = bootemu(&["run", "--machine", "virt", "--kernel", v]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.contains("an x86-64 kernel"), "{e}");
}

/// A scratch file holding `bytes`.
fn scratch(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("bootemu-x86-{}-{name}", std::process::id()));
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn bzimage_placement_rules_and_broken_headers_at_the_command_line() {
    // A synthetic bzImage that is not relocatable (kernel_alignment 2 MiB, pref_address
    // 0x100_0000): an aligned address at or above pref_address is planned, a misaligned one is
    // refused with exit 2 in one line naming the rule.
    let mut code = vec![0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
    code.resize(0x2000, 0x90);
    let mut b = bootemu_boot::bzimage::synthetic(0x020f, 8, &code);
    b[0x234] = 0;
    let f = scratch("nonreloc.bzImage", &b);
    let f = f.to_str().unwrap();
    let o = bootemu(&["inspect", f, "--kernel-offset", "0x1200000"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("entry: 0x1200200 "),
        "{}",
        text(&o.stdout)
    );
    let o = bootemu(&["inspect", f, "--kernel-offset", "0x1201000"]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.contains(f) && e.contains("not a multiple of kernel_alignment 0x200000"),
        "{e}"
    );
    assert!(e.contains(bootemu_boot::bzimage::RULE_ALIGNMENT), "{e}");
    // Truncated in the setup code, and a bad boot flag: one line naming the file and the field.
    for (name, bytes, says) in [
        (
            "short.bzImage",
            &b[..0x800],
            "truncated bzImage: setup_sects 8",
        ),
        (
            "flag.bzImage",
            &[&b[..0x1fe], &[0, 0], &b[0x200..]].concat()[..],
            "boot_flag at 0x1fe is 0x0000",
        ),
    ] {
        let p = scratch(name, bytes);
        let o = bootemu(&["inspect", p.to_str().unwrap()]);
        let _ = std::fs::remove_file(&p);
        assert_eq!(o.status.code(), Some(2));
        let e = text(&o.stderr);
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.contains(name) && e.contains(says), "{e}");
    }
    let _ = std::fs::remove_file(f);
}

/// A segment line of QEMU's `info registers` (`CS =0008 00000000 ffffffff 00cf9a00 ...`):
/// selector, base, byte limit and the cached flags (descriptor bits 63:32 without the base).
fn qemu_segment(regs: &str, name: &str) -> Segment {
    let line = regs
        .lines()
        .find(|l| l.starts_with(name) && l[name.len()..].trim_start().starts_with('='))
        .unwrap_or_else(|| panic!("no {name} in:\n{regs}"));
    let f: Vec<u64> = line
        .split_once('=')
        .unwrap()
        .1
        .split_whitespace()
        .take(4)
        .map(|w| u64::from_str_radix(w, 16).unwrap())
        .collect();
    let flags = f[3];
    Segment {
        selector: f[0] as u16,
        base: f[1],
        limit: f[2] as u32,
        kind: (flags >> 8 & 0xf) as u8,
        code_data: flags >> 12 & 1 != 0,
        dpl: (flags >> 13 & 3) as u8,
        present: flags >> 15 & 1 != 0,
        avl: flags >> 20 & 1 != 0,
        long: flags >> 21 & 1 != 0,
        db: flags >> 22 & 1 != 0,
        granularity: flags >> 23 & 1 != 0,
    }
}

/// `NAME=hex` from QEMU's `info registers`.
fn qemu_reg(regs: &str, name: &str) -> u64 {
    let at = regs
        .find(&format!("{name}="))
        .unwrap_or_else(|| panic!("no {name} in:\n{regs}"));
    let v = regs[at + name.len() + 1..]
        .split(|c: char| !c.is_ascii_hexdigit())
        .next()
        .unwrap();
    u64::from_str_radix(v, 16).unwrap()
}

/// Run QEMU (`machine` arguments) on the Debian vmlinux, stop it with gdb at the kernel's PVH
/// entry (0x100_0850), and return QEMU's `info registers` and the memory `ranges` (start, end)
/// dumped there. `None` (after a notice) without qemu-system-x86_64 or gdb.
fn qemu_at_pvh_entry(
    a: &Amd64Artifacts,
    machine: &[&str],
    ranges: &[(u64, u64)],
) -> Option<(String, Vec<Vec<u8>>)> {
    if !tool_present("qemu-system-x86_64") || !tool_present("gdb") {
        eprintln!("NOTICE: qemu-system-x86_64 or gdb not found: QEMU's PVH handoff not read");
        return None;
    }
    let dir = std::env::temp_dir().join(format!(
        "bootemu-x86-qemu-{}-{}",
        std::process::id(),
        machine.join("-").replace([',', '='], "_")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("gdb.sock");
    let mut qemu = Command::new("qemu-system-x86_64")
        .args(machine)
        .args(["-cpu", "qemu64", "-display", "none"])
        .args(["-serial", "null", "-monitor", "none", "-no-reboot", "-S"])
        .arg("-chardev")
        .arg(format!(
            "socket,id=g,path={},server=on,wait=off",
            sock.display()
        ))
        .args(["-gdb", "chardev:g", "-kernel"])
        .arg(&a.vmlinux)
        .args(["-append", APPEND])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if sock.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let mut gdb = Command::new("gdb");
    gdb.args(["-q", "-batch", "-nx"])
        .args(["-ex", "set architecture i386:x86-64"])
        .args(["-ex", &format!("target remote {}", sock.display())])
        .args(["-ex", "hbreak *0x1000850", "-ex", "continue"])
        .args(["-ex", "monitor info registers"]);
    for (i, (s, e)) in ranges.iter().enumerate() {
        gdb.args([
            "-ex",
            &format!(
                "dump binary memory {} {s:#x} {e:#x}",
                dir.join(format!("{i}.bin")).display()
            ),
        ]);
    }
    let out = gdb.output().unwrap();
    let _ = qemu.kill();
    let _ = qemu.wait();
    // gdb prints the monitor's answer on stdout or stderr depending on its version.
    let regs = format!("{}{}", text(&out.stdout), text(&out.stderr));
    let dumps = (0..ranges.len())
        .map(|i| {
            std::fs::read(dir.join(format!("{i}.bin")))
                .unwrap_or_else(|e| panic!("no memory dump ({e}):\n{regs}"))
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(qemu_reg(&regs, "EIP"), 0x100_0850, "{regs}");
    Some((regs, dumps))
}

#[test]
fn qemus_own_pvh_handoff_passes_the_pvh_entry_rules() {
    // Oracle: QEMU 10's PVH loader (`-M pc -kernel vmlinux`, its pvh.bin option ROM) stopped by
    // gdb at the kernel's PVH entry; its state from QEMU's `info registers` and its low 1 MiB
    // (GDT, hvm_start_info) dumped. The pvh-entry.* rules judge that real handoff.
    let Some(a) = artifacts() else { return };
    let Some((regs, dumps)) = qemu_at_pvh_entry(a, &["-M", "pc", "-m", "512M"], &[(0, 0x10_0000)])
    else {
        return;
    };
    let low = &dumps[0];
    assert_eq!(qemu_reg(&regs, "EIP"), 0x100_0850, "{regs}");

    let ebx = qemu_reg(&regs, "EBX");
    let mut gpr = [0u64; 16];
    gpr[x86::entry::RBX] = ebx;
    let gdt: Vec<u64> = regs
        .lines()
        .find(|l| l.starts_with("GDT="))
        .unwrap()
        .split_whitespace()
        .skip(1)
        .map(|w| u64::from_str_radix(w, 16).unwrap())
        .collect();
    let state = X86EntryState {
        mode: x86::entry::Mode::Protected32,
        rip: qemu_reg(&regs, "EIP"),
        rflags: qemu_reg(&regs, "EFL"),
        gpr,
        cr0: qemu_reg(&regs, "CR0"),
        cr3: qemu_reg(&regs, "CR3"),
        cr4: qemu_reg(&regs, "CR4"),
        efer: qemu_reg(&regs, "EFER"),
        cs: qemu_segment(&regs, "CS"),
        ds: qemu_segment(&regs, "DS"),
        es: qemu_segment(&regs, "ES"),
        ss: qemu_segment(&regs, "SS"),
        fs: qemu_segment(&regs, "FS"),
        gs: qemu_segment(&regs, "GS"),
        tr: qemu_segment(&regs, "TR"),
        ldtr: qemu_segment(&regs, "LDT"),
        gdtr: TableReg {
            base: gdt[0],
            limit: gdt[1] as u16,
        },
        idtr: TableReg::default(),
    };
    // What QEMU hands over (CR0 = PE | ET: ET reads as 1 and the rule ignores it).
    assert_eq!((state.cr0, state.cr4, state.efer), (0x11, 0, 0), "{regs}");
    let exp = X86Expected {
        ram: vec![bootemu_boot::Ram { base: 0, size: MEM }],
        cmdline: Some(APPEND.into()),
        initrd: None,
        initrd_file: None,
        header: None,
        load: 0x100_0000,
        kernel: Vec::new(),
        info: ebx,
    };
    let mem = |addr: u64, len: u64| {
        let (s, l) = (usize::try_from(addr).ok()?, usize::try_from(len).ok()?);
        low.get(s..s.checked_add(l)?).map(<[u8]>::to_vec)
    };
    let c = check_x86_entry(&state, &mem, &exp);
    assert_eq!(c.len(), 5);
    for c in &c {
        assert_eq!(c.status.label(), "PASS", "{c:?}\n{regs}");
    }
    // The start_info EBX points at, by the pvh.* rules' first two.
    let c = check_pvh(ebx, &mem, &exp);
    assert_eq!((c[0].id(), c[0].status.label()), ("pvh.magic", "PASS"));
    assert_eq!((c[1].id(), c[1].status.label()), ("pvh.version", "PASS"));
}

/// The table with `signature` that the XSDT at `xsdt` lists, read through `mem`.
fn qemu_table(mem: &dyn Fn(u64, u64) -> Option<Vec<u8>>, xsdt: u64, signature: &[u8]) -> Vec<u8> {
    let len = |at: u64| u32::from_le_bytes(mem(at + 4, 4).unwrap().try_into().unwrap()) as u64;
    let x = mem(xsdt, len(xsdt)).unwrap();
    x[36..]
        .chunks_exact(8)
        .map(|p| u64::from_le_bytes(p.try_into().unwrap()))
        .map(|at| mem(at, len(at)).unwrap())
        .find(|t| &t[..4] == signature)
        .unwrap_or_else(|| panic!("no {} table", String::from_utf8_lossy(signature)))
}

#[test]
fn our_x86_acpi_tables_describe_what_qemu_microvm_describes() {
    // Oracle: QEMU 10's microvm (`pic=off,ioapic2=off`, 2 CPUs, 64 MiB) stopped at the kernel's
    // PVH entry, its tables read from guest memory (RSDP in the BIOS area, tables at the top of
    // RAM). Its MADT is ours byte for byte; its FADT has the same flags (its sleep and reset
    // registers are its GED's MMIO, ours an I/O port); its DSDT has COM1 (EISA PNP0501) and the
    // CMOS RTC (EISA PNP0B00 at I/O 0x70, 8 ports) too.
    let Some(a) = artifacts() else { return };
    let machine = [
        "-M",
        "microvm,pic=off,ioapic2=off",
        "-smp",
        "2",
        "-m",
        "64M",
    ];
    let ranges = [(0xe_0000, 0x10_0000), (0x3ff_0000, 0x400_0000)];
    let Some((_, dumps)) = qemu_at_pvh_entry(a, &machine, &ranges) else {
        return;
    };
    let mem = |addr: u64, len: u64| -> Option<Vec<u8>> {
        ranges.iter().zip(&dumps).find_map(|(&(s, e), d)| {
            let end = addr.checked_add(len)?;
            (addr >= s && end <= e).then(|| d[(addr - s) as usize..(end - s) as usize].to_vec())
        })
    };
    let rsdp = (0xe_0000..0x10_0000u64)
        .step_by(16)
        .find(|&p| mem(p, 8).as_deref() == Some(b"RSD PTR "))
        .expect("QEMU's RSDP in the BIOS area");
    let xsdt = u64::from_le_bytes(mem(rsdp + 24, 8).unwrap().try_into().unwrap());
    let qemu_madt = qemu_table(&mem, xsdt, b"APIC");
    let qemu_fadt = qemu_table(&mem, xsdt, b"FACP");
    let qemu_dsdt = {
        let at = u64::from_le_bytes(qemu_fadt[140..148].try_into().unwrap());
        let len = u32::from_le_bytes(mem(at + 4, 4).unwrap().try_into().unwrap());
        mem(at, len as u64).unwrap()
    };

    let ours = bootemu_boot::acpi::x86::build(&X86MachineDesc::microvm(2)).unwrap();
    let table = |sig: &[u8]| {
        let i = ours.tables.iter().find(|i| i.signature == sig).unwrap();
        let off = (i.addr - ours.rsdp) as usize;
        ours.blob[off..off + i.len as usize].to_vec()
    };
    let (madt, fadt, dsdt) = (table(b"APIC"), table(b"FACP"), table(b"DSDT"));
    // MADT: revision, then everything after the header (local APIC address, flags, structures).
    assert_eq!(madt[8], qemu_madt[8], "MADT revision");
    assert_eq!(&madt[36..], &qemu_madt[36..], "MADT body");
    // FADT flags: HW_REDUCED_ACPI | RESET_REG_SUP; IAPC_BOOT_ARCH.
    assert_eq!(&fadt[112..116], &qemu_fadt[112..116], "FADT flags");
    assert_eq!(&fadt[109..111], &qemu_fadt[109..111], "FADT IAPC_BOOT_ARCH");
    assert_eq!(&qemu_fadt[112..116], &0x0010_0400u32.to_le_bytes());
    // COM1: DWordConst EISAID("PNP0501") in both DSDTs.
    let pnp0501 = [0x0c, 0x41, 0xd0, 0x05, 0x01];
    // The CMOS RTC: DWordConst EISAID("PNP0B00"), then its _CRS: IO (Decode16, 0x70, 0x70, 1,
    // 8) as the small I/O port descriptor 0x47 0x01 0x70 0x00 0x70 0x00 0x01 0x08 (QEMU's
    // `rtc_build_aml`); the IRQ 8 forms differ (QEMU: IRQNoFlags, ours: Interrupt).
    let pnp0b00 = [0x0c, 0x41, 0xd0, 0x0b, 0x00];
    let rtc_io = [0x47, 0x01, 0x70, 0x00, 0x70, 0x00, 0x01, 0x08];
    for (who, d) in [("ours", &dsdt), ("QEMU's", &qemu_dsdt)] {
        assert!(
            d.windows(5).any(|w| w == pnp0501),
            "{who} DSDT has no PNP0501"
        );
        assert!(
            d.windows(5).any(|w| w == pnp0b00),
            "{who} DSDT has no PNP0B00"
        );
        assert!(
            d.windows(8).any(|w| w == rtc_io),
            "{who} DSDT has no IO (Decode16, 0x70, 0x70, 1, 8)"
        );
    }
}

/// `bootemu run --kernel <kernel> --initrd <initramfs> --append <append> --expect MARKER -q
/// <extra...>` (no `--machine`: an x86 kernel picks microvm).
fn run_x86(kernel: &std::path::Path, a: &Amd64Artifacts, append: &str, extra: &[&str]) -> Run {
    let mut args = vec!["--expect", MARKER, "-q"];
    args.extend_from_slice(extra);
    common::run::linux(kernel, &a.initramfs, append, &args)
}

/// The boot reached the marker with exit 0, the guest's /proc/cmdline and the kernel's own
/// command line equal to `append`, and every handoff check passed.
fn assert_reached_userspace(b: &Run, append: &str, protocol: &str) {
    assert_reached_userspace_with(b, append, protocol, &[]);
}

/// [`assert_reached_userspace`], with the checks named in `na` "n/a" instead of passed.
fn assert_reached_userspace_with(b: &Run, append: &str, protocol: &str, na: &[&str]) {
    assert_eq!(b.out.status.code(), Some(0), "{}", b.why());
    assert!(b.console.contains(MARKER), "{}", b.why());
    assert_eq!(b.guest_cmdline(), Some(append), "{}", b.why());
    assert!(
        b.console.contains(&format!("Command line: {append}")),
        "{}",
        b.why()
    );
    assert_eq!(b.report["kernel_cmdline"], append, "{}", b.why());
    assert_eq!(b.report["exit_reason"], "expect-seen", "{}", b.why());
    assert_eq!(b.report["protocol"], protocol, "{}", b.why());
    let checks = b.report["checks"].as_array().expect("checks");
    assert!(checks.len() > 5, "{}", b.why());
    for c in checks {
        let want = if na.iter().any(|id| c["id"] == *id) {
            "n/a"
        } else {
            "pass"
        };
        assert_eq!(c["status"], want, "{c}\n{}", b.why());
    }
}

#[test]
fn debian_vmlinux_boots_to_userspace_through_pvh() {
    let Some(a) = artifacts() else {
        return;
    };
    let append = "console=ttyS0 panic=-1 bootemu.test=pvh";
    let b = run_x86(&a.vmlinux, a, append, &["--max-insns", "4000000000"]);
    assert_reached_userspace(&b, append, "PVH");
    // The CMOS RTC through its DSDT device (PNP0B00 after COM1's PNP0501: PNP device 00:01)
    // with IRQ 8: the line QEMU microvm's boot of this kernel prints too ("rtc_cmos 00:01:
    // registered as rtc0"), not the platform fallback whose probe fails with -22.
    assert!(
        b.console.contains("rtc_cmos 00:01: registered as rtc0"),
        "{}",
        b.why()
    );
    assert!(
        !b.console.contains("probe of rtc_cmos failed"),
        "{}",
        b.why()
    );
    // The legacy area 0xa0000..1 MiB is memory, as on QEMU's microvm: the kernel's scans of
    // it (option ROMs, MP table, SMBIOS) reach no unclaimed address.
    assert_eq!(b.report["unclaimed"], 0, "{}", b.why());
    // Deterministic: a second run gives the same console bytes and instruction count.
    let again = run_x86(&a.vmlinux, a, append, &["--max-insns", "4000000000"]);
    assert_eq!(again.console, b.console, "{}", again.why());
    assert!(b.report["instructions"].as_u64().is_some_and(|n| n > 0));
    assert_eq!(again.report["instructions"], b.report["instructions"]);
}

#[test]
fn debian_vmlinux_with_a_kernel_offset_boots_through_the_64_bit_protocol() {
    // linux-loader's rule: with a kernel_offset the PVH note is ignored; each PT_LOAD goes to
    // p_paddr + offset and the 64-bit protocol enters at the moved entry.
    let Some(a) = artifacts() else {
        return;
    };
    let append = "console=ttyS0 panic=-1 bootemu.test=offset";
    let b = run_x86(
        &a.vmlinux,
        a,
        append,
        &["--kernel-offset", "0x1000000", "--max-insns", "4000000000"],
    );
    assert!(
        text(&b.out.stderr).contains("ignored because an offset was given"),
        "{}",
        b.why()
    );
    // e_entry (0x1000000, startup_64 in the first PT_LOAD) moved by the offset.
    assert!(
        text(&b.out.stderr).contains("entry 0x2000000"),
        "{}",
        b.why()
    );
    // An ELF has no setup header to copy or judge, and it is placed by p_paddr, not by the
    // bzImage placement rule.
    assert_reached_userspace_with(
        &b,
        append,
        "64-bit boot protocol",
        &[
            "bootparams.header",
            "bootparams.version",
            "kernel.placement",
        ],
    );
}

#[test]
fn debian_bzimage_boots_to_userspace_through_the_64_bit_protocol() {
    let Some(a) = artifacts() else {
        return;
    };
    let append = "console=ttyS0 panic=-1 bootemu.test=bzimage";
    // The XZ decompressor runs 4.5 G instructions without a console line or device access:
    // a bzImage's default hang rule leaves room for it.
    let b = run_x86(&a.bzimage, a, append, &["--max-insns", "8000000000"]);
    assert!(
        text(&b.out.stderr).contains("bzImage: --hang-insns 8000000000 by default"),
        "{}",
        b.why()
    );
    assert_reached_userspace(&b, append, "64-bit boot protocol");
}
