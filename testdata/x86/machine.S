/*
 * The x86 machine's bare-metal test guest (machine.S): what `bootemu run --machine microvm`
 * gives a guest, checked against QEMU's microvm (pic=off,pit=off). Entered the PVH way (32-bit
 * flat protected mode, paging off, EBX = the hvm_start_info), it
 *  - writes to the 16550 at I/O 0x3f8 (polling LSR.THRE),
 *  - checks the hvm_start_info magic,
 *  - reads the local APIC's version register through the xAPIC page at 0xfee00000,
 *  - takes a local APIC timer interrupt (one-shot, vector 0x40) through a 32-bit IDT while
 *    halted with interrupts on, and EOIs it,
 *  - reads an unused I/O port (all ones),
 *  - takes the CMOS RTC's periodic interrupt twice through I/O APIC pin 8 (edge, vector
 *    0x41) while halted, each acknowledged by reading register C, which says IRQF | PF,
 *  - prints "clock at power-off: " and the low 32 bits of the TSC it expects right after its
 *    power-off OUT (RDTSC, plus the CLOCK_TO_POWEROFF instructions from that RDTSC through
 *    the OUT, a fixed count: the print below has no branch that depends on the data); on
 *    bootemu the TSC is the virtual clock (instructions + time skipped in HLT), which must
 *    end exactly there (QEMU's TSC differs: that line is not compared),
 *  - powers off: S5 to the ACPI sleep register at I/O 0x600 (bootemu's machine), then
 *    isa-debug-exit at 0xf4 (QEMU's), then CLI; HLT.
 */
    .include "common.inc"
    .equ COM1, 0x3f8
    .equ LAPIC, 0xfee00000
    .equ STACK_TOP, 0x180000
    .equ VECTOR, 0x40
    .equ IOAPIC, 0xfec00000
    .equ RTC_VECTOR, 0x41
    /* RDTSC, LEA, MOV DX, MOV ECX; 8 x (ROL, MOV, AND, MOV, OUT, LOOP); MOV AL, OUT
       (newline); MOV DX, MOV AL, OUT (power-off). */
    .equ CLOCK_TO_POWEROFF, 4 + 8 * 6 + 2 + 3

    PVH_NOTE

    .text
    .code32
    .globl _start
_start:
    PVH_ENTRY32 STACK_TOP
    movl %ebx, %edi          /* hvm_start_info */
    movl $msg_hello, %esi
    call puts
    cmpl $0x336ec578, (%edi)
    jne fail
    movl $msg_magic, %esi
    call puts

    /* The local APIC: version register (0x30): version 0x14, 6 LVT entries or more. */
    movl LAPIC + 0x30, %eax
    cmpb $0x14, %al
    jne fail
    movl $msg_apic, %esi
    call puts

    /* IDT entry VECTOR: a 32-bit interrupt gate to timer_isr. */
    movl $timer_isr, %eax
    movl $(idt + 8 * VECTOR), %ebx
    movw %ax, (%ebx)
    movw $0x08, 2(%ebx)
    movw $0x8e00, 4(%ebx)
    shrl $16, %eax
    movw %ax, 6(%ebx)
    lidt idt_ptr

    /* Enable the APIC (SVR), divide by 1, one-shot LVT timer at VECTOR, count 100000. */
    movl $0x1ff, LAPIC + 0xf0
    movl $0xb, LAPIC + 0x3e0
    movl $VECTOR, LAPIC + 0x320
    movl $100000, LAPIC + 0x380
    movl $0, ticks
    sti
2:  hlt
    cmpl $0, ticks
    je 2b
    cli
    movl $msg_woke, %esi
    call puts

    /* An unused port reads all ones. */
    movw $0x278, %dx
    inb %dx, %al
    cmpb $0xff, %al
    jne fail
    movl $msg_port, %esi
    call puts

    /* The CMOS RTC's periodic interrupt: I/O APIC redirection entry 8 (registers 0x20/0x21)
       = RTC_VECTOR, fixed, edge, active high, to APIC 0; stale flags cleared by a read of
       register C; register B = 24-hour | PIE at the reset rate (register A 0x26: 1024 Hz). */
    movl $rtc_isr, %eax
    movl $(idt + 8 * RTC_VECTOR), %ebx
    movw %ax, (%ebx)
    movw $0x08, 2(%ebx)
    movw $0x8e00, 4(%ebx)
    shrl $16, %eax
    movw %ax, 6(%ebx)
    movl $0x21, IOAPIC
    movl $0, IOAPIC + 0x10
    movl $0x20, IOAPIC
    movl $RTC_VECTOR, IOAPIC + 0x10
    movb $0x0c, %al
    outb %al, $0x70
    inb $0x71, %al
    movb $0x0b, %al
    outb %al, $0x70
    movb $0x42, %al
    outb %al, $0x71
    sti
4:  hlt
    cmpl $2, rtc_ticks
    jb 4b
    cli
    movb $0x0b, %al          /* PIE off */
    outb %al, $0x70
    movb $0x02, %al
    outb %al, $0x71
    movb rtc_c, %al
    andb $0xc0, %al          /* IRQF | PF (UF may be set too: a second may have ended) */
    cmpb $0xc0, %al
    jne fail
    movl $msg_rtc, %esi
    call puts

    movl $msg_pass, %esi
    call puts
poweroff:
    movl $msg_clock, %esi
    call puts
    rdtsc                    /* EAX = the clock before this instruction; EDX clobbered */
    leal CLOCK_TO_POWEROFF(%eax), %ebx
    movw $COM1, %dx
    movl $8, %ecx
1:  roll $4, %ebx
    movl %ebx, %eax
    andl $15, %eax
    movb hexdigits(%eax), %al
    outb %al, %dx
    loop 1b
    movb $10, %al
    outb %al, %dx
    movw $0x600, %dx
    movb $0x34, %al          /* SLP_EN | S5 << 2 */
    outb %al, %dx
    movw $0xf4, %dx
    movb $0, %al             /* QEMU exits with (0 << 1) | 1 */
    outb %al, %dx
3:  cli
    hlt
    jmp 3b

fail:
    movl $msg_fail, %esi
    call puts
    jmp poweroff

timer_isr:
    pushl %esi
    pushl %eax
    movl $msg_timer, %esi
    call puts
    incl ticks
    movl $0, LAPIC + 0xb0    /* EOI */
    popl %eax
    popl %esi
    iret

rtc_isr:
    pushl %eax
    movb $0x0c, %al          /* register C: read = acknowledge, lowers IRQ 8 */
    outb %al, $0x70
    inb $0x71, %al
    movb %al, rtc_c
    incl rtc_ticks
    movl $0, LAPIC + 0xb0    /* EOI */
    popl %eax
    iret

/* Print the NUL-terminated string at ESI on COM1. */
puts:
    pushl %eax
    pushl %edx
1:  lodsb
    testb %al, %al
    jz 3f
    movb %al, %ah
    movw $(COM1 + 5), %dx    /* LSR */
2:  inb %dx, %al
    testb $0x20, %al         /* THRE */
    jz 2b
    movw $COM1, %dx
    movb %ah, %al
    outb %al, %dx
    jmp 1b
3:  popl %edx
    popl %eax
    ret

    GDT_FLAT32
idt_ptr:
    .word 8 * 256 - 1
    .long idt
ticks:
    .long 0
rtc_ticks:
    .long 0
rtc_c:
    .byte 0

msg_hello:  .asciz "machine: hello from 32-bit protected mode\n"
msg_magic:  .asciz "machine: hvm_start_info magic ok\n"
msg_apic:   .asciz "machine: local APIC version 0x14\n"
msg_timer:  .asciz "machine: timer interrupt\n"
msg_woke:   .asciz "machine: woke from HLT\n"
msg_port:   .asciz "machine: unused port reads 0xff\n"
msg_rtc:    .asciz "machine: RTC periodic interrupt taken twice, register C IRQF|PF\n"
msg_pass:   .asciz "machine: PASS\n"
msg_fail:   .asciz "machine: FAIL\n"
msg_clock:  .asciz "clock at power-off: 0x"
hexdigits:  .ascii "0123456789abcdef"

    .balign 8
idt:
    .fill 256, 8, 0
