//! The PVH handoff rules (`pvh.*`), judged on the `hvm_start_info` EBX points at and the memory
//! it points into (Xen `include/public/arch-x86/hvm/start_info.h`): magic, version, command
//! line, modules (the initrd) and memory map. [`check_pvh`] judges them in report order.

use super::x86::{read_cstr, MemRead, X86Expected};
use super::{Check, Family, Rule, Status};
use crate::x86::e820;
use crate::x86::pvh::{
    self, StartInfo, MAGIC, MEMMAP_ENTRY_SIZE, MEMMAP_MAX, MODLIST_ENTRY_SIZE, START_INFO_SIZE,
};
use crate::x86::zero_page::COMMAND_LINE_SIZE;

/// A guest-physical range, `start..end`.
type Range = (u64, u64);

/// Judge a PVH entry with EBX = `ebx`, in report order.
pub fn check_pvh(ebx: u64, mem: MemRead, exp: &X86Expected) -> Vec<Check> {
    let Some(bytes) = mem(ebx, START_INFO_SIZE as u64) else {
        let mut out = vec![Check::new(
            Rule::PvhMagic,
            Status::Fail,
            format!("EBX {ebx:#x}: no hvm_start_info in RAM there"),
        )];
        out.extend(
            Rule::ALL
                .iter()
                .filter(|r| r.family() == Family::Pvh && **r != Rule::PvhMagic)
                .map(|&r| Check::new(r, Status::NotApplicable, "no hvm_start_info to read")),
        );
        return out;
    };
    let si = StartInfo::read(&bytes);
    let (cmdline, cmd_range) = cmdline_check(&si, mem, exp);
    let (modules, initrd, modlist) = modules_check(&si, mem, exp);
    let mut pieces: Vec<(&str, (u64, u64))> = exp.kernel.iter().map(|&k| ("kernel", k)).collect();
    pieces.extend(initrd.map(|r| ("initrd", r)));
    pieces.extend(modlist.map(|r| ("module list", r)));
    pieces.extend(cmd_range.map(|r| ("command line", r)));
    pieces.push((
        "start_info",
        (ebx, ebx.saturating_add(START_INFO_SIZE as u64)),
    ));
    vec![
        Check::pass_if(
            Rule::PvhMagic,
            si.magic == MAGIC,
            format!("magic {:#010x} at {ebx:#x}", si.magic),
        ),
        Check::pass_if(
            Rule::PvhVersion,
            si.version >= pvh::VERSION,
            format!("version {}", si.version),
        ),
        cmdline,
        modules,
        memmap_check(&si, mem, exp, &pieces),
    ]
}

fn cmdline_check(si: &StartInfo, mem: MemRead, exp: &X86Expected) -> (Check, Option<(u64, u64)>) {
    let r = Rule::PvhCmdline;
    let p = si.cmdline_paddr;
    if p == 0 {
        return (
            Check::pass_if(
                r,
                exp.cmdline.as_deref().unwrap_or("").is_empty(),
                "cmdline_paddr is 0 (no command line)",
            ),
            None,
        );
    }
    let max = COMMAND_LINE_SIZE as u64 - 1;
    let Some((s, terminated)) = read_cstr(mem, &exp.ram, p, max) else {
        return (
            Check::new(
                r,
                Status::Fail,
                format!("cmdline_paddr {p:#x} is not in RAM"),
            ),
            None,
        );
    };
    if !terminated {
        return (
            Check::new(
                r,
                Status::Fail,
                format!("cmdline_paddr {p:#x}: no NUL within {COMMAND_LINE_SIZE} bytes"),
            ),
            Some((p, p.saturating_add(s.len() as u64))),
        );
    }
    let range = (p, p.saturating_add(s.len() as u64 + 1));
    let s = String::from_utf8_lossy(&s).into_owned();
    let c = match &exp.cmdline {
        Some(w) => Check::pass_if(
            r,
            *w == s,
            if *w == s {
                format!("{s:?} at {p:#x}")
            } else {
                format!("{s:?} at {p:#x}, expected {w:?}")
            },
        ),
        None => Check::new(r, Status::Pass, format!("{s:?} at {p:#x}")),
    };
    (c, Some(range))
}

/// The `pvh.modules` check, the first module's range and the module list's range.
fn modules_check(
    si: &StartInfo,
    mem: MemRead,
    exp: &X86Expected,
) -> (Check, Option<Range>, Option<Range>) {
    let r = Rule::PvhModules;
    let n = si.nr_modules;
    // Where the initrd must be (bootemu put it), or which bytes it must be (a firmware did).
    let Some(initrd) = exp.initrd.map(Ok).or(exp.initrd_file.map(Err)) else {
        return (
            Check::pass_if(r, n == 0, format!("no initrd; nr_modules {n}")),
            None,
            None,
        );
    };
    let want = match initrd {
        Ok((s, e)) => format!("initrd at {s:#x}..{e:#x}"),
        Err((len, _)) => format!("an initrd of {len:#x} bytes"),
    };
    if n == 0 {
        return (
            Check::new(r, Status::Fail, format!("nr_modules 0; {want}")),
            None,
            None,
        );
    }
    let list = si.modlist_paddr;
    let list_len = n as u64 * MODLIST_ENTRY_SIZE as u64;
    let Some(first) = (list != 0)
        .then(|| mem(list, MODLIST_ENTRY_SIZE as u64))
        .flatten()
    else {
        return (
            Check::new(
                r,
                Status::Fail,
                format!("modlist_paddr {list:#x} is not in RAM"),
            ),
            None,
            None,
        );
    };
    let (paddr, size) = pvh::read_module(&first);
    let end = paddr.saturating_add(size);
    let seen = format!("{n} module(s) at {list:#x}, first {paddr:#x}..{end:#x}");
    let check = match initrd {
        Ok((s, e)) => Check::pass_if(r, paddr == s && end == e, format!("{seen}; {want}")),
        Err(file) => {
            let (held, why) = super::x86::holds_initrd(mem, paddr, size, file);
            Check::pass_if(r, held, format!("{seen}: {why}"))
        }
    };
    (
        check,
        Some((paddr, end)),
        Some((list, list.saturating_add(list_len))),
    )
}

fn memmap_check(
    si: &StartInfo,
    mem: MemRead,
    exp: &X86Expected,
    pieces: &[(&str, (u64, u64))],
) -> Check {
    let r = Rule::PvhMemmap;
    let (p, n) = (si.memmap_paddr, si.memmap_entries as usize);
    if si.version < pvh::VERSION {
        return Check::new(
            r,
            Status::Fail,
            format!("version {}: no memory map fields", si.version),
        );
    }
    if n == 0 || n > MEMMAP_MAX {
        return Check::new(
            r,
            Status::Fail,
            format!("memmap_entries {n} (1..{MEMMAP_MAX})"),
        );
    }
    let len = (n * MEMMAP_ENTRY_SIZE) as u64;
    let Some(bytes) = (p != 0).then(|| mem(p, len)).flatten() else {
        return Check::new(
            r,
            Status::Fail,
            format!("memmap_paddr {p:#x} is not in RAM"),
        );
    };
    let map = pvh::read_memmap(&bytes);
    if let Some(why) = super::x86::map_fault(&map, &exp.ram) {
        return Check::new(r, Status::Fail, why);
    }
    let mut all = pieces.to_vec();
    all.push(("memory map", (p, p.saturating_add(len))));
    let missing: Vec<String> = all
        .iter()
        .filter(|(_, (s, e))| !e820::covered_as_ram(&map, *s, *e))
        .map(|(w, (s, e))| format!("{w} {s:#x}..{e:#x}"))
        .collect();
    if missing.is_empty() {
        Check::new(
            r,
            Status::Pass,
            format!(
                "{n} entries at {p:#x}, describing {} ranges as RAM",
                all.len()
            ),
        )
    } else {
        Check::new(
            r,
            Status::Fail,
            format!("not RAM in the memory map: {}", missing.join(", ")),
        )
    }
}
