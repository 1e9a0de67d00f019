//! The x86_64 interpreter (Intel SDM, AMD APM): state, decode-once records, executors.
//!
//! What is here: 64-bit, compatibility-mode and 32-bit (and 16-bit) protected-mode code, user
//! and system. [`block`] builds blocks of pre-decoded records ([`insn::Insn`]) with iced-x86's
//! decoder ([`decode`]: iced `Instruction` → our record, once per instruction; execution never
//! calls the decoder) at the bitness of CS (CS.L in long mode → 64, else CS.D → 32, else 16; a
//! block remembers its bitness and is decoded again when found in another mode), caches them
//! by physical address in the shared [`CodeCache`](crate::codecache::CodeCache) and runs them
//! ([`Cpu::run`]). The handlers
//! ([`exec`]) cover MOV/MOVZX/MOVSX/MOVSXD/LEA/XCHG, the ALU group with all six status flags,
//! shifts and rotates, MUL/IMUL/DIV/IDIV (#DE), BT*/BSF/BSR (and TZCNT/LZCNT's encodings run as
//! BSF/BSR, BMI1/LZCNT not being advertised), BSWAP, XADD/CMPXCHG/CMPXCHG8B/CMPXCHG16B, CMOVcc/SETcc,
//! PUSH/POP/ENTER/LEAVE, Jcc/JMP/CALL/RET, LOOP/LOOPE/LOOPNE/JRCXZ, CBW…CQO, CLC/STC/CMC/CLD/STD, NOP
//! and the hints (PAUSE, fences, prefetches, ENDBR64), and the string instructions with
//! REP/REPE/REPNE (one instruction counted per iteration, resumable when the budget ends
//! mid-way), at every operand size with the partial-register and 32-bit zero-extension rules.
//! LOCK is accepted on read-modify-writes to memory (atomic by construction: vCPUs run one at a
//! time).
//!
//! SSE/SSE2 (the x86-64 baseline; nothing beyond SSE2 is decoded, later extensions raise #UD):
//! XMM0–XMM15 and MXCSR ([`state`]); the forms with an XMM operand go through their own table
//! (`decode::sse_line`). Data movement ([`exec::sse_mov`]: MOVAPS/MOVAPD/MOVDQA and the
//! MOVNT* stores with #GP on a misaligned 16-byte operand, MOVUPS/MOVUPD/MOVDQU, MOVD/MOVQ,
//! MOVSS/MOVSD, MOVLPS/MOVHPS/MOVLPD/MOVHPD, MOVHLPS/MOVLHPS, PMOVMSKB/MOVMSKPS/MOVMSKPD,
//! PEXTRW/PINSRW, MOVNTI) and the packed-integer, bitwise and shuffle forms
//! ([`exec::sse_int`]: PADD*/PSUB* with saturation, PCMPEQ*/PCMPGT*, PMIN/PMAX, PAVG, the
//! multiplies, PSADBW, PAND/PANDN/POR/PXOR and ANDPS…XORPD, the shifts, PSLLDQ/PSRLDQ,
//! PUNPCK*/UNPCK*, PACK*, PSHUFD/PSHUFLW/PSHUFHW/SHUFPS/SHUFPD) — every SSE form the
//! reference Debian userspace executes — and floating point ([`exec::sse_fp`]: ADD/SUB/MUL/
//! DIV/MIN/MAX/SQRT in PS/PD/SS/SD, CMP*, COMIS*/UCOMIS*, the CVT* conversions,
//! LDMXCSR/STMXCSR), computed in integers by [`exec::softfp`] under MXCSR.RC with the
//! exception flags, DAZ and FTZ as the host CPU sets them. An exception unmasked in MXCSR
//! writes no result and raises #XM (#UD without CR4.OSXMMEXCPT).
//!
//! MMX ([`exec::mmx`]): MM0–MM7 are the significands of the x87 registers; the MMX forms of
//! the SSE integer, move and conversion handlers (an MMX operand makes them work on 64 bits),
//! EMMS, PSHUFW, MOVQ2DQ/MOVDQ2Q, MOVNTQ, MASKMOVQ/MASKMOVDQU, CVTPI2PS…CVTTPD2PI, with the
//! x87-to-MMX transition (TOP = 0, all tags valid, the written register's exponent all ones)
//! and its #UD (CR0.EM), #NM (CR0.TS) and #MF checks.
//!
//! x87 ([`exec::x87`], lowered by [`decode_x87`]): the register stack with TOP and the tag
//! word, stack overflow/underflow (#IS with SF and C1), FLD/FST/FSTP (m32/m64/m80, ST(i)),
//! FILD/FIST/FISTP (m16/m32/m64), the constants, FXCH, FCHS/FABS, FADD…FDIVR (+P, m32/m64,
//! FIADD… m16/m32), FSQRT, FRNDINT, FCOM*/FUCOM*/FCOMI*/FUCOMI*/FICOM*/FTST, FXAM, FCMOVcc,
//! FFREE, FINCSTP/FDECSTP, FNOP/FWAIT, FLDCW/FNSTCW/FNSTSW (m16, AX), FNINIT/FNCLEX and
//! FXSAVE/FXRSTOR in both layouts (64-bit, and 32-bit with FCS/FDS), FNSTENV/FLDENV and
//! FNSAVE/FRSTOR (16- and 32-bit layouts), FSCALE, FXTRACT, FPREM/FPREM1, FBLD/FBSTP and
//! the transcendentals F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN, FCOS, FSINCOS, FPTAN (special
//! operands exact, finite ones within 1 ulp of the host), computed in integers
//! by [`exec::f80`] under the precision (24/53/64) and rounding control with the six
//! exception flags and C1 as the host CPU sets them; masked responses, and an unmasked exception sets ES/B so that the next waiting x87
//! instruction raises #MF. FISTTP (SSE3, not advertised) raises #UD.
//!
//! System ([`system`] owns the state): CR0/CR2/CR3/CR4 and EFER with the mode transitions
//! (EFER.LMA when paging is enabled with LME and PAE, far jumps into and out of 64-bit code),
//! the segment registers with descriptor caches, GDTR/IDTR/LDTR/TR ([`descriptor`]: loads
//! with their #GP/#NP/#SS checks; [`exec::far`]: MOV/PUSH/POP Sreg, LGDT/LIDT/SGDT/SIDT/LLDT/
//! LTR/SLDT/STR, VERR/VERW/LAR/LSL, far JMP/CALL/RET, IRET, INT), segment bases on every memory operand outside
//! 64-bit mode (FS/GS in it) and 16/32-bit addressing, stack and branch widths per mode, the
//! privileged instructions ([`exec::control`]: MOV CR/DR, LMSW/SMSW/CLTS, CLI/STI, PUSHF/POPF
//! with the CPL and IOPL rules, HLT, SWAPGS, SYSCALL/SYSRET, RDTSC/RDTSCP, RDMSR/WRMSR,
//! WBINVD/INVD/CLFLUSH; #GP(0) at CPL > 0), the MSRs ([`msr`]: a table, the platform's behind
//! it, #GP(0) counted per MSR in [`Cpu::bad_msrs`]), CPUID ([`cpuid`]: GenuineIntel, family 6
//! model 0x5e, exactly the implemented features), port I/O through the
//! [`Platform`] with the IOPL/TSS-bitmap check ([`exec::io`], INS/OUTS in [`exec::string`]),
//! and exception and interrupt delivery through the IDT ([`interrupt`]: 64-bit and 32-bit
//! gates, RSP0/IST/SS0:ESP0 stacks, double and triple faults, external interrupts taken between
//! blocks when IF is set and no STI/MOV SS shadow is active, HLT as [`Exit::Halt`]). Time is
//! the instruction count: TSC = [`Cpu::insns`] + IA32_TSC's offset, announced by CPUID 0x15/0x16.
//!
//! [`Cpu::new`] is the user-mode sandbox the oracles use (64-bit code at CPL 3, paging off, no
//! IDT): there, under the sandbox rule ([`system::System::sandbox`]), an exception ends
//! [`Cpu::run`] with [`Exit::Exception`] instead of being delivered; LIDT (or a loader) ends the
//! rule. Anything not implemented decodes to a record raising #UD, counted per iced `Code`
//! (form) in [`Cpu::undefined`].
//!
//! Memory goes through the shared [`Bus`](crate::aarch64::Bus), translated by paging: the walk
//! ([`paging`]: 32-bit, PAE and 4-level paging with 4 KiB/2 MiB/4 MiB/1 GiB pages, U/S, R/W
//! with CR0.WP, NX, global pages, A/D updates, reserved bits, #PF error codes) run at the
//! current privilege ([`mmu`]: CR2, the TLB flushes of MOV CR3/CR0/CR4/EFER and INVLPG,
//! implicit supervisor accesses), cached per page with the walk's permissions in a software
//! TLB ([`tlb`]); instruction fetch translates CS base + RIP to the physical address that keys
//! the blocks ([`block`]). With paging off (the sandbox) linear = physical.
//!
//! Not modelled: real mode and virtual-8086 mode (clearing CR0.PE is #GP(0)), task switches,
//! call/task gates, 16-bit gates, segment limit checks and accessed bits, debug
//! breakpoints and single-step (#DB; DR0–DR7 and TF are storage), #AC, #NM for x87 and SSE
//! instructions (MMX ones raise it), NMI, SMM, CR8.
//!
//! What comes next, in order: the x87's exponent-biased results of unmasked #O/#U; real mode
//! for the application processors (SMP).
//! Lazy flags (result and operands kept, flags computed when read) are the planned speed-up
//! once a boot profile shows flag computation matters.
//!
//! Tests: unit tests next to the code; `cpu/tests/x86_oracle.rs` runs random programs per class
//! natively, under `qemu-x86_64` and here; `cpu/tests/x86_reference_forms.rs` measures how much
//! of the forms a Debian kernel and busybox execute decode to implemented records;
//! `cpu/tests/x86_bare_metal.rs` runs our bare-metal guest (`testdata/x86/boot64.S`: protected
//! mode → page tables → long mode → #PF and #GP) here and on QEMU and compares the consoles.

pub mod block;
pub mod cpuid;
pub mod decode;
pub mod decode_x87;
pub mod descriptor;
pub mod exec;
pub mod insn;
pub mod interrupt;
pub mod mem;
pub mod mmu;
pub mod msr;
pub mod paging;
pub mod platform;
pub mod state;
pub mod system;
pub mod tlb;

#[cfg(test)]
pub(crate) mod testworld;

pub use block::{Block, BlockCache, Env};
pub use interrupt::Source;
pub use platform::Platform;
pub use state::{flag, vector, Cpu, Exit, Fault, Watch};
pub use system::System;
