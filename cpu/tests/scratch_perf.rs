use bootemu_cpu::aarch64::flat::FlatBus;
use bootemu_cpu::x86_64::system::cr0;
use bootemu_cpu::x86_64::{BlockCache, Cpu};
#[test]
fn perf() {
    for paging in [true, false, true, false] {
        let mut bus = FlatBus::new(0, 0x400000);
        let ram = bus.ram_mut();
        let put =
            |ram: &mut [u8], at: usize, v: u64| ram[at..at + 8].copy_from_slice(&v.to_le_bytes());
        put(ram, 0x1000, 0x2000 | 7);
        put(ram, 0x2000, 0x3000 | 7);
        put(ram, 0x3000, 0x0 | 0x87);
        put(ram, 0x3008, 0x200000 | 0x87);
        // loop: mov rax,[rbx]; add rax,1; mov [rbx],rax; add rbx,8; and rbx,0xffff; or rbx, 0x100000; dec ecx; jnz loop
        let code = [
            0x48, 0x8b, 0x03, 0x48, 0x83, 0xc0, 0x01, 0x48, 0x89, 0x03, 0x48, 0x83, 0xc3, 0x08,
            0x48, 0x81, 0xe3, 0xff, 0xff, 0x00, 0x00, 0x48, 0x81, 0xcb, 0x00, 0x00, 0x10, 0x00,
            0xff, 0xc9, 0x75, 0xe0,
        ];
        ram[0x10000..0x10000 + code.len()].copy_from_slice(&code);
        let mut cpu = Cpu::new();
        if paging {
            cpu.sys.cr0 |= cr0::PG;
            cpu.sys.cr3 = 0x1000;
        }
        cpu.rip = 0x10000;
        cpu.regs[1] = 20_000_000;
        cpu.regs[3] = 0x100000;
        let mut cache = BlockCache::new();
        let t = std::time::Instant::now();
        let e = cpu.run(&mut cache, &mut bus, 200_000_000);
        let dt = t.elapsed();
        eprintln!(
            "paging {paging}: {:?} {} insns in {:?}: {:.1} M/s",
            e,
            cpu.insns,
            dt,
            cpu.insns as f64 / dt.as_secs_f64() / 1e6
        );
    }
}
