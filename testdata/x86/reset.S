/*
 * The x86 machine's reset test guest (reset.S), for bootemu's machine only (the reset register
 * at I/O 0x600 is bootemu's; QEMU's microvm has its reset in an MMIO device). Entered the PVH
 * way twice:
 *  - first entry (no MAGIC at STATE, RAM outside the image, which a reset keeps): stores MAGIC,
 *    then RDTSC and stores the clock it expects right after its reset OUT (that RDTSC plus the
 *    RESET_TO_OUT instructions through the OUT), and writes the reset value 1 to the ACPI reset
 *    register at I/O 0x600; anything it runs after that OUT (CLI; HLT) would be counted too;
 *  - second entry, after the reset: RDTSC minus the ENTRY_TO_RDTSC instructions of the entry
 *    sequence is the clock at which the reset restarted it; it prints
 *    "reset: OUT at <expected>, restart at <observed>" (8 hex digits each, equal when the reset
 *    ended the run right after its OUT) and powers off (S5 to I/O 0x600).
 * On bootemu the TSC is the virtual clock; the vCPU's instruction count goes on across a reset.
 */
    .include "common.inc"
    .equ COM1, 0x3f8
    .equ STACK_TOP, 0x180000
    .equ STATE, 0x150000
    .equ MAGIC, 0x52535431
    /* CLI, LGDT, LJMP, MOV AX, 5 x MOV to DS/ES/SS/FS/GS, MOV ESP: PVH_ENTRY32 is 10. */
    .equ ENTRY_TO_RDTSC, 10
    /* RDTSC, LEA, MOV (store), MOV DX, MOV AL, OUT. */
    .equ RESET_TO_OUT, 6

    PVH_NOTE

    .text
    .code32
    .globl _start
_start:
    PVH_ENTRY32 STACK_TOP
    rdtsc
    cmpl $MAGIC, STATE
    je second
    movl $MAGIC, STATE
    rdtsc
    leal RESET_TO_OUT(%eax), %ebx
    movl %ebx, STATE + 4
    movw $0x600, %dx
    movb $1, %al             /* the FADT's RESET_VALUE */
    outb %al, %dx
1:  cli
    hlt
    jmp 1b

second:
    subl $ENTRY_TO_RDTSC, %eax
    movl %eax, %edi
    movl $msg_out, %esi
    call puts
    movl STATE + 4, %eax
    call puthex
    movl $msg_restart, %esi
    call puts
    movl %edi, %eax
    call puthex
    movl $msg_nl, %esi
    call puts
    movw $0x600, %dx
    movb $0x34, %al          /* SLP_EN | S5 << 2 */
    outb %al, %dx
2:  cli
    hlt
    jmp 2b

/* Print the NUL-terminated string at ESI on COM1. */
puts:
    pushl %eax
    pushl %edx
    movw $COM1, %dx
3:  lodsb
    testb %al, %al
    jz 4f
    outb %al, %dx
    jmp 3b
4:  popl %edx
    popl %eax
    ret

/* Print EAX as 8 hex digits on COM1. */
puthex:
    pushl %ebx
    pushl %ecx
    pushl %edx
    movl %eax, %ebx
    movl $8, %ecx
    movw $COM1, %dx
5:  roll $4, %ebx
    movl %ebx, %eax
    andl $15, %eax
    movb hexdigits(%eax), %al
    outb %al, %dx
    loop 5b
    popl %edx
    popl %ecx
    popl %ebx
    ret

    GDT_FLAT32

msg_out:     .asciz "reset: OUT at "
msg_restart: .asciz ", restart at "
msg_nl:      .asciz "\n"
hexdigits:   .ascii "0123456789abcdef"
