//! Test fixtures shared by the machine's tests: assembled guest snippets (checked-in words),
//! a machine built around one, and a console sink the test can read.

use super::*;
use crate::profile::MIB;
use bootemu_boot::{Blob, Format};
use std::cell::RefCell;
use std::rc::Rc;

pub const ENTRY: u64 = 0x4008_0000;

// Encodings from aarch64-linux-gnu-as.
pub const HVC0: u32 = 0xd400_0002; // hvc #0
pub const STR_W2_X1: u32 = 0xb900_0022; // str w2, [x1]
pub const WFI: u32 = 0xd503_207f; // wfi
pub const LDXR_X1_X2: u32 = 0xc85f_7c41; // ldxr x1, [x2]
pub const B_SELF: u32 = 0x1400_0000; // b .
pub const B_BACK1: u32 = 0x17ff_ffff; // b .-4
pub const MRS_CNTVCT: u32 = 0xd53b_e040; // mrs x0, cntvct_el0
pub const MSR_DAIFCLR_2: u32 = 0xd503_42ff; // msr daifclr, #2

/// GICv2, 2 vCPUs: CPU 0 starts CPU 1 (CPU_ON, context 0x55), checks AFFINITY_INFO, waits in WFI for SGI 7 that CPU 1 sends through GICD_SGIR, acknowledges it (x23), checks AFFINITY_INFO (x24) and CPU_ON again (x25), powers off.
pub const SMP_V2: &[u32] = &[
    0xd2a10013, // mov x19, #0x8000000
    0xd2a10034, // mov x20, #0x8010000
    0x52800021, // mov w1, #0x1
    0xb9000261, // str w1, [x19]
    0x529fffe1, // mov w1, #0xffff
    0xb9010261, // str w1, [x19, #256]
    0x52800021, // mov w1, #0x1
    0xb9000281, // str w1, [x20]
    0x52801fe1, // mov w1, #0xff
    0xb9000681, // str w1, [x20, #4]
    0xd2b88000, // mov x0, #0xc4000000
    0xf2800060, // movk x0, #0x3
    0xd2800021, // mov x1, #0x1
    0x10000402, // adr x2, 400800b4 <secondary>
    0xd2800aa3, // mov x3, #0x55
    0xd4000002, // hvc #0x0
    0xaa0003f5, // mov x21, x0
    0xd2b88000, // mov x0, #0xc4000000
    0xf2800080, // movk x0, #0x4
    0xd2800021, // mov x1, #0x1
    0xd2800002, // mov x2, #0x0
    0xd4000002, // hvc #0x0
    0xaa0003f6, // mov x22, x0
    0xd503207f, // wfi
    0xb9400e97, // ldr w23, [x20, #12]
    0x120026e4, // and w4, w23, #0x3ff
    0x710ffc9f, // cmp w4, #0x3ff
    0x54ffff80, // b.eq 4008005c <_start+0x5c>
    0xb9001297, // str w23, [x20, #16]
    0xd2b88000, // mov x0, #0xc4000000
    0xf2800080, // movk x0, #0x4
    0xd2800021, // mov x1, #0x1
    0xd2800002, // mov x2, #0x0
    0xd4000002, // hvc #0x0
    0xaa0003f8, // mov x24, x0
    0xd2b88000, // mov x0, #0xc4000000
    0xf2800060, // movk x0, #0x3
    0xd2800021, // mov x1, #0x1
    0x100000e2, // adr x2, 400800b4 <secondary>
    0xd2800003, // mov x3, #0x0
    0xd4000002, // hvc #0x0
    0xaa0003f9, // mov x25, x0
    0xd2b08000, // mov x0, #0x84000000
    0xf2800100, // movk x0, #0x8
    0xd4000002, // hvc #0x0
    0xaa0003fa, // mov x26, x0
    0xd2a10013, // mov x19, #0x8000000
    0xd2a10034, // mov x20, #0x8010000
    0x529fffe1, // mov w1, #0xffff
    0xb9010261, // str w1, [x19, #256]
    0x52800021, // mov w1, #0x1
    0xb9000281, // str w1, [x20]
    0x52801fe1, // mov w1, #0xff
    0xb9000681, // str w1, [x20, #4]
    0x52a00021, // mov w1, #0x10000
    0x728000e1, // movk w1, #0x7
    0xb90f0261, // str w1, [x19, #3840]
    0xd503207f, // wfi
    0x17ffffff, // b 400800e4 <secondary+0x30>
];

/// GICv3, 2 vCPUs: each wakes its redistributor, makes its SGIs group 1 and enabled, sets PMR and IGRPEN1; CPU 1 (context 0x66) sends SGI 5 to Aff0 0 through ICC_SGI1R_EL1; CPU 0 acknowledges it with ICC_IAR1_EL1 (x23), EOIs, reads ID_AA64PFR0_EL1 (x24), ICC_SRE_EL1 (x25), ICC_RPR_EL1 (x22), powers off.
pub const SMP_V3: &[u32] = &[
    0xd2a10013, // mov x19, #0x8000000
    0x52800041, // mov w1, #0x2
    0xb9000261, // str w1, [x19]
    0xd2a10154, // mov x20, #0x80a0000
    0x94000017, // bl 4008006c <wake>
    0x52801001, // mov w1, #0x80
    0xd5184601, // msr icc_pmr_el1, x1
    0xd2800021, // mov x1, #0x1
    0xd518cce1, // msr icc_igrpen1_el1, x1
    0xd2b88000, // mov x0, #0xc4000000
    0xf2800060, // movk x0, #0x3
    0xd2800021, // mov x1, #0x1
    0x10000302, // adr x2, 40080090 <secondary>
    0xd2800cc3, // mov x3, #0x66
    0xd4000002, // hvc #0x0
    0xaa0003f5, // mov x21, x0
    0xd503207f, // wfi
    0xd538cc17, // mrs x23, icc_iar1_el1
    0xf10ffeff, // cmp x23, #0x3ff
    0x54ffffa0, // b.eq 40080040 <_start+0x40>
    0xd518cc37, // msr icc_eoir1_el1, x23
    0xd5380418, // mrs x24, id_aa64pfr0_el1
    0xd538ccb9, // mrs x25, icc_sre_el1
    0xd538cb76, // mrs x22, icc_rpr_el1
    0xd2b08000, // mov x0, #0x84000000
    0xf2800100, // movk x0, #0x8
    0xd4000002, // hvc #0x0
    0xb900169f, // str wzr, [x20, #20]
    0xb9401681, // ldr w1, [x20, #20]
    0x3717ffe1, // tbnz w1, #2, 40080070 <wake+0x4>
    0x91404283, // add x3, x20, #0x10, lsl #12
    0x12800001, // mov w1, #0xffffffff
    0xb9008061, // str w1, [x3, #128]
    0x529fffe1, // mov w1, #0xffff
    0xb9010061, // str w1, [x3, #256]
    0xd65f03c0, // ret
    0xaa0003fa, // mov x26, x0
    0xd2a10194, // mov x20, #0x80c0000
    0x97fffff5, // bl 4008006c <wake>
    0xd2801e01, // mov x1, #0xf0
    0xd5184601, // msr icc_pmr_el1, x1
    0xd2800021, // mov x1, #0x1
    0xd518cce1, // msr icc_igrpen1_el1, x1
    0xd2a0a001, // mov x1, #0x5000000
    0xb2400021, // orr x1, x1, #0x1
    0xd518cba1, // msr icc_sgi1r_el1, x1
    0xd503207f, // wfi
    0x17ffffff, // b 400800b8 <secondary+0x28>
];

/// Reads [0x4100_0000] into x5, then the RTC: unless it reads 7, prints `R`, stores 0x1234 at 0x4100_0000, loads 7 into the RTC and asks for SYSTEM_RESET; once it reads 7, prints `O` and powers off.
pub const RESET: &[u32] = &[
    0xd2a12033, // mov x19, #0x9010000
    0xd2a12014, // mov x20, #0x9000000
    0xd2a82015, // mov x21, #0x41000000
    0xf94002a5, // ldr x5, [x21]
    0xb9400261, // ldr w1, [x19]
    0x71001c3f, // cmp w1, #0x7
    0x54000140, // b.eq 40080040 <_start+0x40>
    0x52800a42, // mov w2, #0x52
    0xb9000282, // str w2, [x20]
    0xd2824683, // mov x3, #0x1234
    0xf90002a3, // str x3, [x21]
    0x528000e1, // mov w1, #0x7
    0xb9000a61, // str w1, [x19, #8]
    0xd2b08000, // mov x0, #0x84000000
    0xf2800120, // movk x0, #0x9
    0xd4000002, // hvc #0x0
    0x528009e2, // mov w2, #0x4f
    0xb9000282, // str w2, [x20]
    0xd2b08000, // mov x0, #0x84000000
    0xf2800100, // movk x0, #0x8
    0xd4000002, // hvc #0x0
];

/// CPU_ON of CPU 1 at `spin`, then both spin.
pub const SPIN2: &[u32] = &[
    0xd2b88000, // mov x0, #0xc4000000
    0xf2800060, // movk x0, #0x3
    0xd2800021, // mov x1, #0x1
    0x10000062, // adr x2, 40080018 <spin>
    0xd2800003, // mov x3, #0x0
    0xd4000002, // hvc #0x0
    0x14000000, // b 40080018 <spin>
];

pub fn config(smp: usize, gic: GicVersion) -> MachineConfig {
    MachineConfig {
        smp,
        gic,
        ..MachineConfig::new(Profile::virt(64 * MIB).unwrap(), Box::new(std::io::sink()))
    }
}

pub fn machine_with(config: MachineConfig, words: &[u32], regs: [u64; 4]) -> Machine {
    let mut m = Machine::new(config).unwrap();
    let plan = Plan {
        format: Format::Raw,
        blobs: vec![Blob {
            addr: ENTRY,
            bytes: words.iter().flat_map(|w| w.to_le_bytes()).collect(),
        }],
        entry: ENTRY,
        regs,
        map: vec![],
    };
    m.load(&std::rc::Rc::new(plan)).unwrap();
    m
}

pub fn machine(words: &[u32], regs: [u64; 4], expect: &[&str]) -> Machine {
    let mut c = config(1, GicVersion::V2);
    c.expect = expect.iter().map(|s| s.to_string()).collect();
    machine_with(c, words, regs)
}

/// A console sink the test can read.
#[derive(Clone, Default)]
pub struct Shared(pub Rc<RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `mov w2, #c; str w2, [x1]` per byte of `text` (x1 = the UART), then `tail`.
pub fn print_then(text: &str, tail: &[u32]) -> Vec<u32> {
    let mut w: Vec<u32> = text
        .bytes()
        .flat_map(|c| [0x5280_0002 | (c as u32) << 5, STR_W2_X1])
        .collect();
    w.extend_from_slice(tail);
    w
}
