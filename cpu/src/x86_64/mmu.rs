//! The vCPU's side of paging: translating a linear address at the current privilege through
//! the walk ([`super::paging`]) over the bus (a refusal becomes #PF with CR2), and keeping the
//! software TLB ([`super::tlb`]) coherent with what the architecture says invalidates
//! translations (SDM vol. 3 §4.10.4): MOV to CR3, changes of CR0.PG/WP, CR4.PGE/PAE/PSE and
//! EFER.NXE/LMA, and INVLPG.
//!
//! The instructions that change those registers (MOV CR, WRMSR, the mode switches) call
//! [`Cpu::cr3_written`] and [`Cpu::paging_control_changed`]; INVLPG is [`invlpg`]. Implicit
//! supervisor accesses (descriptor tables, IDT, TSS: `Cpu::sys_read`/`sys_write` with
//! `Cpu::implicit` set) walk with supervisor rights whatever the CPL; their fills go to the
//! supervisor tables, and the user tables they may hit grant nothing a supervisor lacks.

use super::block::{BlockCache, Env};
use super::insn::Ops;
use super::paging::{self, Access, Control, TableMem, Translation};
use super::state::{vector, Cpu, Fault};
use super::system::{cr0, cr4, efer};
use super::tlb::Attrs;
use crate::aarch64::Bus;
use crate::codecache::PAGE_SIZE;

/// Guest physical memory for the page walk: RAM through the bus's pages, anything else as
/// MMIO (all ones when no device answers); accessed/dirty updates to a page that holds decoded
/// code drop its blocks.
struct Tables<'a> {
    bus: &'a mut dyn Bus,
    code: &'a mut BlockCache,
    /// Blocks were dropped.
    dropped: bool,
}

impl TableMem for Tables<'_> {
    fn load(&mut self, pa: u64, size: u8) -> u64 {
        let page = pa & !(PAGE_SIZE - 1);
        match self.bus.ram_page(page, false) {
            Some(host) => {
                let mut b = [0u8; 8];
                // SAFETY: a RAM page is valid for PAGE_SIZE bytes (Bus contract); the `size`
                // bytes lie within it (entries are naturally aligned, `read_implicit` splits).
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        host.as_ptr().add((pa - page) as usize),
                        b.as_mut_ptr(),
                        size as usize,
                    )
                };
                u64::from_le_bytes(b)
            }
            None => self
                .bus
                .mmio_read(pa, size)
                .unwrap_or(super::state::mask(size)),
        }
    }

    fn store32(&mut self, pa: u64, v: u32) {
        let page = pa & !(PAGE_SIZE - 1);
        if self.code.is_code(page) && self.code.invalidate(page) {
            self.dropped = true;
        }
        match self.bus.ram_page(page, true) {
            // SAFETY: as in `load`.
            Some(host) => unsafe {
                std::ptr::copy_nonoverlapping(
                    v.to_le_bytes().as_ptr(),
                    host.as_ptr().add((pa - page) as usize),
                    4,
                )
            },
            None => {
                let _ = self.bus.mmio_write(pa, 4, v as u64);
            }
        }
    }
}

/// The control bits whose change invalidates every cached translation.
const CR0_BITS: u64 = cr0::PG | cr0::WP;
/// See [`CR0_BITS`].
const CR4_BITS: u64 = cr4::PGE | cr4::PAE | cr4::PSE;
/// See [`CR0_BITS`].
const EFER_BITS: u64 = efer::NXE | efer::LMA;

impl Cpu {
    /// The registers that decide translation.
    #[inline]
    pub fn paging_control(&self) -> Control {
        Control {
            cr0: self.sys.cr0,
            cr3: self.sys.cr3,
            cr4: self.sys.cr4,
            efer: self.sys.efer,
        }
    }

    /// Translate linear `la` for `access` at the current privilege (paging off: `la` itself).
    /// A refusal sets CR2 and is the #PF to raise; `true` with the translation when the walk's
    /// accessed/dirty updates dropped decoded blocks.
    pub(crate) fn translate(
        &mut self,
        bus: &mut dyn Bus,
        code: &mut BlockCache,
        la: u64,
        access: Access,
    ) -> Result<(Translation, Attrs, bool), Fault> {
        // Implicit supervisor accesses (system structures: `Cpu::implicit`) use CPL 0's rights.
        let user = self.cpl() == 3 && !self.implicit;
        self.translate_as(bus, code, la, access, user)
    }

    /// [`Cpu::translate`] at user (`true`) or supervisor privilege, whatever the CPL.
    fn translate_as(
        &mut self,
        bus: &mut dyn Bus,
        code: &mut BlockCache,
        la: u64,
        access: Access,
        user: bool,
    ) -> Result<(Translation, Attrs, bool), Fault> {
        let mut mem = Tables {
            bus,
            code,
            dropped: false,
        };
        match paging::walk(&mut mem, &self.paging_control(), la, access, user) {
            Ok(t) => Ok((
                t,
                Attrs {
                    global: t.global,
                    large: t.large,
                    // Without paging both privileges see the same: fill the live tables.
                    user: if self.sys.cr0 & cr0::PG != 0 {
                        user
                    } else {
                        self.tlb.user()
                    },
                },
                mem.dropped,
            )),
            Err(f) => {
                self.sys.cr2 = f.addr;
                Err(Fault {
                    vector: vector::PF,
                    error: Some(f.error),
                })
            }
        }
    }

    /// [`Cpu::translate`] from a handler: dropped blocks end the current one.
    pub(crate) fn translate_env(
        &mut self,
        env: &mut Env,
        la: u64,
        access: Access,
    ) -> Result<(Translation, Attrs), Fault> {
        let (t, a, dropped) = self.translate(env.bus, env.code, la, access)?;
        env.stop |= dropped;
        Ok((t, a))
    }

    /// A MOV to CR3 happened: translations that are not global are forgotten (even when the
    /// value did not change).
    pub fn cr3_written(&mut self) {
        self.tlb.flush_nonglobal();
    }

    /// CR0, CR4 or EFER were written (their values before in `old`): a change of a bit that
    /// shapes translation forgets every cached one.
    pub fn paging_control_changed(&mut self, old: Control) {
        let new = self.paging_control();
        if (old.cr0 ^ new.cr0) & CR0_BITS != 0
            || (old.cr4 ^ new.cr4) & CR4_BITS != 0
            || (old.efer ^ new.efer) & EFER_BITS != 0
        {
            self.tlb.flush();
        }
    }
}

/// INVLPG m (SDM vol. 2): forget the translations of the page holding the operand's linear
/// address; #GP(0) above CPL 0. No access is made, so nothing faults on the address.
pub fn invlpg(cpu: &mut Cpu, _env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if cpu.cpl() != 0 {
        return Err(Fault::GP0);
    }
    let la = cpu.ea(&ops.mem);
    cpu.tlb.flush_page(la & !(PAGE_SIZE - 1));
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The executor with paging on, in the sandbox's 64-bit user state (CPL 3, EFER.NXE):
    //! expected error codes and CR2 values by the SDM's §4.7 rules.
    use super::*;
    use crate::aarch64::flat::FlatBus;
    use crate::x86_64::paging::{pf, pte};
    use crate::x86_64::state::{Exit, RAX};

    const PML4: u64 = 0x1000;
    const PT: u64 = 0x4000;
    /// The linear window the tables map: PT index i is linear `BASE + i * 4 KiB`.
    const BASE: u64 = 0x40_0000;
    const URW: u64 = pte::P | pte::RW | pte::US;

    /// 64 KiB of RAM; 4-level tables mapping `BASE + i * 4 KiB` to `frames[i]` with `flags[i]`.
    fn setup(maps: &[(u64, u64)]) -> (Cpu, FlatBus, BlockCache) {
        let mut bus = FlatBus::new(0, 0x10000);
        let mut put = |at: u64, v: u64| {
            bus.ram_mut()[at as usize..at as usize + 8].copy_from_slice(&v.to_le_bytes())
        };
        put(PML4, 0x2000 | URW);
        put(0x2000, 0x3000 | URW);
        put(0x3000 + 2 * 8, PT | URW);
        for (i, &(frame, flags)) in maps.iter().enumerate() {
            put(PT + i as u64 * 8, frame | flags);
        }
        let mut cpu = Cpu::new();
        cpu.sys.cr0 |= cr0::PG | cr0::WP;
        cpu.sys.cr3 = PML4;
        cpu.rip = BASE;
        (cpu, bus, BlockCache::new())
    }

    fn pte_of(bus: &FlatBus, i: u64) -> u64 {
        let at = (PT + i * 8) as usize;
        u64::from_le_bytes(bus.ram()[at..at + 8].try_into().unwrap())
    }

    fn pf_exit(error: u32) -> Exit {
        Exit::Exception(Fault {
            vector: vector::PF,
            error: Some(error),
        })
    }

    // mov rax, [BASE + 0x2008]; mov [BASE + 0x2010], rax; ud2
    const LOAD_STORE: [u8; 18] = [
        0x48, 0x8b, 0x04, 0x25, 0x08, 0x20, 0x40, 0x00, 0x48, 0x89, 0x04, 0x25, 0x10, 0x20, 0x40,
        0x00, 0x0f, 0x0b,
    ];

    #[test]
    fn translated_fetch_load_and_store_set_accessed_and_dirty() {
        let (mut cpu, mut bus, mut cache) = setup(&[(0x8000, URW), (0x9000, URW), (0xa000, URW)]);
        bus.ram_mut()[0x8000..0x8000 + 18].copy_from_slice(&LOAD_STORE);
        bus.ram_mut()[0xa008] = 0x5a;
        assert_eq!(
            cpu.run(&mut cache, &mut bus, 10),
            Exit::Exception(Fault::UD)
        );
        assert_eq!((cpu.regs[RAX], cpu.rip), (0x5a, BASE + 16));
        assert_eq!(bus.ram()[0xa010], 0x5a);
        // Blocks are keyed by the physical address.
        assert!(cache.get(0x8000).is_some() && cache.get(BASE).is_none());
        assert_eq!(pte_of(&bus, 0) & (pte::A | pte::D), pte::A);
        assert_eq!(pte_of(&bus, 2) & (pte::A | pte::D), pte::A | pte::D);
    }

    #[test]
    fn a_user_store_to_a_read_only_page_faults_and_writes_nothing() {
        let (mut cpu, mut bus, mut cache) =
            setup(&[(0x8000, URW), (0x9000, URW), (0xa000, pte::P | pte::US)]);
        bus.ram_mut()[0x8000..0x8000 + 18].copy_from_slice(&LOAD_STORE);
        bus.ram_mut()[0xa008] = 0x5a;
        assert_eq!(
            cpu.run(&mut cache, &mut bus, 10),
            pf_exit(pf::P | pf::W | pf::U)
        );
        assert_eq!((cpu.rip, cpu.sys.cr2), (BASE + 8, BASE + 0x2010));
        assert_eq!(bus.ram()[0xa010], 0);
        assert_eq!(pte_of(&bus, 2) & pte::D, 0);
    }

    #[test]
    fn fetching_from_an_unmapped_page_faults_with_the_instruction_bit() {
        let (mut cpu, mut bus, mut cache) = setup(&[(0x8000, URW)]);
        cpu.rip = BASE + 0x1234;
        assert_eq!(cpu.run(&mut cache, &mut bus, 1), pf_exit(pf::U | pf::ID));
        assert_eq!(cpu.sys.cr2, BASE + 0x1234);
        // An execute-disabled page: a protection fault.
        let (mut cpu, mut bus, mut cache) = setup(&[(0x8000, URW | pte::XD)]);
        assert_eq!(
            cpu.run(&mut cache, &mut bus, 1),
            pf_exit(pf::P | pf::U | pf::ID)
        );
    }

    #[test]
    fn an_instruction_crossing_into_an_unmapped_page_faults_on_the_second_page() {
        // mov eax, 0x12345678 starting 3 bytes before the end of BASE's page, whose next page
        // is not mapped.
        let (mut cpu, mut bus, mut cache) = setup(&[(0x8000, URW)]);
        bus.ram_mut()[0x8ffd..0x9000].copy_from_slice(&[0xb8, 0x78, 0x56]);
        bus.ram_mut()[0x9000..0x9002].copy_from_slice(&[0x34, 0x12]);
        cpu.rip = BASE + 0xffd;
        assert_eq!(cpu.run(&mut cache, &mut bus, 1), pf_exit(pf::U | pf::ID));
        assert_eq!((cpu.sys.cr2, cpu.rip), (BASE + 0x1000, BASE + 0xffd));
        // Mapped to physical 0xc000 (not the physically next page): its bytes are used.
        let (mut cpu, mut bus, mut cache) = setup(&[(0x8000, URW), (0xc000, URW)]);
        bus.ram_mut()[0x8ffd..0x9000].copy_from_slice(&[0xb8, 0x78, 0x56]);
        bus.ram_mut()[0xc000..0xc002].copy_from_slice(&[0x34, 0x12]);
        cpu.rip = BASE + 0xffd;
        assert_eq!(cpu.run(&mut cache, &mut bus, 1), Exit::Budget);
        assert_eq!((cpu.regs[RAX], cpu.rip), (0x1234_5678, BASE + 0x1002));
    }

    #[test]
    fn a_crossing_block_decoded_without_paging_is_not_reused_with_it() {
        // mov eax, imm32 across 0x8fff/0x9000: run physically first (paging off), then at
        // BASE + 0xffd with the next linear page mapped to 0xc000.
        let (mut cpu, mut bus, mut cache) = setup(&[(0x8000, URW), (0xc000, URW)]);
        bus.ram_mut()[0x8ffd..0x9000].copy_from_slice(&[0xb8, 0x78, 0x56]);
        bus.ram_mut()[0x9000..0x9002].copy_from_slice(&[0x34, 0x12]);
        bus.ram_mut()[0xc000..0xc002].copy_from_slice(&[0x11, 0x11]);
        let paging = cpu.sys.cr0;
        cpu.sys.cr0 &= !cr0::PG;
        cpu.rip = 0x8ffd;
        assert_eq!(cpu.run(&mut cache, &mut bus, 1), Exit::Budget);
        assert_eq!(cpu.regs[RAX], 0x1234_5678);
        cpu.sys.cr0 = paging;
        cpu.rip = BASE + 0xffd;
        assert_eq!(cpu.run(&mut cache, &mut bus, 1), Exit::Budget);
        assert_eq!((cpu.regs[RAX], cpu.rip), (0x1111_5678, BASE + 0x1002));
    }

    #[test]
    fn a_page_crossing_store_checks_both_pages_first() {
        // mov [BASE + 0x2ffc], rax: the second page is read-only.
        let (mut cpu, mut bus, mut cache) = setup(&[
            (0x8000, URW),
            (0x9000, URW),
            (0xa000, URW),
            (0xb000, pte::P | pte::US),
        ]);
        bus.ram_mut()[0x8000..0x8008]
            .copy_from_slice(&[0x48, 0x89, 0x04, 0x25, 0xfc, 0x2f, 0x40, 0x00]);
        cpu.regs[RAX] = u64::MAX;
        assert_eq!(
            cpu.run(&mut cache, &mut bus, 1),
            pf_exit(pf::P | pf::W | pf::U)
        );
        assert_eq!(cpu.sys.cr2, BASE + 0x3000);
        assert_eq!(&bus.ram()[0xaffc..0xb000], &[0; 4]);
    }

    #[test]
    fn cr3_writes_and_invlpg_drop_cached_translations() {
        // mov rax, [BASE + 0x2008]; ud2
        let (mut cpu, mut bus, mut cache) = setup(&[(0x8000, URW), (0x9000, URW), (0xa000, URW)]);
        bus.ram_mut()[0x8000..0x800a]
            .copy_from_slice(&[0x48, 0x8b, 0x04, 0x25, 0x08, 0x20, 0x40, 0x00, 0x0f, 0x0b]);
        bus.ram_mut()[0xa008] = 1;
        bus.ram_mut()[0xb008] = 2;
        let run = |cpu: &mut Cpu, bus: &mut FlatBus, cache: &mut BlockCache| {
            cpu.rip = BASE;
            cpu.run(cache, bus, 10);
            cpu.regs[RAX]
        };
        assert_eq!(run(&mut cpu, &mut bus, &mut cache), 1);
        // Remap the data page: the cached translation stays until CR3 is written.
        bus.ram_mut()[(PT + 16) as usize] = (0xb000 | URW) as u8;
        bus.ram_mut()[(PT + 17) as usize] = 0xb0;
        assert_eq!(run(&mut cpu, &mut bus, &mut cache), 1);
        cpu.cr3_written();
        assert_eq!(run(&mut cpu, &mut bus, &mut cache), 2);
        // A global page survives a CR3 write but not INVLPG (at CPL 0).
        let (mut cpu, mut bus, mut cache) =
            setup(&[(0x8000, URW), (0x9000, URW), (0xa000, URW | pte::G)]);
        cpu.sys.cr4 |= cr4::PGE;
        bus.ram_mut()[0x8000..0x800a]
            .copy_from_slice(&[0x48, 0x8b, 0x04, 0x25, 0x08, 0x20, 0x40, 0x00, 0x0f, 0x0b]);
        bus.ram_mut()[0xa008] = 1;
        bus.ram_mut()[0xb008] = 2;
        assert_eq!(run(&mut cpu, &mut bus, &mut cache), 1);
        bus.ram_mut()[(PT + 17) as usize] = 0xb0;
        cpu.cr3_written();
        assert_eq!(run(&mut cpu, &mut bus, &mut cache), 1);
        cpu.tlb.flush_page(BASE + 0x2000);
        assert_eq!(run(&mut cpu, &mut bus, &mut cache), 2);
    }

    /// RAM at 0 and one device register at [`APIC`], 0xfee00000 as the xAPIC page.
    struct WithDevice {
        ram: FlatBus,
        written: Vec<(u64, u64)>,
    }

    const APIC: u64 = 0xfee0_0000;

    // SAFETY: the page pointers are the FlatBus's, under its identity.
    unsafe impl Bus for WithDevice {
        fn id(&self) -> crate::aarch64::BusId {
            self.ram.id()
        }
        fn ram_page(&mut self, page: u64, write: bool) -> Option<std::ptr::NonNull<u8>> {
            self.ram.ram_page(page, write)
        }
        fn mmio_read(&mut self, pa: u64, _size: u8) -> Result<u64, crate::aarch64::BusFault> {
            if pa & !0xfff == APIC {
                Ok(0x5000_0000 | (pa & 0xfff))
            } else {
                Err(crate::aarch64::BusFault(pa))
            }
        }
        fn mmio_write(
            &mut self,
            pa: u64,
            _size: u8,
            v: u64,
        ) -> Result<(), crate::aarch64::BusFault> {
            self.written.push((pa, v));
            Ok(())
        }
    }

    impl crate::x86_64::Platform for WithDevice {}

    #[test]
    fn device_registers_are_reached_through_a_translated_page() {
        // mov eax, [BASE + 0x2020]; mov [BASE + 0x20b0], eax; ud2 — the data page maps the
        // device page.
        let (mut cpu, bus, mut cache) = setup(&[(0x8000, URW), (0x9000, URW), (APIC, URW)]);
        let mut bus = WithDevice {
            ram: bus,
            written: Vec::new(),
        };
        bus.ram.ram_mut()[0x8000..0x8010].copy_from_slice(&[
            0x8b, 0x04, 0x25, 0x20, 0x20, 0x40, 0x00, 0x89, 0x04, 0x25, 0xb0, 0x20, 0x40, 0x00,
            0x0f, 0x0b,
        ]);
        assert_eq!(
            cpu.run(&mut cache, &mut bus, 10),
            Exit::Exception(Fault::UD)
        );
        assert_eq!(cpu.regs[RAX], 0x5000_0020);
        assert_eq!(bus.written, vec![(APIC + 0xb0, 0x5000_0020)]);
    }

    #[test]
    fn implicit_accesses_use_supervisor_rights_at_cpl_3() {
        // The data page is supervisor-only: an ordinary CPL 3 read faults, an implicit one
        // (a descriptor-table read) does not.
        let (mut cpu, mut bus, mut cache) =
            setup(&[(0x8000, URW), (0x9000, URW), (0xa000, pte::P | pte::RW)]);
        bus.ram_mut()[0xaffe..0xb000].copy_from_slice(&[0x34, 0x12]);
        let mut env = Env {
            bus: &mut bus,
            code: &mut cache,
            stop: false,
            end: u64::MAX,
        };
        assert_eq!(cpu.cpl(), 3);
        cpu.tlb.select(true); // as `run` does at a block start at CPL 3
        assert_eq!(
            cpu.read(&mut env, BASE + 0x2ffe, 2, false),
            Err(Fault {
                vector: vector::PF,
                error: Some(pf::P | pf::U)
            })
        );
        assert_eq!(cpu.sys_read(&mut env, BASE + 0x2ffe, 2), Ok(0x1234));
        cpu.sys_write(&mut env, BASE + 0x2ff0, 8, 0x1122_3344_5566_7788)
            .unwrap();
        // What the implicit accesses cached does not serve CPL 3 accesses.
        assert_eq!(
            cpu.read(&mut env, BASE + 0x2ff0, 8, false),
            Err(Fault {
                vector: vector::PF,
                error: Some(pf::P | pf::U)
            })
        );
        // Crossing into the unmapped page: #PF at its first byte (a supervisor access),
        // nothing written.
        assert_eq!(
            cpu.sys_write(&mut env, BASE + 0x2ffc, 8, u64::MAX),
            Err(Fault {
                vector: vector::PF,
                error: Some(pf::W)
            })
        );
        assert_eq!(cpu.sys.cr2, BASE + 0x3000);
        assert_eq!(
            &bus.ram()[0xaff0..0xb000],
            &[0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0, 0, 0, 0, 0, 0, 0x34, 0x12]
        );
    }

    #[test]
    fn invlpg_runs_at_cpl_0_and_faults_above() {
        // mov rax, [BASE + 0x2008]; invlpg [BASE + 0x2008]; ud2
        let code = [
            0x48, 0x8b, 0x04, 0x25, 0x08, 0x20, 0x40, 0x00, 0x0f, 0x01, 0x3c, 0x25, 0x08, 0x20,
            0x40, 0x00, 0x0f, 0x0b,
        ];
        let (mut cpu, mut bus, mut cache) = setup(&[(0x8000, URW), (0x9000, URW), (0xa000, URW)]);
        bus.ram_mut()[0x8000..0x8000 + code.len()].copy_from_slice(&code);
        assert_eq!(
            cpu.run(&mut cache, &mut bus, 10),
            Exit::Exception(Fault::GP0)
        );
        assert_eq!(cpu.rip, BASE + 8);
        assert!(cpu.tlb.read_ptr(BASE + 0x2008).is_some());
        // At CPL 0 (the selector's RPL): the page's translation is dropped.
        cpu.sys.seg[crate::x86_64::system::sreg::CS].selector = 0x10;
        assert_eq!(cpu.cpl(), 0);
        assert_eq!(
            cpu.run(&mut cache, &mut bus, 10),
            Exit::Exception(Fault::UD)
        );
        assert_eq!(cpu.rip, BASE + 16);
        assert!(cpu.tlb.read_ptr(BASE + 0x2008).is_none());
    }

    #[test]
    fn without_paging_the_sandbox_fills_its_live_tables() {
        // The sandbox runs at CPL 3 with paging off: its accesses must hit the live tables
        // (whatever privilege they hold), or every access would take the slow path.
        let (mut cpu, mut bus, mut cache) = setup(&[]);
        cpu.sys.cr0 &= !cr0::PG;
        // mov rax, [0x9008]; mov [0x9010], rax; ud2
        bus.ram_mut()[0x8000..0x8012].copy_from_slice(&[
            0x48, 0x8b, 0x04, 0x25, 0x08, 0x90, 0, 0, 0x48, 0x89, 0x04, 0x25, 0x10, 0x90, 0, 0,
            0x0f, 0x0b,
        ]);
        cpu.rip = 0x8000;
        assert_eq!(cpu.cpl(), 3);
        cpu.run(&mut cache, &mut bus, 10);
        assert!(cpu.tlb.read_ptr(0x9008).is_some());
        assert!(cpu.tlb.write_ptr(0x9010).is_some());
    }

    #[test]
    fn turning_paging_off_forgets_translations() {
        let (mut cpu, mut bus, mut cache) = setup(&[(0x8000, URW), (0x9000, URW), (0xa000, URW)]);
        bus.ram_mut()[0x8000..0x8000 + 18].copy_from_slice(&LOAD_STORE);
        cpu.run(&mut cache, &mut bus, 10);
        assert!(cpu.tlb.read_ptr(BASE + 0x2008).is_some());
        let old = cpu.paging_control();
        cpu.sys.cr0 &= !cr0::PG;
        cpu.paging_control_changed(old);
        assert!(cpu.tlb.read_ptr(BASE + 0x2008).is_none());
    }

    #[test]
    fn random_code_over_random_page_tables_never_panics() {
        // 1 MiB of random bytes; 4-level tables at 0x1000–0x5fff mapping 0–4 MiB through two
        // page tables and a 2 MiB page, with random rights and frames (the guest's stores may
        // rewrite them: that is part of the test); random entry points at CPL 0 and 3.
        let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        let mut bus = FlatBus::new(0, 0x10_0000);
        for b in bus.ram_mut().iter_mut() {
            *b = next() as u8;
        }
        let put = |bus: &mut FlatBus, at: u64, v: u64| {
            bus.ram_mut()[at as usize..at as usize + 8].copy_from_slice(&v.to_le_bytes())
        };
        let randomize = |bus: &mut FlatBus, next: &mut dyn FnMut() -> u64| {
            put(bus, PML4, 0x2000 | URW);
            put(bus, 0x2000, 0x3000 | URW);
            put(bus, 0x3000, 0x4000 | URW);
            put(bus, 0x3008, 0x5000 | URW);
            put(bus, 0x3010, (next() & 0xe0_0000) | URW | pte::PS);
            for i in 0..1024u64 {
                let r = next();
                let flags = (r & (pte::P | pte::RW | pte::US | pte::G | pte::A | pte::D))
                    | if r & (1 << 40) != 0 { pte::XD } else { 0 }
                    | if r & (1 << 41) != 0 { pte::P } else { 0 };
                put(bus, 0x4000 + i * 8, (next() & 0xf_f000) | flags);
            }
        };
        randomize(&mut bus, &mut next);
        let mut cpu = Cpu::new();
        cpu.sys.cr0 |= cr0::PG | cr0::WP;
        cpu.sys.cr3 = PML4;
        cpu.sys.cr4 |= cr4::PGE;
        let mut cache = BlockCache::new();
        let (mut insns, mut faults) = (0u64, 0u64);
        for run in 0..1_000_000u64 {
            if run % 20_000 == 19_999 {
                randomize(&mut bus, &mut next);
                cpu.cr3_written();
            }
            let r = next();
            cpu.sys.seg[crate::x86_64::system::sreg::CS].selector =
                if r & 1 != 0 { 0x33 } else { 0x10 };
            cpu.rip = next() % 0x60_0000;
            cpu.regs = [0; 16];
            cpu.regs[crate::x86_64::state::RSP] = next() % 0x40_0000;
            let before = cpu.insns;
            cpu.halted = false;
            if let Exit::Exception(f) = cpu.run(&mut cache, &mut bus, 32) {
                faults += 1;
                if f.vector == vector::PF {
                    let e = f.error.unwrap_or(0);
                    assert_eq!(e & !0x1f, 0, "error code {e:#x}");
                }
            }
            insns += cpu.insns - before;
        }
        assert!(
            insns > 100_000 && faults > 1000,
            "{insns} instructions, {faults} faults"
        );
    }
}
