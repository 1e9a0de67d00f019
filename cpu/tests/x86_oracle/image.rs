//! One static x86_64 Linux ELF per batch of cases, built byte by byte (code assembled with
//! iced-x86's code assembler), run natively and under `qemu-x86_64`.
//!
//! Memory map of the single RWX PT_LOAD at [`BASE`] (the same addresses in all three runs, so
//! absolute addresses and pushed return addresses agree):
//!
//! ```text
//! +0x0000  ELF header, program header
//! +0x0100  sigaction and sigaltstack records, driver variables (current case, jump target)
//! +0x0200  driver: install the signal handler, then per case: copy INIT to the scratch memory,
//!          reset the x87 state (FXRSTOR64 of FX_INIT), load MXCSR, XMM0–XMM15, RFLAGS and all sixteen registers from the case's
//!          input record, jump to the case's code; SAVE stores them back to TMP, which precedes
//!          the scratch memory, and copies TMP + scratch to the case's output record; at the
//!          end write all output records to stdout and exit
//! TMP      16 registers, RFLAGS, status (the signal number, 0 if none), XMM0–XMM15, MXCSR,
//!          the FXSAVE64 image (x87 state; 16-byte aligned)
//! SCRATCH  SCRATCH_LEN bytes across a page boundary: the data the programs address and the
//!          programs' stack
//! INIT     the scratch memory's content at the start of every case
//! FX_INIT  an FXSAVE64 image: FCW 0x37F, MXCSR 0x1F80, all else zero
//! CASES    the cases' code, `STRIDE` bytes each: the program, then `jmp SAVE`
//! IN       input records (16 registers, RFLAGS, XMM0–XMM15, MXCSR)
//! (bss)    output records; the driver's stack and the alternate signal stack
//! ```
//!
//! A program may fault (#DE → SIGFPE): the handler, on the alternate stack, records the signal
//! and returns to SAVE with the registers as they were at the fault (the kernel restores the
//! XMM registers and MXCSR from the signal frame too).

use iced_x86::code_asm::*;
use iced_x86::BlockEncoderOptions;

/// Load address.
pub const BASE: u64 = 0x40_0000;
const SIGACT: u64 = BASE + 0x100;
const SIGSTK: u64 = BASE + 0x120;
const CUR: u64 = BASE + 0x140;
const JMPT: u64 = BASE + 0x148;
/// Holds MXCSR's reset value, restored after each case (the driver's own code).
const MXCSR_INIT: u64 = BASE + 0x150;
/// MXCSR's reset value: the driver's own, and the cases' unless a class asks for others.
pub const MXCSR: u32 = 0x1f80;
const DRIVER: u64 = BASE + 0x200;
/// Scratch memory: 0x100 bytes of data before the page boundary at BASE + 0x2000, the rest
/// after it (data, then the stack).
pub const SCRATCH: u64 = BASE + 0x1f00;
/// Bytes of scratch memory.
pub const SCRATCH_LEN: usize = 0x300;
/// Initial stack pointer of every case (64 bytes below the end of the scratch memory).
pub const STACK_TOP: u64 = SCRATCH + SCRATCH_LEN as u64 - 64;
/// Middle of the data part of the scratch memory, where memory operands point.
pub const DATA_MID: u64 = BASE + 0x2000;
const TMP: u64 = SCRATCH - OUT_HEAD as u64;
const TMP_STATUS: u64 = TMP + 136;
const TMP_XMM: u64 = TMP + 144;
const TMP_MXCSR: u64 = TMP + 400;
const TMP_FX: u64 = TMP + 408;
/// Bytes of the FXSAVE64 image compared (416–511 are not written by FXSAVE).
pub const FX_LEN: usize = 416;
const INIT: u64 = BASE + 0x2400;
const FX_INIT: u64 = BASE + 0x2800;
/// First case's code.
pub const CASES: u64 = BASE + 0x3000;
/// Bytes of code per case.
pub const STRIDE: u64 = 512;
const IN_LEN: u64 = 136 + 256 + 8;
/// Bytes of an output record before the scratch memory: 16 registers, RFLAGS, status, 16 XMM
/// registers, MXCSR (in a quadword), the 512-byte FXSAVE64 area.
const OUT_HEAD: usize = 408 + 512;
/// Bytes of an output record: the registers, then the scratch memory.
pub const OUT_LEN: usize = OUT_HEAD + SCRATCH_LEN;

/// Input of one case.
#[derive(Clone, Debug)]
pub struct CaseIn {
    /// RAX…R15.
    pub regs: [u64; 16],
    /// RFLAGS.
    pub rflags: u64,
    /// XMM0–XMM15.
    pub xmm: [u128; 16],
    /// MXCSR.
    pub mxcsr: u32,
    /// The program's bytes.
    pub code: Vec<u8>,
}

/// The state a case ends in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseOut {
    /// RAX…R15.
    pub regs: [u64; 16],
    /// RFLAGS.
    pub rflags: u64,
    /// Signal number the program raised (0: none).
    pub signal: u64,
    /// XMM0–XMM15.
    pub xmm: [u128; 16],
    /// MXCSR.
    pub mxcsr: u32,
    /// The FXSAVE64 image's first [`FX_LEN`] bytes (x87 state).
    pub fx: Vec<u8>,
    /// The scratch memory.
    pub scratch: Vec<u8>,
}

impl CaseOut {
    /// Parse one output record.
    pub fn parse(b: &[u8]) -> CaseOut {
        let q = |i: usize| u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap());
        CaseOut {
            regs: std::array::from_fn(q),
            rflags: q(16),
            signal: q(17),
            xmm: std::array::from_fn(|i| {
                u128::from_le_bytes(b[144 + 16 * i..160 + 16 * i].try_into().unwrap())
            }),
            mxcsr: q(50) as u32,
            fx: b[408..408 + FX_LEN].to_vec(),
            scratch: b[OUT_HEAD..OUT_LEN].to_vec(),
        }
    }
}

/// Address of case `i`'s code.
pub fn case_addr(i: usize) -> u64 {
    CASES + i as u64 * STRIDE
}

/// The assembled driver and the addresses the image needs.
struct Driver {
    code: Vec<u8>,
    save: u64,
    handler: u64,
    restorer: u64,
}

/// The driver for `n` cases whose input records start at `input` and outputs at `out`.
fn driver(n: u64, input: u64, out: u64) -> Result<Driver, IcedError> {
    let mut a = CodeAssembler::new(64)?;
    let driver_stack = out + n * OUT_LEN as u64 + 0x1000;
    let mut lp = a.create_label();
    let mut done = a.create_label();
    let mut save = a.create_label();
    let mut wl = a.create_label();
    let mut exit_ok = a.create_label();
    let mut exit_fail = a.create_label();
    let mut handler = a.create_label();
    let mut restorer = a.create_label();
    // sigaltstack(&ss, NULL)
    a.mov(eax, 131)?;
    a.mov(edi, SIGSTK as u32)?;
    a.xor(esi, esi)?;
    a.syscall()?;
    for sig in [4u32, 7, 8, 11] {
        // rt_sigaction(sig, &act, NULL, 8): SIGILL, SIGBUS, SIGFPE, SIGSEGV
        a.mov(eax, 13)?;
        a.mov(edi, sig)?;
        a.mov(esi, SIGACT as u32)?;
        a.xor(edx, edx)?;
        a.mov(r10d, 8)?;
        a.syscall()?;
    }
    a.mov(qword_ptr(CUR), 0)?;
    a.set_label(&mut lp)?;
    a.mov(rsp, driver_stack)?;
    a.mov(rax, qword_ptr(CUR))?;
    a.cmp(rax, n as i32)?;
    a.jae(done)?;
    a.mov(esi, INIT as u32)?;
    a.mov(edi, SCRATCH as u32)?;
    a.mov(ecx, SCRATCH_LEN as u32)?;
    a.cld()?;
    a.rep().movsb()?;
    a.mov(qword_ptr(TMP_STATUS), 0)?;
    a.mov(qword_ptr(TMP_MXCSR), 0)?;
    a.fxrstor64(zmmword_ptr(FX_INIT))?;
    a.imul_3(rbx, rax, STRIDE as i32)?;
    a.add(rbx, CASES as i32)?;
    a.mov(qword_ptr(JMPT), rbx)?;
    a.imul_3(rax, rax, IN_LEN as i32)?;
    a.mov(rbx, input)?;
    a.add(rax, rbx)?;
    let xmms = [
        xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7, xmm8, xmm9, xmm10, xmm11, xmm12, xmm13,
        xmm14, xmm15,
    ];
    for (i, x) in xmms.iter().enumerate() {
        a.movdqu(*x, xmmword_ptr(rax + 136 + 16 * i as i32))?;
    }
    a.ldmxcsr(dword_ptr(rax + 392))?;
    a.push(qword_ptr(rax + 128))?;
    a.popfq()?;
    let regs = [
        rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15,
    ];
    for (i, r) in regs.iter().enumerate().skip(1) {
        a.mov(*r, qword_ptr(rax + 8 * i as i32))?;
    }
    a.mov(rax, qword_ptr(rax))?;
    a.jmp(qword_ptr(JMPT))?;
    // SAVE: registers and RFLAGS to TMP, then TMP and the scratch memory to the output record.
    a.set_label(&mut save)?;
    for (i, r) in regs.iter().enumerate() {
        a.mov(qword_ptr(TMP + 8 * i as u64), *r)?;
    }
    for (i, x) in xmms.iter().enumerate() {
        a.movdqu(xmmword_ptr(TMP_XMM + 16 * i as u64), *x)?;
    }
    a.stmxcsr(dword_ptr(TMP_MXCSR))?;
    a.fxsave64(zmmword_ptr(TMP_FX))?;
    a.ldmxcsr(dword_ptr(MXCSR_INIT))?;
    a.mov(rsp, driver_stack)?;
    a.pushfq()?;
    a.pop(qword_ptr(TMP + 128))?;
    a.mov(rax, qword_ptr(CUR))?;
    a.imul_3(rdi, rax, OUT_LEN as i32)?;
    a.mov(rbx, out)?;
    a.add(rdi, rbx)?;
    a.mov(esi, TMP as u32)?;
    a.mov(ecx, OUT_LEN as u32)?;
    a.cld()?;
    a.rep().movsb()?;
    a.inc(qword_ptr(CUR))?;
    a.jmp(lp)?;
    // Write the output records to stdout (write may be partial), then exit.
    a.set_label(&mut done)?;
    a.mov(rsi, out)?;
    a.mov(rdx, n * OUT_LEN as u64)?;
    a.set_label(&mut wl)?;
    a.test(rdx, rdx)?;
    a.je(exit_ok)?;
    a.mov(eax, 1)?;
    a.mov(edi, 1)?;
    a.push(rsi)?;
    a.push(rdx)?;
    a.syscall()?;
    a.pop(rdx)?;
    a.pop(rsi)?;
    a.test(rax, rax)?;
    a.jle(exit_fail)?;
    a.add(rsi, rax)?;
    a.sub(rdx, rax)?;
    a.jmp(wl)?;
    a.set_label(&mut exit_fail)?;
    a.mov(eax, 231)?;
    a.mov(edi, 1)?;
    a.syscall()?;
    a.set_label(&mut exit_ok)?;
    a.mov(eax, 231)?;
    a.xor(edi, edi)?;
    a.syscall()?;
    // The signal handler (SA_SIGINFO: rdi = signal, rdx = ucontext): record the signal and
    // resume at SAVE with the registers of the fault.
    a.set_label(&mut handler)?;
    a.mov(qword_ptr(TMP_STATUS), rdi)?;
    a.lea(rax, qword_ptr(save))?;
    a.mov(qword_ptr(rdx + 168), rax)?; // uc_mcontext.gregs[REG_RIP]
    a.ret()?;
    a.set_label(&mut restorer)?;
    a.mov(eax, 15)?; // rt_sigreturn
    a.syscall()?;
    let res = a.assemble_options(DRIVER, BlockEncoderOptions::RETURN_NEW_INSTRUCTION_OFFSETS)?;
    Ok(Driver {
        save: res.label_ip(&save)?,
        handler: res.label_ip(&handler)?,
        restorer: res.label_ip(&restorer)?,
        code: res.inner.code_buffer,
    })
}

/// The ELF image for `cases`, scratch content `init`, and the address of `jmp SAVE` in each
/// case (where the interpreter stops).
pub fn build(cases: &[CaseIn], init: &[u8]) -> (Vec<u8>, Vec<u64>) {
    let n = cases.len() as u64;
    let input = CASES + n * STRIDE;
    let out = input + n * IN_LEN;
    let Driver {
        code: drv,
        save,
        handler,
        restorer,
    } = driver(n, input, out).expect("the driver assembles");
    let file_len = (out - BASE) as usize;
    let mem_len = file_len + cases.len() * OUT_LEN + 0x1000 + 0x10000;
    let mut img = vec![0u8; file_len];
    // ELF header.
    let mut h = Vec::new();
    h.extend_from_slice(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0");
    h.extend_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    h.extend_from_slice(&62u16.to_le_bytes()); // EM_X86_64
    h.extend_from_slice(&1u32.to_le_bytes());
    h.extend_from_slice(&DRIVER.to_le_bytes()); // e_entry
    h.extend_from_slice(&64u64.to_le_bytes()); // e_phoff
    h.extend_from_slice(&0u64.to_le_bytes()); // e_shoff
    h.extend_from_slice(&0u32.to_le_bytes()); // e_flags
    for v in [64u16, 56, 1, 64, 0, 0] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    // Program header: PT_LOAD, RWX, offset 0 at BASE.
    h.extend_from_slice(&1u32.to_le_bytes());
    h.extend_from_slice(&7u32.to_le_bytes());
    for v in [0u64, BASE, BASE, file_len as u64, mem_len as u64, 0x1000] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    img[..h.len()].copy_from_slice(&h);
    let put = |img: &mut Vec<u8>, at: u64, b: &[u8]| {
        let o = (at - BASE) as usize;
        img[o..o + b.len()].copy_from_slice(b);
    };
    // struct sigaction (kernel): handler, flags, restorer, mask.
    let flags: u64 = 0x4 | 0x0400_0000 | 0x0800_0000; // SA_SIGINFO | SA_RESTORER | SA_ONSTACK
    let mut act = Vec::new();
    for v in [handler, flags, restorer, 0] {
        act.extend_from_slice(&v.to_le_bytes());
    }
    put(&mut img, SIGACT, &act);
    // stack_t: sp, flags, size.
    let alt = out + n * OUT_LEN as u64 + 0x1000;
    let mut stk = Vec::new();
    for v in [alt, 0, 0x10000] {
        stk.extend_from_slice(&v.to_le_bytes());
    }
    put(&mut img, SIGSTK, &stk);
    put(&mut img, MXCSR_INIT, &MXCSR.to_le_bytes());
    let mut fx = [0u8; 512];
    fx[0..2].copy_from_slice(&0x37fu16.to_le_bytes());
    fx[24..28].copy_from_slice(&MXCSR.to_le_bytes());
    put(&mut img, FX_INIT, &fx);
    assert!(DRIVER + drv.len() as u64 <= TMP, "driver too long");
    put(&mut img, DRIVER, &drv);
    put(&mut img, INIT, init);
    let mut ends = Vec::with_capacity(cases.len());
    for (i, c) in cases.iter().enumerate() {
        let at = case_addr(i);
        assert!(c.code.len() + 5 <= STRIDE as usize, "program too long");
        put(&mut img, at, &c.code);
        let j = at + c.code.len() as u64;
        let rel = (save as i64 - (j as i64 + 5)) as i32;
        let mut jmp = vec![0xe9];
        jmp.extend_from_slice(&rel.to_le_bytes());
        put(&mut img, j, &jmp);
        ends.push(j);
        let mut rec = Vec::with_capacity(IN_LEN as usize);
        for r in c.regs {
            rec.extend_from_slice(&r.to_le_bytes());
        }
        rec.extend_from_slice(&c.rflags.to_le_bytes());
        for x in c.xmm {
            rec.extend_from_slice(&x.to_le_bytes());
        }
        rec.extend_from_slice(&(c.mxcsr as u64).to_le_bytes());
        put(&mut img, input + i as u64 * IN_LEN, &rec);
    }
    (img, ends)
}

/// Run `elf` (written to `path`) with `runner` (None: natively) and parse `n` output records.
pub fn run(path: &std::path::Path, runner: Option<&str>, n: usize) -> Result<Vec<CaseOut>, String> {
    let spawn = || match runner {
        Some(q) => std::process::Command::new(q).arg(path).output(),
        None => std::process::Command::new(path).output(),
    };
    // The tests run in parallel threads: a process another thread forks while this one still
    // has the ELF open for writing holds that descriptor until it execs, and executing the
    // file meanwhile fails with ETXTBSY. Try again a little later.
    let mut out = spawn();
    for _ in 0..50 {
        match &out {
            Err(e) if e.raw_os_error() == Some(26) => {
                std::thread::sleep(std::time::Duration::from_millis(20));
                out = spawn();
            }
            _ => break,
        }
    }
    let out = out.map_err(|e| format!("running {}: {e}", path.display()))?;
    if !out.status.success() || out.stdout.len() != n * OUT_LEN {
        return Err(format!(
            "{} {}: {} ({} bytes of output, {} expected): {}",
            runner.unwrap_or("native"),
            path.display(),
            out.status,
            out.stdout.len(),
            n * OUT_LEN,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out.stdout.chunks(OUT_LEN).map(CaseOut::parse).collect())
}
