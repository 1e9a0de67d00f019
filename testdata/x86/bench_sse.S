/*
 * The SSE-integer loop guest (tests: cpu/tests/x86_bare_metal.rs, console compared with QEMU's;
 * also the workload for profiling the packed-integer handlers under callgrind): entered the PVH
 * way, it identity-maps 0-4 MiB, enters long mode with CR4.OSFXSR set and runs LOOP rounds of a
 * strlen/checksum-like loop over a 4 KiB byte buffer (MOVDQA, PCMPEQB, PMOVMSKB, PADDB, PXOR,
 * PUNPCKLBW, PADDW, PSHUFD, PMINUB, PSUBUSB, PAND, PSRLW), then prints two checksums as 16 hex
 * digits on the debug console (port 0xe9), PASS, and stops through isa-debug-exit (port 0xf4).
 */
    .include "common.inc"
    .equ CONSOLE, 0xe9
    .equ EXIT_PORT, 0xf4
    .equ PML4, 0x110000
    .equ PDPT, 0x111000
    .equ PD, 0x112000
    .equ STACK_TOP, 0x180000
    .equ BUF, 0x200000            /* 4 KiB of bytes */
    .equ LOOP, 200

    PVH_NOTE

    .text
    .code32
    .globl _start
_start:
    PVH_ENTRY32 STACK_TOP
    LONG_MODE_4M 0x620, STACK_TOP      /* PAE, OSFXSR, OSXMMEXCPT */

    /* The buffer holds byte i = (i * 7 + 1) & 0xff for i in 0..4096 (a few zeros). */
    movl $BUF, %edi
    xorl %ecx, %ecx
1:  leal 1(%rcx,%rcx,2), %eax
    leal (%rax,%rcx,4), %eax
    movb %al, (%rdi,%rcx)
    incl %ecx
    cmpl $4096, %ecx
    jne 1b
    pxor %xmm0, %xmm0
    pxor %xmm4, %xmm4
    pxor %xmm5, %xmm5
    pxor %xmm6, %xmm6
    pxor %xmm7, %xmm7
    xorl %r8d, %r8d
    movl $LOOP, %r9d
2:  movl $BUF, %esi
    movl $256, %ecx
3:  movdqa (%rsi), %xmm1
    movdqa %xmm1, %xmm2
    pcmpeqb %xmm0, %xmm2
    pmovmskb %xmm2, %eax
    addl %eax, %r8d
    paddb %xmm1, %xmm7
    pxor %xmm1, %xmm6
    punpcklbw %xmm0, %xmm1
    paddw %xmm1, %xmm5
    pshufd $0x1b, %xmm7, %xmm3
    pminub %xmm3, %xmm4
    psubusb %xmm1, %xmm4
    pand %xmm7, %xmm3
    psrlw $1, %xmm3
    paddw %xmm3, %xmm5
    addq $16, %rsi
    decl %ecx
    jnz 3b
    decl %r9d
    jnz 2b
    pxor %xmm4, %xmm5
    pxor %xmm6, %xmm7
    pxor %xmm5, %xmm7
    movq %xmm7, %rax
    psrldq $8, %xmm7
    movq %xmm7, %rdx
    xorq %rdx, %rax
    call puthex
    movq %r8, %rax
    call puthex

    PASS_AND_EXIT CONSOLE, EXIT_PORT

/* Print rax as 16 hex digits and a newline. */
puthex:
    PUTHEX64 CONSOLE, 1

    .data
    GDT_LONG_MODE
msg_pass:
    .asciz "PASS\n"
