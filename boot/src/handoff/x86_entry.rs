//! The x86 entry-state rules: the boot CPU's registers at the kernel's first instruction and the
//! descriptor tables and page tables they point into. `entry64.*` for the 64-bit boot protocol
//! (Linux `Documentation/arch/x86/boot.rst` "64-bit Boot Protocol"), `pvh-entry.*` for PVH (Xen
//! `docs/misc/pvh.pandoc`). [`check_x86_entry`] judges the family of the state's mode, in
//! report order.
//!
//! Everything is read back, not taken from the builder: GDT descriptors from memory at GDTR,
//! the identity map by walking the page tables from CR3 ([`crate::x86::paging::translate`]),
//! the zero page and `hvm_start_info` by their magic numbers. Memory is read through a closure,
//! as the other x86 rules do, so the same checks judge a built plan and guest memory.

use super::x86::{read_cstr, MemRead, X86Expected};
use super::{Check, Rule, Status};
use crate::bzimage::HDRS_OFFSET;
use crate::x86::entry::{cr0, cr4, efer, rflags, Mode, X86EntryState, BOOT_CS, BOOT_DS};
use crate::x86::gdt::{Segment, TableReg, TYPE_ACCESSED, TYPE_RW};
use crate::x86::paging::check_identity;
use crate::x86::zero_page::{ZeroPage, ZERO_PAGE_SIZE};

/// Judge the entry state `s` (its mode picks the family), in report order.
pub fn check_x86_entry(s: &X86EntryState, mem: MemRead, exp: &X86Expected) -> Vec<Check> {
    match s.mode {
        Mode::Long => vec![
            long_mode(s),
            boot_cs(s, mem),
            boot_ds(s, mem),
            identity_map(s, mem, exp),
            Check::pass_if(
                Rule::Entry64IfClear,
                s.rflags & rflags::IF == 0,
                format!("RFLAGS {:#x}", s.rflags),
            ),
            rsi(s, mem, exp),
        ],
        Mode::Protected32 => vec![
            pvh_cr0(s),
            Check::pass_if(Rule::PvhEntryCr4, s.cr4 == 0, format!("CR4 {:#x}", s.cr4)),
            pvh_segments(s, mem),
            Check::pass_if(
                Rule::PvhEntryEflags,
                s.rflags & (rflags::IF | rflags::TF | rflags::VM) == 0,
                format!("EFLAGS {:#x}", s.rflags),
            ),
            pvh_ebx(s, mem, exp),
        ],
    }
}

fn long_mode(s: &X86EntryState) -> Check {
    let ok = s.cr0 & (cr0::PE | cr0::PG) == cr0::PE | cr0::PG
        && s.cr4 & cr4::PAE != 0
        && s.efer & (efer::LME | efer::LMA) == efer::LME | efer::LMA
        && s.cs.long
        && !s.cs.db;
    Check::pass_if(
        Rule::Entry64LongMode,
        ok,
        format!(
            "CR0 {:#x}, CR4 {:#x}, EFER {:#x}, CS.L {} CS.D {}",
            s.cr0, s.cr4, s.efer, s.cs.long as u8, s.cs.db as u8
        ),
    )
}

/// The descriptor `selector` names in the GDT at `gdtr`, read from memory.
fn descriptor(mem: MemRead, gdtr: TableReg, selector: u16) -> Result<Segment, String> {
    if selector & 4 != 0 {
        return Err(format!("selector {selector:#x} is in the LDT"));
    }
    let at = (selector & !7) as u64;
    if at == 0 {
        return Err(format!("selector {selector:#x} is null"));
    }
    if at + 7 > gdtr.limit as u64 {
        return Err(format!(
            "selector {selector:#x} is past the GDT's limit {:#x}",
            gdtr.limit
        ));
    }
    let addr = gdtr.base.wrapping_add(at);
    let d = mem(addr, 8)
        .and_then(|b| Some(u64::from_le_bytes(b.get(..8)?.try_into().ok()?)))
        .ok_or(format!("GDT entry at {addr:#x} is not in memory"))?;
    Ok(Segment::from_descriptor(selector, d))
}

/// The loaded segment and its descriptor agree (the accessed bit aside: the CPU sets it when
/// it loads a descriptor).
fn agrees(loaded: &Segment, desc: &Segment) -> bool {
    let norm = |s: &Segment| Segment {
        kind: s.kind | TYPE_ACCESSED,
        ..*s
    };
    norm(loaded) == norm(desc)
}

/// What is wrong with `seg` as `selector`'s 4 GiB flat segment of the given kind (code:
/// execute/read, 64-bit when `long`, else 32-bit; data: read/write), loaded and in the GDT.
fn segment_fault(
    mem: MemRead,
    gdtr: TableReg,
    name: &str,
    seg: &Segment,
    code: Option<bool>,
    want_selector: Option<u16>,
) -> Option<String> {
    if let Some(w) = want_selector {
        if seg.selector != w {
            return Some(format!("{name} selector {:#x}, not {w:#x}", seg.selector));
        }
    }
    let kind_ok = |s: &Segment| match code {
        Some(long) => s.is_code() && s.kind & TYPE_RW != 0 && s.long == long && s.db != long,
        None => s.is_data() && s.kind & TYPE_RW != 0,
    };
    let what = match code {
        Some(true) => "64-bit execute/read code",
        Some(false) => "32-bit execute/read code",
        None => "read/write data",
    };
    let fault = |s: &Segment, how: &str| {
        if !s.present {
            Some(format!("{name} {how} is not present: {}", s.describe()))
        } else if !kind_ok(s) {
            Some(format!("{name} {how} is not {what}: {}", s.describe()))
        } else if !s.is_flat() {
            Some(format!("{name} {how} is not 4 GiB flat: {}", s.describe()))
        } else {
            None
        }
    };
    if let Some(f) = fault(seg, "as loaded") {
        return Some(f);
    }
    // PVH leaves the selectors unspecified: a selector outside the GDT is not judged there.
    let in_gdt = (seg.selector & !7) != 0 && (seg.selector & !7) as u64 + 7 <= gdtr.limit as u64;
    if want_selector.is_none() && !in_gdt {
        return None;
    }
    match descriptor(mem, gdtr, seg.selector) {
        Err(e) => Some(format!("{name}: {e}")),
        Ok(d) => fault(&d, "in the GDT").or_else(|| {
            (!agrees(seg, &d)).then(|| {
                format!(
                    "{name} as loaded ({}) differs from its GDT descriptor ({})",
                    seg.describe(),
                    d.describe()
                )
            })
        }),
    }
}

fn boot_cs(s: &X86EntryState, mem: MemRead) -> Check {
    let f = segment_fault(mem, s.gdtr, "CS", &s.cs, Some(true), Some(BOOT_CS));
    Check::pass_if(
        Rule::Entry64BootCs,
        f.is_none(),
        f.unwrap_or_else(|| format!("CS {}", s.cs.describe())),
    )
}

fn boot_ds(s: &X86EntryState, mem: MemRead) -> Check {
    let f = [("DS", &s.ds), ("ES", &s.es), ("SS", &s.ss)]
        .into_iter()
        .find_map(|(n, seg)| segment_fault(mem, s.gdtr, n, seg, None, Some(BOOT_DS)));
    Check::pass_if(
        Rule::Entry64BootDs,
        f.is_none(),
        f.unwrap_or_else(|| format!("DS = ES = SS: {}", s.ds.describe())),
    )
}

fn identity_map(s: &X86EntryState, mem: MemRead, exp: &X86Expected) -> Check {
    let r = Rule::Entry64IdentityMap;
    let mut pieces: Vec<(&str, (u64, u64))> = exp.kernel.iter().map(|&k| ("kernel", k)).collect();
    let zp = exp.info;
    pieces.push(("zero page", (zp, zp.saturating_add(ZERO_PAGE_SIZE as u64))));
    if let Some(bytes) = mem(zp, ZERO_PAGE_SIZE as u64) {
        let z = ZeroPage::read(&bytes);
        let ptr = z.cmd_line_ptr();
        if let Some((c, _)) = read_cstr(mem, &exp.ram, ptr, z.cmdline_size() as u64) {
            pieces.push((
                "command line",
                (ptr, ptr.saturating_add(c.len() as u64 + 1)),
            ));
        }
    }
    let read = |a, l| mem(a, l);
    for (what, (start, end)) in &pieces {
        if let Err(e) = check_identity(&read, s.cr3, *start, *end) {
            return Check::new(
                r,
                Status::Fail,
                format!("{what} {start:#x}..{end:#x}: {e} (CR3 {:#x})", s.cr3),
            );
        }
    }
    let list: Vec<String> = pieces
        .iter()
        .map(|(w, (a, b))| format!("{w} {a:#x}..{b:#x}"))
        .collect();
    Check::new(
        r,
        Status::Pass,
        format!("identity-mapped from CR3 {:#x}: {}", s.cr3, list.join(", ")),
    )
}

fn rsi(s: &X86EntryState, mem: MemRead, exp: &X86Expected) -> Check {
    let r = s.rsi();
    let hdrs = mem(r.wrapping_add(HDRS_OFFSET as u64), 4);
    let magic = hdrs.as_deref() == Some(&crate::bzimage::HDRS[..]);
    Check::pass_if(
        Rule::Entry64Rsi,
        r == exp.info,
        format!(
            "RSI {r:#x}{}; the zero page is at {:#x}",
            if magic {
                " (\"HdrS\" at +0x202)"
            } else {
                " (no \"HdrS\" at +0x202)"
            },
            exp.info
        ),
    )
}

fn pvh_cr0(s: &X86EntryState) -> Check {
    let ok = s.cr0 & !cr0::ET == cr0::PE && s.efer & efer::LME == 0;
    Check::pass_if(
        Rule::PvhEntryCr0,
        ok,
        format!("CR0 {:#x}, EFER {:#x}", s.cr0, s.efer),
    )
}

fn pvh_segments(s: &X86EntryState, mem: MemRead) -> Check {
    let f = segment_fault(mem, s.gdtr, "CS", &s.cs, Some(false), None).or_else(|| {
        [("DS", &s.ds), ("ES", &s.es), ("SS", &s.ss)]
            .into_iter()
            .find_map(|(n, seg)| {
                segment_fault(mem, s.gdtr, n, seg, None, None)
                    .or_else(|| (!seg.db).then(|| format!("{n} is not a 32-bit (big) segment")))
            })
    });
    Check::pass_if(
        Rule::PvhEntrySegments,
        f.is_none(),
        f.unwrap_or_else(|| format!("CS {}; DS = ES = SS: {}", s.cs.describe(), s.ds.describe())),
    )
}

fn pvh_ebx(s: &X86EntryState, mem: MemRead, exp: &X86Expected) -> Check {
    let ebx = s.rbx();
    let magic = mem(ebx, 4).and_then(|b| Some(u32::from_le_bytes(b.get(..4)?.try_into().ok()?)));
    Check::pass_if(
        Rule::PvhEntryEbx,
        ebx == exp.info && ebx >> 32 == 0,
        format!(
            "EBX {ebx:#x} ({}); hvm_start_info is at {:#x}",
            match magic {
                Some(m) => format!("magic {m:#010x}"),
                None => "not in memory".into(),
            },
            exp.info
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::super::any_failed;
    use super::*;
    use crate::x86::gdt::TYPE_CODE;
    use crate::x86::paging::PRESENT;
    use crate::x86::tests::{boot, bz, elf};
    use crate::x86::{entry::PML4_ADDR, X86Boot};

    fn judge(b: &X86Boot, s: &X86EntryState) -> Vec<Check> {
        let exp = X86Expected::of(b, None);
        check_x86_entry(s, &|a, l| b.read(a, l), &exp)
    }

    fn failed(c: &[Check]) -> Vec<&'static str> {
        c.iter()
            .filter(|c| c.status == Status::Fail)
            .map(|c| c.id())
            .collect()
    }

    /// The checks of `b`'s own state after `f` changed it.
    fn case(b: &X86Boot, f: &dyn Fn(&mut X86EntryState)) -> Vec<&'static str> {
        let mut s = b.state.clone();
        f(&mut s);
        failed(&judge(b, &s))
    }

    fn blob_at(b: &mut X86Boot, addr: u64) -> &mut Vec<u8> {
        &mut b
            .plan
            .blobs
            .iter_mut()
            .find(|x| x.addr == addr)
            .unwrap()
            .bytes
    }

    #[test]
    fn our_states_pass_every_check() {
        for b in [
            boot(&bz(), None),
            boot(&elf(false), None),
            boot(&elf(true), Some(0x100_0000)),
        ] {
            let c = judge(&b, &b.state);
            assert_eq!(c.len(), 6);
            assert!(c.iter().all(|c| c.status == Status::Pass), "{c:#?}");
            assert!(c
                .iter()
                .all(|c| c.rule.family() == super::super::Family::Entry64));
        }
        let b = boot(&elf(true), None);
        let c = judge(&b, &b.state);
        assert_eq!(c.len(), 5);
        assert!(c.iter().all(|c| c.status == Status::Pass), "{c:#?}");
        assert!(c
            .iter()
            .all(|c| c.rule.family() == super::super::Family::PvhEntry));
        // The identity map covers the kernel's init_size (4 MiB from its 2 MiB-aligned start).
        let c = judge(&boot(&bz(), None), &boot(&bz(), None).state);
        let d = &c[3].detail;
        assert!(d.contains("kernel 0x100000..0x600000"), "{d}");
        assert!(d.contains("zero page 0x7000..0x8000"), "{d}");
        assert!(d.contains("command line 0x20000..0x20017"), "{d}");
    }

    #[test]
    fn entry64_long_mode_fails_without_paging_pae_lma_or_l() {
        let b = boot(&bz(), None);
        assert_eq!(case(&b, &|s| s.cr0 &= !cr0::PG), ["entry64.long-mode"]);
        assert_eq!(case(&b, &|s| s.cr4 = 0), ["entry64.long-mode"]);
        assert_eq!(case(&b, &|s| s.efer = efer::LME), ["entry64.long-mode"]);
    }

    #[test]
    fn entry64_boot_cs_fails_on_a_wrong_selector_or_descriptor() {
        let mut b = boot(&bz(), None);
        assert_eq!(case(&b, &|s| s.cs.selector = 0x08), ["entry64.boot-cs"]);
        // The GDT's 0x10 made a 32-bit code segment (L = 0, D = 1) while CS is loaded 64-bit.
        let g = blob_at(&mut b, crate::x86::entry::GDT_ADDR);
        g[0x10 + 6] = 0xcf;
        let c = failed(&judge(&b, &b.state));
        assert_eq!(c, ["entry64.boot-cs"]);
        // A data segment in CS: long mode's CS.L is gone too.
        let b = boot(&bz(), None);
        assert!(case(&b, &|s| s.cs.kind &= !TYPE_CODE).contains(&"entry64.boot-cs"));
    }

    #[test]
    fn entry64_boot_ds_fails_on_a_wrong_selector_or_read_only_data() {
        let mut b = boot(&bz(), None);
        assert_eq!(case(&b, &|s| s.ss.selector = 0x10), ["entry64.boot-ds"]);
        assert_eq!(case(&b, &|s| s.es.base = 0x1000), ["entry64.boot-ds"]);
        // The GDT's 0x18 read-only (type 1): loaded and descriptor disagree, and it is not r/w.
        blob_at(&mut b, crate::x86::entry::GDT_ADDR)[0x18 + 5] = 0x91;
        assert_eq!(failed(&judge(&b, &b.state)), ["entry64.boot-ds"]);
        // A GDTR too short for 0x18.
        let b = boot(&bz(), None);
        assert_eq!(case(&b, &|s| s.gdtr.limit = 0x17), ["entry64.boot-ds"]);
    }

    #[test]
    fn entry64_identity_map_fails_when_a_piece_is_not_mapped() {
        let mut b = boot(&bz(), None);
        // The PD entry of 4..6 MiB (the end of the kernel's init_size) not present.
        let pd = 0x2000 + 2 * 8;
        blob_at(&mut b, PML4_ADDR)[pd] &= !(PRESENT as u8);
        let c = judge(&b, &b.state);
        assert_eq!(failed(&c), ["entry64.identity-map"]);
        assert!(
            c[3].detail
                .contains("kernel 0x100000..0x600000: 0x400000: PDE"),
            "{}",
            c[3].detail
        );
        // CR3 at a table that maps nothing.
        let b = boot(&bz(), None);
        assert_eq!(case(&b, &|s| s.cr3 = 0x3_0000), ["entry64.identity-map"]);
        // An offset map (PD entry 0 pointing 2 MiB up): the zero page is not identity-mapped.
        let mut b = boot(&bz(), None);
        blob_at(&mut b, PML4_ADDR)[0x2000 + 2] = 0x20;
        let c = judge(&b, &b.state);
        assert_eq!(failed(&c), ["entry64.identity-map"]);
        assert!(
            c[3].detail.contains("0x100000 maps to 0x300000"),
            "{}",
            c[3].detail
        );
    }

    #[test]
    fn entry64_if_clear_fails_with_interrupts_enabled() {
        let b = boot(&bz(), None);
        assert_eq!(case(&b, &|s| s.rflags |= rflags::IF), ["entry64.if-clear"]);
    }

    #[test]
    fn entry64_rsi_fails_when_it_is_not_the_zero_page() {
        let b = boot(&bz(), None);
        assert_eq!(
            case(&b, &|s| s.gpr[crate::x86::entry::RSI] = 0x6000),
            ["entry64.rsi"]
        );
        // The right address with a broken zero page: the zero page's rules judge its contents
        // (bootparams.header here), not this one, which reports what it saw.
        let mut b = boot(&bz(), None);
        blob_at(&mut b, crate::x86::ZERO_PAGE_ADDR)[0x202] = b'X';
        let c = judge(&b, &b.state);
        assert!(!any_failed(&c));
        assert!(c[5].detail.contains("no \"HdrS\""), "{}", c[5].detail);
    }

    #[test]
    fn pvh_entry_cr0_fails_with_paging_or_long_mode() {
        let b = boot(&elf(true), None);
        assert_eq!(case(&b, &|s| s.cr0 |= cr0::PG), ["pvh-entry.cr0"]);
        assert_eq!(case(&b, &|s| s.cr0 = 0), ["pvh-entry.cr0"]);
        assert_eq!(case(&b, &|s| s.efer = efer::LME), ["pvh-entry.cr0"]);
        // ET reads as 1 on every CPU (QEMU hands over CR0 = 0x11): not a failure.
        assert_eq!(case(&b, &|s| s.cr0 = cr0::PE | cr0::ET), Vec::<&str>::new());
    }

    #[test]
    fn pvh_entry_cr4_fails_with_any_bit_set() {
        let b = boot(&elf(true), None);
        assert_eq!(case(&b, &|s| s.cr4 = cr4::PAE), ["pvh-entry.cr4"]);
    }

    #[test]
    fn pvh_entry_segments_fail_unless_flat_32_bit() {
        let b = boot(&elf(true), None);
        assert_eq!(case(&b, &|s| s.ds.limit = 0xfffff), ["pvh-entry.segments"]);
        assert_eq!(case(&b, &|s| s.cs.long = true), ["pvh-entry.segments"]);
        assert_eq!(case(&b, &|s| s.ss.db = false), ["pvh-entry.segments"]);
        assert_eq!(case(&b, &|s| s.es.present = false), ["pvh-entry.segments"]);
        // The GDT's code descriptor made 16-bit (D = 0) while CS is loaded 32-bit.
        let mut b = boot(&elf(true), None);
        blob_at(&mut b, crate::x86::entry::GDT_ADDR)[0x10 + 6] = 0x8f;
        assert_eq!(failed(&judge(&b, &b.state)), ["pvh-entry.segments"]);
        // Selectors are unspecified: a loaded flat state with a selector outside the GDT passes.
        let b = boot(&elf(true), None);
        assert_eq!(case(&b, &|s| s.ds.selector = 0x80), Vec::<&str>::new());
    }

    #[test]
    fn pvh_entry_eflags_fail_with_if_tf_or_vm() {
        let b = boot(&elf(true), None);
        assert_eq!(case(&b, &|s| s.rflags |= rflags::IF), ["pvh-entry.eflags"]);
        assert_eq!(case(&b, &|s| s.rflags |= rflags::TF), ["pvh-entry.eflags"]);
        assert_eq!(case(&b, &|s| s.rflags |= rflags::VM), ["pvh-entry.eflags"]);
    }

    #[test]
    fn pvh_entry_ebx_fails_when_it_is_not_the_start_info() {
        let b = boot(&elf(true), None);
        assert_eq!(
            case(&b, &|s| s.gpr[crate::x86::entry::RBX] = 0x7000),
            ["pvh-entry.ebx"]
        );
        // Above 4 GiB: EBX cannot hold it.
        assert_eq!(
            case(&b, &|s| s.gpr[crate::x86::entry::RBX] = 0x1_0000_6000),
            ["pvh-entry.ebx"]
        );
        // A bad magic at the right address is pvh.magic's failure; this one reports it.
        let mut b = boot(&elf(true), None);
        blob_at(&mut b, crate::x86::PVH_INFO_ADDR)[0] ^= 1;
        let c = judge(&b, &b.state);
        assert!(!any_failed(&c));
        assert!(c[4].detail.contains("magic 0x336ec579"), "{}", c[4].detail);
    }
}
