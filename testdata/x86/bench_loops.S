/*
 * The x86 benchmark guest (benches/x86.rs): entered the PVH way (32-bit flat protected mode,
 * paging off), it identity-maps 0-4 MiB with two 2 MiB pages, enters long mode and runs three
 * loops, printing each loop's checksum as 16 hex digits on the debug console (port 0xe9):
 *   A: the load/ALU/flags loop `mov rax,[rbx+rcx*8]; add rdx,rax; inc rcx; and rcx,0x3ff;
 *      cmp rax,rdx; cmovb rsi,rax; mov [rbx+rcx*8+8],rdx; sub rdi,1; jne` (LOOP_A iterations),
 *   B: memcpy-like: REP MOVSQ of 4 KiB, then a qword load/store copy loop back, summing
 *      (LOOP_B rounds),
 *   C: call/ret heavy: recursive fib(FIB_N).
 * Then PASS, and isa-debug-exit (port 0xf4) stops the machine (CLI; HLT after it).
 */
    .include "common.inc"
    .equ CONSOLE, 0xe9
    .equ EXIT_PORT, 0xf4
    .equ PML4, 0x110000
    .equ PDPT, 0x111000
    .equ PD, 0x112000
    .equ STACK_TOP, 0x180000
    .equ BUF_A, 0x200000          /* 1025 qwords */
    .equ BUF_SRC, 0x210000        /* 4 KiB */
    .equ BUF_DST, 0x220000        /* 4 KiB */
    .equ LOOP_A, 2000000
    .equ LOOP_B, 1500
    .equ FIB_N, 25

    PVH_NOTE

    .text
    .code32
    .globl _start
_start:
    PVH_ENTRY32 STACK_TOP
    LONG_MODE_4M 0x20, STACK_TOP      /* PAE */

    /* A: the buffer holds i * 0x9e3779b97f4a7c15 for i in 0..1025. */
    movl $BUF_A, %ebx
    xorl %ecx, %ecx
    xorl %eax, %eax
    movabsq $0x9e3779b97f4a7c15, %r10
1:  movq %rax, (%rbx,%rcx,8)
    addq %r10, %rax
    incq %rcx
    cmpq $1025, %rcx
    jne 1b
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %esi, %esi
    movl $LOOP_A, %edi
2:  movq (%rbx,%rcx,8), %rax
    addq %rax, %rdx
    incq %rcx
    andq $0x3ff, %rcx
    cmpq %rdx, %rax
    cmovbq %rax, %rsi
    movq %rdx, 8(%rbx,%rcx,8)
    subq $1, %rdi
    jne 2b
    movq %rdx, %rax
    xorq %rsi, %rax
    call puthex

    /* B: the source holds i * 3 + 1 for i in 0..512. */
    movl $BUF_SRC, %edi
    xorl %ecx, %ecx
3:  leaq 1(%rcx,%rcx,2), %rax
    movq %rax, (%rdi,%rcx,8)
    incq %rcx
    cmpq $512, %rcx
    jne 3b
    xorl %r8d, %r8d                  /* the sum */
    movl $LOOP_B, %r9d
4:  movl $BUF_SRC, %esi
    movl $BUF_DST, %edi
    movl $512, %ecx
    rep movsq
    movl $BUF_DST, %esi
    movl $BUF_SRC, %edi
    movl $512, %ecx
5:  movq (%rsi), %rax
    addq %rax, %r8
    incq %rax
    movq %rax, (%rdi)
    addq $8, %rsi
    addq $8, %rdi
    decl %ecx
    jnz 5b
    decl %r9d
    jnz 4b
    movq %r8, %rax
    call puthex

    /* C: fib(FIB_N), recursive. */
    movl $FIB_N, %edi
    call fib
    call puthex

    PASS_AND_EXIT CONSOLE, EXIT_PORT

/* rax = fib(rdi) */
fib:
    cmpq $2, %rdi
    jae 1f
    movq %rdi, %rax
    ret
1:  pushq %rbx
    pushq %rdi
    decq %rdi
    call fib
    movq %rax, %rbx
    popq %rdi
    subq $2, %rdi
    call fib
    addq %rbx, %rax
    popq %rbx
    ret

/* Print rax as 16 hex digits and a newline. */
puthex:
    PUTHEX64 CONSOLE, 1

    .data
    GDT_LONG_MODE
msg_pass:
    .asciz "PASS\n"
